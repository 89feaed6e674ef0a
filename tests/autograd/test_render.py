"""Drawing graphs: DOT structure, golden files, escaping, styling, scopes, collapse and saving."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import course_graphs
import pytest
from alive import alive, mark

import autograd
from autograd import AutogradError, GraphTooLargeError, GraphvizNotFound, GraphvizTimeout, Parameter, Value, scope
from autograd.see import render as render_module
from autograd.see.picture import SMALL_POINTS
from autograd.see.render import HIGHLIGHT, PALETTE, draw, save, to_dot

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("GLASSGRAD_UPDATE_GOLDEN") == "1"
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's `dot` is not installed (apt-get install graphviz)"
)


# --- graphs used below ---------------------------------------------------------


def neuron() -> Value:
    """The course neuron tanh(w·x + b) at w = -3, x = 2, b = 6.88, after backward."""
    w, x, b = Value(-3.0, label="w"), Value(2.0, label="x"), Value(6.88, label="b")
    n = w * x + b
    n.label = "n"
    out = n.tanh()
    out.label = "o"
    out.backward()
    return out


def course_network() -> Value:
    """x → w1 → z1 → σ → w2 → ŷ → J = (ŷ − y)², with trainable weights as Parameters."""
    loss, _ = course_graphs.course_network()
    loss.backward()
    return loss


def square() -> Value:
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    y.backward()
    return y


def tiny_mlp() -> Value:
    """Two layers of hand-made scoped neurons; weights created outside the scopes, like nn does."""
    xs = [Value(1.0, label="x0"), Value(-2.0, label="x1")]
    weights = [[Parameter(0.1 * (i + j + 1), label=f"w{i}{j}") for j in range(2)] for i in range(3)]
    hidden = []
    with scope("layer0"):
        for i in range(2):
            with scope(f"neuron{i}"):
                hidden.append(autograd.sum([w * x for w, x in zip(weights[i], xs)]).tanh())
    with scope("layer1"), scope("neuron0"):
        out = autograd.sum([w * h for w, h in zip(weights[2], hidden)])
    loss = (out - 1.0) ** 2
    loss.label = "loss"
    loss.backward()
    return loss


def node_statements(dot: str) -> dict[str, str]:
    """Node id -> its full statement, for nodes (not edges or attributes)."""
    found = {}
    for line in dot.splitlines():
        match = re.match(r"\s*(v\d+(?:_op)?|s\d+) \[", line)
        if match:
            found[match.group(1)] = line
    return found


def edges(dot: str) -> list[tuple[str, str]]:
    return re.findall(r"^\s*(\w+) -> (\w+)", dot, flags=re.MULTILINE)


def svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return [element.text or "" for element in root.iter("{http://www.w3.org/2000/svg}text")]


# --- structure -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "options"),
    [
        ("neuron", neuron, {}),
        ("square", square, {}),
        ("course_network", course_network, {}),
        ("course_network_no_grad_tb", course_network, {"show_grad": False, "rankdir": "TB", "precision": 3}),
        ("tiny_mlp_clusters", tiny_mlp, {}),
        ("tiny_mlp_collapsed", tiny_mlp, {"collapse": "scope"}),
        ("course_mlp", course_graphs.course_mlp, {}),
        ("course_mlp_layers", course_graphs.course_mlp, {"collapse": 1}),
        ("course_mlp_neurons", course_graphs.course_mlp, {"collapse": "scope"}),
    ],
)
def test_dot_matches_golden_file(name, build, options):
    dot = to_dot(build(), **options)
    golden = GOLDEN / f"{name}.dot"
    if UPDATE:
        golden.write_text(dot, encoding="utf-8")
    assert dot == golden.read_text(encoding="utf-8"), f"regenerate with GLASSGRAD_UPDATE_GOLDEN=1 if intended ({name})"


def test_same_graph_built_twice_gives_byte_identical_dot():
    assert to_dot(course_network()) == to_dot(course_network())
    assert to_dot(tiny_mlp(), collapse="scope") == to_dot(tiny_mlp(), collapse="scope")


def test_operations_are_small_separate_nodes_with_their_display_symbol():
    nodes = node_statements(to_dot(course_network()))
    ops = {key: line for key, line in nodes.items() if key.endswith("_op")}
    symbols = sorted(re.search(r'label="([^"]*)"', line).group(1) for line in ops.values())
    assert symbols == sorted(["×", "σ", "×", "−", "^2"])
    assert all("shape=circle" in line for line in ops.values())


def test_value_nodes_show_label_data_and_grad():
    dot = to_dot(neuron())
    nodes = node_statements(dot)
    output = nodes["v5"]
    assert "<B>o</B>" in output
    assert ">0.7064<" in output  # tanh(0.88)
    assert ">1.0<" in output  # ∂o/∂o
    assert "data" in output
    assert "grad" in output
    assert ">-1.503<" in nodes["v1"]  # ∂o/∂x = w · (1 − tanh²)


def test_x_times_x_draws_two_edges_each_with_its_local_derivative():
    dot = to_dot(square())
    into_op = [edge for edge in edges(dot) if edge == ("v0", "v1_op")]
    assert len(into_op) == 2
    assert dot.count('v0 -> v1_op [label="3.0"') == 2


def test_every_edge_into_an_operation_carries_its_local_derivative():
    dot = to_dot(neuron())
    assert 'v4 -> v5_op [label="0.501"' in dot  # 1 − tanh²(0.88)
    assert 'v0 -> v3_op [label="2.0"' in dot  # ∂(w·x)/∂w = x
    assert "∂o/∂n = 0.50097" in dot  # full precision in the tooltip


def test_show_local_grads_false_leaves_edges_unlabeled():
    dot = to_dot(neuron(), show_local_grads=False)
    assert not re.search(r"-> \w+ \[label=", dot)


def test_show_grad_false_hides_the_grad_row():
    assert "grad</FONT>" not in to_dot(neuron(), show_grad=False)
    assert "grad</FONT>" in to_dot(neuron())


def test_leaves_parameters_output_and_constants_are_styled_distinctly():
    dot = to_dot(Parameter(1.0, label="w") * Value(2.0, label="x") + 3)
    nodes = node_statements(dot)
    borders = {key: re.search(r'COLOR="(#\w+)"', line).group(1) for key, line in nodes.items() if "TABLE" in line}
    assert borders == {
        "v0": PALETTE["parameter"][0],
        "v1": PALETTE["input"][0],
        "v2": PALETTE["intermediate"][0],
        "v3": PALETTE["constant"][0],
        "v4": PALETTE["output"][0],
    }
    # Not colour alone: a caption and a thicker border tell parameter and output apart in grey-scale.
    assert "parameter</FONT>" in nodes["v0"]
    assert 'BORDER="2"' in nodes["v0"]
    assert "output</FONT>" in nodes["v4"]


def test_palette_is_the_okabe_ito_colour_blind_safe_set():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
    borders = {border for border, _ in PALETTE.values()} | {HIGHLIGHT}
    # Parameters use a darkened Okabe-Ito orange (#C07A00) for contrast on white; constants are grey.
    assert borders - okabe_ito == {"#C07A00", "#8C8C8C"}


def test_unlabeled_nodes_get_fallback_names_and_constants_show_their_number():
    x = Value(2.0, label="x")
    dot = to_dot((x * 3).exp())
    nodes = node_statements(dot)
    assert ">3.0<" in nodes["v1"]
    assert "<I>v2</I>" in nodes["v2"]


def test_highlight_draws_a_thick_purple_border():
    x = Value(2.0, label="x")
    y = x * 3
    nodes = node_statements(to_dot(y, highlight=[x]))
    assert (
        f'BORDER="3" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2" STYLE="ROUNDED" COLOR="{HIGHLIGHT}"' in nodes["v0"]
    )
    assert HIGHLIGHT not in nodes["v2"]


def test_op_constants_are_shown_on_the_operation():
    x = Value(-1.0, label="x")
    dot = to_dot(x.leaky_relu(0.1) ** 3)
    assert 'label="leaky_relu 0.1"' in dot
    assert 'label="^3"' in dot


# --- escaping ------------------------------------------------------------------

HOSTILE = [
    'say "hi"',
    "<b>bold</b>",
    "{a|b}",
    "two\nlines",
    "ünïcødé σ ∂ 漢字 🙂",
    "back\\slash",
    "&amp; &lt;",
    '"]; evil [shape=star label="pwned',
    "</script><script>alert(1)</script>",
    "tab\there\x00nul\x1bescape",
]


def test_hostile_labels_are_escaped_in_the_dot_text():
    x = Value(1.0, label=HOSTILE[1])
    y = x * 2
    y.label = HOSTILE[7]
    dot = to_dot(y)
    assert "<B>&lt;b&gt;bold&lt;/b&gt;</B>" in dot  # in the HTML-like label
    assert 'tooltip="<b>bold</b> (input)' in dot  # in a quoted string, < is harmless
    assert "<B>&quot;]; evil [shape=star label=&quot;pwned</B>" in dot
    assert 'tooltip="\\"]; evil [shape=star label=\\"pwned (output)' in dot


@needs_dot
def test_hostile_labels_compile_with_dot_and_show_literally():
    leaves = [Value(float(i), label=label) for i, label in enumerate(HOSTILE)]
    out = autograd.sum(leaves)
    out.label = "out"
    out.backward()
    svg = subprocess.run(["dot", "-Tsvg"], input=to_dot(out).encode(), capture_output=True, check=True).stdout
    texts = svg_texts(svg)
    for label in ['say "hi"', "<b>bold</b>", "{a|b}", "ünïcødé σ ∂ 漢字 🙂", "back\\slash", "&amp; &lt;"]:
        assert label in texts, label
    assert "two" in texts
    assert "lines" in texts
    assert "tab\\there\\x00nul\\x1bescape" in texts  # control characters shown, never passed through
    assert HOSTILE[7] in texts  # an attempt to inject DOT attributes is just text


def test_very_long_labels_are_shortened_in_the_picture_but_not_the_tooltip():
    label = "a" * 100
    dot = to_dot(Value(1.0, label=label) * 2)
    assert "a" * 39 + "…" in dot
    assert label in dot


# --- scopes, clusters and collapse ---------------------------------------------


def test_scopes_are_drawn_as_nested_labelled_clusters():
    dot = to_dot(tiny_mlp())
    assert dot.count("subgraph cluster_") == 6  # inputs; layer0 {neuron0, neuron1}, layer1 {neuron0}
    assert "<B>layer0</B>" in dot
    assert "<B>neuron1</B>" in dot
    assert dot.index("<B>layer0</B>") < dot.index("<B>neuron0</B>")


def test_collapse_scope_draws_each_innermost_scope_as_one_box():
    loss = tiny_mlp()
    dot = to_dot(loss, collapse="scope")
    boxes = {key: line for key, line in node_statements(dot).items() if key.startswith("s")}
    assert len(boxes) == 3
    assert sum("<B>neuron0</B>" in line for line in boxes.values()) == 2
    # weights used only inside a neuron are drawn inside its box, with value and gradient; the inputs stay outside
    assert "w00 = 0.1</TD>" in boxes["s0"]
    assert ">x0 = 1.0<" in dot  # an input is data: one line, no gradient
    assert "<B>w00</B>" not in dot
    # in and out edges are kept: inputs -> layer0 neurons -> layer1 neuron -> the loss
    links = set(edges(dot))
    assert {("v0", "s0"), ("v1", "s0"), ("v0", "s1"), ("v1", "s1"), ("s0", "s2"), ("s1", "s2")} <= links
    assert any(source == "s2" for source, _ in links)


def test_collapse_by_depth_groups_whole_layers():
    dot = to_dot(tiny_mlp(), collapse=1)
    boxes = [key for key in node_statements(dot) if key.startswith("s")]
    assert len(boxes) == 2
    assert "<B>layer0</B>" in dot
    assert "<B>layer1</B>" in dot


@needs_dot
def test_collapsed_and_clustered_drawings_compile():
    for options in ({}, {"collapse": "scope"}, {"collapse": 1}):
        result = subprocess.run(["dot", "-Tsvg"], input=to_dot(tiny_mlp(), **options).encode(), capture_output=True)
        assert result.returncode == 0, result.stderr


def test_too_many_nodes_raises_with_the_count_and_suggests_collapse():
    x = Value(1.0, label="x")
    y = x
    for _ in range(30):
        y = y * 1.01
    with pytest.raises(GraphTooLargeError) as error:
        to_dot(y, max_nodes=20)
    message = str(error.value)
    assert "61 nodes" in message
    assert "max_nodes=20" in message
    assert 'collapse="scope"' in message
    assert isinstance(error.value, ValueError)


def test_too_many_nodes_with_scopes_fits_once_collapsed():
    loss = tiny_mlp()
    with pytest.raises(GraphTooLargeError, match=r'pass collapse="scope" to draw each autograd.scope as one box'):
        to_dot(loss, max_nodes=10)
    assert "s2 [" in to_dot(loss, max_nodes=10, collapse="scope")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rankdir": "XY"}, "to_dot() got rankdir='XY'; expected one of LR, RL, TB, BT."),
        ({"precision": 0}, "to_dot() got precision=0; expected an int from 1 to 17 (significant digits)."),
        ({"max_nodes": 0}, "to_dot() got max_nodes=0; expected an int ≥ 1."),
        ({"collapse": "layers"}, "to_dot() got collapse='layers'; expected None, \"scope\""),
    ],
)
def test_bad_options_are_rejected_with_the_value_and_the_choices(options, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        to_dot(neuron(), **options)


def test_a_non_value_root_is_a_type_error():
    with pytest.raises(TypeError, match=r"to_dot\(\) got 3.0 of type float; expected a Value."):
        to_dot(3.0)


# --- draw, save and missing Graphviz ---------------------------------------------


@needs_dot
def test_draw_returns_a_digraph_whose_source_is_to_dot():
    graphviz = pytest.importorskip("graphviz")
    graph = draw(neuron())
    assert isinstance(graph, graphviz.Digraph)
    assert graph.source == to_dot(neuron())


@needs_dot
@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".pdf", b"%PDF")])
def test_save_picks_the_format_from_the_extension(tmp_path, suffix, magic):
    target = save(neuron(), tmp_path / f"graph{suffix}")
    assert target.read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir()] == [f"graph{suffix}"]


def test_save_dot_needs_no_graphviz(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    target = save(neuron(), tmp_path / "graph.DOT")
    assert target.read_text(encoding="utf-8") == to_dot(neuron())


def test_save_rejects_an_unknown_extension(tmp_path):
    with pytest.raises(ValueError, match=r"save\(\) got path '.*graph.jpg' with extension '.jpg'; expected one of"):
        save(neuron(), tmp_path / "graph.jpg")


def test_save_is_atomic_when_rendering_fails(tmp_path, monkeypatch):
    target = tmp_path / "graph.svg"
    target.write_text("old picture")

    def failing(source, fmt, function="save", **_):
        raise RuntimeError("dot crashed")

    monkeypatch.setattr(render_module, "render_dot", failing)
    with pytest.raises(RuntimeError, match="dot crashed"):
        save(neuron(), target)
    assert target.read_text() == "old picture"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.svg"]


@pytest.fixture
def dot_that_never_finishes(monkeypatch):
    """``dot`` "installed" but running out of time on everything, without waiting 120 s."""
    calls = []

    def timing_out(arguments, **options):
        calls.append(options["timeout"])
        raise subprocess.TimeoutExpired(arguments, options["timeout"])

    monkeypatch.setattr(render_module, "require_dot", lambda function: "dot")
    monkeypatch.setattr(subprocess, "run", timing_out)
    return calls


def test_a_dot_timeout_is_a_clear_error_naming_the_node_count(tmp_path, dot_that_never_finishes):
    target = tmp_path / "graph.svg"
    target.write_text("old picture")
    with pytest.raises(GraphvizTimeout) as error:
        save(neuron(), target)
    assert str(error.value) == (
        "save(): Graphviz's dot took over 120 s to lay out a graph of 9 nodes (values and operations) and was "
        'stopped; pass collapse="scope" to draw each autograd.scope as one box, or draw a smaller graph.'
    )
    assert isinstance(error.value, AutogradError)
    assert isinstance(error.value, RuntimeError)
    assert not isinstance(error.value, OSError)  # not "cannot write the file"
    assert error.value.__suppress_context__  # no TimeoutExpired traceback on top of it
    assert dot_that_never_finishes == [render_module.DOT_TIMEOUT]
    assert target.read_text() == "old picture"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.svg"]


def test_a_dot_timeout_counts_the_nodes_of_every_frame(dot_that_never_finishes):
    from autograd.see.player import frame_svgs
    from autograd.see.trace import trace_backward

    with pytest.raises(GraphvizTimeout, match=r"^to_html\(\): .* to lay out 3 graphs of 27 nodes in all "):
        frame_svgs(trace_backward(neuron()))


def test_write_is_atomic_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "graph.dot"
    target.write_text("old")
    monkeypatch.setattr(os, "replace", lambda *args: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError, match="disk full"):
        save(neuron(), target)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.dot"]


def test_saved_files_get_ordinary_permissions(tmp_path):
    target = save(neuron(), tmp_path / "graph.dot")
    assert target.stat().st_mode & 0o044  # readable by others, unlike mkstemp's private 0600


def test_without_dot_rendering_says_how_to_install_graphviz_everywhere(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizNotFound) as error:
        save(neuron(), tmp_path / "graph.svg")
    message = str(error.value)
    assert message.startswith("save() needs Graphviz's `dot` program, and it is not on PATH.")
    for instruction in ("apt-get install graphviz", "brew install graphviz", "conda install -c conda-forge graphviz"):
        assert instruction in message
    assert "Windows" in message
    assert "to_dot()" in message
    assert isinstance(error.value, RuntimeError)
    with pytest.raises(GraphvizNotFound, match=r"^draw\(\) needs"):
        draw(neuron())
    assert to_dot(neuron()).startswith("digraph")  # still works
    assert not list(tmp_path.glob(".graph*"))


def test_import_autograd_loads_neither_graphviz_nor_the_renderer():
    code = (
        "import sys, autograd\n"
        "assert 'graphviz' not in sys.modules and 'autograd.see.render' not in sys.modules\n"
        "autograd.to_dot(autograd.Value(1.0))\n"
        "assert 'graphviz' not in sys.modules and 'ipywidgets' not in sys.modules\n"
        "assert autograd.trace_backward.__module__ == 'autograd.see.trace'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_unknown_attributes_of_autograd_still_raise_attribute_error():
    with pytest.raises(AttributeError, match="module 'autograd' has no attribute 'to_png'"):
        autograd.to_png  # noqa: B018


@needs_dot
def test_hostile_scope_names_are_escaped_and_compile():
    with scope('<layer "0"> {a|b}\n&'):
        y = Value(1.0, label="x") * 2
    dot = to_dot(y)
    assert "<B>&lt;layer &quot;0&quot;&gt; {a|b}" in dot
    for options in ({}, {"collapse": "scope"}):
        svg = subprocess.run(["dot", "-Tsvg"], input=to_dot(y, **options).encode(), capture_output=True, check=True)
        assert '<layer "0"> {a|b}' in svg_texts(svg.stdout)


# --- networks drawn like the lecture draws them ------------------------------------


def clusters(dot: str) -> dict[str, list[str]]:
    """Cluster label -> the node ids written directly inside it (nested clusters excluded)."""
    found: dict[str, list[str]] = {}
    stack: list[str] = []
    for line in dot.splitlines():
        if line.strip().startswith("subgraph cluster_"):
            stack.append("?")
        elif line.strip() == "}" and stack:
            stack.pop()
        elif stack and line.strip().startswith("graph [label=<<B>"):
            stack[-1] = line.split("<B>")[1].split("</B>")[0]
            found.setdefault(stack[-1] + f"#{len(found)}", [])
        elif stack and re.match(r"\s*(v\d+|s\d+) \[", line):
            key = next(k for k in reversed(list(found)) if k.startswith(stack[-1] + "#"))
            found[key].append(line.split()[0])
    return found


def test_each_parameter_is_drawn_once_inside_its_neurons_box():
    loss = course_graphs.course_mlp()
    dot = to_dot(loss)
    order = autograd.topological_order(loss)
    ids = {node: f"v{i}" for i, node in enumerate(order)}
    inside = clusters(dot)
    neurons = [members for label, members in inside.items() if label.startswith("neuron")]
    assert len(neurons) == 4
    parameters = [node for node in order if isinstance(node, Parameter)]
    for parameter in parameters:
        holders = [members for members in neurons if ids[parameter] in members]
        assert len(holders) == 1, parameter
        assert dot.count(f"\t{ids[parameter]} [label=") == 1


def test_the_inputs_are_drawn_once_in_one_column_shared_by_the_first_layer():
    loss = course_graphs.course_mlp()
    for collapse in (None, "scope"):
        dot = to_dot(loss, collapse=collapse)
        (inputs,) = [members for label, members in clusters(dot).items() if label.startswith("inputs")]
        assert len(inputs) == 2
        assert ">x₁ = 4.0<" in dot
        assert ">x₂ = 5.0<" in dot
        assert "rank=same," in dot
    links = edges(to_dot(loss, collapse="scope"))
    assert {target for source, target in links if source == inputs[0]} == {"s0", "s1", "s2"}


def test_the_loss_is_its_own_box_with_its_clamp_as_a_grey_note_shown_once():
    dot = to_dot(course_graphs.course_mlp(), collapse="scope")
    (loss_box,) = [line for line in dot.splitlines() if "<B>binary cross-entropy</B>" in line]
    assert loss_box.count("J = 2.201") == 1
    # On two lines, so that the note does not widen the box; as large as the smallest text.
    assert f'POINT-SIZE="{SMALL_POINTS}" COLOR="#707070">clamp:</FONT></TD></TR>' in loss_box
    assert f'POINT-SIZE="{SMALL_POINTS}" COLOR="#707070">low 3.7e-44, high 1</FONT></TD></TR>' in loss_box
    full = to_dot(course_graphs.course_mlp())
    # The operation says what it does; the ε goes on a small second line inside its box, not beside it.
    (clamp,) = [line for line in full.splitlines() if 'tooltip="clamp"' in line]
    note = f'<FONT POINT-SIZE="{SMALL_POINTS}" COLOR="#707070">low 3.7e-44, high 1</FONT>'
    assert f">clamp</TD></TR><TR><TD>{note}" in clamp
    assert 'shape=box, style="rounded,filled"' in clamp
    assert "xlabel" not in full
    assert "3.72e-44" not in full


def test_the_loss_box_marks_j_in_its_own_row_when_the_step_is_at_the_loss():
    from autograd.see.trace import trace_backward

    loss = course_graphs.course_mlp()
    trace = trace_backward(loss, collapse="scope")
    dot = trace.frame_dot(0, caption=False)
    (loss_box,) = [line for line in dot.splitlines() if "<B>binary cross-entropy</B>" in line]
    assert loss_box.count(" = 2.201") == 1  # J once, marked
    assert "▶ J = 2.201" in loss_box


def test_a_neuron_box_lists_its_weights_and_bias_with_value_and_gradient_at_every_collapse_level():
    loss = course_graphs.course_mlp()
    for collapse in ("scope", 1):
        dot = to_dot(loss, collapse=collapse)
        assert "w₃₁⁽¹⁾ = -1.166</TD>" in dot
        assert '<FONT COLOR="#555555">∂J/∂w 0.8093</FONT>' in dot
        assert "b₂⁽¹⁾ = 0.0</TD>" in dot


def test_collapsed_boxes_carry_readable_names_and_values():
    loss = course_graphs.course_mlp()
    neurons = to_dot(loss, collapse="scope")
    assert "z₂⁽¹⁾ = 4.915" in neurons  # neuron 2 of layer 1, named by its weighted sum's row
    assert "<B>layer 1</B>" in neurons
    assert "a₂⁽¹⁾ = 4.915" in neurons
    assert "ŷ = 0.1107" in neurons
    layers = to_dot(loss, collapse=1)
    assert all(f"a{i}⁽¹⁾ = " in layers for i in "₁₂₃")


def wide_network() -> Value:
    import nn

    model = nn.MLP(2, [16, 16, 1], output_activation="sigmoid", seed=0)
    loss = nn.binary_cross_entropy([model([4.0, 5.0])], [1])
    loss.backward()
    return loss


def test_a_2_16_16_1_network_keeps_neuron_order_and_draws_dense_layers_as_thin_straight_lines():
    dot = to_dot(wide_network(), collapse="scope")
    layer_2 = [line for line in dot.splitlines() if 'tooltip="layers.1/' in line]
    assert [re.search(r"a(\S+)⁽²⁾ = ", line).group(1) for line in layer_2][:3] == ["₁", "₂", "₃"]  # in order
    assert "mclimit=0.01" in dot  # the written order survives the crossing search
    assert "graph [splines=line" in dot
    assert "tailport=e, headport=w" in dot
    # A wide layer's boxes are one line each: no "neuron k" title row.
    assert not any("<B>neuron" in line for line in layer_2)
    assert len(edges(dot)) == 2 * 16 + 16 * 16 + 16 + 1


def test_a_small_network_has_straight_dark_edges_and_boxes_named_by_their_rows():
    dot = to_dot(course_graphs.course_mlp(), collapse="scope")
    assert "graph [splines=line" in dot
    assert "penwidth=0.6" not in dot  # thin light edges only where layers are dense
    # A neuron's rows say which it is (w₁₁⁽¹⁾, z₁⁽¹⁾): no title line, so the network fits a projector.
    assert "<B>neuron 1</B>" not in dot
    assert "z₁⁽²⁾ = -2.083" in dot
    assert "<B>binary cross-entropy</B>" in dot  # a box without a z keeps its title
    assert "splines=line" not in to_dot(tiny_mlp_without_scopes(), collapse="scope")


def tiny_mlp_without_scopes() -> Value:
    x = Value(1.0, label="x")
    return (x * 2).tanh()


def test_redrawing_after_a_label_or_a_constant_changes_shows_the_change():
    loss = course_graphs.course_mlp()
    assert "<B>J</B>" in to_dot(loss)
    loss.label = "cost"
    assert "<B>cost</B>" in to_dot(loss)
    constant = next(node for node in autograd.topological_order(loss) if not node.inputs and node.data == 1.0)
    assert ">2.0</TD>" not in to_dot(loss)
    constant.data = 2.0  # only a number changes: the drawing must not reuse the old names
    assert ">2.0</TD>" in to_dot(loss)


# --- the picture model: plain data every view reads ----------------------------------


def test_a_picture_is_built_once_per_graph_and_options_and_again_when_a_label_changes():
    from autograd.see.picture import DrawOptions, picture_of

    loss = course_graphs.course_mlp()
    scope_options = DrawOptions(collapse="scope", caller="to_dot")
    first = picture_of(loss, scope_options)
    assert picture_of(loss, DrawOptions(collapse="scope", caller="save")) is first  # the caller is not part of it
    assert picture_of(loss, DrawOptions(collapse=1)) is not first
    loss.label = "cost"
    assert picture_of(loss, scope_options) is not first


def test_the_picture_says_what_each_neuron_box_shows_without_any_dot():
    from autograd.see.picture import DrawOptions, picture_of

    loss = course_graphs.course_mlp()
    picture = picture_of(loss, DrawOptions(collapse="scope"))
    by_title = {(entry.box.key[-1], entry.box.title): entry for entry in picture.boxes}
    neuron = by_title["neurons.2", "neuron 3"]
    assert neuron.kind == "neuron"
    rows = [(picture.names[row.node], row.gradient_name) for row in neuron.parameters]
    assert rows == [("w₃₁⁽¹⁾", "∂J/∂w"), ("w₃₂⁽¹⁾", "∂J/∂w"), ("b₃⁽¹⁾", "∂J/∂b")]
    assert [picture.names[row.node] for row in neuron.outputs] == ["a₃⁽¹⁾"]
    (loss_box,) = [entry for entry in picture.boxes if entry.kind == "loss"]
    assert [picture.names[row.node] for row in loss_box.outputs] == ["J"]
    assert loss_box.note == "clamp: low 3.7e-44, high 1"


def test_drawing_keeps_only_the_last_few_graphs_alive():
    import gc

    from autograd.see.picture import PICTURES_KEPT

    loss = course_graphs.course_mlp()
    to_dot(loss)
    token = mark([loss])
    del loss
    for _ in range(PICTURES_KEPT):
        to_dot(Value(1.0, label="other") * 2)
    gc.collect()
    assert alive(token) == 0  # was: every graph ever drawn stayed in memory


def test_a_networks_inputs_are_data_drawn_on_one_line_without_a_gradient_row():
    loss = course_graphs.course_mlp()
    for collapse in (None, "scope"):
        inputs = [line for line in to_dot(loss, collapse=collapse).splitlines() if ">x₁ = 4.0<" in line]
        assert len(inputs) == 1
        assert "grad" not in inputs[0].split("tooltip")[0]  # no gradient row: x is data
    (node_level,) = [line for line in to_dot(loss).splitlines() if ">x₁ = 4.0<" in line]
    assert "data: no gradient needed" in node_level
    # Without Parameters (micrograd's Value(2.0, label="a")), labelled leaves are what is differentiated.
    a = Value(2.0, label="a")
    assert ">grad<" in to_dot(a * a)
