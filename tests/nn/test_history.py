"""Time travel: fit(record=True), model_at, fork."""

from __future__ import annotations

import math
import random

import pytest

import nn
from nn.data import batches
from nn.history import RecordedHistory, TimeTravelError

X, y = nn.data.xor(30, seed=0)
BATCH = 8  # 30 examples: 4 updates an epoch, the last of 6 examples


def mlp() -> nn.Module:
    return nn.MLP(2, [4, 1], seed=1)


def with_dropout() -> nn.Module:
    return nn.Sequential(nn.Dense(2, 6, "tanh", seed=1), nn.Dropout(0.3, seed=2), nn.Dense(6, 1, seed=3))


def trained_afresh(make: type[nn.Module] | object, updates: int, learning_rate: float = 0.05) -> list[float]:
    """fit's loop written out independently, stopped after ``updates`` updates: the oracle for model_at."""
    model = make()  # type: ignore[operator]
    optimizer = nn.Adam(model, learning_rate=learning_rate)
    rng, done = random.Random(0), 0
    while done < updates:
        model.train()
        for X_batch, y_batch in batches(X, y, BATCH, shuffle=True, seed=rng):
            if done == updates:
                break
            optimizer.zero_grad()
            nn.binary_cross_entropy_with_logits([model(x) for x in X_batch], y_batch).backward()
            optimizer.step()
            done += 1
    return [p.data for p in model.parameters()]


def fitted(make: object, epochs: int = 3, **settings: object) -> tuple[nn.Module, nn.History]:
    """``make()`` trained by fit with Adam(0.05) in batches of ``BATCH``, and what fit returned."""
    model = make()  # type: ignore[operator]
    history = nn.fit(
        model,
        X,
        y,
        optimizer=nn.Adam(model, learning_rate=0.05),
        epochs=epochs,
        batch_size=BATCH,
        progress=False,
        **settings,
    )
    return model, history


def recorded(make: object, epochs: int = 3, **settings: object) -> RecordedHistory:
    _, history = fitted(make, epochs, record=True, **settings)
    assert isinstance(history, RecordedHistory)
    return history


def weights(model: nn.Module) -> list[float]:
    return [p.data for p in model.parameters()]


@pytest.mark.parametrize("make", [mlp, with_dropout], ids=["mlp", "dropout"])
@pytest.mark.parametrize("k", [0, 1, 3, 4, 5, 8, 11, 12])  # 4, 8 and 12 end an epoch
def test_model_at_k_has_the_weights_of_training_k_updates_afresh_bit_for_bit(make: object, k: int) -> None:
    assert weights(recorded(make).model_at(k)) == trained_afresh(make, k)


def test_recording_keeps_one_step_per_update_with_its_loss_indices_and_learning_rate() -> None:
    history = recorded(mlp)
    assert len(history.steps) == 12
    assert [s.epoch for s in history.steps] == [1] * 4 + [2] * 4 + [3] * 4
    epoch_one = [i for s in history.steps[:4] for i in s.indices]
    assert sorted(epoch_one) == list(range(30))
    assert {s.learning_rate for s in history.steps} == {0.05}
    before = history.model_at(6)  # no dropout: eval mode computes what training did
    batch = history.steps[6].indices
    assert (
        history.steps[6].loss
        == nn.binary_cross_entropy_with_logits([before(X[i]) for i in batch], [y[i] for i in batch]).data
    )


def test_recording_changes_nothing_about_training() -> None:
    model = mlp()
    plain = nn.fit(
        model, X, y, optimizer=nn.Adam(model, learning_rate=0.05), epochs=3, batch_size=BATCH, progress=False
    )
    history = recorded(mlp)
    assert history.train_loss == plain.train_loss
    assert list(history.steps[-1].parameters) == weights(model)


def test_the_last_model_is_the_trained_model_and_model_at_leaves_the_history_alone() -> None:
    history = recorded(with_dropout)
    first = weights(history.model_at(5))
    assert weights(history.model_at(5)) == first
    assert not history.model_at(5).training


@pytest.mark.parametrize("make", [mlp, with_dropout], ids=["mlp", "dropout"])
@pytest.mark.parametrize("k", [0, 2, 4, 6])
def test_a_fork_without_changes_repeats_the_run_exactly(make: object, k: int) -> None:
    history = recorded(make)
    fork = history.fork(k)
    assert [list(s.parameters) for s in fork.steps] == [list(s.parameters) for s in history.steps]
    assert fork.train_loss == history.train_loss


