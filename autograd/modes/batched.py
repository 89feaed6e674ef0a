"""Replay one example's graph over a whole batch: each scalar node becomes a vector over the examples.

A network's graph has the same shape for every example; only the numbers
differ. ``record`` builds the ordinary scalar ``Value`` graph for ONE example,
once. ``Tape.run`` then evaluates every node of it for all examples of a batch
at once with NumPy (node ``k`` holds one number per example), and
``Run.backward`` applies the chain rule over the same vectors, leaving in each
parameter's ``.grad`` the gradient summed over the batch (or, from
``Run.per_example_grads``, one gradient per example). The chain rule is the
scalar engine's own ``graph._sweep``: only where gradients live (rows over the
batch) and where local derivatives come from (the rules run on NumPy) differ.

The op rules are the very rules of ``autograd/engine/ops.py``: NumPy is one more math
namespace (``NUMPY_MATH``). Rules branch on ``m.real(x)`` (relu: ``if x > 0``);
over a vector some examples take one branch and some the other, so the rule is
run once per branch that any example takes and the answers are merged
example by example (the branches become ``np.where``). No rule is rewritten.

Speed comes from grouping: nodes of one topological level and one op become a
single array operation, and a neuron's weighted sum Σ wᵢ·xᵢ + b whose inputs
are shared by its whole layer becomes one matrix product. ``Tape`` compiles
on first use, in named steps (``Tape._compile``).

A batch is held to the scalar engine's rules (``Value()`` refuses None,
strings, bools, dates and complex numbers; so does ``run``, naming the row
and column), and a batch whose arrays would not fit in memory is refused
before anything is allocated, naming its size.

A graph recorded on one example is right for every example only if the code
that built it took the same branches for all; code that reads a number while
it is recorded (``float(v)``) is seen (``Tape.depends_on_data``) so that
callers such as ``nn.fit`` can check every example. A comparison (``x > 0``)
or ``x.detach()`` made while recording is a node of a zero-derivative op
(``ops.DATA_LEAVES``), not a constant leaf, so every example computes its own
(see ``recording``).

Everything stays inspectable: ``Run.example(i)`` rebuilds example i's ordinary
scalar graph with the same numbers, for ``draw``, ``trace_backward`` and
``gradcheck``.

NumPy is optional (``pip install 'glassgrad[batched]'``); ``import autograd``
never imports it.

Example:
    >>> from autograd import Parameter
    >>> from autograd.modes import batched
    >>> w = Parameter(3.0, label="w")
    >>> tape = batched.record(lambda x: (w * x[0]).relu(), [w], [1.0])
    >>> run = tape.run([[1.0], [-2.0], [0.5]])
    >>> run.outputs[:, 0].tolist()
    [3.0, 0.0, 1.5]
    >>> run.backward(); w.grad  # Σ over the batch of ∂relu(w·x)/∂w = 1 + 0 + 0.5
    1.5
"""

from __future__ import annotations

import functools
import importlib
import itertools
import math
import numbers
import operator
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from autograd.engine.errors import AnomalyError, AutogradError, DomainError
from autograd.engine.graph import _sweep as graph_sweep  # the one chain rule, shared with the scalar engine
from autograd.engine.graph import topological_order
from autograd.engine.ops import (
    ABOVE_MINUS_ONE,
    AWAY_FROM_POLES,
    CUSTOM_OPS,
    DATA_LEAVES,
    MODERATE,
    NONNEGATIVE,
    NONZERO,
    OPS,
    POSITIVE,
    REALS,
    UNIT_INTERVAL,
    Domain,
    Op,
)
from autograd.engine.recording import NUMBER_READS, RECORDING, enable_grad
from autograd.engine.value import NOT_RECORDED, Value, _apply
from autograd.engine.value import sum as value_sum

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Array = NDArray[np.float64]
    Mask = NDArray[np.bool_]
    Index = NDArray[np.intp]

INSTALL_HINT = "pip install 'glassgrad[batched]'   (or: pip install numpy)"


_data = operator.attrgetter("data")


class BatchedError(AutogradError, ValueError):
    """The batched engine cannot replay this graph (its shape depends on the data, an unknown op, ...)."""


class BatchTypeError(BatchedError, TypeError):
    """A batch holds something ``Value()`` would refuse: None, a string, a bool, a date, a complex number."""


class BatchTooLargeError(BatchedError, MemoryError):
    """A batch whose arrays would not fit in memory; a smaller ``batch_size`` would."""


def numpy() -> Any:
    """Import NumPy, or say exactly what to install.

    Raises:
        ImportError: NumPy is not installed, with the command that installs it.

    Example:
        >>> numpy().__name__
        'numpy'
    """
    global _NUMPY  # looked up on every array operation: import once
    if _NUMPY is None:
        try:
            _NUMPY = importlib.import_module("numpy")
        except ImportError:
            raise ImportError(f"autograd.modes.batched needs NumPy, which is not installed: {INSTALL_HINT}") from None
    return _NUMPY


_NUMPY: Any = None


# --- the NumPy math namespace ---------------------------------------------------


class NumpyMath:
    """``Math`` on NumPy arrays (one number per example), with IEEE overflow and stable sigmoid/softplus.

    ``real`` is what makes branching rules work on vectors: it returns a
    ``Branch`` probe, whose comparisons pick a branch for the rule to follow
    (see ``apply_rule``).

    Example:
        >>> import numpy as np
        >>> NUMPY_MATH.sigmoid(np.array([-800.0, 0.0, 800.0])).tolist()
        [0.0, 0.5, 1.0]
    """

    def __init__(self) -> None:
        self._explorer: _Explorer | None = None

    def real(self, x: Any) -> Any:  # noqa: D102
        if self._explorer is None:
            raise BatchedError("NumpyMath.real() is only available while apply_rule() runs a rule.")
        return _Branch(self._explorer, x)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        # A function a new rule calls that NumPy has under the same name (tan, sinh, log1p, ...)
        # works at once; anything else fails with the op's name (apply_rule adds it).
        custom = CUSTOM_OPS.get(name)
        if custom is not None and custom.numpy_function is not None:
            return custom.numpy_function  # a user op's own array form (autograd.op(..., numpy=...))
        np = numpy()
        function = getattr(np, _NUMPY_NAMES.get(name, name), None)
        if not callable(function) or name.startswith("_"):
            raise AttributeError(f"the batched engine's math namespace has no function {name!r}")
        return function  # type: ignore[no-any-return]

    @staticmethod
    def exp(x: Any) -> Any:  # noqa: D102
        return numpy().exp(x)

    @staticmethod
    def log(x: Any) -> Any:  # noqa: D102
        return numpy().log(x)

    @staticmethod
    def tanh(x: Any) -> Any:  # noqa: D102
        return numpy().tanh(x)

    @staticmethod
    def sqrt(x: Any) -> Any:  # noqa: D102
        return numpy().sqrt(x)

    @staticmethod
    def sin(x: Any) -> Any:  # noqa: D102
        return numpy().sin(x)

    @staticmethod
    def cos(x: Any) -> Any:  # noqa: D102
        return numpy().cos(x)

    @staticmethod
    def sigmoid(x: Any) -> Any:  # noqa: D102
        np = numpy()
        e = np.exp(-np.abs(x))  # exp of −|x| never overflows
        return np.where(np.asarray(x) >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))

    @staticmethod
    def softplus(x: Any) -> Any:  # noqa: D102
        np = numpy()
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))

    @staticmethod
    def logaddexp(x: Any, y: Any) -> Any:  # noqa: D102
        # Not np.logaddexp: this is the float function's formula (so both engines agree), and faster.
        np = numpy()
        d = np.asarray(x) - y
        return _logaddexp_value(x, y, d, np.exp(-np.abs(d)))

    @staticmethod
    def power(x: Any, exponent: Any) -> Any:  # noqa: D102
        return numpy().power(x, exponent)

    @staticmethod
    def total(xs: Sequence[Any]) -> Any:  # noqa: D102
        # Left to right, as the float path's sum() adds.
        result = xs[0]
        for x in xs[1:]:
            result = result + x
        return result


# Math names whose NumPy function is spelled differently.
_NUMPY_NAMES = {"atan": "arctan", "asin": "arcsin", "acos": "arccos", "atanh": "arctanh", "asinh": "arcsinh"}

NUMPY_MATH = NumpyMath()


class _Explorer:
    """Chooses the branch a rule takes at each ``m.real(x)`` comparison, one path per call.

    ``mask`` marks the examples that follow the path taken so far (None: all of them).
    """

    def __init__(self, forced: tuple[bool, ...], shape: tuple[int, ...]) -> None:
        self.forced = forced
        self.shape = shape
        self.taken: list[bool] = []
        self.mask: Mask | None = None
        self.pending: list[tuple[bool, ...]] = []

    def decide(self, condition: Any) -> bool:
        np = numpy()
        condition = np.broadcast_to(condition, self.shape)
        mask = self.mask
        yes = condition if mask is None else mask & condition
        step = len(self.taken)
        if step < len(self.forced):
            choice = self.forced[step]
        else:
            choice = bool(yes.any())
            # The other branch is explored later, but only if some example takes it.
            if choice and not (yes.all() if mask is None else (yes == mask).all()):
                self.pending.append((*self.taken, False))
        self.taken.append(choice)
        if choice:
            self.mask = yes
        else:
            self.mask = ~condition if mask is None else mask & ~condition
        return choice


