"""Looking for a secret in everything a run wrote, the way a reader would see it.

Each output is searched as written (bytes decoded as UTF-8) and as read: the strings of a JSON
file, the text and attributes of an XML file, an HTML page unescaped. A secret "leaks" when the
secret itself or any form :func:`rqrun.redact.encoded_forms` lists appears in any of them; forms
shorter than :data:`rqrun.redact.MIN_INLINE_LENGTH` (a secret of controls stripped down to two
letters) are masked only as whole values, by design, and are not looked for.
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from rqrun.redact import MIN_INLINE_LENGTH, encoded_forms

__all__ = ["output_views", "find_leaks"]


def _json_strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _xml_strings(text: str) -> Iterator[str]:
    root = ET.fromstring(text.encode("utf-8"))
    for element in root.iter():
        yield from element.attrib.values()
        for part in (element.text, element.tail):
            if part:
                yield part


def output_views(paths: Iterable[Path], texts: Iterable[str] = ()) -> dict[str, str]:
    """``{label: text}`` for every file in ``paths`` (raw and decoded) and every extra text."""
    views: dict[str, str] = {f"text {i}": t for i, t in enumerate(texts)}
    for path in paths:
        if not path.exists():
            continue
        raw = path.read_bytes().decode("utf-8", "replace")
        views[path.name] = raw
        if path.suffix == ".json":
            views[path.name + " (strings)"] = "\n".join(_json_strings(json.loads(raw)))
        elif path.suffix == ".xml":
            views[path.name + " (text)"] = "\n".join(_xml_strings(raw))
        elif path.suffix == ".html":
            views[path.name + " (unescaped)"] = html.unescape(raw)
    return views


def find_leaks(views: dict[str, str], secret: str) -> list[tuple[str, str]]:
    """``(view label, form)`` for every form of ``secret`` found; empty when nothing leaked."""
    forms = sorted((f for f in encoded_forms(secret) | {secret} if len(f) >= MIN_INLINE_LENGTH), key=len, reverse=True)
    found = []
    for label, text in views.items():
        for form in forms:
            if form in text:
                found.append((label, form[:80]))
                break
    return found
