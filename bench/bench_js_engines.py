"""Which embedded JavaScript engine runs scripts: quickjs-ng against mini-racer (V8), measured.

Each figure comes from a fresh subprocess, so imports and first contexts are counted the way a
sandbox worker pays them: import time, a fresh context, a trivial ``eval`` round trip, a call
from JavaScript into Python (the host bridge), and the process's peak memory. mini-racer is
optional (``pip install mini-racer``); without it only quickjs-ng is printed.

    python bench/bench_js_engines.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

_PROBE = r'''
import json, resource, statistics, sys, time
engine = sys.argv[1]
t0 = time.perf_counter()
if engine == "quickjs":
    import quickjs
    def make():
        ctx = quickjs.Context()
        ctx.set_memory_limit(64 << 20)
        ctx.add_callable("__host", lambda name, args: args)
        return ctx
    def run(ctx, code):
        return ctx.eval(code)
    bridge = "__host('x', '[1]')"
else:
    from py_mini_racer import MiniRacer
    def make():
        return MiniRacer()
    def run(ctx, code):
        return ctx.eval(code)
    bridge = None  # mini-racer's Python callbacks are asynchronous (Promises): no synchronous bridge
imported = time.perf_counter() - t0
t0 = time.perf_counter()
first = make()
first_ctx = time.perf_counter() - t0
ctx_times, eval_times, bridge_times = [], [], []
for _ in range(200):
    t0 = time.perf_counter(); ctx = make(); ctx_times.append(time.perf_counter() - t0)
for _ in range(2000):
    t0 = time.perf_counter(); run(first, "1 + 1"); eval_times.append(time.perf_counter() - t0)
if bridge:
    for _ in range(2000):
        t0 = time.perf_counter(); run(first, bridge); bridge_times.append(time.perf_counter() - t0)
med = lambda xs: statistics.median(xs) * 1e6 if xs else None
print(json.dumps({"import_ms": imported * 1e3, "first_context_ms": first_ctx * 1e3,
                  "context_us": med(ctx_times), "eval_us": med(eval_times), "bridge_us": med(bridge_times),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''


def measure(engine: str, runs: int = 3) -> dict[str, float | None] | None:
    """Median of ``runs`` fresh processes' figures, or None when the engine is not installed."""
    samples = []
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-c", _PROBE, engine], capture_output=True, text=True)
        if proc.returncode:
            return None
        samples.append(json.loads(proc.stdout))
    return {key: (None if samples[0][key] is None else statistics.median(s[key] for s in samples)) for key in samples[0]}


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f}"


def main() -> None:
    baseline = subprocess.run([sys.executable, "-c", "import resource; print(resource.getrusage("
                               "resource.RUSAGE_SELF).ru_maxrss / 1024)"], capture_output=True, text=True)
    print(f"python alone: peak RSS {float(baseline.stdout):.1f} MiB")
    print(f"{'engine':12} {'import ms':>10} {'1st ctx ms':>11} {'ctx µs':>9} {'eval µs':>9} {'bridge µs':>10} {'peak MiB':>9}")
    for engine in ("quickjs", "miniracer"):
        figures = measure(engine)
        if figures is None:
            print(f"{engine:12} not installed")
            continue
        print(f"{engine:12} {_fmt(figures['import_ms']):>10} {_fmt(figures['first_context_ms']):>11} "
              f"{_fmt(figures['context_us']):>9} {_fmt(figures['eval_us']):>9} {_fmt(figures['bridge_us']):>10} "
              f"{_fmt(figures['peak_rss_mb']):>9}")


if __name__ == "__main__":
    main()
