"""Compile a script under :class:`RqPolicy`, turning every failure into a one-line error.

RestrictedPython only catches ``SyntaxError`` from ``ast.parse``; a deeply nested expression
raises ``RecursionError`` (or ``MemoryError``) straight through its API, so everything is
caught here and reported as a compile error with the script's line number. Results, good or
bad, are cached by source text: compiling costs about ten times more than running.
"""

from __future__ import annotations

import re
import sys
from collections import OrderedDict
from types import CodeType

from rqrun.sandbox.model import FailureKind, ScriptFailure

__all__ = [
    "SCRIPT_FILENAME",
    "MAX_SOURCE_CHARS",
    "CompileCache",
    "compile_script",
    "script_line",
]

#: The filename compiled code carries; tracebacks are filtered on it to find the script's line.
SCRIPT_FILENAME = "<rq-script>"
#: Scripts larger than this are refused before parsing.
MAX_SOURCE_CHARS = 200_000
#: Recursion limit while compiling: deep enough for real scripts, low enough to fail fast.
_COMPILE_RECURSION = 2_000

_LINE = re.compile(r"^Line (\d+|None): (.*)$", re.S)


def script_line(exc: BaseException, filename: str = SCRIPT_FILENAME) -> int | None:
    """The script's line nearest to where ``exc`` was raised (its innermost script frame)."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _split_error(text: str) -> tuple[int | None, str]:
    match = _LINE.match(text)
    if not match:
        return None, text
    line = None if match.group(1) == "None" else int(match.group(1))
    return line, match.group(2)


def _one_line(text: str, limit: int = 500) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def compile_script(source: str, filename: str = SCRIPT_FILENAME) -> CodeType | ScriptFailure:
    """The code object for ``source``, or the :class:`ScriptFailure` explaining why not."""
    if type(source) is not str:
        return ScriptFailure(FailureKind.COMPILE, "a script must be text")
    if len(source) > MAX_SOURCE_CHARS:
        return ScriptFailure(
            FailureKind.COMPILE, f"script is too large ({len(source)} characters; the limit is {MAX_SOURCE_CHARS})"
        )
    from RestrictedPython.compile import compile_restricted_exec

    from rqrun.sandbox.policy import RqPolicy

    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, _COMPILE_RECURSION))
    try:
        result = compile_restricted_exec(source, filename=filename, policy=RqPolicy)
    except RecursionError:
        return ScriptFailure(FailureKind.COMPILE, "script is nested too deeply to compile")
    except MemoryError:
        return ScriptFailure(FailureKind.COMPILE, "script is too large to compile")
    except Exception as exc:  # ValueError (NUL bytes), OverflowError, ...: all mean "won't compile"
        return ScriptFailure(FailureKind.COMPILE, _one_line(f"{type(exc).__name__}: {exc}"))
    finally:
        sys.setrecursionlimit(old_limit)
    if result.errors:
        line, message = _split_error(result.errors[0])
        more = len(result.errors) - 1
        if more:
            message += f" (and {more} more error{'s' if more > 1 else ''})"
        return ScriptFailure(FailureKind.COMPILE, _one_line(message), line)
    assert result.code is not None  # noqa: S101 - no errors means code; narrows the type
    return result.code


class CompileCache:
    """An LRU of compile results keyed by source text (failures are cached too)."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._items: OrderedDict[str, CodeType | ScriptFailure] = OrderedDict()

    def get(self, source: str) -> CodeType | ScriptFailure:
        """Compiled code or failure for ``source``, compiling on a miss."""
        items = self._items
        found = items.get(source)
        if found is not None:
            items.move_to_end(source)
            return found
        found = compile_script(source)
        items[source] = found
        if len(items) > self._size:
            items.popitem(last=False)
        return found

    def __len__(self) -> int:
        return len(self._items)
