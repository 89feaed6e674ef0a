"""The road to PyTorch: the same network as a ``torch.nn.Module``, and back.

``to_torch(model)`` (also ``model.to_torch()``) builds an equivalent
``torch.nn.Sequential`` in float64: one ``Linear`` per ``Dense`` layer with the
same weights (row j of ``weight`` is neuron j's weights), the same activations,
and ``Dropout`` where the model has one. ``from_torch(module)`` reads such a
module back into an ``nn.MLP`` (or an ``nn.Sequential`` when the layers do not
form one). Predictions and gradients agree to rounding.

PyTorch is optional and imported only here: ``pip install 'glassgrad[torch]'``.

Example:
    >>> import nn, torch
    >>> model = nn.MLP(2, [3, 1], seed=0)
    >>> module = to_torch(model)
    >>> round(module(torch.tensor([[1.0, 2.0]], dtype=torch.float64))[0, 0].item(), 12) == round(
    ...     model([1.0, 2.0]).data, 12)
    True
    >>> from_torch(module).state_dict() == model.state_dict()
    True
"""

from __future__ import annotations

import importlib
import itertools
from typing import Any

from nn.dense import Dense
from nn.dropout import Dropout
from nn.mlp import MLP
from nn.module import Module, Sequential
from nn.neuron import Neuron

INSTALL_HINT = "pip install 'glassgrad[torch]'   (or: pip install torch)"
# Activation names and the torch.nn class of each; "linear" has none.
_TORCH_ACTIVATIONS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "leaky_relu": "LeakyReLU"}
_LEAKY_SLOPE = 0.01  # nn.leaky_relu's slope, also torch.nn.LeakyReLU's default


def torch() -> Any:
    """Import PyTorch, or say exactly what to install.

    Raises:
        ImportError: PyTorch is missing, with the command that installs it.
    """
    try:
        return importlib.import_module("torch")
    except ImportError:
        raise ImportError(f"to_torch()/from_torch() need PyTorch, which is not installed: {INSTALL_HINT}") from None


def to_torch(model: Module) -> Any:
    """An equivalent ``torch.nn.Sequential`` (float64) with the same weights and activations.

    Supported: ``Neuron``, ``Dense``, ``MLP`` and ``Sequential`` models built
    from them and ``Dropout``, with the named activations (sigmoid, tanh, relu,
    leaky_relu, linear). A ``Neuron`` becomes ``Linear(n, 1)``, so its output
    has shape (batch, 1). The module is in the model's mode (train or eval).

    Raises:
        ValueError: a layer or activation PyTorch has no match for here, named.
        ImportError: PyTorch is missing.

    Example:
        >>> import nn
        >>> to_torch(nn.MLP(2, [4, 1], seed=0))
        Sequential(
          (0): Linear(in_features=2, out_features=4, bias=True)
          (1): ReLU()
          (2): Linear(in_features=4, out_features=1, bias=True)
        )
    """
    torch_ = torch()
    modules: list[Any] = []
    layers = model.layers if isinstance(model, Sequential) else [model]
    for index, layer in enumerate(layers):
        if isinstance(layer, Dropout):
            modules.append(torch_.nn.Dropout(layer.p))
            continue
        neurons = layer.neurons if isinstance(layer, Dense) else [layer] if isinstance(layer, Neuron) else None
        if not neurons:
            raise ValueError(
                f"to_torch() got layer {index} = {layer!r}; it converts Dense, Neuron and Dropout layers "
                "(in an MLP or a Sequential)."
            )
        activation = neurons[0].activation
        if activation != "linear" and activation not in _TORCH_ACTIVATIONS:
            raise ValueError(
                f"to_torch() got layer {index} with activation {activation!r}; it converts "
                f"{', '.join(repr(a) for a in ['linear', *_TORCH_ACTIVATIONS])}."
            )
        linear = torch_.nn.Linear(len(neurons[0].weights), len(neurons), dtype=torch_.float64)
        with torch_.no_grad():
            linear.weight.copy_(torch_.tensor([[w.data for w in n.weights] for n in neurons], dtype=torch_.float64))
            linear.bias.copy_(torch_.tensor([n.bias.data for n in neurons], dtype=torch_.float64))
        modules.append(linear)
        if activation != "linear":
            modules.append(getattr(torch_.nn, _TORCH_ACTIVATIONS[activation])())
    module = torch_.nn.Sequential(*modules)
    module.train(model.training)
    return module


