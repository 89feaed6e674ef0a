import statistics

import pytest

import nn
from autograd import Value


def test_training_mode_drops_about_p_and_keeps_the_mean():
    drop = nn.Dropout(0.5, seed=0)
    outputs = [y.data for y in drop([1.0] * 4000)]
    assert set(outputs) == {0.0, 2.0}
    assert outputs.count(0.0) / len(outputs) == pytest.approx(0.5, abs=0.03)
    assert statistics.fmean(outputs) == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize("p", [0.1, 0.3, 0.8])
def test_drop_rate_and_scale_follow_p(p):
    outputs = [y.data for y in nn.Dropout(p, seed=1)([1.0] * 4000)]
    assert outputs.count(0.0) / len(outputs) == pytest.approx(p, abs=0.03)
    assert max(outputs) == pytest.approx(1 / (1 - p))


def test_eval_mode_is_the_identity():
    drop = nn.Dropout(0.5, seed=0).eval()
    values = [Value(1.0), Value(-2.0)]
    assert drop(values) == values
    assert all(a is b for a, b in zip(drop(values), values))


def test_p_zero_passes_through_and_p_one_drops_everything():
    assert [y.data for y in nn.Dropout(0.0)([1.0, 2.0])] == [1.0, 2.0]
    assert [y.data for y in nn.Dropout(1.0, seed=0)([1.0, 2.0])] == [0.0, 0.0]


def test_the_mask_blocks_the_gradient():
    values = [Value(1.0) for _ in range(200)]
    outputs = nn.Dropout(0.5, seed=2)(values)
    for out in outputs:
        out.backward()
    for value, out in zip(values, outputs):
        assert value.grad == (2.0 if out.data else 0.0)


def test_seed_makes_masks_reproducible_and_a_new_mask_each_call():
    first = [y.data for y in nn.Dropout(0.5, seed=3)([1.0] * 50)]
    assert first == [y.data for y in nn.Dropout(0.5, seed=3)([1.0] * 50)]
    drop = nn.Dropout(0.5, seed=3)
    drop([1.0] * 50)
    assert [y.data for y in drop([1.0] * 50)] != first


def test_dropout_in_a_network_and_its_scope():
    model = nn.Sequential(nn.Dense(2, 8, activation="relu", seed=0), nn.Dropout(0.5, seed=0), nn.Dense(8, 1, seed=0))
    training = model([1.0, 2.0])
    assert any(node.scope == ("layers.1",) for node in _nodes(training))
    model.eval()
    assert model([1.0, 2.0]).data == model([1.0, 2.0]).data


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan"), "0.5", True])
def test_p_must_be_a_probability(p):
    with pytest.raises(ValueError, match="got") as caught:
        nn.Dropout(p)
    assert str(caught.value) == f"Dropout got p={p!r}; p is a probability, so 0 ≤ p ≤ 1 (0.5 is common)."


def _nodes(root):
    from autograd import topological_order

    return topological_order(root)


@pytest.mark.parametrize("inputs", [3.0, None, "ab"])
def test_dropout_needs_a_list(inputs):
    with pytest.raises(TypeError, match="got") as caught:
        nn.Dropout(0.5)(inputs)
    assert str(caught.value) == (
        f"Dropout got {inputs!r} of type {type(inputs).__name__}; expected a list of numbers (one example), such as "
        "a layer's outputs."
    )
