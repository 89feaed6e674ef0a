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
import os
import re
import types
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from autograd.see.picture import HIGHLIGHT, PALETTE, DrawOptions, Frame, widest
from autograd.see.render import Collapse, frame_lines, render_dot, write_atomically

if TYPE_CHECKING:
    import ipywidgets


class Playable(Protocol):
    """What a player needs from a trace: its length, explanations and each frame's paint."""

    def __len__(self) -> int: ...

    def explain(self, i: int) -> str: ...  # noqa: D102

    def frame_paint(self, i: int, options: DrawOptions) -> Frame: ...  # noqa: D102


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
    if not callable(getattr(trace, "frame_paint", None)) or not callable(getattr(trace, "explain", None)):
        raise TypeError(
            f"{function}() got {trace!r} of type {type(trace).__name__}; "
            "expected a trace from autograd.trace_backward() or autograd.trace_forward()."
        )
    n = len(trace)
    if n == 0:
        raise ValueError(f"{function}() got a trace with no steps; the root is a leaf, so nothing was computed.")
    return n


def frame_svgs(trace: Playable, options: DrawOptions | None = None) -> list[str]:
    """Every frame of ``trace`` as inline SVG markup, rendered by one run of ``dot``.

    Args:
        trace: a trace or lesson.
        options: ``max_nodes``, ``collapse`` and the caller named in errors (the trace adds its own).

    Returns:
        One ``<svg>…</svg>`` string per step.

    Raises:
        GraphvizNotFound: ``dot`` is not installed.
        GraphTooLargeError: a frame has more than ``max_nodes`` nodes (the message names the caller).

    Example:
        >>> from autograd import Value, trace_backward
        >>> frame_svgs(trace_backward(Value(2.0) * 3))[0][:4]  # doctest: +SKIP
        '<svg'
    """
    options = options or DrawOptions(caller="to_html")
    n = _check_playable(trace, options.caller)
    # dot lays out every graph of its input in turn, so one process renders all
    # frames (spawning dot per frame costs ~30 ms each).
    frames = [trace.frame_paint(i, options) for i in range(n)]
    source = "".join("digraph glassgrad {\n" + "".join(frame_lines(frame)) + "}\n" for frame in frames)
    size = sum(frame.picture.size for frame in frames)
    svgs = _svgs(render_dot(source, "svg", options.caller, nodes=size, graphs=n), options.caller)
    if len(svgs) != n:
        raise RuntimeError(f"{options.caller}(): dot returned {len(svgs)} pictures for {n} frames.")
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
    trace: Playable, *, interval: int = 1500, max_nodes: int = 500, collapse: Collapse = None
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

    Returns:
        An ``ipywidgets.VBox``; the last line of a cell displays it.

    Raises:
        GraphvizNotFound: Graphviz's ``dot`` is missing.
        GraphTooLargeError: more than ``max_nodes`` nodes; the message suggests ``collapse=``.
        ImportError: ipywidgets is missing (the message says what to install).
        ValueError: the trace has no steps, or ``interval`` is not positive.

    Example:
        >>> from autograd import Value, trace_backward
        >>> box = player(trace_backward(Value(2.0) * 3))  # doctest: +SKIP
    """
    if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
        raise ValueError(f"player() got interval={interval!r}; expected milliseconds per step, an int ≥ 1.")
    n = _check_playable(trace, "player")
    widgets = _ipywidgets("player")
    svgs = frame_svgs(trace, DrawOptions(max_nodes=max_nodes, collapse=collapse, caller="player"))
    play = widgets.Play(value=0, min=0, max=n - 1, step=1, interval=interval, description="play")
    slider = widgets.IntSlider(value=0, min=0, max=n - 1, step=1, description="step", continuous_update=True)
    # jslink moves the slider with Play in the browser, even between kernel round trips.
    widgets.jslink((play, "value"), (slider, "value"))
    previous = widgets.Button(description="previous", icon="step-backward", tooltip="previous step")
    following = widgets.Button(description="next", icon="step-forward", tooltip="next step")
    picture = widgets.HTML()
    explanation = widgets.HTML()

    def show(i: int) -> None:
        picture.value = f'<div style="overflow:auto;max-width:100%">{svgs[i]}</div>'
        explanation.value = _explanation_html(trace, i)
        previous.disabled = i == 0
        following.disabled = i == n - 1

    def step_by(delta: int) -> None:
        slider.value = min(max(slider.value + delta, 0), n - 1)

    slider.observe(lambda change: show(change["new"]), names="value")
    previous.on_click(lambda _button: step_by(-1))
    following.on_click(lambda _button: step_by(+1))
    show(0)
    box: ipywidgets.VBox = widgets.VBox(
        [widgets.HBox([play, previous, following, slider]), picture, explanation],
        layout=widgets.Layout(width="100%"),
    )
    box.add_class("glassgrad-player")
    return box


# --- the offline web page: one picture per part, each step's paint as data ------------------
#
# A frame of a trace differs from the next only in paint: colours, border widths and
# the numbers shown. So the page lays out ONE picture per part of a lesson (forward
# frames draw no gradient rows, so they get their own), and stores for every step only
# what changed: per node its texts, fills and strokes; per edge its colour, width and
# label. The paint comes from the picture model (``picture.paint``), which says what
# Graphviz draws for each element in drawing order; the script finds each element in
# the SVG by the id the picture gave it (ids survive Graphviz unchanged, positions and
# titles are Graphviz's business), so nothing here reads DOT or SVG text back.


def page_states(trace: Playable, options: DrawOptions | None = None) -> dict[str, object]:
    """Every step of ``trace`` as the page plays it: a few laid-out pictures and each step's paint changes.

    Args:
        trace: a trace or lesson.
        options: ``max_nodes``, ``collapse`` and the caller named in errors (the trace adds its own).

    Returns:
        ``pictures`` (one SVG per run of steps drawn alike, with its nodes' ids,
        paint kinds and text alignments, its edges' ids and the state of each as laid
        out), ``picture`` (the picture of each step), ``states`` (every distinct paint
        of a node or edge), ``changes`` (per step, ``[element, state, ...]``) and
        ``focus`` (per step, the element drawn highlighted, or -1).

    Raises:
        GraphvizNotFound: ``dot`` is not installed.
        GraphTooLargeError: a frame has more than ``max_nodes`` nodes.

    Example:
        >>> from autograd import Value, trace_backward
        >>> data = page_states(trace_backward(Value(2.0) * 3))  # doctest: +SKIP
        >>> len(data["pictures"]), data["changes"][0][:2]  # doctest: +SKIP
        (1, [0, 3])
    """
    options = options or DrawOptions(caller="to_html")
    n = _check_playable(trace, options.caller)
    frames = [trace.frame_paint(i, options) for i in range(n)]
    state_index: dict[object, int] = {}
    states: list[object] = []

    def state_of(value: object) -> int:
        if value not in state_index:
            state_index[value] = len(states)
            states.append(value)
        return state_index[value]

    # Consecutive frames with the same phase and the same picture share a laid-out picture.
    runs: list[list[int]] = []
    keys: list[object] = []
    for i, frame in enumerate(frames):
        key = (phase_of(trace, i), id(frame.picture))
        if not keys or keys[-1] != key:
            runs.append([])
            keys.append(key)
        runs[-1].append(i)

    changes: list[list[int]] = [[] for _ in range(n)]
    focus = [-1] * n
    pictures: list[dict[str, object]] = []
    sources: list[str] = []
    size = 0
    for run in runs:
        last = frames[run[-1]]
        picture = last.picture
        node_ids = list(last.nodes)
        edges = range(len(picture.edges))
        # The picture is laid out once, with each node at its widest (each text at its
        # longest), so that no later number overflows its box.
        widest_paint = {node_id: widest([frames[i].nodes[node_id] for i in run]) for node_id in node_ids}
        # What the laid-out SVG shows is no frame's state, so every node is painted at the run's first step.
        base = [state_of(LAID_OUT)] * len(node_ids)
        base += [state_of(last.edges[k]) for k in edges]
        current = list(base)
        highlighted = {e for e in range(len(node_ids)) if _is_highlighted(states[base[e]])}
        for i in run:
            frame = frames[i]
            step = [state_of(frame.nodes[node_id].state) for node_id in node_ids]
            step += [state_of(frame.edges[k]) for k in edges]
            for e, s in enumerate(step):
                if current[e] != s:
                    current[e] = s
                    changes[i] += [e, s]
                    if e < len(node_ids):
                        (highlighted.add if _is_highlighted(states[s]) else highlighted.discard)(e)
            focus[i] = min(highlighted, default=-1)
        labels = {node_id: paint.label for node_id, paint in widest_paint.items()}
        sources.append("digraph glassgrad {\n" + "".join(frame_lines(last, labels)) + "}\n")
        size += picture.size
        pictures.append(
            {
                "first": run[0],
                "nodes": [
                    [node_id, widest_paint[node_id].kinds, "".join(t[3] for t in widest_paint[node_id].texts)]
                    for node_id in node_ids
                ],
                "edges": [picture.edges[k].id for k in edges],
                "base": base,
            }
        )
    # One run of dot lays out every picture.
    svgs = _svgs(render_dot("".join(sources), "svg", options.caller, nodes=size, graphs=len(sources)), options.caller)
    if len(svgs) != len(pictures):
        raise RuntimeError(f"{options.caller}(): dot returned {len(svgs)} pictures for {len(pictures)} layouts.")
    for entry, svg in zip(pictures, svgs):
        entry["svg"] = _compact_svg(svg)
    return {
        "pictures": pictures,
        "picture": [p for p, run in enumerate(runs) for _ in run],
        "states": states,
        "changes": changes,
        "focus": focus,
    }


LAID_OUT = "as laid out"
"""The state of a node in a page's picture before its first step paints it (never painted itself)."""


