"""The parent side: :class:`ScriptEngine` keeps a worker warm, feeds it jobs and polices it.

- The worker is started lazily, reused across jobs, and replaced after it is killed, dies, or
  hits a memory limit (a fresh one is started right away so it warms up in the background).
- Wall-clock limit: the worker stops a script at ``timeout_ms`` by itself (budget ticks); a
  script stuck inside one long C call cannot be stopped that way, so the engine SIGKILLs the
  worker at ``timeout_ms`` + a grace period and reports a timeout. Host calls (``rq.vault``,
  ``rq.sendRequest``) count: the host gets the script's deadline and must answer by it, a call
  that comes back late ends the script as a timeout, and no call is served past the deadline,
  so a loop of slow host calls is bounded by the script's limit like any other loop.
- Trust: everything from the worker is length-capped JSON, validated field by field before it
  becomes a :class:`ScriptResult`. Host calls are checked against :data:`HOST_CALLS`; only a
  :class:`HostCallError`'s message goes back to the worker.

One engine runs one job at a time (a lock serialises callers); use one engine per thread for
parallel runs.
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import threading
import time
import weakref
from typing import Any

from rqrun.sandbox.model import (
    FAILURE_KINDS,
    HOST_CALLS,
    SCOPE_NAMES,
    FailureKind,
    Host,
    HostCallError,
    ScriptFailure,
    ScriptJob,
    ScriptResult,
    TestOutcome,
)
from rqrun.sandbox.protocol import Deadline, FrameReader, FrameTooLarge, PeerGone, encode, write_all

__all__ = ["ScriptEngine"]

_GRACE_S = 0.3
_START_TIMEOUT_S = 30.0
_MAX_SOURCE_CHARS = 200_000
_BODY_MODES = frozenset({"none", "raw", "urlencoded", "formdata", "graphql", "file"})
_TEST_STATUSES = frozenset({"passed", "failed", "skipped"})
_SCOPE_OPS = frozenset({"set", "unset", "clear"})


class _BadMessage(Exception):
    """The worker sent something outside the protocol."""


def _worker_env() -> dict[str, str]:
    """A minimal environment: nothing of the user's (tokens, AWS keys) reaches the worker."""
    package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONPATH": package_root,
            "PYTHONSAFEPATH": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "random"}


class _WorkerProcess:
    """One ``python -m rqrun.sandbox.worker`` child and its pipes."""

    #: The command line; tests replace it to play a compromised worker.
    command: tuple[str, ...] = (sys.executable, "-m", "rqrun.sandbox.worker")

    def __init__(self, init: dict[str, Any], max_frame: int) -> None:
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
            list(self.command),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=_worker_env(), close_fds=True, cwd="/", start_new_session=True, bufsize=0,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None  # noqa: S101 - PIPE given
        self.write_fd = self.proc.stdin.fileno()
        self.read_fd = self.proc.stdout.fileno()
        os.set_blocking(self.write_fd, False)
        os.set_blocking(self.read_fd, False)
        self.reader = FrameReader(self.read_fd, max_frame)
        self.ready = False
        self.send(init, time.monotonic() + _START_TIMEOUT_S)

    def send(self, message: Any, deadline: float) -> None:
        write_all(self.write_fd, encode(message), deadline)

    def wait_ready(self) -> None:
        if not self.ready:
            answer = self.reader.read(time.monotonic() + _START_TIMEOUT_S)
            if not isinstance(answer, dict) or answer.get("op") != "ready":
                raise _BadMessage("the worker did not start properly")
            self.ready = True

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL does not fail
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass

    def close(self) -> None:
        """Ask nicely (end of input), then kill."""
        try:
            self.proc.stdin.close()  # type: ignore[union-attr]
        except OSError:
            pass
        try:
            self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def death_reason(self) -> tuple[FailureKind, str]:
        try:
            code = self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return FailureKind.KILLED, "the sandbox worker stopped answering"
        if code == -signal.SIGXCPU:
            return FailureKind.TIMEOUT, "script exceeded its CPU time limit"
        if code < 0:
            return FailureKind.KILLED, f"the sandbox worker was killed by signal {-code}"
        return FailureKind.KILLED, f"the sandbox worker exited with code {code}"


