"""End to end: ``rqrun run --shard K/N`` and ``rqrun merge-reports`` give back one run's reports.

Three shards of a 30-row data run, merged, must report what one unsharded run reports: the
same executions in the same order with the same global iteration numbers, the same tests and
failures, the same totals and exit code. Only timings, dates and ids that differ between any
two runs are left out of the comparison.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from support.build import api, folder, write_collection
from support.cli import RunCli
from support.servers import RecordingServer

ROWS = 30
# Every fifth row fails a test, so the merged failures and exit code are compared too.
POST = (
    'rq.test("status is 200", lambda: rq.response.to.have.status(200))\n'
    'rq.test("n is not a multiple of 5", lambda: rq.iterationData.get("n") % 5 != 0)\n'
    'print("iteration", rq.info.iteration, "of", rq.info.iterationCount, "n", rq.iterationData.get("n"))'
)
TIMING_KEYS = {"time_ms", "duration_ms", "started_at", "finished_at", "avg_ms", "min_ms", "max_ms", "p50_ms",
               "p95_ms", "p99_ms", "response_time"}


def _collection(tmp_path: Path, url: str) -> tuple[Path, Path]:
    shop = folder("c", "Shop")
    shop["data"]["postRequest"] = "kept by the app, unknown to rqrun"  # one load warning per run
    path = write_collection(
        tmp_path / "c.json",
        shop,
        api("a", "item", "c", url + "/item/{{n}}", post=POST),
        api("b", "price", "c", url + "/price/{{n}}?name={{name}}",
            post='rq.test("price ok", lambda: rq.response.code == 200)'),
    )
    data = tmp_path / "rows.csv"
    data.write_text("n,name\n" + "".join(f"{i},row-{i}\n" for i in range(1, ROWS + 1)), encoding="utf-8")
    return path, data


def _without_timings(value: Any) -> Any:
    """The report with every timing, date and per-run header value taken out."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in TIMING_KEYS or key.endswith("_ms") or key.endswith("_at"):
                continue
            if key == "headers" and isinstance(item, dict):
                item = {k: v for k, v in item.items() if k.lower() not in ("date",)}
            out[key] = _without_timings(item)
        return out
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def _junit(path: Path) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """Each test case: suite, name, outcome and message, in file order (times left out)."""
    root = ET.parse(path).getroot()
    cases = []
    for suite in root.iter("testsuite"):
        for case in suite.iter("testcase"):
            outcome = next((child.tag for child in case if child.tag in ("failure", "error", "skipped")), "passed")
            messages = tuple(child.get("message") or "" for child in case if child.tag in ("failure", "error"))
            cases.append((suite.get("name") or "", case.get("name") or "", outcome, messages))
    return cases


def test_three_shards_merged_report_what_one_run_reports(run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer) -> None:
    collection, data = _collection(tmp_path, recording_server.url)
    whole = run_cli("run", collection, "-d", data, "-r", "json,junit", "--reporter-json-export", tmp_path / "whole.json",
                    "--reporter-junit-export", tmp_path / "whole.xml")
    assert whole.code == 1, whole  # rows 5, 10, ... fail a test
    unsharded_paths = recording_server.requests.paths
    recording_server.requests.clear()

    shards = []
    for k in (1, 2, 3):
        out = tmp_path / f"shard-{k}.json"
        result = run_cli("run", collection, "-d", data, "--shard", f"{k}/3", "-r", "json", "--reporter-json-export", out)
        assert result.code == 1, result  # each block of ten rows holds two multiples of 5
        shards.append(out)
    # Each shard ran one contiguous block of ten rows, with the global iteration numbers.
    blocks = [[e["iteration"] for e in json.loads(p.read_text("utf-8"))["executions"]] for p in shards]
    assert blocks == [sorted(list(range(k * 10, k * 10 + 10)) * 2) for k in range(3)]
    assert sorted(recording_server.requests.paths) == sorted(unsharded_paths)

    # Merge in a shuffled order: the merged report is in iteration order anyway.
    merged = run_cli("merge-reports", shards[2], shards[0], shards[1], "-r", "json,junit,html",
                     "--reporter-json-export", tmp_path / "merged.json",
                     "--reporter-junit-export", tmp_path / "merged.xml",
                     "--reporter-html-export", tmp_path / "merged.html")
    assert merged.code == 1, merged

    expected = json.loads((tmp_path / "whole.json").read_text("utf-8"))
    got = json.loads((tmp_path / "merged.json").read_text("utf-8"))
    assert got["plan"]["iterations"] == ROWS
    assert [e["iteration"] for e in got["executions"]] == [i for i in range(ROWS) for _ in (0, 1)]
    assert got["executions"][-2]["console"] == [f"iteration {ROWS - 1} of {ROWS} n {ROWS}"]
    assert len(expected["warnings"]) == 1 and "postRequest" in expected["warnings"][0]["message"]
    assert _without_timings(got) == _without_timings(expected)
    assert _junit(tmp_path / "merged.xml") == _junit(tmp_path / "whole.xml")
    html = (tmp_path / "merged.html").read_text("utf-8")
    assert html.count('<details class="ex') == 2 * ROWS


