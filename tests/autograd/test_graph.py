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
