import pytest

import nn


def _run(stopper, losses, model):
    stopper.on_train_begin(model)
    for epoch, loss in enumerate(losses, 1):
        model.bias.data = float(epoch)  # the weights "at" this epoch
        if stopper.on_epoch_end(epoch, loss, model):
            break
    stopper.on_train_end(model)


def test_stops_after_patience_epochs_without_improvement_and_restores_the_best():
    model = nn.Neuron(1, weights=[0.0])
    stopper = nn.EarlyStopping(patience=3)
    _run(stopper, [1.0, 0.8, 0.5, 0.6, 0.7, 0.9, 0.2], model)
    assert stopper.best_epoch == 3
    assert stopper.stopped_epoch == 6
    assert stopper.best_loss == 0.5
    assert model.bias.data == 3.0


def test_without_restore_best_the_last_weights_stay():
    model = nn.Neuron(1, weights=[0.0])
    stopper = nn.EarlyStopping(patience=1, restore_best=False)
    _run(stopper, [1.0, 2.0], model)
    assert stopper.stopped_epoch == 2
    assert model.bias.data == 2.0


def test_min_delta_ignores_tiny_improvements():
    model = nn.Neuron(1, weights=[0.0])
    stopper = nn.EarlyStopping(patience=2, min_delta=0.1)
    _run(stopper, [1.0, 0.95, 0.92, 0.5], model)
    assert stopper.best_epoch == 1
    assert stopper.stopped_epoch == 3


def test_a_second_run_starts_fresh():
    model = nn.Neuron(1, weights=[0.0])
    stopper = nn.EarlyStopping(patience=1)
    _run(stopper, [0.1, 0.2], model)
    _run(stopper, [5.0, 4.0, 3.0], model)
    assert stopper.best_epoch == 3
    assert stopper.stopped_epoch is None


def test_fit_with_early_stopping_restores_the_best_validation_weights():
    # A big network on a few noisy points overfits: validation loss turns back up.
    X, y = nn.data.moons(60, noise=0.3, seed=1)
    X_train, y_train, X_val, y_val = nn.data.train_val_split(X, y, 0.5, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    stopper = nn.EarlyStopping(patience=8)
    history = nn.fit(model, X_train, y_train, optimizer=nn.Adam(model, learning_rate=0.03), epochs=60,
                     batch_size=None, validation=(X_val, y_val), callbacks=[stopper], progress=False)
    assert history.stopped_epoch is not None
    assert history.best_epoch == stopper.best_epoch
    assert history.stopped_epoch == history.best_epoch + 8
    best = min(history.val_loss)
    assert history.val_loss[history.best_epoch - 1] == best
    assert nn.evaluate(model, X_val, y_val)[0] == pytest.approx(best, abs=1e-12)


def test_repr_and_bad_settings():
    assert repr(nn.EarlyStopping(3)) == "EarlyStopping(patience=3, restore_best=True, min_delta=0.0)"
    with pytest.raises(ValueError, match="got") as caught:
        nn.EarlyStopping(patience=0)
    assert str(caught.value) == "EarlyStopping got patience=0; expected a whole number of epochs ≥ 1."
    with pytest.raises(ValueError, match="got") as caught:
        nn.EarlyStopping(min_delta=-1.0)
    assert str(caught.value) == "EarlyStopping got min_delta=-1.0; expected a finite number ≥ 0, such as 0.001."
    for bad in (float("nan"), float("inf"), True):
        with pytest.raises(ValueError, match="got") as caught:
            nn.EarlyStopping(min_delta=bad)
        assert str(caught.value) == f"EarlyStopping got min_delta={bad!r}; expected a finite number ≥ 0, such as 0.001."
    for bad in (2.0, True, "3"):
        with pytest.raises(ValueError, match="got") as caught:
            nn.EarlyStopping(patience=bad)
        assert str(caught.value) == f"EarlyStopping got patience={bad!r}; expected a whole number of epochs ≥ 1."
    assert nn.EarlyStopping(patience=1, min_delta=0).patience == 1  # both boundaries accepted


def test_base_callback_does_nothing():
    callback = nn.Callback()
    model = nn.Neuron(1)
    callback.on_train_begin(model)
    assert callback.on_epoch_end(1, 0.5, model) is False
    callback.on_train_end(model)


def test_early_stopping_declares_its_fields_at_class_level():
    import typing

    hints = typing.get_type_hints(nn.EarlyStopping)
    for name in ("patience", "restore_best", "min_delta", "best_loss", "best_epoch", "stopped_epoch"):
        assert name in hints, name
