"""Postman scripts (``pm.*``, legacy globals, ``require``) through the real CLI and worker.

A Postman v2.1 collection with the scripts real collections carry runs against a local recording
server: what the server received (variables set by scripts, request changes, ``setNextRequest``
order, ``pm.sendRequest`` calls) and the tests in the JSON report are what Newman would give.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from support.servers import RecordingServer


def event(listen: str, *lines: str) -> dict[str, Any]:
    return {"listen": listen, "script": {"type": "text/javascript", "exec": list(lines)}}


def item(name: str, url: str, *, method: str = "GET", pre: tuple[str, ...] = (), test: tuple[str, ...] = (),
         body: str | None = None, headers: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    request: dict[str, Any] = {"method": method, "url": url, "header": [{"key": k, "value": v} for k, v in headers]}
    if body is not None:
        request["body"] = {"mode": "raw", "raw": body}
    events = ([event("prerequest", *pre)] if pre else []) + ([event("test", *test)] if test else [])
    return {"name": name, "request": request, "event": events}


def collection(tmp_path: Path, *items: dict[str, Any], variables: dict[str, str] | None = None,
               events: list[dict[str, Any]] | None = None) -> Path:
    doc = {"info": {"name": "pm", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
           "item": list(items), "event": events or [],
           "variable": [{"key": k, "value": v} for k, v in (variables or {}).items()]}
    path = tmp_path / "pm.postman_collection.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def run(run_cli: Any, tmp_path: Path, path: Path, *args: str) -> Any:
    return run_cli("run", path, "--reporters", "cli,json", "--reporter-json-export", tmp_path / "r.json", *args)


def collected(result: Any) -> list[tuple[str, str, str]]:
    return [(e["item"]["name"], t["name"], t["status"]) for e in result.json["executions"] for t in e["tests"]]


def test_login_flow_with_pm_and_legacy_globals(run_cli, tmp_path: Path, recording_server: RecordingServer) -> None:
    recording_server.respond("/login", body={"access_token": "tok-1", "expires_in": 3600})
    recording_server.respond("/items", body={"items": [{"id": 4}, {"id": 9}], "total": 2})
    base = recording_server.url
    path = collection(
        tmp_path,
        item("Login", "{{base}}/login", method="POST", body='{"user": "{{user}}"}',
             headers=(("Content-Type", "application/json"),),
             pre=("pm.environment.set('user', 'alice');",),
             test=("pm.test('Status code is 200', function () { pm.response.to.have.status(200); });",
                   "var data = JSON.parse(responseBody);",
                   "postman.setEnvironmentVariable('token', data.access_token);",
                   "tests['has token'] = !!data.access_token;",
                   "tests['is 201'] = responseCode.code === 201;")),
        item("Items", "{{base}}/items",
             pre=("pm.request.headers.add({key: 'Authorization', value: 'Bearer ' + pm.environment.get('token')});",
                  "pm.request.url.query.add({key: 'limit', value: String(_.max([5, 10]))});",
                  "var CryptoJS = require('crypto-js');",
                  "pm.request.headers.upsert({key: 'X-Sig', value: CryptoJS.HmacSHA256('items', 'k').toString(CryptoJS.enc.Base64)});"),
             test=("const body = pm.response.json();",
                   "pm.test('two items', () => pm.expect(body.items).to.have.lengthOf(2));",
                   "pm.test('ids', () => pm.expect(_.map(body.items, 'id')).to.eql([4, 8]));",
                   "pm.collectionVariables.set('first', body.items[0].id);")),
        variables={"base": base},
    )
    result = run(run_cli, tmp_path, path)
    assert result.code == 1, result.stdout + result.stderr  # 'is 201' and 'ids' fail
    login, items = recording_server.requests
    assert login.json == {"user": "alice"}
    assert items.header("Authorization") == "Bearer tok-1"
    assert items.arg("limit") == "10"
    assert items.header("X-Sig") == base64.b64encode(hmac.new(b"k", b"items", hashlib.sha256).digest()).decode()
    assert collected(result) == [
        ("Login", "Status code is 200", "passed"), ("Login", "has token", "passed"), ("Login", "is 201", "failed"),
        ("Items", "two items", "passed"), ("Items", "ids", "failed"),
    ]
    ids = [t for e in result.json["executions"] for t in e["tests"] if t["name"] == "ids"][0]
    assert "expected [ 4, 9 ] to deeply equal [ 4, 8 ]" in json.dumps(ids)


def test_set_next_request_and_send_request(run_cli, tmp_path: Path, recording_server: RecordingServer) -> None:
    base = recording_server.url
    path = collection(
        tmp_path,
        item("Start", "{{base}}/start",
             test=("pm.sendRequest(pm.variables.get('base') + '/side', function (err, res) {",
                   "  pm.test('side call answered', function () { pm.expect(err).to.be.null; pm.expect(res.code).to.equal(200); });",
                   "});",
                   "pm.execution.setNextRequest('Poll');")),
        item("Skipped", "{{base}}/skipped"),
        item("Poll", "{{base}}/poll",
             test=("var n = Number(pm.variables.get('polls') || 0) + 1;",
                   "pm.variables.set('polls', n);",
                   "if (n < 3) { postman.setNextRequest('Poll'); } else { postman.setNextRequest(null); }")),
        item("Never", "{{base}}/never"),
        variables={"base": base},
    )
    result = run(run_cli, tmp_path, path)
    assert result.code == 0, result.stdout + result.stderr
    assert [r.path for r in recording_server.requests] == ["/start", "/side", "/poll", "/poll", "/poll"]
    assert collected(result) == [("Start", "side call answered", "passed")]


def test_moment_and_uuid_in_a_pre_request_script(run_cli, tmp_path: Path, recording_server: RecordingServer) -> None:
    path = collection(
        tmp_path,
        item("Dates", "{{base}}/dates?from={{from}}&id={{id}}",
             pre=("var moment = require('moment');",
                  "pm.variables.set('from', moment.utc('2026-03-07T10:00:00Z').subtract(7, 'days').format('YYYY-MM-DD'));",
                  "pm.variables.set('id', require('uuid').v4());")),
        variables={"base": recording_server.url},
    )
    result = run(run_cli, tmp_path, path)
    assert result.code == 0, result.stdout + result.stderr
    (sent,) = recording_server.requests
    assert sent.arg("from") == "2026-02-28"
    assert len(sent.arg("id")) == 36 and sent.arg("id")[14] == "4"
