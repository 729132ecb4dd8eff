"""Fixtures for the vault: a private RQRUN_HOME per test, no key in the environment, no keyring."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringLocked, PasswordDeleteError

import rqrun.vault
from rqrun.vault import Vault


class MemoryKeyring(KeyringBackend):
    """A working OS keyring, in memory."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class LockedKeyring(MemoryKeyring):
    """A keyring whose collection is locked (a desktop session not yet unlocked)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the collection is locked")


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
