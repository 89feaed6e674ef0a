"""fit/evaluate with engine="batched": the same weights as the scalar engine, for every optimizer and loss."""

from __future__ import annotations

import importlib
import math
import random
from collections.abc import Callable

import pytest

np = pytest.importorskip("numpy")

import autograd  # noqa: E402
import nn  # noqa: E402
from autograd import Value  # noqa: E402
from autograd.modes import batched  # noqa: E402
from nn.batched import BatchedLoss, BatchedModel  # noqa: E402

OPTIMIZERS: dict[str, Callable[[nn.Module], nn.Optimizer]] = {
    "SGD": lambda m: nn.SGD(m, learning_rate=0.1, momentum=0.9),
    "Adam": lambda m: nn.Adam(m, learning_rate=0.02),
    "RMSprop": lambda m: nn.RMSprop(m, learning_rate=0.01),
    "Adagrad": lambda m: nn.Adagrad(m, learning_rate=0.1),
    "Adadelta": lambda m: nn.Adadelta(m),
}
OPTIMIZERS.update({name: getattr(nn, name) for name in ("AdamW",) if hasattr(nn, name)})


def _model(outputs: int = 1, dropout: float = 0.0, activation: str = "tanh") -> nn.Module:
    layers: list[nn.Module] = [nn.Dense(2, 6, activation=activation, seed=1)]
    if dropout:
        layers.append(nn.Dropout(dropout, seed=7))
    layers += [nn.Dense(6, 5, activation="relu", seed=2)]
    if dropout:
        layers.append(nn.Dropout(dropout / 2, seed=8))
    layers.append(nn.Dense(5, outputs, activation="linear", seed=3))
    return nn.Sequential(*layers)


def _train(engine: str, optimizer: str, loss=nn.binary_cross_entropy_with_logits, outputs=1, dropout=0.0, y=None):
    X, labels = nn.data.moons(48, seed=0)
    model = _model(outputs, dropout)
    history = nn.fit(
        model, X, labels if y is None else y, loss=loss, optimizer=OPTIMIZERS[optimizer](model), epochs=6,
        batch_size=10, validation=(X[:20], (labels if y is None else y)[:20]), progress=False, seed=3, engine=engine,
    )
    return model.state_dict(), history


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("dropout", [0.0, 0.4])
def test_the_same_seeds_give_the_same_weights_as_the_scalar_engine(optimizer: str, dropout: float) -> None:
    scalar, scalar_history = _train("scalar", optimizer, dropout=dropout)
    fast, fast_history = _train("batched", optimizer, dropout=dropout)
    assert scalar.keys() == fast.keys()
    assert max(abs(scalar[k] - fast[k]) for k in scalar) < 1e-9
    assert fast_history.train_loss == pytest.approx(scalar_history.train_loss, rel=1e-9)
    assert fast_history.val_loss == pytest.approx(scalar_history.val_loss, rel=1e-9)
    assert fast_history.train_accuracy == scalar_history.train_accuracy
    assert fast_history.val_accuracy == scalar_history.val_accuracy


@pytest.mark.parametrize(
    ("loss", "outputs", "targets"),
    [
        (nn.binary_cross_entropy_with_logits, 1, "labels"),
        (nn.hinge, 1, "labels"),
        (nn.mean_squared_error, 1, "real"),
        (nn.cross_entropy, 3, "three"),
    ],
)
def test_every_loss_trains_to_the_same_weights(loss, outputs: int, targets: str) -> None:
    X, labels = nn.data.moons(48, seed=0)
    y = {"labels": labels, "real": [x[0] * 0.5 - x[1] for x in X], "three": [i % 3 for i in range(len(X))]}[targets]
    scalar, _ = _train("scalar", "Adam", loss=loss, outputs=outputs, dropout=0.3, y=y)
    fast, _ = _train("batched", "Adam", loss=loss, outputs=outputs, dropout=0.3, y=y)
    assert max(abs(scalar[k] - fast[k]) for k in scalar) < 1e-9


def test_binary_cross_entropy_on_probabilities_matches_including_the_clamp() -> None:
    # A model whose output is its input, so each example's ∂loss/∂bias is ∂loss/∂output.
    model = nn.Neuron(1, activation="linear", weights=[1.0], bias=0.0)
    probabilities = [0.0, 1.0, 0.3, 0.9, 1e-50]
    targets = [1.0, 0.0, 1.0, 0.0, 0.5]
    batch = BatchedModel(model, [0.5])
    value, _ = batch.evaluate([[p] for p in probabilities], targets, nn.binary_cross_entropy)
    grads = batch.per_example_gradients([[p] for p in probabilities], targets, nn.binary_cross_entropy)
    leaves = [Value(p) for p in probabilities]
    scalar = nn.binary_cross_entropy(leaves, targets)
    scalar.backward()
    assert value == pytest.approx(scalar.data, rel=1e-12)
    assert grads[:, 1].tolist() == pytest.approx([leaf.grad for leaf in leaves], rel=1e-12, abs=0.0)


def test_evaluate_gives_the_scalar_numbers() -> None:
    X, y = nn.data.moons(30, seed=1)
    model = _model(dropout=0.5)
    scalar = nn.evaluate(model, X, y)
    fast = nn.evaluate(model, X, y, engine="batched")
    assert fast[0] == pytest.approx(scalar[0], rel=1e-12)
    assert fast[1] == scalar[1]


def test_outputs_feed_accuracy() -> None:
    X, y = nn.data.moons(30, seed=1)
    model = _model().eval()
    outputs = BatchedModel(model, X[0]).evaluate(X, y, nn.hinge)[1]
    assert nn.accuracy(outputs, y, nn.hinge) == nn.accuracy([model(x) for x in X], y, nn.hinge)


def test_an_unknown_engine_is_refused_clearly() -> None:
    X, y = nn.data.moons(10, seed=0)
    with pytest.raises(ValueError, match="fit\\(\\) got engine='gpu'; expected 'scalar' or 'batched'"):
        nn.fit(_model(), X, y, epochs=1, progress=False, engine="gpu")
    with pytest.raises(ValueError, match="evaluate\\(\\) got engine='fast'"):
        nn.evaluate(_model(), X, y, engine="fast")


def _squared_hinge_with_l2(model: nn.Module):
    """A user's loss written with Values: it branches on the target and uses the model's parameters (L2)."""

    def loss(scores, targets):
        terms = []
        for score, target in zip(scores, targets):
            margin = 1.0 - score if target == 1 else 1.0 + score
            terms.append(margin.relu() ** 2)
        l2 = 1e-3 * autograd.sum([p * p for p in model.parameters()])
        return autograd.sum(terms) * (1.0 / len(terms)) + l2

    return loss


@pytest.mark.parametrize("batch_size", [None, 7])
def test_a_users_own_loss_trains_to_the_scalar_engines_weights(batch_size: int | None) -> None:
    X, y = nn.data.moons(30, seed=4)
    trained = {}
    for engine in ("scalar", "batched"):
        model = _model(dropout=0.3)
        history = nn.fit(
            model, X, y, loss=_squared_hinge_with_l2(model), optimizer=nn.SGD(model, learning_rate=0.05), epochs=4,
            batch_size=batch_size, validation=(X[:10], y[:10]), progress=False, seed=1, engine=engine,
        )
        trained[engine] = (model.state_dict(), history)
    (scalar, scalar_history), (fast, fast_history) = trained["scalar"], trained["batched"]
    assert max(abs(scalar[k] - fast[k]) for k in scalar) < 1e-12
    assert fast_history.train_loss == pytest.approx(scalar_history.train_loss, rel=1e-12)
    assert fast_history.val_loss == pytest.approx(scalar_history.val_loss, rel=1e-12)