def test_a_fork_shares_the_past_and_diverges_after() -> None:
    history = recorded(mlp)
    fork = history.fork(6, learning_rate=0.5)
    assert all(fork.steps[i] is history.steps[i] for i in range(6))
    assert fork.steps[6] is not history.steps[6]
    assert fork.steps[6].indices == history.steps[6].indices  # the same batch, another step size
    assert fork.steps[6].learning_rate == 0.5
    assert list(fork.steps[6].parameters) != list(history.steps[6].parameters)
    assert weights(fork.model_at(6)) == weights(history.model_at(6))


def test_a_fork_can_change_the_optimizer_batch_size_and_epochs() -> None:
    history = recorded(mlp)
    fork = history.fork(5, optimizer=nn.SGD, batch_size=15, epochs=4)
    # epoch 2 had 1 update; its other 22 examples in batches of 15, then epochs 3 and 4 of 2 each
    assert [s.epoch for s in fork.steps[5:]] == [2, 2, 3, 3, 4, 4]
    assert [len(s.indices) for s in fork.steps[5:7]] == [15, 7]
    assert len(fork.train_loss) == 4
    built = history.fork(5, optimizer=lambda model: nn.SGD(model, learning_rate=0.2))
    assert built.steps[5].learning_rate == 0.2


def test_a_fork_of_a_fork_keeps_sharing() -> None:
    history = recorded(mlp)
    fork = history.fork(4, learning_rate=0.01)
    again = fork.fork(7, learning_rate=0.1)
    assert again.steps[2] is history.steps[2]
    assert again.steps[6] is fork.steps[6]


@pytest.mark.parametrize("k", [-1, 13, 2.0, "3", True])
def test_a_k_outside_the_recording_is_refused_with_the_range(k: object) -> None:
    history = recorded(mlp)
    with pytest.raises(TimeTravelError, match=rf"model_at\(\) got k={k!r}; expected a whole number .* 0 .* to 12"):
        history.model_at(k)  # type: ignore[arg-type]
    with pytest.raises(TimeTravelError, match=r"fork\(\) got k="):
        history.fork(k)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"momentum": 0.9},
            r"fork\(\) got momentum=0.9; it can change only learning_rate, optimizer, batch_size, epochs",
        ),
        ({"learning_rate": -1.0}, r"fork\(\) got learning_rate=-1.0; the learning rate must be a number > 0"),
        ({"batch_size": 0}, r"batch_size"),
        ({"epochs": 1}, r"fork\(\) got epochs=1, but update 6 is in epoch 2; .* pass at least 2"),
        ({"epochs": "2"}, r"fork\(\) got epochs='2'; expected a whole number"),
        ({"optimizer": "sgd"}, r"fork\(\) got optimizer='sgd'; expected an optimizer class such as nn.SGD"),
    ],
)
def test_a_change_fork_cannot_make_is_refused_with_a_clear_message(changes: dict[str, object], message: str) -> None:
    with pytest.raises(TimeTravelError, match=message):
        recorded(mlp).fork(6, **changes)


def test_a_history_that_was_not_recorded_says_how_to_record() -> None:
    with pytest.raises(TimeTravelError, match=r"record=True"):
        RecordedHistory().model_at(0)


def test_early_stopping_keeps_every_update_of_the_epochs_it_ran() -> None:
    history = recorded(mlp, epochs=50, callbacks=[nn.EarlyStopping(patience=1, min_delta=10.0)])
    assert len(history.steps) == 4 * history.epochs


def test_a_fork_of_a_fork_keeps_the_batch_size_it_was_given() -> None:
    fork = recorded(mlp).fork(4, batch_size=15)
    assert [len(s.indices) for s in fork.fork(6).steps[6:8]] == [15, 15]


def test_a_run_shuffled_by_the_operating_system_can_still_be_forked_exactly() -> None:
    model = mlp()
    history = nn.fit(model, X, y, epochs=2, batch_size=BATCH, progress=False, record=True, seed=None)
    again = history.fork(3)  # type: ignore[attr-defined]
    assert [list(s.parameters) for s in again.steps] == [list(s.parameters) for s in history.steps]  # type: ignore[attr-defined]


