"""Scripts through the real CLI: every `rq` member seen from the server and the reports."""

from __future__ import annotations

import hashlib
import hmac
import json

from support.build import api, folder, rows, write_collection


def run(run_cli, tmp_path, *records, args=()):
    path = write_collection(tmp_path / "c.json", *records)
    return run_cli("run", path, "--reporters", "cli,json", "--reporter-json-export", tmp_path / "r.json", *args)


def executions(result):
    return {e["item"]["name"]: e for e in result.json["executions"]}


def test_pre_request_variable_used_by_the_same_request_and_mutations_arrive(run_cli, tmp_path, recording_server):
    pre = "\n".join([
        'rq.variables.set("stamp", "s-42")',
        'rq.request.headers.add("X-Added", "{{stamp}}")',
        'rq.request.headers.add({"key": "X-Dict", "value": "d"})',
        'rq.request.headers.upsert("X-Replace", "new")',
        'rq.request.headers.remove("X-Remove")',
        'rq.request.queryParams.add("extra", "1")',
        'rq.request.method = "PUT"',
        'rq.request.url = rq.request.url + "/changed"',
        'rq.request.body = json.dumps({"stamp": "{{stamp}}"})',
        "import json",
    ])
    pre = "import json\n" + pre.replace("\nimport json", "")
    result = run(
        run_cli, tmp_path,
        folder("c", "API", variables={"base": recording_server.url}),
        api("r", "Mutated", "c", "{{base}}/orig", method="POST",
            headers=rows(("X-Replace", "old"), ("X-Remove", "gone")),
            body="{}", content_type="application/json", pre=pre),
    )
    assert result.code == 0, result
    req = recording_server.requests.last
    assert (req.method, req.path) == ("PUT", "/orig/changed")
    assert req.header("X-Added") == "s-42" and req.header("X-Dict") == "d"
    assert req.header_values("X-Replace") == ["new"] and req.header("X-Remove") is None
    assert req.arg("extra") == "1"
    assert req.json == {"stamp": "s-42"}


def test_tests_pass_and_fail_with_counts_and_exit_1(run_cli, tmp_path, recording_server):
    recording_server.respond("/item", body={"id": 7, "name": "cup", "tags": ["a", "b"]})
    post = "\n".join([
        'rq.test("status is 200", lambda: rq.response.to.have.status(200))',
        '@rq.test("body has an id")',
        "def body_has_id():",
        '    rq.expect(rq.response.json()).to.have.property("id")',
        'rq.test("name is wrong on purpose", lambda: rq.expect(rq.response.json()["name"]).to.equal("plate"))',
        'rq.test("tags", lambda: rq.expect(rq.response.json()["tags"]).to.have.lengthOf(2))',
        'rq.test("header", lambda: rq.response.to.have.header("Content-Type"))',
        'rq.test.skip("later")',
        "rq.response.to.be.ok",
        'rq.expect(rq.response.responseTime).to.be.below(5000)',
    ])
    result = run(run_cli, tmp_path, folder("c", "API"), api("r", "Item", "c", recording_server.url + "/item", post=post))
    assert result.code == 1, result
    stats = result.json["run"]["stats"]["tests"]
    assert stats == {"total": 6, "passed": 4, "failed": 1, "skipped": 1}
    failed = [t for t in result.json["executions"][0]["tests"] if t["status"] == "failed"]
    assert failed[0]["name"] == "name is wrong on purpose" and "plate" in failed[0]["error"]
    assert "name is wrong on purpose" in result.stdout


def test_console_iteration_data_and_info(run_cli, tmp_path, recording_server):
    data = tmp_path / "d.csv"
    data.write_text("user\nada\nalan\n")
    post = 'print("user", rq.iterationData.get("user"), rq.info.iteration, rq.info.iterationCount, rq.info.eventName, rq.info.requestName)\nconsole.log("via console", rq.info.requestId)'
    result = run(run_cli, tmp_path, folder("c", "API"), api("r1", "Probe", "c", recording_server.url + "/p", post=post), args=("-d", data))
    assert result.code == 0, result
    consoles = [e["console"] for e in result.json["executions"]]
    assert consoles == [
        ["user ada 0 2 postresponse Probe", "via console r1"],
        ["user alan 1 2 postresponse Probe", "via console r1"],
    ]
    assert "user ada 0 2" in result.stdout


