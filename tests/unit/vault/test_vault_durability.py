"""Concurrent writers lose nothing; a writer killed at any point leaves the old or the new state."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rqrun.vault import Vault

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and fork-free subprocesses")

# A writer that cannot get the lock in time is told to wait and retry, which is what it does: on
# a starved machine (the lock is polled, not queued) one writer may wait out the lock's 10 s while
# the others keep it busy. Any other error ends it. Nothing may be lost either way.
_SETTER = """
import sys
from rqrun.errors import VaultError
from rqrun.vault import open_vault
vault = open_vault(None, notify=lambda message: None)
prefix, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    while True:
        try:
            vault.set(f"{prefix}{i}", f"value-{prefix}-{i}")
            break
        except VaultError as exc:
            if "held the vault lock" not in str(exc) or "wait and retry" not in str(exc):
                raise
"""

_ENDLESS_WRITER = """
from rqrun.vault import open_vault
vault = open_vault(None, notify=lambda message: None)
i = len(vault.keys())
while True:
    vault.set(f"k{i:05d}", f"v{i}")
    print(i, flush=True)
    i += 1
"""


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RQRUN_")}
    env.update(RQRUN_HOME=str(home), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    return env


@pytest.mark.slow
def test_four_processes_times_one_hundred_sets_on_a_fresh_vault(vault_env: Path) -> None:
    env = _env(vault_env)
    procs = [
        subprocess.Popen([sys.executable, "-c", _SETTER, f"p{n}_", "100"], env=env, stderr=subprocess.PIPE)
        for n in range(4)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    vault = Vault(vault_env / "vault.json", notify=lambda m: None)
    assert len(vault.keys()) == 400
    for n in range(4):
        for i in range(100):
            assert vault.get(f"p{n}_{i}") == f"value-p{n}_-{i}"
    assert [p.name for p in vault_env.iterdir() if p.name.endswith(".key")] == ["vault.key"]


@pytest.mark.slow
def test_writer_killed_at_random_points_leaves_a_loadable_vault(vault_env: Path) -> None:
    rng = random.Random(20261126)
    env = _env(vault_env)
    path = vault_env / "vault.json"
    previous = 0
    for round_ in range(50):
        proc = subprocess.Popen(
            [sys.executable, "-c", _ENDLESS_WRITER], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        first = b""
        if round_ % 2:
            # Odd rounds kill at a random point after the first acknowledged write, so the test
            # makes progress however slowly a loaded machine starts Python; even rounds kill at a
            # random point from the start (start-up, vault and key-file creation included).
            assert proc.stdout is not None
            first = proc.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.35))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        acknowledged = [int(line) for line in (first + out).split()]
        if not path.exists():
            assert not acknowledged
            continue
        vault = Vault(path, notify=lambda m: None)
        keys = vault.keys()
        count = len(keys)
        assert keys == [f"k{i:05d}" for i in range(count)]  # a prefix: nothing lost in the middle
        assert count >= previous
        if acknowledged:
            assert acknowledged[-1] + 1 <= count <= acknowledged[-1] + 2
        for i in range(count):
            assert vault.get(f"k{i:05d}") == f"v{i}"
        previous = count
    assert previous > 0
