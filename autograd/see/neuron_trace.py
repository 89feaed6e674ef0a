"""Backprop one neuron at a time: a trace whose steps are the boxes of a collapsed drawing.

``trace_backward(J, collapse="scope")`` takes one step per neuron (and one for
the loss) and narrates it in the lecture's form::

    ∂J/∂z₂⁽¹⁾ = ∂J/∂a₂⁽¹⁾ · relu′(z₂⁽¹⁾) = 0.2849 × 1.0 = 0.2849
    ∂J/∂w₂₁⁽¹⁾ = ∂J/∂z₂⁽¹⁾ · x₁ = 0.2849 × 4.0 = 1.139

It is built from the per-node trace (``trace.py``), never recomputed: a box
step is the run of consecutive per-node steps whose node lies in one box
(``grouping.py`` decides the boxes), so every number is the per-node trace's.
Its frames highlight the whole box through the same ``Look`` a per-node frame
uses, and the player and ``to_html`` play it like any other trace.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, overload

from autograd.engine.value import Value
from autograd.see.grouping import Collapse, Key, group_nodes
from autograd.see.naming import Neuron, find_neurons, lecture_roles, scope_title
from autograd.see.render import Look, digraph, dot_lines, require_dot
from autograd.see.trace import BackwardStep, BackwardTrace, ForwardStep, ForwardTrace, Lesson, StepTable, symbol

if TYPE_CHECKING:
    import graphviz
    import ipywidgets


@dataclass(frozen=True)
class BoxStep:
    """One box's turn: every per-node step of one neuron (or of the loss) in a row.

    Attributes:
        key: the box's scope path (``()`` for a node drawn on its own).
        title: e.g. ``"neuron 2 of layer 1"`` or ``"binary cross-entropy"``.
        first: the index of its first per-node step in the per-node trace.
        node_steps: the per-node steps, in the order they happened.

    Example:
        >>> import nn, autograd
        >>> loss = nn.binary_cross_entropy([nn.MLP(2, [1], output_activation="sigmoid", seed=0)([1.0, 2.0])], [1])
        >>> [step.title for step in autograd.trace_backward(loss, collapse="scope")]
        ['binary cross-entropy', 'neuron 1 of layer 1']
    """

    key: Key
    title: str
    first: int
    node_steps: tuple[BackwardStep, ...] | tuple[ForwardStep, ...]

    @property
    def nodes(self) -> frozenset[Value]:
        """The nodes this step computes (forward) or passes gradient through (backward)."""
        return frozenset(step.node for step in self.node_steps)

    @property
    def last(self) -> int:
        """The index of its last per-node step."""
        return self.first + len(self.node_steps) - 1


def box_title(key: Key, fallback: str) -> str:
    """How a step names its box: ``("layers.0", "neurons.1")`` → ``"neuron 2 of layer 1"``.

    Example:
        >>> box_title(("layers.0", "neurons.1"), "v3"), box_title((), "v3")
        ('neuron 2 of layer 1', 'v3')
    """
    return " of ".join(scope_title(name) for name in reversed(key)) if key else fallback


class NeuronTrace:
    """A trace by boxes: one step per neuron (or layer, or loss), built on a per-node trace.

    Attributes:
        node_trace: the per-node trace it groups; every number comes from it.
        collapse: the grouping, as ``to_dot``'s ``collapse``.
        steps: the ``BoxStep`` s.
        root, precision, order, names, phase: as the per-node trace's.

    Example:
        >>> import nn, autograd
        >>> model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=37)
        >>> loss = nn.binary_cross_entropy([model([4.0, 5.0])], [1])
        >>> trace = autograd.trace_backward(loss, collapse="scope")
        >>> len(trace), len(trace.node_trace)
        (5, 24)
    """

    def __init__(self, node_trace: BackwardTrace | ForwardTrace, collapse: Collapse) -> None:
        self.node_trace = node_trace
        self.collapse = collapse
        self.root, self.precision = node_trace.root, node_trace.precision
        self.order, self.names, self.phase = node_trace.order, node_trace.names, node_trace.phase
        self.show_grad = node_trace.show_grad
        _, roles = lecture_roles(self.order, self.root)
        inputs = [node for node in self.order if roles.get(node) == "input"]
        grouping = group_nodes(self.order, self.root, collapse, inputs)
        consumers = grouping.consumers
        self.neurons: dict[Value, Neuron] = {}
        for neuron in find_neurons(self.order, dict(consumers)):
            for node in (neuron.z, neuron.a, *(product for _, _, product in neuron.weights)):
                self.neurons[node] = neuron
        self.neurons_inputs = frozenset(inputs)
        # (per-node step, operand) pairs that add to a gradient already begun: narrated with "+=".
        self._accumulating: set[tuple[int, int]] = set()
        reached: set[Value] = set()
        if isinstance(node_trace, BackwardTrace):
            for index, backward_step in enumerate(node_trace.steps):
                for c in backward_step.inputs:
                    if c.input in reached:
                        self._accumulating.add((index, c.position))
                    reached.add(c.input)
        runs: list[tuple[Key, int, int]] = []  # (box, first per-node step, how many)
        per_node: Sequence[BackwardStep | ForwardStep] = node_trace.steps
        for index, step in enumerate(per_node):
            key = grouping.key[step.node]
            if runs and key and runs[-1][0] == key:
                runs[-1] = (key, runs[-1][1], runs[-1][2] + 1)
            else:
                runs.append((key, index, 1))
        all_steps = node_trace.steps
        self.steps: tuple[BoxStep, ...] = tuple(
            BoxStep(key, box_title(key, self.names[all_steps[first].node]), first, all_steps[first : first + count])
            for key, first, count in runs
        )

    def __len__(self) -> int:
        return len(self.steps)

    @overload
    def __getitem__(self, index: int) -> BoxStep: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[BoxStep, ...]: ...
    def __getitem__(self, index: int | slice) -> BoxStep | tuple[BoxStep, ...]:
        return self.steps[index]

    def __iter__(self) -> Iterator[BoxStep]:
        return iter(self.steps)

    def __repr__(self) -> str:
        kind = f"{type(self.node_trace).__name__} by boxes"
        return f"<{kind} ({self.collapse!r}) of {len(self)} steps from {self.names[self.root]!r}>"

    def __add__(self, other: NeuronTrace | BackwardTrace | ForwardTrace | Lesson) -> Lesson:
        return Lesson([self, other])

    def _index(self, i: int, function: str) -> int:
        if isinstance(i, bool) or not isinstance(i, int):
            raise TypeError(f"{function}() got step {i!r} of type {type(i).__name__}; expected an int.")
        n = len(self.steps)
        if not -n <= i < n:
            valid = f"0 to {n - 1}" if n else "none: the root is a leaf, so nothing is computed"
            raise IndexError(f"{function}() got step {i}; this trace has {n} steps ({valid}).")
        return i % n

    def _number(self, x: float) -> str:
        return self.node_trace._number(x)

    # --- words ------------------------------------------------------------------------

    def explain(self, i: int) -> str:
        """Step ``i`` in the lecture's form, with the per-node trace's numbers.

        Example:
            >>> import nn, autograd
            >>> loss = nn.binary_cross_entropy([nn.MLP(1, [1], output_activation="sigmoid", seed=0)([2.0])], [1])
            >>> print(autograd.trace_backward(loss, collapse="scope").explain(1))
            Step 2 of 2: neuron 1 of layer 1, going back from ∂J/∂ŷ = -1.092.
            ∂J/∂z₁⁽¹⁾ = ∂J/∂ŷ · σ′(z₁⁽¹⁾) = -1.092 × 0.07713 = -0.08423
            ∂J/∂b₁⁽¹⁾ = ∂J/∂z₁⁽¹⁾ = -0.08423
            ∂J/∂w₁₁⁽¹⁾ = ∂J/∂z₁⁽¹⁾ · x₁ = -0.08423 × 2.0 = -0.1685
        """
        i = self._index(i, "explain")
        step = self.steps[i]
        counter = f"Step {i + 1} of {len(self)}: {step.title}"
        if self.phase == "forward":
            return "\n".join([f"{counter}.", *self._forward_lines(step)])
        first = step.node_steps[0]
        assert isinstance(first, BackwardStep)  # a backward trace holds backward steps
        out = self.names[self.root]
        head = f"{counter}, going back from ∂{out}/∂{self.names[first.node]} = {self._number(first.upstream)}."
        return "\n".join([head, *self._backward_lines(step)])

    def _forward_lines(self, step: BoxStep) -> list[str]:
        lines = []
        number, names = self._number, self.names
        for node_step in step.node_steps:
            node = node_step.node
            neuron = self.neurons.get(node)
            name = names[node]
            if neuron is not None and node is neuron.z:
                terms = [f"{names[w]}·{names[x]}" for w, x, _ in neuron.weights]
                values = [f"{symbol(number(w.data))} × {symbol(number(x.data))}" for w, x, _ in neuron.weights]
                if neuron.bias is not None:
                    terms.append(names[neuron.bias])
                    values.append(symbol(number(neuron.bias.data)))
                lines.append(f"{name} = {' + '.join(terms)} = {' + '.join(values)} = {number(node.data)}")
            elif neuron is not None and node is neuron.a and node.operation is not None:
                g, z = node.operation.display, neuron.z
                lines.append(f"{name} = {g}({names[z]}) = {g}({number(z.data)}) = {number(node.data)}")
            elif neuron is None:
                formula = self.node_trace.formula(node)
                numeric = self.node_trace.formula(node, numbers=True)
                lines.append(f"{name} = {formula} = {numeric} = {number(node.data)}")
            # else a product w·x: written out in z's line
        return lines

    def _backward_lines(self, step: BoxStep) -> list[str]:
        # (order, line): the lecture's order inside a neuron (z, b, the w's, then what goes back to
        # the layer before); a loss keeps the order backprop took.
        lines: list[tuple[tuple[int, int, int], str]] = []
        ranks: dict[Neuron | None, int] = {}  # neurons in the order backprop reaches them (a layer box holds several)
        number, names, out = self._number, self.names, self.names[self.root]

        def grad(node: Value) -> str:
            return f"∂{out}/∂{symbol(names[node])}"

        for offset, node_step in enumerate(step.node_steps):
            if not isinstance(node_step, BackwardStep):  # pragma: no cover - a backward trace holds backward steps
                continue
            node = node_step.node
            neuron = self.neurons.get(node)
            rank = ranks.setdefault(neuron, len(ranks))
            for c in node_step.inputs:
                accumulates = "+=" if (step.first + offset, c.position) in self._accumulating else "="
                product = self._product(node_step.upstream, c.local_grad, c.contribution)
                if neuron is None:
                    if not c.input.inputs and not c.input.label and c.input not in self.neurons_inputs:
                        continue  # a constant: its gradient is computed but nobody asks for it
                    # Written with the operation, as the per-node trace does, never like a gradient ∂J/∂….
                    local = self.node_trace.local(node, c.input)
                    line = f"{grad(c.input)} {accumulates} {grad(node)} · {local} = {product}"
                    lines.append(((rank, 4, len(lines)), line))
                elif node is neuron.a and node is not neuron.z:
                    derivative = f"{node.operation.display if node.operation else 'g'}′({names[c.input]})"
                    lines.append(((rank, 0, 0), f"{grad(c.input)} = {grad(node)} · {derivative} = {product}"))
                elif node is neuron.z:
                    if c.input is neuron.bias:
                        line = f"{grad(c.input)} {accumulates} {grad(node)} = {number(c.contribution)}"
                        lines.append(((rank, 1, 0), line))
                else:
                    # A product w·x: ∂(w·x)/∂w = x and ∂(w·x)/∂x = w; the Σ passed ∂J/∂z on unchanged.
                    index = next(k for k, (_, _, p) in enumerate(neuron.weights) if p is node)
                    other = node.inputs[1 - c.position]
                    if c.position == 0:
                        line = f"{grad(c.input)} {accumulates} {grad(neuron.z)} · {names[other]} = {product}"
                        lines.append(((rank, 2, index), line))
                    elif c.input.inputs:
                        line = f"{grad(c.input)} {accumulates} {grad(neuron.z)} · {names[other]} = {product}"
                        lines.append(((rank, 3, index), line))
        return [line for _, line in sorted(lines, key=lambda entry: entry[0])]

    def _product(self, a: float, b: float, result: float) -> str:
        """``a × b = result`` as printed; ``≈`` when the printed factors do not multiply to the printed result."""
        return self.node_trace._product(a, b, result)

    # --- pictures -----------------------------------------------------------------------

    def look(self, i: int) -> Look:
        """Frame ``i``: the per-node frame after the box's last node, with the whole box highlighted.

        Example:
            >>> import nn, autograd
            >>> loss = nn.binary_cross_entropy([nn.MLP(2, [1], output_activation="sigmoid", seed=0)([1.0, 2.0])], [1])
            >>> trace = autograd.trace_backward(loss, collapse="scope")
            >>> trace.look(0).current == trace[0].nodes
            True
        """
        i = self._index(i, "frame")
        step = self.steps[i]
        return replace(self.node_trace.look(step.last), current=step.nodes, active=step.nodes)

    def frame_lines(
        self, i: int, *, caption: bool = True, max_nodes: int = 500, collapse: Collapse = None, function: str = "frame"
    ) -> list[str]:
        """The DOT body of frame ``i``, drawn collapsed as the trace is unless ``collapse`` says otherwise.

        Example:
            >>> import nn, autograd
            >>> loss = nn.binary_cross_entropy([nn.MLP(2, [1], output_activation="sigmoid", seed=0)([1.0, 2.0])], [1])
            >>> any("s0 [" in line for line in autograd.trace_backward(loss, collapse=1).frame_lines(0))
            True
        """
        i = self._index(i, function)
        look = self.look(i)
        if caption:
            look = replace(look, caption=self.explain(i))
        return dot_lines(
            self.root,
            show_grad=self.show_grad,
            precision=self.precision,
            max_nodes=max_nodes,
            collapse=self.collapse if collapse is None else collapse,
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
        """Frame ``i`` as DOT text (no Graphviz needed).

        Example:
            >>> import nn, autograd
            >>> loss = nn.binary_cross_entropy([nn.MLP(2, [1], output_activation="sigmoid", seed=0)([1.0, 2.0])], [1])
            >>> autograd.trace_backward(loss, collapse="scope").frame_dot(0).startswith("digraph")
            True
        """
        lines = self.frame_lines(i, caption=caption, max_nodes=max_nodes, collapse=collapse, function=function)
        return "digraph glassgrad {\n" + "".join(lines) + "}\n"

    def frame(
        self, i: int, *, caption: bool = True, max_nodes: int = 500, collapse: Collapse = None
    ) -> graphviz.Digraph:
        """Frame ``i`` as a ``graphviz.Digraph`` (shows inline in Jupyter).

        Example:
            >>> import nn, autograd
            >>> loss = nn.binary_cross_entropy([nn.MLP(2, [1], output_activation="sigmoid", seed=0)([1.0, 2.0])], [1])
            >>> autograd.trace_backward(loss, collapse="scope").frame(0)  # doctest: +SKIP
        """
        lines = self.frame_lines(i, caption=caption, max_nodes=max_nodes, collapse=collapse)
        require_dot("frame")
        return digraph(lines, "frame")

    def table(self) -> StepTable:
        """One row per box step: the box and how many per-node steps it holds.

        Example:
            >>> import nn, autograd
            >>> loss = nn.binary_cross_entropy([nn.MLP(2, [1], output_activation="sigmoid", seed=0)([1.0, 2.0])], [1])
            >>> autograd.trace_backward(loss, collapse="scope").table().sections[0][2][1][:2]
            ['2', 'neuron 1 of layer 1']
        """
        rows = [
            [str(i + 1), step.title, str(len(step.node_steps)), f"{step.first + 1} to {step.last + 1}"]
            for i, step in enumerate(self.steps)
        ]
        headers = ["step", "box", "node steps", "per-node steps"]
        return StepTable([(f"{self.phase} pass by boxes", headers, rows)])

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()

    def player(self, *, max_nodes: int = 500, collapse: Collapse = None, quiz: bool = False) -> ipywidgets.VBox:
        """A Jupyter player for this trace (see ``Trace.player``).

        Example:
            >>> import nn, autograd
            >>> loss = nn.binary_cross_entropy([nn.MLP(2, [1], output_activation="sigmoid", seed=0)([1.0, 2.0])], [1])
            >>> autograd.trace_backward(loss, collapse="scope").player()  # doctest: +SKIP
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
        """Write the trace as one offline web page (see ``Trace.to_html``).

        Example:
            >>> import nn, autograd
            >>> loss = nn.binary_cross_entropy([nn.MLP(2, [1], output_activation="sigmoid", seed=0)([1.0, 2.0])], [1])
            >>> autograd.trace_backward(loss, collapse="scope").to_html("neurons.html")  # doctest: +SKIP
        """
        from autograd.see.player import to_html

        return to_html(
            self, path, title=title, interval=interval, max_nodes=max_nodes, collapse=collapse, quiz=quiz
        )


def by_boxes(node_trace: BackwardTrace | ForwardTrace, collapse: Collapse, function: str) -> NeuronTrace:
    """The per-node trace grouped into box steps; ``collapse`` is checked first, naming ``function``.

    Example:
        >>> import autograd
        >>> by_boxes(autograd.trace_forward(autograd.Value(2.0) * 3), "nope", "trace_forward")
        Traceback (most recent call last):
        ...
        ValueError: trace_forward() got collapse='nope'; expected None, "scope" ...
    """
    from autograd.see.render import DrawOptions

    DrawOptions(collapse=collapse, caller=function)
    return NeuronTrace(node_trace, collapse)


__all__: Sequence[str] = ("BoxStep", "NeuronTrace", "box_title", "by_boxes")
