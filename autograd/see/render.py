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
as in the lecture (``naming.py``): ``x₁``, ``w₂₁⁽¹⁾``, ``a₂⁽¹⁾``, ``ŷ``, ``J``.

This module only writes DOT: ``picture.py`` builds the picture (names, boxes,
edges) and paints each frame; ``frame_lines`` writes a painted frame; the public
functions build one validated ``DrawOptions`` from their keyword arguments.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import types
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from autograd.engine.errors import GraphvizNotFound, GraphvizTimeout
from autograd.engine.value import Parameter, Value
from autograd.files import write_atomically as write_atomically  # re-exported: player.py imports it from here
from autograd.see.grouping import Collapse as Collapse  # re-exported: trace.py and player.py import it from here
from autograd.see.naming import format_number as format_number  # re-exported: traces and plots import it here
from autograd.see.naming import names_and_roles, scope_title
from autograd.see.picture import (
    EDGE,
    EDGE_LABEL,
    INPUTS,
    OP_FILL,
    SMALL_POINTS,
    DrawOptions,
    Edge,
    EdgePaint,
    Frame,
    Label,
    Picture,
    PictureBox,
    escape_markup,
    paint,
    picture_of,
    place_of,
    printable,
    shown_grad,
)
from autograd.see.picture import HIGHLIGHT as HIGHLIGHT  # re-exported, with the palette, for the views
from autograd.see.picture import PALETTE as PALETTE
from autograd.see.picture import UNFILLED as UNFILLED

if TYPE_CHECKING:
    import graphviz

FORMATS = (".svg", ".png", ".pdf", ".dot")
DOT_TIMEOUT = 120.0
"""Seconds ``dot`` may take to lay out a drawing before rendering gives up."""

INSTALL_GRAPHVIZ = """\
Install Graphviz (the program, not only the Python package):
  Debian/Ubuntu: sudo apt-get install graphviz
  macOS:         brew install graphviz
  conda:         conda install -c conda-forge graphviz
  Windows:       winget install graphviz  (or choco install graphviz), then add its bin folder to PATH
to_dot() needs none of this: it returns the DOT text."""


def node_names(order: Sequence[Value], precision: int = 4, feature_names: Sequence[str] = ()) -> dict[Value, str]:
    """A readable, unique name for every node of ``order`` (``topological_order(root)``, the root last).

    Its label, else its lecture name (``x₁``, ``w₂₁⁽¹⁾``, ``ŷ``, ``J``: ``autograd.see.naming``),
    a formula, a constant's number at ``precision`` digits, else ``v<k>`` (``k``: its
    position in ``order``), so a drawing and a trace's explanations agree.

    Example:
        >>> from autograd.engine.graph import topological_order
        >>> x = Value(2.0, label="x")
        >>> y = (x * 3).tanh()
        >>> list(node_names(topological_order(y)).values())
        ['x', '3.0', 'v2', 'v3']
    """
    return names_and_roles(order, order[-1], precision, feature_names)[0] if order else {}


def _quoted(text: str) -> str:
    """Text as a DOT double-quoted string (for tooltips)."""
    escaped = printable(text, limit=500).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


# --- the DOT writer: a Picture's paint as DOT text ---------------------------------------------


def graph_lines(root: Value, options: DrawOptions) -> list[str]:
    """The body of the DOT graph of ``root`` drawn with ``options`` (raising as ``picture_of`` does).

    Example:
        >>> graph_lines(Value(1.0, label="x"), DrawOptions())[-1].strip()[:10]
        'v0 [label='
    """
    return frame_lines(paint(picture_of(root, options)))


