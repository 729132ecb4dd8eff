"""``rqrun import``: Postman collections and environments into Requestly export files.

The conversion itself is library code (``rqrun.formats.postman_import``); this module reads
the flags, refuses to overwrite a file unless told to, writes the result and prints what
could not be converted, one line per item, so the user knows what to finish by hand.
"""

from __future__ import annotations

import os
import sys
import tempfile
from typing import Any

import click

from rqrun.errors import InputError, UsageError
from rqrun.formats.requestly_writer import Loss

__all__ = ["import_group", "postman", "postman_env"]

_SETTINGS = {"help_option_names": ["-h", "--help"]}


def _output_option(func: Any) -> Any:
    func = click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")(func)
    return click.option(
        "-o", "--output", "output", required=True, metavar="OUT.json",
        help="Where to write the Requestly export ('-' for standard output).",
    )(func)


def _check_output(output: str, inputs: list[str], force: bool) -> None:
    """Never clobber: an existing OUT needs --force, and OUT may never be one of the inputs."""
    if output == "-":
        return
    for name in inputs:
        if os.path.exists(output) and os.path.exists(name) and os.path.samefile(output, name):
            raise UsageError(f"{output}: the output would overwrite the input", hint="choose another -o")
    if os.path.isdir(output):
        raise UsageError(f"{output}: is a directory", hint="give a file name to -o")
    if os.path.exists(output) and not force:
        raise UsageError(f"{output} already exists", hint="use --force to overwrite it")


def _write(output: str, text: str, force: bool) -> None:
    """Write atomically; without --force, fail rather than replace a file created meanwhile."""
    if output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    folder = os.path.dirname(os.path.abspath(output))
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".rqrun-import-", suffix=".json", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            if force:
                os.replace(tmp, output)
            else:
                _link_exclusive(tmp, output, text)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except FileExistsError:
        raise UsageError(f"{output} already exists", hint="use --force to overwrite it") from None
    except OSError as exc:
        raise UsageError(f"{output}: cannot write ({exc.strerror or exc})") from None


def _link_exclusive(tmp: str, output: str, text: str) -> None:
    """Put ``tmp`` at ``output`` only if nothing is there (a hard link, or an exclusive create)."""
    try:
        os.link(tmp, output)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        with open(output, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)


def _report(title: str, losses: list[Loss], root: str, err: bool) -> None:
    if not losses:
        return
    click.echo(f"{title} ({len(losses)}):", err=err)
    for loss in losses:
        where = loss.where or f"{root} (collection)"
        click.echo(f"  - {where}: {loss.what}", err=err)


def _looks_like_environment(path: str) -> bool:
    """A Postman environment or globals file: ``values`` without ``info``/``item``."""
    from rqrun.formats._reading import read_json

    doc = read_json(path, what="Postman file")
    return isinstance(doc, dict) and "info" not in doc and (
        "_postman_variable_scope" in doc or isinstance(doc.get("values"), list)
    )


def _convert_environments(files: list[str], output: str, force: bool) -> None:
    from rqrun.formats import load_environments
    from rqrun.formats.postman_import import import_environments
    from rqrun.formats.requestly_writer import dumps

    _check_output(output, files, force)
    environments = [env for name in files for env in load_environments(name)]
    result = import_environments(environments)
    _write(output, dumps(result.document), force)
    err = output == "-"
    names = ", ".join(f"{e.name!r}{' (globals)' if e.is_global else ''}" for e in environments)
    shown = "standard output" if err else output
    click.echo(f"Converted {len(environments)} environment(s) {names} to {shown}", err=err)
    _report("Not converted", result.not_converted, "", err)


@click.group("import", context_settings=_SETTINGS)
def import_group() -> None:
    """Convert Postman collections and environments to Requestly's export format.

    \b
    Examples:
      rqrun import postman api.postman_collection.json -o api.json
      rqrun import postman-env staging.postman_environment.json globals.json -o envs.json
    """


@import_group.command("postman", context_settings=_SETTINGS)
@click.argument("file", type=click.Path(dir_okay=False))
@_output_option
def postman(file: str, output: str, force: bool) -> None:
    """Convert a Postman v2.0/v2.1 collection FILE (an environment or globals file works too).

    Prints what could not be converted: auth types Requestly lacks, file bodies, request
    settings, and every JavaScript script, which is kept as JavaScript (under a ``// javascript``
    line) so that a run fails on it until it is ported to Python by hand.
    Exit 0 when written (even with such warnings), 3 when FILE cannot be read.
    """
    if _looks_like_environment(file):
        _convert_environments([file], output, force)
        return
    from rqrun.formats import load_collection
    from rqrun.formats.postman_import import import_collection
    from rqrun.formats.requestly_writer import dumps

    _check_output(output, [file], force)
    collection = load_collection(file)
    if collection.format != "postman":
        raise InputError("not a Postman collection (it is already in Requestly's format)", where=file,
                         hint="rqrun runs it as it is")
    base = None if output == "-" else os.path.dirname(os.path.abspath(output))
    result = import_collection(collection, files_base=base)
    _write(output, dumps(result.document), force)
    err = output == "-"
    shown = "standard output" if err else output
    click.echo(
        f"Converted {collection.name!r}: {result.requests} request(s) in {result.folders} folder(s) to {shown}",
        err=err,
    )
    _report("Not converted", result.not_converted, collection.name, err)
    _report("Scripts not converted, kept as JavaScript", result.needs_port, collection.name, err)
    if result.needs_port:
        click.echo("  A run fails on each of these until it is ported to Python with rq.* (see examples/postman-to-rq.md);"
                   " --allow-unsupported-scripts sends their requests without them.", err=err)


@import_group.command("postman-env", context_settings=_SETTINGS)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_output_option
def postman_env(files: tuple[str, ...], output: str, force: bool) -> None:
    """Convert Postman environment and globals FILES into one Requestly environment export.

    Disabled values are left out (and listed). Exit 0 when written, 3 when a file cannot be read.
    """
    _convert_environments(list(files), output, force)