@pytest.mark.parametrize("engine", ["scalar", "batched"])
def test_a_run_shuffled_by_the_callers_generator_is_recorded_in_its_order_and_leaves_it_as_fit_does(
    engine: str,
) -> None:
    drawn = {}
    for record in (False, True):
        generator = random.Random(7)
        model = mlp()
        history = nn.fit(
            model, X, y, epochs=2, batch_size=BATCH, progress=False, record=record, seed=generator, engine=engine
        )
        drawn[record] = generator.random()  # the recording drew nothing from the caller's generator
    assert drawn[True] == drawn[False]
    assert isinstance(history, RecordedHistory)
    order = list(range(len(X)))
    random.Random(7).shuffle(order)  # fit's first shuffle, on the positions
    assert [i for step in history.steps[:4] for i in step.indices] == order
    again = history.fork(3)
    assert [list(s.parameters) for s in again.steps] == [list(s.parameters) for s in history.steps]


def test_ctrl_c_mid_epoch_drops_that_epochs_updates_as_fit_drops_its_weights() -> None:
    calls = []

    def interrupted_loss(outputs, targets):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 8:  # fit's checks call the loss twice, so this is epoch 2's second batch
            raise KeyboardInterrupt
        return nn.binary_cross_entropy_with_logits(outputs, targets)

    history = recorded(mlp, loss=interrupted_loss)
    assert history.interrupted
    assert history.epochs == 1
    assert len(history.steps) == 4
    assert weights(history.model_at(4)) == trained_afresh(mlp, 4)


def test_ctrl_c_mid_epoch_of_the_batched_engine_drops_the_updates_it_had_not_yet_made_into_steps() -> None:
    # The batched engine's updates are copied at once but made into steps when their epoch ends: an interrupted
    # epoch's copied rows must go with it, and the chunk must take the next run's rows from the right place.
    from nn.history import Recorder

    update, calls = Recorder.update, []

    def interrupted(self: Recorder, batch_loss: float, stepped: object = None, *, write_back: object = None) -> None:
        calls.append(1)
        if len(calls) == 7:  # epoch 2's third update: its first two are copied, not yet steps
            raise KeyboardInterrupt
        update(self, batch_loss, stepped, write_back=write_back)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Recorder, "update", interrupted)
        history = recorded(mlp, engine="batched")
    assert history.interrupted
    assert (history.epochs, len(history.steps)) == (1, 4)
    one_epoch, _ = fitted(mlp, 1, engine="batched")
    assert weights(history.model_at(4)) == list(history.steps[3].parameters) == weights(one_epoch)
    assert weights(history.fork(4, epochs=3).model_at(12)) == weights(fitted(mlp, 3, engine="batched")[0])


def halving_run(engine: str) -> RecordedHistory:
    """3 epochs with Adam from 0.05, a callback halving the rate after every epoch."""
    model = mlp()
    optimizer = nn.Adam(model, learning_rate=0.05)

    class Halving(nn.Callback):
        def on_epoch_end(self, epoch: int, monitored: float, model: nn.Module) -> bool:
            optimizer.learning_rate /= 2
            return False

    history = nn.fit(
        model, X, y, optimizer=optimizer, epochs=3, batch_size=BATCH, progress=False, record=True,
        callbacks=[Halving()], engine=engine,
    )  # fmt: skip
    assert isinstance(history, RecordedHistory)
    return history


def test_the_batched_engine_records_each_updates_learning_rate_across_a_schedule() -> None:
    # The rate is read once for the updates copied together; a callback changes it between epochs only.
    history = halving_run("batched")
    assert [step.learning_rate for step in history.steps] == [0.05] * 4 + [0.025] * 4 + [0.0125] * 4
    again = history.fork(10)  # replays 10 updates from the start, across both changes of rate
    assert [list(s.parameters) for s in again.steps] == [list(s.parameters) for s in history.steps]


