"""The op table: every operation's value, local derivatives, domain and display form, one entry each.

A rule is a small pure function ``rule(m, *inputs, *constants) -> (value, local_grads)``
where ``local_grads[i]`` is ∂value/∂inputs[i]. It is written once against a math
namespace ``m``:

* with ``FLOAT_MATH`` and floats, it runs on every forward step and the node
  stores the floats it returns (no closures, so no reference cycles, and the
  renderer can print every local derivative);
* with ``VALUE_MATH`` (in ``value.py``) and ``Value`` inputs, the same lines build
  the local derivatives as differentiable Values, which is how
  ``grad(..., create_graph=True)`` gets second derivatives.

Rules branch on ``m.real(x)`` (the plain float) so both paths take the same branch.

An op's entry (``Op``) owns everything about it: the rule, the float function
the math namespaces call it by (``m.tanh``), its domain, how formulas show it
(``x × y`` or ``tanh(x)``), the ``Value`` method that applies it, and the points
and high-precision reference its tests use. Adding an op is its rule and one
``op(...)`` call here, plus a one-line method on ``Value``::

    def tanh(m: Math, x: Scalar) -> Local:
        sech = m.reciprocal(m.cosh(x))
        return m.tanh(x), (sech * sech,)

    op("tanh", tanh, function=math.tanh, points=((0.5,), (19.0,)), reference=lambda m, x: m.tanh(x))

Derivatives are written in forms that keep full relative precision where a
textbook form cancels: d/dx tanh x = sech²x (not 1 − tanh²x, which is 0 past
x ≈ 19), d/dx σ(x) = ¼·sech²(x/2) (not σ(1 − σ)), 1 − x² as (1 − x)(1 + x) near ±1
for asin. Each form's own derivative is a product, so second derivatives stay
precise too. At a pole (d/dx √x at 0, d/dx asin x at ±1) ``m.reciprocal`` gives
the signed infinity, and so does the derivative of that infinity.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from collections.abc import Sequence

# A rule's numbers are floats on the forward path and Values on the create_graph
# path; the rules are written so both work, so the type is left open here.
Scalar = Any
Local = tuple[Scalar, tuple[Scalar, ...]]


class Math(Protocol):
    """The functions a rule may call; ``FLOAT_MATH`` and ``VALUE_MATH`` provide them.

    Besides the four below, every op registered with a float ``function`` is
    callable by its name (``m.exp``, ``m.tanh``, ``m.log1p``, ...): the
    namespaces are filled from the op table, so a new op needs no line here.
    """

    def real(self, x: Scalar) -> float: ...  # noqa: D102
    def power(self, x: Scalar, exponent: Scalar) -> Scalar: ...  # noqa: D102
    def reciprocal(self, x: Scalar) -> Scalar: ...  # noqa: D102
    def total(self, xs: Sequence[Scalar]) -> Scalar: ...  # noqa: D102
    def __getattr__(self, name: str) -> Callable[..., Scalar]: ...


def _stable_sigmoid(x: float) -> float:
    # exp of a large positive number overflows, so always exponentiate -|x|.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _stable_softplus(x: float) -> float:
    # log(1 + eˣ) = max(x, 0) + log1p(e^−|x|): finite for every finite x.
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _overflowing(function: Callable[[float], float], odd: bool = False) -> Callable[[float], float]:
    # math.exp, sinh, cosh and expm1 raise OverflowError; IEEE (and the user) expect
    # inf, or -inf where an odd function (sinh) overflows below.
    def ieee(x: float) -> float:
        try:
            return function(x)
        except OverflowError:
            return math.copysign(math.inf, x) if odd else math.inf

    ieee.__name__ = function.__name__
    return ieee


def _overflowing_power(x: float, exponent: float) -> float:
    try:
        return float(x**exponent)
    except OverflowError:
        # IEEE keeps the sign: a negative base to an odd integer power is negative.
        return -math.inf if x < 0.0 and exponent % 2.0 == 1.0 else math.inf
    except ZeroDivisionError:  # 0.0 ** negative: the derivative's pole
        return math.inf


def _reciprocal(x: float) -> float:
    # 1/x, and at a pole the IEEE signed infinity (Python raises ZeroDivisionError).
    return 1.0 / x if x else math.copysign(math.inf, x)


# ``Math`` on plain floats. A module object rather than a class instance: rules
# call ``m.exp(x)`` on every forward step, and a module attribute is the fastest
# lookup Python has (measured: 21 ns against 33 ns for a staticmethod).
_float_math: Any = types.ModuleType("FLOAT_MATH", "Math on plain floats; op() adds exp, tanh, ...")
# float() of a float is the same object, and a C call costs less than a Python
# frame: relu, abs and clamp ask for it on every forward step.
_float_math.real = float
_float_math.power = _overflowing_power
_float_math.reciprocal = _reciprocal
_float_math.total = sum
FLOAT_MATH: Math = cast("Math", _float_math)


@dataclass(frozen=True)
class Domain:
    """Where an operand is valid, e.g. ``x > 0`` for ``log``.

    ``description`` is a template filled with the operand's name for error
    messages; ``low``/``high`` tell test strategies where to draw inputs.

    Example:
        >>> POSITIVE.description.format("x"), POSITIVE.contains(-1.0), POSITIVE.low
        ('x > 0', False, 0.0)
    """

    description: str
    contains: Callable[[float], bool]
    low: float = -math.inf
    high: float = math.inf
    excludes_zero: bool = False


REALS = Domain("any real {}", lambda x: True)
# nan is let through (written "not x <= 0" rather than "x > 0"): it propagates as
# in IEEE and PyTorch, and detect_anomaly names the op that first produced it.
POSITIVE = Domain("{} > 0", lambda x: not x <= 0.0, low=0.0)
NONNEGATIVE = Domain("{} ≥ 0", lambda x: not x < 0.0, low=0.0)
NONZERO = Domain("{} ≠ 0", lambda x: x != 0.0, excludes_zero=True)
ABOVE_MINUS_ONE = Domain("{} > -1", lambda x: not x <= -1.0, low=-1.0)
UNIT_INTERVAL = Domain("-1 ≤ {} ≤ 1", lambda x: not (x < -1.0 or x > 1.0), low=-1.0, high=1.0)
# Where exp-like ops stay finite in tests; the ops themselves accept any real.
MODERATE = Domain("any real {}", lambda x: True, low=-30.0, high=30.0)
# Where tan stays away from its poles at ±π/2 in tests.
AWAY_FROM_POLES = Domain("any real {}", lambda x: True, low=-1.4, high=1.4)


Rule = Callable[..., Local]
Check = Callable[..., "str | None"]
Reference = Callable[..., Any]
Pieces = Callable[..., object]


@dataclass(frozen=True, eq=False, slots=True)
class Op:
    """One entry of the op table: everything about one operation.

    Attributes:
        name: the function name used in messages, e.g. ``"log"``.
        symbol: what ``Value.op`` shows, e.g. ``"*"``.
        display: what a drawing and a narrated formula show, e.g. ``"×"``.
        rule: value and local derivatives, see the module docstring.
        form: ``"infix"`` (``x × y``) or ``"prefix"`` (``tanh(x)``, or ``−x``
            when ``display`` is a sign rather than a word).
        method: the ``Value`` attribute that applies the op (``"__mul__"``,
            ``"tanh"``); ``""`` when it is a module function (``autograd.sum``).
        function: the float function the math namespaces offer as ``m.<name>``
            (``math.tanh``), or None when no rule needs it.
        operands: operand names for messages, e.g. ``("numerator", "divisor")``.
        domains: per operand, where the op is defined (checked before the rule runs).
        check: a joint condition on all operands and constants; returns the
            expectation that failed, or None.
        test_domains: where property tests draw operands (defaults to ``domains``).
        kinks: the derivative chosen where the function has none, for the docs.
        constant_names: names of the op's constants for messages, e.g. ``("exponent",)``.
        title: how messages name the op when it is an operator the user never
            calls by name, e.g. ``"division"`` (default: ``"log()"`` style).
        points: where the precision tests evaluate it (operands, then constants),
            tails and cancellation-prone spots included.
        reference: the function written against a namespace with mpmath's names
            (``exp``, ``log1p``, ...), for the high-precision tests.
        pieces: for a piecewise op, which smooth piece its operands are on
            (relu: ``x > 0``), from the operands and constants as floats. Two
            points on the same piece are joined by a smooth stretch of the op;
            ``gradcheck`` uses it to see whether its finite-difference stencil
            straddles a kink or a jump. None for an op smooth on its domain.
        numpy_function: the NumPy (array) form of ``function``, for the
            batched engine's ``NUMPY_MATH.<name>``; None when NumPy has a
            function of the same name, or no rule needs one.

    Example:
        >>> mul = OPS["mul"]
        >>> mul.symbol, mul.display, mul.arity, mul.rule(FLOAT_MATH, 2.0, 3.0)
        ('*', '×', 2, (6.0, (3.0, 2.0)))
        >>> mul.format(["w", "x"]), OPS["tanh"].format(["z"]), OPS["neg"].format(["x"])
        ('w × x', 'tanh(z)', '−x')
    """

    name: str
    symbol: str
    display: str
    rule: Rule
    form: str = "prefix"
    method: str = ""
    function: Callable[..., float] | None = None
    operands: tuple[str, ...] = ("x",)
    domains: tuple[Domain, ...] = (REALS,)
    check: Check | None = None
    test_domains: tuple[Domain, ...] | None = None
    kinks: str = ""
    constant_names: tuple[str, ...] = ()
    title: str = ""
    points: tuple[tuple[float, ...], ...] = ()
    reference: Reference | None = None
    pieces: Pieces | None = None
    numpy_function: Callable[..., Any] | None = None
    checks_domain: bool = field(init=False)
    fixed_arity: int = field(init=False)

    def __post_init__(self) -> None:
        # Only ops narrower than the reals pay for a domain check on the hot path.
        narrow = self.check is not None or any(d is not REALS for d in self.domains)
        object.__setattr__(self, "checks_domain", narrow)
        # 1 or 2 for ops the node constructor calls with spelled-out operands, 0 for the rest.
        plain = not self.constant_names and self.operands != ("*xs",) and len(self.operands) <= 2
        object.__setattr__(self, "fixed_arity", len(self.operands) if plain else 0)

    @property
    def n_constants(self) -> int:
        """How many constants follow the operands in a rule call (the 3 of ``x**3``)."""
        return len(self.constant_names)

    @property
    def arity(self) -> int | None:
        """The number of Value operands, or None for the n-ary ``sum``."""
        return None if self.operands == ("*xs",) else len(self.operands)

    def format(self, arguments: Sequence[str], *, plain: bool = False) -> str:
        """The op applied to ``arguments`` (operands, then constants) as formula text.

        ``plain=True`` spells it the way Python and ``autograd.engine.expression.parse``
        read it (``x * y``, ``-x``, ``sigmoid(x)``) instead of the display form
        (``x × y``, ``−x``, ``σ(x)``).

        Example:
            >>> OPS["pow_constant"].format(["x", "2"]), OPS["pow_constant"].format(["x", "2"], plain=True)
            ('x ^ 2', 'x ** 2')
            >>> OPS["sigmoid"].format(["z"]), OPS["sigmoid"].format(["z"], plain=True)
            ('σ(z)', 'sigmoid(z)')
        """
        if self.form == "infix":
            return f" {self.symbol if plain else self.display} ".join(arguments)
        if not self.display.isidentifier():  # a sign, −x (neg, the one such op, is "-" in Python)
            return f"{'-' if plain else self.display}{arguments[0]}"
        return f"{self.name if plain else self.display}({', '.join(arguments)})"

    def __call__(self, *arguments: Any) -> Any:
        """Apply the op: operands first, then constants (``OPS["clamp"](x, 0.0, 1.0)``).

        With a Value among the operands it records a node, as the Value method
        does (numbers become constant leaves); on plain numbers it returns the
        float value, like a ``math`` function.

        Example:
            >>> from autograd import Value
            >>> OPS["tanh"](Value(0.0)), OPS["tanh"](0.0)
            (Value(data=0.0, grad=0.0), 0.0)
        """
        return APPLY[0](self, arguments)

    def __repr__(self) -> str:
        return f"<op {self.name}>"


APPLY: list[Callable[[Op, Sequence[object]], Any]] = []
"""How ``Op.__call__`` applies an op: ``value.apply_op``, put here when ``value.py`` loads.

