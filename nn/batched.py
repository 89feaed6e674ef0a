"""Run an ``nn`` model over a whole batch at once with ``autograd.modes.batched`` (``fit(..., engine="batched")``).

The model's graph for one example is recorded once per mode (training,
evaluation) and replayed over every batch with NumPy. Two things differ per
example and are handled here:

* dropout masks: each ``Dropout`` draws its masks from its own random
  generator in the same order as the scalar engine (example after example), so
  the same seeds give the same weights;
* the loss: any loss written with Values (the built-in ones and your own) is
  recorded per example on tapes over the model's outputs (``BatchedLoss``);
  targets that change the loss graph's shape (``if y == 0``) get a tape each.

Example:
    >>> import nn
    >>> X, y = nn.data.moons(20, seed=0)
    >>> model = nn.MLP(2, [4, 1], seed=0)
    >>> batch = BatchedModel(model, X[0])
    >>> value, outputs = batch.step(X, y, nn.binary_cross_entropy_with_logits)
    >>> round(value, 12) == round(nn.evaluate(model.train(), X, y)[0], 12)
    True
"""

from __future__ import annotations

import functools
import itertools
import math
import random
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from autograd import DomainError, Value, enable_grad
from autograd.engine.recording import RECORDING
from autograd.modes import batched
from nn.dropout import Dropout
from nn.losses import OUTPUT_CHECKS, Output, OutputCheck
from nn.module import Module

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Array = NDArray[Any]
    Index = NDArray[np.intp]

ENGINES = ("scalar", "batched")


Draw = tuple[random.Random, Dropout, tuple[str, ...]]
Slots = list[tuple[random.Random, list[tuple[Dropout, Value]]]]
Checks = list[tuple[Value, OutputCheck]]
LossTape = tuple[batched.Tape, Slots, list[list[Value]], list[Checks]]
"""The model and the loss heads on one tape, the dropout masks' leaves, each head's constant leaves and the
checks each head made on the model's outputs (``nn.losses.OUTPUT_CHECKS``), to make on every example."""


class _Recorded:
    """Stands in for a Dropout's random generator while the graph is recorded: keeps all, logs each draw."""

    def __init__(self, generator: random.Random, dropout: Dropout, log: list[Draw]) -> None:
        self.generator, self.dropout, self.log = generator, dropout, log

    def random(self) -> float:
        self.log.append((self.generator, self.dropout, RECORDING.get().scope))
        return 1.0


