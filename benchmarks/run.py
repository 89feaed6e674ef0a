"""glassgrad against micrograd 0.1.0 and PyTorch (one 0-dim tensor per scalar), side by side.

Run it with ``make bench`` (full sizes, checks the targets of issues 6 and 20 and exits
with status 1 when one is missed) or ``make bench-smoke`` (tiny sizes, no timing
targets: it only proves that every workload still runs on every engine).

How the comparison is kept fair:

* Every engine runs in its own long-lived worker process (so one engine's
  imports and garbage never slow another's garbage collector), and the parent
  interleaves them: repetition 1 of every engine, then repetition 2, ...
* Every workload is written once, against a tiny adapter per engine (leaf,
  relu, sum, backward), with the same data and the same initial weights.
  glassgrad uses its own idioms where the engine has them (``autograd.sum`` is
  one n-ary node, ``nn.MLP``); micrograd and PyTorch build micrograd's graph:
  PyTorch with one 0-dim float64 tensor per scalar and Python's ``sum()`` (a
  chain of binary adds; an n-ary sum would need a 1-D tensor).
* Times are the worker's CPU time (``time.process_time``), so a busy machine
  slows every engine alike instead of whichever ran when a neighbour was busy.
* Timings cover whole steps inside a loop, so freeing the previous step's
  graph (reference counting for glassgrad, the cycle collector for micrograd)
  is paid for by the engine that causes it.
* Memory (W4) is measured with ``tracemalloc`` in a fresh process per engine.
  It sees Python allocations only, so PyTorch (C++ storage) is left out of W4.
* Python's cycle collector is ON, as in a notebook: every row runs the code a
  user writes (``model(x)``, ``loss.backward()``, ``model.zero_grad()``, the
  demo's SGD loop, ``nn.fit``, ``optimizer.step()``) and pays for the
  collections it causes. One labelled diagnostic row shows W2 with the
  collector paused for glassgrad and PyTorch (``autograd.cycle_collector_paused()``,
  which ``nn.fit`` uses); micrograd's graphs are cycles only the collector frees.
* Batched rows: ``nn.fit(engine="batched")`` per epoch against PyTorch's own
  loop (``model.to_torch()``, ``torch.optim``) on the same data; NumPy's BLAS
  and PyTorch get one thread each unless the environment says otherwise
  (``OPENBLAS_NUM_THREADS``/``OMP_NUM_THREADS``, read as the user set them).

Exit status: 0 when every target is met, 1 when one is missed (full mode) or a
workload fails (both modes), 2 when micrograd is missing in full mode.

Usage::

    python benchmarks/run.py [--smoke] [--output PATH] [--repeats N] [--no-torch]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib.util
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "benchmarks" / "results" / "latest.json"
ENGINES = ("glassgrad", "micrograd", "torch")
TORCH_VERSION = "2.13.0"
INSTALL_HINT = {
    "micrograd": "pip install 'micrograd==0.1.0'   (or: pip install -e '.[bench]', which `make bench` does)",
    "torch": f"pip install 'torch=={TORCH_VERSION}'   (or: pip install -e '.[torch]')",
}

# Sizes. "repeats" is how many interleaved repetitions each engine gets; each
# repetition times `inner` W1 chains, `steps` W2 steps, ... in one loop.
FULL: dict[str, Any] = {
    "repeats": 7,
    "w1": {"n": 300, "inner": 60},
    "w1_big": {"n": 1_000_000, "repeats": 1},
    "w2": {"points": 100, "sizes": [16, 16, 1], "steps": 5, "repeats": 7, "diagnostic_repeats": 3},
    "w3": {"pairs": 10_000, "inner": 3},
    "w4": {"points": 100, "sizes": [16, 16, 1], "steps": 20},
    "w5": {"points": 100, "sizes": [[32, 32, 1], [64, 64, 1]], "steps": 5, "repeats": 3, "torch_steps": 1},
}
SMOKE: dict[str, Any] = {
    "repeats": 2,
    "w1": {"n": 50, "inner": 2},
    "w1_big": {"n": 5_000, "repeats": 1},
    "w2": {"points": 12, "sizes": [4, 4, 1], "steps": 2, "repeats": 2, "diagnostic_repeats": 1},
    "w3": {"pairs": 300, "inner": 1},
    "w4": {"points": 8, "sizes": [4, 4, 1], "steps": 3},
    "w5": {"points": 6, "sizes": [[6, 6, 1], [8, 8, 1]], "steps": 1, "repeats": 1, "torch_steps": 1},
}

# The targets of issues 6 and 20: (key, what, the measured ratio must be >= or <= this).
TARGETS = [
    ("w1_vs_micrograd", "W1 per node: glassgrad ≥ 2.5x faster than micrograd", ">=", 2.5),
    ("w1_big_works", "W1 N = {n_big:,} runs (glassgrad)", "ok", None),
    ("w2_vs_micrograd", "W2 per step as the demo writes it, collector on: glassgrad ≥ 15x micrograd", ">=", 15.0),
    ("w2_vs_torch", "W2 per step, collector on: glassgrad ≥ 8x faster than PyTorch (0-dim tensors)", ">=", 8.0),
    ("w3_vs_micrograd", "W3: glassgrad ≥ 4x faster than micrograd", ">=", 4.0),
    ("w4_peak_vs_micrograd", "W4 peak memory: glassgrad ≤ 0.4x micrograd's", "<=", 0.4),
    ("w4_no_growth", "W4 no memory growth across steps (glassgrad)", "ok", None),
    ("w5_trains", "W5 both sizes train (glassgrad)", "ok", None),
    ("visual_works", "renderer and tracer work on the benchmark graphs", "ok", None),
]
# tracemalloc still counts a few interpreter-level allocations (free lists, caches);
# anything below this after the last step is not growth.
GROWTH_TOLERANCE_BYTES = 16 * 1024


# The workers' CPU time, not wall time: on a shared machine (CI, a laptop with a browser open)
# wall time also counts the neighbours. Every engine runs its timed code on one thread (the
# batched rows set NumPy's and PyTorch's pools to 1), so CPU time is the time the work takes.
clock = time.process_time


# --- data and weights, identical for every engine -----------------------------------


def make_moons(n_points: int, noise: float, seed: int) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles with Gaussian noise, labels -1/+1 (micrograd's demo data)."""
    rng = random.Random(seed)
    n_upper = n_points // 2
    n_lower = n_points - n_upper
    points: list[tuple[list[float], float]] = []
    for i in range(n_upper):
        angle = math.pi * i / max(n_upper - 1, 1)
        points.append(([math.cos(angle), math.sin(angle)], -1.0))
    for i in range(n_lower):
        angle = math.pi * i / max(n_lower - 1, 1)
        points.append(([1.0 - math.cos(angle), 0.5 - math.sin(angle)], 1.0))
    for x, _ in points:
        x[0] += rng.gauss(0.0, noise)
        x[1] += rng.gauss(0.0, noise)
    rng.shuffle(points)
    return [x for x, _ in points], [y for _, y in points]


def initial_weights(n_inputs: int, sizes: Sequence[int], seed: int) -> list[list[tuple[list[float], float]]]:
    """Per layer, per neuron: (weights, bias); uniform(-1, 1) weights and zero bias, as micrograd."""
    rng = random.Random(seed)
    layers = []
    fan_in = n_inputs
    for size in sizes:
        layers.append([([rng.uniform(-1.0, 1.0) for _ in range(fan_in)], 0.0) for _ in range(size)])
        fan_in = size
    return layers


# --- one adapter per engine: the only engine-specific code ---------------------------


