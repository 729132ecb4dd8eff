"""AWS Secrets Manager in the vault: configurations, mappings, fetch/refresh, move to local.

Everything is stored in the vault document through :meth:`Vault.modify`, so writes are locked,
atomic and merged with concurrent writers::

    doc["aws"] = {"active": "prod", "configs": {"prod": CONFIG, ...}}
    CONFIG = {"display_name", "region", "kind": "static" | "profile" | "default-chain",
              "profile", "endpoint_url", "credentials": BLOB | None,   # sealed as "aws-config"
              "created_at", "updated_at", "last_test": {...} | None, "error": ERROR | None}
    ENTRY  = {"name": alias, "source": "aws:<config>", "secret_id", "mode", "version_stage",
              "allow_hosts", "cache": {"value": BLOB, "encoding", "fetched_at", "version_id",
              "version_stages", "arn", "secret_name", "warnings"} | absent,
              "error": ERROR | None, "last_attempt_at"}

A fetch never deletes anything: on failure the cached value stays (and keeps resolving) and
the entry records ``error = {category, code, message, at}``. AWS calls happen outside the
vault lock (a slow network must not block ``vault set``); the results are merged afterwards,
and a result is dropped if its mapping was changed or removed in the meantime.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from rqrun.errors import ProviderError, SecretNotFound, UsageError, VaultError
from rqrun.vault.aws_client import AwsConfig, Credentials, FetchedValue
from rqrun.vault.aws_configs import (
    ConfigInfo,
    add_config,
    config_name,
    configs_of,
    credentials_of,
    list_configs,
    remove_config,
    test_config,
    use_config,
)
from rqrun.vault.aws_errors import CATEGORY_HINTS, AwsFailure
from rqrun.vault.schema import LOCAL, normalize_hosts, utc_now, validate_key
from rqrun.vault.store import Sealer, Vault

__all__ = [
    "MODES",
    "FetchOutcome",
    "ConfigInfo",
    "add_config",
    "remove_config",
    "use_config",
    "list_configs",
    "test_config",
    "add_secret",
    "remove_secret",
    "refresh",
    "fetch_on_demand",
    "move_to_local",
    "ClientFactory",
]

MODES = ("plaintext", "json")
#: A few concurrent GetSecretValue calls: enough to hide latency, far below any quota.
WORKERS = 4
#: Categories that say something about the configuration as a whole (shown on list-configs).
_CONFIG_LEVEL = {"auth", "auth-expired", "config", "network"}

#: (config, credentials, service, region) -> botocore client; tests replace it to inject faults.
ClientFactory = Callable[[AwsConfig, "Credentials | None", str, "str | None"], Any]


def _default_factory(cfg: AwsConfig, creds: Credentials | None, service: str, region: str | None) -> Any:
    from rqrun.vault.aws_client import new_client

    return new_client(cfg, creds, service, region)


#: The factory every operation uses unless given one.
client_factory: ClientFactory = _default_factory


@dataclass
class FetchOutcome:
    """The result of fetching one alias (never holds the value)."""

    alias: str
    ok: bool
    failure: AwsFailure | None = None
    version_id: str | None = None
    changed: bool = False
    cached: bool = False  # a value (new, or kept from before) resolves
    fetched_at: str | None = None
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One line for the per-secret report."""
        if self.ok:
            change = "changed" if self.changed else "unchanged"
            return f"ok    {self.alias}: version {self.version_id or '?'} ({change})"
        assert self.failure is not None  # noqa: S101 - not ok means a failure; narrows the type
        kept = f"cached value from {self.fetched_at} kept" if self.cached else "no cached value"
        return f"FAIL  {self.alias}: {self.failure.one_line()} [{kept}]"


def _mapping(doc: dict[str, Any], config: str, alias: str) -> dict[str, Any] | None:
    return next((e for e in doc["secrets"] if e["source"] == f"aws:{config}" and e["name"] == alias), None)


# ---- mappings --------------------------------------------------------------------------------


