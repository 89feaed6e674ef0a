import math

import pytest

import nn
from autograd import Parameter, Value


def test_course_perceptron_gives_sigmoid_of_minus_six():
    neuron = nn.Neuron(2, weights=[3, -2], bias=1)
    y = neuron([-1, 2])
    assert y.inputs[0].data == -6.0  # z = 1 − 3 − 4
    assert round(y.data, 7) == 0.0024726
    assert y.data == pytest.approx(1.0 / (1.0 + math.exp(6.0)), rel=1e-15, abs=0.0)


def test_weights_can_be_set_by_hand_after_construction():
    neuron = nn.Perceptron(2, seed=0)
    neuron.weights[0].data, neuron.weights[1].data, neuron.bias.data = 3.0, -2.0, 1.0
    assert round(neuron([-1.0, 2.0]).data, 7) == 0.0024726


def test_perceptron_is_neuron():
    assert nn.Perceptron is nn.Neuron


def test_weighted_sum_is_one_nary_node_like_the_diagram():
    neuron = nn.Neuron(3, weights=[1, 2, 3], bias=0.5)
    y = neuron([Value(1.0), Value(1.0), Value(1.0)])
    z = y.inputs[0]
    assert y.op == "sigmoid"
    assert z.op == "sum"
    assert len(z.inputs) == 4
    assert z.inputs[-1] is neuron.bias
    assert [node.op for node in z.inputs[:3]] == ["*", "*", "*"]


def test_parameters_are_labelled_parameters():
    neuron = nn.Neuron(2, seed=0)
    assert all(isinstance(p, Parameter) for p in neuron.parameters())
    assert [p.label for p in neuron.parameters()] == ["w1", "w2", "b"]


def test_inputs_may_be_floats_or_values_and_gradients_reach_both():
    neuron = nn.Neuron(2, activation="linear", weights=[3, -2], bias=1)
    x = Value(-1.0)
    y = neuron([x, 2.0])
    y.backward()
    assert x.grad == 3.0
    assert neuron.weights[0].grad == -1.0
    assert neuron.bias.grad == 1.0


def test_wrong_number_of_inputs_is_a_clear_error():
    with pytest.raises(ValueError, match="got") as caught:
        nn.Neuron(2)([1.0, 2.0, 3.0])
    assert str(caught.value) == (
        "Neuron got 3 inputs [1.0, 2.0, 3.0]; it has 2 weights per neuron, so it needs exactly 2."
    )


def test_a_single_number_instead_of_a_list_is_a_clear_error():
    with pytest.raises(TypeError, match="got") as caught:
        nn.Neuron(1)(2.0)
    assert str(caught.value) == (
        "Neuron got 2.0 of type float; expected a list of 1 numbers (one example). Wrap a single number in a list: [x]."
    )


@pytest.mark.parametrize("n_inputs", [0, -1, 2.5, True, "2"])
def test_n_inputs_must_be_a_positive_whole_number(n_inputs):
    with pytest.raises(ValueError, match=r"Neuron got n_inputs=.*; expected a whole number ≥ 1\."):
        nn.Neuron(n_inputs)


def test_weights_of_the_wrong_length():
    with pytest.raises(ValueError, match="got") as caught:
        nn.Neuron(3, weights=[1.0, 2.0])
    assert str(caught.value) == (
        "Neuron got weights=[1.0, 2.0] (2 numbers); n_inputs=3 needs a list of exactly 3 numbers, one per input, "
        "such as [0.5, 0.5, 0.5]."
    )


def test_unknown_activation_name_lists_the_choices():
    with pytest.raises(ValueError, match="got") as caught:
        nn.Neuron(2, activation="softmax")
    assert str(caught.value) == (
        "Neuron activation got 'softmax'; expected one of 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', "
        "or a callable Value → Value."
    )


def test_activation_of_wrong_type():
    with pytest.raises(TypeError, match="Neuron activation got 3 of type int; expected a name such as 'relu'"):
        nn.Neuron(2, activation=3)


@pytest.mark.parametrize(
    ("activation", "expected"),
    [
        ("sigmoid", 1 / (1 + math.exp(2.0))),
        ("tanh", math.tanh(-2.0)),
        ("relu", 0.0),
        ("leaky_relu", -0.02),
        ("linear", -2.0),
        (None, -2.0),
    ],
)
def test_every_named_activation(activation, expected):
    neuron = nn.Neuron(1, activation=activation, weights=[1.0])
    assert neuron([-2.0]).data == pytest.approx(expected, abs=1e-15)


def test_callable_activation_and_reassignment():
    neuron = nn.Neuron(1, activation=lambda v: v * 2, weights=[1.0])
    assert neuron([3.0]).data == 6.0
    assert neuron.activation == "<lambda>"
    neuron.activation = "relu"
    assert neuron([-3.0]).data == 0.0
    assert neuron.summary() == "Neuron(1 inputs, relu)"


