"""``rqrun demo``: the README's first command, a complete run with nothing to set up.

It starts the bundled demo API on 127.0.0.1, makes a throw-away vault holding the demo
password, and runs ``collections/demo.json`` (scripts, tests, a vault secret, a data file)
through the same library call as ``rqrun run``. Nothing outside a temporary directory is
touched: the user's own vault and ``RQRUN_HOME`` are set aside for the run and restored.
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from rqrun.errors import InputError

__all__ = ["demo", "collections_dir", "DEMO_COLLECTION", "DEMO_DATA"]

DEMO_COLLECTION = "demo.json"
DEMO_DATA = "demo-data.csv"
# Variables that would point the run at the user's own vault; set aside during the demo.
_VAULT_ENV = ("RQRUN_HOME", "RQRUN_VAULT", "RQRUN_VAULT_KEY", "RQRUN_VAULT_PASSPHRASE")


def collections_dir() -> Path:
    """``collections/`` next to the package: present in a source checkout and an editable install."""
    import rqrun

    return Path(rqrun.__file__).resolve().parent.parent / "collections"


@contextmanager
def _throwaway_environment(home: Path) -> Iterator[None]:
    """Point this process at ``home`` with a fresh random vault key; restore everything after."""
    saved = {name: os.environ.get(name) for name in _VAULT_ENV}
    try:
        for name in _VAULT_ENV:
            os.environ.pop(name, None)
        os.environ["RQRUN_HOME"] = str(home)
        os.environ["RQRUN_VAULT_KEY"] = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _close_vaults() -> None:
    """Release the throw-away vault (file locks, cached keys) before its directory goes."""
    try:
        from rqrun.vault import close_all
    except ImportError:  # pragma: no cover - the vault ships with rqrun
        return
    close_all()


@click.command("demo", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port for the demo API on 127.0.0.1 (0: a free one).")
@click.option("--reporters", default="cli", show_default=True, help="Comma list of cli,json,junit,html.")
@click.option("--reporter-json-export", type=click.Path(dir_okay=False), help="Where the JSON report goes.")
@click.option("--reporter-junit-export", type=click.Path(dir_okay=False), help="Where the JUnit report goes.")
@click.option("--reporter-html-export", type=click.Path(dir_okay=False), help="Where the HTML report goes.")
@click.option("--quiet", is_flag=True, help="Print only the summary and failures.")
@click.pass_context
def demo(
    ctx: click.Context,
    port: int,
    reporters: str,
    reporter_json_export: str | None,
    reporter_junit_export: str | None,
    reporter_html_export: str | None,
    quiet: bool,
) -> int:
    """Start the bundled demo API and run the demo collection against it.

    Uses a throw-away vault (your own is not read or changed) and exits 0 when every test
    passes. To run the same collection yourself:

    \b
      python -m rqrun.demo.server --port 8000 &
      rqrun vault set demo-password s3cret-demo-password
      rqrun run collections/demo.json -e collections/demo-environment.json \\
          -d collections/demo-data.csv
    """
    from rqrun.api import run
    from rqrun.demo import DemoServer
    from rqrun.options import RunOptions

    folder = collections_dir()
    collection = folder / DEMO_COLLECTION
    if not collection.is_file():
        raise InputError(
            f"the demo collection is missing: {collection}",
            hint="rqrun demo needs the collections/ folder of a source checkout (pip install -e .)",
        )
    data = folder / DEMO_DATA
    from rqrun.cli.options import parse_reporters

    names = parse_reporters(reporters)  # the one registry decides what is known
    exports: dict[str, dict[str, Any]] = {}
    for name, path in (("json", reporter_json_export), ("junit", reporter_junit_export), ("html", reporter_html_export)):
        if path:
            exports[name] = {"export": path}
    obj = ctx.find_root().obj or {}
    color = bool(obj.get("color", True)) and sys.stdout.isatty()

    with tempfile.TemporaryDirectory(prefix="rqrun-demo-") as tmp, _throwaway_environment(Path(tmp)):
        vault_path = Path(tmp) / "vault.json"
        try:
            with DemoServer(port) as server:
                from rqrun.vault import open_vault

                vault = open_vault(vault_path)
                # Only the demo API may receive the password: the allow-list is part of the demo.
                vault.set("demo-password", server.password, allow_hosts=["127.0.0.1"])
                vault.set("demo-signing-key", server.signing_key, allow_hosts=["127.0.0.1"])
                click.echo(f"rqrun demo: demo API at {server.url}, throw-away vault in {tmp}", err=True)
                options = RunOptions(
                    collection=str(collection),
                    iteration_data=str(data) if data.is_file() else None,
                    env_vars={"baseUrl": server.url},
                    reporters=names,
                    reporter_options=exports,
                    quiet=quiet,
                    color=color,
                    vault_path=str(vault_path),
                )
                result = run(options)
        finally:
            _close_vaults()
    return int(result.exit_code)