def test_targets_are_grouped_by_the_shape_of_their_loss_graph() -> None:
    hinge = BatchedLoss(nn.hinge, [], [0.5])
    assert hinge.assign([1, -1, 1, 0])[0].tolist() == [0, 0, 0, 0]  # the sign of y is a constant, given per example
    logits = BatchedLoss(nn.binary_cross_entropy_with_logits, [], [0.5])
    assert logits.assign([1, 0, 0.5, 1])[0].tolist() == [0, 1, 2, 0]  # y = 1, y = 0 and 0 < y < 1: three formulas
    squared = BatchedLoss(nn.mean_squared_error, [], [0.5])
    groups, rows = squared.assign([0.25, 1.5, -3.0, 0.25])
    assert groups.tolist() == [0, 0, 0, 0]
    table, varying = squared.groups[0].table()
    assert table[rows, 0].tolist() == [0.25, 1.5, -3.0, 0.25]
    assert varying == [0]  # y varies; the 1/n of a mean over one example does not
    classes = BatchedLoss(nn.cross_entropy, [], [0.1, 0.2, 0.3])
    assert classes.assign([2, 0, 1, 2])[0].tolist() == [0, 1, 2, 0]


def test_a_new_shape_of_target_in_the_validation_data_records_the_tape_again() -> None:
    X, y = nn.data.moons(12, seed=0)
    model = _model()
    batch = BatchedModel(model.eval(), X[0])
    scalar_value = nn.binary_cross_entropy_with_logits([model(x) for x in X], y).data
    assert batch.evaluate(X, [1] * len(X), nn.binary_cross_entropy_with_logits)[0] != scalar_value
    assert batch.evaluate(X, y, nn.binary_cross_entropy_with_logits)[0] == pytest.approx(scalar_value, rel=1e-12)
    assert len(batch._loss_tapes) == 2  # one head, then two


def test_a_loss_that_is_not_a_mean_over_examples_is_refused() -> None:
    def summed(outputs, targets):
        return autograd.sum([(o - t) ** 2 for o, t in zip(outputs, targets)])

    X, y = nn.data.moons(10, seed=0)
    with pytest.raises(batched.BatchedError, match=r"loss='summed', which gave .* mean of per-example losses"):
        nn.fit(_model(), X, y, loss=summed, epochs=1, progress=False, engine="batched")


def test_a_model_that_branches_on_the_data_is_refused() -> None:
    class Branchy(nn.Module):
        def __init__(self) -> None:
            self.layer = nn.Dense(2, 1, activation="linear", seed=0)

        def __call__(self, inputs):
            (z,) = self.layer(inputs)
            return z.relu() if float(inputs[0]) > 0 else z.tanh()

    X = [[1.0, 0.0], [-1.0, 0.0]]
    with pytest.raises(batched.BatchedError, match="must not depend on the data"):
        nn.fit(Branchy(), X, [1, 0], epochs=1, progress=False, engine="batched")


class _BranchesOnItsInput(nn.Module):
    """relu or tanh by the sign of the first input, decided in Python with float()."""

    def __init__(self) -> None:
        self.layer = nn.Dense(2, 1, activation="linear", seed=0)

    def __call__(self, inputs):
        (z,) = self.layer(inputs)
        return z.relu() if float(inputs[0]) > 0 else z.tanh()


def test_every_example_of_a_model_that_reads_its_inputs_is_checked_and_the_first_that_differs_named() -> None:
    # The first and last examples agree, so checking X[-1] alone would train silently on relu for all.
    X = [[1.0, 0.5], [2.0, -1.0], [-0.5, 1.0], [1.5, 0.0]]
    message = r"graph for example 2 = \[-0.5, 1.0\] differs .*\(it read 'x1' as a number\).*must not depend on the data"
    with pytest.raises(batched.BatchedError, match=message):
        nn.fit(_BranchesOnItsInput(), X, [1, 0, 1, 0], epochs=1, progress=False, engine="batched")


def test_a_model_that_reads_a_number_but_takes_one_branch_everywhere_trains_like_the_scalar_engine() -> None:
    X = [[1.0, 0.5], [2.0, -1.0], [0.5, 1.0], [1.5, 0.0]]
    weights = {}
    for engine in ("scalar", "batched"):
        model = _BranchesOnItsInput()
        nn.fit(model, X, [1, 0, 1, 0], epochs=3, batch_size=2, progress=False, engine=engine)
        weights[engine] = model.state_dict()
    assert weights["batched"] == pytest.approx(weights["scalar"], rel=1e-12, abs=0.0)


def test_validation_examples_are_checked_too() -> None:
    X = [[1.0, 0.5], [2.0, -1.0]]
    validation = ([[1.0, 0.0], [-1.0, 0.0], [1.0, 1.0]], [1, 0, 1])
    with pytest.raises(batched.BatchedError, match=r"graph for example 1 = \[-1.0, 0.0\] differs"):
        nn.fit(_BranchesOnItsInput(), X, [1, 0], epochs=1, validation=validation, progress=False, engine="batched")


def test_a_model_that_branches_with_a_comparison_of_values_is_refused_naming_the_example() -> None:
    class Compares(nn.Module):
        def __init__(self) -> None:
            self.layer = nn.Dense(2, 1, activation="linear", seed=0)

        def __call__(self, inputs):
            (z,) = self.layer(inputs)
            return z.relu() if inputs[0] > 0 else z.tanh()

    X = [[1.0, 0.5], [2.0, -1.0], [-0.5, 1.0], [1.5, 0.0]]
    with pytest.raises(batched.BatchedError, match=r"graph for example 2 = \[-0.5, 1.0\] differs"):
        nn.fit(Compares(), X, [1, 0, 1, 0], epochs=1, progress=False, engine="batched")


def test_missing_numpy_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def without_numpy(name: str, *args: object) -> object:
        if name == "numpy":
            raise ImportError("No module named 'numpy'")
        return real(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib, "import_module", without_numpy)
    monkeypatch.setattr(batched, "_NUMPY", None)
    with pytest.raises(ImportError, match=r"pip install 'glassgrad\[batched\]'"):
        batched.numpy()


def test_importing_autograd_and_nn_does_not_import_numpy() -> None:
    import subprocess
    import sys

    code = "import sys, autograd, nn, autograd.modes.batched, nn.batched; print('numpy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_per_example_gradients_are_each_examples_scalar_gradient() -> None:
    from nn.batched import per_example_gradients

    X, y = nn.data.moons(12, seed=2)
    model = _model().eval()
    names, grads = per_example_gradients(model, X, y, nn.binary_cross_entropy_with_logits)
    assert names == [name for name, _ in model.named_parameters()]
    for i in (0, 5, 11):
        model.zero_grad()
        # Example i's share of the batch loss (1/n)·Σ Lⱼ.
        (nn.binary_cross_entropy_with_logits([model(X[i])], [y[i]]) * (1 / len(X))).backward()
        assert grads[i].tolist() == pytest.approx([p.grad for _, p in model.named_parameters()], rel=1e-10, abs=1e-15)


