"""Forward mode: jvp agrees with reverse mode, finite differences and torch.func.jvp; trace_jvp narrates it."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import OPS, DomainError, Parameter, Value, grad, jvp, no_grad, trace_jvp
from autograd.check.testing import Expression, expressions, op_calls, reals

try:
    import torch
    from test_torch import TORCH  # the op table spelled in PyTorch, kept in one place
except ModuleNotFoundError:  # the suite still bites without torch; CI installs it
    torch = None

# --- worked numbers ------------------------------------------------------------------


def test_jvp_of_a_product_plus_a_sine_along_each_axis():
    # f = x·y + sin x: ∂f/∂x = y + cos x, ∂f/∂y = x.
    f = lambda x, y: x * y + x.sin()  # noqa: E731
    assert jvp(f, (0.5, 3.0), (1.0, 0.0)) == (0.5 * 3.0 + math.sin(0.5), 3.0 + math.cos(0.5))
    assert jvp(f, (0.5, 3.0), (0.0, 1.0)) == (0.5 * 3.0 + math.sin(0.5), 0.5)
    # Along (2, −1): 2·(y + cos x) − x.
    assert jvp(f, (0.5, 3.0), (2.0, -1.0))[1] == pytest.approx(2 * (3.0 + math.cos(0.5)) - 0.5, rel=1e-15, abs=0.0)


def test_jvp_of_a_cube_is_three_x_squared_and_scales_with_the_tangent():
    assert jvp(lambda x: x**3, [2.0], [1.0]) == (8.0, 12.0)
    assert jvp(lambda x: x**3, [2.0], [0.5]) == (8.0, 6.0)


def test_jvp_follows_shared_subexpressions_along_every_path():
    # z = t·t with t = x + x: dz/dx = 2t·2 = 8x.
    def f(x: Value) -> Value:
        t = x + x
        return t * t

    assert jvp(f, [1.5], [1.0]) == (9.0, 12.0)


def test_jvp_at_a_pole_and_a_kink_gives_what_reverse_mode_gives():
    assert jvp(lambda x: x.sqrt(), [0.0], [1.0]) == (0.0, math.inf)
    assert jvp(lambda x: x.relu(), [0.0], [1.0]) == (0.0, 0.0)
    assert jvp(lambda x: x.abs(), [-2.0], [1.0]) == (2.0, -1.0)


@pytest.mark.parametrize(
    ("f", "primals", "tangents", "expected"),
    [
        # x ** y at a base 0: ∂/∂y is the limit 0 for y > 0; at 0 ** 0 both partials are 0 (as PyTorch).
        (lambda x, y: x**y, [0.0, 2.0], [0.0, 1.0], (0.0, 0.0)),
        (lambda x, y: x**y, [0.0, 2.0], [1.0, 0.0], (0.0, 0.0)),
        (lambda x, y: x**y, [0.0, 0.0], [1.0, 0.0], (1.0, 0.0)),
        (lambda x, y: x**y, [0.0, 0.0], [0.0, 1.0], (1.0, 0.0)),
        # A negative base: ∂/∂x = y·x^(y−1) = 12; ∂/∂y = x^y·ln x has no real value.
        (lambda x, y: x**y, [-2.0, 3.0], [1.0, 0.0], (-8.0, 12.0)),
        (lambda x, y: x**y, [-2.0, 3.0], [0.0, 1.0], (-8.0, math.nan)),
        # Constant exponents at 0: the exact 0 and 1 of n·x^(n−1), and the pole of √.
        (lambda x: x**0, [0.0], [1.0], (1.0, 0.0)),
        (lambda x: x**1, [0.0], [1.0], (0.0, 1.0)),
        (lambda x: x**0.5, [0.0], [1.0], (0.0, math.inf)),
        (lambda x: x**1.5, [0.0], [1.0], (0.0, 0.0)),
        # Overflow keeps IEEE's sign: 0.5^−1025 = 2^1025 is +inf, (−2^400)³ is −inf.
        (lambda x: x**-1025.0, [0.5], [1.0], (math.inf, -math.inf)),
        (lambda x: x**3.0, [-(2.0**400)], [1.0], (-math.inf, 3.0 * 2.0**800)),
        # Infinite-ish logits: σ saturates exactly, with a zero slope.
        (lambda x: x.sigmoid(), [0.0], [1.0], (0.5, 0.25)),
        (lambda x: x.sigmoid(), [800.0], [1.0], (1.0, 0.0)),
        (lambda x: x.sigmoid(), [-800.0], [1.0], (0.0, 0.0)),
    ],
    ids=[
        "d0^y/dy",
        "d0^y/dx",
        "d0^0/dx",
        "d0^0/dy",
        "d(-2)^3/dx",
        "d(-2)^3/dy",
        "x^0",
        "x^1",
        "sqrt-pole",
        "x^1.5",
        "overflow+",
        "overflow-",
        "sigmoid0",
        "sigmoid+800",
        "sigmoid-800",
    ],
)
def test_jvp_at_domain_edges_gives_the_mathematical_limits(f, primals, tangents, expected):
    value, derivative = jvp(f, primals, tangents)
    assert value == expected[0]
    assert derivative == expected[1] or (math.isnan(derivative) and math.isnan(expected[1]))


@pytest.mark.parametrize(
    ("f", "point", "expected"),
    [
        (lambda x: x.relu(), 0.5, (0.5, 1.0)),
        (lambda x: x.relu(), -0.5, (0.0, 0.0)),
        (lambda x: x.relu(), 0.0, (0.0, 0.0)),
        (lambda x: x.leaky_relu(0.1), 0.5, (0.5, 1.0)),
        (lambda x: x.leaky_relu(0.1), -0.5, (-0.05, 0.1)),
        (lambda x: x.abs(), 0.5, (0.5, 1.0)),
        (lambda x: x.abs(), -0.5, (0.5, -1.0)),
        (lambda x: x.abs(), 0.0, (0.0, 0.0)),
        (lambda x: x.clamp(-1.0, 1.0), 0.5, (0.5, 1.0)),
        (lambda x: x.clamp(-1.0, 1.0), 1.0, (1.0, 1.0)),
        (lambda x: x.clamp(-1.0, 1.0), 1.5, (1.0, 0.0)),
        (lambda x: x.clamp(-1.0, 1.0), -1.5, (-1.0, 0.0)),
    ],
)
def test_jvp_of_piecewise_ops_on_each_piece(f, point, expected):
    # Fixed points: a strategy that skips non-finite slopes cannot notice a rule that gives nan on a piece.
    assert jvp(f, [point], [1.0]) == expected


def test_jvp_of_every_op_in_the_table_is_its_local_derivative():
    # Generic over the op table: a new op works in forward mode with no extra line.
    for op in OPS.values():
        count = op.arity or 2
        primals = [0.7 + 0.1 * i for i in range(count)]
        constants = (-1.0, 1.0)[: op.n_constants] if op.name == "clamp" else (0.5,) * op.n_constants
        leaves = [Value(x) for x in primals]
        expected_value, local_grads = op.rule(autograd.engine.ops.FLOAT_MATH, *primals, *constants)
        for i in range(count):
            tangents = [1.0 if j == i else 0.0 for j in range(count)]
            value, derivative = jvp(lambda *xs, op=op, constants=constants: _call(op, xs, constants), leaves, tangents)
            # Value primals give Values: the rule re-run on Values, equal to the float rule to rounding.
            assert (value.data, derivative.data) == pytest.approx(  # type: ignore[union-attr]
                (expected_value, local_grads[i]), rel=1e-15, abs=1e-300
            ), f"{op.name} ∂/∂x{i}"


def _call(op: autograd.Op, xs: tuple[Value, ...], constants: tuple[float, ...]) -> Value:
    return Expression(tuple(x.data for x in xs), (_node(op, len(xs), constants),))(*xs)


def _node(op: autograd.Op, count: int, constants: tuple[float, ...]) -> autograd.check.testing.Node:
    return autograd.check.testing.Node(op, tuple(range(count)), constants)


# --- properties on random graphs --------------------------------------------------------


@given(expressions(), st.data())
def test_jvp_along_each_axis_is_the_reverse_mode_gradient(expr: Expression, data: st.DataObject):
    axis = data.draw(st.integers(0, len(expr.inputs) - 1), label="axis")
    leaves = expr.leaves()
    gradient = grad(expr(*leaves), leaves)
    tangents = [1.0 if i == axis else 0.0 for i in range(len(leaves))]
    value, derivative = jvp(expr, expr.inputs, tangents)
    assert value == expr.reference(*expr.inputs)
    # The same stored local derivatives, added in another order: equal to rounding.
    assert derivative == pytest.approx(gradient[axis], rel=1e-12, abs=1e-12)


@given(expressions(), st.data())
def test_jvp_is_the_gradient_dotted_with_the_direction(expr: Expression, data: st.DataObject):
    direction = data.draw(st.lists(reals(-2.0, 2.0), min_size=len(expr.inputs), max_size=len(expr.inputs)))
    leaves = expr.leaves()
    gradient = grad(expr(*leaves), leaves)
    _, derivative = jvp(expr, expr.inputs, direction)
    expected = math.fsum(g * v for g, v in zip(gradient, direction))
    assert derivative == pytest.approx(expected, rel=1e-9, abs=1e-9)


@given(expressions(), st.data())
def test_jvp_matches_a_finite_difference_along_the_direction(expr: Expression, data: st.DataObject):
    direction = data.draw(st.lists(reals(-1.0, 1.0), min_size=len(expr.inputs), max_size=len(expr.inputs)))
    _, derivative = jvp(expr, expr.inputs, direction)
    eps = 1e-6

    def along(step: float) -> float:
        return expr.reference(*(x + step * v for x, v in zip(expr.inputs, direction)))

    numeric = (along(eps) - along(-eps)) / (2 * eps)
    assert derivative == pytest.approx(numeric, rel=1e-3, abs=1e-5)


@pytest.mark.parametrize("name", list(OPS))
@given(data=st.data())
def test_jvp_of_each_op_matches_reverse_mode_inside_its_domain(name: str, data: st.DataObject):
    call = data.draw(op_calls(name), label="call")
    leaves = call.leaves()
    gradient = grad(call(*leaves), leaves)
    for axis in range(len(leaves)):
        tangents = [1.0 if i == axis else 0.0 for i in range(len(leaves))]
        assert jvp(call, call.inputs, tangents)[1] == gradient[axis]


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed; `pip install torch==2.13.0` (CI does)")
@given(expressions())
def test_jvp_agrees_with_torch_func_jvp(expr: Expression):
    def in_torch(*xs: object) -> object:
        slots = [*xs, *(torch.tensor(c, dtype=torch.float64) for c in expr.literals)]
        for node in expr.nodes:
            slots.append(TORCH[node.op.name]([slots[i] for i in node.operands], node.constants))
        return slots[-1]

    primals = tuple(torch.tensor(x, dtype=torch.float64) for x in expr.inputs)
    direction = tuple(torch.tensor(0.5 + i, dtype=torch.float64) for i in range(len(expr.inputs)))
    their_value, their_derivative = torch.func.jvp(in_torch, primals, direction)
    value, derivative = jvp(expr, expr.inputs, [0.5 + i for i in range(len(expr.inputs))])
    assert value == pytest.approx(their_value.item(), rel=1e-12, abs=1e-12)
    assert derivative == pytest.approx(their_derivative.item(), rel=1e-9, abs=1e-12)


def test_jvp_agrees_with_backward_through_an_n_ary_sum():
    # Σ of three terms takes backward()'s general loop (one and two inputs have fast paths).
    def f(x: Value, y: Value, z: Value) -> Value:
        return autograd.sum([x, y * y, z]) * 3.0

    leaves = [Value(1.0), Value(2.0), Value(-1.0)]
    f(*leaves).backward()
    forward = [jvp(f, [1.0, 2.0, -1.0], [float(i == j) for j in range(3)])[1] for i in range(3)]
    assert [x.grad for x in leaves] == forward == [3.0, 12.0, 3.0]


# --- how f is run ------------------------------------------------------------------------


def test_jvp_records_its_graph_even_inside_no_grad():
    with no_grad():
        assert jvp(lambda x: x * x, [3.0], [1.0]) == (9.0, 6.0)


def test_value_primals_are_used_in_place_and_closed_over_values_are_constants():
    w = Parameter(2.0, label="w")
    x = Value(3.0, label="x")
    # Only x moves: d(w·x)/dx = w, and w's own tangent is 0 because it is no primal.
    value, slope = jvp(lambda x: w * x, [x], [1.0])
    assert (value.data, slope.data) == (6.0, 2.0)  # type: ignore[union-attr]
    assert value.inputs == (w, x)  # type: ignore[union-attr]  # f's own output, computed on x in place
    value, slope = jvp(lambda w: w * x, [w], [1.0])
    assert (value.data, slope.data) == (6.0, 3.0)  # type: ignore[union-attr]
    assert w.grad == x.grad == 0.0  # forward mode touches no .grad


def test_a_function_returning_a_number_is_constant():
    assert jvp(lambda x: 4, [1.0], [1.0]) == (4.0, 0.0)
    assert jvp(lambda x: Value(4.0), [1.0], [1.0]) == (4.0, 0.0)


def test_a_domain_error_inside_f_is_the_engines_own():
    with pytest.raises(DomainError, match=r"^log\(\) got -1.0 from node 'x'; log needs x > 0.$"):
        jvp(lambda x: x.log(), [-1.0], [1.0])


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ((3, [1.0], [1.0]), TypeError, "jvp() got f=3 of type int; f must be a function of Values returning a Value."),
        (
            (abs, 2.0, [1.0]),
            TypeError,
            "jvp() got primals=2.0 of type float; expected a sequence (list or tuple) with one number per "
            "argument of f. Pass (2.0,) for a single argument.",
        ),
        (
            (abs, [2.0], "1"),
            TypeError,
            "jvp() got tangents='1' of type str; expected a sequence (list or tuple) with one number per "
            "argument of f. Pass ('1',) for a single argument.",
        ),
        (
            (abs, [1.0, 2.0], [1.0]),
            ValueError,
            "jvp() got 2 primals and 1 tangents; pass one tangent (the direction) per primal.",
        ),
        ((abs, [], []), ValueError, "jvp() got no primals; pass the point, one number per argument of f."),
        (
            (abs, ["a"], [1.0]),
            TypeError,
            "jvp() got primals[0] = 'a' of type str; expected a real number or a Value.",
        ),
        (
            (abs, [True], [1.0]),
            TypeError,
            "jvp() got primals[0] = True of type bool; expected a real number or a Value.",
        ),
        (
            (abs, [1.0], [Value(1.0)]),
            TypeError,
            "jvp() got tangents[0] = Value(data=1.0, grad=0.0) of type Value; "
            "expected a real number (a tangent is a direction, not a Value).",
        ),
        ((abs, [1.0], [math.nan]), ValueError, "jvp() got tangents[0] = nan; a tangent must be finite."),
        (
            (lambda x: "no", [1.0], [1.0]),
            TypeError,
            "jvp() got f returning 'no' of type str; f must return a Value (build it from its arguments "
            "with Value operations).",
        ),
    ],
)
def test_bad_input_gets_the_librarys_own_message(arguments, error, message):
    with pytest.raises(error) as raised:
        jvp(*arguments)
    assert str(raised.value) == message


def test_a_repeated_value_primal_is_named():
    x = Value(1.0)
    with pytest.raises(ValueError, match=r"^jvp\(\)") as raised:
        jvp(lambda a, b: a * b, [x, x], [1.0, 0.0])
    assert str(raised.value) == "jvp() got the same Value at primals[0] and primals[1]; pass each input once."


# --- narration ---------------------------------------------------------------------------


def test_trace_jvp_narrates_one_node_per_line_with_the_numbers():
    trace = trace_jvp(lambda x, y: x * y + x, [2.0, 3.0], [1.0, 0.0])
    assert str(trace).splitlines() == [
        "ẋ = 1",
        "ẏ = 0",
        "v̇2 = ∂v2/∂x·ẋ + ∂v2/∂y·ẏ = 3·1 + 2·0 = 3   (v2 = x × y)",
        "v̇3 = ∂v3/∂v2·v̇2 + ∂v3/∂x·ẋ = 1·3 + 1·1 = 4   (v3 = v2 + x)",
    ]
    assert (trace.value, trace.tangent) == (8.0, 4.0)
    assert len(trace) == 4
    assert trace[-1].terms[0].product == 3.0


def test_trace_jvp_uses_labels_and_shows_constants_without_a_tangent():
    w = Value(0.5, label="w")

    def neuron(x: Value) -> Value:
        z = x * w + 1
        z.label = "z"
        return z.tanh()

    trace = trace_jvp(neuron, [2.0], [1.0], precision=3)
    assert [step.name for step in trace] == ["x", "v2", "z", "v5"]  # the names draw() and trace_backward use
    assert trace.explain(2) == "ż = ∂z/∂v2·v̇2 = 1·0.5 = 0.5   (z = v2 + 1.0)"
    assert trace.explain(1) == "v̇2 = ∂v2/∂x·ẋ = 0.5·1 = 0.5   (v2 = x × w)"
    slope = 0.5 * (1 - math.tanh(2.0) ** 2)
    assert trace.tangent == jvp(neuron, [2.0], [1.0])[1] == pytest.approx(slope, rel=1e-15, abs=0.0)


@given(expressions())
def test_every_traced_tangent_is_the_sum_of_its_terms_and_the_last_is_jvps(expr: Expression):
    tangents = [1.0] * len(expr.inputs)
    trace = trace_jvp(expr, expr.inputs, tangents)
    for step in trace:
        if step.terms:
            total = 0.0
            for term in step.terms:
                total += term.product
            assert step.tangent == total
    assert trace[-1].tangent == trace.tangent == jvp(expr, expr.inputs, tangents)[1]


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_trace_jvp_rejects_a_bad_precision(bad):
    with pytest.raises(TypeError) as raised:
        trace_jvp(abs, [1.0], [1.0], precision=bad)
    assert str(raised.value) == f"trace_jvp() got precision={bad!r}; expected an int ≥ 1 (significant digits)."


@pytest.mark.parametrize("bad", [4, -5, 1.0])
def test_explain_names_the_valid_step_range(bad):
    trace = trace_jvp(lambda x: x * x, [3.0], [1.0])
    with pytest.raises(IndexError) as raised:
        trace.explain(bad)
    assert str(raised.value) == f"explain() got i={bad!r}; this trace has 2 steps, so i must be an int in [-2, 1]."


# --- forward mode nests: Value primals give Values -----------------------------------


def test_reverse_over_forward_differentiates_a_jvp():
    x = Value(0.5)
    _, slope = jvp(lambda x: x.sin() * x, [x], [1.0])  # d/dx (x sin x) = sin x + x cos x
    assert slope.data == pytest.approx(math.sin(0.5) + 0.5 * math.cos(0.5), rel=1e-15, abs=0.0)
    # d²/dx² = 2 cos x − x sin x
    assert grad(slope, [x])[0] == pytest.approx(2 * math.cos(0.5) - 0.5 * math.sin(0.5), rel=1e-14, abs=0.0)


def test_forward_over_forward_nests_a_jvp_in_a_jvp():
    def slope(x: Value) -> Value:
        return jvp(lambda x: x**3, [x], [1.0])[1]  # 3x²

    value, curvature = jvp(slope, [2.0], [1.0])  # d/dx 3x² = 6x
    assert (value, curvature) == (12.0, 12.0)
    third = jvp(lambda x: jvp(slope, [x], [1.0])[1], [2.0], [1.0])[1]  # d/dx 6x = 6
    assert third == 6.0


def test_hessian_forward_over_reverse_matches_reverse_over_reverse():
    def f(x: Value, y: Value) -> Value:
        return (x * y).sin() + x**3 * y.exp()

    point = [0.7, -0.4]
    forward_over_reverse = autograd.hessian(f, point)
    leaves = [Value(v) for v in point]
    first = grad(f(*leaves), leaves, create_graph=True)
    reverse_over_reverse = [list(grad(d, leaves)) for d in first]
    for row_f, row_r in zip(forward_over_reverse, reverse_over_reverse):
        assert row_f == pytest.approx(row_r, rel=1e-13, abs=1e-15)
    assert forward_over_reverse[0][1] == pytest.approx(forward_over_reverse[1][0], rel=1e-13)
    x, y = point
    assert forward_over_reverse[0][0] == pytest.approx(
        -(y * y) * math.sin(x * y) + 6 * x * math.exp(y), rel=1e-13
    )


def test_a_primal_computed_from_another_primal_keeps_its_own_tangent():
    # Primals are independent directions: b's tangent is the one given, not b's own slope in a.
    a = Value(3.0, label="a")
    b = a * 2.0
    assert jvp(lambda a, b: b, [a, b], [1.0, 0.0])[1].data == 0.0  # type: ignore[union-attr]
    assert jvp(lambda a, b: a * b, [a, b], [1.0, 0.0])[1].data == 6.0  # type: ignore[union-attr]  # ∂(ab)/∂a = b