class _Branch:
    """What ``NUMPY_MATH.real(x)`` returns: comparisons choose a branch; anything else is refused."""

    __slots__ = ("array", "explorer")

    def __init__(self, explorer: _Explorer, array: Any) -> None:
        self.explorer = explorer
        self.array = array

    @staticmethod
    def _plain(other: object) -> Any:
        return other.array if isinstance(other, _Branch) else other

    def __gt__(self, other: object) -> bool:
        return self.explorer.decide(self.array > self._plain(other))

    def __ge__(self, other: object) -> bool:
        return self.explorer.decide(self.array >= self._plain(other))

    def __lt__(self, other: object) -> bool:
        return self.explorer.decide(self.array < self._plain(other))

    def __le__(self, other: object) -> bool:
        return self.explorer.decide(self.array <= self._plain(other))

    def __eq__(self, other: object) -> bool:
        return self.explorer.decide(self.array == self._plain(other))

    def __ne__(self, other: object) -> bool:
        return self.explorer.decide(self.array != self._plain(other))

    __hash__ = None  # type: ignore[assignment]

    # A rule may compare |x| rather than x (asin, acos, atan pick their stable form by |x|).
    def __abs__(self) -> _Branch:
        return _Branch(self.explorer, abs(self.array))

    def __neg__(self) -> _Branch:
        return _Branch(self.explorer, -self.array)

    def __bool__(self) -> bool:
        raise BatchedError("a rule used m.real(x) as a truth value; the batched engine supports comparisons only.")

    def __float__(self) -> float:
        raise BatchedError("a rule used m.real(x) as a number; the batched engine supports comparisons only.")


def apply_rule(op: Op, inputs: Sequence[Any], constants: Sequence[float]) -> tuple[Any, tuple[Any, ...]]:
    """Run ``op``'s rule on arrays: the value and local derivatives for every example at once.

    A rule that branches on ``m.real(x)`` runs once per branch some example
    takes (e.g. twice for relu when some inputs are positive and some not),
    and each example gets the answers of its own branch.

    Args:
        op: an entry of the op table.
        inputs: one array per operand, all of the same shape.
        constants: the op's constants (the 3 of ``x**3``).

    Returns:
        ``(value, local_grads)`` as arrays (or plain numbers, for the same answer everywhere).

    Raises:
        BatchedError: the rule calls a function the NumPy namespace lacks, naming the op.

    Example:
        >>> import numpy as np
        >>> from autograd import OPS
        >>> value, (slope,) = apply_rule(OPS["relu"], [np.array([-1.0, 2.0])], ())
        >>> value.tolist(), slope.tolist()
        ([0.0, 2.0], [0.0, 1.0])
    """
    with numpy().errstate(all="ignore"):  # IEEE results (inf, nan), as the float rules give
        return _run_rule(op, inputs, constants)


def _run_rule(op: Op, inputs: Sequence[Any], constants: Sequence[float]) -> tuple[Any, tuple[Any, ...]]:
    """``apply_rule`` for callers already inside ``np.errstate(all="ignore")`` (a run enters it once)."""
    vector_rule = VECTOR_RULES.get(op.name)
    if vector_rule is not None and vector_rule[0] is op.rule:
        return vector_rule[1](*inputs, *constants)
    branch_free = (op.rule, tuple(constants))
    if branch_free in _BRANCH_FREE:
        try:
            value, local_grads = op.rule(NUMPY_MATH, *inputs, *constants)
            return value, tuple(local_grads)
        except BatchedError:  # it branched after all (on a constant's value, say): explore its paths
            _BRANCH_FREE.discard(branch_free)
    np = numpy()
    shape = np.shape(inputs[0]) if inputs else ()
    paths: list[tuple[Mask, Any, tuple[Any, ...]]] = []
    waiting: list[tuple[bool, ...]] = [()]
    while waiting:
        explorer = _Explorer(waiting.pop(), shape)
        NUMPY_MATH._explorer = explorer
        try:
            value, local_grads = op.rule(NUMPY_MATH, *inputs, *constants)
        except AttributeError as error:
            raise BatchedError(
                f"the batched engine cannot run op {op.name!r} yet: its rule needs {error}. "
                "Use the scalar engine for this graph, or add the function to autograd.modes.batched.NumpyMath."
            ) from None
        finally:
            NUMPY_MATH._explorer = None
        paths.append((explorer.mask, value, tuple(local_grads)))  # type: ignore[arg-type]
        waiting.extend(explorer.pending)
    if len(paths) == 1 and not explorer.taken:
        _BRANCH_FREE.add(branch_free)  # never asked m.real(x): next time, no explorer
    if len(paths) == 1:
        return paths[0][1], paths[0][2]
    # Merge the branches example by example (the masks partition the examples).
    n_grads = len(paths[0][2])
    merged_value = np.empty(shape)
    merged_grads = [np.empty(shape) for _ in range(n_grads)]
    for mask, value, local_grads in paths:
        np.copyto(merged_value, value, where=mask)
        for merged, local in zip(merged_grads, local_grads):
            np.copyto(merged, local, where=mask)
    return merged_value, tuple(merged_grads)


# (rule, constants) pairs whose rule ran without asking m.real(x) once: they run straight (add, mul, exp, ...).
_BRANCH_FREE: set[tuple[Callable[..., Any], tuple[float, ...]]] = set()


def _relu(x: Array) -> tuple[Array, tuple[Array]]:
    np = numpy()
    # maximum keeps nan and turns −0.0 into 0.0; sign(value) is then 1, 0, or nan: the rule's slope.
    value = np.maximum(x, 0.0)
    return value, (np.sign(value),)


def _leaky_relu(x: Array, slope_below: float) -> tuple[Array, tuple[Array]]:
    np = numpy()
    slope = np.where(x > 0.0, 1.0, np.where(x <= 0.0, slope_below, np.nan))
    return np.where(x > 0.0, x, slope_below * x), (slope,)


def _logaddexp(x: Array, y: Array) -> tuple[Array, tuple[Array, Array]]:
    np = numpy()
    # The rule's value and its σ(x − y), σ(y − x) as NUMPY_MATH computes them, all
    # from one e^−|x − y|: 14 array operations instead of 26 (np.logaddexp itself
    # costs as much as the rest together).
    d = x - y
    e = np.exp(-np.abs(d))
    one, other, above = 1.0 / (1.0 + e), e / (1.0 + e), d >= 0.0
    return _logaddexp_value(x, y, d, e), (np.where(above, one, other), np.where(above, other, one))


def _logaddexp_value(x: Array, y: Array, d: Array, e: Array) -> Array:
    # max(x, y) + log1p(e^−|x − y|), as the float function computes it. With ±inf on
    # both sides x − y is nan, and x + y the answer (nan stays nan).
    np = numpy()
    value: Array = np.where(d != d, x + y, np.maximum(x, y) + np.log1p(e))
    return value


# Fast forms of rules, for speed: of those that run on every hidden layer (the generic
# branch merging runs a rule once per branch), and of logaddexp, which cross-entropy
# runs several times per example. Each is used only while the op table
# still holds the rule it was checked against (tests compare both forms), so a
# changed rule falls back to the generic path instead of silently disagreeing.
VECTOR_RULES: dict[str, tuple[Callable[..., Any], Callable[..., tuple[Any, tuple[Any, ...]]]]] = {
    "relu": (OPS["relu"].rule, _relu),
    "leaky_relu": (OPS["leaky_relu"].rule, _leaky_relu),
    "logaddexp": (OPS["logaddexp"].rule, _logaddexp),
}


# Domains the engine checks with one array comparison (nan passes, as in the float checks);
# any other domain is checked number by number.
_OUTSIDE: dict[int, Callable[[Any], Any]] = {
    id(POSITIVE): lambda x: x <= 0.0,
    id(NONNEGATIVE): lambda x: x < 0.0,
    id(NONZERO): lambda x: x == 0.0,
    id(ABOVE_MINUS_ONE): lambda x: x <= -1.0,
    id(UNIT_INTERVAL): lambda x: (x < -1.0) | (x > 1.0),
}
_EVERYWHERE = {id(REALS), id(MODERATE), id(AWAY_FROM_POLES)}  # "any real": their bounds only guide tests


def _outside(domain: Domain, x: Array) -> Mask:
    np = numpy()
    if id(domain) in _EVERYWHERE:
        nowhere: Mask = np.zeros(np.shape(x), dtype=bool)
        return nowhere
    outside = _OUTSIDE.get(id(domain))
    if outside is not None:
        return outside(x)  # type: ignore[no-any-return]
    contains = np.frompyfunc(domain.contains, 1, 1)
    refused: Mask = ~contains(x).astype(bool)
    return refused


# The ops of leaves made from data (comparisons, detach): replayed per example, but no gradient flows through them.
_NO_GRADIENT = frozenset(DATA_LEAVES.values())


# --- recording ------------------------------------------------------------------

_Step = Any  # a _Group or a _Linear (defined below); graph._sweep walks them as nodes

# graph._sweep is written (and typed) for Values; the replay hands it steps, rows and arrays,
# which it only passes back to the callbacks below (and multiplies: arrays and _TransposedWeights do).
_shared_sweep: Callable[..., Iterator[object]] = graph_sweep


