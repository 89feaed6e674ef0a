"""What nn accepts as a number and as a class index, in one place so every check agrees.

A number is any real number except a bool: ``int``, ``float``, ``fractions.Fraction``
and NumPy scalars such as ``np.float32(0.1)`` (``numbers.Real``). ``True`` is
refused: it is almost always a slip, not a learning rate of 1. A class index is
anything ``operator.index`` accepts (``int``, ``np.int64``), again except a bool.

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
from typing import SupportsIndex, TypeGuard

from autograd.value import is_real


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
