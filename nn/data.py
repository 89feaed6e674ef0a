"""Small generated data sets (no downloads) and the tools to split and batch them.

A data set is ``(X, y)``: ``X`` a list of examples (each a list of floats) and
``y`` a list of labels (0/1 for two classes, 0 … k−1 for k classes). Every
generator is deterministic given its ``seed`` and never touches the global
random state.

Your own data comes in as lists, NumPy arrays or pandas DataFrames/Series:
``examples`` and ``targets`` turn each into lists at the entry of ``fit``,
``evaluate``, ``predict`` and the plots (NumPy and pandas are never imported
here; an array is recognised by its type), and ``load_csv`` reads a CSV file.

Example:
    >>> from nn import data
    >>> X, y = data.moons(100, noise=0.1, seed=0)
    >>> len(X), len(X[0]), sorted(set(y))
    (100, 2, [0, 1])
"""

from __future__ import annotations

import csv
import io
import math
import os
import random
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

from nn.checks import as_index, is_finite_number, is_number, same_length, whole_number
from nn.initializers import Seed, make_rng

if TYPE_CHECKING:
    from autograd import Value

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


# --- your data in: lists, NumPy arrays, pandas DataFrames and Series, CSV files ---------------


class Array(Protocol):
    """A NumPy array or a pandas DataFrame / Series: anything with a ``shape`` (checked when it arrives)."""

    @property
    def shape(self) -> tuple[int, ...]:
        """The array's dimensions."""


Examples = Sequence[Sequence["Value | float"]] | Array
Targets = Sequence[Any] | Array

# NumPy's dtype kinds (pandas' dtypes share them) that are not real numbers, as a message names them.
_NOT_REAL = {
    "b": "booleans",
    "O": "Python objects",
    "U": "strings",
    "S": "bytes",
    "c": "complex numbers",
    "M": "dates and times",
    "m": "time differences",
    "V": "raw records",
}


def _library(data: object) -> str:
    # Recognised by its type's home, so neither NumPy nor pandas is ever imported here.
    return type(data).__module__.partition(".")[0]


def _check_kind(owner: str, what: str, dtype: Any) -> None:
    kind = getattr(dtype, "kind", "O")
    if kind not in "iuf":
        holds = _NOT_REAL.get(kind, f"values of dtype {dtype}")
        raise ValueError(
            f"{owner} got {what} of dtype {dtype}, which holds {holds}; expected real numbers (int or float). "
            "Convert it first, e.g. .astype(float) for 0/1 flags, or encode categories as numbers."
        )


def _check_frame(owner: str, name: str, frame: Any) -> None:
    for column, dtype in frame.dtypes.items():
        _check_kind(owner, f"{name} column {column!r}", dtype)
    missing = frame.isna().to_numpy()
    if missing.any():
        rows, columns = missing.nonzero()  # row by row: the first missing cell comes first
        row, column = int(rows[0]), int(columns[0])
        raise ValueError(
            f"{owner} got {name} with a missing value in row {row} (index {frame.index[row]!r}), column "
            f"{frame.columns[column]!r}; expected a number in every cell. Fill it in, or drop the row: .dropna()."
        )


def _floats(rows: list[Any]) -> list[list[float]]:
    # float() of every cell: NumPy's longdouble and float16 come out of tolist() as NumPy scalars or floats.
    return [[float(cell) for cell in row] for row in rows]


def examples(owner: str, X: Examples, name: str = "X") -> Sequence[Sequence[Value | float]]:
    """The examples as a list of lists: a list passes through, a 2-D array or a DataFrame is converted.

    NumPy arrays of any real dtype (ints, floats of any width) and pandas
    DataFrames whose columns are all real numbers become lists of floats, one
    list per row. Booleans, objects, strings, complex numbers and dates are
    refused, as are missing values in a DataFrame.

    Args:
        owner: who is asking, for the message (``"fit()"``).
        X: the examples: a list of lists, a 2-D NumPy array or a pandas DataFrame.
        name: the argument's name, for the message.

    Returns:
        ``X`` itself if it is not an array, else its rows as lists of floats.

    Raises:
        ValueError: an array that is not 2-D, a dtype that is not real numbers, a missing value.

    Example:
        >>> examples("fit()", [[1.0, 2.0]])
        [[1.0, 2.0]]
        >>> import numpy as np
        >>> examples("fit()", np.array([[1, 2], [3, 4]], dtype=np.int8))
        [[1.0, 2.0], [3.0, 4.0]]
        >>> examples("fit()", np.array([[True], [False]]))
        Traceback (most recent call last):
        ...
        ValueError: fit() got X of dtype bool, which holds booleans; expected real numbers (int or float). ...
    """
    library, data = _library(X), X
    if library == "pandas":
        frame: Any = data
        if not hasattr(frame, "columns"):
            raise ValueError(
                f"{owner} got {name} as a pandas Series of {len(frame)} values; expected a DataFrame, one row per "
                f"example: {name}.to_frame() for one feature per example."
            )
        _check_frame(owner, name, frame)
        return _floats(frame.to_numpy().tolist())
    if library == "numpy" and hasattr(data, "dtype"):
        array: Any = data
        _check_kind(owner, name, array.dtype)
        if array.ndim != 2:
            hint = f" ({name}.reshape(-1, 1) for one feature per example)" if array.ndim == 1 else ""
            raise ValueError(
                f"{owner} got {name} of shape {array.shape}; expected a 2-D array, one row per example{hint}."
            )
        return _floats(array.tolist())
    if isinstance(X, (list, tuple)) and any(_library(row) in ("numpy", "pandas") for row in X):
        # A list of arrays (list(array), [frame.iloc[i] for i in ...]): each row converted as one example.
        return [example(owner, row, f"{name}[{index}]") for index, row in enumerate(X)]
    return X  # type: ignore[return-value]  # a list; fit() checks every example itself


