"""The HTML report: one self-contained page, streamed to disk as executions finish.

Each execution's ``<details>`` fragment is rendered when its ``ItemFinished`` arrives and
streamed to ``PATH.partial`` (see :mod:`rqrun.reporters._base`), so memory does not grow with
the number of requests. The top of the page (summary, failures, filter bar) can only be written
once the totals are known, so :meth:`HtmlReporter.finish` writes it, copies the streamed
fragments after it and adds the closing markup, atomically. A run that dies half-way still gets
a valid page, marked incomplete.

The page has no external resource of any kind (inline CSS, a little inline JS, a CSP that
forbids everything else), so it can be opened offline, from a CI artifact or a mail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rqrun._version import __version__
from rqrun.atomic import atomic_write
from rqrun.events import RunStarted, RunWarning
from rqrun.reporters._base import FileReporter, RunOutcome, stop_reason
from rqrun.reporters._common import item_label
from rqrun.reporters._html_render import FailureLink, PageInfo, Renderer, status_class
from rqrun.summary import MAX_FAILURES

if TYPE_CHECKING:
    from rqrun.events import Execution

__all__ = ["HtmlReporter", "DEFAULT_PATH", "MAX_LISTED_FAILURES", "MAX_WARNINGS"]

DEFAULT_PATH = "rqrun-report.html"
#: Failures listed at the top; the rest are counted (the "failed only" filter shows them all).
MAX_LISTED_FAILURES = MAX_FAILURES
#: Run warnings listed; beyond this they are only counted.
MAX_WARNINGS = 200


class HtmlReporter(FileReporter):
    """Writes the HTML report to ``options["export"]`` (default ``rqrun-report.html``)."""

    name = "html"
    title = "HTML"
    default_path = DEFAULT_PATH

    def __init__(self, bus: Any, ctx: Any) -> None:
        self._render = Renderer(ctx.redactor)
        self._status_counts: dict[str, int] = {}
        self._failures: list[FailureLink] = []
        self._failures_total = 0
        self._warnings: list[str] = []
        self._warnings_total = 0
        super().__init__(bus, ctx)

    # -- events ------------------------------------------------------------------------------

    def on_started(self, event: RunStarted) -> str:
        self._render.iterations = max(1, event.iterations)
        return ""

    def on_execution(self, ex: Execution) -> str:
        index = self.executions
        status = status_class(ex)
        self._status_counts[status] = self._status_counts.get(status, 0) + 1
        self._note_failures(index, ex)
        return self._render.execution(index, ex)

    def on_warning(self, event: RunWarning) -> None:
        self._warnings_total += 1
        if len(self._warnings) < MAX_WARNINGS:
            where = ""
            if event.cursor is not None:
                where = item_label(event.cursor.path, event.cursor.iteration, self._render.iterations) + ": "
            self._warnings.append(where + event.message)

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

    def _page_info(self, outcome: RunOutcome) -> PageInfo:
        summary = outcome.summary
        started = self.started
        return PageInfo(
            title=(started.collection_name if started else "") or self._ctx.run_options.source,
            source=started.source if started else self._ctx.run_options.source,
            version=__version__,
            started_at=started.started_at if started else "",
            finished_at=outcome.finished_at,
            duration_ms=outcome.duration_ms,
            iterations=started.iterations if started else 0,
            iterations_completed=self.iterations_completed,
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
            exit_code=outcome.exit_code,
            complete=outcome.complete,
            aborted=stop_reason(outcome),
            error=outcome.error,
            failures=self._failures,
            failures_total=self._failures_total,
            warnings=self._warnings,
            warnings_total=self._warnings_total,
            status_counts=dict(self._status_counts),
            executions=self.executions,
        )

    def finish(self, outcome: RunOutcome) -> None:
        """The page: its top (now that totals are known), the streamed fragments, its end."""
        info = self._page_info(outcome)
        with atomic_write(self.path, errors="replace") as out:
            out.write(self._render.page_head(info))
            self.copy_stream_into(out)
            out.write(self._render.page_tail(info))
        self._stream.discard()
