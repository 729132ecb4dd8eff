"""Fixtures every suite shares: local servers and a way to run the real CLI in a subprocess.

- ``recording_server``: a fresh :class:`support.servers.RecordingServer` per test.
- ``demo_server``: one :class:`rqrun.demo.DemoServer` per session (per xdist worker).
- ``rqrun_home``: the per-test ``RQRUN_HOME`` directory; ``cli_env``: the environment
  ``run_cli`` uses, for tests that start other processes.
- ``run_cli(*args, env=None, cwd=None, input=None, timeout=60) -> CliResult``: runs
  ``python -m rqrun ARGS`` isolated from the user's config, keyring and AWS setup.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest

from rqrun.demo import DemoServer
from support.servers import RecordingServer

__all__ = ["CliResult", "RunCli", "TEST_VAULT_KEY", "REPO_ROOT", "COLLECTIONS_DIR"]

# A fixed key so that a test can prepare a vault with one command and read it with the next.
TEST_VAULT_KEY = base64.b64encode(bytes(range(32))).decode("ascii")
REPO_ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS_DIR = REPO_ROOT / "collections"

# Inherited variables that would let a test see the developer's own setup.
_SCRUBBED_PREFIXES = ("RQRUN_", "AWS_")
_SCRUBBED = {"NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "PYTHON_KEYRING_BACKEND"}


@dataclass(frozen=True)
class CliResult:
    """What one ``rqrun`` process did. ``json`` is the parsed JSON report, when one was written."""

    code: int
    stdout: str
    stderr: str
    json: Any
    args: tuple[str, ...] = ()
    report_path: Path | None = None

    @property
    def output(self) -> str:
        """stdout and stderr together, for "does this text appear anywhere" checks."""
        return self.stdout + self.stderr

    def __repr__(self) -> str:  # what pytest shows when an assertion on the result fails
        return (
            f"CliResult(code={self.code}, args={list(self.args)!r},\n"
            f"--- stdout ---\n{self.stdout[-4000:]}\n--- stderr ---\n{self.stderr[-4000:]})"
        )


class RunCli(Protocol):
    def __call__(
        self,
        *args: str | os.PathLike[str],
        env: Mapping[str, str | None] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        input: str | bytes | None = None,  # noqa: A002 - mirrors subprocess.run
        timeout: float = 60,
    ) -> CliResult: ...


def _report_path(args: Sequence[str], cwd: Path) -> Path | None:
    """Where the JSON report goes: ``--reporter-json-export``, or the default when ``json`` is on."""
    path: str | None = None
    reporters: list[str] = []
    for i, arg in enumerate(args):
        if arg == "--reporter-json-export" and i + 1 < len(args):
            path = args[i + 1]
        elif arg.startswith("--reporter-json-export="):
            path = arg.split("=", 1)[1]
        elif arg == "--reporters" and i + 1 < len(args):
            reporters = args[i + 1].split(",")
        elif arg.startswith("--reporters="):
            reporters = arg.split("=", 1)[1].split(",")
    if path is None and "json" in [r.strip() for r in reporters]:
        path = "rqrun-report.json"
    if path is None:
        return None
    candidate = Path(path)
    return candidate if candidate.is_absolute() else cwd / candidate


def _load_report(path: Path | None) -> Any:
    if path is None or not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None  # a test asserting on .json will fail visibly; the raw file is still there


@pytest.fixture()
def rqrun_home(tmp_path: Path) -> Path:
    """The test's own ``RQRUN_HOME`` (vault, AWS configs, caches)."""
    home = tmp_path / "rqrun-home"
    home.mkdir(exist_ok=True)
    return home


@pytest.fixture()
def cli_env(rqrun_home: Path, tmp_path: Path) -> dict[str, str]:
    """The environment of every ``run_cli`` process (a fresh copy per test)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(_SCRUBBED_PREFIXES) and k not in _SCRUBBED
    }
    env.update(
        {
            "RQRUN_HOME": str(rqrun_home),
            "RQRUN_VAULT_KEY": TEST_VAULT_KEY,
            "NO_COLOR": "1",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "PYTHONIOENCODING": "utf-8",
            # No real AWS: no shared config, no credentials, no instance metadata lookups.
            "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    return env


@pytest.fixture()
def run_cli(cli_env: dict[str, str], tmp_path: Path) -> RunCli:
    """Run ``python -m rqrun *args``; ``env`` adds to (or, with None values, removes from) ``cli_env``.

    ``cwd`` defaults to the test's tmp_path, so default report files land there.
    """

    def run(
        *args: str | os.PathLike[str],
        env: Mapping[str, str | None] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        input: str | bytes | None = None,  # noqa: A002 - mirrors subprocess.run
        timeout: float = 60,
    ) -> CliResult:
        argv = [os.fspath(a) for a in args]
        full_env = dict(cli_env)
        for key, value in (env or {}).items():
            if value is None:
                full_env.pop(key, None)
            else:
                full_env[key] = value
        workdir = Path(cwd) if cwd is not None else tmp_path
        report = _report_path(argv, workdir)
        data = input.encode("utf-8") if isinstance(input, str) else input
        proc = subprocess.run(
            [sys.executable, "-m", "rqrun", *argv],
            input=data,
            capture_output=True,
            env=full_env,
            cwd=workdir,
            timeout=timeout,
            stdin=subprocess.DEVNULL if data is None else None,
        )
        return CliResult(
            code=proc.returncode,
            stdout=proc.stdout.decode("utf-8", "replace"),
            stderr=proc.stderr.decode("utf-8", "replace"),
            json=_load_report(report),
            args=tuple(argv),
            report_path=report,
        )

    return run


@pytest.fixture()
def recording_server() -> Iterator[RecordingServer]:
    """A recorder on 127.0.0.1 for one test."""
    with RecordingServer() as server:
        yield server


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    """The demo API, shared by the session: tests must not rely on its item count."""
    with DemoServer() as server:
        yield server


@pytest.fixture(scope="session")
def collections_dir() -> Path:
    """``collections/`` at the repository root (the demo collection and its data)."""
    return COLLECTIONS_DIR
