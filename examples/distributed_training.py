"""Past one machine: train a glassgrad model with PyTorch's DistributedDataParallel, then look at it in glassgrad.

A learner who outgrows glassgrad exports the model with ``model.to_torch()``
and hands it to an engine built for many processes and machines. This example
takes that step with ``torch.distributed``:

1. build and export the model in glassgrad (``nn.MLP(...).to_torch()``: float64,
   the same weights);
2. train it in 2 processes with ``DistributedDataParallel``: each process holds
   half of the data, and after every ``backward()`` DDP averages the gradients
   across processes (gloo on CPU; NCCL, one GPU per process, when enough GPUs
   are present), so every process takes the same step;
3. load the trained weights back with ``nn.from_torch`` and inspect them in
   glassgrad (``nn.evaluate``, ``autograd.draw``, ...).

Because both halves are the same size and the loss is a mean, the averaged
gradient is the gradient of the loss over all the data: the distributed loss
curve equals a single process training on everything, to rounding (the check
at the end). Across real machines only the ``init_method`` address changes.

Run it::

    python examples/distributed_training.py

Example (2 processes take about as long to start as to train here):
    >>> losses, single, model = compare(epochs=3)      # doctest: +SKIP
    >>> max(abs(a - b) for a, b in zip(losses, single)) < 1e-12
    True
"""

# X and y are the data set's names throughout glassgrad (and scikit-learn).
# ruff: noqa: N803, N806

from __future__ import annotations

import copy
import gc
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

import nn  # (after the path line above)

WORLD_SIZE = 2
LEARNING_RATE = 0.5


def make_model_and_data(n_points: int = 200) -> tuple[nn.MLP, list[list[float]], list[int]]:
    """The glassgrad side: moons data and a fresh MLP(2, [16, 16, 1]) with raw-score output."""
    X, y = nn.data.moons(n_points, seed=0)
    return nn.MLP(2, [16, 16, 1], seed=0), [list(x) for x in X], list(y)


def _train_one_process(
    rank: int, network: Any, X: list[list[float]], y: list[int], epochs: int, rendezvous: str, result: str
) -> None:
    """One of the WORLD_SIZE processes: its half of the data, DDP averaging the gradients."""
    import torch
    import torch.distributed as dist

    on_gpu = torch.cuda.device_count() >= WORLD_SIZE
    device = torch.device(f"cuda:{rank}") if on_gpu else torch.device("cpu")
    # The processes meet through a file, not a TCP port picked beforehand: between the pick and the bind
    # (the seconds spawn takes to start Python and import torch), another program could take the port.
    dist.init_process_group(
        "nccl" if on_gpu else "gloo", init_method=f"file://{rendezvous}", rank=rank, world_size=WORLD_SIZE
    )
    try:
        losses, weights = _train_shard(rank, network, X, y, epochs, device)
        if rank == 0:
            torch.save({"losses": losses, "weights": weights}, result)
        # The DDP wrapper and the work it queued on the process group are gone before the group is: left to the
        # interpreter's exit, gloo's threads free them without the GIL and abort ("terminate called without an
        # active exception": 2 fresh-clone CI runs of 3,400 tests lost process 1 so). The barrier keeps either
        # process from tearing its connections down while the other still saves or sums.
        gc.collect()
        dist.barrier()
    finally:
        dist.destroy_process_group()


def _train_shard(
    rank: int, network: Any, X: list[list[float]], y: list[int], epochs: int, device: Any
) -> tuple[list[float], dict[str, Any]]:
    # The training itself, in its own frame so that nothing of DDP outlives it: the loss curve and the weights.
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    torch.set_num_threads(1)  # two processes on a small machine: one core each
    # mp.spawn hands every process the SAME shared-memory weights; each process needs its own
    # copy, or both optimizers would step one set of weights (measured: a doubled learning rate).
    model = DistributedDataParallel(copy.deepcopy(network).to(device))
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    inputs = torch.tensor(X[rank::WORLD_SIZE], dtype=torch.float64, device=device)  # this process's half
    targets = torch.tensor(y[rank::WORLD_SIZE], dtype=torch.float64, device=device)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(inputs)[:, 0], targets)
        loss.backward()  # DDP all-reduces (averages) the gradients here
        optimizer.step()
        everyone = loss.detach().clone()
        dist.all_reduce(everyone)  # the mean loss over all the data, for the curve
        losses.append(everyone.item() / WORLD_SIZE)
    weights = {name: tensor.detach().cpu().clone() for name, tensor in model.module.state_dict().items()}
    return losses, weights


def train_distributed(model: nn.Module, X: list[list[float]], y: list[int], epochs: int) -> tuple[list[float], Any]:
    """Train ``model.to_torch()`` in WORLD_SIZE processes; returns the loss curve and the trained torch module."""
    import torch
    import torch.multiprocessing as mp

    if len(X) % WORLD_SIZE:
        raise ValueError(f"train_distributed() got {len(X)} examples; use a multiple of {WORLD_SIZE} (equal halves).")
    network = model.to_torch()
    with tempfile.TemporaryDirectory() as folder:
        result, rendezvous = os.path.join(folder, "result.pt"), os.path.join(folder, "rendezvous")
        mp.spawn(_train_one_process, args=(network, X, y, epochs, rendezvous, result), nprocs=WORLD_SIZE, join=True)
        trained = torch.load(result)
    network.load_state_dict(trained["weights"])
    return trained["losses"], network


def train_single(model: nn.Module, X: list[list[float]], y: list[int], epochs: int) -> list[float]:
    """The same training in one process on all the data: the curve the distributed run must match."""
    import torch

    network = model.to_torch()
    optimizer = torch.optim.SGD(network.parameters(), lr=LEARNING_RATE)
    inputs, targets = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(network(inputs)[:, 0], targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def compare(epochs: int = 50) -> tuple[list[float], list[float], nn.Module]:
    """Both runs from the same glassgrad model; returns (distributed curve, single curve, the model trained by DDP)."""
    model, X, y = make_model_and_data()
    distributed, network = train_distributed(model, X, y, epochs)
    single = train_single(model, X, y, epochs)
    return distributed, single, nn.from_torch(network)


def main() -> None:
    """Train both ways, print the curves side by side, and inspect the result in glassgrad."""
    distributed, single, trained = compare()
    print("epoch  distributed (2 processes)  single process")
    for epoch in range(0, len(single), 10):
        print(f"{epoch + 1:5}  {distributed[epoch]:25.15f}  {single[epoch]:.15f}")
    print(f"largest difference between the curves: {max(abs(a - b) for a, b in zip(distributed, single)):.1e}")
    _, X, y = make_model_and_data()
    loss, accuracy = nn.evaluate(trained, X, y)  # back in glassgrad: every weight is a Value again
    print(f"in glassgrad: loss {loss:.6f}, accuracy {accuracy:.1%}, {trained.num_parameters()} parameters")


if __name__ == "__main__":
    main()
