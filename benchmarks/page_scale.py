"""How long ``to_html`` takes to write a page, how large it is, and how fast Chromium opens and steps it.

The graph is the page tests' tangle (``course_graphs.tangle``: ``tanh(a·b + 0.5)`` of
two of the last eight results, seeded), traced backward; ``max_nodes`` is raised to
fit. Write time is wall time of ``Trace.to_html`` (dot included) and the CPU time of
Python (dot runs in a subprocess); open is the navigation's ``loadEventEnd``, step is
one ``ArrowRight`` handled (the script alone, as the browser test measures it) and
"to paint" the median of five ``ArrowRight`` until the next frame is painted, all
read from the page's own clock in headless Chromium at 1300×1000.

``--against REV`` compares the page's script and style with those of a git revision
on the same pages, interleaved in one browser (3 rounds × 7 steps each): a ratio
that a busy machine does not blur as it blurs two runs' seconds.

Usage::

    PYTHONPATH=. .venv/bin/python benchmarks/page_scale.py --write 250 500 1000 2000 --browser 50 250 500 2000
    PYTHONPATH=. .venv/bin/python benchmarks/page_scale.py --write --browser 500 2000 --against main
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograd.see.trace import trace_backward

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
PAGE_FILES = ("player.js", "player.css")

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


def with_revision(page: Path, revision: str) -> Path:
    """A copy of ``page`` whose script and style are those of git ``revision`` (the data stays)."""
    from autograd.see.render import HIGHLIGHT

    text = page.read_text(encoding="utf-8")
    for name in PAGE_FILES:
        ours = (ROOT / "autograd/see/page" / name).read_text(encoding="utf-8").replace("__HIGHLIGHT__", HIGHLIGHT)
        theirs = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{revision}:autograd/see/page/{name}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.replace("__HIGHLIGHT__", HIGHLIGHT)
        text = text.replace(ours, theirs)
    copy = page.with_name(f"{page.stem}-{revision.replace('/', '_')}.html")
    copy.write_text(text, encoding="utf-8")
    return copy


def compare(driver: object, nodes: int, page: Path, revision: str) -> None:
    """Print the median key→painted time of ``revision``'s page and this one's, interleaved, and their ratio."""
    pages = {revision: with_revision(page, revision), "this tree": page}
    times: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(3):
        for name, path in pages.items():
            driver.get(path.as_uri())  # type: ignore[attr-defined]
            times[name] += [driver.execute_async_script(KEY_TO_PAINT, "ArrowRight")[0] for _ in range(7)]  # type: ignore[attr-defined]
    theirs, ours = (statistics.median(times[name]) for name in pages)
    print(
        f"step {nodes:5d} nodes to paint: {revision} {theirs:6.0f} ms, this tree {ours:6.0f} ms "
        f"({theirs / ours:4.1f}×; median of 21, interleaved)",
        flush=True,
    )


def main() -> None:
    """Print one row per size: nodes, steps, write seconds, bytes; then open and step times in Chromium."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=int, nargs="*", default=[250, 500, 1000, 2000])
    parser.add_argument("--browser", type=int, nargs="*", default=[50, 250, 500, 2000])
    parser.add_argument("--against", metavar="REV", help="also time the page with this git revision's script and style")
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
                if arguments.against:
                    compare(driver, nodes, pages[nodes], arguments.against)


if __name__ == "__main__":
    main()
