"""Re-create the example pictures in this folder: ``python docs/img/render_examples.py``.

Needs Graphviz's ``dot`` and, for the player screenshot, Debian's chromium and
chromium-driver plus selenium (all installed by ``make test`` / ``.ci/run``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import autograd
from autograd import Parameter, Value
from autograd.render import render_dot

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


def main() -> None:
    """Write graph.png, backprop-frame.png, forward-frame.png and player.png."""
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


def screenshot(page: Path, target: Path, steps: int) -> None:
    """Open ``page`` in headless Chromium, press → ``steps`` times, save a PNG."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.keys import Keys

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
        "--window-size=1300,760",
    ):
        options.add_argument(flag)
    with tempfile.TemporaryDirectory() as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
        try:
            driver.get(page.as_uri())
            body = driver.find_element("tag name", "body")
            for _ in range(steps):
                body.send_keys(Keys.ARROW_RIGHT)
            driver.save_screenshot(str(target))
        finally:
            driver.quit()


if __name__ == "__main__":
    main()
