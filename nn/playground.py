"""``nn.Playground``: watch a network learn in Jupyter, one mini-batch update at a time.

The view is an anywidget (an ES module, ``nn/page/playground.js``, drawing on
``<canvas>``). Python owns the training; after every update it sends a small
JSON state (the weights, their gradients, the batch, the curves) and the browser
draws everything from it, the decision boundary included: a canvas redraw of
that state takes a few milliseconds, where a matplotlib figure redraws at 3-5
frames a second. Play is driven by the browser: a timer sends "step", Python
answers with the next state, so the kernel is never blocked and pause works.

Every update is recorded (``nn.fit(..., record=True)``'s ``Recorder``), so the
scrubber shows ``history.model_at(k)``, "fork here" is ``RecordedHistory.resume``,
and at a pause the neuron-level backprop of that very update opens below.

Example:
    >>> import nn
    >>> pg = nn.Playground.from_dataset("moons", n=40)
    >>> pg.step(); len(pg.history.steps)
    1
"""

from __future__ import annotations

import copy
import importlib
import itertools
import math
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

from autograd import AutogradError, Value
from nn import data
from nn.checks import is_finite_number, whole_number
from nn.dense import Dense
from nn.dropout import Dropout
from nn.history import RecordedHistory, Recorder, _dense_layers
from nn.losses import binary_cross_entropy, binary_cross_entropy_with_logits, mean_squared_error
from nn.mlp import MLP
from nn.module import Module, Sequential
from nn.optimizers import SGD, Adagrad, Adam, Optimizer, RMSprop
from nn.training import Loss, Step, _step_function, count_correct

OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad}
"""The optimizers the view offers, by the name it shows."""
LOSSES: dict[str, Loss] = {"cross-entropy": binary_cross_entropy_with_logits, "squared error": mean_squared_error}
"""The losses the view offers: both read 0/1 labels."""
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "linear")
"""The hidden activations the view offers (the page re-implements each to draw the boundary)."""
DATASETS = ("moons", "circles", "xor", "spirals", "blobs", "blank")
"""What ``from_dataset`` knows; "blank" is an empty canvas to click points onto."""
BLANK_BOX = (-2.0, 2.0, -2.0, 2.0)
CURVE_POINTS = 300
"""The most points per curve the view is sent."""


class PlaygroundError(AutogradError, ValueError):
    """A Playground got an argument it cannot use.

    Example:
        >>> issubclass(PlaygroundError, ValueError)
        True
    """


def _anywidget() -> Any:
    try:
        return importlib.import_module("anywidget")
    except ImportError:
        raise ImportError(
            "nn.Playground needs anywidget (and ipywidgets): pip install 'glassgrad[notebook]' "
            "(or pip install anywidget)."
        ) from None


_WIDGET: Any = None


def _widget_class() -> Any:
    # Made once, on first use: `import nn` must not import anywidget or traitlets.
    global _WIDGET
    if _WIDGET is None:
        anywidget = _anywidget()
        import traitlets

        page = resources.files("nn").joinpath("page")
        # One drawing of a network for the replay page and this view: network.js goes in front (see its header).
        script = "".join(page.joinpath(name).read_text(encoding="utf-8") for name in ("network.js", "playground.js"))

        from autograd.see.picture import HIGHLIGHT

        base: Any = anywidget.AnyWidget

        class PlaygroundWidget(base):  # type: ignore[misc]
            _esm = script
            state = traitlets.Dict().tag(sync=True)
            points = traitlets.Dict().tag(sync=True)
            # The colour the backprop player draws the current step in: the view follows it (one definition).
            highlight = traitlets.Unicode(HIGHLIGHT).tag(sync=True)

        _WIDGET = PlaygroundWidget
    return _WIDGET


def _json(number: float) -> float | None:
    # A curve's point as the view draws it: 4 digits (a third of the message), None for "not measured".
    return None if math.isnan(number) else float(f"{number:.4g}")


