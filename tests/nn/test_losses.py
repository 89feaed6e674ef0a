import json
import math

import golden_cases
import pytest

import nn
from autograd import Value


def _values(numbers):
    return [Value(x) for x in numbers]


def test_mean_squared_error_closed_form_and_gradient():
    outputs = _values([2.0, 4.0, -1.0])
    loss = nn.mean_squared_error(outputs, [1.0, 1.0, 1.0])
    assert loss.data == pytest.approx((1 + 9 + 4) / 3, abs=1e-15)
    loss.backward()
    assert [o.grad for o in outputs] == pytest.approx([2 * 1 / 3, 2 * 3 / 3, 2 * -2 / 3])


def test_mean_squared_error_over_multi_output_examples():
    loss = nn.mean_squared_error([[1.0, 2.0], [3.0, 5.0]], [[0.0, 2.0], [3.0, 3.0]])
    assert loss.data == pytest.approx((1 + 0 + 0 + 4) / 4, abs=1e-15)


def test_mean_squared_error_multi_output_shape_mismatch():
    with pytest.raises(ValueError, match="got") as caught:
        nn.mean_squared_error([[1.0, 2.0]], [[1.0]])
    assert str(caught.value) == (
        "mean_squared_error() got target [1.0] for example 0, whose output has 2 numbers; expected a list of as "
        "many targets."
    )


def test_binary_cross_entropy_closed_form_and_gradient():
    p = _values([0.9, 0.2])
    loss = nn.binary_cross_entropy(p, [1, 0])
    assert loss.data == pytest.approx(-(math.log(0.9) + math.log(0.8)) / 2, abs=1e-15)
    loss.backward()
    assert p[0].grad == pytest.approx(-1 / 0.9 / 2)
    assert p[1].grad == pytest.approx(1 / 0.8 / 2)


def test_binary_cross_entropy_soft_targets():
    loss = nn.binary_cross_entropy([0.6], [0.25])
    assert loss.data == pytest.approx(-(0.25 * math.log(0.6) + 0.75 * math.log(0.4)))


def test_binary_cross_entropy_is_clamped_at_saturated_sigmoids():
    for z, target in [(1000.0, 0), (-1000.0, 1), (1000.0, 1), (-1000.0, 0)]:
        logit = Value(z)
        loss = nn.binary_cross_entropy([logit.sigmoid()], [target])
        loss.backward()
        assert math.isfinite(loss.data)
        assert loss.data <= 100.0
        assert math.isfinite(logit.grad)


def test_binary_cross_entropy_with_logits_closed_form_and_gradient():
    z = _values([0.0, 2.0, -3.0])
    loss = nn.binary_cross_entropy_with_logits(z, [1, 0, 1])
    expected = (math.log(2) + math.log(1 + math.exp(2)) + math.log(1 + math.exp(3))) / 3
    assert loss.data == pytest.approx(expected, abs=1e-15)
    loss.backward()
    sigmoid = [1 / (1 + math.exp(-v.data)) for v in z]
    assert [v.grad for v in z] == pytest.approx([(s - t) / 3 for s, t in zip(sigmoid, [1, 0, 1])])


@pytest.mark.parametrize(("z", "target"), [(1000.0, 0), (-1000.0, 1), (1000.0, 1), (-1000.0, 0)])
def test_with_logits_is_exact_at_1000(z, target):
    logit = Value(z)
    loss = nn.binary_cross_entropy_with_logits([logit], [target])
    loss.backward()
    wrong = (z > 0) != (target == 1)
    assert loss.data == (1000.0 if wrong else 0.0)
    assert logit.grad == (math.copysign(1.0, z) if wrong else 0.0)


def test_cross_entropy_closed_form_and_gradient():
    logits = _values([1.0, 2.0, 3.0])
    loss = nn.cross_entropy([logits], [2])
    total = sum(math.exp(v) for v in (1.0, 2.0, 3.0))
    assert loss.data == pytest.approx(math.log(total) - 3.0, abs=1e-15)
    loss.backward()
    softmax = [math.exp(v) / total for v in (1.0, 2.0, 3.0)]
    assert [v.grad for v in logits] == pytest.approx([softmax[0], softmax[1], softmax[2] - 1])


def test_cross_entropy_is_finite_at_1000():
    logits = _values([1000.0, -1000.0, 0.0])
    loss = nn.cross_entropy([logits], [1])
    loss.backward()
    assert loss.data == 2000.0
    assert [v.grad for v in logits] == [1.0, -1.0, 0.0]


