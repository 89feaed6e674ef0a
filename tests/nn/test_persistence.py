"""Model files are untrusted: nn.load refuses hostile files at once, with a ValueError naming the file and field."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from typing import ClassVar

import pytest

import nn
from autograd import Parameter, Value
from nn import persistence

LOAD = r"^load\(\) got "


def write(tmp_path, document, name="m.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return path


def model_file(architecture, parameters=None):
    return {"format": "glassgrad.nn", "version": 1, "architecture": architecture, "parameters": parameters or {}}


def loads_nothing(path, match):
    model = nn.Neuron(1, weights=[1.0], bias=2.0)
    with pytest.raises(ValueError, match=match):
        nn.load(path, model)
    assert model.state_dict() == {"weights.0": 1.0, "bias": 2.0}


# --- what is refused before reading ---------------------------------------------------------


def test_load_of_none_is_a_library_type_error():
    with pytest.raises(TypeError) as caught:
        nn.load(None)
    assert str(caught.value) == (
        "load() got None of type NoneType; expected the path of a saved model, e.g. nn.load('model.json')."
    )


def test_a_character_device_is_refused_without_reading_it():
    with pytest.raises(ValueError, match=LOAD) as caught:
        nn.load("/dev/zero")
    assert str(caught.value) == (
        "load() got '/dev/zero', which is a character device, not a regular file; expected a file from model.save()."
    )


def test_a_fifo_is_refused_at_once_instead_of_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    # In a child with a timeout: a loader that blocks on the FIFO fails the test instead of hanging it.
    script = textwrap.dedent(
        f"""
        import nn
        try:
            nn.load({str(fifo)!r})
        except ValueError as error:
            print(error)
        """
    )
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert child.stdout == (
        f"load() got {str(fifo)!r}, which is a FIFO (named pipe), not a regular file; expected a file from "
        "model.save().\n"
    )


def test_a_huge_file_is_refused_by_its_size_without_reading_it(tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as file:
        file.truncate(4 * 1024**3)  # sparse: 4 GB on paper, nothing on disk
    with pytest.raises(ValueError, match=LOAD) as caught:
        nn.load(path)
    assert str(caught.value) == (
        f"load() got {str(path)!r} of 4,294,967,296 bytes; a model file may have at most 33,554,432 bytes "
        "(200,000 parameters)."
    )


def test_the_size_cap_holds_for_what_is_read_too(tmp_path, monkeypatch):
    path = write(tmp_path, model_file(None, {"bias": 1.0}))
    monkeypatch.setattr(persistence, "MAX_FILE_BYTES", 10)
    with pytest.raises(ValueError, match=r"load\(\) got '.*m.json' of \d+ bytes; a model file may have at most 10"):
        nn.load(path)


# --- strict JSON -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "glassgrad.nn", "version": 1, "architecture": null, "parameters": {"bias": NaN}}',
         "which is not strict JSON: NaN is not a number a model may hold."),
        ('{"format": "glassgrad.nn", "version": 1, "version": 1, "architecture": null, "parameters": {}}',
         "which is not strict JSON: the key 'version' appears twice in one object."),
        ("[" * 100_000 + "]" * 100_000, "whose JSON is nested too deeply; it is no model file."),
    ],
    ids=["nan", "duplicate-key", "deep-json"],
)
def test_json_that_is_not_strict_is_refused(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=LOAD) as caught:
        nn.load(path)
    assert str(caught.value) == f"load() got {str(path)!r}, {message}"


# --- every field of the exact type -------------------------------------------------------------


@pytest.mark.parametrize("version", [True, 1.0, "1", None])
def test_a_version_that_only_equals_one_is_refused(tmp_path, version):
    document = model_file({"type": "Neuron", "n_inputs": 1, "activation": "linear"}, {"weights.0": 1.0, "bias": 0.0})
    document["version"] = version
    path = write(tmp_path, document)
    with pytest.raises(ValueError, match=LOAD) as caught:
        nn.load(path)
    assert str(caught.value) == (
        f"load() got {str(path)!r} with format version {version!r} in field 'version'; this glassgrad reads "
        "version 1 (the integer). Upgrade glassgrad or save the model again."
    )


def test_unknown_and_missing_top_level_fields_are_named(tmp_path):
    path = write(tmp_path, {"format": "glassgrad.nn", "version": 1, "parameters": {}, "code": "rm -rf /"})
    with pytest.raises(ValueError, match=LOAD) as caught:
        nn.load(path)
    assert str(caught.value) == (
        f"load() got {str(path)!r} with unknown field 'code'; missing field 'architecture'; expected exactly "
        "'format', 'version', 'architecture', 'parameters'."
    )


@pytest.mark.parametrize("value", [True, "1.0", None, [1.0], 10**400])
def test_a_parameter_that_is_not_a_finite_number_is_named(tmp_path, value):
    path = write(tmp_path, model_file({"type": "Neuron", "n_inputs": 1, "activation": "linear"},
                                      {"weights.0": value, "bias": 0.0}))
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    with pytest.raises(ValueError, match=LOAD) as caught:
        nn.load(path)
    assert str(caught.value) == (
        f"load() got {str(path)!r} with {shown} in field 'parameters.weights.0'; expected a finite number."
    )


@pytest.mark.parametrize(
    ("architecture", "field", "expected"),
    [
        ({"type": "Dense", "n_inputs": 10**7, "n_outputs": 1, "activation": "linear"},
         "architecture.n_inputs", "an integer from 1 to 10,000"),
        ({"type": "Dense", "n_inputs": 1e7, "n_outputs": 1, "activation": "linear"},
         "architecture.n_inputs", "an integer from 1 to 10,000"),
        ({"type": "Dense", "n_inputs": True, "n_outputs": 1, "activation": "linear"},
         "architecture.n_inputs", "an integer from 1 to 10,000"),
        ({"type": "Neuron", "n_inputs": 0, "activation": "linear"},
         "architecture.n_inputs", "an integer from 1 to 10,000"),
        ({"type": "Neuron", "n_inputs": 2, "activation": 3},
         "architecture.activation", "the name of an activation such as 'relu'"),
        ({"type": "MLP", "n_inputs": 2, "layer_sizes": [4] * 2000, "activation": "relu", "output_activation": "linear"},
         "architecture.layer_sizes", "a list of 1 to 1,000 integers from 1 to 10,000"),
        ({"type": "Dropout", "p": True}, "architecture.p", "a number from 0 to 1"),
        ({"type": "Dropout", "p": 1.5}, "architecture.p", "a number from 0 to 1"),
        ({"type": "Sequential", "layers": {"0": {"type": "Dropout", "p": 0.5}}},
         "architecture.layers", "a list of at most 1,000 module descriptions"),
    ],
)
def test_an_architecture_field_of_the_wrong_type_or_size_is_named(tmp_path, architecture, field, expected):
    path = write(tmp_path, model_file(architecture))
    value = architecture[field.rpartition(".")[2]]
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    with pytest.raises(ValueError, match=LOAD) as caught:
        nn.load(path)
    assert str(caught.value) == f"load() got {str(path)!r} with {shown} in field {field!r}; expected {expected}."


def test_unknown_and_missing_architecture_fields_are_named(tmp_path):
    path = write(tmp_path, model_file({"type": "Neuron", "n_inputs": 1, "activation": "relu", "seed": 3}))
    with pytest.raises(ValueError, match=LOAD) as caught:
        nn.load(path)
    assert str(caught.value) == (
        f"load() got {str(path)!r} with unknown field 'architecture.seed' for a Neuron; expected 'n_inputs', "
        "'activation'."
    )
    path = write(tmp_path, model_file({"type": "Dense", "n_inputs": 1, "activation": "relu"}))
    with pytest.raises(ValueError, match=LOAD) as caught:
        nn.load(path)
    assert str(caught.value) == f"load() got {str(path)!r} without field 'architecture.n_outputs'; a Dense needs it."


# --- bounds on widths, depth and parameter counts, before anything is built ------------------------


def test_too_many_parameters_are_refused_before_building(tmp_path, monkeypatch):
    built = []
    monkeypatch.setattr(nn.Dense, "from_architecture", classmethod(lambda cls, a: built.append(a)))
    layer = {"type": "Dense", "n_inputs": 10_000, "n_outputs": 10_000, "activation": "linear"}
    path = write(tmp_path, model_file({"type": "Sequential", "layers": [layer]}))
    with pytest.raises(ValueError, match=LOAD) as caught:
        nn.load(path)
    assert str(caught.value) == (
        f"load() got {str(path)!r} whose field 'architecture.layers.0' describes more than 200,000 parameters; "
        "a model may have at most that many."
    )
    assert built == []


def test_a_parameter_count_that_does_not_match_the_file_is_refused_before_building(tmp_path):
    path = write(tmp_path, model_file({"type": "MLP", "n_inputs": 99, "layer_sizes": [1000, 99],
                                       "activation": "relu", "output_activation": "linear"}))
    with pytest.raises(ValueError, match=LOAD) as caught:
        nn.load(path)
    assert str(caught.value) == (
        f"load() got {str(path)!r} whose field 'architecture' describes 199,099 parameters, but field "
        "'parameters' holds 0; the file is corrupted or was edited by hand."
    )


def test_too_many_entries_in_parameters_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(persistence, "MAX_PARAMETERS", 2)
    path = write(tmp_path, model_file(None, {"a": 1.0, "b": 2.0, "c": 3.0}))
    with pytest.raises(ValueError, match=r"with 3 entries in field 'parameters'; a model may have at most 2\.$"):
        nn.load(path)


def test_a_400_deep_nested_sequential_is_refused_without_recursion_error(tmp_path):
    architecture: dict[str, object] = {"type": "Dropout", "p": 0.5}
    for _ in range(400):
        architecture = {"type": "Sequential", "layers": [architecture]}
    path = write(tmp_path, model_file(architecture))
    with pytest.raises(ValueError, match=LOAD) as caught:
        nn.load(path)
    field = "architecture" + ".layers.0" * 32
    assert str(caught.value) == (
        f"load() got {str(path)!r} with modules nested more than 32 deep at field {field!r}; no model saved by "
        "glassgrad nests so deeply."
    )


def test_too_many_layers_in_one_sequential_are_refused(tmp_path):
    path = write(tmp_path, model_file({"type": "Sequential", "layers": [{"type": "Dropout", "p": 0.1}] * 1001}))
    with pytest.raises(ValueError, match=r"with \[\{'type'.* in field 'architecture.layers'; expected a list of at"):
        nn.load(path)


def test_an_unknown_type_lists_the_known_ones(tmp_path):
    path = write(tmp_path, model_file({"type": "Sequential", "layers": [{"type": "os.system"}]}))
    with pytest.raises(ValueError, match=LOAD) as caught:
        nn.load(path)
    assert str(caught.value).startswith(
        f"load() got {str(path)!r} with type 'os.system' in field 'architecture.layers.0.type'; expected one of "
    )
    assert "Dense" in str(caught.value)


class Wrapper(nn.Module):
    """A user's module that keeps an nn module's description inside its own."""

    def __init__(self, inner: nn.Module) -> None:
        self.inner = inner

    def architecture(self):
        return {"type": f"{__name__}.Wrapper", "inner": self.inner.architecture()}

    @classmethod
    def from_architecture(cls, architecture):
        return cls(persistence.build(architecture["inner"]))


def test_a_user_module_round_trips_and_its_inner_descriptions_are_bounded_too(tmp_path):
    model = Wrapper(nn.Dense(2, 1, seed=0))
    model.save(tmp_path / "w.json")
    assert nn.load(tmp_path / "w.json").state_dict() == model.state_dict()
    hostile = model_file({"type": f"{__name__}.Wrapper",
                          "inner": {"type": "Dense", "n_inputs": 10**7, "n_outputs": 1, "activation": "linear"}})
    path = write(tmp_path, hostile)
    with pytest.raises(ValueError, match=r"with 10000000 in field 'architecture.inner.n_inputs'; expected an integer"):
        nn.load(path)
    path = write(tmp_path, model_file({"type": f"{__name__}.Wrapper", "size": 10**9}))
    with pytest.raises(ValueError, match=r"with 1000000000 in field 'architecture.size'; numbers in a saved"):
        nn.load(path)


def test_a_bad_file_loads_nothing_into_a_given_model(tmp_path):
    text = '{"format": "glassgrad.nn", "version": 1, "architecture": null, '
    text += '"parameters": {"weights.0": 5, "bias": 1e999}}'
    path = write(tmp_path, text)
    loads_nothing(path, r"in field 'parameters.bias'; expected a finite number")


# --- the registry and the split --------------------------------------------------------------


def test_every_dropout_rate_nn_accepts_round_trips(tmp_path):
    for p in (0.0, 0.5, 1.0):
        nn.Sequential(nn.Dropout(p)).save(tmp_path / "d.json")
        assert nn.load(tmp_path / "d.json").layers[0].p == p


def test_the_public_api_is_unchanged_by_the_split(tmp_path):
    model = nn.MLP(2, [3, 1], seed=0)
    model.save(tmp_path / "m.json")
    assert nn.load is persistence.load
    assert nn.load(tmp_path / "m.json").state_dict() == model.state_dict()
    assert persistence.REGISTRY["MLP"] is nn.MLP
    assert not hasattr(nn.Module, "_registry")


# --- parameters found by isinstance, not by the text of annotations ----------------------------------


class Fancy(nn.Module):
    weights: Sequence[Value]
    extra: list[Parameter] | None
    gain: Parameter | None
    spare: tuple[Value, ...]

    def __init__(self) -> None:
        self.spare = ()  # empty: only the annotation says it holds Values
        self.weights = (Parameter(1.0), Parameter(2.0))
        self.extra = None
        self.gain = Parameter(3.0)
        self.plain = [Parameter(4.0)]  # not annotated: holding Values makes it a parameter field


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("weights", [1.0, 2.0], "Fancy got weights=[1.0, 2.0]; weights must be a list of Values."),
        ("extra", [5.0], "Fancy got extra=[5.0]; extra must be a list of Values."),
        ("gain", 3.0, "Fancy got gain=3.0; gain must be a Value."),
        ("plain", [4.0], "Fancy got plain=[4.0]; plain must be a list of Values."),
        ("spare", [4.0], "Fancy got spare=[4.0]; spare must be a list of Values."),
        ("weights", None, "Fancy got weights=None; weights must be a list of Values."),
    ],
)
def test_every_spelling_of_a_value_field_is_guarded(field, value, message):
    fancy = Fancy()
    with pytest.raises(TypeError) as caught:
        setattr(fancy, field, value)
    assert str(caught.value).startswith(message)
    assert fancy.num_parameters() == 4


def test_optional_value_fields_accept_none_and_values():
    fancy = Fancy()
    fancy.extra = [Parameter(5.0)]
    fancy.gain = None
    assert [name for name, _ in fancy.named_parameters()] == ["weights.0", "weights.1", "extra.0", "plain.0"]


def test_another_nn_class_named_mlp_that_cannot_be_rebuilt_never_takes_nn_mlps_name(monkeypatch):
    monkeypatch.setattr(persistence, "REGISTRY", dict(persistence.REGISTRY))
    look_alike = type("MLP", (nn.Module,), {"__module__": "nn.micrograd", "__qualname__": "MLP"})
    assert persistence.REGISTRY["MLP"] is nn.MLP
    assert persistence.REGISTRY["nn.micrograd.MLP"] is look_alike


# --- what reaches a user's from_architecture, and OS errors worded as save words them ----------------


class Configured(nn.Module):
    """A user's module whose from_architecture would trust whatever the file holds."""

    received: ClassVar[list] = []

    def __init__(self, inner: nn.Module) -> None:
        self.inner = inner

    def architecture(self):
        return {"type": f"{__name__}.Configured", "inner": self.inner.architecture()}

    @classmethod
    def from_architecture(cls, architecture):
        cls.received.append(architecture)
        return cls(persistence.build(architecture["inner"]))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"config": {"depth": 1}}, r"with \{'depth': 1\} in field 'architecture.config'; a saved architecture's "
                                   r"fields hold numbers, strings, flat lists of them and module descriptions"),
        ({"grid": [[1, 2], [3]]}, r"with \[1, 2\] in field 'architecture.grid.0'; .*nothing nested deeper"),
        ({"name": "x" * 5000}, r"a string of 5,000 characters in field 'architecture.name'; strings in a saved "
                               r"architecture may hold at most 1,000"),
        ({"sizes": [10**9]}, r"with 1000000000 in field 'architecture.sizes.0'; numbers in a saved architecture"),
    ],
    ids=["dict", "nested-list", "long-string", "huge-number-in-a-list"],
)
def test_nested_or_unbounded_fields_never_reach_a_user_modules_from_architecture(tmp_path, extra, message):
    Configured(nn.Dense(2, 1, seed=0)).save(tmp_path / "c.json")
    assert nn.load(tmp_path / "c.json").num_parameters() == 3  # the clean file loads
    Configured.received.clear()
    document = json.loads((tmp_path / "c.json").read_text())
    document["architecture"].update(extra)
    path = write(tmp_path, json.dumps(document))
    with pytest.raises(ValueError, match=message):
        nn.load(path)
    assert Configured.received == []


