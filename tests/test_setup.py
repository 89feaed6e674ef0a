"""The README's two commands are the whole set-up: CI runs them and installs nothing itself, and make demo
installs everything the notebooks import."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
EXTRAS = PYPROJECT["project"]["optional-dependencies"]
# Import names whose distribution is spelled differently; nn imports the last two lazily for the notebooks.
DISTRIBUTION = {"sklearn": "scikit-learn", "IPython": "ipykernel"}
LAZY_NEEDS = {"07_real_data": {"numpy", "scikit-learn"}}  # engine="batched" needs NumPy, nn.data.digits scikit-learn


def requirements(extra: str, seen: frozenset[str] = frozenset()) -> set[str]:
    """The distribution names an extra installs, following glassgrad[...] self-references."""
    names: set[str] = set()
    for requirement in EXTRAS[extra]:
        name = re.split(r"[<>=\[ ]", requirement, maxsplit=1)[0]
        if name == "glassgrad":
            inner = re.search(r"\[(.*)\]", requirement)
            for other in inner.group(1).split(",") if inner else []:
                if other not in seen:
                    names |= requirements(other, seen | {extra})
        else:
            names.add(name.lower())
    return names


def third_party_imports(notebook: Path) -> set[str]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    tree = ast.parse(code)
    # An import inside try: ... except ImportError or an if (find_spec) is optional: the micrograd and PyTorch
    # comparisons, which say what to install when they are skipped.
    guarded = {id(inner) for node in ast.walk(tree) if isinstance(node, (ast.Try, ast.If)) for part in node.body
               for inner in ast.walk(part)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.partition(".")[0])
    ours = {"autograd", "nn"}
    return {DISTRIBUTION.get(name, name).lower() for name in found - ours - set(sys.stdlib_module_names)}


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda path: path.stem)
def test_make_demo_installs_everything_a_notebook_imports(notebook):
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo: \$\(VENV\)/\.installed-course ", makefile, flags=re.M)
    needed = third_party_imports(notebook) | LAZY_NEEDS.get(notebook.stem, set())
    assert needed <= requirements("course"), f"{notebook.name} needs {needed - requirements('course')}"


def test_the_course_extra_really_holds_what_notebook_06_and_07_need():
    assert {"hypothesis", "numpy", "scikit-learn", "matplotlib", "ipykernel"} <= requirements("course")


def test_make_test_installs_pytorch_at_the_version_the_cross_checks_pin():
    assert "torch" in requirements("dev")
    assert EXTRAS["torch"] == ["torch==2.13.0"]
    assert "pandas" in requirements("test")


def test_ci_runs_the_readme_test_command_and_installs_nothing_itself():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert "make test" in commands
    assert "make mutants-ci" in commands
    assert "export GLASSGRAD_REQUIRE=torch,dot,chromium" in commands
    assert not [line for line in commands if re.search(r"\b(pip|apt-get|apt|brew|conda|curl|wget)\b", line)]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^make test +# on a fresh machine", readme, flags=re.M)


def test_the_system_package_step_explains_itself_when_it_cannot_install(tmp_path):
    # A program no machine has, and no apt-get on PATH: the step must not fail the build, and must say what to run.
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    for tool in ("bash", "id", "sudo", "cat"):
        real = subprocess.run(["bash", "-c", f"command -v {tool} || true"], capture_output=True, text=True).stdout
        if real.strip():
            (fake_bin / tool).symlink_to(real.strip())
    result = subprocess.run(
        ["bash", str(ROOT / ".ci" / "ensure-system-packages"), "no-such-program-x:no-such-package-x"],
        capture_output=True, text=True, env={"PATH": str(fake_bin)}, timeout=60,
    )
    assert result.returncode == 0
    assert "WARNING: no-such-program-x missing and not installed here: this machine has no apt-get" in result.stderr
    assert "sudo apt-get install no-such-package-x" in result.stderr
    assert "brew install" in result.stderr
