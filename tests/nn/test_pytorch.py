"""to_torch / from_torch: the same network in PyTorch, with the same predictions and gradients."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import nn  # noqa: E402
from nn.pytorch import from_torch, to_torch  # noqa: E402

ACTIVATIONS = ["relu", "tanh", "sigmoid", "leaky_relu", "linear"]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_predictions_and_gradients_agree_with_pytorch(activation: str) -> None:
    model = nn.MLP(3, [5, 4, 2], activation=activation, output_activation="tanh", seed=1).eval()
    module = model.to_torch()
    X, _ = nn.data.blobs(20, centers=2, seed=0)
    X = [[a, b, a * b] for a, b in X]
    inputs = torch.tensor(X, dtype=torch.float64)
    outputs = module(inputs)
    ours = [[v.data for v in model(x)] for x in X]
    flat = [v for row in outputs.detach().tolist() for v in row]
    assert flat == pytest.approx([v for row in ours for v in row], rel=1e-12, abs=1e-12)
    # Gradients of one loss: Σ over examples and outputs of output · weight k.
    weights = torch.linspace(-1.0, 1.0, 2, dtype=torch.float64)
    (outputs * weights).sum().backward()
    model.zero_grad()
    import autograd

    autograd.sum([o * float(w) for x in X for o, w in zip(model(x), weights.tolist())]).backward()
    linears = [m for m in module if isinstance(m, torch.nn.Linear)]
    for layer, linear in zip(model.layers, linears):
        for j, neuron in enumerate(layer.neurons):
            expected = linear.weight.grad[j].tolist()
            assert [w.grad for w in neuron.weights] == pytest.approx(expected, rel=1e-12, abs=1e-12)
            assert neuron.bias.grad == pytest.approx(float(linear.bias.grad[j]), rel=1e-12, abs=1e-12)


def test_a_round_trip_keeps_every_weight_and_the_architecture() -> None:
    model = nn.MLP(2, [4, 3, 1], activation="tanh", output_activation="sigmoid", seed=3)
    back = from_torch(to_torch(model))
    assert isinstance(back, nn.MLP)
    assert back.state_dict() == model.state_dict()
    assert back.architecture() == model.architecture()


def test_dropout_and_mixed_activations_come_back_as_a_sequential() -> None:
    model = nn.Sequential(nn.Dense(2, 4, activation="relu", seed=0), nn.Dropout(0.25),
                          nn.Dense(4, 3, activation="tanh", seed=1), nn.Dense(3, 1, seed=2))
    module = to_torch(model)
    assert isinstance(module[2], torch.nn.Dropout)
    assert module.training
    back = from_torch(module)
    assert type(back) is nn.Sequential
    assert back.state_dict() == model.state_dict()
    assert [type(layer).__name__ for layer in back.layers] == ["Dense", "Dropout", "Dense", "Dense"]


def test_a_module_nn_cannot_read_is_named() -> None:
    with pytest.raises(ValueError, match=r"from_torch\(\) got module 1 = Conv1d"):
        from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Conv1d(1, 1, 1)))
    with pytest.raises(ValueError, match=r"nn's leaky_relu has slope 0\.01"):
        from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.LeakyReLU(0.2)))
    with pytest.raises(ValueError, match="has no Linear layer"):
        from_torch(torch.nn.Sequential(torch.nn.Dropout(0.5)))


def test_a_custom_activation_is_refused_by_to_torch() -> None:
    model = nn.Dense(2, 1, activation=lambda z: z * z, seed=0)
    with pytest.raises(ValueError, match=r"to_torch\(\) got layer 0 with activation"):
        to_torch(model)


def test_a_model_trained_in_pytorch_comes_back_with_its_accuracy() -> None:
    X, y = nn.data.moons(100, seed=0)
    module = nn.MLP(2, [8, 1], seed=0).to_torch()
    optimizer = torch.optim.Adam(module.parameters(), lr=0.05)
    inputs, targets = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    for _ in range(200):
        optimizer.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(module(inputs)[:, 0], targets)
        loss.backward()
        optimizer.step()
    model = from_torch(module.eval())
    _, accuracy = nn.evaluate(model, X, y)
    assert accuracy is not None
    assert accuracy >= 0.85
    assert nn.evaluate(model, X, y)[0] == pytest.approx(float(loss.detach()), rel=0.2)


def test_a_shared_linear_stays_shared_and_one_step_moves_both_models_alike() -> None:
    torch.manual_seed(0)
    shared = torch.nn.Linear(3, 3, dtype=torch.float64)
    module = torch.nn.Sequential(shared, torch.nn.Tanh(), shared)
    model = from_torch(module)
    assert model.num_parameters() == sum(p.numel() for p in module.parameters()) == 12
    assert model.layers[0].neurons[1].weights[2] is model.layers[1].neurons[1].weights[2]
    x = [0.5, -1.0, 2.0]
    # One SGD step on the sum of the outputs, in both libraries.
    module(torch.tensor([x], dtype=torch.float64)).sum().backward()
    with torch.no_grad():
        for parameter in module.parameters():
            parameter -= 0.1 * parameter.grad
    import autograd

    autograd.sum(model(x)).backward()
    nn.SGD(model, learning_rate=0.1).step()
    after = [v.data for v in model(x)]
    assert after == pytest.approx(module(torch.tensor([x], dtype=torch.float64))[0].tolist(), rel=1e-12)


def test_a_complex_linear_is_refused_rather_than_losing_its_imaginary_parts() -> None:
    module = torch.nn.Sequential(torch.nn.Linear(2, 1, dtype=torch.complex64))
    with pytest.raises(ValueError, match=r"from_torch\(\) got module 0 = Linear\(.*\) with torch.complex64 weights; "
                       r"nn's numbers are real"):
        from_torch(module)


def test_a_meta_device_linear_is_refused_with_how_to_give_it_values() -> None:
    module = torch.nn.Linear(2, 1, device="meta")
    with pytest.raises(ValueError, match=r"on the 'meta' device, which has shapes but no values; .*to_empty"):
        from_torch(module)
