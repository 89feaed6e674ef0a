"""``Module``: the base of every layer and model, and ``Sequential``.

A module keeps its parameters in ordinary attributes: a ``Value``, a list of
Values, another module or a list of modules. ``parameters()`` finds them by
walking those attributes in the order they were assigned, so a subclass only
declares and assigns its fields; it never lists its parameters by hand::

    class Neuron(Module):
        weights: list[Parameter]
        bias: Parameter

Names are the attribute paths (``layers.0.neurons.2.weights.1``), the keys of
``state_dict()`` and of a saved file, and the ``autograd.scope`` a module opens
when it is called, so a drawing of a loss can collapse to neurons or layers.

Example:
    >>> import nn
    >>> model = nn.MLP(2, [3, 1], seed=0)
    >>> model.num_parameters(), next(iter(model.state_dict()))
    (13, 'layers.0.neurons.0.weights.0')
"""

from __future__ import annotations

import inspect
import json
import math
import os
import re
import reprlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar

from autograd import Value
from autograd.files import write_atomically
from autograd.recording import RECORDING, Recording
from nn.checks import is_finite_number

FORMAT = "glassgrad.nn"
FORMAT_VERSION = 1

Architecture = dict[str, object]
"""A JSON description of how to rebuild a module, e.g. ``{"type": "Dense", ...}``."""


