"""Resolution through the Vault facade the runner uses: get/has/set/unset/allowed_hosts."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rqrun.errors import ProviderError, UsageError, VaultError
from rqrun.vault import Vault, aws

from aws_kit import Faults


@pytest.fixture
def db(prod: Vault, sm: Any) -> Vault:
    sm.create_secret(Name="app/db", SecretString='{"username": "admin", "password": "pw-1"}')
    aws.add_secret(prod, "db", secret_id="app/db", mode="json", allow_hosts=["db.example.com"])
    return prod


def test_unfetched_alias_is_fetched_once_on_demand(db: Vault, faults: Faults, fresh: Callable[[], Vault]) -> None:
    assert db.has("db") and db.has("db.username")  # has() never calls AWS
    assert faults.calls == []
    assert db.get("db.username") == "admin" and db.get("db.password") == "pw-1"
    assert faults.calls == ["app/db"]
    assert fresh().get("db.password") == "pw-1"  # cached for the next process


def test_aws_wins_over_a_local_duplicate_and_exact_keys_win_over_dotted(db: Vault, sm: Any) -> None:
    aws.refresh(db)
    # Local entries of the same names: written before the alias was mapped would be shadowed.
    aws.remove_secret(db, "db")
    db.set("db", "local-db")
    db.set("db.username", "local-exact")
    aws.add_secret(db, "db", secret_id="app/db", mode="json")
    assert db.get("db") == '{"username": "admin", "password": "pw-1"}'  # AWS wins on the same key
    assert db.get("db.username") == "local-exact"  # an exact key beats a dotted lookup
    assert db.get("db.password") == "pw-1"
    shadowed = [e for e in db.entries() if e.source == "local" and e.shadowed_by]
    assert [(e.key, e.shadowed_by) for e in shadowed] == [("db", "aws:prod")]


def test_set_and_unset_refuse_aws_keys_with_a_clear_message(db: Vault) -> None:
    aws.refresh(db)
    for call in (
        lambda: db.set("db", "x"),
        lambda: db.unset("db"),
        lambda: db.set("db.username", "x"),
        lambda: db.unset("db.password"),
    ):
        with pytest.raises(VaultError) as info:
            call()
        text = info.value.one_line()
        assert "'db' is linked to AWS Secrets Manager (config prod); read-only from scripts; use move-to-local" in text
    assert db.is_read_only("db") and db.is_read_only("db.username") and not db.is_read_only("other")


def test_move_to_local_keeps_value_hosts_and_json_expansion(db: Vault, fresh: Callable[[], Vault]) -> None:
    aws.refresh(db)
    assert aws.move_to_local(db, "db") == "prod"
    vault = fresh()
    assert not vault.is_read_only("db") and vault.get("db.username") == "admin"
    assert vault.allowed_hosts("db") == ["db.example.com"] and vault.allowed_hosts("db.password") == ["db.example.com"]
    (entry,) = vault.entries()
    assert entry.source == "local"
    vault.set("db", '{"username": "edited"}')
    assert fresh().get("db.username") == "edited"
    vault.set("db", "plain now")
    assert vault.get("db") == "plain now" and vault.get("db.username") is None
    assert vault.unset("db") and not vault.has("db")


def test_move_to_local_needs_a_cached_value_and_respects_local_secrets(db: Vault) -> None:
    with pytest.raises(ProviderError, match="never been fetched"):
        aws.move_to_local(db, "db")
    aws.refresh(db)
    aws.remove_secret(db, "db")
    db.set("db", "mine")
    aws.add_secret(db, "db", secret_id="app/db", mode="json")
    aws.refresh(db)
    with pytest.raises(UsageError, match="already exists"):
        aws.move_to_local(db, "db")
    aws.move_to_local(db, "db", replace=True)
    assert db.get("db.username") == "admin" and len(db.entries()) == 1


def test_allowed_hosts_of_dotted_keys_are_the_alias_hosts(db: Vault) -> None:
    assert db.allowed_hosts("db.username") == ["db.example.com"]
    assert db.allowed_hosts("nothing.here") is None


def test_aws_config_override_for_one_run(db: Vault, sm: Any, fresh: Callable[[], Vault]) -> None:
    sm.create_secret(Name="stg/db", SecretString='{"username": "stg-admin"}')
    aws.add_config(db, "staging", region="us-east-1", kind="default-chain")
    aws.add_secret(db, "db", secret_id="stg/db", mode="json", config="staging")
    run = fresh()
    run.use_aws_config("staging")
    assert run.get("db.username") == "stg-admin"
    assert fresh().get("db.username") == "admin"  # the stored active configuration is unchanged
    bogus = fresh()
    bogus.use_aws_config("nope")
    with pytest.raises(VaultError, match="no AWS configuration named 'nope'"):
        bogus.get("db.username")


def test_tampered_mapping_fails_closed(db: Vault, aws_env: Path, fresh: Callable[[], Vault]) -> None:
    aws.refresh(db)
    path = aws_env / "vault.json"
    doc = json.loads(path.read_text())
    doc["secrets"][0]["secret_id"] = "app/other"  # relabel the cached value as another secret's
    path.write_text(json.dumps(doc))
    with pytest.raises(VaultError, match="does not authenticate"):
        fresh().get("db.username")


def test_cached_resolution_does_not_import_boto(db: Vault, aws_env: Path) -> None:
    aws.refresh(db)
    code = (
        "import sys; from rqrun.vault import open_vault; v = open_vault(sys.argv[1]); "
        "assert v.get('db.username') == 'admin' and v.get('db') and v.allowed_hosts('db.password'); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'moto')); "
        "bad += [m for m in ('rqrun.vault.aws', 'rqrun.vault.aws_client', 'rqrun.vault.aws_configs') if m in sys.modules]; "
        "assert not bad, bad; assert 'rqrun.vault.aws_provider' in sys.modules  # routing only"
    )
    subprocess.run([sys.executable, "-c", code, str(aws_env / "vault.json")], check=True)
