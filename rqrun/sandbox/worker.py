"""The sandbox worker process: ``python -m rqrun.sandbox.worker``, started and fed by the engine.

Started once and reused. At start it moves its protocol pipes away from fds 0 and 1 (so stray
output cannot corrupt frames), clears its environment, imports everything scripts may need,
then locks itself down: ``RLIMIT_AS`` (the memory limit), ``RLIMIT_FSIZE`` 0 (no file grows),
``RLIMIT_NOFILE`` small, ``RLIMIT_CORE`` 0, ``RLIMIT_NPROC`` 0 (no new processes, where the
kernel enforces it), ``SIGINT`` ignored (Ctrl-C is the parent's business). Before each job the
``RLIMIT_CPU`` soft limit is moved to "now + a margin", a backstop behind the parent's
wall-clock kill.

Per job: compile (cached by source text), fresh globals, run under the job's budget, clear the
globals *inside* the budget (finalizers cannot outlive it: every global, ``_tick_`` included,
is gone), and answer with one JSON frame. Then the job is ended and its leftovers collected
(:meth:`Worker.run`), so the next job starts in a clean worker.
"""

from __future__ import annotations

import gc
import os
import resource
import signal
import sys
import time
from types import FrameType
from typing import Any

from rqrun.sandbox.model import FailureKind

__all__ = ["main", "Worker"]

_CPU_MARGIN_S = 5


