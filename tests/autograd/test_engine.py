"""Issue 11 and 12 on the engine: the one sweep's blind spots, threads, new ops, display forms, bad inputs."""

from __future__ import annotations

import math
import random
import threading

import pytest

import autograd
from autograd import OPS, DomainError, Value, grad, gradcheck, no_grad
from autograd.engine.expression import FUNCTIONS, parse
from autograd.see.trace import trace_forward

NEW_OPS = ["tan", "sinh", "cosh", "atan", "asin", "acos", "log1p", "expm1"]


# --- the sweep: graphs whose leaves interleave with intermediate nodes --------------


def test_a_leaf_created_after_an_intermediate_node_gets_its_second_derivative():
    # The random expressions created every leaf before every node, so a sweep that
    # stopped (break) at the first node without a gradient passed all tests.
    x = Value(3.0, label="x")
    square = x * x
    w = Value(5.0, label="w")  # created after x², so it sits between nodes in creation order
    (slope,) = grad(square * w, [x], create_graph=True)
    assert slope.data == 30.0
    assert grad(slope, [x, w]) == (10.0, 6.0)  # d²/dx² = 2w, d²/dxdw = 2x


def test_a_node_without_a_path_to_the_output_is_skipped_not_the_rest():
    # relu's local derivative below 0 is the float 0.0; times an upstream Value
    # (here x) the Values path skips it, so `negative` receives no gradient and
    # the sweep must go on to x² (a `break` there made this 0, not 6).
    x = Value(3.0, label="x")
    square = x * x
    negative = x * -1.0  # created after x², so the sweep meets it first
    y = negative.relu() * x + square
    (slope,) = grad(y, [x], create_graph=True)
    assert slope.data == 6.0
    assert grad(slope, [x]) == (2.0,)


def test_create_graph_records_a_graph_even_inside_no_grad():
    x = Value(3.0)
    y = x**3
    with no_grad():
        (slope,) = grad(y, [x], create_graph=True)
        assert slope.inputs  # recorded
    assert grad(slope, [x]) == (18.0,)  # the case: 0.0 before, as PyTorch gives 18


# --- threads ------------------------------------------------------------------------


def test_concurrent_backward_on_a_shared_graph_equals_the_calls_one_after_another():
    rng = random.Random(0)
    leaves = [Value(rng.uniform(-1.0, 1.0), label=f"w{i}") for i in range(50)]
    hidden = [autograd.sum([w * rng.uniform(-1, 1) for w in leaves]).tanh() for _ in range(8)]
    loss = autograd.sum([h * h for h in hidden])
    calls_per_thread, threads = 300, 4

    loss.zero_grad()
    for _ in range(calls_per_thread * threads):
        loss.backward()
    expected = [w.grad for w in leaves]

    loss.zero_grad()
    barrier = threading.Barrier(threads)

    def work() -> None:
        barrier.wait()
        for _ in range(calls_per_thread):
            loss.backward()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [w.grad for w in leaves] == pytest.approx(expected, rel=1e-12)


# --- bad inputs get the library's own messages ---------------------------------------


@pytest.mark.parametrize(
    ("compute", "message"),
    [
        (
            lambda: autograd.sum(None),
            "sum() got None of type NoneType; expected a list of Values or numbers, e.g. autograd.sum([x, y, 1.0]).",
        ),
        (
            lambda: autograd.sum(Value(1.0)),
            "sum() got Value(data=1.0, grad=0.0) of type Value; expected a list of Values or numbers, "
            "e.g. autograd.sum([x, y, 1.0]).",
        ),
        (
            lambda: grad(Value(1.0) * 2, None),
            "grad() got inputs=None of type NoneType; expected a list of Values, e.g. grad(y, [x, w]).",
        ),
        (
            lambda: grad(Value(1.0) * 2, "x"),
            "grad() got inputs='x' of type str; expected a list of Values, e.g. grad(y, [x, w]).",
        ),
    ],
)
def test_bad_arguments_get_a_message_naming_the_value_and_the_fix(compute, message):
    with pytest.raises(TypeError) as error:
        compute()
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("compute", "message"),
    [
        (lambda: Value(2.0, label="z").asin(), "asin() got 2.0 from node 'z'; asin needs -1 ≤ x ≤ 1."),
        (lambda: Value(-1.5, label="z").acos(), "acos() got -1.5 from node 'z'; acos needs -1 ≤ x ≤ 1."),
        (lambda: Value(-1.0, label="p").log1p(), "log1p() got -1.0 from node 'p'; log1p needs x > -1."),
        (lambda: (Value(1.0) - 3).log1p(), "log1p() got -2.0 from an unlabeled '-' node; log1p needs x > -1."),
    ],
)
def test_the_new_ops_domain_errors_name_the_op_the_value_and_the_node(compute, message):
    with pytest.raises(DomainError) as error:
        compute()
    assert str(error.value) == message


