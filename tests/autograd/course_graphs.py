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
