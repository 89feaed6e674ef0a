"""Run other projects' own files on glassgrad: the mechanical edits, and a kernel that records every cell.

The edits are the only changes made to a peer file, and each asserts exactly what it changed:

* ``swap_lines``: whole lines replaced, each found exactly once (micrograd's import lines);
* ``replace_class_value``: the lecture's hand-written ``class Value:`` block becomes
  ``from autograd import Value``; the rest of its cell is kept as it was.

``run_notebook`` executes a notebook in a fresh Jupyter kernel, as "restart and run all" does, and
after every cell records: its printed text, its error if any, its result (the value Jupyter
displays), and the numbers it left behind (every Value's data and grad, every float, and every
list of them, by variable name). Two runs, one per engine, are then compared number by number.
Used by ``test_peers.py`` and by ``make_expected.py`` (which records micrograd's run of its demo).
"""

from __future__ import annotations

import copy
import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MICROGRAD = HERE / "micrograd"
LECTURE = HERE / "nn-zero-to-hero"

# micrograd's imports, and what they become on glassgrad: the only lines changed in its files.
MICROGRAD_IMPORTS = {
    "from micrograd.engine import Value": "from autograd import Value",
    "from micrograd.nn import Neuron, Layer, MLP": "from nn.micrograd import Neuron, Layer, MLP",
}
GLASSGRAD_VALUE = "from autograd import Value"


# --- the edits -------------------------------------------------------------------------------------


def swap_lines(text: str, replacements: Mapping[str, str]) -> str:
    """Replace whole lines; every line to replace must occur exactly once in ``text``."""
    lines = text.split("\n")
    for old, new in replacements.items():
        found = [i for i, line in enumerate(lines) if line == old]
        if len(found) != 1:
            raise AssertionError(f"expected the line {old!r} once, found it {len(found)} times")
        lines[found[0]] = new
    return "\n".join(lines)


def replace_class_value(source: str) -> str:
    """Replace the ``class Value:`` block of a cell (up to the next unindented line) by glassgrad's import."""
    lines = source.split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("class Value")]
    if len(starts) != 1:
        raise AssertionError(f"expected one 'class Value' block in the cell, found {len(starts)}")
    start = starts[0]
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t"):
        end += 1
    # Blank lines that end the class stay, so the code after it is untouched.
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return "\n".join([*lines[:start], GLASSGRAD_VALUE, *lines[end:]])


def edit_cells(notebook: Any, edit: Callable[[str], str], where: Callable[[str], bool]) -> tuple[Any, list[int]]:
    """A copy of ``notebook`` with ``edit`` applied to the code cells ``where`` selects; and their indices."""
    edited = copy.deepcopy(notebook)
    changed = []
    for index, cell in enumerate(edited.cells):
        if cell.cell_type == "code" and where(cell.source):
            new = edit(cell.source)
            if new != cell.source:
                cell.source = new
                changed.append(index)
    return edited, changed


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines only in ``before`` and the lines only in ``after`` (a line diff, without context)."""
    import difflib

    removed, added = [], []
    for line in difflib.unified_diff(before.split("\n"), after.split("\n"), lineterm="", n=0):
        if line.startswith("-") and not line.startswith("---"):
            removed.append(line[1:])
        elif line.startswith("+") and not line.startswith("+++"):
            added.append(line[1:])
    return removed, added


def micrograd_demo_on_glassgrad(original: Any) -> Any:
    """micrograd's demo.ipynb with its two import lines swapped; asserts nothing else changed."""
    edited, changed = edit_cells(
        original,
        lambda source: swap_lines(source, MICROGRAD_IMPORTS),
        lambda source: "import micrograd" in source or "from micrograd" in source,
    )
    if len(changed) != 1:
        raise AssertionError(f"expected micrograd's imports in one cell, found them in cells {changed}")
    return edited


def lecture_on_glassgrad(original: Any) -> Any:
    """A lecture notebook with its ``class Value`` replaced by glassgrad's; asserts one cell changed."""
    edited, changed = edit_cells(original, replace_class_value, lambda source: "class Value" in source)
    if len(changed) != 1:
        raise AssertionError(f"expected one cell defining class Value, found {changed}")
    return edited


def read_notebook(path: Path) -> Any:
    import nbformat

    return nbformat.read(path, as_version=4)


# --- running a notebook and recording every cell -------------------------------------------------

