"""The batched engine replays one example's graph over a batch: same numbers as the scalar engine."""

from __future__ import annotations

import math
import random

import pytest

np = pytest.importorskip("numpy")

from autograd import OPS, DomainError, Op, Parameter, Value  # noqa: E402
from autograd import sum as autograd_sum  # noqa: E402
from autograd.engine import ops  # noqa: E402
from autograd.engine.value import _apply  # noqa: E402  (the one constructor that applies any op of the table)
from autograd.modes import batched  # noqa: E402

CONSTANTS = {"exponent": 3.0, "slope": 0.1, "low": -0.5, "high": 0.5}


def _operand_points(op: Op, count: int, rng: random.Random) -> list[list[float]]:
    domains = op.test_domains or op.domains
    arity = op.arity or 3
    if op.arity is not None and len(domains) < arity:
        domains = domains * arity
    rows = []
    for i in range(count):
        row = []
        for k in range(arity):
            domain = domains[min(k, len(domains) - 1)]
            low, high = max(domain.low, -3.0), min(domain.high, 3.0)
            x = rng.uniform(low, high)
            if domain.low == 0.0:
                x = max(x, 0.05)
            # Kinks: every piecewise rule must see both sides and the point itself.
            if i % 5 == 0 and domain.low < 0.0 < domain.high and not domain.excludes_zero:
                x = 0.0
            if i % 7 == 0 and op.name == "clamp":
                x = CONSTANTS["high"]
            row.append(x)
        rows.append(row)
    return rows


def _graph(op: Op, arity: int, parameters: list[Value]):
    constants = tuple(CONSTANTS.get(name, 0.5) for name in op.constant_names)

    def function(x: list[Value]) -> Value:
        return _apply(op, tuple(p * xi for p, xi in zip(parameters, x[:arity])), constants)

    return function


@pytest.mark.parametrize("name", sorted(OPS))
def test_every_op_gives_the_scalar_engines_values_and_per_example_gradients(name: str) -> None:
    op = OPS[name]
    rows = _operand_points(op, 40, random.Random(0))
    arity = len(rows[0])
    parameters = [Parameter(1.0, label=f"p{k}") for k in range(arity)]
    function = _graph(op, arity, parameters)
    run = batched.record(function, parameters, rows[0]).run(rows)
    per_example = run.per_example_grads()
    for i, row in enumerate(rows):
        for p in parameters:
            p.grad = 0.0
        y = function([Value(x) for x in row])
        y.backward()
        assert run.outputs[i, 0] == pytest.approx(y.data, rel=1e-12, abs=1e-300), f"{name} value at {row}"
        for k, p in enumerate(parameters):
            assert per_example[i, k] == pytest.approx(p.grad, rel=1e-12, abs=1e-300), f"{name} ∂/∂p{k} at {row}"


def test_a_corrupted_rule_is_caught_by_the_comparison() -> None:
    # The test above can fail: a relu whose slope is wrong on the negative side.
    broken = Op("relu", "relu", "relu", rule=lambda m, x: (x, (1.0,)) if m.real(x) > 0.0 else (0.0, (0.5,)))
    w = Parameter(1.0)
    run = batched.record(lambda x: _apply(broken, (w * x[0],), ()), [w], [1.0]).run([[1.0], [-1.0]])
    assert run.per_example_grads()[:, 0].tolist() == [1.0, -0.5]  # the scalar relu gives [1.0, -0.0]


def test_branches_merge_example_by_example_including_nan() -> None:
    x = np.array([-2.0, 0.0, 3.0, math.nan])
    value, (slope,) = batched.apply_rule(ops.OPS["relu"], [x], ())
    assert value[:3].tolist() == [0.0, 0.0, 3.0]
    assert math.isnan(value[3])
    assert slope[:3].tolist() == [0.0, 0.0, 1.0]
    assert math.isnan(slope[3])
    value, (slope,) = batched.apply_rule(ops.OPS["abs"], [np.array([-2.0, -0.0, 2.0])], ())
    assert value.tolist() == [2.0, 0.0, 2.0]
    assert slope.tolist() == [-1.0, 0.0, 1.0]
    value, (slope,) = batched.apply_rule(ops.OPS["clamp"], [np.array([-1.0, 0.0, 1.0, 2.0])], (0.0, 1.0))
    assert value.tolist() == [0.0, 0.0, 1.0, 1.0]
    assert slope.tolist() == [0.0, 1.0, 1.0, 0.0]