def _numbers(example: Sequence[Value | float]) -> list[float]:
    return [float(v.data if isinstance(v, Value) else v) for v in example]


class Playground:
    """A live, recorded training run in Jupyter: the network, the boundary, the curves, and controls.

    The last line of a cell shows it. ``pg.step()`` makes one mini-batch update
    (exactly ``nn.fit``'s, same batches and numbers) and redraws; the view's
    buttons play, pause, step, reset, scrub through every recorded update, fork
    from the one shown, change the settings and open the backprop of the update
    shown for one example. Changing the learning rate, optimizer, L2 or batch
    size goes on from the update shown (from an earlier one it is a fork: the
    old run is kept in ``branches``); changing the activation, dropout or loss,
    or clicking a point onto the canvas, starts again from the same initial
    weights (a recorded run has one model and one data set).

    The view is an anywidget ES module drawing on ``<canvas>`` (needs
    ``pip install 'glassgrad[notebook]'``): a redraw of the JSON state Python
    sends takes under 5 ms in the browser, where a matplotlib figure redraws at
    3-5 frames a second, too slow to watch 10 or more updates a second. Play is
    a timer in the browser asking for one update at a time, so the kernel stays
    free and pause is immediate.

    Args:
        model: a chain of ``nn.Dense`` layers (``nn.MLP``) with 2 inputs and 1 output; it is trained in place.
        X: the training examples, 2 numbers each (lists, a NumPy array or a DataFrame); may be empty, to click onto.
        y: their 0/1 labels.
        validation: ``(X_val, y_val)``, measured after every update.
        loss: ``"cross-entropy"`` (of raw scores, or of a sigmoid output's probability), ``"squared error"``,
            or one of ``nn.binary_cross_entropy[_with_logits]``, ``nn.mean_squared_error``.
        optimizer: ``"adam"``, ``"sgd"``, ``"rmsprop"`` or ``"adagrad"``.
        learning_rate: a number > 0.
        batch_size: examples per update (None: the whole set).
        seed: the order the batches are shuffled in, as in ``nn.fit``.
        l2: the optimizer's ``weight_decay`` λ ≥ 0.
        dropout: the probability of dropping each hidden neuron while training (0: no dropout layers).
        activation: the hidden layers' activation, or None to keep the model's.
        engine: how updates are computed, ``"scalar"`` or ``"batched"`` (see ``nn.fit``).

    Raises:
        PlaygroundError: an argument the view cannot use (the message names it).

    Example:
        >>> import nn
        >>> X, y = nn.data.moons(20, seed=0)
        >>> pg = nn.Playground(nn.MLP(2, [4, 1], seed=0), X, y, batch_size=5)
        >>> pg.step(3); [step.epoch for step in pg.history.steps]
        [1, 1, 1]
    """

    def __init__(
        self,
        model: Module,
        X: Any,
        y: Any,
        *,
        validation: tuple[Any, Any] | None = None,
        loss: str | Loss = "cross-entropy",
        optimizer: str = "adam",
        learning_rate: float = 0.01,
        batch_size: int | None = 10,
        seed: int = 0,
        l2: float = 0.0,
        dropout: float = 0.0,
        activation: str | None = None,
        engine: str = "scalar",
    ) -> None:
        owner = "Playground()"
        if not isinstance(model, Module):
            raise PlaygroundError(f"{owner} got model={model!r}; expected a network such as nn.MLP(2, [8, 8, 1]).")
        try:
            layers = _dense_layers(model)  # what the view draws, as the replay page does
        except AutogradError as error:
            raise PlaygroundError(str(error).replace("to_html()", owner).replace("the page", "the view")) from None
        n_inputs, n_outputs = len(layers[0]["weights"][0]), len(layers[-1]["bias"])
        if n_inputs != 2 or n_outputs != 1:
            raise PlaygroundError(
                f"{owner} got a model of {n_inputs} inputs and {n_outputs} outputs; the view draws a decision "
                "boundary in the plane, so it needs 2 inputs and 1 output, such as nn.MLP(2, [8, 8, 1])."
            )
        self.X, self.y = self._data(owner, "X", "y", X, y)
        self.X_val: list[list[float]] = []
        self.y_val: list[int] = []
        if validation is not None:
            if not isinstance(validation, (tuple, list)) or len(validation) != 2:
                raise PlaygroundError(f"{owner} got validation={validation!r}; expected a pair (X_val, y_val).")
            self.X_val, self.y_val = self._data(owner, "X_val", "y_val", *validation)
        self.settings: dict[str, Any] = {}
        self._set(owner, "loss", loss)
        for name, value in (
            ("optimizer", optimizer),
            ("learning_rate", learning_rate),
            ("batch_size", batch_size),
            ("l2", l2),
            ("dropout", dropout),
            ("activation", activation),
        ):
            self._set(owner, name, value)
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise PlaygroundError(f"{owner} got seed={seed!r}; expected an int, the order batches are shuffled in.")
        if engine not in ("scalar", "batched"):
            raise PlaygroundError(f"{owner} got engine={engine!r}; expected 'scalar' or 'batched'.")
        self.seed, self.engine = seed, engine
        self._initial = copy.deepcopy(model)
        self._given = model
        self._box = self._frame_box()
        self.example: int | None = None  # the example whose activations are drawn; None: the batch's first
        self.branches: list[RecordedHistory] = []
        self._widget: Any = None
        self._output: Any = None
        self._message = ""
        self._sent = 0
        self._quiet = False  # True while answering the view: one state is sent at the end
        self._start()

    # --- building -------------------------------------------------------------------------

    @classmethod
    def from_dataset(
        cls, name: str = "moons", *, n: int = 200, validation_fraction: float = 0.25, seed: int = 0, **options: Any
    ) -> Playground:
        """A Playground on one of ``nn.data``'s 2-D sets (or a blank canvas) with a 2-8-8-1 network.

        Args:
            name: one of ``DATASETS``: "moons", "circles", "xor", "spirals", "blobs" (2 classes each) or "blank".
            n: how many points in all (train and validation).
            validation_fraction: the share held out for validation.
            seed: the data's, the network's and the batches' seed.
            **options: any keyword of ``Playground`` (learning_rate, optimizer, ...).

        Returns:
            The Playground.

        Raises:
            PlaygroundError: an unknown name.

        Example:
            >>> len(Playground.from_dataset("xor", n=20).X)
            15
        """
        model = MLP(2, [8, 8, 1], activation="tanh", seed=seed)
        if name == "blank":
            return cls(model, [], [], seed=seed, **options)
        makers: dict[str, Callable[[], Any]] = {
            "moons": lambda: data.moons(n, seed=seed),
            "circles": lambda: data.circles(n, seed=seed),
            "xor": lambda: data.xor(n, noise=0.1, seed=seed),
            "spirals": lambda: data.spirals(n, seed=seed),
            "blobs": lambda: data.blobs(n, centers=2, seed=seed),
        }
        if name not in makers:
            raise PlaygroundError(
                f"Playground.from_dataset() got name={name!r}; expected one of {', '.join(map(repr, DATASETS))}."
            )
        X, y = makers[name]()
        X_train, y_train, X_val, y_val = data.train_val_split(X, y, validation_fraction, seed=seed)
        return cls(model, X_train, y_train, validation=(X_val, y_val), seed=seed, **options)

    @staticmethod
    def _data(owner: str, x_name: str, y_name: str, X: Any, y: Any) -> tuple[list[list[float]], list[int]]:
        for name, given in ((x_name, X), (y_name, y)):
            if not hasattr(given, "__len__") or isinstance(given, str):
                raise PlaygroundError(
                    f"{owner} got {name}={given!r}; expected a list, a NumPy array or a DataFrame (may be empty)."
                )
        try:
            empty = len(X) == 0 and len(y) == 0
            rows = [] if empty else data.examples(owner, X, x_name)
            labels = [] if empty else list(data.targets(owner, y, y_name))
        except (TypeError, ValueError) as error:  # nn.data's message names the argument and the row
            raise PlaygroundError(str(error)) from None
        if len(rows) != len(labels):
            raise PlaygroundError(
                f"{owner} got {len(rows)} examples in {x_name} and {len(labels)} labels in {y_name}; "
                "pass one 0/1 label per example."
            )
        for i, (example, label) in enumerate(zip(rows, labels)):
            numbers = [v.data if isinstance(v, Value) else v for v in example]
            if len(numbers) != 2 or not all(map(is_finite_number, numbers)):
                raise PlaygroundError(
                    f"{owner} got {x_name}[{i}] = {list(numbers)!r}; the view draws points in the plane, so each "
                    "example is 2 finite numbers."
                )
            if label not in (0, 1):
                raise PlaygroundError(f"{owner} got {y_name}[{i}]={label!r}; the view draws two classes, 0 and 1.")
        return [_numbers(example) for example in rows], [int(label) for label in labels]

    def _set(self, owner: str, name: str, value: Any) -> None:
        # One checker per setting, used by the constructor and by the view's controls.
        if name == "loss":
            if isinstance(value, str) and value in LOSSES:
                value = LOSSES[value]
            if value is binary_cross_entropy:
                value = binary_cross_entropy_with_logits  # one "cross-entropy": _loss() picks the form the output needs
            if value not in LOSSES.values():
                raise PlaygroundError(
                    f"{owner} got loss={value!r}; expected one of {', '.join(map(repr, LOSSES))} "
                    "(losses that read 0/1 labels)."
                )
        elif name == "optimizer":
            if value not in OPTIMIZERS:
                raise PlaygroundError(
                    f"{owner} got optimizer={value!r}; expected one of {', '.join(map(repr, OPTIMIZERS))}."
                )
        elif name in ("learning_rate", "l2", "dropout"):
            low_ok = name != "learning_rate"
            if (
                not is_finite_number(value)
                or value < 0
                or (value == 0 and not low_ok)
                or (name == "dropout" and value >= 1)
            ):
                expected = {"learning_rate": "a number > 0", "l2": "a number ≥ 0", "dropout": "a probability 0 ≤ p < 1"}
                raise PlaygroundError(f"{owner} got {name}={value!r}; expected {expected[name]}.")
            value = float(value)
        elif name == "batch_size":
            if value is not None:
                try:
                    value = whole_number(owner, "batch_size", value, alternative="None (the whole set)")
                except (TypeError, ValueError) as error:
                    raise PlaygroundError(str(error)) from None
        elif name == "activation":
            if value is not None and value not in ACTIVATIONS:
                raise PlaygroundError(
                    f"{owner} got activation={value!r}; expected one of {', '.join(map(repr, ACTIVATIONS))} or None."
                )
        else:
            raise PlaygroundError(f"{owner} got a setting {name!r}; it has none of that name.")
        self.settings[name] = value

    def _loss(self) -> Loss:
        # "cross-entropy" on what the output is: on raw scores (σ inside the loss), or on a sigmoid's probability.
        loss: Loss = self.settings["loss"]
        if loss is binary_cross_entropy_with_logits and _dense_layers(self._initial)[-1]["activation"] == "sigmoid":
            return binary_cross_entropy
        return loss

    def _optimizer(self, model: Module) -> Optimizer:
        kind = OPTIMIZERS[self.settings["optimizer"]]
        built: Optimizer = kind(model, learning_rate=self.settings["learning_rate"], weight_decay=self.settings["l2"])  # type: ignore[call-arg]
        return built

    def _network(self) -> Module:
        # The caller's model (trained in place, as nn.fit does), or one with another activation or dropout
        # layers; either way from the initial weights.
        activation, p = self.settings["activation"], self.settings["dropout"]
        model = self._given
        if activation is not None or p:
            dense = [module for _, module in self._initial.named_modules() if isinstance(module, Dense)]
            layers: list[Module] = []
            for i, old in enumerate(dense):
                last = i == len(dense) - 1
                name = old.neurons[0].activation if last or activation is None else activation
                layers.append(Dense(len(old.neurons[0].weights), len(old.neurons), activation=name))
                if p and not last:
                    layers.append(Dropout(p, seed=self.seed + i))
            model = Sequential(*layers)
        for mine, initial in zip(model.parameters(), self._initial.parameters()):
            mine.data = initial.data
        return model

    def _start(self) -> None:
        # A new recorded run from the initial weights: reset, a new activation, dropout or loss, or new data.
        self.model = self._network()
        self._recorder = Recorder(
            self.model, self.X, self.y, self._loss(), self._optimizer(self.model),
            self.settings["batch_size"], self.seed, self.engine,
        )  # fmt: skip
        self._after_model_change()
        self.curves: dict[str, list[float]] = {
            name: [] for name in ("train_loss", "val_loss", "train_accuracy", "val_accuracy")
        }
        self.shown = 0
        self._measure()
        self._send()

    def _after_model_change(self) -> None:
        self._step: Step | None = (
            _step_function(self.model, self.X, self.y, self._loss(), self.engine, "Playground")
            if self.X
            else None
        )
        # The curves are measured after every update: the batched engine's NumPy replay when NumPy is there.
        try:
            importlib.import_module("numpy")
            engine = "batched"
        except ImportError:
            engine = "scalar"
        self._evaluators = {
            name: _step_function(self.model, X, y, self._loss(), engine, "Playground") if X else None
            for name, X, y in (("train", self.X, self.y), ("val", self.X_val, self.y_val))
        }

    def _measure(self) -> None:
        # Eval mode (dropout off) for the curves, as fit measures validation.
        self.model.eval()
        for name, X, y in (("train", self.X, self.y), ("val", self.X_val, self.y_val)):
            evaluator = self._evaluators[name]
            if evaluator is None:
                self.curves[f"{name}_loss"].append(math.nan)
                self.curves[f"{name}_accuracy"].append(math.nan)
                continue
            value, outputs = evaluator.evaluate(X, y)
            right = count_correct(outputs, y, self._loss())
            self.curves[f"{name}_loss"].append(value)
            self.curves[f"{name}_accuracy"].append(math.nan if right is None else right / len(y))
        self.model.train()

    # --- what users call ------------------------------------------------------------------

    @property
    def history(self) -> RecordedHistory:
        """Every update so far as a ``RecordedHistory`` (``model_at``, ``fork``, ``to_html``).

        With validation data it carries the validation loss of every update, which ``to_html`` draws.
        """
        recorded = self._recorder.history()
        if self.X_val:
            recorded.val_loss_by_update = list(self.curves["val_loss"][: len(recorded.steps) + 1])
        return recorded

    @property
    def updates(self) -> int:
        """How many updates have been made (the live end of the scrubber)."""
        return len(self._recorder.steps)

    def step(self, n: int = 1) -> None:
        """Make ``n`` mini-batch updates, exactly as ``nn.fit`` makes them, and redraw.

        From a scrubbed-back view it first returns to the last update (``fork`` to branch there instead).

        Raises:
            PlaygroundError: no points to train on, or ``n`` is not a whole number ≥ 1.

        Example:
            >>> pg = Playground.from_dataset("xor", n=20)
            >>> pg.step(2); pg.updates
            2
        """
        n = whole_number("Playground.step()", "n", n)
        if self._step is None or len(set(self.y)) < 2:
            raise PlaygroundError(
                f"Playground.step() got a training set of {len(self.y)} points of {len(set(self.y))} classes; "
                "add points of both classes first (click the canvas, or pg.add_point(x, y, label))."
            )
        for _ in range(n):
            self._recorder.train_next(self._step)
            self._measure()
        self.shown = self.updates
        self._send()

    def show(self, k: int) -> Module:
        """Show update ``k`` (0: the initial model), the scrubber's move: the weights of ``history.model_at(k)``.

        Returns:
            ``history.model_at(k)``.

        Example:
            >>> pg = Playground.from_dataset("xor", n=20)
            >>> pg.step(2); pg.show(1).parameters()[0].data == pg.history.steps[0].parameters[0]
            True
        """
        try:
            model = self.history.model_at(k)
        except AutogradError as error:
            raise PlaygroundError(str(error).replace("model_at()", "Playground.show()")) from None
        self.shown = k
        self._send(model)
        return model

    def fork(self, k: int | None = None, **changes: Any) -> None:
        """Go on from update ``k`` (default: the one shown) with other settings.

        At the last update this changes the run from there on. At an earlier one the
        run is restored exactly there (``RecordedHistory.resume``) and the old run
        is kept in ``branches``.

        Args:
            k: the update to branch at.
            **changes: settings such as ``learning_rate=0.1``, ``optimizer="sgd"``, ``l2=1e-3``, ``batch_size=20``.

        Raises:
            PlaygroundError: a setting a fork cannot change (activation, dropout, loss: those ``reset``), or a bad
                value.

        Example:
            >>> pg = Playground.from_dataset("xor", n=20)
            >>> pg.step(3); pg.fork(1, learning_rate=0.1); pg.updates, len(pg.branches[0].steps)
            (1, 3)
        """
        k = self.shown if k is None else k
        before = dict(self.settings)
        try:
            for name, value in changes.items():
                if name in ("activation", "dropout", "loss"):
                    raise PlaygroundError(
                        f"Playground.fork() got {name}={value!r}; a fork keeps the network and its loss. "
                        f"Use pg.set({name}=...) to start again with it."
                    )
                self._set("Playground.fork()", name, value)
        except PlaygroundError:
            self.settings = before  # validate everything, then change
            raise
        if k == self.updates and not isinstance(k, bool):
            # At the last update the live model and optimizer are update k exactly: change them, replay nothing.
            self._go_on_with_settings(self._recorder)
            self.shown = self.updates
            self._send()
            return
        past = self.history
        try:
            # Update k as it was (its optimizer, learning rate and batch size), then the settings shown from there.
            recorder, _, _ = past.resume("Playground.fork()", k, {})
        except AutogradError as error:
            self.settings = before
            raise PlaygroundError(str(error)) from None
        self._go_on_with_settings(recorder)
        self.branches.append(past)
        self._recorder, self.model = recorder, recorder.model
        self._after_model_change()
        self.curves = {name: values[: k + 1] for name, values in self.curves.items()}
        self.shown = k
        self._send()

    def _go_on_with_settings(self, recorder: Recorder) -> None:
        # The settings shown are the settings used: keep the optimizer (and its running numbers) if it is the
        # one they describe, else start the one they describe; nn.history keeps a restart point at the change.
        settings, optimizer = self.settings, recorder.optimizer
        same = type(optimizer) is OPTIMIZERS[settings["optimizer"]] and (
            getattr(optimizer, "weight_decay", None) == settings["l2"]
        )
        rate = getattr(optimizer, "learning_rate", None)
        if same and rate == settings["learning_rate"] and recorder.batch_size == settings["batch_size"]:
            return
        recorder.change(
            optimizer=None if same else self._optimizer(recorder.model),
            learning_rate=settings["learning_rate"] if same else None,
            batch_size=settings["batch_size"],
        )

    def set(self, **settings: Any) -> None:
        """Change settings: the optimizer's fork at the update shown; activation, dropout or loss start again.

        Example:
            >>> pg = Playground.from_dataset("xor", n=20)
            >>> pg.step(2); pg.set(activation="relu"); pg.updates
            0
        """
        restart = {name: value for name, value in settings.items() if name in ("activation", "dropout", "loss")}
        others = {name: value for name, value in settings.items() if name not in restart}
        if others:
            self.fork(self.shown, **others)
        if restart:
            for name, value in restart.items():
                self._set("Playground.set()", name, value)
            self.reset()

    def reset(self) -> None:
        """Start again from the initial weights with the current settings; branches are forgotten.

        Example:
            >>> pg = Playground.from_dataset("xor", n=20)
            >>> pg.step(2); pg.reset(); pg.updates
            0
        """
        self.branches = []
        self._start()

    def add_point(self, x: float, y: float, label: int) -> None:
        """Add a training point (the canvas's click) and start again: a recorded run has one data set.

        Raises:
            PlaygroundError: a coordinate that is not a finite number, or a label that is not 0 or 1.

        Example:
            >>> pg = Playground.from_dataset("blank")
            >>> pg.add_point(0.5, -0.5, 1); pg.X, pg.y
            ([[0.5, -0.5]], [1])
        """
        for name, value in (("x", x), ("y", y)):
            if not is_finite_number(value):
                raise PlaygroundError(f"Playground.add_point() got {name}={value!r}; expected a finite number.")
        if label not in (0, 1) or isinstance(label, bool):
            raise PlaygroundError(f"Playground.add_point() got label={label!r}; expected 0 or 1.")
        self.X.append([float(x), float(y)])
        self.y.append(int(label))
        self.reset()

    def backprop(self, example: int | None = None) -> Any:
        """The neuron-level backprop of the update shown, for one example of its batch: the Jupyter player.

        The model is the one the update started from (``model_at(k − 1)``, in eval mode: no dropout); the loss
        is the example's own, so its gradients are that example's share of the update's (the batch's mean).

        Args:
            example: a position in ``X``; default: the first example of the update's batch.

        Returns:
            The ``autograd`` player (an ipywidgets box); the view shows it under itself.

        Raises:
            PlaygroundError: no update is shown (k = 0) or ``example`` is not a position in ``X``.
        """
        from autograd import trace_backward

        k = self.shown
        if k == 0:
            raise PlaygroundError("Playground.backprop() got update 0 (before training); step or scrub to an update.")
        steps = self._recorder.steps
        chosen = steps[k - 1].indices[0] if example is None else example
        if not isinstance(chosen, int) or not 0 <= chosen < len(self.X):
            raise PlaygroundError(
                f"Playground.backprop() got example={example!r}; expected a position in X, 0 … {len(self.X) - 1}."
            )
        model = self.history.model_at(k - 1)
        loss = self._loss()([model(self.X[chosen])], [self.y[chosen]])
        return trace_backward(loss, collapse="scope").player()

    # --- the view -------------------------------------------------------------------------

    @property
    def widget(self) -> Any:
        """The anywidget drawing the view (made on first use; needs ``glassgrad[notebook]``)."""
        if self._widget is None:
            self._widget = _widget_class()()
            self._widget.on_msg(self._on_message)
            self._send()
        return self._widget

    def _ipython_display_(self) -> None:
        display = importlib.import_module("IPython.display").display
        widgets = importlib.import_module("ipywidgets")
        if self._output is None:
            self._output = widgets.Output()
            self._output.add_class("ggp-backprop")  # the view's style bounds the player's picture (playground.js)
        display(widgets.VBox([self.widget, self._output]))

    def _on_message(self, _widget: Any, content: dict[str, Any], _buffers: object) -> None:
        # The front end's buttons. The view waits for one answer to each message, so exactly one state is sent,
        # and any error is shown in it instead of lost in the kernel's log (the view stops playing on one).
        action = content.get("do")
        self._message = ""
        self._quiet = True
        try:
            if action == "step":
                self.step()
            elif action == "show":
                self.show(int(content["k"]))
            elif action == "fork":
                self.fork()
            elif action == "reset":
                self.reset()
            elif action == "set":
                self.set(**{str(content["name"]): content["value"]})
            elif action == "add":
                self.add_point(float(content["x"]), float(content["y"]), int(content["label"]))
            elif action == "example":
                index = int(content["index"])
                self.example = index if 0 <= index < len(self.X) else None
            elif action == "backprop":
                self._open_backprop()
        except Exception as error:  # whatever went wrong, the view must hear of it
            self._message = str(error) if isinstance(error, AutogradError) else f"{type(error).__name__}: {error}"
        finally:
            self._quiet = False
            self._send()

    def _open_backprop(self) -> None:
        if self._output is None:  # the widget was shown alone, without the Output under it
            self._message = (
                "the backprop opens under the view: show the view with pg (not pg.widget), or run pg.backprop()"
            )
            return
        player = self.backprop(self.example)
        self._output.clear_output()
        with self._output:
            importlib.import_module("IPython.display").display(player)

    def state(self, model: Module | None = None) -> dict[str, Any]:
        """What the view draws, as plain JSON data: the network, the update shown, the data and the curves.

        Example:
            >>> pg = Playground.from_dataset("xor", n=20)
            >>> state = pg.state(); state["sizes"], state["shown"], len(state["parameters"])
            ([2, 8, 8, 1], 0, 105)
        """
        steps = self._recorder.steps
        k = self.shown
        stride = max(1, math.ceil(len(steps) / CURVE_POINTS))
        picks = list(range(0, len(steps) + 1, stride))
        if picks[-1] != len(steps):
            picks.append(len(steps))
        if model is None:
            numbers = list(steps[k - 1].parameters) if k else list(self._recorder.initial_parameters)
        else:
            numbers = [parameter.data for parameter in model.parameters()]
        layers = _dense_layers(self.model)
        last = layers[-1]["activation"]
        loss = self._loss()
        output = "probability" if last == "sigmoid" else "value" if loss is mean_squared_error else "score"
        return {
            "sizes": [2] + [len(layer["bias"]) for layer in layers],
            "layers": layers,
            "output": output,
            "parameters": numbers,
            "gradients": [g if math.isfinite(g) else 0.0 for g in steps[k - 1].gradients] if k else [],
            "batch": list(steps[k - 1].indices) if k else [],
            "shown": k,
            "updates": len(steps),
            "epoch": steps[k - 1].epoch if k else 0,
            # The curves at most CURVE_POINTS updates apart (a long run stays a small message); the grey
            # batch-loss line is each stretch's mean, so no batch is dropped from it.
            "curve_at": picks,
            "curves": {name: [_json(values[i]) for i in picks] for name, values in self.curves.items()},
            "batch_loss": [
                _json(sum(step.loss for step in steps[a:b]) / (b - a)) for a, b in itertools.pairwise(picks)
            ],
            "at_shown": {name: _json(values[k]) for name, values in self.curves.items()},
            "shown_loss": steps[k - 1].loss if k else None,
            "points": [[x[0], x[1], label] for x, label in zip(self.X, self.y)],
            "validation": [[x[0], x[1], label] for x, label in zip(self.X_val, self.y_val)],
            "box": list(self._box),
            "example": -1 if self.example is None else self.example,
            "settings": {
                name: (next(key for key, f in LOSSES.items() if f is value) if name == "loss" else value)
                for name, value in self.settings.items()
            },
            "branches": len(self.branches),
            "message": self._message,
            "sent": self._sent,  # a new number each time, so the view hears every answer, even an unchanged one
        }

    def _send(self, model: Module | None = None) -> None:
        if self._widget is not None and not self._quiet:
            self._sent += 1
            state = self.state(model)
            # The points change only on a click: sent (first, so the view has them) only then, not every update.
            points = {name: state.pop(name) for name in ("points", "validation", "box")}
            if points != self._widget.points:
                self._widget.points = points
            self._widget.state = state

    def _frame_box(self) -> tuple[float, float, float, float]:
        points = self.X + self.X_val
        if not points:
            return BLANK_BOX
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        pad_x, pad_y = 0.1 * (max(xs) - min(xs) or 1.0), 0.1 * (max(ys) - min(ys) or 1.0)
        return (min(xs) - pad_x, max(xs) + pad_x, min(ys) - pad_y, max(ys) + pad_y)
