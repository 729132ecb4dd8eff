"""Durations on the command line: ``500ms``, ``5s``, ``2m``, ``1h``, or a bare number of milliseconds.

Every duration option of rqrun has always been milliseconds, so a bare number keeps that
meaning; a unit makes ``--timeout 5s`` read as what it is. Values are whole milliseconds.
"""

from __future__ import annotations

import re

import click

__all__ = ["Duration", "parse_duration"]

_UNITS_MS = {"ms": 1, "s": 1000, "sec": 1000, "m": 60_000, "min": 60_000, "h": 3_600_000}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")
_FORMS = "a number of milliseconds, or a number with a unit: 500ms, 5s, 2m, 1h"


def parse_duration(text: str) -> int:
    """Whole milliseconds for ``text``; ValueError with a message naming the units otherwise."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a duration; use {_FORMS}")
    number, unit = match.group(1), match.group(2).lower()
    if unit and unit not in _UNITS_MS:
        raise ValueError(f"unknown unit {match.group(2)!r} in {text!r}; use {_FORMS}")
    return round(float(number) * _UNITS_MS[unit or "ms"])


class Duration(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click stubs
    """A click type for durations in milliseconds, at least ``minimum``."""

    name = "duration"

    def __init__(self, minimum: int = 0) -> None:
        self.minimum = minimum

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            ms = value
        else:
            try:
                ms = parse_duration(str(value))
            except ValueError as exc:
                self.fail(str(exc), param, ctx)
        if ms < self.minimum:
            self.fail(f"{value!r} is {ms}ms; it must be at least {self.minimum}ms", param, ctx)
        return ms
