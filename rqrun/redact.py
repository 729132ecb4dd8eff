"""The one redactor every output passes through.

Every secret the run touches is registered here (vault values, values scripts read or wrote
through ``rq.vault``, environment variables of type ``secret``); everything rqrun writes
(terminal, reports, exported files, error messages, script console) goes through
:meth:`Redactor.redact` first, and again after any change a sink makes to the text.

A secret is registered with every form rqrun itself gives it on the way out
(:func:`encoded_forms`): percent-encoded as rqrun and httpx encode it, JSON- and repr-escaped,
and shaped as each sink shapes text (:func:`one_line`, :func:`xml_safe`, :func:`html_safe`).
Forms are matched longest first: short ones by one compiled pattern grouped by first
character (one scan of a large report whatever the number of secrets), long ones (a PEM key)
by a plain substring search, so neither the pattern nor its construction grows with a
secret's length. Nothing here recurses.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

__all__ = [
    "MASK",
    "SENSITIVE_HEADERS",
    "Redactor",
    "encoded_forms",
    "html_safe",
    "mask_header",
    "one_line",
    "xml_safe",
]

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
#: attacker little. Derived forms shorter than this are not registered at all.
MIN_INLINE_LENGTH = 4

#: Forms at least this long are found by substring search instead of the compiled pattern:
#: compiling a pattern costs time per character, a substring search does not.
LONG_FORM = 256

#: A line of a multi-line secret (a PEM key) at least this long is masked on its own, so a
#: script printing the key line by line, or a server echoing it with other line ends, shows
#: none of it. PEM body lines are 64 characters.
MIN_LINE_FORM = 16

#: The piece of a secret left just before a cut is masked from this many characters on.
MIN_CUT_PIECE = 3

#: Above this many characters, :meth:`Redactor.redact` first finds which forms are present.
_LARGE_TEXT = 16_384

#: Cut points examined per text by :meth:`Redactor.redact_cut` (bounds the work on hostile text).
_MAX_CUTS = 64

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


# -- the shapes sinks give text ----------------------------------------------------------------
#
# They live here, not in the reporters, because the redactor must know every shape a secret
# can take in an output: each sink shapes with one of these, then redacts the result again.

# C0 and C1 controls (ESC included) and DEL: a terminal would obey them.
_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters XML 1.0 does not allow at all (tab, newline and carriage return are allowed).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Controls HTML renders as garbage (tab, newline and carriage return are kept).
_HTML_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def one_line(text: str) -> str:
    """The terminal's shape: tabs and line breaks as spaces, control characters removed."""
    return _TERMINAL_CONTROL.sub("", text.replace("\t", " ").replace("\r\n", " ").replace("\n", " "))


def xml_safe(text: str) -> str:
    """The JUnit report's shape: the characters XML 1.0 forbids removed."""
    return _XML_INVALID.sub("", text)


def html_safe(text: str) -> str:
    """The HTML report's shape: controls other than tab and line ends shown as U+FFFD."""
    return _HTML_CONTROL.sub("\ufffd", text)


# -- the forms a secret takes on its way out ---------------------------------------------------

_UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
# httpx 0.28 (_urlparse.py) percent-encodes a query with the WHATWG query set (printable ASCII
# but space " # < >) and a path with the path set (the query set and ? ` { }), keeping
# existing %XX escapes. Hard-coded so that importing this module never imports httpx; a unit
# test compares them with the installed httpx.
_HTTPX_QUERY_SAFE = "".join(c for c in map(chr, range(0x21, 0x7F)) if c not in '"#<>' and c not in _UNRESERVED)
_HTTPX_PATH_SAFE = "".join(c for c in _HTTPX_QUERY_SAFE if c not in "?`{}")
_PERCENT_ESCAPE = re.compile("(%[0-9A-Fa-f]{2})")


def _httpx_quote(text: str, safe: str) -> str:
    """``text`` as httpx puts it on the wire: ``%XX`` kept, the rest outside ``safe`` encoded."""
    pieces = _PERCENT_ESCAPE.split(text)
    # Odd pieces are the escapes themselves; ``quote`` adds the unreserved set to ``safe``.
    return "".join(p if i % 2 else quote(p, safe=safe) for i, p in enumerate(pieces))


#: What JavaScript's encodeURIComponent and encodeURI keep besides the unreserved set
#: (ECMA-262 §19.2.6); Python's quote keeps only the unreserved set and ``safe``.
_JS_COMPONENT_SAFE = "!*'()"
_JS_URI_SAFE = _JS_COMPONENT_SAFE + ";,/?:@&=+$#"


