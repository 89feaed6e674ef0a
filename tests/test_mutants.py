"""mutants/run.py: the finder makes the mutants it promises, names them stably, and reads the equivalent list."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("mutants_run", ROOT / "mutants" / "run.py")
assert _spec is not None
assert _spec.loader is not None
run = importlib.util.module_from_spec(_spec)
sys.modules["mutants_run"] = run
_spec.loader.exec_module(run)

SOURCE = '''"""A module docstring is not behaviour."""
from typing import overload

__all__ = ["f"]


def f(x, items):
    """Neither is a docstring."""
    total = 0
    for item in items:
        if item is None:
            continue
        total += item * x
    if not total < 1.5 and x:
        raise ValueError(f"total {total} too big")
    return -total
'''


def _mutants(tmp_path: Path, source: str = SOURCE) -> list[object]:
    path = tmp_path / "module.py"
    path.write_text(source)
    return run.find_mutants(str(path))


def test_the_finder_makes_operator_comparison_constant_return_and_loop_mutants(tmp_path):
    changes = {(m.function, run._squash(m.original), run._squash(m.mutated)) for m in _mutants(tmp_path)}
    assert ("f", "0", "1") in changes
    assert ("f", "item is None", "(item is not None)") in changes
    assert ("f", "continue", "break") in changes
    assert ("f", "total += item * x", "total -= item * x") in changes
    assert ("f", "item * x", "(item / x)") in changes
    assert ("f", "total < 1.5", "(total <= 1.5)") in changes
    assert ("f", "1.5", "2.5") in changes
    assert ("f", "not total < 1.5", "(total < 1.5)") in changes
    assert ("f", "not total < 1.5 and x", "(not total < 1.5 or x)") in changes
    assert ("f", "return -total", "return None") in changes
    assert ("f", "-total", "(total)") in changes


def test_docstrings_messages_and_dunder_all_are_left_alone(tmp_path):
    originals = " ".join(m.original for m in _mutants(tmp_path))
    assert "docstring" not in originals
    assert "too big" not in originals
    assert '"f"' not in originals


def test_every_mutant_changes_exactly_its_segment_and_still_parses(tmp_path):
    for mutant in _mutants(tmp_path):
        mutated = mutant.apply(SOURCE)
        assert mutated != SOURCE
        assert mutated[: mutant.start] == SOURCE[: mutant.start]
        compile(mutated, "module.py", "exec")


def test_keys_survive_lines_moving(tmp_path):
    before = [m.key.split(" | ", 1)[1] for m in _mutants(tmp_path)]
    after = [m.key.split(" | ", 1)[1] for m in _mutants(tmp_path, "\n\n# a comment\n" + SOURCE)]
    assert before == after


def test_sampling_is_deterministic_and_keyed(tmp_path):
    first = [m.digest for m in _mutants(tmp_path)]
    assert first == [m.digest for m in _mutants(tmp_path)]
    assert len(set(first)) == len(first)  # repeated snippets are numbered apart


def test_the_equivalent_list_parses_and_names_real_target_files():
    listed = run.read_equivalent()
    for key, reason in listed.items():
        path = key.split(" | ")[0]
        assert path in run.TARGETS, key
        assert len(reason) > 10, key


def test_a_malformed_equivalent_line_is_refused_with_its_line_number(tmp_path):
    bad = tmp_path / "equivalent.txt"
    bad.write_text("# comment\nautograd/ops.py | f | x | y\n")
    expected = r"equivalent.txt:2: expected 'file \| function \| original \| mutated \| reason'"
    with pytest.raises(SystemExit, match=expected):
        run.read_equivalent(bad)
