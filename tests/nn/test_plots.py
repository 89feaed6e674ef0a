import gc
import itertools
import json
import subprocess
import sys
import weakref

import pytest

matplotlib = pytest.importorskip("matplotlib", reason="matplotlib is not installed; pip install matplotlib")
matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

import nn  # noqa: E402
from autograd import Parameter, no_grad  # noqa: E402
from nn import plots  # noqa: E402


@pytest.fixture(scope="module")
def trained():
    X, y = nn.data.moons(60, noise=0.1, seed=0)
    model = nn.MLP(2, [8, 1], seed=0)
    history = nn.fit(model, X, y, epochs=12, batch_size=None, validation=(X, y),
                     callbacks=[nn.EarlyStopping(3)], progress=False)
    return model, X, y, history


def test_decision_boundary_for_one_output(trained, tmp_path):
    model, X, y, _ = trained
    figure = plots.decision_boundary(model, X, y, resolution=20, class_names=("failed", "passed"),
                                     highlight=[[0.5, 0.25]])
    assert isinstance(figure, Figure)
    axes = figure.axes[0]
    assert axes.get_title() == "Decision boundary of MLP"
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["failed", "passed", "(0.5, 0.25)"]
    figure.savefig(tmp_path / "boundary.png")
    assert (tmp_path / "boundary.png").stat().st_size > 1000


def test_decision_boundary_draws_into_a_given_axes_side_by_side(trained, tmp_path):
    model, X, y, _ = trained
    figure = Figure(figsize=(11.0, 4.5))
    left, right = figure.subplots(1, 2, sharey=True)
    returned = plots.decision_boundary(model, X, y, resolution=12, title="left", ax=left)
    assert returned is figure
    assert plots.decision_boundary(model, X, y, resolution=12, title="right", ax=right) is figure
    assert [axes.get_title() for axes in figure.axes] == ["left", "right"]
    assert left.collections  # both panels are drawn on
    assert right.collections
    figure.savefig(tmp_path / "side_by_side.png")


def test_decision_boundary_threshold_follows_a_sigmoid_output():
    from nn.plots import _output_activation

    assert _output_activation(nn.MLP(2, [3, 1], output_activation="sigmoid")) == "sigmoid"
    assert _output_activation(nn.MLP(2, [3, 1])) == "linear"


def test_decision_boundary_for_several_classes():
    X, y = nn.data.blobs(30, centers=3, seed=0)
    figure = plots.decision_boundary(nn.MLP(2, [4, 3], seed=0), X, y, resolution=10)
    assert isinstance(figure, Figure)


def test_decision_boundary_keeps_the_mode():
    model = nn.Sequential(nn.Dense(2, 2, seed=0), nn.Dropout(0.5), nn.Dense(2, 1, seed=0))
    plots.decision_boundary(model, [[0.0, 0.0], [1.0, 1.0]], [0, 1], resolution=5)
    assert model.training


def test_decision_boundary_needs_two_features():
    with pytest.raises(ValueError, match="got") as caught:
        plots.decision_boundary(nn.MLP(3, [1]), [[1.0, 2.0, 3.0]], [1])
    assert str(caught.value) == (
        "decision_boundary() got examples that are not pairs of numbers; it draws 2-feature data."
    )


def test_loss_curves_mark_early_stopping(trained, tmp_path):
    *_, history = trained
    history = nn.History(train_loss=[0.7, 0.5, 0.4, 0.35], val_loss=[0.72, 0.6, 0.65, 0.7],
                         train_accuracy=[0.5, 0.7, 0.8, 0.9], val_accuracy=[0.5, 0.7, 0.7, 0.6],
                         best_epoch=2, stopped_epoch=4)
    figure = plots.loss_curves(history)
    assert len(figure.axes) == 2
    labels = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert labels == ["training loss", "validation loss", "best, weights kept: epoch 2", "stopped: epoch 4"]
    figure.savefig(tmp_path / "curves.png")


def test_loss_curves_of_a_real_history_and_without_accuracy(trained):
    *_, history = trained
    assert isinstance(plots.loss_curves(history), Figure)
    assert len(plots.loss_curves(nn.History(train_loss=[1.0, 0.5])).axes) == 1


