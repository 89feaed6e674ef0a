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

import random
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from autograd import Value
from autograd.engine.recording import RECORDING
from autograd.modes import batched
from nn.dropout import Dropout
from nn.losses import Output
from nn.module import Module

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Array = NDArray[Any]
    Index = NDArray[np.intp]

ENGINES = ("scalar", "batched")


Draw = tuple[random.Random, Dropout, tuple[str, ...]]
Slots = list[tuple[random.Random, list[tuple[Dropout, Value]]]]


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
    ) -> None:
        self.model = model
        self.example = _numbers(example)
        self.check_with = None if check_with is None else _numbers(check_with)
        self.data = data
        self._tapes: dict[bool, tuple[batched.Tape, Slots]] = {}
        self._losses: BatchedLoss | None = None

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
            self._tapes[training] = self._record()
        return self._tapes[training]

    def _record(self) -> tuple[batched.Tape, Slots]:
        log: list[Draw] = []
        originals = [(m, m._rng) for _, m in self.model.named_modules() if isinstance(m, Dropout)]
        try:
            for dropout, generator in originals:
                dropout._rng = _Recorded(generator, dropout, log)  # type: ignore[assignment]
            tape = batched.record(self.model, self.model.parameters(), self.example)
            draws = log[:]
            self._check(tape)
        finally:
            for dropout, generator in originals:
                dropout._rng = generator
        # The i-th draw made in a scope made the i-th constant leaf of that scope.
        by_scope: dict[tuple[str, ...], list[Value]] = {}
        for leaf in tape.constants:
            by_scope.setdefault(leaf.scope, []).append(leaf)
        taken: dict[tuple[str, ...], int] = {}
        slots: dict[int, tuple[random.Random, list[tuple[Dropout, Value]]]] = {}
        for generator, dropout, scope in draws:
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
        # Under the recording generators: checking draws no dropout masks, so training is unchanged.
        if self.check_with is not None:
            tape.check(self.model, self.check_with)
        if self.data is None or len(self.data) < 2:
            return
        if not tape.depends_on_data:
            tape.check(self.model, _numbers(self.data[-1]), len(self.data) - 1)
            return
        for index, example in enumerate(self.data):
            tape.check(self.model, _numbers(example), index)

    def run(self, X: Sequence[Sequence[Value | float]] | Array) -> batched.Run:
        """The model over every example of ``X``, with fresh dropout masks in training mode.

        Example:
            >>> import nn
            >>> BatchedModel(nn.MLP(1, [2, 1], seed=0), [0.0]).run([[1.0], [2.0]]).size
            2
        """
        np = batched.numpy()
        tape, slots = self._tape()
        try:
            data = np.asarray(X, dtype=float)
        except (TypeError, ValueError):  # Values among the numbers
            data = np.array([[float(v) for v in x] for x in X])
        n = len(data)
        leaves: dict[Value, Array] = {}
        for generator, masks in slots:
            # Example after example, each drawing its masks in order: the scalar engine's sequence.
            draws = np.array([generator.random() for _ in range(n * len(masks))]).reshape(n, len(masks))
            for column, (dropout, leaf) in enumerate(masks):
                p = dropout.p
                scale = 1.0 / (1.0 - p) if p < 1.0 else 0.0
                leaves[leaf] = np.where(draws[:, column] >= p, scale, 0.0)
        return tape.run(data, leaves)

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
        self, X: Sequence[Sequence[Value | float]], y: Sequence[float], loss: Callable[..., Value]
    ) -> tuple[float, list[Output]]:
        """Forward and backward over a batch: adds ∂loss/∂parameter to each ``.grad``.

        Returns:
            ``(loss, outputs)``: the batch's mean loss and each example's outputs as floats.
        """
        run = self.run(X)
        value, output_grads = self._loss(loss).backward(run.outputs, y)
        run.backward(output_grads)
        return value, as_outputs(run.outputs)

    def evaluate(
        self, X: Sequence[Sequence[Value | float]], y: Sequence[float], loss: Callable[..., Value]
    ) -> tuple[float, list[Output]]:
        """The mean loss and the outputs, without gradients."""
        outputs = self.outputs(X)
        return self._loss(loss).value(outputs, y), as_outputs(outputs)

    def _loss(self, loss: Callable[..., Value]) -> BatchedLoss:
        if self._losses is None or self._losses.loss is not loss:
            self._losses = BatchedLoss(loss, self.model.parameters())
        return self._losses


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
    """One shape of the per-example loss graph, recorded on a tape over the model's outputs.

    Targets whose loss graphs differ only in their constants (the y of (ŷ − y)²,
    the sign of a hinge) share a group: each target's constants become
    per-example leaves. ``constants[k]`` holds target k's, in ``tape.constants`` order.
    """

    def __init__(self, tape: batched.Tape) -> None:
        self.tape = tape
        self.constants: list[list[float]] = []
        self._table: Array | None = None

    def add(self, constants: list[float]) -> int:
        """Add one target's constants; returns its row."""
        self.constants.append(constants)
        self._table = None
        return len(self.constants) - 1

    def table(self) -> Array:
        """The constants as a (targets, constants) array."""
        if self._table is None:
            np = batched.numpy()
            self._table = np.array(self.constants, dtype=float).reshape(len(self.constants), -1)
        return self._table


