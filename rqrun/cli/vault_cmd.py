"""``rqrun vault``: store, read, delete and list local secrets.

Values never go to logs or error messages: ``set`` reads them from stdin (without echo on a
terminal) unless given as an argument, ``get`` prints only the value on stdout, and ``list``
shows metadata only. The ``aws`` and ``key`` sub-groups live in their own modules and are
imported only when used (boto3 is never imported by the other commands).
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any

import click

from rqrun.errors import SecretNotFound, UsageError

__all__ = ["vault"]

_AWS_MODULE = "rqrun.cli.vault_aws_cmd"
#: Sub-groups resolved lazily: name -> (module, attribute).
_LAZY = {"aws": (_AWS_MODULE, "aws"), "key": ("rqrun.cli.vault_key_cmd", "key")}


class _VaultGroup(click.Group):
    """The vault commands, plus ``aws`` and ``key`` resolved lazily from their own modules."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *_LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _LAZY:
            return self.commands.get(cmd_name)
        module_name, attribute = _LAZY[cmd_name]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != _AWS_MODULE:
                raise
            return _aws_placeholder
        command: click.Command = getattr(module, attribute)
        return command


@click.command(
    "aws",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
    help="AWS Secrets Manager configurations and secrets.",
)
def _aws_placeholder() -> None:
    raise UsageError("`rqrun vault aws` is not available in this build yet", hint="use local secrets: rqrun vault set KEY")


def _vault_path(ctx: click.Context) -> str | None:
    obj = ctx.find_root().obj or {}
    path: str | None = obj.get("vault_path")
    return path


def _info(message: str) -> None:
    """Status lines, notices and warnings: stderr, so stdout carries only what was asked for."""
    click.echo(f"rqrun: {message}", err=True)


def _open(ctx: click.Context) -> Any:
    """The vault, with its notices (key-file notice, permission warnings) on this command's stderr."""
    from rqrun.vault import open_vault

    return open_vault(_vault_path(ctx), interactive=sys.stdin.isatty(), notify=_info)


@click.group(cls=_VaultGroup)
def vault() -> None:
    """Manage secrets: the local vault and AWS Secrets Manager.

    \b
    Unlocking without a prompt: RQRUN_VAULT_KEY (base64 of 32 random bytes) or
    RQRUN_VAULT_PASSPHRASE. Otherwise the OS keyring, or the key file
    $RQRUN_HOME/vault.key created on first use.
    """


def _read_value(key: str) -> str:
    """The value from stdin: hidden prompt on a terminal, else everything piped (one final newline dropped)."""
    if sys.stdin is None:
        raise UsageError("no value given and no stdin to read it from", hint=f"rqrun vault set {key} VALUE")
    if sys.stdin.isatty():
        value: str = click.prompt(f"Value for {key}", hide_input=True, confirmation_prompt=True, err=True)
        return value
    text = sys.stdin.read()
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith("\n") else text


@vault.command("set")
@click.argument("key")
@click.argument("value", required=False)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="HOST",
    help="Only send this secret to HOST (repeatable; *.example.com for sub-domains, host:port).",
)
@click.option("--any-host", is_flag=True, help="Remove a previous --allow-host restriction.")
@click.pass_context
def set_cmd(ctx: click.Context, key: str, value: str | None, allow_hosts: tuple[str, ...], any_host: bool) -> None:
    """Store a local secret. Omit VALUE (or give -) to read it from stdin without echo.

    \b
    Examples:
      rqrun vault set apiToken                         # prompts, hidden
      printf %s "$TOKEN" | rqrun vault set apiToken -
      rqrun vault set apiToken - --allow-host api.example.com < token.txt
    Without --allow-host, an existing entry keeps its allowed hosts.
    """
    from rqrun.vault import validate_key
    from rqrun.vault.schema import normalize_hosts

    validate_key(key)
    if allow_hosts and any_host:
        raise UsageError("--allow-host and --any-host cannot be combined")
    normalize_hosts(list(allow_hosts))  # reject a bad host before asking for the value
    secret = _read_value(key) if value is None or value == "-" else value
    if secret == "":
        raise UsageError(f"empty value for {key!r}; nothing was stored", hint=f"to delete it: rqrun vault unset {key}")
    store = _open(ctx)
    hosts: list[str] | None = [] if any_host else (list(allow_hosts) if allow_hosts else None)
    store.set(key, secret, allow_hosts=hosts)
    _info(f"stored {key!r} in {store.path}")


@vault.command("get")
@click.argument("key")
@click.pass_context
def get_cmd(ctx: click.Context, key: str) -> None:
    """Print a secret's value (local, or cached from AWS) on stdout."""
    from rqrun.vault import validate_key

    validate_key(key)
    store = _open(ctx)
    value = store.get(key)
    if value is None:
        if store.has(key):
            raise SecretNotFound(
                f"{key!r} is an AWS alias that has not been fetched yet",
                where=str(store.path),
                hint=f"rqrun vault aws fetch {key}",
            )
        raise SecretNotFound(f"no secret named {key!r}", where=str(store.path), hint="rqrun vault list shows the keys")
    click.echo(value)


@vault.command("unset")
@click.argument("key")
@click.pass_context
def unset_cmd(ctx: click.Context, key: str) -> None:
    """Delete a local secret."""
    from rqrun.vault import validate_key

    validate_key(key)
    store = _open(ctx)
    if not store.unset(key):
        raise SecretNotFound(f"no local secret named {key!r}", where=str(store.path), hint="rqrun vault list shows the keys")
    _info(f"removed {key!r} from {store.path}")


def _status(entry: Any, active: str | None) -> str:
    if entry.source == "local":
        return f"shadowed by {entry.shadowed_by}" if entry.shadowed_by else "ok"
    parts = []
    if entry.source != f"aws:{active}":
        parts.append("inactive config")
    if entry.error:
        err = entry.error
        parts.append(f"error: {err.get('category', 'error')}: {err.get('message', '')}".rstrip(": "))
        if entry.cached:
            parts.append("using cached value")
    elif entry.cached:
        parts.append(f"cached {entry.extra.get('fetched_at', '')}".rstrip())
    else:
        parts.append("not fetched")
    return "; ".join(parts)


@vault.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def list_cmd(ctx: click.Context, as_json: bool) -> None:
    """List keys with their source, allowed hosts and status (never values; no unlock needed)."""
    store = _open(ctx)
    entries = store.entries()
    active = store.active_config("aws")
    if as_json:
        rows = [
            {
                "key": e.key,
                "source": e.source,
                "allow_hosts": list(e.allow_hosts) if e.allow_hosts is not None else None,
                "status": _status(e, active),
                "updated_at": e.updated_at,
                "shadowed_by": e.shadowed_by,
                "error": e.error,
            }
            for e in entries
        ]
        doc = {"vault": str(store.path), "exists": store.exists, "active_aws_config": active, "secrets": rows}
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    if not entries:
        _info(f"no secrets in {store.path}")
        return
    table = [("KEY", "SOURCE", "ALLOWED HOSTS", "STATUS")]
    for e in entries:
        hosts = ",".join(e.allow_hosts) if e.allow_hosts is not None else "any"
        table.append((e.key, e.source, hosts, _status(e, active)))
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    for row in table:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
    for e in entries:
        if e.shadowed_by:
            _info(f"warning: the local secret {e.key!r} is hidden by the AWS alias of the same name ({e.shadowed_by})")
