"""The JUnit XML report: one ``<testsuite>`` per executed request, one ``<testcase>`` per test.

Suites are streamed to an anonymous temporary file beside the report as requests finish (memory
stays flat); at the end the root ``<testsuites>`` element, whose totals are only known then, is
written to ``PATH.partial`` followed by the suites, and the file is renamed into place. Text is
escaped by hand, with the characters XML 1.0 forbids removed, because CI parsers reject a whole
report for one stray control character from a response body.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import datetime, timezone
from typing import IO, TYPE_CHECKING

from rqrun.errors import RunError, UsageError
from rqrun.events import Execution, ItemFinished, ItemStarted, RunFinished, RunStarted
from rqrun.redact import xml_safe
from rqrun.reporters._common import item_label, prepare_report_path

if TYPE_CHECKING:
    from rqrun.events import EventBus
    from rqrun.reporters import ReporterContext

__all__ = ["JunitReporter", "DEFAULT_PATH", "xml_text", "xml_attr"]

DEFAULT_PATH = "rqrun-report.xml"
#: Longest ``message`` attribute; the full text goes in the element body.
MAX_MESSAGE = 2000


def xml_text(value: str) -> str:
    """``value`` as element content: forbidden characters removed, markup escaped.

    ``>`` is escaped too, so ``]]>`` can never appear in the output.
    """
    value = xml_safe(value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attr(value: str) -> str:
    """``value`` as a double-quoted attribute value; whitespace kept as character references."""
    return (
        xml_text(value)
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


def _timestamp(epoch: float) -> str:
    # The JUnit schema's timestamp carries no zone; these are UTC.
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def _seconds(ms: float) -> str:
    return f"{max(ms, 0.0) / 1000.0:.3f}"


class JunitReporter:
    """Writes JUnit XML to ``options["export"]`` (default ``rqrun-report.xml``)."""

    name = "junit"
    owns_terminal = False

    def __init__(self, bus: EventBus, ctx: ReporterContext) -> None:
        self._ctx = ctx
        self._redact = ctx.redactor.redact
        self.path = prepare_report_path(ctx.options, DEFAULT_PATH, "--reporter-junit-export")
        self._partial = self.path + ".partial"
        try:
            # Beside the report rather than in /tmp, which may be RAM-backed.
            self._suites: IO[str] = tempfile.TemporaryFile(
                "w+", encoding="utf-8", newline="\n", dir=os.path.dirname(self.path), prefix=".rqrun-junit-"
            )
        except OSError as exc:
            raise UsageError(
                f"cannot write the JUnit report to {self.path}: {exc.strerror or exc}",
                hint="check --reporter-junit-export",
            ) from exc
        self._name = ""
        self._iterations = 1
        self._started_clock = time.monotonic()
        self._item_started = time.time()
        self._totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        self._time_ms = 0.0
        self._finished: RunFinished | None = None
        self._io_error: OSError | None = None
        self._closed = False
        self._written: list[str] = []
        bus.subscribe(self._on_run_started, RunStarted)
        bus.subscribe(self._on_item_started, ItemStarted)
        bus.subscribe(self._on_item_finished, ItemFinished)
        bus.subscribe(self._on_run_finished, RunFinished)

    def _shape(self, value: object) -> str:
        """Redacted, stripped of what XML forbids, and redacted again if that changed it.

        Escaping adds nothing a secret could match, so this is the text the report holds.
        """
        text = self._redact(str(value))
        shaped = xml_safe(text)
        return self._redact(shaped) if shaped != text else text

    def _t(self, value: object) -> str:
        return xml_text(self._shape(value))

    def _a(self, value: object) -> str:
        return xml_attr(self._shape(value))

    # -- events ------------------------------------------------------------------------------

    def _on_run_started(self, event: RunStarted) -> None:
        self._name = event.collection_name or event.source
        self._iterations = max(1, event.iterations)
        self._started_clock = time.monotonic()

    def _on_item_started(self, event: ItemStarted) -> None:
        self._item_started = time.time()

    def _on_run_finished(self, event: RunFinished) -> None:
        self._finished = event

    def _on_item_finished(self, event: ItemFinished) -> None:
        text = self.suite_xml(event.execution, self._item_started)
        if self._io_error is None and not self._closed:
            try:
                self._suites.write(text)
            except OSError as exc:
                self._io_error = exc

    # -- serialisation -----------------------------------------------------------------------

    def suite_xml(self, ex: Execution, started: float) -> str:
        """The ``<testsuite>`` element of one execution; also adds it to the root totals."""
        classname = self._a(" / ".join(ex.cursor.path) or ex.name)
        cases: list[str] = []
        failures = skipped = errors = 0
        for test in ex.tests:
            head = f'    <testcase classname="{classname}" name="{self._a(test.name)}"'
            if test.status == "passed":
                cases.append(head + "/>")
            elif test.status == "skipped":
                skipped += 1
                cases.append(head + "><skipped/></testcase>")
            else:
                failures += 1
                message = self._shape(test.error or "failed")
                cases.append(
                    f'{head}><failure message="{xml_attr(message[:MAX_MESSAGE])}" type="AssertionError">'
                    f"{xml_text(message)}</failure></testcase>"
                )
        if ex.error is not None:
            errors = 1
            err = ex.error
            label = f"{err.type} error" if err.source == err.type else f"{err.type} error ({err.source})"
            message = self._shape(err.message)
            detail = message if err.line is None else f"{message}\nline {err.line}"
            cases.append(
                f'    <testcase classname="{classname}" name="{self._a(label)}">'
                f'<error type="{self._a(err.type)}" message="{xml_attr(message[:MAX_MESSAGE])}">'
                f"{xml_text(detail)}</error></testcase>"
            )
        time_ms = ex.response.time_ms if ex.response is not None else 0.0
        name = item_label(ex.cursor.path or (ex.name,), ex.cursor.iteration, self._iterations)
        attrs = (
            f'name="{self._a(name)}" tests="{len(cases)}" failures="{failures}" errors="{errors}" '
            f'skipped="{skipped}" time="{_seconds(time_ms)}" timestamp="{_timestamp(started)}"'
        )
        parts = [f"  <testsuite {attrs}>"]
        if ex.request is not None:
            parts.append("    <properties>")
            parts.append(f'      <property name="method" value="{self._a(ex.request.method)}"/>')
            parts.append(f'      <property name="url" value="{self._a(ex.request.url)}"/>')
            if ex.response is not None:
                parts.append(f'      <property name="status" value="{ex.response.code}"/>')
            parts.append("    </properties>")
        parts.extend(cases)
        if ex.console:
            parts.append(f"    <system-out>{self._t(chr(10).join(ex.console))}</system-out>")
        if ex.warnings:
            parts.append(f"    <system-err>{self._t(chr(10).join(ex.warnings))}</system-err>")
        parts.append("  </testsuite>\n")
        totals = self._totals
        totals["tests"] += len(cases)
        totals["failures"] += failures
        totals["errors"] += errors
        totals["skipped"] += skipped
        self._time_ms += time_ms
        return "\n".join(parts)

    # -- closing -----------------------------------------------------------------------------

    def close(self, error: BaseException | None = None) -> list[str]:
        """Write the root element and the suites to the report; returns ``[path]``.

        Safe after an exception (the report then says in a comment that the run did not
        finish) and safe to call twice. ``error`` is accepted, as by the JSON reporter, so a
        caller can close all alike. Raises :class:`RunError` if the file cannot be written.
        """
        if self._closed:
            return list(self._written)
        self._closed = True
        finished = self._finished
        duration_ms = finished.duration_ms if finished else (time.monotonic() - self._started_clock) * 1000.0
        t = self._totals
        root = (
            f'<testsuites name="{self._a(self._name or self._ctx.run_options.collection)}" '
            f'tests="{t["tests"]}" failures="{t["failures"]}" errors="{t["errors"]}" '
            f'skipped="{t["skipped"]}" time="{_seconds(duration_ms)}">\n'
        )
        try:
            if self._io_error is not None:
                raise self._io_error
            with open(self._partial, "w", encoding="utf-8", newline="\n") as out:
                out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
                if finished is None:
                    out.write("<!-- incomplete: the run did not finish; totals cover what ran -->\n")
                out.write(root)
                self._suites.seek(0)
                shutil.copyfileobj(self._suites, out)
                out.write("</testsuites>\n")
            os.replace(self._partial, self.path)
        except OSError as exc:
            try:
                os.unlink(self._partial)
            except OSError:
                pass
            raise RunError(f"could not write the JUnit report {self.path}: {exc.strerror or exc}") from exc
        finally:
            self._suites.close()
        self._written = [self.path]
        return list(self._written)
