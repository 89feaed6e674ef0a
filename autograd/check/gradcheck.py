"""``gradcheck``: compare reverse-mode derivatives with finite differences.

The numerical derivative of f at x along one input is the central difference
(f(x + ε) − f(x − ε)) / 2ε; it needs only f's values, so it is an independent
witness for what ``backward`` computes. ``gradcheck`` nudges one input at a
time and prints both numbers side by side, with the inputs named by label.

When a check is *expected* to fail, it says so instead of reporting a mismatch:

* where the stencil x ± ε straddles a kink or a jump of a piecewise op (relu,
  abs, leaky_relu and sign at 0, clamp at its bounds, % where the quotient is
  an integer; any op that declares ``Op.pieces``), the central difference mixes
  two pieces and means nothing. The row is marked ``kink`` and the engine's
  derivative is compared with the one-sided slope on x's own piece, or, when x
  sits exactly on the kink (a piece of its own, abs at 0), it must lie between
  the slopes on either side. Anywhere else the central difference decides:
  there is no allowance for being merely *near* a kink, so a wrong derivative
  never passes (a user's |x| with derivative 0 fails at x = 1e-7);
* where f or a derivative is inf or nan, the row is marked ``not finite``;
* where x ± ε leaves f's domain (log just above 0), the row is marked
  ``left domain`` and suggests a smaller ε.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from autograd.engine.errors import DomainError, GradientMismatch
from autograd.engine.graph import check_points, grad, parameter_names, topological_order
from autograd.engine.recording import enable_grad, no_grad
from autograd.engine.value import Value, is_real

Function = Callable[..., Value]
Pieces = tuple[object, ...]
Probe = Callable[[float], tuple[float, Pieces]]
"""f (or a derivative of f) at a point, with the pieces its piecewise ops were on there."""

# What each row's status means; only "ok" and "kink" count as a match.
OK, MISMATCH, KINK, NOT_FINITE, LEFT_DOMAIN = "ok", "mismatch", "kink", "not finite", "left domain"


@dataclass(frozen=True)
class DerivativeCheck:
    """One compared derivative: a row of the gradcheck table.

    Attributes:
        input: which derivative, by label: ``"∂/∂x"`` or ``"∂²/∂x∂y"``.
        analytic: what reverse mode computed.
        numeric: the central finite difference.
        status: ``"ok"``, ``"mismatch"``, ``"kink"``, ``"not finite"`` or ``"left domain"``.
        note: why a row is not plainly ok, in words.

    Example:
        >>> row = DerivativeCheck("∂/∂x", analytic=3.0, numeric=2.5, status="mismatch")
        >>> row.ok, row.abs_error, row.rel_error
        (False, 0.5, 0.2)
    """

    input: str
    analytic: float
    numeric: float
    status: str
    note: str = ""

    @property
    def ok(self) -> bool:
        """True when the derivatives agree, or sit at a kink with an allowed choice."""
        return self.status in (OK, KINK)

    @property
    def abs_error(self) -> float:
        """|analytic − numeric|."""
        return abs(self.analytic - self.numeric)

    @property
    def rel_error(self) -> float:
        """|analytic − numeric| / |numeric| (inf when only numeric is 0)."""
        error = self.abs_error
        if self.numeric == 0.0:
            return 0.0 if error == 0.0 else math.inf
        return error / abs(self.numeric)


@dataclass(frozen=True)
class GradcheckResult:
    """What ``gradcheck`` found: truthy when every derivative matches; prints as a table.

    Attributes:
        rows: one ``DerivativeCheck`` per derivative, first order then second.
        eps: the finite-difference step.
        atol: the absolute tolerance.
        rtol: the relative tolerance.

    Example:
        >>> result = gradcheck(lambda x, y: x * y, [2.0, 3.0])
        >>> bool(result), len(result.rows), result.eps
        (True, 2, 1e-06)
    """

    rows: tuple[DerivativeCheck, ...]
    eps: float
    atol: float
    rtol: float

    def __bool__(self) -> bool:
        return all(row.ok for row in self.rows)

    @property
    def failures(self) -> tuple[DerivativeCheck, ...]:
        """The rows that do not match.

        Example:
            >>> result = gradcheck(lambda x: x * Value(x.data), [3.0], raise_on_failure=False)
            >>> [(row.input, row.status) for row in result.failures]
            [('∂/∂x', 'mismatch')]
        """
        return tuple(row for row in self.rows if not row.ok)

    def summary(self) -> str:
        """One line: how many derivatives were checked and which failed, by label.

        Example:
            >>> gradcheck(lambda x, y: x * y, [2.0, 3.0]).summary()
            'gradcheck passed: all 2 derivatives match (eps=1e-06, atol=1e-05, rtol=0.001)'
        """
        counts = f"{len(self.rows)} derivative{'s' if len(self.rows) != 1 else ''}"
        if self:
            verdict = f"all {counts} match" if len(self.rows) > 1 else f"{counts} matches"
            return f"gradcheck passed: {verdict} (eps={self.eps:g}, atol={self.atol:g}, rtol={self.rtol:g})"
        failed = ", ".join(f"{row.input} ({row.status})" for row in self.failures)
        return f"gradcheck failed: {len(self.failures)} of {counts} wrong: {failed}"

    def table(self) -> str:
        """The rows as an aligned text table, followed by a note for every row that needs one.

        Example:
            >>> result = gradcheck(lambda x: x * Value(x.data), [3.0], raise_on_failure=False)
            >>> print(result.table())
            input  analytic  numeric  abs err  rel err  ok
            ∂/∂x   3         6        3.0e+00  5.0e-01  NO, mismatch
        """
        header = ("input", "analytic", "numeric", "abs err", "rel err", "ok")
        cells = [header] + [
            (
                row.input,
                _number(row.analytic),
                _number(row.numeric),
                _error(row.abs_error),
                _error(row.rel_error),
                "yes" if row.status == OK else ("yes, kink" if row.ok else f"NO, {row.status}"),
            )
            for row in self.rows
        ]
        widths = [max(len(line[column]) for line in cells) for column in range(len(header))]
        lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in cells]
        lines += [f"{row.input}: {row.note}" for row in self.rows if row.note]
        return "\n".join(lines)

    def __str__(self) -> str:
        return f"{self.summary()}\n{self.table()}"

    # The table is what anyone printing a result in a REPL wants to see.
    __repr__ = __str__


def gradcheck(
    f: Function,
    inputs: Iterable[Value | float] | Mapping[str, Value | float],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    order: int = 1,
    raise_on_failure: bool = True,
) -> GradcheckResult:
    """Check f's reverse-mode derivatives against central finite differences.

    For every input x, ∂f/∂x from ``grad`` is compared with
    (f(x + h) − f(x − h)) / 2h, where the step h = ε·max(1, |x|) grows with
    |x| so that x ± h stay distinct floats, and accepted when
    |analytic − numeric| ≤ atol + rtol·|numeric|. With ``order=2`` every
    second derivative ∂²f/∂x∂y from ``grad(..., create_graph=True)`` is also
    compared with the finite difference of the first derivative.

    Inputs that are Values are nudged in place (and restored), so ``f`` may also
    reach them through a closure: ``gradcheck(lambda *_: loss(model),
    model.parameters())`` checks a network's loss. Rows are named by the
    Values' labels; float inputs become leaves named after f's parameters; a
    dict such as ``dict(model.named_parameters())`` names them by its keys.
    No ``.grad`` is touched. ``f`` must be deterministic: put dropout in eval mode.

    Expected failures are reported as such, not as mismatches: a ``kink`` row
    (relu or abs at 0) passes when the engine's choice lies between the left
    and right slopes; ``not finite`` and ``left domain`` rows fail with a note.

    Args:
        f: a function of ``len(inputs)`` Values that returns a Value.
        inputs: the point, as floats or Values (labels name the table's rows),
            or a dict from names to them (the names name the rows).
        eps: the finite-difference step ε, relative for |x| > 1.
        atol: the absolute tolerance.
        rtol: the relative tolerance.
        order: 1 for gradients, 2 to also check second derivatives.
        raise_on_failure: raise ``GradientMismatch`` instead of returning a falsy result.

    Returns:
        A ``GradcheckResult``: truthy when all derivatives match; prints as a table.

    Raises:
        GradientMismatch: a derivative disagrees (when ``raise_on_failure``); the
            message is the table.
        TypeError: ``f`` is not callable, returns no Value, or an input is not a number or Value.
        ValueError: a tolerance or ``order`` is out of range, or an input is repeated.

    Example:
        >>> from autograd import gradcheck
        >>> result = gradcheck(lambda x, y: x * y.sin(), [2.0, 0.5])
        >>> bool(result), [row.input for row in result.rows]
        (True, ['∂/∂x', '∂/∂y'])
    """
    leaves, names = _validate(f, inputs, eps, atol, rtol, order, raise_on_failure)
    originals = [x.data for x in leaves]
    try:
        rows = _first_order(f, leaves, names, eps, atol, rtol)
        if order == 2:
            rows += _second_order(f, leaves, names, eps, atol, rtol)
    finally:
        for x, data in zip(leaves, originals):
            x.data = data
    result = GradcheckResult(tuple(rows), eps, atol, rtol)
    if raise_on_failure and not result:
        raise GradientMismatch(str(result))
    return result


def _validate(
    f: object, inputs: object, eps: float, atol: float, rtol: float, order: int, raise_on_failure: bool
) -> tuple[list[Value], list[str]]:
    if not callable(f):
        raise TypeError(
            f"gradcheck() got f={f!r} of type {type(f).__name__}; f must be a function of Values returning a Value."
        )
    if isinstance(inputs, (Value, numbers.Real)) or not isinstance(inputs, Iterable):
        raise TypeError(
            f"gradcheck() got inputs={inputs!r} of type {type(inputs).__name__}; "
            f"expected a list of floats or Values. Pass [x] to check a single input."
        )
    for name, tolerance, positive in (("eps", eps, True), ("atol", atol, False), ("rtol", rtol, False)):
        if not is_real(tolerance) or not math.isfinite(tolerance) or tolerance < 0 or (positive and tolerance == 0):
            expected = "a finite number > 0" if positive else "a finite number ≥ 0"
            raise ValueError(f"gradcheck() got {name}={tolerance!r}; {name} must be {expected}.")
    if order not in (1, 2) or isinstance(order, bool):
        raise ValueError(f"gradcheck() got order={order!r}; order must be 1 (gradients) or 2 (and second derivatives).")
    if not isinstance(raise_on_failure, bool):
        raise TypeError(f"gradcheck() got raise_on_failure={raise_on_failure!r}; expected True or False.")
    keys = [str(key) for key in inputs] if isinstance(inputs, Mapping) else None
    given = list(inputs.values()) if isinstance(inputs, Mapping) else list(inputs)
    if not given:
        raise ValueError("gradcheck() got no inputs; pass at least one float or Value to differentiate by.")
    check_points("gradcheck", "inputs", given, "a float or a Value")
    names = keys if keys is not None else _names(f, given)
    leaves = [x if isinstance(x, Value) else Value(float(x), label=name) for x, name in zip(given, names)]
    return leaves, names


def _names(f: object, inputs: list[object]) -> list[str]:
    # A Value's label first, then f's parameter name, then the position.
    parameters = parameter_names(f)
    names = []
    for position, x in enumerate(inputs):
        if isinstance(x, Value) and x.label:
            names.append(x.label)
        elif position < len(parameters):
            names.append(parameters[position])
        else:
            names.append(f"inputs[{position}]")
    # Two inputs with one label would make the table ambiguous.
    return [f"{name} (inputs[{position}])" if names.count(name) > 1 else name for position, name in enumerate(names)]


def _call(f: Function, leaves: list[Value]) -> Value:
    out = f(*leaves)
    if isinstance(out, Value):
        return out
    if is_real(out):  # a constant function: every derivative is 0
        return Value(float(out))
    raise TypeError(f"gradcheck() got f returning {out!r} of type {type(out).__name__}; f must return a Value.")


def _first_order(
    f: Function, leaves: list[Value], names: list[str], eps: float, atol: float, rtol: float
) -> list[DerivativeCheck]:
    with enable_grad():
        out = _call(f, leaves)
    analytic = grad(out, leaves)
    kinks = _kinks(out)
    # Without a piecewise op the probes need no graph: every point is on the one
    # smooth piece, so the central difference decides (strictly, no allowance).
    recording = enable_grad if _pieces(out) else no_grad
    rows = []
    for position, (x, name) in enumerate(zip(leaves, names)):

        def value_at(data: float, x: Value = x) -> tuple[float, Pieces]:
            x.data = data
            with recording():  # the graph tells which piece each piecewise op is on
                out = _call(f, leaves)
            return out.data, _pieces(out)

        start = x.data
        rows.append(_compare(f"∂/∂{name}", analytic[position], value_at, start, eps, atol, rtol, kinks))
        x.data = start
    return rows


def _second_order(
    f: Function, leaves: list[Value], names: list[str], eps: float, atol: float, rtol: float
) -> list[DerivativeCheck]:
    # Numeric reference: the finite difference of the float-path gradient, so
    # this checks the create_graph path (derivatives as Values) against it.
    with enable_grad():
        out = _call(f, leaves)
        first = grad(out, leaves, create_graph=True)
    kinks = _kinks(out)
    rows = []
    for i, derivative in enumerate(first):
        analytic = grad(derivative, leaves)
        for j, x in enumerate(leaves):

            def derivative_at(data: float, x: Value = x, i: int = i) -> tuple[float, Pieces]:
                x.data = data
                with enable_grad():
                    out = _call(f, leaves)
                return grad(out, [leaves[i]])[0], _pieces(out)

            start = x.data
            name = f"∂²/∂{names[i]}∂{names[j]}"
            rows.append(_compare(name, analytic[j], derivative_at, start, eps, atol, rtol, kinks))
            x.data = start
    return rows


def _kinks(out: Value) -> str:
    # The op table says which ops have no derivative somewhere, and what we pick there.
    found = {node.operation.name: node.operation.kinks for node in topological_order(out) if node.operation}
    return "; ".join(f"{name}: {kink}" for name, kink in sorted(found.items()) if kink)


def _pieces(out: Value) -> Pieces:
    """Which piece every piecewise op of ``out``'s graph is on (see ``Op.pieces``), in creation order."""
    return tuple(
        node.operation.pieces(*(x.data for x in node.inputs), *node.constants)
        for node in topological_order(out)
        if node.operation is not None and node.operation.pieces is not None
    )


def _compare(
    name: str, analytic: float, probe: Probe, x: float, eps: float, atol: float, rtol: float, kinks: str
) -> DerivativeCheck:
    def close(a: float, b: float) -> bool:
        return abs(a - b) <= atol + rtol * abs(b)

    # The step grows with |x|: past |x| ≈ 2e10 a fixed 1e-6 is below half a float
    # spacing, so x + eps == x − eps and the difference quotient divides by zero.
    eps *= max(1.0, abs(x)) if math.isfinite(x) else 1.0
    try:
        (plus, right_pieces), (minus, left_pieces) = probe(x + eps), probe(x - eps)
        center, pieces = probe(x)
    except DomainError as error:
        if not math.isfinite(analytic):  # e.g. √x at 0: a smaller eps would not help
            return DerivativeCheck(name, analytic, math.nan, NOT_FINITE, f"the derivative is {analytic!r} here.")
        return DerivativeCheck(
            name, analytic, math.nan, LEFT_DOMAIN, f"x ± eps leaves the domain ({error}); try a smaller eps."
        )
    numeric = (plus - minus) / ((x + eps) - (x - eps))
    if not (math.isfinite(analytic) and math.isfinite(plus) and math.isfinite(minus)):
        return DerivativeCheck(
            name,
            analytic,
            numeric,
            NOT_FINITE,
            "the function or its derivative is inf or nan here, nothing to compare.",
        )
    known = f" ({kinks})" if kinks else ""
    if left_pieces == pieces == right_pieces:
        # One smooth piece under the whole stencil: the central difference is the witness.
        if close(analytic, numeric):
            return DerivativeCheck(name, analytic, numeric, OK)
        note = f"the stencil x ± eps stays on one piece of every piecewise op{known}, so this is no kink."
        return DerivativeCheck(name, analytic, numeric, MISMATCH, note if kinks else "")
    # The stencil straddles a kink or a jump: only slopes taken within one piece count.
    if pieces in (right_pieces, left_pieces):
        side = 1.0 if pieces == right_pieces else -1.0
        slope = _one_sided_slope(probe, x, side * eps, center, pieces)
        where = f"the stencil x ± eps straddles a kink{known}; on x's side the slope is {_number(slope)} " + (
            "(from the right)" if side > 0 else "(from the left)"
        )
        if close(analytic, slope):
            return DerivativeCheck(name, analytic, slope, KINK, f"{where}, and the engine's derivative matches it.")
        return DerivativeCheck(name, analytic, slope, MISMATCH, f"{where}, and the engine's derivative does not.")
    # x is exactly on the kink (a piece of its own: abs at 0): any slope between the two sides' is a choice.
    left = _one_sided_slope(probe, x - eps, -eps, minus, left_pieces)
    right = _one_sided_slope(probe, x + eps, eps, plus, right_pieces)
    low, high = sorted((left, right))
    slopes = f"not differentiable here: the slope is {_number(left)} from the left, {_number(right)} from the right"
    if low - (atol + rtol * abs(low)) <= analytic <= high + (atol + rtol * abs(high)):
        status, verdict = KINK, "; the engine's choice lies between them"
    else:
        status, verdict = MISMATCH, ", and the engine's choice lies outside both"
    return DerivativeCheck(name, analytic, numeric, status, f"{slopes}{verdict}{known}.")


def _one_sided_slope(probe: Probe, x: float, step: float, at_x: float, pieces: Pieces) -> float:
    """The slope at x from points on one side (``step`` > 0: the right) of x's own piece.

    Second order, (−3f(x) + 4f(x + h) − f(x + 2h)) / 2h, when x + 2h is on the same
    piece; else the first-order (f(x + h) − f(x)) / h.
    """
    near, near_pieces = probe(x + step)
    far, far_pieces = probe(x + 2 * step)
    if near_pieces != pieces:  # pragma: no cover - a piece narrower than the step: nothing better to offer
        return math.nan
    if far_pieces != pieces:
        return (near - at_x) / ((x + step) - x)
    return (-3.0 * at_x + 4.0 * near - far) / ((x + 2 * step) - x)


def _number(x: float) -> str:
    return f"{x + 0.0:.10g}"  # + 0.0: −0.0 prints as 0


def _error(x: float) -> str:
    return f"{x:.1e}" if math.isfinite(x) else str(x)
