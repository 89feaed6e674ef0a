import json
import os
from pathlib import Path

import pytest

import nn
from autograd import Parameter, Value


class Line(nn.Module):
    slope: Parameter
    offset: Value

    def __init__(self) -> None:
        self.slope = Parameter(2.0)
        self.offset = Value(1.0)

    def __call__(self, inputs):
        with self.scope():
            return self.slope * inputs[0] + self.offset


class Pair(nn.Module):
    def __init__(self) -> None:
        self.first = Line()
        self.shared = self.first.slope
        self.lines = [Line(), Line()]
        self.scale = 3.0  # not a parameter: plain numbers are settings
        self._cache = Parameter(9.0)  # private attributes are not walked

    def __call__(self, inputs):
        return self.first(inputs) + self.lines[1](inputs)


def test_subclass_declares_fields_and_parameters_are_found_in_definition_order():
    names = [name for name, _ in Pair().named_parameters()]
    assert names == [
        "first.slope",
        "first.offset",
        "lines.0.slope",
        "lines.0.offset",
        "lines.1.slope",
        "lines.1.offset",
    ]


def test_a_parameter_reachable_twice_is_listed_once():
    pair = Pair()
    assert pair.parameters().count(pair.first.slope) == 1
    assert pair.num_parameters() == 6


