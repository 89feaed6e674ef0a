"""nn.Playground's state: its updates are fit's, its scrubber is model_at, fork, reset, clicks, and its errors."""

from __future__ import annotations

import math
import random
import re
import subprocess
import sys

import pytest

import nn
from nn import playground

X, y = nn.data.moons(40, seed=0)
X_val, y_val = nn.data.moons(20, seed=1)


def make(**options: object) -> nn.Playground:
    model = nn.MLP(2, [4, 4, 1], activation="tanh", seed=3)
    return nn.Playground(model, X, y, validation=(X_val, y_val), **options)


def weights(model: nn.Module) -> list[float]:
    return [parameter.data for parameter in model.parameters()]


@pytest.mark.parametrize(("optimizer", "kind"), [("adam", nn.Adam), ("sgd", nn.SGD)])
def test_a_step_moves_the_weights_exactly_as_fits_first_update(optimizer, kind):
    pg = make(optimizer=optimizer, learning_rate=0.05, batch_size=8, seed=4)
    pg.step()
    model = nn.MLP(2, [4, 4, 1], activation="tanh", seed=3)
    history = nn.fit(
        model, X, y, optimizer=kind(model, learning_rate=0.05), epochs=1, batch_size=8, seed=4, progress=False,
        record=True,
    )  # fmt: skip
    assert weights(pg.model) == list(history.steps[0].parameters)
    assert pg.history.steps[0].indices == history.steps[0].indices
    assert pg.state()["parameters"] == list(history.steps[0].parameters)


def test_steps_across_an_epoch_boundary_stay_fits_updates():
    pg = make(batch_size=16)
    pg.step(7)  # 40 points in batches of 16: 3 updates an epoch
    model = nn.MLP(2, [4, 4, 1], activation="tanh", seed=3)
    history = nn.fit(model, X, y, epochs=3, batch_size=16, progress=False, record=True)
    assert [list(step.parameters) for step in pg.history.steps] == [list(s.parameters) for s in history.steps[:7]]


def test_the_scrubber_shows_the_model_of_model_at_k():
    pg = make()
    pg.step(5)
    shown = pg.show(2)
    assert weights(shown) == weights(pg.history.model_at(2))
    state = pg.state(shown)
    assert state["shown"] == 2
    assert state["updates"] == 5
    assert state["parameters"] == weights(pg.history.model_at(2))
    assert state["batch"] == list(pg.history.steps[1].indices)
    assert pg.state()["parameters"] != pg.state(pg.show(5))["parameters"]


def test_fork_keeps_the_past_and_diverges_after():
    pg = make()
    pg.step(5)
    before = pg.history
    pg.fork(2, learning_rate=0.5)
    assert pg.updates == 2
    assert pg.branches[0].steps == before.steps  # the old run is kept whole
    assert pg.history.steps[1] is before.steps[1]
    pg.step()
    assert list(pg.history.steps[2].parameters) != list(before.steps[2].parameters)
    assert pg.history.steps[2].learning_rate == 0.5
    assert len(pg.curves["train_loss"]) == 4  # before training, and after each of the 3 updates


def test_fork_without_changes_repeats_the_run():
    pg = make()
    pg.step(4)
    before = pg.history
    pg.fork(1)
    pg.step(3)
    assert [list(s.parameters) for s in pg.history.steps] == [list(s.parameters) for s in before.steps]


def test_reset_goes_back_to_the_initial_weights_and_forgets_branches():
    pg = make()
    initial = weights(pg.model)
    pg.step(3)
    pg.fork(1, optimizer="sgd")
    pg.reset()
    assert pg.updates == 0
    assert pg.branches == []
    assert weights(pg.model) == initial