class Engine:
    """What a workload needs from an engine. Subclasses fill in the differences."""

    name = ""

    def step_context(self) -> contextlib.AbstractContextManager[None]:
        """Around a training step: nothing by default (micrograd needs its cycle collector)."""
        return contextlib.nullcontext()

    def leaf(self, x: float, trainable: bool = False) -> Any:
        raise NotImplementedError

    def relu(self, x: Any) -> Any:
        return x.relu()

    def total(self, values: Iterable[Any]) -> Any:
        # micrograd's graph: Python's sum(), a chain of binary adds.
        return sum(values)

    def backward(self, loss: Any) -> None:
        loss.backward()

    def mlp(self, weights: list[list[tuple[list[float], float]]]) -> tuple[Callable[[list[Any]], Any], list[Any]]:
        """A ReLU MLP (linear output) with these weights: (model, parameters)."""
        layers = [[(self.leaf_list(w), self.leaf(b, True)) for w, b in layer] for layer in weights]

        def model(x: list[Any]) -> Any:
            for depth, layer in enumerate(layers):
                hidden = depth < len(layers) - 1
                out = []
                for w, b in layer:
                    act = sum((wi * xi for wi, xi in zip(w, x)), b)
                    out.append(self.relu(act) if hidden else act)
                x = out
            return x[0]

        return model, [p for layer in layers for w, b in layer for p in (*w, b)]

    def leaf_list(self, values: Sequence[float]) -> list[Any]:
        return [self.leaf(v, True) for v in values]

    def zero_grad(self, params: Sequence[Any]) -> None:
        for p in params:
            p.grad = 0.0

    def zero_model_grad(self, model: Any, params: Sequence[Any]) -> None:
        """``model.zero_grad()`` where the engine's model has it (glassgrad's and micrograd's do)."""
        if hasattr(model, "zero_grad"):
            model.zero_grad()
        else:
            self.zero_grad(params)

    def sgd(self, params: Sequence[Any], learning_rate: float) -> None:
        for p in params:
            p.data -= learning_rate * p.grad

    def grad_of(self, x: Any) -> float:
        return float(x.grad)

    def data_of(self, x: Any) -> float:
        return float(x.data)

    def nodes(self, loss: Any) -> int | None:
        return None


class Glassgrad(Engine):
    name = "glassgrad"

    def __init__(self) -> None:
        sys.path.insert(0, str(ROOT))
        import autograd

        self.autograd = autograd

    def leaf(self, x: float, trainable: bool = False) -> Any:
        return self.autograd.Parameter(x) if trainable else self.autograd.Value(x)

    def total(self, values: Iterable[Any]) -> Any:
        return self.autograd.sum(values)  # one n-ary node: glassgrad's idiom

    def step_context(self) -> contextlib.AbstractContextManager[None]:
        return self.autograd.cycle_collector_paused()  # acyclic graphs; what nn.fit does

    def mlp(self, weights: list[list[tuple[list[float], float]]]) -> tuple[Callable[[list[Any]], Any], list[Any]]:
        model = _glassgrad_mlp(weights)
        return model, model.parameters()

    def nodes(self, loss: Any) -> int | None:
        return len(self.autograd.topological_order(loss))


class Micrograd(Engine):
    name = "micrograd"

    def __init__(self) -> None:
        from micrograd.engine import Value

        self.value = Value
        self.default_recursion_limit = sys.getrecursionlimit()

    def leaf(self, x: float, trainable: bool = False) -> Any:
        return self.value(x)

    def mlp(self, weights: list[list[tuple[list[float], float]]]) -> tuple[Callable[[list[Any]], Any], list[Any]]:
        from micrograd.nn import MLP  # micrograd's own model, as its demo uses it

        model = MLP(len(weights[0][0][0]), [len(layer) for layer in weights])
        for layer, values in zip(model.layers, weights):
            for neuron, (w, b) in zip(layer.neurons, values):
                for wi, value in zip(neuron.w, w):
                    wi.data = value
                neuron.b.data = b
        return model, model.parameters()

    def zero_grad(self, params: Sequence[Any]) -> None:
        for p in params:
            p.grad = 0


class Torch(Engine):
    name = "torch"

    def __init__(self) -> None:
        import torch

        self.torch = torch

    def leaf(self, x: float, trainable: bool = False) -> Any:
        return self.torch.tensor(x, dtype=self.torch.float64, requires_grad=trainable)

    def step_context(self) -> contextlib.AbstractContextManager[None]:
        return collector_paused()  # its Python objects form no cycles either: the same pause as glassgrad

    def zero_grad(self, params: Sequence[Any]) -> None:
        for p in params:
            p.grad = None

    def sgd(self, params: Sequence[Any], learning_rate: float) -> None:
        with self.torch.no_grad():
            for p in params:
                p -= learning_rate * p.grad

    def data_of(self, x: Any) -> float:
        return float(x.item())

    def grad_of(self, x: Any) -> float:
        return float(x.grad.item())


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def make_engine(name: str) -> Engine:
    return {"glassgrad": Glassgrad, "micrograd": Micrograd, "torch": Torch}[name]()


# --- the workloads, written once ------------------------------------------------------


def chain(engine: Engine, n: int) -> tuple[Any, Any]:
    """W1: x = relu(x·1.0001 + 0.001), n times, then backward."""
    x0 = engine.leaf(0.5, True)
    x = x0
    for _ in range(n):
        x = engine.relu(x * 1.0001 + 0.001)
    engine.backward(x)
    return x0, x


def fan_in(engine: Engine, a: Sequence[Any], b: Sequence[Any]) -> Any:
    """W3: Σ aᵢbᵢ, then backward."""
    total = engine.total(ai * bi for ai, bi in zip(a, b))
    engine.backward(total)
    return total


class Training:
    """W2/W4/W5: micrograd's demo step as users write it (max-margin loss + L2, SGD) on the moons.

    The lines are the demo's own: ``model(x)``, Python's ``sum``, ``model.zero_grad()``,
    ``loss.backward()`` and the SGD loop over ``model.parameters()``. Python's cycle
    collector is on, as in a notebook; ``pause_collector=True`` is the labelled
    diagnostic row (what ``nn.fit`` and ``autograd.cycle_collector_paused()`` do).
    """

    def __init__(
        self, engine: Engine, points: int, sizes: Sequence[int], seed: int = 0, pause_collector: bool = False
    ) -> None:
        self.engine = engine
        self.pause_collector = pause_collector
        self.x, self.y = make_moons(points, noise=0.1, seed=seed)
        self.model, self.params = engine.mlp(initial_weights(2, sizes, seed=seed + 1))
        self.step_index = 0

    def step(self, keep_graph: bool = False) -> tuple[float, Any]:
        """One training step; returns the loss and, with ``keep_graph``, its graph.

        By default the graph is dropped on return, so freeing it is timed with
        the step that built it (a loop that kept `loss` would also hold the
        previous graph alive while building the next one).
        """
        engine = self.engine
        with engine.step_context() if self.pause_collector else contextlib.nullcontext():
            inputs = [[engine.leaf(v) for v in row] for row in self.x]
            scores = [self.model(row) for row in inputs]
            losses = [engine.relu(1 + -yi * si) for yi, si in zip(self.y, scores)]
            data_loss = sum(losses) * (1.0 / len(losses))
            reg_loss = 1e-4 * sum(p * p for p in self.params)
            loss = data_loss + reg_loss
            engine.zero_model_grad(self.model, self.params)
            engine.backward(loss)
            engine.sgd(self.params, 1.0 - 0.9 * self.step_index / 100)
            self.step_index += 1
            value = engine.data_of(loss)
            if not keep_graph:
                del inputs, scores, losses, data_loss, reg_loss, loss  # freed inside the step
                return value, None
        return value, loss


# --- worker: runs tasks for one engine, one JSON line in, one out ---------------------


def task_w1(engine: Engine, n: int, inner: int) -> dict[str, Any]:
    start = clock()
    for _ in range(inner):
        x0, out = chain(engine, n)
        value, grad = engine.data_of(out), engine.grad_of(x0)
        del x0, out  # freed inside the timed loop, before the next chain is built
    seconds = clock() - start
    return {
        "seconds_per_node": seconds / (inner * n),
        "seconds_per_chain": seconds / inner,
        "value": value,
        "grad": grad,
    }


