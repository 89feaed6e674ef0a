"""Other projects' own files run on glassgrad with one import changed, and give the same numbers.

* karpathy/micrograd's ``test/test_engine.py``, its import line swapped: both tests pass.
* karpathy/micrograd's ``demo.ipynb``, its two import lines swapped: every cell runs and every
  number (the final loss, the trained weights, the decision boundary) equals micrograd's own
  run to 1e-9 (recorded by ``make_expected.py``; micrograd takes minutes) and the loss printed in
  the notebook as published.
* karpathy/nn-zero-to-hero's two micrograd lecture notebooks, the hand-written ``class Value``
  replaced by ``from autograd import Value``: every cell runs, and every value and gradient equals
  the lecture's own engine, run here side by side, to 1e-12.

The peer files are copied unchanged (see README.md); the edits are in ``peer_files.py``.
"""

from __future__ import annotations

import importlib.util
import re
import types

import pytest
from peer_files import (
    GLASSGRAD_VALUE,
    LECTURE,
    MICROGRAD,
    MICROGRAD_IMPORTS,
    CellRun,
    changed_lines,
    compare_runs,
    differences,
    lecture_on_glassgrad,
    micrograd_demo_on_glassgrad,
    read_notebook,
    run_notebook,
    runs_from_json,
    swap_lines,
    text_differences,
)

HAS_TORCH = importlib.util.find_spec("torch") is not None
DEMO_TOLERANCE = 1e-9
LECTURE_TOLERANCE = 1e-12
LECTURES = ["micrograd_lecture_first_half_roughly", "micrograd_lecture_second_half_roughly"]


def notebook_text(notebook) -> str:
    return "\n".join(cell.source for cell in notebook.cells)


# --- the edits are exactly the import lines / the class Value block ------------------------------


def test_test_engine_changes_only_its_import_line():
    original = (MICROGRAD / "test_engine.py").read_text()
    edited = swap_lines(original, {"from micrograd.engine import Value": GLASSGRAD_VALUE})
    assert changed_lines(original, edited) == (["from micrograd.engine import Value"], [GLASSGRAD_VALUE])


def test_demo_changes_only_its_two_import_lines():
    original = read_notebook(MICROGRAD / "demo.ipynb")
    edited = micrograd_demo_on_glassgrad(original)
    assert changed_lines(notebook_text(original), notebook_text(edited)) == (
        list(MICROGRAD_IMPORTS),
        list(MICROGRAD_IMPORTS.values()),
    )


@pytest.mark.parametrize("name", LECTURES)
def test_lecture_changes_only_its_class_value_block(name):
    original = read_notebook(LECTURE / f"{name}.ipynb")
    edited = lecture_on_glassgrad(original)
    removed, added = changed_lines(notebook_text(original), notebook_text(edited))
    assert added == [GLASSGRAD_VALUE]
    assert removed[0] == "class Value:"
    # The rest of the removed lines are the class body: indented or blank, nothing after it.
    assert all(not line.strip() or line.startswith((" ", "\t")) for line in removed[1:])
    assert any("def backward(self):" in line for line in removed)


def test_an_edit_that_finds_nothing_to_change_fails():
    with pytest.raises(AssertionError, match="once, found it 0 times"):
        swap_lines("import torch\n", {"from micrograd.engine import Value": GLASSGRAD_VALUE})


# --- micrograd's test_engine.py ----------------------------------------------------------------------


def engine_tests() -> list[str]:
    return re.findall(r"^def (test_\w+)\(", (MICROGRAD / "test_engine.py").read_text(), flags=re.MULTILINE)


def test_micrograds_engine_tests_are_both_found():
    assert engine_tests() == ["test_sanity_check", "test_more_ops"]


@pytest.mark.parametrize("test_name", engine_tests())
def test_micrograds_engine_test_passes_on_glassgrad(test_name):
    pytest.importorskip("torch", reason="micrograd's test_engine.py checks against PyTorch: pip install torch")
    source = swap_lines(
        (MICROGRAD / "test_engine.py").read_text(), {"from micrograd.engine import Value": GLASSGRAD_VALUE}
    )
    module = types.ModuleType("test_engine_on_glassgrad")
    exec(compile(source, str(MICROGRAD / "test_engine.py"), "exec"), module.__dict__)
    assert module.Value.__module__ == "autograd.engine.value"
    getattr(module, test_name)()


# --- the comparison itself bites ------------------------------------------------------------------


