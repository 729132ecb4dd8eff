"""rqrun: run Requestly and Postman collections, with sandboxed Python scripts and a vault.

The public API lives here; every other module is internal::

    import rqrun
    result = rqrun.run(rqrun.RunOptions("api.json", environment="staging.json", reporters=()))
    print(result.exit_code, result.summary.tests_failed)

Everything but the errors is imported on first use, so ``import rqrun`` (and with it
``rqrun --version``) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from rqrun._version import __version__
from rqrun.errors import (
    ExitCode,
    InputError,
    RequestSendError,
    RqrunError,
    RunError,
    ScriptError,
    UsageError,
    VaultError,
)

if _TYPE_CHECKING:
    from rqrun.api import RunResult, run
    from rqrun.events import EventBus, Execution, ItemFinished, RunFinished, RunStarted
    from rqrun.formats import load_collection
    from rqrun.model import Collection, Environment, Folder, Request
    from rqrun.options import RunOptions

__all__ = [
    "__version__",
    "run",
    "RunOptions",
    "RunResult",
    "Collection",
    "Folder",
    "Request",
    "Environment",
    "EventBus",
    "Execution",
    "RunStarted",
    "ItemFinished",
    "RunFinished",
    "ExitCode",
    "RqrunError",
    "UsageError",
    "InputError",
    "RunError",
    "RequestSendError",
    "ScriptError",
    "VaultError",
    "load_collection",
]

_LAZY = {
    "run": ("rqrun.api", "run"),
    "RunResult": ("rqrun.api", "RunResult"),
    "RunOptions": ("rqrun.options", "RunOptions"),
    "load_collection": ("rqrun.formats", "load_collection"),
    **{name: ("rqrun.events", name) for name in ("EventBus", "Execution", "ItemFinished", "RunFinished", "RunStarted")},
    **{name: ("rqrun.model", name) for name in ("Collection", "Environment", "Folder", "Request")},
}


def __getattr__(name: str) -> _Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'rqrun' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


del annotations  # the __future__ flag is not API: the namespace is __all__ (test_public_api)
