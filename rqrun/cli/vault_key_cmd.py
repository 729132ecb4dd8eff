"""``rqrun vault key``: the ways a vault can be unlocked (key slots), so a laptop vault opens in CI.

Key material never travels in argv: ``add --raw`` makes a new key and prints it once on stdout
(for a CI secret store), or reads one from stdin with ``--stdin``; a passphrase comes from a
hidden prompt or stdin. Adding or removing a slot first unlocks the vault with a way in it
already has, and the last slot cannot be removed.
"""

from __future__ import annotations

import json
import sys

import click

from rqrun.cli.vault_cmd import _info, _open
from rqrun.errors import UsageError, VaultError

__all__ = ["key"]


@click.group("key")
def key() -> None:
    """Key slots: the ways the vault can be unlocked (raw key, passphrase, OS keyring, key file).

    \b
    Opening a laptop vault in CI:
      rqrun vault key add --raw              # prints a new key once: store it as RQRUN_VAULT_KEY
      # commit or copy vault.json; in CI set RQRUN_VAULT_KEY from the CI's secret store
    """


def _stdin_text(what: str) -> str:
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError(f"--stdin needs the {what} piped on stdin", hint='printf %s "$RQRUN_VAULT_KEY" | rqrun vault key add --raw --stdin')
    return sys.stdin.read()


def _read_passphrase() -> str:
    """A hidden, confirmed prompt on a terminal; else the first line of stdin."""
    if sys.stdin is not None and sys.stdin.isatty():
        typed: str = click.prompt("New passphrase", hide_input=True, confirmation_prompt=True, err=True)
        return typed
    if sys.stdin is None:
        raise UsageError("no terminal and no stdin to read the passphrase from")
    line = sys.stdin.readline()
    return line.removesuffix("\n")


@key.command("add")
@click.option("--raw", "kind", flag_value="raw", help="A raw 32-byte key (RQRUN_VAULT_KEY): a new one, printed once.")
@click.option("--passphrase", "kind", flag_value="passphrase", help="A passphrase (replaces the passphrase slot).")
@click.option("--keyring", "kind", flag_value="keyring", help="A random key kept in the OS keyring.")
@click.option("--stdin", "from_stdin", is_flag=True, help="With --raw: add the base64 key piped on stdin instead of a new one.")
@click.argument("argv_secret", metavar="", required=False)
@click.pass_context
def add_cmd(ctx: click.Context, kind: str | None, from_stdin: bool, argv_secret: str | None) -> None:
    """Add a way to unlock the vault (it is unlocked first with a way it already has).

    \b
    Examples:
      rqrun vault key add --raw > ci-key.txt          # the new key, shown once
      printf %s "$KEY" | rqrun vault key add --raw --stdin
      rqrun vault key add --passphrase                 # prompts twice, hidden
      rqrun vault key add --keyring
    """
    if argv_secret is not None:
        # Never echo it: a key or passphrase typed here is already in the shell history.
        raise UsageError(
            "vault key add takes no key or passphrase on the command line (it would be visible in the "
            "process list and shell history)",
            hint='pipe it: printf %s "$KEY" | rqrun vault key add --raw --stdin',
        )
    if kind is None:
        raise UsageError("choose one: --raw, --passphrase or --keyring")
    if from_stdin and kind != "raw":
        raise UsageError("--stdin goes with --raw (a passphrase is read from stdin when there is no terminal)")
    store = _open(ctx)
    if not store.exists:
        raise VaultError("the vault does not exist yet", where=str(store.path), hint="store a secret first: rqrun vault set KEY")
    store.unlock()  # a vault that will not open fails here, before any key is made or asked for
    if kind == "raw":
        from rqrun.vault.crypto import b64e, parse_raw_key, random_key

        if from_stdin:
            text = _stdin_text("key").strip()
            if parse_raw_key(text) is None:
                raise UsageError("the key on stdin is not the base64 of 32 bytes", hint="make one with: rqrun vault key add --raw")
        else:
            text = b64e(random_key())
        info = store.add_key_slot("env_key", secret=text)
        if not from_stdin:
            click.echo(text)
            _info("the new key is shown once, above: store it as RQRUN_VAULT_KEY in your CI's secret store")
    elif kind == "passphrase":
        secret = _read_passphrase()
        if not secret:
            raise UsageError("empty passphrase; nothing was added")
        info = store.add_key_slot("passphrase", secret=secret)
    else:
        info = store.add_key_slot("keyring")
    shown = f" {info.key_id}" if info.key_id else ""
    _info(f"added key slot {info.number} ({info.type}{shown}) to {store.path}")


@key.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def list_cmd(ctx: click.Context, as_json: bool) -> None:
    """List the key slots (no key is needed, none is shown)."""
    store = _open(ctx)
    slots = store.key_slots()
    if as_json:
        rows = [
            {"slot": s.number, "type": s.type, "key_id": s.key_id, "created_at": s.created_at, "unlocked_by": s.detail}
            for s in slots
        ]
        click.echo(json.dumps({"vault": str(store.path), "slots": rows}, indent=2))
        return
    if not slots:
        _info(f"no vault at {store.path} yet; it gets its first slot with the first secret")
        return
    table = [("SLOT", "TYPE", "KEY ID", "CREATED", "UNLOCKED BY")]
    table += [(str(s.number), s.type, s.key_id or "-", s.created_at or "-", s.detail) for s in slots]
    widths = [max(len(row[c]) for row in table) for c in range(4)]
    for row in table:
        click.echo("  ".join(row[c].ljust(widths[c]) for c in range(4)) + "  " + row[4])


@key.command("remove")
@click.argument("slot")
@click.pass_context
def remove_cmd(ctx: click.Context, slot: str) -> None:
    """Remove a key slot: its number from `key list`, its key id, or its type when only one has it.

    The vault is unlocked first; its last slot cannot be removed.
    """
    store = _open(ctx)
    info = store.remove_key_slot(slot)
    shown = f" {info.key_id}" if info.key_id else ""
    _info(f"removed key slot {info.number} ({info.type}{shown}) from {store.path}")
