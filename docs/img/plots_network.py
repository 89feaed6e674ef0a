"""Re-create plots-network*.png, nn.plots.network at 1024 × 768: ``python docs/img/plots_network.py``.

The course network (seed 1258) untrained, after backprop of the student (4, 5) who
passed, and a 2-16-16-1 network with the same student, which labels only its
largest gradients.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

import nn
from nn import plots

HERE = Path(__file__).parent


def main() -> None:
    """Write the two pictures."""
    matplotlib.use("Agg")
    for sizes, name in (([3, 1], "plots-network.png"), ([16, 16, 1], "plots-network-2-16-16-1.png")):
        model = nn.MLP(2, sizes, output_activation="sigmoid", seed=1258)
        nn.binary_cross_entropy([model([4.0, 5.0])], [1]).backward()
        figure = plots.network(model, example=[4.0, 5.0], feature_names=["lectures", "hours"])
        figure.savefig(HERE / name, dpi=100)  # 1024 × 768: a projector's screen
        print(HERE / name)


if __name__ == "__main__":
    main()
