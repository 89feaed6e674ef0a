"""Every course notebook runs top to bottom in a fresh kernel, as a learner would (restart and run all)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="executing notebooks needs the test extra: pip install -e '.[test]'")
nbclient = pytest.importorskip("nbclient", reason="executing notebooks needs the test extra: pip install -e '.[test]'")
pytest.importorskip("ipykernel", reason="executing notebooks needs ipykernel: pip install -e '.[notebook]'")

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
# Seconds any one cell may take; all six notebooks together must stay under two minutes.
CELL_TIMEOUT = 60
MAX_CODE_LINES = 15


def test_the_six_course_notebooks_are_there():
    assert [path.stem for path in NOTEBOOKS] == [
        "00_from_micrograd",
        "01_perceptron",
        "02_networks",
        "03_backprop",
        "04_training",
        "05_overfitting",
        "06_gradient_checking",
        "07_real_data",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_stored_clean_and_follows_the_house_rules(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    first = notebook.cells[0]
    assert first.cell_type == "markdown"
    assert first.source.startswith("# ")
    assert "What you will see" in first.source
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        assert cell.outputs == [], f"{path.name}: outputs must be stripped before committing"
        assert cell.execution_count is None
        assert len(cell.source.splitlines()) <= MAX_CODE_LINES, f"{path.name}: a cell over {MAX_CODE_LINES} lines"


@pytest.fixture
def kernel_name(tmp_path_factory, monkeypatch):
    """A kernel that runs THIS interpreter (the .venv's), whatever kernels the machine has installed."""
    folder = tmp_path_factory.mktemp("jupyter")
    spec = folder / "kernels" / "glassgrad-tests"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "glassgrad tests", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    monkeypatch.setenv("JUPYTER_PATH", str(folder))  # searched before the user's and the system's kernels
    return "glassgrad-tests"


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_top_to_bottom_without_error(path, tmp_path, kernel_name):
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(tmp_path)}},  # files a notebook writes land in a temp dir
    )
    started = time.perf_counter()
    client.execute()  # raises CellExecutionError, showing the failing cell and its traceback
    seconds = time.perf_counter() - started
    print(f"{path.name}: {seconds:.1f} s")
    assert seconds < 60, f"{path.name} took {seconds:.0f} s; keep each notebook well under a minute"