def test_a_rule_needing_a_function_numpy_lacks_names_the_op() -> None:
    strange = Op("wobble", "wobble", "wobble", rule=lambda m, x: (m.wobble(x), (1.0,)))
    with pytest.raises(batched.BatchedError, match=r"cannot run op 'wobble' yet: its rule needs .*'wobble'"):
        batched.apply_rule(strange, [np.array([1.0])], ())


def test_new_rules_calling_numpy_named_functions_just_work() -> None:
    # h11engine's new ops (tan, sinh, log1p, atan, ...) need no change here.
    tan = Op("tan_test", "tan", "tan", rule=lambda m, x: (m.tan(x), (1.0 + m.tan(x) ** 2,)))
    value, (_slope,) = batched.apply_rule(tan, [np.array([0.0, 0.5])], ())
    assert value.tolist() == pytest.approx([0.0, math.tan(0.5)])
    assert batched.NUMPY_MATH.atan(np.array([1.0])).tolist() == pytest.approx([math.pi / 4])


def test_a_domain_error_names_the_example() -> None:
    w = Parameter(1.0)
    tape = batched.record(lambda x: (w * x[0]).log(), [w], [1.0])
    with pytest.raises(DomainError, match=r"log\(\) got -3.0 for example 2 \(batched run\); log needs x > 0"):
        tape.run([[1.0], [2.0], [-3.0]])


def test_a_graph_whose_shape_depends_on_the_data_is_refused() -> None:
    w = Parameter(1.0)

    def branching(x: list[Value]) -> Value:
        return (w * x[0]).relu() if x[0].data > 0 else (w * x[0]).tanh()

    message = r"graph for example \[-1.0\] differs .* must not depend on the data"
    with pytest.raises(batched.BatchedError, match=message):
        batched.record(branching, [w], [1.0], check_with=[-1.0])


def test_a_data_dependent_constant_is_refused() -> None:
    w = Parameter(1.0)
    with pytest.raises(batched.BatchedError, match="data-dependent constants"):
        batched.record(lambda x: w * x[0] - x[0].data, [w], [1.0], check_with=[2.0])


