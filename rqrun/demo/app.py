"""The demo API's endpoints and state, independent of sockets (``server.py`` does the I/O).

See ``rqrun.demo.server`` for the list of endpoints.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = [
    "DemoApp",
    "DemoRequest",
    "DemoResponse",
    "BadRequest",
    "DEFAULT_USERNAME",
    "DEFAULT_PASSWORD",
    "DEFAULT_SIGNING_KEY",
    "ENDPOINTS",
    "HOST",
    "MAX_BODY_BYTES",
    "TOKEN_TTL_SECONDS",
    "error_response",
    "sign",
    "parse_multipart",
]

DEFAULT_USERNAME = "demo"
DEFAULT_PASSWORD = "s3cret-demo-password"  # noqa: S105 - the demo server's published login
DEFAULT_SIGNING_KEY = "demo-signing-key"
TOKEN_TTL_SECONDS = 3600
MAX_BODY_BYTES = 16 * 1024 * 1024
MAX_SLOW_MS = 60_000
HOST = "127.0.0.1"  # the demo never listens anywhere else

ENDPOINTS = (
    "POST /login",
    "GET /me",
    "GET /items?limit=&offset=",
    "POST /items",
    "GET|PUT|PATCH|DELETE /items/{id}",
    "ANY /echo",
    "GET /status/{code}",
    "GET /redirect?to=/path",
    "GET /cookies/set?name=value",
    "GET /cookies/delete?name",
    "GET /cookies",
    "GET /slow?ms=N",
    "POST /hmac",
)


def sign(key: str | bytes, body: bytes) -> str:
    """The signature ``POST /hmac`` expects: hex HMAC-SHA256 of the raw body."""
    raw_key = key.encode("utf-8") if isinstance(key, str) else key
    return hmac.new(raw_key, body, hashlib.sha256).hexdigest()


@dataclass
class DemoRequest:
    """One received request, already read and decoded, independent of the socket."""

    method: str
    raw_path: str
    headers: list[tuple[str, str]]
    body: bytes = b""

    @property
    def path(self) -> str:
        return unquote(urlsplit(self.raw_path).path)

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(urlsplit(self.raw_path).query, keep_blank_values=True)

    def header(self, name: str) -> str | None:
        """The first header with this name, case-insensitively."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    def arg(self, name: str) -> str | None:
        for key, value in self.query:
            if key == name:
                return value
        return None


@dataclass
class DemoResponse:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


def _json(status: int, payload: Any, headers: list[tuple[str, str]] | None = None) -> DemoResponse:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return DemoResponse(status, body, [("Content-Type", "application/json"), *(headers or [])])


def error_response(status: int, message: str, headers: list[tuple[str, str]] | None = None) -> DemoResponse:
    return _json(status, {"error": message, "status": status}, headers)


class BadRequest(Exception):
    """Raised by body parsers; becomes a 400 with the message."""


def _header_param(value: str, param: str, header: str = "content-type") -> str | None:
    """A parameter of a header value (``boundary``, ``name``, ``filename``), RFC 2231 aware."""
    msg = Message()
    msg[header] = value
    got = msg.get_param(param, header=header)
    if got is None:
        return None
    if isinstance(got, tuple):
        from email.utils import collapse_rfc2231_value

        return str(collapse_rfc2231_value(got))
    return str(got)


def parse_multipart(body: bytes, content_type: str) -> list[dict[str, Any]]:
    """The parts of a multipart/form-data body: ``name``, ``filename``, ``content_type``, ``data``.

    Written by hand rather than with ``email`` so that binary file data comes back byte-exact.
    """
    boundary = _header_param(content_type, "boundary")
    if not boundary:
        raise BadRequest("multipart body without a boundary")
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    chunks = (b"\r\n" + body).split(delimiter)
    parts: list[dict[str, Any]] = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break  # the close delimiter; anything after it is the epilogue
        line_end = chunk.find(b"\r\n")
        if line_end < 0:
            raise BadRequest("malformed multipart part")
        chunk = chunk[line_end + 2 :]  # drop transport padding after the boundary
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            if chunk.startswith(b"\r\n"):  # a part with no headers at all
                head, data = b"", chunk[2:]
            else:
                raise BadRequest("malformed multipart part headers")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, colon, value = line.partition(":")
            if colon:
                headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        parts.append(
            {
                "name": _header_param(disposition, "name", "content-disposition") if disposition else None,
                "filename": _header_param(disposition, "filename", "content-disposition") if disposition else None,
                "content_type": headers.get("content-type"),
                "data": data,
            }
        )
    return parts


