"""Losses: how wrong the model is, averaged over the examples (the "empirical loss").

Every loss is ``loss(outputs, targets) -> Value``: the model's outputs for a
batch (one entry per example) and the true answers; it returns the mean of the
per-example losses J = (1/n) Σᵢ L(ŷᵢ, yᵢ), one Value you call ``backward()`` on.
All stay finite, with finite gradients, for scores as large as ±1000.

Example:
    >>> import nn
    >>> nn.mean_squared_error([2.0, 4.0], [1.0, 1.0]).data  # ((2−1)² + (4−1)²) / 2
    5.0
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import autograd
from autograd import Value
from nn.activations import logsumexp
from nn.checks import as_index, is_finite_number, is_number, same_length

Output = Value | float | Sequence[Value | float]
"""What a model returns for one example: one number, or a list of numbers."""

# log(p) for p below e^−100 is taken as −100, as PyTorch's BCELoss does, so a
# saturated sigmoid (p exactly 0 or 1) gives a large but finite loss.
_SMALLEST_PROBABILITY = math.exp(-100.0)

_Worked = tuple[float, str]
_Rule = Callable[[Sequence[float], Sequence[float], Callable[[float], str]], Sequence[_Worked]]


def _loss_scope(
    title: str, formula: str, symbol: str, examples: Sequence[tuple[Sequence[Value], Sequence[float]]], rule: _Rule
) -> AbstractContextManager[None]:
    """``autograd.scope`` for a loss, declaring its kind and its derivative in closed form (see ``autograd.Scope``)."""
    form = autograd.ClosedForm(
        formula, symbol, tuple(tuple(o) for o, _ in examples), tuple(tuple(t) for _, t in examples), rule
    )
    return autograd.scope(autograd.Scope(title, kind="loss", closed_form=form))


def _whole(y: float) -> str:
    # Targets are usually 0 or 1: written "1", not "1.0".
    return str(int(y)) if float(y).is_integer() else repr(y)


def _mse_rule(outputs: Sequence[float], targets: Sequence[float], number: Callable[[float], str]) -> list[_Worked]:
    return [(2.0 * (p - y), f"2·({number(p)} − {_whole(y)})") for p, y in zip(outputs, targets)]


def _bce_rule(outputs: Sequence[float], targets: Sequence[float], number: Callable[[float], str]) -> list[_Worked]:
    (p,), (y,) = outputs, targets
    terms, gradient = [], 0.0
    # The clamp keeps log finite; past it the loss is flat, and so is the derivative.
    if y != 0.0:
        terms.append(f"−{_whole(y)}/{number(p)}")
        gradient -= y / p if p >= _SMALLEST_PROBABILITY else 0.0
    if y != 1.0:
        terms.append(f"{_whole(1.0 - y)}/{number(1.0 - p)}")
        gradient += (1.0 - y) / (1.0 - p) if 1.0 - p >= _SMALLEST_PROBABILITY else 0.0
    return [(gradient, " + ".join(terms))]


def _logits_rule(outputs: Sequence[float], targets: Sequence[float], number: Callable[[float], str]) -> list[_Worked]:
    (z,), (y,) = outputs, targets
    p = 0.5 * (1.0 + math.tanh(z / 2.0))  # σ(z) without overflow
    return [(p - y, f"σ({number(z)}) − {_whole(y)} = {number(p)} − {_whole(y)}")]


def _softmax_rule(outputs: Sequence[float], targets: Sequence[float], number: Callable[[float], str]) -> list[_Worked]:
    top = max(outputs)
    exps = [math.exp(z - top) for z in outputs]
    total = sum(exps)
    return [(e / total - y, f"{number(e / total)} − {_whole(y)}") for e, y in zip(exps, targets)]


def _hinge_rule(outputs: Sequence[float], targets: Sequence[float], number: Callable[[float], str]) -> list[_Worked]:
    (s,), (y,) = outputs, targets
    sign = 1.0 if y > 0.0 else -1.0
    if 1.0 - sign * s > 0.0:
        return [(-sign, f"−y = {_whole(-sign)} (inside the margin: y·s = {number(sign * s)} < 1)")]
    return [(0.0, f"0 (outside the margin: y·s = {number(sign * s)} ≥ 1)")]


def mean_squared_error(outputs: Sequence[Output], targets: Sequence[float | Sequence[float]]) -> Value:
    """Mean of (ŷ − y)²: for predicting real numbers such as a final grade.

    Multi-output examples contribute every output: the mean is over all numbers.

    Args:
        outputs: one prediction (or list of predictions) per example.
        targets: the true values, shaped like ``outputs``.

    Returns:
        (1/n) Σ (ŷᵢ − yᵢ)².

    Raises:
        ValueError: empty, or ``outputs`` and ``targets`` differ in length.

    Example:
        >>> mean_squared_error([Value(3.0)], [1.0]).data
        4.0
    """
    _check_batch("mean_squared_error", outputs, targets)
    predictions: list[Value | float] = []
    truths: list[float] = []
    for index, (output, target) in enumerate(zip(outputs, targets)):
        if isinstance(output, Value) or not isinstance(output, Sequence):
            predictions.append(output)
            truths.append(_number("mean_squared_error", target, index))
            continue
        if not isinstance(target, Sequence) or len(target) != len(output):
            raise ValueError(
                f"mean_squared_error() got target {target!r} for example {index}, whose output has {len(output)} "
                "numbers; expected a list of as many targets."
            )
        predictions.extend(output)
        truths.extend(_number("mean_squared_error", t, index) for t in target)
    values = [_value(p) for p in predictions]
    examples = [((p,), (t,)) for p, t in zip(values, truths)]
    with _loss_scope("mean squared error", "2(ŷ − y)", "ŷ", examples, _mse_rule):
        return _mean([(p - t) ** 2 for p, t in zip(values, truths)])


@dataclass(frozen=True)
class OutputCheck:
    """A check a loss makes on one example's output number, in the two forms the engines need.

    Attributes:
        refused: for an array of numbers (one per example), True where the check fails.
        refuse: raise the loss's error for one number, naming the example by its index in the batch.

    Example:
        >>> _PROBABILITY.refuse(0.5, 0)  # passes
        >>> _PROBABILITY.refuse(2.0, 3)
        Traceback (most recent call last):
        ...
        ValueError: binary_cross_entropy() got output 2.0 for example 3; expected a probability in [0, 1]. ...
    """

    refused: Callable[[Any], Any]
    refuse: Callable[[float, int], None]


OUTPUT_CHECKS: ContextVar[list[tuple[Value, OutputCheck]] | None] = ContextVar("nn_output_checks", default=None)
"""While ``engine="batched"`` records a loss, the checks the loss made on its outputs' numbers.

