"""Precision: every op's value, gradient and Hessian within 1e-12 of a 60-digit mpmath reference.

The points come from the op table (``Op.points``): tails where the textbook
forms cancel (d/dx tanh at 19, d/dx σ at 40), tiny arguments (log1p(1e-10)),
and poles (the second derivative of sqrt at 0 is −inf). ``benchmarks/precision.py`` prints the same
comparison with PyTorch alongside, for the table in ``docs/precision.md``.
"""

from __future__ import annotations

import math

import pytest

from autograd import OPS, Value, grad
from autograd.engine.ops import FLOAT_MATH

pytest.importorskip("mpmath", reason="the precision tests need mpmath: pip install 'glassgrad[test]'")
from mpmath_reference import Derivatives, errors, glassgrad, reference

TOLERANCE = 1e-12
POINTS = [(name, point) for name, op in OPS.items() for point in op.points]


@pytest.mark.parametrize(("name", "point"), POINTS, ids=[f"{name}{point}" for name, point in POINTS])
def test_value_gradient_and_hessian_match_a_60_digit_reference(name, point):
    op = OPS[name]
    found = errors(glassgrad(op, point), reference(op, point))
    assert found == pytest.approx({"value": 0.0, "first": 0.0, "second": 0.0}, abs=TOLERANCE), found


def test_cross_entropy_keeps_the_digits_of_a_class_probability_far_below_the_others():
    from nn.losses import cross_entropy

    # Truths from mpmath at 50 digits: softmax(0, −30, 50) − one-hot(0). Class 1's
    # probability, 1.8e-35, sits next to one of 1 − 1.9e-22: a ∂/∂z written as
    # 1 − σ(50 − …), with σ rounding to 1, computes it as 0.
    scores = [Value(0.0), Value(-30.0), Value(50.0)]
    cross_entropy([scores], [0]).backward()
    truths = [-1.0, 1.8048513878454152e-35, 1.0]
    assert [s.grad for s in scores] == pytest.approx(truths, rel=1e-14, abs=0.0)


def test_the_precision_test_catches_the_cancelling_textbook_form():
    # Show the test can fail: d/dx tanh = 1 − tanh² (the old rule, and PyTorch's) is 77% off at 19.
    op = OPS["tanh"]
    rule = op.rule

    def textbook(m, x):  # type: ignore[no-untyped-def]
        t = m.tanh(x)
        return t, (1.0 - t * t,)

    object.__setattr__(op, "rule", textbook)  # Op is frozen; only this test rewires it
    try:
        found = errors(glassgrad(op, (19.0,)), reference(op, (19.0,)))
    finally:
        object.__setattr__(op, "rule", rule)
    assert found["first"] > 0.5


def test_a_nan_answer_is_an_infinite_error_not_a_lost_one():
    # max() keeps its first item over a nan after it, so a nan read as a nan error vanished from the
    # largest error: a nan gradient next to an exact one scored 0.0, and the precision test passed it.
    truth = Derivatives(value=1.0, gradient=(1.0, 2.0), hessian=((1.0, 1.0), (1.0, 1.0)))
    ours = Derivatives(value=1.0, gradient=(1.0, math.nan), hessian=((1.0, math.nan), (1.0, 1.0)))
    assert errors(ours, truth) == {"value": 0.0, "first": math.inf, "second": math.inf}


def test_the_tails_the_issue_names_are_exact():
    # abs=0: pytest.approx alone also allows an absolute 1e-12, which these tiny numbers are far below.
    x = Value(25.0)
    assert grad(x.tanh(), [x])[0] == pytest.approx(7.7149993918556711e-22, rel=1e-12, abs=0.0)
    x = Value(40.0)
    assert grad(x.sigmoid(), [x])[0] == pytest.approx(4.248354255291589e-18, rel=1e-12, abs=0.0)
    x = Value(30.0)
    (slope,) = grad(x.softplus(), [x], create_graph=True)
    assert grad(slope, [x])[0] == pytest.approx(9.3576229688384233e-14, rel=1e-12, abs=0.0)


@pytest.mark.parametrize(
    ("spell", "point", "first", "second"),
    [
        (lambda x: x.sqrt(), 0.0, math.inf, -math.inf),
        (lambda x: x**0.5, 0.0, math.inf, -math.inf),
        (lambda x: x**1.5, 0.0, 0.0, math.inf),
        (lambda x: x.asin(), 1.0, math.inf, math.inf),
        (lambda x: x.asin(), -1.0, math.inf, -math.inf),
        (lambda x: x.acos(), 1.0, -math.inf, -math.inf),
        (lambda x: x.acos(), -1.0, -math.inf, math.inf),
    ],
)
def test_poles_give_the_signed_infinity_to_the_second_derivative(spell, point, first, second):
    x = Value(point)
    (slope,) = grad(spell(x), [x], create_graph=True)
    assert (slope.data, grad(slope, [x])[0]) == (first, second)


def test_reciprocal_is_ieee_at_a_signed_zero():
    assert (FLOAT_MATH.reciprocal(0.0), FLOAT_MATH.reciprocal(-0.0), FLOAT_MATH.reciprocal(4.0)) == (
        math.inf,
        -math.inf,
        0.25,
    )


def test_the_logits_losses_keep_their_digits_in_the_tails():
    from nn.losses import binary_cross_entropy_with_logits, cross_entropy

    # Truths from mpmath at 50 digits: log1p(e^−36.5) and log(1 + e^−30 + e^−29).
    # abs=0: pytest.approx alone also allows an absolute 1e-12, which these tiny numbers are far below.
    tail = 1.4068617124461467e-16
    assert binary_cross_entropy_with_logits([36.5], [1]).data == pytest.approx(tail, rel=1e-12, abs=0.0)
    assert binary_cross_entropy_with_logits([-36.5], [0]).data == pytest.approx(tail, rel=1e-12, abs=0.0)
    assert cross_entropy([[0.0, -30.0, -29.0]], [0]).data == pytest.approx(3.479427944260335e-13, rel=1e-12, abs=0.0)
