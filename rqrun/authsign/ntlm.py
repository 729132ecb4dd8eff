"""NTLM over HTTP (MS-NTHT) the way Newman 6.2.2 runs Postman's ``ntlm`` auth.

Newman first sends the request with no Authorization header (it removes one the user wrote).
Only a 401 or 403 that offers NTLM or Negotiate starts the handshake: the request is sent again
with the negotiate message, the server's challenge comes back in a second 401, and the request
is sent a third time with the authenticate message. NTLM authenticates the TCP connection, so
all three go over one keep-alive connection (httpx reads each 401 body and hands the same
pooled connection to the next send). pyspnego builds the messages (NTLMv2); it is imported only
when a server actually asks for NTLM. :class:`NtlmHandshake` says what to send next; the HTTP
layer (:mod:`rqrun.http`, the one module that speaks httpx) drives it.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["NtlmCredentials", "NtlmHandshake", "credentials", "offers_ntlm", "challenge_token"]


@dataclass(frozen=True)
class NtlmCredentials:
    """Postman's ``ntlm`` fields after rendering; ``retry`` is false with ``disableRetryRequest``."""

    username: str
    password: str
    domain: str = ""
    workstation: str = ""
    retry: bool = True

    @property
    def secrets(self) -> tuple[str, ...]:
        """What leaves only in derived form: the gate searches requests for these too."""
        return tuple(v for v in (self.username, self.password, self.domain) if v)

    def account(self) -> tuple[str, str]:
        """(user, domain): without a domain field, ``DOMAIN\\user`` and ``user@domain`` are split."""
        if self.domain:
            return self.username, self.domain
        name = self.username
        down_level, upn = name.split("\\"), name.split("@")
        if len(down_level) > 1 and len(upn) > 1:
            return name, ""
        if len(down_level) == 2 and all(down_level):
            return down_level[1], down_level[0]
        if len(upn) == 2 and all(upn):
            return upn[0], upn[1]
        return name, ""


def credentials(params: Mapping[str, object]) -> NtlmCredentials:
    """The credentials from rendered Postman fields (missing fields are empty, as in Newman)."""

    def field(name: str) -> str:
        value = params.get(name)
        return "" if value is None else str(value)

    return NtlmCredentials(
        username=field("username"),
        password=field("password"),
        domain=field("domain"),
        workstation=field("workstation"),
        retry=field("disableRetryRequest").strip().lower() not in ("true", "1"),
    )


def offers_ntlm(values: Sequence[str]) -> bool:
    """Newman's test: a ``WWW-Authenticate`` that is ``NTLM`` or ``Negotiate``, or a first one naming NTLM."""
    if any(v.strip() in ("NTLM", "Negotiate") for v in values):
        return True
    return bool(values) and "NTLM" in values[0]


def challenge_token(values: Sequence[str]) -> bytes | None:
    """The challenge (type 2) message from the first ``WWW-Authenticate: NTLM <base64>``."""
    for value in values:
        if value.startswith("NTLM "):
            try:
                return base64.b64decode(value[5:].strip(), validate=True)
            except ValueError:
                return None
    return None


class NtlmHandshake:
    """One request's exchange: after each response, the ``Authorization`` to send it again with.

    Newman's states: the plain request was sent; the negotiate message was sent; the
    authenticate message was sent (then stop, whatever the answer).
    """

    def __init__(self, creds: NtlmCredentials) -> None:
        self.creds = creds
        self._context: Any = None
        self._sent = 0  # NTLM messages sent so far

    def next_header(self, status: int, challenges: Sequence[str]) -> str | None:
        """The next ``Authorization`` value, or None to stop and keep this response."""
        if not self.creds.retry or status not in (401, 403) or self._sent >= 2:
            return None
        from spnego.exceptions import SpnegoError

        try:
            if self._sent == 0:
                if not offers_ntlm(challenges):
                    return None
                self._context = self._new_context()
                message = self._context.step()
            else:
                token = challenge_token(challenges)
                if token is None:
                    return None  # Newman, too, stops here and keeps the server's 401
                message = self._context.step(token)
        except SpnegoError:
            return None  # no usable credentials, or a challenge pyspnego cannot answer: keep the 401
        if not message:
            return None
        self._sent += 1
        return "NTLM " + base64.b64encode(message).decode("ascii")

    def _new_context(self) -> Any:
        import spnego

        user, domain = self.creds.account()
        account = f"{domain}\\{user}" if domain else user
        return spnego.client(account, self.creds.password, protocol="ntlm")
