"""Small graphs from the course, shared by the rendering, trace and player tests."""

from __future__ import annotations

from autograd import Parameter, Value

COURSE_SEED = 1258
"""The course network's seed: untrained, nn.MLP(2, [3, 1], output_activation="sigmoid") predicts ŷ = 0.1107 for
the student (4, 5) who passed, as the lecture's does (∂J/∂ŷ = −1/0.1107 = −9.036), and all three hidden ReLUs are on
(z = 2.72, 4.92, 2.97), so every parameter gets a gradient. Found by ``python tests/autograd/course_graphs.py``.
Seed 37, the previous one, also predicts 0.1107 but its neuron 1 is off (z = −4.55): DEAD_RELU_SEED."""
DEAD_RELU_SEED = 37
"""A seed whose hidden neuron 1 is off for the student (4, 5): relu′(z) = 0, no gradient flows back through it."""


def course_network() -> tuple[Value, dict[str, Value]]:
    """x → w1 → z1 → σ → w2 → ŷ → J = (ŷ − y)², weights as Parameters; (J, nodes by label)."""
    x, y = Value(1.5, label="x"), Value(0.2, label="y")
    w1, w2 = Parameter(0.8, label="w1"), Parameter(-1.2, label="w2")
    z1 = w1 * x
    z1.label = "z1"
    a1 = z1.sigmoid()
    a1.label = "a1"
    y_hat = w2 * a1
    y_hat.label = "ŷ"
    loss = (y_hat - y) ** 2
    loss.label = "J"
    return loss, {"x": x, "y": y, "w1": w1, "w2": w2, "z1": z1, "a1": a1, "ŷ": y_hat, "J": loss}


def course_mlp(examples: int = 1, seed: int = COURSE_SEED) -> Value:
    """The course's "Will I pass?" network nn.MLP(2, [3, 1], output_activation="sigmoid"), COURSE_SEED, with
    nn.binary_cross_entropy for the student who went to 4 lectures and spent 5 hours (passed: 1); after backward.

    ``examples=2`` adds a second student (1 lecture, 2 hours, failed: 0), so names repeat per example;
    ``seed=DEAD_RELU_SEED`` gives the same network with hidden neuron 1 off for the first student.
    """
    import nn

    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=seed)
    students, results = [[4.0, 5.0], [1.0, 2.0]][:examples], [1, 0][:examples]
    loss = nn.binary_cross_entropy([model(student) for student in students], results)
    loss.backward()
    return loss


def tangle(nodes: int) -> Value:
    """A tangle of at most ``nodes`` nodes, no scopes: each tanh(a·b + 0.5) multiplies two of the last eight results.

    The large graph of the page tests and ``benchmarks/page_scale.py``: every node is
    used by a few later ones, so a backward step finishes some nodes and not others.
    """
    import random

    from autograd.engine.graph import topological_order

    rng = random.Random(0)
    pool = [Value(rng.uniform(-1, 1), label=f"x{i}") for i in range(4)]
    while True:
        a, b = rng.sample(pool[-8:], 2)
        candidate = (a * b + 0.5).tanh()
        if len(topological_order(candidate)) > nodes:
            return pool[-1]
        pool.append(candidate)


def course_seeds(tries: int = 3000) -> list[tuple[int, float, list[float]]]:
    """Seeds below ``tries`` whose untrained course network predicts 0.09-0.13 for (4, 5) with every hidden z > 0.3.

    Each as (seed, ŷ, hidden z's), closest to the lecture's 0.11 first.
    """
    import nn
    from autograd import no_grad

    found = []
    for seed in range(tries):
        model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=seed)
        with no_grad():
            y_hat = model([4.0, 5.0]).data
        hidden = [4.0 * n.weights[0].data + 5.0 * n.weights[1].data + n.bias.data for n in model.layers[0].neurons]
        if 0.09 <= y_hat <= 0.13 and min(hidden) > 0.3:
            found.append((seed, y_hat, hidden))
    return sorted(found, key=lambda row: abs(row[1] - 0.11))


if __name__ == "__main__":
    for seed, y_hat, hidden in course_seeds():
        print(f"seed {seed}: ŷ = {y_hat:.4f}, hidden z = " + ", ".join(f"{z:.2f}" for z in hidden))
