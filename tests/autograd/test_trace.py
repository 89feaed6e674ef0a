"""Stepping through backprop: trace invariants, explanations, frames and tables."""

from __future__ import annotations

import dataclasses
import math
import re
import shutil

import course_graphs
import pytest
from hypothesis import given

import autograd
from autograd import GraphvizNotFound, Value
from autograd.check.testing import expressions
from autograd.see.render import HIGHLIGHT, PALETTE, UNFILLED, render_dot
from autograd.see.trace import Lesson, Trace, trace_backward, trace_forward

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's `dot` is not installed (apt-get install graphviz)"
)


def neuron() -> tuple[Value, dict[str, Value]]:
    w, x, b = Value(-3.0, label="w"), Value(2.0, label="x"), Value(6.88, label="b")
    wx = w * x
    wx.label = "wx"
    n = wx + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"w": w, "x": x, "b": b, "wx": wx, "n": n, "o": o}


def course_network() -> tuple[Value, dict[str, Value]]:
    return course_graphs.course_network()


# --- the backward pass itself --------------------------------------------------


@given(expressions())
def test_trace_backward_leaves_the_same_grads_as_backward(expression):
    leaves = expression.leaves()
    out = expression(*leaves)
    out.backward()
    expected = [node.grad for node in autograd.topological_order(out)]
    for node in autograd.topological_order(out):
        node.grad = 0.0
    trace_backward(out)
    assert [node.grad for node in autograd.topological_order(out)] == expected


def assert_contributions_sum_to_leaf_grads(trace: Trace) -> None:
    received: dict[Value, float] = {}
    for step in trace:
        for c in step.inputs:
            assert c.contribution == c.local_grad * step.upstream
            assert c.grad_after == c.grad_before + c.contribution
            received[c.input] = received.get(c.input, 0.0) + c.contribution
    for leaf in (node for node in autograd.topological_order(trace.root) if not node.inputs):
        assert math.isclose(received.get(leaf, 0.0), leaf.grad, rel_tol=1e-12, abs_tol=1e-12)


def assert_reverse_topological(trace: Trace) -> None:
    position = {step.node: i for i, step in enumerate(trace)}
    assert trace[0].node is trace.root
    assert len(position) == len(trace)  # every node passes gradient on once
    for step in trace:
        for c in step.inputs:
            if c.input.inputs:
                assert position[c.input] > position[step.node]  # a node goes only after all its consumers
    # each node's upstream is final when its turn comes: it equals the grad backward() leaves
    for step in trace:
        assert step.upstream == step.node.grad


@given(expressions())
def test_contributions_into_each_leaf_sum_to_its_final_grad(expression):
    assert_contributions_sum_to_leaf_grads(trace_backward(expression(*expression.leaves())))


@given(expressions())
def test_steps_follow_a_reverse_topological_order(expression):
    assert_reverse_topological(trace_backward(expression(*expression.leaves())))


def test_the_invariant_checks_catch_a_corrupted_trace():
    loss, _ = course_network()
    trace = trace_backward(loss)
    assert_contributions_sum_to_leaf_grads(trace)
    assert_reverse_topological(trace)
    # a contribution that lost its sign, and two steps swapped, must both be caught
    step = trace.steps[-1]
    wrong = dataclasses.replace(step.inputs[0], contribution=-step.inputs[0].contribution)
    corrupted = Trace(
        loss, [*trace.steps[:-1], dataclasses.replace(step, inputs=(wrong, *step.inputs[1:]))], phase="backward"
    )
    with pytest.raises(AssertionError):
        assert_contributions_sum_to_leaf_grads(corrupted)
    swapped = Trace(loss, [trace.steps[1], trace.steps[0], *trace.steps[2:]], phase="backward")
    with pytest.raises(AssertionError):
        assert_reverse_topological(swapped)


def test_tracing_twice_observes_twice_and_accumulates_nothing():
    loss, nodes = course_network()
    trace_backward(loss)
    first = {name: node.grad for name, node in nodes.items()}
    trace_backward(loss)
    assert {name: node.grad for name, node in nodes.items()} == first
    assert first["w1"] != 0.0


