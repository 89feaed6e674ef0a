import math
import reprlib
import sys

import pytest

import nn
from nn.training import count_correct


def test_a_2_16_16_1_mlp_reaches_95_percent_on_moons():
    X, y = nn.data.moons(200, noise=0.1, seed=0)
    X_train, y_train, X_val, y_val = nn.data.train_val_split(X, y, validation_fraction=0.25, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=1)
    history = nn.fit(model, X_train, y_train, optimizer=nn.Adam(model, learning_rate=0.03), epochs=10,
                     batch_size=8, validation=(X_val, y_val), progress=False)
    assert history.val_accuracy[-1] >= 0.95
    assert history.train_loss[-1] < history.train_loss[0]
    print(f"moons: val accuracy {history.val_accuracy[-1]:.1%} in {history.seconds:.1f} s")


def test_will_i_pass_the_untrained_network_is_poor_and_training_fixes_it():
    X, y = nn.data.pass_fail(200, seed=0)
    X_train, y_train, X_val, y_val = nn.data.train_val_split(X, y, validation_fraction=0.25, seed=0)
    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=1258)  # the course network's seed
    assert model([4, 5]).data == pytest.approx(0.11, abs=0.01)  # the course: "0.1, not very good"
    optimizer = nn.Adam(model, learning_rate=0.05)
    history = nn.fit(model, X_train, y_train, loss=nn.binary_cross_entropy, optimizer=optimizer, epochs=40,
                     batch_size=16, validation=(X_val, y_val), progress=False)
    assert history.val_accuracy[-1] >= 0.9
    assert model([4, 5]).data > 0.9
    print(f"pass_fail: val accuracy {history.val_accuracy[-1]:.1%}, P(pass | 4, 5) = {model([4, 5]).data:.3f}")


def test_history_has_one_entry_per_epoch():
    X, y = nn.data.xor(24, seed=0)
    history = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=3, batch_size=8, validation=(X, y), progress=False)
    assert history.epochs == 3
    assert len(history.train_loss) == len(history.val_loss) == len(history.train_accuracy) == 3
    assert len(history.val_accuracy) == 3
    assert all(0.0 <= a <= 1.0 for a in history.train_accuracy + history.val_accuracy)
    assert history.best_epoch is None
    assert history.stopped_epoch is None
    assert not history.interrupted
    assert history.seconds > 0.0


def test_fit_leaves_the_model_in_eval_mode():
    model = nn.Sequential(nn.Dense(2, 4, seed=0), nn.Dropout(0.5, seed=0), nn.Dense(4, 1, seed=0))
    nn.fit(model, [[0.0, 1.0]], [1], epochs=1, progress=False)
    assert not model.training


def test_fit_is_reproducible_with_a_seed():
    X, y = nn.data.xor(24, seed=0)
    runs = []
    for _ in range(2):
        model = nn.MLP(2, [4, 1], seed=0)
        nn.fit(model, X, y, epochs=2, batch_size=4, seed=3, progress=False)
        runs.append(model.state_dict())
    assert runs[0] == runs[1]


def test_regression_has_no_accuracy():
    X = [[x / 10] for x in range(10)]
    y = [2 * x[0] + 1 for x in X]
    model = nn.MLP(1, [1], seed=0)
    history = nn.fit(model, X, y, loss=nn.mean_squared_error, optimizer=nn.SGD(model, learning_rate=0.3), epochs=60,
                     batch_size=None, validation=(X, y), progress=False)
    assert history.train_accuracy == history.val_accuracy == []
    assert history.val_loss[-1] < 1e-3


def test_multi_class_with_cross_entropy():
    X, y = nn.data.blobs(60, centers=3, spread=0.3, seed=0)
    model = nn.MLP(2, [8, 3], seed=0)
    history = nn.fit(model, X, y, loss=nn.cross_entropy, optimizer=nn.Adam(model, learning_rate=0.05), epochs=8,
                     batch_size=10, validation=(X, y), progress=False)
    assert history.val_accuracy[-1] >= 0.95