def test_the_per_example_gradient_plot_names_its_weight_and_refuses_an_unknown_one() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    X, y = nn.data.moons(20, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    figure = nn.plots.per_example_gradients(model, X, y, parameter="layers.0.neurons.1.bias")
    (axes,) = figure.axes
    assert axes.get_title() == "Which examples pull layers.0.neurons.1.bias which way"
    assert len(axes.patches) == len(X) + 2  # one bar per example, plus the two legend swatches
    with pytest.raises(ValueError, match=r"parameter='w9'; expected a name from model.named_parameters\(\)"):
        nn.plots.per_example_gradients(model, X, y, parameter="w9")


def test_digits_load_as_64_pixels_in_0_1_with_labels_0_to_9() -> None:
    pytest.importorskip("sklearn")
    X_train, y_train, X_test, y_test = nn.data.digits(seed=0)
    assert (len(X_train), len(X_test)) == (1348, 449)
    assert all(len(x) == 64 for x in X_train + X_test)
    assert min(min(x) for x in X_train) == 0.0
    assert max(max(x) for x in X_train) == 1.0
    assert sorted(set(y_train + y_test)) == list(range(10))
    assert nn.data.digits(seed=0, n=100)[0][0] == nn.data.digits(seed=0, n=100)[0][0]
    with pytest.raises(ValueError, match=r"digits\(\) got n=1; expected a whole number from 2 to 1,797"):
        nn.data.digits(n=1)


def test_digits_without_scikit_learn_say_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"pip install 'glassgrad\[data\]'"):
        nn.data.digits()


@pytest.mark.slow
def test_a_small_network_learns_real_digits_with_the_batched_engine() -> None:
    # The suite's short version of `make bench`'s digits run (MLP(64, [32, 10]), ≥ 95% in ≤ 20 s).
    pytest.importorskip("sklearn")
    X_train, y_train, X_test, y_test = nn.data.digits(seed=0, n=600)
    model = nn.MLP(64, [16, 10], seed=0)
    optimizer = nn.Adam(model, learning_rate=0.02)
    nn.fit(model, X_train, y_train, loss=nn.cross_entropy, optimizer=optimizer, epochs=8, progress=False,
           engine="batched")
    _, accuracy = nn.evaluate(model, X_test, y_test, loss=nn.cross_entropy, engine="batched")
    assert accuracy is not None
    assert accuracy >= 0.93


def test_examples_given_as_values_train_like_floats() -> None:
    X, y = nn.data.moons(20, seed=0)
    as_values = [[Value(v) for v in x] for x in X]
    first, second = _model(), _model()
    nn.fit(first, X, y, epochs=2, progress=False, engine="batched")
    nn.fit(second, as_values, y, epochs=2, progress=False, engine="batched")
    assert first.state_dict() == second.state_dict()


def test_example_i_of_a_batched_run_can_be_drawn_and_traced() -> None:
    from autograd import to_dot, trace_backward

    X, _ = nn.data.moons(8, seed=0)
    model = _model(dropout=0.5)
    run = BatchedModel(model, X[0]).run(X)
    (output,) = run.example(3)
    assert output.data == pytest.approx(float(run.outputs[3, 0]), rel=1e-12)
    assert "digraph" in to_dot(output)
    trace = trace_backward(output)
    assert len(trace) > 0
    assert [p.grad for p in model.parameters()] == pytest.approx(run.per_example_grads()[3].tolist(), abs=1e-12)


def test_evaluate_refuses_what_value_refuses_in_any_example() -> None:
    # fit checks every number up front; evaluate does not, so the batched run checks them.
    X = [[0.5, 1.0], [None, 1.0]]
    with pytest.raises(batched.BatchTypeError, match=r"got None of type NoneType at row 1, column 0"):
        nn.evaluate(_model(), X, [0, 1], engine="batched")


# --- fit keeps the weights in one array for an epoch: the numbers of the per-batch write-back, bit for bit ----------


class _HalveThreeWeights(nn.Callback):
    """Changes the model between epochs, as a user's callback may: fit must read the weights again."""

    def on_epoch_end(self, epoch: int, monitored: float, model: nn.Module) -> bool:
        for parameter in model.parameters()[:3]:
            parameter.data *= 0.5
        return False


def _written_back_every_batch(model, X, y, loss, optimizer, epochs: int, batch_size: int, seed: int) -> None:
    """fit(engine="batched")'s loop as it was: every batch reads the weights from the Values and writes them back."""
    batch = BatchedModel(model, X[0], data=X, checked=True, targets=y)
    order = random.Random(seed)
    for epoch in range(1, epochs + 1):
        model.train()
        for X_batch, y_batch in nn.data.batches(X, y, batch_size, shuffle=True, seed=order):
            optimizer.zero_grad()
            batch.step(X_batch, y_batch, loss)
            optimizer.step_arrays()
        _HalveThreeWeights().on_epoch_end(epoch, 0.0, model)


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize(("loss", "dropout"), [(nn.binary_cross_entropy_with_logits, 0.4), (nn.hinge, 0.0)])
def test_fit_holding_the_weights_in_an_array_gives_the_per_batch_write_backs_numbers_bit_for_bit(
    optimizer: str, loss, dropout: float
) -> None:
    X, y = nn.data.moons(45, seed=2)
    held, written = _model(dropout=dropout), _model(dropout=dropout)
    held_optimizer, written_optimizer = OPTIMIZERS[optimizer](held), OPTIMIZERS[optimizer](written)
    nn.fit(held, X, y, loss=loss, optimizer=held_optimizer, epochs=4, batch_size=8, validation=(X[:9], y[:9]),
           callbacks=[_HalveThreeWeights()], progress=False, seed=5, engine="batched")
    _written_back_every_batch(written, X, y, loss, written_optimizer, epochs=4, batch_size=8, seed=5)
    assert [p.data for p in held.parameters()] == [p.data for p in written.parameters()]
    assert [p.grad for p in held.parameters()] == [p.grad for p in written.parameters()]  # the last batch's
    assert held_optimizer.state_dict() == written_optimizer.state_dict()


def test_fit_with_an_optimizer_over_some_parameters_trains_only_those_like_the_scalar_engine() -> None:
    X, y = nn.data.moons(30, seed=1)
    trained = {}
    for engine in ("scalar", "batched"):
        model = _model()
        first_layer = model.layers[0].parameters()
        frozen = [p.data for p in model.parameters()[len(first_layer):]]
        nn.fit(model, X, y, optimizer=nn.Adam(first_layer, learning_rate=0.05), epochs=3, batch_size=10,
               progress=False, engine=engine)
        assert [p.data for p in model.parameters()[len(first_layer):]] == frozen
        trained[engine] = [p.data for p in first_layer]
    assert trained["batched"] == pytest.approx(trained["scalar"], abs=1e-12)
    assert trained["batched"] != [p.data for p in _model().layers[0].parameters()]


