"""Pictures of learning: decision boundaries, loss curves, the loss landscape, activations.

Each function returns a matplotlib ``Figure`` (the last line of a notebook cell
shows it, once; ``fig.savefig("out.png")`` writes it). The figures are made
without ``matplotlib.pyplot``, so pyplot neither shows them a second time nor
keeps them alive: a figure you drop is freed. matplotlib is imported only when
a plot is drawn, so ``import nn`` needs nothing outside the standard library;
install it with ``pip install matplotlib`` (or ``pip install glassgrad[notebook]``).

Example:
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from nn import plots
    >>> type(plots.activations()).__name__
    'Figure'
"""

from __future__ import annotations

import io
import itertools
import math
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from autograd import Parameter, Value, no_grad
from autograd.see.render import format_number
from nn import data
from nn.checks import evaluating
from nn.early_stopping import Callback
from nn.module import Module
from nn.optimizers import SGD
from nn.training import History

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox, BboxBase
    from numpy.typing import NDArray

    from nn.neuron import Neuron

# Okabe-Ito colours, distinguishable with colour blindness; the course draws
# failing students red and passing ones green.
RED, GREEN, BLUE, ORANGE, PURPLE, GREY = "#D55E00", "#009E73", "#0072B2", "#E69F00", "#CC79A7", "#777777"
CLASS_COLOURS = (RED, GREEN, BLUE, ORANGE, PURPLE, "#56B4E9", "#F0E442", "#000000")
# matplotlib's "tab10", for the ten digit classes.
TEN_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
               "#17becf")


def _new_figure(figsize: tuple[float, float]) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "nn.plots needs matplotlib, which is not installed; install it with: pip install matplotlib"
        ) from None
    _let_ipython_show(Figure)
    return Figure(figsize=figsize)


