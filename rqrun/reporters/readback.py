"""Reading JSON reports back: whole ones, and the ``.partial`` file a killed run leaves.

rqrun writes one execution per line (see :mod:`rqrun.reporters.json_report`), so a report is
read line by line and never held whole in memory; a ``.partial`` file simply stops after the
last execution that finished, perhaps with half a line after it, which is dropped. A report
that another tool re-indented is read with ``json.load`` instead.

:func:`replay` turns reports back into the events the reporters consume, merged in iteration
order, so ``rqrun merge-reports`` writes JSON, JUnit and HTML with the same code as a run.
"""

from __future__ import annotations

import heapq
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from rqrun import events as ev
from rqrun.errors import InputError

__all__ = ["MergeResult", "ReportFile", "execution_from_dict", "open_report", "replay"]

_EXECUTIONS = '  "executions": ['


@dataclass
class ReportFile:
    """One report being read: its head now, its executions as they are read, its tail after."""

    path: str
    head: dict[str, Any]
    tail: dict[str, Any] = field(default_factory=dict)
    complete: bool = False  # the report says the run finished
    truncated: bool = False  # a .partial: no tail, maybe half a line dropped
    dropped_lines: int = 0
    count: int = 0
    _handle: IO[str] | None = None
    _loaded: list[Any] | None = None

    def executions(self) -> Iterator[dict[str, Any]]:
        if self._loaded is not None:
            for item in self._loaded:
                self.count += 1
                yield item
            return
        handle = self._handle
        assert handle is not None  # noqa: S101 - the reader sets _handle or _loaded; narrows the type
        try:
            yield from self._lines(handle)
        finally:
            handle.close()

    def _lines(self, handle: IO[str]) -> Iterator[dict[str, Any]]:
        for line in handle:
            text = line.rstrip("\n")
            if text.startswith("    {"):
                try:
                    item = json.loads(text.strip().rstrip(","))
                except ValueError:  # the half-written last line of a killed run
                    self.dropped_lines += 1
                    continue
                self.count += 1
                yield item
            elif text.startswith("  ]"):
                self._read_tail(handle)
                return
            elif text.strip():
                self.dropped_lines += 1
        self.truncated = True

    def _read_tail(self, handle: IO[str]) -> None:
        rest = handle.read()
        try:
            self.tail = json.loads("{" + rest.lstrip().removeprefix(","))
        except ValueError:
            self.truncated = True  # killed while the tail was being written
            return
        self.complete = bool(self.tail.get("complete"))


def open_report(path: str) -> ReportFile:
    """Open a JSON report (or a ``.partial`` one) for reading; :class:`InputError` if it is not one."""
    try:
        handle = open(path, encoding="utf-8", errors="replace", newline="\n")  # noqa: SIM115 - read lazily
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}", hint="give rqrun JSON reports") from exc
    head_lines: list[str] = []
    for line in handle:
        if line.startswith(_EXECUTIONS):
            break
        head_lines.append(line)
        if len(head_lines) > 50:
            break
    else:
        line = ""
    if line.startswith(_EXECUTIONS) and head_lines and head_lines[0].strip() == "{":
        try:
            head = json.loads("{" + "".join(head_lines[1:]).rstrip().rstrip(",") + "}")
        except ValueError:
            head = None
        if isinstance(head, dict) and "rqrun_version" in head:
            report = ReportFile(path, head, _handle=handle)
            after = line[len(_EXECUTIONS):].strip()
            if after.startswith("]"):  # no executions: "executions": [],
                report._read_tail(handle)
                handle.close()
                report._loaded = []
            return report
    handle.close()
    return _load_whole(path)


