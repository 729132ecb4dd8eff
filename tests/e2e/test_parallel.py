"""--parallel N: iterations overlap, reports stay in order and identical, writes stay in their iteration."""

from __future__ import annotations

import json
import time

from support.build import api, folder, rows, write_collection


def _records(url):
    return (
        folder("c", "API"),
        api("r1", "First", "c", url + "/slow/1", query=rows(("row", "{{n}}")),
            post='rq.environment.set("seen", rq.iterationData.get("n"))\nrq.variables.set("mine", rq.iterationData.get("n"))\nrq.test("ok", lambda: rq.response.to.have.status(200))'),
        api("r2", "Second", "c", url + "/slow/2", query=rows(("seen", "{{seen}}"), ("mine", "{{mine}}"))),
    )


def _data(tmp_path, n):
    path = tmp_path / "rows.json"
    path.write_text(json.dumps([{"n": i} for i in range(n)]))
    return path


def _normalised(report):
    out = []
    for e in report["executions"]:
        e = dict(e)
        e["response"] = {k: v for k, v in e["response"].items() if k not in ("time_ms", "headers")}
        out.append(e)
    return out


def test_iterations_overlap_and_reports_match_a_sequential_run(run_cli, tmp_path, recording_server):
    recording_server.respond("/slow/*", body={"ok": True}, delay=0.25)
    path = write_collection(tmp_path / "c.json", *_records(recording_server.url))
    data = _data(tmp_path, 8)

    started = time.perf_counter()
    sequential = run_cli("run", path, "-d", data, "--reporters", "json", "--reporter-json-export", tmp_path / "seq.json",
                         "--export-environment", tmp_path / "seq-env.json")
    sequential_s = time.perf_counter() - started
    assert sequential.code == 0, sequential
    sequential_arrivals = [r.received_at for r in recording_server.requests]
    recording_server.requests.clear()

    started = time.perf_counter()
    parallel = run_cli("run", path, "-d", data, "--parallel", "4", "--reporters", "json", "--reporter-json-export", tmp_path / "par.json",
                       "--export-environment", tmp_path / "par-env.json")
    parallel_s = time.perf_counter() - started
    assert parallel.code == 0, parallel

    # 16 requests of 0.25 s: 4 s one after the other; four at a time about 1 s.
    assert sequential_s > 3.8
    assert parallel_s < sequential_s / 2
    arrivals = sorted(r.received_at for r in recording_server.requests)
    assert any(b - a < 0.05 for a, b in zip(arrivals, arrivals[1:]))  # several requests in flight at once
    assert all(b - a > 0.2 for a, b in zip(sequential_arrivals, sequential_arrivals[1:]))

    assert _normalised(sequential.json) == _normalised(parallel.json)
    assert [(e["iteration"], e["item"]["name"]) for e in parallel.json["executions"]] == [
        (i, name) for i in range(8) for name in ("First", "Second")
    ]
    # Each iteration reads its own writes; the export applies writes in iteration order.
    for r in recording_server.requests.to("/slow/2"):
        assert r.arg("seen") == r.arg("mine")
    seq_env = json.loads((tmp_path / "seq-env.json").read_text())
    par_env = json.loads((tmp_path / "par-env.json").read_text())
    assert seq_env["values"] == par_env["values"] == [{"key": "seen", "value": 7, "type": "default", "enabled": True}]


def test_run_variables_do_not_leak_between_parallel_iterations(run_cli, tmp_path, recording_server):
    records = (
        folder("c", "API"),
        api("r1", "Probe", "c", recording_server.url + "/p", query=rows(("before", "{{mine}}")),
            post='rq.variables.set("mine", "from-" + str(rq.info.iteration))'),
    )
    path = write_collection(tmp_path / "c.json", *records)
    result = run_cli("run", path, "-n", "4", "--parallel", "4")
    assert result.code == 0, result
    assert sorted(r.arg("before") for r in recording_server.requests) == ["{{mine}}"] * 4


def test_bail_stops_scheduling_new_iterations(run_cli, tmp_path, recording_server):
    records = (
        folder("c", "API"),
        api("r1", "Fails", "c", recording_server.url + "/x", post='rq.test("fails", lambda: rq.expect(1).to.equal(2))'),
    )
    path = write_collection(tmp_path / "c.json", *records)
    result = run_cli("run", path, "-n", "50", "--parallel", "2", "--bail", "--reporters", "json", "--reporter-json-export", tmp_path / "r.json")
    assert result.code == 1, result
    assert len(recording_server.requests) < 50
    assert result.json["run"]["aborted"] == "bail"
