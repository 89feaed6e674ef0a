"""glassgrad's autodiff engine: scalar ``Value`` nodes that record every operation.

Example:
    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x
    >>> y.backward()
    >>> y.data, x.grad
    (10.0, 7.0)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from autograd.check.gradcheck import GradcheckResult, gradcheck
from autograd.engine.errors import (
    AnomalyError,
    AutogradError,
    DomainError,
    GradientMismatch,
    GraphChangedError,
    GraphTooLargeError,
    GraphvizNotFound,
    GraphvizTimeout,
    MisspelledAttributeError,
)
from autograd.engine.graph import grad, topological_order
from autograd.engine.memory import cycle_collector_paused
from autograd.engine.ops import OPS, Op
from autograd.engine.ops import custom_op as op
from autograd.engine.recording import detect_anomaly, enable_grad, no_grad, scope
from autograd.engine.scopes import ClosedForm, Scope
from autograd.engine.value import Parameter, Value, sum
from autograd.modes.forward import hessian, jvp

__glassgrad__ = True
"""Marks this ``autograd`` as glassgrad's engine: HIPS autograd has the same import name (see ``nn/doctor.py``)."""

if TYPE_CHECKING:
    from autograd.see.render import draw, save, to_dot
    from autograd.see.tangents import trace_jvp
    from autograd.see.trace import trace_backward, trace_forward

# Drawing and tracing load on first use, so `import autograd` stays light; none
# of them imports graphviz or ipywidgets until a picture is actually rendered.
_LAZY = {
    "draw": "autograd.see.render",
    "save": "autograd.see.render",
    "to_dot": "autograd.see.render",
    "trace_backward": "autograd.see.trace",
    "trace_forward": "autograd.see.trace",
    "trace_jvp": "autograd.see.tangents",
}


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module 'autograd' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_LAZY[name]), name)


_ROOMS = ("engine", "modes", "see", "check", "files")


def __dir__() -> list[str]:
    # Without this, dir() and tab completion miss the lazy names until first use;
    # globals() keeps what dir() showed before. The rooms are listed whether or not
    # something has imported them yet (`see` is loaded only when a picture is drawn).
    return sorted({*globals(), *__all__, *_ROOMS})


__all__ = [
    "OPS",
    "AnomalyError",
    "AutogradError",
    "ClosedForm",
    "DomainError",
    "GradcheckResult",
    "GradientMismatch",
    "GraphChangedError",
    "GraphTooLargeError",
    "GraphvizNotFound",
    "GraphvizTimeout",
    "MisspelledAttributeError",
    "Op",
    "Parameter",
    "Scope",
    "Value",
    "cycle_collector_paused",
    "detect_anomaly",
    "draw",
    "enable_grad",
    "grad",
    "gradcheck",
    "hessian",
    "jvp",
    "no_grad",
    "op",
    "save",
    "scope",
    "sum",
    "to_dot",
    "topological_order",
    "trace_backward",
    "trace_forward",
    "trace_jvp",
]
