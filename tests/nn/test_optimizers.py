import inspect
import json
import math
import random
import reprlib

import golden_cases
import pytest

import nn
from autograd import Parameter

TORCH_NAMES = golden_cases.TORCH_NAMES
GOLDEN = json.loads((golden_cases.GOLDEN / "optimizers.json").read_text(encoding="utf-8"))
OPTIMIZER_CLASSES = [nn.SGD, nn.Adam, nn.AdamW, nn.RMSprop, nn.Adagrad, nn.Adadelta]


def _settings(recorded):
    # JSON has no tuples; betas go back to the pair the constructor takes.
    return {key: tuple(value) if isinstance(value, list) else value for key, value in recorded.items()}


def _our_trajectory(cls, settings, steps=golden_cases.STEPS):
    w = [Parameter(x) for x in golden_cases.START]
    optimizer = cls(w, **settings)
    path = []
    for _ in range(steps):
        optimizer.zero_grad()
        golden_cases.objective(w, lambda v: v.sin()).backward()
        optimizer.step()
        path.append([p.data for p in w])
    return path


def _torch_trajectory(torch, name, settings, steps=golden_cases.STEPS):
    w = torch.tensor(golden_cases.START, dtype=torch.float64, requires_grad=True)
    translated = {TORCH_NAMES.get(key, key): value for key, value in settings.items()}
    optimizer = getattr(torch.optim, name)([w], **translated)
    path = []
    for _ in range(steps):
        optimizer.zero_grad()
        golden_cases.objective(w, torch.sin).backward()
        optimizer.step()
        path.append(w.detach().tolist())
    return path


def _same_path(ours, theirs):
    assert len(ours) == len(theirs)
    for step, (a, b) in enumerate(zip(ours, theirs), 1):
        assert a == pytest.approx(b, abs=1e-10, rel=0), f"step {step}"


def _case_id(case):
    name, settings = case
    return f"{name}-" + ",".join(f"{key}={value}" for key, value in settings.items())


@pytest.mark.parametrize("recorded", GOLDEN["cases"], ids=lambda r: _case_id((r["optimizer"], r["settings"])))
def test_twenty_steps_equal_the_golden_torch_trajectory(recorded):
    # Pins the math without torch: these numbers came from torch.optim (tests/nn/golden/make_golden.py).
    cls = getattr(nn, recorded["optimizer"])
    _same_path(_our_trajectory(cls, _settings(recorded["settings"])), recorded["trajectory"])


def test_the_golden_file_holds_every_case_and_every_optimizer():
    recorded = [(r["optimizer"], _settings(r["settings"])) for r in GOLDEN["cases"]]
    assert recorded == golden_cases.OPTIMIZERS, "cases changed: rerun tests/nn/golden/make_golden.py"
    assert {name for name, _ in recorded} == {cls.__name__ for cls in OPTIMIZER_CLASSES}
    exported = {name for name in nn.__all__ if isinstance(getattr(nn, name), type)
                and issubclass(getattr(nn, name), nn.Optimizer) and name != "Optimizer"}
    assert exported == {cls.__name__ for cls in OPTIMIZER_CLASSES}


@pytest.mark.parametrize("case", golden_cases.OPTIMIZERS, ids=_case_id)
def test_twenty_steps_equal_torch_optim(case):
    torch = pytest.importorskip("torch", reason="torch==2.13.0 is not installed; pip install torch==2.13.0")
    name, settings = case
    _same_path(_our_trajectory(getattr(nn, name), settings), _torch_trajectory(torch, name, settings))


@pytest.mark.parametrize("cls", OPTIMIZER_CLASSES, ids=lambda cls: cls.__name__)
def test_defaults_equal_the_golden_torch_defaults(cls):
    theirs = GOLDEN["defaults"][cls.__name__]
    for name, parameter in inspect.signature(cls).parameters.items():
        if name == "parameters":
            continue
        expected = theirs[TORCH_NAMES.get(name, name)]
        assert _settings({name: expected})[name] == parameter.default, name


