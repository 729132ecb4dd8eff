"""SIGTERM, SIGHUP and SIGKILL in the middle of a run: what CI is left with.

The real CLI runs a 200-request collection (20 requests x 10 iterations, no scripts, so a trial
is quick) against a local recording server. The server itself sends the signal when a seeded
random request arrives, after a seeded random delay of a few milliseconds, so the signal lands
anywhere: while a request is in flight, while a response is processed, while reports stream.
Every report must parse and count exactly the executions that finished, and those are the
first requests the server saw, in order.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from support.build import api, folder, write_collection
from support.servers import RecordedRequest, RecordingServer, Reply

REQUESTS = 20
ITERATIONS = 10
TRIALS = 20
SEED = 20261201


class Killer:
    """Sends ``signum`` to the rqrun process once the ``at``-th request arrives (plus ``delay``)."""

    def __init__(self, signum: int, at: int, delay: float) -> None:
        self.signum, self.at, self.delay = signum, at, delay
        self.pid = 0
        self.seen = 0
        self._lock = threading.Lock()

    def __call__(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.seen += 1
            fire = self.seen == self.at
        if fire:
            threading.Timer(self.delay, os.kill, (self.pid, self.signum)).start()
        return Reply(200, [("Content-Type", "text/plain")], b"ok")


def _collection(tmp_path: Path, base: str) -> Path:
    records = [folder("c", "Signals", variables={"base": base})]
    records += [api(f"r{i}", f"Request {i}", "c", "{{base}}/r/" + str(i)) for i in range(REQUESTS)]
    return write_collection(tmp_path / "c.json", *records)


def _start(cli_env: dict[str, str], tmp_path: Path, collection: Path) -> subprocess.Popen[bytes]:
    argv = [
        sys.executable, "-m", "rqrun", "run", str(collection), "-n", str(ITERATIONS), "-q",
        "--reporters", "cli,json,junit,html",
        "--reporter-json-export", str(tmp_path / "r.json"),
        "--reporter-junit-export", str(tmp_path / "r.xml"),
        "--reporter-html-export", str(tmp_path / "r.html"),
    ]
    return subprocess.Popen(argv, env=cli_env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)


def _urls_seen(server: RecordingServer) -> list[str]:
    return [r.path for r in server.requests.snapshot()]


def _json_count(report: dict[str, Any]) -> int:
    assert report["run"]["stats"]["requests"]["total"] == len(report["executions"])
    return len(report["executions"])


def _junit_count(text: str) -> int:
    root = ET.fromstring(text)
    return len(root.findall("testsuite"))


def _html_count(text: str) -> int:
    assert text.rstrip().endswith("</html>")
    return len(re.findall(r'<details class="ex[^"]*" id="ex-\d+"', text))


def _trial(cli_env: dict[str, str], tmp_path: Path, signum: int, at: int, delay: float) -> tuple[int, str, int]:
    """One run stopped by ``signum``; returns (exit code, stderr, executions reported)."""
    with RecordingServer() as server:
        killer = Killer(signum, at, delay)
        server.handle("/r/*", killer)
        proc = _start(cli_env, tmp_path, _collection(tmp_path, server.url))
        killer.pid = proc.pid
        _, err = proc.communicate(timeout=60)
        seen = _urls_seen(server)
    stderr = err.decode("utf-8", "replace")
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    finished = _json_count(report)
    junit = (tmp_path / "r.xml").read_text("utf-8")
    html = (tmp_path / "r.html").read_text("utf-8")
    assert _junit_count(junit) == finished, (at, delay)
    assert _html_count(html) == finished, (at, delay)
    # Every reported execution is one the server answered, in order; at most the one in flight
    # when the signal came was abandoned.
    assert [e["request"]["url"].split("/", 3)[-1] for e in report["executions"]] == [p.lstrip("/") for p in seen[:finished]]
    assert len(seen) - 1 <= finished <= len(seen)
    name = signal.Signals(signum).name
    assert report["complete"] is True and report["run"]["aborted"] == "interrupted"
    assert report["run"]["signal"] == name
    assert f"interrupted by {name}" in junit and f"interrupted by {name}" in html
    assert not list(tmp_path.glob("*.partial")) and not list(tmp_path.glob(".*.tmp"))
    assert report["run"]["exit_code"] == proc.returncode
    return proc.returncode, stderr, finished


def test_sigterm_at_random_points_leaves_complete_reports_and_exits_143(cli_env, tmp_path):
    rng = random.Random(SEED)
    counts = []
    for trial in range(TRIALS):
        work = tmp_path / f"t{trial}"
        work.mkdir()
        at = rng.randint(1, REQUESTS * ITERATIONS - 20)
        code, stderr, finished = _trial(cli_env, work, signal.SIGTERM, at, rng.uniform(0, 0.003))
        assert code == 143, stderr
        assert "Traceback" not in stderr
        counts.append(finished)
    assert len(set(counts)) > 1  # the signal really landed at different points


@pytest.mark.parametrize(("signum", "expected"), [(signal.SIGHUP, 129), (signal.SIGINT, 130)])
def test_sighup_and_sigint_exit_with_their_codes_and_complete_reports(signum, expected, cli_env, tmp_path):
    code, stderr, finished = _trial(cli_env, tmp_path, signum, 57, 0.001)
    assert code == expected, stderr
    assert finished >= 56  # the 57th request was in flight, or answered, or a few more


def test_after_sigkill_merge_reports_recovers_every_finished_execution(cli_env, run_cli, tmp_path):
    with RecordingServer() as server:
        killer = Killer(signal.SIGKILL, 73, 0.002)
        server.handle("/r/*", killer)
        proc = _start(cli_env, tmp_path, _collection(tmp_path, server.url))
        killer.pid = proc.pid
        proc.communicate(timeout=60)
        seen = _urls_seen(server)
    assert proc.returncode == -signal.SIGKILL
    assert not (tmp_path / "r.json").exists()
    partial = tmp_path / "r.json.partial"
    # Every finished execution reached the OS before the kill, in each report's .partial file.
    lines = [line for line in partial.read_text("utf-8").splitlines() if line.startswith("    {")]
    junit_pieces = (tmp_path / "r.xml.partial").read_text("utf-8").count("<testsuite ")
    html_pieces = (tmp_path / "r.html.partial").read_text("utf-8").count('<details class="ex')

    result = run_cli("merge-reports", partial, "-r", "json,junit,html",
                     "--reporter-json-export", tmp_path / "merged.json",
                     "--reporter-junit-export", tmp_path / "merged.xml",
                     "--reporter-html-export", tmp_path / "merged.html")
    assert result.code == 4, result  # the run did not finish: never a success
    assert f"{partial}: the run did not finish; recovered" in result.stderr
    merged = json.loads((tmp_path / "merged.json").read_text("utf-8"))
    finished = _json_count(merged)
    assert len(seen) - 1 <= finished <= len(seen) and finished >= 72
    assert finished in (len(lines), len(lines) - 1)  # a half-written last line is dropped
    assert junit_pieces >= finished and html_pieces >= finished
    assert [e["request"]["url"].split("/", 3)[-1] for e in merged["executions"]] == [p.lstrip("/") for p in seen[:finished]]
    assert merged["complete"] is False and merged["run"]["exit_code"] == 4
    assert _junit_count((tmp_path / "merged.xml").read_text("utf-8")) == finished
    assert _html_count((tmp_path / "merged.html").read_text("utf-8")) == finished


def test_merge_reports_puts_shards_in_iteration_order(run_cli, tmp_path, recording_server):
    collection = _collection(tmp_path, recording_server.url)
    first = run_cli("run", collection, "-n", "2", "-r", "json", "--reporter-json-export", tmp_path / "a.json")
    second = run_cli("run", collection, "-n", "3", "-r", "json", "--reporter-json-export", tmp_path / "b.json")
    assert first.code == second.code == 0
    result = run_cli("merge-reports", tmp_path / "a.json", tmp_path / "b.json", "--reporter-json-export", tmp_path / "m.json")
    assert result.code == 0, result
    merged = json.loads((tmp_path / "m.json").read_text("utf-8"))
    assert [e["iteration"] for e in merged["executions"]] == sorted([0] * 40 + [1] * 40 + [2] * 20)
    assert merged["run"]["stats"]["requests"]["total"] == 100 and merged["complete"] is True


def test_merge_reports_refuses_what_is_not_a_report(run_cli, tmp_path):
    (tmp_path / "x.json").write_text('{"hello": 1}', encoding="utf-8")
    result = run_cli("merge-reports", tmp_path / "x.json")
    assert result.code == 3
    assert result.stderr.strip().splitlines() == [
        f"rqrun: error: {tmp_path / 'x.json'}: not an rqrun JSON report (no executions list) (give rqrun JSON reports)"
    ]
    missing = run_cli("merge-reports", tmp_path / "nope.json")
    assert missing.code == 3 and "cannot read" in missing.stderr and "Traceback" not in missing.stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM])
def test_signal_before_any_report_is_open_still_exits_with_its_code(signum, cli_env, tmp_path):
    """A signal while the collection loads (no reporter yet) is an exit code, not a traceback."""
    slow = tmp_path / "c.json"
    slow.write_text(json.dumps({"schema_version": "1.0.0", "records": []}), encoding="utf-8")
    # stdin as the data file: rqrun waits on it, which is a point no request is in flight.
    proc = subprocess.Popen([sys.executable, "-m", "rqrun", "run", str(slow), "-d", "/dev/stdin"],
                            env=cli_env, cwd=tmp_path, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None
    # Wait until rqrun is up and blocked reading stdin: its handlers are then installed.
    _wait_for_read_of_stdin(proc.pid)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    assert err.decode().strip().splitlines()[-1] == "rqrun: interrupted (SIGTERM)"


def _wait_for_read_of_stdin(pid: int) -> None:
    """Poll /proc until the process sits in read() on its stdin (no guessing of timing)."""
    import time

    for _ in range(3000):
        try:
            syscall = Path(f"/proc/{pid}/syscall").read_text().split()
            if syscall and syscall[0] == "0":  # read(fd, ...) on the pipe that is its stdin
                fd = int(syscall[1], 16)
                if os.readlink(f"/proc/{pid}/fd/{fd}") == os.readlink(f"/proc/{pid}/fd/0"):
                    return
        except (OSError, IndexError, ValueError):
            pass
        time.sleep(0.005)
    raise AssertionError("rqrun never read its stdin")