def test_ctrl_c_mid_epoch_leaves_the_batched_engines_weights_of_the_last_finished_epoch() -> None:
    X, y = nn.data.moons(40, seed=0)
    model = _model()
    at_epoch_end = []

    class Interrupting(nn.Adam):
        def step_on_arrays(self, values, grads):  # type: ignore[no-untyped-def]
            if self.steps == 6:  # the third update of epoch 2 (4 batches per epoch)
                raise KeyboardInterrupt
            return super().step_on_arrays(values, grads)

    class Snapshot(nn.Callback):
        def on_epoch_end(self, epoch: int, monitored: float, model: nn.Module) -> bool:
            at_epoch_end.append([p.data for p in model.parameters()])
            return False

    history = nn.fit(model, X, y, optimizer=Interrupting(model, learning_rate=0.05), epochs=3, batch_size=10,
                     callbacks=[Snapshot()], progress=False, engine="batched")
    assert (history.interrupted, history.epochs) == (True, 1)
    assert [p.data for p in model.parameters()] == at_epoch_end[0]


def test_fit_with_a_rule_written_for_floats_only_trains_like_the_scalar_engine() -> None:
    class Clipped(nn.Optimizer):
        def update(self, value, grad, state):  # type: ignore[no-untyped-def]
            return value - 0.1 * max(-0.5, min(0.5, grad))  # max/min of an array raise: step() runs it

    X, y = nn.data.moons(30, seed=3)
    trained = {}
    for engine in ("scalar", "batched"):
        model = _model()
        nn.fit(model, X, y, optimizer=Clipped(model), epochs=3, batch_size=10, progress=False, engine=engine)
        trained[engine] = [p.data for p in model.parameters()]
    assert trained["batched"] == pytest.approx(trained["scalar"], abs=1e-12)
    assert trained["batched"] != [p.data for p in _model().parameters()]


# --- what fit's docstring promises about the two engines: not the same bits, the same numbers to 1e-12 ----------------

AGREEMENT = 1e-12  # fit(engine=...)'s documented agreement


def test_fit_documents_the_agreement_these_tests_check_not_the_same_bits() -> None:
    doc = " ".join((nn.fit.__doc__ or "").split())
    # It said "same numbers", and on W2 the weights differed in the last bit after 3 epochs.
    assert "same numbers" not in doc
    assert "not the same bits" in doc
    assert f"agree to {AGREEMENT:g} relative" in doc


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("loss", [nn.binary_cross_entropy_with_logits, nn.mean_squared_error, nn.hinge])
def test_one_step_from_the_same_weights_agrees_to_the_documented_1e_12(activation: str, loss) -> None:
    X, y = nn.data.moons(100, seed=0)
    model = nn.MLP(2, [16, 16, 1], activation=activation, seed=0).train()
    batch, targets = X[:32], y[:32]
    outputs = [model(x) for x in batch]
    scalar_loss = loss(outputs, targets)
    scalar_loss.backward()
    scalar_grads = [p.grad for p in model.parameters()]
    weights = np.array([p.data for p in model.parameters()])
    fast_loss, fast_outputs, fast_grads = BatchedModel(model, X[0]).gradients(batch, targets, loss, weights)
    assert fast_outputs == pytest.approx([o.data for o in outputs], rel=AGREEMENT, abs=0.0)
    assert fast_loss == pytest.approx(scalar_loss.data, rel=AGREEMENT)
    largest = max(abs(g) for g in scalar_grads)
    assert largest > 0.0
    assert fast_grads.tolist() == pytest.approx(scalar_grads, rel=0.0, abs=AGREEMENT * largest)


def test_w2_trained_for_three_epochs_by_either_engine_agrees_to_1e_12() -> None:
    X, y = nn.data.moons(100, seed=0)
    weights, losses = {}, {}
    for engine in ("scalar", "batched"):
        model = nn.MLP(2, [16, 16, 1], seed=0)
        losses[engine] = nn.fit(model, X, y, epochs=3, progress=False, engine=engine).train_loss
        weights[engine] = [p.data for p in model.parameters()]
    largest = max(abs(w) for w in weights["scalar"])
    assert weights["batched"] == pytest.approx(weights["scalar"], rel=0.0, abs=AGREEMENT * largest)
    assert losses["batched"] == pytest.approx(losses["scalar"], rel=AGREEMENT)
    assert weights["batched"] != [p.data for p in nn.MLP(2, [16, 16, 1], seed=0).parameters()]  # it trained


# --- cross-entropy where examples' top classes differ by more than e^709 can hold ---
# The batched engine records the loss head once and replays it for every example,
# so a Python-level choice read from one example's numbers (the argmax) must not
# shape the loss: these failed with an inf loss when it did.


def _exact_cross_entropy(logits: list[list[float]], targets: list[int]) -> tuple[float, list[list[float]]]:
    """Mean cross-entropy and ∂J/∂z (softmax − one-hot, over n) at 50 digits."""
    mpmath = pytest.importorskip("mpmath")
    with mpmath.workdps(50):
        n, total, slopes = len(logits), mpmath.mpf(0), []
        for row, target in zip(logits, targets):
            z = [mpmath.mpf(v) for v in row]
            log_sum = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in z))
            total += log_sum - z[target]
            slopes.append([float((mpmath.exp(v - log_sum) - (j == target)) / n) for j, v in enumerate(z)])
        return float(total / n), slopes


def _two_class_model() -> nn.Module:
    # Logits (500x, −500x): x = 2 gives [1000, −1000], whose class 0 leads by 2000.
    model = nn.Dense(1, 2, activation="linear", seed=0)
    model.load_state_dict(
        {"neurons.0.weights.0": 500.0, "neurons.0.bias": 0.0, "neurons.1.weights.0": -500.0, "neurons.1.bias": 0.0}
    )
    return model


@pytest.mark.parametrize("engine", ["scalar", "batched"])
def test_cross_entropy_is_exact_in_both_engines_for_an_example_whose_top_class_is_not_the_first_examples(
    engine: str,
) -> None:
    X, y = [[1.0], [-1.0], [2.0]], [0, 1, 1]  # examples 1 and 2: same target, top classes 1 and 0
    model = _two_class_model()
    logits = [[500.0 * x, -500.0 * x] for (x,) in X]
    exact_loss, slopes = _exact_cross_entropy(logits, y)  # (log1p(e^−1000) + log1p(e^−1000) + 2000 + …)/3
    if engine == "scalar":
        loss = nn.cross_entropy([model(x) for x in X], y)
        loss.backward()
        value, grads = loss.data, [p.grad for p in model.parameters()]
    else:
        weights = np.array([p.data for p in model.parameters()])
        value, _, array = BatchedModel(model, X[0]).gradients(X, y, nn.cross_entropy, weights)
        grads = array.tolist()
    assert value == pytest.approx(exact_loss, rel=1e-15)
    # Parameters in order w₀, b₀, w₁, b₁; z_k = w_k·x + b_k.
    exact = []
    for k in range(2):
        exact += [sum(s[k] * x for s, (x,) in zip(slopes, X)), sum(s[k] for s in slopes)]
    assert grads == pytest.approx(exact, rel=1e-14, abs=1e-300)
    assert nn.evaluate(model, X, y, loss=nn.cross_entropy, engine=engine)[0] == pytest.approx(exact_loss, rel=1e-15)


