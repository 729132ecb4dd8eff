"""The library entry point: load the inputs, attach reporters and listeners, run, write exports.

This is the layer that knows reporters exist; the runner only emits events.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from rqrun import events as ev
from rqrun.errors import RqrunError, RunError
from rqrun.inputs import load_inputs
from rqrun.options import RunOptions
from rqrun.record import export_variables
from rqrun.redact import Redactor
from rqrun.runner import Runner, RunResult

__all__ = ["run", "RunResult", "Listener"]

Listener = Callable[[object], None]


def run(
    options: RunOptions,
    *,
    listeners: Iterable[Listener] = (),
    out: TextIO | None = None,
    err: TextIO | None = None,
    redactor: Redactor | None = None,
) -> RunResult:
    """Run a collection as ``options`` say and return the result.

    Raises :class:`InputError` (files), :class:`UsageError` (options) before anything is sent.
    Reporters named in ``options.reporters`` are attached; pass ``reporters=()`` for none.
    """
    redactor = redactor or Redactor()
    inputs = load_inputs(options)
    bus = ev.EventBus()
    runner = Runner(inputs, options, bus, redactor)
    reporters: list[Any] = []
    if options.reporters:
        from rqrun.reporters import ReporterContext, create_reporters

        def context(name: str) -> ReporterContext:
            return ReporterContext(
                out=out or sys.stdout,
                err=err or sys.stderr,
                color=options.color,
                quiet=options.quiet,
                redactor=redactor,
                options=dict(options.reporter_options.get(name, {})),
                run_options=options,
            )

        reporters = create_reporters(options.reporters, bus, context)
    for listener in listeners:
        bus.subscribe(listener)
    paths: list[str] = []
    try:
        result = runner.run()
    finally:
        failures: list[RqrunError] = []
        for reporter in reporters:  # close every reporter, even when one fails
            try:
                paths.extend(reporter.close())
            except RqrunError as exc:
                failures.append(exc)
            except OSError as exc:
                failures.append(RunError(f"cannot write the {reporter.name} report: {exc}"))
        if failures and sys.exc_info()[0] is None:
            raise failures[0]
    env_name = inputs.environment.name if inputs.environment else "environment"
    if options.export_environment:
        paths.append(export_variables(options.export_environment, env_name, result.environment, "environment", redactor))
    if options.export_globals:
        paths.append(export_variables(options.export_globals, "globals", result.globals, "globals", redactor))
    result.report_paths = paths + runner.exported
    return result
