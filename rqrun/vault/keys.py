"""Key slots: the ways a vault's data key (DEK) can be unwrapped, and how a new vault picks one.

Every value is encrypted under one random 32-byte DEK; each slot stores that DEK wrapped
(AES-GCM) under a key-encryption key from one source, like LUKS key slots:

==============  =====================================================  ==================
slot type       where the KEK comes from                               cost
==============  =====================================================  ==================
``env_key``     ``RQRUN_VAULT_KEY``: base64 of 32 random bytes (CI)    none
``passphrase``  ``RQRUN_VAULT_PASSPHRASE`` or a TTY prompt, via        ~0.1-0.2 s
                Argon2id (scrypt where OpenSSL lacks it)
``keyring``     a random key in the OS keyring (``keyring`` package)   keyring import
``keyfile``     ``$RQRUN_HOME/vault.key`` (0600), created when         none
                nothing else is available
==============  =====================================================  ==================

Unlock tries them in that order (the prompt last). A source the user set explicitly
(``RQRUN_VAULT_KEY``, ``RQRUN_VAULT_PASSPHRASE``) that fails to unwrap its slot is an error,
not a reason to fall back silently to another slot.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rqrun.errors import VaultError, VaultLocked
from rqrun.vault import crypto
from rqrun.vault.crypto import AuthenticationFailed
from rqrun.vault.fileio import create_exclusive, permission_problems, rqrun_home
from rqrun.vault.schema import utc_now

__all__ = [
    "ENV_KEY",
    "ENV_PASSPHRASE",
    "KEYRING_SERVICE",
    "unlock",
    "create_slots",
    "add_slot",
    "remove_slot",
    "key_file_path",
    "usable_keyring",
    "prompt_passphrase",
]

ENV_KEY = "RQRUN_VAULT_KEY"
ENV_PASSPHRASE = "RQRUN_VAULT_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret
KEYRING_SERVICE = "rqrun"
_PROMPT_ATTEMPTS = 3

Notify = Callable[[str], None]

KEY_FILE_NOTICE = (
    "notice: created {path} (mode 0600), a random key that encrypts the vault so that it works "
    "without a prompt. It protects your secrets when the vault file alone is copied, shared or "
    "committed; it does not protect them from anyone who can read your files as you (or as root). "
    "For that, set RQRUN_VAULT_PASSPHRASE or install an OS keyring backend before creating the vault."
)


def key_file_path() -> Path:
    return rqrun_home() / "vault.key"


def _dek_aad(doc: dict[str, Any], slot_type: str) -> bytes:
    return crypto.aad(doc["vault_id"], "dek", slot_type)


def _unwrap(doc: dict[str, Any], slot: dict[str, Any], kek: bytes) -> bytes | None:
    try:
        dek = crypto.open_blob(kek, slot["wrapped"], _dek_aad(doc, slot["type"]))
    except (AuthenticationFailed, KeyError):
        return None
    return dek if len(dek) == crypto.KEY_BYTES else None


def _slots(doc: dict[str, Any], slot_type: str) -> list[dict[str, Any]]:
    return [s for s in doc["key_slots"] if s.get("type") == slot_type]


def usable_keyring() -> Any | None:
    """The keyring backend, or None when only the fail/null backends (or nothing) are there.

    ``keyring`` is an optional extra and costs ~0.15 s to import, so it is imported here only.
    """
    try:
        import keyring
        from keyring.backends import chainer, fail, null
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken backend configuration must never stop the vault
        return None
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


def _keyring_username(doc: dict[str, Any]) -> str:
    return f"vault:{doc['vault_id']}"


def prompt_passphrase(prompt: str) -> str:
    """Read a passphrase from the terminal without echo. Replaced in tests."""
    return getpass.getpass(prompt)


def unlock(doc: dict[str, Any], path: Path, *, interactive: bool) -> bytes:
    """Find a source that unwraps one of the document's slots; return the DEK or raise VaultLocked."""
    where = str(path)
    notes: list[str] = []

    env_key = os.environ.get(ENV_KEY)
    if env_key:
        key = crypto.parse_raw_key(env_key)
        if key is None:
            raise VaultLocked(f"{ENV_KEY} is not the base64 of 32 bytes", where=where, hint=_KEYGEN_HINT)
        slots = _slots(doc, "env_key")
        if slots:
            for slot in slots:
                dek = _unwrap(doc, slot, key)
                if dek is not None:
                    return dek
            raise VaultLocked(
                f"{ENV_KEY} does not unlock this vault (wrong key); the file was not changed",
                where=where,
                hint=f"set {ENV_KEY} to the key the vault was created with",
            )
        notes.append(f"{ENV_KEY} is set but the vault has no raw-key slot")
    elif _slots(doc, "env_key"):
        notes.append(f"{ENV_KEY} is not set")

    passphrase = os.environ.get(ENV_PASSPHRASE)
    pass_slots = _slots(doc, "passphrase")
    if passphrase:
        if pass_slots:
            dek = _try_passphrase(doc, pass_slots, passphrase, where)
            if dek is not None:
                return dek
            raise VaultLocked(
                f"wrong passphrase in {ENV_PASSPHRASE}; the file was not changed",
                where=where,
                hint=f"set {ENV_PASSPHRASE} to the vault's passphrase",
            )
        notes.append(f"{ENV_PASSPHRASE} is set but the vault has no passphrase slot")

    ring_slots = _slots(doc, "keyring")
    if ring_slots:
        dek = _try_keyring(doc, ring_slots, notes)
        if dek is not None:
            return dek

    file_slots = _slots(doc, "keyfile")
    if file_slots:
        dek = _try_key_file(doc, file_slots, notes)
        if dek is not None:
            return dek

    if pass_slots and not passphrase:
        if interactive:
            for _ in range(_PROMPT_ATTEMPTS):
                typed = prompt_passphrase(f"Passphrase for {where}: ")
                dek = _try_passphrase(doc, pass_slots, typed, where)
                if dek is not None:
                    return dek
            raise VaultLocked(f"wrong passphrase ({_PROMPT_ATTEMPTS} attempts)", where=where)
        notes.append(f"the vault has a passphrase slot but {ENV_PASSPHRASE} is not set and there is no terminal to ask")

    if not doc["key_slots"]:
        notes.append("the vault has no key slots")
    raise VaultLocked(
        "no key could unlock the vault: " + "; ".join(notes),
        where=where,
        hint=_unlock_hint(doc),
    )


