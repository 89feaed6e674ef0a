"""Drawing a graph of Values with Graphviz: every value, operation and local derivative.

``to_dot`` writes DOT text and needs nothing installed; ``draw`` wraps it in a
``graphviz.Digraph`` (shown inline in Jupyter) and ``save`` writes ``.svg``,
``.png``, ``.pdf`` or ``.dot``. The picture reads left to right like the math:

* a value is a box with its name, ``data`` and ``grad``;
* an operation is a small grey circle of its own (``+``, ``×``, ``tanh``, ``Σ``),
  so ``z = w·x`` is drawn as ``w → × → z`` and ``x*x`` gets two edges;
* each edge into an operation carries the local derivative ∂out/∂in that
  ``backward()`` will multiply by.

Kinds of node are told apart by colour (the Okabe and Ito palette, safe for
colour-blind readers) *and* by a caption or border, so a grey-scale print works
too: inputs blue, parameters orange with a thick border, the output vermillion,
intermediates green, constants small and grey.

Nodes created inside ``autograd.scope(name)`` are drawn inside a labelled box
(a Graphviz cluster); ``collapse="scope"`` draws each innermost scope as one box
instead, which keeps a whole network legible. A network built with ``nn`` reads
as in the lecture: names such as ``x₁``, ``w₂₁⁽¹⁾``, ``a₂⁽¹⁾``, ``ŷ`` and ``J``
(``naming.py``, derived when drawing: training stores no strings), each weight
inside its neuron's box, the inputs in one column on the left, the loss in a box
of its own (``grouping.py`` decides the boxes; this module only writes DOT).

Every drawing function takes one frozen, validated ``DrawOptions``; the public
functions build it from their keyword arguments.
"""

from __future__ import annotations

import html
import math
import os
import re
import shutil
import subprocess
import types
import unicodedata
import weakref
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from autograd.engine.errors import GraphTooLargeError, GraphvizNotFound, GraphvizTimeout
from autograd.engine.graph import topological_order
from autograd.engine.value import Parameter, Value
from autograd.files import write_atomically as write_atomically  # re-exported: player.py imports it from here
from autograd.see.grouping import Box, Grouping, group_nodes
from autograd.see.grouping import Collapse as Collapse  # re-exported: trace.py and player.py import it from here
from autograd.see.naming import derive_names, names_and_roles, scope_title

if TYPE_CHECKING:
    import graphviz

RANKDIRS = ("LR", "RL", "TB", "BT")
FORMATS = (".svg", ".png", ".pdf", ".dot")

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
OP_FILL, OP_BORDER = "#EEEEEE", "#707070"
EDGE, EDGE_LABEL = "#6E6E6E", "#0072B2"
MAX_LABEL = 40
DOT_TIMEOUT = 120.0
"""Seconds ``dot`` may take to lay out a drawing before rendering gives up."""

INSTALL_GRAPHVIZ = """\
Install Graphviz (the program, not only the Python package):
  Debian/Ubuntu: sudo apt-get install graphviz
  macOS:         brew install graphviz
  conda:         conda install -c conda-forge graphviz
  Windows:       winget install graphviz  (or choco install graphviz), then add its bin folder to PATH
to_dot() needs none of this: it returns the DOT text."""


# --- names and numbers, shared with the backprop tracer ------------------------


def format_number(x: float, precision: int = 4) -> str:
    """``x`` to ``precision`` significant digits, always recognisable as a float.

    Args:
        x: the number.
        precision: significant digits.

    Returns:
        Text such as ``"0.8808"``, ``"2.0"``, ``"-6.0"``, ``"1e-08"``, ``"inf"``.

    Example:
        >>> format_number(0.8807970779778823), format_number(2), format_number(-0.0)
        ('0.8808', '2.0', '0.0')
    """
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = f"{x + 0.0:.{precision}g}"  # + 0.0 turns -0.0 into 0.0
    if "e" not in text and "." not in text:
        text += ".0"
    return text


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


def node_names(order: Sequence[Value], precision: int = 4, feature_names: Sequence[str] = ()) -> dict[Value, str]:
    """A readable, unique name for every node: its label, its lecture name, a formula, its number, else ``v<k>``.

    Names are derived from each node's scope and role (``autograd.see.naming``), so
    a network's nodes read ``x₁``, ``w₂₁⁽¹⁾``, ``a₂⁽¹⁾``, ``ŷ``, ``J``; in a graph
    with no ``nn`` structure an unlabelled intermediate is ``v<k>``, ``k`` its
    position in ``order``. A drawing and a trace's explanations agree.

    Args:
        order: the nodes, ``topological_order(root)`` (the root last).
        precision: significant digits for a constant's number.
        feature_names: names for a network's inputs (default x₁, x₂, …).

    Returns:
        A dict from node to name.

    Example:
        >>> x = Value(2.0, label="x")
        >>> y = (x * 3).tanh()
        >>> list(node_names(topological_order(y)).values())
        ['x', '3.0', 'v2', 'v3']
    """
    return derive_names(order, order[-1], precision, feature_names) if order else {}


