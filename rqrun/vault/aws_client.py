"""botocore at the edge: isolated sessions, clients, GetSecretValue and the connection test.

Every ``botocore`` import is inside a function, so a run that resolves cached values never
loads it (about 0.2 s saved). Each configuration gets its own ``botocore.session.Session``:

- static keys: the session ignores ``AWS_PROFILE`` (a stray profile in the environment would
  otherwise raise ``ProfileNotFound`` before the explicit keys are even looked at), and the
  keys are passed to the client explicitly, so they beat the whole credential chain;
- a named profile: ``Session(profile=P)``, which brings SSO, assume-role and
  ``credential_process`` for free;
- the default chain: a plain session (environment, web identity, instance roles...).

An endpoint URL set on the configuration wins; otherwise botocore honours
``AWS_ENDPOINT_URL`` (the end-to-end tests point it at a local moto server).
Retries and timeouts are explicit, so they do not depend on the botocore version or on
``~/.aws/config``.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "KINDS",
    "AwsConfig",
    "Credentials",
    "FetchedValue",
    "ConnectionReport",
    "client_config",
    "new_client",
    "region_of",
    "get_secret",
    "test_connection",
]

KINDS = ("static", "profile", "default-chain")
_ARN_RE = re.compile(r"arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:.+")


@dataclass(frozen=True)
class AwsConfig:
    """A stored configuration, without its credentials (those stay sealed until a call needs them)."""

    name: str
    region: str
    kind: str
    display_name: str = ""
    profile: str | None = None
    endpoint_url: str | None = None

    @classmethod
    def from_record(cls, name: str, record: dict[str, Any]) -> AwsConfig:
        return cls(
            name=name,
            region=str(record.get("region") or ""),
            kind=str(record.get("kind") or "default-chain"),
            display_name=str(record.get("display_name") or name),
            profile=record.get("profile"),
            endpoint_url=record.get("endpoint_url"),
        )


@dataclass(frozen=True)
class Credentials:
    """Static keys. The repr hides all three; :meth:`secrets` lists what messages must never show."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None = None

    def __repr__(self) -> str:
        return f"Credentials(access_key_id=…{self.access_key_id[-4:]}, secret_access_key=<hidden>, session_token=<hidden>)"

    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.secret_access_key, self.session_token, self.access_key_id) if s)

    def to_record(self) -> dict[str, str | None]:
        return {
            "aws_access_key_id": self.access_key_id,
            "aws_secret_access_key": self.secret_access_key,
            "aws_session_token": self.session_token,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Credentials:
        return cls(record["aws_access_key_id"], record["aws_secret_access_key"], record.get("aws_session_token"))


@dataclass(frozen=True, repr=False)
class FetchedValue:
    """What GetSecretValue returned, with binary values as base64 text."""

    value: str
    encoding: str  # "utf-8" for SecretString, "base64" for SecretBinary
    arn: str | None
    name: str | None
    version_id: str | None
    version_stages: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"FetchedValue(arn={self.arn!r}, version_id={self.version_id!r}, encoding={self.encoding!r}, value=<hidden>)"


@dataclass
class ConnectionReport:
    """The result of ``rqrun vault aws test``: who we are, and whether Secrets Manager answers."""

    ok: bool
    account: str | None = None
    arn: str | None = None
    credential_source: str | None = None
    warnings: list[str] = field(default_factory=list)
    failure: Any = None  # an aws_errors.AwsFailure when not ok
    step: str = ""


def client_config(*, attempts: int = 3) -> Any:
    """Standard retries, a short connect timeout: an interactive CLI must not hang for 60 s."""
    from botocore.config import Config

    return Config(
        retries={"mode": "standard", "max_attempts": attempts},
        connect_timeout=3,
        read_timeout=10,
        user_agent_appid="rqrun",
    )


def _session(cfg: AwsConfig) -> Any:
    import botocore.session

    if cfg.kind == "static":
        # Ignore AWS_PROFILE: explicit keys must work whatever profile the shell has selected.
        return botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    if cfg.kind == "profile":
        return botocore.session.Session(profile=cfg.profile)
    return botocore.session.Session()


def new_client(cfg: AwsConfig, creds: Credentials | None, service: str, region: str | None = None) -> Any:
    """A client for ``service`` built from its own session (sessions are not thread-safe; clients are)."""
    kwargs: dict[str, Any] = {"region_name": region or cfg.region or None, "config": client_config()}
    if cfg.endpoint_url:
        kwargs["endpoint_url"] = cfg.endpoint_url
    if cfg.kind == "static":
        if creds is None:
            raise ValueError("static configuration without credentials")
        kwargs.update(
            aws_access_key_id=creds.access_key_id,
            aws_secret_access_key=creds.secret_access_key,
            aws_session_token=creds.session_token or None,
        )
    return _session(cfg).create_client(service, **kwargs)


def region_of(secret_id: str) -> str | None:
    """The region inside a full or partial Secrets Manager ARN, else None (a plain name)."""
    found = _ARN_RE.fullmatch(secret_id)
    return found.group(1) if found else None


def get_secret(client: Any, secret_id: str, version_stage: str | None = None) -> FetchedValue:
    """GetSecretValue; botocore exceptions propagate to the caller, which classifies them."""
    params: dict[str, Any] = {"SecretId": secret_id}
    if version_stage:
        params["VersionStage"] = version_stage
    response = client.get_secret_value(**params)
    if response.get("SecretString") is not None:
        value, encoding = str(response["SecretString"]), "utf-8"
    elif response.get("SecretBinary") is not None:
        value, encoding = base64.b64encode(bytes(response["SecretBinary"])).decode("ascii"), "base64"
    else:
        value, encoding = "", "utf-8"
    return FetchedValue(
        value=value,
        encoding=encoding,
        arn=response.get("ARN"),
        name=response.get("Name"),
        version_id=response.get("VersionId"),
        version_stages=tuple(response.get("VersionStages") or ()),
    )


def test_connection(cfg: AwsConfig, creds: Credentials | None) -> ConnectionReport:
    """``sts:GetCallerIdentity`` (needs no permission), then ``ListSecrets`` with one result.

    AccessDenied on ListSecrets is only a warning: least-privilege users may read their
    secrets without being allowed to list them.
    """
    from rqrun.vault.aws_errors import classify

    secrets = creds.secrets() if creds else ()
    report = ConnectionReport(ok=False, step="sts:GetCallerIdentity")
    try:
        sts = new_client(cfg, creds, "sts")
        identity = sts.get_caller_identity()
        report.account, report.arn = identity.get("Account"), identity.get("Arn")
        if cfg.kind != "static":
            found = _session(cfg).get_credentials()
            report.credential_source = getattr(found, "method", None)
    except Exception as exc:  # noqa: BLE001 - every failure is classified and reported
        report.failure = classify(exc, secrets)
        return report
    report.step = "secretsmanager:ListSecrets"
    try:
        new_client(cfg, creds, "secretsmanager").list_secrets(MaxResults=1)
    except Exception as exc:  # noqa: BLE001
        failure = classify(exc, secrets)
        if failure.category != "forbidden":
            report.failure = failure
            return report
        report.warnings.append("credentials OK; secretsmanager:ListSecrets is not permitted (not required to fetch)")
    report.ok = True
    return report
