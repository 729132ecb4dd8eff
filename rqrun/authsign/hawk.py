"""Hawk request authentication with Postman's ``hawk`` fields, as Newman 6.2.2 writes the header.

The MAC covers ``hawk.1.header``, timestamp, nonce, method, path and query, host, port, the
optional payload hash, ``ext`` and ``app``/``dlg`` (the Hawk scheme); the header lists id, ts,
nonce, hash, ext, mac, then app and dlg, in Newman's order and quoting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

__all__ = ["header", "payload_hash"]

_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}


def payload_hash(algorithm: str, content_type: str, body: bytes) -> str:
    """``hawk.1.payload`` hash of a body under the type the user wrote (parameters dropped)."""
    digest = _ALGORITHMS[algorithm]()
    digest.update(b"hawk.1.payload\n")
    digest.update(content_type.split(";")[0].strip().lower().encode("utf-8") + b"\n")
    digest.update(body)
    digest.update(b"\n")
    return base64.b64encode(digest.digest()).decode("ascii")


def header(params: Mapping[str, str], method: str, url: str, body_hash: str | None = None) -> str | None:
    """The ``Authorization`` value; None without an id and key (Newman then sends no header)."""
    auth_id, key = params.get("authId", ""), params.get("authKey", "")
    algorithm = (params.get("algorithm") or "sha256").lower()
    if not auth_id or not key:
        return None
    if algorithm not in _ALGORITHMS:
        raise ValueError(f"unknown Hawk algorithm {algorithm!r} (sha1 or sha256)")
    parts = urlsplit(url)
    ts = params.get("timestamp") or str(int(time.time()))
    nonce = params.get("nonce") or "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(6))
    ext, app, dlg = params.get("extraData", ""), params.get("app", ""), params.get("delegation", "")
    resource = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    port = parts.port or (80 if parts.scheme == "http" else 443)
    normalized = "\n".join(
        ["hawk.1.header", ts, nonce, method.upper(), resource, (parts.hostname or "").lower(), str(port), body_hash or ""]
    )
    # Newman escapes only the first backslash and newline of ext in the MAC (String.replace).
    normalized += "\n" + ext.replace("\\", "\\\\", 1).replace("\n", "\\n", 1) + "\n"
    if app:
        normalized += f"{app}\n{dlg}\n"
    mac = base64.b64encode(hmac.new(key.encode("utf-8"), normalized.encode("utf-8"), _ALGORITHMS[algorithm]).digest())
    value = f'Hawk id="{auth_id}", ts="{ts}", nonce="{nonce}"'
    if body_hash:
        value += f', hash="{body_hash}"'
    if ext:
        value += ', ext="' + ext.replace("\\", "\\\\").replace('"', '\\"') + '"'
    value += f', mac="{mac.decode("ascii")}"'
    if app:
        value += f', app="{app}"' + (f', dlg="{dlg}"' if dlg else "")
    return value