def test_the_batched_engine_agrees_with_the_scalar_one_on_a_batch_mixing_top_classes_far_apart() -> None:
    rng = random.Random(3)
    X = [[rng.uniform(-3.0, 3.0), rng.uniform(-3.0, 3.0)] for _ in range(24)]
    y = [i % 2 for i in range(24)]  # two groups of targets, each meeting several top classes
    model = nn.Dense(2, 4, activation="linear", seed=5)
    model.load_state_dict({name: 400.0 * p.data for name, p in model.named_parameters()})
    logits = [[o.data for o in model(x)] for x in X]
    tops = {row.index(max(row)) for row in logits}
    gaps = [max(row) - row[t] for row, t in zip(logits, y)]
    assert len(tops) >= 3
    assert max(gaps) > 709.0  # what made the replayed argmax overflow
    outputs = [model(x) for x in X]
    scalar_loss = nn.cross_entropy(outputs, y)
    scalar_loss.backward()
    scalar_grads = [p.grad for p in model.parameters()]
    weights = np.array([p.data for p in model.parameters()])
    fast_loss, _, fast_grads = BatchedModel(model, X[0]).gradients(X, y, nn.cross_entropy, weights)
    exact_loss, _ = _exact_cross_entropy(logits, y)
    assert scalar_loss.data == pytest.approx(exact_loss, rel=1e-14)
    assert fast_loss == pytest.approx(scalar_loss.data, rel=AGREEMENT)
    largest = max(abs(g) for g in scalar_grads)
    assert fast_grads.tolist() == pytest.approx(scalar_grads, rel=0.0, abs=AGREEMENT * largest)


def test_a_tiny_cross_entropy_keeps_its_digits_when_the_batched_engine_replays_another_examples_graph() -> None:
    # Logits (−1000x, 30x − 30, 34x − 29): x = 1 gives [−1000, 0, 5] (top class 2),
    # x = 0 gives [0, −30, −29], whose loss log(1 + e^−30 + e^−29) is tiny.
    model = nn.Dense(1, 3, activation="linear", seed=0)
    model.load_state_dict(
        {
            "neurons.0.weights.0": -1000.0, "neurons.0.bias": 0.0,
            "neurons.1.weights.0": 30.0, "neurons.1.bias": -30.0,
            "neurons.2.weights.0": 34.0, "neurons.2.bias": -29.0,
        }
    )  # fmt: skip
    batch = BatchedModel(model, [1.0])
    batch.evaluate([[1.0]], [0], nn.cross_entropy)  # records the loss head on x = 1
    tiny = batch.evaluate([[0.0]], [0], nn.cross_entropy)[0]
    # Truth from mpmath at 50 digits, as in test_precision.py.
    assert tiny == pytest.approx(3.479427944260335e-13, rel=1e-12, abs=0.0)  # approx alone allows 1e-12


def test_fit_with_the_batched_engine_trains_cross_entropy_to_finite_losses_on_far_apart_scores() -> None:
    X = [[1.0], [-1.0], [2.0], [-2.0], [0.5], [-0.5]]
    y = [0, 1, 1, 0, 0, 1]  # x = 2 and x = −2 are scored wrong by 2000
    losses = {}
    for engine in ("scalar", "batched"):
        model = _two_class_model()
        history = nn.fit(
            model, X, y, loss=nn.cross_entropy, optimizer=nn.SGD(model, learning_rate=1e-3),
            epochs=3, batch_size=None, progress=False, engine=engine,
        )  # fmt: skip
        losses[engine] = history.train_loss
        assert all(math.isfinite(w) for w in (p.data for p in model.parameters()))
    assert all(math.isfinite(loss) for loss in losses["batched"])
    assert losses["batched"] == pytest.approx(losses["scalar"], rel=AGREEMENT)
    assert losses["batched"][0] == pytest.approx(_exact_cross_entropy([[500 * x, -500 * x] for (x,) in X], y)[0])


# --- softmax where examples' top scores are far apart ---
# nn.softmax used to subtract max(v.data), a number read while the graph was
# recorded: the batched engine replayed the first example's as a constant for
# every example (an example 1000 above it gave nan), and a model ending in
# softmax was refused when the last example's top score differed from the first's.


def _exact_softmax(scores: list[float], weights: list[float]) -> tuple[list[float], list[float]]:
    """softmax(z) and ∂(Σᵢ gᵢ·softmax(z)ᵢ)/∂z = p ⊙ (g − Σᵢ gᵢpᵢ) at 50 digits."""
    mpmath = pytest.importorskip("mpmath")
    with mpmath.workdps(50):
        z = [mpmath.mpf(v) for v in scores]
        log_sum = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in z))
        p = [mpmath.exp(v - log_sum) for v in z]
        mean = mpmath.fsum(g * q for g, q in zip(weights, p))
        return [float(q) for q in p], [float(q * (g - mean)) for g, q in zip(weights, p)]


def test_softmax_replayed_by_the_batched_engine_is_exact_for_every_example() -> None:
    batch = [
        [0.0, 0.0, 0.0],  # the example the graph is recorded on
        [1000.0, -1000.0, 0.0],  # 1000 above it: e^1000 overflowed
        [-740.0, -740.5, -741.0],  # 740 below it: subnormal exponentials kept 3 digits
        [0.0, -80.0, 0.5],  # a probability of 4.5e-36 next to 0.62
    ]
    weights = [[1.0, -2.0, 0.5], [0.5, 1.0, -1.0], [1.0, 0.0, -1.0], [0.0, 1.0, 0.0]]
    tape = batched.record(nn.softmax, [], batch[0], input_gradients=True)
    run = tape.run(batch)
    slopes = run.input_grads(np.array(weights))
    for row, g, probabilities, slope in zip(batch, weights, run.outputs.tolist(), slopes.tolist()):
        exact_p, exact_slope = _exact_softmax(row, g)
        assert probabilities == pytest.approx(exact_p, rel=1e-14, abs=0.0), row
        assert slope == pytest.approx(exact_slope, rel=1e-14, abs=1e-300), row


def _scores(weights: tuple[float, float, float]) -> nn.Dense:
    """Three class scores wₖ·x for one input x."""
    model = nn.Dense(1, 3, activation="linear", seed=0)
    state = {}
    for k, w in enumerate(weights):
        state[f"neurons.{k}.weights.0"], state[f"neurons.{k}.bias"] = w, 0.0
    model.load_state_dict(state)
    return model


class _Softmax(nn.Module):
    """A model ending in nn.softmax: scores (1000x, −1000x, 0) for one input x."""

    def __init__(self) -> None:
        self.dense = _scores((1000.0, -1000.0, 0.0))

    def __call__(self, inputs):  # type: ignore[no-untyped-def]
        return nn.softmax(self.dense(inputs))


@pytest.mark.parametrize(
    "X",
    [[[0.0], [1.0]], [[0.0], [1.0], [0.0]], [[0.0], [-0.74], [0.5], [0.0]]],
    ids=["the last example differs (it was refused)", "one between two alike (it was nan)", "several (it was nan)"],
)
def test_a_model_ending_in_softmax_agrees_with_the_scalar_engine_and_mpmath(X: list[list[float]]) -> None:
    y = [[1.0, 0.0, 0.0]] * len(X)
    probabilities = [_exact_softmax([1000.0 * x, -1000.0 * x, 0.0], [0.0, 0.0, 0.0])[0] for (x,) in X]
    exact = sum((p - t) ** 2 for row, target in zip(probabilities, y) for p, t in zip(row, target)) / (3 * len(X))
    scalar = nn.evaluate(_Softmax(), X, y, loss=nn.mean_squared_error, engine="scalar")[0]
    fast = nn.evaluate(_Softmax(), X, y, loss=nn.mean_squared_error, engine="batched")[0]
    assert scalar == pytest.approx(exact, rel=1e-14)
    assert fast == pytest.approx(scalar, rel=AGREEMENT)


