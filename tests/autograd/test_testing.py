"""autograd.check.testing: the strategies respect the op table's domains, share, shrink and print as formulas."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from autograd import OPS, GradientMismatch, Value, grad, jvp, topological_order
from autograd.check.testing import (
    EDGE,
    Expression,
    Node,
    assert_gradients_close,
    expressions,
    op_calls,
    reals,
    reals_in,
)
from autograd.engine.ops import FLOAT_MATH, NONZERO, POSITIVE, REALS, op

# find() repeats exactly, whatever the profile: its search budget is its own.
NO_DATABASE = settings(database=None, derandomize=True, max_examples=200)


def test_import_autograd_does_not_import_hypothesis():
    code = "import sys, autograd; autograd.Value(1.0).tanh(); print('hypothesis' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "False"


@given(reals(-2.0, 5.0))
def test_reals_are_finite_normal_and_inside_the_bounds(x: float):
    assert -2.0 <= x <= 5.0
    assert math.isfinite(x)
    assert x == 0.0 or abs(x) >= sys.float_info.min  # no subnormals


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((math.inf, 1.0), "reals() got min_value=inf; expected a finite number."),
        ((0.0, math.nan), "reals() got max_value=nan; expected a finite number."),
        ((2.0, 1.0), "reals() got min_value=2.0 > max_value=1.0; swap them."),
    ],
)
def test_reals_rejects_bad_bounds(arguments, message):
    with pytest.raises(ValueError, match=r"^reals\(\)") as error:
        reals(*arguments)
    assert str(error.value) == message


def test_reals_in_says_when_a_domain_and_bounds_leave_nothing_to_draw():
    with pytest.raises(ValueError, match=r"^reals_in\(\)") as error:
        reals_in(POSITIVE, -3.0, -1.0)
    assert str(error.value) == (
        "reals_in() got the domain x > 0 and bounds [-3.0, -1.0], which leave nothing to draw; widen the bounds."
    )


@pytest.mark.parametrize("domain", [REALS, POSITIVE, NONZERO], ids=["reals", "positive", "nonzero"])
@given(data=st.data())
def test_reals_in_stays_inside_a_domain_and_away_from_its_edges(domain, data):
    x = data.draw(reals_in(domain))
    assert domain.contains(x)
    assert x >= domain.low + EDGE
    assert not domain.excludes_zero or abs(x) >= EDGE


@pytest.mark.parametrize("name", list(OPS))
@given(data=st.data())
def test_op_calls_draw_operands_inside_the_ops_declared_domain(name, data):
    op = OPS[name]
    call = data.draw(op_calls(op), label="call")
    (node,) = call.nodes
    assert node.op is op
    for domain, x in zip(op.domains * len(call.inputs), call.inputs):
        assert domain.contains(x)
    assert op.check is None or op.check(*call.inputs, *node.constants) is None
    assert list(node.constants) == sorted(node.constants)
    assert len(node.constants) == op.n_constants
    call(*call.leaves())  # never a DomainError


@given(expressions())
def test_expressions_stay_inside_every_ops_domain_and_match_their_reference(expr: Expression):
    values = list(expr.inputs) + list(expr.literals)
    for node in expr.nodes:
        operands = [values[i] for i in node.operands]
        for domain, x in zip(node.op.domains * len(operands), operands):
            assert domain.contains(x), f"{node.op.name} got {x!r}"
        values.append(node.op.rule(FLOAT_MATH, *operands, *node.constants)[0])
    out = expr(*expr.leaves())
    assert out.data == expr.reference(*expr.inputs) == values[-1]
    assert math.isfinite(out.data)


@given(expressions(max_leaves=2, max_depth=3))
def test_expressions_respect_their_size_limits(expr: Expression):
    assert 1 <= len(expr.inputs) <= 2
    assert 1 <= expr.depth <= 3
    assert expr.nodes


@given(expressions(share=False))
def test_without_sharing_every_result_is_read_once(expr: Expression):
    reads = [i for node in expr.nodes for i in node.operands]
    assert len(reads) == len(set(reads))
    assert expr.shared == ()


def test_with_sharing_a_result_feeds_several_operations():
    expr = find(expressions(), lambda e: len(e.shared) >= 1, settings=NO_DATABASE)
    assert expr.shared
    assert " where t0 = " in repr(expr)
    # Backprop through the shared node gives the same as grad() walks it.
    leaves = expr.leaves()
    out = expr(*leaves)
    out.backward()
    assert tuple(x.grad for x in leaves) == grad(out, leaves)


@given(expressions(ops=["log", "div", "sqrt", "exp", "pow"], max_depth=5))
def test_narrow_domains_compose_without_domain_errors(expr: Expression):
    expr(*expr.leaves())


def test_an_expression_prints_as_a_formula_with_its_point():
    mul, log, add, power = OPS["mul"], OPS["log"], OPS["add"], OPS["pow_constant"]
    expr = Expression((2.0, 3.0), (Node(mul, (0, 1)), Node(log, (2,)), Node(add, (3, 2)), Node(power, (4,), (2.0,))))
    assert repr(expr) == "(log(t0) + t0) ** 2.0 where t0 = x0 * x1; at x0 = 2.0, x1 = 3.0"
    assert expr(*expr.leaves()).data == pytest.approx((math.log(6.0) + 6.0) ** 2)
    clamp = Expression((0.5,), (Node(OPS["clamp"], (0,), (-1.0, 1.0)),))
    assert repr(clamp) == "clamp(x0, -1.0, 1.0); at x0 = 0.5"


def test_calling_an_expression_with_the_wrong_number_of_inputs_says_so():
    expr = Expression((2.0,), (Node(OPS["exp"], (0,)),))
    with pytest.raises(TypeError) as error:
        expr(Value(1.0), Value(2.0))
    assert str(error.value) == "exp(x0) takes 1 inputs but got 2."


def test_floats_passed_to_an_expression_become_labeled_leaves():
    expr = Expression((2.0,), (Node(OPS["exp"], (0,)),))
    assert expr(1.0).inputs[0].label == "x0"


def test_a_counterexample_shrinks_to_a_small_readable_formula():
    # "Find a graph three operations deep": the minimal one has exactly three, on simple numbers.
    expr = find(expressions(), lambda e: e.depth >= 3, settings=NO_DATABASE)
    assert len(expr.nodes) == 3
    assert len(expr.inputs) <= 2
    assert set(expr.inputs) <= {0.0, 1.0}
    assert len(repr(expr)) < 70


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"ops": ["nope"]}, "expressions() got unknown op 'nope'; known ops: " + ", ".join(OPS) + "."),
        ({"ops": []}, "expressions() got no ops; pass op names such as ['add', 'log']."),
        ({"max_leaves": 0}, "expressions() got max_leaves=0; expected an int ≥ 1."),
        ({"max_depth": 1.5}, "expressions() got max_depth=1.5; expected an int ≥ 1."),
    ],
)
def test_expressions_rejects_bad_arguments(arguments, message):
    with pytest.raises(ValueError, match=r"^expressions\(\) got ") as error:
        expressions(**arguments)
    assert str(error.value) == message


def test_assert_gradients_close_is_an_assertion():
    assert_gradients_close(lambda x: x.sin(), [1.0], order=2)
    x = Value(1.0, label="x")
    with pytest.raises(AssertionError, match=r"∂/∂x \(mismatch\)"):
        assert_gradients_close(lambda v: v.sin() + (v - v.detach()), [x])


# --- the guide in autograd/check/testing.py, run: a user's op, right and wrong ------------


def _register_cube(slope: float) -> None:
    @op("cube")
    def cube(m, x):  # type: ignore[no-untyped-def]
        """x³.  d/dx = 3x² (or a wrong slope)."""
        return x * x * x, (slope * x * x,)


@pytest.fixture
def cube_slope():
    """Register the guide's ``cube`` op with the given derivative factor; remove it afterwards."""
    yield _register_cube
    OPS.pop("cube", None)