# Runs in the kernel before the notebook. It records the displayed value of every cell (a
# post_run_cell hook) and defines the snapshot that runs after every cell. Variables are
# described by duck typing, so micrograd's Value, the lecture's and glassgrad's compare alike.
_SETUP = r"""
import json as _peer_json, math as _peer_math, numbers as _peer_numbers, random as _peer_random
_peer_random.seed({seed})
_peer_last = [None]

def _peer_record(result):
    if not result.info.raw_cell.startswith("_peer_snapshot("):
        _peer_last[0] = result.result

get_ipython().events.register("post_run_cell", _peer_record)

def _peer_describe(x, depth=0):
    if isinstance(x, bool) or x is None or isinstance(x, str):
        return x if depth else None  # only inside lists: a top-level flag or text is not a number
    if isinstance(x, _peer_numbers.Real) and not isinstance(x, type):
        return float(x)
    kind = type(x).__name__
    if kind in ("Value", "Parameter") and hasattr(x, "data") and hasattr(x, "grad"):
        described = {{"data": float(x.data), "grad": float(x.grad)}}
        if hasattr(x, "label"):  # micrograd's Value has none
            described["label"] = x.label
        return described
    if type(x).__module__ == "numpy" and getattr(x, "size", 10**9) <= 2000 and x.dtype.kind in "biuf":
        return _peer_describe(x.tolist(), depth + 1)
    if isinstance(x, (list, tuple, set, frozenset)) and len(x) <= 2000 and depth < 3:
        items = [_peer_describe(item, depth + 1) for item in x]
        if isinstance(x, (set, frozenset)):
            items.sort(key=_peer_json.dumps)
        return items if all(item is not None for item in items) else None
    if depth == 0 and not isinstance(x, type) and kind in ("MLP", "Layer", "Neuron"):
        return {{"parameters": _peer_describe(list(x.parameters()), 1)}}
    return None

_peer_previous = {{}}

def _peer_snapshot():
    names = {{}}
    for name, value in list(globals().items()):
        if name.startswith("_") or name in ("In", "Out", "exit", "quit", "get_ipython"):
            continue
        described = _peer_describe(value)
        if described is not None:
            text = _peer_json.dumps(described)
            if _peer_previous.get(name) != text:  # only what the cell created or changed
                _peer_previous[name] = text
                names[name] = described
    print("@@peer-snapshot@@ " + _peer_json.dumps({{"names": names, "result": _peer_describe(_peer_last[0])}}))
    _peer_last[0] = None
"""
_SNAPSHOT = "_peer_snapshot()"
_MARK = "@@peer-snapshot@@ "


@dataclass
class CellRun:
    """What one code cell did."""

    index: int
    source: str
    stdout: str = ""
    error: str = ""
    result: Any = None
    names: dict[str, Any] = field(default_factory=dict)


def run_notebook(
    notebook: Any, kernel_name: str, skip: Iterable[int] = (), seed: int = 0, timeout: int = 300
) -> list[CellRun]:
    """Execute every code cell (except ``skip``) in a fresh kernel; record each with a snapshot after it.

    Errors do not stop the run, so every failing cell is reported, not only the first.
    """
    import nbclient
    import nbformat

    skipped = set(skip)
    runnable = [
        (index, cell)
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and cell.source.strip() and index not in skipped
    ]
    harness = nbformat.v4.new_notebook(metadata=copy.deepcopy(notebook.metadata))
    harness.cells = [nbformat.v4.new_code_cell(_SETUP.format(seed=seed))]
    for _, cell in runnable:
        harness.cells += [nbformat.v4.new_code_cell(cell.source), nbformat.v4.new_code_cell(_SNAPSHOT)]
    client = nbclient.NotebookClient(harness, timeout=timeout, kernel_name=kernel_name, allow_errors=True)
    client.execute()
    setup_error = _error_of(harness.cells[0])
    if setup_error:
        raise RuntimeError(f"the recording set-up failed in the kernel: {setup_error}")
    runs = []
    for position, (index, cell) in enumerate(runnable):
        ran, snapshot = harness.cells[1 + 2 * position], harness.cells[2 + 2 * position]
        run = CellRun(index, cell.source, stdout=_stdout_of(ran), error=_error_of(ran))
        recorded = [line for line in _stdout_of(snapshot).split("\n") if line.startswith(_MARK)]
        if recorded:
            document = json.loads(recorded[-1][len(_MARK) :])
            run.result, run.names = document["result"], document["names"]
        elif _error_of(snapshot):
            run.error = run.error or f"(the snapshot failed: {_error_of(snapshot)})"
        runs.append(run)
    return runs


