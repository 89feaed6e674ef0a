"""What Python's cycle collector sees of one W2 step (micrograd's demo step as users write it).

Prints, per node of the step's graph: the objects the collector tracks while the
graph is alive, the tracked allocations (net of frees), the memory blocks and
bytes (``tracemalloc``), and how many collections of each generation one step
(forward and backward, collector on) triggers. Issue 20's numbers, before and
after a node became one tracked object::

    before: tracked alive 2.85, tracked allocations 2.86, blocks 4.75, 275 bytes; collections 144/13/1
    after:  tracked alive 1.16, tracked allocations 1.17, blocks 4.06, 214 bytes; collections 60/5/0

Usage::

    python benchmarks/collector.py
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import autograd
import nn
from benchmarks.run import make_moons


def main() -> None:
    """Build W2's graph several ways and print what the collector sees per node."""
    x, y = make_moons(100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=0)

    def build() -> Any:
        inputs = [list(map(autograd.Value, row)) for row in x]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        return sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())

    build()  # first-call costs out of the way
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        before_objects, before_count = len(gc.get_objects()), gc.get_count()[0]
        loss = build()
        nodes = len(autograd.topological_order(loss))
        tracked = (len(gc.get_objects()) - before_objects) / nodes
        allocations = (gc.get_count()[0] - before_count) / nodes
        del loss
        gc.collect()
        tracemalloc.start()
        start = tracemalloc.take_snapshot()
        loss = build()
        grown = tracemalloc.take_snapshot().compare_to(start, "filename")
        tracemalloc.stop()
        blocks = sum(stat.count_diff for stat in grown if stat.count_diff > 0) / nodes
        size = sum(stat.size_diff for stat in grown) / nodes
        del loss
        gc.collect()
    finally:
        if was_enabled:
            gc.enable()
    collections = [0, 0, 0]

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections[info["generation"]] += 1

    gc.enable()
    gc.callbacks.append(count)
    try:
        loss = build()
        loss.backward()
        del loss
    finally:
        gc.callbacks.remove(count)
        if not was_enabled:
            gc.disable()
    print(
        f"{nodes} nodes; per node: tracked alive {tracked:.2f}, tracked allocations {allocations:.2f}, "
        f"blocks {blocks:.2f}, {size:.0f} bytes; collections in one step (generations 0/1/2) "
        f"{'/'.join(map(str, collections))}"
    )


if __name__ == "__main__":
    main()
