"""No false greens from scripts, through the real CLI: tests that return False fail, scripts rqrun
cannot run fail their request (unless allowed), one language rule for ``run``, ``check`` and
``import``, and a test that raises points at its line (issue 12, points 1-3 and 8)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from support.build import api, folder, write_collection

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def _run(run_cli: Any, path: Path, *args: str) -> Any:
    return run_cli("run", path, "--reporters", "cli,json", "--reporter-json-export", path.parent / "r.json", *args)


def _requestly(tmp_path: Path, url: str, *, pre: str = "", post: str = "", scripts: dict[str, str] | None = None) -> Path:
    record = api("r", "Probe", "c", url + "/probe", pre=pre, post=post)
    if scripts is not None:
        record["data"]["scripts"] = scripts
    return write_collection(tmp_path / "c.json", folder("c", "API"), record)


def _postman(tmp_path: Path, url: str, script_type: str, *lines: str, listen: str = "test") -> Path:
    collection = {
        "info": {"name": "PM", "schema": SCHEMA},
        "item": [{
            "name": "Probe",
            "event": [{"listen": listen, "script": {"type": script_type, "exec": list(lines)}}],
            "request": {"method": "GET", "url": url + "/probe"},
        }],
    }
    path = tmp_path / "pm.postman_collection.json"
    path.write_text(json.dumps(collection))
    return path


def _tests(result: Any) -> list[tuple[str, str, str | None]]:
    return [(t["name"], t["status"], t.get("error")) for e in result.json["executions"] for t in e["tests"]]


# --- 1. a test that returns False fails ---------------------------------------------------------

def test_a_lambda_returning_false_fails_the_run(run_cli: Any, tmp_path: Path, recording_server: Any) -> None:
    path = _requestly(tmp_path, recording_server.url, post='rq.test("is 201", lambda: rq.response.code == 201)')
    result = _run(run_cli, path)
    assert result.code == 1, result
    assert _tests(result) == [("is 201", "failed", "returned False")]
    assert "returned False" in result.stdout


def test_a_plain_boolean_records_pass_and_fail(run_cli: Any, tmp_path: Path, recording_server: Any) -> None:
    post = 'rq.test("is 200", rq.response.code == 200)\nrq.test("is 201", rq.response.code == 201)'
    result = _run(run_cli, _requestly(tmp_path, recording_server.url, post=post))
    assert result.code == 1, result
    assert _tests(result) == [("is 200", "passed", None), ("is 201", "failed", "the value is False")]


def test_a_decorated_test_returning_false_fails(run_cli: Any, tmp_path: Path, recording_server: Any) -> None:
    post = '@rq.test("has a body")\ndef has_a_body():\n    return len(rq.response.text()) > 10**6\n'
    result = _run(run_cli, _requestly(tmp_path, recording_server.url, post=post))
    assert result.code == 1, result
    assert _tests(result) == [("has a body", "failed", "returned False")]


def test_an_exception_inside_a_test_carries_the_script_line(run_cli: Any, tmp_path: Path, recording_server: Any) -> None:
    post = ('rq.test("status", lambda: rq.response.to.have.status(200))\n'
            '@rq.test("id is there")\n'
            'def id_is_there():\n'
            '    body = rq.response.json()\n'
            '    return body["id"] > 0\n')
    recording_server.respond("/probe", body={"name": "no id"})
    result = _run(run_cli, _requestly(tmp_path, recording_server.url, post=post))
    assert result.code == 1, result
    assert _tests(result) == [("status", "passed", None), ("id is there", "failed", "KeyError: 'id' (line 5)")]
    assert "(line 5)" in result.stdout


# --- 2. JavaScript runs; a script in an unknown language fails its request unless allowed -------

JS_TEST = "rq.test('is 200', () => { rq.expect(rq.response.code).to.equal(200); });"
JS_FAILING = "rq.test('is 201', () => { rq.expect(rq.response.code).to.equal(201); });"


def test_javascript_in_a_requestly_export_runs(run_cli: Any, tmp_path: Path, recording_server: Any) -> None:
    """Requestly exports do not declare a language; a script that parses as JavaScript is JavaScript."""
    result = _run(run_cli, _requestly(tmp_path, recording_server.url, post=JS_TEST))
    assert result.code == 0, result
    assert _tests(result) == [("is 200", "passed", None)]


def test_a_failing_javascript_test_fails_the_run(run_cli: Any, tmp_path: Path, recording_server: Any) -> None:
    result = _run(run_cli, _requestly(tmp_path, recording_server.url, post=JS_FAILING))
    assert result.code == 1, result
    [(name, status, error)] = _tests(result)
    assert (name, status) == ("is 201", "failed") and "201" in error


def test_a_javascript_pre_request_script_sets_what_its_request_uses(run_cli: Any, tmp_path: Path, recording_server: Any) -> None:
    path = _requestly(tmp_path, recording_server.url, pre="const stamp = 'x' + (40 + 2);\nrq.request.headers.add('X-Stamp', stamp);")
    result = _run(run_cli, path)
    assert result.code == 0, result
    assert recording_server.requests[0].header("X-Stamp") == "x42"


def test_a_javascript_error_fails_its_request_with_the_line(run_cli: Any, tmp_path: Path, recording_server: Any) -> None:
    path = _requestly(tmp_path, recording_server.url, pre="const a = 1;\nundefinedThing.call();")
    result = _run(run_cli, path)
    assert result.code == 4, result
    error = result.json["executions"][0]["error"]
    assert error["kind"] == "runtime" and error["line"] == 2 and "undefinedThing" in error["message"], error
    assert recording_server.requests.paths == []


def test_allow_unsupported_scripts_warns_once_per_unknown_script_and_sends(run_cli: Any, tmp_path: Path, recording_server: Any) -> None:
    path = _postman(tmp_path, recording_server.url, "text/coffeescript", "x = 1")
    result = _run(run_cli, path, "-n", "3", "--allow-unsupported-scripts")
    assert result.code == 0, result
    assert recording_server.requests.paths == ["/probe"] * 3
    assert result.output.count("in unknown language 'text/coffeescript' not run") == 1
    strict = _run(run_cli, path)
    assert strict.code == 4 and strict.json["executions"][0]["error"]["kind"] == "unsupported", strict


def test_the_old_flag_is_a_deprecated_no_op(run_cli: Any, tmp_path: Path, recording_server: Any) -> None:
    path = _postman(tmp_path, recording_server.url, "text/coffeescript", "x = 1")
    result = _run(run_cli, path, "--fail-on-unsupported-scripts")
    assert result.code == 4, result
    assert "--fail-on-unsupported-scripts is deprecated" in result.stderr
    assert "--fail-on-unsupported-scripts" not in run_cli("run", "--help").stdout


# --- 3. one language rule -----------------------------------------------------------------------

def test_a_python_syntax_error_with_an_arrow_in_a_string_reports_its_line(run_cli: Any, tmp_path: Path, recording_server: Any) -> None:
    pre = 'rq.variables.set("arrow", "=>")\nif rq.info.iteration == 0\n    rq.variables.set("first", "yes")\n'
    result = _run(run_cli, _requestly(tmp_path, recording_server.url, pre=pre))
    assert result.code == 4, result
    error = result.json["executions"][0]["error"]
    assert error["kind"] == "compile" and error["line"] == 2 and "SyntaxError" in error["message"]
    assert recording_server.requests.paths == []
    check = run_cli("check", tmp_path / "c.json")
    assert check.code == 4 and "line 2" in check.stdout and "SyntaxError" in check.stdout, check


@pytest.mark.parametrize("name", ["text/python", "python", "py", "application/x-python"])
def test_every_python_name_runs_in_run_and_passes_check(run_cli: Any, tmp_path: Path, recording_server: Any, name: str) -> None:
    path = _postman(tmp_path, recording_server.url, name, "rq.test('is 200', lambda: rq.response.code == 200)")
    result = _run(run_cli, path)
    assert result.code == 0, result
    assert _tests(result) == [("is 200", "passed", None)]
    check = run_cli("check", path)
    assert check.code == 0 and "every script compiles" in check.stdout, check


def test_check_and_run_agree_on_javascript(run_cli: Any, tmp_path: Path, recording_server: Any) -> None:
    path = _requestly(tmp_path, recording_server.url, post=JS_TEST)
    check = run_cli("check", path)
    assert check.code == 0 and "every script compiles" in check.stdout, check
    assert _run(run_cli, path).code == 0


def test_check_reports_a_javascript_syntax_error_with_its_line(run_cli: Any, tmp_path: Path, recording_server: Any) -> None:
    # "// javascript" makes it JavaScript whatever it parses as; line 3 does not parse.
    path = _requestly(tmp_path, recording_server.url, post="// javascript\nconst a = 1;\nconst b = ;\n")
    check = run_cli("check", path)
    assert check.code == 4 and "line 3" in check.stdout and "SyntaxError" in check.stdout, check
    result = _run(run_cli, path)
    error = result.json["executions"][0]["error"]
    assert result.code == 4 and error["kind"] == "compile" and error["line"] == 3, result


def test_markers_win_over_content_and_declarations(run_cli: Any, tmp_path: Path, recording_server: Any) -> None:
    # console.log(...) compiles as Python; the marker says it is JavaScript.
    marked_js = _requestly(tmp_path, recording_server.url, post="// javascript\nconsole.log('hi', {a: 1})")
    result = _run(run_cli, marked_js)
    assert result.code == 0 and result.json["executions"][0]["console"] == ['hi {"a":1}'], result
    # Postman declares text/javascript; the first line says Python, and it runs.
    marked_py = _postman(tmp_path, recording_server.url, "text/javascript", "# python",
                         "rq.test('is 200', lambda: rq.response.code == 200)")
    result = _run(run_cli, marked_py)
    assert result.code == 0 and _tests(result) == [("is 200", "passed", None)], result


def test_requestly_language_field(run_cli: Any, tmp_path: Path, recording_server: Any) -> None:
    scripts = {"language": "javascript", "preRequest": "", "postResponse": "console.log('hi')"}
    result = _run(run_cli, _requestly(tmp_path, recording_server.url, scripts=scripts))
    assert result.code == 0 and result.json["executions"][0]["console"] == ["hi"], result
    scripts["language"] = "cobol"
    bad = _run(run_cli, _requestly(tmp_path, recording_server.url, scripts=scripts))
    assert bad.code == 3 and "unknown script language 'cobol'" in bad.stderr, bad
    assert "Traceback" not in bad.output


def test_a_javascript_stub_of_comments_has_nothing_to_run(run_cli: Any, tmp_path: Path, recording_server: Any) -> None:
    """Postman's editor leaves ``// ...`` stubs; they fail nothing, in run and in check alike."""
    path = _postman(tmp_path, recording_server.url, "text/javascript", "// set up later", "", "// really")
    result = _run(run_cli, path)
    assert result.code == 0 and recording_server.requests.paths == ["/probe"], result
    check = run_cli("check", path)
    assert check.code == 0, check