@dataclass(frozen=True)
class _Group:
    """Nodes of one level and one op, computed by one array operation.

    ``rows`` are the output rows; ``operands[k]`` the rows of operand k (one per node).
    """

    op: Op
    constants: tuple[float, ...]
    rows: slice
    operands: tuple[Index | slice, ...]
    scatters: tuple[_Scatter, ...]
    needs_grad: tuple[bool, ...]
    inputs: tuple[_Scatter, ...]  # the operands a gradient flows back to, as graph._sweep walks them
    nodes: tuple[Value, ...]  # the recorded nodes, one per row: which outputs they feed (Tape._counted)


@dataclass(frozen=True)
class _Linear:
    """A layer's weighted sums Σⱼ wᵢⱼ·xⱼ + rest as one matrix product (the products are never stored).

    ``weights`` are parameter indices (one row per sum), ``shared`` the rows of the
    shared xⱼ, ``rest`` the rows of the other summands per sum, and ``biases``
    the parameter indices of summands that are parameters (the bias). ``inputs``
    are where a gradient flows back to, in the order ``local_grads`` gives their
    local derivatives: the xⱼ (if needed), the weights, the other summands (if
    needed), the biases.
    """

    rows: slice
    weights: Index
    shared: Index | slice
    rest: tuple[Index | slice, ...]
    biases: tuple[Index, ...]
    input_scatter: _Scatter
    rest_scatters: tuple[_Scatter, ...]
    inputs_need_grad: bool
    rest_need_grad: tuple[bool, ...]
    inputs: tuple[_Scatter | _Weights | _Biases, ...]
    nodes: tuple[Value, ...]  # the recorded Σ nodes, one per row (Tape._counted)

    def local_grads(self, parameters: Array, values: Array, per_example: bool) -> tuple[object, ...]:
        """The local derivatives toward ``inputs``, to multiply by the upstream gradient."""
        xs = values[self.shared]
        locals_: list[object] = [_TransposedWeights(parameters[self.weights])] if self.inputs_need_grad else []
        locals_.append(_Inputs(xs, per_example))
        locals_ += [1.0] * sum(self.rest_need_grad)
        locals_ += [_Ones(per_example)] * len(self.biases)
        return tuple(locals_)


class _Scatter:
    """Adds per-node contributions into rows that may repeat (a value used by many nodes).

    As a child in ``graph._sweep``: the operand rows a step's gradient flows back to.
    """

    def __init__(self, rows: Index) -> None:
        np = numpy()
        self.rows = _contiguous(rows)
        self.unique = len(np.unique(rows)) == len(rows)
        if not self.unique:
            self.order = np.argsort(rows, kind="stable")
            ordered = rows[self.order]
            self.starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
            self.targets = ordered[self.starts]

    def add(self, into: Array, contributions: Array) -> None:
        if self.unique:
            into[self.rows] += contributions
        else:
            np = numpy()
            into[self.targets] += np.add.reduceat(contributions[self.order], self.starts, axis=0)

    def accumulate(self, gradients: _OnRows, contribution: Array) -> None:
        self.add(gradients.grads, contribution)


class _Weights:
    """A matrix product's weights as a child in ``graph._sweep``: their gradients go to the parameters' sums."""

    def __init__(self, indices: Index) -> None:
        np = numpy()
        self.indices = indices
        self.unique = len(np.unique(indices)) == indices.size  # each weight in one sum (a layer)

    def accumulate(self, gradients: _OnRows, contribution: Array) -> None:
        if self.unique and not gradients.per_example:
            gradients.parameter_grads[self.indices] += contribution
        else:
            numpy().add.at(gradients.parameter_grads, self.indices, contribution)


class _Biases:
    """A summand that is a parameter in every sum of a matrix product (the bias), as a child in ``graph._sweep``."""

    def __init__(self, indices: Index) -> None:
        np = numpy()
        self.indices = indices
        self.unique = len(np.unique(indices)) == len(indices)  # one bias per sum (a layer)

    def accumulate(self, gradients: _OnRows, contribution: Array) -> None:
        if self.unique:
            gradients.parameter_grads[self.indices] += contribution
        else:
            numpy().add.at(gradients.parameter_grads, self.indices, contribution)


class _OnRows:
    """Where the replay keeps gradients for ``graph._sweep``: one row per node, one column per example.

    ``graph._sweep`` asks for a step's upstream gradient (its rows) and adds each
    contribution to a child; the parameters a matrix product reads directly
    accumulate in ``parameter_grads`` (summed over the batch, or per example).
    """

    def __init__(self, grads: Array, parameter_grads: Array, per_example: bool) -> None:
        self.grads = grads
        self.parameter_grads = parameter_grads
        self.per_example = per_example

    def upstream(self, step: _Step) -> Array:
        upstream: Array = self.grads[step.rows]
        return upstream

    def add(self, child: _Scatter | _Weights | _Biases, contribution: Array) -> tuple[float, float]:
        if type(child) is _Scatter:  # most children: one call less on the hot path
            child.add(self.grads, contribution)
        else:
            child.accumulate(self, contribution)
        return 0.0, 0.0  # before/after are for tracers of scalar graphs


# The local derivatives of a matrix product y = W·x + b, as graph._sweep multiplies them by the upstream ∂/∂y.
class _TransposedWeights:
    """∂y/∂x = W: the contribution to x is Wᵀ·upstream."""

    def __init__(self, weights: Array) -> None:
        self.weights = weights

    def __mul__(self, upstream: Array) -> Array:
        return self.weights.T @ upstream  # type: ignore[no-any-return]


class _Inputs:
    """∂y/∂W = x: the contribution to W is upstream·xᵀ (or, per example, their outer product)."""

    def __init__(self, xs: Array, per_example: bool) -> None:
        self.xs = xs
        self.per_example = per_example

    def __mul__(self, upstream: Array) -> Array:
        if self.per_example:
            return upstream[:, None, :] * self.xs[None, :, :]
        return upstream @ self.xs.T  # type: ignore[no-any-return]


class _Ones:
    """∂y/∂b = 1, summed over the examples (or kept per example) into the bias's gradient."""

    def __init__(self, per_example: bool) -> None:
        self.per_example = per_example

    def __mul__(self, upstream: Array) -> Array:
        return upstream if self.per_example else upstream.sum(axis=1)


def _contiguous(rows: Index) -> Index | slice:
    # Rows a, a+1, …, b read as a slice are a view: no copy on gather, in place on scatter.
    if len(rows) and int(rows[-1]) - int(rows[0]) == len(rows) - 1 and bool((rows[1:] > rows[:-1]).all()):
        return slice(int(rows[0]), int(rows[-1]) + 1)
    return rows


def _signature(
    outputs: Sequence[Value], parameter_index: Mapping[int, int], inputs: Sequence[Value], constant_values: bool = True
) -> list[object]:
    # The shape of a graph: each node's op, constants and where its inputs are; leaves by kind
    # (constant leaves with their values, unless those may differ per example). The parameters'
    # index comes from the tape (id -> position), not rebuilt here: a model has thousands.
    inputs_index = {id(x): i for i, x in enumerate(inputs)}
    order = _order(outputs)
    position = {id(node): i for i, node in enumerate(order)}
    shape: list[object] = []
    for node in order:
        if node.operation is None:
            key = id(node)
            if key in parameter_index:
                shape.append(("parameter", parameter_index[key]))
            elif key in inputs_index:
                shape.append(("input", inputs_index[key]))
            else:
                shape.append(("constant", node.data if constant_values else None))
        else:
            shape.append((node.operation.name, node.constants, tuple(position[id(x)] for x in node.inputs)))
    shape.append(tuple(position[id(y)] for y in outputs))
    return shape


def describe_nodes(nodes: Sequence[object]) -> str:
    """Up to three nodes by label (or op), for messages: ``'x1', a '*' node and 2 more``.

    Example:
        >>> describe_nodes([Value(1.0, label="x1"), Value(2.0) * 3])
        "'x1', a '*' node"
    """
    values = [x for x in nodes if isinstance(x, Value)]
    names = [repr(x.label) if x.label else f"a {x.op!r} node" if x.op else "an unlabeled leaf" for x in values[:3]]
    return ", ".join(names) + (f" and {len(values) - 3} more" if len(values) > 3 else "")


def _order(outputs: Sequence[Value]) -> list[Value]:
    if len(outputs) == 1:
        return topological_order(outputs[0])
    # One root joins the outputs, so one traversal finds every node; the root itself is left out.
    with enable_grad():  # inside no_grad() the root would be a lone leaf, joining nothing
        joined = value_sum(outputs)
    return [node for node in topological_order(joined) if node is not joined]


Function = Callable[[list[Value]], "Value | Sequence[Value]"]


def record(
    function: Function,
    parameters: Sequence[Value],
    example: Sequence[float],
    *,
    check_with: Sequence[float] | None = None,
    input_gradients: bool = False,
) -> Tape:
    """Record ``function`` on one example, ready to replay it over a batch.

    Args:
        function: takes one example as a list of input Values and returns a
            Value or a list of Values (the outputs), e.g. ``model`` itself.
        parameters: the leaves shared by every example (a model's
            ``parameters()``); their current ``.data`` is read on every run.
        example: the numbers of one example (their values only shape nothing).
        check_with: another example, recorded too: if its graph has another
            shape (the function branches on the data), a ``BatchedError`` says so.
        input_gradients: also carry gradients back to the inputs, for
            ``Run.input_gradients`` (a loss recorded on a model's outputs needs them).

    Returns:
        A ``Tape``: call ``run(batch)``.

    Raises:
        BatchedError: the graph's shape depends on the data, or the function
            returned something other than Values.

    Example:
        >>> from autograd import Parameter
        >>> w = Parameter(2.0)
        >>> tape = record(lambda x: w * x[0] + x[1], [w], [0.0, 0.0])
        >>> tape.run([[1.0, 1.0], [2.0, 0.0]]).outputs[:, 0].tolist()
        [3.0, 4.0]
    """
    numpy()  # fail first, with the install hint, when NumPy is missing
    inputs, outputs, reads = _call(function, example)
    tape = Tape(outputs, parameters, inputs, input_gradients=input_gradients)
    tape.reads = reads
    if check_with is not None:
        tape.check(function, check_with)
    return tape