def _stdout_of(cell: Any) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def _error_of(cell: Any) -> str:
    for output in cell.outputs:
        if output.output_type == "error":
            return f"{output.ename}: {output.evalue}"
    return ""


# --- comparing two runs ---------------------------------------------------------------------------

_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf")


def differences(expected: Any, actual: Any, tolerance: float, where: str = "") -> list[str]:
    """Where two recorded structures differ: numbers beyond ``tolerance`` (relative or absolute), else exactly."""
    if isinstance(expected, float) and isinstance(actual, float):
        if math.isnan(expected) and math.isnan(actual):
            return []
        if math.isclose(expected, actual, rel_tol=tolerance, abs_tol=tolerance):
            return []
        return [f"{where}: {actual!r} != {expected!r} (difference {abs(actual - expected):.3g})"]
    if isinstance(expected, dict) and isinstance(actual, dict):
        if ("label" in expected) != ("label" in actual):  # a label compares only where both engines have one
            expected, actual = {**expected, "label": None}, {**actual, "label": None}
        if expected.keys() != actual.keys():
            missing, extra = sorted(expected.keys() - actual.keys()), sorted(actual.keys() - expected.keys())
            return [f"{where}: missing {missing}, unexpected {extra}"]
        return [d for key in expected for d in differences(expected[key], actual[key], tolerance, f"{where}.{key}")]
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{where}: {len(actual)} items != {len(expected)}"]
        return [
            d for i, (e, a) in enumerate(zip(expected, actual)) for d in differences(e, a, tolerance, f"{where}[{i}]")
        ]
    return [] if expected == actual else [f"{where}: {actual!r} != {expected!r}"]


def text_differences(expected: str, actual: str, tolerance: float, where: str = "") -> list[str]:
    """Printed text compared with its numbers to ``tolerance`` and everything else exactly."""
    split_expected, split_actual = _NUMBER.split(expected), _NUMBER.split(actual)
    if split_expected != split_actual:
        return [f"{where}: printed {actual!r}, expected {expected!r}"]
    numbers_expected = [float(x) for x in _NUMBER.findall(expected)]
    numbers_actual = [float(x) for x in _NUMBER.findall(actual)]
    return differences(numbers_expected, numbers_actual, tolerance, f"{where} printed numbers")


def compare_runs(
    expected: Sequence[CellRun], actual: Sequence[CellRun], tolerance: float, unordered: Iterable[str] = ()
) -> list[str]:
    """Every difference between two runs of the same notebook, cell by cell.

    ``unordered`` names lists whose order comes from iterating a Python set (the lecture's
    ``topo``, built from ``_prev``): any topological order is right, so they compare sorted.
    """
    unordered = set(unordered)
    problems = []
    for before, after in zip(expected, actual, strict=True):
        where = f"cell {before.index}"
        problems += text_differences(before.stdout, after.stdout, tolerance, where)
        result_before, result_after = before.result, after.result
        if before.source.strip().split("\n")[-1].strip() in unordered:
            result_before, result_after = _sorted(result_before), _sorted(result_after)
        problems += differences(result_before, result_after, tolerance, f"{where} result")
        names_before = {k: _sorted(v) if k in unordered else v for k, v in before.names.items()}
        names_after = {k: _sorted(v) if k in unordered else v for k, v in after.names.items()}
        problems += differences(names_before, names_after, tolerance, f"{where} variables")
    return problems


def _sorted(x: Any) -> Any:
    return sorted(x, key=json.dumps) if isinstance(x, list) else x


def runs_to_json(runs: Sequence[CellRun], **about: str) -> str:
    """The runs as JSON, one cell per line (for ``make_expected.py``); ``about`` adds top-level fields."""
    header = json.dumps({"python": sys.version.split()[0], **about})[:-1]
    rows = [json.dumps(run.__dict__, separators=(",", ":")) for run in runs]
    return header + ', "cells": [\n' + ",\n".join(rows) + "\n]}\n"


def runs_from_json(text: str) -> list[CellRun]:
    """Runs read back from ``runs_to_json``."""
    return [CellRun(**row) for row in json.loads(text)["cells"]]
