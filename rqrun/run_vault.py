"""The run's view of the vault: opened on first use, every value it hands out registered.

Runs that use no secret never touch the vault file or its key. Every value handed out is
registered with the redactor, and every host-bound one with the run's :class:`SecretGate`; the
first open also binds every host-bound secret already in the vault, so that a copy of one found
anywhere in an outgoing request is recognised even when nothing named it.

Scripts reach the vault through the ``script_*`` methods, which keep host lists intact: a script
can neither drop nor widen one (it cannot unset a host-bound key, and a value it stores that
carries or equals a host-bound secret, or that it stores while the run is confined by secrets
a script saw, inherits those secrets' hosts, persisted for later runs).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from rqrun.errors import SecretNotAllowed, SecretNotFound
from rqrun.gate import SecretGate
from rqrun.options import RunOptions
from rqrun.redact import Redactor
from rqrun.variables import missing_secret

if TYPE_CHECKING:
    from rqrun.vault import Vault

__all__ = ["RunVault"]

class RunVault:
    """Opens the vault on first use, so runs that use no secret never touch it."""

    def __init__(self, options: RunOptions, redactor: Redactor, gate: SecretGate | None = None) -> None:
        self.options = options
        self.redactor = redactor
        self.gate = gate if gate is not None else SecretGate()
        self._vault: Vault | None = None
        self._hosts: dict[str, tuple[str, ...] | None] = {}  # key -> tuple of hosts, or None (unrestricted)
        self._lock = threading.Lock()
        self._notices: list[str] = []  # the vault's own warnings, until the runner reports them

    def open(self) -> Vault:
        if self._vault is None:
            with self._lock:
                if self._vault is None:
                    from rqrun.vault import open_vault

                    vault = open_vault(self.options.vault_path, notify=self._notice)
                    if self.options.aws_config:
                        vault.use_aws_config(self.options.aws_config)
                    self._vault = vault
                    self._bind_known(vault)
        return self._vault

    def _notice(self, message: str) -> None:
        self._notices.append(message)

    def drain_notices(self) -> list[str]:
        """The vault's notices since the last call (permissions, a key file created), once each."""
        if not self._notices:
            return []
        with self._lock:
            notices, self._notices = self._notices, []
        return notices

    def _bind_known(self, vault: Any) -> None:
        """Bind every local host-bound secret, so a copy of one is caught by value.

        Copies made before scripts inherited host lists (or by hand) then cannot leave either.
        Provider secrets are bound when a run resolves them: binding them here could trigger a
        fetch.
        """
        for entry in vault.entries():
            if entry.allow_hosts is None or entry.source != "local" or entry.shadowed_by:
                continue
            try:
                value = vault.get(entry.key)
            except Exception:  # noqa: S112 - a value that does not decrypt fails later, where it is used
                continue
            if value is None:
                continue
            hosts = tuple(entry.allow_hosts)
            self._hosts[entry.key] = hosts
            self.redactor.add(value)
            for text in _leaves(value):
                self.gate.bind(entry.key, text, hosts)

    def hosts(self, key: str) -> tuple[str, ...] | None:
        """The hosts ``key`` may go to (None: any), cached for the run."""
        if key not in self._hosts:
            found = self.open().allowed_hosts(key)
            self._hosts[key] = tuple(found) if found is not None else None
        return self._hosts[key]

    def lookup(self, key: str) -> str:
        """The value of ``{{vault:key}}``; registered with the redactor and, if bound, the gate."""
        vault = self.open()
        value = vault.get(key)
        if value is None:
            if vault.is_read_only(key):  # an AWS secret without that field
                alias = key.split(".", 1)[0]
                raise SecretNotFound(
                    f"the AWS secret behind {key!r} has no such value",
                    hint=f"check the secret in AWS, then: rqrun vault aws refresh {alias}",
                )
            raise missing_secret(key)
        value = str(value)
        self.redactor.add(value)
        hosts = self.hosts(key)
        if hosts is not None:
            self.gate.bind(key, value, hosts)
        return value

    def provider_warning(self, key: str) -> str | None:
        """A line for the report when ``key`` resolved from a cache whose last refresh failed."""
        error = self.open().provider_error(key)
        if not error:
            return None
        what = " ".join(str(error[k]) for k in ("category", "code") if error.get(k))
        return (
            f"vault key {key!r}: the last AWS fetch failed ({what}) at {error.get('at', '?')}: "
            f"{error.get('message', '')}; the cached value was used"
        )

    # ---- what scripts may do -----------------------------------------------------------------

    def script_get(self, key: str) -> str | None:
        """``rq.vault.get``: a host-bound value confines the rest of the run to its hosts."""
        value = self.open().get(key)
        if value is None:
            return None
        value = str(value)
        self.redactor.add(value)
        hosts = self.hosts(key)
        if hosts is not None:
            self.gate.bind(key, value, hosts)
            self.gate.confine(key, hosts)
        return value

    def script_has(self, key: str) -> bool:
        return bool(self.open().has(key))

    def script_set(self, key: str, value: str) -> None:
        """``rq.vault.set``: never drops or widens a host list.

        An existing key keeps its hosts. The stored value is further bound to the hosts of
        every host-bound secret it may come from: one it carries in a form rqrun recognises,
        one it equals (whatever its length), and, while the run is confined because a script
        saw host-bound secrets, every one of those (a reversed or split copy is not
        recognisable). The host list kept is the one every such secret allows, as for the
        run itself; none left refuses the value.
        """
        vault = self.open()
        self.redactor.add(value)
        current = self.hosts(key)
        sources: dict[str, tuple[str, ...]] = dict(self.gate.confined)
        sources.update(self.gate.found_in([value]))
        exact = self.gate.key_of(value)
        if exact is not None:
            sources[exact[0]] = exact[1]
        hosts: tuple[str, ...] | None = current
        for other_key, other_hosts in sources.items():
            hosts = tuple(other_hosts) if hosts is None else tuple(h for h in hosts if h in other_hosts)
            if not hosts:
                raise SecretNotAllowed(
                    f"rq.vault.set({key!r}): the value may come from secret {other_key!r}, whose hosts do not "
                    f"overlap with those of the other secrets it may come from or with {key!r}'s: not stored",
                    hint="store it from a script that reads only secrets with the same --allow-host list",
                )
        vault.set(key, value, allow_hosts=list(hosts) if hosts is not None and hosts != current else None)
        self._hosts[key] = hosts
        if hosts is not None:
            self.gate.bind(key, value, hosts)

    def script_unset(self, key: str) -> bool:
        """``rq.vault.unset``: refused for a host-bound key (a later set would come back unbound)."""
        if self.hosts(key) is not None:
            raise SecretNotAllowed(
                f"rq.vault.unset({key!r}): the key has an --allow-host list; scripts cannot remove it",
                hint=f"remove it yourself with: rqrun vault unset {key}",
            )
        return bool(self.open().unset(key))


def _leaves(value: str) -> Iterator[str]:
    """The value, and for a JSON object the text of each leaf (an AWS JSON secret's fields)."""
    yield value
    if not value.lstrip().startswith(("{", "[")):
        return
    try:
        data = json.loads(value)
    except ValueError:
        return
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str) and node:
            yield node