The table cannot import ``value.py`` (which imports the table), so the node's module
hands its constructor down instead of the table reaching up for it."""

OPS: dict[str, Op] = {}
"""The built-in op table, by name."""

CUSTOM_OPS: dict[str, Op] = {}
"""Ops users defined with ``autograd.op``, by name: kept apart, so they never replace a built-in."""

# What every math namespace already means by these names.
_MATH_NAMES = frozenset({"real", "power", "reciprocal", "total"})


def op(
    name: str,
    rule: Rule | None = None,
    *,
    symbol: str | None = None,
    display: str | None = None,
    form: str = "prefix",
    method: str | None = None,
    function: Callable[..., float] | None = None,
    operands: tuple[str, ...] = ("x",),
    domains: tuple[Domain, ...] | None = None,
    check: Check | None = None,
    test_domains: tuple[Domain, ...] | None = None,
    kinks: str = "",
    constant_names: tuple[str, ...] = (),
    title: str = "",
    points: tuple[tuple[float, ...], ...] = (),
    reference: Reference | None = None,
    pieces: Pieces | None = None,
) -> Any:
    """Register ``rule`` in the op table under ``name`` and return its ``Op``.

    The table registers each rule with a plain call after its ``def`` (so
    mutation tools, which skip decorated functions, reach every rule); called
    without ``rule`` it returns a decorator, for a user's quick experiment.
    A ``function`` also becomes ``FLOAT_MATH.<name>``, so rules can call it.

    Example:
        >>> entry = OPS["log"]  # registered below by op("log", log, function=math.log, ...)
        >>> entry, entry.domains[0].description.format("x"), entry.rule(FLOAT_MATH, 1.0)
        (<op log>, 'x > 0', (0.0, (1.0,)))
    """

    def register(rule: Rule) -> Op:
        entry = Op(
            name=name,
            symbol=symbol or name,
            display=display or symbol or name,
            rule=rule,
            form=form,
            method=name if method is None else method,
            function=function,
            operands=operands,
            domains=domains or (REALS,) * len(operands),
            check=check,
            test_domains=test_domains,
            kinks=kinks,
            constant_names=constant_names,
            title=title,
            points=points,
            reference=reference,
            pieces=pieces,
        )
        OPS[name] = entry
        if function is not None:
            setattr(_float_math, name, function)
        return entry

    return register if rule is None else register(rule)


# --- arithmetic -------------------------------------------------------------


def add(m: Math, x: Scalar, y: Scalar) -> Local:
    """X + y.  ∂/∂x = 1, ∂/∂y = 1."""
    return x + y, (1.0, 1.0)


op("add", add, symbol="+", form="infix", method="__add__", operands=("x", "y"),
   points=((0.5, 1.25), (-3.0, 1e-3)), reference=lambda m, x, y: x + y)  # fmt: skip


def sub(m: Math, x: Scalar, y: Scalar) -> Local:
    """X − y.  ∂/∂x = 1, ∂/∂y = −1."""
    return x - y, (1.0, -1.0)


op("sub", sub, symbol="-", display="−", form="infix", method="__sub__", operands=("x", "y"),
   points=((0.5, 1.25), (3.0, 2.5)), reference=lambda m, x, y: x - y)  # fmt: skip


def mul(m: Math, x: Scalar, y: Scalar) -> Local:
    """X · y.  ∂/∂x = y, ∂/∂y = x."""
    return x * y, (y, x)


op("mul", mul, symbol="*", display="×", form="infix", method="__mul__", operands=("x", "y"),
   points=((0.5, -1.25), (3.0, 7.0)), reference=lambda m, x, y: x * y)  # fmt: skip


def div(m: Math, x: Scalar, y: Scalar) -> Local:
    """X / y.  ∂/∂x = 1/y, ∂/∂y = −x/y² (written −(x/y)/y so y² cannot underflow to 0)."""
    quotient = x / y
    return quotient, (1.0 / y, -quotient / y)


op("div", div, symbol="/", display="÷", form="infix", method="__truediv__", operands=("numerator", "divisor"),
   domains=(REALS, NONZERO), title="division",
   points=((1.0, 3.0), (-2.5, 0.1), (1e10, 7.0)), reference=lambda m, x, y: x / y)  # fmt: skip


def neg(m: Math, x: Scalar) -> Local:
    """−x.  d/dx = −1."""
    return -x, (-1.0,)


op("neg", neg, symbol="neg", display="−", method="__neg__", points=((0.5,), (-3.0,)), reference=lambda m, x: -x)


def _power_check(base: float, exponent: float) -> str | None:
    if base < 0.0 and not float(exponent).is_integer() and not math.isnan(exponent):
        return "an integer exponent when the base is negative (a real power of a negative number is complex)"
    if base == 0.0 and exponent < 0.0:
        return "a nonzero base when the exponent is negative (0 to a negative power divides by zero)"
    return None


def power(m: Math, x: Scalar, y: Scalar) -> Local:
    """X ** y with a Value exponent.  ∂/∂x = y·x^(y−1), ∂/∂y = x^y·ln x.

    ∂/∂y exists only for x > 0; at x = 0 (y > 0) it is the limit 0, and for a
    negative base (integer y) it is undefined, so it is nan.
    """
    value = m.power(x, y)
    base = m.real(x)
    slope = _power_slope(m, x, m.real(y), y)
    if base > 0.0:
        d_exponent = value * m.log(x)
    elif base == 0.0:
        d_exponent = 0.0
        if m.real(y) <= 1.0:
            # ∂²/∂x∂y = x^(y−1)·(1 + y ln x) has no finite limit at x = 0 for y ≤ 1: both
            # first derivatives keep their values but get nan derivatives, so the
            # Hessian is nan on both sides of its diagonal rather than two different numbers.
            slope = slope + _nan_slope(m, y)
            d_exponent = _nan_slope(m, x)
    else:
        # Undefined, and so is its derivative: nan × the value, not a nan constant (whose derivative is 0).
        d_exponent = value * math.nan
    return value, (slope, d_exponent)


def _nan_slope(m: Math, x: Scalar) -> Scalar:
    # 0 with the derivative nan: 0 · √(x − x₀) at x₀ = x, where d/dx √ is inf and 0 · inf is nan.
    return 0.0 * m.sqrt(x - m.real(x))


def _power_slope(m: Math, x: Scalar, n: float, exponent: Scalar) -> Scalar:
    # n·x^(n−1), with the exact answers at n = 0 and n = 1 (0·0^−1 would be nan).
    # Only for a plain-number exponent: a Value exponent y (the create_graph
    # path of x ** y) must stay in y·x^(y−1), or ∂²/∂x∂y comes out 0.
    constant = isinstance(exponent, float)
    if n == 0.0 and (constant or m.real(x) == 0.0):
        return 0.0
    if n == 1.0 and constant:
        return 1.0
    if n < 1.0 and m.real(x) == 0.0:
        # The pole of x^(n−1) at 0, as n / x^(1−n): inf, and its own derivative
        # is the signed infinity too (Value math cannot take 0 to a negative power).
        return exponent * m.reciprocal(m.power(x, 1.0 - exponent))
    return exponent * m.power(x, exponent - 1.0)


op("pow", power, symbol="**", display="^", form="infix", method="__pow__", operands=("base", "exponent"),
   title="power", check=_power_check, test_domains=(POSITIVE, MODERATE),
   points=((2.0, 3.0), (0.5, -1.5), (3.0, 0.5), (1.5, 2.5)), reference=lambda m, x, y: m.power(x, y))  # fmt: skip


def power_constant(m: Math, x: Scalar, n: float) -> Local:
    """X ** n for a constant n.  d/dx = n·x^(n−1)."""
    return m.power(x, n), (_power_slope(m, x, n, n),)


op("pow_constant", power_constant, symbol="**", display="^", form="infix", method="__pow__", operands=("base",),
   constant_names=("exponent",), title="power", check=_power_check, test_domains=(POSITIVE,),
   points=((2.0, 3.0), (0.5, -1.5), (3.0, 0.5), (-2.0, 3.0)), reference=lambda m, x, n: m.power(x, n))  # fmt: skip


def total(m: Math, *xs: Scalar) -> Local:
    """x₁ + x₂ + … + xₙ as one node.  ∂/∂xᵢ = 1."""
    return m.total(xs), (1.0,) * len(xs)


op("sum", total, symbol="sum", display="Σ", method="", operands=("*xs",),
   points=((0.5, 1.5, -2.0),), reference=lambda m, *xs: sum(xs))  # fmt: skip


# --- elementary functions -----------------------------------------------------


def exp(m: Math, x: Scalar) -> Local:
    """eˣ.  d/dx = eˣ (reuses the value). Overflows to inf past x ≈ 709.8."""
    e = m.exp(x)
    return e, (e,)


op("exp", exp, function=_overflowing(math.exp), test_domains=(MODERATE,),
   points=((-30.0,), (-1.0,), (0.5,), (20.0,), (700.0,)), reference=lambda m, x: m.exp(x))  # fmt: skip


def expm1(m: Math, x: Scalar) -> Local:
    """eˣ − 1, exact for tiny x where exp(x) − 1 cancels.  d/dx = eˣ."""
    return m.expm1(x), (m.exp(x),)


op("expm1", expm1, function=_overflowing(math.expm1), test_domains=(MODERATE,),
   points=((1e-10,), (-0.5,), (3.0,), (-40.0,), (700.0,)), reference=lambda m, x: m.expm1(x))  # fmt: skip


def log(m: Math, x: Scalar) -> Local:
    """Ln x.  d/dx = 1/x."""
    return m.log(x), (1.0 / x,)


op("log", log, function=math.log, domains=(POSITIVE,),
   points=((1e-100,), (0.5,), (1.0 + 2.0**-40,), (3.0,), (1e100,)), reference=lambda m, x: m.log(x))  # fmt: skip


def log1p(m: Math, x: Scalar) -> Local:
    """Ln(1 + x), exact for tiny x where log(1 + x) rounds.  d/dx = 1/(1 + x)."""
    return m.log1p(x), (1.0 / (1.0 + x),)


op("log1p", log1p, function=math.log1p, domains=(ABOVE_MINUS_ONE,),
   points=((1e-10,), (-0.5,), (-0.999,), (3.0,), (1e100,)), reference=lambda m, x: m.log1p(x))  # fmt: skip


def sqrt(m: Math, x: Scalar) -> Local:
    """√x.  d/dx = 1/(2√x) (reuses the value); +inf at x = 0, where d²/dx² is −inf."""
    root = m.sqrt(x)
    return root, (0.5 * m.reciprocal(root),)


op("sqrt", sqrt, function=math.sqrt, domains=(NONNEGATIVE,), test_domains=(POSITIVE,), kinks="d/dx at 0 is inf",
   points=((1e-100,), (0.5,), (2.0,), (1e100,)), reference=lambda m, x: m.sqrt(x))  # fmt: skip


def sin(m: Math, x: Scalar) -> Local:
    """Sin x.  d/dx = cos x; both nan at ±inf."""
    try:
        return m.sin(x), (m.cos(x),)
    except ValueError:  # math.sin(±inf) raises "math domain error"; IEEE gives nan
        return math.nan, (math.nan,)


op("sin", sin, function=math.sin,
   points=((1e-8,), (1.0,), (3.0,), (math.pi,)), reference=lambda m, x: m.sin(x))  # fmt: skip


def cos(m: Math, x: Scalar) -> Local:
    """Cos x.  d/dx = −sin x; both nan at ±inf."""
    try:
        return m.cos(x), (-m.sin(x),)
    except ValueError:  # as in sin; a try costs nothing until it catches
        return math.nan, (math.nan,)


op("cos", cos, function=math.cos,
   points=((1e-8,), (1.0,), (3.0,), (math.pi / 2,)), reference=lambda m, x: m.cos(x))  # fmt: skip


def tan(m: Math, x: Scalar) -> Local:
    """Tan x.  d/dx = 1 + tan²x (reuses the value); both nan at ±inf."""
    try:
        t = m.tan(x)
    except ValueError:  # as in sin
        return math.nan, (math.nan,)
    return t, (1.0 + t * t,)


op("tan", tan, function=math.tan, test_domains=(AWAY_FROM_POLES,),
   points=((1e-8,), (1.0,), (-1.5,), (1.57,)), reference=lambda m, x: m.tan(x))  # fmt: skip


def atan(m: Math, x: Scalar) -> Local:
    """Arctan x.  d/dx = 1/(1 + x²), as u²/(1 + u²) with u = 1/x for |x| > 1 (x² would overflow)."""
    if abs(m.real(x)) > 1.0:
        u = m.reciprocal(x)
        u2 = u * u
        return m.atan(x), (u2 / (1.0 + u2),)
    return m.atan(x), (1.0 / (1.0 + x * x),)


op("atan", atan, function=math.atan,
   points=((1e-8,), (0.5,), (-3.0,), (1e10,), (1e100,)), reference=lambda m, x: m.atan(x))  # fmt: skip


def _one_minus_square(x: Scalar, value: float) -> Scalar:
    # 1 − x², precise everywhere: near ±1 as (1 − x)(1 + x) (1 − x is exact
    # there), elsewhere (and at ±1 exactly, where both are 0) as 1 − x·x, whose
    # derivative −2x has no cancellation.
    if 0.5 <= abs(value) < 1.0:
        return (1.0 - x) * (1.0 + x)
    return 1.0 - x * x


def asin(m: Math, x: Scalar) -> Local:
    """Arcsin x on [−1, 1].  d/dx = 1/√(1 − x²): +inf at ±1."""
    return m.asin(x), (m.reciprocal(m.sqrt(_one_minus_square(x, m.real(x)))),)


op("asin", asin, function=math.asin, domains=(UNIT_INTERVAL,), kinks="d/dx at ±1 is inf",
   points=((1e-8,), (0.5,), (-0.9,), (0.999999,)), reference=lambda m, x: m.asin(x))  # fmt: skip


def acos(m: Math, x: Scalar) -> Local:
    """Arccos x on [−1, 1].  d/dx = −1/√(1 − x²): −inf at ±1."""
    return m.acos(x), (-m.reciprocal(m.sqrt(_one_minus_square(x, m.real(x)))),)


op("acos", acos, function=math.acos, domains=(UNIT_INTERVAL,), kinks="d/dx at ±1 is −inf",
   points=((1e-8,), (0.5,), (-0.9,), (0.999999,)), reference=lambda m, x: m.acos(x))  # fmt: skip


def sinh(m: Math, x: Scalar) -> Local:
    """Sinh x.  d/dx = cosh x. Overflows to ±inf past |x| ≈ 710.5."""
    return m.sinh(x), (m.cosh(x),)


op("sinh", sinh, function=_overflowing(math.sinh, odd=True), test_domains=(MODERATE,),
   points=((1e-8,), (-0.5,), (3.0,), (700.0,)), reference=lambda m, x: m.sinh(x))  # fmt: skip


def cosh(m: Math, x: Scalar) -> Local:
    """Cosh x.  d/dx = sinh x. Overflows to inf past |x| ≈ 710.5."""
    return m.cosh(x), (m.sinh(x),)


op("cosh", cosh, function=_overflowing(math.cosh), test_domains=(MODERATE,),
   points=((1e-8,), (-0.5,), (3.0,), (700.0,)), reference=lambda m, x: m.cosh(x))  # fmt: skip


def _sech(m: Math, x: Scalar) -> Scalar:
    # 1/cosh x. Past |x| = 20 it is 2e^−|x| to the last bit (the rest, e^−2|x|,
    # is below 2^−57), and that form never overflows: 1/cosh(1000) = 1/inf has
    # the derivative 0 × inf = nan on the create_graph path.
    value = m.real(x)
    if value > 20.0:
        return 2.0 * m.exp(-x)
    if value < -20.0:
        return 2.0 * m.exp(x)
    return m.reciprocal(m.cosh(x))


def tanh(m: Math, x: Scalar) -> Local:
    """Tanh x.  d/dx = sech²x (1 − tanh²x cancels: it is 0 from x ≈ 19 on)."""
    sech = _sech(m, x)
    return m.tanh(x), (sech * sech,)


op("tanh", tanh, function=math.tanh,
   points=((-25.0,), (-3.0,), (1e-8,), (0.5,), (15.0,), (19.0,), (300.0,)),
   reference=lambda m, x: m.tanh(x))  # fmt: skip


def sigmoid(m: Math, x: Scalar) -> Local:
    """σ(x) = 1/(1 + e⁻ˣ).  d/dx = σ(x)σ(−x) = ¼·sech²(x/2), written as the latter.

    σ(1 − σ) is 0 from x ≈ 37 on; σ(x)σ(−x) is precise, but its own derivative
    is a difference that cancels near 0. ¼·sech²(x/2) and its derivative are products.
    """
    sech = _sech(m, 0.5 * x)
    return m.sigmoid(x), (0.25 * (sech * sech),)


op("sigmoid", sigmoid, display="σ", function=_stable_sigmoid,
   points=((-700.0,), (-40.0,), (-1.0,), (1e-8,), (2.0,), (25.0,), (40.0,), (700.0,)),
   reference=lambda m, x: 1 / (1 + m.exp(-x)))  # fmt: skip


def softplus(m: Math, x: Scalar) -> Local:
    """log(1 + eˣ), a smooth relu.  d/dx = σ(x)."""
    return m.softplus(x), (m.sigmoid(x),)


op("softplus", softplus, function=_stable_softplus,
   points=((-700.0,), (-30.0,), (-1.0,), (1e-8,), (2.0,), (30.0,), (700.0,)),
   reference=lambda m, x: m.log1p(m.exp(x)))  # fmt: skip


def _stable_logaddexp(x: float, y: float) -> float:
    # log(eˣ + eʸ) = max(x, y) + log1p(e^−|x − y|); with x = y (±inf included, where
    # x − y is nan) it is x + log 2. max() would drop a nan in second place: keep it.
    if x == y:
        return x + _LOG_2
    if math.isnan(x) or math.isnan(y):
        return math.nan
    return max(x, y) + math.log1p(math.exp(-abs(x - y)))


_LOG_2 = math.log(2.0)


def logaddexp(m: Math, x: Scalar, y: Scalar) -> Local:
    """log(eˣ + eʸ), computed without overflow.  ∂/∂x = σ(x − y), ∂/∂y = σ(y − x).

    Each derivative is its own sigmoid, not 1 minus the other: a tiny one keeps
    its digits, so a softmax built from a chain of these stays exact to the last
    bit even for a class whose probability is far below the others'.
    """
    return m.logaddexp(x, y), (m.sigmoid(x - y), m.sigmoid(y - x))


op("logaddexp", logaddexp, display="LSE", function=_stable_logaddexp, operands=("x", "y"),
   points=((0.5, 0.5), (1.0, -2.0), (-30.0, 1e-8), (700.0, -700.0), (-745.0, -745.5), (40.0, 3.0)),
   reference=lambda m, x, y: m.log(m.exp(x) + m.exp(y)))  # fmt: skip


# --- piecewise functions: each documents the derivative it picks at its kink ---


def relu(m: Math, x: Scalar) -> Local:
    """max(x, 0).  d/dx = 1 for x > 0, else 0 (so 0 at the kink x = 0); nan stays nan."""
    value = m.real(x)
    if value > 0.0:
        return x, (1.0,)
    if value <= 0.0:
        return 0.0, (0.0,)
    # nan fails both comparisons: keep it (as PyTorch does), never turn it into 0.
    return x, (math.nan,)


op("relu", relu, kinks="d/dx at 0 is 0, as in PyTorch", pieces=lambda x: x > 0.0,
   points=((-2.0,), (1.5,)), reference=lambda m, x: x if x > 0 else 0 * x)  # fmt: skip


def leaky_relu(m: Math, x: Scalar, slope: float) -> Local:
    """X for x > 0, else slope·x.  d/dx = 1 for x > 0, else slope (the slope at x = 0); nan stays nan."""
    value = m.real(x)
    if value > 0.0:
        return x, (1.0,)
    if value <= 0.0:
        return slope * x, (slope,)
    return x, (math.nan,)  # nan: on neither side, so no slope either


op("leaky_relu", leaky_relu, constant_names=("slope",), kinks="d/dx at 0 is the slope, as in PyTorch",
   pieces=lambda x, slope: x > 0.0,
   points=((-2.0, 0.1), (1.5, 0.1)), reference=lambda m, x, slope: x if x > 0 else slope * x)  # fmt: skip


def _sign(x: float) -> float:
    # −1, 0 or 1; nan for nan (it is on no side).
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    return 0.0 if x == 0.0 else math.nan


def absolute(m: Math, x: Scalar) -> Local:
    """|x|.  d/dx = sign(x), and 0 at the kink x = 0; nan stays nan."""
    value = m.real(x)
    if value > 0.0:
        return x, (1.0,)
    if value < 0.0:
        return -x, (-1.0,)
    if value == 0.0:  # also −0.0, and |−0.0| is +0.0 (0.0 * x would keep the sign)
        return 0.0, (0.0,)
    return x, (math.nan,)  # nan: no sign, so no derivative either


op("abs", absolute, kinks="d/dx at 0 is 0, as in PyTorch", pieces=_sign,
   points=((-2.0,), (1.5,)), reference=lambda m, x: abs(x))  # fmt: skip


def clamp(m: Math, x: Scalar, low: float, high: float) -> Local:
    """X limited to [low, high].  d/dx = 1 inside (boundaries included), 0 outside; nan stays nan."""
    value = m.real(x)
    if value < low:
        return low, (0.0,)
    if value > high:
        return high, (0.0,)
    if value <= high:
        return x, (1.0,)
    return x, (math.nan,)  # nan fails every comparison: neither inside nor outside


op("clamp", clamp, constant_names=("low", "high"), kinks="d/dx is 1 on the closed interval [low, high], as in PyTorch",
   pieces=lambda x, low, high: (x < low) - (x > high),
   points=((-2.0, -1.0, 1.0), (0.5, -1.0, 1.0), (3.0, -1.0, 1.0)),
   reference=lambda m, x, low, high: min(max(x, low), high))  # fmt: skip


def sign(m: Math, x: Scalar) -> Local:
    """−1, 0 or 1 as x is negative, zero or positive.  d/dx = 0 (at the jump x = 0 too); nan stays nan."""
    value = _sign(m.real(x))
    return value, (0.0 if value == value else math.nan,)


op("sign", sign, kinks="a jump at 0, where d/dx is taken as 0, as in PyTorch", pieces=_sign,
   points=((-2.0,), (1.5,)), reference=lambda m, x: (x > 0) - (x < 0))  # fmt: skip


# --- leaves made from data: comparisons and detach ------------------------------------
# ``x > y`` and ``x.detach()`` are leaves of the scalar engine's graph: a constant
# 1.0/0.0 or a copy of x's number, with no edge back (no gradient could flow along
# it), so drawings and backward are unchanged by them. The batched engine replays
# ONE example's graph for every example, and a constant would carry that example's
# number to all: while it records, these leaves are nodes of the ops below, so each
# example computes its own. Their derivative is 0, and the batched engine carries no
# gradient through them (a leaf passes none). Not in ``OPS``: nothing applies them by
# name, the parser reads no comparison, and the table's tests are about differentiable ops.


def _comparison(name: str, symbol: str, display: str, relation: Callable[[float, float], bool]) -> Op:
    def rule(m: Math, x: Scalar, y: Scalar) -> Local:
        return (1.0 if relation(m.real(x), m.real(y)) else 0.0), (0.0, 0.0)

    rule.__name__ = rule.__qualname__ = name
    rule.__doc__ = f"1.0 if x {symbol} y else 0.0 (0.0 when either is nan).  ∂/∂x = ∂/∂y = 0."
    return Op(
        name=name, symbol=symbol, display=display, rule=rule, form="infix", method=f"__{name}__",
        operands=("x", "y"), kinks="a jump where x = y, where d/dx is taken as 0", pieces=lambda x, y: relation(x, y),
    )  # fmt: skip


def detach(m: Math, x: Scalar) -> Local:
    """X, as a leaf cut off from x's graph.  d/dx = 0: no gradient flows back through it."""
    return x, (0.0,)


