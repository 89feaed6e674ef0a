"""Forward mode told one node at a time: each node's tangent from its operands', with the numbers.

``autograd.modes.forward`` computes the pass (``forward_pass``); this module
names the nodes as drawings do and tells each step::

    ẋ = 1
    v̇2 = ∂v2/∂x·ẋ + ∂v2/∂y·ẏ = 3·1 + 2·0 = 3   (v2 = x × y)
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from autograd.engine.value import Value
from autograd.modes.forward import Function, forward_pass
from autograd.see.picture import is_count
from autograd.see.render import node_names

# The combining dot above: x becomes ẋ, the tangent (time derivative) notation.
_DOT = "\u0307"


@dataclass(frozen=True)
class TangentTerm:
    """One term ∂node/∂input · inpuṫ of a forward-mode step.

    Attributes:
        input: the operand node.
        name: the operand's name in the narration (its label, ``v3`` or the constant), as in drawings.
        local_grad: ∂node/∂input, stored when the node was computed.
        tangent: the operand's tangent.

    Example:
        >>> x = Value(3.0, label="x")
        >>> term = trace_jvp(lambda x: x * x, [x], [1.0])[1].terms[0]
        >>> term.name, term.local_grad, term.tangent, term.product
        ('x', 3.0, 1.0, 3.0)
    """

    input: Value
    name: str
    local_grad: float
    tangent: float

    @property
    def product(self) -> float:
        """local_grad · tangent: what this operand adds to the node's tangent."""
        return self.local_grad * self.tangent


@dataclass(frozen=True)
class TangentStep:
    """One node of a forward-mode pass: its value and its tangent, with the terms that made it.

    A leaf that is one of the primals has no terms: its tangent is the one given.

    Attributes:
        node: the node.
        name: its name in the narration.
        formula: how it was computed, e.g. ``"x × y"`` (empty for a primal).
        terms: one ``TangentTerm`` per operand that depends on a primal.
        tangent: the node's tangent, Σ of the terms' products.

    Example:
        >>> steps = trace_jvp(lambda x, y: x * y, [2.0, 3.0], [1.0, 0.0])
        >>> [(step.name, step.tangent) for step in steps]
        [('x', 1.0), ('y', 0.0), ('v2', 3.0)]
    """

    node: Value
    name: str
    formula: str
    terms: tuple[TangentTerm, ...]
    tangent: float


class TangentTrace:
    """A forward-mode pass, one ``TangentStep`` per node that depends on a primal; prints as a narration.

    Attributes:
        steps: the steps in creation order; the output's step is last.
        value: f at the primals.
        tangent: the directional derivative, the output's tangent.

    Example:
        >>> trace = trace_jvp(lambda x, y: x * y + x, [2.0, 3.0], [1.0, 0.0])
        >>> print(trace)
        ẋ = 1
        ẏ = 0
        v̇2 = ∂v2/∂x·ẋ + ∂v2/∂y·ẏ = 3·1 + 2·0 = 3   (v2 = x × y)
        v̇3 = ∂v3/∂v2·v̇2 + ∂v3/∂x·ẋ = 1·3 + 1·1 = 4   (v3 = v2 + x)
        >>> trace.value, trace.tangent
        (8.0, 4.0)
    """

    def __init__(self, steps: Sequence[TangentStep], value: float, tangent: float, precision: int) -> None:
        self.steps = tuple(steps)
        self.value = value
        self.tangent = tangent
        self._precision = precision

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, index: int) -> TangentStep:
        return self.steps[index]

    def explain(self, i: int) -> str:
        """Step ``i`` (negative counts from the end) as one line: ``ż = ∂z/∂x·ẋ + … = 3·1 + … = 3``.

        Raises:
            IndexError: there is no step ``i``.

        Example:
            >>> trace_jvp(lambda x: x.exp(), [0.0], [2.0]).explain(-1)
            'v̇1 = ∂v1/∂x·ẋ = 1·2 = 2   (v1 = exp(x))'
        """
        if not is_count(i) or not -len(self.steps) <= i < len(self.steps):
            raise IndexError(
                f"explain() got i={i!r}; this trace has {len(self.steps)} steps, so i must be an int in "
                f"[{-len(self.steps)}, {len(self.steps) - 1}]."
            )
        step = self.steps[i]
        number = self._number
        if not step.terms:
            return f"{dotted(step.name)} = {number(step.tangent)}"
        symbolic = " + ".join(f"∂{step.name}/∂{term.name}·{dotted(term.name)}" for term in step.terms)
        numeric = " + ".join(f"{number(term.local_grad)}·{number(term.tangent)}" for term in step.terms)
        line = f"{dotted(step.name)} = {symbolic} = {numeric} = {number(step.tangent)}"
        return f"{line}   ({step.name} = {step.formula})"

    def __str__(self) -> str:
        return "\n".join(self.explain(i) for i in range(len(self.steps)))

    __repr__ = __str__

    def _number(self, x: float) -> str:
        return f"{x:.{self._precision}g}"


