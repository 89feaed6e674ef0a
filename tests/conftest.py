"""Shared test set-up: hypothesis profiles, hiding optional packages, and required capabilities.

``make test`` selects the ``ci`` profile (derandomized, so a run is repeatable
and a second run is fast from the example database); ``dev`` explores more.

Two environment variables make the optional parts of the suite honest:

- ``GLASSGRAD_HIDE=torch`` (comma-separated module names) makes ``import torch``
  fail inside the test run, as on a machine without it: the run shows what the
  suite pins without the PyTorch cross-checks (the golden files must do it).
- ``GLASSGRAD_REQUIRE=torch,dot,chromium`` turns a test skipped for lack of one
  of these into a failure. ``.ci/run`` sets it, so CI cannot pass while quietly
  skipping the cross-checks, the rendering or the browser tests.
"""

from __future__ import annotations

import importlib.abc
import os
import re
import sys
from collections.abc import Generator, Sequence
from types import ModuleType

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    print_blob=True,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=300, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def _names(variable: str) -> set[str]:
    return {name.strip() for name in os.environ.get(variable, "").split(",") if name.strip()}


# --- GLASSGRAD_HIDE: run as if a package were not installed -------------------------------


class _Hidden(importlib.abc.MetaPathFinder):
    """Refuses to import the hidden top-level packages, as if they were not installed."""

    def __init__(self, hidden: set[str]) -> None:
        self.hidden = hidden

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> None:
        if fullname.partition(".")[0] in self.hidden:
            raise ModuleNotFoundError(f"No module named {fullname!r} (hidden by GLASSGRAD_HIDE)", name=fullname)
        return None


HIDDEN = _names("GLASSGRAD_HIDE")
if HIDDEN:
    for loaded in [name for name in sys.modules if name.partition(".")[0] in HIDDEN]:
        del sys.modules[loaded]
    sys.meta_path.insert(0, _Hidden(HIDDEN))


# --- GLASSGRAD_REQUIRE: a skip for a required capability is a failure ---------------------

# How each capability's skip reasons name it (importorskip, skipif reasons in the tests).
CAPABILITIES = {
    "torch": re.compile(r"torch", re.IGNORECASE),
    "dot": re.compile(r"\bdot\b|graphviz", re.IGNORECASE),
    "chromium": re.compile(r"chromium|chromedriver|selenium", re.IGNORECASE),
}
REQUIRED = _names("GLASSGRAD_REQUIRE")


def pytest_configure(config: pytest.Config) -> None:
    """Refuse an unknown capability name rather than require nothing."""
    unknown = REQUIRED - set(CAPABILITIES)
    if unknown:
        raise pytest.UsageError(
            f"GLASSGRAD_REQUIRE got {', '.join(sorted(unknown))}; expected names from {', '.join(CAPABILITIES)}."
        )


def _missing_requirement(reason: str) -> str | None:
    return next((name for name in sorted(REQUIRED) if CAPABILITIES[name].search(reason)), None)


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    return str(longrepr[2]) if isinstance(longrepr, tuple) else str(longrepr)


def _fail_if_required(report: pytest.TestReport | pytest.CollectReport) -> None:
    if not (REQUIRED and report.skipped) or hasattr(report, "wasxfail"):  # an expected failure is no skip
        return
    reason = _skip_reason(report)
    name = _missing_requirement(reason)
    if name is not None:
        report.outcome = "failed"
        report.longrepr = (
            f"GLASSGRAD_REQUIRE includes {name!r}, but this was skipped: {reason}. Install it, or drop {name!r} "
            "from GLASSGRAD_REQUIRE for a run that may skip it."
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, None, None]:
    """A test skipped for a required capability fails instead."""
    outcome = yield
    _fail_if_required(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, None, None]:
    """A whole module skipped at import (``importorskip`` at the top) for a required capability fails instead."""
    outcome = yield
    _fail_if_required(outcome.get_result())