def test_hinge_with_zero_one_labels():
    X, y = nn.data.blobs(60, centers=2, spread=0.5, seed=0)
    model = nn.MLP(2, [1], seed=0)
    history = nn.fit(model, X, y, loss=nn.hinge, optimizer=nn.SGD(model, learning_rate=0.05, momentum=0.9),
                     epochs=20, batch_size=None, progress=False)
    assert history.train_accuracy[-1] >= 0.95


def test_progress_bar_shows_the_loss(capsys):
    pytest.importorskip("tqdm", reason="tqdm is not installed; pip install tqdm")
    X, y = nn.data.xor(8, seed=0)
    nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, epochs=2, validation=(X, y), progress=True)
    shown = capsys.readouterr().err
    assert "2/2" in shown
    assert "loss=" in shown
    assert "val_loss=" in shown


def test_progress_false_is_silent(capsys):
    X, y = nn.data.xor(8, seed=0)
    nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, epochs=2, progress=False)
    assert capsys.readouterr() == ("", "")


def test_without_tqdm_fit_warns_and_trains(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    X, y = nn.data.xor(8, seed=0)
    with pytest.warns(UserWarning, match="fit\\(progress=True\\) needs tqdm for its progress bar: pip install tqdm"):
        history = nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, epochs=1)
    assert history.epochs == 1


class InterruptAt:
    """A loss that presses Ctrl-C on its n-th call (in the middle of an epoch)."""

    def __init__(self, n):
        self.calls, self.n = 0, n

    def __call__(self, outputs, targets):
        self.calls += 1
        if self.calls == self.n:
            raise KeyboardInterrupt
        return nn.binary_cross_entropy_with_logits(outputs, targets)


