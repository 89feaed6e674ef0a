"""The Jupyter player (built without a kernel) and the self-contained HTML export."""

from __future__ import annotations

import importlib.util
import inspect
import json
import re
import shutil
import xml.etree.ElementTree as ET

import course_graphs
import pytest

from autograd import GraphTooLargeError, GraphvizNotFound, Value
from autograd.see.player import frame_svgs, page, player
from autograd.see.render import HIGHLIGHT
from autograd.see.trace import trace_backward, trace_forward

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's `dot` is not installed (apt-get install graphviz)"
)


def course_network() -> Value:
    return course_graphs.course_network()[0]


def page_data(text: str) -> dict:
    match = re.search(r'<script type="application/json" id="trace-data">(.*?)</script>', text, flags=re.DOTALL)
    assert match is not None
    return json.loads(match.group(1))


# --- frames ----------------------------------------------------------------------


@needs_dot
def test_frame_svgs_renders_one_svg_per_step_in_one_dot_run():
    trace = trace_backward(course_network())
    svgs = frame_svgs(trace)
    assert len(svgs) == len(trace) == 5
    for svg in svgs:
        root = ET.fromstring(svg)
        titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
        assert "v8" in titles  # the loss node
        assert "v7_op&#45;&gt;v7" in titles or "v7_op->v7" in titles


# --- the ipywidgets player --------------------------------------------------------


@needs_dot
def test_player_is_built_from_standard_widgets_without_a_kernel():
    widgets = pytest.importorskip("ipywidgets")
    trace = trace_forward(course_network()) + trace_backward(course_network())
    box = player(trace, interval=500)
    assert isinstance(box, widgets.VBox)
    controls, picture, explanation = box.children
    play, previous, following, slider = controls.children
    assert isinstance(play, widgets.Play)
    assert isinstance(slider, widgets.IntSlider)
    assert isinstance(previous, widgets.Button)
    assert isinstance(following, widgets.Button)
    assert isinstance(picture, widgets.HTML)
    assert (play.min, play.max, play.interval, slider.max) == (0, 9, 500, 9)
    assert "<svg" in picture.value
    assert "forward</b> · step 1 of 10" in explanation.value
    assert "z1 = w1 × x = 0.8 × 1.5 = 1.2" in explanation.value
    assert previous.disabled
    assert not following.disabled


@needs_dot
def test_player_buttons_and_slider_change_the_frame_and_explanation():
    pytest.importorskip("ipywidgets")
    loss = course_network()
    trace = trace_backward(loss)
    box = player(trace)
    controls, picture, explanation = box.children
    _, previous, following, slider = controls.children
    first_picture = picture.value
    following.click()
    assert slider.value == 1
    assert "step 2 of 5" in explanation.value
    assert picture.value != first_picture
    slider.value = 4
    assert "∂J/∂w1 += ∂J/∂z1 · ∂(w1 × x)/∂w1" in explanation.value
    assert following.disabled
    following.click()
    assert slider.value == 4
    previous.click()
    assert slider.value == 3


def test_player_and_page_reject_empty_traces_and_bad_arguments():
    leaf_trace = trace_backward(Value(1.0, label="x"))
    with pytest.raises(ValueError, match=r"player\(\) got a trace with no steps; the root is a leaf"):
        player(leaf_trace)
    with pytest.raises(ValueError, match=r"to_html\(\) got a trace with no steps"):
        page(leaf_trace)
    with pytest.raises(ValueError, match=r"player\(\) got interval=0; expected milliseconds per step"):
        player(trace_backward(course_network()), interval=0)
    with pytest.raises(TypeError, match=r"to_html\(\) got 3 of type int; expected a trace"):
        page(3)


def test_player_without_dot_says_how_to_install_graphviz(tmp_path, monkeypatch):
    pytest.importorskip("ipywidgets")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizNotFound, match=r"player\(\) needs Graphviz's `dot` program"):
        player(trace_backward(course_network()))


# --- the offline HTML page ----------------------------------------------------------


@needs_dot
def test_to_html_writes_one_self_contained_page(tmp_path):
    loss = course_network()
    trace = trace_forward(loss) + trace_backward(loss)
    target = trace.to_html(tmp_path / "lesson.html", title="The tiny network")
    assert [p.name for p in tmp_path.iterdir()] == ["lesson.html"]
    text = target.read_text(encoding="utf-8")
    data = page_data(text)
    assert len(data["changes"]) == len(data["explanations"]) == len(data["phases"]) == len(data["picture"]) == 10
    assert data["explanations"] == [trace.explain(i) for i in range(10)]
    assert data["phases"] == ["forward"] * 5 + ["backward"] * 5
    # One laid-out picture per pass (forward frames draw no gradient rows), not one per step.
    assert data["picture"] == [0] * 5 + [1] * 5
    assert [picture["first"] for picture in data["pictures"]] == [0, 5]
    assert all(p["svg"].startswith("<svg") and p["svg"].endswith("</svg>") for p in data["pictures"])
    assert text.count("\\u003csvg") == 2  # inside the JSON data block, "<" is escaped
    assert "<title>The tiny network</title>" in text
    for control in ('id="prev"', 'id="next"', 'id="play"', 'id="slider"', 'id="explanation"', 'id="frame"'):
        assert control in text
    assert "ArrowRight" in text
    assert "ArrowLeft" in text


