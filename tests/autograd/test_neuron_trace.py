"""Backprop at the neuron level: one step per box, the lecture's form, the per-node trace's numbers."""

from __future__ import annotations

import json
import re
import shutil

import course_graphs
import pytest

import autograd
import nn
from autograd import Value
from autograd.see.neuron_trace import BoxStep, NeuronTrace
from autograd.see.render import HIGHLIGHT, format_number
from autograd.see.trace import BackwardStep

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's `dot` is not installed")


def course_loss(examples: int = 1) -> Value:
    loss = course_graphs.course_mlp(examples)
    loss.zero_grad()
    return loss


def test_one_step_per_neuron_and_one_for_the_loss():
    trace = autograd.trace_backward(course_loss(), collapse="scope")
    assert isinstance(trace, NeuronTrace)
    assert [step.title for step in trace] == [
        "binary cross-entropy",
        "neuron 1 of layer 2",
        "neuron 3 of layer 1",
        "neuron 2 of layer 1",
        "neuron 1 of layer 1",
    ]
    forward = autograd.trace_forward(course_loss(), collapse="scope")
    assert forward[0].title == "neuron 1 of layer 1"
    assert forward[-1].title == "binary cross-entropy"
    assert [step.title for step in autograd.trace_backward(course_loss(), collapse=1)] == [
        "binary cross-entropy",
        "layer 2",
        "layer 1",
    ]


@pytest.mark.parametrize("collapse", ["scope", 1])
@pytest.mark.parametrize("examples", [1, 2])
def test_box_steps_are_the_per_node_steps_in_order_each_once(collapse, examples):
    trace = autograd.trace_backward(course_loss(examples), collapse=collapse)
    per_node = autograd.trace_backward(course_loss(examples))
    flattened = [node_step for step in trace for node_step in step.node_steps]
    assert [s.node for s in flattened] == [s.node for s in trace.node_trace.steps]
    assert len(flattened) == len(per_node)
    # The same numbers as a per-node trace of the same graph, contribution by contribution.
    assert [(c.contribution, c.grad_after) for s in flattened for c in s.inputs] == [
        (c.contribution, c.grad_after) for s in per_node for c in s.inputs
    ]


def test_the_gradients_left_behind_are_those_of_backward():
    loss = course_loss()
    autograd.trace_backward(loss, collapse="scope")
    traced = {node: node.grad for node in autograd.engine.graph.topological_order(loss)}
    loss.zero_grad()
    loss.backward()
    assert traced == {node: node.grad for node in autograd.engine.graph.topological_order(loss)}


def numbers_of(line: str) -> list[str]:
    return re.findall(r"-?\d+\.\d+(?:e-?\d+)?", line.split(" = ", 1)[1]) if " = " in line else []


def test_a_neuron_step_narrates_the_lectures_chain_rule_with_the_per_node_numbers():
    trace = autograd.trace_backward(course_loss(), collapse="scope")
    text = trace.explain(1)
    lines = text.splitlines()
    assert lines[0] == "Step 2 of 5: neuron 1 of layer 2, going back from ∂J/∂ŷ = -9.032."
    assert lines[1].startswith("∂J/∂z₁⁽²⁾ = ∂J/∂ŷ · σ′(z₁⁽²⁾) = ")
    assert lines[2].startswith("∂J/∂b₁⁽²⁾ = ∂J/∂z₁⁽²⁾ = ")
    assert lines[3].startswith("∂J/∂w₁₁⁽²⁾ = ∂J/∂z₁⁽²⁾ · a₁⁽¹⁾ = ")
    assert any(line.startswith("∂J/∂a₂⁽¹⁾ = ∂J/∂z₁⁽²⁾ · w₁₂⁽²⁾ = ") for line in lines)
    # Every number printed is one the per-node trace computed.
    per_node = {
        format_number(x)
        for step in trace.node_trace
        for x in (step.upstream, *(n for c in step.inputs for n in (c.local_grad, c.contribution)))
    }
    for line in lines[1:]:
        assert set(numbers_of(line)) <= per_node, line
    # ∂J/∂z = ∂J/∂a · σ′(z): the activation's own per-node step.
    activation = next(s for s in trace[1].node_steps if isinstance(s, BackwardStep) and s.node.op == "sigmoid")
    c = activation.inputs[0]
    assert lines[1].endswith(
        f"= {format_number(activation.upstream)} × {format_number(c.local_grad)} = {format_number(c.contribution)}"
    )


def test_each_weights_gradient_is_dj_dz_times_its_input():
    trace = autograd.trace_backward(course_loss(), collapse="scope")
    for step in trace:
        for line in trace.explain(trace.steps.index(step)).splitlines():
            match = re.match(r"∂J/∂w\S+ = ∂J/∂z\S+ · (\S+) = (\S+) × (\S+) (=|≈) (\S+)$", line)
            if match:
                _, dj_dz, x, sign, product = match.groups()
                # The printed factors multiply to the printed product, or the line says ≈.
                assert (format_number(float(dj_dz) * float(x)) == product) == (sign == "=")


