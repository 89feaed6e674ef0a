"""What fit(record=True) costs: memory of a 2-16-16-1 run of 1,000 updates, and the time it adds.

Memory: tracemalloc's peak of what the recording holds (the history kept alive).
Time: the same training with and without recording, interleaved in one process
(A B A B ...), reported as the median ratio, since this machine is shared.

    PYTHONPATH=. .venv/bin/python benchmarks/recording.py [--engine scalar|batched] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import nn
from nn.history import Recorder


def run(engine: str, epochs: int, record: bool) -> nn.History:
    X, y = nn.data.xor(200, seed=0)  # noqa: N806  (the course's name for the data)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    return nn.fit(model, X, y, epochs=epochs, batch_size=32, progress=False, record=record, engine=engine)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default="batched")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=143, help="epochs per timed run (7 updates each)")
    arguments = parser.parse_args()

    # Imports and caches first, so tracemalloc sees only what the recording keeps.
    run("batched", 1, record=True)
    # 143 epochs of 7 updates (200 examples, batches of 32) = 1,001 updates.
    tracemalloc.start()
    history = run("batched", 143, record=True)
    size, peak = tracemalloc.get_traced_memory()
    plain_history = None
    tracemalloc.stop()
    steps = len(history.steps)  # type: ignore[attr-defined]
    del history
    tracemalloc.start()
    plain_history = run("batched", 143, record=False)
    plain_size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del plain_history
    print(f"memory: {steps} updates of a 2-16-16-1 MLP kept {(size - plain_size) / 1e6:.2f} MB more than no recording")
    print(f"        (with recording {size / 1e6:.2f} MB traced, peak {peak / 1e6:.2f} MB)")

    # The recorder's own time inside one recorded run: steadier than A/B on a busy machine.
    spent = [0.0]

    def timed(method):  # type: ignore[no-untyped-def]
        def wrapper(*arguments, **keywords):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return method(*arguments, **keywords)
            finally:
                spent[0] += time.perf_counter() - started

        return wrapper

    originals = {name: getattr(Recorder, name) for name in ("__init__", "update", "finish")}
    for name, method in originals.items():
        setattr(Recorder, name, timed(method))
    started = time.perf_counter()
    run(arguments.engine, arguments.epochs, record=True)
    total = time.perf_counter() - started
    for name, method in originals.items():
        setattr(Recorder, name, method)
    print(
        f"time inside the recorder ({arguments.engine}, {arguments.epochs * 7} updates): {spent[0] * 1e3:.0f} ms of "
        f"{total * 1e3:.0f} ms = {spent[0] / total:.1%} ({spent[0] / (arguments.epochs * 7) * 1e6:.0f} µs an update)"
    )

    # The recorder's two ways of keeping an update, inside real batched runs, interleaved: reading every Value
    # (the scalar engine's way, and what the batched engine did before) or copying the batched step's arrays.
    original, per_update = Recorder.update, {True: [], False: []}

    def keeping(use_arrays: bool):  # type: ignore[no-untyped-def]
        def update(self, batch_loss, stepped=None, *, write_back=None):  # type: ignore[no-untyped-def]
            started = time.process_time()
            original(self, batch_loss, stepped if use_arrays else None, write_back=write_back)
            spent[0] += time.process_time() - started

        return update

    for _ in range(arguments.rounds):
        for use_arrays in (True, False):
            Recorder.update, spent[0] = keeping(use_arrays), 0.0
            run("batched", arguments.epochs, record=True)
            per_update[use_arrays].append(spent[0] / (arguments.epochs * 7))
    Recorder.update = original
    print(
        f"Recorder.update inside fit (batched, CPU time, median of {arguments.rounds} interleaved rounds): "
        f"reading the Values {statistics.median(per_update[False]) * 1e6:.1f} µs, the step's arrays "
        f"{statistics.median(per_update[True]) * 1e6:.1f} µs an update"
    )

    ratios = []
    for _ in range(arguments.rounds):
        timings = {}
        for record in (False, True):
            started = time.perf_counter()
            run(arguments.engine, arguments.epochs, record)
            timings[record] = time.perf_counter() - started
        ratios.append(timings[True] / timings[False])
    print(
        f"time ({arguments.engine}, {arguments.epochs * 7} updates, {arguments.rounds} interleaved rounds): "
        f"recorded / plain = median {statistics.median(ratios):.3f} (all: {', '.join(f'{r:.3f}' for r in ratios)})"
    )


if __name__ == "__main__":
    main()