@needs_dot
def test_the_page_makes_no_network_request(tmp_path):
    text = trace_backward(course_network()).to_html(tmp_path / "backprop.html").read_text(encoding="utf-8")
    assert "default-src 'none'" in text  # the browser itself refuses any request
    assert not re.search(r"<(script|link|img|iframe)[^>]*\b(src|href)=", text)
    assert "@import" not in text
    assert "url(" not in text
    # The only URLs are XML namespace names, which browsers never fetch.
    urls = set(re.findall(r"https?://[^\s\"'\\<>]+", text))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


@needs_dot
def test_hostile_labels_cannot_break_out_of_the_page(tmp_path):
    x = Value(2.0, label="</script><script>alert(1)</script>")
    y = x * 3
    y.label = "<!-- & -->"
    text = trace_backward(y).to_html(tmp_path / "evil.html", title="<b>t</b>").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in text
    assert text.count("<script") == 2  # the data block and the player code
    assert "<title>&lt;b&gt;t&lt;/b&gt;</title>" in text
    data = page_data(text)
    assert "∂(<!-- & -->)/∂(</script><script>alert(1)</script>) +=" in data["explanations"][0]


@needs_dot
def test_page_title_defaults_to_what_is_played():
    loss = course_network()
    assert "<title>backprop through J</title>" in page(trace_backward(loss))
    assert "<title>forward pass through J</title>" in page(trace_forward(loss))
    assert "<title>forward and backward pass through J</title>" in page(trace_forward(loss) + trace_backward(loss))


def test_to_html_leaves_no_file_when_rendering_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    target = tmp_path / "backprop.html"
    with pytest.raises(GraphvizNotFound):
        trace_backward(course_network()).to_html(target)
    assert list(tmp_path.iterdir()) == []


# --- whole networks: collapse= ---------------------------------------------------------


GRAD = re.compile(r">(?:grad|∂J/∂\S+) (-?[0-9.e+-]+|nan|inf)<")


def mlp_loss(sizes: list[int]) -> Value:
    import nn

    return nn.binary_cross_entropy_with_logits([nn.MLP(2, sizes, seed=0)([1.0, 2.0])], [1])


@pytest.mark.parametrize("caller", ["to_html", "player", "frame"])
def test_a_graph_too_large_names_the_function_called_and_options_it_really_takes(tmp_path, caller):
    trace = trace_backward(mlp_loss([16, 16, 1]))  # 715 nodes
    calls = {
        "to_html": lambda **options: trace.to_html(tmp_path / "mlp.html", **options),
        "player": lambda **options: trace.player(**options),
        "frame": lambda **options: trace.frame(0, **options),
    }
    with pytest.raises(GraphTooLargeError) as error:
        calls[caller]()
    message = str(error.value)
    assert message.startswith(f"{caller}() got a graph of 715 nodes, more than max_nodes=500;")
    assert 'pass collapse="scope"' in message
    assert message.endswith("or raise max_nodes.")
    # Both suggestions are keyword arguments of the function named (rendering a
    # 715-node graph in full takes minutes, so only its signature is checked here).
    parameters = inspect.signature(getattr(trace, caller)).parameters
    assert {"collapse", "max_nodes"} <= set(parameters)
    assert trace.frame_dot(0, collapse="scope").startswith("digraph")


