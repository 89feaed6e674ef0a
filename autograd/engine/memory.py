"""Graphs and Python's cycle collector.

A glassgrad graph has no reference cycles (a node holds only its inputs), so
reference counting frees it the moment its output goes. Python's cycle
collector does not know that: while a training step builds tens of thousands of
nodes it stops again and again to scan them, looking for cycles that cannot
exist. The collector is left ON for you (it is process-wide, and your own code
may need it); instead a node costs it as little as possible: one tracked object
per unary or binary node (``Value``'s slots, no tuples). Measured on micrograd's
demo step as users write it (MLP(2, [16, 16, 1]), 100 points, ~38,700 nodes):
tracked allocations per node 2.86 → 1.17, collections per step (generations
0/1/2) 144/13/1 → 60/5/0, the step 1.2x faster with the collector on.

Pausing the collector for a step still gives back what remains, and frees
nothing later: there was nothing for it to find. ``nn.fit`` does it for you;
``cycle_collector_paused()`` does it for your own loops.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0  # how many threads are inside cycle_collector_paused() right now
_paused_by_us = False


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector inside the block; reference counting still frees every graph.

    Use it around a hand-written training step (``nn.fit`` already does). Cycles
    your own code creates inside the block are collected after it, as usual. The
    collector is process-wide, so nested and concurrent blocks are counted and
    it restarts when the last one ends (and only if it was running before).

    Example:
        >>> import gc
        >>> from autograd import Value, cycle_collector_paused
        >>> with cycle_collector_paused():
        ...     loss = (Value(2.0) * 3).relu()
        ...     loss.backward()
        ...     gc.isenabled()
        False
        >>> gc.isenabled()
        True
    """
    global _pauses, _paused_by_us
    with _lock:
        if _pauses == 0:
            _paused_by_us = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _paused_by_us:
                gc.enable()
