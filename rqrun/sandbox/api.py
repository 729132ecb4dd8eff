"""The ``rq`` object scripts see, built inside the worker from one job's JSON.

Every object here is purpose-built: ``__slots__`` with ``_``-named state that neither the
compiler nor ``_getattr_`` lets a script read, an explicit list of public names registered
with :func:`expose`, copies of the job's data in and a list of operations out. The only path
to the parent is the host function the worker installs (:func:`set_host`), reachable only
through ``rq.vault`` and ``rq.sendRequest``. Each object belongs to one job (it holds that job's
:class:`JobRecord`) and refuses to act once the job is over.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rqrun.sandbox.compile import script_line
from rqrun.sandbox.expect import Expectation, RqAssertionError
from rqrun.sandbox.guards import STATE, LimitExceeded, ended_job_error, expose
from rqrun.sandbox.model import FailureKind, HostCallError
from rqrun.sandbox.objects import (
    MAX_VALUE_CHARS,
    Info,
    JobRecord,
    Request,
    Response,
    Scope,
    VariablesScope,
    check_key,
)

__all__ = ["build_rq", "Console", "RqAssertionError", "HostCallError", "set_host", "JobRecord", "Rq",
           "normalize_request_spec"]

MAX_TESTS = 10_000
MAX_TEST_TEXT = 2_000

_host: Callable[[str, list[Any]], Any] | None = None


def set_host(func: Callable[[str, list[Any]], Any] | None) -> None:
    """Install the worker's channel to the parent (a function that sends and waits)."""
    global _host
    _host = func


def _call_host(record: JobRecord, name: str, args: list[Any]) -> Any:
    STATE.require(record.job)
    STATE.check()
    if _host is None:
        raise HostCallError(f"{name} is not available here")
    return _host(name, args)


def _clip(text: str, limit: int = MAX_TEST_TEXT) -> str:
    text = " ".join(text.split()) if "\n" in text else text
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Vault:
    """``rq.vault``: every call is a message to the parent, answered synchronously."""

    __slots__ = ("_record",)

    def __init__(self, record: JobRecord) -> None:
        self._record = record

    def get(self, key: Any) -> Any:
        value = _call_host(self._record, "vault.get", [check_key("rq.vault.get", key)])
        return value if value is None or type(value) is str else str(value)

    def has(self, key: Any) -> bool:
        return bool(_call_host(self._record, "vault.has", [check_key("rq.vault.has", key)]))

    def set(self, key: Any, value: Any) -> None:
        key = check_key("rq.vault.set", key)
        if type(value) is not str or len(value) > MAX_VALUE_CHARS:
            raise TypeError("rq.vault.set: the value must be a string (use json.dumps for structures)")
        _call_host(self._record, "vault.set", [key, value])

    def unset(self, key: Any) -> None:
        _call_host(self._record, "vault.unset", [check_key("rq.vault.unset", key)])

    def __repr__(self) -> str:
        return "<rq.vault>"


expose(Vault, ["get", "has", "set", "unset"])


_NO_FUNCTION = object()


def _at_line(text: str, exc: BaseException) -> str:
    """``text`` with the script line that raised, so a failing test points at its cause."""
    line = script_line(exc)
    return text if line is None else f"{text} (line {line})"


class TestApi:
    """``rq.test(name, fn)``, ``rq.test(name, True/False)``, ``@rq.test("name")``, ``rq.test.skip(name)``.

    A test fails when its function raises or returns ``False``: ``rq.test("201", lambda:
    rq.response.code == 201)`` is the first thing a Python user writes, and passing it on a 200
    would be a false green.
    """

    __test__ = False
    __slots__ = ("_record",)

    def __init__(self, record: JobRecord) -> None:
        self._record = record

    def _add(self, name: Any, status: str, error: str | None) -> None:
        STATE.require(self._record.job)
        tests = self._record.tests
        if len(tests) >= MAX_TESTS:
            STATE.trip(FailureKind.OUTPUT, f"script recorded more than {MAX_TESTS} tests")
        tests.append([_clip(str(name), 1000), status, error])

    def _run(self, name: Any, fn: Any) -> None:
        STATE.require(self._record.job)
        if type(fn) is bool:
            self._add(name, "passed" if fn else "failed", None if fn else "the value is False")
            return
        if not callable(fn):
            raise TypeError(f"rq.test expects a function or True/False, not {type(fn).__name__}")
        try:
            outcome = fn()
        except LimitExceeded:
            raise
        except AssertionError as exc:
            self._add(name, "failed", _clip(str(exc) or "assertion failed"))
        except Exception as exc:
            self._add(name, "failed", _at_line(_clip(f"{type(exc).__name__}: {exc}", MAX_TEST_TEXT - 20), exc))
        else:
            if outcome is False:
                self._add(name, "failed", "returned False")
            else:
                self._add(name, "passed", None)

    def __call__(self, name: Any, fn: Any = _NO_FUNCTION) -> Any:
        if fn is not _NO_FUNCTION:
            self._run(name, fn)
            return None

        def decorator(func: Any) -> Any:
            self._run(name, func)
            return func

        return decorator

    def skip(self, name: Any, fn: Any = None) -> Any:
        self._add(name, "skipped", None)
        return None if fn is not None else (lambda func: func)

    def __repr__(self) -> str:
        return "<rq.test>"