def test_comparison_reports_a_number_beyond_the_tolerance_and_any_other_change():
    assert differences({"x": [1.0, 2.0]}, {"x": [1.0, 2.0 + 1e-13]}, 1e-12) == []
    assert differences({"x": [1.0, 2.0]}, {"x": [1.0, 2.0 + 1e-11]}, 1e-12) != []
    assert differences({"x": 1.0}, {"y": 1.0}, 1e-12) != []
    # A label compares where both engines have one (micrograd's Value has none).
    assert differences({"data": 1.0, "grad": 0.0}, {"data": 1.0, "grad": 0.0, "label": "w1"}, 1e-12) == []
    assert differences({"data": 1.0, "label": "a"}, {"data": 1.0, "label": "b"}, 1e-12) != []
    assert text_differences("step 0 loss 0.5, accuracy 50.0%", "step 0 loss 0.5, accuracy 50.0%", 1e-9) == []
    assert text_differences("Value(data=0.5, grad=0)", "Value(data=0.5, grad=0.0)", 1e-9) == []
    assert text_differences("loss 0.5", "loss 0.6", 1e-9) != []
    assert text_differences("ReLUNeuron(2)", "LinearNeuron(2)", 1e-9) != []
    first, second = CellRun(0, "topo", result=[1.0, 2.0]), CellRun(0, "topo", result=[2.0, 1.0])
    assert compare_runs([first], [second], 1e-12, unordered={"topo"}) == []
    assert compare_runs([first], [second], 1e-12) != []


# --- micrograd's demo.ipynb ----------------------------------------------------------------------------
# One test per notebook run (not one per check), so that pytest-xdist never runs a notebook twice.


@pytest.mark.notebook
@pytest.mark.slow
def test_micrograds_demo_runs_on_glassgrad_with_micrograds_numbers(peer_kernel):
    pytest.importorskip("sklearn", reason="micrograd's demo makes its data with scikit-learn: pip install scikit-learn")
    pytest.importorskip("matplotlib", reason="micrograd's demo plots: pip install matplotlib")
    original = read_notebook(MICROGRAD / "demo.ipynb")
    ours = run_notebook(micrograd_demo_on_glassgrad(original), peer_kernel)
    assert [f"cell {run.index}: {run.error}" for run in ours if run.error] == []
    assert [run.index for run in ours] == [1, 2, 3, 4, 5, 6, 7, 8]  # every cell (the 9th is empty)

    expected = runs_from_json((MICROGRAD / "demo_expected.json").read_text())
    assert compare_runs(expected, ours, DEMO_TOLERANCE) == []
    final_loss = ours[6].names["total_loss"]["data"]  # after the training cell
    assert final_loss == pytest.approx(expected[6].names["total_loss"]["data"], rel=DEMO_TOLERANCE, abs=0)

    # And the losses printed in demo.ipynb as published: the same data, model and 100 steps.
    published = original.cells[7].outputs[0]["text"]
    assert text_differences(published, ours[6].stdout, DEMO_TOLERANCE, "training cell") == []
    assert "step 99 loss 0.01097837013549" in ours[6].stdout


# --- the lecture notebooks ------------------------------------------------------------------------------


def torch_cells(notebook) -> list[int]:
    return [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code" and "torch" in cell.source]


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("name", LECTURES)
def test_lecture_runs_on_glassgrad_with_the_lectures_numbers(peer_kernel, name):
    pytest.importorskip("graphviz", reason="the lecture draws with graphviz: pip install graphviz")
    original = read_notebook(LECTURE / f"{name}.ipynb")
    skipped = [] if HAS_TORCH else torch_cells(original)
    # Both with the same random seed: the second half draws its weights from `random`.
    theirs = run_notebook(original, peer_kernel, skip=skipped)
    ours = run_notebook(lecture_on_glassgrad(original), peer_kernel, skip=skipped)
    assert [f"cell {run.index}: {run.error}" for run in theirs if run.error] == []  # the lecture's own engine
    assert [f"cell {run.index}: {run.error}" for run in ours if run.error] == []
    code_cells = {i for i, cell in enumerate(original.cells) if cell.cell_type == "code" and cell.source.strip()}
    assert sorted(run.index for run in ours) == sorted(code_cells - set(skipped))

    # build_topo walks _prev, a set: any topological order is right, so topo compares sorted.
    assert compare_runs(theirs, ours, LECTURE_TOLERANCE, unordered={"topo"}) == []
    assert {"o", "x1", "w1"} <= {variable for run in ours for variable in run.names}  # the neuron was compared
    if torch_cells(original) and HAS_TORCH:
        torch_output = next(run.stdout for run in ours if run.index == torch_cells(original)[-1])
        assert "\nx1 -1.5000003" in torch_output


def test_lecture_torch_cells_run_when_torch_is_installed():
    # The lecture's PyTorch cells are left out of both runs without torch; say so rather than pass quietly.
    if not HAS_TORCH:
        pytest.skip("the lecture's PyTorch cells need torch: pip install torch==2.13.0")
    assert torch_cells(read_notebook(LECTURE / f"{LECTURES[1]}.ipynb")) == [12, 13]
