"""The ``glassgrad`` command: the course demo, formula graphs, gradient checks and training.

Run ``glassgrad --help`` (or ``python -m nn --help``). Subcommands::

    glassgrad demo [--out DIR]
    glassgrad graph "tanh(w*x + b)" w=-3 x=2 b=6.88 -o graph.svg
    glassgrad check "x**3 / y" x=2 y=5
    glassgrad train --data moons --hidden 16,16 --optimizer adam --learning-rate 0.05 --epochs 100 --out out/moons
    glassgrad train --csv students.csv --target passed
    glassgrad doctor
    glassgrad --version

Exit codes: 0 success, 1 the command ran but failed (a gradient mismatch, a
missing graphviz, a file that cannot be written), 2 a usage mistake (bad
arguments, a formula that does not parse). Every error is one line on stderr
(a formula error adds the formula with a caret under the mistake); tracebacks
are kept for bugs, not for user mistakes.

Heavy libraries (graphviz, matplotlib, tqdm) are imported only by the
subcommands that draw or train, so ``glassgrad --help`` is instant.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import errno
import io
import json
import math
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from autograd.engine.expression import Expression, ExpressionError, parse, parse_bindings
from autograd.files import FileWriteError, write_atomically

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from autograd import Value
    from nn import MLP, History, Module, Optimizer

PROGRAM = "glassgrad"
GRAPH_FORMATS = (".svg", ".png", ".pdf", ".dot")
MAX_GRAPH_NODES = 200
"""The most nodes ``glassgrad graph`` draws: beyond it a picture is unreadable and slow to lay out."""
OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta")
DATA_SETS = ("moons", "circles", "xor", "spirals", "pass_fail")
MAX_SAMPLES = 100_000
"""The most examples ``glassgrad train --samples`` makes: one epoch of 100,000 takes minutes on the scalar engine."""
PASS_FAIL_PLOT = {
    "feature_names": ("lectures attended", "hours on the final project"),
    "class_names": ("failed", "passed"),
}


class CommandError(Exception):
    """The command ran but did not succeed; the message is printed and the exit code is 1."""


class UsageError(Exception):
    """The user asked for something impossible; the message is printed and the exit code is 2."""


# --- argument types: each rejects a bad value with a message argparse prints ---------


def hidden_sizes(text: str) -> list[int]:
    """Read ``--hidden 16,16`` into layer sizes.

    Args:
        text: comma-separated positive integers.

    Returns:
        The hidden layer sizes.

    Raises:
        argparse.ArgumentTypeError: an entry is not a positive integer.

    Example:
        >>> hidden_sizes("16,16")
        [16, 16]
    """
    sizes = []
    for part in text.split(","):
        if not part.strip().isdigit() or int(part) < 1 or int(part) > 1024:
            raise argparse.ArgumentTypeError(
                f"got {text!r}; expected comma-separated layer sizes from 1 to 1024, e.g. 16,16"
            )
        sizes.append(int(part))
    return sizes


def positive_float(text: str) -> float:
    """Read a finite number > 0, e.g. a learning rate.

    Example:
        >>> positive_float("0.05")
        0.05
    """
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0.0):
        raise argparse.ArgumentTypeError(f"got {text!r}; expected a number > 0, e.g. 0.05")
    return value


def positive_int(text: str) -> int:
    """Read an integer ≥ 1, e.g. a number of epochs.

    Example:
        >>> positive_int("100")
        100
    """
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"got {text!r}; expected a whole number ≥ 1, e.g. 100")
    return int(text)


def sample_count(text: str) -> int:
    """Read ``--samples N``: enough to hold one example out, few enough to fit in memory (``MAX_SAMPLES``).

    Example:
        >>> sample_count("200")
        200
    """
    digits = text.strip()
    if not digits.isdigit() or len(digits) > 9 or not 2 <= int(digits) <= MAX_SAMPLES:
        raise argparse.ArgumentTypeError(
            f"got {text!r}; expected a whole number of examples from 2 (one to train on, one to hold out) to "
            f"{MAX_SAMPLES:,} (the scalar engine's minutes per epoch), e.g. 200"
        )
    return int(digits)


def folder_name(text: str) -> str:
    """Read ``--out DIR``: any path but the empty one (which would write into the current folder unasked).

    Example:
        >>> folder_name("out/train")
        'out/train'
    """
    if not text.strip():
        raise argparse.ArgumentTypeError(f"got {text!r}; expected a folder name, e.g. out/train (or . for this folder)")
    if "\0" in text:
        raise argparse.ArgumentTypeError(f"got {text!r}, which holds a NUL character; expected a folder name")
    return text


# --- output helpers -----------------------------------------------------------------------


def _say(message: str = "", stream: TextIO | None = None) -> None:
    _write(message + "\n", stream or sys.stdout)


# What the course's symbols become on a terminal that cannot show them (PYTHONIOENCODING=ascii, a C locale).
_PLAIN = str.maketrans(
    {"∂": "d", "−": "-", "→": "->", "≥": ">=", "≤": "<=", "≠": "!=", "×": "x", "·": "*", "…": "...",
     "σ": "sigma", "η": "eta", "ε": "eps", "Σ": "sum", "√": "sqrt", "²": "^2", "₁": "1", "₂": "2", "ŷ": "y_hat",
     "\u2032": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


def _write(text: str, stream: SupportsWrite[str]) -> None:
    # Checked up front: stderr does not raise but writes \u2265 escapes, which read worse than ">=".
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        text = text.translate(_PLAIN).encode(encoding, "replace").decode(encoding)
    except LookupError:
        pass  # an encoding Python does not know: let the stream do what it can
    stream.write(text)
    flush = getattr(stream, "flush", None)
    if flush is not None:
        flush()


def _number(x: float) -> str:
    # Course numbers read better with a real minus sign and 4 significant digits.
    return f"{x:.4g}".replace("-", "−")


def _make_output_folder(folder: Path, option: str) -> None:
    # --out names a folder for several files: make it and its parents (saying so), as mkdir -p does;
    # refuse only a path that is something other than a folder, saying what it is.
    if folder.is_dir():
        return
    for path in (folder, *folder.parents):
        what = _not_a_folder(path)
        if what:
            named = "" if path == folder else f", but {str(path)!r} on its way"
            raise UsageError(f"{option} got {str(folder)!r}{named}, which is {what}, not a folder; choose a folder.")
        if path.is_dir():
            break
    try:
        folder.mkdir(parents=True)
    except OSError as error:
        raise CommandError(f"cannot create the folder {str(folder)!r}: {error.strerror or error}.") from error
    _say(f"created the folder {folder}")


def _not_a_folder(path: Path) -> str:
    """What ``path`` is when it exists and is not a folder (``"a file"``, ``"a device"``), else ``""``."""
    try:
        mode = path.lstat().st_mode
    except (FileNotFoundError, NotADirectoryError):  # not there (yet): a parent on the way says why
        return ""
    except OSError as error:
        return f"unreachable ({error.strerror or error})"
    if stat.S_ISLNK(mode):
        try:
            mode = path.stat().st_mode
        except OSError as error:
            loops = error.errno == errno.ELOOP
            return "a symbolic link that loops back to itself" if loops else "a broken symbolic link"
    kinds = [
        (stat.S_ISDIR, ""),
        (stat.S_ISREG, "a file"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((what for test, what in kinds if test(mode)), "not a folder")


def _build(expression_text: str, assignments: Sequence[str]) -> tuple[Expression, dict[str, float]]:
    expression = parse(expression_text)
    values = parse_bindings(assignments, expression)
    return expression, values


# --- graph ----------------------------------------------------------------------------------


def _run_graph(args: argparse.Namespace) -> int:
    """``glassgrad graph EXPR [name=value ...] -o FILE``: draw a formula with its gradients."""
    from autograd import topological_order
    from autograd.see.render import save

    output = Path(args.output)
    if output.suffix.lower() not in GRAPH_FORMATS:
        raise UsageError(
            f"-o got {args.output!r}; the file must end in one of {', '.join(GRAPH_FORMATS)} (the format)."
        )
    expression, values = _build(args.expression, args.values)
    root = expression.evaluate(values)
    nodes = topological_order(root)
    if len(nodes) > MAX_GRAPH_NODES:
        # Graphviz needs minutes for a few hundred nodes, and nobody can read them anyway.
        raise UsageError(
            f"the formula makes {len(nodes)} nodes; glassgrad graph draws at most {MAX_GRAPH_NODES}, "
            "so draw a shorter formula."
        )
    root.backward()
    leaves = {node.label: node for node in nodes if node.is_leaf and node.label}
    _say(f"{expression.text} = {root.data:.6g}")
    for name in expression.names:
        _say(f"  ∂/∂{name} = {leaves[name].grad:.6g}")
    save(root, output)
    _say(f"wrote {output}")
    return 0


# --- check -----------------------------------------------------------------------------------


def _run_check(args: argparse.Namespace) -> int:
    """``glassgrad check EXPR [name=value ...]``: compare backprop with finite differences."""
    expression, values = _build(args.expression, args.values)
    if not expression.names:
        raise UsageError(f"{expression.text!r} has no names, so there is nothing to differentiate; try x**2 x=3.")
    # Evaluate once first so a domain error is reported with its caret, not mid-check.
    expression.evaluate(values)
    from autograd import Value, gradcheck

    inputs = [Value(values[name], label=name) for name in expression.names]
    result = gradcheck(expression, inputs, order=args.order, raise_on_failure=False)
    _say(str(result))
    if not result:
        _say(f"{PROGRAM} check: gradcheck failed for {expression.text!r} at this point (see the table).", sys.stderr)
        return 1
    return 0


# --- train ----------------------------------------------------------------------------------


def _run_train(args: argparse.Namespace) -> int:
    """``glassgrad train ...``: train an MLP on a generated data set; save model, history and plots."""
    import nn

    X, y, source = _training_data(args)  # noqa: N806  (X is the data matrix)
    out = Path(args.out)
    _make_output_folder(out, "--out")
    X_train, y_train, X_val, y_val = nn.data.train_val_split(X, y, validation_fraction=0.2, seed=args.seed)  # noqa: N806
    classes = max(y) + 1
    # Two classes: one sigmoid output read as P(class 1). More: one raw score per class, softmax in the loss.
    outputs, output_activation, loss = (1, "sigmoid", nn.binary_cross_entropy) if classes == 2 else (
        classes, None, nn.cross_entropy
    )
    model = nn.MLP(
        len(X[0]), [*args.hidden, outputs], activation="relu", output_activation=output_activation, seed=args.seed
    )
    optimizer = _optimizer(args.optimizer, model, args.learning_rate)
    _say(
        f"training {model.num_parameters()} parameters on {len(X_train)} {source} examples "
        f"({len(X_val)} held out) with {args.optimizer}, learning rate {args.learning_rate}"
    )
    try:
        history = nn.fit(
            model,
            X_train,
            y_train,
            loss=loss,
            optimizer=optimizer,
            epochs=args.epochs,
            batch_size=args.batch_size,
            validation=(X_val, y_val),
            progress=not args.quiet,
            seed=args.seed,
        )
    except ValueError as error:
        if all(math.isfinite(parameter.data) for parameter in model.parameters()):
            raise
        raise CommandError(f"{error} Nothing was saved.") from error  # the run diverged
    if history.interrupted:
        return _stop_interrupted(model, X, y, history, args, out)
    written = _save_model_and_history(model, history, out)
    written += _save_training_plots(model, X, y, history, out, **_plot_options(args, len(X[0])))
    _say(
        f"trained in {history.seconds:.1f} s: validation accuracy {history.val_accuracy[-1]:.1%}, "
        f"validation loss {history.val_loss[-1]:.4f}"
    )
    _list_files(written)
    return 0


def _stop_interrupted(
    model: Module,
    X: Sequence[Sequence[float]],  # noqa: N803  (X is the data matrix)
    y: Sequence[int],
    history: History,
    args: argparse.Namespace,
    out: Path,
) -> int:
    # fit() caught Ctrl-C and kept the last finished epoch: keep that much, say so, exit as interrupted.
    done = history.epochs
    if done == 0:
        _say(f"{PROGRAM} train: interrupted before the first epoch finished; nothing was saved.", sys.stderr)
        return 130
    if not all(math.isfinite(value) for value in model.state_dict().values()):
        _say(
            f"{PROGRAM} train: interrupted after {done} of {args.epochs} epochs; the weights are inf or nan "
            "(training diverged: lower the learning rate), so nothing was saved.",
            sys.stderr,
        )
        return 130
    written = _save_model_and_history(model, history, out)
    written += _save_training_plots(model, X, y, history, out, **_plot_options(args, len(X[0])))
    _say(
        f"{PROGRAM} train: interrupted after {done} of {args.epochs} epochs; saved the model as it was after "
        f"epoch {done}.",
        sys.stderr,
    )
    _list_files(written)
    return 130


def _plot_options(args: argparse.Namespace, n_inputs: int) -> dict[str, Any]:
    options: dict[str, Any] = dict(PASS_FAIL_PLOT) if args.data == "pass_fail" else {}
    if args.csv is not None and len(args.feature_names) == 2:
        options["feature_names"] = args.feature_names
    sizes = "-".join(str(size) for size in [n_inputs, *args.hidden, args.outputs])
    options["title"] = f"{args.source}: a {sizes} network trained with {args.optimizer}"
    return options


def _training_data(args: argparse.Namespace) -> tuple[list[list[float]], list[int], str]:
    # The examples, from a generated data set or the user's CSV file, and how to name them. The answers are
    # kept on args for the plots' labels (feature names, the number of outputs).
    if args.csv is None:
        if args.target is not None:
            raise UsageError(f"--target got {args.target!r}, but it names a column of a --csv file; add --csv FILE.")
        X, y = _data_set(args.data, args.samples or 200, args.seed)  # noqa: N806
        args.source, args.feature_names = args.data, ()
    else:
        args.data = None  # --data's default, not a choice: argparse refuses --data given with --csv
        if args.samples is not None:
            raise UsageError("got both --csv and --samples; the examples come from the CSV file, so drop --samples.")
        if args.target is None:
            raise UsageError("--csv needs --target COLUMN, the header name of the column to predict.")
        X, y, args.feature_names = _csv_classes(args.csv, args.target)  # noqa: N806
        args.source = Path(args.csv).name
    args.outputs = 1 if max(y) == 1 else max(y) + 1
    return X, y, args.source


def _csv_classes(path: str, target: str) -> tuple[list[list[float]], list[int], tuple[str, ...]]:
    from nn import data

    try:
        X, labels, names, _ = data.load_csv(path, target=target)  # noqa: N806
    except ValueError as error:
        raise UsageError(_one_line(str(error))) from None
    y = [label for label in labels if isinstance(label, int) and label >= 0]
    if len(y) != len(labels) or len(y) < 2 or max(y) < 1:
        odd = next((label for label in labels if not (isinstance(label, int) and label >= 0)), None)
        found = f"holds {odd!r}" if odd is not None else f"holds only the class {labels[0]!r} in {len(labels)} rows"
        raise UsageError(
            f"--target got {target!r}, whose column in {path!r} {found}; glassgrad train learns classes: expected "
            "whole numbers 0, 1, 2, ... naming each row's class, at least two classes and two rows."
        )
    return X, y, names


def _data_set(name: str, samples: int, seed: int) -> tuple[list[list[float]], list[int]]:
    from nn import data

    makers: dict[str, Callable[..., tuple[list[list[float]], list[int]]]] = {
        "moons": data.moons,
        "circles": data.circles,
        "xor": data.xor,
        "spirals": data.spirals,
        "pass_fail": data.pass_fail,
    }
    return makers[name](samples, seed=seed)


def _optimizer(name: str, model: Module, learning_rate: float) -> Optimizer:
    import nn

    classes: dict[str, Callable[..., Optimizer]] = {
        "sgd": nn.SGD,
        "adam": nn.Adam,
        "adamw": nn.AdamW,
        "rmsprop": nn.RMSprop,
        "adagrad": nn.Adagrad,
        "adadelta": nn.Adadelta,
    }
    return classes[name](model.parameters(), learning_rate=learning_rate)


def _save_model_and_history(model: Module, history: History, out: Path) -> list[Path]:
    written = [out / "model.json", out / "history.json"]
    try:
        model.save(written[0])
    except ValueError as error:  # inf or nan weights: the run diverged
        raise CommandError(f"{error} Nothing was saved.") from error
    content = json.dumps(dataclasses.asdict(history), indent=2) + "\n"
    write_atomically(written[1], content.encode("utf-8"), caller="train")
    return written


def _save_training_plots(
    model: Module,
    X: Sequence[Sequence[float]],  # noqa: N803  (X is the data matrix)
    y: Sequence[int],
    history: History,
    out: Path,
    **boundary_options: Any,
) -> list[Path]:
    from nn import plots

    files = [out / "decision_boundary.png", out / "loss_curves.png"]
    figures = [plots.loss_curves(history)]
    if len(X[0]) == 2:  # a boundary is drawn in the plane of two features
        figures.insert(0, plots.decision_boundary(model, X, y, **boundary_options))
    else:
        files = files[1:]
    for figure, path in zip(figures, files):
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        write_atomically(path, buffer.getvalue(), caller="train")
    return files


def _list_files(paths: Sequence[Path]) -> None:
    _say("files written:")
    for path in paths:
        _say(f"  {path}  ({_size(path)})")


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024:.1f} KB" if size >= 1024 else f"{size} B"


# --- demo -------------------------------------------------------------------------------------


def _run_demo(args: argparse.Namespace) -> int:
    """``glassgrad demo``: the course in under a minute, from one perceptron to a checked, trained network."""
    out = Path(args.out)
    _make_output_folder(out, "--out")
    started = time.perf_counter()
    written = _demo_perceptron(out)
    written += _demo_pass_fail(out, progress=not args.quiet)
    _say(f"\ndone in {time.perf_counter() - started:.1f} s.")
    _list_files(written)
    return 0


def _demo_perceptron(out: Path) -> list[Path]:
    import nn
    from autograd import Value
    from autograd.see.render import save
    from autograd.see.trace import trace_backward

    _say("1. The course's perceptron: bias w0 = 1, weights W = (3, −2), input x = (−1, 2)")
    neuron = nn.Neuron(2, activation="sigmoid", weights=[3.0, -2.0], bias=1.0)
    neuron.bias.label = "w0"  # the lecture's name for the bias
    y = neuron([Value(-1.0, label="x₁"), Value(2.0, label="x₂")])
    z = y.inputs[0]
    z.label, y.label = "z", "ŷ"
    _say(f"   z = w0 + x₁w₁ + x₂w₂ = 1 − 3 − 4 = {_number(z.data)}")
    _say(f"   ŷ = σ(z) = {y.data:.4f}  (the lecture rounds it to 0.002): far on the ŷ < 0.5 side of the line z = 0")
    # Backprop from the loss for "this point is class 1" (J = −log ŷ), as training would.
    log_y = y.log()
    log_y.label = "log ŷ"
    loss = -log_y
    loss.label = "J"
    trace = trace_backward(loss)
    graph_path = save(loss, out / "perceptron.svg")
    player_path = out / "backprop.html"
    trace.to_html(player_path, title="Backprop through the course's perceptron, J = −log ŷ")
    _say(f"   ∂J/∂w₁ = {_number(neuron.weights[0].grad)}, ∂J/∂w₂ = {_number(neuron.weights[1].grad)}")
    _say(f"2. Its graph, every value and gradient: {graph_path}")
    _say(f"3. Backprop step by step ({len(trace)} steps, open in any browser, arrow keys step): {player_path}")
    return [Path(graph_path), player_path]


COURSE_SEED = 1258
"""The course network's seed: untrained, it says ŷ = 0.1107 for the student (4, 5) who passed, as the lecture's
network does, with every hidden ReLU on (found by ``python tests/autograd/course_graphs.py``)."""


def _demo_pass_fail(out: Path, *, progress: bool) -> list[Path]:
    import nn
    from autograd import gradcheck
    from nn import data as datasets

    student = [4.0, 5.0]
    X, y = datasets.pass_fail(200, seed=0)  # noqa: N806  (X is the data matrix)
    X_train, y_train, X_val, y_val = datasets.train_val_split(X, y, validation_fraction=0.25, seed=0)  # noqa: N806
    model = nn.MLP(2, [3, 1], activation="relu", output_activation="sigmoid", seed=COURSE_SEED)
    _say("4. 'Will I pass this class?' features: lectures attended, hours on the final project")
    written = _demo_untrained(model, student, out)
    _say(f"6. Training: Adam, 60 epochs over {len(X_train)} students")
    history = nn.fit(
        model,
        X_train,
        y_train,
        loss=nn.binary_cross_entropy,
        optimizer=nn.Adam(model.parameters(), learning_rate=0.05),
        epochs=60,
        batch_size=16,
        validation=(X_val, y_val),
        progress=progress,
        seed=0,
    )
    written += _demo_trained(model, student, history.val_accuracy[-1], out)
    plots = _save_training_plots(
        model,
        X,
        y,
        history,
        out,
        **PASS_FAIL_PLOT,
        highlight=[student],
        title="Will I pass? The trained network's answer",
    )
    _say(f"   decision boundary and loss curves: {plots[0]}, {plots[1]}")
    written += plots

    # gradcheck the whole network: its loss as a function of every parameter, nudged in place.
    batch_X, batch_y = X_val[:10], y_val[:10]  # noqa: N806
    result = gradcheck(
        lambda *_: nn.binary_cross_entropy([model(x) for x in batch_X], batch_y),
        model.parameters(),
        raise_on_failure=False,
    )
    verdict = "all match" if result else "MISMATCH"
    _say(f"8. gradcheck of the network's loss, {len(result.rows)} parameters: {verdict}")
    if not result:
        raise CommandError(f"gradcheck found a wrong gradient in the trained network: {result.summary()}")
    return written


def _demo_untrained(model: MLP, student: list[float], out: Path) -> list[Path]:
    # The lecture's story: the untrained network is wrong about a student who passed, and
    # backprop says how each weight should move. Three views of the same gradients: the
    # lecture's picture, the graph one box per neuron, backprop stepped neuron by neuron.
    import nn
    from autograd import Value, topological_order
    from autograd.see.naming import names_and_roles
    from autograd.see.render import save
    from autograd.see.trace import trace_backward

    features = ("lectures", "hours")
    output = _one_output(model([Value(x, label=name) for x, name in zip(student, features)]))
    loss = nn.binary_cross_entropy([output], [1])
    model.zero_grad()
    trace = trace_backward(loss, collapse="scope")  # runs the backward pass, one step per box
    order = topological_order(loss)
    names, _ = names_and_roles(order, loss)  # the names the trace and the pictures use
    y_hat = output.data
    first, output_layer = (layer for layer in model.layers if isinstance(layer, nn.Dense))
    hidden = [_one_output(neuron(student)).data for neuron in first.neurons]
    last = output_layer.neurons[0]
    dz = last.bias.grad  # ∂J/∂z of the output neuron, since z = … + b
    j = max(range(len(hidden)), key=lambda k: abs(last.weights[k].grad))
    weight, w_name, z_name = last.weights[j], names[last.weights[j]], names[last.bias].replace("b", "z", 1)
    _say(f"   untrained (seed {COURSE_SEED}), a 2-3-1 network says the student with 4 lectures and 5 hours passes "
         f"with ŷ = {_number(y_hat)}, yet they passed (y = 1)")
    (p,), relation = _shown(lambda p: -math.log(p), loss.data, y_hat)
    _say(f"   loss J = −log ŷ = −log {p} {relation}")
    (p,), relation = _shown(lambda p: -1.0 / p, -1.0 / y_hat, y_hat)
    _say(f"   backprop, the loss box: ∂J/∂ŷ = −y/ŷ + (1 − y)/(1 − ŷ) = −1/{p} {relation}")
    (u, d), relation = _shown(lambda u, d: u * d, dz, -1.0 / y_hat, y_hat * (1.0 - y_hat))
    _say(f"   the output neuron: ∂J/∂{z_name} = ∂J/∂ŷ · σ′({z_name}) = {u} × {d} {relation}  (which is ŷ − y)")
    (u, a), relation = _shown(lambda u, a: u * a, weight.grad, dz, hidden[j])
    a_name = next(names[node.inputs[1]] for node in order if node.inputs and node.inputs[0] is weight)
    _say(f"   the largest of its weight gradients: ∂J/∂{w_name} = ∂J/∂{z_name} · {a_name} = {u} × {a} {relation}, "
         f"so gradient descent (w ← w − η·∂J/∂w) {'raises' if weight.grad < 0 else 'lowers'} {w_name} most")
    picture, graph, page = out / "network.png", out / "network.svg", out / "network_backprop.html"
    _save_network_picture(model, student, f"Untrained: ŷ = {_number(y_hat)} for a student who passed; ∂J/∂w says "
                          "how each weight should move", picture)
    save(loss, graph, collapse="scope")
    trace.to_html(page, title="Backprop through the untrained 'Will I pass?' network, neuron by neuron")
    _say(f"5. The untrained network as the lecture draws it, every weight with its ∂J/∂w for this student: {picture}")
    _say(f"   its graph, one box per neuron: {graph}; backprop neuron by neuron ({len(trace)} steps): {page}")
    return [picture, graph, page]


def _demo_trained(model: MLP, student: list[float], accuracy: float, out: Path) -> list[Path]:
    # The same student after training: the right answer, and gradients near zero (little left to learn from them).
    import nn

    model.zero_grad()
    output = _one_output(model(student))
    nn.binary_cross_entropy([output], [1]).backward()
    largest = max(abs(p.grad) for p in model.parameters())
    picture = out / "network_trained.png"
    _save_network_picture(model, student, f"Trained: ŷ = {_number(output.data)} for the same student; little left "
                          "to learn from them", picture)
    _say(f"7. Trained: validation accuracy {accuracy:.0%}; the student passes with ŷ = {_number(output.data)}, and "
         f"their gradients are small (largest |∂J/∂w| = {_number(largest)}): {picture}")
    return [picture]


def _one_output(output: Value | list[Value]) -> Value:
    if isinstance(output, list):  # pragma: no cover - the demo's neurons and model have one output
        raise TypeError(f"the model returned {output!r}; a binary classifier returns one Value.")
    return output


def _save_network_picture(model: Module, student: list[float], title: str, path: Path) -> None:
    from nn import plots

    buffer = io.BytesIO()
    figure = plots.network(model, example=student, feature_names=("lectures", "hours"), title=title)
    figure.savefig(buffer, format="png", dpi=100)  # 1024 × 768, a projector's screen
    write_atomically(path, buffer.getvalue(), caller="demo")


def _shown(combine: Callable[..., float], result: float, *operands: float) -> tuple[list[str], str]:
    """Operands written with just enough digits (4 to 7) that combining the written numbers gives the written result.

    Returns the written operands and ``"= result"``, or ``"≈ result"`` when no such digits exist.

    Example:
        >>> _shown(lambda p: -1.0 / p, -1.0 / 0.110723, 0.110723)
        (['0.11072'], '= −9.032')
        >>> _shown(lambda u, a: u * a, -0.8893 * 4.915, -0.8893, 4.915)
        (['−0.8893', '4.915'], '= −4.371')
        >>> _shown(lambda a: a, 2.0, 1.0)
        (['1'], '≈ 2')
    """
    written = _number(result)
    for digits in range(4, 8):
        shown = [f"{x:.{digits}g}" for x in operands]
        if _number(combine(*map(float, shown))) == written:
            return [text.replace("-", "−") for text in shown], f"= {written}"
    return [_number(x) for x in operands], f"≈ {written}"


# --- the parser and main ---------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse, with every error on one line of stderr (with a "did you mean") and exit code 2."""

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            command = self._commands().get(getattr(parsed, "command", None) or "")
            options = [*self._option_names(), *(command._option_names() if command else [])]
            guesses = [_did_you_mean(extra.partition("=")[0], options) for extra in extras if extra.startswith("-")]
            hint = next((guess for guess in guesses if guess), "")
            (command or self).error(f"unrecognized arguments: {' '.join(extras)}{hint}")
        return parsed

    def error(self, message: str) -> NoReturn:
        choice = _INVALID_CHOICE.search(message)
        if choice:
            offered = [option.strip().strip("'") for option in choice.group(2).split(",")]
            message += _did_you_mean(choice.group(1), offered)
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message:
            _write(message, file or sys.stderr)

    def _commands(self) -> dict[str, _Parser]:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                return dict(action.choices)
        return {}

    def _option_names(self) -> list[str]:
        return [name for action in self._actions for name in action.option_strings if name.startswith("--")]


