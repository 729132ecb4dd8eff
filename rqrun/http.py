"""Sending prepared requests with one pooled httpx client per run.

The only module that imports httpx, and the only place its exceptions are seen: each one is
translated into a :class:`rqrun.errors.RequestSendError` with a ``kind`` a report can show.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rqrun.errors import InputError, RequestSendError, RqrunError, UsageError
from rqrun.prepare import PreparedRequest

if TYPE_CHECKING:
    import httpx

__all__ = ["HttpResponse", "HttpClient", "RedirectHop", "RedirectCheck", "map_httpx_error", "MAX_BODY_BYTES", "load_cookie_jar", "save_cookie_jar"]

#: Bytes of a response body kept in memory; the rest is read and counted, not kept.
MAX_BODY_BYTES = 16 * 1024 * 1024


#: Headers that never follow a redirect to another origin (curl and browsers agree).
_CROSS_ORIGIN_DROPPED = frozenset({"authorization", "proxy-authorization", "cookie"})


@dataclass(frozen=True)
class RedirectHop:
    """The request a redirect asks for, shown to the caller before it leaves."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    content: bytes | None
    cross_origin: bool


#: Returns the headers the hop may carry, or raises to stop the redirect.
RedirectCheck = Callable[[RedirectHop], Sequence[tuple[str, str]]]


def _origin(url: Any) -> tuple[str, str, int | None]:
    """(scheme, host, port) of an httpx URL, default ports filled in."""
    return (url.scheme, url.host, url.port or {"http": 80, "https": 443}.get(url.scheme))


