"""benchmarks/precision.py runs every op of the table through PyTorch, and docs/precision.md has a row for each."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from autograd import OPS

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "precision.md"


def _load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("precision_benchmark", ROOT / "benchmarks" / "precision.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _points(name: str) -> str:
    # The last column, as the benchmark writes it: the op's reference points.
    return "; ".join(", ".join(repr(x) for x in point) for point in OPS[name].points)


def test_the_precision_doc_has_a_row_for_every_op_with_its_reference_points():
    rows = re.findall(r"^\| `(\w+)` \|.*\| ([^|]*) \|$", DOC.read_text(encoding="utf-8"), re.MULTILINE)
    assert rows == [(name, _points(name)) for name in OPS]


def test_the_precision_benchmark_runs_every_op_through_pytorch():
    # A smoke run of the table (about 2 s): an op PyTorch cannot spell (there is no torch.mod) stops it.
    pytest.importorskip("mpmath", reason="the precision benchmark needs mpmath: pip install 'glassgrad[test]'")
    pytest.importorskip("torch", reason="the precision benchmark needs PyTorch: pip install 'glassgrad[torch]'")
    rows, worst = _load_benchmark().table()
    assert [row.split("`")[1] for row in rows] == list(OPS)
    assert max(worst["glassgrad"].values()) < 1e-12  # the bound test_precision.py holds glassgrad to