@pytest.mark.parametrize("cls", OPTIMIZER_CLASSES, ids=lambda cls: cls.__name__)
def test_defaults_equal_torch(cls):
    torch = pytest.importorskip("torch", reason="torch==2.13.0 is not installed; pip install torch==2.13.0")
    theirs = inspect.signature(getattr(torch.optim, cls.__name__)).parameters
    for name, parameter in inspect.signature(cls).parameters.items():
        if name == "parameters":
            continue
        assert theirs[TORCH_NAMES.get(name, name)].default == parameter.default, name


@pytest.mark.parametrize(
    ("cls", "settings"),
    [
        (nn.SGD, {"learning_rate": 0.1}),
        (nn.SGD, {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
        (nn.Adam, {"learning_rate": 0.1}),
        (nn.RMSprop, {"learning_rate": 0.05}),
        (nn.Adagrad, {"learning_rate": 0.5}),
        (nn.Adadelta, {"learning_rate": 10.0}),
    ],
)
def test_every_optimizer_lowers_a_convex_loss(cls, settings):
    w = [Parameter(3.0), Parameter(-2.0)]

    def loss():
        return (w[0] - 1) ** 2 + 2 * (w[1] + 1) ** 2 + w[0] * w[1] * 0.5

    optimizer = cls(w, **settings)
    start = loss().data
    for _ in range(60):
        optimizer.zero_grad()
        loss().backward()
        optimizer.step()
    assert loss().data < 0.25 * start


def test_a_model_can_be_passed_and_names_its_state():
    model = nn.Neuron(2, weights=[1.0, 2.0])
    optimizer = nn.Adam(model, learning_rate=0.1)
    model([1.0, 1.0]).backward()
    optimizer.step()
    snapshot = optimizer.state_dict()
    assert snapshot["type"] == "Adam"
    assert snapshot["steps"] == 1
    assert list(snapshot["state"]) == ["weights.0", "weights.1", "bias"]
    assert set(snapshot["state"]["bias"]) == {"exp_avg", "exp_avg_sq"}
    assert snapshot["hyperparameters"]["betas"] == (0.9, 0.999)


def test_state_is_inspectable_per_parameter():
    w = Parameter(1.0)
    optimizer = nn.SGD([w], learning_rate=0.1, momentum=0.9)
    for grad in (1.0, 2.0):
        w.grad = grad
        optimizer.step()
    assert optimizer.state[w]["momentum_buffer"] == pytest.approx(0.9 * 1.0 + 2.0)


def test_zero_grad_and_duplicates():
    w = Parameter(1.0)
    w.grad = 4.0
    optimizer = nn.SGD([w, w], learning_rate=1.0)
    assert optimizer.parameters == [w]
    optimizer.step()
    assert w.data == -3.0  # stepped once, not twice
    optimizer.zero_grad()
    assert w.grad == 0.0


def test_repr_shows_settings():
    assert repr(nn.Adagrad([Parameter(0.0)])) == (
        "Adagrad(1 parameters, learning_rate=0.01, learning_rate_decay=0.0, weight_decay=0.0, "
        "initial_accumulator_value=0.0, epsilon=1e-10)"
    )


def test_base_update_is_abstract():
    with pytest.raises(NotImplementedError):
        nn.Optimizer([Parameter(0.0)]).step()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda w: nn.SGD(w, learning_rate=-0.1),
            "SGD got learning_rate=-0.1; learning_rate must be a finite number > 0.",
        ),
        (
            lambda w: nn.SGD(w, learning_rate=math.nan),
            "SGD got learning_rate=nan; learning_rate must be a finite number > 0.",
        ),
        (lambda w: nn.SGD(w, momentum=-1), "SGD got momentum=-1; momentum must be a finite number ≥ 0."),
        (lambda w: nn.SGD(w, dampening=2), "SGD got dampening=2; dampening must be a finite number in [0, 1]."),
        (
            lambda w: nn.SGD(w, nesterov=True),
            "SGD got nesterov=True with momentum=0.0, dampening=0.0; Nesterov momentum needs momentum > 0 and "
            "dampening = 0.",
        ),
        (lambda w: nn.Adam(w, betas=(0.9,)), "Adam got betas=(0.9,); expected a pair (β₁, β₂) such as (0.9, 0.999)."),
        (lambda w: nn.Adam(w, betas=(1.0, 0.9)), "Adam got betas[0]=1.0; betas[0] must be in [0, 1), e.g. 0.9."),
        (lambda w: nn.Adam(w, epsilon=-1e-8), "Adam got epsilon=-1e-08; epsilon must be a finite number > 0."),
        (lambda w: nn.Adam(w, weight_decay=-1), "Adam got weight_decay=-1; weight_decay must be a finite number ≥ 0."),
        (lambda w: nn.RMSprop(w, alpha=1.5), "RMSprop got alpha=1.5; alpha must be in [0, 1), e.g. 0.9."),
        (lambda w: nn.RMSprop(w, momentum=-0.5), "RMSprop got momentum=-0.5; momentum must be a finite number ≥ 0."),
        (
            lambda w: nn.Adagrad(w, learning_rate_decay=-1),
            "Adagrad got learning_rate_decay=-1; learning_rate_decay must be a finite number ≥ 0.",
        ),
        (
            lambda w: nn.Adagrad(w, initial_accumulator_value=-1),
            "Adagrad got initial_accumulator_value=-1; initial_accumulator_value must be a finite number ≥ 0.",
        ),
        (lambda w: nn.Adadelta(w, rho=1), "Adadelta got rho=1; rho must be in [0, 1), e.g. 0.9."),
        (
            lambda w: nn.Adadelta(w, learning_rate=0),
            "Adadelta got learning_rate=0; learning_rate must be a finite number > 0.",
        ),
        (lambda w: nn.SGD([]), "SGD got no parameters; pass model.parameters() (or the model)."),
    ],
)
def test_bad_settings(make, message):
    with pytest.raises(ValueError, match="got") as caught:
        make([Parameter(0.0)])
    assert str(caught.value) == message


