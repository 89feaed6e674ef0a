"""Interleaved A/B, in one process, of ``nn.softmax`` forward and backward under two versions of it.

A is ``nn.activations.softmax`` from a given git revision (its activations.py
loaded as a module of its own), B is the working tree's. The scalar engine:
softmax of 10 scores, then backward from Σᵢ gᵢ·pᵢ, repeated; the batched
engine: softmax of 10 scores recorded once, then run forward and backward over
1,000 examples, 10 times. Rounds alternate which goes first, so a busy machine slows both
alike. Prints the medians of the CPU times, their ratio B/A and the median of
each round's own B/A.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/ab_softmax.py 3b137e8 --rounds 15
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ab_trees import module_at_revision  # noqa: E402  (a sibling script: its folder is on the path)

import autograd  # noqa: E402
import nn  # noqa: E402
from autograd import Value  # noqa: E402
from autograd.modes import batched as engine  # noqa: E402  (imports NumPy only when a tape is recorded)

Softmax = Callable[[list[Value]], list[Value]]


def softmax_at(revision: str) -> Softmax:
    return module_at_revision(revision, "nn/activations.py").softmax  # type: ignore[no-any-return]


def scalar(softmax: Softmax, rows: list[list[float]], weights: list[float]) -> float:
    start = time.process_time()
    for row in rows:
        scores = [Value(z) for z in row]
        autograd.sum([g * p for g, p in zip(weights, softmax(scores))]).backward()
    return time.process_time() - start


def batched(softmax: Softmax, rows: list[list[float]], weights: list[float]) -> float:
    # Recorded and compiled once (as fit does), then run forward and backward: only the runs are timed.
    tape = _tapes.get(softmax)
    if tape is None:
        tape = _tapes[softmax] = engine.record(softmax, [], rows[0], input_gradients=True)
        tape.run(rows[:2]).input_grads([weights] * 2)
    start = time.process_time()
    for _ in range(10):
        tape.run(rows).input_grads([weights] * len(rows))
    return time.process_time() - start


_tapes: dict[Softmax, engine.Tape] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=2000, help="softmaxes per round in the scalar engine")
    args = parser.parse_args()
    versions = {"A": softmax_at(args.revision), "B": nn.softmax}
    rng = random.Random(0)
    weights = [rng.uniform(-1.0, 1.0) for _ in range(10)]
    scalar_rows = [[rng.gauss(0.0, 3.0) for _ in range(10)] for _ in range(args.repeats)]
    # Scores of one scale for both: A's shift is the first example's, so wider ones would give it nan.
    batched_rows = [[rng.gauss(0.0, 3.0) for _ in range(10)] for _ in range(1000)]
    for name, measure, rows in (("scalar", scalar, scalar_rows), ("batched", batched, batched_rows)):
        times: dict[str, list[float]] = {"A": [], "B": []}
        ratios = []
        for index in range(args.rounds):
            order = ("A", "B") if index % 2 == 0 else ("B", "A")
            for which in order:
                times[which].append(measure(versions[which], rows, weights))
            ratios.append(times["B"][-1] / times["A"][-1])
        a, b = statistics.median(times["A"]), statistics.median(times["B"])
        print(
            f"{name}: A {args.revision} {a * 1e3:.1f} ms, B working tree {b * 1e3:.1f} ms; "
            f"B/A {b / a:.3f} (median of rounds {statistics.median(ratios):.3f})"
        )


if __name__ == "__main__":
    main()