def test_scope_writes_flow_to_later_requests_and_exports(run_cli, tmp_path, recording_server):
    recording_server.respond("/login", body={"token": "tok-123"})
    post_login = "\n".join([
        'rq.environment.set("token", rq.response.json()["token"])',
        'rq.globals.set("g", "global-value")',
        'rq.collectionVariables.set("cv", "collection-value")',
        'rq.variables.set("rv", "run-value")',
        'rq.environment.unset("stale")',
    ])
    result = run(
        run_cli, tmp_path,
        folder("c", "API"),
        api("r1", "Login", "c", recording_server.url + "/login", method="POST", post=post_login),
        api("r2", "Use", "c", recording_server.url + "/use",
            headers=rows(("Authorization", "Bearer {{token}}"), ("X-G", "{{g}}"), ("X-CV", "{{cv}}"), ("X-RV", "{{rv}}"), ("X-Stale", "{{stale}}"))),
        args=("--env-var", "stale=old", "--export-environment", tmp_path / "env.json", "--export-globals", tmp_path / "g.json"),
    )
    assert result.code == 0, result
    use = recording_server.requests.to("/use")[0]
    assert use.header("Authorization") == "Bearer tok-123"
    assert (use.header("X-G"), use.header("X-CV"), use.header("X-RV")) == ("global-value", "collection-value", "run-value")
    assert use.header("X-Stale") == "{{stale}}"
    env = {v["key"]: v["value"] for v in json.loads((tmp_path / "env.json").read_text())["values"]}
    assert "stale" not in env and env["token"] == "tok-123"  # not a secret: exported as is
    assert {v["key"]: v["value"] for v in json.loads((tmp_path / "g.json").read_text())["values"]} == {"g": "global-value"}


def test_pre_request_error_stops_the_send_and_reports_the_line(run_cli, tmp_path, recording_server):
    pre = 'x = 1\ny = {"a": 1}\nz = y["missing"]\n'
    result = run(
        run_cli, tmp_path,
        folder("c", "API"),
        api("r1", "Broken", "c", recording_server.url + "/broken", pre=pre),
        api("r2", "After", "c", recording_server.url + "/after"),
    )
    assert result.code == 4, result
    assert recording_server.requests.paths == ["/after"]
    error = executions(result)["Broken"]["error"]
    assert error["type"] == "script" and error["source"] == "pre-request"
    assert error["line"] == 3 and "missing" in error["message"]
    assert "Traceback" not in result.output


def test_post_response_error_keeps_earlier_tests(run_cli, tmp_path, recording_server):
    post = 'rq.test("first", lambda: None)\nraise ValueError("boom")\nrq.test("never", lambda: None)\n'
    result = run(run_cli, tmp_path, folder("c", "API"), api("r", "R", "c", recording_server.url + "/x", post=post))
    assert result.code == 4, result
    execution = result.json["executions"][0]
    assert [t["name"] for t in execution["tests"]] == ["first"]
    assert execution["error"]["source"] == "post-response" and "boom" in execution["error"]["message"]
    assert execution["error"]["line"] == 2


def test_javascript_in_a_requestly_script_runs(run_cli, tmp_path, recording_server):
    post = 'rq.test("200", () => { rq.expect(rq.response.code).to.equal(200); });'
    records = (folder("c", "API"), api("r", "R", "c", recording_server.url + "/x", post=post))
    result = run(run_cli, tmp_path, *records, args=("-n", "3"))
    assert result.code == 0, result
    assert recording_server.count("/x") == 3
    assert [t["status"] for e in result.json["executions"] for t in e["tests"]] == ["passed"] * 3


def test_send_request_and_allowed_imports(run_cli, tmp_path, recording_server):
    recording_server.respond("/token", body={"token": "from-send-request"})
    pre = "\n".join([
        "import hmac, hashlib, base64",
        'res = rq.sendRequest({"url": "{{base}}/token", "method": "POST", "header": {"X-From": "script"}})',
        'rq.variables.set("tok", res.json()["token"])',
        'sig = hmac.new(b"key", b"payload", "sha256").hexdigest()',
        'rq.request.headers.add("X-Sig", sig)',
        'rq.request.headers.add("X-B64", base64.b64encode(b"hi").decode())',
        'rq.request.headers.add("X-Sha", hashlib.sha256(b"x").hexdigest())',
    ])
    result = run(
        run_cli, tmp_path,
        folder("c", "API", variables={"base": recording_server.url}),
        api("r", "Signed", "c", "{{base}}/signed", headers=rows(("X-Tok", "{{tok}}")), pre=pre),
    )
    assert result.code == 0, result
    token_call, signed = recording_server.requests
    assert (token_call.method, token_call.path, token_call.header("X-From")) == ("POST", "/token", "script")
    assert signed.header("X-Tok") == "from-send-request"
    assert signed.header("X-Sig") == hmac.new(b"key", b"payload", "sha256").hexdigest()
    assert signed.header("X-B64") == "aGk="
    assert signed.header("X-Sha") == hashlib.sha256(b"x").hexdigest()