def test_x_times_x_records_two_contributions_into_the_same_leaf():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    (step,) = trace_backward(y).steps
    assert [c.position for c in step.inputs] == [0, 1]
    assert [(c.grad_before, c.grad_after) for c in step.inputs] == [(0.0, 3.0), (3.0, 6.0)]


def test_a_leaf_root_has_no_steps():
    x = Value(1.0, label="x")
    trace = trace_backward(x)
    assert len(trace) == 0
    assert x.grad == 1.0
    with pytest.raises(IndexError, match=r"explain\(\) got step 0; this trace has 0 steps \(none: the root is a leaf"):
        trace.explain(0)


def test_trace_rejects_a_non_value():
    with pytest.raises(TypeError, match=r"trace_backward\(\) got 'L' of type str; expected a Value."):
        trace_backward("L")
    with pytest.raises(ValueError, match=r"trace_forward\(\) got precision=0"):
        trace_forward(Value(1.0), precision=0)


def test_trace_backward_under_detect_anomaly_raises_the_same_error_as_backward():
    def sqrt_at_zero() -> Value:
        return Value(0.0, label="x").sqrt()

    with pytest.raises(autograd.AnomalyError) as from_backward, autograd.detect_anomaly():
        sqrt_at_zero().backward()
    with pytest.raises(autograd.AnomalyError) as from_trace, autograd.detect_anomaly():
        trace_backward(sqrt_at_zero())
    assert str(from_trace.value) == str(from_backward.value)
    assert "'x'" in str(from_trace.value)


def test_trace_backward_outside_detect_anomaly_lets_inf_through_like_backward():
    x = Value(0.0, label="x")
    trace_backward(x.sqrt())
    assert x.grad == math.inf


# --- explanations --------------------------------------------------------------


def test_explanations_of_the_neuron_spell_out_the_chain_rule_with_course_numbers():
    o, nodes = neuron()
    trace = trace_backward(o)
    assert [step.node for step in trace] == [nodes["o"], nodes["n"], nodes["wx"]]
    assert trace.explain(0) == (
        "Step 1 of 3: start at the output with ∂o/∂o = 1.0; go back through o = tanh(n).\n"
        "∂o/∂n += ∂o/∂o · ∂tanh(n)/∂n = 1.0 × 0.501 = 0.501   (grad 0.0 → 0.501)"
    )
    assert trace.explain(-1) == (
        "Step 3 of 3: ∂o/∂wx = 0.501 is complete; go back through wx = w × x.\n"
        "∂o/∂w += ∂o/∂wx · ∂(w × x)/∂w = 0.501 × 2.0 = 1.002   (grad 0.0 → 1.002)\n"
        "∂o/∂x += ∂o/∂wx · ∂(w × x)/∂x = 0.501 × (-3.0) = -1.503   (grad 0.0 → -1.503)"
    )


def test_explanations_name_unlabeled_nodes_like_the_drawing_does():
    x = Value(2.0, label="x")
    y = (x * 3).exp()
    trace = trace_backward(y)
    assert trace.explain(0).splitlines()[0] == (
        "Step 1 of 2: start at the output with ∂v3/∂v3 = 1.0; go back through v3 = exp(v2)."
    )
    assert trace.explain(1).splitlines()[1:] == [
        # 3·e⁶ = 1210.29: shown as 1210.3, not rounded onto the whole 1210.0 (nor "=" the shown 403.4 × 3.0)
        "∂v3/∂x += ∂v3/∂v2 · ∂(x × 3.0)/∂x = 403.4 × 3.0 ≈ 1210.3   (grad 0.0 → 1210.3)",
        "3.0 is a number: no gradient needed.",  # a number is not differentiated
    ]
    assert "<I>v2</I>" in autograd.to_dot(y)


def test_sums_of_many_terms_are_shortened_in_explanations():
    xs = [Value(float(i), label=f"x{i}") for i in range(10)]
    trace = trace_forward(autograd.sum(xs))
    assert "Σ(x0, x1, x2, x3, x4, …, x9: 10 terms)" in trace.explain(0)