def test_a_click_on_the_canvas_adds_a_training_point_and_starts_again():
    pg = make()
    pg.step(2)
    widget = pg.widget
    pg._on_message(widget, {"do": "add", "x": 0.25, "y": -0.5, "label": 1}, None)
    assert pg.X[-1] == [0.25, -0.5]
    assert pg.y[-1] == 1
    assert len(pg.X) == 41
    assert pg.updates == 0
    assert widget.points["points"][-1] == [0.25, -0.5, 1]


def test_the_view_follows_the_backprop_in_the_colour_the_player_draws_its_current_step():
    from autograd.see.picture import HIGHLIGHT

    assert nn.Playground.from_dataset("xor", n=20).widget.highlight == HIGHLIGHT


def test_the_views_messages_step_show_and_report_errors_in_the_view():
    pg = nn.Playground.from_dataset("blank")
    widget = pg.widget
    pg._on_message(widget, {"do": "step"}, None)
    assert widget.state["message"].startswith("Playground.step() got a training set of 0 points")
    pg._on_message(widget, {"do": "add", "x": 0.0, "y": 0.0, "label": 0}, None)
    pg._on_message(widget, {"do": "add", "x": 1.0, "y": 1.0, "label": 1}, None)
    pg._on_message(widget, {"do": "step"}, None)
    assert widget.state["updates"] == 1
    assert widget.state["message"] == ""


def test_changing_the_activation_starts_again_from_the_same_initial_weights():
    pg = make()
    initial = weights(pg.model)
    pg.step(2)
    pg.set(activation="relu", dropout=0.2)
    assert pg.updates == 0
    assert weights(pg.model) == initial
    assert {layer["activation"] for layer in pg.state()["layers"][:-1]} == {"relu"}
    pg.step(2)  # dropout layers train
    assert pg.updates == 2


def test_changing_the_learning_rate_at_the_last_update_changes_the_run_from_there():
    pg = make()
    pg.step(3)
    pg.set(learning_rate=0.2)
    assert pg.updates == 3
    assert pg.branches == []  # nothing to branch from: the past is the same
    pg.step()
    assert pg.history.steps[3].learning_rate == 0.2
    assert pg.history.steps[2].learning_rate == 0.01


def test_a_new_batch_size_at_the_last_update_cuts_the_rest_of_the_epoch():
    pg = make(batch_size=8)
    pg.step(2)  # 16 of the epoch's 40 examples seen
    pg.set(batch_size=12)
    pg.step(3)
    assert [len(step.indices) for step in pg.history.steps] == [8, 8, 12, 12, 12]
    assert [step.epoch for step in pg.history.steps] == [1, 1, 1, 1, 2]


def test_changing_the_optimizer_at_the_last_update_goes_on_with_the_new_one():
    pg = make()
    pg.step(2)
    pg.set(optimizer="sgd", l2=0.01)
    assert isinstance(pg._recorder.optimizer, nn.SGD)
    assert pg._recorder.optimizer.weight_decay == 0.01
    pg.step()
    assert pg.updates == 3


def test_fork_here_after_an_optimizer_and_l2_change_restores_that_update_and_goes_on_as_fit_would():
    pg = make(batch_size=8)
    pg.step(2)
    pg.set(optimizer="sgd", l2=0.01, learning_rate=0.1)
    pg.step(4)
    pg.set(optimizer="adam", l2=0.0, learning_rate=0.05)
    pg.step(3)
    before = pg.history
    pg.show(5)  # after the change to SGD: the scrubber, then the view's "fork here"
    pg._on_message(pg.widget, {"do": "fork"}, None)
    assert pg.widget.state["message"] == ""
    assert pg.updates == 5
    assert weights(pg.model) == list(before.steps[4].parameters)
    assert isinstance(pg._recorder.optimizer, nn.Adam)  # the settings shown are the settings used
    pg.step(3)
    # fit's loop written out: Adam for 2 updates, SGD with L2 for 3, Adam again from update 5.
    model = nn.MLP(2, [4, 4, 1], activation="tanh", seed=3)
    order = []
    rng = random.Random(0)
    for _ in range(2):
        epoch = list(range(len(X)))
        rng.shuffle(epoch)
        order += [epoch[i : i + 8] for i in range(0, len(X), 8)]
    optimizers = {0: nn.Adam(model, learning_rate=0.01), 2: nn.SGD(model, learning_rate=0.1, weight_decay=0.01)}
    optimizers[5] = nn.Adam(model, learning_rate=0.05)
    expected, optimizer = [], optimizers[0]
    for k, batch in enumerate(order[:8]):
        optimizer = optimizers.get(k, optimizer)
        optimizer.zero_grad()
        nn.binary_cross_entropy_with_logits([model(X[i]) for i in batch], [y[i] for i in batch]).backward()
        optimizer.step()
        expected.append(weights(model))
    assert [list(step.parameters) for step in pg.history.steps] == expected
    assert [list(step.parameters) for step in before.steps[:5]] == expected[:5]


