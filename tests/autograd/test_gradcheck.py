"""gradcheck: the table, names, kinks, non-finite points, second order, input checks, and its properties."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import OPS, GradcheckResult, GradientMismatch, Value, grad, gradcheck
from autograd.check.testing import Expression, expressions
from autograd.engine.value import VALUE_MATH


def test_a_correct_gradient_passes_and_the_result_is_truthy():
    result = gradcheck(lambda x, y: x * y.sin(), [2.0, 0.5])
    assert isinstance(result, GradcheckResult)
    assert result
    assert [row.input for row in result.rows] == ["∂/∂x", "∂/∂y"]
    assert result.rows[0].analytic == pytest.approx(math.sin(0.5), rel=1e-12)
    assert result.rows[1].numeric == pytest.approx(2.0 * math.cos(0.5), rel=1e-6)
    assert result.failures == ()


def test_the_table_has_the_columns_the_issue_names_and_prints_with_the_summary():
    result = gradcheck(lambda x: x * x, [3.0])
    lines = str(result).splitlines()
    assert lines[0] == "gradcheck passed: 1 derivative matches (eps=1e-06, atol=1e-05, rtol=0.001)"
    assert lines[1].split() == ["input", "analytic", "numeric", "abs", "err", "rel", "err", "ok"]
    assert lines[2].split()[:3] == ["∂/∂x", "6", "6"]
    assert lines[2].split()[-1] == "yes"
    assert repr(result) == str(result)


def _with_wrong_gradient(x: Value, amount: float = 0.5) -> Value:
    # x − detach(x) is 0 with derivative 1, and stays 0 when x is nudged: it
    # changes the analytic derivative but not the numeric one.
    return amount * (x - x.detach())


def test_a_wrong_gradient_raises_gradient_mismatch_naming_the_input_by_label():
    a, b = Value(1.0, label="weight"), Value(2.0, label="bias")
    with pytest.raises(GradientMismatch) as error:
        gradcheck(lambda a, b: a * b + _with_wrong_gradient(b), [a, b])
    message = str(error.value)
    assert message.splitlines()[0] == "gradcheck failed: 1 of 2 derivatives wrong: ∂/∂bias (mismatch)"
    rows = {line.split()[0]: line for line in message.splitlines()[2:]}
    assert rows["∂/∂weight"].endswith("yes")
    assert rows["∂/∂bias"].split()[1:3] == ["1.5", "1"]
    assert rows["∂/∂bias"].endswith("NO, mismatch")
    assert isinstance(error.value, AssertionError)


def test_raise_on_failure_false_returns_a_falsy_result_listing_the_failures():
    result = gradcheck(lambda x: x.exp() + _with_wrong_gradient(x), [0.0], raise_on_failure=False)
    assert not result
    (failure,) = result.failures
    assert (failure.input, failure.status, failure.ok) == ("∂/∂x", "mismatch", False)
    assert failure.analytic == pytest.approx(1.5)
    assert failure.abs_error == pytest.approx(0.5, rel=1e-6)
    assert failure.rel_error == pytest.approx(0.5, rel=1e-6)


def test_inputs_are_named_by_label_then_parameter_then_position():
    result = gradcheck(lambda p, q, *rest: p * q * rest[0], [Value(1.0, label="w"), 2.0, 3.0])
    assert [row.input for row in result.rows] == ["∂/∂w", "∂/∂q", "∂/∂inputs[2]"]


def test_repeated_labels_are_told_apart_by_position():
    result = gradcheck(lambda a, b: a * b, [Value(1.0, label="w"), Value(2.0, label="w")])
    assert [row.input for row in result.rows] == ["∂/∂w (inputs[0])", "∂/∂w (inputs[1])"]


def test_a_dict_of_inputs_names_the_rows_by_its_keys():
    w, b = Value(0.5), Value(-1.0)
    result = gradcheck(lambda *_: (w * 2.0 + b).tanh(), {"layer.weight": w, "layer.bias": b})
    assert [row.input for row in result.rows] == ["∂/∂layer.weight", "∂/∂layer.bias"]


def test_values_are_nudged_in_place_and_restored_and_grad_is_untouched():
    x = Value(0.3, label="x")
    x.grad = 7.0
    # f ignores its argument and reads x through the closure, like a model's loss.
    gradcheck(lambda _: (x * x).sin(), [x], order=2)
    assert x.data == 0.3
    assert x.grad == 7.0


def test_a_wrong_value_is_restored_even_when_f_raises():
    x = Value(1.0)
    calls = []

    def f(v: Value) -> Value:
        calls.append(v.data)
        if len(calls) > 1:
            raise RuntimeError("boom")
        return v * v

    with pytest.raises(RuntimeError, match="boom"):
        gradcheck(f, [x])
    assert x.data == 1.0


def test_a_constant_function_has_zero_gradients():
    assert gradcheck(lambda x: 3.0, [1.0])  # type: ignore[arg-type, return-value]


def test_it_checks_an_nn_models_loss_as_a_function_of_its_parameters():
    from nn.losses import mean_squared_error
    from nn.mlp import MLP

    model = MLP(2, [3, 1], activation="tanh", seed=0)

    def loss(*_: Value) -> Value:
        return mean_squared_error([model([0.5, -1.0]), model([1.0, 2.0])], [1.0, 0.0])

    result = gradcheck(loss, dict(model.named_parameters()), order=1)
    assert result
    assert len(result.rows) == model.num_parameters()
    assert result.rows[0].input == "∂/∂" + model.named_parameters()[0][0]


# --- expected failures are reported as such --------------------------------------


@pytest.mark.parametrize(
    ("f", "point", "slopes", "op"),
    [
        (lambda x: x.abs(), 0.0, "-1 from the left, 1 from the right", "abs"),
        (lambda x: x.sign(), 0.0, "0 from the left, 0 from the right", "sign"),
    ],
)
def test_exactly_at_a_kink_the_engines_choice_must_lie_between_the_two_sides(f, point, slopes, op):
    result = gradcheck(f, [point])
    (row,) = result.rows
    assert row.status == "kink"
    assert f"not differentiable here: the slope is {slopes}" in row.note
    assert f"{op}: {OPS[op].kinks}" in row.note
    assert "yes, kink" in str(result)


@pytest.mark.parametrize(
    ("f", "point", "side", "op"),
    [
        (lambda x: x.relu(), 0.0, "0 (from the left)", "relu"),
        (lambda x: x.abs(), 1e-9, "1 (from the right)", "abs"),  # within eps of 0
        (lambda x: x.leaky_relu(0.1), 0.0, "0.1 (from the left)", "leaky_relu"),
        (lambda x: x.clamp(-1.0, 1.0), 1.0, "1 (from the left)", "clamp"),
        (lambda x: x.clamp(-1.0, 1.0), -1.0, "1 (from the right)", "clamp"),
        (lambda x: x % 1.5, 3.0, "1 (from the right)", "mod"),
    ],
)
def test_a_stencil_straddling_a_kink_compares_with_the_slope_on_xs_own_side(f, point, side, op):
    result = gradcheck(f, [point])
    (row,) = result.rows
    assert row.status == "kink"
    assert f"the stencil x ± eps straddles a kink ({op}: {OPS[op].kinks}); on x's side the slope is {side}" in row.note
    assert "the engine's derivative matches it." in row.note


def test_a_derivative_outside_both_slopes_at_a_kink_is_still_a_mismatch():
    result = gradcheck(lambda x: x.abs() + _with_wrong_gradient(x, 2.0), [0.0], raise_on_failure=False)
    (row,) = result.rows
    assert not result
    assert row.status == "mismatch"
    assert "the engine's choice lies outside both" in row.note


# --- a wrong derivative never passes: at, near and away from every kind of kink ---------

KINKED = {
    "relu": (lambda x: x.relu(), 0.0),
    "abs": (lambda x: x.abs(), 0.0),
    "clamp": (lambda x: x.clamp(-1.0, 1.0), 1.0),
    "leaky_relu": (lambda x: x.leaky_relu(0.1), 0.0),
    "sign": (lambda x: x.sign(), 0.0),
    "mod": (lambda x: x % 1.5, 3.0),
}
# From the kink: on it, either side within a tenth of the step, inside the step, and well away.
OFFSETS = {"at": 0.0, "1e-7 above": 1e-7, "1e-7 below": -1e-7, "6e-7 above": 6e-7, "6e-7 below": -6e-7, "away": 0.25}
CASES = [(op, where) for op in KINKED for where in OFFSETS]


@pytest.mark.parametrize(("op", "where"), CASES, ids=[f"{op}-{where}" for op, where in CASES])
@pytest.mark.parametrize("error", [0.5, -0.5])
def test_a_planted_wrong_derivative_fails_at_near_and_away_from_a_kink(op, where, error):
    f, kink = KINKED[op]
    if op == "abs" and where == "at":
        # At abs's kink every value in [−1, 1] is a valid choice (a subgradient); plant one outside it.
        error *= 3.0
    point = kink + OFFSETS[where]
    assert gradcheck(f, [point]), "the true derivative must pass first"
    result = gradcheck(lambda x: f(x) + _with_wrong_gradient(x, error), [point], raise_on_failure=False)
    assert not result, result


def test_a_users_abs_with_derivative_zero_fails_near_the_kink_as_in_pytorch():
    def flat_abs_rule(m, x):
        return (x if m.real(x) > 0.0 else -x), (0.0,)  # the planted mistake: d/dx = 0 everywhere

    # Declaring the pieces (the strongest claim to a kink allowance) does not save it either.
    for pieces in (None, lambda x: (x > 0.0) - (x < 0.0)):
        flat_abs = autograd.op("flat_abs", flat_abs_rule, pieces=pieces)
        result = gradcheck(flat_abs, [1e-7], raise_on_failure=False)
        assert result.rows[0].status == "mismatch"


def test_abs_at_exactly_zero_is_a_kink_whose_choice_lies_between_the_slopes():
    assert gradcheck(lambda x: x.abs(), [0.0]).rows[0].status == "kink"


def test_strong_curvature_is_not_mistaken_for_a_kink():
    result = gradcheck(lambda x: (x * 30.0).exp() + _with_wrong_gradient(x), [0.0], raise_on_failure=False)
    assert result.rows[0].status == "mismatch"
    assert result.rows[0].note == ""


@pytest.mark.parametrize(
    ("f", "point", "note"),
    [
        (lambda x: x.sqrt(), 0.0, "the derivative is inf here."),
        (lambda x: x.exp(), 1000.0, "the function or its derivative is inf or nan here, nothing to compare."),
        (lambda x: x * math.nan, 1.0, "the function or its derivative is inf or nan here, nothing to compare."),
    ],
)
def test_a_non_finite_point_is_reported_as_not_finite(f, point, note):
    result = gradcheck(f, [point], raise_on_failure=False)
    assert not result
    assert (result.rows[0].status, result.rows[0].note) == ("not finite", note)
    with pytest.raises(GradientMismatch, match=r"∂/∂x \(not finite\)"):
        gradcheck(f, [point])


def test_a_step_that_leaves_the_domain_is_reported_with_a_fix():
    result = gradcheck(lambda x: x.log(), [1e-7], raise_on_failure=False)
    (row,) = result.rows
    assert row.status == "left domain"
    assert row.note == (
        "x ± eps leaves the domain (log() got -9e-07 from node 'x'; log needs x > 0.); try a smaller eps."
    )
    assert gradcheck(lambda x: x.log(), [1e-7], eps=1e-9, rtol=1e-2)


# --- second order -------------------------------------------------------------------


def test_order_2_checks_every_second_derivative_by_label():
    result = gradcheck(lambda x, y: (x * y).tanh() * x.exp(), [0.3, -0.7], order=2)
    assert result
    assert [row.input for row in result.rows] == ["∂/∂x", "∂/∂y", "∂²/∂x∂x", "∂²/∂x∂y", "∂²/∂y∂x", "∂²/∂y∂y"]
    hessian = [row.analytic for row in result.rows[2:]]
    assert hessian[1] == pytest.approx(hessian[2], rel=1e-12)


@pytest.fixture
def wrong_second_derivative_of_tanh() -> Iterator[None]:
    """Corrupt tanh's rule on the create_graph path only (first derivatives stay right)."""
    op = OPS["tanh"]
    rule = op.rule

    def corrupted(m: object, x: object) -> tuple[object, tuple[object, ...]]:
        value, (slope,) = rule(m, x)
        return value, ((slope * slope if m is VALUE_MATH else slope),)

    object.__setattr__(op, "rule", corrupted)
    yield
    object.__setattr__(op, "rule", rule)


