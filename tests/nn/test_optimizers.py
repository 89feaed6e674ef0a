import inspect
import math

import pytest

import nn
from autograd import Parameter

START = [1.5, -0.8, 0.3, 2.0]

# Our argument names, spelled out, and torch.optim's.
TORCH_NAMES = {
    "learning_rate": "lr",
    "epsilon": "eps",
    "learning_rate_decay": "lr_decay",
}

CONFIGURATIONS = [
    (nn.SGD, "SGD", {"learning_rate": 0.05}),
    (nn.SGD, "SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    (nn.SGD, "SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    (nn.SGD, "SGD", {"learning_rate": 0.05, "momentum": 0.8, "dampening": 0.5}),
    (nn.Adam, "Adam", {}),
    (nn.Adam, "Adam", {"learning_rate": 0.1, "betas": (0.8, 0.9), "weight_decay": 0.05}),
    (nn.Adam, "Adam", {"learning_rate": 0.1, "amsgrad": True, "epsilon": 1e-6}),
    (nn.RMSprop, "RMSprop", {}),
    (nn.RMSprop, "RMSprop", {"learning_rate": 0.01, "centered": True, "momentum": 0.5}),
    (nn.RMSprop, "RMSprop", {"learning_rate": 0.01, "alpha": 0.9, "weight_decay": 0.1, "momentum": 0.3}),
    (nn.Adagrad, "Adagrad", {}),
    (nn.Adagrad, "Adagrad", {"learning_rate": 0.3, "learning_rate_decay": 0.1, "initial_accumulator_value": 0.5}),
    (nn.Adagrad, "Adagrad", {"learning_rate": 0.3, "weight_decay": 0.1, "epsilon": 1e-6}),
    (nn.Adadelta, "Adadelta", {}),
    (nn.Adadelta, "Adadelta", {"learning_rate": 0.5, "rho": 0.5, "weight_decay": 0.1, "epsilon": 1e-4}),
]


def _loss(w, sin, m=None):
    # Not quadratic, with coupled parameters, so every state variable matters.
    return (w[0] - 1) ** 2 + 3 * (w[1] + 0.5) ** 2 + w[0] * w[1] + sin(w[2]) * w[3] + 0.1 * w[3] ** 4


def _our_trajectory(cls, settings, steps=20):
    w = [Parameter(x) for x in START]
    optimizer = cls(w, **settings)
    path = []
    for _ in range(steps):
        optimizer.zero_grad()
        _loss(w, lambda v: v.sin()).backward()
        optimizer.step()
        path.append([p.data for p in w])
    return path


def _torch_trajectory(torch, name, settings, steps=20):
    w = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    translated = {TORCH_NAMES.get(key, key): value for key, value in settings.items()}
    optimizer = getattr(torch.optim, name)([w], **translated)
    path = []
    for _ in range(steps):
        optimizer.zero_grad()
        _loss(w, torch.sin).backward()
        optimizer.step()
        path.append(w.detach().tolist())
    return path


@pytest.mark.parametrize(
    ("cls", "name", "settings"), CONFIGURATIONS, ids=lambda v: str(v) if isinstance(v, dict) else ""
)
def test_twenty_steps_equal_torch_optim(cls, name, settings):
    torch = pytest.importorskip("torch", reason="torch==2.13.0 is not installed; pip install torch==2.13.0")
    ours, theirs = _our_trajectory(cls, settings), _torch_trajectory(torch, name, settings)
    for step, (a, b) in enumerate(zip(ours, theirs), 1):
        assert a == pytest.approx(b, abs=1e-10, rel=0), f"step {step}"


@pytest.mark.parametrize("cls", [nn.SGD, nn.Adam, nn.RMSprop, nn.Adagrad, nn.Adadelta])
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
        (lambda w: nn.SGD(w, learning_rate=-0.1), "SGD got learning_rate=-0.1; learning_rate must be > 0."),
        (lambda w: nn.SGD(w, learning_rate=math.nan), "SGD got learning_rate=nan; learning_rate must be > 0."),
        (lambda w: nn.SGD(w, momentum=-1), "SGD got momentum=-1; momentum must be ≥ 0."),
        (lambda w: nn.SGD(w, dampening=2), "SGD got dampening=2; dampening must be in [0, 1]."),
        (
            lambda w: nn.SGD(w, nesterov=True),
            "SGD got nesterov=True with momentum=0.0, dampening=0.0; Nesterov momentum needs momentum > 0 and "
            "dampening = 0.",
        ),
        (lambda w: nn.Adam(w, betas=(0.9,)), "Adam got betas=(0.9,); expected a pair (β₁, β₂) such as (0.9, 0.999)."),
        (lambda w: nn.Adam(w, betas=(1.0, 0.9)), "Adam got betas[0]=1.0; betas[0] must be in [0, 1), e.g. 0.9."),
        (lambda w: nn.Adam(w, epsilon=-1e-8), "Adam got epsilon=-1e-08; epsilon must be > 0."),
        (lambda w: nn.Adam(w, weight_decay=-1), "Adam got weight_decay=-1; weight_decay must be ≥ 0."),
        (lambda w: nn.RMSprop(w, alpha=1.5), "RMSprop got alpha=1.5; alpha must be in [0, 1), e.g. 0.9."),
        (lambda w: nn.RMSprop(w, momentum=-0.5), "RMSprop got momentum=-0.5; momentum must be ≥ 0."),
        (
            lambda w: nn.Adagrad(w, learning_rate_decay=-1),
            "Adagrad got learning_rate_decay=-1; learning_rate_decay must be ≥ 0.",
        ),
        (
            lambda w: nn.Adagrad(w, initial_accumulator_value=-1),
            "Adagrad got initial_accumulator_value=-1; initial_accumulator_value must be ≥ 0.",
        ),
        (lambda w: nn.Adadelta(w, rho=1), "Adadelta got rho=1; rho must be in [0, 1), e.g. 0.9."),
        (lambda w: nn.Adadelta(w, learning_rate=0), "Adadelta got learning_rate=0; learning_rate must be > 0."),
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


@pytest.mark.parametrize("optimizer", [nn.Adam, nn.RMSprop, nn.Adagrad, nn.Adadelta])
def test_epsilon_must_be_positive_as_the_docstrings_say(optimizer):
    # torch allows eps=0, but then Adadelta never moves and the others divide 0 by 0 at a zero gradient.
    with pytest.raises(ValueError, match="epsilon") as caught:
        optimizer([Parameter(1.0)], epsilon=0)
    assert str(caught.value) == f"{optimizer.__name__} got epsilon=0; epsilon must be > 0."
