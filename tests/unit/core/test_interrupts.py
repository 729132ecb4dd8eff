"""Signals as Interrupted: never half-way through an event, kept while reports are finished."""

from __future__ import annotations

import os
import signal

import pytest

from rqrun import interrupts
from rqrun.errors import Interrupted
from rqrun.events import EventBus, IterationStarted, RunFinished
from rqrun.summary import RunSummary


def test_a_signal_during_an_event_is_raised_after_every_listener_saw_it() -> None:
    bus = EventBus()
    seen: list[str] = []
    bus.subscribe(lambda event: os.kill(os.getpid(), signal.SIGTERM))
    bus.subscribe(lambda event: seen.append("second"))
    with interrupts.handling(), pytest.raises(Interrupted) as info:
        bus.emit(IterationStarted(0))
    assert seen == ["second"]
    assert (info.value.signal_name, info.value.exit_code) == ("SIGTERM", 143)


def test_a_signal_while_the_final_event_is_delivered_is_kept_not_raised() -> None:
    bus = EventBus()
    seen: list[str] = []
    bus.subscribe(lambda event: os.kill(os.getpid(), signal.SIGHUP))
    bus.subscribe(lambda event: seen.append("second"))
    with interrupts.handling():
        bus.emit(RunFinished(RunSummary(), 0, "now", 1.0))
        kept = interrupts.pending()
    assert seen == ["second"]
    assert kept is not None and (kept.signal_name, kept.exit_code) == ("SIGHUP", 129)


def test_handlers_are_restored_afterwards() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with interrupts.handling():
        assert signal.getsignal(signal.SIGTERM) is not before
    assert signal.getsignal(signal.SIGTERM) is before
