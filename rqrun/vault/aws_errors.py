"""Turning botocore failures into the per-secret error rqrun records: category, code, message.

Classification goes by the error *code*, never by exception class (auth and throttling errors
are plain ``ClientError``s), and accepts both code sets: the JSON-protocol ones real Secrets
Manager sends (``UnrecognizedClientException``...) and the query-protocol ones STS and moto
send (``InvalidClientTokenId``...). moto answers auth failures of JSON services with an XML
body botocore cannot parse (``Code='403'``), so the code is then read from ``<Code>`` in the
message, and the HTTP status is the last resort (``reference/aws_vault.md`` §1.3, §2.4).

Messages are cut down to one line, stripped of XML, and scrubbed of every credential the
caller passes, so nothing secret reaches the vault file, ``vault list`` or a report.
botocore is imported inside :func:`classify` only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["CATEGORIES", "AwsFailure", "classify", "scrub", "CATEGORY_HINTS"]

#: Every category a recorded error can have.
CATEGORIES = (
    "auth",  # bad or unknown keys, bad signature, clock skew, no credentials at all
    "auth-expired",  # an STS/SSO session that has expired
    "forbidden",  # valid credentials without the permission (IAM or KMS)
    "not-found",  # wrong name/ARN/region/version stage, or a secret marked for deletion
    "throttled",  # over the request quota (botocore already retried)
    "network",  # nothing answered: refused, timed out, TLS, proxy
    "transient",  # 5xx from AWS (botocore already retried)
    "config",  # unknown profile, no region, malformed parameter
    "kms",  # Secrets Manager could not decrypt with the KMS key
    "format",  # the value is not what the mapping's mode needs (JSON mode)
    "error",  # anything else
)

#: What to do about each category, appended to user-facing messages.
CATEGORY_HINTS = {
    "auth": "check the access key, secret key and system clock: rqrun vault aws test",
    "auth-expired": "renew the session (paste a new session token with add-config --replace, or `aws sso login`)",
    "forbidden": "the credentials lack secretsmanager:GetSecretValue (or kms:Decrypt) on this secret",
    "not-found": "check the secret name or ARN and the configuration's region",
    "throttled": "try again in a moment",
    "network": "check the network, the region and any endpoint URL",
    "transient": "AWS had a problem; try again",
    "config": "fix the configuration: rqrun vault aws list-configs",
    "kms": "check the secret's KMS key (enabled, and kms:Decrypt allowed)",
    "format": "fix the secret in AWS or map it with --mode plaintext",
    "error": "",
}

_AUTH = {
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "IncompleteSignature",
    "MissingAuthenticationToken",
    "InvalidAccessKeyId",
    "AuthFailure",
    "RequestExpired",
    "RequestTimeTooSkewed",
}
_EXPIRED = {"ExpiredTokenException", "ExpiredToken", "TokenRefreshRequired"}
_FORBIDDEN = {"AccessDeniedException", "AccessDenied", "NotAuthorized", "UnauthorizedOperation"}
_THROTTLED = {"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown"}
_TRANSIENT = {"InternalServiceError", "InternalFailure", "InternalServiceFailure", "ServiceUnavailable", "InternalError"}
_XML_CODE = re.compile(r"<Code>\s*([A-Za-z0-9.]+)\s*</Code>")
_XML_MESSAGE = re.compile(r"<Message>(.*?)</Message>", re.S)
_MAX_MESSAGE = 300


@dataclass(frozen=True)
class AwsFailure:
    """One classified failure: what went wrong, in words a user can act on."""

    category: str
    code: str
    message: str

    def as_record(self, at: str) -> dict[str, str]:
        """The ``error`` field stored on a vault entry."""
        return {"category": self.category, "code": self.code, "message": self.message, "at": at}

    def one_line(self) -> str:
        code = f" ({self.code})" if self.code and self.code not in self.message else ""
        return f"{self.category}: {self.message}{code}"


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """One line, no XML, at most 300 characters, with every given secret replaced by ``****``."""
    found = _XML_MESSAGE.search(text)
    if found:
        import html

        text = html.unescape(found.group(1).replace("<![CDATA[", "").replace("]]>", ""))
    text = " ".join(text.split())
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "****")
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 1] + "…"
    return text


def _client_error(response: dict[str, Any], secrets: Iterable[str]) -> AwsFailure:
    err = response.get("Error") or {}
    code = str(err.get("Code") or "")
    raw_message = str(err.get("Message") or "")
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0
    if not code or code.isdigit():
        found = _XML_CODE.search(raw_message)
        if found:
            code = found.group(1)  # an XML body botocore could not parse (moto auth, proxies)
    message = scrub(raw_message, secrets) or (f"HTTP {status}" if status else "")
    if code in _AUTH:
        category = "auth"
    elif code in _EXPIRED:
        category = "auth-expired"
    elif code in _FORBIDDEN:
        category = "forbidden"
    elif code == "ResourceNotFoundException":
        category = "not-found"
    elif code == "InvalidRequestException":
        # e.g. "You can't perform this operation on the secret because it was marked for deletion."
        category = "not-found" if "delet" in message.lower() else "config"
    elif code == "InvalidParameterException":
        category = "config"
    elif code in ("DecryptionFailure", "KMSAccessDeniedException", "KMSDisabledException", "KMSInvalidStateException"):
        category = "kms"
    elif code in _THROTTLED or status == 429:
        category = "throttled"
    elif code in _TRANSIENT or status >= 500:
        category = "transient"
    elif status in (401, 403):
        category = "auth"
    else:
        category = "error"
    if category == "forbidden" and "kms" in message.lower():
        category = "kms"  # "Access to KMS is not allowed": IAM is fine, the key policy is not
    return AwsFailure(category, code or (str(status) if status else "Unknown"), message or code)


def classify(exc: BaseException, secrets: Iterable[str] = ()) -> AwsFailure:
    """Classify a botocore (or socket-level) exception; unknown exceptions become ``error``."""
    from botocore import exceptions as bce

    secrets = list(secrets)
    name = type(exc).__name__
    if isinstance(exc, bce.ClientError):
        return _client_error(exc.response, secrets)
    message = scrub(str(exc), secrets) or name
    if isinstance(exc, (bce.NoCredentialsError, bce.PartialCredentialsError, bce.CredentialRetrievalError)):
        return AwsFailure("auth", name, message)
    expired = tuple(
        getattr(bce, n)
        for n in ("SSOError", "SSOTokenLoadError", "UnauthorizedSSOTokenError", "TokenRetrievalError", "LoginRefreshRequired")
        if hasattr(bce, n)
    )
    if expired and isinstance(exc, expired):
        return AwsFailure("auth-expired", name, message)
    if isinstance(exc, (bce.ProfileNotFound, bce.NoRegionError, bce.ParamValidationError, bce.InvalidRegionError)):
        return AwsFailure("config", name, message)
    if isinstance(exc, (bce.EndpointConnectionError, bce.ConnectTimeoutError, bce.ReadTimeoutError, bce.HTTPClientError)):
        return AwsFailure("network", name, message)
    if isinstance(exc, (bce.SSLError, bce.ProxyConnectionError, bce.ConnectionError)):
        return AwsFailure("network", name, message)
    if isinstance(exc, (OSError, TimeoutError)):
        return AwsFailure("network", name, message)
    return AwsFailure("error", name, message)
