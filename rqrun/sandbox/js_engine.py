"""JavaScript scripts inside the sandbox worker: one fresh QuickJS context per job.

Imported by the worker only when a JavaScript job arrives (``rqrun --version`` and Python-only
runs never load QuickJS). Each job gets a new QuickJS runtime with a heap limit, a stack limit
and an interrupt handler that stops the script at the job's deadline (or once any limit has
tripped); the worker's OS limits (RLIMIT_AS, RLIMIT_CPU, no files, empty environment) and the
parent's wall-clock kill stay behind it.

The script reaches the host through one function, ``__host(name, argsJson)``, served here over
the *same* Python objects the Python ``rq`` uses (:func:`rqrun.sandbox.api.build_rq`): the
scopes, request, tests and console of the job's :class:`JobRecord`, the vault and sendRequest
host calls to the parent. Only JSON crosses: no Python object is ever handed to JavaScript.
``__host`` never raises (an exception inside a QuickJS callback breaks the binding): every
failure comes back as ``{"ok": false, ...}`` and the runtime throws it in JavaScript.

The binding's own CPU time limit refuses every call into Python while it is set, so the
interrupt handler is installed directly through QuickJS's ``JS_SetInterruptHandler`` (exported
by the binding's shared library) with the job's monotonic deadline.
"""

from __future__ import annotations

import base64
import ctypes
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import quickjs  # no type information shipped (mypy override in pyproject.toml)

from rqrun.sandbox.guards import STATE, LimitExceeded
from rqrun.sandbox.model import FailureKind, HostCallError

__all__ = ["JsRunner", "syntax_error"]

_JS_DIR = Path(__file__).with_name("js")
#: Preludes in load order; the ones another part of rqrun has not shipped yet are skipped.
#: The libraries Postman scripts ``require`` (libs/*.js) only register factories: a library is
#: built the first time a script asks for it.
PRELUDES = ("chai.js", "rq_runtime.js",
            *sorted(f"libs/{p.name}" for p in (_JS_DIR / "libs").glob("*.js")), "pm_runtime.js")
_STACK_BYTES = 512 * 1024
_MAX_TIMERS_RUN = 1000
_MAX_PENDING_JOBS = 100_000
_SCOPES = frozenset({"environment", "globals", "collectionVariables", "variables", "iterationData"})
_LISTS = frozenset({"headers", "queryParams"})
_LIST_OPS = frozenset({"add", "upsert", "remove"})
_REQUEST_FIELDS = frozenset({"url", "method", "body", "timeout"})
_HASHES = frozenset({"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512", "ripemd160"})
_FRAME = re.compile(r"^\s*at (\S+) \(<input>:(\d+):\d+\)")
_CONSOLE_PREFIX = {"log": "", "info": "[info] ", "warn": "[warn] ", "error": "[error] ", "debug": "[debug] "}
_LIMIT_NAMES = ("JS_SetInterruptHandler",)

_HANDLER_TYPE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_lib = ctypes.CDLL(quickjs._quickjs.__file__)  # the binding's own copy of QuickJS
_lib.JS_SetInterruptHandler.argtypes = [ctypes.c_void_p, _HANDLER_TYPE, ctypes.c_void_p]
_lib.JS_SetInterruptHandler.restype = None
_clock = time.monotonic


_armed = [False]  # True while a job's script runs (preludes load unarmed, between jobs)


def _on_interrupt(_runtime: int, _opaque: int) -> int:
    """QuickJS asks every few thousand operations: stop once the job is out of time or tripped."""
    return 1 if _armed[0] and (STATE.tripped is not None or _clock() > STATE.deadline) else 0


_HANDLER = _HANDLER_TYPE(_on_interrupt)  # kept alive for the life of the process


def _runtime_pointer(context: Any) -> int:
    """The ``JSRuntime*`` of a binding context: the first field after ``PyObject_HEAD``."""
    return ctypes.c_void_p.from_address(id(context) + 2 * ctypes.sizeof(ctypes.c_void_p)).value or 0


def _context_pointer(context: Any) -> int:
    """The ``JSContext*`` of a binding context: the field after the runtime."""
    return ctypes.c_void_p.from_address(id(context) + 3 * ctypes.sizeof(ctypes.c_void_p)).value or 0


