"""Lending script engines to ``--parallel`` iteration threads.

One sandbox worker per thread cost a process start (about 0.1 s of CPU) per thread and left
most workers idle: a test script runs in a fraction of a millisecond while its iteration waits
tens of milliseconds on the network. The pool starts as many workers as scripts really run at
once: up to one per core at first, and one more (up to the thread count) only when every lent
worker is warm and has been busy on one job for longer than :data:`PATIENCE_S` (a slow
``rq.sendRequest`` or a long script), so slow scripts never queue behind each other for long.
Engines keep no state between jobs, so which one runs a script does not change what it does.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from typing import Callable, Generic, Iterator, TypeVar

__all__ = ["EnginePool", "PATIENCE_S"]

#: How long a job waits for a busy engine before the pool considers starting another.
PATIENCE_S = 0.02

E = TypeVar("E")


class EnginePool(Generic[E]):
    """At most ``limit`` engines made by ``factory``, lent one job at a time."""

    def __init__(self, factory: Callable[[], E], limit: int, base: int | None = None) -> None:
        self._factory = factory
        self.limit = max(1, limit)
        self.base = min(self.limit, base if base is not None else max(2, os.cpu_count() or 2))
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
            while not self._idle and not self._may_grow():
                self._cond.wait(PATIENCE_S)
            if self._idle:
                engine = self._idle.pop()
            else:
                engine = self._factory()
                self.engines.append(engine)
            self._lent[id(engine)] = (time.monotonic(), id(engine) in self._warm)
            return engine

    def _may_grow(self) -> bool:
        count = len(self.engines)
        if count < self.base:
            return True
        if count >= self.limit:
            return False
        now = time.monotonic()  # every lent engine warm and stuck on a slow job
        return all(warm and now - since > PATIENCE_S for since, warm in self._lent.values())
