from fractions import Fraction

import pytest

import nn
from autograd import Value
from nn.checks import as_index, is_finite_number, is_number

np = pytest.importorskip("numpy")


def test_numbers_are_any_real_but_not_a_bool():
    for number in (1, 0.5, Fraction(1, 2), np.float32(0.5), np.float64(0.5), np.int64(3)):
        assert is_number(number), number
    for other in (True, np.bool_(True), "1", None, 1j, Value(1.0)):
        assert not is_number(other), other
    assert not is_finite_number(np.float32("nan"))
    assert as_index(np.int64(2)) == 2
    assert as_index(2.0) is None
    assert as_index(True) is None


def test_optimizers_dropout_and_early_stopping_take_numpy_numbers():
    w = Value(1.0)
    w.grad = 1.0
    optimizer = nn.SGD([w], learning_rate=np.float32(0.5), momentum=np.float64(0.5))
    optimizer.step()
    assert w.data == 0.5
    assert type(optimizer.learning_rate) is float
    assert nn.Adam([w], learning_rate=np.float64(0.1), betas=(np.float32(0.9), np.float32(0.999))) is not None
    assert nn.Dropout(np.float32(0.5)).p == 0.5
    assert nn.EarlyStopping(min_delta=np.float32(0.0)) is not None


def test_losses_take_numpy_targets_and_class_indices():
    assert nn.mean_squared_error([Value(3.0)], [np.float32(1.0)]).data == 4.0
    assert nn.binary_cross_entropy([0.5], [np.int64(1)]).data == pytest.approx(0.6931471805599453)
    assert nn.binary_cross_entropy_with_logits([np.float32(0.0)], [np.float64(1.0)]).data == pytest.approx(
        0.6931471805599453
    )
    assert nn.cross_entropy([[1.0, 2.0, 3.0]], [np.int64(2)]).data == pytest.approx(0.407606, abs=1e-6)
    with pytest.raises(ValueError, match="expected a class index 0 … 2"):
        nn.cross_entropy([[1.0, 2.0, 3.0]], [2.0])


def test_load_state_dict_takes_numpy_numbers():
    neuron = nn.Neuron(1, weights=[0.0])
    neuron.load_state_dict({"weights.0": np.float32(1.0), "bias": np.int64(2)})
    assert neuron.state_dict() == {"weights.0": 1.0, "bias": 2.0}
    assert type(neuron.bias.data) is float


def test_fit_takes_numpy_examples_and_labels():
    X = [[np.float32(0.0), np.float32(1.0)], [np.float32(1.0), np.float32(0.0)]]
    y = [np.int64(0), np.int64(1)]
    history = nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, epochs=2, progress=False)
    assert history.epochs == 2
