"""Running a request's scripts, and answering the calls they make back to the host.

Scripts run in sandbox workers lent by an :class:`EnginePool` (about one per script running at
once). What a script is handed (its request, response, variables, and every host-call answer) is first shown to the
run's :class:`SecretGate`: a script that sees a host-bound secret confines the rest of the run to
that secret's hosts. ``rq.sendRequest`` goes through the same :class:`RequestPipeline` as the
collection's own requests, and one that renders a host-bound ``{{vault:...}}`` confines the run
as reading the secret would; ``rq.vault`` through :class:`RunVault`'s script methods, which keep
host lists intact.
"""

from __future__ import annotations

import json
import threading
import time
from typing import TYPE_CHECKING, Any

from rqrun import events as ev
from rqrun.engine_pool import EnginePool
from rqrun.errors import RqrunError, SecretNotAllowed, VaultError
from rqrun.gate import SecretGate
from rqrun.model import Request, Script
from rqrun.options import RunOptions
from rqrun.pipeline import InvalidRequest, Prepared, RequestPipeline
from rqrun.record import ExecutionRecord
from rqrun.redact import Redactor
from rqrun.run_vault import RunVault
from rqrun.state import IterationContext, apply_scope_ops
from rqrun.variables import Scopes

if TYPE_CHECKING:
    from rqrun.http import HttpResponse
    from rqrun.sandbox import ScriptEngine, ScriptJob

__all__ = ["ScriptHost", "ScriptRunner"]


class ScriptRunner:
    """Runs scripts for the runner: builds the job, runs it in a pooled worker, applies the result."""

    def __init__(
        self,
        options: RunOptions,
        pipeline: RequestPipeline,
        vault: RunVault,
        redactor: Redactor,
        iterations: int,
    ) -> None:
        self.options = options
        self.pipeline = pipeline
        self.vault = vault
        self.gate: SecretGate = pipeline.gate
        self.redactor = redactor
        self.iterations = iterations
        self._pool: EnginePool[ScriptEngine] = EnginePool(self._new_engine, max(1, options.parallel))
        self._owns_pool = True
        self._lock = threading.Lock()
        self._reported: set[int] = set()

    def _new_engine(self) -> ScriptEngine:
        from rqrun.sandbox import ScriptEngine

        return ScriptEngine(timeout_ms=self.options.timeout_script_ms, memory_mb=self.options.script_memory_mb)

    def prestart(self) -> None:
        """Boot the workers the run will need while its first requests are on the network."""
        self._pool.prestart(lambda engine: engine.start())

    def share_pool(self, pool: EnginePool[ScriptEngine]) -> None:
        """Run scripts on workers shared with other runners (``rqrun load``'s users); its owner closes them."""
        self._pool, self._owns_pool = pool, False

    def close(self) -> None:
        if not self._owns_pool:
            return
        for engine in self._pool.engines:
            try:
                engine.close()
            except Exception:  # noqa: S110 - closing must not hide the run's outcome
                pass

    def run(
        self,
        script: Script,
        phase: str,
        cursor: ev.Cursor,
        scopes: Scopes,
        template: Request,
        prepared: Prepared | None,
        response: HttpResponse | None,
        record: ExecutionRecord,
        it: IterationContext,
    ) -> tuple[Request, bool]:
        """Run one script; returns the (possibly changed) request template and whether it failed."""
        source_name = "pre-request" if phase == "prerequest" else "post-response"
        if not script.source.strip():
            return template, False
        from rqrun.script_language import Language, decide, only_comments, unsupported_message

        language = decide(script.source, script.language).language
        if language is not Language.PYTHON and only_comments(script.source):
            return template, False  # a JavaScript stub of comments: nothing to run
        if language is Language.UNKNOWN:
            message = unsupported_message(
                script.location or source_name, script.language, language, self.options.allow_unsupported_scripts
            )
            return template, self._unsupported(script, message, source_name, cursor, record, it)
        from rqrun import script_bridge as bridge

        job = self._job(script, phase, cursor, scopes, template, prepared, response, language.value)
        host = ScriptHost(self, scopes, record)
        with self._pool.borrow() as engine:  # a worker from the pool (rqrun.engine_pool)
            result = engine.run(job, host, timeout_ms=self._time_left_ms())
        record.scripts_run += 1
        apply_scope_ops(scopes, result.scope_ops)
        if it.ops is not None:
            it.ops.extend(tuple(op) for op in result.scope_ops)
        record.console.extend(result.console)
        if "next" in result.execution:
            record.next_request = result.execution["next"]
        if result.execution.get("skip"):
            record.skip = True
        record.tests.extend(ev.TestResult(t.name, t.status, t.error, source_name) for t in result.tests)
        if host.refusal is not None:
            # A refused send is an attempt to move a secret: it fails the script, as a vault
            # error, even when the script caught it (a callback's ``err``).
            record.scripts_failed += 1
            line = result.error.line if result.error is not None else None
            where = job.location + (f":{line}" if line else "")
            record.error = ev.ErrorInfo(
                "vault", source_name, f"{where}: {host.refusal.one_line()}", kind=host.refusal.reference, line=line
            )
            return template, True
        if phase == "prerequest" and result.error is None:
            template = bridge.apply_request_dict(template, result.request)
        if result.error is not None:
            record.scripts_failed += 1
            where = job.location + (f":{result.error.line}" if result.error.line else "")
            record.error = ev.ErrorInfo(
                "script", source_name, f"{where}: {result.error.message}", kind=result.error.kind, line=result.error.line
            )
            return template, True
        return template, False

    def _time_left_ms(self) -> float | None:
        """What is left of ``--timeout`` for this script, if the run has a deadline."""
        deadline = self.pipeline.deadline
        if deadline is None:
            return None
        return max(1.0, (deadline - time.monotonic()) * 1000)

    def _job(
        self,
        script: Script,
        phase: str,
        cursor: ev.Cursor,
        scopes: Scopes,
        template: Request,
        prepared: Prepared | None,
        response: HttpResponse | None,
        language: str = "python",
    ) -> ScriptJob:
        from rqrun import script_bridge as bridge
        from rqrun.sandbox import ScriptJob

        source_name = "pre-request" if phase == "prerequest" else "post-response"
        if prepared is None:
            request = bridge.template_to_dict(template)
        else:
            request = bridge.sent_to_dict(template, prepared.request)
            # The request as sent holds every secret it carried: the script now has them.
            for key, hosts in prepared.keys:
                if hosts is not None:
                    self.gate.confine(key, hosts)
        job = ScriptJob(
            source=script.source,
            location=script.location or f"{'/'.join(cursor.path)} {source_name}",
            phase=phase,  # type: ignore[arg-type]
            scopes={
                "iterationData": dict(scopes.data),
                "variables": dict(scopes.run),
                "environment": dict(scopes.environment),
                "collectionVariables": dict(scopes.collection),
                "globals": dict(scopes.globals),
                "folderVariables": [dict(f) for f in scopes.folders],
            },
            request=request,
            response=bridge.response_to_dict(response) if response is not None else None,
            info={
                "requestId": template.id,
                "requestName": template.name,
                "eventName": phase,
                "iteration": cursor.iteration,
                "iterationCount": self.iterations,
            },
            language=language,
        )
        if self.gate:
            self.gate.taint([_text_of(job.scopes), _text_of(job.request), _text_of(job.response)])
        return job

    def _unsupported(
        self, script: Script, message: str, source_name: str, cursor: ev.Cursor, record: ExecutionRecord, it: IterationContext
    ) -> bool:
        """A script rqrun cannot run: an error, or one warning per script when allowed. True: failed."""
        from rqrun.sandbox.model import FailureKind

        if not self.options.allow_unsupported_scripts:
            record.scripts_run += 1
            record.scripts_failed += 1
            record.error = ev.ErrorInfo("script", source_name, message, kind=FailureKind.UNSUPPORTED)
            return True
        with self._lock:
            first = id(script) not in self._reported
            self._reported.add(id(script))
        if first:
            it.emit(ev.RunWarning(message, cursor))
        return False


