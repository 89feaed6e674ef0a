import gc
import threading

import pytest
from alive import alive, mark

from autograd import DomainError, Value, cycle_collector_paused


@pytest.fixture(autouse=True)
def _collector_restored():
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_paused_inside_and_running_after():
    gc.enable()
    with cycle_collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_pauses_restart_the_collector_only_at_the_outermost_exit():
    gc.enable()
    with cycle_collector_paused():
        with cycle_collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_the_user_had_disabled_stays_disabled():
    gc.disable()
    with cycle_collector_paused():
        pass
    assert not gc.isenabled()


def test_the_collector_restarts_when_the_block_raises():
    gc.enable()
    with pytest.raises(DomainError), cycle_collector_paused():
        Value(1.0) / Value(0.0)
    assert gc.isenabled()


def test_concurrent_pauses_keep_it_paused_until_the_last_thread_leaves():
    gc.enable()
    inside, release = threading.Event(), threading.Event()

    def other_thread() -> None:
        with cycle_collector_paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other_thread)
    with cycle_collector_paused():
        thread.start()
        inside.wait(5)
    assert not gc.isenabled()  # the other thread is still inside its block
    release.set()
    thread.join(5)
    assert gc.isenabled()


def test_graphs_built_while_paused_are_freed_by_reference_counting():
    with cycle_collector_paused():
        x = Value(2.0)
        loss = (x * x + 1).tanh()
        loss.backward()
        token = mark([loss.inputs[0]])
        del loss
        assert alive(token) == 0
