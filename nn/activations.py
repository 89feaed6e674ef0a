"""Activation functions: the nonlinearity g in a neuron's y = g(w0 + Σ xᵢwᵢ).

Without g, stacked layers collapse into one linear map, and a linear model can
only draw a straight decision boundary. Layers take an activation by name
(``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``, ``"linear"``) or as any
callable from a Value to a Value.

Example:
    >>> import nn
    >>> from autograd import Value
    >>> round(nn.sigmoid(Value(-6.0)).data, 7)
    0.0024726
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Sequence

import autograd
from autograd import Value
from nn.checks import finite_number, is_number

Activation = Callable[[Value], Value]


def sigmoid(x: Value) -> Value:
    """σ(x) = 1/(1 + e⁻ˣ), in (0, 1): a probability.  d/dx = σ(x)(1 − σ(x)).

    Example:
        >>> sigmoid(Value(0.0)).data
        0.5
    """
    return x.sigmoid()


def tanh(x: Value) -> Value:
    """Tanh x, in (−1, 1) and centred on 0.  d/dx = 1 − tanh²x.

    Example:
        >>> tanh(Value(0.0)).data
        0.0
    """
    return x.tanh()


def relu(x: Value) -> Value:
    """max(x, 0): piecewise linear with a kink at 0.  d/dx = 1 for x > 0, else 0.

    Example:
        >>> relu(Value(-2.0)).data, relu(Value(3.0)).data
        (0.0, 3.0)
    """
    return x.relu()


def leaky_relu(x: Value, slope: float = 0.01) -> Value:
    """X for x > 0, else slope·x: a relu whose negative side still passes a gradient.

    Args:
        x: the neuron's weighted sum.
        slope: the gradient on the negative side, a finite number (default 0.01).

    Raises:
        ValueError: a ``slope`` that is not a finite number (nan would make every output nan).

    Example:
        >>> leaky_relu(Value(-2.0)).data, leaky_relu(Value(-2.0), slope=0.1).data
        (-0.02, -0.2)
    """
    if slope != 0.01:  # the default needs no check: this runs once per neuron
        slope = finite_number("leaky_relu()", "slope", slope, "The usual slope is 0.01.")
    return x.leaky_relu(slope)


def linear(x: Value) -> Value:
    """The identity: no nonlinearity (a layer's raw score, or logit).

    Example:
        >>> linear(Value(-2.0)).data
        -2.0
    """
    return x


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "linear": linear,
}

# What a neuron actually calls: the Value methods themselves skip one Python
# call per neuron on the hot path; the functions above are the readable names.
_FAST: dict[str, Activation] = {
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "relu": Value.relu,
    "leaky_relu": leaky_relu,
    "linear": linear,
}

# Either form of a built-in, given as a callable, is that built-in: nn.MLP(..., activation=nn.relu)
# saves as "relu" and runs the fast form.
_NAMES: dict[Activation, str] = {function: name for table in (ACTIVATIONS, _FAST) for name, function in table.items()}


def resolve_activation(activation: str | Activation | None, what: str = "activation") -> tuple[str, Activation]:
    """The name and the function of an activation given by name or as a callable.

    Args:
        activation: a name from ``ACTIVATIONS``, a callable Value → Value, or
            None (the same as ``"linear"``).
        what: how to name the argument in an error message.

    Returns:
        ``(name, function)``; a built-in given as a function (``nn.relu``) has
        its name, any other callable its ``__name__``.

    Raises:
        ValueError: an unknown name.
        TypeError: neither a str nor a callable.

    Example:
        >>> resolve_activation("relu")[0], resolve_activation(None)[0], resolve_activation(relu)[0]
        ('relu', 'linear', 'relu')
    """
    if activation is None:
        return "linear", linear
    if isinstance(activation, str):
        if activation not in _FAST:
            names = ", ".join(repr(name) for name in ACTIVATIONS)
            raise ValueError(f"{what} got {activation!r}; expected one of {names}, or a callable Value → Value.")
        return activation, _FAST[activation]
    if callable(activation):
        name = _NAMES.get(activation)
        if name is not None:
            return name, _FAST[name]
        return getattr(activation, "__name__", type(activation).__name__), activation
    raise TypeError(
        f"{what} got {activation!r} of type {type(activation).__name__}; expected a name such as 'relu' or a callable."
    )


def logsumexp(values: Sequence[Value]) -> Value:
    """Log Σᵢ e^zᵢ, summed by ``logaddexp`` in pairs, so no exponential overflows.  ∂/∂zᵢ = softmax(z)ᵢ.

    The pairs form a balanced tree (⌈log₂ n⌉ levels, which the batched engine
    runs one after another), and no Python choice reads a score: the graph is
    the same for every example, so the batched engine, which records it once
    and replays it, is right for each. ``cross_entropy`` and ``softmax`` build
    on it.

    Args:
        values: the terms, at least one (a lone term is returned as it is).

    Returns:
        log Σᵢ e^zᵢ, as a Value.

    Raises:
        ValueError: ``values`` is empty.

    Example:
        >>> round(logsumexp([Value(1000.0), Value(1000.0)]).data, 6)  # 1000 + log 2
        1000.693147
    """
    terms = list(values)
    if not terms:
        raise ValueError("logsumexp() got an empty list; expected at least one term.")
    while len(terms) > 1:
        terms = [a.logaddexp(b) for a, b in zip(terms[::2], terms[1::2])] + terms[len(terms) - len(terms) % 2 :]
    return terms[0]


def softmax(values: Sequence[Value | float]) -> list[Value]:
    """Turn scores into probabilities: e^zᵢ / Σⱼ e^zⱼ for each score zᵢ.

    Every score is first shifted down by s = log Σⱼ e^zⱼ (``logsumexp``): a
    shift changes neither the result nor its gradient, and after this one no
    exponential exceeds 1, so none overflows. s is a node of the graph, not a
    number read from the scores, so the batched engine, which records the graph
    once and replays it, shifts each example by its own s. Dividing by the sum
    of the shifted exponentials (≈ 1) cancels the rounding in s, so scores near
    1000 are as exact as scores near 0 (e^(zᵢ − s) alone carries s's rounding:
    1e-13 at 1000). A score of +∞ (or only −∞ scores) gives nan everywhere, as
    in PyTorch.

    Args:
        values: the scores (logits), at least one.

    Returns:
        One probability per score; they sum to 1.

    Raises:
        ValueError: ``values`` is empty.
        TypeError: ``values`` is not a list of numbers.

    Example:
        >>> [round(p.data, 4) for p in softmax([1.0, 2.0, 3.0])]
        [0.09, 0.2447, 0.6652]
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(
            f"softmax() got {reprlib.repr(values)} of type {type(values).__name__}; expected a list of scores such as "
            "[1.0, 2.0, 3.0]."
        )
    if len(values) == 0:
        raise ValueError("softmax() got an empty list; expected at least one score.")
    for index, v in enumerate(values):
        if not isinstance(v, Value) and not is_number(v):
            raise TypeError(
                f"softmax() got values[{index}]={v!r} of type {type(v).__name__}; expected a number or a Value."
            )
    scores = [v if isinstance(v, Value) else Value(v) for v in values]
    shift = logsumexp(scores)
    exps = [(v - shift).exp() for v in scores]
    total = autograd.sum(exps)
    return [e / total for e in exps]