def test_hinge_closed_form_and_gradient():
    s = _values([2.0, 0.5, 0.5, -3.0])
    loss = nn.hinge(s, [1, 1, -1, 0])
    assert loss.data == (0 + 0.5 + 1.5 + 0) / 4
    loss.backward()
    assert [v.grad for v in s] == [0.0, -0.25, 0.25, 0.0]


def test_hinge_at_1000_is_finite():
    loss = nn.hinge([Value(-1000.0)], [1])
    loss.backward()
    assert loss.data == 1001.0


def test_one_element_lists_are_read_as_scalars():
    assert nn.binary_cross_entropy_with_logits([[0.0]], [1]).data == pytest.approx(math.log(2))


@pytest.mark.parametrize(
    "loss", [nn.mean_squared_error, nn.binary_cross_entropy, nn.binary_cross_entropy_with_logits, nn.hinge]
)
def test_empty_and_mismatched_batches(loss):
    name = loss.__name__
    with pytest.raises(ValueError, match="got") as caught:
        loss([], [])
    assert str(caught.value) == f"{name}() got no outputs; the loss is a mean over examples, so it needs at least one."
    with pytest.raises(ValueError, match="got") as caught:
        loss([0.5, 0.5], [1])
    assert str(caught.value) == f"{name}() got 2 outputs and 1 target; expected one target per output."


def test_outputs_that_are_not_lists():
    with pytest.raises(TypeError, match="got") as caught:
        nn.hinge(0.5, [1])
    assert str(caught.value) == (
        "hinge() got outputs of type float; expected a list, one output per entry."
    )


@pytest.mark.parametrize(
    ("loss", "target", "expected"),
    [
        (nn.binary_cross_entropy, 2, "a number in [0, 1]"),
        (nn.binary_cross_entropy_with_logits, -1, "a number in [0, 1]"),
        (nn.hinge, 0.5, "-1 or 0 or 1"),
    ],
)
def test_bad_binary_targets(loss, target, expected):
    with pytest.raises(ValueError, match="got") as caught:
        loss([0.5], [target])
    assert str(caught.value) == f"{loss.__name__}() got target {target!r} for example 0; expected {expected}."


def test_non_number_target():
    with pytest.raises(ValueError, match="got") as caught:
        nn.mean_squared_error([0.5], ["a"])
    assert str(caught.value) == "mean_squared_error() got target 'a' for example 0; expected a finite number."


def test_several_outputs_for_a_binary_loss():
    with pytest.raises(ValueError, match="got") as caught:
        nn.binary_cross_entropy_with_logits([[0.1, 0.2]], [1])
    assert str(caught.value) == (
        "binary_cross_entropy_with_logits() got output [0.1, 0.2] for example 0; expected one number per example. "
        "For several class scores use cross_entropy."
    )


def test_cross_entropy_needs_class_scores_and_indices():
    with pytest.raises(ValueError, match="got") as caught:
        nn.cross_entropy([0.5], [0])
    assert str(caught.value) == (
        "cross_entropy() got output 0.5 for example 0; expected a list of at least 2 class scores. For one score per "
        "example use binary_cross_entropy_with_logits."
    )
    with pytest.raises(ValueError, match="got") as caught:
        nn.cross_entropy([[0.5, 1.0]], [2])
    assert str(caught.value) == "cross_entropy() got target 2 for example 0; expected a class index 0 … 1."
    with pytest.raises(ValueError, match=r"got target 1.0 for example 0"):
        nn.cross_entropy([[0.5, 1.0]], [1.0])


# --- against PyTorch ---------------------------------------------------------------------


