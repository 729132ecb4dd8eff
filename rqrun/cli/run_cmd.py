"""``rqrun run``: flags in, :class:`RunOptions` out, the library does the rest."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from rqrun.cli.options import (
    ReporterOptionsCommand,
    check_tls,
    collect_reporter_options,
    file_options,
    input_options,
    network_options,
    parse_assignments,
    parse_reporters,
    parse_statuses,
    reporter_options,
    run_control_options,
    variable_options,
)
from rqrun.options import RunOptions, secret_vars_from_environ
from rqrun.shard import parse_shard

__all__ = ["run", "build_options"]


def build_options(ctx: click.Context, collection: str, params: dict[str, Any]) -> RunOptions:
    reporters = parse_reporters(params["reporters"])
    reporter_opts = collect_reporter_options(ctx, params, reporters)
    obj = ctx.find_root().obj or {}
    color = bool(obj.get("color", True)) and sys.stdout.isatty()
    check_tls(params["ssl_client_cert"], params["ssl_client_key"])
    return RunOptions(
        collection=collection,
        environment=params["environment"],
        env_name=params["env_name"],
        globals=params["globals_file"],
        env_vars=parse_assignments(params["env_vars"], "--env-var"),
        global_vars=parse_assignments(params["global_vars"], "--global-var"),
        secret_vars={**secret_vars_from_environ(os.environ), **parse_assignments(params["secret_vars"], "--secret-var")},
        iteration_count=params["iteration_count"],
        iteration_data=params["iteration_data"],
        folders=tuple(params["folders"]),
        delay_request_ms=params["delay_request"],
        bail=params["bail"],
        timeout_request_ms=params["timeout_request"],
        timeout_script_ms=params["timeout_script"],
        timeout_ms=params["timeout_run"],
        script_memory_mb=params["script_memory"],
        insecure=params["insecure"],
        follow_redirects=not params["ignore_redirects"],
        max_redirects=params["max_redirects"],
        reporters=reporters,
        reporter_options=reporter_opts,
        export_environment=params["export_environment"],
        export_globals=params["export_globals"],
        aws_config=params["aws_config"],
        strict_variables=params["strict_variables"],
        strict_input=params["strict_input"],
        allow_unsupported_scripts=params["allow_unsupported_scripts"],
        max_requests=params.get("max_requests") or 10_000,
        quiet=params["quiet"],
        color=color,
        vault_path=obj.get("vault_path"),
        retries=params["retries"],
        retry_delay_ms=params["retry_delay"],
        retry_on_status=parse_statuses(params["retry_on_status"]),
        retry_unsafe=params["retry_unsafe"],
        cookie_jar=params["cookie_jar"],
        export_cookie_jar=params["export_cookie_jar"],
        ssl_client_cert=params["ssl_client_cert"],
        ssl_client_key=params["ssl_client_key"],
        ssl_extra_ca_certs=params["ssl_extra_ca_certs"],
        http2=params["http2"],
        parallel=params["parallel"],
        shard=parse_shard(params["shard"]) if params.get("shard") is not None else None,
        working_dir=params["working_dir"],
        insecure_file_read=params["insecure_file_read"],
    )


@click.command("run", cls=ReporterOptionsCommand, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("collection", type=click.Path())
@input_options()
@file_options()
@variable_options()
@run_control_options()
@click.option("--shard", metavar="K/N", help="Run only the K-th of N contiguous shares of the iterations "
              "(data rows), e.g. 2/3; merge the shards' JSON reports with merge-reports.")
@network_options()
@reporter_options()
@click.pass_context
def run(ctx: click.Context, /, collection: str, **params: Any) -> int:
    """Run COLLECTION (a Requestly export, a Requestly workspace folder, or a Postman collection).

    \b
    Examples:
      rqrun run api.json -e staging.json
      rqrun run api.json -d users.csv --reporters cli,junit --reporter-junit-export out/junit.xml
      rqrun run api.json --folder Auth --env-var baseUrl=http://127.0.0.1:8000 --bail
      rqrun run api.json -d users.csv --shard 2/3 -r json --reporter-json-export shard-2.json
    """
    from rqrun.api import run as run_collection

    if params["fail_on_unsupported_scripts"]:
        click.echo("rqrun: --fail-on-unsupported-scripts is deprecated and does nothing: a script rqrun "
                   "cannot run fails its request by default now (--allow-unsupported-scripts allows it)", err=True)
    options = build_options(ctx, collection, params)
    result = run_collection(options)
    _say_listener_failures(result.summary.listener_failures, options.reporters)
    return result.exit_code


def _say_listener_failures(messages: list[str], reporters: tuple[str, ...]) -> None:
    """A reporter that broke mid-run is said on stderr, where the cli reporter did not say it."""
    cli_on = any(name.lower() == "cli" for name in reporters)
    for message in messages:
        if not cli_on or message.startswith("reporter 'cli'"):
            click.echo(f"rqrun: warning: {message}", err=True)
