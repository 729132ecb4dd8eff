"""The demo API: a small JSON service with login, a bearer token, CRUD, echo and odd corners.

It exists so that ``rqrun demo`` (and anyone reading the README) can run a realistic collection
with no network and no external service. Standard library only, bound to 127.0.0.1, state in
memory behind one lock, silent on stderr. Endpoints (JSON unless said otherwise):

==========================  ==========================================================
``GET /``                   this list
``POST /login``             ``{username, password}`` -> ``{token, expires_in}`` (401 on a bad password)
``GET /me``                 who the bearer token belongs to
``/items``                  ``GET`` (``?limit=&offset=`` -> ``{items, total, next}``), ``POST`` -> 201
``/items/{id}``             ``GET``, ``PUT``, ``PATCH``, ``DELETE`` (404 when missing)
``ANY /echo``               what was received: method, path, query, headers, body, form, files
``GET /status/{code}``      answers with that status
``GET /redirect?to=/path``  302 to a local path (``&status=301|303|307|308`` too)
``GET /cookies/set?k=v``    sets cookies; ``GET /cookies`` shows the ones received
``GET /slow?ms=N``          answers after N milliseconds (at most 60 s)
``POST /hmac``              checks ``X-Signature: hex(hmac_sha256(signing_key, body))``
==========================  ==========================================================

``/me`` and ``/items`` need ``Authorization: Bearer <token from /login>``.

Run it alone with ``python -m rqrun.demo.server [--port N]``.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from rqrun.demo.app import (
    DEFAULT_PASSWORD,
    DEFAULT_SIGNING_KEY,
    DEFAULT_USERNAME,
    ENDPOINTS,
    HOST,
    MAX_BODY_BYTES,
    TOKEN_TTL_SECONDS,
    BadRequest,
    DemoApp,
    DemoRequest,
    DemoResponse,
    error_response,
    parse_multipart,
    sign,
)

__all__ = [
    "DemoServer",
    "LoopbackServer",
    "DemoApp",
    "DemoRequest",
    "DemoResponse",
    "DEFAULT_USERNAME",
    "DEFAULT_PASSWORD",
    "DEFAULT_SIGNING_KEY",
    "ENDPOINTS",
    "sign",
    "parse_multipart",
    "main",
]


class _Handler(BaseHTTPRequestHandler):
    """Socket plumbing only: read the request, hand it to the app, write the answer."""

    protocol_version = "HTTP/1.1"  # keep-alive, so a pooled client reuses connections
    server_version = "rqrun-demo"
    # Headers and body leave in one write, without Nagle: otherwise each response waits ~40 ms
    # for the client's delayed ACK. handle_one_request() flushes after every response.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    app: DemoApp  # set on the subclass each server makes

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: the demo shares the terminal with the run's own output."""

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                size_line = self.rfile.readline(1024).split(b";", 1)[0].strip()
                size = int(size_line or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024).strip():
                        pass  # trailers
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY_BYTES:
                    raise BadRequest("body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY_BYTES:
            raise BadRequest("body too large")
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except (ValueError, BadRequest) as exc:
            self.close_connection = True
            self._write(self.command, error_response(400, f"unreadable body: {exc}"))
            return
        req = DemoRequest(self.command, self.path, list(self.headers.items()), body)
        self._write(self.command, self.app.handle(req))

    def _write(self, method: str, resp: DemoResponse) -> None:
        self.send_response(resp.status)
        for key, value in resp.headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(resp.body)))
        self.end_headers()
        if method != "HEAD" and resp.body:
            self.wfile.write(resp.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve


class _Listener(ThreadingHTTPServer):
    # socketserver's listen backlog is 5: the sixth client connecting at once (``--parallel 8``,
    # Locust's users) has its SYN dropped and retries a second later, a 1 s stall per connection.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a load-test worker exiting) is not a server error worth a traceback."""
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 in a daemon thread: start, stop, a context manager.

    Subclasses say which handler serves requests (:meth:`handler`); ``port=0`` picks a free
    port and ``url`` tells which. The demo API and the tests' recording server share this.
    """

    thread_name = "rqrun-loopback"

    def __init__(self, port: int = 0, host: str = HOST) -> None:
        self._port = port
        self.host = host  # another loopback address (127.0.0.2) stands for "some other host" in tests
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """The request handler class for this server."""
        raise TypeError(f"{type(self).__name__} must say which handler serves its requests")

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError(f"{type(self).__name__} is not running")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> Self:
        """Bind and serve in a daemon thread; returns self once it accepts connections."""
        if self._httpd is not None:
            return self
        httpd = _Listener((self.host, self._port), self.handler())
        httpd.daemon_threads = True
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=self.thread_name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket. Idempotent."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class DemoServer(LoopbackServer):
    """The demo API on 127.0.0.1 in a daemon thread; a context manager.

    ``port=0`` (the default) picks a free port; ``url`` tells which.
    """

    def __init__(
        self,
        port: int = 0,
        *,
        username: str = DEFAULT_USERNAME,
        password: str = DEFAULT_PASSWORD,
        signing_key: str = DEFAULT_SIGNING_KEY,
        token_ttl: int = TOKEN_TTL_SECONDS,
    ) -> None:
        super().__init__(port)
        self.app = DemoApp(username=username, password=password, signing_key=signing_key, token_ttl=token_ttl)

    @property
    def username(self) -> str:
        return self.app.username

    @property
    def password(self) -> str:
        return self.app.password

    @property
    def signing_key(self) -> str:
        return self.app.signing_key

    thread_name = "rqrun-demo"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return type("DemoHandler", (_Handler,), {"app": self.app})


def main(argv: list[str] | None = None) -> int:
    """``python -m rqrun.demo.server``: serve until interrupted, printing the URL first."""
    parser = argparse.ArgumentParser(prog="python -m rqrun.demo.server", description="The rqrun demo API.")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--password", default=DEFAULT_PASSWORD, help="the password /login accepts")
    parser.add_argument("--signing-key", default=DEFAULT_SIGNING_KEY, help="the key /hmac checks against")
    args = parser.parse_args(argv)
    server = DemoServer(args.port, password=args.password, signing_key=args.signing_key).start()
    print(server.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
