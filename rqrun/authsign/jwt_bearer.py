"""Postman's ``jwt`` auth: a JSON Web Token made per request from the auth's fields.

The token is built the way Newman (jose) builds it, so the same fields give the same bytes:
the protected header is the user's ``header`` JSON with ``alg`` set (no ``typ`` added), JSON
written compactly with non-ASCII kept and whole floats as integers (JavaScript's spelling).
HS* signatures are HMACs from the standard library; RS*, PS* and ES* come from PyJWT's
algorithm objects, imported only for them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["make_token", "ALGORITHMS"]

_HMAC = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
ALGORITHMS = frozenset({*_HMAC, "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"})


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _js_number(text: str) -> Any:
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _json_field(text: str, what: str) -> dict[str, Any]:
    text = text.strip()
    if not text:
        return {}
    try:
        value = json.loads(text, parse_float=_js_number)
    except ValueError as exc:
        raise ValueError(f"the JWT {what} is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ValueError(f"the JWT {what} must be a JSON object")
    return value


def _compact(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def make_token(params: Mapping[str, str]) -> str:
    """The signed token; ``ValueError`` names what is wrong with the fields."""
    algorithm = (params.get("algorithm") or "HS256").upper()
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown JWT algorithm {algorithm!r}")
    header = {**_json_field(params.get("header", ""), "header"), "alg": algorithm}
    payload = _json_field(params.get("payload", ""), "payload")
    signing_input = f"{_b64url(_compact(header))}.{_b64url(_compact(payload))}".encode("ascii")
    if algorithm in _HMAC:
        secret_text = params.get("secret", "")
        if not secret_text:
            raise ValueError("the JWT secret is empty")
        if str(params.get("isSecretBase64Encoded", "")).lower() == "true":
            try:
                secret = base64.b64decode(secret_text)
            except binascii.Error as exc:
                raise ValueError(f"the JWT secret is not base64: {exc}") from None
        else:
            secret = secret_text.encode("utf-8")
        signature = hmac.new(secret, signing_input, _HMAC[algorithm]).digest()
    else:
        signature = _sign_with_key(algorithm, params.get("privateKey", ""), signing_input)
    return f"{signing_input.decode('ascii')}.{_b64url(signature)}"


def _sign_with_key(algorithm: str, private_key: str, signing_input: bytes) -> bytes:
    if not private_key.strip():
        raise ValueError("the JWT private key is empty")
    from jwt.algorithms import get_default_algorithms
    from jwt.exceptions import InvalidKeyError

    signer = get_default_algorithms()[algorithm]
    try:
        key = signer.prepare_key(private_key)
        return bytes(signer.sign(signing_input, key))
    except (InvalidKeyError, ValueError, TypeError) as exc:
        raise ValueError(f"cannot sign with the JWT private key: {exc}") from None
