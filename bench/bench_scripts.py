"""Micro-benchmark of the script sandbox: round trip of a trivial cached script, and compile cost.

Usage: ``python bench/bench_scripts.py [--runs N]``. Prints the median and p95 of a full
``ScriptEngine.run`` round trip (parent -> worker -> parent) for a trivial script after warm-up,
the same for a typical script (two tests and a variable), the cold compile cost of a typical
script under the RestrictedPython policy, and the worker's start-up time.
The target (spec/quality.md) is a median well under 200 microseconds for the trivial script.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rqrun.sandbox import ScriptEngine, ScriptJob  # noqa: E402

TYPICAL = """\
rq.environment.set("token", rq.response.json()["token"])
rq.test("status is 200", lambda: rq.response.to.have.status(200))

@rq.test("body has a token")
def body_has_token():
    rq.expect(rq.response.json()).to.have.property("token").that.is_.a("str")
"""


def job(source: str) -> ScriptJob:
    return ScriptJob(
        source=source, location="bench", phase="postresponse",
        scopes={"iterationData": {}, "variables": {}, "environment": {}, "collectionVariables": {},
                "globals": {}, "folderVariables": []},
        request={"id": "1", "name": "bench", "url": "http://127.0.0.1/", "method": "GET", "headers": [],
                 "queryParams": [], "bodyMode": "none", "body": None},
        response={"code": 200, "status": "OK", "headers": [], "body": '{"token": "abc"}', "responseTime": 1.0},
        info={"requestId": "1", "requestName": "bench", "eventName": "postresponse", "iteration": 0,
              "iterationCount": 1},
    )


def measure(engine: ScriptEngine, source: str, runs: int) -> list[float]:
    the_job = job(source)
    for _ in range(50):
        engine.run(the_job)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = engine.run(the_job)
        samples.append(time.perf_counter() - started)
        assert result.error is None, result.error
    return samples


def report(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"{label:<34} median {statistics.median(ordered) * 1e6:8.1f} us   p95 {p95 * 1e6:8.1f} us   (n={len(ordered)})")


def compile_cost(runs: int) -> list[float]:
    from rqrun.sandbox.compile import compile_script

    samples = []
    for i in range(runs):
        source = TYPICAL + f"\nx_{i} = {i}\n"  # a new text each time: nothing cached
        started = time.perf_counter()
        compile_script(source)
        samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    with ScriptEngine() as engine:
        started = time.perf_counter()
        engine.run(job("x = 1"))
        print(f"{'worker start + first job':<34} {(time.perf_counter() - started) * 1e3:8.1f} ms")
        report("round trip, trivial script", measure(engine, "x = 1", args.runs))
        report("round trip, typical script", measure(engine, TYPICAL, args.runs))
    report("cold compile, typical script", compile_cost(200))


if __name__ == "__main__":
    main()