_KEYGEN_HINT = "generate one with: python -c \"import base64,os; print(base64.b64encode(os.urandom(32)).decode())\""


def _unlock_hint(doc: dict[str, Any]) -> str:
    types = {s.get("type") for s in doc["key_slots"]}
    ways = []
    if "env_key" in types:
        ways.append(f"set {ENV_KEY}")
    if "passphrase" in types:
        ways.append(f"set {ENV_PASSPHRASE} or run in a terminal")
    if "keyring" in types:
        ways.append("unlock the OS keyring")
    if "keyfile" in types:
        ways.append(f"restore {key_file_path()}")
    return " or ".join(ways) or "restore the vault from a backup"


def _try_passphrase(doc: dict[str, Any], slots: list[dict[str, Any]], passphrase: str, where: str) -> bytes | None:
    for slot in slots:
        try:
            kek = crypto.derive_key(passphrase, slot.get("kdf") or {})
        except (ValueError, KeyError, TypeError, AuthenticationFailed) as exc:
            raise VaultError(f"the passphrase slot cannot be used: {exc}", where=where, hint="upgrade rqrun") from None
        except Exception as exc:  # UnsupportedAlgorithm: Argon2 missing from this OpenSSL
            raise VaultError(
                f"this build of cryptography cannot run the vault's key derivation ({type(exc).__name__})",
                where=where,
                hint="install cryptography's PyPI wheel (it bundles an OpenSSL with Argon2), or use RQRUN_VAULT_KEY",
            ) from None
        dek = _unwrap(doc, slot, kek)
        if dek is not None:
            return dek
    return None


def _try_keyring(doc: dict[str, Any], slots: list[dict[str, Any]], notes: list[str]) -> bytes | None:
    backend = usable_keyring()
    if backend is None:
        notes.append("the vault has a keyring slot but no usable OS keyring is available")
        return None
    import keyring.errors

    for slot in slots:
        try:
            stored = backend.get_password(slot.get("service", KEYRING_SERVICE), slot.get("username", _keyring_username(doc)))
        except keyring.errors.KeyringLocked:
            notes.append("the OS keyring is locked")
            return None
        except Exception as exc:  # KeyringError, D-Bus failures: treat as unavailable, never crash
            notes.append(f"the OS keyring failed ({type(exc).__name__})")
            return None
        if stored is None:
            notes.append("the OS keyring holds no key for this vault")
            continue
        kek = crypto.parse_raw_key(stored)
        dek = _unwrap(doc, slot, kek) if kek is not None else None
        if dek is not None:
            return dek
        notes.append("the key in the OS keyring does not unlock this vault")
    return None


def _try_key_file(doc: dict[str, Any], slots: list[dict[str, Any]], notes: list[str]) -> bytes | None:
    path = key_file_path()
    try:
        text = path.read_text("ascii")
    except FileNotFoundError:
        notes.append(f"the key file {path} is missing")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        notes.append(f"the key file {path} cannot be read ({type(exc).__name__})")
        return None
    kek = crypto.parse_raw_key(text)
    if kek is None:
        notes.append(f"the key file {path} does not hold a valid key")
        return None
    for slot in slots:
        dek = _unwrap(doc, slot, kek)
        if dek is not None:
            return dek
    notes.append(f"the key file {path} is not the one this vault was created with")
    return None


def _wrap_slot(doc: dict[str, Any], dek: bytes, slot_type: str, kek: bytes, **fields: Any) -> dict[str, Any]:
    slot = {"type": slot_type, **fields, "created_at": utc_now()}
    slot["wrapped"] = crypto.seal(kek, dek, _dek_aad(doc, slot_type))
    return slot


