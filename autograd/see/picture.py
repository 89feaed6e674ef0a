"""The picture of a graph as plain data: what every view of it reads.

A ``Picture`` is built once per (graph, options): every node's id, name, role
and kind, the edges (with their local derivatives), the boxes of a collapsed
drawing (title, kind, members, the rows a box shows: its weights and bias with
value and gradient, its outputs) and the clusters of the scopes. A ``Look``
says how one frame of a trace differs from a plain drawing (which gradients,
which node is this step's); ``paint(picture, look)`` turns both into each
element's ``Paint``: the HTML-like label Graphviz draws, and the texts, fills
and strokes it will draw for it, in the order it draws them. The DOT writer
(``render.py``) writes the paint; the offline page repaints its SVG from it,
finding elements by the ids given here. Nothing reads back text a view wrote.
"""

from __future__ import annotations

import html
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from operator import attrgetter
from typing import NamedTuple

from autograd.engine.errors import GraphTooLargeError
from autograd.engine.graph import topological_order
from autograd.engine.scopes import describe
from autograd.engine.value import Parameter, Value
from autograd.see.grouping import Box, Collapse, Grouping, Key, group_nodes
from autograd.see.naming import format_number, names_and_roles

RANKDIRS = ("LR", "RL", "TB", "BT")

# Okabe & Ito (2008), "Color Universal Design": (border, fill) per kind of node.
PALETTE = {
    "input": ("#0072B2", "#D9ECF7"),
    "parameter": ("#C07A00", "#FBE6BF"),
    "output": ("#D55E00", "#F8DCCB"),
    "intermediate": ("#009E73", "#D7F0E7"),
    "constant": ("#8C8C8C", "#F0F0F0"),
}
HIGHLIGHT = "#CC79A7"
FADED_TEXT = "#A0A0A0"
UNFILLED = "#FFFFFF"
SMALL_TEXT = "#555555"
NOTE_TEXT = "#707070"
OP_FILL, OP_BORDER = "#EEEEEE", "#707070"
EDGE, EDGE_LABEL = "#6E6E6E", "#0072B2"
DENSE_EDGE = "#A8A8A8"
MAX_LABEL = 40
SHORT_CONSTANTS = 5
"""Constants up to this many characters are drawn on their operation (``^2``); longer ones as a note."""
COMPACT_BOXES = 8
"""Above this many boxes side by side (a wide layer), each is drawn as one line."""
DENSE_FAN_IN = 4
"""From this many edges into one box, a collapsed drawing draws its edges thin and light."""
SMALL_POINTS = 11
"""The size of a picture's smallest text (captions, notes, row names, edge labels), in points.

The page's camera zooms until the smallest text is readable (16 px on a projector), so
one small note at 8 pt would make it zoom a whole picture in 1.4 times more than its
11-pt names need: one size for all small text lets the whole network fit at one zoom level.
"""
MAX_BOX_ROWS = 4
"""Outputs a collapsed box lists before "… n more"."""
MAX_PARAMETER_ROWS = 12
"""A box with more parameters than this says how many instead of listing them."""
INPUTS: Key = ("\x00inputs",)
"""The cluster path of a network's input column (no scope name can start with NUL by accident)."""
# How a box row names a gradient, by role: ∂J/∂w for a weight, as the lecture writes it.
_SYMBOLS = {"weight": "w", "bias": "b", "z": "z", "a": "a", "loss": "J", "loss term": "L"}


def is_count(x: object) -> bool:
    """True for an int that is not a bool.

    Example:
        >>> is_count(3), is_count(True), is_count(3.0)
        (True, False, False)
    """
    return isinstance(x, int) and not isinstance(x, bool)


@dataclass(frozen=True)
class DrawOptions:
    """How to draw a graph: one frozen, validated object passed through all drawing code.

    ``to_dot``, ``draw``, ``save``, ``to_html``, the players and a trace's frames
    build one from their keyword arguments, so a bad option fails at once with
    the caller's name, and nothing below them takes options one by one.

    Attributes:
        rankdir, show_grad, show_local_grads, precision, highlight, max_nodes, collapse,
            feature_names: as the keyword arguments of ``to_dot``, which documents them.
        caller: the public function the options came from, named in error messages.

    Raises:
        ValueError: an option is out of range (the message names the caller, the value and the choices).
        TypeError: ``highlight`` holds something other than Values, or ``feature_names`` non-strings.

    Example:
        >>> DrawOptions(collapse="scope").collapse
        'scope'
        >>> DrawOptions(rankdir="XY", caller="to_dot")
        Traceback (most recent call last):
        ...
        ValueError: to_dot() got rankdir='XY'; expected one of LR, RL, TB, BT.
    """

    rankdir: str = "LR"
    show_grad: bool = True
    show_local_grads: bool = True
    precision: int = 4
    highlight: Collection[Value] = frozenset()
    max_nodes: int = 500
    collapse: Collapse = None
    feature_names: Sequence[str] = ()
    caller: str = field(default="DrawOptions", compare=False)

    def __post_init__(self) -> None:
        function = self.caller
        if self.rankdir not in RANKDIRS:
            raise ValueError(f"{function}() got rankdir={self.rankdir!r}; expected one of {', '.join(RANKDIRS)}.")
        if not is_count(self.precision) or not 1 <= self.precision <= 17:
            raise ValueError(
                f"{function}() got precision={self.precision!r}; expected an int from 1 to 17 (significant digits)."
            )
        if not is_count(self.max_nodes) or self.max_nodes < 1:
            raise ValueError(f"{function}() got max_nodes={self.max_nodes!r}; expected an int ≥ 1.")
        collapse = self.collapse
        if collapse is not None and collapse != "scope" and (not is_count(collapse) or collapse < 1):
            raise ValueError(
                f'{function}() got collapse={collapse!r}; expected None, "scope" (one box per innermost scope) '
                "or an int depth ≥ 1 (one box per scope path cut to that many names)."
            )
        for flag in ("show_grad", "show_local_grads"):
            if not isinstance(getattr(self, flag), bool):
                raise TypeError(f"{function}() got {flag}={getattr(self, flag)!r}; expected True or False.")
        highlight = frozenset(self.highlight)
        strangers = [item for item in highlight if not isinstance(item, Value)]
        if strangers:
            raise TypeError(
                f"{function}() got highlight containing {strangers[0]!r} of type {type(strangers[0]).__name__}; "
                "expected Values of the graph."
            )
        if isinstance(self.feature_names, str) or not all(isinstance(n, str) and n for n in self.feature_names):
            raise TypeError(
                f"{function}() got feature_names={self.feature_names!r}; expected a list of non-empty names, "
                'one per input, such as ["lectures", "hours"].'
            )
        object.__setattr__(self, "highlight", highlight)
        object.__setattr__(self, "feature_names", tuple(self.feature_names))


