"""EnginePool: workers for --parallel scripts, as many as run at once, never more than the limit."""

from __future__ import annotations

import itertools
import threading

from rqrun.engine_pool import EnginePool


def _pool(limit: int, base: int) -> EnginePool[int]:
    counter = itertools.count()
    return EnginePool(lambda: next(counter), limit, base)


def _borrow_in_thread(pool: EnginePool[int], got: list[int], release: threading.Event) -> threading.Thread:
    def body() -> None:
        with pool.borrow() as engine:
            got.append(engine)
            release.wait(10)

    thread = threading.Thread(target=body)
    thread.start()
    return thread


def test_jobs_one_after_another_share_one_engine():
    pool = _pool(limit=8, base=2)
    seen = set()
    for _ in range(10):
        with pool.borrow() as engine:
            seen.add(engine)
    assert seen == {0} and pool.engines == [0]


def test_a_job_kept_waiting_by_a_warm_engine_makes_the_pool_grow():
    pool = _pool(limit=2, base=1)
    with pool.borrow():
        pass  # engine 0 is warm now
    got: list[int] = []
    release = threading.Event()
    slow = _borrow_in_thread(pool, got, release)
    while not got:
        threading.Event().wait(0.001)
    with pool.borrow() as engine:  # engine 0 stays busy: a second one is made
        assert engine == 1
    release.set()
    slow.join()
    assert pool.engines == [0, 1]


def test_a_cold_engine_is_waited_for_and_the_limit_holds():
    pool = _pool(limit=2, base=1)
    got: list[int] = []
    release = threading.Event()
    first = _borrow_in_thread(pool, got, release)  # engine 0, cold (its worker may still boot)
    while not got:
        threading.Event().wait(0.001)
    done = threading.Event()
    done.set()
    waiter = _borrow_in_thread(pool, got, done)
    threading.Event().wait(0.1)
    assert got == [0]  # still waiting: a cold engine is not a slow one
    release.set()
    first.join()
    waiter.join()
    assert got == [0, 0] and pool.engines == [0]


def test_prestart_boots_the_base_engines():
    started: list[int] = []
    pool = _pool(limit=8, base=2)
    pool.prestart(started.append)
    assert started == [0, 1] and pool.engines == [0, 1]
    assert EnginePool(object, limit=8).base == 2 and EnginePool(object, limit=1).base == 1