def task_w1_big(engine: Engine, n: int) -> dict[str, Any]:
    start = clock()
    x0, out = chain(engine, n)
    seconds = clock() - start
    result = {
        "seconds": seconds,
        "seconds_per_node": seconds / n,
        "value": engine.data_of(out),
        "grad": engine.grad_of(x0),
    }
    del x0, out  # freeing a million-deep chain must work too
    result["seconds_with_free"] = clock() - start
    return result


def task_w2(engine: Engine, points: int, sizes: list[int], steps: int, pause_collector: bool = False) -> dict[str, Any]:
    """W2 steps, collector on; ``pause_collector=True`` is the diagnostic: glassgrad and PyTorch pause it."""
    training = Training(engine, points, sizes, pause_collector=pause_collector)
    losses = []
    start = clock()
    for _ in range(steps):
        value, _ = training.step()  # the step's graph is freed before it returns
        losses.append(value)
    seconds = clock() - start
    return {"seconds_per_step": seconds / steps, "losses": losses}


def task_w3(engine: Engine, pairs: int, inner: int) -> dict[str, Any]:
    rng = random.Random(3)
    a = engine.leaf_list([rng.uniform(-1.0, 1.0) for _ in range(pairs)])
    b = engine.leaf_list([rng.uniform(-1.0, 1.0) for _ in range(pairs)])
    start = clock()
    for _ in range(inner):
        engine.zero_grad(a)
        engine.zero_grad(b)
        total = fan_in(engine, a, b)
        value = engine.data_of(total)
        del total  # freed inside the timed loop
    seconds = clock() - start
    return {"seconds": seconds / inner, "value": value, "grad_a0": engine.grad_of(a[0])}


def task_w5(engine: Engine, points: int, sizes: list[int], steps: int) -> dict[str, Any]:
    # micrograd at its default recursion limit: this is what a learner would hit.
    return task_w2(engine, points, sizes, steps)


def task_visual_check(engine: Engine, points: int, sizes: list[int]) -> dict[str, Any]:
    """Draw and step through benchmark graphs: every node stays visible to the renderer and tracer."""
    from autograd.see.render import to_dot
    from autograd.see.trace import trace_backward

    _, chain_out = chain(engine, 100)
    _, loss = Training(engine, points, sizes).step(keep_graph=True)
    nodes = engine.nodes(loss) or 0
    checks: dict[str, Any] = {}
    attempts: list[tuple[str, Callable[[], object]]] = [
        ("W1 chain: to_dot, every node", lambda: to_dot(chain_out, max_nodes=1000)),
        ("W1 chain: trace_backward", lambda: trace_backward(chain_out)),
        (f"W2 loss ({nodes} nodes): to_dot collapse='scope'", lambda: to_dot(loss, collapse="scope", max_nodes=nodes)),
        (f"W2 loss ({nodes} nodes): to_dot collapse=1", lambda: to_dot(loss, collapse=1, max_nodes=nodes)),
        (f"W2 loss ({nodes} nodes): to_dot, every node", lambda: to_dot(loss, max_nodes=nodes)),
        (f"W2 loss ({nodes} nodes): trace_backward", lambda: trace_backward(loss)),
    ]
    for name, attempt in attempts:
        start = clock()
        try:
            made = attempt()
        except Exception as error:  # reported, and counted as a failure
            checks[name] = f"FAILED: {type(error).__name__}: {error}"
            continue
        size = f"{len(made):,} characters" if isinstance(made, str) else f"{len(made):,} steps"  # type: ignore[arg-type]
        checks[name] = f"ok ({size}, {clock() - start:.3f} s)"
    return checks


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "w1": task_w1,
    "w2": task_w2,
    "w3": task_w3,
    "w5": task_w5,
    "visual_check": task_visual_check,
}


# --- issue 14: one graph replayed over the whole batch (autograd.modes.batched) vs PyTorch batched ------------------


def _single_threaded(engine: Engine) -> None:
    """Both batched engines on one thread: PyTorch's intra-op pool and NumPy's BLAS (this machine is shared)."""
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")  # read when NumPy's BLAS loads, so before its first import
    if engine.name == "torch":
        engine.torch.set_num_threads(1)  # type: ignore[attr-defined]


def _glassgrad_mlp(weights: list[list[tuple[list[float], float]]]) -> Any:
    """An ``nn.MLP`` with these weights (ReLU hidden layers, linear output): W2's model for every engine."""
    sys.path.insert(0, str(ROOT))
    import nn

    model = nn.MLP(len(weights[0][0][0]), [len(layer) for layer in weights], seed=0)
    state = {}
    for i, layer in enumerate(weights):
        for j, (w, b) in enumerate(layer):
            state.update({f"layers.{i}.neurons.{j}.weights.{k}": wk for k, wk in enumerate(w)})
            state[f"layers.{i}.neurons.{j}.bias"] = b
    model.load_state_dict(state)
    return model


# W2's L2 term 1e-4·Σp² has the gradient 2e-4·p: the optimizers' weight_decay, in both engines.
W2_WEIGHT_DECAY = 2e-4
W2_LEARNING_RATE = 0.5


def task_batched(engine: Engine, points: int, sizes: list[int], epochs: int) -> dict[str, Any]:
    """W2 full-batch training as users call it: ``nn.fit(engine="batched")`` or PyTorch's own loop; per epoch.

    Both report CPU seconds per epoch after the first (glassgrad's through a callback;
    the first epoch, where fit records the graph, and fit's one-time checks are in
    ``seconds_per_call``), on the same points, weights, hinge loss and SGD with
    weight decay.
    """
    _single_threaded(engine)
    x, y = make_moons(points, noise=0.1, seed=0)
    model = _glassgrad_mlp(initial_weights(2, sizes, seed=1))
    if engine.name == "torch":
        torch = engine.torch  # type: ignore[attr-defined]
        network = model.to_torch()
        optimizer = torch.optim.SGD(network.parameters(), lr=W2_LEARNING_RATE, weight_decay=W2_WEIGHT_DECAY)
        inputs, targets = torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
        losses = []
        ends = []
        for _ in range(epochs):
            optimizer.zero_grad()
            loss = torch.relu(1 - targets * network(inputs)[:, 0]).mean()
            loss.backward()
            optimizer.step()
            losses.append(float(loss.item()))
            ends.append(clock())
        return {"seconds_per_epoch": _steady(ends), "losses": losses}
    import nn

    optimizer = nn.SGD(model, learning_rate=W2_LEARNING_RATE, weight_decay=W2_WEIGHT_DECAY)
    timer = _EpochClock()
    start = clock()
    history = nn.fit(
        model, x, y, loss=nn.hinge, optimizer=optimizer, epochs=epochs, batch_size=None, progress=False,
        engine="batched", callbacks=[timer],
    )
    return {
        "seconds_per_epoch": _steady(timer.ends),
        "seconds_per_call": clock() - start,  # with fit's checks and the graph's recording, once per call
        "losses": history.train_loss,
    }


def _steady(ends: list[float]) -> float:
    """Seconds per epoch after the first (which pays for warming up: fit records its graph there)."""
    return (ends[-1] - ends[0]) / (len(ends) - 1) if len(ends) > 1 else math.nan


