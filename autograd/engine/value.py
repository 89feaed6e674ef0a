"""``Value``: a scalar that remembers how it was computed.

Every arithmetic operation on Values returns a new Value that records its
``inputs`` and the ``local_grads`` ∂self/∂input, computed by the op's rule in
``ops.py`` at forward time. ``backward()`` then applies the chain rule from the
output back to the leaves (see ``graph.py``).

A node holds only its inputs (never its consumers or a closure over itself),
so a graph has no reference cycles and is freed the moment the last reference
to its output goes.
"""

from __future__ import annotations

import itertools
import math
import numbers
import operator
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from typing import SupportsFloat, TypeGuard, cast

from autograd.engine.errors import AnomalyError, DomainError, MisspelledAttributeError
from autograd.engine.ops import APPLY, CUSTOM_OPS, DATA_LEAVES, FLOAT_MATH, OPS, Math, Op
from autograd.engine.recording import NUMBER_READS, RECORDING

Number = int | float


def is_real(x: object) -> TypeGuard[float]:
    """True for what a Value accepts as a number: any real (int, float, NumPy scalar) except a bool.

    bool is an int subclass, but ``Value(True)`` is almost always a bug.

    Example:
        >>> is_real(3), is_real(2.5), is_real(True), is_real("3")
        (True, True, False, False)
    """
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _as_float(data: object, what: str = "Value()") -> float:
    if type(data) is float:
        return data
    if is_real(data):
        try:
            number = float(data)
        except OverflowError:
            number = math.inf
        # NumPy's longdouble(1e400) turns into inf without an OverflowError: only an infinity may become inf.
        if math.isinf(number) and data != number:
            shown = f"an int of {len(str(abs(int(data))))} digits" if isinstance(data, int) else repr(data)
            raise OverflowError(f"{what} got {shown}; it is too large for a float (the largest is about 1.8e308).")
        return number
    raise TypeError(
        f"{what} got {data!r} of type {type(data).__name__}; expected a real number (int, float or NumPy scalar)."
    )


def _describe(node: Value) -> str:
    if node.label:
        return f"node {node.label!r}"
    if node.operation is None:
        return "an unlabeled leaf"
    return f"an unlabeled {node.operation.symbol!r} node"