def test_ctrl_c_stops_cleanly_with_the_last_finished_epoch():
    X, y = nn.data.xor(16, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    snapshots = []

    class Snapshot(nn.Callback):
        def on_epoch_end(self, epoch, monitored, model):
            snapshots.append(model.state_dict())
            return False

    # 4 batches per epoch: the 10th loss is mid-way through epoch 3.
    history = nn.fit(model, X, y, loss=InterruptAt(10), epochs=5, batch_size=4, callbacks=[Snapshot()],
                     progress=False)
    assert history.interrupted
    assert history.epochs == 2
    assert model.state_dict() == snapshots[-1]


def test_ctrl_c_with_early_stopping_keeps_the_best_weights():
    X, y = nn.data.xor(16, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    stopper = nn.EarlyStopping(patience=100)
    history = nn.fit(model, X, y, loss=InterruptAt(13), epochs=10, batch_size=4, validation=(X, y),
                     callbacks=[stopper], progress=False)
    assert history.interrupted
    assert history.best_epoch == stopper.best_epoch
    assert nn.evaluate(model, X, y)[0] == pytest.approx(min(history.val_loss), abs=1e-12)


def test_evaluate_keeps_the_mode_and_records_no_graph():
    model = nn.Sequential(nn.Dense(2, 2, seed=0), nn.Dropout(0.5))
    loss, accuracy = nn.evaluate(model, [[1.0, 2.0]], [[0.0, 0.0]], loss=nn.mean_squared_error)
    assert model.training
    assert math.isfinite(loss)
    assert accuracy is None
    assert all(p.grad == 0.0 for p in model.parameters())


def test_count_correct_reads_outputs_the_way_the_loss_does():
    assert count_correct([0.6, 0.4], [1, 1], nn.binary_cross_entropy) == 1
    assert count_correct([0.2, -0.1], [1, 0], nn.binary_cross_entropy_with_logits) == 2
    assert count_correct([0.2, -0.1], [1, -1], nn.hinge) == 2
    assert count_correct([[0.1, 0.9], [2.0, 1.0]], [1, 1], nn.cross_entropy) == 1
    assert count_correct([0.7], [1], nn.mean_squared_error) == 1
    assert count_correct([0.7], [3.5], nn.mean_squared_error) is None
    assert count_correct([0.7], [1], lambda o, t: o[0]) is None


def test_accuracy_helper_and_its_error():
    assert nn.accuracy([2.0, -1.0, 0.5], [1, 0, 0]) == 2 / 3
    with pytest.raises(ValueError, match="got") as caught:
        nn.accuracy([0.5], [0.3], loss=nn.mean_squared_error)
    assert str(caught.value) == (
        "accuracy() got loss='mean_squared_error' and 1 outputs; accuracy needs outputs and a classification loss "
        "(binary_cross_entropy[_with_logits], hinge, cross_entropy)."
    )


@pytest.mark.parametrize(
    ("call", "exception", "message"),
    [
        (lambda m: nn.fit(m, [], [], progress=False), ValueError, "fit() got no examples; expected at least one."),
        (
            lambda m: nn.fit(m, [[1.0, 2.0]], [1, 0], progress=False),
            ValueError,
            "fit() got 1 example and 2 targets; expected one target per example.",
        ),
        (
            lambda m: nn.fit(m, [[1.0, 2.0]], [1], epochs=0, progress=False),
            ValueError,
            "fit() got epochs=0; expected a whole number of epochs ≥ 1.",
        ),
        (
            lambda m: nn.fit(m, [[1.0, 2.0]], [1], validation=[[1.0, 2.0]], progress=False),
            ValueError,
            "fit() got validation=[[1.0, 2.0]]; expected a pair (X_val, y_val).",
        ),
        (
            lambda m: nn.fit(m, [[1.0, 2.0]], [1], validation=([[1.0, 2.0]], []), progress=False),
            ValueError,
            "fit() validation got 1 example and 0 targets; expected one target per example.",
        ),
        (
            lambda m: nn.fit(m, 3, [1], progress=False),
            TypeError,
            "fit() got examples of type int; expected a list, one example per entry.",
        ),
        (lambda m: nn.evaluate(m, [], []), ValueError, "evaluate() got no examples; expected at least one."),
    ],
)
def test_bad_arguments(call, exception, message):
    with pytest.raises(exception, match="got") as caught:
        call(nn.MLP(2, [2, 1], seed=0))
    assert str(caught.value) == message


def test_wrong_example_width_fails_clearly_in_fit():
    with pytest.raises(ValueError, match="Dense got 3 inputs"):
        nn.fit(nn.MLP(2, [2, 1], seed=0), [[1.0, 2.0, 3.0]], [1], progress=False)


def _bad_fit_leaves_model_untouched(model, call):
    before = model.state_dict()
    model.train()
    with pytest.raises(ValueError, match="fit") as caught:
        call(model)
    assert model.state_dict() == before
    assert model.training is False
    return str(caught.value)


def test_a_bad_validation_set_is_found_before_any_update():
    X, y = nn.data.pass_fail(40, seed=0)
    message = _bad_fit_leaves_model_untouched(
        nn.MLP(2, [3, 1], seed=0),
        lambda m: nn.fit(m, X, y, epochs=5, validation=([[1.0, 2.0, 3.0]], [1]), progress=False),
    )
    assert message == "fit() got X_val[0] = [1.0, 2.0, 3.0] with 3 numbers; expected 2, like X[0]."


def test_a_bad_label_is_reported_by_its_index_in_y():
    X, y = nn.data.pass_fail(40, seed=0)
    y = list(y)
    y[19] = 2
    message = _bad_fit_leaves_model_untouched(
        nn.MLP(2, [3, 1], seed=0), lambda m: nn.fit(m, X, y, epochs=5, batch_size=4, progress=False)
    )
    assert message == (
        "fit() got a target in y that loss=binary_cross_entropy_with_logits cannot use: "
        "binary_cross_entropy_with_logits() got target 2 for example 19; expected a number in [0, 1]."
    )


def test_bad_validation_labels_and_examples_and_batch_size_are_found_first():
    X, y = nn.data.pass_fail(40, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    message = _bad_fit_leaves_model_untouched(
        model, lambda m: nn.fit(m, X, y, validation=(X[:3], [0, 1, 7]), progress=False)
    )
    assert "in y_val" in message
    assert "example 2" in message
    bad_X = [*X[:5], [1.0, "2"], *X[6:]]
    message = _bad_fit_leaves_model_untouched(model, lambda m: nn.fit(m, bad_X, y, progress=False))
    assert message == (
        "fit() got X[5] = [1.0, '2'], which holds '2'; expected finite numbers. Drop or fill in that example (nan "
        "and inf make every loss nan)."
    )
    message = _bad_fit_leaves_model_untouched(model, lambda m: nn.fit(m, X, y, batch_size=0, progress=False))
    assert message == "fit() got batch_size=0; expected a whole number ≥ 1, or None (full batch)."


def test_fit_leaves_eval_mode_even_when_training_raises():
    X, y = nn.data.pass_fail(10, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)

    def broken(outputs, targets):
        if model.training:
            raise RuntimeError("boom")
        return nn.binary_cross_entropy_with_logits(outputs, targets)

    with pytest.raises(RuntimeError, match="boom"):
        nn.fit(model, X, y, loss=broken, epochs=2, progress=False)
    assert model.training is False


def test_batches_checks_its_arguments_at_the_call():
    with pytest.raises(ValueError, match="batch_size=0"):
        nn.data.batches([[0.0]], [0], 0)


def test_ctrl_c_after_the_weights_went_nan_returns_the_history_without_raising():
    # The first step makes every weight nan (a diverged run); Ctrl-C comes in the second epoch.
    X, y = nn.data.xor(8, seed=0)
    model = nn.MLP(2, [2, 1], seed=0)
    steps = []

    class Diverging(nn.SGD):
        def step(self):
            steps.append(1)
            for parameter in self.parameters:
                parameter.data = math.nan if len(steps) == 1 else 7.0
            if len(steps) == 2:
                raise KeyboardInterrupt  # mid-update of epoch 2: its 7.0s must be dropped

    history = nn.fit(model, X, y, optimizer=Diverging(model.parameters(), learning_rate=0.1), epochs=3,
                     batch_size=None, progress=False)
    assert history.interrupted is True
    assert len(history.train_loss) == 1
    assert all(math.isnan(value) for value in model.state_dict().values())  # the last whole epoch, as it was


# --- inputs fit() used to take silently or fail on with Python internals -------------------


def test_the_sigmoid_output_with_the_default_logits_loss_is_caught_before_the_first_step():
    # The trap: every README model has a sigmoid output, and fit's default loss squashes again: 50% on moons.
    X, y = nn.data.moons(40, noise=0.1, seed=0)
    model = nn.MLP(2, [4, 1], output_activation="sigmoid", seed=0)
    message = _bad_fit_leaves_model_untouched(model, lambda m: nn.fit(m, X, y, progress=False))
    assert message == (
        "fit() got loss=binary_cross_entropy_with_logits and a model whose output goes through a sigmoid; "
        "binary_cross_entropy_with_logits expects raw scores and squashes them itself, so training would stall near "
        "50% accuracy. To fix it, pass loss=nn.binary_cross_entropy (it takes probabilities), or build the model with "
        "output_activation=None (raw scores) and keep this loss."
    )
    # Both fixes the message names train.
    nn.fit(model, X, y, loss=nn.binary_cross_entropy, epochs=1, progress=False)
    nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=1, progress=False)


@pytest.mark.parametrize("loss", [nn.hinge, nn.cross_entropy])
def test_other_raw_score_losses_refuse_a_sigmoid_output(loss):
    model = nn.MLP(2, [3, 2 if loss is nn.cross_entropy else 1], output_activation="sigmoid", seed=0)
    with pytest.raises(ValueError, match="got") as caught:
        nn.fit(model, [[0.0, 1.0]], [1], loss=loss, progress=False)
    assert str(caught.value) == (
        f"fit() got loss={loss.__name__} and a model whose output goes through a sigmoid; {loss.__name__} expects raw "
        "scores and squashes them itself, so training would stall near 50% accuracy. To fix it, build the model with "
        "output_activation=None (raw scores)."
    )


def test_evaluate_refuses_the_sigmoid_and_logits_pair_too():
    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=0)
    with pytest.raises(ValueError, match=r"^evaluate\(\) got loss=binary_cross_entropy_with_logits and a model"):
        nn.evaluate(model, [[0.0, 1.0]], [1])
    assert nn.evaluate(model, [[0.0, 1.0]], [1], loss=nn.binary_cross_entropy)[1] in (0.0, 1.0)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, 10**400], ids=["nan", "inf", "-inf", "10**400"])