class _EpochClock:
    """An ``nn`` callback timing fit's epochs (CPU time): the whole training, and when each epoch ended."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.ends: list[float] = []

    def on_train_begin(self, model: Any) -> None:
        self.seconds = -clock()

    def on_epoch_end(self, epoch: int, monitored: float, model: Any) -> bool:
        self.ends.append(clock())
        return False

    def on_train_end(self, model: Any) -> None:
        self.seconds += clock()


def torch_digits_loop(
    torch: Any, network: Any, x_train: Any, y_train: Any, epochs: int, seed: int
) -> tuple[list[float], float]:
    """The digits training loop written the PyTorch way (Adam, shuffled batches of 32).

    Returns each epoch's end on ``clock`` and the last batch's loss.
    """
    optimizer = torch.optim.Adam(network.parameters(), lr=0.01)
    generator = torch.Generator().manual_seed(seed)
    inputs, targets = torch.tensor(x_train, dtype=torch.float64), torch.tensor(y_train)
    ends = []
    for _ in range(epochs):
        for batch in torch.randperm(len(inputs), generator=generator).split(32):
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(network(inputs[batch]), targets[batch])
            loss.backward()
            optimizer.step()
        ends.append(clock())
    return ends, float(loss.item())


def task_digits(engine: Engine, epochs: int, hidden: int, seed: int) -> dict[str, Any]:
    """Issue 14's real data: MLP(64, [hidden, 10]) on scikit-learn's 8×8 digits, Adam, batches of 32.

    glassgrad through ``nn.fit(engine="batched")``; PyTorch through the same loop
    written the PyTorch way (the exported model, ``torch.optim.Adam``, shuffled
    batches of 32). Both time their epochs.
    """
    _single_threaded(engine)
    sys.path.insert(0, str(ROOT))
    import nn

    x_train, y_train, x_test, y_test = nn.data.digits(seed=seed)
    model = nn.MLP(64, [hidden, 10], seed=seed)
    if engine.name == "torch":
        torch = engine.torch  # type: ignore[attr-defined]
        network = model.to_torch()
        start = clock()
        ends, last_loss = torch_digits_loop(torch, network, x_train, y_train, epochs, seed)
        seconds = clock() - start
        with torch.no_grad():
            scores = network(torch.tensor(x_test, dtype=torch.float64))
        accuracy = float((scores.argmax(dim=1) == torch.tensor(y_test)).double().mean())
        return {
            "seconds": seconds, "seconds_per_epoch": _steady(ends), "test_accuracy": accuracy,
            "train_loss": last_loss,
        }
    timer = _EpochClock()
    history = nn.fit(
        model, x_train, y_train, loss=nn.cross_entropy, optimizer=nn.Adam(model, learning_rate=0.01), epochs=epochs,
        batch_size=32, progress=False, seed=seed, engine="batched", callbacks=[timer],
    )
    seconds = timer.seconds
    _, accuracy = nn.evaluate(model, x_test, y_test, loss=nn.cross_entropy, engine="batched")
    return {
        "seconds": seconds, "seconds_per_epoch": _steady(timer.ends), "test_accuracy": accuracy,
        "train_loss": history.train_loss[-1],
    }


TASKS.update({"batched": task_batched, "digits": task_digits})


# --- issue 18: what nn.fit(record=True) adds to training (nn.history) ---------------------------------------------


def task_recording(
    engine: Engine, points: int, sizes: list[int], epochs: int, batch_size: int | None, rounds: int
) -> dict[str, Any]:
    """W2 trained by ``nn.fit(engine="batched")`` without and with ``record=True``, interleaved in this worker.

    Each round trains both ways from the same weights (which goes first alternates);
    the row is the median of the rounds' ratios of CPU times, since a ratio taken
    within one round cancels most of a shared machine's drift.
    """
    _single_threaded(engine)
    import nn

    x, y = make_moons(points, noise=0.1, seed=0)
    weights = initial_weights(2, sizes, seed=1)

    def once(record: bool) -> tuple[float, Any]:
        model = _glassgrad_mlp(weights)
        optimizer = nn.SGD(model, learning_rate=W2_LEARNING_RATE, weight_decay=W2_WEIGHT_DECAY)
        start = clock()
        history = nn.fit(
            model, x, y, loss=nn.hinge, optimizer=optimizer, epochs=epochs, batch_size=batch_size,
            progress=False, engine="batched", record=record,
        )
        return clock() - start, history

    _, recorded = once(True)  # first calls pay for imports and caches
    once(False)
    ratios, plain = [], []
    for index in range(rounds):
        seconds = {}
        for record in (False, True) if index % 2 == 0 else (True, False):
            seconds[record], _ = once(record)
        ratios.append(seconds[True] / seconds[False])
        plain.append(seconds[False])
    updates = len(recorded.steps)
    return {
        "ratio": statistics.median(ratios),
        "ratios": ratios,
        "updates": updates,
        "seconds_per_update": statistics.median(plain) / updates,
    }


TASKS["recording"] = task_recording
RECORDING_FULL = {"points": 100, "sizes": [16, 16, 1], "epochs": 20, "batch_size": 20, "rounds": 31}
RECORDING_SMOKE = {"points": 12, "sizes": [4, 4, 1], "epochs": 2, "batch_size": 4, "rounds": 2}
RECORDING_PROCESSES = {"full": 9, "smoke": 1}
"""Fresh processes the recording row runs in: one process's median moved by ±1.5% from one process to the
next (where its heap happened to lie), more than the rounds within it did, so the row takes several.
With five, the row itself moved from 1.022x to 1.062x over 14 runs of two near-identical versions in
one morning; nine narrow a median's spread by a quarter (√(5/9)) for 10 s more (2.4 s a process)."""


def fresh_recording(name: str, **args: Any) -> dict[str, Any]:
    """``task_recording`` as a fresh process runs it: NumPy's BLAS on one thread from its first import."""
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    try:
        return {"result": task_recording(make_engine(name), **args)}
    except Exception as error:  # reported in the table
        return {"error": f"{type(error).__name__}: {str(error)[:200]}"}


def recording_in_fresh_processes(smoke: bool) -> dict[str, Any]:
    """``task_recording`` in fresh processes; the row is the median of their medians."""
    replies = [
        run_fresh("recording", "glassgrad", RECORDING_SMOKE if smoke else RECORDING_FULL)
        for _ in range(RECORDING_PROCESSES["smoke" if smoke else "full"])
    ]
    done: list[dict[str, Any]] = [reply.get("result", reply) for reply in replies]
    failed = [result for result in done if "error" in result]
    if failed:
        return failed[0]
    return {
        "ratio": statistics.median(result["ratio"] for result in done),
        "processes": [result["ratio"] for result in done],
        "ratios": [ratio for result in done for ratio in result["ratios"]],
        "updates": done[0]["updates"],
        "seconds_per_update": statistics.median(result["seconds_per_update"] for result in done),
    }
RECORDING_TARGET = (
    "recording_overhead",
    "nn.fit(record=True), batched W2 in batches of 20: ≤ 1.05x the time without recording",
    "<=",
    1.05,
)


def check_recording(result: dict[str, Any], smoke: bool) -> list[dict[str, Any]]:
    key, what, comparison, threshold = RECORDING_TARGET
    value = result.get("ratio")
    status = "error" if "error" in result else _target_status(value, comparison, threshold, smoke)
    return [{"target": what, "key": key, "measured": value, "threshold": threshold, "status": status}]


def print_recording(result: dict[str, Any]) -> None:
    if "error" in result:
        print(f"\nrecording (nn.fit record=True): {result['error']}")
        return
    plain = result["seconds_per_update"]
    processes = result.get("processes", [result["ratio"]])
    print(
        f"\nrecording, nn.fit(engine='batched') W2 with record=True / without ({result['updates']} updates, "
        f"{len(result['ratios']) // len(processes)} interleaved rounds in each of {len(processes)} fresh processes): "
        f"median of the processes' medians {result['ratio']:.3f}x "
        f"[processes {min(processes):.3f} .. {max(processes):.3f}]; "
        f"{(result['ratio'] - 1) * plain * 1e6:.1f} µs of an update's {plain * 1e6:.0f} µs"
    )


BATCHED_FULL = {
    "w2": {"points": 100, "sizes": [16, 16, 1], "epochs": 30, "repeats": 7},
    "big": {"points": 1000, "sizes": [64, 64, 1], "epochs": 6, "repeats": 5},
    "digits": {"epochs": 10, "hidden": 32, "seed": 0, "repeats": 3},
}
BATCHED_SMOKE = {
    "w2": {"points": 12, "sizes": [4, 4, 1], "epochs": 2, "repeats": 2},
    "big": {"points": 20, "sizes": [8, 8, 1], "epochs": 2, "repeats": 1},
    "digits": {"epochs": 1, "hidden": 8, "seed": 0, "repeats": 1},
}
BATCHED_TARGETS = [
    ("batched_w2_vs_torch", "W2 nn.fit(engine='batched') per epoch ≤ 1.5x PyTorch's loop (float64)", "<=", 1.5),
    ("batched_big_ms", "MLP(2, [64, 64, 1]) on 1,000 points, nn.fit batched: ≤ 20 ms an epoch", "<=", 20.0),
    ("batched_agrees", "nn.fit batched and PyTorch give the same W2 losses, epoch by epoch", "ok", None),
    ("digits_accuracy", "digits MLP(64, [32, 10]), Adam: ≥ 95% test accuracy", ">=", 0.95),
    ("digits_vs_torch", "digits nn.fit(engine='batched') ≤ 2x PyTorch's same loop", "<=", 2.0),
]