def _let_ipython_show(figure_class: type[Figure]) -> None:
    # IPython learns to draw a Figure only when something switches matplotlib's
    # inline backend on (a first pyplot figure, %matplotlib inline); until then a
    # figure made without pyplot prints as "<Figure size 550x450 with 1 Axes>".
    # Register the PNG printer that backend would, unless a printer is there
    # already, so the user's own figure settings win.
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["image/png"]
    try:
        formatter.lookup_by_type(figure_class)
    except KeyError:
        formatter.for_type(figure_class, _png)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def _figure_and_axes(ax: Axes | None, function: str, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is None:
        figure = _new_figure(figsize)
        return figure, figure.subplots()
    owner = ax.get_figure(root=True)
    if owner is None:
        raise ValueError(f"{function}() got ax={ax!r}, which is in no figure; pass one from Figure.subplots().")
    return owner, ax


def decision_boundary(
    model: Module,
    X: data.Examples,
    y: data.Targets,
    threshold: float | None = None,
    resolution: int = 80,
    title: str | None = None,
    feature_names: tuple[str, str] | None = None,
    class_names: Sequence[str] | None = None,
    highlight: Sequence[Sequence[float]] = (),
    circled: Sequence[Sequence[float]] = (),
    circled_label: str = "circled",
    ax: Axes | None = None,
) -> Figure:
    """The model's answer at every point of the plane, with the data on top.

    One-output models: the region where the output exceeds ``threshold`` is
    class 1 (green), the rest class 0 (red), shaded by confidence, with the
    boundary drawn as a line. Multi-output models: each point takes the colour
    of its largest output.

    Args:
        model: a model with 2 inputs.
        X: the examples, each 2 numbers (a list, a NumPy array or a pandas DataFrame).
        y: their class labels.
        threshold: where class 1 starts; by default 0.5 for a sigmoid output, else 0.
        resolution: grid points per side: resolution² points, run as one batch (``engine="batched"``)
            when NumPy is installed.
        title: the plot's title.
        feature_names: the axis labels; by default a DataFrame's column names, else x₁ and x₂.
        class_names: legend names per class label, e.g. ``("failed", "passed")``.
        highlight: extra points to mark with a star, e.g. ``[[4, 5]]`` for a new student.
        circled: examples to ring in black, keeping their colour visible,
            e.g. the training points whose labels are wrong.
        circled_label: the legend entry for the rings.
        ax: an Axes to draw into, e.g. one panel of a side-by-side comparison;
            by default a new figure of its own.

    Returns:
        The figure (``ax``'s figure when ``ax`` is given).

    Raises:
        ValueError: examples that are not 2 numbers, or no examples.

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import nn
        >>> X, y = nn.data.xor(20, seed=0)
        >>> decision_boundary(nn.MLP(2, [4, 1], seed=0), X, y, resolution=10).axes[0].get_xlabel()
        'x₁'

        Two models side by side, one panel each:

        >>> from matplotlib.figure import Figure
        >>> left, right = Figure(figsize=(11, 4.5)).subplots(1, 2)
        >>> for panel, seed in ((left, 0), (right, 1)):
        ...     figure = decision_boundary(nn.MLP(2, [4, 1], seed=seed), X, y, resolution=10, ax=panel)
        >>> len(figure.axes)
        2
    """
    names = feature_names or data.feature_names(X) or ("x₁", "x₂")
    rows, y = data.examples("decision_boundary()", X), data.targets("decision_boundary()", y)
    if len(rows) == 0 or any(len(x) != 2 for x in rows):
        raise ValueError("decision_boundary() got examples that are not pairs of numbers; it draws 2-feature data.")
    feature_names = (names[0], names[1])
    xs, ys = [float(x[0]) for x in rows], [float(x[1]) for x in rows]
    pad_x, pad_y = 0.15 * (max(xs) - min(xs) or 1.0), 0.15 * (max(ys) - min(ys) or 1.0)
    grid_x = _linspace(min(xs) - pad_x, max(xs) + pad_x, resolution)
    grid_y = _linspace(min(ys) - pad_y, max(ys) + pad_y, resolution)
    if threshold is None:
        threshold = 0.5 if _output_activation(model) == "sigmoid" else 0.0
    answers = _outputs_at(model, [[gx, gy] for gy in grid_y for gx in grid_x])
    width = len(grid_x)
    figure, axes = _figure_and_axes(ax, "decision_boundary", figsize=(5.5, 4.5))
    classes = sorted(set(y))
    numbers = [a for a in answers if isinstance(a, float)]
    if len(numbers) == len(answers):
        scores = [numbers[start : start + width] for start in range(0, len(numbers), width)]
        # Confidence shading: distance from the threshold, squashed to (−1, 1).
        scale = max(max(abs(s - threshold) for row in scores for s in row), 1e-12)
        shade = [[math.tanh(3.0 * (s - threshold) / scale) for s in row] for row in scores]
        from matplotlib.colors import LinearSegmentedColormap

        colours = LinearSegmentedColormap.from_list("fail_pass", [RED, "#FFFFFF", GREEN])
        axes.contourf(grid_x, grid_y, shade, levels=21, cmap=colours, vmin=-1.0, vmax=1.0, alpha=0.45)
        axes.contour(grid_x, grid_y, scores, levels=[threshold], colors="#222222", linewidths=1.5)
    else:
        argmax = [_argmax(a) if isinstance(a, list) else 0 for a in answers]
        winners = [argmax[start : start + width] for start in range(0, len(argmax), width)]
        from matplotlib.colors import ListedColormap

        count = max(max(classes) + 1, max(max(row) for row in winners) + 1)
        palette = ListedColormap([CLASS_COLOURS[k % len(CLASS_COLOURS)] for k in range(count)])
        axes.contourf(
            grid_x, grid_y, winners, levels=[k - 0.5 for k in range(count + 1)], cmap=palette, alpha=0.3
        )
    for label in classes:
        chosen = [i for i, t in enumerate(y) if t == label]
        axes.scatter(
            [xs[i] for i in chosen],
            [ys[i] for i in chosen],
            s=22,
            color=CLASS_COLOURS[int(label) % len(CLASS_COLOURS)],
            edgecolors="white",
            linewidths=0.6,
            label=class_names[int(label)] if class_names and int(label) < len(class_names) else f"class {label}",
        )
    for point in highlight:
        axes.scatter([point[0]], [point[1]], s=220, marker="*", color="white", edgecolors="black", zorder=6,
                     label=f"({point[0]:g}, {point[1]:g})")
    if circled:
        axes.scatter([point[0] for point in circled], [point[1] for point in circled], s=150, facecolors="none",
                     edgecolors="black", linewidths=1.4, zorder=5, label=circled_label)
    axes.set_xlabel(feature_names[0])
    axes.set_ylabel(feature_names[1])
    axes.set_title(title or f"Decision boundary of {type(model).__name__}")
    axes.legend(loc="best", fontsize="small", framealpha=0.8)
    if ax is None:  # a caller's figure is laid out by the caller, once all its panels are drawn
        figure.tight_layout()
    return figure


def loss_curves(history: History, title: str = "Training and validation loss", ax: Axes | None = None) -> Figure:
    """Training vs validation loss per epoch (and accuracy, if measured); early stopping's choice marked.

    Args:
        history: what ``nn.fit`` returned.
        title: the title of the loss panel.
        ax: an Axes to draw the loss panel into, e.g. to compare two trainings side by
            side; the accuracy panel is then left out. By default a new figure.

    Returns:
        The figure: one panel for the loss, a second for accuracy when there is any
        (``ax``'s figure, with the loss panel only, when ``ax`` is given).

    Raises:
        ValueError: the history has no epochs.

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import nn
        >>> history = nn.History(train_loss=[0.7, 0.5, 0.4], val_loss=[0.72, 0.6, 0.65], best_epoch=2)
        >>> len(loss_curves(history).axes)
        1
        >>> from matplotlib.figure import Figure
        >>> left, right = Figure().subplots(1, 2, sharey=True)
        >>> loss_curves(history, ax=right).axes[1].get_title()
        'Training and validation loss'
    """
    if not history.train_loss:
        raise ValueError("loss_curves() got a History with no epochs; train first with nn.fit(...).")
    panels = 2 if ax is None and (history.train_accuracy or history.val_accuracy) else 1
    if ax is None:
        figure = _new_figure(figsize=(5.5 * panels, 4.0))
        loss_axes, *others = figure.subplots(1, panels, squeeze=False)[0]
    else:
        figure, loss_axes = _figure_and_axes(ax, "loss_curves", figsize=(5.5, 4.0))
    epochs = list(range(1, history.epochs + 1))
    loss_axes.plot(epochs, history.train_loss, color=BLUE, label="training loss", linewidth=1.8)
    if history.val_loss:
        loss_axes.plot(epochs[: len(history.val_loss)], history.val_loss, color=ORANGE, label="validation loss",
                       linewidth=1.8)
    if history.best_epoch is not None:
        best = history.best_epoch
        curve = history.val_loss or history.train_loss
        loss_axes.axvline(best, color=GREY, linestyle="--", linewidth=1.0)
        loss_axes.scatter([best], [curve[best - 1]], s=60, color=ORANGE, edgecolors="black", zorder=5,
                          label=f"best, weights kept: epoch {best}")
    if history.stopped_epoch is not None:
        loss_axes.axvline(history.stopped_epoch, color=RED, linestyle=":", linewidth=1.2,
                          label=f"stopped: epoch {history.stopped_epoch}")
    loss_axes.set_xlabel("epoch")
    loss_axes.set_ylabel("loss")
    loss_axes.set_title(title)
    loss_axes.legend(fontsize="small")
    if panels == 2:
        accuracy_axes = others[0]
        if history.train_accuracy:
            accuracy_axes.plot(epochs[: len(history.train_accuracy)], history.train_accuracy, color=BLUE,
                               label="training accuracy")
        if history.val_accuracy:
            accuracy_axes.plot(epochs[: len(history.val_accuracy)], history.val_accuracy, color=ORANGE,
                               label="validation accuracy")
        if history.best_epoch is not None:
            accuracy_axes.axvline(history.best_epoch, color=GREY, linestyle="--", linewidth=1.0)
        accuracy_axes.set_ylim(0.0, 1.02)
        accuracy_axes.set_xlabel("epoch")
        accuracy_axes.set_ylabel("accuracy")
        accuracy_axes.set_title("Accuracy")
        accuracy_axes.legend(fontsize="small", loc="lower right")
    if ax is None:
        figure.tight_layout()
    return figure


def descend(
    loss_fn: Callable[[], Value], parameters: Sequence[Value], learning_rate: float = 0.1, steps: int = 30
) -> list[tuple[float, ...]]:
    """Run plain gradient descent W ← W − η·∂J/∂W (``nn.SGD``) and return the path, starting point first.

    The parameters end where the descent ended.

    Args:
        loss_fn: computes the loss J from the current parameter values.
        parameters: the Values to move.
        learning_rate: η.
        steps: how many steps.

    Returns:
        ``steps + 1`` tuples of parameter values.

    Raises:
        ValueError: ``learning_rate`` ≤ 0 (``nn.SGD``'s check).

    Example:
        >>> from autograd import Parameter
        >>> w = Parameter(2.0)
        >>> [round(p[0], 3) for p in descend(lambda: w * w, [w], learning_rate=0.25, steps=2)]
        [2.0, 1.0, 0.5]
    """
    optimizer = SGD(parameters, learning_rate=learning_rate)
    path = [tuple(p.data for p in parameters)]
    for _ in range(steps):
        optimizer.zero_grad()
        loss_fn().backward()
        optimizer.step()
        path.append(tuple(p.data for p in parameters))
    return path


def loss_landscape(
    loss_fn: Callable[[], Value],
    p1: Value,
    p2: Value,
    path: Sequence[Sequence[float]] | None = None,
    span: float | None = None,
    resolution: int = 40,
    title: str = "Loss landscape J(w₁, w₂)",
    learning_rate: float | None = None,
) -> Figure:
    """The loss as a surface over two weights, with a gradient-descent path walking down it.

    Every other parameter stays fixed; ``p1`` and ``p2`` are set to each grid
    point in turn and restored afterwards. The map's caption says what the path
    did: every step downhill, some steps uphill (the steps overshoot), or the
    loss rising overall.

    Args:
        loss_fn: computes the loss from the current parameter values.
        p1: the weight on the horizontal axis.
        p2: the weight on the vertical axis.
        path: (w₁, w₂) points to draw, e.g. from ``descend(loss_fn, [p1, p2])``.
        span: half the width of the plotted square; by default it covers the path.
        resolution: grid points per side.
        title: the title of the 3-D panel.
        learning_rate: the η that made ``path``, named in the caption.

    Returns:
        The figure: a 3-D surface and a contour map, both with the path.

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> from autograd import Parameter
        >>> w1, w2 = Parameter(1.5), Parameter(-1.0)
        >>> bowl = lambda: w1 * w1 + 3 * w2 * w2
        >>> figure = loss_landscape(bowl, w1, w2, path=descend(bowl, [w1, w2], 0.1, 10), resolution=10)
        >>> len(figure.axes)  # the surface, the map and its colour bar
        3
        >>> figure.axes[1].get_title().splitlines()[1]
        'every step went downhill: J 5.25 → 0.0259'
    """
    start = (p1.data, p2.data)
    points = [tuple(point) for point in path] if path else [start]
    centre_x = (min(p[0] for p in points) + max(p[0] for p in points)) / 2.0
    centre_y = (min(p[1] for p in points) + max(p[1] for p in points)) / 2.0
    if span is None:
        reach = max(max(abs(p[0] - centre_x), abs(p[1] - centre_y)) for p in points)
        span = max(1.4 * reach, 1.0)
    grid_x = _linspace(centre_x - span, centre_x + span, resolution)
    grid_y = _linspace(centre_y - span, centre_y + span, resolution)
    surface: list[list[float]] = []
    try:
        with no_grad():
            for w2 in grid_y:
                row = []
                for w1 in grid_x:
                    p1.data, p2.data = w1, w2
                    row.append(loss_fn().data)
                surface.append(row)
            path_losses = []
            for w1, w2 in points:
                p1.data, p2.data = w1, w2
                path_losses.append(loss_fn().data)
    finally:
        p1.data, p2.data = start
    figure = _new_figure(figsize=(11.0, 5.0))
    surface_axes = figure.add_subplot(1, 2, 1, projection="3d")
    mesh_x = [list(grid_x) for _ in grid_y]
    mesh_y = [[y for _ in grid_x] for y in grid_y]
    import numpy

    surface_axes.plot_surface(
        numpy.array(mesh_x), numpy.array(mesh_y), numpy.array(surface), cmap="viridis", alpha=0.75, linewidth=0
    )
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    surface_axes.plot(xs, ys, path_losses, color=RED, marker="o", markersize=3, linewidth=1.5, zorder=10)
    surface_axes.set_xlabel(p1.label or "w₁")
    surface_axes.set_ylabel(p2.label or "w₂")
    surface_axes.set_zlabel("loss J")
    surface_axes.set_title(title)
    contour_axes = figure.add_subplot(1, 2, 2)
    filled = contour_axes.contourf(grid_x, grid_y, surface, levels=25, cmap="viridis")
    contour_axes.contour(grid_x, grid_y, surface, levels=25, colors="white", linewidths=0.3, alpha=0.6)
    figure.colorbar(filled, ax=contour_axes, label="loss J")
    if len(points) > 1:
        contour_axes.plot(xs, ys, color=RED, marker="o", markersize=3, linewidth=1.5, label="gradient descent")
        contour_axes.scatter([xs[0]], [ys[0]], s=60, color="white", edgecolors="black", zorder=5, label="start")
        contour_axes.scatter([xs[-1]], [ys[-1]], s=90, marker="*", color=RED, edgecolors="black", zorder=5,
                             label="end")
        contour_axes.legend(fontsize="small", loc="upper right")
    contour_axes.set_xlabel(p1.label or "w₁")
    contour_axes.set_ylabel(p2.label or "w₂")
    caption = "Seen from above"
    if len(points) > 1:
        caption += "\n" + _path_caption(path_losses, learning_rate)
    contour_axes.set_title(caption)
    figure.tight_layout()
    return figure


def _path_caption(losses: Sequence[float], learning_rate: float | None = None) -> str:
    """What a descent did to the loss, in words, for the caption of its map.

    Example:
        >>> _path_caption([1.8, 0.59, 0.43], learning_rate=1.0)
        'η = 1: every step went downhill: J 1.8 → 0.43'
        >>> _path_caption([1.8, 2.52, 0.66, 0.94])
        '2 of 3 steps went uphill (overshooting): J 1.8 → 0.94'
        >>> _path_caption([1.0, 1.44, 2.07], learning_rate=1.1)
        'η = 1.1: the loss went up, J 1 → 2.07'
        >>> _path_caption([1.0, 1e200, math.inf])
        'the loss diverged, J 1 → inf'
    """
    first, last = losses[0], losses[-1]
    steps = len(losses) - 1
    # A step counts as uphill only beyond rounding noise: at the bottom of a
    # valley J can tick up in its last digits without the step overshooting.
    uphill = sum(after > before + 1e-12 * max(1.0, abs(before)) for before, after in itertools.pairwise(losses))
    numbers = f"J {first:.3g} → {last:.3g}"
    if not math.isfinite(last):
        verdict = f"the loss diverged, {numbers}"
    elif last > first:
        verdict = f"the loss went up, {numbers}"
    elif uphill == 0:
        verdict = f"every step went downhill: {numbers}"
    else:
        verdict = f"{uphill} of {steps} steps went uphill (overshooting): {numbers}"
    return f"η = {learning_rate:g}: {verdict}" if learning_rate is not None else verdict


def activations(names: Sequence[str] = ("sigmoid", "tanh", "relu")) -> Figure:
    """Activation functions side by side, each with its derivative dashed.

    Args:
        names: activation names from ``nn.ACTIVATIONS``.

    Returns:
        The figure, one panel per activation.

    Raises:
        ValueError: an unknown name.

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> [axes.get_title() for axes in activations().axes]
        ['sigmoid', 'tanh', 'relu']
    """
    from nn.activations import resolve_activation

    functions = [resolve_activation(name)[1] for name in names]
    figure = _new_figure(figsize=(3.6 * len(names), 3.2))
    axes = figure.subplots(1, len(names), squeeze=False)
    z = _linspace(-5.0, 5.0, 201)
    for panel, name, function in zip(axes[0], names, functions):
        values, slopes = [], []
        for point in z:
            x = Value(point)
            out = function(x)
            out.backward()
            values.append(out.data)
            slopes.append(x.grad)
        panel.axhline(0.0, color=GREY, linewidth=0.6)
        panel.axvline(0.0, color=GREY, linewidth=0.6)
        panel.plot(z, values, color=BLUE, linewidth=2.0, label=f"g(z) = {name}(z)")
        panel.plot(z, slopes, color=ORANGE, linewidth=1.5, linestyle="--", label="dg/dz")
        panel.set_title(name)
        panel.set_xlabel("z")
        panel.legend(fontsize="small", loc="upper left")
    figure.tight_layout()
    return figure


def _linspace(low: float, high: float, count: int) -> list[float]:
    if count < 2:
        return [low]
    step = (high - low) / (count - 1)
    return [low + i * step for i in range(count)]


def _outputs_at(model: Module, points: list[list[float]], engine: str = "batched") -> list[float | list[float]]:
    """The model's outputs at every point, in eval mode: a float each, or a list for several outputs.

    ``engine="batched"`` records the model's graph once and replays it over all
    the points as one batch (as ``fit(engine="batched")`` does); the numbers
    agree with the scalar engine's to 1e-12. It falls back to the scalar
    engine, one graph per point, when NumPy is missing or the graph cannot be
    replayed (it branches on the data, or the batch would not fit in memory).

    Example:
        >>> import nn
        >>> neuron = nn.Neuron(2, activation="linear", weights=[1.0, 2.0])
        >>> _outputs_at(neuron, [[1.0, 0.0], [0.0, 1.0]]), _outputs_at(neuron, [[1.0, 1.0]], engine="scalar")
        ([1.0, 2.0], [3.0])
    """
    with evaluating(model), no_grad():
        # One point through the scalar engine says whether the model returns one Value or a list.
        first = model(points[0])
        if engine == "batched":
            from autograd.modes.batched import BatchedError

            try:
                from nn.batched import BatchedModel

                rows = BatchedModel(model, points[0], data=points).outputs(points)
            except (ImportError, BatchedError):
                pass  # no NumPy, or a graph the batched engine refuses: one graph per point
            else:
                return list(rows[:, 0].tolist()) if isinstance(first, Value) else list(rows.tolist())
        return [_floats(model(point)) for point in points]


def _floats(output: Value | Sequence[Value]) -> float | list[float]:
    return output.data if isinstance(output, Value) else [float(v) for v in output]


def _argmax(scores: list[float]) -> int:
    return scores.index(max(scores))


def _output_activation(model: Module) -> str:
    # The last neuron in definition order belongs to the output layer.
    from nn.neuron import Neuron

    neurons = [module for _, module in model.named_modules() if isinstance(module, Neuron)]
    return neurons[-1].activation if neurons else "linear"


# --- the lecture's picture of a network ------------------------------------------

MAX_WEIGHT_LABELS = 12
"""The most weights ``network`` labels by default: those with the largest |∂J/∂w| (|w| before backprop).

More labels would cover the picture; ``gradient_table(model)`` lists every parameter."""
SLIDE_SIZE = (10.24, 7.68)
"""``network``'s default figure size in inches: 1024 × 768 pixels at matplotlib's 100 dpi, a projector's screen."""
_MARGIN = 3.0  # pixels kept free around every label
OFF = "#BBBBBB"
"""The face of a neuron that is off for the example (a ReLU with z ≤ 0)."""
_LABEL_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.92}
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in display pixels
Segment = tuple[tuple[float, float], tuple[float, float]]


