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

import functools
import math
import reprlib
from collections.abc import Callable, Mapping, Sequence
from typing import ParamSpec

import autograd
from autograd import Value
from autograd.see.closed_form import ClosedForm, declare
from nn.checks import as_index, is_finite_number, is_number, same_length

Output = Value | float | Sequence[Value | float]
"""What a model returns for one example: one number, or a list of numbers."""

# log(p) for p below e^−100 is taken as −100, as PyTorch's BCELoss does, so a
# saturated sigmoid (p exactly 0 or 1) gives a large but finite loss.
_SMALLEST_PROBABILITY = math.exp(-100.0)

_P = ParamSpec("_P")


def _scoped(title: str) -> Callable[[Callable[_P, Value]], Callable[_P, Value]]:
    """Compute the loss inside ``autograd.scope(title)``: a drawing shows it as one named, collapsible box."""

    def decorate(loss: Callable[_P, Value]) -> Callable[_P, Value]:
        @functools.wraps(loss)
        def scoped(*args: _P.args, **kwargs: _P.kwargs) -> Value:
            with autograd.scope(title):
                return loss(*args, **kwargs)

        return scoped

    return decorate


@_scoped("mean squared error")
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
    n = len(values)
    forms = [_mse_form(p, t, n) for p, t in zip(values, truths)]
    return declare(_mean([(p - t) ** 2 for p, t in zip(values, truths)]), forms)


@_scoped("binary cross-entropy")
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
    losses = []
    forms = []
    for index, (output, target) in enumerate(zip(probabilities, targets)):
        p = _scalar("binary_cross_entropy", output, index)
        y = _label("binary_cross_entropy", target, index, (0.0, 1.0))
        if math.isnan(p.data):
            raise ValueError(
                f"binary_cross_entropy() got output nan for example {index}; the model's output is not a number, "
                "so training has diverged (a weight became inf or nan). Lower the learning rate, or find the first "
                "nan with `with autograd.detect_anomaly():`."
            )
        if not 0.0 <= p.data <= 1.0:  # PyTorch's BCELoss refuses these as well
            raise ValueError(
                f"binary_cross_entropy() got output {p.data!r} for example {index}; expected a probability in "
                "[0, 1]. Give the model a sigmoid output (output_activation='sigmoid'), or use "
                "binary_cross_entropy_with_logits on raw scores."
            )
        terms: list[Value] = []
        if y != 0.0:
            terms.append(y * p.clamp(_SMALLEST_PROBABILITY, 1.0).log())
        if y != 1.0:
            terms.append((1.0 - y) * (1.0 - p).clamp(_SMALLEST_PROBABILITY, 1.0).log())
        losses.append(-autograd.sum(terms))
        forms.append(_bce_form(p, y, len(probabilities)))
    return declare(_mean(losses), forms)


@_scoped("binary cross-entropy (logits)")
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
    losses = []
    forms = []
    for index, (output, target) in enumerate(zip(logits, targets)):
        z = _scalar("binary_cross_entropy_with_logits", output, index)
        y = _label("binary_cross_entropy_with_logits", target, index, (0.0, 1.0))
        # softplus(z) − y·z = y·softplus(−z) + (1 − y)·softplus(z): a sum of terms ≥ 0,
        # so a tiny loss (z ≥ 36.5, y = 1: 36.5 − 36.5 was 0.0) keeps its digits.
        if y == 0.0:
            losses.append(z.softplus())
        elif y == 1.0:
            losses.append(y * (-z).softplus())
        else:
            losses.append(y * (-z).softplus() + (1.0 - y) * z.softplus())
        forms.append(_logit_form(z, y, len(logits)))
    return declare(_mean(losses), forms)


