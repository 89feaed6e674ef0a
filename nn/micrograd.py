"""micrograd's ``nn`` on glassgrad: ``Module``, ``Neuron``, ``Layer`` and ``MLP`` under micrograd's names.

Code written for karpathy/micrograd runs after one import changes::

    from micrograd.nn import Neuron, Layer, MLP     # before
    from nn.micrograd import Neuron, Layer, MLP     # after

They behave as micrograd's do: ReLU hidden layers and a linear output layer,
weights drawn from the global ``random.uniform(-1, 1)`` in micrograd's order
(neuron by neuron, layer by layer, so ``random.seed(1337)`` gives the same
network), biases 0, a ``Layer`` of one neuron returns a single Value, the same
``parameters()`` order, and micrograd's printout (``MLP of [Layer of
[ReLUNeuron(2), …]]``). Underneath they ARE glassgrad's ``nn.Neuron``,
``nn.Dense`` and ``nn.MLP``, so drawing, collapsing, stepping through backprop,
gradcheck, ``state_dict()`` and ``save()`` all work on them; a saved model
loads back with ``nn.load`` as the equivalent ``nn.MLP``.

Example:
    >>> import random
    >>> from nn.micrograd import MLP
    >>> random.seed(1337)
    >>> model = MLP(2, [3, 1])
    >>> model
    MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(3)]]
    >>> len(model.parameters()), type(model([1.0, -1.0])).__name__
    (13, 'Value')
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from autograd import Value
from nn import mlp, neuron
from nn.activations import resolve_activation
from nn.checks import whole_number
from nn.dense import Dense
from nn.module import Module, Sequential

__all__ = ["MLP", "Layer", "Module", "Neuron"]


class Neuron(neuron.Neuron):
    """micrograd's neuron: ``relu(w·x + b)``, or linear with ``nonlin=False``.

    Args:
        nin: how many inputs (and weights).
        nonlin: True for a ReLU neuron, False for a linear one.

    Attributes:
        w: micrograd's name for ``weights``, each drawn from ``random.uniform(-1, 1)``.
        b: micrograd's name for ``bias``, 0 to start.

    Raises:
        ValueError: ``nin`` < 1.
        TypeError: ``nonlin`` is not a bool.

    Example:
        >>> neuron = Neuron(2, nonlin=False)
        >>> neuron, neuron.b.data, [round(w.data, 1) for w in neuron.w] == [round(w.data, 1) for w in neuron.weights]
        (LinearNeuron(2), 0.0, True)
    """

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        whole_number("Neuron", "nin", nin)
        _check_nonlin(nonlin)
        super().__init__(nin, _activation(nonlin), weights=[random.uniform(-1, 1) for _ in range(nin)], bias=0.0)

    @property
    def w(self) -> list[Value]:
        """The weights, by micrograd's name."""
        return self.weights

    @property
    def b(self) -> Value:
        """The bias, by micrograd's name."""
        return self.bias

    @property
    def nonlin(self) -> bool:
        """True for a ReLU neuron, False for a linear one; assignable, as in micrograd.

        Example:
            >>> neuron = Neuron(1)
            >>> neuron.nonlin = False; neuron.activation
            'linear'
        """
        return self.activation == "relu"

    @nonlin.setter
    def nonlin(self, nonlin: bool) -> None:
        _check_nonlin(nonlin)
        self.activation = _activation(nonlin)

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({self.n_inputs})"


class Layer(Dense):
    """micrograd's layer: ``nout`` neurons that all see the same inputs.

    Args:
        nin: inputs per neuron.
        nout: how many neurons.
        **kwargs: passed to every ``Neuron`` (micrograd's ``nonlin=``).

    Example:
        >>> layer = Layer(2, 1, nonlin=False)
        >>> layer, type(layer([1.0, 2.0])).__name__
        (Layer of [LinearNeuron(2)], 'Value')
    """

    def __init__(self, nin: int, nout: int, **kwargs: bool) -> None:
        # Not Dense.__init__: each micrograd neuron draws its own weights, in micrograd's order.
        whole_number("Layer", "nin", nin)
        whole_number("Layer", "nout", nout)
        neurons: list[neuron.Neuron] = [Neuron(nin, **kwargs) for _ in range(nout)]
        self.neurons = neurons

    # micrograd's contract: one neuron gives a Value, more give a list (nn.Dense always gives a list).
    def __call__(self, inputs: Sequence[Value | float]) -> Value | list[Value]:  # type: ignore[override]
        """Every neuron's output for one example; a single Value when the layer has one neuron.

        Example:
            >>> len(Layer(2, 3)([1.0, 2.0]))
            3
        """
        outputs = super().__call__(inputs)
        return outputs[0] if len(outputs) == 1 else outputs

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(mlp.MLP):
    """micrograd's multi-layer perceptron: ReLU hidden layers, a linear output layer.

    Args:
        nin: numbers per example.
        nouts: the width of each layer; the last is the number of outputs.

    Raises:
        ValueError: an empty ``nouts`` or a size < 1.

    Example:
        >>> model = MLP(2, [16, 16, 1])
        >>> len(model.parameters()), model.summary()
        (337, 'MLP(2 → 16 → 16 → 1, 337 parameters)')
    """

    def __init__(self, nin: int, nouts: Sequence[int]) -> None:
        whole_number("MLP", "nin", nin)
        if isinstance(nouts, (int, str)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"MLP got nouts={nouts!r}; expected a non-empty list of layer widths such as [16, 16, 1].")
        for size in nouts:
            whole_number("MLP", "a layer size", size)
        # Not nn.MLP.__init__: micrograd's layers draw their own weights, in micrograd's order.
        sizes = [nin, *nouts]
        Sequential.__init__(
            self, *(Layer(sizes[i], sizes[i + 1], nonlin=i != len(nouts) - 1) for i in range(len(nouts)))
        )
        self._hidden_activation = resolve_activation("relu")

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


def _activation(nonlin: bool) -> str:
    return "relu" if nonlin else "linear"


def _check_nonlin(nonlin: object) -> None:
    if not isinstance(nonlin, bool):
        raise TypeError(
            f"Neuron got nonlin={nonlin!r} of type {type(nonlin).__name__}; expected True (ReLU) or False (linear)."
        )
