"""Playing a trace: an ipywidgets player for Jupyter and a self-contained offline web page.

Both show the same things: the frame of the current step (the graph with this
step's node and edges highlighted), the step's explanation under it, and
controls to play, pause and step. The frames are rendered once, up front, by a
single run of Graphviz's ``dot``.

The web page is one file with everything inside it (one laid-out SVG per pass,
each step's changes as data, styles and a little vanilla JavaScript, from the
package's ``autograd/see/page/`` files): no server, no CDN, no font or script
downloads. A Content-Security-Policy in the page forbids every network request,
so it works the same from a USB stick or an e-mail attachment.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from autograd.engine.value import Parameter, Value
from autograd.see.render import HIGHLIGHT, PALETTE, Collapse, render_dot, write_atomically

if TYPE_CHECKING:
    import ipywidgets


class Playable(Protocol):
    """What a player needs from a trace: its length, explanations and frames."""

    def __len__(self) -> int: ...

    def explain(self, i: int) -> str: ...  # noqa: D102

    def frame_dot(  # noqa: D102
        self, i: int, *, caption: bool = True, max_nodes: int = 500, collapse: Collapse = None, function: str = ...
    ) -> str: ...


def phase_of(trace: Playable, i: int) -> str:
    """``"forward"`` or ``"backward"``: which pass step ``i`` belongs to.

    Example:
        >>> from autograd import Value, trace_forward
        >>> phase_of(trace_forward(Value(2.0) * 3), 0)
        'forward'
    """
    phase = getattr(trace, "phase_of", None)
    return str(phase(i)) if callable(phase) else str(getattr(trace, "phase", ""))


def _check_playable(trace: Playable, function: str) -> int:
    if not callable(getattr(trace, "frame_dot", None)) or not callable(getattr(trace, "explain", None)):
        raise TypeError(
            f"{function}() got {trace!r} of type {type(trace).__name__}; "
            "expected a trace from autograd.trace_backward() or autograd.trace_forward()."
        )
    n = len(trace)
    if n == 0:
        raise ValueError(f"{function}() got a trace with no steps; the root is a leaf, so nothing was computed.")
    return n


def frame_svgs(
    trace: Playable, *, function: str = "to_html", max_nodes: int = 500, collapse: Collapse = None
) -> list[str]:
    """Every frame of ``trace`` as inline SVG markup, rendered by one run of ``dot``.

    Args:
        trace: a trace or lesson.
        function: the public caller, for error messages.
        max_nodes: refuse graphs with more nodes (or boxes) than this.
        collapse: as ``autograd.to_dot``; ``"scope"`` draws each scope as one box.

    Returns:
        One ``<svg>…</svg>`` string per step.

    Raises:
        GraphvizNotFound: ``dot`` is not installed.
        GraphTooLargeError: a frame has more than ``max_nodes`` nodes (the message names ``function``).

    Example:
        >>> from autograd import Value, trace_backward
        >>> frame_svgs(trace_backward(Value(2.0) * 3))[0][:4]  # doctest: +SKIP
        '<svg'
    """
    n = _check_playable(trace, function)
    # dot lays out every graph of its input in turn, so one process renders all
    # frames (spawning dot per frame costs ~30 ms each).
    source = "".join(
        trace.frame_dot(i, caption=False, max_nodes=max_nodes, collapse=collapse, function=function) for i in range(n)
    )
    output = render_dot(source, "svg", function).decode("utf-8")
    svgs = [match.group(0) for match in re.finditer(r"<svg\b.*?</svg>", output, flags=re.DOTALL)]
    if len(svgs) != n:
        raise RuntimeError(f"{function}(): dot returned {len(svgs)} pictures for {n} frames.")
    return svgs


def _ipywidgets(function: str) -> types.ModuleType:
    try:
        import ipywidgets
    except ImportError:
        raise ImportError(
            f"{function}() needs ipywidgets: pip install 'glassgrad[notebook]' (or pip install ipywidgets)."
        ) from None
    module: types.ModuleType = ipywidgets
    return module


def _explanation_html(trace: Playable, i: int) -> str:
    phase = phase_of(trace, i)
    badge = f"<b>{html.escape(phase)}</b> · " if phase else ""
    return (
        f'<div style="font-size:14px;color:#555">{badge}step {i + 1} of {len(trace)}</div>'
        f'<pre style="font-size:15px;line-height:1.5;background:#F6F6F6;border-left:4px solid {HIGHLIGHT};'
        f'padding:8px 12px;margin:4px 0;white-space:pre-wrap">{html.escape(trace.explain(i))}</pre>'
    )


def player(
    trace: Playable, *, interval: int = 1500, max_nodes: int = 500, collapse: Collapse = None, quiz: bool = False
) -> ipywidgets.VBox:
    """An ipywidgets player: play/pause, previous/next, a step slider, the frame and its explanation.

    Only standard widgets are used (``Play``, ``IntSlider`` joined by ``jslink``,
    ``Button``, ``HTML``), so it works in JupyterLab, classic Notebook and VS Code.

    Args:
        trace: a trace from ``trace_backward`` / ``trace_forward``, or their sum.
        interval: milliseconds per step while playing.
        max_nodes: refuse graphs with more nodes (or boxes) than this.
        collapse: ``"scope"`` draws each ``autograd.scope`` as one box, so a whole
            network plays (a step inside a box highlights the box); see ``autograd.to_dot``.
        quiz: predict, then reveal, as ``to_html(quiz=True)``: each step first asks for
            its number (the picture shows the graph as it stood before the step), and
            shows the step once the answer is within 1e-3 (relative) or "reveal" is pressed.

    Returns:
        An ``ipywidgets.VBox``; the last line of a cell displays it.

    Raises:
        GraphvizNotFound: Graphviz's ``dot`` is missing.
        GraphTooLargeError: more than ``max_nodes`` nodes; the message suggests ``collapse=``.
        ImportError: ipywidgets is missing (the message says what to install).
        TypeError: ``quiz`` is not a bool.
        ValueError: the trace has no steps, or ``interval`` is not positive.

    Example:
        >>> from autograd import Value, trace_backward
        >>> box = player(trace_backward(Value(2.0) * 3))  # doctest: +SKIP
    """
    if not isinstance(quiz, bool):
        raise TypeError(f"player() got quiz={quiz!r} of type {type(quiz).__name__}; expected True or False.")
    if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
        raise ValueError(f"player() got interval={interval!r}; expected milliseconds per step, an int ≥ 1.")
    n = _check_playable(trace, "player")
    widgets = _ipywidgets("player")
    svgs = frame_svgs(trace, function="player", max_nodes=max_nodes, collapse=collapse)
    play = widgets.Play(value=0, min=0, max=n - 1, step=1, interval=interval, description="play")
    slider = widgets.IntSlider(value=0, min=0, max=n - 1, step=1, description="step", continuous_update=True)
    # jslink moves the slider with Play in the browser, even between kernel round trips.
    widgets.jslink((play, "value"), (slider, "value"))
    previous = widgets.Button(description="previous", icon="step-backward", tooltip="previous step")
    following = widgets.Button(description="next", icon="step-forward", tooltip="next step")
    picture = widgets.HTML()
    explanation = widgets.HTML()

    questions = _WidgetQuiz(widgets, trace, svgs, lambda: show(slider.value)) if quiz else None

    def show(i: int) -> None:
        asking = questions is not None and questions.asking(i)
        svg = questions.picture(i) if questions is not None and asking else svgs[i]
        picture.value = f'<div style="overflow:auto;max-width:100%">{svg}</div>'
        explanation.value = questions.question_html(i) if questions is not None and asking else _explanation_html(
            trace, i
        )
        previous.disabled = i == 0
        following.disabled = i == n - 1
        if questions is not None:
            questions.show(i)

    def step_by(delta: int) -> None:
        slider.value = min(max(slider.value + delta, 0), n - 1)

    slider.observe(lambda change: show(change["new"]), names="value")
    previous.on_click(lambda _button: step_by(-1))
    following.on_click(lambda _button: step_by(+1))
    show(0)
    parts = [widgets.HBox([play, previous, following, slider]), picture, explanation]
    if questions is not None:
        parts.append(questions.row)
    box: ipywidgets.VBox = widgets.VBox(parts, layout=widgets.Layout(width="100%"))
    box.add_class("glassgrad-player")
    return box


# --- the offline web page: one picture per part, each step's state as data ------------------
#
# A frame of a trace differs from the next only in paint: colours, border widths and
# the numbers shown. So the page lays out ONE picture per part of a lesson (forward
# frames draw no gradient rows, so they get their own), and stores for every step only
# what changed: per node its texts, fills and strokes; per edge its colour, width and
# label. The script repaints the SVG from that data. The state is read from each
# frame's DOT, whatever the renderer draws, so the page shows exactly what `frame(i)`
# shows, without knowing how a node's label is laid out.

_ID = r'(\w+|"(?:[^"\\]|\\.)*")'  # a DOT id: a plain word or a quoted string
_NODE = re.compile(rf"^\t*{_ID} \[(.*)\]$")
_EDGE = re.compile(rf"^\t*{_ID}((?::\w+)*) -> {_ID}((?::\w+)*)(?: \[(.*)\])?$")  # ids with :ports
_PORT = re.compile(r"(?:^|[\s,])(tailport|headport)=\"?(\w+)")
_ATTRIBUTE = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^,\s\]]+)')
_BRACKET = re.compile(r"[<>]")
_INVISIBLE = re.compile(r'(?:^|[\s,])style="?invis\b')
_TAG = re.compile(r"<(/?)([A-Za-z]+)([^>]*?)(/?)>")
_TAG_ATTRIBUTE = re.compile(r'([A-Za-z-]+)="([^"]*)"')
_SVG = "{http://www.w3.org/2000/svg}"
_BLOCK_OPENS = re.compile(r"^\t*(?:(?:strict\s+)?(?:di)?graph\s*\w*\s*|subgraph\s*(\w*)\s*)?\{$")
_CLUSTER = "cluster:"  # marks a cluster's attributes among the node statements: it is repainted like a node
_SURROGATE = re.compile("[\ud800-\udfff]")

TextRun = tuple[str, str, int, str]  # content, colour ("" = default), bold, alignment l/c/r
NodePaint = tuple[tuple[TextRun, ...], tuple[str, ...], tuple[tuple[str, float], ...], str]
"""A node as drawn: its text runs, its fills, its strokes and the kind of each SVG element (f/s/b/t)."""


def _html_value(attributes: str, name: str) -> tuple[str | None, str]:
    """The HTML-like value of attribute ``name`` (``label=<…>``), and the attributes without it."""
    match = re.search(rf"(?:^|[\s,]){name}=<", attributes)
    if match is None:
        return None, attributes
    # Text inside is escaped (&lt;), so every < and > is a bracket: find the one closing the value.
    start, depth, end = match.end() - 1, 0, len(attributes)
    for bracket in _BRACKET.finditer(attributes, match.end() - 1):
        depth += 1 if bracket.group(0) == "<" else -1
        if depth == 0:
            end = bracket.start()
            break
    return attributes[start + 1 : end], attributes[: match.start()] + attributes[end + 1 :]


def _unquote(value: str) -> str:
    if value.startswith('"'):
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _paint_of_html(label: str) -> NodePaint:
    """What Graphviz draws for an HTML-like label, in the order it draws it.

    A table or cell with BGCOLOR is filled before its content; one with a border is
    stroked after it; each run of text between font changes and line breaks is one
    ``<text>`` element (whitespace-only runs inside a cell included).
    """
    texts: list[TextRun] = []
    fills: list[str] = []
    strokes: list[tuple[str, float]] = []
    kinds: list[str] = []
    open_elements: list[tuple[str, dict[str, str]]] = []  # TABLE/TD with their attributes
    fonts: list[tuple[str, int]] = [("", 0)]
    align = "c"
    position = 0
    for match in _TAG.finditer(label):
        text = label[position : match.start()]
        position = match.end()
        # Text counts inside a cell, or anywhere in a label without tables (a cluster's <B>name</B>).
        inside_cell = not open_elements or open_elements[-1][0] == "TD"
        if text and inside_cell:
            color, bold = fonts[-1]
            texts.append((html.unescape(text), color, bold, align))
            kinds.append("t")
        closing, tag, rest, _ = match.groups()
        tag = tag.upper()
        attributes = {key.upper(): value for key, value in _TAG_ATTRIBUTE.findall(rest)}
        if tag in {"TABLE", "TD"} and not closing:
            if "BGCOLOR" in attributes:
                fills.append(attributes["BGCOLOR"])
                kinds.append("f")
            if tag == "TD":
                align = {"LEFT": "l", "RIGHT": "r"}.get(attributes.get("ALIGN", "").upper(), "c")
                table = next((a for t, a in reversed(open_elements) if t == "TABLE"), {})
                attributes.setdefault("BORDER", table.get("CELLBORDER", "1"))
                attributes.setdefault("COLOR", table.get("COLOR", "#000000"))
            else:
                attributes.setdefault("BORDER", "1")
                attributes.setdefault("COLOR", "#000000")
            open_elements.append((tag, attributes))
        elif tag in {"TABLE", "TD"} and open_elements:
            _, opened = open_elements.pop()
            width = float(opened.get("BORDER", "0") or 0)
            if width > 0:
                strokes.append((opened["COLOR"], width))
                kinds.append("s")
        elif tag in {"B", "FONT", "I", "U", "S", "SUB", "SUP", "O"}:
            color, bold = fonts[-1]
            if closing:
                if len(fonts) > 1:
                    fonts.pop()
            else:
                fonts.append((attributes.get("COLOR", color), 1 if tag == "B" else bold))
    return tuple(texts), tuple(fills), tuple(strokes), "".join(kinds)


def _paint_of_node(attributes: str) -> NodePaint:
    if attributes.startswith(_CLUSTER):
        return _paint_of_cluster(attributes[len(_CLUSTER) :])
    label, rest = _html_value(attributes, "label")
    xlabel, rest = _html_value(rest, "xlabel")
    values = {key: _unquote(value) for key, value in _ATTRIBUTE.findall(rest)}
    # An external label (a note beside the node) is drawn last, after the node's own text.
    if xlabel is not None:
        notes = _paint_of_html(xlabel)[0]
    else:
        notes = ((values["xlabel"], values.get("fontcolor", ""), 0, "c"),) if values.get("xlabel") else ()
    if label is not None:
        texts, fills, strokes, kinds = _paint_of_html(label)
        return texts + notes, fills, strokes, kinds + "t" * len(notes)
    text = values.get("label", "")
    own: tuple[TextRun, ...] = ((text, values.get("fontcolor", ""), 0, "c"),) if text else ()
    # A plain node (an operation's circle) is one shape, filled and stroked, then its text.
    fill = values.get("fillcolor", values.get("color", "#000000"))
    stroke = (values.get("color", "#000000"), float(values.get("penwidth", "1")))
    return own + notes, (fill,), (stroke,), "b" + "t" * (len(own) + len(notes))


def _paint_of_cluster(attributes: str) -> NodePaint:
    """A cluster (a scope's box) as drawn: its outline, filled or not, then its label's text."""
    html_label, rest = _html_value(attributes, "label")
    values = {key: _unquote(value) for key, value in _ATTRIBUTE.findall(rest)}
    if html_label is not None:
        texts = _paint_of_html(html_label)[0]
    else:
        texts = ((values["label"], values.get("fontcolor", ""), 0, "c"),) if values.get("label") else ()
    filled = "filled" in values.get("style", "") or "bgcolor" in values
    fill = values.get("fillcolor", values.get("bgcolor", values.get("color", "#000000"))) if filled else "none"
    stroke = (values.get("pencolor", values.get("color", "#000000")), float(values.get("penwidth", "1")))
    return texts, (fill,), (stroke,), "b" + "t" * len(texts)


def _paint_of_edge(attributes: str, defaults: dict[str, str]) -> tuple[str, float, str, str]:
    values = dict(defaults)
    values.update({key: _unquote(value) for key, value in _ATTRIBUTE.findall(attributes)})
    return (
        values.get("color", "#000000"),
        float(values.get("penwidth", "1")),
        values.get("fontcolor", "#000000"),
        values.get("label", ""),
    )


@dataclass
class _Frame:
    """One frame's DOT split into its node and edge statements (keyed as in the SVG)."""

    lines: list[str]
    nodes: dict[str, str]
    edges: dict[str, str]

    @classmethod
    def parse(cls, dot: str, known: dict[str, tuple[str, str, str]]) -> _Frame:
        """Split ``dot``; ``known`` caches each distinct line's reading (most lines repeat frame after frame)."""
        lines = dot.splitlines()
        nodes: dict[str, str] = {}
        edges: dict[str, str] = {}
        # Open blocks, innermost last: a subgraph's name ("" for the graph itself or an
        # unnamed block) and the edge ports in force there (Graphviz titles edges with them).
        blocks: list[tuple[str, tuple[str, str]]] = []
        for line in lines:
            reading = known.get(line)
            if reading is None:
                reading = known[line] = _read_statement(line)
            kind, key, attributes = reading
            ports = blocks[-1][1] if blocks else ("", "")
            if kind == "open":
                blocks.append((key, ports))
                if key.startswith("cluster"):
                    nodes[key] = _CLUSTER
            elif kind == "close" and blocks:
                blocks.pop()
            elif kind == "defaults" and blocks:
                blocks[-1] = (blocks[-1][0], _ports(attributes, ports))
            elif kind == "graph" and blocks and blocks[-1][0].startswith("cluster"):
                cluster = blocks[-1][0]
                nodes[cluster] += (", " if nodes[cluster] != _CLUSTER else "") + attributes
            elif kind == "edge":
                source, target = key.split("\t")
                tail, head = _ports(attributes, ports) if ":" not in key else ("", "")
                title = f"{source}{tail}->{target}{head}"
                occurrence = 0
                while f"{title}#{occurrence}" in edges:
                    occurrence += 1
                edges[f"{title}#{occurrence}"] = attributes
            elif kind == "node":
                nodes[key] = attributes
        return cls(lines, nodes, edges)

    def structure(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return tuple(self.nodes), tuple(self.edges)


def _read_statement(line: str) -> tuple[str, str, str]:
    """What one DOT line says: ``(kind, key, attributes)``.

    Kinds: ``node`` (key: its id), ``edge`` (key: ``tail<TAB>head``, ports
    included), ``graph`` and ``defaults`` (an ``edge [...]`` line), ``open`` (a
    subgraph; key: its name) and ``close``; ``""`` for anything else.
    """
    edge = _EDGE.match(line)
    if edge:
        source, source_port, target, target_port, attributes = edge.groups()
        if _INVISIBLE.search(attributes or ""):
            return "", "", ""  # a layout hint: Graphviz draws nothing for it
        return "edge", f"{_unquote(source)}{source_port}\t{_unquote(target)}{target_port}", attributes or ""
    node = _NODE.match(line)
    if node:
        kind = {"graph": "graph", "edge": "defaults", "node": ""}.get(node.group(1), "node")
        return kind, _unquote(node.group(1)) if kind == "node" else "", node.group(2)
    block = _BLOCK_OPENS.match(line)
    if block:
        return "open", block.group(1) or "", ""
    return ("close", "", "") if line.strip() == "}" else ("", "", "")


def _ports(attributes: str, defaults: tuple[str, str]) -> tuple[str, str]:
    """An edge's tail and head ports (``":e"``, ``":w"`` or ``""``): its own, else the defaults in force."""
    found = dict(_PORT.findall(attributes))
    tail, head = found.get("tailport"), found.get("headport")
    return (f":{tail}" if tail else defaults[0]), (f":{head}" if head else defaults[1])


def _edge_defaults(lines: list[str]) -> dict[str, str]:
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("edge ["):
            return {key: _unquote(value) for key, value in _ATTRIBUTE.findall(stripped[len("edge ") :])}
    return {}


def _svg_paint_counts(svg: str) -> dict[str, int]:
    """How many paintable elements each node group of a Graphviz SVG holds, by node id."""
    import xml.etree.ElementTree as ElementTree

    counts: dict[str, int] = {}
    for group in ElementTree.fromstring(svg).iter(f"{_SVG}g"):
        if group.get("class") not in {"node", "cluster"}:
            continue
        title = group.find(f"{_SVG}title")
        painted = [
            element
            for element in group.iter()
            if element.tag in {f"{_SVG}{tag}" for tag in ("path", "polygon", "ellipse", "polyline", "text")}
        ]
        counts[title.text if title is not None and title.text else ""] = len(painted)
    return counts


def _compact_svg(svg: str) -> str:
    # Graphviz writes a comment before every node and edge: dead weight in a page.
    return re.sub(r"<!--.*?-->\n?", "", svg, flags=re.DOTALL)


def page_states(
    trace: Playable, *, function: str = "to_html", max_nodes: int = 500, collapse: Collapse = None
) -> dict[str, object]:
    """Every step of ``trace`` as the page plays it: a few laid-out pictures and each step's paint changes.

    Args:
        trace: a trace or lesson.
        function: the public caller, for error messages.
        max_nodes: as for ``frame``.
        collapse: as for ``frame``.

    Returns:
        ``pictures`` (one SVG per run of steps drawn alike, with its nodes and
        edges), ``picture`` (the picture of each step), ``states`` (every distinct
        paint of a node or edge), ``changes`` (per step, ``[element, state, ...]``)
        and ``focus`` (per step, the element drawn highlighted, or -1).

    Raises:
        GraphvizNotFound: ``dot`` is not installed.
        GraphTooLargeError: a frame has more than ``max_nodes`` nodes.

    Example:
        >>> from autograd import Value, trace_backward
        >>> data = page_states(trace_backward(Value(2.0) * 3))  # doctest: +SKIP
        >>> len(data["pictures"]), data["changes"][0][:2]  # doctest: +SKIP
        (1, [0, 3])
    """
    n = _check_playable(trace, function)
    known: dict[str, tuple[str, str, str]] = {}
    frames = [
        _Frame.parse(
            trace.frame_dot(i, caption=False, max_nodes=max_nodes, collapse=collapse, function=function), known
        )
        for i in range(n)
    ]
    node_paint: dict[str, NodePaint] = {}
    state_index: dict[object, int] = {}
    states: list[object] = []

    def state_of(value: object) -> int:
        if value not in state_index:
            state_index[value] = len(states)
            states.append(value)
        return state_index[value]

    def paint(attributes: str) -> NodePaint:
        if attributes not in node_paint:
            node_paint[attributes] = _paint_of_node(attributes)
        return node_paint[attributes]

    # Consecutive frames with the same phase and the same nodes and edges share a picture.
    runs: list[list[int]] = []
    keys: list[object] = []
    for i, frame in enumerate(frames):
        key = (phase_of(trace, i), frame.structure())
        if not keys or keys[-1] != key:
            runs.append([])
            keys.append(key)
        runs[-1].append(i)

    changes: list[list[int]] = [[] for _ in range(n)]
    focus = [-1] * n
    pictures: list[dict[str, object]] = []
    base_sources: list[str] = []
    for run in runs:
        last = frames[run[-1]]
        node_ids, edge_keys = list(last.nodes), list(last.edges)
        defaults = _edge_defaults(last.lines)
        # Pass 1: each element's state per step, recorded only when its statement changed.
        richest = {node_id: last.nodes[node_id] for node_id in node_ids}
        previous: list[str | None] = [None] * (len(node_ids) + len(edge_keys))
        per_step: list[list[tuple[int, int]]] = []
        for i in run:
            frame, step = frames[i], []
            for e, node_id in enumerate(node_ids):
                attributes = frame.nodes[node_id]
                if attributes != previous[e]:
                    previous[e] = attributes
                    texts, fills, strokes, _ = paint(attributes)
                    step.append((e, state_of((tuple(t[:3] for t in texts), fills, strokes))))
                    if len(texts) > len(paint(richest[node_id])[0]):
                        richest[node_id] = attributes
            for k, edge_key in enumerate(edge_keys):
                e = len(node_ids) + k
                attributes = frame.edges[edge_key]
                if attributes != previous[e]:
                    previous[e] = attributes
                    step.append((e, state_of(_paint_of_edge(attributes, defaults))))
            per_step.append(step)
        # The picture is laid out once, with each node at its widest (most text), so
        # that no later number overflows its box.
        base: list[int] = []
        lines = list(last.lines)
        for position, line in enumerate(lines):
            match = _NODE.match(line)
            node_id = _unquote(match.group(1)) if match else ""
            if match and node_id in richest and richest[node_id] != match.group(2):
                lines[position] = line[: match.start(2)] + richest[node_id] + line[match.end(2) :]
        for node_id in node_ids:
            texts, fills, strokes, _ = paint(richest[node_id])
            base.append(state_of((tuple(t[:3] for t in texts), fills, strokes)))
        base.extend(state_of(_paint_of_edge(last.edges[key], defaults)) for key in edge_keys)
        # Pass 2: the first step is stored against the picture as laid out, later ones against the step before.
        current = list(base)
        highlighted = {e for e in range(len(node_ids)) if _is_highlighted(states[base[e]])}
        for i, step in zip(run, per_step):
            for e, s in step:
                if current[e] != s:
                    current[e] = s
                    changes[i] += [e, s]
                    if e < len(node_ids):
                        (highlighted.add if _is_highlighted(states[s]) else highlighted.discard)(e)
            focus[i] = min(highlighted, default=-1)
        base_sources.append(quick_layout("\n".join(lines) + "\n", len(node_ids)))
        pictures.append(
            {
                "first": run[0],
                "nodes": [[node_id, paint(richest[node_id])[3], "".join(t[3] for t in paint(richest[node_id])[0])]
                          for node_id in node_ids],
                "edges": edge_keys,
                "base": base,
            }
        )
    # One run of dot lays out every picture.
    output = render_dot("".join(base_sources), "svg", function).decode("utf-8")
    svgs = [match.group(0) for match in re.finditer(r"<svg\b.*?</svg>", output, flags=re.DOTALL)]
    if len(svgs) != len(pictures):
        raise RuntimeError(f"{function}(): dot returned {len(svgs)} pictures for {len(pictures)} layouts.")
    for picture, svg in zip(pictures, svgs):
        counts = _svg_paint_counts(svg)
        nodes = picture["nodes"]
        assert isinstance(nodes, list)
        for entry in nodes:
            # A node Graphviz drew differently from the model keeps its first look (no repaint).
            if counts.get(entry[0], -1) != len(entry[1]):
                entry[1] = ""
        picture["svg"] = _compact_svg(svg)
    picture_of_step = [p for p, run in enumerate(runs) for _ in run]
    return {
        "pictures": pictures,
        "picture": picture_of_step,
        "states": states,
        "changes": changes,
        "focus": focus,
    }


# Above the default max_nodes, dot spends its time on network simplex placing nodes
# (measured on a busy machine: 1,000 nodes 46 s -> 5.7 s, 2,000 nodes 268 s -> 22 s
# with nslimit=0.2); the layout gets less straight, but a graph that size is panned
# through, never read at a glance.
LARGE_PICTURE = 500
QUICK_LAYOUT = "\tgraph [nslimit=0.2]\n"


def quick_layout(dot: str, nodes: int) -> str:
    """``dot`` with a cheaper node placement when it draws more than ``LARGE_PICTURE`` nodes.

    Example:
        >>> small = "digraph g {" + chr(10) + "}"
        >>> quick_layout(small, 10) == small, quick_layout(small, 501).split()
        (True, ['digraph', 'g', '{', 'graph', '[nslimit=0.2]', '}'])
    """
    if nodes <= LARGE_PICTURE:
        return dot
    head, _, body = dot.partition("\n")
    return f"{head}\n{QUICK_LAYOUT}{body}"


def _is_highlighted(state: object) -> bool:
    """Whether a node's state draws a stroke in the highlight colour (this step's node or box)."""
    strokes = state[2] if isinstance(state, tuple) and len(state) == 3 else ()
    return any(color.upper() == HIGHLIGHT.upper() for color, _ in strokes)



# --- predict, then reveal: one question per step ---------------------------------------------

Question = tuple[str, float, tuple[str, ...], str]
"""A step's question: what to ask, the answer, the numbers the frame hides while asking, the answer as shown."""


def _learns(node: Value) -> bool:
    # Data (inputs, targets) needs no gradient; parameters and computed nodes do.
    return node.operation is not None or isinstance(node, Parameter)


def quiz_questions(trace: Playable) -> list[Question | None]:
    """One question per step of ``trace``, for ``to_html(quiz=True)`` and ``player(quiz=True)``.

    A forward step asks for the value it computes; a backward step asks for the
    gradient it passes back: to a parameter or a computed node rather than to data
    and, for a box (a neuron, the loss), to the first one outside the box, such as
    ∂J/∂ŷ for the loss. The answer is what the step adds, so it is the product the
    narration shows.

    Example:
        >>> from autograd import Parameter, Value, trace_backward
        >>> w, x = Parameter(0.5, label="w"), Value(2.0, label="x")
        >>> z = w * x; z.label = "z"
        >>> question, answer, hidden, shown = quiz_questions(trace_backward(z))[0]
        >>> question.splitlines()[-1], answer, shown
        ('∂z/∂w = ∂z/∂z · ∂(w × x)/∂w = ?', 2.0, '2.0')
    """
    n = _check_playable(trace, "quiz_questions")
    return [_question(trace, i, n) for i in range(n)]


def _question(trace: Playable, i: int, n: int) -> Question | None:
    # trace.py imports this module (lazily, for its to_html and player): import back lazily too.
    from autograd.see.trace import ForwardStep, symbol

    # Duck-typed: a per-node trace, a trace by boxes, or a lesson of either.
    part_of = getattr(trace, "part_of", None)
    part: Any
    part, k = part_of(i) if callable(part_of) else (trace, i)
    node_trace: Any = getattr(part, "node_trace", part)
    step = part.steps[k]
    names, number = node_trace.names, node_trace._number
    counter_of = getattr(trace, "counter", None)
    counter = counter_of(i) if callable(counter_of) else f"Step {i + 1} of {n}"
    box = getattr(step, "title", None)
    node_steps = getattr(step, "node_steps", (step,))
    first = node_steps[0]
    if isinstance(first, ForwardStep):
        node = node_steps[-1].node
        value = node_steps[-1].value
        what = f"{box}: {names[node]} = ?" if box else f"{names[node]} = {node_trace.formula(node)} = ?"
        return f"{counter}. Your turn: {what}", value, (number(value),), number(value)
    contributions = [c for node_step in node_steps for c in node_step.inputs]
    if not contributions:
        return None
    # A neuron's question is its ∂J/∂z (the lecture's δ); another box's (the loss's) is the
    # gradient it passes out, such as ∂J/∂ŷ; a single node's, its first operand that learns.
    neuron = getattr(part, "neurons", {}).get(first.node) if box else None
    inside = {node_step.node for node_step in node_steps} if box else set()
    received = {c.input for c in contributions}
    target = next(
        node
        for node in [getattr(neuron, "z", None)]
        + [c.input for c in contributions if c.input not in inside and c.input.operation is not None]
        + [c.input for c in contributions if _learns(c.input)]
        + [contributions[0].input]
        if node in received
    )
    mine = [c for c in contributions if c.input is target]
    answer = math.fsum(c.contribution for c in mine)
    out = symbol(names[trace_root(node_trace)])
    gradient = f"∂{out}/∂{symbol(names[target])} {'+=' if mine[0].grad_before else '='}"
    if box:
        context = f"{box}, going back from ∂{out}/∂{symbol(names[first.node])} = {number(first.upstream)}."
        ask = f"{gradient} ?"
    else:
        node = first.node
        through = f"{names[node]} = {node_trace.formula(node)}"
        context = f"∂{out}/∂{symbol(names[node])} = {number(first.upstream)}; go back through {through}."
        local = f" · {node_trace.local(node, target)}" if len(mine) == 1 else ""
        ask = f"{gradient} ∂{out}/∂{symbol(names[node])}{local} = ?"
    hidden = tuple(dict.fromkeys([number(answer), number(mine[-1].grad_after)]))
    return f"{counter}. Your turn: {context}\n{ask}", answer, hidden, number(answer)


def trace_root(trace: object) -> Value:
    """The output a trace differentiates (its ``root``)."""
    root = getattr(trace, "root", None)
    if not isinstance(root, Value):
        raise TypeError(f"quiz_questions() got a trace without a root Value: {trace!r}.")
    return root


def accepts(typed: str, answer: float) -> bool | None:
    """Whether ``typed`` is within 1e-3 (relative) of ``answer``; ``None`` if it is not a number.

    The page's script applies the same rule; ``−`` (the minus sign the narration prints) reads as ``-``.

    Example:
        >>> accepts("−0.4883", -0.48834), accepts("-0.49", -0.48834), accepts("about half", 0.5)
        (True, False, None)
    """
    try:
        guess = float(typed.strip().replace("\u2212", "-").replace(" ", ""))
    except ValueError:
        return None
    if math.isnan(guess):
        return None
    return guess == answer or abs(guess - answer) <= 1e-3 * abs(answer)


def _hide_numbers(svg: str, numbers: tuple[str, ...]) -> str:
    # Only whole numbers drawn as a text of their own or after a space ("grad -9.036") are hidden.
    for number in numbers:
        svg = re.sub(rf"(>|>[^<]*\s){re.escape(html.escape(number))}(?=</text>)", r"\1?", svg)
    return svg


class _WidgetQuiz:
    """The Jupyter player's quiz: an answer field, check and reveal, feedback and a score."""

    def __init__(
        self, widgets: types.ModuleType, trace: Playable, svgs: list[str], redraw: Callable[[], None]
    ) -> None:
        self.trace, self.svgs, self.redraw = trace, svgs, redraw
        self.questions = quiz_questions(trace)
        self.outcome: dict[int, str] = {}
        self.current = 0
        self.answer = widgets.Text(placeholder="your answer", continuous_update=False, description="answer")
        self.check = widgets.Button(description="check", tooltip="check your answer (Enter)")
        self.reveal = widgets.Button(description="reveal", tooltip="show the answer and go on")
        self.feedback = widgets.HTML()
        self.score = widgets.HTML()
        self.row = widgets.HBox([self.answer, self.check, self.reveal, self.feedback, self.score])
        self.row.add_class("glassgrad-quiz")
        self.check.on_click(lambda _button: self.try_answer())
        self.reveal.on_click(lambda _button: self.close("revealed"))
        self.answer.observe(lambda _change: self.try_answer(), names="value")

    def asking(self, i: int) -> bool:
        return self.questions[i] is not None and i not in self.outcome

    def picture(self, i: int) -> str:
        """While asking: the graph as it stood before step ``i`` (its first step: the step's, numbers hidden)."""
        question = self.questions[i]
        assert question is not None
        if i > 0 and phase_of(self.trace, i - 1) == phase_of(self.trace, i):
            return self.svgs[i - 1]
        return _hide_numbers(self.svgs[i], question[2])

    def question_html(self, i: int) -> str:
        question = self.questions[i]
        assert question is not None
        return (
            f'<pre style="font-size:15px;line-height:1.5;background:#F6F6F6;border-left:4px solid {HIGHLIGHT};'
            f'padding:8px 12px;margin:4px 0;white-space:pre-wrap">{html.escape(question[0])}</pre>'
        )

    def show(self, i: int) -> None:
        self.current = i
        question, asking = self.questions[i], self.asking(i)
        self.row.layout.display = "none" if question is None else ""
        self.answer.disabled = self.check.disabled = self.reveal.disabled = not asking
        if asking:
            self.feedback.value = ""
        elif question is not None:
            said = "✓ right" if self.outcome[i] == "right" else "the answer"
            self.feedback.value = f"<b>{said}: {html.escape(question[3])}</b>"
        right = sum(1 for outcome in self.outcome.values() if outcome == "right")
        self.score.value = f"score {right} of {len(self.outcome)}"

    def try_answer(self) -> None:
        question = self.questions[self.current]
        if question is None or not self.asking(self.current) or not self.answer.value.strip():
            return
        verdict = accepts(self.answer.value, question[1])
        if verdict:
            self.close("right")
        elif verdict is None:
            self.feedback.value = "type a number, such as -0.25 or 1e-3"
        else:
            self.feedback.value = f"not {html.escape(self.answer.value.strip())}: try again, or reveal"

    def close(self, outcome: str) -> None:
        if self.asking(self.current):
            self.outcome[self.current] = outcome
            self.answer.value = ""
            self.redraw()


def _visible(text: str) -> str:
    # A lone surrogate cannot be written as UTF-8; show it the way to_dot does, as Python's repr would.
    return _SURROGATE.sub(lambda match: repr(match.group(0))[1:-1], text)


def _json_for_script(value: object) -> str:
    # Inside <script>, "</script>" or "<!--" in a label would end the block early;
    # escaping <, > and & keeps the JSON identical once parsed.
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _template(name: str) -> str:
    """One of the page's files (``autograd/see/page/player.html``, ``.css``, ``.js``), shipped as package data."""
    return resources.files("autograd.see").joinpath("page").joinpath(name).read_text(encoding="utf-8")


def page(
    trace: Playable,
    *,
    title: str = "",
    interval: int = 1500,
    max_nodes: int = 500,
    collapse: Collapse = None,
    quiz: bool = False,
) -> str:
    """The offline player page for ``trace`` as HTML text (``to_html`` writes it to a file).

    Example:
        >>> from autograd import Value, trace_backward
        >>> page(trace_backward(Value(2.0) * 3)).startswith("<!DOCTYPE html>")  # doctest: +SKIP
        True
    """
    n = _check_playable(trace, "to_html")
    if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
        raise ValueError(f"to_html() got interval={interval!r}; expected milliseconds per step, an int ≥ 1.")
    if not isinstance(title, str):
        raise TypeError(f"to_html() got title {title!r} of type {type(title).__name__}; expected a str.")
    if not isinstance(quiz, bool):
        raise TypeError(f"to_html() got quiz={quiz!r} of type {type(quiz).__name__}; expected True or False.")
    data: dict[str, object] = {
        "explanations": [_visible(trace.explain(i)) for i in range(n)],
        "phases": [phase_of(trace, i) for i in range(n)],
        "interval": interval,
        "highlight": HIGHLIGHT,
    }
    if quiz:
        data["quiz"] = quiz_questions(trace)
    data.update(page_states(trace, function="to_html", max_nodes=max_nodes, collapse=collapse))
    kinds = ("input", "parameter", "intermediate", "output", "constant")
    legend = "".join(
        f'<span style="--border:{PALETTE[kind][0]};--fill:{PALETTE[kind][1]}">{kind}</span>' for kind in kinds
    )
    legend += f'<span style="--border:{HIGHLIGHT};--fill:#FFFFFF">this step</span>'
    legend += f'<span style="--border:{PALETTE["intermediate"][0]};--fill:#FFFFFF">not reached yet</span>'
    # Each placeholder is filled once, in this order, so text put in by an earlier
    # one (a title, a label in the data) is never taken for a later placeholder.
    filled = {
        "__STYLE__": _template("player.css").replace("__HIGHLIGHT__", HIGHLIGHT),
        "__SCRIPT__": _template("player.js"),
        "__LEGEND__": legend,
        "__TITLE__": html.escape(_visible(title or default_title(trace))),
        "__DATA__": _json_for_script(data),
    }
    pieces = re.split(r"(__[A-Z]+__)", _template("player.html"))
    return "".join(filled.get(piece, piece) for piece in pieces)


def default_title(trace: Playable) -> str:
    """A page title naming the passes and the output, e.g. ``backprop through J``.

    Example:
        >>> from autograd import Value, trace_backward
        >>> default_title(trace_backward(Value(2.0, label="x") * 3))
        'backprop through v2'
    """
    parts = getattr(trace, "parts", [trace])
    phases = [getattr(part, "phase", "") for part in parts]
    names = getattr(parts[0], "names", {})
    root = getattr(parts[0], "root", None)
    what = "forward pass" if "forward" in phases else "backprop"
    if len(set(phases)) > 1:
        what = "forward and backward pass"
    return f"{what} through {names.get(root, 'the graph')}"


def to_html(
    trace: Playable,
    path: str | os.PathLike[str],
    *,
    title: str = "",
    interval: int = 1500,
    max_nodes: int = 500,
    collapse: Collapse = None,
    quiz: bool = False,
) -> Path:
    """Write the trace as ONE self-contained web page: the graph, buttons, arrow keys, explanations.

    The file needs no server and makes no network request (a Content-Security-Policy
    forbids any), so it can be e-mailed or opened from disk. It is written atomically.
    Each pass is laid out once; the page repaints it step by step from data (see
    ``page_states``), so a lesson of hundreds of steps stays small. The graph fits
    the window at any size; ``P`` switches to presentation mode (large type, no
    controls, the step's node kept in view; ``+``/``−`` zoom, ``Esc`` leaves).

    Args:
        trace: a trace from ``trace_backward`` / ``trace_forward``, or their sum.
        path: the ``.html`` file to write.
        title: the page heading (default: names the passes and the output).
        interval: milliseconds per step while playing.
        max_nodes: refuse graphs with more nodes (or boxes) than this.
        collapse: as for ``player``; ``"scope"`` plays a whole network.
        quiz: predict, then reveal: each step first asks for the number it computes
            (the gradient it passes back; a forward step's value), hides it in the
            picture, and shows the step once the answer is within 1e-3 (relative)
            or the student presses "reveal"; a score counts the right answers.

    Returns:
        The path written.

    Raises:
        GraphvizNotFound: Graphviz's ``dot`` is missing.
        GraphTooLargeError: more than ``max_nodes`` nodes; the message suggests ``collapse=``.
        TypeError: ``quiz`` is not a bool.
        ValueError: the trace has no steps.

    Example:
        >>> from autograd import Value, trace_backward
        >>> to_html(trace_backward(Value(2.0) * 3), "backprop.html")  # doctest: +SKIP
        PosixPath('backprop.html')
    """
    target = Path(path)
    text = page(trace, title=title, interval=interval, max_nodes=max_nodes, collapse=collapse, quiz=quiz)
    write_atomically(target, text.encode("utf-8"), caller="to_html()")
    return target
