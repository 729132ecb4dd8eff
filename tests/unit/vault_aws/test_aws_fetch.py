"""Fetching with moto: ids (name, full ARN, partial ARN), modes, binary, rotation, missing and deleted."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rqrun.errors import ProviderError, SecretNotFound, UsageError, VaultError
from rqrun.vault import Vault, aws

DB = {"username": "admin", "password": "s3cret-pw", "port": 5432, "ratio": 1.50, "hosts": ["h1", "h2"]}
DB_TEXT = json.dumps(DB).replace("1.5", "1.50")


def _one(vault: Vault, alias: str) -> aws.FetchOutcome:
    _, (outcome,) = aws.refresh(vault, [alias])
    return outcome


def test_fetch_by_name_full_arn_and_partial_arn(prod: Vault, sm: Any, fresh: Callable[[], Vault]) -> None:
    arn = sm.create_secret(Name="app/token", SecretString="tok-123456")["ARN"]
    partial = arn.rsplit("-", 1)[0]
    assert arn != partial and partial.endswith(":secret:app/token")
    for alias, secret_id in (("by_name", "app/token"), ("by_arn", arn), ("by_partial", partial)):
        aws.add_secret(prod, alias, secret_id=secret_id)
        outcome = _one(prod, alias)
        assert outcome.ok and outcome.changed and outcome.version_id
    vault = fresh()
    assert [vault.get(a) for a in ("by_name", "by_arn", "by_partial")] == ["tok-123456"] * 3
    doc = vault.document()
    cache = next(e for e in doc["secrets"] if e["name"] == "by_partial")["cache"]
    assert cache["arn"] == arn and cache["secret_name"] == "app/token" and cache["encoding"] == "utf-8"
    assert cache["fetched_at"] and cache["version_stages"] == ["AWSCURRENT"]


def test_values_are_stored_encrypted(prod: Vault, sm: Any, aws_env: Path) -> None:
    sm.create_secret(Name="app/db", SecretString=DB_TEXT)
    aws.add_secret(prod, "db", secret_id="app/db", mode="json")
    assert _one(prod, "db").ok
    raw = (aws_env / "vault.json").read_text()
    assert "s3cret-pw" not in raw and "admin" not in raw and '"secret_id": "app/db"' in raw


def test_plaintext_and_json_modes(prod: Vault, sm: Any, fresh: Callable[[], Vault]) -> None:
    sm.create_secret(Name="app/db", SecretString=DB_TEXT)
    aws.add_secret(prod, "db", secret_id="app/db", mode="json")
    aws.add_secret(prod, "dbraw", secret_id="app/db", mode="plaintext")
    aws.refresh(prod)
    vault = fresh()
    assert vault.get("db") == DB_TEXT == vault.get("dbraw")  # the bare alias is the raw text
    assert vault.get("db.username") == "admin" and vault.get("db.ratio") == "1.50" and vault.get("db.port") == "5432"
    assert vault.get("db.hosts") == '["h1","h2"]' and vault.get("db.hosts.1") == "h2"
    assert vault.get("db.missing") is None and vault.get("dbraw.username") is None
    assert vault.has("db.password") and not vault.has("db.nope") and not vault.has("dbraw.username")


def test_json_alias_may_not_contain_a_dot(prod: Vault) -> None:
    with pytest.raises(UsageError, match="may not contain '.'"):
        aws.add_secret(prod, "db.prod", secret_id="x", mode="json")
    aws.add_secret(prod, "db.prod", secret_id="x", mode="plaintext")  # fine in plaintext mode


def test_binary_secret_is_base64_in_plaintext_mode_and_an_error_in_json_mode(prod: Vault, sm: Any) -> None:
    sm.create_secret(Name="blob", SecretBinary=b"\x00\x01binary\xff")
    aws.add_secret(prod, "blob", secret_id="blob")
    aws.add_secret(prod, "blobjson", secret_id="blob", mode="json")
    _, outcomes = aws.refresh(prod)
    assert [o.ok for o in outcomes] == [True, False]
    assert base64.b64decode(prod.get("blob") or "") == b"\x00\x01binary\xff"
    assert outcomes[1].failure.category == "format" and "binary" in outcomes[1].failure.message
    with pytest.raises(ProviderError, match="this secret is binary"):
        prod.get("blobjson")  # never fetched successfully: the on-demand fetch fails the same way


def test_rotation_then_refresh(prod: Vault, sm: Any, fresh: Callable[[], Vault]) -> None:
    sm.create_secret(Name="app/key", SecretString='{"apiKey": "v1"}')
    aws.add_secret(prod, "key", secret_id="app/key", mode="json")
    first = _one(prod, "key")
    assert prod.get("key.apiKey") == "v1"
    again = _one(prod, "key")
    assert again.ok and not again.changed and again.version_id == first.version_id
    new_version = sm.put_secret_value(SecretId="app/key", SecretString='{"apiKey": "v2"}')["VersionId"]
    assert prod.get("key.apiKey") == "v1"  # caches never expire on their own
    rotated = _one(prod, "key")
    assert rotated.ok and rotated.changed and rotated.version_id == new_version
    assert fresh().get("key.apiKey") == "v2"


def test_version_stage(prod: Vault, sm: Any) -> None:
    sm.create_secret(Name="app/key", SecretString="one")
    aws.add_secret(prod, "previous", secret_id="app/key", version_stage="AWSPREVIOUS")
    before = _one(prod, "previous")
    assert before.failure is not None and before.failure.category == "not-found"  # no previous version yet
    sm.put_secret_value(SecretId="app/key", SecretString="two")
    assert _one(prod, "previous").ok and prod.get("previous") == "one"


def test_missing_secret_is_not_found_and_nothing_cached(prod: Vault, sm: Any, fresh: Callable[[], Vault]) -> None:
    aws.add_secret(prod, "ghost", secret_id="no/such/secret")
    outcome = _one(prod, "ghost")
    assert not outcome.ok and not outcome.cached
    assert outcome.failure.category == "not-found" and outcome.failure.code == "ResourceNotFoundException"
    assert "'no/such/secret'" in outcome.failure.message and "us-east-1" in outcome.failure.message
    (entry,) = [e for e in fresh().entries() if e.key == "ghost"]
    assert entry.error and entry.error["category"] == "not-found" and entry.error["at"] and not entry.cached


def test_deleted_secret_keeps_the_cache(prod: Vault, sm: Any, fresh: Callable[[], Vault]) -> None:
    sm.create_secret(Name="app/old", SecretString="still-usable")
    aws.add_secret(prod, "old", secret_id="app/old")
    assert _one(prod, "old").ok
    sm.delete_secret(SecretId="app/old", RecoveryWindowInDays=7)
    outcome = _one(prod, "old")
    assert not outcome.ok and outcome.cached and outcome.failure.category == "not-found"
    assert outcome.failure.code == "InvalidRequestException"
    vault = fresh()
    assert vault.get("old") == "still-usable" and vault.provider_error("old")["category"] == "not-found"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('"a string"', "got string"),
        ("[1]", "got array"),
        ('{"a": 1, "a": 2}', "duplicate key"),
        ('{"a": NaN}', "NaN"),
        ("{not json", "invalid JSON"),
    ],
)
def test_bad_json_is_a_format_error_and_keeps_the_old_cache(prod: Vault, sm: Any, text: str, needle: str) -> None:
    sm.create_secret(Name="app/cfg", SecretString='{"ok": "yes"}')
    aws.add_secret(prod, "cfg", secret_id="app/cfg", mode="json")
    assert _one(prod, "cfg").ok
    sm.put_secret_value(SecretId="app/cfg", SecretString=text)
    outcome = _one(prod, "cfg")
    assert outcome.failure is not None and outcome.failure.category == "format" and needle in outcome.failure.message
    assert prod.get("cfg.ok") == "yes" and prod.get("cfg") == '{"ok": "yes"}'


def test_flatten_warnings_are_kept_with_the_cache(prod: Vault, sm: Any) -> None:
    sm.create_secret(Name="app/x", SecretString='{"a.b": "literal", "a": {"b": "nested"}}')
    aws.add_secret(prod, "x", secret_id="app/x", mode="json")
    outcome = _one(prod, "x")
    assert outcome.ok and outcome.warnings and prod.get("x.a.b") == "literal"
    assert next(e for e in prod.document()["secrets"] if e["name"] == "x")["cache"]["warnings"] == outcome.warnings


def test_refresh_all_covers_the_active_config_only(prod: Vault, sm: Any) -> None:
    for i in range(6):
        sm.create_secret(Name=f"s{i}", SecretString=f"value-{i}")
        aws.add_secret(prod, f"k{i}", secret_id=f"s{i}")
    aws.add_config(prod, "staging", region="us-east-1", kind="default-chain")
    aws.add_secret(prod, "stg", secret_id="s0", config="staging")
    name, outcomes = aws.refresh(prod)
    assert name == "prod" and [o.alias for o in outcomes] == [f"k{i}" for i in range(6)] and all(o.ok for o in outcomes)
    assert [prod.get(f"k{i}") for i in range(6)] == [f"value-{i}" for i in range(6)]
    assert not prod.has("stg")
    assert aws.refresh(prod, config="staging")[1][0].ok
    aws.use_config(prod, "staging")
    assert prod.get("stg") == "value-0" and not prod.has("k0")


def test_unknown_alias_duplicate_alias_and_no_config(vault: Vault, moto: None) -> None:
    with pytest.raises(VaultError, match="no AWS configuration is active"):
        aws.add_secret(vault, "a", secret_id="x")
    aws.add_config(vault, "prod", region="us-east-1", kind="default-chain")
    with pytest.raises(SecretNotFound, match="'nope' is not mapped"):
        aws.refresh(vault, ["nope"])
    aws.add_secret(vault, "a", secret_id="x")
    with pytest.raises(UsageError, match="already mapped"):
        aws.add_secret(vault, "a", secret_id="y")
    with pytest.raises(VaultError, match="no AWS configuration named 'other'"):
        aws.add_secret(vault, "b", secret_id="y", config="other")


def test_remove_secret(prod: Vault, sm: Any) -> None:
    sm.create_secret(Name="s", SecretString="v")
    aws.add_secret(prod, "a", secret_id="s")
    assert _one(prod, "a").ok
    assert aws.remove_secret(prod, "a") == "prod" and not prod.has("a")
    with pytest.raises(SecretNotFound):
        aws.remove_secret(prod, "a")


def test_profile_config_with_an_unknown_profile_records_a_config_error(vault: Vault, moto: None) -> None:
    aws.add_config(vault, "p", region="us-east-1", kind="profile", profile="nobody-has-this")
    aws.add_secret(vault, "a", secret_id="s")
    _, (outcome,) = aws.refresh(vault)
    assert outcome.failure.category == "config" and outcome.failure.code == "ProfileNotFound"
    (info,) = aws.list_configs(vault)
    assert info.error is not None and info.error["category"] == "config"


def test_a_mapping_changed_during_the_fetch_is_not_overwritten(prod: Vault, sm: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sm.create_secret(Name="one", SecretString="first")
    sm.create_secret(Name="two", SecretString="second")
    aws.add_secret(prod, "a", secret_id="one")
    real = aws._merge

    def racing(vault: Vault, *args: Any) -> Any:
        aws.add_secret(vault, "a", secret_id="two", replace=True)  # a concurrent `add-secret --replace`
        return real(vault, *args)

    monkeypatch.setattr(aws, "_merge", racing)
    _, (outcome,) = aws.refresh(prod, ["a"])
    assert not outcome.ok and outcome.failure.code == "MappingChanged"
    entry = next(e for e in prod.document()["secrets"] if e["name"] == "a")
    assert entry["secret_id"] == "two" and "cache" not in entry
