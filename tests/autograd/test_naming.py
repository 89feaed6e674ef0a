"""Names in the lecture's notation: derived at drawing time, unique, never an internal id for nn graphs."""

from __future__ import annotations

import re

import course_graphs
import pytest

import autograd
import nn
from autograd import Parameter, Value
from autograd.engine.graph import topological_order
from autograd.see.naming import LOSS_TITLES, derive_names, scope_title
from autograd.see.render import DrawOptions, node_names, to_dot

V_ID = re.compile(r"v\d+")


def names_of(root: Value, **options: object) -> dict[Value, str]:
    return derive_names(topological_order(root), root, **options)  # type: ignore[arg-type]


def course_names(examples: int = 1) -> tuple[Value, dict[Value, str]]:
    loss = course_graphs.course_mlp(examples)
    return loss, names_of(loss)


def test_the_course_network_reads_in_the_lectures_notation():
    loss, names = course_names()
    shown = set(names.values())
    assert {"x₁", "x₂", "ŷ", "J"} <= shown
    assert {f"w{j}{i}⁽¹⁾" for j in "₁₂₃" for i in "₁₂"} <= shown  # w_ji: neuron j, input i
    assert {"b₁⁽¹⁾", "b₂⁽¹⁾", "b₃⁽¹⁾", "b₁⁽²⁾", "w₁₁⁽²⁾", "w₁₂⁽²⁾", "w₁₃⁽²⁾"} <= shown
    assert {"z₁⁽¹⁾", "z₂⁽¹⁾", "z₃⁽¹⁾", "a₁⁽¹⁾", "a₂⁽¹⁾", "a₃⁽¹⁾", "z₁⁽²⁾"} <= shown
    assert names[loss] == "J"


def test_the_thirteen_parameters_get_thirteen_names():
    _, names = course_names()
    parameters = [node for node in names if isinstance(node, Parameter)]
    assert len(parameters) == 13
    assert len({names[p] for p in parameters}) == 13


@pytest.mark.parametrize("examples", [1, 2])
def test_names_are_unique_within_a_drawing(examples):
    _, names = course_names(examples)
    computed = [name for node, name in names.items() if node.inputs or isinstance(node, Parameter)]
    assert len(computed) == len(set(computed))


def test_a_second_example_gets_its_number_in_brackets():
    _, names = course_names(2)
    shown = set(names.values())
    assert {"x₁[1]", "x₁[2]", "ŷ[1]", "ŷ[2]", "a₂⁽¹⁾[2]"} <= shown
    assert "x₁" not in shown
    assert "w₁₁⁽¹⁾" in shown  # the weights are shared by both examples: named once


@pytest.mark.parametrize(
    "loss",
    [
        nn.binary_cross_entropy,
        nn.binary_cross_entropy_with_logits,
        nn.mean_squared_error,
        nn.hinge,
    ],
)
@pytest.mark.parametrize("examples", [1, 3])
def test_no_node_of_an_nn_graph_is_shown_as_an_internal_id(loss, examples):
    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=1)
    students = [[4.0, 5.0], [1.0, 2.0], [3.0, 0.5]][:examples]
    root = loss([model(x) for x in students], [1, 0, 1][:examples])
    names = names_of(root)
    assert not [name for name in names.values() if V_ID.fullmatch(name)]
    for collapse in (None, 1, "scope"):
        dot = to_dot(root, collapse=collapse)
        shown = re.findall(r"<[BI]>([^<]*)</[BI]>", dot) + re.findall(r'<TD ALIGN="LEFT">([^<=]*) =', dot)
        assert not [text for text in shown if V_ID.fullmatch(text.strip())], collapse


def test_cross_entropy_graphs_are_named_too():
    model = nn.MLP(2, [3], activation="tanh", seed=2)
    root = nn.cross_entropy([model([1.0, 2.0])], [2])
    names = names_of(root)
    assert names[root] == "J"
    assert not [name for name in names.values() if V_ID.fullmatch(name)]
    assert {"ŷ₁", "ŷ₂", "ŷ₃"} <= set(names.values())  # several outputs: numbered


def test_a_users_label_always_wins():
    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=37)
    hours = Value(5.0, label="hours")
    output = model([4.0, hours])
    output.label = "will pass"
    model.layers[0].neurons[1].bias.label = "bias of the busy neuron"
    loss = nn.binary_cross_entropy([output], [1])
    loss.label = "cost"
    names = names_of(loss)
    assert names[hours] == "hours"
    assert names[output] == "will pass"
    assert names[model.layers[0].neurons[1].bias] == "bias of the busy neuron"
    assert names[loss] == "cost"
    assert names[model.layers[0].neurons[0].bias] == "b₁⁽¹⁾"  # nn's own default label "b" is replaced


