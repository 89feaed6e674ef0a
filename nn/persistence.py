"""Saving and loading models: the file format, the registry of module types, ``save``, ``build`` and ``load``.

A saved model is plain JSON, never pickle, so opening one runs no code::

    {"format": "glassgrad.nn", "version": 1,
     "architecture": {"type": "Neuron", "n_inputs": 2, "activation": "sigmoid"},
     "parameters": {"weights.0": 3.0, "weights.1": -2.0, "bias": 1.0}}

``load`` treats every file as untrusted: only a regular file no larger than
``MAX_FILE_BYTES``; every field of the exact type expected; widths, depth and
the number of parameters bounded *before* anything is built, so a 155-byte file
asking for ``Dense(n_inputs=10**7)`` is refused at once. Every problem is a
``ValueError`` naming the file and the field, and nothing is half-loaded.

Example:
    >>> import nn, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "neuron.json")
    >>> nn.Neuron(2, weights=[3, -2], bias=1).save(path)
    >>> load(path).state_dict()
    {'weights.0': 3.0, 'weights.1': -2.0, 'bias': 1.0}
"""

from __future__ import annotations

import errno
import itertools
import json
import math
import os
import stat
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from autograd.files import write_atomically
from nn.checks import is_finite_number

if TYPE_CHECKING:
    from nn.module import Module

FORMAT = "glassgrad.nn"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 32 * 1024 * 1024
"""The largest model file ``load`` reads: room for ``MAX_PARAMETERS`` with long names."""
MAX_PARAMETERS = 200_000
"""The most parameters a loaded model may have (a scalar engine takes seconds per step beyond this)."""
MAX_WIDTH = 10_000
"""The most inputs or outputs a saved layer may have."""
MAX_DEPTH = 32
"""How deeply saved modules may nest (a Sequential in a Sequential in ...)."""
MAX_LAYERS = 1_000
"""The most layers one saved ``Sequential`` or ``MLP`` may list."""
MAX_MODULES = 10_000
"""The most modules one saved architecture may describe."""
MAX_TEXT = 1_000
"""The longest string a user module's saved field may hold."""


class FileReadError(OSError):
    """A model file could not be read (a permission, a looping link, a disk error); ``errno`` is kept.

    Worded as ``save``'s errors are: the caller, the user's path, the reason and the fix.

    Example:
        >>> import errno
        >>> str(FileReadError(errno.EACCES, "load() could not read 'm.json': Permission denied.", "m.json"))
        "load() could not read 'm.json': Permission denied."
    """

    def __str__(self) -> str:
        return str(self.strerror)

Architecture = dict[str, object]
"""A JSON description of how to rebuild a module, e.g. ``{"type": "Dense", ...}``."""

REGISTRY: dict[str, type[Module]] = {}
"""Every Module subclass by the ``"type"`` a saved architecture names, so ``load`` can rebuild it."""

_TOP_LEVEL = ("format", "version", "architecture", "parameters")


def register(cls: type[Module]) -> None:
    """Make ``cls`` rebuildable by ``load`` (``Module`` calls this for every subclass).

    nn's own classes are registered by their short name (``"MLP"``), others by
    module and name (``"__main__.MLP"``), so a notebook's class ``MLP`` never
    hides ``nn.MLP``; re-running a notebook cell replaces the class.

    Only nn's classes that can be rebuilt (they define ``from_architecture``)
    take a short name, so another nn module's class called ``MLP`` (say, a
    micrograd-compatible one) never takes ``nn.MLP``'s place.

    Example:
        >>> import nn
        >>> REGISTRY["Dense"] is nn.Dense
        True
    """
    ours = cls.__module__ == "nn" or cls.__module__.startswith("nn.")
    if ours and "from_architecture" in vars(cls):
        REGISTRY[cls.__name__] = cls
    else:
        REGISTRY[f"{cls.__module__}.{cls.__qualname__}"] = cls


