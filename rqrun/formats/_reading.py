"""Reading files and walking untrusted JSON, so every loader fails the same clear way.

Loaders never index a JSON value directly: they go through these helpers, which check the
type first and raise :class:`InputError` naming the file and the place (``Loc``). That is how
a garbage file becomes one line for the user instead of a ``KeyError`` traceback.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from pathlib import Path
from typing import Any

from rqrun.errors import InputError

__all__ = [
    "Loc",
    "read_text",
    "decode_text",
    "read_json",
    "parse_json",
    "type_name",
    "as_dict",
    "as_list",
    "text",
    "opt_text",
    "flag",
    "scalar",
    "get_dict",
    "get_list",
    "split_url",
    "parse_query",
]

_PLAIN_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]*\Z")


class Loc:
    """A place inside a file: ``file`` plus a path such as ``records[3].data.request``."""

    __slots__ = ("file", "path")

    def __init__(self, file: str, path: str = "") -> None:
        self.file = file
        self.path = path

    def key(self, name: str) -> Loc:
        """The location of ``name`` inside this object."""
        if not _PLAIN_KEY.match(name):
            return Loc(self.file, f"{self.path}[{json.dumps(name)}]")
        return Loc(self.file, f"{self.path}.{name}" if self.path else name)

    def at(self, index: int) -> Loc:
        """The location of item ``index`` inside this list."""
        return Loc(self.file, f"{self.path}[{index}]")

    def __str__(self) -> str:
        return f"{self.file}: {self.path}" if self.path else self.file

    def error(self, message: str, hint: str | None = None) -> InputError:
        """An :class:`InputError` at this place (returned, so callers write ``raise loc.error(...)``)."""
        return InputError(message, where=str(self), hint=hint)


def read_text(path: str | os.PathLike[str], *, what: str = "file", allow_empty: bool = False) -> str:
    """The whole file as text; a missing, unreadable, non-UTF-8 or empty file is an InputError.

    A UTF-8 byte-order mark is dropped: spreadsheet tools and Windows editors write one.
    """
    name = os.fspath(path)
    p = Path(name)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{what} not found", where=name, hint="check the path") from None
    except IsADirectoryError:
        raise InputError(f"expected a {what}, found a directory", where=name) from None
    except PermissionError:
        raise InputError(f"{what} cannot be read (permission denied)", where=name) from None
    except OSError as exc:
        raise InputError(f"{what} cannot be read ({exc.strerror or exc})", where=name) from None
    return decode_text(data, name, what=what, allow_empty=allow_empty)


def decode_text(data: bytes, name: str, *, what: str = "file", allow_empty: bool = False) -> str:
    """Bytes read from ``name`` as text, with :func:`read_text`'s errors (for callers that read
    through :class:`~rqrun.files.FileAccess`)."""
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            where=f"{name}:{line}",
            hint="save the file as UTF-8",
        ) from None
    if not content.strip() and not allow_empty:
        raise InputError(f"{what} is empty", where=name)
    return content


def read_json(path: str | os.PathLike[str], *, what: str = "file") -> Any:
    """Parse a JSON file; a syntax error names its line and column (see :func:`parse_json`)."""
    name = os.fspath(path)
    return parse_json(read_text(name, what=what), name)


class _BadNumber:
    """Stands in for a number JSON does not allow, until the walk finds where it sits."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


# An escape of a UTF-16 surrogate: only then can the parsed text hold a lone one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_json(content: str, name: str) -> Any:
    """``json.loads``, refusing what JSON itself refuses but Python's parser lets through.

    ``NaN``, ``Infinity`` and numbers too large for a float (``1e400``) would reach reports and
    the script worker as values no JSON writer accepts; a lone surrogate (``"\\ud800"``, half
    of a UTF-16 pair) cannot be encoded as UTF-8 when it is sent or printed. Each is an
    :class:`InputError` naming the file and the place, e.g. ``records[2].data.request.url``.
    """
    bad: list[_BadNumber] = []

    def number(text: str) -> Any:
        marker = _BadNumber(text)
        bad.append(marker)
        return marker

    def parse_float(text: str) -> Any:
        value = float(text)
        return value if math.isfinite(value) else number(text)

    def parse_int(text: str) -> Any:
        digits = len(text) - text.startswith("-")
        limit = sys.get_int_max_str_digits() or digits
        return int(text) if digits <= limit else number(text)

    try:
        doc = json.loads(content, parse_constant=number, parse_float=parse_float, parse_int=parse_int)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg}", where=f"{name}:{exc.lineno}:{exc.colno}"
        ) from None
    except RecursionError:
        raise InputError("JSON nested too deeply", where=name) from None
    if bad or _SURROGATE_ESCAPE.search(content):
        _refuse_non_json(doc, Loc(name))
    return doc