def frame_lines(frame: Frame, labels: dict[str, str] | None = None) -> list[str]:
    r"""The DOT body of one painted frame; ``labels`` replaces the labels of some elements (by id).

    The page lays a picture out once with each node at its widest, so it passes
    the widest label each node has in any of its frames.

    Example:
        >>> from autograd.see.picture import paint, picture_of
        >>> frame_lines(paint(picture_of(Value(1.0), DrawOptions())))[0].startswith("\tgraph [rankdir=LR")
        True
    """
    picture, look, options = frame.picture, frame.look, frame.picture.options
    network = bool(picture.grouping.inputs)
    header = [
        f'\tgraph [rankdir={options.rankdir}, fontname="Helvetica", fontsize=11, nodesep=0.3, ranksep=0.35, '
        'bgcolor="white", pad=0.2, newrank=true, labelloc=b, labeljust=l]\n',
        '\tnode [fontname="Helvetica", fontsize=11, shape=plain]\n',
        f'\tedge [fontname="Helvetica", fontsize={SMALL_POINTS}, color="{EDGE}", arrowsize=0.6, '
        f'fontcolor="{EDGE_LABEL}"]\n',
    ]
    if network:
        # A network reads in lecture order: x₁ above x₂, neuron 1 above neuron 2. Nodes
        # are written in that order; a short crossing search keeps it (a full one
        # shuffles a layer's equivalent neurons, every order crossing equally).
        header.append("\tgraph [mclimit=0.01]\n")
    if look.caption:
        caption = "".join(
            f'{escape_markup(line)}<BR ALIGN="LEFT"/>' for line in printable(look.caption, 500).split("\n")
        )
        header.append(f"\tgraph [label=<{caption}>]\n")
    if options.collapse is not None and network:
        # A network: straight lines from box side to box side, fanning out like the lecture's
        # picture of one, with room between the columns. Packed close otherwise: a projector
        # shows the whole course network only if it is at most about 670 × 330 pt (16-px
        # text at 1024×768 is 11-pt text drawn 1.45 times as large).
        header.append("\tgraph [splines=line, ranksep=0.36, nodesep=0.12, pad=0.05]\n")
        header.append("\tedge [tailport=e, headport=w]\n")
    default = picture.edge_default
    if picture.dense:
        # Dense layers: thin, light lines; a bundle of 256 dark edges reads as one band.
        header.append(f'\tedge [color="{default.color}", penwidth={default.width:g}, arrowsize=0.4]\n')
    statements: dict[tuple[str, ...], list[str]] = {path: [] for path in [(), *picture.clusters]}
    labels = labels or {}
    uncollapsed = options.collapse is None
    for entry in picture.boxes:
        label = labels.get(entry.id, frame.nodes[entry.id].label)
        statements[entry.place].append(
            f'{entry.id} [label=<{label}>, tooltip={_quoted(_box_tooltip(picture, entry))}, id="{entry.id}"]'
        )
    for node in picture.drawn:
        node_id = picture.ids[node]
        place = place_of(picture.grouping, options.collapse, node)
        label = labels.get(node_id, frame.nodes[node_id].label)
        tooltip = ""
        if uncollapsed:
            kind = picture.kind(node)
            text = f"{picture.names[node]} ({kind}): data={node.data!r}, grad={shown_grad(look, node)!r}"
            if node not in picture.differentiated and not node.inputs:
                text = f"{picture.names[node]} ({kind}, data: no gradient needed): data={node.data!r}"
            if node.scope:
                text += f", scope={'/'.join(node.scope)}"
            tooltip = f", tooltip={_quoted(text)}"
        statements[place].append(f'{node_id} [label=<{label}>{tooltip}, id="{node_id}"]')
        if node.operation is not None:
            statements[place].append(_operation_statement(frame, node))
    for place, a, b in picture.same_rank:
        statements[place].append(f"{{rank=same; {a}; {b}}}")
    body = _clusters(picture, statements)
    for edge, painted in zip(picture.edges, frame.edges):
        body.append(f"\t{_edge_statement(picture, edge, painted, default)}\n")
    return header + body


def _box_tooltip(picture: Picture, entry: PictureBox) -> str:
    """A box's scope path; for a box too small to list its weights and bias, their values too."""
    key = "/".join(entry.box.key)
    hidden = [node for node in entry.box.members if isinstance(node, Parameter)]
    if entry.parameters or not hidden:
        return key
    precision = picture.options.precision
    values = ", ".join(f"{picture.names[node]} = {format_number(node.data, precision)}" for node in hidden)
    return f"{key}: {values}"


