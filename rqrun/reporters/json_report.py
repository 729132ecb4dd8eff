"""The JSON report of ``spec/cli.md``, streamed to disk as executions finish.

Each execution is serialised on one line and written to ``PATH.partial`` as soon as its
``ItemFinished`` arrives, so memory does not grow with the number of requests and a killed run
leaves every finished execution behind, one per line, for ``rqrun merge-reports`` to recover.
The head also records the run's plan (iterations, requests per iteration) so that a ``.partial``
file describes itself. :meth:`close` closes the arrays, writes the run section (marked
``"complete": false`` if the run died, with the exit code of the failure) and renames the file
into place, so a reader never sees half a report. The ``run`` section comes after the
executions because its totals are known only at the end; JSON readers do not care about order.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rqrun._version import __version__
from rqrun.events import RunStarted, RunWarning
from rqrun.reporters._base import FileReporter, RunOutcome
from rqrun.reporters._common import headers_object

if TYPE_CHECKING:
    from rqrun.events import Execution

__all__ = ["JsonReporter", "DEFAULT_PATH", "MAX_WARNINGS", "EXECUTION_PREFIX"]

DEFAULT_PATH = "rqrun-report.json"
#: Run warnings kept for the report; beyond this they are only counted (memory stays flat).
MAX_WARNINGS = 1000
#: What starts each execution's line (the first one's line ends the ``"executions": [`` line).
EXECUTION_PREFIX = "    "


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


class JsonReporter(FileReporter):
    """Writes the JSON report to ``options["export"]`` (default ``rqrun-report.json``)."""

    name = "json"
    title = "JSON"
    default_path = DEFAULT_PATH

    def __init__(self, bus: Any, ctx: Any) -> None:
        self._head_written = False
        self._warnings: list[dict[str, Any]] = []
        self._warnings_dropped = 0
        super().__init__(bus, ctx)

    # -- streaming ---------------------------------------------------------------------------

    def _head(self) -> str:
        if self._head_written:
            return ""
        self._head_written = True
        started = self.started
        collection = {
            "name": self._redact(started.collection_name) if started else "",
            "source": self._redact(started.source if started else self._ctx.run_options.source),
        }
        plan = {
            "iterations": started.iterations if started else 0,
            "items": started.items if started else 0,
            "started_at": started.started_at if started else "",
        }
        return (
            "{\n"
            f'  "rqrun_version": {_dumps(__version__)},\n'
            f'  "collection": {_dumps(collection)},\n'
            f'  "plan": {_dumps(plan)},\n'
            '  "executions": ['
        )

    def on_started(self, event: RunStarted) -> str:
        return self._head()

    def on_execution(self, ex: Execution) -> str:
        text = _dumps(self.execution_to_dict(ex))
        # One execution per line: a reader of a killed run's .partial file parses line by line.
        return self._head() + ("\n" if self.executions == 1 else ",\n") + EXECUTION_PREFIX + text

    def on_warning(self, event: RunWarning) -> None:
        if len(self._warnings) >= MAX_WARNINGS:
            self._warnings_dropped += 1
            return
        entry: dict[str, Any] = {"message": self._redact(event.message)}
        if event.cursor is not None:
            entry["iteration"] = event.cursor.iteration
            entry["path"] = [self._redact(p) for p in event.cursor.path]
        self._warnings.append(entry)

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
            "scripts": {"run": ex.scripts_run, "failed": ex.scripts_failed},
        }

    def _run_section(self, outcome: RunOutcome) -> dict[str, Any]:
        """The ``run`` object."""
        summary = outcome.summary
        started = self.started
        run: dict[str, Any] = {
            "started_at": started.started_at if started else "",
            "finished_at": outcome.finished_at,
            "duration_ms": round(outcome.duration_ms, 3),
            "iterations": started.iterations if started else 0,
            "iterations_completed": self.iterations_completed,
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
            "exit_code": outcome.exit_code,
            "aborted": self._redact(outcome.aborted) if outcome.aborted else None,
        }
        if outcome.signal:
            run["signal"] = outcome.signal
        if outcome.error:
            run["error"] = self._redact(outcome.error)
        return run

    def finish(self, outcome: RunOutcome) -> None:
        """Close the arrays, write the run section, and move the file into place."""
        summary = outcome.summary
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
        tail = [self._head(), "\n  ]," if self.executions else "],"]
        tail.append(f'\n  "warnings": {_dumps(self._warnings)},')
        if self._warnings_dropped:
            tail.append(f'\n  "warnings_dropped": {self._warnings_dropped},')
        tail.append(f'\n  "failures": {_dumps(failures)},')
        if summary.failures_dropped:
            tail.append(f'\n  "failures_dropped": {summary.failures_dropped},')
        run_text = json.dumps(self._run_section(outcome), ensure_ascii=False, indent=2).replace("\n", "\n  ")
        tail.append(f'\n  "run": {run_text},')
        tail.append(f'\n  "complete": {"true" if outcome.complete else "false"}\n}}\n')
        self._stream.write("".join(tail))
        self._stream.commit()
