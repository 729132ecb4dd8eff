"""Which language a script is: one rule for ``run``, ``check`` and ``import``.

1. A first-line marker comment wins: ``# python``, ``// javascript`` or ``// js``. It is written
   by the person who wrote the script, so it beats what the file format declares.
2. A declared language (a Requestly ``scripts.language`` field, Postman's ``type``) is next, if
   it is one of :data:`LANGUAGE_NAMES`; an unknown name is a language rqrun cannot run.
3. Otherwise a script that parses as Python is Python, one that parses as JavaScript (checked by
   a real JavaScript parser, QuickJS, imported only for sources that are not Python) is
   JavaScript, and anything else is Python with its syntax error and line.

Decisions are cached by (source, declared name): a run asks once per script, not per request.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "Language",
    "LanguageDecision",
    "LANGUAGE_NAMES",
    "accepted_names",
    "decide",
    "language_of_name",
    "with_marker",
    "only_comments",
    "parses_as_javascript",
    "javascript_syntax_error",
    "unsupported_message",
    "unsupported_reason",
]


class Language(enum.StrEnum):
    """The languages rqrun knows: both run in the sandbox (JavaScript in an embedded QuickJS)."""

    PYTHON = "python"
    JAVASCRIPT = "javascript"
    UNKNOWN = "unknown"  # declared with a name rqrun does not know


#: Every declared name rqrun accepts (compared case-insensitively), and the language it means.
LANGUAGE_NAMES: dict[str, Language] = {
    "python": Language.PYTHON,
    "py": Language.PYTHON,
    "text/python": Language.PYTHON,
    "text/x-python": Language.PYTHON,
    "application/x-python": Language.PYTHON,
    "javascript": Language.JAVASCRIPT,
    "js": Language.JAVASCRIPT,
    "text/javascript": Language.JAVASCRIPT,
    "application/javascript": Language.JAVASCRIPT,
}

#: The marker each language's first line carries when rqrun writes one (``import postman``).
MARKERS: dict[Language, str] = {Language.PYTHON: "# python", Language.JAVASCRIPT: "// javascript"}

_MARKER = re.compile(r"^\s*(?:#\s*(?P<py>python)|//\s*(?P<js>javascript|js))\s*$", re.IGNORECASE)
_SENTINEL = "rqrun-parsed-without-running"
_MAX_PARSED_CHARS = 200_000


@dataclass(frozen=True)
class LanguageDecision:
    """The outcome: the language, why (``marker``, ``declared``, ``content``), and for a source
    that parses as neither language the Python syntax error and its line."""

    language: Language
    reason: str
    declared: str = ""
    error: str | None = None
    line: int | None = None


def accepted_names() -> list[str]:
    """The declared names rqrun accepts, for messages and documentation."""
    return sorted(LANGUAGE_NAMES)


def language_of_name(name: str) -> Language | None:
    """The language a declared name means; None for an empty (undeclared) name."""
    name = name.strip().lower()
    if not name:
        return None
    return LANGUAGE_NAMES.get(name, Language.UNKNOWN)


def _marker(source: str) -> Language | None:
    for line in source.lstrip("\ufeff").splitlines():
        if not line.strip():
            continue
        match = _MARKER.match(line)
        if match is None:
            return None
        return Language.PYTHON if match.group("py") else Language.JAVASCRIPT
    return None


def with_marker(source: str, language: Language) -> str:
    """``source`` with ``language``'s marker as its first line (unchanged if it already has it)."""
    if _marker(source) is language:
        return source
    return MARKERS[language] + "\n" + source


def only_comments(source: str) -> bool:
    """A script of ``//`` comments and blank lines (Postman's stubs): nothing to run or port."""
    return all(not line.strip() or line.strip().startswith("//") for line in source.splitlines())


