"""Time travel: every mini-batch update of ``fit(..., record=True)``, kept so any of them can be revisited.

Each update keeps the batch's indices, its loss, the learning rate, the
parameters after the step and the gradients that moved them (float64, exact:
for plain SGD, each step's weights are the last ones minus the learning rate times its
gradients, to the bit). The batched engine's updates of a network without dropout
keep no gradients: they are computed again from the weights before, when asked.
At restart points (the
start, the first epoch end after every 16 updates (64 with the batched engine,
whose replays are ten times faster), and every update where a fork
or ``nn.Playground`` changed a setting) the recording also keeps what a restart
needs and the parameters do not say: the optimizer (its type, settings and
running numbers), the batch size, and the state of every random generator in the
model (dropout). So

- ``history.model_at(k)`` is the model after k updates, bit for bit;
- ``history.fork(k, learning_rate=...)`` restores update k exactly (it replays
  the few updates since the nearest restart point, each with its own optimizer
  and learning rate) and trains on with other settings; the new history shares
  the first k updates with this one, and a fork of a fork crosses every change;
- ``history.to_html(path)`` writes a page that replays the whole run offline.

Example:
    >>> import nn
    >>> X, y = nn.data.xor(40, seed=0)
    >>> history = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=2, batch_size=20, progress=False, record=True)
    >>> len(history.steps), history.steps[0].indices[:3]
    (4, (0, 27, 12))
    >>> faster = history.fork(2, learning_rate=0.1)
    >>> faster.steps[1] is history.steps[1], faster.steps[2] is history.steps[2]
    (True, False)
"""

from __future__ import annotations

import base64
import bisect
import copy
import html
import json
import math
import operator
import os
import random
import reprlib
import sys
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from autograd import AutogradError, Value
from nn.checks import as_index, is_finite_number, whole_number
from nn.data import batches
from nn.initializers import Seed, make_rng
from nn.module import Module
from nn.optimizers import Optimizer, Stepped
from nn.training import History, Loss, Step, Target, _step_function

Examples = Sequence[Sequence[Value | float]]


class _Same:
    """The type of ``SAME``: "keep this setting as it is" where None means something else (the full batch)."""

    def __repr__(self) -> str:
        return "SAME"


SAME = _Same()
"""``Recorder.change(batch_size=SAME)``: keep the batch size (None would mean the full batch)."""
CHANGES = ("learning_rate", "optimizer", "batch_size", "epochs")
"""What ``fork`` may change."""
CHECKPOINT_EVERY = {"scalar": 16, "batched": 64}
"""Updates at least between two epoch-end restart points, by engine: fork replays fewer than this + an epoch.

About a quarter of a second of replay either way for W2 (2-16-16-1) in batches of 20: the batched
engine replays an update in about 1.3 ms, the scalar one in about 13 ms.
"""


class TimeTravelError(AutogradError, ValueError):
    """A recorded history was asked for an update it does not have, or a change ``fork`` cannot make.

    Example:
        >>> issubclass(TimeTravelError, ValueError)
        True
    """


class Update:
    """One mini-batch update as recorded: which examples, the loss, the learning rate, the weights after.

    Attributes:
        epoch: the epoch it belongs to, counting from 1.
        loss: the batch's mean loss, before the step.
        learning_rate: the optimizer's learning rate at this step.
        parameters: every parameter after the step, in ``model.parameters()`` order (float64, exact).
        gradients: the gradients the step used, same order (float64, exact).

    Example:
        >>> import nn
        >>> X, y = nn.data.xor(10, seed=0)
        >>> step = nn.fit(nn.MLP(2, [1], seed=0), X, y, epochs=1, batch_size=4, progress=False, record=True).steps[2]
        >>> step.epoch, len(step.indices), len(step.parameters)
        (1, 2, 3)
    """

    __slots__ = ("_before", "_chunk", "_row", "_run", "_start", "_stop", "epoch", "learning_rate", "loss")

    def __init__(
        self,
        epoch: int,
        run: _Run,
        start: int,
        stop: int,
        loss: float,
        learning_rate: float,
        chunk: _Chunk,
        row: int,
        before: tuple[_Chunk, int] | None,
    ) -> None:
        # The epoch's shuffled order is made once, when first asked for, and shared; each update keeps its slice.
        # The numbers live in the recording's chunk (row `row`): one allocation for many updates. `before` is
        # where the weights before it are (None: the run's start), from which its gradients can be computed.
        self.epoch, self._run, self._start, self._stop = epoch, run, start, stop
        self.loss, self.learning_rate = loss, learning_rate
        self._chunk, self._row, self._before = chunk, row, before

    @property
    def parameters(self) -> array[float]:
        """Every parameter after the step (a copy: the recording keeps its own)."""
        return self._chunk.row(self._row)

    @property
    def gradients(self) -> array[float]:
        """The gradients the step used (a copy), bit for bit.

        Kept, or for the batched engine's updates of a model without dropout, computed
        again from the weights before the step and the batch, as the step computed them.
        """
        chunk = self._chunk
        if chunk.gradients is not None:
            return chunk.gradients[self._row * chunk.width : (self._row + 1) * chunk.width]
        before = self._run.start.parameters if self._before is None else self._before[0].row(self._before[1])
        return self._run.gradients(before, self.indices)

    @property
    def indices(self) -> tuple[int, ...]:
        """The positions in ``X`` of the batch's examples, in the order they were used."""
        return tuple(self._run.orders.of(self.epoch)[self._start : self._stop])

    def __repr__(self) -> str:
        return f"Update(epoch={self.epoch}, {self._stop - self._start} examples, loss={self.loss:.6g})"


_DOUBLE = array("d", [0.0])  # times n: n zeros in an array of exactly that size
CHUNK_BYTES = 32 << 10
"""About how much one chunk of recorded updates holds: 12 updates' weights of a 2-16-16-1 MLP (337
parameters), or 6 updates' weights and gradients.

Measured on the bench row (``benchmarks/run.py --only recording``, alternating runs of 5
processes each; the batched engine keeps weights only there): 8 kB, 1.054x; 16 kB, 1.045x;
32 kB, 1.040x; 64 kB, 1.043x. A new array per update, and weights with gradients in 64 kB
chunks, cost more (page faults, as freed chunks went back to the system between runs).
"""


