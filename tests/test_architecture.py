"""The house's shape (../shared/DESIGN.md): arrows between autograd's rooms point down, and no import circles.

Read from the source with ``ast`` (nothing is imported), so a circle is caught even when
lazy imports inside functions would hide it at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROOM_RANK = {"engine": 0, "modes": 1, "see": 2, "check": 2}
"""A room may import from rooms of lower rank only (and from itself); see and check are siblings."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Every autograd module and the autograd modules it imports, anywhere in its body."""
    modules = {_module_name(p): p for p in (ROOT / "autograd").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            found |= {t for t in targets if t in modules and t != name}
        graph[name] = found
    return graph


def _cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: set[frozenset[str]] = set()
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.add(frozenset(component))
    return found


def test_autograd_has_no_import_circle_but_value_and_graph():
    allowed = {frozenset({"autograd.engine.value", "autograd.engine.graph"})}
    assert _cycles(_imports()) <= allowed


@pytest.mark.parametrize("room", sorted(ROOM_RANK))
def test_a_room_imports_only_from_rooms_below_it(room):
    upward = {
        (module, imported)
        for module, targets in _imports().items()
        if module.startswith(f"autograd.{room}.")
        for imported in targets
        if imported.split(".")[1] in ROOM_RANK and ROOM_RANK[imported.split(".")[1]] > ROOM_RANK[room]
    }
    assert upward == set()


def test_the_engine_imports_nothing_of_ours_outside_itself():
    outside = {
        (module, imported)
        for module, targets in _imports().items()
        if module.startswith("autograd.engine.")
        for imported in targets
        if not imported.startswith("autograd.engine")
    }
    assert outside == set()


def test_the_cycle_finder_finds_a_planted_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {frozenset({"a", "b", "c"})}
    assert _cycles({"a": {"b"}, "b": set()}) == set()
