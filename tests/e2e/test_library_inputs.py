"""The library without files: ``rqrun.run`` takes a collection, environment and data as objects.

Each test goes through the public API (``rqrun.run``, ``rqrun.RunOptions``) against a local
server and checks what the server received and what the result says.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import rqrun

from support.build import api, folder
from support.servers import RecordingServer

CHECK = 'rq.test("status is 200", lambda: rq.response.to.have.status(200))'


@pytest.fixture(autouse=True)
def _own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RQRUN_HOME", str(tmp_path / "home"))


def export(*records: dict[str, Any]) -> dict[str, Any]:
    return {"schema_version": "1.0.0", "records": list(records)}


def greeting() -> dict[str, Any]:
    """A Requestly export as a dict: one request using an environment and a data variable."""
    return export(
        folder("c", "API"),
        api("r", "hello", "c", "{{base}}/hello/{{user}}", headers=[{"id": 0, "key": "X-Team", "value": "{{team}}", "isEnabled": True}],
            post=CHECK),
    )


def run(options: rqrun.RunOptions) -> tuple[rqrun.RunResult, list[Any]]:
    seen: list[Any] = []
    return rqrun.run(options, listeners=[seen.append]), [e.execution for e in seen if isinstance(e, rqrun.ItemFinished)]


def test_requestly_dict_with_environment_dict_and_data_rows(recording_server: RecordingServer) -> None:
    options = rqrun.RunOptions(
        greeting(),
        environment={"base": recording_server.url, "team": "core"},
        iteration_data=[{"user": "ada"}, {"user": "bob"}, {"user": "cy"}],
        reporters=(),
    )
    result, executions = run(options)
    assert result.exit_code == 0
    assert recording_server.requests.paths == ["/hello/ada", "/hello/bob", "/hello/cy"]
    assert {r.header("X-Team") for r in recording_server.requests} == {"core"}
    assert result.summary.tests_passed == 3 and result.summary.tests_failed == 0
    assert [e.cursor.iteration for e in executions] == [0, 1, 2]


def test_postman_dict_with_postman_environment_object(recording_server: RecordingServer) -> None:
    collection = {
        "info": {"name": "Shop", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{
            "name": "List",
            "request": {"method": "GET", "url": "{{base}}/items?page={{page}}"},
            "event": [{"listen": "test", "script": {"type": "text/x-python",
                                                      "exec": ['rq.test("ok", lambda: rq.response.to.have.status(200))']}}],
        }],
    }
    environment = {"name": "ci", "values": [{"key": "base", "value": recording_server.url, "enabled": True}]}
    result, executions = run(rqrun.RunOptions(collection, environment=environment, iteration_data=[{"page": 2}], reporters=()))
    assert result.exit_code == 0, executions
    assert [(r.path, r.arg("page")) for r in recording_server.requests] == [("/items", "2")]
    assert [t.name for t in executions[0].tests] == ["ok"]


def test_loaded_collection_and_environment_objects(tmp_path: Path, recording_server: RecordingServer) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(greeting()), encoding="utf-8")
    collection = rqrun.load_collection(path)
    environment = rqrun.Environment("loaded", [])
    result, _ = run(rqrun.RunOptions(collection, environment=environment,
                                     env_vars={"base": recording_server.url, "team": "t", "user": "u"}, reporters=()))
    assert result.exit_code == 0
    assert recording_server.requests.paths == ["/hello/u"]


def test_the_caller_changing_its_dict_later_changes_nothing(recording_server: RecordingServer) -> None:
    rows = [{"user": "ada"}]
    options = rqrun.RunOptions(greeting(), env_vars={"base": recording_server.url, "team": "t"},
                               iteration_data=rows, reporters=())
    rows[0]["user"] = "changed"  # the options keep the caller's list; the run copies it when it loads
    result, _ = run(options)
    assert result.exit_code == 0
    assert recording_server.requests.paths == ["/hello/changed"]
    assert rows == [{"user": "changed"}]  # and the run does not write into it


def test_json_report_names_an_in_memory_collection(tmp_path: Path, recording_server: RecordingServer) -> None:
    report = tmp_path / "report.json"
    options = rqrun.RunOptions(greeting(), env_vars={"base": recording_server.url, "team": "t", "user": "u"},
                               reporters=("json",), reporter_options={"json": {"export": str(report)}})
    result, _ = run(options)
    assert result.exit_code == 0
    assert json.loads(report.read_text())["collection"]["source"] == "<in-memory collection>"


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("collection", {"records": "nope", "schema_version": "1.0.0"}, "<in-memory collection>: records"),
        ("collection", {"hello": 1}, "<in-memory collection>"),
        ("iteration_data", [{"user": {1, 2}}], "<in-memory data>"),
        ("iteration_data", [{"user": float("nan")}], "<in-memory data>"),
        ("iteration_data", [["not", "a", "row"]], "<in-memory data>: [0]"),
        ("environment", {"base": [1]}, "<in-memory environment>: base"),
    ],
)
def test_bad_objects_are_one_line_input_errors_before_anything_is_sent(
    field: str, value: Any, where: str, recording_server: RecordingServer
) -> None:
    given: dict[str, Any] = {"collection": greeting(), "reporters": (), field: value}
    with pytest.raises(rqrun.InputError) as caught:
        rqrun.run(rqrun.RunOptions(**given))
    assert str(caught.value.where).startswith(where), caught.value
    assert "\n" not in caught.value.one_line()
    assert recording_server.requests.paths == []


def test_bad_environment_name_in_an_environment_object_is_a_usage_error(recording_server: RecordingServer) -> None:
    environments = {"schema_version": "1.0.0", "environments": [{"name": "a", "variables": {}}, {"name": "b", "variables": {}}]}
    with pytest.raises(rqrun.UsageError, match="<in-memory environment> holds several environments"):
        rqrun.run(rqrun.RunOptions(greeting(), environment=environments, reporters=()))
    with pytest.raises(rqrun.UsageError, match="no environment named 'c'"):
        rqrun.run(rqrun.RunOptions(greeting(), environment=environments, env_name="c", reporters=()))


def upload(url: str, path: str) -> dict[str, Any]:
    body = [{"id": 1, "key": "doc", "value": [{"id": "f", "name": "doc", "path": path, "source": "desktop"}], "isEnabled": True}]
    return export(folder("c", "Files"), api("r", "Upload", "c", url + "/upload", method="POST", body=body,
                                            content_type="multipart/form-data"))


def test_relative_files_of_an_in_memory_collection_resolve_against_working_dir(
    tmp_path: Path, recording_server: RecordingServer
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "doc.txt").write_bytes(b"from the working dir")
    result, executions = run(rqrun.RunOptions(upload(recording_server.url, "doc.txt"), working_dir=str(work), reporters=()))
    assert result.exit_code == 0, executions[0].error
    assert [p.data for p in recording_server.requests[0].multipart] == [b"from the working dir"]


def test_relative_files_of_an_in_memory_collection_default_to_the_current_directory(
    tmp_path: Path, recording_server: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "doc.txt").write_bytes(b"from the cwd")
    result, executions = run(rqrun.RunOptions(upload(recording_server.url, "doc.txt"), reporters=()))
    assert result.exit_code == 0, executions[0].error
    assert [p.data for p in recording_server.requests[0].multipart] == [b"from the cwd"]


def test_an_in_memory_collection_may_not_read_outside_its_folder(tmp_path: Path, recording_server: RecordingServer) -> None:
    work = tmp_path / "work"
    work.mkdir()
    secret = tmp_path / "private.key"
    secret.write_bytes(b"private")
    for path in ("../private.key", str(secret)):
        result, executions = run(rqrun.RunOptions(upload(recording_server.url, path), working_dir=str(work), reporters=()))
        assert result.exit_code == 3
        error = executions[0].error
        assert error is not None and error.type == "input" and "--insecure-file-read" in error.message
    assert recording_server.requests.paths == []
