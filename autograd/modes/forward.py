"""Forward mode: the directional derivative of a function, pushed from the inputs to the output.

Reverse mode (``backward``, ``grad``) starts at the output and walks the graph
backwards; one pass gives ∂out/∂x for *every* input x. Forward mode starts at
the inputs with a direction ``v`` (a tangent ẋ per input) and walks the graph
in creation order; one pass gives the directional derivative
Σᵢ ∂out/∂xᵢ · vᵢ, and every node gets its own tangent on the way::

    ẋ = 1,  ẏ = 0
    ż = ∂z/∂x·ẋ + ∂z/∂y·ẏ          (z = x × y: ∂z/∂x = y, ∂z/∂y = x)

So forward mode needs one pass per *input* to get a whole gradient, reverse
mode one pass per *output*: for a loss (many weights, one number) reverse mode
wins, for one input and many outputs forward mode does.

How it is computed (a design choice): ``f`` runs on ordinary Values, so it
records the same graph ``backward`` walks, with each node's local derivatives
∂node/∂input stored by its op rule (``autograd/engine/ops.py``). The forward sweep
then multiplies those *same* stored numbers by the inputs' tangents. The
alternative, running ``f`` on dual numbers, would need a second Value-like
class mirroring every Value method and operator, and its own copy of each
derivative; this way every op in the table works in both modes with no extra
line, ``f`` may be any glassgrad code (``nn`` models, ``autograd.sum``, closures
over Parameters), and forward and reverse mode provably use identical local
derivatives, so they can only differ in the order floats are added.
"""

from __future__ import annotations

import math
import numbers
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast, overload

from autograd.check.gradcheck import check_points
from autograd.engine.graph import InDict, rerun, stored, sweep_forward, topological_order
from autograd.engine.recording import enable_grad
from autograd.engine.value import Value, is_real

Function = Callable[..., "Value | float"]

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
        """Step ``i`` in words and numbers: ``ż = ∂z/∂x·ẋ + … = 3·1 + … = 3``.

        Args:
            i: the step's index (negative counts from the end).

        Returns:
            One line of narration.

        Raises:
            IndexError: there is no step ``i``.

        Example:
            >>> trace_jvp(lambda x: x.exp(), [0.0], [2.0]).explain(-1)
            'v̇1 = ∂v1/∂x·ẋ = 1·2 = 2   (v1 = exp(x))'
        """
        if not isinstance(i, int) or isinstance(i, bool) or not -len(self.steps) <= i < len(self.steps):
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

    def __repr__(self) -> str:
        return str(self)

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


@overload
def jvp(f: Function, primals: Sequence[float], tangents: Sequence[float]) -> tuple[float, float]: ...
@overload
def jvp(
    f: Function, primals: Sequence[float | Value], tangents: Sequence[float]
) -> tuple[Value | float, Value | float]: ...
def jvp(
    f: Function, primals: Sequence[float | Value], tangents: Sequence[float]
) -> tuple[float, float] | tuple[Value | float, Value | float]:
    """Return f(primals) and its directional derivative along ``tangents`` (forward mode, JAX's signature).

    The directional derivative is Σᵢ ∂f/∂xᵢ · tangents[i]: with ``tangents``
    the unit vector eᵢ it is the single partial derivative ∂f/∂xᵢ. One call
    costs one forward pass whatever the number of inputs, so a full gradient
    of n inputs takes n calls, against one ``backward`` (see the module
    docstring for when each mode wins). The local derivatives are the ones the
    op rules store for ``backward``, so the two modes agree to rounding. An
    input whose tangent is 0 adds nothing, even where its own partial
    derivative is inf or nan, so jvp along eᵢ is exactly ∂f/∂xᵢ.

    Args:
        f: a function of ``len(primals)`` Values returning a Value (a plain
            number counts as a constant function, derivative 0).
        primals: the point, one number (or Value, used in place) per argument of ``f``.
        tangents: the direction, one finite number per primal.

    Returns:
        ``(value, derivative)``: f(primals) and Σᵢ ∂f/∂xᵢ · tangents[i], as
        floats; as Values when a primal is a Value, so they can be
        differentiated again: ``grad`` of a jvp (reverse-over-forward) and a
        jvp of a jvp (forward-over-forward) work.

    Raises:
        TypeError: ``f`` is not callable or returns no Value, or ``primals`` or
            ``tangents`` is not a sequence of numbers.
        ValueError: the lengths differ, a tangent is not finite, or a Value is repeated.
        DomainError: ``f`` applies an op outside its domain (as on any Values).

    Example:
        >>> from autograd import jvp
        >>> jvp(lambda x, y: x * y + x.sin(), (0.0, 3.0), (1.0, 0.0))  # ∂/∂x = y + cos x
        (0.0, 4.0)
        >>> from autograd import Value, grad
        >>> x = Value(3.0)
        >>> value, slope = jvp(lambda x: x ** 3, [x], [1.0])  # a Value primal: Values out
        >>> slope.data, grad(slope, [x])[0]  # 3x², and its derivative 6x
        (27.0, 18.0)
    """
    value, tangent, _ = _forward(f, primals, tangents, "jvp", keep_steps=False, precision=4)
    return value, tangent


