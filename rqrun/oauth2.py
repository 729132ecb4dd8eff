"""OAuth 2.0 tokens for the ``oauth2`` auth type: client credentials and password grants.

A token is fetched before the first request that needs it, kept for the run, and fetched
again when it expires or when a request comes back 401. Field names follow Postman's oauth2
auth (``grant_type``, ``accessTokenUrl``, ``clientId``, ``clientSecret``, ``scope``,
``username``, ``password``, ``client_authentication``), so collections move over unchanged.
Every token is registered with the redactor the moment it arrives.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from rqrun.errors import RequestSendError
from rqrun.prepare import PreparedRequest

__all__ = ["OAuth2Tokens", "needs_token"]

#: Refresh this long before the server's stated expiry, so a token does not die in flight.
EXPIRY_SKEW_S = 5.0

_GRANTS = {"client_credentials": "client_credentials", "password": "password", "password_credentials": "password"}


#: Grants that need a person at a browser: with no saved token the request goes without auth.
INTERACTIVE_GRANTS = frozenset({"authorization_code", "authorization_code_with_pkce", "implicit"})


def needs_token(params: Mapping[str, Any]) -> bool:
    """An oauth2 auth with a token URL and no fixed access token: rqrun fetches one, except for
    the interactive grants, which Newman too sends without auth (prepare says so once a run)."""
    grant = str(params.get("grant_type") or "")
    if grant in INTERACTIVE_GRANTS:
        return False
    return bool(params.get("accessTokenUrl")) and not params.get("accessToken")


@dataclass
class _Token:
    value: str
    expires_at: float | None


#: (vault key, hosts or None) pairs the token request's parameters were rendered from.
SecretKeys = Sequence[tuple[str, Sequence[str] | None]]


class OAuth2Tokens:
    """Per-run token cache, keyed by everything that identifies a grant.

    ``send`` gets the token request and the vault keys its parameters used, so that the
    caller can check them by name (a short secret is not recognisable by value).
    """

    def __init__(self, send: Callable[[PreparedRequest, SecretKeys], Any], register_secret: Callable[[str], None]) -> None:
        self._send = send
        self._register = register_secret
        self._tokens: dict[tuple[str, ...], _Token] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(params: Mapping[str, str]) -> tuple[str, ...]:
        return tuple(params.get(k, "") for k in ("accessTokenUrl", "grant_type", "clientId", "scope", "username"))

    def token(self, params: Mapping[str, str], *, refresh: bool = False, keys: SecretKeys = ()) -> str:
        """A valid access token for ``params`` (already rendered from the vault ``keys``),
        fetching one if needed."""
        key = self._key(params)
        with self._lock:
            cached = self._tokens.get(key)
            fresh = cached is not None and (cached.expires_at is None or cached.expires_at > time.monotonic())
            if fresh and not refresh and cached is not None:
                return cached.value
            token = self._fetch(params, keys)
            self._tokens[key] = token
            return token.value

    def _fetch(self, params: Mapping[str, str], keys: SecretKeys) -> _Token:
        url = params["accessTokenUrl"]
        grant = _GRANTS.get((params.get("grant_type") or "client_credentials").lower())
        if grant is None:
            raise RequestSendError(
                f"OAuth 2.0 grant {params.get('grant_type')!r} is not supported",
                kind="oauth2",
                hint="use client_credentials or password",
            )
        form: list[tuple[str, str]] = [("grant_type", grant)]
        if grant == "password":
            form += [("username", params.get("username", "")), ("password", params.get("password", ""))]
        if params.get("scope"):
            form.append(("scope", params["scope"]))
        if params.get("audience"):
            form.append(("audience", params["audience"]))
        headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]
        client_id, secret = params.get("clientId", ""), params.get("clientSecret", "")
        if params.get("client_authentication", "header").lower() == "body":
            form += [("client_id", client_id), ("client_secret", secret)]
        else:
            raw = f"{quote(client_id, safe='')}:{quote(secret, safe='')}".encode()
            credential = base64.b64encode(raw).decode("ascii")
            self._register(credential)
            headers.append(("Authorization", f"Basic {credential}"))
        body = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in form)
        response = self._send(
            PreparedRequest(method="POST", url=url, headers=headers, content=body.encode(), body_preview=body), keys
        )
        if response.code >= 400:
            raise RequestSendError(
                f"the token endpoint {url} answered {response.code} {response.reason}", kind="oauth2"
            )
        try:
            data = json.loads(response.text())
            value = str(data["access_token"])
        except (ValueError, KeyError, TypeError):
            raise RequestSendError(f"the token endpoint {url} sent no access_token", kind="oauth2") from None
        self._register(value)
        if data.get("refresh_token"):
            self._register(str(data["refresh_token"]))
        expires_in = data.get("expires_in")
        expires_at = None
        if isinstance(expires_in, (int, float)) or (isinstance(expires_in, str) and expires_in.isdigit()):
            expires_at = time.monotonic() + float(expires_in) - EXPIRY_SKEW_S
        return _Token(value, expires_at)
