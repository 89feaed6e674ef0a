"""How a loss says its gradient in closed form: data a loss declares, read by the neuron-level trace.

A loss built from many nodes (a clamp, a log, a Σ, a mean) has one line the
lecture writes for it, ∂J/∂ŷ = −y/ŷ + (1−y)/(1−ŷ). The loss knows that line
and the example's numbers; the trace knows the gradient backward() computed.
The loss declares, per output it reads, a ``ClosedForm``; the trace prints the
formula, the formula with the shown numbers, and backward()'s own result.

Provisional: until the picture model's naming protocol carries it, the
declarations live here, keyed by the loss's root Value (weakly, so a graph
that is dropped takes its declaration with it).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from autograd.engine.value import Value


@dataclass(frozen=True)
class ClosedForm:
    """∂J/∂output for one output a loss reads, as the lecture writes it.

    Attributes:
        output: the node differentiated by (ŷ, or a score z).
        formula: the rule with ``{output}`` where the output's name goes, e.g. ``−y/{output} + (1−y)/(1−{output})``.
        numbers: the rule with this example's numbers, ``{name}`` where ``values[name]`` goes, e.g. ``−1/{ŷ}``.
        values: the numbers ``numbers`` names, at full precision.
        rule: the formula as arithmetic on ``values``, to check the shown numbers against the shown result.
        data: what in the formula is data, said once (e.g. ``y = 1``).

    Example:
        >>> p = Value(0.25, label="ŷ")
        >>> form = ClosedForm(p, "−y/{output}", "−1/{ŷ}", {"ŷ": 0.25}, lambda v: -1 / v["ŷ"], "y = 1")
        >>> form.rule(form.values)
        -4.0
    """

    output: Value
    formula: str
    numbers: str
    values: Mapping[str, float]
    rule: Callable[[Mapping[str, float]], float]
    data: str = ""


_DECLARED: weakref.WeakKeyDictionary[Value, tuple[ClosedForm, ...]] = weakref.WeakKeyDictionary()


def declare(loss: Value, forms: Sequence[ClosedForm]) -> Value:
    """Record how ``loss``'s gradient reads in closed form, one ``ClosedForm`` per output; returns ``loss``.

    Example:
        >>> p = Value(0.5, label="ŷ")
        >>> J = declare(-p.log(), [ClosedForm(p, "−1/{output}", "−1/{ŷ}", {"ŷ": 0.5}, lambda v: -1 / v["ŷ"])])
        >>> [form.output is p for form in declared(J)]
        [True]
    """
    _DECLARED[loss] = tuple(forms)
    return loss


def declared(loss: Value) -> tuple[ClosedForm, ...]:
    """The closed forms ``loss`` was declared with (none for a loss that declared nothing).

    Example:
        >>> declared(Value(1.0))
        ()
    """
    return _DECLARED.get(loss, ())