def hessian(f: Function, point: Sequence[float]) -> list[list[float]]:
    """The matrix of second derivatives ∂²f/∂xᵢ∂xⱼ at ``point``, forward-over-reverse.

    Row i is the gradient of ∂f/∂xᵢ: reverse mode (``grad(..., create_graph=True)``)
    gives ∂f/∂xᵢ as a Value, and forward mode (``jvp`` along each unit vector eⱼ)
    differentiates it. Reverse-over-reverse (``grad`` of each ``create_graph``
    derivative) gives the same matrix; the two walk the graph in opposite orders.

    Args:
        f: a function of ``len(point)`` Values returning a Value.
        point: where to evaluate, one real number per argument of ``f``.

    Returns:
        The n × n Hessian as a list of rows of floats.

    Raises:
        TypeError: ``point`` is not a non-empty sequence of real numbers (others as ``jvp``).

    Example:
        >>> from autograd import hessian
        >>> hessian(lambda x, y: x * x * y, [3.0, 2.0])  # [[2y, 2x], [2x, 0]]
        [[4.0, 6.0], [6.0, 0.0]]
    """
    from autograd.engine.graph import grad

    if isinstance(point, (str, bytes)) or not isinstance(point, Sequence) or not point or not all(map(is_real, point)):
        raise TypeError(f"hessian() got point={point!r}; expected a non-empty list of real numbers, e.g. [1.0, 2.0].")
    n = len(point)

    def partial(i: int) -> Function:
        def derivative(*xs: Value) -> Value:
            return grad(cast("Value", f(*xs)), list(xs), create_graph=True)[i]

        return derivative

    axes = [[float(k == j) for k in range(n)] for j in range(n)]
    return [[jvp(partial(i), point, axes[j])[1] for j in range(n)] for i in range(n)]


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
    if not isinstance(precision, int) or isinstance(precision, bool) or precision < 1:
        raise TypeError(f"trace_jvp() got precision={precision!r}; expected an int ≥ 1 (significant digits).")
    value, tangent, steps = _forward(f, primals, tangents, "trace_jvp", keep_steps=True, precision=precision)
    return TangentTrace(steps, cast("float", value), cast("float", tangent), precision)  # floats: no nesting


