"""The JUnit XML report: one ``<testsuite>`` per executed request, one ``<testcase>`` per test.

Suites are streamed to ``PATH.partial`` as requests finish (memory stays flat; see
:mod:`rqrun.reporters._base`); at the end the root ``<testsuites>`` element, whose totals are
only known then, is written followed by the suites, atomically. A run that stopped early says
why (and which signal stopped it) in a comment before the root. With several iterations every
test case's name ends in `` [iteration N]``, so CI dashboards do not merge them. Text is
escaped by hand, with the characters XML 1.0 forbids removed, because CI parsers reject a whole
report for one stray control character from a response body.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rqrun.atomic import atomic_write
from rqrun.events import Execution, ItemStarted, RunStarted
from rqrun.redact import xml_safe
from rqrun.reporters._base import FileReporter, RunOutcome, stop_reason
from rqrun.reporters._common import item_label

if TYPE_CHECKING:
    from rqrun.events import EventBus

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
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _seconds(ms: float) -> str:
    return f"{max(ms, 0.0) / 1000.0:.3f}"


class JunitReporter(FileReporter):
    """Writes JUnit XML to ``options["export"]`` (default ``rqrun-report.xml``)."""

    name = "junit"
    title = "JUnit"
    default_path = DEFAULT_PATH

    def __init__(self, bus: EventBus, ctx: Any) -> None:
        self._iterations = 1
        self._item_started = time.time()
        self._totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        self._time_ms = 0.0
        super().__init__(bus, ctx)
        bus.subscribe(self._on_item_started, ItemStarted)

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

    def on_started(self, event: RunStarted) -> str:
        self._iterations = max(1, event.iterations)
        return ""

    def _on_item_started(self, event: ItemStarted) -> None:
        self._item_started = time.time()

    def on_execution(self, ex: Execution) -> str:
        return self.suite_xml(ex, self._item_started)

    # -- serialisation -----------------------------------------------------------------------

    def suite_xml(self, ex: Execution, started: float) -> str:
        """The ``<testsuite>`` element of one execution; also adds it to the root totals."""
        classname = self._a(" / ".join(ex.cursor.path) or ex.name)
        suffix = f" [iteration {ex.cursor.iteration + 1}]" if self._iterations > 1 else ""
        cases: list[str] = []
        failures = skipped = errors = 0
        for test in ex.tests:
            head = f'    <testcase classname="{classname}" name="{self._a(test.name + suffix)}"'
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
                f'    <testcase classname="{classname}" name="{self._a(label + suffix)}">'
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

    def finish(self, outcome: RunOutcome) -> None:
        """The root element with the totals, the streamed suites, the end tag."""
        t = self._totals
        started = self.started
        name = (started.collection_name or started.source) if started else self._ctx.run_options.source
        root = (
            f'<testsuites name="{self._a(name)}" '
            f'tests="{t["tests"]}" failures="{t["failures"]}" errors="{t["errors"]}" '
            f'skipped="{t["skipped"]}" time="{_seconds(outcome.duration_ms)}">\n'
        )
        with atomic_write(self.path, errors="replace") as out:
            out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
            reason = stop_reason(outcome)
            if not outcome.complete:
                out.write(f"<!-- incomplete: the run did not finish ({_comment(reason or 'error')}); totals cover what ran -->\n")
            elif reason:
                out.write(f"<!-- run stopped early: {_comment(self._shape(reason))}; totals cover what ran -->\n")
            out.write(root)
            self.copy_stream_into(out)
            out.write("</testsuites>\n")
        self._stream.discard()


def _comment(text: str) -> str:
    """``text`` safe inside an XML comment (no ``--``, no forbidden characters)."""
    return xml_safe(text).replace("--", "- -")
