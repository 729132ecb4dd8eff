"""``--timeout`` is a hard deadline: it stops the request and the script in flight (issue 11, point 6).

No wall-clock asserts: a run that ignored the deadline would wait 30 s for the server or 60 s for
the script, past the 20 s ``run_cli`` allows it, and the test would fail on that.
"""

from __future__ import annotations

from support.build import api, folder, write_collection


def _run(run_cli, tmp_path, *records, args=()):
    collection = write_collection(tmp_path / "c.json", folder("c", "Deadline"), *records)
    return run_cli("run", collection, "--reporters", "cli,json", "--reporter-json-export", tmp_path / "r.json",
                   *args, timeout=20)


def test_the_run_deadline_cuts_a_slow_request_in_flight(run_cli, tmp_path, recording_server):
    recording_server.respond("/slow", delay=30)
    result = _run(run_cli, tmp_path, api("a", "Slow", "c", recording_server.url + "/slow"),
                  api("b", "Never", "c", recording_server.url + "/never"),
                  args=("--timeout", "1500", "--timeout-request", "60000"))
    assert result.code == 4, result
    first = result.json["executions"][0]
    assert first["error"]["type"] == "request" and first["error"]["kind"] == "timeout", first["error"]
    assert "/never" not in recording_server.requests.paths
    assert result.json["run"]["aborted"] == "timeout"


def test_the_run_deadline_cuts_a_script_in_flight(run_cli, tmp_path, recording_server):
    result = _run(run_cli, tmp_path, api("a", "Spins", "c", recording_server.url + "/a", pre="while True:\n    pass"),
                  args=("--timeout", "1500", "--timeout-script", "60000"))
    assert result.code == 4, result
    error = result.json["executions"][0]["error"]
    assert error["type"] == "script" and error["kind"] == "timeout", error
    assert "/a" not in recording_server.requests.paths