def operation_text(node: Value, precision: int = 4) -> str:
    """What an op node shows: its display symbol, with its constants (``^2``, ``leaky_relu 0.1``).

    Example:
        >>> operation_text(Value(3.0) ** 2), operation_text(Value(1.0).sigmoid())
        ('^2', 'σ')
    """
    if node.operation is None:
        return ""
    display = node.operation.display
    if not node.constants:
        return display
    # An integer exponent reads as ^2, not ^2.0.
    constants = ", ".join(str(int(c)) if c.is_integer() else format_number(c, precision) for c in node.constants)
    return f"{display}{constants}" if display == "^" else f"{display} {constants}"


SHORT_CONSTANTS = 5
"""Constants up to this many characters are drawn on their operation (``^2``); longer ones as a note."""


def operation_parts(node: Value, precision: int = 4) -> tuple[str, str]:
    """What an op circle shows, and a small note for long constants (a clamp's ε), or "".

    Implementation constants such as the ``3.72e-44`` that keeps a loss's log finite
    would make a giant circle; they become a note beside it instead.

    Example:
        >>> operation_parts(Value(3.0) ** 2), operation_parts(Value(0.5).clamp(1e-12, 1.0))
        (('^2', ''), ('clamp', 'clamp: low 1e-12, high 1'))
    """
    text = operation_text(node, precision)
    if node.operation is None or not node.constants:
        return text, ""
    shown = text.removeprefix(node.operation.display).strip()
    if len(shown) <= SHORT_CONSTANTS:
        return text, ""
    names = node.operation.constant_names or tuple(f"c{i}" for i in range(len(node.constants)))
    values = ", ".join(f"{name} {format_number(c, 2).removesuffix('.0')}" for name, c in zip(names, node.constants))
    return node.operation.display, f"{node.operation.display}: {values}"


def _printable(text: str, limit: int = MAX_LABEL) -> str:
    # Control and format characters (and lone surrogates) either break DOT or
    # hide in the picture; show them the way Python's repr would.
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


def _html(text: str, limit: int = MAX_LABEL) -> str:
    """Text made safe inside a Graphviz HTML-like label (newlines become line breaks)."""
    lines = _printable(text, limit).split("\n")
    return '<BR ALIGN="CENTER"/>'.join(html.escape(line, quote=True).replace("&#x27;", "&#39;") for line in lines)


def _quoted(text: str) -> str:
    """Text as a DOT double-quoted string (for tooltips)."""
    escaped = _printable(text, limit=500).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


# --- what one drawing shows ----------------------------------------------------


@dataclass(frozen=True)
class Look:
    """Per-picture overrides that turn a drawing into a frame of a trace.

    Attributes:
        grads: the gradient to show per node (default: each node's ``.grad``).
        hidden_data: nodes whose value is not computed yet (drawn as ``?``).
        filled: nodes drawn in full colour; the rest are drawn unfilled. None fills all.
        current: nodes drawn with a thick highlight border.
        active: nodes whose incoming edges are drawn highlighted (this step's edges).
        caption: text under the picture.

    Example:
        >>> y = Value(2.0) * 3
        >>> dot = "".join(dot_lines(y, look=Look(hidden_data={y}, caption="step 1")))
        >>> ">?</TD>" in dot, "step 1" in dot
        (True, True)
    """

    grads: Mapping[Value, float] | None = None
    hidden_data: Collection[Value] = frozenset()
    filled: Collection[Value] | None = None
    current: Collection[Value] = frozenset()
    active: Collection[Value] = frozenset()
    caption: str = ""


@dataclass
class _Drawing:
    """DOT statements grouped by scope path, so clusters can be written around them."""

    statements: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    edges: list[str] = field(default_factory=list)

    def add(self, scope: tuple[str, ...], statement: str) -> None:
        for depth in range(len(scope)):
            self.statements.setdefault(scope[:depth], [])
        self.statements.setdefault(scope, []).append(statement)

    def lines(self) -> list[str]:
        out: list[str] = []
        children: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for path in self.statements:
            if path:
                children.setdefault(path[:-1], []).append(path)
        # A scope tree is a few levels deep, so an explicit stack is only for symmetry
        # with the rest of the engine: no recursion anywhere in rendering.
        stack: list[tuple[tuple[str, ...], bool]] = [((), True)]
        cluster = 0
        while stack:
            path, opening = stack.pop()
            indent = "\t" * (len(path) + 1)
            if not opening:
                out.append("\t" * len(path) + "}\n")
                continue
            if path:
                out.append("\t" * len(path) + f"subgraph cluster_{cluster} {{\n")
                cluster += 1
                if path == INPUTS:
                    # One column for the inputs, shared by every neuron of the first layer.
                    out.append(
                        f'{indent}graph [label=<<B>inputs</B>>, style="rounded,dotted", color="#0072B2", '
                        'fontcolor="#0072B2", labeljust=l, margin=8, rank=same]\n'
                    )
                else:
                    out.append(
                        f"{indent}graph [label=<<B>{_html(scope_title(path[-1]))}</B>>, "
                        f"tooltip={_quoted('/'.join(path))}, "
                        'style="rounded,dashed", color="#8C8C8C", fontcolor="#555555", labeljust=l, margin=10]\n'
                    )
            out.extend(f"{indent}{statement}\n" for statement in self.statements[path] if statement)
            if path:
                stack.append((path, False))
            stack.extend((child, True) for child in reversed(children.get(path, [])))
        out.extend(f"\t{edge}\n" for edge in self.edges)
        return out


