"""AWS Signature Version 4 with Postman's ``awsv4`` fields, signed the way Newman 6.2.2 signs.

By hand (about as long as the glue botocore would need, and no boto import on the request
path); ``tests/unit/core/test_authsign.py`` checks it against botocore's own signer. Newman's
choices kept: the signed headers are ``host``, the headers the user wrote, ``x-amz-date``,
``x-amz-security-token`` and, for a request with a body, ``x-amz-content-sha256``; the path is
normalised and encoded again except for S3; ``addAuthDataToQuery`` presigns in the query.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote, unquote_plus, urlsplit

__all__ = ["AwsSigned", "sign", "canonical_path", "canonical_query"]

#: Headers never signed (as aws4, Newman's signer, and the AWS SDKs agree).
_UNSIGNED = frozenset({"authorization", "connection", "x-amzn-trace-id", "user-agent", "expect", "presigned-expires", "range"})
#: Headers a new signature replaces.
_REPLACED = frozenset({"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"})
_QUERY_REPLACED = ("X-Amz-Security-Token", "X-Amz-Date", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-SignedHeaders", "X-Amz-Signature")


@dataclass
class AwsSigned:
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list)  # to set, replacing same-named ones


def _full(text: str) -> str:
    return quote(text, safe="-_.~")


def canonical_path(path: str, service: str) -> str:
    """The path as SigV4 signs it: S3 decodes and encodes once; other services normalise
    ``.``/``..``/``//`` and encode the already-encoded path again."""
    if not path or path == "/":
        return "/"
    s3 = service == "s3"
    if not s3:
        path = re.sub("/{2,}", "/", path)
    pieces: list[str] = []
    for piece in path.split("/"):
        if not s3 and piece == "..":
            if pieces:
                pieces.pop()
        elif s3 or piece != ".":
            pieces.append(_full(unquote_plus(piece)) if s3 else _full(piece))
    out = "/".join(pieces)
    out = out if out.startswith("/") else "/" + out
    return out.replace("%2F", "/") if s3 else out


def canonical_query(query: str, service: str) -> str:
    """Decoded pairs, encoded RFC 3986 style and sorted by key then value (S3: first value only)."""
    grouped: dict[str, list[str]] = {}
    for piece in query.split("&"):
        if not piece:
            continue
        key, _, value = piece.partition("=")
        key = unquote_plus(key)
        if key:
            grouped.setdefault(_full(key), []).append(_full(unquote_plus(value)))
    parts: list[str] = []
    for key in sorted(grouped):
        values = grouped[key][:1] if service == "s3" else sorted(grouped[key])
        parts.extend(f"{key}={value}" for value in values)
    return "&".join(parts)


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def sign(
    params: dict[str, str],
    method: str,
    url: str,
    headers: Sequence[tuple[str, str]],
    content: bytes | None,
    *,
    now: datetime | None = None,
) -> AwsSigned:
    """Sign one request; ``headers`` are the ones the user wrote. Without an access key or a
    secret the request goes out unsigned, as in Newman."""
    access, secret = params.get("accessKey", ""), params.get("secretKey", "")
    if not access or not secret:
        return AwsSigned(url)
    service = params.get("service") or "execute-api"
    region = params.get("region") or "us-east-1"
    token = params.get("sessionToken", "")
    in_query = str(params.get("addAuthDataToQuery", "")).lower() == "true"
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    scope = f"{stamp[:8]}/{region}/{service}/aws4_request"
    parts = urlsplit(url)
    base, _, query = url.partition("?")
    query = "&".join(p for p in query.split("&") if p.split("=", 1)[0] not in _QUERY_REPLACED) if query else ""

    signed: dict[str, str] = {"host": parts.netloc.rpartition("@")[2]}
    for name, value in headers:
        lowered = name.lower()
        if lowered not in _UNSIGNED and lowered not in _REPLACED and lowered != "host":
            signed[lowered] = value
    out: list[tuple[str, str]] = []
    body_hash = hashlib.sha256(content or b"").hexdigest()
    if in_query:
        extra = ([("X-Amz-Security-Token", token)] if token else []) + [
            ("X-Amz-Date", stamp),
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", f"{access}/{scope}"),
            ("X-Amz-SignedHeaders", ";".join(sorted(signed))),
        ]
        body_hash = "UNSIGNED-PAYLOAD" if service == "s3" else hashlib.sha256(b"").hexdigest()
        query = "&".join(p for p in (query, "&".join(f"{k}={_full(v)}" for k, v in extra)) if p)
    else:
        signed["x-amz-date"] = stamp
        out.append(("X-Amz-Date", stamp))
        if token:
            signed["x-amz-security-token"] = token
            out.append(("X-Amz-Security-Token", token))
        if content:
            signed["x-amz-content-sha256"] = body_hash
            out.append(("X-Amz-Content-Sha256", body_hash))
        else:
            body_hash = hashlib.sha256(b"").hexdigest()
    names = sorted(signed)
    canonical = "\n".join(
        [
            method.upper(),
            canonical_path(parts.path, service),
            canonical_query(query, service),
            "".join(f"{n}:{' '.join(signed[n].split())}\n" for n in names),
            ";".join(names),
            body_hash,
        ]
    )
    to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
    key = _hmac(_hmac(_hmac(_hmac(("AWS4" + secret).encode("utf-8"), stamp[:8]), region), service), "aws4_request")
    signature = hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    if in_query:
        return AwsSigned(f"{base}?{query}&X-Amz-Signature={signature}")
    out.append(("Authorization", f"AWS4-HMAC-SHA256 Credential={access}/{scope}, SignedHeaders={';'.join(names)}, Signature={signature}"))
    return AwsSigned(base + (f"?{query}" if query else ""), out)

