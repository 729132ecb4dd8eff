"""The rq API, exercised by scripts run in-process through the worker's code path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rqrun.sandbox.model import HostCallError

Run = Callable[..., dict[str, Any]]


def ok(result: dict[str, Any]) -> dict[str, Any]:
    assert result["error"] is None, result["error"]
    return result


def recorded_tests(result: dict[str, Any]) -> list[list[Any]]:
    return result["tests"]


# --- scopes -------------------------------------------------------------------------------------

def test_scopes_read_write_and_record_operations(run_inline: Run) -> None:
    result = ok(run_inline(
        "rq.environment.set('token', 'abc')\n"
        "rq.globals.set('n', 3)\n"
        "rq.collectionVariables.unset('base')\n"
        "rq.variables.set('flag', True)\n"
        "rq.environment.clear()\n"
        "print(rq.environment.get('token'), rq.globals.get('n'), rq.collectionVariables.has('base'))\n"
    ))
    assert result["scope_ops"] == [
        ["environment", "set", "token", "abc"], ["globals", "set", "n", 3],
        ["collectionVariables", "unset", "base", None], ["variables", "set", "flag", True],
        ["environment", "clear", "", None],
    ]
    assert result["console"] == ["None 3 False"]


def test_variables_resolve_by_precedence(run_inline: Run) -> None:
    result = ok(run_inline(
        "print(rq.variables.get('row'), rq.variables.get('host'), rq.variables.get('f'),\n"
        "      rq.variables.get('far_only'), rq.variables.get('base'), rq.variables.get('g'), rq.variables.get('none'))\n"
        "rq.variables.set('row', 'run')\n"
        "print(rq.variables.get('row'), rq.iterationData.get('row'))\n"
        "rq.environment.set('late', 1)\n"
        "print(rq.variables.get('late'), rq.variables.has('g'), sorted(rq.variables.toObject())[:3])\n"
    ))
    assert result["console"] == ["r1 example.test near 1 /v1 global None", "run r1", "1 True ['base', 'f', 'far_only']"]


def test_iteration_data_is_read_only(run_inline: Run) -> None:
    result = run_inline("rq.iterationData.set('row', 'x')")
    assert result["error"]["kind"] == "runtime" and "read-only" in result["error"]["message"]


@pytest.mark.parametrize("value", ["[1]", "{'a': 1}", "float('nan')", "b'x'", "rq"])
def test_scope_values_must_be_json_scalars(run_inline: Run, value: str) -> None:
    result = run_inline(f"rq.environment.set('k', {value})")
    assert result["error"]["kind"] == "runtime"
    assert "rq.environment.set" in result["error"]["message"]


# --- request ----------------------------------------------------------------------------------

def test_request_mutations_come_back_in_the_prerequest_phase(run_inline: Run) -> None:
    result = ok(run_inline(
        "rq.request.headers.add('X-Signature', 'sig')\n"
        "rq.request.headers.add({'key': 'X-Two', 'value': '2'})\n"
        "rq.request.headers.add(('X-Three', '3'))\n"
        "rq.request.headers.upsert('accept', 'text/plain')\n"
        "rq.request.headers.remove('x-two')\n"
        "rq.request.queryParams.upsert('page', '2')\n"
        "rq.request.url = 'https://example.test/v2'\n"
        "rq.request.method = 'post'\n"
        "rq.request.body = '{\"a\": 1}'\n"
        "print(rq.request.headers.get('ACCEPT'), len(rq.request.headers), 'x-signature' in rq.request.headers)\n"
        "print([h.key for h in rq.request.headers], rq.request.headers[0]['value'])\n",
        phase="prerequest",
    ))
    request = result["request"]
    assert request["headers"] == [{"key": "Accept", "value": "text/plain"}, {"key": "X-Signature", "value": "sig"},
                                  {"key": "X-Three", "value": "3"}]
    assert request["queryParams"] == [{"key": "page", "value": "2"}]
    assert (request["url"], request["method"], request["bodyMode"], request["body"]) == (
        "https://example.test/v2", "POST", "raw", '{"a": 1}')
    assert result["console"] == ["text/plain 3 True", "['Accept', 'X-Signature', 'X-Three'] text/plain"]


def test_request_body_lists_and_none(run_inline: Run) -> None:
    result = ok(run_inline("rq.request.body = [('a', '1'), {'key': 'b', 'value': '2'}]", phase="prerequest"))
    assert result["request"]["bodyMode"] == "urlencoded"
    assert result["request"]["body"] == [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]
    assert ok(run_inline("rq.request.body = None", phase="prerequest"))["request"]["bodyMode"] == "none"


def test_request_is_read_only_after_sending(run_inline: Run) -> None:
    result = run_inline("rq.request.headers.add('X', 'y')")
    assert "cannot be changed" in result["error"]["message"] and result["request"] is None
    result = run_inline("rq.request.url = 'http://elsewhere'")
    assert "pre-request" in result["error"]["message"]


def test_request_refuses_undeclared_fields(run_inline: Run) -> None:
    result = run_inline("rq.request.id = 'x'", phase="prerequest")
    assert result["error"]["kind"] == "runtime" and "cannot set 'id'" in result["error"]["message"]


# --- response and its assertions -------------------------------------------------------------------

def test_response_fields_and_helpers(run_inline: Run) -> None:
    result = ok(run_inline(
        "r = rq.response\n"
        "print(r.code, r.status, r.responseTime, r.headers.get('content-type'), r.json()['name'], len(r.text()))\n"
    ))
    assert result["console"] == ["200 OK 12.5 application/json Ada 68"]


@pytest.mark.parametrize("assertion", [
    "rq.response.to.have.status(200)", "rq.response.to.have.status('OK')", "rq.response.to.be.ok",
    "rq.response.to.be.success", "rq.response.to.not_.be.notFound", "rq.response.not_.to.be.serverError",
    "rq.response.to.have.header('Content-Type')", "rq.response.to.have.header('content-type', 'application/json')",
    "rq.response.to.have.jsonBody()", "rq.response.to.have.jsonBody('tags[1]', 'b')",
    "rq.response.to.have.jsonBody('nested.ok')", "rq.response.to.not_.have.jsonBody('missing')",
    "rq.response.to.not_.have.body('x')",
])
def test_response_assertions_pass(run_inline: Run, assertion: str) -> None:
    ok(run_inline(assertion))


@pytest.mark.parametrize("assertion, message", [
    ("rq.response.to.have.status(404)", "expected response to have status code 404 but got 200"),
    ("rq.response.to.be.notFound", "expected response to have a 404 status code but got 200"),
    ("rq.response.to.be.clientError", "expected response to have a 4XX status code but got 200"),
    ("rq.response.to.not_.be.ok", "expected response to not have a 2XX status code"),
    ("rq.response.to.have.header('X-Missing')", "expected response to have header 'X-Missing'"),
    ("rq.response.to.have.jsonBody('id', 8)", "expected response to have 8 at JSON path 'id' but got 7"),
])
def test_response_assertions_fail_with_readable_messages(run_inline: Run, assertion: str, message: str) -> None:
    result = run_inline(assertion)
    assert result["error"] == {"kind": "assertion", "message": message, "line": 1}


def test_response_is_none_before_sending(run_inline: Run) -> None:
    assert ok(run_inline("print(rq.response)", phase="prerequest"))["console"] == ["None"]


# --- tests and expect ------------------------------------------------------------------------------

def test_rq_test_forms(run_inline: Run) -> None:
    result = ok(run_inline(
        "rq.test('passes', lambda: rq.expect(1).to.equal(1))\n"
        "rq.test('fails', lambda: rq.expect(404).to.equal(200))\n"
        "@rq.test('decorated')\n"
        "def body_has_id():\n"
        "    rq.expect(rq.response.json()).to.have.property('id')\n"
        "rq.test.skip('later')\n"
        "rq.test('raises', lambda: {}['x'])\n"
        "print(callable(body_has_id))\n"
    ))
    assert recorded_tests(result) == [
        ["passes", "passed", None], ["fails", "failed", "expected 404 to equal 200"],
        ["decorated", "passed", None], ["later", "skipped", None], ["raises", "failed", "KeyError: 'x' (line 7)"],
    ]
    assert result["console"] == ["True"]


def test_a_test_returning_false_fails_and_plain_booleans_record_a_result(run_inline: Run) -> None:
    result = ok(run_inline(
        "rq.test('false', lambda: 1 == 2)\n"
        "rq.test('true', lambda: 1 == 1)\n"
        "rq.test('none is a pass', lambda: None)\n"
        "rq.test('plain true', True)\n"
        "rq.test('plain false', False)\n"
        "@rq.test('decorated false')\n"
        "def decorated_false():\n"
        "    return False\n"
        "@rq.test('raises inside')\n"
        "def raises_inside():\n"
        "    x = 1\n"
        "    return {}['k']\n"
    ))
    assert recorded_tests(result) == [
        ["false", "failed", "returned False"], ["true", "passed", None], ["none is a pass", "passed", None],
        ["plain true", "passed", None], ["plain false", "failed", "the value is False"],
        ["decorated false", "failed", "returned False"], ["raises inside", "failed", "KeyError: 'k' (line 12)"],
    ]


@pytest.mark.parametrize("value", ["None", "1", "'yes'"])
def test_a_test_value_that_is_neither_a_function_nor_a_boolean_is_an_error(run_inline: Run, value: str) -> None:
    """``rq.test("name", None)`` must not pass silently (it would otherwise read as the decorator form)."""
    result = run_inline(f"rq.test('t', {value})")
    assert result["error"]["kind"] == "runtime" and "a function or True/False" in result["error"]["message"]
    assert result["error"]["line"] == 1 and recorded_tests(result) == []


def test_uncaught_error_keeps_earlier_tests(run_inline: Run) -> None:
    result = run_inline("rq.test('first', lambda: None)\nx = 1\nundefined_name\nrq.test('never', lambda: None)")
    assert recorded_tests(result) == [["first", "passed", None]]
    assert result["error"] == {"kind": "runtime", "message": "NameError: name 'undefined_name' is not defined", "line": 3}


def test_pm_gets_a_hint(run_inline: Run) -> None:
    assert "use rq, not pm" in run_inline("pm.environment.set('a', 1)")["error"]["message"]


@pytest.mark.parametrize("assertion", [
    "rq.expect(5).to.equal(5)", "rq.expect([1, {'a': 2}]).to.eql([1, {'a': 2}])", "rq.expect('s').to.be.a('str')",
    "rq.expect('s').to.be.a('string')", "rq.expect(1.5).to.be.a('number')", "rq.expect({}).to.be.an('object')",
    "rq.expect([]).to.be.an('array')", "rq.expect(True).to.be.a('boolean')", "rq.expect(None).to.be.a('null')",
    "rq.expect(3).to.be.an(int)", "rq.expect('hello').to.include('ell')", "rq.expect([1, 2]).to.include(2)",
    "rq.expect({'a': 1, 'b': 2}).to.include({'a': 1})", "rq.expect('abc-123').to.match(r'\\d+$')",
    "rq.expect(5).to.be.above(4).and_.below(6)", "rq.expect(5).to.be.within(5, 6)", "rq.expect(5).to.be.at.least(5)",
    "rq.expect(5).to.be.at.most(5)", "rq.expect([1, 2]).to.have.lengthOf(2)",
    "rq.expect({'id': 1}).to.have.property('id', 1)", "rq.expect({'id': 1}).to.have.property('id').that.is_.a('int')",
    "rq.expect({'a': 1, 'b': 2}).to.have.keys('a', 'b')", "rq.expect('x').to.be.oneOf(['x', 'y'])",
    "rq.expect(True).to.be.true", "rq.expect(False).to.be.false", "rq.expect(None).to.be.none",
    "rq.expect(None).to.be.null", "rq.expect([]).to.be.empty", "rq.expect(0).to.exist", "rq.expect(1).to.be.ok",
    "rq.expect(1).to.not_.equal(2)", "rq.expect(True).to.not_.equal(1)", "rq.expect('a').to.not_.be.empty",
    "rq.expect(1).to.deep.equal(1)", "rq.expect(0.1 + 0.2).to.be.closeTo(0.3, 0.001)",
])
def test_expect_passes(run_inline: Run, assertion: str) -> None:
    ok(run_inline(assertion))


@pytest.mark.parametrize("assertion, message", [
    ("rq.expect(404).to.equal(200)", "expected 404 to equal 200"),
    ("rq.expect(1).to.not_.equal(1)", "expected 1 to not equal 1"),
    ("rq.expect(True).to.equal(1)", "expected True to equal 1"),
    ("rq.expect('a').to.be.a('number')", "expected 'a' to be a number"),
    ("rq.expect(None).to.exist", "expected None to exist"),
    ("rq.expect([1]).to.be.empty", "expected [1] to be empty"),
    ("rq.expect({}).to.have.property('id')", "expected {} to have property 'id'"),
    ("rq.expect(3).to.be.above(5)", "expected 3 to be above 5"),
    ("rq.expect('abc').to.match('^z')", "expected 'abc' to match '^z'"),
    ("rq.expect(False).to.be.true", "expected False to be true"),
])
def test_expect_fails_readably(run_inline: Run, assertion: str, message: str) -> None:
    result = run_inline(assertion)
    assert result["error"]["kind"] == "assertion"
    assert result["error"]["message"] == message


def test_plain_assert_is_an_assertion_failure(run_inline: Run) -> None:
    assert run_inline("x = 1\nassert x == 2, 'x should be 2'")["error"] == {
        "kind": "assertion", "message": "x should be 2", "line": 2}


# --- info, console, dynamic ------------------------------------------------------------------------

def test_info(run_inline: Run) -> None:
    result = ok(run_inline("i = rq.info\nprint(i.requestId, i.requestName, i.eventName, i.iteration, i.iterationCount)"))
    assert result["console"] == ["req-1 Get user postresponse 0 1"]


def test_console_levels(run_inline: Run) -> None:
    result = ok(run_inline("console.log('a', 1)\nconsole.warn('w')\nconsole.error('e')\nprint('p', end='!')"))
    assert result["console"] == ["a 1", "[warn] w", "[error] e", "p!"]


def test_dynamic_values(run_inline: Run) -> None:
    result = ok(run_inline("print(len(rq.dynamic('$guid')), 1 <= int(rq.dynamic('randomInt', 1, 5)) <= 5)"))
    assert result["console"] == ["36 True"]
    assert "unknown dynamic value" in run_inline("rq.dynamic('$nope')")["error"]["message"]


# --- host calls ------------------------------------------------------------------------------------

def test_vault_calls_reach_the_host(run_inline: Run) -> None:
    calls: list[tuple[str, list[Any]]] = []

    def host(name: str, args: list[Any]) -> Any:
        calls.append((name, args))
        return {"vault.get": "s3cret", "vault.has": True}.get(name)

    result = ok(run_inline(
        "print(rq.vault.get('apiKey'))\nrq.expect(rq.vault.has('apiKey')).to.be.true\n"
        "rq.vault.set('t', 'v')\nrq.vault.unset('t')", host=host))
    assert calls == [("vault.get", ["apiKey"]), ("vault.has", ["apiKey"]), ("vault.set", ["t", "v"]),
                     ("vault.unset", ["t"])]
    assert result["console"] == ["s3cret"]


def test_host_errors_are_catchable_with_their_message(run_inline: Run) -> None:
    def host(name: str, args: list[Any]) -> Any:
        raise HostCallError("key 'aws' is read-only")

    result = ok(run_inline(
        "try:\n    rq.vault.set('aws', 'x')\nexcept Exception as e:\n    print('caught', e)", host=host))
    assert result["console"] == ["caught key 'aws' is read-only"]
    result = run_inline("rq.vault.set('aws', 'x')", host=host)
    assert result["error"]["message"] == "HostCallError: key 'aws' is read-only"


def test_send_request_normalises_and_returns_a_response(run_inline: Run) -> None:
    seen: list[Any] = []

    def host(name: str, args: list[Any]) -> Any:
        seen.append(args[0])
        return {"code": 201, "status": "Created", "headers": [], "body": '{"token": "t"}', "responseTime": 3}

    result = ok(run_inline(
        "res = rq.sendRequest({'url': 'http://auth/token', 'method': 'post', 'header': {'A': 'b'},\n"
        "                      'body': {'mode': 'raw', 'raw': 'x=1'}})\n"
        "res.to.have.status(201)\n"
        "rq.sendRequest('http://auth/ping', lambda err, r: print(err, r.json()['token']))\n"
        "rq.sendRequest({'url': 'http://auth/json', 'body': {'a': 1}})\n", host=host))
    assert seen[0] == {"url": "http://auth/token", "method": "POST", "headers": [{"key": "A", "value": "b"}],
                       "queryParams": [], "bodyMode": "raw", "body": "x=1"}
    assert seen[1]["url"] == "http://auth/ping" and seen[1]["method"] == "GET"
    assert seen[2]["headers"] == [{"key": "Content-Type", "value": "application/json"}]
    assert result["console"] == ["None t"]


def test_send_request_callback_gets_the_error(run_inline: Run) -> None:
    def host(name: str, args: list[Any]) -> Any:
        raise HostCallError("connection refused")

    result = ok(run_inline("rq.sendRequest('http://x', lambda err, res: print(err, res))", host=host))
    assert result["console"] == ["connection refused None"]


def test_rq_members_cannot_be_replaced(run_inline: Run) -> None:
    result = run_inline("rq.vault = None")
    assert result["error"]["kind"] == "runtime" and "cannot modify" in result["error"]["message"]


# --- one job's objects never act in another ---------------------------------------------------------

def test_the_objects_of_an_ended_job_refuse_to_act() -> None:
    """What a finaliser left behind by a script could still hold, once its job is over."""
    from rqrun.sandbox import api
    from rqrun.sandbox.guards import STATE, PrintCollector

    calls: list[str] = []
    api.set_host(lambda name, args: calls.append(name))
    try:
        STATE.reset(2000, 1 << 16)
        record = api.JobRecord()
        rq = api.build_rq({"phase": "postresponse", "scopes": {}, "request": {}, "response": None}, record)
        console, printer = api.Console(record), PrintCollector()
        STATE.end()
        STATE.reset(2000, 1 << 16)  # the next job
        attempts = {
            "env": lambda: rq.environment.set("late", "yes"),
            "variables": lambda: rq.variables.set("late", "yes"),
            "test": lambda: rq.test("late", lambda: None),
            "skip": lambda: rq.test.skip("late"),
            "console": lambda: console.log("late"),
            "print": lambda: printer._call_print("late"),
            "vault": lambda: rq.vault.get("k"),
            "send": lambda: rq.sendRequest("https://late.test/"),
        }
        for attempt in attempts.values():
            with pytest.raises(RuntimeError, match="belongs to a script that has ended"):
                attempt()
        assert STATE.console == [] and record.tests == [] and record.scope_ops == [] and calls == []
    finally:
        STATE.end()
        api.set_host(None)


@pytest.mark.parametrize("spec", [{"url": ""}, 42, {"url": "http://127.0.0.1/", "bodyMode": "file", "body": "x"}])
def test_a_send_request_the_host_cannot_build_is_a_script_error_not_a_usage_error(spec: Any) -> None:
    """The host re-checks what a (possibly compromised) worker sends; the fault is the script's."""
    from rqrun.errors import ExitCode, ScriptError
    from rqrun.script_bridge import request_from_spec

    with pytest.raises(ScriptError) as caught:
        request_from_spec(spec)
    assert caught.value.exit_code == ExitCode.RUN and "rq.sendRequest" in caught.value.one_line()


def test_script_failure_kinds_are_one_enum_that_reads_as_text() -> None:
    import json

    from rqrun.sandbox.model import FAILURE_KINDS, FailureKind, ScriptFailure

    assert {kind.value for kind in FailureKind} == FAILURE_KINDS
    failure = ScriptFailure("timeout", "too slow")  # type: ignore[arg-type]
    assert failure.kind is FailureKind.TIMEOUT
    assert f"{failure.kind}" == "timeout" and json.dumps({"kind": failure.kind}) == '{"kind": "timeout"}'
    with pytest.raises(ValueError):
        ScriptFailure("pwned", "not a kind")  # type: ignore[arg-type]
