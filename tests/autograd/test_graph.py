"""Walking the graph: backward, grad (with and without create_graph), Hessians, deep chains, freeing."""

from __future__ import annotations

import gc
import math

import pytest
from alive import alive, mark
from hypothesis import given

from autograd import GraphChangedError, Value, grad, jvp, topological_order
from autograd.check.testing import Expression, assert_gradients_close, expressions
from autograd.engine.graph import backward


@pytest.mark.parametrize("make", [lambda x: x**0.5, lambda x: x ** Value(0.5), lambda x: x**0.25])
def test_create_graph_at_the_pole_of_a_power_gives_inf_like_the_float_path(make):
    x = Value(0.0, label="x")
    y = make(x)
    (float_path,) = grad(y, [x])
    (value_path,) = grad(y, [x], create_graph=True)
    assert float_path == value_path.data == math.inf


@pytest.mark.parametrize(("base", "exponent"), [(1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (0.5, 1.0), (3.0, 2.0)])
def test_mixed_second_derivative_of_a_power_keeps_the_exponent(base, exponent):
    # ∂/∂x x^y = y·x^(y−1), so ∂²/∂y∂x = x^(y−1)·(1 + y·ln x), also where y is 0 or 1.
    x, y = Value(base, label="x"), Value(exponent, label="y")
    d_x, d_y = grad(x**y, [x, y], create_graph=True)
    expected = base ** (exponent - 1) * (1 + exponent * math.log(base))
    assert grad(d_x, [y])[0] == pytest.approx(expected, rel=1e-12)
    assert grad(d_y, [x])[0] == pytest.approx(expected, rel=1e-12)


# --- backward -----------------------------------------------------------------------


def test_backward_applies_the_chain_rule():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = Value(10.0, label="c")
    d = a * b + c
    f = Value(-2.0, label="f")
    loss = d * f
    loss.backward()
    assert (loss.data, loss.grad) == (-8.0, 1.0)
    assert (a.grad, b.grad, c.grad, f.grad, d.grad) == (6.0, -4.0, -2.0, 4.0, -2.0)


def test_gradients_accumulate_on_reused_nodes():
    x = Value(3.0)
    shared = x * 2.0
    y = shared * shared + shared
    y.backward()
    # y = 4x² + 2x, dy/dx = 8x + 2
    assert x.grad == 26.0
    assert shared.grad == 13.0


def test_backward_twice_accumulates_only_into_leaves():
    x = Value(0.7, label="x")
    hidden = (x * 2.0).tanh()  # one edge into x, so its second increment is one identical product
    y = hidden * hidden + hidden.exp()
    y.backward()
    first_leaf, first_hidden = x.grad, hidden.grad
    y.backward()
    assert x.grad - first_leaf == first_leaf  # the second call adds exactly the same amount
    assert hidden.grad == first_hidden  # intermediates restart
    assert y.grad == 1.0


def test_backward_from_a_leaf_adds_one():
    x = Value(5.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_zero_grad_zeroes_every_node_of_the_graph():
    x = Value(2.0)
    hidden = x * x
    y = hidden + 1
    y.backward()
    y.zero_grad()
    assert [node.grad for node in topological_order(y)] == [0.0] * len(topological_order(y))


def test_topological_order_lists_inputs_before_their_users_and_the_root_last():
    x = Value(1.0, label="x")
    a = x * 2
    b = a + x
    c = b * a
    order = topological_order(c)
    assert order[-1] is c
    position = {node: i for i, node in enumerate(order)}
    assert all(position[child] < position[node] for node in order for child in node.inputs)
    assert len(order) == len(set(order)) == 5  # x, the constant 2, a, b, c


@pytest.mark.parametrize(
    ("walk", "message"),
    [
        (topological_order, "topological_order() got 3 of type int; expected a Value."),
        (backward, "backward() got 3 of type int; expected a Value."),
        (lambda v: grad(v, []), "grad() got output 3 of type int; expected a Value."),
    ],
)
def test_graph_walks_reject_a_non_value(walk, message):
    with pytest.raises(TypeError, match=r"got (output )?3 of type int") as error:
        walk(3)
    assert str(error.value) == message


@given(expressions())
def test_backward_matches_grad_and_a_second_call_adds_the_same_again_on_random_dags(expr: Expression):
    leaves = expr.leaves()
    out = expr(*leaves)
    expected = grad(out, leaves)
    out.backward()
    once = [x.grad for x in leaves]
    intermediates = [(node, node.grad) for node in topological_order(out) if node.inputs]
    assert once == list(expected)
    out.backward()
    # Intermediates restart, so they are bitwise what they were; a leaf adds the
    # same contributions again (exact up to the order of float additions).
    assert [node.grad for node, _ in intermediates] == [g for _, g in intermediates]
    assert [x.grad for x in leaves] == [pytest.approx(2 * g, rel=1e-15, abs=1e-12) for g in once]


# --- deep graphs: no recursion anywhere --------------------------------------------


def test_a_100_000_deep_chain_goes_forward_and_backward():
    x = Value(0.5, label="x")
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0
    assert grad(y, [x]) == (1.0,)
    assert len(topological_order(y)) == 200_001


def test_a_1_000_000_deep_chain_goes_forward_and_backward():
    x = Value(0.5, label="x")
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert x.grad == 1.0
    assert y.data == 1_000_000.5
    token = mark([y.inputs[0]])
    del y  # freeing a million-deep chain must not overflow the C stack either
    assert alive(token) == 0


# --- grad() -------------------------------------------------------------------------


def test_grad_returns_floats_and_leaves_grad_untouched():
    x, y = Value(2.0), Value(3.0)
    z = x * y + x
    x.grad = 5.0
    assert grad(z, [x, y]) == (4.0, 2.0)
    assert (x.grad, y.grad, z.grad) == (5.0, 0.0, 0.0)


def test_grad_of_an_unrelated_input_is_zero():
    x, unrelated = Value(2.0), Value(3.0)
    assert grad(x * x, [x, unrelated]) == (4.0, 0.0)
    (as_value,) = grad(x * x, [unrelated], create_graph=True)
    assert as_value.data == 0.0


def test_grad_accepts_a_single_value_for_inputs():
    x = Value(2.0)
    assert grad(x * x, x) == (4.0,)  # type: ignore[call-overload]


def test_grad_rejects_a_non_value_input():
    with pytest.raises(TypeError) as error:
        grad(Value(1.0), [Value(1.0), 2.0])  # type: ignore[list-item]
    assert str(error.value) == "grad() got inputs[1] = 2.0 of type float; expected a Value."


def test_create_graph_returns_differentiable_values_for_second_derivatives():
    x = Value(3.0)
    y = x**3
    (dy,) = grad(y, [x], create_graph=True)
    assert isinstance(dy, Value)
    assert dy.data == 27.0
    (d2y,) = grad(dy, [x], create_graph=True)
    assert d2y.data == 18.0
    assert grad(d2y, [x]) == (6.0,)


def test_the_hessian_of_a_two_variable_function():
    # f = x²y + sin(x·y): H = [[2y − y² sin(xy), 2x + cos(xy) − xy sin(xy)], [·, −x² sin(xy)]]
    x, y = Value(0.7, label="x"), Value(-1.3, label="y")
    f = x * x * y + (x * y).sin()
    first = grad(f, [x, y], create_graph=True)
    hessian = [grad(g, [x, y]) for g in first]
    p = 0.7 * -1.3
    expected = [
        [2 * -1.3 - 1.3**2 * math.sin(p), 2 * 0.7 + math.cos(p) - p * math.sin(p)],
        [2 * 0.7 + math.cos(p) - p * math.sin(p), -(0.7**2) * math.sin(p)],
    ]
    assert hessian == [pytest.approx(row, rel=1e-12) for row in expected]


@given(expressions(max_leaves=2, max_depth=3))
def test_hessians_of_random_dags_are_symmetric_and_match_finite_differences(expr: Expression):
    leaves = expr.leaves()
    first = grad(expr(*leaves), leaves, create_graph=True)
    hessian = [grad(g, leaves) for g in first]
    for i in range(len(leaves)):
        for j in range(len(leaves)):
            assert hessian[i][j] == pytest.approx(hessian[j][i], rel=1e-9, abs=1e-9)
    assert_gradients_close(expr, expr.leaves(), order=2)


def test_create_graph_multiplies_a_float_local_derivative_other_than_0_and_1_into_a_value():
    # leaky_relu(x, 2) below 0 has the float local derivative 2.0; its upstream here is the Value x.
    x = Value(-1.0, label="x")
    y = x.leaky_relu(2.0) * x  # 2x² for x < 0
    (slope,) = grad(y, [x], create_graph=True)
    assert slope.data == grad(y, [x])[0] == -4.0
    assert grad(slope, [x]) == (4.0,)


def test_backward_runs_the_tight_loop_that_multiplies_inline(monkeypatch):
    # The general loop multiplies through _times and is 1.4-1.8x slower on a training step.
    import autograd.engine.graph as graph

    def general_loop_only(local_grad: float, upstream: float) -> float:
        raise AssertionError("backward() took the general loop")

    x = Value(2.0)
    y = (x * x).tanh() + x.relu()
    monkeypatch.setattr(graph, "_times", general_loop_only)
    y.backward()
    assert x.grad == (1.0 - math.tanh(4.0) ** 2) * 4.0 + 1.0


@pytest.mark.parametrize(
    "build",
    [
        lambda x: x + x * x,  # x receives the float 1.0 from +, then Values from ×
        lambda x: (lambda shifted, square: shifted + square)(x + 2.0, x * x),  # Values from × first, then 1.0
    ],
    ids=["float-then-values", "values-then-float"],
)
def test_float_and_value_contributions_to_one_input_add_up_in_either_order(build):
    x = Value(3.0, label="x")
    (slope,) = grad(build(x), [x], create_graph=True)
    assert slope.data == 1.0 + 2.0 * 3.0
    assert grad(slope, [x]) == (2.0,)


def test_create_graph_derivatives_do_not_touch_grad():
    x = Value(1.5)
    (dy,) = grad(x.exp() * x, [x], create_graph=True)
    assert x.grad == 0.0
    dy.backward()
    assert x.grad == pytest.approx(math.exp(1.5) * (1.5 + 2))


# --- graphs are freed by reference counting, without the cycle collector -----------


@pytest.fixture
def no_cycle_collector():
    """Turn the cycle collector off, so only reference counting can free a graph."""
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    if was_enabled:
        gc.enable()


@pytest.mark.usefixtures("no_cycle_collector")
def test_a_graph_is_freed_as_soon_as_its_output_goes():
    x = Value(2.0)
    hidden = (x * x).tanh()
    out = hidden * hidden + hidden.exp()
    out.backward()
    token = mark(node for node in topological_order(out) if node is not x)
    del hidden, out
    assert alive(token) == 0


@pytest.mark.usefixtures("no_cycle_collector")
def test_a_create_graph_derivative_is_freed_too():
    x = Value(2.0)
    y = x.sin() * x
    (dy,) = grad(y, [x], create_graph=True)
    token = mark(node for node in topological_order(dy) if node is not x)
    del y, dy
    assert alive(token) == 0


def test_grad_accepts_inputs_from_a_generator():
    x = Value(3.0)
    assert grad(x * x, (v for v in [x])) == (6.0,)
    (slope,) = grad(x * x, (v for v in [x]), create_graph=True)
    assert slope.data == 6.0


# --- one rule for 0 × inf: every path gives the same number -------------------------


def _every_path(out: Value, leaves: list[Value]) -> list[list[float]]:
    for x in leaves:
        x.grad = 0.0
    out.backward()
    return [
        [x.grad for x in leaves],
        list(grad(out, leaves)),
        [g.data for g in grad(out, leaves, create_graph=True)],
    ]


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@pytest.mark.parametrize(
    ("build", "point"),
    [
        # hypothesis's find: t0 = relu(x0), t1 = t0 + t0, sqrt(t1 + t1) at x0 = 0 (relu's 0 meets sqrt's inf).
        (lambda x0, x1: ((x0.relu() + x0.relu()) * 2.0).sqrt() + 0.0 * x1, (0.0, 1.0)),
        (lambda x0, x1: ((x0.relu() * 2.0) + (x0.relu() * 2.0)).sqrt() + 0.0 * x1, (0.0, 1.0)),
        # the issue's: exp(relu(log(x0 ** x1))) at (inf, 0): ∂/∂x1 is 0 (relu) × inf (ln inf).
        (lambda x0, x1: (x0**x1).log().relu().exp(), (math.inf, 0.0)),
    ],
)
def test_an_exact_zero_times_inf_gives_the_same_number_on_every_path(build, point):
    leaves = [Value(x) for x in point]
    found = _every_path(build(*leaves), leaves)
    for position in range(len(leaves)):
        column = [path[position] for path in found]
        assert all(_same(entry, column[0]) for entry in column), (position, found)
    assert math.isnan(found[0][-1]) or math.isnan(found[0][0])  # IEEE's 0 × inf, not a silent 0


# --- a leaf's .data changed after recording ---------------------------------------------


def _changed_after_recording() -> tuple[Value, Value, Value]:
    x, w = Value(2.0, label="x"), Value(3.0, label="w")
    y = x * w
    y.label = "y"
    x.data = 5.0  # after recording: y belongs to x = 2
    return x, w, y


def test_after_a_leaf_changes_every_path_gives_the_derivatives_at_the_recorded_point():
    x, w, y = _changed_after_recording()
    y.backward()
    on_leaves = (x.grad, w.grad)
    as_floats = grad(y, [x, w])
    as_values = tuple(g.data for g in grad(y, [x, w], create_graph=True))
    # jvp of a function closing over the old graph, on float and on Value primals.
    forward = jvp(lambda s: y * s, [1.0], [1.0])[1]
    nested = jvp(lambda s: y * s, [Value(1.0)], [1.0])[1]
    assert on_leaves == as_floats == as_values == (3.0, 2.0)  # ∂(x·w)/∂w = x = 2, not 5
    assert forward == nested.data == 6.0  # y as recorded, 2 · 3


def test_differentiating_a_recorded_point_derivative_again_raises_naming_the_changed_leaf():
    x, w, y = _changed_after_recording()
    (dy_dw,) = grad(y, [w], create_graph=True)
    expected = (
        "node 'y' was recorded as 6.0 but its op now gives 15.0: the .data of one of its inputs "
        "(node 'x', node 'w') changed after the graph was recorded. Its derivatives at the recorded point "
        "are known only as numbers (backward, grad and grad(create_graph=True) use them), so they cannot "
        "be differentiated again. Recompute the output from the current values before differentiating again."
    )
    for again in (
        lambda: grad(dy_dw, [x]),
        lambda: grad(dy_dw, [x], create_graph=True),
        dy_dw.backward,
        lambda: jvp(lambda s: dy_dw * s, [Value(1.0)], [1.0]),
    ):
        with pytest.raises(GraphChangedError) as error:
            again()
        assert str(error.value) == expected
        assert isinstance(error.value, RuntimeError)


def test_a_changed_leaf_is_seen_in_the_local_derivatives_even_when_the_value_is_unchanged():
    x, w = Value(2.0, label="x"), Value(0.0, label="w")
    y = x * w  # 0 at x = 2 and at x = 5; ∂y/∂w = x is not
    y.label = "y"
    x.data = 5.0
    (dy_dw,) = grad(y, [w], create_graph=True)
    assert dy_dw.data == grad(y, [w])[0] == 2.0
    with pytest.raises(GraphChangedError) as error:
        grad(dy_dw, [x])
    assert str(error.value).startswith(
        "node 'y' had local derivatives [0.0, 2.0] but its op now gives [0.0, 5.0]: the .data of one of its inputs"
    )


def test_a_constant_local_derivative_stays_differentiable_after_a_leaf_changes():
    # ∂(x + w)/∂x is 1 at every point, so nothing needs the recorded point to differentiate it again.
    x, w = Value(2.0, label="x"), Value(3.0, label="w")
    y = (x + w) * 2.0
    x.data = 5.0
    (slope,) = grad(y, [x], create_graph=True)
    assert slope.data == 2.0
    assert grad(slope, [x, w]) == (0.0, 0.0)


def test_a_leaf_changed_to_nan_is_a_change_and_a_graph_recorded_at_nan_is_not():
    x, w = Value(2.0, label="x"), Value(3.0, label="w")
    y = x * w
    x.data = math.nan
    (dy_dw,) = grad(y, [w], create_graph=True)
    assert dy_dw.data == 2.0  # recorded, not nan
    recorded_at_nan = Value(math.nan, label="x")
    (slope,) = grad(recorded_at_nan * recorded_at_nan, [recorded_at_nan], create_graph=True)
    assert grad(slope, [recorded_at_nan]) == (2.0,)  # nan == nan for the check: nothing changed


def test_the_changed_message_names_a_repeated_leaf_once_and_an_intermediate_input_when_no_leaf_is_near():
    x = Value(2.0, label="x")
    square = x * x
    x.data = 5.0
    (slope,) = grad(square, [x], create_graph=True)
    with pytest.raises(GraphChangedError, match=r"^an unlabeled '\*' node was recorded as 4.0 but its op now gives "
                       r"25.0: the .data of its input \(node 'x'\) changed"):
        grad(slope, [x])
    h = Value(2.0, label="x") * 2.0
    h.label = "h"
    y = h.sin()
    h.data = 7.0  # an intermediate node's .data, changed by hand
    (slope,) = grad(y, [h], create_graph=True)
    assert slope.data == math.cos(4.0)
    with pytest.raises(GraphChangedError, match=r"the .data of its input \(node 'h'\) changed"):
        grad(slope, [h])


def test_a_leaf_changed_from_nan_to_a_number_is_a_change_too():
    x, w = Value(math.nan, label="x"), Value(3.0, label="w")
    y = x * w
    x.data = 2.0
    (dy_dw,) = grad(y, [w], create_graph=True)
    assert math.isnan(dy_dw.data)  # recorded at nan, as backward and grad say
    assert math.isnan(grad(y, [w])[0])


def test_a_float_local_derivative_that_changed_with_the_leaf_is_the_recorded_one():
    x = Value(2.0, label="x")
    y = x.relu() * 3.0
    x.data = -1.0  # relu's local derivative: 1.0 as recorded, 0.0 now
    (slope,) = grad(y, [x], create_graph=True)
    assert slope.data == grad(y, [x])[0] == 3.0


def test_a_recorded_point_derivative_is_a_node_on_the_inputs_with_one_unknown_local_derivative_each():
    x, w, y = _changed_after_recording()
    (dy_dw,) = grad(y, [w], create_graph=True)
    assert dy_dw.op == "recorded"
    assert dy_dw.inputs == (x, w)
    assert len(dy_dw.local_grads) == 2
    assert all(math.isnan(g) for g in dy_dw.local_grads)


def test_an_unchanged_graph_differentiates_again_as_often_as_wanted():
    x = Value(2.0)
    y = (x * x).sin()
    for _ in range(3):
        (slope,) = grad(y, [x], create_graph=True)
        assert slope.data == pytest.approx(4.0 * math.cos(4.0))