def test_loss_curves_draw_the_loss_panel_into_a_given_axes():
    history = nn.History(train_loss=[0.7, 0.5], val_loss=[0.8, 0.6], train_accuracy=[0.5, 0.7], val_accuracy=[0.4, 0.6])
    figure = Figure()
    left, right = figure.subplots(1, 2, sharey=True)
    assert plots.loss_curves(history, title="without dropout", ax=left) is figure
    assert plots.loss_curves(history, title="with dropout", ax=right) is figure
    assert len(figure.axes) == 2  # no accuracy panel squeezed in
    assert [axes.get_title() for axes in figure.axes] == ["without dropout", "with dropout"]
    assert [len(axes.get_lines()) for axes in figure.axes] == [2, 2]


def test_loss_curves_need_epochs():
    with pytest.raises(ValueError, match="got") as caught:
        plots.loss_curves(nn.History())
    assert str(caught.value) == "loss_curves() got a History with no epochs; train first with nn.fit(...)."


def test_loss_landscape_with_a_descent_path_leaves_the_weights_alone(tmp_path):
    w1, w2 = Parameter(-2.0, label="w1"), Parameter(-2.5, label="w2")
    points = [(1.0, 0.8), (-1.0, 0.2)]

    def loss():
        return nn.mean_squared_error([w2 * (w1 * x).sigmoid() for x, _ in points], [t for _, t in points])

    path = plots.descend(loss, [w1, w2], learning_rate=2.0, steps=15)
    assert len(path) == 16
    assert (w1.data, w2.data) == path[-1]
    assert plots.descend(loss, [w1, w2], steps=0) == [path[-1]]
    w1.data, w2.data = path[0]
    start = loss().data
    w1.data, w2.data = path[-1]
    assert loss().data < 0.5 * start
    w1.data, w2.data = path[0]
    figure = plots.loss_landscape(loss, w1, w2, path=path, resolution=12)
    assert (w1.data, w2.data) == path[0]
    assert figure.axes[0].get_xlabel() == "w1"
    assert figure.axes[1].get_title().startswith("Seen from above\n")
    figure.savefig(tmp_path / "landscape.png")


def test_loss_landscape_caption_says_when_the_descent_went_uphill(tmp_path):
    w1, w2 = Parameter(1.0), Parameter(0.5)

    def bowl():
        return w1 * w1 + w2 * w2

    # η = 1.1 on w²: each step multiplies w by 1 − 2.2 = −1.2, so J grows 1.44× per step.
    path = plots.descend(bowl, [w1, w2], learning_rate=1.1, steps=6)
    w1.data, w2.data = path[0]
    figure = plots.loss_landscape(bowl, w1, w2, path=path, resolution=8, learning_rate=1.1)
    assert figure.axes[1].get_title() == "Seen from above\nη = 1.1: the loss went up, J 1.25 → 11.1"
    figure.savefig(tmp_path / "diverging.png")


def test_loss_landscape_caption_counts_overshooting_steps_and_downhill_paths():
    w1, w2 = Parameter(0.0), Parameter(0.0)
    bowl = lambda: w1 * w1 + w2 * w2  # noqa: E731
    overshooting = [(1.0, 0.0), (-0.5, 0.0), (0.6, 0.0), (0.1, 0.0)]  # J: 1, 0.25, 0.36, 0.01
    title = plots.loss_landscape(bowl, w1, w2, path=overshooting, resolution=5).axes[1].get_title()
    assert title == "Seen from above\n1 of 3 steps went uphill (overshooting): J 1 → 0.01"
    downhill = [(1.0, 0.0), (0.5, 0.0), (0.25, 0.0)]
    title = plots.loss_landscape(bowl, w1, w2, path=downhill, resolution=5, learning_rate=0.25).axes[1].get_title()
    assert title == "Seen from above\nη = 0.25: every step went downhill: J 1 → 0.0625"


def test_descend_lowers_a_bowl():
    w = [Parameter(2.0), Parameter(-1.0)]
    path = plots.descend(lambda: w[0] * w[0] + w[1] * w[1], w, learning_rate=0.1, steps=10)
    assert path[-1][0] == pytest.approx(2.0 * 0.8**10)


def test_loss_landscape_without_a_path():
    w1, w2 = Parameter(0.0), Parameter(0.0)
    figure = plots.loss_landscape(lambda: w1 * w1 + w2 * w2, w1, w2, span=2.0, resolution=8)
    assert figure.axes[1].get_xlabel() == "w₁"
    assert figure.axes[1].get_title() == "Seen from above"  # no path, no claim about one


