import pytest

import nn
from autograd import Value


def test_mlp_2_16_16_1_has_337_parameters():
    assert nn.MLP(2, [16, 16, 1]).num_parameters() == 337


@pytest.mark.parametrize(
    ("n_inputs", "sizes", "count"),
    [(2, [3, 1], 13), (3, [4, 4, 1], 41), (2, [1], 3), (4, [3], 15)],
)
def test_parameter_counts(n_inputs, sizes, count):
    # Each layer has (inputs + 1) × outputs parameters.
    assert nn.MLP(n_inputs, sizes).num_parameters() == count


def test_one_output_gives_a_value_several_give_a_list():
    assert isinstance(nn.MLP(2, [3, 1], seed=0)([1.0, 2.0]), Value)
    outputs = nn.MLP(2, [3, 4], seed=0)([1.0, 2.0])
    assert isinstance(outputs, list)
    assert len(outputs) == 4


def test_hidden_and_output_activations():
    model = nn.MLP(2, [3, 3, 1], activation="tanh", output_activation="sigmoid", seed=0)
    assert [layer.activation for layer in model.layers] == ["tanh", "tanh", "sigmoid"]
    assert 0.0 < model([4.0, 5.0]).data < 1.0
    assert nn.MLP(2, [3, 1]).layers[-1].activation == "linear"


