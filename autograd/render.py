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
instead, which keeps a whole network legible.
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
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from autograd.errors import GraphTooLargeError, GraphvizNotFound, GraphvizTimeout
from autograd.files import write_atomically as write_atomically  # re-exported: player.py imports it from here
from autograd.graph import topological_order
from autograd.value import Parameter, Value

if TYPE_CHECKING:
    import graphviz

Collapse = Literal["scope"] | int | None
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


def node_names(order: Sequence[Value], precision: int = 4) -> dict[Value, str]:
    """A readable name for every node: its label, its number for a constant, else ``v<k>``.

    ``k`` is the node's position in ``order``, so the names in a drawing and in
    a trace's explanations agree.

    Args:
        order: the nodes, usually ``topological_order(root)``.
        precision: significant digits for a constant's number.

    Returns:
        A dict from node to name.

    Example:
        >>> x = Value(2.0, label="x")
        >>> y = (x * 3).tanh()
        >>> list(node_names(topological_order(y)).values())
        ['x', '3.0', 'v2', 'v3']
    """
    names: dict[Value, str] = {}
    for position, node in enumerate(order):
        if node.label:
            names[node] = node.label
        elif not node.inputs and not isinstance(node, Parameter):
            names[node] = format_number(node.data, precision)
        else:
            names[node] = f"v{position}"
    return names


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


def _printable(text: str, limit: int = MAX_LABEL) -> str:
    # Control and format characters (and lone surrogates) either break DOT or
    # hide in the picture; show them the way Python's repr would.
    cleaned = "".join(
        repr(ch)[1:-1] if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} and ch != "\n" else ch
        for ch in text
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
                out.append(
                    f"{indent}graph [label=<<B>{_html(path[-1])}</B>>, tooltip={_quoted('/'.join(path))}, "
                    'style="rounded,dashed", color="#8C8C8C", fontcolor="#555555", labeljust=l, margin=10]\n'
                )
            out.extend(f"{indent}{statement}\n" for statement in self.statements[path])
            if path:
                stack.append((path, False))
            stack.extend((child, True) for child in reversed(children.get(path, [])))
        out.extend(f"\t{edge}\n" for edge in self.edges)
        return out


