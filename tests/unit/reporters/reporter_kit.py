"""Builders for the reporters' real input: events, sent through a real EventBus.

A module with its own name (not ``conftest``) so that ``from reporter_kit import ...`` cannot
pick up another directory's conftest.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from rqrun.events import (
    Cursor,
    ErrorInfo,
    EventBus,
    Execution,
    ItemFinished,
    ItemStarted,
    IterationFinished,
    IterationStarted,
    ReceivedResponse,
    RequestSent,
    ResponseReceived,
    RunFinished,
    RunStarted,
    SentRequest,
    TestResult,
)
from rqrun.summary import RunSummary

__all__ = ["SECRET", "STARTED_AT", "FINISHED_AT", "execution", "Harness", "FakeTTY"]

SECRET = "s3cr3t-T0KEN-value"
STARTED_AT = "2024-05-01T10:00:00.000Z"
FINISHED_AT = "2024-05-01T10:00:01.500Z"


def execution(
    *,
    iteration: int = 0,
    position: int = 0,
    path: tuple[str, ...] = ("Users", "Get user"),
    method: str = "GET",
    url: str = "https://api.example.test/users/1",
    request_headers: tuple[tuple[str, str], ...] = (("Accept", "application/json"),),
    code: int | None = 200,
    status: str = "OK",
    response_headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),),
    time_ms: float = 42.0,
    size: int = 1234,
    body: str = '{"id": 1}',
    tests: tuple[TestResult, ...] = (TestResult("status is 200", "passed"),),
    console: tuple[str, ...] = (),
    error: ErrorInfo | None = None,
    warnings: tuple[str, ...] = (),
    sent: bool = True,
    scripts_run: int = 1,
    scripts_failed: int = 0,
) -> Execution:
    """An Execution with sensible defaults: one passing GET."""
    cursor = Cursor(iteration, position, f"id-{position}", path)
    request = SentRequest(method, url, request_headers) if sent else None
    response = (
        ReceivedResponse(code, status, response_headers, time_ms, size, body) if code is not None else None
    )
    return Execution(
        cursor=cursor,
        name=path[-1],
        request=request,
        response=response,
        tests=tests,
        console=console,
        error=error,
        warnings=warnings,
        scripts_run=scripts_run,
        scripts_failed=scripts_failed,
    )


@dataclass
class Harness:
    """A bus with a RunSummary (as the runner wires it) and helpers to play a run."""

    bus: EventBus = field(default_factory=EventBus)
    summary: RunSummary = field(default_factory=RunSummary)
    iterations: int = 1

    def __post_init__(self) -> None:
        self.bus.subscribe(self.summary)

    def start(self, iterations: int = 1, items: int = 1, name: str = "Demo API") -> None:
        self.iterations = iterations
        self.bus.emit(RunStarted(name, "collections/demo.json", iterations, items, STARTED_AT))

    def iteration(self, n: int) -> None:
        self.bus.emit(IterationStarted(n))

    def end_iteration(self, n: int) -> None:
        self.bus.emit(IterationFinished(n))

    def item(self, ex: Execution) -> None:
        """The per-request events, in the runner's order."""
        self.bus.emit(ItemStarted(ex.cursor, ex.name))
        if ex.request is not None:
            self.bus.emit(RequestSent(ex.cursor, ex.request))
        if ex.response is not None:
            self.bus.emit(ResponseReceived(ex.cursor, ex.response))
        self.bus.emit(ItemFinished(ex))

    def finish(self, aborted: str | None = None, duration_ms: float = 1500.0) -> None:
        self.bus.emit(RunFinished(self.summary, int(self.summary.exit_code), FINISHED_AT, duration_ms, aborted))

    def run(self, executions: list[Execution], iterations: int = 1) -> None:
        """A whole run: executions grouped by their iteration."""
        self.start(iterations, max(1, len(executions) // max(1, iterations)))
        for n in range(iterations):
            self.iteration(n)
            for ex in executions:
                if ex.cursor.iteration == n:
                    self.item(ex)
            self.end_iteration(n)
        self.finish()


class FakeTTY(io.StringIO):
    """A text stream with a chosen encoding, like a terminal."""

    def __init__(self, encoding: str = "utf-8") -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding
