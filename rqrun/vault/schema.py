"""The vault file's shape: format name and version, entries, key names, host patterns.

Nothing here touches cryptography or the disk, so the facade can list keys and check names
without paying for either. The document is kept as plain JSON-like dicts: unknown fields
written by a later minor release survive a rewrite by this one.

Document (version 1)::

    {"format": "rqrun-vault", "version": 1, "aad_v": 1,
     "vault_id": "<b64 16 bytes>", "created_at": "...", "updated_at": "...",
     "key_slots": [{"type": "keyfile" | "keyring" | "passphrase" | "env_key", "wrapped": BLOB, ...}],
     "aws": {...},                                    # one section per provider prefix
     "secrets": [ENTRY, ...]}

    ENTRY = {"name": "apiKey", "source": "local" | "<provider prefix>:<config>",
             "allow_hosts": ["api.example.com"] | null,
             "value": BLOB, "mode": "json" (optional),        # local entries
             "cache": {"value": BLOB, "fetched_at": "...", ...},   # provider entries
             ...provider fields (AWS: "secret_id", "mode", "version_stage"),
             "error": {"category", "code", "message", "at"} | null,
             "created_at": "...", "updated_at": "..."}

    BLOB = {"nonce": "<b64 12>", "ct": "<b64 ciphertext+tag>"}

An entry is identified by ``(source, name)``: a local secret and an AWS alias may share a name
(the provider's wins while its configuration is active). Provider entries are described in
:mod:`rqrun.vault.providers`; this module knows providers only by their declared prefixes.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rqrun.errors import UsageError, VaultError
from rqrun.vault import providers

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "AAD_VERSION",
    "LOCAL",
    "VaultEntry",
    "validate_key",
    "normalize_hosts",
    "host_allowed",
    "new_document",
    "parse_document",
    "secret_aad_meta",
    "entry_blob",
    "is_provider_source",
    "utc_now",
    "recovery_hint",
    "SlotInfo",
    "SLOT_NAMES",
    "slot_infos",
    "find_slot",
    "MIGRATIONS",
]

FORMAT_NAME = "rqrun-vault"
#: The version this rqrun writes. Older files are migrated in memory; newer ones are refused.
FORMAT_VERSION = 1
#: Version of the associated-data construction; changing it means re-encrypting every value.
AAD_VERSION = 1
LOCAL = "local"

_KEY_RE = re.compile(r"[A-Za-z0-9_.\-]{1,256}")
_HOST_RE = re.compile(r"(\*\.)?([a-z0-9_](?:[a-z0-9_\-]*[a-z0-9_])?)(\.[a-z0-9_](?:[a-z0-9_\-]*[a-z0-9_])?)*")
_IPV6_RE = re.compile(r"\[[0-9a-f:.]+\]")

#: version -> function turning a document of that version into one of version + 1.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def utc_now() -> str:
    """ISO-8601 UTC to the second: readable in the file, sortable as text."""
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def validate_key(key: object) -> str:
    """Return ``key`` if it is a valid vault key, else raise a UsageError that says what is allowed."""
    if isinstance(key, str) and _KEY_RE.fullmatch(key):
        return key
    shown = repr(key)[:60] if isinstance(key, str) else type(key).__name__
    raise UsageError(
        f"invalid vault key {shown}",
        hint="keys use letters, digits, '_', '-' and '.', at most 256 characters",
    )


def normalize_hosts(hosts: list[str] | tuple[str, ...] | None) -> list[str] | None:
    """Lower-cased, de-duplicated, sorted host patterns; ``None`` when there is no restriction.

    A pattern is a host name (``api.example.com``), a sub-domain wildcard (``*.example.com``,
    which does not match ``example.com`` itself), an IP address, optionally with ``:port``.
    """
    if hosts is None:
        return None
    out: set[str] = set()
    for raw in hosts:
        if not isinstance(raw, str):
            raise UsageError(f"invalid allowed host {raw!r}", hint="give a host name such as api.example.com")
        host = raw.strip().lower().rstrip(".")
        name, port = _split_port(host)
        if not name or not (_HOST_RE.fullmatch(name) or _IPV6_RE.fullmatch(name)) or (
            port is not None and not (port.isdigit() and 0 < int(port) < 65536)
        ):
            raise UsageError(
                f"invalid allowed host {raw!r}",
                hint="use a host name (api.example.com), a wildcard (*.example.com) or host:port, no scheme or path",
            )
        out.add(host)
    return sorted(out)


def _split_port(host: str) -> tuple[str, str | None]:
    if host.startswith("["):
        end = host.find("]")
        if end != -1 and host[end + 1 : end + 2] == ":":
            return host[: end + 1], host[end + 2 :]
        return host, None
    if host.count(":") == 1:
        name, port = host.split(":")
        return name, port
    return host, None


def host_allowed(patterns: list[str] | None, host: str, port: int | None = None) -> bool:
    """Whether a request to ``host`` (and ``port``) may carry a secret restricted to ``patterns``.

    ``None`` means unrestricted. A pattern without a port matches any port.
    """
    if patterns is None:
        return True
    host = host.lower().rstrip(".")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # a bare IPv6 literal, as urllib gives it
    for pattern in patterns:
        name, want_port = _split_port(pattern)
        if want_port is not None and (port is None or int(want_port) != port):
            continue
        if name.startswith("*."):
            if host.endswith(name[1:]) and len(host) > len(name) - 1:
                return True
        elif host == name:
            return True
    return False


def is_provider_source(source: str) -> bool:
    """True for entries that mirror a provider (``<prefix>:<config>``): read-only to users and scripts."""
    return source != LOCAL


def new_document(vault_id: str) -> dict[str, Any]:
    """An empty document of the current version."""
    now = utc_now()
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "aad_v": AAD_VERSION,
        "vault_id": vault_id,
        "created_at": now,
        "updated_at": now,
        "key_slots": [],
        **{prefix: {} for prefix in providers.declared()},
        "secrets": [],
    }


def recovery_hint(path: str) -> str:
    """How to get a readable vault back, naming the backup only if there is one."""
    backup = f"{path}.bak"
    if os.path.exists(backup):
        return f"the previous version is in {backup}; restore it with `cp {backup} {path}`"
    return f"there is no backup ({backup}); move the file away to start an empty vault"


def _corrupt(path: str, what: str) -> VaultError:
    return VaultError(f"the vault file {what}; it was left untouched", where=path, hint=recovery_hint(path))


def parse_document(raw: bytes, path: str) -> tuple[dict[str, Any], int | None]:
    """Parse and check a vault file; returns the document (migrated) and the version it came from.

    Raises VaultError for anything that is not a vault this rqrun can read. The second item is
    the original version when a migration ran, else None (the caller keeps a copy on write).
    """
    if not raw.strip():
        raise _corrupt(path, "is empty (a truncated write?)")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _corrupt(path, "is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise _corrupt(path, f"is not valid JSON (line {exc.lineno}, column {exc.colno}; truncated?)") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise _corrupt(path, f"is not an rqrun vault (no \"format\": \"{FORMAT_NAME}\")")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _corrupt(path, f"has an invalid format version {version!r}")
    if version > FORMAT_VERSION:
        raise VaultError(
            f"the vault was written by a newer rqrun (format version {version}; this rqrun reads up to "
            f"{FORMAT_VERSION}); it was left untouched",
            where=path,
            hint="upgrade rqrun (pip install -U rqrun)",
        )
    migrated_from: int | None = None
    while doc["version"] < FORMAT_VERSION:
        step = MIGRATIONS.get(doc["version"])
        if step is None:
            raise _corrupt(path, f"has format version {doc['version']}, which this rqrun cannot migrate")
        migrated_from = migrated_from or version
        doc = step(doc)
    _check_shape(doc, path)
    return doc, migrated_from


def _check_shape(doc: dict[str, Any], path: str) -> None:
    """Structural checks, so that later code can index without guarding every access."""
    if doc.get("aad_v") != AAD_VERSION:
        raise _corrupt(path, f"uses an unknown associated-data version {doc.get('aad_v')!r}")
    if not isinstance(doc.get("vault_id"), str) or not doc["vault_id"]:
        raise _corrupt(path, "has no vault_id")
    slots = doc.get("key_slots")
    if not isinstance(slots, list) or not all(isinstance(s, dict) and _is_blob(s.get("wrapped")) for s in slots):
        raise _corrupt(path, "has malformed key_slots")
    known = providers.declared()
    for prefix in known:
        if not isinstance(doc.setdefault(prefix, {}), dict):
            raise _corrupt(path, f"has a malformed {prefix} section")
    secrets = doc.get("secrets")
    if not isinstance(secrets, list):
        raise _corrupt(path, "has no secrets list")
    seen: set[tuple[str, str]] = set()
    for entry in secrets:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not _KEY_RE.fullmatch(entry["name"]):
            raise _corrupt(path, "has a secret entry without a valid name")
        source = entry.get("source")
        if not isinstance(source, str) or not (source == LOCAL or providers.prefix_of(source) in known):
            raise _corrupt(path, f"has an entry {entry['name']!r} with an unknown source {source!r}")
        ident = (source, entry["name"])
        if ident in seen:
            raise _corrupt(path, f"has two entries named {entry['name']!r} for {source}")
        seen.add(ident)
        blob = entry_blob(entry)
        if blob is not None and not _is_blob(blob):
            raise _corrupt(path, f"has a malformed value for {entry['name']!r}")
        if source == LOCAL and blob is None:
            raise _corrupt(path, f"has a local entry {entry['name']!r} without a value")
        hosts = entry.get("allow_hosts")
        if hosts is not None and not (isinstance(hosts, list) and all(isinstance(h, str) for h in hosts)):
            raise _corrupt(path, f"has malformed allow_hosts for {entry['name']!r}")


def _is_blob(blob: object) -> bool:
    return isinstance(blob, dict) and isinstance(blob.get("nonce"), str) and isinstance(blob.get("ct"), str)


def entry_blob(entry: dict[str, Any]) -> dict[str, str] | None:
    """The encrypted value of an entry: ``value`` for local secrets, ``cache.value`` for provider ones."""
    if entry.get("source") == LOCAL:
        return entry.get("value")
    cache = entry.get("cache")
    return cache.get("value") if isinstance(cache, dict) else None


def secret_aad_meta(entry: dict[str, Any]) -> dict[str, Any]:
    """The fields an entry's ciphertext is bound to.

    Name and source stop swaps and relabelling; the configuration and the provider's
    ``aad_fields`` stop a cached value from being passed off as another secret; ``allow_hosts`` is bound because it is a security control: an
    entry whose host list was edited outside rqrun no longer decrypts, so it fails closed.
    """
    source = entry["source"]
    meta: dict[str, Any] = {"source": source, "allow_hosts": entry.get("allow_hosts")}
    if source == LOCAL and entry.get("mode") is not None:
        meta["mode"] = entry["mode"]  # a JSON secret moved to local keeps expanding; bound like the rest
    if source != LOCAL:
        prefix, _, config = source.partition(":")
        provider = providers.get(prefix)
        if provider is None:
            raise VaultError(f"no provider serves the source {source!r}")
        meta["config"] = config
        meta.update({name: entry.get(name) for name in provider.aad_fields})
    return meta


#: Slot types as the user names them (``rqrun vault key ...``) -> as stored.
SLOT_NAMES = {"raw": "env_key", "passphrase": "passphrase", "keyring": "keyring", "keyfile": "keyfile"}
_SLOT_LABELS = {stored: shown for shown, stored in SLOT_NAMES.items()}


@dataclass(frozen=True)
class SlotInfo:
    """What ``vault key list`` shows about one key slot (never key material)."""

    number: int  # 1-based position, what ``vault key remove N`` takes
    type: str  # raw, passphrase, keyring, keyfile
    key_id: str | None  # fingerprint of a raw key or key file
    created_at: str | None
    detail: str


def slot_infos(doc: dict[str, Any]) -> list[SlotInfo]:
    """The document's key slots, described; needs no key."""
    out = []
    for number, slot in enumerate(doc["key_slots"], start=1):
        stored = str(slot.get("type"))
        kind = _SLOT_LABELS.get(stored, stored)
        if stored == "env_key":
            detail = "RQRUN_VAULT_KEY"
        elif stored == "passphrase":
            detail = f"RQRUN_VAULT_PASSPHRASE or a prompt ({(slot.get('kdf') or {}).get('alg', '?')})"
        elif stored == "keyring":
            detail = f"OS keyring {slot.get('service', '?')}/{slot.get('username', '?')}"
        elif stored == "keyfile":
            detail = "$RQRUN_HOME/vault.key"
        else:
            detail = "unknown slot type"
        kid = slot.get("kid")
        out.append(SlotInfo(number, kind, kid if isinstance(kid, str) else None, slot.get("created_at"), detail))
    return out


