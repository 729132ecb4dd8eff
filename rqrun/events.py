"""What the runner tells its listeners, and the bus it tells them through.

The runner knows nothing about output formats: it emits these events, already redacted, and
reporters subscribe. Every per-item event carries a :class:`Cursor` that says where in the run
it happened. Events are frozen so that a listener cannot change what the next one sees.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from rqrun.interrupts import shielded

__all__ = [
    "Cursor",
    "ErrorInfo",
    "TestResult",
    "SentRequest",
    "ReceivedResponse",
    "Execution",
    "RunStarted",
    "IterationStarted",
    "ItemStarted",
    "RequestSent",
    "ResponseReceived",
    "ItemFinished",
    "IterationFinished",
    "RunWarning",
    "RunFinished",
    "Event",
    "EventBus",
    "listener_name",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cursor:
    iteration: int  # 0-based
    position: int  # 0-based index of the item in the run order
    item_id: str
    path: tuple[str, ...]  # folder names then the request name


@dataclass(frozen=True)
class ErrorInfo:
    """A failure recorded on an execution. ``type``: script, request, vault, validation or input."""

    type: str
    source: str  # pre-request | post-response | request
    message: str
    kind: str = ""  # finer detail: timeout, network, tls, compile, unsupported, ...
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "source": self.source, "message": self.message}
        if self.kind:
            data["kind"] = self.kind
        if self.line is not None:
            data["line"] = self.line
        return data


@dataclass(frozen=True)
class TestResult:
    __test__ = False  # not a pytest test class

    name: str
    status: str  # passed | failed | skipped
    error: str | None = None
    source: str = "post-response"


@dataclass(frozen=True)
class SentRequest:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: str | None = None  # a text preview; None when there was no body


@dataclass(frozen=True)
class ReceivedResponse:
    code: int
    status: str
    headers: tuple[tuple[str, str], ...]
    time_ms: float
    size: int
    body: str  # as text, cut to the report limit
    http_version: str = "HTTP/1.1"


@dataclass(frozen=True)
class Execution:
    """Everything that happened to one request in one iteration."""

    cursor: Cursor
    name: str
    request: SentRequest | None
    response: ReceivedResponse | None
    tests: tuple[TestResult, ...] = ()
    console: tuple[str, ...] = ()
    error: ErrorInfo | None = None
    warnings: tuple[str, ...] = ()
    scripts_run: int = 0
    scripts_failed: int = 0
    attempts: int = 1  # sends of this request, retries included

    @property
    def failed(self) -> bool:
        return self.error is not None or any(t.status == "failed" for t in self.tests)


@dataclass(frozen=True)
class RunStarted:
    collection_name: str
    source: str
    iterations: int
    items: int  # requests per iteration
    started_at: str  # ISO-8601
    #: The live :class:`rqrun.summary.RunSummary` the runner keeps, so that a reporter closed
    #: after a crash (no ``RunFinished``) still has the totals without counting on its own.
    summary: Any = None


@dataclass(frozen=True)
class IterationStarted:
    iteration: int
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemStarted:
    cursor: Cursor
    name: str


@dataclass(frozen=True)
class RequestSent:
    cursor: Cursor
    request: SentRequest


@dataclass(frozen=True)
class ResponseReceived:
    cursor: Cursor
    response: ReceivedResponse


@dataclass(frozen=True)
class ItemFinished:
    execution: Execution


@dataclass(frozen=True)
class IterationFinished:
    iteration: int


@dataclass(frozen=True)
class RunWarning:
    message: str
    cursor: Cursor | None = None
    kind: str = ""  # "listener": a listener (reporter) failed and was unsubscribed


@dataclass(frozen=True)
class RunFinished:
    """The last event. ``summary`` is a :class:`rqrun.summary.RunSummary`."""

    summary: Any
    exit_code: int
    finished_at: str
    duration_ms: float
    aborted: str | None = None  # why the run stopped early (bail, timeout, interrupted)
    signal: str | None = None  # SIGINT, SIGTERM or SIGHUP when ``aborted`` is "interrupted"


Event = (
    RunStarted
    | IterationStarted
    | ItemStarted
    | RequestSent
    | ResponseReceived
    | ItemFinished
    | IterationFinished
    | RunWarning
    | RunFinished
)

E = TypeVar("E")
Listener = Callable[[Any], None]


class EventBus:
    """Delivers each event to its listeners in subscription order.

    A listener that raises gets no further events (a broken reporter must not stop the run or
    starve the others), and the failure is not silent: it becomes a :class:`RunWarning`
    (``kind="listener"``) that the summary counts and the CLI prints. Delivery is shielded
    from SIGINT/SIGTERM/SIGHUP (:mod:`rqrun.interrupts`): all listeners see an event or none.
    """

    def __init__(self) -> None:
        self._listeners: list[tuple[type | None, Listener]] = []
        self.listener_errors: list[str] = []

    def subscribe(self, listener: Listener, event_type: type | None = None) -> None:
        """Call ``listener(event)`` for every event, or only for ``event_type``."""
        self._listeners.append((event_type, listener))

    def emit(self, event: object) -> None:
        """Deliver ``event`` to every listener, or (if a signal stops the run first) to none."""
        with shielded(release=not isinstance(event, RunFinished)):
            self._deliver(event)

    def _deliver(self, event: object) -> None:
        failed: list[str] = []
        for entry in list(self._listeners):
            event_type, listener = entry
            if event_type is not None and not isinstance(event, event_type):
                continue
            try:
                listener(event)
            except Exception as exc:  # isolate broken listeners, and say so
                name = listener_name(listener)
                message = f"{name} failed on {type(event).__name__} ({type(exc).__name__}: {exc}) and gets no further events"
                self.listener_errors.append(message)
                log.debug("listener %s failed", name, exc_info=True)
                if entry in self._listeners:
                    self._listeners.remove(entry)
                failed.append(message)
        for message in failed:
            self._deliver(RunWarning(message, kind="listener"))


def listener_name(listener: Listener) -> str:
    """``reporter 'junit'`` for a reporter's method, else the callable's qualified name."""
    owner = getattr(listener, "__self__", None)
    name = getattr(owner, "name", None)
    if isinstance(name, str):
        return f"reporter {name!r}"
    return f"listener {getattr(listener, '__qualname__', None) or type(listener).__qualname__}"
