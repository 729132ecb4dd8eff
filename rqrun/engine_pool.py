"""Lending script engines to ``--parallel`` iteration threads.

One sandbox worker per thread cost a process start (about 0.1 s of CPU) per thread and left
most workers idle: a test script runs in a fraction of a millisecond while its iteration waits
tens of milliseconds on the network. The pool starts two workers (one with ``--parallel 1``;
two measured faster than one or eight for ``--parallel 8`` on two cores) and makes another (up
to the thread count) only when a script has waited longer than :data:`PATIENCE_S` for one while every
lent worker is warm (booted: a booting worker will serve soon). Short scripts share one worker;
slow ones (a long ``rq.sendRequest``, heavy computation) get more instead of queueing.
Engines keep no state between jobs, so which one runs a script does not change what it does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

__all__ = ["EnginePool", "PATIENCE_S"]

#: How long a job waits for a busy engine before the pool considers starting another.
PATIENCE_S = 0.02

E = TypeVar("E")


class EnginePool(Generic[E]):
    """At most ``limit`` engines made by ``factory``, lent one job at a time."""

    def __init__(self, factory: Callable[[], E], limit: int, base: int = 2) -> None:
        self._factory = factory
        self.limit = max(1, limit)
        self.base = min(self.limit, base)
        self._cond = threading.Condition()
        self._idle: list[E] = []
        self._lent: dict[int, tuple[float, bool]] = {}  # id(engine) -> (lent at, warm)
        self._warm: set[int] = set()
        self.engines: list[E] = []

    def prestart(self, start: Callable[[E], None]) -> None:
        """Make the first ``base`` engines now and have ``start`` boot them in the background."""
        with self._cond:
            while len(self.engines) < self.base:
                engine = self._factory()
                self.engines.append(engine)
                self._idle.append(engine)
                start(engine)

    @contextmanager
    def borrow(self) -> Iterator[E]:
        engine = self._take()
        try:
            yield engine
        finally:
            with self._cond:
                self._lent.pop(id(engine), None)
                self._warm.add(id(engine))
                self._idle.append(engine)
                self._cond.notify()

    def _take(self) -> E:
        with self._cond:
            since = time.monotonic()
            while not self._idle and not self._may_grow(time.monotonic() - since):
                self._cond.wait(PATIENCE_S)
            if self._idle:
                engine = self._idle.pop()
            else:
                engine = self._factory()
                self.engines.append(engine)
            self._lent[id(engine)] = (time.monotonic(), id(engine) in self._warm)
            return engine

    def _may_grow(self, waited: float) -> bool:
        count = len(self.engines)
        if count < self.base:
            return True
        if count >= self.limit or waited <= PATIENCE_S:
            return False
        return all(warm for _, warm in self._lent.values())
