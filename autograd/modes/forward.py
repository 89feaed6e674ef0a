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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast, overload

from autograd.engine.graph import InDict, check_points, parameter_names, rerun, stored, sweep_forward, topological_order
from autograd.engine.recording import enable_grad
from autograd.engine.value import Value, is_real

Function = Callable[..., "Value | float"]


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
    _, _, _, value, tangent = _forward(f, primals, tangents, "jvp")
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


Term = tuple[Value, float, float]
"""One operand's share of a node's tangent: ``(operand, ∂node/∂operand, the operand's tangent)``."""


@dataclass(frozen=True)
class ForwardPass:
    """What one forward-mode pass computed, kept for a narration (``autograd.see.tangents`` tells it).

    Attributes:
        leaves: the primals as Values (numbers became leaves named after f's parameters).
        seeds: their tangents.
        order: the graph in creation order (empty for a constant function).
        steps: per node that depends on a primal, in creation order: ``(node, tangent, terms)``.
        value: f at the primals.
        tangent: the directional derivative.
    """

    leaves: list[Value]
    seeds: list[float]
    order: list[Value]
    steps: list[tuple[Value, float, tuple[Term, ...]]]
    value: float
    tangent: float


def forward_pass(
    f: Function, primals: Sequence[float | Value], tangents: Sequence[float], function: str = "trace_jvp"
) -> ForwardPass:
    """The pass of ``jvp`` on floats, every node's tangent and terms kept; ``function`` names the caller in errors.

    Example:
        >>> run = forward_pass(lambda x: x * x, [3.0], [1.0])
        >>> [(node.op, tangent, [t[1:] for t in terms]) for node, tangent, terms in run.steps]
        [('*', 6.0, [(3.0, 1.0), (3.0, 1.0)])]
    """
    found: list[tuple[Value, float, tuple[Term, ...]]] = []
    leaves, seeds, order, value, tangent = _forward(f, primals, tangents, function, steps=found)
    return ForwardPass(leaves, seeds, order, found, cast("float", value), cast("float", tangent))


def _forward(
    f: Function,
    primals: Sequence[float | Value],
    tangents: Sequence[float],
    function: str,
    *,
    steps: list[tuple[Value, float, tuple[Term, ...]]] | None = None,
) -> tuple[list[Value], list[float], list[Value], Value | float, Value | float]:
    """The forward pass of ``jvp`` and ``forward_pass``: leaves, seeds, order, value, tangent; ``steps`` kept if given.

    With a Value among the primals (and no steps kept) the value and tangent are
    Values, so a jvp can be differentiated again (``grad`` of it, or a jvp of it).
    """
    leaves, seeds = _validate(f, primals, tangents, function)
    nested = steps is None and any(isinstance(x, Value) for x in primals)
    # Record the graph even inside no_grad(): forward mode needs the local derivatives.
    with enable_grad():
        out = f(*leaves)
    if not isinstance(out, Value):
        if is_real(out):  # a constant function: no input reaches the output
            value, zero = (Value(float(out)), Value(0.0)) if nested else (float(out), 0.0)
            return leaves, seeds, [], value, zero
        raise TypeError(
            f"{function}() got f returning {out!r} of type {type(out).__name__}; "
            f"f must return a Value (build it from its arguments with Value operations)."
        )
    seeded: dict[Value, Value | float] = dict(zip(leaves, seeds))
    carried = InDict(seeded)
    order = topological_order(out)
    # Creation order is a topological order: every operand's tangent is known before its node's.
    # With Value primals the local derivatives are the rules re-run on Values, so the
    # tangent is a Value that grad and jvp can differentiate again.
    with enable_grad():
        for node, tangent, terms in sweep_forward(order, carried, rerun if nested else stored):
            if steps is not None:
                # Floats: steps are kept only without nesting (stored local derivatives, float seeds).
                told = tuple((child, cast("float", local), cast("float", t)) for child, local, t, _, _ in terms)
                steps.append((node, cast("float", tangent), told))
    found = carried.upstream(out)
    if nested:
        return leaves, seeds, order, out, found if isinstance(found, Value) else Value(0.0 if found is None else found)
    return leaves, seeds, order, out.data, 0.0 if found is None else cast("float", found)


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
    parameters = parameter_names(f)
    return [parameters[i] if i < len(parameters) else f"x{i}" for i in range(count)]
