"""Interleaved A/B, in one process, of W2 steps with two whole source trees of glassgrad.

A is ``autograd`` and ``nn`` imported from another checkout (e.g. main's), B from
this working tree (or a second checkout given; A against itself shows the noise).
Both are imported into the same process under their own names: before each
round the ``sys.modules`` entries of the version about to run are put back, so
the imports functions make at call time find their own tree. Rounds alternate
A and B (ABBA...), so a busy machine slows both alike; the ratio B/A of the
median step times is printed, with the median of each round's own B/A, and
whether the losses agree.
Python's cycle collector stays on, as in a notebook (W2 as ``make bench`` runs it).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/ab_trees.py /work/main --rounds 21
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import math
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn")


def _ours(name: str) -> bool:
    return any(name == package or name.startswith(package + ".") for package in PACKAGES)


def import_tree(root: Path, also: Sequence[str] = ()) -> dict[str, ModuleType]:
    """Import ``autograd`` and ``nn`` from ``root`` and return their modules, leaving none in ``sys.modules``.

    ``also`` names modules the code under test imports lazily (``nn.batched``): imported here,
    from ``root``, since a lazy import made later would find whichever tree is on the path.
    """
    for name in [name for name in sys.modules if _ours(name)]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        import autograd  # noqa: F401
        import nn  # noqa: F401

        for name in also:
            importlib.import_module(name)
    finally:
        sys.path.remove(str(root))
    modules = {name: module for name, module in sys.modules.items() if _ours(name)}
    loaded = Path(modules["autograd"].__file__ or "").resolve()
    assert loaded.is_relative_to(root.resolve()), f"{loaded} is not under {root}"
    for name in modules:
        del sys.modules[name]
    return modules


def module_at_revision(revision: str, path: str) -> ModuleType:
    """The module in file ``path`` (e.g. ``nn/losses.py``) as it was at git ``revision``, loaded on its own.

    Its own imports come from the working tree: for A/B timing of one function whose file
    changed alone (``ab_softmax.py``, ``ab_cross_entropy.py``).
    """
    source = subprocess.run(
        ["git", "show", f"{revision}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as file:
        file.write(source)
    spec = importlib.util.spec_from_file_location(f"{Path(path).stem}_at_revision", file.name)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def use(modules: dict[str, ModuleType]) -> None:
    """Make ``modules`` the ones ``import autograd``/``import nn`` find."""
    for name in [name for name in sys.modules if _ours(name)]:
        del sys.modules[name]
    sys.modules.update(modules)


def main() -> None:
    """Time W2 steps (100 moons points, MLP(2, [16, 16, 1]), hinge + L2, SGD) under A and B, interleaved."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("a", type=Path, help="the checkout whose autograd and nn are A")
    parser.add_argument("b", type=Path, nargs="?", default=ROOT, help="the checkout that is B (this one by default)")
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--steps", type=int, default=3, help="W2 steps per round")
    arguments = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run import Glassgrad, Training

    trees = {"A": import_tree(arguments.a), "B": import_tree(arguments.b)}
    trainings = {}
    for name, modules in trees.items():
        use(modules)
        trainings[name] = Training(Glassgrad(), 100, [16, 16, 1])
        trainings[name].step()  # first-call costs out of the way
    times: dict[str, list[float]] = {name: [] for name in trees}
    losses: dict[str, list[float]] = {name: [] for name in trees}
    for round_index in range(arguments.rounds):
        for name in ("A", "B") if round_index % 2 == 0 else ("B", "A"):
            use(trees[name])
            start = time.process_time()
            for _ in range(arguments.steps):
                losses[name].append(trainings[name].step()[0])
            times[name].append((time.process_time() - start) / arguments.steps)
    median = {name: statistics.median(values) for name, values in times.items()}
    # Each round's A and B ran back to back, so their ratio cancels what the machine did in between.
    paired = sorted(b / a for a, b in zip(times["A"], times["B"]))
    quartiles = statistics.quantiles(paired, n=4)
    # Past step ~111 the demo's learning-rate schedule turns negative and the loss may become nan: nan matches nan.
    same = all(a == b or (math.isnan(a) and math.isnan(b)) for a, b in zip(losses["A"], losses["B"]))
    print(f"W2 per step (collector on), median of {arguments.rounds} interleaved rounds of {arguments.steps} steps:")
    print(f"  A ({arguments.a}): {median['A'] * 1e3:.2f} ms   B ({arguments.b}): {median['B'] * 1e3:.2f} ms")
    print(
        f"  B/A = {median['B'] / median['A']:.3f}   per-round B/A median {statistics.median(paired):.3f} "
        f"(quartiles {quartiles[0]:.3f}-{quartiles[2]:.3f})   same losses: {same}"
    )


if __name__ == "__main__":
    main()
