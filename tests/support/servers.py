"""Local HTTP servers for the tests: a recorder that says exactly what rqrun sent.

``RecordingServer`` binds 127.0.0.1 on a free port, records every request as the bytes and
headers that arrived (original case and order, repeated query keys, blank values), and answers
what the test scripted for the path, or, by default, a JSON summary of the request::

    with RecordingServer() as srv:
        srv.respond("/token", body={"token": "t"})
        srv.redirect("/old", "/new")
        ...run rqrun against srv.url...
        assert srv.requests[0].header("Authorization") == "Bearer t"

Built in: ``/fail-first/{k}[/anything]`` answers 503 to the first k requests on that exact path,
then 200 (for retry tests).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from rqrun.demo.server import LoopbackServer, parse_multipart

__all__ = ["RecordingServer", "RecordedRequest", "Part", "Reply", "RequestLog"]

HeadersIn = Mapping[str, str] | Sequence[tuple[str, str]] | None


@dataclass(frozen=True)
class Part:
    """One multipart/form-data part as received."""

    name: str | None
    filename: str | None
    content_type: str | None
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


@dataclass(frozen=True)
class RecordedRequest:
    """One request exactly as it arrived. ``query`` and ``form`` keep order, repeats and blanks."""

    method: str
    raw_path: str
    path: str
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    body: bytes
    form: list[tuple[str, str]]
    multipart: list[Part]
    json: Any
    http_version: str = "HTTP/1.1"
    received_at: float = 0.0

    def header(self, name: str) -> str | None:
        """The first header with this name (case-insensitive), or None."""
        values = self.header_values(name)
        return values[0] if values else None

    def header_values(self, name: str) -> list[str]:
        """Every value of this header, in the order received."""
        lowered = name.lower()
        return [v for k, v in self.headers if k.lower() == lowered]

    def header_names(self) -> list[str]:
        """The header names as sent (original case), in order."""
        return [k for k, _ in self.headers]

    def arg(self, name: str) -> str | None:
        """The first query value for ``name``."""
        return next((v for k, v in self.query if k == name), None)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def cookies(self) -> dict[str, str]:
        """Cookies from every ``Cookie`` header."""
        jar: dict[str, str] = {}
        for value in self.header_values("Cookie"):
            for pair in value.split(";"):
                name, eq, val = pair.strip().partition("=")
                if eq and name:
                    jar[name] = val
        return jar

    def summary(self) -> dict[str, Any]:
        """The JSON the server answers with by default."""
        return {
            "method": self.method,
            "path": self.path,
            "raw_path": self.raw_path,
            "query": [list(p) for p in self.query],
            "headers": [list(p) for p in self.headers],
            "body": self.text,
            "form": [list(p) for p in self.form],
            "multipart": [
                {"name": p.name, "filename": p.filename, "content_type": p.content_type, "size": len(p.data)}
                for p in self.multipart
            ],
            "json": self.json,
        }


@dataclass
class Reply:
    """A scripted answer. ``body`` None means the default JSON summary of the request.

    ``close`` drops the connection without answering (a server that dies mid-request);
    ``times`` limits how many requests the reply is used for (None: every one).
    """

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    delay: float = 0.0
    close: bool = False
    times: int | None = None


def _headers(value: HeadersIn) -> list[tuple[str, str]]:
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [(str(k), str(v)) for k, v in value.items()]
    return [(str(k), str(v)) for k, v in value]


def _body(value: Any, headers: list[tuple[str, str]]) -> bytes | None:
    """Bytes as given, text as UTF-8, anything else as JSON (adding a Content-Type if none)."""
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return json.dumps(value).encode("utf-8")


class RequestLog:
    """A thread-safe list of :class:`RecordedRequest`; iteration and indexing see a snapshot."""

    def __init__(self) -> None:
        self._items: list[RecordedRequest] = []
        self._cond = threading.Condition()

    def append(self, item: RecordedRequest) -> None:
        with self._cond:
            self._items.append(item)
            self._cond.notify_all()

    def clear(self) -> None:
        with self._cond:
            self._items.clear()

    def snapshot(self) -> list[RecordedRequest]:
        with self._cond:
            return list(self._items)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[RecordedRequest]:
        """Block until ``count`` requests have arrived; raise AssertionError after ``timeout``."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._items) >= count, timeout):
                raise AssertionError(f"expected {count} requests, got {len(self._items)}")
            return list(self._items)

    def to(self, path: str) -> list[RecordedRequest]:
        """The requests for one decoded path."""
        return [r for r in self.snapshot() if r.path == path]

    @property
    def paths(self) -> list[str]:
        return [r.path for r in self.snapshot()]

    @property
    def last(self) -> RecordedRequest:
        items = self.snapshot()
        if not items:
            raise AssertionError("no request was recorded")
        return items[-1]

    def __len__(self) -> int:
        with self._cond:
            return len(self._items)

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(self.snapshot())

    def __getitem__(self, index: int) -> RecordedRequest:
        return self.snapshot()[index]

    def __bool__(self) -> bool:
        return len(self) > 0

    def __repr__(self) -> str:
        return f"RequestLog({[f'{r.method} {r.raw_path}' for r in self.snapshot()]})"


