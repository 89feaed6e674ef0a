"""How long ``to_html`` takes to write a page, how large it is, and how fast Chromium opens and steps it.

The graph is the page tests' tangle (``course_graphs.tangle``: ``tanh(a·b + 0.5)`` of
two of the last eight results, seeded), traced backward; ``max_nodes`` is raised to
fit. Write time is wall time of ``Trace.to_html`` (dot included) and the CPU time of
Python (dot runs in a subprocess); open is the navigation's ``loadEventEnd``, step is
one ``ArrowRight`` handled (the script alone, as the browser test measures it) and
"to paint" the median of five ``ArrowRight`` until the next frame is painted, all
read from the page's own clock in headless Chromium at 1300×1000.

Usage::

    PYTHONPATH=. .venv/bin/python benchmarks/page_scale.py --write 250 500 1000 2000 --browser 50 250 500 2000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from autograd.see.trace import trace_backward

TESTS = Path(__file__).resolve().parent.parent / "tests"

OPEN_AND_STEP = """
var opened = performance.getEntriesByType('navigation')[0].loadEventEnd;
var start = performance.now();
document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true}));
var stepped = performance.now() - start;
return [opened, stepped, document.getElementById('counter').textContent];
"""


KEY_TO_PAINT = """
var key = arguments[0], done = arguments[arguments.length - 1], start = performance.now();
document.dispatchEvent(new KeyboardEvent('keydown', {key: key, bubbles: true}));
requestAnimationFrame(function () { requestAnimationFrame(function () {
  done([performance.now() - start, document.getElementById('counter').textContent]);
}); });
"""


def write(nodes: int, folder: Path) -> tuple[Path, float, float, int]:
    """The page of a ``nodes``-node graph, the seconds to write it (wall, Python's CPU) and its size in bytes."""
    from course_graphs import tangle  # the tests' graph: tests/autograd is on sys.path (see main)

    trace = trace_backward(tangle(nodes))
    start, cpu = time.perf_counter(), time.process_time()
    path = trace.to_html(folder / f"page{nodes}.html", max_nodes=max(500, nodes))
    return path, time.perf_counter() - start, time.process_time() - cpu, path.stat().st_size


def main() -> None:
    """Print one row per size: nodes, steps, write seconds, bytes; then open and step times in Chromium."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=int, nargs="*", default=[250, 500, 1000, 2000])
    parser.add_argument("--browser", type=int, nargs="*", default=[50, 250, 500, 2000])
    arguments = parser.parse_args()
    sys.path[:0] = [str(TESTS), str(TESTS / "autograd")]
    with tempfile.TemporaryDirectory() as folder:
        pages = {}
        for nodes in sorted(set(arguments.write) | set(arguments.browser)):
            path, seconds, python, size = write(nodes, Path(folder))
            pages[nodes] = path
            if nodes in arguments.write:
                print(
                    f"write {nodes:5d} nodes: {seconds:7.2f} s (Python {python:6.2f} s CPU)  {size / 1e6:6.2f} MB",
                    flush=True,
                )
        if not arguments.browser:
            return
        from headless_chromium import chromium

        with chromium(1300, 1000) as driver:
            driver.set_script_timeout(120)  # type: ignore[attr-defined]
            for nodes in arguments.browser:
                try:
                    driver.get(pages[nodes].as_uri())  # type: ignore[attr-defined]
                except Exception as error:  # Selenium's TimeoutException: the page never finished loading
                    print(f"open {nodes:5d} nodes: not loaded ({type(error).__name__})", flush=True)
                    continue
                opened, stepped, counter = driver.execute_script(OPEN_AND_STEP)  # type: ignore[attr-defined]
                painted = sorted(driver.execute_async_script(KEY_TO_PAINT, "ArrowRight")[0] for _ in range(5))  # type: ignore[attr-defined]
                print(
                    f"open {nodes:5d} nodes: {opened:7.0f} ms, step {stepped:5.0f} ms ({counter}), "
                    f"to paint {painted[2]:5.0f} ms (median of 5)",
                    flush=True,
                )


if __name__ == "__main__":
    main()