def test_forward_explanations_show_the_computation_and_the_stored_local_derivatives():
    loss, _ = course_network()
    trace = trace_forward(loss)
    assert len(trace) == 5
    assert trace.explain(0) == (
        "Step 1 of 5: z1 = w1 × x = 0.8 × 1.5 = 1.2\n"
        "kept for the backward pass: ∂(w1 × x)/∂w1 = 1.5, ∂(w1 × x)/∂x = 0.8"
    )
    assert trace.explain(1).startswith("Step 2 of 5: a1 = σ(z1) = σ(1.2) = 0.7685\n")
    assert trace.explain(2).startswith("Step 3 of 5: ŷ = w2 × a1 = (-1.2) × 0.7685 = -0.9222\n")
    assert trace.explain(4).startswith("Step 5 of 5: J = v7 ^ 2 = (-1.122) ^ 2 = 1.259\n")


def test_explain_rejects_a_step_out_of_range_or_not_an_int():
    loss, _ = course_network()
    trace = trace_backward(loss)
    with pytest.raises(IndexError, match=r"explain\(\) got step 5; this trace has 5 steps \(0 to 4\)."):
        trace.explain(5)
    with pytest.raises(TypeError, match=r"explain\(\) got step '1' of type str; expected an int."):
        trace.explain("1")
    assert trace.explain(-5) == trace.explain(0)


# --- frames --------------------------------------------------------------------


def statement(dot: str, node_id: str) -> str:
    return next(line for line in dot.splitlines() if line.strip().startswith(f"{node_id} ["))


def test_a_backward_frame_shows_grads_as_of_that_step():
    loss, nodes = course_network()
    trace = trace_backward(loss)
    order = autograd.topological_order(loss)
    ids = {name: f"v{order.index(node)}" for name, node in nodes.items()}
    dot = trace.frame_dot(0)
    assert ">1.0<" in statement(dot, ids["J"])
    assert ">0.0<" in statement(dot, ids["z1"])  # not reached yet
    last = trace.frame_dot(-1)
    assert f">{nodes['w1'].grad:.4g}<" in statement(last, ids["w1"])


def test_a_backward_frame_highlights_the_node_and_the_edges_of_its_step():
    loss, nodes = course_network()
    trace = trace_backward(loss)
    order = autograd.topological_order(loss)
    a1 = f"v{order.index(nodes['a1'])}"
    z1 = f"v{order.index(nodes['z1'])}"
    dot = trace.frame_dot(3)
    assert trace[3].node is nodes["a1"]
    assert f'COLOR="{HIGHLIGHT}"' in statement(dot, a1)
    assert f'{z1} -> {a1}_op [label="0.1779"' in dot
    used = next(line for line in dot.splitlines() if f"{z1} -> {a1}_op" in line)
    assert "penwidth=2.5" in used
    others = [line for line in dot.splitlines() if "->" in line and f"{a1}_op" not in line]
    assert all("penwidth" not in line for line in others)
    assert all(HIGHLIGHT not in statement(dot, f"v{k}") for k in range(len(order)) if order[k] is not nodes["a1"])


def test_nodes_whose_grad_is_final_are_filled_in_and_the_rest_are_not():
    loss, nodes = course_network()
    trace = trace_backward(loss)
    order = autograd.topological_order(loss)

    def filled(dot: str, name: str) -> bool:
        return f'BGCOLOR="{UNFILLED}"' not in statement(dot, f"v{order.index(nodes[name])}")

    first = trace.frame_dot(0)
    assert filled(first, "J")
    assert not filled(first, "w1")
    assert not filled(first, "a1")
    after_a1 = trace.frame_dot(3)
    assert filled(after_a1, "z1")  # its only consumer, a1, has passed its gradient back
    assert filled(after_a1, "w2")
    assert not filled(after_a1, "w1")
    assert all(filled(trace.frame_dot(-1), name) for name in nodes)


@needs_dot
def test_frames_keep_every_box_in_place_so_the_picture_does_not_jump():
    loss, _ = course_network()
    trace = trace_backward(loss)
    layouts = set()
    for i in range(len(trace)):
        plain = render_dot(trace.frame_dot(i, caption=False), "plain").decode()
        layouts.add(tuple(tuple(line.split()[:6]) for line in plain.splitlines() if line.startswith("node ")))
    assert len(layouts) == 1


