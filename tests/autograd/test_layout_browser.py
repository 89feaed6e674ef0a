"""The drawings as a browser shows them: no text over other text, no text outside its box.

Graphviz lays text out with its own idea of the font's widths; the browser then
draws it with a real font. So the only honest check is in a browser: headless
Chromium loads each SVG and reports every text's box (``getBBox``) and the box of
the node or cluster it belongs to, for the course network and a 2-4-4-1 network at
every collapse level.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator

import pytest
from headless_chromium import chromium, installed

import nn
from autograd import Value
from autograd.see.picture import DrawOptions, paint, picture_of
from autograd.see.render import frame_lines, render_dot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not installed(), reason="needs Debian's chromium and chromium-driver"),
    pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's `dot` is not installed"),
]
pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install 'glassgrad[test]')")

TOLERANCE = 0.5
"""User units (points) two boxes may share, or a text may pass its box's line, before it counts."""

MEASURE = """
var found = [];
function box(b) { return [b.x, b.y, b.x + b.width, b.y + b.height]; }
document.querySelectorAll("svg g.node, svg g.cluster, svg g.edge").forEach(function (g) {
  var owner = null;
  if (!g.classList.contains("edge")) {
    g.querySelectorAll("path, polygon, ellipse").forEach(function (shape) {
      var b = box(shape.getBBox());
      owner = owner ? [Math.min(owner[0], b[0]), Math.min(owner[1], b[1]),
                       Math.max(owner[2], b[2]), Math.max(owner[3], b[3])] : b;
    });
  }
  g.querySelectorAll("text").forEach(function (t) {
    if (t.textContent.trim()) {
      found.push({id: g.id, text: t.textContent, box: box(t.getBBox()), owner: owner});
    }
  });
});
return found;
"""


def student_loss(hidden: list[int]) -> Value:
    """The course's student (4 lectures, 5 hours, passed): BCE of an MLP with a sigmoid output, after backward."""
    model = nn.MLP(2, [*hidden, 1], output_activation="sigmoid", seed=37)
    loss = nn.binary_cross_entropy([model([4.0, 5.0])], [1.0])
    loss.backward()
    return loss


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium(1024, 768) as driver:
        yield driver


def measured(browser: object, root: Value, collapse: object, tmp_path: object) -> list[dict]:
    options = DrawOptions(collapse=collapse, max_nodes=2000, caller="test")  # type: ignore[arg-type]
    picture = picture_of(root, options)
    source = "digraph glassgrad {\n" + "".join(frame_lines(paint(picture))) + "}\n"
    svg = render_dot(source, "svg", "test", nodes=picture.size).decode("utf-8")
    page = tmp_path / "picture.html"  # type: ignore[operator]
    page.write_text(f"<!DOCTYPE html><html><body>{svg}</body></html>", encoding="utf-8")
    browser.get(page.as_uri())  # type: ignore[attr-defined]
    return browser.execute_script(MEASURE)  # type: ignore[attr-defined, no-any-return]


def overlap(a: list[float], b: list[float]) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > TOLERANCE and min(a[3], b[3]) - max(a[1], b[1]) > TOLERANCE


def outside(inner: list[float], outer: list[float]) -> bool:
    return (
        inner[0] < outer[0] - TOLERANCE
        or inner[1] < outer[1] - TOLERANCE
        or inner[2] > outer[2] + TOLERANCE
        or inner[3] > outer[3] + TOLERANCE
    )


NETWORKS = {"course network 2-3-1": [3], "2-4-4-1": [4, 4]}


@pytest.mark.parametrize("collapse", [None, 1, "scope"], ids=["every node", "layers", "neurons"])
@pytest.mark.parametrize("hidden", list(NETWORKS.values()), ids=list(NETWORKS))
def test_no_text_overlaps_other_text_or_leaves_its_box(browser, tmp_path, hidden, collapse):
    texts = measured(browser, student_loss(hidden), collapse, tmp_path)
    assert len(texts) > 20  # the page really drew the picture
    escaped = [f"{t['id']} {t['text']!r}" for t in texts if t["owner"] and outside(t["box"], t["owner"])]
    crowded = [
        f"{a['id']} {a['text']!r} / {b['id']} {b['text']!r}"
        for a, b in itertools.combinations(texts, 2)
        if overlap(a["box"], b["box"])
    ]
    assert (escaped, crowded) == ([], [])


@pytest.mark.parametrize(
    ("collapse", "traced_by"),
    [(None, None), (1, None), ("scope", None), ("scope", "scope")],
    ids=["every node", "layers", "neurons", "neuron-level lesson"],
)
def test_the_page_repaints_every_step_without_overlapping_or_spilling_text(browser, tmp_path, collapse, traced_by):
    from selenium.webdriver.common.keys import Keys

    from autograd import trace_backward, trace_forward

    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=37)
    loss = nn.binary_cross_entropy([model([4.0, 5.0])], [1.0])
    lesson = trace_forward(loss, collapse=traced_by) + trace_backward(loss, collapse=traced_by)
    page = lesson.to_html(tmp_path / "lesson.html", collapse=collapse)
    browser.get(page.as_uri())
    body = browser.find_element("tag name", "body")
    problems = []
    for step in range(len(lesson)):
        texts = browser.execute_script(MEASURE)
        problems += [f"{step}: {t['id']} {t['text']!r}" for t in texts if t["owner"] and outside(t["box"], t["owner"])]
        problems += [
            f"{step}: {a['text']!r} / {b['text']!r}"
            for a, b in itertools.combinations(texts, 2)
            if overlap(a["box"], b["box"])
        ]
        body.send_keys(Keys.ARROW_RIGHT)
    assert problems == []


def test_a_wide_layers_one_line_boxes_repaint_cleanly_and_say_where_their_weights_are(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    from autograd import trace_backward

    model = nn.MLP(2, [16, 16, 1], output_activation="sigmoid", seed=37)
    loss = nn.binary_cross_entropy([model([4.0, 5.0])], [1.0])
    lesson = trace_backward(loss, collapse="scope")
    page = lesson.to_html(tmp_path / "wide.html", collapse="scope")
    assert page.read_text(encoding="utf-8").count("weights: hover a neuron, or see its step") == 2  # both wide layers
    browser.get(page.as_uri())
    body = browser.find_element("tag name", "body")
    problems = []
    for step in range(len(lesson)):
        texts = browser.execute_script(MEASURE)
        problems += [f"{step}: {t['id']} {t['text']!r}" for t in texts if t["owner"] and outside(t["box"], t["owner"])]
        problems += [
            f"{step}: {a['text']!r} / {b['text']!r}"
            for a, b in itertools.combinations(texts, 2)
            if overlap(a["box"], b["box"])
        ]
        body.send_keys(Keys.ARROW_RIGHT)
    assert problems == []