class BatchedModel:
    """A model's recorded graphs (training and evaluation mode), replayed over batches.

    Args:
        model: any ``nn`` model whose graph has the same shape for every example.
        example: one example (its numbers only serve to record the graph).
        check_with: a second example, recorded too, to refuse a model whose
            graph depends on the data.
        data: the examples the model will run on (e.g. the training set): each
            recorded graph is checked against them. A model whose code read a
            number while it was recorded (``float(v)``, so it may branch on
            it) is recorded on every example, and the first whose graph differs
            is named; otherwise only the last example is (reading ``v.data``
            cannot be seen, so that check is the only guard against it).
        checked: every batch this model will get holds numbers only, already
            checked (``fit`` checks every example up front): batches are
            converted without checking each number again.
        targets: the targets the loss will see (the training set's), so that
            the loss heads are all recorded at once rather than as new ones appear.

    Attributes:
        parameters: ``model.parameters()``, read when this was built: the order of
            ``gradients``' arrays.

    Example:
        >>> import nn
        >>> model = nn.MLP(2, [3, 1], seed=0).eval()
        >>> BatchedModel(model, [0.0, 0.0]).outputs([[1.0, 2.0]]).shape
        (1, 1)
    """

    def __init__(
        self,
        model: Module,
        example: Sequence[Value | float],
        check_with: Sequence[Value | float] | None = None,
        data: Sequence[Sequence[Value | float]] | None = None,
        checked: bool = False,
        targets: Sequence[Target] | None = None,
    ) -> None:
        self.model = model
        self.checked = checked
        self.targets = targets
        self.example = _numbers(example)
        self.check_with = None if check_with is None else _numbers(check_with)
        self.data = data
        self._tapes: dict[bool, tuple[batched.Tape, Slots]] = {}
        self._losses: BatchedLoss | None = None
        self._loss_tapes: dict[tuple[object, ...], tuple[BatchedLoss, LossTape]] = {}
        # Walked once, like the graphs recorded once: the model's modules do not change while it is replayed.
        self.parameters = model.parameters()
        self._dropouts = [m for _, m in model.named_modules() if isinstance(m, Dropout)]

    @property
    def tape(self) -> batched.Tape:
        """The recorded graph for the model's current mode (recorded on first use).

        Example:
            >>> import nn
            >>> BatchedModel(nn.MLP(2, [3, 1], seed=0), [0.0, 0.0]).tape
            <Tape 31 nodes in 3 array operations: linear×3, relu×3, linear×1>
        """
        return self._tape()[0]

    def _tape(self) -> tuple[batched.Tape, Slots]:
        training = self.model.training
        if training not in self._tapes:
            tape, slots = self._record(self.model)
            self._check(tape)
            self._tapes[training] = (tape, slots)
        return self._tapes[training]

    def _record(self, function: batched.Function) -> tuple[batched.Tape, Slots]:
        log: list[Draw] = []
        originals = [(m, m._rng) for m in self._dropouts]
        try:
            for dropout, generator in originals:
                dropout._rng = _Recorded(generator, dropout, log)  # type: ignore[assignment]
            tape = batched.record(function, self.parameters, self.example)
        finally:
            for dropout, generator in originals:
                dropout._rng = generator
        # The i-th draw made in a scope made the i-th constant leaf of that scope.
        by_scope: dict[tuple[str, ...], list[Value]] = {}
        for leaf in tape.constants:
            by_scope.setdefault(leaf.scope, []).append(leaf)
        taken: dict[tuple[str, ...], int] = {}
        slots: dict[int, tuple[random.Random, list[tuple[Dropout, Value]]]] = {}
        for generator, dropout, scope in log:
            index = taken.get(scope, 0)
            leaves = by_scope.get(scope, [])
            if index >= len(leaves):
                raise batched.BatchedError(
                    f"engine='batched' could not match {dropout!r}'s random draws to its masks (scope {scope!r}); "
                    "give each Dropout its own name in the model, or use engine='scalar'."
                )
            taken[scope] = index + 1
            slots.setdefault(id(generator), (generator, []))[1].append((dropout, leaves[index]))
        return tape, list(slots.values())

    def _check(self, tape: batched.Tape) -> None:
        # Dropout's generators are not touched: checking draws no masks, so training is unchanged.
        originals = [(m, m._rng) for m in self._dropouts]
        try:
            for dropout, generator in originals:
                dropout._rng = _Recorded(generator, dropout, [])  # type: ignore[assignment]
            if self.check_with is not None:
                tape.check(self.model, self.check_with)
            if self.data is None or len(self.data) < 2:
                return
            last = len(self.data) - 1
            for index in range(last + 1) if tape.depends_on_data else (last,):
                try:
                    example = _numbers(self.data[index])
                except (TypeError, ValueError):
                    continue  # not numbers: the run refuses it, naming the row and column
                tape.check(self.model, example, index)
        finally:
            for dropout, generator in originals:
                dropout._rng = generator

    def check_examples(self, data: Sequence[Sequence[Value | float]]) -> None:
        """Check the current mode's graph against ``data`` as well, as for ``data=`` (e.g. a validation set).

        Raises:
            BatchedError: the model's graph differs on an example of ``data`` (named by its index there).

        Example:
            >>> import nn
            >>> BatchedModel(nn.MLP(1, [2, 1], seed=0), [0.0]).check_examples([[1.0], [-2.0]])
        """
        tape, _ = self._tape()
        kept, self.data = self.data, data
        try:
            self._check(tape)
        finally:
            self.data = kept

    def run(self, X: Sequence[Sequence[Value | float]] | Array) -> batched.Run:
        """The model over every example of ``X``, with fresh dropout masks in training mode.

        Example:
            >>> import nn
            >>> BatchedModel(nn.MLP(1, [2, 1], seed=0), [0.0]).run([[1.0], [2.0]]).size
            2
        """
        tape, slots = self._tape()
        return tape.run(X, self._masks(slots, len(X)), checked=self.checked)


    @staticmethod
    def _masks(slots: Slots, n: int) -> dict[Value, Array]:
        np = batched.numpy()
        leaves: dict[Value, Array] = {}
        for generator, masks in slots:
            # Example after example, each drawing its masks in order: the scalar engine's sequence.
            draws = np.array([generator.random() for _ in range(n * len(masks))]).reshape(n, len(masks))
            for column, (dropout, leaf) in enumerate(masks):
                p = dropout.p
                scale = 1.0 / (1.0 - p) if p < 1.0 else 0.0
                leaves[leaf] = np.where(draws[:, column] >= p, scale, 0.0)
        return leaves

    def outputs(self, X: Sequence[Sequence[Value | float]]) -> Array:
        """The outputs for every example, an (examples, outputs) array.

        Example:
            >>> import nn
            >>> model = nn.Neuron(1, activation="linear", weights=[2.0], bias=1.0)
            >>> BatchedModel(model, [0.0]).outputs([[1.0], [3.0]])[:, 0].tolist()
            [3.0, 7.0]
        """
        return self.run(X).outputs

    def step(
        self, X: Sequence[Sequence[Value | float]], y: Sequence[Target], loss: Callable[..., Value]
    ) -> tuple[float, list[Output]]:
        """Forward and backward over a batch, the loss included: adds ∂loss/∂parameter to each ``.grad``.

        Returns:
            ``(loss, outputs)``: the batch's mean loss and each example's outputs as floats.

        Example:
            >>> import nn
            >>> model = nn.Neuron(1, activation="linear", weights=[2.0], bias=0.0)
            >>> loss, outputs = BatchedModel(model, [0.0]).step([[1.0], [3.0]], [0.0, 0.0], nn.mean_squared_error)
            >>> loss, outputs, model.weights[0].grad  # (2² + 6²)/2; ∂/∂w = (2·2·1 + 2·6·3)/2
            (20.0, [2.0, 6.0], 20.0)
        """
        run, value, seed, width = self._run_with_loss(X, y, loss)
        run.backward(seed)
        return value, as_outputs(run.outputs[:, :width])

    def gradients(
        self, X: Sequence[Sequence[Value | float]], y: Sequence[Target], loss: Callable[..., Value], parameters: Array
    ) -> tuple[float, list[Output], Array]:
        """``step`` for weights held as an array: no parameter's ``.data`` is read, no ``.grad`` touched.

        ``fit`` keeps the weights in one array for a whole epoch and steps them
        with ``Optimizer.step_on_arrays``; this is its forward and backward.

        Args:
            X: the batch's examples.
            y: their targets.
            loss: ``loss(outputs, targets) -> Value``.
            parameters: the value of every ``model.parameters()``, in that order.

        Returns:
            ``(loss, outputs, gradients)``: as ``step``, and ∂loss/∂parameter as
            an array in ``model.parameters()`` order (the numbers ``step`` adds to ``.grad``).

        Example:
            >>> import nn, numpy
            >>> model = nn.Neuron(1, activation="linear", weights=[2.0], bias=0.0)
            >>> batch = BatchedModel(model, [0.0])
            >>> loss, outputs, grads = batch.gradients([[1.0], [3.0]], [0.0, 0.0], nn.mean_squared_error,
            ...                                        numpy.array([1.0, 0.0]))
            >>> loss, outputs, grads.tolist(), model.weights[0].grad  # w = 1: (1² + 3²)/2; ∂/∂w = (2·1 + 2·3·3)/2
            (5.0, [1.0, 3.0], [10.0, 4.0], 0.0)
        """
        run, value, seed, width = self._run_with_loss(X, y, loss, parameters)
        return value, as_outputs(run.outputs[:, :width]), run.gradients(seed)

    def evaluate(
        self, X: Sequence[Sequence[Value | float]], y: Sequence[Target], loss: Callable[..., Value]
    ) -> tuple[float, list[Output]]:
        """The mean loss and the outputs, without gradients.

        Example:
            >>> import nn
            >>> model = nn.Neuron(1, activation="linear", weights=[2.0], bias=0.0)
            >>> BatchedModel(model, [0.0]).evaluate([[1.0], [3.0]], [0.0, 0.0], nn.mean_squared_error)[0]
            20.0
        """
        run, value, _, width = self._run_with_loss(X, y, loss)
        return value, as_outputs(run.outputs[:, :width])

    def per_example_gradients(
        self, X: Sequence[Sequence[Value | float]], y: Sequence[Target], loss: Callable[..., Value]
    ) -> Array:
        """Each example's share of ∂loss/∂parameter: (examples, ``model.parameters()``); ``.grad`` untouched.

        Example:
            >>> import nn
            >>> model = nn.Neuron(1, activation="linear", weights=[2.0], bias=0.0)
            >>> BatchedModel(model, [0.0]).per_example_gradients([[1.0], [3.0]], [0.0, 0.0], nn.mean_squared_error)
            array([[ 2.,  2.],
                   [18.,  6.]])
        """
        run, _, seed, _ = self._run_with_loss(X, y, loss)
        return run.per_example_grads(seed)

    def _run_with_loss(
        self,
        X: Sequence[Sequence[Value | float]],
        y: Sequence[Target],
        loss: Callable[..., Value],
        parameters: Array | None = None,
    ) -> tuple[batched.Run, float, Array, int]:
        """Run the model and the loss on one tape: the run, the mean loss, the backward seed, the model's outputs."""
        np = batched.numpy()
        n = len(X)
        if len(y) != n:
            raise ValueError(f"engine='batched' got {n} examples and {len(y)} targets; expected one target each.")
        losses = self._loss(loss)
        groups, rows = losses.assign(y, lambda i: self._outputs_of(X[i]))
        tape, slots, heads, checks = self._loss_tape(losses)
        leaves = self._masks(slots, n)
        for g, constants in enumerate(heads):
            table, varying = losses.groups[g].table()
            # Every example runs every head (one array operation for all); only its own head counts.
            chosen = rows if len(heads) == 1 else np.where(groups == g, rows, 0)
            for column in varying:  # the others (the 1 of 1 − y·s) stay the recorded constants
                leaves[constants[column]] = table[chosen, column]
        width = len(tape.outputs) - len(heads)
        # An example's loss is its own head's: another head's op outside its domain there is no error.
        counted = None if len(heads) == 1 else _OwnHead(width, len(heads), groups)
        run = tape.run(X, leaves, checked=self.checked, parameters=parameters, counted=counted)
        if any(checks):
            _check_outputs(run, checks, groups)
        seed = np.zeros((n, len(tape.outputs)))
        if len(heads) == 1:
            per_example = run.outputs[:, width]
            seed[:, width] = 1.0 / n
        else:
            everyone = np.arange(n)
            per_example = run.outputs[everyone, width + groups]
            seed[everyone, width + groups] = 1.0 / n
        value = float(per_example.sum() * (1.0 / n))  # as the scalar losses: (1/n)·Σ Lᵢ
        return run, value, seed, width

    def _loss(self, loss: Callable[..., Value]) -> BatchedLoss:
        if self._losses is None or self._losses.loss is not loss:
            example = [float(y.data) for y in self._tape()[0].outputs]
            self._losses = BatchedLoss(loss, self.parameters, example)
            if self.targets is not None:
                data = self.data
                if data is not None and len(data) == len(self.targets):
                    self._losses.assign(self.targets, lambda i: self._outputs_of(data[i]))
                else:
                    self._losses.assign(self.targets)
        return self._losses

    def _outputs_of(self, example: Sequence[Value | float]) -> list[float]:
        """The model's outputs for one example (dropout keeps every unit): where a new target's loss is recorded."""
        try:
            numbers = _numbers(example)
        except (TypeError, ValueError):  # not numbers: the run refuses it, naming the row and column
            return [float(y.data) for y in self._tape()[0].outputs]
        return list(self._tape()[0].run([numbers]).outputs[0].tolist())

    def _loss_tape(self, losses: BatchedLoss) -> LossTape:
        """The model and one loss head per group of targets on one tape (recorded again when a group is added)."""
        # A new group, or a constant that now differs between targets, needs another tape.
        key = (self.model.training, losses.shapes_version)
        found = self._loss_tapes.get(key)
        if found is not None and found[0] is losses:
            return found[1]
        # The heads are recorded on the model's recorded outputs: the model's graph (checked against
        # the data, its dropout masks matched) is not recorded again for each tape of heads.
        model, slots = self._tape()
        marks: list[int] = []
        loss_heads = []
        checks: list[Checks] = [[] for _ in losses.groups]
        recorded = [y.data for y in model.outputs]
        with batched.recording() as reads, enable_grad():
            for group, listed in zip(losses.groups, checks):
                marks.append(Value(0.0).serial)  # the head's constants are created after this mark
                # Each head computes on the outputs of an example with its target, where the scalar
                # engine computes it (the numbers shape nothing); the recorded ones are put back.
                for y, number in zip(model.outputs, group.outputs):
                    y.data = number
                try:
                    loss_heads.append(losses.one_example(model.outputs, group.target, listed))
                finally:
                    for y, number in zip(model.outputs, recorded):
                        y.data = number
            marks.append(Value(0.0).serial)
        if reads:
            raise batched.BatchedError(
                f"engine='batched' got loss={losses.name!r}, which read {batched.describe_nodes(reads)} as a number "
                "(float(v), or v in an `if`); the batched engine records the loss once, on one example's outputs, "
                "so a choice made on that number would be replayed for every example. Write the choice as "
                "arithmetic on a comparison, e.g. (d > 0) * d for `d if d > 0 else 0`, or use engine='scalar'."
            )
        tape = batched.Tape([*model.outputs, *loss_heads], model.parameters, model.inputs)
        heads = [[c for c in tape.constants if start < c.serial < end] for start, end in itertools.pairwise(marks)]
        for group, constants in zip(losses.groups, heads):
            if len(constants) != len(group.constants[0]):
                raise batched.BatchedError(
                    f"engine='batched' recorded loss={losses.name!r} with {len(constants)} constants next to the "
                    f"model, but {len(group.constants[0])} alone; its graph depends on more than the target. "
                    "Use engine='scalar' for this loss."
                )
        # Compiled again knowing which constants never change (all but the dropout masks and the loss
        # constants that differ between targets): a product with a fixed 1 is then no array operation.
        varying = {id(leaf) for _, masks in slots for _, leaf in masks}
        for group, constants in zip(losses.groups, heads):
            varying.update(id(constants[column]) for column in group.table()[1])
        fixed = [leaf for leaf in tape.constants if id(leaf) not in varying]
        tape = batched.Tape(tape.outputs, tape.parameters, tape.inputs, fixed=fixed)
        self._loss_tapes[key] = (losses, (tape, slots, heads, checks))
        return tape, slots, heads, checks