def _forward(
    f: Function,
    primals: Sequence[float | Value],
    tangents: Sequence[float],
    function: str,
    *,
    keep_steps: bool,
    precision: int,
) -> tuple[Value | float, Value | float, list[TangentStep]]:
    """The forward pass of ``jvp`` and ``trace_jvp``: value, tangent and (if kept) the steps.

    With a Value among the primals (and no steps kept) the value and tangent are
    Values, so a jvp can be differentiated again (``grad`` of it, or a jvp of it).
    """
    leaves, seeds = _validate(f, primals, tangents, function)
    nested = not keep_steps and any(isinstance(x, Value) for x in primals)
    # Record the graph even inside no_grad(): forward mode needs the local derivatives.
    with enable_grad():
        out = f(*leaves)
    if not isinstance(out, Value):
        if is_real(out):  # a constant function: no input reaches the output
            return (Value(float(out)), Value(0.0), []) if nested else (float(out), 0.0, [])
        raise TypeError(
            f"{function}() got f returning {out!r} of type {type(out).__name__}; "
            f"f must return a Value (build it from its arguments with Value operations)."
        )
    seeded: dict[Value, Value | float] = dict(zip(leaves, seeds))
    carried = InDict(seeded)
    order = topological_order(out)
    names = _names(order, leaves, precision) if keep_steps else {}
    steps = [TangentStep(x, names[x], "", (), t) for x, t in zip(leaves, seeds)] if keep_steps else []
    # Creation order is a topological order: every operand's tangent is known before its node's.
    # With Value primals the local derivatives are the rules re-run on Values, so the
    # tangent is a Value that grad and jvp can differentiate again.
    with enable_grad():
        for node, tangent, terms in sweep_forward(order, carried, rerun if nested else stored):
            if keep_steps:
                # Floats: steps are kept only without nesting (stored local derivatives, float seeds).
                told = tuple(
                    TangentTerm(child, names[child], cast("float", local), cast("float", t))
                    for child, local, t, _, _ in terms
                )
                formula = _formula(node, names, precision)
                steps.append(TangentStep(node, names[node], formula, told, cast("float", tangent)))
    found = carried.upstream(out)
    if nested:
        return out, found if isinstance(found, Value) else Value(0.0 if found is None else found), steps
    return out.data, 0.0 if found is None else cast("float", found), steps


def _validate(
    f: object, primals: object, tangents: object, function: str
) -> tuple[list[Value], list[float]]:
    if not callable(f):
        raise TypeError(
            f"{function}() got f={f!r} of type {type(f).__name__}; f must be a function of Values returning a Value."
        )
    for argument, given in (("primals", primals), ("tangents", tangents)):
        if isinstance(given, (Value, numbers.Number, str, bytes)) or not isinstance(given, Sequence):
            raise TypeError(
                f"{function}() got {argument}={given!r} of type {type(given).__name__}; expected a sequence "
                f"(list or tuple) with one number per argument of f. Pass ({given!r},) for a single argument."
            )
    primals, tangents = cast("Sequence[object]", primals), cast("Sequence[object]", tangents)
    if len(primals) != len(tangents):
        raise ValueError(
            f"{function}() got {len(primals)} primals and {len(tangents)} tangents; "
            f"pass one tangent (the direction) per primal."
        )
    if not primals:
        raise ValueError(f"{function}() got no primals; pass the point, one number per argument of f.")
    check_points(function, "primals", primals, "a real number or a Value")
    points: list[Value | float] = []
    seeds: list[float] = []
    for position, (x, t) in enumerate(zip(primals, tangents)):
        if not is_real(t):
            raise TypeError(
                f"{function}() got tangents[{position}] = {t!r} of type {type(t).__name__}; "
                f"expected a real number (a tangent is a direction, not a Value)."
            )
        if not math.isfinite(t):
            raise ValueError(f"{function}() got tangents[{position}] = {t!r}; a tangent must be finite.")
        points.append(x if isinstance(x, Value) else float(cast("float", x)))  # check_points: a real number
        seeds.append(float(t))
    names = _parameter_names(f, len(points))
    leaves = [x if isinstance(x, Value) else Value(x, label=name) for x, name in zip(points, names)]
    return leaves, seeds


def _parameter_names(f: object, count: int) -> list[str]:
    # Leaves are named after f's parameters, so the narration reads "ẋ" rather than "ẋ0".
    import inspect

    try:
        parameters = [
            p.name
            for p in inspect.signature(f).parameters.values()  # type: ignore[arg-type]
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):  # builtins and some callables have no signature
        parameters = []
    return [parameters[i] if i < len(parameters) else f"x{i}" for i in range(count)]


def _names(order: list[Value], leaves: list[Value], precision: int) -> dict[Value, str]:
    # The drawings' names (label, constant's number, else v<k>), so a narration,
    # trace_backward and draw() of the same graph call every node the same.
    from autograd.see.render import node_names  # standard library only; loaded on first narration

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
