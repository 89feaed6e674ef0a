"""Backprop one step at a time: record, explain and draw every application of the chain rule.

``trace_backward(L)`` runs the same backward pass as ``L.backward()`` (the same
gradients end up in ``.grad``) and keeps a ``BackwardStep`` for every node it
passes the gradient through::

    ∂L/∂w1 += ∂L/∂z · ∂(w1 × x)/∂w1 = 0.5 × 2.0 = 1.0

``trace_forward(L)`` records the forward pass the same way, one operation per
step. Either trace can be explained (``explain``), drawn (``frame``), listed
(``table``), played in Jupyter (``player``) or exported as one offline web page
(``to_html``); ``trace_forward(L) + trace_backward(L)`` plays the whole lesson.

∂L/∂z is the gradient accumulated so far; ∂(w1 × x)/∂w1, written with the
operation itself, is a local derivative kept from the forward pass. Steps are
numbered from 1 wherever they are shown; ``explain(i)`` and ``frame(i)`` take an
index from 0 as lists do, so ``frame(3)`` is "Step 4 of n".
"""

from __future__ import annotations

import functools
import html
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Literal, Protocol, TypeVar, overload

from autograd.engine.graph import backward_steps, topological_order
from autograd.engine.ops import FLOAT_MATH
from autograd.engine.value import Value
from autograd.see.render import Collapse, DrawOptions, Look, digraph, dot_lines, format_number, node_names, require_dot

if TYPE_CHECKING:
    import graphviz
    import ipywidgets

    from autograd.see.neuron_trace import NeuronTrace

# How many operands of an n-ary Σ an explanation spells out before "…".
MAX_TERMS = 6
# "Step 4 of 10: " or "Step 4 of 10 (backward pass): " at the start of an explanation.
_COUNTER = re.compile(r"^Step \d+ of \d+(?: \([^)]*\))?: ")
# Longest formula a local derivative spells out; a longer one is written ∂Σ(…)/∂x.
MAX_LOCAL = 30
# Characters that make a name an expression of its own, bracketed when used as an operand.
OPERATORS = frozenset("+−-×*/^·=<>,÷")
SUBSCRIPT_DIGITS = frozenset("₀₁₂₃₄₅₆₇₈₉")


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
    try:
        float(name)
    except ValueError:
        pass
    else:
        return name
    depth, outside = 0, []
    for character in name:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth == 0 and character != ")":
            outside.append(character)
    # A comma between subscripts is part of a name (w₁₀,₁⁽²⁾: neuron 10, input 1), not an operator.
    text = "".join(outside)
    text = "".join(c for i, c in enumerate(text) if not (c == "," and 0 < i < len(text) - 1
                                                          and text[i - 1] in SUBSCRIPT_DIGITS
                                                          and text[i + 1] in SUBSCRIPT_DIGITS))
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


