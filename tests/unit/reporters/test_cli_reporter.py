"""The terminal reporter: line format, colour, quiet mode, summary, failures, redaction."""

from __future__ import annotations

import io
from typing import Any

from rqrun.events import Cursor, ErrorInfo, RunWarning
from rqrun.events import TestResult as Result  # aliased: pytest would try to collect Test*
from rqrun.options import RunOptions
from rqrun.redact import Redactor
from rqrun.reporters import ReporterContext
from rqrun.reporters.cli import CliReporter, format_duration, format_size

from reporter_kit import SECRET, FakeTTY, Harness, execution

FAILING = execution(
    position=1,
    path=("Auth", "Login"),
    method="POST",
    url="https://api.example.test/login",
    code=401,
    status="Unauthorized",
    time_ms=12.4,
    size=87,
    tests=(
        Result("status is 200", "failed", "expected 401 to equal 200"),
        Result("has body", "passed"),
        Result("later", "skipped"),
    ),
    console=("logging in", "two\nlines"),
)
BROKEN = execution(
    position=2,
    path=("Broken",),
    code=None,
    tests=(),
    error=ErrorInfo("request", "request", "connection refused", kind="network"),
    scripts_run=0,
)


def _run(harness: Harness, make_ctx: Any, executions: list[Any], iterations: int = 1, **ctx: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    reporter = CliReporter(harness.bus, make_ctx(out=out, err=err, **ctx))
    harness.run(executions, iterations)
    assert reporter.close() == []
    assert harness.bus.listener_errors == []
    return out.getvalue(), err.getvalue()


def test_request_line_has_mark_method_url_status_time_and_size(harness: Harness, make_ctx: Any) -> None:
    out, _ = _run(harness, make_ctx, [execution()])
    assert "✓ Users / Get user  GET https://api.example.test/users/1  200 OK  42 ms  1.2 kB\n" in out
    assert "    ✓ status is 200\n" in out


def test_failed_tests_console_and_skipped_lines(harness: Harness, make_ctx: Any) -> None:
    out, _ = _run(harness, make_ctx, [FAILING])
    lines = out.splitlines()
    start = lines.index("✗ Auth / Login  POST https://api.example.test/login  401 Unauthorized  12 ms  87 B")
    assert lines[start + 1 : start + 7] == [
        "    ✗ status is 200: expected 401 to equal 200",
        "    ✓ has body",
        "    – later (skipped)",
        "    │ logging in",
        "    │ two",
        "    │ lines",
    ]


def test_error_gets_its_own_line_and_the_bang_mark(harness: Harness, make_ctx: Any) -> None:
    script_error = execution(
        tests=(), error=ErrorInfo("script", "post-response", "NameError: name 'x' is not defined", line=3)
    )
    out, _ = _run(harness, make_ctx, [BROKEN, script_error])
    assert "! Broken  GET https://api.example.test/users/1  (no response)\n" in out
    assert "    ! request error: connection refused\n" in out
    assert "    ! script error (post-response:3): NameError: name 'x' is not defined\n" in out


def test_no_colour_means_no_escape_codes(harness: Harness, make_ctx: Any) -> None:
    out, err = _run(harness, make_ctx, [execution(), FAILING, BROKEN], color=False)
    assert "\x1b" not in out + err


def test_colour_marks_pass_green_and_failures_red(harness: Harness, make_ctx: Any) -> None:
    out, _ = _run(harness, make_ctx, [execution(), FAILING], color=True)
    assert "\x1b[32m✓\x1b[0m" in out
    assert "\x1b[31m✗\x1b[0m" in out
    assert "\x1b[2m    – later (skipped)\x1b[0m" in out  # skipped tests dimmed


def test_ascii_fallback_when_the_stream_cannot_encode_the_marks(harness: Harness, make_ctx: Any) -> None:
    out = FakeTTY("ascii")
    reporter = CliReporter(harness.bus, make_ctx(out=out))
    unicode_url = execution(url="https://api.example.test/caf\u00e9")
    harness.run([unicode_url, FAILING, BROKEN])
    reporter.close()
    text = out.getvalue()
    assert "+ Users / Get user  GET https://api.example.test/caf\u00e9" in text
    assert "x Auth / Login" in text
    assert "    | logging in" in text
    assert " - test \"status is 200\"" in text
    assert "✓" not in text and "│" not in text and "—" not in text


def test_unencodable_text_is_replaced_not_raised() -> None:
    class Strict(io.StringIO):
        encoding = "ascii"

        def write(self, s: str) -> int:
            s.encode("ascii")  # a real ascii terminal raises here
            return super().write(s)

    harness = Harness()
    out = Strict()
    ctx = ReporterContext(out, io.StringIO(), False, False, Redactor(), {}, RunOptions(collection="c"))
    CliReporter(harness.bus, ctx)
    harness.run([execution(url="https://x.test/\u65e5\u672c")])
    assert harness.bus.listener_errors == []
    assert "GET https://x.test/??" in out.getvalue()


def test_iteration_header_only_with_several_iterations(harness: Harness, make_ctx: Any) -> None:
    out, _ = _run(harness, make_ctx, [execution()])
    assert "Iteration" not in out
    other = Harness()
    two = [execution(iteration=0), execution(iteration=1)]
    out, _ = _run(other, make_ctx, two, iterations=2)
    assert "Iteration 1/2" in out and "Iteration 2/2" in out
    assert out.index("Iteration 1/2") < out.index("Iteration 2/2")


def test_quiet_prints_only_failures_and_the_summary(harness: Harness, make_ctx: Any) -> None:
    out, err = _run(harness, make_ctx, [execution(), FAILING, BROKEN], quiet=True)
    assert "Get user" not in out  # passing request left out
    assert "Demo API" not in out
    assert "✗ Auth / Login" in out
    assert "    ✗ status is 200: expected 401 to equal 200" in out
    assert "has body" not in out and "later" not in out and "logging in" not in out
    assert "    ! request error: connection refused" in out
    assert "requests" in out and "Failures" in out
    assert err == ""


def test_summary_table_and_numbered_failure_list(harness: Harness, make_ctx: Any) -> None:
    runs = [
        execution(iteration=0),
        FAILING,
        execution(iteration=1),
        execution(iteration=1, position=1, path=FAILING.cursor.path, tests=FAILING.tests, scripts_run=2,
                  scripts_failed=1),
        BROKEN,
    ]
    out, _ = _run(harness, make_ctx, runs, iterations=2)
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.strip().startswith("total"))
    table = lines[head : head + 11]
    assert table[0].split() == ["total", "failed"]
    assert table[2].split() == ["iterations", "2"]
    assert table[3].split() == ["requests", "5", "1"]
    assert table[4].split() == ["tests", "8", "2"]
    assert table[5].split() == ["scripts", "5", "1"]
    assert table[7] == "duration      1.50 s"
    assert table[8] == "response time avg 35 ms, max 42 ms"  # (42 + 12.4 + 42 + 42) / 4
    assert "skipped tests: 2" in table[9]
    failures = lines[lines.index("Failures") + 1 :]
    assert failures == [  # identical failures are one line with a count
        '  1. Auth / Login — test "status is 200": expected 401 to equal 200 (2 times, iterations 1-2)',
        "  2. Broken [iteration 1] — request error: connection refused",
    ]


