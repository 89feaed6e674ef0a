import math
import random

import pytest

from nn import data

GENERATORS = [data.pass_fail, data.moons, data.circles, data.xor, data.spirals, data.blobs]


@pytest.mark.parametrize("generate", GENERATORS)
def test_generators_are_deterministic_and_well_formed(generate):
    X, y = generate(50, seed=1)
    assert (X, y) == generate(50, seed=1)
    assert generate(50, seed=2) != (X, y)
    assert len(X) == len(y) == 50
    assert all(len(x) == 2 and all(isinstance(v, float) for v in x) for x in X)
    assert all(isinstance(label, int) for label in y)


@pytest.mark.parametrize("generate", GENERATORS)
def test_generators_leave_global_random_alone(generate):
    random.seed(9)
    before = random.getstate()
    generate(20, seed=None)
    generate(20, seed=random.Random(4))
    assert random.getstate() == before


@pytest.mark.parametrize("generate", GENERATORS)
@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_n_must_be_positive(generate, n):
    with pytest.raises(ValueError, match="got") as caught:
        generate(n)
    assert str(caught.value) == f"{generate.__name__}() got n={n!r}; expected a whole number of points ≥ 1."


@pytest.mark.parametrize("generate", [data.moons, data.circles, data.xor, data.spirals])
@pytest.mark.parametrize("noise", [-0.1, -5e-324, float("nan"), float("inf"), True])
def test_noise_must_be_a_finite_non_negative_number(generate, noise):
    with pytest.raises(ValueError, match="got") as caught:
        generate(10, noise=noise)
    assert str(caught.value) == (
        f"{generate.__name__}() got noise={noise!r}; expected a finite standard deviation ≥ 0, such as 0.1."
    )
    assert len(generate(10, noise=0.0)[0]) == 10  # the boundary itself


def test_pass_fail_features_and_rule():
    X, y = data.pass_fail(500, seed=0)
    lectures, hours = [x[0] for x in X], [x[1] for x in X]
    assert set(lectures) <= {float(k) for k in range(11)}
    assert min(hours) >= 0.0
    assert max(hours) <= 8.0
    assert 0.55 < sum(y) / len(y) < 0.8  # about a third fail
    # The noisy rule: far from ½·lectures + hours = 5 the label is certain.
    agree = [label == int(0.5 * a + b > 5) for (a, b), label in zip(X, y) if abs(0.5 * a + b - 5) > 2]
    assert all(agree)
    noisy = [label != int(0.5 * a + b > 5) for (a, b), label in zip(X, y)]
    assert 0 < sum(noisy) < 0.1 * len(y)


def test_the_student_with_4_lectures_and_5_hours_looks_like_a_pass():
    X, y = data.pass_fail(2000, seed=0)
    neighbours = [label for (a, b), label in zip(X, y) if abs(a - 4) <= 1 and abs(b - 5) <= 0.5]
    assert len(neighbours) > 10
    assert all(neighbours)


def test_moons_without_noise_lie_on_two_half_circles():
    X, y = data.moons(40, noise=0.0, seed=0)
    for (a, b), label in zip(X, y):
        centre = (0.0, 0.0) if label == 0 else (1.0, 0.5)
        assert math.hypot(a - centre[0], b - centre[1]) == pytest.approx(1.0)
    assert y.count(0) == y.count(1) == 20


def test_circles_factor():
    X, y = data.circles(20, noise=0.0, factor=0.3, seed=0)
    assert {round(math.hypot(*x), 9) for x, label in zip(X, y) if label == 1} == {0.3}
    with pytest.raises(ValueError, match="got") as caught:
        data.circles(10, factor=1.5)
    assert str(caught.value) == "circles() got factor=1.5; the inner radius must be between 0 and 1, e.g. 0.5."


def test_xor_labels_by_quadrant():
    X, y = data.xor(100, seed=0)
    assert all(label == int(a * b > 0) for (a, b), label in zip(X, y))


def test_spirals_classes():
    _, y = data.spirals(90, n_classes=3, seed=0)
    assert [y.count(k) for k in range(3)] == [30, 30, 30]
    with pytest.raises(ValueError, match="got") as caught:
        data.spirals(10, n_classes=1)
    assert str(caught.value) == "spirals() got n_classes=1; expected a whole number of arms ≥ 2."


