"""``Dense``: a fully connected layer, ``n_outputs`` neurons that all see every input.

The course's multi-output perceptron and hidden layer: every neuron takes the
same inputs, each with its own weights, so a layer with 2 inputs and 3 outputs
has 3 × (2 + 1) = 9 parameters.

Example:
    >>> import nn
    >>> layer = nn.Dense(2, 3, activation="relu", seed=0)
    >>> len(layer([1.0, 2.0])), layer.num_parameters()
    (3, 9)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from autograd import Value
from nn.activations import Activation, resolve_activation
from nn.checks import whole_number
from nn.initializers import Initializer, Seed, make_rng, resolve_initializer
from nn.module import Architecture, Module
from nn.neuron import Neuron, _is_named_activation, check_inputs, field


class Dense(Module):
    """A layer of neurons with the same inputs: y = g(W·x + b), one row of W per neuron.

    Args:
        n_inputs: numbers per example coming in.
        n_outputs: neurons, so numbers going out.
        activation: the neurons' activation, by name or callable (default
            ``"linear"``: raw scores).
        seed: an int or ``random.Random`` for reproducible initial weights.
        initializer: how to draw weights (default Xavier, or He for relu).

    Attributes:
        neurons: the ``Neuron`` objects, one per output.

    Raises:
        ValueError: a size < 1 or an unknown activation name.

    Example:
        >>> Dense(2, 3, activation="tanh")
        Dense(2 → 3, tanh)
    """

    neurons: list[Neuron]
    scope_kind = "layer"
    # Sixteen alike neurons would drown the model's printout.
    _show_children = False

    def __init__(
        self,
        n_inputs: int,
        n_outputs: int,
        activation: str | Activation | None = "linear",
        seed: Seed = None,
        initializer: str | Initializer | None = None,
    ) -> None:
        n_inputs = whole_number("Dense", "n_inputs", n_inputs)
        n_outputs = whole_number("Dense", "n_outputs", n_outputs)
        name, _ = resolve_activation(activation, "Dense activation")
        draw = resolve_initializer(initializer, name)
        rng = make_rng(seed)
        # The layer draws the weights: Xavier needs fan_out, which a lone neuron cannot know.
        self.neurons = [
            Neuron(n_inputs, activation, weights=[draw(n_inputs, n_outputs, rng) for _ in range(n_inputs)])
            for _ in range(n_outputs)
        ]

    @property
    def n_inputs(self) -> int:
        """Numbers per example coming in.

        Example:
            >>> Dense(3, 2, seed=0).n_inputs
            3
        """
        return self.neurons[0].n_inputs

    @property
    def n_outputs(self) -> int:
        """Neurons in the layer.

        Example:
            >>> Dense(3, 2, seed=0).n_outputs
            2
        """
        return len(self.neurons)

    @property
    def activation(self) -> str:
        """The neurons' activation name.

        Example:
            >>> Dense(3, 2, activation="tanh", seed=0).activation
            'tanh'
        """
        return self.neurons[0].activation

    def __call__(self, inputs: Sequence[Value | float]) -> list[Value]:
        """Every neuron's output for one example.

        Args:
            inputs: ``n_inputs`` numbers (floats or Values).

        Returns:
            ``n_outputs`` Values.

        Raises:
            ValueError: the wrong number of inputs.

        Example:
            >>> [y.data for y in Dense(1, 2, seed=0)([0.0])]
            [0.0, 0.0]
        """
        check_inputs(self, inputs, self.n_inputs)
        # One leaf per input number, shared by all neurons (not one constant per neuron).
        values = [x if isinstance(x, Value) else Value(x) for x in inputs]
        plain = Neuron.__call__
        with self.scope():
            # The inputs are checked: each neuron's own check would repeat this one (unless a subclass
            # changed what calling a neuron does).
            return [
                neuron._output(values) if type(neuron).__call__ is plain else neuron(values) for neuron in self.neurons
            ]

    def summary(self) -> str:
        """One line: the shape and activation.

        Example:
            >>> Dense(16, 1).summary()
            'Dense(16 → 1, linear)'
        """
        return f"Dense({self.n_inputs} → {self.n_outputs}, {self.activation})"

    def architecture(self) -> Architecture | None:
        """How to rebuild this layer; None when an activation is a custom callable.

        Example:
            >>> Dense(2, 1).architecture()
            {'type': 'Dense', 'n_inputs': 2, 'n_outputs': 1, 'activation': 'linear'}
        """
        if not all(_is_named_activation(n.activation, n._activate) for n in self.neurons):
            return None
        if len({n.activation for n in self.neurons}) != 1 or len({n.n_inputs for n in self.neurons}) != 1:
            return None
        return {"type": "Dense", "n_inputs": self.n_inputs, "n_outputs": self.n_outputs, "activation": self.activation}

    @classmethod
    def from_architecture(cls, architecture: Mapping[str, object]) -> Dense:
        """Rebuild from ``architecture()`` (weights random until loaded).

        Example:
            >>> Dense.from_architecture({"type": "Dense", "n_inputs": 3, "n_outputs": 2, "activation": "relu"})
            Dense(3 → 2, relu)
        """
        owner = cls.__name__
        return cls(
            field(architecture, "n_inputs", int, owner),
            field(architecture, "n_outputs", int, owner),
            field(architecture, "activation", str, owner),
            seed=0,
        )
