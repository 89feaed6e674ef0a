"""Is this installation healthy? The import-name check ``import nn`` runs first, and ``glassgrad doctor``.

glassgrad's two packages are imported as ``autograd`` and ``nn``, and both
names are also taken on PyPI: HIPS autograd (``pip install autograd``, pulled
in by PennyLane and others) and ``nn``. Installing HIPS autograd after
glassgrad overwrites ``autograd/__init__.py``; without this check ``import nn``
then fails with ``No module named 'autograd.engine.value'`` and ``pip check`` says
nothing. ``check_autograd()`` looks at the ``autograd`` that would be imported,
without running it, and raises an ImportError naming the distribution that
owns it and the fix (a separate virtual environment).

Standard library only, and it imports neither ``autograd`` nor anything of
``nn``: it runs before them.

Example:
    >>> check_autograd()  # glassgrad's own autograd: nothing to say
    >>> "python" in report()[0]
    True
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
from importlib import metadata

MARKER = "__glassgrad__"
"""``autograd/__init__.py`` of glassgrad sets ``__glassgrad__ = True``; another autograd does not."""

# What each optional package enables, and the extra that installs it.
OPTIONAL_PACKAGES = (
    ("graphviz", "graphviz", "drawing graphs: pip install 'glassgrad[viz]'"),
    ("matplotlib", "matplotlib", "plots: pip install 'glassgrad[notebook]'"),
    ("tqdm", "tqdm", "progress bars: pip install 'glassgrad[notebook]'"),
    ("ipywidgets", "ipywidgets", "the Jupyter player: pip install 'glassgrad[notebook]'"),
    ("numpy", "numpy", "NumPy inputs: pip install numpy"),
    ("hypothesis", "hypothesis", "property tests: pip install 'glassgrad[test]'"),
    ("pytest", "pytest", "the test suite: pip install 'glassgrad[test]'"),
    ("mpmath", "mpmath", "high-precision reference tests: pip install mpmath"),
    ("torch", "torch", "PyTorch cross-checks: pip install 'glassgrad[torch]'"),
    ("selenium", "selenium", "the browser test: pip install 'glassgrad[test]'"),
)
PROGRAMS = (
    ("dot", ["dot", "-V"], "drawing graphs: apt-get install graphviz (brew install graphviz)"),
    ("chromium", ["chromium", "--version"], "the browser test: apt-get install chromium"),
    ("chromedriver", ["chromedriver", "--version"], "the browser test: apt-get install chromium-driver"),
)


def check_autograd() -> None:
    """Raise an ImportError explaining the clash if ``import autograd`` would not give glassgrad's engine.

    Raises:
        ImportError: another package named ``autograd`` (HIPS autograd, or a
            folder called ``autograd`` on ``sys.path``) hides glassgrad's; the
            message names its distribution, its location and the fix.

    Example:
        >>> check_autograd()
    """
    problem = foreign_autograd()
    if problem is not None:
        raise ImportError(problem, name="autograd")


def foreign_autograd() -> str | None:
    """None when ``autograd`` is glassgrad's engine, else the message that explains the clash.

    Example:
        >>> foreign_autograd() is None
        True
    """
    module = sys.modules.get("autograd")
    if module is not None:
        if getattr(module, MARKER, False) is True:
            return None
        origin = getattr(module, "__file__", None)
    else:
        spec = importlib.util.find_spec("autograd")
        if spec is None:
            return None  # no autograd at all: the import that follows says so
        origin = spec.origin
        # Read the file instead of importing it: a foreign autograd may fail to import (it needs NumPy) or do anything.
        if origin and origin.endswith("__init__.py") and _sets_marker(origin):
            return None
    return _clash_message(origin)


def _sets_marker(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as file:
            return any(line.startswith(f"{MARKER} = True") for line in file)
    except (OSError, UnicodeDecodeError):
        return False


def _clash_message(origin: str | None) -> str:
    where = repr(origin) if origin and origin != "namespace" else "a folder named 'autograd' without __init__.py"
    owners = [f"{name!r} {version}" for name, version in other_owners("autograd")]
    if owners:
        by = f"installed by the distribution {' and '.join(owners)}"
        if any(name.startswith("'autograd'") for name in owners):
            by += " (HIPS autograd, which PennyLane and other packages depend on)"
    else:
        by = "which no installed distribution claims (a folder named autograd in the current directory?)"
    return (
        f"import nn found a different 'autograd' package at {where}, {by}. glassgrad's engine is also imported as "
        "'autograd', and one Python environment can hold only one of the two. Fix: use glassgrad in its own "
        "virtual environment: python -m venv ~/.venvs/glassgrad && ~/.venvs/glassgrad/bin/pip install glassgrad "
        "(or, if nothing here needs the other autograd: pip uninstall autograd && pip install --force-reinstall "
        "glassgrad). 'glassgrad doctor' shows what is installed where."
    )


def other_owners(package: str) -> list[tuple[str, str]]:
    """The installed distributions other than glassgrad that provide the import package ``package``.

    Example:
        >>> other_owners("autograd")  # glassgrad's own is not listed
        []
    """
    try:
        names = metadata.packages_distributions().get(package, [])
    except Exception:  # a broken distribution's metadata must not hide the real message
        return []
    owners = []
    for name in sorted(set(names)):
        if name.lower() == "glassgrad":
            continue
        try:
            owners.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            owners.append((name, "(version unknown)"))
    return owners


def report() -> tuple[str, bool]:
    """What ``glassgrad doctor`` prints: Python, glassgrad's packages, optional packages, programs.

    Returns:
        The report, and whether glassgrad can work (False on an import-name clash).

    Example:
        >>> text, healthy = report()
        >>> healthy, text.splitlines()[0].startswith("glassgrad ")
        (True, True)
    """
    problems = []
    clash = foreign_autograd()
    if clash is not None:
        problems.append(clash)
    foreign_nn = [f"{name!r} {version}" for name, version in other_owners("nn")]
    if foreign_nn:
        problems.append(
            f"the import name 'nn' is also provided by the distribution {' and '.join(foreign_nn)}; "
            "use glassgrad in its own virtual environment."
        )
    lines = [
        f"glassgrad {_version('glassgrad')}{_install_source()}",
        f"  python        {platform.python_version()} at {sys.executable}",
        f"  autograd      {_origin('autograd')}" + ("" if clash else "  (glassgrad's engine)"),
        f"  nn            {_origin('nn')}",
        "optional packages:",
    ]
    for import_name, distribution, purpose in OPTIONAL_PACKAGES:
        if importlib.util.find_spec(import_name) is None:
            lines.append(f"  {import_name:<13} missing       needed for {purpose}")
        else:
            lines.append(f"  {import_name:<13} {_version(distribution):<13} {_origin(import_name)}")
    lines.append("programs:")
    for name, command, purpose in PROGRAMS:
        path = shutil.which(name)
        if path is None:
            lines.append(f"  {name:<13} missing       needed for {purpose}")
        else:
            lines.append(f"  {name:<13} {path}  {_program_version(path, command[1:])}")
    lines += [f"PROBLEM: {problem}" for problem in problems] or ["no problems found"]
    return "\n".join(lines), not problems


def _install_source() -> str:
    # pip records where an install came from (PEP 610): an editable checkout shows its folder.
    try:
        recorded = metadata.distribution("glassgrad").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return " (not installed; running from a source tree)"
    if not recorded:
        return ""
    try:
        source = json.loads(recorded)
    except ValueError:
        return ""
    url = str(source.get("url", "")).removeprefix("file://")
    editable = isinstance(source.get("dir_info"), dict) and source["dir_info"].get("editable")
    return f" ({'editable install of' if editable else 'installed from'} {url})" if url else ""


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "(not installed)"


def _origin(package: str) -> str:
    try:
        spec = importlib.util.find_spec(package)
    except ValueError:  # imported without a spec (replaced in sys.modules)
        return os.path.dirname(getattr(sys.modules[package], "__file__", None) or "?")
    if spec is None:
        return "missing"
    if spec.origin and spec.origin != "namespace":
        return os.path.dirname(spec.origin)
    return ", ".join(spec.submodule_search_locations or []) or "?"


def _program_version(path: str, arguments: list[str]) -> str:
    try:
        done = subprocess.run([path, *arguments], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return f"{path} (does not run)"
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0][:70] if first else ""
