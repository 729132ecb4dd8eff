"""The scheduler: iterations × requests, in order or on ``--parallel`` threads, events out.

For each request it runs the pre-request scripts, hands the template to the
:class:`RequestPipeline` (render, gate, send), then runs the post-response scripts. It knows
nothing about output formats: :mod:`rqrun.api` loads the inputs, attaches reporters and hands a
:class:`Runner` the loop. Everything an event carries has been through the redactor.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from rqrun import events as ev
from rqrun.errors import ExitCode, InputError, RequestSendError, VaultError
from rqrun.gate import SecretGate
from rqrun.inputs import RunInputs, select_requests
from rqrun.model import Folder, Request, Script
from rqrun.options import RunOptions
from rqrun.pipeline import InvalidRequest, RequestPipeline
from rqrun.record import ExecutionRecord, received_response, sent_request
from rqrun.redact import Redactor
from rqrun.run_vault import RunVault
from rqrun.script_host import ScriptRunner
from rqrun.shard import shard_range
from rqrun.state import IterationContext, VariableState
from rqrun.summary import RunSummary
from rqrun.variables import Scopes

__all__ = ["RunResult", "Runner"]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class RunResult:
    """What a run leaves: its exit code, counters and the variables as they stand at the end."""

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
        for key, value in options.secret_vars.items():  # --secret-var and RQRUN_SECRET_<KEY>
            redactor.add(value)
            environment[key] = value
        globals_.update(options.global_vars)
        self.state = VariableState(environment, globals_, _variables(collection.variables, redactor), {}, {})
        self.gate = SecretGate()
        self.vault = RunVault(options, redactor, self.gate)
        self.pipeline = RequestPipeline(options, redactor, self.vault, self.gate)
        self.requests = select_requests(collection, options.folders)
        self.data = inputs.data
        total = options.iteration_count or len(self.data) or 1
        share = shard_range(total, *options.shard) if options.shard else range(total)
        self.first = share.start  # iterations keep their global numbers in a shard (--shard K/N)
        self.iterations = len(share)
        self.scripts = ScriptRunner(options, self.pipeline, self.vault, redactor, total)
        self._stop = threading.Event()
        self.exported: list[str] = []
        self._deadline: float | None = None

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

    def close(self) -> None:
        for resource in (self.scripts, self.pipeline):
            try:
                resource.close()
            except Exception:  # noqa: S110 - closing must not hide the run's outcome
                pass

    # -- the loop ------------------------------------------------------------------------

    def run(self) -> RunResult:
        started = time.perf_counter()
        if self.options.timeout_ms:
            self._deadline = started + self.options.timeout_ms / 1000
            self.pipeline.deadline = time.monotonic() + self.options.timeout_ms / 1000
        if any(s.source.strip() for c, r in self.requests for p in _PHASES for s in _scripts(c, r, p)):
            self.scripts.prestart()  # the sandbox workers boot while the first request is out
        collection = self.inputs.collection
        self.bus.emit(
            ev.RunStarted(
                collection_name=self.redactor.redact(collection.name),
                source=self.options.source,
                iterations=self.iterations,
                items=len(self.requests),
                started_at=_now(),
                summary=self.summary,
            )
        )
        for warning in self.inputs.warnings:  # the loaders' (unknown keys, no requests), once per run
            self.bus.emit(ev.RunWarning(self.redactor.redact(str(warning))))
        aborted: str | None = None
        signal_name: str | None = None
        try:
            aborted = self._iterations()
            if self.options.export_cookie_jar:
                self.exported.append(self.pipeline.export_cookies(self.options.export_cookie_jar))
        except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP as rqrun.errors.Interrupted
            aborted = "interrupted"
            signal_name = getattr(exc, "signal_name", "SIGINT")
            self.summary.raise_exit(ExitCode(getattr(exc, "exit_code", ExitCode.INTERRUPTED)))
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
                signal=signal_name,
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
        for index in range(self.first, self.first + self.iterations):
            aborted = self._iteration(IterationContext(index, self._row(index), self.state, self.bus.emit))
            if aborted:
                return aborted
        return None

    def run_iteration(self, index: int, emit: Any) -> str | None:
        """One iteration on the run's own variables, data rows taken in turn; events to ``emit``.

        For drivers that own the loop (``rqrun load``: each Locust user is one runner).
        """
        row = self._row(index % len(self.data)) if self.data else {}
        return self._iteration(IterationContext(index, row, self.state, emit))

    def _row(self, index: int) -> dict[str, Any]:
        row = self.data[index] if index < len(self.data) else {}
        return {k: v for k, v in row.items() if v is not None}

    def _iteration(self, it: IterationContext) -> str | None:
        """Run one iteration's requests in order; returns why it stopped early, if it did."""
        it.emit(ev.IterationStarted(it.index, self.redactor.redact_obj(it.row)))
        index = 0
        executed = 0
        limit = self.options.max_requests
        while index < len(self.requests):
            chain, request = self.requests[index]
            if self._stop.is_set():
                return "stopped"
            if self._deadline is not None and time.perf_counter() > self._deadline:
                it.emit(ev.RunWarning(f"the run exceeded --timeout {self.options.timeout_ms} ms: stopped"))
                return "timeout"
            if executed >= limit:
                it.emit(ev.RunWarning(f"iteration {it.index + 1} reached --max-requests {limit} (a setNextRequest "
                                      "loop?): the iteration stopped; raise --max-requests if the loop is meant"))
                self.summary.raise_exit(ExitCode.RUN)
                break
            executed += 1
            cursor = ev.Cursor(
                iteration=it.index,
                position=it.index * len(self.requests) + index,
                item_id=request.id,
                path=tuple(f.name for f in chain[1:]) + (request.name,),
            )
            it.next_request = None
            execution = self._execute(cursor, chain, request, it)
            for notice in self.vault.drain_notices():  # the library never prints: they are run warnings
                it.emit(ev.RunWarning(self.redactor.redact(f"vault: {notice}"), cursor))
            it.emit(ev.ItemFinished(execution))
            if self.options.bail and execution.failed:
                return "bail"
            index = self._next_index(index, it, cursor)
        it.emit(ev.IterationFinished(it.index))
        return None

    def _next_index(self, index: int, it: IterationContext, cursor: ev.Cursor) -> int:
        """Where the iteration goes after ``index``: the next request, or where a script sent it
        (Newman's rules: a name or id, the first match in run order; None or an unknown name ends
        the iteration, the latter with a warning)."""
        if it.next_request is None:
            return index + 1
        target = it.next_request[0]
        if target is None:
            return len(self.requests)
        for position, (_, request) in enumerate(self.requests):
            if request.name == target or request.id == target:
                return position
        it.emit(ev.RunWarning(self.redactor.redact(f"setNextRequest: no request named {target!r}; "
                                                   "the iteration ends here"), cursor))
        return len(self.requests)

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
            index += self.first
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

        def finish() -> ev.Execution:
            return record.finish(cursor, request.name, self.redactor)

        # 1. pre-request scripts, outermost first; the last one's request changes carry over.
        template = request
        for script in _scripts(chain, request, "pre_request"):
            template, failed = self.scripts.run(script, "prerequest", cursor, scopes, template, None, None, record, it)
            it.next_request = record.next_request
            if failed:
                return finish()
            if record.skip:
                record.warnings.append("request skipped by its pre-request script (skipRequest)")
                return finish()
        # 2. render and gate.
        try:
            prepared = self.pipeline.prepare(template, chain, scopes, record.warnings)
        except (VaultError, RequestSendError, InputError, InvalidRequest) as exc:
            record.error = _error_info(exc)
            return finish()
        record.request = sent_request(prepared.request, self.redactor)
        it.emit(ev.RequestSent(cursor, record.request))
        # 3. send.
        follow = template.settings.get("follow_redirects")
        timeout = template.settings.get("timeout_ms")
        try:
            response = self.pipeline.send(
                prepared,
                timeout_ms=timeout if isinstance(timeout, (int, float)) and timeout > 0 else None,
                follow_redirects=follow if isinstance(follow, bool) else None,
                on_attempt=record.count_attempt,
            )
        except (VaultError, RequestSendError) as exc:  # a refused redirect hop is a VaultError
            record.error = _error_info(exc)
            return finish()
        record.response = received_response(response, self.redactor, self.options.response_body_limit)
        if response.truncated:
            record.warnings.append(f"response body cut at {len(response.body)} of {response.size} bytes")
        it.emit(ev.ResponseReceived(cursor, record.response))
        # 4. post-response scripts.
        for script in _scripts(chain, request, "post_response"):
            _, failed = self.scripts.run(script, "postresponse", cursor, scopes, template, prepared, response, record, it)
            it.next_request = record.next_request
            if failed:
                break
        return finish()


def _error_info(exc: Exception) -> ev.ErrorInfo:
    """The report's error for a request that did not go out or failed on the way."""
    if isinstance(exc, VaultError):
        return ev.ErrorInfo("vault", "request", exc.one_line(), kind=exc.reference)
    if isinstance(exc, RequestSendError):
        return ev.ErrorInfo("request", "request", exc.one_line(), kind=exc.kind)
    if isinstance(exc, InputError):  # a file the collection may not or cannot read: nothing sent
        return ev.ErrorInfo("input", "request", exc.one_line(), kind=exc.reference)
    kind = getattr(exc, "kind", "unresolved-variable")
    return ev.ErrorInfo("validation", "request", str(exc), kind=kind)


_PHASES = ("pre_request", "post_response")


def _scripts(chain: Sequence[Folder], request: Request, phase: str) -> list[Script]:
    nodes: tuple[Folder | Request, ...] = (*chain, request)
    found = [getattr(node.scripts, phase) for node in nodes]
    return [s for s in found if s is not None]
