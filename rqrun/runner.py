"""The run loop: iterations × requests, scripts around each request, events out.

The runner knows nothing about output. It loads nothing itself either: :func:`run` loads the
inputs, builds the listeners the options ask for, and hands a :class:`Runner` the loop.
Everything an event carries has been through the redactor.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Sequence, TextIO

from rqrun import events as ev
from rqrun.errors import (
    ExitCode,
    RequestSendError,
    RqrunError,
    RunError,
    SecretNotAllowed,
    VaultError,
)
from rqrun.model import Auth, Folder, Request, Script
from rqrun.options import RunOptions
from rqrun.record import (
    ExecutionRecord,
    export_variables,
    received_response,
    sent_request,
)
from rqrun.redact import Redactor
from rqrun.run_vault import RunVault
from rqrun.state import IterationContext, VariableState, apply_scope_ops
from rqrun.summary import RunSummary
from rqrun.variables import Renderer, Scopes

__all__ = ["RunInputs", "RunResult", "Runner", "run", "load_inputs", "select_requests"]

# Loading lives in rqrun.inputs; these names stay importable from here.
from rqrun.inputs import RunInputs, load_inputs, select_requests  # noqa: E402

Listener = Callable[[object], None]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class RunResult:
    exit_code: int
    summary: RunSummary
    environment: dict[str, Any]
    globals: dict[str, Any]
    collection_variables: dict[str, Any]
    report_paths: list[str] = field(default_factory=list)
    aborted: str | None = None


def _variables(variables: Iterable[Any], redactor: Redactor) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for var in variables:
        if not var.enabled:
            continue
        values[var.key] = var.value
        if var.type == "secret":
            redactor.add(var.value)
    return values


class Runner:
    """Runs loaded inputs and tells ``bus`` what happens."""

    def __init__(self, inputs: RunInputs, options: RunOptions, bus: ev.EventBus, redactor: Redactor) -> None:
        self.inputs = inputs
        self.options = options
        self.bus = bus
        self.redactor = redactor
        self.summary = RunSummary()
        bus.subscribe(self.summary)
        collection = inputs.collection
        environment = _variables(inputs.environment.variables if inputs.environment else [], redactor)
        globals_ = _variables(inputs.globals.variables if inputs.globals else [], redactor)
        environment.update(options.env_vars)
        globals_.update(options.global_vars)
        self.state = VariableState(environment, globals_, _variables(collection.variables, redactor), {}, {})
        self.vault = RunVault(options, redactor)
        self.requests = select_requests(collection, options.folders)
        self.data = inputs.data
        self.iterations = options.iteration_count or len(self.data) or 1
        self._http: Any = None
        self._oauth: Any = None
        self._engines: list[Any] = []
        self._local = threading.local()
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self.exported: list[str] = []
        self._reported_js: set[int] = set()
        self._deadline: float | None = None

    # -- helpers -------------------------------------------------------------------------

    @property
    def http(self) -> Any:
        with self._lock:
            return self._http or self._make_http()

    def _make_http(self) -> Any:
        if self._http is None:
            from rqrun.http import HttpClient

            self._http = HttpClient(
                timeout_ms=self.options.timeout_request_ms,
                verify=not self.options.insecure,
                follow_redirects=self.options.follow_redirects,
                max_redirects=self.options.max_redirects,
                client_cert=self.options.ssl_client_cert,
                client_key=self.options.ssl_client_key,
                extra_ca_certs=self.options.ssl_extra_ca_certs,
                http2=self.options.http2,
                cookie_jar=self.options.cookie_jar,
            )
        return self._http

    @property
    def scripts(self) -> Any:
        """This thread's script engine: each parallel iteration gets its own worker process."""
        engine = getattr(self._local, "engine", None)
        if engine is None:
            from rqrun.sandbox import ScriptEngine

            engine = self._local.engine = ScriptEngine(
                timeout_ms=self.options.timeout_script_ms,
                memory_mb=self.options.script_memory_mb,
            )
            with self._lock:
                self._engines.append(engine)
        return engine

    def _folder_scope(self, state: VariableState, folder: Folder) -> dict[str, Any]:
        scope = state.folders.get(folder.id)
        if scope is None:
            scope = state.folders[folder.id] = _variables(folder.variables, self.redactor)
        return scope

    def scopes_for(self, chain: Sequence[Folder], row: dict[str, Any], state: VariableState | None = None) -> Scopes:
        state = state or self.state
        return Scopes(
            data=row,
            run=state.run,
            environment=state.environment,
            folders=[self._folder_scope(state, f) for f in reversed(chain[1:])],
            collection=state.collection,
            globals=state.globals,
        )

    @property
    def oauth(self) -> Any:
        with self._lock:
            if self._oauth is None:
                from rqrun.oauth2 import OAuth2Tokens

                self._oauth = OAuth2Tokens(self.http.send, self.redactor.add)
            return self._oauth

    def export_cookies(self) -> str | None:
        if not self.options.export_cookie_jar:
            return None
        return str(self.http.save_cookies(self.options.export_cookie_jar, self.redactor.redact))

    def close(self) -> None:
        for resource in (*self._engines, self._http):
            if resource is not None:
                try:
                    resource.close()
                except Exception:  # closing must not hide the run's outcome
                    pass

    # -- the loop ------------------------------------------------------------------------

    def run(self) -> RunResult:
        started = time.perf_counter()
        if self.options.timeout_ms:
            self._deadline = started + self.options.timeout_ms / 1000
        collection = self.inputs.collection
        self.bus.emit(
            ev.RunStarted(
                collection_name=self.redactor.redact(collection.name),
                source=self.options.collection,
                iterations=self.iterations,
                items=len(self.requests),
                started_at=_now(),
            )
        )
        aborted: str | None = None
        try:
            aborted = self._iterations()
            cookies = self.export_cookies()
            if cookies:
                self.exported.append(cookies)
        except KeyboardInterrupt:
            aborted = "interrupted"
            self.summary.raise_exit(ExitCode.INTERRUPTED)
        finally:
            self.close()
        if aborted == "timeout":
            self.summary.raise_exit(ExitCode.RUN)
        duration = (time.perf_counter() - started) * 1000
        self.bus.emit(
            ev.RunFinished(
                summary=self.summary,
                exit_code=int(self.summary.exit_code),
                finished_at=_now(),
                duration_ms=duration,
                aborted=aborted,
            )
        )
        return RunResult(
            exit_code=int(self.summary.exit_code),
            summary=self.summary,
            environment=dict(self.state.environment),
            globals=dict(self.state.globals),
            collection_variables=dict(self.state.collection),
            aborted=aborted,
        )

    def _iterations(self) -> str | None:
        if self.options.parallel > 1 and self.iterations > 1:
            return self._parallel_iterations()
        for index in range(self.iterations):
            aborted = self._iteration(IterationContext(index, self._row(index), self.state, self.bus.emit))
            if aborted:
                return aborted
        return None

    def _row(self, index: int) -> dict[str, Any]:
        row = self.data[index] if index < len(self.data) else {}
        return {k: v for k, v in row.items() if v is not None}

    def _iteration(self, it: IterationContext) -> str | None:
        """Run one iteration's requests in order; returns why it stopped early, if it did."""
        it.emit(ev.IterationStarted(it.index, self.redactor.redact_obj(it.row)))
        for index, (chain, request) in enumerate(self.requests):
            if self._stop.is_set():
                return "stopped"
            if self._deadline is not None and time.perf_counter() > self._deadline:
                it.emit(ev.RunWarning(f"the run exceeded --timeout {self.options.timeout_ms} ms: stopped"))
                return "timeout"
            cursor = ev.Cursor(
                iteration=it.index,
                position=it.index * len(self.requests) + index,
                item_id=request.id,
                path=tuple(f.name for f in chain[1:]) + (request.name,),
            )
            execution = self._execute(cursor, chain, request, it)
            it.emit(ev.ItemFinished(execution))
            if self.options.bail and execution.failed:
                return "bail"
        it.emit(ev.IterationFinished(it.index))
        return None

    def _parallel_iterations(self) -> str | None:
        """Run iterations on ``--parallel`` threads; report them in order, whatever finishes first.

        Each iteration starts from the variables as they stood when the run began and keeps
        its writes to itself; afterwards the writes are applied in iteration order, so the
        exported environment is what a sequential run would leave when iterations do not read
        each other's writes. Events wait in a per-iteration buffer until every earlier
        iteration has been reported, and at most twice ``--parallel`` iterations are in flight.
        """
        from concurrent.futures import Future, ThreadPoolExecutor

        snapshot = self.state.copy()
        window = self.options.parallel

        def run_one(index: int) -> tuple[list[object], str | None, list[tuple[str, str, str, Any]]]:
            events: list[object] = []
            it = IterationContext(index, self._row(index), snapshot.copy(), events.append, ops=[])
            return events, self._iteration(it), it.ops or []

        aborted: str | None = None
        futures: dict[int, Future[Any]] = {}
        submitted = 0
        with ThreadPoolExecutor(max_workers=window, thread_name_prefix="rqrun-iteration") as pool:
            try:
                for index in range(self.iterations):
                    while submitted < self.iterations and submitted < index + 2 * window and not self._stop.is_set():
                        futures[submitted] = pool.submit(run_one, submitted)
                        submitted += 1
                    if index not in futures:
                        break
                    events, reason, ops = futures.pop(index).result()
                    for event in events:
                        self.bus.emit(event)
                    self.state.apply(ops)
                    if reason and reason != "stopped" and aborted is None:
                        aborted = reason
                        self._stop.set()
            except BaseException:
                self._stop.set()
                raise
        return aborted

    def _delay(self, it: IterationContext) -> None:
        if it.sent_any and self.options.delay_request_ms > 0:
            time.sleep(self.options.delay_request_ms / 1000)
        it.sent_any = True

    def _execute(self, cursor: ev.Cursor, chain: Sequence[Folder], request: Request, it: IterationContext) -> ev.Execution:
        self._delay(it)
        it.emit(ev.ItemStarted(cursor, self.redactor.redact(request.name)))
        scopes = self.scopes_for(chain, it.row, it.state)
        record = ExecutionRecord()
        # 1. pre-request scripts, outermost first; the last one's request changes carry over.
        template = request
        for script in _scripts(chain, request, "pre_request"):
            template, failed = self._run_script(script, "prerequest", cursor, scopes, template, None, None, record, it)
            if failed:
                return record.finish(cursor, request.name, self.redactor)
        # 2. render.
        renderer = Renderer(scopes, vault=self.vault.lookup)
        oauth_params: dict[str, str] | None = None
        try:
            from rqrun.prepare import effective_auth, prepare

            auth = effective_auth(chain, template)
            if auth.type == "oauth2":
                from rqrun.oauth2 import needs_token

                if needs_token(auth.params):
                    oauth_params = {k: renderer.render(v) for k, v in auth.params.items()}
                    token = self.oauth.token(oauth_params)
                    template = dataclasses.replace(template, auth=Auth("bearer", {"token": token}))
            prepared = prepare(template, chain, renderer)
            self.redactor.add_header_credentials(prepared.headers)
            record.warnings.extend(prepared.warnings)
            self._check_unresolved(prepared, record)
            self._check_allow_lists(prepared, record.read_secrets)
            for key in sorted(prepared.used_secrets):
                warning = self.vault.provider_warning(key)
                if warning:
                    record.warnings.append(warning)
        except VaultError as exc:
            record.error = ev.ErrorInfo("vault", "request", exc.one_line(), kind=exc.reference)
            return record.finish(cursor, request.name, self.redactor)
        except RequestSendError as exc:
            record.error = ev.ErrorInfo("request", "request", exc.one_line(), kind=exc.kind)
            return record.finish(cursor, request.name, self.redactor)
        except _Invalid as exc:
            record.error = ev.ErrorInfo("validation", "request", str(exc), kind="unresolved-variable")
            return record.finish(cursor, request.name, self.redactor)
        # 3. send.
        record.request = sent_request(prepared, self.redactor)
        it.emit(ev.RequestSent(cursor, record.request))
        try:
            response = self._send(prepared, template, oauth_params, record)
        except RequestSendError as exc:
            record.error = ev.ErrorInfo("request", "request", exc.one_line(), kind=exc.kind)
            return record.finish(cursor, request.name, self.redactor)
        record.response = received_response(response, self.redactor, self.options.response_body_limit)
        if response.truncated:
            record.warnings.append(f"response body cut at {len(response.body)} of {response.size} bytes")
        it.emit(ev.ResponseReceived(cursor, record.response))
        # 4. post-response scripts.
        for script in _scripts(chain, request, "post_response"):
            _, failed = self._run_script(script, "postresponse", cursor, scopes, template, prepared, response, record, it)
            if failed:
                break
        return record.finish(cursor, request.name, self.redactor)

    def _send(
        self, prepared: Any, template: Request, oauth_params: dict[str, str] | None, record: ExecutionRecord
    ) -> Any:
        """Send, retrying as the options allow; a 401 on a fetched OAuth token fetches a new one once."""
        follow = template.settings.get("follow_redirects")
        timeout = template.settings.get("timeout_ms")
        options = self.options
        retryable = options.retry_unsafe or prepared.method in IDEMPOTENT_METHODS
        refreshed = False
        while True:
            record.attempts += 1
            try:
                response = self.http.send(
                    prepared,
                    timeout_ms=timeout if isinstance(timeout, (int, float)) and timeout > 0 else None,
                    follow_redirects=follow if isinstance(follow, bool) else None,
                )
            except RequestSendError as exc:
                if retryable and exc.kind in RETRYABLE_KINDS and record.attempts <= options.retries:
                    self._back_off(record.attempts)
                    continue
                raise
            if response.code == 401 and oauth_params is not None and not refreshed:
                refreshed = True
                token = self.oauth.token(oauth_params, refresh=True)
                prepared.headers = [(k, v) for k, v in prepared.headers if k.lower() != "authorization"]
                prepared.headers.append(("Authorization", f"Bearer {token}"))
                continue
            if retryable and response.code in options.retry_on_status and record.attempts <= options.retries:
                self._back_off(record.attempts)
                continue
            return response

    def _back_off(self, attempt: int) -> None:
        """Exponential back-off with full jitter, capped at 30 s."""
        import random

        base = self.options.retry_delay_ms / 1000 * (2 ** (attempt - 1))
        time.sleep(min(30.0, random.uniform(base / 2, base * 1.5)))

    def _check_unresolved(self, prepared: Any, record: ExecutionRecord) -> None:
        names = sorted(n for n in prepared.unresolved if not n.startswith("vault:"))
        if not names:
            return
        listed = ", ".join("{{" + n + "}}" for n in names)
        if self.options.strict_variables:
            raise _Invalid(f"unresolved variables: {listed} (--strict-variables)")
        record.warnings.append(f"unresolved variables left as written: {listed}")

    def _check_allow_lists(self, prepared: Any, read_by_scripts: Iterable[str] = ()) -> None:
        """Refuse a request that carries, or may carry, a secret bound to other hosts.

        Placeholders say which secrets a request carries. A value a script read with
        ``rq.vault.get`` can travel in any form (encoded, split, hashed), so every secret the
        request's scripts read counts as carried too: scripts may read an allow-listed secret
        only for requests that go where it may go.
        """
        for key in sorted(set(prepared.used_secrets) | set(read_by_scripts)):
            ok, allowed = self.vault.host_allowed(key, prepared.host, prepared.port)
            if not ok:
                raise SecretNotAllowed(
                    f"secret {key!r} may only be sent to {', '.join(allowed)}, not to {prepared.host or 'this URL'}",
                    hint=f"allow it with: rqrun vault set {key} --allow-host {prepared.host}",
                )

    def _run_script(
        self,
        script: Script,
        phase: str,
        cursor: ev.Cursor,
        scopes: Scopes,
        template: Request,
        prepared: Any,
        response: Any,
        record: ExecutionRecord,
        it: IterationContext,
    ) -> tuple[Request, bool]:
        """Run one script; returns the (possibly changed) request template and whether it failed."""
        source_name = "pre-request" if phase == "prerequest" else "post-response"
        if not script.source.strip():
            return template, False
        if script.language.lower() not in ("python", "py", "text/python"):
            message = f"{script.location or source_name}: {script.language} script not run (rqrun runs Python scripts)"
            return template, self._unsupported(script, message, source_name, cursor, record, it)
        from rqrun import script_bridge as bridge
        from rqrun.sandbox import ScriptJob

        job = ScriptJob(
            source=script.source,
            location=script.location or f"{'/'.join(cursor.path)} {source_name}",
            phase=phase,
            scopes={
                "iterationData": dict(scopes.data),
                "variables": dict(scopes.run),
                "environment": dict(scopes.environment),
                "collectionVariables": dict(scopes.collection),
                "globals": dict(scopes.globals),
                "folderVariables": [dict(f) for f in scopes.folders],
            },
            request=bridge.template_to_dict(template) if prepared is None else bridge.sent_to_dict(template, prepared),
            response=bridge.response_to_dict(response) if response is not None else None,
            info={
                "requestId": template.id,
                "requestName": template.name,
                "eventName": phase,
                "iteration": cursor.iteration,
                "iterationCount": self.iterations,
            },
        )
        result = self.scripts.run(job, _ScriptHost(self, scopes, record))
        if result.error is not None and result.error.kind == "javascript":
            # Requestly exports do not say which language a script is in; most are JavaScript.
            message = f"{job.location}: javascript script not run (it looks like JavaScript; rqrun runs Python scripts)"
            return template, self._unsupported(script, message, source_name, cursor, record, it)
        record.scripts_run += 1
        apply_scope_ops(scopes, result.scope_ops)
        if it.ops is not None:
            it.ops.extend(tuple(op) for op in result.scope_ops)
        record.console.extend(result.console)
        record.tests.extend(ev.TestResult(t.name, t.status, t.error, source_name) for t in result.tests)
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

    def _unsupported(
        self, script: Script, message: str, source_name: str, cursor: ev.Cursor, record: ExecutionRecord, it: IterationContext
    ) -> bool:
        """A script rqrun cannot run: one warning per script, or an error with the flag. True: failed."""
        if self.options.fail_on_unsupported_scripts:
            record.scripts_run += 1
            record.scripts_failed += 1
            record.error = ev.ErrorInfo("script", source_name, message, kind="unsupported")
            return True
        with self._lock:
            first = id(script) not in self._reported_js
            self._reported_js.add(id(script))
        if first:
            it.emit(ev.RunWarning(message, cursor))
        return False


