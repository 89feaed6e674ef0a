"""``MLP``: a deep network, dense layers stacked so each one's outputs feed the next.

Example:
    >>> import nn
    >>> model = nn.MLP(2, [16, 16, 1], seed=0)
    >>> model.num_parameters()  # (2+1)·16 + (16+1)·16 + (16+1)·1
    337
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from nn.activations import Activation, resolve_activation
from nn.checks import whole_number
from nn.dense import Dense
from nn.initializers import Initializer, Seed, make_rng
from nn.module import Architecture, Sequential
from nn.neuron import _is_named_activation, field


class MLP(Sequential):
    """A multi-layer perceptron: ``Dense`` layers with ``activation`` between, ``output_activation`` last.

    Args:
        n_inputs: numbers per example.
        layer_sizes: the width of each layer; the last is the number of outputs.
        activation: the hidden layers' activation (default ``"relu"``).
        output_activation: the last layer's; None gives raw scores (logits),
            ``"sigmoid"`` a probability.
        seed: an int or ``random.Random`` for reproducible initial weights.
        initializer: how to draw weights (default He for relu, else Xavier).

    Attributes:
        layers: the ``Dense`` layers, input to output.

    Raises:
        ValueError: an empty ``layer_sizes`` or a size < 1.

    Example:
        >>> model = MLP(2, [3, 1], activation="sigmoid", output_activation="sigmoid", seed=1)
        >>> model
        MLP(2 → 3 → 1, 13 parameters)
          layers.0: Dense(2 → 3, sigmoid)
          layers.1: Dense(3 → 1, sigmoid)
        >>> 0.0 < model([4.0, 5.0]).data < 1.0
        True
    """

    def __init__(
        self,
        n_inputs: int,
        layer_sizes: Sequence[int],
        activation: str | Activation | None = "relu",
        output_activation: str | Activation | None = None,
        seed: Seed = None,
        initializer: str | Initializer | None = None,
    ) -> None:
        n_inputs = whole_number("MLP", "n_inputs", n_inputs)
        if isinstance(layer_sizes, str) or not isinstance(layer_sizes, Sequence) or not layer_sizes:
            raise ValueError(
                f"MLP got layer_sizes={layer_sizes!r}; expected a non-empty list of layer widths such as [16, 16, 1]."
            )
        widths = [whole_number("MLP", f"layer_sizes[{i}]", size) for i, size in enumerate(layer_sizes)]
        rng = make_rng(seed)
        sizes = [n_inputs, *widths]
        last = len(layer_sizes) - 1
        super().__init__(
            *(
                Dense(
                    sizes[i],
                    sizes[i + 1],
                    activation=activation if i < last else output_activation,
                    seed=rng,
                    initializer=initializer,
                )
                for i in range(len(layer_sizes))
            )
        )
        self._hidden_activation = resolve_activation(activation, "MLP activation")

    def architecture(self) -> Architecture | None:
        """How to rebuild this network, read from its layers as they are now.

        A layer swapped or an activation changed after construction is what
        gets saved. When the layers no longer form an MLP (not all ``Dense``,
        widths that do not chain, hidden layers with different activations) the
        description is a ``Sequential`` one; None when an activation is a
        custom callable.

        Example:
            >>> MLP(2, [4, 1]).architecture()["layer_sizes"]
            [4, 1]
        """
        layers = [layer for layer in self.layers if isinstance(layer, Dense)]
        descriptions = [layer.architecture() for layer in layers]
        if not layers or len(layers) != len(self.layers) or any(d is None for d in descriptions):
            return super().architecture()
        chained = all(a.n_outputs == b.n_inputs for a, b in itertools.pairwise(layers))
        hidden = {layer.activation for layer in layers[:-1]}
        if not chained or len(hidden) > 1:
            return super().architecture()
        # A one-layer MLP has no hidden activation; keep the constructor's if it can be written.
        remembered = self._hidden_activation
        activation = hidden.pop() if hidden else remembered[0] if _is_named_activation(*remembered) else "relu"
        return {
            "type": "MLP",
            "n_inputs": layers[0].n_inputs,
            "layer_sizes": [layer.n_outputs for layer in layers],
            "activation": activation,
            "output_activation": layers[-1].activation,
        }

    @classmethod
    def from_architecture(cls, architecture: Mapping[str, object]) -> MLP:
        """Rebuild from ``architecture()`` (weights random until loaded).

        Example:
            >>> MLP.from_architecture({"type": "MLP", "n_inputs": 2, "layer_sizes": [1],
            ...                        "activation": "relu", "output_activation": "sigmoid"})
            MLP(2 → 1, 3 parameters)
              layers.0: Dense(2 → 1, sigmoid)
        """
        owner = cls.__name__
        return cls(
            field(architecture, "n_inputs", int, owner),
            field(architecture, "layer_sizes", list, owner),
            field(architecture, "activation", str, owner),
            field(architecture, "output_activation", str, owner),
            seed=0,
        )
