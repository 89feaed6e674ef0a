"""Walking the graph: topological order, backward, ``grad`` and ``zero_grad``.

Everything here is iterative, so a chain a million nodes deep needs no
recursion limit. Order always comes from creation serials (a node's inputs
exist before it): ``topological_order`` gives every node, for the renderer and
``grad``; backward orders only the nodes with inputs (leaves just receive) and
shares that set-up with ``backward_steps``, which the backprop tracer records.

The chain rule is written once, in ``_sweep``, parameterised by where the
gradients are kept (``.grad`` or a dict) and where the local derivatives come
from (the floats stored at forward time, or the rule re-run on Values for
``create_graph``). ``backward()`` has one measured fast path of the same
arithmetic for floats in ``.grad``.

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
from typing import Literal, Protocol, overload

from autograd.engine.errors import AnomalyError
from autograd.engine.recording import RECORDING, enable_grad
from autograd.engine.value import VALUE_MATH, Value

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


def backward(root: Value) -> None:
    """Set ``node.grad`` = ∂root/∂node on every node of the graph (leaves accumulate).

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
        newest_first = _start_backward(root, "backward")
        if RECORDING.get().detect_anomaly:
            for _ in _sweep(newest_first, _ON_NODES, _stored, check=True):
                pass
            return
        # The hot path of every training step: _sweep's chain rule for floats kept
        # in .grad, without recording anything (measured on the W2 graph: looping
        # over the general sweep is 1.4-1.8x slower). It reads the operand slots
        # directly (see Value's layout): building each node's `inputs` tuple would
        # cost more than the multiply-adds.
        for node in newest_first:
            upstream = node.grad
            second = node._input1
            if second is not None:
                node._input0.grad += node._local0 * upstream  # type: ignore[union-attr, operator]
                second.grad += node._local1 * upstream
                continue
            first = node._input0
            if type(first) is tuple:
                for child, local_grad in zip(first, node._local0):  # type: ignore[arg-type]
                    child.grad += local_grad * upstream
            else:
                first.grad += node._local0 * upstream  # type: ignore[union-attr, operator]


Contributions = tuple[tuple[Value, float, float, float, float], ...]
"""Per input of a step, in operand order: ``(input, local_grad, contribution, grad_before, grad_after)``."""


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
    return _sweep(newest_first, _ON_NODES, _stored, check=RECORDING.get().detect_anomaly)


def _start_backward(root: Value, function: str) -> list[Value]:
    """Reset the nodes with inputs to 0, seed ``root`` with 1, and return them newest first."""
    if not isinstance(root, Value):
        raise TypeError(f"{function}() got {root!r} of type {type(root).__name__}; expected a Value.")
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
    root.grad = 1.0 if root.inputs else root.grad + 1.0
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


class _InDict:
    """Gradients in a dict, so no ``.grad`` is touched (``grad``); floats or Values."""

    def __init__(self, output: Value) -> None:
        self.grads: dict[Value, Scalar] = {output: 1.0}

    def upstream(self, node: Value) -> Scalar | None:
        return self.grads.get(node)

    def add(self, node: Value, contribution: Scalar) -> tuple[Scalar, Scalar]:
        before = self.grads.get(node)
        # The first contribution is kept as it is: 0.0 + a Value would add a node.
        after = contribution if before is None else before + contribution
        self.grads[node] = after
        return (0.0 if before is None else before), after


_ON_NODES = _OnNodes()


def _stored(node: Value) -> tuple[Scalar, ...]:
    """The local derivatives the forward pass stored, as floats."""
    return node.local_grads


def _rerun(node: Value) -> tuple[Scalar, ...]:
    """The local derivatives as Values: the op's rule re-run on ``VALUE_MATH``, so they are differentiable."""
    if node.operation is None:
        return ()
    return node.operation.rule(VALUE_MATH, *node.inputs, *node.constants)[1]


def _sweep(
    newest_first: Iterable[Value],
    gradients: _Gradients,
    local_grads_of: Callable[[Value], tuple[Scalar, ...]],
    check: bool = False,
) -> Iterator[tuple[Value, float, Contributions]]:
    """The chain rule, once: pass each node's gradient to its inputs, newest node first.

    ``gradients`` says where gradients live, ``local_grads_of`` where the local
    derivatives come from; each step is yielded for tracers. A node with no
    gradient (every path to it was an exact zero, skipped on the Values path) passes nothing.
    """
    for node in newest_first:
        upstream = gradients.upstream(node)
        if upstream is None:
            continue
        contributions = []
        for child, local_grad in zip(node.inputs, local_grads_of(node)):
            contribution = _times(local_grad, upstream)
            if contribution is None:
                continue
            before, after = gradients.add(child, contribution)
            if check and not math.isfinite(after):  # floats when checked
                raise AnomalyError(_anomaly_message(node, child, local_grad, upstream))  # type: ignore[arg-type]
            contributions.append((child, local_grad, contribution, before, after))
        yield node, upstream, tuple(contributions)  # type: ignore[arg-type, misc]  # floats on traced paths


def _times(local_grad: Scalar, upstream: Scalar) -> Scalar | None:
    # Floats multiply as IEEE says (0 × inf is nan). Between Values, exact zeros
    # and ones are skipped so a Hessian's graph holds only real terms.
    if isinstance(local_grad, float):
        if isinstance(upstream, float):
            return local_grad * upstream
        if local_grad == 0.0:
            return None
        if local_grad == 1.0:
            return upstream
    if isinstance(upstream, float) and upstream == 1.0:
        return local_grad
    return local_grad * upstream


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
    gradients = _InDict(output)
    if create_graph:
        with enable_grad():  # the derivatives' graph is the point, even inside no_grad()
            for _ in _sweep(newest_first, gradients, _rerun):
                pass
        return tuple(_as_value(gradients.grads.get(x, 0.0)) for x in inputs)
    for _ in _sweep(newest_first, gradients, _stored):
        pass
    return tuple(gradients.grads.get(x, 0.0) for x in inputs)  # type: ignore[return-value]  # floats here


def _as_value(x: Value | float) -> Value:
    return x if isinstance(x, Value) else Value(x)