@dataclass(frozen=True)
class DrawOptions:
    """How to draw a graph: one frozen, validated object passed through all drawing code.

    ``to_dot``, ``draw``, ``save`` and a trace's ``frame`` build one from their
    keyword arguments, so a bad option fails at once with the caller's name.

    Attributes:
        rankdir: flow direction, ``"LR"`` (left to right), ``"TB"``, ``"RL"`` or ``"BT"``.
        show_grad: show each node's ``.grad`` under its data.
        show_local_grads: label each edge into an operation with ∂out/∂in.
        precision: significant digits of the numbers shown (1 to 17).
        highlight: Values drawn with a thick highlight border.
        max_nodes: refuse graphs with more nodes (or boxes) than this.
        collapse: ``"scope"`` draws each innermost ``autograd.scope`` as one box;
            an int ``k`` one box per scope path cut to ``k`` names; None every node.
        feature_names: names for a network's inputs, in order (default x₁, x₂, …).
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


def is_count(x: object) -> bool:
    """True for an int that is not a bool.

    Example:
        >>> is_count(3), is_count(True), is_count(3.0)
        (True, False, False)
    """
    return isinstance(x, int) and not isinstance(x, bool)


INPUTS: tuple[str, ...] = ("\x00inputs",)
"""The cluster path of a network's input column (no scope name can start with NUL by accident)."""


def dot_lines(
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local_grads: bool = True,
    precision: int = 4,
    highlight: Iterable[Value] = (),
    max_nodes: int = 500,
    collapse: Collapse = None,
    look: Look | None = None,
    function: str = "to_dot",
) -> list[str]:
    """The body of the DOT graph, one statement per line; ``to_dot`` wraps it in ``digraph {}``.

    Kept for callers that pass keywords (a trace's frames); it builds a
    ``DrawOptions`` and calls ``graph_lines``.

    Example:
        >>> [line.strip()[:10] for line in dot_lines(Value(1.0, label="x"))][-1]
        'v0 [label='
    """
    options = DrawOptions(
        rankdir, show_grad, show_local_grads, precision, frozenset(highlight), max_nodes, collapse, (), function
    )
    return graph_lines(root, options, look)


def graph_lines(root: Value, options: DrawOptions, look: Look | None = None) -> list[str]:
    """The body of the DOT graph of ``root`` drawn with ``options``; ``look`` restyles it as a trace frame.

    Raises:
        GraphTooLargeError: more nodes (or boxes) than ``options.max_nodes``.
        TypeError: ``root`` is not a Value.

    Example:
        >>> graph_lines(Value(1.0, label="x"), DrawOptions())[-1].strip()[:10]
        'v0 [label='
    """
    function = options.caller
    if not isinstance(root, Value):
        raise TypeError(f"{function}() got {root!r} of type {type(root).__name__}; expected a Value.")
    order = topological_order(root)
    if options.collapse is None and len(order) > options.max_nodes:
        raise GraphTooLargeError(_too_large(function, len(order), options.max_nodes, order))
    scene = Scene.of(root, order, options, look or Look())
    header = [
        f'\tgraph [rankdir={options.rankdir}, fontname="Helvetica", fontsize=11, nodesep=0.3, ranksep=0.35, '
        'bgcolor="white", pad=0.2, newrank=true, labelloc=b, labeljust=l]\n',
        '\tnode [fontname="Helvetica", fontsize=11, shape=plain]\n',
        f'\tedge [fontname="Helvetica", fontsize=9, color="{EDGE}", arrowsize=0.6, fontcolor="{EDGE_LABEL}"]\n',
    ]
    if scene.grouping.inputs:
        # A network reads in lecture order: x₁ above x₂, neuron 1 above neuron 2. Nodes
        # are written in that order; a short crossing search keeps it (a full one
        # shuffles a layer's equivalent neurons, every order crossing equally).
        header.append("\tgraph [mclimit=0.01]\n")
    if scene.look.caption:
        caption = "".join(f'{_html(line, limit=500)}<BR ALIGN="LEFT"/>' for line in scene.look.caption.split("\n"))
        header.append(f"\tgraph [label=<{caption}>]\n")
    drawing = _Drawing()
    if scene.grouping.inputs:
        drawing.add(INPUTS, "")  # the input column comes first: dot starts from the written order
    (_collapsed if options.collapse is not None else _every_node)(scene, drawing)
    return header + drawing.lines()


