"""Everything a run reads before it starts: the collection, environments, globals, data rows,
and which requests it will run, in what order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rqrun.errors import UsageError
from rqrun.formats._warnings import InputWarning
from rqrun.model import Collection, Environment, Folder, Request
from rqrun.options import RunOptions

__all__ = ["RunInputs", "load_inputs", "select_requests"]


@dataclass
class RunInputs:
    """Everything loaded from files, before the run starts.

    ``warnings`` are the loaders' (unknown keys, an empty collection), one per file and key:
    ``run`` shows each once as a run warning, ``check`` lists them.
    """

    collection: Collection
    environment: Environment | None = None
    globals: Environment | None = None
    data: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)


def _pick_environment(
    path: str, name: str | None, warnings: list[InputWarning], strict: bool
) -> tuple[Environment | None, Environment | None]:
    """(environment, global environment found in the same file)."""
    from rqrun.formats import load_environments

    found = load_environments(path, warnings=warnings, strict=strict)
    regular = [e for e in found if not e.is_global]
    global_env = next((e for e in found if e.is_global), None)
    if name is not None:
        for env in found:
            if env.name == name:
                return (None, env) if env.is_global else (env, global_env)
        names = ", ".join(repr(e.name) for e in found) or "none"
        raise UsageError(f"no environment named {name!r} in {path} (it has: {names})", hint="check --env-name")
    if len(regular) > 1:
        names = ", ".join(repr(e.name) for e in regular)
        raise UsageError(f"{path} holds several environments ({names})", hint="pick one with --env-name")
    return (regular[0] if regular else None), global_env


def load_inputs(options: RunOptions) -> RunInputs:
    """Load the collection, environment, globals and data file the options name."""
    from rqrun.formats import load_collection, load_data, load_environments

    warnings: list[InputWarning] = []
    strict = options.strict_input
    collection = load_collection(options.collection, warnings=warnings, strict=strict)
    environment: Environment | None = None
    globals_env: Environment | None = None
    if options.environment:
        environment, globals_env = _pick_environment(options.environment, options.env_name, warnings, strict)
    elif options.env_name:
        matches = [e for e in collection.environments if e.name == options.env_name]
        if not matches:
            raise UsageError(f"the collection has no environment named {options.env_name!r}")
        environment = matches[0]
    if options.globals:
        loaded = load_environments(options.globals, warnings=warnings, strict=strict)
        globals_env = next((e for e in loaded if e.is_global), loaded[0] if loaded else None)
    if globals_env is None:
        globals_env = next((e for e in collection.environments if e.is_global), None)
    data = load_data(options.iteration_data) if options.iteration_data else []
    return RunInputs(collection, environment, globals_env, data, warnings)


def select_requests(collection: Collection, folders: Sequence[str]) -> list[tuple[tuple[Folder, ...], Request]]:
    """The requests to run, in run order, limited to ``folders`` (names or ``A/B`` paths)."""
    requests_first = collection.format.startswith("requestly")
    everything = list(collection.walk(requests_first=requests_first))
    if not folders:
        return everything
    selected: list[tuple[tuple[Folder, ...], Request]] = []
    for wanted in folders:
        parts = [p for p in wanted.strip("/").split("/") if p]
        matched = False
        for chain, request in everything:
            names = [f.name for f in chain[1:]]
            for start in range(len(names) - len(parts) + 1):
                if names[start : start + len(parts)] == parts:
                    matched = True
                    if (chain, request) not in selected:
                        selected.append((chain, request))
                    break
            else:
                if len(parts) == 1 and request.name == parts[0] and (chain, request) not in selected:
                    matched = True
                    selected.append((chain, request))
        if not matched:
            raise UsageError(f"no folder or request named {wanted!r} in {collection.source}", hint="check --folder")
    order = {id(request): i for i, (_, request) in enumerate(everything)}
    selected.sort(key=lambda pair: order[id(pair[1])])
    return selected
