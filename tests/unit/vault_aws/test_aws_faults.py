"""Faults moto cannot produce (expired token, throttling, 5xx, KMS, denied on one secret).

Each is injected on one secret, after a good fetch: the failure is recorded with its
category, the cached value stays and still resolves, and the other secrets are unaffected.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from rqrun.errors import ProviderError
from rqrun.vault import Vault, aws

from aws_kit import SECRET_KEY, Faults

FAULTS = [
    (400, "ExpiredTokenException", "The security token included in the request is expired", "auth-expired"),
    (400, "ThrottlingException", "Rate exceeded", "throttled"),
    (500, "InternalServiceError", "An error occurred on the server side.", "transient"),
    (503, "ServiceUnavailable", "Service Unavailable", "transient"),
    (400, "DecryptionFailure", "Secrets Manager can't decrypt the protected secret text using the provided KMS key.", "kms"),
    (400, "AccessDeniedException", "Access to KMS is not allowed", "kms"),
    (400, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
     "secretsmanager:GetSecretValue on resource: app/b", "forbidden"),
    (400, "UnrecognizedClientException", "The security token included in the request is invalid.", "auth"),
    (400, "InvalidSignatureException", "Signature expired: 20260101T000000Z is now earlier than ...", "auth"),
]


@pytest.fixture
def three(prod: Vault, sm: Any) -> Vault:
    for name in ("a", "b", "c"):
        sm.create_secret(Name=f"app/{name}", SecretString=json.dumps({"v": f"{name}-1"}))
        aws.add_secret(prod, name, secret_id=f"app/{name}", mode="json")
    _, outcomes = aws.refresh(prod)
    assert all(o.ok for o in outcomes)
    for name in ("a", "b", "c"):
        sm.put_secret_value(SecretId=f"app/{name}", SecretString=json.dumps({"v": f"{name}-2"}))
    return prod


@pytest.mark.parametrize(("status", "code", "message", "category"), FAULTS, ids=[f[1] + "-" + f[3] for f in FAULTS])
def test_fault_on_one_secret_is_recorded_and_the_cache_kept(
    three: Vault, faults: Faults, fresh: Callable[[], Vault], status: int, code: str, message: str, category: str
) -> None:
    faults.fail("app/b", status, code, message)
    name, outcomes = aws.refresh(three)
    assert sorted(faults.calls) == ["app/a", "app/b", "app/c"]
    by_alias = {o.alias: o for o in outcomes}
    assert by_alias["a"].ok and by_alias["c"].ok and by_alias["a"].changed
    failed = by_alias["b"]
    assert not failed.ok and failed.cached and failed.failure.category == category and failed.failure.code == code
    assert "cached value from" in failed.describe() and f"{category}:" in failed.describe()
    vault = fresh()
    assert (vault.get("a.v"), vault.get("b.v"), vault.get("c.v")) == ("a-2", "b-1", "c-2")
    recorded = {e.key: e for e in vault.entries()}["b"]
    assert recorded.cached and recorded.error is not None
    assert (recorded.error["category"], recorded.error["code"]) == (category, code) and recorded.error["at"]
    assert vault.provider_error("b.v") == recorded.error and vault.provider_error("a") is None
    # The next good refresh clears the error.
    faults.errors.clear()
    assert all(o.ok for o in aws.refresh(vault)[1]) and fresh().provider_error("b") is None


def test_auth_failures_mark_the_configuration(three: Vault, faults: Faults) -> None:
    for secret_id in ("app/a", "app/b", "app/c"):
        faults.fail(secret_id, 400, "ExpiredTokenException", "expired")
    aws.refresh(three)
    (info,) = aws.list_configs(three)
    assert info.error is not None and info.error["category"] == "auth-expired"
    faults.errors.clear()
    aws.refresh(three, ["a"])
    assert aws.list_configs(three)[0].error is None


def test_forbidden_on_one_secret_does_not_mark_the_configuration(three: Vault, faults: Faults) -> None:
    faults.fail("app/b", 400, "AccessDeniedException", "not authorized")
    aws.refresh(three)
    assert aws.list_configs(three)[0].error is None


def test_on_demand_fetch_failure_without_cache_is_a_provider_error(prod: Vault, sm: Any, faults: Faults) -> None:
    sm.create_secret(Name="app/new", SecretString="v")
    aws.add_secret(prod, "new", secret_id="app/new")
    faults.fail("app/new", 400, "ThrottlingException", "Rate exceeded")
    for _ in range(3):
        with pytest.raises(ProviderError) as info:
            prod.get("new")
        assert info.value.exit_code == 5 and "throttled" in info.value.one_line()
    assert faults.calls == ["app/new"]  # once per process, not once per placeholder


def _json_error(status: int, code: str, message: str) -> Callable[..., Any]:
    """A before-send hook answering like Secrets Manager does on the wire (awsJson1.1)."""
    from botocore.awsrequest import AWSResponse

    class _Raw:
        def __init__(self, body: bytes) -> None:
            self.body = body

        def stream(self, **_: Any) -> Any:
            yield self.body

    calls: list[int] = []

    def hook(request: Any, **_: Any) -> Any:
        calls.append(1)
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "r-1"}
        return AWSResponse(request.url, status, headers, _Raw(body))

    hook.calls = calls  # type: ignore[attr-defined]
    return hook


@pytest.mark.parametrize(
    ("status", "code", "category", "attempts"),
    [(400, "ExpiredTokenException", "auth-expired", 1), (500, "InternalServiceError", "transient", 4)],
)
def test_wire_errors_go_through_botocore_parsing_and_retries(
    three: Vault, monkeypatch: pytest.MonkeyPatch, status: int, code: str, category: str, attempts: int
) -> None:
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)  # no sleeping
    hook = _json_error(status, code, f"{code} happened for {SECRET_KEY}")

    def factory(cfg: Any, creds: Any, service: str, region: Any) -> Any:
        client = aws._default_factory(cfg, creds, service, region)
        client.meta.events.register_first("before-send.secrets-manager.GetSecretValue", hook)
        return client

    monkeypatch.setattr(aws, "client_factory", factory)
    _, (outcome,) = aws.refresh(three, ["a"])
    assert outcome.failure is not None and (outcome.failure.category, outcome.failure.code) == (category, code)
    assert len(hook.calls) == attempts  # standard mode: auth errors are not retried, 5xx are (3 retries)
    assert SECRET_KEY not in outcome.failure.message and "****" in outcome.failure.message
    assert three.get("a.v") == "a-1"