# The names and groups of the last graph drawn from each root. A trace draws one
# frame per step of the same graph, and naming a 715-node network costs more than
# writing its DOT; the graph under a root never changes, only labels and the numbers
# of constants can, and they are part of the key.
_SCENES: weakref.WeakKeyDictionary[
    Value,
    tuple[tuple[object, ...], dict[Value, str], dict[Value, str], Grouping, dict[Value, str]],
] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Scene:
    """Everything one picture needs, computed once: the graph, its names, groups and the frame's look."""

    root: Value
    order: list[Value]
    options: DrawOptions
    look: Look
    names: dict[Value, str]
    roles: dict[Value, str]
    grouping: Grouping
    ids: dict[Value, str]

    @classmethod
    def of(cls, root: Value, order: list[Value], options: DrawOptions, look: Look) -> Scene:
        """Name and group the nodes of ``root``'s graph (once per graph, labels and options: see ``_SCENES``)."""
        labels = tuple(node.label for node in order)
        # A constant is named by its number, so the numbers of leaves are part of the key too.
        numbers = tuple(node.data for node in order if not node.inputs and not isinstance(node, Parameter))
        key = (len(order), labels, numbers, options.precision, options.feature_names, options.collapse)
        cached = _SCENES.get(root)
        if cached is None or cached[0] != key:
            names, roles = names_and_roles(order, root, options.precision, options.feature_names)
            inputs = [node for node in order if roles.get(node) == "input"]
            grouping = group_nodes(order, root, options.collapse, inputs)
            ids = {node: f"v{position}" for position, node in enumerate(order)}
            cached = (key, names, roles, grouping, ids)
            _SCENES[root] = cached
        _, names, roles, grouping, ids = cached
        return cls(root, order, options, look, names, roles, grouping, ids)

    def kind(self, node: Value) -> str:
        """How ``node`` is styled; a network's inputs are inputs even without a label."""
        return "input" if self.roles.get(node) == "input" and node is not self.root else kind_of(node, self.root)

    def grad(self, node: Value) -> float:
        """The gradient shown for ``node`` in this frame."""
        return self.look.grads.get(node, node.grad) if self.look.grads is not None else node.grad

    def is_highlighted(self, node: Value) -> bool:
        """Drawn with the highlight border (asked for, or this step's node)."""
        return node in self.options.highlight or node in self.look.current

    def value_label(self, node: Value) -> str:
        """The HTML label of a value node."""
        look = self.look
        return _value_label(
            self.names[node],
            self.kind(node),
            None if node in look.hidden_data else node.data,
            self.grad(node) if self.options.show_grad else None,
            self.options.precision,
            filled=look.filled is None or node in look.filled,
            highlighted=self.is_highlighted(node),
            auto_named=not node.label and node not in self.roles,
        )

    def place(self, node: Value) -> tuple[str, ...]:
        """The cluster a loose node is drawn in: the input column, else its scope (uncollapsed only)."""
        if node in self.grouping.inputs:
            return INPUTS
        return self.grouping.home[node] if self.options.collapse is None else ()


def _operation_statement(scene: Scene, node: Value, place: tuple[str, ...], drawing: _Drawing) -> str:
    """Add ``node``'s operation circle to ``drawing``; return its id."""
    if node.operation is None:  # pragma: no cover - callers pass computed nodes only
        return ""
    op_id = f"{scene.ids[node]}_op"
    active = node in scene.look.active
    text, note = operation_parts(node, scene.options.precision)
    annotation = f', xlabel=<<FONT POINT-SIZE="8" COLOR="#707070">{_html(note)}</FONT>>' if note else ""
    drawing.add(
        place,
        f"{op_id} [label={_quoted(text)}, shape=circle, style=filled, "
        f'fillcolor="{OP_FILL}", color="{HIGHLIGHT if active else OP_BORDER}", '
        f"penwidth={2.5 if active else 1}, width=0.38, height=0.38, margin=0.02, fontsize=12, "
        f"tooltip={_quoted(node.operation.name)}{annotation}]",
    )
    return op_id


def _every_node(scene: Scene, drawing: _Drawing) -> None:
    """Every value and operation, each scope a dashed cluster around its nodes."""
    names, look, options, ids = scene.names, scene.look, scene.options, scene.ids
    for node in scene.order:
        place = scene.place(node)
        kind = scene.kind(node)
        tooltip = f"{names[node]} ({kind}): data={node.data!r}, grad={scene.grad(node)!r}"
        if node.scope:
            tooltip += f", scope={'/'.join(node.scope)}"
        drawing.add(place, f"{ids[node]} [label=<{scene.value_label(node)}>, tooltip={_quoted(tooltip)}]")
        if node.operation is None:
            continue
        op_id = _operation_statement(scene, node, place, drawing)
        active = node in look.active
        for child, local_grad in zip(node.inputs, node.local_grads):
            attributes = []
            if options.show_local_grads:
                derivative = f"∂{names[node]}/∂{names[child]} = {local_grad!r}"
                if node in look.hidden_data:
                    derivative = f"∂{names[node]}/∂{names[child]}: not computed yet"
                attributes.append(f"label={_quoted(format_number(local_grad, options.precision))}")
                attributes.append(f"tooltip={_quoted(derivative)}, labeltooltip={_quoted(derivative)}")
            if active:
                attributes.append(f'color="{HIGHLIGHT}", penwidth=2.5, fontcolor="#000000"')
            elif node in look.hidden_data and options.show_local_grads:
                # Not computed yet: the label keeps its place in the layout but is invisible.
                attributes.append('fontcolor="transparent"')
            elif look.active and options.show_local_grads:
                # Every frame keeps every label, so the layout does not jump between
                # steps; only this step's derivatives are drawn in strong colour.
                attributes.append(f'fontcolor="{FADED_TEXT}"')
            drawing.edges.append(f"{ids[child]} -> {op_id}" + (f" [{', '.join(attributes)}]" if attributes else ""))
        drawing.edges.append(f"{op_id} -> {ids[node]}" + (f' [color="{HIGHLIGHT}", penwidth=2.5]' if active else ""))
        weight, x = (*node.inputs, node, node)[:2]
        if scene.roles.get(weight) == "weight" and x is not weight:
            # Each weight one column right of the input it multiplies, as the lecture draws
            # x → w: inputs on the left, and the layers side by side instead of stacked.
            drawing.edges.append(f"{ids[x]} -> {ids[weight]} [style=invis]")