def test_activations_panels():
    figure = plots.activations(["sigmoid", "relu"])
    assert [axes.get_title() for axes in figure.axes] == ["sigmoid", "relu"]
    with pytest.raises(ValueError, match="activation got 'swish'"):
        plots.activations(["swish"])


def test_missing_matplotlib_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match="needs matplotlib") as caught:
        plots.activations()
    assert str(caught.value) == (
        "nn.plots needs matplotlib, which is not installed; install it with: pip install matplotlib"
    )


def test_figures_are_made_without_pyplot_so_nothing_keeps_them_alive():
    pyplot = pytest.importorskip("matplotlib.pyplot")
    open_before = pyplot.get_fignums()
    X, y = nn.data.xor(8, seed=0)
    history = nn.History(train_loss=[0.7, 0.5], val_loss=[0.8, 0.6])
    w1, w2 = Parameter(1.0), Parameter(-1.0)
    figures = [
        plots.decision_boundary(nn.MLP(2, [2, 1], seed=0), X, y, resolution=5),
        plots.loss_curves(history),
        plots.loss_landscape(lambda: w1 * w1 + w2 * w2, w1, w2, resolution=5),
        plots.activations(),
    ]
    assert pyplot.get_fignums() == open_before  # pyplot's inline display would show each a second time
    alive = [weakref.ref(figure) for figure in figures]
    del figures
    gc.collect()
    assert [ref() for ref in alive] == [None, None, None, None]


def test_a_figure_saves_to_png_without_importing_pyplot(tmp_path):
    code = (
        "import sys, nn.plots; figure = nn.plots.activations(); figure.savefig(sys.argv[1]); "
        "print('matplotlib.pyplot' in sys.modules)"
    )
    target = tmp_path / "activations.png"
    result = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.notebook
@pytest.mark.slow
def test_a_figure_returned_by_a_notebook_cell_is_shown_once_as_an_image(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    spec = tmp_path / "kernels" / "glassgrad-tests"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "tests", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))  # this interpreter's kernel, whatever the machine has
    # No pyplot in the notebook: nothing else has taught IPython to draw a Figure.
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import nn\nnn.plots.activations()")])
    nbclient.NotebookClient(notebook, kernel_name="glassgrad-tests", timeout=60).execute()
    outputs = notebook.cells[0].outputs
    assert [output.output_type for output in outputs] == ["execute_result"]
    assert "image/png" in outputs[0].data


def test_import_nn_needs_only_the_standard_library():
    code = (
        "import sys, nn, nn.plots; heavy = {'matplotlib', 'numpy', 'tqdm', 'torch'} & "
        "{m.split('.')[0] for m in sys.modules}; print(sorted(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_descend_steps_with_nn_sgd(monkeypatch):
    from autograd import Parameter
    from nn.plots import descend

    steps = []
    real_step = nn.SGD.step
    monkeypatch.setattr(nn.SGD, "step", lambda self: steps.append(1) or real_step(self))
    w = Parameter(2.0)
    assert descend(lambda: w * w, [w], learning_rate=0.25, steps=2) == [(2.0,), (1.0,), (0.5,)]
    assert len(steps) == 2
    with pytest.raises(ValueError, match="SGD got learning_rate=0; learning_rate must be a finite number > 0"):
        descend(lambda: w * w, [w], learning_rate=0)


# --- network(): the lecture's picture -------------------------------------------


def _texts(figure):
    axes = figure.axes[0]
    return [t.get_text() for t in axes.texts]


def test_network_draws_a_circle_per_input_and_neuron_and_a_line_per_weight():
    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=0)
    figure = plots.network(model)
    axes = figure.axes[0]
    circles = sum(len(collection.get_offsets()) for collection in axes.collections)
    assert circles == 2 + 3 + 1
    assert len(axes.lines) == 2 * 3 + 3 * 1


def test_network_lines_show_each_weights_sign_by_colour_and_size_by_width():
    model = nn.Neuron(3, activation="linear", weights=[2.0, -1.0, 0.5], bias=0.0)
    axes = plots.network(model).figure.axes[0]
    colours = [line.get_color() for line in axes.lines]
    widths = [line.get_linewidth() for line in axes.lines]
    assert colours == [plots.BLUE, plots.RED, plots.BLUE]
    assert widths[0] > widths[1] > widths[2]


