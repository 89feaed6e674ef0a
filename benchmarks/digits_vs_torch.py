"""The digits row in one process: ``nn.fit(engine="batched")`` and PyTorch's same loop, interleaved.

``make bench`` runs each engine in a worker of its own; this runs both in one
process (NumPy's BLAS and PyTorch on one thread each, as the bench sets them),
alternating which goes first, and prints the medians of CPU time:

* the whole call: ``nn.fit(...)`` from the call to its return (the checks,
  recording the graph, every epoch), against PyTorch's whole loop;
* the first epoch (glassgrad's includes the checks and the recording);
* each epoch after the first.

``nn`` is imported from ``PYTHONPATH``: to compare two versions, run it with
each tree there (e.g. ``git archive <rev> autograd nn | tar -x -C /tmp/before``)
and compare the ratios, which a busy machine moves much less than the times::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/digits_vs_torch.py --repeats 5
    PYTHONPATH=/tmp/before .venv/bin/python benchmarks/digits_vs_torch.py --repeats 5
"""

from __future__ import annotations

import argparse
import os
import statistics
from typing import Any

for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")  # read when NumPy's BLAS loads: before the first import

import torch  # noqa: E402
from run import clock, torch_digits_loop  # noqa: E402 (benchmarks/ is the script's folder)

import nn  # noqa: E402


class _Ends(nn.Callback):
    def __init__(self) -> None:
        self.ends: list[float] = []

    def on_epoch_end(self, epoch: int, monitored: float, model: Any) -> bool:
        self.ends.append(clock())
        return False


def glassgrad(data: tuple[Any, ...], epochs: int, hidden: int) -> tuple[float, float, float]:
    x_train, y_train = data[0], data[1]
    model = nn.MLP(64, [hidden, 10], seed=0)
    timer = _Ends()
    start = clock()
    nn.fit(model, x_train, y_train, loss=nn.cross_entropy, optimizer=nn.Adam(model, learning_rate=0.01),
           epochs=epochs, batch_size=32, progress=False, seed=0, engine="batched", callbacks=[timer])
    whole = clock() - start
    return whole, timer.ends[0] - start, (timer.ends[-1] - timer.ends[0]) / (epochs - 1)


def pytorch(data: tuple[Any, ...], epochs: int, hidden: int) -> tuple[float, float, float]:
    x_train, y_train = data[0], data[1]
    network = nn.MLP(64, [hidden, 10], seed=0).to_torch()
    start = clock()
    ends, _ = torch_digits_loop(torch, network, x_train, y_train, epochs, seed=0)  # the bench's own loop
    return ends[-1] - start, ends[0] - start, (ends[-1] - ends[0]) / (epochs - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="interleaved runs per engine (default 5)")
    parser.add_argument("--epochs", type=int, default=10, help="epochs per run, at least 2 (default 10, as the bench)")
    parser.add_argument("--hidden", type=int, default=32, help="hidden units (default 32, as the bench)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    data = nn.data.digits(seed=0)
    runs = {"glassgrad": glassgrad, "pytorch": pytorch}
    for run in runs.values():
        run(data, 2, args.hidden)  # untimed: imports and first-call costs outside the comparison
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in runs}
    for round_index in range(args.repeats):
        order = list(runs) if round_index % 2 == 0 else list(runs)[::-1]
        for name in order:
            times[name].append(runs[name](data, args.epochs, args.hidden))
    ours, theirs = ([statistics.median(column) for column in zip(*times[name])] for name in runs)
    for label, mine, torch_seconds in zip(("whole call", "first epoch", "each later epoch"), ours, theirs):
        print(f"{label:17s} glassgrad {mine * 1e3:7.1f} ms  PyTorch {torch_seconds * 1e3:7.1f} ms  "
              f"{mine / torch_seconds:5.2f}x")


if __name__ == "__main__":
    main()
