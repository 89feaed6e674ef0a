"""``nn.fit``: the training loop, epoch after epoch of mini-batch gradient descent.

Each step takes a batch, runs the model on every example, averages the loss,
backpropagates, and lets the optimizer move the weights. After each epoch it
measures the validation set, so ``History`` shows the training and validation
curves that reveal overfitting.

Example:
    >>> import nn
    >>> X, y = nn.data.pass_fail(40, seed=0)
    >>> model = nn.MLP(2, [3, 1], seed=0)
    >>> history = nn.fit(model, X, y, epochs=3, progress=False)
    >>> len(history.train_loss), history.epochs
    (3, 3)
"""

from __future__ import annotations

import math
import operator
import reprlib
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from autograd import OPS, DomainError, Value, cycle_collector_paused, enable_grad, no_grad
from nn.checks import evaluating, is_finite_number, same_length, whole_number
from nn.data import Examples, Targets, batches, examples, targets
from nn.early_stopping import Callback
from nn.initializers import Seed, make_rng
from nn.losses import (
    Output,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge,
    mean_squared_error,
)
from nn.module import Module
from nn.optimizers import Adam, Optimizer, Stepped

if TYPE_CHECKING:  # nn.history imports this module
    from nn.history import Recorder

Target = float
_data = operator.attrgetter("data")
_FLOAT = {float}
Loss = Callable[[Sequence[Output], Sequence[Target]], Value]


class _Bar(Protocol):
    def set_postfix(self, values: dict[str, str]) -> None: ...
    def update(self, n: int) -> None: ...
    def close(self) -> None: ...


