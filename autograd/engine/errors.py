"""The exceptions glassgrad raises, each also a builtin so ``except ValueError`` works.

AutogradError
├── DomainError        (ValueError)      an op got an input outside its domain
├── AnomalyError       (ArithmeticError) detect_anomaly() saw a non-finite number
├── GradientMismatch   (AssertionError)  gradcheck() found a wrong derivative
├── GraphChangedError  (RuntimeError)    a leaf's .data changed, then a derivative was differentiated again
├── GraphTooLargeError (ValueError)      a drawing would have too many nodes
├── GraphvizNotFound   (RuntimeError)    rendering needs the graphviz ``dot`` binary
├── GraphvizTimeout    (RuntimeError)    ``dot`` took too long to lay a graph out
└── MisspelledAttributeError (AttributeError) a name one slip away from a Value field was set
"""

from __future__ import annotations


class AutogradError(Exception):
    """Base class of every error glassgrad raises on purpose.

    Example:
        >>> from autograd import Value
        >>> try:
        ...     Value(0.0).log()
        ... except AutogradError as error:
        ...     type(error).__name__
        'DomainError'
    """


class DomainError(AutogradError, ValueError):
    """An operation got an input outside its domain, e.g. ``log`` of a negative number.

    Example:
        >>> from autograd import Value
        >>> Value(-1.0, label="z1").log()
        Traceback (most recent call last):
        ...
        autograd.engine.errors.DomainError: log() got -1.0 from node 'z1'; log needs x > 0.
    """


class AnomalyError(AutogradError, ArithmeticError):
    """Under ``detect_anomaly()``, a value or gradient became inf or nan.

    Example:
        >>> from autograd import Value, detect_anomaly
        >>> with detect_anomaly():
        ...     Value(0.0, label="z").sqrt().backward()
        Traceback (most recent call last):
        ...
        autograd.engine.errors.AnomalyError: backward through sqrt() at a 'sqrt' node made the gradient of 'z' inf ...
    """


class GradientMismatch(AutogradError, AssertionError):  # noqa: N818  (the name the issue and users know)
    """``gradcheck`` found an analytic gradient that disagrees with finite differences.

    Example:
        >>> from autograd import Value, gradcheck
        >>> gradcheck(lambda x: x * Value(x.data), [3.0])  # the 2nd factor is cut off from the graph
        Traceback (most recent call last):
        ...
        autograd.engine.errors.GradientMismatch: gradcheck failed: 1 of 1 derivative wrong: ∂/∂x (mismatch)...
    """


class GraphChangedError(AutogradError, RuntimeError):
    """A leaf's ``.data`` changed after the graph was recorded, and a derivative was differentiated again through it.

    Every path takes derivatives at the recorded point: ``backward``, ``grad``,
    ``jvp`` and ``grad(create_graph=True)`` all give the same numbers there. A
    ``create_graph`` derivative through a node whose input changed holds the
    recorded number, but its own derivatives belong to a point no longer in
    the graph, so differentiating it again raises this.

    Example:
        >>> from autograd import Value, grad
        >>> x = Value(2.0, label="x")
        >>> y = x * x
        >>> x.data = 5.0
        >>> (slope,) = grad(y, [x], create_graph=True)
        >>> slope.data  # at the recorded point, x = 2, as backward and grad give
        4.0
        >>> grad(slope, [x])
        Traceback (most recent call last):
        ...
        autograd.engine.errors.GraphChangedError: an unlabeled '*' node was recorded as 4.0 but its op now gives 25.0...
    """


class GraphTooLargeError(AutogradError, ValueError):
    """A graph has more nodes than a drawing can show legibly.

    Example:
        >>> from autograd import Value, to_dot
        >>> to_dot(Value(1.0) * 2 + 1, max_nodes=2)
        Traceback (most recent call last):
        ...
        autograd.engine.errors.GraphTooLargeError: to_dot() got a graph of 5 nodes, more than max_nodes=2; ...
    """


class GraphvizNotFound(AutogradError, RuntimeError):  # noqa: N818  (reads like FileNotFoundError)
    """Rendering needs the graphviz ``dot`` binary (or the ``graphviz`` package) and it is missing.

    Example:
        >>> from unittest import mock
        >>> from autograd.see.render import require_dot
        >>> with mock.patch("shutil.which", return_value=None):  # as if dot were not installed
        ...     require_dot("save")
        Traceback (most recent call last):
        ...
        autograd.engine.errors.GraphvizNotFound: save() needs Graphviz's `dot` program, and it is not on PATH...
    """


class GraphvizTimeout(AutogradError, RuntimeError):  # noqa: N818  (reads like subprocess.TimeoutExpired)
    """Graphviz's ``dot`` was still laying a graph out when its time ran out.

    A RuntimeError rather than a TimeoutError: TimeoutError is an OSError, which
    callers rightly read as "the file could not be written".

    Example:
        >>> issubclass(GraphvizTimeout, RuntimeError), issubclass(GraphvizTimeout, TimeoutError)
        (True, False)
    """


class MisspelledAttributeError(AutogradError, AttributeError):
    """Code set an attribute whose name is one slip away from a ``Value`` field (``v.gard = 0``).

    Your own attributes on a node are welcome (``v._vis_color``, an optimizer's
    ``p.m``); a near miss of ``grad`` or ``data`` is almost always a typo that
    would otherwise pass silently.

    Example:
        >>> from autograd import Value
        >>> try:
        ...     Value(1.0).gard = 0.0
        ... except MisspelledAttributeError as error:
        ...     print(str(error)[:72])
        Value got attribute 'gard', one slip away from its field 'grad'; did you
    """