class Module:
    """Base class of layers and models.

    Attributes:
        training: True in training mode (dropout active), False after ``eval()``.

    Example:
        >>> import nn
        >>> from autograd import Parameter
        >>> class Line(nn.Module):
        ...     slope: Parameter
        ...     def __init__(self) -> None:
        ...         self.slope = Parameter(2.0)
        ...     def __call__(self, inputs):
        ...         return self.slope * inputs[0]
        >>> Line().named_parameters()
        [('slope', Parameter(data=2.0, grad=0.0))]
    """

    training: bool = True
    # Every subclass by the "type" a saved architecture names, so nn.load() can rebuild it:
    # nn's own classes by their short name ("MLP"), others by module and name
    # ("__main__.MLP"), so a notebook's class MLP never hides nn.MLP.
    _registry: ClassVar[dict[str, type[Module]]] = {}
    # The name this module has inside its parent ("layers.0"), its scope name.
    _name: str = ""
    # (the recording in force when last called, the same with this scope added).
    _scope_cache: tuple[Recording, Recording] | None = None

    # Fields declared as a Value ("bias: Value") or a list of them ("weights: list[Value]").
    _value_fields: ClassVar[dict[str, bool]] = {}

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        Module._registry[_registry_key(cls)] = cls
        fields = dict(cls._value_fields)
        for name, annotation in inspect.get_annotations(cls).items():
            text = annotation.__name__ if isinstance(annotation, type) else str(annotation)
            match = _VALUE_FIELD.fullmatch(text)
            if match and not name.startswith("_"):
                fields[name] = bool(match.group(1))
        cls._value_fields = fields

    def __setattr__(self, name: str, value: object) -> None:
        if name in self._value_fields:
            _check_value_field(self, name, value, self._value_fields[name])
        object.__setattr__(self, name, value)
        if not name.startswith("_"):
            _name_children(name, value)

    def __call__(self, inputs: Sequence[Value | float]) -> Value | list[Value]:
        """Compute the module's output for one example; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} does not define __call__(self, inputs).")

    # --- the parameter tree ---------------------------------------------------------

    def _children(self) -> Iterator[tuple[str, Module | Value]]:
        for name, value in vars(self).items():
            if name.startswith("_"):
                continue
            if isinstance(value, (Module, Value)):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for index, item in enumerate(value):
                    if isinstance(item, (Module, Value)):
                        yield f"{name}.{index}", item

    def named_modules(self, prefix: str = "") -> list[tuple[str, Module]]:
        """This module and every module inside it, with dotted paths (``""`` for this one).

        Example:
            >>> import nn
            >>> [name for name, _ in nn.MLP(2, [1], seed=0).named_modules()]
            ['', 'layers.0', 'layers.0.neurons.0']
        """
        found = [(prefix, self)]
        for name, child in self._children():
            if isinstance(child, Module):
                # Naming here too covers lists the user appended to after assigning.
                child._name = name
                found.extend(child.named_modules(f"{prefix}{name}."))
        return [(path.rstrip("."), module) for path, module in found]

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every parameter with its dotted path, in definition order; shared ones once.

        Example:
            >>> import nn
            >>> [name for name, _ in nn.Neuron(2, seed=0).named_parameters()]
            ['weights.0', 'weights.1', 'bias']
        """
        seen: set[int] = set()
        found: list[tuple[str, Value]] = []
        self._collect("", seen, found)
        return found

    def _collect(self, prefix: str, seen: set[int], found: list[tuple[str, Value]]) -> None:
        # Depth first in attribute order, so names come out as the fields were declared.
        for name, child in self._children():
            if isinstance(child, Module):
                child._name = name
                child._collect(f"{prefix}{name}.", seen, found)
            elif id(child) not in seen:
                seen.add(id(child))
                found.append((prefix + name, child))

    def parameters(self) -> list[Value]:
        """Every trainable Value (weights and biases), in definition order.

        Example:
            >>> import nn
            >>> len(nn.Neuron(3, seed=0).parameters())
            4
        """
        return [parameter for _, parameter in self.named_parameters()]

    def num_parameters(self) -> int:
        """How many scalars training adjusts.

        Example:
            >>> import nn
            >>> nn.MLP(2, [16, 16, 1], seed=0).num_parameters()
            337
        """
        return len(self.named_parameters())

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (gradients accumulate across ``backward()`` calls).

        Example:
            >>> import nn
            >>> neuron = nn.Neuron(1, seed=0)
            >>> neuron([2.0]).backward(); neuron.zero_grad()
            >>> neuron.bias.grad
            0.0
        """
        for parameter in self.parameters():
            parameter.grad = 0.0

    # --- modes ----------------------------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Switch this module and all inside it to training mode (dropout active); returns self.

        Example:
            >>> import nn
            >>> nn.Dropout(0.5).eval().train().training
            True
        """
        for _, module in self.named_modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Switch to evaluation mode (dropout passes everything through); returns self.

        Example:
            >>> import nn
            >>> nn.Dropout(0.5).eval().training
            False
        """
        return self.train(False)

    def to_torch(self) -> Any:
        """The same network as a ``torch.nn.Module`` (float64, same weights); see ``nn.pytorch``.

        Example:
            >>> import nn
            >>> type(nn.MLP(2, [1], seed=0).to_torch()).__name__
            'Sequential'
        """
        from nn.pytorch import to_torch

        return to_torch(self)

    # --- scope ----------------------------------------------------------------------------

    def scope(self) -> ModuleScope:
        """A context that tags the Values created inside with this module's name.

        Example:
            >>> import nn
            >>> model = nn.MLP(2, [1], seed=0)
            >>> model([1.0, 2.0]).scope
            ('layers.0', 'neurons.0')
        """
        return ModuleScope(self)

    # --- state --------------------------------------------------------------------------

    def state_dict(self) -> dict[str, float]:
        """Every parameter's value by its dotted name: what ``save()`` writes.

        Example:
            >>> import nn
            >>> nn.Neuron(1, weights=[3.0], bias=1.0).state_dict()
            {'weights.0': 3.0, 'bias': 1.0}
        """
        return {name: parameter.data for name, parameter in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float]) -> None:
        """Set every parameter from ``state``; checks every entry first and changes nothing on a problem.

        Args:
            state: a value for every name in ``named_parameters()``, and nothing else.

        Raises:
            ValueError: a name is missing or unknown, or a value is not a finite number.
            TypeError: ``state`` is not a mapping.

        Example:
            >>> import nn
            >>> neuron = nn.Neuron(1, seed=0)
            >>> neuron.load_state_dict({"weights.0": 3.0, "bias": 1.0})
            >>> neuron.weights[0].data
            3.0
        """
        if not isinstance(state, Mapping):
            raise TypeError(
                f"load_state_dict() got {state!r} of type {type(state).__name__}; expected a dict of name → number "
                "like the one state_dict() returns."
            )
        parameters = dict(self.named_parameters())
        problems = [f"missing {name!r}" for name in parameters if name not in state]
        problems += [f"unexpected {name!r}" for name in state if name not in parameters]
        for name, value in state.items():
            if name in parameters and not is_finite_number(value):
                problems.append(f"{name!r} got {value!r}, expected a finite number")
        if problems:
            raise ValueError(f"load_state_dict() found problems, nothing was loaded: {'; '.join(problems)}.")
        for name, parameter in parameters.items():
            parameter.data = float(state[name])

    def architecture(self) -> Architecture | None:
        """How to rebuild this module from a file, or None for a module ``nn.load`` cannot rebuild.

        Example:
            >>> import nn
            >>> nn.Dense(2, 3, activation="relu").architecture()
            {'type': 'Dense', 'n_inputs': 2, 'n_outputs': 3, 'activation': 'relu'}
        """
        return None

    @classmethod
    def from_architecture(cls, architecture: Mapping[str, object]) -> Module:
        """Build a module (weights not set) from what ``architecture()`` returned.

        Raises:
            ValueError: the description does not fit this class.

        Example:
            >>> import nn
            >>> nn.Dense.from_architecture({"type": "Dense", "n_inputs": 2, "n_outputs": 3, "activation": "relu"})
            Dense(2 → 3, relu)
        """
        raise ValueError(f"{cls.__name__} got architecture {dict(architecture)!r}; it cannot be rebuilt from a file.")

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the parameters (and the architecture when known) to a JSON file.

        The file is written to a temporary file beside ``path`` and moved into
        place, so a crash never leaves a half-written model behind.

        Args:
            path: where to write, e.g. ``"model.json"``.

        Raises:
            ValueError: a parameter is inf or nan (JSON cannot hold it).
            FileNotFoundError: the folder to write in does not exist.

        Example:
            >>> import nn, os, tempfile
            >>> path = os.path.join(tempfile.mkdtemp(), "neuron.json")
            >>> nn.Neuron(2, weights=[3, -2], bias=1).save(path)
            >>> nn.load(path).state_dict()
            {'weights.0': 3.0, 'weights.1': -2.0, 'bias': 1.0}
        """
        state = self.state_dict()
        for name, value in state.items():
            if not math.isfinite(value):
                raise ValueError(
                    f"save() got parameter {name!r} = {value!r}; only finite numbers can be saved. "
                    "Training diverged: lower the learning rate."
                )
        document = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "architecture": self.architecture(),
            "parameters": state,
        }
        text = json.dumps(document, indent=1)
        target = Path(path)
        if not target.parent.is_dir():
            raise FileNotFoundError(
                f"save() got {str(path)!r}; the folder {str(target.parent)!r} does not exist. "
                f"Create it first: os.makedirs({str(target.parent)!r}, exist_ok=True)."
            )
        write_atomically(target, text.encode("utf-8"))

    # --- printing -------------------------------------------------------------------------

    def summary(self) -> str:
        """One line describing this module (the first line of its ``repr``).

        Example:
            >>> import nn
            >>> nn.Neuron(2).summary()
            'Neuron(2 inputs, sigmoid)'
        """
        return f"{type(self).__name__}({self.num_parameters()} parameters)"

    # Layers whose children are all alike (a Dense's neurons) print as one line.
    _show_children: ClassVar[bool] = True

    def __repr__(self) -> str:
        lines = [self.summary()]
        if self._show_children:
            for name, child in self._children():
                if isinstance(child, Module):
                    lines.append(f"  {name}: " + repr(child).replace("\n", "\n  "))
        return "\n".join(lines)


