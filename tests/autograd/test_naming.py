"""Names in the lecture's notation: derived at drawing time, unique, never an internal id for nn graphs."""

from __future__ import annotations

import copy
import re

import course_graphs
import pytest

import autograd
import nn
from autograd import Parameter, Value
from autograd.engine.graph import topological_order
from autograd.see.naming import names_and_roles, scope_title
from autograd.see.render import DrawOptions, node_names, to_dot

V_ID = re.compile(r"v\d+")


def names_of(root: Value, **options: object) -> dict[Value, str]:
    return names_and_roles(topological_order(root), root, **options)[0]  # type: ignore[arg-type]


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
    # Several outputs, numbered; scores, so named z as the loss's formula (∂J/∂zⱼ = pⱼ − yⱼ) names them.
    assert {"z₁", "z₂", "z₃"} <= set(names.values())


def _output_box_and_first_step(loss, output_activation):
    model = nn.MLP(2, [8, 8, 1], output_activation=output_activation, seed=0)
    output = model([0.5, -0.3])
    root = loss([output], [1])
    trace = autograd.trace_backward(root, collapse="scope")
    rows = re.findall(r'<TD ALIGN="LEFT">([^<]*)</TD>', to_dot(root, collapse="scope"))
    gradients = re.findall(r'<TD ALIGN="RIGHT"><FONT[^>]*>([^<]*)</FONT>', to_dot(root, collapse="scope"))
    return names_of(root)[output], rows, gradients, trace.explain(0), trace.explain(1)


def test_a_logits_loss_names_the_linear_output_it_reads_z_in_the_box_and_the_step():
    name, rows, gradients, first, second = _output_box_and_first_step(nn.binary_cross_entropy_with_logits, None)
    assert name == "z"
    assert "∂J/∂z = σ(z) − y = σ(" in first
    assert "going back from ∂J/∂z = " in second
    assert any(row.startswith("z = ") for row in rows)
    assert any(text.startswith("∂J/∂z ") for text in gradients)
    assert "ŷ" not in first + second + "".join(rows + gradients)


def test_binary_cross_entropy_after_a_sigmoid_still_names_the_output_y_hat():
    name, rows, gradients, first, second = _output_box_and_first_step(nn.binary_cross_entropy, "sigmoid")
    assert name == "ŷ"
    assert "∂J/∂ŷ = −y/ŷ + (1−y)/(1−ŷ) = −1/" in first
    assert "going back from ∂J/∂ŷ = " in second
    assert any(row.startswith("ŷ = ") for row in rows)
    assert any(text.startswith("∂J/∂ŷ ") for text in gradients)


def test_a_logits_loss_over_two_examples_names_each_output_z_with_its_example():
    model = nn.MLP(2, [3, 1], seed=0)
    root = nn.binary_cross_entropy_with_logits([model([0.5, -0.3]), model([1.0, 2.0])], [1, 0])
    assert {"z[1]", "z[2]"} <= set(names_of(root).values())
    assert "(1/n)·(σ(z) − y)" in autograd.trace_backward(root, collapse="scope").explain(0)


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
    assert ">lectures = 4.0<" in to_dot(loss, feature_names=["lectures", "hours"])  # an input: data, one line


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


def test_scope_titles_come_from_what_nn_declares_not_from_its_wording():
    model = nn.MLP(2, [16, 1], seed=0)
    titles = [scope_title(model.layers[0].describe_scope()), scope_title(model.layers[0].neurons[15].describe_scope())]
    assert titles == ["layer 1", "neuron 16"]
    assert scope_title("layers.0") == "layers.0"  # a plain name declares nothing: shown as written


def test_a_renamed_module_declares_its_new_title():
    model = nn.MLP(2, [1], seed=0)
    assert model([1.0, 2.0]).scope[0].heading == "layer 1"
    model.layers = model.layers[::-1]  # reassigning renames: the cached declaration must not survive
    assert model([1.0, 2.0]).scope[0].heading == "layer 1"
    model.layers[0]._name = "layers.4"
    assert model([1.0, 2.0]).scope[0].heading == "layer 5"