expose(TestApi, ["skip"])


class Console:
    """``console.log/info/warn/error/debug``: lines into the job's console (levels other than log prefixed)."""

    __slots__ = ("_record",)

    def __init__(self, record: JobRecord) -> None:
        self._record = record

    def _write(self, prefix: str, args: tuple[Any, ...]) -> None:
        if self._record.job is not STATE.job:  # inline STATE.require: console.log is hot
            raise ended_job_error()
        STATE.write_console(prefix + " ".join([str(a) for a in args]))

    def log(self, *args: Any) -> None:
        self._write("", args)

    def info(self, *args: Any) -> None:
        self._write("[info] ", args)

    def warn(self, *args: Any) -> None:
        self._write("[warn] ", args)

    def error(self, *args: Any) -> None:
        self._write("[error] ", args)

    def debug(self, *args: Any) -> None:
        self._write("[debug] ", args)

    def __repr__(self) -> str:
        return "<console>"


expose(Console, ["log", "info", "warn", "error", "debug"])


# --- rq.sendRequest -------------------------------------------------------------------------------

def _spec_headers(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if type(value) is dict:
        pairs: list[Any] = list(value.items())
    elif type(value) in (list, tuple):
        pairs = list(value)
    else:
        raise TypeError("rq.sendRequest: headers must be a dict or a list of {key, value}")
    rows = []
    for pair in pairs:
        if type(pair) is dict:
            key, val = pair.get("key"), pair.get("value")
        elif type(pair) in (list, tuple) and len(pair) == 2:
            key, val = pair
        else:
            raise TypeError("rq.sendRequest: each header must be (name, value) or {key, value}")
        if type(key) is not str or type(val) not in (str, int, float, bool):
            raise TypeError("rq.sendRequest: header names and values must be strings")
        rows.append({"key": key, "value": val if type(val) is str else json.dumps(val)})
    return rows


def normalize_request_spec(spec: Any) -> dict[str, Any]:
    """Turn a URL, a request dict or a Postman-style ``{url, method, header, body: {mode, raw}}``
    into the host's shape: ``{url, method, headers, queryParams, bodyMode, body}``."""
    if type(spec) is str:
        spec = {"url": spec}
    if type(spec) is not dict:
        raise TypeError("rq.sendRequest expects a URL or a dict with at least 'url'")
    url = spec.get("url")
    if type(url) is not str or not url:
        raise TypeError("rq.sendRequest: 'url' must be a non-empty string")
    method = spec.get("method", "GET")
    if type(method) is not str or not method:
        raise TypeError("rq.sendRequest: 'method' must be a string")
    headers = _spec_headers(spec.get("headers", spec.get("header")))
    body = spec.get("body")
    mode = "none"
    if type(body) is dict and "mode" in body:
        wanted = body.get("mode")
        if wanted == "raw":
            mode, body = "raw", body.get("raw", "")
        elif wanted in ("urlencoded", "formdata"):
            mode, body = wanted, _spec_headers(body.get(wanted) or [])
        else:
            raise ValueError(f"rq.sendRequest: body mode {wanted!r} is not supported")
    elif type(body) is str:
        mode = "raw"
    elif type(body) in (dict, list):
        mode, body = "raw", json.dumps(body)
        if not any(h["key"].lower() == "content-type" for h in headers):
            headers.append({"key": "Content-Type", "value": "application/json"})
    elif body is not None:
        raise TypeError("rq.sendRequest: 'body' must be a string, a dict or a list")
    if type(body) is not list and body is not None and type(body) is not str:
        raise TypeError("rq.sendRequest: the raw body must be a string")
    return {"url": url, "method": method.upper(), "headers": headers,
            "queryParams": _spec_headers(spec.get("queryParams")), "bodyMode": mode, "body": body}


class SendRequest:
    """``rq.sendRequest(spec, callback=None)``: the request goes to the host, which sends it."""

    __slots__ = ("_record",)

    def __init__(self, record: JobRecord) -> None:
        self._record = record

    def __call__(self, spec: Any, callback: Any = None) -> Any:
        return _send_request(self._record, spec, callback)

    def __repr__(self) -> str:
        return "<rq.sendRequest>"


expose(SendRequest, [])


def _send_request(record: JobRecord, spec: Any, callback: Any = None) -> Any:
    request = normalize_request_spec(spec)
    if callback is not None and not callable(callback):
        raise TypeError("rq.sendRequest: the callback must be a function (err, res)")
    try:
        answer = _call_host(record, "sendRequest", [request])
        if type(answer) is not dict:
            raise HostCallError("sendRequest returned no response")
        response = Response(answer)
    except HostCallError as exc:
        if callback is None:
            raise
        callback(exc, None)
        return None
    if callback is not None:
        callback(None, response)
    return response


# --- dynamic values -------------------------------------------------------------------------------

def _dynamic(name: Any, *args: Any) -> str:
    if type(name) is not str or not name:
        raise TypeError("rq.dynamic expects a name such as '$guid' or 'randomInt'")
    from rqrun import dynamic

    try:
        return dynamic.generate(name, [a if type(a) is str else json.dumps(a) for a in args])
    except KeyError:
        raise ValueError(f"unknown dynamic value {name!r}") from None
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def _expect(value: Any) -> Expectation:
    """``rq.expect(value)``: a function, so scripts never hold the class itself."""
    return Expectation(value)


# --- flow control -----------------------------------------------------------------------------

class Execution:
    """``rq.execution``: ``setNextRequest(name_or_id)`` (None stops the iteration) and ``skipRequest()``.

    Newman's semantics: the jump happens after the current request's scripts; the last call wins.
    """

    __slots__ = ("_record", "_phase")

    def __init__(self, record: JobRecord, phase: Any) -> None:
        self._record = record
        self._phase = phase

    def setNextRequest(self, target: Any) -> None:  # noqa: N802 - Requestly's name
        STATE.require(self._record.job)
        if target is not None and (type(target) is not str or len(target) > 1000):
            raise TypeError("rq.execution.setNextRequest expects a request name or id, or None to stop")
        self._record.execution["next"] = [target]

    def skipRequest(self) -> None:  # noqa: N802
        STATE.require(self._record.job)
        if self._phase != "prerequest":
            raise TypeError("rq.execution.skipRequest() works in pre-request scripts only")
        self._record.execution["skip"] = True

    def __repr__(self) -> str:
        return "<rq.execution>"


expose(Execution, ["setNextRequest", "skipRequest"])


# --- the root ---------------------------------------------------------------------------------

class Rq:
    """The ``rq`` object: a fixed set of members, nothing else."""

    __slots__ = ("environment", "globals", "collectionVariables", "variables", "iterationData",
                 "request", "response", "info", "test", "vault", "sendRequest", "execution")
    environment: Scope
    globals: Scope
    collectionVariables: Scope  # noqa: N815
    variables: VariablesScope
    iterationData: Scope  # noqa: N815
    request: Request
    response: Response | None
    info: Info
    test: TestApi
    vault: Vault
    sendRequest: SendRequest  # noqa: N815
    execution: Execution

    def __init__(self, **members: Any) -> None:
        for name, value in members.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("rq members cannot be replaced")

    expect = staticmethod(_expect)
    dynamic = staticmethod(_dynamic)

    def __repr__(self) -> str:
        return "<rq>"


expose(Rq, list(Rq.__slots__) + ["expect", "dynamic"])

_SCOPE_ORDER = ("environment", "collectionVariables", "globals")


def _flat(value: Any) -> dict[str, Any]:
    return dict(value) if type(value) is dict else {}


def build_rq(job: dict[str, Any], record: JobRecord) -> Rq:
    """The ``rq`` of one job, over copies of the job's scopes and request."""
    scopes = job.get("scopes") or {}
    data = {name: _flat(scopes.get(name)) for name in ("iterationData", "variables", *_SCOPE_ORDER)}
    folders = [_flat(f) for f in scopes.get("folderVariables") or () if type(f) is dict]
    chain = [data["iterationData"], data["environment"], *folders, data["collectionVariables"], data["globals"]]
    prerequest = job.get("phase") == "prerequest"
    response = job.get("response")
    return Rq(
        environment=Scope("environment", data["environment"], record),
        globals=Scope("globals", data["globals"], record),
        collectionVariables=Scope("collectionVariables", data["collectionVariables"], record),
        variables=VariablesScope(data["variables"], chain, record),
        iterationData=Scope("iterationData", data["iterationData"], record, readonly=True),
        request=Request(job.get("request") or {}, readonly=not prerequest),
        response=Response(response) if type(response) is dict else None,
        info=Info(dict(job.get("info") or {})),
        test=TestApi(record),
        vault=Vault(record),
        sendRequest=SendRequest(record),
        execution=Execution(record, job.get("phase")),
    )