def _value_label(
    name: str,
    kind: str,
    data: float | None,
    grad: float | None,
    precision: int,
    *,
    filled: bool = True,
    highlighted: bool = False,
    auto_named: bool = False,
    caption: str | None = None,
) -> str:
    border, fill = PALETTE[kind]
    width = 3 if highlighted else 2 if kind in {"parameter", "output"} else 1
    color = HIGHLIGHT if highlighted else border
    table = (
        f'<TABLE BORDER="{width}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2" STYLE="ROUNDED" '
        f'COLOR="{color}" BGCOLOR="{fill if filled else UNFILLED}">'
    )
    # The outer table pads thinner borders so every box keeps one size whatever
    # its border: a highlight must not shift the layout between trace frames.
    wrap = f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{3 - width}"><TR><TD>'
    if kind == "constant":
        return f'{wrap}{table}<TR><TD CELLPADDING="3">{_html(name)}</TD></TR></TABLE></TD></TR></TABLE>'
    title = f"<I>{_html(name)}</I>" if auto_named else f"<B>{_html(name)}</B>"
    caption = kind if caption is None and kind in {"parameter", "output"} else caption
    if caption:
        title += f' <FONT POINT-SIZE="8" COLOR="#555555">{_html(caption)}</FONT>'
    rows = [f'<TR><TD COLSPAN="2" CELLPADDING="3">{title}</TD></TR>']
    rows.append(_number_row("data", "?" if data is None else format_number(data, precision)))
    if grad is not None:
        rows.append(_number_row("grad", format_number(grad, precision)))
    return wrap + table + "".join(rows) + "</TABLE></TD></TR></TABLE>"


def _number_row(name: str, number: str) -> str:
    # A minimum width keeps boxes the same size while their numbers change,
    # so the frames of a trace do not shift around.
    return (
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="#555555">{name}</FONT></TD>'
        f'<TD ALIGN="RIGHT" WIDTH="52">{number}</TD></TR>'
    )


def _too_large(function: str, count: int, max_nodes: int, order: Sequence[Value]) -> str:
    scoped = any(node.scope for node in order)
    hint = (
        'pass collapse="scope" to draw each autograd.scope as one box'
        if scoped
        else 'build the graph inside autograd.scope("name") blocks and pass collapse="scope" to draw each as one box'
    )
    return f"{function}() got a graph of {count} nodes, more than max_nodes={max_nodes}; {hint}, or raise max_nodes."


COMPACT_BOXES = 8
"""Above this many boxes side by side (a wide layer), each is drawn as one line."""
DENSE_FAN_IN = 4
"""From this many edges into one box, a collapsed drawing draws its edges thin and light."""
DENSE_EDGE = "#A8A8A8"
MAX_BOX_ROWS = 4
"""Outputs a collapsed box lists before "… n more"."""


