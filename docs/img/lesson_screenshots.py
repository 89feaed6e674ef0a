"""Re-create the lesson page screenshots in this folder: ``python docs/img/lesson_screenshots.py``.

The course network (``nn.MLP(2, [3, 1], output_activation="sigmoid")`` with binary
cross-entropy, for the student who took 4 lectures and studied 5 hours), forward
+ backward, as one offline page, photographed at a projector's 1024×768: once as
it opens (``lesson-page.png``) and once in presentation mode (``P``:
``lesson-page-presenting.png``). Needs Graphviz's ``dot``, selenium and Debian's
chromium and chromium-driver (all installed by ``make test`` / ``.ci/run``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from render_examples import headless_chromium  # this folder's script: one way to start Chromium

import nn
from autograd import trace_backward, trace_forward

HERE = Path(__file__).parent
WIDTH, HEIGHT = 1024, 768


def main() -> None:
    """Write lesson-page.png and lesson-page-presenting.png."""
    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=37)
    loss = nn.binary_cross_entropy([model([4.0, 5.0])], [1.0])
    forward = trace_forward(loss)
    lesson = forward + trace_backward(loss)
    with tempfile.TemporaryDirectory() as folder:
        page = lesson.to_html(Path(folder) / "lesson.html", title="Will I pass? Backprop through the course network")
        # The last backward step that multiplies a nonzero gradient into a first-layer weight.
        step = max(
            i
            for i, part_step in enumerate(lesson.steps)
            if lesson.phases[i] == "backward" and part_step.node.op == "*" and part_step.upstream != 0
        )
        screenshot(page, HERE / "lesson-page.png", steps=step, keys="")
        screenshot(page, HERE / "lesson-page-presenting.png", steps=step, keys="p")


def screenshot(page: Path, target: Path, steps: int, keys: str) -> None:
    """Open ``page`` at 1024×768 in headless Chromium, press → ``steps`` times, then ``keys``, save a PNG."""
    from selenium.webdriver.common.keys import Keys

    with headless_chromium("--hide-scrollbars") as driver:
        # The window's frame takes some room: size it so the page itself is 1024×768.
        driver.set_window_size(WIDTH, HEIGHT)
        inner_width, inner_height = driver.execute_script("return [window.innerWidth, window.innerHeight]")
        driver.set_window_size(2 * WIDTH - inner_width, 2 * HEIGHT - inner_height)
        driver.get(page.as_uri())
        body = driver.find_element("tag name", "body")
        for _ in range(steps):
            body.send_keys(Keys.ARROW_RIGHT)
        if keys:
            body.send_keys(keys)
        driver.save_screenshot(str(target))


if __name__ == "__main__":
    main()