def save(module: Module, path: str | os.PathLike[str]) -> None:
    """Write ``module``'s parameters (and its architecture when known) to a JSON file, atomically.

    Args:
        module: the model to save.
        path: where to write, e.g. ``"model.json"``.

    Raises:
        ValueError: a parameter is inf or nan (JSON cannot hold it).
        autograd.files.MissingFolderError: the folder to write in does not exist.
        autograd.files.UnsafeFileError: ``path`` is a folder, FIFO, device or read-only file.

    Example:
        >>> import nn, os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "m.json")
        >>> save(nn.Neuron(1, weights=[2.0]), path); load(path).state_dict()
        {'weights.0': 2.0, 'bias': 0.0}
    """
    _check_path("save()", path, "model.save('model.json')")
    state = module.state_dict()
    for name, value in state.items():
        if not math.isfinite(value):
            raise ValueError(
                f"save() got parameter {name!r} = {value!r}; only finite numbers can be saved. "
                "Training diverged: lower the learning rate."
            )
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "architecture": module.architecture(),
        "parameters": state,
    }
    write_atomically(path, json.dumps(document, indent=1).encode("utf-8"), caller="save()")


def build(architecture: object) -> Module:
    """Rebuild a module (weights not set) from a saved architecture description.

    Raises:
        ValueError: the description names no known module type or does not fit it.

    Example:
        >>> build({"type": "Dropout", "p": 0.25})
        Dropout(p=0.25)
    """
    if not isinstance(architecture, dict) or not isinstance(architecture.get("type"), str):
        raise ValueError(f"build() got {architecture!r}; expected a dict with a 'type' such as 'MLP'.")
    kind = architecture["type"]
    cls = REGISTRY.get(kind)
    if cls is None:
        raise ValueError(f"build() got type {kind!r}; expected one of {', '.join(sorted(REGISTRY))}.")
    return cls.from_architecture(architecture)


def load(path: str | os.PathLike[str], model: Module | None = None) -> Module:
    """Read a model written by ``Module.save()``; every problem is a clear error and changes nothing.

    The file is untrusted: see the module docstring for the bounds.

    Args:
        path: the file ``save()`` wrote.
        model: load the weights into this model instead of rebuilding one from
            the saved architecture (needed for your own Module subclasses).

    Returns:
        The model with the saved weights (``model`` itself when given).

    Raises:
        FileNotFoundError: there is no file at ``path``.
        FileReadError: the file cannot be read (no permission, a symbolic link
            that loops, a disk error), worded as ``save`` words its errors.
        ValueError: the file is not a regular file, too large, not valid JSON,
            not a glassgrad model, a field has the wrong type or is out of
            bounds, or its parameters do not fit the model. The message names
            the file and the field. A path holding a NUL character.
        TypeError: ``path`` is not a path, or ``model`` is not a Module.

    Example:
        >>> import nn, os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
        >>> nn.MLP(2, [3, 1], seed=0).save(path)
        >>> load(path)
        MLP(2 → 3 → 1, 13 parameters)
          layers.0: Dense(2 → 3, relu)
          layers.1: Dense(3 → 1, linear)
    """
    from nn.module import Module

    _check_path("load()", path, "nn.load('model.json')")
    if model is not None and not isinstance(model, Module):
        raise TypeError(f"load() got model {model!r} of type {type(model).__name__}; expected an nn.Module.")
    where = os.fspath(path)
    document = _read_document(where)
    architecture, parameters = _check_document(document, where)
    if model is None:
        if architecture is None:
            raise ValueError(
                f"load() got {where!r}, saved from a model it cannot rebuild (a custom module or activation); "
                "pass the model to fill: nn.load(path, model)."
            )
        _check_architecture(architecture, where, len(parameters))
        try:
            model = build(architecture)
        except (ValueError, TypeError) as error:
            raise ValueError(f"load() got {where!r} with an invalid architecture: {error}") from None
    try:
        model.load_state_dict(parameters)
    except ValueError as error:
        raise ValueError(f"load() got {where!r}, which does not fit the model: {error}") from None
    return model


# --- reading: a regular file of bounded size, strict JSON --------------------------------------