def test_parameters_of_the_wrong_type():
    with pytest.raises(TypeError, match="got") as caught:
        nn.SGD(Parameter(1.0))
    assert str(caught.value) == (
        "SGD got Parameter(data=1.0, grad=0.0) of type Parameter; expected a model or a list of Values such as "
        "model.parameters()."
    )
    with pytest.raises(TypeError, match="got") as caught:
        nn.Adam([1.0])
    assert str(caught.value) == "Adam got parameter 0 = 1.0 of type float; expected a Value."
    with pytest.raises(TypeError, match="got") as caught:
        nn.SGD(0.1)  # the learning rate given where the parameters go: not a list at all
    assert str(caught.value) == (
        "SGD got 0.1 of type float; expected a model or a list of Values such as model.parameters()."
    )


@pytest.mark.parametrize("optimizer", [nn.Adam, nn.RMSprop, nn.Adagrad, nn.Adadelta])
def test_epsilon_must_be_positive_as_the_docstrings_say(optimizer):
    # torch allows eps=0, but then Adadelta never moves and the others divide 0 by 0 at a zero gradient.
    with pytest.raises(ValueError, match="epsilon") as caught:
        optimizer([Parameter(1.0)], epsilon=0)
    assert str(caught.value) == f"{optimizer.__name__} got epsilon=0; epsilon must be a finite number > 0."


# --- every boundary of every setting ------------------------------------------------------