def test_network_shows_each_neurons_value_for_the_example():
    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=0)
    output = model([4.0, 5.0]).data
    texts = _texts(plots.network(model, example=[4.0, 5.0]))
    assert f"ŷ\n{plots._number(output)}" in texts
    assert "x₁\n4.0" in texts
    hidden = [neuron([4.0, 5.0]).data for neuron in model.layers[0].neurons]
    assert f"a₂⁽¹⁾\n{plots._number(hidden[1])}" in texts


def _course_network(sizes=(3, 1), seed=1258):
    # The course's network after backprop of one student's loss, and that loss.
    model = nn.MLP(2, list(sizes), output_activation="sigmoid", seed=seed)
    loss = nn.binary_cross_entropy([model([4.0, 5.0])], [1])
    loss.backward()
    return model, loss


def test_network_shows_gradients_only_after_a_backward_pass():
    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=0)
    before = " ".join(_texts(plots.network(model, example=[4.0, 5.0])))
    assert "∂J/∂" not in before
    loss = nn.binary_cross_entropy([model([4.0, 5.0])], [1])
    loss.backward()
    after = _texts(plots.network(model, example=[4.0, 5.0]))
    weight = model.layers[1].neurons[0].weights[0]
    assert f"w₁₁⁽²⁾ = {plots._number(weight.data)}\n∂J/∂w₁₁⁽²⁾ = {plots._number(weight.grad)}" in after
    bias = model.layers[1].neurons[0].bias
    assert any(f"∂J/∂b₁⁽²⁾ = {plots._number(bias.grad)}" in text for text in after)


def test_network_names_every_weight_as_the_computation_graph_does():
    from autograd import topological_order
    from autograd.see.naming import names_and_roles

    model, loss = _course_network()
    graph_names, _ = names_and_roles(topological_order(loss), loss)
    texts = _texts(plots.network(model, example=[4.0, 5.0]))
    weights = [w for layer in model.layers for neuron in layer.neurons for w in neuron.weights]
    for weight in weights:
        name = graph_names[weight]
        assert f"{name} = {plots._number(weight.data)}\n∂J/∂{name} = {plots._number(weight.grad)}" in texts
    # neuron 2 of layer 1, input 1 (lectures): the lecture's w₂₁⁽¹⁾
    assert graph_names[model.layers[0].neurons[1].weights[0]] == "w₂₁⁽¹⁾"


def _extents(figure):
    # Every piece of text in the figure, as drawn at 1024 × 768: labels, names, headings, title, legend.
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    axes = figure.axes[0]
    texts = [*axes.texts, axes.title, *axes.get_legend().get_texts(), axes.get_legend().get_title()]
    return [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_text()]


@pytest.mark.parametrize("sizes", [(3, 1), (4, 4, 1), (16, 16, 1)])
def test_network_text_never_overlaps_at_1024_by_768(sizes):
    model, _ = _course_network(sizes)
    figure = plots.network(model, example=[4.0, 5.0], feature_names=["lectures", "hours"])
    assert tuple(figure.get_size_inches() * figure.dpi) == (1024.0, 768.0)
    extents = _extents(figure)
    for (text, box), (other, other_box) in itertools.combinations(extents, 2):
        assert not box.overlaps(other_box), f"{text!r} overlaps {other!r}"
    for text, box in extents:  # nothing leaves the picture
        assert box.x0 >= 0, text
        assert box.y0 >= 0, text
        assert box.x1 <= 1024, text
        assert box.y1 <= 768, text


def test_network_labels_every_weight_of_the_course_network_and_none_on_a_line_crossing():
    model, _ = _course_network()
    figure = plots.network(model, example=[4.0, 5.0])
    extents = [box for text, box in _extents(figure) if text.startswith("w")]
    assert len(extents) == 9
    lines = [figure.axes[0].transData.transform(line.get_xydata()) for line in figure.axes[0].lines]
    crossings = plots._crossings([(tuple(a), tuple(b)) for a, b in lines])
    assert len(crossings) > 0  # the course network's lines do cross: the test has something to check
    for box in extents:
        assert not any(box.x0 < x < box.x1 and box.y0 < y < box.y1 for x, y in crossings)