def test_a_symbolic_link_loop_is_worded_as_save_words_it(tmp_path):
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    with pytest.raises(persistence.FileReadError) as caught:
        nn.load(loop)
    assert str(caught.value) == (
        f"load() could not read {str(loop)!r}: Too many levels of symbolic links. The path is a symbolic link that "
        "leads back to itself: point it at the model file."
    )
    assert caught.value.errno == errno.ELOOP
    with pytest.raises(OSError, match=r"^save\(\) could not write .*: Too many levels of symbolic links"):
        nn.Neuron(1, seed=0).save(loop)


def test_a_path_with_a_nul_byte_is_refused_by_load_and_save_alike():
    for caller, action in (("load()", lambda: nn.load("model\0.json")),
                           ("save()", lambda: nn.Neuron(1, seed=0).save("model\0.json"))):
        with pytest.raises(ValueError, match=re.escape(caller) + r" got 'model\\x00.json', which holds a NUL "
                           r"character \(\\x00\); no file path can contain one"):
            action()


def test_an_unreadable_file_is_worded_with_the_fix(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    nn.Neuron(1, seed=0).save(path)
    real_open = os.open

    def refuse(name, flags, *args):  # root may read any file, so the refusal is staged
        if os.fspath(name) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(name, flags, *args)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(persistence.FileReadError) as caught:
        nn.load(path)
    assert str(caught.value) == (
        f"load() could not read {str(path)!r}: Permission denied. The file is not readable by this user: "
        "chmod u+r, or load a copy."
    )
    assert caught.value.errno == errno.EACCES
