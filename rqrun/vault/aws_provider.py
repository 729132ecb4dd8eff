"""The AWS Secrets Manager provider as the store sees it: routing only, no SDK.

Imported when the store first meets an ``aws:<config>`` entry (``rqrun.vault`` declares it);
registers itself on import. Fetching imports :mod:`rqrun.vault.aws` (and through it botocore)
only when a value is missing, so resolving cached values never loads the SDK.

The provider's section of the document::

    doc["aws"] = {"active": "prod" | None, "configs": {"prod": CONFIG, ...}}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rqrun.errors import VaultError
from rqrun.vault import providers

if TYPE_CHECKING:
    from rqrun.vault.store import Vault

__all__ = ["PREFIX", "AwsProvider", "configs_of", "missing_config_error"]

PREFIX = "aws"


def configs_of(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc["aws"]["configs"]``, created if the document lacks it."""
    section = doc.setdefault(PREFIX, {})
    if not isinstance(section, dict) or not isinstance(section.setdefault("configs", {}), dict):
        raise VaultError("the vault file has a malformed aws section; it was left untouched")
    configs: dict[str, Any] = section["configs"]
    return configs


def _configs_view(doc: dict[str, Any]) -> dict[str, Any]:
    """The configurations, read without changing the document."""
    section = doc.get(PREFIX)
    configs = section.get("configs") if isinstance(section, dict) else None
    return configs if isinstance(configs, dict) else {}


def missing_config_error(where: str, name: str | None) -> VaultError:
    """The error for a missing (or no active) configuration, with the command that helps."""
    if name is None:
        return VaultError("no AWS configuration is active", where=where, hint="rqrun vault aws add-config NAME --region R")
    return VaultError(
        f"there is no AWS configuration named {name!r}",
        where=where,
        hint="rqrun vault aws list-configs shows the configurations",
    )


class AwsProvider:
    """Entries ``aws:<config>``: one active configuration; values cached by GetSecretValue."""

    prefix = PREFIX
    aad_fields: tuple[str, ...] = ("secret_id", "mode", "version_stage")

    def active_config(self, doc: dict[str, Any]) -> str | None:
        section = doc.get(PREFIX)
        active = section.get("active") if isinstance(section, dict) else None
        return active if isinstance(active, str) else None

    def selection_error(self, doc: dict[str, Any], config: str, where: str) -> VaultError | None:
        return None if config in _configs_view(doc) else missing_config_error(where, config)

    def read_only_error(self, entry: dict[str, Any], where: str) -> VaultError:
        name, config = entry["name"], entry["source"].partition(":")[2]
        return VaultError(
            f"{name!r} is linked to AWS Secrets Manager (config {config}); read-only from scripts; use move-to-local",
            where=where,
            hint=f"change it in AWS then `rqrun vault aws refresh {name}`, or `rqrun vault aws move-to-local {name}`",
        )

    def fetch_missing(self, vault: Vault, doc: dict[str, Any], config: str, alias: str) -> VaultError | None:
        if config not in _configs_view(doc):
            return None  # an orphan mapping: no configuration to fetch with, so no value
        from rqrun.vault import aws

        return aws.fetch_on_demand(vault, config, alias)


providers.register(AwsProvider())