@pytest.mark.parametrize("shard", ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", ""])
def test_bad_shard_is_a_usage_error_before_anything_is_sent(
    shard: str, run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer
) -> None:
    collection, data = _collection(tmp_path, recording_server.url)
    result = run_cli("run", collection, "-d", data, "--shard", shard)
    assert result.code == 2, result
    assert "--shard" in result.stderr and "Traceback" not in result.stderr
    assert recording_server.requests.paths == []


def test_more_shards_than_rows_leaves_some_shards_empty(run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer) -> None:
    collection, _ = _collection(tmp_path, recording_server.url)
    rows = tmp_path / "two.json"
    rows.write_text(json.dumps([{"n": 1, "name": "a"}, {"n": 2, "name": "b"}]), encoding="utf-8")
    iterations = []
    for k in (1, 2, 3):
        out = tmp_path / f"s{k}.json"
        result = run_cli("run", collection, "-d", rows, "--shard", f"{k}/3", "-r", "json", "--reporter-json-export", out)
        assert result.code == 0, result
        iterations.append(sorted({e["iteration"] for e in json.loads(out.read_text("utf-8"))["executions"]}))
    assert iterations == [[0], [1], []]
    assert len(recording_server.requests.paths) == 4


def test_iteration_count_is_sharded_too(run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer) -> None:
    path = write_collection(tmp_path / "c.json", folder("c", "C"), api("a", "ping", "c", recording_server.url + "/ping"))
    out = tmp_path / "s.json"
    result = run_cli("run", path, "-n", "7", "--shard", "2/3", "-r", "json", "--reporter-json-export", out)
    assert result.code == 0, result
    report = json.loads(out.read_text("utf-8"))
    assert [e["iteration"] for e in report["executions"]] == [3, 4]  # 7 = 3 + 2 + 2
    assert report["plan"]["iterations"] == 2


def test_shard_help_names_merge_reports(run_cli: RunCli) -> None:
    result = run_cli("run", "--help")
    assert re.search(r"--shard K/N", result.stdout) and "merge-reports" in result.stdout


def test_a_shard_on_parallel_threads_runs_the_same_block(run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer) -> None:
    collection, data = _collection(tmp_path, recording_server.url)
    out = tmp_path / "p.json"
    result = run_cli("run", collection, "-d", data, "--shard", "3/3", "--parallel", "3", "-r", "json", "--reporter-json-export", out)
    assert result.code == 1, result
    report = json.loads(out.read_text("utf-8"))
    assert [e["iteration"] for e in report["executions"]] == [i for i in range(20, 30) for _ in (0, 1)]
    assert sorted(r.path for r in recording_server.requests if r.path.startswith("/item/")) == sorted(f"/item/{n}" for n in range(21, 31))