def _collapsed(scene: Scene, drawing: _Drawing) -> None:
    """One box per group (``grouping.py`` decides which), individual nodes for the rest.

    In a trace frame (``look``) a box stands for everything inside it: it is
    highlighted when this step's node is inside, filled once all of its nodes
    are, and its last row names the node of this step.
    """
    grouping, options = scene.grouping, scene.options
    count = len(grouping.boxes) + len(grouping.loose)
    if count > options.max_nodes:
        raise GraphTooLargeError(
            f"{options.caller}() got a graph of {count} boxes and nodes even with collapse={options.collapse!r}, "
            f"more than max_nodes={options.max_nodes}; pass a smaller collapse depth such as collapse=1, "
            "or raise max_nodes."
        )
    box_ids = {key: f"s{position}" for position, key in enumerate(grouping.boxes)}
    nested = {key[:depth] for key in grouping.boxes for depth in range(1, len(key))}
    places = {key: key if key in nested else key[:-1] for key in grouping.boxes}
    crowd: dict[tuple[str, ...], int] = {}
    for place in places.values():
        crowd[place] = crowd.get(place, 0) + 1
    for key, box in grouping.boxes.items():
        place = places[key]
        # A wide layer's neurons are one line each ("a₃⁽¹⁾ = 0.52  grad 0.01"), so 16 fit a projector.
        table = _box_table(scene, box, compact=bool(place) and crowd[place] > COMPACT_BOXES)
        drawing.add(place, f"{box_ids[key]} [label=<{table}>, tooltip={_quoted('/'.join(key))}]")
    for node in grouping.loose:
        place = scene.place(node)
        drawing.add(place, f"{scene.ids[node]} [label=<{scene.value_label(node)}>]")

        if node.operation is not None:
            op_id = _operation_statement(scene, node, place, drawing)
            active = node in scene.look.active
            drawing.edges.append(
                f"{op_id} -> {scene.ids[node]}" + (f' [color="{HIGHLIGHT}", penwidth=2.5]' if active else "")
            )
    # One edge per pair of boxes or nodes, highlighted when this step's node uses it.
    edges: dict[tuple[str, str], bool] = {}
    box_of = grouping.key
    for node in scene.order:
        target = box_ids[box_of[node]] if box_of[node] else f"{scene.ids[node]}_op"
        for child in node.inputs:
            if box_of[child] and box_of[child] == box_of[node]:
                continue
            source = box_ids[box_of[child]] if box_of[child] else scene.ids[child]
            edges[source, target] = edges.get((source, target), False) or node in scene.look.active
    fan_in: dict[str, int] = {}
    for _, target in edges:
        fan_in[target] = fan_in.get(target, 0) + 1
    if grouping.inputs:
        # A network: straight lines from box side to box side, fanning out like the lecture's
        # picture of one, with room between the columns.
        drawing.add((), "graph [splines=line, ranksep=0.9]")
        drawing.add((), "edge [tailport=e, headport=w]")
    if max(fan_in.values(), default=0) >= DENSE_FAN_IN:
        # Dense layers: thin, light lines; a bundle of 256 dark edges reads as one band.
        drawing.add((), f'edge [color="{DENSE_EDGE}", penwidth=0.6, arrowsize=0.4]')
    for (source, target), active in edges.items():
        drawing.edges.append(f"{source} -> {target}" + (f' [color="{HIGHLIGHT}", penwidth=2.5]' if active else ""))


def _box_table(scene: Scene, box: Box, *, compact: bool = False) -> str:
    """The HTML table of one collapsed box: its title, then ``name = value  grad`` per output.

    ``compact`` leaves out the title (the output's name says which neuron it is)
    and the row naming this step's node (the highlight and the caption say it).
    """
    look, options = scene.look, scene.options
    inside = box.members
    is_output = scene.root in inside
    border, fill = PALETTE["output" if is_output else "intermediate"]
    color = HIGHLIGHT if any(scene.is_highlighted(node) for node in inside) else border
    if look.filled is not None and not all(node in look.filled for node in inside):
        fill = UNFILLED
    summary = f' <FONT POINT-SIZE="8" COLOR="#555555">{box.n_parameters} parameters</FONT>' if box.n_parameters else ""
    rows = [] if compact else [f'<TR><TD COLSPAN="3" CELLPADDING="3"><B>{_html(box.title)}</B>{summary}</TD></TR>']
    here = [node for node in inside if node in look.current]
    # A neuron-level step marks the whole neuron: name its weighted sum z, what its step computes.
    sums = [node for node in here if scene.roles.get(node) == "z"]
    marked = (sums or here)[-1] if here else None
    if compact and marked is not None:
        # One line per box: this step's node takes the line, so the box keeps its height.
        rows.append(_box_row(scene, marked, HIGHLIGHT))
    else:
        rows.extend(_box_row(scene, node) for node in box.outputs[:MAX_BOX_ROWS])
    if len(box.outputs) > MAX_BOX_ROWS:
        rows.append(f'<TR><TD COLSPAN="3">… {len(box.outputs) - MAX_BOX_ROWS} more outputs</TD></TR>')
    if look.current and not compact:
        # Every box keeps this row, so boxes keep their size from frame to frame.
        rows.append(_box_row(scene, marked, HIGHLIGHT) if marked else '<TR><TD COLSPAN="3"> </TD></TR>')
    note = _box_note(box, options.precision)
    if note:
        small = f'<FONT POINT-SIZE="8" COLOR="#707070">{_html(note)}</FONT>'
        rows.append(f'<TR><TD COLSPAN="3" ALIGN="LEFT">{small}</TD></TR>')
    return (
        f'<TABLE BORDER="{3 if color == HIGHLIGHT else 2}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2" '
        f'STYLE="ROUNDED" COLOR="{color}" BGCOLOR="{fill}">{"".join(rows)}</TABLE>'
    )


def _box_note(box: Box, precision: int) -> str:
    """Implementation constants inside a box (the clamp ε of a loss), as one small line."""
    notes = dict.fromkeys(note for node in box.members for note in [operation_parts(node, precision)[1]] if note)
    return "; ".join(notes)


