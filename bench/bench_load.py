"""`rqrun load` distributed: does a second Locust worker add its share of throughput?

A loopback server answers every request after LATENCY seconds; the collection is
bench_parallel's (5 requests, each with a post-response test). Locust's master runs with one
worker and USERS users, then with two workers and twice the users (the same load per worker),
for DURATION seconds each; the master's CSV export gives requests/s. Two workers should reach
at least 1.8x one worker's throughput: the master adds the workers' statistics, and workers
(each its own process, gevent loop and script worker) do not get in each other's way.

The load per worker is latency-bound (USERS users waiting on LATENCY), not CPU-bound: on two
cores shared with the local server and the master, a CPU-bound worker would leave a second one
nothing to scale on. Locust's requests/s counts from the start of the test, so it includes the
users' first connections and each worker's script worker booting; longer runs amortise that.

Usage: python bench/bench_load.py [USERS_PER_WORKER] [LATENCY_MS] [DURATION_S]
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_parallel import SlowServer, collection


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(path: Path, workers: int, users: int, duration: int, tmp: Path) -> tuple[int, float]:
    """(requests, requests/s) of one master + ``workers`` workers run."""
    rqrun = [sys.executable, "-m", "rqrun", "load", str(path)]
    port = str(_free_port())
    prefix = tmp / f"w{workers}"
    master = subprocess.Popen(
        [*rqrun, "--master", "--master-bind-host", "127.0.0.1", "--master-port", port, "--expect-workers", str(workers),
         "-u", str(users), "-r", str(users * 10), "-t", f"{duration}s", "--csv", str(prefix)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    procs = [
        subprocess.Popen([*rqrun, "--worker", "--master-host", "127.0.0.1", "--master-port", port],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(workers)
    ]
    master.wait(timeout=duration + 120)
    for proc in procs:
        proc.wait(timeout=60)
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    if int(total["Failure Count"]):
        raise SystemExit(f"{total['Failure Count']} requests failed: see {prefix}_failures.csv")
    return int(total["Request Count"]), float(total["Requests/s"])


def main() -> None:
    users = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    latency_ms = float(sys.argv[2]) if len(sys.argv) > 2 else 100.0
    duration = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    with SlowServer(latency_ms / 1000) as server, tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "load.json"
        path.write_text(json.dumps(collection(server.url)))
        print(f"{users} users per worker, server latency {latency_ms:g} ms, {duration} s per run, "
              f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        baseline = None
        for workers in (1, 2):
            started = time.perf_counter()
            count, rate = run(path, workers, users * workers, duration, Path(tmp))
            baseline = baseline or rate
            print(f"{workers} worker(s), {users * workers:3d} users: {count:6d} requests  {rate:7.1f} requests/s  "
                  f"x{rate / baseline:4.2f}  ({time.perf_counter() - started:.1f} s with start-up)")


if __name__ == "__main__":
    main()
