"""The exported HTML player in a real browser: headless Chromium driven by Selenium.

Uses Debian's ``chromium`` and ``chromium-driver`` (``make test`` installs them) at
fixed paths, so Selenium never downloads a browser or a driver; skips otherwise.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import course_graphs
import pytest
from headless_chromium import chromium, installed

from autograd import Value
from autograd.see.render import HIGHLIGHT
from autograd.see.trace import Lesson, trace_backward, trace_forward

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not installed(),
        reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
    ),
    pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's `dot` is not installed"),
]
webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install 'glassgrad[test]')")


def course_lesson() -> Lesson:
    loss, _ = course_graphs.course_network()
    return trace_forward(loss) + trace_backward(loss)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium(1300, 1000, console_log=True) as driver:
        yield driver


def text_of(driver, element_id: str) -> str:
    return driver.find_element("id", element_id).text


def press(driver, key: str, times: int = 1) -> None:
    body = driver.find_element("tag name", "body")
    for _ in range(times):
        body.send_keys(key)


def test_stepping_through_the_exported_page_with_the_keyboard(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    lesson = course_lesson()
    page = lesson.to_html(tmp_path / "lesson.html")
    browser.get(page.as_uri())
    assert browser.title == "forward and backward pass through J"
    assert text_of(browser, "counter") == "Step 1 of 10"
    assert text_of(browser, "explanation") == lesson.explain(0)
    assert text_of(browser, "phase") == "FORWARD PASS"
    assert browser.find_element("id", "prev").get_attribute("disabled") == "true"
    svg = browser.find_element("css selector", "#frame svg")
    assert svg.size["width"] > 300
    titles = [
        t.get_attribute("textContent") for t in browser.find_elements("css selector", "#frame svg g.node > title")
    ]
    assert {"v0", "v8", "v8_op"} <= set(titles)

    press(browser, Keys.ARROW_RIGHT, 5)
    assert text_of(browser, "counter") == "Step 6 of 10"
    assert text_of(browser, "explanation") == lesson.explain(5)
    assert text_of(browser, "phase") == "BACKWARD PASS"
    assert browser.find_element("id", "slider").get_attribute("value") == "5"
    frame = browser.find_element("id", "frame").get_attribute("innerHTML").lower()
    assert HIGHLIGHT.lower() in frame  # this step's node and edges are highlighted

    press(browser, Keys.ARROW_LEFT)
    assert text_of(browser, "counter") == "Step 5 of 10"
    press(browser, Keys.END)
    assert text_of(browser, "counter") == "Step 10 of 10"
    assert "∂J/∂w1 += ∂J/∂z1 · ∂(w1 × x)/∂w1" in text_of(browser, "explanation")
    assert browser.find_element("id", "next").get_attribute("disabled") == "true"
    press(browser, Keys.ARROW_RIGHT)
    assert text_of(browser, "counter") == "Step 10 of 10"  # stays on the last step
    press(browser, Keys.HOME)
    assert text_of(browser, "counter") == "Step 1 of 10"

    browser.find_element("id", "next").click()
    assert text_of(browser, "counter") == "Step 2 of 10"
    assert text_of(browser, "explanation") == lesson.explain(1)

    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []  # no script errors and no blocked (network) requests


def test_space_plays_to_the_end_and_stops(browser, tmp_path):
    from selenium.webdriver.support.ui import WebDriverWait

    chain = Value(0.5, label="x")
    for _ in range(10):
        chain = (chain * 1.1).tanh()
    # 20 steps of 200 ms: 4 s of playing, long enough to see it play on a loaded CI machine.
    page = trace_backward(chain).to_html(tmp_path / "play.html", interval=200)
    browser.get(page.as_uri())
    press(browser, " ")
    assert "pause" in text_of(browser, "play")
    WebDriverWait(browser, 30).until(lambda driver: text_of(driver, "counter") == "Step 20 of 20")
    WebDriverWait(browser, 5).until(lambda driver: "play" in text_of(driver, "play"))


# The page repaints one SVG per pass from data: read back what the browser shows.
PAINTED = """
var svg = document.querySelector('#frame svg');
var highlighted = [], values = {};
svg.querySelectorAll('g.node').forEach(function (g) {
  var id = g.querySelector('title').textContent;
  var strokes = Array.from(g.querySelectorAll('path,polygon,ellipse'))
    .map(e => (e.getAttribute('stroke') || '').toLowerCase());
  if (strokes.indexOf(arguments[0].toLowerCase()) >= 0 && !id.endsWith('_op')) { highlighted.push(id); }
  values[id] = Array.from(g.querySelectorAll('text')).map(t => t.textContent);
});
return {svgs: document.querySelectorAll('#frame svg').length, highlighted: highlighted, values: values};
"""


def painted(driver) -> dict:
    return driver.execute_script(PAINTED.replace("arguments[0]", repr(HIGHLIGHT)))


def test_clicking_next_repaints_the_highlight_and_the_numbers(browser, tmp_path):
    loss, _ = course_graphs.course_network()
    lesson = trace_forward(loss) + trace_backward(loss)
    browser.get(lesson.to_html(tmp_path / "lesson.html").as_uri())
    ids = {label: f"v{position}" for position, node in enumerate(lesson.parts[0].order) for label in [node.label]}
    first = painted(browser)
    assert first["svgs"] == 1
    assert first["highlighted"] == [ids["z1"]]  # forward step 1 computes z1
    assert "?" in first["values"][ids["a1"]]  # not computed yet
    browser.find_element("id", "next").click()
    second = painted(browser)
    assert second["highlighted"] == [ids["a1"]]
    assert "0.7685" in second["values"][ids["a1"]]
    assert "?" not in second["values"][ids["a1"]]
    # Into the backward pass: its own picture, with gradient rows; w1's gradient appears at the last step.
    browser.find_element("id", "last").click()
    last = painted(browser)
    assert last["highlighted"] == [ids["z1"]]
    assert "0.7187" in last["values"][ids["w1"]]
    browser.find_element("id", "prev").click()
    assert painted(browser)["highlighted"] == [ids["a1"]]
    assert "0.7187" not in painted(browser)["values"][ids["w1"]]  # stepping back takes the gradient back
    assert text_of(browser, "counter") == "Step 9 of 10"
    assert text_of(browser, "explanation").startswith("Step 9 of 10 (backward pass): ")
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


TEXT_SIZES = """
var svg = document.querySelector('#frame svg');
var graph = Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim())
  .map(t => Number(t.getAttribute('font-size')) * t.getScreenCTM().a);
