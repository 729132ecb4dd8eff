"""The terminal reporter: one line per request as it completes, then a summary and failures.

Plain writes, flushed per line, so a CI log shows progress as it happens; no rich, no curses.
Everything written is redacted and stripped of control characters (a server's status text or a
script's console output must not be able to drive the terminal).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rqrun.events import (
    Execution,
    ItemFinished,
    IterationStarted,
    RunFinished,
    RunStarted,
    RunWarning,
)
from rqrun.redact import one_line
from rqrun.reporters._common import item_label

if TYPE_CHECKING:
    from rqrun.events import EventBus
    from rqrun.reporters import ReporterContext
    from rqrun.summary import Failure, FailureGroup, RunSummary

__all__ = ["CliReporter", "format_size", "format_duration"]

_UNICODE = {"ok": "✓", "fail": "✗", "error": "!", "skip": "–", "bar": "│", "rule": "─", "dash": "—", "warn": "!"}
_ASCII = {"ok": "+", "fail": "x", "error": "!", "skip": "-", "bar": "|", "rule": "-", "dash": "-", "warn": "!"}

_RESET = "\x1b[0m"
_STYLES = {"green": "\x1b[32m", "red": "\x1b[31m", "yellow": "\x1b[33m", "dim": "\x1b[2m", "bold": "\x1b[1m"}

INDENT = "    "


def format_size(size: int) -> str:
    """A byte count as people read it: ``512 B``, ``1.2 kB``, ``3.4 MB``."""
    if size < 1000:
        return f"{size} B"
    for unit in ("kB", "MB", "GB"):
        size_f = size / 1000.0
        if size_f < 1000 or unit == "GB":
            return f"{size_f:.1f} {unit}"
        size = int(size_f)
    return f"{size} B"  # pragma: no cover


def format_duration(ms: float) -> str:
    """``850 ms``, ``1.25 s``, ``2m 03.4s``."""
    if ms < 1000:
        return f"{ms:.0f} ms"
    seconds = ms / 1000.0
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}m {rest:04.1f}s"


def _can_encode(stream: Any, text: str) -> bool:
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return True  # an in-memory text stream holds any str
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


class CliReporter:
    """Prints progress to ``ctx.out`` and warnings to ``ctx.err``."""

    name = "cli"
    owns_terminal = True

    def __init__(self, bus: EventBus, ctx: ReporterContext) -> None:
        self._ctx = ctx
        self._out = ctx.out
        self._err = ctx.err
        self._redact = ctx.redactor.redact
        self._color = ctx.color
        self._quiet = ctx.quiet
        self._marks = _UNICODE if _can_encode(ctx.out, "".join(_UNICODE.values())) else _ASCII
        self._iterations = 1
        self._finished = False
        bus.subscribe(self._on_run_started, RunStarted)
        bus.subscribe(self._on_iteration_started, IterationStarted)
        bus.subscribe(self._on_item_finished, ItemFinished)
        bus.subscribe(self._on_warning, RunWarning)
        bus.subscribe(self._on_run_finished, RunFinished)

    # -- output primitives -------------------------------------------------------------------

    def _clean(self, text: object) -> str:
        """Redacted, one line, no control characters (:func:`rqrun.redact.one_line`).

        Redacted again when shaping changed the text: a secret written with other line
        ends or controls only matches its registered shape after shaping.
        """
        value = self._redact(str(text))
        shaped = one_line(value)
        return self._redact(shaped) if shaped != value else shaped

    def _style(self, text: str, *styles: str) -> str:
        if not self._color or not styles:
            return text
        return "".join(_STYLES[s] for s in styles) + text + _RESET

    def _write(self, line: str = "", *, err: bool = False) -> None:
        stream = self._err if err else self._out
        try:
            stream.write(line + "\n")
        except UnicodeEncodeError:
            encoding = getattr(stream, "encoding", None) or "ascii"
            stream.write((line + "\n").encode(encoding, "replace").decode(encoding))
        stream.flush()

    # -- events ------------------------------------------------------------------------------

    def _on_run_started(self, event: RunStarted) -> None:
        self._iterations = max(1, event.iterations)
        if not self._quiet:
            title = self._clean(event.collection_name or event.source)
            self._write(self._style(title, "bold"))

    def _on_iteration_started(self, event: IterationStarted) -> None:
        if self._iterations > 1 and not self._quiet:
            self._write()
            self._write(self._style(f"Iteration {event.iteration + 1}/{self._iterations}", "bold"))

    def _on_warning(self, event: RunWarning) -> None:
        if self._quiet and event.kind != "listener":  # a broken reporter is said even when quiet
            return
        where = ""
        if event.cursor is not None:
            where = item_label(event.cursor.path, event.cursor.iteration, self._iterations) + ": "
        self._write(self._style(f"warning: {self._clean(where + event.message)}", "yellow"), err=True)

    def _on_item_finished(self, event: ItemFinished) -> None:
        ex = event.execution
        if self._quiet and not ex.failed:
            return
        self._write(self._request_line(ex))
        m = self._marks
        for test in ex.tests:
            if test.status == "passed":
                if not self._quiet:
                    self._write(f"{INDENT}{self._style(m['ok'], 'green')} {self._clean(test.name)}")
            elif test.status == "skipped":
                if not self._quiet:
                    self._write(self._style(f"{INDENT}{m['skip']} {self._clean(test.name)} (skipped)", "dim"))
            else:
                text = f"{INDENT}{m['fail']} {self._clean(test.name)}"
                if test.error:
                    text += f": {self._clean(test.error)}"
                self._write(self._style(text, "red"))
        if not self._quiet:
            for entry in ex.console:
                for line in self._redact(entry).splitlines() or [""]:
                    self._write(self._style(f"{INDENT}{m['bar']} ", "dim") + self._clean(line))
            for warning in ex.warnings:
                self._write(self._style(f"{INDENT}warning: {self._clean(warning)}", "yellow"))
        if ex.error is not None:
            err = ex.error
            where = f"{err.source}:{err.line}" if err.line is not None else err.source
            label = f"{err.type} error" if where == err.type else f"{err.type} error ({where})"
            text = f"{INDENT}{m['error']} {self._clean(label)}: {self._clean(err.message)}"
            self._write(self._style(text, "red", "bold"))

    def _request_line(self, ex: Execution) -> str:
        m = self._marks
        if ex.error is not None:
            mark = self._style(m["error"], "red", "bold")
        elif ex.failed:
            mark = self._style(m["fail"], "red")
        else:
            mark = self._style(m["ok"], "green")
        name = self._clean(" / ".join(ex.cursor.path) or ex.name)
        parts = [f"{mark} {self._style(name, 'bold')}"]
        if ex.request is not None:
            parts.append(f"{self._clean(ex.request.method)} {self._clean(ex.request.url)}")
        resp = ex.response
        if resp is not None:
            status = f"{resp.code} {self._clean(resp.status)}".rstrip()
            colour = "green" if resp.code < 400 else "yellow" if resp.code < 500 else "red"
            parts.append(self._style(status, colour))
            parts.append(self._style(f"{resp.time_ms:.0f} ms", "dim"))
            parts.append(self._style(format_size(resp.size), "dim"))
        elif ex.request is not None:
            parts.append(self._style("(no response)", "dim"))
        return "  ".join(parts)

    def _on_run_finished(self, event: RunFinished) -> None:
        self._finished = True
        summary: RunSummary = event.summary
        self._write()
        if event.aborted:
            self._write(self._style(f"Run stopped early: {self._clean(event.aborted)}", "yellow", "bold"))
        for line in self._summary_table(summary, event.duration_ms):
            self._write(line)
        groups = list(getattr(summary, "failure_groups", {}).values())
        if groups:
            self._write()
            self._write(self._style("Failures", "bold", "red"))
            for number, group in enumerate(groups, 1):
                self._write(f"{number:>3}. {self._group_text(group)}")
            dropped = getattr(summary, "failure_groups_dropped", 0)
            if dropped:
                self._write(f"     ... and {dropped} more")

    # -- summary -----------------------------------------------------------------------------

    def _summary_table(self, s: RunSummary, duration_ms: float) -> list[str]:
        rows: list[tuple[str, str, str]] = [
            ("iterations", str(s.iterations_started or s.iterations), ""),
            ("requests", str(s.requests_total), str(s.requests_failed)),
            ("tests", str(s.tests_total), str(s.tests_failed)),
            ("scripts", str(s.scripts_total), str(s.scripts_failed)),
        ]
        width = (14, 10, 10)
        rule = self._marks["rule"] * sum(width)
        head = f"{'':<{width[0]}}{'total':>{width[1]}}{'failed':>{width[2]}}"
        lines = [self._style(head, "bold"), rule]
        for label, total, failed in rows:
            failed_cell = f"{failed:>{width[2]}}"
            if failed not in ("", "0"):
                failed_cell = self._style(failed_cell, "red", "bold")
            lines.append(f"{label:<{width[0]}}{total:>{width[1]}}{failed_cell}")
        lines.append(rule)
        extra = []
        if s.tests_skipped:
            extra.append(f"skipped tests: {s.tests_skipped}")
        if s.warnings:
            extra.append(f"warnings: {s.warnings}")
        lines.append(f"{'duration':<{width[0]}}{format_duration(duration_ms)}")
        if s.responses:
            avg, top = format_duration(s.response_time_avg_ms), format_duration(s.response_time_max_ms)
            lines.append(f"{'response time':<{width[0]}}avg {avg}, max {top}")
        if extra:
            lines.append(", ".join(extra))
        return lines

    def _group_text(self, group: FailureGroup) -> str:
        """One line per distinct failure; repeats are counted, not listed (300 alike: one line)."""
        if group.count == 1:
            return self._failure_text(group.first)
        first, last = group.first.iteration + 1, group.last_iteration + 1
        span = f"iteration {first}" if first == last else f"iterations {first}-{last}"
        return f"{self._failure_text(group.first, with_iteration=False)} ({group.count} times, {span})"

    def _failure_text(self, f: Failure, *, with_iteration: bool = True) -> str:
        where = self._clean(item_label(f.path, f.iteration if with_iteration else None, self._iterations))
        dash = self._marks["dash"]
        if f.kind == "test":
            what = f'test "{self._clean(f.name)}"'
        else:
            what = f"{f.kind} error"
            if f.name and f.name != f.kind:
                what += f" ({self._clean(f.name)})"
        return f"{where} {dash} {what}: {self._clean(f.message)}"

    def close(self, error: BaseException | None = None) -> list[str]:
        """Nothing to finish: every line is already flushed. Writes no files.

        ``error`` is accepted, as by the file reporters, so a caller can close all alike.
        """
        return []
