"""High-precision references for the op table: each op's value, gradient and Hessian at its reference points.

Shared by ``test_precision.py`` (which asserts glassgrad's relative error) and
``benchmarks/precision.py`` (which also measures PyTorch and writes the table
in ``docs/precision.md``). Needs mpmath (``pip install 'glassgrad[test]'``).

The reference of an op is ``Op.reference`` run on mpmath; derivatives come from
``mpmath.diff`` in the relative coordinate x·(1 + t), so a step suits 1e-100 and
1e100 alike. At least 60 significant digits are carried, and more where the
function is close to a constant (tanh(300) = 1 − 1e-261): the extra digits are
the size of the largest operand, capped at 700.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import mpmath

from autograd import Op, Value, grad
from autograd.engine.value import _apply

mp = mpmath.mp
SMALLEST_NORMAL = 2.2250738585072014e-308


@dataclass(frozen=True)
class Derivatives:
    """A value, its gradient and its Hessian at one point (floats or mpmath numbers)."""

    value: object
    gradient: tuple[object, ...]
    hessian: tuple[tuple[object, ...], ...]


def split(op: Op, point: Sequence[float]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The operands and the constants of a reference point."""
    n_operands = len(point) - op.n_constants
    return tuple(point[:n_operands]), tuple(point[n_operands:])


def digits(point: Sequence[float]) -> int:
    """How many digits the reference carries at ``point``."""
    return 60 + min(700, int(max(abs(x) for x in point)))


def reference(op: Op, point: Sequence[float]) -> Derivatives:
    """The op's value and derivatives at ``point`` from ``op.reference`` on mpmath."""
    assert op.reference is not None, op.name
    operands, constants = split(op, point)
    with mp.workdps(digits(point)):
        xs = [mp.mpf(x) for x in operands]
        cs = [mp.mpf(c) for c in constants]

        def relative(*ts: object) -> object:
            return op.reference(mp, *[x * (1 + t) for x, t in zip(xs, ts)], *cs)  # type: ignore[misc]

        zero = tuple(mp.mpf(0) for _ in xs)

        def derivative(orders: Sequence[int]) -> object:
            # An exact zero (∂²(x·y)/∂x²) comes out as rounding noise that
            # shrinks with the precision; a true value stays put at 20 more digits.
            results = []
            for extra in (0, 20):
                with mp.workdps(mp.dps + extra):
                    result = mp.diff(relative, zero, tuple(orders))
                    for x, n in zip(xs, orders):
                        result /= x**n
                    results.append(result)
            converged = abs(results[0] - results[1]) <= abs(results[1]) * mpmath.mpf(10) ** -20
            return +results[1] if converged else mp.mpf(0)

        n = len(xs)
        unit = [[int(i == j) for j in range(n)] for i in range(n)]
        return Derivatives(
            value=+op.reference(mp, *xs, *cs),
            gradient=tuple(derivative(unit[i]) for i in range(n)),
            hessian=tuple(
                tuple(derivative([a + b for a, b in zip(unit[i], unit[j])]) for j in range(n)) for i in range(n)
            ),
        )


def glassgrad(op: Op, point: Sequence[float]) -> Derivatives:
    """glassgrad's value, gradient (float path) and Hessian (create_graph path) at ``point``."""
    operands, constants = split(op, point)
    leaves = [Value(x) for x in operands]
    out = _apply(op, tuple(leaves), constants)
    first = grad(out, leaves, create_graph=True)
    return Derivatives(
        value=out.data,
        gradient=grad(out, leaves),
        hessian=tuple(grad(derivative, leaves) for derivative in first),
    )


def relative_error(ours: float, truth: object) -> float | None:
    """|ours − truth| / |truth|, or None where the truth is not a normal float (0, subnormal, overflow).

    Where the truth is 0 or below the normal range, an answer that is 0 or
    subnormal too counts as exact (0.0); anything larger is an error of inf.
    A nan answer is an error of inf too: as a nan it would vanish in ``max``.
    """
    if math.isnan(ours):
        return math.inf
    exact = mpmath.mpf(truth)  # type: ignore[arg-type]
    if abs(exact) < SMALLEST_NORMAL:
        return 0.0 if abs(ours) < SMALLEST_NORMAL else math.inf
    if abs(exact) > 1.7976931348623157e308:
        return None
    return float(abs((mpmath.mpf(ours) - exact) / exact))


def errors(ours: Derivatives, truth: Derivatives) -> dict[str, float]:
    """The largest relative error of the value, the gradient and the Hessian (normal truths only)."""

    def largest(pairs: list[tuple[float, object]]) -> float:
        found = [relative_error(float(a), b) for a, b in pairs]  # type: ignore[arg-type]
        return max((e for e in found if e is not None), default=0.0)

    return {
        "value": largest([(ours.value, truth.value)]),  # type: ignore[list-item]
        "first": largest(list(zip(ours.gradient, truth.gradient))),  # type: ignore[arg-type]
        "second": largest(
            [(a, b) for row, true_row in zip(ours.hessian, truth.hessian) for a, b in zip(row, true_row)]  # type: ignore[misc]
        ),
    }