class _Chunk:
    """The parameters (and gradients) of consecutive updates (float64, exact), allocated once for many.

    A row per update, in arrays made for several updates: fewer allocations between
    the batched engine's short steps (see ``CHUNK_BYTES``). A chunk made without
    gradients keeps the weights only: for updates whose gradients can be computed
    again exactly (``Update.gradients``), which halves the new memory an update
    writes. ``trim`` gives back the rows not filled when the recording is handed out.

    Example:
        >>> chunk = _Chunk(width=2, rows=4)
        >>> chunk.add_numbers([1.0, 2.0], [0.5, -1.5]), chunk.filled
        (0, 1)
        >>> chunk.trim(); list(chunk.parameters), list(chunk.gradients or ())
        ([1.0, 2.0], [0.5, -1.5])
    """

    __slots__ = ("_memory", "filled", "gradients", "parameters", "rows", "width")

    def __init__(self, width: int, rows: int, *, gradients: bool = True) -> None:
        self.width, self.rows, self.filled = width, rows, 0
        self.parameters = _DOUBLE * (width * rows)
        self.gradients: array[float] | None = _DOUBLE * (width * rows) if gradients else None
        self._memory = self._views()

    def _views(self) -> tuple[memoryview, memoryview | None]:
        return memoryview(self.parameters), None if self.gradients is None else memoryview(self.gradients)

    def __getstate__(self) -> tuple[int, int, int, array[float], array[float] | None]:
        # copy.deepcopy(history) and pickle: the arrays, not the views of them (which neither can copy).
        return self.width, self.rows, self.filled, self.parameters, self.gradients

    def __setstate__(self, state: tuple[int, int, int, array[float], array[float] | None]) -> None:
        self.width, self.rows, self.filled, self.parameters, self.gradients = state
        self._memory = self._views()

    def row(self, row: int) -> array[float]:
        """Row ``row``'s parameters, a copy."""
        return self.parameters[row * self.width : (row + 1) * self.width]

    def add_numbers(self, parameters: Sequence[float], gradients: Sequence[float]) -> int:
        """Fill the next row from numbers (the Values'); returns the row. The chunk keeps gradients."""
        row, width = self.filled, self.width
        parameters_memory, gradients_memory = self._memory
        assert gradients_memory is not None  # Recorder.update starts a chunk with gradients for these
        parameters_memory[row * width : (row + 1) * width] = array("d", parameters)
        gradients_memory[row * width : (row + 1) * width] = array("d", gradients)
        self.filled = row + 1
        return row

    def add_arrays(self, stepped: Stepped) -> int | None:
        """Fill the next row from the batched step's arrays (memory copies); None unless both are float64 rows."""
        values, gradients = stepped
        row, width = self.filled, self.width
        parameters_memory, gradients_memory = self._memory
        try:  # memoryview copies only between buffers of one format and size: float64, width numbers
            parameters_memory[row * width : (row + 1) * width] = values.data
            if gradients_memory is not None:
                gradients_memory[row * width : (row + 1) * width] = gradients.data
        except (TypeError, ValueError):
            return None
        self.filled = row + 1
        return row

    def trim(self) -> None:
        """Keep only the rows filled; the chunk takes no more (the next update starts another)."""
        if self.filled == self.rows:
            return  # full: nothing to give back (a copy would write its numbers again)
        used = self.filled * self.width
        self.parameters = self.parameters[:used]  # copies of the filled part: the old arrays go with their views
        if self.gradients is not None:
            self.gradients = self.gradients[:used]
        self._memory = self._views()
        self.rows = self.filled


@dataclass(frozen=True)
class _Rule:
    # An optimizer a run trained with, kept once and shared by every restart point that used it.
    template: Optimizer  # its type and settings (Optimizer.rebuilt_on), on no parameters: no running numbers
    names: tuple[str, ...]  # its parameters' names, for its state_dict
    positions: Sequence[int]  # where each of its parameters is in model.parameters()


class _Checkpoint(NamedTuple):
    # What restarting after `updates` updates needs beyond the parameters. The epoch in progress and the
    # position in its order are those of update `updates` (Update.epoch, and its batch's end).
    # A NamedTuple: made several times a run, where a frozen dataclass's __init__ costs five times as much.
    updates: int
    parameters: array[float]
    rule: _Rule
    optimizer_steps: int
    optimizer_layout: tuple[tuple[str, ...], ...]
    optimizer_values: array[float]
    generators: tuple[tuple[int, array[int], float | None], ...]
    batch_size: int | None  # the batch size the run goes on with from here


class _Orders:
    """The order fit visits the examples in, epoch by epoch: made only when asked for, then kept.

    fit shuffles with one generator, once an epoch, whatever the batch size; so the
    e-th shuffle from the generator's starting state is epoch e's order, in the run
    and in every fork of it. Training never waits for this copy of the shuffles.
    """

    def __init__(self, n: int, start: Seed | tuple[object, ...]) -> None:
        self.n, self.start = n, start  # fit's seed, or its generator's state when it was given a generator
        self._shuffler: random.Random | None = None  # made at the first question: a generator costs ~20 µs
        self._orders: list[array[int]] = []

    def of(self, epoch: int) -> array[int]:
        """Epoch ``epoch``'s order (counting from 1), as positions in ``X``."""
        positions = range(self.n)
        if self._shuffler is None:
            if isinstance(self.start, tuple):
                self._shuffler = random.Random()
                self._shuffler.setstate(self.start)
            else:
                self._shuffler = make_rng(self.start)
        while len(self._orders) < epoch:
            # The call fit makes, on the positions instead of the examples: the same shuffle.
            ((chosen, _),) = batches(positions, positions, None, shuffle=True, seed=self._shuffler)
            self._orders.append(array("I", chosen))
        return self._orders[epoch - 1]


