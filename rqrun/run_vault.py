"""The run's view of the vault: opened on first use, every value it hands out registered.

Runs that use no secret never touch the vault file or its key.
"""

from __future__ import annotations

from typing import Any

from rqrun.errors import SecretNotFound
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
        vault = self.open()
        value = vault.get(key)
        if value is None:
            if vault.is_read_only(key):  # an AWS secret without that field
                alias = key.split(".", 1)[0]
                raise SecretNotFound(
                    f"the AWS secret behind {key!r} has no such value",
                    hint=f"check the secret in AWS, then: rqrun vault aws refresh {alias}",
                )
            raise missing_secret(key)
        self.redactor.add(value)
        return str(value)

    def provider_warning(self, key: str) -> str | None:
        """A line for the report when ``key`` resolved from a cache whose last refresh failed."""
        error = self.open().provider_error(key)
        if not error:
            return None
        what = " ".join(str(error[k]) for k in ("category", "code") if error.get(k))
        return (
            f"vault key {key!r}: the last AWS fetch failed ({what}) at {error.get('at', '?')}: "
            f"{error.get('message', '')}; the cached value was used"
        )

    def host_allowed(self, key: str, host: str, port: int | None) -> tuple[bool, list[str]]:
        from rqrun.vault import host_allowed

        allowed = self.open().allowed_hosts(key)
        return host_allowed(allowed, host, port), list(allowed or [])