@pytest.mark.usefixtures("wrong_second_derivative_of_tanh")
def test_order_2_catches_a_wrong_create_graph_derivative_that_order_1_misses():
    assert gradcheck(lambda x: x.tanh(), [0.5])
    with pytest.raises(GradientMismatch, match=r"1 of 2 derivatives wrong: ∂²/∂x∂x \(mismatch\)"):
        gradcheck(lambda x: x.tanh(), [0.5], order=2)


# --- bad arguments ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ((3, [1.0]), TypeError, "gradcheck() got f=3 of type int; f must be a function of Values returning a Value."),
        (
            (abs, Value(1.0)),
            TypeError,
            "gradcheck() got inputs=Value(data=1.0, grad=0.0) of type Value; "
            "expected a list of floats or Values. Pass [x] to check a single input.",
        ),
        ((abs, []), ValueError, "gradcheck() got no inputs; pass at least one float or Value to differentiate by."),
        (
            (abs, [1.0, "2"]),
            TypeError,
            "gradcheck() got inputs[1] = '2' of type str; expected a float or a Value.",
        ),
        ((abs, [True]), TypeError, "gradcheck() got inputs[0] = True of type bool; expected a float or a Value."),
    ],
)
def test_bad_arguments_are_rejected_with_a_message(arguments, error, message):
    with pytest.raises(error) as raised:
        gradcheck(*arguments)
    assert str(raised.value) == message


