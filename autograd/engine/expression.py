"""Formulas as text: a small, safe parser that turns ``"tanh(w*x + b)"`` into a graph of Values.

It exists so a learner can type a formula at the command line (``glassgrad graph``,
``glassgrad check``) and see its graph and gradients. It lives in ``autograd``
because it needs nothing but the engine: text in, ``Value`` graph out.

The grammar, loosest binding first (as in Python, ``-x**2`` is ``-(x**2)`` and
``**`` groups to the right)::

    sum     = product (("+" | "-") product)*
    product = unary (("*" | "/" | "%") unary)*
    unary   = ("-" | "+") unary | power
    power   = atom ("**" unary)?
    atom    = number | name | function "(" sum ")" | "(" sum ")"

The functions are the one-operand ops of ``autograd.OPS`` that ``Value`` has a
method for (``tanh``, ``exp``, ``log``, ``sigmoid``, ``relu``, ...), so a new op
is callable here as soon as it is in the table.

Nothing is ever passed to ``eval``: the text is split into tokens, a
recursive-descent parser turns them into a postfix program, and a small stack
machine runs it. Only the parser recurses, one level per parenthesis, function
call, unary sign or ``**``, and it stops at ``MAX_DEPTH`` levels, well within
Python's recursion limit; the stack machine does not recurse at all. Hostile
input is rejected with an ``ExpressionError``: the text length, the nesting
depth and the size of each number are bounded before any Value is built, and
every intermediate result must stay finite.
"""

from __future__ import annotations

import difflib
import math
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from autograd.engine.errors import AutogradError, DomainError
from autograd.engine.ops import OPS
from autograd.engine.value import Value

MAX_LENGTH = 50_000
"""The longest expression accepted, in characters."""
MAX_DEPTH = 100
"""The deepest nesting of parentheses, calls, unary signs and powers accepted."""
MAX_NUMBER_LENGTH = 40
"""The most characters one number literal may have (``1.5e-3`` has 6)."""

FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    name: getattr(Value, entry.method)
    for name, entry in OPS.items()
    if entry.form == "prefix" and entry.method.isidentifier() and not entry.method.startswith("_")
    and entry.arity == 1 and entry.n_constants == 0
}
"""The functions an expression may call, by name: one-operand ops of the op table."""


