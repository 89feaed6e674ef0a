"""Backprop one step at a time: record, explain and draw every application of the chain rule.

``trace_backward(L)`` records the backward pass of ``L.backward()`` as one
``BackwardStep`` per node that passes gradient on::

    ∂L/∂w1 += ∂L/∂z · ∂(w1 × x)/∂w1 = 0.5 × 2.0 = 1.0

``trace_forward(L)`` records the forward pass the same way, one operation per
step. A ``Trace`` shows its steps grouped by boxes: at node level every step is
its own group; with ``collapse="scope"`` one group per neuron (and one for the
loss), narrated in the lecture's form. Node level and neuron level are two
groupings of the same recorded steps (``trace.grouped(collapse)``), so their
numbers cannot drift apart. Either can be explained (``explain``), drawn
(``frame``), listed (``table``), played in Jupyter (``player``) or exported as
one offline web page (``to_html``); ``trace_forward(L) + trace_backward(L)``
plays the whole lesson.

Tracing is observation (see ``trace_backward``); what is not learned (a network's
inputs, a target, a number such as 1/n) is not narrated as something differentiated.

Steps are numbered from 1 wherever they are shown; ``explain(i)`` and
``frame(i)`` take an index from 0 as lists do, so ``frame(3)`` is "Step 4 of n".
"""

from __future__ import annotations

import functools
import html
import itertools
import math
import os
import re
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from autograd.engine.graph import backward_steps, topological_order
from autograd.engine.ops import FLOAT_MATH
from autograd.engine.scopes import ClosedForm
from autograd.engine.value import Parameter, Value
from autograd.see.grouping import Collapse, Key, group_nodes
from autograd.see.naming import Neuron, consumers_of, find_neurons, lecture_roles, scope_title
from autograd.see.picture import DrawOptions, Frame, Look, Picture, differentiated, is_count, paint, picture_of
from autograd.see.player import Question
from autograd.see.render import digraph, dot_source, format_number, frame_lines, node_names, require_dot

if TYPE_CHECKING:
    import graphviz
    import ipywidgets

# How many operands of an n-ary Σ an explanation spells out before "…".
MAX_TERMS = 6
# Longest formula a local derivative spells out; a longer one is written ∂Σ(…)/∂x.
MAX_LOCAL = 30
# Characters that make a name an expression of its own, bracketed when used as an operand.
OPERATORS = frozenset("+−-×*/^·=<>,÷")


# A step's narration names the same few nodes many times: read each name once.
@functools.lru_cache(maxsize=4096)
def symbol(name: str) -> str:
    """``name`` as an operand: in brackets when it is itself an expression (``ŷ − y`` → ``(ŷ − y)``).

    A function call such as ``tanh(z)`` or a plain number stays as it is; a negative number
    is bracketed, as in ``2.0 × (-1.5)``.

    Example:
        >>> symbol("ŷ − y"), symbol("w1"), symbol("σ(z + b)"), symbol("-1.5"), symbol("1e-08")
        ('(ŷ − y)', 'w1', 'σ(z + b)', '(-1.5)', '1e-08')
        >>> symbol("w₁₀,₁⁽²⁾"), symbol("a, b")
        ('w₁₀,₁⁽²⁾', '(a, b)')
    """
    if name.startswith("-"):
        return f"({name})"
    if _is_number(name):
        return name
    depth, outside = 0, []
    for character in name:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth == 0 and character != ")":
            outside.append(character)
    # A comma between subscripts is part of a name (w₁₀,₁⁽²⁾: neuron 10, input 1), not an operator.
    text = re.sub("(?<=[₀-₉]),(?=[₀-₉])", "", "".join(outside))
    compound = any(c.isspace() or c in OPERATORS for c in text)
    return f"({name})" if compound else name


@dataclass(frozen=True)
class Contribution:
    """What one backward step adds to the gradient of one of its node's inputs.

    Attributes:
        input: the input node that receives gradient.
        position: which operand it is (``x*x`` has the same input at 0 and 1).
        local_grad: ∂node/∂input, stored when the node was computed.
        contribution: ``local_grad × upstream``, the amount added to ``input.grad``.
        grad_before: ``input.grad`` before this addition.
        grad_after: ``input.grad`` after it.

    Example:
        >>> x = Value(3.0, label="x")
        >>> c = trace_backward(x * 2)[0].inputs[0]
        >>> c.input is x, c.local_grad, c.contribution, c.grad_before, c.grad_after
        (True, 2.0, 2.0, 0.0, 2.0)
    """

    input: Value
    position: int
    local_grad: float
    contribution: float
    grad_before: float
    grad_after: float


@dataclass(frozen=True)
class BackwardStep:
    """One node's turn in the backward pass.

    Attributes:
        node: the node whose gradient is passed on to its inputs.
        upstream: ∂root/∂node, final by the time the node's turn comes.
        inputs: one ``Contribution`` per operand, in operand order.

    Example:
        >>> step = trace_backward(Value(3.0, label="x") * 2)[0]
        >>> step.upstream, [c.local_grad for c in step.inputs]
        (1.0, [2.0, 3.0])
    """

    node: Value
    upstream: float
    inputs: tuple[Contribution, ...]


@dataclass(frozen=True)
class ForwardStep:
    """One operation of the forward pass.

    Attributes:
        node: the node computed in this step.
        value: its ``data``.
        local_grads: ∂node/∂input per operand, stored now for the backward pass.

    Example:
        >>> step = trace_forward(Value(3.0) * 2)[0]
        >>> step.value, step.local_grads
        (6.0, (2.0, 3.0))
    """

    node: Value
    value: float
    local_grads: tuple[float, ...]


@dataclass(frozen=True)
class BoxStep:
    """One box's turn: the recorded steps of one neuron (or layer, or the loss) in a row.

    Attributes:
        key: the box's scope path (``()`` for a node drawn on its own).
        title: e.g. ``"neuron 2 of layer 1"`` or ``"binary cross-entropy"``.
        first: the index of its first recorded step.
        node_steps: the recorded steps, in the order they happened.

    Example:
        >>> import nn, autograd
        >>> loss = nn.binary_cross_entropy([nn.MLP(2, [1], output_activation="sigmoid", seed=0)([1.0, 2.0])], [1])
        >>> [step.title for step in autograd.trace_backward(loss, collapse="scope")]
        ['binary cross-entropy', 'neuron 1 of layer 1']
    """

    key: Key
    title: str
    first: int
    node_steps: tuple[BackwardStep | ForwardStep, ...]

    @property
    def nodes(self) -> frozenset[Value]:
        """The nodes this step computes (forward) or passes gradient through (backward)."""
        return frozenset(step.node for step in self.node_steps)

    @property
    def last(self) -> int:
        """The index of its last recorded step."""
        return self.first + len(self.node_steps) - 1


