"""``python -m nn``: the ``glassgrad`` command (see ``nn/cli.py``)."""

from __future__ import annotations

import sys

from nn.cli import main

# pytest imports every module to collect doctests; only running it as a script starts the CLI.
if __name__ == "__main__":
    sys.exit(main())