# -- preludes as bytecode ----------------------------------------------------------------------
# Parsing the preludes costs about a millisecond per job; their bytecode, compiled once per
# worker from our own files, loads in a fraction of that. The binding has no bytecode API, so
# QuickJS's own functions are called directly. Code run this way must not call into Python (the
# binding's GIL bookkeeping is bypassed), so preludes load before the host function exists: the
# bootstrap defines ``__host`` as a forwarder that is bound to the real one afterwards.

class _JSValue(ctypes.Structure):
    _fields_ = [("u", ctypes.c_uint64), ("tag", ctypes.c_int64)]


_TAG_EXCEPTION = 6
_EVAL_COMPILE_ONLY = 1 << 5
_OBJ_BYTECODE = 1 << 0
_BOOTSTRAP = """(function __rqBootstrap(g) {
  var real = null;
  Object.defineProperty(g, '__host', { value: function __host(name, args) {
    if (real === null) throw new Error('the host is not available while the runtime loads');
    return real(name, args);
  } });
  Object.defineProperty(g, '__rqBindHost', { configurable: true, value: function __rqBindHost() {
    if (real === null) { real = g.__rqRealHost; delete g.__rqRealHost; delete g.__rqBindHost; }
  } });
})(globalThis);
"""


def _bind_bytecode_api() -> bool:
    try:
        _lib.JS_Eval.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_int]
        _lib.JS_Eval.restype = _JSValue
        _lib.JS_WriteObject.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t), _JSValue, ctypes.c_int]
        _lib.JS_WriteObject.restype = ctypes.c_void_p
        _lib.JS_ReadObject.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]
        _lib.JS_ReadObject.restype = _JSValue
        _lib.JS_EvalFunction.argtypes = [ctypes.c_void_p, _JSValue]
        _lib.JS_EvalFunction.restype = _JSValue
        _lib.JS_FreeValue.argtypes = [ctypes.c_void_p, _JSValue]
        _lib.JS_FreeValue.restype = None
        _lib.JS_GetException.argtypes = [ctypes.c_void_p]
        _lib.JS_GetException.restype = _JSValue
        _lib.js_free.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        _lib.js_free.restype = None
    except AttributeError:  # pragma: no cover - a binding without these exports: parse per job
        return False
    return True


_BYTECODE_API = _bind_bytecode_api()


def _compile(source: str) -> bytes:
    """``source`` compiled (not run) to QuickJS bytecode, in a scratch context."""
    scratch = quickjs.Context()
    ctx = _context_pointer(scratch)
    text = source.encode("utf-8")
    value = _lib.JS_Eval(ctx, text, len(text), b"<input>", _EVAL_COMPILE_ONLY)
    if value.tag == _TAG_EXCEPTION:
        _lib.JS_FreeValue(ctx, _lib.JS_GetException(ctx))
        raise ValueError("prelude does not compile")
    size = ctypes.c_size_t(0)
    buffer = _lib.JS_WriteObject(ctx, ctypes.byref(size), value, _OBJ_BYTECODE)
    _lib.JS_FreeValue(ctx, value)
    if not buffer:
        raise ValueError("prelude could not be serialised")
    data = ctypes.string_at(buffer, size.value)
    _lib.js_free(ctx, buffer)
    return data


def _run_bytecode(context: Any, data: bytes) -> bool:
    """Run compiled prelude code in ``context``; False when it threw."""
    ctx = _context_pointer(context)
    function = _lib.JS_ReadObject(ctx, data, len(data), _OBJ_BYTECODE)
    if function.tag == _TAG_EXCEPTION:
        _lib.JS_FreeValue(ctx, _lib.JS_GetException(ctx))
        return False
    result = _lib.JS_EvalFunction(ctx, function)  # takes ownership of the function
    if result.tag == _TAG_EXCEPTION:
        _lib.JS_FreeValue(ctx, _lib.JS_GetException(ctx))
        return False
    _lib.JS_FreeValue(ctx, result)
    return True


def _load_preludes() -> list[tuple[str, str]]:
    return [(name, (_JS_DIR / name).read_text("utf-8")) for name in PRELUDES if (_JS_DIR / name).is_file()]


