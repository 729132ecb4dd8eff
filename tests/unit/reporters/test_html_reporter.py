"""The HTML report: structure, escaping, redaction, failures first, incomplete runs, no external
resources, streaming and flat memory."""

from __future__ import annotations

import gc
import json
import re
import sys
import tracemalloc
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from rqrun._version import __version__
from rqrun.errors import RunError, ScriptError, VaultLocked
from rqrun.events import ErrorInfo, EventBus, ItemFinished, RunWarning
from rqrun.events import TestResult as Result  # aliased: pytest would try to collect Test*
from rqrun.reporters import create_reporters
from rqrun.reporters._html_render import MAX_BODY_CHARS
from rqrun.reporters.html import HtmlReporter

from reporter_kit import FINISHED_AT, SECRET, STARTED_AT, Harness, execution

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

FAILING = execution(
    position=1,
    path=("Auth", "Login"),
    method="POST",
    code=401,
    status="Unauthorized",
    tests=(Result("status is 200", "failed", "expected 401 to equal 200"), Result("later", "skipped")),
    console=("logging in",),
)
BROKEN = execution(
    position=2,
    path=("Broken",),
    code=None,
    tests=(),
    error=ErrorInfo("request", "request", "connection refused", kind="network"),
    scripts_run=0,
)

_VOID = {"meta", "link", "input", "br", "hr", "img", "wbr", "col", "area", "base", "source"}


@dataclass
class Page:
    """What a strict parse of the report found: every start tag, and the ids."""

    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    text: str = ""  # the visible text
    code: list[str] = field(default_factory=list)  # contents of <style> and <script>

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def with_class(self, tag: str, cls: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and cls in a.get("class", "").split()]


