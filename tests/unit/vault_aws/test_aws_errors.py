"""Error classification: both code sets, moto's XML bodies, botocore's own exceptions, scrubbing."""

from __future__ import annotations

from typing import Any

import pytest
from botocore import exceptions as bce

from rqrun.vault.aws_errors import CATEGORIES, CATEGORY_HINTS, classify, scrub


def _client_error(code: str, message: str = "msg", status: int = 400) -> bce.ClientError:
    return bce.ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}, "GetSecretValue"
    )


def _moto_xml(code: str, message: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse>\n  <Errors>\n    <Error>\n'
        f"      <Code>{code}</Code>\n      <Message><![CDATA[{message}]]></Message>\n"
        "    </Error>\n  </Errors>\n</ErrorResponse>"
    )


@pytest.mark.parametrize(
    ("code", "status", "category"),
    [
        # JSON-protocol codes (real Secrets Manager)
        ("UnrecognizedClientException", 400, "auth"),
        ("InvalidSignatureException", 400, "auth"),
        ("IncompleteSignature", 400, "auth"),
        ("MissingAuthenticationToken", 403, "auth"),
        ("ExpiredTokenException", 400, "auth-expired"),
        ("AccessDeniedException", 400, "forbidden"),
        ("ResourceNotFoundException", 404, "not-found"),
        ("DecryptionFailure", 400, "kms"),
        ("ThrottlingException", 400, "throttled"),
        ("TooManyRequestsException", 400, "throttled"),
        ("InternalServiceError", 500, "transient"),
        ("ServiceUnavailable", 503, "transient"),
        ("InvalidParameterException", 400, "config"),
        # query-protocol codes (STS, and moto for every service)
        ("InvalidClientTokenId", 403, "auth"),
        ("SignatureDoesNotMatch", 403, "auth"),
        ("ExpiredToken", 400, "auth-expired"),
        ("AccessDenied", 403, "forbidden"),
        ("RequestExpired", 400, "auth"),
        # status fallbacks
        ("SomethingNew", 502, "transient"),
        ("SomethingNew", 429, "throttled"),
        ("", 403, "auth"),
        ("SomethingNew", 400, "error"),
    ],
)
def test_client_error_codes(code: str, status: int, category: str) -> None:
    failure = classify(_client_error(code, "m", status))
    assert failure.category == category
    assert failure.category in CATEGORIES and failure.category in CATEGORY_HINTS


def test_kms_access_denied_is_kms() -> None:
    assert classify(_client_error("AccessDeniedException", "Access to KMS is not allowed")).category == "kms"


def test_deleted_secret_is_not_found_other_invalid_requests_are_config() -> None:
    deleted = "You can't perform this operation on the secret because it was marked for deletion."
    assert classify(_client_error("InvalidRequestException", deleted)).category == "not-found"
    assert classify(_client_error("InvalidRequestException", "managed by another service")).category == "config"


@pytest.mark.parametrize(
    ("xml_code", "category"),
    [("InvalidClientTokenId", "auth"), ("SignatureDoesNotMatch", "auth"), ("AccessDenied", "forbidden")],
)
def test_moto_xml_bodies_are_read(xml_code: str, category: str) -> None:
    """moto answers auth failures of JSON services with XML botocore cannot parse: Code='403'."""
    error = _client_error("403", _moto_xml(xml_code, "The security token included in the request is invalid."), 403)
    failure = classify(error)
    assert (failure.category, failure.code) == (category, xml_code)
    assert failure.message == "The security token included in the request is invalid."


@pytest.mark.parametrize(
    ("exc", "category"),
    [
        (bce.NoCredentialsError(), "auth"),
        (bce.PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"), "auth"),
        (bce.CredentialRetrievalError(provider="process", error_msg="boom"), "auth"),
        (bce.SSOTokenLoadError(error_msg="expired"), "auth-expired"),
        (bce.UnauthorizedSSOTokenError(), "auth-expired"),
        (bce.TokenRetrievalError(provider="sso", error_msg="x"), "auth-expired"),
        (bce.ProfileNotFound(profile="missing"), "config"),
        (bce.NoRegionError(), "config"),
        (bce.EndpointConnectionError(endpoint_url="http://127.0.0.1:9"), "network"),
        (bce.ConnectTimeoutError(endpoint_url="http://127.0.0.1:9"), "network"),
        (bce.ReadTimeoutError(endpoint_url="http://127.0.0.1:9"), "network"),
        (bce.SSLError(endpoint_url="https://x", error="bad cert"), "network"),
        (ConnectionResetError("reset"), "network"),
        (ValueError("odd"), "error"),
    ],
)
def test_botocore_exceptions(exc: BaseException, category: str) -> None:
    failure = classify(exc)
    assert failure.category == category and failure.code == type(exc).__name__ and failure.message


def test_scrub_removes_credentials_xml_and_newlines() -> None:
    secret, token = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "FwoGZXIvYXdzEXAMPLETOKEN"
    message = f"bad\nsignature for {secret} with\ttoken {token} and key AKIAIOSFODNN7EXAMPLE"
    failure = classify(_client_error("InvalidSignatureException", message), (secret, token, "AKIAIOSFODNN7EXAMPLE"))
    assert secret not in failure.message and token not in failure.message and "AKIA" not in failure.message
    assert "\n" not in failure.message and failure.message.count("****") == 3
    assert len(scrub("x" * 5000)) == 300
    assert scrub(_moto_xml("AccessDenied", "User: arn:aws:iam::1:user/u isn&apos;t authorized")) == (
        "User: arn:aws:iam::1:user/u isn't authorized"
    )


def test_failure_records_and_lines() -> None:
    failure = classify(_client_error("ThrottlingException", "Rate exceeded"))
    record: dict[str, Any] = failure.as_record("2026-01-01T00:00:00Z")
    assert record == {"category": "throttled", "code": "ThrottlingException", "message": "Rate exceeded", "at": "2026-01-01T00:00:00Z"}
    assert failure.one_line() == "throttled: Rate exceeded (ThrottlingException)"
