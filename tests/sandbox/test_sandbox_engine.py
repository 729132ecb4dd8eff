"""The engine and the worker process: contract, reuse, host calls, limits, and a hostile worker."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from rqrun.sandbox import (
    FailureKind,
    HostCallError,
    ScriptEngine,
    ScriptFailure,
    ScriptJob,
    ScriptResult,
    TestOutcome,
)
from rqrun.sandbox.engine import _WorkerProcess


def test_importing_the_package_is_cheap() -> None:
    code = ("import sys, rqrun.sandbox\n"
            "print('RestrictedPython' in sys.modules, 'rqrun.sandbox.engine' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_engine_is_lazy_and_reuses_its_worker(script_job: Any) -> None:
    with ScriptEngine(timeout_ms=2000) as engine:
        assert engine.worker_pid is None
        first = engine.run(script_job("x = 1"))
        pid = engine.worker_pid
        second = engine.run(script_job("x = 2"))
        assert pid is not None and engine.worker_pid == pid
        assert first.error is None and second.error is None and second.duration_ms > 0
    assert engine.worker_pid is None


def test_result_shape(engine: ScriptEngine, script_job: Any) -> None:
    result = engine.run(script_job(
        "rq.test('passes', lambda: rq.response.to.have.status(200))\n"
        "rq.test('fails', lambda: rq.expect(404).to.equal(200))\n"
        "rq.globals.set('k', 1.5)\nprint('hi')\n"))
    assert isinstance(result, ScriptResult)
    assert result.error is None and result.request is None
    assert result.tests == [TestOutcome("passes", "passed"), TestOutcome("fails", "failed", "expected 404 to equal 200")]
    assert result.console == ["hi"] and result.scope_ops == [("globals", "set", "k", 1.5)]
    assert not result.ok


def test_prerequest_returns_the_request(engine: ScriptEngine, script_job: Any) -> None:
    result = engine.run(script_job("rq.request.headers.upsert('Authorization', 'Bearer {{token}}')", "prerequest"))
    assert result.error is None
    assert result.request is not None
    assert result.request["headers"] == [{"key": "Authorization", "value": "Bearer {{token}}"}]


def test_runtime_error_keeps_tests_and_reports_the_line(engine: ScriptEngine, script_job: Any) -> None:
    result = engine.run(script_job("rq.test('a', lambda: None)\n\nx = {}['missing']\n"))
    assert result.error == ScriptFailure("runtime", "KeyError: 'missing'", 3)
    assert [t.name for t in result.tests] == ["a"]


def test_javascript_is_a_compile_error_for_the_engine(engine: ScriptEngine, script_job: Any) -> None:
    """The engine runs Python; the runner decides a script's language before it gets here."""
    result = engine.run(script_job("pm.test('x', function () {\n  pm.response.to.have.status(200);\n});"))
    assert result.error is not None and result.error.kind == FailureKind.COMPILE and result.error.line == 1


# --- host calls --------------------------------------------------------------------------------

def test_host_calls_and_host_errors(engine: ScriptEngine, script_job: Any, recording_host: Any) -> None:
    host = recording_host({"vault.get": "s3cret", "vault.has": True, "vault.set": HostCallError("AWS keys are read-only")})
    result = engine.run(script_job(
        "print(rq.vault.get('apiKey'))\nrq.expect(rq.vault.has('apiKey')).to.be.true\n"
        "try:\n    rq.vault.set('aws/key', 'v')\nexcept Exception as e:\n    print('refused:', e)\n"), host)
    assert result.error is None, result.error
    assert result.console == ["s3cret", "refused: AWS keys are read-only"]
    assert host.calls == [("vault.get", ["apiKey"]), ("vault.has", ["apiKey"]), ("vault.set", ["aws/key", "v"])]


def test_send_request_goes_through_the_host(engine: ScriptEngine, script_job: Any, recording_host: Any) -> None:
    answer = {"code": 200, "status": "OK", "headers": [{"key": "X", "value": "1"}], "body": '{"token": "t"}',
              "responseTime": 5.0}
    host = recording_host({"sendRequest": answer})
    result = engine.run(script_job("r = rq.sendRequest('https://auth.test/token')\n"
                                   "rq.environment.set('token', r.json()['token'])"), host)
    assert result.error is None and result.scope_ops == [("environment", "set", "token", "t")]
    assert host.calls[0][1][0]["url"] == "https://auth.test/token"


