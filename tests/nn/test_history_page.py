"""history.to_html(): the offline replay page, written and then driven in headless Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from headless_chromium import chromium, installed

import nn
from nn.history import RecordedHistory, TimeTravelError


def recorded(epochs: int, engine: str = "scalar", layers: tuple[int, ...] = (4, 1)) -> RecordedHistory:
    X, y = nn.data.xor(200 if engine == "batched" else 30, seed=0)
    model = nn.MLP(2, list(layers), seed=0)
    history = nn.fit(model, X, y, epochs=epochs, batch_size=32, progress=False, record=True, engine=engine)
    assert isinstance(history, RecordedHistory)
    return history


def test_the_page_is_one_file_that_forbids_network_requests(tmp_path: Path) -> None:
    page = recorded(2).to_html(tmp_path / "run.html", title="two <epochs>")
    text = page.read_text(encoding="utf-8")
    assert "default-src 'none'" in text
    assert not re.search(r"(src|href)=\"(https?:)?//", text)
    assert "<title>two &lt;epochs&gt;</title>" in text
    assert "__DATA__" not in text
    assert "__SCRIPT__" not in text


def test_a_model_the_page_cannot_draw_is_refused_with_what_it_can_draw(tmp_path: Path) -> None:
    X, y = nn.data.xor(20, seed=0)
    history = nn.fit(
        nn.MLP(2, [3, 2], seed=0),
        X,
        [[1.0, 0.0] if t else [0.0, 1.0] for t in y],
        loss=nn.mean_squared_error,
        epochs=1,
        progress=False,
        record=True,
    )
    with pytest.raises(TimeTravelError, match=r"to_html\(\) got a model of 2 inputs and 2 outputs; .* 1 output"):
        history.to_html(tmp_path / "run.html")  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def thousand_updates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("numpy", reason="the 1,000-update run trains with engine='batched'")
    history = recorded(143, engine="batched", layers=(16, 16, 1))  # 7 updates an epoch: 1,001
    assert len(history.steps) == 1001
    page = history.to_html(tmp_path_factory.mktemp("replay") / "run.html")
    assert page.stat().st_size < 3_000_000
    return page


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install 'glassgrad[test]')")
    with chromium(1024, 768, console_log=True) as driver:
        yield driver


def canvas(driver: object, name: str) -> str:
    return str(driver.execute_script(f"return document.getElementById('{name}').toDataURL()"))  # type: ignore[attr-defined]


@pytest.mark.browser
@pytest.mark.skipif(not installed(), reason="needs Debian's chromium and chromium-driver")
def test_moving_the_slider_moves_the_loss_marker_the_boundary_and_the_figure(
    browser: object, thousand_updates: Path
) -> None:
    driver = browser
    driver.get(thousand_updates.as_uri())  # type: ignore[attr-defined]
    assert driver.find_element("id", "counter").text.startswith("update 1001 of 1001")  # type: ignore[attr-defined]
    before = {name: canvas(driver, name) for name in ("boundary", "weights", "gradients")}
    marker = driver.find_element("id", "loss").get_attribute("data-marker")  # type: ignore[attr-defined]
    slider = driver.find_element("id", "slider")  # type: ignore[attr-defined]
    driver.execute_script(  # type: ignore[attr-defined]
        "arguments[0].value = 40; arguments[0].dispatchEvent(new Event('input'))", slider
    )
    assert driver.find_element("id", "counter").text.startswith("update 40 of 1001 · epoch 6")  # type: ignore[attr-defined]
    assert driver.find_element("id", "loss").get_attribute("data-marker") != marker  # type: ignore[attr-defined]
    for name, picture in before.items():
        assert canvas(driver, name) != picture, f"the {name} panel did not change"
    driver.execute_script(
        "document.getElementById('slider').value = 0; "  # type: ignore[attr-defined]
        "document.getElementById('slider').dispatchEvent(new Event('input'))"
    )
    assert driver.find_element("id", "counter").text.startswith("before training")  # type: ignore[attr-defined]
    assert driver.find_element("id", "loss").get_attribute("data-marker") == "none"  # type: ignore[attr-defined]

    # Scrubbing: 200 jumps across the run, each timed inside the page. This machine is shared, so a jump
    # can wait for the CPU: the 90th percentile is the page's own speed, the maximum is printed.
    median, ninetieth, slowest = driver.execute_script(  # type: ignore[attr-defined]
        "const s = document.getElementById('slider'); const times = [];"
        "for (let i = 0; i < 200; i++) { const t = performance.now(); s.value = (i * 397) % 1002;"
        " s.dispatchEvent(new Event('input')); times.push(performance.now() - t); }"
        "times.sort((a, b) => a - b); return [times[100], times[180], times[199]];"
    )
    print(f"scrub over 1,001 updates: median {median:.1f} ms, 90th percentile {ninetieth:.1f} ms, max {slowest:.1f} ms")
    assert ninetieth < 100
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0  # type: ignore[attr-defined]
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]  # type: ignore[attr-defined]
    assert errors == []  # no script errors and no blocked (network) requests


def orange_pixels(driver: object) -> int:
    # The validation curve's colour (#E69F00), counted in the loss panel.
    return int(
        driver.execute_script(  # type: ignore[attr-defined]
            "const c = document.getElementById('loss'); const d = c.getContext('2d')"
            ".getImageData(0, 0, c.width, c.height).data; let n = 0;"
            "for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 0xE6) < 24 && Math.abs(d[i + 1] - 0x9F) < 24"
            " && d[i + 2] < 40) n++; return n;"
        )
    )


@pytest.mark.browser
@pytest.mark.skipif(not installed(), reason="needs Debian's chromium and chromium-driver")
def test_a_run_with_validation_data_shows_its_validation_loss_after_every_epoch(
    browser: object, thousand_updates: Path, tmp_path: Path
) -> None:
    # Notebook 08's over-fitting hand-out: few noisy points, a big network, full batches, validation each epoch.
    X, y = nn.data.moons(30, noise=0.3, seed=1)
    X_val, y_val = nn.data.moons(200, noise=0.3, seed=2)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    history = nn.fit(
        model, X, y, optimizer=nn.Adam(model, learning_rate=0.03), epochs=60, batch_size=None,
        validation=(X_val, y_val), progress=False, record=True,
    )  # fmt: skip
    assert isinstance(history, RecordedHistory)
    page = history.to_html(tmp_path / "overfitting.html", title="over-fitting")
    driver = browser
    driver.get(page.as_uri())  # type: ignore[attr-defined]
    loss = driver.find_element("id", "loss")  # type: ignore[attr-defined]
    assert loss.get_attribute("data-validation") == "60"
    assert orange_pixels(driver) > 200
    assert "validation loss after each epoch" in driver.find_element("id", "loss-caption").text  # type: ignore[attr-defined]
    driver.save_screenshot(str(tmp_path / "overfitting.png"))  # type: ignore[attr-defined]
    for k in (1, 25, 60):  # one update an epoch: update k ends epoch k
        driver.execute_script(  # type: ignore[attr-defined]
            f"const s = document.getElementById('slider'); s.value = {k}; s.dispatchEvent(new Event('input'))"
        )
        text = driver.find_element("id", "counter").text  # type: ignore[attr-defined]
        match = re.search(r"validation loss ([0-9.e+-]+) \(after epoch (\d+)\)", text)
        assert match is not None, text
        assert int(match.group(2)) == k
        assert float(match.group(1)) == pytest.approx(history.val_loss[k - 1], rel=5e-4)  # 4 digits shown
    driver.execute_script(  # type: ignore[attr-defined]
        "const s = document.getElementById('slider'); s.value = 0; s.dispatchEvent(new Event('input'))"
    )
    assert "validation" not in driver.find_element("id", "counter").text  # type: ignore[attr-defined]
    # A run without validation data draws no validation curve.
    driver.get(thousand_updates.as_uri())  # type: ignore[attr-defined]
    assert driver.find_element("id", "loss").get_attribute("data-validation") == "0"  # type: ignore[attr-defined]
    assert orange_pixels(driver) == 0
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]  # type: ignore[attr-defined]
    assert errors == []


@pytest.mark.browser
@pytest.mark.skipif(not installed(), reason="needs Debian's chromium and chromium-driver")
def test_a_playgrounds_replay_page_shows_the_validation_loss_it_measured_after_every_update(
    browser: object, tmp_path: Path
) -> None:
    # The Playground measures validation before training and after each update; its hand-out draws all of them.
    pytest.importorskip("anywidget")
    pg = nn.Playground.from_dataset("moons", n=120, seed=0, batch_size=15)
    pg.step(12)
    history = pg.history
    assert history.val_loss_by_update == pg.curves["val_loss"]
    assert len(history.val_loss_by_update) == 13
    page = history.to_html(tmp_path / "playground.html")
    driver = browser
    driver.get(page.as_uri())  # type: ignore[attr-defined]
    assert driver.find_element("id", "loss").get_attribute("data-validation") == "13"  # type: ignore[attr-defined]
    assert orange_pixels(driver) > 100
    assert "validation loss after each update" in driver.find_element("id", "loss-caption").text  # type: ignore[attr-defined]
    for k in (0, 1, 7, 12):
        driver.execute_script(  # type: ignore[attr-defined]
            f"const s = document.getElementById('slider'); s.value = {k}; s.dispatchEvent(new Event('input'))"
        )
        text = driver.find_element("id", "counter").text  # type: ignore[attr-defined]
        match = re.search(r"validation loss ([0-9.e+-]+) \((after update (\d+)|before training)\)", text)
        assert match is not None, text
        assert int(match.group(3) or 0) == k
        assert float(match.group(1)) == pytest.approx(pg.curves["val_loss"][k], rel=5e-4)  # 4 digits shown
    # A fork made from it trains on without validation: its page draws none, and says nothing of it.
    fork = history.fork(6)
    assert fork.val_loss_by_update == []
    driver.get(fork.to_html(tmp_path / "fork.html").as_uri())  # type: ignore[attr-defined]
    assert driver.find_element("id", "loss").get_attribute("data-validation") == "0"  # type: ignore[attr-defined]
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]  # type: ignore[attr-defined]
    assert errors == []
