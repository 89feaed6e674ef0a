"""Recording modes: no_grad (per thread), enable_grad, scope, and detect_anomaly's messages."""

from __future__ import annotations

import math
import threading

import pytest

from autograd import AnomalyError, Value, detect_anomaly, enable_grad, grad, no_grad, scope
from autograd.engine.value import NOT_RECORDED


def test_no_grad_records_no_graph():
    x = Value(2.0)
    with no_grad():
        y = (x * x).exp()
    assert (y.inputs, y.local_grads, y.op) == ((), (), "")
    assert y._local0 is NOT_RECORDED  # so backward() from y can say why nothing flows
    assert y.data == pytest.approx(math.exp(4.0))
    assert (x * x).inputs == (x, x)  # recording is back after the block


def test_no_grad_is_restored_when_the_block_raises():
    with pytest.raises(RuntimeError), no_grad():
        raise RuntimeError
    assert (Value(1.0) * 2).inputs


def test_enable_grad_records_inside_no_grad():
    with no_grad():
        with enable_grad():
            recorded = Value(1.0) * 2
        not_recorded = Value(1.0) * 2
    assert len(recorded.inputs) == 2
    assert not_recorded.inputs == ()


def test_no_grad_in_one_thread_does_not_stop_another_from_recording():
    inside = threading.Event()
    done = threading.Event()
    seen: dict[str, int] = {}

    def under_no_grad() -> None:
        with no_grad():
            inside.set()
            done.wait(timeout=10)
            seen["no_grad thread"] = len((Value(1.0) * 2).inputs)

    worker = threading.Thread(target=under_no_grad)
    worker.start()
    assert inside.wait(timeout=10)
    seen["main thread"] = len((Value(1.0) * 2).inputs)

    def other() -> None:
        seen["other thread"] = len((Value(1.0) * 2).inputs)

    bystander = threading.Thread(target=other)
    bystander.start()
    bystander.join()
    done.set()
    worker.join()
    assert seen == {"main thread": 2, "other thread": 2, "no_grad thread": 0}


def test_scope_tags_new_values_with_a_path():
    with scope("layer1"):
        with scope("neuron0"):
            inner = Value(1.0) * 2
        outer = Value(1.0)
    assert inner.scope == ("layer1", "neuron0")
    assert inner.inputs[1].scope == ("layer1", "neuron0")
    assert outer.scope == ("layer1",)
    assert Value(0.0).scope == ()


@pytest.mark.parametrize("name", ["", 3, None])
def test_scope_needs_a_non_empty_name(name):
    with pytest.raises(TypeError) as error:
        scope(name)  # type: ignore[arg-type]
    assert str(error.value) == (
        f"scope() got {name!r} of type {type(name).__name__}; a scope name must be a non-empty str."
    )


# --- detect_anomaly ---------------------------------------------------------------


def test_detect_anomaly_names_the_op_and_operands_of_a_non_finite_value():
    with pytest.raises(AnomalyError) as error, detect_anomaly():
        Value(1000.0, label="big").exp()
    assert str(error.value) == "exp() produced inf from operand 'big' = 1000.0."
    assert isinstance(error.value, ArithmeticError)


def test_detect_anomaly_names_both_operands_of_a_binary_op():
    big = Value(1e308, label="a")
    with pytest.raises(AnomalyError) as error, detect_anomaly():
        big * Value(10.0)
    assert str(error.value) == "mul() produced inf from operands 'a' = 1e+308, 'unlabeled' = 10.0."


def test_detect_anomaly_catches_nan_from_inf_minus_inf():
    inf = Value(math.inf, label="inf")
    expected = r"^sub\(\) produced nan from operands 'inf' = inf, 'inf' = inf\.$"
    with pytest.raises(AnomalyError, match=expected), detect_anomaly():
        inf - inf


def test_detect_anomaly_names_the_op_node_and_operands_where_a_gradient_becomes_infinite():
    x = Value(0.0, label="x")
    root = x.sqrt()
    root.label = "r"
    loss = root * 2.0
    with pytest.raises(AnomalyError) as error, detect_anomaly():
        loss.backward()
    assert str(error.value) == (
        "backward through sqrt() at node 'r' made the gradient of 'x' inf "
        "(local derivative inf × upstream 2.0); operands 'x' = 0.0."
    )


def test_detect_anomaly_names_an_unlabeled_node_by_its_op():
    x = Value(0.0, label="x")
    expected = r"^backward through sqrt\(\) at a 'sqrt' node made the gradient of 'x' inf"
    with pytest.raises(AnomalyError, match=expected), detect_anomaly():
        x.sqrt().backward()


def test_without_detect_anomaly_non_finite_numbers_flow_silently():
    x = Value(0.0)
    y = x.sqrt()
    y.backward()
    assert x.grad == math.inf
    assert Value(1000.0).exp().data == math.inf


def test_detect_anomaly_does_not_change_finite_results():
    x = Value(0.5)
    with detect_anomaly():
        y = (x * x).tanh().exp()
        y.backward()
    assert x.grad == pytest.approx(grad((x * x).tanh().exp(), [x])[0], rel=1e-15, abs=0.0)


def test_backward_of_a_value_computed_under_no_grad_raises_with_the_reason():
    x = Value(2.0)
    with no_grad():
        y = x * x
    y.label = "y"
    with pytest.raises(RuntimeError) as error:
        y.backward()
    assert str(error.value) == (
        "backward() got node 'y' computed under no_grad(), which kept none of its inputs; "
        "compute it outside no_grad() (or inside enable_grad()) to differentiate it."
    )
    assert x.grad == 0.0


def test_a_value_computed_under_no_grad_is_still_an_ordinary_input_of_a_later_graph():
    x = Value(2.0)
    with no_grad():
        h = x * x
    w = Value(3.0)
    (h * w).backward()
    assert (h.grad, w.grad, x.grad) == (3.0, 4.0, 0.0)