@pytest.mark.parametrize("where", ["X", "X_val"])
def test_nan_and_inf_in_the_examples_are_found_before_any_update(bad, where):
    X, y = nn.data.pass_fail(20, seed=0)
    poisoned = [list(x) for x in X]
    poisoned[7] = [1.0, bad]
    model = nn.MLP(2, [3, 1], seed=0)
    if where == "X":
        call = lambda m: nn.fit(m, poisoned, y, progress=False)  # noqa: E731
    else:
        call = lambda m: nn.fit(m, X, y, validation=(poisoned, y), progress=False)  # noqa: E731
    message = _bad_fit_leaves_model_untouched(model, call)
    assert message == (
        f"fit() got {where}[7] = {reprlib.repr([1.0, bad])}, which holds {reprlib.repr(bad)}; expected finite "
        "numbers. Drop or fill in that example (nan and inf make every loss nan)."
    )


def test_a_nan_inside_a_value_example_is_found_too():
    from autograd import Value

    with pytest.raises(ValueError, match=r"fit\(\) got X\[0\] = \[Value\(data=nan"):
        nn.fit(nn.MLP(2, [2, 1], seed=0), [[Value(math.nan), 1.0]], [1], progress=False)


@pytest.mark.parametrize(("bad", "where"), [(math.nan, "y"), (math.inf, "y"), (math.nan, "y_val")])
def test_nan_and_inf_targets_are_found_before_any_update(bad, where):
    X = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    y = [0.5, 1.0, -2.0]
    poisoned = [0.5, bad, -2.0]
    model = nn.MLP(2, [3, 1], seed=0)
    if where == "y":
        call = lambda m: nn.fit(m, X, poisoned, loss=nn.mean_squared_error, progress=False)  # noqa: E731
    else:
        call = lambda m: nn.fit(m, X, y, loss=nn.mean_squared_error, validation=(X, poisoned),  # noqa: E731
                                progress=False)
    message = _bad_fit_leaves_model_untouched(model, call)
    assert message == (
        f"fit() got a target in {where} that loss=mean_squared_error cannot use: mean_squared_error() got target "
        f"{bad!r} for example 1; expected a finite number."
    )