def test_the_batch_gradient_is_the_sum_of_the_scalar_gradients() -> None:
    rng = random.Random(1)
    w = [Parameter(rng.uniform(-1, 1)) for _ in range(6)]

    def f(x: list[Value]) -> list[Value]:
        h = [(w[0] * x[0] + w[1] * x[1] + w[2]).tanh(), (w[3] * x[0] + w[4] * x[1] + w[5]).relu()]
        return [h[0] * h[1], (h[0] - h[1]).sigmoid()]

    rows = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(30)]
    seed = np.array([[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in rows])
    run = batched.record(f, w, rows[0]).run(rows)
    run.backward(seed)
    batched_grads = [p.grad for p in w]
    for p in w:
        p.grad = 0.0
    for row, (a, b) in zip(rows, seed.tolist()):
        y1, y2 = f([Value(v) for v in row])
        (a * y1 + b * y2).backward()
    assert batched_grads == pytest.approx([p.grad for p in w], rel=1e-12)


def test_a_run_differentiates_at_its_recorded_point_after_a_parameter_changes() -> None:
    # As the scalar engine: a Run is a recorded graph; a new run reads the parameters again.
    w = Parameter(3.0, label="w")
    tape = batched.record(lambda x: w * x[0] * w, [w], [1.0])
    run = tape.run([[1.0], [2.0]])
    w.data = 10.0
    run.backward()
    assert w.grad == 2 * 3.0 * (1.0 + 2.0)  # Σ 2·w·x at w = 3, the run's point
    w.grad = 0.0
    tape.run([[1.0], [2.0]]).backward()
    assert w.grad == 2 * 10.0 * (1.0 + 2.0)


def test_example_i_is_an_ordinary_scalar_graph_with_the_same_numbers() -> None:
    from autograd import gradcheck

    w = [Parameter(0.3, label="w1"), Parameter(-0.7, label="w2"), Parameter(0.1, label="b")]

    def f(x: list[Value]) -> Value:
        return (w[0] * x[0] + w[1] * x[1] + w[2]).tanh()

    rows = [[0.5, -1.0], [2.0, 0.25], [-1.5, 1.0]]
    run = batched.record(f, w, rows[0]).run(rows)
    (y,) = run.example(1)
    assert isinstance(y, Value)
    assert y.operation is ops.OPS["tanh"]
    assert y.data == pytest.approx(run.outputs[1, 0], rel=1e-15, abs=0.0)
    for p in w:
        p.grad = 0.0
    y.backward()
    assert [p.grad for p in w] == pytest.approx(run.per_example_grads()[1].tolist(), rel=1e-12)
    # The rebuilt graph reads the parameters, so gradcheck can nudge them.
    assert gradcheck(lambda *_: run.example(1)[0], w)
    with pytest.raises(IndexError, match="the batch has 3 examples"):
        run.example(3)


def test_per_example_leaves_replace_constants() -> None:
    w = Parameter(2.0)
    tape = batched.record(lambda x: w * x[0] * 1.0, [w], [1.0])
    (mask,) = tape.constants
    run = tape.run([[1.0], [1.0]], leaves={mask: np.array([0.0, 2.0])})
    assert run.outputs[:, 0].tolist() == [0.0, 4.0]
    assert run.example(1)[0].data == 4.0


def test_bad_batches_and_seeds_are_refused() -> None:
    w = Parameter(2.0)
    tape = batched.record(lambda x: w * x[0], [w], [1.0])
    with pytest.raises(ValueError, match=r"row 0 with 2 numbers; every row needs 1"):
        tape.run([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match=r"output_grads of shape \(1,\); expected \(2, 1\)"):
        tape.run([[1.0], [2.0]]).backward([1.0])
    with pytest.raises(batched.BatchedError, match=r"returned 3\.0 of type float"):
        batched.record(lambda x: 3.0, [w], [1.0])  # type: ignore[arg-type, return-value]


def test_layers_become_matrix_products() -> None:
    import nn

    model = nn.MLP(3, [5, 4, 1], seed=0)
    tape = batched.record(model, model.parameters(), [0.0, 0.0, 0.0])
    assert repr(tape).count("linear") == 3
    assert "linear×5" in repr(tape)
    assert "relu×5" in repr(tape)


@pytest.mark.parametrize(("name", "constants"), [("relu", ()), ("leaky_relu", (0.1,))])
def test_the_fast_vector_rules_equal_the_generic_branch_merging(name: str, constants: tuple[float, ...]) -> None:
    op = OPS[name]
    x = np.array([[-2.0, -0.0, 0.0, 1e-300, 3.0, math.nan, -math.inf, math.inf]])
    fast = batched.apply_rule(op, [x], constants)
    generic_op = Op(op.name + "_generic", op.symbol, op.display, rule=op.rule, constant_names=op.constant_names)
    slow = batched.apply_rule(generic_op, [x], constants)
    np.testing.assert_array_equal(fast[0], slow[0])
    np.testing.assert_array_equal(fast[1][0], slow[1][0])
    assert name in batched.VECTOR_RULES


def test_the_fast_logaddexp_rule_equals_the_generic_one_bit_for_bit() -> None:
    op = OPS["logaddexp"]
    specials = [-2.0, -0.0, 0.0, 1e-300, 3.0, 40.0, -745.0, 800.0, math.nan, -math.inf, math.inf]
    x = np.array([[a for a in specials for _ in specials]])
    y = np.array([[b for _ in specials for b in specials]])
    fast = batched.apply_rule(op, [x, y], ())
    generic_op = Op(op.name + "_generic", op.symbol, op.display, rule=op.rule, operands=op.operands)
    slow = batched.apply_rule(generic_op, [x, y], ())
    np.testing.assert_array_equal(fast[0], slow[0])
    np.testing.assert_array_equal(fast[1][0], slow[1][0])
    np.testing.assert_array_equal(fast[1][1], slow[1][1])
    assert batched.VECTOR_RULES["logaddexp"][0] is op.rule
    # And the value is the scalar engine's to the bit, ±inf on both sides included.
    assert op.function is not None
    np.testing.assert_array_equal(fast[0][0], [op.function(a, b) for a, b in zip(x[0], y[0])])


def test_recording_inside_no_grad_still_records_the_graph() -> None:
    from autograd import no_grad

    w = Parameter(2.0)
    with no_grad():
        tape = batched.record(lambda x: w * x[0], [w], [1.0])
    assert tape.run([[1.0], [5.0]]).outputs[:, 0].tolist() == [2.0, 10.0]


def test_a_function_with_several_outputs_recorded_and_run_inside_no_grad_gives_every_output() -> None:
    from autograd import no_grad

    w = Parameter(2.0)
    with no_grad():
        tape = batched.record(lambda x: [w * x[0], w + x[0]], [w], [1.0])
        outputs = tape.run([[1.0], [5.0]]).outputs
    assert outputs.tolist() == [[2.0, 3.0], [10.0, 7.0]]


@pytest.mark.parametrize(
    ("bad", "shown"),
    [
        (None, "None of type NoneType"),
        ("2.0", "'2.0' of type str"),
        (True, "True of type bool"),
        (np.True_, ".* of type bool"),
        (1 + 2j, r"\(1\+2j\) of type complex"),
        (__import__("datetime").date(2024, 1, 1), ".* of type date"),
    ],
)
def test_a_batch_holding_what_value_refuses_is_refused_naming_row_and_column(bad: object, shown: str) -> None:
    w = Parameter(2.0)
    tape = batched.record(lambda x: w * x[0] + x[1], [w], [1.0, 1.0])
    with pytest.raises(batched.BatchTypeError, match=rf"got {shown} at row 2, column 1; expected real numbers"):
        tape.run([[1.0, 2.0], [3.0, 4.0], [5.0, bad]])
    with pytest.raises(TypeError):  # as Value() refuses it
        Value(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("dtype", [bool, complex, "datetime64[D]", str, object])
def test_an_array_of_a_kind_value_refuses_is_refused(dtype: object) -> None:
    w = Parameter(2.0)
    tape = batched.record(lambda x: w * x[0], [w], [1.0])
    array = np.array([[1], [0]]).astype(dtype)
    if dtype is object:
        array[1, 0] = None
    with pytest.raises(batched.BatchTypeError, match=r"at row \d, column 0"):
        tape.run(array)


def test_numbers_value_accepts_replay_as_they_do_in_the_scalar_engine() -> None:
    from fractions import Fraction

    w = Parameter(2.0)
    tape = batched.record(lambda x: w * x[0], [w], [1.0])
    rows = [[1], [np.float32(0.5)], [Fraction(1, 4)], [Value(3.0)], [math.nan]]
    outputs = tape.run(rows).outputs[:, 0].tolist()
    assert outputs[:4] == [2.0, 1.0, 0.5, 6.0]
    assert math.isnan(outputs[4])
    assert tape.run(np.array([[1], [2]], dtype=np.int8)).outputs[:, 0].tolist() == [2.0, 4.0]


def test_ragged_rows_are_refused_naming_the_row() -> None:
    w = Parameter(2.0)
    tape = batched.record(lambda x: w * x[0] + x[1], [w], [1.0, 1.0])
    with pytest.raises(batched.BatchedError, match=r"row 1 with 3 numbers; every row needs 2"):
        tape.run([[1.0, 2.0], [3.0, 4.0, 5.0]])
    with pytest.raises(batched.BatchTypeError, match=r"row 1 = 3.0 of type float; expected a list of 2 numbers"):
        tape.run([[1.0, 2.0], 3.0])
    with pytest.raises(batched.BatchedError, match="empty batch"):
        tape.run([])


def test_a_long_double_too_large_for_a_float_is_refused() -> None:
    w = Parameter(2.0)
    tape = batched.record(lambda x: w * x[0], [w], [1.0])
    huge = np.array([[1.0], [np.longdouble("1e400")]], dtype=np.longdouble)
    if np.isinf(huge[1, 0]):
        pytest.skip("this platform's long double is a double")
    with pytest.raises(batched.BatchedError, match=r"at row 1, column 0; it is too large for a float"):
        tape.run(huge)


def test_a_batch_too_large_for_memory_names_the_batch_size_and_suggests_batch_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import nn

    model = nn.MLP(2, [16, 16, 1], seed=0)
    tape = batched.record(model, model.parameters(), [0.0, 0.0])
    needed = 2_000_000 * tape.bytes_per_example()
    monkeypatch.setattr(batched, "available_memory", lambda: needed // 2)
    # A broadcast view: two million rows that take no memory, so nothing large is allocated.
    batch = np.broadcast_to(np.zeros(2), (2_000_000, 2))
    message = r"got a batch of 2,000,000 examples; .* needs about [\d.]+ GB .*batch_size=[\d,]+"
    with pytest.raises(batched.BatchTooLargeError, match=message) as caught:
        tape.run(batch)
    assert isinstance(caught.value, MemoryError)
    suggested = int(str(caught.value).split("batch_size=")[1].split(")")[0].replace(",", ""))
    assert suggested * tape.bytes_per_example() <= needed // 2
    monkeypatch.setattr(batched, "available_memory", lambda: needed)
    assert tape.run(batch[:3]).size == 3


@pytest.mark.parametrize("name", sorted(name for name, op in OPS.items() if op.checks_domain))
def test_the_array_domain_checks_refuse_exactly_what_the_float_checks_refuse(name: str) -> None:
    op = OPS[name]
    points = np.array([-2.0, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 2.0, math.nan, math.inf, -math.inf])
    for domain in op.domains:
        refused = batched._outside(domain, points)
        assert refused.tolist() == [not domain.contains(float(x)) for x in points], name


def test_the_batched_backward_walks_the_scalar_engines_sweep(monkeypatch: pytest.MonkeyPatch) -> None:
    # Corrupt the one chain-rule step both engines share (local derivative × upstream): both change alike.
    from autograd.engine import graph

    w = Parameter(2.0)
    tape = batched.record(lambda x: (w * x[0]).tanh(), [w], [1.0])
    run = tape.run([[0.5], [1.5]])
    honest = run.gradients().tolist()
    monkeypatch.setattr(graph, "_times", lambda local, upstream: 2.0 * (local * upstream))
    doubled_twice = run.gradients().tolist()  # two steps (tanh, then w·x), each doubled
    assert doubled_twice == pytest.approx([4.0 * g for g in honest], rel=1e-15, abs=0.0)


def test_a_sum_of_one_term_and_a_product_with_a_fixed_one_are_no_array_operations() -> None:
    w = Parameter(2.0)
    recorded = batched.record(lambda x: autograd_sum([(w * x[0]).exp()]) * 1.0, [w], [1.0])
    assert repr(recorded).count("×") == 3  # mul, exp, mul: the constant may still be given per example
    (one,) = recorded.constants
    tape = batched.Tape(recorded.outputs, recorded.parameters, recorded.inputs, fixed=[one])
    assert "sum" not in repr(tape)
    assert repr(tape).count("×") == 2  # mul, exp
    run = tape.run([[0.0], [1.0]])
    assert run.outputs[:, 0].tolist() == [1.0, math.exp(2.0)]
    assert run.gradients().tolist() == [0.0 + 1.0 * math.exp(2.0)]
    with pytest.raises(ValueError, match="compiled with it fixed"):
        tape.run([[0.0]], leaves={one: np.array([2.0])})


def test_recording_does_not_compile_until_the_tape_is_run() -> None:
    w = Parameter(2.0)
    tape = batched.record(lambda x: w * x[0], [w], [1.0])
    assert "_steps" not in vars(tape)
    assert tape.run([[3.0]]).outputs.tolist() == [[6.0]]
    assert "_steps" in vars(tape)


def test_a_run_reads_parameters_given_as_an_array_instead_of_their_data() -> None:
    w, b = Parameter(2.0), Parameter(1.0)
    tape = batched.record(lambda x: w * x[0] + b, [w, b], [0.0])
    given = tape.run([[1.0], [3.0]], parameters=np.array([5.0, -1.0]))
    assert given.outputs[:, 0].tolist() == [4.0, 14.0]
    assert given.gradients().tolist() == [4.0, 2.0]
    assert tape.run([[1.0], [3.0]]).outputs[:, 0].tolist() == [3.0, 7.0]  # the Values were not changed
    assert (w.data, b.data, w.grad) == (2.0, 1.0, 0.0)


def test_parameters_of_the_wrong_shape_are_refused_naming_both_shapes() -> None:
    w = Parameter(2.0)
    tape = batched.record(lambda x: w * x[0], [w], [0.0])
    with pytest.raises(batched.BatchedError) as caught:
        tape.run([[1.0]], parameters=np.array([1.0, 2.0]))
    assert str(caught.value) == (
        "Tape.run() got parameters of shape (2,); expected (1,), one value per parameter of the tape."
    )


# --- leaves made from data: comparisons and detach --------------------------------------


def test_comparisons_and_detach_are_computed_for_each_example_not_copied_from_the_recorded_one() -> None:
    w = Parameter(2.0, label="w")

    def f(x: list[Value]) -> Value:
        z = w * x[0]
        return (z > 1) + 2 * (z >= x[1]) + 4 * (x[1] < z) + 8 * (1 <= z) + 16 * z.detach()  # noqa: SIM300

    batch = [[0.0, 0.0], [1.0, 1.0], [-1.0, -3.0], [0.5, 2.0]]
    run = batched.record(f, [w], batch[0]).run(batch)
    assert run.outputs[:, 0].tolist() == [f([Value(a), Value(b)]).data for a, b in batch]
    assert [run.example(i)[0].data for i in range(len(batch))] == run.outputs[:, 0].tolist()


def test_no_gradient_flows_back_through_a_comparison_or_a_detach_even_where_it_would_be_infinite() -> None:
    # The scalar engine's comparison and detach are leaves: nothing flows back. As nodes with a
    # zero derivative they would pass 0 × inf = nan back to w.
    w = Parameter(2.0, label="w")

    def f(x: list[Value]) -> Value:
        z = w * x[0]
        return z.detach() * 1e308 * 10 + (z > 0) * 1e308 * 10 + z

    run = batched.record(f, [w], [1.0]).run([[1.0], [3.0]])
    assert run.gradients().tolist() == [4.0]
    scalar = f([Value(1.0)])
    scalar.backward()
    assert w.grad == 1.0


def test_recording_makes_a_comparison_a_node_and_lists_the_numbers_read() -> None:
    x = Value(2.0, label="x")
    with batched.recording() as reads:
        gate, copy = x >= 1, x.detach()
        _ = float(gate)
    assert (gate.op, gate.inputs[0], gate.local_grads, copy.op, copy.label, copy.local_grads) == (
        ">=", x, (0.0, 0.0), "detach", "x", (0.0,),
    )  # fmt: skip
    assert reads == [gate]
    assert (x >= 1).inputs == ()  # outside: leaves, as ever
    assert x.detach().inputs == ()


# --- run(counted=...): values no used output depends on ----------------------------------------


def test_an_operand_outside_its_domain_only_where_no_used_output_depends_on_it_is_no_error() -> None:
    w = Parameter(1.0, label="w")

    def two_heads(x: list[Value]) -> list[Value]:
        z = w * x[0]
        return [z, z.log() * 2, (2 - z).log().sqrt()]  # log z needs x > 0, log(2 − z) needs x < 2

    tape = batched.record(two_heads, [w], [1.0])
    batch = [[3.0], [-1.0], [np.e]]
    head = np.array([1, 2, 1])  # the head each example uses: defined there
    run = tape.run(batch, counted=[None, head == 1, head == 2])
    assert run.outputs[:, 1].tolist() == [2.0 * math.log(3.0), 0.0, 2.0]  # example 1's is not computed: 0
    assert run.outputs[:, 2].tolist() == [0.0, math.sqrt(math.log(3.0)), 0.0]
    seed = np.zeros((3, 3))
    seed[np.arange(3), head] = 1.0
    d_second = -1.0 / (2.0 * math.sqrt(math.log(3.0)) * 3.0)  # ∂/∂w √log(2 − w·x) at x = −1
    assert run.per_example_grads(seed)[:, 0].tolist() == pytest.approx([2.0, -d_second, 2.0], rel=1e-15)
    with pytest.raises(DomainError, match=r"log\(\) got -1.0 for example 0 \(batched run\)"):
        tape.run(batch, counted=[None, head == 1, np.array([True, False, False])])
    with pytest.raises(ValueError, match=r"got 2 masks in counted; expected one per output \(3\)"):
        tape.run(batch, counted=[None, head == 1])


def test_an_overflow_where_no_used_output_depends_on_it_leaves_the_gradients_finite() -> None:
    w = Parameter(1.0, label="w")
    tape = batched.record(lambda x: [(50 * w * x[0]).exp(), (-50 * w * x[0]).exp()], [w], [0.0])
    batch = [[0.0], [20.0], [-20.0]]
    head = np.array([0, 1, 0])
    run = tape.run(batch, counted=[head == 0, head == 1])
    seed = np.zeros((3, 2))
    seed[np.arange(3), head] = 1.0
    expected = [50 * 0.0 * 1.0, -50 * 20.0 * math.exp(-1000.0), -50 * 20.0 * math.exp(-1000.0)]
    assert run.per_example_grads(seed)[:, 0].tolist() == pytest.approx(expected, rel=1e-15)
    assert run.outputs[np.arange(3), head].tolist() == [1.0, math.exp(-1000.0), math.exp(-1000.0)]
    assert math.isnan(tape.run(batch).gradients(seed)[0])  # without counted, every entry is used: 0 × inf


# --- detect_anomaly() -------------------------------------------------------------------------


def test_detect_anomaly_stops_a_run_at_the_first_examples_first_inf_as_the_scalar_engine_does() -> None:
    # Was ignored: the run gave inf, where the scalar engine raises AnomalyError.
    from autograd import AnomalyError, detect_anomaly

    w = Parameter(1.0, label="w")
    tape = batched.record(lambda x: [(w * x[1]).exp(), (w * x[0]).exp() * 2], [w], [0.0, 0.0])
    batch = [[0.0, 0.0], [2000.0, 1.0], [1000.0, 1000.0]]
    assert tape.run(batch).outputs[1:, 1].tolist() == [math.inf, math.inf]  # not asked: IEEE numbers
    with detect_anomaly(), pytest.raises(AnomalyError) as error:
        tape.run(batch)
    assert str(error.value) == "exp() produced inf for example 1 (batched run) from operand 'unlabeled' = 2000.0."

    def scalar_batch() -> None:
        for x0, x1 in batch:  # example after example, as the scalar engine computes a batch
            (w * Value(x1)).exp(), (w * Value(x0)).exp() * 2

    with detect_anomaly(), pytest.raises(AnomalyError) as scalar:
        scalar_batch()
    assert str(scalar.value) == "exp() produced inf from operand 'unlabeled' = 2000.0."
    with detect_anomaly():  # example 1's second output is not used: the scalar engine never computes it
        run = tape.run(batch[:2], counted=[None, np.array([True, False])])
    assert run.outputs[0].tolist() == [1.0, 2.0]


def test_detect_anomaly_stops_a_backward_that_makes_a_gradient_inf_or_nan_naming_the_parameter() -> None:
    from autograd import AnomalyError, detect_anomaly

    w = Parameter(1.0, label="w")
    run = batched.record(lambda x: (w * x[0]).sqrt(), [w], [1.0]).run([[1.0], [0.0]])
    assert math.isnan(run.gradients()[0])  # 1/(2·√0) × 0: not asked, IEEE numbers
    with detect_anomaly(), pytest.raises(AnomalyError) as error:
        run.gradients()
    assert str(error.value) == (
        "backward (batched run) made the gradient of 'w' nan; backward() of the examples' scalar graphs "
        "(Run.example(i)) inside detect_anomaly() names the node where it was born."
    )
    (second,) = run.example(1)
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"backward through sqrt\(\)"):
        second.backward()