def test_losses_and_gradients_equal_torch():
    torch = pytest.importorskip("torch", reason="torch==2.13.0 is not installed; pip install torch==2.13.0")
    F = torch.nn.functional
    scores = [0.3, -1.7, 2.5, 0.0, -0.2]
    binary = [1, 0, 1, 1, 0]
    cases = [
        (nn.mean_squared_error, lambda t: F.mse_loss(t, torch.tensor([0.5, -1.0, 2.0, 0.1, 0.0], dtype=torch.float64)),
         [0.5, -1.0, 2.0, 0.1, 0.0]),
        (nn.binary_cross_entropy_with_logits,
         lambda t: F.binary_cross_entropy_with_logits(t, torch.tensor(binary, dtype=torch.float64)), binary),
        (lambda o, y: nn.binary_cross_entropy([v.sigmoid() for v in o], y),
         lambda t: F.binary_cross_entropy(torch.sigmoid(t), torch.tensor(binary, dtype=torch.float64)), binary),
    ]
    for ours, theirs, targets in cases:
        values = _values(scores)
        loss = ours(values, targets)
        loss.backward()
        tensor = torch.tensor(scores, dtype=torch.float64, requires_grad=True)
        reference = theirs(tensor)
        reference.backward()
        assert loss.data == pytest.approx(reference.item(), abs=1e-12)
        assert [v.grad for v in values] == pytest.approx(tensor.grad.tolist(), abs=1e-12)


def test_cross_entropy_equals_torch():
    torch = pytest.importorskip("torch", reason="torch==2.13.0 is not installed; pip install torch==2.13.0")
    rows = [[0.2, -1.0, 3.0], [1000.0, -1000.0, 5.0], [0.0, 0.0, 0.0]]
    targets = [2, 1, 0]
    logits = [_values(row) for row in rows]
    loss = nn.cross_entropy(logits, targets)
    loss.backward()
    tensor = torch.tensor(rows, dtype=torch.float64, requires_grad=True)
    reference = torch.nn.functional.cross_entropy(tensor, torch.tensor(targets))
    reference.backward()
    assert loss.data == pytest.approx(reference.item(), abs=1e-12)
    flat = [v.grad for row in logits for v in row]
    assert flat == pytest.approx(tensor.grad.flatten().tolist(), abs=1e-12)


@pytest.mark.parametrize(
    ("loss", "outputs", "targets"),
    [
        (nn.mean_squared_error, [0.3, -1.2, 2.0], [0.0, 1.0, 2.5]),
        (nn.binary_cross_entropy, [0.3, 0.8, 0.55], [1, 0, 1]),
        (nn.binary_cross_entropy_with_logits, [0.3, -1.2, 2.0], [1, 0, 0]),
        (nn.hinge, [0.3, -1.2, 2.0], [1, -1, -1]),
    ],
)
def test_every_loss_passes_gradcheck(loss, outputs, targets):
    from autograd import gradcheck

    assert gradcheck(lambda *values: loss(list(values), targets), outputs)


def test_cross_entropy_passes_gradcheck():
    from autograd import gradcheck

    assert gradcheck(lambda a, b, c, d: nn.cross_entropy([[a, b], [c, d]], [0, 1]), [0.3, -1.2, 2.0, 0.1])


# --- golden values from PyTorch, checked without it ---------------------------------------