class ModuleScope:
    """What ``Module.scope()`` returns: enters the module's ``autograd.scope``.

    It sets the recording context directly, and caches the scoped settings per
    module, because a training step opens one scope per neuron per example and
    ``contextlib`` plus ``dataclasses.replace`` would cost several times more.
    """

    __slots__ = ("module", "token")

    def __init__(self, module: Module) -> None:
        self.module = module

    def __enter__(self) -> None:
        module = self.module
        if not module._name:
            return
        current = RECORDING.get()
        cache = module._scope_cache
        if cache is None or cache[0] is not current:
            cache = (current, replace(current, scope=(*current.scope, module._name)))
            module._scope_cache = cache
        self.token = RECORDING.set(cache[1])

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.module._name:
            RECORDING.reset(self.token)


def _registry_key(cls: type[Module]) -> str:
    # Redefining a class of the same module and name (re-running a notebook cell) replaces it.
    if cls.__module__ == "nn" or cls.__module__.startswith("nn."):
        return cls.__name__
    return f"{cls.__module__}.{cls.__qualname__}"


# "Value", "Parameter", "list[Value]", "list[Parameter]" (annotations are strings here).
_VALUE_FIELD = re.compile(r"(list\[)?(?:[\w.]+\.)?(?:Value|Parameter)(?(1)\])")