def test_a_batched_recording_read_mid_epoch_has_every_update_so_far_and_goes_on_in_the_same_chunk() -> None:
    # fit's batched step hands over arrays; steps, history() and change() all see the updates copied so far.
    np = pytest.importorskip("numpy")
    from nn.history import Recorder

    model = mlp()
    n = len(model.parameters())
    recorder = Recorder(model, X, y, nn.binary_cross_entropy_with_logits, nn.SGD(model), BATCH, 0, "batched")
    rows = [np.arange(n, dtype="d") + 100 * k for k in range(7)]
    for k in range(2):
        recorder.update(0.5 + k, (rows[k], -rows[k]))
    early = recorder.history()
    assert [list(step.parameters) for step in early.steps] == [list(row) for row in rows[:2]]
    for k in range(2, 5):  # epoch 1 ends at 4; update 5 begins epoch 2
        recorder.update(0.5 + k, (rows[k], -rows[k]))
    recorder.change(optimizer=nn.SGD(model, learning_rate=0.25))  # update 5, copied before it, keeps its rate
    for k in range(5, 7):
        recorder.update(0.5 + k, (rows[k], -rows[k]))
    assert [step.loss for step in recorder.steps] == [0.5 + k for k in range(7)]
    late = recorder.history()
    assert [list(step.parameters) for step in late.steps] == [list(row) for row in rows]
    assert [step.epoch for step in late.steps] == [1, 1, 1, 1, 2, 2, 2]
    assert [step.learning_rate for step in late.steps] == [0.001] * 5 + [0.25] * 2  # SGD's default, then the new
    assert list(early.steps[1].parameters) == list(rows[1])  # trimming the chunk moved nothing already handed out


@pytest.mark.parametrize("k", [16, 18, 33, 40])  # restart points at 16 and 32 (CHECKPOINT_EVERY["scalar"] = 16)
def test_a_fork_after_a_restart_point_repeats_the_run_exactly_dropout_and_adam_state_included(k: int) -> None:
    history = recorded(with_dropout, epochs=10)
    assert [c.updates for c in history.checkpoints] == [0, 16, 32]
    fork = history.fork(k)
    assert [list(s.parameters) for s in fork.steps] == [list(s.parameters) for s in history.steps]


def test_what_the_caller_does_to_the_model_and_optimizer_after_fit_does_not_rewrite_history() -> None:
    model = mlp()
    optimizer = nn.Adam(model, learning_rate=0.05)
    history = nn.fit(model, X, y, optimizer=optimizer, epochs=3, batch_size=BATCH, progress=False, record=True)
    expected = [list(s.parameters) for s in history.steps]  # type: ignore[attr-defined]
    optimizer.learning_rate = 0.9
    for parameter in model.parameters():
        parameter.data = 0.0
    assert weights(history.model_at(0)) == trained_afresh(mlp, 0)  # type: ignore[attr-defined]
    assert [list(s.parameters) for s in history.fork(2).steps] == expected  # type: ignore[attr-defined]


@pytest.mark.parametrize("make", [mlp, with_dropout], ids=["mlp", "dropout"])
def test_the_batched_engine_records_the_weights_and_gradients_the_values_hold(make: object) -> None:
    # The batched step hands the recorder its arrays; what it keeps must be what reading every Value gives.
    from nn.history import Recorder

    kept: list[tuple[list[float], list[float], list[float], list[float]]] = []
    update = Recorder.update

    def checked(self: Recorder, batch_loss: float, stepped: object = None, *, write_back: object = None) -> None:
        update(self, batch_loss, stepped)  # type: ignore[arg-type]
        if callable(write_back):  # fit holds the weights in an array during an epoch: bring the Values up to date
            write_back()
        step, parameters = self.steps[-1], self.model.parameters()
        kept.append(
            (list(step.parameters), list(step.gradients), [p.data for p in parameters], [p.grad for p in parameters])
        )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Recorder, "update", checked)
        history = recorded(make, engine="batched")
    assert len(kept) == len(history.steps) == 12
    for parameters, gradients, data, grads in kept:
        assert (parameters, gradients) == (data, grads)
    assert any(g != 0.0 for _, gradients, _, _ in kept for g in gradients)


@pytest.mark.parametrize("engine", ["scalar", "batched"])
def test_the_gradients_are_kept_exactly_so_an_sgd_step_can_be_checked_by_hand(engine: str) -> None:
    # w_k = w_(k-1) − η·g_k, to the bit: the recorded gradients are the step's own float64 numbers.
    model = mlp()
    rate = 0.25
    history = nn.fit(
        model,
        X,
        y,
        optimizer=nn.SGD(model, learning_rate=rate),
        epochs=2,
        batch_size=BATCH,
        progress=False,
        record=True,
        engine=engine,
    )
    assert isinstance(history, RecordedHistory)
    before = list(history.initial_parameters)
    for step in history.steps:
        assert list(step.parameters) == [w - rate * g for w, g in zip(before, step.gradients)]
        before = list(step.parameters)


