"""What nn accepts as a number, a count, a class index and a pair of lists, in one place so every check agrees.

A number is any real number except a bool: ``int``, ``float``, ``fractions.Fraction``
and NumPy scalars such as ``np.float32(0.1)`` (``numbers.Real``). ``True`` is
refused: it is almost always a slip, not a learning rate of 1. A class index or
a count is anything ``operator.index`` accepts (``int``, ``np.int64``), again
except a bool. The checkers here (``whole_number``, ``finite_number``,
``same_length``) raise the library's own messages, in the house template: who
got which value, and what to pass instead. ``evaluating`` puts a model in eval
mode for a ``with`` block.

Example:
    >>> from fractions import Fraction
    >>> is_number(0.1), is_number(Fraction(1, 2)), is_number(True), is_number("0.1")
    (True, True, False, False)
    >>> as_index(3), as_index(3.0)
    (3, None)
"""

from __future__ import annotations

import math
import operator
import reprlib
from collections.abc import Iterator, Sized
from contextlib import contextmanager
from typing import TYPE_CHECKING, SupportsIndex, TypeGuard

from autograd.engine.value import is_real

if TYPE_CHECKING:  # nn.module imports this module
    from nn.module import Module


def is_number(value: object) -> TypeGuard[float]:
    """True for a real number (``numbers.Real``) that is not a bool.

    Example:
        >>> is_number(2), is_number(False)
        (True, False)
    """
    return is_real(value)


def is_finite_number(value: object) -> TypeGuard[float]:
    """True for a number that is neither inf nor nan and fits in a float.

    Example:
        >>> is_finite_number(1.5), is_finite_number(float("nan")), is_finite_number(10**400)
        (True, False, False)
    """
    if not is_number(value):
        return False
    try:
        # An int too large for a float (a 400-digit one in a hand-edited file) is no weight.
        return math.isfinite(float(value))
    except OverflowError:
        return False


def as_index(value: object) -> int | None:
    """``value`` as an int if it is a whole-number type (``int``, ``np.int64``), else None.

    Example:
        >>> as_index(2), as_index(True), as_index("2")
        (2, None, None)
    """
    if isinstance(value, bool) or not isinstance(value, SupportsIndex):
        return None
    try:
        return operator.index(value)
    except TypeError:  # np.bool_ has __index__ but refuses
        return None


def whole_number(
    owner: str, name: str, value: object, minimum: int = 1, unit: str = "", alternative: str = ""
) -> int:
    """``value`` as an int if it is a whole number ≥ ``minimum`` (``int``, ``np.int64``; not a bool).

    The one check behind every count nn takes (``n_inputs``, ``epochs``,
    ``batch_size``, ``patience``, ``n`` …), so they all accept the same types
    and fail with the same message.

    Args:
        owner: who is asking, as the message should name it (``"fit()"``, ``"Neuron"``).
        name: the argument's name.
        value: what the caller passed.
        minimum: the smallest allowed value.
        unit: what is counted, for the message (``"epochs"``).
        alternative: what else the argument takes, for the message (``"None (full batch)"``).

    Returns:
        ``value`` as a plain int.

    Raises:
        ValueError: not a whole number, a bool, or below ``minimum``.

    Example:
        >>> whole_number("fit()", "epochs", 3)
        3
        >>> whole_number("fit()", "epochs", 2.5, unit="epochs")
        Traceback (most recent call last):
        ...
        ValueError: fit() got epochs=2.5; expected a whole number of epochs ≥ 1.
    """
    number = as_index(value)
    if number is None or number < minimum:
        of = f" of {unit}" if unit else ""
        other = f", or {alternative}" if alternative else ""
        raise ValueError(f"{owner} got {name}={value!r}; expected a whole number{of} ≥ {minimum}{other}.")
    return number


def finite_number(owner: str, name: str, value: object, fix: str = "") -> float:
    """``value`` as a float if it is a finite real number (not a bool, not nan or ±inf).

    Args:
        owner: who is asking (``"Neuron"``).
        name: the argument's name (``"bias"``, ``"weights[1]"``).
        value: what the caller passed.
        fix: a sentence on what to pass instead, appended to the message.

    Returns:
        ``value`` as a float.

    Raises:
        ValueError: not a real number, or not finite (a 400-digit int included).

    Example:
        >>> finite_number("Neuron", "bias", 1)
        1.0
        >>> finite_number("Neuron", "bias", float("nan"))
        Traceback (most recent call last):
        ...
        ValueError: Neuron got bias=nan; expected a finite number.
    """
    if not is_finite_number(value):
        then = f" {fix}" if fix else ""
        raise ValueError(f"{owner} got {name}={reprlib.repr(value)}; expected a finite number.{then}")
    return float(value)


def same_length(owner: str, items: object, partners: object, names: tuple[str, str] = ("example", "target")) -> int:
    """The common length of two lists that pair up one to one (examples and targets, outputs and targets).

    Args:
        owner: who is asking (``"fit()"``).
        items: the first list.
        partners: the second, one entry per entry of ``items``.
        names: what one entry of each is called, singular (``("output", "target")``).

    Returns:
        The length both share.

    Raises:
        TypeError: either has no length.
        ValueError: the lengths differ.

    Example:
        >>> same_length("fit()", [[0.0], [1.0]], [0, 1])
        2
        >>> same_length("fit()", [[0.0], [1.0]], [0])
        Traceback (most recent call last):
        ...
        ValueError: fit() got 2 examples and 1 target; expected one target per example.
    """
    item, partner = names
    if not isinstance(items, Sized) or isinstance(items, str):
        raise TypeError(
            f"{owner} got {item}s of type {type(items).__name__}; expected a list, one {item} per entry."
        )
    if not isinstance(partners, Sized) or isinstance(partners, str):
        raise TypeError(
            f"{owner} got {partner}s of type {type(partners).__name__}; expected a list, one {partner} per {item}."
        )
    n, m = len(items), len(partners)
    if n != m:
        raise ValueError(
            f"{owner} got {n} {item}{'s' if n != 1 else ''} and {m} {partner}{'s' if m != 1 else ''}; expected one "
            f"{partner} per {item}."
        )
    return n


@contextmanager
def evaluating(model: Module) -> Iterator[None]:
    """Put ``model`` in eval mode for the ``with`` block, then back in the mode it was in.

    Dropout passes values through in eval mode, so measuring and drawing see
    the model as it will be used; the training mode comes back even on an error.

    Example:
        >>> import nn
        >>> model = nn.Sequential(nn.Dropout(0.5))
        >>> with evaluating(model):
        ...     model.training
        False
        >>> model.training
        True
    """
    # Each module's own flag comes back: a Dropout switched off by hand stays off.
    modes = [(module, module.training) for _, module in model.named_modules()]
    model.eval()
    try:
        yield
    finally:
        for module, training in modes:
            module.training = training
