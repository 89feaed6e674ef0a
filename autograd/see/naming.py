"""Names in the lecture's notation, derived when a graph is drawn or traced.

Training stores no strings: a node keeps only its ``scope`` path and its
place in the graph. ``nn`` modules and losses open their scopes with an
``autograd.Scope``, which declares the scope's heading, kind (``"layer"``,
``"neuron"``, ``"loss"``), index and the roles of its parameters; this module
reads those declarations (never ``nn``'s wording) and the graph's shape, and
names each node as the lecture does:

* the weighted sum of a neuron is ``z``, its activation ``a``, its weights
  ``w`` and its bias ``b``, with the neuron's index as a subscript and the
  layer's as a superscript: ``z₂⁽¹⁾``, ``a₂⁽¹⁾``, ``w₂₁⁽¹⁾`` (neuron 2, input 1);
* the network's inputs are ``x₁, x₂, …`` (or the feature names you give);
* the last layer's activations are ``ŷ`` (the ``z`` of a logits loss, as its
  formula names what it reads); a loss (the root, inside a scope) is
  ``J``, its per-example terms ``L``;
* any other intermediate of such a graph gets a short formula of its operands'
  names (``1 − ŷ``, ``log ŷ``), never an internal id.

A label you set always wins. A name that would appear twice (the same neuron
run on two examples) gets the example's number in brackets: ``x₁[2]``. Graphs
with no ``nn`` structure keep the plain fallback ``v<k>`` of ``node_names``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from autograd.engine.ops import DATA_LEAVES, OPS, Op
from autograd.engine.scopes import Scope, describe
from autograd.engine.value import Parameter, Value

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
SUPERSCRIPTS = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")
MAX_FORMULA = 16
"""Longest derived formula name; longer ones are shortened to ``log(…)`` style."""

_INFIX = {"add", "sub", "mul", "div"}
# The comparisons the batched engine records (its example graphs show them): read as `ŷ > 0`.
_COMPARISONS = frozenset(entry for entry in DATA_LEAVES.values() if entry.form == "infix")
# Ops that a formula name looks through: the clamp in a loss is an implementation detail.
_TRANSPARENT = {"clamp"}


def format_number(x: float, precision: int = 4) -> str:
    """``x`` to ``precision`` significant digits, always recognisable as a float.

    Args:
        x: the number.
        precision: significant digits.

    Returns:
        Text such as ``"0.8808"``, ``"2.0"``, ``"-6.0"``, ``"1e-08"``, ``"inf"``.

    Example:
        >>> format_number(0.8807970779778823), format_number(2), format_number(-0.0), format_number(0.99996)
        ('0.8808', '2.0', '0.0', '0.99996')
    """
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = f"{x + 0.0:.{precision}g}"  # + 0.0 turns -0.0 into 0.0
    # A number that is not whole is not shown as one while a few more digits can tell them apart: a sigmoid's
    # 0.9996 printed "1.0" reads as certainty on a slide, and a weight of 1.9996 as exactly 2.
    digits = precision
    while float(text) == round(x) != x and digits < precision + 3:
        digits += 1
        text = f"{x + 0.0:.{digits}g}"
    if "e" not in text and "." not in text:
        text += ".0"
    return text


def subscript(number: int | str) -> str:
    """``number`` written in subscript digits.

    Example:
        >>> subscript(12), subscript("3")
        ('₁₂', '₃')
    """
    return str(number).translate(SUBSCRIPTS)


def superscript(number: int | str) -> str:
    """``number`` written in superscript digits (brackets included).

    Example:
        >>> superscript("(2)")
        '⁽²⁾'
    """
    return str(number).translate(SUPERSCRIPTS)


def scope_title(name: str) -> str:
    """A scope entry as a reader says it: the title its ``Scope`` declares, else the name itself.

    Example:
        >>> scope_title(Scope("layers.0", heading="layer 1")), scope_title("my block")
        ('layer 1', 'my block')
    """
    return describe(name).heading


def is_loss(node: Value) -> bool:
    """True when ``node`` was computed directly inside a scope that declares itself a loss.

    Example:
        >>> from autograd import scope
        >>> with scope(Scope("mean squared error", kind="loss")):
        ...     J = Value(2.0) * 0.5
        >>> is_loss(J), is_loss(Value(1.0))
        (True, False)
    """
    return bool(node.scope) and describe(node.scope[-1]).kind == "loss"


def declared_roles(order: Sequence[Value]) -> dict[Value, tuple[str, str]]:
    """``parameter → (role, label its module gave it)`` from every ``Scope`` in the graph's paths.

    Example:
        >>> import nn
        >>> from autograd.engine.graph import topological_order
        >>> neuron = nn.Neuron(1, weights=[2.0])
        >>> sorted(declared_roles(topological_order(neuron([1.0]))).values())
        [('bias', 'b'), ('weight', 'w1')]
    """
    roles: dict[Value, tuple[str, str]] = {}
    seen: set[int] = set()
    for node in order:
        for entry in node.scope:
            if isinstance(entry, Scope) and id(entry) not in seen:
                seen.add(id(entry))
                roles.update((parameter, (role, label)) for parameter, role, label in entry.roles)
    return roles


@dataclass(frozen=True)
class Neuron:
    """The nodes of one neuron call, as found in a graph: y = g(Σ wᵢxᵢ + b).

    Attributes:
        z: the weighted sum (one n-ary Σ node).
        a: the activation g(z); ``z`` itself for a linear neuron.
        weights: ``(w, x, product)`` per input, in input order.
        bias: the bias Parameter, or None.
        layer: the layer's number from the scope (1-based), or None.
        index: the neuron's number in its layer (1-based), or None.
    """

    z: Value
    a: Value
    weights: tuple[tuple[Value, Value, Value], ...]
    bias: Value | None
    layer: int | None
    index: int | None

    def indices(self, *more: int) -> str:
        """Subscript and superscript for this neuron, e.g. ``₂₁⁽¹⁾`` for ``more=(1,)``."""
        numbers = [n for n in (self.index, *more) if n is not None]
        wide = any(n >= 10 for n in numbers)
        text = ",".join(subscript(n) for n in numbers) if wide else "".join(subscript(n) for n in numbers)
        if self.layer is not None:
            text += superscript(f"({self.layer})")
        return text


def _scope_index(node: Value, kind: str) -> int | None:
    # The innermost scope of that kind says its number (a neuron inside a layer).
    for entry in reversed(node.scope):
        if isinstance(entry, Scope) and entry.kind == kind:
            return entry.number
    return None


def find_neurons(order: Sequence[Value], consumers: dict[Value, list[Value]]) -> list[Neuron]:
    """Every neuron call in the graph: a Σ of (Parameter × input) products plus an optional bias.

    Args:
        order: the graph's nodes in topological order.
        consumers: node → the nodes that use it.

    Returns:
        The neurons, in the order their sums were computed.

    Example:
        >>> from autograd import Parameter, Value, sum as total
        >>> x, w, b = Value(2.0), Parameter(0.5), Parameter(1.0)
        >>> z = total([w * x, b]); a = z.sigmoid()
        >>> from autograd.engine.graph import topological_order
        >>> [n.a is a for n in find_neurons(topological_order(a), consumers_of(topological_order(a)))]
        [True]
    """
    found = []
    for node in order:
        if node.operation is not OPS["sum"]:
            continue
        weights: list[tuple[Value, Value, Value]] = []
        bias: Value | None = None
        for position, term in enumerate(node.inputs):
            if isinstance(term, Parameter) and position == len(node.inputs) - 1 and weights:
                bias = term
            elif term.operation is OPS["mul"] and isinstance(term.inputs[0], Parameter):
                weights.append((term.inputs[0], term.inputs[1], term))
            else:
                weights = []
                break
        if not weights:
            continue
        users = consumers.get(node, [])
        activation = users[0] if len(users) == 1 and len(users[0].inputs) == 1 else None
        a = activation if activation is not None and activation.scope == node.scope else node
        found.append(Neuron(node, a, tuple(weights), bias, _scope_index(node, "layer"), _scope_index(node, "neuron")))
    return found


def consumers_of(order: Sequence[Value]) -> dict[Value, list[Value]]:
    """Node → the nodes that take it as an input (once per use).

    Example:
        >>> x = Value(1.0); y = x * x
        >>> len(consumers_of([x, y])[x])
        2
    """
    users: dict[Value, list[Value]] = {}
    for node in order:
        for child in node.inputs:
            users.setdefault(child, []).append(node)
    return users


def is_default_label(node: Value, declared: dict[Value, tuple[str, str]]) -> bool:
    """True when ``node``'s label is still the one its module declared giving it: a derived name may replace it.

    Example:
        >>> w = Parameter(1.0, label="w2")
        >>> is_default_label(w, {w: ("weight", "w2")}), is_default_label(w, {w: ("weight", "w1")})
        (True, False)
    """
    role = declared.get(node)
    return role is not None and node.label == role[1]


def lecture_roles(
    order: Sequence[Value], root: Value, feature_names: Sequence[str] = ()
) -> tuple[dict[Value, str], dict[Value, str]]:
    """The lecture's name for every node whose role the graph shows, and each node's role.

    Args:
        order: the graph, ``topological_order(root)``.
        root: its output.
        feature_names: names for the network's inputs, in input order (else x₁, x₂, …).

    Returns:
        ``(names, roles)``: derived names (before making them unique) and roles
        (``"input"``, ``"weight"``, ``"bias"``, ``"z"``, ``"a"``, ``"output"``, ``"loss"``).

    Example:
        >>> import nn
        >>> model = nn.MLP(2, [1], output_activation="sigmoid", seed=0)
        >>> y = model([1.0, 2.0])
        >>> from autograd.engine.graph import topological_order
        >>> sorted(lecture_roles(topological_order(y), y)[0].values())
        ['b₁⁽¹⁾', 'w₁₁⁽¹⁾', 'w₁₂⁽¹⁾', 'x₁', 'x₂', 'z₁⁽¹⁾', 'ŷ']
    """
    consumers = consumers_of(order)
    neurons = find_neurons(order, consumers)
    products = {product for neuron in neurons for _, _, product in neuron.weights}
    names: dict[Value, str] = {}
    roles: dict[Value, str] = {}
    outputs = [n for n in neurons if not any(user in products for user in consumers.get(n.a, []))]
    several_outputs = len({n.index for n in outputs}) > 1
    # A loss names what it reads as its formula does: ŷ, or the score z (s) of a logits (hinge) loss,
    # which is the output neuron's weighted sum itself (no output activation).
    form = describe(root.scope[-1]).closed_form if root.scope else None
    read_as = {node: form.symbol for example in form.outputs for node in example} if form else {}
    for neuron in neurons:
        is_output = neuron in outputs
        for position, (weight, x, product) in enumerate(neuron.weights, start=1):
            names[weight], roles[weight] = f"w{neuron.indices(position)}", "weight"
            if not x.inputs and not isinstance(x, Parameter):
                feature = feature_names[position - 1] if position <= len(feature_names) else f"x{subscript(position)}"
                names[x], roles[x] = feature, "input"
            names[product] = ""  # named by formula once its operands have names
        if neuron.bias is not None:
            names[neuron.bias], roles[neuron.bias] = f"b{neuron.indices()}", "bias"
        if neuron.a is not neuron.z:
            names[neuron.z], roles[neuron.z] = f"z{neuron.indices()}", "z"
        if is_output:
            suffix = subscript(neuron.index) if several_outputs and neuron.index is not None else ""
            letter = read_as.get(neuron.a, "ŷ") if neuron.a is neuron.z else "ŷ"
            names[neuron.a], roles[neuron.a] = f"{letter}{suffix}", "output"
        else:
            names[neuron.a], roles[neuron.a] = f"a{neuron.indices()}", "a"
    if root.scope and root not in roles and (neurons or is_loss(root)):
        names[root], roles[root] = "J", "loss"
        # The mean of a loss is (Σ Lᵢ)·(1/n): name the sum and its per-example terms.
        total = next((x for x in root.inputs if x.operation is OPS["sum"] and x.scope == root.scope), None)
        if total is not None:
            names[total] = "Σ L"
            for term in total.inputs:
                if term not in roles and term.inputs:
                    names[term], roles[term] = "L", "loss term"
    return {node: name for node, name in names.items() if name}, roles


def formula_name(
    node: Value, names: dict[Value, str], precision: int, constants: Collection[Value] = frozenset()
) -> str:
    """A short formula naming an intermediate from its operands' names: ``1 − ŷ``, ``log ŷ``, ``(ŷ − y)²``.

    Example:
        >>> x = Value(0.25); y = (1.0 - x).log()
        >>> formula_name(y, {x: "ŷ", y.inputs[0]: "1 − ŷ"}, 4, constants=set())
        'log(1 − ŷ)'
    """
    operation: Op | None = node.operation
    if operation is None:  # pragma: no cover - only intermediates are named by formula
        return ""

    def operand(x: Value) -> str:
        while x.operation is not None and x.operation.name in _TRANSPARENT:
            x = x.inputs[0]
        if x in constants or (not x.inputs and x not in names):
            return format_number(x.data, precision).removesuffix(".0")
        return names.get(x, "…")

    def wrapped(x: Value) -> str:
        text = operand(x)
        return f"({text})" if " " in text and not _is_call(text) else text

    if operation.name in _TRANSPARENT:
        text = f"{operation.display} {wrapped(node.inputs[0])}"
    elif (operation.name in _INFIX or operation in _COMPARISONS) and len(node.inputs) == 2:
        symbol = "·" if operation.name == "mul" else operation.display
        spacing = "" if symbol == "·" else " "
        text = f"{wrapped(node.inputs[0])}{spacing}{symbol}{spacing}{wrapped(node.inputs[1])}"
    elif operation.name == "pow_constant" and node.constants:
        exponent = node.constants[0]
        power = superscript(int(exponent)) if exponent.is_integer() and exponent >= 0 else f"^{exponent:g}"
        text = f"{wrapped(node.inputs[0])}{power}"
    elif operation.name == "neg":
        text = f"−{wrapped(node.inputs[0])}"
    elif operation.name == "sum":
        text = "Σ " + (wrapped(node.inputs[0]) if len(node.inputs) == 1 else "…")
    else:
        inner = operand(node.inputs[0]) if node.inputs else ""
        bare = " " not in inner and len(node.inputs) == 1
        text = f"{operation.display} {inner}" if bare else f"{operation.display}({inner})"
    return text if len(text) <= MAX_FORMULA else f"{operation.display}(…)"


def _is_call(text: str) -> bool:
    # "log ŷ" or "σ(z)" reads as one factor; "1 − ŷ" needs brackets.
    head, _, rest = text.partition(" ")
    return head.isalpha() and " " not in rest


def names_and_roles(
    order: Sequence[Value], root: Value, precision: int = 4, feature_names: Sequence[str] = ()
) -> tuple[dict[Value, str], dict[Value, str]]:
    """Every node's name (its label, else its lecture name, else a formula, a number or ``v<k>``), and the roles.

    Unique within the graph: derived names that repeat get ``[1]``, ``[2]``, …
    (by the order they were computed), and never take a name a label uses.
    Constants show their number; in a graph with no ``nn`` structure,
    unlabelled intermediates keep the fallback ``v<k>`` (``k`` = position in ``order``).
    The roles are those of ``lecture_roles``: the graph is read once for both.

    Example:
        >>> import nn
        >>> model = nn.MLP(2, [2, 1], output_activation="sigmoid", seed=0)
        >>> loss = nn.binary_cross_entropy([model([1.0, 2.0])], [1])
        >>> from autograd.engine.graph import topological_order
        >>> names, roles = names_and_roles(topological_order(loss), loss)
        >>> names[loss], roles[loss], sorted(n for n in names.values() if n.startswith("a"))
        ('J', 'loss', ['a₁⁽¹⁾', 'a₂⁽¹⁾'])
    """
    lecture, roles = lecture_roles(order, root, feature_names)
    declared = declared_roles(order)
    names: dict[Value, str] = {}
    derived: set[Value] = set()
    for position, node in enumerate(order):
        if node.label and not (node in lecture and is_default_label(node, declared)):
            names[node] = node.label
        elif node in lecture:
            names[node] = lecture[node]
            derived.add(node)
        elif not node.inputs and not isinstance(node, Parameter):
            names[node] = format_number(node.data, precision)
        else:
            names[node] = f"v{position}"
    if not lecture:
        return names, roles
    # Lecture names first (made unique), then formulas built from those final names.
    _unique(order, names, derived)
    constants = {node for node in order if not node.inputs and node not in derived and not node.label}
    formulas = set()
    for node in order:
        if node.inputs and node not in derived and not node.label:
            names[node] = formula_name(node, names, precision, constants)
            formulas.add(node)
    return _unique(order, names, formulas), roles


def _unique(order: Sequence[Value], names: dict[Value, str], derived: set[Value]) -> dict[Value, str]:
    taken = {names[node] for node in order if node not in derived}
    counts = Counter(names[node] for node in order if node in derived)
    seen: dict[str, int] = {}
    for node in order:
        name = names[node]
        if node not in derived or (counts[name] == 1 and name not in taken):
            continue
        seen[name] = seen.get(name, 0) + 1
        candidate = f"{name}[{seen[name]}]"
        while candidate in taken:
            seen[name] += 1
            candidate = f"{name}[{seen[name]}]"
        names[node] = candidate
        taken.add(candidate)
    return names