var page = Array.from(document.querySelectorAll('h1, #counter, #phase, #explanation, button, .legend span, .help'))
  .filter(e => e.offsetParent !== null).map(e => parseFloat(getComputedStyle(e).fontSize));
var frame = document.getElementById('frame').getBoundingClientRect();
var box = svg.getBoundingClientRect();
return {graph: Math.min.apply(null, graph), page: Math.min.apply(null, page),
        fits: box.width <= frame.width + 1 && box.height <= frame.height + 1,
        scrolls: document.documentElement.scrollHeight > window.innerHeight,
        controls: document.querySelector('.controls').offsetParent !== null};
"""


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1440, 900), (3840, 2160)])
def test_the_page_fits_the_window_and_presentation_mode_has_large_type(browser, tmp_path, width, height):
    from selenium.webdriver.common.keys import Keys

    browser.set_window_size(width, height)
    inner = browser.execute_script("return [window.innerWidth, window.innerHeight]")
    browser.set_window_size(2 * width - inner[0], 2 * height - inner[1])
    try:
        loss, _ = course_graphs.course_network()
        browser.get((trace_forward(loss) + trace_backward(loss)).to_html(tmp_path / "lesson.html").as_uri())
        sizes = browser.execute_script(TEXT_SIZES)
        assert sizes["fits"]
        assert not sizes["scrolls"]
        assert sizes["controls"]
        assert sizes["page"] >= 14  # every word of the page, at any size
        press(browser, "p")
        presenting = browser.execute_script(TEXT_SIZES)
        assert not presenting["controls"]
        assert presenting["graph"] >= 14  # the graph's smallest text, zoomed in if it has to be
        assert presenting["page"] >= 18
        press(browser, Keys.ARROW_RIGHT)
        assert text_of(browser, "counter") == "Step 2 of 10"  # the keys still step
        press(browser, Keys.ESCAPE)
        assert browser.execute_script(TEXT_SIZES)["controls"]
    finally:
        browser.set_window_size(1300, 1000)
