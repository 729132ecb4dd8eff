"""Markup of the HTML report: one fragment per execution, and the page around them.

Every piece of text that came from a run goes through :meth:`Renderer.text` (redact, shape,
escape) or :meth:`Renderer.block` (redact, pretty-print, shape, cut, escape): there is no other
way for run data to reach the page. Redaction happens before any cut, so a cut can never leave
half a secret unmasked, and again after pretty-printing (which decodes ``\\u`` escapes a secret
could hide behind) and after controls are replaced (:func:`rqrun.redact.html_safe`), so what is
masked is the text the page shows.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rqrun.redact import html_safe
from rqrun.reporters._common import item_label
from rqrun.reporters._html_assets import CSP, CSS, SCRIPT
from rqrun.reporters.cli import format_duration, format_size

if TYPE_CHECKING:
    from rqrun.events import ErrorInfo, Execution, ReceivedResponse, SentRequest, TestResult
    from rqrun.redact import Redactor

__all__ = [
    "MAX_BODY_CHARS",
    "MAX_REQUEST_BODY_CHARS",
    "MAX_LISTED_MESSAGE",
    "STATUS_LABELS",
    "FailureLink",
    "PageInfo",
    "Renderer",
    "escape",
    "status_class",
]

#: Characters of a response body shown; the JSON report keeps the whole (runner-cut) body.
MAX_BODY_CHARS = 64 * 1024
#: Characters of a request body preview shown.
MAX_REQUEST_BODY_CHARS = 16 * 1024
#: Bodies longer than this are shown as they came, not parsed for pretty-printing.
MAX_PRETTY_INPUT = 2_000_000
#: Characters of a failure message in the list at the top (the details hold all of it).
MAX_LISTED_MESSAGE = 500

#: Status classes in chip order, with the text a reader sees.
STATUS_LABELS = {"2xx": "2xx", "3xx": "3xx", "4xx": "4xx", "5xx": "5xx", "1xx": "1xx", "none": "no response"}


def escape(text: str) -> str:
    """``text`` safe as element content or a double-quoted attribute value, controls shown as U+FFFD."""
    return html.escape(html_safe(text), quote=True)


def status_class(ex: Execution) -> str:
    """``2xx`` .. ``5xx`` from the response code, ``none`` when nothing came back."""
    if ex.response is None:
        return "none"
    bucket = f"{ex.response.code // 100}xx"
    return bucket if bucket in STATUS_LABELS else "none"


@dataclass(frozen=True)
class FailureLink:
    """One entry of the failure list, pointing at its execution (redacted when rendered)."""

    index: int
    label: str
    kind: str
    name: str
    message: str


@dataclass
class PageInfo:
    """Everything the top of the page shows; assembled by the reporter at close time."""

    title: str
    source: str
    version: str
    started_at: str
    finished_at: str
    duration_ms: float
    iterations: int
    iterations_completed: int
    requests_total: int
    requests_failed: int
    tests_total: int
    tests_passed: int
    tests_failed: int
    tests_skipped: int
    scripts_total: int
    scripts_failed: int
    response_avg_ms: float
    response_max_ms: float
    exit_code: int
    complete: bool
    aborted: str | None = None
    error: str | None = None
    failures: list[FailureLink] = field(default_factory=list)
    failures_total: int = 0
    warnings: list[str] = field(default_factory=list)
    warnings_total: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)
    executions: int = 0


def _json_pretty(text: str) -> str | None:
    """``text`` re-indented when it is a JSON object or array, else None."""
    stripped = text.lstrip()
    if not stripped or stripped[0] not in "[{" or len(text) > MAX_PRETTY_INPUT:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return json.dumps(value, indent=2, ensure_ascii=False)


class Renderer:
    """Turns events into escaped, redacted markup."""

    def __init__(self, redactor: Redactor) -> None:
        self._redact = redactor.redact
        self._redactor = redactor
        self.iterations = 1

    # -- text --------------------------------------------------------------------------------

    def text(self, value: object) -> str:
        """Any run value as page text: redacted, shaped, then escaped."""
        return escape(self._shape(str(value)))

    def _shape(self, text: str) -> str:
        """``text`` redacted, controls replaced, and redacted again if that changed it.

        Escaping adds nothing a secret could match, so this is the text the page shows.
        """
        return self._reshape(self._redact(text))

    def _reshape(self, text: str) -> str:
        """Already redacted ``text`` with controls replaced, redacted again if that changed it."""
        shaped = html_safe(text)
        return self._redact(shaped) if shaped != text else text

    def block(self, raw: str, limit: int, *, pretty: bool = False) -> str:
        """A body as a ``<pre>``: redacted, maybe pretty-printed, cut to ``limit`` with a note."""
        text = self._redact(raw)
        notes: list[str] = []
        if pretty:
            formatted = _json_pretty(text)
            if formatted is not None:
                text = self._redact(formatted)
                notes.append("JSON, pretty-printed")
        text = self._reshape(text)
        if len(text) > limit:
            notes.append(f"cut: showing the first {limit:,} of {len(text):,} characters (the JSON report has more)")
            text = text[:limit]
        note = f'<p class="note">{escape("; ".join(notes))}</p>' if notes else ""
        return f"<pre>{escape(text)}</pre>{note}"

    # -- one execution -----------------------------------------------------------------------

    def execution(self, index: int, ex: Execution) -> str:
        """The ``<details>`` element of one execution, collapsed."""
        failed = ex.failed
        status = status_class(ex)
        label = item_label(ex.cursor.path or (ex.name,))
        passed = sum(1 for t in ex.tests if t.status == "passed")
        failed_tests = sum(1 for t in ex.tests if t.status == "failed")
        code = self.text(ex.response.code) if ex.response is not None else "&mdash;"
        method = self.text(ex.request.method) if ex.request is not None else ""
        url = f'<span class="url">{self.text(ex.request.url)}</span>' if ex.request is not None else ""
        iteration = (
            f'<span class="iter">iteration {ex.cursor.iteration + 1}</span>' if self.iterations > 1 else ""
        )
        meta: list[str] = []
        if ex.tests:
            cls = "ko" if failed_tests else "ok"
            meta.append(f'<span class="tc {cls}">{passed}/{len(ex.tests)} tests</span>')
        if ex.attempts > 1:
            meta.append(f'<span class="tc">{ex.attempts} attempts</span>')
        if ex.response is not None:
            meta.append(f"<span>{escape(format_duration(ex.response.time_ms))}</span>")
        pill = '<span class="pill failed">FAIL</span>' if failed else '<span class="pill">PASS</span>'
        parts = [
            f'<details class="ex{" failed" if failed else ""}" id="ex-{index}" '
            f'data-failed="{1 if failed else 0}" data-status="{status}">',
            f"<summary>{pill}<span class=\"code s{status}\">{code}</span>"
            f'<span class="method">{method}</span>'
            f'<span class="label"><span class="name">{self.text(label)}</span>{iteration}{url}</span>'
            f'<span class="meta">{" ".join(meta)}</span></summary>',
            '<div class="exbody">',
        ]
        if ex.error is not None:
            parts.append(self._error(ex.error))
        if ex.tests:
            parts.append(self._tests(ex.tests))
        if ex.request is not None:
            parts.append(self._request(ex.request))
        if ex.attempts > 1:
            parts.append(f'<p class="note">Sent {ex.attempts} times ({ex.attempts - 1} retried).</p>')
        if ex.response is not None:
            parts.append(self._response(ex.response))
        if ex.console:
            parts.append("<h3>Console</h3>" + self.block("\n".join(ex.console), MAX_BODY_CHARS))
        if ex.warnings:
            items = "".join(f"<li>{self.text(w)}</li>" for w in ex.warnings)
            parts.append(f'<h3>Warnings</h3><ul class="exwarn">{items}</ul>')
        if ex.request is None and ex.response is None and not ex.tests and ex.error is None:
            parts.append('<p class="note">Nothing was sent for this request.</p>')
        parts.append("</div></details>\n")
        return "".join(parts)

    def _headers(self, headers: Iterable[tuple[str, str]]) -> str:
        rows = "".join(
            f"<tr><th>{escape(self._shape(name))}</th><td>{escape(self._shape(value))}</td></tr>"
            for name, value in self._redactor.redact_headers(headers)
        )
        return f'<h4>Headers</h4><table class="kv">{rows}</table>' if rows else '<p class="note">No headers.</p>'

    def _request(self, req: SentRequest) -> str:
        parts = [
            "<h3>Request</h3>",
            f'<div class="line"><b>{self.text(req.method)}</b> {self.text(req.url)}</div>',
            self._headers(req.headers),
        ]
        if req.body is not None:
            parts.append("<h4>Body</h4>" + self.block(req.body, MAX_REQUEST_BODY_CHARS, pretty=True))
        return "".join(parts)

    def _response(self, resp: ReceivedResponse) -> str:
        content_type = next((v for k, v in resp.headers if k.lower() == "content-type"), "")
        pretty = "json" in content_type.lower() or resp.body.lstrip()[:1] in ("{", "[")
        facts = (
            f"{self.text(resp.http_version)} <b>{self.text(resp.code)} {self.text(resp.status)}</b>"
            f" &middot; {escape(format_duration(resp.time_ms))} &middot; {escape(format_size(resp.size))}"
        )
        parts = ["<h3>Response</h3>", f'<div class="line">{facts}</div>', self._headers(resp.headers)]
        if resp.body:
            parts.append("<h4>Body</h4>" + self.block(resp.body, MAX_BODY_CHARS, pretty=pretty))
        else:
            parts.append('<p class="note">Empty body.</p>')
        return "".join(parts)

    def _tests(self, tests: Iterable[TestResult]) -> str:
        items = []
        for t in tests:
            status = t.status if t.status in ("passed", "failed", "skipped") else "failed"
            word = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}[status]
            error = f'<span class="terr">{self.text(t.error)}</span>' if t.error else ""
            source = f'<span class="src">{self.text(t.source)}</span>' if t.source != "post-response" else ""
            items.append(
                f'<li><span class="pill {status}">{word}</span> {self.text(t.name)}{source}{error}</li>'
            )
        return f'<h3>Tests</h3><ul class="tests">{"".join(items)}</ul>'

    def _error(self, err: ErrorInfo) -> str:
        where = [err.source] + ([err.kind] if err.kind else []) + ([f"line {err.line}"] if err.line else [])
        return (
            f'<div class="errbox"><b>{self.text(err.type)} error</b> '
            f'<span class="note">({self.text(", ".join(where))})</span>'
            f'<div class="msg">{self.text(err.message)}</div></div>'
        )

    # -- the page ----------------------------------------------------------------------------

    def page_head(self, info: PageInfo) -> str:
        """Everything before the streamed executions: head, summary, failures, toolbar."""
        verdict = "incomplete" if not info.complete else ("passed" if info.exit_code == 0 else "failed")
        title = self.text(info.title)
        when = self.text(info.started_at or "not started")
        parts = [
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n',
            '<meta name="referrer" content="no-referrer">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            f'<meta name="generator" content="rqrun {escape(info.version)}">\n',
            f"<title>{title} &middot; rqrun report</title>\n",
            '<link rel="icon" href="data:,">\n',
            f"<style>{CSS}</style>\n</head>\n",
            f'<body class="run-{verdict}">\n<header class="top"><div class="wrap">'
            f'<div class="title"><div class="brand">rqrun report</div><h1>{title}</h1>'
            f'<div class="sub">{self.text(info.source)} &middot; {when}</div></div>'
            f'<span class="verdict {verdict}" id="verdict">{verdict}</span></div></header>\n',
            '<main class="wrap">\n',
        ]
        if not info.complete:
            why = f": {self.text(info.error)}" if info.error else ""
            parts.append(
                f'<div class="banner incomplete" id="incomplete"><b>Incomplete report.</b> The run did not '
                f"finish ({self.text(info.aborted or 'error')}{why}); totals cover what ran.</div>\n"
            )
        elif info.aborted:
            parts.append(
                f'<div class="banner aborted" id="aborted"><b>Run stopped early:</b> {self.text(info.aborted)}</div>\n'
            )
        parts.append(self._cards(info))
        parts.append(self._facts(info))
        parts.append(self._failures(info))
        if info.warnings:
            items = "".join(f"<li>{self.text(w)}</li>" for w in info.warnings)
            more = info.warnings_total - len(info.warnings)
            extra = f'<p class="more">and {more:,} more warnings</p>' if more > 0 else ""
            parts.append(
                f'<section id="run-warnings"><h2>Warnings <span class="n">{info.warnings_total:,}</span></h2>'
                f'<ul class="warnings">{items}</ul>{extra}</section>\n'
            )
        parts.append(self._toolbar(info))
        parts.append('<div id="executions">\n')
        return "".join(parts)

    def _cards(self, info: PageInfo) -> str:
        def card(key: str, value: str, detail: str, cls: str = "", card_id: str = "") -> str:
            ident = f' id="{card_id}"' if card_id else ""
            return (
                f'<div class="card {cls}"{ident}><div class="k">{key}</div><div class="v">{value}</div>'
                f'<div class="d">{detail}</div></div>'
            )

        total = max(info.tests_total, 1)
        bar = (
            f'<div class="bar"><i class="p" style="width:{100 * info.tests_passed / total:.2f}%"></i>'
            f'<i class="f" style="width:{100 * info.tests_failed / total:.2f}%"></i>'
            f'<i class="s" style="width:{100 * info.tests_skipped / total:.2f}%"></i></div>'
        )
        def count(n: int, word: str, cls: str) -> str:
            return f'<span class="{cls if n else ""}">{n:,} {word}</span>'

        tests_detail = (
            f'{count(info.tests_passed, "passed", "ok")} &middot; {count(info.tests_failed, "failed", "ko")}'
            f' &middot; {count(info.tests_skipped, "skipped", "sk")}{bar}'
        )
        iterations = f"{info.iterations_completed:,} of {info.iterations:,} completed"
        cards = [
            card("Requests", f"{info.requests_total:,}", f"{info.requests_failed:,} failed",
                 "bad" if info.requests_failed else "", "stat-requests"),
            card("Tests", f"{info.tests_total:,}", tests_detail,
                 "bad" if info.tests_failed else ("good" if info.tests_total else ""), "stat-tests"),
            card("Scripts", f"{info.scripts_total:,}", f"{info.scripts_failed:,} failed",
                 "bad" if info.scripts_failed else "", "stat-scripts"),
            card("Duration", escape(format_duration(info.duration_ms)),
                 f"avg response {escape(format_duration(info.response_avg_ms))}", "", "stat-duration"),
            card("Iterations", f"{info.iterations:,}", iterations, "", "stat-iterations"),
            card("Exit code", str(info.exit_code), "success" if info.exit_code == 0 else "failure",
                 "bad" if info.exit_code else "good", "stat-exit"),
        ]
        return f'<section id="summary" class="cards">{"".join(cards)}</section>\n'

    def _facts(self, info: PageInfo) -> str:
        times = f"avg {format_duration(info.response_avg_ms)}, max {format_duration(info.response_max_ms)}"
        rows = [
            ("Source", info.source),
            ("Started", info.started_at or "not started"),
            ("Finished", info.finished_at if info.complete else f"{info.finished_at} (did not finish)"),
            ("Response time", times),
            ("Aborted", info.aborted or "no"),
            ("rqrun", info.version),
        ]
        if info.error:
            rows.append(("Error", info.error))
        body = "".join(
            f'<div class="{"wide" if k in ("Source", "Error") else "fact"}"><dt>{escape(k)}</dt>'
            f"<dd>{self.text(v)}</dd></div>"
            for k, v in rows
        )
        return f'<dl class="facts" id="facts">{body}</dl>\n'

    def _failures(self, info: PageInfo) -> str:
        if not info.failures_total:
            return ""
        items = []
        for f in info.failures:
            message = self._shape(f.message)
            if len(message) > MAX_LISTED_MESSAGE:
                message = message[:MAX_LISTED_MESSAGE] + "…"
            msg = f'<span class="msg">{escape(message)}</span>' if message else ""
            name = f" &mdash; {self.text(f.name)}" if f.name and f.name != f.kind else ""
            items.append(
                f'<li><span class="kind">{self.text(f.kind)}</span><a class="where" href="#ex-{f.index}">'
                f"{self.text(f.label)}</a>{name}{msg}</li>"
            )
        more = info.failures_total - len(info.failures)
        extra = (
            f'<p class="more">and {more:,} more failures: use &ldquo;failed only&rdquo; below to see them all.</p>'
            if more > 0 else ""
        )
        return (
            f'<section id="failures"><h2>Failures <span class="n">{info.failures_total:,}</span></h2>'
            f'<ol class="failures">{"".join(items)}</ol>{extra}</section>\n'
        )

    def _toolbar(self, info: PageInfo) -> str:
        chips = "".join(
            f'<button type="button" class="chip" data-status="{key}" aria-pressed="false">'
            f"{escape(label)}<b>{info.status_counts[key]:,}</b></button>"
            for key, label in STATUS_LABELS.items()
            if info.status_counts.get(key)
        )
        return (
            f'<section id="requests"><h2>Requests <span class="n">{info.executions:,}</span></h2>\n'
            '<div class="toolbar" id="toolbar" hidden>'
            '<input type="search" id="q" placeholder="Filter by name, URL, method, status…" '
            'title="Filter requests (press / to focus)" aria-label="Filter requests" autocomplete="off">'
            '<label><input type="checkbox" id="failed-only"> Failed only</label>'
            f'<div class="chips">{chips}</div>'
            '<button type="button" class="tool" data-expand="1">Expand all</button>'
            '<button type="button" class="tool" data-expand="0">Collapse all</button>'
            '<span class="shown" id="shown"></span></div>\n'
        )

    def page_tail(self, info: PageInfo) -> str:
        """Everything after the streamed executions."""
        empty = '<p class="empty">No request ran.</p>\n' if not info.executions else ""
        return (
            f"</div>\n{empty}"
            '<p class="empty" id="no-match" hidden>No request matches the filters.</p>\n'
            "</section>\n</main>\n"
            f"<footer>Generated by rqrun {escape(info.version)} &middot; {escape(info.finished_at)}</footer>\n"
            f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
        )
