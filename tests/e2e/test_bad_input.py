"""User mistakes: one line naming the file and the place, the right exit code, never a traceback."""

from __future__ import annotations

import json

import pytest

from support.build import api, folder, write_collection


def assert_one_line_error(result, code, *fragments):
    assert result.code == code, result
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result
    for fragment in fragments:
        assert fragment in lines[0], result


def test_missing_collection(run_cli, tmp_path):
    assert_one_line_error(run_cli("run", tmp_path / "nope.json"), 3, "nope.json")


def test_truncated_json_names_line_and_column(run_cli, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"schema_version": "1.0.0", "records": [\n  {"id": "a",')
    assert_one_line_error(run_cli("run", path), 3, "broken.json", ":2:")


def test_unknown_format(run_cli, tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"openapi": "3.0.0"}))
    assert_one_line_error(run_cli("run", path), 3, "other.json")


def test_wrong_types_name_the_record(run_cli, tmp_path):
    path = write_collection(tmp_path / "c.json", folder("c", "API"), api("r", "R", "c", "http://127.0.0.1:9/"))
    document = json.loads(path.read_text())
    document["records"][1]["data"]["request"]["headers"] = "not a list"
    path.write_text(json.dumps(document))
    assert_one_line_error(run_cli("run", path), 3, "c.json", "records[1]", "headers")


def test_folder_cycle(run_cli, tmp_path):
    path = write_collection(tmp_path / "c.json", folder("a", "A", "b"), folder("b", "B", "a"))
    assert_one_line_error(run_cli("run", path), 3, "c.json")


def test_data_file_with_nested_objects(run_cli, tmp_path):
    path = write_collection(tmp_path / "c.json", folder("c", "API"), api("r", "R", "c", "http://127.0.0.1:9/"))
    data = tmp_path / "rows.json"
    data.write_text(json.dumps([{"ok": 1}, {"user": {"name": "nested"}}]))
    assert_one_line_error(run_cli("run", path, "-d", data), 3, "rows.json", "user")


def test_missing_environment_file(run_cli, tmp_path):
    path = write_collection(tmp_path / "c.json", folder("c", "API"))
    assert_one_line_error(run_cli("run", path, "-e", tmp_path / "env.json"), 3, "env.json")


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("--env-var", "novalue"), "--env-var"),
        (("--reporters", "nosuch"), "nosuch"),
        (("--iteration-count", "0"), "iteration-count"),
        (("--bogus",), "--bogus"),
    ],
)
def test_usage_errors_exit_2(run_cli, tmp_path, args, fragment):
    path = write_collection(tmp_path / "c.json", folder("c", "API"))
    result = run_cli("run", path, *args)
    assert result.code == 2, result
    assert fragment in result.stderr
    assert "Traceback" not in result.output


def test_check_lists_unresolved_variables_and_sends_nothing(run_cli, tmp_path, recording_server):
    path = write_collection(
        tmp_path / "c.json",
        folder("c", "API", variables={"base": recording_server.url}),
        api("r", "R", "c", "{{base}}/x/{{missing}}", post='rq.environment.set("token", "t")'),
        api("s", "S", "c", "{{base}}/y", headers=[{"id": 0, "key": "Authorization", "value": "Bearer {{token}}", "isEnabled": True}]),
    )
    result = run_cli("check", path)
    assert result.code == 1, result
    assert "{{missing}}" in result.stdout
    assert "{{token}} (set by a script)" in result.stdout
    assert len(recording_server.requests) == 0
