"""``rqrun merge-reports``: JSON reports in, one run's reports out.

Merges the reports of shards in iteration order, and recovers a run that was killed
(``kill -9``, out of memory): its ``REPORT.json.partial`` holds every execution that finished.
The reports are written by the same reporters as a run, so they look the same.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from rqrun.cli.options import (
    ReporterOptionsCommand,
    collect_reporter_options,
    parse_reporters,
    reporter_options,
)

__all__ = ["merge_reports"]


@click.command("merge-reports", cls=ReporterOptionsCommand, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False))
@reporter_options(default="json")
@click.pass_context
def merge_reports(ctx: click.Context, /, reports: tuple[str, ...], **params: Any) -> int:
    """Merge REPORT.json files (shards, or a killed run's REPORT.json.partial) into one run.

    Executions are put in iteration order. The exit code is the merged run's: the highest of
    the reports' codes, and at least 4 when a report comes from a run that did not finish.

    \b
    Examples:
      rqrun merge-reports shard-1.json shard-2.json -r json,junit --reporter-junit-export junit.xml
      rqrun merge-reports rqrun-report.json.partial -r json,html
    """
    from rqrun.events import EventBus
    from rqrun.options import RunOptions
    from rqrun.redact import Redactor
    from rqrun.reporters import ReporterContext, create_reporters
    from rqrun.reporters._base import FileReporter
    from rqrun.reporters._common import utc_now_iso
    from rqrun.reporters.cli import CliReporter
    from rqrun.reporters.readback import open_report, replay
    from rqrun.summary import RunSummary

    names = parse_reporters(params["reporters"])
    per_reporter = collect_reporter_options(ctx, params, names)
    # Open every input before any reporter opens its output: a reporter replaces a stale
    # PATH.partial by a new file, and the input being recovered may be that very file.
    files = [open_report(path) for path in reports]
    obj = ctx.find_root().obj or {}
    options = RunOptions(collection=reports[0], reporters=names, reporter_options=per_reporter, quiet=params["quiet"])
    redactor = Redactor()
    color = bool(obj.get("color", True)) and sys.stdout.isatty()

    def context(name: str) -> ReporterContext:
        return ReporterContext(
            out=sys.stdout, err=sys.stderr, color=color, quiet=params["quiet"], redactor=redactor,
            options=dict(per_reporter.get(name, {})), run_options=options,
        )

    bus = EventBus()
    summary = RunSummary()
    bus.subscribe(summary)
    built = create_reporters(names, bus, context)
    result = None
    try:
        result = replay(files, bus, summary, utc_now_iso())
    finally:
        written: list[str] = []
        reason = None
        if result is not None and result.recovered:
            from rqrun.errors import RunError

            reason = RunError("the run did not finish: recovered from " + ", ".join(r.path for r in result.recovered))
        for reporter in built:
            if reason is not None and isinstance(reporter, (FileReporter, CliReporter)):
                written.extend(reporter.close(reason))
            else:
                written.extend(reporter.close())
    for report in result.recovered:
        dropped = f"; {report.dropped_lines} unfinished line(s) dropped" if report.dropped_lines else ""
        click.echo(f"rqrun: {report.path}: the run did not finish; recovered {report.count} execution(s){dropped}", err=True)
    for path in written:
        click.echo(f"rqrun: wrote {path}", err=True)
    return result.exit_code
