"""SIGINT, SIGTERM and SIGHUP as one thing: an :class:`Interrupted` raised in the main thread.

CI systems, ``docker stop`` and Kubernetes stop a job with SIGTERM, a closed terminal sends
SIGHUP; both now take the path Ctrl-C always took (abandon the current request, finish the
reports) and end with their own exit code (143, 129; 130 for Ctrl-C).

A signal must not land half-way through delivering an event (the summary would count an
execution a report never wrote) nor while a report file is being finished: code inside
:func:`shielded` is not interrupted. After an event the signal is raised; after finishing the
reports it is kept, and :func:`pending` returns it so the caller exits with its code.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rqrun.errors import ExitCode, Interrupted

__all__ = ["EXIT_CODES", "describe", "handling", "pending", "shielded"]

#: Signal name -> exit code (128 + the signal's number, as a shell reports it).
EXIT_CODES: dict[str, int] = {
    "SIGINT": int(ExitCode.INTERRUPTED),
    "SIGTERM": int(ExitCode.TERMINATED),
    "SIGHUP": int(ExitCode.HANGUP),
}

_MAIN = threading.main_thread().ident
_shield_depth = 0
_deferred: Interrupted | None = None  # arrived while shielded, not yet decided
_pending: Interrupted | None = None  # kept: it will not be raised
_raised = False


def _handler(signum: int, frame: Any) -> None:
    """Raise the first signal, or defer it while shielded; later ones are kept (already stopping)."""
    global _deferred, _pending, _raised
    name = signal.Signals(signum).name
    exc = Interrupted(name, EXIT_CODES.get(name, 128 + signum))
    if _raised:
        _pending = _pending or exc
    elif _shield_depth > 0:
        _deferred = _deferred or exc
    else:
        _raised = True
        raise exc


class _Shield:
    """Defers signals in the main thread; on leaving, raises the deferred one or keeps it."""

    def __init__(self, release: bool) -> None:
        self.release = release

    def __enter__(self) -> None:
        global _shield_depth
        if threading.get_ident() == _MAIN:
            _shield_depth += 1

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        global _shield_depth, _deferred, _pending, _raised
        if threading.get_ident() != _MAIN:
            return
        _shield_depth -= 1
        if _shield_depth or _deferred is None:
            return
        signalled, _deferred = _deferred, None
        if self.release and exc_type is None:
            _raised = True
            raise signalled
        _pending = _pending or signalled


_EVENT = _Shield(release=True)
_FINAL = _Shield(release=False)


def shielded(*, release: bool = False) -> _Shield:
    """A block no signal interrupts half-way.

    ``release=True`` (delivering one event): a signal that arrived is raised when the block
    ends, so every listener saw the event or none did. Otherwise (finishing reports) it is
    kept for :func:`pending` and the caller exits with its code once the files are whole.
    """
    return _FINAL if not release else _EVENT


@contextmanager
def handling() -> Iterator[None]:
    """Route the three signals to :class:`Interrupted` while the block runs (main thread only)."""
    global _pending, _raised, _deferred, _shield_depth
    _pending, _deferred, _raised, _shield_depth = None, None, False, 0
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for name in EXIT_CODES:
            number = getattr(signal, name, None)
            if number is None:  # SIGHUP does not exist on Windows
                continue
            try:
                current = signal.getsignal(number)
                if current is signal.SIG_IGN and name != "SIGINT":
                    continue  # started under nohup: keep ignoring, as the user asked
                previous[number] = current
                signal.signal(number, _handler)
            except (OSError, ValueError):
                continue
    try:
        yield
    finally:
        for number, handler in previous.items():
            try:
                signal.signal(number, handler)
            except (OSError, ValueError, TypeError):
                pass


def pending() -> Interrupted | None:
    """A signal that was kept instead of raised (while reports were finished, or a second one)."""
    return _pending


def describe(exc: BaseException | None) -> tuple[str, int] | None:
    """``(signal name, exit code)`` of an interrupt, ``None`` for anything else."""
    if isinstance(exc, Interrupted):
        return exc.signal_name, exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return "SIGINT", int(ExitCode.INTERRUPTED)
    return None
