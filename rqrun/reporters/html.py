"""The HTML report: one self-contained page, streamed to disk as executions finish.

Each execution's ``<details>`` fragment is rendered when its ``ItemFinished`` arrives and
written to an anonymous temporary file beside the report, so memory does not grow with the
number of requests. The top of the page (summary, failures, filter bar) can only be written
once the totals are known, so :meth:`HtmlReporter.close` writes it to ``PATH.partial``, copies
the streamed fragments after it, adds the closing markup and renames the file into place. A
run that dies half-way still gets a valid page, marked incomplete.

The page has no external resource of any kind (inline CSS, a little inline JS, a CSP that
forbids everything else), so it can be opened offline, from a CI artifact or a mail.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from typing import IO, TYPE_CHECKING

from rqrun._version import __version__
from rqrun.errors import RunError, UsageError
from rqrun.events import ItemFinished, IterationFinished, RunFinished, RunStarted, RunWarning
from rqrun.reporters._common import exit_code_for, item_label, prepare_report_path, utc_now_iso
from rqrun.reporters._html_render import FailureLink, PageInfo, Renderer, status_class
from rqrun.summary import MAX_FAILURES, RunSummary

if TYPE_CHECKING:
    from rqrun.events import EventBus, Execution
    from rqrun.reporters import ReporterContext

__all__ = ["HtmlReporter", "DEFAULT_PATH", "MAX_LISTED_FAILURES", "MAX_WARNINGS"]

DEFAULT_PATH = "rqrun-report.html"
#: Failures listed at the top; the rest are counted (the "failed only" filter shows them all).
MAX_LISTED_FAILURES = MAX_FAILURES
#: Run warnings listed; beyond this they are only counted.
MAX_WARNINGS = 200


class HtmlReporter:
    """Writes the HTML report to ``options["export"]`` (default ``rqrun-report.html``)."""

    name = "html"
    owns_terminal = False

    def __init__(self, bus: EventBus, ctx: ReporterContext) -> None:
        self._ctx = ctx
        self._render = Renderer(ctx.redactor)
        self.path = prepare_report_path(ctx.options, DEFAULT_PATH, "--reporter-html-export")
        self._partial = self.path + ".partial"
        try:
            # Beside the report rather than in /tmp, which may be RAM-backed.
            self._body: IO[str] = tempfile.TemporaryFile(
                "w+", encoding="utf-8", errors="replace", newline="\n",
                dir=os.path.dirname(self.path), prefix=".rqrun-html-",
            )
        except OSError as exc:
            raise UsageError(
                f"cannot write the HTML report to {self.path}: {exc.strerror or exc}",
                hint="check --reporter-html-export",
            ) from exc
        # Our own counters, so that an unfinished run still gets its totals.
        self._summary = RunSummary()
        bus.subscribe(self._summary)
        self._started: RunStarted | None = None
        self._started_clock = time.monotonic()
        self._finished: RunFinished | None = None
        self._count = 0
        self._iterations_completed = 0
        self._status_counts: dict[str, int] = {}
        self._failures: list[FailureLink] = []
        self._failures_total = 0
        self._warnings: list[str] = []
        self._warnings_total = 0
        self._io_error: OSError | None = None
        self._closed = False
        self._written: list[str] = []
        bus.subscribe(self._on_run_started, RunStarted)
        bus.subscribe(self._on_item_finished, ItemFinished)
        bus.subscribe(self._on_iteration_finished, IterationFinished)
        bus.subscribe(self._on_warning, RunWarning)
        bus.subscribe(self._on_run_finished, RunFinished)

    # -- events ------------------------------------------------------------------------------

    def _on_run_started(self, event: RunStarted) -> None:
        self._started = event
        self._started_clock = time.monotonic()
        self._render.iterations = max(1, event.iterations)

    def _on_item_finished(self, event: ItemFinished) -> None:
        ex = event.execution
        self._count += 1
        index = self._count
        status = status_class(ex)
        self._status_counts[status] = self._status_counts.get(status, 0) + 1
        self._note_failures(index, ex)
        text = self._render.execution(index, ex)
        if self._io_error is None and not self._closed:
            try:
                self._body.write(text)
            except OSError as exc:
                self._io_error = exc

    def _on_iteration_finished(self, event: IterationFinished) -> None:
        self._iterations_completed += 1

    def _on_warning(self, event: RunWarning) -> None:
        self._warnings_total += 1
        if len(self._warnings) < MAX_WARNINGS:
            where = ""
            if event.cursor is not None:
                where = item_label(event.cursor.path, event.cursor.iteration, self._render.iterations) + ": "
            self._warnings.append(where + event.message)

    def _on_run_finished(self, event: RunFinished) -> None:
        self._finished = event

    def _note_failures(self, index: int, ex: Execution) -> None:
        """Keep the first failures (bounded) with the index of the execution they link to."""
        label = item_label(ex.cursor.path or (ex.name,), ex.cursor.iteration, self._render.iterations)
        found = [("test", t.name, t.error or "") for t in ex.tests if t.status == "failed"]
        if ex.error is not None:
            found.append((ex.error.type, ex.error.source, ex.error.message))
        for kind, name, message in found:
            self._failures_total += 1
            if len(self._failures) < MAX_LISTED_FAILURES:
                self._failures.append(FailureLink(index, label, kind, name, message))

    # -- closing -----------------------------------------------------------------------------

    def _page_info(self, error: BaseException | None) -> PageInfo:
        finished = self._finished
        summary = finished.summary if finished is not None else self._summary
        if not isinstance(summary, RunSummary):  # a foreign summary: trust our own counters
            summary = self._summary
        started = self._started
        if finished is not None:
            exit_code, aborted, error_text = int(finished.exit_code), finished.aborted, None
        else:
            exc = error if error is not None else sys.exc_info()[1]
            exit_code = exit_code_for(exc, int(summary.exit_code))
            aborted = "interrupted" if isinstance(exc, KeyboardInterrupt) else "error"
            error_text = f"{type(exc).__name__}: {exc}" if exc is not None and aborted == "error" else None
        return PageInfo(
            title=(started.collection_name if started else "") or self._ctx.run_options.collection,
            source=started.source if started else self._ctx.run_options.collection,
            version=__version__,
            started_at=started.started_at if started else "",
            finished_at=finished.finished_at if finished else utc_now_iso(),
            duration_ms=finished.duration_ms if finished else (time.monotonic() - self._started_clock) * 1000.0,
            iterations=started.iterations if started else 0,
            iterations_completed=self._iterations_completed,
            requests_total=summary.requests_total,
            requests_failed=summary.requests_failed,
            tests_total=summary.tests_total,
            tests_passed=summary.tests_passed,
            tests_failed=summary.tests_failed,
            tests_skipped=summary.tests_skipped,
            scripts_total=summary.scripts_total,
            scripts_failed=summary.scripts_failed,
            response_avg_ms=summary.response_time_avg_ms,
            response_max_ms=summary.response_time_max_ms,
            exit_code=exit_code,
            complete=finished is not None,
            aborted=aborted,
            error=error_text,
            failures=self._failures,
            failures_total=self._failures_total,
            warnings=self._warnings,
            warnings_total=self._warnings_total,
            status_counts=dict(self._status_counts),
            executions=self._count,
        )

    def close(self, error: BaseException | None = None) -> list[str]:
        """Write the page and move it into place; returns ``[path]``.

        Safe after an exception (pass it as ``error``, or call from an ``except`` or
        ``finally`` block): the page then says it is incomplete and why. Safe to call twice.
        Raises :class:`RunError` if the file could not be written.
        """
        if self._closed:
            return list(self._written)
        self._closed = True
        info = self._page_info(error)
        try:
            if self._io_error is not None:
                raise self._io_error
            with open(self._partial, "w", encoding="utf-8", errors="replace", newline="\n") as out:
                out.write(self._render.page_head(info))
                self._body.seek(0)
                shutil.copyfileobj(self._body, out)
                out.write(self._render.page_tail(info))
            os.replace(self._partial, self.path)
        except OSError as exc:
            try:
                os.unlink(self._partial)
            except OSError:
                pass
            raise RunError(f"could not write the HTML report {self.path}: {exc.strerror or exc}") from exc
        finally:
            self._body.close()
        self._written = [self.path]
        return list(self._written)