@pytest.mark.parametrize("engine", ["scalar", "batched"])
def test_gradients_too_large_for_float32_and_nan_are_kept_as_they_were(engine: str) -> None:
    # Kept gradients: the scalar engine's, and the batched engine's for a model with dropout (without, they are
    # computed again when asked, tested below).
    import numpy as np

    from nn.history import Recorder

    model = mlp() if engine == "scalar" else with_dropout()
    recorder = Recorder(model, X, y, nn.binary_cross_entropy_with_logits, nn.SGD(model), None, 0, engine)
    n = len(model.parameters())
    gradients = np.array([1e300, -1e300, float("nan"), float("inf")] + [0.5] * (n - 4))
    for parameter, gradient in zip(model.parameters(), gradients.tolist()):
        parameter.grad = gradient  # as after a step: the Values hold what the arrays hold
    stepped = (np.array([p.data for p in model.parameters()]), gradients) if engine == "batched" else None
    recorder.update(0.7, stepped)
    kept = list(recorder.steps[0].gradients)
    assert kept[:2] == [1e300, -1e300]
    assert math.isnan(kept[2])
    assert kept[3] == math.inf
    assert kept[4:] == [0.5] * (n - 4)


def test_a_recorder_that_cannot_copy_the_arrays_brings_the_values_up_to_date_and_reads_them() -> None:
    # fit(engine="batched") holds the weights in an array during an epoch; arrays that are not float64 rows of the
    # model's width send the recorder to the Values, which must first get the array's weights.
    import numpy as np

    from nn.history import Recorder

    model = mlp()
    recorder = Recorder(model, X, y, nn.binary_cross_entropy_with_logits, nn.SGD(model), None, 0, "batched")
    n = len(model.parameters())
    weights_now, gradients = np.arange(n, dtype=np.float32), np.full(n, 0.5, dtype=np.float32)

    def write_back() -> None:
        for parameter, value, gradient in zip(model.parameters(), weights_now.tolist(), gradients.tolist()):
            parameter.data, parameter.grad = value, gradient

    recorder.update(0.7, (weights_now, gradients), write_back=write_back)
    assert list(recorder.steps[0].parameters) == weights_now.tolist()
    assert list(recorder.steps[0].gradients) == [0.5] * n


@pytest.mark.parametrize("engine", ["scalar", "batched"])
def test_updates_kept_in_many_chunks_read_back_bit_for_bit_and_take_no_unused_memory(engine: str) -> None:
    # Chunks of 3 updates of 17 parameters with their gradients, or 6 of weights only (the batched engine's here):
    # 16 updates end mid-chunk, so finish() must trim the last one.
    from nn import history as recording

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(recording, "CHUNK_BYTES", 3 * 16 * len(mlp().parameters()))
        history = recorded(mlp, epochs=4, engine=engine)
    assert len(history.steps) == 16
    chunks = {id(step._chunk): step._chunk for step in history.steps}.values()
    n = len(history.initial_parameters)
    assert sum(len(chunk.parameters) for chunk in chunks) == 16 * n
    # The batched engine's updates of a model without dropout keep no gradients: computed again when asked.
    kept = [chunk.gradients for chunk in chunks]
    if engine == "batched":
        assert kept == [None] * 3
    else:
        assert len(kept) == 6
        assert sum(len(gradients) for gradients in kept if gradients is not None) == 16 * n
    if engine == "scalar":
        for k in (1, 3, 4, 7, 15, 16):  # either side of the chunks' edges
            assert weights(history.model_at(k)) == trained_afresh(mlp, k)
    for epochs in (1, 3, 4):  # the batched engine sums in another order: its own run, unrecorded, is the oracle
        model, _ = fitted(mlp, epochs, engine=engine)
        assert weights(history.model_at(4 * epochs)) == weights(model)


