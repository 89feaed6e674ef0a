"""nn.Playground in a real browser: a notebook run in JupyterLab, driven by headless Chromium.

Play, pause, one step, a click that adds a point, the backprop of the paused
update; and the updates per second the front end sees while playing (printed,
with ``-s``, for the report). The server comes from ``lab_server``, as the
notebook player's test gets it, on its own temporary folders.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from headless_chromium import chromium, installed
from lab_server import STARTUP_SECONDS, one_cell_notebook, run_all_cells, serving

pytestmark = [
    pytest.mark.browser,
    pytest.mark.notebook,
    pytest.mark.slow,
    pytest.mark.skipif(not installed(), reason="needs Debian's chromium and chromium-driver"),
    pytest.mark.skipif(shutil.which("dot") is None, reason="the backprop player draws graphs: needs Graphviz's `dot`"),
]
pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install 'glassgrad[test]')")
pytest.importorskip("jupyterlab", reason="needs JupyterLab (pip install 'glassgrad[test]')")
pytest.importorskip("anywidget", reason="the Playground is an anywidget (pip install 'glassgrad[notebook]')")

NOTEBOOK = "playground.ipynb"
CELL = """\
import nn
X, y = nn.data.moons(200, seed=0)
X_val, y_val = nn.data.moons(100, seed=1)
pg = nn.Playground(nn.MLP(2, [8, 8, 1], activation="tanh", seed=0), X, y, validation=(X_val, y_val))
pg"""
SCREENSHOTS = os.environ.get("GLASSGRAD_SCREENSHOTS")  # a folder: save the view at 1024x768 there


@pytest.fixture(scope="module")
def lab() -> Iterator[str]:
    """A running JupyterLab serving the Playground notebook; yields its URL."""
    with serving({NOTEBOOK: one_cell_notebook(CELL, "pg")}) as url:
        yield url(NOTEBOOK)


def view(driver) -> dict[str, str] | None:
    return driver.execute_script(
        "var v = document.querySelector('.ggp'); return v ? Object.assign({}, v.dataset) : null;"
    )


def press(driver, title: str) -> None:
    (button,) = [b for b in driver.find_elements("css selector", ".ggp button") if b.text == title]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()


EXPLANATION = (
    "var parts = document.querySelectorAll('.glassgrad-player .widget-html-content');"
    "return parts[parts.length - 1].textContent;"
)


def shoot(driver, name: str, selector: str = ".ggp") -> None:
    """Save the view as a class would see it: the file browser closed, no news toast, the view at the top."""
    driver.execute_script(
        "window.jupyterapp.shell.collapseLeft();"
        "document.querySelectorAll('.Toastify').forEach(e => e.style.display = 'none');"
        "document.querySelector(arguments[0]).scrollIntoView({block: 'start'});",
        selector,
    )
    time.sleep(0.5)  # the relayout after the sidebar closes
    driver.execute_script("document.querySelector(arguments[0]).scrollIntoView({block: 'start'});", selector)
    driver.save_screenshot(str(Path(SCREENSHOTS) / name))


def test_the_playground_plays_pauses_steps_scrubs_forks_adds_a_clicked_point_and_opens_the_backprop(lab):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import Select, WebDriverWait

    with chromium(1024, 768) as driver:
        run_all_cells(driver, lab)
        WebDriverWait(driver, STARTUP_SECONDS).until(lambda d: (view(d) or {}).get("draws", "0") != "0")
        assert view(driver)["updates"] == "0"
        assert view(driver)["points"] == "200"

        Select(
            driver.find_element("css selector", ".ggp select[title='updates per second while playing']")
        ).select_by_visible_text("max")
        press(driver, "▶ play")
        WebDriverWait(driver, 30).until(lambda d: int(view(d)["updates"]) >= 2)
        first, started = int(view(driver)["updates"]), time.monotonic()
        time.sleep(3.0)
        last, seconds = int(view(driver)["updates"]), time.monotonic() - started
        rate, draw_ms = (last - first) / seconds, view(driver)["drawMs"]
        print(f"\nupdates per second seen by the front end while playing: {rate:.1f} (a redraw: {draw_ms} ms)")
        assert last > first  # it plays: updates keep arriving
        press(driver, "❚❚ pause")
        time.sleep(1.0)  # the update in flight, if any, lands
        paused = int(view(driver)["updates"])
        time.sleep(1.0)
        assert int(view(driver)["updates"]) == paused  # pause holds

        if SCREENSHOTS:
            shoot(driver, "playground.png")

        press(driver, "step")
        WebDriverWait(driver, 30).until(lambda d: int(view(d)["updates"]) == paused + 1)

        # The scrubber shows an earlier update; "fork here" goes on from it.
        driver.execute_script(
            "var s = document.querySelector('.ggp .scrub'); s.value = 3; s.dispatchEvent(new Event('input'));"
        )
        WebDriverWait(driver, 30).until(lambda d: view(d)["shown"] == "3")
        assert int(view(driver)["updates"]) == paused + 1
        press(driver, "fork here")
        WebDriverWait(driver, 30).until(lambda d: view(d)["updates"] == "3")

        # A click on the data adds a green point there; the run starts again on the new data.
        canvas = driver.find_elements("css selector", ".ggp canvas")[0]
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", canvas)
        ActionChains(driver).move_to_element_with_offset(canvas, 20, -30).click().perform()
        WebDriverWait(driver, 30).until(lambda d: view(d)["points"] == "201")
        assert view(driver)["updates"] == "0"

        press(driver, "step")
        WebDriverWait(driver, 30).until(lambda d: view(d)["updates"] == "1")
        press(driver, "backprop of this update")
        WebDriverWait(driver, 120).until(
            lambda d: d.execute_script("return !!document.querySelector('.glassgrad-player');")
        )
        explanation = driver.execute_script(EXPLANATION)
        if SCREENSHOTS:
            shoot(driver, "playground-backprop.png", ".glassgrad-player")
        assert "Step 1 of" in explanation
        assert "binary cross-entropy" in explanation
        (following,) = [b for b in driver.find_elements("css selector", ".glassgrad-player button") if b.text == "next"]
        following.click()
        WebDriverWait(driver, 30).until(lambda d: "Step 2 of" in d.execute_script(EXPLANATION))
