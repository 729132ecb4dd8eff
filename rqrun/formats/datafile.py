"""Iteration data files (CSV or JSON) into one dict per iteration.

CSV cells are typed the way Requestly types them (numbers and booleans), but only when the
conversion is lossless: ``"42"`` becomes 42, while ``"007"`` and ``"2.00"`` stay text, so a
sort code or an amount is sent exactly as the file wrote it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from typing import Any

from rqrun.errors import InputError
from rqrun.formats._reading import Loc, read_text, type_name

__all__ = ["load_data", "typed_cell"]

_INT = re.compile(r"-?(0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]+\Z")


def typed_cell(cell: str) -> str | int | float | bool:
    """A CSV cell as a number or boolean when that loses nothing, else the text itself."""
    if cell == "true":
        return True
    if cell == "false":
        return False
    if _INT.match(cell) and len(cell) <= 15 and str(int(cell)) == cell:
        return int(cell)  # longer numbers are ids (cards, accounts): JavaScript would round them
    if _FLOAT.match(cell) and len(cell) < 17:
        number = float(cell)
        if repr(number) == cell:
            return number
    return cell


def _csv(name: str, content: str) -> list[dict[str, object]]:
    """A header row, then one row per iteration; blank lines are skipped, short rows padded with ``""``."""
    reader = csv.reader(io.StringIO(content, newline=""), strict=False)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for record in reader:
            if not record:
                continue
            if header is None:
                header = [cell.strip() for cell in record]
                continue
            rows.append(record)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise InputError(f"invalid CSV: {exc}", where=f"{name}:{reader.line_num}") from None
    if header is None:
        raise InputError("data file is empty", where=name)
    seen: set[str] = set()
    for col, title in enumerate(header):
        if title and title in seen:
            raise InputError(f"column {col + 1} repeats the name {title!r}", where=f"{name}:1")
        seen.add(title)
    result: list[dict[str, object]] = []
    for record, line in zip(rows, lines):
        if len(record) > len(header):
            extra = record[len(header):]
            if any(cell.strip() for cell in extra):
                raise InputError(
                    f"row has {len(record)} cells but the header names {len(header)} columns",
                    where=f"{name}:{line}",
                )
        row: dict[str, object] = {}
        for col, title in enumerate(header):
            cell = record[col] if col < len(record) else ""
            if not title:
                if cell.strip():
                    raise InputError(f"column {col + 1} has a value but no name in the header", where=f"{name}:{line}")
                continue
            row[title] = typed_cell(cell)
        result.append(row)
    return result


def _json(name: str, content: str) -> list[dict[str, object]]:
    """An array of flat objects whose values are strings, numbers, booleans or null."""
    loc = Loc(name)
    try:
        doc: Any = json.loads(content)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", where=f"{name}:{exc.lineno}:{exc.colno}") from None
    except RecursionError:
        raise InputError("JSON nested too deeply", where=name) from None
    if not isinstance(doc, list):
        raise loc.error(f"expected an array of objects (one per iteration), got {type_name(doc)}")
    result: list[dict[str, object]] = []
    for i, row in enumerate(doc):
        rloc = loc.at(i)
        if not isinstance(row, dict):
            raise rloc.error(f"row {i}: expected an object, got {type_name(row)}")
        for key, value in row.items():
            if isinstance(value, (dict, list)):
                raise rloc.key(key).error(
                    f"row {i}, key {key!r}: expected a string, number, boolean or null, got {type_name(value)}",
                    hint="data rows must be flat; put nested values in as JSON text",
                )
        result.append(dict(row))
    return result


def load_data(path: str | os.PathLike[str]) -> list[dict[str, object]]:
    """Rows from a ``.csv`` or ``.json`` file; other names are sniffed (``[`` or ``{`` means JSON)."""
    name = os.fspath(path)
    content = read_text(name, what="data file")
    lower = name.lower()
    if lower.endswith(".json"):
        return _json(name, content)
    if lower.endswith(".csv"):
        return _csv(name, content)
    if content.lstrip()[:1] in ("[", "{"):
        return _json(name, content)
    return _csv(name, content)