def _box_row(scene: Scene, node: Value, color: str = "") -> str:
    """One ``name = data   grad g`` row of a collapsed box (``▶`` marks this step's node)."""
    name = scene.names[node]
    data = "?" if node in scene.look.hidden_data else format_number(node.data, scene.options.precision)
    text = f'<FONT COLOR="{color}"><B>▶ {_html(name)}</B></FONT>' if color else _html(name)
    cells = f'<TD ALIGN="LEFT">{text} = {data}</TD>'
    if scene.options.show_grad:
        grad = format_number(scene.grad(node), scene.options.precision)
        cells += f'<TD ALIGN="RIGHT"><FONT COLOR="#555555">grad {grad}</FONT></TD>'
    return f"<TR>{cells}</TR>"


# --- public API -----------------------------------------------------------------


def to_dot(
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local_grads: bool = True,
    precision: int = 4,
    highlight: Iterable[Value] = (),
    max_nodes: int = 500,
    collapse: Collapse = None,
    feature_names: Sequence[str] = (),
) -> str:
    """The graph that computed ``root``, as Graphviz DOT text (no Graphviz needed).

    The same graph always gives byte-identical text: nodes are named by their
    position in ``topological_order(root)``, never by ``id()``.

    Args:
        root: the output Value; everything it depends on is drawn.
        rankdir: flow direction, ``"LR"`` (left to right), ``"TB"``, ``"RL"`` or ``"BT"``.
        show_grad: show each node's ``.grad`` under its data.
        show_local_grads: label each edge into an operation with ∂out/∂in.
        precision: significant digits of the numbers shown.
        highlight: Values to draw with a thick highlight border.
        max_nodes: refuse graphs with more nodes than this (they are unreadable).
        collapse: ``"scope"`` draws each innermost ``autograd.scope`` as one box;
            an int ``k`` draws one box per scope path cut to its first ``k`` names;
            None draws every node, with a dashed box around each scope.
        feature_names: names for a network's inputs (default x₁, x₂, …).

    Returns:
        DOT source text, ``digraph glassgrad { ... }``.

    Raises:
        GraphTooLargeError: the graph has more than ``max_nodes`` nodes (or boxes).
        ValueError: an option is out of range.
        TypeError: ``root`` is not a Value.

    Example:
        >>> from autograd import Value
        >>> x = Value(2.0, label="x")
        >>> dot = to_dot(x * x)
        >>> dot.splitlines()[0], dot.count("v0 -> v1_op")
        ('digraph glassgrad {', 2)
    """
    options = DrawOptions(
        rankdir, show_grad, show_local_grads, precision, frozenset(highlight), max_nodes, collapse, feature_names,
        "to_dot",
    )
    return dot_text(root, options)


def dot_text(root: Value, options: DrawOptions, look: Look | None = None) -> str:
    """``graph_lines`` wrapped in ``digraph glassgrad { … }``.

    Example:
        >>> dot_text(Value(1.0), DrawOptions()).splitlines()[0]
        'digraph glassgrad {'
    """
    return "digraph glassgrad {\n" + "".join(graph_lines(root, options, look)) + "}\n"


def require_dot(function: str) -> str:
    """The path of Graphviz's ``dot`` program, or ``GraphvizNotFound`` saying how to install it.

    Example:
        >>> import shutil
        >>> shutil.which("dot") is None or require_dot("save") == shutil.which("dot")
        True
    """
    path = shutil.which("dot")
    if path is None:
        raise GraphvizNotFound(
            f"{function}() needs Graphviz's `dot` program, and it is not on PATH.\n{INSTALL_GRAPHVIZ}"
        )
    return path


def graphviz_module(function: str) -> types.ModuleType:
    """Import the ``graphviz`` Python package, or explain how to install it.

    Example:
        >>> graphviz_module("draw").__name__
        'graphviz'
    """
    try:
        import graphviz
    except ImportError:
        raise GraphvizNotFound(
            f"{function}() needs the graphviz Python package: pip install 'glassgrad[viz]' (or pip install graphviz)."
        ) from None
    module: types.ModuleType = graphviz
    return module


def digraph(lines: list[str], function: str) -> graphviz.Digraph:
    """Wrap DOT body lines in a ``graphviz.Digraph`` whose ``.source`` equals ``to_dot``'s text.

    Example:
        >>> digraph(dot_lines(Value(1.0)), "draw").source.startswith("digraph glassgrad {")
        True
    """
    module = graphviz_module(function)
    graph: graphviz.Digraph = module.Digraph(name="glassgrad", body=lines, format="svg")
    return graph


