"""Akamai EdgeGrid (``EG1-HMAC-SHA256``) with Postman's ``edgegrid`` fields, as Newman signs it.

The signed data is method, scheme, host (``baseURL``'s when given), path and query, the
``headersToSign`` the user wrote, a body hash (POST only, first ``maxBodySize`` bytes) and the
header's own prefix, joined by tabs; the key is an HMAC of the timestamp under the client secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

__all__ = ["header"]


def _b64_hmac(key: str, data: str) -> str:
    return base64.b64encode(hmac.new(key.encode("utf-8"), data.encode("utf-8"), hashlib.sha256).digest()).decode("ascii")


def header(
    params: Mapping[str, str], method: str, url: str, headers: Sequence[tuple[str, str]], content: bytes | None
) -> str | None:
    """The ``Authorization`` value; None without the three tokens (Newman then signs nothing)."""
    access, client, secret = params.get("accessToken", ""), params.get("clientToken", ""), params.get("clientSecret", "")
    if not (access and client and secret):
        return None
    parts = urlsplit(url)
    base_url = params.get("baseURL", "")
    host = urlsplit(base_url if "://" in base_url else f"http://{base_url}").netloc if base_url else parts.netloc
    host = host.rpartition("@")[2]
    timestamp = params.get("timestamp") or datetime.now(UTC).strftime("%Y%m%dT%H:%M:%S+0000")
    nonce = params.get("nonce") or str(uuid.uuid4())
    try:
        max_body = int(params.get("maxBodySize") or 131072)
    except ValueError:
        raise ValueError(f"maxBodySize must be a number, got {params.get('maxBodySize')!r}") from None
    written = {k.lower(): v for k, v in headers}
    canonical = []
    for name in str(params.get("headersToSign", "")).split(","):
        name = name.strip().lower()
        value = written.get(name, "")
        if name and value:
            canonical.append(f"{name}:{' '.join(value.split())}")
    body_hash = ""
    if method.upper() == "POST" and content:
        body_hash = base64.b64encode(hashlib.sha256(content[: max(max_body, 0)]).digest()).decode("ascii")
    prefix = f"EG1-HMAC-SHA256 client_token={client};access_token={access};timestamp={timestamp};nonce={nonce};"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    data = "\t".join([method.upper(), parts.scheme, host, path, "\t".join(canonical), body_hash, prefix])
    return prefix + "signature=" + _b64_hmac(_b64_hmac(secret, timestamp), data)
