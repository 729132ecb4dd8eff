"""Fixtures every suite shares: local servers and a way to run the real CLI in a subprocess.

- ``recording_server``: a fresh :class:`support.servers.RecordingServer` per test.
- ``demo_server``: one :class:`rqrun.demo.DemoServer` per session (per xdist worker).
- ``rqrun_home``: the per-test ``RQRUN_HOME`` directory; ``cli_env``: the environment
  ``run_cli`` uses, for tests that start other processes.
- ``run_cli(*args, env=None, cwd=None, input=None, timeout=60) -> CliResult``: runs
  ``python -m rqrun ARGS`` isolated from the user's config, keyring and AWS setup.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from rqrun.demo import DemoServer

from support.cli import (
    COLLECTIONS_DIR,
    SCRUBBED,
    SCRUBBED_PREFIXES,
    TEST_VAULT_KEY,
    CliResult,
    RunCli,
    load_report,
    report_path,
)
from support.servers import RecordingServer

__all__ = ["CliResult", "RunCli"]

# Property tests are repeatable: the same examples on every run (seeded from each test), no
# example database written into the checkout, and nothing that fails because the machine is slow
# (no deadline, no "too slow" health check). HYPOTHESIS_PROFILE=explore searches afresh.
settings.register_profile(
    "repeatable", derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("explore", parent=settings.get_profile("repeatable"), derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

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
        if not k.startswith(SCRUBBED_PREFIXES) and k not in SCRUBBED
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
        report = report_path(argv, workdir)
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
            json=load_report(report),
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
