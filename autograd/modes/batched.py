"""Replay one example's graph over a whole batch: each scalar node becomes a vector over the examples.

A network's graph has the same shape for every example; only the numbers
differ. ``record`` builds the ordinary scalar ``Value`` graph for ONE example,
once. ``Tape.run`` then evaluates every node of it for all examples of a batch
at once with NumPy (node ``k`` holds one number per example), and
``Run.backward`` applies the chain rule over the same vectors, leaving in each
parameter's ``.grad`` the gradient summed over the batch (or, from
``Run.per_example_grads``, one gradient per example).

The op rules are the very rules of ``autograd/engine/ops.py``: NumPy is one more math
namespace (``NUMPY_MATH``). Rules branch on ``m.real(x)`` (relu: ``if x > 0``);
over a vector some examples take one branch and some the other, so the rule is
run once per branch that any example takes and the answers are merged
example by example (the branches become ``np.where``). No rule is rewritten.

Speed comes from grouping: nodes of one topological level and one op become a
single array operation, and a neuron's weighted sum Σ wᵢ·xᵢ + b whose inputs
are shared by its whole layer becomes one matrix product.

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

import importlib
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from autograd.engine.errors import AutogradError, DomainError
from autograd.engine.graph import topological_order
from autograd.engine.ops import NONNEGATIVE, NONZERO, OPS, POSITIVE, REALS, Domain, Op
from autograd.engine.recording import enable_grad
from autograd.engine.value import Value, _apply
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
    np = numpy()
    vector_rule = VECTOR_RULES.get(op.name)
    if vector_rule is not None and vector_rule[0] is op.rule:
        with np.errstate(all="ignore"):
            return vector_rule[1](*inputs, *constants)
    shape = np.shape(inputs[0]) if inputs else ()
    paths: list[tuple[Mask, Any, tuple[Any, ...]]] = []
    waiting: list[tuple[bool, ...]] = [()]
    with np.errstate(all="ignore"):
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


def _relu(x: Array) -> tuple[Array, tuple[Array]]:
    np = numpy()
    # maximum keeps nan and turns −0.0 into 0.0; sign(value) is then 1, 0, or nan: the rule's slope.
    value = np.maximum(x, 0.0)
    return value, (np.sign(value),)


def _leaky_relu(x: Array, slope_below: float) -> tuple[Array, tuple[Array]]:
    np = numpy()
    slope = np.where(x > 0.0, 1.0, np.where(x <= 0.0, slope_below, np.nan))
    return np.where(x > 0.0, x, slope_below * x), (slope,)


# Branch-free forms of the rules that run on every hidden layer, for speed: the generic
# branch merging runs a rule once per branch. Each is used only while the op table
# still holds the rule it was checked against (tests compare both forms), so a
# changed rule falls back to the generic path instead of silently disagreeing.
VECTOR_RULES: dict[str, tuple[Callable[..., Any], Callable[..., tuple[Any, tuple[Any, ...]]]]] = {
    "relu": (OPS["relu"].rule, _relu),
    "leaky_relu": (OPS["leaky_relu"].rule, _leaky_relu),
}


# Domains the engine checks with one array comparison; any other is checked number by number.
def _outside(domain: Domain, x: Array) -> Mask:
    np = numpy()
    if domain is REALS:
        nowhere: Mask = np.zeros(np.shape(x), dtype=bool)
        return nowhere
    if domain is POSITIVE:
        return x <= 0.0
    if domain is NONNEGATIVE:
        return x < 0.0
    if domain is NONZERO:
        zero: Mask = x == 0.0
        return zero
    contains = np.frompyfunc(domain.contains, 1, 1)
    outside: Mask = ~contains(x).astype(bool)
    return outside


# --- recording ------------------------------------------------------------------


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


@dataclass(frozen=True)
class _Linear:
    """A layer's weighted sums Σⱼ wᵢⱼ·xⱼ + rest as one matrix product (the products are never stored).

    ``weights`` are parameter indices (one row per sum), ``inputs`` the rows of the
    shared xⱼ, ``rest`` the rows of the other summands per sum, and ``biases``
    the parameter indices of summands that are parameters (the bias).
    """

    rows: slice
    weights: Index
    inputs: Index | slice
    rest: tuple[Index | slice, ...]
    biases: tuple[Index, ...]
    input_scatter: _Scatter
    rest_scatters: tuple[_Scatter, ...]
    inputs_need_grad: bool
    rest_need_grad: tuple[bool, ...]


class _Scatter:
    """Adds per-node contributions into rows that may repeat (a value used by many nodes)."""

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


def _contiguous(rows: Index) -> Index | slice:
    # Rows a, a+1, …, b read as a slice are a view: no copy on gather, in place on scatter.
    if len(rows) and int(rows[-1]) - int(rows[0]) == len(rows) - 1 and bool((rows[1:] > rows[:-1]).all()):
        return slice(int(rows[0]), int(rows[-1]) + 1)
    return rows


def _signature(outputs: Sequence[Value], parameters: Sequence[Value], inputs: Sequence[Value]) -> list[object]:
    # The shape of a graph: each node's op, constants and where its inputs are; leaves by kind.
    kinds = {id(p): ("parameter", i) for i, p in enumerate(parameters)}
    kinds.update({id(x): ("input", i) for i, x in enumerate(inputs)})
    order = _order(outputs)
    position = {id(node): i for i, node in enumerate(order)}
    shape: list[object] = []
    for node in order:
        if node.operation is None:
            shape.append(kinds.get(id(node), ("constant", node.data)))
        else:
            shape.append((node.operation.name, node.constants, tuple(position[id(x)] for x in node.inputs)))
    shape.append(tuple(position[id(y)] for y in outputs))
    return shape


def _order(outputs: Sequence[Value]) -> list[Value]:
    if len(outputs) == 1:
        return topological_order(outputs[0])
    # One root joins the outputs, so one traversal finds every node; the root itself is left out.
    joined = value_sum(outputs)
    return [node for node in topological_order(joined) if node is not joined]


Function = Callable[[list[Value]], "Value | Sequence[Value]"]


def record(
    function: Function,
    parameters: Sequence[Value],
    example: Sequence[float],
    *,
    check_with: Sequence[float] | None = None,
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
    inputs, outputs = _call(function, example)
    tape = Tape(outputs, parameters, inputs)
    if check_with is not None:
        tape.check(function, check_with)
    return tape


def _call(function: Function, example: Sequence[float]) -> tuple[list[Value], list[Value]]:
    inputs = [Value(x, label=f"x{i + 1}") for i, x in enumerate(example)]
    with enable_grad():  # inside no_grad() the graph would be a lone leaf, replayed as a constant
        result = function(inputs)
    outputs = [result] if isinstance(result, Value) else list(result) if isinstance(result, Sequence) else [result]
    for output in outputs:
        if not isinstance(output, Value):
            raise BatchedError(
                f"record() got a function that returned {output!r} of type {type(output).__name__}; "
                "expected a Value or a list of Values."
            )
    return inputs, outputs


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

    def __init__(self, outputs: Sequence[Value], parameters: Sequence[Value], inputs: Sequence[Value]) -> None:
        np = numpy()
        self.outputs = list(outputs)
        self.parameters = list(parameters)
        self.inputs = list(inputs)
        self.nodes = _order(self.outputs)
        parameter_index = {id(p): i for i, p in enumerate(self.parameters)}
        input_ids = {id(x) for x in self.inputs}
        self.constants = [
            node for node in self.nodes if node.operation is None and id(node) not in parameter_index
            and id(node) not in input_ids
        ]
        linear_of, fused_products = self._find_linear_sums(parameter_index)

        # Which computed nodes need a row: all but the products folded into a matrix product.
        computed = [n for n in self.nodes if n.operation is not None and id(n) not in fused_products]
        level: dict[int, int] = {}
        for node in self.nodes:
            if node.operation is None:
                level[id(node)] = 0
            elif id(node) in fused_products:
                continue
            elif id(node) in linear_of:
                weights_inputs, rest = linear_of[id(node)]
                level[id(node)] = 1 + max(level[id(x)] for x in [*weights_inputs[1], *rest])
            else:
                level[id(node)] = 1 + max(level[id(x)] for x in node.inputs)

        buckets: dict[tuple[object, ...], list[Value]] = {}
        for node in computed:
            operation = node.operation
            assert operation is not None
            if id(node) in linear_of:
                weights_inputs, rest = linear_of[id(node)]
                shared_ids = tuple(id(x) for x in weights_inputs[1])
                key: tuple[object, ...] = (level[id(node)], "linear", shared_ids, len(rest))
            else:
                key = (level[id(node)], operation.name, node.constants, len(node.inputs))
            buckets.setdefault(key, []).append(node)

        def summands(members: list[Value]) -> list[list[Value]]:
            # Per position after the products, that summand of every sum of a matrix product.
            return [[linear_of[id(n)][1][k] for n in members] for k in range(len(linear_of[id(members[0])][1]))]

        def is_bias(summand: list[Value]) -> bool:
            return all(id(x) in parameter_index for x in summand)

        # Rows: inputs, constants, the parameters read as rows, then each group's outputs.
        # A matrix product reads its weights and biases from the parameter vector: they need no row.
        read: list[Value] = list(self.outputs)
        for key, members in buckets.items():
            if key[1] == "linear":
                read += linear_of[id(members[0])][0][1]
                read += [x for summand in summands(members) if not is_bias(summand) for x in summand]
            else:
                read += [x for n in members for x in n.inputs]
        row_parameters = sorted({parameter_index[id(x)] for x in read if id(x) in parameter_index})
        # Every input keeps a row, used or not (the batch gives them all).
        row: dict[int, int] = {}
        for node in [*self.inputs, *self.constants, *(self.parameters[i] for i in row_parameters)]:
            row.setdefault(id(node), len(row))
        self._input_rows = np.array([row[id(x)] for x in self.inputs], dtype=np.intp)
        self._constant_rows = np.array([row[id(c)] for c in self.constants], dtype=np.intp)
        self._constant_values = np.array([c.data for c in self.constants], dtype=float)
        self._row_parameters = np.array(row_parameters, dtype=np.intp)
        self._parameter_rows = np.array([row[id(self.parameters[i])] for i in row_parameters], dtype=np.intp)

        self._steps: list[_Group | _Linear] = []
        grad_needed = self._grad_needed(parameter_index)
        for key in sorted(buckets, key=lambda k: k[0]):  # type: ignore[arg-type, return-value]
            members = buckets[key]
            start = len(row)
            for node in members:
                row[id(node)] = len(row)
            rows = slice(start, len(row))
            if key[1] == "linear":
                firsts = [linear_of[id(n)] for n in members]
                weights = np.array([[parameter_index[id(w)] for w in f[0][0]] for f in firsts], dtype=np.intp)
                shared = np.array([row[id(x)] for x in firsts[0][0][1]], dtype=np.intp)
                # A summand that is a parameter in every sum (the bias) is read from the parameters directly.
                biases = [s for s in summands(members) if is_bias(s)]
                others = [s for s in summands(members) if not is_bias(s)]
                rest_rows = [np.array([row[id(x)] for x in s], dtype=np.intp) for s in others]
                self._steps.append(_Linear(
                    rows=rows,
                    weights=weights,
                    inputs=_contiguous(shared),
                    rest=tuple(_contiguous(r) for r in rest_rows),
                    biases=tuple(np.array([parameter_index[id(x)] for x in s], dtype=np.intp) for s in biases),
                    input_scatter=_Scatter(shared),
                    rest_scatters=tuple(_Scatter(r) for r in rest_rows),
                    inputs_need_grad=any(id(x) in grad_needed for x in firsts[0][0][1]),
                    rest_need_grad=tuple(any(id(x) in grad_needed for x in s) for s in others),
                ))
                continue
            first = members[0]
            operation = first.operation
            assert operation is not None
            operands = [
                np.array([row[id(n.inputs[k])] for n in members], dtype=np.intp) for k in range(len(first.inputs))
            ]
            self._steps.append(_Group(
                op=operation,
                constants=first.constants,
                rows=rows,
                operands=tuple(_contiguous(o) for o in operands),
                scatters=tuple(_Scatter(o) for o in operands),
                needs_grad=tuple(any(id(n.inputs[k]) in grad_needed for n in members) for k in range(len(operands))),
            ))
        self._rows = row
        self._output_rows = np.array([row[id(y)] for y in self.outputs], dtype=np.intp)
        self.n_rows = len(row)
        self._spare_grads: dict[tuple[int, ...], Array] = {}

    def _grad_needed(self, parameter_index: Mapping[int, int]) -> set[int]:
        # The nodes a parameter's gradient flows through: only they get gradients in backward.
        needed = {id(p) for p in self.parameters}
        for node in self.nodes:
            if any(id(x) in needed for x in node.inputs):
                needed.add(id(node))
        return needed

    def _find_linear_sums(
        self, parameter_index: Mapping[int, int]
    ) -> tuple[dict[int, tuple[tuple[list[Value], list[Value]], list[Value]]], set[int]]:
        # A Σ node whose leading inputs are products parameter × x, each used by nothing else,
        # is a row of a matrix product. Returns, per such Σ, ((weights, xs), rest) and the folded products.
        uses: dict[int, int] = {}
        for node in self.nodes:
            for x in node.inputs:
                uses[id(x)] = uses.get(id(x), 0) + 1
        for y in self.outputs:
            uses[id(y)] = uses.get(id(y), 0) + 1
        linear: dict[int, tuple[tuple[list[Value], list[Value]], list[Value]]] = {}
        folded: set[int] = set()
        for node in self.nodes:
            if node.operation is None or node.operation.name != "sum":
                continue
            weights: list[Value] = []
            xs: list[Value] = []
            products: list[Value] = []
            for term in node.inputs:
                operation = term.operation
                if operation is None or operation.name != "mul" or uses[id(term)] != 1 or id(term) in folded:
                    break
                left, right = term.inputs
                if id(left) in parameter_index:
                    weights.append(left)
                    xs.append(right)
                elif id(right) in parameter_index:
                    weights.append(right)
                    xs.append(left)
                else:
                    break
                products.append(term)
            if len(products) < 2:
                continue
            linear[id(node)] = ((weights, xs), list(node.inputs[len(products):]))
            folded.update(id(p) for p in products)
        return linear, folded

    def check(self, function: Function, example: Sequence[float]) -> None:
        """Record ``function`` on another example and refuse it if that graph has another shape.

        Raises:
            BatchedError: the shapes differ: the function branches on the data.

        Example:
            >>> from autograd import Parameter
            >>> w = Parameter(1.0)
            >>> def f(x):
            ...     return w * x[0] if x[0].data > 0 else w + x[0]
            >>> record(f, [w], [1.0], check_with=[-1.0])
            Traceback (most recent call last):
            ...
            autograd.modes.batched.BatchedError: record() got a function whose graph for example [-1.0] differs ...
        """
        inputs, outputs = _call(function, example)
        if _signature(self.outputs, self.parameters, self.inputs) != _signature(outputs, self.parameters, inputs):
            first = [x.data for x in self.inputs]
            raise BatchedError(
                f"record() got a function whose graph for example {list(example)!r} differs from the graph for "
                f"{first!r}; the batched engine replays one graph for every example, so its shape must not depend "
                "on the data (no `if` on a value, no data-dependent constants). Use the scalar engine."
            )

    def run(self, batch: Sequence[Sequence[float]] | Array, leaves: Mapping[Value, Any] | None = None) -> Run:
        """Evaluate every node for every example of ``batch`` at once.

        Args:
            batch: one example per row (a list of lists, or an (n, inputs) array).
            leaves: values for constant leaves that differ per example (e.g. dropout
                masks): ``{leaf: array of n numbers}``.

        Returns:
            A ``Run`` holding every node's values.

        Raises:
            ValueError: the batch is empty or its rows have the wrong length.
            DomainError: an op got an operand outside its domain, naming the example.

        Example:
            >>> from autograd import Parameter
            >>> w = Parameter(2.0)
            >>> record(lambda x: (w * x[0]).log(), [w], [1.0]).run([[-1.0]])
            Traceback (most recent call last):
            ...
            autograd.engine.errors.DomainError: log() got -2.0 for example 0 (batched run); log needs x > 0.
        """
        np = numpy()
        data = np.asarray(batch, dtype=float)
        if data.ndim != 2 or data.shape[0] == 0 or data.shape[1] != len(self.inputs):
            raise ValueError(
                f"Tape.run() got a batch of shape {data.shape}; expected (examples, {len(self.inputs)}) with at "
                "least one example."
            )
        n = data.shape[0]
        parameters = np.fromiter(map(_data, self.parameters), dtype=float, count=len(self.parameters))
        values = np.empty((self.n_rows, n))
        values[self._input_rows] = data.T
        values[self._constant_rows] = self._constant_values[:, None]
        values[self._parameter_rows] = parameters[self._row_parameters, None]
        for leaf, given in (leaves or {}).items():
            if id(leaf) not in self._rows:
                raise ValueError(f"Tape.run() got leaves[{leaf!r}]; it is not a leaf of this tape's graph.")
            values[self._rows[id(leaf)]] = given
        local: list[tuple[Any, ...]] = []
        with np.errstate(all="ignore"):
            for step in self._steps:
                if isinstance(step, _Linear):
                    out = values[step.rows]  # a view: the product is written in place
                    np.matmul(parameters[step.weights], values[step.inputs], out=out)
                    for rest in step.rest:
                        out += values[rest]
                    for bias in step.biases:
                        out += parameters[bias][:, None]
                    local.append(())
                    continue
                operands = [values[o] for o in step.operands]
                if step.op.checks_domain:
                    _check_domain(step.op, operands, step.constants)
                value, local_grads = apply_rule(step.op, operands, step.constants)
                values[step.rows] = value
                local.append(local_grads)
        return Run(self, values, parameters, local)

    def __repr__(self) -> str:
        groups = ", ".join(
            f"{'linear' if isinstance(s, _Linear) else s.op.name}×{s.rows.stop - s.rows.start}" for s in self._steps
        )
        return f"<Tape {len(self.nodes)} nodes in {len(self._steps)} array operations: {groups}>"


def _check_domain(op: Op, operands: Sequence[Array], constants: Sequence[float]) -> None:
    np = numpy()
    subject, needs = (op.title, op.title) if op.title else (f"{op.name}()", op.name)
    for name, domain, x in zip(op.operands, op.domains, operands):
        bad = _outside(domain, x)
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
        if bad.any():
            _node, example = (int(i) for i in np.argwhere(bad)[0])
            shown = ", ".join(f"{n}={float(x[_node, example])!r}" for n, x in zip(op.operands, operands))
            expected = check(*(float(x[_node, example]) for x in operands), *constants)
            raise DomainError(f"{subject} got {shown} for example {example} (batched run); {needs} needs {expected}.")


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

    @property
    def size(self) -> int:
        """How many examples the batch has."""
        return int(self._values.shape[1])

    def backward(self, output_grads: Sequence[Sequence[float]] | Array | None = None) -> None:
        """Add to each parameter's ``.grad`` its gradient summed over the batch, like ``Value.backward``.

        Args:
            output_grads: ∂loss/∂output per example, an (examples, outputs)
                array; by default ones (the gradient of the sum of all outputs).

        Example:
            >>> from autograd import Parameter
            >>> w = Parameter(2.0)
            >>> run = record(lambda x: w * x[0], [w], [1.0]).run([[1.0], [3.0]])
            >>> run.backward([[0.5], [0.5]]); w.grad
            2.0
        """
        summed = self._sweep(output_grads, per_example=False)
        for parameter, gradient in zip(self.tape.parameters, summed.tolist()):
            parameter.grad += gradient

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
        np.add.at(grads, tape._output_rows, seed.T)  # an output listed twice gets both
        parameter_grads = np.zeros((len(tape.parameters), n) if per_example else len(tape.parameters))
        values = self._values
        with np.errstate(all="ignore"):
            for step, local_grads in zip(reversed(tape._steps), reversed(self._local)):
                upstream = grads[step.rows]
                if isinstance(step, _Linear):
                    weights = self._parameters[step.weights]
                    if step.inputs_need_grad:
                        step.input_scatter.add(grads, weights.T @ upstream)
                    xs = values[step.inputs]
                    if per_example:
                        np.add.at(parameter_grads, step.weights, upstream[:, None, :] * xs[None, :, :])
                    else:
                        np.add.at(parameter_grads, step.weights, upstream @ xs.T)
                    for scatter, needed in zip(step.rest_scatters, step.rest_need_grad):
                        if needed:
                            scatter.add(grads, upstream)
                    for bias in step.biases:
                        np.add.at(parameter_grads, bias, upstream if per_example else upstream.sum(axis=1))
                    continue
                for scatter, local, needed in zip(step.scatters, local_grads, step.needs_grad):
                    if needed:
                        scatter.add(grads, upstream * local)
        from_rows = grads[tape._parameter_rows]
        if per_example:
            parameter_grads[tape._row_parameters] += from_rows
        else:
            parameter_grads[tape._row_parameters] += from_rows.sum(axis=1)
        tape._spare_grads[self._values.shape] = grads
        return parameter_grads  # type: ignore[no-any-return]

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


__all__ = ["NUMPY_MATH", "BatchedError", "NumpyMath", "Run", "Tape", "apply_rule", "numpy", "record"]
