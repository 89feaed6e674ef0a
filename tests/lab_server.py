"""A JupyterLab server for one test module: temporary folders, a free port, a random token, always stopped.

The server listens on 127.0.0.1 only. Its root folder holds the notebooks the test
asks for (copies, so the files they write land there), and its config, data and
runtime folders are temporary too, so nothing of the user's Jupyter set-up leaks in.
The kernel "python3" is this interpreter, which sees PYTHONPATH and so this checkout.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

STARTUP_SECONDS = 90  # JupyterLab's first start on a busy two-core CI machine is slow


def one_cell_notebook(source: str, cell_id: str) -> dict[str, object]:
    """A notebook of one code cell, for the python3 kernel."""
    cell = {"cell_type": "code", "id": cell_id, "execution_count": None, "metadata": {}, "outputs": []}
    cell["source"] = source
    kernel = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return {"cells": [cell], "metadata": {"kernelspec": kernel}, "nbformat": 4, "nbformat_minor": 5}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_server(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited with code {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {STARTUP_SECONDS} s:\n{log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and every kernel it started: they share its process group."""
    for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def serving(notebooks: Mapping[str, Path | dict[str, object]]) -> Iterator[Callable[[str], str]]:
    """Run JupyterLab over ``notebooks`` (name → a file to copy, or a notebook as a dict); yield name → its URL."""
    with tempfile.TemporaryDirectory(prefix="glassgrad-lab-") as folder:
        home = Path(folder)
        root, config, data, runtime = (home / name for name in ("root", "config", "data", "runtime"))
        for path in (root, config, data, runtime):
            path.mkdir()
        for name, notebook in notebooks.items():
            if isinstance(notebook, Path):
                shutil.copy(notebook, root / name)
            else:
                (root / name).write_text(json.dumps(notebook), encoding="utf-8")
        spec = data / "kernels" / "python3"
        spec.mkdir(parents=True)
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "Python 3", "language": "python"}))
        port, token = free_port(), secrets.token_hex(16)
        environment = dict(
            os.environ,
            JUPYTER_CONFIG_DIR=str(config),
            JUPYTER_DATA_DIR=str(data),
            JUPYTER_RUNTIME_DIR=str(runtime),
            JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
            JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
            IPYTHONDIR=str(home / "ipython"),
        )
        command = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--allow-root",  # CI containers run as root
            "--ServerApp.disable_check_xsrf=False", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
            "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]  # fmt: skip
        log = home / "lab.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                command, cwd=root, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
            try:
                base = f"http://127.0.0.1:{port}"
                wait_for_server(f"{base}/api/status?token={token}", process, log)
                yield lambda name: f"{base}/lab/tree/{name}?token={token}&reset"
            finally:
                stop(process)


def run_all_cells(browser: object, url: str) -> None:
    """Open the notebook at ``url`` and run all its cells once its kernel is idle."""
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)  # type: ignore[attr-defined]
    WebDriverWait(browser, STARTUP_SECONDS).until(  # type: ignore[arg-type]
        lambda driver: driver.execute_script(
            "var app = window.jupyterapp; var w = app && app.shell.currentWidget;"
            "return !!(w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel"
            " && w.sessionContext.session.kernel.status === 'idle');"
        )
    )
    browser.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells');")  # type: ignore[attr-defined]
