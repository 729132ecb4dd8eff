"""The last check before bytes leave: may this request go where it is going?

Allow-lists are enforced on values, not on names. Every host-bound secret the run learns (a
vault value resolved by a placeholder, read by a script, or found in the vault when it was
opened) is bound here with its hosts. Just before anything is sent (a collection request, an
``rq.sendRequest``, an OAuth token request, each redirect hop) the outgoing URL, headers and
body are searched for every bound value in every form rqrun itself produces; one found on the
way to a host outside its list stops the request.

A script that has seen a host-bound secret could carry it in a form no search recognises
(reversed, hashed, split), so for scripts the destination is what is checked: once a script has
been handed a bound value, the rest of the run may only talk to hosts every such secret allows.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from rqrun.errors import SecretNotAllowed

__all__ = ["Outgoing", "SecretGate", "origin_host"]

#: Bound values shorter than this are followed by name only (placeholders, ``rq.vault.get``)
#: and by confinement: searching every request for "admin" or "5432" would refuse innocent
#: requests all the time.
MIN_SEARCH_LENGTH = 8


@dataclass(frozen=True)
class Outgoing:
    """A request about to leave, in the form the gate searches."""

    method: str
    url: str
    headers: Sequence[tuple[str, str]]
    content: bytes | None = None
    hidden: Sequence[str] = ()  # credentials that leave in derived form (digest username/password)

    @property
    def host(self) -> str:
        return origin_host(self.url)

    @property
    def port(self) -> int | None:
        parts = urlsplit(self.url)
        try:
            explicit = parts.port
        except ValueError:
            return None
        return explicit or {"http": 80, "https": 443}.get(parts.scheme.lower())

    def texts(self) -> list[str]:
        """Everything that leaves, as text: URL, header names and values, decoded Basic, body."""
        out = [self.url, *self.hidden]
        for name, value in self.headers:
            out.append(name)
            out.append(value)
            scheme, sep, token = value.partition(" ")
            if sep and scheme.lower() == "basic":
                try:
                    out.append(base64.b64decode(token.strip(), validate=True).decode("utf-8", "replace"))
                except ValueError:
                    pass
        if self.content:
            out.append(self.content.decode("utf-8", "replace"))
        return out


def origin_host(url: str) -> str:
    """The host as written in ``url`` (case kept, so a host built from a secret is still redacted)."""
    netloc = urlsplit(url).netloc
    host = netloc.rpartition("@")[2]
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.partition(":")[0]


@dataclass(frozen=True)
class _Bound:
    key: str
    hosts: tuple[str, ...]
    forms: frozenset[str]


class SecretGate:
    """Knows every host-bound secret of the run and which hosts the run is still allowed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bound: dict[str, _Bound] = {}
        self._confined: dict[str, tuple[str, ...]] = {}  # key -> hosts, after a script saw it

    def __bool__(self) -> bool:
        return bool(self._bound)

    def bind(self, key: str, value: str, hosts: Iterable[str]) -> None:
        """Remember that ``value`` (the secret behind ``key``) may only go to ``hosts``."""
        if not value or value in self._bound:
            return
        from rqrun.redact import encoded_forms

        forms = frozenset(encoded_forms(value)) if len(value) >= MIN_SEARCH_LENGTH else frozenset()
        with self._lock:
            self._bound[value] = _Bound(key, tuple(hosts), forms)

    def hosts_of(self, value: str) -> tuple[str, ...] | None:
        """The hosts a bound value may go to, or None when the value is not bound."""
        bound = self._bound.get(value)
        return bound.hosts if bound else None

    def key_of(self, value: str) -> tuple[str, tuple[str, ...]] | None:
        """(key, hosts) when ``value`` is exactly a bound secret, whatever its length."""
        bound = self._bound.get(value)
        return (bound.key, bound.hosts) if bound else None

    def found_in(self, texts: Iterable[str]) -> list[tuple[str, tuple[str, ...]]]:
        """(key, hosts) of every bound secret that appears in ``texts`` in a form rqrun produces."""
        if not self._bound:
            return []
        texts = [t for t in texts if t]
        blob = "\x00".join(texts)  # one scan per form; a match across a separator only errs on the safe side
        found: list[tuple[str, tuple[str, ...]]] = []
        for bound in list(self._bound.values()):
            if bound.forms and any(form in blob for form in bound.forms):
                found.append((bound.key, bound.hosts))
        return found

    def confine(self, key: str, hosts: Iterable[str]) -> None:
        """A script was handed this secret: from now on the run stays on its hosts."""
        with self._lock:
            self._confined.setdefault(key, tuple(hosts))

    def taint(self, texts: Iterable[str]) -> None:
        """Confine the run to the hosts of every bound secret found in what a script is handed."""
        for key, hosts in self.found_in(texts):
            self.confine(key, hosts)

    @property
    def confined(self) -> dict[str, tuple[str, ...]]:
        return dict(self._confined)

    def check(self, out: Outgoing, *, keys: Iterable[tuple[str, Sequence[str] | None]] = (), what: str = "request") -> None:
        """Raise :class:`SecretNotAllowed` unless ``out`` may go to its host.

        ``keys`` are (vault key, hosts) pairs the caller knows the request carries by name
        (placeholders, script reads); the rest is found by value and by confinement.
        """
        if not self._bound and not self._confined:
            keys = [k for k in keys if k[1] is not None]
            if not keys:
                return
        from rqrun.vault.schema import host_allowed

        host, port = out.host, out.port
        shown = host or "this URL"
        for key, hosts in keys:
            if hosts is not None and not host_allowed(list(hosts), host, port):
                raise _refusal(key, hosts, shown, what, "carries it")
        for key, hosts in self.found_in(out.texts()):
            if not host_allowed(list(hosts), host, port):
                raise _refusal(key, hosts, shown, what, "carries it")
        for key, hosts in self.confined.items():
            if not host_allowed(list(hosts), host, port):
                raise _refusal(key, hosts, shown, what, "follows a script that read it")


def _refusal(key: str, hosts: Sequence[str], host: str, what: str, why: str) -> SecretNotAllowed:
    listed = ", ".join(hosts) or "no host"
    if why == "carries it":
        message = f"secret {key!r} may only be sent to {listed}; this {what} to {host} {why}: not sent"
        hint = f"allow it with: rqrun vault set {key} --allow-host {host}"
    else:
        message = (
            f"a script read secret {key!r} (allowed only on {listed}), so the rest of the run stays on "
            f"those hosts; this {what} to {host} was not sent"
        )
        hint = f"allow the host with: rqrun vault set {key} --allow-host {host}, or do not read the secret in a script"
    return SecretNotAllowed(message, hint=hint)
