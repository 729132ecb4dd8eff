"""Secret providers (AWS Secrets Manager, ...) behind one protocol, found by source prefix.

An entry whose ``source`` is ``"<prefix>:<config>"`` mirrors a secret held by the provider
registered under ``prefix``. The store routes to the provider by that prefix and imports no
provider module itself: a provider is *declared* with the module that implements it (cheap,
no import), and that module registers the provider object when it is first needed. So a run
that resolves only local secrets never imports a provider, and one that resolves cached
provider values imports only the provider's small routing module, never its SDK.

What every provider's entries share (the store relies on it, and nothing else):

- the fetched value is sealed in ``entry["cache"]["value"]`` (absent until the first fetch);
- ``entry["error"]`` records the last failed fetch (``category``, ``code``, ``message``, ``at``);
- the provider's own settings live in ``doc[prefix]`` (a dict the provider shapes);
- of one provider's configurations, one is active at a time: its entries resolve, and win
  over a local secret of the same name.
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING, Any, Protocol

from rqrun.errors import VaultError

if TYPE_CHECKING:
    from rqrun.vault.store import Vault

__all__ = ["Provider", "declare", "declared", "get", "prefix_of", "register"]


class Provider(Protocol):
    """What the store asks of a provider. Implementations must stay cheap to import."""

    #: The source prefix: entries of this provider have ``source == f"{prefix}:{config}"``.
    prefix: str
    #: Entry fields bound into a cached value's associated data (with the configuration name),
    #: so a cached value cannot be relabelled as another secret's.
    aad_fields: tuple[str, ...]

    def active_config(self, doc: dict[str, Any]) -> str | None:
        """The configuration whose entries resolve, as stored in the document."""
        ...

    def selection_error(self, doc: dict[str, Any], config: str, where: str) -> VaultError | None:
        """The error when a run selects ``config`` (``--aws-config``) and it does not exist."""
        ...

    def read_only_error(self, entry: dict[str, Any], where: str) -> VaultError:
        """The error for ``set``/``unset`` of a key linked to this provider."""
        ...

    def fetch_missing(self, vault: Vault, doc: dict[str, Any], config: str, alias: str) -> VaultError | None:
        """Fetch an alias that has no cached value yet (once per process, during a run).

        Returns the error to raise, or None (fetched, or nothing to fetch it with: then the
        alias simply has no value).
        """
        ...


_LOCK = threading.Lock()
_DECLARED: dict[str, str] = {}  # prefix -> module that registers it when imported
_REGISTERED: dict[str, Provider] = {}


def declare(prefix: str, module: str) -> None:
    """Name the module that implements ``prefix``; it is imported on first use only."""
    with _LOCK:
        _DECLARED[prefix] = module


def register(provider: Provider) -> None:
    """Make ``provider`` serve its prefix (called by the provider's module when imported)."""
    with _LOCK:
        _REGISTERED[provider.prefix] = provider


def declared() -> tuple[str, ...]:
    """Every known prefix, registered or not yet imported (costs no import)."""
    with _LOCK:
        return tuple(sorted({*_DECLARED, *_REGISTERED}))


def get(prefix: str) -> Provider | None:
    """The provider for ``prefix``, importing its module on first use; None when unknown."""
    provider = _REGISTERED.get(prefix)
    if provider is not None:
        return provider
    module = _DECLARED.get(prefix)
    if module is None:
        return None
    importlib.import_module(module)
    return _REGISTERED.get(prefix)


def prefix_of(source: str) -> str:
    """``"aws:prod"`` -> ``"aws"``; ``"local"`` -> ``""``."""
    prefix, sep, _ = source.partition(":")
    return prefix if sep else ""
