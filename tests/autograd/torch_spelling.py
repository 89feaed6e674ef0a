"""The op table spelled in PyTorch, kept in one place.

Shared by ``test_torch.py`` (the cross-checks; ``test_forward.py`` reads them from there)
and ``benchmarks/precision.py`` (the precision table in ``docs/precision.md``). Each
spelling maps (operand tensors, constants) to a tensor. Ops named as in PyTorch (tanh,
log1p, fmod, sign, logaddexp, ...) need no entry in ``SPECIAL``; these are the rest. An
op with neither is left out of ``TORCH``, and ``test_every_op_has_a_torch_spelling`` says
so: the benchmark once kept a copy of this table without ``mod`` and died on ``torch.mod``,
which does not exist. Needs torch (``pip install 'glassgrad[torch]'``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from autograd import OPS

Tensor = object  # torch.Tensor, kept loose: the tests are not type-checked against torch
Spelling = Callable[[Sequence[Tensor], Sequence[float]], Tensor]

functional = torch.nn.functional
SPECIAL: dict[str, Spelling] = {
    "add": lambda xs, cs: xs[0] + xs[1],
    "sub": lambda xs, cs: xs[0] - xs[1],
    "mul": lambda xs, cs: xs[0] * xs[1],
    "div": lambda xs, cs: xs[0] / xs[1],
    "neg": lambda xs, cs: -xs[0],
    "pow": lambda xs, cs: torch.pow(xs[0], xs[1]),
    "pow_constant": lambda xs, cs: torch.pow(xs[0], cs[0]),
    "sum": lambda xs, cs: torch.stack(list(xs)).sum(),
    # PyTorch's defaults, as a user calls it: past threshold=20 softplus returns x itself.
    "softplus": lambda xs, cs: functional.softplus(xs[0]),
    "leaky_relu": lambda xs, cs: functional.leaky_relu(xs[0], cs[0]),
    # Python's %, with the divisor's sign, is torch.remainder (torch.fmod takes x's sign, as our fmod).
    "mod": lambda xs, cs: torch.remainder(xs[0], xs[1]),
}


def _spelling(name: str) -> Spelling:
    if name in SPECIAL:
        return SPECIAL[name]
    function = getattr(torch, name)
    return lambda xs, cs: function(*xs, *cs)


TORCH: dict[str, Spelling] = {name: _spelling(name) for name in OPS if name in SPECIAL or hasattr(torch, name)}
"""Every op of the table that PyTorch can spell, by name."""