def box_title(key: Key, fallback: str) -> str:
    """How a step names its box: ``("layers.0", "neurons.1")`` → ``"neuron 2 of layer 1"``.

    Example:
        >>> from autograd import Scope
        >>> path = (Scope("layers.0", heading="layer 1"), Scope("neurons.1", heading="neuron 2"))
        >>> box_title(path, "v3"), box_title((), "v3")
        ('neuron 2 of layer 1', 'v3')
    """
    return " of ".join(scope_title(name) for name in reversed(key)) if key else fallback


class StepTable:
    """A trace as a table: HTML in Jupyter, aligned columns in a terminal.

    Attributes:
        sections: ``(title, headers, rows)`` per traced phase.

    Example:
        >>> print(StepTable([("losses", ["epoch", "loss"], [["1", "0.52"], ["2", "0.31"]])]))
        losses
        epoch  loss
        ─────  ────
        1      0.52
        2      0.31
    """

    def __init__(self, sections: Sequence[tuple[str, Sequence[str], Sequence[Sequence[str]]]]) -> None:
        self.sections = [(title, list(headers), [list(row) for row in rows]) for title, headers, rows in sections]

    def __str__(self) -> str:
        blocks = []
        for title, headers, rows in self.sections:
            widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
            lines = [headers, ["─" * w for w in widths], *rows]
            aligned = ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines]
            blocks.append("\n".join([title, *aligned]))
        return "\n\n".join(blocks)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        parts = []
        for title, headers, rows in self.sections:
            head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
            body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
            parts.append(
                f"<table><caption>{html.escape(title)}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>"
            )
        return "".join(parts)


# --- predict, then reveal: one question per step ---------------------------------------


def _learns(node: Value) -> bool:
    # Data (inputs, targets) needs no gradient; parameters and computed nodes do.
    return node.operation is not None or isinstance(node, Parameter)


def quiz_questions(trace: Playback) -> list[Question | None]:
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
    return [_question(trace, i) for i in range(len(trace))]


def _question(trace: Playback, i: int) -> Question | None:
    part, k = trace.part_of(i)
    step = part.steps[k]
    names, number = part.names, part._number
    counter = trace.counter(i)
    box = step.title if isinstance(step, BoxStep) else None
    node_steps = step.node_steps if isinstance(step, BoxStep) else (step,)
    first = node_steps[0]
    if isinstance(first, ForwardStep):
        last = node_steps[-1]
        assert isinstance(last, ForwardStep)  # a forward trace records forward steps
        node, value = last.node, last.value
        what = f"{box}: {names[node]} = ?" if box else f"{names[node]} = {part.formula(node)} = ?"
        return f"{counter}. Your turn: {what}", value, (number(value),), number(value)
    contributions = [c for node_step in node_steps if isinstance(node_step, BackwardStep) for c in node_step.inputs]
    if not contributions:
        return None
    # A neuron's question is its ∂J/∂z (the lecture's δ); another box's (the loss's) is the
    # gradient it passes out, such as ∂J/∂ŷ; a single node's, its first operand that learns.
    neuron = next((part._neurons[s.node] for s in node_steps if s.node in part._neurons), None) if box else None
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
    out = symbol(names[part.root])
    gradient = f"∂{out}/∂{symbol(names[target])} {'+=' if mine[0].grad_before else '='}"
    if box:
        context = f"{box}, going back from ∂{out}/∂{symbol(names[first.node])} = {number(first.upstream)}."
        ask = f"{gradient} ?"
    else:
        node = first.node
        through = f"{names[node]} = {part.formula(node)}"
        context = f"∂{out}/∂{symbol(names[node])} = {number(first.upstream)}; go back through {through}."
        local = f" · {part.local(node, target)}" if len(mine) == 1 else ""
        ask = f"{gradient} ∂{out}/∂{symbol(names[node])}{local} = ?"
    hidden = tuple(dict.fromkeys([number(answer), number(mine[-1].grad_after)]))
    return f"{counter}. Your turn: {context}\n{ask}", answer, hidden, number(answer)