def test_a_model_output_the_loss_cannot_use_is_blamed_on_the_output_not_the_targets():
    # A linear output with binary_cross_entropy: the probe sees a score outside [0, 1] before any step.
    model = nn.Neuron(2, activation="linear", weights=[2.0, 2.0], bias=0.0)
    message = _bad_fit_leaves_model_untouched(
        model, lambda m: nn.fit(m, [[1.0, 1.0]], [1], loss=nn.binary_cross_entropy, progress=False)
    )
    assert message == (
        "fit() got loss=binary_cross_entropy, which cannot use the model's output for X[0] with y[0]: "
        "binary_cross_entropy() got output 4.0 for example 0; expected a probability in [0, 1]. Give the model a "
        "sigmoid output (output_activation='sigmoid'), or use binary_cross_entropy_with_logits on raw scores."
    )


def test_a_bad_first_target_is_named_as_the_target():
    message = _bad_fit_leaves_model_untouched(
        nn.MLP(2, [2, 1], seed=0), lambda m: nn.fit(m, [[1.0, 1.0], [0.0, 1.0]], [math.nan, 1], progress=False)
    )
    assert message == (
        "fit() got loss=binary_cross_entropy_with_logits, which cannot use the model's output for X[0] with y[0]: "
        "binary_cross_entropy_with_logits() got target nan for example 0; expected a finite number."
    )


