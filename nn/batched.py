"""Run an ``nn`` model over a whole batch at once with ``autograd.modes.batched`` (``fit(..., engine="batched")``).

The model's graph for one example is recorded once per mode (training,
evaluation) and replayed over every batch with NumPy. Two things differ per
example and are handled here:

* dropout masks: each ``Dropout`` draws its masks from its own random
  generator in the same order as the scalar engine (example after example), so
  the same seeds give the same weights;
* the loss: a built-in loss is computed on the outputs as arrays, with the
  same formula and the same gradient as its scalar form in ``nn.losses``.

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

import math
import random
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from autograd import Value
from autograd.engine.recording import RECORDING
from autograd.modes import batched
from nn.dropout import Dropout
from nn.losses import (
    Output,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge,
    mean_squared_error,
)
from nn.module import Module

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Array = NDArray[Any]

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
        value, output_grads = array_loss(loss, run.outputs, y)
        run.backward(output_grads)
        return value, as_outputs(run.outputs)

    def evaluate(
        self, X: Sequence[Sequence[Value | float]], y: Sequence[float], loss: Callable[..., Value]
    ) -> tuple[float, list[Output]]:
        """The mean loss and the outputs, without gradients."""
        outputs = self.outputs(X)
        return array_loss(loss, outputs, y)[0], as_outputs(outputs)


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


def array_loss(loss: Callable[..., Value], outputs: Array, targets: Sequence[Any]) -> tuple[float, Array]:
    """A built-in loss on an (examples, outputs) array: its mean value and ∂loss/∂outputs.

    The formulas are those of ``nn.losses`` (same clamps, same stable forms),
    so the numbers match the scalar engine's to rounding.

    Raises:
        ValueError: a loss that is not one of ``nn``'s built-in losses.

    Example:
        >>> import numpy as np, nn
        >>> value, grads = array_loss(nn.mean_squared_error, np.array([[2.0], [4.0]]), [1.0, 1.0])
        >>> value, grads[:, 0].tolist()
        (5.0, [1.0, 3.0])
    """
    np = batched.numpy()
    n = outputs.shape[0]
    mean = 1.0 / n
    m = batched.NUMPY_MATH
    with np.errstate(all="ignore"):
        if loss is mean_squared_error:
            t = np.asarray(targets, dtype=float).reshape(n, -1)
            difference = outputs - t
            mean = 1.0 / difference.size
            return float(np.sum(difference**2) * mean), mean * (2.0 * difference)
        if loss is binary_cross_entropy_with_logits:
            z, t = outputs[:, 0], np.asarray(targets, dtype=float)
            value = m.softplus(z) - t * z
            return float(np.sum(value) * mean), (mean * m.sigmoid(z) - mean * t)[:, None]
        if loss is hinge:
            s = outputs[:, 0]
            sign = np.where(np.asarray(targets, dtype=float) > 0.0, 1.0, -1.0)
            margin = 1.0 - sign * s
            inside = margin > 0.0
            return float(np.sum(np.where(inside, margin, 0.0)) * mean), (-(mean * inside) * sign)[:, None]
        if loss is binary_cross_entropy:
            p, t = outputs[:, 0], np.asarray(targets, dtype=float)
            smallest = math.exp(-100.0)  # the clamp of nn.losses, as PyTorch's BCELoss
            kept, kept_not = np.clip(p, smallest, 1.0), np.clip(1.0 - p, smallest, 1.0)
            inside = (p >= smallest) & (p <= 1.0)
            inside_not = (1.0 - p >= smallest) & (1.0 - p <= 1.0)
            terms = np.where(t != 0.0, t * np.log(kept), 0.0) + np.where(t != 1.0, (1.0 - t) * np.log(kept_not), 0.0)
            grad = np.where(t != 0.0, -mean * t / kept * inside, 0.0)
            grad = grad + np.where(t != 1.0, mean * (1.0 - t) / kept_not * inside_not, 0.0)
            return float(np.sum(-terms) * mean), grad[:, None]
        if loss is cross_entropy:
            classes = np.asarray(targets, dtype=np.intp)
            largest = outputs.max(axis=1)
            shift = np.where(np.isfinite(largest), largest, 0.0)[:, None]
            exponentials = np.exp(outputs - shift)
            total = exponentials.sum(axis=1, keepdims=True)
            chosen = outputs[np.arange(n), classes]
            value = np.log(total)[:, 0] + shift[:, 0] - chosen
            grad = (mean * (1.0 / total)) * exponentials
            grad[np.arange(n), classes] -= mean
            return float(np.sum(value) * mean), grad
    known = ", ".join(f.__name__ for f in LOSSES)
    raise ValueError(
        f"engine='batched' got loss={getattr(loss, '__name__', loss)!r}; the batched engine computes the built-in "
        f"losses ({known}) on arrays. Use one of them, or engine='scalar' for a custom loss."
    )


LOSSES = (mean_squared_error, binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, hinge)


def check_engine(function: str, engine: object, loss: Callable[..., Value]) -> None:
    """Raise a clear error for an unknown engine, or a loss the batched engine cannot run.

    Example:
        >>> check_engine("fit()", "gpu", mean_squared_error)
        Traceback (most recent call last):
        ...
        ValueError: fit() got engine='gpu'; expected 'scalar' or 'batched'.
    """
    if engine not in ENGINES:
        raise ValueError(f"{function} got engine={engine!r}; expected 'scalar' or 'batched'.")
    if engine == "batched":
        batched.numpy()
        if loss not in LOSSES:
            known = ", ".join(f.__name__ for f in LOSSES)
            raise ValueError(
                f"{function} got engine='batched' and loss={getattr(loss, '__name__', loss)!r}; the batched engine "
                f"computes the built-in losses ({known}) on arrays. Use one of them, or engine='scalar'."
            )


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
    _, output_grads = array_loss(loss, run.outputs, y)
    per_example = run.per_example_grads(output_grads)
    order = {id(p): i for i, p in enumerate(run.tape.parameters)}
    return [name for name, _ in named], per_example[:, [order[id(p)] for _, p in named]]
