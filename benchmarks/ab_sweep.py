"""Interleaved A/B, in one process, of W2 steps with two versions of ``autograd.engine.graph.backward``.

A is ``backward`` from a given git revision (its graph.py loaded as a module of
its own, on today's Values), B is the working tree's. Rounds alternate A and B,
so a busy machine slows both alike; the ratio B/A of the medians is printed.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/ab_sweep.py d75fab6 --rounds 15
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import Glassgrad, Training  # noqa: E402

import autograd.engine.graph as graph  # noqa: E402


def backward_at(revision: str) -> object:
    """``backward`` as graph.py had it at ``revision``."""
    source = subprocess.run(
        ["git", "show", f"{revision}:autograd/engine/graph.py"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "graph_at_revision.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("graph_at_revision", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    old = module.backward

    def backward(root: object, gradient: float = 1.0) -> None:  # older versions take no seed
        old(root)

    return backward


def main() -> None:
    """Time W2 steps (100 moons points, MLP(2, [16, 16, 1]), hinge + L2, SGD) under A and B, interleaved."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("revision", help="the git revision whose backward is A")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--steps", type=int, default=3, help="W2 steps per round")
    arguments = parser.parse_args()
    versions = {"A": backward_at(arguments.revision), "B": graph.backward}
    engine = Glassgrad()
    trainings = {name: Training(engine, 100, [16, 16, 1]) for name in versions}
    times: dict[str, list[float]] = {name: [] for name in versions}
    losses: dict[str, list[float]] = {name: [] for name in versions}
    for round_index in range(arguments.rounds):
        for name in ("A", "B") if round_index % 2 == 0 else ("B", "A"):
            graph.backward = versions[name]  # type: ignore[assignment]  # Value.backward looks it up per call
            start = time.perf_counter()
            for _ in range(arguments.steps):
                losses[name].append(trainings[name].step()[0])
            times[name].append((time.perf_counter() - start) / arguments.steps)
    graph.backward = versions["B"]  # type: ignore[assignment]
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"W2 per step, median of {arguments.rounds} interleaved rounds of {arguments.steps} steps:")
    print(f"  A ({arguments.revision}): {median['A'] * 1e3:.2f} ms   B (working tree): {median['B'] * 1e3:.2f} ms")
    print(f"  B/A = {median['B'] / median['A']:.3f}   same losses: {losses['A'] == losses['B']}")


if __name__ == "__main__":
    main()
