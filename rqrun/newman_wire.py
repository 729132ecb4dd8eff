"""How Newman 6.2.2 writes a request: its URL encoding, path variables and JSON comments.

Postman files are sent by these rules so that a collection goes out as it does under Newman
(each confirmed with a collection in ``tests/fixtures/postman/compat/``); Requestly files keep
the rules in :mod:`rqrun.prepare`. Pure text functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["pct", "QUERY_TEXT", "encode_path", "encode_userinfo", "newman_query", "substitute_path_variables", "strip_json_comments"]

#: What Newman percent-encodes in a query key or value (postman-url-encoder's query set and ``&``;
#: ``=`` in keys): everything else, ``+`` and a lone ``%`` included, goes out as written.
_NEWMAN_QUERY_ENCODE = frozenset(' "#\'<>&')


def pct(text: str, unsafe: frozenset[str]) -> str:
    """``text`` with C0 controls, DEL, non-ASCII and ``unsafe`` percent-encoded (UTF-8)."""
    out: list[str] = []
    for char in text:
        code = ord(char)
        if code < 0x20 or code >= 0x7F or char in unsafe:
            out.extend(f"%{b:02X}" for b in char.encode("utf-8", "surrogatepass"))
        else:
            out.append(char)
    return "".join(out)


QUERY_TEXT = frozenset(' "#\'<>')
_NEWMAN_KEY = _NEWMAN_QUERY_ENCODE | {"="}


#: ``scheme://user:password@``: the credentials run to the last ``@`` before the first ``/``.
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/]*)@")
#: What cannot stay in a rendered credential without ending it (``#``, ``?``, ``/``, ``@``...).
_USERINFO_ENCODE = frozenset(' "#<>?/@[\\]^`{|}:')


def encode_userinfo(url: str) -> str:
    """``user:password@`` with the characters that would end it percent-encoded.

    Newman sends URL credentials as Basic auth of the rendered user and password; a value like
    ``{{###}}`` must not cut the URL at ``#``. The HTTP layer decodes them back for the header.
    """
    match = _USERINFO.match(url)
    if not match:
        return url
    user, colon, password = match.group(2).partition(":")
    info = pct(user, _USERINFO_ENCODE) + (colon + pct(password, _USERINFO_ENCODE) if colon else "")
    return match.group(1) + info + "@" + url[match.end():]


#: What Newman percent-encodes in a path (postman-url-encoder's path set); ``%`` stays.
_NEWMAN_PATH_ENCODE = frozenset(' "#<>?`{}')


def encode_path(url: str) -> str:
    """The URL with its path encoded as Newman encodes it; scheme, authority and query untouched."""
    scheme_end = url.find("://")
    start = scheme_end + 3 if scheme_end >= 0 else 0
    slash = url.find("/", start)
    if slash < 0:
        return url
    query_at = url.find("?", slash)
    end = len(url) if query_at < 0 else query_at
    return url[:slash] + pct(url[slash:end], _NEWMAN_PATH_ENCODE) + url[end:]


def newman_query(rows: Iterable[tuple[str, str | None]], *, encode: bool = True) -> str:
    """A Postman query string as Newman writes it: every enabled row, an empty key or ``&&``
    included; a bare key (value None) without ``=``; nothing encoded with ``disableUrlEncoding``."""
    parts = []
    for key, value in rows:
        piece = _query_piece(key, _NEWMAN_KEY) if encode else key
        if value is not None:
            piece += "=" + (_query_piece(value, _NEWMAN_QUERY_ENCODE) if encode else value)
        parts.append(piece)
    return "&".join(parts)


#: An unresolved placeholder holding ``&``, ``#`` or ``=``: postman-collection leaves its ``&``
#: and ``=`` as written (``{{foo&bar}}``); only the URL encoder's set (``#``...) applies inside.
_RESERVED_PLACEHOLDER = re.compile(r"\{\{[^{}]*[&#=][^{}]*\}\}")


def _query_piece(text: str, unsafe: frozenset[str]) -> str:
    out, pointer = [], 0
    for match in _RESERVED_PLACEHOLDER.finditer(text):
        out.append(pct(text[pointer:match.start()], unsafe))
        out.append(pct(match.group(0), unsafe - {"&", "="}))
        pointer = match.end()
    out.append(pct(text[pointer:], unsafe))
    return "".join(out)


def substitute_path_variables(url: str, values: Mapping[str, str]) -> str:
    """Newman's rule: a path segment that starts with ``:`` names a variable up to its first
    ``.`` (``:id.json`` is ``id``); the rest of the segment stays."""
    if not values:
        return url
    scheme_end = url.find("://")
    start = scheme_end + 3 if scheme_end >= 0 else 0
    slash = url.find("/", start)
    if slash < 0:
        return url
    segments = url[slash:].split("/")
    for i, segment in enumerate(segments):
        if segment.startswith(":"):
            name = segment[1:].split(".", 1)[0]
            if name in values:
                segments[i] = values[name] + segment[1 + len(name) :]
    return url[:slash] + "/".join(segments)


def strip_json_comments(text: str) -> str:
    """``//`` and ``/* */`` comments out of JSON text, as Newman does for a raw JSON body
    (strip-json-comments without whitespace: a line comment keeps its line end, except the
    ``\r`` of a ``\r\n``; text inside strings is never touched)."""
    out: list[str] = []
    i, n, start = 0, len(text), 0
    in_string = False
    while i < n:
        char = text[i]
        if in_string:
            if char == "\\":
                i += 2
                continue
            if char == '"':
                in_string = False
            i += 1
            continue
        if char == '"':
            in_string = True
            i += 1
            continue
        pair = text[i : i + 2]
        if pair == "//":
            out.append(text[start:i])
            end = text.find("\n", i + 2)
            if end < 0:
                return "".join(out)
            i = start = end
            continue
        if pair == "/*":
            out.append(text[start:i])
            end = text.find("*/", i + 2)
            if end < 0:
                return "".join(out)
            i = start = end + 2
            continue
        i += 1
    out.append(text[start:])
    return "".join(out)
