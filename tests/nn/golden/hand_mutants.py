"""Hand-made mutants of the optimizer and loss math: does the suite catch each one, with torch and without?

Each mutant is one textual change to ``nn/optimizers.py`` or ``nn/losses.py``
(the kinds of slip issue 12 listed: a default, a max turned min, a sign, a
missing term). For each, the script copies the source tree to a temporary
folder, applies the change, runs ``tests/nn`` and the ``nn`` doctests there,
and reports killed (a test failed) or survived::

    PYTHONPATH=. python tests/nn/golden/hand_mutants.py [--hide-torch] [--root DIR]

``--hide-torch`` sets ``GLASSGRAD_HIDE=torch`` (tests/conftest.py), so the
run is what a machine without PyTorch sees. ``--root`` points at another
checkout (e.g. an older commit) to compare against.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

OPTIMIZERS, LOSSES = "nn/optimizers.py", "nn/losses.py"

# (name, file, original text, mutated text)
MUTANTS = [
    ("Adam ε default 1e-8 → 1e-6", OPTIMIZERS,
     "epsilon: float = 1e-8,\n        weight_decay: float = 0.0,\n        amsgrad",
     "epsilon: float = 1e-6,\n        weight_decay: float = 0.0,\n        amsgrad"),
    ("amsgrad max → min", OPTIMIZERS, 'max(state.get("max_exp_avg_sq", 0.0), square)',
     'min(state.get("max_exp_avg_sq", 0.0), square)'),
    ("Nesterov ignored", OPTIMIZERS, "grad + self.momentum * buffer if self.nesterov else buffer", "buffer"),
    ("dampening ignored", OPTIMIZERS, "(1.0 - self.dampening) * grad", "grad"),
    ("SGD momentum: first buffer dampened", OPTIMIZERS, "            else:\n                buffer = grad\n",
     "            else:\n                buffer = (1.0 - self.dampening) * grad\n"),
    ("SGD weight decay sign", OPTIMIZERS,
     "    def update(self, value: float, grad: float, state: dict[str, float]) -> float:  # noqa: D102\n"
     "        if self.weight_decay:\n            grad += self.weight_decay * value\n        if self.momentum:",
     "    def update(self, value: float, grad: float, state: dict[str, float]) -> float:  # noqa: D102\n"
     "        if self.weight_decay:\n            grad -= self.weight_decay * value\n        if self.momentum:"),
    ("Adam bias correction without √", OPTIMIZERS, "math.sqrt(1.0 - beta2**t)", "(1.0 - beta2**t)"),
    ("centered RMSprop not centered", OPTIMIZERS, "math.sqrt(square - mean * mean)", "math.sqrt(square)"),
    ("centered RMSprop mean rate α", OPTIMIZERS, "mean + (1.0 - alpha) * (grad - mean)",
     "mean + alpha * (grad - mean)"),
    ("RMSprop α default 0.99 → 0.9", OPTIMIZERS, "alpha: float = 0.99", "alpha: float = 0.9"),
    ("RMSprop momentum damped", OPTIMIZERS, 'state.get("momentum_buffer", 0.0) + grad / average',
     'state.get("momentum_buffer", 0.0) + (1.0 - self.momentum) * grad / average'),
    ("Adagrad lr decay off by one step", OPTIMIZERS, "(self.steps - 1) * self.learning_rate_decay",
     "self.steps * self.learning_rate_decay"),
    ("Adagrad initial accumulator ignored", OPTIMIZERS, 'state.get("sum", self.initial_accumulator_value)',
     'state.get("sum", 0.0)'),
    ("Adagrad ε default 1e-10 → 1e-8", OPTIMIZERS, "epsilon: float = 1e-10", "epsilon: float = 1e-8"),
    ("Adadelta ε default 1e-6 → 1e-8", OPTIMIZERS, "rho: float = 0.9,\n        epsilon: float = 1e-6",
     "rho: float = 0.9,\n        epsilon: float = 1e-8"),
    ("Adadelta ε outside the √", OPTIMIZERS, "math.sqrt(square + self.epsilon) * grad",
     "(math.sqrt(square) + self.epsilon) * grad"),
    ("AdamW decays after the Adam step", OPTIMIZERS,
     "            value *= 1.0 - self.learning_rate * self.weight_decay\n"
     "        return self._adam_step(value, grad, state)",
     "            return self._adam_step(value, grad, state) * (1.0 - self.learning_rate * self.weight_decay)\n"
     "        return self._adam_step(value, grad, state)"),
    ("AdamW decay without η", OPTIMIZERS, "value *= 1.0 - self.learning_rate * self.weight_decay",
     "value *= 1.0 - self.weight_decay"),
    ("AdamW weight_decay default 1e-2 → 0", OPTIMIZERS, "weight_decay: float = 1e-2", "weight_decay: float = 0.0"),
    ("BCE clamp e⁻¹⁰⁰ → e⁻¹⁰", LOSSES, "math.exp(-100.0)", "math.exp(-10.0)"),
    ("BCE probability range unchecked", LOSSES, "if not 0.0 <= p.data <= 1.0:", "if False:"),
    ("BCE-with-logits sign of y·z", LOSSES, "z.softplus() - y * z if y", "z.softplus() + y * z if y"),
    ("cross-entropy shift dropped", LOSSES, ".log() + shift", ".log()"),
    ("hinge reads 0 as 0, not −1", LOSSES, "(1.0 if y > 0.0 else -1.0) * s", "y * s"),
    ("MSE target not checked finite", LOSSES, "if not is_finite_number(target):", "if not is_number(target):"),
]


def run(root: Path, hide_torch: bool, only: str = "") -> list[tuple[str, str]]:
    """Apply each mutant (whose name contains ``only``) to a copy of ``root``, run the nn tests; outcome per mutant."""
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "tree"
        shutil.copytree(root, tree, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", ".hypothesis"))
        env = {**os.environ, "PYTHONPATH": str(tree), "HYPOTHESIS_PROFILE": "ci"}
        if hide_torch:
            env["GLASSGRAD_HIDE"] = "torch"
        for name, file, original, mutated in MUTANTS:
            if only not in name:
                continue
            path = tree / file
            source = path.read_text(encoding="utf-8")
            if source.count(original) != 1:
                results.append((name, "not applicable"))
                print(f"{results[-1][1]:>14}  {name}", flush=True)
                continue
            path.write_text(source.replace(original, mutated), encoding="utf-8")
            try:
                completed = subprocess.run(
                    # The optimizer and loss tests first, so most mutants die within seconds; then all of tests/nn.
                    [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly", "tests/nn/test_optimizers.py",
                     "tests/nn/test_losses.py", "tests/nn", "nn"],
                    cwd=tree, env=env, capture_output=True, text=True, timeout=900,
                )
            finally:
                path.write_text(source, encoding="utf-8")
            results.append((name, "killed" if completed.returncode == 1 else
                            "survived" if completed.returncode == 0 else f"error {completed.returncode}"))
            print(f"{results[-1][1]:>14}  {name}", flush=True)
    return results


def main() -> None:
    """Run every mutant and print the kill count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hide-torch", action="store_true", help="run as on a machine without torch")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[3], help="the tree to mutate")
    parser.add_argument("--only", default="", help="run only the mutants whose name contains this")
    options = parser.parse_args()
    results = run(options.root, options.hide_torch, options.only)
    applicable = [outcome for _, outcome in results if outcome != "not applicable"]
    print(f"{applicable.count('killed')} of {len(applicable)} applicable mutants killed "
          f"({'torch hidden' if options.hide_torch else 'torch available'}) in {options.root}")


if __name__ == "__main__":
    main()