def test_network_labels_only_the_largest_gradients_of_a_big_network_and_says_where_the_rest_are():
    model, _ = _course_network((16, 16, 1))
    axes = plots.network(model, example=[4.0, 5.0]).axes[0]
    labels = [text for text in _texts(axes.figure) if text.startswith("w")]
    assert 0 < len(labels) <= plots.MAX_WEIGHT_LABELS
    largest = max((w for layer in model.layers for n in layer.neurons for w in n.weights), key=lambda w: abs(w.grad))
    assert any(text.endswith(f"= {plots._number(largest.grad)}") for text in labels)
    assert f"labelled: {len(labels)} of 304 weights" in axes.get_legend().get_title().get_text()
    assert "nn.plots.gradient_table(model)" in axes.get_legend().get_title().get_text()
    assert not any(text.startswith("w") for text in _texts(plots.network(model, weight_labels=False)))
    assert sum(text.startswith("w") for text in _texts(plots.network(model, weight_labels=3))) == 3


def test_network_refuses_a_weight_label_count_that_is_not_a_whole_number():
    with pytest.raises(ValueError, match=r"network\(\) got weight_labels=-1; expected True, False, None or a whole"):
        plots.network(nn.MLP(2, [3, 1], seed=0), weight_labels=-1)


def test_gradient_table_lists_every_parameter_largest_gradient_first_with_the_pictures_names():
    model, _ = _course_network()
    rows = plots.gradient_table(model).splitlines()
    assert len(rows) == 1 + 13
    gradients = [abs(float(row.split()[-1].replace("−", "-"))) for row in rows[1:]]
    assert gradients == sorted(gradients, reverse=True)
    names = {row.split()[0] for row in rows[1:]}
    assert {"w₂₁⁽¹⁾", "b₁⁽²⁾", "w₁₃⁽²⁾"} <= names


def test_network_uses_feature_names_and_leaves_the_model_as_it_was():
    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=0)
    model.train()
    figure = plots.network(model, example=[4, 5], feature_names=["lectures", "hours"])
    assert "lectures" in _texts(figure) or any(a.get_text() == "lectures" for a in figure.axes[0].texts)
    assert model.training
    assert all(p.grad == 0.0 for p in model.parameters())


def test_network_skips_dropout_and_draws_dense_and_neuron():
    model = nn.Sequential(nn.Dense(2, 4, seed=0), nn.Dropout(0.5), nn.Dense(4, 1, seed=0))
    assert len(plots.network(model).figure.axes[0].lines) == 2 * 4 + 4
    assert len(plots.network(nn.Dense(3, 2, seed=0)).figure.axes[0].lines) == 6


def test_network_refuses_what_it_cannot_draw():
    class Custom(nn.Module):
        def __call__(self, inputs):
            return inputs[0]

    with pytest.raises(TypeError, match=r"network\(\) got a Custom at layers.1; .*autograd.draw"):
        plots.network(nn.Sequential(nn.Dense(2, 2, seed=0), Custom()))
    with pytest.raises(TypeError, match=r"network\(\) got a Custom; it draws an nn.Neuron"):
        plots.network(Custom())
    model = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match=r"example=\[1.0\]; expected 2 numbers"):
        plots.network(model, example=[1.0])
    with pytest.raises(ValueError, match=r"example\[1\]=nan; expected a finite number"):
        plots.network(model, example=[1.0, float("nan")])
    with pytest.raises(ValueError, match=r"feature_names='ab'; expected 2 names"):
        plots.network(model, feature_names="ab")


def test_decision_boundary_rings_circled_points_under_one_legend_entry():
    X, y = nn.data.xor(20, seed=0)
    axes = plots.decision_boundary(nn.MLP(2, [4, 1], seed=0), X, y, resolution=10, circled=X[:3],
                                   circled_label="wrong label").axes[0]
    labels = [text.get_text() for text in axes.get_legend().get_texts()]
    assert labels.count("wrong label") == 1
    rings = [c for c in axes.collections if c.get_label() == "wrong label"]
    assert len(rings[0].get_offsets()) == 3