DATA_LEAVES: dict[str, Op] = {
    "<": _comparison("lt", "<", "<", lambda x, y: x < y),
    "<=": _comparison("le", "<=", "≤", lambda x, y: x <= y),
    ">": _comparison("gt", ">", ">", lambda x, y: x > y),
    ">=": _comparison("ge", ">=", "≥", lambda x, y: x >= y),
    "detach": Op(name="detach", symbol="detach", display="detach", rule=detach, method="detach"),
}
"""The ops of leaves made from other nodes' numbers, as the batched engine records them (by symbol).

Example:
    >>> DATA_LEAVES[">"].rule(FLOAT_MATH, 2.0, 1.0), DATA_LEAVES[">="].format(["x", "0"])
    ((1.0, (0.0, 0.0)), 'x ≥ 0')
"""


def _python_mod(x: float, y: float) -> float:
    return x % y


def mod(m: Math, x: Scalar, y: Scalar) -> Local:
    """Remainder x mod y, Python's ``%``: x − y·⌊x/y⌋, with the sign of y.  ∂/∂x = 1, ∂/∂y = −⌊x/y⌋.

    The value jumps where x/y crosses an integer; between jumps it is linear in
    x and y. −⌊x/y⌋ is written (x mod y − x)/y: the same integer, with no branch
    and no rounding of its own, so the rule runs on floats, Values and arrays alike
    (nan where x or y is infinite).
    """
    value = m.mod(x, y)
    return value, (1.0, (value - x) / y)


