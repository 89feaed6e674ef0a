"""The exceptions glassgrad raises, each also a builtin so ``except ValueError`` works.

AutogradError
├── DomainError        (ValueError)      an op got an input outside its domain
├── AnomalyError       (ArithmeticError) detect_anomaly() saw a non-finite number
├── GradientMismatch   (AssertionError)  gradcheck() found a wrong derivative
├── GraphTooLargeError (ValueError)      a drawing would have too many nodes
├── GraphvizNotFound   (RuntimeError)    rendering needs the graphviz ``dot`` binary
└── GraphvizTimeout    (RuntimeError)    ``dot`` took too long to lay a graph out
"""

from __future__ import annotations


class AutogradError(Exception):
    """Base class of every error glassgrad raises on purpose."""


class DomainError(AutogradError, ValueError):
    """An operation got an input outside its domain, e.g. ``log`` of a negative number.

    Example:
        >>> from autograd import Value
        >>> Value(-1.0, label="z1").log()
        Traceback (most recent call last):
        ...
        autograd.errors.DomainError: log() got -1.0 from node 'z1'; log needs x > 0.
    """


class AnomalyError(AutogradError, ArithmeticError):
    """Under ``detect_anomaly()``, a value or gradient became inf or nan."""


class GradientMismatch(AutogradError, AssertionError):  # noqa: N818  (the name the issue and users know)
    """``gradcheck`` found an analytic gradient that disagrees with finite differences."""


class GraphTooLargeError(AutogradError, ValueError):
    """A graph has more nodes than a drawing can show legibly."""


class GraphvizNotFound(AutogradError, RuntimeError):  # noqa: N818  (reads like FileNotFoundError)
    """Rendering needs the graphviz ``dot`` binary (or the ``graphviz`` package) and it is missing."""


class GraphvizTimeout(AutogradError, RuntimeError):  # noqa: N818  (reads like subprocess.TimeoutExpired)
    """Graphviz's ``dot`` was still laying a graph out when its time ran out.

    A RuntimeError rather than a TimeoutError: TimeoutError is an OSError, which
    callers rightly read as "the file could not be written".
    """