@dataclass(frozen=True)
class _Run:
    # What every fork of one fit() call shares: the data, the loss, the starting point.
    X: Examples
    y: Sequence[Target]
    loss: Loss
    engine: str
    # The trained model, copied only when asked for, then set back to the start.
    live: Module
    start: _Checkpoint
    orders: _Orders
    # The batched engine's recording of the model, made when first asked for (Update.gradients).
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def gradients(self, parameters: array[float], indices: Sequence[int]) -> array[float]:
        """∂J/∂parameters for the batch ``indices`` at ``parameters``, as the batched step computed them.

        The same recording of the same model on the same numbers: the same gradients, bit for bit.
        Only for a model without random generators (dropout), whose steps depend on nothing else.
        """
        batched = self.cache.get("batched")
        if batched is None:
            from nn.batched import BatchedModel

            model = copy.deepcopy(self.live).train()  # as fit recorded it
            batched = self.cache["batched"] = BatchedModel(model, self.X[0], data=self.X, targets=self.y)
        np: Any = sys.modules["numpy"]  # imported by BatchedModel
        X, y, weights = self.X, self.y, np.array(parameters)
        _, _, found = batched.gradients([X[i] for i in indices], [y[i] for i in indices], self.loss, weights)
        gradients = _DOUBLE * len(found)
        memoryview(gradients)[:] = np.ascontiguousarray(found, dtype="d").data
        return gradients


def _generators(model: Module, modules: Sequence[Module] | None = None) -> list[random.Random]:
    # Dropout's mask generator, or any module's: they decide the next updates as much as the weights do.
    if modules is None:
        modules = [module for _, module in model.named_modules()]
    return [value for module in modules for value in vars(module).values() if isinstance(value, random.Random)]


def _settings(optimizer: Optimizer) -> dict[str, object]:
    # What makes two optimizers of one object differ for a restart; the learning rate is each update's own.
    return {name: value for name, value in optimizer.hyperparameters().items() if name != "learning_rate"}


def _restore_model(checkpoint: _Checkpoint, model: Module) -> None:
    # The weights and the random generators (dropout) exactly as they were at the restart point.
    for parameter, number in zip(model.parameters(), checkpoint.parameters):
        parameter.data = number
    for generator, (version, words, gauss_next) in zip(_generators(model), checkpoint.generators):
        generator.setstate((version, tuple(words), gauss_next))


def _restore_optimizer(owner: str, checkpoint: _Checkpoint, model: Module) -> Optimizer:
    # The optimizer of the restart point, with its running numbers, built on `model`'s parameters.
    parameters, rule = model.parameters(), checkpoint.rule
    if -1 in rule.positions:
        raise TimeTravelError(
            f"{owner} got a run whose {type(rule.template).__name__} also changes Values that are not the model's "
            "parameters; a restart can restore only the model's. Build the optimizer on the model: "
            f"nn.{type(rule.template).__name__}(model, ...)."
        )
    optimizer = rule.template.rebuilt_on([parameters[i] for i in rule.positions])
    optimizer.names = list(rule.names)
    numbers = iter(checkpoint.optimizer_values)
    state = optimizer.state
    for parameter, keys in zip(optimizer.parameters, checkpoint.optimizer_layout):
        state[parameter] = {key: next(numbers) for key in keys}
    optimizer.steps = checkpoint.optimizer_steps
    return optimizer


def _cut(start: int, stop: int, batch_size: int | None) -> list[tuple[int, int]]:
    size = batch_size or max(stop - start, 1)
    return [(first, min(first + size, stop)) for first in range(start, stop, size)]


