"""`rqrun vault aws` argument handling through the real entry point (no AWS call is made here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

KEY_ID = "AKIACLITESTKEY000042"
SECRET = "cli-secret-access-key-9Qx"
TOKEN = "cli-session-token-FwoGZX"


def _add(run_cli: Any, name: str = "prod", *extra: str, input: str | None = SECRET + "\n") -> Any:
    return run_cli(
        "vault", "aws", "add-config", name, "--region", "us-east-1",
        "--access-key-id", KEY_ID, "--secret-access-key", "-", *extra, input=input,
    )


def test_secrets_are_never_accepted_in_argv(run_cli: Any, rqrun_home: Path) -> None:
    for option in ("--secret-access-key", "--session-token"):
        args = ["--secret-access-key", "-"] if option == "--session-token" else []
        result = run_cli(
            "vault", "aws", "add-config", "prod", "--region", "us-east-1", "--access-key-id", KEY_ID,
            *args, option, "plain-value-in-argv", input=SECRET + "\n",
        )
        assert result.code == 2, result
        assert f"{option} does not take the value on the command line" in result.stderr
        assert "plain-value-in-argv" not in result.output
    assert not (rqrun_home / "vault.json").exists()


def test_static_keys_with_session_token_from_stdin(run_cli: Any, rqrun_home: Path) -> None:
    added = _add(run_cli, "prod", "--session-token", "-", "--display-name", "Production", input=f"{SECRET}\n{TOKEN}\n")
    assert added.code == 0, added
    assert "stored AWS configuration 'prod' (active)" in added.stderr and "rqrun vault aws test prod" in added.stderr
    listed = run_cli("vault", "aws", "list-configs")
    assert listed.code == 0
    header, row = listed.stdout.splitlines()
    assert header.split()[:3] == ["NAME", "DISPLAY", "NAME"] and row.split()[:4] == ["*", "prod", "Production", "us-east-1"]
    assert "access key …0042 + session token" in row and "not tested" in row
    raw = (rqrun_home / "vault.json").read_text()
    for secret in (SECRET, TOKEN, KEY_ID):
        assert secret not in raw and secret not in added.output and secret not in listed.output


def test_missing_stdin_and_bad_combinations_are_usage_errors(run_cli: Any) -> None:
    cases = [
        (_add(run_cli, input=None), "no secret access key on stdin"),
        (_add(run_cli, "prod", "--session-token", "-", input=SECRET + "\n"), "no session token on stdin"),
        (_add(run_cli, "prod", "--profile", "p"), "choose one credential kind"),
        (run_cli("vault", "aws", "add-config", "x", "--region", "us-east-1"), "choose one credential kind"),
        (run_cli("vault", "aws", "add-config", "x", "--region", "us-east-1", "--secret-access-key", "-"), "need --access-key-id"),
        (run_cli("vault", "aws", "add-config", "x", "--region", "us-east-1", "--access-key-id", "no!", input="s\n"), "invalid --access-key-id"),
        (run_cli("vault", "aws", "add-config", "x y", "--region", "us-east-1", "--default-chain"), "invalid configuration name"),
        (run_cli("vault", "aws", "add-config", "x", "--region", "us-east-1", "--default-chain", "--endpoint-url", "nope"), "invalid endpoint URL"),
    ]
    for result, needle in cases:
        assert result.code == 2 and needle in result.stderr, result


def test_configs_use_remove_and_mappings(run_cli: Any) -> None:
    assert _add(run_cli).code == 0
    assert run_cli("vault", "aws", "add-config", "stg", "--region", "eu-west-1", "--profile", "staging").code == 0
    assert run_cli("vault", "aws", "add-config", "ci", "--region", "eu-west-3", "--default-chain",
                   "--endpoint-url", "http://127.0.0.1:4566").code == 0
    dup = _add(run_cli)
    assert dup.code == 2 and "--replace" in dup.stderr
    assert run_cli("vault", "aws", "use", "stg").code == 0
    configs = {c["name"]: c for c in json.loads(run_cli("vault", "aws", "list-configs", "--json").stdout)["configs"]}
    assert [n for n, c in configs.items() if c["active"]] == ["stg"]
    assert configs["stg"]["credentials"] == "profile staging" and configs["ci"]["endpoint_url"] == "http://127.0.0.1:4566"
    assert run_cli("vault", "aws", "use", "nope").code == 5

    dotted = run_cli("vault", "aws", "add-secret", "db.x", "--secret-id", "app/db", "--mode", "json")
    assert dotted.code == 2 and "may not contain '.'" in dotted.stderr
    assert run_cli("vault", "aws", "add-secret", "db", "--secret-id", "app/db", "--mode", "json").code == 0
    assert run_cli("vault", "aws", "add-secret", "db", "--secret-id", "app/db", "--config", "prod").code == 0
    assert run_cli("vault", "aws", "add-secret", "x", "--secret-id", "s", "--config", "nope").code == 5
    listing = json.loads(run_cli("vault", "list", "--json").stdout)
    assert [(s["key"], s["source"], s["status"]) for s in listing["secrets"]] == [
        ("db", "aws:prod", "inactive config; not fetched"),
        ("db", "aws:stg", "not fetched"),
    ]
    busy = run_cli("vault", "aws", "remove-config", "stg")
    assert busy.code == 2 and "still has 1 secret mapping(s): db" in busy.stderr
    assert run_cli("vault", "aws", "remove-secret", "db").code == 0
    assert run_cli("vault", "aws", "remove-secret", "db").code == 5
    assert run_cli("vault", "aws", "remove-config", "stg").code == 0
    forced = run_cli("vault", "aws", "remove-config", "prod", "--force")
    assert forced.code == 0 and "and 1 secret mapping(s)" in forced.stderr
    assert json.loads(run_cli("vault", "list", "--json").stdout)["secrets"] == []


def test_fetch_errors_without_aws(run_cli: Any) -> None:
    none = run_cli("vault", "aws", "fetch", "db")
    assert none.code == 5 and "no AWS configuration is active" in none.stderr
    assert run_cli("vault", "aws", "add-config", "ci", "--region", "us-east-1", "--default-chain").code == 0
    unknown = run_cli("vault", "aws", "refresh", "db")
    assert unknown.code == 5 and "'db' is not mapped in AWS configuration 'ci'" in unknown.stderr
    empty = run_cli("vault", "aws", "refresh-all")
    assert empty.code == 0 and "no secrets are mapped" in empty.stderr
    never = run_cli("vault", "aws", "add-secret", "db", "--secret-id", "s")
    assert never.code == 0
    move = run_cli("vault", "aws", "move-to-local", "db")
    assert move.code == 5 and "never been fetched" in move.stderr


@pytest.mark.parametrize("command", ["--help"])
def test_help_lists_every_command(run_cli: Any, command: str) -> None:
    result = run_cli("vault", "aws", command)
    assert result.code == 0
    for name in ("add-config", "list-configs", "use", "test", "remove-config", "add-secret", "remove-secret",
                 "fetch", "refresh", "refresh-all", "move-to-local"):
        assert name in result.stdout
