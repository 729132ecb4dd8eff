"""Variable scopes and ``{{placeholder}}`` rendering.

Precedence, highest first: the iteration's data row, run variables (``rq.variables``), the
environment, folder variables (nearest first), collection variables, globals, then dynamic
``{{$name}}`` generators. ``{{vault:key}}`` goes to a resolver supplied by the caller, so this
module knows nothing about how secrets are stored.

A value may itself contain placeholders (a composite value); they are rendered in turn, and a
cycle is left unrendered with a warning instead of looping.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from rqrun import dynamic
from rqrun.errors import SecretNotFound

__all__ = [
    "PLACEHOLDER",
    "Scopes",
    "Renderer",
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
    _expansions: int = 0

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
        return PLACEHOLDER.sub(lambda m: self._replace(m, stack), template)

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