def test_single_iteration_failures_have_no_iteration_tag(harness: Harness, make_ctx: Any) -> None:
    out, _ = _run(harness, make_ctx, [FAILING])
    assert '  1. Auth / Login — test "status is 200": expected 401 to equal 200' in out


def test_dropped_failures_are_counted(harness: Harness, make_ctx: Any) -> None:
    out = io.StringIO()
    CliReporter(harness.bus, make_ctx(out=out))
    harness.start(1, 300)
    for position in range(250):
        harness.item(execution(position=position, tests=(Result("t", "failed", f"no {position}"),)))
    harness.finish()
    text = out.getvalue()
    assert "200. Users / Get user" in text
    assert "... and 50 more" in text


def test_identical_failures_are_one_line_with_a_count(harness: Harness, make_ctx: Any) -> None:
    out = io.StringIO()
    CliReporter(harness.bus, make_ctx(out=out))
    harness.start(300, 1)
    for n in range(300):
        harness.item(execution(iteration=n, position=n, tests=(Result("is 201", "failed", "got 200"),)))
    harness.finish()
    listed = out.getvalue().split("Failures\n", 1)[1].splitlines()
    assert listed == ['  1. Users / Get user — test "is 201": got 200 (300 times, iterations 1-300)']


def test_warnings_go_to_err_and_aborted_runs_say_so(harness: Harness, make_ctx: Any) -> None:
    out, err = io.StringIO(), io.StringIO()
    CliReporter(harness.bus, make_ctx(out=out, err=err))
    harness.start()
    cursor = Cursor(0, 0, "id-0", ("Users", "Get user"))
    harness.bus.emit(RunWarning("unresolved variable {{host}}", cursor))
    harness.item(execution(warnings=("no test ran",)))
    harness.finish(aborted="bail")
    assert err.getvalue() == "warning: Users / Get user: unresolved variable {{host}}\n"
    assert "    warning: no test ran\n" in out.getvalue()
    assert "Run stopped early: bail" in out.getvalue()


def test_no_secret_reaches_the_terminal_even_if_an_event_carries_one(harness: Harness, make_ctx: Any) -> None:
    leaky = execution(
        url=f"https://api.example.test/?token={SECRET}",
        status=f"OK {SECRET}",
        request_headers=(("Authorization", f"Bearer {SECRET}"),),
        tests=(Result(f"token is {SECRET}", "failed", f"expected {SECRET}"),),
        console=(f"the token is {SECRET}",),
        error=ErrorInfo("script", "post-response", f"bad {SECRET}"),
        warnings=(f"warn {SECRET}",),
    )
    out, err = io.StringIO(), io.StringIO()
    CliReporter(harness.bus, make_ctx(out=out, err=err))
    harness.start(name=f"Coll {SECRET}")
    harness.bus.emit(RunWarning(f"w {SECRET}"))
    harness.item(leaky)
    harness.finish(aborted=f"stop {SECRET}")
    text = out.getvalue() + err.getvalue()
    assert SECRET not in text
    assert "********" in text


def test_control_characters_from_the_server_are_stripped(harness: Harness, make_ctx: Any) -> None:
    out, _ = _run(harness, make_ctx, [execution(status="OK\x1b[2J\x07", console=("a\x1b]0;pwned\x07b",))])
    assert "\x1b" not in out and "\x07" not in out
    assert "200 OK[2J" in out


def test_every_line_is_flushed(harness: Harness, make_ctx: Any) -> None:
    class Counting(io.StringIO):
        flushes = 0

        def flush(self) -> None:
            Counting.flushes += 1

    out = Counting()
    CliReporter(harness.bus, make_ctx(out=out))
    harness.start()
    harness.item(execution())
    assert Counting.flushes >= out.getvalue().count("\n") > 0


def test_size_and_duration_formats() -> None:
    assert format_size(0) == "0 B"
    assert format_size(999) == "999 B"
    assert format_size(1234) == "1.2 kB"
    assert format_size(3_400_000) == "3.4 MB"
    assert format_size(5_000_000_000) == "5.0 GB"
    assert format_duration(850.4) == "850 ms"
    assert format_duration(1250) == "1.25 s"
    assert format_duration(123_400) == "2m 03.4s"
