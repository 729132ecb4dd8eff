"""The vault in a run: the server gets the real secret, no output shows a byte of it, and it fails closed."""

from __future__ import annotations

import base64
import json

from support.build import api, auth, folder, rows, write_collection
from support.servers import Reply

SECRET = "sk_live_9f8e7d6c5b4a3210"
ENV_SECRET = "env-secret-value-42"


def echo_everything(req):
    """Echo every header and the body back, in the response headers and body."""
    headers = [("Content-Type", "application/json")]
    headers += [(f"X-Echo-{k}", v) for k, v in req.headers if k.lower() not in ("content-length", "host")]
    headers.append(("Set-Cookie", f"session={req.header('X-Api-Key') or 'none'}; Path=/"))
    return Reply(200, headers, json.dumps(req.summary()).encode())


def all_outputs(result, tmp_path):
    texts = [result.stdout, result.stderr]
    for name in ("r.json", "r.xml", "env-out.json", "globals-out.json"):
        path = tmp_path / name
        if path.exists():
            texts.append(path.read_text(encoding="utf-8"))
    return "\n".join(texts)


def test_secrets_reach_the_server_and_appear_in_no_output(run_cli, tmp_path, recording_server):
    assert run_cli("vault", "set", "api-key", SECRET).code == 0
    recording_server.handle("/echo", echo_everything)
    env = tmp_path / "env.json"
    env.write_text(json.dumps({"values": [
        {"key": "envSecret", "value": ENV_SECRET, "type": "secret", "enabled": True},
        {"key": "plain", "value": "visible", "type": "default", "enabled": True},
    ]}))
    collection = write_collection(
        tmp_path / "c.json",
        folder("c", "API", variables={"composite": "k={{vault:api-key}}"}),
        api("r1", "Echo", "c", recording_server.url + "/echo",
            method="POST",
            headers=rows(("X-Api-Key", "{{vault:api-key}}"), ("X-Env", "{{envSecret}}"), ("X-Plain", "{{plain}}")),
            query=rows(("token", "{{vault:api-key}}")),
            body='{"secret": "{{composite}}", "env": "{{envSecret}}"}',
            content_type="application/json",
            auth_=auth("BASIC_AUTH", username="user", password="{{vault:api-key}}")),
    )
    result = run_cli(
        "run", collection, "-e", env,
        "--reporters", "cli,json,junit",
        "--reporter-json-export", tmp_path / "r.json",
        "--reporter-junit-export", tmp_path / "r.xml",
        "--export-environment", tmp_path / "env-out.json",
        "--export-globals", tmp_path / "globals-out.json",
    )
    assert result.code == 0, result
    req = recording_server.requests.last
    assert req.header("X-Api-Key") == SECRET
    assert req.header("X-Env") == ENV_SECRET
    assert req.arg("token") == SECRET
    assert req.json == {"secret": f"k={SECRET}", "env": ENV_SECRET}
    assert req.header("Authorization") == "Basic " + base64.b64encode(f"user:{SECRET}".encode()).decode()
    everything = all_outputs(result, tmp_path)
    assert "visible" in everything  # ordinary values are not hidden
    for secret in (SECRET, ENV_SECRET, base64.b64encode(f"user:{SECRET}".encode()).decode()):
        assert secret not in everything
    # the exported environment keeps the key, masks the value
    exported = json.loads((tmp_path / "env-out.json").read_text())
    assert {v["key"]: v["value"] for v in exported["values"]}["envSecret"] == "********"


def test_unresolved_vault_key_fails_closed_with_exit_5(run_cli, tmp_path, recording_server):
    collection = write_collection(
        tmp_path / "c.json",
        folder("c", "API"),
        api("r", "Uses missing", "c", recording_server.url + "/x", headers=rows(("X-Key", "{{vault:nope}}"))),
        api("s", "Plain", "c", recording_server.url + "/plain"),
    )
    result = run_cli("run", collection, "--reporters", "cli,json", "--reporter-json-export", tmp_path / "r.json")
    assert result.code == 5, result
    assert recording_server.requests.paths == ["/plain"]
    error = result.json["executions"][0]["error"]
    assert error["type"] == "vault" and "nope" in error["message"] and "rqrun vault set nope" in error["message"]


def test_allow_listed_secret_refused_for_another_host(run_cli, tmp_path, recording_server):
    assert run_cli("vault", "set", "token", SECRET, "--allow-host", "api.example.com").code == 0
    assert run_cli("vault", "set", "local-token", "local-secret-value", "--allow-host", "127.0.0.1").code == 0
    collection = write_collection(
        tmp_path / "c.json",
        folder("c", "API"),
        api("r", "Wrong host", "c", recording_server.url + "/x", headers=rows(("X-Key", "{{vault:token}}"))),
        api("s", "Right host", "c", recording_server.url + "/ok", headers=rows(("X-Key", "{{vault:local-token}}"))),
    )
    result = run_cli("run", collection, "--reporters", "cli,json", "--reporter-json-export", tmp_path / "r.json")
    assert result.code == 5, result
    assert recording_server.requests.paths == ["/ok"]
    assert recording_server.requests.last.header("X-Key") == "local-secret-value"
    error = result.json["executions"][0]["error"]
    assert error["type"] == "vault" and "api.example.com" in error["message"]
    assert SECRET not in result.output


def test_run_without_vault_placeholders_never_opens_the_vault(run_cli, tmp_path, recording_server, rqrun_home):
    collection = write_collection(tmp_path / "c.json", folder("c", "API"), api("r", "Plain", "c", recording_server.url + "/p"))
    result = run_cli("run", collection, env={"RQRUN_VAULT_KEY": None})
    assert result.code == 0, result
    assert not any(rqrun_home.iterdir())  # no vault, no key file created


def test_check_reports_vault_keys_present_and_missing(run_cli, tmp_path, recording_server):
    assert run_cli("vault", "set", "present-key", SECRET).code == 0
    collection = write_collection(
        tmp_path / "c.json",
        folder("c", "API"),
        api("r", "Uses both", "c", recording_server.url + "/x",
            headers=rows(("X-A", "{{vault:present-key}}"), ("X-B", "{{vault:absent-key}}"))),
    )
    result = run_cli("check", collection)
    assert result.code == 5, result
    assert "vault key present-key: present" in result.stdout
    assert "vault key absent-key: MISSING" in result.stdout
    assert SECRET not in result.output
    assert len(recording_server.requests) == 0