def _numbers(example: Sequence[Value | float]) -> list[float]:
    return [float(x) for x in example]


def as_outputs(outputs: Array) -> list[Output]:
    """Rows of an (examples, outputs) array as ``count_correct`` reads them: a number or a list per example.

    Example:
        >>> import numpy as np
        >>> as_outputs(np.array([[1.0], [2.0]])), as_outputs(np.array([[1.0, 2.0]]))
        ([1.0, 2.0], [[1.0, 2.0]])
    """
    if outputs.shape[1] == 1:
        return list(outputs[:, 0].tolist())
    return list(outputs.tolist())


Target = Any
"""One example's target, as the loss reads it: a number, a class index or a list of numbers."""


class _LossGroup:
    """Targets whose per-example loss graphs have one shape: one head on the tape.

    They differ only in their constants (the y of (ŷ − y)², the sign of a
    hinge): ``constants[k]`` holds target k's, in the order the loss creates them.
    """

    def __init__(self, target: Target, outputs: Sequence[float]) -> None:
        self.target = target  # the first target seen: the head is recorded with it
        self.outputs = list(outputs)  # ... on the outputs of an example with that target (see BatchedLoss.assign)
        self.constants: list[list[float]] = []
        self._table: Array | None = None
        self._varying: list[int] = []

    def add(self, constants: list[float]) -> int:
        """Add one target's constants; returns its row."""
        self.constants.append(constants)
        self._table = None
        return len(self.constants) - 1

    def table(self) -> tuple[Array, list[int]]:
        """The constants as a (targets, constants) array, and the columns that differ between targets."""
        if self._table is None:
            np = batched.numpy()
            self._table = np.array(self.constants, dtype=float).reshape(len(self.constants), -1)
            self._varying = [k for k in range(self._table.shape[1]) if (self._table[:, k] != self._table[0, k]).any()]
        return self._table, self._varying