def _softmax_log_loss(outputs, targets):  # type: ignore[no-untyped-def]
    """A user's own loss built on nn.softmax: −log softmax(z)_target, averaged."""
    terms = [-nn.softmax(list(scores))[int(target)].log() for scores, target in zip(outputs, targets)]
    return autograd.sum(terms) / len(terms)


def test_fit_with_a_users_loss_built_on_softmax_trains_alike_in_both_engines() -> None:
    # Scores (1000x, 700x, 400x): x = 1 leads the first example's top score by 1000, and
    # no probability underflows to 0 (the batched engine runs every target's loss on every example).
    X, y = [[0.0], [1.0], [-1.0], [0.5]], [1, 0, 2, 1]
    weights, losses = {}, {}
    for engine in ("scalar", "batched"):
        model = _scores((1000.0, 700.0, 400.0))
        history = nn.fit(
            model, X, y, loss=_softmax_log_loss, optimizer=nn.SGD(model, learning_rate=1e-4),
            epochs=3, batch_size=None, progress=False, engine=engine,
        )  # fmt: skip
        weights[engine], losses[engine] = [p.data for p in model.parameters()], history.train_loss
    assert all(math.isfinite(loss) for loss in losses["batched"])
    assert losses["batched"] == pytest.approx(losses["scalar"], rel=AGREEMENT)
    largest = max(abs(w) for w in weights["scalar"])
    assert weights["batched"] == pytest.approx(weights["scalar"], rel=0.0, abs=AGREEMENT * largest)
    assert weights["batched"] != [p.data for p in _scores((1000.0, 700.0, 400.0)).parameters()]  # it trained


# --- leaves made from data (comparisons, detach) are computed per example ----------------------


def _gated_loss(outputs, targets):  # type: ignore[no-untyped-def]
    """(ŷ > 0)·(ŷ − y)², averaged: the comparison is a leaf made from ŷ's number."""
    return autograd.sum([(o > 0) * (o - t) ** 2 for o, t in zip(outputs, targets)]) / len(outputs)


def _detached_loss(outputs, targets):  # type: ignore[no-untyped-def]
    """(stopgrad(ŷ)·ŷ − y)², averaged: the detached copy is a leaf made from ŷ's number."""
    return autograd.sum([(o.detach() * o - t) ** 2 for o, t in zip(outputs, targets)]) / len(outputs)


class _Gated(nn.Module):
    """A line z = w·x + b gated by comparisons and scaled by a detached copy of itself."""

    def __init__(self) -> None:
        self.line = nn.Neuron(1, activation="linear", weights=[1.5], bias=-0.5)

    def __call__(self, inputs):  # type: ignore[no-untyped-def]
        z = self.line(inputs)
        inside = (z <= 1.0) * (1.0 >= z) * (z < inputs[0]) * (inputs[0] >= z - 1.0)  # noqa: SIM300  (reflected too)
        return (z > 0) * z + z * z.detach() + inside * z


def _losses_and_gradients(model: nn.Module, X, y, loss) -> tuple[tuple[float, list[float]], tuple[float, list[float]]]:  # type: ignore[no-untyped-def]
    outputs = [model(x) for x in X]
    scalar = loss(outputs, y)
    scalar.backward()
    scalar_grads = [p.grad for p in model.parameters()]
    model.zero_grad()
    weights = np.array([p.data for p in model.parameters()])
    fast, _, fast_grads = BatchedModel(model, X[0]).gradients(X, y, loss, weights)
    return (scalar.data, scalar_grads), (fast, fast_grads.tolist())


def _examples() -> object:
    from hypothesis import strategies as st

    number = st.floats(-3.0, 3.0, allow_nan=False).map(lambda x: round(x, 2))
    return st.lists(number, min_size=1, max_size=6)


def test_a_loss_with_a_comparison_or_a_detach_gives_the_scalar_engines_loss_and_gradients() -> None:
    # Was 0.0 against 4.33 (the comparison) and 4.67 against 32.67 (detach): every example
    # used the first example's gate and copy.
    from hypothesis import given

    @given(_examples())
    def check(xs: list[float]) -> None:
        X, y = [[x] for x in xs], [0.5 * x - 1.0 for x in xs]
        for loss in (_gated_loss, _detached_loss):
            (scalar, scalar_grads), (fast, fast_grads) = _losses_and_gradients(
                nn.Neuron(1, activation="linear", weights=[1.0], bias=0.25), X, y, loss
            )
            assert fast == pytest.approx(scalar, rel=AGREEMENT, abs=1e-300)
            assert fast_grads == pytest.approx(scalar_grads, rel=AGREEMENT, abs=1e-12)

    check()


def test_the_scripts_numbers_a_gated_loss_and_a_detached_loss_are_the_scalar_engines() -> None:
    X, y = [[-1.0], [2.0], [3.0]], [0.0, 0.0, 0.0]
    for loss, expected in ((_gated_loss, 13.0 / 3.0), (_detached_loss, 98.0 / 3.0)):
        for engine in ("scalar", "batched"):
            model = nn.Neuron(1, activation="linear", weights=[1.0], bias=0.0)
            assert nn.evaluate(model, X, y, loss=loss, engine=engine)[0] == pytest.approx(expected, rel=1e-15)


def test_a_model_with_comparisons_and_a_detach_gives_the_scalar_engines_outputs_and_gradients() -> None:
    # A middle example whose gate differs was silently given the first example's gate; a
    # last one was refused.
    from hypothesis import given

    @given(_examples())
    def check(xs: list[float]) -> None:
        X, y = [[x] for x in xs], [0.0] * len(xs)
        model = _Gated()
        (scalar, scalar_grads), (fast, fast_grads) = _losses_and_gradients(model, X, y, nn.mean_squared_error)
        assert fast == pytest.approx(scalar, rel=AGREEMENT, abs=1e-300)
        assert fast_grads == pytest.approx(scalar_grads, rel=AGREEMENT, abs=1e-12)
        assert nn.predict(model, X) == pytest.approx(
            BatchedModel(model, X[0]).outputs(X)[:, 0].tolist(), rel=AGREEMENT, abs=1e-300
        )

    check()


@pytest.mark.parametrize("X", [[[-1.0], [2.0]], [[-1.0], [2.0], [-1.0]]], ids=["last differs", "middle differs"])
def test_fit_of_a_gated_model_trains_like_the_scalar_engine_whichever_example_opens_the_gate(X) -> None:  # type: ignore[no-untyped-def]
    weights = {}
    for engine in ("scalar", "batched"):
        model = _Gated()
        nn.fit(model, X, [0.5] * len(X), loss=nn.mean_squared_error, optimizer=nn.SGD(model, learning_rate=0.05),
               epochs=3, batch_size=None, progress=False, engine=engine)  # fmt: skip
        weights[engine] = [p.data for p in model.parameters()]
    assert weights["batched"] == pytest.approx(weights["scalar"], rel=AGREEMENT)
    assert weights["scalar"] != [p.data for p in _Gated().parameters()]  # it trained