A check reads ``p.data``, and the loss is recorded on ONE example's outputs, so a
check made there would see only that example. While this list is set, a check is
listed instead (``nn.batched`` makes it on every example's value of the node).
"""


def _check_output(output: Value, check: OutputCheck, index: int) -> None:
    listening = OUTPUT_CHECKS.get()
    if listening is None:
        check.refuse(output.data, index)
    else:  # recorded for the batched engine: checked on every example's number, not this one's alone
        listening.append((output, check))


def _refuse_unless_probability(p: float, index: int) -> None:
    if math.isnan(p):
        raise ValueError(
            f"binary_cross_entropy() got output nan for example {index}; the model's output is not a number, "
            "so training has diverged (a weight became inf or nan). Lower the learning rate, or find the first "
            "nan with `with autograd.detect_anomaly():`."
        )
    if not 0.0 <= p <= 1.0:  # PyTorch's BCELoss refuses these as well
        raise ValueError(
            f"binary_cross_entropy() got output {p!r} for example {index}; expected a probability in "
            "[0, 1]. Give the model a sigmoid output (output_activation='sigmoid'), or use "
            "binary_cross_entropy_with_logits on raw scores."
        )


# nan fails both comparisons, so it is refused too (and refuse() names it as nan).
_PROBABILITY = OutputCheck(refused=lambda p: ~((p >= 0.0) & (p <= 1.0)), refuse=_refuse_unless_probability)


def binary_cross_entropy(probabilities: Sequence[Output], targets: Sequence[float]) -> Value:
    """−[y·log p + (1 − y)·log(1 − p)], averaged: for pass/fail with a sigmoid output.

    Each log is clamped at −100 (as PyTorch does), so p = 0 or 1 exactly gives
    a finite loss instead of log 0. Prefer ``binary_cross_entropy_with_logits``
    on raw scores: it is exact even where the sigmoid saturates.

    Args:
        probabilities: one probability p ∈ [0, 1] per example (a sigmoid output).
        targets: 1 for the positive class (passed), 0 for the negative.

    Returns:
        The mean binary cross-entropy.

    Raises:
        ValueError: a probability or a target outside [0, 1] (nan included);
            empty or mismatched lengths.

    Example:
        >>> round(binary_cross_entropy([0.9, 0.2], [1, 0]).data, 6)  # −(log 0.9 + log 0.8)/2
        0.164252
    """
    _check_batch("binary_cross_entropy", probabilities, targets)
    examples: list[tuple[tuple[Value], tuple[float]]] = []
    for index, (output, target) in enumerate(zip(probabilities, targets)):
        p = _scalar("binary_cross_entropy", output, index)
        y = _label("binary_cross_entropy", target, index, (0.0, 1.0))
        _check_output(p, _PROBABILITY, index)
        examples.append(((p,), (y,)))
    with _loss_scope("binary cross-entropy", "−y/ŷ + (1−y)/(1−ŷ)", "ŷ", examples, _bce_rule):
        losses = []
        for (p,), (y,) in examples:
            terms: list[Value] = []
            if y != 0.0:
                terms.append(y * p.clamp(_SMALLEST_PROBABILITY, 1.0).log())
            if y != 1.0:
                terms.append((1.0 - y) * (1.0 - p).clamp(_SMALLEST_PROBABILITY, 1.0).log())
            losses.append(-autograd.sum(terms))
        return _mean(losses)


def binary_cross_entropy_with_logits(logits: Sequence[Output], targets: Sequence[float]) -> Value:
    """Binary cross-entropy of σ(z), computed from the score z directly: softplus(z) − y·z.

    −[y·log σ(z) + (1 − y)·log(1 − σ(z))] simplifies to log(1 + eᶻ) − y·z, and
    written y·softplus(−z) + (1 − y)·softplus(z), a sum of terms ≥ 0 that never
    overflows, so it keeps full precision for any z.  ∂/∂z = σ(z) − y.

    Args:
        logits: one raw score z per example (a model with no output activation).
        targets: 1 or 0 per example (probabilities in between are allowed).

    Returns:
        The mean binary cross-entropy.

    Raises:
        ValueError: a target outside [0, 1]; empty or mismatched lengths.

    Example:
        >>> round(binary_cross_entropy_with_logits([0.0], [1]).data, 6)  # log 2
        0.693147
    """
    _check_batch("binary_cross_entropy_with_logits", logits, targets)
    examples = [
        (
            (_scalar("binary_cross_entropy_with_logits", output, index),),
            (_label("binary_cross_entropy_with_logits", target, index, (0.0, 1.0)),),
        )
        for index, (output, target) in enumerate(zip(logits, targets))
    ]
    with _loss_scope("binary cross-entropy (logits)", "σ(z) − y", "z", examples, _logits_rule):
        return _mean([_softplus_loss(z, y) for (z,), (y,) in examples])


def _softplus_loss(z: Value, y: float) -> Value:
    # softplus(z) − y·z = y·softplus(−z) + (1 − y)·softplus(z): a sum of terms ≥ 0,
    # so a tiny loss (z ≥ 36.5, y = 1: 36.5 − 36.5 was 0.0) keeps its digits.
    if y == 0.0:
        return z.softplus()
    if y == 1.0:
        return y * (-z).softplus()
    return y * (-z).softplus() + (1.0 - y) * z.softplus()


def cross_entropy(logits: Sequence[Output], targets: Sequence[float]) -> Value:
    """Softmax cross-entropy for several classes: log Σⱼ e^zⱼ − z_target, averaged.

    Written as log(1 + Σ_{j≠target} e^(zⱼ − z_target)), summed with logaddexp,
    so no exponential overflows and a tiny loss keeps its digits.
    ∂/∂zⱼ = softmax(z)ⱼ − [j = target].

    Args:
        logits: one list of class scores per example.
        targets: the index of the true class per example (an int).

    Returns:
        The mean cross-entropy.

    Raises:
        ValueError: a target that is not a class index; empty or mismatched lengths.

    Example:
        >>> round(cross_entropy([[1.0, 2.0, 3.0]], [2]).data, 6)
        0.407606
    """
    _check_batch("cross_entropy", logits, targets)
    examples: list[tuple[list[Value], list[float]]] = []
    for index, (output, target) in enumerate(zip(logits, targets)):
        if isinstance(output, Value) or not isinstance(output, Sequence) or len(output) < 2:
            raise ValueError(
                f"cross_entropy() got output {reprlib.repr(output)} for example {index}; expected a list of at least "
                "2 class scores. For one score per example use binary_cross_entropy_with_logits."
            )
        index_of_class = as_index(target)
        if index_of_class is None or not 0 <= index_of_class < len(output):
            raise ValueError(
                f"cross_entropy() got target {target!r} for example {index}; expected a class index 0 … "
                f"{len(output) - 1}."
            )
        one_hot = [float(j == index_of_class) for j in range(len(output))]
        examples.append(([_value(z) for z in output], one_hot))
    with _loss_scope("cross-entropy", "pⱼ − yⱼ", "z", examples, _softmax_rule):
        return _mean([_cross_entropy_term(scores, one_hot.index(1.0)) for scores, one_hot in examples])


def _cross_entropy_term(scores: list[Value], index_of_class: int) -> Value:
    # log Σⱼ e^zⱼ − z_t = log(e⁰ + Σ_{j≠t} e^dⱼ) with dⱼ = zⱼ − z_t, by logsumexp
    # (logaddexp in pairs), the first pair being logaddexp(0, d₁) = softplus(d₁).
    # Branch-free: no Python choice reads a score, so the batched engine, which
    # records this once and replays it for every example, is right for each
    # (logaddexp's own rule is stable per example). Nothing overflows; a tiny loss
    # keeps its digits (a sum of terms ≥ 0; 1.9e-13 was 0.6% off as the log of a
    # sum); and each ∂/∂zⱼ is a product of sigmoids, never 1 − something, so even a
    # probability far below the others' keeps its digits.
    target = scores[index_of_class]
    return logsumexp([Value(0.0), *(z - target for j, z in enumerate(scores) if j != index_of_class)])


def hinge(scores: Sequence[Output], targets: Sequence[float]) -> Value:
    """Mean of max(0, 1 − y·s): zero once an example is on the right side by a margin of 1.

    The support-vector-machine loss, and micrograd's demo loss.  ∂/∂s = −y
    inside the margin, else 0.

    Args:
        scores: one raw score s per example.
        targets: +1 or −1 per example; 0 is read as −1, so 0/1 labels work too.

    Returns:
        The mean hinge loss.

    Raises:
        ValueError: a target other than −1, 0 or 1; empty or mismatched lengths.

    Example:
        >>> hinge([2.0, 0.5, 0.5], [1, 1, -1]).data  # (0 + 0.5 + 1.5) / 3
        0.6666666666666666
    """
    _check_batch("hinge", scores, targets)
    examples = [
        ((_scalar("hinge", output, index),), (_label("hinge", target, index, frozenset({-1.0, 0.0, 1.0})),))
        for index, (output, target) in enumerate(zip(scores, targets))
    ]
    with _loss_scope("hinge loss", "−y inside the margin (y·s < 1), else 0", "s", examples, _hinge_rule):
        return _mean([(1.0 - (1.0 if y > 0.0 else -1.0) * s).relu() for (s,), (y,) in examples])


def _check_batch(name: str, outputs: Sequence[object], targets: Sequence[object]) -> None:
    if same_length(f"{name}()", outputs, targets, ("output", "target")) == 0:
        raise ValueError(f"{name}() got no outputs; the loss is a mean over examples, so it needs at least one.")


def _value(x: Value | float) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _scalar(name: str, output: object, index: int) -> Value:
    # A one-output model may hand over [ŷ] instead of ŷ; both mean the same.
    if isinstance(output, Sequence) and not isinstance(output, str) and len(output) == 1:
        output = output[0]
    if isinstance(output, Value):
        return output
    if is_number(output):
        return Value(output)
    raise ValueError(
        f"{name}() got output {reprlib.repr(output)} for example {index}; expected one number per example. "
        "For several class scores use cross_entropy."
    )


def _number(name: str, target: object, index: int) -> float:
    if not is_finite_number(target):
        raise ValueError(f"{name}() got target {target!r} for example {index}; expected a finite number.")
    return float(target)


def _label(name: str, target: object, index: int, allowed: tuple[float, float] | frozenset[float]) -> float:
    # A pair is a closed interval of allowed targets; a set lists every allowed one.
    y = _number(name, target, index)
    if isinstance(allowed, frozenset):
        if y not in allowed:
            expected = " or ".join(f"{a:g}" for a in sorted(allowed))
            raise ValueError(f"{name}() got target {target!r} for example {index}; expected {expected}.")
    elif not allowed[0] <= y <= allowed[1]:
        expected = f"a number in [{allowed[0]:g}, {allowed[1]:g}]"
        raise ValueError(f"{name}() got target {target!r} for example {index}; expected {expected}.")
    return y


def _mean(losses: Sequence[Value]) -> Value:
    # One Σ node then a scale: the drawing shows J = (1/n)·Σ Lᵢ, as the course writes it.
    return autograd.sum(losses) * (1.0 / len(losses))
