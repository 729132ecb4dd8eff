"""SIGINT, SIGTERM and SIGHUP as one thing: an :class:`Interrupted` raised in the main thread.

CI systems, ``docker stop`` and Kubernetes stop a job with SIGTERM, a closed terminal sends
SIGHUP; both now take the path Ctrl-C always took (abandon the current request, finish the
reports) and end with their own exit code (143, 129; 130 for Ctrl-C).

While reports are being finished, a signal must not cut a file in half: code inside
:func:`shielded` is not interrupted, the signal is kept and :func:`pending` returns it, so the
caller can still exit with its code once the files are whole.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Any, Iterator

from rqrun.errors import ExitCode, Interrupted

__all__ = ["EXIT_CODES", "handling", "shielded", "pending", "describe"]

#: Signal name -> exit code (128 + the signal's number, as a shell reports it).
EXIT_CODES: dict[str, int] = {
    "SIGINT": int(ExitCode.INTERRUPTED),
    "SIGTERM": int(ExitCode.TERMINATED),
    "SIGHUP": int(ExitCode.HANGUP),
}

_shield_depth = 0
_pending: Interrupted | None = None
_raised = False


def _handler(signum: int, frame: Any) -> None:
    """Raise the first signal; keep later ones (the run is already stopping) and shielded ones."""
    global _pending, _raised
    name = signal.Signals(signum).name
    exc = Interrupted(name, EXIT_CODES.get(name, 128 + signum))
    if _shield_depth > 0 or _raised:
        _pending = _pending or exc
        return
    _raised = True
    raise exc


@contextmanager
def handling() -> Iterator[None]:
    """Route the three signals to :class:`Interrupted` while the block runs (main thread only)."""
    global _pending, _raised
    _pending, _raised = None, False
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


@contextmanager
def shielded() -> Iterator[None]:
    """Hold signals back while the block runs; one that arrives is kept for :func:`pending`."""
    global _shield_depth
    _shield_depth += 1
    try:
        yield
    finally:
        _shield_depth -= 1


def pending() -> Interrupted | None:
    """A signal that was kept instead of raised (shielded, or a second one), if any."""
    return _pending


def describe(exc: BaseException | None) -> tuple[str, int] | None:
    """``(signal name, exit code)`` of an interrupt, ``None`` for anything else."""
    if isinstance(exc, Interrupted):
        return exc.signal_name, exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return "SIGINT", int(ExitCode.INTERRUPTED)
    return None
