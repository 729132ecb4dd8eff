"""Fixtures for the AWS provider: fake credentials, a private vault, moto, and fault injection.

Nothing here can reach AWS: the environment holds fake keys, no profile, no shared config
files and no instance metadata, and every client runs inside moto's ``mock_aws``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import rqrun.vault
from rqrun.vault import Vault, aws

from aws_kit import CREDS, REGION, Faults


@pytest.fixture(autouse=True)
def aws_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private RQRUN_HOME with a fixed raw key, fake AWS keys and nothing real to fall back on."""
    import os

    for name in list(os.environ):
        if name.startswith(("AWS_", "RQRUN_")):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    monkeypatch.setenv("RQRUN_HOME", str(home))
    monkeypatch.setenv("RQRUN_VAULT_KEY", base64.b64encode(bytes(range(32))).decode())
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    yield home
    rqrun.vault.close_all()


@pytest.fixture
def moto() -> Iterator[None]:
    from moto import mock_aws

    with mock_aws():
        yield


@pytest.fixture
def sm(moto: None) -> Any:
    """A Secrets Manager client on moto, to seed and rotate secrets."""
    import boto3

    return boto3.client("secretsmanager", region_name=REGION)


@pytest.fixture
def vault(aws_env: Path) -> Vault:
    return Vault(aws_env / "vault.json", notify=lambda m: None)


@pytest.fixture
def fresh(aws_env: Path) -> Callable[[], Vault]:
    """A new Vault object on the same file: what the next process would see."""
    return lambda: Vault(aws_env / "vault.json", notify=lambda m: None)


@pytest.fixture
def prod(vault: Vault, moto: None) -> Vault:
    """A vault with one active static configuration ``prod``."""
    aws.add_config(vault, "prod", region=REGION, kind="static", credentials=CREDS)
    return vault


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> Faults:
    injected = Faults()
    monkeypatch.setattr(aws, "client_factory", injected.factory)
    return injected
