"""Shared test constants and the fault injector for the AWS provider tests (imported by name:
several ``conftest`` modules exist, so ``from conftest import`` would be ambiguous)."""

from __future__ import annotations

import json
from typing import Any

from rqrun.vault import aws
from rqrun.vault.aws_client import Credentials

__all__ = ["REGION", "KEY_ID", "SECRET_KEY", "CREDS", "Faults"]

REGION = "us-east-1"
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
CREDS = Credentials(KEY_ID, SECRET_KEY)



class Faults:
    """Answers chosen GetSecretValue calls with an AWS error, keyed by SecretId.

    Registered on ``before-call``: the answer short-circuits the HTTP layer (so no retries and
    no backoff, like botocore's Stubber) but still goes through botocore's error mapping. The
    other secrets are answered by moto as usual.
    """

    def __init__(self) -> None:
        self.errors: dict[str, tuple[int, str, str]] = {}
        self.calls: list[str] = []

    def fail(self, secret_id: str, status: int, code: str, message: str) -> None:
        self.errors[secret_id] = (status, code, message)

    def hook(self, params: dict[str, Any], **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        secret_id = json.loads(params["body"])["SecretId"]
        self.calls.append(secret_id)
        if secret_id not in self.errors:
            return None
        status, code, message = self.errors[secret_id]
        parsed = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}
        return AWSResponse("https://secretsmanager.invalid/", status, {}, None), parsed

    def factory(self, cfg: Any, creds: Any, service: str, region: str | None) -> Any:
        client = aws._default_factory(cfg, creds, service, region)
        client.meta.events.register_first("before-call.secrets-manager.GetSecretValue", self.hook)
        return client