def test_a_second_example_accumulates_into_the_shared_weights():
    trace = autograd.trace_backward(course_loss(2), collapse="scope")
    texts = "\n".join(trace.explain(i) for i in range(len(trace)))
    assert re.search(r"∂J/∂w₁₁⁽¹⁾ \+= ∂J/∂z₁⁽¹⁾\[\d\] · x₁\[\d\]", texts)


def test_forward_steps_write_out_z_and_a():
    trace = autograd.trace_forward(course_loss(), collapse="scope")
    first = trace.explain(0).splitlines()
    assert first[0] == "Step 1 of 5: neuron 1 of layer 1."
    assert first[1].startswith("z₁⁽¹⁾ = w₁₁⁽¹⁾·x₁ + w₁₂⁽¹⁾·x₂ + b₁⁽¹⁾ = ")
    assert first[2] == "a₁⁽¹⁾ = relu(z₁⁽¹⁾) = relu(2.72) = 2.72"


def test_a_frame_highlights_the_whole_box_and_the_edges_into_it():
    trace = autograd.trace_backward(course_loss(), collapse="scope")
    dot = trace.frame_dot(1, caption=False)
    boxes = [line for line in dot.splitlines() if re.match(r"\s*s\d+ \[", line)]
    highlighted = [line for line in boxes if f'COLOR="{HIGHLIGHT}" BGCOLOR' in line]
    assert len(highlighted) == 1
    assert 'tooltip="layers.1/neurons.0"' in highlighted[0]
    assert "▶ z₁⁽²⁾" in highlighted[0]
    assert dot.count(f'[color="{HIGHLIGHT}", penwidth=2.5]') == 3  # from the three hidden neurons
    assert trace.look(1).current == trace[1].nodes
    by_layer = trace.frame_dot(1, caption=False, collapse=1)
    assert by_layer.count("tooltip=\"layers.") == 2


def test_bad_collapse_is_rejected_naming_the_tracer_before_any_gradient_changes():
    loss = course_graphs.course_mlp()
    grads = [node.grad for node in autograd.engine.graph.topological_order(loss)]
    with pytest.raises(ValueError, match=r"^trace_backward\(\) got collapse='neurons'; expected None, \"scope\""):
        autograd.trace_backward(loss, collapse="neurons")  # type: ignore[call-overload]
    assert [node.grad for node in autograd.engine.graph.topological_order(loss)] == grads
    with pytest.raises(ValueError, match=r"^trace_forward\(\) got collapse=0;"):
        autograd.trace_forward(course_loss(), collapse=0)
    with pytest.raises(IndexError, match=r"explain\(\) got step 5; this trace has 5 steps \(0 to 4\)"):
        autograd.trace_backward(course_loss(), collapse="scope").explain(5)


def test_without_collapse_the_trace_is_the_per_node_one():
    trace = autograd.trace_backward(course_loss())
    assert type(trace).__name__ == "BackwardTrace"
    assert len(trace) == 24


def test_a_graph_without_scopes_gives_one_step_per_node():
    x = Value(2.0, label="x")
    trace = autograd.trace_backward((x * 3).tanh(), collapse="scope")
    assert len(trace) == 2
    assert isinstance(trace[0], BoxStep)
    assert trace[0].title == "v3"


@needs_dot
def test_the_player_and_the_page_play_a_neuron_level_lesson(tmp_path):
    loss = course_loss()
    lesson = autograd.trace_forward(loss, collapse="scope") + autograd.trace_backward(loss, collapse="scope")
    assert len(lesson) == 10
    assert lesson.explain(5).startswith("Step 6 of 10 (backward pass): binary cross-entropy")
    page = lesson.to_html(tmp_path / "neurons.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert len(data["explanations"]) == 10
    assert "neuron 1 of layer 2" in page


def test_a_2_16_16_1_network_trains_by_33_neuron_steps_plus_the_loss():
    model = nn.MLP(2, [16, 16, 1], output_activation="sigmoid", seed=0)
    loss = nn.binary_cross_entropy([model([4.0, 5.0])], [1])
    trace = autograd.trace_backward(loss, collapse="scope")
    assert len(trace) == 16 + 16 + 1 + 1
    assert trace.frame_dot(5, caption=False).count("s") > 0


def test_every_narrated_result_is_a_contribution_of_that_step_not_a_running_total():
    trace = autograd.trace_backward(course_loss(2), collapse="scope")
    for i, step in enumerate(trace):
        contributions = {format_number(c.contribution) for s in step.node_steps for c in s.inputs}  # type: ignore[union-attr]
        for line in trace.explain(i).splitlines()[1:]:
            assert line.rsplit(" ", 1)[1] in contributions, line