class BatchedLoss:
    """A loss written with Values, recorded per example on tapes over the model's outputs.

    The loss of a batch is the mean of the examples' losses (every ``nn`` loss
    is; a user's loss is checked to be). For each distinct target, the loss of
    one example with that target, ``loss([ŷ], [y])``, is recorded once with the
    outputs ŷ as the tape's inputs; targets whose graphs have the same shape
    share one tape, the constants that differ (y itself, a sign) given per
    example. A target that changes the graph's shape (``if y == 0`` in the loss)
    gets a tape of its own. Replaying the tapes gives each example's loss and,
    through the same backward sweep as the model's, ∂loss/∂ŷ, which seeds the
    model's backward. No loss is re-derived by hand.

    Args:
        loss: ``loss(outputs, targets) -> Value``.
        parameters: the model's parameters, for a loss that uses them (an L2 term).

    Example:
        >>> import numpy as np, nn
        >>> value, grads = BatchedLoss(nn.mean_squared_error, []).backward(np.array([[2.0], [4.0]]), [1.0, 1.0])
        >>> value, grads[:, 0].tolist()
        (5.0, [1.0, 3.0])
    """

    def __init__(self, loss: Callable[..., Value], parameters: Sequence[Value]) -> None:
        self.loss = loss
        self.parameters = list(parameters)
        self.groups: list[_LossGroup] = []
        self._shapes: dict[object, _LossGroup] = {}
        self._targets: dict[object, tuple[_LossGroup, int]] = {}
        self._first: tuple[list[float], Target, float] | None = None

    def value(self, outputs: Array, targets: Sequence[Target]) -> float:
        """The batch's mean loss, computed on the loss tapes.

        Example:
            >>> import numpy as np, nn
            >>> BatchedLoss(nn.hinge, []).value(np.array([[2.0], [0.5], [0.5]]), [1, 1, -1])  # (0 + 0.5 + 1.5) / 3
            0.6666666666666666
        """
        return self._run(outputs, targets, backward=False)[0]

    def backward(self, outputs: Array, targets: Sequence[Target]) -> tuple[float, Array]:
        """The batch's mean loss and ∂loss/∂outputs, an (examples, outputs) array.

        A parameter the loss itself uses (an L2 term) gets its part of the gradient in ``.grad``.
        """
        value, output_grads, _ = self._run(outputs, targets, backward=True)
        return value, output_grads

    def per_example(self, outputs: Array, targets: Sequence[Target]) -> tuple[Array, Array]:
        """∂loss/∂outputs per example and each example's share of ∂loss/∂parameter through the loss itself.

        Returns:
            ``(output_grads, parameter_grads)``: (examples, outputs) and
            (examples, parameters) arrays; ``.grad`` is untouched.
        """
        _, output_grads, parameter_grads = self._run(outputs, targets, backward=None)
        return output_grads, parameter_grads

    def _run(self, outputs: Array, targets: Sequence[Target], backward: bool | None) -> tuple[float, Array, Array]:
        np = batched.numpy()
        n, width = outputs.shape
        members = self._members(outputs, targets)
        losses = np.empty(n)
        output_grads = np.empty((n, width))
        parameter_grads = np.zeros((n if backward is None else 0, len(self.parameters)))
        for group, indices, rows in members:
            # One group for all (a hinge, a squared error): the whole batch, no gathering.
            chosen: Any = slice(None) if len(indices) == n else indices
            constants = group.table()[rows]
            tape = group.tape
            run = tape.run(outputs[chosen], {leaf: constants[:, k] for k, leaf in enumerate(tape.constants)})
            losses[chosen] = run.outputs[:, 0]
            if backward is False:
                continue
            seed = np.full((len(indices), 1), 1.0 / n)
            if backward is None:
                per_example = run.per_example_grads(seed)
                order = {id(p): i for i, p in enumerate(self.parameters)}
                columns = [order[id(p)] for p in tape.parameters]
                parameter_grads[np.ix_(indices, columns)] += per_example
            output_grads[chosen] = run.backward(seed) if backward else run.input_grads(seed)
        # As the scalar losses: (1/n)·Σ Lᵢ.
        return float(np.sum(losses) * (1.0 / n)), output_grads, parameter_grads

    def _members(self, outputs: Array, targets: Sequence[Target]) -> list[tuple[_LossGroup, Index, Index]]:
        """Per group that some example uses: the group, those examples and their rows of constants."""
        np = batched.numpy()
        try:
            numbers = np.asarray(targets, dtype=float)
        except (TypeError, ValueError):  # lists of numbers (several outputs), Values
            numbers = None
        if numbers is not None and numbers.ndim == 1:
            # One lookup per distinct target, not per example.
            _, first, inverse = np.unique(numbers, return_index=True, return_inverse=True)
            found = [self._lookup(outputs[i], targets[i]) for i in first.tolist()]
        else:
            found = [self._lookup(outputs[i], target) for i, target in enumerate(targets)]
            inverse = np.arange(len(found))
        group_index = {id(group): k for k, group in enumerate(self.groups)}
        groups = np.array([group_index[id(group)] for group, _ in found], dtype=np.intp)[inverse]
        rows = np.array([row for _, row in found], dtype=np.intp)[inverse]
        members = []
        for k, group in enumerate(self.groups):
            indices = np.flatnonzero(groups == k)
            if len(indices):
                members.append((group, indices, rows[indices]))
        return members

    def _lookup(self, outputs: Array, target: Target) -> tuple[_LossGroup, int]:
        key = _key(target)
        found = self._targets.get(key)
        if found is None:
            found = self._targets[key] = self._record(outputs.tolist(), target)
        return found

    def _record(self, outputs: list[float], target: Target) -> tuple[_LossGroup, int]:
        width = len(outputs)

        def one_example(leaves: list[Value]) -> Value:
            return self.loss([leaves[0] if width == 1 else leaves], [target])

        tape = batched.record(one_example, self.parameters, outputs, input_gradients=True)
        self._check_mean(outputs, target, tape)
        shape = _loss_shape(tape)
        group = self._shapes.get(shape)
        if group is None:
            used = {id(node) for node in tape.nodes}
            tape = batched.Tape(tape.outputs, [p for p in self.parameters if id(p) in used], tape.inputs, True)
            group = self._shapes[shape] = _LossGroup(tape)
            self.groups.append(group)
        return group, group.add([leaf.data for leaf in tape.constants])

    def _check_mean(self, outputs: list[float], target: Target, tape: batched.Tape) -> None:
        # Replaying per example is right only for a mean over examples: check it on two examples.
        alone = float(tape.outputs[0].data)
        if self._first is None:
            self._first = (outputs, target, alone)
            return
        first_outputs, first_target, first_alone = self._first
        pair = [[Value(x) for x in first_outputs], [Value(x) for x in outputs]]
        together = float(self.loss([o[0] if len(o) == 1 else o for o in pair], [first_target, target]).data)
        expected = (first_alone + alone) / 2
        if not abs(together - expected) <= 1e-9 * max(abs(expected), 1e-300) and together != expected:
            raise batched.BatchedError(
                f"engine='batched' got loss={getattr(self.loss, '__name__', self.loss)!r}, which gave {together!r} "
                f"for two examples together but {expected!r} as the mean of each alone; the batched engine replays "
                "the loss example by example, so it needs the mean of per-example losses (as every nn loss is). "
                "Use engine='scalar' for this loss."
            )


def _loss_shape(tape: batched.Tape) -> object:
    return tuple(batched._signature(tape.outputs, tape.parameters, tape.inputs, constant_values=False))


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
    run = BatchedModel(model, X[0]).run(X)
    parameters = [p for _, p in named]
    losses = BatchedLoss(loss, parameters)
    output_grads, from_loss = losses.per_example(run.outputs, y)
    per_example = run.per_example_grads(output_grads)
    order = {id(p): i for i, p in enumerate(run.tape.parameters)}
    return [name for name, _ in named], per_example[:, [order[id(p)] for p in parameters]] + from_loss