def test_frame_caption_is_the_explanation():
    loss, _ = course_network()
    trace = trace_backward(loss)
    assert "Step 4 of 5: ∂J/∂a1 = 2.693 is complete" in trace.frame_dot(3)  # frame(3) is step 4, as explain(3)
    assert "∂J/∂z1 += ∂J/∂a1 · ∂σ(z1)/∂z1 = 2.693 × 0.1779 = 0.4791" in trace.frame_dot(3)
    assert "∂J/∂z1 +=" not in trace.frame_dot(3, caption=False)


def test_a_forward_frame_hides_values_not_computed_yet_and_shows_no_grads():
    loss, nodes = course_network()
    trace = trace_forward(loss)
    order = autograd.topological_order(loss)
    dot = trace.frame_dot(1)
    assert ">0.7685<" in statement(dot, f"v{order.index(nodes['a1'])}")
    assert ">?<" in statement(dot, f"v{order.index(nodes['ŷ'])}")
    assert ">x = 1.5<" in statement(dot, f"v{order.index(nodes['x'])}")  # leaves are known from the start
    assert "grad</FONT>" not in dot
    # the local derivatives of later steps are not known yet either
    edge_into_loss = next(line for line in dot.splitlines() if f"-> v{order.index(loss)}_op" in line)
    assert 'fontcolor="transparent"' in edge_into_loss
    assert "not computed yet" in edge_into_loss
    assert f'BGCOLOR="{PALETTE["parameter"][1]}"' in statement(dot, f"v{order.index(nodes['w2'])}")


@needs_dot
def test_frame_returns_a_digraph():
    graphviz = pytest.importorskip("graphviz")
    loss, _ = course_network()
    trace = trace_backward(loss)
    frame = trace.frame(2)
    assert isinstance(frame, graphviz.Digraph)
    assert frame.source == trace.frame_dot(2)


# --- tables and lessons --------------------------------------------------------


def test_table_is_aligned_text_in_a_terminal_and_html_in_jupyter():
    o, _ = neuron()
    table = trace_backward(o).table()
    lines = str(table).splitlines()
    assert lines[0] == "backward pass"
    assert lines[1].split() == [
        "step",
        "node",
        "upstream",
        "input",
        "local",
        "∂",
        "contribution",
        "grad",
        "before",
        "grad",
        "after",
    ]
    assert lines[3].split() == ["1", "o", "1.0", "n", "0.501", "0.501", "0.0", "0.501"]
    assert lines[6].split() == ["3", "wx", "0.501", "w", "2.0", "1.002", "0.0", "1.002"]
    assert lines[7].split() == ["x", "-3.0", "-1.503", "0.0", "-1.503"]
    columns = [line.index("0.501") for line in lines[3:5]]
    assert columns[0] == columns[1] or "contribution" in lines[1]
    assert repr(table) == str(table)
    html = table._repr_html_()
    assert html.count("<tr>") == 1 + 5  # header, then one row per contribution
    assert "<th>local ∂</th>" in html
    o.zero_grad()
    assert trace_backward(o)._repr_html_() == html


def test_table_html_escapes_labels():
    x = Value(1.0, label="<script>")
    assert "&lt;script&gt;" in trace_forward(x * 2).table()._repr_html_()
    assert "<script>" not in trace_forward(x * 2).table()._repr_html_()


def test_forward_plus_backward_makes_a_lesson_that_plays_both():
    loss, _ = course_network()
    lesson = trace_forward(loss) + trace_backward(loss)
    assert isinstance(lesson, Lesson)
    assert len(lesson) == 10
    # One numbering through the lesson, the same in explain, frame captions and the page.
    assert lesson.explain(0).startswith("Step 1 of 10 (forward pass): z1 = w1 × x")
    assert lesson.explain(5).startswith("Step 6 of 10 (backward pass): start at the output")
    assert lesson.phases == ("forward",) * 5 + ("backward",) * 5
    assert lesson[5] is lesson.parts[1][0]
    assert lesson.frame_dot(5, caption=False) == lesson.parts[1].frame_dot(0, caption=False)
    assert "Step 6 of 10 (backward pass): start at the output" in lesson.frame_dot(5)
    assert [title for title, _, _ in lesson.table().sections] == ["forward pass", "backward pass"]
    assert repr(lesson) == "<Lesson of 10 steps: forward + backward>"
    assert len(lesson + trace_forward(loss)) == 15
    with pytest.raises(IndexError, match=r"frame_dot\(\) got step 10; this lesson has 10 steps"):
        lesson.frame_dot(10)


