"""nn.data.load_csv reads a CSV with a header and refuses a broken file naming the file, the line and the column."""

from __future__ import annotations

import pytest

import nn
from nn.data import load_csv


def write(tmp_path, content, name="students.csv"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_load_csv_reads_features_and_an_integer_target_by_column_name(tmp_path):
    path = write(tmp_path, "lectures,passed,hours\n4,1,5.5\n1,0,0.5\n\n")  # a trailing blank line is no example
    X, y, names, target = load_csv(path, target="passed")
    assert (X, y, names, target) == ([[4.0, 5.5], [1.0, 0.5]], [1, 0], ("lectures", "hours"), "passed")
    assert all(type(label) is int for label in y)


def test_load_csv_takes_the_features_asked_for_in_that_order(tmp_path):
    path = write(tmp_path, "a,b,c,grade\n1,2,3,2.5\n")
    table = load_csv(str(path), target="grade", features=["c", "a"])
    assert (table.X, table.y, table.feature_names) == ([[3.0, 1.0]], [2.5], ("c", "a"))


def test_a_loaded_table_trains(tmp_path):
    X, y = nn.data.pass_fail(20, seed=0)
    lines = ["lectures,hours,passed"] + [f"{a},{b},{label}" for (a, b), label in zip(X, y)]
    table = load_csv(write(tmp_path, "\n".join(lines) + "\n"), target="passed")
    assert table.X == X
    assert table.y == y
    assert nn.fit(nn.MLP(2, [3, 1], seed=0), table.X, table.y, epochs=1, progress=False).epochs == 1


def test_a_utf8_byte_order_mark_is_not_part_of_the_first_name(tmp_path):
    path = write(tmp_path, "\ufeffx,y\n1,0\n")
    assert load_csv(path, target="x").feature_names == ("y",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "which is empty; expected a header line of column names"),
        ("\n\n", "which is empty; expected a header line"),
        ("x,y\n", r"which has a header \(line 1\) but no examples"),
        ("x,y\n1,0\n2,\n", "line 3, column 'y' is empty; expected a number. Fill it in or delete the line."),
        ("x,y\n1,0\nabc,1\n", "line 3, column 'x' holds 'abc', which is not a number"),
        ("x,y\n1,0\nnan,1\n", "line 3, column 'x' holds 'nan'; expected a finite number"),
        ("x,y\n1,0\n1,0,5\n", r"line 3 has 3 cells, but the header \(line 1\) names 2 columns"),
        ("x,y\n1\n", r"line 2 has 1 cells, but the header \(line 1\) names 2 columns"),
        ("x,z\n1,0\n", r"and target='y'; line 1 \(the header\) has no such column, only 'x', 'z'"),
        ("x,x,y\n1,2,0\n", r"line 1 \(the header\) names column 'x' twice"),
        ("x,,y\n1,2,0\n", r"line 1 \(the header\), column 2 has no name"),
        ('x,y\n1,"0\n', "line 2 is not valid CSV: unexpected end of data"),
    ],
    ids=[
        "empty", "blank-lines", "header-only", "missing-cell", "non-numeric", "nan", "too-many-cells",
        "too-few-cells", "no-target", "duplicate-name", "unnamed-column", "unclosed-quote",
    ],
)
def test_a_broken_csv_is_refused_naming_the_file_the_line_and_the_column(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(ValueError, match=f"load_csv\\(\\) got '{path}'.*{message}"):
        load_csv(path, target="y")


def test_bytes_that_are_not_utf8_are_refused_with_their_line(tmp_path):
    path = write(tmp_path, b"x,y\n1,0\n2,\xff\n")
    with pytest.raises(ValueError, match=r"line 3 is not UTF-8 text: byte 0xff at character 3. Save the file as UTF-8"):
        load_csv(path, target="y")


def test_a_file_that_is_not_there_is_refused_with_the_reason(tmp_path):
    with pytest.raises(ValueError, match=r"nowhere.csv', which cannot be read: No such file or directory"):
        load_csv(tmp_path / "nowhere.csv", target="y")


def test_a_folder_is_refused_with_the_reason(tmp_path):
    with pytest.raises(ValueError, match=r"which cannot be read: Is a directory"):
        load_csv(tmp_path, target="y")


def test_an_absurdly_large_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(nn.data, "MAX_CSV_BYTES", 20)
    path = write(tmp_path, "x,y\n" + "1,0\n" * 10)
    with pytest.raises(ValueError, match=r"which holds 44 bytes; expected at most 20 .*Take a sample of the rows"):
        load_csv(path, target="y")


def test_a_cell_longer_than_csvs_limit_is_refused_with_its_line(tmp_path):
    path = write(tmp_path, "x,y\n1,0\n" + "1" * 200_000 + ",0\n")
    with pytest.raises(ValueError, match=r"line 3 is not valid CSV: field larger than field limit"):
        load_csv(path, target="y")


@pytest.mark.parametrize(
    ("features", "message"),
    [
        (["x", "nope"], r"features naming 'nope'; line 1 \(the header\) has no such column"),
        (["x", "y"], "features naming the target 'y'; a model cannot learn from its answer"),
        (["x", "x"], "features naming 'x' twice"),
        ([], r"features=\[\]; expected at least one column"),
        ("x", r"features='x'; expected a list of column names, e.g. \['x'\]"),
    ],
)
def test_features_that_do_not_fit_the_header_are_refused(tmp_path, features, message):
    path = write(tmp_path, "x,y,z\n1,0,2\n")
    with pytest.raises(ValueError, match=message):
        load_csv(path, target="y", features=features)
