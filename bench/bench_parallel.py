"""Throughput of `--parallel N` against a server with fixed latency.

A loopback server answers every request after LATENCY seconds (a stand-in for a real API's
round trip); rqrun runs ITERATIONS x 5 requests, each with a post-response test, for
N = 1, 2, 4, 8 and prints requests per second. Throughput should grow with N until the
server or the two cores saturate.

Two rates per N: over the run itself (the JSON report's run duration: requests are sent, scripts
run, reports written) and over the process's wall time, which adds a fixed ~0.3-0.5 s of
start-up (imports, the first sandbox worker) that no N can shorten.

Usage: python bench/bench_parallel.py [ITERATIONS] [LATENCY_MS]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from rqrun.demo.server import LoopbackServer


class _Slow(BaseHTTPRequestHandler):
    latency = 0.02
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        time.sleep(self.latency)
        body = b'{"ok": true}'
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        # One write: headers and body in separate segments would wait on delayed ACKs.
        self.wfile.write(head.encode() + body)

    def log_message(self, *args: object) -> None:
        pass


class SlowServer(LoopbackServer):
    thread_name = "bench-slow"

    def __init__(self, latency: float) -> None:
        super().__init__()
        self.latency = latency

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return type("SlowHandler", (_Slow,), {"latency": self.latency})


def collection(url: str) -> dict[str, object]:
    records: list[dict[str, object]] = [
        {"id": "c", "name": "Parallel bench", "type": "collection", "collectionId": "", "data": {}}
    ]
    for i in range(5):
        records.append({
            "id": f"r{i}", "name": f"Request {i}", "type": "api", "collectionId": "c",
            "data": {
                "request": {"url": f"{url}/item/{i}", "method": "GET"},
                "scripts": {"postResponse": 'rq.test("ok", lambda: rq.response.to.have.status(200))'},
            },
        })
    return {"schema_version": "1.0.0", "records": records}


def main() -> None:
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    latency_ms = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
    rqrun = Path(sys.executable).with_name("rqrun")
    with SlowServer(latency_ms / 1000) as server, tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "parallel.json"
        path.write_text(json.dumps(collection(server.url)))
        total = iterations * 5
        print(f"{iterations} iterations x 5 requests, server latency {latency_ms:g} ms")
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        baseline = wall_baseline = None
        report = Path(tmp) / "report.json"
        for n in (1, 2, 4, 8):
            started = time.perf_counter()
            subprocess.run(
                [str(rqrun), "run", str(path), "-n", str(iterations), "--parallel", str(n), "--reporters", "json",
                 "--reporter-json-export", str(report)],
                check=True, stdout=subprocess.DEVNULL,
            )
            elapsed = time.perf_counter() - started
            run = json.loads(report.read_text())["run"]
            assert run["stats"]["requests"]["total"] == total and run["stats"]["tests"]["failed"] == 0, run["stats"]
            rate, wall_rate = total / (run["duration_ms"] / 1000), total / elapsed
            baseline, wall_baseline = baseline or rate, wall_baseline or wall_rate
            print(f"--parallel {n}: run {run['duration_ms'] / 1000:6.2f} s {rate:7.1f} requests/s x{rate / baseline:4.1f}   "
                  f"wall {elapsed:6.2f} s {wall_rate:7.1f} requests/s x{wall_rate / wall_baseline:4.1f}")


if __name__ == "__main__":
    main()
