"""Walking the graph: topological order, backward, ``grad`` and ``zero_grad``.

Everything here is iterative, so a chain a million nodes deep needs no
recursion limit. Order always comes from creation serials (a node's inputs
exist before it): ``topological_order`` gives every node, for the renderer and
``grad``; backward orders only the nodes with inputs (leaves just receive) and
shares that set-up with ``backward_steps``, which the backprop tracer records.

The chain rule is written once, in ``_sweep``, for every mode: reverse
(``backward``, ``backward_steps``, ``grad``, micrograd's ``_backward`` via
``chain_step``) and forward (``jvp`` via ``sweep_forward``). It is
parameterised by the direction, where the derivatives are kept (``.grad`` or a
dict) and where the local derivatives come from (the floats stored at forward
time, or the rule re-run on Values for ``create_graph`` and nested ``jvp``);
one product rule, ``_times``, multiplies on every path. Untraced, for floats in
``.grad`` (``backward()``, every training step), it runs a measured tight loop
of the same arithmetic.

A leaf's ``.data`` changed after the graph was recorded: every path takes the
derivatives at the recorded point, the one the graph's values belong to.
``backward``, ``grad`` and ``jvp`` on floats read the local derivatives stored
at forward time; ``grad(create_graph=True)`` and ``jvp`` on Values re-run the
rules on the inputs' current ``.data`` (``rerun``) and, at a node where that no
longer gives the recorded value and local derivatives, use the recorded numbers,
in nodes that raise ``GraphChangedError`` naming the input if anything
differentiates through them (their own derivatives belong to a point no longer
in the graph). So every path gives the same first derivatives, and none gives
a derivative at a point nobody recorded. Raising on every path instead would
need each leaf's recorded ``.data``: a store per operand in every op and a
check per edge in ``backward``, paid by every training step for a mistake
(differentiating a graph again after an optimizer step) that a recorded-point
answer already makes harmless; create_graph cannot avoid the question, so it
answers with the recorded numbers and raises only where it would have to invent one.

Threads: ``backward()`` takes a lock, so concurrent calls on a shared graph
give the leaves the same gradients as the calls made one after another, and
``grad()`` only reads the graph. Not thread-safe: ``backward_steps`` and the
tracers (step through a graph no other thread is differentiating),
``zero_grad`` or an optimizer step while another thread runs ``backward`` on
the same parameters, and changing ``.data`` of a shared Value.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import attrgetter
from typing import Literal, Protocol, cast, overload

from autograd.engine.errors import AnomalyError, GraphChangedError
from autograd.engine.ops import FLOAT_MATH, Math, Op
from autograd.engine.recording import RECORDING, enable_grad
from autograd.engine.value import NOT_RECORDED, VALUE_MATH, Value, _describe, is_real

_by_creation = attrgetter("serial")


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each listed after all of its inputs; ``root`` last.

    A node's inputs always exist before it, so sorting the reachable nodes by
    creation (``serial``) is a topological order: no recursion, no post-order
    bookkeeping, and the same graph always gives the same order.

    Example:
        >>> x = Value(2.0, label="x")
        >>> y = (x * x).exp()
        >>> [node.op or node.label for node in topological_order(y)]
        ['x', '*', 'exp']
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order() got {root!r} of type {type(root).__name__}; expected a Value.")
    seen = {root}
    found = [root]
    visit, keep = seen.add, found.append
    # `found` is also the work list: the loop walks the nodes appended behind it.
    for node in found:
        for child in node.inputs:
            if child not in seen:
                visit(child)
                keep(child)
    found.sort(key=_by_creation)
    return found


# One lock for every backward(): concurrent calls on one shared graph would
# otherwise interleave their resets and sums of the intermediate gradients.
_backward_lock = threading.Lock()


def backward(root: Value, gradient: float = 1.0) -> None:
    """Set ``node.grad`` = gradient · ∂root/∂node on every node of the graph (leaves accumulate).

    Intermediate nodes restart from zero on every call, so calling it twice adds
    exactly the same amount to the leaves again (micrograd compounds instead).
    Calls from several threads are serialised by a lock, so concurrent calls
    on one shared graph add up to what the same calls made one after another give.

    Example:
        >>> x = Value(3.0, label="x")
        >>> y = x * x
        >>> backward(y); x.grad          # ∂(x²)/∂x = 2x
        6.0
        >>> backward(y); x.grad, y.grad  # the leaf accumulates; y restarts
        (12.0, 1.0)
    """
    with _backward_lock:
        newest_first = _start_backward(root, "backward", gradient)
        check = RECORDING.get().detect_anomaly
        # Untraced, the sweep yields once, at the end (a yield per node would cost a training step ~10%).
        for _ in _sweep(newest_first, _ON_NODES, stored, check, traced=check):
            pass


Contributions = tuple[tuple[Value, float, float, float, float], ...]
"""Per input of a step, in operand order: ``(input, local_grad, contribution, grad_before, grad_after)``."""

Terms = tuple[tuple[Value, "Value | float", "Value | float", "Value | float", "Value | float"], ...]
"""A sweep step's terms: ``Contributions`` as floats or Values (forward mode: the input's tangent third)."""


def backward_steps(root: Value) -> Iterator[tuple[Value, float, Contributions]]:
    """The backward pass of ``backward(root)``, one node at a time, for tracers to record.

    Calling it resets and seeds the gradients exactly as ``backward`` does; each
    ``next()`` then passes one node's gradient to its inputs (newest node first)
    and yields ``(node, upstream, contributions)``. Under ``detect_anomaly()`` a
    non-finite gradient raises ``AnomalyError``, as in ``backward``. Unlike
    ``backward`` it takes no lock: step through a graph no other thread is
    differentiating.

    Example:
        >>> x = Value(3.0, label="x")
        >>> [(node.op, upstream, contributions[0][1:]) for node, upstream, contributions in backward_steps(x * 2)]
        [('*', 1.0, (2.0, 2.0, 0.0, 2.0))]
    """
    newest_first = _start_backward(root, "backward_steps")
    # Floats throughout: stored local derivatives, gradients in .grad.
    steps = _sweep(newest_first, _ON_NODES, stored, check=RECORDING.get().detect_anomaly)
    return cast("Iterator[tuple[Value, float, Contributions]]", steps)


def _start_backward(root: Value, function: str, gradient: float = 1.0) -> list[Value]:
    """Reset the nodes with inputs to 0, seed ``root`` with ``gradient``, and return them newest first."""
    if not isinstance(root, Value):
        raise TypeError(f"{function}() got {root!r} of type {type(root).__name__}; expected a Value.")
    if type(gradient) is not float:
        if not is_real(gradient):
            raise TypeError(
                f"{function}() got gradient={gradient!r} of type {type(gradient).__name__}; "
                f"expected a real number, the seed ∂L/∂output (1.0 by default)."
            )
        gradient = float(gradient)
    if getattr(root, "_local0", None) is NOT_RECORDED:  # a leaf has no _local0 at all
        raise RuntimeError(
            f"{function}() got {_described(root)} computed under no_grad(), which kept none of its inputs; "
            f"compute it outside no_grad() (or inside enable_grad()) to differentiate it."
        )
    # Only nodes with inputs pass gradients on, so only they need ordering;
    # leaves just receive. Each is reset to zero as it is found. `newest_first`
    # is also the work list: the loop walks the nodes appended behind it.
    seen = {root}
    newest_first = [root]
    visit, keep = seen.add, newest_first.append
    for node in newest_first:
        # The operand slots, read directly (see Value's layout): `node.inputs` would build a tuple per node.
        first, second = node._input0, node._input1
        if first is None:
            continue  # a leaf root
        children: tuple[Value, ...] = (
            first if type(first) is tuple else (first,) if second is None else (first, second)  # type: ignore[assignment]
        )
        for child in children:
            if child._input0 is not None and child not in seen:
                child.grad = 0.0
                visit(child)
                keep(child)
    root.grad = gradient if root.inputs else root.grad + gradient
    newest_first.sort(key=_by_creation, reverse=True)
    if not root.inputs:
        newest_first.clear()  # a leaf root passes nothing on
    return newest_first


# --- the one reverse sweep, and what it is parameterised by -------------------------

Scalar = Value | float


class _Gradients(Protocol):
    """Where a sweep keeps gradients: ``.grad`` on the nodes, or a dict of its own."""

    def upstream(self, node: Value) -> Scalar | None: ...
    def add(self, node: Value, contribution: Scalar) -> tuple[Scalar, Scalar]: ...


class _OnNodes:
    """Gradients in ``node.grad``, as ``backward`` leaves them."""

    @staticmethod
    def upstream(node: Value) -> float:
        return node.grad

    @staticmethod
    def add(node: Value, contribution: Scalar) -> tuple[Scalar, Scalar]:
        before = node.grad
        node.grad = after = before + contribution  # type: ignore[assignment]  # floats on this path
        return before, after


class InDict:
    """Derivatives in a dict, so no ``.grad`` is touched (``grad``, ``jvp``); floats or Values.

    Example:
        >>> x = Value(1.0)
        >>> InDict({x: 1.0}).upstream(x)
        1.0
    """

    def __init__(self, seeds: dict[Value, Scalar]) -> None:
        self.grads: dict[Value, Scalar] = seeds

    def upstream(self, node: Value) -> Scalar | None:
        """The derivative carried at ``node`` so far, None before any."""
        return self.grads.get(node)

    def add(self, node: Value, contribution: Scalar) -> tuple[Scalar, Scalar]:
        """Add ``contribution`` to ``node``'s derivative; return it before and after."""
        before = self.grads.get(node)
        # A Value added to nothing, or to an exact float 0, is kept as it is: 0.0 + a Value would add a node.
        if before is None or (isinstance(contribution, Value) and isinstance(before, float) and before == 0.0):
            after = contribution
        elif isinstance(before, Value) and isinstance(contribution, float) and contribution == 0.0:
            after = before
        else:
            after = before + contribution
        self.grads[node] = after
        return (0.0 if before is None else before), after