class Worker:
    """One worker's state: its pipes, compile cache and the shared parts of every script's globals."""

    def __init__(self, in_fd: int, out_fd: int, init: dict[str, Any]) -> None:
        from rqrun.sandbox import api, facades
        from rqrun.sandbox.compile import CompileCache
        from rqrun.sandbox.guards import STATE, hook_globals, make_builtins
        from rqrun.sandbox.model import HostCallError

        self.in_fd = in_fd
        self.out_fd = out_fd
        self.memory_mb = int(init.get("memory_mb", 256))
        self.recursion = int(init.get("recursion_limit", 300))
        self.cache = CompileCache(int(init.get("cache_size", 256)))
        self.cpu_soft = 0
        self.state = STATE
        self.api = api
        self.facades = facades
        self.builtins = make_builtins(facades.facade_import, {"HostCallError": HostCallError,
                                                              "ImportError": ImportError})
        self.hooks = hook_globals()
        self.js: Any = None  # the JavaScript runner, created by the first JavaScript job
        api.set_host(self.host_call)

    # -- host calls ------------------------------------------------------------------------------

    def host_call(self, name: str, args: list[Any]) -> Any:
        """Ask the parent and wait; the wait counts against the script's time like any other work."""
        from rqrun.sandbox.model import HostCallError
        from rqrun.sandbox.protocol import encode, read_blocking, write_all

        try:
            frame = encode({"op": "host", "name": name, "args": args})
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name}: arguments must be JSON values ({exc})") from None
        write_all(self.out_fd, frame)
        reply = read_blocking(self.in_fd)
        if reply is None:  # the parent is gone: nothing left to do, and no script may resist it
            os._exit(0)
        if reply.get("op") == "abort":
            self.state.trip(FailureKind.HOST, "the host failed to answer " + name)
        if reply.get("expired"):  # the parent's clock is the one that counts
            self.state.trip(FailureKind.TIMEOUT, f"script exceeded its time limit of {self.state.timeout_ms} ms "
                            f"(host calls included; {name} ran out of time)")
        if reply.get("ok"):
            return reply.get("value")
        raise HostCallError(str(reply.get("error") or f"{name} failed"))

    # -- jobs ------------------------------------------------------------------------------------

    def run(self, job: dict[str, Any]) -> dict[str, Any]:
        """Run one job and build its answer (never raises for anything a script does).

        A generator the script left in a reference cycle is finalised inside the job, when its
        globals are cleared; once the answer is built the job is ended and garbage collected
        again, so whatever those finalisers left behind runs now, not inside a later job, and
        everything it tries (console, print, tests, variables, host calls) is refused because
        its job is over. Nothing of one script acts inside the next.
        """
        try:
            return self._run(job)
        finally:
            self.state.end()
            if job.get("language") == "javascript":
                gc.collect(0)  # no script Python ran: only the job's own young objects to sweep
            else:
                _collect()

    def _run(self, job: dict[str, Any]) -> dict[str, Any]:
        from rqrun.sandbox.api import Console, JobRecord, build_rq
        from rqrun.sandbox.compile import script_line
        from rqrun.sandbox.guards import LimitExceeded
        from rqrun.sandbox.model import ScriptFailure

        state = self.state
        timeout_ms = int(job.get("timeout_ms", 5000))
        state.reset(timeout_ms, int(job.get("output_limit", 1 << 20)))
        self._arm_cpu_limit(timeout_ms)
        self.facades.new_job()
        record = JobRecord()
        error: dict[str, Any] | None = None
        recycle = False
        if job.get("language") == "javascript":
            return self._run_js(job, record)
        compiled = self.cache.get(job.get("source", ""))
        if isinstance(compiled, ScriptFailure):
            return self._answer(job, record, _failure(compiled.kind, compiled.message, compiled.line), None, False)
        info = dict(job.get("info") or {})
        info.setdefault("eventName", job.get("phase"))
        rq = build_rq({**job, "info": info}, record)
        script_globals: dict[str, Any] = dict(self.hooks)
        script_globals.update({"__builtins__": self.builtins, "__name__": "rq_script",
                               "_tick_": state.make_tick(), "rq": rq, "console": Console(record)})
        state.script_globals = script_globals
        base_depth = _depth()
        sys.setrecursionlimit(base_depth + self.recursion)
        try:
            exec(compiled, script_globals)  # noqa: S102 - restricted code, guarded globals
        except LimitExceeded as exc:
            error = _failure(exc.kind, exc.message, script_line(exc))
        except MemoryError as exc:
            recycle = True
            error = _failure(FailureKind.MEMORY, f"script ran out of memory (limit {self.memory_mb} MiB)",
                             script_line(exc))
        except RecursionError as exc:
            error = _failure(FailureKind.RUNTIME, "RecursionError: maximum recursion depth exceeded "
                             f"(scripts may nest {self.recursion} calls)", script_line(exc))
        except AssertionError as exc:
            error = _failure(FailureKind.ASSERTION, str(exc) or "assertion failed", script_line(exc))
        except BaseException as exc:  # SystemExit & co cannot be raised by scripts, but be total
            error = _failure(FailureKind.RUNTIME, _describe(exc), script_line(exc))
        finally:
            try:
                script_globals.clear()
                gc.collect()  # cycles too: a generator left in one runs its finally now, in this job
            except BaseException:  # noqa: S110 - a finalizer hitting the budget; the trip is recorded below
                pass
            state.script_globals = None
            sys.setrecursionlimit(max(base_depth + 50, 1000))
        tripped = state.tripped
        if tripped is not None and (error is None or error["kind"] != tripped.kind):
            error = _failure(tripped.kind, tripped.message, error["line"] if error else None)
        if tripped is not None:
            recycle = recycle or tripped.kind == FailureKind.MEMORY
        request = rq.request.toObject() if job.get("phase") == "prerequest" else None
        return self._answer(job, record, error, request, recycle)

    def _run_js(self, job: dict[str, Any], record: Any) -> dict[str, Any]:
        """A JavaScript job: the same ``rq`` objects, run by QuickJS (imported on first use)."""
        from rqrun.sandbox.api import build_rq

        state = self.state
        info = dict(job.get("info") or {})
        info.setdefault("eventName", job.get("phase"))
        rq = build_rq({**job, "info": info}, record)
        recycle = False
        try:
            if self.js is None:
                from rqrun.sandbox.js_engine import JsRunner

                self.js = JsRunner(self.memory_mb, self.host_call)
                gc.collect()
                gc.freeze()  # QuickJS and its runtime join the long-lived objects no collection walks
            error = self.js.run(str(job.get("source", "")), rq, record, record.execution)
        except MemoryError:
            recycle = True
            error = _failure(FailureKind.MEMORY, f"script ran out of memory (limit {self.memory_mb} MiB)")
        except BaseException as exc:  # noqa: BLE001 - the engine failed to start: report it on this job
            recycle = True
            error = _failure(FailureKind.RUNTIME, f"the JavaScript engine failed: {_describe(exc)}")
        if error is not None:
            error = _failure(error["kind"], error["message"], error["line"])
        tripped = state.tripped
        if tripped is not None and (error is None or error["kind"] != tripped.kind):
            error = _failure(tripped.kind, tripped.message, error["line"] if error else None)
        request = rq.request.toObject() if job.get("phase") == "prerequest" else None
        return self._answer(job, record, error, request, recycle)

    def _answer(self, job: dict[str, Any], record: Any, error: dict[str, Any] | None,
                request: dict[str, Any] | None, recycle: bool) -> dict[str, Any]:
        return {"op": "result", "error": error, "tests": record.tests, "console": self.state.console,
                "scope_ops": record.scope_ops, "request": request, "recycle": recycle,
                "execution": record.execution or None}

    def _arm_cpu_limit(self, timeout_ms: int) -> None:
        """Keep the CPU soft limit between one and two margins ahead (a syscall only when it moves)."""
        spent = time.process_time()
        needed = spent + timeout_ms / 1000.0 + _CPU_MARGIN_S
        if self.cpu_soft and needed <= self.cpu_soft:
            return
        soft = int(needed) + _CPU_MARGIN_S
        self.cpu_soft = soft
        try:
            _, hard = resource.getrlimit(resource.RLIMIT_CPU)
            resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
        except (ValueError, OSError):
            pass

    def serve(self) -> None:
        """Answer jobs until the parent closes the pipe."""
        from rqrun.sandbox.protocol import encode, read_blocking, write_all

        while True:
            job = read_blocking(self.in_fd)
            if job is None:
                return
            try:
                answer = self.run(job)
                frame = encode(answer)
            except MemoryError:
                frame = encode({"op": "result", "error": _failure(FailureKind.MEMORY, "the worker ran out of memory"),
                                "tests": [], "console": [], "scope_ops": [], "request": None, "recycle": True})
            except Exception as exc:  # noqa: BLE001 - a worker bug: report it on this job, start the next one clean
                frame = encode({"op": "result", "error": _failure(FailureKind.RUNTIME, f"the sandbox worker failed: {_describe(exc)}"),
                                "tests": [], "console": [], "scope_ops": [], "request": None, "recycle": True})
            write_all(self.out_fd, frame)
            if self.js is not None:  # the next JavaScript job's context loads while the parent works
                try:
                    self.js.prepare()
                except (MemoryError, Exception):  # noqa: BLE001 - run() prepares again and reports it
                    self.js.context = None