def _read_document(where: str) -> object:
    # O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked on the open file.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(where, flags)
    except FileNotFoundError:
        raise FileNotFoundError(
            f"load() got {where!r}; there is no such file. Save a model first with model.save(path)."
        ) from None
    except IsADirectoryError:
        raise ValueError(
            f"load() got {where!r}, which is a folder, not a regular file; expected a file from model.save()."
        ) from None
    except OSError as error:
        raise _reading(error, where) from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise ValueError(
                f"load() got {where!r}, which is {_kind(status.st_mode)}, not a regular file; "
                "expected a file from model.save()."
            )
        if status.st_size > MAX_FILE_BYTES:
            raise ValueError(_too_large(where, status.st_size))
        data = _read_at_most(descriptor, MAX_FILE_BYTES + 1)
    except OSError as error:
        raise _reading(error, where) from None
    finally:
        os.close(descriptor)
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(_too_large(where, len(data)))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"load() got {where!r}, which is not a text file ({error}); expected a file from model.save()."
        ) from None
    try:
        return json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"load() got {where!r}, which is not valid JSON ({error}); the file is corrupted or was not written by "
            "model.save()."
        ) from None
    except RecursionError:
        raise ValueError(f"load() got {where!r}, whose JSON is nested too deeply; it is no model file.") from None
    except ValueError as error:
        raise ValueError(f"load() got {where!r}, which is not strict JSON: {error}.") from None


def _check_path(caller: str, path: object, example: str) -> None:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"{caller} got {path!r} of type {type(path).__name__}; expected the path of a saved model, e.g. {example}."
        )
    if "\0" in os.fspath(path):
        raise ValueError(
            f"{caller} got {os.fspath(path)!r}, which holds a NUL character (\\x00); no file path can contain one. "
            "Check where the name came from."
        )


def _reading(error: OSError, where: str) -> FileReadError:
    """The same kind of error (errno kept), worded like ``save``'s: the path, the reason, the fix."""
    reason = error.strerror or str(error)
    hint = {
        errno.EACCES: " The file is not readable by this user: chmod u+r, or load a copy.",
        errno.EPERM: " The file is not readable by this user: chmod u+r, or load a copy.",
        errno.ELOOP: " The path is a symbolic link that leads back to itself: point it at the model file.",
        errno.ENAMETOOLONG: " Use a shorter path.",
        errno.EIO: " The disk could not be read; the file may be damaged.",
    }.get(error.errno or 0, "")
    return FileReadError(error.errno, f"load() could not read {where!r}: {reason}.{hint}", where)


