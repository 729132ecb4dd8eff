"""The local vault: encrypted secrets for ``{{vault:key}}``, ``rq.vault`` and ``rqrun vault``.

Usage (the runner's view)::

    from rqrun.vault import open_vault
    vault = open_vault(None)            # $RQRUN_HOME/vault.json; nothing is created yet
    token = vault.get("apiToken")       # unlocks once per process, then served from memory
    vault.allowed_hosts("apiToken")     # None, or the hosts that may receive it
    vault.set("session", "abc")         # persisted at once (locked, atomic, backed up)

Importing this package is cheap: ``cryptography`` is loaded on the first unlock and
``keyring`` only when a keyring slot is tried.
"""

from __future__ import annotations

from rqrun.vault import providers

# Providers are declared here, by module name, and imported only when an entry needs one.
providers.declare("aws", "rqrun.vault.aws_provider")

from rqrun.vault.schema import VaultEntry, host_allowed, validate_key  # noqa: E402
from rqrun.vault.store import Vault, close_all, default_vault_path, open_vault  # noqa: E402

__all__ = [
    "Vault",
    "VaultEntry",
    "open_vault",
    "default_vault_path",
    "close_all",
    "host_allowed",
    "validate_key",
]
