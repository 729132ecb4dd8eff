"""Script limits and worker hygiene through the real CLI, every reporter on.

- Host calls count against ``--timeout-script``: a loop of slow ``rq.sendRequest`` calls ends as
  a script timeout (exit 4) after the calls that fit, and the run goes on.
- Every job starts clean: a generator a script leaves in a reference cycle cannot act (console,
  tests, variables, host calls) inside a later request's script.
- NaN, Infinity and lone surrogates crossing the worker protocol never crash either side.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from support.build import api, folder, write_collection
from support.cli import CliResult, RunCli
from support.servers import RecordingServer


def _run(run_cli: RunCli, tmp_path: Path, *records: dict[str, Any], args: tuple[str, ...] = ()) -> CliResult:
    """A run with every reporter and export on; ``result.json`` is the JSON report."""
    path = write_collection(tmp_path / "c.json", folder("c", "Scripts"), *records)
    result = run_cli(
        "run", path, "--reporters", "cli,json,junit,html",
        "--reporter-json-export", tmp_path / "r.json", "--reporter-junit-export", tmp_path / "r.xml",
        "--reporter-html-export", tmp_path / "r.html", "--export-environment", tmp_path / "env.json",
        "--export-globals", tmp_path / "globals.json", *args,
    )
    assert "Traceback" not in result.output, result
    for name in ("r.json", "r.xml", "r.html", "env.json", "globals.json"):
        assert (tmp_path / name).is_file(), f"{name} missing: {result!r}"
    return result


def _executions(result: CliResult) -> dict[str, Any]:
    return {e["item"]["name"]: e for e in result.json["executions"]}


# --- host calls count against --timeout-script ----------------------------------------------------

def test_a_send_request_loop_ends_as_a_script_timeout_after_the_calls_that_fit(
        run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer) -> None:
    delay = 0.2
    recording_server.respond("/slow", delay=delay)
    recording_server.respond("/next", body={"ok": True})
    loop = f"while True:\n    rq.sendRequest('{recording_server.url}/slow')\n"
    result = _run(
        run_cli, tmp_path,
        api("r1", "Looping", "c", recording_server.url + "/start", post=loop),
        api("r2", "Next", "c", recording_server.url + "/next"),
        args=("--timeout-script", "500"),
    )
    assert result.code == 4, result
    looping, after = _executions(result)["Looping"], _executions(result)["Next"]
    assert looping["error"]["type"] == "script" and looping["error"]["kind"] == "timeout", looping["error"]
    assert "500 ms" in looping["error"]["message"]
    assert after["error"] is None and after["response"]["code"] == 200
    slow_calls = len(recording_server.requests.to("/slow"))
    assert 1 <= slow_calls <= 0.5 / delay + 1, f"{slow_calls} sendRequest calls in a 500 ms script"
    assert recording_server.requests.paths[-1] == "/next"


def test_a_slow_send_request_is_cut_at_the_script_limit(
        run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer) -> None:
    """One call slower than the whole script limit: the script times out, it does not wait for it."""
    recording_server.respond("/slower", delay=3.0)
    recording_server.respond("/next", body={"ok": True})
    post = (f"try:\n    rq.sendRequest('{recording_server.url}/slower')\nexcept Exception as exc:\n"
            "    rq.environment.set('swallowed', str(exc))\n")
    result = _run(
        run_cli, tmp_path,
        api("r1", "Slow call", "c", recording_server.url + "/start", post=post),
        api("r2", "Next", "c", recording_server.url + "/next"),
        args=("--timeout-script", "500", "--timeout-request", "10000"),
    )
    assert result.code == 4, result
    slow = _executions(result)["Slow call"]
    assert slow["error"]["kind"] == "timeout", slow["error"]
    exported = {v["key"] for v in json.loads((tmp_path / "env.json").read_text(encoding="utf-8"))["values"]}
    assert "swallowed" not in exported  # the timeout is not an exception the script can catch
    assert _executions(result)["Next"]["response"]["code"] == 200


# --- every job starts in a clean worker -------------------------------------------------------------

LEFTOVER = """
def late(act, log=console.log, test=rq.test, env=rq.environment.set, send=rq.sendRequest):
    try:
        yield 1
    finally:
        if act == 'console':
            log('late console')
        elif act == 'test':
            test('late test', str)
        elif act == 'env':
            env('late', 'from the first script')
        else:
            send('{url}/late')

cycle = []
for act in ['console', 'test', 'env', 'send']:
    gen = late(act)
    next(gen)
    cycle.append(gen)
