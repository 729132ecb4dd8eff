"""Start-up time of `rqrun --version` and `rqrun --help`: median, min and max over N runs.

Usage: python bench/bench_startup.py [N]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

RQRUN = Path(sys.executable).with_name("rqrun")


def measure(args: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(RQRUN), *args], check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    os.environ.setdefault("NO_COLOR", "1")
    measure(["--version"], 2)  # warm the page cache
    for args in (["--version"], ["--help"]):
        times = measure(args, runs)
        print(
            f"rqrun {' '.join(args):10s} median {statistics.median(times):6.1f} ms   "
            f"min {min(times):6.1f}   max {max(times):6.1f}   ({runs} runs)"
        )


if __name__ == "__main__":
    main()