# --- the new ops ------------------------------------------------------------------


@pytest.mark.parametrize("name", NEW_OPS)
def test_each_new_op_has_a_value_method_a_parser_function_and_passes_gradcheck(name):
    method = getattr(Value, name)
    assert OPS[name].method == name
    assert FUNCTIONS[name] is method
    point = OPS[name].points[1][0]
    reference = getattr(math, name)(point)
    assert method(Value(point)).data == pytest.approx(reference, rel=1e-15, abs=0.0)
    assert parse(f"{name}(x)").evaluate({"x": point}).data == method(Value(point)).data
    assert gradcheck(lambda x: method(x), [point], order=2)


@pytest.mark.parametrize(
    ("name", "x", "expected"),
    [
        ("sinh", 1000.0, math.inf),
        ("sinh", -1000.0, -math.inf),
        ("cosh", -1000.0, math.inf),
        ("expm1", 1000.0, math.inf),
    ],
)
def test_the_new_ops_overflow_to_the_signed_infinity(name, x, expected):
    assert getattr(Value(x), name)().data == expected


def test_log1p_and_expm1_are_exact_where_log_and_exp_round():
    tiny = Value(1e-17)
    assert tiny.log1p().data == 1e-17
    assert tiny.expm1().data == 1e-17
    assert (tiny + 1.0).log().data == 0.0  # what they avoid


# --- one op, one place: display forms come from the table ---------------------------


@pytest.mark.parametrize(
    ("build", "display", "plain"),
    [
        (lambda x, y: x * y, "x × y", "x * y"),
        (lambda x, y: x - y, "x − y", "x - y"),
        (lambda x, y: x**3, "x ^ 3", "x ** 3"),
        (lambda x, y: -x, "−x", "-x"),
        (lambda x, y: x.sigmoid(), "σ(x)", "sigmoid(x)"),
        (lambda x, y: x.sinh(), "sinh(x)", "sinh(x)"),
        (lambda x, y: x.clamp(0.0, 1.0), "clamp(x, 0, 1)", "clamp(x, 0, 1)"),
    ],
)
def test_the_narration_formula_and_the_plain_formula_come_from_the_op(build, display, plain):
    x, y = Value(0.5, label="x"), Value(2.0, label="y")
    out = build(x, y)
    assert trace_forward(out).formula(out) == display
    constants = [str(int(c)) for c in out.constants]
    assert out.operation.format([*(i.label for i in out.inputs), *constants], plain=True) == plain


def test_a_plain_formula_parses_back_to_the_same_op():
    # The parser reads infix operators and one-argument functions (fmod(x, y) it cannot).
    for name, op in OPS.items():
        if op.n_constants or op.arity is None or (op.form == "prefix" and op.arity != 1):
            continue
        names = ["x", "y"][: op.arity]
        text = op.format(names, plain=True)
        out = parse(text).evaluate(dict(zip(names, op.points[0])))
        assert out.operation is op, (name, text)


# --- gradcheck far from 0 ---------------------------------------------------------


@pytest.mark.parametrize(
    ("f", "point"), [(lambda x: x * x, 3e10), (lambda x: x.log(), 1e300), (lambda x: x * 2.0, -1e15)]
)
def test_gradcheck_scales_its_step_with_x_so_large_inputs_work(f, point):
    # A fixed step of 1e-6 is lost past |x| ≈ 2e10 (x + ε == x − ε): ZeroDivisionError before.
    result = gradcheck(f, [point])
    assert result
    assert result.rows[0].rel_error < 1e-6