#: Methods that may be sent twice without changing the outcome (RFC 9110 §9.2.2).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
#: Send failures worth another try; TLS and malformed requests fail the same way every time.
RETRYABLE_KINDS = frozenset({"network", "timeout", "protocol"})


class _Invalid(Exception):
    """A request that must not be sent because of what rendering found."""


class _ScriptHost:
    """Answers the calls a script makes to the host: the vault and sendRequest."""

    def __init__(self, runner: Runner, scopes: Scopes, record: ExecutionRecord) -> None:
        self.runner = runner
        self.scopes = scopes
        self.record = record

    def call(self, name: str, args: list[Any], deadline: float) -> Any:
        from rqrun.sandbox import HostCallError

        try:
            return self._dispatch(name, args, deadline)
        except RqrunError as exc:
            raise HostCallError(self.runner.redactor.redact(exc.one_line())) from None

    def _dispatch(self, name: str, args: list[Any], deadline: float) -> Any:
        runner = self.runner
        if name == "vault.get":
            value = runner.vault.open().get(str(args[0]))
            if value is not None:
                runner.redactor.add(value)
                self.record.read_secrets.add(str(args[0]))
            return value
        if name == "vault.has":
            return bool(runner.vault.open().has(str(args[0])))
        if name == "vault.set":
            runner.redactor.add(args[1])
            runner.vault.open().set(str(args[0]), str(args[1]))
            return None
        if name == "vault.unset":
            return bool(runner.vault.open().unset(str(args[0])))
        if name == "sendRequest":
            return self._send(args[0], deadline)
        from rqrun.sandbox import HostCallError

        raise HostCallError(f"unknown host call {name!r}")

    def _send(self, spec: Any, deadline: float) -> dict[str, Any]:
        from rqrun import script_bridge as bridge
        from rqrun.prepare import prepare

        request = bridge.request_from_spec(spec)
        renderer = Renderer(self.scopes, vault=self.runner.vault.lookup)
        prepared = prepare(request, (), renderer)
        self.runner.redactor.add_header_credentials(prepared.headers)
        self.runner._check_allow_lists(prepared, self.record.read_secrets)
        left_ms = max(1.0, (deadline - time.monotonic()) * 1000)  # the script's time limit includes this call
        timeout_ms = min(left_ms, self.runner.options.timeout_request_ms or left_ms)
        return bridge.response_to_dict(self.runner.http.send(prepared, timeout_ms=timeout_ms))


