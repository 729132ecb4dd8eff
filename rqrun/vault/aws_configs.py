"""AWS configurations in the vault: add, replace, remove, activate, list and test them.

A configuration lives in ``doc["aws"]["configs"][name]``::

    {"display_name", "region", "kind": "static" | "profile" | "default-chain", "profile",
     "endpoint_url", "credentials": BLOB | None,     # static keys, sealed as "aws-config"
     "created_at", "updated_at", "last_test": {...} | None, "error": ERROR | None}

Exactly one is active (``doc["aws"]["active"]``); the first one added becomes active. Static
keys are sealed together, bound to the configuration's name, and unsealed only to call AWS or
to show the last 4 characters of the key id. Adding never tests: a configuration that fails
its test can still be saved and fixed later.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from rqrun.errors import UsageError, VaultError
from rqrun.vault.aws_client import KINDS, AwsConfig, ConnectionReport, Credentials
from rqrun.vault.aws_provider import PREFIX, configs_of, missing_config_error
from rqrun.vault.schema import utc_now
from rqrun.vault.store import Sealer, Vault

__all__ = [
    "ConfigInfo",
    "add_config",
    "remove_config",
    "use_config",
    "list_configs",
    "test_config",
    "configs_of",
    "config_name",
    "credentials_of",
]

_CONFIG_RE = re.compile(r"[A-Za-z0-9_\-]{1,64}")
_REGION_RE = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}|[a-z0-9\-]{2,32}")


@dataclass(frozen=True)
class ConfigInfo:
    """What ``list-configs`` shows about one configuration (the key id at most as ``…ABCD``)."""

    name: str
    display_name: str
    region: str
    kind: str
    credentials: str
    endpoint_url: str | None
    active: bool
    secrets: int
    last_test: dict[str, Any] | None
    error: dict[str, Any] | None


def no_config_error(vault: Vault, name: str | None) -> VaultError:
    """The error for a missing (or no active) configuration, with the command that helps."""
    return missing_config_error(str(vault.path), name)


def config_name(vault: Vault, doc: dict[str, Any], name: str | None) -> str:
    """The configuration an operation applies to: ``name``, else the active one; it must exist."""
    chosen = name if name is not None else vault.active_config(PREFIX)
    if chosen is None or chosen not in configs_of(doc):
        raise no_config_error(vault, chosen)
    return chosen


def credentials_of(sealer: Sealer, name: str, record: dict[str, Any]) -> Credentials | None:
    """Unseal a static configuration's keys (None for other kinds); tampering fails closed."""
    blob = record.get("credentials")
    if record.get("kind") != "static" or blob is None:
        return None
    from rqrun.vault.crypto import AuthenticationFailed

    try:
        plain = sealer.open("aws-config", name, {"kind": "static"}, blob)
    except AuthenticationFailed:
        raise VaultError(
            f"the credentials of AWS configuration {name!r} do not authenticate (edited outside rqrun?)",
            hint=f"store them again: rqrun vault aws add-config {name} --replace ...",
        ) from None
    return Credentials.from_record(json.loads(plain.decode("utf-8")))


# ---- operations ------------------------------------------------------------------------------


def add_config(
    vault: Vault,
    name: str,
    *,
    region: str,
    kind: str,
    display_name: str | None = None,
    profile: str | None = None,
    endpoint_url: str | None = None,
    credentials: Credentials | None = None,
    replace: bool = False,
) -> bool:
    """Store a configuration (never tested here); returns whether it is now the active one.

    The first configuration becomes active. ``replace`` overwrites one of the same name,
    keeping its mappings, caches and active state (how a new session token is pasted).
    """
    if not _CONFIG_RE.fullmatch(name):
        raise UsageError(f"invalid configuration name {name[:40]!r}", hint="use letters, digits, '_' and '-'")
    if not _REGION_RE.fullmatch(region):
        raise UsageError(f"invalid region {region[:40]!r}", hint="for example us-east-1 or eu-west-3")
    if kind not in KINDS:
        raise UsageError(f"unknown credential kind {kind!r}")
    if (kind == "static") != (credentials is not None) or (kind == "profile") != bool(profile):
        raise UsageError("static keys need credentials, a profile configuration needs a profile name")
    if endpoint_url is not None and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", endpoint_url):
        raise UsageError(f"invalid endpoint URL {endpoint_url[:60]!r}", hint="for example http://127.0.0.1:4566")
    became_active = False

    def change(doc: dict[str, Any], sealer: Sealer) -> bool:
        nonlocal became_active
        configs = configs_of(doc)
        old = configs.get(name)
        if old is not None and not replace:
            raise UsageError(
                f"an AWS configuration named {name!r} already exists",
                hint="pass --replace to overwrite it (its secrets and caches are kept)",
            )
        now = utc_now()
        configs[name] = {
            "display_name": display_name or name,
            "region": region,
            "kind": kind,
            "profile": profile,
            "endpoint_url": endpoint_url,
            "credentials": (
                sealer.seal("aws-config", name, {"kind": "static"}, json.dumps(credentials.to_record()).encode("utf-8"))
                if credentials is not None
                else None
            ),
            "created_at": old.get("created_at", now) if old else now,
            "updated_at": now,
            "last_test": None,
            "error": None,
        }
        if doc[PREFIX].get("active") not in configs:
            doc[PREFIX]["active"] = name
        became_active = doc[PREFIX]["active"] == name
        return True

    vault.modify(change)
    return became_active