class BatchedLoss:
    """A loss written with Values, as the batched engine records it: one head per shape of per-example graph.

    The loss of a batch is the mean of the examples' losses (every ``nn`` loss
    is; a user's loss is checked to be). For each distinct target y, the loss
    of one example, ``loss([ŷ], [y])``, is recorded once on an example's outputs
    (on the outputs of an example with that target, if the loss is undefined
    at the first; see ``assign``). Targets whose graphs have the same shape form a
    group, and the constants that differ (y itself, a sign) are given per
    example; a target that changes the shape (``if y == 0`` in the loss)
    starts a group of its own. ``BatchedModel`` records the model and one loss
    head per group on one tape, so the loss's ops run and differentiate like
    any other node: nothing is derived by hand. Every head runs on every
    example, but an example's loss is its own head's: another head outside an
    op's domain there is no error (``Tape.run``'s ``counted``).

    Args:
        loss: ``loss(outputs, targets) -> Value``.
        parameters: the model's parameters, for a loss that uses them (an L2 term).
        example: one example's outputs (numbers), to record each target's loss graph
            on (on an example with that target's outputs where it is undefined there).

    Example:
        >>> import nn
        >>> losses = BatchedLoss(nn.binary_cross_entropy_with_logits, [], [0.5])
        >>> groups, rows = losses.assign([1, 0, 1, 0.5])
        >>> groups.tolist(), rows.tolist()  # y = 1, y = 0 and 0 < y < 1 are three formulas
        ([0, 1, 0, 2], [0, 0, 0, 0])
    """

    def __init__(self, loss: Callable[..., Value], parameters: Sequence[Value], example: Sequence[float]) -> None:
        self.loss = loss
        self.name = getattr(loss, "__name__", repr(loss))
        self.parameters = list(parameters)
        self.example = list(example)
        self.groups: list[_LossGroup] = []
        self._shapes: dict[object, int] = {}
        np = batched.numpy()
        self._code_of: dict[object, int] = {}  # per target: which entry of _code_group and _code_row is its
        self._code_group: Index = np.zeros(0, dtype=np.intp)
        self._code_row: Index = np.zeros(0, dtype=np.intp)
        self._sorted_keys: Array = np.zeros(0)  # the number targets, sorted, and their codes
        self._sorted_codes: Index = np.zeros(0, dtype=np.intp)
        self._first: tuple[Target, float, Sequence[float]] | None = None
        self._varying: list[list[int]] = []
        self.shapes_version = 0  # changes when a group is added or one of its constants starts to vary

    def one_example(self, outputs: Sequence[Value], target: Target, checks: Checks | None = None) -> Value:
        """The loss of one example: ``loss([ŷ], [y])``, with ŷ one Value or a list of them.

        The checks the loss makes on the outputs' numbers (``nn.losses.OUTPUT_CHECKS``) are
        listed in ``checks`` rather than made: the outputs are one recorded example's, and the
        run makes them on every example's.
        """
        token = OUTPUT_CHECKS.set([] if checks is None else checks)
        try:
            return self.loss([outputs[0] if len(outputs) == 1 else list(outputs)], [target])
        finally:
            OUTPUT_CHECKS.reset(token)

    def assign(
        self, targets: Sequence[Target], outputs: Callable[[int], Sequence[float]] | None = None
    ) -> tuple[Index, Index]:
        """Each example's group and its row of constants, recording the loss for targets not seen before.

        ``outputs(i)``, when given, is the model's outputs for the example of ``targets[i]``:
        a new target's loss undefined at the recorded example's outputs (``DomainError``)
        is recorded on the outputs of an example that has that target, where the scalar
        engine computes it (−log ŷ[y] where another example's ŷ[y] < 0).
        """
        np = batched.numpy()
        n = len(targets)
        plain_numbers = set(map(type, targets)) <= {int, float}
        if self._code_of and plain_numbers:
            # Every target seen before (the common case after the first batch): a sorted search, no Python loop.
            numbers = np.array(targets, dtype=float)
            where = np.searchsorted(self._sorted_keys, numbers)
            np.minimum(where, len(self._sorted_keys) - 1, out=where)
            if (self._sorted_keys[where] == numbers).all():
                codes = self._sorted_codes[where]
                if len(self.groups) == 1:
                    return np.zeros(n, dtype=np.intp), codes
                return self._code_group[codes], self._code_row[codes]
        if plain_numbers:
            # One lookup per distinct target; then two C-level maps over the examples.
            first: dict[Target, int] = {}
            for i, target in enumerate(targets):
                first.setdefault(target, i)
            for target, i in first.items():  # in order of first appearance
                if target not in self._code_of:
                    self._lookup(target, None if outputs is None else functools.partial(outputs, i))
            keys: Sequence[object] = targets
        else:  # lists (several outputs), Values
            keys = [_key(target) for target in targets]
            for i, (key, target) in enumerate(zip(keys, targets)):
                if key not in self._code_of:
                    self._lookup(target, None if outputs is None else functools.partial(outputs, i))
        codes = np.fromiter(map(self._code_of.__getitem__, keys), dtype=np.intp, count=n)
        if len(self.groups) == 1:
            return np.zeros(n, dtype=np.intp), codes
        return self._code_group[codes], self._code_row[codes]

    def _lookup(self, target: Target, outputs: Callable[[], Sequence[float]] | None) -> None:
        np = batched.numpy()
        try:
            group, row = self._record(target, self.example)
        except DomainError:
            if outputs is None:
                raise
            # Undefined at the recorded example's outputs (−log ŷ[y] where ŷ[y] < 0): recorded where
            # the scalar engine computes it, on an example with this target (the numbers shape nothing).
            group, row = self._record(target, outputs())
        # One number per target (its group and row packed as a code), so assign() makes one array per batch.
        self._code_of[_key(target)] = len(self._code_group)
        self._code_group = np.append(self._code_group, group)
        self._code_row = np.append(self._code_row, row)
        numbers = sorted((float(key), code) for key, code in self._code_of.items() if type(key) in (int, float))  # type: ignore[arg-type]
        self._sorted_keys = np.array([key for key, _ in numbers], dtype=float)
        self._sorted_codes = np.array([code for _, code in numbers], dtype=np.intp)

    def _record(self, target: Target, example: Sequence[float]) -> tuple[int, int]:
        tape = batched.record(lambda outputs: self.one_example(outputs, target), self.parameters, example)
        self._check_mean(target, float(tape.outputs[0].data), example)
        shape = tuple(batched._signature(tape.outputs, tape._parameter_index, tape.inputs, constant_values=False))
        if shape not in self._shapes:
            self._shapes[shape] = len(self.groups)
            self.groups.append(_LossGroup(target, example))
        group = self._shapes[shape]
        row = self.groups[group].add([leaf.data for leaf in tape.constants])
        varying = [each.table()[1] for each in self.groups]
        if varying != self._varying:
            self._varying = varying
            self.shapes_version += 1
        return group, row

    def _check_mean(self, target: Target, alone: float, example: Sequence[float]) -> None:
        # Replaying per example is right only for a mean over examples: check it on two examples.
        if self._first is None:
            self._first = (target, alone, example)
            return
        first_target, first_alone, first_example = self._first
        pair = [[Value(x) for x in first_example], [Value(x) for x in example]]
        token = OUTPUT_CHECKS.set([])  # the recorded example's outputs: the run checks every example's
        try:
            together = self.loss([o[0] if len(o) == 1 else o for o in pair], [first_target, target]).data
        finally:
            OUTPUT_CHECKS.reset(token)
        expected = (first_alone + alone) / 2
        if math.isnan(expected):  # outputs that are not numbers (the run refuses them if the loss does): no evidence
            return
        if not abs(together - expected) <= 1e-9 * abs(expected) and together != expected:
            raise batched.BatchedError(
                f"engine='batched' got loss={self.name!r}, which gave {together!r} for two examples together but "
                f"{expected!r} as the mean of each alone; the batched engine replays the loss example by example, "
                "so it needs the mean of per-example losses (as every nn loss is). Use engine='scalar' for this loss."
            )