def test_frame_dot_of_a_collapsed_trace_highlights_the_box_holding_the_step_node():
    trace = trace_backward(mlp_loss([16, 16, 1]))
    # A step inside neuron 11 of layer 1 that multiplies by an output of layer 0.
    inside, source = next(
        (i, child)
        for i, step in enumerate(trace)
        if step.node.scope == ("layers.1", "neurons.11")
        for child in step.node.inputs
        if child.scope[:1] == ("layers.0",)
    )
    dot = trace.frame_dot(inside, collapse="scope", caption=False)
    boxes = [line for line in dot.splitlines() if re.match(r"\s*s\d+ \[", line)]
    assert len(boxes) == 16 + 16 + 1 + 1  # the neurons, and the loss's own box
    (highlighted,) = [line for line in boxes if f'COLOR="{HIGHLIGHT}" BGCOLOR' in line]
    # A wide layer's box is one line: its tooltip names it and gives its weights' and bias's values.
    assert 'tooltip="layers.1/neurons.11: w₁₂,₁⁽²⁾ = ' in highlighted
    assert f"▶ {trace.names[trace[inside].node]}" in highlighted
    # The one edge this step uses is drawn in the highlight colour: from the box of its input.
    box_of = {line.split('tooltip="')[1].split('"')[0].split(":")[0]: line.split()[0] for line in boxes}
    (edge,) = [line.strip() for line in dot.splitlines() if " -> " in line and f'color="{HIGHLIGHT}"' in line]
    assert edge.startswith(f"{box_of['/'.join(source.scope)]} -> {box_of['layers.1/neurons.11']} ")
    with pytest.raises(GraphTooLargeError, match=r"^frame_dot\(\) got a graph of 715 nodes"):
        trace.frame_dot(inside)


def test_a_collapsed_frame_shows_grads_as_of_that_step_and_fills_boxes_once_finished():
    trace = trace_backward(mlp_loss([3, 1]))
    first, last = trace.frame_dot(0, collapse="scope"), trace.frame_dot(len(trace) - 1, collapse="scope")
    assert first.count('BGCOLOR="#FFFFFF"') > last.count('BGCOLOR="#FFFFFF"')
    assert 'BGCOLOR="#FFFFFF"><TR><TD COLSPAN="3"' not in last  # every box is finished at the end

    def box_grads(dot: str) -> list[str]:
        # The neurons' boxes; the loss's box holds the root, whose grad is 1 from the start.
        lines = [line for line in dot.splitlines() if re.match(r"\s*s\d+ \[", line) and "neurons." in line]
        return [grad for line in lines for grad in GRAD.findall(line)]

    assert set(box_grads(first)) == {"0.0"}  # nothing has reached the neurons yet
    assert set(box_grads(last)) != {"0.0"}


@needs_dot
def test_an_mlp_trace_collapsed_by_scope_plays_as_html_and_in_the_player(tmp_path):
    trace = trace_forward(mlp_loss([3, 1])) + trace_backward(mlp_loss([3, 1]))
    with pytest.raises(GraphTooLargeError, match=r"^to_html\(\) got a graph of 38 nodes"):
        trace.to_html(tmp_path / "mlp.html", max_nodes=20)
    data = page_data(trace.to_html(tmp_path / "mlp.html", max_nodes=20, collapse="scope").read_text())
    assert len(data["changes"]) == len(trace) == 42
    assert len(data["pictures"]) == 2
    assert all("neurons.0" in p["svg"] and "layers.1" in p["svg"] for p in data["pictures"])
    if importlib.util.find_spec("ipywidgets") is not None:
        assert trace.player(max_nodes=20, collapse="scope").children


def test_the_same_lesson_gives_the_same_page_in_every_run_up_to_graphviz(tmp_path):
    # An instructor commits the page: a rebuild must not change it. Sets of nodes follow their addresses, which
    # differ from run to run (PYTHONHASHSEED changes what the interpreter allocates on the way). Graphviz 2.43
    # itself lays out some graphs differently from run to run, so its part is left out: the DOT we hand it, and
    # the page around its SVGs, must be the same bytes.
    import os
    import subprocess
    import sys

    script = (
        "import sys, nn, autograd\n"
        "import autograd.see.player as player\n"
        "def layouts(source, function, nodes, graphs, what):\n"
        "    sources.append(source)\n"
        "    return ['<svg id=\"%d\"></svg>' % k for k in range(graphs)]\n"
        "sources = []\n"
        "player._svgs = layouts\n"
        "model = nn.MLP(2, [3, 1], seed=0)\n"
        "X, y = nn.data.pass_fail(8, seed=0)\n"
        "J = nn.binary_cross_entropy_with_logits([model(X[0])], [y[0]])\n"
        "lesson = autograd.trace_forward(J) + autograd.trace_backward(J)\n"
        "for collapse in (None, 'scope'):\n"
        "    lesson.to_html(sys.argv[1] + f'_{collapse}.html', collapse=collapse)\n"
        "open(sys.argv[1] + '.dot', 'w').write(''.join(sources))\n"
    )
    for run, seed in enumerate(("1", "2")):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / f"run{run}")], env=environment, capture_output=True,
            text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    for name in ("_None.html", "_scope.html", ".dot"):
        first, second = (tmp_path / f"run{run}{name}" for run in (0, 1))
        assert first.read_bytes() == second.read_bytes(), name
    assert "subgraph cluster_" in (tmp_path / "run0.dot").read_text()
