"""Small graphs from the course, shared by the rendering, trace and player tests."""

from __future__ import annotations

from autograd import Parameter, Value


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


def course_mlp(examples: int = 1) -> Value:
    """The course's "Will I pass?" network nn.MLP(2, [3, 1], output_activation="sigmoid"), seed 37, with
    nn.binary_cross_entropy for the student who went to 4 lectures and spent 5 hours (passed: 1); after backward.

    ``examples=2`` adds a second student (1 lecture, 2 hours, failed: 0), so names repeat per example.
    """
    import nn

    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=37)
    students, results = [[4.0, 5.0], [1.0, 2.0]][:examples], [1, 0][:examples]
    loss = nn.binary_cross_entropy([model(student) for student in students], results)
    loss.backward()
    return loss