class ScriptHost:
    """Answers the calls one script makes to the host: the vault and sendRequest."""

    def __init__(self, scripts: ScriptRunner, scopes: Scopes, record: ExecutionRecord) -> None:
        self.scripts = scripts
        self.scopes = scopes
        self.record = record
        self.refusal: VaultError | None = None  # the first secret the gate kept from leaving

    def call(self, name: str, args: list[Any], deadline: float | None = None) -> Any:
        from rqrun.sandbox import HostCallError

        try:
            answer = self._dispatch(name, args, deadline)
        except SecretNotAllowed as exc:
            if self.refusal is None:
                self.refusal = exc
            raise HostCallError(self.scripts.redactor.redact(exc.one_line())) from None
        except RqrunError as exc:
            raise HostCallError(self.scripts.redactor.redact(exc.one_line())) from None
        except InvalidRequest as exc:
            raise HostCallError(self.scripts.redactor.redact(str(exc))) from None
        gate = self.scripts.gate
        if gate:  # an unbound key or a response may still hold a bound secret
            gate.taint([_text_of(answer)])
        return answer

    def _dispatch(self, name: str, args: list[Any], deadline: float | None) -> Any:
        vault = self.scripts.vault
        if name == "vault.get":
            return vault.script_get(str(args[0]))
        if name == "vault.has":
            return vault.script_has(str(args[0]))
        if name == "vault.set":
            vault.script_set(str(args[0]), str(args[1]))
            return None
        if name == "vault.unset":
            return vault.script_unset(str(args[0]))
        if name == "sendRequest":
            return self._send(args[0], deadline)
        from rqrun.sandbox import HostCallError

        raise HostCallError(f"unknown host call {name!r}")

    def _send(self, spec: Any, deadline: float | None) -> dict[str, Any]:
        from rqrun import script_bridge as bridge

        pipeline = self.scripts.pipeline
        request = bridge.request_from_spec(spec)
        prepared = pipeline.prepare(request, (), self.scopes, self.record.warnings, what="rq.sendRequest")
        # The script can read back what the request carried (a server echoing it, in any
        # transformed form): like rq.vault.get, a host-bound key confines the rest of the run.
        for key, hosts in prepared.keys:
            if hosts is not None:
                self.scripts.gate.confine(key, hosts)
        response = pipeline.send(prepared, deadline=deadline)
        return bridge.response_to_dict(response)


def _text_of(value: Any) -> str:
    """One text holding every string in a JSON-like value, for the gate to search."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)