class Playback:
    """What a trace and a lesson share: steps that are numbered, explained, drawn and played.

    A subclass says which single-pass traces it plays (``parts``); a ``Trace``, its
    own only part, also how its steps read (``describe``) and list (``table``). The
    rest is here, once, numbered through all parts.
    """

    noun = "trace"
    precision: int

    @property
    def parts(self) -> Sequence[Trace]:  # pragma: no cover - overridden
        """The single-pass traces played, in order."""
        raise NotImplementedError

    def __len__(self) -> int:
        return sum(len(part.steps) for part in self.parts)

    @property
    def names(self) -> dict[Value, str]:
        """Every node's name; where parts trace different graphs, the first part's name wins."""
        return {node: name for part in reversed(self.parts) for node, name in part.names.items()}

    @property
    def steps(self) -> tuple[BackwardStep | ForwardStep | BoxStep, ...]:
        """All steps of all parts, in order.

        Example:
            >>> y = Value(2.0) * 3
            >>> [type(step).__name__ for step in (trace_forward(y) + trace_backward(y)).steps]
            ['ForwardStep', 'BackwardStep']
        """
        return tuple(step for part in self.parts for step in part.steps)

    @property
    def phases(self) -> tuple[str, ...]:
        """The pass of every step, in order."""
        return tuple(part.phase for part in self.parts for _ in part.steps)

    def __getitem__(self, i: int) -> BackwardStep | ForwardStep | BoxStep:
        part, k = self.part_of(self._index(i, "__getitem__"))
        return part.steps[k]

    def part_of(self, i: int) -> tuple[Trace, int]:
        """The trace that holds step ``i`` (an index into the whole lesson), and the step's index in it.

        Example:
            >>> y = Value(2.0) * 3
            >>> part, k = (trace_forward(y) + trace_backward(y)).part_of(1)
            >>> part.phase, k
            ('backward', 0)
        """
        for part in self.parts:
            if 0 <= i < len(part):
                return part, i
            i -= len(part)
        raise IndexError(f"part_of() got a step past the end of this lesson of {len(self)} steps.")

    def describe(self, i: int) -> str:
        """Step ``i`` as its trace tells it.

        Example:
            >>> y = Value(2.0, label="x") * 3
            >>> (trace_forward(y) + trace_backward(y)).describe(0).splitlines()[0]
            'v2 = x × 3.0 = 2.0 × 3.0 = 6.0'
        """
        part, k = self.part_of(self._index(i, "describe"))
        return part.describe(k)

    def table(self) -> StepTable:
        """Each part's table, one after the other, with steps numbered through the lesson.

        Example:
            >>> y = Value(2.0) * 3
            >>> [title for title, _, _ in (trace_forward(y) + trace_backward(y)).table().sections]
            ['forward pass', 'backward pass']
        """
        sections = []
        offset = 0
        for part in self.parts:
            for title, headers, rows in part.table().sections:
                renumbered = [[str(int(row[0]) + offset) if row[0].isdigit() else row[0], *row[1:]] for row in rows]
                sections.append((title, headers, renumbered))
            offset += len(part)
        return StepTable(sections)

    def _index(self, i: int, function: str) -> int:
        if not is_count(i):
            raise TypeError(f"{function}() got step {i!r} of type {type(i).__name__}; expected an int.")
        n = len(self)
        if not -n <= i < n:
            valid = f"0 to {n - 1}" if n else "none: the root is a leaf, so nothing is computed"
            raise IndexError(f"{function}() got step {i}; this {self.noun} has {n} steps ({valid}).")
        return i % n

    def __add__(self, other: Playback) -> Lesson:
        return Lesson([self, other])

    def phase_of(self, i: int) -> str:
        """``"forward"`` or ``"backward"``: the pass step ``i`` belongs to.

        Example:
            >>> y = Value(2.0) * 3
            >>> (trace_forward(y) + trace_backward(y)).phase_of(1)
            'backward'
        """
        return self.part_of(self._index(i, "phase_of"))[0].phase

    def counter(self, i: int) -> str:
        """The step's number as every view shows it: ``Step 4 of 10``.

        Example:
            >>> trace_backward(Value(2.0) * 3).counter(0)
            'Step 1 of 1'
        """
        return f"Step {self._index(i, 'counter') + 1} of {len(self)}"

    def explain(self, i: int) -> str:
        """Step ``i`` explained: its number (counted from 1), then ``describe(i)``.

        Raises:
            IndexError: there is no step ``i``.
            TypeError: ``i`` is not an int.

        Example:
            >>> trace_forward(Value(2.0, label="x") * 3).explain(0).splitlines()[0]
            'Step 1 of 1: v2 = x × 3.0 = 2.0 × 3.0 = 6.0'
        """
        i = self._index(i, "explain")
        return f"{self.counter(i)}: {self.describe(i)}"

    def look(self, i: int) -> Look:
        """How frame ``i`` differs from a plain drawing (its trace's look of that step).

        Example:
            >>> y = Value(2.0) * 3
            >>> trace_backward(y).look(0).current == {y}
            True
        """
        part, k = self.part_of(self._index(i, "frame"))
        return part.look(k)

    def looks(self, options: DrawOptions) -> Iterator[tuple[Picture, Look, frozenset[Value] | None]]:
        """Every step in order: its picture, its look and the nodes it draws differently from the step before.

        ``None`` for the first step of each part: all of it is new. Each step costs what it
        changes, so a page stores per step only that. A look holds its part's working state,
        not a copy: valid until the part's next step is drawn (a part's last look stays valid).

        Example:
            >>> x = Value(2.0, label="x")
            >>> y = x * 3; y.label = "y"
            >>> t = y.tanh(); t.label = "t"
            >>> [sorted(n.label or str(n.data) for n in touched) if touched else touched
            ...  for _, _, touched in trace_backward(t).looks(DrawOptions())]
            [None, ['3.0', 't', 'x', 'y']]
        """
        for part in self.parts:
            picture = picture_of(part.root, part.drawn(options))
            for look, touched in part.step_looks():
                yield picture, look, touched

    def frame_paint(self, i: int, options: DrawOptions) -> Frame:
        """Frame ``i`` painted with ``options``, grouped as its trace is unless ``options.collapse`` says otherwise.

        Example:
            >>> trace = trace_backward(Value(2.0, label="x") * 3)
            >>> "v2_op" in trace.frame_paint(0, DrawOptions()).nodes
            True
        """
        part, k = self.part_of(self._index(i, options.caller))
        return paint(picture_of(part.root, part.drawn(options)), part.look(k))

    def _captioned(self, i: int, caption: bool, max_nodes: int, collapse: Collapse, function: str) -> Frame:
        frame = self.frame_paint(i, DrawOptions(max_nodes=max_nodes, collapse=collapse, caller=function))
        return replace(frame, look=replace(frame.look, caption=self.explain(i))) if caption else frame

    def frame_dot(
        self, i: int, *, caption: bool = True, max_nodes: int = 500, collapse: Collapse = None,
        function: str = "frame_dot",
    ) -> str:
        """Frame ``i`` as DOT text (no Graphviz needed); ``function`` names the caller in errors.

        Example:
            >>> trace_backward(Value(2.0) * 3).frame_dot(0).startswith("digraph glassgrad {")
            True
        """
        return dot_source(frame_lines(self._captioned(i, caption, max_nodes, collapse, function)))

    def frame(
        self, i: int, *, caption: bool = True, max_nodes: int = 500, collapse: Collapse = None
    ) -> graphviz.Digraph:
        """The graph as it stands after step ``i`` (index from 0), as a ``graphviz.Digraph`` (inline in Jupyter).

        The step's node (or box) has a thick purple border and the edges it uses
        are drawn bold; nodes that are finished are filled in.

        Args:
            i: the step's index (negative counts from the end); ``frame(3)`` is captioned "Step 4 of n".
            caption: write the step's explanation under the picture.
            max_nodes: refuse graphs with more nodes (or boxes) than this.
            collapse: as ``autograd.to_dot``; default: as the trace is grouped.

        Raises:
            IndexError: there is no step ``i``.
            GraphTooLargeError: more than ``max_nodes`` nodes (the message suggests ``collapse=``).
            GraphvizNotFound: the ``graphviz`` package or the ``dot`` program is missing.

        Example:
            >>> "penwidth=2.5" in trace_backward(Value(2.0, label="x") * 3).frame(0).source  # doctest: +SKIP
            True
        """
        lines = frame_lines(self._captioned(i, caption, max_nodes, collapse, "frame"))
        require_dot("frame")
        return digraph(lines, "frame")

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()

    def quiz_questions(self) -> list[Question | None]:
        """One question per step, for the quiz (see ``quiz_questions``).

        Example:
            >>> len(trace_backward(Value(2.0) * 3).quiz_questions())
            1
        """
        return quiz_questions(self)

    def refuse_too_large(self, max_nodes: int, collapse: Collapse, function: str) -> None:
        """Raise ``GraphTooLargeError`` if a frame would be refused: checked before any step is narrated or drawn.

        Example:
            >>> from autograd import sum as total
            >>> trace_backward(total([Value(1.0) for _ in range(9)])).refuse_too_large(5, None, "to_html")
            Traceback (most recent call last):
            ...
            autograd.engine.errors.GraphTooLargeError: to_html() got a graph of 10 nodes, more than max_nodes=5; ...
        """
        options = DrawOptions(max_nodes=max_nodes, collapse=collapse, caller=function)
        for part in self.parts:
            picture_of(part.root, part.drawn(options))  # the picture every frame shares: raises if too large

    def player(self, *, max_nodes: int = 500, collapse: Collapse = None, quiz: bool = False) -> ipywidgets.VBox:
        """A Jupyter player: play/pause, previous/next, a step slider, frame and explanation.

        ``max_nodes`` and ``collapse`` are as for ``frame``: pass ``collapse="scope"``
        to play a whole network. ``quiz=True`` asks for each step's number before
        showing it (predict, then reveal; see ``autograd.see.player.player``).

        Example:
            >>> trace_backward(Value(2.0) * 3).player()  # doctest: +SKIP
        """
        from autograd.see.player import player

        self.refuse_too_large(max_nodes, collapse, "player")
        return player(self, max_nodes=max_nodes, collapse=collapse, quiz=quiz)

    def to_html(
        self, path: str | os.PathLike[str], *, title: str = "", interval: int = 1500, max_nodes: int = 500,
        collapse: Collapse = None, quiz: bool = False,
    ) -> Path:
        """Write the steps as ONE self-contained web page that works offline in any browser.

        The arguments, return value and errors are those of ``autograd.see.player.to_html``
        (``collapse="scope"`` plays a whole network legibly); a graph too large to draw is
        refused before any step is narrated or drawn.

        Example:
            >>> trace_backward(Value(2.0) * 3).to_html("backprop.html")  # doctest: +SKIP
            PosixPath('backprop.html')
        """
        from autograd.see.player import to_html

        self.refuse_too_large(max_nodes, collapse, "to_html")
        return to_html(self, path, title=title, interval=interval, max_nodes=max_nodes, collapse=collapse, quiz=quiz)