cycle.append(cycle)
"""
LATER = "junk = [[i] for i in range(100000)]\nprint('second script')\nrq.test('mine', lambda: None)"


def test_a_generator_left_in_a_cycle_acts_in_its_own_request_never_in_a_later_one(
        run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer) -> None:
    """The attack: a script's generator, kept alive by a cycle, whose finally runs when a later
    script's allocations trigger the garbage collector, inside that script's job."""
    url = recording_server.url
    result = _run(
        run_cli, tmp_path,
        api("r1", "Leaves a generator", "c", url + "/first", post=LEFTOVER.replace("{url}", url)),
        api("r2", "Later", "c", url + "/second", post=LATER),
    )
    assert result.code == 0, result
    first, later = _executions(result)["Leaves a generator"], _executions(result)["Later"]
    assert first["console"] == ["late console"]
    assert [t["name"] for t in first["tests"]] == ["late test"]
    assert later["console"] == ["second script"]
    assert [t["name"] for t in later["tests"]] == ["mine"]
    assert recording_server.requests.paths == ["/first", "/late", "/second"]
    exported = json.loads((tmp_path / "env.json").read_text(encoding="utf-8"))["values"]
    assert {v["key"]: v["value"] for v in exported}.get("late") == "from the first script"


# --- NaN, Infinity and lone surrogates crossing the worker protocol ---------------------------------

SURROGATES = """
rq.environment.set('lone', 'a\\ud800b')
print('printed \\udfff')
console.log('logged', '\\udc00')
rq.test('name \\ud800', lambda: rq.expect('\\ud800').to.eql('x'))
"""


def test_non_finite_numbers_and_lone_surrogates_from_scripts_never_crash_a_run(
        run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer) -> None:
    url = recording_server.url
    recording_server.respond("/after", body={"ok": True})
    send = (f"rq.sendRequest({{'url': '{url}/sent', 'header': {{'X-N': float('nan')}}, "
            "'body': {'n': float('inf')}, 'method': 'POST'})\n"
            f"rq.sendRequest('{url}/lone\\ud800')")
    result = _run(
        run_cli, tmp_path,
        api("r1", "NaN variable", "c", url + "/1", post="rq.environment.set('x', float('nan'))"),
        api("r2", "Infinity variable", "c", url + "/2", post="rq.globals.set('y', float('-inf'))"),
        api("r3", "Timeout NaN", "c", url + "/3", pre="rq.request.timeout = float('nan')"),
        api("r4", "Surrogates", "c", url + "/4", post=SURROGATES),
        api("r5", "Surrogate error", "c", url + "/5", post="raise ValueError('bad \\ud800')"),
        api("r6", "Sends", "c", url + "/6", post=send),
        api("r7", "After", "c", url + "/after"),
    )
    assert result.code == 4, result
    runs = _executions(result)
    for name in ("NaN variable", "Infinity variable"):
        assert runs[name]["error"]["type"] == "script" and "finite number" in runs[name]["error"]["message"]
    assert runs["Timeout NaN"]["error"]["type"] == "script"
    assert runs["Surrogates"]["error"] is None
    assert runs["Surrogates"]["console"] == ["printed \ufffd", "logged \ufffd"]
    assert [(t["name"], t["status"]) for t in runs["Surrogates"]["tests"]] == [("name \ufffd", "failed")]
    assert "bad \ufffd" in runs["Surrogate error"]["error"]["message"]
    assert runs["Sends"]["error"] is None, runs["Sends"]["error"]
    sent = recording_server.requests.to("/sent")[0]
    assert sent.header("X-N") == "NaN" and sent.text == '{"n": Infinity}'
    # The pre-request script of r3 failed, so r3 was not sent.
    assert recording_server.requests.paths == ["/1", "/2", "/4", "/5", "/6", "/sent", "/lone\ufffd", "/after"]
    assert runs["After"]["response"]["code"] == 200
    exported = {v["key"]: v["value"] for v in json.loads((tmp_path / "env.json").read_text(encoding="utf-8"))["values"]}
    assert exported["lone"] == "a\ufffdb" and "x" not in exported
    ElementTree.parse(tmp_path / "r.xml")


def test_non_finite_numbers_in_an_environment_are_refused_before_any_script(
        run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer) -> None:
    """Python's JSON reader takes NaN and Infinity; rqrun's loaders refuse them (exit 3)."""
    environment = tmp_path / "env-in.json"
    environment.write_text(json.dumps({"name": "numbers", "values": [
        {"key": "n", "value": float("nan"), "enabled": True},
        {"key": "i", "value": float("-inf"), "enabled": True}]}), encoding="utf-8")
    collection = write_collection(tmp_path / "c.json", folder("c", "C"), api(
        "r1", "Reads", "c", recording_server.url + "/1", post="print(rq.environment.get('n'))"))
    result = run_cli("run", collection, "--environment", environment)
    assert result.code == 3, result
    assert "NaN is not a finite number" in result.stderr and "Traceback" not in result.stderr
    assert len(recording_server.requests) == 0


# --- a script's bad argument is the script's error ---------------------------------------------------

def test_bad_send_request_arguments_fail_the_script_with_exit_4_not_a_usage_error(
        run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer) -> None:
    url = recording_server.url
    bad = {
        "body mode": f"rq.sendRequest({{'url': '{url}/x', 'body': {{'mode': 'file'}}}})",
        "not a request": "rq.sendRequest(123)",
        "bad port": "rq.sendRequest('http://127.0.0.1:99999/')",
        "bad scheme": "rq.sendRequest('ftp://127.0.0.1/x')",
        "bad method": f"rq.sendRequest({{'url': '{url}/m', 'method': 'G ET'}})",
        "bad header": f"rq.sendRequest({{'url': '{url}/h', 'header': {{'Bad Name': 'v'}}}})",
    }
    records = [api(f"r{i}", name, "c", f"{url}/{i}", post=source) for i, (name, source) in enumerate(bad.items())]
    result = _run(run_cli, tmp_path, *records, api("after", "After", "c", url + "/after"))
    assert result.code == 4, result
    runs = _executions(result)
    for name in bad:
        assert runs[name]["error"]["type"] == "script", (name, runs[name]["error"])
        assert "rq.sendRequest" in runs[name]["error"]["message"] or "HostCallError" in runs[name]["error"]["message"]
    assert runs["After"]["error"] is None
    assert recording_server.requests.paths == [f"/{i}" for i in range(len(bad))] + ["/after"]