def test_a_deep_copy_of_a_history_owns_its_numbers_and_travels_the_same() -> None:
    import copy

    history = recorded(mlp, engine="batched")
    twin = copy.deepcopy(history)
    assert twin.steps[5]._chunk is not history.steps[5]._chunk
    assert [list(s.parameters) + list(s.gradients) for s in twin.steps] == [
        list(s.parameters) + list(s.gradients) for s in history.steps
    ]
    assert weights(twin.model_at(7)) == weights(history.model_at(7))


def test_a_history_taken_mid_run_keeps_its_updates_and_the_recording_goes_on_after_it() -> None:
    # history() trims the chunk in use (nn.Playground asks for it between updates); later updates start another.
    from nn.history import Recorder
    from nn.training import Step

    model = mlp()
    recorder = Recorder(model, X, y, nn.binary_cross_entropy_with_logits, nn.Adam(model, learning_rate=0.05), BATCH, 0)
    step = Step(model, nn.binary_cross_entropy_with_logits)
    recorder.train_next(step)
    early = recorder.history()
    for _ in range(6):
        recorder.train_next(step)
    late = recorder.history()
    assert list(early.steps[0].parameters) == list(late.steps[0].parameters) == trained_afresh(mlp, 1)
    assert weights(late.model_at(7)) == trained_afresh(mlp, 7) == weights(model)


def test_an_optimizer_holding_the_parameters_in_another_order_is_recorded_in_the_models_order() -> None:
    model = mlp()
    optimizer = nn.Adam(list(reversed(model.parameters())), learning_rate=0.05)
    history = nn.fit(
        model, X, y, optimizer=optimizer, epochs=2, batch_size=BATCH, progress=False, record=True, engine="batched"
    )
    assert isinstance(history, RecordedHistory)
    assert list(history.steps[-1].parameters) == weights(model)


# --- forks of forks: every restart crosses the changes made before it -------------------------------------------

SWITCHES = {  # what a fork may switch to: a class takes the learning rate in effect, a function sets its own
    "adam": nn.Adam,
    "rmsprop": nn.RMSprop,
    "sgd with momentum and L2": lambda model: nn.SGD(model, learning_rate=0.1, momentum=0.9, weight_decay=0.01),
    "adam with L2": lambda model: nn.Adam(model, learning_rate=0.02, weight_decay=0.001),
    "adagrad's decaying rate": lambda model: nn.Adagrad(model, learning_rate=0.1, learning_rate_decay=0.5),
}
Plan = list[tuple[int, dict[str, object]]]


def trajectory_afresh(make: object, plan: Plan, updates: int) -> list[list[float]]:
    """fit's loop written out with each change of ``plan`` made after its k updates, as fork describes it.

    Every epoch's order is one shuffle of the positions; a new batch size cuts the rest of the epoch in progress.
    Returns the weights before training and after each of ``updates`` updates: the oracle for model_at.
    """
    model = make()  # type: ignore[operator]
    optimizer: nn.Optimizer = nn.Adam(model, learning_rate=0.05)
    batch_size: int | None = BATCH
    rng, trajectory = random.Random(0), [weights(model)]
    while len(trajectory) <= updates:
        order = list(range(len(X)))
        rng.shuffle(order)
        model.train()
        position = 0
        while position < len(X) and len(trajectory) <= updates:
            for k, changes in plan:
                if k != len(trajectory) - 1:
                    continue
                rate = changes.get("learning_rate")
                if "optimizer" in changes:
                    switch = SWITCHES[changes["optimizer"]]  # type: ignore[index]
                    if isinstance(switch, type):  # a class: built with the rate asked for, or the one in effect
                        optimizer = switch(model, learning_rate=rate or optimizer.learning_rate)  # type: ignore[attr-defined]
                    else:
                        optimizer = switch(model)
                if rate is not None:
                    optimizer.learning_rate = rate  # type: ignore[attr-defined]
                batch_size = changes.get("batch_size", batch_size)  # type: ignore[assignment]
            batch = order[position : position + (batch_size or len(X))]
            optimizer.zero_grad()
            nn.binary_cross_entropy_with_logits([model(X[i]) for i in batch], [y[i] for i in batch]).backward()
            optimizer.step()
            position += len(batch)
            trajectory.append(weights(model))
    return trajectory


def forked(history: RecordedHistory, k: int, changes: dict[str, object]) -> RecordedHistory:
    given = dict(changes)
    if "optimizer" in given:
        given["optimizer"] = SWITCHES[given["optimizer"]]  # type: ignore[index]
    return history.fork(k, **given)


