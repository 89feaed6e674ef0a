import math
import random
import statistics

import pytest

import nn
from nn.initializers import make_rng, resolve_initializer


def _draw(initializer, fan_in, fan_out, n=4000):
    rng = random.Random(0)
    return [initializer(fan_in, fan_out, rng) for _ in range(n)]


def test_uniform_and_normal():
    values = _draw(nn.uniform, 3, 3)
    assert min(values) >= -1.0
    assert max(values) <= 1.0
    assert statistics.pstdev(_draw(nn.normal, 3, 3)) == pytest.approx(1.0, rel=0.05)


def test_xavier_uniform_limit_and_variance():
    limit = math.sqrt(6 / (10 + 30))
    values = _draw(nn.xavier_uniform, 10, 30)
    assert max(abs(v) for v in values) <= limit
    assert statistics.pvariance(values) == pytest.approx(2 / (10 + 30), rel=0.08)


def test_xavier_normal_and_he_variances():
    assert statistics.pvariance(_draw(nn.xavier_normal, 10, 30)) == pytest.approx(2 / 40, rel=0.08)
    assert statistics.pvariance(_draw(nn.he_normal, 8, 1)) == pytest.approx(2 / 8, rel=0.08)
    values = _draw(nn.he_uniform, 8, 1)
    assert max(abs(v) for v in values) <= math.sqrt(6 / 8)
    assert statistics.pvariance(values) == pytest.approx(2 / 8, rel=0.08)


def test_glorot_is_xavier():
    assert nn.glorot_uniform is nn.xavier_uniform
    assert nn.glorot_normal is nn.xavier_normal
    assert nn.INITIALIZERS["glorot"] is nn.xavier_uniform
    assert nn.INITIALIZERS["he"] is nn.he_uniform


def test_default_depends_on_the_activation():
    assert resolve_initializer(None, "relu") is nn.he_uniform
    assert resolve_initializer(None, "leaky_relu") is nn.he_uniform
    assert resolve_initializer(None, "tanh") is nn.xavier_uniform


def test_unknown_initializer_name():
    with pytest.raises(ValueError, match="initializer got 'zeros'; expected one of 'uniform', 'normal'"):
        resolve_initializer("zeros", "relu")


def test_initializer_of_wrong_type():
    with pytest.raises(TypeError, match="initializer got 3 of type int; expected a name such as 'he'"):
        resolve_initializer(3, "relu")


def test_make_rng_from_seed_generator_or_none_never_touches_global_state():
    random.seed(5)
    before = random.getstate()
    shared = random.Random(1)
    assert make_rng(shared) is shared
    assert make_rng(3).random() == random.Random(3).random()
    make_rng(None).random()
    nn.MLP(2, [8, 1])
    assert random.getstate() == before


@pytest.mark.parametrize("seed", [1.5, "0", True])
def test_make_rng_rejects_other_seeds(seed):
    with pytest.raises(TypeError, match=r"seed got .* of type .*; expected an int, a random.Random or None."):
        make_rng(seed)
