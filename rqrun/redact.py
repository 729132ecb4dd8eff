"""The one redactor every output passes through.

Every secret the run touches is registered here (vault values, values scripts read or wrote
through ``rq.vault``, environment variables of type ``secret``); everything rqrun writes
(terminal, reports, exported files, error messages, script console) goes through
:meth:`Redactor.redact` first. Secrets are matched longest first by one compiled pattern,
built as a trie so that a pass over a large report costs one scan whatever the number of
secrets.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from typing import Any, Iterable
from urllib.parse import quote, quote_plus

__all__ = ["MASK", "SENSITIVE_HEADERS", "Redactor", "encoded_forms", "mask_header"]

MASK = "********"

#: Header names whose values are masked in every report, whatever they contain.
SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
        "x-auth-token",
        "x-access-token",
        "x-amz-security-token",
        "x-csrf-token",
    }
)

#: Secrets shorter than this are only masked where they make up a whole value: matching
#: "abc" inside every word of a report would make the report unreadable and tell an
#: attacker little.
MIN_INLINE_LENGTH = 4

#: Above this many characters, :meth:`Redactor.redact` first finds which secrets are present.
_LARGE_TEXT = 16_384

_SCHEMES = ("bearer ", "basic ", "digest ", "token ", "aws4-hmac-sha256 ", "hmac ")


def mask_header(name: str, value: str) -> str:
    """Mask a sensitive header's value, keeping an auth scheme so a reader still sees its kind."""
    if name.lower() not in SENSITIVE_HEADERS or not value:
        return value
    lowered = value.lower()
    for scheme in _SCHEMES:
        if lowered.startswith(scheme):
            return value[: len(scheme)] + MASK
    return MASK


def _variants(secret: str) -> set[str]:
    """The forms a secret takes on its way out: as is, URL-encoded, form-encoded, JSON-escaped."""
    forms = {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}
    forms.add(json.dumps(secret, ensure_ascii=False)[1:-1])
    return {f for f in forms if f}


def encoded_forms(secret: str) -> frozenset[str]:
    """Every form of ``secret`` that rqrun itself may put on the wire or in an output."""
    return frozenset(_variants(secret))


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex that matches any of ``words``, longest first, sharing common prefixes."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        ends_here = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        # Longer continuations are tried before stopping here, so the longest secret wins.
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends_here:
            body = "(?:" + body + ")?"
        return body

    return build(trie)


class Redactor:
    """Replaces every registered secret with ``********``. Thread-safe; cheap when empty."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._inline: set[str] = set()
        self._whole: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._dirty = False
        self._subset_cache: dict[frozenset[str], re.Pattern[str]] = {}
        self._known: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def __len__(self) -> int:
        return len(self._inline) + len(self._whole)

    def add(self, secret: object) -> None:
        """Register a secret. Non-strings are registered by their text; empty values are ignored."""
        if secret is None or secret == "":
            return
        text = secret if isinstance(secret, str) else str(secret)
        if text in self._known:  # the hot path: a vault value looked up again
            return
        with self._lock:
            self._known.add(text)
            if len(text) < MIN_INLINE_LENGTH:
                self._whole.add(text)
                return
            new = _variants(text) - self._inline
            if new:
                self._inline |= new
                self._dirty = True

    def _compiled(self) -> re.Pattern[str] | None:
        if self._dirty:
            with self._lock:
                if self._dirty:
                    self._pattern = re.compile(_trie_pattern(self._inline)) if self._inline else None
                    self._dirty = False
        return self._pattern

    def redact(self, text: str) -> str:
        """``text`` with every registered secret masked."""
        if not text:
            return text
        if text in self._whole:
            return MASK
        pattern = self._compiled()
        if pattern is None:
            return text
        if len(text) > _LARGE_TEXT:
            # On a large text, a substring scan per secret (memchr-fast) finds the few that are
            # present, and a small pattern for just those replaces them.
            present = frozenset(s for s in self._inline if s in text)
            if not present:
                return text
            pattern = self._subset_pattern(present)
        return pattern.sub(MASK, text)

    def _subset_pattern(self, secrets: frozenset[str]) -> re.Pattern[str]:
        pattern = self._subset_cache.get(secrets)
        if pattern is None:
            if len(self._subset_cache) > 64:
                self._subset_cache.clear()
            pattern = self._subset_cache[secrets] = re.compile(_trie_pattern(secrets))
        return pattern

    def redact_obj(self, value: Any) -> Any:
        """A copy of a JSON-like value with every string (keys included) redacted."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {self.redact(k) if isinstance(k, str) else k: self.redact_obj(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.redact_obj(v) for v in value]
        return value

    def add_header_credentials(self, headers: Iterable[tuple[str, str]]) -> None:
        """Register credentials that were built from a secret.

        A Basic header is base64 of ``user:password``: the password may be a vault secret the
        redactor knows, but its encoded form is new text that a server can echo back. Any
        credential in a sensitive header that contains or encodes a known secret becomes a
        secret itself for the rest of the run.
        """
        if not len(self):
            return
        for name, value in headers:
            if name.lower() not in SENSITIVE_HEADERS or not value:
                continue
            scheme, sep, token = value.partition(" ")
            credential = token.strip() if sep and (scheme.lower() + " ") in _SCHEMES else value
            derived = [credential]
            if scheme.lower() == "basic" and sep:
                try:
                    derived.append(base64.b64decode(credential, validate=True).decode("utf-8"))
                except (ValueError, UnicodeDecodeError):
                    pass
            if any(self.redact(text) != text for text in derived):
                for text in derived:
                    self.add(text)

    def redact_headers(self, headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """Headers for a report: sensitive ones masked, secrets anywhere else redacted."""
        return [(self.redact(name), self.redact(mask_header(name, value))) for name, value in headers]
