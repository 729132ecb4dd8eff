"""Every option of ``rqrun run``, declared once, in groups, with Newman's names where they exist.

Each group is a decorator factory: commands attach the groups they need. Checks that involve
several options live in ``check_*`` functions that raise :class:`UsageError` with an exact message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from rqrun.cli.durations import Duration
from rqrun.errors import UsageError
from rqrun.options import DEFAULT_TIMEOUT_REQUEST_MS, DEFAULT_TIMEOUT_SCRIPT_MS
from rqrun.reporters import (
    BUILTIN_REPORTERS,
    check_builtin_option,
    reporter_option_flag,
    split_reporter_option,
)

__all__ = ["input_options", "file_options", "variable_options", "run_control_options", "network_options",
           "reporter_options", "parse_assignments", "parse_reporters", "parse_statuses", "check_tls", "KNOWN_REPORTERS",
           "ReporterOptionsCommand", "collect_reporter_options"]

F = TypeVar("F", bound=Callable[..., Any])

#: The built-in reporter names, from the registry (the one list).
KNOWN_REPORTERS = tuple(BUILTIN_REPORTERS)
#: Where :class:`ReporterOptionsCommand` leaves the ``--reporter-*`` flags no option declares.
EXTRA_REPORTER_OPTIONS = "rqrun.extra_reporter_options"


def _apply(options: list[Callable[[F], F]]) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


_FILE = click.Path(dir_okay=False)
_MS = Duration(0)
_MS1 = Duration(1)


def input_options() -> Callable[[F], F]:
    """Input: what to run with."""
    return _apply(
        [
            click.option("-e", "--environment", type=_FILE, help="Environment file (Requestly, Postman or flat JSON)."),
            click.option("--env-name", metavar="NAME", help="Pick one environment when the file holds several."),
            click.option("-g", "--globals", "globals_file", type=_FILE, help="Globals file."),
            click.option("-d", "--iteration-data", type=_FILE, help="CSV or JSON data file, one row per iteration."),
            click.option("--strict-input", is_flag=True, help="Unknown keys in collections and environments are errors, not warnings."),
        ]
    )


def file_options() -> Callable[[F], F]:
    """Files a collection names (form-data files, binary bodies): where they may come from."""
    return _apply(
        [
            click.option("--working-dir", type=click.Path(exists=True, file_okay=False), metavar="DIR",
                         help="Where files named by the collection resolve (default: the collection's folder)."),
            click.option("--insecure-file-read", is_flag=True,
                         help="Let the collection read files outside that folder (never rqrun's vault or RQRUN_HOME)."),
        ]
    )


def variable_options() -> Callable[[F], F]:
    """Variables: values given on the command line."""
    return _apply(
        [
            click.option("--env-var", "env_vars", multiple=True, metavar="KEY=VALUE", help="Set an environment variable (repeatable)."),
            click.option("--global-var", "global_vars", multiple=True, metavar="KEY=VALUE", help="Set a global variable (repeatable)."),
            click.option("--secret-var", "secret_vars", multiple=True, metavar="KEY=VALUE", help="Set an environment variable that no output shows (repeatable; also RQRUN_SECRET_<KEY>)."),
            click.option("--strict-variables", is_flag=True, help="An unresolved {{var}} fails the request instead of a warning."),
            click.option("--export-environment", type=_FILE, help="Write the environment as it stands after the run."),
            click.option("--export-globals", type=_FILE, help="Write the globals as they stand after the run."),
        ]
    )


def run_control_options() -> Callable[[F], F]:
    """Run control: what runs, how often, and when to stop."""
    return _apply(
        [
            click.option("-n", "--iteration-count", type=click.IntRange(min=1), help="Iterations (default 1, or the data file's rows)."),
            click.option("--folder", "folders", multiple=True, metavar="NAME", help="Run only this folder or request (name or A/B path; repeatable)."),
            click.option("--delay-request", type=_MS, default=0, show_default=True, metavar="DURATION", help="Wait between requests."),
            click.option("--bail", is_flag=True, help="Stop at the first failed test or error."),
            click.option("--parallel", type=click.IntRange(min=1, max=64), default=1, show_default=True, metavar="N", help="Run N iterations at once (requests in an iteration stay in order)."),
            click.option("--timeout", "timeout_run", type=_MS1, metavar="DURATION", help="Limit for the whole run (500ms, 5s, 2m; a bare number is ms)."),
            click.option("--timeout-script", type=_MS1, default=DEFAULT_TIMEOUT_SCRIPT_MS, show_default=True, metavar="DURATION", help="Wall-clock limit per script."),
            click.option("--script-memory", type=click.IntRange(min=32), default=256, show_default=True, metavar="MB", help="Memory limit of the script worker."),
            click.option("--aws-config", metavar="NAME", help="Use this AWS configuration for this run."),
            click.option("--allow-unsupported-scripts", is_flag=True, help="Send the requests of scripts in a language rqrun does not know with one warning per script, instead of failing them."),
            click.option("--max-requests", type=click.IntRange(min=1), default=10_000, show_default=True, metavar="N", help="Most requests one iteration may send (bounds setNextRequest loops)."),
            # Deprecated no-op: failing such scripts has been the default since --allow-unsupported-scripts.
            click.option("--fail-on-unsupported-scripts", is_flag=True, hidden=True),
        ]
    )


def network_options() -> Callable[[F], F]:
    """Network and TLS."""
    return _apply(
        [
            click.option("--timeout-request", type=_MS1, default=DEFAULT_TIMEOUT_REQUEST_MS, show_default=True, metavar="DURATION", help="Per-request timeout."),
            click.option("-k", "--insecure", is_flag=True, help="Do not verify TLS certificates."),
            click.option("--ignore-redirects", is_flag=True, help="Do not follow redirects."),
            click.option("--max-redirects", type=click.IntRange(min=0), default=10, show_default=True, help="Redirects followed before giving up."),
            click.option("--retries", type=click.IntRange(min=0, max=20), default=0, show_default=True, help="Retry a request after a network error (and --retry-on-status)."),
            click.option("--retry-delay", type=_MS, default=200, show_default=True, metavar="DURATION", help="First back-off; doubles each retry, with jitter."),
            click.option("--retry-on-status", metavar="CODES", default="", help="Also retry on these statuses, e.g. 502,503,504."),
            click.option("--retry-unsafe", is_flag=True, help="Also retry POST, PATCH and other non-idempotent methods."),
            click.option("--cookie-jar", type=_FILE, metavar="FILE", help="Start with these cookies (Netscape cookies.txt, or JSON by .json)."),
            click.option("--export-cookie-jar", type=_FILE, metavar="FILE", help="Save the cookies after the run (format by extension)."),
            click.option("--ssl-client-cert", type=_FILE, metavar="PEM", help="Client certificate (PEM; may include the key)."),
            click.option("--ssl-client-key", type=_FILE, metavar="PEM", help="Private key of the client certificate."),
            click.option("--ssl-extra-ca-certs", type=_FILE, metavar="PEM", help="Trust these CA certificates too."),
            click.option("--http2", is_flag=True, help="Use HTTP/2 where the server offers it (needs rqrun[http2])."),
        ]
    )


def _option_dest(name: str, option: str) -> str:
    return f"reporter_{name}_{option}".replace("-", "_")


def reporter_options(*, default: str = "cli") -> Callable[[F], F]:
    """Reporters: what is written, and where. The built-ins' options come from the registry."""
    declared = [
        click.option(reporter_option_flag(name, option), _option_dest(name, option),
                     metavar="PATH" if option == "export" else "VALUE", help=help_text)
        for name, spec in BUILTIN_REPORTERS.items()
        for option, help_text in spec.options.items()
    ]
    return _apply(
        [
            click.option("-r", "--reporters", default=default, show_default=True, metavar="LIST",
                         help=f"Comma list of {','.join(KNOWN_REPORTERS)} or installed reporters; "
                         "their options are --reporter-<name>-<option> VALUE."),
            *declared,
            click.option("-q", "--quiet", is_flag=True, help="Print only failures and the summary."),
        ]
    )


