"""OAuth 1.0 request signing with Postman's ``oauth1`` fields, as Newman 6.2.2 sends it.

The signature itself (base string, HMAC/RSA/PLAINTEXT) comes from oauthlib; what is Newman's
own is around it: which parameters are signed (empty ones only with ``addEmptyParamsToSign``;
``oauth_body_hash``, ``oauth_callback`` and ``oauth_verifier`` only when set), their order in
the ``Authorization`` header, and where they go (header, urlencoded body, or query).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import string
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote_plus

__all__ = ["OAuth1Result", "sign", "rfc3986", "reencode_query"]

_SIGNERS = {
    "HMAC-SHA1": "sign_hmac_sha1_with_client",
    "HMAC-SHA256": "sign_hmac_sha256_with_client",
    "HMAC-SHA512": "sign_hmac_sha512_with_client",
    "RSA-SHA1": "sign_rsa_sha1_with_client",
    "RSA-SHA256": "sign_rsa_sha256_with_client",
    "RSA-SHA512": "sign_rsa_sha512_with_client",
    "PLAINTEXT": "sign_plaintext_with_client",
}
_ALPHANUM = string.ascii_letters + string.digits


@dataclass
class OAuth1Result:
    """What to add: an ``Authorization`` header, query pairs, or urlencoded body pairs."""

    header: str | None = None
    query: list[tuple[str, str]] = field(default_factory=list)
    form: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Client:
    """The attributes oauthlib's ``sign_*_with_client`` functions read."""

    client_secret: str
    resource_owner_secret: str
    rsa_key: str


def rfc3986(text: str) -> str:
    """OAuth's percent-encoding: everything but ``A-Z a-z 0-9 - . _ ~``."""
    return quote(text, safe="-._~")


def _decode_form(query: str) -> list[tuple[str, str | None]]:
    """``a=1&b&c=x+y`` as pairs (``+`` is a space; a piece without ``=`` has no value)."""
    pairs: list[tuple[str, str | None]] = []
    for piece in query.split("&"):
        if not piece:
            continue
        key, sep, value = piece.partition("=")
        pairs.append((unquote_plus(key), unquote_plus(value) if sep else None))
    return pairs


def reencode_query(url: str) -> str:
    """The URL with its query re-encoded the OAuth way, as Newman does for an oauth1 request."""
    base, sep, query = url.partition("?")
    if not sep:
        return url
    parts = [rfc3986(k) + ("" if v is None else "=" + rfc3986(v)) for k, v in _decode_form(query)]
    return f"{base}?{'&'.join(parts)}" if parts else base


def _true(value: object) -> bool:
    return value is True or str(value).strip().lower() == "true"


def sign(
    params: Mapping[str, str],
    method: str,
    url: str,
    form: list[tuple[str, str]] | None,
    body: bytes | None,
) -> OAuth1Result | None:
    """Sign one request. ``form`` holds the urlencoded body rows (None: another kind of body),
    ``body`` the raw bytes for ``includeBodyHash``. None when a required field is empty (Newman
    then sends the request unsigned)."""
    from oauthlib.oauth1.rfc5849 import signature as oauth_signature

    method_name = (params.get("signatureMethod") or "HMAC-SHA1").upper()
    signer = _SIGNERS.get(method_name)
    is_rsa = method_name.startswith("RSA")
    if signer is None or not params.get("consumerKey") or not params.get("privateKey" if is_rsa else "consumerSecret"):
        return None
    sign_empty = _true(params.get("addEmptyParamsToSign"))
    values = {k: v for k, v in params.items() if sign_empty or not isinstance(v, str) or v.strip()}

    oauth: list[tuple[str, str]] = [
        ("oauth_consumer_key", values.get("consumerKey", "")),
        ("oauth_token", values.get("token", "")),
        ("oauth_signature_method", method_name),
        ("oauth_timestamp", values.get("timestamp") or str(int(time.time()))),
        ("oauth_nonce", values.get("nonce") or "".join(secrets.choice(_ALPHANUM) for _ in range(11))),
        ("oauth_version", values.get("version", "")),
    ]
    digest = method_name.partition("-")[2]
    if form is None and _true(values.get("includeBodyHash")) and digest:
        hashed = hashlib.new(digest.lower(), body or b"").digest()
        oauth.append(("oauth_body_hash", base64.b64encode(hashed).decode("ascii")))
    for key, name in (("callback", "oauth_callback"), ("verifier", "oauth_verifier")):
        if values.get(key):
            oauth.append((name, values[key]))
    oauth = [(k, v) for k, v in oauth if sign_empty or v]

    base_url, _, query = url.partition("?")
    signed = oauth_signature.collect_parameters(uri_query=query, exclude_oauth_signature=True)
    signed = [(k, v) for k, v in signed if not k.startswith("oauth_")] + oauth + list(form or [])
    base_string = oauth_signature.signature_base_string(
        method.upper(),
        oauth_signature.base_string_uri(base_url),
        oauth_signature.normalize_parameters(signed),
    )
    client = _Client(values.get("consumerSecret", ""), values.get("tokenSecret", ""), values.get("privateKey", ""))
    try:
        signature_value = getattr(oauth_signature, signer)(base_string, client)
    except Exception as exc:  # oauthlib, PyJWT and cryptography each raise their own key errors
        raise ValueError(f"cannot sign with {method_name}: {exc}") from None
    oauth.append(("oauth_signature", signature_value))

    if _true(values.get("addParamsToHeader", "true")):
        return OAuth1Result(header=_header(values.get("realm", ""), oauth, _true(values.get("disableHeaderEncoding"))))
    if method.upper() in ("POST", "PUT") and form is not None:
        return OAuth1Result(form=oauth)
    return OAuth1Result(query=oauth)


def _header(realm: str, oauth: list[tuple[str, str]], raw: bool) -> str:
    """``OAuth realm="...",oauth_consumer_key="...",...``: empty values left out, Newman's order."""
    encode = (lambda text: text) if raw else rfc3986
    parts = [f'realm="{encode(realm)}"'] if realm.strip() else []
    parts += [f'{encode(k)}="{encode(v.strip())}"' for k, v in oauth if v]
    return "OAuth " + ",".join(parts)