def _failure(kind: FailureKind, message: str, line: int | None = None) -> dict[str, Any]:
    message = " ".join(str(message).split())
    if len(message) > 1000:
        message = message[:997] + "..."
    return {"kind": kind, "message": message, "line": line}


def _collect() -> None:
    """Collect the ended job's cycles; finalisers may leave new ones, so go again (a few times)."""
    try:
        for _ in range(3):
            if not gc.collect():
                return
    except MemoryError:  # pragma: no cover - the next job's memory check recycles the worker
        pass


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if isinstance(exc, NameError) and getattr(exc, "name", None) == "pm":
        text += " (rqrun scripts use rq, not pm)"
    return text


def _depth() -> int:
    frame: FrameType | None = sys._getframe()
    depth = 0
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth


def _lock_down(memory_mb: int) -> None:
    """OS limits that hold even if a script escapes the interpreter-level sandbox."""
    limits = [
        (resource.RLIMIT_AS, memory_mb * 1024 * 1024),
        (resource.RLIMIT_FSIZE, 0),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_NOFILE, 16),
        (resource.RLIMIT_NPROC, 0),
    ]
    for which, value in limits:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass


def _warm_up(worker: Worker) -> None:
    """Run one script through every layer so first-job costs are paid before the lock-down."""
    warm = ("import json, re, base64, hashlib, hmac, datetime, time, math, random, uuid, urllib.parse\n"
            "rq.test('warm', lambda: rq.expect(json.loads('[1]')).to.eql([1]))\n"
            "x = [i * 2 for i in range(3)]\nprint(x)\nconsole.log(re.sub('a', 'b', 'a'))\n")
    worker.run({"source": warm, "phase": "prerequest", "timeout_ms": 5000, "request": {}, "scopes": {}})


def main() -> None:
    """Entry point: set up fds, read the init frame, lock down, then serve jobs."""
    from rqrun.sandbox.protocol import encode, read_blocking, write_all

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    in_fd = os.dup(0)
    out_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    os.environ.clear()
    init = read_blocking(in_fd)
    if not isinstance(init, dict):
        return
    worker = Worker(in_fd, out_fd, init)
    _warm_up(worker)
    gc.collect()
    gc.freeze()
    _lock_down(worker.memory_mb)
    write_all(out_fd, encode({"op": "ready", "pid": os.getpid()}))
    try:
        worker.serve()
    except (SystemExit, KeyboardInterrupt):
        pass


if __name__ == "__main__":
    main()
