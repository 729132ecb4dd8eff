"""JSON-mode secrets: strict parsing and the ``jq -r`` flattening into dotted keys.

Used by the store for any JSON-mode entry (a provider's, or one moved to local). A JSON
secret ``{"user": "admin", "port": 5432}`` mapped as ``db`` resolves as ``{{vault:db.user}}``
-> ``admin`` and ``{{vault:db.port}}`` -> ``5432``; the bare ``{{vault:db}}`` is the raw text
as stored. The rules (``reference/aws_vault.md`` §1.8):

- strings raw; numbers exactly as written (``1.50`` stays ``1.50``, big integers are not
  rounded); ``true``, ``false`` and ``null`` literal;
- every nested object or array is also addressable, as compact JSON; arrays get index keys;
- when two paths flatten to the same key, the one with fewer segments (the more literal key)
  wins, with a warning; empty or space-padded keys are skipped, with a warning;
- a top level that is not an object, duplicate keys, NaN/Infinity, invalid JSON and nesting
  deeper than :data:`MAX_DEPTH` are errors (:class:`SecretFormatError`).

Pure standard library, no I/O: the store uses it on the resolve path. Messages name keys and
positions, never values.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["MAX_DEPTH", "SecretFormatError", "Flattened", "parse_secret_json", "flatten", "flatten_text", "compact"]

MAX_DEPTH = 32


class SecretFormatError(ValueError):
    """The secret's text is not a JSON object rqrun can expand; the message holds no value."""


class _Number(str):
    """A JSON number kept as its literal text (``1.50``, ``1e3``, a 30-digit integer)."""

    __slots__ = ()


class Flattened(dict[str, str]):
    """Dotted key -> value text, plus the warnings produced while flattening."""

    def __init__(self) -> None:
        super().__init__()
        self.warnings: list[str] = []
        self._segments: dict[str, int] = {}


def _reject_constant(name: str) -> Any:
    raise SecretFormatError(f"non-standard JSON constant {name} (NaN and Infinity are not JSON)")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise SecretFormatError(f"duplicate key {key!r} in a JSON object")
        out[key] = value
    return out


def _kind(value: Any) -> str:
    if isinstance(value, _Number):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "array" if isinstance(value, list) else "object"


def parse_secret_json(text: str) -> dict[str, Any]:
    """Parse strictly, keeping number literals; the top level must be an object."""
    try:
        value = json.loads(
            text,
            parse_int=_Number,
            parse_float=_Number,
            parse_constant=_reject_constant,
            object_pairs_hook=_no_duplicates,
        )
    except SecretFormatError:
        raise
    except json.JSONDecodeError as exc:
        # exc.msg describes the syntax problem; exc.doc (the secret) is deliberately not used.
        raise SecretFormatError(f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise SecretFormatError(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    if not isinstance(value, dict):
        raise SecretFormatError(f"JSON mode needs a top-level object, got {_kind(value)} (map it with --mode plaintext)")
    return value


def compact(value: Any) -> str:
    """Compact JSON like ``jq -c``, with numbers written exactly as they were read."""
    if isinstance(value, _Number):
        return str.__str__(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ",".join(compact(v) for v in value) + "]"
    return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{compact(v)}" for k, v in value.items()) + "}"


def _leaf(value: Any) -> str:
    """``jq -r``: a string is its own text; anything else is its compact JSON."""
    if isinstance(value, str) and not isinstance(value, _Number):
        return str.__str__(value)
    return compact(value)


def flatten(obj: dict[str, Any]) -> Flattened:
    """Every dotted path of an object (containers included) mapped to its value text."""
    out = Flattened()
    _walk(obj, [], out, 0)
    return out


def _put(out: Flattened, segments: list[str], value: Any) -> None:
    key = ".".join(segments)
    held = out._segments.get(key)
    if held is not None:
        out.warnings.append(f"key path {key!r} is produced twice; keeping the one with fewer segments")
        if held <= len(segments):
            return
    out[key] = _leaf(value)
    out._segments[key] = len(segments)


def _walk(node: Any, segments: list[str], out: Flattened, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise SecretFormatError(f"JSON nested deeper than {MAX_DEPTH} levels")
    if isinstance(node, dict):
        items: list[tuple[str, Any]] = list(node.items())
    elif isinstance(node, list):
        items = [(str(i), v) for i, v in enumerate(node)]
    else:
        return
    for key, value in items:
        if key == "" or key != key.strip():
            where = repr(".".join(segments)) if segments else "the top level"
            out.warnings.append(f"skipped an empty or space-padded key under {where}: it cannot be written in a placeholder")
            continue
        path = [*segments, key]
        _put(out, path, value)
        _walk(value, path, out, depth + 1)


def flatten_text(text: str) -> Flattened:
    """Parse and flatten in one step (what a fetch validates and a lookup uses)."""
    return flatten(parse_secret_json(text))
