"""The JSON report of ``spec/cli.md``, streamed to disk as executions finish.

Each execution is serialised and written as soon as its ``ItemFinished`` arrives, so memory
does not grow with the number of requests. The file is written as ``PATH.partial`` and renamed
only once it is complete valid JSON, so a reader never sees half a report. If the run dies
half-way, :meth:`JsonReporter.close` still closes the arrays and writes the run section, marked
``"complete": false``, with the exit code of the failure. The ``run`` section comes after the
executions because its totals are known only at the end; JSON readers do not care about order.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import TYPE_CHECKING, Any

from rqrun._version import __version__
from rqrun.errors import RunError, UsageError
from rqrun.events import (
    Execution,
    ItemFinished,
    IterationFinished,
    RunFinished,
    RunStarted,
    RunWarning,
)
from rqrun.reporters._common import exit_code_for, headers_object, prepare_report_path, utc_now_iso
from rqrun.summary import RunSummary

if TYPE_CHECKING:
    from rqrun.events import EventBus
    from rqrun.reporters import ReporterContext

__all__ = ["JsonReporter", "DEFAULT_PATH", "MAX_WARNINGS"]

DEFAULT_PATH = "rqrun-report.json"
#: Run warnings kept for the report; beyond this they are only counted (memory stays flat).
MAX_WARNINGS = 1000


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


class JsonReporter:
    """Writes the JSON report to ``options["export"]`` (default ``rqrun-report.json``)."""

    name = "json"
    owns_terminal = False

    def __init__(self, bus: EventBus, ctx: ReporterContext) -> None:
        self._ctx = ctx
        self._redactor = ctx.redactor
        self._redact = ctx.redactor.redact
        self.path = prepare_report_path(ctx.options, DEFAULT_PATH, "--reporter-json-export")
        self._partial = self.path + ".partial"
        try:
            # errors="replace": a lone surrogate from a badly decoded body must not kill the report.
            self._file = open(self._partial, "w", encoding="utf-8", errors="replace", newline="\n")
        except OSError as exc:
            raise UsageError(
                f"cannot write the JSON report to {self.path}: {exc.strerror or exc}",
                hint="check --reporter-json-export",
            ) from exc
        # Our own counters, so that an unfinished run still gets its stats and failures.
        self._summary = RunSummary()
        bus.subscribe(self._summary)
        self._started: RunStarted | None = None
        self._started_clock = time.monotonic()
        self._finished: RunFinished | None = None
        self._head_written = False
        self._count = 0
        self._iterations_completed = 0
        self._warnings: list[dict[str, Any]] = []
        self._warnings_dropped = 0
        self._io_error: OSError | None = None
        self._closed = False
        self._written: list[str] = []
        bus.subscribe(self._on_run_started, RunStarted)
        bus.subscribe(self._on_item_finished, ItemFinished)
        bus.subscribe(self._on_iteration_finished, IterationFinished)
        bus.subscribe(self._on_warning, RunWarning)
        bus.subscribe(self._on_run_finished, RunFinished)

    # -- writing -----------------------------------------------------------------------------

    def _emit(self, text: str) -> None:
        """Write, remembering the first I/O error instead of raising into the runner."""
        if self._io_error is not None or self._closed:
            return
        try:
            self._file.write(text)
        except OSError as exc:
            self._io_error = exc

    def _write_head(self) -> None:
        if self._head_written:
            return
        self._head_written = True
        started = self._started
        collection = {
            "name": self._redact(started.collection_name) if started else "",
            "source": self._redact(started.source if started else self._ctx.run_options.collection),
        }
        self._emit(
            "{\n"
            f'  "rqrun_version": {_dumps(__version__)},\n'
            f'  "collection": {_dumps(collection)},\n'
            '  "executions": ['
        )

    # -- events ------------------------------------------------------------------------------

    def _on_run_started(self, event: RunStarted) -> None:
        self._started = event
        self._started_clock = time.monotonic()
        self._write_head()

    def _on_item_finished(self, event: ItemFinished) -> None:
        self._write_head()
        text = _dumps(self.execution_to_dict(event.execution))
        self._emit(("\n    " if self._count == 0 else ",\n    ") + text)
        self._count += 1

    def _on_iteration_finished(self, event: IterationFinished) -> None:
        self._iterations_completed += 1

    def _on_warning(self, event: RunWarning) -> None:
        if len(self._warnings) >= MAX_WARNINGS:
            self._warnings_dropped += 1
            return
        entry: dict[str, Any] = {"message": self._redact(event.message)}
        if event.cursor is not None:
            entry["iteration"] = event.cursor.iteration
            entry["path"] = [self._redact(p) for p in event.cursor.path]
        self._warnings.append(entry)

    def _on_run_finished(self, event: RunFinished) -> None:
        self._finished = event

    # -- serialisation -----------------------------------------------------------------------

    def execution_to_dict(self, ex: Execution) -> dict[str, Any]:
        """One entry of ``executions[]``, every string redacted, sensitive headers masked."""
        r = self._redact
        request: dict[str, Any] | None = None
        if ex.request is not None:
            request = {
                "method": r(ex.request.method),
                "url": r(ex.request.url),
                "headers": headers_object(ex.request.headers, self._redactor),
            }
            if ex.request.body is not None:
                request["body"] = r(ex.request.body)
        response: dict[str, Any] | None = None
        if ex.response is not None:
            resp = ex.response
            response = {
                "code": resp.code,
                "status": r(resp.status),
                "headers": headers_object(resp.headers, self._redactor),
                "time_ms": round(resp.time_ms, 3),
                "size": resp.size,
                "body": r(resp.body),
                "http_version": resp.http_version,
            }
        return {
            "iteration": ex.cursor.iteration,
            "item": {
                "id": r(ex.cursor.item_id),
                "name": r(ex.name),
                "path": [r(p) for p in ex.cursor.path],
            },
            "request": request,
            "response": response,
            "tests": [
                {
                    "name": r(t.name),
                    "status": t.status,
                    "error": r(t.error) if t.error is not None else None,
                    "source": t.source,
                }
                for t in ex.tests
            ],
            "console": [r(line) for line in ex.console],
            "error": self._redactor.redact_obj(ex.error.to_dict()) if ex.error is not None else None,
            "warnings": [r(w) for w in ex.warnings],
            "attempts": ex.attempts,
        }

    def _run_section(self, error: BaseException | None) -> tuple[dict[str, Any], list[Any], int]:
        """The ``run`` object, the failures and the count of dropped ones."""
        finished = self._finished
        summary: RunSummary = finished.summary if finished is not None else self._summary
        if not isinstance(summary, RunSummary):  # a foreign summary: trust our own counters
            summary = self._summary
        started = self._started
        run: dict[str, Any] = {
            "started_at": started.started_at if started else "",
            "finished_at": finished.finished_at if finished else utc_now_iso(),
            "duration_ms": round(
                finished.duration_ms if finished else (time.monotonic() - self._started_clock) * 1000.0, 3
            ),
            "iterations": started.iterations if started else 0,
            "iterations_completed": self._iterations_completed,
            "stats": {
                "requests": {"total": summary.requests_total, "failed": summary.requests_failed},
                "tests": {
                    "total": summary.tests_total,
                    "passed": summary.tests_passed,
                    "failed": summary.tests_failed,
                    "skipped": summary.tests_skipped,
                },
                "scripts": {"total": summary.scripts_total, "failed": summary.scripts_failed},
            },
            "timings": {
                "response_avg_ms": round(summary.response_time_avg_ms, 3),
                "response_max_ms": round(summary.response_time_max_ms, 3),
            },
        }
        if finished is not None:
            run["exit_code"] = int(finished.exit_code)
            run["aborted"] = self._redact(finished.aborted) if finished.aborted else None
        else:
            exc = error if error is not None else sys.exc_info()[1]
            run["exit_code"] = exit_code_for(exc, int(summary.exit_code))
            run["aborted"] = "interrupted" if isinstance(exc, KeyboardInterrupt) else "error"
            if exc is not None and not isinstance(exc, KeyboardInterrupt):
                run["error"] = self._redact(f"{type(exc).__name__}: {exc}")
        failures = [
            {
                "iteration": f.iteration,
                "path": [self._redact(p) for p in f.path],
                "kind": f.kind,
                "name": self._redact(f.name),
                "message": self._redact(f.message),
            }
            for f in summary.failures
        ]
        return run, failures, summary.failures_dropped

    def close(self, error: BaseException | None = None) -> list[str]:
        """Finish the file and move it into place; returns ``[path]``.

        Safe to call after an exception (pass it as ``error``, or call from an ``except`` or
        ``finally`` block): the report is then marked ``"complete": false``. Safe to call twice.
        Raises :class:`RunError` if the file could not be written.
        """
        if self._closed:
            return list(self._written)
        self._write_head()
        run, failures, dropped = self._run_section(error)
        tail = ["\n  ]," if self._count else "],"]
        tail.append(f'\n  "warnings": {_dumps(self._warnings)},')
        if self._warnings_dropped:
            tail.append(f'\n  "warnings_dropped": {self._warnings_dropped},')
        tail.append(f'\n  "failures": {_dumps(failures)},')
        if dropped:
            tail.append(f'\n  "failures_dropped": {dropped},')
        run_text = json.dumps(run, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        tail.append(f'\n  "run": {run_text},')
        tail.append(f'\n  "complete": {"true" if self._finished is not None else "false"}\n}}\n')
        self._emit("".join(tail))
        self._closed = True
        try:
            self._file.close()
        except OSError as exc:
            self._io_error = self._io_error or exc
        if self._io_error is not None:
            try:
                os.unlink(self._partial)
            except OSError:
                pass
            raise RunError(
                f"could not write the JSON report {self.path}: {self._io_error.strerror or self._io_error}"
            ) from self._io_error
        try:
            os.replace(self._partial, self.path)
        except OSError as exc:
            raise RunError(f"could not write the JSON report {self.path}: {exc.strerror or exc}") from exc
        self._written = [self.path]
        return list(self._written)
