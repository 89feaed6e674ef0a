"""Walking the graph: backward, grad (with and without create_graph), Hessians, deep chains, freeing."""

from __future__ import annotations

import math

import pytest

from autograd import Value, grad


@pytest.mark.parametrize("make", [lambda x: x**0.5, lambda x: x ** Value(0.5), lambda x: x**0.25])
def test_create_graph_at_the_pole_of_a_power_gives_inf_like_the_float_path(make):
    x = Value(0.0, label="x")
    y = make(x)
    (float_path,) = grad(y, [x])
    (value_path,) = grad(y, [x], create_graph=True)
    assert float_path == value_path.data == math.inf


@pytest.mark.parametrize(("base", "exponent"), [(1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (0.5, 1.0), (3.0, 2.0)])
def test_mixed_second_derivative_of_a_power_keeps_the_exponent(base, exponent):
    # ∂/∂x x^y = y·x^(y−1), so ∂²/∂y∂x = x^(y−1)·(1 + y·ln x), also where y is 0 or 1.
    x, y = Value(base, label="x"), Value(exponent, label="y")
    d_x, d_y = grad(x**y, [x, y], create_graph=True)
    expected = base ** (exponent - 1) * (1 + exponent * math.log(base))
    assert grad(d_x, [y])[0] == pytest.approx(expected, rel=1e-12)
    assert grad(d_y, [x])[0] == pytest.approx(expected, rel=1e-12)