class ReporterOptionsCommand(click.Command):
    """A command that also takes ``--reporter-<name>-<option>`` flags nobody declared.

    Third-party reporters (entry-point group ``rqrun.reporters``) have options rqrun cannot
    know in advance; their flags are set aside before click parses the rest and handed to the
    reporter as ``ctx.options``. A value follows the flag (``--reporter-x-dir out`` or
    ``--reporter-x-dir=out``); a flag followed by another option, or last, is ``True``.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        declared = {opt for param in self.params for opt in getattr(param, "opts", ())}
        rest: list[str] = []
        extra: list[tuple[str, Any]] = []
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                rest.extend(args[i:])
                break
            flag, eq, value = arg.partition("=")
            if flag.startswith("--reporter-") and flag not in declared:
                found: Any = value
                if not eq:
                    if i + 1 < len(args) and not args[i + 1].startswith("-"):
                        found = args[i + 1]
                        i += 1
                    else:
                        found = True
                extra.append((flag, found))
            else:
                rest.append(arg)
            i += 1
        ctx.meta[EXTRA_REPORTER_OPTIONS] = extra
        return super().parse_args(ctx, rest)


def collect_reporter_options(
    ctx: click.Context, params: dict[str, Any], reporters: tuple[str, ...]
) -> dict[str, dict[str, Any]]:
    """Every reporter's options by reporter name: declared built-in ones and generic ones."""
    result: dict[str, dict[str, Any]] = {}
    for name, spec in BUILTIN_REPORTERS.items():
        for option in spec.options:
            value = params.get(_option_dest(name, option))
            if value is not None:
                result.setdefault(name, {})[option] = value
    for flag, value in ctx.meta.get(EXTRA_REPORTER_OPTIONS, ()):
        name, option = split_reporter_option(flag, reporters)
        check_builtin_option(name, option)
        result.setdefault(name, {})[option] = value
    return result


def parse_assignments(values: tuple[str, ...], flag: str) -> dict[str, str]:
    """``KEY=VALUE`` pairs; the value may itself contain ``=``."""
    result: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{flag} expects KEY=VALUE, got {item!r}")
        try:
            item.encode("utf-8")
        except UnicodeEncodeError:  # bytes that are not UTF-8 arrive as lone surrogates
            shown = item.encode("utf-8", "backslashreplace").decode("utf-8")
            raise UsageError(f"{flag} {shown} is not UTF-8 text", hint="pass the value as UTF-8") from None
        result[key.strip()] = value
    return result


def parse_statuses(text: str) -> tuple[int, ...]:
    """``502,503,504`` -> (502, 503, 504)."""
    codes = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if not part.isdigit() or not 100 <= int(part) <= 599:
            raise UsageError(f"--retry-on-status expects HTTP status codes, got {part!r}")
        codes.append(int(part))
    return tuple(codes)


def check_tls(cert: str | None, key: str | None) -> None:
    if key and not cert:
        raise UsageError("--ssl-client-key needs --ssl-client-cert")


def parse_reporters(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    if not names:
        raise UsageError("--reporters needs at least one name", hint=f"known: {', '.join(KNOWN_REPORTERS)}")
    return names
