"""Postman's ``pm``, Chai's ``pm.expect`` and the legacy globals, in QuickJS (pm_runtime.js, chai.js).

Each test runs a Postman-style script over the stand-in ``rq`` of :mod:`pm_harness` and reads back
what a report would show: test names, pass/fail and Chai's messages, variables written, request
changes, flow control.
"""

from __future__ import annotations

import pytest
import quickjs
from pm_harness import PmContext


def results(script: str, **job: object) -> list[list[object]]:
    pm = PmContext(**job)
    pm.run(script)
    return pm.tests


@pytest.mark.parametrize(
    ("assertion", "message"),
    [
        ("pm.expect(pm.response.code).to.equal(201)", "expected 200 to equal 201"),
        ("pm.expect(pm.response.code).to.not.equal(200)", "expected 200 to not equal 200"),
        ("pm.expect('abc').to.be.a('number')", "expected 'abc' to be a number"),
        ("pm.expect([1, 2]).to.have.lengthOf(3)", "expected [ 1, 2 ] to have a length of 3 but got 2"),
        ("pm.expect({a: 1}).to.eql({a: 2})", "expected { a: 1 } to deeply equal { a: 2 }"),
        ("pm.expect({a: 1}).to.have.property('b')", "expected { a: 1 } to have property 'b'"),
        ("pm.expect({a: 1}).to.have.property('a', 2)", "expected { a: 1 } to have property 'a' of 2, but got 1"),
        ("pm.expect('thing').to.include('x')", "expected 'thing' to include 'x'"),
        ("pm.expect(5).to.be.oneOf([1, 2])", "expected 5 to be one of [ 1, 2 ]"),
        ("pm.expect(5).to.be.above(9)", "expected 5 to be above 9"),
        ("pm.expect(5).to.be.below(2)", "expected 5 to be below 2"),
        ("pm.expect(5).to.be.within(1, 3)", "expected 5 to be within 1..3"),
        ("pm.expect(null).to.exist", "expected null to exist"),
        ("pm.expect(1).to.be.true", "expected 1 to be true"),
        ("pm.expect('').to.be.ok", "expected '' to be truthy"),
        ("pm.expect([]).to.not.be.empty", "expected [] not to be empty"),
        ("pm.expect('abc').to.match(/^z/)", "expected 'abc' to match /^z/"),
        ("pm.expect({a: 1, b: 2}).to.have.all.keys('a')", "expected { a: 1, b: 2 } to have key 'a'"),
        ("pm.expect([1, 2]).to.have.members([1, 3])", "expected [ 1, 2 ] to have the same members as [ 1, 3 ]"),
        ("pm.expect(7, 'the id').to.equal(8)", "the id: expected 7 to equal 8"),
        ("pm.expect(pm.response.json()).to.have.nested.property('nested.n[1].x', 'z')",
         "expected { Object (id, name, ...) } to have nested property 'nested.n[1].x' of 'z', but got 'y'"),
        ("pm.response.to.have.status(404)", "expected response to have status code 404 but got 200"),
        ("pm.response.to.be.notFound", "expected response to have status code 404 but got 200"),
        ("pm.response.to.be.clientError", "expected response code to be 4XX but found 200"),
        ("pm.response.to.have.header('X-Missing')", "expected response to have header with key 'X-Missing'"),
        ("pm.expect(pm.response).to.have.status(201)", "expected response to have status code 201 but got 200"),
    ],
)
def test_a_failing_assertion_fails_its_test_with_chais_message(assertion: str, message: str) -> None:
    assert results(f"pm.test('t', function () {{ {assertion}; }});") == [["t", "failed", message]]