def test_the_same_value_twice_is_rejected():
    x = Value(1.0)
    with pytest.raises(ValueError, match="same Value") as raised:
        gradcheck(lambda a, b: a * b, [x, x])
    assert str(raised.value) == "gradcheck() got the same Value at inputs[0] and inputs[1]; pass each input once."


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"eps": 0.0}, "gradcheck() got eps=0.0; eps must be a finite number > 0."),
        ({"eps": math.inf}, "gradcheck() got eps=inf; eps must be a finite number > 0."),
        ({"atol": -1.0}, "gradcheck() got atol=-1.0; atol must be a finite number ≥ 0."),
        ({"rtol": math.nan}, "gradcheck() got rtol=nan; rtol must be a finite number ≥ 0."),
        ({"order": 3}, "gradcheck() got order=3; order must be 1 (gradients) or 2 (and second derivatives)."),
    ],
)
def test_bad_tolerances_are_rejected_with_a_message(options, message):
    with pytest.raises(ValueError, match=r"^gradcheck\(\) got ") as raised:
        gradcheck(lambda x: x, [1.0], **options)
    assert str(raised.value) == message


def test_f_must_return_a_value():
    with pytest.raises(TypeError) as raised:
        gradcheck(lambda x: "no", [1.0])  # type: ignore[arg-type, return-value]
    assert str(raised.value) == "gradcheck() got f returning 'no' of type str; f must return a Value."


