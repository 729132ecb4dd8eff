"""Helpers for the sandbox's unit tests: a job factory and an in-process script runner.

``run_inline`` runs a script through the worker's own code path (compile, guards, rq) inside
the test process, without the OS limits: fast, and enough to test each layer's logic. The
process-level limits are tested through the engine in ``tests/sandbox``.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import pytest

from rqrun.sandbox.model import ScriptJob


def make_job_dict(source: str, phase: str = "postresponse", **overrides: Any) -> dict[str, Any]:
    job: dict[str, Any] = {
        "source": source,
        "location": "Tests/Example post-response",
        "phase": phase,
        "scopes": {
            "iterationData": {"row": "r1"},
            "variables": {},
            "environment": {"host": "example.test", "token": "env-token"},
            "collectionVariables": {"base": "/v1"},
            "globals": {"g": "global"},
            "folderVariables": [{"f": "near"}, {"f": "far", "far_only": 1}],
        },
        "request": {
            "id": "req-1", "name": "Get user", "url": "https://example.test/users/1", "method": "GET",
            "headers": [{"key": "Accept", "value": "application/json"}],
            "queryParams": [{"key": "page", "value": "1"}], "bodyMode": "none", "body": None,
        },
        "response": {
            "code": 200, "status": "OK",
            "headers": [{"key": "Content-Type", "value": "application/json"}],
            "body": '{"id": 7, "name": "Ada", "tags": ["a", "b"], "nested": {"ok": true}}',
            "responseTime": 12.5,
        } if phase == "postresponse" else None,
        "info": {"requestId": "req-1", "requestName": "Get user", "eventName": phase,
                 "iteration": 0, "iterationCount": 1},
        "timeout_ms": 2000,
    }
    job.update(overrides)
    return job


def make_job(source: str, phase: str = "postresponse", **overrides: Any) -> ScriptJob:
    data = make_job_dict(source, phase, **overrides)
    return ScriptJob(source=data["source"], location=data["location"], phase=data["phase"],
                     scopes=data["scopes"], request=data["request"], response=data["response"],
                     info=data["info"])


@pytest.fixture(scope="session")
def inline_worker() -> Any:
    from rqrun.sandbox.worker import Worker

    worker = Worker(-1, -1, {"memory_mb": 256, "recursion_limit": 300})
    # In a real worker each job moves RLIMIT_CPU ahead; here that would arm a CPU limit on the
    # pytest process itself and kill whatever test runs after the sandbox's (SIGXCPU).
    worker._arm_cpu_limit = lambda timeout_ms: None
    # As the real worker does after its warm-up: each job ends with a full collection, which
    # should look only at what scripts made, not at the whole test process.
    gc.collect()
    gc.freeze()
    return worker


@pytest.fixture
def run_inline(inline_worker: Any) -> Callable[..., dict[str, Any]]:
    """Run a script in-process; host calls go to ``host`` (a function) when given."""

    def run(source: str, phase: str = "postresponse", host: Callable[..., Any] | None = None,
            **overrides: Any) -> dict[str, Any]:
        from rqrun.sandbox import api

        api.set_host(host)
        try:
            return inline_worker.run(make_job_dict(source, phase, **overrides))
        finally:
            api.set_host(None)

    return run