def test_backprop_plays_the_shown_updates_first_example_from_the_model_before_it():
    pytest.importorskip("ipywidgets")
    pg = make()
    pg.step(2)
    with pytest.raises(nn.PlaygroundError, match="example=99; expected a position in X, 0 … 39"):
        pg.backprop(99)
    box = pg.backprop()
    assert "glassgrad-player" in box._dom_classes
    pg.show(0)
    with pytest.raises(nn.PlaygroundError, match=r"update 0 \(before training\)"):
        pg.backprop()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"learning_rate": 0}, "Playground() got learning_rate=0; expected a number > 0."),
        ({"optimizer": "sgdd"}, "Playground() got optimizer='sgdd'; expected one of 'sgd', 'adam'"),
        ({"batch_size": 0}, "batch_size=0"),
        ({"loss": "hinge"}, "Playground() got loss='hinge'; expected one of 'cross-entropy', 'squared error'"),
        ({"dropout": 1.0}, "Playground() got dropout=1.0; expected a probability 0 ≤ p < 1."),
        ({"l2": -1}, "Playground() got l2=-1; expected a number ≥ 0."),
        ({"activation": "swish"}, "Playground() got activation='swish'; expected one of 'relu'"),
        ({"seed": 1.5}, "Playground() got seed=1.5; expected an int"),
        ({"engine": "gpu"}, "Playground() got engine='gpu'; expected 'scalar' or 'batched'."),
    ],
)
def test_a_bad_argument_raises_the_librarys_error_naming_it(options, message):
    with pytest.raises(nn.PlaygroundError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make(**options)


@pytest.mark.parametrize(
    ("examples", "labels", "message"),
    [
        ([[0.0, "a"]], [0], "Playground() got X[0] = [0.0, 'a']; the view draws points in the plane, so each example"),
        ([[0.0, 1.0, 2.0]], [0], "Playground() got X[0] = [0.0, 1.0, 2.0]; the view draws points in the plane"),
        ([[0.0, math.nan]], [0], "Playground() got X[0] = [0.0, nan]; the view draws points in the plane"),
        (5, [0], "Playground() got X=5; expected a list, a NumPy array or a DataFrame (may be empty)."),
        ([[0.0, 1.0]], [0, 1], "Playground() got 1 examples in X and 2 labels in y; pass one 0/1 label per example."),
    ],
)
def test_data_the_view_cannot_draw_is_refused_naming_the_row(examples, labels, message):
    with pytest.raises(nn.PlaygroundError, match=re.escape(message)):
        nn.Playground(nn.MLP(2, [2, 1], seed=0), examples, labels)


def test_a_model_or_data_the_view_cannot_draw_is_refused_by_name():
    with pytest.raises(nn.PlaygroundError, match=r"a model of 3 inputs and 1 outputs; the view draws"):
        nn.Playground(nn.MLP(3, [2, 1]), [[0.0, 0.0, 0.0]], [0])
    with pytest.raises(nn.PlaygroundError, match=r"Playground\(\) got y\[0\]=2; the view draws two classes"):
        nn.Playground(nn.MLP(2, [2, 1]), [[0.0, 0.0]], [2])
    with pytest.raises(nn.PlaygroundError, match="from_dataset\\(\\) got name='iris'; expected one of 'moons'"):
        nn.Playground.from_dataset("iris")
    with pytest.raises(nn.PlaygroundError, match="a fork keeps the network"):
        make().fork(0, activation="relu")


def test_a_missing_anywidget_names_the_extra_to_install(monkeypatch):
    monkeypatch.setattr(playground, "_WIDGET", None)
    monkeypatch.setitem(sys.modules, "anywidget", None)  # import anywidget now raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'glassgrad\[notebook\]'"):
        _ = make().widget


def test_import_nn_does_not_import_anywidget():
    code = "import sys, nn; print('anywidget' in sys.modules, 'traitlets' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.split() == ["False", "False"]


@pytest.mark.parametrize("k", [5, 21, 30, 40])
def test_a_fork_of_a_fork_replays_and_goes_on_with_the_learning_rate_its_updates_were_made_with(k):
    # The Playground's learning-rate control is such a fork; nn.history replays each update at its recorded rate.
    history = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=10, batch_size=10, progress=False, record=True)
    faster = history.fork(4, learning_rate=0.5)
    again = faster.fork(k)
    assert [list(step.parameters) for step in again.steps] == [list(step.parameters) for step in faster.steps]
    assert again.steps[-1].learning_rate == 0.5


