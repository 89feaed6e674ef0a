"""The ``glassgrad`` command: every subcommand runs, writes valid files, prints the numbers, exits right."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from nn.cli import build_parser, hidden_sizes, main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run(args, capsys):
    """Run main() in-process; return (exit code, stdout, stderr)."""
    try:
        code = main(args)
    except SystemExit as exit_:  # argparse exits for --help and usage errors
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_valid_svg(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    return root


def assert_valid_png(path: Path) -> None:
    content = path.read_bytes()
    assert content[:8] == PNG_MAGIC
    assert content[12:16] == b"IHDR"
    width, height = int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
    assert width > 100
    assert height > 50


# --- help and usage ---------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["demo"], ["graph"], ["check"], ["train"]])
def test_help_is_available_everywhere(command, capsys):
    code, out, _ = run([*command, "--help"], capsys)
    assert code == 0
    assert out.startswith("usage: glassgrad")


def test_no_command_is_a_usage_error(capsys):
    code, _, err = run([], capsys)
    assert code == 2
    assert "the following arguments are required: COMMAND" in err


def test_an_unknown_command_is_a_usage_error(capsys):
    code, _, err = run(["fly"], capsys)
    assert code == 2
    assert "invalid choice: 'fly'" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", "--hidden", "16,x"], "argument --hidden: got '16,x'; expected comma-separated layer sizes"),
        (["train", "--hidden", "0"], "expected comma-separated layer sizes from 1 to 1024"),
        (["train", "--learning-rate", "-0.1"], "argument --learning-rate: got '-0.1'; expected a number > 0"),
        (["train", "--learning-rate", "nan"], "expected a number > 0"),
        (["train", "--epochs", "0"], "argument --epochs: got '0'; expected a whole number ≥ 1"),
        (["train", "--optimizer", "lbfgs"], "argument --optimizer: invalid choice: 'lbfgs'"),
        (["train", "--data", "mnist"], "argument --data: invalid choice: 'mnist'"),
        (["graph", "x", "x=1"], "the following arguments are required: -o/--output"),
        (["check", "x", "x=1", "--order", "3"], "argument --order: invalid choice: 3"),
    ],
)
def test_bad_options_are_usage_errors_on_one_line(args, message, capsys):
    code, out, err = run(args, capsys)
    assert code == 2
    assert out == ""
    last_line = err.strip().splitlines()[-1]
    assert last_line.startswith(f"glassgrad {args[0]}: error: ")
    assert message in last_line


def test_hidden_sizes_reads_a_comma_list():
    assert hidden_sizes("16,16") == [16, 16]
    assert hidden_sizes("3") == [3]


def test_the_parser_defaults_match_the_issue():
    args = build_parser().parse_args(["train"])
    chosen = (args.data, args.hidden, args.optimizer, args.learning_rate, args.epochs)
    assert chosen == ("moons", [16, 16], "adam", 0.05, 100)
    assert build_parser().parse_args(["demo"]).out == "out"


# --- graph ------------------------------------------------------------------------------


def test_graph_writes_an_svg_and_prints_value_and_gradients(tmp_path, capsys):
    target = tmp_path / "neuron.svg"
    code, out, err = run(["graph", "tanh(w*x + b)", "w=-3", "x=2", "b=6.88", "-o", str(target)], capsys)
    assert code == 0, err
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "tanh(w*x + b) = 0.706419"
    assert lines[1:4] == ["  ∂/∂w = 1.00194", "  ∂/∂x = -1.50292", "  ∂/∂b = 0.500972"]
    assert lines[-1] == f"wrote {target}"
    svg = assert_valid_svg(target)
    text = " ".join(t for t in svg.itertext())
    for expected in ("w", "x", "b", "tanh", "0.7064", "-1.503"):
        assert expected in text


def test_graph_writes_png_and_dot_by_extension(tmp_path, capsys):
    png, dot = tmp_path / "g.png", tmp_path / "nested" / "g.dot"
    assert run(["graph", "x*x", "x=3", "-o", str(png)], capsys)[0] == 0
    assert_valid_png(png)
    (tmp_path / "nested").mkdir()
    assert run(["graph", "x*x", "x=3", "-o", str(dot)], capsys)[0] == 0
    assert dot.read_text().startswith("digraph")


def test_graph_never_creates_a_missing_folder(tmp_path, capsys):
    target = tmp_path / "no" / "g.dot"
    code, _, err = run(["graph", "x*x", "x=3", "-o", str(target)], capsys)
    assert code == 1
    folder = str(tmp_path / "no")
    assert err == (
        f"glassgrad graph: error: save() got {str(target)!r}; the folder {folder!r} does not exist. "
        f"Create it first: os.makedirs({folder!r}, exist_ok=True).\n"
    )
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("kind", ["fifo", "read-only", "folder"])
def test_graph_refuses_to_replace_what_is_not_a_writable_regular_file(tmp_path, capsys, kind):
    target = tmp_path / "g.dot"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    else:
        target.write_text("keep")
        target.chmod(0o444)
    code, _, err = run(["graph", "x*x", "x=3", "-o", str(target)], capsys)
    assert code == 1
    expected = {"fifo": "which is a FIFO (named pipe), not a regular file", "folder": "which is a folder",
                "read-only": "which is read-only (mode -r--r--r--)"}[kind]
    assert err.startswith(f"glassgrad graph: error: save() got {str(target)!r}, {expected}")
    assert len(err.splitlines()) == 1
    if kind == "read-only":
        assert target.read_text() == "keep"


def test_train_history_goes_through_the_safe_writer_and_a_full_disk_names_it(tmp_path, capsys, monkeypatch):
    import errno

    import autograd.files

    out = tmp_path / "run"
    out.mkdir()
    (out / "history.json").write_text('{"old": true}')
    real_replace = os.replace

    def full_disk_for_history(source, target):
        if str(target).endswith("history.json"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(source, target)

    monkeypatch.setattr(autograd.files.os, "replace", full_disk_for_history)
    code, _, err = run(["train", "--samples", "40", "--hidden", "2", "--epochs", "1", "--out", str(out), "--quiet"],
                       capsys)
    assert code == 1
    assert err == (
        f"glassgrad train: error: train could not write {str(out / 'history.json')!r}: No space left on device. "
        "The disk is full: free some space; the old file (if any) is unchanged.\n"
    )
    assert (out / "history.json").read_text() == '{"old": true}'
    assert not [name for name in os.listdir(out) if name.endswith(".glassgrad-tmp")]


QUICK = ["--hidden", "2", "--epochs", "1", "--quiet"]


def test_train_makes_its_out_folder_with_its_parents_and_says_so(tmp_path, capsys):
    code, out, _ = run(["train", "--samples", "40", *QUICK, "--out", str(tmp_path / "a" / "b")], capsys)
    assert code == 0
    assert out.startswith(f"created the folder {tmp_path / 'a' / 'b'}\n")
    assert (tmp_path / "a" / "b" / "model.json").is_file()


def test_train_with_the_default_out_works_in_a_fresh_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, _ = run(["train", "--samples", "40", *QUICK], capsys)
    assert code == 0
    assert (tmp_path / "out" / "train" / "history.json").is_file()


def _a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    return tmp_path / "f"


def _self_link(tmp_path):
    link = tmp_path / "loop"
    link.symlink_to(link)
    return link


def _file_on_the_way(tmp_path):
    (tmp_path / "notes").write_text("x")
    return tmp_path / "notes" / "run"


@pytest.mark.parametrize(
    ("make", "tail"),
    [
        (_a_file, ", which is a file, not a folder"),
        (lambda tmp_path: Path(os.devnull), ", which is a character device, not a folder"),
        (_self_link, ", which is a symbolic link that loops back to itself, not a folder"),
        (_file_on_the_way, ", but {parent!r} on its way, which is a file, not a folder"),
    ],
    ids=["file", "device", "self-link", "file-on-the-way"],
)
def test_train_out_that_is_not_a_folder_is_a_one_line_usage_error_saying_what_it_is(tmp_path, capsys, make, tail):
    target = make(tmp_path)
    code, out, err = run(["train", "--samples", "40", *QUICK, "--out", str(target)], capsys)
    assert code == 2
    assert out == ""
    tail = tail.format(parent=str(target.parent))
    assert err == f"glassgrad train: error: --out got {str(target)!r}{tail}; choose a folder.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", ""], "argument --out: got ''; expected a folder name, e.g. out/train"),
        (["--samples", "1"], "argument --samples: got '1'; expected a whole number of examples from 2"),
        (["--samples", "1000000000000"], "argument --samples: got '1000000000000'; expected a whole number"),
        (["--target", "passed"], "--target got 'passed', but it names a column of a --csv file; add --csv FILE."),
        (["--csv", "x.csv"], "--csv needs --target COLUMN, the header name of the column to predict."),
        (["--csv", "x.csv", "--data", "xor"], "argument --data: not allowed with argument --csv"),
        (["--csv", "x.csv", "--target", "y", "--samples", "9"], "got both --csv and --samples"),
    ],
    ids=["empty-out", "one-sample", "huge-samples", "target-alone", "csv-alone", "csv-and-data", "csv-and-samples"],
)
def test_train_refuses_impossible_arguments_in_one_line_with_exit_code_2(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["train", *args, *QUICK], capsys)
    assert code == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def _students_csv(tmp_path, n=40):
    import nn

    examples, labels = nn.data.pass_fail(n, seed=0)
    path = tmp_path / "students.csv"
    path.write_text("lectures,hours,passed\n" + "".join(f"{a},{b},{c}\n" for (a, b), c in zip(examples, labels)))
    return path


def train_on_csv(path, target, tmp_path, capsys):
    return run(["train", "--csv", str(path), "--target", target, *QUICK, "--out", str(tmp_path / "o")], capsys)


def test_train_on_a_csv_file_names_the_axes_after_its_columns(tmp_path, capsys, monkeypatch):
    import nn.plots

    drawn = {}
    original = nn.plots.decision_boundary

    def spy(model, examples, labels, **options):
        drawn.update(options, n=len(examples))
        return original(model, examples, labels, **options)

    monkeypatch.setattr(nn.plots, "decision_boundary", spy)
    code, out, _ = train_on_csv(_students_csv(tmp_path), "passed", tmp_path, capsys)
    assert code == 0
    assert "on 32 students.csv examples (8 held out)" in out
    assert drawn["feature_names"] == ("lectures", "hours")
    assert drawn["n"] == 40
    assert_valid_png(tmp_path / "o" / "decision_boundary.png")
    assert nn.load(tmp_path / "o" / "model.json").num_parameters() == 2 * 2 + 2 + 2 + 1


def test_train_on_a_csv_of_three_classes_and_three_features_uses_cross_entropy_and_skips_the_boundary(tmp_path, capsys):
    import nn

    examples, labels = nn.data.blobs(30, centers=3, seed=0)
    path = tmp_path / "blobs.csv"
    path.write_text("a,b,c,kind\n" + "".join(f"{p},{q},{p + q},{k}\n" for (p, q), k in zip(examples, labels)))
    code, _, _ = train_on_csv(path, "kind", tmp_path, capsys)
    assert code == 0
    assert sorted(os.listdir(tmp_path / "o")) == ["history.json", "loss_curves.png", "model.json"]
    assert len(nn.load(tmp_path / "o" / "model.json")([0.0, 0.0, 0.0])) == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("x,passed\n1,0\n2,\n", "data.csv'; line 3, column 'passed' is empty; expected a number"),
        ("x,passed\n1,0\n2,0.5\n", "--target got 'passed', whose column in '{path}' holds 0.5; glassgrad train "
         "learns classes"),
        ("x,passed\n1,0\n2,0\n", "holds only the class 0 in 2 rows"),
        ("x,y\n1,0\n", "and target='passed'; line 1 (the header) has no such column, only 'x', 'y'."),
    ],
    ids=["empty-cell", "not-a-class", "one-class", "no-such-column"],
)
def test_train_on_a_broken_csv_is_a_one_line_usage_error_naming_the_line(tmp_path, capsys, content, message):
    path = tmp_path / "data.csv"
    path.write_text(content)
    code, _, err = train_on_csv(path, "passed", tmp_path, capsys)
    assert code == 2
    assert message.format(path=path) in err
    assert err.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_graph_with_an_unknown_format_is_a_usage_error(tmp_path, capsys):
    code, _, err = run(["graph", "x", "x=1", "-o", str(tmp_path / "g.gif")], capsys)
    assert code == 2
    assert "the file must end in one of .svg, .png, .pdf, .dot" in err
    assert not (tmp_path / "g.gif").exists()


@pytest.mark.parametrize(
    ("args", "message", "caret_line"),
    [
        (["tanh(w*x + b"], "expected ')' to close the '(' at column 5, got the end of the expression.", " " * 16 + "^"),
        (["__import__('os')"], "unexpected character \"'\" at column 12", "               ^"),
        (["w*x + b", "w=1", "x=2"], "'b' has no value; add b=NUMBER after the expression", "          ^"),
        (["x", "x=abc"], "'x=abc': 'abc' is not a plain number", "      ^"),
        (["x", "x"], "'x' is not name=value", "    ^"),
        (["x", "x=1", "y=2"], "the expression does not use 'y'", "    ^"),
        (["log(x)", "x=-1"], "at column 1: log() got -1.0 from node 'x'; log needs x > 0.", "    ^"),
        (["9**9**9**9"], "the '**' at column 5 gives inf", "        ^"),
        (["(" * 10_000 + "x" + ")" * 10_000, "x=1"], "nests deeper than 100 levels", None),
    ],
)
def test_graph_formula_mistakes_are_one_line_plus_a_caret_and_exit_2(tmp_path, args, message, caret_line, capsys):
    target = tmp_path / "g.svg"
    code, out, err = run(["graph", *args, "-o", str(target)], capsys)
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("glassgrad graph: error: ")
    assert message in lines[0]
    if caret_line is not None:
        assert lines[2] == caret_line
    assert "Traceback" not in err
    assert not target.exists()


def test_graph_refuses_a_formula_too_big_to_draw(tmp_path, capsys):
    code, _, err = run(["graph", "+".join(["x"] * 300), "x=1", "-o", str(tmp_path / "g.svg")], capsys)
    assert code == 2
    assert err == (
        "glassgrad graph: error: the formula makes 300 nodes; glassgrad graph draws at most 200, "
        "so draw a shorter formula.\n"
    )


def test_graph_reports_a_graphviz_timeout_in_one_line_and_exits_1(tmp_path, capsys, monkeypatch):
    from autograd.see import render

    def timing_out(arguments, **options):
        raise subprocess.TimeoutExpired(arguments, options["timeout"])

    monkeypatch.setattr(render, "require_dot", lambda function: "dot")
    monkeypatch.setattr(subprocess, "run", timing_out)
    code, _, err = run(["graph", "x*y", "x=2", "y=3", "-o", str(tmp_path / "g.svg")], capsys)
    assert code == 1
    assert err == (
        "glassgrad graph: error: save(): Graphviz's dot took over 120 s to lay out a graph of 4 nodes (values and "
        'operations) and was stopped; pass collapse="scope" to draw each autograd.scope as one box, or draw a '
        "smaller graph.\n"
    )
    assert not (tmp_path / "g.svg").exists()


def test_graph_into_a_folder_that_is_a_file_fails_with_exit_1(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, err = run(["graph", "x", "x=1", "-o", str(blocker / "g.svg")], capsys)
    assert code == 1
    assert err == (
        f"glassgrad graph: error: save() got {str(blocker / 'g.svg')!r}; the folder {str(blocker)!r} is a file, "
        "not a folder; write somewhere else.\n"
    )


# --- check ------------------------------------------------------------------------------


def test_check_prints_a_table_with_every_input_and_exits_0(capsys):
    code, out, err = run(["check", "x**3 / y", "x=2", "y=5"], capsys)
    assert code == 0, err
    assert "x" in out
    assert "y" in out
    assert "2.4" in out  # ∂/∂x = 3x²/y = 12/5
    assert "-0.32" in out  # ∂/∂y = −x³/y² = −8/25


def test_check_reports_a_kink_and_still_runs(capsys):
    code, out, _ = run(["check", "relu(x)", "x=0"], capsys)
    assert code in (0, 1)
    assert "x" in out


def test_check_at_a_point_where_the_derivative_is_infinite_fails_with_exit_1(capsys):
    code, out, err = run(["check", "sqrt(x)", "x=0"], capsys)
    assert code == 1
    assert "not finite" in out
    assert err == "glassgrad check: gradcheck failed for 'sqrt(x)' at this point (see the table).\n"


def test_a_formula_starting_with_minus_goes_after_double_dash(capsys):
    code, out, err = run(["check", "--", "-x**2", "x=3"], capsys)
    assert code == 0, err
    assert "-6" in out  # d/dx −x² = −2x


def test_check_second_order(capsys):
    code, _, err = run(["check", "sin(x) * y", "x=0.5", "y=2", "--order", "2"], capsys)
    assert code == 0, err


def test_check_without_names_is_a_usage_error(capsys):
    code, _, err = run(["check", "2 * 3"], capsys)
    assert code == 2
    assert err.startswith("glassgrad check: error: '2 * 3' has no names, so there is nothing to differentiate")


def test_check_with_a_domain_error_points_at_it(capsys):
    code, _, err = run(["check", "sqrt(x)", "x=-4"], capsys)
    assert code == 2
    assert "sqrt() got -4.0 from node 'x'" in err


# --- python -m nn and the installed script ----------------------------------------------


def test_python_dash_m_nn_runs_the_same_command(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "nn", "graph", "x*y", "x=2", "y=3", "-o", str(tmp_path / "g.dot")],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("x*y = 6")


def test_python_dash_m_nn_usage_error_has_no_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "nn", "check", "x +"], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("glassgrad check: error: expected a number, a name or '(' at column 4")


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "glassgrad"
    if not script.exists():
        pytest.skip(f"no console script at {script}; run `make venv` (pip install -e .) to install it")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "demo" in result.stdout


# --- train and demo: the slow ones ------------------------------------------------------


@pytest.mark.slow
def test_train_saves_model_history_and_plots(tmp_path, capsys):
    out = tmp_path / "run"
    args = ["train", "--data", "moons", "--samples", "80", "--hidden", "8", "--optimizer", "adam"]
    code, stdout, err = run([*args, "--learning-rate", "0.05", "--epochs", "15", "--out", str(out), "--quiet"], capsys)
    assert code == 0, err
    for name in ("model.json", "history.json", "decision_boundary.png", "loss_curves.png"):
        assert (out / name).exists(), name
        assert f"{out / name}" in stdout
    assert_valid_png(out / "decision_boundary.png")
    assert_valid_png(out / "loss_curves.png")
    history = json.loads((out / "history.json").read_text())
    assert len(history["train_loss"]) == 15
    assert re.search(r"validation accuracy \d+\.\d%", stdout)
    import nn

    model = nn.load(out / "model.json")
    assert model.num_parameters() == 2 * 8 + 8 + 8 + 1


@pytest.mark.slow
def test_demo_writes_every_file_and_prints_the_course_numbers(tmp_path, capsys):
    out = tmp_path / "demo"
    code, stdout, err = run(["demo", "--out", str(out), "--quiet"], capsys)
    assert code == 0, err
    assert "z = w0 + x₁w₁ + x₂w₂ = 1 − 3 − 4 = −6" in stdout
    assert "ŷ = σ(z) = 0.0025" in stdout
    assert "gradcheck" in stdout
    assert "all match" in stdout
    assert "backprop neuron by neuron (5 steps)" in stdout  # the loss box, then 4 neuron boxes
    # The lecture's story: the untrained network first, wrong about a student who passed.
    assert "passes with ŷ = 0.1107, yet they passed (y = 1)" in stdout
    assert "∂J/∂ŷ = −y/ŷ + (1 − y)/(1 − ŷ) = −1/0.110715 = −9.032" in stdout
    assert stdout.index("−9.032") < stdout.index("Training") < stdout.index("Trained")
    assert_worked_numbers_multiply_out(stdout)
    expected = ["perceptron.svg", "backprop.html", "decision_boundary.png", "loss_curves.png", "network.png",
                "network.svg", "network_backprop.html", "network_trained.png"]
    listing = stdout[stdout.index("files written:") :]
    for name in expected:
        assert str(out / name) in listing, name
    assert_valid_svg(out / "perceptron.svg")
    assert_valid_png(out / "decision_boundary.png")
    assert_valid_png(out / "loss_curves.png")
    html = (out / "backprop.html").read_text()
    assert html.lstrip().lower().startswith("<!doctype html")
    assert html.count("svg width=") == 1  # one laid-out SVG, repainted at each backprop step from the data
    assert html.count('"changes": [[') == 1
    assert not re.search(r"(src|href)=\\?[\"']https?://", html)  # offline: nothing fetched from the network
    assert os.path.getsize(out / "perceptron.svg") > 1000
    assert_valid_png(out / "network.png")
    assert_valid_svg(out / "network.svg")
    svg = (out / "network.svg").read_text()
    assert "binary cross&#45;entropy" in svg  # the loss is its own box (graphviz escapes the hyphen)
    assert "lectures" in svg
    assert "hours" in svg
    page = (out / "network_backprop.html").read_text()
    assert page.count("svg width=") == 1
    assert "neuron 1 of layer 2" in page
    assert "untrained" in page
    assert_valid_png(out / "network_trained.png")


def assert_worked_numbers_multiply_out(text):
    # Every "a × b = c" printed: the numbers as written multiply to the result as written.
    products = re.findall(r"(−?[\d.]+) × (−?[\d.]+) = (−?[\d.]+)", text)
    assert len(products) >= 2
    for a, b, c in products:
        a, b, c = (float(x.replace("−", "-")) for x in (a, b, c))
        digits = len(f"{c:.10g}".replace("-", "").replace(".", "").lstrip("0"))
        assert float(f"{a * b:.{digits}g}") == c, (a, b, c)


def test_the_worked_numbers_check_catches_a_product_that_does_not_multiply_out():
    assert_worked_numbers_multiply_out("−9.032 × 0.09846 = −0.8893 and −0.8893 × 4.915 = −4.371")
    with pytest.raises(AssertionError):
        assert_worked_numbers_multiply_out("−1.0 × 0.0002877 = −0.0002878 and 2.0 × 2.0 = 4.0")


def _interrupt_after(monkeypatch, steps):
    import nn

    real_step = nn.Adam.step
    taken = []

    def step(self):
        if len(taken) == steps:
            raise KeyboardInterrupt
        taken.append(1)
        real_step(self)

    monkeypatch.setattr(nn.Adam, "step", step)


def test_train_interrupted_mid_run_saves_the_finished_epochs_and_exits_130(tmp_path, capsys, monkeypatch):
    # 40 samples, 32 for training, batch size 16: two steps per epoch, so 5 steps finish 2 epochs.
    _interrupt_after(monkeypatch, 5)
    out = tmp_path / "run"
    args = ["train", "--samples", "40", "--batch-size", "16", "--hidden", "4", "--epochs", "10"]
    code, stdout, err = run([*args, "--out", str(out), "--quiet"], capsys)
    assert code == 130
    assert err.strip() == (
        "glassgrad train: interrupted after 2 of 10 epochs; saved the model as it was after epoch 2."
    )
    assert "Traceback" not in err
    history = json.loads((out / "history.json").read_text())
    assert len(history["train_loss"]) == 2
    assert history["interrupted"] is True
    for name in ("model.json", "decision_boundary.png", "loss_curves.png"):
        assert f"{out / name}" in stdout


def test_train_interrupted_before_an_epoch_saves_nothing_and_exits_130(tmp_path, capsys, monkeypatch):
    _interrupt_after(monkeypatch, 0)
    out = tmp_path / "run"
    code, stdout, err = run(["train", "--samples", "40", "--hidden", "4", "--out", str(out), "--quiet"], capsys)
    assert code == 130
    assert err.strip() == "glassgrad train: interrupted before the first epoch finished; nothing was saved."
    assert not (out / "model.json").exists()
    assert "files written" not in stdout


def test_train_interrupted_after_the_weights_went_nan_exits_130_and_saves_nothing(tmp_path, capsys, monkeypatch):
    import math

    import nn

    taken = []

    def diverge(self):
        if len(taken) == 3:
            raise KeyboardInterrupt
        taken.append(1)
        for parameter in self.parameters:
            parameter.data = math.nan

    monkeypatch.setattr(nn.Adam, "step", diverge)
    # binary_cross_entropy now refuses a nan output; the logits loss lets the diverged epoch finish, as before.
    loss = nn.binary_cross_entropy

    def nan_tolerant(outputs, targets):
        if any(math.isnan(output.data) for output in outputs):
            return nn.binary_cross_entropy_with_logits(outputs, targets)
        return loss(outputs, targets)

    monkeypatch.setattr(nn, "binary_cross_entropy", nan_tolerant)
    out = tmp_path / "run"
    args = ["train", "--samples", "40", "--batch-size", "16", "--hidden", "4", "--epochs", "10"]
    code, _, err = run([*args, "--out", str(out), "--quiet"], capsys)
    assert code == 130
    assert err == (
        "glassgrad train: interrupted after 1 of 10 epochs; the weights are inf or nan (training diverged: lower "
        "the learning rate), so nothing was saved.\n"
    )
    assert not (out / "model.json").exists()


def test_train_that_diverges_stops_with_one_line_and_saves_nothing(tmp_path, capsys, monkeypatch):
    import math

    import nn

    def diverge(self):
        for parameter in self.parameters:
            parameter.data = math.nan

    monkeypatch.setattr(nn.Adam, "step", diverge)
    out = tmp_path / "run"
    args = ["train", "--samples", "40", "--batch-size", "16", "--hidden", "4", "--epochs", "10"]
    code, _, err = run([*args, "--out", str(out), "--quiet"], capsys)
    assert code == 1
    assert err.startswith("glassgrad train: error: binary_cross_entropy() got output nan for example 0; the model's")
    assert err.endswith("Nothing was saved.\n")
    assert err.count("\n") == 1
    assert not (out / "model.json").exists()


# --- version, did you mean, one-line errors, narrow terminals ----------------------------------------


def test_version_prints_the_installed_version(capsys):
    from importlib import metadata

    code, out, _ = run(["--version"], capsys)
    assert code == 0
    assert out == f"glassgrad {metadata.version('glassgrad')}\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["grpah", "x"], "glassgrad: error: argument COMMAND: invalid choice: 'grpah' (choose from 'demo', 'graph', "
         "'check', 'train', 'doctor'); did you mean 'graph'? (see 'glassgrad --help')\n"),
        (["train", "--epohcs", "3"], "glassgrad train: error: unrecognized arguments: --epohcs 3; did you mean "
         "'--epochs'? (see 'glassgrad train --help')\n"),
        (["train", "--learning_rate=0.1"], "glassgrad train: error: unrecognized arguments: --learning_rate=0.1; "
         "did you mean '--learning-rate'? (see 'glassgrad train --help')\n"),
        (["train", "--optimizer", "adma"], "glassgrad train: error: argument --optimizer: invalid choice: 'adma' "
         "(choose from 'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'adadelta'); did you mean 'adam'? "
         "(see 'glassgrad train --help')\n"),
        (["train", "--zzz"], "glassgrad train: error: unrecognized arguments: --zzz (see 'glassgrad train --help')\n"),
        (["fly"], "glassgrad: error: argument COMMAND: invalid choice: 'fly' (choose from 'demo', 'graph', 'check', "
         "'train', 'doctor') (see 'glassgrad --help')\n"),
    ],
)
def test_mistakes_get_one_line_with_a_did_you_mean(args, expected, capsys):
    code, out, err = run(args, capsys)
    assert code == 2
    assert out == ""
    assert err == expected


def test_demo_help_states_its_measured_duration(capsys):
    code, out, _ = run(["demo", "--help"], capsys)
    assert code == 0
    assert "about 10 seconds" in " ".join(out.split())


def _ascii_run(args, cwd):
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    return subprocess.run([sys.executable, "-m", "nn", *args], capture_output=True, cwd=cwd, env=env, timeout=120,
                          check=False)


def test_graph_on_an_ascii_terminal_prints_plain_symbols(tmp_path):
    done = _ascii_run(["graph", "tanh(w*x + b)", "w=-3", "x=2", "b=6.88", "-o", "g.dot"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("ascii").splitlines()[:2] == ["tanh(w*x + b) = 0.706419", "  d/dw = 1.00194"]
    assert (tmp_path / "g.dot").read_text(encoding="utf-8").startswith("digraph")


def test_help_and_errors_on_an_ascii_terminal_do_not_crash(tmp_path):
    done = _ascii_run(["train", "--help"], tmp_path)
    assert done.returncode == 0
    assert b"step size eta" in done.stdout
    done = _ascii_run(["train", "--epochs", "0"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.decode("ascii") == (
        "glassgrad train: error: argument --epochs: got '0'; expected a whole number >= 1, e.g. 100 "
        "(see 'glassgrad train --help')\n"
    )


# --- doctor and the import-name clash ------------------------------------------------------------


def test_doctor_reports_python_packages_and_programs(capsys):
    code, out, _ = run(["doctor"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("glassgrad ")
    assert lines[1].startswith(f"  python        {sys.version.split()[0]} at ")
    assert "(glassgrad's engine)" in lines[2]
    for name in ("graphviz", "matplotlib", "torch", "dot", "chromium"):
        assert any(line.startswith(f"  {name} ") for line in lines), name
    assert lines[-1] == "no problems found"


def _hips_autograd(site):
    """A stand-in for HIPS autograd 1.9.1 installed into site-packages (its __init__ must never run)."""
    package = site / "autograd"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("raise RuntimeError('HIPS autograd was executed')\n")
    info = site / "autograd-1.9.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: autograd\nVersion: 1.9.1\n")
    (info / "RECORD").write_text("autograd/__init__.py,,\nautograd-1.9.1.dist-info/METADATA,,\n")
    (info / "top_level.txt").write_text("autograd\n")
    return package / "__init__.py"


def test_import_nn_with_hips_autograd_installed_names_it_and_the_fix(tmp_path):
    origin = _hips_autograd(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": f"{tmp_path / 'site'}{os.pathsep}{Path(__file__).resolve().parents[1]}"}
    script = "import nn"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120,
                          cwd=tmp_path, check=False)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last == (
        f"ImportError: import nn found a different 'autograd' package at {str(origin)!r}, installed by the "
        "distribution 'autograd' 1.9.1 (HIPS autograd, which PennyLane and other packages depend on). glassgrad's "
        "engine is also imported as 'autograd', and one Python environment can hold only one of the two. Fix: use "
        "glassgrad in its own virtual environment: python -m venv ~/.venvs/glassgrad && "
        "~/.venvs/glassgrad/bin/pip install glassgrad (or, if nothing here needs the other autograd: pip uninstall "
        "autograd && pip install --force-reinstall glassgrad). 'glassgrad doctor' shows what is installed where."
    )
    assert "HIPS autograd was executed" not in done.stderr
    done = subprocess.run([sys.executable, "-m", "nn", "--help"], capture_output=True, text=True, env=env,
                          timeout=120, cwd=tmp_path, check=False)
    assert done.returncode == 1
    assert "ImportError: import nn found a different 'autograd' package" in done.stderr


def test_an_autograd_folder_nobody_installed_is_named_too(tmp_path, monkeypatch):
    import types

    from nn import doctor

    foreign = types.ModuleType("autograd")
    foreign.__file__ = str(tmp_path / "autograd" / "__init__.py")
    monkeypatch.setitem(sys.modules, "autograd", foreign)
    monkeypatch.setattr(doctor, "other_owners", lambda package: [])
    with pytest.raises(ImportError, match=r"which no installed distribution claims \(a folder named autograd in the"):
        doctor.check_autograd()
    text, healthy = doctor.report()
    assert healthy is False
    assert text.splitlines()[-1].startswith("PROBLEM: import nn found a different 'autograd' package at ")


def test_doctor_exits_1_when_nn_is_also_another_distribution(capsys, monkeypatch):
    from nn import doctor

    monkeypatch.setattr(doctor, "other_owners", lambda package: [("nn", "0.1.1")] if package == "nn" else [])
    code, out, _ = run(["doctor"], capsys)
    assert code == 1
    assert out.splitlines()[-1] == (
        "PROBLEM: the import name 'nn' is also provided by the distribution 'nn' 0.1.1; use glassgrad in its own "
        "virtual environment."
    )