class ExpressionError(AutogradError, ValueError):
    """An expression or a ``name=value`` binding could not be parsed or evaluated.

    ``str(error)`` is the one-line message followed by the text with a caret
    under the offending character, the way Python shows a ``SyntaxError``.

    Attributes:
        message: what went wrong and how to fix it, in one line.
        text: the expression (or binding) that was being read.
        position: the 0-based index of the offending character in ``text``.

    Example:
        >>> parse("2 * (x + 1")
        Traceback (most recent call last):
        ...
        autograd.engine.expression.ExpressionError: expected ')' to close the '(' at column 5, ...
            2 * (x + 1
                      ^
    """

    message: str
    text: str
    position: int

    def __init__(self, message: str, text: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.text = text
        self.position = max(0, min(position, len(text)))

    @property
    def caret(self) -> str:
        """Two lines: the text (a window of it when long) and a ``^`` under the offending character.

        Example:
            >>> print(ExpressionError("bad", "a $ b", 2).caret)
            a $ b
              ^
        """
        start = max(0, self.position - 40)
        end = min(len(self.text), start + 80)
        window = self.text[start:end].replace("\n", " ").replace("\t", " ").replace("\r", " ")
        prefix = "…" if start > 0 else ""
        suffix = "…" if end < len(self.text) else ""
        return f"{prefix}{window}{suffix}\n{' ' * (len(prefix) + self.position - start)}^"

    def __str__(self) -> str:
        return self.message + "\n" + "\n".join("    " + line for line in self.caret.splitlines())


class ExpressionDomainError(ExpressionError, DomainError):
    """An operation in the expression got an input outside its domain, e.g. ``log(x)`` with x = −1.

    It is both an ``ExpressionError`` (with a caret at the function or operator)
    and a ``DomainError``, so code that handles domain errors (``gradcheck``
    reports them as "left domain") still recognises it. Its ``str`` is the
    one-line message, since such code quotes it inside its own; the caret is in
    ``caret``.

    Example:
        >>> parse("log(x)").evaluate({"x": -1.0})
        Traceback (most recent call last):
        ...
        autograd.engine.expression.ExpressionDomainError: at column 1: log() got -1.0 from node 'x'; log needs x > 0.
    """

    def __str__(self) -> str:
        return self.message


# --- reading the text into tokens ----------------------------------------------------

_TOKEN = re.compile(
    r"(?P<space>[ \t\r\n]+)"
    r"|(?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<operator>\*\*|[-+*/%(),])"
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "number", "name", "operator" or "end"
    text: str
    position: int


def _describe(token: _Token) -> str:
    if token.kind == "end":
        return "the end of the expression"
    if token.kind == "name":
        return f"name {token.text!r}"
    if token.kind == "number":
        return f"number {token.text}"
    return repr(token.text)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ExpressionError(_unexpected_character(text[position], position), text, position)
        kind = match.lastgroup or ""
        previous = tokens[-1] if tokens else None
        touching = previous is not None and previous.position + len(previous.text) == position
        if kind == "name" and previous is not None and previous.kind == "number" and touching:
            raise ExpressionError(
                f"{previous.text}{match.group()} at column {previous.position + 1}: a number runs into a name; "
                f"write {previous.text}*{match.group()} to multiply.",
                text,
                position,
            )
        if kind != "space":
            tokens.append(_Token(kind, match.group(), position))
        position = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _unexpected_character(character: str, position: int) -> str:
    column = f"at column {position + 1}"
    if character == "^":
        return f"'^' {column} is not an operator here; write ** for a power, e.g. x**2."
    if character in "[]{}":
        return f"{character!r} {column}: only round brackets ( ) group an expression."
    return (
        f"unexpected character {character!r} {column}; an expression has numbers, names, + - * / % **, "
        "parentheses and the functions " + ", ".join(sorted(FUNCTIONS)) + "."
    )


# --- parsing tokens into a postfix program ---------------------------------------------
# An instruction is (kind, argument, position): ("number", 3.0, 4), ("name", "x", 0),
# ("binary", "+", 2), ("negate", None, 0) or ("call", "tanh", 0).

_Instruction = tuple[str, "float | str | None", int]


class _Parser:
    """Recursive descent over the grammar in the module docstring, depth-limited."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0
        self.program: list[_Instruction] = []

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def fail(self, message: str, token: _Token | None = None) -> ExpressionError:
        where = token or self.token
        return ExpressionError(message, self.text, where.position)

    def enter(self, token: _Token) -> None:
        # Every recursive rule passes through here, so Python's own recursion
        # limit is never reached, whatever the input.
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(
                f"the expression nests deeper than {MAX_DEPTH} levels at column {token.position + 1}; "
                "simplify it or split it into parts.",
                token,
            )

    def parse(self) -> list[_Instruction]:
        if self.token.kind == "end":
            raise self.fail("the expression is empty; write a formula such as tanh(w*x + b).")
        self.sum()
        if self.token.kind != "end":
            token = self.token
            hint = ""
            if token.kind in ("name", "number") or token.text == "(":
                hint = " (is an operator such as * missing?)"
            raise self.fail(
                f"expected an operator or the end of the expression at column {token.position + 1}, "
                f"got {_describe(token)}{hint}."
            )
        return self.program

    def sum(self) -> None:
        self.product()
        while self.token.text in ("+", "-") and self.token.kind == "operator":
            operator = self.token
            self.index += 1
            self.product()
            self.program.append(("binary", operator.text, operator.position))

    def product(self) -> None:
        self.unary()
        while self.token.text in ("*", "/", "%") and self.token.kind == "operator":
            operator = self.token
            self.index += 1
            self.unary()
            self.program.append(("binary", operator.text, operator.position))

    def unary(self) -> None:
        token = self.token
        if token.kind == "operator" and token.text in ("-", "+"):
            self.enter(token)
            self.index += 1
            self.unary()
            if token.text == "-":
                self.negate(token)
            self.depth -= 1
            return
        self.power()

    def negate(self, token: _Token) -> None:
        last = self.program[-1]
        # -3 is a constant, not a negation node: the graph then reads like the formula.
        if last[0] == "number" and isinstance(last[1], float) and last[2] == self.tokens[self.index - 1].position:
            self.program[-1] = ("number", -last[1], token.position)
            return
        self.program.append(("negate", None, token.position))

    def power(self) -> None:
        self.atom()
        if self.token.text == "**" and self.token.kind == "operator":
            operator = self.token
            self.enter(operator)
            self.index += 1
            self.unary()
            self.program.append(("binary", "**", operator.position))
            self.depth -= 1

    def atom(self) -> None:
        token = self.token
        if token.kind == "number":
            self.index += 1
            self.program.append(("number", _number(token, self.text), token.position))
        elif token.kind == "name" and self.tokens[self.index + 1].text == "(":
            self.call(token)
        elif token.kind == "name":
            if token.text in FUNCTIONS:
                raise self.fail(f"{token.text} is a function; call it with parentheses, e.g. {token.text}(x).")
            self.index += 1
            self.program.append(("name", token.text, token.position))
        elif token.text == "(":
            self.enter(token)
            self.index += 1
            self.sum()
            self.expect_closing(token)
            self.depth -= 1
        else:
            raise self.fail(f"expected a number, a name or '(' at column {token.position + 1}, got {_describe(token)}.")

    def call(self, name: _Token) -> None:
        if name.text not in FUNCTIONS:
            raise self.fail(
                f"unknown function {name.text!r} at column {name.position + 1}; the functions are "
                + ", ".join(sorted(FUNCTIONS))
                + ".",
                name,
            )
        opening = self.tokens[self.index + 1]
        self.enter(opening)
        self.index += 2
        if self.token.text == ")":
            raise self.fail(f"{name.text}() needs one argument, e.g. {name.text}(x).")
        self.sum()
        if self.token.text == ",":
            raise self.fail(f"{name.text}() takes exactly one argument; remove the ',' and what follows it.")
        self.expect_closing(opening)
        self.program.append(("call", name.text, name.position))
        self.depth -= 1

    def expect_closing(self, opening: _Token) -> None:
        if self.token.text != ")":
            raise self.fail(
                f"expected ')' to close the '(' at column {opening.position + 1}, got {_describe(self.token)}."
            )
        self.index += 1


def _number(token: _Token, text: str) -> float:
    if len(token.text) > MAX_NUMBER_LENGTH:
        raise ExpressionError(
            f"the number at column {token.position + 1} has {len(token.text)} characters; "
            f"at most {MAX_NUMBER_LENGTH} are accepted (use an exponent such as 1e30).",
            text,
            token.position,
        )
    value = float(token.text)
    if not math.isfinite(value):
        raise ExpressionError(
            f"the number {token.text} at column {token.position + 1} is too large for a float "
            f"(the largest is about {sys.float_info.max:.3g}).",
            text,
            token.position,
        )
    return value


# --- the parsed expression ----------------------------------------------------------


@dataclass(frozen=True)
class Expression:
    """A parsed formula: call it with Values (or floats) for its names to build a graph.

    Attributes:
        text: the formula as written.
        names: its variables, in order of first appearance.

    Example:
        >>> from autograd import Value
        >>> f = parse("tanh(w*x + b)")
        >>> f.names
        ('w', 'x', 'b')
        >>> y = f.evaluate({"w": -3.0, "x": 2.0, "b": 6.0})
        >>> round(y.data, 4)
        0.0
    """

    text: str
    names: tuple[str, ...]
    program: tuple[_Instruction, ...] = field(repr=False)

    def __call__(self, *values: Value | float) -> Value:
        """Evaluate with one Value (or float) per name, in the order of ``names``.

        This is the shape ``autograd.gradcheck(f, inputs)`` expects.

        Example:
            >>> parse("x * y")(3.0, 4.0).data
            12.0
        """
        if len(values) != len(self.names):
            raise TypeError(
                f"{self.text!r} got {len(values)} values for its {len(self.names)} names "
                f"{', '.join(self.names) or '(none)'}; pass one per name, in that order."
            )
        return self.evaluate(dict(zip(self.names, values)))

    def evaluate(self, bindings: Mapping[str, Value | float]) -> Value:
        """Build the graph with each name bound to a Value (floats become Values labelled by name).

        Args:
            bindings: a Value or a number for every name in ``names``.

        Returns:
            The output node; every use of a name is an edge from the same leaf.

        Raises:
            ExpressionError: a name is unbound or a result overflows to inf;
                the caret points at the name or operator.
            ExpressionDomainError: an op gets an input outside its domain
                (``log(0)``); an ``ExpressionError`` and a ``DomainError``.

        Example:
            >>> y = parse("x * x").evaluate({"x": 3.0})
            >>> y.backward()
            >>> y.data, y.inputs[0].grad, len(y.inputs)
            (9.0, 6.0, 2)
        """
        leaves: dict[str, Value] = {}
        for name in self.names:
            if name not in bindings:
                position = next(p for kind, argument, p in self.program if kind == "name" and argument == name)
                raise ExpressionError(
                    f"{name!r} has no value; give one as {name}=NUMBER, e.g. {name}=0.5.", self.text, position
                )
            bound = bindings[name]
            leaves[name] = bound if isinstance(bound, Value) else Value(_binding_number(name, bound), label=name)
        return _run(self, leaves)


def _binding_number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"the value of {name!r} is {value!r} of type {type(value).__name__}; expected a number.")
    return float(value)


def _run(expression: Expression, leaves: Mapping[str, Value]) -> Value:
    # Numbers stay floats on the stack so that x**2 uses the constant-exponent op
    # and -3 stays one constant; every other result is a Value.
    stack: list[Value | float] = []
    text = expression.text
    for kind, argument, position in expression.program:
        try:
            if isinstance(argument, float):  # only "number" instructions carry a float
                stack.append(argument)
                continue
            if kind == "name":
                stack.append(leaves[str(argument)])
                continue
            if kind == "negate":
                stack.append(_NEGATE(_as_value(stack.pop())))
            elif kind == "call":
                stack.append(FUNCTIONS[str(argument)](_as_value(stack.pop())))
            else:
                right = stack.pop()
                left = _as_value(stack.pop())
                stack.append(_BINARY[str(argument)](left, right))
        except DomainError as error:
            raise ExpressionDomainError(f"at column {position + 1}: {error}", text, position) from error
        result = stack[-1]
        if isinstance(result, Value) and not math.isfinite(result.data):
            raise ExpressionError(
                f"the {_what(kind, argument)} at column {position + 1} gives {result.data!r}; "
                "every step must stay finite, so use smaller numbers.",
                text,
                position,
            )
    return _as_value(stack.pop())


def _what(kind: str, argument: float | str | None) -> str:
    if kind == "call":
        return f"{argument}()"
    if kind == "negate":
        return "'-'"
    return f"{argument!r}"


def _as_value(x: Value | float) -> Value:
    return x if isinstance(x, Value) else Value(x)


# The infix operators, by symbol, from the op table (pow and pow_constant share
# "**": Value.__pow__ picks one by the exponent). Their precedence is the grammar's.
_BINARY: dict[str, Callable[[Value, Value | float], Value]] = {
    entry.symbol: getattr(Value, entry.method) for entry in OPS.values() if entry.form == "infix"
}
_NEGATE: Callable[[Value], Value] = getattr(Value, OPS["neg"].method)


def parse(text: str) -> Expression:
    """Parse a formula such as ``"tanh(w*x + b)"``; never uses ``eval``.

    Args:
        text: numbers, names, ``+ - * / **``, parentheses and the functions in
            ``FUNCTIONS``; at most ``MAX_LENGTH`` characters and ``MAX_DEPTH``
            levels of nesting.

    Returns:
        An ``Expression``; call ``evaluate`` (or the expression itself) to build the graph.

    Raises:
        ExpressionError: the text is not such a formula; the error points at
            the first offending character.
        TypeError: ``text`` is not a str.

    Example:
        >>> parse("-x**2 + 3").evaluate({"x": 2.0}).data
        -1.0
        >>> parse("__import__('os')")
        Traceback (most recent call last):
        ...
        autograd.engine.expression.ExpressionError: unexpected character "'" at column 12; ...
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() got {text!r} of type {type(text).__name__}; expected the formula as a str.")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression has {len(text):,} characters; at most {MAX_LENGTH:,} are accepted.", text, MAX_LENGTH
        )
    program = _Parser(text).parse()
    names = tuple(dict.fromkeys(str(argument) for kind, argument, _ in program if kind == "name"))
    return Expression(text=text, names=names, program=tuple(program))


_BINDING_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Each part of a number is matched by one quantifier only, so a mismatch backtracks in linear time.
_BINDING_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _echo(text: str) -> str:
    # A binding is quoted in full in the message unless it is long; the caret line shows where.
    return repr(text) if len(text) <= 60 else repr(text[:50]) + f"… ({len(text):,} characters)"



def parse_bindings(assignments: Sequence[str], expression: Expression | None = None) -> dict[str, float]:
    """Read ``name=value`` words such as ``["w=-3", "x=2"]`` into a dict of floats.

    Args:
        assignments: one ``name=number`` per entry, as typed on a command line.
        expression: when given, every name it uses must be bound and no other
            name may be, so a typo (``X=2`` for ``x``) is caught.

    Returns:
        The numbers by name, in the order given.

    Raises:
        ExpressionError: an entry is not ``name=number``, a name is repeated,
            a name is a function, or (with ``expression``) a name is missing or
            unused. The caret points into the offending entry.

    Example:
        >>> parse_bindings(["w=-3", "x=2", "b=6.88"])
        {'w': -3.0, 'x': 2.0, 'b': 6.88}
        >>> parse_bindings(["w:3"])
        Traceback (most recent call last):
        ...
        autograd.engine.expression.ExpressionError: 'w:3' is not name=value; write e.g. w=-3.
            w:3
            ^
    """
    values: dict[str, float] = {}
    for assignment in assignments:
        name, equals, number = assignment.partition("=")
        name = name.strip()
        shown = _echo(assignment)
        if not equals:
            raise ExpressionError(f"{shown} is not name=value; write e.g. w=-3.", assignment, 0)
        if not _BINDING_NAME.match(name):
            raise ExpressionError(
                f"{shown}: {_echo(name)} is not a name; a name is letters, digits and _, not starting with a digit.",
                assignment,
                0,
            )
        if name in FUNCTIONS:
            raise ExpressionError(f"{shown}: {name!r} is a function and cannot be given a value.", assignment, 0)
        if name in values:
            raise ExpressionError(f"{shown}: {name!r} was already given a value.", assignment, 0)
        number_at = len(assignment) - len(number)
        stripped = number.strip()
        # The length first: no pattern ever sees a long string (and this one is linear anyway).
        if len(stripped) > MAX_NUMBER_LENGTH:
            raise ExpressionError(
                f"{shown}: a number of {len(stripped):,} characters; a number may have at most "
                f"{MAX_NUMBER_LENGTH}, e.g. {name}=-3 or {name}=1.5e-3.",
                assignment,
                number_at + MAX_NUMBER_LENGTH,
            )
        if not _BINDING_NUMBER.fullmatch(stripped):
            raise ExpressionError(
                f"{shown}: {stripped!r} is not a plain number; write e.g. {name}=-3 or {name}=0.5.",
                assignment,
                number_at,
            )
        value = float(stripped)
        if not math.isfinite(value):
            raise ExpressionError(f"{shown}: {stripped} is too large for a float.", assignment, number_at)
        values[name] = value
    if expression is not None:
        _check_bindings_match(values, expression, assignments)
    return values


def _check_bindings_match(values: Mapping[str, float], expression: Expression, assignments: Sequence[str]) -> None:
    for name in values:
        if name not in expression.names:
            used = ", ".join(expression.names) or "no names"
            entry = next(a for a in assignments if a.partition("=")[0].strip() == name)
            unbound = {n.lower(): n for n in expression.names if n not in values}
            close = difflib.get_close_matches(name.lower(), list(unbound), n=1)  # X for x is a typo too
            hint = f"did you mean {unbound[close[0]]!r}?" if close else "check the spelling."
            raise ExpressionError(
                f"{_echo(entry)}: the expression does not use {name!r} (it uses {used}); {hint}", entry, 0
            )
    for name in expression.names:
        if name not in values:
            position = next(p for kind, argument, p in expression.program if kind == "name" and argument == name)
            raise ExpressionError(
                f"{name!r} has no value; add {name}=NUMBER after the expression, e.g. {name}=0.5.",
                expression.text,
                position,
            )