def _crosses_origin(current: Any, proposed: Any) -> bool:
    """True when a hop leaves the origin; an upgrade of the same host to https on 443 does not."""
    here, there = _origin(current), _origin(proposed)
    if here == there:
        return False
    return not (here[:2] == ("http", there[1]) and here[2] == 80 and there == ("https", here[1], 443))


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
        client_cert: str | None = None,
        client_key: str | None = None,
        extra_ca_certs: str | None = None,
        http2: bool = False,
        cookie_jar: str | None = None,
    ) -> None:
        import httpx

        self.timeout_ms = timeout_ms
        self.follow_redirects = follow_redirects
        self.max_redirects = max_redirects
        self.max_body_bytes = max_body_bytes
        if http2:
            try:
                import h2  # noqa: F401
            except ImportError:
                raise UsageError("--http2 needs the h2 package", hint="pip install 'rqrun[http2]'") from None
        self._client = httpx.Client(
            timeout=timeout_ms / 1000,
            verify=_tls_context(verify, client_cert, client_key, extra_ca_certs),
            follow_redirects=follow_redirects,
            max_redirects=max_redirects,
            trust_env=True,
            http2=http2,
            cookies=load_cookie_jar(cookie_jar) if cookie_jar else None,
            headers={"User-Agent": _user_agent()},
            event_hooks={"request": [ExchangeDeadline.start]},
        )
        ExchangeDeadline.install(self._client)

    @property
    def cookies(self) -> Any:
        return self._client.cookies

    def save_cookies(self, path: str, redact: Any = None) -> str:
        """Write the jar: JSON for a ``.json`` path, the Netscape cookies.txt format otherwise."""
        return save_cookie_jar(self._client.cookies.jar, path, redact)

    def send(
        self,
        prepared: PreparedRequest,
        *,
        timeout_ms: float | None = None,
        follow_redirects: bool | None = None,
        on_redirect: RedirectCheck | None = None,
    ) -> HttpResponse:
        """Send ``prepared`` and read the response, following redirects hop by hop.

        Redirects are followed here rather than by httpx so that every hop passes
        ``on_redirect`` before it leaves: it gets the next request and whether it changes
        origin, returns the headers to send (or raises to stop). Authorization and
        Proxy-Authorization never cross origins, and digest credentials are answered only on
        the first origin.
        """
        import httpx

        timeout = (timeout_ms or self.timeout_ms) / 1000
        follow = self.follow_redirects if follow_redirects is None else follow_redirects
        auth: Any = httpx.DigestAuth(*prepared.digest) if prepared.digest else None
        if prepared.ntlm is not None:
            auth = _ntlm_auth(prepared.ntlm)
        started = time.perf_counter()
        url = prepared.url
        try:
            request = self._client.build_request(
                prepared.method,
                prepared.url,
                headers=_wire_headers(prepared.headers),
                content=prepared.content,
                timeout=timeout,
                extensions=_verbatim_target(prepared),
            )
            first_origin = _origin(request.url)
            hops = 0
            while True:
                url = str(request.url) if hops else prepared.url
                same_origin = _origin(request.url) == first_origin
                response = self._client.send(request, stream=True, auth=auth if same_origin else None, follow_redirects=False)
                next_request = response.next_request if follow else None
                if next_request is None:
                    break
                response.close()
                hops += 1
                if hops > self.max_redirects:
                    raise httpx.TooManyRedirects("Exceeded maximum allowed redirects.", request=request)
                request = self._next_hop(request, next_request, prepared.content, on_redirect)
            try:
                body, size, truncated = self._read_body(response, started, timeout)
            finally:
                response.close()
        except RqrunError:
            raise
        except Exception as exc:  # translated at the boundary, chained for --debug
            raise map_httpx_error(exc, url, timeout * 1000) from exc
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

    def _next_hop(
        self, current: httpx.Request, proposed: httpx.Request, content: bytes | None, check: RedirectCheck | None
    ) -> httpx.Request:
        """The next hop as httpx proposes it, with credentials dropped and ``check`` applied."""
        import httpx

        cross_origin = _crosses_origin(current.url, proposed.url)
        headers = [
            (k, v)
            for k, v in proposed.headers.multi_items()
            if not (cross_origin and k.lower() in _CROSS_ORIGIN_DROPPED)
        ]
        keeps_body = proposed.method == current.method and content is not None
        if check is not None:
            headers = list(
                check(
                    RedirectHop(
                        method=proposed.method,
                        url=str(proposed.url),
                        headers=headers,
                        content=content if keeps_body else None,
                        cross_origin=cross_origin,
                    )
                )
            )
        return httpx.Request(
            proposed.method,
            proposed.url,
            headers=headers,
            content=content if keeps_body else None,
            extensions={k: v for k, v in proposed.extensions.items() if k != "target"},
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


def _ntlm_auth(creds: Any) -> Any:
    """An httpx auth flow around :class:`rqrun.authsign.ntlm.NtlmHandshake`.

    The first send has no Authorization header (Newman removes one the user wrote); each 401
    is read in full, so its keep-alive connection goes back to the pool and carries the next
    message: NTLM authenticates the connection, not the request.
    """
    import httpx

    from rqrun.authsign.ntlm import NtlmHandshake

    class NtlmAuth(httpx.Auth):
        requires_response_body = True

        def auth_flow(self, request: httpx.Request) -> Any:
            handshake = NtlmHandshake(creds)
            request.headers.pop("Authorization", None)
            response = yield request
            while True:
                value = handshake.next_header(response.status_code, response.headers.get_list("www-authenticate"))
                if value is None:
                    return
                request.headers["Authorization"] = value
                response = yield request

    return NtlmAuth()


class ExchangeDeadline:
    """The request timeout as a deadline for a whole exchange, not for each read.

    httpx applies its timeout to each socket operation, so a server that sends one header line
    (or body byte) a second keeps a request alive for ever. Here every pool's network backend is
    wrapped (:meth:`install`): each connect, read, write and TLS handshake waits at most the time
    left until the deadline and fails as a timeout past it. :meth:`start`, an httpx request
    hook, sets the deadline (now + the request's timeout) for the thread that sends; each hop
    of a redirect or an authentication round starts its own.
    """

    _local = threading.local()

    @classmethod
    def start(cls, request: httpx.Request) -> None:
        timeout = (request.extensions.get("timeout") or {}).get("read")
        cls._local.deadline = None if timeout is None else time.monotonic() + timeout

    @classmethod
    def install(cls, client: httpx.Client) -> None:
        """Wrap the network backend of each of ``client``'s connection pools (proxies too)."""
        for transport in [client._transport, *client._mounts.values()]:
            pool = getattr(transport, "_pool", None)
            if pool is not None and hasattr(pool, "_network_backend"):
                pool._network_backend = _DeadlineBackend(pool._network_backend)

    @classmethod
    def cap(cls, timeout: float | None, error: str) -> float | None:
        """``timeout`` cut to the time left; raises httpcore's ``error`` class when none is left."""
        deadline: float | None = getattr(cls._local, "deadline", None)
        if deadline is None:
            return timeout
        left = deadline - time.monotonic()
        if left <= 0:
            import httpcore

            raise getattr(httpcore, error)("the exchange took longer than its timeout")
        return left if timeout is None else min(timeout, left)


class _DeadlineBackend:
    """An httpcore network backend whose connections obey :class:`ExchangeDeadline`."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> _DeadlineStream:
        timeout = ExchangeDeadline.cap(timeout, "ConnectTimeout")
        return _DeadlineStream(self._inner.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> _DeadlineStream:
        timeout = ExchangeDeadline.cap(timeout, "ConnectTimeout")
        return _DeadlineStream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _DeadlineStream:
    """An httpcore network stream whose reads and writes wait at most until the deadline."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = self._inner.read(max_bytes, ExchangeDeadline.cap(timeout, "ReadTimeout"))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, ExchangeDeadline.cap(timeout, "WriteTimeout"))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> _DeadlineStream:
        timeout = ExchangeDeadline.cap(timeout, "ConnectTimeout")
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _verbatim_target(prepared: PreparedRequest) -> dict[str, Any]:
    """httpcore's ``target`` extension: the path and query as prepared, when the request asks
    for it and they are already fit for the wire (httpx would drop ``/./`` and ``/../``)."""
    if not prepared.verbatim_target:
        return {}
    url = prepared.url.partition("#")[0]
    scheme_end = url.find("://")
    rest = url[scheme_end + 3 :] if scheme_end >= 0 else url
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    target = rest[cut:]
    if target.startswith("?"):
        target = "/" + target
    if not target or not all(0x21 <= ord(c) <= 0x7E for c in target):
        return {}  # empty, or characters httpx must still encode
    return {"target": target.encode("ascii")}


def _wire_headers(headers: Sequence[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """Headers as httpx takes them: bytes (ASCII names, as httpx encodes them; UTF-8 values,
    so non-ASCII ones go out as their UTF-8 bytes), and values without the
    spaces or tabs around them. A field value never includes that whitespace (RFC 9110 5.5),
    so ``Bearer {{empty}}`` rendered to ``Bearer `` means ``Bearer``; h11 refuses to send the
    space, where Newman sends it and servers drop it."""
    out: list[tuple[bytes, bytes]] = []
    for key, value in headers:
        value = value.strip(" \t")
        out.append((key.encode("ascii"), value.encode("utf-8")))
    return out


def _tls_context(verify: bool, cert: str | None, key: str | None, extra_ca: str | None) -> Any:
    """``verify`` as httpx takes it: a bool, or an SSL context when certificates are involved."""
    if not (cert or extra_ca):
        return verify
    import ssl

    try:
        import certifi

        context = ssl.create_default_context(cafile=certifi.where())
    except ImportError:  # pragma: no cover - httpx depends on certifi
        context = ssl.create_default_context()
    try:
        if extra_ca:
            context.load_verify_locations(cafile=extra_ca)
        if cert:
            context.load_cert_chain(certfile=cert, keyfile=key)
    except (OSError, ssl.SSLError) as exc:
        which = cert if cert else extra_ca
        raise InputError(f"cannot load certificate {which}: {getattr(exc, 'strerror', None) or exc}") from None
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def load_cookie_jar(path: str) -> Any:
    """A cookie jar read from JSON (a list of cookie objects) or a Netscape cookies.txt file."""
    import http.cookiejar
    import json as _json

    jar = http.cookiejar.MozillaCookieJar()
    try:
        if path.endswith(".json"):
            with open(path, encoding="utf-8") as handle:
                entries = _json.load(handle)
            if not isinstance(entries, list):
                raise ValueError("expected a list of cookies")
            for entry in entries:
                jar.set_cookie(_cookie_from_dict(entry))
        else:
            jar.load(path, ignore_discard=True, ignore_expires=False)
    except FileNotFoundError:
        raise InputError("the cookie jar does not exist", where=path, hint="check --cookie-jar") from None
    except (OSError, ValueError, KeyError, TypeError, http.cookiejar.LoadError) as exc:
        raise InputError(f"cannot read the cookie jar: {exc}", where=path) from None
    return jar


def _cookie_from_dict(entry: Any) -> Any:
    import http.cookiejar

    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise ValueError("each cookie needs a name")
    domain = str(entry.get("domain", ""))
    expires = entry.get("expires")
    return http.cookiejar.Cookie(
        version=0, name=entry["name"], value=str(entry.get("value", "")), port=None, port_specified=False,
        domain=domain, domain_specified=bool(domain), domain_initial_dot=domain.startswith("."),
        path=str(entry.get("path", "/")), path_specified=True, secure=bool(entry.get("secure", False)),
        expires=int(expires) if isinstance(expires, (int, float)) else None, discard=expires is None,
        comment=None, comment_url=None, rest={"HttpOnly": ""} if entry.get("httpOnly") else {},
    )


def save_cookie_jar(jar: Any, path: str, redact: Any = None) -> str:
    """Write ``jar`` to ``path`` atomically (JSON by extension, else Netscape format).

    ``redact`` masks cookie values that are vault secrets, as every other output does.
    """
    import copy
    import http.cookiejar
    import json as _json

    if redact is not None:
        masked = []
        for cookie in jar:
            cookie = copy.copy(cookie)
            cookie.value = redact(cookie.value) if cookie.value else cookie.value
            masked.append(cookie)
        jar = masked

    from rqrun.atomic import AtomicFile

    with AtomicFile(path, mode=0o600) as target:  # cookies are credentials
        if path.endswith(".json"):
            cookies = [
                {
                    "name": c.name, "value": c.value, "domain": c.domain, "path": c.path,
                    "expires": c.expires, "secure": c.secure, "httpOnly": c.has_nonstandard_attr("HttpOnly"),
                }
                for c in jar
            ]
            target.write(_json.dumps(cookies, indent=2) + "\n")
        else:
            netscape = http.cookiejar.MozillaCookieJar()
            for cookie in jar:
                netscape.set_cookie(cookie)
            # The standard library writes the Netscape format only to a path: the temporary one.
            netscape.save(target.temp_path, ignore_discard=True, ignore_expires=True)
    return path


def _user_agent() -> str:
    from rqrun._version import __version__

    return f"rqrun/{__version__}"