def _check_value_field(module: Module, name: str, value: object, is_list: bool) -> None:
    # A plain number here would silently stop being a parameter: the optimizer, state_dict()
    # and save() would all skip it. Point at .data, which changes the value and keeps the Value.
    owner = type(module).__name__
    if is_list:
        if isinstance(value, list) and all(isinstance(item, Value) for item in value):
            return
        raise TypeError(
            f"{owner} got {name}={reprlib.repr(value)}; {name} must be a list of Values. "
            f"Set {owner.lower()}.{name}[i].data = number to change one."
        )
    if not isinstance(value, Value):
        raise TypeError(
            f"{owner} got {name}={reprlib.repr(value)}; {name} must be a Value. "
            f"Set {owner.lower()}.{name}.data = {reprlib.repr(value)} to change its value."
        )


def _name_children(name: str, value: object) -> None:
    if isinstance(value, Module):
        value._name = name
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if isinstance(item, Module):
                item._name = f"{name}.{index}"


class Sequential(Module):
    """Modules applied one after another: each one's output is the next one's input.

    A final output of one Value is returned as that Value, not a list of one.

    Example:
        >>> import nn
        >>> model = nn.Sequential(nn.Dense(2, 4, activation="relu", seed=0), nn.Dense(4, 1, seed=0))
        >>> model([1.0, -1.0]).data  # doctest: +ELLIPSIS
        -0.4...
        >>> model
        Sequential(2 → 4 → 1, 17 parameters)
          layers.0: Dense(2 → 4, relu)
          layers.1: Dense(4 → 1, linear)
    """

    layers: list[Module]

    def __init__(self, *layers: Module) -> None:
        for position, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(
                    f"Sequential() got {layer!r} of type {type(layer).__name__} at position {position}; "
                    "expected an nn.Module such as nn.Dense(2, 16)."
                )
        self.layers = list(layers)

    def __call__(self, inputs: Sequence[Value | float]) -> Value | list[Value]:
        """Run the example through every layer in order.

        Example:
            >>> import nn
            >>> nn.Sequential(nn.Neuron(1, activation="linear", weights=[2.0], bias=1.0))([3.0]).data
            7.0
        """
        outputs: Sequence[Value | float] | Value = inputs
        with self.scope():
            for layer in self.layers:
                outputs = layer([outputs] if isinstance(outputs, Value) else outputs)
        if isinstance(outputs, Value):
            return outputs
        result = [x if isinstance(x, Value) else Value(x) for x in outputs]
        return result[0] if len(result) == 1 else result

    def summary(self) -> str:
        """One line: the widths from input to output and the parameter count.

        Example:
            >>> import nn
            >>> nn.MLP(2, [16, 16, 1]).summary()
            'MLP(2 → 16 → 16 → 1, 337 parameters)'
        """
        widths = [str(w) for w in _widths(self.layers)]
        shape = " → ".join(widths) + ", " if widths else ""
        return f"{type(self).__name__}({shape}{self.num_parameters()} parameters)"

    def architecture(self) -> Architecture | None:
        """The layers' architectures, or None if any layer cannot be rebuilt.

        Example:
            >>> import nn
            >>> nn.Sequential(nn.Dropout(0.5)).architecture()
            {'type': 'Sequential', 'layers': [{'type': 'Dropout', 'p': 0.5}]}
        """
        layers = [layer.architecture() for layer in self.layers]
        if any(layer is None for layer in layers):
            return None
        return {"type": "Sequential", "layers": layers}

    @classmethod
    def from_architecture(cls, architecture: Mapping[str, object]) -> Module:
        """Rebuild from ``architecture()`` (weights not set).

        Example:
            >>> import nn
            >>> nn.Sequential.from_architecture({"type": "Sequential", "layers": [{"type": "Dropout", "p": 0.5}]})
            Sequential(0 parameters)
              layers.0: Dropout(p=0.5)
        """
        layers = architecture.get("layers")
        if not isinstance(layers, list):
            raise ValueError(f"Sequential got architecture {dict(architecture)!r}; expected a list under 'layers'.")
        return cls(*(build(layer) for layer in layers))


