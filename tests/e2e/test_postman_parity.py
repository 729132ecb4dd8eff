"""Postman files through the real CLI: warnings about the collection are said once a run, and
a header that renders with trailing whitespace still goes out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from support.cli import RunCli
from support.servers import RecordingServer


def _collection(tmp_path: Path, items: list[dict[str, Any]], **extra: Any) -> Path:
    path = tmp_path / "c.postman_collection.json"
    doc = {"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}}
    path.write_text(json.dumps({**doc, "item": items, **extra}), encoding="utf-8")
    return path


def _get(name: str, url: str, **request: Any) -> dict[str, Any]:
    return {"name": name, "request": {"method": "GET", "url": url, **request}}


def _warnings(result: Any) -> list[str]:
    return [w for execution in result.json["executions"] for w in execution["warnings"]]


def test_unknown_dynamic_name_is_sent_as_written_and_said_once(
    run_cli: RunCli, recording_server: RecordingServer, tmp_path: Path
) -> None:
    url = recording_server.url + "/x?v={{$notAThing}}&c={{$randomCity}}"
    path = _collection(tmp_path, [_get("a", url), _get("b", url)])
    result = run_cli("run", path, "-n", "2", "--reporters", "cli,json", "--reporter-json-export", tmp_path / "r.json")
    assert result.code == 0, result
    sent = [r.raw_path for r in recording_server.requests]
    assert len(sent) == 4 and all("v={{$notAThing}}&c=" in p and "randomCity" not in p for p in sent)
    said = [w for w in _warnings(result) if "$notAThing" in w]
    assert said == ["{{$notAThing}} is not a dynamic variable rqrun knows: sent as written"]


def test_unsupported_auth_warning_is_said_once_a_run(
    run_cli: RunCli, recording_server: RecordingServer, tmp_path: Path
) -> None:
    auth = {"type": "asap", "asap": [{"key": "kid", "value": "k"}]}
    path = _collection(tmp_path, [_get("a", recording_server.url + "/a"), _get("b", recording_server.url + "/b")], auth=auth)
    result = run_cli("run", path, "-n", "3", "--reporters", "cli,json", "--reporter-json-export", tmp_path / "r.json")
    assert result.code == 0, result
    assert len(recording_server.requests) == 6
    assert [w for w in _warnings(result) if "not supported" in w] == ["auth type 'asap' is not supported: sent without it"]


def test_bearer_of_an_empty_variable_is_sent(run_cli: RunCli, recording_server: RecordingServer, tmp_path: Path) -> None:
    """``Bearer {{empty}}`` renders to ``Bearer ``: httpx refused it; now it goes out (as ``Bearer``)."""
    request = _get("a", recording_server.url + "/a", header=[{"key": "Authorization", "value": "Bearer {{empty}}"}])
    path = _collection(tmp_path, [request], variable=[{"key": "empty", "value": ""}])
    result = run_cli("run", path)
    assert result.code == 0, result
    assert recording_server.requests.last.header("Authorization") == "Bearer"


def test_jwt_payload_that_is_not_json_is_an_input_error(
    run_cli: RunCli, recording_server: RecordingServer, tmp_path: Path
) -> None:
    """A signing auth whose fields cannot be used fails before anything is sent: exit 3, one line."""
    fields = [{"key": "algorithm", "value": "HS256"}, {"key": "secret", "value": "s"}, {"key": "payload", "value": "{nope"}]
    path = _collection(tmp_path, [_get("signed", recording_server.url + "/a", auth={"type": "jwt", "jwt": fields})])
    result = run_cli("run", path)
    assert result.code == 3, result
    assert "jwt auth: the JWT payload is not JSON" in result.output and "'signed'" in result.output
    assert "Traceback" not in result.output
    assert len(recording_server.requests) == 0


def test_oauth2_authorization_code_without_a_token_goes_without_auth_once_said(
    run_cli: RunCli, recording_server: RecordingServer, tmp_path: Path
) -> None:
    fields = [{"key": "grant_type", "value": "authorization_code"}, {"key": "accessTokenUrl", "value": "http://127.0.0.2:9/token"}]
    path = _collection(tmp_path, [_get("a", recording_server.url + "/a"), _get("b", recording_server.url + "/b")],
                       auth={"type": "oauth2", "oauth2": fields})
    result = run_cli("run", path, "--reporters", "cli,json", "--reporter-json-export", tmp_path / "r.json")
    assert result.code == 0, result
    assert [r.header("Authorization") for r in recording_server.requests] == [None, None]
    assert [w for w in _warnings(result) if "oauth2" in w] == [
        "oauth2 authorization_code auth has no saved access token: sent without auth (as Newman does)"
    ]


def test_check_lists_unknown_dynamic_names(run_cli: RunCli, tmp_path: Path) -> None:
    path = _collection(tmp_path, [_get("r", "http://127.0.0.1:9/x?q={{$nope}}&c={{$randomCity}}&d={{$randomLoremSlug}}")])
    result = run_cli("check", path)
    assert result.code == 1, result
    assert "unknown dynamic variable {{$nope}}: r" in result.output
    assert "randomCity" not in result.output and "randomLoremSlug" not in result.output