@dataclass
class History:
    """What ``fit`` measured, one entry per finished epoch.

    Attributes:
        train_loss: the mean loss over the epoch's training batches.
        val_loss: the loss on the whole validation set after the epoch.
        train_accuracy: the share of training examples classified right during the epoch.
        val_accuracy: the share of validation examples classified right.
        best_epoch: the epoch whose weights early stopping kept (counting from 1), or None.
        stopped_epoch: the epoch early stopping ended training at, or None.
        interrupted: training was stopped with Ctrl-C.
        seconds: wall-clock training time.

    Accuracy lists stay empty for a loss that does not classify (regression).

    Example:
        >>> History(train_loss=[0.7, 0.5]).epochs
        2
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_epoch: int | None = None
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def epochs(self) -> int:
        """How many epochs finished."""
        return len(self.train_loss)


def fit(
    model: Module,
    X: Examples,
    y: Targets,
    loss: Loss = binary_cross_entropy_with_logits,
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = 32,
    validation: tuple[Examples, Targets] | None = None,
    callbacks: Sequence[Callback] = (),
    progress: bool = True,
    seed: Seed = 0,
    engine: str = "scalar",
    record: bool = False,
) -> History:
    """Train ``model`` on ``(X, y)``: for each epoch, for each batch, forward, loss, backward, step.

    Ctrl-C stops cleanly: the epoch in progress is dropped, the weights are
    those of the last finished epoch (or the best, with ``EarlyStopping``),
    and the history so far is returned. The model is left in eval mode.

    Args:
        model: the network, e.g. ``nn.MLP(2, [16, 16, 1])``.
        X: the training examples: a list of lists, a 2-D NumPy array of any
            real dtype or a pandas DataFrame (see ``nn.data.examples``).
        y: their targets (0/1, class indices, or numbers for regression), as
            a list, a NumPy array or a pandas Series.
        loss: ``loss(outputs, targets) -> Value``; the default suits raw
            scores with 0/1 targets.
        optimizer: the default is ``nn.Adam(model, learning_rate=0.01)``.
        epochs: passes over the training set.
        batch_size: examples per step; 1 is SGD, None the full batch.
        validation: ``(X_val, y_val)``, measured after every epoch.
        callbacks: e.g. ``[nn.EarlyStopping(patience=10)]``.
        progress: show a tqdm progress bar with the loss.
        seed: the order batches are shuffled in.
        engine: ``"scalar"`` builds one graph per example; ``"batched"`` records
            the model's graph once and replays it over each batch with NumPy
            (many times faster; see ``autograd.modes.batched``). The same op
            rules, but not the same bits: its matrix products and sums over a
            batch add in another order, and NumPy's exp, log and tanh may differ
            from the ``math`` module's in the last bit. From the same weights,
            one step's outputs and loss agree to 1e-12 relative and each
            gradient to 1e-12 of the largest, unless rounding moves a
            pre-activation across a kink (relu at exactly 0); trained weights
            drift apart by rounding only (on W2, 2e-15 after 300 epochs).
            What code decides from a number is replayed for each example where
            the engine can see it: comparisons (``(z > 0) * z``) and
            ``x.detach()`` are computed per example, and ``detect_anomaly()``
            checks every example; a number read in the model (``float(v)``,
            ``if v > 0:``) has every example's graph checked, while one read in
            the loss, or a value computed under ``no_grad()``, is refused.
            Reading ``v.data`` cannot be seen: use the scalar engine there.
        record: keep every mini-batch update, for ``model_at``, ``fork`` and
            ``to_html`` (see ``nn.history``).

    Returns:
        The ``History`` of losses and accuracies; with ``record=True`` a
        ``RecordedHistory`` that also has ``.steps``.

    Every example, target and the validation set are checked before the first
    update, so a bad one is reported by its index in ``X`` / ``y`` and the
    weights are untouched.

    Raises:
        ValueError: empty data, X and y of different lengths, an example of the
            wrong length or with a non-number, nan or inf, a target the loss
            cannot use, ``epochs`` < 1 or ``batch_size`` < 1, a sigmoid output
            with a loss that expects raw scores (it would stall silently).
        TypeError: ``model``, ``loss``, ``optimizer`` or a callback of the wrong kind.

    Example:
        >>> import nn
        >>> X, y = nn.data.xor(20, seed=0)
        >>> history = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=2, validation=(X, y), progress=False)
        >>> len(history.val_accuracy)
        2
    """
    _check_model("fit()", model)
    X, y = examples("fit()", X), targets("fit()", y)
    if isinstance(validation, (tuple, list)) and len(validation) == 2:
        validation = (examples("fit()", validation[0], "X_val"), targets("fit()", validation[1], "y_val"))
    try:
        epochs, batch_size = _check_fit(model, X, y, loss, optimizer, epochs, batch_size, validation, callbacks)
        step = _step_function(model, X, y, loss, engine, "fit()", checked=True)
        if optimizer is None:
            optimizer = Adam(model, learning_rate=0.01)
        # record=True (nn.history): one recorder call per update; the recorder may fix seed=None to a generator.
        # Walked once: the model's modules and parameters do not change while it trains, so each
        # epoch's own work is a flag check and a copy of the weights (it was two walks of the
        # module tree and a state_dict(): most of an epoch of the batched engine on W2).
        walked = ([module for _, module in model.named_modules()], model.parameters())
        recorder = None
        if record:
            from nn.history import Recorder

            recorder = Recorder(model, X, y, loss, optimizer, batch_size, seed, engine, walked=walked)
            seed = recorder.seed
        history = _train(
            model, X, y, loss, optimizer, epochs, batch_size, validation, callbacks, progress, seed, step, walked,
            recorder,
        )
        return history if recorder is None else recorder.finish(history)
    finally:
        model.eval()


def _train(
    model: Module,
    X: Sequence[Sequence[Value | float]],
    y: Sequence[Target],
    loss: Loss,
    optimizer: Optimizer,
    epochs: int,
    batch_size: int | None,
    validation: tuple[Sequence[Sequence[Value | float]], Sequence[Target]] | None,
    callbacks: Sequence[Callback],
    progress: bool,
    seed: Seed,
    step: Step,
    walked: tuple[list[Module], list[Value]],
    recorder: Recorder | None = None,
) -> History:
    rng = make_rng(seed)
    history = History()
    bar = _progress_bar(epochs) if progress else None
    for callback in callbacks:
        callback.on_train_begin(model)
    modules, parameters = walked
    finished = [parameter.data for parameter in parameters]  # the last whole epoch, for Ctrl-C
    started = time.perf_counter()
    try:
        for epoch in range(1, epochs + 1):
            if not all(module.training for module in modules):
                model.train()
            total, right, counted = 0.0, 0, 0
            step.begin(optimizer)
            # The graphs are acyclic, so the cycle collector's scans of them are pure cost.
            try:
                with cycle_collector_paused():
                    for X_batch, y_batch in batches(X, y, batch_size, shuffle=True, seed=rng):
                        step.zero_grad(optimizer)
                        batch_loss, outputs = step(X_batch, y_batch)
                        stepped = step.update(optimizer)
                        if recorder is not None:
                            # The recorder copies the stepped arrays; it reads the Values only when it cannot.
                            recorder.update(batch_loss, stepped, write_back=step.write_back)
                        total += batch_loss * len(X_batch)
                        correct = count_correct(outputs, y_batch, loss)
                        if correct is not None:
                            right, counted = right + correct, counted + len(X_batch)
            finally:
                # Before anything reads the model (validation, callbacks, Ctrl-C, an error's traceback).
                step.end()
            history.train_loss.append(total / len(X))
            if counted:
                history.train_accuracy.append(right / counted)
            if validation is not None:
                # The validation set and the model's output were checked before the first epoch.
                with _switched_off(modules):
                    val_loss, val_outputs = step.evaluate(*validation)
                history.val_loss.append(val_loss)
                val_correct = count_correct(val_outputs, validation[1], loss)
                if val_correct is not None:
                    history.val_accuracy.append(val_correct / len(validation[0]))
            finished = [parameter.data for parameter in parameters]
            if bar is not None:
                bar.set_postfix(_postfix(history))
                bar.update(1)
            monitored = history.val_loss[-1] if validation is not None else history.train_loss[-1]
            stops = [callback.on_epoch_end(epoch, monitored, model) for callback in callbacks]
            if any(stops):
                history.stopped_epoch = epoch
                break
    except KeyboardInterrupt:
        # The interrupted epoch may have stopped mid-update: go back to the last whole one, as it was. Not
        # load_state_dict(): it refuses the nan of a diverged run, and must not raise inside this handler.
        history.interrupted = True
        for parameter, value in zip(parameters, finished):
            parameter.data = value
    finally:
        if bar is not None:
            bar.close()
    for callback in callbacks:
        callback.on_train_end(model)
        chosen = getattr(callback, "best_epoch", None)
        if isinstance(chosen, int):
            history.best_epoch = chosen
    history.seconds = time.perf_counter() - started
    return history


@contextmanager
def _switched_off(modules: Sequence[Module]) -> Iterator[None]:
    # evaluating() for a module list fit already walked: eval mode inside, each flag back after.
    modes = [module.training for module in modules]
    for module in modules:
        module.training = False
    try:
        yield
    finally:
        for module, training in zip(modules, modes):
            module.training = training


def evaluate(
    model: Module,
    X: Examples,
    y: Targets,
    loss: Loss = binary_cross_entropy_with_logits,
    engine: str = "scalar",
) -> tuple[float, float | None]:
    """The loss and accuracy on a data set, in eval mode and without recording a graph.

    Args:
        model: the network.
        X: the examples (a list, a NumPy array or a pandas DataFrame, as for ``fit``).
        y: their targets.
        loss: the loss to report.
        engine: ``"scalar"`` or ``"batched"`` (see ``fit``).

    Returns:
        ``(loss, accuracy)``; accuracy is None for a loss that does not classify.

    Raises:
        ValueError: empty data, X and y of different lengths, or a sigmoid
            output with a loss that expects raw scores.
        TypeError: ``model`` is not an ``nn.Module``, or ``loss`` is not a function.

    Example:
        >>> import nn
        >>> neuron = nn.Neuron(1, activation="linear", weights=[1.0])
        >>> evaluate(neuron, [[-2.0], [3.0]], [0, 1])
        (0.08775..., 1.0)
    """
    _check_model("evaluate()", model)
    _check_loss("evaluate()", loss)
    X, y = examples("evaluate()", X), targets("evaluate()", y)
    _check_data("evaluate()", X, y)
    _check_output_matches_loss("evaluate()", _probe(model, X[0]), loss)
    with evaluating(model):
        value, outputs = _step_function(model, X, y, loss, engine, "evaluate()").evaluate(X, y)
    correct = count_correct(outputs, y, loss)
    return value, None if correct is None else correct / len(X)


def predict(model: Module, X: Examples) -> list[float | list[float]]:
    """The model's outputs for every example, as numbers, in eval mode and without recording a graph.

    Args:
        model: the network.
        X: the examples (a list, a NumPy array or a pandas DataFrame, as for ``fit``).

    Returns:
        One output per example: a float, or a list of floats for a model with several outputs.

    Raises:
        ValueError: no examples, or an example that is not a list of finite numbers.
        TypeError: ``model`` is not an ``nn.Module``.

    Example:
        >>> import nn
        >>> predict(nn.Neuron(1, activation="linear", weights=[2.0]), [[1.0], [3.0]])
        [2.0, 6.0]
    """
    _check_model("predict()", model)
    X = examples("predict()", X)
    _check_data("predict()", X, X)
    for index, example in enumerate(X):
        _example_width("X", index, example, "predict()")
    with evaluating(model), no_grad():
        outputs = [model(x) for x in X]
    return [[float(o) for o in output] if isinstance(output, Sequence) else float(output) for output in outputs]


def count_correct(outputs: Sequence[Output], targets: Sequence[Target], loss: Loss) -> int | None:
    """How many outputs name the right class, read the way ``loss`` reads them.

    A probability (``binary_cross_entropy``, ``mean_squared_error`` on 0/1
    targets) means class 1 above 0.5; a raw score (the ``_with_logits`` loss,
    ``hinge``) means the positive class above 0; ``cross_entropy`` takes the
    largest score. Other losses (or regression targets) give None.

    Example:
        >>> count_correct([0.9, 0.2, 0.6], [1, 0, 0], binary_cross_entropy)
        2
    """
    if loss is cross_entropy:
        right = 0
        for output, target in zip(outputs, targets):
            scores = [float(s) for s in output] if isinstance(output, Sequence) else [float(output)]
            right += scores.index(max(scores)) == target
        return right
    if loss in (binary_cross_entropy_with_logits, hinge):
        threshold = 0.0
    elif loss is binary_cross_entropy or (
        loss is mean_squared_error and all(t in (0, 1) for t in targets)
    ):
        threshold = 0.5
    else:
        return None
    right = 0
    for output, target in zip(outputs, targets):
        score = float(output[0] if isinstance(output, Sequence) else output)
        right += (score > threshold) == (target > threshold)
    return right


def accuracy(
    outputs: Sequence[Output], targets: Sequence[Target], loss: Loss = binary_cross_entropy_with_logits
) -> float:
    """The share of outputs that name the right class (see ``count_correct``).

    Raises:
        ValueError: ``loss`` does not classify, there are no outputs, or
            ``outputs`` and ``targets`` differ in length.

    Example:
        >>> accuracy([2.0, -1.0, 0.5], [1, 0, 0])
        0.6666666666666666
    """
    same_length("accuracy()", outputs, targets, ("output", "target"))
    correct = count_correct(outputs, targets, loss) if len(outputs) else None
    if correct is None:
        raise ValueError(
            f"accuracy() got loss={getattr(loss, '__name__', loss)!r} and {len(outputs)} outputs; accuracy needs "
            "outputs and a classification loss (binary_cross_entropy[_with_logits], hinge, cross_entropy)."
        )
    return correct / len(outputs)


def _check_fit(
    model: Module,
    X: Sequence[Sequence[Value | float]],
    y: Sequence[Target],
    loss: Loss,
    optimizer: Optimizer | None,
    epochs: int,
    batch_size: int | None,
    validation: tuple[Sequence[Sequence[Value | float]], Sequence[Target]] | None,
    callbacks: Sequence[Callback],
) -> tuple[int, int | None]:
    # Everything fit() could trip over mid-training, checked before any weight moves.
    _check_data("fit()", X, y)
    epochs = whole_number("fit()", "epochs", epochs, unit="epochs")
    if batch_size is not None:
        batch_size = whole_number("fit()", "batch_size", batch_size, alternative="None (full batch)")
    _check_loss("fit()", loss)
    _check_optimizer(model, optimizer)
    _check_callbacks(callbacks)
    sets = [("X", "y", X, y)]
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise ValueError(f"fit() got validation={reprlib.repr(validation)}; expected a pair (X_val, y_val).")
        _check_data("fit() validation", *validation)
        sets.append(("X_val", "y_val", *validation))
    width = _example_width("X", 0, X[0])
    for x_name, _, rows, _ in sets:
        for index, example in enumerate(rows):
            if _example_width(x_name, index, example) != width:
                raise ValueError(
                    f"fit() got {x_name}[{index}] = {reprlib.repr(example)} with {len(example)} numbers; "
                    f"expected {width}, like X[0]."
                )
    # One forward pass gives the shape of an output; the loss then checks every target against it.
    output = _probe(model, X[0])
    _check_output_matches_loss("fit()", output, loss)
    name = getattr(loss, "__name__", repr(loss))
    with no_grad():
        for _, y_name, _, targets in sets:
            try:
                # Each distinct target once (digits: 10 of 1,437): the loss refuses a target, not a count of them.
                # If one is refused, the whole list is run again so the message names its first index in y.
                distinct = list({(type(t), repr(t)): t for t in targets}.values())
                try:
                    loss([output] * len(distinct), distinct)
                except DomainError:
                    # X[0]'s output is outside an op's domain for some target (−log ŷ[y]): no evidence against
                    # the targets, as each target's loss is computed on its own examples' outputs. Each alone:
                    for target in distinct:
                        try:
                            loss([output], [target])
                        except DomainError:
                            continue
                except (ValueError, TypeError):
                    loss([output] * len(targets), targets)
            except (ValueError, TypeError) as error:
                # If X[0]'s output fails with y[0] alone, the loss's own message says which of the two it refused.
                try:
                    loss([output], [y[0]])
                except (ValueError, TypeError) as first_error:
                    raise ValueError(
                        f"fit() got loss={name}, which cannot use the model's output for X[0] with y[0]: {first_error}"
                    ) from None
                raise ValueError(f"fit() got a target in {y_name} that loss={name} cannot use: {error}") from None
    return epochs, batch_size


# These losses apply the squashing themselves: a sigmoid in the model would squash twice.
_RAW_SCORE_LOSSES = (binary_cross_entropy_with_logits, hinge, cross_entropy)


def _check_output_matches_loss(owner: str, output: Output, loss: Loss) -> None:
    # The learner's first trap: a sigmoid output (every README example) with fit's default loss
    # trains towards σ(σ(z)), which never goes below σ(0) = 0.5, so accuracy sits near 50%.
    if loss not in _RAW_SCORE_LOSSES:
        return
    values = output if isinstance(output, Sequence) else [output]
    if values and all(isinstance(v, Value) and v.operation is OPS["sigmoid"] for v in values):
        name = getattr(loss, "__name__", repr(loss))
        fix = (
            "pass loss=nn.binary_cross_entropy (it takes probabilities), or build the model with "
            "output_activation=None (raw scores) and keep this loss"
            if loss is binary_cross_entropy_with_logits
            else "build the model with output_activation=None (raw scores)"
        )
        raise ValueError(
            f"{owner} got loss={name} and a model whose output goes through a sigmoid; {name} expects raw "
            f"scores and squashes them itself, so training would stall near 50% accuracy. To fix it, {fix}."
        )


def _probe(model: Module, example: Sequence[Value | float]) -> Output:
    # Recorded even inside no_grad(), so the output's last operation can be read.
    with evaluating(model), enable_grad():
        return model(example)


def _check_loss(owner: str, loss: object) -> None:
    if not callable(loss):
        raise TypeError(
            f"{owner} got loss={loss!r}; expected a loss function such as nn.binary_cross_entropy_with_logits "
            "(raw scores, 0/1 targets), nn.cross_entropy or nn.mean_squared_error."
        )


def _check_model(owner: str, model: object) -> None:
    if not isinstance(model, Module):
        raise TypeError(
            f"{owner} got model={reprlib.repr(model)} of type {type(model).__name__}; expected an nn.Module such as "
            "nn.MLP(2, [16, 16, 1])."
        )


def _check_optimizer(model: Module, optimizer: object) -> None:
    if optimizer is None:
        return
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"fit() got optimizer={reprlib.repr(optimizer)} of type {type(optimizer).__name__}; expected an "
            "optimizer built on the model, such as nn.Adam(model, learning_rate=0.01), or None for that default."
        )
    # An optimizer made for another model trains nothing here, silently.
    if not {id(p) for p in optimizer.parameters} & {id(p) for p in model.parameters()}:
        raise ValueError(
            f"fit() got optimizer={optimizer!r}, which holds none of the model's parameters; build it on this model: "
            f"nn.{type(optimizer).__name__}(model, ...)."
        )


def _check_callbacks(callbacks: object) -> None:
    if isinstance(callbacks, Callback) or not isinstance(callbacks, Sequence) or isinstance(callbacks, str):
        raise TypeError(
            f"fit() got callbacks={reprlib.repr(callbacks)}; expected a list of callbacks such as "
            "[nn.EarlyStopping(patience=10)]."
        )
    hooks = ("on_train_begin", "on_epoch_end", "on_train_end")
    for index, callback in enumerate(callbacks):
        if not all(callable(getattr(callback, hook, None)) for hook in hooks):
            raise TypeError(
                f"fit() got callbacks[{index}]={reprlib.repr(callback)} of type {type(callback).__name__}; expected "
                "an nn.Callback (with on_train_begin, on_epoch_end and on_train_end), such as "
                "nn.EarlyStopping(patience=10)."
            )


def _example_width(name: str, index: int, example: object, owner: str = "fit()") -> int:
    if isinstance(example, (str, bytes)) or not isinstance(example, Sequence):
        raise ValueError(
            f"{owner} got {name}[{index}] = {reprlib.repr(example)}; expected a list of numbers such as [1.0, 2.0]."
        )
    # The common case in C: floats only, and a finite sum (a nan or an inf anywhere makes the sum nan or inf;
    # a sum that overflows is checked number by number below). fit() checks ~100,000 numbers on digits.
    if set(map(type, example)) <= _FLOAT and math.isfinite(sum(example)):
        return len(example)
    for number in example:
        value = number.data if isinstance(number, Value) else number
        if not is_finite_number(value):
            raise ValueError(
                f"{owner} got {name}[{index}] = {reprlib.repr(example)}, which holds {reprlib.repr(number)}; expected "
                "finite numbers. Drop or fill in that example (nan and inf make every loss nan)."
            )
    return len(example)


def _check_data(name: str, X: Sequence[object], y: Sequence[object]) -> None:
    if same_length(name, X, y) == 0:
        raise ValueError(f"{name} got no examples; expected at least one.")


def _postfix(history: History) -> dict[str, str]:
    shown = {"loss": f"{history.train_loss[-1]:.4f}"}
    if history.val_loss:
        shown["val_loss"] = f"{history.val_loss[-1]:.4f}"
    if history.val_accuracy:
        shown["val_acc"] = f"{history.val_accuracy[-1]:.1%}"
    elif history.train_accuracy:
        shown["acc"] = f"{history.train_accuracy[-1]:.1%}"
    return shown


def _progress_bar(epochs: int) -> _Bar | None:
    try:
        from tqdm.auto import tqdm
    except ImportError:
        warnings.warn("fit(progress=True) needs tqdm for its progress bar: pip install tqdm", stacklevel=3)
        return None
    bar: _Bar = tqdm(total=epochs, unit="epoch", desc="training")
    return bar


class Step:
    """One training step of an engine: ``step(X_batch, y_batch) -> (mean loss, outputs)``, gradients added."""

    engine = "scalar"

    def __init__(self, model: Module, loss: Loss) -> None:
        self.model, self.loss = model, loss

    def begin(self, optimizer: Optimizer) -> None:
        """Before an epoch's updates: the scalar engine keeps the weights in the Values, nothing to do."""

    def zero_grad(self, optimizer: Optimizer) -> None:
        """Clear the gradients before a batch's step."""
        optimizer.zero_grad()

    def write_back(self) -> None:
        """Make the Values hold the weights and gradients of the last update (they do, in the scalar engine)."""

    def end(self) -> None:
        """After an epoch's updates: ``write_back``, and the next update starts from the Values again."""

    def __call__(self, X: Sequence[Sequence[Value | float]], y: Sequence[Target]) -> tuple[float, Sequence[Output]]:
        """Forward every example, the loss, backward: the scalar engine's step."""
        outputs = [self.model(x) for x in X]
        batch_loss = self.loss(outputs, y)
        batch_loss.backward()
        return batch_loss.data, outputs

    def update(self, optimizer: Optimizer) -> Stepped | None:
        """Move the weights by the gradients the step left in ``.grad``: one parameter at a time.

        Returns None; the batched engine returns the new weights and the gradients as arrays (``step_arrays``).
        """
        optimizer.step()
        return None

    def evaluate(self, X: Sequence[Sequence[Value | float]], y: Sequence[Target]) -> tuple[float, Sequence[Output]]:
        """The loss and the outputs, without recording a graph."""
        with no_grad():
            outputs = [self.model(x) for x in X]
            return self.loss(outputs, y).data, outputs