_ON_NODES = _OnNodes()


def stored(node: Value) -> tuple[Scalar, ...]:
    """The local derivatives the forward pass stored, as floats."""
    return node.local_grads


def rerun(node: Value) -> tuple[Scalar, ...]:
    """The local derivatives as Values: the op's rule re-run on ``VALUE_MATH``, so they are differentiable.

    Derivatives are taken at the recorded point on every path (see "A leaf's
    ``.data`` changed" in the module docstring). When the rule re-run on the
    inputs' current ``.data`` no longer gives the node's recorded value and
    local derivatives, an input changed after recording: each local derivative
    is then the recorded number, held in a node that raises
    ``GraphChangedError`` naming the input if anything differentiates through it.

    Example:
        >>> x = Value(2.0, label="x")
        >>> y = x * x
        >>> rerun(y) == (x, x)  # ∂(x·x)/∂x is x, once per operand
        True
        >>> x.data = 5.0
        >>> [g.data for g in rerun(y)]  # the recorded local derivatives, at x = 2
        [2.0, 2.0]
    """
    op = node.operation
    if op is None:
        return ()
    _, local_grads = op.rule(VALUE_MATH, *node.inputs, *node.constants)
    # Changed inputs are seen on floats, the way the node was recorded: a rule whose
    # Value form disagrees with its float form must show up as the wrong number it gives.
    now, current = op.rule(FLOAT_MATH, *[x.data for x in node.inputs], *node.constants)
    recorded = node.local_grads
    if _same(now, node.data) and all(map(_same, current, recorded)):
        return cast("tuple[Scalar, ...]", local_grads)
    message = _changed_message(node, now, current)
    # A float the rule gives at both points is a constant there (relu's 1.0): it stays as it is.
    return tuple(
        g if isinstance(g, float) and _same(g, r) else _at_recorded_point(node, r, message)
        for g, r in zip(local_grads, recorded)
    )


