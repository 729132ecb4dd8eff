"""The run's counters and its exit code, kept by a listener like any reporter.

There is one per run: the runner keeps it, ``RunStarted`` and ``RunFinished`` carry it, and
every reporter reads its totals from it. Memory stays flat however long the run: counters, at
most ``MAX_FAILURES`` failure records, and at most ``MAX_FAILURES`` groups of identical
failures (same request, kind, name and message in any iteration) for the terminal summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rqrun.errors import ExitCode
from rqrun.events import Execution, ItemFinished, IterationStarted, RunStarted, RunWarning

__all__ = ["Failure", "FailureGroup", "RunSummary"]

MAX_FAILURES = 200

#: Exit code of an execution error by its type; anything else is a run error (4).
_ERROR_EXIT = {"vault": ExitCode.VAULT, "input": ExitCode.INPUT}


@dataclass(frozen=True)
class Failure:
    """One line of the final failure list: where, what, and why."""

    iteration: int
    path: tuple[str, ...]
    kind: str  # test | script | request | vault | validation | input
    name: str  # the test name, or the error's source
    message: str


@dataclass
class FailureGroup:
    """Identical failures: the first one, how many there were, and the iterations they span."""

    first: Failure
    count: int = 1
    last_iteration: int = 0


@dataclass
class RunSummary:
    collection_name: str = ""
    source: str = ""
    started_at: str = ""
    iterations: int = 0
    iterations_started: int = 0
    requests_total: int = 0
    requests_failed: int = 0  # executions with an error (not sent, script error, vault): not test failures
    tests_total: int = 0
    tests_passed: int = 0
    tests_failed: int = 0
    tests_skipped: int = 0
    scripts_total: int = 0
    scripts_failed: int = 0
    errors: int = 0
    warnings: int = 0
    response_time_total_ms: float = 0.0
    response_time_max_ms: float = 0.0
    responses: int = 0
    failures: list[Failure] = field(default_factory=list)
    failures_dropped: int = 0
    failure_groups: dict[tuple[object, ...], FailureGroup] = field(default_factory=dict)
    failure_groups_dropped: int = 0  # failures that fitted no kept group
    listener_failures: list[str] = field(default_factory=list)
    exit_code: ExitCode = ExitCode.OK

    def __call__(self, event: object) -> None:
        if isinstance(event, ItemFinished):
            self._record(event.execution)
        elif isinstance(event, IterationStarted):
            self.iterations_started += 1
        elif isinstance(event, RunStarted):
            self.collection_name = event.collection_name
            self.source = event.source
            self.started_at = event.started_at
            self.iterations = event.iterations
        elif isinstance(event, RunWarning):
            self.warnings += 1
            if event.kind == "listener" and len(self.listener_failures) < MAX_FAILURES:
                self.listener_failures.append(event.message)

    def raise_exit(self, code: ExitCode) -> None:
        """Record a code; the highest one wins (5 > 4 > 1)."""
        if code > self.exit_code:
            self.exit_code = code

    def _add_failure(self, failure: Failure) -> None:
        if len(self.failures) < MAX_FAILURES:
            self.failures.append(failure)
        else:
            self.failures_dropped += 1
        key = (failure.path, failure.kind, failure.name, failure.message)
        group = self.failure_groups.get(key)
        if group is not None:
            group.count += 1
            group.last_iteration = max(group.last_iteration, failure.iteration)
        elif len(self.failure_groups) < MAX_FAILURES:
            self.failure_groups[key] = FailureGroup(failure, 1, failure.iteration)
        else:
            self.failure_groups_dropped += 1

    def _record(self, ex: Execution) -> None:
        self.requests_total += 1
        self.scripts_total += ex.scripts_run
        self.scripts_failed += ex.scripts_failed
        self.warnings += len(ex.warnings)
        if ex.response is not None:
            self.responses += 1
            self.response_time_total_ms += ex.response.time_ms
            self.response_time_max_ms = max(self.response_time_max_ms, ex.response.time_ms)
        for test in ex.tests:
            self.tests_total += 1
            if test.status == "passed":
                self.tests_passed += 1
            elif test.status == "skipped":
                self.tests_skipped += 1
            else:
                self.tests_failed += 1
                self.raise_exit(ExitCode.TESTS_FAILED)
                self._add_failure(Failure(ex.cursor.iteration, ex.cursor.path, "test", test.name, test.error or ""))
        if ex.error is not None:
            self.errors += 1
            self.requests_failed += 1
            self.raise_exit(_ERROR_EXIT.get(ex.error.type, ExitCode.RUN))
            self._add_failure(
                Failure(ex.cursor.iteration, ex.cursor.path, ex.error.type, ex.error.source, ex.error.message)
            )

    @property
    def response_time_avg_ms(self) -> float:
        return self.response_time_total_ms / self.responses if self.responses else 0.0
