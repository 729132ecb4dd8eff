"""The variables scripts write to, and the iteration that is writing them.

A sequential run has one :class:`VariableState`; with ``--parallel`` each iteration works on
its own copy and records its writes so that they can be applied in iteration order afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rqrun.variables import Scopes

__all__ = ["VariableState", "IterationContext", "apply_ops", "apply_scope_ops"]


def apply_scope_ops(scopes: Scopes, ops: Iterable[Sequence[Any]]) -> None:
    apply_ops(
        {
            "variables": scopes.run,
            "environment": scopes.environment,
            "globals": scopes.globals,
            "collectionVariables": scopes.collection,
        },
        ops,
    )


def apply_ops(targets: dict[str, dict[str, Any]], ops: Iterable[Sequence[Any]]) -> None:
    for scope, op, key, value in ops:
        target = targets.get(scope)
        if target is None:
            continue
        if op == "set":
            target[key] = value
        elif op == "unset":
            target.pop(key, None)
        elif op == "clear":
            target.clear()


@dataclass
class VariableState:
    """The variable stores scripts write to; one for the run, or one per parallel iteration."""

    environment: dict[str, Any]
    globals: dict[str, Any]
    collection: dict[str, Any]
    run: dict[str, Any]
    folders: dict[str, dict[str, Any]]

    def copy(self) -> VariableState:
        return VariableState(
            dict(self.environment),
            dict(self.globals),
            dict(self.collection),
            dict(self.run),
            {k: dict(v) for k, v in self.folders.items()},
        )

    def apply(self, ops: Iterable[Sequence[Any]]) -> None:
        apply_ops(
            {"variables": self.run, "environment": self.environment, "globals": self.globals, "collectionVariables": self.collection},
            ops,
        )


@dataclass
class IterationContext:
    """One iteration in flight: its data row, the state it reads and writes, where its events go."""

    index: int
    row: dict[str, Any]
    state: VariableState
    emit: Callable[[object], None]
    ops: list[tuple[str, str, str, Any]] | None = None  # recorded for the merge after a parallel run
    sent_any: bool = False
    #: ``rq.execution.setNextRequest`` of the last execution: ``[target]`` (None: stop), or None.
    next_request: list[str | None] | None = None
