"""Variable scopes and ``{{placeholder}}`` rendering.

Precedence, highest first: the iteration's data row, run variables (``rq.variables``), the
environment, folder variables (nearest first), collection variables, globals, then dynamic
``{{$name}}`` generators. ``{{vault:key}}`` goes to a resolver supplied by the caller, so this
module knows nothing about how secrets are stored.

A value may itself contain placeholders (a composite value); they are rendered in turn, and a
cycle is left unrendered with a warning instead of looping.

Rendering is bounded: a :class:`Renderer` (one per request) builds at most
:data:`MAX_RENDERED_CHARS` characters in all, so values that repeat each other ("a1 is
{{a0}}{{a0}}", thirty levels deep) fail that request with :class:`RenderTooLarge` before
the parent process builds hundreds of megabytes or never finishes.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rqrun import dynamic
from rqrun.errors import RequestSendError, SecretNotFound

__all__ = [
    "PLACEHOLDER",
    "Scopes",
    "Renderer",
    "RenderTooLarge",
    "MAX_RENDERED_CHARS",
    "to_text",
    "placeholders_in",
]

#: ``{{ name }}``: anything but braces inside, spaces around the name allowed.
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")

VAULT_PREFIXES = ("vault:", "secrets:")

#: How deep composite values may nest before rendering gives up (a guard beside cycle detection).
MAX_DEPTH = 32

#: Composite expansions one top-level render may make: values that double at each level
#: ("billion laughs") stop here instead of eating the machine.
MAX_EXPANSIONS = 10_000

#: Characters one Renderer may build while rendering one request (URL, headers, body, auth),
#: every intermediate expansion counted. 16 MiB is far above real requests (API gateways cap
#: bodies at 10 MB, most servers at 1 MB; static text without placeholders costs nothing) and
#: keeps the worst case of the parent process at tens of MB, not gigabytes.
MAX_RENDERED_CHARS = 16 * 1024 * 1024


class RenderTooLarge(RequestSendError):
    """Variables expanded past :data:`MAX_RENDERED_CHARS`: the request fails, nothing is sent."""

    def __init__(self, message: str, **kwargs: object) -> None:
        super().__init__(message, kind="too-large", **kwargs)


def to_text(value: Any) -> str:
    """A variable's value as it appears in a request: JSON-like spelling for non-strings."""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))  # as JavaScript spells it: 5.0 -> "5"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def placeholders_in(text: str) -> list[str]:
    """The names of every placeholder in ``text`` (``vault:`` and ``$`` names included)."""
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]


@dataclass
class Scopes:
    """The variable scopes a request sees. Dicts are shared with the run, so writes show at once."""

    data: Mapping[str, Any] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)
    folders: list[Mapping[str, Any]] = field(default_factory=list)  # nearest first
    collection: dict[str, Any] = field(default_factory=dict)
    globals: dict[str, Any] = field(default_factory=dict)

    def layers(self) -> Iterable[Mapping[str, Any]]:
        yield self.data
        yield self.run
        yield self.environment
        yield from self.folders
        yield self.collection
        yield self.globals

    def lookup(self, name: str) -> tuple[bool, Any]:
        for layer in self.layers():
            if name in layer:
                return True, layer[name]
        return False, None


VaultLookup = Callable[[str], str]


