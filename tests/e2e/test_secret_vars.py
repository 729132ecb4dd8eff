"""``--secret-var KEY=VALUE`` and ``RQRUN_SECRET_<KEY>``: resolved like environment variables, shown nowhere."""

from __future__ import annotations

import json
from pathlib import Path

from support.build import api, folder, rows, write_collection
from support.servers import Reply

ARG_SECRET = "argv-secret-7f3a9c1e55"
ENV_SECRET = "ci-secret-from-env-0b2d4e"


def _echo(req):
    """Echo every header and the body back, in the response headers and body."""
    headers = [("Content-Type", "application/json")]
    headers += [(f"X-Echo-{k}", v) for k, v in req.headers if k.lower() not in ("content-length", "host")]
    return Reply(200, headers, json.dumps(req.summary()).encode())


def test_secret_vars_reach_the_server_and_no_output(run_cli, tmp_path: Path, recording_server) -> None:
    recording_server.handle("/echo", _echo)
    script = (
        'print("token is", rq.environment.get("apiToken"), "and", rq.environment.get("ciToken"))\n'
        'rq.environment.set("derived", "x-" + rq.environment.get("ciToken"))'
    )
    collection = write_collection(
        tmp_path / "c.json",
        folder("c", "API"),
        api("r1", "Echo", "c", recording_server.url + "/echo?q={{apiToken}}",
            method="POST",
            headers=rows(("X-Token", "{{apiToken}}"), ("X-Ci", "{{ciToken}}"), ("X-Plain", "{{plain}}")),
            body='{"token": "{{apiToken}}", "ci": "{{ciToken}}"}',
            content_type="application/json",
            pre=script,
            post='rq.test("echoed", lambda: rq.expect(rq.response.code).to.equal(200))'),
    )
    outputs = {name: tmp_path / name for name in ("r.json", "r.xml", "r.html", "env-out.json")}
    result = run_cli(
        "run", collection,
        "--secret-var", f"apiToken={ARG_SECRET}",
        "--env-var", "plain=visible-value",
        "--reporters", "cli,json,junit,html",
        "--reporter-json-export", outputs["r.json"],
        "--reporter-junit-export", outputs["r.xml"],
        "--reporter-html-export", outputs["r.html"],
        "--export-environment", outputs["env-out.json"],
        env={"RQRUN_SECRET_ciToken": ENV_SECRET},
    )
    assert result.code == 0, result
    req = recording_server.requests.last
    assert (req.header("X-Token"), req.header("X-Ci"), req.arg("q")) == (ARG_SECRET, ENV_SECRET, ARG_SECRET)
    assert req.json == {"token": ARG_SECRET, "ci": ENV_SECRET}
    texts = {"stdout": result.stdout, "stderr": result.stderr}
    texts.update({name: path.read_text(encoding="utf-8") for name, path in outputs.items()})
    for name, text in texts.items():
        assert ARG_SECRET not in text and ENV_SECRET not in text, name
    assert "visible-value" in texts["r.json"]  # ordinary variables are not hidden
    execution = result.json["executions"][0]
    assert "token is ******** and ********" in execution["console"][0]
    exported = {v["key"]: v["value"] for v in json.loads(texts["env-out.json"])["values"]}
    assert exported["apiToken"] == exported["ciToken"] == "********" and exported["derived"] == "x-********"


def test_secret_var_needs_key_equals_value(run_cli, tmp_path: Path) -> None:
    collection = write_collection(tmp_path / "c.json", folder("c", "API"))
    result = run_cli("run", collection, "--secret-var", "novalue")
    assert result.code == 2 and "--secret-var expects KEY=VALUE" in result.stderr and "Traceback" not in result.stderr