def test_network_greys_a_relu_that_is_off_for_the_example_and_says_why_in_the_legend():
    dead, _ = _course_network(seed=37)  # hidden neuron 1: z = −4.55 for (4, 5)
    axes = plots.network(dead, example=[4.0, 5.0]).axes[0]
    hidden = axes.collections[1].get_facecolors()
    assert [tuple(face) == matplotlib.colors.to_rgba(plots.OFF) for face in hidden] == [True, False, False]
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert "ReLU off: relu′(z) = 0, no gradient flows back" in legend
    alive, _ = _course_network()
    legend = [text.get_text() for text in plots.network(alive, example=[4.0, 5.0]).axes[0].get_legend().get_texts()]
    assert not any("off" in text for text in legend)


# --- decision_boundary runs its grid as one batch (the batched engine), the scalar engine as the fallback ----------

class _Counted(nn.MLP):
    """An MLP that counts its forward passes."""

    calls = 0

    def __call__(self, inputs):
        type(self).calls += 1
        return super().__call__(inputs)


def _grid(count: int = 20) -> list[list[float]]:
    return [[-1.5 + 4 * i / count, -1.0 + 2.5 * j / count] for j in range(count) for i in range(count)]


def test_decision_boundary_runs_the_model_a_few_times_not_once_per_grid_point():
    pytest.importorskip("numpy")
    X, y = nn.data.moons(40, seed=0)
    model = _Counted(2, [8, 8, 1], seed=0)
    _Counted.calls = 0
    plots.decision_boundary(model, X, y, resolution=30)
    assert _Counted.calls <= 5  # the scalar engine ran it 30² = 900 times


@pytest.mark.parametrize(("layers", "activation"), [([32, 32, 1], "relu"), ([8, 3], "tanh")])
def test_the_batched_grid_agrees_with_the_scalar_engine_to_1e_12(layers, activation):
    pytest.importorskip("numpy")
    model = nn.MLP(2, layers, activation=activation, seed=0)
    points = _grid()
    fast, slow = plots._outputs_at(model, points), plots._outputs_at(model, points, engine="scalar")
    assert len(fast) == len(slow) == len(points)
    flat = (lambda rows: rows) if layers[-1] == 1 else (lambda rows: [v for row in rows for v in row])
    assert all(isinstance(a, float) for a in fast) == (layers[-1] == 1)
    assert flat(fast) == pytest.approx(flat(slow), rel=1e-12, abs=1e-300)
    assert len(set(flat(fast))) > len(points) // 2  # the grid's values differ: a real comparison


def test_decision_boundary_draws_the_same_picture_as_with_the_scalar_engine(monkeypatch):
    np = pytest.importorskip("numpy")
    X, y = nn.data.moons(40, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    nn.fit(model, X, y, epochs=5, progress=False)

    def pixels() -> object:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(plots.decision_boundary(model, X, y, resolution=25))
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).astype(int)

    fast = pixels()
    scalar = plots._outputs_at
    monkeypatch.setattr(plots, "_outputs_at", lambda model, points: scalar(model, points, engine="scalar"))
    slow = pixels()
    # Values 1e-15 apart move the boundary line by as much: its antialiased edge may shade a few
    # pixels (5 of 247,500 here) one level of 255 differently, and nothing else changes.
    assert np.abs(slow - fast).max() <= 1
    assert (slow != fast).any(axis=2).sum() <= 20


def test_without_numpy_the_grid_runs_on_the_scalar_engine(monkeypatch):
    pytest.importorskip("numpy")
    import importlib

    from autograd.modes import batched

    model = nn.MLP(2, [4, 1], seed=0)
    expected = plots._outputs_at(model, _grid(5), engine="scalar")
    real = importlib.import_module

    def without_numpy(name, *args):
        if name == "numpy":
            raise ImportError("No module named 'numpy'")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", without_numpy)
    monkeypatch.setattr(batched, "_NUMPY", None)
    assert plots._outputs_at(model, _grid(5)) == expected


def test_a_model_that_branches_on_the_data_is_drawn_with_the_scalar_engine():
    pytest.importorskip("numpy")

    class Branches(nn.Module):
        def __init__(self) -> None:
            self.layer = nn.Dense(2, 1, activation="linear", seed=0)

        def __call__(self, inputs):
            (z,) = self.layer(inputs)
            return z.relu() if float(inputs[0]) > 0 else z.tanh()

    model = Branches()
    points = _grid(6)
    with no_grad():
        expected = [float(model(p)) for p in points]
    assert plots._outputs_at(model, points) == expected
