"""rqrun against Newman 6.2.2 on the same workload, same server, same run, alternated.

The workload (``bench/workload.py``): 10 requests x 100 iterations, with scripts (a pre-request
script that sets a variable used in the URL, a post-response script with two tests) and without.
Both tools write a JSON report to a file (the usual CI setting; their terminal output differs too
much to compare) and their stdout goes to /dev/null. Runs alternate Newman, rqrun, Newman, rqrun
... so that a change in machine load hits both alike; each pair gives a ratio rqrun/Newman. Every
report is read back: each run must have sent all 1,000 requests and passed every test, so a
speed-up can never come from doing less.

Usage: python bench/bench_newman.py [--pairs N] [--iterations N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import RQRUN, NodeServer, Sample, load, newman_js, rqrun_env, summary, timed  # noqa: E402
from workload import REQUESTS, write  # noqa: E402

__all__ = ["head_to_head", "startup", "main"]


def _argv(tool: str, collection: Path, iterations: int, report: Path) -> list[str]:
    if tool == "newman":
        return ["node", str(newman_js()), "run", str(collection), "-n", str(iterations),
                "--reporters", "json", "--reporter-json-export", str(report)]
    return [str(RQRUN), "run", str(collection), "-n", str(iterations),
            "--reporters", "json", "--reporter-json-export", str(report)]


def _check(tool: str, report: Path, sample: Sample, iterations: int, scripted: bool) -> None:
    """The run did all the work: every request sent, every test passed, exit 0."""
    doc: Any = json.loads(report.read_text(encoding="utf-8"))
    expected = REQUESTS * iterations
    if tool == "newman":
        stats = doc["run"]["stats"]
        sent, failed_tests, tests = stats["requests"]["total"], stats["assertions"]["failed"], stats["assertions"]["total"]
    else:
        stats = doc["run"]["stats"]
        sent, failed_tests, tests = stats["requests"]["total"], stats["tests"]["failed"], stats["tests"]["total"]
    want_tests = 2 * expected if scripted else 0
    if sample.code != 0 or sent != expected or failed_tests or tests != want_tests:
        raise SystemExit(f"{tool}: exit {sample.code}, {sent}/{expected} requests, {tests} tests ({failed_tests} failed)")
    report.unlink()


def head_to_head(pairs: int = 5, iterations: int = 100) -> dict[str, Any]:
    """Alternated runs of both tools on both variants; figures per (variant, tool) and ratios per pair."""
    out: dict[str, Any] = {"pairs": pairs, "iterations": iterations, "requests": REQUESTS * iterations,
                           "load_before": load()}
    newman_js()  # install before any timing
    with tempfile.TemporaryDirectory(prefix="rqrun-bench-") as tmp, NodeServer() as server:
        work = Path(tmp)
        files = write(work, server.url)
        env = rqrun_env(work / "home")
        for scripted in (True, False):
            variant = "scripted" if scripted else "no scripts"
            samples: dict[str, list[Sample]] = {"newman": [], "rqrun": []}
            # One untimed run each: page cache, npm's lazy requires, Python's bytecode cache.
            for tool in ("newman", "rqrun"):
                report = work / f"{tool}-warm.json"
                _check(tool, report, timed(_argv(tool, files[tool, scripted], iterations, report), env=env, cwd=work),
                       iterations, scripted)
            for pair in range(pairs):
                for tool in ("newman", "rqrun"):
                    report = work / f"{tool}-{pair}.json"
                    sample = timed(_argv(tool, files[tool, scripted], iterations, report), env=env, cwd=work)
                    _check(tool, report, sample, iterations, scripted)
                    samples[tool].append(sample)
                print(f"  {variant:10s} pair {pair + 1}: newman {samples['newman'][-1].wall:6.2f} s   "
                      f"rqrun {samples['rqrun'][-1].wall:6.2f} s", flush=True)
            ratios = [r.wall / n.wall for n, r in zip(samples["newman"], samples["rqrun"], strict=True)]
            out[variant] = {
                tool: {"wall": summary([s.wall for s in got]), "rss_mb": summary([s.rss_mb for s in got])}
                for tool, got in samples.items()
            }
            out[variant]["ratios"] = ratios
            out[variant]["ratio"] = summary(ratios)
    out["load_after"] = load()
    return out


def startup(runs: int = 10) -> dict[str, Any]:
    """``--version`` of both tools, alternated, in milliseconds."""
    argv = {"newman": ["node", str(newman_js()), "--version"], "rqrun": [str(RQRUN), "--version"]}
    got: dict[str, list[float]] = {"newman": [], "rqrun": []}
    for tool in got:  # warm the page cache
        timed(argv[tool])
    for _ in range(runs):
        for tool in got:
            sample = timed(argv[tool])
            if sample.code != 0:
                raise SystemExit(f"{tool} --version exited {sample.code}")
            got[tool].append(sample.wall * 1000)
    return {tool: summary(values) for tool, values in got.items()} | {"runs": runs, "load": load()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=100)
    args = parser.parse_args()
    start = startup()
    for tool in ("rqrun", "newman"):
        med, lo, hi = start[tool]
        print(f"{tool} --version: median {med:7.1f} ms  min {lo:7.1f}  max {hi:7.1f}")
    result = head_to_head(args.pairs, args.iterations)
    for variant in ("scripted", "no scripts"):
        fig = result[variant]
        for tool in ("newman", "rqrun"):
            (med, lo, hi), (rss, rlo, rhi) = fig[tool]["wall"], fig[tool]["rss_mb"]
            print(f"{variant:10s} {tool:6s} wall median {med:6.2f} s (min {lo:6.2f}, max {hi:6.2f})  "
                  f"peak RSS median {rss:6.1f} MB (min {rlo:6.1f}, max {rhi:6.1f})")
        med, lo, hi = fig["ratio"]
        print(f"{variant:10s} ratio rqrun/newman: median {med:.3f} (min {lo:.3f}, max {hi:.3f}); "
              f"per pair {', '.join(f'{r:.3f}' for r in fig['ratios'])}")
    print(f"load before {result['load_before']}, after {result['load_after']}")
    print(f"median of per-pair ratios, scripted: {statistics.median(result['scripted']['ratios']):.3f} (target <= 0.25)")


if __name__ == "__main__":
    main()
