"""autograd.op: a user's own op works wherever a built-in op does, and its mistakes are named."""

from __future__ import annotations

import math

import pytest

import autograd
from autograd import DomainError, GradientMismatch, Value, grad, gradcheck, jvp
from autograd.engine.ops import CUSTOM_OPS, OPS, POSITIVE


def cube_rule(m, x):
    return x * x * x, (3.0 * x * x,)


def erf_rule(m, x):
    # d/dx erf x = 2/√π · e^(−x²); m.erf is math.erf on floats and the op itself on Values.
    return m.erf(x), (2.0 / math.sqrt(math.pi) * m.exp(-x * x),)


cube = autograd.op("cube", cube_rule)
erf = autograd.op("erf", erf_rule, function=math.erf)


def test_a_custom_op_on_values_records_a_node_that_backward_follows():
    x = Value(2.0, label="x")
    y = cube(x) + x
    y.backward()
    assert (y.data, x.grad) == (10.0, 13.0)
    assert y.inputs[0].operation is cube
    assert y.inputs[0].op == "cube"


def test_a_custom_op_on_numbers_returns_the_float_value():
    assert cube(3.0) == 27.0
    assert erf(0.0) == 0.0


def test_a_number_operand_of_a_custom_op_becomes_a_constant_leaf():
    def scaled_rule(m, x, y):
        return x * y, (y, x)

    scaled = autograd.op("scaled", scaled_rule, operands=("x", "y"))
    x = Value(2.0)
    assert grad(scaled(x, 5), [x]) == (5.0,)


def test_a_custom_op_has_second_derivatives_from_its_own_rule():
    x = Value(2.0)
    (slope,) = grad(cube(x), [x], create_graph=True)
    assert (slope.data, grad(slope, [x])[0]) == (12.0, 12.0)
    # erf's rule calls m.erf: on Values that is erf itself, so d²/dx² erf = −2x · d/dx erf.
    x = Value(0.5)
    (slope,) = grad(erf(x), [x], create_graph=True)
    assert grad(slope, [x])[0] == pytest.approx(-2 * 0.5 * 2 / math.sqrt(math.pi) * math.exp(-0.25), rel=1e-12)


def test_a_custom_op_works_in_forward_mode_and_gradcheck():
    assert jvp(lambda x: cube(x), [2.0], [1.0]) == (8.0, 12.0)
    assert gradcheck(lambda x: erf(x) * cube(x), [0.7], order=2)


def test_a_custom_op_is_drawn_and_narrated_by_its_name():
    x = Value(2.0, label="x")
    y = cube(x)
    assert "cube" in autograd.to_dot(y)
    assert "cube(x)" in autograd.trace_backward(y).explain(0)
    assert "(v1 = cube(x))" in str(autograd.trace_jvp(lambda x: cube(x), [2.0], [1.0]))


def test_a_custom_op_with_constants_takes_them_after_the_operands():
    def shifted_relu_rule(m, x, shift):
        return (x - shift, (1.0,)) if m.real(x) > shift else (0.0 * x, (0.0,))

    shifted_relu = autograd.op("shifted_relu", shifted_relu_rule, constant_names=("shift",),
                               pieces=lambda x, shift: x > shift)  # fmt: skip
    x = Value(3.0)
    out = shifted_relu(x, 1.0)
    assert (out.data, out.constants, grad(out, [x])) == (2.0, (1.0,), (1.0,))


def test_a_wrong_custom_derivative_is_caught_by_gradcheck():
    def bad_cube_rule(m, x):
        return x * x * x, (2.0 * x * x,)  # the planted mistake: 2x² instead of 3x²

    bad_cube = autograd.op("bad_cube", bad_cube_rule)
    with pytest.raises(GradientMismatch, match="mismatch"):
        gradcheck(bad_cube, [1.5])