def _python_error(source: str) -> tuple[str, int | None] | None:
    """None when ``source`` parses as Python, else the syntax error's message and line."""
    import ast

    try:
        ast.parse(source, "<script>", "exec")
    except SyntaxError as exc:
        return f"{type(exc).__name__}: {exc.msg}", exc.lineno
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        return f"{type(exc).__name__}: {exc}".strip(), None
    return None


def parses_as_javascript(source: str) -> bool:
    """True when QuickJS parses ``source`` as a script or as a function body (``return``, ``await``).

    Nothing of ``source`` runs: the text evaluated begins with ``throw``, and a script is parsed
    whole before its first statement runs, so any text that parses stops at that ``throw``; a
    fresh context per check keeps declarations from one check out of the next.
    """
    import quickjs

    for wrapped in (f"throw {_SENTINEL!r};\n{source}", f"throw {_SENTINEL!r};\n(async function () {{\n{source}\n}});"):
        context = quickjs.Context()
        context.set_memory_limit(64 * 1024 * 1024)
        context.set_max_stack_size(512 * 1024)
        try:
            context.eval(wrapped)
        except Exception as exc:  # JSException, StackOverflow: the parse failed or was stopped
            if str(exc).startswith(_SENTINEL):
                return True
            continue
    return False


def javascript_syntax_error(source: str) -> tuple[str, int | None] | None:
    """None when ``source`` parses as JavaScript (as a script or a function body, as the sandbox
    runs it), else the script form's syntax error and its line. Nothing of ``source`` runs."""
    import re

    import quickjs

    if parses_as_javascript(source):
        return None
    context = quickjs.Context()
    context.set_memory_limit(64 * 1024 * 1024)
    context.set_max_stack_size(512 * 1024)
    try:
        context.eval(f"throw {_SENTINEL!r};\n{source}")
    except Exception as exc:  # noqa: BLE001 - JSException or StackOverflow: the parse failed
        text = str(exc)
        found = re.search(r"<input>:(\d+):\d+", text)
        line = int(found.group(1)) - 1 if found else None
        return text.split("\n", 1)[0].strip(), (line if line and line > 0 else None)
    return None  # pragma: no cover - parses_as_javascript said it does not parse


@lru_cache(maxsize=512)
def decide(source: str, declared: str = "") -> LanguageDecision:
    """The language of ``source``, declared as ``declared`` ("" when the file says nothing)."""
    marked = _marker(source)
    if marked is not None:
        return LanguageDecision(marked, "marker", declared)
    named = language_of_name(declared)
    if named is not None:
        return LanguageDecision(named, "declared", declared)
    if len(source) > _MAX_PARSED_CHARS:  # the sandbox refuses it with its own message
        return LanguageDecision(Language.PYTHON, "content", declared)
    problem = _python_error(source)
    if problem is None:
        return LanguageDecision(Language.PYTHON, "content", declared)
    if parses_as_javascript(source):
        return LanguageDecision(Language.JAVASCRIPT, "content", declared)
    return LanguageDecision(Language.PYTHON, "content", declared, problem[0], problem[1])



def unsupported_message(where: str, declared: str, language: Language, allowed: bool) -> str:
    """What a run says about a script it cannot run: an error, or a warning when ``allowed``."""
    return f"{where}: {unsupported_reason(declared, language, allowed)}"


def unsupported_reason(declared: str, language: Language, allowed: bool) -> str:
    """:func:`unsupported_message` without the place."""
    if language is Language.JAVASCRIPT:
        if allowed:
            return "JavaScript script not run (rqrun cannot run JavaScript yet)"
        return ("rqrun cannot run JavaScript yet; port the script to Python with rq.* "
                "(examples/postman-to-rq.md), or pass --allow-unsupported-scripts to send the request without it")
    names = ", ".join(accepted_names())
    if allowed:
        return f"script in unknown language {declared!r} not run (rqrun knows {names})"
    return (f"unknown script language {declared!r} (rqrun knows {names}); "
            "pass --allow-unsupported-scripts to send the request without it")
