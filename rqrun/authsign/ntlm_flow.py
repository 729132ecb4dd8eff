"""The NTLM exchange as an httpx auth flow (the rules are in :mod:`rqrun.authsign.ntlm`)."""

from __future__ import annotations

import base64
from typing import Any, Generator

import httpx

from rqrun.authsign.ntlm import NtlmCredentials, challenge_token, offers_ntlm

__all__ = ["NtlmAuth"]


class NtlmAuth(httpx.Auth):
    """The three-message exchange as an httpx auth flow on one pooled connection."""

    requires_response_body = True  # read each 401 in full, so its connection goes back to the pool

    def __init__(self, creds: NtlmCredentials) -> None:
        self.creds = creds

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.pop("Authorization", None)
        response = yield request
        if not self._asks(response) or not offers_ntlm(response.headers.get_list("www-authenticate")):
            return
        from spnego.exceptions import SpnegoError

        try:
            context = self._context()
            negotiate = context.step()
        except SpnegoError:
            return  # no usable credentials (an empty user or password): keep the server's answer
        request.headers["Authorization"] = "NTLM " + base64.b64encode(negotiate).decode("ascii")
        response = yield request
        if not self._asks(response):
            return
        token = challenge_token(response.headers.get_list("www-authenticate"))
        if token is None:
            return  # Newman, too, stops here and keeps the server's 401
        try:
            authenticate = context.step(token)
        except SpnegoError:
            return  # a challenge pyspnego cannot answer: Newman, too, keeps the 401
        if authenticate is None:
            return
        request.headers["Authorization"] = "NTLM " + base64.b64encode(authenticate).decode("ascii")
        yield request

    def _asks(self, response: httpx.Response) -> bool:
        return self.creds.retry and response.status_code in (401, 403)

    def _context(self) -> Any:  # spnego's context type
        import spnego

        user, domain = self.creds.account()
        account = f"{domain}\\{user}" if domain else user
        return spnego.client(account, self.creds.password, protocol="ntlm")