def test_mlp_names_are_dotted_paths():
    model = nn.MLP(2, [3, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[0] == "layers.0.neurons.0.weights.0"
    assert "layers.0.neurons.2.weights.1" in names
    assert names[-1] == "layers.1.neurons.0.bias"
    assert all(isinstance(p, Parameter) for p in model.parameters())


def test_named_modules_lists_the_tree():
    model = nn.MLP(2, [2, 1], seed=0)
    assert [name for name, _ in model.named_modules()] == [
        "",
        "layers.0",
        "layers.0.neurons.0",
        "layers.0.neurons.1",
        "layers.1",
        "layers.1.neurons.0",
    ]


def test_zero_grad_clears_every_parameter():
    model = nn.MLP(2, [3, 1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_train_and_eval_switch_every_module():
    model = nn.Sequential(nn.Dense(2, 2, seed=0), nn.Dropout(0.5))
    assert model.eval() is model
    assert not any(m.training for _, m in model.named_modules())
    model.train()
    assert all(m.training for _, m in model.named_modules())


def test_calling_a_module_opens_a_scope_named_after_its_path():
    model = nn.MLP(2, [3, 1], seed=0)
    output = model([1.0, 2.0])
    assert output.scope == ("layers.1", "neurons.0")
    assert output.inputs[0].scope == ("layers.1", "neurons.0")  # a product w·x inside the output neuron
    first_layer = {node.scope for node in _nodes(output) if node.scope[:1] == ("layers.0",)}
    assert ("layers.0", "neurons.2") in first_layer


def test_scope_is_restored_after_a_call_and_after_an_error():
    from autograd.engine.recording import RECORDING

    model = nn.MLP(2, [3, 1], seed=0)
    model([1.0, 2.0])
    assert RECORDING.get().scope == ()
    with pytest.raises(TypeError):
        model.layers[0].neurons[0]([1.0, "two"])
    assert RECORDING.get().scope == ()


def test_scope_inside_a_user_scope_nests():
    import autograd

    model = nn.MLP(2, [1], seed=0)
    with autograd.scope("loss"):
        out = model([1.0, 2.0])
    assert out.scope == ("loss", "layers.0", "neurons.0")


def test_appended_children_are_named_when_walked():
    seq = nn.Sequential()
    seq.layers.append(nn.Dense(2, 1, seed=0))
    seq.named_parameters()
    assert seq([1.0, 1.0]).scope == ("layers.0", "neurons.0")


def test_base_module_call_is_not_implemented():
    class Empty(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match="Empty does not define __call__"):
        Empty()([1.0])


def test_repr_is_a_tree():
    model = nn.MLP(2, [16, 16, 1], seed=0)
    assert repr(model) == (
        "MLP(2 → 16 → 16 → 1, 337 parameters)\n"
        "  layers.0: Dense(2 → 16, relu)\n"
        "  layers.1: Dense(16 → 16, relu)\n"
        "  layers.2: Dense(16 → 1, linear)"
    )
    assert repr(Pair()).splitlines()[0] == "Pair(6 parameters)"
    nested = nn.Sequential(nn.Sequential(nn.Dropout(0.5)), nn.Neuron(1))
    assert repr(nested).splitlines()[1:] == [
        "  layers.0: Sequential(0 parameters)",
        "    layers.0: Dropout(p=0.5)",
        "  layers.1: Neuron(1 inputs, sigmoid)",
    ]


# --- state_dict ---------------------------------------------------------------------


def test_state_dict_round_trip():
    source, target = nn.MLP(2, [3, 1], seed=0), nn.MLP(2, [3, 1], seed=1)
    target.load_state_dict(source.state_dict())
    assert target.state_dict() == source.state_dict()


def test_load_state_dict_reports_every_problem_and_loads_nothing():
    model = nn.Neuron(2, weights=[1.0, 2.0], bias=3.0)
    bad = {"weights.0": 9.0, "weights.1": "x", "extra": 1.0}
    with pytest.raises(ValueError, match="load_state_dict") as caught:
        model.load_state_dict(bad)
    assert str(caught.value) == (
        "load_state_dict() found problems, nothing was loaded: missing 'bias'; unexpected 'extra'; "
        "'weights.1' got 'x', expected a finite number."
    )
    assert model.state_dict() == {"weights.0": 1.0, "weights.1": 2.0, "bias": 3.0}


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True, [1.0]])
def test_load_state_dict_rejects_non_finite_and_non_numbers(value):
    model = nn.Neuron(1, weights=[1.0])
    with pytest.raises(ValueError, match=r"'bias' got .*, expected a finite number"):
        model.load_state_dict({"weights.0": 0.0, "bias": value})
    assert model.weights[0].data == 1.0


def test_load_state_dict_needs_a_mapping():
    with pytest.raises(TypeError, match=r"load_state_dict\(\) got \[1.0\] of type list; expected a dict"):
        nn.Neuron(1).load_state_dict([1.0])


# --- save / load ------------------------------------------------------------------------


def test_save_and_load_round_trip_rebuilds_the_architecture(tmp_path):
    model = nn.MLP(2, [4, 3, 1], activation="tanh", output_activation="sigmoid", seed=3)
    path = tmp_path / "model.json"
    model.save(path)
    loaded = nn.load(path)
    assert isinstance(loaded, nn.MLP)
    assert repr(loaded) == repr(model)
    assert loaded.state_dict() == model.state_dict()
    assert loaded([0.3, -0.2]).data == model([0.3, -0.2]).data


@pytest.mark.parametrize(
    "model",
    [
        nn.Neuron(3, activation="relu", seed=0),
        nn.Dense(2, 3, activation="leaky_relu", seed=0),
        nn.Sequential(nn.Dense(2, 4, activation="relu", seed=0), nn.Dropout(0.25), nn.Dense(4, 1, seed=0)),
    ],
    ids=["neuron", "dense", "sequential"],
)
def test_every_builtin_module_round_trips(tmp_path, model):
    model.save(tmp_path / "m.json")
    loaded = nn.load(tmp_path / "m.json")
    assert type(loaded) is type(model)
    assert repr(loaded) == repr(model)
    assert loaded.state_dict() == model.state_dict()


def test_the_file_is_plain_json_never_pickle(tmp_path):
    nn.Neuron(2, weights=[3, -2], bias=1).save(tmp_path / "n.json")
    document = json.loads((tmp_path / "n.json").read_text())
    assert document == {
        "format": "glassgrad.nn",
        "version": 1,
        "architecture": {"type": "Neuron", "n_inputs": 2, "activation": "sigmoid"},
        "parameters": {"weights.0": 3.0, "weights.1": -2.0, "bias": 1.0},
    }


def test_a_custom_module_loads_into_a_given_model(tmp_path):
    pair = Pair()
    pair.lines[1].slope.data = 7.0
    pair.save(tmp_path / "pair.json")
    with pytest.raises(ValueError, match="cannot rebuild") as caught:
        nn.load(tmp_path / "pair.json")
    assert str(caught.value) == (
        f"load() got {str(tmp_path / 'pair.json')!r}, saved from a model it cannot rebuild (a custom module or "
        "activation); pass the model to fill: nn.load(path, model)."
    )
    fresh = Pair()
    assert nn.load(tmp_path / "pair.json", fresh) is fresh
    assert fresh.lines[1].slope.data == 7.0


def test_custom_activation_is_not_rebuildable(tmp_path):
    def square(v):
        return v * v

    model = nn.MLP(2, [2, 1], activation=square, seed=0)
    assert model.architecture() is None
    model.save(tmp_path / "m.json")
    loaded = nn.load(tmp_path / "m.json", nn.MLP(2, [2, 1], activation=square, seed=1))
    assert loaded.state_dict() == model.state_dict()


def test_load_missing_file(tmp_path):
    path = tmp_path / "nope.json"
    with pytest.raises(FileNotFoundError, match="got") as caught:
        nn.load(path)
    assert str(caught.value) == (
        f"load() got {str(path)!r}; there is no such file. Save a model first with model.save(path)."
    )


def test_load_corrupted_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "glassgrad.nn", "vers')
    with pytest.raises(ValueError, match=r"which is not valid JSON \(Unterminated string.*\); the file is corrupted"):
        nn.load(path)


def test_load_binary_garbage(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(b"\x80\x81\xff")
    with pytest.raises(ValueError, match="which is not a text file"):
        nn.load(path)


def test_load_a_directory(tmp_path):
    with pytest.raises(ValueError, match="which is a folder, not a regular file"):
        nn.load(tmp_path)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "which is not a glassgrad model file"),
        ({"format": "other"}, "which is not a glassgrad model file"),
        (
            {"format": "glassgrad.nn", "version": 99},
            "with format version 99 in field 'version'; this glassgrad reads version 1",
        ),
        (
            {"format": "glassgrad.nn", "version": 1, "architecture": None, "parameters": [1]},
            "with parameters \\[1\\] in field 'parameters'; expected a dict",
        ),
        (
            {"format": "glassgrad.nn", "version": 1, "architecture": {"type": "Nope"}, "parameters": {}},
            "with type 'Nope' in field 'architecture.type'; expected one of .*Dense",
        ),
        (
            {"format": "glassgrad.nn", "version": 1, "architecture": {"type": "Dense", "n_inputs": "2"},
             "parameters": {}},
            "with '2' in field 'architecture.n_inputs'; expected an integer from 1 to 10,000",
        ),
        (
            {"format": "glassgrad.nn", "version": 1, "architecture": {"type": "Neuron", "n_inputs": 1,
             "activation": "sigmoid"}, "parameters": {"weights.0": 1.0}},
            "whose field 'architecture' describes 2 parameters, but field 'parameters' holds 1",
        ),
        (
            {"format": "glassgrad.nn", "version": 1, "architecture": {"type": "Neuron", "n_inputs": 1,
             "activation": "sigmoid"}, "parameters": {"weights.0": 1.0, "bias_": 0.0}},
            "which does not fit the model: load_state_dict\\(\\) found problems, nothing was loaded: missing 'bias'",
        ),
    ],
)
def test_load_rejects_bad_documents(tmp_path, document, message):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError, match=message):
        nn.load(path)