def _same(a: float, b: float) -> bool:
    return a == b or (a != a and b != b)  # equal, or both nan


class _Unknown(float):
    """A local derivative of a recorded-point derivative: unknown (nan), and multiplying by it raises.

    The fast reverse loop multiplies every stored local derivative; this float
    raises there, at no cost to any other node.
    """

    message: str

    def __new__(cls, message: str) -> _Unknown:
        unknown = super().__new__(cls, math.nan)
        unknown.message = message
        return unknown

    def __mul__(self, other: object) -> float:
        raise GraphChangedError(self.message)

    __rmul__ = __mul__


def _at_recorded_point(node: Value, local_grad: float, message: str) -> Value:
    """A node holding ``local_grad`` recorded at ``node``, on ``node``'s inputs, that cannot be differentiated."""

    def rule(m: Math, *operands_and_recorded: float) -> tuple[float, tuple[float, ...]]:
        if m is not FLOAT_MATH:  # re-run to differentiate it again (create_graph, nested jvp, batched)
            raise GraphChangedError(message)
        unknown = _Unknown(message)
        return operands_and_recorded[-1], (unknown,) * (len(operands_and_recorded) - 1)

    recorded = Op(
        name="recorded", symbol="recorded", display="recorded", rule=rule, operands=("*xs",),
        constant_names=("local_grad",),
    )  # fmt: skip
    return cast("Value", recorded(*node.inputs, local_grad))


