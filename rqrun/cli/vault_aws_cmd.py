"""``rqrun vault aws``: AWS Secrets Manager configurations and secret mappings.

Secrets never travel in argv: ``--secret-access-key -`` and ``--session-token -`` read from a
hidden prompt on a terminal, else from stdin (one per line, in that order). Listings show at
most the last 4 characters of an access key id. Fetch failures exit 5 (``spec/cli.md``) after
the per-secret report; cached values are never deleted by a failure.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from rqrun.cli.vault_cmd import _info, _open
from rqrun.errors import ProviderError, UsageError

__all__ = ["aws"]

_STDIN = "-"


@click.group("aws")
def aws() -> None:
    """AWS Secrets Manager: configurations (one active) and secrets mapped to vault keys.

    \b
    Typical use:
      printf '%s\\n' "$AWS_SECRET_ACCESS_KEY" | rqrun vault aws add-config prod \\
          --region eu-west-1 --access-key-id AKIA... --secret-access-key -
      rqrun vault aws test
      rqrun vault aws add-secret db --secret-id app/db --mode json
      rqrun vault aws fetch db          # then {{vault:db.username}} in requests
    """


# ---- reading secrets safely ------------------------------------------------------------------


class _SecretReader:
    """Reads hidden values: prompts on a terminal, else successive lines of stdin."""

    def __init__(self) -> None:
        self._lines: list[str] | None = None

    def read(self, label: str) -> str:
        stdin = sys.stdin
        if stdin is None:
            raise UsageError(f"no stdin to read the {label} from")
        if stdin.isatty():
            value: str = click.prompt(label.capitalize(), hide_input=True, err=True)
        else:
            if self._lines is None:
                self._lines = stdin.read().splitlines()
            if not self._lines:
                raise UsageError(f"no {label} on stdin", hint="pipe one value per line: secret access key, then session token")
            value = self._lines.pop(0)
        value = value.strip()
        if not value:
            raise UsageError(f"empty {label}")
        return value


def _stdin_only(option: str, value: str | None) -> None:
    if value is not None and value != _STDIN:
        # Never echo the value: it is a secret that was just put into the shell history.
        raise UsageError(
            f"{option} does not take the value on the command line (it would be visible in the process list "
            "and shell history)",
            hint=f"give {option} - and type it at the prompt or pipe it on stdin",
        )


def _check_key_id(key_id: str, *, local_endpoint: bool) -> None:
    """AWS key ids are 16-128 letters and digits; a custom endpoint (LocalStack, moto) takes dummies like ``test``."""
    if local_endpoint:
        if not 1 <= len(key_id) <= 128 or not all(c.isascii() and (c.isalnum() or c in "_-") for c in key_id):
            raise UsageError("invalid --access-key-id", hint="use up to 128 letters, digits, '_' or '-' (e.g. test)")
        return
    if not all(c.isalnum() for c in key_id) or not 16 <= len(key_id) <= 128:
        raise UsageError(
            "invalid --access-key-id",
            hint="an access key id is 16-128 letters and digits (AKIA...); with --endpoint-url "
            "(LocalStack, moto) dummy keys such as 'test' are accepted",
        )


# ---- configurations --------------------------------------------------------------------------


@aws.command("add-config")
@click.argument("name")
@click.option("--region", required=True, help="AWS region, e.g. eu-west-1.")
@click.option("--display-name", metavar="TEXT", help="A label shown by list-configs (default: NAME).")
@click.option("--access-key-id", metavar="ID", help="Static keys: the access key id.")
@click.option("--secret-access-key", metavar="-", help="Static keys: '-' (prompt, or stdin line 1). Never a value.")
@click.option("--session-token", metavar="-", help="Temporary keys: '-' (prompt, or stdin line 2). Never a value.")
@click.option("--profile", metavar="P", help="Use the named AWS profile (SSO, assume-role, credential_process).")
@click.option("--default-chain", is_flag=True, help="Use the standard AWS credential chain (CI, instance roles).")
@click.option(
    "--endpoint-url",
    metavar="URL",
    help="Custom endpoint (LocalStack, moto; short dummy keys such as 'test' are then accepted); else AWS_ENDPOINT_URL applies.",
)
@click.option("--replace", is_flag=True, help="Overwrite a configuration of this name (keeps its secrets).")
@click.pass_context
def add_config_cmd(
    ctx: click.Context,
    name: str,
    region: str,
    display_name: str | None,
    access_key_id: str | None,
    secret_access_key: str | None,
    session_token: str | None,
    profile: str | None,
    default_chain: bool,
    endpoint_url: str | None,
    replace: bool,
) -> None:
    """Store an AWS configuration. It is not tested: run `rqrun vault aws test NAME` next.

    \b
    Exactly one credential kind:
      --access-key-id ID --secret-access-key - [--session-token -]   static keys, stored encrypted
      --profile P                                                   a profile of ~/.aws/config
      --default-chain                                               environment, OIDC, instance role
    """
    from rqrun.vault import aws as provider
    from rqrun.vault.aws_client import Credentials

    _stdin_only("--secret-access-key", secret_access_key)
    _stdin_only("--session-token", session_token)
    static = access_key_id is not None or secret_access_key is not None or session_token is not None
    kinds = [k for k, on in (("static", static), ("profile", profile is not None), ("default-chain", default_chain)) if on]
    if len(kinds) != 1:
        raise UsageError(
            "choose one credential kind: --access-key-id with --secret-access-key -, --profile P, or --default-chain"
        )
    creds = None
    if static:
        if not access_key_id:
            raise UsageError("--secret-access-key and --session-token need --access-key-id")
        _check_key_id(access_key_id, local_endpoint=endpoint_url is not None)
        reader = _SecretReader()
        secret = reader.read("secret access key")
        token = reader.read("session token") if session_token == _STDIN else None
        creds = Credentials(access_key_id, secret, token)
    store = _open(ctx)
    active = provider.add_config(
        store,
        name,
        region=region,
        kind=kinds[0],
        display_name=display_name,
        profile=profile,
        endpoint_url=endpoint_url,
        credentials=creds,
        replace=replace,
    )
    _info(f"stored AWS configuration {name!r}{' (active)' if active else ''}; check it with: rqrun vault aws test {name}")


def _test_text(test: dict[str, Any] | None) -> str:
    if not test:
        return "not tested"
    if test.get("ok"):
        return f"ok {test.get('at', '')} ({test.get('arn') or 'unknown identity'})"
    err = test.get("error") or {}
    return f"failed {test.get('at', '')}: {err.get('category', 'error')}"


@aws.command("list-configs")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def list_configs_cmd(ctx: click.Context, as_json: bool) -> None:
    """List configurations: which is active, region, credential kind, last test, last error."""
    from rqrun.vault import aws as provider

    infos = provider.list_configs(_open(ctx))
    if as_json:
        rows = [
            {
                "name": i.name,
                "display_name": i.display_name,
                "active": i.active,
                "region": i.region,
                "kind": i.kind,
                "credentials": i.credentials,
                "endpoint_url": i.endpoint_url,
                "secrets": i.secrets,
                "last_test": i.last_test,
                "error": i.error,
            }
            for i in infos
        ]
        click.echo(json.dumps({"configs": rows}, indent=2, ensure_ascii=False))
        return
    if not infos:
        _info("no AWS configurations; add one with: rqrun vault aws add-config NAME --region R ...")
        return
    table = [("", "NAME", "DISPLAY NAME", "REGION", "CREDENTIALS", "SECRETS", "STATUS")]
    for i in infos:
        status = _test_text(i.last_test)
        if i.error:
            status += f"; last error: {i.error.get('category')}: {i.error.get('message', '')}"
        creds = i.credentials + (f" @ {i.endpoint_url}" if i.endpoint_url else "")
        table.append(("*" if i.active else " ", i.name, i.display_name, i.region, creds, str(i.secrets), status))
    widths = [max(len(row[c]) for row in table) for c in range(6)]
    for row in table:
        click.echo("  ".join(row[c].ljust(widths[c]) for c in range(6)) + "  " + row[6])


@aws.command("use")
@click.argument("name")
@click.pass_context
def use_cmd(ctx: click.Context, name: str) -> None:
    """Make NAME the active configuration (its secrets resolve as {{vault:alias}})."""
    from rqrun.vault import aws as provider

    provider.use_config(_open(ctx), name)
    _info(f"active AWS configuration: {name}")


@aws.command("test")
@click.argument("name", required=False)
@click.pass_context
def test_cmd(ctx: click.Context, name: str | None) -> None:
    """Test a configuration (default: the active one): GetCallerIdentity, then ListSecrets."""
    from rqrun.vault import aws as provider
    from rqrun.vault.aws_errors import CATEGORY_HINTS

    chosen, report = provider.test_config(_open(ctx), name)
    if not report.ok:
        failure = report.failure
        raise ProviderError(
            f"AWS configuration {chosen!r} failed the connection test at {report.step}: {failure.one_line()}",
            hint=CATEGORY_HINTS.get(failure.category) or None,
        )
    source = f" via {report.credential_source}" if report.credential_source else ""
    click.echo(f"ok: {chosen}: connected as {report.arn} (account {report.account}){source}")
    for warning in report.warnings:
        _info(f"warning: {warning}")


@aws.command("remove-config")
@click.argument("name")
@click.option("--force", is_flag=True, help="Also delete its secret mappings and cached values.")
@click.pass_context
def remove_config_cmd(ctx: click.Context, name: str, force: bool) -> None:
    """Delete a configuration (refused while it has secret mappings, unless --force)."""
    from rqrun.vault import aws as provider

    removed = provider.remove_config(_open(ctx), name, force=force)
    _info(f"removed AWS configuration {name!r}" + (f" and {removed} secret mapping(s)" if removed else ""))


# ---- secret mappings -------------------------------------------------------------------------


_config_option = click.option("--config", "config", metavar="NAME", help="Configuration (default: the active one).")


@aws.command("add-secret")
@click.argument("alias")
@click.option("--secret-id", required=True, metavar="NAME_OR_ARN", help="Secret name, full ARN or partial ARN.")
@click.option("--mode", type=click.Choice(["plaintext", "json"]), default="plaintext", show_default=True)
@_config_option
@click.option("--version-stage", metavar="S", help="Staging label (default AWSCURRENT).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST", help="Only send it to HOST (repeatable).")
@click.option("--replace", is_flag=True, help="Change an existing mapping (drops its cached value).")
@click.option("--fetch", "fetch_now", is_flag=True, help="Fetch it right away.")
@click.pass_context
def add_secret_cmd(
    ctx: click.Context,
    alias: str,
    secret_id: str,
    mode: str,
    config: str | None,
    version_stage: str | None,
    allow_hosts: tuple[str, ...],
    replace: bool,
    fetch_now: bool,
) -> None:
    """Map ALIAS ({{vault:ALIAS}}) to an AWS secret. JSON mode: {{vault:ALIAS.key.sub}} too."""
    from rqrun.vault import aws as provider

    store = _open(ctx)
    chosen, shadows = provider.add_secret(
        store,
        alias,
        secret_id=secret_id,
        mode=mode,
        config=config,
        version_stage=version_stage,
        allow_hosts=list(allow_hosts) or None,
        replace=replace,
    )
    _info(f"mapped {alias!r} to {secret_id} ({mode}) in AWS configuration {chosen!r}")
    if shadows:
        _info(f"warning: the local secret {alias!r} is hidden by this alias while {chosen!r} is active")
    if fetch_now:
        _report_fetch(store, [alias], chosen)


@aws.command("remove-secret")
@click.argument("alias")
@_config_option
@click.pass_context
def remove_secret_cmd(ctx: click.Context, alias: str, config: str | None) -> None:
    """Delete a mapping and its cached value."""
    from rqrun.vault import aws as provider

    chosen = provider.remove_secret(_open(ctx), alias, config=config)
    _info(f"removed {alias!r} from AWS configuration {chosen!r}")


def _report_fetch(store: Any, aliases: list[str] | None, config: str | None, as_json: bool = False) -> None:
    """Fetch, print one line per secret, and exit 5 (ProviderError) if any failed."""
    from rqrun.vault import aws as provider

    chosen, outcomes = provider.refresh(store, aliases, config=config)
    failed = [o for o in outcomes if not o.ok]
    if as_json:
        rows = [
            {
                "alias": o.alias,
                "ok": o.ok,
                "version_id": o.version_id,
                "changed": o.changed,
                "cached": o.cached,
                "fetched_at": o.fetched_at,
                "error": (
                    {"category": o.failure.category, "code": o.failure.code, "message": o.failure.message}
                    if o.failure
                    else None
                ),
                "warnings": o.warnings,
            }
            for o in outcomes
        ]
        click.echo(json.dumps({"config": chosen, "secrets": rows}, indent=2, ensure_ascii=False))
    else:
        if not outcomes:
            _info(f"no secrets are mapped in AWS configuration {chosen!r}")
        for outcome in outcomes:
            click.echo(outcome.describe())
            for warning in outcome.warnings:
                _info(f"warning: {outcome.alias}: {warning}")
    if failed:
        if len(outcomes) == 1:
            message = f"fetching {failed[0].alias!r} failed: {failed[0].failure.one_line()}"  # type: ignore[union-attr]
        else:
            message = f"{len(failed)} of {len(outcomes)} secrets failed to refresh: " + ", ".join(o.alias for o in failed)
        kept = " (cached values kept)" if any(o.cached for o in failed) else ""
        raise ProviderError(message + kept, hint="rqrun vault list shows each secret's error")


@aws.command("fetch")
@click.argument("alias")
@_config_option
@click.pass_context
def fetch_cmd(ctx: click.Context, alias: str, config: str | None) -> None:
    """Call GetSecretValue now and cache the value (encrypted)."""
    _report_fetch(_open(ctx), [alias], config)


@aws.command("refresh")
@click.argument("alias")
@_config_option
@click.pass_context
def refresh_cmd(ctx: click.Context, alias: str, config: str | None) -> None:
    """Replace the cached value with the current one (kept if the fetch fails)."""
    _report_fetch(_open(ctx), [alias], config)


@aws.command("refresh-all")
@_config_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable per-secret report.")
@click.pass_context
def refresh_all_cmd(ctx: click.Context, config: str | None, as_json: bool) -> None:
    """Refresh every secret of the active configuration (a few at a time); exit 5 if any failed."""
    _report_fetch(_open(ctx), None, config, as_json=as_json)


@aws.command("move-to-local")
@click.argument("alias")
@_config_option
@click.option("--replace", is_flag=True, help="Overwrite a local secret of the same name.")
@click.pass_context
def move_to_local_cmd(ctx: click.Context, alias: str, config: str | None, replace: bool) -> None:
    """Turn ALIAS into a local secret with its last fetched value (editable, no longer linked)."""
    from rqrun.vault import aws as provider

    chosen = provider.move_to_local(_open(ctx), alias, config=config, replace=replace)
    _info(f"{alias!r} is now a local secret (was linked to AWS configuration {chosen!r})")