class DemoApp:
    """The endpoints and their state. Thread-safe: every read and write of state holds ``_lock``."""

    def __init__(
        self,
        *,
        username: str = DEFAULT_USERNAME,
        password: str = DEFAULT_PASSWORD,
        signing_key: str = DEFAULT_SIGNING_KEY,
        token_ttl: int = TOKEN_TTL_SECONDS,
    ) -> None:
        self.username = username
        self.password = password
        self.signing_key = signing_key
        self.token_ttl = token_ttl
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, float]] = {}  # token -> (username, expiry)
        self._items: dict[int, dict[str, Any]] = {}
        self._next_id = 1
        self._routes: list[tuple[re.Pattern[str], dict[str, Callable[..., DemoResponse]]]] = [
            (re.compile(r"/"), {"GET": self._index}),
            (re.compile(r"/health"), {"GET": lambda req: _json(200, {"ok": True})}),
            (re.compile(r"/login"), {"POST": self._login}),
            (re.compile(r"/me"), {"GET": self._me}),
            (re.compile(r"/items/?"), {"GET": self._list_items, "POST": self._create_item}),
            (
                re.compile(r"/items/(?P<item_id>[^/]+)"),
                {
                    "GET": self._get_item,
                    "PUT": self._put_item,
                    "PATCH": self._patch_item,
                    "DELETE": self._delete_item,
                },
            ),
            (re.compile(r"/echo(?:/.*)?"), {"*": self._echo}),
            (re.compile(r"/status/(?P<code>\d{3})"), {"*": self._status}),
            (re.compile(r"/redirect"), {"*": self._redirect}),
            (re.compile(r"/cookies"), {"GET": self._cookies}),
            (re.compile(r"/cookies/set"), {"GET": self._set_cookies}),
            (re.compile(r"/cookies/delete"), {"GET": self._delete_cookies}),
            (re.compile(r"/slow"), {"*": self._slow}),
            (re.compile(r"/hmac"), {"POST": self._hmac}),
        ]

    def handle(self, req: DemoRequest) -> DemoResponse:
        """Route one request. Never raises: a bug becomes a 500 with a JSON body."""
        path = req.path
        for pattern, methods in self._routes:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            handler = methods.get(req.method) or methods.get("*")
            if handler is None and req.method == "HEAD":
                handler = methods.get("GET")
            if handler is None:
                allow = ", ".join(sorted(methods))
                return error_response(405, f"{req.method} not allowed on {path}", [("Allow", allow)])
            try:
                return handler(req, **match.groupdict())
            except BadRequest as exc:
                return error_response(400, str(exc))
            except Exception as exc:  # noqa: BLE001 - a demo must answer, not die
                return error_response(500, f"{type(exc).__name__}: {exc}")
        return error_response(404, f"no route for {path}")

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _json_body(req: DemoRequest) -> Any:
        try:
            return json.loads(req.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise BadRequest(f"invalid JSON body: {exc}") from None

    def _authorized(self, req: DemoRequest) -> str | None:
        """The user behind a valid bearer token, or None."""
        value = req.header("Authorization") or ""
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        with self._lock:
            entry = self._tokens.get(token.strip())
            if entry is None:
                return None
            user, expiry = entry
            if expiry < time.monotonic():
                del self._tokens[token.strip()]
                return None
            return user

    @staticmethod
    def _unauthorized() -> DemoResponse:
        return error_response(401, "missing or invalid bearer token", [("WWW-Authenticate", 'Bearer realm="rqrun-demo"')])

    @staticmethod
    def _validate_item(data: Any, *, partial: bool) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise BadRequest("an item is a JSON object")
        if not partial or "name" in data:
            name = data.get("name")
            if not isinstance(name, str) or not name.strip():
                raise BadRequest("name must be a non-empty string")
        if "price" in data:
            price = data["price"]
            if isinstance(price, bool) or not isinstance(price, (int, float)) or price < 0:
                raise BadRequest("price must be a number >= 0")
        if "in_stock" in data and not isinstance(data["in_stock"], bool):
            raise BadRequest("in_stock must be true or false")
        return {k: v for k, v in data.items() if k != "id"}

    # -- endpoints -------------------------------------------------------------------------

    def _index(self, req: DemoRequest) -> DemoResponse:
        return _json(200, {"name": "rqrun demo API", "endpoints": list(ENDPOINTS)})

    def _login(self, req: DemoRequest) -> DemoResponse:
        data = self._json_body(req)
        if not isinstance(data, dict):
            raise BadRequest("expected a JSON object {username, password}")
        username, password = data.get("username"), data.get("password")
        if not isinstance(username, str) or not username.strip():
            raise BadRequest("username must be a non-empty string")
        if not isinstance(password, str) or not hmac.compare_digest(
            password.encode("utf-8"), self.password.encode("utf-8")
        ):
            return error_response(401, "wrong username or password")
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = (username, time.monotonic() + self.token_ttl)
        return _json(200, {"token": token, "token_type": "Bearer", "expires_in": self.token_ttl})

    def _me(self, req: DemoRequest) -> DemoResponse:
        user = self._authorized(req)
        if user is None:
            return self._unauthorized()
        return _json(200, {"username": user})

    def _list_items(self, req: DemoRequest) -> DemoResponse:
        if self._authorized(req) is None:
            return self._unauthorized()
        limit = self._int_arg(req, "limit", 10, 1, 100)
        offset = self._int_arg(req, "offset", 0, 0, None)
        with self._lock:
            ordered = [dict(self._items[k]) for k in sorted(self._items)]
        page = ordered[offset : offset + limit]
        following = offset + limit
        nxt = f"/items?limit={limit}&offset={following}" if following < len(ordered) else None
        return _json(200, {"items": page, "total": len(ordered), "limit": limit, "offset": offset, "next": nxt})

    @staticmethod
    def _int_arg(req: DemoRequest, name: str, default: int, low: int, high: int | None) -> int:
        raw = req.arg(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise BadRequest(f"{name} must be an integer") from None
        if value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f">= {low}"
            raise BadRequest(f"{name} must be {bound}")
        return value

    def _create_item(self, req: DemoRequest) -> DemoResponse:
        if self._authorized(req) is None:
            return self._unauthorized()
        fields = self._validate_item(self._json_body(req), partial=False)
        with self._lock:
            item = {"id": self._next_id, **fields}
            self._items[self._next_id] = item
            self._next_id += 1
        return _json(201, item, [("Location", f"/items/{item['id']}")])

    def _item_id(self, raw: str) -> int | None:
        return int(raw) if raw.isdigit() else None

    def _get_item(self, req: DemoRequest, item_id: str) -> DemoResponse:
        if self._authorized(req) is None:
            return self._unauthorized()
        key = self._item_id(item_id)
        with self._lock:
            item = self._items.get(key) if key is not None else None
            item = dict(item) if item is not None else None
        return _json(200, item) if item is not None else error_response(404, f"no item {item_id}")

    def _put_item(self, req: DemoRequest, item_id: str) -> DemoResponse:
        return self._update(req, item_id, partial=False)

    def _patch_item(self, req: DemoRequest, item_id: str) -> DemoResponse:
        return self._update(req, item_id, partial=True)

    def _update(self, req: DemoRequest, item_id: str, *, partial: bool) -> DemoResponse:
        if self._authorized(req) is None:
            return self._unauthorized()
        fields = self._validate_item(self._json_body(req), partial=partial)
        key = self._item_id(item_id)
        with self._lock:
            current = self._items.get(key) if key is not None else None
            if current is None or key is None:
                return error_response(404, f"no item {item_id}")
            item = {**current, **fields} if partial else {**fields}
            item["id"] = key
            self._items[key] = item
            return _json(200, dict(item))

    def _delete_item(self, req: DemoRequest, item_id: str) -> DemoResponse:
        if self._authorized(req) is None:
            return self._unauthorized()
        key = self._item_id(item_id)
        with self._lock:
            if key is None or self._items.pop(key, None) is None:
                return error_response(404, f"no item {item_id}")
        return DemoResponse(204)

    def _echo(self, req: DemoRequest) -> DemoResponse:
        content_type = req.header("Content-Type") or ""
        base = content_type.split(";", 1)[0].strip().lower()
        form: list[list[str]] = []
        files: list[dict[str, Any]] = []
        parsed: Any = None
        if base == "application/x-www-form-urlencoded":
            form = [[k, v] for k, v in parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True)]
        elif base == "multipart/form-data":
            for part in parse_multipart(req.body, content_type):
                data: bytes = part["data"]
                if part["filename"] is None:
                    form.append([part["name"] or "", data.decode("utf-8", "replace")])
                else:
                    files.append(
                        {
                            "name": part["name"],
                            "filename": part["filename"],
                            "content_type": part["content_type"],
                            "size": len(data),
                            "sha256": hashlib.sha256(data).hexdigest(),
                            "text": data.decode("utf-8", "replace"),
                        }
                    )
        elif base.endswith("json") and req.body:
            try:
                parsed = json.loads(req.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                parsed = None
        return _json(
            200,
            {
                "method": req.method,
                "path": req.path,
                "query": [[k, v] for k, v in req.query],
                "headers": [[k, v] for k, v in req.headers],
                "body": req.body.decode("utf-8", "replace"),
                "json": parsed,
                "form": form,
                "files": files,
            },
        )

    def _status(self, req: DemoRequest, code: str) -> DemoResponse:
        status = int(code)
        if not 200 <= status <= 599:
            raise BadRequest("status must be between 200 and 599")
        if status in (204, 304):
            return DemoResponse(status)
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        headers = [("Location", "/echo")] if 300 <= status < 400 else []
        return _json(status, {"status": status, "reason": phrase}, headers)

    def _redirect(self, req: DemoRequest) -> DemoResponse:
        target = req.arg("to") or "/echo"
        # Only local paths: the demo must never send a client anywhere else.
        if not target.startswith("/") or target.startswith("//"):
            raise BadRequest("to must be a local path such as /echo")
        status = self._int_arg(req, "status", 302, 300, 308)
        if status not in (301, 302, 303, 307, 308):
            raise BadRequest("status must be 301, 302, 303, 307 or 308")
        return DemoResponse(status, b"", [("Location", target)])

    @staticmethod
    def _received_cookies(req: DemoRequest) -> dict[str, str]:
        cookies: dict[str, str] = {}
        for key, value in req.headers:
            if key.lower() != "cookie":
                continue
            for pair in value.split(";"):
                name, eq, val = pair.strip().partition("=")
                if eq and name:
                    cookies[name] = val
        return cookies

    def _cookies(self, req: DemoRequest) -> DemoResponse:
        return _json(200, {"cookies": self._received_cookies(req)})

    def _set_cookies(self, req: DemoRequest) -> DemoResponse:
        pairs = req.query
        headers = [("Set-Cookie", f"{k}={v}; Path=/") for k, v in pairs]
        return _json(200, {"cookies": {**self._received_cookies(req), **dict(pairs)}}, headers)

    def _delete_cookies(self, req: DemoRequest) -> DemoResponse:
        names = [k for k, _ in req.query]
        headers = [("Set-Cookie", f"{k}=; Path=/; Max-Age=0") for k in names]
        left = {k: v for k, v in self._received_cookies(req).items() if k not in names}
        return _json(200, {"cookies": left}, headers)

    def _slow(self, req: DemoRequest) -> DemoResponse:
        ms = self._int_arg(req, "ms", 1000, 0, MAX_SLOW_MS)
        time.sleep(ms / 1000)
        return _json(200, {"slept_ms": ms})

    def _hmac(self, req: DemoRequest) -> DemoResponse:
        given = (req.header("X-Signature") or "").strip().lower()
        if not given:
            return _json(401, {"valid": False, "error": "missing X-Signature header"})
        expected = sign(self.signing_key, req.body)
        if not hmac.compare_digest(given.encode("ascii", "replace"), expected.encode("ascii")):
            return _json(401, {"valid": False, "error": "signature does not match the body"})
        return _json(200, {"valid": True, "length": len(req.body)})
