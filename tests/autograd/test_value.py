"""Value: construction, bad inputs and their messages, identity, slots, and what a node records."""

from __future__ import annotations

import math
import re

import pytest

import autograd
from autograd import Parameter, Value, grad


def test_a_value_starts_as_a_leaf_with_zero_grad():
    x = Value(3, label="x")
    assert (x.data, x.grad, x.label, x.op, x.inputs, x.local_grads) == (3.0, 0.0, "x", "", (), ())
    assert type(x.data) is float
    assert x.is_leaf


def test_repr_shows_data_grad_and_label():
    z = Value(-6.0, label="z")
    assert repr(z) == "Value(data=-6.0, grad=0.0, label='z')"
    assert repr(Value(1.5)) == "Value(data=1.5, grad=0.0)"
    assert repr(Parameter(0.5, label="w")) == "Parameter(data=0.5, grad=0.0, label='w')"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("3", "Value() got '3' of type str; expected a real number (int, float or NumPy scalar)."),
        (None, "Value() got None of type NoneType; expected a real number (int, float or NumPy scalar)."),
        (1 + 2j, "Value() got (1+2j) of type complex; expected a real number (int, float or NumPy scalar)."),
        ([1], "Value() got [1] of type list; expected a real number (int, float or NumPy scalar)."),
        (True, "Value() got True of type bool; expected a real number (int, float or NumPy scalar)."),
    ],
)
def test_bad_data_raises_type_error_naming_the_value_and_its_type(data, message):
    with pytest.raises(TypeError) as error:
        Value(data)
    assert str(error.value) == message


def test_a_label_must_be_a_string():
    with pytest.raises(TypeError) as error:
        Value(1.0, label=3)  # type: ignore[arg-type]
    assert str(error.value) == "Value() got label 3 of type int; a label must be a str."


@pytest.mark.parametrize(
    ("compute", "message"),
    [
        (lambda: Value(2) + "a", "add() got 'a' of type str; expected a Value or a real number (int, float)."),
        (lambda: "a" + Value(2), "add() got 'a' of type str; expected a Value or a real number (int, float)."),
        (lambda: Value(2) * None, "mul() got None of type NoneType; expected a Value or a real number (int, float)."),
        (lambda: Value(2) - True, "sub() got True of type bool; expected a Value or a real number (int, float)."),
        (
            lambda: Value(2) ** "2",
            "** exponent got '2' of type str; expected a real number (int, float or NumPy scalar).",
        ),
        (
            lambda: Value(2).leaky_relu("x"),  # type: ignore[arg-type]
            "leaky_relu() slope got 'x' of type str; expected a real number (int, float or NumPy scalar).",
        ),
        (
            lambda: autograd.sum([Value(1), "b"]),
            "sum() got 'b' of type str; expected a Value or a real number (int, float).",
        ),
    ],
)
def test_bad_operands_raise_type_error_naming_the_value_and_its_type(compute, message):
    with pytest.raises(TypeError) as error:
        compute()
    assert str(error.value) == message


def test_numpy_integer_and_floating_scalars_are_accepted():
    np = pytest.importorskip("numpy", reason="NumPy is not installed")
    for scalar in (np.float64(1.5), np.float32(1.5), np.int64(3), np.int8(3), np.uint16(3)):
        x = Value(scalar)
        assert type(x.data) is float
        assert x.data == float(scalar)
        assert (Value(1.0) * scalar).data == float(scalar)
    with pytest.raises(TypeError, match="expected a real number"):
        Value(np.bool_(True))


def test_a_value_hashes_by_identity_and_has_no_custom_equality():
    a, b = Value(1.0), Value(1.0)
    assert a != b
    assert a == a
    assert len({a, b}) == 2
    assert "__eq__" not in vars(Value)


def test_a_value_is_at_most_120_bytes_so_attribute_support_cost_at_most_one_slot():
    # 112 bytes before nodes took attributes (issue 19 allows 8 more); the __dict__ slot
    # came in and __weakref__ went out, so a Value takes no weak reference.
    import sys
    import weakref

    assert sys.getsizeof(Value(1.0)) <= 120
    assert sys.getsizeof(Value(2.0) * 3) <= 120
    with pytest.raises(TypeError, match="cannot create weak reference"):
        weakref.ref(Value(1.0))


