"""``Dropout``: randomly silence activations while training, so no neuron can be relied on alone.

Inverted dropout: in training mode each value is zeroed with probability p
and the survivors are scaled by 1/(1 − p), so the expected output equals the
input and evaluation needs no rescaling. In eval mode it passes values through.

Example:
    >>> import nn
    >>> drop = nn.Dropout(0.5, seed=0)
    >>> [y.data for y in drop([1.0, 1.0, 1.0, 1.0])]
    [2.0, 2.0, 0.0, 0.0]
    >>> [y.data for y in drop.eval()([1.0, 1.0])]
    [1.0, 1.0]
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Mapping, Sequence

from autograd import Value
from nn.checks import is_number
from nn.initializers import Seed, make_rng
from nn.module import Architecture, Module


class Dropout(Module):
    """Zero each input with probability ``p`` in training mode; scale the rest by 1/(1 − p).

    Args:
        p: the probability of dropping a value, 0 ≤ p ≤ 1 (the course: 0.5).
        seed: an int or ``random.Random`` for reproducible masks.

    Raises:
        ValueError: ``p`` outside [0, 1].

    Example:
        >>> Dropout(0.5)
        Dropout(p=0.5)
    """

    p: float

    def __init__(self, p: float = 0.5, seed: Seed = None) -> None:
        if not is_number(p) or not 0.0 <= p <= 1.0 or math.isnan(p):
            raise ValueError(f"Dropout got p={p!r}; p is a probability, so 0 ≤ p ≤ 1 (0.5 is common).")
        self.p = float(p)
        self._rng = make_rng(seed)

    def __call__(self, inputs: Sequence[Value | float]) -> list[Value]:
        """The inputs with a random subset zeroed (training) or unchanged (eval).

        Example:
            >>> [y.data for y in Dropout(0.0)([1.0, 2.0])]
            [1.0, 2.0]
        """
        if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
            raise TypeError(
                f"Dropout got {reprlib.repr(inputs)} of type {type(inputs).__name__}; expected a list of numbers "
                "(one example), such as a layer's outputs."
            )
        values = [x if isinstance(x, Value) else Value(x) for x in inputs]
        if not self.training or self.p == 0.0:
            return values
        random, p = self._rng.random, self.p
        # p = 1 drops everything; 1/(1 − p) would divide by zero.
        scale = 1.0 / (1.0 - p) if p < 1.0 else 0.0
        with self.scope():
            return [x * (scale if random() >= p else 0.0) for x in values]

    def summary(self) -> str:
        """One line: the drop probability.

        Example:
            >>> Dropout(0.25).summary()
            'Dropout(p=0.25)'
        """
        return f"Dropout(p={self.p})"

    def architecture(self) -> Architecture | None:
        """How to rebuild this layer.

        Example:
            >>> Dropout(0.5).architecture()
            {'type': 'Dropout', 'p': 0.5}
        """
        return {"type": "Dropout", "p": self.p}

    @classmethod
    def from_architecture(cls, architecture: Mapping[str, object]) -> Dropout:
        """Rebuild from ``architecture()``.

        Example:
            >>> Dropout.from_architecture({"type": "Dropout", "p": 0.1})
            Dropout(p=0.1)
        """
        p = architecture.get("p")
        if not is_number(p):
            raise ValueError(f"Dropout got architecture {dict(architecture)!r}; expected a number under 'p'.")
        return cls(p)