def test_a_host_bug_ends_the_script_with_kind_host(engine: ScriptEngine, script_job: Any, recording_host: Any) -> None:
    host = recording_host({"vault.get": RuntimeError("database on fire")})
    result = engine.run(script_job("try:\n    rq.vault.get('k')\nexcept Exception:\n    print('swallowed')\n"), host)
    assert result.error is not None and result.error.kind == "host"
    assert "database on fire" in result.error.message and result.console == []
    assert engine.run(script_job("print('next')")).console == ["next"]


def test_a_non_json_host_answer_is_a_host_failure(engine: ScriptEngine, script_job: Any, recording_host: Any) -> None:
    result = engine.run(script_job("rq.vault.get('k')"), recording_host({"vault.get": object()}))
    assert result.error is not None and result.error.kind == "host"


def test_host_time_counts_against_the_script(engine: ScriptEngine, script_job: Any, recording_host: Any) -> None:
    """Three 0.4 s vault reads do not fit in the 500 ms limit: the second comes back too late."""
    host = recording_host({"vault.get": lambda key: time.sleep(0.4) or "slow"})
    result = engine.run(script_job("for i in range(3):\n    rq.vault.get('k')\nprint('done')"), host)
    assert result.error is not None and result.error.kind == "timeout", result.error
    assert "host calls included" in result.error.message
    assert 1 <= len(host.calls) <= 2 and result.console == []


def test_the_host_is_given_the_scripts_deadline(engine: ScriptEngine, script_job: Any, recording_host: Any) -> None:
    host = recording_host({"vault.get": "v"})
    before = time.monotonic()
    result = engine.run(script_job("rq.vault.get('a')\nrq.vault.get('b')"), host)
    after = time.monotonic()
    assert result.error is None
    first, second = host.deadlines
    assert first == second  # one deadline for the whole script, not one per call
    assert before + engine.timeout_ms / 1000 <= first <= after + engine.timeout_ms / 1000


class _DeadlineHost:
    """A host that honours its deadline the slow way: it answers exactly when the time is up."""

    def __init__(self) -> None:
        self.calls = 0

    def call(self, name: str, args: list[Any], deadline: float) -> Any:
        self.calls += 1
        time.sleep(max(0.0, deadline - time.monotonic()))
        return "late"


def test_an_answer_at_the_deadline_ends_the_script_as_a_timeout_without_a_kill(
        engine: ScriptEngine, script_job: Any) -> None:
    engine.run(script_job("x = 1"))
    pid = engine.worker_pid
    host = _DeadlineHost()
    source = "try:\n    rq.vault.get('k')\nexcept Exception:\n    print('caught')\nprint('after')"
    result = engine.run(script_job(source), host)
    assert result.error is not None and result.error.kind == "timeout", result.error
    assert host.calls == 1 and result.console == []
    assert engine.worker_pid == pid  # the worker reported the timeout itself


def test_ctrl_c_in_the_host_discards_the_worker(script_job: Any, recording_host: Any) -> None:
    with ScriptEngine(timeout_ms=2000) as engine:
        engine.run(script_job("x = 1"))
        pid = engine.worker_pid
        with pytest.raises(KeyboardInterrupt):
            engine.run(script_job("rq.vault.get('k')"), recording_host({"vault.get": KeyboardInterrupt()}))
        assert engine.run(script_job("print('again')")).console == ["again"]
        assert engine.worker_pid != pid


# --- every job starts clean -----------------------------------------------------------------------

#: Generators left in a reference cycle, one per effect, each holding what it needs as a default
#: argument (the script's globals, and with them every guard and ``_tick_``, are gone when a
#: finaliser runs; ``str`` stands for a test function because a script's own would tick).
LEFTOVERS = """
def late(act, log=console.log, test=rq.test, env=rq.environment.set, vault=rq.vault.get,
         send=rq.sendRequest):
    try:
        yield 1
    finally:
        if act == 'print':
            print('late print')
        elif act == 'console':
            log('late console')
        elif act == 'test':
            test('late test', str)
        elif act == 'env':
            env('late', 'yes')
        elif act == 'vault':
            vault('late-key')
        else:
            send('https://late.test/')

cycle = []
for act in ['print', 'console', 'test', 'env', 'vault', 'send']:
    gen = late(act)
    next(gen)
    cycle.append(gen)
cycle.append(cycle)
print('first script done')
"""
LATER = "junk = [[i] for i in range(100000)]\nprint('second script')\nrq.test('mine', lambda: None)"


