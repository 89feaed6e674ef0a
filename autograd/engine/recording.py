"""What the engine records while you compute: the graph, anomaly checks and scope tags.

The settings live in one ``ContextVar`` so that every thread and every asyncio
task has its own: ``no_grad()`` in one thread never stops another from
recording. One variable (not three) keeps the per-operation cost to a single
lookup.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Recording:
    """The recording settings in force in the current context.

    Attributes:
        grad_enabled: operations record their inputs and local derivatives.
        detect_anomaly: every new value and gradient is checked to be finite.
        scope: the path of ``scope()`` names the new values are tagged with.

    Example:
        >>> with no_grad(), scope("layer1"):
        ...     RECORDING.get()
        Recording(grad_enabled=False, detect_anomaly=False, scope=('layer1',))
    """

    grad_enabled: bool = True
    detect_anomaly: bool = False
    scope: tuple[str, ...] = ()


RECORDING: ContextVar[Recording] = ContextVar("glassgrad_recording", default=Recording())  # noqa: B039  (frozen)

NUMBER_READS: ContextVar[list[object] | None] = ContextVar("glassgrad_number_reads", default=None)
"""While the batched engine records a graph, the nodes Python code turned into a number (``float(v)``).

Code that reads a number can branch on it, so the graph may differ from one
example to the next; ``autograd.modes.batched`` then checks every example.
``None`` (the default) when nothing is listening.
"""


@contextmanager
def _recording(**changes: bool | tuple[str, ...]) -> Iterator[None]:
    token = RECORDING.set(replace(RECORDING.get(), **changes))  # type: ignore[arg-type]
    try:
        yield
    finally:
        RECORDING.reset(token)


def no_grad() -> AbstractContextManager[None]:
    """Compute without recording a graph: results are leaves with no inputs.

    Use it for evaluation and for optimizer updates, where no gradient is wanted.

    Example:
        >>> from autograd import Value, no_grad
        >>> x = Value(2.0)
        >>> with no_grad():
        ...     y = x * x
        >>> y.inputs
        ()
    """
    return _recording(grad_enabled=False)


def enable_grad() -> AbstractContextManager[None]:
    """Record the graph again inside a ``no_grad()`` block.

    Example:
        >>> from autograd import Value, no_grad, enable_grad
        >>> with no_grad(), enable_grad():
        ...     len((Value(2.0) * 3).inputs)
        2
    """
    return _recording(grad_enabled=True)


def detect_anomaly() -> AbstractContextManager[None]:
    """Raise ``AnomalyError`` at the first value or gradient that is inf or nan.

    The error names the operation, the node's label and its operands, so you can
    find where a nan was born instead of seeing it at the loss.

    Example:
        >>> from autograd import Value, detect_anomaly
        >>> with detect_anomaly():
        ...     Value(1000.0, label="big").exp()
        Traceback (most recent call last):
        ...
        autograd.engine.errors.AnomalyError: exp() produced inf from operand 'big' = 1000.0.
    """
    return _recording(detect_anomaly=True)


def scope(name: str) -> AbstractContextManager[None]:
    """Tag every value created inside with ``name`` (nested scopes make a path).

    Renderers group or collapse nodes by scope; ``nn`` modules open one per call,
    with an ``autograd.Scope`` (a name that also declares a heading, kind and roles).

    Example:
        >>> from autograd import Value, scope
        >>> with scope("layer1"), scope("neuron0"):
        ...     y = Value(1.0) * 2
        >>> y.scope
        ('layer1', 'neuron0')
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"scope() got {name!r} of type {type(name).__name__}; a scope name must be a non-empty str.")
    return _recording(scope=(*RECORDING.get().scope, name))

