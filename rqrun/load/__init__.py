"""Load tests on Locust: each Locust user runs the collection's iterations, in order, as rqrun would.

A user is one :class:`~rqrun.runner.Runner` (its own variables, cookies and connection pool),
so scripts, the vault, retries and every request rule are rqrun's own: nothing here sends a
request. Each request becomes one Locust request event, named by its path in the collection
(``Folder/Request``, stable across ids in URLs); it fails when rqrun's tests fail, a script
fails or the request cannot be sent. The sandbox workers that run scripts are shared by the
users of one process (:class:`~rqrun.engine_pool.EnginePool`).

Importing this module imports Locust, which monkey-patches the standard library for gevent:
import it first, before httpx or ssl. In a locustfile::

    from rqrun.load import RqrunUser

    class ApiUser(RqrunUser):
        collection = "api.json"
        environment_file = "staging.json"   # optional
        data = "users.csv"                  # optional: rows taken in turn, one per iteration
        run_options = {"env_vars": {"baseUrl": "http://127.0.0.1:8000"}}  # any RunOptions field
"""

from __future__ import annotations

import logging
import time
from typing import Any, ClassVar

from locust import User, constant, task
from locust import events as locust_events
from locust.exception import StopUser

from rqrun import events as ev
from rqrun.engine_pool import EnginePool
from rqrun.errors import RqrunError
from rqrun.inputs import RunInputs, load_inputs
from rqrun.options import RunOptions
from rqrun.redact import Redactor
from rqrun.runner import Runner

__all__ = ["RqrunUser", "RequestFailed"]

logging.getLogger("httpx").setLevel(logging.WARNING)  # Locust logs at INFO: not a line per request

_INPUTS: dict[str, RunInputs] = {}
_POOLS: dict[tuple[int, int], EnginePool[Any]] = {}
#: Script workers one load process may grow to (scripts are short; most runs use one per core).
POOL_LIMIT = 16


class RequestFailed(Exception):
    """What Locust shows as a request's failure: rqrun's failed tests or its error, in one line."""


def _failure(execution: ev.Execution) -> RequestFailed | None:
    if not execution.failed:
        return None
    if execution.error is not None:
        return RequestFailed(f"{execution.error.type} error: {execution.error.message}")
    failed = [t for t in execution.tests if t.status == "failed"]
    return RequestFailed("; ".join(f"test {t.name!r} failed: {t.error or ''}".rstrip(": ") for t in failed))


def _shared_pool(options: RunOptions) -> EnginePool[Any]:
    key = (options.timeout_script_ms, options.script_memory_mb)
    pool = _POOLS.get(key)
    if pool is None:
        from rqrun.sandbox import ScriptEngine

        pool = _POOLS[key] = EnginePool(
            lambda: ScriptEngine(timeout_ms=key[0], memory_mb=key[1]), POOL_LIMIT
        )
    return pool


class RqrunUser(User):
    """A Locust user that runs ``collection`` one iteration per task, in order."""

    abstract = True
    wait_time = constant(0)
    collection: ClassVar[str | None] = None
    environment_file: ClassVar[str | None] = None
    data: ClassVar[str | None] = None
    run_options: ClassVar[dict[str, Any]] = {}
    #: Stop the user after this many iterations (None: until the run time is up).
    iterations: ClassVar[int | None] = None

    def options(self) -> RunOptions:
        """The :class:`RunOptions` each of this class's users runs with."""
        if not self.collection:
            raise RqrunError(f"{type(self).__name__}.collection is not set: name a collection file")
        fields = {"reporters": (), "quiet": True, **self.run_options}
        fields.setdefault("environment", self.environment_file)
        fields.setdefault("iteration_data", self.data)
        return RunOptions(collection=self.collection, **fields)

    def on_start(self) -> None:
        options = self.options()
        key = repr(options)
        inputs = _INPUTS.get(key)
        if inputs is None:
            inputs = _INPUTS[key] = load_inputs(options)  # once per process and user class
        self._runner = Runner(inputs, options, ev.EventBus(), Redactor())
        self._runner.scripts.share_pool(_shared_pool(options))
        self._index = 0
        self._started = time.perf_counter()

    def on_stop(self) -> None:
        runner = getattr(self, "_runner", None)
        if runner is not None:
            runner.close()  # its connection pool; the shared script workers stay for the others

    def _event(self, event: object) -> None:
        if isinstance(event, ev.ItemStarted):
            self._started = time.perf_counter()
        elif isinstance(event, ev.ItemFinished):
            execution = event.execution
            response = execution.response
            elapsed_ms = response.time_ms if response is not None else (time.perf_counter() - self._started) * 1000
            self.environment.events.request.fire(
                request_type=execution.request.method if execution.request is not None else "-",
                name="/".join(execution.cursor.path),
                response_time=elapsed_ms,
                response_length=response.size if response is not None else 0,
                response=None,
                context={"iteration": execution.cursor.iteration},
                exception=_failure(execution),
            )

    @task
    def iteration(self) -> None:
        if self.iterations is not None and self._index >= self.iterations:
            _user_done(self.environment)
            raise StopUser()
        index, self._index = self._index, self._index + 1
        self._runner.run_iteration(index, self._event)


_DONE_MESSAGE = "rqrun_users_done"
_done = {"users": 0}


def _user_done(environment: Any) -> None:
    """A user ran its ``--iterations``: when every user has, the run ends (not at ``-t``)."""
    from locust.runners import LocalRunner, WorkerRunner

    runner = environment.runner
    if isinstance(runner, WorkerRunner):
        runner.send_message(_DONE_MESSAGE, {"users": 1})  # the master counts users across its workers
    elif isinstance(runner, LocalRunner):
        _count_done(runner, 1)


def _count_done(runner: Any, users: int) -> None:
    import gevent

    _done["users"] += users
    if _done["users"] >= runner.target_user_count:
        gevent.spawn(runner.quit)  # not from this greenlet: quitting stops the users, this one too


def _on_init(environment: Any, **_: Any) -> None:
    from locust.runners import MasterRunner

    if isinstance(environment.runner, MasterRunner):
        runner = environment.runner
        runner.register_message(_DONE_MESSAGE, lambda msg, **_: _count_done(runner, int(msg.data["users"])))


def _on_quitting(environment: Any, **_: Any) -> None:
    """Close the script workers; first let Locust's CSV writer see the final numbers.

    Locust writes ``--csv`` files once a second and not again at exit, so a run that ends
    between two writes would lose its last requests from the files (not from the summary).
    """
    from locust.runners import WorkerRunner
    from locust.stats import CSV_STATS_INTERVAL_SEC

    options = getattr(environment, "parsed_options", None)
    if getattr(options, "csv_prefix", None) and not isinstance(environment.runner, WorkerRunner):
        import gevent

        gevent.sleep(CSV_STATS_INTERVAL_SEC + 0.2)
    for pool in _POOLS.values():
        for engine in pool.engines:
            try:
                engine.close()
            except Exception:  # noqa: S110 - quitting must not fail on a worker that is already gone
                pass


locust_events.quitting.add_listener(_on_quitting)  # type: ignore[no-untyped-call]  # locust's EventHook is untyped
locust_events.init.add_listener(_on_init)  # type: ignore[no-untyped-call]  # locust's EventHook is untyped
