"""The run's view of the vault: opened on first use, every value it hands out registered.

Runs that use no secret never touch the vault file or its key.
"""

from __future__ import annotations

from typing import Any

from rqrun.options import RunOptions
from rqrun.redact import Redactor
from rqrun.variables import missing_secret

__all__ = ["RunVault"]


class RunVault:
    """Opens the vault on first use, so runs that use no secret never touch it."""

    def __init__(self, options: RunOptions, redactor: Redactor) -> None:
        self.options = options
        self.redactor = redactor
        self._vault: Any = None

    def open(self) -> Any:
        if self._vault is None:
            from rqrun.vault import open_vault

            vault = open_vault(self.options.vault_path)
            if self.options.aws_config:
                vault.use_aws_config(self.options.aws_config)
            self._vault = vault
        return self._vault

    def lookup(self, key: str) -> str:
        value = self.open().get(key)
        if value is None:
            raise missing_secret(key)
        self.redactor.add(value)
        return str(value)

    def host_allowed(self, key: str, host: str, port: int | None) -> tuple[bool, list[str]]:
        from rqrun.vault import host_allowed

        allowed = self.open().allowed_hosts(key)
        return host_allowed(allowed, host, port), list(allowed or [])
