"""How soon the sandbox stops a runaway script: the "limit + 1 s" figure of spec/quality.md.

The attack suites assert *that* each runaway ends with its limit's failure kind; how long that
takes depends on the machine's load, so it is measured here instead of in a timed test.

Usage: ``python bench/bench_runaway.py [--runs N] [--limit-ms MS]``. For each runaway script it
prints the failure kind (scripts that hit a size limit stop before the time limit) and the wall
time from ``ScriptEngine.run`` to its result, median and worst of N runs; the target is the
limit + 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rqrun.sandbox import ScriptEngine

from bench_scripts import job

RUNAWAYS = {
    "infinite loop": "while True:\n    pass",
    "deep recursion": "def f(n):\n    return f(n + 1)\nf(0)",
    "'a' * 10**10": "x = 'a' * 10**10",
    "10**10**8": "x = 10**10**8",
    "printing gigabytes": "while True:\n    print('x' * 100000)",
    "catastrophic regex": "import re\nre.match('(a+)+$', 'a' * 64 + 'b')",
    "sleep": "import time\ntime.sleep(100)",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit-ms", type=int, default=1000)
    args = parser.parse_args()
    limit_s = args.limit_ms / 1000
    worst_all = 0.0
    with ScriptEngine(timeout_ms=args.limit_ms) as engine:
        engine.run(job("x = 1"))  # the worker is up before the clock starts
        for label, source in RUNAWAYS.items():
            took, kinds = [], set()
            for _ in range(args.runs):
                started = time.perf_counter()
                result = engine.run(job(source))
                took.append(time.perf_counter() - started)
                kinds.add(result.error.kind if result.error else "none")
                engine.run(job("x = 1"))  # a replaced worker starts outside the measurement
            worst_all = max(worst_all, max(took))
            print(f"{label:<20} {'/'.join(sorted(kinds)):<8} stopped after: median {statistics.median(took):6.3f} s"
                  f"   worst {max(took):6.3f} s   (n={args.runs})")
    verdict = "met" if worst_all < limit_s + 1 else "missed"
    print(f"worst: {worst_all:.3f} s with a {args.limit_ms} ms limit (target < limit + 1 s): {verdict}")


if __name__ == "__main__":
    main()