def draw(
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local_grads: bool = True,
    precision: int = 4,
    highlight: Iterable[Value] = (),
    max_nodes: int = 500,
    collapse: Collapse = None,
    feature_names: Sequence[str] = (),
) -> graphviz.Digraph:
    """The graph as a ``graphviz.Digraph``: the last line of a Jupyter cell shows it.

    Args: as ``to_dot``.

    Returns:
        A ``graphviz.Digraph`` whose ``.source`` is ``to_dot(root, ...)``.

    Raises:
        GraphvizNotFound: the ``graphviz`` package or the ``dot`` program is missing
            (the message says how to install them).
        GraphTooLargeError, ValueError, TypeError: as ``to_dot``.

    Example:
        >>> from autograd import Value
        >>> w, x, b = Value(-3.0, label="w"), Value(2.0, label="x"), Value(6.88, label="b")
        >>> graph = draw((w * x + b).tanh())  # doctest: +SKIP
        >>> graph.render("neuron", format="png")  # doctest: +SKIP
        'neuron.png'
    """
    options = DrawOptions(
        rankdir, show_grad, show_local_grads, precision, frozenset(highlight), max_nodes, collapse, feature_names,
        "draw",
    )
    lines = graph_lines(root, options)
    require_dot("draw")
    return digraph(lines, "draw")


def render_dot(source: str, format: str, function: str = "save") -> bytes:
    """Run ``dot -T<format>`` on DOT text and return the output bytes.

    Args:
        source: DOT text.
        format: ``"svg"``, ``"png"`` or ``"pdf"``.
        function: the public caller, for error messages.

    Returns:
        The rendered file's bytes.

    Raises:
        GraphvizNotFound: ``dot`` is not installed.
        GraphvizTimeout: ``dot`` took longer than ``DOT_TIMEOUT`` seconds (the
            message gives the node count and how to draw fewer nodes).
        RuntimeError: ``dot`` rejected the input (its message is included).

    Example:
        >>> render_dot(to_dot(Value(1.0)), "svg")[:5]  # doctest: +SKIP
        b'<?xml'
    """
    dot = require_dot(function)
    arguments = [dot, f"-T{format}"]
    if format == "png":
        arguments.append("-Gdpi=144")  # crisp on high-density screens and in docs
    try:
        result = subprocess.run(
            arguments, input=source.encode("utf-8"), capture_output=True, timeout=DOT_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise GraphvizTimeout(_timeout_message(source, function)) from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{function}(): Graphviz's dot failed with exit code {result.returncode}: {message}")
    return result.stdout


def _timeout_message(source: str, function: str) -> str:
    """What to say when ``dot`` runs out of time on ``source``.

    Example:
        >>> print(_timeout_message(to_dot(Value(1.0) * 2), "save"))  # doctest: +ELLIPSIS
        save(): Graphviz's dot took over 120 s to lay out a graph of 4 nodes (values and operations) ...
    """
    # Counted in the DOT text, so the number is what dot was given, whatever
    # collapse= did and however many frames a player put in one run.
    nodes = len(re.findall(r"^\s*(?!(?:graph|node|edge|subgraph)\b)\w+ \[", source, flags=re.MULTILINE))
    graphs = len(re.findall(r"^digraph\b", source, flags=re.MULTILINE))
    what = f"a graph of {nodes} nodes" if graphs <= 1 else f"{graphs} graphs of {nodes} nodes in all"
    return (
        f"{function}(): Graphviz's dot took over {DOT_TIMEOUT:g} s to lay out {what} (values and operations) "
        'and was stopped; pass collapse="scope" to draw each autograd.scope as one box, or draw a smaller graph.'
    )


def save(
    root: Value,
    path: str | os.PathLike[str],
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local_grads: bool = True,
    precision: int = 4,
    highlight: Iterable[Value] = (),
    max_nodes: int = 500,
    collapse: Collapse = None,
    feature_names: Sequence[str] = (),
) -> Path:
    """Draw the graph into ``path``: ``.svg``, ``.png``, ``.pdf`` or ``.dot``, chosen by extension.

    The file is written atomically: on any error the old file (if any) is left as it was.

    Args:
        root: the output Value.
        path: where to write; the extension picks the format.
        rankdir: as ``to_dot``.
        show_grad: as ``to_dot``.
        show_local_grads: as ``to_dot``.
        precision: as ``to_dot``.
        highlight: as ``to_dot``.
        max_nodes: as ``to_dot``.
        collapse: as ``to_dot``.
        feature_names: as ``to_dot``.

    Returns:
        The path written.

    Raises:
        ValueError: the extension is not one of ``.svg .png .pdf .dot``.
        GraphvizNotFound: ``dot`` is missing (not needed for ``.dot``).
        GraphvizTimeout: ``dot`` took over ``DOT_TIMEOUT`` seconds; nothing is written.
        GraphTooLargeError, TypeError: as ``to_dot``.

    Example:
        >>> import tempfile, pathlib
        >>> from autograd import Value
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "graph.dot"
        >>> save(Value(1.0, label="x") * 2, target).read_text().startswith("digraph")
        True
    """
    options = DrawOptions(
        rankdir, show_grad, show_local_grads, precision, frozenset(highlight), max_nodes, collapse, feature_names,
        "save",
    )
    target = Path(path)
    extension = target.suffix.lower()
    if extension not in FORMATS:
        raise ValueError(
            f"save() got path {str(path)!r} with extension {extension or '(none)'!r}; "
            f"expected one of {', '.join(FORMATS)}."
        )
    source = dot_text(root, options)
    content = source.encode("utf-8") if extension == ".dot" else render_dot(source, extension[1:], "save")
    write_atomically(target, content, caller="save()")
    return target