class Recorder:
    """What ``fit(..., record=True)`` calls once per update; ``finish`` turns it into a ``RecordedHistory``.

    It follows fit's batches by shuffling the positions ``0 … n−1`` with a copy of
    fit's generator, the way fit shuffles the examples, so fit passes nothing but
    the loss.

    Example:
        >>> import nn
        >>> model = nn.MLP(1, [1], seed=0)
        >>> recorder = Recorder(model, [[1.0], [2.0]], [0, 1], nn.binary_cross_entropy_with_logits,
        ...                     nn.SGD(model, learning_rate=0.1), None, 0)
        >>> recorder.next_batch()  # positions 0 and 1 of this epoch's shuffled order
        (0, 2)
        >>> recorder.update(0.7); len(recorder.steps)
        1
        >>> recorder.finish(nn.History(train_loss=[0.7])).steps[0].loss
        0.7
    """

    def __init__(
        self,
        model: Module,
        X: Examples,
        y: Sequence[Target],
        loss: Loss,
        optimizer: Optimizer,
        batch_size: int | None,
        seed: Seed,
        engine: str = "scalar",
        run: _Run | None = None,
        *,
        walked: tuple[Sequence[Module], list[Value]] | None = None,
    ) -> None:
        # None would shuffle from the operating system's entropy, which no copy could follow: fix it now, as a
        # number (64 bits from the system) that fit and the orders' copy each make a generator from.
        self.seed: Seed = int.from_bytes(os.urandom(8), "little") if seed is None else seed
        self.model, self.optimizer, self.batch_size = model, optimizer, batch_size
        # fit walks the module tree once and passes what it found (``walked``: the modules, the parameters):
        # a walk of W2's 33 neurons costs more than a short run's recording.
        modules, self._parameters = walked or ([module for _, module in model.named_modules()], model.parameters())
        self._arrays_in_order = self._in_order(optimizer)
        self._layouts: dict[object, Any] = {}
        self._rule: tuple[Optimizer, dict[str, object], _Rule] | None = None  # the optimizer's, made at its first use
        self._steps: list[Update] = []
        # What update's fast path has copied but not yet made into Updates (_settle): each one's loss and bounds.
        self._pending: list[tuple[float, tuple[int, int]]] = []
        self._rate = math.nan  # the learning rate of the pending updates
        self._chunk = _Chunk(len(self._parameters), 0)  # full: the first update starts one of the right size
        self._last: tuple[_Chunk, int] | None = None  # where the last update's weights are (None: the start)
        self._generators = _generators(model, modules)
        # The batched step's gradients are kept only where they cannot be computed again: with dropout.
        self._keeps_gradients = bool(self._generators)
        self._memory: tuple[memoryview, memoryview | None] | None = None
        self._width = self._at = self._end = 0
        self._aim()
        # A list comprehension, not map(attrgetter): Python 3.11 reads a Value's slot twice as fast in one (measured).
        self.initial_parameters = array("d", [parameter.data for parameter in self._parameters])
        self.checkpoints: list[_Checkpoint] = []
        self._restart_point()
        if run is None:
            # A seed, or the generator's state (not the generator: fit's own, perhaps the caller's, is drawn from as
            # without recording).
            given = self.seed
            orders = _Orders(len(X), given.getstate() if isinstance(given, random.Random) else given)
            run = _Run(X, y, loss, engine, model, self.checkpoints[0], orders)
        self.run = run
        self.epochs_started = 0
        self._plan: list[tuple[int, int]] = []  # the batches left in the epoch in progress
        self._epoch_plan: tuple[int | _Same | None, list[tuple[int, int]]] = (SAME, [])  # a whole epoch's, by size
        self._checkpoint_every = CHECKPOINT_EVERY.get(engine, CHECKPOINT_EVERY["scalar"])

    def next_batch(self) -> tuple[int, int]:
        """The bounds in the current order of the next batch, starting a new epoch when this one is done (see above)."""
        if not self._plan:
            size, epoch = self._epoch_plan
            if size != self.batch_size:  # the first epoch, or a new batch size: cut once, copied every epoch
                size, epoch = self._epoch_plan = self.batch_size, _cut(0, len(self.run.X), self.batch_size)
            self._plan = list(epoch)
            self.epochs_started += 1
        return self._plan[0]

    def update(
        self, batch_loss: float, stepped: Stepped | None = None, *, write_back: Callable[[], None] | None = None
    ) -> None:
        """Record the update just made: the next batch of the plan, ``batch_loss`` and the model now (see above).

        ``stepped`` is what the batched engine's step returned (``Optimizer.step_arrays``): the
        new weights and the gradients as arrays, copied whole instead of read from every Value.
        ``write_back`` brings the Values up to date first when they must be read instead (the
        batched ``fit`` holds the weights in an array during an epoch).
        """
        plan = self._plan
        if not plan:
            self.next_batch()
            plan = self._plan
        bounds = plan.pop(0)
        memory, at = self._memory, self._at
        if stepped is not None and memory is not None and at < self._end:
            # The batched step's path: a copy into the chunk and a note, nothing more. Between two of its short
            # steps all the recorder's objects have left the cache, and each one read cost about 0.3 µs there
            # (measured inside fit): the Update objects are made together when the epoch ends (_settle).
            values, gradients = stepped
            stop = at + self._width
            # _Chunk.add_arrays' copy, inline (a call and the chunk object cost a cold read each): memoryview copies
            # only between buffers of one format and size, float64 and width numbers. Straight from the arrays, not
            # their .data: one object fewer to make (numpy's stubs do not say an array is a buffer).
            try:
                memory[0][at:stop] = values  # type: ignore[call-overload]
                if memory[1] is not None:
                    memory[1][at:stop] = gradients  # type: ignore[call-overload]
            except (TypeError, ValueError):
                pass  # not float64 rows: the slow path writes this row again from the Values
            else:
                if not self._pending:
                    self._rate = self._learning_rate()
                self._pending.append((batch_loss, bounds))
                self._at = stop
                if not plan:
                    self._end_epoch()
                return
        self._update_slowly(batch_loss, bounds, stepped, write_back)
        if not plan:
            self._end_epoch()

    def _update_slowly(
        self,
        batch_loss: float,
        bounds: tuple[int, int],
        stepped: Stepped | None,
        write_back: Callable[[], None] | None,
    ) -> None:
        # A new chunk, arrays that are not float64 rows, or no arrays at all (the scalar engine, the Playground).
        self._settle()
        row = None
        if stepped is not None and self._arrays_in_order:
            # Without random generators, the gradients can be computed again exactly (Update.gradients): keep
            # the weights only, half the memory an update takes.
            row = self._chunk_for(gradients=self._keeps_gradients).add_arrays(stepped)
        if row is None:
            if write_back is not None:
                write_back()
            parameters = self._parameters
            chunk = self._chunk_for(gradients=True)
            row = chunk.add_numbers([parameter.data for parameter in parameters], [p.grad for p in parameters])
        chunk = self._chunk
        learning_rate = self._learning_rate()
        start, stop = bounds
        self._steps.append(
            Update(self.epochs_started, self.run, start, stop, batch_loss, learning_rate, chunk, row, self._last)
        )
        self._last = (chunk, row)
        self._aim()

    def _learning_rate(self) -> float:
        # The optimizer's rate now (nan for one without a learning_rate): what an update records.
        return float(getattr(self.optimizer, "learning_rate", math.nan))

    def _settle(self) -> None:
        # The Updates of the rows the fast path copied since the last call, made in a row: all in this chunk from
        # its first free row on, in this epoch, at the learning rate read at the first of them (fit changes it only
        # between epochs; change(), which the Playground and fork use between updates, settles first).
        pending = self._pending
        if not pending:
            return
        chunk, run, epoch, learning_rate, last = self._chunk, self.run, self.epochs_started, self._rate, self._last
        row = chunk.filled
        append = self._steps.append
        for batch_loss, (start, stop) in pending:
            append(Update(epoch, run, start, stop, batch_loss, learning_rate, chunk, row, last))
            last = (chunk, row)
            row += 1
        chunk.filled, self._last = row, last
        pending.clear()

    def _end_epoch(self) -> None:
        # fit's Values are up to date here: one restart point every CHECKPOINT_EVERY updates bounds fork's replay.
        self._settle()
        if len(self._steps) - self.checkpoints[-1].updates >= self._checkpoint_every:
            self._restart_point()

    def _aim(self) -> None:
        # Where update's fast path writes next: into the current chunk, if it is of the kind the step's arrays fill.
        chunk = self._chunk
        fits = self._arrays_in_order and (chunk.gradients is not None) is self._keeps_gradients
        self._memory = chunk._memory if fits else None
        self._width, self._at, self._end = chunk.width, chunk.filled * chunk.width, chunk.rows * chunk.width

    def _handed_out(self) -> list[Update]:
        # The steps for a history: settled first, then the chunk in use trimmed to its filled rows (the next update
        # starts another), so a history keeps no unused memory and no later update writes into its rows.
        steps = self.steps
        self._chunk.trim()
        self._aim()
        return steps

    @property
    def steps(self) -> list[Update]:
        """Every update recorded so far, the epoch in progress's included."""
        self._settle()
        return self._steps

    @steps.setter
    def steps(self, steps: list[Update]) -> None:
        self._settle()
        self._steps = steps

    def _chunk_for(self, *, gradients: bool) -> _Chunk:
        # The chunk the next row goes in: this one, unless it is full or keeps gradients otherwise.
        chunk = self._chunk
        if chunk.filled == chunk.rows or (chunk.gradients is not None) != gradients:
            chunk.trim()
            width = len(self._parameters)
            rows = max(1, CHUNK_BYTES // ((16 if gradients else 8) * max(width, 1)))
            chunk = self._chunk = _Chunk(width, rows, gradients=gradients)
        return chunk

    def change(
        self,
        *,
        optimizer: Optimizer | None = None,
        learning_rate: float | None = None,
        batch_size: int | _Same | None = SAME,
    ) -> None:
        """Go on from the next update with another optimizer, learning rate or batch size; a restart point is kept here.

        Every replay that crosses this update (``model_at``, ``fork`` of this history or of
        its forks) then restarts here with these settings instead of replaying the old ones
        over it. A new batch size cuts the rest of the epoch in progress, in its order.

        Args:
            optimizer: a new optimizer, built on ``self.model``; it starts with no running numbers.
            learning_rate: a new learning rate for the optimizer (the new one, if both are given).
            batch_size: the new examples per update (None: the whole set); ``SAME`` keeps it.

        Example:
            >>> import nn
            >>> model = nn.MLP(1, [1], seed=0)
            >>> recorder = Recorder(model, [[1.0], [2.0]], [0, 1], nn.binary_cross_entropy_with_logits,
            ...                     nn.Adam(model), 1, 0)
            >>> recorder.change(optimizer=nn.SGD(model, learning_rate=0.5))
            >>> type(recorder.checkpoints[-1].rule.template).__name__, len(recorder.checkpoints)
            ('SGD', 1)
        """
        self._settle()  # the updates copied so far were made with the settings before (and _aim must not skip them)
        if optimizer is not None:
            self.optimizer = optimizer
            self._arrays_in_order = self._in_order(optimizer)
            self._aim()
        if learning_rate is not None:
            setattr(self.optimizer, "learning_rate", learning_rate)  # noqa: B010  (not every Optimizer declares it)
        if not isinstance(batch_size, _Same):
            self.batch_size = batch_size
            if self._plan:  # the rest of the epoch in its order, cut into the new size
                self._plan = _cut(self._plan[0][0], len(self.run.X), batch_size)
        self._restart_point()

    def _in_order(self, optimizer: Optimizer) -> bool:
        # The batched step's arrays follow the optimizer's parameters: usable only if those are the model's, in order.
        ours = optimizer.parameters
        return len(ours) == len(self._parameters) and all(map(operator.is_, ours, self._parameters))

    def _restart_point(self) -> None:
        # What a restart after the updates so far needs; one at the same update is replaced (the settings changed).
        optimizer = self.optimizer
        settings = _settings(optimizer)
        if self._rule is None or self._rule[0] is not optimizer or self._rule[1] != settings:
            positions: Sequence[int] = range(len(self._parameters))  # the common case, in 48 bytes
            if not self._arrays_in_order:
                where = {id(parameter): index for index, parameter in enumerate(self._parameters)}
                positions = tuple(where.get(id(parameter), -1) for parameter in optimizer.parameters)
            # Rebuilt on no parameters: on the run's 337 (W2), it would make a dict for each that no restart reads.
            template = optimizer.rebuilt_on(())
            self._rule = (optimizer, settings, _Rule(template, tuple(optimizer.names), positions))
        layout, values = optimizer.packed_state()
        # Shared tuples of keys: Adam's 337 parameters and all its epochs share one layout, stored once.
        # The last restart point's is the likely one, and comparing with it costs less than hashing.
        last = self.checkpoints[-1].optimizer_layout if self.checkpoints else None
        layout = last if layout == last else self._layouts.setdefault(layout, layout)
        packed = []
        for generator in self._generators:
            # A Mersenne Twister's 625 words as 2.5 kB instead of 625 Python ints (20 kB).
            version, words, gauss_next = generator.getstate()
            packed.append((version, array("I", words), gauss_next))
        steps = self.steps
        updates = len(steps)
        parameters = steps[-1].parameters if steps else self.initial_parameters
        checkpoint = _Checkpoint(
            updates, parameters, self._rule[2], optimizer.steps, layout, values, tuple(packed), self.batch_size
        )
        if self.checkpoints and self.checkpoints[-1].updates == updates:
            self.checkpoints[-1] = checkpoint
        else:
            self.checkpoints.append(checkpoint)

    def train_next(self, step: Step) -> float:
        """Make the next update of the plan as fit makes it, record it, and return its batch loss.

        Example:
            >>> import nn
            >>> model = nn.MLP(1, [1], seed=0)
            >>> recorder = Recorder(model, [[1.0], [2.0]], [0, 1], nn.binary_cross_entropy_with_logits,
            ...                     nn.SGD(model, learning_rate=0.1), 1, 0)
            >>> from nn.training import Step
            >>> loss = recorder.train_next(Step(model, nn.binary_cross_entropy_with_logits)); len(recorder.steps)
            1
        """
        start, stop = self.next_batch()
        run = self.run
        batch_loss = _train_on(step, self.optimizer, run.X, run.y, run.orders.of(self.epochs_started)[start:stop])
        self.update(batch_loss)
        return batch_loss

    def history(self) -> RecordedHistory:
        """Every update recorded so far, an epoch in progress included, as a ``RecordedHistory`` (see ``fork``)."""
        steps = self._handed_out()
        recorded = RecordedHistory(
            steps=list(steps),
            batch_size=self.batch_size,
            run=self.run,
            checkpoints=list(self.checkpoints),
            initial_parameters=self.initial_parameters,
        )
        recorded.train_loss = _epoch_losses(steps, len(self.run.X))
        return recorded

    def finish(self, history: History) -> RecordedHistory:
        """The history fit measured, with every update of its finished epochs.

        An epoch that Ctrl-C cut short is dropped, as fit drops it from the weights (example above).
        """
        steps = self._handed_out()
        kept = len(steps)
        if kept and steps[-1].epoch > history.epochs:  # the last epoch was cut short
            kept = bisect.bisect_right([step.epoch for step in steps], history.epochs)
        done = [checkpoint for checkpoint in self.checkpoints if checkpoint.updates <= kept]
        return RecordedHistory(
            **{name: getattr(history, name) for name in History.__dataclass_fields__},
            steps=steps[:kept],
            batch_size=self.batch_size,
            run=self.run,
            checkpoints=done,
            initial_parameters=self.initial_parameters,
        )


@dataclass
class RecordedHistory(History):
    """A ``History`` that kept every update: ``steps``, ``model_at(k)``, ``fork(k, ...)``, ``to_html(path)``.

    Attributes:
        steps: one ``Update`` per mini-batch update, in order.
        batch_size: the examples per update it was trained with (None: the full batch).
        val_loss_by_update: the validation loss before training and after every update, where it was
            measured that often (``nn.Playground`` does; ``fit`` measures ``val_loss`` after each epoch).

    Example:
        >>> import nn
        >>> X, y = nn.data.xor(20, seed=0)
        >>> history = nn.fit(nn.MLP(2, [3, 1], seed=0), X, y, epochs=3, batch_size=10, progress=False, record=True)
        >>> len(history.steps), history.epochs
        (6, 3)
    """

    steps: list[Update] = field(default_factory=list)
    batch_size: int | None = None
    run: _Run | None = field(default=None, repr=False)
    checkpoints: list[_Checkpoint] = field(default_factory=list, repr=False)
    initial_parameters: array[float] = field(default_factory=lambda: array("d"), repr=False)
    val_loss_by_update: list[float] = field(default_factory=list, repr=False)

    def _check_update(self, owner: str, k: object) -> int:
        index = as_index(k)
        if index is None or not 0 <= index <= len(self.steps):
            raise TimeTravelError(
                f"{owner} got k={k!r}; expected a whole number of updates from 0 (the initial model) to "
                f"{len(self.steps)} (the last update recorded)."
            )
        return index

    def _model(self, checkpoint: _Checkpoint | None = None) -> Module:
        # A new copy of the model at a restart point (the start by default), in training mode.
        if self.run is None:
            raise TimeTravelError("this History was not recorded; train with nn.fit(..., record=True) to travel in it.")
        # Copied now rather than at fit's start: a copy costs more than a short training run's recording.
        model = copy.deepcopy(self.run.live)
        _restore_model(checkpoint or self.run.start, model)
        model.train()
        return model

    def model_at(self, k: int) -> Module:
        """The model after ``k`` updates (0: before training), in eval mode; its weights bit for bit.

        Its dropout generators are left as they were at the start; ``fork`` restores them too.

        Args:
            k: how many updates, 0 … ``len(steps)``.

        Returns:
            A new model; the history is not changed.

        Raises:
            TimeTravelError: ``k`` is not a whole number in that range.

        Example:
            >>> import nn
            >>> X, y = nn.data.xor(20, seed=0)
            >>> history = nn.fit(nn.MLP(2, [3, 1], seed=0), X, y, epochs=1, batch_size=10, progress=False, record=True)
            >>> history.model_at(2).parameters()[0].data == history.steps[1].parameters[0]
            True
        """
        k = self._check_update("model_at()", k)
        model = self._model()
        numbers = self.steps[k - 1].parameters if k else self.initial_parameters
        for parameter, number in zip(model.parameters(), numbers):
            parameter.data = number
        model.eval()
        return model

    def fork(self, k: int, **changes: object) -> RecordedHistory:
        """Go back to update ``k`` and train on from there with other settings: a new, recorded history.

        The new history's first ``k`` steps are this one's (the same objects).
        The epoch in progress at ``k`` is finished in its recorded order, cut into
        the new ``batch_size``; later epochs are shuffled as fit would have. With
        no changes the fork repeats this run exactly: update ``k``'s optimizer,
        learning rate and batch size go on, whatever changed before or after it
        (a fork of a fork crosses every change bit for bit). The fork keeps a
        restart point at ``k`` with its own settings. Validation and callbacks
        do not carry over: ``nn.evaluate`` the forked model.

        Args:
            k: the update to branch at, 0 … ``len(steps)``.
            **changes: any of ``learning_rate`` (a number > 0), ``optimizer`` (an
                optimizer class such as ``nn.SGD``, built with the learning rate, or a function
                ``model → optimizer``; it starts with no running numbers), ``batch_size`` (a whole
                number or None) and ``epochs`` (the total, counting those before ``k``).

        Returns:
            The fork's ``RecordedHistory``; ``train_loss`` per epoch comes from its steps.

        Raises:
            TimeTravelError: ``k`` out of range, an unknown change, a change of the wrong kind, or a run
                whose replay does not give its recorded weights (something outside the model decided them).

        Example:
            >>> import nn
            >>> X, y = nn.data.xor(20, seed=0)
            >>> history = nn.fit(nn.MLP(2, [3, 1], seed=0), X, y, epochs=2, batch_size=10, progress=False, record=True)
            >>> len(history.fork(1, batch_size=5).steps)  # 1 shared + 2 to finish epoch 1 + 4 in epoch 2
            7
        """
        recorder, step, epochs = self.resume("fork()", k, changes)
        while recorder._plan or recorder.epochs_started < epochs:
            recorder.train_next(step)
        recorder.model.eval()
        return recorder.history()

    def resume(self, owner: str, k: int, changes: dict[str, object]) -> tuple[Recorder, Step, int]:
        """Update ``k`` restored exactly, with ``changes`` made: a recorder to train on with, its step, the epochs.

        It restores the nearest restart point at or before ``k`` (its optimizer, running numbers,
        batch size and random generators), replays the recorded updates from there to ``k``, each
        at its learning rate, checks the weights are the recorded ones, and makes ``changes``
        with ``Recorder.change`` (which keeps a restart point at ``k``). ``fork`` trains on to
        the end; ``nn.Playground`` one update at a time (``Recorder.train_next``). Arguments
        and errors are ``fork``'s; ``owner`` names the caller in them.

        Example:
            >>> import nn
            >>> X, y = nn.data.xor(20, seed=0)
            >>> history = nn.fit(nn.MLP(2, [3, 1], seed=0), X, y, epochs=1, batch_size=10, progress=False, record=True)
            >>> recorder, step, epochs = history.resume("fork()", 1, {})
            >>> recorder.train_next(step) == history.steps[1].loss, len(recorder.steps), epochs
            (True, 2, 1)
        """
        k = self._check_update(owner, k)
        unknown = sorted(set(changes) - set(CHANGES))
        if unknown:
            raise TimeTravelError(
                f"{owner} got {unknown[0]}={changes[unknown[0]]!r}; it can change only {', '.join(CHANGES)}. "
                "Other settings belong to a new nn.fit()."
            )
        # The nearest restart point at or before k: from there to k no setting changed but the learning rate.
        at = bisect.bisect_right([c.updates for c in self.checkpoints], k) - 1
        checkpoint = self.checkpoints[at]
        batch_size, epochs, learning_rate = self._changes(owner, changes, checkpoint.batch_size)
        last = self.steps[k - 1] if k else None
        begun = last.epoch if last is not None else 0
        if epochs < begun:
            raise TimeTravelError(
                f"{owner} got epochs={epochs!r}, but update {k} is in epoch {begun}; epochs counts the whole run, "
                f"so pass at least {begun}."
            )
        model = self._model(checkpoint)
        optimizer = _restore_optimizer(owner, checkpoint, model)
        run = self.run
        assert run is not None  # _model checked it
        step = _step_function(model, run.X, run.y, run.loss, run.engine, owner)
        # Each update with the learning rate it was made with: a fork (or a Playground) may have changed it.
        rated = hasattr(optimizer, "learning_rate")
        for update in self.steps[checkpoint.updates : k]:
            if rated and math.isfinite(update.learning_rate):
                optimizer.learning_rate = update.learning_rate  # type: ignore[attr-defined]
            _train_on(step, optimizer, run.X, run.y, update.indices)
        recorded = last.parameters if last is not None else self.initial_parameters
        if array("d", [parameter.data for parameter in model.parameters()]) != recorded:
            # Every setting a run can change starts a restart point, so this means something the recording does not
            # see decides the updates (a generator outside the model, a loss that changes): refuse rather than go on.
            raise TimeTravelError(
                f"{owner} got k={k}, but replaying the recorded updates up to it does not give the recorded weights; "
                "something outside the model and the optimizer changed how this run trained. Train it afresh with "
                "nn.fit()."
            )
        # No change asked: go on as this run went on from k (its next update's rate), or as it ended.
        following = self.steps[k] if k < len(self.steps) else last
        if rated and following is not None and math.isfinite(following.learning_rate):
            optimizer.learning_rate = following.learning_rate  # type: ignore[attr-defined]
        recorder = Recorder(model, run.X, run.y, run.loss, optimizer, checkpoint.batch_size, 0, run.engine, run)
        recorder.steps = self.steps[:k]
        recorder._last = None if last is None else (last._chunk, last._row)
        recorder.checkpoints = self.checkpoints[: at + 1]
        recorder.initial_parameters = self.initial_parameters
        recorder.epochs_started = begun
        if last is not None and last._stop < len(run.X):  # the rest of update k's epoch, in its order
            recorder._plan = _cut(last._stop, len(run.X), checkpoint.batch_size)
        new_optimizer = None
        if "optimizer" in changes:
            new_optimizer = _build_optimizer(changes["optimizer"], model, optimizer, learning_rate)
        if new_optimizer is None and learning_rate is not None and not rated:
            raise TimeTravelError(
                f"{owner} got learning_rate={learning_rate!r}, but {type(optimizer).__name__} has no learning_rate; "
                "pass optimizer= instead."
            )
        # The restart point at k: a fork of this fork that crosses k restarts with these settings.
        recorder.change(optimizer=new_optimizer, learning_rate=learning_rate, batch_size=batch_size)
        return recorder, step, epochs

    def _changes(
        self, owner: str, changes: dict[str, object], batch_size: int | None
    ) -> tuple[int | None, int, float | None]:
        # The changes fork checks before it replays anything: the batch size, the epochs, the learning rate.
        given = changes.get("batch_size", batch_size)
        if given is not None:
            try:
                given = whole_number(owner, "batch_size", given, alternative="None (full batch)")
            except (ValueError, TypeError) as error:
                raise TimeTravelError(str(error)) from None
        epochs_given = changes.get("epochs", self.steps[-1].epoch if self.steps else 1)
        epochs = as_index(epochs_given)
        if epochs is None or epochs < 1:
            raise TimeTravelError(f"{owner} got epochs={epochs_given!r}; expected a whole number of epochs ≥ 1.")
        learning_rate = changes.get("learning_rate")
        if learning_rate is not None and not (is_finite_number(learning_rate) and learning_rate > 0):
            raise TimeTravelError(
                f"{owner} got learning_rate={learning_rate!r}; the learning rate must be a number > 0."
            )
        return given, epochs, None if learning_rate is None else float(learning_rate)

    def to_html(self, path: str | os.PathLike[str], *, title: str = "Watch it learn", grid: int = 24) -> Path:
        """Write ONE self-contained page that replays the run: a slider over every update.

        The page shows the loss curve with the current update marked, the decision
        boundary over the data (2-D inputs; drawn in the browser from the packed
        weights on a ``grid`` × ``grid`` raster), the network with each weight's
        sign and size, and the gradients of that update. It makes no network request
        (a Content-Security-Policy forbids any) and is written atomically.

        Args:
            path: the ``.html`` file to write.
            title: the page heading.
            grid: the boundary's raster, cells per side.

        Returns:
            The path written.

        Raises:
            TimeTravelError: nothing was recorded, or the model is not a plain MLP of Dense layers.

        Example:
            >>> import nn
            >>> X, y = nn.data.xor(20, seed=0)
            >>> history = nn.fit(nn.MLP(2, [3, 1], seed=0), X, y, epochs=1, progress=False, record=True)
            >>> history.to_html("replay.html")  # doctest: +SKIP
            PosixPath('replay.html')
        """
        from autograd.files import write_atomically

        target = Path(path)
        text = _page(self, title, whole_number("to_html()", "grid", grid))
        write_atomically(target, text.encode("utf-8"), caller="to_html()")
        return target


def _train_on(step: Step, optimizer: Optimizer, X: Examples, y: Sequence[Target], indices: Sequence[int]) -> float:
    # One update exactly as fit makes it: zero the gradients, forward and backward on the batch, step.
    optimizer.zero_grad()
    batch_loss, _ = step([X[i] for i in indices], [y[i] for i in indices])
    optimizer.step()
    return batch_loss


def _build_optimizer(given: object, model: Module, current: Optimizer, learning_rate: object) -> Optimizer:
    rate = learning_rate if learning_rate is not None else getattr(current, "learning_rate", None)
    if isinstance(given, type) and issubclass(given, Optimizer):
        builder: Callable[..., object] = given
        built: object = builder(model, learning_rate=rate) if rate is not None else builder(model)
    elif callable(given) and not isinstance(given, Optimizer):
        built = given(model)
    else:
        built = given
    if not isinstance(built, Optimizer):
        raise TimeTravelError(
            f"fork() got optimizer={reprlib.repr(given)}; expected an optimizer class such as nn.SGD, or a function "
            "that builds one on the model it is given, such as lambda model: nn.SGD(model, learning_rate=0.1)."
        )
    return built


def _epoch_losses(steps: Sequence[Update], n: int) -> list[float]:
    # fit's own sum, in fit's order: each batch's mean loss weighted by its size, over the epoch's examples.
    losses: list[float] = []
    total, seen, epoch = 0.0, 0, 1
    for step in steps:
        total += step.loss * (step._stop - step._start)
        seen += step._stop - step._start
        if seen == n:
            losses.append(total / n)
            total, seen, epoch = 0.0, 0, epoch + 1
    return losses


# The activations the page's JavaScript re-implements to draw the boundary (nn/page/replay.js).
_PAGE_ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid", "linear")


def _page(history: RecordedHistory, title: str, grid: int) -> str:
    if history.run is None or not history.steps:
        raise TimeTravelError(
            "to_html() got a history with no recorded updates; train with nn.fit(..., record=True) first."
        )
    run, model = history.run, history.run.live
    layers = _dense_layers(model)
    width = len(run.X[0])
    if width != 2 or len(layers[-1]["bias"]) != 1:
        raise TimeTravelError(
            f"to_html() got a model of {width} inputs and {len(layers[-1]['bias'])} outputs; the replay draws a "
            "decision boundary in the plane, so it needs 2 inputs and 1 output, such as nn.MLP(2, [16, 16, 1])."
        )
    points = [float(v.data if isinstance(v, Value) else v) for example in run.X for v in example]
    xs, ys = points[0::2], points[1::2]
    pad_x, pad_y = 0.1 * (max(xs) - min(xs) or 1.0), 0.1 * (max(ys) - min(ys) or 1.0)
    steps = history.steps
    frames = array("f", history.initial_parameters)
    gradients, scales = array("b"), []
    indices: array[int] = array("I")
    batch_start = [0]
    for step in steps:
        frames.fromlist(step.parameters.tolist())
        # Gradients are drawn as sign and relative size: one byte each, scaled by the update's largest.
        largest = max((abs(g) for g in step.gradients if math.isfinite(g)), default=0.0) or 1.0
        scales.append(largest)
        gradients.extend(
            round(max(-1.0, min(1.0, g / largest)) * 127) if math.isfinite(g) else 0 for g in step.gradients
        )
        indices.extend(step.indices)
        batch_start.append(len(indices))
    # fit(validation=...) measures after each finished epoch: drawn at the update that ends it (a fork has none).
    # nn.Playground measures before training and after every update.
    if history.val_loss_by_update:
        after, measured = "update", list(enumerate(history.val_loss_by_update[: len(steps) + 1]))
    else:
        ends = [k for k, step in enumerate(steps, 1) if k == len(steps) or steps[k].epoch != step.epoch]
        after, measured = "epoch", list(zip(ends, history.val_loss))
    validation = [[at, loss] for at, loss in measured if math.isfinite(loss)]
    data = {
        "sizes": [width] + [len(layer["bias"]) for layer in layers],
        "layers": layers,
        "count": len(history.initial_parameters),
        "frames": len(steps) + 1,
        "parameters": _base64(frames),
        "gradients": _base64(gradients),
        "gradient_scale": scales,
        "indices": _base64(indices),
        "batch_start": batch_start,
        "loss": [step.loss for step in steps],
        "validation": validation,
        "validation_after": after,
        "epoch": [step.epoch for step in steps],
        "learning_rate": [step.learning_rate for step in steps],
        "points": points,
        "labels": [float(label) for label in run.y],
        "box": [min(xs) - pad_x, max(xs) + pad_x, min(ys) - pad_y, max(ys) + pad_y],
        "grid": grid,
        "output": "probability" if layers[-1]["activation"] == "sigmoid" else "score",
    }
    # "</" inside the JSON could close the script element early.
    text = json.dumps(data, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
    return (
        _read("replay.html")
        .replace("__STYLE__", _read("replay.css"))
        .replace("__SCRIPT__", _read("network.js") + _read("replay.js"))
        .replace("__DATA__", text)
        .replace("__TITLE__", html.escape(title))
    )


def _dense_layers(model: Module) -> list[dict[str, Any]]:
    # Each Dense layer as the page computes it: per neuron, the positions of its weights and bias in parameters().
    from nn.dense import Dense

    position = {id(parameter): index for index, parameter in enumerate(model.parameters())}
    layers: list[dict[str, Any]] = []
    for _, module in model.named_modules():
        if not isinstance(module, Dense):
            continue
        activation = module.neurons[0].activation
        if activation not in _PAGE_ACTIVATIONS:
            raise TimeTravelError(
                f"to_html() got a layer with activation={activation!r}; the page can draw "
                f"{', '.join(_PAGE_ACTIVATIONS)}."
            )
        layers.append(
            {
                "activation": activation,
                "weights": [[position[id(w)] for w in neuron.weights] for neuron in module.neurons],
                "bias": [position[id(neuron.bias)] for neuron in module.neurons],
            }
        )
    covered = sum(len(layer["bias"]) * (1 + len(layer["weights"][0])) for layer in layers)
    if not layers or covered != len(position):
        raise TimeTravelError(
            f"to_html() got {type(model).__name__}, which is not a chain of nn.Dense layers (and Dropout); the page "
            "draws networks such as nn.MLP(2, [16, 16, 1])."
        )
    return layers


def _base64(numbers: array[Any]) -> str:
    if sys.byteorder == "big":  # the page reads little-endian, as every browser's typed arrays do here
        numbers = array(numbers.typecode, numbers)
        numbers.byteswap()
    return base64.b64encode(numbers.tobytes()).decode("ascii")


def _read(name: str) -> str:
    return resources.files("nn").joinpath("page").joinpath(name).read_text(encoding="utf-8")
