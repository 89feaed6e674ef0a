"""The safe expression parser: grammar, numbers, errors with carets, hostile inputs, fuzzing."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value
from autograd.check.testing import expressions
from autograd.engine.expression import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LENGTH,
    Expression,
    ExpressionError,
    parse,
    parse_bindings,
)


def evaluate(text: str, **bindings: float) -> float:
    return parse(text).evaluate(bindings).data


# --- grammar and numbers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("2 ** 3 ** 2", 512.0),  # ** groups to the right, as in Python
        ("-2 ** 2", -4.0),  # unary minus binds looser than **, as in Python
        ("2 ** -1", 0.5),
        ("8 / 4 / 2", 1.0),  # / groups to the left
        ("10 - 4 - 3", 3.0),
        ("--3", 3.0),
        ("+3", 3.0),
        (".5 + 1.", 1.5),
        ("1e-3 * 1E3", 1.0),
        ("sqrt(16) + abs(-2)", 6.0),
        ("relu(-1) + relu(2)", 2.0),
    ],
)
def test_arithmetic_follows_python_precedence(text, expected):
    assert evaluate(text) == pytest.approx(expected)


def test_course_perceptron_gives_z_minus_six_and_y():
    y = parse("sigmoid(w0 + x1*w1 + x2*w2)").evaluate({"w0": 1, "w1": 3, "w2": -2, "x1": -1, "x2": 2})
    assert y.inputs[0].data == -6.0
    assert round(y.data, 7) == 0.0024726


def test_every_function_matches_its_value_method():
    for name, function in FUNCTIONS.items():
        assert parse(f"{name}(x)").evaluate({"x": 0.7}).data == function(Value(0.7)).data


def test_functions_come_from_the_op_table():
    assert {"tanh", "exp", "log", "sigmoid", "relu", "sqrt", "abs", "sin", "cos", "softplus"} <= set(FUNCTIONS)
    assert all(name in autograd.OPS for name in FUNCTIONS)
    assert "neg" not in FUNCTIONS  # an operator, not a function


def test_names_are_listed_once_in_order_of_first_use():
    assert parse("tanh(w*x + b) + w").names == ("w", "x", "b")


def test_a_name_used_twice_is_one_leaf_with_two_edges():
    y = parse("x * x").evaluate({"x": 3.0})
    y.backward()
    x = y.inputs[0]
    assert y.inputs == (x, x)
    assert x.label == "x"
    assert x.grad == 6.0


def test_gradients_of_the_issue_example():
    w, x, b = Value(-3.0, "w"), Value(2.0, "x"), Value(6.88, "b")
    y = parse("tanh(w*x + b)")(w, x, b)
    y.backward()
    slope = 1 - math.tanh(0.88) ** 2
    assert y.data == pytest.approx(math.tanh(0.88))
    assert (w.grad, x.grad, b.grad) == pytest.approx((2 * slope, -3 * slope, slope))


def test_constant_exponent_uses_the_constant_power_op():
    y = parse("x ** 2").evaluate({"x": 3.0})
    assert y.operation is autograd.OPS["pow_constant"]
    assert y.constants == (2.0,)


def test_a_negative_literal_is_one_constant_not_a_negation_node():
    y = parse("-3 * x").evaluate({"x": 2.0})
    assert y.inputs[0].data == -3.0
    assert y.inputs[0].is_leaf


def test_a_pure_number_expression_is_still_a_value():
    assert isinstance(parse("2 * 3").evaluate({}), Value)


def test_calling_with_the_wrong_number_of_values_is_a_type_error():
    with pytest.raises(TypeError, match=r"got 1 values for its 2 names x, y"):
        parse("x * y")(1.0)


def test_a_bool_binding_is_rejected():
    with pytest.raises(TypeError, match="expected a number"):
        parse("x").evaluate({"x": True})


def test_expression_error_is_a_value_error_and_an_autograd_error():
    assert issubclass(ExpressionError, ValueError)
    assert issubclass(ExpressionError, autograd.AutogradError)


# --- syntax errors: message, position and caret -------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("", 0, "the expression is empty"),
        ("x +", 3, r"expected a number, a name or '\(' at column 4, got the end of the expression"),
        ("x y", 2, r"got name 'y' \(is an operator such as \* missing\?\)"),
        ("2x", 1, "a number runs into a name; write 2\\*x to multiply"),
        ("x^2", 1, r"write \*\* for a power"),
        ("x[0]", 1, "only round brackets"),
        ("(x + 1", 6, "expected '\\)' to close the '\\(' at column 1"),
        ("x)", 1, "got '\\)'"),
        ("tanh", 0, "tanh is a function; call it with parentheses"),
        ("tanh()", 5, r"tanh\(\) needs one argument"),
        ("tanh(x, y)", 6, r"tanh\(\) takes exactly one argument"),
        ("foo(x)", 0, "unknown function 'foo' at column 1; the functions are abs, acos"),
        ("x $ y", 2, "unexpected character '\\$' at column 3"),
        ("x = 3", 2, "unexpected character '=' at column 3"),
        ("1e999", 0, "the number 1e999 at column 1 is too large"),
        ("1" * 41, 0, "has 41 characters; at most 40"),
    ],
)
def test_syntax_errors_name_the_problem_and_point_at_it(text, position, message):
    with pytest.raises(ExpressionError, match=message) as caught:
        parse(text)
    error = caught.value
    assert error.position == position
    assert error.text == text
    line, caret = error.caret.splitlines()
    assert line == text
    assert caret == " " * position + "^"


def test_str_of_an_error_is_the_message_then_the_caret_lines():
    with pytest.raises(ExpressionError) as caught:
        parse("a $ b")
    message, line, caret = str(caught.value).splitlines()
    assert message.startswith("unexpected character '$' at column 3")
    assert line == "    a $ b"
    assert caret == "      ^"


def test_the_caret_of_a_long_expression_shows_a_window_around_the_position():
    text = "x + " * 100 + "$"
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    line, caret = caught.value.caret.splitlines()
    assert len(line) < 100
    assert line[caret.index("^")] == "$"


# --- evaluation errors ------------------------------------------------------------------


def test_an_unbound_name_points_at_its_first_use():
    with pytest.raises(ExpressionError, match="'b' has no value; give one as b=NUMBER") as caught:
        parse("w*x + b").evaluate({"w": 1.0, "x": 2.0})
    assert caught.value.position == 6


def test_a_domain_error_points_at_the_function():
    message = r"at column 5: log\(\) got -1.0 from node 'x'; log needs x > 0"
    with pytest.raises(ExpressionError, match=message) as caught:
        parse("1 + log(x)").evaluate({"x": -1.0})
    assert caught.value.position == 4
    assert isinstance(caught.value, autograd.DomainError)  # so gradcheck can report "left domain"
    assert isinstance(caught.value.__cause__, autograd.DomainError)


def test_division_by_zero_is_a_clear_error():
    with pytest.raises(ExpressionError, match=r"division got divisor 0.0 from node .y.; division needs divisor ≠ 0"):
        parse("x / y").evaluate({"x": 1.0, "y": 0.0})


def test_overflow_to_inf_points_at_the_operator():
    with pytest.raises(ExpressionError, match=r"the exp\(\) at column 1 gives inf"):
        parse("exp(x)").evaluate({"x": 1000.0})


# --- hostile inputs -----------------------------------------------------------------------


def test_import_call_is_rejected_without_evaluating_anything():
    with pytest.raises(ExpressionError, match="unexpected character \"'\" at column 12"):
        parse("__import__('os')")
    with pytest.raises(ExpressionError, match="unknown function '__import__'"):
        parse("__import__(os)")


@pytest.mark.parametrize(
    "text",
    [
        "x.__class__",
        "().__class__.__bases__[0].__subclasses__()",
        "open('/etc/passwd').read()",
        "lambda: 0",
        "[x for x in y]",
        "x if y else z",
        "eval(x)",
        "exec(x)",
        "getattr(x, y)",
        "`ls`",
        "x; y",
        "\\x41",
        "x\x00",
        "\uff58 + 1",  # a fullwidth x is not a name
        "\u0661 + 1",  # an Arabic-Indic digit is not a number
    ],
)
def test_python_tricks_are_syntax_errors(text):
    with pytest.raises(ExpressionError):
        parse(text).evaluate({})


def test_ten_thousand_nested_parentheses_are_rejected_at_the_depth_limit():
    text = "(" * 10_000 + "x" + ")" * 10_000
    with pytest.raises(ExpressionError, match=f"nests deeper than {MAX_DEPTH} levels at column {MAX_DEPTH + 1}"):
        parse(text)


@pytest.mark.parametrize("text", ["-" * 10_000 + "x", "x" + "**x" * 10_000, "tanh(" * 5_000 + "x" + ")" * 5_000])
def test_every_kind_of_nesting_is_depth_limited(text):
    with pytest.raises(ExpressionError, match="nests deeper than"):
        parse(text)


def test_nesting_up_to_the_limit_is_fine():
    text = "(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH
    assert parse(text).evaluate({"x": 2.0}).data == 2.0


def test_a_long_flat_sum_evaluates_without_recursion():
    text = " + ".join(["x"] * 10_000)
    y = parse(text).evaluate({"x": 1.0})
    assert y.data == 10_000.0


def test_an_over_long_expression_is_rejected_before_reading_it():
    with pytest.raises(ExpressionError, match=f"at most {MAX_LENGTH:,} are accepted"):
        parse("x+" * MAX_LENGTH + "x")


def test_a_tower_of_powers_overflows_cleanly_instead_of_hanging():
    message = r"the '\*\*' at column 5 gives inf; every step must stay finite"
    with pytest.raises(ExpressionError, match=message) as caught:
        parse("9**9**9**9").evaluate({})
    assert caught.value.position == 4


def test_a_huge_literal_times_a_huge_literal_is_rejected():
    with pytest.raises(ExpressionError, match="gives inf"):
        parse("1e308 * 1e308").evaluate({})


def test_parse_rejects_a_non_string():
    with pytest.raises(TypeError, match="expected the formula as a str"):
        parse(42)  # type: ignore[arg-type]


# --- bindings -------------------------------------------------------------------------------


def test_bindings_are_read_in_order():
    assert parse_bindings(["w=-3", "x=2", "b=6.88"]) == {"w": -3.0, "x": 2.0, "b": 6.88}
    assert parse_bindings(["x = +1e-3"]) == {"x": 0.001}


@pytest.mark.parametrize(
    ("assignment", "message", "position"),
    [
        ("w", "'w' is not name=value; write e.g. w=-3", 0),
        ("w:3", "is not name=value", 0),
        ("3w=1", "'3w' is not a name", 0),
        ("=1", "'' is not a name", 0),
        ("w=", "'' is not a plain number; write e.g. w=-3", 2),
        ("w=abc", "'abc' is not a plain number", 2),
        ("w=1+1", "'1\\+1' is not a plain number", 2),
        ("w=nan", "'nan' is not a plain number", 2),
        ("w=inf", "'inf' is not a plain number", 2),
        ("w=1e999", "1e999 is too large for a float", 2),
        ("w=__import__('os')", "is not a plain number", 2),
        ("tanh=1", "'tanh' is a function and cannot be given a value", 0),
    ],
)
def test_bad_bindings_are_clear_errors(assignment, message, position):
    with pytest.raises(ExpressionError, match=message) as caught:
        parse_bindings([assignment])
    assert caught.value.position == position
    assert caught.value.text == assignment


@pytest.mark.parametrize("digits", [41, 40_000, 1_000_000])
def test_a_long_number_is_refused_by_its_length_before_any_pattern_runs(digits):
    # x= + 40,000 digits + x took 25 s when the pattern ran first; a million digits would take hours.
    assignment = "x=" + "1" * digits + "x"
    with pytest.raises(ExpressionError) as caught:
        parse_bindings([assignment])
    shown = repr(assignment) if len(assignment) <= 60 else repr(assignment[:50]) + f"… ({len(assignment):,} characters)"
    assert caught.value.message == (
        f"{shown}: a number of {digits + 1:,} characters; a number may have at most 40, e.g. x=-3 or x=1.5e-3."
    )
    assert caught.value.position == 42
    assert len(str(caught.value)) < 400


@pytest.mark.parametrize(
    ("text", "matches"),
    [("1", True), ("1.", True), (".5", True), ("-1.5e-3", True), ("+2E10", True), ("1.2.3", False), (".", False),
     ("1e", False), ("e5", False), ("1" * 39 + "x", False), ("12..", False), ("--1", False)],
)
def test_the_number_pattern_accepts_plain_numbers_only(text, matches):
    from autograd.engine.expression import _BINDING_NUMBER

    assert bool(_BINDING_NUMBER.fullmatch(text)) is matches


def test_the_number_pattern_backtracks_linearly():
    # Nested quantifiers over the same digits ([0-9]+\.?[0-9]*) backtrack quadratically: count the steps instead
    # of timing them, by checking the pattern has one quantifier per run of digits.
    from autograd.engine.expression import _BINDING_NUMBER

    assert r"[0-9]+\.?[0-9]*" not in _BINDING_NUMBER.pattern
    assert _BINDING_NUMBER.fullmatch("1" * 100_000 + "x") is None


def test_a_repeated_binding_is_an_error():
    with pytest.raises(ExpressionError, match="'x' was already given a value"):
        parse_bindings(["x=1", "x=2"])


def test_bindings_checked_against_an_expression_catch_typos_and_missing_names():
    expression = parse("w*x + b")
    with pytest.raises(ExpressionError) as caught:
        parse_bindings(["w=1", "X=2", "b=0"], expression)
    assert caught.value.message == "'X=2': the expression does not use 'X' (it uses w, x, b); did you mean 'x'?"
    with pytest.raises(ExpressionError) as caught:
        parse_bindings(["w=1", "q=2", "b=0"], expression)
    assert caught.value.message == "'q=2': the expression does not use 'q' (it uses w, x, b); check the spelling."
    with pytest.raises(ExpressionError, match="'b' has no value; add b=NUMBER") as caught:
        parse_bindings(["w=1", "x=2"], expression)
    assert caught.value.text == "w*x + b"
    assert caught.value.position == 6


# --- fuzzing: random text never crashes the parser --------------------------------------

ALPHABET = st.sampled_from([*"xyw0123456789.eE+-*/()^ ,_$'\"[]=\t", "**", "tanh(", "log(", "exp(", "1e308"])


def check_never_crashes(text: str) -> None:
    try:
        expression = parse(text)
    except ExpressionError as error:  # parse or raise are both fine; a raise must be well-formed
        assert 0 <= error.position <= len(text)  # noqa: PT017
        assert error.message  # noqa: PT017
        assert "^" in error.caret  # noqa: PT017
        return
    assert isinstance(expression, Expression)
    try:
        value = expression.evaluate(dict.fromkeys(expression.names, 0.5))
    except ExpressionError:
        return
    assert math.isfinite(value.data)


@given(st.text(max_size=60))
def test_random_unicode_text_parses_or_raises_the_documented_error(text):
    check_never_crashes(text)


@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_random_formula_like_text_parses_or_raises_the_documented_error(text):
    check_never_crashes(text)


# --- cross-check: the parser reads the formulas autograd.check.testing prints --------------

PARSEABLE_OPS = [name for name in autograd.OPS if name in FUNCTIONS or name in ("add", "sub", "mul", "div", "pow")]


@given(expressions(ops=[*PARSEABLE_OPS, "pow_constant"], share=False))
def test_the_parser_rebuilds_every_formula_autograd_testing_draws(expression):
    point = dict(zip(expression.names, expression.inputs))
    parsed = parse(expression.formula)
    assert set(parsed.names) <= set(expression.names)
    rebuilt = parsed.evaluate(point)
    assert rebuilt.data == pytest.approx(expression.reference(*expression.inputs), rel=1e-12, abs=1e-12)
    leaves = {node.label: node for node in autograd.topological_order(rebuilt) if node.is_leaf and node.label}
    original_leaves = expression.leaves()
    original = expression(*original_leaves)
    expected = autograd.grad(original, original_leaves)
    for name, gradient in zip(expression.names, expected):
        actual = autograd.grad(rebuilt, [leaves[name]])[0] if name in leaves else 0.0
        assert actual == pytest.approx(gradient, rel=1e-9, abs=1e-12)