@pytest.mark.parametrize(
    "assertion",
    [
        "pm.expect(pm.response.code).to.equal(200)",
        "pm.expect(pm.response.code).to.be.oneOf([200, 201])",
        "pm.expect(pm.response.json()).to.be.an('object').that.has.property('tags').that.includes('b')",
        "pm.expect(pm.response.json().tags).to.be.an('array').that.is.not.empty",
        "pm.expect(pm.response.json()).to.have.nested.property('nested.n[1].x', 'y')",
        "pm.expect(pm.response.json()).to.deep.include({tags: ['a', 'b']})",
        "pm.expect(pm.response.json()).to.include.all.keys('id', 'name')",
        "pm.expect(pm.response.json().tags).to.have.length.above(1)",
        "pm.expect(pm.response.json().tags).to.have.members(['b', 'a'])",
        "pm.expect(pm.response.responseTime).to.be.below(1000)",
        "pm.expect(undefined).to.not.exist",
        "pm.expect(function () { JSON.parse('{'); }).to.throw(SyntaxError)",
        "pm.response.to.have.status(200)",
        "pm.response.to.be.ok",
        "pm.response.to.be.success",
        "pm.response.to.not.be.error",
        "pm.response.to.have.header('content-type')",
        "pm.response.to.have.header('Content-Type', 'application/json')",
        "pm.response.to.be.json",
        "pm.response.to.have.jsonBody('nested.n[0]', 1)",
        "pm.response.to.have.jsonBody('name')",
        "pm.response.to.have.body()",
        "pm.expect(pm.response.headers.get('content-type')).to.include('json')",
        "pm.expect(pm.cookies.get('sid')).to.equal('abc123')",
        "pm.expect(pm.cookies.has('nope')).to.be.false",
        "pm.expect(pm.response.responseSize).to.equal(pm.response.text().length)",
    ],
)
def test_a_passing_assertion_passes(assertion: str) -> None:
    assert results(f"pm.test('t', function () {{ {assertion}; }});") == [["t", "passed", None]]


def test_pm_test_fails_only_on_a_throw_as_in_postman() -> None:
    tests = results("""
        pm.test('returns false', function () { return false; });
        pm.test('throws a TypeError', function () { null.x; });
        pm.test('done with an error', function (done) { done(new Error('late')); });
        pm.test('done without', function (done) { done(); });
        pm.test.skip('later', function () { throw new Error('never runs'); });
    """)
    assert [t[:2] for t in tests] == [["returns false", "passed"], ["throws a TypeError", "failed"],
                                      ["done with an error", "failed"], ["done without", "passed"],
                                      ["later", "skipped"]]
    assert tests[1][2].startswith("TypeError")
    assert tests[2][2] == "Error: late"


def test_legacy_tests_are_collected_once_each_after_the_script() -> None:
    tests = results("""
        var data = JSON.parse(responseBody);
        tests["Status code is 200"] = responseCode.code === 200;
        tests["has id"] = data.id === 8;
        tests["has id"] = data.id === 7;           // the last value counts, once
        tests["header"] = responseHeaders["Content-Type"] === "application/json";
        tests["fast"] = responseTime < 100;
        pm.test("pm first", function () {});
    """)
    assert tests == [["pm first", "passed", None], ["Status code is 200", "passed", None],
                     ["has id", "passed", None], ["header", "passed", None], ["fast", "passed", None]]


def test_a_falsy_legacy_test_fails() -> None:
    assert results('tests["missing"] = JSON.parse(responseBody).missing;') == [["missing", "failed", "the value is false"]]


def test_variables_map_onto_rqs_scopes() -> None:
    pm = PmContext()
    pm.run("""
        pm.environment.set('token', pm.response.json().name);
        pm.globals.set('count', 3);
        pm.collectionVariables.set('cv', 'x');
        pm.variables.set('local', 'run');
        postman.setEnvironmentVariable('legacy', 'L');
        postman.setGlobalVariable('lg', 'G');
        pm.environment.unset('host');
        postman.clearGlobalVariable('g');
    """)
    scopes = pm.job["scopes"]
    assert scopes["environment"] == {"token": "thing", "legacy": "L"}
    assert scopes["globals"] == {"count": 3, "lg": "G"}
    assert scopes["collectionVariables"] == {"c": "col", "cv": "x"}
    assert scopes["variables"] == {"local": "run"}


def test_reads_resolve_as_postman_does() -> None:
    pm = PmContext()
    assert pm.value("pm.variables.get('c')") == "col"       # pm.variables reads every scope
    assert pm.value("pm.variables.get('row')") == "r1"
    assert pm.value("pm.environment.get('nope') === undefined") is True
    assert pm.value("pm.environment.has('host')") is True
    assert pm.value("postman.getEnvironmentVariable('host')") == "api.test"
    assert pm.value("pm.iterationData.get('row')") == "r1"
    assert pm.value("pm.variables.replaceIn('https://{{host}}/{{c}}/{{unknown}}/{{$guid}}')") == \
        "https://api.test/col/{{unknown}}/dyn-guid"
    assert pm.value("pm.environment.replaceIn('{{host}}-{{c}}')") == "api.test-{{c}}"
    assert pm.value("pm.environment.toObject()") == {"host": "api.test"}
    assert pm.value("[data.row, environment.host, globals.g, iteration]") == ["r1", "api.test", "1", 0]
    with pytest.raises(quickjs.JSException, match="read-only"):
        pm.run("pm.iterationData.set('row', 'x')")