def test_a_scripts_leftover_generators_never_act_in_a_later_job(script_job: Any, recording_host: Any) -> None:
    """The finalisers run when their own script ends (effects on its own result), never in the next."""
    with ScriptEngine(timeout_ms=2000) as engine:
        first_host = recording_host({"vault.get": "v", "sendRequest": {"code": 200, "status": "OK", "headers": [],
                                                                        "body": "", "responseTime": 1.0}})
        first = engine.run(script_job(LEFTOVERS), first_host)
        later_host = recording_host({"vault.get": "v"})
        later = engine.run(script_job(LATER), later_host)
    assert first.error is None, first.error
    assert first.console == ["first script done", "late print", "late console"]
    assert [(t.name, t.status) for t in first.tests] == [("late test", "passed")]
    assert first.scope_ops == [("environment", "set", "late", "yes")]
    assert [call[0] for call in first_host.calls] == ["vault.get", "sendRequest"]
    assert later.error is None, later.error
    assert later.console == ["second script"]
    assert [t.name for t in later.tests] == ["mine"] and later.scope_ops == []
    assert later_host.calls == []


# --- limits ---------------------------------------------------------------------------------------

def test_a_c_level_hog_is_killed_and_the_worker_replaced(engine: ScriptEngine, script_job: Any) -> None:
    engine.run(script_job("x = 1"))
    pid = engine.worker_pid
    # The match would take longer than the universe: only the limit can end it (a "timeout").
    result = engine.run(script_job("import re\nre.match('(a+)+$', 'a' * 64 + 'b')"))
    assert result.error is not None and result.error.kind == "timeout"
    assert engine.worker_pid != pid
    assert engine.run(script_job("print('fresh')")).console == ["fresh"]


def test_memory_limit_is_configurable(script_job: Any) -> None:
    grab = "x = [b'x' * 10**7 for i in range(15)]\nprint('held', len(x))"
    with ScriptEngine(timeout_ms=3000, memory_mb=128) as small:
        result = small.run(script_job(grab))
        assert result.error is not None and result.error.kind == "memory"
        assert "128 MiB" in result.error.message
    with ScriptEngine(timeout_ms=3000, memory_mb=512) as large:
        assert large.run(script_job(grab)).console == ["held 15"]


def test_output_limit_is_configurable(script_job: Any) -> None:
    with ScriptEngine(timeout_ms=2000, output_limit=100) as engine:
        result = engine.run(script_job("for i in range(20):\n    print('0123456789')"))
        assert result.error is not None and result.error.kind == "output"
        assert len(result.console) < 10


def test_worker_runs_with_os_limits_and_a_clean_environment(engine: ScriptEngine, script_job: Any,
                                                            planted_secret: str) -> None:
    engine.run(script_job("x = 1"))
    pid = engine.worker_pid
    limits = Path(f"/proc/{pid}/limits").read_text()
    rows = {line[:26].strip(): line[26:].split() for line in limits.splitlines()[1:]}
    assert rows["Max address space"][0] == str(256 * 1024 * 1024)
    assert rows["Max file size"][0] == "0"
    assert rows["Max open files"][0] == "16"
    assert rows["Max core file size"][0] == "0"
    environ = Path(f"/proc/{pid}/environ").read_bytes()
    assert planted_secret.encode() not in environ
    assert os.readlink(f"/proc/{pid}/cwd") == "/"


# --- a hostile worker -----------------------------------------------------------------------------

