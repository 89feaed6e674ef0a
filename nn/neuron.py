"""``Neuron`` (alias ``Perceptron``): y = g(w0 + Σ xᵢwᵢ).

Three steps, as in the course: a dot product of the inputs with the weights,
plus a bias, through a nonlinearity g. The weighted sum is ONE n-ary ``Σ`` node,
so the drawing of a neuron looks like the perceptron diagram.

Example (the course's worked example, w0 = 1, W = (3, −2), x = (−1, 2)):
    >>> import nn
    >>> neuron = nn.Neuron(2, weights=[3, -2], bias=1)
    >>> round(neuron([-1, 2]).data, 7)  # sigmoid(1 − 3 − 4) = sigmoid(−6)
    0.0024726
"""

from __future__ import annotations

import operator
import reprlib
from collections.abc import Iterable, Mapping, Sequence, Sized
from typing import TypeVar

import autograd
from autograd import Parameter, Value
from nn.activations import Activation, resolve_activation
from nn.checks import finite_number, whole_number
from nn.initializers import Initializer, Seed, make_rng, resolve_initializer
from nn.module import Architecture, Module

T = TypeVar("T")

class Neuron(Module):
    """One perceptron: ``weights`` (one per input) and a ``bias``, then an activation.

    Args:
        n_inputs: how many numbers an example has.
        activation: a name (``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``,
            ``"linear"``) or a callable Value → Value.
        seed: an int or ``random.Random`` for reproducible initial weights.
        initializer: how to draw the weights (see ``nn.initializers``); by
            default Xavier, or He for relu.
        weights: set the weights by hand instead (e.g. the course's ``[3, -2]``).
        bias: the initial bias w0 (default 0).

    Attributes:
        weights: a ``Parameter`` per input; set ``neuron.weights[0].data`` by hand.
        bias: the bias w0, a ``Parameter``.

    Raises:
        ValueError: ``n_inputs`` not a whole number ≥ 1, ``weights`` not a list
            of ``n_inputs`` finite numbers, or a ``bias`` that is not a finite number.

    Example:
        >>> neuron = Neuron(2, weights=[3, -2], bias=1)
        >>> round(neuron([-1, 2]).data, 7)
        0.0024726
        >>> neuron
        Neuron(2 inputs, sigmoid)
    """

    weights: list[Value]
    bias: Value
    scope_kind = "neuron"
    scoped_alone = True

    def __init__(
        self,
        n_inputs: int,
        activation: str | Activation | None = "sigmoid",
        seed: Seed = None,
        initializer: str | Initializer | None = None,
        weights: Sequence[float] | None = None,
        bias: float = 0.0,
    ) -> None:
        n_inputs = whole_number("Neuron", "n_inputs", n_inputs)
        start = finite_number("Neuron", "bias", bias, "The bias is one number, such as 0 or 1.")
        if weights is not None:
            weights = _check_weights(weights, n_inputs)
        self.activation = activation
        if weights is None:
            draw = resolve_initializer(initializer, self.activation)
            rng = make_rng(seed)
            weights = [draw(n_inputs, 1, rng) for _ in range(n_inputs)]
        self.weights = [Parameter(w, label=f"w{i + 1}") for i, w in enumerate(weights)]
        self.bias = Parameter(start, label="b")

    @property
    def activation(self) -> str:
        """The activation's name; assign a name or a callable to change it.

        Example:
            >>> neuron = Neuron(2, seed=0)
            >>> neuron.activation
            'sigmoid'
            >>> neuron.activation = "relu"; neuron.activation
            'relu'
        """
        return self._activation_name

    @activation.setter
    def activation(self, activation: str | Activation | None) -> None:
        self._activation_name, self._activate = resolve_activation(activation, "Neuron activation")

    @property
    def n_inputs(self) -> int:
        """How many inputs the neuron takes (its number of weights).

        Example:
            >>> Neuron(3, seed=0).n_inputs
            3
        """
        return len(self.weights)

    @property
    def n_outputs(self) -> int:
        """Always 1."""
        return 1

    def __call__(self, inputs: Sequence[Value | float]) -> Value:
        """Compute y = g(w0 + Σ xᵢwᵢ) for one example.

        Args:
            inputs: one number (float or Value) per weight.

        Returns:
            The output y, a Value.

        Raises:
            ValueError: the wrong number of inputs.
            TypeError: ``inputs`` is not a list.

        Example:
            >>> Neuron(2, activation="linear", weights=[3, -2], bias=1)([-1, 2]).data
            -6.0
        """
        check_inputs(self, inputs, len(self.weights))
        return self._output(inputs)

    def _output(self, inputs: Sequence[Value | float]) -> Value:
        # __call__ after the check: Dense checks a layer's inputs once for all its neurons. map() runs the
        # products w * x without a Python loop (W2's forward pass is 30,000 of them; measured ~4% of a step).
        with self.scope():
            return self._activate(autograd.sum([*map(operator.mul, self.weights, inputs), self.bias]))

    def scope_roles(self) -> tuple[tuple[Value, str, str], ...]:
        """Its weights (in input order) and bias, with the labels this class gives them.

        Example:
            >>> [(role, label) for _, role, label in Neuron(2, seed=0).scope_roles()]
            [('weight', 'w1'), ('weight', 'w2'), ('bias', 'b')]
        """
        roles = [(w, "weight", f"w{i}") for i, w in enumerate(self.weights, start=1)]
        return (*roles, (self.bias, "bias", "b"))

    def summary(self) -> str:
        """One line: inputs and activation.

        Example:
            >>> Neuron(3, activation="relu").summary()
            'Neuron(3 inputs, relu)'
        """
        return f"{type(self).__name__}({self.n_inputs} inputs, {self.activation})"

    def architecture(self) -> Architecture | None:
        """How to rebuild this neuron; None when its activation is a custom callable.

        Example:
            >>> Neuron(2).architecture()
            {'type': 'Neuron', 'n_inputs': 2, 'activation': 'sigmoid'}
        """
        if not _is_named_activation(self.activation, self._activate):
            return None
        return {"type": type(self).__name__, "n_inputs": self.n_inputs, "activation": self.activation}

    @classmethod
    def from_architecture(cls, architecture: Mapping[str, object]) -> Neuron:
        """Rebuild from ``architecture()`` (weights zero until loaded).

        Example:
            >>> Neuron.from_architecture({"type": "Neuron", "n_inputs": 2, "activation": "tanh"})
            Neuron(2 inputs, tanh)
        """
        n_inputs = field(architecture, "n_inputs", int, cls.__name__)
        return cls(n_inputs, field(architecture, "activation", str, cls.__name__), weights=[0.0] * n_inputs)