class _OwnHead(Sequence["Array | None"]):
    """Tape.run's ``counted`` for the model's outputs and one loss head per group: each head counts on its group.

    A mask is made only when asked for (an operand outside its domain): most batches need none.
    """

    def __init__(self, width: int, heads: int, groups: Index) -> None:
        self.width, self.heads, self.groups = width, heads, groups

    def __len__(self) -> int:
        return self.width + self.heads

    def __getitem__(self, k: int) -> Array | None:  # type: ignore[override]  # no slices: Tape.run indexes
        if not 0 <= k < len(self):
            raise IndexError(k)
        return None if k < self.width else self.groups == k - self.width


def _check_outputs(run: batched.Run, checks: list[Checks], groups: Index) -> None:
    """Make each head's checks on the outputs of its own examples; raise the first failure, as the scalar loss would.

    The scalar loss checks example after example, so the failure named is the one at the lowest index.
    """
    np = batched.numpy()
    failures: list[tuple[int, float, OutputCheck]] = []
    for g, listed in enumerate(checks):
        for node, check in listed:
            try:
                values = run.value_of(node)
            except KeyError:  # not replayed: a constant, checked where it was made
                continue
            refused = check.refused(values)
            if len(checks) > 1:
                refused = refused & (groups == g)
            bad = np.flatnonzero(refused)
            if len(bad):
                failures.append((int(bad[0]), float(values[bad[0]]), check))
    if failures:
        index, value, check = min(failures, key=lambda failure: failure[0])
        check.refuse(value, index)


