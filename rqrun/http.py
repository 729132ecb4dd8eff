"""Sending prepared requests with one pooled httpx client per run.

The only module that imports httpx, and the only place its exceptions are seen: each one is
translated into a :class:`rqrun.errors.RequestSendError` with a ``kind`` a report can show.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rqrun.errors import RequestSendError
from rqrun.prepare import PreparedRequest

if TYPE_CHECKING:
    import httpx

__all__ = ["HttpResponse", "HttpClient", "map_httpx_error", "MAX_BODY_BYTES"]

#: Bytes of a response body kept in memory; the rest is read and counted, not kept.
MAX_BODY_BYTES = 16 * 1024 * 1024


@dataclass
class HttpResponse:
    code: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    size: int  # bytes received, even when ``body`` was cut at MAX_BODY_BYTES
    time_ms: float
    http_version: str
    truncated: bool = False
    url: str = ""

    def text(self) -> str:
        charset = "utf-8"
        for key, value in self.headers:
            if key.lower() == "content-type" and "charset=" in value.lower():
                charset = value.lower().split("charset=", 1)[1].split(";")[0].strip() or "utf-8"
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def map_httpx_error(exc: Exception, url: str, timeout_ms: float) -> RequestSendError:
    """The user-facing error for an httpx exception (most specific class first)."""
    import httpx

    message = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        phase = {
            httpx.ConnectTimeout: "connecting",
            httpx.ReadTimeout: "waiting for the response",
            httpx.WriteTimeout: "sending the request",
            httpx.PoolTimeout: "waiting for a connection",
        }.get(type(exc), "")
        return RequestSendError(
            f"timed out after {timeout_ms:g} ms {phase} ({url})".replace("  ", " "),
            kind="timeout",
            hint="raise --timeout-request",
        )
    if isinstance(exc, httpx.ConnectError):
        lowered = message.lower()
        if "ssl" in lowered or "certificate" in lowered or "tls" in lowered:
            return RequestSendError(
                f"TLS failure connecting to {url}: {message}", kind="tls", hint="use --insecure to skip verification"
            )
        return RequestSendError(f"could not connect to {url}: {message}", kind="network")
    if isinstance(exc, httpx.TooManyRedirects):
        return RequestSendError(f"too many redirects from {url}", kind="redirects")
    if isinstance(exc, httpx.ProxyError):
        return RequestSendError(f"proxy failure for {url}: {message}", kind="network")
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.DecodingError)):
        return RequestSendError(f"the server broke the protocol ({url}): {message}", kind="protocol")
    if isinstance(exc, (httpx.ReadError, httpx.WriteError, httpx.NetworkError, httpx.CloseError)):
        return RequestSendError(f"connection failed during the exchange with {url}: {message}", kind="network")
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.LocalProtocolError)):
        return RequestSendError(f"cannot send to {url!r}: {message}", kind="invalid-request")
    if isinstance(exc, httpx.TransportError):
        return RequestSendError(f"transport failure for {url}: {message}", kind="network")
    if isinstance(exc, httpx.HTTPError):
        return RequestSendError(f"request to {url} failed: {message}", kind="network")
    if isinstance(exc, (ValueError, TypeError, UnicodeError)):
        return RequestSendError(f"cannot send to {url!r}: {message}", kind="invalid-request")
    return RequestSendError(f"request to {url} failed: {type(exc).__name__}: {message}", kind="network")


class HttpClient:
    """One keep-alive connection pool and cookie jar for the whole run."""

    def __init__(
        self,
        *,
        timeout_ms: float = 30_000,
        verify: bool = True,
        follow_redirects: bool = True,
        max_redirects: int = 10,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        import httpx

        self.timeout_ms = timeout_ms
        self.follow_redirects = follow_redirects
        self.max_body_bytes = max_body_bytes
        self._client = httpx.Client(
            timeout=timeout_ms / 1000,
            verify=verify,
            follow_redirects=follow_redirects,
            max_redirects=max_redirects,
            trust_env=True,
            headers={"User-Agent": _user_agent()},
        )

    @property
    def cookies(self) -> Any:
        return self._client.cookies

    def send(
        self, prepared: PreparedRequest, *, timeout_ms: float | None = None, follow_redirects: bool | None = None
    ) -> HttpResponse:
        import httpx

        timeout = (timeout_ms or self.timeout_ms) / 1000
        auth: Any = httpx.DigestAuth(*prepared.digest) if prepared.digest else None
        started = time.perf_counter()
        try:
            request = self._client.build_request(
                prepared.method,
                prepared.url,
                headers=[(k, v if v.isascii() else v.encode("utf-8")) for k, v in prepared.headers],
                content=prepared.content,
                timeout=timeout,
            )
            response = self._client.send(
                request,
                stream=True,
                auth=auth,
                follow_redirects=self.follow_redirects if follow_redirects is None else follow_redirects,
            )
            try:
                body, size, truncated = self._read_body(response, started, timeout)
            finally:
                response.close()
        except Exception as exc:  # translated at the boundary, chained for --debug
            raise map_httpx_error(exc, prepared.url, timeout * 1000) from exc
        elapsed = (time.perf_counter() - started) * 1000
        return HttpResponse(
            code=response.status_code,
            reason=response.reason_phrase,
            headers=[(k, v) for k, v in response.headers.multi_items()],
            body=body,
            size=size,
            time_ms=elapsed,
            http_version=response.http_version,
            truncated=truncated,
            url=str(response.url),
        )

    def _read_body(self, response: httpx.Response, started: float, timeout: float) -> tuple[bytes, int, bool]:
        """Read the body, keeping at most ``max_body_bytes``; the whole exchange obeys ``timeout``."""
        import httpx

        kept = bytearray()
        size = 0
        deadline = started + timeout
        for chunk in response.iter_bytes():
            size += len(chunk)
            room = self.max_body_bytes - len(kept)
            if room > 0:
                kept += chunk[:room]
            if time.perf_counter() > deadline:
                raise httpx.ReadTimeout("the response body did not arrive in time")
        return bytes(kept), size, size > len(kept)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _user_agent() -> str:
    from rqrun._version import __version__

    return f"rqrun/{__version__}"
