"""Cross-check against PyTorch: values, gradients and second derivatives of every op and of random DAGs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import OPS, Value, grad
from autograd.check.testing import Expression, Node, expressions, op_calls

torch = pytest.importorskip(
    "torch", reason="PyTorch is not installed; `pip install torch==2.13.0` to run the cross-checks (CI does)"
)
from torch_spelling import TORCH as DEFAULTS  # noqa: E402 (after the skip: it imports torch)

functional = torch.nn.functional
Tensor = object  # torch.Tensor, kept loose: these tests are not type-checked against torch

# The op table spelled in PyTorch (torch_spelling.py), but for softplus: PyTorch's returns
# x itself past threshold=20 (off by e⁻²⁰ ≈ 2e-9); past 40 that shortcut is exact in
# float64, so compare with the true function.
TORCH = {**DEFAULTS, "softplus": lambda xs, cs: functional.softplus(xs[0], threshold=40.0)}
OP_NAMES = list(OPS)


def test_every_op_has_a_torch_spelling():
    # DEFAULTS is also the benchmark's (benchmarks/precision.py): an op missing here would crash it.
    assert set(DEFAULTS) == set(TORCH) == set(OPS)


def _in_torch(expr: Expression) -> tuple[Tensor, list[Tensor]]:
    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in expr.inputs]
    slots = leaves + [torch.tensor(c, dtype=torch.float64) for c in expr.literals]
    for node in expr.nodes:
        slots.append(TORCH[node.op.name]([slots[i] for i in node.operands], node.constants))
    return slots[-1], leaves


def _torch_derivatives(out: Tensor, leaves: list[Tensor]) -> tuple[list[float], list[list[float]]]:
    first = torch.autograd.grad(out, leaves, create_graph=True, allow_unused=True)
    gradient = [0.0 if g is None else g.item() for g in first]
    hessian = []
    for g in first:
        if g is None or not g.requires_grad:  # a constant derivative: its own derivatives are 0
            hessian.append([0.0] * len(leaves))
            continue
        second = torch.autograd.grad(g, leaves, allow_unused=True, retain_graph=True)
        hessian.append([0.0 if h is None else h.item() for h in second])
    return gradient, hessian


def _ours(expr: Expression) -> tuple[float, list[float], list[list[float]]]:
    leaves = expr.leaves()
    out = expr(*leaves)
    first = grad(out, leaves, create_graph=True)
    return out.data, [g.data for g in first], [list(grad(g, leaves)) for g in first]


def _masks_a_power(expr: Expression) -> bool:
    # PyTorch's pow backward returns 0 where the exponent is 0 through a mask, so
    # its ∂²(x**y)/∂y∂x there is 0; the true value, x^(y−1)·(1 + y·ln x), is 1/x
    # (our answer, which gradcheck confirms by finite differences).
    values = list(expr.inputs) + list(expr.literals)
    for node in expr.nodes:
        if node.op.name == "pow" and values[node.operands[1]] == 0.0:
            return True
        values.append(Expression(tuple(values), (node,)).reference(*values))
    return False


def _assert_agree(expr: Expression) -> None:
    value, gradient, hessian = _ours(expr)
    out, leaves = _in_torch(expr)
    torch_gradient, torch_hessian = _torch_derivatives(out, leaves)
    assert value == pytest.approx(out.item(), rel=1e-12, abs=1e-12)
    assert gradient == pytest.approx(torch_gradient, rel=1e-9, abs=1e-12)
    if _masks_a_power(expr):
        return
    for ours, theirs in zip(hessian, torch_hessian):
        assert ours == pytest.approx(theirs, rel=1e-8, abs=1e-10)


def test_where_pytorch_masks_the_power_rule_we_follow_the_math():
    x, y = Value(2.0), Value(0.0)
    d_x, _ = grad(x**y, [x, y], create_graph=True)
    assert grad(d_x, [y]) == (0.5,)  # x^(y−1)·(1 + y·ln x) at (2, 0)
    tx = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    ty = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    (t_x,) = torch.autograd.grad(torch.pow(tx, ty), [tx], create_graph=True)
    assert torch.autograd.grad(t_x, [ty], allow_unused=True)[0] in (None, 0.0)


@pytest.mark.parametrize("name", OP_NAMES)
@given(data=st.data())
def test_every_op_agrees_with_pytorch_on_values_gradients_and_second_derivatives(name, data):
    _assert_agree(data.draw(op_calls(name), label="call"))


@given(expressions())
def test_random_dags_agree_with_pytorch(expr: Expression):
    _assert_agree(expr)


@pytest.mark.parametrize(
    ("name", "point", "constants"),
    [("relu", 0.0, ()), ("abs", 0.0, ()), ("leaky_relu", 0.0, (0.2,)), ("clamp", 1.0, (-1.0, 1.0))],
)
def test_the_derivative_at_a_kink_is_pytorchs_choice(name, point, constants):
    call = Expression((point,), (Node(OPS[name], (0,), constants),))
    x = Value(point)
    ours = grad(call(x), [x])[0]
    tensor = torch.tensor(point, dtype=torch.float64, requires_grad=True)
    (theirs,) = torch.autograd.grad(TORCH[name]([tensor], constants), [tensor])
    assert ours == theirs.item()