def _load_whole(path: str) -> ReportFile:
    """A report in another layout (re-indented by a tool): read it whole."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{path}: not an rqrun JSON report ({exc})",
            hint="merge-reports reads reports written by --reporters json, or their .partial file",
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("executions"), list):
        raise InputError(f"{path}: not an rqrun JSON report (no executions list)", hint="give rqrun JSON reports")
    head = {k: data.get(k) for k in ("rqrun_version", "collection", "plan") if k in data}
    tail = {k: v for k, v in data.items() if k not in head and k != "executions"}
    return ReportFile(path, head, tail=tail, complete=bool(data.get("complete")), _loaded=data["executions"])


def _pairs(headers: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(headers, dict):
        return ()
    pairs: list[tuple[str, str]] = []
    for name, value in headers.items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append((str(name), str(one)))
    return tuple(pairs)


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def execution_from_dict(data: dict[str, Any], position: int) -> ev.Execution:
    """An :class:`Execution` back from its JSON form (already redacted when it was written)."""
    item = data.get("item") or {}
    path = tuple(str(p) for p in (item.get("path") or [item.get("name", "")]))
    cursor = ev.Cursor(_int(data.get("iteration")), position, str(item.get("id", "")), path)
    request = None
    if isinstance(data.get("request"), dict):
        req = data["request"]
        body = req.get("body")
        request = ev.SentRequest(str(req.get("method", "")), str(req.get("url", "")), _pairs(req.get("headers")),
                                 str(body) if body is not None else None)
    response = None
    if isinstance(data.get("response"), dict):
        resp = data["response"]
        response = ev.ReceivedResponse(
            _int(resp.get("code")), str(resp.get("status", "")), _pairs(resp.get("headers")),
            float(resp.get("time_ms") or 0.0), _int(resp.get("size")), str(resp.get("body") or ""),
            str(resp.get("http_version") or "HTTP/1.1"),
        )
    tests = tuple(
        ev.TestResult(str(t.get("name", "")), str(t.get("status", "failed")), t.get("error"),
                      str(t.get("source") or "post-response"))
        for t in data.get("tests") or [] if isinstance(t, dict)
    )
    error = None
    if isinstance(data.get("error"), dict):
        err = data["error"]
        line = err.get("line")
        error = ev.ErrorInfo(str(err.get("type", "")), str(err.get("source", "")), str(err.get("message", "")),
                             str(err.get("kind") or ""), line if isinstance(line, int) else None)
    raw_scripts = data.get("scripts")
    scripts: dict[str, Any] = raw_scripts if isinstance(raw_scripts, dict) else {}
    return ev.Execution(
        cursor=cursor,
        name=str(item.get("name") or (path[-1] if path else "")),
        request=request,
        response=response,
        tests=tests,
        console=tuple(str(c) for c in data.get("console") or []),
        error=error,
        warnings=tuple(str(w) for w in data.get("warnings") or []),
        scripts_run=_int(scripts.get("run")),
        scripts_failed=_int(scripts.get("failed")),
        attempts=_int(data.get("attempts"), 1),
    )


@dataclass
class MergeResult:
    executions: int
    exit_code: int
    recovered: list[ReportFile]  # .partial files: the run did not finish


def replay(reports: Sequence[ReportFile], bus: ev.EventBus, summary: Any, now: str) -> MergeResult:
    """Emit the reports' runs as one, executions in iteration order (stable across files).

    ``RunFinished`` is emitted only when every report was complete: a merged report of a run
    that did not finish must say so, and the reporters' ``close`` then marks it incomplete.
    """
    from rqrun.errors import ExitCode

    first = reports[0].head
    collection = first.get("collection") or {}
    plans = [r.head.get("plan") or {} for r in reports]
    iterations = sum(_int(p.get("iterations")) for p in plans)
    starts = sorted(str(p.get("started_at")) for p in plans if p.get("started_at"))
    bus.emit(ev.RunStarted(
        collection_name=str(collection.get("name", "")), source=str(collection.get("source", "")),
        iterations=iterations, items=_int(plans[0].get("items")), started_at=starts[0] if starts else now,
        summary=summary,
    ))
    streams = [r.executions() for r in reports]
    current: int | None = None
    position = 0
    for data in heapq.merge(*streams, key=lambda d: _int(d.get("iteration"))):
        ex = execution_from_dict(data, position)
        position += 1
        if ex.cursor.iteration != current:
            if current is not None:
                bus.emit(ev.IterationFinished(current))
            current = ex.cursor.iteration
            bus.emit(ev.IterationStarted(current))
        bus.emit(ev.ItemFinished(ex))
    recovered = [r for r in reports if r.truncated or not r.complete]
    said: set[str] = set()
    for report in reports:
        for warning in report.tail.get("warnings") or []:
            if isinstance(warning, dict):
                message = str(warning.get("message", ""))
                if "iteration" not in warning:  # a run's own warning (a loader's): every shard said it
                    if message in said:
                        continue
                    said.add(message)
                bus.emit(ev.RunWarning(message))
    runs: list[dict[str, Any]] = [r.tail.get("run") or {} for r in reports]
    exit_code = max([int(summary.exit_code)] + [_int(run.get("exit_code")) for run in runs])
    if recovered:
        return MergeResult(position, max(exit_code, int(ExitCode.RUN)), recovered)
    if current is not None:
        bus.emit(ev.IterationFinished(current))
    aborted = next((str(run["aborted"]) for run in runs if run.get("aborted")), None)
    signal = next((str(run["signal"]) for run in runs if run.get("signal")), None)
    finished = sorted(str(run.get("finished_at")) for run in runs if run.get("finished_at"))
    duration = sum(float(run.get("duration_ms") or 0.0) for run in runs)
    bus.emit(ev.RunFinished(summary, exit_code, finished[-1] if finished else now, duration, aborted, signal))
    return MergeResult(position, exit_code, [])


def report_label(path: str) -> str:
    return os.path.relpath(path) if not os.path.isabs(path) else path
