"""Turn a request template into the exact request to send: rendered, authorised, encoded.

Pure: no I/O except reading the files a multipart or binary body names, and those only through
the run's :class:`~rqrun.files.FileAccess`, which confines them. The HTTP layer sends
what comes out of here and nothing else, so what a report shows is what went on the wire.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import os
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote, urlsplit

from rqrun import newman_wire
from rqrun.errors import InputError
from rqrun.files import FileAccess
from rqrun.model import Auth, Body, Folder, KeyValue, Request
from rqrun.variables import Renderer

if TYPE_CHECKING:
    from rqrun.authsign.ntlm import NtlmCredentials

__all__ = [
    "PreparedRequest",
    "effective_auth",
    "prepare",
    "encode_query",
    "encode_form",
    "BODYLESS_METHODS",
]

#: Methods whose body Postman drops unless ``disableBodyPruning`` is set.
BODYLESS_METHODS = frozenset({"GET", "HEAD", "COPY", "PURGE", "UNLOCK"})

#: Characters that stay as they are in a query key or value; everything else is percent-encoded
#: (close to what Postman sends: reserved delimiters and non-ASCII are encoded, ``{}`` kept).
_QUERY_SAFE = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$()*,;:@/?[]{}|\\^`"
)
_PCT = re.compile(r"%[0-9A-Fa-f]{2}")
_PATH_VARIABLE = re.compile(r"(?<![\w:]):([A-Za-z_][\w.-]*)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass
class PreparedRequest:
    """A request ready for the wire. ``content`` is the whole body (multipart included)."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    content: bytes | None = None
    body_preview: str | None = None
    digest: tuple[str, str] | None = None  # username, password: httpx answers the challenge
    ntlm: NtlmCredentials | None = None  # the HTTP layer runs the handshake if the server asks
    used_secrets: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    unresolved: set[str] = field(default_factory=set)
    #: Warnings about the collection rather than this request: the pipeline says each once a run.
    notices: list[str] = field(default_factory=list)
    #: Send the URL's path and query exactly as written (Newman keeps ``/./`` and ``/../``);
    #: otherwise the HTTP client normalises them, as a browser (Requestly) does.
    verbatim_target: bool = False

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    @property
    def port(self) -> int | None:
        """The port the request goes to, defaults included (a pattern with a port must match it)."""
        parts = urlsplit(self.url)
        try:
            explicit = parts.port
        except ValueError:
            return None
        return explicit or {"http": 80, "https": 443}.get(parts.scheme.lower())

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None


def effective_auth(chain: Sequence[Folder], request: Request) -> Auth:
    """The auth that applies: the request's own, or the nearest ancestor's that is not inherit."""
    if request.auth.type != "inherit":
        return request.auth
    for folder in reversed(chain):
        if folder.auth.type != "inherit":
            return folder.auth
    return Auth(type="none")


def _encode_component(text: str, *, is_key: bool) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "%" and _PCT.match(text, i):
            out.append(text[i : i + 3])  # keep what the user already encoded
            i += 3
            continue
        if char in _QUERY_SAFE or (char == "=" and not is_key):
            out.append(char)
        else:
            out.extend(f"%{b:02X}" for b in char.encode("utf-8"))
        i += 1
    return "".join(out)


def encode_query(pairs: Iterable[tuple[str, str | None]]) -> str:
    """``k=v&k2=v2``; a pair whose value is None is sent as the bare key."""
    parts = []
    for key, value in pairs:
        encoded = _encode_component(key, is_key=True)
        if value is not None:
            encoded += "=" + _encode_component(value, is_key=False)
        parts.append(encoded)
    return "&".join(parts)


def encode_form(pairs: Iterable[tuple[str, str]]) -> str:
    """An ``application/x-www-form-urlencoded`` body as Newman sends it: everything but
    ``A-Z a-z 0-9 - _ . ~`` percent-encoded (space as ``%20``, ``%`` itself as ``%25``)."""
    return "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in pairs)