def test_a_derived_name_never_takes_a_users_label():
    model = nn.Neuron(1, weights=[2.0], bias=1.0)
    x = Value(3.0, label="z")  # the user calls the input z; the neuron's sum is not also "z"
    y = model([x])
    names = names_of(y)
    assert names[x] == "z"
    assert sorted(names.values()).count("z") == 1


def test_feature_names_name_the_inputs():
    loss = course_graphs.course_mlp()
    names = names_of(loss, feature_names=("lectures", "hours"))
    assert {"lectures", "hours"} <= set(names.values())
    assert "x₁" not in names.values()
    assert "<B>lectures</B>" in to_dot(loss, feature_names=["lectures", "hours"])


def test_graphs_without_nn_structure_keep_their_names_and_v_ids():
    x = Value(2.0, label="x")
    y = (x * 3).tanh()
    assert list(node_names(topological_order(y)).values()) == ["x", "3.0", "v2", "v3"]


def test_a_single_neuron_outside_any_model_is_named_without_indices():
    neuron = nn.Neuron(2, weights=[3, -2], bias=1)
    y = neuron([-1.0, 2.0])
    assert set(names_of(y).values()) >= {"w₁", "w₂", "b", "x₁", "x₂", "z", "ŷ"}


def test_wide_layers_separate_two_digit_indices_with_a_comma():
    model = nn.MLP(12, [11], seed=0)
    names = set(names_of(model([0.5] * 12)[10]).values())
    assert "w₁₁,₁₂⁽¹⁾" in names  # neuron 11, input 12


def test_scope_titles_read_as_a_reader_says_them():
    assert [scope_title(s) for s in ("layers.0", "neurons.15", "my scope")] == ["layer 1", "neuron 16", "my scope"]


def test_every_nn_loss_is_computed_in_its_named_scope():
    outputs, targets = [Value(0.25)], [1]
    scopes = {
        nn.mean_squared_error(outputs, targets).scope,
        nn.binary_cross_entropy(outputs, targets).scope,
        nn.binary_cross_entropy_with_logits(outputs, targets).scope,
        nn.hinge(outputs, targets).scope,
        nn.cross_entropy([[Value(0.25), Value(1.0)]], targets).scope,
    }
    assert {scope[-1] for scope in scopes} == LOSS_TITLES
    assert autograd.engine.recording.RECORDING.get().scope == ()  # and the scope is closed again


def test_a_loss_keeps_its_signature_docstring_and_errors():
    assert nn.binary_cross_entropy.__name__ == "binary_cross_entropy"
    assert "clamped" in (nn.binary_cross_entropy.__doc__ or "")
    with pytest.raises(ValueError, match=r"binary_cross_entropy\(\) got no outputs"):
        nn.binary_cross_entropy([], [])
    assert autograd.engine.recording.RECORDING.get().scope == ()  # an error leaves no scope open


# --- the options object ----------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"rankdir": "XY"}, ValueError, "draw() got rankdir='XY'; expected one of LR, RL, TB, BT."),
        ({"precision": True}, ValueError, "draw() got precision=True; expected an int from 1 to 17"),
        ({"max_nodes": 2.5}, ValueError, "draw() got max_nodes=2.5; expected an int ≥ 1."),
        ({"collapse": 0}, ValueError, "draw() got collapse=0; expected None, \"scope\""),
        ({"show_grad": "yes"}, TypeError, "draw() got show_grad='yes'; expected True or False."),
        ({"highlight": [1.0]}, TypeError, "draw() got highlight containing 1.0 of type float; expected Values"),
        ({"feature_names": "ab"}, TypeError, "draw() got feature_names='ab'; expected a list of non-empty names"),
        ({"feature_names": ["a", ""]}, TypeError, "draw() got feature_names=['a', '']"),
    ],
)
def test_draw_options_name_the_caller_the_value_and_what_was_expected(options, error, message):
    with pytest.raises(error, match=re.escape(message)):
        DrawOptions(**options, caller="draw")  # type: ignore[arg-type]


def test_draw_options_are_frozen_and_normalised():
    x = Value(1.0)
    options = DrawOptions(highlight=[x, x], feature_names=["a", "b"])
    assert options.highlight == frozenset({x})
    assert options.feature_names == ("a", "b")
    with pytest.raises(AttributeError):
        options.precision = 3  # type: ignore[misc]
    assert DrawOptions(precision=3, caller="to_dot") == DrawOptions(precision=3, caller="save")


@pytest.mark.parametrize("caller", ["to_dot", "save", "draw"])
def test_every_entry_point_checks_its_options_before_drawing(caller, tmp_path):
    calls = {
        "to_dot": lambda: autograd.to_dot(Value(1.0), feature_names="x"),
        "save": lambda: autograd.save(Value(1.0), tmp_path / "g.dot", feature_names="x"),
        "draw": lambda: autograd.draw(Value(1.0), feature_names="x"),
    }
    with pytest.raises(TypeError, match=rf"^{caller}\(\) got feature_names='x'"):
        calls[caller]()