@dataclass(frozen=True)
class Look:
    """Per-frame overrides that turn a drawing into a frame of a trace.

    Attributes:
        grads: the gradient to show per node (default: each node's ``.grad``).
        hidden_data: nodes whose value is not computed yet (drawn as ``?``).
        filled: nodes drawn in full colour; the rest are drawn unfilled. None fills all.
        current: nodes drawn with a thick highlight border.
        active: nodes whose incoming edges are drawn highlighted (this step's edges).
        caption: text under the picture.

    Example:
        >>> Look(caption="step 1").current
        frozenset()
    """

    grads: Mapping[Value, float] | None = None
    hidden_data: Collection[Value] = frozenset()
    filled: Collection[Value] | None = None
    current: Collection[Value] = frozenset()
    active: Collection[Value] = frozenset()
    caption: str = ""


# --- labels and what Graphviz paints for them ----------------------------------------------

TextRun = tuple[str, str, int, str]
"""One ``<text>`` Graphviz draws: content, colour ("" = default), bold (0/1), alignment l/c/r."""


@dataclass(frozen=True)
class Paint:
    """One drawn element: its label, and what Graphviz paints for it, in order.

    Attributes:
        pieces: the HTML-like label in pieces: markup, and each text as one piece.
        slots: ``(piece index, characters, end of the text in the piece)`` of each text piece.
        texts: its text runs.
        fills: the colours of its filled shapes.
        strokes: ``(colour, width)`` of its outlines.
        kinds: one letter per painted SVG element, in drawing order: ``f`` fill, ``s``
            stroke, ``b`` both (one shape), ``t`` text.
    """

    pieces: tuple[str, ...]
    slots: tuple[tuple[int, int, int], ...]
    texts: tuple[TextRun, ...]
    fills: tuple[str, ...]
    strokes: tuple[tuple[str, float], ...]
    kinds: str

    @property
    def label(self) -> str:
        """The HTML-like label."""
        return "".join(self.pieces)

    @property
    def state(self) -> tuple[tuple[tuple[str, str, int], ...], tuple[str, ...], tuple[tuple[str, float], ...]]:
        """What changes from frame to frame (alignment never does): the page's node state."""
        return tuple(t[:3] for t in self.texts), self.fills, self.strokes


class EdgePaint(NamedTuple):
    """An edge as drawn: colour, width, label colour and label (the defaults in force included)."""

    color: str
    width: float
    label_color: str
    label: str


def printable(text: str, limit: int = MAX_LABEL) -> str:
    r"""``text`` with control and format characters shown as Python's repr would, cut to ``limit``.

    Example:
        >>> printable("a\x00b"), printable("x" * 50, 5)
        ('a\\x00b', 'xxxx…')
    """
    # str.isprintable() is False for all of those, so the usual text skips the slow per-character scan.
    cleaned = (
        text
        if text.isprintable()
        else "".join(
            repr(ch)[1:-1] if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} and ch != "\n" else ch
            for ch in text
        )
    )
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def escape_markup(line: str) -> str:
    """``line`` as text inside an HTML-like label (quotes escaped as Graphviz and browsers both read them).

    Example:
        >>> escape_markup("a < b's")
        'a &lt; b&#39;s'
    """
    return html.escape(line, quote=True).replace("&#x27;", "&#39;")