def _check_options(function: str, rankdir: str, precision: int, max_nodes: int, collapse: Collapse) -> None:
    if rankdir not in RANKDIRS:
        raise ValueError(f"{function}() got rankdir={rankdir!r}; expected one of {', '.join(RANKDIRS)}.")
    if isinstance(precision, bool) or not isinstance(precision, int) or not 1 <= precision <= 17:
        raise ValueError(
            f"{function}() got precision={precision!r}; expected an int from 1 to 17 (significant digits)."
        )
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"{function}() got max_nodes={max_nodes!r}; expected an int ≥ 1.")
    if (
        collapse is not None
        and collapse != "scope"
        and (isinstance(collapse, bool) or not isinstance(collapse, int) or collapse < 1)
    ):
        raise ValueError(
            f'{function}() got collapse={collapse!r}; expected None, "scope" (one box per innermost scope) '
            "or an int depth ≥ 1 (one box per scope path cut to that many names)."
        )


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

    Args and Raises: as ``to_dot``; ``look`` restyles the picture for a trace
    frame, and ``function`` names the public caller in error messages.

    Example:
        >>> [line.strip()[:10] for line in dot_lines(Value(1.0, label="x"))][-1]
        'v0 [label='
    """
    if not isinstance(root, Value):
        raise TypeError(f"{function}() got {root!r} of type {type(root).__name__}; expected a Value.")
    _check_options(function, rankdir, precision, max_nodes, collapse)
    order = topological_order(root)
    look = look or Look()
    highlighted = set(highlight) | set(look.current)
    header = [
        f'\tgraph [rankdir={rankdir}, fontname="Helvetica", fontsize=11, nodesep=0.3, ranksep=0.35, '
        'bgcolor="white", pad=0.2, newrank=true, labelloc=b, labeljust=l]\n',
        '\tnode [fontname="Helvetica", fontsize=11, shape=plain]\n',
        f'\tedge [fontname="Helvetica", fontsize=9, color="{EDGE}", arrowsize=0.6, fontcolor="{EDGE_LABEL}"]\n',
    ]
    if look.caption:
        caption = "".join(f'{_html(line, limit=500)}<BR ALIGN="LEFT"/>' for line in look.caption.split("\n"))
        header.append(f"\tgraph [label=<{caption}>]\n")
    if collapse is not None:
        drawing = _collapsed(order, root, collapse, precision, show_grad, highlighted, max_nodes, function, look)
        return header + drawing.lines()
    if len(order) > max_nodes:
        raise GraphTooLargeError(_too_large(function, len(order), max_nodes, order))
    names = node_names(order, precision)
    ids = {node: f"v{position}" for position, node in enumerate(order)}
    drawing = _Drawing()
    for node in order:
        kind = kind_of(node, root)
        grad = look.grads.get(node, node.grad) if look.grads is not None else node.grad
        filled = look.filled is None or node in look.filled
        label = _value_label(
            names[node],
            kind,
            None if node in look.hidden_data else node.data,
            grad if show_grad else None,
            precision,
            filled=filled,
            highlighted=node in highlighted,
            auto_named=not node.label,
        )
        tooltip = f"{names[node]} ({kind}): data={node.data!r}, grad={grad!r}"
        if node.scope:
            tooltip += f", scope={'/'.join(node.scope)}"
        drawing.add(node.scope, f"{ids[node]} [label=<{label}>, tooltip={_quoted(tooltip)}]")
        if node.operation is None:
            continue
        op_id = f"{ids[node]}_op"
        active = node in look.active
        drawing.add(
            node.scope,
            f"{op_id} [label={_quoted(operation_text(node, precision))}, shape=circle, style=filled, "
            f'fillcolor="{OP_FILL}", color="{HIGHLIGHT if active else OP_BORDER}", '
            f"penwidth={2.5 if active else 1}, width=0.38, height=0.38, margin=0.02, fontsize=12, "
            f"tooltip={_quoted(node.operation.name)}]",
        )
        for child, local_grad in zip(node.inputs, node.local_grads):
            attributes = []
            if show_local_grads:
                derivative = f"∂{names[node]}/∂{names[child]} = {local_grad!r}"
                if node in look.hidden_data:
                    derivative = f"∂{names[node]}/∂{names[child]}: not computed yet"
                attributes.append(f"label={_quoted(format_number(local_grad, precision))}")
                attributes.append(f"tooltip={_quoted(derivative)}, labeltooltip={_quoted(derivative)}")
            if active:
                attributes.append(f'color="{HIGHLIGHT}", penwidth=2.5, fontcolor="#000000"')
            elif node in look.hidden_data and show_local_grads:
                # Not computed yet: the label keeps its place in the layout but is invisible.
                attributes.append('fontcolor="transparent"')
            elif look.active and show_local_grads:
                # Every frame keeps every label, so the layout does not jump between
                # steps; only this step's derivatives are drawn in strong colour.
                attributes.append(f'fontcolor="{FADED_TEXT}"')
            drawing.edges.append(f"{ids[child]} -> {op_id}" + (f" [{', '.join(attributes)}]" if attributes else ""))
        drawing.edges.append(f"{op_id} -> {ids[node]}" + (f' [color="{HIGHLIGHT}", penwidth=2.5]' if active else ""))
    return header + drawing.lines()


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


def _collapsed(
    order: list[Value],
    root: Value,
    collapse: Literal["scope"] | int,
    precision: int,
    show_grad: bool,
    highlighted: set[Value],
    max_nodes: int,
    function: str,
    look: Look,
) -> _Drawing:
    """One box per scope group, individual nodes for the unscoped rest.

    In a trace frame (``look``) a box stands for everything inside it: it is
    highlighted when this step's node is inside, filled once all of its nodes
    are, and its last row names the node of this step.
    """

    def grad_of(node: Value) -> float:
        return look.grads.get(node, node.grad) if look.grads is not None else node.grad

    def key_of(node: Value) -> tuple[str, ...]:
        return node.scope if collapse == "scope" else node.scope[: int(collapse)]

    group: dict[Value, tuple[str, ...]] = {node: key_of(node) for node in order}
    consumers: dict[Value, list[Value]] = {}
    for node in order:
        for child in node.inputs:
            consumers.setdefault(child, []).append(node)
    # A weight or constant used only inside one group belongs to it, even when it
    # was created outside the scope (nn creates weights in __init__, uses them in calls).
    for node in order:
        users = consumers.get(node, [])
        if node.inputs or group[node] or not users or (node.label and not isinstance(node, Parameter)):
            continue
        user_groups = {group[user] for user in users}
        if len(user_groups) == 1 and () not in user_groups:
            group[node] = user_groups.pop()
    keys = list(dict.fromkeys(key for key in group.values() if key))
    members: dict[tuple[str, ...], list[Value]] = {key: [] for key in keys}
    for node in order:
        if group[node]:
            members[group[node]].append(node)
    loose = [node for node in order if not group[node]]
    count = len(keys) + len(loose)
    if count > max_nodes:
        raise GraphTooLargeError(
            f"{function}() got a graph of {count} boxes and nodes even with collapse={collapse!r}, "
            f"more than max_nodes={max_nodes}; pass a smaller collapse depth such as collapse=1, or raise max_nodes."
        )
    names = node_names(order, precision)
    ids = {node: f"v{position}" for position, node in enumerate(order)}
    box_ids = {key: f"s{position}" for position, key in enumerate(keys)}
    nested = {key[:depth] for key in keys for depth in range(1, len(key))}
    drawing = _Drawing()
    for key in keys:
        inside = members[key]
        outputs = [
            node for node in inside if node is root or any(group[user] != key for user in consumers.get(node, []))
        ]
        n_parameters = sum(isinstance(node, Parameter) for node in inside)
        summary = f"{len(inside)} nodes" + (f", {n_parameters} parameters" if n_parameters else "")
        is_output = root in inside
        border, fill = PALETTE["output" if is_output else "intermediate"]
        color = HIGHLIGHT if any(node in highlighted for node in inside) else border
        if look.filled is not None and not all(node in look.filled for node in inside):
            fill = UNFILLED
        rows = [
            f'<TR><TD COLSPAN="3" CELLPADDING="3"><B>{_html(key[-1])}</B> '
            f'<FONT POINT-SIZE="8" COLOR="#555555">{_html(summary)}</FONT></TD></TR>'
        ]
        for node in outputs[:3]:
            rows.append(_box_row(names[node], node, look, grad_of(node), precision, show_grad))
        if len(outputs) > 3:
            rows.append(f'<TR><TD COLSPAN="3">… {len(outputs) - 3} more outputs</TD></TR>')
        if look.current:
            # Every box keeps this row, so boxes keep their size from frame to frame.
            here = [node for node in inside if node in look.current]
            rows.append(
                _box_row("▶ " + names[here[0]], here[0], look, grad_of(here[0]), precision, show_grad, HIGHLIGHT)
                if here
                else '<TR><TD COLSPAN="3"> </TD></TR>'
            )
        table = (
            f'<TABLE BORDER="{3 if color == HIGHLIGHT else 2}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2" '
            f'STYLE="ROUNDED" COLOR="{color}" BGCOLOR="{fill}">{"".join(rows)}</TABLE>'
        )
        place = key if key in nested else key[:-1]
        drawing.add(place, f"{box_ids[key]} [label=<{table}>, tooltip={_quoted('/'.join(key))}]")
    for node in loose:
        kind = kind_of(node, root)
        active = node in look.active
        label = _value_label(
            names[node],
            kind,
            None if node in look.hidden_data else node.data,
            grad_of(node) if show_grad else None,
            precision,
            filled=look.filled is None or node in look.filled,
            highlighted=node in highlighted,
            auto_named=not node.label,
        )
        drawing.add((), f"{ids[node]} [label=<{label}>]")
        if node.operation is not None:
            drawing.add(
                (),
                f"{ids[node]}_op [label={_quoted(operation_text(node, precision))}, shape=circle, style=filled, "
                f'fillcolor="{OP_FILL}", color="{HIGHLIGHT if active else OP_BORDER}", '
                + ("penwidth=2.5, " if active else "")
                + "width=0.38, height=0.38, margin=0.02, fontsize=12]",
            )
            drawing.edges.append(
                f"{ids[node]}_op -> {ids[node]}" + (f' [color="{HIGHLIGHT}", penwidth=2.5]' if active else "")
            )
    # One edge per pair of boxes or nodes, highlighted when this step's node uses it.
    edges: dict[tuple[str, str], bool] = {}
    for node in order:
        target = box_ids[group[node]] if group[node] else f"{ids[node]}_op"
        for child in node.inputs:
            if group[child] and group[child] == group[node]:
                continue
            source = box_ids[group[child]] if group[child] else ids[child]
            edges[source, target] = edges.get((source, target), False) or node in look.active
    for (source, target), active in edges.items():
        drawing.edges.append(f"{source} -> {target}" + (f' [color="{HIGHLIGHT}", penwidth=2.5]' if active else ""))
    return drawing


def _box_row(name: str, node: Value, look: Look, grad: float, precision: int, show_grad: bool, color: str = "") -> str:
    """One ``name  data  grad`` row of a collapsed scope's box."""
    data = "?" if node in look.hidden_data else format_number(node.data, precision)
    text = f'<FONT COLOR="{color}"><B>{_html(name)}</B></FONT>' if color else _html(name)
    cells = f'<TD ALIGN="LEFT">{text}</TD><TD ALIGN="RIGHT">{data}</TD>'
    if show_grad:
        cells += f'<TD ALIGN="RIGHT"><FONT COLOR="#555555">grad {format_number(grad, precision)}</FONT></TD>'
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
    lines = dot_lines(
        root,
        rankdir=rankdir,
        show_grad=show_grad,
        show_local_grads=show_local_grads,
        precision=precision,
        highlight=highlight,
        max_nodes=max_nodes,
        collapse=collapse,
    )
    return "digraph glassgrad {\n" + "".join(lines) + "}\n"


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
    lines = dot_lines(
        root,
        rankdir=rankdir,
        show_grad=show_grad,
        show_local_grads=show_local_grads,
        precision=precision,
        highlight=highlight,
        max_nodes=max_nodes,
        collapse=collapse,
        function="draw",
    )
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
    target = Path(path)
    extension = target.suffix.lower()
    if extension not in FORMATS:
        raise ValueError(
            f"save() got path {str(path)!r} with extension {extension or '(none)'!r}; "
            f"expected one of {', '.join(FORMATS)}."
        )
    source = to_dot(
        root,
        rankdir=rankdir,
        show_grad=show_grad,
        show_local_grads=show_local_grads,
        precision=precision,
        highlight=highlight,
        max_nodes=max_nodes,
        collapse=collapse,
    )
    content = source.encode("utf-8") if extension == ".dot" else render_dot(source, extension[1:], "save")
    write_atomically(target, content, caller="save()")
    return target
