"""Every benchmark in one go (``make bench``), and ``bench/RESULTS.md`` with the latest figures.

Runs, in this order, each against local servers only:

1. start-up: ``bench_startup.py`` (``--version``/``--help``) and ``--version`` of rqrun and Newman;
2. micro-benchmarks: ``bench_scripts.py`` (worker round trip), ``bench_vault.py`` (unlock,
   ``{{vault:k}}`` resolution, redaction);
3. the head-to-head against Newman 6.2.2 (``bench_newman.py``): 10 requests x 100 iterations,
   scripted and not, alternated pairs;
4. ``bench_parallel.py`` (``--parallel N`` throughput) and, with Locust installed,
   ``bench_load.py`` (``rqrun load`` with one and two workers);
5. the 100,000-request long run (``bench_longrun.py``): peak RSS, and RSS over time.

Then it checks the targets of ``spec/quality.md`` and writes RESULTS.md: the machine (nproc, CPU,
memory, load before and after), the exact commands, the figures. Newman is installed into
``bench/.cache/newman`` on first use. Exit status 0 unless ``--strict`` and a target is missed.

Usage: python bench/run_all.py [--pairs N] [--long-iterations N] [--quick] [--strict] [--out PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_longrun import long_run  # noqa: E402
from bench_newman import head_to_head, startup  # noqa: E402
from harness import BENCH, PYTHON, ROOT, load, machine, newman_js  # noqa: E402

__all__ = ["main"]


@dataclass
class Target:
    what: str
    goal: str
    measured: str
    met: bool


def _script(name: str, *args: str) -> tuple[str, str]:
    """Run ``bench/NAME ARGS`` with this Python; (the command as written in RESULTS.md, its output)."""
    argv = [str(PYTHON), str(BENCH / name), *args]
    shown = " ".join([".venv/bin/python", f"bench/{name}", *args])
    print(f"$ {shown}", flush=True)
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{shown} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    print(proc.stdout, end="", flush=True)
    return shown, proc.stdout


def _number(pattern: str, text: str) -> float:
    found = re.search(pattern, text)
    if not found:
        raise SystemExit(f"cannot find {pattern!r} in:\n{text}")
    return float(found.group(1))


def _fmt3(values: tuple[float, float, float], unit: str, digits: int = 2) -> str:
    med, lo, hi = values
    return f"{med:.{digits}f}{' ' + unit if unit else ''} (min {lo:.{digits}f}, max {hi:.{digits}f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5, help="alternated Newman/rqrun pairs per variant (>= 5)")
    parser.add_argument("--long-iterations", type=int, default=10_000, help="iterations of the long run (x10 requests)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 pairs, 20 iterations, 1,000-iteration long run")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args()
    pairs, iterations, long_iterations = (2, 20, 1_000) if args.quick else (args.pairs, 100, args.long_iterations)

    facts = machine()
    load_start = load()
    started = time.perf_counter()
    newman_js()  # install Newman first, so no figure below includes npm

    commands: list[str] = []
    raw: list[tuple[str, str]] = []
    for name, extra in (("bench_startup.py", ["10"]), ("bench_scripts.py", ["--runs", "2000"]), ("bench_vault.py", [])):
        shown, text = _script(name, *extra)
        commands.append(shown)
        raw.append((shown, text))
    startup_text, scripts_text, vault_text = (t for _, t in raw)

    print("$ version of both tools (bench_newman.startup)", flush=True)
    versions = startup(10)
    print(f"  rqrun {versions['rqrun'][0]:.1f} ms, newman {versions['newman'][0]:.1f} ms", flush=True)
    print(f"$ head-to-head against Newman ({pairs} pairs x 2 variants, {iterations} iterations)", flush=True)
    h2h = head_to_head(pairs, iterations)
    commands.append(f".venv/bin/python bench/bench_newman.py --pairs {pairs} --iterations {iterations}")

    shown, parallel_text = _script("bench_parallel.py", "100", "20")
    commands.append(shown)
    raw.append((shown, parallel_text))
    load_text = None
    if importlib.util.find_spec("locust") is not None:
        shown, load_text = _script("bench_load.py", "5", "100", "15")
        commands.append(shown)
        raw.append((shown, load_text))

    print(f"$ long run: {long_iterations * 10:,d} requests", flush=True)
    long = long_run(long_iterations, "json")
    commands.append(f".venv/bin/python bench/bench_longrun.py --iterations {long_iterations} --reporter json")
    print(f"  peak RSS {long['peak_rss_mb']:.1f} MB, slope {long['slope_mb_per_10k']:+.2f} MB per 10k requests", flush=True)

    round_trip = _number(r"round trip, trivial script\s+median\s+([\d.]+) us", scripts_text)
    vault_many = _number(r"10,000 templates of one \{\{vault:k\}\}\s+([\d.]+) ms", vault_text)
    version_ms = _number(r"rqrun --version\s+median\s+([\d.]+) ms", startup_text)
    help_ms = _number(r"rqrun --help\s+median\s+([\d.]+) ms", startup_text)
    ratio = h2h["scripted"]["ratio"][0]
    parallel_x = _number(r"--parallel 8: run\s+[\d.]+ s\s+[\d.]+ requests/s x\s*([\d.]+)", parallel_text)
    targets = [
        Target("scripted workload, rqrun/Newman wall time", "<= 0.25",
               f"{ratio:.3f} (median of {pairs} per-pair ratios)", ratio <= 0.25),
        Target("`rqrun --version`", "< 100 ms", f"{version_ms:.1f} ms median", version_ms < 100),
        Target("`rqrun --help`", "< 100 ms", f"{help_ms:.1f} ms median", help_ms < 100),
        Target("script round trip, trivial script", "median < 200 us", f"{round_trip:.1f} us", round_trip < 200),
        Target("10,000 `{{vault:k}}` after unlock", "< 50 ms", f"{vault_many:.1f} ms", vault_many < 50),
        Target(f"{long['requests']:,d} requests, peak RSS", "< 150 MB", f"{long['peak_rss_mb']:.1f} MB (runner), "
               f"{long['peak_tree_rss_mb']:.1f} MB (with the script worker)", long["peak_tree_rss_mb"] < 150),
        Target("... and flat after warm-up", "slope < 1 MB per 10,000 requests",
               f"{long['slope_mb_per_10k']:+.2f} MB per 10,000", long["slope_mb_per_10k"] < 1.0),
        Target("`--parallel 8` throughput over `--parallel 1`, 20 ms server", ">= 6x",
               f"{parallel_x:.1f}x (over the run's duration)", parallel_x >= 6),
    ]
    if load_text is not None:
        load_x = _number(r"2 worker\(s\).*x\s*([\d.]+)", load_text)
        targets.append(Target("`rqrun load`, two workers over one", ">= 1.8x", f"{load_x:.2f}x", load_x >= 1.8))
    elapsed = time.perf_counter() - started
    text = _render(facts, load_start, load(), elapsed, targets, versions, h2h, long, raw, commands, args.quick)
    args.out.write_text(text, encoding="utf-8")
    print(f"\nwrote {args.out} ({elapsed / 60:.1f} min)")
    for t in targets:
        print(f"  {'met   ' if t.met else 'MISSED'} {t.what}: {t.measured} (target {t.goal})")
    return 1 if args.strict and not all(t.met for t in targets) else 0


def _render(facts: dict[str, str], load_start: str, load_end: str, elapsed: float, targets: list[Target],
            versions: dict[str, Any], h2h: dict[str, Any], long: dict[str, Any], raw: list[tuple[str, str]],
            commands: list[str], quick: bool) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Benchmark results",
        "",
        f"Written by `bench/run_all.py` (`make bench`) on {now}; it took {elapsed / 60:.1f} minutes."
        + (" **Quick smoke run: not the reference figures.**" if quick else ""),
        "Every server is local (127.0.0.1); Newman is 6.2.2 from `bench/.cache/newman`.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| `nproc` | {facts['nproc']} |",
        f"| CPU | {facts['cpu']} |",
        f"| memory | {facts['memory']} |",
        f"| kernel | {facts['kernel']} |",
        f"| Python / Node.js | {facts['python']} / {facts['node']} |",
        f"| load average (1, 5, 15 min) at the start | {load_start} |",
        f"| load average at the end | {load_end} |",
        "",
        "## Targets (`spec/quality.md`)",
        "",
        "| what | target | measured | |",
        "|---|---|---|---|",
    ]
    out += [f"| {t.what} | {t.goal} | {t.measured} | {'met' if t.met else '**missed**'} |" for t in targets]
    out += [
        "",
        "## rqrun against Newman",
        "",
        f"{h2h['requests']:,d} requests per run (10 requests x {h2h['iterations']} iterations) against `bench/server.js`; "
        "both tools write a JSON report to a file, stdout to /dev/null. Runs alternate Newman, rqrun, "
        f"Newman, rqrun ... ({h2h['pairs']} timed pairs per variant after one untimed run each); every report is "
        "read back to check that all requests were sent and all tests passed. Peak RSS is GNU time's `%M` for "
        "the tool's main process (rqrun's script worker is a separate process of about 20 MB; see the long run "
        "for the whole tree).",
        "",
        f"Load average during the pairs: {h2h['load_before']} before, {h2h['load_after']} after.",
        "",
        "| variant | tool | wall time, median (min, max) | peak RSS, median (min, max) |",
        "|---|---|---|---|",
    ]
    for variant in ("scripted", "no scripts"):
        for tool in ("newman", "rqrun"):
            fig = h2h[variant][tool]
            out.append(f"| {variant} | {tool} | {_fmt3(fig['wall'], 's')} | {_fmt3(fig['rss_mb'], 'MB', 1)} |")
    out += ["", "| variant | ratio rqrun/Newman, median (min, max) | per pair |", "|---|---|---|"]
    for variant in ("scripted", "no scripts"):
        fig = h2h[variant]
        out.append(f"| {variant} | {_fmt3(fig['ratio'], '', 3)} | {', '.join(f'{r:.3f}' for r in fig['ratios'])} |")
    out += [
        "",
        f"Start-up, `--version`, {versions['runs']} alternated runs each (load {versions['load']}):",
        "",
        "| tool | median (min, max) |",
        "|---|---|",
        f"| rqrun | {_fmt3(versions['rqrun'], 'ms', 1)} |",
        f"| newman | {_fmt3(versions['newman'], 'ms', 1)} |",
        "",
        f"## Long run: {long['requests']:,d} requests",
        "",
        f"The scripted workload, {long['requests'] // 10:,d} iterations, {long['reporter']} reporter streaming to a file "
        f"({long['report_mb']:.1f} MB at the end). {long['wall_s']:.1f} s, {long['requests_per_s']:.0f} requests/s. "
        f"Peak RSS {long['peak_rss_mb']:.1f} MB for the runner, {long['peak_tree_rss_mb']:.1f} MB for the runner "
        f"and its script worker together; RSS {long['rss_at_10pct_mb']:.1f} MB at 10% of the run, "
        f"{long['rss_at_end_mb']:.1f} MB at the end; least-squares slope after 10%: "
        f"{long['slope_mb_per_10k']:+.2f} MB per 10,000 requests. Load {long['load_before']} before, "
        f"{long['load_after']} after.",
        "",
        "| requests done (about) | runner RSS (MB) | with the worker (MB) |",
        "|---|---|---|",
    ]
    series = long["series"]
    step = max(1, len(series) // 12)
    out += [f"| {done:,d} | {own:.1f} | {tree:.1f} |" for done, own, tree in series[1::step]]
    out += ["", "## Micro-benchmarks and the other scripts, verbatim", ""]
    for shown, text in raw:
        out += [f"`{shown}`", "", "```", text.rstrip(), "```", ""]
    out += ["## Commands", "", "Everything above, in one go:", "", "```", "make bench", "```", "",
            "or step by step, from the repository root:", "", "```", *commands, "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    raise SystemExit(main())