op("mod", mod, symbol="%", display="mod", form="infix", method="__mod__", function=_python_mod,
   operands=("x", "divisor"), domains=(REALS, NONZERO), title="modulo", kinks="jumps where x/divisor is an integer",
   pieces=lambda x, y: x // y if math.isfinite(x) and math.isfinite(y) else math.nan,
   points=((5.5, 2.0), (-5.5, 2.0), (5.5, -2.0), (7.25, 0.5)),
   reference=lambda m, x, y: x - y * m.floor(x / y))  # fmt: skip


def _truncated_quotient(x: float, y: float) -> float:
    # The integer q with fmod(x, y) = x − q·y, the one fmod used (trunc(x/y) can round the other way).
    return round((x - math.fmod(x, y)) / y) if math.isfinite(x) and math.isfinite(y) else math.nan


def _ieee_fmod(x: float, y: float) -> float:
    # math.fmod raises for an infinite x; IEEE (and NumPy) give nan.
    return math.fmod(x, y) if not math.isinf(x) else math.nan


def fmod(m: Math, x: Scalar, y: Scalar) -> Local:
    """C's fmod: x − y·trunc(x/y), with the sign of x.  ∂/∂x = 1, ∂/∂y = −trunc(x/y), written (fmod − x)/y.

    The value jumps where x/y crosses a nonzero integer; between jumps it is linear in x and y.
    """
    value = m.fmod(x, y)
    return value, (1.0, (value - x) / y)