def test_a_scope_entry_is_immutable_and_survives_a_copy():
    entry = autograd.Scope("layers.0", heading="layer 1", kind="layer", number=1)
    with pytest.raises(AttributeError, match=r"Scope 'layers.0' is immutable; build a new Scope to change heading"):
        entry.heading = "layer 2"  # type: ignore[misc]
    copied = copy.deepcopy(entry)
    assert (copied, copied.heading, copied.kind, copied.number) == ("layers.0", "layer 1", "layer", 1)


def test_a_neuron_declares_its_weights_and_bias_in_order():
    neuron = nn.MLP(2, [1], seed=0).layers[0].neurons[0]
    entry = neuron.describe_scope()
    assert (entry.kind, entry.number) == ("neuron", 1)
    expected = [*((w, "weight") for w in neuron.weights), (neuron.bias, "bias")]
    assert [(p, role) for p, role, _ in entry.roles] == expected


def test_a_label_you_set_on_a_declared_weight_wins_over_the_lecture_name():
    model = nn.MLP(2, [1], seed=0)
    model.layers[0].neurons[0].weights[1].label = "hours weight"
    names = set(names_of(model([1.0, 2.0])).values())
    assert {"hours weight", "w₁₁⁽¹⁾"} <= names
    assert "w₁₂⁽¹⁾" not in names


LOSSES = [
    (nn.mean_squared_error, [0.25, -1.5], [1.0, 2.0]),
    (nn.binary_cross_entropy, [0.25, 0.875], [1, 0]),
    (nn.binary_cross_entropy, [0.375], [0.25]),
    (nn.binary_cross_entropy, [1.0, 0.0], [0, 1]),  # past the clamp: the loss is flat, so is the closed form
    (nn.binary_cross_entropy, [1.0, 0.0], [0.5, 0.5]),
    (nn.binary_cross_entropy_with_logits, [0.5, -3.0], [1, 0]),
    (nn.hinge, [0.5, 2.0, 0.25], [1, 1, -1]),
    (nn.cross_entropy, [[0.25, 1.0, -2.0], [3.0, 0.5, 0.0]], [1, 0]),
]


@pytest.mark.parametrize(("loss", "outputs", "targets"), LOSSES, ids=lambda x: getattr(x, "__name__", ""))
def test_every_nn_loss_declares_a_closed_form_that_backward_agrees_with(loss, outputs, targets):
    leaves = [[Value(x) for x in o] if isinstance(o, list) else Value(o) for o in outputs]
    loss_value = loss(leaves, targets)
    entry = loss_value.scope[-1]
    assert entry.kind == "loss"
    assert entry.closed_form is not None
    loss_value.backward()
    declared = entry.closed_form.gradients(lambda x: f"{x:.4g}")
    flat = [x for leaf in leaves for x in (leaf if isinstance(leaf, list) else [leaf])]
    assert [node for node, _, _ in declared] == flat
    assert [gradient for _, gradient, _ in declared] == pytest.approx([x.grad for x in flat], rel=1e-12, abs=0.0)
    assert autograd.engine.recording.RECORDING.get().scope == ()  # and the scope is closed again


def test_the_binary_cross_entropy_step_reads_as_the_lecture_writes_it():
    loss_value = nn.binary_cross_entropy([Value(0.1107)], [1])
    form = loss_value.scope[-1].closed_form
    assert form.formula == "−y/ŷ + (1−y)/(1−ŷ)"
    [(_, gradient, worked)] = form.gradients(lambda x: f"{x:.4g}")
    assert worked == "−1/0.1107"
    assert gradient == pytest.approx(-1 / 0.1107)


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


@pytest.mark.parametrize(
    ("x", "precision", "shown"),
    [
        (0.9996, 3, "0.9996"),  # a sigmoid's output: "1.0" would read as certainty
        (-1.9996, 3, "-1.9996"),
        (1210.286, 4, "1210.3"),  # 3·e⁶, not the whole 1210
        (0.99999999, 3, "1.0"),  # three digits more still cannot tell it from 1: shown as 1
        (2.0, 3, "2.0"),
        (0.8807970779778823, 4, "0.8808"),
        (2.5e-7, 3, "2.5e-07"),
    ],
)
def test_a_number_that_is_not_whole_is_not_rounded_onto_a_whole_one_while_a_few_digits_can_tell(
    x: float, precision: int, shown: str
) -> None:
    from autograd.see.naming import format_number

    assert format_number(x, precision) == shown