def _target_status(value: float | None, comparison: str, threshold: float, smoke: bool) -> str:
    # One rule for every target table: "ok" targets are yes/no; timing targets are not judged on smoke sizes.
    if value is None:
        return "n/a"
    if comparison == "ok":
        return "met" if value else "error"
    if smoke:
        return "not checked (smoke)"
    if comparison == ">=":
        return "met" if value >= threshold else "missed"
    return "met" if value <= threshold else "missed"


def run_batched(workers: dict[str, Worker], engines: Sequence[str], smoke: bool) -> dict[str, Any]:
    """The batched rows: interleaved like the others; PyTorch joins when installed."""
    config = BATCHED_SMOKE if smoke else BATCHED_FULL
    names = [name for name in ("glassgrad", "torch") if name in engines]
    results: dict[str, Any] = {"config": config}
    for row in ("w2", "big"):
        args = {k: v for k, v in config[row].items() if k != "repeats"}
        results[row] = interleaved(workers, names, config[row]["repeats"], "batched", "seconds_per_epoch", all=args)
    args = {k: v for k, v in config["digits"].items() if k != "repeats"}
    results["digits"] = interleaved(workers, names, config["digits"]["repeats"], "digits", "seconds", all=args)
    return results


def check_batched(results: dict[str, Any], smoke: bool) -> list[dict[str, Any]]:
    measured: dict[str, Any] = {}
    w2, big, digits = results["w2"], results["big"], results["digits"]
    if "median" in w2.get("torch", {}) and "median" in w2.get("glassgrad", {}):
        measured["batched_w2_vs_torch"] = w2["glassgrad"]["median"] / w2["torch"]["median"]
    if "median" in big.get("glassgrad", {}):
        measured["batched_big_ms"] = big["glassgrad"]["median"] * 1000
    # The same data, weights, loss and optimizer: every epoch's loss must agree across engines.
    ours = w2.get("glassgrad", {}).get("losses", [])
    theirs = w2.get("torch", {}).get("losses", [])
    measured["batched_agrees"] = bool(ours) and all(
        abs(a - b) <= 1e-9 * max(1.0, abs(b)) for a, b in zip(ours, theirs)
    )
    if "test_accuracy" in digits.get("glassgrad", {}):
        measured["digits_accuracy"] = digits["glassgrad"]["test_accuracy"]
    if "median" in digits.get("torch", {}) and "median" in digits.get("glassgrad", {}):
        measured["digits_vs_torch"] = digits["glassgrad"]["median"] / digits["torch"]["median"]
    checks = []
    for key, what, comparison, threshold in BATCHED_TARGETS:
        value = measured.get(key)
        status = _target_status(value, comparison, threshold, smoke)
        unit = {"batched_big_ms": " ms", "digits_accuracy": ""}.get(key, "x")
        checks.append(
            {"target": what, "key": key, "measured": value, "threshold": threshold, "status": status, "unit": unit}
        )
    return checks


def print_batched(results: dict[str, Any]) -> None:
    config = results["config"]
    print("\nbatched engine, as users call it (nn.fit vs PyTorch's loop; numpy and torch on 1 thread unless set);")
    print("(Nx) = glassgrad's time / PyTorch's:")
    rows = [
        (f"W2 MLP(2, {config['w2']['sizes']}) {config['w2']['points']} points, per epoch", results["w2"]),
        (f"MLP(2, {config['big']['sizes']}) {config['big']['points']} points, per epoch", results["big"]),
        (f"digits MLP(64, [{config['digits']['hidden']}, 10]), {config['digits']['epochs']} epochs", results["digits"]),
    ]
    for title, entry in rows:
        cells = [f"glassgrad {_cell(entry.get('glassgrad', {'error': 'n/a'}))}"]
        if "torch" in entry:
            r = ratio(entry, "glassgrad", ours="torch")
            cells.append(f"PyTorch {_cell(entry['torch'])}" + (f" ({r:.2f}x)" if r else ""))
        accuracy = entry.get("glassgrad", {}).get("test_accuracy")
        if accuracy is not None:
            cells.append(f"test accuracy {accuracy:.1%}")
        print(f"  {title}: " + " | ".join(cells))


