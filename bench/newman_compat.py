"""Wall time of Newman 6.2.2 and rqrun on the real-world Postman collections, same input, same server.

Each case is rewritten exactly as the compatibility suite does (``tests/compat/compat_kit.py``:
URLs to a local recording server, scripts stripped, dynamic values frozen), then each tool runs
it N times; the table shows the median wall time and the requests the server saw per run, so a
speed-up can never come from sending less.

Usage: python bench/newman_compat.py [N]   (needs node; installs newman into bench/.cache/newman)
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "compat"), str(ROOT / "tests")]

from compat_kit import CASES, REALWORLD, Case, prepare_server, rewrite  # noqa: E402
from generate_expectations import ensure_newman  # noqa: E402
from support.servers import RecordingServer  # noqa: E402


def _argv(tool: str, case: Case, collection: Path) -> list[str]:
    data = ["-d", str(REALWORLD / case.data)] if case.data else []
    if tool == "newman":
        return ["node", str(ensure_newman()), "run", str(collection), "--reporters", "cli", *data]
    return [sys.executable, "-m", "rqrun", "run", str(collection), *data]


def measure(case: Case, runs: int) -> dict[str, tuple[float, int]]:
    """Median milliseconds and requests per run, per tool."""
    result: dict[str, tuple[float, int]] = {}
    with tempfile.TemporaryDirectory(prefix="rqrun-bench-") as tmp, RecordingServer() as server:
        prepare_server(server, case)
        collection = Path(tmp) / case.collection
        collection.write_text(json.dumps(rewrite(case, server.url)), encoding="utf-8")
        env = {**os.environ, "NO_COLOR": "1", "RQRUN_HOME": str(Path(tmp) / "home")}
        for tool in ("newman", "rqrun"):
            times = []
            server.requests.clear()
            for _ in range(runs):
                started = time.perf_counter()
                subprocess.run(_argv(tool, case, collection), cwd=tmp, env=env, check=True, stdout=subprocess.DEVNULL)
                times.append((time.perf_counter() - started) * 1000)
            result[tool] = (statistics.median(times), len(server.requests) // runs)
    return result


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    if not REALWORLD.is_dir():
        raise SystemExit(f"{REALWORLD} is missing")
    print(f"{'case':38s} {'requests':>8s} {'newman ms':>10s} {'rqrun ms':>9s} {'speed-up':>8s}")
    for case in (c for c in CASES if c.is_postman):
        got = measure(case, runs)
        (newman_ms, newman_n), (rqrun_ms, rqrun_n) = got["newman"], got["rqrun"]
        count = str(newman_n) if newman_n == rqrun_n else f"{newman_n}/{rqrun_n}"
        print(f"{case.name:38s} {count:>8s} {newman_ms:10.0f} {rqrun_ms:9.0f} {newman_ms / rqrun_ms:7.1f}x")


if __name__ == "__main__":
    main()