def _refuse_non_json(doc: Any, root: Loc) -> None:
    """Raise at the first non-finite or oversized number, or lone surrogate, in document order."""
    stack: list[tuple[Any, Loc]] = [(doc, root)]
    while stack:
        node, loc = stack.pop()
        if isinstance(node, _BadNumber):
            if len(node.text) > 40:
                message = f"a number of {len(node.text)} digits is too long to read"
            else:
                message = f"{node.text} is not a finite number (JSON has no NaN or Infinity)"
            raise loc.error(message, hint="write a finite number, or put the value in quotes as text")
        if isinstance(node, str):
            _refuse_surrogate(node, loc)
        elif isinstance(node, dict):
            children = []
            for key, value in node.items():
                _refuse_surrogate(key, loc.key(key))  # Loc writes such a key as a JSON escape
                children.append((value, loc.key(key)))
            stack.extend(reversed(children))
        elif isinstance(node, list):
            stack.extend(reversed([(value, loc.at(i)) for i, value in enumerate(node)]))


def _refuse_surrogate(text: str, loc: Loc) -> None:
    found = _SURROGATE.search(text)
    if found is not None:
        escape = f"\\u{ord(found.group()):04x}"
        raise loc.error(
            f"text holds a lone surrogate {escape} (half of a UTF-16 pair, not a character)",
            hint=f"fix or remove the {escape} escape",
        )


def type_name(value: object) -> str:
    """The JSON name of a value's type, for messages a user can act on."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def as_dict(value: object, loc: Loc) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an error at ``loc``."""
    if not isinstance(value, dict):
        raise loc.error(f"expected an object, got {type_name(value)}")
    return value


def as_list(value: object, loc: Loc) -> list[Any]:
    """``value`` if it is a JSON array, else an error at ``loc``."""
    if not isinstance(value, list):
        raise loc.error(f"expected a list, got {type_name(value)}")
    return value


def text(value: object, loc: Loc, default: str = "") -> str:
    """A scalar as text: null is ``default``, numbers and booleans are written as JSON writes them."""
    if value is None:
        return default
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    raise loc.error(f"expected text, got {type_name(value)}")


def opt_text(value: object, loc: Loc) -> str | None:
    """Like :func:`text`, but null stays ``None``."""
    return None if value is None else text(value, loc)


def flag(value: object, loc: Loc, default: bool) -> bool:
    """A boolean; null means ``default``. ``0``/``1`` and ``"true"``/``"false"`` are accepted too."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise loc.error(f"expected true or false, got {type_name(value)}")


def scalar(value: object, loc: Loc) -> str | int | float | bool | None:
    """A variable value: a string, number, boolean or null, but never an object or a list."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise loc.error(f"expected a string, number or boolean, got {type_name(value)}")


def get_dict(obj: dict[str, Any], key: str, loc: Loc) -> dict[str, Any]:
    """``obj[key]`` as an object; absent or null is an empty object."""
    value = obj.get(key)
    return {} if value is None else as_dict(value, loc.key(key))


def get_list(obj: dict[str, Any], key: str, loc: Loc) -> list[Any]:
    """``obj[key]`` as a list; absent or null is an empty list."""
    value = obj.get(key)
    return [] if value is None else as_list(value, loc.key(key))


def split_url(url: str) -> tuple[str, str | None]:
    """``(url without query or fragment, query text or None)``, without decoding anything.

    The fragment is dropped: it never goes on the wire. Values stay as written because they
    are templates; the HTTP layer encodes what it sends.
    """
    url = url.split("#", 1)[0]
    base, sep, query = url.partition("?")
    return base, (query if sep else None)


def parse_query(query: str) -> list[tuple[str, str]]:
    """``a=1&b&c=`` as ``[("a", "1"), ("b", ""), ("c", "")]``, kept as written, empty pieces skipped."""
    pairs: list[tuple[str, str]] = []
    for piece in query.split("&"):
        if piece:
            key, _, value = piece.partition("=")
            pairs.append((key, value))
    return pairs