def test_custom_ops_never_replace_a_built_in_op():
    with pytest.raises(ValueError, match="built-in") as error:
        autograd.op("exp", cube_rule)
    assert str(error.value) == "op() got name='exp', the name of a built-in op; pick another name (e.g. 'my_exp')."
    assert OPS["exp"].rule is not cube_rule
    assert "cube" in CUSTOM_OPS
    assert "cube" not in OPS


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("2x", cube_rule), "op() got name='2x'; the name must be an identifier such as 'cube'."),
        (("twice", 2.0), "op() got rule=2.0 of type float; expected a function."),
        (("twice", cube_rule, "sin"), "op() got function='sin' of type str; expected a function or None."),
    ],
)
def test_a_bad_custom_op_definition_names_the_argument(arguments, message):
    with pytest.raises((TypeError, ValueError)) as error:
        autograd.op(*arguments)
    assert str(error.value) == message


def test_calling_a_custom_op_with_the_wrong_number_of_arguments_says_what_it_takes():
    with pytest.raises(TypeError) as error:
        cube(Value(1.0), Value(2.0))
    assert str(error.value) == "cube() got 2 arguments; expected (x)."


def test_built_in_ops_are_callable_the_same_way():
    x = Value(0.5)
    assert OPS["clamp"](x, 0.0, 0.25).data == 0.25
    assert OPS["tanh"](0.0) == 0.0
    assert OPS["sum"](x, 1.0, 2.0).data == 3.5


def test_a_custom_ops_domain_is_checked_with_the_usual_message():
    def log2_rule(m, x):
        return m.log(x) / math.log(2.0), (1.0 / (x * math.log(2.0)),)

    log2 = autograd.op("log2", log2_rule, domains=(POSITIVE,))
    assert log2(8.0) == pytest.approx(3.0)
    with pytest.raises(DomainError) as error:
        log2(Value(-1.0, label="z"))
    assert str(error.value) == "log2() got -1.0 from node 'z'; log2 needs x > 0."


def test_a_custom_op_written_with_arithmetic_runs_in_the_batched_engine():
    pytest.importorskip("numpy", reason="the batched engine needs NumPy")
    from autograd import Parameter
    from autograd.modes import batched

    w = Parameter(2.0)
    run = batched.record(lambda x: cube(w * x[0]), [w], [1.0]).run([[1.0], [0.5], [-1.0]])
    assert run.outputs[:, 0].tolist() == [8.0, 1.0, -8.0]
    run.backward()
    assert w.grad == 3 * 2.0**2 * (1.0 + 0.125 - 1.0)  # Σ 3w²x³


def test_a_custom_ops_numpy_form_is_kept_for_the_batched_engine():
    numpy = pytest.importorskip("numpy", reason="the batched engine needs NumPy")
    vector_erf = numpy.vectorize(math.erf)
    erf_with_numpy = autograd.op("erf_with_numpy", erf_rule, function=math.erf, numpy=vector_erf)
    assert (erf_with_numpy.function, erf_with_numpy.numpy_function) == (math.erf, vector_erf)


def test_a_custom_op_that_calls_its_own_function_runs_batched_through_its_numpy_form():
    numpy = pytest.importorskip("numpy", reason="the batched engine needs NumPy")
    from autograd import Parameter
    from autograd.modes import batched

    def rule(m, x):
        # m.erf_batched is math.erf on floats and, in the batched engine, the numpy= form.
        return m.erf_batched(x), (2.0 / math.sqrt(math.pi) * m.exp(-x * x),)

    erf_batched = autograd.op("erf_batched", rule, function=math.erf, numpy=numpy.vectorize(math.erf))
    w = Parameter(0.5)
    points = [[1.0], [0.25], [-2.0]]
    run = batched.record(lambda x: erf_batched(w * x[0]), [w], [1.0]).run(points)
    assert run.outputs[:, 0].tolist() == [math.erf(0.5 * x) for (x,) in points]
    run.backward()
    batched_grad, w.grad = w.grad, 0.0
    for (x,) in points:
        erf_batched(w * x).backward()
    assert batched_grad == pytest.approx(w.grad, rel=1e-15, abs=0.0)
