"""Backprop at the neuron level: the same recorded steps grouped by boxes, told in the lecture's form."""

from __future__ import annotations

import json
import re
import shutil

import course_graphs
import pytest

import autograd
import nn
from autograd import Value
from autograd.see.render import HIGHLIGHT, format_number
from autograd.see.trace import BackwardStep, BoxStep, Trace

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's `dot` is not installed")


def course_loss(examples: int = 1) -> Value:
    loss = course_graphs.course_mlp(examples)
    loss.zero_grad()
    return loss


def test_one_step_per_neuron_and_one_for_the_loss():
    trace = autograd.trace_backward(course_loss(), collapse="scope")
    assert isinstance(trace, Trace)
    assert trace.collapse == "scope"
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
    assert [s.node for s in flattened] == [s.node for s in trace.node_steps]
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


def test_node_level_and_neuron_level_are_two_groupings_of_the_same_steps():
    by_neuron = autograd.trace_backward(course_loss(), collapse="scope")
    by_node = by_neuron.grouped(None)
    assert by_node.node_steps is by_neuron.node_steps
    assert list(by_node) == list(by_neuron.node_steps)
    assert by_node.grouped("scope").explain(1) == by_neuron.explain(1)


def test_a_neuron_step_narrates_the_lectures_chain_rule_with_the_per_node_numbers():
    trace = autograd.trace_backward(course_loss(), collapse="scope")
    text = trace.explain(1)
    lines = [line for line in text.splitlines() if not line.endswith("no gradient needed.")]
    assert lines[0] == "Step 2 of 5: neuron 1 of layer 2, going back from ∂J/∂ŷ = -9.032."
    assert lines[1].startswith("∂J/∂z₁⁽²⁾ = ∂J/∂ŷ · σ′(z₁⁽²⁾) = ")
    assert lines[2].startswith("∂J/∂b₁⁽²⁾ = ∂J/∂z₁⁽²⁾ = ")
    assert lines[3].startswith("∂J/∂w₁₁⁽²⁾ = ∂J/∂z₁⁽²⁾ · a₁⁽¹⁾ = ")
    assert any(line.startswith("∂J/∂a₂⁽¹⁾ = ∂J/∂z₁⁽²⁾ · w₁₂⁽²⁾ = ") for line in lines)
    # Every number printed is one the per-node trace computed.
    per_node = {
        format_number(x)
        for step in trace.node_steps
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
    highlighted_edges = [line for line in dot.splitlines() if " -> " in line and f'color="{HIGHLIGHT}"' in line]
    assert len(highlighted_edges) == 3  # from the three hidden neurons
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
    assert trace.collapse is None
    assert len(trace) == len(trace.node_steps) == 24


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
            if not line.startswith("∂"):
                continue  # words: data, a neuron that is off
            assert line.rsplit(" ", 1)[1] in contributions, line


# --- tracing is observation; every view shows backward()'s numbers ------------------


def every_grad(loss: Value) -> dict[Value, float]:
    return {node: node.grad for node in autograd.topological_order(loss)}


def test_any_number_of_traces_leave_every_grad_as_one_backward_leaves_it():
    loss = course_loss()
    loss.backward()
    once = every_grad(loss)
    takes = [
        lambda: autograd.trace_backward(loss),
        lambda: autograd.trace_backward(loss, collapse="scope"),
        lambda: autograd.trace_forward(loss),
        lambda: autograd.trace_forward(loss, collapse="scope"),
        lambda: autograd.trace_backward(loss, collapse=1),
        lambda: autograd.trace_backward(loss, collapse="scope").grouped(None).explain(0),
    ]
    for take in takes + takes[::-1]:
        take()
        assert every_grad(loss) == once
    # From zero gradients too: the first trace is the one backward().
    loss.zero_grad()
    autograd.trace_backward(loss, collapse="scope")
    assert every_grad(loss) == once


def test_the_narration_the_frames_and_grad_show_the_same_numbers():
    loss = course_loss()
    by_node = autograd.trace_backward(loss)
    by_neuron = autograd.trace_backward(loss, collapse="scope")
    for trace in (by_node, by_neuron):
        assert trace.look(-1).grads == every_grad(loss)
    weight = next(w for w, name in by_neuron.names.items() if name == "w₁₂⁽²⁾")
    assert f"∂J/∂w₁₂⁽²⁾ = ∂J/∂z₁⁽²⁾ · a₂⁽¹⁾ = -0.8893 × 4.915 = {format_number(weight.grad)}" in by_neuron.explain(1)
    assert f"→ {format_number(weight.grad)})" in by_node.explain(10)


# --- data is not differentiated ------------------------------------------------------

GRADIENT_LINE = re.compile(r"^∂J/∂(\S+|\(.*?\)) \+?= ")


@pytest.mark.parametrize("collapse", [None, "scope", 1])
def test_no_line_differentiates_data_and_data_is_said_once(collapse):
    trace = autograd.trace_backward(course_loss(2), collapse=collapse)
    by_name = {name: node for node, name in trace.names.items()}
    text = "\n".join(trace.explain(i) for i in range(len(trace)))
    differentiated = [m.group(1) for m in map(GRADIENT_LINE.match, text.splitlines()) if m]
    assert differentiated
    for name in differentiated:
        node = by_name[name[1:-1] if name.startswith("(") and name[1:-1] in by_name else name]
        assert node in trace.needs_gradient, name
    assert "∂J/∂1.0" not in text
    assert "∂J/∂x₁" not in text
    assert not any(isinstance(node, autograd.Parameter) for node in trace.order if node not in trace.needs_gradient)
    if collapse is None:
        said = [line for line in text.splitlines() if line.endswith("data: no gradient needed.")]
        assert len([line for line in said if "x₁[1]" in line]) == 1
    else:
        assert text.count("y = 1, y = 0 are data: no gradient needed.") == 1


# --- the loss box: one step, in closed form ------------------------------------------


def test_the_loss_box_takes_one_step_in_the_closed_form_of_binary_cross_entropy():
    loss = course_loss()
    trace = autograd.trace_backward(loss, collapse="scope")
    y_hat = next(node for node, name in trace.names.items() if name == "ŷ")
    assert trace.explain(0).splitlines() == [
        "Step 1 of 5: binary cross-entropy: J = 2.201; going back to what the loss reads.",
        f"∂J/∂ŷ = −y/ŷ + (1−y)/(1−ŷ) = −1/0.1107 ≈ {format_number(y_hat.grad)}",
        "y = 1 is data: no gradient needed.",
    ]
    assert format_number(y_hat.grad) == "-9.032"
    assert trace.explain(0).count("J = ") == 1
    # Expanding the box still shows every internal node.
    by_node = trace.grouped(None)
    assert len(trace[0].node_steps) == 7
    assert "clamp" in "\n".join(by_node.explain(i) for i in range(7))


def closed_form_losses() -> list[tuple[str, Value]]:
    model = nn.MLP(2, [3, 2], seed=1)
    a, b = model([1.0, 2.0]), model([3.0, -1.0])
    scores = nn.MLP(2, [3, 1], seed=2)
    return [
        ("binary cross-entropy", nn.binary_cross_entropy([a[0].sigmoid(), b[0].sigmoid()], [1, 0])),
        ("binary cross-entropy, y = 0.3", nn.binary_cross_entropy([a[1].sigmoid()], [0.3])),
        ("mean squared error", nn.mean_squared_error([a, b], [[1.0, 0.0], [0.5, 2.0]])),
        ("cross-entropy", nn.cross_entropy([a, b], [1, 0])),
        ("hinge", nn.hinge([scores([1.0, 2.0]), scores([-3.0, 2.0]), scores([9.0, 9.0])], [1, -1, 1])),
        ("logits", nn.binary_cross_entropy_with_logits([a[0], b[1]], [1, 0])),
    ]


@pytest.mark.parametrize("case", range(6))
def test_every_closed_form_gives_backwards_gradient(case):
    _, loss = closed_form_losses()[case]
    trace = autograd.trace_backward(loss, collapse="scope")
    gradients = loss.scope[-1].closed_form.gradients()
    lines = trace.explain(0).splitlines()
    assert len(lines) == 1 + len(gradients) + 1  # the loss, one line per output it reads, what is data
    for (output, gradient, _), line in zip(gradients, lines[1:]):
        # The declared rule at full precision is backward()'s gradient...
        assert gradient == pytest.approx(output.grad, rel=1e-9, abs=1e-12), line
        # ...and the line ends with backward()'s own number.
        assert line.startswith(f"∂J/∂{trace.names[output]} = ")
        assert line.endswith(f" {format_number(output.grad)}"), line
    assert lines[-1].endswith("data: no gradient needed.")


# --- a neuron that is off ------------------------------------------------------------


def test_a_dead_relu_is_said_in_words_at_both_levels():
    loss = course_graphs.course_mlp(seed=course_graphs.DEAD_RELU_SEED)
    loss.zero_grad()
    off = "z₁⁽¹⁾ = -4.552 < 0: this neuron is off, no gradient flows back through it."
    by_neuron = autograd.trace_backward(loss, collapse="scope")
    texts = [by_neuron.explain(i) for i in range(len(by_neuron))]
    assert [off in text for text in texts] == [False, False, False, False, True]
    by_node = by_neuron.grouped(None)
    relu_steps = [i for i, step in enumerate(by_node) if step.node.op == "relu"]
    assert [off in by_node.explain(i) for i in relu_steps] == [False, False, True]


# --- shown numbers give the shown result ---------------------------------------------

ARITHMETIC = re.compile(r"[\d.e()+\-*/ ]+")


def checked_equations(text: str) -> tuple[int, int]:
    """Check every ``<arithmetic> = <number>`` (or ``≈``) of ``text`` at the printed digits; (checked, ≈)."""
    checked = approximate = 0
    for line in text.splitlines():
        parts = re.split(r" ([=≈]) ", line.split("   (grad ")[0])
        for expression, sign, result in zip(parts[0::2], parts[1::2], parts[2::2]):
            expression = expression.replace("−", "-").replace("×", "*").replace("·", "*")
            whole = ARITHMETIC.fullmatch(expression) and expression.count("(") == expression.count(")")
            if not whole or not re.fullmatch(r"-?\d[\d.]*(e-?\d+)?", result):
                continue  # words, a function such as σ(…), or part of a bracket
            by_hand = format_number(eval(expression), 4)  # digits, operators and brackets only
            assert (by_hand == result) == (sign == "="), f"{line}: {expression} is {by_hand} by hand"
            checked += 1
            approximate += sign == "≈"
    return checked, approximate


def every_view(loss: Value) -> list[Trace]:
    return [
        autograd.trace_backward(loss),
        autograd.trace_backward(loss, collapse="scope"),
        autograd.trace_forward(loss),
        autograd.trace_forward(loss, collapse="scope"),
    ]


def test_shown_factors_give_the_shown_result_in_every_view_or_it_says_approximately():
    losses = [course_loss(), course_loss(2)] + [loss for _, loss in closed_form_losses()]
    totals = [0, 0]
    for loss in losses:
        for trace in every_view(loss):
            for i in range(len(trace)):
                checked, approximate = checked_equations(trace.explain(i))
                totals[0] += checked
                totals[1] += approximate
    assert totals[0] > 300
    assert totals[1] > 10  # rounding does happen, and it is said
    # The course's loss step: −1/0.1107 is −9.033 by hand, backward's −9.036 at full precision.
    assert checked_equations("∂J/∂ŷ = −y/ŷ + (1−y)/(1−ŷ) = −1/0.1107 ≈ -9.036") == (1, 1)
    with pytest.raises(AssertionError):
        checked_equations("∂J/∂ŷ = −1/0.1107 = -9.036")