def test_seed_makes_weights_reproducible_and_leaves_global_random_alone():
    import random

    random.seed(123)
    before = random.getstate()
    first = nn.Neuron(5, seed=7).state_dict()
    assert nn.Neuron(5, seed=7).state_dict() == first
    assert nn.Neuron(5, seed=8).state_dict() != first
    assert random.getstate() == before


def test_setting_the_bias_to_a_number_is_refused_with_the_fix():
    neuron = nn.Neuron(2, weights=[3, -2], bias=1)
    with pytest.raises(TypeError, match="must be a Value") as caught:
        neuron.bias = 5.0
    assert str(caught.value) == (
        "Neuron got bias=5.0; bias must be a Value. Set neuron.bias.data = 5.0 to change its value."
    )
    assert [name for name, _ in neuron.named_parameters()] == ["weights.0", "weights.1", "bias"]
    neuron.bias.data = 5.0
    assert neuron.state_dict()["bias"] == 5.0


def test_setting_the_weights_to_numbers_is_refused_with_the_fix():
    neuron = nn.Neuron(2, weights=[3, -2], bias=1)
    with pytest.raises(TypeError) as caught:
        neuron.weights = [1.0, 2.0]
    assert str(caught.value) == (
        "Neuron got weights=[1.0, 2.0]; weights must be a list of Values. "
        "Set neuron.weights[i].data = number to change one."
    )
    assert neuron.num_parameters() == 3
    neuron.weights = [Parameter(1.0), Parameter(2.0)]
    assert neuron.state_dict() == {"weights.0": 1.0, "weights.1": 2.0, "bias": 1.0}


def test_a_user_module_declaring_a_value_field_is_checked_too():
    class Line(nn.Module):
        slope: Parameter

        def __init__(self) -> None:
            self.slope = Parameter(2.0)

    line = Line()
    with pytest.raises(TypeError, match="Line got slope=3; slope must be a Value"):
        line.slope = 3


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"weights": 3},
            "Neuron got weights=3; n_inputs=2 needs a list of exactly 2 numbers, one per input, such as [0.5, 0.5].",
        ),
        (
            {"weights": "12"},
            "Neuron got weights='12'; n_inputs=2 needs a list of exactly 2 numbers, one per input, such as [0.5, "
            "0.5].",
        ),
        ({"weights": [math.nan, 1.0]}, "Neuron got weights[0]=nan; expected a finite number."),
        ({"weights": [1.0, -math.inf]}, "Neuron got weights[1]=-inf; expected a finite number."),
        ({"weights": [1.0, "2"]}, "Neuron got weights[1]='2'; expected a finite number."),
        ({"weights": [1.0, True]}, "Neuron got weights[1]=True; expected a finite number."),
        ({"bias": math.nan}, "Neuron got bias=nan; expected a finite number. The bias is one number, such as 0 or 1."),
        ({"bias": None}, "Neuron got bias=None; expected a finite number. The bias is one number, such as 0 or 1."),
    ],
)
def test_bad_weights_and_bias_are_refused_before_anything_is_built(options, message):
    with pytest.raises(ValueError, match="got") as caught:
        nn.Neuron(2, **options)
    assert str(caught.value) == message


def test_a_wide_neuron_shows_an_example_that_fits_on_a_line():
    with pytest.raises(ValueError, match="got") as caught:
        nn.Neuron(40, weights=[1.0])
    assert str(caught.value).endswith("needs a list of exactly 40 numbers, one per input, such as [0.5, 0.5, 0.5, …].")


@pytest.mark.parametrize(("n_inputs", "shown"), [(0, "0"), (-1, "-1"), (2.5, "2.5"), (True, "True"), ("2", "'2'")])
def test_the_n_inputs_message_in_full(n_inputs, shown):
    with pytest.raises(ValueError, match="got") as caught:
        nn.Neuron(n_inputs)
    assert str(caught.value) == f"Neuron got n_inputs={shown}; expected a whole number ≥ 1."
    assert nn.Neuron(1).n_inputs == 1  # the boundary itself


def test_numpy_integer_n_inputs():
    np = pytest.importorskip("numpy")
    neuron = nn.Neuron(np.int64(2), weights=[np.float32(0.5), np.int64(1)], bias=np.float64(0.25))
    assert neuron.n_inputs == 2
    assert [w.data for w in nn.Neuron(2, weights=np.array([1.5, -2.0])).weights] == [1.5, -2.0]
    assert [w.data for w in neuron.weights] == [0.5, 1.0]
    assert neuron.bias.data == 0.25
