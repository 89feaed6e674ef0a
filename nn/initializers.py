"""Initial weights: where gradient descent starts (the course: "initialise randomly").

An initializer draws one weight from ``(fan_in, fan_out, rng)``: the number of
inputs and outputs of the layer and a ``random.Random``. Scaling by the fan
keeps activations from shrinking or exploding layer after layer: Xavier/Glorot
for sigmoid and tanh, He for relu. Nothing here touches the global random state.

Example:
    >>> import random
    >>> rng = random.Random(0)
    >>> -1.0 <= he_uniform(2, 16, rng) <= 1.0 * 3 ** 0.5
    True
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from nn.checks import as_index

Initializer = Callable[[int, int, random.Random], float]
Seed = int | random.Random | None


def make_rng(seed: Seed, what: str = "seed") -> random.Random:
    """A ``random.Random`` from a seed, an existing generator (shared, not copied) or None.

    None gives a fresh generator seeded by the operating system: runs differ,
    but the global ``random`` state is never read or changed.

    Args:
        seed: an int, a ``random.Random`` or None.
        what: how to name the argument in an error message.

    Returns:
        The generator to draw from.

    Raises:
        TypeError: ``seed`` is of another type.

    Example:
        >>> make_rng(0).random() == make_rng(0).random()
        True
    """
    if isinstance(seed, random.Random):
        return seed
    if seed is None:
        return random.Random()
    whole = as_index(seed)  # int or np.int64, not a bool
    if whole is not None:
        return random.Random(whole)
    raise TypeError(f"{what} got {seed!r} of type {type(seed).__name__}; expected an int, a random.Random or None.")


def uniform(fan_in: int, fan_out: int, rng: random.Random) -> float:
    """U(−1, 1), ignoring the fans (micrograd's choice).

    Example:
        >>> -1.0 <= uniform(2, 3, random.Random(0)) <= 1.0
        True
    """
    return rng.uniform(-1.0, 1.0)


def normal(fan_in: int, fan_out: int, rng: random.Random) -> float:
    """N(0, 1), ignoring the fans.

    Example:
        >>> round(normal(2, 3, random.Random(0)), 4)
        0.9417
    """
    return rng.gauss(0.0, 1.0)


def xavier_uniform(fan_in: int, fan_out: int, rng: random.Random) -> float:
    """Xavier/Glorot: U(−a, a) with a = √(6 / (fan_in + fan_out)); for sigmoid and tanh.

    Example:
        >>> abs(xavier_uniform(3, 3, random.Random(0))) <= 1.0
        True
    """
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit)


def xavier_normal(fan_in: int, fan_out: int, rng: random.Random) -> float:
    """Xavier/Glorot: N(0, σ²) with σ = √(2 / (fan_in + fan_out)).

    Example:
        >>> round(xavier_normal(1, 1, random.Random(0)), 4)
        0.9417
    """
    return rng.gauss(0.0, math.sqrt(2.0 / (fan_in + fan_out)))


def he_uniform(fan_in: int, fan_out: int, rng: random.Random) -> float:
    """He/Kaiming: U(−a, a) with a = √(6 / fan_in); keeps relu activations' variance steady.

    Example:
        >>> abs(he_uniform(6, 1, random.Random(0))) <= 1.0
        True
    """
    limit = math.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit)


def he_normal(fan_in: int, fan_out: int, rng: random.Random) -> float:
    """He/Kaiming: N(0, σ²) with σ = √(2 / fan_in).

    Example:
        >>> round(he_normal(2, 1, random.Random(0)), 4)
        0.9417
    """
    return rng.gauss(0.0, math.sqrt(2.0 / fan_in))


glorot_uniform = xavier_uniform
glorot_normal = xavier_normal

INITIALIZERS: dict[str, Initializer] = {
    "uniform": uniform,
    "normal": normal,
    "xavier": xavier_uniform,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "glorot": xavier_uniform,
    "glorot_uniform": xavier_uniform,
    "glorot_normal": xavier_normal,
    "he": he_uniform,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
}


def resolve_initializer(initializer: str | Initializer | None, activation: str) -> Initializer:
    """The initializer to use: by name, a callable, or None for the activation's usual one.

    None picks He for ``relu``/``leaky_relu`` and Xavier for everything else.

    Args:
        initializer: a name from ``INITIALIZERS``, a callable or None.
        activation: the layer's activation name, for the default.

    Returns:
        A function ``(fan_in, fan_out, rng) -> float``.

    Raises:
        ValueError: an unknown name.
        TypeError: neither a str, a callable nor None.

    Example:
        >>> resolve_initializer(None, "relu").__name__
        'he_uniform'
    """
    if initializer is None:
        return he_uniform if activation in ("relu", "leaky_relu") else xavier_uniform
    if isinstance(initializer, str):
        if initializer not in INITIALIZERS:
            names = ", ".join(repr(name) for name in INITIALIZERS)
            raise ValueError(f"initializer got {initializer!r}; expected one of {names}, or a callable.")
        return INITIALIZERS[initializer]
    if callable(initializer):
        return initializer
    raise TypeError(
        f"initializer got {initializer!r} of type {type(initializer).__name__}; expected a name such as 'he' or a "
        "callable (fan_in, fan_out, rng) -> float."
    )
