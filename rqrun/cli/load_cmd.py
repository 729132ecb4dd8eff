"""``rqrun load``: the collection as Locust users; Locust does the scheduling, statistics and UI.

The command checks its inputs here (one-line errors, rqrun's exit codes), then replaces itself
with ``python -m locust`` on :mod:`rqrun.load.locustfile`: a fresh interpreter, so that gevent
monkey-patches the standard library before httpx, ssl or threads exist. Locust's exit code is
the command's: 0, or 1 when any request failed (a failed test, a script error, a send error).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from typing import Any

import click

from rqrun.cli.options import check_tls, file_options, input_options, parse_assignments
from rqrun.errors import UsageError
from rqrun.options import (
    DEFAULT_TIMEOUT_REQUEST_MS,
    DEFAULT_TIMEOUT_SCRIPT_MS,
    RunOptions,
    secret_vars_from_environ,
)

__all__ = ["load", "locust_argv"]


def _need_locust() -> None:
    if importlib.util.find_spec("locust") is None:
        raise UsageError("rqrun load needs Locust, which is not installed", hint="pip install 'rqrun[load]'")


def locust_argv(params: dict[str, Any], locustfile: str) -> list[str]:
    """Locust's command line for ``rqrun load``'s flags (``params``)."""
    argv = ["-f", locustfile]
    if params["worker"]:
        argv += ["--worker", "--master-host", params["master_host"]]
        if params["master_port"]:
            argv += ["--master-port", str(params["master_port"])]
        return argv + list(params["locust_args"])
    argv += ["-u", str(params["users"]), "-r", str(params["spawn_rate"])]
    if params["run_time"]:
        argv += ["-t", params["run_time"]]
    if params["web"]:
        argv += ["--web-host", params["web_host"], "--web-port", str(params["web_port"])]
    else:
        argv += ["--headless"]
    if params["master"]:
        argv += ["--master", "--master-bind-host", params["master_bind_host"]]
        if params["master_port"]:
            argv += ["--master-bind-port", str(params["master_port"])]
        if params["expect_workers"]:
            argv += ["--expect-workers", str(params["expect_workers"])]
    if params["csv"]:
        argv += ["--csv", params["csv"]]
    if params["html"]:
        argv += ["--html", params["html"]]
    return argv + list(params["locust_args"])


def _run_options(ctx: click.Context, collection: str, params: dict[str, Any]) -> dict[str, Any]:
    obj = ctx.find_root().obj or {}
    check_tls(params["ssl_client_cert"], None)
    return {
        "collection": os.path.abspath(collection),
        "environment": _absolute(params["environment"]),
        "env_name": params["env_name"],
        "globals": _absolute(params["globals_file"]),
        "iteration_data": _absolute(params["iteration_data"]),
        "strict_input": params["strict_input"],
        "working_dir": _absolute(params["working_dir"]),
        "insecure_file_read": params["insecure_file_read"],
        "env_vars": parse_assignments(params["env_vars"], "--env-var"),
        "global_vars": parse_assignments(params["global_vars"], "--global-var"),
        "secret_vars": {**secret_vars_from_environ(os.environ), **parse_assignments(params["secret_vars"], "--secret-var")},
        "folders": list(params["folders"]),
        "timeout_request_ms": params["timeout_request"],
        "timeout_script_ms": params["timeout_script"],
        "insecure": params["insecure"],
        "ssl_client_cert": _absolute(params["ssl_client_cert"]),
        "vault_path": _absolute(obj.get("vault_path")),
    }


def _absolute(path: str | None) -> str | None:
    return os.path.abspath(path) if path else None


@click.command("load", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("collection", type=click.Path())
@click.option("-u", "--users", type=click.IntRange(min=1), default=1, show_default=True, help="Locust users (each runs the collection's iterations in order).")
@click.option("-r", "--spawn-rate", type=click.FloatRange(min=0, min_open=True), default=1, show_default=True, help="Users started per second.")
@click.option("-t", "--run-time", metavar="DURATION", help="Stop after this long (30s, 5m, 1h30m); default: until Ctrl-C.")
@click.option("--iterations", "iterations_per_user", type=click.IntRange(min=1), metavar="N", help="Stop each user after N iterations.")
@click.option("--web", is_flag=True, help="Open Locust's web UI instead of running headless.")
@click.option("--web-host", default="127.0.0.1", show_default=True, help="Where the web UI listens.")
@click.option("--web-port", type=click.IntRange(min=1, max=65535), default=8089, show_default=True)
@click.option("--csv", metavar="PREFIX", help="Write Locust's statistics to PREFIX_stats.csv and friends.")
@click.option("--html", metavar="FILE", help="Write Locust's HTML report.")
@click.option("--master", is_flag=True, help="Run as Locust master: workers send the requests.")
@click.option("--master-bind-host", default="*", show_default=True, help="Where the master listens for workers.")
@click.option("--expect-workers", type=click.IntRange(min=1), metavar="N", help="Master: wait for N workers before starting.")
@click.option("--worker", is_flag=True, help="Run as a Locust worker of the master at --master-host.")
@click.option("--master-host", default="127.0.0.1", show_default=True, help="Worker: the master's host.")
@click.option("--master-port", type=click.IntRange(min=1, max=65535), metavar="PORT", help="The master's port (Locust's default 5557).")
@input_options()
@file_options()
@click.option("--env-var", "env_vars", multiple=True, metavar="KEY=VALUE", help="Set an environment variable (repeatable).")
@click.option("--global-var", "global_vars", multiple=True, metavar="KEY=VALUE", help="Set a global variable (repeatable).")
@click.option("--secret-var", "secret_vars", multiple=True, metavar="KEY=VALUE", help="An environment variable no output shows (also RQRUN_SECRET_<KEY>).")
@click.option("--folder", "folders", multiple=True, metavar="NAME", help="Run only this folder or request (repeatable).")
@click.option("--timeout-request", type=click.IntRange(min=1), default=DEFAULT_TIMEOUT_REQUEST_MS, show_default=True, metavar="MS")
@click.option("--timeout-script", type=click.IntRange(min=1), default=DEFAULT_TIMEOUT_SCRIPT_MS, show_default=True, metavar="MS")
@click.option("-k", "--insecure", is_flag=True, help="Do not verify TLS certificates.")
@click.option("--ssl-client-cert", type=click.Path(dir_okay=False), metavar="PEM", help="Client certificate (PEM with its key).")
@click.argument("locust_args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def load(ctx: click.Context, /, collection: str, **params: Any) -> int:
    """Load-test COLLECTION on Locust (pip install 'rqrun[load]'); Locust's own flags go after --.

    \b
    Examples:
      rqrun load api.json -u 50 -r 10 -t 2m --csv out/load --html out/load.html
      rqrun load api.json --web
      rqrun load api.json -u 100 -r 20 -t 5m --master --expect-workers 2
      rqrun load api.json --worker --master-host 10.0.0.5
    """
    if params["master"] and params["worker"]:
        raise UsageError("--master and --worker exclude each other: a process is one or the other")
    _need_locust()
    options = _run_options(ctx, collection, params)
    from rqrun.inputs import load_inputs

    load_inputs(RunOptions(**{**options, "folders": tuple(options["folders"])}))  # bad files: exit 3, here
    if params["iterations_per_user"]:
        options["iterations_per_user"] = params["iterations_per_user"]
    locustfile = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "load", "locustfile.py")
    env = {**os.environ, "RQRUN_LOAD_OPTIONS": json.dumps(options)}
    argv = [sys.executable, "-m", "locust", *locust_argv(params, locustfile)]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, argv, env)  # noqa: S606 - our own interpreter running locust, no shell