def _key(target: Target) -> object:
    # A list target (several outputs) is keyed by its numbers; 1 and 1.0 are one target, as in the losses.
    if isinstance(target, Value):
        return float(target.data)
    if isinstance(target, Sequence) and not isinstance(target, str):
        return tuple(_key(t) for t in target)
    return target


def check_engine(function: str, engine: object, loss: Callable[..., Value]) -> None:
    """Raise a clear error for an unknown engine, or for engine="batched" without NumPy.

    Example:
        >>> import nn
        >>> check_engine("fit()", "gpu", nn.mean_squared_error)
        Traceback (most recent call last):
        ...
        ValueError: fit() got engine='gpu'; expected 'scalar' or 'batched'.
    """
    if engine not in ENGINES:
        raise ValueError(f"{function} got engine={engine!r}; expected 'scalar' or 'batched'.")
    if engine == "batched":
        batched.numpy()


def per_example_gradients(
    model: Module, X: Sequence[Sequence[Value | float]], y: Sequence[float], loss: Callable[..., Value]
) -> tuple[list[str], Array]:
    """Each example's contribution to ∂loss/∂parameter: the rows sum to the batch gradient.

    The model runs in its current mode (call ``model.eval()`` first to leave dropout out);
    no ``.grad`` is touched.

    Returns:
        ``(names, grads)``: the parameter names (``named_parameters`` order) and an
        (examples, parameters) array.

    Example:
        >>> import nn
        >>> model = nn.Neuron(1, activation="linear", weights=[1.0]).eval()
        >>> names, grads = per_example_gradients(model, [[1.0], [2.0]], [0.0, 0.0], nn.mean_squared_error)
        >>> names, grads.tolist()  # ∂/∂w (1/2)Σ(w·xᵢ + b)² = xᵢ·(w·xᵢ + b) per example
        (['weights.0', 'bias'], [[1.0, 1.0], [4.0, 2.0]])
    """
    named = model.named_parameters()
    check_engine("per_example_gradients()", "batched", loss)
    grads = BatchedModel(model, X[0]).per_example_gradients(X, y, loss)
    order = {id(p): i for i, p in enumerate(model.parameters())}
    return [name for name, _ in named], grads[:, [order[id(p)] for _, p in named]]
