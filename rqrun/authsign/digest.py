"""A digest answer computed up front from a realm and nonce saved in Postman's ``digest`` fields.

Newman sends it on the first request instead of waiting for a 401 challenge (the fields come
from an earlier challenge the user saved). Without a saved realm and nonce the HTTP layer
answers the server's challenge as usual.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from collections.abc import Mapping
from urllib.parse import urlsplit

__all__ = ["saved_header"]

_HASHES = {"MD5": "md5", "SHA-256": "sha256", "SHA-512-256": "sha512_256"}


def _hash(name: str, text: str) -> str:
    return hashlib.new(name, text.encode("utf-8")).hexdigest()


def saved_header(params: Mapping[str, str], method: str, url: str) -> str | None:
    """The ``Authorization: Digest ...`` value, or None when no realm and nonce are saved."""
    realm, nonce = params.get("realm", ""), params.get("nonce", "")
    if not realm or not nonce:
        return None
    algorithm = params.get("algorithm") or "MD5"
    base = algorithm[:-5] if algorithm.lower().endswith("-sess") else algorithm
    hash_name = _HASHES.get(base.upper())
    if hash_name is None:
        raise ValueError(f"unknown digest algorithm {algorithm!r}")
    parts = urlsplit(url)
    uri = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    username, password = params.get("username", ""), params.get("password", "")
    qop = params.get("qop", "")
    nc = params.get("nonceCount") or "00000001"
    cnonce = params.get("clientNonce") or "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(8))
    ha1 = _hash(hash_name, f"{username}:{realm}:{password}")
    if algorithm.lower().endswith("-sess"):
        ha1 = _hash(hash_name, f"{ha1}:{nonce}:{cnonce}")
    ha2 = _hash(hash_name, f"{method}:{uri}")
    if qop == "auth":
        response = _hash(hash_name, f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
    else:
        response = _hash(hash_name, f"{ha1}:{nonce}:{ha2}")
    fields = [f'username="{username}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"', f'algorithm="{algorithm}"']
    if qop == "auth":
        fields.append(f"qop={qop}")
    if qop == "auth" or algorithm == "MD5-sess":
        fields += [f"nc={nc}", f'cnonce="{cnonce}"']
    fields.append(f'response="{response}"')
    if params.get("opaque"):
        fields.append(f'opaque="{params["opaque"]}"')
    return "Digest " + ", ".join(fields)