FAKE_WORKER = """
import json, os, pickle, struct, sys
def read():
    size = struct.unpack('>I', os.read(0, 4))[0]
    data = b''
    while len(data) < size:
        data += os.read(0, size - len(data))
    return json.loads(data)
def send_raw(data):
    os.write(1, struct.pack('>I', len(data)) + data)
def send(obj):
    send_raw(json.dumps(obj).encode())
read()
send({'op': 'ready'})
read()
MODE = %r
TARGET = %r
if MODE == 'pickle':
    class Boom:
        def __reduce__(self):
            return (os.system, ('touch ' + TARGET,))
    send_raw(pickle.dumps(Boom()))
elif MODE == 'huge':
    os.write(1, struct.pack('>I', 2**31))
elif MODE == 'forged-host':
    send({'op': 'host', 'name': 'os.system', 'args': ['touch ' + TARGET]})
elif MODE == 'bad-kind':
    send({'op': 'result', 'error': {'kind': 'pwned', 'message': 'x', 'line': None}, 'tests': [], 'console': [],
          'scope_ops': [], 'request': None})
elif MODE == 'bad-scope':
    send({'op': 'result', 'error': None, 'tests': [], 'console': [], 'scope_ops': [['os', 'set', 'k', 1]],
          'request': None})
elif MODE == 'nan':
    send_raw(b'{"op": "result", "error": null, "tests": [], "console": [], "scope_ops": [], "request": '
             b'{"id": "r1", "name": "n", "url": "http://x.test/", "method": "GET", "headers": [], '
             b'"queryParams": [], "bodyMode": "none", "body": null, "timeout": NaN}}')
elif MODE == 'surrogates':
    send({'op': 'result', 'error': None, 'tests': [['t\\udc00', 'passed', None]], 'console': ['\\ud800 lone'],
          'scope_ops': [['environment', 'set', 'k\\udfff', 'v\\\\ud800']], 'request': None})
elif MODE == 'silent':
    import time
    time.sleep(30)
sys.stdin.read()
"""


@pytest.mark.parametrize("mode, fragment", [
    ("pickle", "invalid message"), ("huge", "invalid message"), ("forged-host", "invalid message"),
    ("bad-kind", "invalid message"), ("bad-scope", "invalid message"), ("silent", "time limit"),
    ("nan", "invalid message"),
])
def test_a_hostile_worker_cannot_reach_the_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script_job: Any,
                                                  recording_host: Any, mode: str, fragment: str) -> None:
    target = tmp_path / "pwned"
    fake = tmp_path / "fake_worker.py"
    fake.write_text(textwrap.dedent(FAKE_WORKER % (mode, str(target))))
    monkeypatch.setattr(_WorkerProcess, "command", (sys.executable, str(fake)))
    host = recording_host()
    with ScriptEngine(timeout_ms=300) as engine:
        result = engine.run(script_job("x = 1"), host)
    assert result.error is not None and fragment in result.error.message
    assert result.error.kind in ("killed", "timeout")
    assert not target.exists() and host.calls == []


def test_lone_surrogates_from_a_worker_arrive_as_replacement_characters(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script_job: Any) -> None:
    """A lone surrogate cannot be written as UTF-8: one in a report would crash the run at its end."""
    fake = tmp_path / "fake_worker.py"
    fake.write_text(textwrap.dedent(FAKE_WORKER % ("surrogates", "")))
    monkeypatch.setattr(_WorkerProcess, "command", (sys.executable, str(fake)))
    with ScriptEngine(timeout_ms=300) as engine:
        result = engine.run(script_job("x = 1"))
    assert result.error is None, result.error
    assert result.console == ["\ufffd lone"] and result.tests == [TestOutcome("t\ufffd", "passed")]
    assert result.scope_ops == [("environment", "set", "k\ufffd", "v\\ud800")]  # an escaped backslash stays text


def test_non_finite_numbers_and_lone_surrogates_in_a_job_reach_the_script_as_text(
        engine: ScriptEngine) -> None:
    job = ScriptJob(source="print(rq.environment.toObject())\nprint(ascii(rq.iterationData.get('lone')))",
                    location="Inputs", phase="postresponse",
                    scopes={"environment": {"n": float("nan"), "i": float("inf"), "m": float("-inf"), "f": 1.5},
                            "iterationData": {"lone": "a\ud800b"}},
                    request={"id": "r1", "name": "R", "url": "https://example.test/", "method": "GET", "headers": [],
                             "queryParams": [], "bodyMode": "none", "body": None},
                    response={"code": 200, "status": "OK", "headers": [], "body": "", "responseTime": float("nan")})
    result = engine.run(job)
    assert result.error is None, result.error
    assert result.console == ["{'n': 'NaN', 'i': 'Infinity', 'm': '-Infinity', 'f': 1.5}", "'a\\ufffdb'"]


def test_a_worker_that_dies_at_start_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script_job: Any) -> None:
    monkeypatch.setattr(_WorkerProcess, "command", (sys.executable, "-c", "raise SystemExit(3)"))
    with ScriptEngine(timeout_ms=300) as engine:
        result = engine.run(script_job("x = 1"))
    assert result.error is not None and result.error.kind == "killed"
    assert "could not start" in result.error.message
