"""Micro-benchmark of JavaScript scripts in the sandbox worker (QuickJS), beside Python.

Usage: ``python bench/bench_js_scripts.py [--runs N] [--gap-ms MS]``. Prints the median and p95
of a full ``ScriptEngine.run`` round trip (parent -> worker -> parent) for a trivial JavaScript
script, a typical one (two tests and a variable), and the same trivial script in Python. A fresh
QuickJS context serves each job; the worker prepares the next one right after answering, while
the parent is busy with the request, so the measurement leaves a gap between jobs
(``--gap-ms``, default 2 ms, about one local HTTP exchange) as a run does. Target (issue 13):
median under 300 microseconds for the trivial JavaScript script.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rqrun.sandbox import ScriptEngine  # noqa: E402

from bench_scripts import job  # noqa: E402

TRIVIAL_JS = "rq.environment.set('x', 1);"
TRIVIAL_PY = "rq.environment.set('x', 1)"
TYPICAL_JS = """\
rq.environment.set('token', rq.response.json().token);
rq.test('status is 200', () => rq.response.to.have.status(200));
rq.test('body has a token', function () {
  rq.expect(rq.response.json()).to.have.property('token');
});
"""


def measure(engine: ScriptEngine, source: str, language: str, runs: int, gap_s: float) -> list[float]:
    the_job = dataclasses.replace(job(source), language=language)
    for _ in range(50):
        engine.run(the_job)
        time.sleep(gap_s)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = engine.run(the_job)
        samples.append(time.perf_counter() - started)
        assert result.error is None, result.error
        time.sleep(gap_s)
    return samples


def report(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"{label:<36} median {statistics.median(ordered) * 1e6:8.1f} us   p95 {p95 * 1e6:8.1f} us   (n={len(ordered)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--gap-ms", type=float, default=2.0)
    args = parser.parse_args()
    gap = args.gap_ms / 1000.0
    with ScriptEngine() as engine:
        report("js round trip, trivial script", measure(engine, TRIVIAL_JS, "javascript", args.runs, gap))
        report("js round trip, typical script", measure(engine, TYPICAL_JS, "javascript", args.runs // 2, gap))
        report("python round trip, trivial script", measure(engine, TRIVIAL_PY, "python", args.runs, gap))


if __name__ == "__main__":
    main()