def remove_config(vault: Vault, name: str, *, force: bool = False) -> int:
    """Delete a configuration; with ``force`` its mappings (and caches) too. Returns how many went."""
    removed = 0

    def change(doc: dict[str, Any], sealer: Sealer) -> bool:
        nonlocal removed
        configs = configs_of(doc)
        if name not in configs:
            raise no_config_error(vault, name)
        linked = [e for e in doc["secrets"] if e["source"] == f"aws:{name}"]
        if linked and not force:
            raise UsageError(
                f"the AWS configuration {name!r} still has {len(linked)} secret mapping(s): "
                + ", ".join(sorted(e["name"] for e in linked)[:10]),
                hint="remove them with remove-secret, move them with move-to-local, or pass --force",
            )
        del configs[name]
        doc["secrets"] = [e for e in doc["secrets"] if e["source"] != f"aws:{name}"]
        removed = len(linked)
        if doc[PREFIX].get("active") == name:
            doc[PREFIX]["active"] = next(iter(sorted(configs)), None)
        return True

    vault.modify(change)
    return removed


def use_config(vault: Vault, name: str) -> None:
    """Make ``name`` the active configuration for good (every cache is kept)."""

    def change(doc: dict[str, Any], sealer: Sealer) -> bool:
        if name not in configs_of(doc):
            raise no_config_error(vault, name)
        changed: bool = doc[PREFIX].get("active") != name
        doc[PREFIX]["active"] = name
        return changed

    vault.modify(change)


def list_configs(vault: Vault) -> list[ConfigInfo]:
    """Every configuration; static keys are unsealed only to show their last 4 characters."""
    doc = vault.document()
    configs = configs_of(doc)
    sealer = vault.sealer() if any(c.get("kind") == "static" for c in configs.values()) else None
    out = []
    for name, record in sorted(configs.items()):
        kind = record.get("kind", "default-chain")
        if kind == "static" and sealer is not None:
            creds = credentials_of(sealer, name, record)
            shown = f"access key …{creds.access_key_id[-4:]}" if creds else "no keys"
            if creds is not None and creds.session_token:
                shown += " + session token"
        elif kind == "profile":
            shown = f"profile {record.get('profile')}"
        else:
            shown = "default credential chain"
        out.append(
            ConfigInfo(
                name=name,
                display_name=record.get("display_name") or name,
                region=record.get("region", ""),
                kind=kind,
                credentials=shown,
                endpoint_url=record.get("endpoint_url"),
                active=doc[PREFIX].get("active") == name,
                secrets=sum(1 for e in doc["secrets"] if e["source"] == f"aws:{name}"),
                last_test=record.get("last_test"),
                error=record.get("error"),
            )
        )
    return out


def test_config(vault: Vault, name: str | None = None) -> tuple[str, ConnectionReport]:
    """Test a configuration (default: the active one) and record the outcome on it."""
    from rqrun.vault.aws_client import test_connection

    doc = vault.document()
    chosen = config_name(vault, doc, name)
    record = configs_of(doc)[chosen]
    creds = credentials_of(vault.sealer(), chosen, record) if record.get("kind") == "static" else None
    report = test_connection(AwsConfig.from_record(chosen, record), creds)
    now = utc_now()

    def change(doc: dict[str, Any], sealer: Sealer) -> bool:
        current = configs_of(doc).get(chosen)
        if current is None:
            return False
        current["last_test"] = {
            "ok": report.ok,
            "at": now,
            "account": report.account,
            "arn": report.arn,
            "warnings": list(report.warnings),
            "error": report.failure.as_record(now) if report.failure else None,
        }
        current["error"] = report.failure.as_record(now) if report.failure else None
        return True

    vault.modify(change)
    return chosen, report
