"""The cycle collector pause around an import's steps is always undone, and leaves alone a pause
someone else made."""

import gc

import pytest

from portal.hr.bulk import collector_paused


def test_the_collector_is_paused_inside_and_back_on_after():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_turns_it_back_on():
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("disk full")
    assert gc.isenabled()


def test_a_pause_made_elsewhere_is_left_as_it_is():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_as_a_decorator_each_call_pauses_it():
    @collector_paused()
    def step():
        return gc.isenabled()

    assert step() is False and step() is False
    assert gc.isenabled()