def targets(owner: str, y: Targets, name: str = "y") -> Sequence[Any]:
    """The targets as a list: a list passes through, an array, a Series or a DataFrame is converted.

    Integer arrays give ints (class indices), float arrays floats; a 2-D
    array or a DataFrame of several columns gives one list per example
    (several outputs per example).

    Args:
        owner: who is asking, for the message.
        y: the targets.
        name: the argument's name, for the message.

    Returns:
        ``y`` itself if it is not an array, else its values as a list.

    Raises:
        ValueError: a dtype that is not real numbers, a missing value, an array of more than 2 dimensions.

    Example:
        >>> import numpy as np
        >>> targets("fit()", np.array([0, 1, 1]))
        [0, 1, 1]
    """
    library, data = _library(y), y
    if library == "pandas":
        frame: Any = data
        if not hasattr(frame, "columns"):
            frame = frame.to_frame()
        _check_frame(owner, name, frame)
        values = frame.to_numpy().tolist()
        return [row[0] for row in values] if len(frame.columns) == 1 else values
    if library == "numpy" and hasattr(data, "dtype"):
        array: Any = data
        _check_kind(owner, name, array.dtype)
        if array.ndim not in (1, 2):
            raise ValueError(
                f"{owner} got {name} of shape {array.shape}; expected one target (or one row) per example."
            )
        column = array.reshape(-1) if array.ndim == 2 and array.shape[1] == 1 else array
        if column.dtype.kind in "iu":  # class indices stay ints
            return list(column.tolist())
        rows = column.tolist() if column.ndim == 2 else [column.tolist()]
        return _floats(rows) if column.ndim == 2 else _floats(rows)[0]
    return y  # type: ignore[return-value]


def example(owner: str, x: Sequence[float] | Array, name: str = "example") -> Sequence[float]:
    """One example as a list: a 1-D array or a pandas Series (a DataFrame's row) becomes a list of floats.

    Example:
        >>> import numpy as np
        >>> example("network()", np.array([4, 5]))
        [4.0, 5.0]
    """
    if _library(x) in ("numpy", "pandas") and hasattr(x, "dtype"):
        array: Any = x
        _check_kind(owner, name, array.dtype)
        if len(array.shape) != 1:
            raise ValueError(f"{owner} got {name} of shape {array.shape}; expected one example: a 1-D array.")
        return _floats([array.tolist()])[0]
    return x  # type: ignore[return-value]


def feature_names(X: object) -> tuple[str, ...]:
    """The names of the features: a DataFrame's columns, a Series' index (one example), else ().

    Drawings and traces take them as ``feature_names=`` in place of x₁, x₂, ….

    Example:
        >>> feature_names([[1.0, 2.0]])
        ()
    """
    if _library(X) != "pandas":
        return ()
    labels = X.columns if hasattr(X, "columns") else getattr(X, "index", ())
    return tuple(str(label) for label in labels)


# A CSV that size is no course data set: the scalar engine trains on thousands of rows, not millions.
MAX_CSV_BYTES = 50_000_000


class Table(NamedTuple):
    """What ``load_csv`` read: the examples, the targets, and the column names of each.

    Example:
        >>> Table([[1.0]], [0], ("hours",), "passed").feature_names
        ('hours',)
    """

    X: list[Example]
    y: list[float]
    feature_names: tuple[str, ...]
    target: str