class _Checker(HTMLParser):
    """Collects tags and fails on any unbalanced element: the page must be well formed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.page.tags.append((tag, values))
        if "id" in values:
            assert values["id"] not in self.page.ids, f"duplicate id {values['id']}"
            self.page.ids.add(values["id"])
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-3:]}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in ("script", "style"):
            self.page.code.append(data)
        else:
            self.texts.append(data)


def parse(text: str) -> Page:
    assert text.startswith("<!DOCTYPE html>\n")
    checker = _Checker()
    checker.feed(text)
    checker.close()
    assert checker.stack == [], f"unclosed: {checker.stack}"
    checker.page.text = " ".join(checker.texts)
    return checker.page


def _reporter(harness: Harness, make_ctx: Any, path: Path) -> HtmlReporter:
    return HtmlReporter(harness.bus, make_ctx(options={"export": str(path)}))


def _report(
    harness: Harness, make_ctx: Any, tmp_path: Path, executions: list[Any], iterations: int = 1
) -> tuple[str, Page]:
    path = tmp_path / "report.html"
    reporter = _reporter(harness, make_ctx, path)
    harness.run(executions, iterations)
    assert reporter.close() == [str(path)]
    text = path.read_text("utf-8")
    return text, parse(text)


# -- structure ---------------------------------------------------------------------------------


def test_page_has_the_summary_and_one_details_per_execution(
    harness: Harness, make_ctx: Any, tmp_path: Path
) -> None:
    text, page = _report(harness, make_ctx, tmp_path, [execution(), FAILING, BROKEN])
    assert "<title>Demo API &middot; rqrun report</title>" in text
    assert page.find("span", id="verdict") and ">failed</span>" in text
    for ident in ("summary", "facts", "failures", "requests", "executions", "toolbar", "q", "failed-only"):
        assert ident in page.ids
    assert 'id="stat-requests"><div class="k">Requests</div><div class="v">3</div><div class="d">1 failed' in text
    assert '<div class="v">3</div><div class="d"><span class="ok">1 passed</span>' in text
    assert "1 failed</span>" in text and "1 skipped</span>" in text
    assert 'id="stat-exit"><div class="k">Exit code</div><div class="v">4</div>' in text
    for fact in ("collections/demo.json", STARTED_AT, FINISHED_AT, "1.50 s", __version__):
        assert fact in page.text

    rows = page.find("details")
    assert [r["id"] for r in rows] == ["ex-1", "ex-2", "ex-3"]
    assert [r["data-failed"] for r in rows] == ["0", "1", "1"]
    assert [r["data-status"] for r in rows] == ["2xx", "4xx", "none"]
    assert all("open" not in r for r in rows)  # collapsed; the JS expands on demand
    # details: request, response, tests, console, error
    assert "https://api.example.test/users/1" in page.text
    assert "HTTP/1.1" in page.text and "401 Unauthorized" in page.text
    assert "expected 401 to equal 200" in page.text and "logging in" in page.text
    assert "connection refused" in page.text and "request, network" in page.text
    chips = [a["data-status"] for a in page.with_class("button", "chip")]
    assert chips == ["2xx", "4xx", "none"]


def test_content_security_policy_comes_first_and_forbids_everything_but_inline(
    harness: Harness, make_ctx: Any, tmp_path: Path
) -> None:
    text, page = _report(harness, make_ctx, tmp_path, [execution()])
    metas = page.find("meta")
    assert metas[0] == {"charset": "utf-8"}
    assert metas[1]["http-equiv"] == "Content-Security-Policy"
    assert metas[1]["content"].startswith(CSP)
    assert text.index("Content-Security-Policy") < text.index("<title>") < text.index("<style>")
    assert page.find("meta", name="referrer") == [{"name": "referrer", "content": "no-referrer"}]


def test_no_external_resource_is_referenced(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    hostile = execution(
        url="https://evil.example/x.js",
        body='<img src="https://evil.example/p.png"><link href="//evil.example/s.css">'
        '<style>@import url(https://evil.example/a.css)</style>',
        response_headers=(("Content-Type", "text/html"),),
    )
    text, page = _report(harness, make_ctx, tmp_path, [hostile])
    # Markup as parsed: no attribute, stylesheet or script reaches out.
    remote = re.compile(r"(?:https?:)?//", re.I)
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name in ("src", "href", "action", "formaction", "srcset", "poster", "data", "background"):
                assert not remote.match(value.strip()), (tag, name, value)
            assert "url(" not in value.lower(), (tag, name, value)
    for code in page.code:
        assert not re.search(r"url\(|@import|https?://|fetch\(|XMLHttpRequest|\.src\s*=", code, re.I), code[:200]
    # And the raw text, in case the parser and a browser disagree.
    assert not re.search(r"""(?:src|href|action|srcset)\s*=\s*["']?\s*(?:https?:)?//""", text, re.I)
    assert [a["href"] for _, a in page.tags if "href" in a] == ["data:,"]  # only the empty favicon
    assert [t for t, a in page.tags if "src" in a] == []
    assert [t for t, _ in page.tags if t in ("img", "iframe", "object", "embed", "form", "base")] == []
    assert page.find("link") == [{"rel": "icon", "href": "data:,"}]
    assert "https://evil.example/x.js" in page.text  # the request URL is shown, as text