def _kill_all(workers: list[_WorkerProcess | None]) -> None:
    for worker in workers:
        if worker is not None:
            worker.kill()


class ScriptEngine:
    """Runs :class:`ScriptJob` s in a sandboxed worker process; cheap to construct, lazy to start."""

    def __init__(self, timeout_ms: int = 5000, memory_mb: int = 256, *, output_limit: int = 1 << 20,
                 recursion_limit: int = 300) -> None:
        if timeout_ms <= 0 or memory_mb < 64:
            raise ValueError("timeout_ms must be positive and memory_mb at least 64")
        self.timeout_ms = int(timeout_ms)
        self.memory_mb = int(memory_mb)
        self.output_limit = int(output_limit)
        self.recursion_limit = int(recursion_limit)
        self._max_frame = 64 * 1024 * 1024 + 4 * self.output_limit
        self._lock = threading.Lock()
        self._slot: list[_WorkerProcess | None] = [None]
        self._closed = False
        self._finalizer = weakref.finalize(self, _kill_all, self._slot)

    # -- lifecycle -----------------------------------------------------------------------------

    def __enter__(self) -> ScriptEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker. The engine can be used again: a new worker starts on demand."""
        with self._lock:
            worker, self._slot[0] = self._slot[0], None
            if worker is not None:
                worker.close()

    def start(self) -> None:
        """Start the worker now without waiting for it: it boots while the caller works on."""
        with self._lock:
            if self._slot[0] is None:
                self._spawn()

    def _spawn(self) -> _WorkerProcess:
        init = {"op": "init", "memory_mb": self.memory_mb, "recursion_limit": self.recursion_limit}
        worker = _WorkerProcess(init, self._max_frame)
        self._slot[0] = worker
        return worker

    def _discard(self, worker: _WorkerProcess, respawn: bool = True) -> None:
        worker.kill()
        self._slot[0] = None
        if respawn:
            try:
                self._spawn()  # warms up while the caller goes on
            except OSError:
                self._slot[0] = None

    @property
    def worker_pid(self) -> int | None:
        """The current worker's process id (for tests and diagnostics)."""
        worker = self._slot[0]
        return worker.proc.pid if worker is not None else None

    # -- running -------------------------------------------------------------------------------

    def run(self, job: ScriptJob, host: Host | None = None, *, timeout_ms: float | None = None) -> ScriptResult:
        """Run one script and return what it did; never raises for anything the script does.

        ``timeout_ms`` shortens this job's limit (never lengthens it): what is left of the run.
        """
        with self._lock:
            limit_ms = self.timeout_ms if timeout_ms is None else max(1, min(self.timeout_ms, int(timeout_ms)))
            return self._run(job, host, limit_ms)

    def _run(self, job: ScriptJob, host: Host | None, timeout_ms: int) -> ScriptResult:
        started = time.perf_counter()
        if type(job.source) is not str or len(job.source) > _MAX_SOURCE_CHARS:
            return _error_result(FailureKind.COMPILE, f"script is too large (the limit is {_MAX_SOURCE_CHARS} characters)",
                                 started)
        payload = {
            "op": "run", "source": job.source, "location": job.location, "phase": job.phase,
            "scopes": job.scopes, "request": job.request, "response": job.response, "info": job.info,
            "timeout_ms": timeout_ms, "output_limit": self.output_limit,
            "language": "javascript" if job.language == "javascript" else "python",
        }
        try:
            frame = encode(payload)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"ScriptJob for {job.location} holds a non-JSON value: {exc}") from None
        worker = self._slot[0]
        try:
            if worker is None:
                worker = self._spawn()
            worker.wait_ready()
        except (OSError, Deadline, PeerGone, FrameTooLarge, _BadMessage, ValueError) as exc:
            if worker is not None:
                self._discard(worker, respawn=False)
            return _error_result(FailureKind.KILLED, f"the sandbox worker could not start: {exc}", started)
        started = time.perf_counter()  # the script's time starts now, not with the worker's start-up
        limit = time.monotonic() + timeout_ms / 1000.0  # the script's end, host calls included
        deadline = limit + _GRACE_S  # the worker's last chance to answer before it is killed
        try:
            write_all(worker.write_fd, frame, deadline)
            while True:
                message = worker.reader.read(deadline)
                if not isinstance(message, dict):
                    raise _BadMessage("not an object")
                if message.get("op") == "host":
                    served, failure = self._serve_host(worker, message, host, limit)
                    if served:  # a host that answered late still leaves the worker time to report it
                        deadline = max(deadline, time.monotonic() + _GRACE_S)
                    if failure is not None:
                        answer = worker.reader.read(deadline)
                        result = _build_result(answer, started, self.output_limit)
                        return _replace_error(result, failure)
                    continue
                result = _build_result(message, started, self.output_limit)
                if message.get("recycle"):
                    self._discard(worker)
                return result
        except Deadline:
            self._discard(worker)
            return _error_result(FailureKind.TIMEOUT, f"script exceeded its time limit of {timeout_ms} ms "
                                 "(the sandbox worker was stopped)", started)
        except PeerGone:
            kind, text = worker.death_reason()
            self._discard(worker)
            return _error_result(kind, text, started)
        except (FrameTooLarge, _BadMessage, ValueError, RecursionError) as exc:
            self._discard(worker)
            return _error_result(FailureKind.KILLED, f"the sandbox worker sent an invalid message ({exc}); it was replaced",
                                 started)
        except BaseException:
            self._discard(worker, respawn=False)  # state unknown (Ctrl-C, host bug): start clean next time
            raise

    def _serve_host(self, worker: _WorkerProcess, message: dict[str, Any], host: Host | None,
                    limit: float) -> tuple[bool, ScriptFailure | None]:
        """Answer one host call that must return by ``limit``.

        Returns whether the host was called, and a failure when the host broke (the script is
        aborted). A call made at or past ``limit`` is not served; any answer given after it
        carries ``expired``, which ends the script as a timeout.
        """
        name, args = message.get("name"), message.get("args")
        if name not in HOST_CALLS or type(args) is not list or len(args) != HOST_CALLS[name]:
            raise _BadMessage(f"unknown host call {name!r}")
        if name.startswith("vault.") and (type(args[0]) is not str or (name == "vault.set" and type(args[1]) is not str)):
            raise _BadMessage(f"bad arguments for {name}")
        if name == "sendRequest" and not _valid_request(args[0], for_send=True):
            raise _BadMessage("bad arguments for sendRequest")
        failure: ScriptFailure | None = None
        served = False
        if time.monotonic() >= limit:
            reply: dict[str, Any] = {"op": "host_result", "ok": False, "error": f"{name}: out of time"}
        elif host is None:
            reply = {"op": "host_result", "ok": False, "error": f"{name} is not available here"}
        else:
            served = True
            try:
                value = host.call(name, args, limit)
                reply = {"op": "host_result", "ok": True, "value": value}
            except HostCallError as exc:
                reply = {"op": "host_result", "ok": False, "error": str(exc)}
            except Exception as exc:  # a host bug: never shown to the script, reported to the caller
                failure = ScriptFailure(FailureKind.HOST, f"host call {name} failed: {type(exc).__name__}: {exc}")
                reply = {"op": "abort"}
        if time.monotonic() >= limit:
            reply["expired"] = True  # the worker ends the script as a timeout
        try:
            encoded = encode(reply)
        except (TypeError, ValueError) as exc:
            failure = ScriptFailure(FailureKind.HOST, f"host call {name} returned a non-JSON value: {exc}")
            encoded = encode({"op": "abort"})
        write_all(worker.write_fd, encoded, time.monotonic() + 5.0)
        return served, failure


