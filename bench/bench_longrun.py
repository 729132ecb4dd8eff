"""100,000 requests in one rqrun run: peak RSS, and whether memory stays flat after warm-up.

The scripted workload of ``bench/workload.py`` (10 requests, each with a pre-request and a
post-response script) runs 10,000 iterations against ``bench/server.js``, with the JSON reporter
streaming to a file (the report that would grow if anything kept results). While it runs, the
runner's RSS and that of its whole process tree (the script worker included) are sampled from
/proc twice a second. Flat means: the least-squares slope of the runner's RSS after the first
10% of the run is under 1 MB per 10,000 requests.

Usage: python bench/bench_longrun.py [--iterations N] [--reporter json|cli]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    RQRUN,
    NodeServer,
    load,
    proc_tree_rss_kb,
    read_gnu_time,
    rqrun_env,
    with_gnu_time,
)
from workload import REQUESTS, write  # noqa: E402

__all__ = ["long_run", "main"]

INTERVAL = 0.5


def _first_child(pid: int) -> int:
    """The first child of ``pid`` (0 while it has none yet)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0
    return int(children[0]) if children else 0


def _slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y over x (0 for fewer than two points)."""
    if len(points) < 2:
        return 0.0
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else 0.0


def long_run(iterations: int = 10_000, reporter: str = "json") -> dict[str, Any]:
    """Run once, sampling RSS; the figures and the sampled series (MB against requests done)."""
    total = REQUESTS * iterations
    with tempfile.TemporaryDirectory(prefix="rqrun-longrun-") as tmp, NodeServer() as server:
        work = Path(tmp)
        collection = write(work, server.url)["rqrun", True]
        report = work / "long.json"
        argv = [str(RQRUN), "run", str(collection), "-n", str(iterations)]
        argv += (["--reporters", "json", "--reporter-json-export", str(report)] if reporter == "json"
                 else ["--reporters", "cli", "--quiet"])
        load_before = load()
        started = time.perf_counter()
        rss_file = work / "peak-rss"
        proc = subprocess.Popen(with_gnu_time(argv, rss_file), env=rqrun_env(work / "home"), cwd=work,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        samples: list[tuple[float, float, float]] = []  # (seconds, runner MB, tree MB)
        runner = 0
        while proc.poll() is None:
            runner = runner or _first_child(proc.pid)  # GNU time's child is the runner
            own, tree = proc_tree_rss_kb(runner) if runner else (0, 0)
            if own:
                samples.append((time.perf_counter() - started, own / 1024, tree / 1024))
            time.sleep(INTERVAL)
        wall = time.perf_counter() - started
        stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        peak_mb = read_gnu_time(rss_file)
        if proc.returncode != 0:
            raise SystemExit(f"the long run exited {proc.returncode}: {stderr[-2000:]}")
        report_mb = report.stat().st_size / 1e6 if report.exists() else 0.0
        if reporter == "json":
            stats = json.loads(report.read_text(encoding="utf-8"))["run"]["stats"]
            if stats["requests"]["total"] != total or stats["tests"]["failed"]:
                raise SystemExit(f"the long run sent {stats['requests']['total']} of {total} requests")
    # Requests done at a sample, assuming an even pace (the workload is uniform).
    rate = total / wall
    after_warmup = [(t * rate, own) for t, own, _ in samples if t >= 0.1 * wall]
    slope_per_10k = _slope(after_warmup) * 10_000
    return {
        "requests": total,
        "reporter": reporter,
        "wall_s": wall,
        "requests_per_s": rate,
        "peak_rss_mb": peak_mb,
        "peak_tree_rss_mb": max((tree for _, _, tree in samples), default=0.0),
        "rss_at_10pct_mb": after_warmup[0][1] if after_warmup else 0.0,
        "rss_at_end_mb": samples[-1][1] if samples else 0.0,
        "slope_mb_per_10k": slope_per_10k,
        "report_mb": report_mb,
        "series": [(round(t * rate), round(own, 1), round(tree, 1)) for t, own, tree in samples],
        "load_before": load_before,
        "load_after": load(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=10_000)
    parser.add_argument("--reporter", choices=("json", "cli"), default="json")
    args = parser.parse_args()
    got = long_run(args.iterations, args.reporter)
    step = max(1, len(got["series"]) // 12)
    for done, own, tree in got["series"][::step]:
        print(f"  ~{done:>8,d} requests  runner {own:6.1f} MB  tree {tree:6.1f} MB")
    print(f"{got['requests']:,d} requests in {got['wall_s']:.1f} s ({got['requests_per_s']:.0f}/s), "
          f"{got['reporter']} reporter ({got['report_mb']:.1f} MB report)")
    print(f"peak RSS {got['peak_rss_mb']:.1f} MB (runner; whole tree {got['peak_tree_rss_mb']:.1f} MB); "
          f"RSS at 10% {got['rss_at_10pct_mb']:.1f} MB, at the end {got['rss_at_end_mb']:.1f} MB; "
          f"slope {got['slope_mb_per_10k']:+.2f} MB per 10,000 requests")
    print(f"load before {got['load_before']}, after {got['load_after']}")


if __name__ == "__main__":
    main()