def from_torch(module: Any) -> Module:
    """Read a ``torch.nn.Sequential`` of ``Linear`` layers, activations and ``Dropout`` back into ``nn``.

    Returns an ``nn.MLP`` when the layers form one (every hidden layer with the
    same activation), else an ``nn.Sequential`` of ``Dense`` and ``Dropout``.
    A ``Linear`` that appears more than once (shared weights, as in
    ``Sequential(shared, Tanh(), shared)``) stays shared: its ``Dense`` layers
    hold the same weight Values, so the model has PyTorch's parameter count and
    one training step moves them once, as PyTorch does.

    Raises:
        ValueError: a module ``nn`` has no layer for (named, with its position),
            a ``LeakyReLU`` whose slope is not 0.01, no ``Linear`` at all, or a
            ``Linear`` with complex weights or on the ``meta`` device (no values).

    Example:
        >>> import torch
        >>> module = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
        >>> from_torch(module)
        MLP(2 → 3 → 1, 13 parameters)
          layers.0: Dense(2 → 3, tanh)
          layers.1: Dense(3 → 1, linear)
    """
    torch_ = torch()
    children = list(module) if isinstance(module, torch_.nn.Sequential) else [module]
    names = {getattr(torch_.nn, cls): name for name, cls in _TORCH_ACTIVATIONS.items()}
    plan: list[tuple[str, Any, str]] = []  # ("dense", linear, activation) or ("dropout", p, "")
    for index, child in enumerate(children):
        if isinstance(child, torch_.nn.Linear):
            _check_weights(torch_, index, child)
            plan.append(("dense", child, "linear"))
        elif type(child) in names and plan and plan[-1][0] == "dense" and plan[-1][2] == "linear":
            if isinstance(child, torch_.nn.LeakyReLU) and child.negative_slope != _LEAKY_SLOPE:
                raise ValueError(
                    f"from_torch() got module {index} = {child!r}; nn's leaky_relu has slope {_LEAKY_SLOPE}."
                )
            plan[-1] = ("dense", plan[-1][1], names[type(child)])
        elif isinstance(child, torch_.nn.Dropout):
            plan.append(("dropout", child.p, ""))
        elif isinstance(child, torch_.nn.Identity):
            continue
        else:
            raise ValueError(
                f"from_torch() got module {index} = {child!r}; it reads Linear layers, each followed by at most one "
                "of Sigmoid, Tanh, ReLU, LeakyReLU, and Dropout."
            )
    dense = [(linear, activation) for kind, linear, activation in plan if kind == "dense"]
    if not dense:
        raise ValueError(f"from_torch() got {module!r}, which has no Linear layer.")
    hidden = {activation for _, activation in dense[:-1]}
    chained = all(a.out_features == b.in_features for (a, _), (b, _) in itertools.pairwise(dense))
    if not chained:
        raise ValueError(f"from_torch() got {module!r}, whose Linear layers do not chain (widths differ).")
    if len(dense) == len(plan) and len(hidden) <= 1:
        model: Module = MLP(
            dense[0][0].in_features,
            [linear.out_features for linear, _ in dense],
            activation=hidden.pop() if hidden else "relu",
            output_activation=dense[-1][1],
            seed=0,
        )
    else:
        layers: list[Module] = [
            Dense(item.in_features, item.out_features, activation=activation, seed=0)
            if kind == "dense" else Dropout(item)  # a dropout's item is its p
            for kind, item, activation in plan
        ]
        model = Sequential(*layers)
    state = {}
    denses = [layer for layer in (model.layers if isinstance(model, Sequential) else []) if isinstance(layer, Dense)]
    prefixes = [name for name, m in model.named_modules() if isinstance(m, Dense)]
    for prefix, layer, (linear, _) in zip(prefixes, denses, dense):
        weight = linear.weight.detach().to(torch_.float64).tolist()
        bias = linear.bias.detach().to(torch_.float64).tolist() if linear.bias is not None else [0.0] * len(weight)
        for j in range(layer.n_outputs):
            for k in range(layer.n_inputs):
                state[f"{prefix}.neurons.{j}.weights.{k}"] = weight[j][k]
            state[f"{prefix}.neurons.{j}.bias"] = bias[j]
    model.load_state_dict(state)
    _share_repeated_layers(_dense_layers(model), [linear for linear, _ in dense])
    model.train(module.training)
    return model


def _dense_layers(model: Module) -> list[Dense]:
    return [m for _, m in model.named_modules() if isinstance(m, Dense)]


def _share_repeated_layers(layers: list[Dense], linears: list[Any]) -> None:
    # PyTorch counts a module used twice once and moves its weights once per step; so must nn. Each later
    # use of a Linear gets the Values of its first use (its own, loaded with the same numbers, are dropped).
    first: dict[int, Dense] = {}
    for layer, linear in zip(layers, linears):
        original = first.setdefault(id(linear), layer)
        if original is layer:
            continue
        for neuron, shared in zip(layer.neurons, original.neurons):
            neuron.weights = shared.weights
            neuron.bias = shared.bias


def _check_weights(torch_: Any, index: int, linear: Any) -> None:
    tensors = [linear.weight] + ([linear.bias] if linear.bias is not None else [])
    if any(tensor.is_meta for tensor in tensors):
        raise ValueError(
            f"from_torch() got module {index} = {linear!r} on the 'meta' device, which has shapes but no values; "
            "give it real weights first (module.to_empty(device='cpu'), then load_state_dict)."
        )
    if any(tensor.is_complex() for tensor in tensors):
        raise ValueError(
            f"from_torch() got module {index} = {linear!r} with {linear.weight.dtype} weights; nn's numbers are "
            "real, and dropping the imaginary parts would change the model. Use real weights (float32 or float64)."
        )