# -- validation of what the worker sends ---------------------------------------------------------

def _text(value: Any, limit: int = 4000) -> str:
    if type(value) is not str:
        raise _BadMessage("expected a string")
    return value if len(value) <= limit else value[: limit - 3] + "..."


def _scalar(value: Any) -> bool:
    return value is None or type(value) in (str, bool, int) or (type(value) is float and math.isfinite(value))


def _valid_rows(rows: Any) -> bool:
    return type(rows) is list and all(
        type(r) is dict and type(r.get("key")) is str and _scalar(r.get("value")) and all(_scalar(v) for v in r.values())
        for r in rows
    )


def _valid_request(request: Any, for_send: bool = False) -> bool:
    if type(request) is not dict:
        return False
    if type(request.get("url")) is not str or type(request.get("method")) is not str:
        return False
    if not for_send and (type(request.get("id")) is not str or type(request.get("name")) is not str):
        return False
    if not (_valid_rows(request.get("headers")) and _valid_rows(request.get("queryParams"))):
        return False
    body = request.get("body")
    return request.get("bodyMode") in _BODY_MODES and (body is None or type(body) is str or _valid_rows(body))


def _build_result(message: Any, started: float, output_limit: int) -> ScriptResult:
    if type(message) is not dict or message.get("op") != "result":
        raise _BadMessage("expected a result")
    error = message.get("error")
    failure = None
    if error is not None:
        if type(error) is not dict or error.get("kind") not in FAILURE_KINDS:
            raise _BadMessage("bad error")
        line = error.get("line")
        if line is not None and type(line) is not int:
            raise _BadMessage("bad line")
        failure = ScriptFailure(FailureKind(error["kind"]), _text(error.get("message"), 1000), line)
    tests = []
    for entry in _list(message.get("tests")):
        if type(entry) is not list or len(entry) != 3 or entry[1] not in _TEST_STATUSES:
            raise _BadMessage("bad test")
        tests.append(TestOutcome(_text(entry[0], 1000), entry[1],
                                 None if entry[2] is None else _text(entry[2], 2000)))
    console = [_text(line, output_limit) for line in _list(message.get("console"))]
    if sum(len(line) for line in console) > output_limit + len(console):
        raise _BadMessage("console over its limit")
    scope_ops = []
    for op in _list(message.get("scope_ops")):
        if (type(op) is not list or len(op) != 4 or op[0] not in SCOPE_NAMES or op[1] not in _SCOPE_OPS
                or type(op[2]) is not str or not _scalar(op[3])):
            raise _BadMessage("bad scope operation")
        scope_ops.append((op[0], op[1], op[2], op[3]))
    request = message.get("request")
    if request is not None and not _valid_request(request):
        raise _BadMessage("bad request")
    return ScriptResult(failure, tests, console, scope_ops, request, (time.perf_counter() - started) * 1000.0,
                        _execution(message.get("execution")))


def _execution(value: Any) -> dict[str, Any]:
    """The flow control a script asked for, checked: ``next`` holds one name/id (or None), ``skip`` True."""
    if value is None:
        return {}
    if type(value) is not dict or not set(value) <= {"next", "skip"}:
        raise _BadMessage("bad execution")
    out: dict[str, Any] = {}
    if "next" in value:
        target = value["next"]
        if type(target) is not list or len(target) != 1 or not (target[0] is None or type(target[0]) is str):
            raise _BadMessage("bad setNextRequest")
        out["next"] = [None if target[0] is None else _text(target[0], 1000)]
    if "skip" in value:
        if value["skip"] is not True:
            raise _BadMessage("bad skipRequest")
        out["skip"] = True
    return out


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise _BadMessage("expected a list")
    return value


def _error_result(kind: FailureKind, message: str, started: float) -> ScriptResult:
    return ScriptResult(ScriptFailure(kind, message), duration_ms=(time.perf_counter() - started) * 1000.0)


def _replace_error(result: ScriptResult, failure: ScriptFailure) -> ScriptResult:
    return ScriptResult(failure, result.tests, result.console, result.scope_ops, result.request, result.duration_ms,
                        result.execution)