Handler = Callable[[RecordedRequest], Reply]


class RecordingServer(LoopbackServer):
    """Records every request and answers as scripted; a context manager (see the module doc)."""

    thread_name = "recording-server"

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(host=host)
        self.requests = RequestLog()
        self._lock = threading.Lock()
        self._rules: dict[str, list[Reply | Handler]] = {}
        self._counts: dict[str, int] = {}

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return type("RecordingHandler", (_Handler,), {"owner": self})

    # -- scripting -------------------------------------------------------------------------

    def respond(
        self,
        path: str,
        *,
        status: int = 200,
        headers: HeadersIn = None,
        body: Any = None,
        delay: float = 0.0,
        close: bool = False,
        times: int | None = None,
    ) -> RecordingServer:
        """Answer requests for ``path`` (decoded, no query; a trailing ``*`` matches a prefix).

        ``body``: bytes, text, or any JSON value; None keeps the default summary. With ``times``
        the reply is used that many times, ahead of any earlier reply, then falls through.
        A reply without ``times`` replaces the path's earlier permanent one.
        """
        hdrs = _headers(headers)
        reply = Reply(status, hdrs, _body(body, hdrs), delay, close, times)
        with self._lock:
            rules = self._rules.setdefault(path, [])
            if times is None:
                rules[:] = [r for r in rules if isinstance(r, Reply) and r.times is not None]
                rules.append(reply)
            else:
                rules.insert(0, reply)
        return self

    def handle(self, path: str, handler: Handler) -> RecordingServer:
        """Answer ``path`` with ``handler(request) -> Reply``, for anything ``respond`` cannot say."""
        with self._lock:
            self._rules[path] = [handler]
        return self

    def redirect(self, path: str, location: str, status: int = 302) -> RecordingServer:
        """``path`` answers ``status`` with ``Location: location`` (relative or absolute)."""
        return self.respond(path, status=status, headers=[("Location", location)], body=b"")

    def set_cookie(
        self, path: str, name: str, value: str, *, attributes: str = "Path=/", body: Any = None
    ) -> RecordingServer:
        """``path`` answers 200 with ``Set-Cookie: name=value; attributes``."""
        cookie = f"{name}={value}" + (f"; {attributes}" if attributes else "")
        return self.respond(path, headers=[("Set-Cookie", cookie)], body=body)

    def set_cookies(self, path: str, cookies: Mapping[str, str], *, attributes: str = "Path=/") -> RecordingServer:
        """Several ``Set-Cookie`` headers on one answer."""
        headers = [("Set-Cookie", f"{k}={v}" + (f"; {attributes}" if attributes else "")) for k, v in cookies.items()]
        return self.respond(path, headers=headers)

    def reset(self) -> None:
        """Forget recorded requests, scripted replies and fail-first counters."""
        self.requests.clear()
        with self._lock:
            self._rules.clear()
            self._counts.clear()

    def count(self, path: str) -> int:
        """How many requests arrived for ``path``."""
        return len(self.requests.to(path))

    # -- answering -------------------------------------------------------------------------

    def _choose(self, req: RecordedRequest) -> Reply:
        with self._lock:
            self._counts[req.path] = seen = self._counts.get(req.path, 0) + 1
            rules = self._rules.get(req.path)
            if rules is None:
                prefixes = [p for p in self._rules if p.endswith("*") and req.path.startswith(p[:-1])]
                if prefixes:
                    rules = self._rules[max(prefixes, key=len)]
            for rule in list(rules or []):
                if not isinstance(rule, Reply):
                    handler = rule
                    break
                if rule.times is None:
                    return rule
                if rule.times > 0:
                    rule.times -= 1
                    if rule.times == 0:
                        rules.remove(rule)  # type: ignore[union-attr]
                    return rule
            else:
                handler = None
        if handler is not None:
            return handler(req)
        return self._builtin(req, seen)

    @staticmethod
    def _builtin(req: RecordedRequest, seen: int) -> Reply:
        parts = req.path.strip("/").split("/")
        if len(parts) >= 2 and parts[0] == "fail-first" and parts[1].isdigit():
            failures = int(parts[1])
            if seen <= failures:
                body = json.dumps({"attempt": seen, "failing": True}).encode()
                return Reply(503, [("Content-Type", "application/json"), ("Retry-After", "0")], body)
            body = json.dumps({"attempt": seen, "failing": False}).encode()
            return Reply(200, [("Content-Type", "application/json")], body)
        return Reply()



