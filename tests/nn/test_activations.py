import math

import pytest

import autograd
import nn
from autograd import Value
from nn.activations import resolve_activation


def test_named_activations_table():
    assert list(nn.ACTIVATIONS) == ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
    x = Value(-6.0)
    assert round(nn.sigmoid(x).data, 7) == 0.0024726
    assert nn.tanh(Value(0.5)).data == math.tanh(0.5)
    assert nn.relu(Value(-1.0)).data == 0.0
    assert nn.leaky_relu(Value(-1.0)).data == -0.01
    assert nn.linear(x) is x


@pytest.mark.parametrize("name", list(nn.ACTIVATIONS))
def test_resolved_functions_match_the_readable_ones(name):
    _, fast = resolve_activation(name)
    for point in (-2.0, 0.0, 0.7):
        assert fast(Value(point)).data == nn.ACTIVATIONS[name](Value(point)).data


def test_softmax_sums_to_one_and_keeps_order():
    probabilities = nn.softmax([1.0, 2.0, 3.0])
    assert sum(p.data for p in probabilities) == pytest.approx(1.0, abs=1e-15)
    exps = [math.exp(v) for v in (1.0, 2.0, 3.0)]
    assert [p.data for p in probabilities] == pytest.approx([e / sum(exps) for e in exps], abs=1e-15)


def test_softmax_is_stable_at_large_scores_and_has_finite_gradients():
    scores = [Value(1000.0), Value(-1000.0), Value(999.0)]
    probabilities = nn.softmax(scores)
    assert all(math.isfinite(p.data) for p in probabilities)
    probabilities[0].backward()
    assert all(math.isfinite(s.grad) for s in scores)
    p0, p2 = probabilities[0].data, probabilities[2].data
    assert scores[0].grad == pytest.approx(p0 * (1 - p0), abs=1e-12)
    assert scores[2].grad == pytest.approx(-p0 * p2, abs=1e-12)


@pytest.mark.parametrize(
    "scores",
    [
        [1.0, 2.0, 3.0],
        [1000.0, 1001.5, 997.25, 999.0],  # all far from 0: a shift computed as a number near 1000 rounds there
        [-1000.0, 1000.0, 999.0, 919.4],  # 0 next to 1, and one of e^−80.6 = 9.8e-36 next to one of 0.27
        [0.0, -80.0, 0.5],  # a probability of 4.5e-36 next to 0.62
        [-740.0, -740.5, -741.0],  # e^−740 alone is subnormal
        [7.0],
    ],
)
def test_softmax_and_its_gradient_match_mpmath_to_the_last_digits(scores):
    mpmath = pytest.importorskip("mpmath")
    weights = [1.0, -2.0, 0.5, 3.0][: len(scores)]  # the gradient of Σ gᵢ·pᵢ, which mixes every row of ∂p/∂z
    values = [Value(z) for z in scores]
    probabilities = nn.softmax(values)
    autograd.sum([g * p for g, p in zip(weights, probabilities)]).backward()
    with mpmath.workdps(50):
        z = [mpmath.mpf(v) for v in scores]
        log_sum = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in z))
        exact = [mpmath.exp(v - log_sum) for v in z]
        mean = mpmath.fsum(g * q for g, q in zip(weights, exact))
        slopes = [float(q * (g - mean)) for g, q in zip(weights, exact)]
    assert [p.data for p in probabilities] == pytest.approx([float(q) for q in exact], rel=1e-14, abs=0.0)
    assert [v.grad for v in values] == pytest.approx(slopes, rel=1e-14, abs=1e-300)


def test_softmax_of_infinite_scores_is_nan_as_in_torch_except_for_a_minus_infinity_among_finite_ones():
    assert [p.data for p in nn.softmax([-math.inf, 0.0, 1.0])] == [0.0, 1.0 / (1.0 + math.e), math.e / (1.0 + math.e)]
    for scores in ([math.inf, 0.0], [-math.inf, -math.inf]):  # the latter was a division by zero
        assert all(math.isnan(p.data) for p in nn.softmax(scores))


def test_softmax_of_nothing():
    with pytest.raises(ValueError, match=r"softmax\(\) got an empty list; expected at least one score."):
        nn.softmax([])


def test_logsumexp_sums_in_a_balanced_tree_of_logaddexp_without_overflow():
    from nn.activations import logsumexp

    scores = [Value(1000.0), Value(-1000.0), Value(999.0), Value(1000.0), Value(0.5)]
    total = logsumexp(scores)
    assert total.data == pytest.approx(1000.0 + math.log(2.0 + math.exp(-1.0)), rel=1e-15)

    def levels(node: Value) -> int:
        return 1 + max(map(levels, node.inputs)) if node.op == "logaddexp" else 0

    assert levels(total) == 3  # ⌈log₂ 5⌉: a chain would take 4
    lone = Value(2.0)
    assert logsumexp([lone]) is lone
    with pytest.raises(ValueError, match="got") as caught:
        logsumexp([])
    assert str(caught.value) == "logsumexp() got an empty list; expected at least one term."


@pytest.mark.parametrize(
    "point", [[0.3, -1.2, 2.0], [1000.0, 999.0, 998.5], [-1000.0, 1000.0, 999.0], [0.0, -80.0, 0.5]]
)
@pytest.mark.parametrize("k", [0, 1, 2])
def test_softmax_gradient_passes_gradcheck(point, k):
    from autograd import gradcheck

    assert gradcheck(lambda a, b, c: nn.softmax([a, b, c])[k], point)


@pytest.mark.parametrize("name", list(nn.ACTIVATIONS))
def test_a_builtin_given_as_a_function_saves_and_loads_by_name(tmp_path, name):
    model = nn.MLP(2, [3, 1], activation=nn.ACTIVATIONS[name], output_activation=nn.ACTIVATIONS[name], seed=0)
    assert [layer.activation for layer in model.layers] == [name, name]
    model.save(tmp_path / "m.json")
    loaded = nn.load(tmp_path / "m.json")
    assert loaded.architecture() == model.architecture()
    assert loaded([0.5, -1.0]).data == model([0.5, -1.0]).data


def test_leaky_relu_slope_is_checked():
    assert nn.leaky_relu(Value(-2.0), slope=0.2).data == pytest.approx(-0.4)
    assert nn.leaky_relu(Value(-2.0), slope=0).data == 0.0
    for slope in (math.nan, math.inf, "0.1", None):
        with pytest.raises(ValueError, match="got") as caught:
            nn.leaky_relu(Value(-2.0), slope=slope)
        assert str(caught.value) == (
            f"leaky_relu() got slope={slope!r}; expected a finite number. The usual slope is 0.01."
        )


@pytest.mark.parametrize(
    ("values", "exception", "message"),
    [
        (None, TypeError, "softmax() got None of type NoneType; expected a list of scores such as [1.0, 2.0, 3.0]."),
        (3.0, TypeError, "softmax() got 3.0 of type float; expected a list of scores such as [1.0, 2.0, 3.0]."),
        ("abc", TypeError, "softmax() got 'abc' of type str; expected a list of scores such as [1.0, 2.0, 3.0]."),
        ([1.0, None], TypeError, "softmax() got values[1]=None of type NoneType; expected a number or a Value."),
        ([], ValueError, "softmax() got an empty list; expected at least one score."),
    ],
)
def test_softmax_bad_input(values, exception, message):
    with pytest.raises(exception, match="got") as caught:
        nn.softmax(values)
    assert str(caught.value) == message