def _operation_statement(frame: Frame, node: Value) -> str:
    picture = frame.picture
    op_id = f"{picture.ids[node]}_op"
    painted = frame.nodes[op_id]
    color, width = painted.strokes[0]
    # A symbol alone is a small circle; a symbol with a note, a rounded box around both lines.
    if len(painted.texts) < 2:
        label, shape = _quoted(painted.texts[0][0] if painted.texts else ""), "shape=circle, style=filled, margin=0.02"
    else:
        label, shape = f"<{painted.label}>", 'shape=box, style="rounded,filled", margin="0.08,0.05"'
    name = node.operation.name if node.operation is not None else ""
    return (
        f"{op_id} [label={label}, {shape}, "
        f'fillcolor="{OP_FILL}", color="{color}", penwidth={width:g}, width=0.38, height=0.38, '
        f'fontsize=12, tooltip={_quoted(name)}, id="{op_id}"]'
    )


def _edge_statement(picture: Picture, edge: Edge, painted: EdgePaint, default: EdgePaint) -> str:
    attributes: list[str] = []
    if edge.kind == "local" and picture.options.show_local_grads:
        names = picture.names
        assert edge.parent is not None  # local edges always have both ends
        assert edge.child is not None
        derivative = f"∂{names[edge.parent]}/∂{names[edge.child]} = {edge.local_grad!r}"
        if painted.label_color == "transparent":
            derivative = f"∂{names[edge.parent]}/∂{names[edge.child]}: not computed yet"
        attributes.append(f"label={_quoted(painted.label)}")
        attributes.append(f"tooltip={_quoted(derivative)}, labeltooltip={_quoted(derivative)}")
    if (painted.color, painted.width) != (default.color, default.width):
        attributes.append(f'color="{painted.color}", penwidth={painted.width:g}')
    if painted.label_color != default.label_color and painted.label:
        attributes.append(f'fontcolor="{painted.label_color}"')
    attributes.append(f'id="{edge.id}"')
    return f"{edge.source} -> {edge.target} [{', '.join(attributes)}]"


def _clusters(picture: Picture, statements: dict[tuple[str, ...], list[str]]) -> list[str]:
    """Statements inside their clusters, nested as their scope paths are."""
    out = [f"\t{statement}\n" for statement in statements[()]]
    packed = picture.options.collapse is not None  # the boxes of a collapsed drawing are packed close
    # Paths are in writing order with parents first, so a stack of open clusters closes each in time.
    open_paths: list[tuple[str, ...]] = []
    for path, cluster_id in picture.clusters.items():
        while open_paths and path[: len(open_paths[-1])] != open_paths[-1]:
            open_paths.pop()
            out.append("\t" * (len(open_paths) + 1) + "}\n")
        indent = "\t" * (len(open_paths) + 2)
        out.append("\t" * (len(open_paths) + 1) + f"subgraph cluster_{cluster_id[1:]} {{\n")
        title = Label()
        title.text("inputs" if path == INPUTS else scope_title(path[-1]), bold=True)
        if any(entry.compact and entry.place == path for entry in picture.boxes):
            # Its boxes are one line each: say where their weights are.
            title.text(" · weights: hover a neuron, or see its step", color="#555555", limit=60)
        if path == INPUTS:
            # One column for the inputs, shared by every neuron of the first layer.
            out.append(
                f'{indent}graph [label=<{title.paint().label}>, style="rounded,dotted", color="#0072B2", '
                f'fontcolor="#0072B2", labeljust=l, margin={5 if packed else 8}, rank=same, id="{cluster_id}"]\n'
            )
        else:
            out.append(
                f"{indent}graph [label=<{title.paint().label}>, tooltip={_quoted('/'.join(path))}, "
                'style="rounded,dashed", color="#8C8C8C", fontcolor="#555555", labeljust=l, '
                f'margin={5 if packed else 10}, id="{cluster_id}"]\n'
            )
        out.extend(f"{indent}{statement}\n" for statement in statements[path])
        open_paths.append(path)
    while open_paths:
        open_paths.pop()
        out.append("\t" * (len(open_paths) + 1) + "}\n")
    return out


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
        rankdir=rankdir, show_grad=show_grad, show_local_grads=show_local_grads, precision=precision,
        highlight=frozenset(highlight), max_nodes=max_nodes, collapse=collapse, feature_names=feature_names,
        caller="to_dot",
    )
    return dot_source(graph_lines(root, options))


