"""What a scope declares: the data ``nn`` gives a drawing about its modules and losses.

A scope path is a tuple of names (``autograd.scope``). A name may be a ``Scope``:
still that ``str``, and also a heading, a kind, a number and the roles of the
parameters inside, or for a loss its derivative in closed form. ``autograd.see``
names nodes from these declarations, never from ``nn``'s wording. Nothing here is
paid per Value: a module builds its ``Scope`` once, a loss once per call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd.engine.value import Value

Rule = Callable[[Sequence[float], Sequence[float], Callable[[float], str]], Sequence[tuple[float, str]]]
"""A loss's derivative for one example: (outputs, targets, number format) → (∂L/∂outputᵢ, worked text) per output."""


@dataclass(frozen=True)
class ClosedForm:
    """A loss's derivative in closed form, declared by the loss so a lesson can take it in one step.

    J = (1/n) Σᵢ Lᵢ over the n examples of ``outputs``, so ∂J/∂ŷᵢ = (1/n)·∂Lᵢ/∂ŷᵢ.

    Attributes:
        formula: ∂L/∂``symbol`` for one example, in the loss's symbols, e.g. ``"−y/ŷ + (1−y)/(1−ŷ)"``.
        symbol: what the formula calls an output: ``"ŷ"``, ``"z"`` (a score) or ``"s"``.
        outputs: per example, the Values the loss reads (one, or a list of class scores).
        targets: per example, one target per output (a class index is written one-hot).
        rule: the formula as a function (see ``Rule``), also writing it with the example's numbers.

    Example:
        >>> from autograd import Value
        >>> def rule(outputs, targets, number):
        ...     return [(2 * (p - y), f"2·({number(p)} − {number(y)})") for p, y in zip(outputs, targets)]
        >>> form = ClosedForm("2(ŷ − y)", "ŷ", ((Value(3.0),),), ((1.0,),), rule)
        >>> [(gradient, text) for _, gradient, text in form.gradients(str)]
        [(4.0, '2·(3.0 − 1.0)')]
    """

    formula: str
    symbol: str
    outputs: tuple[tuple[Value, ...], ...]
    targets: tuple[tuple[float, ...], ...]
    rule: Rule

    def gradients(self, number: Callable[[float], str] = repr) -> list[tuple[Value, float, str]]:
        """(output, ∂J/∂output, ∂L/∂output written with the numbers) for every output, J's 1/n included.

        The worked text is per example (before the mean's 1/n); with one example they agree.
        """
        n = len(self.outputs)
        found: list[tuple[Value, float, str]] = []
        for outputs, targets in zip(self.outputs, self.targets):
            worked = self.rule([node.data for node in outputs], targets, number)
            found.extend((node, gradient / n, text) for node, (gradient, text) in zip(outputs, worked))
        return found


class Scope(str):
    """A scope name that also says what the scope is: its heading, its kind, and the roles of its parameters.

    ``nn`` modules and losses open their scopes with one of these, so a drawing
    names nodes from data (``layer 1``, ``w₂₁⁽¹⁾``, ``J``) and never matches
    ``nn``'s wording. It is the ``str`` of its name, so a scope path still reads
    ``('layers.0', 'neurons.1')`` and compares equal to plain names. Immutable.

    Attributes:
        heading: how a reader says it, e.g. ``"neuron 2"`` (default: the name).
        kind: what it is: ``"layer"``, ``"neuron"``, ``"loss"``, or "" for anything else.
        number: its 1-based number among its siblings (the sub- or superscript in names), or None.
        roles: ``(parameter, role, label the module gave it)`` for each parameter it declares,
            role ``"weight"`` (in input order) or ``"bias"``; a label still equal to the given
            one is a default that a drawing may replace with the lecture's name.
        closed_form: a loss's derivative in closed form, or None.

    Example:
        >>> from autograd import Parameter, Value, scope
        >>> w = Parameter(0.5, label="w1")
        >>> with scope(Scope("neurons.1", heading="neuron 2", kind="neuron", number=2, roles=((w, "weight", "w1"),))):
        ...     y = w * Value(3.0)
        >>> y.scope, y.scope[0].heading
        (('neurons.1',), 'neuron 2')
    """

    heading: str
    kind: str
    number: int | None
    roles: tuple[tuple[Value, str, str], ...]
    closed_form: ClosedForm | None

    def __new__(
        cls,
        name: str,
        *,
        heading: str = "",
        kind: str = "",
        number: int | None = None,
        roles: tuple[tuple[Value, str, str], ...] = (),
        closed_form: ClosedForm | None = None,
    ) -> Scope:
        """A scope entry named ``name``, described by the keyword fields."""
        self = super().__new__(cls, name)
        for key, value in (
            ("heading", heading or name),
            ("kind", kind),
            ("number", number),
            ("roles", tuple(roles)),
            ("closed_form", closed_form),
        ):
            object.__setattr__(self, key, value)
        return self

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Scope {str(self)!r} is immutable; build a new Scope to change {name}.")

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, object]]:
        fields = ("heading", "kind", "number", "roles", "closed_form")
        return (str(self),), {key: getattr(self, key) for key in fields}


def describe(entry: str) -> Scope:
    """``entry`` as a ``Scope``: itself, or a plain name with no title, kind or roles declared.

    Example:
        >>> describe("my block").heading, describe("my block").kind
        ('my block', '')
    """
    return entry if isinstance(entry, Scope) else Scope(entry)
