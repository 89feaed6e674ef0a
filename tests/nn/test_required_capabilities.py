"""GLASSGRAD_HIDE and GLASSGRAD_REQUIRE (tests/conftest.py): CI cannot pass by skipping the cross-checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _pytest(target, **env):
    variables = {key: value for key, value in os.environ.items() if not key.startswith("GLASSGRAD_")}
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:xdist", target],
        cwd=ROOT, env={**variables, "PYTHONPATH": str(ROOT), **env}, capture_output=True, text=True, timeout=300,
    )
    return completed.returncode, completed.stdout + completed.stderr


TORCH_TEST = "tests/nn/test_optimizers.py::test_defaults_equal_torch"


pytestmark = pytest.mark.slow  # each test starts a pytest of its own


def test_hidden_torch_is_skipped_and_required_torch_fails():
    code, output = _pytest(TORCH_TEST, GLASSGRAD_HIDE="torch")
    assert code == 0, output
    assert "6 skipped" in output
    code, output = _pytest(TORCH_TEST, GLASSGRAD_HIDE="torch", GLASSGRAD_REQUIRE="torch,dot")
    assert code == 1, output
    assert "6 failed" in output
    assert "GLASSGRAD_REQUIRE includes 'torch', but this was skipped: Skipped: torch==2.13.0 is not installed" in output


def test_a_module_skipped_at_import_fails_too():
    code, output = _pytest("tests/autograd/test_torch.py", GLASSGRAD_HIDE="torch", GLASSGRAD_REQUIRE="torch")
    assert code != 0, output
    assert "GLASSGRAD_REQUIRE includes 'torch'" in output


def test_required_dot_fails_when_dot_is_not_on_the_path():
    target = "tests/autograd/test_trace.py::test_frame_returns_a_digraph"
    code, output = _pytest(target, PATH="/nonexistent", GLASSGRAD_REQUIRE="dot")
    assert code == 1, output
    assert "GLASSGRAD_REQUIRE includes 'dot', but this was skipped" in output


def test_an_unknown_capability_is_a_usage_error():
    code, output = _pytest(TORCH_TEST, GLASSGRAD_REQUIRE="cuda")
    assert code == 4, output
    assert "GLASSGRAD_REQUIRE got cuda; expected names from torch, dot, chromium." in output


def test_ci_requires_every_capability():
    assert "export GLASSGRAD_REQUIRE=torch,dot,chromium\nmake test" in (ROOT / ".ci" / "run").read_text()
