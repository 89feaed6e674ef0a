"""Which node goes in which box of a drawing, and what the box is called.

A drawing groups nodes by their ``autograd.scope`` path: uncollapsed, each
scope is a dashed cluster around its nodes; with ``collapse`` each group is one
box. This module decides the groups and nothing about DOT, so the picture
(``picture.py``) and the trace's neuron-level grouping (``trace.py``) share it:

* a leaf used only inside one scope (a neuron's weights and bias, created in
  ``__init__`` and used in ``__call__``; a loss's constants) belongs to it;
* a network's inputs are never absorbed: they form one input column shared by
  every neuron of the first layer;
* ``collapse="scope"`` groups by the full scope path (one box per neuron and
  one for the loss), ``collapse=k`` by the path cut to ``k`` names (``1``: one
  box per layer).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from autograd.engine.value import Parameter, Value
from autograd.see.naming import consumers_of, scope_title

Collapse = Literal["scope"] | int | None
Key = tuple[str, ...]


@dataclass(frozen=True)
class Box:
    """One collapsed group: a neuron, a layer or a loss drawn as a single box.

    Attributes:
        key: the scope path the box stands for.
        title: how the box is headed, e.g. ``"neuron 2"`` or ``"binary cross-entropy"``.
        members: its nodes, in topological order.
        outputs: members used outside the box (or the root): the rows it shows.
    """

    key: Key
    title: str
    members: tuple[Value, ...]
    outputs: tuple[Value, ...]

    @property
    def n_parameters(self) -> int:
        """How many Parameters are inside."""
        return sum(isinstance(node, Parameter) for node in self.members)


@dataclass(frozen=True)
class Grouping:
    """Where every node of a drawing goes.

    Attributes:
        home: each node's scope path, after leaves joined the one scope that uses them.
        key: each node's box key under the collapse level (``()`` = not in a box).
        boxes: the boxes by key, in the order they were first computed (empty when not collapsed).
        loose: nodes drawn on their own (all of them when not collapsed).
        inputs: the network's inputs, drawn as one column.
        consumers: node → the nodes that use it (once per use).
    """

    home: Mapping[Value, Key]
    key: Mapping[Value, Key]
    boxes: Mapping[Key, Box]
    loose: tuple[Value, ...]
    inputs: tuple[Value, ...]
    consumers: Mapping[Value, list[Value]]


def cut(scope: Key, collapse: Collapse) -> Key:
    """The box key of a scope path: the path itself, cut to ``collapse`` names, or ``()``.

    Example:
        >>> cut(("layers.0", "neurons.1"), "scope"), cut(("layers.0", "neurons.1"), 1), cut(("a",), None)
        (('layers.0', 'neurons.1'), ('layers.0',), ())
    """
    if collapse is None:
        return ()
    return scope if collapse == "scope" else scope[: int(collapse)]


def group_nodes(
    order: Sequence[Value], root: Value, collapse: Collapse, inputs: Sequence[Value] = ()
) -> Grouping:
    """Decide where each node of ``order`` (``topological_order(root)``) goes, grouped as ``collapse`` says.

    The network's ``inputs`` are never absorbed into a box.

    Example:
        >>> import nn
        >>> from autograd.engine.graph import topological_order
        >>> y = nn.MLP(2, [2, 1], seed=0)([1.0, 2.0])
        >>> order = topological_order(y)
        >>> grouping = group_nodes(order, y, "scope", inputs=order[9:11])
        >>> [box.title for box in grouping.boxes.values()], len(grouping.loose)
        (['neuron 1', 'neuron 2', 'neuron 1'], 2)
    """
    consumers = consumers_of(order)
    kept_out = set(inputs)
    home: dict[Value, Key] = {node: node.scope for node in order}
    for node in order:
        users = consumers.get(node, [])
        if node.inputs or node.scope or not users or node in kept_out:
            continue
        if node.label and not isinstance(node, Parameter):
            continue  # a labelled input stays in view
        scopes = {home[user] for user in users}
        if len(scopes) == 1 and () not in scopes:
            home[node] = scopes.pop()
        elif collapse is not None:
            # Used in several scopes that one box holds (collapse=1: a layer's neurons).
            keys = {cut(scope, collapse) for scope in scopes}
            if len(keys) == 1 and () not in keys:
                home[node] = min(scopes)
    key = {node: cut(home[node], collapse) for node in order}
    members: dict[Key, list[Value]] = {}
    for node in order:
        if key[node]:
            members.setdefault(key[node], []).append(node)
    boxes = {}
    for box_key, inside in members.items():
        outputs = tuple(
            node for node in inside if node is root or any(key[user] != box_key for user in consumers.get(node, []))
        )
        boxes[box_key] = Box(box_key, scope_title(box_key[-1]), tuple(inside), outputs)
    loose = tuple(node for node in order if not key[node])
    return Grouping(home, key, boxes, loose, tuple(node for node in order if node in kept_out), consumers)