def every_model(history: RecordedHistory) -> list[list[float]]:
    return [weights(history.model_at(k)) for k in range(len(history.steps) + 1)]


def test_a_fork_of_a_fork_replays_across_an_optimizer_and_l2_change_exactly() -> None:
    # The bug this guards: a replay over update 5 used the run's first optimizer (Adam) instead of the SGD after 5.
    history = recorded(mlp)
    sgd = forked(history, 5, {"optimizer": "sgd with momentum and L2", "epochs": 5})
    again = sgd.fork(11)
    assert [list(s.parameters) for s in again.steps] == [list(s.parameters) for s in sgd.steps]
    assert isinstance(again.fork(9).checkpoints[-1].rule.template, nn.SGD)
    plan: Plan = [(5, {"optimizer": "sgd with momentum and L2"})]
    assert every_model(again) == trajectory_afresh(mlp, plan, len(again.steps))


def test_a_fork_keeps_a_restart_point_at_its_update_mid_epoch_with_the_settings_it_goes_on_with() -> None:
    history = recorded(mlp)
    fork = forked(history, 6, {"optimizer": "rmsprop", "learning_rate": 0.01, "batch_size": 5})
    point = fork.checkpoints[-1]
    assert (point.updates, point.batch_size, type(point.rule.template), point.rule.template.learning_rate) == (
        6,
        5,
        nn.RMSprop,
        0.01,
    )
    # update 6 is the 2nd of epoch 2 (16 of its 30 examples seen): the rest of the epoch in its order, by 5
    assert [len(s.indices) for s in fork.steps[6:10]] == [5, 5, 4, 5]
    later = fork.fork(8)  # restarts at 6, replays 2 updates of RMSprop by 5, goes on by 5
    assert [list(s.parameters) for s in later.steps] == [list(s.parameters) for s in fork.steps]
    plan: Plan = [(6, {"optimizer": "rmsprop", "learning_rate": 0.01, "batch_size": 5})]
    assert every_model(later) == trajectory_afresh(mlp, plan, len(later.steps))


def test_a_learning_rate_schedule_is_replayed_update_by_update() -> None:
    # A callback halves the rate after every epoch; forks replay each update at its recorded rate.
    history = halving_run("scalar")
    plan: Plan = [(4, {"learning_rate": 0.025}), (8, {"learning_rate": 0.0125})]
    assert every_model(history) == trajectory_afresh(mlp, plan, 12)
    again = history.fork(10)  # replays 10 updates from the start, across both changes of rate
    assert [list(s.parameters) for s in again.steps] == [list(s.parameters) for s in history.steps]
    fork = forked(history, 6, {"optimizer": "adam with L2", "epochs": 4}).fork(11)  # crosses the new optimizer
    assert every_model(fork) == trajectory_afresh(mlp, [*plan[:1], (6, {"optimizer": "adam with L2"})], 16)


@pytest.mark.parametrize("make", [mlp, with_dropout], ids=["mlp", "dropout"])
def test_model_at_every_k_of_forks_of_forks_is_training_afresh_with_their_changes(make: object) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    import nn.history

    changes = st.fixed_dictionaries(
        {},
        optional={
            "optimizer": st.sampled_from(sorted(SWITCHES)),
            "learning_rate": st.sampled_from([0.01, 0.2]),
            "batch_size": st.sampled_from([5, 8, None]),
            "epochs": st.integers(0, 1),  # epochs beyond the parent's last
        },
    )

    @settings(max_examples=30)  # each example: a fit, up to 3 forks, every model_at, an oracle per fork
    @given(st.data())
    def check(data: st.DataObject) -> None:
        histories: list[tuple[RecordedHistory, Plan]] = [(recorded(make, epochs=2), [])]
        for _ in range(data.draw(st.integers(1, 3), label="forks")):
            # The latest history first (a fork of a fork), an earlier one as the draw shrinks.
            parent, parent_plan = histories[-1 - data.draw(st.integers(0, len(histories) - 1), label="back")]
            k = data.draw(st.integers(0, len(parent.steps)), label="k")
            change = dict(data.draw(changes, label="changes"))
            if "epochs" in change:
                change["epochs"] = parent.steps[-1].epoch + change["epochs"]  # type: ignore[operator]
            fork = forked(parent, k, change)
            plan = [*[(i, c) for i, c in parent_plan if i <= k], (k, change)]
            assert all(fork.steps[i] is parent.steps[i] for i in range(k))
            assert every_model(fork) == trajectory_afresh(make, plan, len(fork.steps))
            histories.append((fork, plan))

    # Restart points at many epoch ends, so replays start from them as well as from the forks' own.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nn.history, "CHECKPOINT_EVERY", {"scalar": 3, "batched": 3})
        check()


