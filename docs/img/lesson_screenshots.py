"""Re-create the lesson page screenshots in this folder: ``python docs/img/lesson_screenshots.py``.

The course network (``nn.MLP(2, [3, 1], output_activation="sigmoid")`` with binary
cross-entropy, for the student who took 4 lectures and studied 5 hours), forward
+ backward, as one offline page, photographed at a projector's 1024×768 at three
steps, each as it opens and in presentation mode (``P``):

- ``lesson-page-first.png`` / ``lesson-page-first-presenting.png``: step 1;
- ``lesson-page.png`` / ``lesson-page-presenting.png``: a middle step, the backward
  pass reaching a first-layer weight;
- ``lesson-page-last.png`` / ``lesson-page-last-presenting.png``: the last step;
- ``lesson-page-quiz.png``: the same middle step with ``quiz=True``, asking first;
- ``lesson-page-neurons-presenting.png``: the lesson neuron by neuron
  (``collapse="scope"``), the output neuron's backward step, in presentation mode.

Needs Graphviz's ``dot``, selenium and Debian's chromium and chromium-driver (all
installed by ``make test`` / ``.ci/run``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from render_examples import headless_chromium  # this folder's script: one way to start Chromium

import nn
from autograd import trace_backward, trace_forward
from nn.cli import COURSE_SEED  # the course network: untrained, ŷ = 0.1107 for the student (4, 5)

HERE = Path(__file__).parent
WIDTH, HEIGHT = 1024, 768
TITLE = "Will I pass? Backprop through the course network"


def main() -> None:
    """Write the eight lesson-page PNGs."""
    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=COURSE_SEED)
    loss = nn.binary_cross_entropy([model([4.0, 5.0])], [1.0])
    lesson = trace_forward(loss) + trace_backward(loss)
    # The last backward step that multiplies a nonzero gradient into a first-layer weight.
    middle = max(
        i
        for i, step in enumerate(lesson.steps)
        if lesson.phases[i] == "backward" and step.node.op == "*" and step.upstream != 0
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


def screenshot(page: Path, target: Path, steps: int, keys: str) -> None:
    """Open ``page`` at 1024×768 in headless Chromium, go to step ``steps + 1``, press ``keys``, save a PNG."""
    with headless_chromium("--hide-scrollbars") as driver:
        # The window's frame takes some room: size it so the page itself is 1024×768.
        driver.set_window_size(WIDTH, HEIGHT)
        inner_width, inner_height = driver.execute_script("return [window.innerWidth, window.innerHeight]")
        driver.set_window_size(2 * WIDTH - inner_width, 2 * HEIGHT - inner_height)
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
        driver.save_screenshot(str(target))


if __name__ == "__main__":
    main()