def test_the_will_i_pass_network_has_one_hidden_layer_of_three_units():
    model = nn.MLP(2, [3, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    assert [(layer.n_inputs, layer.n_outputs) for layer in model.layers] == [(2, 3), (3, 1)]


def test_seed_is_reproducible_and_different_seeds_differ():
    assert nn.MLP(2, [4, 1], seed=5).state_dict() == nn.MLP(2, [4, 1], seed=5).state_dict()
    assert nn.MLP(2, [4, 1], seed=5).state_dict() != nn.MLP(2, [4, 1], seed=6).state_dict()


def test_a_shared_generator_advances():
    import random

    rng = random.Random(0)
    assert nn.MLP(2, [2], seed=rng).state_dict() != nn.MLP(2, [2], seed=rng).state_dict()


@pytest.mark.parametrize("sizes", [[], 3, "16", None])
def test_layer_sizes_must_be_a_non_empty_list(sizes):
    with pytest.raises(ValueError, match=r"MLP got layer_sizes=.*; expected a non-empty list of layer widths"):
        nn.MLP(2, sizes)


def test_a_zero_width_layer():
    with pytest.raises(ValueError, match=r"MLP got layer_sizes\[1\]=0; expected a whole number ≥ 1."):
        nn.MLP(2, [16, 0, 1])


def test_wrong_number_of_inputs_names_the_first_layer():
    with pytest.raises(ValueError, match="Dense got 3 inputs"):
        nn.MLP(2, [3, 1])([1.0, 2.0, 3.0])


def test_deep_network_backward_reaches_the_first_layer():
    model = nn.MLP(2, [8, 8, 8, 1], activation="tanh", seed=0)
    model([0.5, -0.5]).backward()
    assert any(w.grad != 0.0 for w in model.layers[0].neurons[0].weights)


def test_a_networks_loss_passes_gradcheck_in_every_parameter():
    from autograd import gradcheck

    model = nn.MLP(2, [4, 3, 1], activation="tanh", output_activation="sigmoid", seed=0)
    X, y = nn.data.pass_fail(6, seed=0)
    inputs = [[a / 10, b / 8] for a, b in X]

    def loss(*_):
        return nn.binary_cross_entropy([model(x) for x in inputs], y)

    result = gradcheck(loss, dict(model.named_parameters()))
    assert result
    assert len(result.rows) == model.num_parameters() == 31
    assert result.rows[0].input.endswith("layers.0.neurons.0.weights.0")


def test_a_relu_network_with_dropout_in_eval_mode_passes_gradcheck():
    from autograd import gradcheck

    model = nn.Sequential(
        nn.Dense(2, 5, activation="relu", seed=1), nn.Dropout(0.5, seed=0), nn.Dense(5, 2, seed=1)
    ).eval()
    X, y = nn.data.blobs(5, centers=2, seed=0)
    assert gradcheck(lambda *_: nn.cross_entropy([model(x) for x in X], y), dict(model.named_parameters()))


def test_a_swapped_layer_is_saved_as_it_is_now(tmp_path):
    model = nn.MLP(2, [3, 1], seed=0)
    model.layers[1] = nn.Dense(3, 1, activation="sigmoid", seed=0)
    model.save(tmp_path / "m.json")
    loaded = nn.load(tmp_path / "m.json")
    assert loaded.architecture() == model.architecture()
    assert loaded.architecture()["output_activation"] == "sigmoid"
    assert loaded([1.0, 2.0]).data == model([1.0, 2.0]).data


def test_a_changed_neuron_activation_is_not_silently_rebuilt_as_the_old_one(tmp_path):
    model = nn.MLP(2, [3, 1], seed=0)
    model.layers[0].neurons[1].activation = "tanh"
    model.save(tmp_path / "m.json")
    # Mixed activations in one layer are not a Dense description: the model cannot be rebuilt.
    with pytest.raises(ValueError, match="cannot rebuild"):
        nn.load(tmp_path / "m.json")


def test_every_hidden_layer_activation_changed_is_saved(tmp_path):
    model = nn.MLP(2, [3, 3, 1], seed=0)
    for layer in model.layers[:2]:
        for neuron in layer.neurons:
            neuron.activation = "tanh"
    model.save(tmp_path / "m.json")
    loaded = nn.load(tmp_path / "m.json")
    assert isinstance(loaded, nn.MLP)
    assert [layer.activation for layer in loaded.layers] == ["tanh", "tanh", "linear"]
    assert loaded([1.0, 2.0]).data == model([1.0, 2.0]).data


def test_layers_that_no_longer_form_an_mlp_are_saved_as_a_sequential(tmp_path):
    model = nn.MLP(2, [3, 3, 1], seed=0)
    model.layers[1] = nn.Dense(3, 3, activation="sigmoid", seed=0)
    model.layers.insert(2, nn.Dropout(0.5))
    assert model.architecture()["type"] == "Sequential"
    model.save(tmp_path / "m.json")
    loaded = nn.load(tmp_path / "m.json").eval()
    assert loaded([1.0, 2.0]).data == model.eval()([1.0, 2.0]).data


WIDTHS = "expected a non-empty list of layer widths such as [16, 16, 1]."


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: nn.MLP(0, [1]), "MLP got n_inputs=0; expected a whole number ≥ 1."),
        (lambda: nn.MLP(2.0, [1]), "MLP got n_inputs=2.0; expected a whole number ≥ 1."),
        (lambda: nn.MLP(2, 16), f"MLP got layer_sizes=16; {WIDTHS}"),
        (lambda: nn.MLP(2, []), f"MLP got layer_sizes=[]; {WIDTHS}"),
        (lambda: nn.MLP(2, "16"), f"MLP got layer_sizes='16'; {WIDTHS}"),
        (lambda: nn.MLP(2, [16, True]), "MLP got layer_sizes[1]=True; expected a whole number ≥ 1."),
        (lambda: nn.MLP(2, [16, 1.0]), "MLP got layer_sizes[1]=1.0; expected a whole number ≥ 1."),
        (lambda: nn.Dense(2, -1), "Dense got n_outputs=-1; expected a whole number ≥ 1."),
        (lambda: nn.Dense("2", 1), "Dense got n_inputs='2'; expected a whole number ≥ 1."),
    ],
)
def test_constructor_messages_in_full(make, message):
    with pytest.raises(ValueError, match="got") as caught:
        make()
    assert str(caught.value) == message
    assert nn.MLP(1, [1]).num_parameters() == 2  # the smallest network is fine