def network(
    model: Module,
    example: Sequence[float] | data.Array | None = None,
    feature_names: Sequence[str] | None = None,
    weight_labels: bool | int | None = None,
    title: str | None = None,
    figsize: tuple[float, float] = SLIDE_SIZE,
    ax: Axes | None = None,
) -> Figure:
    """The network as the lecture draws it: neurons as circles in columns, weights as lines.

    Inputs form the first column, each layer the next; a line joins every
    input of a neuron to it, blue for a positive weight and red for a
    negative one, thicker for a larger |w|. With an ``example``, every circle
    shows its value for it (xᵢ, then each neuron's activation a). Weights are
    labelled with their names, the ones the computation graph uses
    (w₂₁⁽¹⁾: neuron 2 of layer 1, input 1), and their values; after a backward
    pass (any nonzero ``.grad``) with their gradients too, ∂J/∂w₂₁⁽¹⁾ = −0.49,
    and each neuron shows its bias and ∂J/∂b (which equals ∂J/∂z). A ReLU
    that is off for the example (z ≤ 0, so relu′(z) = 0 and no gradient flows
    back through it) is grey.

    Labels sit on their own line, never on another label, a circle or a point
    where two lines cross. A label that finds no such place is left out, and
    big networks label only the weights with the largest |∂J/∂w|; the legend
    says how many are shown and ``gradient_table(model)`` lists them all.

    Args:
        model: a ``Neuron``, ``Dense``, ``MLP`` or ``Sequential`` of those
            (``Dropout`` layers are skipped: they pass values through when
            evaluating).
        example: one input, e.g. ``[4, 5]``; its values are computed in eval
            mode without recording a graph.
        feature_names: a name per input; by default the index of a pandas
            Series ``example`` (a DataFrame's row), else x₁, x₂, ….
        weight_labels: ``True`` to try every weight, ``False`` for none, a
            number for that many of the largest |∂J/∂w|; by default every weight
            when there are at most ``MAX_WEIGHT_LABELS``, else that many.
        title: the title; by default the architecture.
        figsize: the figure's size in inches (default 1024 × 768 pixels at 100 dpi).
        ax: an Axes to draw into; by default a new figure of its own.

    Returns:
        The figure (``ax``'s figure when ``ax`` is given).

    Raises:
        TypeError: a layer this picture cannot draw (a custom module).
        ValueError: an ``example``, ``feature_names`` or ``weight_labels`` that does not fit.

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import nn
        >>> model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=1258)
        >>> nn.binary_cross_entropy([model([4.0, 5.0])], [1]).backward()
        >>> figure = network(model, example=[4.0, 5.0])
        >>> figure.axes[0].get_title()
        'MLP 2 → 3 → 1, for the example (4.0, 5.0)'
        >>> print(*(t.get_text() for t in figure.axes[0].texts if t.get_text().startswith("w₂₁")))
        w₂₁⁽¹⁾ = −0.121
        ∂J/∂w₂₁⁽¹⁾ = 1.43
    """
    if example is not None:
        feature_names = feature_names or data.feature_names(example) or None
        example = data.example("network()", example)
    layers = _neuron_columns(model)
    n_inputs = layers[0][0].n_inputs
    if feature_names is not None and (isinstance(feature_names, str) or len(feature_names) != n_inputs):
        raise ValueError(
            f"network() got feature_names={feature_names!r}; expected {n_inputs} names, one per input."
        )
    if example is not None and (isinstance(example, str) or len(example) != n_inputs):
        raise ValueError(f"network() got example={example!r}; expected {n_inputs} numbers, one per input.")
    if not isinstance(weight_labels, (bool, type(None))) and (not isinstance(weight_labels, int) or weight_labels < 0):
        raise ValueError(
            f"network() got weight_labels={weight_labels!r}; expected True, False, None or a whole number ≥ 0 "
            "(how many of the largest |∂J/∂w| to label)."
        )
    values = _column_values(model, layers, example) if example is not None else None
    input_names, names, neuron_names = _lecture_names(model, n_inputs)
    weights = [w for column in layers for neuron in column for w in neuron.weights]
    biases = [neuron.bias for column in layers for neuron in column]
    backpropagated = any(p.grad != 0.0 for p in (*weights, *biases))
    if weight_labels is None:
        weight_labels = min(len(weights), MAX_WEIGHT_LABELS)
    wanted = len(weights) if weight_labels is True else int(weight_labels)

    widths = [n_inputs] + [len(column) for column in layers]
    tallest = max(widths)
    figure, axes = _figure_and_axes(ax, "network", figsize=figsize)
    if ax is None:
        # Fixed margins instead of tight_layout: labels are placed by their pixel
        # positions, which must not move afterwards.
        axes.set_position((0.03, 0.11, 0.94, 0.72))
    axes.axis("off")
    axes.set_xlim(-0.45, len(widths) - 0.55)
    axes.set_ylim(-(tallest - 1) / 2.0 - 0.45, (tallest - 1) / 2.0 + 0.45)
    renderer = _renderer(figure)
    points = 72.0 / figure.dpi  # points per pixel
    row_points = axes.bbox.height / (tallest - 0.1) * points  # the y range is tallest − 1 rows + 0.9 of margins
    column_points = axes.bbox.width / (len(widths) - 0.1) * points
    # Circles and text scale with the room a row has, so 2-3-1 and 2-16-16-1 both fit a slide.
    radius = min(22.0, 0.45 * row_points, 0.12 * column_points)
    text_size = min(11.0, max(6.5, 0.55 * radius))
    label_size = min(9.5, max(7.0, 0.3 * row_points))
    named_circles = radius >= 15.0  # room for a name above the value
    # Bias and ∂J/∂b under each circle, when a row leaves room for two lines of text.
    notes = (backpropagated or weight_labels is not False) and row_points - 2 * radius >= 3.2 * label_size
    positions = [
        [(float(column), (count - 1) / 2.0 - row) for row in range(count)] for column, count in enumerate(widths)
    ]

    def to_pixels(point: tuple[float, float]) -> tuple[float, float]:
        px, py = axes.transData.transform(point)
        return float(px), float(py)

    obstacles: list[Box] = []  # circles and text drawn so far, in pixels

    def occupy(text: Text) -> None:
        extent = text.get_window_extent(renderer)
        obstacles.append((extent.x0, extent.y0, extent.x1, extent.y1))

    last = len(layers) - 1
    headings: list[Text] = []
    radius_pixels = radius / points
    for column, count in enumerate(widths):
        face = "#EEEEEE" if column == 0 else "#FCE3C4" if column - 1 == last else "#D6E6F5"
        faces = [OFF if column > 0 and _is_off(layers[column - 1][row], values, column, row) else face
                 for row in range(count)]
        axes.scatter([x for x, _ in positions[column]], [y for _, y in positions[column]], s=(2.0 * radius) ** 2,
                     facecolors=faces, edgecolors="#333333", linewidths=1.2, zorder=2)
        for row in range(count):
            x, y = positions[column][row]
            px, py = to_pixels((x, y))
            obstacles.append((px - radius_pixels, py - radius_pixels, px + radius_pixels, py + radius_pixels))
            if column == 0:
                name = feature_names[row] if feature_names is not None else input_names[row]
            else:
                name = neuron_names[id(layers[column - 1][row])]
            number = _number(values[column][row]) if values is not None else ""
            if column == 0 and len(name) > 3:  # a long feature name goes beside its circle, not across it
                occupy(axes.annotate(name, (x, y), xytext=(-radius - 4.0, 0.0), textcoords="offset points",
                                     ha="right", va="center", fontsize=text_size + 1.0, zorder=4))
                name = ""
            shown = [part for part in (name if named_circles or column == 0 else "", number) if part]
            if shown and radius >= 7.0:
                occupy(axes.text(x, y, "\n".join(shown), fontsize=text_size, ha="center", va="center", zorder=4))
            if column > 0 and notes:
                bias = layers[column - 1][row].bias
                below = [f"{names[bias]} = {_number(bias.data)}"]
                if backpropagated:
                    below.append(f"∂J/∂{names[bias]} = {_number(bias.grad)}")
                occupy(axes.annotate("\n".join(below), (x, y), xytext=(0.0, -radius - 2.0),
                                     textcoords="offset points", ha="center", va="top", fontsize=label_size,
                                     color="#333333", zorder=4, bbox=_LABEL_BOX))
    for column in range(len(widths)):
        heading = "inputs" if column == 0 else "output" if column - 1 == last else f"layer {column}"
        headings.append(axes.annotate(heading, (float(column), (widths[column] - 1) / 2.0), xytext=(0.0, radius + 4.0),
                             textcoords="offset points", ha="center", va="bottom", fontsize=text_size + 1.0,
                             fontweight="bold", color="#333333"))
        occupy(headings[-1])

    from matplotlib.lines import Line2D

    largest = max((abs(w.data) for w in weights), default=1.0) or 1.0
    segments: dict[Value, Segment] = {}
    for layer_index, column_neurons in enumerate(layers):
        for row, neuron in enumerate(column_neurons):
            end = positions[layer_index + 1][row]
            for source, weight in enumerate(neuron.weights):
                start = positions[layer_index][source]
                axes.add_line(Line2D([start[0], end[0]], [start[1], end[1]], color=_weight_colour(weight),
                                     linewidth=0.4 + 4.6 * abs(weight.data) / largest, alpha=0.6, zorder=1,
                                     solid_capstyle="butt"))
                segments[weight] = (to_pixels(start), to_pixels(end))
    order = sorted(weights, key=lambda w: -abs(w.grad if backpropagated else w.data))
    texts = {w: f"{names[w]} = {_number(w.data)}" + (f"\n∂J/∂{names[w]} = {_number(w.grad)}" if backpropagated else "")
             for w in order}
    labelled = _label_weights(axes, renderer, texts, wanted, segments, obstacles, label_size)

    legend_title = "line width ∝ |w|"
    if 0 < labelled < len(weights):
        measure = "|∂J/∂w|" if backpropagated else "|w|"
        legend_title += (f"; labelled: {labelled} of {len(weights)} weights, largest {measure} first "
                         "(all: nn.plots.gradient_table(model))")
    legend = [
        Line2D([], [], color=BLUE, linewidth=2.5, label="positive weight"),
        Line2D([], [], color=RED, linewidth=2.5, label="negative weight"),
    ]
    if any(_is_off(neuron, values, c + 1, r) for c, column in enumerate(layers) for r, neuron in enumerate(column)):
        legend.append(Line2D([], [], linestyle="none", marker="o", markersize=11, markerfacecolor=OFF,
                             markeredgecolor="#333333", label="ReLU off: relu′(z) = 0, no gradient flows back"))
    axes.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(legend), fontsize="small",
                frameon=False, title=legend_title, title_fontsize="small")
    if title is None:
        title = f"{type(model).__name__} " + " → ".join(str(width) for width in widths)
        if example is not None:
            title += ", for the example (" + ", ".join(_number(float(v)) for v in example) + ")"
    # The title clears the headings, which stand above the axes when a column is full.
    top = max(heading.get_window_extent(renderer).y1 for heading in headings)
    axes.set_title(title, pad=max(6.0, (top - axes.bbox.y1) * points + 8.0), fontsize=13.0)
    return figure