class Trace(Playback):
    """The steps of one pass over ``root``'s graph: the recorded ``node_steps``, shown grouped by ``collapse``.

    At node level every recorded step is shown on its own; by boxes each run of
    steps inside one box is one ``BoxStep``; ``grouped`` regroups the same steps.

    Attributes:
        root: the output the trace starts from.
        phase: ``"forward"`` or ``"backward"``.
        node_steps: the recorded steps, in the order they happened.
        steps: what is shown, one entry per step: ``node_steps`` at node level, else ``BoxStep`` s.
        precision: significant digits of the numbers in explanations and frames.
        collapse: the grouping, as ``to_dot``'s ``collapse``.
        initial_grads: every node's gradient before the first backward step.

    Example:
        >>> y = Value(2.0, label="x") * 3
        >>> trace = trace_backward(y)
        >>> trace, len(trace), trace.root is y
        (<Trace of 1 backward steps from 'v2'>, 1, True)
    """

    def __init__(
        self,
        root: Value,
        node_steps: Sequence[BackwardStep | ForwardStep],
        *,
        phase: Literal["forward", "backward"],
        precision: int = 4,
        collapse: Collapse = None,
        initial_grads: dict[Value, float] | None = None,
    ) -> None:
        self.root = root
        self.node_steps = tuple(node_steps)
        self.phase = phase
        self.precision = precision
        self.collapse = collapse
        self.initial_grads = dict(initial_grads or {})
        self.order = topological_order(root)

    @property
    def parts(self) -> Sequence[Trace]:
        """A single pass is its own only part."""
        return (self,)

    def drawn(self, options: DrawOptions) -> DrawOptions:
        """``options`` with this trace's precision, gradients (backward only) and grouping (unless overridden).

        Example:
            >>> trace_forward(Value(2.0) * 3).drawn(DrawOptions()).show_grad
            False
        """
        collapse = self.collapse if options.collapse is None else options.collapse
        return replace(options, show_grad=self.phase == "backward", precision=self.precision, collapse=collapse)

    @cached_property
    def names(self) -> dict[Value, str]:
        """Every node's name, as drawings show it (computed on first use: a large graph may be refused first)."""
        return node_names(self.order, self.precision)

    @cached_property
    def steps(self) -> tuple[BackwardStep | ForwardStep | BoxStep, ...]:
        """The shown steps: the recorded ones at node level, else one ``BoxStep`` per run of steps in one box."""
        if self.collapse is None:
            return self.node_steps
        _, roles = lecture_roles(self.order, self.root)
        grouping = group_nodes(self.order, self.root, self.collapse, [n for n in self.order if roles.get(n) == "input"])
        runs: list[tuple[Key, int, int]] = []  # (box, first recorded step, how many)
        for index, step in enumerate(self.node_steps):
            key = grouping.key[step.node]
            if runs and key and runs[-1][0] == key:
                runs[-1] = (key, runs[-1][1], runs[-1][2] + 1)
            else:
                runs.append((key, index, 1))
        return tuple(
            BoxStep(
                key,
                box_title(key, self.names[self.node_steps[first].node]),
                first,
                self.node_steps[first : first + count],
            )
            for key, first, count in runs
        )

    def grouped(self, collapse: Collapse) -> Trace:
        """The same recorded steps grouped another way: ``None`` per node, ``"scope"`` per neuron, ``1`` per layer.

        Example:
            >>> import nn
            >>> loss = nn.binary_cross_entropy([nn.MLP(2, [1], output_activation="sigmoid", seed=0)([1.0, 2.0])], [1])
            >>> by_neuron = trace_backward(loss, collapse="scope")
            >>> by_node = by_neuron.grouped(None)
            >>> by_node.node_steps is by_neuron.node_steps, len(by_node) > len(by_neuron)
            (True, True)
        """
        DrawOptions(collapse=collapse, caller="grouped")
        return Trace(
            self.root, self.node_steps, phase=self.phase, precision=self.precision, collapse=collapse,
            initial_grads=self.initial_grads,
        )

    def __getitem__(self, index: int) -> BackwardStep | ForwardStep | BoxStep:
        return self.steps[index]

    def __iter__(self) -> Iterator[BackwardStep | ForwardStep | BoxStep]:
        return iter(self.steps)

    def __repr__(self) -> str:
        by = "" if self.collapse is None else f" by boxes ({self.collapse!r})"
        return f"<Trace of {len(self)} {self.phase} steps{by} from {self.names[self.root]!r}>"

    # --- what the narration needs to know about the graph ---------------------------------

    def _number(self, x: float) -> str:
        return format_number(x, self.precision)

    @cached_property
    def needs_gradient(self) -> frozenset[Value]:
        """What is differentiated: what is learned, and every node computed from it (see ``differentiated``).

        Example:
            >>> from autograd import Parameter
            >>> w, x = Parameter(0.5, label="w"), Value(2.0, label="x")
            >>> trace = trace_backward(w * x)
            >>> w in trace.needs_gradient, x in trace.needs_gradient
            (True, False)
        """
        return differentiated(self.order)

    @cached_property
    def _neurons(self) -> dict[Value, Neuron]:
        """Each node of a neuron call (its Σ, activation and products) → the neuron."""
        found: dict[Value, Neuron] = {}
        for neuron in find_neurons(self.order, consumers_of(self.order)):
            for node in (neuron.z, neuron.a, *(product for _, _, product in neuron.weights)):
                found[node] = neuron
        return found

    @cached_property
    def _name_position(self) -> dict[str, int]:
        """Each name → where the graph first has it."""
        return {name: k for k, name in enumerate(dict.fromkeys(self.names[node] for node in self.order))}

    @cached_property
    def _first_met(self) -> dict[int, list[str]]:
        """Recorded step → the names of the data it is the first to meet, so "x is data" is said once."""
        met: set[str] = set()
        first: dict[int, list[str]] = {}
        for index, step in enumerate(self.node_steps):
            for x in step.node.inputs:
                name = self.names[x]
                if x not in self.needs_gradient and name not in met:
                    met.add(name)
                    first.setdefault(index, []).append(name)
        return first

    def _notes(self, indices: range) -> list[str]:
        """What recorded steps ``indices`` say in words: data met for the first time, a neuron that is off."""
        names = self.names
        met = [name for index in indices for name in self._first_met.get(index, [])]
        met.sort(key=lambda name: self._name_position.get(name, 0))  # x₁ before x₂, though backprop meets x₂ first
        notes = []
        for kind, names_of_kind in (
            ("a number", [name for name in met if _is_number(name)]),
            ("data", [name for name in met if not _is_number(name)]),
        ):
            if names_of_kind:
                many = len(names_of_kind) > 1
                what = "numbers" if many and kind == "a number" else kind
                notes.append(f"{', '.join(names_of_kind)} {'are' if many else 'is'} {what}: no gradient needed.")
        for index in indices:
            node = self.node_steps[index].node
            neuron = self._neurons.get(node)
            if self.phase != "backward" or neuron is None or node is not neuron.a or node is neuron.z:
                continue
            if node.local_grads and node.local_grads[0] == 0.0:
                z = neuron.z
                below = z.data < 0
                because = f"{names[z]} = {self._number(z.data)} < 0" if below else f"{self._derivative(neuron)} = 0"
                notes.append(f"{because}: this neuron is off, no gradient flows back through it.")
        return notes

    def _derivative(self, neuron: Neuron) -> str:
        """The activation's derivative as the lecture writes it: ``relu′(z₁⁽¹⁾)``."""
        operation = neuron.a.operation
        return f"{operation.display if operation else 'g'}′({self.names[neuron.z]})"

    def formula(self, node: Value, numbers: bool = False) -> str:
        """How ``node`` was computed, e.g. ``w1 × x`` (or ``0.5 × 2.0`` with ``numbers=True``).

        Example:
            >>> x = Value(2.0, label="x")
            >>> y = (x * 3).tanh()
            >>> trace = trace_forward(y)
            >>> trace.formula(y.inputs[0]), trace.formula(y.inputs[0], numbers=True)
            ('x × 3.0', '2.0 × 3.0')
        """
        if node.operation is None:
            return self.names[node]
        operands = [symbol(self._number(x.data) if numbers else self.names[x]) for x in node.inputs]
        constants = [str(int(c)) if c.is_integer() else self._number(c) for c in node.constants]
        op = node.operation
        if op.form == "prefix" and len(operands) > MAX_TERMS:  # a neuron's Σ of many terms
            shown = operands[: MAX_TERMS - 1]
            return f"{op.display}({', '.join(shown)}, …, {operands[-1]}: {len(operands)} terms)"
        return op.format(operands + constants)  # the op table owns how an op reads

    def local(self, node: Value, operand: Value) -> str:
        """The local derivative of ``node``'s operation by one operand, e.g. ``∂(w1 × x)/∂w1``.

        Written with the operation itself, not the node's name, so it never reads
        like the accumulated gradient ``∂J/∂w1`` it is multiplied into.

        Example:
            >>> x = Value(2.0, label="x")
            >>> y = (x * 3).tanh()
            >>> trace_forward(y).local(y, y.inputs[0])
            '∂tanh(v2)/∂v2'
            >>> from autograd import sum as total
            >>> s = total([Value(float(i), label=f"x{i}") for i in range(9)])
            >>> trace_forward(s).local(s, s.inputs[0])
            '∂Σ(…)/∂x0'
        """
        formula = self.formula(node)
        if len(formula) > MAX_LOCAL and node.operation is not None:
            formula = f"{node.operation.display}(…)"  # a Σ of 17 terms: ∂Σ(…)/∂w, not the whole sum again
        return f"∂{symbol(formula)}/∂{symbol(self.names[operand])}"

    def _product(self, a: float, b: float, result: float) -> str:
        """``a × b = result`` as shown, with ``≈`` when the shown factors do not give the shown result."""
        shown_a, shown_b, shown = self._number(a), self._number(b), self._number(result)
        by_hand = self._number(float(shown_a) * float(shown_b))
        return f"{shown_a} × {symbol(shown_b)} {'=' if by_hand == shown else '≈'} {shown}"

    # --- words ------------------------------------------------------------------------

    def describe(self, i: int) -> str:
        """Step ``i`` in words and numbers, without the "Step k of n" counter.

        Backward, the gradient so far is written ∂J/∂x and the local derivative
        with the operation, ∂(w1 × x)/∂w1, so the two never look alike. Every
        product is printed so that the shown factors give the shown result; where
        rounding makes them differ it says ``≈``. Data gets no gradient line.

        Example:
            >>> from autograd import Value
            >>> w1, x = Value(0.5, label="w1"), Value(2.0, label="x")
            >>> z = w1 * x; z.label = "z"
            >>> print(trace_backward(z).explain(0))
            Step 1 of 1: start at the output with ∂z/∂z = 1.0; go back through z = w1 × x.
            ∂z/∂w1 += ∂z/∂z · ∂(w1 × x)/∂w1 = 1.0 × 2.0 = 2.0   (grad 0.0 → 2.0)
            ∂z/∂x += ∂z/∂z · ∂(w1 × x)/∂x = 1.0 × 0.5 = 0.5   (grad 0.0 → 0.5)
            >>> print(trace_forward(z).explain(0))
            Step 1 of 1: z = w1 × x = 0.5 × 2.0 = 1.0
            kept for the backward pass: ∂(w1 × x)/∂w1 = 2.0, ∂(w1 × x)/∂x = 0.5
        """
        i = self._index(i, "explain")
        step = self.steps[i]
        if isinstance(step, BoxStep):
            if self.phase == "forward":
                return "\n".join([f"{step.title}.", *self._forward_box(step)])
            return self._backward_box(step)
        if isinstance(step, ForwardStep):
            return self._forward_node(step)
        return self._backward_node(i, step)

    def _backward_node(self, index: int, step: BackwardStep) -> str:
        names, num = self.names, self._number
        out, node = symbol(names[self.root]), names[step.node]
        gradient = f"∂{out}/∂{symbol(node)}"
        through = f"{node} = {self.formula(step.node)}"
        if step.node is self.root:
            lines = [f"start at the output with {gradient} = {num(step.upstream)}; go back through {through}."]
        else:
            lines = [f"{gradient} = {num(step.upstream)} is complete; go back through {through}."]
        lines += [
            f"∂{out}/∂{symbol(names[c.input])} += {gradient} · {self.local(step.node, c.input)} = "
            f"{self._product(step.upstream, c.local_grad, c.contribution)}"
            f"   (grad {num(c.grad_before)} → {num(c.grad_after)})"
            for c in step.inputs
            if c.input in self.needs_gradient
        ]
        return "\n".join(lines + self._notes(range(index, index + 1)))

    def _forward_node(self, step: ForwardStep) -> str:
        node, num = step.node, self._number
        derivatives = ", ".join(f"{self.local(node, x)} = {num(d)}" for x, d in zip(node.inputs, step.local_grads))
        return f"{self._computed(node, step.value)}\nkept for the backward pass: {derivatives}"

    def _computed(self, node: Value, value: float) -> str:
        """``z = w1 × x = 0.5 × 2.0 = 1.0``, the operation with names, then with numbers."""
        symbolic, numeric = self.formula(node), self.formula(node, numbers=True)
        return f"{self.names[node]} = {symbolic} = {numeric} {self._equals(node)} {self._number(value)}"

    def _equals(self, node: Value) -> str:
        """``=`` when the operation applied to its operands as shown gives the result as shown, else ``≈``."""
        assert node.operation is not None  # every recorded step computes an operation
        shown = [float(self._number(x.data)) for x in node.inputs]
        try:
            value = node.operation.rule(FLOAT_MATH, *shown, *node.constants)[0]
        except (ArithmeticError, ValueError):
            return "≈"
        return "=" if self._number(float(value)) == self._number(node.data) else "≈"

    def _forward_box(self, step: BoxStep) -> list[str]:
        lines = []
        number, names = self._number, self.names
        for node_step in step.node_steps:
            node = node_step.node
            neuron = self._neurons.get(node)
            name = names[node]
            if neuron is None:
                lines.append(self._computed(node, node.data))
            elif node is neuron.z:
                terms = [f"{names[w]}·{names[x]}" for w, x, _ in neuron.weights]
                shown = [(number(w.data), number(x.data)) for w, x, _ in neuron.weights]
                values = [f"{symbol(w)} × {symbol(x)}" for w, x in shown]
                total = sum(float(w) * float(x) for w, x in shown)
                if neuron.bias is not None:
                    terms.append(names[neuron.bias])
                    values.append(symbol(number(neuron.bias.data)))
                    total += float(number(neuron.bias.data))
                equals = "=" if number(total) == number(node.data) else "≈"
                lines.append(f"{name} = {' + '.join(terms)} = {' + '.join(values)} {equals} {number(node.data)}")
            elif node is neuron.a and node.operation is not None:
                g, z, equals = node.operation.display, neuron.z, self._equals(node)
                lines.append(f"{name} = {g}({names[z]}) = {g}({number(z.data)}) {equals} {number(node.data)}")
            # else a product w·x: written out in z's line
        return lines

    @cached_property
    def _accumulating(self) -> set[tuple[int, int]]:
        """(recorded step, operand) pairs that add to a gradient already begun: narrated with "+="."""
        reached: set[Value] = set()
        pairs = set()
        for index, step in enumerate(self.node_steps):
            for c in step.inputs if isinstance(step, BackwardStep) else ():
                if c.input in reached:
                    pairs.add((index, c.position))
                reached.add(c.input)
        return pairs

    def _backward_box(self, step: BoxStep) -> str:
        first = step.node_steps[0]
        assert isinstance(first, BackwardStep)  # a backward trace records backward steps
        out = self.names[self.root]
        form = getattr(self.root.scope[-1], "closed_form", None) if self.root.scope else None
        if isinstance(form, ClosedForm) and self.root in step.nodes:
            return "\n".join(self._closed_form(step, form))
        head = f"{step.title}, going back from ∂{out}/∂{self.names[first.node]} = {self._number(first.upstream)}."
        return "\n".join([head, *self._backward_lines(step)])

    def _closed_form(self, step: BoxStep, form: ClosedForm) -> list[str]:
        """The loss's one step: ∂J/∂ŷ in the loss's closed form, with backward()'s own result.

        The result is what the box's recorded steps passed to each output; the
        worked numbers are the loss's rule written at the shown digits, and the
        line says ``≈`` when those shown numbers do not give the shown result.
        """
        names, number, out = self.names, self._number, self.names[self.root]
        received: dict[Value, float] = {}
        for node_step in step.node_steps:
            for c in node_step.inputs if isinstance(node_step, BackwardStep) else ():
                received[c.input] = received.get(c.input, 0.0) + c.contribution
        lines = [f"{step.title}: {out} = {number(self.root.data)}; going back to what the loss reads."]
        n = len(form.outputs)
        for outputs, targets in zip(form.outputs, form.targets):
            shown = [float(number(node.data)) for node in outputs]
            for node, (by_hand, worked) in zip(outputs, form.rule(shown, targets, number)):
                if node not in received:
                    continue
                formula = form.formula if n == 1 else f"(1/n)·({form.formula})"
                worked = worked if n == 1 else f"(1/{n})·({worked})"
                equals = "=" if number(by_hand / n) == number(received[node]) else "≈"
                line = f"∂{out}/∂{names[node]} = {formula} = {worked} {equals} {number(received[node])}"
                lines.append(line)
        single = all(len(targets) == 1 for targets in form.targets)
        data = list(dict.fromkeys(f"y = {t[0]:g}" for t in form.targets)) if single else ["y"]
        lines.append(f"{', '.join(data)} {'is' if len(data) == 1 else 'are'} data: no gradient needed.")
        return lines

    def _backward_lines(self, step: BoxStep) -> list[str]:
        # (order, line): the lecture's order inside a neuron (z, b, the w's, then what goes back to
        # the layer before); elsewhere the order backprop took.
        lines: list[tuple[tuple[int, int, int], str]] = []
        ranks: dict[Neuron | None, int] = {}  # neurons in the order backprop reaches them (a layer box holds several)
        number, names, out = self._number, self.names, self.names[self.root]

        def grad(node: Value) -> str:
            return f"∂{out}/∂{symbol(names[node])}"

        for offset, node_step in enumerate(step.node_steps):
            assert isinstance(node_step, BackwardStep)  # a backward trace records backward steps
            node, index = node_step.node, step.first + offset
            neuron = self._neurons.get(node)
            rank = ranks.setdefault(neuron, len(ranks))
            for c in node_step.inputs:
                if c.input not in self.needs_gradient:
                    continue
                accumulates = "+=" if (index, c.position) in self._accumulating else "="
                product = self._product(node_step.upstream, c.local_grad, c.contribution)
                if neuron is None:  # written with the operation, as at node level, never like a gradient ∂J/∂…
                    line = f"{grad(c.input)} {accumulates} {grad(node)} · {self.local(node, c.input)} = {product}"
                    lines.append(((rank, 4, len(lines)), line))
                elif node is neuron.a and node is not neuron.z:
                    line = f"{grad(c.input)} = {grad(node)} · {self._derivative(neuron)} = {product}"
                    lines.append(((rank, 0, 0), line))
                elif node is neuron.z:
                    if c.input is neuron.bias:
                        line = f"{grad(c.input)} {accumulates} {grad(node)} = {number(c.contribution)}"
                        lines.append(((rank, 1, 0), line))
                else:  # a product w·x: ∂(w·x)/∂w = x and ∂(w·x)/∂x = w; the Σ passed ∂J/∂z on unchanged
                    k = next(k for k, (_, _, p) in enumerate(neuron.weights) if p is node)
                    other = names[node.inputs[1 - c.position]]
                    line = f"{grad(c.input)} {accumulates} {grad(neuron.z)} · {other} = {product}"
                    lines.append(((rank, 2 if c.position == 0 else 3, k), line))
        ordered = [line for _, line in sorted(lines, key=lambda entry: entry[0])]
        return ordered + self._notes(range(step.first, step.last + 1))

    # --- pictures and tables -------------------------------------------------------------

    def look(self, i: int) -> Look:
        """Frame ``i``: the picture after the step, the step's node (or whole box) highlighted.

        Backward, nodes whose gradient is final are filled in; forward, values not
        computed yet are hidden.

        Example:
            >>> y = Value(2.0) * 3
            >>> trace_backward(y).look(0).current == {y}, trace_forward(y).look(0).hidden_data
            (True, set())
        """
        return next(itertools.islice(self.step_looks(), self._index(i, "frame"), None))[0]

    def step_looks(self) -> Iterator[tuple[Look, frozenset[Value] | None]]:
        """Every step's look in order, with the nodes whose look changed (``None`` at the first).

        The state is carried from step to step: each step costs what it changes (its
        node, the gradients it adds to, the nodes it finishes), not the whole graph.
        See ``Playback.looks`` for how long a look stays valid.

        Example:
            >>> x = Value(3.0, label="x")
            >>> [(look.grads[x], touched) for look, touched in trace_backward(x * x).step_looks()]
            [(6.0, None)]
        """
        forward = self.phase == "forward"
        grads = dict(self.initial_grads)
        pending = {step.node for step in self.node_steps} if forward else set()
        if forward:
            filled = {node for node in self.order if not node.inputs}
        else:
            filled = {node for node in self.order if not self._users.get(node, 0)}
        used: dict[Value, int] = {}
        done = 0  # recorded steps applied so far
        shown: Collection[Value] = frozenset()
        for index, step in enumerate(self.steps):
            touched: set[Value] = set()
            last = step.last if isinstance(step, BoxStep) else index
            for node_step in self.node_steps[done : last + 1]:
                node = node_step.node
                if forward:
                    pending.discard(node)
                    filled.add(node)
                    touched.add(node)
                    continue
                # Every input gets a contribution, so a node finished here is touched already.
                for c in node_step.inputs if isinstance(node_step, BackwardStep) else ():
                    grads[c.input] = c.grad_after
                    touched.add(c.input)
                for child in dict.fromkeys(node.inputs):
                    used[child] = used.get(child, 0) + 1
                    if used[child] == self._users.get(child, 0):
                        filled.add(child)
            done = last + 1
            current = step.nodes if isinstance(step, BoxStep) else frozenset({step.node})
            touched.update(shown, current)
            shown = current
            grads_shown = None if forward else grads  # forward frames draw no gradients
            look = Look(grads=grads_shown, hidden_data=pending, filled=filled, current=current, active=current)
            yield look, (frozenset(touched) if index else None)

    @cached_property
    def _users(self) -> dict[Value, int]:
        """How many nodes use each node (``x * x`` counts once)."""
        return Counter(child for user in self.order for child in dict.fromkeys(user.inputs))

    def table(self) -> StepTable:
        """The steps as a table: contributions (backward), computations (forward), or boxes.

        Example:
            >>> x = Value(3.0, label="x")
            >>> print(trace_backward(x * 2).table())  # doctest: +NORMALIZE_WHITESPACE
            backward pass
            step  node  upstream  input  local ∂  contribution  grad before  grad after
            ────  ────  ────────  ─────  ───────  ────────────  ───────────  ──────────
            1     v2    1.0       x      2.0      2.0           0.0          2.0
            >>> print(trace_forward(x * 2).table())  # doctest: +NORMALIZE_WHITESPACE
            forward pass
            step  node  computes  value  local ∂
            ────  ────  ────────  ─────  ────────
            1     v2    x × 2.0   6.0    2.0, 3.0
        """
        num, names = self._number, self.names
        if self.collapse is not None:
            rows = [
                [str(i + 1), step.title, str(len(step.node_steps)), f"{step.first + 1} to {step.last + 1}"]
                for i, step in enumerate(self.steps)
                if isinstance(step, BoxStep)
            ]
            return StepTable([(f"{self.phase} pass by boxes", ["step", "box", "node steps", "per-node steps"], rows)])
        if self.phase == "forward":
            rows = [
                [str(i + 1), names[s.node], self.formula(s.node), num(s.value), ", ".join(map(num, s.local_grads))]
                for i, s in enumerate(self.node_steps)
                if isinstance(s, ForwardStep)
            ]
            return StepTable([("forward pass", ["step", "node", "computes", "value", "local ∂"], rows)])
        rows = []
        for i, step in enumerate(self.node_steps):
            assert isinstance(step, BackwardStep)  # a backward trace records backward steps
            shown = [c for c in step.inputs if c.input in self.needs_gradient]
            for k, c in enumerate(shown):
                numbers = [num(c.local_grad), num(c.contribution), num(c.grad_before), num(c.grad_after)]
                lead = [str(i + 1), names[step.node], num(step.upstream)] if k == 0 else ["", "", ""]
                rows.append([*lead, names[c.input], *numbers])
        headers = ["step", "node", "upstream", "input", "local ∂", "contribution", "grad before", "grad after"]
        return StepTable([("backward pass", headers, rows)])