@_scoped("cross-entropy")
def cross_entropy(logits: Sequence[Output], targets: Sequence[float]) -> Value:
    """Softmax cross-entropy for several classes: log Σⱼ e^zⱼ − z_target, averaged.

    The log-sum-exp subtracts the largest score first, so no exponential
    overflows, and uses log1p, so a tiny loss keeps its digits.
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
    losses = []
    forms = []
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
        scores = [_value(z) for z in output]
        top = max(range(len(scores)), key=lambda j: scores[j].data)
        if math.isfinite(scores[top].data):
            # log Σⱼ e^zⱼ − z_t = log1p(Σ_{j≠top} e^(zⱼ − z_top)) + (z_top − z_t): two terms ≥ 0,
            # and log1p keeps a tiny loss (1.9e-13 was 0.6% off as the log of a sum) exact.
            others = autograd.sum([(z - scores[top]).exp() for j, z in enumerate(scores) if j != top])
            losses.append(others.log1p() + (scores[top] - scores[index_of_class]))
        else:
            log_total = autograd.sum([z.exp() for z in scores]).log()
            losses.append(log_total - scores[index_of_class])
        probabilities = _softmax([z.data for z in scores])
        forms += [
            _softmax_form(z, p, float(j == index_of_class), len(logits))
            for j, (z, p) in enumerate(zip(scores, probabilities))
        ]
    return declare(_mean(losses), forms)


@_scoped("hinge loss")
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
    losses = []
    forms = []
    for index, (output, target) in enumerate(zip(scores, targets)):
        s = _scalar("hinge", output, index)
        y = _label("hinge", target, index, (-1.0, 1.0), allowed=(-1.0, 0.0, 1.0))
        sign = 1.0 if y > 0.0 else -1.0
        losses.append((1.0 - sign * s).relu())
        forms.append(_hinge_form(s, sign, len(scores)))
    return declare(_mean(losses), forms)


def _bce_form(p: Value, y: float, n: int) -> ClosedForm:
    """∂J/∂ŷ = −y/ŷ + (1−y)/(1−ŷ) (over n), with only the terms this target keeps in the numbers."""
    terms = []
    if y != 0.0:
        terms.append(f"−{_shown(y)}/{{ŷ}}")
    if y != 1.0:
        terms.append(f"{_shown(1.0 - y)}/(1 − {{ŷ}})")
    numbers = " + ".join(terms)

    def rule(v: Mapping[str, float]) -> float:
        return ((-y / v["ŷ"] if y != 0.0 else 0.0) + ((1.0 - y) / (1.0 - v["ŷ"]) if y != 1.0 else 0.0)) / n

    return ClosedForm(
        p,
        "−y/{output} + (1−y)/(1−{output})" if n == 1 else "(−y/{output} + (1−y)/(1−{output}))/n",
        numbers if n == 1 else f"({numbers})/{n}",
        {"ŷ": p.data},
        rule,
        f"y = {_shown(y)}",
    )


def _mse_form(p: Value, t: float, n: int) -> ClosedForm:
    """∂J/∂ŷ = 2(ŷ − y)/n."""

    def rule(v: Mapping[str, float]) -> float:
        return 2 * (v["ŷ"] - t) / n

    numbers = f"2 × ({{ŷ}} − {_shown(t)})" + _over(n, n)
    return ClosedForm(p, "2({output} − y)" + _over(n), numbers, {"ŷ": p.data}, rule, f"y = {_shown(t)}")


def _logit_form(z: Value, y: float, n: int) -> ClosedForm:
    """∂J/∂z = σ(z) − y (over n)."""

    def rule(v: Mapping[str, float]) -> float:
        return (_sigmoid(v["z"]) - y) / n

    numbers = f"σ({{z}}) − {_shown(y)}"
    numbers = f"({numbers})/{n}" if n > 1 else numbers
    return ClosedForm(z, "σ({output}) − y" + _over(n), numbers, {"z": z.data}, rule, f"y = {_shown(y)}")


def _softmax_form(z: Value, p: float, y: float, n: int) -> ClosedForm:
    """∂J/∂zⱼ = pⱼ − yⱼ (over n): this class's softmax probability minus its one-hot target."""

    def rule(v: Mapping[str, float]) -> float:
        return (v["p"] - y) / n

    numbers = f"{{p}} − {_shown(y)}"
    numbers = f"({numbers})/{n}" if n > 1 else numbers
    return ClosedForm(z, "p − y" + _over(n), numbers, {"p": p}, rule, "y")


def _hinge_form(s: Value, sign: float, n: int) -> ClosedForm:
    """∂J/∂s = −y inside the margin (y·s < 1), else 0 (over n)."""
    inside = 1.0 - sign * s.data > 0.0

    def rule(v: Mapping[str, float]) -> float:
        return -sign / n if inside else 0.0

    formula = ("−y" if inside else "0") + _over(n) + f" (y·{{output}} {'<' if inside else '≥'} 1)"
    numbers = (_shown(-sign) if inside else "0") + _over(n, n)
    return ClosedForm(s, formula, numbers, {}, rule, f"y = {_shown(sign)}")


def _over(n: int, number: int | None = None) -> str:
    """``/n`` (or ``/2``) after a closed form when the loss is a mean over more than one number."""
    return "" if n == 1 else f"/{'n' if number is None else number}"


def _shown(x: float) -> str:
    """A target as the closed form writes it: ``1``, ``0``, ``0.25``."""
    return f"{x:g}"


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def _softmax(scores: Sequence[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(z - top) for z in scores]
    total = sum(exps)
    return [e / total for e in exps]


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


def _label(
    name: str, target: object, index: int, bounds: tuple[float, float], allowed: tuple[float, ...] | None = None
) -> float:
    y = _number(name, target, index)
    if (allowed is not None and y not in allowed) or not bounds[0] <= y <= bounds[1]:
        expected = " or ".join(f"{a:g}" for a in allowed) if allowed else f"a number in [{bounds[0]:g}, {bounds[1]:g}]"
        raise ValueError(f"{name}() got target {target!r} for example {index}; expected {expected}.")
    return y


def _mean(losses: Sequence[Value]) -> Value:
    # One Σ node then a scale: the drawing shows J = (1/n)·Σ Lᵢ, as the course writes it.
    return autograd.sum(losses) * (1.0 / len(losses))