def _record(method: str, raw_path: str, headers: list[tuple[str, str]], body: bytes, version: str) -> RecordedRequest:
    """Decode what arrived into a :class:`RecordedRequest`."""
    split = urlsplit(raw_path)
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
    base = content_type.split(";", 1)[0].strip().lower()
    form: list[tuple[str, str]] = []
    multipart: list[Part] = []
    parsed: Any = None
    if base == "application/x-www-form-urlencoded":
        form = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    elif base == "multipart/form-data":
        try:
            multipart = [
                Part(p["name"], p["filename"], p["content_type"], p["data"])
                for p in parse_multipart(body, content_type)
            ]
        except Exception:  # noqa: BLE001 - a malformed body is still recorded, just unparsed
            multipart = []
    elif body:
        try:
            parsed = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            parsed = None
    return RecordedRequest(
        method=method,
        raw_path=raw_path,
        path=unquote(split.path),
        query=parse_qsl(split.query, keep_blank_values=True),
        headers=headers,
        body=body,
        form=form,
        multipart=multipart,
        json=parsed,
        http_version=version,
        received_at=time.monotonic(),
    )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    owner: RecordingServer
    # Headers and body leave in one write, without Nagle: otherwise each response waits ~40 ms
    # for the client's delayed ACK. handle_one_request() flushes after every response.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: test output should show only the tests."""

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline(1024).split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024).strip():
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        body = self._read_body()
        req = _record(self.command, self.path, list(self.headers.items()), body, self.request_version)
        self.owner.requests.append(req)
        reply = self.owner._choose(req)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.close:
            self.close_connection = True
            return
        payload = reply.body
        headers = list(reply.headers)
        bodiless = reply.status in (204, 304) or reply.status < 200
        if bodiless:
            payload = b""
        elif payload is None:
            payload = json.dumps(req.summary()).encode("utf-8")
            headers.append(("Content-Type", "application/json"))
        self.send_response(reply.status)
        for key, value in headers:
            self.send_header(key, value)
        given = any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers)
        if not given and not bodiless:
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD" and payload:
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_TRACE = _serve