def test_example_i_of_a_gated_run_shows_its_own_gate_as_a_comparison_node() -> None:
    model = _Gated()
    run = BatchedModel(model, [-1.0]).run([[-1.0], [2.0]])
    for index, (x, opened) in enumerate(((-1.0, 0.0), (2.0, 1.0))):
        (output,) = run.example(index)
        gates = [n for n in autograd.engine.graph.topological_order(output) if n.op == ">"]
        assert [g.data for g in gates] == [opened]
        assert output.data == pytest.approx(model([x]).data, rel=1e-15)
        drawn = autograd.to_dot(output)
        assert 'tooltip="ŷ > 0 (intermediate): data=' + repr(opened) in drawn  # read as a comparison, not ">(ŷ)"
        assert 'tooltip="ŷ·detach ŷ (intermediate)' in drawn


def test_a_loss_that_branches_on_an_outputs_number_is_refused_naming_the_fix() -> None:
    # Was silently wrong: a Huber loss written with `if` gave 2.3125 against the scalar engine's 1.3125.
    def huber(outputs, targets):  # type: ignore[no-untyped-def]
        terms = [0.5 * (o - t) ** 2 if abs(o - t) < 1 else abs(o - t) - 0.5 for o, t in zip(outputs, targets)]
        return autograd.sum(terms) / len(terms)

    X, y = [[0.5], [3.0]], [0.0, 0.0]
    assert nn.evaluate(nn.Neuron(1, activation="linear", weights=[1.0]), X, y, loss=huber)[0] == 1.3125
    with pytest.raises(batched.BatchedError) as error:
        nn.evaluate(nn.Neuron(1, activation="linear", weights=[1.0]), X, y, loss=huber, engine="batched")
    assert str(error.value) == (
        "engine='batched' got loss='huber', which read a '<' node as a number (float(v), or v in an `if`); the "
        "batched engine records the loss once, on one example's outputs, so a choice made on that number would be "
        "replayed for every example. Write the choice as arithmetic on a comparison, e.g. (d > 0) * d for "
        "`d if d > 0 else 0`, or use engine='scalar'."
    )


# --- binary_cross_entropy's check that outputs are probabilities, made on every example -------


def _refusal(engine: str, model: nn.Module, X, y, loss=nn.binary_cross_entropy) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError) as error:  # noqa: PT011  (the message is compared below, in full)
        nn.evaluate(model, X, y, loss=loss, engine=engine)
    return str(error.value)


def test_binary_cross_entropy_refuses_an_output_outside_0_1_in_any_example_as_the_scalar_engine_does() -> None:
    # The batched engine checked only the example it recorded the loss on: output 2.0 gave 0.3466.
    from hypothesis import given
    from hypothesis import strategies as st

    probability = st.floats(0.0, 1.0)
    refused = st.sampled_from([2.0, -0.5, 1.0 + 2**-52, -1e-300, math.nan, math.inf, -math.inf])

    @given(st.lists(probability, min_size=1, max_size=6), st.data())
    def check(outputs: list[float], data: st.DataObject) -> None:
        bad = data.draw(st.lists(st.tuples(st.integers(0, len(outputs)), refused), min_size=1, max_size=2))
        for position, value in bad:
            outputs.insert(position, value)
        X = [[p] for p in outputs]
        y = data.draw(st.lists(st.sampled_from([0, 1, 0.5]), min_size=len(X), max_size=len(X)))
        identity = nn.Neuron(1, activation="linear", weights=[1.0], bias=0.0)
        scalar = _refusal("scalar", identity, X, y)
        assert _refusal("batched", identity, X, y) == scalar
        first = next(i for i, p in enumerate(outputs) if not 0.0 <= p <= 1.0)
        assert f" for example {first};" in scalar

    check()


def test_the_scripts_binary_cross_entropy_output_of_2_is_refused_by_both_engines_naming_example_1() -> None:
    expected = (
        "binary_cross_entropy() got output 2.0 for example 1; expected a probability in [0, 1]. Give the model a "
        "sigmoid output (output_activation='sigmoid'), or use binary_cross_entropy_with_logits on raw scores."
    )
    for engine in ("scalar", "batched"):
        model = nn.Neuron(1, activation="linear", weights=[1.0])
        assert _refusal(engine, model, [[0.5], [2.0]], [1, 1]) == expected


def test_an_output_outside_0_1_in_the_recorded_example_only_refuses_a_batch_that_holds_it() -> None:
    # The loss is recorded on X[0]'s outputs; a batch without X[0] must not be refused for it.
    identity = nn.Neuron(1, activation="linear", weights=[1.0], bias=0.0)
    batch = BatchedModel(identity, [2.0])
    assert batch.evaluate([[0.5], [0.25]], [1, 0], nn.binary_cross_entropy)[0] == pytest.approx(
        nn.binary_cross_entropy([0.5, 0.25], [1, 0]).data, rel=1e-15
    )
    with pytest.raises(ValueError, match=r"got output 2.0 for example 1;"):
        batch.evaluate([[0.5], [2.0]], [1, 0], nn.binary_cross_entropy)


def test_fit_names_the_example_of_its_batch_whose_output_is_outside_0_1_as_the_scalar_engine_does() -> None:
    X = [[0.5], [0.25], [0.75], [3.0], [0.125]]
    messages = {}
    for engine in ("scalar", "batched"):
        model = nn.Neuron(1, activation="linear", weights=[1.0], bias=0.0)
        with pytest.raises(ValueError) as error:  # noqa: PT011  (compared below)
            nn.fit(model, X, [1, 0, 1, 0, 1], loss=nn.binary_cross_entropy, epochs=1, batch_size=2, seed=5,
                   progress=False, engine=engine)  # fmt: skip
        messages[engine] = str(error.value)
    assert "got output 3.03999" in messages["scalar"]  # 3.0 after one step
    assert messages["batched"] == messages["scalar"]


def test_a_users_loss_built_on_binary_cross_entropy_is_checked_on_every_example_too() -> None:
    def with_l1(outputs, targets):  # type: ignore[no-untyped-def]
        return nn.binary_cross_entropy(outputs, targets) + 0.0 * autograd.sum([abs(o) for o in outputs])

    X, y = [[0.5], [0.25], [-0.5]], [1, 0, 1]
    identity = nn.Neuron(1, activation="linear", weights=[1.0], bias=0.0)
    assert _refusal("batched", identity, X, y, with_l1) == _refusal("scalar", identity, X, y, with_l1)


# --- each target's loss head counts only on its own examples ------------------------------------


def _log_of_chosen(outputs, targets):  # type: ignore[no-untyped-def]
    """A user's loss: −log(output[target]), averaged (the chosen output is assumed > 0; the others may not be)."""
    return autograd.sum([-o[int(t)].log() for o, t in zip(outputs, targets)]) / len(outputs)


def _lines(weights: list[float], biases: list[float]) -> nn.Dense:
    model = nn.Dense(1, len(weights), activation="linear", seed=0)
    state = {}
    for k, (w, b) in enumerate(zip(weights, biases)):
        state[f"neurons.{k}.weights.0"], state[f"neurons.{k}.bias"] = w, b
    model.load_state_dict(state)
    return model


