"""Playing a trace: an ipywidgets player for Jupyter and a self-contained offline web page.

Both show the same things: the frame of the current step (the graph with this
step's node and edges highlighted), the step's explanation under it, and
controls to play, pause and step. The frames are rendered once, up front, by a
single run of Graphviz's ``dot``.

The web page is one file with everything inside it (SVG frames, styles and a
little vanilla JavaScript): no server, no CDN, no font or script downloads. A
Content-Security-Policy in the page forbids every network request, so it works
the same from a USB stick or an e-mail attachment.
"""

from __future__ import annotations

import html
import json
import os
import re
import types
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from autograd.render import HIGHLIGHT, PALETTE, Collapse, render_dot, write_atomically

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
    locate = getattr(trace, "locate", None)
    part = locate(i)[0] if locate is not None else trace
    return str(getattr(part, "phase", ""))


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
        f'<div style="font-size:13px;color:#555">{badge}step {i + 1} of {len(trace)}</div>'
        f'<pre style="font-size:14px;line-height:1.5;background:#F6F6F6;border-left:4px solid {HIGHLIGHT};'
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
    svgs = frame_svgs(trace, function="player", max_nodes=max_nodes, collapse=collapse)
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


# --- the offline web page ------------------------------------------------------------

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; \
script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="glassgrad">
<title>__TITLE__</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0;
         background: #FAFAFA; color: #222; }
  main { max-width: 1200px; margin: 0 auto; padding: 16px 24px; }
  h1 { font-size: 20px; margin: 4px 0 12px; font-weight: 600; }
  #frame { background: #FFF; border: 1px solid #DDD; border-radius: 8px; padding: 8px; text-align: center;
           min-height: 120px; }
  #frame svg { max-width: 100%; height: auto; }
  .controls { display: flex; align-items: center; gap: 8px; margin: 12px 0 8px; flex-wrap: wrap; }
  button { font: inherit; font-size: 14px; padding: 6px 12px; border: 1px solid #BBB; border-radius: 6px;
           background: #FFF; cursor: pointer; }
  button:hover:not(:disabled) { background: #F0F0F0; }
  button:disabled { color: #AAA; cursor: default; }
  button:focus-visible, input:focus-visible { outline: 3px solid __HIGHLIGHT__; outline-offset: 1px; }
  #slider { flex: 1; min-width: 160px; accent-color: __HIGHLIGHT__; }
  #counter { font-variant-numeric: tabular-nums; min-width: 130px; text-align: right; color: #444; }
  #phase { display: inline-block; font-size: 12px; font-weight: 600; text-transform: uppercase;
           letter-spacing: 0.05em; padding: 2px 8px; border-radius: 10px; background: #EEE; }
  #phase.forward { background: #D9ECF7; color: #00507D; }
  #phase.backward { background: #F3DCEA; color: #7A2E5B; }
  #explanation { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 15px;
                 line-height: 1.6; background: #FFF; border: 1px solid #DDD; border-left: 5px solid __HIGHLIGHT__;
                 border-radius: 6px; padding: 10px 14px; margin: 8px 0; white-space: pre-wrap; }
  .legend { display: flex; gap: 14px; flex-wrap: wrap; font-size: 13px; color: #444; margin-top: 8px; }
  .legend span::before { content: ""; display: inline-block; width: 12px; height: 12px; margin-right: 5px;
                         vertical-align: -1px; border-radius: 3px; border: 2px solid var(--border);
                         background: var(--fill); }
  .help { font-size: 13px; color: #666; }
  kbd { border: 1px solid #BBB; border-bottom-width: 2px; border-radius: 4px; padding: 0 4px; font-size: 12px;
        background: #FFF; }
</style>
</head>
<body>
<main>
<h1>__TITLE__</h1>
<div id="frame" aria-live="polite"></div>
<div class="controls">
  <button id="first" type="button" title="first step (Home)">|◀</button>
  <button id="prev" type="button" title="previous step (←)">◀ previous</button>
  <button id="play" type="button" title="play or pause (space)">▶ play</button>
  <button id="next" type="button" title="next step (→)">next ▶</button>
  <button id="last" type="button" title="last step (End)">▶|</button>
  <input id="slider" type="range" min="0" max="0" value="0" aria-label="step">
  <span id="counter"></span>
</div>
<div><span id="phase"></span></div>
<pre id="explanation"></pre>
<div class="legend">__LEGEND__</div>
<p class="help"><kbd>←</kbd> <kbd>→</kbd> step · <kbd>space</kbd> play/pause · <kbd>Home</kbd> <kbd>End</kbd>
first/last · edge labels are local derivatives ∂out/∂in · made with glassgrad</p>
</main>
<script type="application/json" id="trace-data">__DATA__</script>
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("trace-data").textContent);
  var n = data.frames.length, current = 0, timer = null;
  var frame = document.getElementById("frame"), slider = document.getElementById("slider");
  var counter = document.getElementById("counter"), explanation = document.getElementById("explanation");
  var phase = document.getElementById("phase"), playButton = document.getElementById("play");
  var buttons = { first: document.getElementById("first"), prev: document.getElementById("prev"),
                  next: document.getElementById("next"), last: document.getElementById("last") };
  slider.max = String(n - 1);

  function show(i) {
    current = Math.max(0, Math.min(n - 1, i));
    frame.innerHTML = data.frames[current];
    explanation.textContent = data.explanations[current];
    counter.textContent = "Step " + (current + 1) + " of " + n;
    phase.textContent = data.phases[current] ? data.phases[current] + " pass" : "";
    phase.className = data.phases[current];
    slider.value = String(current);
    buttons.first.disabled = buttons.prev.disabled = current === 0;
    buttons.next.disabled = buttons.last.disabled = current === n - 1;
    if (current === n - 1) { pause(); }
  }
  function pause() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    playButton.textContent = "▶ play";
  }
  function play() {
    if (current === n - 1) { show(0); }
    timer = setInterval(function () { show(current + 1); }, data.interval);
    playButton.textContent = "❚❚ pause";
  }
  function toggle() { if (timer === null) { play(); } else { pause(); } }

  buttons.first.addEventListener("click", function () { pause(); show(0); });
  buttons.prev.addEventListener("click", function () { pause(); show(current - 1); });
  buttons.next.addEventListener("click", function () { pause(); show(current + 1); });
  buttons.last.addEventListener("click", function () { pause(); show(n - 1); });
  playButton.addEventListener("click", toggle);
  slider.addEventListener("input", function () { pause(); show(Number(slider.value)); });
  document.addEventListener("keydown", function (event) {
    // The slider and the buttons already handle their own keys; do not step twice.
    var tag = event.target && event.target.tagName;
    if (tag === "INPUT" || (tag === "BUTTON" && (event.key === " " || event.key === "Enter"))) { return; }
    var moves = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1 };
    if (event.key in moves) { pause(); show(current + moves[event.key]); }
    else if (event.key === "Home") { pause(); show(0); }
    else if (event.key === "End") { pause(); show(n - 1); }
    else if (event.key === " ") { toggle(); }
    else { return; }
    event.preventDefault();
  });
  show(0);
})();
</script>
</body>
</html>
"""


def _json_for_script(value: object) -> str:
    # Inside <script>, "</script>" or "<!--" in a label would end the block early;
    # escaping <, > and & keeps the JSON identical once parsed.
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


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
    data = {
        "frames": frame_svgs(trace, function="to_html", max_nodes=max_nodes, collapse=collapse),
        "explanations": [trace.explain(i) for i in range(n)],
        "phases": [phase_of(trace, i) for i in range(n)],
        "interval": interval,
    }
    kinds = {
        "input": "input",
        "parameter": "parameter",
        "intermediate": "intermediate",
        "output": "output",
        "constant": "constant",
    }
    legend = "".join(
        f'<span style="--border:{PALETTE[kind][0]};--fill:{PALETTE[kind][1]}">{text}</span>'
        for kind, text in kinds.items()
    )
    legend += f'<span style="--border:{HIGHLIGHT};--fill:#FFFFFF">this step</span>'
    legend += f'<span style="--border:{PALETTE["intermediate"][0]};--fill:#FFFFFF">not reached yet</span>'
    return (
        _PAGE.replace("__TITLE__", html.escape(title or default_title(trace)))
        .replace("__HIGHLIGHT__", HIGHLIGHT)
        .replace("__LEGEND__", legend)
        .replace("__DATA__", _json_for_script(data))
    )


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
    """Write the trace as ONE self-contained web page: SVG frames, buttons, arrow keys, explanations.

    The file needs no server and makes no network request (a Content-Security-Policy
    forbids any), so it can be e-mailed or opened from disk. It is written atomically.

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
