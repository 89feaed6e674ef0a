import math
import reprlib
import sys
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


# --- the three shared checkers: one message each, at every boundary ------------------------

from nn.checks import evaluating, finite_number, same_length, whole_number  # noqa: E402


@pytest.mark.parametrize(
    ("value", "minimum", "accepted"),
    [(1, 1, True), (0, 1, False), (2, 2, True), (1, 2, False), (np.int64(3), 1, True), (np.int32(0), 1, False),
     (True, 1, False), (np.bool_(True), 1, False), (2.0, 1, False), ("2", 1, False), (None, 1, False),
     (10**30, 1, True)],
)
def test_whole_number_boundaries(value, minimum, accepted):
    if accepted:
        result = whole_number("f()", "n", value, minimum=minimum)
        assert result == value
        assert type(result) is int
        return
    with pytest.raises(ValueError, match="got") as caught:
        whole_number("f()", "n", value, minimum=minimum)
    assert str(caught.value) == f"f() got n={value!r}; expected a whole number ≥ {minimum}."


def test_whole_number_message_parts():
    with pytest.raises(ValueError, match="got") as caught:
        whole_number("fit()", "batch_size", 0, unit="examples", alternative="None (full batch)")
    assert str(caught.value) == "fit() got batch_size=0; expected a whole number of examples ≥ 1, or None (full batch)."


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 10**400, True, "1", None, np.float32("nan")])
def test_finite_number_refuses(value):
    with pytest.raises(ValueError, match="got") as caught:
        finite_number("Neuron", "bias", value, "Use 0.")
    assert str(caught.value) == f"Neuron got bias={reprlib.repr(value)}; expected a finite number. Use 0."


def test_finite_number_accepts_the_extremes():
    assert finite_number("f()", "x", sys.float_info.max) == sys.float_info.max
    assert finite_number("f()", "x", 5e-324) == 5e-324
    assert type(finite_number("f()", "x", np.float32(0.5))) is float


def test_same_length_messages():
    assert same_length("f()", [], []) == 0
    assert same_length("f()", [1, 2], (3, 4)) == 2
    with pytest.raises(ValueError, match="got") as caught:
        same_length("f()", [1], [1, 2], ("output", "target"))
    assert str(caught.value) == "f() got 1 output and 2 targets; expected one target per output."
    with pytest.raises(ValueError, match="got") as caught:
        same_length("f()", [1, 2], [1])
    assert str(caught.value) == "f() got 2 examples and 1 target; expected one target per example."
    with pytest.raises(TypeError, match="got") as caught:
        same_length("f()", None, [1])
    assert str(caught.value) == "f() got examples of type NoneType; expected a list, one example per entry."
    with pytest.raises(TypeError, match="got") as caught:
        same_length("f()", [1], 5)
    assert str(caught.value) == "f() got targets of type int; expected a list, one target per example."


def test_evaluating_restores_each_module_and_survives_an_error():
    model = nn.Sequential(nn.Dense(1, 1, seed=0), nn.Dropout(0.5))
    model.train()
    model.layers[1].training = False  # switched off by hand: must stay off
    before = [m.training for _, m in model.named_modules()]
    seen = []

    def measure():
        with evaluating(model):
            seen.extend(m.training for _, m in model.named_modules())
            raise RuntimeError("inside")

    with pytest.raises(RuntimeError, match="inside"):
        measure()
    assert seen == [False] * len(before)
    assert [m.training for _, m in model.named_modules()] == before
    assert before.count(False) == 1


def test_numpy_integer_seeds_and_a_string_fraction():
    assert nn.MLP(2, [2, 1], seed=np.int64(3)).state_dict() == nn.MLP(2, [2, 1], seed=3).state_dict()
    with pytest.raises(ValueError, match="got") as caught:
        nn.data.train_val_split([[0.0], [1.0]], [0, 1], "0.2")
    assert str(caught.value) == (
        "train_val_split() got validation_fraction='0.2'; expected a share between 0 and 1, e.g. 0.2."
    )
