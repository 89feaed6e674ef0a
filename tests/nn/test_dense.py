import pytest

import nn
from autograd import Value


def test_dense_has_one_neuron_per_output_each_seeing_every_input():
    layer = nn.Dense(2, 3, activation="relu", seed=0)
    assert len(layer.neurons) == 3
    assert all(neuron.n_inputs == 2 for neuron in layer.neurons)
    assert layer.num_parameters() == 9


def test_dense_returns_a_list_even_for_one_output():
    outputs = nn.Dense(2, 1, seed=0)([1.0, 2.0])
    assert isinstance(outputs, list)
    assert len(outputs) == 1


def test_float_inputs_become_one_shared_leaf_each():
    layer = nn.Dense(2, 3, seed=0)
    outputs = layer([1.0, 2.0])
    first_inputs = {id(out.inputs[0].inputs[1]) for out in outputs}  # x₁ in each neuron's w₁·x₁
    assert len(first_inputs) == 1


def test_dense_matches_its_neurons():
    layer = nn.Dense(3, 2, activation="tanh", seed=1)
    x = [0.5, -1.0, 2.0]
    assert [y.data for y in layer(x)] == [neuron(x).data for neuron in layer.neurons]


def test_multi_output_perceptron_two_neurons_same_inputs():
    layer = nn.Dense(2, 2, activation="sigmoid", seed=0)
    layer.neurons[0].weights[0].data, layer.neurons[0].weights[1].data, layer.neurons[0].bias.data = 3.0, -2.0, 1.0
    assert round(layer([-1.0, 2.0])[0].data, 7) == 0.0024726


def test_wrong_number_of_inputs():
    with pytest.raises(ValueError, match="got") as caught:
        nn.Dense(3, 2)([1.0])
    assert str(caught.value) == "Dense got 1 input [1.0]; it has 3 weights per neuron, so it needs exactly 3."


@pytest.mark.parametrize(("n_inputs", "n_outputs", "name"), [(0, 1, "n_inputs"), (2, 0, "n_outputs")])
def test_sizes_must_be_positive(n_inputs, n_outputs, name):
    with pytest.raises(ValueError, match=f"Dense got {name}=0; expected a whole number ≥ 1."):
        nn.Dense(n_inputs, n_outputs)


def test_unknown_activation():
    with pytest.raises(ValueError, match="Dense activation got 'gelu'; expected one of"):
        nn.Dense(2, 2, activation="gelu")


def test_initializer_by_name_and_callable():
    layer = nn.Dense(4, 4, initializer="uniform", seed=0)
    assert all(-1.0 <= p.data <= 1.0 for neuron in layer.neurons for p in neuron.weights)
    constant = nn.Dense(2, 2, initializer=lambda fan_in, fan_out, rng: 0.25)
    assert {p.data for neuron in constant.neurons for p in neuron.weights} == {0.25}
    assert all(neuron.bias.data == 0.0 for neuron in constant.neurons)


def test_values_pass_through_dense_unchanged():
    x = [Value(1.0), Value(2.0)]
    outputs = nn.Dense(2, 1, seed=0)(x)
    outputs[0].backward()
    assert x[0].grad != 0.0


def test_a_layer_still_calls_a_neuron_subclass_that_changes_what_calling_a_neuron_does():
    # Dense runs its own neurons' sums directly (their inputs are checked once, by the layer).
    class Doubled(nn.Neuron):
        def __call__(self, inputs):
            return super().__call__(inputs) * 2.0

    layer = nn.Dense(2, 2, activation="linear", seed=0)
    plain = [y.data for y in layer([1.0, 2.0])]
    first = layer.neurons[1]
    layer.neurons[1] = Doubled(2, "linear", weights=[w.data for w in first.weights], bias=first.bias.data)
    assert [y.data for y in layer([1.0, 2.0])] == [plain[0], 2.0 * plain[1]]
