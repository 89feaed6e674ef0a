"""How long ``to_html`` takes to write a page, how large it is, and how fast Chromium opens and steps it.

The graph is the browser test's tangle (``tanh(a·b + 0.5)`` of two of the last
eight results, seeded), traced backward; ``max_nodes`` is raised to fit.
Write time is wall time of ``Trace.to_html`` (dot included); open is the
navigation's ``loadEventEnd``, step is one ``ArrowRight`` handled, both read from
the page's own clock in headless Chromium at 1300×1000.

Usage::

    PYTHONPATH=. .venv/bin/python benchmarks/page_scale.py --write 250 500 1000 2000 --browser 50 250 500 2000
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from autograd import Value
from autograd.engine.graph import topological_order
from autograd.see.trace import trace_backward

OPEN_AND_STEP = """
var opened = performance.getEntriesByType('navigation')[0].loadEventEnd;
var start = performance.now();
document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true}));
var stepped = performance.now() - start;
return [opened, stepped, document.getElementById('counter').textContent];
"""


def graph_of(nodes: int) -> Value:
    """A tangle of at most ``nodes`` nodes (the browser test's graph)."""
    rng = random.Random(0)
    pool = [Value(rng.uniform(-1, 1), label=f"x{i}") for i in range(4)]
    while True:
        a, b = rng.sample(pool[-8:], 2)
        candidate = (a * b + 0.5).tanh()
        if len(topological_order(candidate)) > nodes:
            return pool[-1]
        pool.append(candidate)


def write(nodes: int, folder: Path) -> tuple[Path, float, int]:
    """The page of a ``nodes``-node graph, the seconds to write it and its size in bytes."""
    trace = trace_backward(graph_of(nodes))
    start = time.perf_counter()
    path = trace.to_html(folder / f"page{nodes}.html", max_nodes=max(500, nodes))
    return path, time.perf_counter() - start, path.stat().st_size


def main() -> None:
    """Print one row per size: nodes, steps, write seconds, bytes; then open and step times in Chromium."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=int, nargs="*", default=[250, 500, 1000, 2000])
    parser.add_argument("--browser", type=int, nargs="*", default=[50, 250, 500, 2000])
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        pages = {}
        for nodes in sorted(set(arguments.write) | set(arguments.browser)):
            path, seconds, size = write(nodes, Path(folder))
            pages[nodes] = path
            if nodes in arguments.write:
                print(f"write {nodes:5d} nodes: {seconds:7.2f} s  {size / 1e6:6.2f} MB", flush=True)
        if not arguments.browser:
            return
        from headless_chromium import chromium

        with chromium(1300, 1000) as driver:
            for nodes in arguments.browser:
                try:
                    driver.get(pages[nodes].as_uri())  # type: ignore[attr-defined]
                except Exception as error:  # Selenium's TimeoutException: the page never finished loading
                    print(f"open {nodes:5d} nodes: not loaded ({type(error).__name__})", flush=True)
                    continue
                opened, stepped, counter = driver.execute_script(OPEN_AND_STEP)  # type: ignore[attr-defined]
                print(f"open {nodes:5d} nodes: {opened:7.0f} ms, step {stepped:5.0f} ms ({counter})", flush=True)


if __name__ == "__main__":
    main()
