"""Iteration data files (CSV or JSON) into one dict per iteration.

CSV cells are typed the way Requestly types them (numbers and booleans), but only when the
conversion is lossless: ``"42"`` becomes 42, while ``"007"`` and ``"2.00"`` stay text, so a
sort code or an amount is sent exactly as the file wrote it. ``inf``, ``nan`` and
``-Infinity`` stay text too: a non-finite number has no JSON spelling for reports or scripts.

A malformed CSV (an unterminated quote, a row shorter or longer than the header) is an
:class:`InputError` at ``file:line``; JSON data files refuse NaN, Infinity and lone
surrogates the way every JSON input does (``_reading.parse_json``).
"""

from __future__ import annotations

import csv
import io
import os
import re
from typing import Any

from rqrun.errors import InputError
from rqrun.formats._reading import Loc, parse_json, read_text, type_name

__all__ = ["load_data", "rows_from_doc", "typed_cell"]

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


def _records(name: str, content: str) -> tuple[list[str] | None, list[tuple[int, list[str]]]]:
    """The header and ``(line, cells)`` per non-blank row; a quoting error names the row's first line.

    ``strict`` makes the csv module refuse what it would otherwise guess at: text after a
    closing quote, and a quote that never closes (which would swallow every later row into
    one cell and quietly run fewer iterations).
    """
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise InputError(
                    "unterminated quote: the quoted cell that starts on this line never ends",
                    where=f"{name}:{start}",
                    hint='close it with "; a quote inside a quoted cell is written ""',
                ) from None
            spans = f" in the row that starts on line {start}" if reader.line_num > start else ""
            raise InputError(
                f"invalid CSV: {exc}{spans}",
                where=f"{name}:{reader.line_num}",
                hint='a quoted cell ends at the next comma or line end; write "" for a quote inside it',
            ) from None
        if not record:
            continue
        if header is None:
            header = [cell.strip() for cell in record]
        else:
            rows.append((start, record))
    return header, rows


def _csv(name: str, content: str) -> list[dict[str, object]]:
    """A header row, then one row per iteration with exactly the header's cells; blank lines are skipped.

    A row may carry extra empty cells (spreadsheets pad ragged rows with commas), but a row
    with fewer cells than the header names, or a value past the last column, is an error:
    padding or dropping would run the iteration with data the file does not hold.
    """
    header, rows = _records(name, content)
    if header is None:
        raise InputError("data file is empty", where=name)
    seen: set[str] = set()
    for col, title in enumerate(header):
        if title and title in seen:
            raise InputError(f"column {col + 1} repeats the name {title!r}", where=f"{name}:1")
        seen.add(title)
    named = max((col + 1 for col, title in enumerate(header) if title), default=0)
    result: list[dict[str, object]] = []
    for line, record in rows:
        if len(record) < named:
            raise InputError(
                f"row has {len(record)} cells but the header names {named} columns",
                where=f"{name}:{line}",
                hint="add the missing cells; an empty value is nothing between two commas",
            )
        if len(record) > len(header) and any(cell.strip() for cell in record[len(header):]):
            raise InputError(
                f"row has {len(record)} cells but the header names {len(header)} columns",
                where=f"{name}:{line}",
                hint="quote a value that holds a comma",
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
    return rows_from_doc(parse_json(content, name), name)


def rows_from_doc(doc: Any, name: str) -> list[dict[str, object]]:
    """Data rows from a parsed JSON document (or a caller's list); ``name`` is what errors cite."""
    loc = Loc(name)
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