def load_csv(path: str | os.PathLike[str], target: str, features: Sequence[str] | None = None) -> Table:
    r"""Read a CSV file with a header line: one example per line, one column is the target.

    Every cell must be a finite number; a target column of whole numbers
    written without a decimal point (``0``, ``1``, ``2``) gives ints, the
    class indices the classification losses need.

    Args:
        path: the file.
        target: the header name of the column to predict.
        features: the header names of the columns to learn from, in this
            order; by default every column but the target.

    Returns:
        A ``Table``: ``X, y, feature_names, target = load_csv(...)``.

    Raises:
        ValueError: the file cannot be read, is empty, has a header but no
            rows, a row with more or fewer cells than the header, an empty or
            non-numeric cell, bytes that are not UTF-8, no column called
            ``target`` (or one of ``features``), or more than
            ``MAX_CSV_BYTES``: the message names the file, the line and the column.

    Example:
        >>> import tempfile, pathlib
        >>> file = pathlib.Path(tempfile.mkdtemp()) / "students.csv"
        >>> _ = file.write_text("lectures,hours,passed\n4,5.5,1\n1,0.5,0\n")
        >>> X, y, names, _ = load_csv(file, target="passed")
        >>> X, y, names
        ([[4.0, 5.5], [1.0, 0.5]], [1, 0], ('lectures', 'hours'))
    """
    shown = os.fspath(path)
    where = f"load_csv() got {shown!r}"
    text = _read_text(where, path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as error:  # a cell over csv's field size limit, an unclosed quote
        raise ValueError(f"{where}; line {reader.line_num} is not valid CSV: {error}.") from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ValueError(f"{where}, which is empty; expected a header line of column names, then one line per example.")
    header = [name.strip() for name in rows[0]]
    for column, name in enumerate(header):
        if not name:
            raise ValueError(f"{where}; line 1 (the header), column {column + 1} has no name; name every column.")
        if header.index(name) != column:
            raise ValueError(f"{where}; line 1 (the header) names column {name!r} twice; name every column once.")
    chosen = _chosen_columns(where, header, target, features)
    lines = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(cell.strip() for cell in row)]
    if not lines:
        raise ValueError(
            f"{where}, which has a header (line 1) but no examples; expected one line per example after it."
        )
    X: list[Example] = []
    y: list[float] = []
    for number, row in lines:
        if len(row) != len(header):
            raise ValueError(
                f"{where}; line {number} has {len(row)} cells, but the header (line 1) names {len(header)} columns; "
                "expected one cell per column."
            )
        X.append([_cell(where, number, header[c], row[c]) for c in chosen])
        y.append(_cell(where, number, target, row[header.index(target)], whole=True))
    return Table(X, y, tuple(header[c] for c in chosen), target)


def _read_text(where: str, path: str | os.PathLike[str]) -> str:
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size > MAX_CSV_BYTES:
                raise ValueError(
                    f"{where}, which holds {size:,} bytes; expected at most {MAX_CSV_BYTES:,} (the scalar engine "
                    "trains on thousands of rows, not millions). Take a sample of the rows first."
                )
            raw = file.read(MAX_CSV_BYTES + 1)
    except (OSError, TypeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise ValueError(f"{where}, which cannot be read: {reason}.") from None
    if len(raw) > MAX_CSV_BYTES:  # a pipe or a device reports no size
        raise ValueError(f"{where}, which holds more than {MAX_CSV_BYTES:,} bytes; take a sample of the rows first.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise ValueError(
            f"{where}; line {line} is not UTF-8 text: byte {raw[error.start]:#04x} at character {column}. Save the "
            "file as UTF-8 (spreadsheets offer it under 'CSV UTF-8')."
        ) from None


def _chosen_columns(where: str, header: list[str], target: str, features: Sequence[str] | None) -> list[int]:
    known = ", ".join(repr(name) for name in header)
    if not isinstance(target, str) or target not in header:
        raise ValueError(f"{where} and target={target!r}; line 1 (the header) has no such column, only {known}.")
    if features is None:
        return [column for column, name in enumerate(header) if name != target]
    if isinstance(features, str):
        raise ValueError(f"{where} and features={features!r}; expected a list of column names, e.g. [{features!r}].")
    chosen = []
    for name in features:
        if name not in header:
            raise ValueError(
                f"{where} and features naming {name!r}; line 1 (the header) has no such column, only {known}."
            )
        if name == target:
            raise ValueError(
                f"{where} and features naming the target {target!r}; a model cannot learn from its answer."
            )
        if header.index(name) in chosen:
            raise ValueError(f"{where} and features naming {name!r} twice; name each column once.")
        chosen.append(header.index(name))
    if not chosen:
        raise ValueError(f"{where} and features=[]; expected at least one column to learn from.")
    return chosen


def _cell(where: str, line: int, column: str, text: str, whole: bool = False) -> float:
    cell = text.strip()
    if not cell:
        raise ValueError(
            f"{where}; line {line}, column {column!r} is empty; expected a number. Fill it in or delete the line."
        )
    try:
        number: float = int(cell) if whole and cell.lstrip("+-").isdigit() else float(cell)
    except ValueError:
        raise ValueError(
            f"{where}; line {line}, column {column!r} holds {cell[:40]!r}, which is not a number; expected a number "
            "such as 2.5 (encode categories as numbers first)."
        ) from None
    if not math.isfinite(number):
        raise ValueError(f"{where}; line {line}, column {column!r} holds {cell!r}; expected a finite number.")
    return number