def gradient_table(model: Module) -> str:
    """Every weight and bias of ``model`` with its value and gradient, largest |∂J/∂p| first.

    The names are ``network``'s and the computation graph's (w₂₁⁽¹⁾, b₂⁽¹⁾): the
    table lists what a picture of a big network has no room to label.

    Args:
        model: what ``network`` draws (``Neuron``, ``Dense``, ``MLP``, ``Sequential``).

    Returns:
        One line per parameter: name, value, ∂J/∂name.

    Raises:
        TypeError: a layer ``network`` cannot draw.

    Example:
        >>> import nn
        >>> model = nn.Neuron(2, activation="sigmoid", weights=[3.0, -2.0], bias=1.0)
        >>> nn.binary_cross_entropy([model([-1.0, 2.0])], [1]).backward()
        >>> print(gradient_table(model))
        parameter         value      ∂J/∂parameter
        w₂                 −2.0             −1.995
        w₁                  3.0              0.998
        b                   1.0             −0.998
    """
    layers = _neuron_columns(model)
    _, names, _ = _lecture_names(model, layers[0][0].n_inputs)
    parameters = [p for column in layers for neuron in column for p in (*neuron.weights, neuron.bias)]
    rows = [f"{'parameter':<12}{'value':>11}{'∂J/∂parameter':>19}"]
    for parameter in sorted(parameters, key=lambda p: -abs(p.grad)):
        rows.append(f"{names[parameter]:<12}{_number(parameter.data):>11}{_number(parameter.grad):>19}")
    return "\n".join(rows)