def test_traces_are_sequences_of_steps():
    loss, _ = course_network()
    backward, forward = trace_backward(loss), trace_forward(loss)
    assert (backward.phase, forward.phase) == ("backward", "forward")
    assert list(backward) == list(backward.steps) == list(backward.node_steps)
    assert backward[-1] is backward.steps[4]
    assert repr(backward) == "<Trace of 5 backward steps from 'J'>"


def test_frame_without_dot_says_how_to_install_graphviz(tmp_path, monkeypatch):
    pytest.importorskip("graphviz")
    monkeypatch.setenv("PATH", str(tmp_path))
    loss, _ = course_network()
    with pytest.raises(
        GraphvizNotFound, match=r"(?s)frame\(\) needs Graphviz's `dot` program.*apt-get install graphviz"
    ):
        trace_backward(loss).frame(0)
    assert trace_backward(loss).frame_dot(0).startswith("digraph")


# --- narration a student can check by hand -----------------------------------------------------


def squared_error_with_a_compound_label() -> tuple[Value, Value]:
    y_hat, y = Value(0.7, label="ŷ"), Value(1.0, label="y")
    error = y_hat - y
    error.label = "ŷ − y"
    loss = error**2
    loss.label = "J"
    return loss, error


def test_compound_labels_are_bracketed_in_formulas_and_derivatives():
    loss, _ = squared_error_with_a_compound_label()
    forward = trace_forward(loss).explain(1)
    assert forward.startswith("Step 2 of 2: J = (ŷ − y) ^ 2 = (-0.3) ^ 2 = 0.09\n")
    assert "ŷ − y ^ 2" not in forward
    backward = trace_backward(loss).explain(0)
    assert "∂J/∂(ŷ − y) += ∂J/∂J · ∂((ŷ − y) ^ 2)/∂(ŷ − y) = 1.0 × (-0.6) = -0.6" in backward
    assert "∂J/∂ŷ − y" not in backward


def test_the_local_derivative_never_reads_like_the_accumulated_gradient():
    for loss in (course_network()[0], neuron()[0], squared_error_with_a_compound_label()[0]):
        trace = trace_backward(loss)
        out = trace.names[loss]
        for i in range(len(trace)):
            for line in trace.explain(i).splitlines()[1:]:
                if line.endswith("no gradient needed."):
                    continue
                # ∂J/∂x += ∂J/∂node · ∂(operation)/∂x: only the gradients are written ∂J/∂….
                gradient, product = line.split(" += ")
                upstream, local = product.split(" = ")[0].split(" · ")
                assert gradient.startswith(f"∂{out}/∂")
                assert upstream.startswith(f"∂{out}/∂")
                assert not local.startswith(f"∂{out}/"), line
        assert "∂J/∂J · ∂J/∂" not in trace.explain(0)


PRODUCT = re.compile(r"= (\S+) × \(?(\S+?)\)? ([=≈]) (\S+)")


def check_products(text: str) -> int:
    """Every printed product multiplies out by hand at the printed precision, or says ≈; returns how many."""
    count = 0
    for a, b, sign, result in PRODUCT.findall(text):
        by_hand = autograd.see.render.format_number(float(a) * float(b), 4)
        assert (by_hand == result) == (sign == "="), f"{a} × {b} {sign} {result} (by hand {by_hand})"
        count += 1
    return count


def test_every_printed_product_multiplies_out_or_says_approximately():
    import nn

    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=37)
    loss = nn.binary_cross_entropy([model([4.0, 5.0])], [1.0])
    traces = [trace_backward(loss), trace_backward(course_network()[0]), trace_backward(neuron()[0])]
    traces.append(trace_backward(loss, collapse="scope"))
    texts = [trace.explain(i) for trace in traces for i in range(len(trace))]
    assert sum(check_products(text) for text in texts) > 50
    assert any(" ≈ " in text for text in texts)  # rounding does happen, and it is said
    # The example: shown as -404.4 × 0.002467, which is -0.9977 by hand, the exact product is -0.9975.
    u, k = Value(1.0, label="u"), Value(0.0024668, label="k")
    m = u * k
    m.label = "m"
    trace = trace_backward(m * -404.37)
    assert "∂v4/∂u += ∂v4/∂m · ∂(u × k)/∂u = -404.4 × 0.002467 ≈ -0.9975" in trace.explain(1)
    assert check_products(trace.explain(1)) == 2


