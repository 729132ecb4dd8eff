"""Fake OS keyrings for tests: working, locked, and a file-backed one usable from subprocesses.

Subprocesses select one with ``PYTHON_KEYRING_BACKEND=vault_fakering.FileKeyring`` and this
directory on ``PYTHONPATH``; the file is ``$FAKE_KEYRING_FILE``.
"""

from __future__ import annotations

import json
import os

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError

__all__ = ["MemoryKeyring", "LockedKeyring", "FileKeyring"]


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


class FileKeyring(KeyringBackend):
    """A keyring persisted in a JSON file, so separate processes share it."""

    priority = 1  # type: ignore[assignment]

    def _load(self) -> dict[str, str]:
        try:
            with open(os.environ["FAKE_KEYRING_FILE"]) as fh:
                data: dict[str, str] = json.load(fh)
                return data
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        with open(os.environ["FAKE_KEYRING_FILE"], "w") as fh:
            json.dump(data, fh)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError(username)
        with open(os.environ["FAKE_KEYRING_FILE"], "w") as fh:
            json.dump(data, fh)
