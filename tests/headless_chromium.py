"""Debian's headless Chromium for the browser tests, started the one way they all need.

The browser and its driver are used at fixed paths (``make test`` installs them with
apt), so Selenium never downloads either; the flags keep Chromium off the network
this machine does not have, and each session gets a fresh, temporary profile.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def installed() -> bool:
    """True when both the browser and its driver can be run."""
    return os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)


@contextlib.contextmanager
def chromium(width: int, height: int, console_log: bool = False) -> Iterator[object]:
    """A Selenium driver for a headless Chromium window of ``width`` × ``height``, quit afterwards."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--window-size={width},{height}"):
        options.add_argument(flag)
    if console_log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    with tempfile.TemporaryDirectory() as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def inner_size(driver: object, width: int, height: int, timeout: float = 30.0) -> None:
    """Size the window so that the page itself is ``width`` × ``height`` (a window's frame takes some room).

    A page learns of a resize late on a busy machine: reading its inner size right
    after a resize may return the old one, and correcting from it sized the page
    536 px tall instead of 768 (the course lesson's fit test then failed in 1 of 4
    runs). So the window's size is corrected until the page, once settled, has the size.

    Raises:
        AssertionError: the page is not ``width`` × ``height`` after a few corrections.
    """
    import time

    from selenium.webdriver.support.ui import WebDriverWait

    def inner() -> list[int]:
        return driver.execute_script("return [window.innerWidth, window.innerHeight]")  # type: ignore[attr-defined, no-any-return]

    def settled(_: object) -> bool:
        before = inner()
        time.sleep(0.2)
        return inner() == before

    window, seen = [width, height], inner()
    for _ in range(4):
        driver.set_window_size(*window)  # type: ignore[attr-defined]
        WebDriverWait(driver, timeout).until(settled)
        seen = inner()
        if seen == [width, height]:
            return
        window = [window[0] + width - seen[0], window[1] + height - seen[1]]
    raise AssertionError(f"the page is {seen[0]}×{seen[1]} px, not {width}×{height}, after resizing the window 4 times")
