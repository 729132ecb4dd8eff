"""The sandbox's public data: what a caller hands in (a job) and what comes back (a result).

Plain frozen dataclasses of JSON values, so a job can cross the process boundary as JSON and a
result can be built from validated JSON without trusting the worker.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

__all__ = [
    "FailureKind",
    "FAILURE_KINDS",
    "FailureKind",
    "SCOPE_NAMES",
    "HOST_CALLS",
    "Host",
    "HostCallError",
    "ScriptFailure",
    "ScriptJob",
    "ScriptResult",
    "TestOutcome",
]

class FailureKind(enum.StrEnum):
    """Why a script stopped: the one list of script failure kinds (a str, shown as its value)."""

    COMPILE = "compile"  # the source does not compile (syntax, policy, size)
    RUNTIME = "runtime"  # it raised
    ASSERTION = "assertion"  # an assert or rq.expect outside rq.test failed
    TIMEOUT = "timeout"  # it ran past --timeout-script (host calls included) or the CPU limit
    MEMORY = "memory"  # memory limit, or a value that would be too large
    OUTPUT = "output"  # console or test-count limit
    KILLED = "killed"  # the worker died, stopped answering, broke the protocol or could not start
    HOST = "host"  # a host call failed on the host's side
    UNSUPPORTED = "unsupported"  # a language rqrun cannot run (JavaScript, an unknown name)


#: Every value :attr:`ScriptFailure.kind` can take, as text (what the worker sends).
FAILURE_KINDS = frozenset(kind.value for kind in FailureKind)
#: The writable variable scopes, as named in :attr:`ScriptResult.scope_ops`.
SCOPE_NAMES = ("environment", "globals", "collectionVariables", "variables")
#: The calls a script can make to the host, with the number of arguments each takes.
HOST_CALLS = {"vault.get": 1, "vault.has": 1, "vault.set": 2, "vault.unset": 1, "sendRequest": 1}

Phase = Literal["prerequest", "postresponse"]


class HostCallError(Exception):
    """Raised by a host's ``call`` to refuse a request; only its message reaches the script."""


class Host(Protocol):
    """What :meth:`ScriptEngine.run` needs from its caller to serve ``rq.vault`` and friends.

    ``deadline`` is the :func:`time.monotonic` instant at which the calling script's time limit
    runs out: host calls count against the script, so a call must return by then (an HTTP
    request takes at most the time left). The engine never calls the host past it.
    """

    def call(self, name: str, args: list[Any], deadline: float) -> Any:  # pragma: no cover - protocol
        ...


@dataclass(frozen=True)
class ScriptJob:
    """One script to run, with copies of everything it may read. Fields hold JSON values only."""

    source: str
    location: str
    phase: Phase
    scopes: dict[str, Any] = field(default_factory=dict)
    request: dict[str, Any] = field(default_factory=dict)
    response: dict[str, Any] | None = None
    info: dict[str, Any] = field(default_factory=dict)
    language: str = "python"  # "python" or "javascript" (rqrun.script_language decides)


@dataclass(frozen=True)
class ScriptFailure:
    """Why a script stopped: its :class:`FailureKind`, a one-line message, the line."""

    kind: FailureKind
    message: str
    line: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", FailureKind(self.kind))  # a kind given as text is checked


@dataclass(frozen=True)
class TestOutcome:
    """One ``rq.test``: ``status`` is "passed", "failed" or "skipped"."""

    __test__ = False  # not a pytest class

    name: str
    status: str
    error: str | None = None


@dataclass(frozen=True)
class ScriptResult:
    """What a script did: its error (if it stopped early), tests, console lines and writes."""

    error: ScriptFailure | None
    tests: list[TestOutcome] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    scope_ops: list[tuple[str, str, str, Any]] = field(default_factory=list)
    request: dict[str, Any] | None = None
    duration_ms: float = 0.0
    #: Flow control asked for by the script: ``{"next": [name_or_id_or_None]}`` and/or ``{"skip": True}``.
    execution: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the script ran to its end and no test failed."""
        return self.error is None and all(t.status != "failed" for t in self.tests)
