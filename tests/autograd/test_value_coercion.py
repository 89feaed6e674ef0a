"""What Value accepts as a number: a NumPy longdouble too large for a float is refused, not turned into inf."""

from __future__ import annotations

import math

import pytest

from autograd import DomainError, Value

np = pytest.importorskip("numpy")


@pytest.mark.parametrize("text", ["1e400", "-1e400"])
def test_a_longdouble_too_large_for_a_float_is_refused_not_made_inf(text):
    with np.errstate(over="ignore"), pytest.raises(
        OverflowError, match=rf"^Value\(\) got np.longdouble\('{text.replace('e', 'e[+]')}'\); it is too large for a "
        r"float \(the largest is about 1.8e308\)."
    ):
        Value(np.longdouble(text))


def test_an_infinity_stays_an_infinity_and_a_representable_longdouble_goes_in():
    assert Value(np.longdouble("inf")).data == math.inf
    assert Value(np.longdouble("-inf")).data == -math.inf
    assert Value(np.longdouble("1.5")).data == 1.5


def test_the_same_rule_guards_an_operand():
    with np.errstate(over="ignore"), pytest.raises(OverflowError, match=r"^add\(\) got np.longdouble\('1e\+400'\)"):
        Value(1.0) + np.longdouble("1e400")


@pytest.mark.parametrize("slope", [math.nan, math.inf, -math.inf])
def test_leaky_relu_refuses_a_slope_that_is_not_finite(slope):
    with pytest.raises(DomainError, match=rf"^leaky_relu\(\) got slope={slope!r}; the slope must be a finite number"):
        Value(-1.0).leaky_relu(slope)