def test_unary_and_binary_nodes_are_one_object_the_cycle_collector_tracks():
    # Operands and local derivatives live in slots, so a node adds no tracked tuple.
    import gc

    x, w = Value(2.0), Value(3.0)
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        before = len(gc.get_objects())
        nodes = [(x * w).tanh() for _ in range(200)]
        tracked_per_node = (len(gc.get_objects()) - before - 1) / (2 * len(nodes))  # 1: the list
    finally:
        if was_enabled:
            gc.enable()
    assert tracked_per_node == 1.0
    assert nodes[0].inputs[0].inputs == (x, w)


def test_inputs_and_local_grads_read_the_same_for_every_arity():
    x, y = Value(2.0), Value(5.0)
    assert (x.inputs, x.local_grads) == ((), ())
    assert ((-x).inputs, (-x).local_grads) == ((x,), (-1.0,))
    assert ((x * y).inputs, (x * y).local_grads) == ((x, y), (5.0, 2.0))
    total = autograd.sum([x, y, x])
    assert (total.inputs, total.local_grads) == ((x, y, x), (1.0, 1.0, 1.0))
    assert (autograd.sum([y]).inputs, (x**3).constants, x.constants) == ((y,), (3.0,), ())


def test_an_operation_records_its_inputs_in_order_and_its_local_derivatives():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    assert (c.data, c.op, c.inputs, c.local_grads) == (-6.0, "*", (a, b), (-3.0, 2.0))
    assert c.operation is autograd.OPS["mul"]


def test_a_squared_value_keeps_both_edges():
    x = Value(3.0)
    y = x * x
    assert y.inputs == (x, x)
    y.backward()
    assert x.grad == 6.0


def test_a_number_operand_becomes_a_constant_leaf():
    x = Value(2.0)
    y = 3 * x
    constant, same = y.inputs
    assert same is x
    assert (constant.data, constant.is_leaf, constant.label) == (3.0, True, "")


def test_autograd_sum_is_one_node_with_every_operand():
    xs = [Value(float(i)) for i in range(5)]
    s = autograd.sum([*xs, 10])
    assert (s.data, s.op, len(s.inputs)) == (20.0, "sum", 6)
    assert s.inputs[:5] == tuple(xs)
    s.backward()
    assert [x.grad for x in xs] == [1.0] * 5


def test_autograd_sum_of_nothing_is_zero():
    assert autograd.sum([]).data == 0.0


def test_builtin_sum_still_works_through_radd():
    xs = [Value(1.0), Value(2.0), Value(3.0)]
    total = sum(xs)
    assert isinstance(total, Value)
    assert total.data == 6.0
    total.backward()
    assert [x.grad for x in xs] == [1.0, 1.0, 1.0]


def test_detach_makes_a_leaf_with_the_same_data_and_label():
    x = Value(2.0)
    y = x * 3
    y.label = "y"
    d = y.detach()
    assert (d.data, d.label, d.inputs, d.op) == (6.0, "y", (), "")
    (d * x).backward()
    assert x.grad == 6.0  # nothing flows through the detached copy
    assert y.grad == 0.0


def test_float_of_a_value_is_its_data():
    assert float(Value(2.5)) == 2.5
    assert math.isclose(float(Value(2.0).sqrt()), math.sqrt(2.0))


def test_parameter_is_a_trainable_leaf_value():
    w = Parameter(0.5, label="w")
    assert isinstance(w, Value)
    assert w.is_leaf
    assert (w * 2).data == 1.0


