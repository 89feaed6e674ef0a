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
