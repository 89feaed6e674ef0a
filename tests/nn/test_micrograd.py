"""nn.micrograd: micrograd's Neuron/Layer/MLP on glassgrad's modules, checked against micrograd itself."""

from __future__ import annotations

import random

import pytest

import nn
from autograd import Parameter, Value, gradcheck, trace_backward
from autograd.see.render import to_dot
from nn.micrograd import MLP, Layer, Module, Neuron


def seeded(make, seed=1337):
    random.seed(seed)
    return make()


def test_weights_come_from_the_global_random_uniform_in_micrograds_order():
    model = seeded(lambda: MLP(2, [3, 1]))
    rng = random.Random(1337)
    expected = []
    for n_inputs, width in ((2, 3), (3, 1)):
        for _ in range(width):
            expected += [rng.uniform(-1, 1) for _ in range(n_inputs)] + [0.0]
    assert [p.data for p in model.parameters()] == expected


def test_layers_are_relu_then_a_linear_output():
    model = seeded(lambda: MLP(2, [4, 4, 1]))
    assert [[n.nonlin for n in layer.neurons] for layer in model.layers] == [[True] * 4, [True] * 4, [False]]
    assert [layer.activation for layer in model.layers] == ["relu", "relu", "linear"]


def test_repr_reads_like_micrograds():
    assert repr(seeded(lambda: MLP(2, [2, 1]))) == (
        "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(2)]]"
    )
    assert repr(Neuron(3)) == "ReLUNeuron(3)"
    assert repr(Neuron(3, nonlin=False)) == "LinearNeuron(3)"


def test_a_layer_of_one_neuron_returns_a_value_and_of_more_a_list():
    assert isinstance(Layer(2, 1)([1.0, 2.0]), Value)
    outputs = Layer(2, 3)([1.0, 2.0])
    assert isinstance(outputs, list)
    assert len(outputs) == 3


def test_micrograd_attribute_names_alias_glassgrads():
    neuron = Neuron(2)
    assert neuron.w is neuron.weights
    assert neuron.b is neuron.bias
    assert neuron.b.data == 0.0
    assert all(isinstance(p, Parameter) for p in neuron.parameters())
    assert neuron.parameters() == [*neuron.w, neuron.b]


def test_zero_grad_clears_every_parameter():
    model = seeded(lambda: MLP(2, [3, 1]))
    model([1.0, -2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_they_are_glassgrads_modules():
    model = seeded(lambda: MLP(2, [3, 1]))
    assert isinstance(model, nn.MLP)
    assert isinstance(model.layers[0], nn.Dense)
    assert isinstance(model.layers[0].neurons[0], nn.Neuron)
    assert Module is nn.Module
    assert next(iter(model.state_dict())) == "layers.0.neurons.0.weights.0"


def test_drawing_collapse_step_through_and_gradcheck_work_on_them():
    model = seeded(lambda: MLP(2, [3, 1]))
    loss = (model([0.5, -1.5]) - 1.0) ** 2
    assert "layers.0" in to_dot(loss, collapse=1)
    assert len(trace_backward(loss)) > 0
    assert gradcheck(lambda *_: (model([0.5, -1.5]) - 1.0) ** 2, model.parameters())


def test_saved_model_loads_back_as_the_equivalent_nn_mlp(tmp_path):
    model = seeded(lambda: MLP(2, [3, 1]))
    path = tmp_path / "model.json"
    model.save(path)
    loaded = nn.load(path)
    assert type(loaded) is nn.MLP
    assert loaded.state_dict() == model.state_dict()
    assert loaded([0.3, 0.7]).data == model([0.3, 0.7]).data
    refilled = seeded(lambda: MLP(2, [3, 1]), seed=0)
    nn.load(path, refilled)
    assert refilled.state_dict() == model.state_dict()


def test_importing_it_leaves_nn_load_rebuilding_nns_own_classes(tmp_path):
    # nn.micrograd's classes share nn's short names; they must not take them over.
    path = tmp_path / "neuron.json"
    nn.Neuron(2, weights=[3, -2], bias=1).save(path)
    assert type(nn.load(path)) is nn.Neuron


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Neuron(2, nonlin="yes"), TypeError, "Neuron got nonlin='yes' of type str; expected True"),
        (lambda: Neuron(0), ValueError, "Neuron got nin=0; expected a whole number ≥ 1."),
        (lambda: Layer(2, 0), ValueError, "Layer got nout=0; expected a whole number ≥ 1."),
        (lambda: Layer(2, 2, nonlinear=True), TypeError, "nonlinear"),
        (lambda: MLP(2, []), ValueError, r"MLP got nouts=\[\]; expected a non-empty list"),
        (lambda: MLP(2, 3), ValueError, "MLP got nouts=3; expected a non-empty list"),
    ],
)
def test_bad_arguments_are_named_in_the_error(make, error, message):
    with pytest.raises(error, match=message):
        make()


# --- against micrograd itself ------------------------------------------------------------


@pytest.fixture
def micrograd_nn():
    return pytest.importorskip("micrograd.nn", reason="comparing with micrograd needs: pip install micrograd==0.1.0")


def test_same_network_as_micrograd_for_the_same_seed(micrograd_nn):
    ours = seeded(lambda: MLP(2, [16, 16, 1]))
    theirs = seeded(lambda: micrograd_nn.MLP(2, [16, 16, 1]))
    assert repr(ours) == repr(theirs)
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]


def test_same_outputs_and_gradients_as_micrograd(micrograd_nn):
    ours = seeded(lambda: MLP(3, [4, 4, 2]))
    theirs = seeded(lambda: micrograd_nn.MLP(3, [4, 4, 2]))
    x = [0.5, -1.25, 2.0]
    out_ours, out_theirs = ours(x), theirs(x)
    assert [y.data for y in out_ours] == pytest.approx([y.data for y in out_theirs], rel=1e-15, abs=1e-15)
    (out_ours[0] * out_ours[1]).backward()
    (out_theirs[0] * out_theirs[1]).backward()
    assert [p.grad for p in ours.parameters()] == pytest.approx(
        [p.grad for p in theirs.parameters()], rel=1e-13, abs=1e-15
    )