def _new_context(memory_bytes: int) -> Any:
    context = quickjs.Context()
    context.set_memory_limit(memory_bytes)
    context.set_max_stack_size(_STACK_BYTES)
    pointer = _runtime_pointer(context)
    if not pointer:  # pragma: no cover - a binding whose layout changed: refuse rather than run unbounded
        raise RuntimeError("cannot install the JavaScript interrupt handler")
    _lib.JS_SetInterruptHandler(pointer, _HANDLER, None)
    return context


def _error_parts(exc: BaseException) -> tuple[str, list[tuple[str, int]]]:
    """The first line of a QuickJS error and its stack frames as (function, line)."""
    text = str(exc)
    lines = text.split("\n")
    frames = []
    for line in lines[1:]:
        match = _FRAME.match(line)
        if match:
            frames.append((match.group(1), int(match.group(2))))
    head = lines[0].strip() or "error"
    return head, frames


def _script_line(frames: list[tuple[str, int]], head: str) -> int | None:
    """The user's line: the innermost frame not in a prelude (their functions are named ``__*``);
    for a Chai assertion the outermost (the script's own statement), chai's frames being unnamed."""
    if head.startswith("AssertionError") and frames:
        return frames[-1][1]
    for name, line in frames:
        if not name.startswith("__"):
            return line
    return None


def syntax_error(source: str) -> tuple[str, int | None] | None:
    """None when ``source`` parses as a JavaScript script (nothing runs), else the error and line."""
    from rqrun.script_language import javascript_syntax_error

    return javascript_syntax_error(source)


