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
import os
import reprlib
import sys
import types
import typing
from collections import abc
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from types import TracebackType
from typing import Any, ClassVar

from autograd import Scope, Value
from autograd.engine.recording import RECORDING, Recording
from nn import persistence
from nn.checks import is_finite_number
from nn.persistence import Architecture as Architecture  # re-exported: layers declare their architecture with it
from nn.persistence import build as build  # re-exported: where they lived before nn/persistence.py
from nn.persistence import load as load


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
    # The name this module has inside its parent ("layers.0"), its scope name.
    _name: str = ""
    # (the recording in force when last called, the same with this scope added).
    _scope_cache: tuple[Recording, Recording] | None = None
    # What this module's scope says it is (heading, kind, roles): built on first call, dropped on any change.
    _scope_entry: Scope | None = None
    scope_kind: ClassVar[str] = ""
    """What a drawing calls this kind of module ("neuron", "layer"); default: its field's name ("layers" → "layer")."""
    scoped_alone: ClassVar[bool] = False
    """Open a scope (named ``scope_kind``) even when called on its own, outside any parent (a lone neuron)."""

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        # Every subclass can be rebuilt by nn.load() from the "type" a saved architecture names.
        persistence.register(cls)

    def __setattr__(self, name: str, value: object) -> None:
        if not name.startswith("_"):
            _check_value_field(self, name, value)
        object.__setattr__(self, name, value)
        if not name.startswith("_") or name == "_name":
            # A new name or new parameters: the scope's description is rebuilt on the next call.
            object.__setattr__(self, "_scope_entry", None)
            object.__setattr__(self, "_scope_cache", None)
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

    def describe_scope(self) -> Scope:
        """What this module's scope declares to a drawing: its name, heading, kind and parameter roles.

        A module named ``layers.0`` in its parent is headed ``layer 1``, of kind
        ``scope_kind`` (else its field's name in the singular) and number 1.
        Subclasses add ``roles`` (see ``Neuron``).

        Example:
            >>> import nn
            >>> entry = nn.MLP(2, [1], seed=0).layers[0].describe_scope()
            >>> str(entry), entry.heading, entry.kind, entry.number
            ('layers.0', 'layer 1', 'layer', 1)
        """
        name = self._name or self.scope_kind
        field, _, number = name.rpartition(".")
        if not (field and number.isdigit()):
            return Scope(name, kind=self.scope_kind, roles=self.scope_roles())
        kind = self.scope_kind or field.removesuffix("s")
        index = int(number) + 1
        return Scope(name, heading=f"{kind} {index}", kind=kind, number=index, roles=self.scope_roles())

    def scope_roles(self) -> tuple[tuple[Value, str, str], ...]:
        """``(parameter, role, label given)`` for the parameters whose role a drawing should know; none here.

        Example:
            >>> import nn
            >>> nn.Sequential(nn.Dense(1, 1, seed=0)).scope_roles()
            ()
        """
        return ()

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
        place, so a crash never leaves a half-written model behind; a FIFO, a
        device, a folder or a read-only file at ``path`` is refused (see
        ``nn.persistence``).

        Args:
            path: where to write, e.g. ``"model.json"``.

        Raises:
            ValueError: a parameter is inf or nan (JSON cannot hold it).
            FileNotFoundError: the folder to write in does not exist.
            PermissionError: ``path`` is not a regular file the user may write.

        Example:
            >>> import nn, os, tempfile
            >>> path = os.path.join(tempfile.mkdtemp(), "neuron.json")
            >>> nn.Neuron(2, weights=[3, -2], bias=1).save(path)
            >>> nn.load(path).state_dict()
            {'weights.0': 3.0, 'weights.1': -2.0, 'bias': 1.0}
        """
        persistence.save(self, path)

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
        if not module._name and not module.scoped_alone:
            return
        current = RECORDING.get()
        cache = module._scope_cache
        if cache is None or cache[0] is not current:
            entry = module._scope_entry
            if entry is None:
                entry = module.describe_scope()
                object.__setattr__(module, "_scope_entry", entry)
            cache = (current, replace(current, scope=(*current.scope, entry)))
            object.__setattr__(module, "_scope_cache", cache)
        self.token = RECORDING.set(cache[1])

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.module._name or self.module.scoped_alone:
            RECORDING.reset(self.token)


# How a field holds parameters: one Value, or a list (or tuple) of them; and whether None is allowed too.
_FieldKind = tuple[bool, bool]


def _check_value_field(module: Module, name: str, value: object) -> None:
    # A plain number here would silently stop being a parameter: the optimizer, state_dict()
    # and save() would all skip it. Point at .data, which changes the value and keeps the Value.
    kind = _declared_value_fields(type(module)).get(name) or _held_values(module.__dict__.get(name))
    if kind is None:
        return
    is_list, optional = kind
    if optional and value is None:
        return
    owner = type(module).__name__
    if is_list:
        if isinstance(value, (list, tuple)) and all(isinstance(item, Value) for item in value):
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


def _held_values(current: object) -> _FieldKind | None:
    # An undeclared field that holds parameters now keeps holding parameters.
    if isinstance(current, Value):
        return False, False
    if isinstance(current, (list, tuple)) and current and all(isinstance(item, Value) for item in current):
        return True, False
    return None


def _declared_value_fields(cls: type[Module]) -> dict[str, _FieldKind]:
    """The fields whose annotations hold Values (``Value``, ``list[Parameter]``, ``Sequence[Value] | None``, ...).

    The annotations are evaluated to types and tested with ``issubclass``, once per class.
    """
    cached = cls.__dict__.get("_value_fields")
    if isinstance(cached, dict):
        return cached
    fields: dict[str, _FieldKind] = {}
    for klass in reversed(cls.__mro__):
        namespace = vars(sys.modules[klass.__module__]) if klass.__module__ in sys.modules else {}
        for name, annotation in inspect.get_annotations(klass).items():
            if name.startswith("_"):
                continue
            try:
                # Annotations are strings (``from __future__ import annotations``): evaluate them as typing does.
                resolved = annotation
                if isinstance(annotation, str):
                    resolved = eval(annotation, dict(namespace), dict(vars(klass)))
            except Exception:
                continue  # a name imported only for type checking: the held-values rule still applies
            kind = _value_kind(resolved)
            if kind is not None:
                fields[name] = kind
            else:
                fields.pop(name, None)
    type.__setattr__(cls, "_value_fields", fields)
    return fields


def _value_kind(annotation: object) -> _FieldKind | None:
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Union or origin is types.UnionType:
        inner = [argument for argument in arguments if argument is not type(None)]
        kind = _value_kind(inner[0]) if len(inner) == 1 else None
        return None if kind is None else (kind[0], len(inner) < len(arguments))
    if isinstance(annotation, type) and issubclass(annotation, Value):
        return False, False
    if origin in (list, tuple, abc.Sequence, abc.MutableSequence) and arguments:
        element = arguments[0]
        if isinstance(element, type) and issubclass(element, Value):
            return True, False
    return None


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
        return cls(*(persistence.build(layer) for layer in layers))


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