class Lesson(Playback):
    """Traces played one after the other, e.g. ``trace_forward(L) + trace_backward(L)``.

    ``len``, ``lesson[i]``, ``phase_of(i)``, ``explain(i)``, ``frame(i)``,
    ``table()``, ``player()`` and ``to_html()`` work as for one trace, numbered
    through the whole lesson; each step is drawn grouped as its trace is.

    Attributes:
        parts: the traces, in order.

    Example:
        >>> y = Value(2.0, label="x") * 3
        >>> lesson = trace_forward(y) + trace_backward(y)
        >>> len(lesson), lesson.phases, lesson.explain(1).splitlines()[0][:40]
        (2, ('forward', 'backward'), 'Step 2 of 2 (backward pass): start at th')
    """

    noun = "lesson"

    def __init__(self, parts: Sequence[Playback]) -> None:
        flat: list[Trace] = []
        for part in parts:
            if not isinstance(part, Playback):
                raise TypeError(
                    f"Lesson got {part!r} of type {type(part).__name__}; "
                    "expected traces from autograd.trace_forward() or autograd.trace_backward()."
                )
            flat.extend(part.parts)
        self._parts = flat
        self.precision = flat[0].precision if flat else 4

    @property
    def parts(self) -> Sequence[Trace]:
        """The traces, in order (a lesson inside a lesson is flattened)."""
        return self._parts

    def __repr__(self) -> str:
        return f"<Lesson of {len(self)} steps: {' + '.join(part.phase for part in self.parts)}>"

    def counter(self, i: int) -> str:
        """``Step 7 of 10 (backward pass)``: numbered through the lesson, naming the pass.

        Example:
            >>> y = Value(2.0) * 3
            >>> (trace_forward(y) + trace_backward(y)).counter(0)
            'Step 1 of 2 (forward pass)'
        """
        i = self._index(i, "counter")
        return f"Step {i + 1} of {len(self)} ({self.phase_of(i)} pass)"