def test_a_run_whose_optimizer_also_changes_values_outside_the_model_is_refused_by_fork_naming_the_fix() -> None:
    from autograd import Parameter

    model = mlp()
    optimizer = nn.SGD([*model.parameters(), Parameter(1.0)], learning_rate=0.1)
    history = nn.fit(model, X, y, optimizer=optimizer, epochs=1, batch_size=BATCH, progress=False, record=True)
    with pytest.raises(
        TimeTravelError,
        match=r"fork\(\) got a run whose SGD also changes Values that are not the model's parameters; .*"
        r"nn\.SGD\(model, \.\.\.\)",
    ):
        history.fork(2)  # type: ignore[attr-defined]


def test_a_run_that_something_outside_the_model_steered_is_refused_rather_than_replayed_wrong() -> None:
    calls = [0]

    def drifting_loss(outputs, targets):  # type: ignore[no-untyped-def]
        calls[0] += 1  # a loss that changes from call to call: the replay cannot know
        return nn.binary_cross_entropy_with_logits(outputs, targets) * (1.0 + 0.1 * calls[0])

    history = recorded(mlp, loss=drifting_loss)
    with pytest.raises(TimeTravelError, match=r"fork\(\) got k=3, but replaying the recorded updates .* afresh"):
        history.fork(3)
    assert len(history.fork(0).steps) == 12  # nothing to replay at 0


def test_recorder_change_keeps_the_batch_size_unless_given_and_cuts_the_rest_of_the_epoch() -> None:
    from nn.history import SAME, Recorder
    from nn.training import Step

    model = mlp()
    recorder = Recorder(model, X, y, nn.binary_cross_entropy_with_logits, nn.Adam(model), BATCH, 0)
    step = Step(model, nn.binary_cross_entropy_with_logits)
    recorder.train_next(step)
    recorder.change(learning_rate=0.5, batch_size=SAME)
    assert (recorder.batch_size, recorder._plan, recorder.optimizer.learning_rate) == (  # type: ignore[attr-defined]
        BATCH,
        [(8, 16), (16, 24), (24, 30)],
        0.5,
    )
    recorder.change(batch_size=None)
    assert recorder._plan == [(8, 30)]
    assert [c.updates for c in recorder.checkpoints] == [0, 1]  # one restart point at update 1, the latest settings
    assert recorder.checkpoints[-1].batch_size is None


@pytest.mark.parametrize("k", [5, 7, 15])
def test_a_fork_of_a_batched_fork_repeats_it_across_its_optimizer_and_batch_size_change(k: int) -> None:
    history = recorded(with_dropout, engine="batched")
    fork = forked(history, 5, {"optimizer": "sgd with momentum and L2", "batch_size": 5, "epochs": 4})
    again = fork.fork(k)
    assert [list(s.parameters) for s in again.steps] == [list(s.parameters) for s in fork.steps]


@pytest.mark.parametrize("k", [0, 3, 5])
def test_a_batched_runs_gradients_computed_again_are_the_ones_each_update_used_in_its_forks_too(k: int) -> None:
    # Without dropout the batched engine keeps only the weights; each update's gradients are computed again
    # from the weights before it. A fork that changes nothing repeats the run, gradients included.
    history = recorded(mlp, engine="batched")
    assert history.steps[0]._chunk.gradients is None
    again = history.fork(k)
    assert [list(s.gradients) for s in again.steps] == [list(s.gradients) for s in history.steps]
    # And they are what moved the weights: for Adam, the first update moves each weight by −η·sign(g).
    first = history.steps[0]
    moved = [after - before for after, before in zip(first.parameters, history.initial_parameters)]
    assert all(m * g < 0 for m, g in zip(moved, first.gradients) if g != 0.0)