@contextmanager
def recording() -> Iterator[list[object]]:
    """Build graphs as the batched engine records them, listing the nodes Python code reads as numbers.

    Inside, a comparison (``x > 0``) or ``x.detach()`` is a node of a
    zero-derivative op rather than a constant leaf, so a replay computes it
    for each example; ``float(v)`` and ``if v:`` add ``v`` to the list, since
    code that reads a number may build another graph for another example.
    ``record`` records inside it; use it to build more of a graph to replay
    (a loss on a recorded model's outputs).

    Yields:
        The list of the nodes read as numbers, filled as the block runs.

    Example:
        >>> x = Value(2.0)
        >>> with recording() as reads:
        ...     gate = x > 0
        ...     taken = bool(x)
        >>> gate.op, gate.inputs[0] is x, reads == [x]
        ('>', True, True)
    """
    reads: list[object] = []
    token = NUMBER_READS.set(reads)
    try:
        yield reads
    finally:
        NUMBER_READS.reset(token)


def _call(function: Function, example: Sequence[float]) -> tuple[list[Value], list[Value], list[Value]]:
    """Run ``function`` on one example's input Values: the inputs, the outputs and the nodes it read as numbers."""
    inputs = [Value(x, label=f"x{i + 1}") for i, x in enumerate(example)]
    # inside no_grad() the graph would be a lone leaf, replayed as a constant
    with recording() as reads, enable_grad():
        result = function(inputs)
    outputs = [result] if isinstance(result, Value) else list(result) if isinstance(result, Sequence) else [result]
    for output in outputs:
        if not isinstance(output, Value):
            raise BatchedError(
                f"record() got a function that returned {output!r} of type {type(output).__name__}; "
                "expected a Value or a list of Values."
            )
    return inputs, outputs, [x for x in reads if isinstance(x, Value)]