def find_slot(doc: dict[str, Any], ident: str) -> int:
    """The index of the slot ``ident`` names: its number, its key id, or its type when only one has it."""
    infos = slot_infos(doc)
    text = ident.strip().lower()
    if text.isdigit() and 1 <= int(text) <= len(infos):
        return int(text) - 1
    by_id = [i.number - 1 for i in infos if i.key_id and len(text) >= 6 and i.key_id.startswith(text)]
    by_type = [i.number - 1 for i in infos if i.type == text]
    for matches in (by_id, by_type):
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise UsageError(f"{ident!r} names {len(matches)} key slots", hint="give its number from `rqrun vault key list`")
    raise UsageError(f"no key slot {ident!r}", hint="`rqrun vault key list` shows the slots and their numbers")


@dataclass(frozen=True)
class VaultEntry:
    """What ``vault list`` shows about one secret. Holds no value, by construction."""

    key: str
    source: str
    allow_hosts: tuple[str, ...] | None
    updated_at: str | None
    error: dict[str, Any] | None = None
    created_at: str | None = None
    #: For provider entries: whether a value has been fetched and cached.
    cached: bool = True
    #: Set on a local entry hidden by an AWS alias of the active configuration.
    shadowed_by: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def read_only(self) -> bool:
        return is_provider_source(self.source)

    def __repr__(self) -> str:
        return f"VaultEntry(key={self.key!r}, source={self.source!r}, allow_hosts={self.allow_hosts!r}, value=<hidden>)"