class _BatchedStep(Step):
    engine = "batched"

    def __init__(
        self, model: Module, loss: Loss, X: Sequence[Sequence[Value | float]], y: Sequence[Target], checked: bool
    ) -> None:
        from nn.batched import BatchedModel

        super().__init__(model, loss)
        self.batched = BatchedModel(model, X[0], data=X, checked=checked, targets=y)
        self._checked: object = X  # the examples the graph was last checked against
        # Between begin() and end() the weights live in one array (and each step's gradients in
        # another): reading and writing ~2,000 Values per batch cost more than the batch's arithmetic.
        self._optimizer: Optimizer | None = None
        self._parameters: list[Value] = []
        self._holds = False  # the optimizer steps exactly the model's parameters, in order
        self._values: Any = None
        self._grads: Any = None

    def begin(self, optimizer: Optimizer) -> None:
        if optimizer is not self._optimizer:  # once per fit: parameters do not change while it trains
            self._optimizer, self._parameters = optimizer, self.batched.parameters
            ours = optimizer.parameters
            self._holds = len(ours) == len(self._parameters) and all(map(operator.is_, ours, self._parameters))
        if self._holds:
            np = sys.modules["numpy"]  # imported by BatchedModel
            self._values = np.fromiter(map(_data, self._parameters), dtype=float, count=len(self._parameters))
            self._grads = None

    def zero_grad(self, optimizer: Optimizer) -> None:
        if self._values is None:
            optimizer.zero_grad()  # held gradients are each step's own: nothing accumulates

    def __call__(self, X: Sequence[Sequence[Value | float]], y: Sequence[Target]) -> tuple[float, Sequence[Output]]:
        if self._values is None:
            return self.batched.step(X, y, self.loss)
        value, outputs, self._grads = self.batched.gradients(X, y, self.loss, self._values)
        return value, outputs

    def update(self, optimizer: Optimizer) -> Stepped | None:
        if self._values is None:
            return optimizer.step_arrays()  # every parameter as one array: the same numbers as step()
        self._values = optimizer.step_on_arrays(self._values, self._grads)
        return self._values, self._grads

    def write_back(self) -> None:
        if self._values is None:
            return
        for parameter, value in zip(self._parameters, self._values.tolist()):
            parameter.data = value
        if self._grads is not None:
            for parameter, grad in zip(self._parameters, self._grads.tolist()):
                parameter.grad = grad

    def end(self) -> None:
        self.write_back()
        self._values = self._grads = None

    def evaluate(self, X: Sequence[Sequence[Value | float]], y: Sequence[Target]) -> tuple[float, Sequence[Output]]:
        if X is not self._checked:  # a validation set: a model that branches on the data is refused on it too
            self.batched.check_examples(X)
            self._checked = X
        return self.batched.evaluate(X, y, self.loss)


def _step_function(
    model: Module,
    X: Sequence[Sequence[Value | float]],
    y: Sequence[Target],
    loss: Loss,
    engine: str,
    function: str,
    checked: bool = False,
) -> Step:
    # engine="batched" lives in nn.batched, which needs NumPy: imported only when asked for.
    if engine == "scalar":
        return Step(model, loss)
    from nn.batched import check_engine

    check_engine(function, engine, loss)
    # checked: fit() has checked every number of X up front (its batches are parts of X).
    return _BatchedStep(model, loss, X, y, checked)