def _is_number(name: str) -> bool:
    """Whether a node's name is its number (a constant such as 1/n), not a name such as ``x₁``."""
    try:
        float(name)
    except ValueError:
        return False
    return True


def _check_root(root: Value, function: str, precision: int, collapse: Collapse) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"{function}() got {root!r} of type {type(root).__name__}; expected a Value.")
    if not is_count(precision) or not 1 <= precision <= 17:
        raise ValueError(f"{function}() got precision={precision!r}; expected an int from 1 to 17.")
    DrawOptions(collapse=collapse, caller=function)


def trace_backward(root: Value, *, precision: int = 4, collapse: Collapse = None) -> Trace:
    """Record ``root.backward()`` step by step: every chain-rule step, with its numbers.

    Tracing is observation: afterwards every node of the graph holds
    ∂root/∂node in ``.grad``, exactly as ``zero_grad()`` then one
    ``backward()`` leaves it, however many traces (node level, neuron level,
    forward, backward) are taken, so every view shows the narration's numbers.
    Steps come in reverse topological order (newest node first, the order
    ``backward()`` uses), one per node that has inputs.

    Args:
        root: the output to differentiate, e.g. the loss.
        precision: significant digits of the numbers in explanations and frames.
        collapse: ``"scope"`` (or a depth, as ``to_dot``) groups the steps by boxes:
            one step per neuron and one for the loss, in the lecture's form.

    Returns:
        A ``Trace``: ``len``, ``trace[i]``, ``explain(i)``, ``frame(i)``,
        ``table()``, ``player()``, ``to_html(path)``, ``grouped(collapse)``.

    Raises:
        TypeError: ``root`` is not a Value.
        ValueError: a bad ``precision`` or ``collapse`` (no gradient is changed).
        AnomalyError: inside ``autograd.detect_anomaly()``, a step made a gradient
            inf or nan (as ``backward()`` raises).

    Example:
        >>> x = Value(3.0, label="x")
        >>> trace = trace_backward(x * x)
        >>> [(c.local_grad, c.contribution) for c in trace[0].inputs], x.grad
        ([(3.0, 3.0), (3.0, 3.0)], 6.0)
        >>> _ = trace_backward(x * x); x.grad  # observed again, not accumulated again
        6.0
    """
    _check_root(root, "trace_backward", precision, collapse)
    order = topological_order(root)
    for node in order:  # from zero, so the leaves end as one backward() leaves them
        if not node.inputs:
            node.grad = 0.0
    # backward_steps resets the intermediates and seeds the root when called, so
    # `initial` is what the first step starts from; the steps are backward()'s own.
    passes = backward_steps(root)
    initial = {node: node.grad for node in order}
    steps = [
        BackwardStep(
            node,
            upstream,
            tuple(Contribution(child, position, *numbers) for position, (child, *numbers) in enumerate(contributions)),
        )
        for node, upstream, contributions in passes
    ]
    return Trace(root, steps, phase="backward", precision=precision, collapse=collapse, initial_grads=initial)


def trace_forward(root: Value, *, precision: int = 4, collapse: Collapse = None) -> Trace:
    """Replay the forward pass that built ``root``: one step per operation, in topological order.

    Nothing is recomputed and no gradient changes: each step shows the value and
    the local derivatives the engine stored when the node was created.

    The arguments and errors are those of ``trace_backward``; the result is a
    ``Trace`` of phase ``"forward"``.

    Example:
        >>> x = Value(2.0, label="x")
        >>> print(trace_forward((x * 3).tanh()).explain(0).splitlines()[0])
        Step 1 of 2: v2 = x × 3.0 = 2.0 × 3.0 = 6.0
    """
    _check_root(root, "trace_forward", precision, collapse)
    steps = [ForwardStep(node, node.data, node.local_grads) for node in topological_order(root) if node.inputs]
    return Trace(root, steps, phase="forward", precision=precision, collapse=collapse)
