"""Early stopping: stop when the validation loss stops improving, and keep the best weights.

Training loss keeps falling as a model starts to memorise its training set;
the validation loss turns back up. ``EarlyStopping`` watches it after every
epoch, remembers the weights of the best epoch, stops after ``patience``
epochs without improvement, and puts the best weights back.

Example:
    >>> import nn
    >>> stopper = nn.EarlyStopping(patience=2)
    >>> model = nn.Neuron(1, seed=0)
    >>> stopper.on_train_begin(model)
    >>> [stopper.on_epoch_end(epoch, loss, model) for epoch, loss in enumerate([0.5, 0.4, 0.45, 0.47], 1)]
    [False, False, False, True]
    >>> stopper.best_epoch, stopper.stopped_epoch
    (2, 4)
"""

from __future__ import annotations

import math

from nn.checks import is_finite_number, whole_number
from nn.module import Module


class Callback:
    """Something ``nn.fit`` calls as training runs; override the hooks you need.

    Example:
        >>> class Printer(Callback):
        ...     def on_epoch_end(self, epoch, monitored, model):
        ...         print(epoch, monitored)
        ...         return False
        >>> Printer().on_epoch_end(1, 0.5, None)
        1 0.5
        False
    """

    def on_train_begin(self, model: Module) -> None:
        """Called once before the first epoch."""

    def on_epoch_end(self, epoch: int, monitored: float, model: Module) -> bool:
        """Called after each epoch with the loss it watches; return True to stop training.

        Example:
            >>> class StopBelow(Callback):  # stop once the loss is small enough
            ...     def on_epoch_end(self, epoch, monitored, model):
            ...         return monitored < 0.01
            >>> StopBelow().on_epoch_end(3, 0.005, None)
            True
        """
        return False

    def on_train_end(self, model: Module) -> None:
        """Called once at the end, also after an early stop or a Ctrl-C."""


class EarlyStopping(Callback):
    """Stop after ``patience`` epochs without a new best validation loss; keep the best weights.

    ``nn.fit`` passes the validation loss when it has validation data, else
    the training loss.

    Args:
        patience: epochs without improvement to wait before stopping (≥ 1).
        restore_best: put back the weights of the best epoch at the end.
        min_delta: an improvement must lower the loss by more than this.

    Attributes:
        best_loss: the lowest loss seen.
        best_epoch: the epoch (counting from 1) that reached it.
        stopped_epoch: the epoch training stopped at, or None if it ran to the end.

    Raises:
        ValueError: ``patience`` < 1 or ``min_delta`` < 0.

    Example:
        >>> EarlyStopping(patience=5)
        EarlyStopping(patience=5, restore_best=True, min_delta=0.0)
    """

    patience: int
    restore_best: bool
    min_delta: float
    best_loss: float
    best_epoch: int | None
    stopped_epoch: int | None
    # The weights of the best epoch, and the epochs waited since it.
    _best_state: dict[str, float] | None
    _waited: int

    def __init__(self, patience: int = 5, restore_best: bool = True, min_delta: float = 0.0) -> None:
        patience = whole_number("EarlyStopping", "patience", patience, unit="epochs")
        if not is_finite_number(min_delta) or not min_delta >= 0.0:
            raise ValueError(f"EarlyStopping got min_delta={min_delta!r}; expected a finite number ≥ 0, such as 0.001.")
        self.patience = patience
        self.restore_best = bool(restore_best)
        self.min_delta = float(min_delta)
        self.on_train_begin(None)

    def on_train_begin(self, model: Module | None) -> None:
        """Forget any previous run.

        Example:
            >>> import nn
            >>> stopper = EarlyStopping(); stopper.on_epoch_end(1, 0.3, nn.Neuron(1, seed=0))
            False
            >>> stopper.on_train_begin(None); stopper.best_loss, stopper.best_epoch
            (inf, None)
        """
        self.best_loss = math.inf
        self.best_epoch = None
        self.stopped_epoch = None
        self._best_state = None
        self._waited = 0

    def on_epoch_end(self, epoch: int, monitored: float, model: Module) -> bool:
        """Record a new best (and its weights) or count one more epoch without one."""
        if monitored < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch, self._waited = monitored, epoch, 0
            if self.restore_best:
                self._best_state = model.state_dict()
            return False
        self._waited += 1
        if self._waited >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def on_train_end(self, model: Module) -> None:
        """Put the best epoch's weights back (when ``restore_best``).

        Example:
            >>> import nn
            >>> model, stopper = nn.Neuron(1, seed=0), EarlyStopping(patience=1)
            >>> model.weights[0].data = 1.0; stopper.on_epoch_end(1, 0.3, model)  # a new best: weights kept
            False
            >>> model.weights[0].data = 9.0; stopper.on_epoch_end(2, 0.5, model)  # worse: stop
            True
            >>> stopper.on_train_end(model); model.weights[0].data
            1.0
        """
        if self.restore_best and self._best_state is not None:
            model.load_state_dict(self._best_state)

    def __repr__(self) -> str:
        return f"EarlyStopping(patience={self.patience}, restore_best={self.restore_best}, min_delta={self.min_delta})"
