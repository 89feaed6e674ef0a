"""The op table: every operation's value, local derivatives and domain, in one rule each.

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

Adding an op is one decorated function here plus a method on ``Value``::

    @op("tanh", symbol="tanh")
    def tanh(m: Math, x: Scalar) -> Local:
        t = m.tanh(x)
        return t, (1.0 - t * t,)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence

# A rule's numbers are floats on the forward path and Values on the create_graph
# path; the rules are written so both work, so the type is left open here.
Scalar = Any
Local = tuple[Scalar, tuple[Scalar, ...]]


class Math(Protocol):
    """The functions a rule may call; ``FLOAT_MATH`` and ``VALUE_MATH`` provide them."""

    def real(self, x: Scalar) -> float: ...  # noqa: D102
    def exp(self, x: Scalar) -> Scalar: ...  # noqa: D102
    def log(self, x: Scalar) -> Scalar: ...  # noqa: D102
    def tanh(self, x: Scalar) -> Scalar: ...  # noqa: D102
    def sigmoid(self, x: Scalar) -> Scalar: ...  # noqa: D102
    def softplus(self, x: Scalar) -> Scalar: ...  # noqa: D102
    def sqrt(self, x: Scalar) -> Scalar: ...  # noqa: D102
    def sin(self, x: Scalar) -> Scalar: ...  # noqa: D102
    def cos(self, x: Scalar) -> Scalar: ...  # noqa: D102
    def power(self, x: Scalar, exponent: Scalar) -> Scalar: ...  # noqa: D102
    def total(self, xs: Sequence[Scalar]) -> Scalar: ...  # noqa: D102


def _stable_sigmoid(x: float) -> float:
    # exp of a large positive number overflows, so always exponentiate -|x|.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _overflowing_exp(x: float) -> float:
    # math.exp raises OverflowError; IEEE (and the user) expect inf.
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _overflowing_power(x: float, exponent: float) -> float:
    try:
        return float(x**exponent)
    except OverflowError:
        # IEEE keeps the sign: a negative base to an odd integer power is negative.
        return -math.inf if x < 0.0 and exponent % 2.0 == 1.0 else math.inf
    except ZeroDivisionError:  # 0.0 ** negative: the derivative's pole
        return math.inf


class FloatMath:
    """``Math`` on plain floats: IEEE overflow to inf, stable sigmoid and softplus."""

    # float() of a float is the same object, and a C call costs less than a
    # Python frame: relu, abs and clamp ask for it on every forward step.
    real = staticmethod(float)

    exp = staticmethod(_overflowing_exp)
    log = staticmethod(math.log)
    tanh = staticmethod(math.tanh)
    sigmoid = staticmethod(_stable_sigmoid)
    sqrt = staticmethod(math.sqrt)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    power = staticmethod(_overflowing_power)
    total = staticmethod(sum)

    @staticmethod
    def softplus(x: float) -> float:
        """log(1 + eˣ) = max(x, 0) + log1p(e^−|x|), finite for every finite x."""
        return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


FLOAT_MATH = FloatMath()


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
# Where exp-like ops stay finite in tests; the ops themselves accept any real.
MODERATE = Domain("any real {}", lambda x: True, low=-30.0, high=30.0)


Rule = Callable[..., Local]
Check = Callable[..., "str | None"]


@dataclass(frozen=True, eq=False, slots=True)
class Op:
    """One entry of the op table.

    Attributes:
        name: the function name used in messages, e.g. ``"log"``.
        symbol: what ``Value.op`` shows, e.g. ``"*"``.
        display: what a drawing shows, e.g. ``"×"``.
        rule: value and local derivatives, see the module docstring.
        operands: operand names for messages, e.g. ``("numerator", "divisor")``.
        domains: per operand, where the op is defined (checked before the rule runs).
        check: a joint condition on all operands and constants; returns the
            expectation that failed, or None.
        test_domains: where property tests draw operands (defaults to ``domains``).
        kinks: the derivative chosen where the function has none, for the docs.
        constant_names: names of the op's constants for messages, e.g. ``("exponent",)``.
        title: how messages name the op when it is an operator the user never
            calls by name, e.g. ``"division"`` (default: ``"log()"`` style).

    Example:
        >>> mul = OPS["mul"]
        >>> mul.symbol, mul.display, mul.arity, mul.rule(FLOAT_MATH, 2.0, 3.0)
        ('*', '×', 2, (6.0, (3.0, 2.0)))
    """

    name: str
    symbol: str
    display: str
    rule: Rule
    operands: tuple[str, ...] = ("x",)
    domains: tuple[Domain, ...] = (REALS,)
    check: Check | None = None
    test_domains: tuple[Domain, ...] | None = None
    kinks: str = ""
    constant_names: tuple[str, ...] = ()
    title: str = ""
    checks_domain: bool = field(init=False)

    def __post_init__(self) -> None:
        # Only ops narrower than the reals pay for a domain check on the hot path.
        narrow = self.check is not None or any(d is not REALS for d in self.domains)
        object.__setattr__(self, "checks_domain", narrow)

    @property
    def n_constants(self) -> int:
        """How many constants follow the operands in a rule call (the 3 of ``x**3``)."""
        return len(self.constant_names)

    @property
    def arity(self) -> int | None:
        """The number of Value operands, or None for the n-ary ``sum``."""
        return None if self.operands == ("*xs",) else len(self.operands)

    def __repr__(self) -> str:
        return f"<op {self.name}>"


OPS: dict[str, Op] = {}


def op(
    name: str,
    *,
    symbol: str | None = None,
    display: str | None = None,
    operands: tuple[str, ...] = ("x",),
    domains: tuple[Domain, ...] | None = None,
    check: Check | None = None,
    test_domains: tuple[Domain, ...] | None = None,
    kinks: str = "",
    constant_names: tuple[str, ...] = (),
    title: str = "",
) -> Callable[[Rule], Op]:
    """Register a rule in the op table under ``name`` and return its ``Op``.

    Example:
        >>> entry = OPS["log"]  # registered below by @op("log", domains=(POSITIVE,))
        >>> entry, entry.domains[0].description.format("x"), entry.rule(FLOAT_MATH, 1.0)
        (<op log>, 'x > 0', (0.0, (1.0,)))
    """

    def register(rule: Rule) -> Op:
        entry = Op(
            name=name,
            symbol=symbol or name,
            display=display or symbol or name,
            rule=rule,
            operands=operands,
            domains=domains or (REALS,) * len(operands),
            check=check,
            test_domains=test_domains,
            kinks=kinks,
            constant_names=constant_names,
            title=title,
        )
        OPS[name] = entry
        return entry

    return register


# --- arithmetic -------------------------------------------------------------


@op("add", symbol="+", operands=("x", "y"))
def add(m: Math, x: Scalar, y: Scalar) -> Local:
    """X + y.  ∂/∂x = 1, ∂/∂y = 1."""
    return x + y, (1.0, 1.0)


@op("sub", symbol="-", display="−", operands=("x", "y"))
def sub(m: Math, x: Scalar, y: Scalar) -> Local:
    """X − y.  ∂/∂x = 1, ∂/∂y = −1."""
    return x - y, (1.0, -1.0)


@op("mul", symbol="*", display="×", operands=("x", "y"))
def mul(m: Math, x: Scalar, y: Scalar) -> Local:
    """X · y.  ∂/∂x = y, ∂/∂y = x."""
    return x * y, (y, x)


@op("div", symbol="/", display="÷", operands=("numerator", "divisor"), domains=(REALS, NONZERO), title="division")
def div(m: Math, x: Scalar, y: Scalar) -> Local:
    """X / y.  ∂/∂x = 1/y, ∂/∂y = −x/y² (written −(x/y)/y so y² cannot underflow to 0)."""
    quotient = x / y
    return quotient, (1.0 / y, -quotient / y)


@op("neg", symbol="neg", display="−")
def neg(m: Math, x: Scalar) -> Local:
    """−x.  d/dx = −1."""
    return -x, (-1.0,)


def _power_check(base: float, exponent: float) -> str | None:
    if base < 0.0 and not float(exponent).is_integer() and not math.isnan(exponent):
        return "an integer exponent when the base is negative (a real power of a negative number is complex)"
    if base == 0.0 and exponent < 0.0:
        return "a nonzero base when the exponent is negative (0 to a negative power divides by zero)"
    return None


@op(
    "pow",
    symbol="**",
    display="^",
    operands=("base", "exponent"),
    title="power",
    check=_power_check,
    test_domains=(POSITIVE, MODERATE),
)
def power(m: Math, x: Scalar, y: Scalar) -> Local:
    """X ** y with a Value exponent.  ∂/∂x = y·x^(y−1), ∂/∂y = x^y·ln x.

    ∂/∂y exists only for x > 0; at x = 0 (y > 0) it is the limit 0, and for a
    negative base (integer y) it is undefined, so it is nan.
    """
    value = m.power(x, y)
    base = m.real(x)
    if base > 0.0:
        d_exponent = value * m.log(x)
    elif base == 0.0:
        d_exponent = 0.0
    else:
        d_exponent = math.nan
    return value, (_power_slope(m, x, m.real(y), y), d_exponent)


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
        # The pole of x^(n−1) at 0: the float path gets inf from the power, but
        # Value math would raise DomainError for 0 to a negative power.
        return math.inf
    return exponent * m.power(x, exponent - 1.0)


@op(
    "pow_constant",
    symbol="**",
    display="^",
    operands=("base",),
    constant_names=("exponent",),
    title="power",
    check=_power_check,
    test_domains=(POSITIVE,),
)
def power_constant(m: Math, x: Scalar, n: float) -> Local:
    """X ** n for a constant n.  d/dx = n·x^(n−1)."""
    return m.power(x, n), (_power_slope(m, x, n, n),)


@op("sum", symbol="sum", display="Σ", operands=("*xs",))
def total(m: Math, *xs: Scalar) -> Local:
    """x₁ + x₂ + … + xₙ as one node.  ∂/∂xᵢ = 1."""
    return m.total(xs), (1.0,) * len(xs)


# --- elementary functions -----------------------------------------------------


@op("exp", test_domains=(MODERATE,))
def exp(m: Math, x: Scalar) -> Local:
    """eˣ.  d/dx = eˣ (reuses the value). Overflows to inf past x ≈ 709.8."""
    e = m.exp(x)
    return e, (e,)


@op("log", domains=(POSITIVE,))
def log(m: Math, x: Scalar) -> Local:
    """Ln x.  d/dx = 1/x."""
    return m.log(x), (1.0 / x,)


@op("sqrt", domains=(NONNEGATIVE,), test_domains=(POSITIVE,), kinks="d/dx at 0 is inf")
def sqrt(m: Math, x: Scalar) -> Local:
    """√x.  d/dx = 1/(2√x) (reuses the value); inf at x = 0."""
    root = m.sqrt(x)
    return root, (math.inf if m.real(root) == 0.0 else 0.5 / root,)


@op("sin")
def sin(m: Math, x: Scalar) -> Local:
    """Sin x.  d/dx = cos x; both nan at ±inf."""
    try:
        return m.sin(x), (m.cos(x),)
    except ValueError:  # math.sin(±inf) raises "math domain error"; IEEE gives nan
        return math.nan, (math.nan,)


@op("cos")
def cos(m: Math, x: Scalar) -> Local:
    """Cos x.  d/dx = −sin x; both nan at ±inf."""
    try:
        return m.cos(x), (-m.sin(x),)
    except ValueError:  # as in sin; a try costs nothing until it catches
        return math.nan, (math.nan,)


@op("tanh")
def tanh(m: Math, x: Scalar) -> Local:
    """Tanh x.  d/dx = 1 − tanh²x (reuses the value)."""
    t = m.tanh(x)
    return t, (1.0 - t * t,)


@op("sigmoid", display="σ")
def sigmoid(m: Math, x: Scalar) -> Local:
    """σ(x) = 1/(1 + e⁻ˣ).  d/dx = σ(x)(1 − σ(x)) (reuses the value)."""
    s = m.sigmoid(x)
    return s, (s * (1.0 - s),)


@op("softplus")
def softplus(m: Math, x: Scalar) -> Local:
    """log(1 + eˣ), a smooth relu.  d/dx = σ(x)."""
    return m.softplus(x), (m.sigmoid(x),)


# --- piecewise functions: each documents the derivative it picks at its kink ---


@op("relu", kinks="d/dx at 0 is 0, as in PyTorch")
def relu(m: Math, x: Scalar) -> Local:
    """max(x, 0).  d/dx = 1 for x > 0, else 0 (so 0 at the kink x = 0); nan stays nan."""
    value = m.real(x)
    if value > 0.0:
        return x, (1.0,)
    if value <= 0.0:
        return 0.0, (0.0,)
    # nan fails both comparisons: keep it (as PyTorch does), never turn it into 0.
    return x, (math.nan,)


@op("leaky_relu", constant_names=("slope",), kinks="d/dx at 0 is the slope, as in PyTorch")
def leaky_relu(m: Math, x: Scalar, slope: float) -> Local:
    """X for x > 0, else slope·x.  d/dx = 1 for x > 0, else slope (the slope at x = 0); nan stays nan."""
    value = m.real(x)
    if value > 0.0:
        return x, (1.0,)
    if value <= 0.0:
        return slope * x, (slope,)
    return x, (math.nan,)  # nan: on neither side, so no slope either


@op("abs", kinks="d/dx at 0 is 0, as in PyTorch")
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


@op("clamp", constant_names=("low", "high"), kinks="d/dx is 1 on the closed interval [low, high], as in PyTorch")
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
