"""Fixtures for the vault: a private RQRUN_HOME per test, no key in the environment, no keyring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail

import rqrun.vault
from rqrun.vault import Vault


@pytest.fixture(autouse=True)
def vault_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    monkeypatch.setenv("RQRUN_HOME", str(home))
    for name in ("RQRUN_VAULT_KEY", "RQRUN_VAULT_PASSPHRASE", "RQRUN_VAULT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.set_keyring(fail.Keyring())
    yield home
    rqrun.vault.close_all()
    keyring.set_keyring(fail.Keyring())


@pytest.fixture
def notices() -> list[str]:
    return []


@pytest.fixture
def vault_path(vault_env: Path) -> Path:
    return vault_env / "vault.json"


@pytest.fixture
def make_vault(vault_path: Path, notices: list[str]) -> Any:
    """A fresh Vault object each call (a new process, as far as key caching goes)."""

    def make(path: Path | None = None, **kwargs: Any) -> Vault:
        kwargs.setdefault("notify", notices.append)
        return Vault(path or vault_path, **kwargs)

    return make