def _renderer(figure: Figure) -> RendererBase:
    # Labels are placed by their measured size. A figure made without pyplot has a
    # canvas that cannot measure; Agg's can, and savefig picks its own canvas anyway.
    get_renderer = getattr(figure.canvas, "get_renderer", None)
    if get_renderer is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        get_renderer = FigureCanvasAgg(figure).get_renderer
    renderer: RendererBase = get_renderer()
    return renderer


def _is_off(neuron: Neuron, values: Sequence[Sequence[float]] | None, column: int, row: int) -> bool:
    # A ReLU whose z ≤ 0 for the example outputs 0 and has relu′(z) = 0: nothing flows back through it.
    return values is not None and neuron.activation == "relu" and values[column][row] == 0.0


def _weight_colour(weight: Value) -> str:
    return BLUE if weight.data >= 0 else RED


def _lecture_names(model: Module, n_inputs: int) -> tuple[list[str], dict[Value, str], dict[int, str]]:
    # The names the computation graph gives (autograd's naming, so picture, graph and
    # trace agree): one call of the model records a graph whose nodes say what they are.
    # Returns the inputs' names, the parameters' names and each neuron's (by id) for its a.
    from autograd import enable_grad, topological_order
    from autograd import sum as total
    from autograd.see.naming import consumers_of, find_neurons, names_and_roles
    from nn.neuron import Neuron

    inputs = [Value(0.0) for _ in range(n_inputs)]
    with evaluating(model), enable_grad():
        output = model(inputs)
        root = output if isinstance(output, Value) else total(output)
    order = topological_order(root)
    names, _ = names_and_roles(order, root)
    activations = {found.bias: names[found.a] for found in find_neurons(order, consumers_of(order))}
    neurons = {id(module): activations[module.bias] for _, module in model.named_modules()
               if isinstance(module, Neuron) and module.bias in activations}
    parameters: dict[Value, str] = {node: name for node, name in names.items() if isinstance(node, Parameter)}
    return [names[x] for x in inputs], parameters, neurons


