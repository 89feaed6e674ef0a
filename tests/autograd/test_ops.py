"""The op table: every op's value and derivatives, its domain errors, overflow, kinks, and mutation checks."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

import autograd
from autograd import OPS, DomainError, GradientMismatch, Op, Value, grad, gradcheck
from autograd import sum as autograd_sum
from autograd.check.testing import assert_gradients_close, op_calls
from autograd.engine.ops import FLOAT_MATH
from autograd.engine.value import VALUE_MATH

# Parametrised by name, so a failing example prints as `name='log'`.
OP_NAMES = list(OPS)


# Each op's reference (``Op.reference``, written against mpmath's function names)
# run on the math module: a float reference for every op's value. The
# high-precision comparison with mpmath itself is in test_precision.py.
FLOAT_REFERENCE = SimpleNamespace(**{name: getattr(math, name) for name in dir(math)}, power=math.pow)


def test_every_op_has_a_reference_and_reference_points():
    for op in OPS.values():
        assert op.reference is not None, op.name
        assert op.points, op.name
        for point in op.points:
            assert len(point) == (op.arity or len(point)) + op.n_constants, (op.name, point)


@pytest.mark.parametrize("name", OP_NAMES)
@given(data=st.data())
def test_every_op_matches_its_float_reference(name, data):
    call = data.draw(op_calls(name), label="call")
    (node,) = call.nodes
    expected = OPS[name].reference(FLOAT_REFERENCE, *call.inputs, *node.constants)
    assert call(*call.leaves()).data == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name", OP_NAMES)
@given(data=st.data())
def test_every_op_matches_central_differences_over_its_domain(name, data):
    # First and second derivatives: order=2 differentiates the create_graph path too.
    call = data.draw(op_calls(name), label="call")
    assert_gradients_close(call, call.leaves(), order=2)


@pytest.mark.parametrize("name", OP_NAMES)
@given(data=st.data())
def test_the_create_graph_path_agrees_with_the_float_path(name, data):
    # The same rule run on Values (VALUE_MATH) must give the floats FLOAT_MATH gives.
    op = OPS[name]
    call = data.draw(op_calls(op), label="call")
    leaves = call.leaves()
    out = call(*leaves)
    as_floats = grad(out, leaves)
    as_values = grad(out, leaves, create_graph=True)
    assert [v.data for v in as_values] == pytest.approx(as_floats, rel=1e-12, abs=1e-12)
    (node,) = call.nodes
    _, local_grads = op.rule(FLOAT_MATH, *call.inputs, *node.constants)
    assert out.local_grads == local_grads


# --- each public spelling records its op ------------------------------------------

def _spell(op: Op) -> Callable[[Value, Value], Value]:
    # The op's public spelling, from the table: its Value method (or operator)
    # with the constants of its first reference point; sum is autograd.sum.
    constants = op.points[0][len(op.points[0]) - op.n_constants :]
    if op.arity is None:
        return lambda x, y: autograd_sum([x, y])
    method = getattr(Value, op.method)
    if op.arity == 2:
        return lambda x, y: method(x, y)
    return lambda x, y: method(x, *constants)


SPELLINGS: dict[str, Callable[[Value, Value], Value]] = {name: _spell(op) for name, op in OPS.items()}


def test_every_op_has_a_public_spelling():
    assert set(SPELLINGS) == set(OPS)


@pytest.mark.parametrize(("name", "spell"), SPELLINGS.items(), ids=SPELLINGS.keys())
def test_each_method_and_operator_records_its_op(name, spell):
    out = spell(*(Value(x) for x in (*OPS[name].points[0], 3.0)[:2]))
    assert out.operation is OPS[name]
    assert out.op == OPS[name].symbol
    assert len(out.local_grads) == len(out.inputs)


@pytest.mark.parametrize(
    ("spell", "expected"),
    [
        (lambda x: 2 + x, 5.0),
        (lambda x: 2 - x, -1.0),
        (lambda x: 2 * x, 6.0),
        (lambda x: 6 / x, 2.0),
        (lambda x: 2**x, 8.0),
        (lambda x: 2.0**x, 8.0),
        (lambda x: x + 2, 5.0),
        (lambda x: x - 2, 1.0),
        (lambda x: x * 2, 6.0),
        (lambda x: x / 2, 1.5),
        (lambda x: x**2, 9.0),
        (lambda x: x**-1, 1 / 3),
        (lambda x: +x, 3.0),
    ],
)
def test_numbers_work_on_either_side_of_an_operator(spell, expected):
    assert spell(Value(3.0)).data == pytest.approx(expected)


def test_a_value_exponent_has_the_derivative_of_the_exponent():
    base, exponent = Value(2.0, label="a"), Value(3.0, label="b")
    assert grad(base**exponent, [base, exponent]) == pytest.approx((12.0, 8.0 * math.log(2.0)))


# --- nan in, nan out: never a silent finite number ----------------------------------

NAN_OPERANDS = [(name, position) for name, op in OPS.items() for position in range(op.arity or 2)]


@pytest.mark.parametrize(("name", "position"), NAN_OPERANDS, ids=[f"{n}-x{p}" for n, p in NAN_OPERANDS])
def test_a_nan_operand_gives_a_nan_value_for_every_op(name, position):
    # Not a DomainError either: log(nan) is nan, as in IEEE and PyTorch, so the
    # nan reaches detect_anomaly, which names the op that first produced it.
    operands = [Value(0.5), Value(0.5)]
    operands[position] = Value(math.nan)
    assert math.isnan(SPELLINGS[name](*operands).data)


def test_sqrt_of_nan_has_a_nan_derivative_not_the_inf_of_its_kink():
    x = Value(math.nan)
    assert math.isnan(grad(x.sqrt(), [x])[0])


def test_a_nan_exponent_of_a_negative_base_is_nan_and_ieee_keeps_its_two_exact_powers():
    assert math.isnan((Value(-2.0) ** Value(math.nan)).data)
    # IEEE 754 (and PyTorch) define these exactly, whatever the nan: x⁰ = 1 and 1ʸ = 1.
    assert (Value(math.nan) ** 0).data == 1.0
    assert (Value(1.0) ** Value(math.nan)).data == 1.0


inf = math.inf
# Each op's value with ±inf in an operand (the other 0.5), as IEEE and PyTorch give
# it: x0 = inf, x0 = −inf, then x1 = inf, x1 = −inf for two-operand ops.
AT_INFINITY: dict[str, tuple[float | type[DomainError], ...]] = {
    "add": (inf, -inf, inf, -inf),
    "sub": (inf, -inf, -inf, inf),
    "mul": (inf, -inf, inf, -inf),
    "div": (inf, -inf, 0.0, -0.0),
    "neg": (-inf, inf),
    "pow": (inf, DomainError, 0.0, inf),  # (−inf)**0.5 is complex
    "pow_constant": (inf, -inf),
    "sum": (inf, -inf, inf, -inf),
    "exp": (inf, 0.0),
    "log": (inf, DomainError),
    "sqrt": (inf, DomainError),
    "sin": (math.nan, math.nan),
    "cos": (math.nan, math.nan),
    "tanh": (1.0, -1.0),
    "sigmoid": (1.0, 0.0),
    "softplus": (inf, 0.0),
    "logaddexp": (inf, 0.5, inf, 0.5),
    "relu": (inf, 0.0),
    "leaky_relu": (inf, -inf),
    "abs": (inf, inf),
    "clamp": (1.0, -1.0),
    "tan": (math.nan, math.nan),
    "atan": (math.pi / 2, -math.pi / 2),
    "asin": (DomainError, DomainError),
    "acos": (DomainError, DomainError),
    "sinh": (inf, -inf),
    "cosh": (inf, inf),
    "log1p": (inf, DomainError),
    "expm1": (inf, -1.0),
    "sign": (1.0, -1.0),
    "mod": (math.nan, math.nan, 0.5, -inf),  # Python's %: 0.5 % -inf takes the divisor's side
    "fmod": (math.nan, math.nan, 0.5, 0.5),
}
INFINITE_OPERANDS = [(name, position, sign) for name, position in NAN_OPERANDS for sign in (1.0, -1.0)]


@pytest.mark.parametrize(
    ("name", "position", "sign"), INFINITE_OPERANDS, ids=[f"{n}-x{p}={s * inf}" for n, p, s in INFINITE_OPERANDS]
)
def test_an_infinite_operand_gives_the_ieee_value_for_every_op(name, position, sign):
    expected = AT_INFINITY[name][2 * position + (sign < 0)]
    operands = [Value(0.5), Value(0.5)]
    operands[position] = Value(sign * inf)
    if expected is DomainError:
        with pytest.raises(DomainError):
            SPELLINGS[name](*operands)
        return
    value = SPELLINGS[name](*operands).data
    if math.isnan(expected):
        assert math.isnan(value)
    else:  # the sign too: 0.5 / −inf is −0.0
        assert (value, math.copysign(1.0, value)) == (expected, math.copysign(1.0, expected))


# --- domains: every DomainError message, exactly ---------------------------------


@pytest.mark.parametrize(
    ("compute", "message"),
    [
        (lambda: Value(-1.0, label="z1").log(), "log() got -1.0 from node 'z1'; log needs x > 0."),
        (lambda: Value(0.0).log(), "log() got 0.0 from an unlabeled leaf; log needs x > 0."),
        (lambda: Value(-4.0, label="v").sqrt(), "sqrt() got -4.0 from node 'v'; sqrt needs x ≥ 0."),
        (
            lambda: (Value(1.0) - 2).sqrt(),
            "sqrt() got -1.0 from an unlabeled '-' node; sqrt needs x ≥ 0.",
        ),
        (
            lambda: Value(1.0) / Value(0.0, label="d"),
            "division got divisor 0.0 from node 'd'; division needs divisor ≠ 0.",
        ),
        (lambda: Value(1.0) / 0, "division got divisor 0.0 from an unlabeled leaf; division needs divisor ≠ 0."),
        (lambda: 1 / Value(0.0, label="d"), "division got divisor 0.0 from node 'd'; division needs divisor ≠ 0."),
        (
            lambda: Value(-2.0, label="b") ** Value(0.5, label="e"),
            "power got base=-2.0 from node 'b', exponent=0.5 from node 'e'; power needs an integer exponent "
            "when the base is negative (a real power of a negative number is complex).",
        ),
        (
            lambda: Value(-2.0, label="b") ** 0.5,
            "power got base=-2.0 from node 'b', exponent=0.5; power needs an integer exponent "
            "when the base is negative (a real power of a negative number is complex).",
        ),
        (
            lambda: Value(0.0, label="b") ** -1,
            "power got base=0.0 from node 'b', exponent=-1.0; power needs a nonzero base "
            "when the exponent is negative (0 to a negative power divides by zero).",
        ),
        (
            lambda: Value(0.0, label="b") ** Value(-2.0, label="e"),
            "power got base=0.0 from node 'b', exponent=-2.0 from node 'e'; power needs a nonzero base "
            "when the exponent is negative (0 to a negative power divides by zero).",
        ),
        (
            lambda: 0 ** Value(-1.0, label="e"),
            "power got base=0.0 from an unlabeled leaf, exponent=-1.0 from node 'e'; power needs a nonzero base "
            "when the exponent is negative (0 to a negative power divides by zero).",
        ),
    ],
)
def test_domain_errors_name_the_op_the_value_the_node_and_the_domain(compute, message):
    with pytest.raises(DomainError) as error:
        compute()
    assert str(error.value) == message
    assert isinstance(error.value, ValueError)


def test_a_negative_base_with_an_integer_exponent_is_real():
    x = Value(-2.0)
    assert (x**3).data == -8.0
    assert (x ** Value(2.0)).data == 4.0
    assert grad(x**3, [x]) == (12.0,)


def test_clamp_rejects_bounds_in_the_wrong_order():
    with pytest.raises(ValueError, match=r"^clamp\(\) got low=2\.0 > high=1\.0; low must be ≤ high\.$"):
        Value(0.0).clamp(2.0, 1.0)


@pytest.mark.parametrize(
    ("low", "high", "message"),
    [
        (math.nan, 1.0, r"^clamp\(\) got low=nan; low must be a number \(for no bound, use -math\.inf\)\.$"),
        (0.0, math.nan, r"^clamp\(\) got high=nan; high must be a number \(for no bound, use math\.inf\)\.$"),
    ],
)
def test_clamp_rejects_a_nan_bound_by_name(low, high, message):
    with pytest.raises(ValueError, match=message):
        Value(1.0).clamp(low, high)


# --- overflow follows IEEE; the stable ops stay finite ----------------------------


def test_exp_overflows_to_inf_like_ieee():
    x = Value(1000.0)
    y = x.exp()
    assert y.data == math.inf
    y.backward()
    assert x.grad == math.inf


def test_a_power_that_overflows_is_inf():
    assert (Value(10.0) ** 400).data == math.inf
    assert (Value(10.0) ** Value(400.0)).data == math.inf


@pytest.mark.parametrize(
    ("base", "exponent", "expected"),
    [
        (-10.0, 309.0, -math.inf),
        (-1e200, 3.0, -math.inf),
        (-1e-200, -3.0, -math.inf),
        (-10.0, 310.0, math.inf),
        (-1e200, 4.0, math.inf),
    ],
)
def test_a_power_that_overflows_keeps_the_sign_ieee_gives_it(base, exponent, expected):
    assert (Value(base) ** exponent).data == expected
    assert (Value(base) ** Value(exponent)).data == expected


@pytest.mark.parametrize("method", ["sigmoid", "tanh", "softplus"])
@pytest.mark.parametrize("x", [-1000.0, -50.0, 50.0, 1000.0])
def test_sigmoid_tanh_and_softplus_are_finite_with_finite_gradients_at_large_inputs(method, x):
    leaf = Value(x)
    out = getattr(leaf, method)()
    out.backward()
    assert math.isfinite(out.data)
    assert math.isfinite(leaf.grad)
    (second,) = grad(grad(out, [leaf], create_graph=True)[0], [leaf])
    assert math.isfinite(second)


def test_stable_ops_have_the_right_limits():
    assert Value(1000.0).softplus().data == 1000.0
    assert Value(-1000.0).softplus().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(-1000.0).tanh().data == -1.0


def test_overflow_keeps_the_sign_only_for_odd_functions():
    # cosh is even: +inf on both sides; sinh is odd: −inf below; exp and expm1 overflow only above.
    assert [Value(x).cosh().data for x in (-1000.0, 1000.0)] == [math.inf, math.inf]
    assert [Value(x).sinh().data for x in (-1000.0, 1000.0)] == [-math.inf, math.inf]
    assert (Value(1000.0).exp().data, Value(1000.0).expm1().data) == (math.inf, math.inf)


# --- kinks: the derivative each piecewise op picks, as documented -----------------


@pytest.mark.parametrize(
    ("spell", "point", "expected"),
    [
        (lambda x: x.relu(), 0.0, 0.0),
        (lambda x: x.abs(), 0.0, 0.0),
        (lambda x: x.leaky_relu(0.1), 0.0, 0.1),
        (lambda x: x.clamp(-1.0, 1.0), -1.0, 1.0),
        (lambda x: x.clamp(-1.0, 1.0), 1.0, 1.0),
        (lambda x: x.sqrt(), 0.0, math.inf),
    ],
)
def test_the_derivative_at_a_kink_is_the_documented_choice(spell, point, expected):
    x = Value(point)
    assert grad(spell(x), [x]) == (expected,)


@pytest.mark.parametrize("zero", [0.0, -0.0])
def test_abs_of_a_signed_zero_is_positive_zero_with_derivative_zero_to_any_order(zero):
    x = Value(zero)
    out = abs(x)
    assert math.copysign(1.0, out.data) == 1.0
    assert grad(out, [x]) == (0.0,)
    (slope,) = grad(out, [x], create_graph=True)
    assert slope.data == 0.0
    assert grad(slope, [x]) == (0.0,)


PIECEWISE = {
    "relu": lambda x: x.relu(),
    "leaky_relu": lambda x: x.leaky_relu(0.1),
    "abs": lambda x: x.abs(),
    "clamp": lambda x: x.clamp(-1.0, 1.0),
}


@pytest.mark.parametrize("spell", PIECEWISE.values(), ids=PIECEWISE.keys())
def test_a_piecewise_op_keeps_nan_and_its_derivative_is_nan(spell):
    # nan fails every comparison, so a rule that branches on x must not let it
    # fall into a finite branch (relu(nan) = 0 would hide the nan, as PyTorch does not).
    x = Value(math.nan)
    out = spell(x)
    assert math.isnan(out.data)
    (derivative,) = grad(out, [x])
    assert math.isnan(derivative)
    (as_value,) = grad(out, [x], create_graph=True)
    assert math.isnan(as_value.data)


# --- show that the tests can fail: corrupt each derivative rule ---------------------


@pytest.fixture
def corrupt() -> Iterator[Callable[..., None]]:
    """Make one local derivative of an op wrong (×1.1 + 0.5) until the test ends.

    With ``only_create_graph`` only the rule run on Values (VALUE_MATH) is wrong.
    """
    restore: list[tuple[Op, Callable[..., object]]] = []

    def apply(op: Op, position: int, only_create_graph: bool = False) -> None:
        rule = op.rule

        def corrupted(m: object, *arguments: object) -> tuple[object, tuple[object, ...]]:
            value, local_grads = rule(m, *arguments)
            if only_create_graph and m is not VALUE_MATH:
                return value, local_grads
            wrong = tuple(g * 1.1 + 0.5 if i == position else g for i, g in enumerate(local_grads))
            return value, wrong

        restore.append((op, rule))
        object.__setattr__(op, "rule", corrupted)  # Op is frozen; only this test rewires it

    yield apply
    for op, rule in reversed(restore):
        object.__setattr__(op, "rule", rule)


# Every derivative of every op: each operand of fixed-arity ops, the first of sum.
DERIVATIVES = [(op.name, position) for op in OPS.values() for position in range(op.arity or 1)]


@pytest.mark.parametrize(
    ("name", "position"), DERIVATIVES, ids=[f"{name}-d{OPS[name].operands[p].strip('*')}" for name, p in DERIVATIVES]
)
def test_a_corrupted_derivative_rule_is_caught_by_gradcheck_and_by_the_op_test(name, position, corrupt):
    op = OPS[name]
    simplest = find(op_calls(op), lambda call: True, settings=settings(database=None, derandomize=True))
    assert gradcheck(simplest, simplest.leaves(), raise_on_failure=False)
    corrupt(op, position)
    result = gradcheck(simplest, simplest.leaves(), raise_on_failure=False)
    assert not result
    assert [row.input for row in result.failures] == [f"∂/∂x{position}"]
    # The property test above, same body, without shrinking (we only need it to fail).
    property_test = settings(database=None, phases=[Phase.generate], max_examples=100)(
        given(data=st.data())(test_every_op_matches_central_differences_over_its_domain.hypothesis.inner_test)
    )
    with pytest.raises(GradientMismatch, match=rf"∂/∂x{position} \(mismatch\)"):
        property_test(name)


@pytest.mark.parametrize(
    ("name", "position"), DERIVATIVES, ids=[f"{name}-d{OPS[name].operands[p].strip('*')}" for name, p in DERIVATIVES]
)
def test_a_derivative_wrong_only_on_the_create_graph_path_is_caught(name, position, corrupt):
    corrupt(OPS[name], position, only_create_graph=True)
    property_test = settings(database=None, phases=[Phase.generate], max_examples=100)(
        given(data=st.data())(test_the_create_graph_path_agrees_with_the_float_path.hypothesis.inner_test)
    )
    with pytest.raises(AssertionError, match=r"comparison failed"):
        property_test(name)


@pytest.mark.parametrize(
    ("point", "expected"),
    [((0.0, 2.0), [[2.0, 0.0], [0.0, 0.0]]), ((0.0, 3.0), [[0.0, 0.0], [0.0, 0.0]])],
)
def test_the_power_hessian_at_base_0_is_the_limit_for_exponents_above_1(point, expected):
    # ∂²xʸ/∂x∂y = x^(y−1)(1 + y ln x) → 0 as x → 0 when y > 1; only y ≤ 1 has no finite limit (nan).
    x, y = (Value(v) for v in point)
    first = grad(x**y, [x, y], create_graph=True)
    assert [list(grad(d, [x, y])) for d in first] == expected
    assert autograd.hessian(lambda x, y: x**y, list(point)) == expected


@pytest.mark.parametrize("point", [(0.0, 1.0), (0.0, 0.5), (-2.0, 3.0), (0.0, 0.0), (0.0, 3.0), (2.0, 3.0)])
def test_the_power_hessian_is_symmetric_or_nan_on_both_sides_at_its_singular_points(point):
    def same(a: float, b: float) -> bool:
        return a == b or (math.isnan(a) and math.isnan(b))

    x, y = (Value(v) for v in point)
    first = grad(x**y, [x, y], create_graph=True)
    reverse_over_reverse = [grad(d, [x, y]) for d in first]
    assert same(reverse_over_reverse[0][1], reverse_over_reverse[1][0]), reverse_over_reverse
    forward_over_reverse = autograd.hessian(lambda x, y: x**y, list(point))
    assert same(forward_over_reverse[0][1], forward_over_reverse[1][0]), forward_over_reverse
    assert all(same(a, b) for a, b in zip(forward_over_reverse[0], reverse_over_reverse[0]))
    # The first derivatives keep their values (nan only for ∂/∂y at a negative base).
    assert [d.data for d in first] == pytest.approx(list(grad(x**y, [x, y])), nan_ok=True)


@pytest.mark.parametrize(("x", "divisor", "quotient"), [(7.5, 2.0, 3.0), (-7.5, 2.0, -3.0), (7.5, -2.0, -3.0)])
def test_fmod_moves_against_its_divisor_by_the_truncated_quotient(x, divisor, quotient):
    # fmod(x, d) = x − q·d with q = trunc(x/d), the quotient C's fmod uses: ∂/∂d = −q, whatever the signs.
    a, d = Value(x), Value(divisor)
    a.fmod(d).backward()
    assert (a.grad, d.grad) == (1.0, -quotient)


@pytest.mark.parametrize("x", [4.0 + 1e-9, -4.0 - 1e-9])
def test_gradcheck_passes_fmod_where_its_stencil_straddles_a_jump(x):
    # fmod jumps by the divisor where x/divisor crosses an integer: the difference quotient across the
    # jump is huge, and only the op's pieces (which quotient each stencil point uses) tell gradcheck why.
    result = gradcheck(lambda a: a.fmod(2.0), [x], raise_on_failure=False)
    assert result, result.failures