def add_secret(
    vault: Vault,
    alias: str,
    *,
    secret_id: str,
    mode: str = "plaintext",
    config: str | None = None,
    version_stage: str | None = None,
    allow_hosts: list[str] | None = None,
    replace: bool = False,
) -> tuple[str, bool]:
    """Map ``alias`` to an AWS secret in a configuration; returns (config, hides a local secret)."""
    validate_key(alias)
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r}", hint="use --mode plaintext or --mode json")
    if mode == "json" and "." in alias:
        raise UsageError(
            f"a JSON-mode alias may not contain '.': {alias!r}",
            hint="{{vault:alias.key}} must stay unambiguous; use '_' or '-' instead",
        )
    if not 1 <= len(secret_id) <= 2048 or any(c.isspace() for c in secret_id):
        raise UsageError("invalid --secret-id", hint="give the secret's name, or its full or partial ARN")
    if version_stage is not None and not re.fullmatch(r"[A-Za-z0-9_\-]{1,256}", version_stage):
        raise UsageError(f"invalid version stage {version_stage[:40]!r}", hint="for example AWSCURRENT or AWSPREVIOUS")
    hosts = normalize_hosts(allow_hosts) if allow_hosts else None
    chosen = ""
    shadows = False

    def change(doc: dict[str, Any], sealer: Sealer) -> bool:
        nonlocal chosen, shadows
        chosen = config_name(vault, doc, config)
        old = _mapping(doc, chosen, alias)
        if old is not None and not replace:
            raise UsageError(
                f"{alias!r} is already mapped in configuration {chosen!r}",
                hint="pass --replace to change it (its cached value is dropped), or pick another alias",
            )
        now = utc_now()
        doc["secrets"] = [e for e in doc["secrets"] if e is not old]
        doc["secrets"].append(
            {
                "name": alias,
                "source": f"aws:{chosen}",
                "secret_id": secret_id,
                "mode": mode,
                "version_stage": version_stage,
                "allow_hosts": hosts,
                "error": None,
                "created_at": now,
                "updated_at": now,
            }
        )
        shadows = any(e["source"] == LOCAL and e["name"] == alias for e in doc["secrets"])
        return True

    vault.modify(change)
    return chosen, shadows


def remove_secret(vault: Vault, alias: str, *, config: str | None = None) -> str:
    """Delete a mapping and its cached value; returns the configuration it was in."""
    validate_key(alias)
    chosen = ""

    def change(doc: dict[str, Any], sealer: Sealer) -> bool:
        nonlocal chosen
        chosen = config_name(vault, doc, config)
        entry = _mapping(doc, chosen, alias)
        if entry is None:
            raise SecretNotFound(f"{alias!r} is not mapped in AWS configuration {chosen!r}", where=str(vault.path))
        doc["secrets"] = [e for e in doc["secrets"] if e is not entry]
        return True

    vault.modify(change)
    return chosen


# ---- fetching --------------------------------------------------------------------------------


def _check_format(entry: dict[str, Any], fetched: FetchedValue) -> tuple[AwsFailure | None, list[str]]:
    """JSON mode: the value must be a JSON object rqrun can expand (checked before it replaces the cache)."""
    if entry.get("mode") != "json":
        return None, []
    if fetched.encoding != "utf-8":
        return AwsFailure("format", "SecretFormatError", "JSON mode needs a SecretString; this secret is binary"), []
    from rqrun.vault.dotted import SecretFormatError, flatten_text

    try:
        return None, flatten_text(fetched.value).warnings
    except SecretFormatError as exc:
        return AwsFailure("format", "SecretFormatError", str(exc)), []