def _label_weights(
    axes: Axes,
    renderer: RendererBase,
    texts: dict[Value, str],
    wanted: int,
    segments: dict[Value, Segment],
    obstacles: list[Box],
    size: float,
) -> int:
    # Label up to `wanted` weights, in the order of `texts`, each at a free spot on its
    # line (see _free_spot); a weight with no free spot stays unlabelled. Returns the count.
    import numpy as np

    crossings = _crossing_counts(_crossings(list(segments.values())), axes.figure.bbox)
    frame = axes.get_window_extent(renderer)
    labelled = 0
    for weight, text in texts.items():
        if labelled == wanted:
            break
        label = axes.text(0.0, 0.0, text, fontsize=size, ha="center", va="center", color=_weight_colour(weight),
                          zorder=3, bbox=_LABEL_BOX)
        others = np.array([(*p, *q) for other, (p, q) in segments.items() if other is not weight]).reshape(-1, 4)
        spot = _free_spot(segments[weight], label.get_window_extent(renderer), obstacles, crossings, others,
                          (frame.x0, frame.y0, frame.x1, frame.y1))
        if spot is None:
            label.remove()
            continue
        centre, box = spot
        label.set_position(tuple(axes.transData.inverted().transform(centre)))
        obstacles.append(box)
        labelled += 1
    return labelled


