"""The JSON report: the fields of cli.md, streaming, interrupted runs, redaction, flat memory."""

from __future__ import annotations

import gc
import json
import os
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from rqrun._version import __version__
from rqrun.errors import RunError, ScriptError, VaultLocked
from rqrun.events import ErrorInfo, ItemFinished, RunWarning
from rqrun.events import TestResult as Result  # aliased: pytest would try to collect Test*
from rqrun.reporters.json_report import JsonReporter

from reporter_kit import FINISHED_AT, SECRET, STARTED_AT, Harness, execution

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


def _reporter(harness: Harness, make_ctx: Any, path: Path) -> JsonReporter:
    return JsonReporter(harness.bus, make_ctx(options={"export": str(path)}))


def test_report_has_every_field_of_the_spec(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    reporter = _reporter(harness, make_ctx, path)
    harness.run([execution(), FAILING, BROKEN])
    assert reporter.close() == [str(path)]
    report = json.loads(path.read_text("utf-8"))

    assert report["rqrun_version"] == __version__
    assert report["collection"] == {"name": "Demo API", "source": "collections/demo.json"}
    run = report["run"]
    assert run["started_at"] == STARTED_AT
    assert run["finished_at"] == FINISHED_AT
    assert run["duration_ms"] == 1500
    assert run["iterations"] == 1
    assert run["stats"] == {
        "requests": {"total": 3, "failed": 1},
        "tests": {"total": 3, "passed": 1, "failed": 1, "skipped": 1},
        "scripts": {"total": 2, "failed": 0},
    }
    assert run["exit_code"] == 4
    assert run["aborted"] is None
    assert report["complete"] is True

    first, second, third = report["executions"]
    assert first == {
        "iteration": 0,
        "item": {"id": "id-0", "name": "Get user", "path": ["Users", "Get user"]},
        "request": {
            "method": "GET",
            "url": "https://api.example.test/users/1",
            "headers": {"Accept": "application/json"},
        },
        "response": {
            "code": 200,
            "status": "OK",
            "headers": {"Content-Type": "application/json"},
            "time_ms": 42.0,
            "size": 1234,
            "body": '{"id": 1}',
            "http_version": "HTTP/1.1",
        },
        "tests": [{"name": "status is 200", "status": "passed", "error": None, "source": "post-response"}],
        "console": [],
        "error": None,
        "warnings": [],
        "attempts": 1,
        "scripts": {"run": 1, "failed": 0},  # lets merge-reports count scripts again
    }
    assert [t["status"] for t in second["tests"]] == ["failed", "skipped"]
    assert second["tests"][0]["error"] == "expected 401 to equal 200"
    assert second["console"] == ["logging in"]
    assert third["response"] is None
    assert third["error"] == {"type": "request", "source": "request", "message": "connection refused", "kind": "network"}
    assert report["failures"] == [
        {"iteration": 0, "path": ["Auth", "Login"], "kind": "test", "name": "status is 200",
         "message": "expected 401 to equal 200"},
        {"iteration": 0, "path": ["Broken"], "kind": "request", "name": "request", "message": "connection refused"},
    ]
    assert report["warnings"] == []
    assert not Path(str(path) + ".partial").exists()


def test_headers_are_objects_merged_masked_with_set_cookie_as_a_list(
    harness: Harness, make_ctx: Any, tmp_path: Path
) -> None:
    path = tmp_path / "r.json"
    reporter = _reporter(harness, make_ctx, path)
    ex = execution(
        request_headers=(("Authorization", "Bearer abc.def"), ("Accept", "a/b"), ("accept", "c/d")),
        response_headers=(("Set-Cookie", "a=1"), ("Vary", "Accept"), ("set-cookie", "b=2"), ("VARY", "Origin")),
    )
    harness.run([ex])
    reporter.close()
    (entry,) = json.loads(path.read_text("utf-8"))["executions"]
    assert entry["request"]["headers"] == {"Authorization": "Bearer ********", "Accept": "a/b, c/d"}
    assert entry["response"]["headers"] == {"Set-Cookie": ["********", "********"], "Vary": "Accept, Origin"}


def test_executions_are_streamed_to_the_partial_file(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    reporter = _reporter(harness, make_ctx, path)
    harness.start()
    harness.item(execution(position=0))
    harness.item(execution(position=1))
    # no flush here: every execution reaches the OS as it finishes (a killed run keeps it)
    partial = Path(str(path) + ".partial").read_text("utf-8")
    assert partial.count('"iteration": 0') == 2
    assert not path.exists()
    harness.finish()
    reporter.close()
    assert path.exists() and not Path(str(path) + ".partial").exists()


def _interrupted(harness: Harness, reporter: JsonReporter, path: Path, **close: Any) -> dict[str, Any]:
    harness.start(iterations=1, items=5)
    harness.iteration(0)
    harness.item(execution(position=0))
    harness.item(FAILING)
    assert reporter.close(**close) == [str(path)]
    return json.loads(path.read_text("utf-8"))  # type: ignore[no-any-return]


def test_interrupted_run_still_leaves_valid_json(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    reporter = _reporter(harness, make_ctx, path)
    report = _interrupted(harness, reporter, path, error=ScriptError("worker died"))
    assert report["complete"] is False
    assert len(report["executions"]) == 2
    assert report["run"]["stats"]["requests"]["total"] == 2
    assert report["run"]["stats"]["tests"]["failed"] == 1
    assert report["run"]["exit_code"] == 4
    assert report["run"]["aborted"] == "error"
    assert "worker died" in report["run"]["error"]
    assert report["run"]["started_at"] == STARTED_AT and report["run"]["finished_at"]
    assert len(report["failures"]) == 1


def test_interrupted_exit_code_comes_from_the_exception_being_handled(
    harness: Harness, make_ctx: Any, tmp_path: Path
) -> None:
    path = tmp_path / "r.json"
    reporter = _reporter(harness, make_ctx, path)
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt:
        report = _interrupted(harness, reporter, path)
    assert report["run"]["exit_code"] == 130
    assert report["run"]["aborted"] == "interrupted"


def test_interrupted_exit_code_keeps_the_highest(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    report = _interrupted(harness, _reporter(harness, make_ctx, path), path, error=VaultLocked("no key"))
    assert report["run"]["exit_code"] == 5


def test_close_without_any_event_writes_a_valid_empty_report(make_ctx: Any, tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "r.json"  # parent folders are created
    reporter = _reporter(Harness(), make_ctx, path)
    reporter.close()
    report = json.loads(path.read_text("utf-8"))
    assert report["executions"] == []
    assert report["collection"]["source"] == "collections/demo.json"
    assert report["complete"] is False
    assert report["run"]["exit_code"] >= 4


def test_close_twice_returns_the_same_paths(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    reporter = _reporter(harness, make_ctx, tmp_path / "r.json")
    harness.run([execution()])
    assert reporter.close() == reporter.close() == [str(tmp_path / "r.json")]


def test_default_path_is_rqrun_report_json(harness: Harness, make_ctx: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    reporter = JsonReporter(harness.bus, make_ctx())
    harness.run([execution()])
    assert reporter.close() == [str(tmp_path / "rqrun-report.json")]
    json.loads((tmp_path / "rqrun-report.json").read_text("utf-8"))


def test_run_warnings_and_aborted_are_reported(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    reporter = _reporter(harness, make_ctx, path)
    harness.start()
    harness.bus.emit(RunWarning("collection has no requests in folder X"))
    harness.item(execution(warnings=("no tests",)))
    harness.finish(aborted="bail")
    reporter.close()
    report = json.loads(path.read_text("utf-8"))
    assert report["warnings"] == [{"message": "collection has no requests in folder X"}]
    assert report["executions"][0]["warnings"] == ["no tests"]
    assert report["run"]["aborted"] == "bail"


def test_no_secret_in_the_report_even_if_an_event_carries_one(
    harness: Harness, make_ctx: Any, tmp_path: Path
) -> None:
    path = tmp_path / "r.json"
    reporter = _reporter(harness, make_ctx, path)
    leaky = execution(
        url=f"https://api.example.test/?token={SECRET}",
        request_headers=(("X-Custom", SECRET), ("Authorization", f"Bearer {SECRET}")),
        response_headers=((f"X-{SECRET}", "v"),),
        body=json.dumps({"token": SECRET, "quoted": f'"{SECRET}"'}),
        tests=(Result(f"token is {SECRET}", "failed", f"expected {SECRET}"),),
        console=(f"the token is {SECRET}",),
        error=ErrorInfo("script", "post-response", f"bad {SECRET}"),
        warnings=(f"warn {SECRET}",),
    )
    harness.start(name=f"Coll {SECRET}")
    harness.bus.emit(RunWarning(f"w {SECRET}"))
    harness.item(leaky)
    harness.finish(aborted=f"stop {SECRET}")
    reporter.close()
    text = path.read_text("utf-8")
    json.loads(text)
    assert SECRET not in text
    assert "********" in text


def test_unwritable_report_raises_a_run_error_on_close(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
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


def test_memory_stays_flat_over_50000_executions(make_ctx: Any, tmp_path: Path) -> None:
    """Nothing is kept per execution: allocated blocks do not grow and the traced peak is small.

    tracemalloc slows JSON encoding about tenfold, so it traces the last 10,000 executions
    (where anything retained per execution would have piled up to well over 5 MB) while
    ``sys.getallocatedblocks`` checks the whole run for even one object kept per execution.
    """
    harness = Harness()
    path = tmp_path / "big.json"
    reporter = _reporter(harness, make_ctx, path)
    events = [ItemFinished(execution(position=i, body="x" * 200, console=("line",))) for i in range(10)]
    harness.start(iterations=5000, items=10)
    emit = harness.bus.emit
    for n in range(10_000):
        emit(events[n % 10])
    gc.collect()
    blocks_before = sys.getallocatedblocks()
    for n in range(10_000, 40_000):
        emit(events[n % 10])
    tracemalloc.start()
    try:
        for n in range(40_000, 50_000):
            emit(events[n % 10])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    gc.collect()
    growth = sys.getallocatedblocks() - blocks_before
    harness.finish()
    reporter.close()
    assert peak < 5 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    assert growth < 5_000, f"{growth} blocks kept over 40,000 executions"
    assert os.path.getsize(path) > 50_000 * 200
    with path.open("rb") as handle:
        handle.seek(-200, os.SEEK_END)
        assert b'"complete": true' in handle.read()
