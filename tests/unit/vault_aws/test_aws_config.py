"""Configurations: kinds, one active, encrypted keys, isolation from AWS_PROFILE, connection test."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rqrun.errors import UsageError, VaultError
from rqrun.vault import Vault, aws
from rqrun.vault.aws_client import Credentials, client_config, new_client, region_of

from aws_kit import CREDS, KEY_ID, REGION, SECRET_KEY


def test_first_config_becomes_active_and_use_switches(vault: Vault, fresh: Callable[[], Vault]) -> None:
    assert aws.add_config(vault, "prod", region=REGION, kind="static", credentials=CREDS)
    assert not aws.add_config(vault, "staging", region="eu-west-1", kind="profile", profile="stg", display_name="Staging")
    assert not aws.add_config(vault, "ci", region="eu-west-3", kind="default-chain")
    assert fresh().active_config("aws") == "prod"
    aws.use_config(vault, "staging")
    infos = {i.name: i for i in aws.list_configs(fresh())}
    assert [n for n, i in infos.items() if i.active] == ["staging"]
    assert infos["prod"].credentials == f"access key …{KEY_ID[-4:]}"
    assert infos["staging"].credentials == "profile stg" and infos["staging"].display_name == "Staging"
    assert infos["ci"].credentials == "default credential chain"
    with pytest.raises(VaultError, match="no AWS configuration named 'nope'"):
        aws.use_config(vault, "nope")


def test_static_keys_are_encrypted_and_bound_to_the_config(vault: Vault, aws_env: Path) -> None:
    token = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"
    aws.add_config(vault, "prod", region=REGION, kind="static", credentials=Credentials(KEY_ID, SECRET_KEY, token))
    raw = (aws_env / "vault.json").read_text()
    for secret in (KEY_ID, SECRET_KEY, token, KEY_ID[-4:] + '"'):
        assert secret not in raw
    assert "session token" in aws.list_configs(vault)[0].credentials
    # Copying the sealed keys to another configuration name makes them fail to authenticate.
    doc = json.loads(raw)
    doc["aws"]["configs"]["copy"] = dict(doc["aws"]["configs"]["prod"])
    (aws_env / "vault.json").write_text(json.dumps(doc))
    with pytest.raises(VaultError, match="'copy' do not authenticate"):
        aws.list_configs(Vault(aws_env / "vault.json", notify=lambda m: None))


def test_credentials_never_in_reprs() -> None:
    text = repr(Credentials(KEY_ID, SECRET_KEY, "tok-EXAMPLE-123")) + repr(CREDS)
    assert SECRET_KEY not in text and "tok-EXAMPLE" not in text and KEY_ID not in text and "…MPLE" in text


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"name": "bad name"}, "invalid configuration name"),
        ({"region": "US EAST"}, "invalid region"),
        ({"kind": "static", "credentials": None}, "static keys need credentials"),
        ({"kind": "profile", "profile": None, "credentials": None}, "profile"),
        ({"endpoint_url": "ftp://x"}, "invalid endpoint URL"),
    ],
)
def test_invalid_configs_are_usage_errors(vault: Vault, kwargs: dict[str, Any], needle: str) -> None:
    args: dict[str, Any] = {"name": "prod", "region": REGION, "kind": "static", "credentials": CREDS, **kwargs}
    with pytest.raises(UsageError, match=needle):
        aws.add_config(vault, args.pop("name"), **args)


def test_replace_keeps_mappings_and_active_state(prod: Vault) -> None:
    aws.add_secret(prod, "db", secret_id="app/db")
    with pytest.raises(UsageError, match="already exists"):
        aws.add_config(prod, "prod", region=REGION, kind="static", credentials=CREDS)
    new = Credentials(KEY_ID, "another-secret-key-value", "new-session-token")
    assert aws.add_config(prod, "prod", region="eu-west-1", kind="static", credentials=new, replace=True)
    assert prod.is_read_only("db") and aws.list_configs(prod)[0].region == "eu-west-1"


def test_remove_config_refuses_with_mappings_unless_forced(prod: Vault) -> None:
    aws.add_config(prod, "other", region=REGION, kind="default-chain")
    aws.add_secret(prod, "db", secret_id="app/db")
    with pytest.raises(UsageError, match="still has 1 secret mapping"):
        aws.remove_config(prod, "prod")
    assert aws.remove_config(prod, "prod", force=True) == 1
    assert prod.active_config("aws") == "other" and not prod.has("db")
    assert aws.remove_config(prod, "other") == 0 and prod.active_config("aws") is None
    with pytest.raises(VaultError):
        aws.remove_config(prod, "other")


def test_client_config_is_explicit() -> None:
    config = client_config()
    assert config.retries == {"mode": "standard", "max_attempts": 3}
    assert (config.connect_timeout, config.read_timeout) == (3, 10)


def test_static_keys_ignore_a_stray_aws_profile(monkeypatch: pytest.MonkeyPatch, moto: None) -> None:
    cfg = aws.AwsConfig(name="prod", region=REGION, kind="static")
    new_client(cfg, CREDS, "secretsmanager").list_secrets()  # moto builds its backends (with boto3) first
    monkeypatch.setenv("AWS_PROFILE", "does-not-exist")
    client = new_client(cfg, CREDS, "secretsmanager")
    assert client.list_secrets()["SecretList"] == []
    creds = client._request_signer._credentials
    assert (creds.access_key, creds.secret_key) == (KEY_ID, SECRET_KEY)  # explicit keys, not the env ones


def test_endpoint_url_from_config_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    env_only = aws.AwsConfig(name="a", region=REGION, kind="static")
    explicit = aws.AwsConfig(name="b", region=REGION, kind="static", endpoint_url="http://127.0.0.1:2")
    assert new_client(env_only, CREDS, "secretsmanager").meta.endpoint_url == "http://127.0.0.1:1"
    assert new_client(explicit, CREDS, "sts").meta.endpoint_url == "http://127.0.0.1:2"


def test_region_of_arns() -> None:
    assert region_of("arn:aws:secretsmanager:eu-west-3:123456789012:secret:app/db-AbCdEf") == "eu-west-3"
    assert region_of("arn:aws:secretsmanager:us-west-2:123456789012:secret:app/db") == "us-west-2"
    assert region_of("app/db") is None


def test_connection_test_records_identity(prod: Vault, fresh: Callable[[], Vault]) -> None:
    name, report = aws.test_config(prod)
    assert name == "prod" and report.ok and report.account == "123456789012" and report.arn.endswith("user/moto")
    (info,) = aws.list_configs(fresh())
    assert info.last_test is not None and info.last_test["ok"] and info.last_test["arn"] == report.arn


def test_connection_test_failure_is_recorded_and_config_kept(vault: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    aws.add_config(vault, "prod", region=REGION, kind="static", credentials=CREDS)
    _, report = aws.test_config(vault, "prod")
    assert not report.ok and report.failure.category == "network" and report.step == "sts:GetCallerIdentity"
    (info,) = aws.list_configs(vault)
    assert info.last_test["ok"] is False and info.error["category"] == "network"


def test_list_secrets_access_denied_is_only_a_warning(prod: Vault, faults: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from rqrun.vault import aws_client

    real = aws_client.new_client

    def denying(cfg: Any, creds: Any, service: str, region: Any = None) -> Any:
        client = real(cfg, creds, service, region)
        if service == "secretsmanager":
            client.meta.events.register_first("before-call.secrets-manager.ListSecrets", _deny)
        return client

    monkeypatch.setattr(aws_client, "new_client", denying)
    _, report = aws.test_config(prod)
    assert report.ok and report.warnings and "ListSecrets is not permitted" in report.warnings[0]


def _deny(**_: Any) -> Any:
    from botocore.awsrequest import AWSResponse

    parsed = {"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}, "ResponseMetadata": {"HTTPStatusCode": 400}}
    return AWSResponse("https://x.invalid/", 400, {}, None), parsed