def test_cross_entropy_on_a_sigmoid_output_is_taken_on_the_probability():
    model = nn.MLP(2, [4, 1], output_activation="sigmoid", seed=0)
    pg = nn.Playground(model, X, y, optimizer="sgd", learning_rate=0.1, batch_size=8)
    pg.step()
    twin = nn.MLP(2, [4, 1], output_activation="sigmoid", seed=0)
    history = nn.fit(
        twin, X, y, loss=nn.binary_cross_entropy, optimizer=nn.SGD(twin, learning_rate=0.1), epochs=1,
        batch_size=8, progress=False, record=True,
    )  # fmt: skip
    assert weights(pg.model) == list(history.steps[0].parameters)
    assert pg.state()["output"] == "probability"
    assert pg.state()["settings"]["loss"] == "cross-entropy"


def test_any_error_while_answering_the_view_is_shown_in_it_and_answered_once():
    pg = make()
    widget = pg.widget
    sent = widget.state["sent"]
    pg._on_message(widget, {"do": "show", "k": "three"}, None)  # not even a number: a ValueError
    assert widget.state["message"].startswith("ValueError: invalid literal for int()")
    assert widget.state["sent"] == sent + 1
    pg._on_message(widget, {"do": "step"}, None)
    assert widget.state["sent"] == sent + 2
    assert widget.state["message"] == ""


def test_the_example_drawn_is_the_batchs_first_until_one_is_chosen():
    pg = make()
    pg.step()
    assert pg.state()["example"] == -1  # the view draws the batch's first
    pg._on_message(pg.widget, {"do": "example", "index": 7}, None)
    assert pg.state()["example"] == 7
    assert pg.example == 7


def test_the_batched_engine_makes_fits_batched_updates():
    pytest.importorskip("numpy")
    pg = make(engine="batched", batch_size=8)
    pg.step(7)
    model = nn.MLP(2, [4, 4, 1], activation="tanh", seed=3)
    history = nn.fit(model, X, y, epochs=2, batch_size=8, engine="batched", progress=False, record=True)
    assert [list(step.parameters) for step in pg.history.steps] == [list(s.parameters) for s in history.steps[:7]]


def test_the_backprop_button_of_a_widget_shown_alone_says_where_it_opens():
    pg = make()
    pg.step()
    pg._on_message(pg.widget, {"do": "backprop"}, None)
    assert pg.widget.state["message"].startswith("the backprop opens under the view: show the view with pg")