class Tape:
    """One example's graph, compiled into array operations over a batch (see ``record``).

    Attributes:
        outputs: the recorded output nodes.
        parameters: the shared leaves, in the order gradients are reported.
        inputs: the recorded input leaves, one per number of an example.
        constants: the other leaves; ``run(..., leaves=...)`` may give any of
            them a value per example (dropout masks).
        nodes: the recorded graph in topological order.

    Example:
        >>> from autograd import Parameter
        >>> w = Parameter(2.0)
        >>> tape = record(lambda x: w * x[0], [w], [1.0])
        >>> len(tape.nodes), len(tape.inputs), len(tape.parameters)
        (3, 1, 1)
    """

    def __init__(
        self,
        outputs: Sequence[Value],
        parameters: Sequence[Value],
        inputs: Sequence[Value],
        input_gradients: bool = False,
        fixed: Iterable[Value] = (),
    ) -> None:
        """Compile the graph of ``outputs``; ``fixed`` constants keep their value in every run (not ``leaves=``)."""
        numpy()
        self.input_gradients = input_gradients
        self.reads: list[Value] = []  # set by record(): the nodes the recorded code read as numbers
        self.outputs = list(outputs)
        self.parameters = list(parameters)
        self.inputs = list(inputs)
        self.nodes = _order(self.outputs)
        self._parameter_index = {id(p): i for i, p in enumerate(self.parameters)}
        input_ids = {id(x) for x in self.inputs}
        self.constants = [
            node for node in self.nodes
            if node.operation is None and id(node) not in self._parameter_index and id(node) not in input_ids
        ]
        made_under_no_grad = [c for c in self.constants if getattr(c, "_local0", None) is NOT_RECORDED]
        if made_under_no_grad:
            first = made_under_no_grad[0]
            where = f" in scope {'/'.join(first.scope)!r}" if first.scope else ""
            raise BatchedError(
                f"the batched engine got a graph with {len(made_under_no_grad)} value(s) computed under no_grad() "
                f"(the first: {first.data!r}{where}); no_grad() keeps no inputs, so a replay would give every "
                "example the recorded example's number. To stop a gradient, use x.detach() (replayed for each "
                "example); or use the scalar engine."
            )
        self._fixed = {id(c) for c in fixed}
        self._spare_grads: dict[tuple[int, ...], Array] = {}
        self._bytes_per_example: int | None = None
        self._shape: list[object] | None = None  # the recorded graph's signature, for check()
        self._compiled = False  # compiled on first use: recording alone (to check a graph's shape) stays cheap

    # What _compile() sets; the first read of any of them compiles the tape.
    _COMPILED = frozenset({
        "_aliases", "_linear_of", "_grad_needed", "_steps", "_rows", "_output_rows", "_output_rows_unique", "n_rows",
        "_input_rows", "_constant_rows", "_constant_values", "_row_parameters", "_parameter_rows",
    })
    _aliases: dict[int, Value]
    _linear_of: dict[int, tuple[list[Value], list[Value], list[Value]]]
    _grad_needed: set[int]
    _steps: list[_Group | _Linear]
    _rows: dict[int, int]
    _output_rows: Index
    _output_rows_unique: bool
    n_rows: int
    _input_rows: Index
    _constant_rows: Index
    _constant_values: Array
    _row_parameters: Index
    _parameter_rows: Index
    _reach: dict[int, set[int]]  # which outputs each node feeds, for run(counted=...): set on first need

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes not set yet: compile once, then they are ordinary attributes.
        if name in Tape._COMPILED and not self.__dict__.get("_compiled", True):
            self._compiled = True
            self._compile()
            return getattr(self, name)
        raise AttributeError(f"'Tape' object has no attribute {name!r}")

    def _compile(self) -> None:
        """The compiler, step by step: each step reads the graph and what the steps before it found."""
        self._aliases = self._find_identities(self._fixed)
        self._linear_of, folded = self._find_linear_sums()
        buckets = self._bucket_by_level_and_op(folded)
        rows = self._place_leaves(buckets)
        self._grad_needed = self._find_grad_paths()
        self._steps = [self._compile_bucket(key, members, rows) for key, members in sorted(
            buckets.items(), key=lambda item: item[0][0])]  # type: ignore[arg-type, return-value]
        for alias, source in self._aliases.items():
            rows[alias] = rows[id(self._source(source))]
        self._rows = rows
        self._output_rows = self._rows_of(self.outputs)
        self._output_rows_unique = len(set(self._output_rows.tolist())) == len(self.outputs)
        self.n_rows = len(set(rows.values()))

    # --- the compiler's steps -------------------------------------------------------

    def _find_identities(self, fixed: set[int]) -> dict[int, Value]:
        """Nodes that pass one input through unchanged: a Σ of one term, a product with a fixed constant 1.

        They get no row and no array operation: the loss of one example, (1/1)·Σ[L], is L.
        """
        aliases: dict[int, Value] = {}
        for node in self.nodes:
            operation = node.operation
            if operation is None:
                continue
            if operation.name == "sum" and len(node.inputs) == 1:
                aliases[id(node)] = node.inputs[0]
            elif operation.name == "mul":
                left, right = node.inputs
                for constant, other in ((left, right), (right, left)):
                    if id(constant) in fixed and constant.data == 1.0 and not constant.inputs:
                        aliases[id(node)] = other
                        break
        return aliases

    def _source(self, node: Value) -> Value:
        """The node whose row holds ``node``'s values (itself, unless it passes another through)."""
        while id(node) in self._aliases:
            node = self._aliases[id(node)]
        return node

    def _rows_of(self, nodes: Iterable[Value]) -> Index:
        np = numpy()
        return np.array([self._rows[id(self._source(x))] for x in nodes], dtype=np.intp)  # type: ignore[no-any-return]

    def _find_linear_sums(self) -> tuple[dict[int, tuple[list[Value], list[Value], list[Value]]], set[int]]:
        """Σ nodes whose leading terms are products parameter × x, each used by nothing else: rows of a matrix product.

        Returns, per such Σ, ``(weights, xs, rest)``, and the ids of the products folded away.
        """
        parameter_index = self._parameter_index
        uses: dict[int, int] = {}
        for node in self.nodes:
            for x in node.inputs:
                uses[id(x)] = uses.get(id(x), 0) + 1
        for y in self.outputs:
            uses[id(y)] = uses.get(id(y), 0) + 1
        linear: dict[int, tuple[list[Value], list[Value], list[Value]]] = {}
        folded: set[int] = set()
        for node in self.nodes:
            if node.operation is None or node.operation.name != "sum" or id(node) in self._aliases:
                continue
            weights: list[Value] = []
            xs: list[Value] = []
            for term in node.inputs:
                operation = term.operation
                if operation is None or operation.name != "mul" or uses[id(term)] != 1 or id(term) in folded:
                    break
                if id(term) in self._aliases:
                    break
                left, right = term.inputs
                if id(left) in parameter_index:
                    weights.append(left)
                    xs.append(self._source(right))
                elif id(right) in parameter_index:
                    weights.append(right)
                    xs.append(self._source(left))
                else:
                    break
            if len(weights) < 2:
                continue
            linear[id(node)] = (weights, xs, [self._source(x) for x in node.inputs[len(weights):]])
            folded.update(id(term) for term in node.inputs[: len(weights)])
        return linear, folded

    def _bucket_by_level_and_op(self, folded: set[int]) -> dict[tuple[object, ...], list[Value]]:
        """Nodes of one level (longest path from a leaf) and one op (or one shared xs, for a matrix product)."""
        level: dict[int, int] = {}
        buckets: dict[tuple[object, ...], list[Value]] = {}
        for node in self.nodes:
            if node.operation is None:
                level[id(node)] = 0
                continue
            if id(node) in folded or id(node) in self._aliases:
                continue
            linear = self._linear_of.get(id(node))
            operands = [*linear[1], *linear[2]] if linear else [self._source(x) for x in node.inputs]
            level[id(node)] = 1 + max(level[id(x)] for x in operands)
            if linear:
                key: tuple[object, ...] = (level[id(node)], "linear", tuple(id(x) for x in linear[1]), len(linear[2]))
            else:
                key = (level[id(node)], node.operation.name, node.constants, len(node.inputs))
            buckets.setdefault(key, []).append(node)
        return buckets

    def _is_bias(self, summand: list[Value]) -> bool:
        return all(id(x) in self._parameter_index for x in summand)

    def _summands(self, members: list[Value]) -> list[list[Value]]:
        """Per position after the products, that summand of every sum of a matrix product."""
        count = len(self._linear_of[id(members[0])][2])
        return [[self._linear_of[id(n)][2][k] for n in members] for k in range(count)]

    def _place_leaves(self, buckets: Mapping[tuple[object, ...], list[Value]]) -> dict[int, int]:
        """Rows for the inputs, the constants and the parameters some array operation reads as rows.

        A matrix product reads its weights and biases from the parameter vector: they need no row.
        """
        np = numpy()
        read: list[Value] = [self._source(y) for y in self.outputs]
        for key, members in buckets.items():
            if key[1] == "linear":
                read += self._linear_of[id(members[0])][1]
                read += [x for summand in self._summands(members) if not self._is_bias(summand) for x in summand]
            else:
                read += [self._source(x) for n in members for x in n.inputs]
        parameter_index = self._parameter_index
        row_parameters = sorted({parameter_index[id(x)] for x in read if id(x) in parameter_index})
        rows: dict[int, int] = {}
        # Every input keeps a row, used or not (the batch gives them all).
        for node in [*self.inputs, *self.constants, *(self.parameters[i] for i in row_parameters)]:
            rows.setdefault(id(node), len(rows))
        self._input_rows = np.array([rows[id(x)] for x in self.inputs], dtype=np.intp)
        self._constant_rows = np.array([rows[id(c)] for c in self.constants], dtype=np.intp)
        self._constant_values = np.array([c.data for c in self.constants], dtype=float)
        self._row_parameters = np.array(row_parameters, dtype=np.intp)
        self._parameter_rows = np.array([rows[id(self.parameters[i])] for i in row_parameters], dtype=np.intp)
        return rows

    def _find_grad_paths(self) -> set[int]:
        """The nodes a parameter's (or, with ``input_gradients``, an input's) gradient flows through."""
        needed = {id(p) for p in self.parameters}
        if self.input_gradients:
            needed.update(id(x) for x in self.inputs)
        for node in self.nodes:
            # A comparison or a detach is a leaf in the scalar engine: no gradient flows back through it.
            if node.operation not in _NO_GRADIENT and any(id(x) in needed for x in node.inputs):
                needed.add(id(node))
        return needed

    def _compile_bucket(self, key: tuple[object, ...], members: list[Value], rows: dict[int, int]) -> _Group | _Linear:
        """One bucket as one array operation; its nodes get consecutive rows."""
        start = len(rows)
        for node in members:
            rows[id(node)] = len(rows)
        span = slice(start, len(rows))
        if key[1] == "linear":
            return self._compile_linear(members, span, rows)
        np = numpy()
        first = members[0]
        assert first.operation is not None  # buckets hold computed nodes
        operands = [
            np.array([rows[id(self._source(n.inputs[k]))] for n in members], dtype=np.intp)
            for k in range(len(first.inputs))
        ]
        scatters = tuple(_Scatter(o) for o in operands)
        needs_grad = tuple(
            first.operation not in _NO_GRADIENT and any(id(n.inputs[k]) in self._grad_needed for n in members)
            for k in range(len(operands))
        )
        return _Group(
            op=first.operation,
            constants=first.constants,
            rows=span,
            operands=tuple(_contiguous(o) for o in operands),
            scatters=scatters,
            needs_grad=needs_grad,
            inputs=tuple(scatter for scatter, need in zip(scatters, needs_grad) if need),
            nodes=tuple(members),
        )

    def _compile_linear(self, members: list[Value], span: slice, rows: dict[int, int]) -> _Linear:
        np = numpy()
        index = self._parameter_index
        firsts = [self._linear_of[id(n)] for n in members]
        weights = np.array([[index[id(w)] for w in f[0]] for f in firsts], dtype=np.intp)
        shared = np.array([rows[id(x)] for x in firsts[0][1]], dtype=np.intp)
        # A summand that is a parameter in every sum (the bias) is read from the parameters directly.
        summands = self._summands(members)
        biases = [s for s in summands if self._is_bias(s)]
        others = [s for s in summands if not self._is_bias(s)]
        rest_rows = [np.array([rows[id(x)] for x in s], dtype=np.intp) for s in others]
        needed = self._grad_needed
        input_scatter = _Scatter(shared)
        rest_scatters = tuple(_Scatter(r) for r in rest_rows)
        inputs_need_grad = any(id(x) in needed for x in firsts[0][1])
        rest_need_grad = tuple(any(id(x) in needed for x in s) for s in others)
        bias_indices = tuple(np.array([index[id(x)] for x in s], dtype=np.intp) for s in biases)
        return _Linear(
            rows=span,
            weights=weights,
            shared=_contiguous(shared),
            rest=tuple(_contiguous(r) for r in rest_rows),
            biases=bias_indices,
            input_scatter=input_scatter,
            rest_scatters=rest_scatters,
            inputs_need_grad=inputs_need_grad,
            rest_need_grad=rest_need_grad,
            inputs=(
                *([input_scatter] if inputs_need_grad else []),
                _Weights(weights),
                *(scatter for scatter, need in zip(rest_scatters, rest_need_grad) if need),
                *(_Biases(b) for b in bias_indices),
            ),
            nodes=tuple(members),
        )

    def check(self, function: Function, example: Sequence[float], index: int | None = None) -> None:
        """Record ``function`` on another example and refuse it if that graph has another shape.

        Args:
            function: the function recorded on this tape.
            example: another example's numbers.
            index: where ``example`` is in the caller's data, to name it in the error.

        Raises:
            BatchedError: the shapes differ: the function branches on the data.

        Example:
            >>> from autograd import Parameter
            >>> w = Parameter(1.0)
            >>> def f(x):
            ...     return w * x[0] if float(x[0]) > 0 else w + x[0]
            >>> record(f, [w], [1.0], check_with=[-1.0])
            Traceback (most recent call last):
            ...
            autograd.modes.batched.BatchedError: record() got a function whose graph for example [-1.0] differs ...
        """
        inputs, outputs, _ = _call(function, example)
        if self._shape is None:  # the recorded graph's, once: a model that reads its inputs is checked on every example
            self._shape = _signature(self.outputs, self._parameter_index, self.inputs)
        if self._shape != _signature(outputs, self._parameter_index, inputs):
            first = [x.data for x in self.inputs]
            which = f"example {index} = {list(example)!r}" if index is not None else f"example {list(example)!r}"
            read = f" (it read {describe_nodes(self.reads)} as a number)" if self.reads else ""
            raise BatchedError(
                f"record() got a function whose graph for {which} differs from the graph for {first!r}{read}; the "
                "batched engine replays one graph for every example, so its shape must not depend on the data "
                "(no `if` on a value, no data-dependent constants). Use the scalar engine."
            )

    @property
    def depends_on_data(self) -> bool:
        """True when the recorded code turned a node into a number (``float(v)``): it may branch on the data.

        Such a graph is checked on every example (``BatchedModel.check``); reading ``v.data``
        cannot be seen, so only the example given as ``check_with`` guards it.

        Example:
            >>> from autograd import Parameter
            >>> w = Parameter(1.0)
            >>> record(lambda x: w * x[0], [w], [1.0]).depends_on_data
            False
            >>> record(lambda x: w * x[0] if float(x[0]) > 0 else w, [w], [1.0]).depends_on_data
            True
        """
        return bool(self.reads)

    def run(
        self,
        batch: Sequence[Sequence[float | Value]] | NDArray[Any],
        leaves: Mapping[Value, Any] | None = None,
        *,
        checked: bool = False,
        parameters: NDArray[Any] | None = None,
        counted: Sequence[Mask | None] | None = None,
    ) -> Run:
        """Evaluate every node for every example of ``batch`` at once.

        Args:
            batch: one example per row (a list of lists, or an (n, inputs) array).
            leaves: values for constant leaves that differ per example (e.g. dropout
                masks): ``{leaf: array of n numbers}``.
            checked: the caller has already refused what ``Value()`` refuses in
                every row (``fit`` does, up front), so the rows are converted
                without looking at each number again.
            parameters: the parameters' values as one float array in
                ``self.parameters`` order, read instead of each ``.data`` (a
                training loop that keeps its weights as an array between steps).
            counted: per output, the examples whose value of it will be used (None:
                all). An operand outside its op's domain in an example that no used
                output depends on is no error: the scalar engine would never compute
                it (a loss head of another example's target). Its value and local
                derivatives are set to 0, so nothing of it reaches a used number.

        Returns:
            A ``Run`` holding every node's values.

        Raises:
            BatchedError: the batch is empty, a row has the wrong length (naming the row), or
                ``parameters`` is not one value per parameter.
            BatchTypeError: a number ``Value()`` would refuse (None, a string, a bool, a date, a
                complex number), naming its row and column.
            BatchTooLargeError: the batch's arrays would not fit in the memory available.
            DomainError: an op got an operand outside its domain, naming the example.
            AnomalyError: under ``detect_anomaly()``, a value became inf or nan: the scalar
                engine's message for the first example's first such node, naming the example.

        Example:
            >>> from autograd import Parameter
            >>> w = Parameter(2.0)
            >>> record(lambda x: (w * x[0]).log(), [w], [1.0]).run([[-1.0]])
            Traceback (most recent call last):
            ...
            autograd.engine.errors.DomainError: log() got -2.0 for example 0 (batched run); log needs x > 0.
            >>> import numpy
            >>> record(lambda x: w * x[0], [w], [1.0]).run([[3.0]], parameters=numpy.array([5.0])).outputs.tolist()
            [[15.0]]
        """
        np = numpy()
        data = _as_batch(batch, len(self.inputs)) if not checked else np.asarray(batch, dtype=float)
        if data.ndim != 2 or data.shape[1] != len(self.inputs) or not len(data):
            data = _as_batch(batch, len(self.inputs))  # raises, naming the row
        n = data.shape[0]
        self._check_memory(n)
        if parameters is None:
            parameters = np.fromiter(map(_data, self.parameters), dtype=float, count=len(self.parameters))
        elif parameters.shape != (len(self.parameters),):
            raise BatchedError(
                f"Tape.run() got parameters of shape {parameters.shape}; expected ({len(self.parameters)},), "
                "one value per parameter of the tape."
            )
        try:
            values = np.empty((self.n_rows, n))
        except MemoryError:
            raise BatchTooLargeError(self._too_large(n, None)) from None
        values[self._input_rows] = data.T
        values[self._constant_rows] = self._constant_values[:, None]
        values[self._parameter_rows] = parameters[self._row_parameters, None]
        for leaf, given in (leaves or {}).items():
            if id(leaf) not in self._rows:
                raise ValueError(f"Tape.run() got leaves[{leaf!r}]; it is not a leaf of this tape's graph.")
            if id(leaf) in self._fixed:
                raise ValueError(f"Tape.run() got leaves[{leaf!r}]; the tape was compiled with it fixed.")
            values[self._rows[id(leaf)]] = given
        local: list[tuple[Any, ...]] = []
        if counted is not None and len(counted) != len(self.outputs):
            raise ValueError(
                f"Tape.run() got {len(counted)} masks in counted; expected one per output ({len(self.outputs)})."
            )
        # The entries computed from an operand excused from its domain (no used output depends on
        # them, nor on anything computed from them): none, until a domain check excuses one.
        skipped: Mask | None = None
        # Under detect_anomaly(), the steps that made a value inf or nan, as the scalar engine checks each node.
        anomalies: list[tuple[_Group | _Linear, Mask]] | None = [] if RECORDING.get().detect_anomaly else None
        with np.errstate(all="ignore"):
            for step in self._steps:
                if isinstance(step, _Linear):
                    out = values[step.rows]  # a view: the product is written in place
                    np.matmul(parameters[step.weights], values[step.shared], out=out)
                    for rest in step.rest:
                        out += values[rest]
                    for bias in step.biases:
                        out += parameters[bias][:, None]
                    local.append(())
                    if skipped is not None:  # finite (from zeros), but what uses them is skipped too
                        reached = skipped[step.shared].any(axis=0)
                        for rest in step.rest:
                            reached = reached | skipped[rest]
                        skipped[step.rows] = reached
                    if anomalies is not None:
                        self._find_anomalies(step, values, counted, skipped, anomalies)
                    continue
                operands = [values[o] for o in step.operands]
                excused = None
                if step.op.checks_domain:
                    # A partial, not a lambda: a closure would make step and counted cells for the whole loop.
                    uses = None if counted is None else functools.partial(self._counted, step, counted, n)
                    excused = _check_domain(step.op, operands, step.constants, uses)
                if skipped is not None:
                    reached = np.logical_or.reduce([skipped[o] for o in step.operands])
                    if reached.any():
                        excused = reached if excused is None else excused | reached
                value, local_grads = _run_rule(step.op, operands, step.constants)
                if excused is not None:
                    # Not computed by the scalar engine: 0, and so is every derivative (0 × inf would be nan).
                    value = np.where(excused, 0.0, value)
                    local_grads = tuple(np.where(excused, 0.0, g) for g in local_grads)
                    if skipped is None:
                        skipped = np.zeros(values.shape, dtype=bool)
                    skipped[step.rows] = excused
                values[step.rows] = value
                local.append(local_grads)
                if anomalies is not None:
                    self._find_anomalies(step, values, counted, skipped, anomalies)
        if anomalies:
            raise AnomalyError(self._anomaly_message(anomalies, values, parameters))
        run = Run(self, values, parameters, local)
        run._counted = counted
        return run

    def _find_anomalies(
        self,
        step: _Group | _Linear,
        values: Array,
        counted: Sequence[Mask | None] | None,
        skipped: Mask | None,
        anomalies: list[tuple[_Group | _Linear, Mask]],
    ) -> None:
        np = numpy()
        bad = ~np.isfinite(values[step.rows])
        if not bad.any():
            return
        if counted is not None:  # only where the scalar engine computes it
            bad &= self._counted(step, counted, values.shape[1])
        if skipped is not None:
            bad &= ~skipped[step.rows]
        if bad.any():
            anomalies.append((step, bad))

    def _anomaly_message(
        self, anomalies: list[tuple[_Group | _Linear, Mask]], values: Array, parameters: Array
    ) -> str:
        """The scalar engine's message, for the node it would stop at: the first example's first inf or nan."""
        np = numpy()
        example = min(int(np.nonzero(bad)[1].min()) for _, bad in anomalies)
        node = min(
            (node for step, bad in anomalies for node, row in zip(step.nodes, bad) if row[example]),
            key=lambda node: node.serial,  # creation order: the scalar engine's
        )

        def value_at(x: Value) -> float:
            x = self._source(x)
            if id(x) in self._rows:
                return float(values[self._rows[id(x)], example])
            if id(x) in self._parameter_index:
                return float(parameters[self._parameter_index[id(x)]])
            product = 1.0  # a product w·x folded into a matrix product
            for factor in x.inputs:
                product *= value_at(factor)
            return product

        assert node.operation is not None  # a leaf makes no value
        operands = ", ".join(f"{x.label or 'unlabeled'!r} = {value_at(x)!r}" for x in node.inputs)
        noun = "operand" if len(node.inputs) == 1 else "operands"
        return (
            f"{node.operation.name}() produced {value_at(node)!r} for example {example} (batched run) "
            f"from {noun} {operands}."
        )

    def _counted(self, step: _Group | _Linear, counted: Sequence[Mask | None], n: int) -> Mask:
        """Per node of ``step`` and example, whether some used output depends on it (see ``run``'s ``counted``)."""
        np = numpy()
        reach: dict[int, set[int]] | None = self.__dict__.get("_reach")
        if reach is None:  # which outputs each node feeds: once, and only when a domain check needs it
            reach = {}
            for k, y in enumerate(self.outputs):
                reach.setdefault(id(self._source(y)), set()).add(k)
            for node in reversed(self.nodes):
                fed = reach.get(id(node), set())
                for x in node.inputs:
                    reach.setdefault(id(self._source(x)), set()).update(fed)
            self._reach = reach
        masks = []
        for node in step.nodes:
            used = [counted[k] for k in reach.get(id(node), ())]
            if any(mask is None for mask in used):
                masks.append(np.ones(n, dtype=bool))
            else:  # no output at all: nothing uses it
                masks.append(np.logical_or.reduce([np.asarray(m, dtype=bool) for m in used] or [np.zeros(n, bool)]))
        return np.array(masks)  # type: ignore[no-any-return]

    def bytes_per_example(self) -> int:
        """Bytes one example takes in ``run`` and ``backward``: each node's value, gradient and local derivatives.

        Example:
            >>> from autograd import Parameter
            >>> w = Parameter(2.0)
            >>> record(lambda x: (w * x[0]).exp(), [w], [1.0]).bytes_per_example()  # 4 rows × 2 + 3 local, × 8
            88
        """
        if self._bytes_per_example is None:
            local_rows = sum(
                (s.rows.stop - s.rows.start) * len(s.operands) for s in self._steps if isinstance(s, _Group)
            )
            self._bytes_per_example = 8 * (2 * self.n_rows + int(local_rows))
        return self._bytes_per_example

    def _check_memory(self, n: int) -> None:
        # Checked before anything is allocated: NumPy's own MemoryError names an array shape, and
        # on a system that overcommits an allocation may succeed and the process be killed later.
        needed = n * self.bytes_per_example()
        if needed < _SURELY_AVAILABLE:
            return  # reading /proc/meminfo costs more than a small step
        available = available_memory()
        if available is not None and needed > available:
            raise BatchTooLargeError(self._too_large(n, available))

    def _too_large(self, n: int, available: int | None) -> str:
        per_example = self.bytes_per_example()
        room = available if available is not None else available_memory()
        fits = f", more than the {_gigabytes(room)} of memory available" if room is not None else ""
        suggestion = max(1, room // (2 * per_example)) if room is not None else max(1, n // 10)
        return (
            f"Tape.run() got a batch of {n:,} examples; replaying this graph ({self.n_rows:,} rows) over it needs "
            f"about {_gigabytes(n * per_example)} of arrays{fits}. Run it in smaller batches, e.g. "
            f"fit(..., batch_size={suggestion:,}), or run() on slices of the batch."
        )

    def __repr__(self) -> str:
        groups = ", ".join(
            f"{'linear' if isinstance(s, _Linear) else s.op.name}×{s.rows.stop - s.rows.start}" for s in self._steps
        )
        return f"<Tape {len(self.nodes)} nodes in {len(self._steps)} array operations: {groups}>"


_SURELY_AVAILABLE = 64 * 2**20  # bytes of arrays any machine that runs Python can give


def available_memory() -> int | None:
    """The bytes of memory the system can still give this process (None where it cannot tell).

    Example:
        >>> available_memory() is None or available_memory() > 0
        True
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):
        return None


def _gigabytes(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e8 else f"{size / 1e6:.1f} MB"


def _as_batch(batch: object, width: int) -> Array:
    """The batch as an (examples, width) float array, refusing what ``Value()`` refuses."""
    np = numpy()
    if isinstance(batch, np.ndarray):
        if batch.dtype.kind in "iuf" and batch.ndim == 2 and batch.shape[1] == width and len(batch):
            with np.errstate(over="ignore"):
                data = batch.astype(float, copy=False)
            if batch.dtype.kind == "f" and batch.dtype.itemsize > 8:  # long double: 1e400 would become inf
                overflow = np.isfinite(batch) & ~np.isfinite(data)
                if overflow.any():
                    row, column = (int(i) for i in np.argwhere(overflow)[0])
                    raise BatchedError(
                        f"Tape.run() got {batch[row, column]!r} at row {row}, column {column}; it is too large for a "
                        "float (the largest is about 1.8e308)."
                    )
            return data  # type: ignore[no-any-return]
        if batch.dtype.kind not in "iufO" or batch.ndim != 2:
            _refuse_rows(batch.tolist() if batch.ndim == 2 else batch, width, f"{batch.dtype} array")
        rows = batch.tolist()
    elif isinstance(batch, (str, bytes)) or not isinstance(batch, Sequence):
        raise BatchTypeError(
            f"Tape.run() got a batch of type {type(batch).__name__}; expected a list of examples (each a list of "
            f"{width} numbers) or an (examples, {width}) NumPy array."
        )
    else:
        rows = batch
    kinds = _refuse_rows(rows, width, None)
    try:
        if kinds <= {float, int}:
            return np.array(rows, dtype=float)  # type: ignore[no-any-return]
        numbers_only = [[x.data if isinstance(x, Value) else float(x) for x in row] for row in rows]
        return np.array(numbers_only, dtype=float)  # type: ignore[no-any-return]
    except OverflowError:
        raise BatchedError(
            "Tape.run() got an int too large for a float (the largest is about 1.8e308); scale that column down."
        ) from None


def _refuse_rows(rows: Any, width: int, array_kind: str | None) -> set[type]:
    """Raise for the first row of the wrong length or the first number ``Value()`` would refuse; else the types seen."""
    if not len(rows):
        raise BatchedError(f"Tape.run() got an empty batch; expected at least one example of {width} numbers.")
    # Two set-builds in C find the common case (lists of one length); only a bad batch is searched row by row.
    good_rows = set(map(type, rows)) <= {list, tuple} and set(map(len, rows)) == {width}
    for index, row in enumerate(() if good_rows else rows):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise BatchTypeError(
                f"Tape.run() got row {index} = {row!r} of type {type(row).__name__}; "
                f"expected a list of {width} numbers."
            )
        if len(row) != width:
            raise BatchedError(
                f"Tape.run() got row {index} with {len(row)} numbers; every row needs {width}, one per input of the "
                "recorded graph."
            )
    kinds = set(map(type, itertools.chain.from_iterable(rows)))
    if array_kind is None and all(_is_number_type(kind) for kind in kinds):
        return kinds
    for index, row in enumerate(rows):
        for column, x in enumerate(row):
            if not _is_number_type(type(x)) or array_kind is not None:
                kind = f"{x!r} of type {type(x).__name__}" if array_kind is None else f"a {array_kind} holding {x!r}"
                raise BatchTypeError(
                    f"Tape.run() got {kind} at row {index}, column {column}; expected real numbers (int, "
                    "float or NumPy scalar), as Value() does. Convert the column, or drop or fill in that example."
                )
    raise BatchTypeError(f"Tape.run() got a {array_kind}; expected real numbers, as Value() does.")


def _is_number_type(kind: type) -> bool:
    # What Value() accepts: any real but a bool (True is almost always a bug), or a Value.
    return (issubclass(kind, numbers.Real) and not issubclass(kind, bool)) or issubclass(kind, Value)


def _check_domain(
    op: Op, operands: Sequence[Array], constants: Sequence[float], counted: Callable[[], Mask] | None = None
) -> Mask | None:
    """Raise ``DomainError`` for the first operand outside ``op``'s domain in a counted example.

    Returns the entries outside the domain that ``counted()`` (nodes × examples) excuses, or None if none is.
    """
    np = numpy()
    subject, needs = (op.title, op.title) if op.title else (f"{op.name}()", op.name)
    excused: Mask | None = None
    for name, domain, x in zip(op.operands, op.domains, operands):
        bad = _outside(domain, x)
        if bad.any() and counted is not None:  # made only here: most runs have no entry outside a domain
            used = counted()
            excused = bad & ~used if excused is None else excused | (bad & ~used)
            bad = bad & used
        if bad.any():
            _node, example = (int(i) for i in np.argwhere(bad)[0])
            which = f"{name} " if len(op.operands) > 1 else ""
            raise DomainError(
                f"{subject} got {which}{float(x[_node, example])!r} for example {example} (batched run); "
                f"{needs} needs {domain.description.format(name)}."
            )
    if op.check is not None:
        check = op.check
        failed = np.frompyfunc(lambda *xs: check(*xs, *constants) is not None, len(operands), 1)(*operands)
        bad = failed.astype(bool)
        if bad.any() and counted is not None:  # made only here: most runs have no entry outside a domain
            used = counted()
            excused = bad & ~used if excused is None else excused | (bad & ~used)
            bad = bad & used
        if bad.any():
            _node, example = (int(i) for i in np.argwhere(bad)[0])
            shown = ", ".join(f"{n}={float(x[_node, example])!r}" for n, x in zip(op.operands, operands))
            expected = check(*(float(x[_node, example]) for x in operands), *constants)
            raise DomainError(f"{subject} got {shown} for example {example} (batched run); {needs} needs {expected}.")
    return excused


class Run:
    """Every node's values for a batch (``Tape.run``): outputs, gradients and example i's scalar graph.

    Attributes:
        tape: the recorded graph.
        outputs: an (examples, outputs) array.
        parameters: the parameters' values during the run, an array.

    Example:
        >>> from autograd import Parameter
        >>> w = Parameter(2.0)
        >>> run = record(lambda x: w * x[0], [w], [1.0]).run([[1.0], [3.0]])
        >>> run.per_example_grads()[:, 0].tolist()
        [1.0, 3.0]
    """

    def __init__(self, tape: Tape, values: Array, parameters: Array, local: list[tuple[Any, ...]]) -> None:
        self.tape = tape
        self._values = values
        self._parameters = parameters
        self._local = local
        self.outputs: Array = values[tape._output_rows].T
        self.parameters: Array = parameters  # the values this run used, in tape.parameters order
        self._input_grads: Array | None = None  # the last sweep's, for a tape with input_gradients
        self._counted: Sequence[Mask | None] | None = None  # run(counted=...)'s, until _zero_uncounted()

    @property
    def size(self) -> int:
        """How many examples the batch has."""
        return int(self._values.shape[1])

    def backward(self, output_grads: Sequence[Sequence[float]] | Array | None = None) -> Array | None:
        """Add to each parameter's ``.grad`` its gradient summed over the batch, like ``Value.backward``.

        Args:
            output_grads: ∂loss/∂output per example, an (examples, outputs)
                array; by default ones (the gradient of the sum of all outputs).

        Returns:
            For a tape recorded with ``input_gradients=True``, each example's
            gradient with respect to its inputs, an (examples, inputs) array;
            otherwise None.

        Example:
            >>> from autograd import Parameter
            >>> w = Parameter(2.0)
            >>> run = record(lambda x: w * x[0], [w], [1.0]).run([[1.0], [3.0]])
            >>> run.backward([[0.5], [0.5]]); w.grad
            2.0
            >>> tape = record(lambda x: w * x[0] ** 2, [w], [1.0], input_gradients=True)
            >>> tape.run([[1.0], [3.0]]).backward().tolist()  # ∂(w·x²)/∂x = 2·w·x
            [[4.0], [12.0]]
        """
        summed = self._sweep(output_grads, per_example=False)
        for parameter, gradient in zip(self.tape.parameters, summed.tolist()):
            parameter.grad += gradient
        return self._input_grads

    def input_grads(self, output_grads: Sequence[Sequence[float]] | Array | None = None) -> Array:
        """Each example's gradient with respect to its inputs, (examples, inputs); ``.grad`` is untouched.

        Raises:
            BatchedError: the tape was recorded without ``input_gradients=True``.

        Example:
            >>> from autograd import Parameter
            >>> w = Parameter(2.0)
            >>> run = record(lambda x: w * x[0] ** 2, [w], [1.0], input_gradients=True).run([[1.0], [3.0]])
            >>> run.input_grads().tolist(), w.grad
            ([[4.0], [12.0]], 0.0)
        """
        if not self.tape.input_gradients:
            raise BatchedError("Run.input_grads() needs a tape recorded with record(..., input_gradients=True).")
        self._sweep(output_grads, per_example=False)
        assert self._input_grads is not None  # set by every sweep of such a tape
        return self._input_grads

    def gradients(self, output_grads: Sequence[Sequence[float]] | Array | None = None) -> Array:
        """The batch's summed gradient per parameter (``tape.parameters`` order); ``.grad`` is untouched.

        Example:
            >>> from autograd import Parameter
            >>> w = Parameter(2.0)
            >>> record(lambda x: w * x[0], [w], [1.0]).run([[1.0], [3.0]]).gradients().tolist()
            [4.0]
        """
        return self._sweep(output_grads, per_example=False)

    def per_example_grads(self, output_grads: Sequence[Sequence[float]] | Array | None = None) -> Array:
        """Each example's own gradient: an (examples, parameters) array; ``.grad`` is untouched.

        Row i is what ``backward`` of example i's scalar graph would give each
        parameter, so the rows sum to the batch gradient. Column j shows which
        examples pull parameter j which way.

        Args:
            output_grads: as in ``backward``.

        Returns:
            One row per example, one column per parameter (in ``tape.parameters`` order).
        """
        return self._sweep(output_grads, per_example=True).T  # type: ignore[no-any-return]

    def _sweep(self, output_grads: Sequence[Sequence[float]] | Array | None, per_example: bool) -> Array:
        np = numpy()
        tape, n = self.tape, self.size
        seed = np.ones((n, len(tape.outputs))) if output_grads is None else np.asarray(output_grads, dtype=float)
        if seed.shape != (n, len(tape.outputs)):
            raise ValueError(
                f"backward() got output_grads of shape {seed.shape}; expected ({n}, {len(tape.outputs)}), "
                "one ∂loss/∂output per example and output."
            )
        # The gradient buffer lives only during this sweep: reuse the last one (its pages are
        # mapped already; a fresh one pays a page fault per 4 KiB). pop() hands it to one sweep at a time.
        grads = tape._spare_grads.pop(self._values.shape, None)
        if grads is None:
            grads = np.zeros(self._values.shape)
        else:
            grads.fill(0.0)
        if tape._output_rows_unique:
            grads[tape._output_rows] += seed.T
        else:
            np.add.at(grads, tape._output_rows, seed.T)  # an output listed twice (or passed through) gets both
        parameter_grads = np.zeros((len(tape.parameters), n) if per_example else len(tape.parameters))
        # The scalar engine's sweep: gradients live in rows over the batch, local derivatives come
        # from the rules run on NumPy (and, for a matrix product, from its weights and inputs).
        local_of = {id(step): local for step, local in zip(tape._steps, self._local)}
        values, parameters = self._values, self._parameters

        def local_grads_of(step: _Step) -> tuple[object, ...]:
            if isinstance(step, _Linear):
                return step.local_grads(parameters, values, per_example)
            local = local_of[id(step)]
            if len(step.inputs) == len(local):
                return local
            return tuple(g for g, needed in zip(local, step.needs_grad) if needed)

        with np.errstate(all="ignore"):
            for _ in _shared_sweep(reversed(tape._steps), _OnRows(grads, parameter_grads, per_example), local_grads_of):
                pass
        from_rows = grads[tape._parameter_rows]
        if per_example:
            parameter_grads[tape._row_parameters] += from_rows
        else:
            parameter_grads[tape._row_parameters] += from_rows.sum(axis=1)
        if tape.input_gradients:
            self._input_grads = grads[tape._input_rows].T.copy()  # the buffer is reused by the next sweep
        tape._spare_grads[self._values.shape] = grads
        # One sum tells: inf and nan survive it (a finite sum overflowing only costs a second sweep).
        if self._counted is not None and not math.isfinite(np.add.reduce(parameter_grads, axis=None)):
            # Perhaps 0 × inf from values no used output depends on (exp overflowing in another
            # example's loss head): the scalar engine never computes those. Set them to 0, sweep again.
            self._zero_uncounted()
            return self._sweep(output_grads, per_example)
        if RECORDING.get().detect_anomaly and not math.isfinite(parameter_grads.sum()):
            totals = parameter_grads.sum(axis=1) if per_example else parameter_grads
            first = int(np.flatnonzero(~np.isfinite(totals))[0])
            parameter = tape.parameters[first]
            raise AnomalyError(
                f"backward (batched run) made the gradient of {parameter.label or 'an unlabeled parameter'!r} "
                f"{float(totals[first])!r}; backward() of the examples' scalar graphs (Run.example(i)) inside "
                "detect_anomaly() names the node where it was born."
            )
        return parameter_grads  # type: ignore[no-any-return]

    def _zero_uncounted(self) -> None:
        """Set to 0 the values and local derivatives that no used output depends on (see ``Tape.run``)."""
        np = numpy()
        tape, counted, n = self.tape, self._counted, self.size
        assert counted is not None  # only a run given counted= has any
        self._counted = None  # once: what stays non-finite is the scalar engine's too
        for i, step in enumerate(tape._steps):
            used = tape._counted(step, counted, n)
            if used.all():
                continue
            self._values[step.rows] = np.where(used, self._values[step.rows], 0.0)
            if isinstance(step, _Group):  # a matrix product's are read from the values, at sweep time
                self._local[i] = tuple(np.where(used, g, 0.0) for g in self._local[i])

    def example(self, index: int) -> list[Value]:
        """Example ``index``'s outputs as an ordinary scalar ``Value`` graph, with the same numbers.

        The graph is rebuilt node by node with the float rules, on the real
        parameters (so ``backward`` on it fills their ``.grad``), this
        example's inputs and its per-example leaves (dropout masks): ``draw``,
        ``trace_backward`` and ``gradcheck`` work on it as on any graph.

        Args:
            index: which example of the batch (negative counts from the end).

        Returns:
            The outputs, one Value each.

        Raises:
            IndexError: no such example.

        Example:
            >>> from autograd import Parameter
            >>> w = Parameter(2.0, label="w")
            >>> run = record(lambda x: w * x[0], [w], [1.0]).run([[1.0], [3.0]])
            >>> y, = run.example(1)
            >>> y.data, y.inputs[0] is w
            (6.0, True)
        """
        n = self.size
        if isinstance(index, bool) or not isinstance(index, int) or not -n <= index < n:
            raise IndexError(f"Run.example() got index {index!r}; the batch has {n} examples (0 … {n - 1}).")
        tape = self.tape
        rebuilt: dict[int, Value] = {id(p): p for p in tape.parameters}
        for leaf in [*tape.inputs, *tape.constants]:
            rebuilt[id(leaf)] = Value(float(self._values[tape._rows[id(leaf)], index]), label=leaf.label)
            rebuilt[id(leaf)].scope = leaf.scope
        for node in tape.nodes:
            if id(node) in rebuilt:
                continue
            operation = node.operation
            assert operation is not None  # leaves were rebuilt above
            inputs = tuple(rebuilt[id(x)] for x in node.inputs)
            with enable_grad():  # the example is a graph to look at, even when asked for inside no_grad()
                copy = _apply(operation, inputs, node.constants)
            copy.scope = node.scope
            if node.label:
                copy.label = node.label
            rebuilt[id(node)] = copy
        return [rebuilt[id(y)] for y in tape.outputs]

    def value_of(self, node: Value) -> Array:
        """One recorded node's values, one per example (products folded into a matrix product have none).

        Raises:
            KeyError: the node is not in the graph, or was folded away.

        Example:
            >>> from autograd import Parameter
            >>> w = Parameter(2.0)
            >>> tape = record(lambda x: (w * x[0]).exp(), [w], [1.0])
            >>> tape.run([[0.0], [1.0]]).value_of(tape.outputs[0].inputs[0]).tolist()
            [0.0, 2.0]
        """
        return self._values[self.tape._rows[id(node)]]  # type: ignore[no-any-return]


__all__ = [
    "NUMPY_MATH",
    "BatchTooLargeError",
    "BatchTypeError",
    "BatchedError",
    "NumpyMath",
    "Run",
    "Tape",
    "apply_rule",
    "available_memory",
    "describe_nodes",
    "numpy",
    "record",
    "recording",
]