# (setting, the smallest accepted, the nearest refused below, the bound as the message words it)
LOWER_BOUNDS = {
    "learning_rate": (5e-324, 0, "a finite number > 0"),
    "epsilon": (5e-324, 0, "a finite number > 0"),
    "weight_decay": (0, -5e-324, "a finite number ≥ 0"),
    "momentum": (0, -5e-324, "a finite number ≥ 0"),
    "learning_rate_decay": (0, -5e-324, "a finite number ≥ 0"),
    "initial_accumulator_value": (0, -5e-324, "a finite number ≥ 0"),
    "dampening": (0, -5e-324, "a finite number in [0, 1]"),
}
BOUNDED = [
    (cls, name)
    for cls in OPTIMIZER_CLASSES
    for name in inspect.signature(cls).parameters
    if name in LOWER_BOUNDS
]


@pytest.mark.parametrize(("cls", "name"), BOUNDED, ids=lambda v: getattr(v, "__name__", v))
def test_lower_bound_of_every_setting(cls, name):
    # learning_rate=0 is refused by every optimizer alike: it would train nothing, silently.
    accepted, refused, bound = LOWER_BOUNDS[name]
    assert getattr(cls([Parameter(0.0)], **{name: accepted}), name) == accepted
    with pytest.raises(ValueError, match="got") as caught:
        cls([Parameter(0.0)], **{name: refused})
    assert str(caught.value) == f"{cls.__name__} got {name}={refused!r}; {name} must be {bound}."


@pytest.mark.parametrize(("cls", "name"), BOUNDED, ids=lambda v: getattr(v, "__name__", v))
@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, 10**400, True, "0.1", None])
def test_no_setting_takes_inf_nan_huge_ints_bools_or_strings(cls, name, value):
    with pytest.raises(ValueError, match="got") as caught:
        cls([Parameter(0.0)], **{name: value})
    shown = reprlib.repr(value)
    assert str(caught.value) == f"{cls.__name__} got {name}={shown}; {name} must be {LOWER_BOUNDS[name][2]}."
    assert len(str(caught.value)) < 200  # a 400-digit int is shortened, not printed whole


def test_dampening_upper_bound():
    assert nn.SGD([Parameter(0.0)], momentum=0.9, dampening=1).dampening == 1.0
    with pytest.raises(ValueError, match="got") as caught:
        nn.SGD([Parameter(0.0)], dampening=1.0000000000000002)
    assert str(caught.value) == (
        "SGD got dampening=1.0000000000000002; dampening must be a finite number in [0, 1]."
    )


@pytest.mark.parametrize(
    ("cls", "name"),
    [(nn.Adam, "betas[0]"), (nn.Adam, "betas[1]"), (nn.AdamW, "betas[0]"), (nn.AdamW, "betas[1]"),
     (nn.RMSprop, "alpha"), (nn.Adadelta, "rho")],
)
@pytest.mark.parametrize(("value", "accepted"), [(0, True), (0.9999999999999999, True), (1, False), (-1e-300, False),
                                                  (math.nan, False), (True, False)])
def test_smoothing_constants_are_in_zero_to_one(cls, name, value, accepted):
    settings = {"betas": (value, 0.9) if name == "betas[0]" else (0.9, value)} if name.startswith("betas") else {
        name: value}
    if accepted:
        cls([Parameter(0.0)], **settings)
        return
    with pytest.raises(ValueError, match="got") as caught:
        cls([Parameter(0.0)], **settings)
    assert str(caught.value) == f"{cls.__name__} got {name}={value!r}; {name} must be in [0, 1), e.g. 0.9."


def test_adamw_names_itself_in_its_messages():
    with pytest.raises(ValueError, match="got") as caught:
        nn.AdamW([Parameter(0.0)], betas=[0.9, 0.999])
    assert str(caught.value) == "AdamW got betas=[0.9, 0.999]; expected a pair (β₁, β₂) such as (0.9, 0.999)."


