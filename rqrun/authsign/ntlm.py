"""NTLM over HTTP (MS-NTHT) the way Newman 6.2.2 runs Postman's ``ntlm`` auth.

Newman first sends the request with no Authorization header (it removes one the user wrote).
Only a 401 or 403 that offers NTLM or Negotiate starts the handshake: the request is sent again
with the negotiate message, the server's challenge comes back in a second 401, and the request
is sent a third time with the authenticate message. NTLM authenticates the TCP connection, so
all three go over one keep-alive connection (httpx reads each 401 body and hands the same
pooled connection to the next send). pyspnego builds the messages (NTLMv2); it is imported only
when a server actually asks for NTLM. The exchange itself is :mod:`rqrun.authsign.ntlm_flow`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Mapping, Sequence

__all__ = ["NtlmCredentials", "credentials", "offers_ntlm", "challenge_token"]


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
