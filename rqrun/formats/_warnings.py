"""Loader warnings: keys a loader does not know, and files that load but hold nothing to run.

A key rqrun does not read is dropped on the floor, so a typo (``postRequest`` for
``postResponse``, ``requests`` for ``request``) silently runs less than the user wrote. Each
loader lists the keys its format uses and calls :func:`check_keys`; the warnings go to the
list :func:`collecting` opened (loaders called outside it warn nobody), one per unknown key
and file with a did-you-mean, and travel with the loaded inputs to ``run`` and ``check``.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Collection, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass

from rqrun.formats._reading import Loc

__all__ = ["InputWarning", "collecting", "warn", "check_keys", "suggestion", "grouped"]


@dataclass(frozen=True)
class InputWarning:
    """One thing a loader accepted but did not use; ``code`` is ``unknown-key`` or ``empty``.

    ``place`` is the JSON path inside ``file`` (empty for the file as a whole); ``more`` counts
    the other places of the same file where the same key was found (see :func:`grouped`).
    """

    file: str
    place: str
    message: str
    code: str = "unknown-key"
    more: int = 0

    def __str__(self) -> str:
        where = f"{self.file}: {self.place}" if self.place else self.file
        ignored = "; rqrun ignores it" if self.code == "unknown-key" else ""
        also = f" (and {self.more} more place{'s' if self.more > 1 else ''} in this file)" if self.more else ""
        return f"{where}: {self.message}{ignored}{also}"


_SINK: ContextVar[list[InputWarning] | None] = ContextVar("rqrun_input_warnings", default=None)


@contextlib.contextmanager
def collecting() -> Iterator[list[InputWarning]]:
    """Collect the warnings of the loaders called inside the block into the list it yields."""
    found: list[InputWarning] = []
    token = _SINK.set(found)
    try:
        yield found
    finally:
        _SINK.reset(token)


def warn(loc: Loc, message: str, code: str = "unknown-key") -> None:
    sink = _SINK.get()
    if sink is not None:
        sink.append(InputWarning(loc.file, loc.path, message, code))


def grouped(warnings: list[InputWarning]) -> list[InputWarning]:
    """One warning per file and message, at its first place, counting the others.

    A typo copied into 200 requests is one mistake: it should read as one line, not 200.
    """
    first: dict[tuple[str, str, str], InputWarning] = {}
    counts: dict[tuple[str, str, str], int] = {}
    for item in warnings:
        key = (item.file, item.message, item.code)
        first.setdefault(key, item)
        counts[key] = counts.get(key, 0) + 1
    return [InputWarning(w.file, w.place, w.message, w.code, counts[k] - 1) for k, w in first.items()]


def suggestion(key: str, known: Collection[str], aliases: Mapping[str, str] | None = None) -> str | None:
    """The known key ``key`` was probably meant to be: same letters in another case, a usual
    mix-up (``aliases``), or the closest spelling (difflib) when it is close enough."""
    lowered = {k.lower(): k for k in known}
    if key.lower() in lowered:
        return lowered[key.lower()]
    if aliases and key in aliases:
        return aliases[key]
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def check_keys(obj: Mapping[str, object], loc: Loc, known: Collection[str],
               aliases: Mapping[str, str] | None = None) -> None:
    """Warn once per key of ``obj`` that is not in ``known``.

    Keys starting with ``_`` are tools' own bookkeeping (Postman's ``_postman_id``,
    ``_postman_isSubFolder``, ``_exporter_id``) and never warn.
    """
    if _SINK.get() is None:
        return
    for key in obj:
        if key in known or key.startswith("_"):
            continue
        guess = suggestion(key, known, aliases)
        hint = f" (did you mean {guess!r}?)" if guess else ""
        warn(loc.key(key), f"unknown key {key!r}{hint}")
