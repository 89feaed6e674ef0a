"""micrograd's names on Value (`_prev`, `_op`, `_backward()`): the lecture's code reads them unchanged."""

from __future__ import annotations

import random

import pytest

from autograd import MisspelledAttributeError, Value


def lecture_neuron() -> tuple[Value, dict[str, Value]]:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    o = n.tanh()
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "x1w1": x1w1, "x2w2": x2w2, "n": n}


def lecture_topological_order(root: Value) -> list[Value]:
    # The lecture's build_topo, verbatim apart from names: it reads only _prev.
    topo: list[Value] = []
    visited: set[Value] = set()

    def build_topo(v: Value) -> None:
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)

    build_topo(root)
    return topo


def test_prev_is_the_set_of_inputs_and_empty_for_a_leaf():
    a, b = Value(2.0), Value(3.0)
    assert (a * b)._prev == {a, b}
    assert (a + a)._prev == {a}  # a set, as micrograd's: the duplicate edge collapses
    assert isinstance((a + a)._prev, set)
    assert a._prev == set()


@pytest.mark.parametrize(
    ("make", "symbol"),
    [
        (lambda a, b: a + b, "+"),
        (lambda a, b: a * b, "*"),
        (lambda a, b: a - b, "-"),
        (lambda a, b: a / b, "/"),
        (lambda a, b: a**2, "**"),
        (lambda a, b: a.tanh(), "tanh"),
        (lambda a, b: a.exp(), "exp"),
        (lambda a, b: a.relu(), "relu"),
        (lambda a, b: a, ""),
    ],
)
def test_op_is_the_symbol_of_the_operation(make, symbol):
    node = make(Value(0.5), Value(2.0))
    assert node._op == symbol == node.op


def test_backward_step_adds_local_derivative_times_grad_to_each_input():
    x, w = Value(2.0), Value(-3.0)
    y = x * w
    y.grad = 2.0
    x.grad = 1.0  # accumulates, as micrograd's closure does
    y._backward()
    assert (x.grad, w.grad) == (1.0 + -3.0 * 2.0, 2.0 * 2.0)


def test_backward_step_counts_both_edges_of_a_repeated_input():
    a = Value(3.0)
    b = a + a
    b.grad = 1.0
    b._backward()
    assert a.grad == 2.0  # the lecture's a + a bug, fixed the same way micrograd fixed it


def test_backward_step_of_a_leaf_does_nothing():
    a = Value(3.0)
    a.grad = 5.0
    a._backward()
    assert a.grad == 5.0


def test_the_lectures_manual_backprop_gives_what_backward_gives():
    o, named = lecture_neuron()
    o.grad = 1.0
    for node in reversed(lecture_topological_order(o)):
        node._backward()
    by_hand = {name: node.grad for name, node in named.items()}
    o2, named2 = lecture_neuron()
    o2.backward()
    assert by_hand == pytest.approx({name: node.grad for name, node in named2.items()}, rel=1e-15, abs=0.0)
    assert by_hand["x1"] == pytest.approx(-1.5)
    assert by_hand["w1"] == pytest.approx(1.0)


def test_manual_steps_agree_with_backward_on_random_graphs():
    rng = random.Random(0)
    for _ in range(50):
        leaves = [Value(rng.uniform(-2, 2)) for _ in range(3)]
        nodes = list(leaves)
        for _ in range(8):
            a, b = rng.choice(nodes), rng.choice(nodes)
            nodes.append(rng.choice([a + b, a * b, (a * b).tanh(), a - b]))
        root = nodes[-1]
        root.grad = 1.0
        for node in reversed(lecture_topological_order(root)):
            node._backward()
        by_hand = [x.grad for x in leaves]
        for x in leaves:
            x.grad = 0.0
        root.backward()
        assert by_hand == pytest.approx([x.grad for x in leaves], rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name", ["_prev", "_op", "_backward"])
def test_micrograd_names_are_read_only_so_a_closure_is_never_silently_ignored(name):
    with pytest.raises(AttributeError):
        setattr(Value(1.0) * 2, name, lambda: None)


def test_code_can_attach_its_own_attributes_to_nodes():
    v = Value(1.0) * 2
    v._vis_color = "red"  # type: ignore[attr-defined]  # EurekaLabsAI/micrograd's visualiser does this
    assert v._vis_color == "red"  # type: ignore[attr-defined]
    assert (v.label, Value(1.0).__dict__) == ("", {})


def test_an_optimizer_that_keeps_its_moments_on_the_parameters_trains_unchanged():
    # The pattern of micrograd-style scripts: Adam's moments as p.m and p.v.
    w = Value(0.0, label="w")
    for p in [w]:
        p.m, p.v = 0.0, 0.0  # type: ignore[attr-defined]
    for t in range(1, 201):
        loss = (w - 3.0) ** 2
        w.grad = 0.0
        loss.backward()
        for p in [w]:
            p.m = 0.9 * p.m + 0.1 * p.grad  # type: ignore[attr-defined]
            p.v = 0.999 * p.v + 0.001 * p.grad**2  # type: ignore[attr-defined]
            m_hat, v_hat = p.m / (1 - 0.9**t), p.v / (1 - 0.999**t)  # type: ignore[attr-defined]
            p.data -= 0.1 * m_hat / (v_hat**0.5 + 1e-8)
    assert abs(w.data - 3.0) < 0.05


@pytest.mark.parametrize(
    ("typo", "meant"), [("gard", "grad"), ("grd", "grad"), ("dta", "data"), ("lable", "label"), ("datas", "data")]
)
def test_a_near_miss_of_a_field_name_still_raises_and_names_the_field(typo, meant):
    v = Value(1.0)
    with pytest.raises(MisspelledAttributeError) as caught:
        setattr(v, typo, 0.0)
    assert str(caught.value) == (
        f"Value got attribute {typo!r}, one slip away from its field {meant!r}; did you mean {meant}? "
        f"(Attach your own data under a name that is not a near miss, e.g. {'_' + typo!r}.)"
    )
    assert isinstance(caught.value, AttributeError)
    assert not hasattr(v, typo)
    assert typo not in dir(v)
    assert meant in dir(v)