def _read_at_most(descriptor: int, limit: int) -> bytes:
    # A file that grows while being read still stops at the limit.
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = os.read(descriptor, min(limit - size, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _kind(mode: int) -> str:
    kinds = {
        stat.S_ISDIR: "a folder",
        stat.S_ISFIFO: "a FIFO (named pipe)",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
    }
    return next((kind for is_kind, kind in kinds.items() if is_kind(mode)), "not a regular file")


def _too_large(where: str, size: int) -> str:
    return (
        f"load() got {where!r} of {size:,} bytes; a model file may have at most {MAX_FILE_BYTES:,} bytes "
        f"({MAX_PARAMETERS:,} parameters)."
    )


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number a model may hold")


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


# --- checking: every field of the exact type, every size bounded, before building --------------


def _check_document(document: object, where: str) -> tuple[object, dict[str, float]]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"load() got {where!r}, which is not a glassgrad model file (no \"format\": {FORMAT!r}).")
    version = document.get("version")
    if type(version) is not int or version != FORMAT_VERSION:  # True == 1 and 1.0 == 1, but neither is a version
        raise ValueError(
            f"load() got {where!r} with format version {version!r} in field 'version'; this glassgrad reads version "
            f"{FORMAT_VERSION} (the integer). Upgrade glassgrad or save the model again."
        )
    unknown = [key for key in document if key not in _TOP_LEVEL]
    missing = [key for key in _TOP_LEVEL if key not in document]
    if unknown or missing:
        found = "; ".join(
            [f"unknown field {key!r}" for key in unknown] + [f"missing field {key!r}" for key in missing]
        )
        raise ValueError(f"load() got {where!r} with {found}; expected exactly {', '.join(map(repr, _TOP_LEVEL))}.")
    parameters = document["parameters"]
    if not isinstance(parameters, dict):
        raise ValueError(
            f"load() got {where!r} with parameters {_short(parameters)} in field 'parameters'; "
            "expected a dict of name → number."
        )
    if len(parameters) > MAX_PARAMETERS:
        raise ValueError(
            f"load() got {where!r} with {len(parameters):,} entries in field 'parameters'; a model may have at most "
            f"{MAX_PARAMETERS:,}."
        )
    for name, value in parameters.items():
        if not is_finite_number(value):
            raise ValueError(
                f"load() got {where!r} with {_short(value)} in field 'parameters.{name}'; expected a finite number."
            )
    return document["architecture"], parameters


def _check_architecture(architecture: object, where: str, n_parameters: int) -> None:
    """Walk the description without recursion; refuse what is malformed or too large before building it."""
    pending: list[tuple[object, str, int]] = [(architecture, "architecture", 1)]
    modules, total, exact = 0, 0, True
    while pending:
        description, field, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise ValueError(
                f"load() got {where!r} with modules nested more than {MAX_DEPTH} deep at field {field!r}; "
                "no model saved by glassgrad nests so deeply."
            )
        modules += 1
        if modules > MAX_MODULES:
            raise ValueError(f"load() got {where!r} with more than {MAX_MODULES:,} modules in field 'architecture'.")
        if not isinstance(description, dict) or not isinstance(description.get("type"), str):
            raise ValueError(
                f"load() got {where!r} with {_short(description)} in field {field!r}; expected a dict with a "
                "'type' such as 'MLP'."
            )
        kind = description["type"]
        if kind not in REGISTRY:
            raise ValueError(
                f"load() got {where!r} with type {_short(kind)} in field '{field}.type'; expected one of "
                f"{', '.join(sorted(REGISTRY))}."
            )
        rule = _RULES.get(kind)
        if rule is None:
            # A user's own Module: its from_architecture checks its fields; numbers are still bounded here.
            exact = False
            _check_plain_fields(description, where, field)
            pending.extend((child, name, depth + 1) for child, name in _inner_modules(description, field))
            continue
        fields, count_parameters = rule
        _check_fields(description, fields, where, field)
        layers = description.get("layers") if kind == "Sequential" else None
        if isinstance(layers, list):
            pending.extend((layer, f"{field}.layers.{i}", depth + 1) for i, layer in enumerate(layers))
        total += count_parameters(description)
        if total > MAX_PARAMETERS:
            raise ValueError(
                f"load() got {where!r} whose field {field!r} describes more than {MAX_PARAMETERS:,} parameters; "
                "a model may have at most that many."
            )
    if exact and total != n_parameters:
        raise ValueError(
            f"load() got {where!r} whose field 'architecture' describes {total:,} parameters, but field "
            f"'parameters' holds {n_parameters:,}; the file is corrupted or was edited by hand."
        )


def _width(value: object) -> bool:
    return type(value) is int and 1 <= value <= MAX_WIDTH


def _layer_sizes(value: object) -> bool:
    return isinstance(value, list) and 1 <= len(value) <= MAX_LAYERS and all(_width(size) for size in value)


def _probability(value: object) -> bool:
    return type(value) in (int, float) and 0.0 <= value <= 1.0  # type: ignore[operator]


def _layers(value: object) -> bool:
    return isinstance(value, list) and len(value) <= MAX_LAYERS


def _name(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 100


_EXPECTED: dict[Callable[[object], bool], str] = {
    _width: f"an integer from 1 to {MAX_WIDTH:,}",
    _layer_sizes: f"a list of 1 to {MAX_LAYERS:,} integers from 1 to {MAX_WIDTH:,}",
    _probability: "a number from 0 to 1",
    _layers: f"a list of at most {MAX_LAYERS:,} module descriptions",
    _name: "the name of an activation such as 'relu'",
}


def _mlp_parameters(description: Mapping[str, object]) -> int:
    widths = [description["n_inputs"], *description["layer_sizes"]]  # type: ignore[misc]
    return sum((int(n_in) + 1) * int(n_out) for n_in, n_out in itertools.pairwise(widths))


# Per nn type: its fields with their checks, and how many parameters it holds.
_RULES: dict[str, tuple[dict[str, Callable[[object], bool]], Callable[[Mapping[str, object]], int]]] = {
    "Neuron": ({"n_inputs": _width, "activation": _name}, lambda d: int(d["n_inputs"]) + 1),  # type: ignore[call-overload]
    "Dense": (
        {"n_inputs": _width, "n_outputs": _width, "activation": _name},
        lambda d: (int(d["n_inputs"]) + 1) * int(d["n_outputs"]),  # type: ignore[call-overload]
    ),
    "MLP": (
        {"n_inputs": _width, "layer_sizes": _layer_sizes, "activation": _name, "output_activation": _name},
        _mlp_parameters,
    ),
    "Sequential": ({"layers": _layers}, lambda d: 0),
    "Dropout": ({"p": _probability}, lambda d: 0),
}


def _check_fields(
    description: Mapping[str, object], fields: Mapping[str, Callable[[object], bool]], where: str, field: str
) -> None:
    kind = description["type"]
    for key in description:
        if key != "type" and key not in fields:
            raise ValueError(
                f"load() got {where!r} with unknown field '{field}.{key}' for a {kind}; expected "
                f"{', '.join(map(repr, fields))}."
            )
    for key, is_valid in fields.items():
        if key not in description:
            raise ValueError(f"load() got {where!r} without field '{field}.{key}'; a {kind} needs it.")
        value = description[key]
        if not is_valid(value):
            raise ValueError(
                f"load() got {where!r} with {_short(value)} in field '{field}.{key}'; expected {_EXPECTED[is_valid]}."
            )


def _check_plain_fields(description: Mapping[str, object], where: str, field: str) -> None:
    # Only flat numbers, strings, booleans, None, lists of them, and module descriptions (checked as modules)
    # reach a user's from_architecture: nothing nested deeper, nothing unbounded.
    for key, value in description.items():
        if isinstance(value, list) and len(value) > MAX_LAYERS:
            raise ValueError(
                f"load() got {where!r} with a list of {len(value):,} items in field '{field}.{key}'; a saved "
                f"architecture's lists may hold at most {MAX_LAYERS:,}."
            )
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            at = f"{field}.{key}" if index is None else f"{field}.{key}.{index}"
            if isinstance(item, dict) and "type" in item:
                continue  # a module's description: _inner_modules hands it to the walk
            if type(item) is int and abs(item) > MAX_WIDTH:
                raise ValueError(
                    f"load() got {where!r} with {_short(item)} in field {at!r}; numbers in a saved "
                    f"architecture may be at most {MAX_WIDTH:,}."
                )
            if isinstance(item, str) and len(item) > MAX_TEXT:
                raise ValueError(
                    f"load() got {where!r} with a string of {len(item):,} characters in field {at!r}; strings in a "
                    f"saved architecture may hold at most {MAX_TEXT:,}."
                )
            if not (item is None or isinstance(item, (bool, int, float, str))):
                raise ValueError(
                    f"load() got {where!r} with {_short(item)} in field {at!r}; a saved architecture's fields hold "
                    "numbers, strings, flat lists of them and module descriptions, nothing nested deeper."
                )


def _inner_modules(description: Mapping[str, object], field: str) -> list[tuple[object, str]]:
    # A user's module may keep nn modules' descriptions inside its own: they are checked like any other.
    found: list[tuple[object, str]] = []
    for key, value in description.items():
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            if isinstance(item, dict) and "type" in item:
                found.append((item, f"{field}.{key}" if index is None else f"{field}.{key}.{index}"))
    return found


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