def _percent_forms(secret: str) -> set[str]:
    """The secret percent-encoded every way rqrun or httpx encodes a value, and the ways a
    script or a server commonly does (Python's quote/quote_plus defaults, JavaScript's
    encodeURIComponent/encodeURI, URLSearchParams): a server may echo it so, a script print it."""
    from rqrun.prepare import encode_form, encode_query  # light; imported on the first secret

    value = encode_query([("k", secret)])[2:]  # rqrun's query value: "/" kept, "+" as %2B
    return {
        value,
        encode_query([(secret, None)]),  # as a query key: "=" encoded too
        encode_form([("k", secret)])[2:],  # urlencoded bodies
        quote(secret, safe=""),
        quote(secret),  # Python's default: "/" kept
        quote_plus(secret),
        quote_plus(secret, safe="/"),  # urlencode(..., safe="/")
        quote(secret, safe=_JS_COMPONENT_SAFE),  # encodeURIComponent
        quote(secret, safe=_JS_URI_SAFE),  # encodeURI
        quote_plus(secret, safe="*").replace("~", "%7E"),  # URLSearchParams, HTML forms
        _httpx_quote(secret, _HTTPX_PATH_SAFE),  # a secret in the URL path
        _httpx_quote(secret, _HTTPX_QUERY_SAFE),  # a secret written into the URL's query
        _httpx_quote(value, _HTTPX_QUERY_SAFE),
    }


def _escaped_forms(text: str) -> set[str]:
    """JSON-escaped (ASCII and not) and Python repr bodies, under either quote."""
    return {
        json.dumps(text)[1:-1],
        json.dumps(text, ensure_ascii=False)[1:-1],
        repr(text)[1:-1],
        # A value holding both quote kinds (or embedded in one that does) is quoted with '
        # and its ' escaped; appending both kinds forces that choice.
        repr(text + "'\"")[1:-4],
    }


def _bytes_forms(secret: str) -> set[str]:
    """The repr of the UTF-8 bytes, as h11 and httpx quote an illegal header value."""
    data = secret.encode("utf-8")
    return {repr(data)[2:-1], repr(data + b"'\"")[2:-4]}


def encoded_forms(secret: str) -> frozenset[str]:
    """Every form of ``secret`` that rqrun itself produces on the way out, ``secret`` included.

    - as is, and as each sink shapes text: :func:`one_line` (terminal), :func:`xml_safe`
      (JUnit), :func:`html_safe` (HTML), whitespace runs collapsed (script messages);
    - each line of a multi-line secret (a PEM key) of at least :data:`MIN_LINE_FORM`
      characters, stripped, on its own;
    - percent-encoded as rqrun encodes a query value, a query key and a form body (``/``
      kept, ``+`` as ``%2B``), as httpx encodes a path and a query (``%XX`` kept), as
      Python's ``quote`` (``safe`` ``""`` and ``"/"``) and ``quote_plus`` (``""``, ``"/"``),
      JavaScript's ``encodeURIComponent`` and ``encodeURI``, and ``URLSearchParams`` do;
    - each of those JSON-escaped (ASCII and not) and repr-escaped (under either quote), and
      the repr of the UTF-8 bytes (how h11 quotes an illegal header value).

    Forms that need UTF-8 (percent, bytes) are left out for a secret holding a lone surrogate:
    nothing can encode it. A form can be much shorter than the secret (controls stripped):
    callers decide what length is worth matching (the :class:`Redactor` ignores forms under
    :data:`MIN_INLINE_LENGTH`). Tens of microseconds for a short secret, remembered for the
    last few hundred secrets up to 4 KB (a second call costs a dictionary lookup); a few
    milliseconds for a 64 KB one.
    """
    if not secret:
        return frozenset()
    if len(secret) <= _CACHED_SECRET_CHARS:
        return _cached_forms(secret)
    return _forms(secret)


#: Longest secret whose forms :func:`encoded_forms` remembers (bounds the cache's memory).
_CACHED_SECRET_CHARS = 4096


@functools.lru_cache(maxsize=256)
def _cached_forms(secret: str) -> frozenset[str]:
    return _forms(secret)


def _forms(secret: str) -> frozenset[str]:
    shapes = {secret, one_line(secret), xml_safe(secret), html_safe(secret), " ".join(secret.split())}
    if "\n" in secret or "\r" in secret:
        shapes.update(line.strip() for line in secret.splitlines() if len(line.strip()) >= MIN_LINE_FORM)
    forms = set(shapes)
    for shape in shapes:
        forms |= _escaped_forms(shape)
    if not _SURROGATE.search(secret):
        for encoded in _percent_forms(secret):
            forms.add(encoded)
            if "\\" in encoded or "'" in encoded:  # the only characters escaping changes there
                forms |= _escaped_forms(encoded)
        forms |= _bytes_forms(secret)
    forms.discard("")
    return frozenset(forms)


