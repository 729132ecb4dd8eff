"""Fixtures for the sandbox suites that go through a real worker process.

- ``engine``: one :class:`ScriptEngine` per module with a short 500 ms limit, so runaway
  scripts stay cheap; its parent process carries a planted secret in its environment.
- ``script_job(source, phase=...)``: a :class:`ScriptJob` with small, known scopes.
- ``recording_host(answers)``: a host that records calls and answers from a dict.
- ``planted_secret``: the value planted in the parent's environment.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from rqrun.sandbox import ScriptEngine, ScriptJob

PLANTED_ENV = "RQRUN_SANDBOX_PLANTED_SECRET"
PLANTED_VALUE = "planted-7f3a9c-do-not-leak"
TEST_TIMEOUT_MS = 500


def build_job(source: str, phase: str = "postresponse") -> ScriptJob:
    return ScriptJob(
        source=source,
        location="Attacks/Probe " + ("pre-request" if phase == "prerequest" else "post-response"),
        phase=phase,  # type: ignore[arg-type]
        scopes={"iterationData": {}, "variables": {}, "environment": {"host": "example.test"},
                "collectionVariables": {}, "globals": {}, "folderVariables": []},
        request={"id": "r1", "name": "Probe", "url": "https://example.test/", "method": "GET",
                 "headers": [], "queryParams": [], "bodyMode": "none", "body": None},
        response={"code": 200, "status": "OK", "headers": [], "body": "{}", "responseTime": 1.0}
        if phase == "postresponse" else None,
        info={"requestId": "r1", "requestName": "Probe", "eventName": phase, "iteration": 0, "iterationCount": 1},
    )


@pytest.fixture
def script_job() -> Callable[..., ScriptJob]:
    return build_job


@pytest.fixture
def recording_host() -> Callable[..., RecordingHost]:
    return RecordingHost


@pytest.fixture
def planted_secret() -> str:
    """The value planted in the parent's environment; no script may ever see it."""
    return PLANTED_VALUE


class RecordingHost:
    """Answers host calls from ``answers`` (a value, or an exception to raise); records each call
    and the deadline it was given (``deadlines``)."""

    def __init__(self, answers: dict[str, Any] | None = None) -> None:
        self.answers = answers or {}
        self.calls: list[tuple[str, list[Any]]] = []
        self.deadlines: list[float] = []

    def call(self, name: str, args: list[Any], deadline: float) -> Any:
        self.calls.append((name, args))
        self.deadlines.append(deadline)
        answer = self.answers.get(name)
        if isinstance(answer, BaseException):
            raise answer
        if callable(answer):
            return answer(*args)
        return answer


@pytest.fixture(scope="module")
def engine() -> Iterator[ScriptEngine]:
    os.environ[PLANTED_ENV] = PLANTED_VALUE
    with ScriptEngine(timeout_ms=TEST_TIMEOUT_MS, memory_mb=256) as eng:
        yield eng
    os.environ.pop(PLANTED_ENV, None)