def refresh(
    vault: Vault,
    aliases: list[str] | None = None,
    *,
    config: str | None = None,
    factory: ClientFactory | None = None,
) -> tuple[str, list[FetchOutcome]]:
    """Fetch ``aliases`` (None: every mapping) of a configuration (default: the active one).

    Calls run a few at a time in a small thread pool (clients are thread-safe and made up
    front; sessions are not). Returns the configuration and one outcome per alias, in order.
    """
    from rqrun.vault.aws_client import region_of
    from rqrun.vault.aws_errors import classify

    make = factory or client_factory
    doc = vault.document()
    chosen = config_name(vault, doc, config)
    record = configs_of(doc)[chosen]
    entries = [e for e in doc["secrets"] if e["source"] == f"aws:{chosen}"]
    if aliases is not None:
        by_name = {e["name"]: e for e in entries}
        unknown = [a for a in aliases if a not in by_name]
        if unknown:
            raise SecretNotFound(
                f"{unknown[0]!r} is not mapped in AWS configuration {chosen!r}",
                where=str(vault.path),
                hint=f"rqrun vault aws add-secret {unknown[0]} --secret-id NAME_OR_ARN --config {chosen}",
            )
        entries = [by_name[a] for a in aliases]
    if not entries:
        return chosen, []
    cfg = AwsConfig.from_record(chosen, record)
    creds = credentials_of(vault.sealer(), chosen, record)
    secrets = creds.secrets() if creds else ()
    results: dict[str, FetchedValue | AwsFailure] = {}
    clients: dict[str | None, Any] = {}
    jobs = []
    for entry in entries:
        region = region_of(entry["secret_id"]) or cfg.region
        try:
            if region not in clients:
                clients[region] = make(cfg, creds, "secretsmanager", region)
            jobs.append((entry, clients[region]))
        except Exception as exc:  # noqa: BLE001 - e.g. ProfileNotFound: recorded per secret
            results[entry["name"]] = classify(exc, secrets)

    def one(job: tuple[dict[str, Any], Any]) -> tuple[str, FetchedValue | AwsFailure]:
        from rqrun.vault.aws_client import get_secret

        entry, client = job
        try:
            return entry["name"], get_secret(client, entry["secret_id"], entry.get("version_stage"))
        except Exception as exc:  # noqa: BLE001 - every failure becomes a per-secret error
            failure = classify(exc, secrets)
            if failure.category == "not-found":
                where = f"secret id {entry['secret_id']!r}, region {client.meta.region_name}"
                failure = AwsFailure(failure.category, failure.code, f"{failure.message} ({where})")
            return entry["name"], failure

    if len(jobs) == 1:
        results.update([one(jobs[0])])
    elif jobs:
        with ThreadPoolExecutor(max_workers=min(WORKERS, len(jobs)), thread_name_prefix="rqrun-aws") as pool:
            results.update(pool.map(one, jobs))
    outcomes = _merge(vault, chosen, entries, results)
    return chosen, outcomes


