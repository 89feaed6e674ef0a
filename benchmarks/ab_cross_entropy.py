"""Interleaved A/B, in one process, of ``nn.fit`` with cross-entropy under two versions of its per-example term.

A is ``nn.losses._cross_entropy_term`` from a given git revision (its losses.py
loaded as a module of its own), B is the working tree's. Each round fits a fresh
``MLP(64, [32, 10])`` on the digits (the batched engine: all 1,348 training
images, 8 epochs; the scalar engine: the first 200, 1 epoch); rounds alternate
which goes first, so a busy machine slows both alike. Prints the medians of the
CPU times, their ratio B/A and the median of each round's own B/A.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/ab_cross_entropy.py c34dfe3 --engine batched --rounds 15
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ab_trees import module_at_revision  # noqa: E402  (a sibling script: its folder is on the path)

import nn  # noqa: E402
import nn.losses as losses  # noqa: E402


def term_at(revision: str) -> Callable[..., object]:
    return module_at_revision(revision, "nn/losses.py")._cross_entropy_term  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision")
    parser.add_argument("--engine", choices=("batched", "scalar"), default="batched")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    terms = {"A": term_at(args.revision), "B": losses._cross_entropy_term}
    images, labels, _, _ = nn.data.digits(seed=0)
    epochs = 8
    if args.engine == "scalar":
        images, labels, epochs = images[:200], labels[:200], 1

    def run(which: str) -> float:
        losses._cross_entropy_term = terms[which]  # type: ignore[assignment]
        model = nn.MLP(64, [32, 10], seed=0)
        start = time.process_time()
        history = nn.fit(
            model, images, labels, loss=nn.cross_entropy, epochs=epochs, progress=False, engine=args.engine
        )
        elapsed = time.process_time() - start
        assert all(math.isfinite(loss) for loss in history.train_loss)
        return elapsed

    run("A"), run("B")  # warm-up
    times: dict[str, list[float]] = {"A": [], "B": []}
    for r in range(args.rounds):
        for which in ("A", "B") if r % 2 == 0 else ("B", "A"):
            times[which].append(run(which))
    a, b = statistics.median(times["A"]), statistics.median(times["B"])
    paired = statistics.median(tb / ta for ta, tb in zip(times["A"], times["B"]))
    print(
        f"{args.engine}: {len(images)} examples, A ({args.revision}) {a:.4f} s, B (working tree) {b:.4f} s CPU; "
        f"B/A {b / a:.3f} (median of the rounds' own ratios {paired:.3f})"
    )


if __name__ == "__main__":
    main()