def test_loading_a_mismatched_file_into_a_model_changes_nothing(tmp_path):
    nn.MLP(2, [3, 1], seed=0).save(tmp_path / "small.json")
    model = nn.MLP(2, [4, 1], seed=1)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"does not fit the model.*unexpected|does not fit the model.*missing"):
        nn.load(tmp_path / "small.json", model)
    assert model.state_dict() == before


def test_load_needs_a_module(tmp_path):
    nn.Neuron(1).save(tmp_path / "n.json")
    with pytest.raises(TypeError, match=r"load\(\) got model 3 of type int; expected an nn.Module"):
        nn.load(tmp_path / "n.json", 3)


def test_save_refuses_non_finite_parameters_and_keeps_the_old_file(tmp_path):
    path = tmp_path / "m.json"
    model = nn.Neuron(1, weights=[1.0])
    model.save(path)
    before = path.read_text()
    model.bias.data = float("nan")
    with pytest.raises(ValueError, match="save\\(\\) got parameter 'bias' = nan; only finite numbers can be saved"):
        model.save(path)
    assert path.read_text() == before
    assert sorted(os.listdir(tmp_path)) == ["m.json"]


def test_a_failed_write_leaves_neither_a_half_file_nor_a_temporary(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    nn.Neuron(1, weights=[1.0]).save(path)
    before = path.read_text()

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        nn.Neuron(1, weights=[5.0]).save(path)
    assert path.read_text() == before
    assert sorted(os.listdir(tmp_path)) == ["m.json"]


def test_save_accepts_str_paths(tmp_path):
    nn.Neuron(1).save(str(tmp_path / "n.json"))
    assert Path(tmp_path / "n.json").exists()


def test_build_errors():
    from nn.persistence import build

    with pytest.raises(ValueError, match="build\\(\\) got 3; expected a dict with a 'type'"):
        build(3)
    with pytest.raises(ValueError, match=r"Sequential got architecture .*expected a list under 'layers'"):
        build({"type": "Sequential"})
    with pytest.raises(ValueError, match=r"Dropout got architecture .*expected a number under 'p'"):
        build({"type": "Dropout"})
    with pytest.raises(ValueError, match=r"Line got architecture .*it cannot be rebuilt from a file"):
        build({"type": f"{__name__}.Line"})
    # A user class is registered by module and name, so a bare "Line" is unknown.
    with pytest.raises(ValueError, match=r"build\(\) got type 'Line'; expected one of"):
        build({"type": "Line"})


# --- Sequential ------------------------------------------------------------------------


def test_sequential_chains_and_unwraps_a_single_output():
    model = nn.Sequential(nn.Dense(2, 3, seed=0), nn.Neuron(3, activation="linear", seed=0))
    assert isinstance(model([1.0, 2.0]), Value)
    wide = nn.Sequential(nn.Dense(2, 3, seed=0))
    assert len(wide([1.0, 2.0])) == 3


def test_sequential_rejects_non_modules():
    with pytest.raises(TypeError, match="got") as caught:
        nn.Sequential(nn.Dense(2, 2), "relu")
    assert str(caught.value) == (
        "Sequential() got 'relu' of type str at position 1; expected an nn.Module such as nn.Dense(2, 16)."
    )


def _nodes(root):
    from autograd import topological_order

    return topological_order(root)


def test_a_user_class_named_like_an_nn_class_does_not_break_loading(tmp_path):
    class MLP(nn.Module):  # a notebook's own class that happens to share the name
        pass

    nn.MLP(2, [3, 1], seed=0).save(tmp_path / "m.json")
    loaded = nn.load(tmp_path / "m.json")
    assert type(loaded) is nn.MLP
    assert nn.persistence.REGISTRY["MLP"] is nn.MLP
    assert nn.persistence.REGISTRY[f"{__name__}.{MLP.__qualname__}"] is MLP


def test_an_int_too_large_for_a_float_is_not_a_finite_number(tmp_path):
    model = nn.Neuron(1, weights=[1.0])
    huge = 10**400
    with pytest.raises(ValueError, match=r"'bias' got 1000.*, expected a finite number"):
        model.load_state_dict({"weights.0": 0.0, "bias": huge})
    assert model.weights[0].data == 1.0
    path = tmp_path / "m.json"
    model.save(path)
    path.write_text(path.read_text().replace('"bias": 0.0', f'"bias": {huge}'))
    with pytest.raises(ValueError, match=r"with 1000.*\.\.\. in field 'parameters.bias'; expected a finite number"):
        nn.load(path)


def test_a_saved_model_gets_the_permissions_of_a_plain_file(tmp_path):
    umask = os.umask(0o022)
    try:
        nn.Neuron(1, weights=[1.0]).save(tmp_path / "m.json")
    finally:
        os.umask(umask)
    assert (tmp_path / "m.json").stat().st_mode & 0o777 == 0o644


def test_save_into_a_missing_folder_names_the_folder(tmp_path):
    path = tmp_path / "no" / "dir" / "m.json"
    with pytest.raises(FileNotFoundError) as caught:
        nn.Neuron(1, weights=[1.0]).save(path)
    folder = str(tmp_path / "no" / "dir")
    assert str(caught.value) == (
        f"save() got {str(path)!r}; the folder {folder!r} does not exist. "
        f"Create it first: os.makedirs({folder!r}, exist_ok=True)."
    )
    assert not (tmp_path / "no").exists()


def test_save_and_the_renderer_share_one_atomic_writer():
    import autograd.files
    import autograd.see.render
    import nn.persistence

    assert autograd.see.render.write_atomically is autograd.files.write_atomically
    assert nn.persistence.write_atomically is autograd.files.write_atomically
