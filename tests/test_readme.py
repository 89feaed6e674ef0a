"""The README's examples run: every ```python block, in order, in a fresh process.

Blocks fenced as ```py are fragments (they use names the reader supplies) and
are skipped; ``>>>`` blocks are doctests that pytest runs from README.md itself.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    blocks = re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.S | re.M)
    return [block for block in blocks if not block.lstrip().startswith(">>>")]


def test_readme_has_runnable_examples() -> None:
    assert len(python_blocks()) >= 4


@pytest.mark.skipif(shutil.which("dot") is None, reason="the README examples save graphs: install graphviz's dot")
def test_readme_python_blocks_run_in_order(tmp_path: Path) -> None:
    # One script, one process: blocks build on each other like a notebook, and an
    # example that registers an op (the property-testing guide) cannot leak into this session.
    script = "import matplotlib\nmatplotlib.use('Agg')\n" + "\n".join(python_blocks())
    (tmp_path / "readme_examples.py").write_text(script, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "readme_examples.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Value(data=0.7064" in result.stdout
    assert "0.0024726" in result.stdout
    assert (tmp_path / "neuron.svg").read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
    assert "http://www.w3.org/2000/svg" in (tmp_path / "backprop.html").read_text(encoding="utf-8")  # frames embedded
