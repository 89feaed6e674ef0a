"""Interleaved A/B, in one process, of ``nn.fit(engine="batched")`` at a git revision against the working tree.

Both versions of ``autograd`` and ``nn`` are imported in this process: A from the
revision (``git archive`` into a temporary directory), B from the working tree.
Each keeps its own modules, and they are put in ``sys.modules`` before it runs
(functions that import lazily find their own version). Rounds alternate which
goes first, so a busy machine slows both alike. Two setups on the moons with a
2-16-16-1 ReLU MLP and SGD: W2's (100 points, hinge loss on ±1, full batch: one
loss head) and a minibatch one (200 points, binary cross-entropy on logits with
0/1 targets, batch_size=32: two loss heads). Prints the medians of the CPU
seconds per fit and per epoch after the first (fit records
its graphs in the first), and the median of each round's own B/A.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/ab_fit_batched.py 948bfe1 --rounds 15
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ab_trees import import_tree, use  # a sibling script: its folder is this one's first path entry

ROOT = Path(__file__).resolve().parent.parent


class _EpochEnds:
    """An ``nn`` callback noting the CPU time each epoch ends."""

    def __init__(self) -> None:
        self.ends: list[float] = []

    def on_train_begin(self, model: Any) -> None:
        pass

    def on_epoch_end(self, epoch: int, monitored: float, model: Any) -> bool:
        self.ends.append(time.process_time())
        return False

    def on_train_end(self, model: Any) -> None:
        pass

    def steady(self) -> float:
        """Seconds per epoch after the first (which records the graphs)."""
        return (self.ends[-1] - self.ends[0]) / (len(self.ends) - 1)


def w2(nn: Any) -> tuple[float, float]:
    x, labels = nn.data.moons(100, noise=0.1, seed=0)
    y = [1.0 if label else -1.0 for label in labels]
    model = nn.MLP(2, [16, 16, 1], seed=1)
    optimizer = nn.SGD(model, learning_rate=0.5, weight_decay=2e-4)
    epochs = _EpochEnds()
    start = time.process_time()
    nn.fit(model, x, y, loss=nn.hinge, optimizer=optimizer, epochs=100, batch_size=None, progress=False,
           engine="batched", callbacks=[epochs])  # fmt: skip
    return time.process_time() - start, epochs.steady()


def minibatches(nn: Any) -> tuple[float, float]:
    x, y = nn.data.moons(200, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=1)
    optimizer = nn.SGD(model, learning_rate=0.1)
    epochs = _EpochEnds()
    start = time.process_time()
    nn.fit(model, x, y, loss=nn.binary_cross_entropy_with_logits, optimizer=optimizer, epochs=10, batch_size=32,
           progress=False, seed=0, engine="batched", callbacks=[epochs])  # fmt: skip
    return time.process_time() - start, epochs.steady()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        archive = subprocess.run(["git", "archive", args.revision], cwd=ROOT, check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(directory, filter="data")
        lazy = ("autograd.modes.batched", "nn.batched", "nn.history")  # what a fit imports when it runs
        versions = {"A": import_tree(Path(directory), lazy), "B": import_tree(ROOT, lazy)}
        tasks: dict[str, Callable[[Any], tuple[float, float]]] = {
            "W2 hinge, full batch": w2,
            "BCE logits, batch 32": minibatches,
        }
        for title, task in tasks.items():
            for version in versions.values():
                use(version)
                task(version["nn"])  # warm up: first-call costs outside the comparison
            times: dict[str, list[tuple[float, float]]] = {"A": [], "B": []}
            for round_ in range(args.rounds):
                order = ("A", "B") if round_ % 2 == 0 else ("B", "A")
                for name in order:
                    use(versions[name])
                    times[name].append(task(versions[name]["nn"]))
            for k, what in enumerate(("whole fit", "an epoch after the first")):
                a = statistics.median(t[k] for t in times["A"])
                b = statistics.median(t[k] for t in times["B"])
                ratio = statistics.median(tb[k] / ta[k] for ta, tb in zip(times["A"], times["B"]))
                print(f"{title}, {what}: A {args.revision} {a * 1e3:.3f} ms, B working tree {b * 1e3:.3f} ms; "
                      f"B/A of medians {b / a:.3f}, median of rounds' B/A {ratio:.3f} "
                      f"({args.rounds} rounds)")  # fmt: skip


if __name__ == "__main__":
    main()
