"""Data goes in as lists, NumPy arrays or pandas frames: fit, evaluate, predict and the plots agree on all three."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest

import nn
from nn import data

np = pytest.importorskip("numpy")


def moons_lists():
    return nn.data.moons(30, seed=0)


def trained_weights(X, y, **options):
    model = nn.MLP(2, [3, 1], seed=0)
    nn.fit(model, X, y, epochs=2, progress=False, **options)
    return [p.data for p in model.parameters()]


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "longdouble"])
def test_fit_on_a_float_array_trains_as_on_the_same_numbers_in_lists(dtype):
    X, y = moons_lists()
    X_array = np.array(X, dtype=dtype)
    as_lists = X_array.astype("float64").tolist()  # the same (rounded) numbers, as lists
    assert trained_weights(X_array, np.array(y)) == trained_weights(as_lists, y)


@pytest.mark.parametrize("dtype", ["int8", "int64", "uint16"])
def test_fit_takes_integer_arrays_and_keeps_integer_targets_as_class_indices(dtype):
    X = np.array([[0, 1], [1, 0], [2, 2], [3, 1]], dtype=dtype)
    y = np.array([0, 1, 2, 1], dtype=dtype)
    assert data.targets("fit()", y) == [0, 1, 2, 1]
    assert all(type(label) is int for label in data.targets("fit()", y))
    model = nn.MLP(2, [3], output_activation=None, seed=0)
    history = nn.fit(model, X, y, loss=nn.cross_entropy, epochs=1, progress=False)
    assert history.epochs == 1


@pytest.mark.parametrize(
    ("values", "holds"),
    [
        (np.array([[True, False]]), "dtype bool, which holds booleans"),
        (np.array([[1, "a"]], dtype=object), "dtype object, which holds Python objects"),
        (np.array([["1", "2"]]), "dtype <U1, which holds strings"),
        (np.array([[1 + 2j, 0j]]), "dtype complex128, which holds complex numbers"),
        (np.array([["2024-01-01", "2024-01-02"]], dtype="datetime64[D]"), "which holds dates and times"),
    ],
    ids=["bool", "object", "string", "complex", "datetime"],
)
def test_arrays_that_are_not_real_numbers_are_refused_naming_the_dtype(values, holds):
    with pytest.raises(ValueError, match="fit\\(\\) got X of ") as error:
        nn.fit(nn.MLP(2, [1], seed=0), values, [0], epochs=1, progress=False)
    assert holds in str(error.value)
    assert "expected real numbers (int or float)" in str(error.value)


def test_a_boolean_target_array_is_refused_too():
    with pytest.raises(ValueError, match="got y of dtype bool, which holds booleans"):
        nn.fit(nn.MLP(1, [1], seed=0), np.array([[0.0], [1.0]]), np.array([False, True]), progress=False)


def test_a_one_dimensional_x_is_refused_with_the_reshape_that_fixes_it():
    with pytest.raises(ValueError, match=r"got X of shape \(3,\); expected a 2-D array.*X.reshape\(-1, 1\)"):
        nn.fit(nn.MLP(1, [1], seed=0), np.array([1.0, 2.0, 3.0]), [0, 1, 0], progress=False)


def test_a_huge_longdouble_becomes_inf_and_is_refused_by_fit():
    X = np.array([[np.longdouble("1e400")], [1.0]], dtype=np.longdouble)
    with np.errstate(over="ignore"), pytest.raises(ValueError, match=r"fit\(\) got X\[0\] = \[inf\].*finite numbers"):
        nn.fit(nn.MLP(1, [1], seed=0), X, [0, 1], progress=False)


def test_evaluate_and_predict_take_arrays_and_give_what_lists_give():
    X, y = moons_lists()
    model = nn.MLP(2, [3, 1], seed=0)
    assert nn.evaluate(model, np.array(X), np.array(y)) == nn.evaluate(model, X, y)
    assert nn.predict(model, np.array(X)) == nn.predict(model, X)
    assert nn.predict(model, X)[0] == float(model(X[0]))


def test_the_batched_engine_takes_arrays():
    X, y = moons_lists()
    weights = trained_weights(np.array(X), np.array(y), engine="batched")
    assert weights == pytest.approx(trained_weights(X, y), rel=1e-9)


def test_a_list_of_array_rows_is_read_row_by_row():
    X, _ = moons_lists()
    assert data.examples("fit()", list(np.array(X))) == X
    with pytest.raises(ValueError, match=r"fit\(\) got X\[1\] of dtype complex128, which holds complex numbers"):
        data.examples("fit()", [np.array([1.0]), np.array([1j])])


def test_a_2d_target_column_is_read_as_one_target_per_example():
    assert data.targets("fit()", np.array([[0.5], [1.5]])) == [0.5, 1.5]


def test_predict_refuses_an_example_that_is_not_numbers():
    with pytest.raises(ValueError, match=r"predict\(\) got X\[1\] = 'a'; expected"):
        nn.predict(nn.MLP(1, [1], seed=0), [[1.0], "a"])
    with pytest.raises(ValueError, match=r"predict\(\) got no examples"):
        nn.predict(nn.MLP(1, [1], seed=0), [])


def test_evaluate_checks_its_loss_like_fit():
    with pytest.raises(TypeError, match=r"evaluate\(\) got loss=None; expected a loss function such as"):
        nn.evaluate(nn.MLP(1, [1], seed=0), [[1.0]], [1], loss=None)


def test_import_nn_imports_neither_numpy_nor_pandas():
    code = "import sys, nn; nn.data.examples('f', [[1.0]]); print('numpy' in sys.modules, 'pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


# --- pandas --------------------------------------------------------------------------------


@pytest.fixture
def pd():
    return pytest.importorskip("pandas", reason="the DataFrame tests need pandas: pip install -e '.[test]'")


@pytest.fixture
def students(pd):
    X, y = nn.data.pass_fail(30, seed=0)
    frame = pd.DataFrame(X, columns=["lectures", "hours"])
    return frame, pd.Series(y, name="passed"), X, y


def test_fit_on_a_dataframe_trains_as_on_the_same_lists(students):
    frame, target, X, y = students
    assert trained_weights(frame, target) == trained_weights(X, y)
    model = nn.MLP(2, [3, 1], seed=0)
    assert nn.evaluate(model, frame, target) == nn.evaluate(model, X, y)
    assert nn.predict(model, frame) == nn.predict(model, X)


def test_a_dataframe_validation_set_is_accepted(students):
    frame, target, _, _ = students
    history = nn.fit(nn.MLP(2, [3, 1], seed=0), frame, target, epochs=2, validation=(frame, target), progress=False)
    assert len(history.val_loss) == 2


def test_a_missing_value_in_a_dataframe_is_refused_naming_row_and_column(students, pd):
    frame, target, _, _ = students
    frame.loc[3, "hours"] = float("nan")
    with pytest.raises(ValueError, match=r"got X with a missing value in row 3 \(index 3\), column 'hours'"):
        nn.fit(nn.MLP(2, [1], seed=0), frame, target, progress=False)


@pytest.mark.parametrize(
    ("column", "holds"),
    [
        ([True, False], "bool, which holds booleans"),
        (["a", "b"], "which holds Python objects"),
        ([datetime.datetime(2024, 1, 1), datetime.datetime(2024, 1, 2)], "which holds dates and times"),
        ([1j, 2j], "complex128, which holds complex numbers"),
    ],
    ids=["bool", "string", "datetime", "complex"],
)
def test_a_dataframe_column_that_is_not_real_numbers_is_refused_by_name(pd, column, holds):
    frame = pd.DataFrame({"ok": [1.0, 2.0], "odd": column})
    with pytest.raises(ValueError, match=r"fit\(\) got X column 'odd' of dtype ") as error:
        nn.fit(nn.MLP(2, [1], seed=0), frame, [0, 1], progress=False)
    assert holds in str(error.value)


def test_a_series_as_x_is_refused_with_the_fix(students):
    frame, target, _, _ = students
    with pytest.raises(ValueError, match=r"got X as a pandas Series of 30 values; expected a DataFrame.*to_frame\(\)"):
        nn.fit(nn.MLP(1, [1], seed=0), frame["hours"], target, progress=False)


def test_column_names_become_the_feature_names_of_the_drawings(students):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    frame, target, _, _ = students
    model = nn.MLP(2, [3, 1], seed=0)
    figure = nn.plots.decision_boundary(model, frame, target, resolution=5)
    assert (figure.axes[0].get_xlabel(), figure.axes[0].get_ylabel()) == ("lectures", "hours")
    drawn = nn.plots.network(model, example=frame.iloc[0])
    assert {"lectures", "hours"} <= {text.get_text() for text in drawn.axes[0].texts}
    assert data.feature_names(frame) == ("lectures", "hours")


def test_the_feature_names_label_a_traced_graph(students):
    import autograd

    frame, _, _, _ = students
    model = nn.MLP(2, [2, 1], seed=0)
    output = model(data.example("model", frame.iloc[0]))
    dot = autograd.to_dot(output, feature_names=data.feature_names(frame))
    assert "lectures" in dot
    assert "hours" in dot