StepT = TypeVar("StepT", BackwardStep, ForwardStep)


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
            lines = [title, "  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
            lines.append("  ".join("─" * w for w in widths))
            lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
            blocks.append("\n".join(lines))
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


class Pass(Protocol):
    """One pass a lesson can play: a ``Trace``, or any object with these members (a trace by boxes)."""

    root: Value
    phase: str
    precision: int
    show_grad: bool
    names: dict[Value, str]

    @property
    def steps(self) -> Sequence[object]: ...  # noqa: D102

    def __len__(self) -> int: ...

    def explain(self, i: int) -> str: ...  # noqa: D102

    def look(self, i: int) -> Look: ...  # noqa: D102

    def table(self) -> StepTable: ...  # noqa: D102


PASS_MEMBERS = ("root", "phase", "precision", "show_grad", "names", "steps", "explain", "look", "table")


class Playback:
    """What a trace and a lesson share: steps that can be explained, drawn, tabulated and played.

    A subclass says how long it is (``__len__``), which pass step ``i`` belongs to
    and what it shows (``part_of``: the trace that drew the step and its index
    there), and explains the step (``describe``); everything else is here, once.

    Steps are numbered from 1 in everything shown (explanations, captions, tables,
    the players' counters); an index ``i`` counts from 0 like a list's, so
    ``explain(3)`` and ``frame(3)`` both show step 4, "Step 4 of n".
    """

    noun = "trace"
    precision: int
    names: dict[Value, str]

    def __len__(self) -> int:  # pragma: no cover - overridden
        raise NotImplementedError

    def _index(self, i: int, function: str) -> int:
        if isinstance(i, bool) or not isinstance(i, int):
            raise TypeError(f"{function}() got step {i!r} of type {type(i).__name__}; expected an int.")
        n = len(self)
        if not -n <= i < n:
            valid = f"0 to {n - 1}" if n else "none: the root is a leaf, so nothing is computed"
            raise IndexError(f"{function}() got step {i}; this {self.noun} has {n} steps ({valid}).")
        return i % n

    def _number(self, x: float) -> str:
        return format_number(x, self.precision)

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

        def operand(x: Value) -> str:
            if not numbers:
                return symbol(self.names[x])
            text = self._number(x.data)
            return f"({text})" if text.startswith("-") else text

        operands = [operand(x) for x in node.inputs]
        constants = [str(int(c)) if c.is_integer() else self._number(c) for c in node.constants]
        op = node.operation
        if op.form == "prefix" and len(operands) > MAX_TERMS:  # a neuron's Σ of many terms
            shown = operands[: MAX_TERMS - 1]
            return f"{op.display}({', '.join(shown)}, …, {operands[-1]}: {len(operands)} terms)"
        return op.format(operands + constants)  # the op table owns how an op reads

    def part_of(self, i: int) -> tuple[Pass, int]:  # pragma: no cover
        """The single-pass trace that holds step ``i``, and the step's index in it."""
        raise NotImplementedError

    def phase_of(self, i: int) -> str:
        """``"forward"`` or ``"backward"``: the pass step ``i`` belongs to.

        Example:
            >>> y = Value(2.0) * 3
            >>> (trace_forward(y) + trace_backward(y)).phase_of(1)
            'backward'
        """
        part, _ = self.part_of(self._index(i, "phase_of"))
        return part.phase

    def describe(self, i: int) -> str:
        """Step ``i`` in words and numbers, without the "Step k of n" counter.

        Example:
            >>> print(trace_forward(Value(2.0, label="x") * 3).describe(0))
            v2 = x × 3.0 = 2.0 × 3.0 = 6.0
            kept for the backward pass: ∂(x × 3.0)/∂x = 3.0, ∂(x × 3.0)/∂3.0 = 2.0
        """
        part, k = self.part_of(self._index(i, "describe"))
        if isinstance(part, Playback) and part is not self and getattr(type(part), "explain", None) is Playback.explain:
            return part.describe(k)
        return _explained_the_old_way(part, k)

    def counter(self, i: int) -> str:
        """The step's number as every view shows it: ``Step 4 of 10``, with the pass in a lesson.

        Example:
            >>> y = Value(2.0) * 3
            >>> trace_backward(y).counter(0), (trace_forward(y) + trace_backward(y)).counter(1)
            ('Step 1 of 1', 'Step 2 of 2 (backward pass)')
        """
        i = self._index(i, "counter")
        return f"Step {i + 1} of {len(self)}"

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

    def frame_lines(
        self, i: int, *, caption: bool = True, max_nodes: int = 500, collapse: Collapse = None, function: str = "frame"
    ) -> list[str]:
        """The DOT body of frame ``i`` (``frame`` wraps it in a Digraph); ``function`` names the caller in errors.

        Example:
            >>> trace = trace_backward(Value(2.0, label="x") * 3)
            >>> any("v2_op" in line for line in trace.frame_lines(0))
            True
        """
        i = self._index(i, function)
        part, k = self.part_of(i)
        look = part.look(k)
        if caption:
            look = replace(look, caption=self.explain(i))
        # A trace by boxes draws collapsed as it was traced, unless told otherwise.
        own: Collapse = getattr(part, "collapse", None)
        return dot_lines(
            part.root,
            show_grad=part.show_grad,
            precision=part.precision,
            max_nodes=max_nodes,
            collapse=own if collapse is None else collapse,
            look=look,
            function=function,
        )

    def frame_dot(
        self,
        i: int,
        *,
        caption: bool = True,
        max_nodes: int = 500,
        collapse: Collapse = None,
        function: str = "frame_dot",
    ) -> str:
        """Frame ``i`` as DOT text (no Graphviz needed); ``function`` names the caller in errors.

        Example:
            >>> trace_backward(Value(2.0) * 3).frame_dot(0).startswith("digraph glassgrad {")
            True
        """
        lines = self.frame_lines(i, caption=caption, max_nodes=max_nodes, collapse=collapse, function=function)
        return "digraph glassgrad {\n" + "".join(lines) + "}\n"

    def frame(
        self, i: int, *, caption: bool = True, max_nodes: int = 500, collapse: Collapse = None
    ) -> graphviz.Digraph:
        """The graph as it stands after step ``i`` (index from 0), as a ``graphviz.Digraph`` (inline in Jupyter).

        The step's node has a thick purple border and the edges it uses are drawn
        bold with their local derivatives; nodes that are finished are filled in.
        With ``collapse="scope"`` each scope is one box (a whole network stays
        legible): a step on a node inside a box highlights the box, names the
        node in the box's last row and highlights the edges into the box it uses.

        Args:
            i: the step's index (negative counts from the end, as for lists);
                ``frame(3)`` is captioned "Step 4 of n".
            caption: write the step's explanation under the picture.
            max_nodes: refuse graphs with more nodes (or boxes) than this.
            collapse: as ``autograd.to_dot``: ``"scope"`` draws each innermost
                ``autograd.scope`` as one box, an int ``k`` one box per scope path
                cut to ``k`` names, None every node.

        Returns:
            A ``graphviz.Digraph``.

        Raises:
            IndexError: there is no step ``i``.
            GraphTooLargeError: more than ``max_nodes`` nodes (the message suggests ``collapse=``).
            GraphvizNotFound: the ``graphviz`` package or the ``dot`` program is missing.

        Example:
            >>> trace = trace_backward(Value(2.0, label="x") * 3)
            >>> "penwidth=2.5" in trace.frame(0).source  # doctest: +SKIP
            True
        """
        lines = self.frame_lines(i, caption=caption, max_nodes=max_nodes, collapse=collapse)
        require_dot("frame")
        return digraph(lines, "frame")

    def table(self) -> StepTable:  # pragma: no cover - overridden
        """Every step as a table.

        Example:
            >>> trace_backward(Value(2.0) * 3).table().sections[0][0]
            'backward pass'
        """
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()

    def player(self, *, max_nodes: int = 500, collapse: Collapse = None, quiz: bool = False) -> ipywidgets.VBox:
        """A Jupyter player: play/pause, previous/next, a step slider, frame and explanation.

        ``max_nodes`` and ``collapse`` are as for ``frame``: pass ``collapse="scope"``
        to play a whole network. ``quiz=True`` asks for each step's number before
        showing it (predict, then reveal; see ``autograd.see.player.player``).

        Example:
            >>> trace_backward(Value(2.0) * 3).player()  # doctest: +SKIP
        """
        from autograd.see.player import player

        return player(self, max_nodes=max_nodes, collapse=collapse, quiz=quiz)

    def to_html(
        self,
        path: str | os.PathLike[str],
        *,
        title: str = "",
        interval: int = 1500,
        max_nodes: int = 500,
        collapse: Collapse = None,
        quiz: bool = False,
    ) -> Path:
        """Write the steps as ONE self-contained web page that works offline in any browser.

        Args:
            path: the ``.html`` file to write.
            title: the page heading (default: names the pass and the output).
            interval: milliseconds per step while playing.
            max_nodes: as for ``frame``.
            collapse: as for ``frame``; ``"scope"`` plays a whole network legibly.
            quiz: ask for each step's number before showing it (see ``autograd.see.player.to_html``).

        Returns:
            The path written.

        Example:
            >>> trace_backward(Value(2.0) * 3).to_html("backprop.html")  # doctest: +SKIP
            PosixPath('backprop.html')
        """
        from autograd.see.player import to_html

        return to_html(
            self, path, title=title, interval=interval, max_nodes=max_nodes, collapse=collapse, quiz=quiz
        )


class Trace(Playback, Generic[StepT]):
    """Steps of one pass over ``root``'s graph; see ``BackwardTrace`` and ``ForwardTrace``.

    Attributes:
        root: the output the trace starts from.
        steps: the recorded steps, in the order they happened.
        precision: significant digits of the numbers in explanations and frames.

    Example:
        >>> y = Value(2.0, label="x") * 3
        >>> trace = trace_backward(y)
        >>> trace, len(trace), trace.root is y
        (<BackwardTrace of 1 steps from 'v2'>, 1, True)
    """

    phase = ""
    show_grad = True

    def __init__(self, root: Value, steps: Sequence[StepT], precision: int) -> None:
        self.root = root
        self.steps: tuple[StepT, ...] = tuple(steps)
        self.precision = precision
        self.order = topological_order(root)
        self.names = node_names(self.order, precision)

    def __len__(self) -> int:
        return len(self.steps)

    @overload
    def __getitem__(self, index: int) -> StepT: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[StepT, ...]: ...
    def __getitem__(self, index: int | slice) -> StepT | tuple[StepT, ...]:
        return self.steps[index]

    def __iter__(self) -> Iterator[StepT]:
        return iter(self.steps)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {len(self)} steps from {self.names[self.root]!r}>"

    def __add__(self, other: Playback) -> Lesson:
        return Lesson([self, other])

    def part_of(self, i: int) -> tuple[Pass, int]:
        """This trace and ``i`` itself: a single pass is its own part.

        Example:
            >>> trace = trace_backward(Value(2.0) * 3)
            >>> trace.part_of(0) == (trace, 0)
            True
        """
        return self, i

    def describe(self, i: int) -> str:
        """Step ``i`` in words and numbers; each kind of trace says it its own way.

        A trace class that overrides ``explain`` instead (the older way) is read
        from it, so it still plays in a lesson.

        Example:
            >>> trace_backward(Value(2.0, label="x") * 3).describe(0).splitlines()[0]
            'start at the output with ∂v2/∂v2 = 1.0; go back through v2 = x × 3.0.'
        """
        if type(self).explain is not Playback.explain:
            return _explained_the_old_way(self, i)
        raise NotImplementedError(f"{type(self).__name__} must define describe(i), the step in words.")

    def look(self, i: int) -> Look:  # pragma: no cover - overridden
        """How frame ``i`` differs from a plain drawing.

        Example:
            >>> y = Value(2.0) * 3
            >>> trace_backward(y).look(0).current == {y}
            True
        """
        raise NotImplementedError

    def _product(self, a: float, b: float, result: float) -> str:
        """``a × b = result`` as shown, with ``≈`` when the shown factors do not give the shown result."""
        shown_a, shown_b, shown = self._number(a), self._number(b), self._number(result)
        by_hand = self._number(float(shown_a) * float(shown_b))
        return f"{shown_a} × {symbol(shown_b)} {'=' if by_hand == shown else '≈'} {shown}"

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


class BackwardTrace(Trace[BackwardStep]):
    """The backward pass, one ``BackwardStep`` per node that passes gradient on.

    Example:
        >>> from autograd import Value
        >>> w, x = Value(0.5, label="w1"), Value(2.0, label="x")
        >>> z = w * x; z.label = "z"
        >>> L = z * z; L.label = "L"
        >>> trace = trace_backward(L)
        >>> len(trace), trace[1].node is z, trace[1].upstream
        (2, True, 2.0)
    """

    phase = "backward"

    def __init__(self, root: Value, steps: Sequence[BackwardStep], initial: dict[Value, float], precision: int) -> None:
        super().__init__(root, steps, precision)
        self.initial_grads = initial
        consumers: dict[Value, int] = {}
        for node in self.order:
            for child in dict.fromkeys(node.inputs):
                consumers[child] = consumers.get(child, 0) + 1
        self._consumers = consumers

    def grads_after(self, i: int) -> dict[Value, float]:
        """Every node's gradient as it stood after step ``i`` (before step 0 for ``i = -1``).

        Example:
            >>> x = Value(3.0, label="x")
            >>> trace = trace_backward(x * x)
            >>> trace.grads_after(-1)[x], trace.grads_after(0)[x]
            (0.0, 6.0)
        """
        grads = dict(self.initial_grads)
        for step in self.steps[: i + 1]:
            for c in step.inputs:
                grads[c.input] = c.grad_after
        return grads


    def describe(self, i: int) -> str:
        """The chain rule of step ``i`` in words and numbers (``explain`` adds the step's number).

        The gradient so far is written ∂J/∂x; the local derivative of the step's
        operation is written with the operation, ∂(w1 × x)/∂w1, so the two never
        look alike. Each product is printed so that the shown factors multiply to
        the shown result; where rounding makes them differ, it says ``≈``.

        Args:
            i: the step's index (negative counts from the end).

        Returns:
            Lines such as ``∂L/∂w1 += ∂L/∂z · ∂(w1 × x)/∂w1 = 0.5 × 2.0 = 1.0   (grad 0.0 → 1.0)``.

        Raises:
            IndexError: there is no step ``i``.

        Example:
            >>> from autograd import Value
            >>> w1, x = Value(0.5, label="w1"), Value(2.0, label="x")
            >>> z = w1 * x; z.label = "z"
            >>> print(trace_backward(z).explain(0))
            Step 1 of 1: start at the output with ∂z/∂z = 1.0; go back through z = w1 × x.
            ∂z/∂w1 += ∂z/∂z · ∂(w1 × x)/∂w1 = 1.0 × 2.0 = 2.0   (grad 0.0 → 2.0)
            ∂z/∂x += ∂z/∂z · ∂(w1 × x)/∂x = 1.0 × 0.5 = 0.5   (grad 0.0 → 0.5)
        """
        i = self._index(i, "explain")
        step = self.steps[i]
        names, num = self.names, self._number
        out, node = symbol(names[self.root]), names[step.node]
        gradient = f"∂{out}/∂{symbol(node)}"
        through = f"{node} = {self.formula(step.node)}"
        if step.node is self.root:
            lines = [f"start at the output with {gradient} = {num(step.upstream)}; go back through {through}."]
        else:
            lines = [f"{gradient} = {num(step.upstream)} is complete; go back through {through}."]
        for c in step.inputs:
            lines.append(
                f"∂{out}/∂{symbol(names[c.input])} += {gradient} · {self.local(step.node, c.input)} = "
                f"{self._product(step.upstream, c.local_grad, c.contribution)}"
                f"   (grad {num(c.grad_before)} → {num(c.grad_after)})"
            )
        return "\n".join(lines)

    def look(self, i: int) -> Look:
        """Frame ``i``: grads after step ``i``, the step's node highlighted, nodes whose grad is final filled.

        Example:
            >>> x = Value(3.0, label="x")
            >>> y = x * x
            >>> trace_backward(y).look(0).current == {y}
            True
        """
        i = self._index(i, "frame")
        processed = {step.node for step in self.steps[: i + 1]}
        used: dict[Value, int] = {}
        for node in processed:
            for child in dict.fromkeys(node.inputs):
                used[child] = used.get(child, 0) + 1
        # A node's gradient is final (and it is drawn filled in) once every node
        # that uses it has passed its share back; the root's is final from the start.
        finished = {node for node in self.order if used.get(node, 0) == self._consumers.get(node, 0)}
        node = self.steps[i].node
        return Look(grads=self.grads_after(i), filled=finished, current={node}, active={node})

    def table(self) -> StepTable:
        """Every contribution of every step: upstream, local derivative, product, grad before → after.

        Example:
            >>> x = Value(3.0, label="x")
            >>> print(trace_backward(x * 2).table())  # doctest: +NORMALIZE_WHITESPACE
            backward pass
            step  node  upstream  input  local ∂  contribution  grad before  grad after
            ────  ────  ────────  ─────  ───────  ────────────  ───────────  ──────────
            1     v2    1.0       x      2.0      2.0           0.0          2.0
                                  2.0    3.0      3.0           0.0          3.0
        """
        rows = []
        num = self._number
        for i, step in enumerate(self.steps):
            for k, c in enumerate(step.inputs):
                first = k == 0
                rows.append(
                    [
                        str(i + 1) if first else "",
                        self.names[step.node] if first else "",
                        num(step.upstream) if first else "",
                        self.names[c.input],
                        num(c.local_grad),
                        num(c.contribution),
                        num(c.grad_before),
                        num(c.grad_after),
                    ]
                )
        headers = ["step", "node", "upstream", "input", "local ∂", "contribution", "grad before", "grad after"]
        return StepTable([("backward pass", headers, rows)])




class ForwardTrace(Trace[ForwardStep]):
    """The forward pass, one ``ForwardStep`` per operation, in topological order.

    Example:
        >>> from autograd import Value
        >>> x = Value(2.0, label="x")
        >>> y = (x * 3).tanh()
        >>> [step.node.op for step in trace_forward(y)]
        ['*', 'tanh']
    """

    phase = "forward"
    show_grad = False


    def describe(self, i: int) -> str:
        """The computation of step ``i`` and the local derivatives it stores for backward.

        Where rounding the operands to the shown precision would not give the
        shown result, the last ``=`` is an ``≈``.

        Example:
            >>> from autograd import Value
            >>> w1, x = Value(0.5, label="w1"), Value(2.0, label="x")
            >>> z = w1 * x; z.label = "z"
            >>> print(trace_forward(z).explain(0))
            Step 1 of 1: z = w1 × x = 0.5 × 2.0 = 1.0
            kept for the backward pass: ∂(w1 × x)/∂w1 = 2.0, ∂(w1 × x)/∂x = 0.5
        """
        i = self._index(i, "explain")
        step = self.steps[i]
        node, name, num = step.node, self.names[step.node], self._number
        symbolic, numeric = self.formula(node), self.formula(node, numbers=True)
        equals = "=" if self._checks_by_hand(node) else "≈"
        line = f"{name} = {symbolic} = {numeric} {equals} {num(step.value)}"
        derivatives = ", ".join(f"{self.local(node, x)} = {num(d)}" for x, d in zip(node.inputs, step.local_grads))
        return f"{line}\nkept for the backward pass: {derivatives}"

    def _checks_by_hand(self, node: Value) -> bool:
        """Whether the operation applied to its operands as shown gives the result as shown."""
        if node.operation is None:  # pragma: no cover - every step has an operation
            return True
        shown = [float(self._number(x.data)) for x in node.inputs]
        try:
            value = node.operation.rule(FLOAT_MATH, *shown, *node.constants)[0]
        except (ArithmeticError, ValueError):
            return False
        return self._number(float(value)) == self._number(node.data)

    def look(self, i: int) -> Look:
        """Frame ``i``: values up to step ``i`` shown and filled, later ones hidden.

        Example:
            >>> y = Value(2.0) * 3
            >>> trace_forward(y).look(0).hidden_data
            set()
        """
        i = self._index(i, "frame")
        done = {step.node for step in self.steps[: i + 1]}
        pending = {step.node for step in self.steps[i + 1 :]}
        filled = done | {node for node in self.order if not node.inputs}
        node = self.steps[i].node
        return Look(hidden_data=pending, filled=filled, current={node}, active={node})

    def table(self) -> StepTable:
        """Every operation: what it computes, its value and its local derivatives.

        Example:
            >>> x = Value(3.0, label="x")
            >>> print(trace_forward(x * 2).table())  # doctest: +NORMALIZE_WHITESPACE
            forward pass
            step  node  computes  value  local ∂
            ────  ────  ────────  ─────  ────────
            1     v2    x × 2.0   6.0    2.0, 3.0
        """
        rows = [
            [
                str(i + 1),
                self.names[step.node],
                self.formula(step.node),
                self._number(step.value),
                ", ".join(self._number(d) for d in step.local_grads),
            ]
            for i, step in enumerate(self.steps)
        ]
        return StepTable([("forward pass", ["step", "node", "computes", "value", "local ∂"], rows)])



class Lesson(Playback):
    """Passes played one after the other, e.g. ``trace_forward(L) + trace_backward(L)``.

    A lesson is itself a trace of phase-tagged steps: ``len``, ``lesson[i]``,
    ``phase_of(i)``, ``explain(i)``, ``frame(i)``, ``table()``, ``player()`` and
    ``to_html()`` work as for one pass, numbered through the whole lesson.

    Attributes:
        parts: the single-pass traces, in order.

    Example:
        >>> from autograd import Value
        >>> y = Value(2.0, label="x") * 3
        >>> lesson = trace_forward(y) + trace_backward(y)
        >>> len(lesson), lesson.phases, lesson.explain(1).splitlines()[0][:40]
        (2, ('forward', 'backward'), 'Step 2 of 2 (backward pass): start at th')
    """

    noun = "lesson"

    def __init__(self, parts: Sequence[Playback | Pass]) -> None:
        flat: list[Pass] = []
        for part in parts:
            if isinstance(part, Lesson):
                flat.extend(part.parts)
            elif all(hasattr(part, member) for member in PASS_MEMBERS):
                flat.append(part)  # type: ignore[arg-type]  # checked member by member: a Pass
            else:
                raise TypeError(
                    f"Lesson got {part!r} of type {type(part).__name__}; "
                    "expected traces from autograd.trace_forward() or autograd.trace_backward()."
                )
        self.parts: list[Pass] = flat
        self.precision = flat[0].precision if flat else 4
        # Parts usually trace one graph; where they differ, the first part's name wins.
        self.names = {node: name for part in reversed(flat) for node, name in part.names.items()}

    def __len__(self) -> int:
        return sum(len(part) for part in self.parts)

    def __add__(self, other: Playback) -> Lesson:
        return Lesson([self, other])

    def __repr__(self) -> str:
        return f"<Lesson of {len(self)} steps: {' + '.join(part.phase for part in self.parts)}>"

    @property
    def steps(self) -> tuple[object, ...]:
        """All steps of all parts, in order (``BackwardStep``, ``ForwardStep``, or a box step of a trace by boxes).

        Example:
            >>> y = Value(2.0) * 3
            >>> [type(step).__name__ for step in (trace_forward(y) + trace_backward(y)).steps]
            ['ForwardStep', 'BackwardStep']
        """
        return tuple(step for part in self.parts for step in part.steps)

    @property
    def phases(self) -> tuple[str, ...]:
        """The pass of every step, in order.

        Example:
            >>> y = Value(2.0) * 3
            >>> (trace_forward(y) + trace_backward(y)).phases
            ('forward', 'backward')
        """
        return tuple(part.phase for part in self.parts for _ in part.steps)

    def __getitem__(self, i: int) -> object:
        part, k = self.part_of(self._index(i, "__getitem__"))
        return part.steps[k]

    def part_of(self, i: int) -> tuple[Pass, int]:
        """The pass that holds step ``i`` (an index into the whole lesson), and the step's index in it.

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

    def counter(self, i: int) -> str:
        """``Step 7 of 10 (backward pass)``: numbered through the lesson, naming the pass.

        Example:
            >>> y = Value(2.0) * 3
            >>> (trace_forward(y) + trace_backward(y)).counter(0)
            'Step 1 of 2 (forward pass)'
        """
        i = self._index(i, "counter")
        return f"Step {i + 1} of {len(self)} ({self.phase_of(i)} pass)"

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

def _explained_the_old_way(part: Pass, i: int) -> str:
    """The words of a pass that overrides ``explain`` (the older way, or a trace by boxes), without its counter."""
    return _COUNTER.sub("", part.explain(i), count=1)


def _check_root(root: Value, function: str, precision: int) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"{function}() got {root!r} of type {type(root).__name__}; expected a Value.")
    if isinstance(precision, bool) or not isinstance(precision, int) or not 1 <= precision <= 17:
        raise ValueError(f"{function}() got precision={precision!r}; expected an int from 1 to 17.")


@overload
def trace_backward(root: Value, *, precision: int = 4, collapse: None = None) -> BackwardTrace: ...
@overload
def trace_backward(root: Value, *, precision: int = 4, collapse: Literal["scope"] | int) -> NeuronTrace: ...
def trace_backward(root: Value, *, precision: int = 4, collapse: Collapse = None) -> BackwardTrace | NeuronTrace:
    """Run ``root.backward()`` step by step and record every chain-rule step.

    The gradients left in ``.grad`` are exactly those of ``root.backward()``:
    leaves accumulate, intermediate nodes restart from zero, the root is seeded
    with 1. Steps come in reverse topological order (newest node first, the
    order ``backward()`` uses), one per node that has inputs.

    Args:
        root: the output to differentiate, e.g. the loss.
        precision: significant digits of the numbers in explanations and frames.
        collapse: ``"scope"`` (or a depth, as ``to_dot``) gives a ``NeuronTrace``:
            one step per neuron box and one for the loss, in the lecture's form.

    Returns:
        A ``BackwardTrace``: ``len``, ``trace[i]``, ``explain(i)``, ``frame(i)``,
        ``table()``, ``player()``, ``to_html(path)``.

    Raises:
        TypeError: ``root`` is not a Value.
        AnomalyError: inside ``autograd.detect_anomaly()``, a step made a gradient
            inf or nan (as ``backward()`` raises).

    Example:
        >>> from autograd import Value
        >>> x = Value(3.0, label="x")
        >>> trace = trace_backward(x * x)
        >>> [(c.local_grad, c.contribution) for c in trace[0].inputs], x.grad
        ([(3.0, 3.0), (3.0, 3.0)], 6.0)
    """
    _check_root(root, "trace_backward", precision)
    DrawOptions(collapse=collapse, caller="trace_backward")  # checked before any gradient changes
    # backward_steps resets and seeds the gradients when called, so `initial`
    # is what the first step starts from; the steps are backward()'s own.
    passes = backward_steps(root)
    initial = {node: node.grad for node in topological_order(root)}
    steps = [
        BackwardStep(
            node,
            upstream,
            tuple(Contribution(child, position, *numbers) for position, (child, *numbers) in enumerate(contributions)),
        )
        for node, upstream, contributions in passes
    ]
    if collapse is not None:  # one step per neuron box: autograd/see/neuron_trace.py
        from autograd.see.neuron_trace import by_boxes

        return by_boxes(BackwardTrace(root, steps, initial, precision), collapse, "trace_backward")
    return BackwardTrace(root, steps, initial, precision)


@overload
def trace_forward(root: Value, *, precision: int = 4, collapse: None = None) -> ForwardTrace: ...
@overload
def trace_forward(root: Value, *, precision: int = 4, collapse: Literal["scope"] | int) -> NeuronTrace: ...
def trace_forward(root: Value, *, precision: int = 4, collapse: Collapse = None) -> ForwardTrace | NeuronTrace:
    """Replay the forward pass that built ``root``: one step per operation, in topological order.

    Nothing is recomputed: each step shows the value and the local derivatives
    the engine stored when the node was created. Leaves are known from the start.

    Args:
        root: the output.
        precision: significant digits of the numbers shown.
        collapse: ``"scope"`` (or a depth) gives a ``NeuronTrace``: one step per neuron box.

    Returns:
        A ``ForwardTrace`` (same interface as ``BackwardTrace``).

    Raises:
        TypeError: ``root`` is not a Value.

    Example:
        >>> from autograd import Value
        >>> x = Value(2.0, label="x")
        >>> print(trace_forward((x * 3).tanh()).explain(0).splitlines()[0])
        Step 1 of 2: v2 = x × 3.0 = 2.0 × 3.0 = 6.0
    """
    _check_root(root, "trace_forward", precision)
    DrawOptions(collapse=collapse, caller="trace_forward")
    steps = [ForwardStep(node, node.data, node.local_grads) for node in topological_order(root) if node.inputs]
    if collapse is not None:  # one step per neuron box: autograd/see/neuron_trace.py
        from autograd.see.neuron_trace import by_boxes

        return by_boxes(ForwardTrace(root, steps, precision), collapse, "trace_forward")
    return ForwardTrace(root, steps, precision)