def _changed_message(node: Value, now: float, current: Sequence[float]) -> str:
    leaves = [x for x in node.inputs if not x.inputs] or list(node.inputs)
    named = ", ".join(dict.fromkeys(_describe(x) for x in leaves))
    which = "its input" if len(set(leaves)) == 1 else "one of its inputs"
    if _same(now, node.data):
        changed = f"had local derivatives {list(node.local_grads)!r} but its op now gives {list(current)!r}"
    else:
        changed = f"was recorded as {node.data!r} but its op now gives {now!r}"
    return (
        f"{_describe(node)} {changed}: the .data of {which} ({named}) changed after the graph was recorded. "
        f"Its derivatives at the recorded point are known only as numbers (backward, grad and "
        f"grad(create_graph=True) use them), so they cannot be differentiated again. Recompute the output "
        f"from the current values before differentiating again."
    )


def _sweep(
    order: Iterable[Value],
    carried: _Gradients,
    local_grads_of: Callable[[Value], tuple[Scalar, ...]],
    check: bool = False,
    *,
    forward: bool = False,
    traced: bool = True,
) -> Iterator[tuple[Value, Scalar, Terms]]:
    """The chain rule, once: a derivative crosses each edge multiplied by the edge's local derivative.

    Reverse mode (``order`` newest first) pushes each node's gradient to its
    inputs, ∂out/∂input += ∂node/∂input · ∂out/∂node; forward mode
    (``forward=True``, oldest first) pulls each node's tangent from its inputs,
    ṅode += ∂node/∂input · inpuṫ. ``carried`` says where the derivatives live
    (``.grad`` or a dict), ``local_grads_of`` where the local derivatives come
    from (stored floats, or the rule re-run on Values to differentiate again).
    Each node's step is yielded for tracers: ``(node, its derivative, terms)``.
    A node with no derivative (the output does not depend on it, or in forward
    mode it does not depend on a primal) passes nothing; in forward mode a node
    that already has a tangent (a primal) keeps it, and an exact float 0
    tangent adds 0, so jvp along eᵢ is exactly ∂f/∂xᵢ.

    ``traced=False`` (``backward``) yields nothing: with floats in ``.grad`` from
    the stored local derivatives, the loop below is the same chain rule with the
    bookkeeping left out, the hot path of every training step (measured on the
    W2 graph: the general loop is 1.4-1.8x slower).
    """
    if not traced and carried is _ON_NODES and local_grads_of is stored:
        # It reads the operand slots directly (see Value's layout): building each
        # node's `inputs` tuple would cost more than the multiply-adds; floats
        # multiply as _times says (IEEE), so the numbers are the general loop's.
        for node in order:
            node_grad = node.grad
            second = node._input1
            if second is not None:
                node._input0.grad += node._local0 * node_grad  # type: ignore[union-attr, operator]
                second.grad += node._local1 * node_grad
                continue
            first = node._input0
            if type(first) is tuple:
                for child, local in zip(first, node._local0):  # type: ignore[arg-type]
                    child.grad += local * node_grad
            else:
                first.grad += node._local0 * node_grad  # type: ignore[union-attr, operator]
        return
    for node in order:
        terms: list[tuple[Value, Scalar, Scalar, Scalar, Scalar]] = []
        if forward:
            if carried.upstream(node) is not None or not node.inputs:
                continue
            for child, local_grad in zip(node.inputs, local_grads_of(node)):
                tangent = carried.upstream(child)
                if tangent is None:
                    continue
                # An exact float 0 tangent adds nothing, even times an inf or nan local derivative.
                zero = isinstance(tangent, float) and tangent == 0.0
                before, after = carried.add(node, 0.0 if zero else _times(local_grad, tangent))
                terms.append((child, local_grad, tangent, before, after))
            if terms:
                yield node, cast("Scalar", carried.upstream(node)), tuple(terms)
            continue
        upstream = carried.upstream(node)
        if upstream is None:
            continue
        for child, local_grad in zip(node.inputs, local_grads_of(node)):
            contribution = _times(local_grad, upstream)
            before, after = carried.add(child, contribution)
            if check and not math.isfinite(after):  # floats when checked
                raise AnomalyError(_anomaly_message(node, child, local_grad, upstream))  # type: ignore[arg-type]
            terms.append((child, local_grad, contribution, before, after))
        yield node, upstream, tuple(terms)


