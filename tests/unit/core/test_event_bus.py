"""The event bus: a listener that raises is said, not swallowed, and the others go on."""

from __future__ import annotations

from rqrun.events import EventBus, IterationStarted, RunWarning
from rqrun.summary import RunSummary


class _Broken:
    name = "broken"

    def on_event(self, event: object) -> None:
        raise ValueError("no")


def test_a_failing_listener_becomes_one_run_warning_and_is_unsubscribed() -> None:
    bus = EventBus()
    summary = RunSummary()
    seen: list[object] = []
    bus.subscribe(summary)
    bus.subscribe(_Broken().on_event)
    bus.subscribe(seen.append)
    bus.emit(IterationStarted(0))
    bus.emit(IterationStarted(1))
    message = "reporter 'broken' failed on IterationStarted (ValueError: no) and gets no further events"
    warnings = [e for e in seen if isinstance(e, RunWarning)]
    assert warnings == [RunWarning(message, kind="listener")]
    assert [e for e in seen if isinstance(e, IterationStarted)] == [IterationStarted(0), IterationStarted(1)]
    assert summary.warnings == 1 and summary.listener_failures == [message]
    assert bus.listener_errors == [message]