def _merge(
    vault: Vault, config: str, entries: list[dict[str, Any]], results: dict[str, FetchedValue | AwsFailure]
) -> list[FetchOutcome]:
    """Write fetched values and errors under the lock; a failure never touches the cache."""
    now = utc_now()
    outcomes: dict[str, FetchOutcome] = {}

    def change(doc: dict[str, Any], sealer: Sealer) -> bool:
        outcomes.clear()
        config_error: dict[str, Any] | None = None
        any_ok = False
        for asked in entries:
            alias = asked["name"]
            entry = _mapping(doc, config, alias)
            result = results[alias]
            same = entry is not None and all(
                entry.get(k) == asked.get(k) for k in ("secret_id", "mode", "version_stage", "allow_hosts")
            )
            if entry is None or not same:
                changed = AwsFailure("config", "MappingChanged", "the mapping was changed or removed during the fetch")
                outcomes[alias] = FetchOutcome(alias, ok=False, failure=changed)
                continue
            old_cache = entry.get("cache") if isinstance(entry.get("cache"), dict) else None
            entry["last_attempt_at"] = now
            failure: AwsFailure | None
            warnings: list[str]
            failure, warnings = (result, []) if isinstance(result, AwsFailure) else _check_format(entry, result)
            if failure is not None:
                entry["error"] = failure.as_record(now)
                if failure.category in _CONFIG_LEVEL and config_error is None:
                    config_error = entry["error"]
                outcomes[alias] = FetchOutcome(
                    alias,
                    ok=False,
                    failure=failure,
                    cached=old_cache is not None and "value" in old_cache,
                    fetched_at=(old_cache or {}).get("fetched_at"),
                    version_id=(old_cache or {}).get("version_id"),
                )
                continue
            assert isinstance(result, FetchedValue)  # noqa: S101 - the failure case continued above
            any_ok = True
            entry["cache"] = {
                "value": sealer.seal_secret(entry, result.value),
                "encoding": result.encoding,
                "fetched_at": now,
                "version_id": result.version_id,
                "version_stages": list(result.version_stages),
                "arn": result.arn,
                "secret_name": result.name,
                "warnings": warnings,
            }
            entry["error"] = None
            entry["updated_at"] = now
            outcomes[alias] = FetchOutcome(
                alias,
                ok=True,
                version_id=result.version_id,
                changed=(old_cache or {}).get("version_id") != result.version_id,
                cached=True,
                fetched_at=now,
                warnings=warnings,
            )
        record = configs_of(doc).get(config)
        if record is not None:
            if config_error is not None:
                record["error"] = config_error
            elif any_ok:
                record["error"] = None
        return True

    vault.modify(change)
    return [outcomes[e["name"]] for e in entries]


def fetch_on_demand(vault: Vault, config: str, alias: str) -> VaultError | None:
    """Fetch one never-fetched alias during a run; returns the error to raise, or None."""
    try:
        _, (outcome,) = refresh(vault, [alias], config=config)
    except VaultError as exc:
        return exc
    if outcome.ok:
        return None
    assert outcome.failure is not None  # noqa: S101 - not ok means a failure; narrows the type
    return ProviderError(
        f"{alias!r} (AWS config {config}) has never been fetched and fetching it failed: {outcome.failure.one_line()}",
        where=str(vault.path),
        hint=CATEGORY_HINTS.get(outcome.failure.category) or f"rqrun vault aws fetch {alias}",
    )


def move_to_local(vault: Vault, alias: str, *, config: str | None = None, replace: bool = False) -> str:
    """Turn a mapping into a local secret holding its last fetched value (editable, unlinked)."""
    validate_key(alias)
    chosen = ""

    def change(doc: dict[str, Any], sealer: Sealer) -> bool:
        nonlocal chosen
        chosen = config_name(vault, doc, config)
        entry = _mapping(doc, chosen, alias)
        if entry is None:
            raise SecretNotFound(f"{alias!r} is not mapped in AWS configuration {chosen!r}", where=str(vault.path))
        cache = entry.get("cache") if isinstance(entry.get("cache"), dict) else None
        if cache is None or "value" not in cache:
            raise ProviderError(
                f"{alias!r} has never been fetched: there is no value to move", hint=f"rqrun vault aws fetch {alias}"
            )
        local = next((e for e in doc["secrets"] if e["source"] == LOCAL and e["name"] == alias), None)
        if local is not None and not replace:
            raise UsageError(
                f"a local secret named {alias!r} already exists", hint="pass --replace to overwrite it with the AWS value"
            )
        value = sealer.open_secret(entry, cache["value"])
        now = utc_now()
        moved: dict[str, Any] = {
            "name": alias,
            "source": LOCAL,
            "allow_hosts": entry.get("allow_hosts"),
            "created_at": now,
            "updated_at": now,
            "error": None,
        }
        if entry.get("mode") == "json":
            moved["mode"] = "json"  # {{vault:alias.key}} keeps resolving after the move
        moved["value"] = sealer.seal_secret(moved, value)
        doc["secrets"] = [e for e in doc["secrets"] if e is not entry and e is not local]
        doc["secrets"].append(moved)
        return True

    vault.modify(change)
    return chosen
