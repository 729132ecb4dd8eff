"""The pytest nodes of a collection file: one item per request and iteration.

The file's run happens once, when its first item runs, and every item reads its own
execution from it: requests chain (a login sets a token the next request sends) exactly as in
``rqrun run``. An item fails when rqrun's tests for that request failed or the request could not
be sent; the failure lists every failed test, the error and the script console.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from rqrun.events import Execution, ItemFinished, RunFinished, RunWarning

__all__ = ["CollectionFile", "RequestItem", "RequestFailed"]


class RequestFailed(Exception):
    """An item's request failed rqrun's tests or was not sent; carries the execution."""

    def __init__(self, execution: Execution) -> None:
        super().__init__(execution.name)
        self.execution = execution


class CollectionFile(pytest.File):
    """A collection file; its items are its requests, per iteration."""

    _events: dict[int, Execution] | None = None
    _stopped: str | None = None
    _warnings: list[str]

    def collect(self) -> Iterator[RequestItem]:
        from rqrun.inputs import load_inputs, select_requests
        from rqrun.pytest_plugin import run_options
        from rqrun.shard import shard_range

        self.options = run_options(self.config, str(self.path))
        inputs = load_inputs(self.options)  # an InputError is this file's collection error
        requests = select_requests(inputs.collection, self.options.folders)
        iterations = self.options.iteration_count or len(inputs.data) or 1
        share = shard_range(iterations, *self.options.shard) if self.options.shard else range(iterations)
        names: dict[str, int] = {}
        for iteration in share:
            for index, (chain, request) in enumerate(requests):
                path = "/".join([f.name for f in chain[1:]] + [request.name])
                seen = names[f"{iteration}:{path}"] = names.get(f"{iteration}:{path}", 0) + 1
                name = path if seen == 1 else f"{path} #{seen}"  # two requests with one path
                if iterations > 1:
                    name += f" [iteration {iteration + 1}]"
                yield RequestItem.from_parent(self, file=self, name=name, position=iteration * len(requests) + index,
                                              iteration=iteration, request_path=path)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        from rqrun.errors import RqrunError

        if isinstance(excinfo.value, RqrunError):
            return excinfo.value.one_line()
        return str(super().repr_failure(excinfo))

    def execution(self, position: int) -> Execution | None:
        """The execution at ``position``, running the collection first if it has not run yet."""
        if self._events is None:
            self._events = self._run()
        return self._events.get(position)

    def _run(self) -> dict[int, Execution]:
        import rqrun

        found: dict[int, Execution] = {}
        self._warnings = []

        def listen(event: object) -> None:
            if isinstance(event, ItemFinished):
                found[event.execution.cursor.position] = event.execution
            elif isinstance(event, RunWarning):
                self._warnings.append(event.message)
            elif isinstance(event, RunFinished) and event.aborted:
                self._stopped = event.aborted

        self._events = found  # set first: a run that raises is not started again by every item
        try:
            self.run_result = rqrun.run(self.options, listeners=[listen])
        except rqrun.RqrunError as exc:
            self._stopped = exc.one_line()
            raise
        return found


class RequestItem(pytest.Item):
    """One request in one iteration; its outcome is rqrun's tests for it."""

    def __init__(self, *, file: CollectionFile, position: int, iteration: int, request_path: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.collection_file = file
        self.position = position
        self.iteration = iteration
        self.request_path = request_path

    def runtest(self) -> None:
        execution = self.collection_file.execution(self.position)
        if execution is None:
            stopped = self.collection_file._stopped
            pytest.skip(f"not run: the run stopped ({stopped})" if stopped else "not run")
        for test in execution.tests:
            self.user_properties.append((f"rqrun test: {test.name}", test.status))
        if execution.failed:
            raise RequestFailed(execution)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, RequestFailed):
            return describe_failure(excinfo.value.execution)
        from rqrun.errors import RqrunError

        if isinstance(excinfo.value, RqrunError):
            return excinfo.value.one_line()
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"{self.request_path} (iteration {self.iteration + 1})"


def describe_failure(ex: Execution) -> str:
    """Every failed test, the error, the exchange and the console, as pytest shows a failure."""
    lines: list[str] = []
    failed = [t for t in ex.tests if t.status == "failed"]
    for test in failed:
        lines.append(f"FAILED test {test.name!r}" + (f": {test.error}" if test.error else ""))
    if ex.error is not None:
        err = ex.error
        where = err.source + (f" line {err.line}" if err.line is not None else "")
        lines.append(f"ERROR ({err.type}, {where}): {err.message}")
    passed = sum(1 for t in ex.tests if t.status == "passed")
    lines.append(f"{len(failed)} of {len(ex.tests)} test(s) failed, {passed} passed")
    if ex.request is not None:
        sent = f"{ex.request.method} {ex.request.url}"
        if ex.response is not None:
            sent += f" -> {ex.response.code} {ex.response.status} ({ex.response.time_ms:.0f} ms)"
        lines.append(sent)
    for warning in ex.warnings:
        lines.append(f"warning: {warning}")
    if ex.console:
        lines.append("--- script console ---")
        lines.extend(ex.console)
    return "\n".join(lines)
