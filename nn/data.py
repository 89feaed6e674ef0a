"""Small generated data sets (no downloads) and the tools to split and batch them.

A data set is ``(X, y)``: ``X`` a list of examples (each a list of floats) and
``y`` a list of labels (0/1 for two classes, 0 … k−1 for k classes). Every
generator is deterministic given its ``seed`` and never touches the global
random state.

Example:
    >>> from nn import data
    >>> X, y = data.moons(100, noise=0.1, seed=0)
    >>> len(X), len(X[0]), sorted(set(y))
    (100, 2, [0, 1])
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from typing import TypeVar

from nn.checks import as_index, is_finite_number, is_number, same_length, whole_number
from nn.initializers import Seed, make_rng

Example = list[float]
Dataset = tuple[list[Example], list[int]]
Label = TypeVar("Label")
Item = TypeVar("Item")


def pass_fail(n: int = 200, seed: Seed = 0) -> Dataset:
    """The course's "Will I pass this class?": lectures attended and project hours → passed (1) or failed (0).

    Past students attended 0-10 lectures and spent 0-8 hours on the final
    project. Both help, project hours twice as much per unit: a student passes
    when ½·lectures + hours, plus some luck (Gaussian, σ = 0.5), exceeds 5.
    About a third fail. A student with 4 lectures and 5 hours (½·4 + 5 = 7)
    is comfortably on the passing side, as in the lecture.

    Args:
        n: how many past students.
        seed: an int or ``random.Random``.

    Returns:
        ``(X, y)`` with ``X[i] = [lectures, hours]``.

    Raises:
        ValueError: ``n`` < 1.

    Example:
        >>> X, y = pass_fail(5, seed=0)
        >>> X[0], y[0]
        ([6.0, 6.1], 1)
    """
    rng = _start("pass_fail", n, seed)
    X, y = [], []
    for _ in range(n):
        lectures = float(rng.randint(0, 10))
        hours = round(rng.uniform(0.0, 8.0), 1)
        X.append([lectures, hours])
        y.append(int(0.5 * lectures + hours - 5.0 + rng.gauss(0.0, 0.5) > 0.0))
    return X, y


def moons(n: int = 200, noise: float = 0.1, seed: Seed = 0) -> Dataset:
    """Two interleaving half circles: a boundary no straight line can draw.

    Args:
        n: points in total (the upper moon, class 0, gets ``n // 2``).
        noise: the standard deviation of Gaussian jitter added to each coordinate.
        seed: an int or ``random.Random``.

    Returns:
        ``(X, y)``, shuffled.

    Raises:
        ValueError: ``n`` < 1 or ``noise`` < 0.

    Example:
        >>> X, y = moons(4, noise=0.0, seed=0)
        >>> sorted(y)
        [0, 0, 1, 1]
    """
    rng = _start("moons", n, seed, noise)
    upper = n // 2
    points = []
    for i in range(upper):
        angle = math.pi * i / max(upper - 1, 1)
        points.append(([math.cos(angle), math.sin(angle)], 0))
    for i in range(n - upper):
        angle = math.pi * i / max(n - upper - 1, 1)
        points.append(([1.0 - math.cos(angle), 0.5 - math.sin(angle)], 1))
    return _jitter_and_shuffle(points, noise, rng)


def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5, seed: Seed = 0) -> Dataset:
    """A small circle (class 1) inside a large one (class 0).

    Args:
        n: points in total (the outer circle gets ``n // 2``).
        noise: Gaussian jitter per coordinate.
        factor: the inner radius, 0 < factor < 1 (the outer radius is 1).
        seed: an int or ``random.Random``.

    Returns:
        ``(X, y)``, shuffled.

    Raises:
        ValueError: ``n`` < 1, ``noise`` < 0 or ``factor`` outside (0, 1).

    Example:
        >>> X, y = circles(4, noise=0.0, seed=0)
        >>> sorted(round(math.hypot(*x), 3) for x in X)
        [0.5, 0.5, 1.0, 1.0]
    """
    rng = _start("circles", n, seed, noise)
    if not 0.0 < factor < 1.0:
        raise ValueError(f"circles() got factor={factor!r}; the inner radius must be between 0 and 1, e.g. 0.5.")
    outer = n // 2
    points = []
    for i in range(outer):
        angle = 2.0 * math.pi * i / outer
        points.append(([math.cos(angle), math.sin(angle)], 0))
    for i in range(n - outer):
        angle = 2.0 * math.pi * i / (n - outer)
        points.append(([factor * math.cos(angle), factor * math.sin(angle)], 1))
    return _jitter_and_shuffle(points, noise, rng)


def xor(n: int = 200, noise: float = 0.0, seed: Seed = 0) -> Dataset:
    """Points in the square [−1, 1]²: class 1 where x₁ and x₂ have the same sign.

    The classic problem a single perceptron cannot solve.

    Args:
        n: points.
        noise: Gaussian jitter per coordinate, added after labelling.
        seed: an int or ``random.Random``.

    Returns:
        ``(X, y)``.

    Raises:
        ValueError: ``n`` < 1 or ``noise`` < 0.

    Example:
        >>> X, y = xor(3, seed=0)
        >>> all(label == int(a * b > 0) for (a, b), label in zip(X, y))
        True
    """
    rng = _start("xor", n, seed, noise)
    points = []
    for _ in range(n):
        a, b = rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)
        points.append(([a, b], int(a * b > 0.0)))
    return _jitter_and_shuffle(points, noise, rng)


def spirals(n: int = 200, n_classes: int = 2, noise: float = 0.05, turns: float = 1.0, seed: Seed = 0) -> Dataset:
    """Interleaved spiral arms, one class per arm, winding out from the centre.

    Args:
        n: points in total, shared out among the arms.
        n_classes: the number of arms (≥ 2).
        noise: Gaussian jitter per coordinate.
        turns: how many times each arm winds around.
        seed: an int or ``random.Random``.

    Returns:
        ``(X, y)`` with labels 0 … n_classes − 1, shuffled.

    Raises:
        ValueError: ``n`` < 1, ``noise`` < 0, or ``n_classes`` < 2.

    Example:
        >>> X, y = spirals(6, n_classes=3, seed=0)
        >>> sorted(y)
        [0, 0, 1, 1, 2, 2]
    """
    rng = _start("spirals", n, seed, noise)
    n_classes = whole_number("spirals()", "n_classes", n_classes, minimum=2, unit="arms")
    points = []
    for i in range(n):
        arm = i % n_classes
        count = (n - arm + n_classes - 1) // n_classes
        t = (i // n_classes + 1) / count
        angle = 2.0 * math.pi * (turns * t + arm / n_classes)
        points.append(([t * math.cos(angle), t * math.sin(angle)], arm))
    return _jitter_and_shuffle(points, noise, rng)


def blobs(n: int = 200, centers: int | Sequence[Sequence[float]] = 3, spread: float = 0.5, seed: Seed = 0) -> Dataset:
    """Gaussian clusters, one class per cluster: the easy multi-class problem.

    Args:
        n: points in total, shared out among the clusters.
        centers: a number of clusters (placed evenly on a circle of radius 2)
            or the centre points themselves.
        spread: the standard deviation around each centre.
        seed: an int or ``random.Random``.

    Returns:
        ``(X, y)`` with labels 0 … k−1, shuffled.

    Raises:
        ValueError: ``n`` < 1, ``spread`` < 0, or fewer than 1 centre.

    Example:
        >>> X, y = blobs(6, centers=[[0.0, 0.0], [5.0, 5.0]], spread=0.0, seed=0)
        >>> sorted(tuple(x) for x in X)[0], sorted(y)
        ((0.0, 0.0), [0, 0, 0, 1, 1, 1])
    """
    rng = _start("blobs", n, seed, spread, noise_name="spread")
    if isinstance(centers, int) or as_index(centers) is not None:
        centers = whole_number("blobs()", "centers", centers, unit="clusters", alternative="a list of centre points")
        angles = [2.0 * math.pi * k / centers for k in range(centers)]
        points_at = [[2.0 * math.cos(a), 2.0 * math.sin(a)] for a in angles]
    else:
        points_at = [[float(c) for c in center] for center in centers]
        if not points_at:
            raise ValueError("blobs() got centers=[]; expected at least 1 centre point.")
    points = [(list(points_at[i % len(points_at)]), i % len(points_at)) for i in range(n)]
    return _jitter_and_shuffle(points, spread, rng)


def train_val_split(
    X: Sequence[Item], y: Sequence[Label], validation_fraction: float = 0.2, seed: Seed = 0
) -> tuple[list[Item], list[Label], list[Item], list[Label]]:
    """Hold out a random part of the data to measure what the model has not trained on.

    Args:
        X: the examples.
        y: their labels.
        validation_fraction: the share held out, 0 < fraction < 1.
        seed: an int or ``random.Random`` for the shuffle.

    Returns:
        ``(X_train, y_train, X_val, y_val)``; the validation part has
        round(fraction · n) examples, at least 1 and at most n − 1.

    Raises:
        ValueError: a fraction outside (0, 1), fewer than 2 examples, or X and y of different lengths.

    Example:
        >>> X_train, y_train, X_val, y_val = train_val_split([[0.0], [1.0], [2.0], [3.0], [4.0]], [0, 1, 0, 1, 0])
        >>> len(X_train), len(X_val)
        (4, 1)
    """
    _check_pairs("train_val_split", X, y)
    if not is_number(validation_fraction) or not 0.0 < validation_fraction < 1.0:
        raise ValueError(
            f"train_val_split() got validation_fraction={validation_fraction!r}; expected a share between 0 and 1, "
            "e.g. 0.2."
        )
    if len(X) < 2:
        raise ValueError(f"train_val_split() got {len(X)} example; splitting needs at least 2.")
    order = list(range(len(X)))
    make_rng(seed).shuffle(order)
    held_out = min(max(round(validation_fraction * len(X)), 1), len(X) - 1)
    train, val = order[held_out:], order[:held_out]
    return [X[i] for i in train], [y[i] for i in train], [X[i] for i in val], [y[i] for i in val]


def batches(
    X: Sequence[Item], y: Sequence[Label], batch_size: int | None = None, shuffle: bool = True, seed: Seed = None
) -> Iterator[tuple[list[Item], list[Label]]]:
    """Cut the data into batches: batch_size 1 is stochastic gradient descent, None one full batch.

    Args:
        X: the examples.
        y: their labels.
        batch_size: examples per batch (the last may be smaller), or None for all.
        shuffle: visit the examples in a random order.
        seed: an int or ``random.Random`` for the order.

    Yields:
        ``(X_batch, y_batch)`` pairs covering every example exactly once.

    Raises:
        ValueError: ``batch_size`` < 1, or X and y of different lengths.

    Example:
        >>> [len(xb) for xb, _ in batches([[0.0]] * 5, [0] * 5, batch_size=2)]
        [2, 2, 1]
    """
    _check_pairs("batches", X, y)
    if batch_size is not None:
        batch_size = whole_number("batches()", "batch_size", batch_size, alternative="None (full batch)")
    order = list(range(len(X)))
    if shuffle:
        make_rng(seed).shuffle(order)
    # Checked above, generated below: a bad argument fails at the call, not at the first next().
    return _cut(X, y, order, batch_size or max(len(order), 1))


def _cut(
    X: Sequence[Item], y: Sequence[Label], order: list[int], size: int
) -> Iterator[tuple[list[Item], list[Label]]]:
    for start in range(0, len(order), size):
        chosen = order[start : start + size]
        yield [X[i] for i in chosen], [y[i] for i in chosen]


def _start(name: str, n: int, seed: Seed, noise: float = 0.0, noise_name: str = "noise") -> random.Random:
    whole_number(f"{name}()", "n", n, unit="points")
    if not is_finite_number(noise) or not noise >= 0.0:
        raise ValueError(f"{name}() got {noise_name}={noise!r}; expected a finite standard deviation ≥ 0, such as 0.1.")
    return make_rng(seed)


def _jitter_and_shuffle(points: list[tuple[Example, int]], noise: float, rng: random.Random) -> Dataset:
    if noise:
        points = [([x + rng.gauss(0.0, noise) for x in point], label) for point, label in points]
    rng.shuffle(points)
    return [point for point, _ in points], [label for _, label in points]


def _check_pairs(name: str, X: Sequence[object], y: Sequence[object]) -> None:
    same_length(f"{name}()", X, y, ("example", "label"))



def digits(
    test_fraction: float = 0.25, seed: Seed = 0, n: int | None = None
) -> tuple[list[Example], list[int], list[Example], list[int]]:
    """Real handwritten digits: scikit-learn's 1,797 8×8 images (shipped inside scikit-learn, no download).

    Each example is 64 pixel intensities read row by row, scaled from 0-16 to
    0-1 (so ``X[i][8 * row + column]``); the label is the digit 0-9. Needs
    scikit-learn (``pip install 'glassgrad[data]'``), imported only here.

    Args:
        test_fraction: the share held out for testing, 0 < fraction < 1.
        seed: an int or ``random.Random`` for the shuffle before the split.
        n: use only the first n images (all 1,797 by default), for quick experiments.

    Returns:
        ``(X_train, y_train, X_test, y_test)``, split as ``train_val_split`` does.

    Raises:
        ImportError: scikit-learn is missing, with the command that installs it.
        ValueError: ``n`` outside 2 … 1,797, or a fraction outside (0, 1).

    Example:
        >>> X_train, y_train, X_test, y_test = digits(seed=0)
        >>> len(X_train), len(X_test), len(X_train[0]), sorted(set(y_train)) == list(range(10))
        (1348, 449, 64, True)
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ImportError(
            "nn.data.digits() needs scikit-learn, which is not installed: pip install 'glassgrad[data]'   "
            "(or: pip install scikit-learn)"
        ) from None
    bunch = load_digits()
    images, labels = bunch.data.tolist(), bunch.target.tolist()
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= len(images)):
        raise ValueError(f"digits() got n={n!r}; expected a whole number from 2 to {len(images):,}, or None for all.")
    count = len(images) if n is None else n
    X = [[pixel / 16.0 for pixel in image] for image in images[:count]]
    y = [int(label) for label in labels[:count]]
    return train_val_split(X, y, validation_fraction=test_fraction, seed=seed)
