"""Write the golden optimizer trajectories and loss values from PyTorch: run once, commit the JSON.

Usage (needs torch==2.13.0, as pinned in pyproject's torch extra)::

    PYTHONPATH=. python tests/nn/golden/make_golden.py

It computes in float64 with torch only (glassgrad is not imported), so the
files are an independent reference. ``tests/nn/test_optimizers.py`` and
``tests/nn/test_losses.py`` replay the same cases (``tests/nn/golden_cases.py``)
on glassgrad and compare to these numbers without needing torch.
"""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import golden_cases  # the folder above, once the path is set


def optimizer_trajectories(torch: Any) -> list[dict[str, Any]]:
    """Twenty steps of each optimizer configuration on the shared objective."""
    records = []
    for name, settings in golden_cases.OPTIMIZERS:
        w = torch.tensor(golden_cases.START, dtype=torch.float64, requires_grad=True)
        translated = {golden_cases.TORCH_NAMES.get(key, key): value for key, value in settings.items()}
        optimizer = getattr(torch.optim, name)([w], **translated)
        path = []
        for _ in range(golden_cases.STEPS):
            optimizer.zero_grad()
            golden_cases.objective(w, torch.sin).backward()
            optimizer.step()
            path.append(w.detach().tolist())
        records.append({"optimizer": name, "settings": settings, "trajectory": path})
    return records


def optimizer_defaults(torch: Any) -> dict[str, dict[str, Any]]:
    """Each optimizer's keyword defaults in torch.optim (numbers, flags and pairs; torch's own names)."""
    defaults = {}
    for name in dict(golden_cases.OPTIMIZERS):
        signature = inspect.signature(getattr(torch.optim, name))
        defaults[name] = {
            key: list(parameter.default) if isinstance(parameter.default, tuple) else parameter.default
            for key, parameter in signature.parameters.items()
            if isinstance(parameter.default, (bool, int, float, tuple))
        }
    return defaults


def loss_values(torch: Any) -> list[dict[str, Any]]:
    """Each loss case's value and, where pinned, its gradient with respect to the outputs."""
    functional = torch.nn.functional
    records = []
    for name, outputs, targets, pin_gradient in golden_cases.LOSSES:
        scores = torch.tensor(outputs, dtype=torch.float64, requires_grad=True)
        if name == "mean_squared_error":
            value = functional.mse_loss(scores, torch.tensor(targets, dtype=torch.float64))
        elif name == "binary_cross_entropy":
            value = functional.binary_cross_entropy(scores, torch.tensor(targets, dtype=torch.float64))
        elif name == "binary_cross_entropy_with_logits":
            value = functional.binary_cross_entropy_with_logits(scores, torch.tensor(targets, dtype=torch.float64))
        elif name == "cross_entropy":
            value = functional.cross_entropy(scores, torch.tensor(targets))
        elif name == "hinge":  # torch has no binary hinge loss: mean(max(0, 1 − y·s)), 0 read as −1
            signs = torch.tensor([1.0 if t > 0 else -1.0 for t in targets], dtype=torch.float64)
            value = torch.clamp(1.0 - signs * scores, min=0.0).mean()
        else:
            raise ValueError(f"make_golden.py got loss {name!r}; add how torch computes it.")
        value.backward()
        gradient = scores.grad.tolist() if pin_gradient else None
        records.append(
            {"loss": name, "outputs": outputs, "targets": targets, "value": value.item(), "gradient": gradient}
        )
    return records


def main() -> None:
    """Write optimizers.json and losses.json beside this script."""
    import torch

    header = {"generated_by": "tests/nn/golden/make_golden.py", "torch": torch.__version__}
    for file, records in (
        ("optimizers.json", optimizer_trajectories(torch)),
        ("losses.json", loss_values(torch)),
    ):
        path = golden_cases.GOLDEN / file
        if file == "optimizers.json":
            header["defaults"] = optimizer_defaults(torch)
        else:
            header.pop("defaults", None)
        # One case per line: a regenerated file diffs case by case.
        lines = ",\n".join(f"  {json.dumps(record)}" for record in records)
        body = json.dumps(header)[:-1] + f', "cases": [\n{lines}\n]}}\n'
        path.write_text(body, encoding="utf-8")
        print(f"wrote {path} ({len(records)} cases)")


if __name__ == "__main__":
    main()
