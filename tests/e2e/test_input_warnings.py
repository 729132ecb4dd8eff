"""What a Requestly or Postman file holds but rqrun would not use is said once, not dropped.

Through the CLI: each unknown key is one run warning (with its did-you-mean) on stderr and in
the JSON report, ``--strict-input`` turns it into exit 3 before anything is sent, ``check``
lists it, an unknown ``schema_version`` is exit 3, and a collection without requests says so.
"""

from __future__ import annotations

import json

from support.build import api, folder, write_collection


def _typo_collection(tmp_path, url):
    records = [folder("c", "API")]
    for i in range(3):
        record = api(f"r{i}", f"R{i}", "c", f"{url}/{i}", post='rq.test("ok", lambda: rq.response.code == 200)')
        record["data"]["scripts"]["postRequest"] = record["data"]["scripts"].pop("postResponse")
        records.append(record)
    records[1]["data"]["request"]["headers"] = [{"id": 0, "name": "X-Token", "value": "t", "isEnabled": True}]
    return write_collection(tmp_path / "typo.json", *records)


def test_unknown_keys_are_one_run_warning_each(run_cli, tmp_path, recording_server):
    path = _typo_collection(tmp_path, recording_server.url)
    result = run_cli("run", path, "-n", "2", "-r", "cli,json", "--reporter-json-export", tmp_path / "r.json")
    assert result.code == 0, result
    assert "Traceback" not in result.output
    script = "typo.json: records[1].data.scripts.postRequest: unknown key 'postRequest' (did you mean 'postResponse'?)"
    header = "typo.json: records[1].data.request.headers[0].name: unknown key 'name' (did you mean 'key'?)"
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 2, result
    assert script in warnings[0] and "(and 2 more places in this file)" in warnings[0]
    assert header in warnings[1]
    messages = [w["message"] for w in result.json["warnings"]]
    assert sum(script in m for m in messages) == 1 and sum(header in m for m in messages) == 1
    assert len(recording_server.requests) == 6


def test_strict_input_refuses_unknown_keys_before_sending(run_cli, tmp_path, recording_server):
    path = _typo_collection(tmp_path, recording_server.url)
    result = run_cli("run", path, "--strict-input")
    assert result.code == 3, result
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result
    assert "typo.json: records[1].data.scripts.postRequest: unknown key 'postRequest' (did you mean 'postResponse'?)" in lines[0]
    assert "--strict-input makes unknown keys errors; 1 more unknown key" in lines[0]
    assert len(recording_server.requests) == 0


def test_strict_input_covers_environments(run_cli, tmp_path, recording_server):
    path = write_collection(tmp_path / "c.json", folder("c", "API"), api("r", "R", "c", recording_server.url + "/"))
    env = tmp_path / "env.json"
    env.write_text(json.dumps({"name": "E", "values": [{"key": "a", "value": "1", "enabeld": False}]}))
    warned = run_cli("run", path, "-e", env)
    assert warned.code == 0, warned
    assert "env.json: values[0].enabeld: unknown key 'enabeld' (did you mean 'enabled'?)" in warned.stderr
    refused = run_cli("run", path, "-e", env, "--strict-input")
    assert refused.code == 3, refused
    assert "env.json: values[0].enabeld" in refused.stderr
    assert len(recording_server.requests) == 1


def test_check_lists_unknown_keys(run_cli, tmp_path, recording_server):
    path = _typo_collection(tmp_path, recording_server.url)
    result = run_cli("check", path)
    assert result.code == 0, result
    lines = result.stdout.splitlines()
    assert lines[0] == "API: 3 requests, 0 scripts"  # the misspelt scripts are not there to compile
    assert any(line.startswith("warning: ") and "unknown key 'postRequest' (did you mean 'postResponse'?)" in line
               for line in lines[1:]), result
    strict = run_cli("check", path, "--strict-input")
    assert strict.code == 3, strict
    assert len(recording_server.requests) == 0


def test_unknown_schema_version_is_exit_3(run_cli, tmp_path, recording_server):
    path = write_collection(tmp_path / "c.json", folder("c", "API"), api("r", "R", "c", recording_server.url + "/"))
    doc = json.loads(path.read_text())
    doc["schema_version"] = "2.0.0"
    path.write_text(json.dumps(doc))
    result = run_cli("run", path)
    assert result.code == 3, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "c.json: schema_version: '2.0.0' is not an export version rqrun reads (it reads 1.0.0)" in lines[0]
    assert len(recording_server.requests) == 0


def test_empty_collection_is_a_one_line_warning(run_cli, tmp_path):
    path = write_collection(tmp_path / "c.json", folder("c", "API"))
    result = run_cli("run", path)
    assert result.code == 0, result
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings == [f"warning: {path}: the collection holds no requests: nothing will run"], result


def test_postman_typos_warn_too(run_cli, tmp_path, recording_server):
    doc = {
        "info": {"name": "P", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": "R", "request": {"method": "GET", "url": recording_server.url + "/p",
                                           "headers": [{"key": "X-A", "value": "1"}]}}],
    }
    path = tmp_path / "p.postman_collection.json"
    path.write_text(json.dumps(doc))
    result = run_cli("run", path)
    assert result.code == 0, result
    assert "item[0].request.headers: unknown key 'headers' (did you mean 'header'?)" in result.stderr
    assert recording_server.requests.last.header("X-A") is None  # the misspelt list was not sent
