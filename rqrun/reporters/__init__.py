"""Reporters: listeners that turn runner events into terminal output and report files.

A reporter is built by name from a registry (the built-ins) or from the ``rqrun.reporters``
entry-point group (third-party packages), subscribes itself to the :class:`EventBus` in its
constructor, and is closed after ``RunFinished`` (or after an exception) by the caller, which
gets back the paths it wrote. Reporter modules are imported only when a run asks for them, so
this package stays cheap to import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TextIO, runtime_checkable

from rqrun.errors import UsageError

if TYPE_CHECKING:
    from rqrun.events import EventBus
    from rqrun.options import RunOptions
    from rqrun.redact import Redactor

__all__ = [
    "BUILTIN_REPORTERS",
    "ENTRY_POINT_GROUP",
    "Reporter",
    "ReporterContext",
    "ReporterSpec",
    "check_builtin_option",
    "create_reporters",
    "known_reporter_names",
    "reporter_option_flag",
    "split_reporter_option",
]


@dataclass(frozen=True)
class ReporterSpec:
    """A built-in reporter: where its class lives and the options it takes.

    Each option ``opt`` of reporter ``name`` is the flag ``--reporter-<name>-<opt>``; the CLI
    declares these from here (so ``--help`` lists them) and collects any other
    ``--reporter-<name>-<opt>`` generically for third-party reporters.
    """

    target: str  # "module:Class", imported on demand
    options: Mapping[str, str] = field(default_factory=dict)  # option -> help text


#: The one list of built-in reporters.
BUILTIN_REPORTERS: dict[str, ReporterSpec] = {
    "cli": ReporterSpec("rqrun.reporters.cli:CliReporter"),
    "json": ReporterSpec(
        "rqrun.reporters.json_report:JsonReporter",
        {"export": "Where the JSON report goes (default rqrun-report.json)."},
    ),
    "junit": ReporterSpec(
        "rqrun.reporters.junit:JunitReporter",
        {"export": "Where the JUnit report goes (default rqrun-report.xml)."},
    ),
    "html": ReporterSpec(
        "rqrun.reporters.html:HtmlReporter",
        {"export": "Where the HTML report goes (default rqrun-report.html)."},
    ),
}

#: Names promised by ``cli.md`` but not built yet: asking for one is a clear usage error.
_RESERVED: dict[str, str] = {}

ENTRY_POINT_GROUP = "rqrun.reporters"


@dataclass(frozen=True)
class ReporterContext:
    """What a reporter may use: its streams, its options and the run's redactor.

    Reporters get their streams here instead of touching ``sys.stdout`` so that tests and
    embedding programs can capture them.
    """

    out: TextIO  # the terminal stream (stdout)
    err: TextIO  # for warnings
    color: bool
    quiet: bool
    redactor: Redactor
    options: Mapping[str, Any]  # this reporter's options, e.g. {"export": "path"}
    run_options: RunOptions


@runtime_checkable
class Reporter(Protocol):
    """The shape every reporter has; constructed as ``cls(bus, ctx)``."""

    name: str
    owns_terminal: bool  # writes to ctx.out: two such reporters would interleave

    def close(self) -> list[str]:
        """Finish output and return the paths written; safe after an exception mid-run."""
        ...


def known_reporter_names() -> list[str]:
    """Built-in names plus installed third-party ones, for hints and ``--help``."""
    names = set(BUILTIN_REPORTERS)
    names.update(ep.name for ep in _entry_points())
    return sorted(names)


def reporter_option_flag(name: str, option: str) -> str:
    return f"--reporter-{name}-{option}"


def split_reporter_option(flag: str, names: Sequence[str] = ()) -> tuple[str, str]:
    """``--reporter-my-tool-out-dir`` -> ``("my-tool", "out-dir")``.

    A reporter's name may hold dashes, so the longest of ``names`` (the reporters asked for)
    and the built-in names that prefixes the rest wins; otherwise the name ends at the first
    dash. Raises :class:`UsageError` for a flag with no option part.
    """
    rest = flag[len("--reporter-"):] if flag.startswith("--reporter-") else flag
    candidates = sorted({*names, *BUILTIN_REPORTERS}, key=len, reverse=True)
    for name in candidates:
        if rest.lower().startswith(name.lower() + "-") and len(rest) > len(name) + 1:
            return name, rest[len(name) + 1:]
    name, _, option = rest.partition("-")
    if not name or not option:
        raise UsageError(f"{flag}: expected --reporter-<name>-<option>", hint="e.g. --reporter-json-export out.json")
    return name, option


def check_builtin_option(name: str, option: str) -> None:
    """A usage error for an option a built-in reporter does not have, listing the ones it has."""
    spec = BUILTIN_REPORTERS.get(name.lower())
    if spec is None or option in spec.options:
        return
    known = ", ".join(reporter_option_flag(name.lower(), o) for o in spec.options) or "none"
    raise UsageError(
        f"unknown option {reporter_option_flag(name, option)}", hint=f"the {name.lower()} reporter's options: {known}"
    )


def _entry_points() -> list[Any]:
    from importlib.metadata import entry_points  # only when a name is not built in

    return list(entry_points(group=ENTRY_POINT_GROUP))


def _unknown(name: str) -> UsageError:
    return UsageError(
        f"unknown reporter {name!r}",
        hint="known reporters: " + ", ".join(known_reporter_names())
        + f"; third-party reporters register an entry point in the {ENTRY_POINT_GROUP!r} group",
    )


def _load_class(name: str) -> Callable[..., Any]:
    """The reporter class for ``name``, or a :class:`UsageError` explaining why not."""
    key = name.lower()
    if key in BUILTIN_REPORTERS:
        module_name, _, attr = BUILTIN_REPORTERS[key].target.partition(":")
        return getattr(importlib.import_module(module_name), attr)  # type: ignore[no-any-return]
    if key in _RESERVED:
        raise UsageError(_RESERVED[key], hint="use one of: " + ", ".join(sorted(BUILTIN_REPORTERS)))
    for ep in _entry_points():
        if ep.name == name:
            try:
                return ep.load()  # type: ignore[no-any-return]
            except Exception as exc:
                raise UsageError(
                    f"reporter {name!r} could not be loaded: {type(exc).__name__}: {exc}",
                    hint=f"check the package that provides it ({ep.value})",
                ) from exc
    raise _unknown(name)


def _normalise(names: Sequence[str]) -> list[str]:
    """Names stripped, empties dropped, duplicates removed (first one wins)."""
    seen: set[str] = set()
    result: list[str] = []
    for raw in names:
        name = raw.strip()
        key = name.lower() if name.lower() in BUILTIN_REPORTERS or name.lower() in _RESERVED else name
        if name and key not in seen:
            seen.add(key)
            result.append(key)
    return result


def create_reporters(
    names: Sequence[str], bus: EventBus, make_context: Callable[[str], ReporterContext]
) -> list[Reporter]:
    """Build and subscribe the reporters ``names`` asks for, in order.

    Every name is resolved before any reporter is built, so a typo fails before a report file
    is opened. A reporter that fails to build is a :class:`UsageError` naming it (the reporters
    already built are closed first, so nothing is left half-open).
    """
    resolved = [(name, _load_class(name)) for name in _normalise(names)]
    reporters: list[Reporter] = []
    for name, cls in resolved:
        ctx = make_context(name)
        try:
            reporter = cls(bus, ctx)
        except UsageError:
            _close_quietly(reporters)
            raise
        except Exception as exc:
            _close_quietly(reporters)
            raise UsageError(f"reporter {name!r} failed to start: {type(exc).__name__}: {exc}") from exc
        if getattr(reporter, "owns_terminal", False):
            others = [r.name for r in reporters if getattr(r, "owns_terminal", False)]
            if others:
                ctx.err.write(
                    f"warning: reporters {others[0]!r} and {name!r} both write to the terminal;"
                    " their output will be interleaved\n"
                )
        reporters.append(reporter)
    return reporters


def _close_quietly(reporters: list[Reporter]) -> None:
    for reporter in reporters:
        try:
            reporter.close()
        except Exception:  # noqa: S110 - already failing: the first error is the one to show
            pass