def test_pm_request_changes_reach_rq_request() -> None:
    pm = PmContext()
    pm.run("""
        pm.request.headers.add({key: 'X-Sig', value: 'abc'});
        pm.request.headers.upsert({key: 'accept', value: 'text/plain'});
        pm.request.headers.remove('X-Nothing');
        pm.request.url.query.add({key: 'q', value: 'v'});
        pm.request.body.raw = JSON.stringify({b: 2});
        pm.request.method = 'post';
    """)
    request = pm.job["request"]
    assert request["headers"] == [{"key": "Accept", "value": "text/plain"}, {"key": "X-Sig", "value": "abc"}]
    assert request["queryParams"] == [{"key": "page", "value": "2"}, {"key": "q", "value": "v"}]
    assert request["body"] == '{"b":2}'
    assert request["method"] == "POST"
    assert pm.value("pm.request.url.toString()") == "https://api.test/things/7?page=2&q=v"
    assert pm.value("[pm.request.url.getHost(), pm.request.url.getPath(), pm.request.url.getQueryString()]") == \
        ["api.test", "/things/7", "page=2&q=v"]
    assert pm.value("pm.request.headers.get('x-sig')") == "abc"
    assert pm.value("[request.method, request.headers['X-Sig'], request.data, request.name]") == \
        ["POST", "abc", '{"b":2}', "Get thing"]


def test_pm_info_and_flow_control() -> None:
    pm = PmContext()
    pm.run("pm.execution.setNextRequest('Login');")
    assert pm.value("__stub.next") == "Login"
    pm.run("postman.setNextRequest(null);")
    assert pm.value("__stub.next") is None
    assert pm.value("[pm.info.eventName, pm.info.requestName, pm.info.iteration, pm.info.iterationCount]") == \
        ["test", "Get thing", 0, 1]
    pm.run("pm.execution.skipRequest();")
    assert pm.value("__stub.skipped") is True


def test_send_request_with_a_callback_and_as_a_promise() -> None:
    answers = {"http://127.0.0.1:9/token": {"code": 201, "status": "Created", "headers": [],
                                            "body": '{"access_token": "T1"}'}}
    pm = PmContext(answers=answers)
    pm.run("""
        pm.sendRequest({url: 'http://127.0.0.1:9/token', method: 'POST',
                        header: {'Content-Type': 'application/json'},
                        body: {mode: 'raw', raw: JSON.stringify({user: 'u'})}}, function (err, res) {
            pm.environment.set('token', res.json().access_token);
            pm.test('token endpoint', function () { pm.expect(res).to.have.status(201); });
        });
        pm.sendRequest('http://127.0.0.1:9/down', function (err, res) {
            pm.test('down is reported', function () { pm.expect(err).to.exist; pm.expect(res).to.be.null; });
        });
    """)
    assert pm.job["scopes"]["environment"]["token"] == "T1"
    assert pm.tests == [["token endpoint", "passed", None], ["down is reported", "passed", None]]
    assert pm.value("__stub.sent") == [
        {"url": "http://127.0.0.1:9/token", "method": "POST", "header": {"Content-Type": "application/json"},
         "body": {"mode": "raw", "raw": '{"user":"u"}'}},
        {"url": "http://127.0.0.1:9/down", "method": "GET"},
    ]


def test_the_pre_request_phase_has_no_response() -> None:
    pm = PmContext(response=None)
    assert pm.value("[pm.response === undefined, typeof responseBody, pm.cookies.get('sid') === undefined]") == \
        [True, "undefined", True]


def test_require_of_an_unknown_module_says_so() -> None:
    with pytest.raises(quickjs.JSException, match="Cannot find module 'fs'"):
        PmContext().run("require('fs')")


def test_atob_and_btoa_round_trip() -> None:
    assert PmContext().value("[btoa('user:pässword'.replace('ä', 'a')), atob('dXNlcjpwYXNzd29yZA==')]") == \
        ["dXNlcjpwYXNzd29yZA==", "user:password"]
