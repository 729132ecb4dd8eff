"""Scripts in a language rqrun does not know are not run: each fails its request, unless
--allow-unsupported-scripts makes it one warning per script (and the request still goes out).
JavaScript runs (tests/e2e/test_javascript_scripts.py)."""

from __future__ import annotations

import json


def _postman(url: str, tmp_path):
    collection = {
        "info": {"name": "JS", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [
            {
                "name": "Probe",
                "event": [{"listen": "test", "script": {"type": "text/coffeescript", "exec": ["x = 1"]}}],
                "request": {"method": "GET", "url": url + "/js"},
            }
        ],
    }
    path = tmp_path / "js.postman_collection.json"
    path.write_text(json.dumps(collection))
    return path


def test_unknown_language_reported_once_and_request_sent_when_allowed(run_cli, tmp_path, recording_server):
    path = _postman(recording_server.url, tmp_path)
    result = run_cli("run", path, "-n", "3", "--allow-unsupported-scripts")
    assert result.code == 0, result
    assert recording_server.requests.paths == ["/js"] * 3
    assert result.output.count("in unknown language 'text/coffeescript' not run") == 1


def test_unsupported_scripts_fail_by_default(run_cli, tmp_path, recording_server):
    path = _postman(recording_server.url, tmp_path)
    result = run_cli("run", path, "--reporters", "json", "--reporter-json-export", tmp_path / "r.json")
    assert result.code == 4, result
    error = result.json["executions"][0]["error"]
    assert error["type"] == "script" and error["kind"] == "unsupported"