@given(expressions())
def test_products_check_by_hand_in_random_graphs(expression):
    trace = trace_backward(expression(*expression.leaves()))
    for i in range(len(trace)):
        check_products(trace.explain(i))


def test_one_numbering_for_explain_frame_captions_and_lessons():
    loss, _ = course_network()
    trace = trace_backward(loss)
    for i in range(len(trace)):
        assert trace.explain(i).startswith(f"Step {i + 1} of {len(trace)}: ")
        assert trace.counter(i) == f"Step {i + 1} of {len(trace)}"
        assert f"Step {i + 1} of {len(trace)}: " in trace.frame_dot(i)  # frame(i)'s caption
    lesson = trace_forward(loss) + trace
    assert [lesson.counter(i) for i in (0, 4, 5, 9)] == [
        "Step 1 of 10 (forward pass)",
        "Step 5 of 10 (forward pass)",
        "Step 6 of 10 (backward pass)",
        "Step 10 of 10 (backward pass)",
    ]
    assert lesson.describe(5) == trace.describe(0)
    assert lesson.explain(-1) == lesson.explain(9)
    with pytest.raises(IndexError, match=r"explain\(\) got step 10; this lesson has 10 steps \(0 to 9\)"):
        lesson.explain(10)


def test_a_lesson_is_built_from_traces_only():
    with pytest.raises(TypeError, match=r"Lesson got 3 of type int; expected traces from autograd.trace_forward"):
        Lesson([trace_backward(neuron()[0]), 3])


def test_a_lesson_plays_each_pass_drawn_as_it_was_traced():
    import nn

    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=37)
    loss = nn.binary_cross_entropy([model([4.0, 5.0])], [1.0])
    forward = trace_forward(loss)
    lesson = forward + trace_backward(loss, collapse="scope")
    n = len(forward)
    assert len(lesson) == n + 5
    assert lesson.explain(n + 1).startswith(f"Step {n + 2} of {n + 5} (backward pass): neuron 1 of layer 2")
    assert lesson.phase_of(n) == "backward"
    assert re.search(r"\ts0 \[", lesson.frame_dot(n, caption=False))  # drawn by boxes, as the pass was traced
    assert not re.search(r"\ts0 \[", lesson.frame_dot(0, caption=False))  # the per-node forward pass: no boxes
    assert lesson.table().sections[1][0] == "backward pass by boxes"


# --- a graph too large to draw is refused before any step is narrated or drawn ---------


def test_to_html_refuses_a_10000_node_graph_before_narrating_or_drawing_any_step(tmp_path, monkeypatch):
    weights = [autograd.Parameter(0.001 * i, label=f"w{i}") for i in range(5000)]
    x = Value(1.0, label="x")
    big = autograd.sum([w * x for w in weights])
    trace = trace_backward(big)
    assert len(trace.order) > 10_000
    calls: list[str] = []
    for method in ("describe", "look", "explain"):
        original = getattr(Trace, method)
        monkeypatch.setattr(Trace, method, lambda self, i, _m=method, _f=original: calls.append(_m) or _f(self, i))
    for play in (
        lambda: trace.to_html(tmp_path / "big.html"),
        lambda: (trace_forward(big) + trace).to_html(tmp_path / "big.html"),
        lambda: trace.player(),
    ):
        with pytest.raises(autograd.GraphTooLargeError, match=r"got a graph of 10002 nodes, more than max_nodes=500"):
            play()
    assert calls == []
    assert not (tmp_path / "big.html").exists()
    # Still refused with boxes, when there are more boxes than max_nodes.
    with autograd.scope("layer"):
        scoped = autograd.sum([w * x for w in weights[:20]])
    with pytest.raises(autograd.GraphTooLargeError, match=r"boxes and nodes even with collapse='scope'"):
        trace_backward(scoped, collapse="scope").to_html(tmp_path / "big.html", max_nodes=1)
    assert calls == []
