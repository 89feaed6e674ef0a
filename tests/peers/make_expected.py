"""Record micrograd's own run of its demo.ipynb (the reference ``test_peers.py`` compares glassgrad's run with).

micrograd needs about a second and a half per training step, so its 100-step demo is run here,
once, rather than in every test run. Re-run after changing the peer files or the recording::

    pip install micrograd==0.1.0        # the engine the demo imports
    python tests/peers/make_expected.py  # writes tests/peers/micrograd/demo_expected.json
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peer_files import MICROGRAD, read_notebook, run_notebook, runs_to_json

OUTPUT = MICROGRAD / "demo_expected.json"


def main() -> int:
    version = importlib.metadata.version("micrograd")
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "kernels" / "peers-reference"
        spec.mkdir(parents=True)
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "peers", "language": "python"}))
        os.environ["JUPYTER_PATH"] = folder
        runs = run_notebook(read_notebook(MICROGRAD / "demo.ipynb"), "peers-reference", timeout=1200)
    failed = [f"cell {run.index}: {run.error}" for run in runs if run.error]
    if failed:
        print("micrograd's own demo failed:", *failed, sep="\n  ")
        return 1
    OUTPUT.write_text(runs_to_json(runs, micrograd=version))
    final_loss = next(run.names["total_loss"]["data"] for run in reversed(runs) if "total_loss" in run.names)
    print(f"wrote {OUTPUT} (micrograd {version}); final loss {final_loss!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
