"""The ``rqrun`` entry point and the one place where errors become exit codes.

Sub-commands live in their own modules and are imported only when invoked, so that
``rqrun --version`` and ``rqrun --help`` stay fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from rqrun._version import __version__
from rqrun.errors import ExitCode, RqrunError

__all__ = ["main", "cli"]

# name -> (module, attribute, short help). The help is here so that `rqrun --help` lists
# commands without importing them.
_COMMANDS: dict[str, tuple[str, str, str]] = {
    "run": ("rqrun.cli.run_cmd", "run", "Run a collection and report the results."),
    "check": ("rqrun.cli.check_cmd", "check", "Load a collection and list what it needs, sending nothing."),
    "demo": ("rqrun.cli.demo_cmd", "demo", "Start the bundled demo API and run the demo collection against it."),
    "import": ("rqrun.cli.import_cmd", "import_group", "Convert a Postman collection or environment to Requestly's format."),
    "vault": ("rqrun.cli.vault_cmd", "vault", "Manage secrets: the local vault and AWS Secrets Manager."),
    "load": ("rqrun.cli.load_cmd", "load", "Load-test a collection on Locust: users, spawn rate, run time, workers."),
    "merge-reports": (
        "rqrun.cli.merge_cmd", "merge_reports",
        "Merge JSON reports (shards, or a killed run's .partial) into one set of reports.",
    ),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = _COMMANDS.get(cmd_name)
        if spec is None:
            return None
        module = importlib.import_module(spec[0])
        command: click.Command = getattr(module, spec[1])
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, spec[2]) for name, spec in sorted(_COMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="rqrun", message="%(prog)s %(version)s")
@click.option(
    "--vault",
    "vault_path",
    envvar="RQRUN_VAULT",
    type=click.Path(dir_okay=False),
    help="Vault file (default: $RQRUN_HOME/vault.json).",
)
@click.option("--no-color", is_flag=True, help="Never colour the output (NO_COLOR is honoured too).")
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx: click.Context, vault_path: str | None, no_color: bool, debug: bool) -> None:
    """Run Requestly and Postman collections, with Python scripts and a vault for secrets."""
    ctx.ensure_object(dict)
    ctx.obj["vault_path"] = vault_path
    ctx.obj["color"] = not no_color and "NO_COLOR" not in os.environ
    ctx.obj["debug"] = debug


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI; map every error to its exit code and a one-line message.

    SIGTERM and SIGHUP are handled like Ctrl-C (see :mod:`rqrun.interrupts`). ``--debug`` is
    read from the parsed options: it shows tracebacks instead of one-line messages.
    """
    from rqrun import interrupts

    state: dict[str, Any] = {}  # the group's ctx.obj: holds "debug" once the options are parsed
    try:
        with interrupts.handling():
            args = hoist_global_options(sys.argv[1:] if argv is None else list(argv))
            rv = cli.main(args=args, prog_name="rqrun", standalone_mode=False, obj=state)
            kept = interrupts.pending()
        if kept is not None:  # a signal arrived while reports were being finished
            rv = max(int(rv) if isinstance(rv, int) else 0, kept.exit_code)
    except RqrunError as exc:
        if state.get("debug"):
            raise
        click.echo(f"rqrun: error: {exc.one_line()}", err=True)
        sys.exit(int(exc.exit_code))
    except click.exceptions.Abort as exc:  # click turns KeyboardInterrupt into Abort
        cause = exc.__cause__
        name = getattr(cause, "signal_name", "SIGINT")
        click.echo(f"rqrun: interrupted ({name})", err=True)
        sys.exit(int(getattr(cause, "exit_code", ExitCode.INTERRUPTED)))
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `rqrun`: the help, as before
            exc.show()
        else:
            _usage_line(exc)
        sys.exit(int(ExitCode.USAGE))
    except click.ClickException as exc:
        exc.show()
        sys.exit(int(ExitCode.USAGE) if isinstance(exc, click.UsageError) else exc.exit_code)
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP outside a run's own handling
        name = getattr(exc, "signal_name", "SIGINT")
        click.echo(f"rqrun: interrupted ({name})", err=True)
        sys.exit(int(getattr(exc, "exit_code", ExitCode.INTERRUPTED)))
    except BrokenPipeError:
        sys.exit(int(ExitCode.OK))
    except Exception as exc:  # a bug: one line, the traceback kept for the bug report
        if state.get("debug"):
            raise
        click.echo(f"rqrun: bug in rqrun: {type(exc).__name__}: {exc} ({_save_traceback()})", err=True)
        sys.exit(int(ExitCode.RUN))
    if isinstance(rv, int):
        sys.exit(rv)
    return rv


#: The group's options, accepted after the sub-command too: flag -> takes a value.
_GLOBAL_OPTIONS = {"--no-color": False, "--debug": False, "--vault": True}


def hoist_global_options(argv: list[str]) -> list[str]:
    """``argv`` with the group's options moved before the sub-command.

    ``rqrun run x.json --no-color`` then means ``rqrun --no-color run x.json``. Nothing after
    ``--`` moves, and no sub-command declares these names, so the move changes no meaning.
    """
    head: list[str] = []
    i = 0
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "--":
        head.append(argv[i])
        if _GLOBAL_OPTIONS.get(argv[i]) and i + 1 < len(argv):
            head.append(argv[i + 1])
            i += 1
        i += 1
    if i >= len(argv) or argv[i] == "--":
        return list(argv)
    moved: list[str] = []
    rest: list[str] = [argv[i]]
    i += 1
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        name = arg.partition("=")[0]
        if name in _GLOBAL_OPTIONS:
            moved.append(arg)
            if _GLOBAL_OPTIONS[name] and "=" not in arg and i + 1 < len(argv):
                moved.append(argv[i + 1])
                i += 1
        else:
            rest.append(arg)
        i += 1
    return [*head, *moved, *rest]


def _usage_line(exc: click.UsageError) -> None:
    """A usage error as one line, then where the command's options are listed."""
    message = " ".join(exc.format_message().split())
    command = exc.ctx.command_path if exc.ctx is not None else "rqrun"
    click.echo(f"rqrun: error: {message}", err=True)
    click.echo(f"hint: '{command} --help' lists the options", err=True)


def _save_traceback() -> str:
    """Write the current traceback to a private file in the temp dir; says where (or why not)."""
    import tempfile
    import traceback

    try:
        fd, path = tempfile.mkstemp(prefix="rqrun-bug-", suffix=".txt")  # mode 0600
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(f"rqrun {__version__}, python {sys.version.split()[0]}\n")
            handle.write(traceback.format_exc())
    except OSError as exc:
        return f"the traceback could not be saved: {exc.strerror or exc}; run with --debug to see it"
    return f"traceback saved to {path}"