@pytest.mark.parametrize(
    ("compute", "message"),
    [
        (lambda: Value(10**400), "Value() got an int of 401 digits; it is too large for a float"),
        (lambda: Value(1.0) + 10**400, "add() got an int of 401 digits; it is too large for a float"),
        (lambda: 10**400 * Value(1.0), "mul() got an int of 401 digits; it is too large for a float"),
    ],
)
def test_an_int_too_large_for_a_float_is_a_clear_overflow_error(compute, message):
    with pytest.raises(OverflowError, match=re.escape(message)):
        compute()


def test_dir_of_the_package_lists_the_lazily_loaded_names_too():
    listed = dir(autograd)
    assert {"draw", "save", "to_dot", "trace_backward", "trace_forward"} <= set(listed)
    assert set(autograd.__all__) <= set(listed)
    assert {"engine", "modes", "see", "check"} <= set(listed)  # the rooms learners open stay listed
    assert listed == sorted(listed)


# --- comparisons: constant 1.0/0.0 leaves that work in `if` and `assert` --------------


@pytest.mark.parametrize(
    ("compare", "expected"),
    [
        (lambda a, b: a < b, 1.0),
        (lambda a, b: a <= b, 1.0),
        (lambda a, b: a > b, 0.0),
        (lambda a, b: a >= b, 0.0),
        (lambda a, b: a < 3, 1.0),
        (lambda a, b: 3 > a, 1.0),  # noqa: SIM300  (the reflected comparison is the point)
        (lambda a, b: 2 <= a, 1.0),  # noqa: SIM300
        (lambda a, b: a >= 2.5, 0.0),
        (lambda a, b: b <= 3.0, 1.0),
        (lambda a, b: b < 3.0, 0.0),
    ],
)
def test_a_comparison_is_a_value_of_one_or_zero(compare, expected):
    a, b = Value(2.0), Value(3.0)
    result = compare(a, b)
    assert isinstance(result, Value)
    assert result.data == expected
    assert bool(result) is (expected == 1.0)


def test_a_comparison_has_derivative_zero_on_every_path():
    x = Value(2.0)
    gate = x > 0
    y = gate * x
    assert grad(y, [x]) == (1.0,)  # through the product only: the gate passes nothing
    assert grad(gate * 1.0, [x]) == (0.0,)
    (slope,) = grad(y, [x], create_graph=True)
    assert slope.data == 1.0
    assert autograd.jvp(lambda x: (x > 0) * x * x, [2.0], [1.0]) == (4.0, 4.0)


def test_comparisons_work_in_if_and_assert_and_sorting():
    x, y = Value(1.0), Value(2.0)
    assert x < y
    taken = "less" if x < y else "not less"
    assert taken == "less"
    assert sorted([y, x]) == [x, y]
    assert max([x, y]) is y


def test_a_value_is_falsy_exactly_when_its_data_is_zero_like_a_float():
    assert [bool(Value(v)) for v in (0.0, -0.0, 1e-300, -2.0, math.nan)] == [False, False, True, True, True]


def test_comparisons_leave_hashing_and_equality_by_identity():
    a, b = Value(1.0), Value(1.0)
    assert a != b
    assert a == a
    assert b not in {a}
    assert hash(a) == object.__hash__(a)


def test_comparing_with_something_not_a_number_names_it():
    with pytest.raises(TypeError) as error:
        _ = Value(1.0) < "2"
    assert str(error.value) == "< comparison got '2' of type str; expected a Value or a real number."


# --- backward(gradient=...) ---------------------------------------------------------


def test_backward_gradient_is_the_seed_as_in_pytorch():
    x = Value(3.0)
    y = x * x
    y.backward(gradient=0.5)
    assert (y.grad, x.grad) == (0.5, 3.0)
    y.backward(2)
    assert x.grad == 3.0 + 12.0


def test_backward_gradient_on_a_leaf_accumulates_the_seed():
    x = Value(3.0)
    x.backward(gradient=2.0)
    assert x.grad == 2.0


def test_backward_gradient_must_be_a_number():
    with pytest.raises(TypeError) as error:
        (Value(1.0) * 2).backward(gradient="1")
    assert str(error.value) == (
        "backward() got gradient='1' of type str; expected a real number, the seed ∂L/∂output (1.0 by default)."
    )
