"""AWS Secrets Manager end to end: the real CLI in subprocesses against moto on 127.0.0.1.

One ``ThreadedMotoServer`` serves the module (reset before each test); the CLI finds it
through ``AWS_ENDPOINT_URL``. "AWS is down" is a loopback port nothing listens on.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.build import api, folder, rows, write_collection

REGION = "us-east-1"
KEY_ID = "AKIAE2ETESTKEY000001"
SECRET_KEY = "e2e-secret-access-key-Zq81xT"
DB_USER, DB_PASS = "dbuser-e2e-7f3a9", "pw-e2e-Zx81-first"
NEW_PASS = "pw-e2e-Qm42-rotated"


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _post(url: str, body: bytes = b"", content_type: str = "text/plain") -> None:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


@pytest.fixture
def moto(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A clean moto, and an environment in this process that cannot reach real AWS."""
    _post(moto_url + "/moto-api/reset")
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    yield moto_url
    _post(moto_url + "/moto-api/reset-auth", b"inf")  # never leave IAM auth on for the next test


def _client(url: str, service: str, key: str = "seed", secret: str = "seed") -> Any:
    import boto3

    return boto3.client(service, region_name=REGION, endpoint_url=url, aws_access_key_id=key, aws_secret_access_key=secret)


@pytest.fixture
def dead_url() -> str:
    """A loopback port with nothing listening: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _env(url: str) -> dict[str, str]:
    return {"AWS_ENDPOINT_URL": url}


def _everything(result: Any, *paths: Path) -> str:
    texts = [result.stdout, result.stderr] + [p.read_text(encoding="utf-8") for p in paths if p.exists()]
    return "\n".join(texts)


def _collection(tmp_path: Path, url: str, *headers: tuple[str, str], pre: str = "") -> Path:
    return write_collection(
        tmp_path / "c.json",
        folder("c", "API"),
        api("r", "Uses AWS", "c", url + "/db", headers=rows(*headers), pre=pre),
    )


def _add_prod(run_cli: Any, url: str) -> None:
    added = run_cli(
        "vault", "aws", "add-config", "prod", "--region", REGION, "--display-name", "Production",
        "--access-key-id", KEY_ID, "--secret-access-key", "-", input=SECRET_KEY + "\n", env=_env(url),
    )
    assert added.code == 0, added
    assert SECRET_KEY not in added.output


def test_configure_fetch_run_rotate_refresh_and_survive_an_outage(
    run_cli: Any, moto: str, dead_url: str, tmp_path: Path, rqrun_home: Path, recording_server: Any
) -> None:
    sm = _client(moto, "secretsmanager")
    sm.create_secret(Name="app/db", SecretString=json.dumps({"username": DB_USER, "password": DB_PASS}))
    sm.create_secret(Name="app/token", SecretString="tok-e2e-plain-5521")
    env = _env(moto)
    _add_prod(run_cli, moto)
    tested = run_cli("vault", "aws", "test", env=env)
    assert tested.code == 0, tested
    assert "123456789012" in tested.stdout and "arn:aws:" in tested.stdout
    listed = run_cli("vault", "aws", "list-configs", "--json", env=env)
    (config,) = json.loads(listed.stdout)["configs"]
    assert config["active"] and config["credentials"] == "access key …0001" and config["last_test"]["ok"]
    assert KEY_ID not in listed.stdout and SECRET_KEY not in (rqrun_home / "vault.json").read_text()
    assert run_cli("vault", "aws", "add-secret", "db", "--secret-id", "app/db", "--mode", "json", env=env).code == 0
    assert run_cli("vault", "aws", "add-secret", "token", "--secret-id", "app/token", env=env).code == 0
    fetched = run_cli("vault", "aws", "fetch", "db", env=env)
    assert fetched.code == 0 and fetched.stdout.startswith("ok    db: version "), fetched

    report = tmp_path / "r.json"
    collection = _collection(tmp_path, recording_server.url, ("X-User", "{{vault:db.username}}"), ("X-Pass", "{{vault:db.password}}"))
    run_args = ("run", collection, "--reporters", "cli,json", "--reporter-json-export", report)
    first = run_cli(*run_args, env=env)
    assert first.code == 0, first
    assert (recording_server.requests.last.header("X-User"), recording_server.requests.last.header("X-Pass")) == (DB_USER, DB_PASS)
    everything = _everything(first, report)
    assert DB_USER not in everything and DB_PASS not in everything

    sm.put_secret_value(SecretId="app/db", SecretString=json.dumps({"username": DB_USER, "password": NEW_PASS}))
    refreshed = run_cli("vault", "aws", "refresh", "db", env=env)
    assert refreshed.code == 0 and "(changed)" in refreshed.stdout, refreshed
    second = run_cli(*run_args, env=env)
    assert second.code == 0 and recording_server.requests.last.header("X-Pass") == NEW_PASS
    assert NEW_PASS not in _everything(second, report)

    down = _env(dead_url)
    outage = run_cli("vault", "aws", "refresh-all", env=down)
    assert outage.code == 5, outage
    lines = outage.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("FAIL  ") and "network:" in line for line in lines)
    assert "FAIL  db:" in lines[0] and "FAIL  token:" in lines[1] and "[no cached value]" in lines[1]
    assert "cached value from" in lines[0] and "2 of 2 secrets failed to refresh" in outage.stderr
    as_json = run_cli("vault", "aws", "refresh-all", "--json", env=down)
    assert as_json.code == 5
    assert {s["alias"]: s["error"]["category"] for s in json.loads(as_json.stdout)["secrets"]} == {"db": "network", "token": "network"}
    listing = run_cli("vault", "list", "--json", env=down)
    status = {s["key"]: s for s in json.loads(listing.stdout)["secrets"]}
    assert status["db"]["error"]["category"] == "network" and "using cached value" in status["db"]["status"]
    assert status["db"]["error"]["code"] == "EndpointConnectionError"
    third = run_cli(*run_args, env=down)
    assert third.code == 0, third
    assert recording_server.requests.last.header("X-Pass") == NEW_PASS  # the cache still resolves
    assert NEW_PASS not in _everything(third, report)
    # the run report lists the errors of the secrets it used
    warnings = json.loads(report.read_text())["executions"][0]["warnings"]
    assert any("vault key 'db.password'" in w and "network" in w and "cached value was used" in w for w in warnings)


def _enable_auth(url: str) -> None:
    _post(url + "/moto-api/reset-auth", b"0")


def test_iam_auth_wrong_keys_fail_the_test_and_record_an_auth_error(run_cli: Any, moto: str, tmp_path: Path) -> None:
    sm = _client(moto, "secretsmanager")
    sm.create_secret(Name="app/db", SecretString=json.dumps({"username": DB_USER}))
    iam = _client(moto, "iam")
    iam.create_user(UserName="bare")  # valid keys, no policy
    bare = iam.create_access_key(UserName="bare")["AccessKey"]
    env = _env(moto)
    _add_prod(run_cli, moto)  # KEY_ID is not a key moto's IAM knows
    add_bare = run_cli(
        "vault", "aws", "add-config", "bare", "--region", REGION, "--access-key-id", bare["AccessKeyId"],
        "--secret-access-key", "-", input=bare["SecretAccessKey"] + "\n", env=env,
    )
    assert add_bare.code == 0, add_bare
    assert run_cli("vault", "aws", "add-secret", "db", "--secret-id", "app/db", "--mode", "json", env=env).code == 0
    assert run_cli("vault", "aws", "add-secret", "db", "--secret-id", "app/db", "--config", "bare", env=env).code == 0
    assert run_cli("vault", "aws", "fetch", "db", env=env).code == 0  # auth is still off: any key works

    _enable_auth(moto)
    tested = run_cli("vault", "aws", "test", "prod", env=env)
    assert tested.code == 5, tested
    (message,) = [line for line in tested.stderr.splitlines() if line.startswith("rqrun: error:")]
    assert "failed the connection test at sts:GetCallerIdentity" in message
    assert "auth:" in message and "InvalidClientTokenId" in message and "rqrun vault aws test" in message
    assert SECRET_KEY not in tested.output and "Traceback" not in tested.output

    fetched = run_cli("vault", "aws", "fetch", "db", env=env)
    assert fetched.code == 5 and "FAIL  db: auth:" in fetched.stdout and "[cached value from" in fetched.stdout, fetched
    status = {s["key"]: s for s in json.loads(run_cli("vault", "list", "--json", env=env).stdout)["secrets"]}
    assert status["db"]["error"]["category"] == "auth" and status["db"]["error"]["code"] == "InvalidClientTokenId"
    assert "<" not in status["db"]["error"]["message"]  # moto's XML body was reduced to its message
    assert run_cli("vault", "get", "db.username", env=env).stdout == DB_USER + "\n"  # still cached

    bare_test = run_cli("vault", "aws", "test", "bare", env=env)
    assert bare_test.code == 0 and "ListSecrets is not permitted" in bare_test.stderr, bare_test
    denied = run_cli("vault", "aws", "fetch", "db", "--config", "bare", env=env)
    assert denied.code == 5 and "FAIL  db: forbidden:" in denied.stdout and "[no cached value]" in denied.stdout


def test_aws_keys_are_read_only_until_moved_to_local(
    run_cli: Any, moto: str, tmp_path: Path, recording_server: Any
) -> None:
    _client(moto, "secretsmanager").create_secret(Name="app/db", SecretString=json.dumps({"username": DB_USER}))
    env = _env(moto)
    _add_prod(run_cli, moto)
    assert run_cli("vault", "aws", "add-secret", "db", "--secret-id", "app/db", "--mode", "json", "--fetch", env=env).code == 0
    expected = "'db' is linked to AWS Secrets Manager (config prod); read-only from scripts; use move-to-local"
    for args in (("vault", "set", "db", "x"), ("vault", "unset", "db"), ("vault", "set", "db.username", "x")):
        refused = run_cli(*args, env=env)
        assert refused.code == 5 and expected in refused.stderr, refused
    script = "try:\n    rq.vault.set('db', 'x')\nexcept Exception as e:\n    print('refused:', e)\nrq.vault.unset('db')\n"
    report = tmp_path / "r.json"
    collection = _collection(tmp_path, recording_server.url, ("X-User", "{{vault:db.username}}"), pre=script)
    run = run_cli("run", collection, "--reporters", "json", "--reporter-json-export", report, env=env)
    execution = run.json["executions"][0]
    assert any("refused:" in line and "read-only from scripts" in line for line in execution["console"]), execution
    assert execution["error"]["type"] == "script" and expected in execution["error"]["message"]

    moved = run_cli("vault", "aws", "move-to-local", "db", env=env)
    assert moved.code == 0, moved
    assert run_cli("vault", "set", "db", '{"username": "edited-locally"}', env=env).code == 0
    assert run_cli("vault", "get", "db.username", env=env).stdout == "edited-locally\n"
    rows_ = json.loads(run_cli("vault", "list", "--json", env=env).stdout)["secrets"]
    assert [(r["key"], r["source"]) for r in rows_] == [("db", "local")]


def test_cached_only_run_never_imports_boto(
    run_cli: Any, moto: str, dead_url: str, tmp_path: Path, recording_server: Any
) -> None:
    """A run on cached values alone must not pay for boto3; an unfetched alias is fetched on demand."""
    sm = _client(moto, "secretsmanager")
    sm.create_secret(Name="app/db", SecretString=json.dumps({"username": DB_USER}))
    sm.create_secret(Name="app/late", SecretString="late-value-e2e-881")
    env = _env(moto)
    _add_prod(run_cli, moto)
    assert run_cli("vault", "aws", "add-secret", "db", "--secret-id", "app/db", "--mode", "json", "--fetch", env=env).code == 0
    assert run_cli("vault", "aws", "add-secret", "late", "--secret-id", "app/late", env=env).code == 0

    cached = _collection(tmp_path, recording_server.url, ("X-User", "{{vault:db.username}}"))
    quiet = run_cli("run", cached, env={**_env(dead_url), "PYTHONPROFILEIMPORTTIME": "1"})
    assert quiet.code == 0, quiet
    assert "import time:" in quiet.stderr  # the check below is live
    assert not [line for line in quiet.stderr.splitlines() if "boto3" in line or "botocore" in line]
    assert recording_server.requests.last.header("X-User") == DB_USER

    # Never fetched and AWS down: fails closed with a vault error (exit 5); nothing is sent.
    recording_server.reset()
    late = write_collection(
        tmp_path / "late.json", folder("c", "API"),
        api("r", "Late", "c", recording_server.url + "/late", headers=rows(("X-Late", "{{vault:late}}"))),
    )
    down = run_cli("run", late, "--reporters", "json", "--reporter-json-export", tmp_path / "r.json", env=_env(dead_url))
    assert down.code == 5, down
    assert not recording_server.requests
    error = down.json["executions"][0]["error"]
    assert error["type"] == "vault" and "never been fetched" in error["message"] and "network" in error["message"]

    # Reachable again: fetched once, on demand, during the run (and boto is loaded for that).
    fetched = run_cli("run", late, env={**env, "PYTHONPROFILEIMPORTTIME": "1"})
    assert fetched.code == 0, fetched
    assert recording_server.requests.last.header("X-Late") == "late-value-e2e-881"
    assert any("botocore" in line for line in fetched.stderr.splitlines())
    assert "late-value-e2e-881" not in fetched.stdout
    status = {s["key"]: s for s in json.loads(run_cli("vault", "list", "--json").stdout)["secrets"]}
    assert status["late"]["status"].startswith("cached ")


def test_aws_config_option_switches_for_one_run(run_cli: Any, moto: str, tmp_path: Path, recording_server: Any) -> None:
    sm = _client(moto, "secretsmanager")
    sm.create_secret(Name="prod/db", SecretString=json.dumps({"username": "prod-user"}))
    sm.create_secret(Name="stg/db", SecretString=json.dumps({"username": "stg-user"}))
    env = _env(moto)
    _add_prod(run_cli, moto)
    assert run_cli("vault", "aws", "add-config", "staging", "--region", REGION, "--default-chain", env=env).code == 0
    assert run_cli("vault", "aws", "add-secret", "db", "--secret-id", "prod/db", "--mode", "json", env=env).code == 0
    assert run_cli("vault", "aws", "add-secret", "db", "--secret-id", "stg/db", "--mode", "json", "--config", "staging", env=env).code == 0
    run_env = {**env, "AWS_ACCESS_KEY_ID": "chain-key", "AWS_SECRET_ACCESS_KEY": "chain-secret"}
    collection = _collection(tmp_path, recording_server.url, ("X-User", "{{vault:db.username}}"))
    assert run_cli("run", collection, "--aws-config", "staging", env=run_env).code == 0
    assert recording_server.requests.last.header("X-User") == "stg-user"
    assert run_cli("run", collection, env=run_env).code == 0
    assert recording_server.requests.last.header("X-User") == "prod-user"
    assert run_cli("vault", "aws", "use", "staging", env=env).code == 0
    assert run_cli("run", collection, env=run_env).code == 0
    assert recording_server.requests.last.header("X-User") == "stg-user"


def test_local_endpoint_accepts_dummy_keys(
    run_cli: Any, moto: str, tmp_path: Path, recording_server: Any
) -> None:
    """LocalStack/moto style `test`/`test` keys work with --endpoint-url; real-looking keys are still checked."""
    _client(moto, "secretsmanager").create_secret(Name="app/token", SecretString="tok-local-endpoint-8812")
    refused = run_cli("vault", "aws", "add-config", "aws", "--region", REGION,
                      "--access-key-id", "test", "--secret-access-key", "-", input="test\n")
    assert refused.code == 2 and "invalid --access-key-id" in refused.stderr and "--endpoint-url" in refused.stderr
    bad = run_cli("vault", "aws", "add-config", "local", "--region", REGION, "--endpoint-url", moto,
                  "--access-key-id", "te st", "--secret-access-key", "-", input="test\n")
    assert bad.code == 2 and "invalid --access-key-id" in bad.stderr
    added = run_cli("vault", "aws", "add-config", "local", "--region", REGION, "--endpoint-url", moto,
                    "--access-key-id", "test", "--secret-access-key", "-", input="test\n")
    assert added.code == 0, added
    tested = run_cli("vault", "aws", "test", "local")
    assert tested.code == 0 and "123456789012" in tested.stdout, tested
    assert run_cli("vault", "aws", "add-secret", "token", "--secret-id", "app/token", "--fetch").code == 0
    recording_server.respond("/db", body="ok")
    result = run_cli("run", _collection(tmp_path, recording_server.url, ("X-Token", "{{vault:token}}")))
    assert result.code == 0, result
    assert recording_server.requests.last.header("X-Token") == "tok-local-endpoint-8812"
    assert "tok-local-endpoint-8812" not in result.output