class Value:
    """A scalar node of a computation graph.

    Attributes:
        data: the value, a float.
        grad: ∂output/∂self after ``output.backward()``; starts at 0.0.
        label: a name for drawings and error messages.
        inputs: the operand nodes, in order, duplicates kept (``x*x`` has two).
        local_grads: ∂self/∂input for each input, computed at forward time.
        operation: the op table entry that produced this node (None for a leaf).
        constants: the op's non-differentiable arguments (the 3 of ``x**3``).
        scope: the ``autograd.scope`` path this node was created in.
        serial: a number that grows with every Value created; a node's inputs
            always exist before it, so sorting by ``serial`` is a topological order.

    Example:
        >>> x = Value(2.0, label="x")
        >>> y = x * x + 3 * x
        >>> y.backward()
        >>> y.data, x.grad
        (10.0, 7.0)
    """

    # One node is ONE object the cycle collector tracks. Operands and local derivatives
    # of unary and binary ops (nearly every node) sit in slots, not in tuples: a tuple of
    # Values is tracked as long as it lives, so the collector scanned it again and again
    # while a step's graph was alive (W2: 2.86 tracked allocations a node before, 1.0
    # after). An n-ary node (Σ) keeps its tuples in the first slot of each pair.
    # ``inputs`` and ``local_grads`` rebuild the tuples for readers.
    # ``__dict__`` holds what code attaches to a node (``v._vis_color``, an optimizer's
    # ``p.m``), a label, and an op's constants: all rare, so they cost no slot.
    # No ``__weakref__``: the __dict__ slot took its 8 bytes, so a node stays at 120
    # (issue 19: at most 8 more than 112). Nothing in glassgrad holds weak references
    # to nodes; to keep data per node, attach it to the node or key a dict by it.
    __slots__ = (
        "__dict__",
        "_input0",
        "_input1",
        "_local0",
        "_local1",
        "data",
        "grad",
        "operation",
        "scope",
        "serial",
    )

    data: float
    grad: float
    label: str = ""
    operation: Op | None
    constants: tuple[float, ...] = ()
    scope: tuple[str, ...]
    serial: int
    # None for a leaf; a Value (unary, binary) or the tuple of operands (n-ary).
    _input0: Value | tuple[Value, ...] | None
    _input1: Value | None  # the second operand of a binary op, else None
    _local0: float | tuple[float, ...]
    _local1: float

    def __init__(self, data: SupportsFloat, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value() got label {label!r} of type {type(label).__name__}; a label must be a str.")
        self.data = data if type(data) is float else _as_float(data)  # a float needs no call
        self.grad = 0.0
        if label:
            self.label = label
        self._input0 = self._input1 = None
        self.operation = None
        self.scope = RECORDING.get().scope
        self.serial = _next_serial()

    @property
    def inputs(self) -> tuple[Value, ...]:
        """The operand nodes, in order, duplicates kept (``x*x`` has two); ``()`` for a leaf.

        Example:
            >>> x = Value(2.0, label="x")
            >>> [v.label for v in (x * x).inputs]
            ['x', 'x']
        """
        first, second = self._input0, self._input1
        if second is not None:
            return (first, second)  # type: ignore[return-value]  # a Value when there is a second
        if first is None:
            return ()
        return first if type(first) is tuple else (first,)  # type: ignore[return-value]

    @property
    def local_grads(self) -> tuple[float, ...]:
        """∂self/∂input for each input, computed at forward time; ``()`` for a leaf.

        Example:
            >>> (Value(2.0) * 3).local_grads
            (3.0, 2.0)
        """
        first = self._input0
        if self._input1 is not None:
            return (self._local0, self._local1)  # type: ignore[return-value]
        if first is None:
            return ()
        local = self._local0
        return local if type(first) is tuple else (local,)  # type: ignore[return-value]

    @property
    def op(self) -> str:
        """The symbol of the operation that produced this node, ``""`` for a leaf.

        Example:
            >>> (Value(2.0) * 3).op
            '*'
        """
        return "" if self.operation is None else self.operation.symbol

    @property
    def is_leaf(self) -> bool:
        """True for a node with no inputs: an input, a parameter or a constant.

        Example:
            >>> x = Value(2.0)
            >>> x.is_leaf, (x * 3).is_leaf
            (True, False)
        """
        return self._input0 is None

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"{type(self).__name__}(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        reads = NUMBER_READS.get()
        if reads is not None:  # the batched engine is recording: Python code may branch on this number
            reads.append(self)
        return self.data

    def __bool__(self) -> bool:
        """True unless the value is 0, as for a float, so ``if x < y:`` and ``assert x > 0`` read naturally.

        Example:
            >>> bool(Value(0.0)), bool(Value(-2.0))
            (False, True)
        """
        return bool(self.__float__())  # through __float__: the batched engine sees code branch on a number

    # --- comparisons -------------------------------------------------------------
    # A comparison is constant on each side of where it flips, so its derivative
    # is 0 wherever it has one: the result is a constant leaf, 1.0 or 0.0, with
    # no edge back to the operands (no gradient could flow along it). It works in
    # arithmetic (`(x > 0) * x`) and, through __bool__, in `if` and `assert`.
    # (While the batched engine records, it is a node of a zero-derivative op instead,
    # so every example compares its own numbers: see ``ops.DATA_LEAVES``.)
    # == and != keep Python's identity: Values are dict keys and set members
    # everywhere (gradients, names, `x in nodes`), so an == comparing data would
    # make two distinct nodes with equal values the same key; for the value, compare `.data`.

    def __lt__(self, other: Value | Number) -> Value:
        return _compare(self, other, operator.lt, "<")

    def __le__(self, other: Value | Number) -> Value:
        return _compare(self, other, operator.le, "<=")

    def __gt__(self, other: Value | Number) -> Value:
        return _compare(self, other, operator.gt, ">")

    def __ge__(self, other: Value | Number) -> Value:
        return _compare(self, other, operator.ge, ">=")

    __hash__ = object.__hash__  # by identity, stated: defining comparisons must never change it

    # --- arithmetic operators -------------------------------------------------

    def __add__(self, other: Value | Number) -> Value:
        return _apply(OPS["add"], (self, other if isinstance(other, Value) else _constant(other, "add")))

    def __radd__(self, other: Number) -> Value:
        return _apply(OPS["add"], (_constant(other, "add"), self))

    def __sub__(self, other: Value | Number) -> Value:
        return _apply(OPS["sub"], (self, other if isinstance(other, Value) else _constant(other, "sub")))

    def __rsub__(self, other: Number) -> Value:
        return _apply(OPS["sub"], (_constant(other, "sub"), self))

    def __mul__(self, other: Value | Number) -> Value:
        return _apply(OPS["mul"], (self, other if isinstance(other, Value) else _constant(other, "mul")))

    def __rmul__(self, other: Number) -> Value:
        return _apply(OPS["mul"], (_constant(other, "mul"), self))

    def __truediv__(self, other: Value | Number) -> Value:
        return _apply(OPS["div"], (self, other if isinstance(other, Value) else _constant(other, "div")))

    def __rtruediv__(self, other: Number) -> Value:
        return _apply(OPS["div"], (_constant(other, "div"), self))

    def __pow__(self, exponent: Value | Number) -> Value:
        if isinstance(exponent, Value):
            return _apply(OPS["pow"], (self, exponent))
        return _apply(OPS["pow_constant"], (self,), (_as_float(exponent, "** exponent"),))

    def __rpow__(self, base: Number) -> Value:
        return _apply(OPS["pow"], (_constant(base, "pow"), self))

    def __mod__(self, divisor: Value | Number) -> Value:
        return _apply(OPS["mod"], (self, divisor if isinstance(divisor, Value) else _constant(divisor, "mod")))

    def __rmod__(self, other: Number) -> Value:
        return _apply(OPS["mod"], (_constant(other, "mod"), self))

    def fmod(self, divisor: Value | Number) -> Value:
        """C's remainder x − divisor·trunc(x/divisor), with the sign of x (``%`` takes the divisor's sign).

        Example:
            >>> Value(-5.5).fmod(2.0).data, (Value(-5.5) % 2.0).data
            (-1.5, 0.5)
        """
        return _apply(OPS["fmod"], (self, divisor if isinstance(divisor, Value) else _constant(divisor, "fmod")))

    def __neg__(self) -> Value:
        return _apply(OPS["neg"], (self,))

    def __pos__(self) -> Value:
        return self

    # --- functions --------------------------------------------------------------

    def exp(self) -> Value:
        """eˣ. Overflows to inf past x ≈ 709.8, as IEEE does.

        Example:
            >>> round(Value(1.0).exp().data, 6)
            2.718282
        """
        return _apply(OPS["exp"], (self,))

    def log(self) -> Value:
        """Natural logarithm; raises ``DomainError`` for x ≤ 0.

        Example:
            >>> Value(1.0).log().data
            0.0
        """
        return _apply(OPS["log"], (self,))

    def sqrt(self) -> Value:
        """Square root; raises ``DomainError`` for x < 0. Its derivative at 0 is inf.

        Example:
            >>> Value(9.0).sqrt().data
            3.0
        """
        return _apply(OPS["sqrt"], (self,))

    def sin(self) -> Value:
        """Sine.

        Example:
            >>> Value(0.0).sin().data
            0.0
        """
        return _apply(OPS["sin"], (self,))

    def cos(self) -> Value:
        """Cosine.

        Example:
            >>> Value(0.0).cos().data
            1.0
        """
        return _apply(OPS["cos"], (self,))

    def tan(self) -> Value:
        """Tangent.

        Example:
            >>> Value(0.0).tan().data
            0.0
        """
        return _apply(OPS["tan"], (self,))

    def asin(self) -> Value:
        """Arcsine; raises ``DomainError`` outside [−1, 1]. Its derivative at ±1 is inf.

        Example:
            >>> Value(1.0).asin().data == math.pi / 2
            True
        """
        return _apply(OPS["asin"], (self,))

    def acos(self) -> Value:
        """Arccosine; raises ``DomainError`` outside [−1, 1]. Its derivative at ±1 is −inf.

        Example:
            >>> Value(1.0).acos().data
            0.0
        """
        return _apply(OPS["acos"], (self,))

    def atan(self) -> Value:
        """Arctangent, in (−π/2, π/2).

        Example:
            >>> Value(0.0).atan().data
            0.0
        """
        return _apply(OPS["atan"], (self,))

    def sinh(self) -> Value:
        """Hyperbolic sine. Overflows to ±inf past |x| ≈ 710.5, as IEEE does.

        Example:
            >>> Value(0.0).sinh().data
            0.0
        """
        return _apply(OPS["sinh"], (self,))

    def cosh(self) -> Value:
        """Hyperbolic cosine. Overflows to inf past |x| ≈ 710.5, as IEEE does.

        Example:
            >>> Value(0.0).cosh().data
            1.0
        """
        return _apply(OPS["cosh"], (self,))

    def log1p(self) -> Value:
        """ln(1 + x), exact for tiny x; raises ``DomainError`` for x ≤ −1.

        Example:
            >>> Value(1e-20).log1p().data
            1e-20
        """
        return _apply(OPS["log1p"], (self,))

    def expm1(self) -> Value:
        """eˣ − 1, exact for tiny x.

        Example:
            >>> Value(1e-20).expm1().data
            1e-20
        """
        return _apply(OPS["expm1"], (self,))

    def tanh(self) -> Value:
        """Hyperbolic tangent, in (−1, 1).

        Example:
            >>> Value(0.0).tanh().data
            0.0
        """
        return _apply(OPS["tanh"], (self,))

    def sigmoid(self) -> Value:
        """σ(x) = 1/(1 + e⁻ˣ), in (0, 1); computed without overflow for any x.

        Example:
            >>> round(Value(-6.0).sigmoid().data, 7)
            0.0024726
        """
        return _apply(OPS["sigmoid"], (self,))

    def softplus(self) -> Value:
        """log(1 + eˣ), computed without overflow for any x.

        Example:
            >>> round(Value(0.0).softplus().data, 6)
            0.693147
        """
        return _apply(OPS["softplus"], (self,))

    def logaddexp(self, other: Value | Number) -> Value:
        """log(eˣ + e^other), computed without overflow, as ``torch.logaddexp``.

        Example:
            >>> round(Value(1000.0).logaddexp(1000.0).data, 6)  # 1000 + log 2
            1000.693147
        """
        return _apply(OPS["logaddexp"], (self, other if isinstance(other, Value) else _constant(other, "logaddexp")))

    def relu(self) -> Value:
        """max(x, 0). Its derivative at the kink x = 0 is taken as 0.

        Example:
            >>> Value(-2.0).relu().data, Value(3.0).relu().data
            (0.0, 3.0)
        """
        return _apply(OPS["relu"], (self,))

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """X for x > 0, else slope·x. Its derivative at x = 0 is taken as the slope.

        Example:
            >>> Value(-2.0).leaky_relu(0.1).data
            -0.2
        """
        slope = _as_float(slope, "leaky_relu() slope")
        if not math.isfinite(slope):  # a nan or infinite slope makes every negative input's output nan or inf
            raise DomainError(f"leaky_relu() got slope={slope!r}; the slope must be a finite number, such as 0.01.")
        return _apply(OPS["leaky_relu"], (self,), (slope,))

    def abs(self) -> Value:
        """|x|. Its derivative at the kink x = 0 is taken as 0.

        Example:
            >>> Value(-2.5).abs().data
            2.5
        """
        return _apply(OPS["abs"], (self,))

    def __abs__(self) -> Value:
        return self.abs()

    def sign(self) -> Value:
        """−1, 0 or 1 as x is negative, zero or positive; its derivative is 0 (taken as 0 at the jump too).

        Example:
            >>> Value(-2.5).sign().data, Value(0.0).sign().data
            (-1.0, 0.0)
        """
        return _apply(OPS["sign"], (self,))

    def clamp(self, low: float = -math.inf, high: float = math.inf) -> Value:
        """X limited to [low, high]; derivative 1 inside (boundaries included), 0 outside.

        Example:
            >>> Value(1.5).clamp(0.0, 1.0).data
            1.0
        """
        bounds = (_as_float(low, "clamp() low"), _as_float(high, "clamp() high"))
        # Checked apart: "low=nan > high=1.0" would blame the order of the bounds.
        for name, bound, unbounded in zip(("low", "high"), bounds, ("-math.inf", "math.inf")):
            if math.isnan(bound):
                raise ValueError(f"clamp() got {name}=nan; {name} must be a number (for no bound, use {unbounded}).")
        if not bounds[0] <= bounds[1]:
            raise ValueError(f"clamp() got low={low!r} > high={high!r}; low must be ≤ high.")
        return _apply(OPS["clamp"], (self,), bounds)

    # --- graph --------------------------------------------------------------------

    def backward(self, gradient: float = 1.0) -> None:
        """Fill ``.grad`` of every node in this graph with gradient · ∂self/∂node.

        Leaves accumulate (call ``zero_grad()`` between steps); intermediate
        nodes restart, so a second call adds exactly the same amount again.

        Args:
            gradient: the seed, ∂L/∂self for some L further on (PyTorch's name);
                1.0 makes ``.grad`` the derivative of this Value itself.

        Raises:
            RuntimeError: this Value was computed under ``no_grad()``, so it kept
                no inputs to pass a gradient to.
            TypeError: ``gradient`` is not a real number.

        Example:
            >>> x = Value(3.0)
            >>> y = x * x
            >>> y.backward(); y.backward(gradient=0.5)
            >>> x.grad
            9.0
        """
        from autograd.engine.graph import backward

        backward(self, gradient)

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0.0 on every node of this graph.

        Example:
            >>> x = Value(3.0)
            >>> y = x * x
            >>> y.backward(); y.zero_grad()
            >>> x.grad
            0.0
        """
        from autograd.engine.graph import zero_grad

        zero_grad(self)

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut off from this graph.

        (While the batched engine records, a node of the zero-derivative op
        ``detach`` instead, so every example copies its own number: see ``ops.DATA_LEAVES``.)

        Example:
            >>> y = (Value(2.0) * 3).detach()
            >>> y.data, y.inputs
            (6.0, ())
        """
        if NUMBER_READS.get() is not None:  # the batched engine is recording: each example detaches its own number
            copy = _apply(DATA_LEAVES["detach"], (self,))
            if self.label:
                copy.label = self.label
            return copy
        return Value(self.data, self.label)

    # --- micrograd's names ------------------------------------------------------------
    # Karpathy's lecture and karpathy/micrograd read a node's inputs as `_prev`,
    # its op as `_op` and call `_backward()` for one chain-rule step. The same
    # facts under the lecture's names, so its draw_dot, build_topo and manual
    # backprop cells run unchanged. Read-only: glassgrad's backward() never calls
    # `_backward`, so assigning a closure to it (micrograd's way of adding an op)
    # must fail loudly rather than be silently ignored (see _ReadOnlyMethod below).
    # Your own per-node data (`v._vis_color = ...`) goes in the node's __dict__;
    # near misses of a field's name (`v.gard = 0`) raise (see _NearMiss below).

    @property
    def _prev(self) -> set[Value]:
        """The lecture's name for the set of this node's inputs (``inputs`` keeps order and duplicates).

        Example:
            >>> a = Value(3.0)
            >>> (a + a)._prev == {a}
            True
        """
        return set(self.inputs)

    @property
    def _op(self) -> str:
        """The lecture's name for ``op``: the symbol of the operation, ``""`` for a leaf.

        Example:
            >>> (Value(2.0) * 3)._op, Value(2.0)._op
            ('*', '')
        """
        return self.op

    def _backward(self) -> None:
        """The lecture's one chain-rule step at this node: each input's grad += local derivative × this node's grad.

        Like micrograd's, it accumulates and does nothing for a leaf; ``backward()``
        calls it for you in order, so call it by hand only to step through backprop.

        Example:
            >>> x, w = Value(2.0), Value(-3.0)
            >>> y = x * w
            >>> y.grad = 1.0
            >>> y._backward()
            >>> x.grad, w.grad
            (-3.0, 2.0)
        """
        from autograd.engine.graph import chain_step  # graph.py imports this module

        chain_step(self)


class Parameter(Value):
    """A trainable leaf. ``nn`` creates its weights as Parameters; drawings style them apart.

    Example:
        >>> w = Parameter(0.5, label="w")
        >>> w
        Parameter(data=0.5, grad=0.0, label='w')
    """

    __slots__ = ()


NOT_RECORDED: tuple[float, ...] = (math.nan,)
"""The ``local_grads`` of a node computed under ``no_grad()``: it kept no inputs, and
``backward()`` from it says so instead of leaving every gradient at 0 (compared by identity)."""


# --- your own attributes on nodes, and the typos they must not hide -----------------
# A Value has a __dict__, so code can attach its own data to nodes (EurekaLabsAI's
# visualiser sets v._vis_color; optimizers written against micrograd keep p.m, p.v).
# That would also let `v.gard = 0` pass silently. Python calls no hook when a name
# lands in __dict__ unless the class defines __setattr__, and a __setattr__ written
# in Python would run on every store the engine makes (each node's fields, every
# `.grad +=` of backward: W2 measured 20% slower). So the near misses are stopped
# before they reach __dict__: every name one slip (a letter dropped, added, changed
# or two swapped) from a field's is a class attribute that refuses to be set. The
# engine's own stores never meet them.


class _NearMiss:
    """A class attribute where a one-slip typo of a field's name lands: setting it raises, reading finds nothing."""

    __slots__ = ("meant", "name")

    def __init__(self, name: str, meant: str) -> None:
        self.name = name
        self.meant = meant

    def __get__(self, node: object, owner: type | None = None) -> object:
        raise AttributeError(f"{(owner or type(node)).__name__!r} object has no attribute {self.name!r}")

    def __set__(self, node: object, value: object) -> None:
        raise MisspelledAttributeError(
            f"{type(node).__name__} got attribute {self.name!r}, one slip away from its field {self.meant!r}; "
            f"did you mean {self.meant}? (Attach your own data under a name that is not a near miss, "
            f"e.g. {'_' + self.name!r}.)"
        )

    def __delete__(self, node: object) -> None:
        self.__set__(node, None)


_FIELDS = ("data", "grad", "label", "inputs", "local_grads", "operation", "constants", "scope", "serial")


def _one_slip_from(name: str) -> set[str]:
    letters = "abcdefghijklmnopqrstuvwxyz_"
    cuts = [(name[:i], name[i:]) for i in range(len(name) + 1)]
    return (
        {head + tail[1:] for head, tail in cuts if tail}
        | {head + tail[1] + tail[0] + tail[2:] for head, tail in cuts if len(tail) > 1}
        | {head + c + tail[1:] for head, tail in cuts if tail for c in letters}
        | {head + c + tail for head, tail in cuts for c in letters}
    )


_NEAR_MISSES: dict[str, str] = {}
for _field in _FIELDS:
    for _slip in _one_slip_from(_field):
        if _slip.isidentifier() and not hasattr(Value, _slip):
            _NEAR_MISSES.setdefault(_slip, _field)
for _slip, _field in _NEAR_MISSES.items():
    setattr(Value, _slip, _NearMiss(_slip, _field))


class _ReadOnlyMethod:
    """A method that refuses to be replaced on a node (assigning micrograd's ``_backward`` closure must fail)."""

    __slots__ = ("function",)

    def __init__(self, function: Callable[..., object]) -> None:
        self.function = function

    def __get__(self, node: object, owner: type | None = None) -> object:
        return self.function if node is None else self.function.__get__(node, owner)

    def __set__(self, node: object, value: object) -> None:
        raise AttributeError(
            f"{type(node).__name__}.{self.function.__name__} is read-only: glassgrad's backward() never calls it, "
            f"so a closure assigned to it would be silently ignored; define an op with the op table instead."
        )


Value._backward = _ReadOnlyMethod(Value.__dict__["_backward"])  # type: ignore[assignment, method-assign]


def _dir_without_near_misses(node: Value) -> list[str]:
    # Tab completion should offer a node's real names, not the thousands of guarded typos.
    return [name for name in object.__dir__(node) if name not in _NEAR_MISSES]


Value.__dir__ = _dir_without_near_misses  # type: ignore[assignment, method-assign]


_new_value = object.__new__
# itertools.count is atomic under the GIL, so serials stay unique across threads.
_next_serial = itertools.count().__next__


def _apply(op: Op, inputs: tuple[Value, ...], constants: tuple[float, ...] = ()) -> Value:
    """Apply ``op`` to its operands: the one constructor of computed nodes.

    The rule runs on the operands' floats and the new node stores what it
    returns; under ``no_grad()`` the node keeps nothing, so it is a leaf. This
    is the hot path of every training step, so one- and two-operand calls spell
    their operands out rather than unpacking a list.
    """
    if op.checks_domain:
        check_domain(op, inputs, constants)
    arity = op.fixed_arity  # 0 for sum and for ops with constants
    if arity == 2:
        a, b = inputs
        data, local_grads = op.rule(FLOAT_MATH, a.data, b.data)
    elif arity == 1:
        data, local_grads = op.rule(FLOAT_MATH, inputs[0].data)  # stored below as one slot each
    else:
        # A list comprehension unpacks faster than a generator (a neuron's Σ has n + 1 inputs).
        data, local_grads = op.rule(FLOAT_MATH, *[x.data for x in inputs], *constants)
    recording = RECORDING.get()
    out: Value = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.scope = recording.scope
    out.serial = _next_serial()
    if not recording.grad_enabled or not inputs:
        out._input0 = out._input1 = None
        if inputs:  # computed under no_grad(): it kept no inputs, and backward() from it says so
            out._local0 = NOT_RECORDED
        out.operation = None
    else:
        out.operation = op
        if arity == 2:
            out._input0 = a
            out._input1 = b
            out._local0, out._local1 = local_grads
        elif len(inputs) == 1:  # unary, with or without constants
            out._input0 = inputs[0]
            out._input1 = None
            (out._local0,) = local_grads
        else:
            out._input0 = inputs if type(inputs) is tuple else tuple(inputs)
            out._input1 = None
            out._local0 = tuple(local_grads)
        if constants:
            out.constants = constants
    if recording.detect_anomaly:
        _check_finite(out, op, inputs)
    return out


def _constant(x: Number, name: str) -> Value:
    """A number operand of op ``name`` as a constant leaf, drawn like any other input.

    The leaf is filled in here rather than by ``Value(x)``: W1 makes two per
    link, and the extra call cost W1 ~5% (measured A/B).
    """
    if type(x) is not float:
        if not is_real(x):
            raise TypeError(
                f"{name}() got {x!r} of type {type(x).__name__}; expected a Value or a real number (int, float)."
            )
        x = _as_float(x, f"{name}()")
    leaf: Value = _new_value(Value)
    leaf.data = x
    leaf.grad = 0.0
    leaf._input0 = leaf._input1 = None
    leaf.operation = None
    leaf.scope = RECORDING.get().scope
    leaf.serial = _next_serial()
    return leaf


def check_domain(op: Op, inputs: Sequence[Value], constants: Sequence[float]) -> None:
    """Raise ``DomainError`` when an operand is outside ``op``'s domain.

    Example:
        >>> from autograd import OPS
        >>> check_domain(OPS["div"], (Value(1.0), Value(0.0, label="d")), ())
        Traceback (most recent call last):
        ...
        autograd.engine.errors.DomainError: division got divisor 0.0 from node 'd'; division needs divisor ≠ 0.
    """
    # Operators are named as the user thinks of them ("division"), functions as called ("log()").
    subject, name_in_need = (op.title, op.title) if op.title else (f"{op.name}()", op.name)
    for operand, domain, x in zip(op.operands, op.domains, inputs):
        if not domain.contains(x.data):
            which = f"{operand} " if len(op.operands) > 1 else ""
            raise DomainError(
                f"{subject} got {which}{x.data!r} from {_describe(x)}; "
                f"{name_in_need} needs {domain.description.format(operand)}."
            )
    if op.check is not None:
        expected = op.check(*(x.data for x in inputs), *constants)
        if expected is not None:
            shown = [f"{operand}={x.data!r} from {_describe(x)}" for operand, x in zip(op.operands, inputs)]
            shown += [f"{name}={c!r}" for name, c in zip(op.constant_names, constants)]
            raise DomainError(f"{subject} got {', '.join(shown)}; {name_in_need} needs {expected}.")


def _check_finite(out: Value, op: Op, inputs: tuple[Value, ...]) -> None:
    # Only the value: an infinite local derivative (sqrt at 0) is harmless until
    # backward multiplies it into a gradient, and backward checks gradients.
    if math.isfinite(out.data):
        return
    operands = ", ".join(f"{x.label or 'unlabeled'!r} = {x.data!r}" for x in inputs)
    noun = "operand" if len(inputs) == 1 else "operands"
    raise AnomalyError(f"{op.name}() produced {out.data!r} from {noun} {operands}.")


def sum(values: Iterable[Value | Number]) -> Value:
    """Add many values in ONE n-ary ``Σ`` node instead of a chain of binary adds.

    A neuron's weighted sum drawn this way reads like the perceptron diagram,
    and backward visits one node instead of n − 1.

    Example:
        >>> import autograd
        >>> xs = [Value(1.0), Value(2.0), 3.0]
        >>> s = autograd.sum(xs)
        >>> s.data, s.op, len(s.inputs)
        (6.0, 'sum', 3)
    """
    # list and tuple first: an Iterable check (an ABC) costs more than the sum of a few terms.
    if type(values) not in (list, tuple) and (isinstance(values, Value) or not isinstance(values, Iterable)):
        raise TypeError(
            f"sum() got {values!r} of type {type(values).__name__}; expected a list of Values or numbers, "
            f"e.g. autograd.sum([x, y, 1.0])."
        )
    given = tuple(values)
    if not given:
        return Value(0.0)
    # The common case, all Values, is checked in C; numbers become constant leaves.
    if all(map(isinstance, given, repeat(Value, len(given)))):
        inputs = cast("tuple[Value, ...]", given)
    else:
        inputs = tuple(x if isinstance(x, Value) else _constant(x, "sum") for x in given)
    return _apply(OPS["sum"], inputs, ())


class ValueMath:
    """``Math`` on Values: the same rules, building differentiable derivatives.

    Each op with a float ``function`` is offered as its ``Value`` method
    (``VALUE_MATH.tanh(x)`` is ``x.tanh()``), filled in from the op table below;
    a user's op (``autograd.op``) as the op itself.
    """

    def __getattr__(self, name: str) -> Callable[..., Value]:
        entry = CUSTOM_OPS.get(name)
        if entry is None or entry.function is None:
            raise AttributeError(f"VALUE_MATH has no function {name!r}; a rule may call the op table's functions.")
        return entry

    @staticmethod
    def real(x: Value | float) -> float:  # noqa: D102
        return x.data if isinstance(x, Value) else x

    @staticmethod
    def power(x: Value, exponent: Value | float) -> Value:  # noqa: D102
        return x**exponent

    @staticmethod
    def reciprocal(x: Value) -> Value:
        """1/x; at 0 the signed infinity, as a node whose derivative −1/x² is −inf."""
        return 1.0 / x if x.data else _pole(x)

    @staticmethod
    def total(xs: Sequence[Value]) -> Value:  # noqa: D102
        return sum(xs)


def _pole_rule(m: Math, x: Value | float, exponent: float) -> tuple[float, tuple[float]]:
    # x ** -1 at x = ±0, which pow's domain leaves out: the signed infinity, and
    # the local derivative −1/x² is −inf (a constant: past it every derivative is infinite anyway).
    return math.copysign(math.inf, m.real(x)), (-math.inf,)


# Not in the op table: only ValueMath.reciprocal builds it, at a pole of a derivative
# (d/dx √x at 0). Drawn and narrated like x ** -1.
_POLE = Op(
    name="pow_constant", symbol="**", display="^", rule=_pole_rule, form="infix", method="__pow__",
    operands=("base",), constant_names=("exponent",), title="power",
)  # fmt: skip


def _pole(x: Value) -> Value:
    return _apply(_POLE, (x,), (-1.0,))


for _entry in OPS.values():
    if _entry.function is not None:
        setattr(ValueMath, _entry.name, staticmethod(getattr(Value, _entry.method)))

VALUE_MATH: Math = ValueMath()  # the op functions arrive from the table


def _compare(a: Value, b: Value | Number, relation: Callable[[float, float], bool], symbol: str) -> Value:
    """``a <symbol> b`` as a constant leaf, 1.0 or 0.0 (see the comparisons in ``Value``)."""
    if isinstance(b, Value):
        other = b.data
    elif is_real(b):
        other = _as_float(b, f"{symbol} comparison")
    else:
        # NotImplemented would let Python try the reflected comparison and then say only "not supported".
        raise TypeError(
            f"{symbol} comparison got {b!r} of type {type(b).__name__}; expected a Value or a real number."
        )
    if NUMBER_READS.get() is not None:  # the batched engine is recording: each example compares its own numbers
        return _apply(DATA_LEAVES[symbol], (a, b if isinstance(b, Value) else _constant(other, symbol)))
    return _constant(1.0 if relation(a.data, other) else 0.0, symbol)


def apply_op(op: Op, arguments: Sequence[object]) -> Value | float:
    """Apply ``op`` to its operands, then its constants: a node when an operand is a Value, else the float value.

    What ``Op.__call__`` (``OPS["relu"](x)``, a user's ``cube(x)``) runs.

    Raises:
        TypeError: the wrong number of arguments, or one that is not a Value or a real number.

    Example:
        >>> apply_op(OPS["mul"], (Value(2.0), 3)).data, apply_op(OPS["mul"], (2.0, 3))
        (6.0, 6.0)
    """
    n_constants = op.n_constants
    arity = op.arity if op.arity is not None else len(arguments) - n_constants
    if len(arguments) != arity + n_constants or arity < 1:
        expected = ", ".join((*op.operands, *op.constant_names))
        raise TypeError(f"{op.name}() got {len(arguments)} arguments; expected ({expected}).")
    constants = tuple(
        _as_float(c, f"{op.name}() {name}") for c, name in zip(arguments[arity:], op.constant_names)
    )
    inputs = tuple(x if isinstance(x, Value) else _constant(cast("Number", x), op.name) for x in arguments[:arity])
    if any(isinstance(x, Value) for x in arguments[:arity]):
        return _apply(op, inputs, constants)
    return _apply(op, inputs, constants).data  # numbers in, a number out (domain checked as for Values)


APPLY.append(apply_op)
