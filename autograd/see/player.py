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
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from autograd.see.picture import (
    HIGHLIGHT,
    PALETTE,
    DrawOptions,
    EdgePaint,
    Frame,
    Look,
    Paint,
    Picture,
    is_count,
    paint,
    paint_nodes,
    widest,
)
from autograd.see.render import Collapse, dot_source, frame_lines, optional_module, render_dot, write_atomically

if TYPE_CHECKING:
    import ipywidgets

    from autograd.engine.value import Value


class Playable(Protocol):
    """What a player needs from a trace: its length, explanations and each frame's paint."""

    def __len__(self) -> int: ...

    def explain(self, i: int) -> str: ...  # noqa: D102

    def phase_of(self, i: int) -> str: ...  # noqa: D102

    def frame_paint(self, i: int, options: DrawOptions) -> Frame: ...  # noqa: D102

    def looks(self, options: DrawOptions) -> Iterator[tuple[Picture, Look, frozenset[Value] | None]]: ...  # noqa: D102

    def quiz_questions(self) -> list[Question | None]: ...  # noqa: D102


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

    ``options`` gives ``max_nodes``, ``collapse`` and the caller named in errors (the trace adds its own).

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
    source = "".join(dot_source(frame_lines(frame)) for frame in frames)
    return _svgs(source, options.caller, sum(frame.picture.size for frame in frames), n, "frames")


def _explanation_html(trace: Playable, i: int) -> str:
    phase = trace.phase_of(i)
    badge = f"<b>{html.escape(phase)}</b> · " if phase else ""
    return f'<div style="font-size:14px;color:#555">{badge}step {i + 1} of {len(trace)}</div>{_pre(trace.explain(i))}'


def _pre(text: str) -> str:
    """The player's narration box: an explanation or a question."""
    return (
        f'<pre style="font-size:15px;line-height:1.5;background:#F6F6F6;border-left:4px solid {HIGHLIGHT};'
        f'padding:8px 12px;margin:4px 0;white-space:pre-wrap">{html.escape(text)}</pre>'
    )