def worker(name: str) -> None:
    engine = make_engine(name)
    print(json.dumps({"ready": name}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        limit = request.pop("recursion_limit", None)
        sys.setrecursionlimit(limit or 1000)
        try:
            reply = {"result": TASKS[request.pop("task")](engine, **request)}
        except Exception as error:  # reported in the table
            reply = {"error": f"{type(error).__name__}: {str(error)[:200]}"}
        print(json.dumps(reply), flush=True)


# --- memory (W4): a fresh process per engine ------------------------------------------


def memory(name: str, points: int, sizes: list[int], steps: int) -> dict[str, Any]:
    engine = make_engine(name)
    training = Training(engine, points, sizes)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    training.step()  # the graph is dropped when step() returns
    after_one, peak = tracemalloc.get_traced_memory()
    currents = [after_one - before]
    for _ in range(steps - 1):
        training.step()
        currents.append(tracemalloc.get_traced_memory()[0] - before)
    tracemalloc.stop()
    return {"peak_one_step": peak - before, "current_after_each_step": currents}


def big_chain(name: str, n: int, repeats: int) -> dict[str, Any]:
    engine = make_engine(name)
    samples = []
    for _ in range(repeats):
        result = task_w1_big(engine, n)
        samples.append(result.pop("seconds"))
    return {**summarise(samples), **result}


FRESH_TASKS: dict[str, Callable[..., dict[str, Any]]] = {"w4": memory, "w1_big": big_chain}


# --- micrograd's demo loop as written, in a notebook-like process (issue 13) --------------------
# Not the fair, idiomatic W2: micrograd's demo.ipynb loop verbatim, only its imports swapped to
# glassgrad's (autograd.Value, nn.micrograd), in a process that imported what a notebook has
# (NumPy, scikit-learn, matplotlib) with Python's cycle collector on, as a learner runs it.
# Fresh processes, alternating engines; no target, reported as a ratio.
# Where the time goes (gc.callbacks): about once a step a full collection scans the notebook's whole
# heap (~135k objects from NumPy/scikit-learn/matplotlib) plus the live graph. A glassgrad node makes 3
# tracked allocations (the Value, its inputs tuple, its local_grads tuple, which the collector untracks
# at its first pass) against micrograd's ~6.5 (a closure and its cells, the _prev set...). backward()
# allocates none, so pausing the collector there changes nothing. Pausing it in each model(x) call
# helped (1.4-1.7x) only when the loop dropped its graph after each step; with the demo's own loop,
# which keeps it alive into the next step, it did not (0.92-0.97x, more full collections): not taken.

VERBATIM = {"full": {"steps": 4, "rounds": 3}, "smoke": {"steps": 1, "rounds": 1}}


def verbatim_demo(name: str, steps: int) -> dict[str, Any]:
    """Seconds per step of micrograd's demo loop on ``name`` and the cycle collector's share of them."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # a notebook's heap: the collector scans it too
    import numpy as np
    from sklearn.datasets import make_moons

    if name == "micrograd":
        from micrograd.engine import Value
        from micrograd.nn import MLP
    else:
        sys.path.insert(0, str(ROOT))
        from autograd import Value
        from nn.micrograd import MLP
    np.random.seed(1337)
    random.seed(1337)
    X, y = make_moons(n_samples=100, noise=0.1)  # noqa: N806  (the demo's names)
    y = y * 2 - 1
    model = MLP(2, [16, 16, 1])

    def loss() -> tuple[Any, float]:  # demo.ipynb's loss(), verbatim apart from batching
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        return data_loss + reg_loss, sum(accuracy) / len(accuracy)

    collecting = [0.0, 0.0]  # [started, total seconds]

    def on_collect(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collecting[0] = clock()
        else:
            collecting[1] += clock() - collecting[0]

    gc.enable()
    gc.callbacks.append(on_collect)
    samples = []
    for k in range(steps):
        start = clock()
        total_loss, _ = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        # As in the demo, total_loss keeps this step's graph alive until the next step replaces it.
        samples.append(clock() - start)
    gc.callbacks.remove(on_collect)
    return {"samples": samples, "collector_seconds": collecting[1], "final_loss": float(total_loss.data)}


def verbatim_rows(engines: Sequence[str], smoke: bool) -> dict[str, Any]:
    """``verbatim_demo`` in fresh processes, glassgrad and micrograd alternating."""
    sizes = VERBATIM["smoke" if smoke else "full"]
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in engines if name != "torch"}
    for _ in range(sizes["rounds"]):
        for name in runs:
            runs[name].append(run_fresh("verbatim", name, {"steps": sizes["steps"]}))
    result: dict[str, Any] = {}
    for name, replies in runs.items():
        failed = [reply["error"] for reply in replies if "error" in reply]
        if failed:
            result[name] = {"error": failed[0]}
            continue
        samples = [s for reply in replies for s in reply["samples"]]
        share = sum(reply["collector_seconds"] for reply in replies) / sum(samples)
        result[name] = {**summarise(samples), "collector_share": share, "final_loss": replies[-1]["final_loss"]}
    return result


FRESH_TASKS["verbatim"] = verbatim_demo

PLAYGROUND = {"full": {"points": 200, "updates": 20, "rounds": 5}, "smoke": {"points": 20, "updates": 2, "rounds": 1}}
PLAYGROUND_TARGET = 10.0  # updates per second a live view needs (issue 18)


def playground_steps(name: str, points: int, updates: int, rounds: int) -> dict[str, Any]:
    """``pg.step()`` of ``nn.Playground`` as a notebook calls it: the update, the curves and the state sent.

    MLP(2, [8, 8, 1]) on ``points`` moons (half as many for validation), batch 10, with its widget made,
    so each step also builds the JSON state the view draws (serialised here as the comm would).
    """
    import nn

    features, labels = nn.data.moons(points, seed=0)
    model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=0)
    pg = nn.Playground(model, features, labels, validation=nn.data.moons(points // 2, seed=1))
    widget = pg.widget  # the view's model: each step sends it the new state
    samples = []
    for round_ in range(rounds + 1):
        started = clock()
        for _ in range(updates):
            pg.step()
            json.dumps(widget.state)
        if round_:  # the first round warms up
            samples.append((clock() - started) / updates)
    return {**summarise(samples), "updates_per_second": 1.0 / statistics.median(samples)}


FRESH_TASKS["playground"] = playground_steps
FRESH_TASKS["recording"] = fresh_recording


# --- parent: schedule, summarise, check ------------------------------------------------


class Worker:
    def __init__(self, name: str) -> None:
        self.name = name
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--worker", name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        ready = self.process.stdout.readline() if self.process.stdout else ""
        if not ready:
            raise RuntimeError(f"the {name} worker did not start (see the error above)")

    def run(self, task: str, **args: Any) -> dict[str, Any]:
        stdin, stdout = self.process.stdin, self.process.stdout
        if stdin is None or stdout is None:
            raise RuntimeError(f"the {self.name} worker has no pipes")
        stdin.write(json.dumps({"task": task, **args}) + "\n")
        stdin.flush()
        reply = stdout.readline()
        if not reply:
            raise RuntimeError(f"the {self.name} worker died during {task} (see the error above)")
        return dict(json.loads(reply))

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def available_engines(use_torch: bool) -> tuple[list[str], dict[str, str]]:
    engines, missing = ["glassgrad"], {}
    if importlib.util.find_spec("micrograd") is None:
        missing["micrograd"] = f"micrograd is not installed: {INSTALL_HINT['micrograd']}"
    else:
        engines.append("micrograd")
    if not use_torch:
        missing["torch"] = "skipped (--no-torch)"
    elif importlib.util.find_spec("torch") is None:
        missing["torch"] = f"PyTorch is not installed, so it is left out: {INSTALL_HINT['torch']}"
    else:
        engines.append("torch")
    return engines, missing


def summarise(samples: list[float]) -> dict[str, Any]:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "samples": samples}


def interleaved(
    workers: dict[str, Worker],
    engines: Sequence[str],
    repeats: int,
    task: str,
    key: str,
    warmup: bool = False,
    **args: Any,
) -> dict[str, Any]:
    """Run `task` `repeats` times per engine, rotating which engine goes first each round."""
    samples: dict[str, list[float]] = {name: [] for name in engines}
    errors: dict[str, str] = {}
    extra: dict[str, Any] = {}
    if warmup:  # one untimed run each, so no engine pays for first-call costs
        for name in engines:
            workers[name].run(task, **args.get(name, args.get("all", {})))
    for round_index in range(repeats):
        order = list(engines[round_index % len(engines) :]) + list(engines[: round_index % len(engines)])
        for name in order:
            if name in errors:
                continue
            reply = workers[name].run(task, **args.get(name, args.get("all", {})))
            if "error" in reply:
                errors[name] = reply["error"]
                continue
            samples[name].append(reply["result"][key])
            extra[name] = {k: v for k, v in reply["result"].items() if k != key}
    result: dict[str, Any] = {}
    for name in engines:
        if name in errors:
            result[name] = {"error": errors[name]}
        else:
            result[name] = {**summarise(samples[name]), **extra[name]}
    return result


def ratio(result: dict[str, Any], reference: str, ours: str = "glassgrad") -> float | None:
    if "median" not in result.get(reference, {}) or "median" not in result.get(ours, {}):
        return None
    return float(result[reference]["median"] / result[ours]["median"])


def run_fresh(task: str, name: str, config: dict[str, Any]) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, __file__, "--fresh", task, name, json.dumps(config)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if completed.returncode != 0:
        return {"error": completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else "failed"}
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
    }


def versions(engines: Sequence[str]) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name, package in (("glassgrad", "glassgrad"), ("micrograd", "micrograd"), ("torch", "torch")):
        if name in engines:
            try:
                found[name] = version(package)
            except PackageNotFoundError:
                found[name] = "(source tree)"
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no timing targets (for CI)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help=f"JSON result (default {DEFAULT_OUTPUT})")
    parser.add_argument("--repeats", type=int, help="interleaved repetitions per engine (default 7, smoke 2)")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out even when it is installed")
    parser.add_argument(
        "--only", help=f"comma-separated rows to run, of {','.join(ROWS)} (default: all; targets of rows not run: n/a)"
    )
    parser.add_argument(
        "--readme", nargs="+", type=Path, metavar="JSON", help="print the README's speed table from results"
    )
    parser.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--fresh", nargs=3, metavar=("TASK", "ENGINE", "ARGS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker)
        return 0
    if args.fresh:
        task, name, task_args = args.fresh
        print(json.dumps(FRESH_TASKS[task](name, **json.loads(task_args))))
        return 0

    if args.readme:
        print(readme_table([json.loads(path.read_text()) for path in args.readme]))
        return 0
    config = SMOKE if args.smoke else FULL
    repeats = args.repeats or config["repeats"]
    engines, missing = available_engines(not args.no_torch)
    for reason in missing.values():
        print(f"note: {reason}")
    if "micrograd" not in engines and not args.smoke:
        print(f"error: the benchmark compares against micrograd; {INSTALL_HINT['micrograd']}")
        return 2
    began = time.perf_counter()
    rows = set(args.only.split(",")) if args.only else set(ROWS)
    if not rows <= set(ROWS):
        print(f"error: --only got {args.only!r}; the rows are {', '.join(ROWS)}")
        return 2
    results = run_rows(config, repeats, engines, rows, smoke=args.smoke)
    checks = check_targets(results, config, smoke=args.smoke) if rows == set(ROWS) else []
    if "batched" in results:
        checks += check_batched(results["batched"], smoke=args.smoke)
    if "playground" in results:
        rate = results["playground"]["glassgrad"].get("updates_per_second")
        what = f"nn.Playground pg.step(), MLP(2, [8, 8, 1]) on 200 moons: ≥ {PLAYGROUND_TARGET:g} updates/s"
        status = "error" if rate is None else _target_status(rate, ">=", PLAYGROUND_TARGET, args.smoke)
        checks.append(
            {"target": what, "key": "playground", "measured": rate, "threshold": PLAYGROUND_TARGET, "status": status}
        )
        checks[-1]["unit"] = "/s"
    if "recording" in results:
        checks += check_recording(results["recording"], smoke=args.smoke)
    report = {
        "mode": "smoke" if args.smoke else "full",
        "machine": machine(),
        "versions": versions(engines),
        "missing": missing,
        "config": {**config, "repeats": repeats},
        "results": results,
        "targets": checks,
        "seconds_total": time.perf_counter() - began,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    from autograd.files import write_atomically

    write_atomically(args.output, (json.dumps(report, indent=2) + "\n").encode("utf-8"), caller="bench")
    print_table(report)
    if "batched" in results:
        print_batched(results["batched"])
    if "recording" in results:
        print_recording(results["recording"])
    print(f"\nwrote {args.output} in {report['seconds_total']:.1f} s")
    failed = [c for c in checks if c["status"] == "missed"]
    errors = [c for c in checks if c["status"] == "error"]
    if errors:
        return 1
    if failed and not args.smoke:
        print(f"{len(failed)} target(s) missed.")
        return 1
    return 0


ROWS = ("w1", "w2", "w3", "w5", "visual", "batched", "recording", "w1_big", "w4", "verbatim", "playground")


def run_rows(
    config: dict[str, Any], repeats: int, engines: Sequence[str], rows: set[str], smoke: bool
) -> dict[str, Any]:
    """Run the chosen rows: the timed ones interleaved in long-lived workers, then the fresh-process ones."""
    workers = {name: Worker(name) for name in engines}
    results: dict[str, Any] = {}
    try:
        w1 = config["w1"]
        if "w1" in rows:
            results["w1"] = interleaved(workers, engines, repeats, "w1", "seconds_per_node", warmup=True, all=w1)
        w2 = config["w2"]
        w2_args = {"points": w2["points"], "sizes": w2["sizes"], "steps": w2["steps"]}
        if "w2" in rows:
            results["w2"] = interleaved(workers, engines, w2["repeats"], "w2", "seconds_per_step", all=w2_args)
            results["w2_collector_paused"] = interleaved(
                workers,
                engines,
                w2["diagnostic_repeats"],
                "w2",
                "seconds_per_step",
                all={**w2_args, "pause_collector": True},
            )
        w3 = config["w3"]
        if "w3" in rows:
            results["w3"] = interleaved(
                workers,
                engines,
                repeats,
                "w3",
                "seconds",
                warmup=True,
                all=w3,
                micrograd={**w3, "recursion_limit": 4 * w3["pairs"] + 1000},  # its recursive topological sort
            )
        w5 = config["w5"]
        if "w5" in rows:
            results["w5"] = {}
            for sizes in w5["sizes"]:
                per_engine = {
                    "all": {"points": w5["points"], "sizes": sizes, "steps": w5["steps"]},
                    "torch": {"points": w5["points"], "sizes": sizes, "steps": w5["torch_steps"]},
                }
                results["w5"][f"MLP(2, {sizes})"] = interleaved(
                    workers, engines, w5["repeats"], "w5", "seconds_per_step", **per_engine
                )
        if "visual" in rows:
            visual = workers["glassgrad"].run("visual_check", points=min(w2["points"], 20), sizes=w2["sizes"])
            results["visual_check"] = visual.get("result", visual)
        if "batched" in rows:
            results["batched"] = run_batched(workers, engines, smoke)  # it sets the workers to 1 thread
    finally:
        for w in workers.values():
            w.close()
    # Fresh processes: the million-node chain and the memory probes must not
    # leave a large heap behind for the timed workloads (or be slowed by theirs).
    if "w1_big" in rows:
        results["w1_big"] = {"glassgrad": run_fresh("w1_big", "glassgrad", config["w1_big"])}
    if "w4" in rows:
        w4 = config["w4"]
        results["w4"] = {name: run_fresh("w4", name, w4) for name in engines if name != "torch"}
        if "torch" in engines:
            results["w4"]["torch"] = {"error": "not measured: tracemalloc cannot see PyTorch's C++ allocations"}
    if "verbatim" in rows:
        results["verbatim"] = verbatim_rows(engines, smoke=smoke)
    if "recording" in rows:
        results["recording"] = recording_in_fresh_processes(smoke)
    if "playground" in rows:
        sizes = PLAYGROUND["smoke" if smoke else "full"]
        results["playground"] = {"glassgrad": run_fresh("playground", "glassgrad", sizes)}
    return results


def check_targets(results: dict[str, Any], config: dict[str, Any], smoke: bool) -> list[dict[str, Any]]:
    w4 = results["w4"]
    measured: dict[str, Any] = {
        "w1_vs_micrograd": ratio(results["w1"], "micrograd"),
        "w2_vs_micrograd": ratio(results["w2"], "micrograd"),
        "w2_vs_torch": ratio(results["w2"], "torch"),
        "w3_vs_micrograd": ratio(results["w3"], "micrograd"),
    }
    ours, theirs = w4.get("glassgrad", {}), w4.get("micrograd", {})
    if "peak_one_step" in ours and "peak_one_step" in theirs:
        measured["w4_peak_vs_micrograd"] = ours["peak_one_step"] / theirs["peak_one_step"]
    big = results["w1_big"]["glassgrad"]
    measured["w1_big_works"] = "error" not in big and math.isfinite(big.get("grad", math.nan))
    if "current_after_each_step" in ours:
        currents = ours["current_after_each_step"]
        measured["w4_no_growth"] = currents[-1] - currents[0] <= GROWTH_TOLERANCE_BYTES
    w5 = results["w5"].values()
    measured["w5_trains"] = all(
        "error" not in r["glassgrad"] and all(math.isfinite(v) for v in r["glassgrad"]["losses"]) for r in w5
    )
    visual = results.get("visual_check", {})
    measured["visual_works"] = bool(visual) and all(text.startswith("ok") for text in visual.values())
    checks = []
    for key, what, comparison, threshold in TARGETS:
        value = measured.get(key)
        status = _target_status(value, comparison, threshold, smoke)
        what = what.format(n_big=config["w1_big"]["n"])
        checks.append({"target": what, "key": key, "measured": value, "threshold": threshold, "status": status})
    return checks


# --- printing ---------------------------------------------------------------------------------


def readme_table(reports: Sequence[dict[str, Any]]) -> str:
    """The README's speed table: every row as users run it, glassgrad's time and each engine's ratio.

    Several reports (runs of different ``--only`` rows) merge; a later report's row wins.
    """
    results: dict[str, Any] = {}
    for report in reports:
        results.update(report["results"])
    config = reports[-1]["config"]

    def faster(entry: dict[str, Any] | None, name: str) -> str:
        r = ratio(entry, name) if entry else None
        if r:
            return f"{r:.1f}x faster"
        error = (entry or {}).get(name, {}).get("error", "")
        return error.split(":")[0] if error else "not run"  # e.g. micrograd's RecursionError

    rows = [
        ("w1", f"W1 chain x = relu(1.0001·x + 0.001), per link, N = {config['w1']['n']}"),
        ("w2", "W2 micrograd's demo step as written (model(x), sum, backward, SGD), collector on"),
        ("w2_collector_paused", "W2 the same, collector paused (diagnostic; nn.fit pauses it)"),
        ("w3", f"W3 Σ aᵢbᵢ over {config['w3']['pairs']:,} pairs, forward + backward"),
    ]
    lines = ["| Workload | glassgrad | vs micrograd 0.1.0 | vs PyTorch 2.13 |", "|---|---|---|---|"]
    for key, title in rows:
        entry = results.get(key)
        if entry and "median" in entry.get("glassgrad", {}):
            lines.append(
                f"| {title} | {_time(entry['glassgrad']['median'])} | {faster(entry, 'micrograd')} "
                f"| {faster(entry, 'torch')} |"
            )
    for name, entry in results.get("w5", {}).items():
        if "median" in entry.get("glassgrad", {}):
            lines.append(
                f"| W5 {name} per step | {_time(entry['glassgrad']['median'])} | {faster(entry, 'micrograd')} "
                f"| {faster(entry, 'torch')} |"
            )
    big = results.get("w1_big", {}).get("glassgrad", {})
    if "median" in big:
        lines.append(
            f"| W1 the same chain, N = {config['w1_big']['n']:,}, forward + backward | {_time(big['median'])} "
            "| not run (recursive topological sort) | not run |"
        )
    memory = results.get("w4", {})
    if "peak_one_step" in memory.get("glassgrad", {}) and "peak_one_step" in memory.get("micrograd", {}):
        ours, theirs = memory["glassgrad"], memory["micrograd"]
        currents = ours["current_after_each_step"]
        growth = "no growth" if currents[-1] - currents[0] <= GROWTH_TOLERANCE_BYTES else "GROWS"
        lines.append(
            f"| W4 peak memory of one W2 step | {ours['peak_one_step'] / 2**20:.1f} MiB "
            f"| {ours['peak_one_step'] / theirs['peak_one_step']:.2f}x micrograd's; {growth} over "
            f"{len(currents)} steps | not measured |"
        )
    verbatim = results.get("verbatim")
    if verbatim and "median" in verbatim.get("glassgrad", {}):
        share = verbatim["glassgrad"].get("collector_share")
        lines.append(
            f"| micrograd's demo loop verbatim, in a notebook-like process (collector "
            f"{share:.0%} of glassgrad's time) | {_time(verbatim['glassgrad']['median'])} "
            f"| {faster(verbatim, 'micrograd')} | |"
        )
    batched = results.get("batched")
    if batched:
        lines += ["", "| Training as users call it | nn.fit(engine=\"batched\") | PyTorch's own loop | ratio |"]
        lines.append("|---|---|---|---|")
        titles = {"w2": "W2 full batch, per epoch", "big": "MLP(2, [64, 64, 1]), 1,000 points, per epoch",
                  "digits": "digits MLP(64, [32, 10]), batch 32, Adam, 10 epochs"}
        for key, title in titles.items():
            entry = batched.get(key, {})
            if "median" in entry.get("glassgrad", {}) and "median" in entry.get("torch", {}):
                ours, theirs = entry["glassgrad"]["median"], entry["torch"]["median"]
                lines.append(f"| {title} | {_time(ours)} | {_time(theirs)} | {ours / theirs:.2f}x PyTorch's time |")
    recording, playground = results.get("recording", {}), results.get("playground", {}).get("glassgrad", {})
    if "ratio" in recording or "updates_per_second" in playground:
        lines += ["", "| Watching it learn | measured | target |", "|---|---|---|"]
    if "ratio" in recording:
        extra = (recording["ratio"] - 1) * recording["seconds_per_update"]
        lines.append(
            f"| nn.fit(engine=\"batched\", record=True) on W2, batches of 20: time with / without recording "
            f"| {recording['ratio']:.3f}x ({_time(extra)} an update) | ≤ {RECORDING_TARGET[3]:g}x |"
        )
    if "updates_per_second" in playground:
        lines.append(
            f"| nn.Playground pg.step(), MLP(2, [8, 8, 1]) on 200 moons, with its widget "
            f"| {playground['updates_per_second']:.0f} updates/s | ≥ {PLAYGROUND_TARGET:g} updates/s |"
        )
    return "\n".join(lines)



def _time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def _cell(entry: dict[str, Any]) -> str:
    if "error" in entry:
        return entry["error"][:44]
    return f"{_time(entry['median'])} [{_time(entry['min'])} .. {_time(entry['max'])}]"


def print_table(report: dict[str, Any]) -> None:
    results = report["results"]
    config = report["config"]
    engines = list(report["versions"])
    m = report["machine"]
    print(f"\nglassgrad benchmarks ({report['mode']}): Python {m['python']}, {m['cpu']}, {m['cores']} cores")
    print("median [min .. max] of interleaved repetitions; (Nx) = that engine's median / glassgrad's\n")
    rows = [
        (f"W1 chain N={config['w1']['n']}, per link (×, +, relu)", results.get("w1")),
        (f"W2 MLP(2, {config['w2']['sizes']}) per step, as the demo writes it", results.get("w2")),
        ("  same, collector paused (glassgrad, PyTorch; diagnostic)", results.get("w2_collector_paused")),
        (f"W3 fan-in {config['w3']['pairs']:,} pairs", results.get("w3")),
        *((f"W5 {name} per step", entry) for name, entry in results.get("w5", {}).items()),
        ("micrograd's demo loop as written, notebook-like process", results.get("verbatim")),
        ("nn.Playground pg.step(): update + curves + view state, MLP(2, [8, 8, 1])", results.get("playground")),
    ]
    table = [["workload", *engines]]
    for title, entry in rows:
        if entry is None:
            continue  # not run (--only)
        cells = [title]
        for name in engines:
            cell = _cell(entry.get(name, {"error": "n/a"}))
            r = ratio(entry, name) if name != "glassgrad" else None
            cells.append(cell + (f" ({r:.1f}x)" if r else ""))
        table.append(cells)
    if "w1_big" in results:
        big = results["w1_big"]["glassgrad"]
        n_big = config["w1_big"]["n"]
        text = (
            big["error"] if "error" in big else f"{_time(big['median'])} fwd+bwd ({_time(big['median'] / n_big)}/node)"
        )
        table.append([f"W1 chain N={n_big:,}", text, *["not run"] * (len(engines) - 1)])
    for kind in ("peak", "after") if "w4" in results else ():
        cells = [f"W4 MLP(2, {config['w4']['sizes']}) " + ("peak, 1 step" if kind == "peak" else "kept after steps")]
        for name in engines:
            mem = results["w4"].get(name, {})
            if "peak_one_step" not in mem:
                cells.append(mem.get("error", "n/a")[:40] if kind == "peak" else "")
            elif kind == "peak":
                r = mem["peak_one_step"] / results["w4"]["glassgrad"].get("peak_one_step", math.nan)
                shown = f" ({r:.1f}x)" if name != "glassgrad" else ""
                cells.append(f"{mem['peak_one_step'] / 2**20:.2f} MiB{shown}")
            else:
                currents = mem["current_after_each_step"]
                cells.append(f"{currents[0] / 1024:.0f} KiB → {currents[-1] / 1024:.0f} KiB ({len(currents)} steps)")
        table.append(cells)
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for index, row in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))
    shares = [
        f"{name} {entry['collector_share']:.0%}"
        for name, entry in results.get("verbatim", {}).items()
        if "collector_share" in entry
    ]
    if shares:
        print("\ncycle collector's share of the demo loop as written: " + ", ".join(shares))
    print("\ntargets:")
    for check in report["targets"]:
        value = check["measured"]
        unit = check.get("unit", "x")
        shown = f"{value:.2f}{unit}" if isinstance(value, float) else str(value)
        print(f"  [{check['status']}] {check['target']}: {shown}")
    if results.get("visual_check"):
        print("\nrenderer and tracer on benchmark graphs:")
        for name, text in results.get("visual_check", {}).items():
            print(f"  {name}: {text}")


if __name__ == "__main__":
    sys.exit(main())
