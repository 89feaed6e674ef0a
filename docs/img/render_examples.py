"""Re-create the example pictures in this folder: ``python docs/img/render_examples.py``.

``python docs/img/render_examples.py network`` re-creates only the pictures of
the course's "Will I pass?" network (network*.png), which need only ``dot``.

Needs Graphviz's ``dot`` and, for the player screenshot, Debian's chromium and
chromium-driver plus selenium (all installed by ``make test`` / ``.ci/run``).
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import autograd
import nn
from autograd import Parameter, Value
from autograd.see.render import render_dot
from nn.cli import COURSE_SEED  # the course network: untrained, ŷ = 0.1107 for the student (4, 5)

HERE = Path(__file__).parent


def course_network() -> Value:
    """The course's tiny network: x → w1 → z1 → σ → w2 → ŷ → J = (ŷ − y)²."""
    x, y = Value(1.5, label="x"), Value(0.2, label="y")
    w1, w2 = Parameter(0.8, label="w1"), Parameter(-1.2, label="w2")
    z1 = w1 * x
    z1.label = "z1"
    a1 = z1.sigmoid()
    a1.label = "a1"
    y_hat = w2 * a1
    y_hat.label = "ŷ"
    loss = (y_hat - y) ** 2
    loss.label = "J"
    return loss


def course_mlp() -> Value:
    """The course's network nn.MLP(2, [3, 1], output_activation="sigmoid") and its loss for one student.

    The student went to 4 lectures and spent 5 hours on the project, and passed (1).
    """
    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=COURSE_SEED)
    return nn.binary_cross_entropy([model([4.0, 5.0])], [1])


def network_pictures() -> None:
    """Write the pictures of the course network: network*.png.

    network.png has one box per neuron, network-nodes.png every node,
    network-backprop-frame.png the neuron-level backprop step through the output
    neuron, and network-2-16-16-1.png a wider network, collapsed.
    """
    loss = course_mlp()
    loss.backward()
    autograd.save(loss, HERE / "network.png", collapse="scope", feature_names=["lectures", "hours"])
    autograd.save(loss, HERE / "network-nodes.png")
    loss.zero_grad()  # leaves accumulate: trace from zero, as a training step would
    trace = autograd.trace_backward(loss, collapse="scope")
    (HERE / "network-backprop-frame.png").write_bytes(render_dot(trace.frame_dot(1), "png"))
    model = nn.MLP(2, [16, 16, 1], output_activation="sigmoid", seed=0)
    wide = nn.binary_cross_entropy([model([4.0, 5.0])], [1])
    wide.backward()
    autograd.save(wide, HERE / "network-2-16-16-1.png", collapse="scope")


def main() -> None:
    """Write graph.png, backprop-frame.png, forward-frame.png, player.png and the network pictures."""
    network_pictures()
    loss = course_network()
    loss.backward()
    autograd.save(loss, HERE / "graph.png")
    loss.zero_grad()  # leaves accumulate: start the traced pass from zero, as a training step would
    trace = autograd.trace_backward(loss)
    (HERE / "backprop-frame.png").write_bytes(render_dot(trace.frame_dot(3), "png"))
    forward = autograd.trace_forward(loss)
    (HERE / "forward-frame.png").write_bytes(render_dot(forward.frame_dot(1), "png"))
    lesson = forward + trace
    with tempfile.TemporaryDirectory() as folder:
        page = lesson.to_html(Path(folder) / "player.html")
        screenshot(page, HERE / "player.png", steps=len(forward) + 3)


@contextlib.contextmanager
def headless_chromium(*flags: str) -> Iterator[Any]:
    """Debian's Chromium and its driver at fixed paths (nothing is downloaded), with a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        *flags,
    ):
        options.add_argument(flag)
    with tempfile.TemporaryDirectory() as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def screenshot(page: Path, target: Path, steps: int) -> None:
    """Open ``page`` in headless Chromium, press → ``steps`` times, save a PNG."""
    from selenium.webdriver.common.keys import Keys

    with headless_chromium("--window-size=1300,760") as driver:
        driver.get(page.as_uri())
        body = driver.find_element("tag name", "body")
        for _ in range(steps):
            body.send_keys(Keys.ARROW_RIGHT)
        # The camera glides to a step (a CSS transition): photograph where it stops.
        driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "Promise.all(document.getAnimations().map(function (a) { return a.finished; }))"
            ".then(function () { requestAnimationFrame(function () { requestAnimationFrame(done); }); });"
        )
        driver.save_screenshot(str(target))


if __name__ == "__main__":
    network_pictures() if sys.argv[1:] == ["network"] else main()
