"""AES-256-GCM with context-bound associated data, and the passphrase KDFs.

This is the only vault module that imports ``cryptography``; the store imports it when a vault
is first unlocked or created, so that ``import rqrun.vault`` and ``vault list`` stay cheap.

Every ciphertext carries associated data ``canonical_json(["rqrun-vault", aad_v, vault_id,
kind, name, meta])``: moving a ciphertext to another vault, another name, another source or
another key slot makes decryption fail with an authentication error instead of yielding a
value under the wrong label (the idea of sops' path-bound AAD).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from rqrun.vault.schema import AAD_VERSION, FORMAT_NAME

__all__ = [
    "KEY_BYTES",
    "AuthenticationFailed",
    "b64e",
    "b64d",
    "canonical_json",
    "aad",
    "seal",
    "open_blob",
    "random_key",
    "new_vault_id",
    "default_kdf",
    "derive_key",
    "parse_raw_key",
    "key_fingerprint",
]

KEY_BYTES = 32
NONCE_BYTES = 12

#: Argon2id m=64 MiB, t=3, p=4 (RFC 9106's second recommendation): about 0.1 s on a 2-core VM.
ARGON2ID = {"alg": "argon2id", "m_kib": 65536, "t": 3, "p": 4}
#: Fallback where OpenSSL lacks Argon2: scrypt N=2^16 (64 MiB), about 0.17 s. OWASP's 2^17 costs
#: 0.37 s, too slow to pay on every `rqrun run`.
SCRYPT = {"alg": "scrypt", "n": 65536, "r": 8, "p": 1}


class AuthenticationFailed(Exception):
    """A ciphertext did not authenticate: wrong key, or data moved, relabelled or modified."""


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64d(text: str) -> bytes:
    """Strict base64 decoding; malformed input counts as tampering."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise AuthenticationFailed("malformed base64") from exc


def canonical_json(value: Any) -> bytes:
    """One byte string per value, whatever the dict order: the form hashed or bound as AAD."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def aad(vault_id: str, kind: str, name: str, meta: dict[str, Any] | None = None) -> bytes:
    """Associated data binding a ciphertext to its vault, its kind (secret, dek, aws-config...), name and metadata."""
    return canonical_json([FORMAT_NAME, AAD_VERSION, vault_id, kind, name, meta or {}])


def seal(key: bytes, plaintext: bytes, associated: bytes) -> dict[str, str]:
    """Encrypt under a fresh random 96-bit nonce (safe far beyond any vault's number of writes)."""
    nonce = os.urandom(NONCE_BYTES)
    return {"nonce": b64e(nonce), "ct": b64e(AESGCM(key).encrypt(nonce, plaintext, associated))}


def open_blob(key: bytes, blob: dict[str, str], associated: bytes) -> bytes:
    """Decrypt and authenticate a blob, or raise AuthenticationFailed."""
    nonce = b64d(blob["nonce"])
    if len(nonce) != NONCE_BYTES:
        raise AuthenticationFailed("bad nonce length")
    try:
        return AESGCM(key).decrypt(nonce, b64d(blob["ct"]), associated)
    except InvalidTag as exc:
        raise AuthenticationFailed("authentication tag mismatch") from exc


def random_key() -> bytes:
    return os.urandom(KEY_BYTES)


def new_vault_id() -> str:
    return b64e(os.urandom(16))


def default_kdf() -> dict[str, Any]:
    """Parameters for a new passphrase slot, with a fresh salt: Argon2id when OpenSSL has it."""
    from cryptography.hazmat.backends.openssl import backend

    params = dict(ARGON2ID if backend.argon2_supported() else SCRYPT)
    params["salt"] = b64e(os.urandom(16))
    return params


def derive_key(passphrase: str, params: dict[str, Any]) -> bytes:
    """Run the KDF a slot records. Unknown or unsupported algorithms raise ValueError."""
    salt = b64d(params["salt"])
    secret = passphrase.encode("utf-8")
    alg = params.get("alg")
    _check_cost(params)
    if alg == "argon2id":
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        return Argon2id(
            salt=salt,
            length=KEY_BYTES,
            iterations=int(params["t"]),
            lanes=int(params["p"]),
            memory_cost=int(params["m_kib"]),
        ).derive(secret)
    if alg == "scrypt":
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        return Scrypt(salt=salt, length=KEY_BYTES, n=int(params["n"]), r=int(params["r"]), p=int(params["p"])).derive(
            secret
        )
    raise ValueError(f"unknown key derivation {alg!r}")


#: Upper bounds on KDF parameters read from a file: an edited slot must not be able to make
#: rqrun allocate gigabytes or spin for minutes before the passphrase is even checked.
_MAX_COST = {"m_kib": 1 << 20, "t": 64, "p": 16, "n": 1 << 20, "r": 32}


def _check_cost(params: dict[str, Any]) -> None:
    for name, limit in _MAX_COST.items():
        if name in params:
            value = params[name]
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= limit:
                raise ValueError(f"key derivation parameter {name}={value!r} is out of range")


def parse_raw_key(text: str) -> bytes | None:
    """A 32-byte key from its base64 text (as in RQRUN_VAULT_KEY or the key file), else None."""
    try:
        key = base64.b64decode(text.strip().encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    return key if len(key) == KEY_BYTES else None


def key_fingerprint(key: bytes) -> str:
    """A short public identifier of a raw key, so an error can say "not the key this vault uses"."""
    return hashlib.sha256(b"rqrun-vault key id\x00" + key).hexdigest()[:16]