Perceptron = Neuron


def check_inputs(module: Module, inputs: Sequence[Value | float], expected: int) -> None:
    """Raise a clear error unless ``inputs`` is a list of ``expected`` numbers.

    Only the length is checked: it is cheap, and a wrong element type already
    fails clearly in the first multiplication.

    Raises:
        ValueError: the wrong number of inputs.
        TypeError: ``inputs`` has no length (a single number, say).

    Example:
        >>> check_inputs(Neuron(2), [1.0], 2)
        Traceback (most recent call last):
        ...
        ValueError: Neuron got 1 input [1.0]; it has 2 weights per neuron, so it needs exactly 2.
    """
    try:
        count = len(inputs)
    except TypeError:
        raise TypeError(
            f"{type(module).__name__} got {inputs!r} of type {type(inputs).__name__}; expected a list of "
            f"{expected} numbers (one example). Wrap a single number in a list: [x]."
        ) from None
    if count != expected:
        noun = "input" if count == 1 else "inputs"
        raise ValueError(
            f"{type(module).__name__} got {count} {noun} {reprlib.repr(inputs)}; it has {expected} weights per neuron, "
            f"so it needs exactly {expected}."
        )


def _check_weights(weights: object, n_inputs: int) -> list[float]:
    # Checked whole before any Parameter exists: a bad weight leaves nothing half-built.
    example = ", ".join(["0.5"] * min(n_inputs, 3)) + (", …" if n_inputs > 3 else "")
    # Any sized collection (a list, a tuple, a NumPy array), but not a string of digits.
    if isinstance(weights, Sized) and isinstance(weights, Iterable) and not isinstance(weights, (str, bytes)):
        if len(weights) == n_inputs:
            return [finite_number("Neuron", f"weights[{i}]", w) for i, w in enumerate(weights)]
        count = f" ({len(weights)} numbers)"
    else:
        count = ""
    raise ValueError(
        f"Neuron got weights={reprlib.repr(weights)}{count}; n_inputs={n_inputs} needs a list of exactly "
        f"{n_inputs} numbers, one per input, such as [{example}]."
    )


def _is_named_activation(name: str, function: Activation) -> bool:
    # A custom callable cannot be written to a file; a built-in name can.
    try:
        return resolve_activation(name)[1] is function
    except (ValueError, TypeError):
        return False


def field(architecture: Mapping[str, object], name: str, kind: type[T], owner: str) -> T:
    """One entry of a saved architecture, checked to be of type ``kind``.

    Raises:
        ValueError: the entry is missing or of another type.

    Example:
        >>> field({"n_inputs": 2}, "n_inputs", int, "Neuron")
        2
    """
    value = architecture.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(
            f"{owner} got architecture {dict(architecture)!r}; expected {name!r} to be a {kind.__name__}."
        )
    return value