@pytest.mark.parametrize(
    ("options", "exception", "message"),
    [
        (
            {"loss": None},
            TypeError,
            "fit() got loss=None; expected a loss function such as nn.binary_cross_entropy_with_logits (raw scores, "
            "0/1 targets), nn.cross_entropy or nn.mean_squared_error.",
        ),
        (
            {"loss": "bce"},
            TypeError,
            "fit() got loss='bce'; expected a loss function such as nn.binary_cross_entropy_with_logits (raw scores, "
            "0/1 targets), nn.cross_entropy or nn.mean_squared_error.",
        ),
        (
            {"optimizer": "adam"},
            TypeError,
            "fit() got optimizer='adam' of type str; expected an optimizer built on the model, such as "
            "nn.Adam(model, learning_rate=0.01), or None for that default.",
        ),
        (
            {"callbacks": [None]},
            TypeError,
            "fit() got callbacks[0]=None of type NoneType; expected an nn.Callback (with on_train_begin, "
            "on_epoch_end and on_train_end), such as nn.EarlyStopping(patience=10).",
        ),
        (
            {"callbacks": nn.EarlyStopping()},
            TypeError,
            "fit() got callbacks=EarlyStopping...min_delta=0.0); expected a list of callbacks such as "
            "[nn.EarlyStopping(patience=10)].",
        ),
        (
            {"callbacks": None},
            TypeError,
            "fit() got callbacks=None; expected a list of callbacks such as [nn.EarlyStopping(patience=10)].",
        ),
        ({"epochs": 2.0}, ValueError, "fit() got epochs=2.0; expected a whole number of epochs ≥ 1."),
        ({"epochs": True}, ValueError, "fit() got epochs=True; expected a whole number of epochs ≥ 1."),
        ({"batch_size": -1}, ValueError, "fit() got batch_size=-1; expected a whole number ≥ 1, or None (full batch)."),
        (
            {"validation": ([[1.0, 2.0]],)},
            ValueError,
            "fit() got validation=([[1.0, 2.0]],); expected a pair (X_val, y_val).",
        ),
    ],
    ids=lambda v: str(v)[:40],
)
def test_bad_fit_options_name_the_argument_the_value_and_the_fix(options, exception, message):
    model = nn.MLP(2, [2, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(exception, match="got") as caught:
        nn.fit(model, [[1.0, 2.0]], [1], progress=False, **options)
    assert str(caught.value) == message
    assert model.state_dict() == before


def test_an_optimizer_built_for_another_model_is_refused():
    model, other = nn.MLP(2, [2, 1], seed=0), nn.MLP(2, [2, 1], seed=1)
    optimizer = nn.SGD(other, learning_rate=0.1)
    with pytest.raises(ValueError, match="got") as caught:
        nn.fit(model, [[1.0, 2.0]], [1], optimizer=optimizer, progress=False)
    assert str(caught.value) == (
        f"fit() got optimizer={optimizer!r}, which holds none of the model's parameters; build it on this model: "
        "nn.SGD(model, ...)."
    )


@pytest.mark.parametrize("model", [None, "model", [nn.Neuron(1)]])
@pytest.mark.parametrize("function", ["fit", "evaluate"])
def test_a_model_that_is_not_a_module(model, function):
    # Before, fit(model=None) raised AttributeError from inside `finally: model.eval()`.
    with pytest.raises(TypeError, match="got") as caught:
        getattr(nn, function)(model, [[1.0]], [1])
    assert str(caught.value) == (
        f"{function}() got model={model!r} of type {type(model).__name__}; expected an nn.Module such as "
        "nn.MLP(2, [16, 16, 1])."
    )


def test_numpy_integers_are_counts_everywhere():
    np = pytest.importorskip("numpy")
    X, y = nn.data.moons(np.int64(12), seed=0)
    model = nn.MLP(np.int64(2), [np.int64(3), np.int64(1)], seed=0)
    stopper = nn.EarlyStopping(patience=np.int64(2))
    history = nn.fit(model, X, y, epochs=np.int64(2), batch_size=np.int64(4), callbacks=[stopper], progress=False)
    assert history.epochs == 2
    assert len(list(nn.data.batches(X, y, batch_size=np.int64(5)))) == 3
    assert len(nn.data.spirals(np.int64(6), n_classes=np.int64(3))[0]) == 6
    assert sorted(set(nn.data.blobs(6, centers=np.int64(2))[1])) == [0, 1]
    assert type(nn.Neuron(np.int64(2)).n_inputs) is int
    assert nn.Dense(np.int64(2), np.int64(3)).n_outputs == 3


def test_accuracy_needs_one_target_per_output():
    # Before, zip() dropped the extra output and the share was computed over the wrong count.
    with pytest.raises(ValueError, match="got") as caught:
        nn.accuracy([0.5, -0.2], [1])
    assert str(caught.value) == "accuracy() got 2 outputs and 1 target; expected one target per output."


def test_fit_walks_the_model_a_fixed_number_of_times_however_many_epochs(monkeypatch):
    # Per-epoch work proportional to what changed: no state_dict() or tree walk per epoch.
    X, y = nn.data.xor(16, seed=0)
    walks = []
    original = nn.Module._children

    def counted(self):
        walks.append(self)
        return original(self)

    monkeypatch.setattr(nn.Module, "_children", counted)
    counts = []
    for epochs in (2, 8):
        walks.clear()
        nn.fit(nn.MLP(2, [3, 1], seed=0), X, y, epochs=epochs, progress=False, validation=(X, y))
        counts.append(len(walks))
    assert counts[0] == counts[1]


def test_examples_of_finite_floats_whose_sum_overflows_are_accepted_and_a_nan_among_floats_is_named():
    # The check sums each example of floats at C speed and looks number by number only when the sum is not finite.
    model = nn.Neuron(2, activation="linear", weights=[0.0, 0.0])
    assert nn.predict(model, [[1e308, 1e308], [-1e308, -1e308]]) == [0.0, 0.0]
    with pytest.raises(ValueError, match="holds inf") as caught:
        nn.predict(model, [[1.0, 2.0], [1e308, math.inf]])
    assert str(caught.value) == (
        "predict() got X[1] = [1e+308, inf], which holds inf; expected finite numbers. Drop or fill in that example "
        "(nan and inf make every loss nan)."
    )


def test_targets_are_checked_once_per_distinct_value_but_a_bad_one_is_named_by_its_first_index():
    X, y = nn.data.pass_fail(30, seed=0)
    seen = []

    def counting_loss(outputs, targets):
        seen.append(len(targets))
        return nn.binary_cross_entropy_with_logits(outputs, targets)

    nn.fit(nn.MLP(2, [3, 1], seed=0), X, y, loss=counting_loss, epochs=1, batch_size=None, progress=False)
    assert seen[:2] == [2, 30]  # the check: 0 and 1 once each, not 30 copies of the output; then the batch
    bad = [*y[:7], True, *y[8:20], True, *y[21:]]  # True == 1 and hashes like it, but the loss refuses a bool
    with pytest.raises(ValueError, match="got target True for example 7"):
        nn.fit(nn.MLP(2, [3, 1], seed=0), X, bad, epochs=1, progress=False)
