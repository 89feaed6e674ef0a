"""Hypothesis strategies and assertions for testing gradients: the tools glassgrad's own tests use.

``import autograd`` never imports this module (it needs ``hypothesis``:
``pip install 'glassgrad[test]'``); import it in your tests.

Guide: a new op, property-tested in ten lines
----------------------------------------------
An op is one rule in the op table: the value and its local derivatives,
written once against a math namespace ``m`` (see ``autograd/engine/ops.py``).
``expressions`` draws random graphs that use it, at points inside every op's
declared domain, and ``assert_gradients_close`` compares reverse mode with
finite differences (first and, with ``order=2``, second derivatives)::

    from hypothesis import given
    import autograd
    from autograd.check.testing import assert_gradients_close, expressions

    def cube_rule(m, x):
        \"\"\"x³.  d/dx = 3x².\"\"\"
        return x * x * x, (3.0 * x * x,)

    cube = autograd.op("cube", cube_rule)

    @given(expressions(ops=[cube, "mul", "sin"]))
    def test_cube_has_the_right_gradients(expr):
        assert_gradients_close(expr, expr.leaves(), order=2)

A wrong derivative (``2.0 * x * x``) fails with a shrunk counterexample such as
``cube(x0); at x0 = 1.0`` and a table naming ``∂/∂x0``. Declare a narrower
domain with ``autograd.op("name", rule, domains=(POSITIVE,))`` and the strategies respect it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

try:
    from hypothesis import assume
    from hypothesis import strategies as st
except ModuleNotFoundError as error:
    raise ModuleNotFoundError(
        "autograd.check.testing needs hypothesis: pip install 'glassgrad[test]'", name="hypothesis"
    ) from error

from autograd.check.gradcheck import Function, gradcheck
from autograd.engine.ops import FLOAT_MATH, OPS, Domain, Op

# Ops are applied through the engine's one general path, so an op registered
# with @op works here before it has a Value method.
from autograd.engine.value import Value, _apply

if TYPE_CHECKING:
    from hypothesis.vendor.pretty import RepresentationPrinter as PrettyPrinter

# How far drawn operands stay from the edge of a domain (0 for log, the zero a
# divisor must avoid), so finite differences with a small eps stay inside it.
EDGE = 1e-2
# How far an operand of an op with kinks must be from a jump in its derivative.
KINK_DISTANCE = 1e-3
# Values and local derivatives inside expressions stay below this in magnitude:
# beyond it, finite differences lose their digits to rounding.
MAX_MAGNITUDE = 1e3


def reals(min_value: float = -3.0, max_value: float = 3.0) -> st.SearchStrategy[float]:
    """Finite floats in [min_value, max_value], never nan, inf or subnormal.

    Args:
        min_value: the smallest float drawn.
        max_value: the largest float drawn.

    Returns:
        A hypothesis strategy of floats.

    Raises:
        ValueError: a bound is not finite, or min_value > max_value.

    Example:
        >>> from hypothesis import given
        >>> @given(reals(0.0, 1.0))
        ... def test_in_unit_interval(x):
        ...     assert 0.0 <= x <= 1.0
        >>> test_in_unit_interval()
    """
    for name, bound in (("min_value", min_value), ("max_value", max_value)):
        if not isinstance(bound, (int, float)) or isinstance(bound, bool) or not math.isfinite(bound):
            raise ValueError(f"reals() got {name}={bound!r}; expected a finite number.")
    if min_value > max_value:
        raise ValueError(f"reals() got min_value={min_value!r} > max_value={max_value!r}; swap them.")
    return st.floats(min_value, max_value, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def reals_in(domain: Domain, min_value: float = -3.0, max_value: float = 3.0) -> st.SearchStrategy[float]:
    """Floats inside an op-table ``Domain``, at least ``EDGE`` from its edges and within the bounds.

    Args:
        domain: where the operand is valid, e.g. ``autograd.engine.ops.POSITIVE``.
        min_value: the smallest float drawn (raised to the domain's low edge).
        max_value: the largest float drawn (lowered to the domain's high edge).

    Returns:
        A hypothesis strategy of floats x with ``domain.contains(x)``.

    Raises:
        ValueError: the domain and the bounds leave no room.

    Example:
        >>> from hypothesis import given
        >>> from autograd.engine.ops import POSITIVE
        >>> @given(reals_in(POSITIVE))
        ... def test_positive(x):
        ...     assert x >= 0.01
        >>> test_positive()
    """
    low = max(min_value, domain.low + EDGE)
    high = min(max_value, domain.high - EDGE)
    if low > high:
        raise ValueError(
            f"reals_in() got the domain {domain.description.format('x')} and bounds [{min_value!r}, {max_value!r}], "
            f"which leave nothing to draw; widen the bounds."
        )
    strategy = reals(low, high)
    if domain.excludes_zero:
        strategy = strategy.filter(lambda x: abs(x) >= EDGE)
    return strategy.filter(domain.contains)


@dataclass(frozen=True)
class Node:
    """One operation of an ``Expression``.

    Attributes:
        op: the op-table entry.
        operands: indices into the expression's slots (leaves first, then nodes).
        constants: the op's non-differentiable arguments (the 3 of ``x ** 3``).

    Example:
        >>> from autograd.engine.ops import OPS
        >>> cube = Node(OPS["pow_constant"], operands=(0,), constants=(3.0,))
        >>> Expression((2.0,), (cube,)).formula
        'x0 ** 3.0'
    """

    op: Op
    operands: tuple[int, ...]
    constants: tuple[float, ...] = ()


@dataclass(frozen=True, eq=False)
class Expression:
    """A drawn computation DAG and the point it was drawn at; call it on Values or floats.

    Slot i < ``len(inputs)`` is leaf ``x{i}``; then come the ``literals``
    (plain numbers such as the 2 of ``x0 * 2.0``, which become constant leaf
    Values), then ``nodes[k]``; the last node is the output. A node used more
    than once is a shared sub-expression and prints as ``t0``, ``t1`` ….

    ``creation`` is the order in which the slots are created when the graph
    is built, a node always after its operands. Drawn expressions create each
    leaf and literal just before the first operation that reads it, *between*
    earlier operations, as user code does (``y = x * x; z = y * w``): a
    graph sweep that assumed every leaf exists before every operation (and
    stopped at the first leaf it met) gets these graphs wrong.

    Attributes:
        inputs: the leaf values drawn, inside every op's domain.
        nodes: the operations, each reading earlier slots.
        literals: constant operands, created as unlabeled leaf Values.
        creation: the slots in creation order; None means inputs, literals, then nodes.

    Example:
        >>> from autograd.engine.ops import OPS
        >>> e = Expression((2.0, 3.0), (Node(OPS["mul"], (0, 1)), Node(OPS["log"], (2,)), Node(OPS["add"], (3, 2))))
        >>> e
        log(t0) + t0 where t0 = x0 * x1; at x0 = 2.0, x1 = 3.0
        >>> e(*e.leaves()).data == e.reference(2.0, 3.0)
        True
        >>> mul = OPS["mul"]
        >>> late = Expression((2.0, 3.0), (Node(mul, (0, 0)), Node(mul, (3, 2)), Node(mul, (4, 1))),
        ...                   literals=(0.5,), creation=(0, 3, 2, 4, 1, 5))
        >>> late
        ((x0 * x0) * 0.5) * x1; at x0 = 2.0, x1 = 3.0
        >>> from autograd import topological_order
        >>> out, leaves = late.build()
        >>> [node.label or node.op or node.data for node in topological_order(out)]
        ['x0', '*', 0.5, '*', 'x1', '*']
    """

    inputs: tuple[float, ...]
    nodes: tuple[Node, ...]
    literals: tuple[float, ...] = ()
    creation: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.creation is None:
            return
        size = len(self.inputs) + len(self.literals) + len(self.nodes)
        each_once = f"Expression() got creation={self.creation!r}; it must list each of the {size} slots once."
        created: set[int] = set()
        first_node = len(self.inputs) + len(self.literals)
        for slot in self.creation:
            if not 0 <= slot < size or slot in created:
                raise ValueError(each_once)
            if slot >= first_node and not set(self.nodes[slot - first_node].operands) <= created:
                raise ValueError(
                    f"Expression() got creation={self.creation!r}; slot {slot} is created before one of its operands."
                )
            created.add(slot)
        if len(created) != size:
            raise ValueError(each_once)

    @property
    def names(self) -> tuple[str, ...]:
        """The leaves' labels: ``x0``, ``x1``, ….

        Example:
            >>> from autograd.engine.ops import OPS
            >>> Expression((2.0, 3.0), (Node(OPS["mul"], (0, 1)),)).names
            ('x0', 'x1')
        """
        return tuple(f"x{i}" for i in range(len(self.inputs)))

    @property
    def creation_order(self) -> tuple[int, ...]:
        """``creation``, or inputs, literals and nodes in slot order when it is None.

        Example:
            >>> from autograd.engine.ops import OPS
            >>> Expression((2.0,), (Node(OPS["exp"], (0,)),)).creation_order
            (0, 1)
        """
        if self.creation is not None:
            return self.creation
        return tuple(range(len(self.inputs) + len(self.literals) + len(self.nodes)))

    def leaves(self) -> tuple[Value, ...]:
        """Fresh labeled leaf Values at the drawn point, e.g. for ``assert_gradients_close(e, e.leaves())``.

        These exist before any operation; ``build()`` creates them where the
        expression was drawn to create them.

        Example:
            >>> from autograd.engine.ops import OPS
            >>> Expression((2.0,), (Node(OPS["exp"], (0,)),)).leaves()
            (Value(data=2.0, grad=0.0, label='x0'),)
        """
        return tuple(Value(x, label=name) for x, name in zip(self.inputs, self.names))

    def build(self) -> tuple[Value, tuple[Value, ...]]:
        """Build the graph at the drawn point, each leaf created in its place; return (output, leaves).

        Example:
            >>> from autograd.engine.ops import OPS
            >>> out, leaves = Expression((2.0,), (Node(OPS["exp"], (0,)),)).build()
            >>> out.data == math.exp(2.0), leaves
            (True, (Value(data=2.0, grad=0.0, label='x0'),))
        """
        slots = self._build(self.inputs)
        return slots[-1], tuple(slots[: len(self.inputs)])

    def __call__(self, *xs: Value | float) -> Value:
        """Build the expression's graph on ``xs`` (floats become labeled leaves) and return its output.

        Literals and float inputs are created in ``creation_order``, between
        the operations; Values passed in already exist.
        """
        if len(xs) != len(self.inputs):
            raise TypeError(f"{self.formula} takes {len(self.inputs)} inputs but got {len(xs)}.")
        return self._build(xs)[-1]

    def _build(self, xs: Sequence[Value | float]) -> list[Value]:
        n_inputs, first_node = len(self.inputs), len(self.inputs) + len(self.literals)
        slots: list[Value | None] = [None] * (first_node + len(self.nodes))
        for slot in self.creation_order:
            if slot < n_inputs:
                x = xs[slot]
                slots[slot] = x if isinstance(x, Value) else Value(x, label=self.names[slot])
            elif slot < first_node:
                slots[slot] = Value(self.literals[slot - n_inputs])
            else:
                node = self.nodes[slot - first_node]
                operands = tuple(cast("Value", slots[i]) for i in node.operands)
                slots[slot] = _apply(node.op, operands, node.constants)
        return cast("list[Value]", slots)

    def reference(self, *xs: float) -> float:
        """The output on plain floats: the same rules, with no graph, no Values and no recording.

        Example:
            >>> from autograd.engine.ops import OPS
            >>> Expression((2.0, 3.0), (Node(OPS["mul"], (0, 1)),)).reference(4.0, 0.5)
            2.0
        """
        slots = [float(x) for x in xs] + list(self.literals)
        for node in self.nodes:
            slots.append(node.op.rule(FLOAT_MATH, *(slots[i] for i in node.operands), *node.constants)[0])
        return slots[-1]

    @property
    def depth(self) -> int:
        """The longest path from a leaf to the output, in operations.

        Example:
            >>> from autograd.engine.ops import OPS
            >>> Expression((2.0, 3.0), (Node(OPS["mul"], (0, 1)), Node(OPS["exp"], (2,)))).depth
            2
        """
        depths = [0] * (len(self.inputs) + len(self.literals))
        for node in self.nodes:
            depths.append(1 + max(depths[i] for i in node.operands))
        return depths[-1]

    @property
    def shared(self) -> tuple[int, ...]:
        """The slots of nodes (not leaves) read by more than one operand.

        Example:
            >>> from autograd.engine.ops import OPS
            >>> Expression((2.0,), (Node(OPS["sin"], (0,)), Node(OPS["mul"], (1, 1)))).shared  # sin(x0) is slot 1
            (1,)
        """
        first_node = len(self.inputs) + len(self.literals)
        uses = [0] * (first_node + len(self.nodes))
        for node in self.nodes:
            for i in node.operands:
                uses[i] += 1
        return tuple(i for i in range(first_node, len(uses)) if uses[i] > 1)

    @property
    def formula(self) -> str:
        """The expression as a formula, shared sub-expressions named ``t0``, ``t1`` ….

        Example:
            >>> from autograd.engine.ops import OPS
            >>> Expression((2.0,), (Node(OPS["sin"], (0,)), Node(OPS["mul"], (1, 1)))).formula
            't0 * t0 where t0 = sin(x0)'
        """
        shared = {slot: f"t{k}" for k, slot in enumerate(self.shared)}
        # A negative literal is parenthesised, so "x0 * (-2.0)" parses as it was built.
        texts = [*self.names, *(f"({c!r})" if c < 0 or repr(c).startswith("-") else repr(c) for c in self.literals)]
        infix = [False] * len(texts)
        for node in self.nodes:
            # Parenthesise infix operands so the formula parses the way it was built.
            operands = [shared.get(i) or texts[i] for i in node.operands]
            if _is_infix(node.op, node.constants):
                operands = [
                    f"({text})" if infix[i] and i not in shared else text for i, text in zip(node.operands, operands)
                ]
            text, is_infix = _format(node.op, operands, node.constants)
            texts.append(text)
            infix.append(is_infix)
        # The output is the last node, which nothing reads, so it is never shared.
        where = [f"{name} = {texts[slot]}" for slot, name in shared.items()]
        return texts[-1] + (f" where {', '.join(where)}" if where else "")

    def __repr__(self) -> str:
        point = ", ".join(f"{name} = {x!r}" for name, x in zip(self.names, self.inputs))
        return f"{self.formula}; at {point}"

    def _repr_pretty_(self, printer: PrettyPrinter, cycle: bool) -> None:
        # Hypothesis prints a falsifying example with its pretty-printer, which
        # would spell out every field of a dataclass; the formula reads better.
        printer.text(repr(self))


def _format(op: Op, operands: Sequence[str], constants: tuple[float, ...]) -> tuple[str, bool]:
    """The formula of one operation, and whether it is infix."""
    arguments = [*operands, *(repr(c) for c in constants)]
    if _is_infix(op, constants):
        return f"{arguments[0]} {op.symbol} {arguments[1]}", True
    return f"{op.name}({', '.join(arguments)})", False


def _is_infix(op: Op, constants: tuple[float, ...]) -> bool:
    # An operator symbol (+ - * / **) between exactly two arguments.
    return not op.symbol.isidentifier() and (op.arity or 0) + len(constants) == 2


def _resolve(ops: Iterable[str | Op] | None, caller: str) -> tuple[Op, ...]:
    if ops is None:
        return tuple(OPS.values())
    resolved = []
    for entry in ops:
        if isinstance(entry, Op):
            resolved.append(entry)
        elif isinstance(entry, str) and entry in OPS:
            resolved.append(OPS[entry])
        else:
            raise ValueError(f"{caller}() got unknown op {entry!r}; known ops: {', '.join(OPS)}.")
    if not resolved:
        raise ValueError(f"{caller}() got no ops; pass op names such as ['add', 'log'].")
    return tuple(resolved)


def _operand_domains(op: Op, count: int) -> tuple[Domain, ...]:
    domains = op.test_domains or op.domains
    return domains * count if op.arity is None else domains


def _well_conditioned(op: Op, operands: tuple[float, ...], constants: tuple[float, ...]) -> bool:
    """Whether finite differences can check ``op`` at these operands: finite, bounded, off every kink."""
    if op.check is not None and op.check(*operands, *constants) is not None:
        return False
    try:
        value, local_grads = op.rule(FLOAT_MATH, *operands, *constants)
    except (ValueError, ArithmeticError):
        return False
    if not all(math.isfinite(x) and abs(x) <= MAX_MAGNITUDE for x in (value, *local_grads)):
        return False
    if op.pieces is not None and not _on_one_piece(op, operands, constants):
        return False
    if not op.kinks:
        return True
    # A kink is a jump in a local derivative. Near each operand, compare the
    # rule's slopes at x ± d for halving d: for a smooth slope the spread grows
    # in proportion to d (|s(x+d) − s(x−d)| / d ≈ 2|s'|), while a jump J within
    # reach adds J/d, which doubles with every halving or vanishes once d passes
    # the jump. The distances also include gradcheck's default steps exactly,
    # because clamp(x, 0, 0) has slope 1 at a single point.
    distances = sorted({KINK_DISTANCE / 2**k for k in range(14)} | {1e-6, 0.5e-6}, reverse=True)
    for i, x in enumerate(operands):
        spreads = []
        for d in distances:
            slopes = []
            for shifted in (x - d, x + d):
                try:
                    slope = op.rule(FLOAT_MATH, *operands[:i], shifted, *operands[i + 1 :], *constants)[1][i]
                except (ValueError, ArithmeticError):
                    return False
                if not math.isfinite(slope):
                    return False
                slopes.append(slope)
            spreads.append(abs(slopes[1] - slopes[0]) / d)
        if max(spreads) > 1.5 * min(spreads) + 1e-6:
            return False
        # The slope at the operand itself must match its neighbours' (clamp(0, 0, 0) is 1 only at 0).
        if abs((slopes[0] + slopes[1]) / 2 - local_grads[i]) > 1e-6 * (1 + abs(local_grads[i])):
            return False
    return True


def _on_one_piece(op: Op, operands: tuple[float, ...], constants: tuple[float, ...]) -> bool:
    # Finite differences need a smooth stretch around each operand: the op's own
    # piece numbering (a jump of %, sign's step) must not change within reach.
    assert op.pieces is not None
    here = op.pieces(*operands, *constants)
    if here != here:  # nan: on no piece
        return False
    for i, x in enumerate(operands):
        for d in (KINK_DISTANCE / 2**k for k in range(0, 14, 2)):
            for shifted in (x - d * max(1.0, abs(x)), x + d * max(1.0, abs(x))):
                if op.pieces(*operands[:i], shifted, *operands[i + 1 :], *constants) != here:
                    return False
    return True


@st.composite
def _op_calls(draw: st.DrawFn, op: Op, min_value: float, max_value: float) -> Expression:
    count = op.arity if op.arity is not None else draw(st.integers(1, 4))
    operands = tuple(draw(reals_in(d, min_value, max_value)) for d in _operand_domains(op, count))
    constants = tuple(sorted(draw(reals(min_value, max_value)) for _ in range(op.n_constants)))
    assume(_well_conditioned(op, operands, constants))
    return Expression(operands, (Node(op, tuple(range(count)), constants),))


def op_calls(op: Op | str, min_value: float = -3.0, max_value: float = 3.0) -> st.SearchStrategy[Expression]:
    """One op applied to fresh leaves drawn inside its declared domain, as an ``Expression``.

    Operands come from the op's ``test_domains`` (else ``domains``), away from
    the domain's edges and from kinks; constants (the n of ``x ** n``, clamp's
    bounds) from ``reals(min_value, max_value)`` in ascending order, so bounds
    come out as (low, high); the op's joint ``check`` must pass.

    Args:
        op: an ``Op`` or its name in ``autograd.OPS``.
        min_value: the smallest operand or constant drawn.
        max_value: the largest operand or constant drawn.

    Returns:
        A hypothesis strategy of single-node expressions.

    Example:
        >>> from hypothesis import given
        >>> @given(op_calls("log"))
        ... def test_log_operand_is_positive(call):
        ...     assert call.inputs[0] > 0 and call.formula == "log(x0)"
        >>> test_log_operand_is_positive()
    """
    (resolved,) = _resolve([op], "op_calls")
    return _op_calls(resolved, min_value, max_value)


@st.composite
def _expressions(
    draw: st.DrawFn,
    ops: tuple[Op, ...],
    max_leaves: int,
    max_depth: int,
    share: bool,
    bounds: tuple[float, float],
    literals: bool,
    edges: bool,
) -> Expression:
    # Slots in creation order: each leaf or literal is created on demand, inside
    # the domain of the op that first reads it, so it lands between earlier
    # operations. Per slot: its value, depth, and kind.
    values: list[float] = []
    depths: list[int] = []
    kinds: list[str] = []  # INPUT, LITERAL or NODE
    used: set[int] = set()
    nodes: dict[int, Node] = {}
    # Results nothing reads are dropped at the end, so draw more operations than a path needs.
    for _ in range(draw(st.integers(1, 2 * (max_leaves + max_depth)))):
        op = draw(st.sampled_from(ops))
        count = op.arity if op.arity is not None else draw(st.integers(1, 3))
        constants = tuple(sorted(draw(reals(*bounds)) for _ in range(op.n_constants)))
        operands: list[int] = []
        new_slots: list[tuple[float, str]] = []
        domains = _operand_domains(op, count) if not edges else (op.domains * count if op.arity is None else op.domains)
        for domain in domains:
            candidates = [
                slot
                for slot, value in enumerate(values)
                if depths[slot] < max_depth
                and (domain.contains(value) if edges else _inside(domain, value))
                and (share or (slot not in used and slot not in operands))
            ]
            n_inputs = kinds.count(INPUT) + sum(kind == INPUT for _, kind in new_slots)
            room = n_inputs < max_leaves
            # A literal only once there is an input to differentiate by.
            can_literal = literals and n_inputs > 0
            # Mostly reuse an earlier result (deeper graphs, shared nodes); shrinks toward reuse.
            if (room or can_literal) and (not candidates or draw(st.integers(0, 2)) == 2):
                if room and can_literal:  # shrinks toward an input
                    kind = LITERAL if draw(st.integers(0, 2)) == 2 else INPUT
                else:
                    kind = INPUT if room else LITERAL
                new_slots.append((draw(_operand_values(domain, bounds, edges)), kind))
                operands.append(len(values) + len(new_slots) - 1)
            elif candidates:
                # Newest first: reading the latest result makes deeper graphs.
                operands.append(draw(st.sampled_from(candidates[::-1])))
            else:
                break
        if len(operands) < count:
            continue
        extended = values + [value for value, _ in new_slots]
        operand_values = tuple(extended[slot] for slot in operands)
        result = _result(op, operand_values, constants, edges)
        if result is None:
            continue
        values += [value for value, _ in new_slots]
        depths += [0] * len(new_slots)
        kinds += [kind for _, kind in new_slots]
        nodes[len(values)] = Node(op, tuple(operands), constants)
        used.update(operands)
        values.append(result)
        depths.append(1 + max(depths[slot] for slot in operands))
        kinds.append(NODE)
    assume(nodes)
    # Keep only what the output (the last node) reads, so a counterexample shows
    # nothing irrelevant; then renumber: inputs, literals, nodes (each in creation
    # order), and keep the creation order itself.
    needed = {len(values) - 1}
    for slot in range(len(values) - 1, -1, -1):
        if slot in needed and slot in nodes:
            needed.update(nodes[slot].operands)
    created = [s for s in range(len(values)) if s in needed]
    order = [s for kind in (INPUT, LITERAL, NODE) for s in created if kinds[s] == kind]
    assume(any(kinds[s] == INPUT for s in order))
    new_slot = {old: new for new, old in enumerate(order)}
    return Expression(
        tuple(values[s] for s in order if kinds[s] == INPUT),
        tuple(
            Node(nodes[s].op, tuple(new_slot[i] for i in nodes[s].operands), nodes[s].constants)
            for s in order
            if s in nodes
        ),
        literals=tuple(values[s] for s in order if kinds[s] == LITERAL),
        creation=tuple(new_slot[s] for s in created),
    )


INPUT, LITERAL, NODE = "input", "literal", "node"


def _operand_values(domain: Domain, bounds: tuple[float, float], edges: bool) -> st.SearchStrategy[float]:
    """Operands inside ``domain``; with ``edges``, also the domain's edge points (0, ±inf, its bounds)."""
    inside = reals_in(domain, *bounds)
    if not edges:
        return inside
    points = [x for x in (0.0, -0.0, math.inf, -math.inf, domain.low, domain.high) if domain.contains(x)]
    # Edge points come second, so a counterexample shrinks toward an ordinary number.
    return inside | st.sampled_from(points) if points else inside


def _result(op: Op, operands: tuple[float, ...], constants: tuple[float, ...], edges: bool) -> float | None:
    """The op's value at these operands, or None when the expression should not use it here."""
    if not edges:
        return op.rule(FLOAT_MATH, *operands, *constants)[0] if _well_conditioned(op, operands, constants) else None
    # At the edges anything the engine accepts goes (inf values, inf or 0 slopes), but not nan:
    # nan compares unequal to everything, so a test could not tell right from wrong.
    if not all(d.contains(x) for d, x in zip(op.domains * len(operands), operands)):
        return None
    if op.check is not None and op.check(*operands, *constants) is not None:
        return None
    try:
        value, local_grads = op.rule(FLOAT_MATH, *operands, *constants)
    except (ValueError, ArithmeticError):
        return None
    if any(math.isnan(x) for x in (value, *local_grads)):
        return None
    return float(value)


def _inside(domain: Domain, x: float) -> bool:
    # The same margins reals_in keeps, for values computed inside an expression.
    return (
        domain.low + EDGE <= x <= domain.high - EDGE
        and (not domain.excludes_zero or abs(x) >= EDGE)
        and domain.contains(x)
    )


def expressions(
    ops: Iterable[str | Op] | None = None,
    max_leaves: int = 3,
    max_depth: int = 4,
    share: bool = True,
    min_value: float = -3.0,
    max_value: float = 3.0,
    *,
    literals: bool = True,
    edges: bool = False,
) -> st.SearchStrategy[Expression]:
    """Random computation DAGs, each with the point it is drawn at, inside every op's domain.

    Every operand is drawn, or picked among earlier results, inside its op's
    declared domain (``Op.test_domains``, else ``Op.domains``: log and sqrt of
    positives, divisors away from zero, exp of bounded arguments), off kinks,
    with every value and local derivative at most ``MAX_MAGNITUDE``. With
    ``share`` a result may feed several later operations (shared
    sub-expressions, ``x * x``); without it the graph is a tree. Shrinks toward
    one operation on one leaf, and prints as a formula with the point.

    Leaves and literals (constant operands such as the 0.5 of ``x0 * 0.5``)
    are created just before the first operation that reads them, so they sit
    *between* intermediate nodes in creation order, as in real code
    (``Expression.build()`` and calling the expression keep that order).

    With ``edges=True`` operands may also be the edge points of the ops' own
    domains (``Op.domains``, not the test domains): 0 (a base 0, ``0 ** 0``,
    the poles of d/dx √x and d/dx xⁿ at 0, relu's kink), ±inf (infinite logits:
    sigmoid(inf), tanh(−inf), exp(−inf)) and finite domain bounds; values and
    local derivatives may then be infinite or exactly 0, but never nan. Such
    expressions are for comparing exact paths with each other (reverse mode
    with ``create_graph``, forward mode), not with finite differences.

    Args:
        ops: op names or ``Op``s to draw from; all of ``autograd.OPS`` by default.
        max_leaves: the most input leaves.
        max_depth: the most operations on a path from a leaf to the output.
        share: let a result be read more than once.
        min_value: the smallest leaf value (or op constant) drawn.
        max_value: the largest leaf value (or op constant) drawn.
        literals: also draw constant operands (constant leaf Values).
        edges: also draw the domains' edge points (see above).

    Returns:
        A hypothesis strategy of ``Expression``.

    Raises:
        ValueError: an unknown op, or a size below 1.
        TypeError: ``literals`` or ``edges`` is not a bool.

    Example:
        >>> from hypothesis import given
        >>> @given(expressions(ops=["mul", "log", "add"]))
        ... def test_graph_matches_reference(e):
        ...     assert e(*e.leaves()).data == e.reference(*e.inputs)
        >>> test_graph_matches_reference()
        >>> @given(expressions(ops=["pow", "sqrt", "sigmoid"], edges=True))
        ... def test_the_graph_matches_the_reference_even_at_the_edges(e):
        ...     out, leaves = e.build()  # leaves created between the operations, as drawn
        ...     assert out.data == e.reference(*e.inputs)  # inf == inf; nan is never drawn
        >>> test_the_graph_matches_the_reference_even_at_the_edges()
    """
    resolved = _resolve(ops, "expressions")
    for name, size in (("max_leaves", max_leaves), ("max_depth", max_depth)):
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise ValueError(f"expressions() got {name}={size!r}; expected an int ≥ 1.")
    reals(min_value, max_value)  # validates the bounds
    for name, flag in (("literals", literals), ("edges", edges)):
        if not isinstance(flag, bool):
            raise TypeError(f"expressions() got {name}={flag!r}; expected True or False.")
    return _expressions(resolved, max_leaves, max_depth, share, (min_value, max_value), literals, edges)


def assert_gradients_close(
    f: Function,
    inputs: Iterable[Value | float] | Mapping[str, Value | float],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    order: int = 1,
) -> None:
    """Assert that f's reverse-mode derivatives match finite differences (``gradcheck``).

    Use it inside any pytest or hypothesis test: a mismatch raises
    ``GradientMismatch`` (an ``AssertionError``) whose message is the table.

    Args:
        f: a function of Values that returns a Value.
        inputs: the point, as floats or (labeled) Values, or a dict from names to them.
        eps: the finite-difference step.
        atol: the absolute tolerance.
        rtol: the relative tolerance.
        order: 1 for gradients, 2 to also check second derivatives.

    Raises:
        GradientMismatch: a derivative disagrees, or cannot be checked (not finite).

    Example:
        >>> assert_gradients_close(lambda x: x.tanh() * x, [0.5], order=2)
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    gradcheck(f, inputs, eps=eps, atol=atol, rtol=rtol, order=order, raise_on_failure=True)
