"""examples/distributed_training.py: a glassgrad model trained by PyTorch's DDP on 2 processes, loaded back."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.slow  # two processes start and import PyTorch
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

import distributed_training  # noqa: E402  (after the examples folder is on the path)

import nn  # noqa: E402


@pytest.fixture(scope="module")
def runs():
    return distributed_training.compare(epochs=6)


def test_two_ddp_processes_follow_the_single_process_loss_curve(runs):
    distributed, single, _ = runs
    assert len(distributed) == len(single) == 6
    assert max(abs(a - b) for a, b in zip(distributed, single)) < 1e-12
    assert distributed[-1] < distributed[0]  # it trained


def test_the_trained_weights_load_back_into_glassgrad_and_give_torchs_loss(runs):
    _, _, trained = runs
    model, X, y = distributed_training.make_model_and_data()  # noqa: N806
    assert trained.state_dict().keys() == model.state_dict().keys()
    assert trained.state_dict() != model.state_dict()
    network = trained.to_torch()
    with torch.no_grad():
        expected = torch.nn.functional.binary_cross_entropy_with_logits(
            network(torch.tensor(X, dtype=torch.float64))[:, 0], torch.tensor(y, dtype=torch.float64)
        ).item()
    loss, _ = nn.evaluate(trained, X, y)
    assert loss == pytest.approx(expected, rel=1e-12)


def test_an_odd_number_of_examples_is_refused_before_any_process_starts():
    model, X, y = distributed_training.make_model_and_data()  # noqa: N806
    with pytest.raises(ValueError, match="use a multiple of 2"):
        distributed_training.train_distributed(model, X[:-1], y[:-1], epochs=1)