def _widths(layers: Sequence[Module]) -> list[int]:
    widths: list[int] = []
    for layer in layers:
        n_inputs = getattr(layer, "n_inputs", None)
        n_outputs = getattr(layer, "n_outputs", None)
        if isinstance(n_inputs, int) and isinstance(n_outputs, int):
            if not widths:
                widths.append(n_inputs)
            widths.append(n_outputs)
    return widths


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
    cls = Module._registry.get(kind)
    if cls is None:
        raise ValueError(f"build() got type {kind!r}; expected one of {', '.join(sorted(Module._registry))}.")
    return cls.from_architecture(architecture)


def load(path: str | os.PathLike[str], model: Module | None = None) -> Module:
    """Read a model written by ``Module.save()``; every problem is a clear error and changes nothing.

    Args:
        path: the file ``save()`` wrote.
        model: load the weights into this model instead of rebuilding one from
            the saved architecture (needed for your own Module subclasses).

    Returns:
        The model with the saved weights (``model`` itself when given).

    Raises:
        FileNotFoundError: there is no file at ``path``.
        ValueError: the file is not valid JSON, not a glassgrad model, or its
            parameters do not fit the model.

    Example:
        >>> import nn, os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
        >>> nn.MLP(2, [3, 1], seed=0).save(path)
        >>> nn.load(path)
        MLP(2 → 3 → 1, 13 parameters)
          layers.0: Dense(2 → 3, relu)
          layers.1: Dense(3 → 1, linear)
    """
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(
            f"load() got {where!r}; there is no such file. Save a model first with model.save(path)."
        ) from None
    except (UnicodeDecodeError, IsADirectoryError) as error:
        raise ValueError(
            f"load() got {where!r}, which is not a text file ({error}); expected a file from model.save()."
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"load() got {where!r}, which is not valid JSON ({error}); the file is corrupted or was not written by "
            "model.save()."
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"load() got {where!r}, which is not a glassgrad model file (no \"format\": {FORMAT!r}).")
    version = document.get("version")
    if version != FORMAT_VERSION:
        raise ValueError(
            f"load() got {where!r} with format version {version!r}; this glassgrad reads version {FORMAT_VERSION}. "
            "Upgrade glassgrad or save the model again."
        )
    parameters = document.get("parameters")
    if not isinstance(parameters, dict):
        raise ValueError(f"load() got {where!r} with parameters {parameters!r}; expected a dict of name → number.")
    if model is None:
        architecture = document.get("architecture")
        if architecture is None:
            raise ValueError(
                f"load() got {where!r}, saved from a model it cannot rebuild (a custom module or activation); "
                "pass the model to fill: nn.load(path, model)."
            )
        try:
            model = build(architecture)
        except (ValueError, TypeError) as error:
            raise ValueError(f"load() got {where!r} with an invalid architecture: {error}") from None
    elif not isinstance(model, Module):
        raise TypeError(f"load() got model {model!r} of type {type(model).__name__}; expected an nn.Module.")
    try:
        model.load_state_dict(parameters)
    except ValueError as error:
        raise ValueError(f"load() got {where!r}, which does not fit the model: {error}") from None
    return model
