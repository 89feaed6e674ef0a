"""Scalar tests written the way other autodiff libraries' users write them run on glassgrad.

Each test is a pattern from another library's tests or tutorials, with only the
library's names swapped for glassgrad's (the comments show the original):
PyTorch's seeded ``backward(gradient)`` and comparisons in ``if``/``assert``;
JAX's ``jvp(f, primals, tangents)`` nested in itself and in reverse mode, and
the Hessian as forward-over-reverse; micrograd forks that gate with
comparisons, and user-defined ops checked by a gradient checker.
"""

from __future__ import annotations

import math

import pytest

import autograd as ag
from autograd import Value, grad, hessian, jvp

# --- PyTorch style ------------------------------------------------------------------


def test_torch_style_backward_with_a_seed_and_comparisons():
    x = Value(2.0)
    y = x * x * x
    y.backward(gradient=0.1)  # torch: y.backward(gradient=torch.tensor(0.1))
    assert math.isclose(x.grad, 0.1 * 3 * 2.0**2)
    assert y > x  # torch: assert (y > x)
    assert not (y < x)
    if x >= 2:  # torch: a 0-dim bool tensor in `if`
        branch = "taken"
    assert branch == "taken"


def test_torch_style_where_written_with_a_comparison_mask():
    def leaky(x: Value) -> Value:
        mask = x > 0  # torch.where(x > 0, x, 0.1 * x), as arithmetic on the mask
        return mask * x + (1 - mask) * 0.1 * x

    for point, slope in ((1.5, 1.0), (-1.5, 0.1)):
        x = Value(point)
        leaky(x).backward()
        assert x.grad == pytest.approx(slope)


def test_torch_style_remainder_and_sign():
    x = Value(-5.5)
    y = x % 2.0 + x.fmod(2.0) + x.sign()  # torch.remainder, torch.fmod, torch.sign
    y.backward()
    assert (y.data, x.grad) == (0.5 - 1.5 - 1.0, 2.0)


# --- JAX style ----------------------------------------------------------------------


def test_jax_style_jvp_of_jvp_forward_over_forward():
    f = lambda x: x.sin() * x  # noqa: E731  (JAX tests write f as a lambda)
    df = lambda x: jvp(f, (x,), (1.0,))[1]  # noqa: E731
    ddf = lambda x: jvp(df, (x,), (1.0,))[1]  # noqa: E731
    x = 0.3
    assert ddf(x) == pytest.approx(2 * math.cos(x) - x * math.sin(x), rel=1e-12)


def test_jax_style_grad_of_jvp_reverse_over_forward():
    f = lambda x, y: x * y.exp()  # noqa: E731
    x, y = Value(1.5), Value(0.5)
    _, tangent = jvp(f, (x, y), (1.0, 0.0))  # ∂f/∂x = e^y
    assert grad(tangent, [x, y]) == pytest.approx((0.0, math.exp(0.5)), rel=1e-12)


def test_jax_style_hessian_is_forward_over_reverse():
    f = lambda x, y: x**2 * y + y.tanh()  # noqa: E731
    h = hessian(f, [1.0, 0.5])  # jax.hessian = jacfwd(jacrev(f))
    sech2 = 1 / math.cosh(0.5) ** 2
    assert h[0] == pytest.approx([2 * 0.5, 2 * 1.0], rel=1e-12)
    assert h[1] == pytest.approx([2 * 1.0, -2 * math.tanh(0.5) * sech2], rel=1e-12)


# --- user-defined ops, as in autograd libraries' "extend" tutorials ---------------------


def test_a_user_defined_op_with_its_derivative_passes_the_gradient_checker():
    def softsign_rule(m, x):
        d = 1.0 + abs(m.real(x))
        return x / d, (1.0 / (d * d),)

    softsign = ag.op("softsign", softsign_rule)
    for point in (-2.0, 0.3, 1e-7):
        assert ag.gradcheck(softsign, [point])
    assert softsign(1.0) == 0.5
