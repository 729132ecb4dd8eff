"""Load rqrun's Postman layer (chai.js, libs/*.js, pm_runtime.js) into a plain QuickJS context.

The thing under test is those files. The ``rq`` they sit on is :data:`STAND_IN_RQ`, a small
test-only JavaScript stand-in for the engine's ``rq_runtime.js`` with the same shapes (scopes
whose ``get`` answers ``null`` for a missing key, header lists, ``rq.test`` that fails on a throw
or a returned ``false``, ``rq.sendRequest`` answered from a table), keeping what scripts do in a
``__stub`` object the tests read back. ``__host`` serves the two crypto calls with Python's
hashlib/hmac, as the worker does, so digests can be compared with Python's own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import quickjs

JS_DIR = Path(__file__).resolve().parents[3] / "rqrun" / "sandbox" / "js"

STAND_IN_RQ = r"""
(function (global) {
  var job = global.__job;
  var stub = { tests: [], console: [], next: undefined, skipped: false, sent: [] };
  function scope(name, data, chain) {
    return {
      get: function (k) {
        if (k in data) return data[k];
        for (var i = 0; chain && i < chain.length; i++) if (k in chain[i]) return chain[i][k];
        return null;
      },
      has: function (k) { return k in data || !!(chain && chain.some(function (c) { return k in c; })); },
      set: function (k, v) { if (name === 'iterationData') throw new TypeError('read-only'); data[k] = v; },
      unset: function (k) { delete data[k]; },
      clear: function () { Object.keys(data).forEach(function (k) { delete data[k]; }); },
      toObject: function () {
        var out = {};
        (chain || []).slice().reverse().forEach(function (c) { Object.assign(out, c); });
        return Object.assign(out, data);
      }
    };
  }
  function list(rows, fold) {
    var same = function (a, b) { return fold ? String(a).toLowerCase() === String(b).toLowerCase() : a === b; };
    var args = function (k, v) { return k && typeof k === 'object' ? [k.key, k.value] : [k, v]; };
    return {
      get: function (k) { var r = rows.filter(function (x) { return same(x.key, k); })[0]; return r ? r.value : undefined; },
      has: function (k) { return rows.some(function (x) { return same(x.key, k); }); },
      all: function () { return rows.map(function (r) { return { key: r.key, value: r.value }; }); },
      toObject: function () { var o = {}; rows.forEach(function (r) { if (!(r.key in o)) o[r.key] = r.value; }); return o; },
      count: function () { return rows.length; },
      add: function (k, v) { var a = args(k, v); rows.push({ key: a[0], value: a[1] }); },
      upsert: function (k, v) {
        var a = args(k, v), hit = rows.filter(function (x) { return same(x.key, a[0]); })[0];
        if (hit) hit.value = a[1]; else rows.push({ key: a[0], value: a[1] });
      },
      remove: function (k) {
        for (var i = rows.length - 1; i >= 0; i--) if (same(rows[i].key, k)) rows.splice(i, 1);
      }
    };
  }
  function response(data) {
    return {
      code: data.code, status: data.status, body: data.body, responseTime: data.responseTime || 12,
      headers: list(data.headers || [], true),
      text: function () { return data.body; },
      json: function () { return JSON.parse(data.body); }
    };
  }
  var s = job.scopes;
  var req = job.request;
  var request = {
    get id() { return req.id; }, get name() { return req.name; }, get bodyMode() { return req.bodyMode; },
    get url() { return req.url; }, set url(v) { req.url = v; },
    get method() { return req.method; }, set method(v) { req.method = String(v).toUpperCase(); },
    get body() { return req.body; },
    set body(v) {
      if (v === null) { req.bodyMode = 'none'; req.body = null; }
      else if (Array.isArray(v)) { req.bodyMode = 'urlencoded'; req.body = v; }
      else { req.bodyMode = 'raw'; req.body = String(v); }
    },
    headers: list(req.headers, true),
    queryParams: list(req.queryParams, false)
  };
  var test = function (name, fn) {
    if (typeof fn === 'boolean') { stub.tests.push([name, fn ? 'passed' : 'failed', fn ? null : 'the value is false']); return; }
    try { var out = fn(); } catch (e) {
      stub.tests.push([name, 'failed', e && e.name === 'AssertionError' ? e.message : String(e)]); return;
    }
    stub.tests.push([name, out === false ? 'failed' : 'passed', out === false ? 'returned false' : null]);
  };
  test.skip = function (name) { stub.tests.push([name, 'skipped', null]); };
  global.rq = {
    environment: scope('environment', s.environment),
    globals: scope('globals', s.globals),
    collectionVariables: scope('collectionVariables', s.collectionVariables),
    iterationData: scope('iterationData', s.iterationData),
    variables: scope('variables', s.variables, [s.iterationData, s.environment, s.collectionVariables, s.globals]),
    request: request,
    response: job.response ? response(job.response) : null,
    info: job.info,
    test: test,
    expect: function (v, m) { return global.__rqExpect(v, m); },
    sendRequest: function (spec) {
      stub.sent.push(spec);
      var answer = job.answers[spec.url];
      if (!answer) throw new Error('connect ECONNREFUSED ' + spec.url);
      return response(answer);
    },
    execution: {
      setNextRequest: function (x) { stub.next = x; },
      skipRequest: function () { stub.skipped = true; }
    },
    dynamic: function (name) { if (name === '$guid') return 'dyn-guid'; throw new Error('unknown'); }
  };
  global.console = { log: function () { stub.console.push(Array.prototype.slice.call(arguments).join(' ')); } };
  global.__stub = stub;
})(globalThis);
"""


def _host(name: str, args_json: str) -> str:
    """The worker's crypto host calls, served with Python's hashlib/hmac."""
    args = json.loads(args_json)
    try:
        if name == "crypto.digest":
            value = hashlib.new(args[0].lower(), base64.b64decode(args[1])).digest()
        elif name == "crypto.hmac":
            value = hmac.new(base64.b64decode(args[1]), base64.b64decode(args[2]), args[0].lower()).digest()
        else:
            return json.dumps({"ok": False, "error": f"unknown host call {name}", "type": "TypeError"})
    except ValueError as exc:
        return json.dumps({"ok": False, "error": str(exc), "type": "Error"})
    return json.dumps({"ok": True, "value": base64.b64encode(value).decode()})


def default_job(**overrides: Any) -> dict[str, Any]:
    job: dict[str, Any] = {
        "scopes": {"environment": {"host": "api.test"}, "globals": {"g": "1"}, "collectionVariables": {"c": "col"},
                   "variables": {}, "iterationData": {"row": "r1"}},
        "request": {"id": "req-1", "name": "Get thing", "url": "https://api.test/things/7", "method": "GET",
                    "headers": [{"key": "Accept", "value": "application/json"}],
                    "queryParams": [{"key": "page", "value": "2"}], "bodyMode": "raw", "body": '{"a":1}'},
        "response": {"code": 200, "status": "OK", "responseTime": 42,
                     "headers": [{"key": "Content-Type", "value": "application/json"},
                                 {"key": "Set-Cookie", "value": "sid=abc123; Path=/; HttpOnly"}],
                     "body": '{"id": 7, "name": "thing", "tags": ["a", "b"], "nested": {"n": [1, {"x": "y"}]}}'},
        "info": {"requestName": "Get thing", "requestId": "req-1", "iteration": 0, "iterationCount": 1,
                 "eventName": "postresponse"},
        "answers": {},
    }
    job.update(overrides)
    return job


class PmContext:
    """A context with chai.js, the stand-in rq, libs/*.js and pm_runtime.js loaded for one job."""

    def __init__(self, **job: Any) -> None:
        self.ctx = quickjs.Context()
        self.ctx.add_callable("__host", _host)
        self.ctx.eval(f"globalThis.__job = {json.dumps(default_job(**job))};")
        self.ctx.eval((JS_DIR / "chai.js").read_text("utf-8"))
        self.ctx.eval(STAND_IN_RQ)
        self.ctx.eval("globalThis.__host = __host;")
        for lib in sorted((JS_DIR / "libs").glob("*.js")):
            self.ctx.eval(lib.read_text("utf-8"))
        self.ctx.eval((JS_DIR / "pm_runtime.js").read_text("utf-8"))

    def run(self, source: str) -> None:
        """Run a script as the worker does: the source, then the legacy-tests hook."""
        self.ctx.eval(source)
        self.ctx.eval("__pmFinish()")

    def value(self, expression: str) -> Any:
        """``expression``'s value through JSON (``undefined`` reads as None)."""
        return json.loads(self.ctx.eval(f"JSON.stringify({{v: ({expression})}})")).get("v")

    @property
    def tests(self) -> list[list[Any]]:
        return self.value("__stub.tests")

    @property
    def job(self) -> dict[str, Any]:
        return self.value("__job")