def chain_step(node: Value) -> None:
    """One step of the reverse sweep at ``node``: each input's ``.grad`` += local derivative × ``node.grad``.

    What micrograd's ``_backward()`` does, through the same ``_sweep`` as ``backward``.

    Example:
        >>> x, w = Value(2.0), Value(-3.0)
        >>> y = x * w
        >>> y.grad = 1.0
        >>> chain_step(y)
        >>> x.grad, w.grad
        (-3.0, 2.0)
    """
    for _ in _sweep((node,), _ON_NODES, stored):
        pass


def sweep_forward(
    order: Iterable[Value], carried: InDict, local_grads_of: Callable[[Value], tuple[Scalar, ...]]
) -> Iterator[tuple[Value, Scalar, Terms]]:
    """Forward mode's walk of ``_sweep``: oldest node first, each tangent pulled from its inputs'.

    Each step is ``(node, tangent, terms)`` with one term ``(input, local_grad,
    input_tangent, before, after)`` per input that carries a tangent, ``before``
    and ``after`` the node's tangent around adding this input's share.

    Example:
        >>> x = Value(3.0)
        >>> y = x * x
        >>> steps = sweep_forward([x, y], InDict({x: 1.0}), stored)
        >>> [(node.op, tangent, [t[1:] for t in terms]) for node, tangent, terms in steps]
        [('*', 6.0, [(3.0, 1.0, 0.0, 3.0), (3.0, 1.0, 3.0, 6.0)])]
    """
    return _sweep(order, carried, local_grads_of, forward=True)


def _times(local_grad: Scalar, upstream: Scalar) -> Scalar:
    # One rule on every path: the product IEEE gives, so 0 × inf is nan on the
    # float path and the Values path alike. Between a Value and an exact float
    # 0 or 1 the product is folded (so a Hessian's graph holds only real terms)
    # where that gives the same number: 0 × u is the float 0.0 for a finite u.
    if isinstance(local_grad, float):
        if isinstance(upstream, float):
            return local_grad * upstream
        if local_grad == 0.0 and math.isfinite(upstream.data):
            return 0.0
        if local_grad == 1.0:
            return upstream
    elif isinstance(upstream, float) and upstream == 0.0 and math.isfinite(local_grad.data):
        return 0.0
    if isinstance(upstream, float) and upstream == 1.0:
        return local_grad
    return local_grad * upstream


def _described(node: Value) -> str:
    return f"node {node.label!r}" if node.label else f"an unlabeled Value (data={node.data!r})"


def _anomaly_message(node: Value, child: Value, local_grad: float, upstream: float) -> str:
    op = node.operation.name if node.operation else "?"
    where = f"node {node.label!r}" if node.label else f"a {op!r} node"
    operands = ", ".join(f"{x.label or 'unlabeled'!r} = {x.data!r}" for x in node.inputs)
    return (
        f"backward through {op}() at {where} made the gradient of {child.label or 'an unlabeled input'!r} "
        f"{child.grad!r} (local derivative {local_grad!r} × upstream {upstream!r}); operands {operands}."
    )


def zero_grad(root: Value) -> None:
    """Set ``.grad`` to 0.0 on every node of ``root``'s graph.

    Example:
        >>> x = Value(3.0)
        >>> y = x * x; y.backward()
        >>> zero_grad(y); x.grad, y.grad
        (0.0, 0.0)
    """
    for node in topological_order(root):
        node.grad = 0.0