def _guide_property():
    @settings(database=None, max_examples=60, suppress_health_check=[HealthCheck.filter_too_much])
    @given(expressions(ops=["cube", "mul", "sin"]))
    def test_cube_has_the_right_gradients(expr):
        assert_gradients_close(expr, expr.leaves(), order=2)

    return test_cube_has_the_right_gradients


def test_the_guides_new_op_passes_its_property_test(cube_slope):
    cube_slope(3.0)
    _guide_property()()


def test_the_guides_new_op_with_a_wrong_derivative_fails_with_a_shrunk_formula(cube_slope):
    cube_slope(2.0)
    with pytest.raises(GradientMismatch, match=r"∂/∂x0 \(mismatch\)") as error:
        _guide_property()()
    notes = "\n".join(getattr(error.value, "__notes__", []))
    assert "expr=cube(x0); at x0 = " in notes


def test_importing_testing_without_hypothesis_says_what_to_install():
    # A subprocess, so hiding hypothesis (None in sys.modules) cannot leak into other tests.
    script = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n    import autograd.check.testing\n"
        "except ModuleNotFoundError as error:\n    print(error); print(type(error.__cause__).__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        "autograd.check.testing needs hypothesis: pip install 'glassgrad[test]'",
        "ModuleNotFoundError",
    ]


# --- the blind spot: leaves and literals created between operations, and domain edges ----