class JsRunner:
    """Runs one job's JavaScript in a fresh context, with the worker's job state and ``rq``.

    The next job's context (runtime, limits, preludes) is prepared right after a job is
    answered, while the parent is busy sending the request: a context never serves two jobs,
    and a job does not wait for the preludes to load.
    """

    def __init__(self, memory_mb: int, host_call: Callable[[str, list[Any]], Any]) -> None:
        self.memory_bytes = max(16, memory_mb // 2) * 1024 * 1024
        self.host_call = host_call
        self.preludes = _load_preludes()
        self.compiled: list[tuple[str, bytes]] | None = None
        if _BYTECODE_API:
            try:
                self.compiled = [("bootstrap", _compile(_BOOTSTRAP))] + [(n, _compile(t)) for n, t in self.preludes]
            except ValueError:
                self.compiled = None  # a prelude that does not compile: parsed per job, which reports it
        self.bridge: _Bridge | None = None
        self.context: Any = None
        self.spent: Any = None  # the last job's context, freed after its answer is sent
        self.load_error: str | None = None

    def _serve(self, name: Any, args_json: Any = "[]") -> str:
        """``__host`` of every context: the bridge of the job running now, or a refusal."""
        bridge = self.bridge
        if bridge is None:
            return json.dumps({"ok": False, "error": "this belongs to a script that has ended", "type": "Error"})
        return bridge(name, args_json)

    def prepare(self) -> None:
        """Free the last job's context and build the next one's now (idempotent)."""
        self.spent = None
        if self.context is not None:
            return
        context = _new_context(self.memory_bytes)
        self.load_error = None
        if self.compiled is not None:
            for name, data in self.compiled:
                if not _run_bytecode(context, data):
                    self.load_error = f"the JavaScript runtime failed to load ({name})"
                    break
            context.add_callable("__rqRealHost", self._serve)
            if self.load_error is None:
                context.eval("__rqBindHost()")
        else:
            context.add_callable("__host", self._serve)
            for name, text in self.preludes:
                try:
                    context.eval(text)
                except Exception as exc:  # noqa: BLE001 - a prelude that fails to load is a bug: reported per job
                    self.load_error = f"the JavaScript runtime failed to load ({name}): {_error_parts(exc)[0]}"
                    break
        self.context = context

    def run(self, source: str, rq: Any, record: Any, execution: dict[str, Any]) -> dict[str, Any] | None:
        """Run ``source``; return the failure (kind, message, line) or None."""
        self.prepare()
        context, self.context = self.context, None
        if self.load_error is not None:
            return _failure(FailureKind.RUNTIME, self.load_error, None)
        self.bridge = _Bridge(rq, record, self.host_call, execution)
        _armed[0] = True
        try:
            _eval_script(context, source)
            self._drain(context)
            context.eval("typeof __pmFinish === 'function' && __pmFinish()")  # Postman's legacy tests[...]
        except quickjs.StackOverflow as exc:
            head, frames = _error_parts(exc)
            return _failure(FailureKind.RUNTIME, "RangeError: maximum call stack size exceeded",
                            _script_line(frames, head))
        except quickjs.JSException as exc:
            return self._describe(exc, _near_limit(context, self.memory_bytes))
        finally:
            _armed[0] = False
            self.bridge.close()
            self.bridge = None
            self.spent = context  # freeing a runtime costs ~0.1 ms: done after the answer
        return None

    def _drain(self, context: Any) -> None:
        """Run promise jobs and timers (without waiting) until none is left, bounded in count."""
        for _ in range(_MAX_TIMERS_RUN + 1):
            jobs = 0
            while context.execute_pending_job():
                jobs += 1
                if jobs > _MAX_PENDING_JOBS:
                    raise quickjs.JSException("RangeError: too many promise jobs")
            if not context.eval("__rqNextTimer()"):
                return
        raise quickjs.JSException(f"RangeError: more than {_MAX_TIMERS_RUN} timers ran")

    def _describe(self, exc: BaseException, near_limit: bool = False) -> dict[str, Any]:
        head, frames = _error_parts(exc)
        line = _script_line(frames, head)
        if STATE.tripped is not None:
            return _failure(STATE.tripped.kind, STATE.tripped.message, line)
        if head.startswith("InternalError: interrupted") or (
                (head in ("null", "undefined", "") or head.startswith("InternalError")) and _clock() > STATE.deadline):
            return _failure(FailureKind.TIMEOUT, f"script exceeded its time limit of {STATE.timeout_ms} ms", line)
        if "out of memory" in head or head.startswith("InternalError: string too long") or near_limit:
            return _failure(FailureKind.MEMORY, f"script ran out of memory (JavaScript heap limit "
                            f"{self.memory_bytes >> 20} MiB): {head}", line)
        if head.startswith("SyntaxError") and len(frames) <= 1 and not any(n.startswith("__") for n, _ in frames):
            match = re.search(r"<input>:(\d+):\d+", str(exc))
            return _failure(FailureKind.COMPILE, head, int(match.group(1)) if match else line)
        if head.startswith("AssertionError"):
            return _failure(FailureKind.ASSERTION, head, line)
        if head == "undefined" or not head:
            head = "uncaught exception"
        return _failure(FailureKind.RUNTIME, head if ":" in head else f"Uncaught {head}", line)


def _near_limit(context: Any, limit: int) -> bool:
    """The heap is (nearly) full: QuickJS may then throw ``null`` for want of room for an error."""
    try:
        return int(context.memory().get("memory_used_size", 0)) >= limit * 0.75
    except Exception:  # noqa: BLE001 - a context too broken to answer is as good as full
        return True


def _is_parse_error(exc: BaseException) -> bool:
    head, frames = _error_parts(exc)
    return head.startswith("SyntaxError") and all(name == "<eval>" for name, _ in frames) and len(frames) <= 1


def _eval_script(context: Any, source: str) -> None:
    """Run ``source`` as a script; one that only parses as a function body (a top-level
    ``return``, as Postman allows) runs as one, wrapped on its first line so lines stay true."""
    try:
        context.eval(source)
    except quickjs.JSException as exc:
        if not _is_parse_error(exc):
            raise
        first = exc
    else:
        return
    try:
        context.eval("(function () {" + source + "\n})();")
    except quickjs.JSException as exc:
        if _is_parse_error(exc):
            raise first from None
        raise


def _failure(kind: FailureKind, message: str, line: int | None) -> dict[str, Any]:
    return {"kind": kind, "message": message, "line": line}


class _Bridge:
    """``__host``: name + JSON arguments in, a JSON reply out; never raises."""

    def __init__(self, rq: Any, record: Any, host_call: Callable[[str, list[Any]], Any],
                 execution: dict[str, Any]) -> None:
        self.rq = rq
        self.record = record
        self.host_call = host_call
        self.execution = execution
        self.sent: list[Any] = []
        self.open = True

    def close(self) -> None:
        self.open = False
        self.rq = None

    def __call__(self, name: Any, args_json: Any = "[]") -> str:
        try:
            if not self.open:
                raise RuntimeError("this belongs to a script that has ended")
            if type(name) is not str or type(args_json) is not str:
                raise TypeError("__host(name, argsJson) takes two strings")
            args = json.loads(args_json)
            if type(args) is not list:
                raise TypeError("__host: the arguments must be a JSON array")
            value = self.dispatch(name, args)
            return json.dumps({"ok": True, "value": value}, allow_nan=False)
        except LimitExceeded as exc:
            return json.dumps({"ok": False, "error": exc.message, "type": "InternalError", "fatal": True})
        except MemoryError:
            try:
                STATE.trip(FailureKind.MEMORY, "script ran out of memory")
            except LimitExceeded as exc:
                return json.dumps({"ok": False, "error": exc.message, "type": "InternalError", "fatal": True})
        except (TypeError, ValueError, KeyError, IndexError, RuntimeError, HostCallError, AssertionError,
                RecursionError, OverflowError) as exc:
            kind = "AssertionError" if isinstance(exc, AssertionError) else (
                "TypeError" if isinstance(exc, (TypeError, KeyError)) else
                "RangeError" if isinstance(exc, (RecursionError, OverflowError, IndexError)) else "Error")
            return json.dumps({"ok": False, "error": _one_line(exc), "type": kind})
        except Exception as exc:  # noqa: BLE001 - a bridge bug must not break the binding
            return json.dumps({"ok": False, "error": f"internal error in {name!r}: {type(exc).__name__}",
                               "type": "Error"})
        return json.dumps({"ok": False, "error": "unreachable", "type": "Error"})  # pragma: no cover

    # -- the calls -----------------------------------------------------------------------------

    def dispatch(self, name: str, args: list[Any]) -> Any:
        STATE.require(self.record.job)
        STATE.check()
        rq = self.rq
        if name.startswith("scope."):
            scope = args[0] if args else None
            if scope not in _SCOPES:
                raise TypeError(f"unknown scope {scope!r}")
            target = getattr(rq, scope)
            op = name[6:]
            if op == "get":
                key = _arg(args, 1)
                return target.get(key) if target.has(key) else None
            if op == "has":
                return target.has(_arg(args, 1))
            if op == "set":
                target.set(_arg(args, 1), _arg(args, 2))
                return None
            if op == "unset":
                target.unset(_arg(args, 1))
                return None
            if op == "clear":
                target.clear()
                return None
            if op == "toObject":
                return target.toObject()
        elif name == "request.get":
            return rq.request.toObject()
        elif name == "request.set":
            field = _arg(args, 0)
            if field not in _REQUEST_FIELDS:
                raise TypeError(f"rq.request.{field} cannot be set")
            setattr(rq.request, field, _arg(args, 1))
            return None
        elif name == "request.list":
            which, op = _arg(args, 0), _arg(args, 1)
            if which not in _LISTS or op not in _LIST_OPS:
                raise TypeError("unknown request list operation")
            target = getattr(rq.request, which)
            if op == "remove":
                target.remove(_arg(args, 2))
            else:
                getattr(target, op)(_arg(args, 2), _arg(args, 3))
            return None
        elif name == "response.get":
            return None if rq.response is None else _response_dict(rq.response)
        elif name == "response.assert":
            return self._assert(args)
        elif name == "info.get":
            info = rq.info
            return {"requestId": info.requestId, "requestName": info.requestName, "eventName": info.eventName,
                    "iteration": info.iteration, "iterationCount": info.iterationCount}
        elif name == "test.add":
            test_name, status, error = _arg(args, 0), _arg(args, 1), _arg(args, 2)
            if status not in ("passed", "failed", "skipped") or (error is not None and type(error) is not str):
                raise TypeError("test.add: bad arguments")
            rq.test._add(test_name, status, None if error is None else error[:2000])
            return None
        elif name == "console":
            level, text = _arg(args, 0), _arg(args, 1)
            if level not in _CONSOLE_PREFIX or type(text) is not str:
                raise TypeError("console: bad arguments")
            STATE.write_console(_CONSOLE_PREFIX[level] + text)
            return None
        elif name in ("vault.get", "vault.has", "vault.set", "vault.unset"):
            method = getattr(rq.vault, name[6:])
            return method(*args) if len(args) == (2 if name == "vault.set" else 1) else _bad(name)
        elif name == "sendRequest":
            from rqrun.sandbox.api import _send_request

            response = _send_request(self.record, _arg(args, 0))
            self.sent.append(response)
            return _response_dict(response)
        elif name == "crypto.digest":
            return _digest(_arg(args, 0), _arg(args, 1))
        elif name == "crypto.hmac":
            return _hmac(_arg(args, 0), _arg(args, 1), _arg(args, 2))
        elif name == "execution.setNextRequest":
            target = _arg(args, 0)
            if target is not None and (type(target) is not str or len(target) > 1000):
                raise TypeError("setNextRequest expects a request name or id, or null to stop")
            self.execution["next"] = [target]
            return None
        elif name == "execution.skipRequest":
            if rq.info.eventName != "prerequest":
                raise TypeError("skipRequest() works in pre-request scripts only")
            self.execution["skip"] = True
            return None
        elif name == "dynamic":
            extra = _arg(args, 1)
            return rq.dynamic(_arg(args, 0), *(extra if type(extra) is list else []))
        raise TypeError(f"unknown host call {name!r}")

    def _assert(self, args: list[Any]) -> None:
        from rqrun.sandbox.expect import ResponseAssertion

        source, negate, what, params = _arg(args, 0), _arg(args, 1), _arg(args, 2), _arg(args, 3)
        if type(source) is not list or not source or type(params) is not list or len(params) > 2:
            raise TypeError("response assertion: bad arguments")
        if source[0] == "response":
            response = self.rq.response
        elif source[0] == "sent" and len(source) == 2 and type(source[1]) is int and 0 <= source[1] < len(self.sent):
            response = self.sent[source[1]]
        else:
            raise TypeError("response assertion: unknown response")
        if response is None:
            raise TypeError("there is no response in a pre-request script")
        assertion = ResponseAssertion(response)
        if negate:
            assertion = assertion.not_
        if what in ("status", "header", "body", "jsonBody"):
            getattr(assertion, what)(*params)
        elif not params and isinstance(getattr(type(assertion), what, None), property) and what[:1].isalpha():
            getattr(assertion, what)
        else:
            raise TypeError(f"unknown response assertion {what!r}")


def _arg(args: list[Any], index: int) -> Any:
    return args[index] if index < len(args) else None


def _bad(name: str) -> None:
    raise TypeError(f"{name}: wrong number of arguments")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 2000 else text[:1997] + "..."


def _response_dict(response: Any) -> dict[str, Any]:
    return {"code": response.code, "status": response.status, "headers": response.headers.all(),
            "body": response.body, "responseTime": response.responseTime}


def _b64decode(data: Any, what: str) -> bytes:
    if type(data) is not str:
        raise TypeError(f"{what} must be base64 text")
    try:
        return base64.b64decode(data, validate=True)
    except ValueError:
        raise ValueError(f"{what} is not valid base64") from None


def _algorithm(name: Any) -> str:
    algorithm = str(name).lower().replace("-", "")
    algorithm = {"sha3256": "sha3_256", "sha3512": "sha3_512"}.get(algorithm, algorithm)
    if algorithm not in _HASHES:
        raise ValueError(f"unsupported hash algorithm {name!r}")
    return algorithm


def _digest(name: Any, data: Any) -> str:
    return base64.b64encode(hashlib.new(_algorithm(name), _b64decode(data, "data")).digest()).decode("ascii")


def _hmac(name: Any, key: Any, data: Any) -> str:
    mac = hmac.new(_b64decode(key, "key"), _b64decode(data, "data"), _algorithm(name))
    return base64.b64encode(mac.digest()).decode("ascii")