# -- matching ----------------------------------------------------------------------------------


def _pattern(forms: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern matching any of ``forms``, the longest one at a position winning.

    Alternatives are grouped by first character, so that at each position only the forms
    that start there are tried: as fast as a trie for a hundred secrets, but two levels deep
    whatever the forms (a trie nests one group per shared prefix, and Python's regex parser
    recurses per group).
    """
    groups: dict[str, list[str]] = {}
    for form in forms:
        groups.setdefault(form[0], []).append(form[1:])
    if not groups:
        return None
    branches = []
    for first in sorted(groups):
        rests = sorted(groups[first], key=len, reverse=True)  # longest first: it wins
        alternatives = "|".join(re.escape(rest) for rest in rests)
        branches.append(re.escape(first) + (alternatives if len(rests) == 1 else f"(?:{alternatives})"))
    return re.compile("|".join(branches))


class Redactor:
    """Replaces every registered secret, in every form, with ``********``. Thread-safe; cheap when empty."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._inline: set[str] = set()  # forms matched by the pattern
        self._long: tuple[str, ...] = ()  # forms of LONG_FORM+ characters, longest first
        self._whole: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._dirty = False
        self._subset_cache: dict[frozenset[str], re.Pattern[str] | None] = {}
        self._known: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def __len__(self) -> int:
        return len(self._inline) + len(self._long) + len(self._whole)

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
            forms = [f for f in encoded_forms(text) if len(f) >= MIN_INLINE_LENGTH]
            long_forms = {f for f in forms if len(f) >= LONG_FORM} - set(self._long)
            if long_forms:
                self._long = tuple(sorted({*self._long, *long_forms}, key=len, reverse=True))
            new = {f for f in forms if len(f) < LONG_FORM} - self._inline
            if new:
                self._inline = self._inline | new  # a new set: redact() may be iterating the old one
                self._dirty = True

    def _compiled(self) -> re.Pattern[str] | None:
        if self._dirty:
            with self._lock:
                if self._dirty:
                    self._pattern = _pattern(self._inline)
                    self._dirty = False
        return self._pattern

    def redact(self, text: str) -> str:
        """``text`` with every registered secret masked."""
        if not text:
            return text
        if text in self._whole:
            return MASK
        for form in self._long:
            if len(form) <= len(text) and form in text:
                text = text.replace(form, MASK)
        pattern = self._compiled()
        if pattern is None:
            return text
        if len(text) > _LARGE_TEXT:
            # On a large text, a substring scan per form (memchr-fast) finds the few that are
            # present, and a small pattern for just those replaces them.
            present = frozenset(s for s in self._inline if s in text)
            if not present:
                return text
            pattern = self._subset_pattern(present)
            if pattern is None:
                return text
        return pattern.sub(MASK, text)

    def _subset_pattern(self, forms: frozenset[str]) -> re.Pattern[str] | None:
        cache = self._subset_cache
        if forms not in cache:
            if len(cache) > 64:
                cache.clear()
            cache[forms] = _pattern(forms)
        return cache[forms]

    def redact_cut(self, text: str, marker: str | None = None) -> str:
        """``text``, which was cut somewhere before it got here, with every secret masked.

        The cut is at the end (``marker`` None) or just before each ``marker`` (the ``...``
        script messages end a shortened value with). A secret cut there in half left a piece
        that no longer matches; a piece of :data:`MIN_CUT_PIECE` characters or more that
        starts a registered form is masked too.
        """
        text = self.redact(text)
        if not text or not (self._inline or self._long):
            return text
        if marker is None:
            cuts = [len(text)]
        elif marker:
            cuts = [m.start() for m in re.finditer(re.escape(marker), text)][-_MAX_CUTS:]
        else:
            return text
        forms = [*self._long, *self._inline]
        for cut in reversed(cuts):  # right to left: earlier positions stay valid
            start = min((self._piece_start(text, cut, form) for form in forms), default=cut)
            if start < cut:
                text = text[:start] + MASK + text[cut:]
        return text

    @staticmethod
    def _piece_start(text: str, cut: int, form: str) -> int:
        """Where the longest piece of ``form``'s beginning that ends at ``cut`` starts (``cut``: none)."""
        low = max(0, cut - len(form) + 1)
        head = form[:MIN_CUT_PIECE]
        pos = text.find(head, low, cut)
        first = pos
        for _ in range(64):
            if pos == -1 or cut - pos < MIN_CUT_PIECE:
                return cut
            if form.startswith(text[pos:cut]):
                return pos
            pos = text.find(head, pos + 1, cut)
        return first  # a pathological repetition: mask from the first candidate, to be safe

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