@dataclass
class Renderer:
    """Renders templates against scopes, remembering what it could not resolve.

    ``vault`` returns a secret's value or raises :class:`SecretNotFound`; without one, every
    ``{{vault:...}}`` is unresolved. ``used_secrets`` collects the vault keys a render used, so
    that the caller can check host allow-lists before anything is sent.
    """

    scopes: Scopes
    vault: VaultLookup | None = None
    unresolved: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    used_secrets: set[str] = field(default_factory=set)
    max_chars: int = MAX_RENDERED_CHARS
    _expansions: int = 0
    _built: int = 0  # characters built so far by this renderer, across every render

    def render(self, template: str) -> str:
        if "{{" not in template:
            return template
        self._expansions = 0
        return self._render(template, ())

    def render_any(self, value: Any) -> Any:
        """Render every string inside lists and dicts, leaving other values alone."""
        if isinstance(value, str):
            return self.render(value)
        if isinstance(value, list):
            return [self.render_any(v) for v in value]
        if isinstance(value, dict):
            return {k: self.render_any(v) for k, v in value.items()}
        return value

    def _render(self, template: str, stack: tuple[str, ...]) -> str:
        """``PLACEHOLDER.sub`` that counts what it will build and stops before building too much.

        The count covers every level (the text a nested value renders to, and again the text
        that holds it), so memory and time stay bounded by ``max_chars`` at any depth.
        """
        pieces: list[str] = []
        size = 0
        last = 0
        for match in PLACEHOLDER.finditer(template):
            literal = template[last : match.start()]
            value = self._replace(match, stack)
            pieces.append(literal)
            pieces.append(value)
            size += len(literal) + len(value)
            if self._built + size > self.max_chars:
                self._too_large(stack or (match.group(1),))
            last = match.end()
        if not pieces:
            return template
        pieces.append(template[last:])
        size += len(template) - last
        if self._built + size > self.max_chars:
            self._too_large(stack)
        self._built += size
        return "".join(pieces)

    def _too_large(self, stack: tuple[str, ...]) -> None:
        where = ""
        if stack:
            name = stack[0] if len(stack[0]) <= 60 else stack[0][:57] + "..."
            where = f" (expanding {{{{{name}}}}})"
        mib = self.max_chars / (1024 * 1024)
        limit = f"{self.max_chars:,} characters" + (f" ({mib:g} MiB)" if mib >= 1 else "")
        raise RenderTooLarge(
            f"variables expand to more than {limit} in this request{where}",
            hint="a value that repeats other variables doubles with each level; check what sets them",
        )

    def _replace(self, match: re.Match[str], stack: tuple[str, ...]) -> str:
        name = match.group(1)
        for prefix in VAULT_PREFIXES:
            if name.startswith(prefix):
                return self._secret(name[len(prefix) :].strip(), match.group(0))
        if name.startswith("$"):
            return self._dynamic(name, match.group(0), stack)
        found, value = self.scopes.lookup(name)
        if not found:
            self.unresolved.add(name)
            return match.group(0)
        return self._expand(name, to_text(value), match.group(0), stack)

    def _expand(self, name: str, text: str, original: str, stack: tuple[str, ...]) -> str:
        if "{{" not in text:
            return text
        if name in stack:
            self._warn(f"variable cycle {' -> '.join((*stack, name))}: left unrendered")
            return original
        if len(stack) >= MAX_DEPTH:
            self._warn(f"variables nest deeper than {MAX_DEPTH} levels at {name}: left unrendered")
            return original
        self._expansions += 1
        if self._expansions > MAX_EXPANSIONS:
            self._warn(f"variables expand more than {MAX_EXPANSIONS} times: {name} left unrendered")
            return original
        return self._render(text, (*stack, name))

    def _secret(self, key: str, original: str) -> str:
        if self.vault is None:
            self.unresolved.add(f"vault:{key}")
            return original
        value = self.vault(key)  # raises SecretNotFound
        self.used_secrets.add(key)
        return value

    def _dynamic(self, name: str, original: str, stack: tuple[str, ...]) -> str:
        try:
            parts = shlex.split(name)
        except ValueError:
            parts = name.split()
        head, args = parts[0], parts[1:]
        if not args:
            # A user variable named like a generator wins when no arguments are given.
            found, value = self.scopes.lookup(head)
            if found:
                return self._expand(head, to_text(value), original, stack)
        args = [self._render(arg, stack) for arg in args]
        try:
            return dynamic.generate(head, args)
        except KeyError:
            self.unresolved.add(head)
        except ValueError as exc:
            self._warn(f"{{{{{name}}}}}: {exc}")
        return original

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def missing_secret(key: str) -> SecretNotFound:
    """The error for a ``{{vault:key}}`` nothing provides, with the command that fixes it."""
    return SecretNotFound(
        f"no secret named {key!r} in the vault",
        hint=f"add it with: rqrun vault set {key}",
    )