def test_vault_from_scripts_is_usable_and_redacted(run_cli, tmp_path, recording_server):
    assert run_cli("vault", "set", "api-key", "vault-value-123").code == 0
    pre = "\n".join([
        'rq.expect(rq.vault.has("api-key")).to.be.true',
        'rq.request.headers.add("X-Key", rq.vault.get("api-key"))',
        'print("key is", rq.vault.get("api-key"))',
        'rq.vault.set("session", "new-session-456")',
        'rq.vault.unset("gone")' if False else 'print("has gone:", rq.vault.has("gone"))',
    ])
    result = run(run_cli, tmp_path, folder("c", "API"), api("r", "R", "c", recording_server.url + "/v", pre=pre))
    assert result.code == 0, result
    assert recording_server.requests.last.header("X-Key") == "vault-value-123"
    assert "vault-value-123" not in result.output and "vault-value-123" not in json.dumps(result.json)
    assert "key is ********" in result.stdout
    assert "new-session-456" not in result.output
    # set persisted at once: the next process sees it
    assert run_cli("vault", "get", "session").stdout.strip() == "new-session-456"


def test_runaway_script_is_stopped_and_the_run_goes_on(run_cli, tmp_path, recording_server):
    result = run(
        run_cli, tmp_path,
        folder("c", "API"),
        api("r1", "Loop", "c", recording_server.url + "/loop", pre="while True:\n    pass\n"),
        api("r2", "After", "c", recording_server.url + "/after"),
        args=("--timeout-script", "500"),
        )
    assert result.code == 4, result
    assert recording_server.requests.paths == ["/after"]
    assert executions(result)["Loop"]["error"]["kind"] == "timeout"


def test_folder_and_collection_scripts_run_outermost_first(run_cli, tmp_path, recording_server):
    result = run(
        run_cli, tmp_path,
        folder("c", "API", scripts={"preRequest": 'print("collection pre")', "postResponse": 'print("collection post")'}),
        folder("f", "F", "c", scripts={"preRequest": 'print("folder pre")', "postResponse": 'print("folder post")'}),
        api("r", "R", "f", recording_server.url + "/x", pre='print("request pre")', post='print("request post")'),
    )
    assert result.code == 0, result
    assert result.json["executions"][0]["console"] == [
        "collection pre", "folder pre", "request pre", "collection post", "folder post", "request post",
    ]
    assert result.json["run"]["stats"]["scripts"] == {"total": 6, "failed": 0}


def test_send_request_with_a_form_body_and_query(run_cli, tmp_path, recording_server):
    pre = "\n".join([
        'res = rq.sendRequest({"url": "{{base}}/form?a=1", "method": "POST", "queryParams": [{"key": "b", "value": "2"}],',
        '                      "body": {"mode": "urlencoded", "urlencoded": [{"key": "user", "value": "ada"}]}})',
        'rq.variables.set("code", res.code)',
    ])
    result = run(
        run_cli, tmp_path,
        folder("c", "API", variables={"base": recording_server.url}),
        api("r", "R", "c", "{{base}}/after", headers=rows(("X-Code", "{{code}}")), pre=pre),
    )
    assert result.code == 0, result
    form_call = recording_server.requests.to("/form")[0]
    assert form_call.query == [("a", "1"), ("b", "2")]
    assert form_call.form == [("user", "ada")]
    assert recording_server.requests.to("/after")[0].header("X-Code") == "200"


def test_request_timeout_set_from_a_script(run_cli, tmp_path, recording_server):
    recording_server.respond("/slow", delay=1.5)
    result = run(
        run_cli, tmp_path,
        folder("c", "API"),
        api("r1", "Short", "c", recording_server.url + "/slow", pre="rq.request.timeout = 200"),
        api("r2", "Default", "c", recording_server.url + "/slow"),
    )
    assert result.code == 4, result
    short, default = result.json["executions"]
    assert short["error"]["kind"] == "timeout" and "200 ms" in short["error"]["message"]
    assert default["response"]["code"] == 200