def add_slot(doc: dict[str, Any], dek: bytes, slot_type: str, *, secret: str | None = None) -> dict[str, Any]:
    """Add a slot; ``secret`` is the passphrase or the base64 raw key.

    Raw keys accumulate (one per CI system, say; the same key again replaces its slot); a new
    passphrase, keyring or key-file slot replaces the one of its type.
    """
    if slot_type == "env_key":
        kek = crypto.parse_raw_key(secret or "")
        if kek is None:
            raise VaultError(f"{ENV_KEY} is not the base64 of 32 bytes", hint=_KEYGEN_HINT)
        kid = crypto.key_fingerprint(kek)
        slot = _wrap_slot(doc, dek, "env_key", kek, kid=kid)
        doc["key_slots"] = [s for s in doc["key_slots"] if not (s.get("type") == "env_key" and s.get("kid") == kid)]
        doc["key_slots"].append(slot)
        return slot
    elif slot_type == "passphrase":
        if not secret:
            raise VaultError("an empty passphrase cannot protect the vault")
        kdf = crypto.default_kdf()
        slot = _wrap_slot(doc, dek, "passphrase", crypto.derive_key(secret, kdf), kdf=kdf)
    elif slot_type == "keyring":
        slot = _keyring_slot(doc, dek)
    elif slot_type == "keyfile":
        kek = _load_or_create_key_file()[0]
        slot = _wrap_slot(doc, dek, "keyfile", kek, kid=crypto.key_fingerprint(kek))
    else:
        raise ValueError(slot_type)
    doc["key_slots"] = [s for s in doc["key_slots"] if s.get("type") != slot_type] + [slot]
    return slot


def remove_slot(doc: dict[str, Any], slot: dict[str, Any]) -> None:
    """Drop ``slot``; a keyring slot's key is also deleted from the keyring (best effort)."""
    doc["key_slots"] = [s for s in doc["key_slots"] if s is not slot]
    if slot.get("type") == "keyring":
        backend = usable_keyring()
        if backend is not None:
            try:
                backend.delete_password(slot.get("service", KEYRING_SERVICE), slot.get("username", _keyring_username(doc)))
            except Exception:  # noqa: BLE001, S110 - already gone, or the keyring refuses: the slot is gone either way
                pass


def _keyring_slot(doc: dict[str, Any], dek: bytes) -> dict[str, Any]:
    backend = usable_keyring()
    if backend is None:
        raise VaultError("no usable OS keyring is available", hint="install keyring and a backend (pip install 'rqrun[keyring]')")
    kek = crypto.random_key()
    username = _keyring_username(doc)
    try:
        backend.set_password(KEYRING_SERVICE, username, crypto.b64e(kek))
        if backend.get_password(KEYRING_SERVICE, username) != crypto.b64e(kek):
            raise VaultError("the OS keyring did not keep the key it was given")
    except VaultError:
        raise
    except Exception as exc:
        raise VaultError(f"the OS keyring refused the key ({type(exc).__name__})") from None
    return _wrap_slot(doc, dek, "keyring", kek, service=KEYRING_SERVICE, username=username)


def _load_or_create_key_file() -> tuple[bytes, bool]:
    """The key file's key, creating the file if needed; the flag says whether this call created it."""
    path = key_file_path()
    for _ in range(3):
        try:
            text = path.read_text("ascii")
        except FileNotFoundError:
            kek = crypto.random_key()
            if create_exclusive(path, (crypto.b64e(kek) + "\n").encode("ascii")):
                return kek, True
            continue  # another process created it first: read theirs
        except (OSError, UnicodeDecodeError) as exc:
            raise VaultError(f"the key file cannot be read ({type(exc).__name__})", where=str(path)) from None
        found = crypto.parse_raw_key(text)
        if found is None:
            raise VaultError(
                "the key file does not hold a valid key; it was left untouched",
                where=str(path),
                hint="move it away if no vault uses it, or set RQRUN_VAULT_KEY / RQRUN_VAULT_PASSPHRASE",
            )
        return found, False
    raise VaultError("the key file keeps disappearing", where=str(path))


def create_slots(doc: dict[str, Any], dek: bytes, notify: Notify) -> None:
    """Give a new vault its slots: the configured environment sources, else keyring, else key file.

    Nothing here prompts, so ``rqrun vault set k v`` works on a fresh headless machine.
    """
    env_key = os.environ.get(ENV_KEY)
    passphrase = os.environ.get(ENV_PASSPHRASE)
    if env_key:
        add_slot(doc, dek, "env_key", secret=env_key)
    if passphrase:
        add_slot(doc, dek, "passphrase", secret=passphrase)
    if doc["key_slots"]:
        return
    if usable_keyring() is not None:
        try:
            add_slot(doc, dek, "keyring")
            return
        except VaultError as exc:
            notify(f"warning: {exc.message}; using a key file instead")
    kek, created = _load_or_create_key_file()
    doc["key_slots"].append(_wrap_slot(doc, dek, "keyfile", kek, kid=crypto.key_fingerprint(kek)))
    path = key_file_path()
    if created:
        notify(KEY_FILE_NOTICE.format(path=path))
    for problem in permission_problems(path):
        notify(f"warning: {problem}")