def test_retries_are_shown(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    from dataclasses import replace

    text, _ = _report(harness, make_ctx, tmp_path, [replace(execution(), attempts=3), execution(position=1)])
    assert text.count(" attempts</span>") == 1 and "Sent 3 times (2 retried)." in text


def test_iteration_is_shown_when_the_run_has_several(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    text, _ = _report(
        harness, make_ctx, tmp_path, [execution(iteration=0), execution(iteration=1, position=0)], 2
    )
    assert text.count('<span class="iter">iteration ') == 2 and "iteration 2</span>" in text


# -- escaping and redaction ---------------------------------------------------------------------


def test_markup_from_the_run_is_shown_as_text(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    attack = "<script>alert(1)</script>"
    ex = execution(
        path=("<b>Folder</b>", f'Req "{attack}'),
        url=f"https://api.example.test/?q={attack}",
        request_headers=(("X-Evil", f'"><img src=x onerror=alert(1)>{attack}'),),
        body=attack,
        response_headers=(("Content-Type", "text/html"),),
        tests=(Result(attack, "failed", attack),),
        console=(attack,),
        warnings=(attack,),
    )
    path = tmp_path / "report.html"
    reporter = _reporter(harness, make_ctx, path)
    harness.start(name=attack)
    harness.bus.emit(RunWarning(attack))
    harness.item(ex)
    harness.finish(aborted=attack)
    reporter.close()
    text = path.read_text("utf-8")
    page = parse(text)
    assert text.count("<script>") == 1  # ours, at the end
    assert text.index("<script>") > text.index('<div id="executions">')
    assert "onerror" not in "".join(str(a) for _, a in page.tags)
    assert [t for t, _ in page.tags if t == "img"] == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert page.text.count(attack) >= 8  # name, url, header, body, test, error, console, warnings
    assert "&lt;b&gt;Folder&lt;/b&gt;" in text


def test_control_characters_do_not_reach_the_page(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    text, _ = _report(harness, make_ctx, tmp_path, [execution(body="a\x00b\x1bc\td\ne", console=("x\x07y",))])
    assert "\x00" not in text and "\x1b" not in text and "\x07" not in text
    assert "a\ufffdb\ufffdc\td\ne" in text


def test_no_secret_in_the_report_even_if_an_event_carries_one(
    harness: Harness, make_ctx: Any, tmp_path: Path
) -> None:
    escaped = "".join(f"\\u{ord(c):04x}" for c in SECRET)  # pretty-printing decodes this
    leaky = execution(
        path=("Folder", f"Get {SECRET}"),
        url=f"https://api.example.test/?token={SECRET}",
        request_headers=(("X-Custom", SECRET), ("Authorization", "Bearer abc.def"), (f"X-{SECRET}", "v")),
        response_headers=(("Set-Cookie", "sid=abc"), ("X-Echo", f"k={SECRET}"), ("Content-Type", "application/json")),
        body='{"token": "%s", "hidden": "%s"}' % (SECRET, escaped),
        tests=(Result(f"token is {SECRET}", "failed", f"expected {SECRET}"),),
        console=(f"the token is {SECRET}",),
        error=ErrorInfo("script", "post-response", f"bad {SECRET}"),
        warnings=(f"warn {SECRET}",),
    )
    harness.start(name=f"Coll {SECRET}")
    harness.bus.emit(RunWarning(f"w {SECRET}"))
    path = tmp_path / "r.html"
    reporter = _reporter(harness, make_ctx, path)
    harness.item(leaky)
    harness.finish(aborted=f"stop {SECRET}")
    reporter.close()
    text = path.read_text("utf-8")
    parse(text)
    assert SECRET not in text
    assert escaped not in text
    assert text.count("********") >= 10
    assert "Bearer ********" in text and "abc.def" not in text  # sensitive headers are masked
    assert "sid=abc" not in text


def test_interrupted_run_error_text_is_redacted(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    path = tmp_path / "r.html"
    reporter = _reporter(harness, make_ctx, path)
    harness.start()
    reporter.close(error=ScriptError(f"worker died holding {SECRET}"))
    text = path.read_text("utf-8")
    assert SECRET not in text and "worker died holding ********" in text


# -- failures first ----------------------------------------------------------------------------


def test_failures_come_first_and_link_to_their_execution(
    harness: Harness, make_ctx: Any, tmp_path: Path
) -> None:
    text, page = _report(harness, make_ctx, tmp_path, [execution(), FAILING, BROKEN])
    assert text.index('id="failures"') < text.index('id="requests"') < text.index('id="ex-1"')
    links = [a["href"] for a in page.with_class("a", "where")]
    assert links == ["#ex-2", "#ex-3"]
    assert all(link[1:] in page.ids for link in links)
    failures = text[text.index('id="failures"'):text.index('id="requests"')]
    assert "Auth / Login" in failures and "status is 200" in failures and "expected 401 to equal 200" in failures
    assert "Broken" in failures and "connection refused" in failures


def test_a_passing_run_has_no_failure_list(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    text, page = _report(harness, make_ctx, tmp_path, [execution()])
    assert "failures" not in page.ids
    assert 'class="verdict passed"' in text and 'body class="run-passed"' in text


def test_failure_list_is_bounded_and_says_how_many_more(make_ctx: Any, tmp_path: Path) -> None:
    harness = Harness()
    many = [
        execution(position=i, tests=(Result("t", "failed", "x" * 2000),)) for i in range(250)
    ]
    text, page = _report(harness, make_ctx, tmp_path, many)
    assert len(page.with_class("a", "where")) == 200
    assert "and 50 more failures" in text
    failures = text[text.index('id="failures"'):text.index('id="requests"')]
    assert "x" * 501 not in failures  # long messages are cut in the list, whole in the details


# -- bodies ------------------------------------------------------------------------------------


def test_json_bodies_are_pretty_printed_and_long_bodies_cut(
    harness: Harness, make_ctx: Any, tmp_path: Path
) -> None:
    long_body = "y" * (MAX_BODY_CHARS + 5000)
    text, _ = _report(
        harness,
        make_ctx,
        tmp_path,
        [execution(body='{"a":{"b":[1,2]}}'), execution(position=1, body=long_body,
                                                        response_headers=(("Content-Type", "text/plain"),))],
    )
    assert "{\n  &quot;a&quot;: {\n    &quot;b&quot;: [\n      1," in text
    assert "JSON, pretty-printed" in text
    assert "y" * MAX_BODY_CHARS in text and "y" * (MAX_BODY_CHARS + 1) not in text
    assert f"showing the first {MAX_BODY_CHARS:,} of {MAX_BODY_CHARS + 5000:,} characters" in text


def test_invalid_json_is_shown_as_it_came(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    text, _ = _report(harness, make_ctx, tmp_path, [execution(body='{"a": nope')])
    assert "{&quot;a&quot;: nope" in text and "pretty-printed" not in text


# -- incomplete runs, files --------------------------------------------------------------------


def _interrupted(harness: Harness, reporter: HtmlReporter, path: Path, **close: Any) -> tuple[str, Page]:
    harness.start()
    harness.iteration(0)
    harness.item(execution(position=0))
    harness.item(FAILING)
    assert reporter.close(**close) == [str(path)]
    text = path.read_text("utf-8")
    return text, parse(text)


def test_interrupted_run_still_leaves_a_valid_page_marked_incomplete(
    harness: Harness, make_ctx: Any, tmp_path: Path
) -> None:
    path = tmp_path / "r.html"
    text, page = _interrupted(harness, _reporter(harness, make_ctx, path), path, error=ScriptError("worker died"))
    assert "incomplete" in page.ids and "Incomplete report." in text
    assert 'class="verdict incomplete"' in text and 'body class="run-incomplete"' in text
    assert "worker died" in page.text
    assert [r["id"] for r in page.find("details")] == ["ex-1", "ex-2"]
    assert 'id="stat-exit"><div class="k">Exit code</div><div class="v">4</div>' in text
    assert "(did not finish)" in page.text
    assert text.rstrip().endswith("</html>")
    assert not Path(str(path) + ".partial").exists()


def test_interrupted_by_keyboard(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    path = tmp_path / "r.html"
    reporter = _reporter(harness, make_ctx, path)
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt:
        text, _ = _interrupted(harness, reporter, path)
    assert "(interrupted by SIGINT)" in text and '<div class="v">130</div>' in text


def test_interrupted_exit_code_keeps_the_highest(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    path = tmp_path / "r.html"
    text, _ = _interrupted(harness, _reporter(harness, make_ctx, path), path, error=VaultLocked("no key"))
    assert 'id="stat-exit"><div class="k">Exit code</div><div class="v">5</div>' in text


def test_close_without_any_event_writes_a_valid_empty_page(make_ctx: Any, tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "r.html"  # parent folders are created
    reporter = _reporter(Harness(), make_ctx, path)
    reporter.close()
    text = path.read_text("utf-8")
    page = parse(text)
    assert page.find("details") == [] and "No request ran." in text
    assert "collections/demo.json" in page.text and "incomplete" in page.ids


def test_aborted_run_says_why(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    path = tmp_path / "r.html"
    reporter = _reporter(harness, make_ctx, path)
    harness.start()
    harness.bus.emit(RunWarning("folder X has no requests"))
    harness.item(FAILING)
    harness.finish(aborted="bail")
    reporter.close()
    text = path.read_text("utf-8")
    page = parse(text)
    assert "aborted" in page.ids and "Run stopped early:</b> bail" in text
    assert "run-warnings" in page.ids and "folder X has no requests" in page.text


def test_executions_are_streamed_before_close(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    path = tmp_path / "r.html"
    reporter = _reporter(harness, make_ctx, path)
    harness.start()
    harness.item(execution(position=0))
    harness.item(execution(position=1))
    # streamed to PATH.partial and handed to the OS at once: a killed run leaves them there
    assert Path(str(path) + ".partial").read_text("utf-8").count("<details ") == 2
    assert not path.exists()
    harness.finish()
    reporter.close()
    assert not Path(str(path) + ".partial").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # the temporary body file is gone


def test_close_twice_returns_the_same_paths(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    reporter = _reporter(harness, make_ctx, tmp_path / "r.html")
    harness.run([execution()])
    assert reporter.close() == reporter.close() == [str(tmp_path / "r.html")]


def test_default_path_and_registry(harness: Harness, make_ctx: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    (reporter,) = create_reporters(["HTML"], harness.bus, lambda name: make_ctx())
    assert isinstance(reporter, HtmlReporter) and reporter.owns_terminal is False
    harness.run([execution()])
    assert reporter.close() == [str(tmp_path / "rqrun-report.html")]
    parse((tmp_path / "rqrun-report.html").read_text("utf-8"))


def test_a_directory_as_export_path_is_a_usage_error(make_ctx: Any, tmp_path: Path) -> None:
    from rqrun.errors import UsageError

    with pytest.raises(UsageError, match="is a directory"):
        HtmlReporter(EventBus(), make_ctx(options={"export": str(tmp_path)}))


def test_unwritable_report_raises_a_run_error_on_close(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    path = tmp_path / "r.html"
    reporter = _reporter(harness, make_ctx, path)

    class Full:
        def write(self, text: str) -> int:
            raise OSError(28, "No space left on device")

        def close(self) -> None:
            pass

    reporter._stream.file.close()
    reporter._stream.file = Full()  # type: ignore[assignment]
    harness.run([execution()])
    assert harness.bus.listener_errors == []  # the run is not disturbed
    with pytest.raises(RunError, match="No space left on device"):
        reporter.close()
    assert not path.exists() and not Path(str(path) + ".partial").exists()


def test_importing_rqrun_reporters_does_not_import_the_html_module() -> None:
    import subprocess

    code = "import rqrun.reporters, sys; print('rqrun.reporters.html' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- memory ------------------------------------------------------------------------------------


def test_memory_stays_flat_over_20000_executions(make_ctx: Any, tmp_path: Path) -> None:
    """Nothing is kept per execution: allocated blocks do not grow and the traced peak is small.

    Failing executions are included: their failure records are bounded too.
    """
    harness = Harness()
    path = tmp_path / "big.html"
    reporter = _reporter(harness, make_ctx, path)
    events = [ItemFinished(execution(position=i, body="x" * 200, console=("line",))) for i in range(9)]
    events.append(ItemFinished(FAILING))
    harness.start(iterations=2000, items=10)
    emit = harness.bus.emit
    for n in range(4_000):
        emit(events[n % 10])
    gc.collect()
    blocks_before = sys.getallocatedblocks()
    for n in range(4_000, 16_000):
        emit(events[n % 10])
    tracemalloc.start()
    try:
        for n in range(16_000, 20_000):
            emit(events[n % 10])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    gc.collect()
    growth = sys.getallocatedblocks() - blocks_before
    harness.finish()
    reporter.close()
    assert peak < 2 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    assert growth < 3_000, f"{growth} blocks kept over 16,000 executions"
    text = path.read_text("utf-8")
    assert text.count("<details ") == 20_000 and 'id="ex-20000"' in text


def test_report_json_and_html_agree_on_totals(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    from rqrun.reporters.json_report import JsonReporter

    json_reporter = JsonReporter(harness.bus, make_ctx(options={"export": str(tmp_path / "r.json")}))
    text, _ = _report(harness, make_ctx, tmp_path, [execution(), FAILING, BROKEN])
    json_reporter.close()
    stats = json.loads((tmp_path / "r.json").read_text("utf-8"))["run"]["stats"]
    for key in ("requests", "scripts"):
        total, failed = stats[key]["total"], stats[key]["failed"]
        assert f'<div class="v">{total}</div><div class="d">{failed} failed' in text