def _substitute_path_variables(url: str, variables: list[KeyValue], renderer: Renderer) -> str:
    # Newman keeps ":name" for a variable written with an empty value, but substitutes one whose
    # value is a template even when it renders empty ("users/:id" with id "{{uid}}", uid "" -> "users/").
    values = {kv.key: renderer.render(kv.value) for kv in variables if kv.key and kv.value}
    if not values:
        return url
    scheme_end = url.find("://")
    head, rest = (url[: scheme_end + 3], url[scheme_end + 3 :]) if scheme_end >= 0 else ("", url)

    def replace(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        return match.group(0) if value is None else value

    return head + _PATH_VARIABLE.sub(replace, rest)


def _rows(rows: Iterable[KeyValue], renderer: Renderer) -> list[tuple[str, str]]:
    return [(renderer.render(r.key), renderer.render(r.value)) for r in rows if r.enabled and r.key]


def _build_url(request: Request, renderer: Renderer, *, postman: bool = False) -> str:
    url = renderer.render(request.url.strip())
    if postman:
        values = {kv.key: renderer.render(kv.value) for kv in request.path_variables if kv.key and kv.value}
        url = newman_wire.encode_userinfo(newman_wire.substitute_path_variables(url, values))
    else:
        url = _substitute_path_variables(url, request.path_variables, renderer)
    if url and not _SCHEME.match(url):
        url = "http://" + url
    url, _, fragment = url.partition("#")
    base, sep, existing_query = url.partition("?")
    if postman:
        encode = not request.settings.get("disable_url_encoding")
        if encode:
            base, existing_query = newman_wire.encode_path(base), newman_wire.pct(existing_query, newman_wire.QUERY_TEXT)
        rows = [
            (renderer.render(r.key), None if r.bare else renderer.render(r.value)) for r in request.query if r.enabled
        ]
        if not rows:
            return f"{base}?{existing_query}" if sep else base
        query = newman_wire.newman_query(rows, encode=encode)
        return f"{base}?{existing_query}&{query}" if existing_query else f"{base}?{query}"
    query = encode_query(_rows(request.query, renderer))
    joined = "&".join(part for part in (existing_query, query) if part)
    if joined or (sep and not existing_query and not query):
        base = f"{base}?{joined}"
    return base


def _multipart(parts: list[tuple[str, str | None, str | None, bytes]]) -> tuple[bytes, str]:
    boundary = "----rqrun" + secrets.token_hex(12)
    chunks: list[bytes] = []
    for name, filename, content_type, data in parts:
        quoted = name.replace("\\", "\\\\").replace('"', '\\"')
        disposition = f'form-data; name="{quoted}"'
        if filename is not None:
            disposition += f'; filename="{filename.replace(chr(34), chr(92) + chr(34))}"'
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        if content_type:
            head += f"Content-Type: {content_type}\r\n"
        chunks.append(head.encode("utf-8") + b"\r\n" + data + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


@dataclass(frozen=True)
class _FileReader:
    """Reads a request's files through the run's policy, naming the collection and request."""

    access: FileAccess
    where: str

    def __call__(self, path: str, what: str) -> bytes:
        return self.access.read(path, what=what, where=self.where)


def _file_reader(files: FileAccess | None, chain: Sequence[Folder], request: Request) -> _FileReader:
    access = files if files is not None else FileAccess.deny_all()
    names = [folder.name for folder in chain[1:]] + [request.name]
    source = getattr(chain[0], "source", "") if chain else ""
    where = f"{source or access.collection or 'collection'}: request {' / '.join(names)!r}"
    return _FileReader(access, where)


def _graphql_body(body: Body, renderer: Renderer) -> str:
    gql = body.graphql
    query = renderer.render(gql.query) if gql else ""
    variables = renderer.render(gql.variables).strip() if gql else ""
    text = '{"query":' + json.dumps(query, ensure_ascii=False)
    # Variables are inserted as written, as Newman does: the server sees the user's JSON.
    # Empty variables are left out altogether, also as Newman does (k6-github-graphql).
    if variables:
        text += ',"variables":' + variables
    if gql and gql.operation_name:
        text += ',"operationName":' + json.dumps(renderer.render(gql.operation_name), ensure_ascii=False)
    return text + "}"


def _body(
    request: Request, renderer: Renderer, method: str, read_file: _FileReader, *, postman: bool = False
) -> tuple[bytes | None, str | None, str | None]:
    """(content, content type, text preview) of the request body."""
    body = request.body
    if method in BODYLESS_METHODS and not request.settings.get("disable_body_pruning"):
        return None, None, None
    if body.mode == "raw":
        text = renderer.render(body.raw)
        if body.strip_json_comments and ("//" in text or "/*" in text):
            text = newman_wire.strip_json_comments(text)
        if not text:
            return None, None, None
        return text.encode("utf-8"), body.content_type, text
    if body.mode == "urlencoded":
        rows = _rows(body.urlencoded, renderer)
        if not rows:
            return None, None, None
        text = encode_form(rows)
        return text.encode("ascii"), "application/x-www-form-urlencoded", text
    if body.mode == "graphql":
        text = _graphql_body(body, renderer)
        return text.encode("utf-8"), "application/json", text
    if body.mode == "formdata":
        parts: list[tuple[str, str | None, str | None, bytes]] = []
        preview: list[str] = []
        for part in body.formdata:
            if not part.enabled or not part.key:
                continue
            key = renderer.render(part.key)
            if part.kind == "file" and not part.files and postman:
                # Newman sends a file row with no file as an empty part named ``filename=""``.
                parts.append((key, "", None, b""))
                preview.append(f"{key}=@")
            elif part.kind == "file":
                for path in part.files:
                    filename = os.path.basename(path)
                    ctype = part.content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
                    parts.append((key, filename, ctype, read_file(path, "form file")))
                    preview.append(f"{key}=@{filename}")
            else:
                value = renderer.render(part.value)
                parts.append((key, None, part.content_type, value.encode("utf-8")))
                preview.append(f"{key}={value}")
        if not parts:
            return None, None, None
        content, ctype = _multipart(parts)
        return content, ctype, "\n".join(preview)
    if body.mode == "file" and body.file:
        data = read_file(body.file, "body file")
        return data, body.content_type or "application/octet-stream", f"<file {os.path.basename(body.file)}>"
    return None, None, None


@dataclass
class _Outgoing:
    """What the signing auth types read and change: the request as built so far."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    content: bytes | None
    form: list[tuple[str, str]] | None  # rendered urlencoded rows, when that is the body
    user_content_type: str  # the Content-Type the user wrote ("" if none); Hawk hashes under it
    encode_query: bool = True


#: OAuth 2.0 grants that need a person at a browser: without a saved token Newman sends no auth.
_INTERACTIVE_GRANTS = frozenset({"authorization_code", "authorization_code_with_pkce", "implicit"})


def _apply_auth(
    auth: Auth, renderer: Renderer, out: _Outgoing, notices: list[str], *, replace: bool = False, where: str = ""
) -> tuple[str, bytes | None]:
    """Add the auth to ``out.headers``, the URL or the body; returns the URL and the body.

    ``replace`` (Postman files): the auth's header replaces one of the same name the user
    wrote, as Newman does; otherwise (Requestly) the user's header wins.
    """
    params = {k: renderer.render(v) if isinstance(v, str) else v for k, v in auth.params.items()}
    headers, url, content = out.headers, out.url, out.content

    def put(name: str, value: str, *, force: bool = False) -> None:
        lowered = name.lower()
        if any(k.lower() == lowered for k, _ in headers):
            if not (replace or force):
                return
            headers[:] = [(k, v) for k, v in headers if k.lower() != lowered]
        headers.append((name, value))

    def add_query(pairs: list[tuple[str, str]]) -> str:
        encoded = newman_wire.newman_query(pairs, encode=out.encode_query)
        return url + ("&" if "?" in url else "?") + encoded

    if auth.type == "bearer":
        token = params.get("token") or ""
        if token:
            put("Authorization", f"Bearer {token}")
    elif auth.type == "oauth2" and params.get("accessToken"):
        # Newman: a saved token goes in the header after ``headerPrefix`` (default Bearer), or
        # as ``access_token`` in the query; a MAC token type is not sent at all.
        token = str(params["accessToken"])
        if str(params.get("tokenType") or "bearer").lower() == "mac":
            pass
        elif params.get("addTokenTo") == "queryParams":
            url = add_query([("access_token", token)])
        else:
            prefix = params.get("headerPrefix")
            prefix = "Bearer" if prefix is None else str(prefix).strip()
            put("Authorization", f"{prefix} {token}" if prefix else token)
    elif auth.type == "oauth2":
        grant = str(params.get("grant_type") or "authorization_code")
        if grant in _INTERACTIVE_GRANTS:
            notices.append(f"oauth2 {grant} auth has no saved access token: sent without auth (as Newman does)")
    elif auth.type == "basic":
        raw = f"{params.get('username', '')}:{params.get('password', '')}".encode()
        put("Authorization", "Basic " + base64.b64encode(raw).decode("ascii"))
    elif auth.type == "apikey":
        key, value = params.get("key", ""), params.get("value", "")
        if key and params.get("in", "header") == "query":
            url += ("&" if "?" in url else "?") + encode_query([(key, value)])
        elif key:
            put(key, value)
    elif auth.type == "digest":
        from rqrun.authsign.digest import saved_header

        saved = _signed(lambda: saved_header(params, out.method, url), "digest", where)
        if saved:
            put("Authorization", saved, force=True)
    elif auth.type == "oauth1":
        from rqrun.authsign import oauth1

        if out.encode_query:
            url = oauth1.reencode_query(url)
        signed = _signed(lambda: oauth1.sign(params, out.method, url, out.form, content), "oauth1", where)
        if signed is not None and signed.header:
            put("Authorization", signed.header, force=True)
        elif signed is not None and signed.form:
            tail = encode_form(signed.form).encode("ascii")
            content = content + b"&" + tail if content else tail
        elif signed is not None and signed.query:
            pairs = signed.query if not out.encode_query else [(oauth1.rfc3986(k), oauth1.rfc3986(v)) for k, v in signed.query]
            url += ("&" if "?" in url else "?") + "&".join(f"{k}={v}" for k, v in pairs)
    elif auth.type == "jwt":
        from rqrun.authsign.jwt_bearer import make_token

        token = _signed(lambda: make_token(params), "jwt", where)
        if params.get("addTokenTo", "header") == "queryParam":
            url = add_query([(params.get("queryParamKey") or "token", token)])
        else:
            prefix = params.get("headerPrefix")
            prefix = "Bearer" if prefix is None else prefix
            put("Authorization", f"{prefix} {token}" if prefix else token, force=True)
    elif auth.type == "hawk":
        from rqrun.authsign import hawk

        def hawk_header() -> str | None:
            algorithm = (params.get("algorithm") or "sha256").lower()
            body_hash = None
            if str(params.get("includePayloadHash", "")).lower() == "true" and content and algorithm in ("sha1", "sha256"):
                body_hash = hawk.payload_hash(algorithm, out.user_content_type, content)
            return hawk.header(params, out.method, url, body_hash)

        authorization = _signed(hawk_header, "hawk", where)
        if authorization:
            put("Authorization", authorization, force=True)
    elif auth.type == "edgegrid":
        from rqrun.authsign import edgegrid

        written = [(k, v) for k, v in headers if k.lower() != "content-type" or out.user_content_type]
        authorization = _signed(lambda: edgegrid.header(params, out.method, url, written, content), "edgegrid", where)
        if authorization:
            put("Authorization", authorization, force=True)
    elif auth.type == "awsv4":
        from rqrun.authsign import awsv4

        written = [(k, v) for k, v in headers if k.lower() != "content-type" or out.user_content_type]
        signed_aws = _signed(lambda: awsv4.sign(params, out.method, url, written, content), "awsv4", where)
        url = signed_aws.url
        for name, value in signed_aws.headers:
            put(name, value, force=True)
    elif auth.type == "ntlm":
        # Newman sends the first request without any Authorization header (the handshake, if
        # the server asks for one, happens in the HTTP layer).
        headers[:] = [(k, v) for k, v in headers if k.lower() != "authorization"]
    elif auth.type not in ("none", "inherit"):
        notices.append(f"auth type {auth.params.get('name', auth.type)!r} is not supported: sent without it")
    return url, content


_T = TypeVar("_T")


def _signed(make: Callable[[], _T], kind: str, where: str) -> _T:
    """Run a signer; a field it cannot use (a bad key, JSON that is not JSON) is an input error."""
    try:
        return make()
    except ValueError as exc:
        raise InputError(f"{kind} auth: {exc}", where=where or None) from None


def prepare(
    request: Request, chain: Sequence[Folder], renderer: Renderer, *, files: FileAccess | None = None
) -> PreparedRequest:
    """Render ``request`` into a :class:`PreparedRequest`.

    ``files`` decides which files a form-data or binary body may read; without it no file can
    be read. Raises :class:`rqrun.errors.SecretNotFound` for a missing vault key and
    :class:`rqrun.errors.InputError` for a body file that is refused or cannot be read.
    """
    postman = bool(chain) and getattr(chain[0], "format", "") == "postman"
    method = renderer.render(request.method).strip().upper() or "GET"
    url = _build_url(request, renderer, postman=postman)
    headers = _rows(request.headers, renderer)
    user_content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
    content, content_type, preview = _body(
        request, renderer, method, _file_reader(files, chain, request), postman=postman
    )
    replaces = content_type and (
        content_type.startswith("multipart/form-data; boundary=") or (postman and request.body.mode == "urlencoded")
    )
    if replaces and content_type:
        # Only this boundary parses the body: Newman, too, replaces whatever Content-Type the
        # user wrote (wise-payouts sends form data under an x-www-form-urlencoded header), and
        # for a urlencoded body it always sends application/x-www-form-urlencoded.
        headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
        headers.append(("Content-Type", content_type))
    elif content_type and not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", content_type))
    warnings: list[str] = list(renderer.warnings)
    notices: list[str] = []
    auth = effective_auth(chain, request)
    outgoing = _Outgoing(
        method=method,
        url=url,
        headers=headers,
        content=content,
        form=_rows(request.body.urlencoded, renderer) if request.body.mode == "urlencoded" and content else None,
        user_content_type=user_content_type,
        encode_query=not request.settings.get("disable_url_encoding"),
    )
    where = _file_reader(files, chain, request).where
    url, content = _apply_auth(auth, renderer, outgoing, notices, replace=postman, where=where)
    notices += [  # said once a run by the pipeline, not on every request
        f"{{{{{name}}}}} is not a dynamic variable rqrun knows: sent as written"
        for name in sorted(renderer.unresolved)
        if name.startswith("$")
    ]
    digest = (auth.params.get("username", ""), auth.params.get("password", "")) if auth.type == "digest" else None
    if digest is not None:
        digest = (renderer.render(digest[0]), renderer.render(digest[1]))
    ntlm = None
    if auth.type == "ntlm":
        from rqrun.authsign.ntlm import credentials

        ntlm = credentials({k: renderer.render(v) if isinstance(v, str) else v for k, v in auth.params.items()})
    return PreparedRequest(
        method=method,
        url=url,
        headers=headers,
        content=content,
        body_preview=preview,
        digest=digest,
        ntlm=ntlm,
        used_secrets=set(renderer.used_secrets),
        warnings=warnings,
        unresolved=set(renderer.unresolved),
        notices=notices,
        verbatim_target=postman,
    )