def _crossings(segments: Sequence[Segment]) -> NDArray[np.float64]:
    # Where two lines cross away from their ends, as (x, y) rows: a label there could
    # belong to either line. NumPy (matplotlib's own dependency): 2-32-32-1 has 1,120 lines.
    import numpy as np

    lines = np.array([(*p, *q) for p, q in segments], dtype=float).reshape(-1, 4)
    found = [np.empty((0, 2))]
    for start in range(0, len(lines), 256):  # 256 rows at a time keep the memory small
        a = lines[start : start + 256, None, :]
        b = lines[None, :, :]
        p, d1 = a[..., :2], a[..., 2:] - a[..., :2]
        r, d2 = b[..., :2], b[..., 2:] - b[..., :2]
        denominator = d1[..., 0] * d2[..., 1] - d1[..., 1] * d2[..., 0]
        gap = r - p
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (gap[..., 0] * d2[..., 1] - gap[..., 1] * d2[..., 0]) / denominator
            u = (gap[..., 0] * d1[..., 1] - gap[..., 1] * d1[..., 0]) / denominator
        upper = np.arange(start, start + len(a))[:, None] < np.arange(len(lines))[None, :]  # each pair once
        inside = upper & (denominator != 0.0) & (t > 1e-9) & (t < 1 - 1e-9) & (u > 1e-9) & (u < 1 - 1e-9)
        rows, columns = np.nonzero(inside)
        found.append(p[rows, 0] + t[rows, columns, None] * d1[rows, 0])
    return np.concatenate(found)


def _crossing_counts(points: NDArray[np.float64], figure_box: BboxBase) -> NDArray[np.int64]:
    # A summed-area table: table[j, i] counts the points left of pixel column i and below
    # row j, so a box's count costs four lookups however many lines cross (2-32-32-1: 250,000).
    import numpy as np

    width, height = math.ceil(figure_box.width), math.ceil(figure_box.height)
    counts, _, _ = np.histogram2d(points[:, 1], points[:, 0], bins=(height, width), range=((0, height), (0, width)))
    table = np.zeros((height + 1, width + 1), dtype=np.int64)
    table[1:, 1:] = counts.cumsum(axis=0).cumsum(axis=1)
    return table


def _count_in(table: NDArray[np.int64], boxes: NDArray[np.float64]) -> NDArray[np.int64]:
    # How many points lie in each box (rows x0, y0, x1, y1), counting whole pixels (never fewer).
    import numpy as np

    height, width = table.shape[0] - 1, table.shape[1] - 1
    x0 = np.clip(np.floor(boxes[:, 0]), 0, width).astype(int)
    x1 = np.clip(np.ceil(boxes[:, 2]), 0, width).astype(int)
    y0 = np.clip(np.floor(boxes[:, 1]), 0, height).astype(int)
    y1 = np.clip(np.ceil(boxes[:, 3]), 0, height).astype(int)
    counts: NDArray[np.int64] = table[y1, x1] - table[y0, x1] - table[y1, x0] + table[y0, x0]
    return counts


def _cuts(box: Box, lines: NDArray[np.float64]) -> NDArray[np.bool_]:
    # Which lines (rows x0, y0, x1, y1) pass through a box: Liang-Barsky clipping, all at once.
    import numpy as np

    x0, y0, x1, y1 = lines.T
    p = np.stack([x0 - x1, x1 - x0, y0 - y1, y1 - y0])
    q = np.stack([x0 - box[0], box[2] - x0, y0 - box[1], box[3] - y0])
    with np.errstate(divide="ignore", invalid="ignore"):
        t = q / p
    low = np.where(p < 0.0, t, 0.0).max(axis=0)
    high = np.where(p > 0.0, t, 1.0).min(axis=0)
    outside = ((p == 0.0) & (q < 0.0)).any(axis=0)
    result: NDArray[np.bool_] = ~outside & (low <= high)
    return result