class Label:
    """An HTML-like label, written together with what Graphviz paints for it, in its order.

    Graphviz draws a table's background before its content and its border after;
    each run of text between font changes and line breaks is one ``<text>``.

    Example:
        >>> label = Label()
        >>> label.fill('<TABLE BGCOLOR="#FFFFFF" BORDER="1">', "#FFFFFF")
        >>> label.tag("<TR><TD>"); label.text("x", bold=True); label.tag("</TD></TR>")
        >>> label.stroke("</TABLE>", "#000000", 1.0)
        >>> paint = label.paint(); paint.label, paint.kinds
        ('<TABLE BGCOLOR="#FFFFFF" BORDER="1"><TR><TD><B>x</B></TD></TR></TABLE>', 'fts')
    """

    def __init__(self) -> None:
        """An empty label."""
        self.markup: list[str] = []
        self.slots: list[tuple[int, int, int]] = []
        self.texts: list[TextRun] = []
        self.fills: list[str] = []
        self.strokes: list[tuple[str, float]] = []
        self.kinds: list[str] = []

    def tag(self, markup: str) -> None:
        """Markup that paints nothing itself (rows, cells, borderless tables)."""
        self.markup.append(markup)

    def fill(self, markup: str, color: str) -> None:
        """An opening tag whose background Graphviz fills with ``color``."""
        self.markup.append(markup)
        self.fills.append(color)
        self.kinds.append("f")

    def rounded(self, border: int, color: str, fill: str) -> None:
        """Open a node's rounded box (``stroke("</TABLE>", …)`` closes it with its border)."""
        markup = f'<TABLE BORDER="{border}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2" STYLE="ROUNDED" '
        self.fill(f'{markup}COLOR="{color}" BGCOLOR="{fill}">', fill)

    def stroke(self, markup: str, color: str, width: float) -> None:
        """A closing tag whose border Graphviz strokes."""
        self.markup.append(markup)
        self.strokes.append((color, width))
        self.kinds.append("s")

    def text(
        self, content: str, *, color: str = "", size: int | None = None, bold: bool = False, italic: bool = False,
        align: str = "c", limit: int = MAX_LABEL,
    ) -> None:
        """``content`` (escaped, cut to ``limit``), one run per line, in one font."""
        lines = printable(content, limit).split("\n")
        if not any(lines):
            return
        body = '<BR ALIGN="CENTER"/>'.join(escape_markup(line) for line in lines)
        if bold:
            body = f"<B>{body}</B>"
        if italic:
            body = f"<I>{body}</I>"
        font = (f' POINT-SIZE="{size}"' if size else "") + (f' COLOR="{color}"' if color else "")
        piece = f"<FONT{font}>{body}</FONT>" if font else body
        closing = len("</FONT>") if font else 0
        closing += len("</I>") if italic else 0
        closing += len("</B>") if bold else 0
        self.slots.append((len(self.markup), max(len(line) for line in lines), len(piece) - closing))
        self.markup.append(piece)
        for line in lines:
            if line:
                self.texts.append((line, color, int(bold), align))
                self.kinds.append("t")

    def paint(self) -> Paint:
        """The finished label and its paint."""
        pieces, slots, kinds = tuple(self.markup), tuple(self.slots), "".join(self.kinds)
        return Paint(pieces, slots, tuple(self.texts), tuple(self.fills), tuple(self.strokes), kinds)


WIDEST_SLACK = "&#160;"
"""Room added after each text of a laid-out picture: characters are not all as wide as each other.

One space is wider than the widest difference between two numbers of the same length
(a digit for a "-" or a "."); two made the course network too wide for a projector.
"""


def widest(paints: Sequence[Paint]) -> Paint:
    """The paint of one element at its widest over several frames: each text at its longest, plus slack.

    A page lays a picture out once for many frames; laid out with the longest
    text each row ever shows (and a space, as ``"-7.074"`` and ``"0.2601"``
    differ in width), no later number spills out of its box.
    Paints of different shapes fall back to the one with the most text.

    Example:
        >>> short, long = Label(), Label()
        >>> short.text("0.0"); short.text("grad"); long.text("-0.2441"); long.text("g")
        >>> widest([short.paint(), long.paint()]).label
        '-0.2441&#160;grad&#160;'
    """
    first = paints[0]
    if any([slot[0] for slot in paint.slots] != [slot[0] for slot in first.slots] for paint in paints):
        return max(paints, key=lambda paint: len(paint.texts))
    pieces = list(first.pieces)
    for k, (index, _, _) in enumerate(first.slots):
        longest = max(paints, key=lambda paint: paint.slots[k][1])
        piece, end = longest.pieces[index], longest.slots[k][2]
        pieces[index] = piece[:end] + WIDEST_SLACK + piece[end:]
    return replace(first, pieces=tuple(pieces))


# --- names and numbers of nodes ----------------------------------------------------------


def kind_of(node: Value, root: Value) -> str:
    """How a drawing styles ``node``: output, parameter, input, constant or intermediate.

    Example:
        >>> x = Value(2.0, label="x")
        >>> y = x * 3
        >>> kind_of(y, y), kind_of(x, y), kind_of(y.inputs[1], y)
        ('output', 'input', 'constant')
    """
    if node is root:
        return "output"
    if isinstance(node, Parameter):
        return "parameter"
    if node.inputs:
        return "intermediate"
    return "input" if node.label else "constant"


def differentiated(order: Sequence[Value]) -> frozenset[Value]:
    """What is differentiated among the nodes ``order``: what is learned, and every node computed from it.

    What is learned: the Parameters; in a graph with none, every labelled leaf
    (``Value(2.0, label="a")`` as micrograd writes it); with neither, every leaf.
    The rest (a network's inputs, targets, numbers such as 1/n) is data: no
    gradient is needed, so a picture draws no gradient row for it.

    Example:
        >>> w, x = Parameter(0.5, label="w"), Value(2.0, label="x")
        >>> sorted(node.label for node in differentiated([w, x, w * x]) if node.label)
        ['w']
    """
    learned: list[Value] = [node for node in order if isinstance(node, Parameter)]
    learned = learned or [node for node in order if not node.inputs and node.label]
    needs = set(learned or [node for node in order if not node.inputs])
    for node in order:
        if node.inputs and any(x in needs for x in node.inputs):
            needs.add(node)
    return frozenset(needs)