def _created_between(expr: Expression) -> bool:
    """Whether some leaf or literal is created after some operation."""
    first_node = len(expr.inputs) + len(expr.literals)
    order = expr.creation_order
    first_operation = next(i for i, slot in enumerate(order) if slot >= first_node)
    return any(slot < first_node for slot in order[first_operation:])


def test_drawn_expressions_create_leaves_and_literals_between_operations():
    expr = find(expressions(), _created_between, settings=NO_DATABASE)
    out, leaves = expr.build()
    serials = {node: node.serial for node in topological_order(out)}
    # The graph really is built in the drawn order: a leaf or literal is younger than an operation.
    assert any(not node.inputs and serials[node] > min(s for n, s in serials.items() if n.inputs) for node in serials)
    assert expr.literals or len(leaves) > 1


def test_drawn_expressions_contain_literals_and_they_print_as_numbers():
    expr = find(expressions(ops=["mul", "add"]), lambda e: len(e.literals) >= 1, settings=NO_DATABASE)
    assert repr(expr.literals[0]) in expr.formula or f"({expr.literals[0]!r})" in expr.formula
    assert expr(*expr.leaves()).data == expr.reference(*expr.inputs)


def test_without_literals_none_are_drawn():
    @settings(max_examples=30, database=None, derandomize=True)
    @given(expressions(literals=False))
    def check(expr: Expression) -> None:
        assert expr.literals == ()

    check()


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12, abs=1e-300)


@given(expressions())
def test_create_graph_first_derivatives_equal_the_float_path_on_graphs_built_in_drawn_order(expr: Expression):
    out, leaves = expr.build()
    as_values = grad(out, leaves, create_graph=True)
    assert [g.data for g in as_values] == pytest.approx(list(grad(out, leaves)), rel=1e-12, abs=1e-12)


@given(expressions(edges=True))
def test_at_domain_edges_every_exact_path_gives_the_same_derivatives(expr: Expression):
    out, leaves = expr.build()
    assert _same(out.data, expr.reference(*expr.inputs))
    floats = grad(out, leaves)
    as_values = [g.data for g in grad(out, leaves, create_graph=True)]
    out.backward()
    on_leaves = [x.grad for x in leaves]
    forward = [jvp(expr, expr.inputs, [float(i == j) for j in range(len(leaves))])[1] for i in range(len(leaves))]
    for position, (exact, value_path, forward_mode) in enumerate(zip(floats, as_values, forward)):
        assert _same(value_path, exact), f"∂/∂x{position}: create_graph {value_path!r}, float path {exact!r}"
        assert _same(on_leaves[position], exact), f"∂/∂x{position}: backward {on_leaves[position]!r}, grad {exact!r}"
        # Forward mode adds the same products in another order; inf·0 terms can only differ as nan vs inf.
        assert _same(forward_mode, exact) or math.isnan(forward_mode) or math.isnan(exact), f"∂/∂x{position}"


def test_edges_draw_base_zero_zero_to_the_zero_poles_and_infinite_logits():
    def drawn(ops: list[str], condition) -> Expression:  # type: ignore[no-untyped-def]
        return find(expressions(ops=ops, edges=True, max_depth=1), condition, settings=NO_DATABASE)

    assert drawn(["pow"], lambda e: e.inputs[0] == 0.0).inputs[0] == 0.0  # base 0
    zero_to_the_zero = drawn(["pow"], lambda e: len(e.inputs) == 2 and e.inputs == (0.0, 0.0))
    assert zero_to_the_zero.reference(0.0, 0.0) == 1.0
    pole = drawn(["sqrt"], lambda e: e.inputs[0] == 0.0)
    assert OPS["sqrt"].rule(FLOAT_MATH, pole.inputs[0])[1] == (math.inf,)
    logit = drawn(["sigmoid"], lambda e: math.isinf(e.inputs[0]))
    assert logit.reference(*logit.inputs) in (0.0, 1.0)


def test_expressions_reject_a_non_bool_flag():
    with pytest.raises(TypeError) as error:
        expressions(edges=1)  # type: ignore[arg-type]
    assert str(error.value) == "expressions() got edges=1; expected True or False."


@pytest.mark.parametrize(
    ("creation", "message"),
    [
        ((0, 1), "Expression() got creation=(0, 1); it must list each of the 3 slots once."),
        ((0, 0, 1), "Expression() got creation=(0, 0, 1); it must list each of the 3 slots once."),
        ((0, 2, 1), "Expression() got creation=(0, 2, 1); slot 2 is created before one of its operands."),
    ],
)
def test_an_impossible_creation_order_is_refused(creation, message):
    with pytest.raises(ValueError, match=r"^Expression\(\) got creation=") as error:
        Expression((2.0,), (Node(OPS["mul"], (0, 1)),), literals=(3.0,), creation=creation)
    assert str(error.value) == message