def test_blobs_centres():
    X, y = data.blobs(300, centers=3, spread=0.1, seed=0)
    for k in range(3):
        points = [x for x, label in zip(X, y) if label == k]
        mean = [sum(p[i] for p in points) / len(points) for i in range(2)]
        angle = 2 * math.pi * k / 3
        assert mean == pytest.approx([2 * math.cos(angle), 2 * math.sin(angle)], abs=0.05)
    with pytest.raises(ValueError, match="got") as caught:
        data.blobs(10, centers=0)
    assert str(caught.value) == (
        "blobs() got centers=0; expected a whole number of clusters ≥ 1, or a list of centre points."
    )
    with pytest.raises(ValueError, match="got") as caught:
        data.blobs(10, centers=[])
    assert str(caught.value) == "blobs() got centers=[]; expected at least 1 centre point."
    with pytest.raises(ValueError, match="got") as caught:
        data.blobs(10, spread=-1.0)
    assert str(caught.value) == "blobs() got spread=-1.0; expected a finite standard deviation ≥ 0, such as 0.1."


def test_train_val_split_partitions_the_data():
    X = [[float(i)] for i in range(10)]
    y = list(range(10))
    X_train, y_train, X_val, y_val = data.train_val_split(X, y, validation_fraction=0.3, seed=0)
    assert len(X_val) == 3
    assert sorted(y_train + y_val) == y
    assert all(x == [float(label)] for x, label in zip(X_train + X_val, y_train + y_val))
    assert data.train_val_split(X, y, 0.3, seed=0) == (X_train, y_train, X_val, y_val)


def test_train_val_split_keeps_at_least_one_on_each_side():
    X_train, _, X_val, _ = data.train_val_split([[0.0], [1.0]], [0, 1], validation_fraction=0.01)
    assert len(X_train) == len(X_val) == 1


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.2, True])
def test_train_val_split_fraction(fraction):
    with pytest.raises(ValueError, match="got") as caught:
        data.train_val_split([[0.0], [1.0]], [0, 1], validation_fraction=fraction)
    assert str(caught.value) == (
        f"train_val_split() got validation_fraction={fraction!r}; expected a share between 0 and 1, e.g. 0.2."
    )


def test_train_val_split_needs_two_examples_and_matching_lengths():
    with pytest.raises(ValueError, match="got") as caught:
        data.train_val_split([[0.0]], [0])
    assert str(caught.value) == "train_val_split() got 1 example; splitting needs at least 2."
    with pytest.raises(ValueError, match="got") as caught:
        data.train_val_split([[0.0], [1.0]], [0])
    assert str(caught.value) == "train_val_split() got 2 examples and 1 label; expected one label per example."


@pytest.mark.parametrize(("batch_size", "sizes"), [(1, [1] * 5), (2, [2, 2, 1]), (5, [5]), (None, [5]), (9, [5])])
def test_batches_cover_every_example_once(batch_size, sizes):
    X = [[float(i)] for i in range(5)]
    y = list(range(5))
    found = list(data.batches(X, y, batch_size, seed=0))
    assert [len(xb) for xb, _ in found] == sizes
    assert sorted(label for _, yb in found for label in yb) == y
    assert all(x == [float(label)] for xb, yb in found for x, label in zip(xb, yb))


def test_batches_shuffle_or_keep_order():
    X, y = [[float(i)] for i in range(20)], list(range(20))
    assert [label for _, yb in data.batches(X, y, 4, shuffle=False) for label in yb] == y
    assert [label for _, yb in data.batches(X, y, 4, seed=0) for label in yb] != y


@pytest.mark.parametrize("batch_size", [0, -1, 2.0, True])
def test_batch_size_must_be_positive(batch_size):
    with pytest.raises(ValueError, match="got") as caught:
        list(data.batches([[0.0]], [0], batch_size))
    assert str(caught.value) == (
        f"batches() got batch_size={batch_size!r}; expected a whole number ≥ 1, or None (full batch)."
    )
