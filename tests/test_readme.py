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


def explain_comments() -> list[str]:
    """The output the README shows in the comments after each ``print(trace.explain(n))``, line by line."""
    shown: list[str] = []
    following = False
    for line in README.read_text(encoding="utf-8").splitlines():
        code, _, comment = line.partition("# ")
        if "print(trace.explain(" in code:
            following = True
        elif code.strip() or not comment:
            following = False
        if following and comment:
            shown.append(comment.strip())
    return shown


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
    printed = [line.strip() for line in result.stdout.splitlines()]
    assert len(explain_comments()) >= 5
    for line in explain_comments():  # what the comments say explain() prints is what it prints
        assert line in printed
    assert "Value(data=0.7064" in result.stdout
    assert "0.0024726" in result.stdout
    assert (tmp_path / "neuron.svg").read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
    assert "http://www.w3.org/2000/svg" in (tmp_path / "backprop.html").read_text(encoding="utf-8")  # frames embedded


def test_the_readme_kink_claims_hold() -> None:
    # "relu at 0 ... the row says kink"; abs at 0 lies between its slopes; the derivative of |x| at 0 is 0.
    from autograd import Value, gradcheck

    text = README.read_text(encoding="utf-8")
    assert "(relu at 0, clamp at\nits bounds) the row says `kink`" in text
    relu = gradcheck(lambda x: x.relu(), [0.0], raise_on_failure=False)
    absolute = gradcheck(lambda x: x.abs(), [0.0], raise_on_failure=False)
    assert relu
    assert absolute
    assert "yes, kink" in str(relu)
    assert "the slope is -1 from the left, 1 from the right; the engine's choice lies between them" in str(absolute)
    x = Value(0.0)
    x.abs().backward()
    assert x.grad == 0.0


def test_the_style_guide_and_license_the_readme_points_to_exist() -> None:
    root = README.parent
    text = README.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(((?!http)[^)#]+)\)", text):
        assert (root / target).exists(), target
    assert "docs/STYLE.md" in text
    license_text = (root / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License\n\nCopyright (c) 2026 glassgrad maintainers\n")
