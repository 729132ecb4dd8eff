"""Run users' pre-request and post-response scripts in a sandbox.

The contract the runner uses::

    engine = ScriptEngine(timeout_ms=5000, memory_mb=256)
    result = engine.run(job, host)  # host.call(name, args, deadline) serves rq.vault, rq.sendRequest
    engine.close()

Importing this package is cheap: RestrictedPython is imported only by the worker process, and
the engine itself (subprocess and friends) only on first use of :class:`ScriptEngine`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rqrun.sandbox.model import (
    FailureKind,
    Host,
    HostCallError,
    ScriptFailure,
    ScriptJob,
    ScriptResult,
    TestOutcome,
)

if TYPE_CHECKING:
    from rqrun.sandbox.engine import ScriptEngine

__all__ = [
    "ScriptEngine",
    "ScriptJob",
    "ScriptResult",
    "ScriptFailure",
    "FailureKind",
    "TestOutcome",
    "HostCallError",
    "Host",
]


def __getattr__(name: str) -> Any:
    if name == "ScriptEngine":
        from rqrun.sandbox.engine import ScriptEngine

        return ScriptEngine
    raise AttributeError(f"module 'rqrun.sandbox' has no attribute {name!r}")
