"""rqrun's pytest plugin (entry point ``pytest11``): collection files as tests, and a ``rqrun`` fixture.

``pytest`` collects every file matching the ``rqrun_files`` globs (default ``*.rq.json``) and
makes one test item per request and iteration, named by the request's path. The collection runs
once per file, on its first item, so chained requests see each other's variables; each item's
outcome is rqrun's tests for that request. See README, "pytest plugin".

This module is imported at every pytest start-up: it imports only the standard library and
pytest. rqrun itself is imported when a collection file is found or the fixture is used.
"""

from __future__ import annotations

import fnmatch
import os
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from rqrun.api import RunResult
    from rqrun.options import RunOptions

__all__ = ["DEFAULT_FILES", "run_options"]

DEFAULT_FILES = "*.rq.json"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("rqrun", "rqrun: run Requestly and Postman collections as tests")
    group.addoption("--rqrun-files", metavar="GLOBS",
                    help=f"Collection files to collect: space-separated globs on the file name, or on the path below the rootdir when they hold a / (ini rqrun_files; default {DEFAULT_FILES}).")
    group.addoption("--rqrun-env", metavar="FILE", help="Environment file for every collection (ini rqrun_env).")
    group.addoption("--rqrun-data", metavar="FILE", help="Iteration data file (CSV or JSON) for every collection (ini rqrun_data).")
    group.addoption("--rqrun-options", metavar="ARGS",
                    help="More `rqrun run` options, one string, e.g. \"--env-var base=http://127.0.0.1:8000 --bail\" (ini rqrun_options).")
    parser.addini("rqrun_files", "globs of collection files pytest runs with rqrun", type="args", default=[DEFAULT_FILES])
    parser.addini("rqrun_env", "environment file for every collection (relative to the ini file)", default="")
    parser.addini("rqrun_data", "iteration data file for every collection (relative to the ini file)", default="")
    parser.addini("rqrun_options", "more `rqrun run` options for every collection", type="args", default=[])


def _globs(config: pytest.Config) -> list[str]:
    given = config.getoption("rqrun_files", None)
    return shlex.split(given) if given else list(config.getini("rqrun_files"))


def _glob_matches(globs: list[str], relative: str) -> bool:
    """A glob with a ``/`` matches the path below the rootdir, any other the file name."""
    name = relative.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(relative if "/" in glob else name, glob) for glob in globs)


def _matches(config: pytest.Config, path: Path) -> bool:
    try:
        relative = path.relative_to(config.rootpath).as_posix()
    except ValueError:
        relative = path.name
    return _glob_matches(_globs(config), relative)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if _matches(parent.config, file_path):
        from rqrun.pytest_items import CollectionFile

        return CollectionFile.from_parent(parent, path=file_path)
    return None


def _setting(config: pytest.Config, name: str) -> str | None:
    """A file setting: the command line's (relative to where pytest started) over the ini's."""
    given = config.getoption(f"rqrun_{name}", None)
    if given:
        return os.path.join(config.invocation_params.dir, os.path.expanduser(given))
    value = str(config.getini(f"rqrun_{name}") or "")
    if not value:
        return None
    base = config.inipath.parent if config.inipath else config.rootpath
    return os.path.join(base, os.path.expanduser(value))


def _cli_args(config: pytest.Config) -> list[str]:
    """The `rqrun run` arguments every collection gets: -e/-d from the settings, then the extra options."""
    args: list[str] = []
    environment = _setting(config, "env")
    if environment:
        args += ["--environment", environment]
    data = _setting(config, "data")
    if data:
        args += ["--iteration-data", data]
    args += list(config.getini("rqrun_options"))
    given = config.getoption("rqrun_options", None)
    if given:
        args += shlex.split(given)
    return args


def run_options(config: pytest.Config, collection: str) -> RunOptions:
    """The :class:`RunOptions` of ``rqrun run COLLECTION ARGS``, parsed by rqrun's own CLI.

    Reporters are off unless the options name some (``cli`` is always off: pytest reports).
    A bad option is a :class:`UsageError` naming the options: the file's collection error.
    """
    import dataclasses

    import click

    from rqrun.cli.run_cmd import build_options, run
    from rqrun.errors import UsageError

    args = [collection, *_cli_args(config)]
    try:
        with run.make_context("rqrun run", args) as ctx:
            options = build_options(ctx, collection, ctx.params)
    except click.ClickException as exc:
        raise UsageError(f"rqrun options {shlex.join(args[1:])!r}: {exc.format_message()}") from None
    except UsageError as exc:
        raise UsageError(f"rqrun options {shlex.join(args[1:])!r}: {exc.one_line()}") from None
    named = "--reporters" in args or "-r" in args or any(a.startswith("--reporters=") for a in args)
    reporters = tuple(r for r in options.reporters if r != "cli") if named else ()
    return dataclasses.replace(options, reporters=reporters, color=False)


@pytest.fixture()
def rqrun() -> Callable[..., RunResult]:
    """Run a collection from Python: ``rqrun(collection, **RunOptions fields) -> RunResult``.

    ``collection`` (and ``environment``, ``iteration_data``) may be paths or objects (a dict
    in Requestly or Postman form, rows as a list of dicts). No reporter writes anything unless
    ``reporters=`` names some; ``listeners=`` receives every event.
    """

    def run_collection(collection: Any, *, listeners: Any = (), **fields: Any) -> RunResult:
        import rqrun as library

        fields.setdefault("reporters", ())
        return library.run(library.RunOptions(collection, **fields), listeners=listeners)

    return run_collection


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With ``-n`` and the default ``--dist load``: a collection file's items go to one worker.

    A collection runs once, on one worker, or its chained requests would be sent twice and
    see different variables; every other test is still spread one by one, as ``load`` does.
    An explicit ``--dist`` (``loadfile``, ``loadscope``, ...) is left alone.
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    globs = _globs(config)

    class CollectionFileScheduling(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            file_part = nodeid.split("::", 1)[0]
            if _glob_matches(globs, file_part):
                return file_part
            return nodeid

    return CollectionFileScheduling(config, log)