def _svgs(output: bytes, function: str) -> list[str]:
    """The SVG documents of one ``dot`` run over several graphs, in order (dot writes them one after another)."""
    text = output.decode("utf-8")
    return [match.group(0) for match in re.finditer(r"<svg\b.*?</svg>", text, flags=re.DOTALL)]


def _compact_svg(svg: str) -> str:
    # Graphviz writes a comment before every node and edge: dead weight in a page.
    return re.sub(r"<!--.*?-->\n?", "", svg, flags=re.DOTALL)


def _is_highlighted(state: object) -> bool:
    """Whether a node's state draws a stroke in the highlight colour (this step's node or box)."""
    strokes = state[2] if isinstance(state, tuple) and len(state) == 3 else ()
    return any(color.upper() == HIGHLIGHT.upper() for color, _ in strokes)


_SURROGATE = re.compile("[\ud800-\udfff]")


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
    trace: Playable, *, title: str = "", interval: int = 1500, max_nodes: int = 500, collapse: Collapse = None
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
    data: dict[str, object] = {
        "explanations": [_visible(trace.explain(i)) for i in range(n)],
        "phases": [phase_of(trace, i) for i in range(n)],
        "interval": interval,
    }
    data.update(page_states(trace, DrawOptions(max_nodes=max_nodes, collapse=collapse, caller="to_html")))
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

    Returns:
        The path written.

    Raises:
        GraphvizNotFound: Graphviz's ``dot`` is missing.
        GraphTooLargeError: more than ``max_nodes`` nodes; the message suggests ``collapse=``.
        ValueError: the trace has no steps.

    Example:
        >>> from autograd import Value, trace_backward
        >>> to_html(trace_backward(Value(2.0) * 3), "backprop.html")  # doctest: +SKIP
        PosixPath('backprop.html')
    """
    target = Path(path)
    text = page(trace, title=title, interval=interval, max_nodes=max_nodes, collapse=collapse)
    write_atomically(target, text.encode("utf-8"), caller="to_html()")
    return target
