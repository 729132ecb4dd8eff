"""--parallel N: iterations overlap, reports stay in order and identical, writes stay in their iteration."""

from __future__ import annotations

import json
import threading

from support.build import api, folder, rows, write_collection
from support.servers import RecordedRequest, Reply


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


class _InFlight:
    """A server handler that counts requests in flight, the most at once included.

    With ``gate=N`` each request is held until N are in flight together (then the gate stays
    open), so a runner that overlaps iterations reaches N whatever the machine's load, and one
    that does not stalls once, for ``hold`` seconds, and shows fewer. A request leaves the count
    before its answer is written, so a client that waits for each answer never shows two.
    """

    def __init__(self, gate: int = 1, hold: float = 15.0) -> None:
        self._cond = threading.Condition()
        self._gate, self._hold, self._open = gate, hold, gate <= 1
        self.now = self.most = 0

    def __call__(self, request: RecordedRequest) -> Reply:
        with self._cond:
            self.now += 1
            self.most = max(self.most, self.now)
            if self.now >= self._gate:
                self._open = True
                self._cond.notify_all()
            self._cond.wait_for(lambda: self._open, timeout=self._hold)
            self._open = True  # held long enough: the rest go straight through
            self.now -= 1
        return Reply(200, [("Content-Type", "application/json")], b'{"ok": true}')


def _normalised(report):
    out = []
    for e in report["executions"]:
        e = dict(e)
        e["response"] = {k: v for k, v in e["response"].items() if k not in ("time_ms", "headers")}
        out.append(e)
    return out


def test_iterations_overlap_and_reports_match_a_sequential_run(run_cli, tmp_path, recording_server):
    path = write_collection(tmp_path / "c.json", *_records(recording_server.url))
    data = _data(tmp_path, 8)

    one_by_one = _InFlight()
    recording_server.handle("/slow/*", one_by_one)
    sequential = run_cli("run", path, "-d", data, "--reporters", "json", "--reporter-json-export", tmp_path / "seq.json",
                         "--export-environment", tmp_path / "seq-env.json")
    assert sequential.code == 0, sequential
    assert len(recording_server.requests) == 16 and one_by_one.most == 1  # never two requests at once
    recording_server.requests.clear()

    four_at_once = _InFlight(gate=4)
    recording_server.handle("/slow/*", four_at_once)
    parallel = run_cli("run", path, "-d", data, "--parallel", "4", "--reporters", "json", "--reporter-json-export", tmp_path / "par.json",
                       "--export-environment", tmp_path / "par-env.json")
    assert parallel.code == 0, parallel
    # Four iterations had a request in flight together, and never a fifth (timing lives in bench/).
    assert len(recording_server.requests) == 16 and four_at_once.most == 4

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