def dot_source(lines: Iterable[str]) -> str:
    """DOT body lines as one graph's text, ``digraph glassgrad { … }``.

    Example:
        >>> dot_source(["x; "]).split()
        ['digraph', 'glassgrad', '{', 'x;', '}']
    """
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


def optional_module(name: str, function: str, *, what: str, extra: str, error: type[Exception]) -> types.ModuleType:
    """Import an optional package (``graphviz``, ``ipywidgets``), or raise ``error`` saying how to install it.

    Example:
        >>> optional_module("graphviz", "draw", what="the graphviz Python package", extra="viz", error=ImportError)
        <module 'graphviz' ...>
    """
    try:
        return importlib.import_module(name)
    except ImportError:
        raise error(f"{function}() needs {what}: pip install 'glassgrad[{extra}]' (or pip install {name}).") from None


def digraph(lines: list[str], function: str) -> graphviz.Digraph:
    """Wrap DOT body lines in a ``graphviz.Digraph`` whose ``.source`` equals ``to_dot``'s text.

    Example:
        >>> digraph(graph_lines(Value(1.0), DrawOptions()), "draw").source.startswith("digraph glassgrad {")
        True
    """
    what = "the graphviz Python package"
    module = optional_module("graphviz", function, what=what, extra="viz", error=GraphvizNotFound)
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
    """The graph as a ``graphviz.Digraph`` whose ``.source`` is ``to_dot(root, ...)``: a cell's last line shows it.

    Args: as ``to_dot``.

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
        rankdir=rankdir, show_grad=show_grad, show_local_grads=show_local_grads, precision=precision,
        highlight=frozenset(highlight), max_nodes=max_nodes, collapse=collapse, feature_names=feature_names,
        caller="draw",
    )
    lines = graph_lines(root, options)
    require_dot("draw")
    return digraph(lines, "draw")


def render_dot(source: str, format: str, function: str = "save", *, nodes: int = 0, graphs: int = 1) -> bytes:
    """Run ``dot -T<format>`` (``svg``, ``png``, ``pdf``) on DOT text and return the output bytes.

    ``function`` (the public caller), ``nodes`` (values, operations and boxes drawn) and
    ``graphs`` (how many graphs ``source`` holds) are only for error messages.

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
        what = f"a graph of {nodes} nodes" if graphs <= 1 else f"{graphs} graphs of {nodes} nodes in all"
        raise GraphvizTimeout(
            f"{function}(): Graphviz's dot took over {DOT_TIMEOUT:g} s to lay out {what} (values and operations) "
            'and was stopped; pass collapse="scope" to draw each autograd.scope as one box, or draw a smaller graph.'
        ) from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{function}(): Graphviz's dot failed with exit code {result.returncode}: {message}")
    return result.stdout


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

    Args: as ``to_dot``, and ``path``: where to write; the extension picks the format.

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
        rankdir=rankdir, show_grad=show_grad, show_local_grads=show_local_grads, precision=precision,
        highlight=frozenset(highlight), max_nodes=max_nodes, collapse=collapse, feature_names=feature_names,
        caller="save",
    )
    target = Path(path)
    extension = target.suffix.lower()
    if extension not in FORMATS:
        raise ValueError(
            f"save() got path {str(path)!r} with extension {extension or '(none)'!r}; "
            f"expected one of {', '.join(FORMATS)}."
        )
    picture = picture_of(root, options)
    source = dot_source(graph_lines(root, options))
    content = (
        source.encode("utf-8")
        if extension == ".dot"
        else render_dot(source, extension[1:], "save", nodes=picture.size)
    )
    write_atomically(target, content, caller="save()")
    return target
