"""What every report file has in common: where it goes, how it streams, how it ends.

A file reporter streams one piece per finished execution into ``PATH.partial`` and hands each
piece to the OS at once (a flush, no fsync: it costs a system call, and a killed process loses
nothing the OS already has). So after ``kill -9`` the ``.partial`` files hold every execution
that finished; the JSON one is what ``rqrun merge-reports`` reads back. :meth:`close` then
writes the whole report through :mod:`rqrun.atomic` and removes the ``.partial`` file, shielded
from SIGTERM/SIGHUP/SIGINT so that a second signal cannot cut the report in half.

Totals come from the run's one :class:`RunSummary`, which ``RunStarted`` and ``RunFinished``
carry; a reporter counts nothing the summary already counts.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, ClassVar

from rqrun.atomic import AtomicFile
from rqrun.errors import RunError, UsageError
from rqrun.events import (
    ItemFinished,
    IterationFinished,
    RunFinished,
    RunStarted,
    RunWarning,
)
from rqrun.interrupts import describe, shielded
from rqrun.reporters._common import exit_code_for, prepare_report_path, utc_now_iso
from rqrun.summary import RunSummary

if TYPE_CHECKING:
    from rqrun.events import EventBus, Execution
    from rqrun.reporters import ReporterContext

__all__ = ["FileReporter", "RunOutcome", "stop_reason"]


@dataclass(frozen=True)
class RunOutcome:
    """How the run ended, as every report states it."""

    summary: RunSummary
    complete: bool  # RunFinished arrived: the report is whole
    exit_code: int
    aborted: str | None  # bail, timeout, interrupted, error
    signal: str | None  # SIGINT, SIGTERM, SIGHUP when interrupted
    error: str | None  # the exception of a run that crashed
    finished_at: str
    duration_ms: float


def stop_reason(outcome: RunOutcome) -> str | None:
    """``interrupted by SIGTERM``, ``bail``, ...: the words a reader sees, or None."""
    if outcome.aborted is None:
        return None
    if outcome.aborted == "interrupted" and outcome.signal:
        return f"interrupted by {outcome.signal}"
    return outcome.aborted


class FileReporter:
    """Base of the JSON, JUnit and HTML reporters; subclasses fill in the format hooks."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""  # "JSON", for messages
    default_path: ClassVar[str] = ""
    owns_terminal = False

    def __init__(self, bus: EventBus, ctx: ReporterContext) -> None:
        self._ctx = ctx
        self._bus = bus
        self._redactor = ctx.redactor
        self._redact = ctx.redactor.redact
        self.flag = f"--reporter-{self.name}-export"
        self.path = prepare_report_path(ctx.options, self.default_path, self.flag)
        self.partial_path = self.path + ".partial"
        try:
            # errors="replace": a lone surrogate from a badly decoded body must not kill the report.
            self._stream = AtomicFile(self.path, temp_path=self.partial_path, errors="replace")
        except OSError as exc:
            raise UsageError(
                f"cannot write the {self.title} report to {self.path}: {exc.strerror or exc}", hint=f"check {self.flag}"
            ) from exc
        self._started: RunStarted | None = None
        self._finished: RunFinished | None = None
        self._own_summary: RunSummary | None = None
        self._started_clock = time.monotonic()
        self.executions = 0
        self.iterations_completed = 0
        self._io_error: OSError | None = None
        self._closed = False
        self._written: list[str] = []
        bus.subscribe(self._on_event)

    # -- events ------------------------------------------------------------------------------

    def _on_event(self, event: object) -> None:
        if isinstance(event, ItemFinished):
            self.executions += 1
            self.stream(self.on_execution(event.execution))
        elif isinstance(event, RunStarted):
            self._started = event
            self._started_clock = time.monotonic()
            if not isinstance(event.summary, RunSummary):  # events played by hand: count ourselves
                self._own_summary = RunSummary()
                self._own_summary(event)
                self._bus.subscribe(self._own_summary)
            self.stream(self.on_started(event))
        elif isinstance(event, IterationFinished):
            self.iterations_completed += 1
        elif isinstance(event, RunWarning):
            self.on_warning(event)
        elif isinstance(event, RunFinished):
            self._finished = event

    def on_started(self, event: RunStarted) -> str:
        """Text to stream when the run starts."""
        return ""

    def on_execution(self, ex: Execution) -> str:
        """Text to stream for one finished execution."""
        raise NotImplementedError

    def on_warning(self, event: RunWarning) -> None:
        """Keep a run warning (bounded) for the report."""

    def stream(self, text: str) -> None:
        """Append to ``PATH.partial`` and hand it to the OS; the first I/O error is kept for close."""
        if not text or self._io_error is not None or self._closed:
            return
        try:
            self._stream.write(text)
            self._stream.flush()
        except OSError as exc:
            self._io_error = exc

    # -- the end -----------------------------------------------------------------------------

    @property
    def started(self) -> RunStarted | None:
        return self._started

    @property
    def summary(self) -> RunSummary:
        """The run's summary: the final event's, else the live one RunStarted carried."""
        for candidate in (
            self._finished.summary if self._finished else None,
            self._started.summary if self._started else None,
            self._own_summary,
        ):
            if isinstance(candidate, RunSummary):
                return candidate
        return RunSummary()

    def outcome(self, error: BaseException | None = None) -> RunOutcome:
        summary = self.summary
        finished = self._finished
        if finished is not None:
            return RunOutcome(
                summary, True, int(finished.exit_code), finished.aborted, finished.signal, None,
                finished.finished_at, finished.duration_ms,
            )
        exc = error if error is not None else sys.exc_info()[1]
        interrupt = describe(exc)
        return RunOutcome(
            summary,
            False,
            exit_code_for(exc, int(summary.exit_code)),
            "interrupted" if interrupt else "error",
            interrupt[0] if interrupt else None,
            f"{type(exc).__name__}: {exc}" if exc is not None and interrupt is None else None,
            utc_now_iso(),
            (time.monotonic() - self._started_clock) * 1000.0,
        )

    def finish(self, outcome: RunOutcome) -> None:
        """Write the whole report to ``self.path`` (atomically); ``self._stream`` holds the pieces."""
        raise NotImplementedError

    def close(self, error: BaseException | None = None) -> list[str]:
        """Finish the report and return ``[path]``; safe after an exception and safe twice.

        After an exception (pass it as ``error``, or call from an ``except`` or ``finally``
        block) the report says the run did not finish and why. Raises :class:`RunError` if the
        file cannot be written.
        """
        if self._closed:
            return list(self._written)
        outcome = self.outcome(error)
        self._closed = True
        with shielded():
            try:
                if self._io_error is not None:
                    raise self._io_error
                self.finish(outcome)
            except OSError as exc:
                self._stream.discard()
                raise RunError(
                    f"could not write the {self.title} report {self.path}: {exc.strerror or exc}"
                ) from exc
        self._written = [self.path]
        return list(self._written)

    def copy_stream_into(self, out: IO[str]) -> None:
        """Copy what was streamed to ``out`` (a text file)."""
        import shutil

        self._stream.flush()
        with open(self.partial_path, encoding="utf-8", errors="replace", newline="\n") as pieces:
            shutil.copyfileobj(pieces, out)
