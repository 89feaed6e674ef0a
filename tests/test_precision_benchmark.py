"""benchmarks/precision.py runs every op of the table through PyTorch."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from autograd import OPS

ROOT = Path(__file__).resolve().parent.parent


def _load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("precision_benchmark", ROOT / "benchmarks" / "precision.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_precision_benchmark_runs_every_op_through_pytorch():
    # A smoke run of the table (about 2 s): an op PyTorch cannot spell (there is no torch.mod) stops it.
    pytest.importorskip("mpmath", reason="the precision benchmark needs mpmath: pip install 'glassgrad[test]'")
    pytest.importorskip("torch", reason="the precision benchmark needs PyTorch: pip install 'glassgrad[torch]'")
    rows, worst = _load_benchmark().table()
    assert [row.split("`")[1] for row in rows] == list(OPS)
    assert max(worst["glassgrad"].values()) < 1e-12  # the bound test_precision.py holds glassgrad to
