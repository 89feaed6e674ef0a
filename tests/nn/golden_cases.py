"""The cases pinned by golden values: shared by the tests and by ``golden/make_golden.py``.

The golden files hold what PyTorch computed for these cases once; the tests
replay the cases on glassgrad and compare, so the optimizer and loss math stays
pinned on a machine without torch. Change a case here, then regenerate:
``python tests/nn/golden/make_golden.py`` (needs torch==2.13.0).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).parent / "golden"

START = [1.5, -0.8, 0.3, 2.0]
STEPS = 20

# Our argument names, spelled out, and torch.optim's.
TORCH_NAMES = {"learning_rate": "lr", "epsilon": "eps", "learning_rate_decay": "lr_decay"}

# (class name in nn and torch.optim, settings in our names). Each line switches on one more branch of a rule,
# so a mutant of any branch moves some trajectory.
OPTIMIZERS: list[tuple[str, dict[str, Any]]] = [
    ("SGD", {"learning_rate": 0.05}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.8, "dampening": 0.5}),
    ("SGD", {"learning_rate": 0.05, "weight_decay": 0.3}),
    ("Adam", {}),
    ("Adam", {"learning_rate": 0.1, "betas": (0.8, 0.9), "weight_decay": 0.05}),
    ("Adam", {"learning_rate": 0.1, "amsgrad": True, "epsilon": 1e-6}),
    ("Adam", {"learning_rate": 0.1, "amsgrad": True, "betas": (0.5, 0.5)}),
    ("Adam", {"learning_rate": 0.01, "epsilon": 0.1}),
    ("AdamW", {}),
    ("AdamW", {"learning_rate": 0.1, "weight_decay": 0.5}),
    ("AdamW", {"learning_rate": 0.1, "weight_decay": 0.2, "amsgrad": True, "betas": (0.5, 0.5)}),
    ("RMSprop", {}),
    ("RMSprop", {"learning_rate": 0.01, "centered": True, "momentum": 0.5}),
    ("RMSprop", {"learning_rate": 0.01, "centered": True}),
    ("RMSprop", {"learning_rate": 0.01, "alpha": 0.9, "weight_decay": 0.1, "momentum": 0.3}),
    ("Adagrad", {}),
    ("Adagrad", {"learning_rate": 0.3, "learning_rate_decay": 0.1, "initial_accumulator_value": 0.5}),
    ("Adagrad", {"learning_rate": 0.3, "weight_decay": 0.1, "epsilon": 1e-6}),
    ("Adagrad", {"learning_rate": 0.3, "epsilon": 0.5}),
    ("Adadelta", {}),
    ("Adadelta", {"learning_rate": 0.5, "rho": 0.5, "weight_decay": 0.1, "epsilon": 1e-4}),
]


def objective(w: list[Any], sin: Callable[[Any], Any]) -> Any:
    """Not quadratic, with coupled parameters, so every state variable matters."""
    return (w[0] - 1) ** 2 + 3 * (w[1] + 0.5) ** 2 + w[0] * w[1] + sin(w[2]) * w[3] + 0.1 * w[3] ** 4


# (loss name in nn, outputs, targets, whether the gradient is pinned). Where PyTorch clips its gradient
# (BCELoss at a saturated probability divides by max(p·(1 − p), 1e-12)) only the value is pinned.
LOSSES: list[tuple[str, list[Any], list[Any], bool]] = [
    ("mean_squared_error", [0.3, -1.2, 2.0, 0.1, 0.0], [0.5, -1.0, 2.0, 0.1, -3.0], True),
    ("mean_squared_error", [[1.0, 2.0], [3.0, 5.0]], [[0.0, 2.0], [3.0, 3.0]], True),
    ("binary_cross_entropy", [0.3, 0.8, 0.55, 0.999, 0.02], [1, 0, 1, 1, 0], True),
    ("binary_cross_entropy", [0.3, 0.8, 0.55], [0.25, 0.5, 1.0], True),
    ("binary_cross_entropy", [1e-30, 0.0, 1.0, 1e-50], [1, 1, 0, 1], False),
    ("binary_cross_entropy_with_logits", [0.3, -1.2, 2.0, 0.0, -0.2], [1, 0, 0, 1, 0], True),
    ("binary_cross_entropy_with_logits", [1000.0, -1000.0, 40.0, -40.0], [0, 1, 0.3, 1], True),
    ("cross_entropy", [[0.2, -1.0, 3.0], [1000.0, -1000.0, 5.0], [0.0, 0.0, 0.0]], [2, 1, 0], True),
    ("cross_entropy", [[0.5, 1.5], [-2.0, 2.0]], [0, 0], True),
    ("hinge", [0.3, -1.2, 2.0, 0.5, -3.0], [1, -1, -1, 0, 1], True),
]