def test_the_scripts_log_of_the_chosen_output_is_the_scalar_engines_where_another_output_is_negative() -> None:
    # Was DomainError: log() got -1.0: every target's head ran on every example and its domain was checked there.
    X, y = [[1.0], [-1.0]], [0, 1]
    for engine in ("scalar", "batched"):
        assert nn.evaluate(_lines([1.0, -1.0], [0.0, 0.0]), X, y, loss=_log_of_chosen, engine=engine) == (0.0, None)


def test_a_loss_undefined_at_other_targets_outputs_gives_the_scalar_engines_loss_and_gradients() -> None:
    from hypothesis import assume, given
    from hypothesis import strategies as st

    number = st.floats(-2.0, 2.0).map(lambda v: round(v, 2))

    @given(st.lists(number, min_size=3, max_size=3), st.lists(number, min_size=3, max_size=3),
           st.lists(number, min_size=1, max_size=6))  # fmt: skip
    def check(weights: list[float], biases: list[float], xs: list[float]) -> None:
        X = [[x] for x in xs]
        scores = [[w * x + b for w, b in zip(weights, biases)] for x in xs]
        y = [max(range(3), key=row.__getitem__) for row in scores]  # the largest output is the chosen one
        assume(all(row[t] > 0.01 for row, t in zip(scores, y)))
        model = _lines(weights, biases)
        (scalar, scalar_grads), (fast, fast_grads) = _losses_and_gradients(model, X, y, _log_of_chosen)
        assert fast == pytest.approx(scalar, rel=AGREEMENT, abs=1e-300)
        assert fast_grads == pytest.approx(scalar_grads, rel=AGREEMENT, abs=1e-12)

    check()


def test_fit_with_a_loss_undefined_at_other_targets_outputs_trains_like_the_scalar_engine() -> None:
    X, y = [[1.0], [-1.0], [2.0], [-0.5]], [0, 1, 0, 1]
    weights = {}
    for engine in ("scalar", "batched"):
        model = _lines([1.0, -1.0], [0.5, 0.5])
        nn.fit(model, X, y, loss=_log_of_chosen, optimizer=nn.SGD(model, learning_rate=0.01), epochs=3,
               batch_size=2, seed=0, progress=False, engine=engine)  # fmt: skip
        weights[engine] = [p.data for p in model.parameters()]
    assert all(math.isfinite(w) for w in weights["batched"])
    assert weights["batched"] == pytest.approx(weights["scalar"], rel=AGREEMENT)
    assert weights["scalar"] != [p.data for p in _lines([1.0, -1.0], [0.5, 0.5]).parameters()]  # it trained


def test_a_loss_undefined_at_an_examples_own_outputs_is_still_refused_naming_the_example() -> None:
    X, y = [[1.0], [-1.0], [1.0]], [0, 1, 1]  # example 2 chooses output 1, which is −1.0 there
    with pytest.raises(autograd.DomainError, match=r"log\(\) got -1.0 for example 2 \(batched run\)"):
        nn.evaluate(_lines([1.0, -1.0], [0.0, 0.0]), X, y, loss=_log_of_chosen, engine="batched")
    with pytest.raises(autograd.DomainError, match=r"log\(\) got -1.0"):
        nn.evaluate(_lines([1.0, -1.0], [0.0, 0.0]), X, y, loss=_log_of_chosen, engine="scalar")


def _exp_away_from_the_target(outputs, targets):  # type: ignore[no-untyped-def]
    """e^(50ŷ) for y = 0 and e^(−50ŷ) for y = 1 (two shapes: two heads), each overflowing at the other's examples."""
    terms = [(o * 50).exp() if t == 0 else (-o * 50).exp() for o, t in zip(outputs, targets)]
    return autograd.sum(terms) / len(terms)


def test_another_targets_loss_head_overflowing_at_an_example_leaves_the_gradients_the_scalar_engines() -> None:
    # Was nan: the head of y = 0 gave e^1000 = inf at the example with y = 1, and 0 × inf reached the bias.
    X, y = [[0.0], [20.0], [-20.0]], [0, 1, 0]
    weights = {}
    for engine in ("scalar", "batched"):
        model = nn.Neuron(1, activation="linear", weights=[1.0], bias=0.0)
        nn.fit(model, X, y, loss=_exp_away_from_the_target, optimizer=nn.SGD(model, learning_rate=1e-9), epochs=2,
               batch_size=None, progress=False, engine=engine)  # fmt: skip
        weights[engine] = [p.data for p in model.parameters()]
    assert weights["batched"] == pytest.approx(weights["scalar"], rel=AGREEMENT)
    assert weights["scalar"][1] != 0.0  # it trained


def test_evaluate_inside_detect_anomaly_names_the_first_inf_like_the_scalar_engine() -> None:
    # Was ignored by the batched engine: the loss came back inf (binary_cross_entropy's nan message
    # points users at detect_anomaly()).
    def mean_exp(outputs, targets):  # type: ignore[no-untyped-def]
        return autograd.sum([o.exp() for o in outputs]) / len(outputs)

    X = [[0.0], [1000.0], [2000.0]]
    messages = {}
    for engine in ("scalar", "batched"):
        model = nn.Neuron(1, activation="linear", weights=[1.0], bias=0.0)
        with autograd.detect_anomaly(), pytest.raises(autograd.AnomalyError) as error:
            nn.evaluate(model, X, [0.0] * 3, loss=mean_exp, engine=engine)
        messages[engine] = str(error.value)
    assert messages["scalar"] == "exp() produced inf from operand 'unlabeled' = 1000.0."
    assert messages["batched"] == "exp() produced inf for example 1 (batched run) from operand 'unlabeled' = 1000.0."


class _CubedUnderNoGrad(nn.Module):
    """z·stopgrad(z²), the stop written with no_grad() (or, for the batched engine, with detach())."""

    def __init__(self, detach: bool) -> None:
        self.line = nn.Neuron(1, activation="linear", weights=[1.0], bias=0.0)
        self.detach = detach

    def __call__(self, inputs):  # type: ignore[no-untyped-def]
        z = self.line(inputs)
        if self.detach:
            return z * (z * z).detach()
        with autograd.no_grad():
            square = z * z
        return z * square


def test_a_model_that_computes_under_no_grad_is_refused_by_the_batched_engine_which_suggests_detach() -> None:
    # Was silently wrong when only a middle example differed (1.58 against the scalar engine's 3.54).
    X, y = [[1.0], [2.0], [1.0]], [0.0, 0.0, 0.0]
    scalar = nn.evaluate(_CubedUnderNoGrad(detach=False), X, y, loss=nn.mean_squared_error)
    with pytest.raises(batched.BatchedError) as error:
        nn.evaluate(_CubedUnderNoGrad(detach=False), X, y, loss=nn.mean_squared_error, engine="batched")
    assert str(error.value) == (
        "the batched engine got a graph with 1 value(s) computed under no_grad() (the first: 1.0); no_grad() "
        "keeps no inputs, so a replay would give every example the recorded example's number. To stop a "
        "gradient, use x.detach() (replayed for each example); or use the scalar engine."
    )
    for engine in ("scalar", "batched"):
        assert nn.evaluate(_CubedUnderNoGrad(detach=True), X, y, loss=nn.mean_squared_error, engine=engine) == scalar
