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

from autograd.errors import (
    AnomalyError,
    AutogradError,
    DomainError,
    GradientMismatch,
    GraphTooLargeError,
    GraphvizNotFound,
)
from autograd.gradcheck import GradcheckResult, gradcheck
from autograd.graph import grad, topological_order
from autograd.ops import OPS, Op
from autograd.recording import detect_anomaly, enable_grad, no_grad, scope
from autograd.value import Parameter, Value, sum

__all__ = [
    "OPS",
    "AnomalyError",
    "AutogradError",
    "DomainError",
    "GradcheckResult",
    "GradientMismatch",
    "GraphTooLargeError",
    "GraphvizNotFound",
    "Op",
    "Parameter",
    "Value",
    "detect_anomaly",
    "enable_grad",
    "grad",
    "gradcheck",
    "no_grad",
    "scope",
    "sum",
    "topological_order",
]
