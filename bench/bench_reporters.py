"""The file reporters' cost per execution: JSON, JUnit and HTML together, no network.

Plays a run of N executions (a realistic one: headers, a 1 kB JSON body, two tests) through the
reporters' public API into files in a temporary folder, and reports microseconds per execution
(median of 5 runs). Used to check that streaming every execution to ``PATH.partial`` with a
flush (so a killed run keeps them) costs nothing a run would notice.

Usage: python bench/bench_reporters.py [--executions N]
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

from rqrun.events import (
    Cursor,
    EventBus,
    Execution,
    ItemFinished,
    IterationFinished,
    IterationStarted,
    ReceivedResponse,
    RunFinished,
    RunStarted,
    SentRequest,
    TestResult,
)
from rqrun.options import RunOptions
from rqrun.redact import Redactor
from rqrun.reporters import ReporterContext, create_reporters
from rqrun.summary import RunSummary

BODY = '{"items": [' + ", ".join(f'{{"id": {i}, "name": "item {i}"}}' for i in range(30)) + "]}"


def play(folder: Path, executions: int) -> float:
    """Seconds to stream ``executions`` through the three file reporters and close them."""
    bus = EventBus()
    summary = RunSummary()
    bus.subscribe(summary)
    options = RunOptions("bench.json")

    def context(name: str) -> ReporterContext:
        return ReporterContext(io.StringIO(), io.StringIO(), False, True, Redactor(),
                               {"export": str(folder / f"r.{name}")}, options)

    reporters = create_reporters(["json", "junit", "html"], bus, context)
    request = SentRequest("GET", "http://127.0.0.1:8000/items", (("Accept", "application/json"),))
    response = ReceivedResponse(200, "OK", (("Content-Type", "application/json"),), 1.5, len(BODY), BODY)
    tests = (TestResult("status is 200", "passed"), TestResult("has items", "passed"))
    per_iteration = 10
    started = time.perf_counter()
    bus.emit(RunStarted("bench", "bench.json", executions // per_iteration, per_iteration, "2026-01-01T00:00:00Z"))
    for n in range(executions):
        iteration, position = divmod(n, per_iteration)
        if position == 0:
            bus.emit(IterationStarted(iteration))
        cursor = Cursor(iteration, n, f"id-{position}", ("Folder", f"Request {position}"))
        bus.emit(ItemFinished(Execution(cursor, f"Request {position}", request, response, tests, scripts_run=1)))
        if position == per_iteration - 1:
            bus.emit(IterationFinished(iteration))
    bus.emit(RunFinished(summary, 0, "2026-01-01T00:01:00Z", 60000.0))
    for reporter in reporters:
        reporter.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--executions", type=int, default=20_000)
    args = parser.parse_args()
    times = []
    for _ in range(5):
        with tempfile.TemporaryDirectory(prefix="rqrun-bench-reporters-") as tmp:
            times.append(play(Path(tmp), args.executions))
    per = [t / args.executions * 1e6 for t in times]
    print(f"{args.executions:,d} executions through json+junit+html: "
          f"{statistics.median(per):.1f} us per execution (min {min(per):.1f}, max {max(per):.1f})")


if __name__ == "__main__":
    main()