op("fmod", fmod, function=_ieee_fmod, operands=("x", "divisor"), domains=(REALS, NONZERO),
   kinks="jumps where x/divisor is a nonzero integer", pieces=_truncated_quotient,
   points=((5.5, 2.0), (-5.5, 2.0), (5.5, -2.0), (7.25, 0.5)),
   reference=lambda m, x, y: x - y * (m.floor(x / y) if x / y > 0 else m.ceil(x / y)))  # fmt: skip


# --- ops users define -------------------------------------------------------------


def custom_op(
    name: str,
    rule: Rule,
    function: Callable[..., float] | None = None,
    *,
    numpy: Callable[..., Any] | None = None,
    display: str | None = None,
    operands: tuple[str, ...] = ("x",),
    domains: tuple[Domain, ...] | None = None,
    constant_names: tuple[str, ...] = (),
    pieces: Pieces | None = None,
    kinks: str = "",
) -> Op:
    """Define your own op: a rule written like the table's, returned as an op you call.

    ``rule(m, *operands, *constants)`` returns ``(value, local_grads)``, written
    against the math namespace ``m`` as the built-in rules are (see this
    module's docstring). The op works on Values (it records a node that
    ``backward``, ``grad(create_graph=True)``, ``jvp``, the drawings, the
    narrations and ``gradcheck`` all read) and on plain numbers (it returns the
    float value).

    Args:
        name: the op's name, as drawings and messages show it; an identifier,
            not the name of a built-in op.
        rule: the value and the local derivatives, see above.
        function: a float function the rule calls as ``m.<name>(x)``
            (``math.erf`` for an ``erf`` op). On Values, ``m.<name>`` is the op
            itself, so second derivatives come from the rule again.
        numpy: the NumPy (array) form of ``function``, for the batched engine;
            needed only when NumPy has no function called ``name``.
        display: how drawings and formulas show it (default: ``name``).
        operands: the operands' names, for messages; their number is the arity.
        domains: per operand, where the op is defined (``POSITIVE``, ...; default
            any real): checked before the rule runs, and respected by the
            strategies of ``autograd.check.testing``.
        constant_names: the names of non-differentiable arguments that follow
            the operands (the ``slope`` of a leaky relu).
        pieces: for a piecewise op, which smooth piece the operands are on (see
            ``Op.pieces``); lets ``gradcheck`` tell a kink from a wrong derivative.
        kinks: the derivative chosen where there is none, in words.

    Returns:
        The ``Op``: call it as ``cube(x)``; its fields hold everything above.

    Raises:
        ValueError: ``name`` is not an identifier or is already a built-in op's name.
        TypeError: ``rule``, ``function``, ``numpy`` or ``pieces`` is not callable,
            or ``operands`` is not a non-empty tuple of names.

    Example:
        >>> from autograd import Value, op
        >>> def cube_rule(m, x):
        ...     return x * x * x, (3.0 * x * x,)
        >>> cube = op("cube", cube_rule)
        >>> x = Value(2.0)
        >>> y = cube(x)
        >>> y.backward()
        >>> y.data, x.grad, cube(3.0)
        (8.0, 12.0, 27.0)
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"op() got name={name!r}; the name must be an identifier such as 'cube'.")
    if name in OPS or name in _MATH_NAMES:
        raise ValueError(
            f"op() got name={name!r}, the name of a built-in op; pick another name (e.g. 'my_{name}')."
        )
    for argument, given, required in (
        ("rule", rule, True), ("function", function, False), ("numpy", numpy, False), ("pieces", pieces, False)
    ):
        if (required or given is not None) and not callable(given):
            raise TypeError(
                f"op() got {argument}={given!r} of type {type(given).__name__}; expected a function"
                f"{'' if required else ' or None'}."
            )
    for argument, names, least in (("operands", operands, 1), ("constant_names", constant_names, 0)):
        if not isinstance(names, tuple) or len(names) < least or not all(isinstance(n, str) for n in names):
            raise TypeError(
                f"op() got {argument}={names!r}; expected a tuple of names"
                f"{', at least one' if least else ''}, e.g. ('x', 'y')."
            )
    if domains is not None and (
        not isinstance(domains, tuple)
        or len(domains) != len(operands)
        or not all(isinstance(d, Domain) for d in domains)
    ):
        raise TypeError(
            f"op() got domains={domains!r}; expected a tuple of one Domain per operand, e.g. (POSITIVE,)."
        )
    entry = Op(
        name=name,
        symbol=name,
        display=display or name,
        rule=rule,
        operands=operands,
        domains=domains or (REALS,) * len(operands),
        function=function,
        constant_names=constant_names,
        kinks=kinks,
        pieces=pieces,
        numpy_function=numpy,
    )
    CUSTOM_OPS[name] = entry
    if function is not None:
        setattr(_float_math, name, function)
    return entry