def player(
    trace: Playable, *, interval: int = 1500, max_nodes: int = 500, collapse: Collapse = None, quiz: bool = False
) -> ipywidgets.VBox:
    """An ipywidgets player: play/pause, previous/next, a step slider, the frame and its explanation.

    Only standard widgets are used (``Play``, ``IntSlider`` joined by ``jslink``,
    ``Button``, ``HTML``), so it works in JupyterLab, classic Notebook and VS Code.

    The arguments are ``to_html``'s; with ``quiz=True`` the picture shows the graph as it
    stood before the step while the step asks for its number. Returns an ``ipywidgets.VBox``:
    the last line of a cell displays it.

    Raises:
        ImportError: ipywidgets is missing (the message says what to install).
        GraphvizNotFound, GraphTooLargeError, TypeError, ValueError: as ``to_html``, or a bad ``interval``.

    Example:
        >>> from autograd import Value, trace_backward
        >>> box = player(trace_backward(Value(2.0) * 3))  # doctest: +SKIP
    """
    if not isinstance(quiz, bool):
        raise TypeError(f"player() got quiz={quiz!r} of type {type(quiz).__name__}; expected True or False.")
    if not is_count(interval) or interval < 1:
        raise ValueError(f"player() got interval={interval!r}; expected milliseconds per step, an int ≥ 1.")
    n = _check_playable(trace, "player")
    widgets = optional_module("ipywidgets", "player", what="ipywidgets", extra="notebook", error=ImportError)
    svgs = frame_svgs(trace, DrawOptions(max_nodes=max_nodes, collapse=collapse, caller="player"))
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
        if questions is not None and questions.asking(i):
            svg, text = questions.picture(i), questions.question_html(i)
        else:
            svg, text = svgs[i], _explanation_html(trace, i)
        picture.value = f'<div style="overflow:auto;max-width:100%">{svg}</div>'
        explanation.value = text
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

    Each step paints only the elements whose look it changes (its node, the
    gradients it adds to, the nodes it finishes, the previous step's node), so
    writing a page takes time proportional to its steps plus its pictures, not to
    steps × nodes.

    ``options`` gives ``max_nodes``, ``collapse`` and the caller named in errors (the trace adds its own).

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
    states = _States()
    changes: list[list[int]] = [[] for _ in range(n)]
    focus = [-1] * n
    runs: list[_Run] = []
    flags: tuple[bool, ...] = ()
    for i, (picture, look, touched) in enumerate(trace.looks(options)):
        # Consecutive steps with the same phase and the same picture share a laid-out picture.
        key = (trace.phase_of(i), id(picture))
        # Whether a look gives gradients, fills or highlights at all changes every element's paint.
        step_flags = (look.grads is None, look.filled is None, bool(look.current), bool(look.active))
        if runs and runs[-1].key == key and step_flags == flags and touched is not None:
            nodes, edges = paint_nodes(picture, look, touched)
        else:  # a new picture, or every element's paint changes: paint them all
            if not runs or runs[-1].key != key:
                runs.append(_Run(key, picture, i))
            flags = step_flags
            frame = paint(picture, look)
            nodes, edges = frame.nodes, dict(enumerate(frame.edges))
        runs[-1].step(i, look, nodes, edges, states, changes[i])
        focus[i] = min(runs[-1].highlighted, default=-1)
    pictures: list[dict[str, object]] = []
    sources: list[str] = []
    for run in runs:
        entry, dot = run.close(states, changes[run.first])
        pictures.append(entry)
        sources.append(quick_layout(dot, len(run.node_ids)))
    # One run of dot lays out every picture.
    svgs = _svgs("".join(sources), options.caller, sum(run.picture.size for run in runs), len(sources), "layouts")
    for entry, svg in zip(pictures, svgs):
        entry["svg"] = _compact_svg(svg)
    return {
        "pictures": pictures,
        "picture": [p for p, run in enumerate(runs) for _ in range(run.first, run.end)],
        "states": states.values,
        "changes": changes,
        "focus": focus,
    }


class _States:
    """Every distinct paint state of the page, numbered in order of first use."""

    def __init__(self) -> None:
        self.index: dict[object, int] = {}
        self.values: list[object] = []

    def __call__(self, value: object) -> int:
        number = self.index.get(value)
        if number is None:
            number = self.index[value] = len(self.values)
            self.values.append(value)
        return number


class _Run:
    """The steps a page draws on one laid-out picture: what each changes, and the paints to lay out with.

    Nodes come first, then edges, in the order the picture paints them. The first
    step's changes are against the picture as laid out, whose edges are painted as
    at the run's last step (the picture is written with that step's paint), so they
    are completed when the run is closed.
    """

    def __init__(self, key: object, picture: Picture, first: int) -> None:
        self.key, self.picture, self.first, self.end = key, picture, first, first
        self.node_ids: list[str] = []
        self.position: dict[str, int] = {}
        self.current: list[int] = []
        self.paints: dict[str, Paint] = {}
        self.edges: list[EdgePaint] = []
        self.seen: dict[str, list[Paint]] = {}  # per node, every paint it had, in order (for ``widest``)
        self.highlighted: set[int] = set()
        self.first_edges: list[int] = []
        self.look: Look | None = None

    def step(
        self, i: int, look: Look, nodes: dict[str, Paint], edges: dict[int, EdgePaint], states: _States,
        changed: list[int],
    ) -> None:
        """Apply step ``i``'s paint of the elements it touches; record in ``changed`` what differs."""
        if not self.node_ids:  # the first step paints everything
            self.node_ids = list(nodes)
            self.position = {node_id: e for e, node_id in enumerate(self.node_ids)}
            self.current = [states(LAID_OUT)] * len(self.node_ids) + [-1] * len(edges)
            self.edges = [edges[k] for k in range(len(edges))]
        offset = len(self.node_ids)
        work: list[tuple[int, int]] = []
        for node_id, painted in nodes.items():
            history = self.seen.setdefault(node_id, [])
            if not history or history[-1] != painted:
                history.append(painted)
            self.paints[node_id] = painted
            work.append((self.position[node_id], states(painted.state)))
        for k, edge in edges.items():
            self.edges[k] = edge
            work.append((offset + k, states(edge)))
        work.sort()
        for e, state in work:
            if i == self.first and e >= offset:
                self.first_edges.append(state)  # compared with the laid-out picture at close()
                continue
            if self.current[e] != state:
                self.current[e] = state
                changed += [e, state]
                if e < offset:
                    (self.highlighted.add if _is_highlighted(states.values[state]) else self.highlighted.discard)(e)
        if i == self.first:
            self.current[offset:] = self.first_edges
        self.end, self.look = i + 1, look

    def close(self, states: _States, first_changes: list[int]) -> tuple[dict[str, object], str]:
        """The picture's entry in the page data (without its SVG) and the DOT to lay it out with."""
        assert self.look is not None  # a run is opened by its first step
        offset = len(self.node_ids)
        base = [states(LAID_OUT)] * offset + [states(painted) for painted in self.edges]
        for k, state in enumerate(self.first_edges):
            if state != base[offset + k]:
                first_changes += [offset + k, state]
        # The picture is laid out once, with each node at its widest (each text at its
        # longest), so that no later number overflows its box.
        widest_paint = {node_id: widest(self.seen[node_id]) for node_id in self.node_ids}
        last = Frame(self.picture, self.look, self.paints, tuple(self.edges))
        labels = {node_id: painted.label for node_id, painted in widest_paint.items()}
        dot = dot_source(frame_lines(last, labels))
        entry: dict[str, object] = {
            "first": self.first,
            "nodes": [
                [node_id, widest_paint[node_id].kinds, "".join(t[3] for t in widest_paint[node_id].texts)]
                for node_id in self.node_ids
            ],
            "edges": [edge.id for edge in self.picture.edges],
            "base": base,
        }
        return entry, dot


LAID_OUT = "as laid out"
"""The state of a node in a page's picture before its first step paints it (never painted itself)."""


def _svgs(source: str, function: str, nodes: int, graphs: int, what: str) -> list[str]:
    """The SVG documents of one ``dot`` run over ``graphs`` graphs, in order (dot writes them one after another)."""
    text = render_dot(source, "svg", function, nodes=nodes, graphs=graphs).decode("utf-8")
    svgs = [match.group(0) for match in re.finditer(r"<svg\b.*?</svg>", text, flags=re.DOTALL)]
    if len(svgs) != graphs:
        raise RuntimeError(f"{function}(): dot returned {len(svgs)} pictures for {graphs} {what}.")
    return svgs


def _compact_svg(svg: str) -> str:
    # Graphviz writes a comment before every node and edge: dead weight in a page.
    return re.sub(r"<!--.*?-->\n?", "", svg, flags=re.DOTALL)


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


_SURROGATE = re.compile("[\ud800-\udfff]")


# --- predict, then reveal: one question per step ---------------------------------------------

Question = tuple[str, float, tuple[str, ...], str]
"""A step's question: what to ask, the answer, the numbers the frame hides while asking, the answer as shown."""


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
        self.questions = trace.quiz_questions()
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
        if i > 0 and self.trace.phase_of(i - 1) == self.trace.phase_of(i):
            return self.svgs[i - 1]
        return _hide_numbers(self.svgs[i], question[2])

    def question_html(self, i: int) -> str:
        question = self.questions[i]
        assert question is not None
        return _pre(question[0])

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
    trace: Playable, *, title: str = "", interval: int = 1500, max_nodes: int = 500, collapse: Collapse = None,
    quiz: bool = False,
) -> str:
    """The offline player page for ``trace`` as HTML text (``to_html`` writes it to a file).

    Example:
        >>> from autograd import Value, trace_backward
        >>> page(trace_backward(Value(2.0) * 3)).startswith("<!DOCTYPE html>")  # doctest: +SKIP
        True
    """
    n = _check_playable(trace, "to_html")
    if not is_count(interval) or interval < 1:
        raise ValueError(f"to_html() got interval={interval!r}; expected milliseconds per step, an int ≥ 1.")
    if not isinstance(title, str):
        raise TypeError(f"to_html() got title {title!r} of type {type(title).__name__}; expected a str.")
    if not isinstance(quiz, bool):
        raise TypeError(f"to_html() got quiz={quiz!r} of type {type(quiz).__name__}; expected True or False.")
    data: dict[str, object] = {
        "explanations": [_visible(trace.explain(i)) for i in range(n)],
        "phases": [trace.phase_of(i) for i in range(n)],
        "interval": interval,
        "highlight": HIGHLIGHT,
    }
    if quiz:
        data["quiz"] = trace.quiz_questions()
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
