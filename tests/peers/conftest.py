"""Peer files are test data, not tests: pytest must not collect micrograd's test_engine.py on its own."""

from __future__ import annotations

import json
import sys

import pytest

# Run through test_peers.py, with their import lines swapped (and make_expected.py is a script).
collect_ignore = ["micrograd", "nn-zero-to-hero", "make_expected.py"]


@pytest.fixture(scope="session")
def peer_kernel(tmp_path_factory):
    """A Jupyter kernel that runs THIS interpreter (the .venv's), whatever kernels the machine has."""
    pytest.importorskip("nbclient", reason="running notebooks needs the test extra: pip install -e '.[test]'")
    pytest.importorskip("ipykernel", reason="running notebooks needs ipykernel: pip install -e '.[notebook]'")
    folder = tmp_path_factory.mktemp("jupyter")
    spec = folder / "kernels" / "glassgrad-peers"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "peers", "language": "python"}))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(folder))  # searched before the user's and the system's kernels
        yield "glassgrad-peers"
