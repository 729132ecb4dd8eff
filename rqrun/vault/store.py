"""The vault: one JSON file, values encrypted, read without locks, written under one.

Reading needs no lock (files are replaced atomically). The data key is unwrapped once per
process, on the first value read or write, and every value is then decrypted and kept in memory,
so a run resolving thousands of ``{{vault:x}}`` pays for dict lookups only. Every write re-reads
the file under the sidecar lock, re-verifies what it has not verified yet, applies the change
and replaces the file atomically; a file that does not parse or authenticate is never written.

``cryptography`` (through :mod:`rqrun.vault.crypto` and :mod:`rqrun.vault.keys`) is imported on
the first unlock, not when this module is imported.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any, Callable

from rqrun.errors import UsageError, VaultError
from rqrun.vault import fileio
from rqrun.vault.schema import (
    LOCAL,
    VaultEntry,
    entry_blob,
    is_provider_source,
    new_document,
    normalize_hosts,
    parse_document,
    recovery_hint,
    secret_aad_meta,
    utc_now,
    validate_key,
)

__all__ = ["Vault", "Sealer", "open_vault", "default_vault_path", "close_all"]

Notify = Callable[[str], None]
_Ident = tuple[str, str]  # (source, name)

_REGISTRY: dict[Path, "Vault"] = {}
_REGISTRY_LOCK = threading.Lock()


def default_vault_path() -> Path:
    """``$RQRUN_HOME/vault.json``; ``RQRUN_HOME`` defaults to the user config dir for rqrun."""
    return fileio.default_vault_path()


class Sealer:
    """Encrypts and decrypts under one vault's data key, with the associated data of each kind.

    Given to :meth:`Vault.modify` callbacks, so a provider (AWS) can store credentials and caches
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
        self.notices: list[str] = []
        self._notify_sink = notify or fileio.stderr_notice
        self._lock = threading.RLock()
        self._doc: dict[str, Any] | None = None
        self._vault_id: str | None = None  # the vault the cached key belongs to
        self._dek: bytes | None = None
        self._plain: dict[_Ident, tuple[str, str]] = {}  # ident -> (ciphertext it came from, value)
        self._bad: dict[_Ident, str] = {}  # entries that failed to authenticate
        self._index: dict[str, dict[str, Any]] = {}  # resolvable name -> entry
        self._aws_override: str | None = None
        self._load(check_permissions=True)

    def __repr__(self) -> str:
        state = "unlocked" if self._dek is not None else "locked"
        return f"<Vault {str(self.path)!r} keys={len(self._index)} {state}>"

    # ---- loading -------------------------------------------------------------------------

    def _notify(self, message: str) -> None:
        self.notices.append(message)
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
        active = self.active_aws_config
        index: dict[str, dict[str, Any]] = {}
        for entry in doc["secrets"]:
            if entry["source"] == LOCAL:
                index.setdefault(entry["name"], entry)
        if active is not None:
            for entry in doc["secrets"]:
                if entry["source"] == f"aws:{active}":
                    index[entry["name"]] = entry  # AWS wins on a duplicate key
        return index

    @property
    def exists(self) -> bool:
        return self._doc is not None

    @property
    def active_aws_config(self) -> str | None:
        """The AWS configuration whose secrets resolve: the per-run override, else the stored one."""
        if self._aws_override is not None:
            return self._aws_override
        return (self._doc or {}).get("aws", {}).get("active")

    def use_aws_config(self, name: str | None) -> None:
        """Resolve from configuration ``name`` for this process only (``--aws-config``); not saved."""
        with self._lock:
            self._aws_override = name
            self._index = self._build_index(self._doc)

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
            assert self._doc is not None
            self._verify(self._doc, self._key_for(self._doc))
        if ident in self._bad:
            raise self._tamper_error(entry["name"])
        return self._plain[ident][1]

    # ---- reading -----------------------------------------------------------------------------

    def get(self, key: str) -> str | None:
        """The decrypted value, or None when the key is absent (or a provider alias not yet fetched)."""
        entry = self._index.get(key)
        if entry is None:
            validate_key(key)
            return None
        return self._value(entry)

    def has(self, key: str) -> bool:
        if key in self._index:
            return True
        validate_key(key)
        return False

    def keys(self) -> list[str]:
        """Every key that resolves: local secrets and the active AWS configuration's aliases."""
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
        entry = self._index.get(key)
        if entry is None:
            validate_key(key)
            return None
        self._value(entry)
        hosts = entry.get("allow_hosts")
        return list(hosts) if hosts is not None else None

    def is_read_only(self, key: str) -> bool:
        """True when ``key`` resolves to a provider-linked (AWS) secret: set/unset refuse it."""
        entry = self._index.get(key)
        return entry is not None and is_provider_source(entry["source"])

    # ---- writing -----------------------------------------------------------------------------

    def _read_only_error(self, entry: dict[str, Any]) -> VaultError:
        name, source = entry["name"], entry["source"]
        return VaultError(
            f"{name!r} is linked to AWS Secrets Manager ({source}) and is read-only",
            where=str(self.path),
            hint=f"change it in AWS then `rqrun vault aws refresh {name}`, or `rqrun vault aws move-to-local {name}`",
        )

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
            winner = self._build_index(doc).get(key)
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
            winner = self._build_index(doc).get(key)
            if winner is not None and is_provider_source(winner["source"]):
                raise self._read_only_error(winner)
            before = len(doc["secrets"])
            doc["secrets"] = [e for e in doc["secrets"] if not (e["source"] == LOCAL and e["name"] == key)]
            removed = len(doc["secrets"]) != before
            return removed

        self.modify(change)
        return removed

    def add_key_slot(self, slot_type: str, *, secret: str | None = None) -> None:
        """Let another source unlock this vault too: ``passphrase``, ``env_key``, ``keyring``, ``keyfile``."""
        from rqrun.vault import keys

        def change(doc: dict[str, Any], sealer: Sealer) -> bool:
            keys.add_slot(doc, sealer._dek, slot_type, secret=secret)
            return True

        if fileio.read_bytes(self.path) is None:
            raise VaultError("the vault does not exist yet", where=str(self.path), hint="store a secret first")
        self.modify(change)

    def close(self) -> None:
        """Forget the key and the decrypted values (best effort: Python strings are immutable)."""
        with self._lock:
            self._dek = None
            self._vault_id = None
            self._plain.clear()
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
    ``notify`` receives warnings and notices (default: printed on stderr).
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
