"""Re-create the lesson page screenshots in this folder: ``python docs/img/lesson_screenshots.py``.

The course network (``nn.MLP(2, [3, 1], output_activation="sigmoid")`` with binary
cross-entropy, for the student who took 4 lectures and studied 5 hours), forward
+ backward, as one offline page, photographed at a projector's 1024×768 at three
steps, each as it opens and in presentation mode (``P``):

- ``lesson-page-first.png`` / ``lesson-page-first-presenting.png``: step 1;
- ``lesson-page.png`` / ``lesson-page-presenting.png``: a middle step, the backward
  pass reaching a weight of the output neuron;
- ``lesson-page-last.png`` / ``lesson-page-last-presenting.png``: the last step;
- ``lesson-page-quiz.png``: the same middle step with ``quiz=True``, asking first;
- ``lesson-page-neurons-presenting.png``: the lesson neuron by neuron
  (``collapse="scope"``), the output neuron's backward step, in presentation mode;
  ``lesson-page-neurons.png`` the same step as it opens; ``lesson-page-neurons-first-presenting.png``
  and ``lesson-page-neurons-last-presenting.png`` its first and last steps (the whole network
  shows at every step, its smallest text 16 px).

Needs Graphviz's ``dot``, selenium and Debian's chromium and chromium-driver (all
installed by ``make test`` / ``.ci/run``).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from render_examples import headless_chromium  # this folder's script: one way to start Chromium

import nn
from autograd import Parameter, trace_backward, trace_forward
from nn.cli import COURSE_SEED  # the course network: untrained, ŷ = 0.1107 for the student (4, 5)

HERE = Path(__file__).parent
WIDTH, HEIGHT = 1024, 768
TITLE = "Will I pass? Backprop through the course network"


def main() -> None:
    """Write the eleven lesson-page PNGs."""
    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=COURSE_SEED)
    loss = nn.binary_cross_entropy([model([4.0, 5.0])], [1.0])
    lesson = trace_forward(loss) + trace_backward(loss)
    # The first backward step that multiplies a nonzero gradient into a weight (the output
    # neuron's, step 34 of 48): the middle of the lesson. (The last such step is the last step.)
    middle = min(
        i
        for i, step in enumerate(lesson.steps)
        if lesson.phases[i] == "backward" and step.node.op == "*" and step.upstream != 0
        and any(isinstance(x, Parameter) for x in step.node.inputs)
    )
    with tempfile.TemporaryDirectory() as folder:
        page = lesson.to_html(Path(folder) / "lesson.html", title=TITLE)
        quiz = lesson.to_html(Path(folder) / "quiz.html", title=TITLE, quiz=True)
        for name, step in (("lesson-page-first", 0), ("lesson-page", middle), ("lesson-page-last", len(lesson) - 1)):
            screenshot(page, HERE / f"{name}.png", steps=step, keys="")
            screenshot(page, HERE / f"{name}-presenting.png", steps=step, keys="p")
        screenshot(quiz, HERE / "lesson-page-quiz.png", steps=middle, keys="")
        neurons = trace_forward(loss, collapse="scope") + trace_backward(loss, collapse="scope")
        by_neuron = neurons.to_html(Path(folder) / "neurons.html", title=TITLE, collapse="scope")
        output_neuron = neurons.phases.index("backward") + 1  # after the loss's step
        screenshot(by_neuron, HERE / "lesson-page-neurons-presenting.png", steps=output_neuron, keys="p")
        screenshot(by_neuron, HERE / "lesson-page-neurons.png", steps=output_neuron, keys="")
        screenshot(by_neuron, HERE / "lesson-page-neurons-first-presenting.png", steps=0, keys="p")
        screenshot(by_neuron, HERE / "lesson-page-neurons-last-presenting.png", steps=len(neurons) - 1, keys="p")


def screenshot(page: Path, target: Path, steps: int, keys: str) -> None:
    """Open ``page`` at 1024×768 in headless Chromium, go to step ``steps + 1``, press ``keys``, save a PNG."""
    with headless_chromium("--hide-scrollbars") as driver:
        page_size(driver, WIDTH, HEIGHT)
        driver.get(page.as_uri())
        # The slider moves the page as the arrow keys do, without a question (quiz mode) stopping the way.
        driver.execute_script(
            "var s = document.getElementById('slider'); s.value = String(arguments[0]);"
            "s.dispatchEvent(new Event('input'));",
            steps,
        )
        body = driver.find_element("tag name", "body")
        if keys:
            body.send_keys(keys)
        # The camera glides to a step (a CSS transition): photograph where it stops.
        driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "Promise.all(document.getAnimations().map(function (a) { return a.finished; }))"
            ".then(function () { requestAnimationFrame(function () { requestAnimationFrame(done); }); });"
        )
        driver.save_screenshot(str(target))


def page_size(driver: Any, width: int, height: int) -> None:
    """Size the window so that the page itself is ``width`` × ``height`` (the window's frame takes some room).

    A page learns of a resize late on a busy machine, so each size is measured once
    settled and corrected (as tests/headless_chromium.py's ``inner_size`` does).
    """
    window = [width, height]
    for _ in range(4):
        driver.set_window_size(*window)
        seen: list[int] = []
        while True:
            time.sleep(0.2)
            now = driver.execute_script("return [window.innerWidth, window.innerHeight]")
            if now == seen:
                break
            seen = now
        if seen == [width, height]:
            return
        window = [window[0] + width - seen[0], window[1] + height - seen[1]]
    raise RuntimeError(f"the page is {seen[0]}×{seen[1]} px, not {width}×{height}")


if __name__ == "__main__":
    main()
