"""Shared plumbing for the benchmarks: the Node.js server, timed children, machine facts.

Every benchmark that compares tools or watches memory goes through here so that they all time
and measure the same way: wall time from ``time.perf_counter`` around the child, peak RSS from
GNU time (``/usr/bin/time -f %M``) wrapped around it.

Why not ``os.wait4`` or ``RUSAGE_CHILDREN`` straight from this process: Linux carries the peak
RSS of the address space a process had before ``exec`` into its ``ru_maxrss``, and a child of
Python starts as a copy (or, with vfork, a borrower) of the Python process. Measured that way,
every child "peaks" at least at the harness's own size (47.6 MB for a 32 MB rqrun run here).
GNU time is a small C program, so the child it starts inherits next to nothing.
"""

from __future__ import annotations

import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE = BENCH / ".cache"
PYTHON = Path(sys.executable)
RQRUN = PYTHON.with_name("rqrun")
SERVER_JS = BENCH / "server.js"

__all__ = [
    "BENCH", "ROOT", "CACHE", "PYTHON", "RQRUN", "NodeServer", "Sample", "timed", "summary",
    "machine", "load", "rqrun_env", "newman_js", "proc_tree_rss_kb", "with_gnu_time", "read_gnu_time",
]


class NodeServer:
    """``bench/server.js`` on 127.0.0.1 and a free port, for the lifetime of a ``with`` block."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[str] | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> NodeServer:
        if shutil.which("node") is None:
            raise SystemExit("the benchmarks need node on PATH")
        self.proc = subprocess.Popen(
            ["node", str(SERVER_JS)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().split()
        if len(line) != 2 or line[0] != "listening":
            self.proc.kill()
            raise SystemExit(f"bench/server.js did not start: {line!r} {self.proc.stderr.read() if self.proc.stderr else ''}")
        self.port = int(line[1])
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@dataclass(frozen=True)
class Sample:
    """One child run: wall seconds, peak RSS in MB (ru_maxrss of the child), exit code."""

    wall: float
    rss_mb: float
    code: int


GNU_TIME = Path("/usr/bin/time")


def with_gnu_time(argv: Sequence[str], out: Path) -> list[str]:
    """``argv`` under GNU time, which writes the child's peak RSS in kB to ``out``."""
    if not GNU_TIME.is_file():
        raise SystemExit("the benchmarks need GNU time (/usr/bin/time; Debian package 'time') for peak RSS")
    return [str(GNU_TIME), "-f", "%M", "-o", str(out), *argv]


def read_gnu_time(out: Path) -> float:
    """The peak RSS in MB that ``with_gnu_time`` recorded (its last line: a failing child adds one)."""
    return int(out.read_text().split()[-1]) / 1024


def timed(argv: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None,
          stdout: IO[bytes] | int | None = subprocess.DEVNULL) -> Sample:
    """Run ``argv`` to completion under GNU time: wall seconds, the child's own peak RSS, exit code."""
    with tempfile.TemporaryDirectory(prefix="rqrun-time-") as tmp:
        out = Path(tmp) / "rss"
        started = time.perf_counter()
        proc = subprocess.run(with_gnu_time(argv, out), env=dict(env) if env is not None else None, cwd=cwd,
                              stdout=stdout, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        return Sample(wall, read_gnu_time(out), proc.returncode)


def summary(values: Sequence[float]) -> tuple[float, float, float]:
    """(median, min, max)."""
    return statistics.median(values), min(values), max(values)


def load() -> str:
    """The 1, 5 and 15 minute load averages, as ``uptime`` prints them."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip() if shutil.which("node") else "absent"
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "node": node,
        "kernel": platform.release(),
    }


def rqrun_env(home: Path) -> dict[str, str]:
    """An environment isolated from the user's rqrun setup (own home, no colour, no keyring)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RQRUN_", "AWS_"))}
    env.update({"RQRUN_HOME": str(home), "NO_COLOR": "1", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    return env


def newman_js() -> Path:
    """Newman 6.2.2 from ``bench/.cache/newman`` (installed there on first use by the compat kit)."""
    sys.path[:0] = [str(ROOT / "tests" / "compat"), str(ROOT / "tests")]
    from generate_expectations import (
        ensure_newman,  # the one installer, shared with the compat suite
    )

    return ensure_newman()


def _children(pid: int) -> Iterator[int]:
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                yield int(child)
                yield from _children(int(child))
    except OSError:
        return


def proc_tree_rss_kb(pid: int) -> tuple[int, int]:
    """(RSS of ``pid``, RSS of ``pid`` plus all its descendants), in kB, from /proc."""

    def rss(p: int) -> int:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    own = rss(pid)
    return own, own + sum(rss(c) for c in _children(pid))