def dotted(name: str) -> str:
    """The tangent's name: a dot over the first letter, ``x`` → ``ẋ``, ``v2`` → ``v̇2``.

    Example:
        >>> dotted("x"), dotted("w1")
        ('ẋ', 'ẇ1')
    """
    # NFC turns x + combining dot into the one character ẋ where Unicode has it.
    return unicodedata.normalize("NFC", name[:1] + _DOT + name[1:])


def trace_jvp(
    f: Function, primals: Sequence[float | Value], tangents: Sequence[float], *, precision: int = 4
) -> TangentTrace:
    """Forward mode one node at a time: each node's tangent from its operands', with the numbers.

    The same pass as ``jvp``, kept as a ``TangentTrace`` that prints one line
    per node, ``ż = ∂z/∂x·ẋ + ∂z/∂y·ẏ = … = 3``. Nodes are named as in
    ``draw`` and ``trace_backward`` (label, else ``v<k>``); constants have no
    tangent, so they add no term.

    Args:
        f: a function of ``len(primals)`` Values returning a Value.
        primals: the point, one number (or Value, used in place) per argument of ``f``;
            numbers become leaves named after f's parameters.
        tangents: the direction, one finite number per primal.
        precision: significant digits of the numbers in the narration.

    Returns:
        A ``TangentTrace``; ``.value`` and ``.tangent`` are what ``jvp`` returns.

    Raises:
        TypeError: as ``jvp``, or ``precision`` is not an int ≥ 1.
        ValueError: as ``jvp``.

    Example:
        >>> print(trace_jvp(lambda x: x * x, [3.0], [1.0]))
        ẋ = 1
        v̇1 = ∂v1/∂x·ẋ + ∂v1/∂x·ẋ = 3·1 + 3·1 = 6   (v1 = x × x)
    """
    if not is_count(precision) or precision < 1:
        raise TypeError(f"trace_jvp() got precision={precision!r}; expected an int ≥ 1 (significant digits).")
    run = forward_pass(f, primals, tangents, "trace_jvp")
    names = _names(run.order, run.leaves, precision)
    steps = [TangentStep(x, names[x], "", (), t) for x, t in zip(run.leaves, run.seeds)]
    for node, tangent, terms in run.steps:
        told = tuple(TangentTerm(child, names[child], local, t) for child, local, t in terms)
        steps.append(TangentStep(node, names[node], _formula(node, names, precision), told, tangent))
    return TangentTrace(steps, run.value, run.tangent, precision)


def _names(order: list[Value], leaves: list[Value], precision: int) -> dict[Value, str]:
    # The drawings' names (label, constant's number, else v<k>), so a narration,
    # trace_backward and draw() of the same graph call every node the same.
    names = node_names(order, precision)
    for position, x in enumerate(leaves):  # a primal f never reads is not in the graph
        names.setdefault(x, x.label or f"primals[{position}]")
    return names


def _formula(node: Value, names: dict[Value, str], precision: int) -> str:
    operation = node.operation
    if operation is None:  # pragma: no cover - only nodes with inputs get a formula
        return ""
    arguments = [names[child] for child in node.inputs] + [f"{c:.{precision}g}" for c in node.constants]
    symbol = operation.display
    # An operator symbol between two arguments (x × y); everything else as a call (exp(x)).
    if len(arguments) == 2 and not symbol.isidentifier() and symbol not in ("Σ", "σ"):
        return f"{arguments[0]} {symbol} {arguments[1]}"
    return f"{operation.name}({', '.join(arguments)})"