@overload
def grad(output: Value, inputs: Sequence[Value], create_graph: Literal[False] = False) -> tuple[float, ...]: ...
@overload
def grad(output: Value, inputs: Sequence[Value], create_graph: Literal[True]) -> tuple[Value, ...]: ...
def grad(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> tuple[float, ...] | tuple[Value, ...]:
    """∂output/∂x for each x in ``inputs``, without touching any ``.grad``.

    With ``create_graph=True`` the derivatives are Values built from the op
    rules' own expressions, so they can be differentiated again (Hessians);
    that graph is recorded even inside ``no_grad()``, as in PyTorch. ``grad``
    only reads the graph, so threads may call it on a shared graph at once.

    Args:
        output: the Value to differentiate.
        inputs: the Values to differentiate with respect to (one Value is taken as ``[value]``).
        create_graph: return differentiable Values instead of floats.

    Returns:
        One derivative per input (0.0 for an input ``output`` does not depend on).

    Raises:
        TypeError: ``output`` or an input is not a Value, or ``inputs`` is not a list of them.

    Example:
        >>> from autograd import Value, grad
        >>> x = Value(3.0)
        >>> y = x ** 3
        >>> (dy,) = grad(y, [x], create_graph=True)
        >>> dy.data, grad(dy, [x])[0]
        (27.0, 18.0)
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad() got output {output!r} of type {type(output).__name__}; expected a Value.")
    if isinstance(inputs, Value):
        inputs = [inputs]
    elif not isinstance(inputs, Iterable) or isinstance(inputs, (str, bytes)):
        raise TypeError(
            f"grad() got inputs={inputs!r} of type {type(inputs).__name__}; "
            f"expected a list of Values, e.g. grad(y, [x, w])."
        )
    # A list first: validating a generator would consume it, leaving nothing to differentiate.
    inputs = list(inputs)
    for position, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(
                f"grad() got inputs[{position}] = {x!r} of type {type(x).__name__}; expected a Value."
            )
    newest_first = topological_order(output)[::-1]
    gradients = InDict({output: 1.0})
    if create_graph:
        with enable_grad():  # the derivatives' graph is the point, even inside no_grad()
            for _ in _sweep(newest_first, gradients, rerun):
                pass
        return tuple(_as_value(gradients.grads.get(x, 0.0)) for x in inputs)
    for _ in _sweep(newest_first, gradients, stored):
        pass
    return tuple(gradients.grads.get(x, 0.0) for x in inputs)  # type: ignore[return-value]  # floats here


def _as_value(x: Value | float) -> Value:
    return x if isinstance(x, Value) else Value(x)


def check_points(function: str, argument: str, points: Sequence[object], expected: str) -> None:
    """Check a point to differentiate at: each entry a real number or a Value, no Value twice.

    Shared by ``gradcheck`` and ``jvp``, so both name the argument, the position and
    the fix the same way.

    Raises:
        TypeError: an entry that is neither a real number nor a Value.
        ValueError: the same Value at two positions (it would be nudged twice).

    Example:
        >>> x = Value(1.0)
        >>> check_points("gradcheck", "inputs", [x, 2.0], "a float or a Value")
        >>> check_points("gradcheck", "inputs", [x, x], "a float or a Value")
        Traceback (most recent call last):
        ValueError: gradcheck() got the same Value at inputs[0] and inputs[1]; pass each input once.
    """
    seen: dict[int, int] = {}
    for position, x in enumerate(points):
        if isinstance(x, Value):
            if id(x) in seen:
                raise ValueError(
                    f"{function}() got the same Value at {argument}[{seen[id(x)]}] and {argument}[{position}]; "
                    "pass each input once."
                )
            seen[id(x)] = position
        elif not is_real(x):
            raise TypeError(
                f"{function}() got {argument}[{position}] = {x!r} of type {type(x).__name__}; expected {expected}."
            )


def parameter_names(f: object) -> list[str]:
    """The names of ``f``'s positional parameters, ``[]`` when it has no signature (builtins).

    Shared by ``gradcheck`` and ``jvp``, which name a point's entries after them.

    Example:
        >>> parameter_names(lambda x, y: x * y), parameter_names(max)
        (['x', 'y'], [])
    """
    import inspect

    try:
        return [
            p.name
            for p in inspect.signature(f).parameters.values()  # type: ignore[arg-type]
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):  # builtins and some callables have no signature
        return []
