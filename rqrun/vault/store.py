"""The vault: one JSON file, values encrypted, read without locks, written under one.

Reading needs no lock (files are replaced atomically). The data key is unwrapped once per
process, on the first value read or write, and every value is then decrypted and kept in memory,
so a run resolving thousands of ``{{vault:x}}`` pays for dict lookups only. Every write re-reads
the file under the sidecar lock, re-verifies what it has not verified yet, applies the change
and replaces the file atomically; a file that does not parse or authenticate is never written.

``cryptography`` (through :mod:`rqrun.vault.crypto` and :mod:`rqrun.vault.keys`) is imported on
the first unlock, not when this module is imported. Provider entries (``<prefix>:<config>``)
are routed to the provider registered for the prefix (:mod:`rqrun.vault.providers`); this
module imports no provider.

The library never prints: notices and warnings (the one-time key-file notice, loose file
permissions) go to the ``notify`` callback the caller gives, and are kept in ``Vault.notices``.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rqrun.errors import UsageError, VaultError
from rqrun.vault import fileio, providers
from rqrun.vault.schema import (
    LOCAL,
    SlotInfo,
    VaultEntry,
    entry_blob,
    find_slot,
    is_provider_source,
    new_document,
    normalize_hosts,
    parse_document,
    recovery_hint,
    secret_aad_meta,
    slot_infos,
    utc_now,
    validate_key,
)

__all__ = ["Vault", "Sealer", "open_vault", "default_vault_path", "close_all"]

Notify = Callable[[str], None]
_Ident = tuple[str, str]  # (source, name)

_REGISTRY: dict[Path, Vault] = {}
_REGISTRY_LOCK = threading.Lock()


def default_vault_path() -> Path:
    """``$RQRUN_HOME/vault.json``; ``RQRUN_HOME`` defaults to the user config dir for rqrun."""
    return fileio.default_vault_path()


class Sealer:
    """Encrypts and decrypts under one vault's data key, with the associated data of each kind.

    Given to :meth:`Vault.modify` callbacks, so a provider can store credentials and caches
    without handling the key itself.
    """

    def __init__(self, vault_id: str, dek: bytes) -> None:
        self._vault_id = vault_id
        self._dek = dek

    def __repr__(self) -> str:
        return f"Sealer(vault_id={self._vault_id!r}, key=<hidden>)"

    def seal(self, kind: str, name: str, meta: dict[str, Any], plaintext: bytes) -> dict[str, str]:
        from rqrun.vault import crypto

        return crypto.seal(self._dek, plaintext, crypto.aad(self._vault_id, kind, name, meta))

    def open(self, kind: str, name: str, meta: dict[str, Any], blob: dict[str, str]) -> bytes:
        """Decrypt, or raise ``crypto.AuthenticationFailed``."""
        from rqrun.vault import crypto

        return crypto.open_blob(self._dek, blob, crypto.aad(self._vault_id, kind, name, meta))

    def seal_secret(self, entry: dict[str, Any], value: str) -> dict[str, str]:
        """Encrypt a secret's value bound to the entry's name, source, hosts and provider fields."""
        return self.seal("secret", entry["name"], secret_aad_meta(entry), value.encode("utf-8"))

    def open_secret(self, entry: dict[str, Any], blob: dict[str, str]) -> str:
        return self.open("secret", entry["name"], secret_aad_meta(entry), blob).decode("utf-8")


class Vault:
    """A vault file: the facade the CLI, the runner and ``rq.vault`` use. See :func:`open_vault`."""

    def __init__(self, path: str | os.PathLike[str], *, interactive: bool = False, notify: Notify | None = None) -> None:
        self.path = Path(path)
        self.interactive = interactive
        self.notices: list[str] = []  # every notice and warning so far, for callers without a sink
        self._notify_sink = notify
        self._lock = threading.RLock()
        self._doc: dict[str, Any] | None = None
        self._vault_id: str | None = None  # the vault the cached key belongs to
        self._dek: bytes | None = None
        self._plain: dict[_Ident, tuple[str, str]] = {}  # ident -> (ciphertext it came from, value)
        self._bad: dict[_Ident, str] = {}  # entries that failed to authenticate
        self._index: dict[str, dict[str, Any]] = {}  # resolvable name -> entry
        self._overrides: dict[str, str] = {}  # provider prefix -> configuration chosen for this process
        self._flat: dict[_Ident, tuple[str, Any]] = {}  # JSON-mode entries: ident -> (ciphertext, flattened)
        self._on_demand: dict[_Ident, VaultError | None] = {}  # provider aliases fetched during this process
        self._load(check_permissions=True)

    def __repr__(self) -> str:
        state = "unlocked" if self._dek is not None else "locked"
        return f"<Vault {str(self.path)!r} keys={len(self._index)} {state}>"

    # ---- loading -------------------------------------------------------------------------

    def _notify(self, message: str) -> None:
        self.notices.append(message)
        if self._notify_sink is not None:
            self._notify_sink(message)

    def _load(self, *, check_permissions: bool = False) -> None:
        raw = fileio.read_bytes(self.path)
        doc = None if raw is None else parse_document(raw, str(self.path))[0]
        if check_permissions and doc is not None:
            self._check_permissions(doc)
        self._set_doc(doc)

    def _check_permissions(self, doc: dict[str, Any]) -> None:
        problems = fileio.permission_problems(self.path) + fileio.permission_problems(self.path.parent, is_dir=True)
        if any(s.get("type") == "keyfile" for s in doc["key_slots"]):
            from rqrun.vault.fileio import rqrun_home

            problems += fileio.permission_problems(rqrun_home() / "vault.key")
        for problem in problems:
            self._notify(f"warning: {problem}")

    def reload(self) -> None:
        """Re-read the file (cheap: the key stays unwrapped while the vault is the same one)."""
        with self._lock:
            self._load()

    def _set_doc(self, doc: dict[str, Any] | None) -> None:
        self._doc = doc
        if doc is None or doc["vault_id"] != self._vault_id:
            # Another vault (or none) now sits at this path: nothing cached applies to it.
            self._plain.clear()
            self._bad.clear()
            self._flat.clear()
            self._dek = None
            self._vault_id = None
        else:
            live = {(e["source"], e["name"]): e for e in doc["secrets"]}
            for ident in list(self._plain):
                blob = entry_blob(live[ident]) if ident in live else None
                if blob is None or blob["ct"] != self._plain[ident][0]:
                    del self._plain[ident]
            for ident in list(self._bad):
                if ident not in live:
                    del self._bad[ident]
        self._index = self._build_index(doc)

    def _build_index(self, doc: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
        if doc is None:
            return {}
        index: dict[str, dict[str, Any]] = {}
        active: set[str] = set()
        for entry in doc["secrets"]:
            source = entry["source"]
            if source == LOCAL:
                index.setdefault(entry["name"], entry)
            elif source not in active:
                prefix = providers.prefix_of(source)
                if source == f"{prefix}:{self._active_config(doc, prefix)}":
                    active.add(source)
        for entry in doc["secrets"]:
            if entry["source"] in active:
                index[entry["name"]] = entry  # the provider wins on a duplicate key
        return index

    def _provider(self, prefix: str) -> providers.Provider:
        provider = providers.get(prefix)
        if provider is None:
            raise VaultError(f"no provider serves the source prefix {prefix!r}", where=str(self.path))
        return provider

    def _active_config(self, doc: dict[str, Any] | None, prefix: str) -> str | None:
        if prefix in self._overrides:
            return self._overrides[prefix]
        return None if doc is None else self._provider(prefix).active_config(doc)

    @property
    def exists(self) -> bool:
        return self._doc is not None

    def active_config(self, prefix: str) -> str | None:
        """The configuration of provider ``prefix`` whose secrets resolve: the override, else the stored one."""
        return self._active_config(self._doc, prefix)

    def use_config(self, prefix: str, name: str | None) -> None:
        """Resolve provider ``prefix`` from configuration ``name`` for this process only; not saved."""
        with self._lock:
            if name is None:
                self._overrides.pop(prefix, None)
            else:
                self._overrides[prefix] = name
            self._index = self._build_index(self._doc)

    def use_aws_config(self, name: str | None) -> None:
        """``--aws-config NAME``: the same as ``use_config("aws", name)``."""
        self.use_config("aws", name)

    # ---- unlocking and decryption ------------------------------------------------------------

    def _key_for(self, doc: dict[str, Any]) -> bytes:
        if self._dek is not None and self._vault_id == doc["vault_id"]:
            return self._dek
        from rqrun.vault import keys

        dek = keys.unlock(doc, self.path, interactive=self.interactive)
        self._dek, self._vault_id = dek, doc["vault_id"]
        return dek

    def _verify(self, doc: dict[str, Any], dek: bytes) -> None:
        """Decrypt every entry not yet in the cache; record those that fail to authenticate."""
        from rqrun.vault.crypto import AuthenticationFailed

        sealer = Sealer(doc["vault_id"], dek)
        for entry in doc["secrets"]:
            ident = (entry["source"], entry["name"])
            blob = entry_blob(entry)
            if blob is None or (ident in self._plain and self._plain[ident][0] == blob["ct"]):
                continue
            try:
                self._plain[ident] = (blob["ct"], sealer.open_secret(entry, blob))
                self._bad.pop(ident, None)
            except (AuthenticationFailed, UnicodeDecodeError):
                self._bad[ident] = entry["name"]

    def _tamper_error(self, name: str) -> VaultError:
        return VaultError(
            f"the entry {name!r} does not authenticate: it was modified, moved or relabelled outside rqrun; "
            "the file was left untouched",
            where=str(self.path),
            hint=recovery_hint(str(self.path)) + f", or delete the entry {name!r} from the file by hand",
        )

    def unlock(self) -> None:
        """Unwrap the data key and decrypt every value now (otherwise done on first use)."""
        with self._lock:
            if self._doc is not None:
                self._verify(self._doc, self._key_for(self._doc))

    def _value(self, entry: dict[str, Any]) -> str | None:
        ident = (entry["source"], entry["name"])
        blob = entry_blob(entry)
        if blob is None:
            return None  # a provider alias that was never fetched
        cached = self._plain.get(ident)
        if cached is not None and cached[0] == blob["ct"]:
            return cached[1]
        with self._lock:
            assert self._doc is not None  # noqa: S101 - an entry came from the loaded document
            self._verify(self._doc, self._key_for(self._doc))
        if ident in self._bad:
            raise self._tamper_error(entry["name"])
        return self._plain[ident][1]

    def _owner(self, key: str, index: dict[str, dict[str, Any]] | None = None) -> tuple[dict[str, Any] | None, str | None]:
        """The entry ``key`` resolves to, and the dotted path inside it (None for an exact match).

        An exact key always wins; otherwise ``alias.path`` resolves inside a JSON-mode entry
        named ``alias`` (JSON aliases contain no dot, so the split is unambiguous).
        """
        index = self._index if index is None else index
        entry = index.get(key)
        if entry is not None:
            return entry, None
        alias, dot, path = key.partition(".")
        owner = index.get(alias) if dot else None
        if owner is not None and owner.get("mode") == "json" and path:
            return owner, path
        return None, None

    def _fetch_on_demand(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Fetch a provider alias that has no cached value, once per process; returns the fresh entry.

        A failure is remembered (and raised again) so a run with many references to an
        unreachable secret asks the provider once, not once per placeholder.
        """
        ident = (entry["source"], entry["name"])
        prefix, _, config = entry["source"].partition(":")
        with self._lock:
            if ident not in self._on_demand:
                provider = self._provider(prefix)
                doc = self._doc if self._doc is not None else new_document("")
                self._on_demand[ident] = provider.fetch_missing(self, doc, config, entry["name"])
            error = self._on_demand[ident]
            if error is not None:
                raise error
            fresh = next((e for e in (self._doc or {}).get("secrets", []) if (e["source"], e["name"]) == ident), None)
            return fresh if fresh is not None else entry

    def _flattened(self, entry: dict[str, Any]) -> Any:
        """The dotted keys of a JSON-mode entry's value (memoised per ciphertext), or None."""
        value = self._value(entry)
        blob = entry_blob(entry)
        if value is None or blob is None:
            return None
        ident = (entry["source"], entry["name"])
        memo = self._flat.get(ident)
        if memo is not None and memo[0] == blob["ct"]:
            return memo[1]
        from rqrun.vault.dotted import SecretFormatError, flatten_text

        try:
            flat: Any = flatten_text(value)
        except SecretFormatError:
            flat = None  # e.g. a local JSON-mode secret overwritten with plain text: only the bare key resolves
        self._flat[ident] = (blob["ct"], flat)
        return flat

    def _missing(self, key: str) -> None:
        validate_key(key)
        doc = self._doc if self._doc is not None else new_document("")
        for prefix, config in self._overrides.items():
            error = self._provider(prefix).selection_error(doc, config, str(self.path))
            if error is not None:
                raise error

    # ---- reading -----------------------------------------------------------------------------

    def get(self, key: str) -> str | None:
        """The decrypted value, or None when the key is absent.

        A provider alias that was never fetched is fetched now (once per process); if that
        fails, :class:`ProviderError` says why. ``alias.path`` reads inside a JSON-mode secret.
        """
        entry, path = self._owner(key)
        if entry is None:
            self._missing(key)
            return None
        if is_provider_source(entry["source"]) and entry_blob(entry) is None:
            entry = self._fetch_on_demand(entry)
        if path is None:
            return self._value(entry)
        flat = self._flattened(entry)
        return None if flat is None else flat.get(path)

    def has(self, key: str) -> bool:
        """Whether ``key`` resolves. Never calls a provider: a dotted key of an unfetched JSON alias counts."""
        entry, path = self._owner(key)
        if entry is None:
            self._missing(key)
            return False
        if path is None or entry_blob(entry) is None:
            return True
        flat = self._flattened(entry)
        return flat is not None and path in flat

    def provider_error(self, key: str) -> dict[str, Any] | None:
        """The error recorded by the last failed fetch of the provider secret ``key`` resolves to, if any."""
        entry, _ = self._owner(key)
        if entry is None or not is_provider_source(entry["source"]) or not isinstance(entry.get("error"), dict):
            return None
        return dict(entry["error"])

    def keys(self) -> list[str]:
        """Every key that resolves: local secrets and the aliases of each provider's active configuration."""
        return sorted(self._index)

    def entries(self) -> list[VaultEntry]:
        """Metadata of every entry (all sources, all configurations), never values; needs no key."""
        doc = self._doc
        if doc is None:
            return []
        out = []
        for entry in sorted(doc["secrets"], key=lambda e: (e["name"], e["source"])):
            winner = self._index.get(entry["name"])
            shadowed = winner["source"] if winner is not None and winner is not entry and entry["source"] == LOCAL else None
            hosts = entry.get("allow_hosts")
            cache = entry.get("cache")
            out.append(
                VaultEntry(
                    key=entry["name"],
                    source=entry["source"],
                    allow_hosts=tuple(hosts) if hosts is not None else None,
                    updated_at=entry.get("updated_at"),
                    error=dict(entry["error"]) if isinstance(entry.get("error"), dict) else None,
                    created_at=entry.get("created_at"),
                    cached=entry_blob(entry) is not None,
                    shadowed_by=shadowed,
                    extra={k: cache[k] for k in ("fetched_at", "version_id") if k in cache} if isinstance(cache, dict) else {},
                )
            )
        return out

    def allowed_hosts(self, key: str) -> list[str] | None:
        """Hosts a request carrying this secret may go to; None means any.

        The list is authenticated (it is bound into the value's associated data), so reading it
        unlocks the vault: an edited list makes this raise rather than widen what is allowed.
        """
        entry, _ = self._owner(key)
        if entry is None:
            validate_key(key)
            return None
        self._value(entry)
        hosts = entry.get("allow_hosts")
        return list(hosts) if hosts is not None else None

    def is_read_only(self, key: str) -> bool:
        """True when ``key`` resolves to a provider-linked secret: set/unset refuse it."""
        entry, _ = self._owner(key)
        return entry is not None and is_provider_source(entry["source"])

    # ---- writing -----------------------------------------------------------------------------

    def _read_only_error(self, entry: dict[str, Any]) -> VaultError:
        return self._provider(providers.prefix_of(entry["source"])).read_only_error(entry, str(self.path))

    def document(self) -> dict[str, Any]:
        """A private copy of the current file's document (re-read first); for providers and listings."""
        import copy

        with self._lock:
            self._load()
            return copy.deepcopy(self._doc) if self._doc is not None else new_document("")

    def sealer(self) -> Sealer:
        """A :class:`Sealer` for the current file, unlocking it if needed (to read sealed credentials)."""
        with self._lock:
            self._load()
            if self._doc is None:
                raise VaultError("the vault does not exist yet", where=str(self.path))
            return Sealer(self._doc["vault_id"], self._key_for(self._doc))

    def modify(self, change: Callable[[dict[str, Any], Sealer], bool]) -> None:
        """Read-modify-write under the lock: re-read, re-verify, ``change(doc, sealer)``, write.

        ``change`` edits the document in place and returns whether there is anything to write.
        A missing file becomes a new vault (with its key slots); a file that does not parse or
        whose entries do not all authenticate raises before anything is written.
        """
        with self._lock, fileio.vault_lock(self.path):
            raw = fileio.read_bytes(self.path)
            migrated_from: int | None = None
            if raw is None:
                from rqrun.vault import crypto, keys

                doc = new_document(crypto.new_vault_id())
                dek = crypto.random_key()
                keys.create_slots(doc, dek, self._notify)
                self._set_doc(None)
            else:
                doc, migrated_from = parse_document(raw, str(self.path))
                self._set_doc(doc)
                dek = self._key_for(doc)
                self._verify(doc, dek)
                if self._bad:
                    raise self._tamper_error(next(iter(self._bad.values())))
            if not change(doc, Sealer(doc["vault_id"], dek)) and raw is not None:
                return
            doc["secrets"].sort(key=lambda e: (e["name"], e["source"]))
            doc["updated_at"] = utc_now()
            data = json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
            extra = self.path.with_name(f"{self.path.name}.v{migrated_from}.bak") if migrated_from else None
            fileio.atomic_write(self.path, data, extra_backup=extra)
            self._dek, self._vault_id = dek, doc["vault_id"]
            self._set_doc(doc)
            self._verify(doc, dek)

    def set(self, key: str, value: str, *, allow_hosts: list[str] | None = None) -> None:
        """Store a local secret now (locked, atomic).

        ``allow_hosts=None`` keeps the entry's current host list (none for a new entry), so a
        script refreshing a token never drops a restriction; ``[]`` removes the restriction.
        """
        validate_key(key)
        if not isinstance(value, str):
            raise UsageError(f"the value for {key!r} must be a string, not {type(value).__name__}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(f"the value for {key!r} is not valid Unicode text (a lone surrogate)") from None
        hosts = normalize_hosts(allow_hosts)

        def change(doc: dict[str, Any], sealer: Sealer) -> bool:
            winner, _ = self._owner(key, self._build_index(doc))
            if winner is not None and is_provider_source(winner["source"]):
                raise self._read_only_error(winner)
            entry = next((e for e in doc["secrets"] if e["source"] == LOCAL and e["name"] == key), None)
            now = utc_now()
            if entry is None:
                entry = {"name": key, "source": LOCAL, "allow_hosts": None, "created_at": now, "error": None}
                doc["secrets"].append(entry)
            if allow_hosts is not None:
                entry["allow_hosts"] = hosts or None
            entry["updated_at"] = now
            entry["value"] = sealer.seal_secret(entry, value)
            return True

        self.modify(change)

    def unset(self, key: str) -> bool:
        """Delete a local secret; False when there was none (nothing is written then)."""
        validate_key(key)
        if fileio.read_bytes(self.path) is None:
            return False
        removed = False

        def change(doc: dict[str, Any], sealer: Sealer) -> bool:
            nonlocal removed
            winner, _ = self._owner(key, self._build_index(doc))
            if winner is not None and is_provider_source(winner["source"]):
                raise self._read_only_error(winner)
            before = len(doc["secrets"])
            doc["secrets"] = [e for e in doc["secrets"] if not (e["source"] == LOCAL and e["name"] == key)]
            removed = len(doc["secrets"]) != before
            return removed

        self.modify(change)
        return removed

    def add_key_slot(self, slot_type: str, *, secret: str | None = None) -> SlotInfo:
        """Let another source unlock this vault too: ``passphrase``, ``env_key``, ``keyring``, ``keyfile``.

        Unlocks the vault first (with whatever unlocks it today), so only someone who can
        already open it can add a way in.
        """
        from rqrun.vault import keys

        added: list[int] = []

        def change(doc: dict[str, Any], sealer: Sealer) -> bool:
            slot = keys.add_slot(doc, sealer._dek, slot_type, secret=secret)
            added.append(next(i for i, s in enumerate(doc["key_slots"]) if s is slot))
            return True

        self._require_file()
        self.modify(change)
        assert self._doc is not None  # noqa: S101 - modify() loaded it; narrows the type
        return slot_infos(self._doc)[added[-1]]

    def key_slots(self) -> list[SlotInfo]:
        """The key slots, described (never key material); needs no key."""
        return slot_infos(self._doc) if self._doc is not None else []

    def remove_key_slot(self, ident: str) -> SlotInfo:
        """Remove the slot ``ident`` names (number, key id, or type when unique); never the last one.

        Unlocks first: removing a way in needs a key that opens the vault.
        """
        from rqrun.vault import keys

        removed: list[SlotInfo] = []

        def change(doc: dict[str, Any], sealer: Sealer) -> bool:
            index = find_slot(doc, ident)
            if len(doc["key_slots"]) == 1:
                raise UsageError(
                    "refusing to remove the vault's only key slot: nothing could unlock it afterwards",
                    hint="add another first: rqrun vault key add --raw | --passphrase | --keyring",
                )
            removed.append(slot_infos(doc)[index])
            keys.remove_slot(doc, doc["key_slots"][index])
            return True

        self._require_file()
        self.modify(change)
        return removed[-1]

    def _require_file(self) -> None:
        if fileio.read_bytes(self.path) is None:
            raise VaultError(
                "the vault does not exist yet", where=str(self.path), hint="store a secret first: rqrun vault set KEY"
            )

    def close(self) -> None:
        """Forget the key and the decrypted values (best effort: Python strings are immutable)."""
        with self._lock:
            self._dek = None
            self._vault_id = None
            self._plain.clear()
            self._flat.clear()
        with _REGISTRY_LOCK:
            if _REGISTRY.get(self.path.absolute()) is self:
                del _REGISTRY[self.path.absolute()]


def open_vault(
    path: str | os.PathLike[str] | None, *, interactive: bool = False, notify: Notify | None = None
) -> Vault:
    """The vault at ``path`` (None: the default path), shared within the process.

    Opening reads and checks the file but does not unlock it, and creates nothing: a missing
    file is an empty vault until the first ``set``. A second ``open_vault`` of the same path
    returns the same object, re-read, with its key still unwrapped (one unlock per process).
    ``notify`` receives warnings and notices (one line each, no prefix); without it they are
    only kept in ``Vault.notices``: the library never prints.
    """
    target = Path(path).expanduser() if path is not None else default_vault_path()
    absolute = target.absolute()
    with _REGISTRY_LOCK:
        vault = _REGISTRY.get(absolute)
        if vault is not None:
            vault.interactive = vault.interactive or interactive
            if notify is not None:
                vault._notify_sink = notify
            vault.reload()
            return vault
        vault = Vault(target, interactive=interactive, notify=notify)
        _REGISTRY[absolute] = vault
        return vault


def close_all() -> None:
    """Close every vault opened in this process (tests, and long-lived hosts between runs)."""
    with _REGISTRY_LOCK:
        vaults = list(_REGISTRY.values())
    for vault in vaults:
        vault.close()
