"""Which nodes are still in memory: a Value takes no weak reference (a slot saved), so tests mark and count.

Nodes are marked through the attribute any code may attach to a node, then
counted among the objects Python's cycle collector tracks (every Value is one);
the mark itself keeps nothing alive.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable

from autograd import Value


def mark(nodes: Iterable[Value]) -> object:
    """Tag ``nodes`` with a fresh token and return it, to count them later with ``alive``."""
    token = object()
    for node in nodes:
        node._test_alive_mark = token  # type: ignore[attr-defined]
    return token


def alive(token: object) -> int:
    """How many Values marked with ``token`` are still in memory."""
    # issubclass(type(o)), not isinstance(o): isinstance reads o.__class__, which some modules' objects
    # answer with a deprecation warning (torch.distributed.reduce_op).
    return sum(
        1 for o in gc.get_objects() if issubclass(type(o), Value) and getattr(o, "_test_alive_mark", None) is token
    )
