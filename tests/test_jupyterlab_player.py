"""The Jupyter player in a real browser: notebook 03 run in JupyterLab, driven by headless Chromium.

A JupyterLab server is started for the test only: on 127.0.0.1, a free port, a
random token, a temporary root folder (a copy of the notebook, so its files land
there) and temporary config, data and runtime folders; it is always stopped.
Debian's ``chromium`` and ``chromium-driver`` are used at fixed paths, so
Selenium never downloads a browser; the test skips, saying why, without them.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from headless_chromium import chromium, installed
from lab_server import one_cell_notebook, run_all_cells, serving

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "03_backprop.ipynb"
RUN_SECONDS = 180
QUIZ_NOTEBOOK = "quiz.ipynb"
QUIZ_CELL = """\
from autograd import Parameter, Value, trace_backward
w, x = Parameter(0.8, label="w"), Value(1.5, label="x")
z = w * x
z.label = "z"
trace_backward(z).player(quiz=True)"""  # its one step asks ∂z/∂w = x = 1.5

pytestmark = [
    pytest.mark.browser,
    pytest.mark.notebook,
    pytest.mark.skipif(
        not installed(),
        reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
    ),
    pytest.mark.skipif(shutil.which("dot") is None, reason="notebook 03 draws graphs: needs Graphviz's `dot`"),
]
webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install 'glassgrad[test]')")
pytest.importorskip("jupyterlab", reason="needs JupyterLab (pip install 'glassgrad[test]')")
pytest.importorskip("ipywidgets", reason="the player is an ipywidgets widget (pip install 'glassgrad[notebook]')")
pytest.importorskip("ipykernel", reason="needs ipykernel (pip install 'glassgrad[notebook]')")


@pytest.fixture(scope="module")
def lab() -> Iterator[Callable[[str], str]]:
    """A running JupyterLab serving a copy of notebook 03 and a quiz notebook; yields a notebook's URL by name."""
    with serving({NOTEBOOK.name: NOTEBOOK, QUIZ_NOTEBOOK: one_cell_notebook(QUIZ_CELL, "quiz")}) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium(1440, 1000) as driver:
        yield driver


PLAYER_TEXT = """
var player = document.querySelector('.glassgrad-player');
if (!player) { return null; }
var parts = player.querySelectorAll('.widget-html');  // the frame, then the explanation
var last = parts[parts.length - 1];
var counter = last && last.querySelector('.widget-html-content > div');
var pre = last && last.querySelector('.widget-html-content > pre');
return counter && pre ? [counter.textContent, pre.textContent] : null;
"""


def test_the_notebook_player_steps_when_its_next_button_is_clicked(lab, browser):
    from selenium.webdriver.support.ui import WebDriverWait

    run_all_cells(browser, lab(NOTEBOOK.name))
    WebDriverWait(browser, RUN_SECONDS).until(lambda driver: driver.execute_script(PLAYER_TEXT) is not None)
    counter, explanation = browser.execute_script(PLAYER_TEXT)
    assert counter == "backward · step 1 of 5"
    assert explanation.startswith("Step 1 of 5: start at the output with ∂J/∂J = 1.0; go back through J = ")

    buttons = browser.find_elements("css selector", ".glassgrad-player button")
    (following,) = [button for button in buttons if button.get_attribute("title") == "next step"]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", following)
    following.click()
    WebDriverWait(browser, 30).until(lambda driver: driver.execute_script(PLAYER_TEXT)[0].endswith("step 2 of 5"))
    counter, explanation = browser.execute_script(PLAYER_TEXT)
    assert explanation.startswith("Step 2 of 5: ∂J/∂")
    assert "is complete; go back through" in explanation
    # The whole notebook ran: its last code cell's checks passed and wrote no error.
    errors = browser.execute_script(
        "return Array.from(document.querySelectorAll('.jp-OutputArea-output[data-mime-type="
        '"application/vnd.jupyter.stderr"], .jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]\'))'
        ".map(e => e.textContent);"
    )
    assert [error for error in errors if "Error" in error] == []


QUIZ_TEXT = """
var row = document.querySelector('.glassgrad-quiz');
if (!row) { return null; }
var player = document.querySelector('.glassgrad-player');
var html = Array.from(player.querySelectorAll('.widget-html-content')).map(e => e.textContent);
return {explanation: html[1], feedback: html[2], score: html[3],
        enabled: !row.querySelector('input').disabled};
"""


def test_the_notebook_players_quiz_refuses_a_wrong_answer_and_accepts_a_right_one(lab, browser):
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    run_all_cells(browser, lab(QUIZ_NOTEBOOK))
    WebDriverWait(browser, RUN_SECONDS).until(lambda driver: driver.execute_script(QUIZ_TEXT) is not None)
    asked = browser.execute_script(QUIZ_TEXT)
    assert "Your turn" in asked["explanation"]
    assert asked["explanation"].rstrip().endswith("∂z/∂w = ∂z/∂z · ∂(w × x)/∂w = ?")
    assert asked["score"] == "score 0 of 0"
    field = browser.find_element("css selector", ".glassgrad-quiz input")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", field)
    field.send_keys("2", Keys.ENTER)  # ∂z/∂w is x = 1.5
    WebDriverWait(browser, 30).until(lambda driver: driver.execute_script(QUIZ_TEXT)["feedback"].startswith("not 2"))
    assert browser.execute_script(QUIZ_TEXT)["enabled"]
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("1.5", Keys.ENTER)
    WebDriverWait(browser, 30).until(lambda driver: driver.execute_script(QUIZ_TEXT)["score"] == "score 1 of 1")
    answered = browser.execute_script(QUIZ_TEXT)
    assert answered["feedback"].startswith("✓ right: 1.5")
    assert "Step 1 of 1: start at the output with ∂z/∂z = 1.0" in answered["explanation"]
    assert not answered["enabled"]
