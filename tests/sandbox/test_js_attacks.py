"""JavaScript attacks on the sandbox, table-driven, through a real worker process.

Each row is a script a shared collection could carry and the outcome it must have. After every
attack the same engine runs a plain script, which must work: the run goes on. Several attacks
also go through the real CLI at the end of the file.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest

from rqrun.sandbox import ScriptJob, ScriptResult

_FIXTURES: dict[str, Any] = {}


@pytest.fixture(autouse=True)
def _shared(planted_secret: str, script_job: Any) -> None:
    """The conftest's planted secret and job builder, for the table's checks."""
    _FIXTURES["planted"] = planted_secret
    _FIXTURES["build"] = script_job


def js(source: str, phase: str = "postresponse") -> ScriptJob:
    return dataclasses.replace(_FIXTURES["build"](source, phase), language="javascript")


def failed(kind: str, *words: str) -> Callable[[ScriptResult], None]:
    def check(result: ScriptResult) -> None:
        assert result.error is not None and result.error.kind == kind, result
        for word in words:
            assert word in result.error.message, result
    return check


def console_is(*lines: str) -> Callable[[ScriptResult], None]:
    def check(result: ScriptResult) -> None:
        assert result.error is None, result
        assert result.console == list(lines), result
    return check


def no_leak(result: ScriptResult) -> None:
    text = json.dumps([result.console, [t.error for t in result.tests], result.error and result.error.message])
    assert _FIXTURES["planted"] not in text and "/work" not in text and "site-packages" not in text, result


def ok_and(check: Callable[[ScriptResult], None]) -> Callable[[ScriptResult], None]:
    def both(result: ScriptResult) -> None:
        no_leak(result)
        check(result)
    return both


# (id, source, expectation)
ATTACKS: list[tuple[str, str, Callable[[ScriptResult], None]]] = [
    # -- escaping the context -------------------------------------------------------------------
    ("constructor-this", "const g = (function(){}).constructor.constructor('return this')();\n"
     "console.log(typeof g.process, typeof g.require, typeof g.os, typeof g.std)",
     # require is Postman's (pm_runtime.js): it knows crypto-js, lodash, moment, uuid and nothing else
     console_is("undefined function undefined undefined")),
    ("function-this", "console.log(typeof Function('return this')().process)", console_is("undefined")),
    ("eval-global", "console.log(typeof eval('globalThis').std, typeof eval('this').os)", console_is("undefined undefined")),
    ("indirect-eval", "console.log((0, eval)('typeof import_meta'))", console_is("undefined")),
    ("dynamic-import", "import('os').then(m => console.log('got', typeof m)).catch(e => console.log('refused'))",
     console_is("refused")),
    ("static-import", "import * as os from 'os';\nconsole.log(os)", failed("compile")),
    ("require-missing", "require('child_process')", failed("runtime", "Cannot find module 'child_process'")),
    ("require-fs", "require('fs').readFileSync('/etc/passwd')", failed("runtime", "Cannot find module 'fs'")),
    ("process-env", "console.log(typeof process === 'undefined' ? 'none' : JSON.stringify(process.env))",
     console_is("none")),
    ("std-os-globals", "console.log(typeof std, typeof os, typeof scriptArgs, typeof print)",
     console_is("undefined undefined undefined undefined")),
    ("host-is-the-only-door", "console.log(Object.getOwnPropertyNames(globalThis).filter(n => n.startsWith('__')).join(','))",
     console_is("__host,__rqExpect,__rqAssertionError,__rqNextTimer,__rqScriptLine,__pmModules,__pmFinish")),
    # -- reaching Python objects through the bridge ---------------------------------------------
    ("bridge-unknown-call", "const r = JSON.parse(__host('os.system', JSON.stringify(['id'])));\nconsole.log(r.ok, r.error)",
     console_is("false unknown host call 'os.system'")),
    ("bridge-dunder", "const r = JSON.parse(__host('scope.get', JSON.stringify(['__class__', '__init__'])));\n"
     "console.log(r.ok, r.error)", ok_and(lambda r: r.console[0].startswith("false unknown scope"))),
    ("bridge-not-json", "const r = JSON.parse(__host('scope.get', '{not json'));\nconsole.log(r.ok)", console_is("false")),
    ("bridge-object-arg", "const r = JSON.parse(__host({toString(){return 'vault.get'}}, '[]'));\nconsole.log(r.ok, r.error)",
     ok_and(lambda r: r.console == ["false __host(name, argsJson) takes two strings"])),
    ("bridge-getattr-python", "const v = rq.environment.get('host');\nconsole.log(typeof v, Object.getPrototypeOf(v) === String.prototype)",
     console_is("string true")),
    ("bridge-returns-only-json", "const o = rq.environment.toObject();\nconsole.log(Object.getPrototypeOf(o) === Object.prototype, JSON.stringify(o))",
     console_is('true {"host":"example.test"}')),
    ("bridge-request-field-refused", "'use strict';\nrq.request.__class__ = 1", failed("runtime", "TypeError")),
    ("bridge-set-unknown-request-field", "__host('request.set', JSON.stringify(['_readonly', false]));\n"
     "rq.request.url = 'https://other.test/'", failed("runtime", "pre-request")),
    ("bridge-huge-args", "const r = JSON.parse(__host('console', JSON.stringify(['log', 'x'.repeat(2e6)])));\nconsole.log(r.ok)",
     failed("output")),
    ("bridge-test-status-forged", "JSON.parse(__host('test.add', JSON.stringify(['t', 'passed', 5])))", lambda r: _no_tests(r)),
    # -- prototype pollution of what the host hands in ----------------------------------------------
    ("freeze-rq", "'use strict';\nrq.environment = null", failed("runtime", "TypeError")),
    ("freeze-rq-member", "'use strict';\nrq.environment.get = () => 'owned'", failed("runtime", "TypeError")),
    ("sloppy-assign-ignored", "rq.environment.get = () => 'owned';\nconsole.log(rq.environment.get('host'))",
     console_is("example.test")),
    ("object-prototype-pollution", "Object.prototype.ok = true; Object.prototype.value = 'x';\n"
     "rq.environment.set('k', 'v');\nconsole.log(rq.environment.get('k'))", console_is("v")),
    ("json-parse-replaced", "JSON.parse = () => ({ok: true, value: 'forged'});\nconsole.log(rq.environment.get('host'))",
     console_is("example.test")),
    ("json-stringify-replaced", "JSON.stringify = () => '[\"globals\",\"x\",1]';\nrq.environment.set('a', 'b');\n"
     "console.log(JSON.stringify === undefined, rq.environment.get('a'))", console_is("false b")),
    ("array-prototype-pollution", "Array.prototype.concat = function () { return ['body', 'x']; };\n"
     "rq.request.headers.add('X', 'y');\nconsole.log(rq.request.headers.get('X'))", failed("runtime", "cannot be changed")),
    ("redefine-rq", "try { Object.defineProperty(globalThis, 'rq', {value: 1}); } catch (e) { console.log(e.name) }",
     console_is("TypeError")),
    ("redefine-host", "globalThis.__host = () => '{\"ok\":true,\"value\":1}';\nconsole.log(rq.environment.get('host'))",
     console_is("example.test")),
    ("response-frozen", "'use strict';\nrq.response.code = 500", failed("runtime", "TypeError")),
    ("info-frozen", "'use strict';\nrq.info.requestName = 'x'", failed("runtime", "TypeError")),
    # -- runaway code ----------------------------------------------------------------------------
    ("infinite-loop", "while (true) {}", failed("timeout")),
    ("infinite-for", "for (;;) { Math.random(); }", failed("timeout")),
    ("loop-catching-everything", "for (;;) { try { while (true) {} } catch (e) {} }", failed("timeout")),
    ("loop-of-host-calls", "for (;;) { try { rq.environment.get('host'); } catch (e) {} }", failed("timeout")),
    ("catastrophic-regex", "/(a+)+$/.test('a'.repeat(40) + '!')", failed("timeout")),
    ("catastrophic-regex-alternation", "/^(a|a)*$/.test('a'.repeat(64) + 'b')", failed("timeout")),
    ("deep-recursion", "function f(n) { return f(n + 1) + 1; }\nf(0)", failed("runtime", "call stack")),
    ("mutual-recursion", "const a = n => b(n); const b = n => a(n);\na(1)", failed("runtime", "call stack")),
    ("recursion-caught", "function f() { try { f(); } catch (e) { f(); } }\nf()", lambda r: _stopped(r)),
    ("json-deep-nesting", "JSON.parse('['.repeat(1e6))", lambda r: _stopped(r)),
    ("tostring-recursion", "const o = {}; o.toString = () => String(o);\nString(o)", failed("runtime", "call stack")),
    # -- memory and string bombs -----------------------------------------------------------------
    ("string-doubling", "let s = 'x'; while (true) s += s;", failed("memory")),
    ("string-repeat", "'x'.repeat(2 ** 30)", lambda r: _stopped(r)),
    ("array-growth", "const a = []; for (;;) a.push({x: [1, 2, 3]});", lambda r: _stopped(r, "memory", "timeout")),
    ("typed-array-huge", "new Uint8Array(2 ** 31)", lambda r: _stopped(r)),
    ("array-buffer-many", "const k = []; for (let i = 0; i < 1e5; i++) k.push(new ArrayBuffer(1 << 20));",
     lambda r: _stopped(r, "memory", "timeout")),
    ("map-growth", "const m = new Map(); for (let i = 0; ; i++) m.set(i, 'v' + i);", lambda r: _stopped(r, "memory", "timeout")),
    ("variable-bomb", "rq.environment.set('big', 'x'.repeat(2 << 20))", failed("runtime", "longer than")),
    # -- async leftovers -------------------------------------------------------------------------
    ("unresolved-promise", "new Promise(() => {});\nconsole.log('done')", console_is("done")),
    ("promise-loop", "const spin = () => Promise.resolve().then(spin);\nspin()", lambda r: _stopped(r, "timeout", "runtime")),
    ("settimeout-flood", "for (let i = 0; i < 1e6; i++) setTimeout(() => {}, 0);", failed("runtime", "pending timers")),
    ("settimeout-chain", "const again = () => setTimeout(again, 0);\nagain()", lambda r: _stopped(r, "runtime", "timeout")),
    ("settimeout-order", "setTimeout(() => console.log('b'), 20); setTimeout(() => console.log('a'), 10);\n"
     "Promise.resolve().then(() => console.log('p'))", console_is("p", "a", "b")),
    ("setinterval", "setInterval(() => {}, 1)", failed("runtime", "setInterval")),
    ("async-error-late", "(async () => { await null; throw new Error('late'); })();\nconsole.log('sync done')",
     console_is("sync done")),
    # -- output and request floods ---------------------------------------------------------------
    ("console-flood", "for (;;) console.log('x'.repeat(1000))", failed("output")),
    ("console-one-huge-line", "console.log('y'.repeat(5e6))", lambda r: _stopped(r, "output")),
    ("tests-flood", "for (let i = 0; ; i++) rq.test('t' + i, true)", lambda r: _stopped(r, "output", "timeout")),
    ("send-request-flood", "for (;;) { try { rq.sendRequest('https://example.test/'); } catch (e) {} }",
     lambda r: _stopped(r, "timeout")),
    # -- secrets and the environment ---------------------------------------------------------------
    ("no-planted-secret", "console.log(JSON.stringify(Object.getOwnPropertyNames(globalThis)))", no_leak),
    ("error-stack-leaks-nothing", "try { null.x } catch (e) { console.log(e.stack) }", no_leak),
    ("vault-without-host", "try { rq.vault.get('k') } catch (e) { console.log(e.message) }",
     console_is("vault.get is not available here")),
]


def _no_tests(result: ScriptResult) -> None:
    assert result.tests == [], result


def _stopped(result: ScriptResult, *kinds: str) -> None:
    assert result.error is not None, result
    if kinds:
        assert result.error.kind in kinds, result
    no_leak(result)


@pytest.mark.parametrize(("source", "expect"), [(s, e) for _, s, e in ATTACKS], ids=[i for i, _, _ in ATTACKS])
def test_attack(engine: Any, source: str, expect: Callable[[ScriptResult], None]) -> None:
    result = engine.run(js(source))
    expect(result)
    after = engine.run(js("rq.test('still here', () => rq.expect(rq.response.code).to.equal(200)); console.log(typeof rq)"))
    assert after.error is None and after.console == ["object"], after
    assert [(t.name, t.status) for t in after.tests] == [("still here", "passed")], after


def test_there_are_at_least_fifty_attacks() -> None:
    assert len(ATTACKS) >= 50


def test_a_send_request_flood_is_bounded_by_the_script_time(engine: Any, recording_host: Any) -> None:
    host = recording_host({"sendRequest": {"code": 200, "status": "OK", "headers": [], "body": "", "responseTime": 1}})
    result = engine.run(js("for (;;) rq.sendRequest('https://example.test/')"), host)
    assert result.error is not None and result.error.kind == "timeout", result
    assert 0 < len(host.calls) < 1_000_000
    assert engine.run(js("console.log(1)")).console == ["1"]


def test_a_job_cannot_see_the_previous_jobs_globals(engine: Any) -> None:
    engine.run(js("globalThis.leftover = 'secret-from-job-1'; Object.prototype.polluted = 1;"))
    result = engine.run(js("console.log(typeof leftover, ({}).polluted)"))
    assert result.console == ["undefined undefined"], result


def test_a_callback_left_in_a_timer_does_not_run_in_the_next_job(engine: Any) -> None:
    engine.run(js("setTimeout(() => { while (true) {} }, 0)"))
    result = engine.run(js("console.log('clean')"))
    assert result.error is None and result.console == ["clean"], result