def _scripts(chain: Sequence[Folder], request: Request, phase: str) -> list[Script]:
    found = [getattr(node.scripts, phase) for node in (*chain, request)]
    return [s for s in found if s is not None]


def run(
    options: RunOptions,
    *,
    listeners: Iterable[Listener] = (),
    out: TextIO | None = None,
    err: TextIO | None = None,
    redactor: Redactor | None = None,
) -> RunResult:
    """Run a collection as ``options`` say and return the result.

    Raises :class:`InputError` (files), :class:`UsageError` (options) before anything is sent.
    Reporters named in ``options.reporters`` are attached; pass ``reporters=()`` for none.
    """
    redactor = redactor or Redactor()
    inputs = load_inputs(options)
    bus = ev.EventBus()
    runner = Runner(inputs, options, bus, redactor)
    reporters: list[Any] = []
    if options.reporters:
        from rqrun.reporters import ReporterContext, create_reporters

        def context(name: str) -> ReporterContext:
            return ReporterContext(
                out=out or sys.stdout,
                err=err or sys.stderr,
                color=options.color,
                quiet=options.quiet,
                redactor=redactor,
                options=dict(options.reporter_options.get(name, {})),
                run_options=options,
            )

        reporters = create_reporters(options.reporters, bus, context)
    for listener in listeners:
        bus.subscribe(listener)
    paths: list[str] = []
    try:
        result = runner.run()
    finally:
        failures: list[RqrunError] = []
        for reporter in reporters:  # close every reporter, even when one fails
            try:
                paths.extend(reporter.close())
            except RqrunError as exc:
                failures.append(exc)
            except OSError as exc:
                failures.append(RunError(f"cannot write the {reporter.name} report: {exc}"))
        if failures and sys.exc_info()[0] is None:
            raise failures[0]
    env_name = inputs.environment.name if inputs.environment else "environment"
    if options.export_environment:
        paths.append(export_variables(options.export_environment, env_name, result.environment, "environment", redactor))
    if options.export_globals:
        paths.append(export_variables(options.export_globals, "globals", result.globals, "globals", redactor))
    result.report_paths = paths + runner.exported
    return result