_INVALID_CHOICE = re.compile(r"invalid choice: '?(.*?)'? \(choose from (.*)\)")


def _did_you_mean(word: str, offered: Sequence[str]) -> str:
    """``"; did you mean 'graph'?"`` for the closest offered word, or ``""``.

    Example:
        >>> _did_you_mean("grpah", ["demo", "graph", "check", "train"])
        "; did you mean 'graph'?"
    """
    close = difflib.get_close_matches(word, offered, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def build_parser() -> argparse.ArgumentParser:
    """The ``glassgrad`` argument parser with its five subcommands.

    Example:
        >>> build_parser().parse_args(["check", "x**2", "x=3"]).values
        ['x=3']
    """
    parser = _Parser(
        prog=PROGRAM,
        description="glassgrad: see how neural networks learn. Every number of the course, computed and drawn.",
        epilog="Run 'glassgrad COMMAND --help' for a command's options. Exit codes: 0 ok, 1 failure, 2 usage.",
    )
    parser.add_argument("--version", action="version", version=f"{PROGRAM} {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    demo = commands.add_parser(
        "demo",
        help="the course's main demo: perceptron, its graph, the backprop player, training, gradcheck",
        description="Run the course's main demo and list the files it writes (about 10 seconds: 6 to 8 s measured "
        "on a busy 2-core machine).",
    )
    demo.add_argument(
        "--out", type=folder_name, default="out", metavar="DIR", help="folder for the files (default: out)"
    )
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(run=_run_demo)

    expression_help = "a formula such as 'tanh(w*x + b)': numbers, names, + - * / **, ( ), and functions like tanh"
    values_help = "a value for each name in the formula, e.g. w=-3 x=2 b=6.88"
    graph = commands.add_parser(
        "graph",
        help="draw a formula's computation graph with its values and gradients",
        description="Draw a formula's graph with every value and gradient. Start the formula with a space if it "
        "begins with '-', e.g. ' -x*2'.",
        epilog="Example: glassgrad graph 'tanh(w*x + b)' w=-3 x=2 b=6.88 -o neuron.svg",
    )
    graph.add_argument("expression", metavar="EXPR", help=expression_help)
    graph.add_argument("values", nargs="*", metavar="name=value", help=values_help)
    graph.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="where to write: .svg, .png, .pdf or .dot"
    )
    graph.set_defaults(run=_run_graph)

    check = commands.add_parser(
        "check",
        help="check a formula's gradients against finite differences and print the table",
        description="Compare backprop's gradients with central finite differences at the given point.",
        epilog="Example: glassgrad check 'x**3 / y' x=2 y=5",
    )
    check.add_argument("expression", metavar="EXPR", help=expression_help)
    check.add_argument("values", nargs="*", metavar="name=value", help=values_help)
    check.add_argument("--order", type=int, choices=(1, 2), default=1, help="2 also checks second derivatives")
    check.set_defaults(run=_run_check)

    train = commands.add_parser(
        "train",
        help="train an MLP on a generated data set or your CSV file and save the model, history and plots",
        description="Train a classifier (hidden layers with relu; two classes: a sigmoid output and binary "
        "cross-entropy; more: one score per class and cross-entropy).",
        epilog="Examples: glassgrad train --data moons --hidden 16,16 --optimizer adam --learning-rate 0.05 "
        "--epochs 100;  glassgrad train --csv students.csv --target passed",
    )
    source = train.add_mutually_exclusive_group()
    source.add_argument("--data", choices=DATA_SETS, default="moons", help="a generated data set (default: moons)")
    source.add_argument(
        "--csv", metavar="FILE", help="train on your own data: a CSV file with a header line, one example per line"
    )
    train.add_argument(
        "--samples", type=sample_count, default=None, help="examples to generate with --data (default: 200)"
    )
    train.add_argument(
        "--target", metavar="COLUMN", help="with --csv: the column to predict, whole numbers 0, 1, ... (the class)"
    )
    train.add_argument(
        "--hidden", type=hidden_sizes, default=[16, 16], metavar="SIZES", help="hidden layer sizes (default: 16,16)"
    )
    train.add_argument("--optimizer", choices=OPTIMIZERS, default="adam", help="(default: adam)")
    train.add_argument(
        "--learning-rate", type=positive_float, default=0.05, metavar="RATE", help="step size η (default: 0.05)"
    )
    train.add_argument("--epochs", type=positive_int, default=100, help="passes over the data (default: 100)")
    train.add_argument(
        "--batch-size", type=positive_int, default=32, metavar="B", help="examples per step (default: 32)"
    )
    train.add_argument("--seed", type=int, default=0, help="seed for data, weights and shuffling (default: 0)")
    train.add_argument(
        "--out", type=folder_name, default="out/train", metavar="DIR", help="folder for the files (default: out/train)"
    )
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.set_defaults(run=_run_train)

    doctor = commands.add_parser(
        "doctor",
        help="report the Python, glassgrad's packages and where they come from, optional packages, dot, chromium",
        description="Report what glassgrad runs on: Python, where autograd and nn come from (another package named "
        "autograd hides glassgrad's), the optional packages and programs. Exit code 1 when something is wrong.",
    )
    doctor.set_defaults(run=_run_doctor)
    return parser