LOSS_GOLDEN = json.loads((golden_cases.GOLDEN / "losses.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("recorded", LOSS_GOLDEN["cases"], ids=lambda r: f"{r['loss']}-{r['outputs']}")
def test_loss_value_and_gradient_equal_the_golden_torch_numbers(recorded):
    # These numbers came from torch.nn.functional (tests/nn/golden/make_golden.py): no torch needed here.
    nested = isinstance(recorded["outputs"][0], list)
    outputs = [_values(row) for row in recorded["outputs"]] if nested else _values(recorded["outputs"])
    loss = getattr(nn, recorded["loss"])(outputs, recorded["targets"])
    assert loss.data == pytest.approx(recorded["value"], rel=1e-12, abs=1e-12)
    if recorded["gradient"] is not None:
        loss.backward()
        flat = [v for row in outputs for v in row] if nested else outputs
        expected = [g for row in recorded["gradient"] for g in row] if nested else recorded["gradient"]
        assert [v.grad for v in flat] == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_the_golden_loss_file_holds_every_case_and_every_loss():
    recorded = [(r["loss"], r["outputs"], r["targets"], r["gradient"] is not None) for r in LOSS_GOLDEN["cases"]]
    assert recorded == golden_cases.LOSSES, "cases changed: rerun tests/nn/golden/make_golden.py"
    assert {name for name, *_ in recorded} == {
        "mean_squared_error", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "hinge"
    }


# --- inputs that used to pass silently ----------------------------------------------------


@pytest.mark.parametrize(
    ("probability", "target"),
    [(1.5, 1), (2.0, 0), (-1e-300, 0), (1.0000000000000002, 1), (math.inf, 1), (-math.inf, 0)],
)
def test_binary_cross_entropy_refuses_a_probability_outside_zero_one(probability, target):
    # PyTorch's BCELoss raises too; before, (1.5, 1) gave 0.0 and (2.0, 0) gave 100 with zero gradient.
    for output in (probability, Value(probability), [Value(probability)]):
        with pytest.raises(ValueError, match="got") as caught:
            nn.binary_cross_entropy([0.5, output], [1, target])
        assert str(caught.value) == (
            f"binary_cross_entropy() got output {float(probability)!r} for example 1; expected a probability in "
            "[0, 1]. Give the model a sigmoid output (output_activation='sigmoid'), or use "
            "binary_cross_entropy_with_logits on raw scores."
        )


def test_binary_cross_entropy_takes_outputs_of_exactly_0_and_1_in_every_example_on_both_engines():
    # The ends of [0, 1] are probabilities (the log is clamped there): the batched engine's check of every
    # example, made on arrays, must let them through as the scalar engine does, and refuse the next float out.
    pytest.importorskip("numpy")
    identity = nn.Neuron(1, activation="linear", weights=[1.0], bias=0.0)
    X, y = [[0.5], [0.0], [1.0], [0.0]], [1, 1, 0, 0]
    scalar = nn.evaluate(identity, X, y, loss=nn.binary_cross_entropy)
    assert nn.evaluate(identity, X, y, loss=nn.binary_cross_entropy, engine="batched") == scalar
    for outside in (-5e-324, 1.0000000000000002):  # after both ends, so a check that flagged them would name one
        with pytest.raises(ValueError, match=f"got output {outside!r} for example 4;"):
            nn.evaluate(identity, [*X, [outside]], [*y, 1], loss=nn.binary_cross_entropy, engine="batched")


def test_binary_cross_entropy_says_a_nan_output_means_training_diverged():
    for output in (math.nan, Value(math.nan), [Value(math.nan)]):
        with pytest.raises(ValueError, match="got") as caught:
            nn.binary_cross_entropy([0.5, output], [1, 1])
        assert str(caught.value) == (
            "binary_cross_entropy() got output nan for example 1; the model's output is not a number, so training "
            "has diverged (a weight became inf or nan). Lower the learning rate, or find the first nan with "
            "`with autograd.detect_anomaly():`."
        )


def test_binary_cross_entropy_takes_both_ends_of_zero_one():
    assert nn.binary_cross_entropy([0.0, 1.0], [0, 1]).data == 0.0
    assert nn.binary_cross_entropy([0.0], [1]).data == 100.0  # log clamped at −100, as in PyTorch


@pytest.mark.parametrize(
    "loss", [nn.mean_squared_error, nn.binary_cross_entropy, nn.binary_cross_entropy_with_logits, nn.hinge]
)
@pytest.mark.parametrize("target", [math.nan, math.inf, -math.inf, 10**400])
def test_a_target_that_is_not_finite_is_refused(loss, target):
    with pytest.raises(ValueError, match="got") as caught:
        loss([0.5], [target])
    assert str(caught.value) == f"{loss.__name__}() got target {target!r} for example 0; expected a finite number."


def test_targets_that_are_not_a_list():
    with pytest.raises(TypeError, match="got") as caught:
        nn.hinge([0.5], None)
    assert str(caught.value) == "hinge() got targets of type NoneType; expected a list, one target per output."
    with pytest.raises(TypeError, match="got") as caught:
        nn.hinge("0.5", [1])
    assert str(caught.value) == "hinge() got outputs of type str; expected a list, one output per entry."


def test_cross_entropy_of_an_infinite_score_is_infinite_for_the_other_classes():
    # logaddexp(0, inf − 1) is inf; no inf − inf (which is nan) on the way.
    assert nn.cross_entropy([[math.inf, 1.0]], [1]).data == math.inf


def test_binary_cross_entropy_clamps_the_probability_to_the_unit_interval_as_its_drawing_says():
    # The upper bound never binds for a checked ŷ in [0, 1]; the drawing names it, so it must be 1.
    from autograd import to_dot

    for target in (1.0, 0.0):  # log ŷ for y = 1, log(1 − ŷ) for y = 0: each clamp is drawn with its bounds
        loss = nn.binary_cross_entropy([Value(0.25)], [target])
        assert "low 3.7e-44, high 1<" in to_dot(loss, collapse="scope")