def test_adamw_decays_the_weight_apart_from_the_gradient():
    # With a zero gradient Adam's L2 penalty still moves w through m/√v by ≈ η; AdamW shrinks w by the factor.
    adam_w, adamw_w = Parameter(2.0), Parameter(2.0)
    adam, adamw = nn.Adam([adam_w], learning_rate=0.1, weight_decay=0.5), nn.AdamW([adamw_w], learning_rate=0.1,
                                                                                  weight_decay=0.5)
    for optimizer in (adam, adamw):
        optimizer.step()
    assert adamw_w.data == 2.0 * (1 - 0.1 * 0.5)
    assert adam_w.data == pytest.approx(2.0 - 0.1, abs=1e-7)
    assert repr(adamw) == (
        "AdamW(1 parameters, learning_rate=0.1, betas=(0.9, 0.999), epsilon=1e-08, weight_decay=0.5, amsgrad=False)"
    )
    assert adamw.state_dict()["type"] == "AdamW"


ARRAY_CASES = [
    (nn.SGD, {"learning_rate": 0.1}),
    (nn.SGD, {"learning_rate": 0.1, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
    (nn.SGD, {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    (nn.Adam, {"learning_rate": 0.01}),
    (nn.Adam, {"learning_rate": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    (nn.AdamW, {"learning_rate": 0.01, "amsgrad": True}),
    (nn.RMSprop, {"learning_rate": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.01}),
    (nn.RMSprop, {"learning_rate": 0.01}),
    (nn.Adagrad, {"learning_rate": 0.1, "learning_rate_decay": 0.01, "initial_accumulator_value": 0.1}),
    (nn.Adadelta, {"weight_decay": 0.01}),
]


@pytest.mark.parametrize(("kind", "settings"), ARRAY_CASES)
def test_step_arrays_moves_every_weight_exactly_as_step_does(kind, settings):
    rng = random.Random(7)
    start = [rng.uniform(-2.0, 2.0) for _ in range(50)]
    one_by_one, as_arrays = [Parameter(x) for x in start], [Parameter(x) for x in start]
    scalar, batched = kind(one_by_one, **settings), kind(as_arrays, **settings)
    for step in range(6):
        grads = [rng.gauss(0.0, 1.0) for _ in start]
        for a, b, g in zip(one_by_one, as_arrays, grads):
            a.grad = b.grad = g
        scalar.step()
        # Mixed on purpose: the running numbers must carry over between the two paths.
        batched.step() if step == 3 else batched.step_arrays()
        assert [p.data for p in as_arrays] == [p.data for p in one_by_one]
    assert batched.state_dict() == scalar.state_dict()


def test_step_arrays_falls_back_to_step_for_a_rule_written_for_floats_only():
    class Clipped(nn.Optimizer):
        def update(self, value, grad, state):
            return value - 0.1 * max(-1.0, min(1.0, grad))  # max/min of an array raise

    w = Parameter(1.0)
    w.grad = 5.0
    optimizer = Clipped([w, Parameter(0.0)])
    optimizer.step_arrays()
    assert (w.data, optimizer.steps) == (0.9, 1)


@pytest.mark.parametrize(("kind", "settings"), ARRAY_CASES)
def test_step_arrays_returns_the_weights_it_set_and_the_gradients_it_used(kind, settings):
    rng = random.Random(8)
    parameters = [Parameter(rng.uniform(-2.0, 2.0)) for _ in range(20)]
    optimizer = kind(parameters, **settings)
    for _ in range(3):
        for parameter in parameters:
            parameter.grad = rng.gauss(0.0, 1.0)
        weights, gradients = optimizer.step_arrays()
        assert weights.tolist() == [p.data for p in parameters]
        assert gradients.tolist() == [p.grad for p in parameters]


def test_step_arrays_returns_what_step_made_when_the_rule_needs_floats():
    class Clipped(nn.Optimizer):
        def update(self, value, grad, state):
            return value - 0.1 * max(-1.0, min(1.0, grad))

    w, b = Parameter(1.0), Parameter(0.0)
    w.grad, b.grad = 5.0, -0.5
    weights, gradients = Clipped([w, b]).step_arrays()
    assert weights.tolist() == [w.data, b.data] == [0.9, 0.05]
    assert gradients.tolist() == [5.0, -0.5]


@pytest.mark.parametrize(("kind", "settings"), ARRAY_CASES)
@pytest.mark.parametrize("path", ["step", "step_arrays"])
def test_packed_state_holds_every_running_number_exactly_as_state_does(kind, settings, path):
    rng = random.Random(9)
    parameters = [Parameter(rng.uniform(-2.0, 2.0)) for _ in range(12)]
    optimizer = kind(parameters, **settings)
    for _ in range(3):
        for parameter in parameters:
            parameter.grad = rng.gauss(0.0, 1.0)
        getattr(optimizer, path)()
    layout, values = optimizer.packed_state()
    arrays_kept = optimizer._arrays is not None  # read before state, which folds the arrays back into dicts
    unpacked = iter(values)
    assert [{name: next(unpacked) for name in names} for names in layout] == [
        optimizer.state[p] for p in parameters
    ]
    assert next(unpacked, None) is None
    assert arrays_kept == (path == "step_arrays")  # packing leaves the batched step's arrays in place


@pytest.mark.parametrize(("kind", "settings"), ARRAY_CASES)
def test_step_on_arrays_moves_the_array_exactly_as_step_moves_the_values_and_touches_no_value(kind, settings):
    np = pytest.importorskip("numpy")
    rng = random.Random(11)
    start = [rng.uniform(-2.0, 2.0) for _ in range(40)]
    one_by_one, held = [Parameter(x) for x in start], [Parameter(x) for x in start]
    scalar, on_arrays = kind(one_by_one, **settings), kind(held, **settings)
    values = np.array(start)
    for _ in range(5):
        grads = np.array([rng.gauss(0.0, 1.0) for _ in start])
        before, before_grads = values.tolist(), grads.tolist()
        for parameter, g in zip(one_by_one, before_grads):
            parameter.grad = g
        scalar.step()
        old, values = values, on_arrays.step_on_arrays(values, grads)
        assert values.tolist() == [p.data for p in one_by_one]
        # Neither argument is written to (SGD's grad += λ·w and AdamW's value *= ... work in place).
        assert (old.tolist(), grads.tolist()) == (before, before_grads)
    assert [(p.data, p.grad) for p in held] == [(x, 0.0) for x in start]
    assert on_arrays.state_dict() == scalar.state_dict()


def test_step_on_arrays_runs_a_rule_written_for_floats_through_step_and_returns_its_numbers():
    np = pytest.importorskip("numpy")

    class Clipped(nn.Optimizer):
        def update(self, value, grad, state):
            return value - 0.1 * max(-1.0, min(1.0, grad))  # max/min of an array raise

    optimizer = Clipped([Parameter(1.0), Parameter(0.0)])
    stepped = optimizer.step_on_arrays(np.array([1.0, 0.0]), np.array([5.0, -0.5]))
    assert (stepped.tolist(), optimizer.steps) == ([0.9, 0.05], 1)


@pytest.mark.parametrize("cls", OPTIMIZER_CLASSES, ids=lambda cls: cls.__name__)
def test_rebuilt_on_other_parameters_steps_as_a_fresh_optimizer_with_the_same_settings(cls):
    def trained(optimizer, weights):
        for _ in range(3):
            for w in weights:
                w.grad = 0.5 * w.data - 0.25
            optimizer.step()
        return [w.data for w in weights]

    original = cls([Parameter(1.0), Parameter(-2.0)], learning_rate=0.05, weight_decay=0.01)
    trained(original, original.parameters)  # running numbers and steps the copy must not take along
    copies = [Parameter(1.0), Parameter(-2.0)]
    twin = original.rebuilt_on(copies)
    assert (type(twin), twin.hyperparameters()) == (cls, original.hyperparameters())
    assert (twin.steps, twin.parameters) == (0, copies)
    fresh = [Parameter(1.0), Parameter(-2.0)]
    assert trained(twin, copies) == trained(cls(fresh, learning_rate=0.05, weight_decay=0.01), fresh)
    assert original.steps == 3