def _free_spot(
    segment: Segment,
    extent: Bbox,
    obstacles: Sequence[Box],
    crossings: NDArray[np.int64],
    others: NDArray[np.float64],
    frame: Box,
) -> tuple[tuple[float, float], Box] | None:
    # The point on the line where the label covers no other text, circle or crossing
    # and the fewest other lines (rows of `others`), nearest the middle; failing that,
    # the same just above or below the line, touching it; None when there is none.
    import numpy as np

    half_width, half_height = extent.width / 2.0 + _MARGIN, extent.height / 2.0 + _MARGIN
    (x0, y0), (x1, y1) = segment
    taken = np.array(obstacles, dtype=float).reshape(-1, 4)
    alongs = np.array([0.5 + (1 if step % 2 else -1) * ((step + 1) // 2) * 0.025 for step in range(29)])
    for shift in (0.0, extent.height / 2.0, -extent.height / 2.0):
        xs, ys = x0 + alongs * (x1 - x0), y0 + alongs * (y1 - y0) + shift
        boxes = np.stack([xs - half_width, ys - half_height, xs + half_width, ys + half_height], axis=1)
        fits = (boxes[:, :2] >= frame[:2]).all(axis=1) & (boxes[:, 2:] <= frame[2:]).all(axis=1)
        # A box is taken when it overlaps an obstacle or holds a crossing (an obstacle of size 0).
        left, bottom, right, top = taken.T  # a box is taken when it overlaps an obstacle
        hit = (boxes[:, :1] < right) & (left < boxes[:, 2:3]) & (boxes[:, 1:2] < top) & (bottom < boxes[:, 3:])
        fits &= ~hit.any(axis=1) & (_count_in(crossings, boxes) == 0)
        best: tuple[float, tuple[float, float], Box] | None = None
        for k in np.flatnonzero(fits):
            box = (float(boxes[k, 0]), float(boxes[k, 1]), float(boxes[k, 2]), float(boxes[k, 3]))
            cost = float(_cuts(box, others).sum()) + abs(float(alongs[k]) - 0.5)
            if best is None or cost < best[0]:
                best = (cost, (float(xs[k]), float(ys[k])), box)
        if best is not None:
            return best[1], best[2]
    return None


def _neuron_columns(model: Module) -> list[list[Neuron]]:
    # The neurons of each layer, input side first; Dropout passes values through in eval mode.
    from nn.dense import Dense
    from nn.dropout import Dropout
    from nn.module import Sequential
    from nn.neuron import Neuron

    if isinstance(model, Neuron):
        return [[model]]
    if isinstance(model, Dense):
        return [list(model.neurons)]
    if isinstance(model, Sequential):
        columns: list[list[Neuron]] = []
        for position, layer in enumerate(model.layers):
            if isinstance(layer, Dropout):
                continue
            if not isinstance(layer, (Neuron, Dense)):
                raise TypeError(
                    f"network() got a {type(layer).__name__} at layers.{position}; it draws Neuron and Dense "
                    "layers (and skips Dropout). Draw the computation graph instead: autograd.draw(model(x))."
                )
            columns.extend(_neuron_columns(layer))
        if columns:
            return columns
    raise TypeError(
        f"network() got a {type(model).__name__}; it draws an nn.Neuron, nn.Dense, nn.MLP or nn.Sequential of "
        "those. Draw the computation graph instead: autograd.draw(model(x))."
    )


def _column_values(model: Module, layers: Sequence[Sequence[Neuron]], example: Sequence[float]) -> list[list[float]]:
    # Each column's values for the example: the inputs, then each neuron's activation a.
    from nn.checks import is_finite_number

    for position, x in enumerate(example):
        if not is_finite_number(x):
            raise ValueError(f"network() got example[{position}]={x!r}; expected a finite number.")
    inputs = [float(x) for x in example]
    columns = [inputs]
    with evaluating(model), no_grad():
        for column in layers:
            previous = columns[-1]
            columns.append([neuron(previous).data for neuron in column])
    return columns


def _number(x: float) -> str:
    # Three figures: the picture is read from a slide, the exact numbers are in the trace.
    return format_number(x, precision=3).replace("-", "−")


def per_example_gradients(
    model: Module,
    X: data.Examples,
    y: data.Targets,
    loss: Callable[..., Value] | None = None,
    parameter: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Which examples pull this weight which way: each example's share of ∂loss/∂w, one bar per example.

    The bars sum to the batch gradient. Gradient descent moves w against the
    gradient, so a bar above 0 pulls w down and a bar below 0 pulls it up; a
    few tall bars mean a few examples decide the step. Runs the batched engine
    (NumPy); dropout stays off (the model is put in eval mode for the plot).

    Args:
        model: the network.
        X: the examples.
        y: their targets (bars are coloured by class when the targets are classes).
        loss: a built-in loss; by default ``binary_cross_entropy_with_logits``.
        parameter: a name from ``model.named_parameters()``; by default the one
            with the largest batch gradient.
        ax: an Axes to draw into; by default a new figure.

    Returns:
        The figure.

    Raises:
        ValueError: an unknown parameter name.

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import nn
        >>> X, y = nn.data.moons(30, seed=0)
        >>> figure = per_example_gradients(nn.MLP(2, [4, 1], seed=0), X, y, parameter="layers.1.neurons.0.bias")
        >>> figure.axes[0].get_title()
        'Which examples pull layers.1.neurons.0.bias which way'
    """
    from nn.batched import per_example_gradients as gradients
    from nn.losses import binary_cross_entropy_with_logits

    X, y = data.examples("per_example_gradients()", X), data.targets("per_example_gradients()", y)
    was_training = model.training
    try:
        names, grads = gradients(model.eval(), X, y, loss or binary_cross_entropy_with_logits)
    finally:
        model.train(was_training)
    totals = grads.sum(axis=0)
    if parameter is None:
        column = int(abs(totals).argmax())
    elif parameter in names:
        column = names.index(parameter)
    else:
        raise ValueError(
            f"per_example_gradients() got parameter={parameter!r}; expected a name from model.named_parameters(), "
            f"e.g. {names[0]!r}."
        )
    figure, axes = _figure_and_axes(ax, "per_example_gradients", figsize=(7.0, 3.8))
    shares = grads[:, column].tolist()
    order = sorted(range(len(shares)), key=shares.__getitem__, reverse=True)
    classes = all(isinstance(t, int) or float(t).is_integer() for t in y) and len(set(y)) <= 10
    # Up to 8 classes in the course's colours; 9 or 10 (digits) in matplotlib's ten.
    palette = CLASS_COLOURS if len(set(y)) <= len(CLASS_COLOURS) else TEN_COLOURS
    colours = [palette[int(y[i]) % len(palette)] if classes else BLUE for i in order]
    # Thin white gaps separate a few bars; with hundreds they would hide the bars.
    edges = {"edgecolor": "white", "linewidth": 0.3} if len(order) <= 100 else {"linewidth": 0.0}
    axes.bar(range(len(order)), [shares[i] for i in order], color=colours, width=1.0, **edges)
    axes.axhline(0.0, color="black", linewidth=0.8)
    if classes:
        for label in sorted(set(y)):
            axes.bar([0], [0.0], color=palette[int(label) % len(palette)], label=f"class {int(label)}")
        # Sorted bars leave the lower left empty: positive pulls come first.
        axes.legend(fontsize="small", loc="lower left", ncol=2 if len(set(y)) > 5 else 1)
    axes.set_xlabel("examples, sorted by their pull (above 0: pulls w down, below 0: pulls it up)")
    axes.set_ylabel(f"share of ∂loss/∂w (Σ = {totals[column]:.3g})")
    axes.set_title(f"Which examples pull {names[column]} which way")
    if ax is None:
        figure.tight_layout()
    return figure


class LiveLoss(Callback):
    """A loss curve that redraws itself after every epoch, in place, while ``nn.fit`` runs.

    Pass it to ``fit(..., callbacks=[nn.plots.LiveLoss()])``. It plots the loss
    ``fit`` monitors (the validation loss when there is a validation set, else
    the training loss). In a notebook the figure updates in its cell; elsewhere
    it only collects ``losses``.

    Example:
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import nn
        >>> live = LiveLoss()
        >>> X, y = nn.data.moons(20, seed=0)
        >>> _ = nn.fit(nn.MLP(2, [3, 1], seed=0), X, y, epochs=3, callbacks=[live], progress=False)
        >>> len(live.losses), live.figure.axes[0].get_xlabel()
        (3, 'epoch')
    """

    def __init__(self, title: str = "Loss, epoch by epoch") -> None:
        self.title = title
        self.losses: list[float] = []
        self.figure = _new_figure((5.5, 3.2))
        self._handle: object = None

    def on_train_begin(self, model: Module) -> None:
        """Start an empty curve and show it."""
        self.losses = []
        self._draw()
        ipython = sys.modules.get("IPython")
        if ipython is not None and ipython.get_ipython() is not None:
            from IPython.display import display

            self._handle = display(self.figure, display_id=True)  # type: ignore[no-untyped-call]

    def on_epoch_end(self, epoch: int, monitored: float, model: Module) -> bool:
        """Add the epoch's loss and redraw; never stops training."""
        self.losses.append(monitored)
        self._draw()
        update = getattr(self._handle, "update", None)
        if update is not None:
            update(self.figure)
        return False

    def _draw(self) -> None:
        self.figure.clear()
        axes = self.figure.subplots()
        epochs = list(range(1, len(self.losses) + 1))
        axes.plot(epochs, self.losses, color=BLUE, marker="o", markersize=3, linewidth=1.8)
        axes.set_xlabel("epoch")
        axes.set_ylabel("loss")
        shown = f" (now {self.losses[-1]:.4f})" if self.losses else ""
        axes.set_title(self.title + shown)
        self.figure.tight_layout()