def operation_parts(node: Value, precision: int = 4) -> tuple[str, str]:
    """What an op circle shows (its symbol, with short constants: ``^2``), and a note for long constants, or "".

    Implementation constants such as the ``3.72e-44`` that keeps a loss's log finite
    would make a giant circle; they become a small second line inside its box instead.

    Example:
        >>> operation_parts(Value(3.0) ** 2), operation_parts(Value(1.0).sigmoid())
        (('^2', ''), ('σ', ''))
        >>> operation_parts(Value(0.5).clamp(1e-12, 1.0))
        ('clamp', 'clamp: low 1e-12, high 1')
    """
    if node.operation is None:
        return "", ""
    display = node.operation.display
    if not node.constants:
        return display, ""
    # An integer exponent reads as ^2, not ^2.0.
    constants = ", ".join(str(int(c)) if c.is_integer() else format_number(c, precision) for c in node.constants)
    if len(constants) <= SHORT_CONSTANTS:
        return f"{display}{constants}" if display == "^" else f"{display} {constants}", ""
    names = node.operation.constant_names or tuple(f"c{i}" for i in range(len(node.constants)))
    values = ", ".join(f"{name} {format_number(c, 2).removesuffix('.0')}" for name, c in zip(names, node.constants))
    return display, f"{display}: {values}"