# --- properties on random DAGs ----------------------------------------------------


@given(expressions())
def test_gradcheck_agrees_with_the_engines_gradients_on_random_dags(expr: Expression):
    leaves = expr.leaves()
    result = gradcheck(expr, leaves)
    assert result
    assert tuple(row.analytic for row in result.rows) == grad(expr(*leaves), leaves)
    assert [row.input for row in result.rows] == [f"∂/∂{name}" for name in expr.names]


@given(expressions(), st.data())
def test_the_failure_table_names_exactly_the_input_with_the_wrong_gradient(expr: Expression, data: st.DataObject):
    wrong = data.draw(st.integers(0, len(expr.inputs) - 1), label="wrong input")
    leaves = expr.leaves()
    # Off by 10% and 0.5, well past the tolerances however large the true gradient.
    amount = 0.5 + 0.1 * abs(grad(expr(*leaves), leaves)[wrong])

    def f(*xs: Value) -> Value:
        return expr(*xs) + _with_wrong_gradient(xs[wrong], amount)

    with pytest.raises(GradientMismatch) as error:
        gradcheck(f, expr.leaves())
    count = f"{len(expr.inputs)} derivative{'s' if len(expr.inputs) > 1 else ''}"
    assert str(error.value).splitlines()[0] == f"gradcheck failed: 1 of {count} wrong: ∂/∂x{wrong} (mismatch)"
    result = gradcheck(f, expr.leaves(), raise_on_failure=False)
    assert [row.input for row in result.failures] == [f"∂/∂x{wrong}"]