def _run_doctor(args: argparse.Namespace) -> int:
    """``glassgrad doctor``: what glassgrad runs on, and whether anything hides it."""
    from nn.doctor import report

    text, healthy = report()
    _say(text)
    return 0 if healthy else 1


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version(PROGRAM)
    except metadata.PackageNotFoundError:
        return "(not installed: run from a source tree)"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``glassgrad`` command line and return its exit code.

    Args:
        argv: the arguments after the program name (default: ``sys.argv[1:]``).

    Returns:
        0 on success, 1 when the command failed, 2 for a usage mistake.

    Example:
        >>> main(["check", "x**2", "x=3"])  # doctest: +ELLIPSIS
        gradcheck passed: ...
        ∂/∂x ...
        0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    prefix = f"{PROGRAM} {args.command}: error:"
    try:
        code: int = args.run(args)
    except ExpressionError as error:
        _say(f"{prefix} {error.message}", sys.stderr)
        for line in error.caret.splitlines():
            _say(f"    {line}", sys.stderr)
        return 2
    except UsageError as error:
        _say(f"{prefix} {error}", sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (glassgrad ... | head): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except (CommandError, OSError) as error:
        _say(f"{prefix} {_failure(error)}", sys.stderr)
        return 1
    except KeyboardInterrupt:
        _say(f"{PROGRAM} {args.command}: interrupted.", sys.stderr)
        return 130
    except Exception as error:
        # Errors glassgrad raises on purpose (a missing graphviz, a domain error)
        # are user-facing: one line. Anything else is a bug and keeps its traceback.
        from autograd import AutogradError

        if isinstance(error, AutogradError):
            _say(f"{prefix} {_one_line(str(error))}", sys.stderr)
            return 1
        raise
    return code


def _failure(error: Exception) -> str:
    if isinstance(error, FileWriteError):
        return _one_line(str(error))  # names the user's path and the fix already
    if isinstance(error, OSError) and error.filename:
        return f"cannot write {os.fsdecode(error.filename)!r}: {error.strerror}."
    return _one_line(str(error))


def _one_line(text: str) -> str:
    return " ".join(text.split())