# --- the picture ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    """One drawn edge.

    Attributes:
        id: its id in the DOT and the SVG (``e<k>``).
        source: the id of the node it leaves.
        target: the id of the node it enters.
        kind: ``"local"`` (an input into its operation, labelled ∂out/∂in), ``"result"``
            (an operation into its value) or ``"box"`` (between boxes).
        parent: the node whose step highlights it (for a box edge, any of ``users``).
        child: the input of a ``"local"`` edge.
        local_grad: its local derivative (``"local"`` only).
        users: the nodes whose steps highlight a box edge.
    """

    id: str
    source: str
    target: str
    kind: str
    parent: Value | None = None
    child: Value | None = None
    local_grad: float = 0.0
    users: frozenset[Value] = frozenset()


@dataclass(frozen=True)
class BoxRow:
    """One ``name = value  ∂J/∂w = g`` row of a collapsed box: the node and how the gradient is called."""

    node: Value
    gradient_name: str


@dataclass(frozen=True)
class PictureBox:
    """A collapsed group as drawn: its id, title, kind and the rows it shows.

    Attributes:
        id: its id in the DOT and the SVG (``s<k>``).
        box: the group (key, title, members, outputs) from ``grouping``.
        kind: the declared kind of its scope (``"neuron"``, ``"layer"``, ``"loss"``) or "".
        parameters: its weights and bias, one row each (empty when there are too many).
        sums: a neuron's weighted sum z, one row (empty for any other box): the row that names
            the neuron (z₁⁽¹⁾), so the box needs no title line, and that marks its steps.
        outputs: its outputs, one row each (up to ``MAX_BOX_ROWS``).
        place: the cluster it is drawn in.
        compact: one line per box (a wide layer).
        note: the implementation constants inside (a loss's clamp ε), as one small line, or "".
    """

    id: str
    box: Box
    kind: str
    parameters: tuple[BoxRow, ...]
    sums: tuple[BoxRow, ...]
    outputs: tuple[BoxRow, ...]
    place: Key
    compact: bool
    note: str


@dataclass(frozen=True, eq=False)
class Picture:
    """A graph as every view draws it, built once per (graph, options): see the module docstring.

    Attributes:
        root: the output.
        order: the nodes, ``topological_order(root)``.
        options: how it is drawn.
        names: each node's name; ``roles``: the lecture's role of the nodes that have one.
        grouping: which node goes in which box or cluster.
        ids: each node's id (``v<position>``); its operation circle is ``<id>_op``.
        drawn: the nodes drawn on their own (all, or the loose ones of a collapsed drawing).
        boxes: the boxes of a collapsed drawing.
        edges: every edge, in drawing order.
        same_rank: ``(cluster, a, b)``: elements drawn in one column (a weight and its ×).
        clusters: the cluster paths in writing order, with their ids (``c<k>``).
    """

    root: Value
    order: list[Value]
    options: DrawOptions
    names: dict[Value, str]
    roles: dict[Value, str]
    grouping: Grouping
    ids: dict[Value, str]
    drawn: tuple[Value, ...]
    boxes: tuple[PictureBox, ...]
    edges: tuple[Edge, ...]
    same_rank: tuple[tuple[Key, str, str], ...]
    clusters: dict[Key, str]

    def kind(self, node: Value) -> str:
        """How ``node`` is styled; a network's inputs are inputs even without a label."""
        return "input" if self.roles.get(node) == "input" and node is not self.root else kind_of(node, self.root)

    @cached_property
    def differentiated(self) -> frozenset[Value]:
        """The nodes that get a gradient; the rest is data (see ``differentiated``)."""
        return differentiated(self.order)

    @property
    def size(self) -> int:
        """How many nodes the DOT has: values, operations and boxes."""
        return len(self.drawn) + sum(node.operation is not None for node in self.drawn) + len(self.boxes)

    @cached_property
    def dense(self) -> bool:
        """Edges drawn thin and light: a collapsed drawing with DENSE_FAN_IN or more edges into one box."""
        fan_in = Counter(edge.target for edge in self.edges if edge.kind == "box")
        return max(fan_in.values(), default=0) >= DENSE_FAN_IN

    @cached_property
    def drawing(self) -> dict[Value, tuple[tuple[str, ...], tuple[int, ...]]]:
        """Per node, the elements whose paint depends on it: node and box ids, edge positions.

        A value's box and its operation, the collapsed box it is in, the edges its step
        highlights (into its operation, out of it, between boxes it uses): a frame that
        changes one node's look repaints these and nothing else (see ``paint_nodes``).
        """
        ids: dict[Value, list[str]] = {}
        for node in self.drawn:
            ids[node] = [self.ids[node]] + ([f"{self.ids[node]}_op"] if node.operation is not None else [])
        for entry in self.boxes:
            for node in entry.box.members:
                ids.setdefault(node, []).append(entry.id)
        edges: dict[Value, list[int]] = {}
        for k, edge in enumerate(self.edges):
            for user in edge.users if edge.kind == "box" else (edge.parent,):
                if user is not None:
                    edges.setdefault(user, []).append(k)
        return {node: (tuple(ids.get(node, ())), tuple(edges.get(node, ()))) for node in {*ids, *edges}}

    @cached_property
    def box_by_id(self) -> dict[str, PictureBox]:
        """Each box of a collapsed drawing by its id."""
        return {entry.id: entry for entry in self.boxes}

    @cached_property
    def edge_default(self) -> EdgePaint:
        """An edge as drawn when nothing highlights it."""
        return EdgePaint(DENSE_EDGE, 0.6, EDGE_LABEL, "") if self.dense else EdgePaint(EDGE, 1.0, EDGE_LABEL, "")


PICTURES_KEPT = 4
"""How many pictures are kept for the next frame: each keeps its graph alive, so only a few."""
# The last pictures drawn, most recent last. A trace draws one frame per step of the
# same graph (a lesson, two alternately), and naming a 715-node network costs more
# than writing its DOT; the graph under a root never changes, only labels and the
# numbers of constants can, and they are part of the key. Held strongly (a picture
# holds its graph), so the root's id cannot be reused while its picture is kept.
_PICTURES: OrderedDict[tuple[object, ...], Picture] = OrderedDict()


def picture_of(root: Value, options: DrawOptions) -> Picture:
    """The ``Picture`` of ``root``'s graph drawn with ``options`` (built once per graph, labels and options).

    Raises:
        GraphTooLargeError: more nodes (or boxes) than ``options.max_nodes``.
        TypeError: ``root`` is not a Value.

    Example:
        >>> x = Value(2.0, label="x")
        >>> picture = picture_of(x * x, DrawOptions())
        >>> [picture.names[node] for node in picture.order], [e.kind for e in picture.edges]
        (['x', 'v1'], ['local', 'local', 'result'])
    """
    function = options.caller
    if not isinstance(root, Value):
        raise TypeError(f"{function}() got {root!r} of type {type(root).__name__}; expected a Value.")
    order = topological_order(root)
    if options.collapse is None and len(order) > options.max_nodes:
        raise GraphTooLargeError(_too_large(function, len(order), options.max_nodes, order))
    labels = tuple(node.label for node in order)
    # A constant is named by its number, so the numbers of leaves are part of the key too.
    numbers = tuple(node.data for node in order if not node.inputs and not isinstance(node, Parameter))
    key = (id(root), len(order), labels, numbers, options)
    picture = _PICTURES.get(key)
    if picture is None:
        picture = _PICTURES[key] = _build(root, order, options)
        while len(_PICTURES) > PICTURES_KEPT:
            _PICTURES.popitem(last=False)
    _PICTURES.move_to_end(key)
    return picture


def _too_large(function: str, count: int, max_nodes: int, order: Sequence[Value]) -> str:
    scoped = any(node.scope for node in order)
    hint = (
        'pass collapse="scope" to draw each autograd.scope as one box'
        if scoped
        else 'build the graph inside autograd.scope("name") blocks and pass collapse="scope" to draw each as one box'
    )
    return f"{function}() got a graph of {count} nodes, more than max_nodes={max_nodes}; {hint}, or raise max_nodes."


def _build(root: Value, order: list[Value], options: DrawOptions) -> Picture:
    names, roles = names_and_roles(order, root, options.precision, options.feature_names)
    inputs = [node for node in order if roles.get(node) == "input"]
    grouping = group_nodes(order, root, options.collapse, inputs)
    ids = {node: f"v{position}" for position, node in enumerate(order)}
    edges: list[Edge] = []

    def add(source: str, target: str, kind: str, **more: object) -> None:
        edges.append(Edge(f"e{len(edges)}", source, target, kind, **more))  # type: ignore[arg-type]

    boxes: tuple[PictureBox, ...] = ()
    same_rank: list[tuple[Key, str, str]] = []
    if options.collapse is None:
        drawn = tuple(order)
        for node in order:
            if node.operation is None:
                continue
            for child, local_grad in zip(node.inputs, node.local_grads):
                add(ids[child], f"{ids[node]}_op", "local", parent=node, child=child, local_grad=local_grad)
            add(f"{ids[node]}_op", ids[node], "result", parent=node)
            weight = node.inputs[0]
            if roles.get(weight) == "weight" and node.inputs[1] is not weight:
                # A weight in the column of its ×, drawn just beside it: then each input is one
                # column left of the ×s it feeds, so its edges never have to go round a layer's
                # box (an edge longer than one column cannot run inside a cluster), and the
                # inputs sit on the left of the first layer, as the lecture draws them.
                same_rank.append((grouping.home[weight], ids[weight], f"{ids[node]}_op"))
    else:
        count = len(grouping.boxes) + len(grouping.loose)
        if count > options.max_nodes:
            raise GraphTooLargeError(
                f"{options.caller}() got a graph of {count} boxes and nodes even with collapse={options.collapse!r}, "
                f"more than max_nodes={options.max_nodes}; pass a smaller collapse depth such as collapse=1, "
                "or raise max_nodes."
            )
        drawn = grouping.loose
        boxes = _boxes(grouping, names, roles, options.precision)
        box_ids = {entry.box.key: entry.id for entry in boxes}
        for node in drawn:
            if node.operation is not None:
                add(f"{ids[node]}_op", ids[node], "result", parent=node)
        # One edge per pair of boxes or nodes, highlighted when a node that uses it is this step's.
        users: dict[tuple[str, str], set[Value]] = {}
        box_of = grouping.key
        for node in order:
            target = box_ids[box_of[node]] if box_of[node] else f"{ids[node]}_op"
            for child in node.inputs:
                if box_of[child] and box_of[child] == box_of[node]:
                    continue
                source = box_ids[box_of[child]] if box_of[child] else ids[child]
                users.setdefault((source, target), set()).add(node)
        for (source, target), using in users.items():
            add(source, target, "box", users=frozenset(using))
    clusters = _clusters(grouping, options.collapse, drawn, boxes)
    return Picture(
        root, order, options, names, roles, grouping, ids, drawn, boxes, tuple(edges), tuple(same_rank), clusters
    )


def _boxes(
    grouping: Grouping, names: dict[Value, str], roles: dict[Value, str], precision: int
) -> tuple[PictureBox, ...]:
    nested = {key[:depth] for key in grouping.boxes for depth in range(1, len(key))}
    places = {key: key if key in nested else key[:-1] for key in grouping.boxes}
    crowd = Counter(places.values())

    def row(node: Value) -> BoxRow:
        role = roles.get(node, "")
        # An output's symbol is its name's letter (ŷ, or the z of a logits loss), without the numbers.
        symbol = names[node].split("[")[0].rstrip("₀₁₂₃₄₅₆₇₈₉") if role == "output" else _SYMBOLS.get(role, "")
        return BoxRow(node, f"∂J/∂{symbol}" if symbol else "grad")

    found = []
    for position, (key, box) in enumerate(grouping.boxes.items()):
        parameters = [node for node in box.members if isinstance(node, Parameter)]
        listed = parameters if len(parameters) <= MAX_PARAMETER_ROWS else []
        compact = bool(places[key]) and crowd[places[key]] > COMPACT_BOXES
        kind = describe(key[-1]).kind
        sums = [node for node in box.members if roles.get(node) == "z"]
        named_by_sum = kind == "neuron" and len(sums) == 1 and bool(listed) and not compact
        found.append(
            PictureBox(
                f"s{position}",
                box,
                kind,
                () if compact else tuple(row(node) for node in listed),
                tuple(row(node) for node in sums) if named_by_sum else (),
                tuple(row(node) for node in box.outputs[:MAX_BOX_ROWS]),
                places[key],
                compact,
                "; ".join(dict.fromkeys(n for node in box.members for n in [operation_parts(node, precision)[1]] if n)),
            )
        )
    return tuple(found)


def _clusters(
    grouping: Grouping, collapse: Collapse, drawn: tuple[Value, ...], boxes: tuple[PictureBox, ...]
) -> dict[Key, str]:
    """The clusters the drawing needs, parents before children, numbered in writing order."""
    paths: dict[Key, None] = {}
    if grouping.inputs:
        paths[INPUTS] = None  # the input column comes first: dot starts from the written order
    places = [entry.place for entry in boxes] + [place_of(grouping, collapse, node) for node in drawn]
    for place in places:
        for depth in range(1, len(place) + 1):
            paths.setdefault(place[:depth], None)
    # Written depth-first, children after their parent in first-seen order (a parent is seen before its
    # children): sorted by the first-seen positions of a path's ancestors and itself.
    seen = {path: k for k, path in enumerate(paths)}
    ordered = sorted(paths, key=lambda path: [seen[path[:depth]] for depth in range(1, len(path) + 1)])
    return {path: f"c{k}" for k, path in enumerate(ordered)}


def place_of(grouping: Grouping, collapse: Collapse, node: Value) -> Key:
    """The cluster a node drawn on its own sits in: the input column, else its scope (uncollapsed only).

    Example:
        >>> x = Value(1.0)
        >>> place_of(group_nodes([x], x, None), None, x)
        ()
    """
    if node in grouping.inputs:
        return INPUTS
    return grouping.home[node] if collapse is None else ()


# --- paint: one frame -------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """The paint of every element of a picture in one frame: nodes and boxes by id, edges in order."""

    picture: Picture
    look: Look
    nodes: dict[str, Paint]
    edges: tuple[EdgePaint, ...]


def paint(picture: Picture, look: Look | None = None) -> Frame:
    """Paint every node, operation, box and edge of ``picture`` as frame ``look`` shows it.

    Example:
        >>> y = Value(2.0, label="x") * 3
        >>> frame = paint(picture_of(y, DrawOptions()), Look(hidden_data={y}))
        >>> [run[0] for run in frame.nodes["v2"].texts]
        ['v2', ' ', 'output', 'data', '?', 'grad', '0.0']
    """
    look = look or Look()
    nodes: dict[str, Paint] = {}
    for node in picture.drawn:
        nodes[picture.ids[node]] = value_paint(picture, look, node)
        if node.operation is not None:
            nodes[f"{picture.ids[node]}_op"] = _operation_paint(picture, look, node)
    for entry in picture.boxes:
        nodes[entry.id] = _box_paint(picture, look, entry)
    return Frame(picture, look, nodes, tuple(_edge_paint(picture, look, edge) for edge in picture.edges))


def paint_nodes(
    picture: Picture, look: Look, nodes: Collection[Value]
) -> tuple[dict[str, Paint], dict[int, EdgePaint]]:
    """Paint only the elements that draw any of ``nodes``: nodes and boxes by id, edges by position.

    Equal to the same elements of ``paint(picture, look)`` whenever the frames differ only
    in the looks of ``nodes`` (and agree on whether ``filled``, ``current`` and ``active``
    are given at all), at a cost proportional to what they touch, not to the picture.

    Example:
        >>> x = Value(2.0, label="x")
        >>> y = x * 3
        >>> nodes, edges = paint_nodes(picture_of(y, DrawOptions()), Look(current={y}, active={y}), {y})
        >>> sorted(nodes), sorted(edges)
        (['v2', 'v2_op'], [0, 1, 2])
    """
    boxes = picture.box_by_id
    node_paint: dict[str, Paint] = {}
    edge_paint: dict[int, EdgePaint] = {}
    # In the order the nodes were made, not a set's (which follows their addresses): the same graph gives the
    # same page, byte for byte, in every run.
    for node in sorted(nodes, key=attrgetter("serial")):
        ids, edges = picture.drawing.get(node, ((), ()))
        for element in ids:
            if element in node_paint:
                continue
            if element in boxes:
                node_paint[element] = _box_paint(picture, look, boxes[element])
            elif element.endswith("_op"):
                node_paint[element] = _operation_paint(picture, look, node)
            else:
                node_paint[element] = value_paint(picture, look, node)
        for k in edges:
            if k not in edge_paint:
                edge_paint[k] = _edge_paint(picture, look, picture.edges[k])
    return node_paint, edge_paint


def shown_grad(look: Look, node: Value) -> float:
    """The gradient frame ``look`` shows for ``node``: the look's, else the node's ``.grad``.

    Example:
        >>> x = Value(1.0)
        >>> shown_grad(Look(grads={x: 2.0}), x), shown_grad(Look(), x)
        (2.0, 0.0)
    """
    return look.grads.get(node, node.grad) if look.grads is not None else node.grad


def _is_highlighted(picture: Picture, look: Look, node: Value) -> bool:
    return node in picture.options.highlight or node in look.current


def value_paint(picture: Picture, look: Look, node: Value) -> Paint:
    """A value's box: its name (and caption), its data and its gradient.

    The outer table pads thinner borders so every box keeps one size whatever its
    border: a highlight must not shift the layout between trace frames.
    """
    options = picture.options
    kind = picture.kind(node)
    highlighted = _is_highlighted(picture, look, node)
    border, fill = PALETTE[kind]
    width = 3 if highlighted else 2 if kind in {"parameter", "output"} else 1
    color = HIGHLIGHT if highlighted else border
    background = fill if look.filled is None or node in look.filled else UNFILLED
    label = Label()
    label.tag(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{3 - width}"><TR><TD>')
    label.rounded(width, color, background)
    name = picture.names[node]
    data = "?" if node in look.hidden_data else format_number(node.data, options.precision)
    if kind == "constant":
        label.tag('<TR><TD CELLPADDING="3">')
        label.text(name)
        label.tag("</TD></TR>")
    elif kind == "input" and node not in picture.differentiated:
        # Data (a network's input) is one line, as the lecture writes it: x₁ = 4.0. It needs
        # no gradient, so it has no gradient row that would show 0.0 as if it were one.
        label.tag('<TR><TD ALIGN="LEFT" CELLPADDING="3">')
        label.text(f"{name} = {data}", align="l")
        label.tag("</TD></TR>")
    else:
        auto_named = not node.label and node not in picture.roles
        label.tag('<TR><TD COLSPAN="2" CELLPADDING="3">')
        label.text(name, bold=not auto_named, italic=auto_named)
        if kind in {"parameter", "output"}:
            label.text(" ")
            label.text(kind, size=SMALL_POINTS, color=SMALL_TEXT)
        label.tag("</TD></TR>")
        _number_row(label, "data", data)
        if options.show_grad:
            _number_row(label, "grad", format_number(shown_grad(look, node), options.precision))
    label.stroke("</TABLE>", color, width)
    label.tag("</TD></TR></TABLE>")
    return label.paint()


def _number_row(label: Label, name: str, number: str) -> None:
    # A minimum width keeps boxes the same size while their numbers change,
    # so the frames of a trace do not shift around.
    label.tag('<TR><TD ALIGN="LEFT">')
    label.text(name, size=SMALL_POINTS, color=SMALL_TEXT, align="l")
    label.tag('</TD><TD ALIGN="RIGHT" WIDTH="52">')
    label.text(number, align="r")
    label.tag("</TD></TR>")


def _operation_paint(picture: Picture, look: Look, node: Value) -> Paint:
    """An operation: one shape (filled and stroked), its symbol, then any note under it, inside the shape.

    Implementation constants (a loss's clamp ε) go on a second, small line inside a
    rounded box, so that no text sits outside every box.
    """
    text, note = operation_parts(node, picture.options.precision)
    active = node in look.active
    stroke = (HIGHLIGHT if active else OP_BORDER, 2.5 if active else 1.0)
    label = Label()
    if note:
        label.tag('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"><TR><TD>')
        label.text(text, limit=500)
        label.tag("</TD></TR><TR><TD>")
        label.text(note.removeprefix(f"{text}: "), size=SMALL_POINTS, color=NOTE_TEXT)
        label.tag("</TD></TR></TABLE>")
    else:
        label.text(text, limit=500)
    painted = label.paint()
    return Paint(painted.pieces, painted.slots, painted.texts, (OP_FILL,), (stroke,), "b" + painted.kinds)


def _box_paint(picture: Picture, look: Look, entry: PictureBox) -> Paint:
    """A collapsed box: its title, its weights and bias, its outputs, this step's node, its notes.

    A neuron lists its z instead of a title (its rows' names say which neuron it is) and
    marks that row at its steps. ``compact`` leaves out the title and parameters (the
    output's name says which neuron it is) and the row naming this step's node (the
    highlight and the caption say it).
    """
    inside = entry.box.members
    border, fill = PALETTE["output" if picture.root in inside else "intermediate"]
    color = HIGHLIGHT if any(_is_highlighted(picture, look, node) for node in inside) else border
    if look.filled is not None and not all(node in look.filled for node in inside):
        fill = UNFILLED
    label = Label()
    label.rounded(3 if color == HIGHLIGHT else 2, color, fill)
    here = [node for node in inside if node in look.current]
    # A neuron-level step marks the whole neuron: name its weighted sum z, what its step computes.
    sums = [node for node in here if picture.roles.get(node) == "z"]
    marked = (sums or here)[-1] if here else None
    if not entry.compact and not entry.sums:
        label.tag('<TR><TD COLSPAN="3" CELLPADDING="3">')
        label.text(entry.box.title, bold=True)
        n_parameters = entry.box.n_parameters
        if n_parameters and not entry.parameters:
            label.text(" ")
            label.text(f"{n_parameters} parameters", size=SMALL_POINTS, color=SMALL_TEXT)
        label.tag("</TD></TR>")
    if not entry.compact:
        for row in entry.parameters:
            _box_row(picture, look, label, row)
    rows = (*entry.sums, *entry.outputs)
    if entry.compact and marked is not None:
        # One line per box: this step's node takes the line, so the box keeps its height.
        rows = (BoxRow(marked, "grad"),)
    for row in rows:
        _box_row(picture, look, label, row, marked=row.node is marked)
    if len(entry.box.outputs) > MAX_BOX_ROWS:
        label.tag('<TR><TD COLSPAN="3">')
        label.text(f"… {len(entry.box.outputs) - MAX_BOX_ROWS} more outputs")
        label.tag("</TD></TR>")
    # The note on rows of its own, "clamp:" over its bounds, so that it does not widen the
    # box (rows, not lines: Graphviz sets lines of one cell closer than a browser draws them).
    for line in (line for part in entry.note.split("; ") if part for line in part.replace(": ", ":\n", 1).split("\n")):
        label.tag('<TR><TD COLSPAN="3" ALIGN="LEFT">')
        label.text(line, size=SMALL_POINTS, color=NOTE_TEXT, align="l", limit=60)
        label.tag("</TD></TR>")
    if look.current and not entry.compact and not entry.sums:
        # Every box keeps this last row, so boxes keep their size from frame to frame; a
        # node already listed is marked in its own row instead of being shown twice.
        # A neuron lists its z, the node its steps mark: it needs no such row.
        listed = {row.node for row in (*entry.parameters, *rows)}
        extra = BoxRow(marked, "grad") if marked is not None and marked not in listed else None
        _box_row(picture, look, label, extra, marked=True)
    label.stroke("</TABLE>", color, 3 if color == HIGHLIGHT else 2)
    return label.paint()


def _box_row(picture: Picture, look: Look, label: Label, row: BoxRow | None, *, marked: bool = False) -> None:
    """One ``name = data   ∂J/∂w g`` row of a collapsed box (``▶`` marks this step's node; None: a blank row).

    Every row is the same runs of text (one per cell), marked or not, blank or not,
    so the page repaints a row in place.
    """
    options = picture.options
    node = row.node if row is not None else None
    if node is None:
        name, data, gradient = " ", "", " "
    else:
        name = f"▶ {picture.names[node]}" if marked else picture.names[node]
        data = " = " + ("?" if node in look.hidden_data else format_number(node.data, options.precision))
        gradient = f"{row.gradient_name} {format_number(shown_grad(look, node), options.precision)}"  # type: ignore[union-attr]
    label.tag('<TR><TD ALIGN="LEFT">')
    label.text(name + data, color=HIGHLIGHT if marked else "", bold=marked, align="l", limit=60)
    label.tag("</TD>")
    if options.show_grad:
        label.tag('<TD ALIGN="RIGHT">')
        label.text(gradient, color=SMALL_TEXT, align="r")
        label.tag("</TD>")
    label.tag("</TR>")


def _edge_paint(picture: Picture, look: Look, edge: Edge) -> EdgePaint:
    default = picture.edge_default
    options = picture.options
    if edge.kind == "box":
        active = bool(look.active) and any(user in look.active for user in edge.users)
        return EdgePaint(HIGHLIGHT, 2.5, default.label_color, "") if active else default
    active = edge.parent in look.active
    if edge.kind == "result":
        return EdgePaint(HIGHLIGHT, 2.5, default.label_color, "") if active else default
    text = format_number(edge.local_grad, options.precision) if options.show_local_grads else ""
    if active:
        return EdgePaint(HIGHLIGHT, 2.5, "#000000", text)
    if edge.parent in look.hidden_data and text:
        # Not computed yet: the label keeps its place in the layout but is invisible.
        return EdgePaint(default.color, default.width, "transparent", text)
    if look.active and text:
        # Every frame keeps every label, so the layout does not jump between steps;
        # only this step's derivatives are drawn in strong colour.
        return EdgePaint(default.color, default.width, FADED_TEXT, text)
    return EdgePaint(default.color, default.width, default.label_color, text)
