"""Postman's ``ntlm`` auth through the real CLI, against a server that checks NTLM as Windows does.

The server is pyspnego's NTLM acceptor with a credential file (``NTLM_USER_FILE``): it issues a
random challenge and accepts the authenticate message only if its NTLMv2 response was computed
from the right password. NTLM authenticates a connection, so the server keeps one acceptor per
TCP connection and records which connection each request came on.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from rqrun.authsign.ntlm import NtlmCredentials, NtlmHandshake, challenge_token, offers_ntlm
from rqrun.demo.server import LoopbackServer

from support.cli import RunCli

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
PASSWORD = "Winter-2026-ntlm!"


@dataclass(frozen=True)
class Seen:
    connection: int
    path: str
    authorization: str | None
    status: int


class NtlmServer(LoopbackServer):
    """Answers 401 ``WWW-Authenticate: NTLM`` until a connection has authenticated."""

    thread_name = "ntlm-server"

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(host=host)
        self.seen: list[Seen] = []
        self.users: list[str] = []
        self._lock = threading.Lock()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return type("NtlmHandler", (_NtlmHandler,), {"owner": self})


class _NtlmHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    owner: NtlmServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet."""

    def setup(self) -> None:
        super().setup()
        self.context: Any = None  # this connection's acceptor
        self.user: str | None = None

    def _answer(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        with self.owner._lock:
            self.owner.seen.append(Seen(id(self), self.path, self.headers.get("Authorization"), status))
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _serve(self) -> None:
        import spnego

        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.user is not None:
            self._answer(200, [("Content-Type", "application/json")], json.dumps({"user": self.user}).encode())
            return
        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        if scheme != "NTLM" or not token:
            self._answer(401, [("WWW-Authenticate", "Negotiate"), ("WWW-Authenticate", "NTLM")], b"login")
            return
        message = base64.b64decode(token)
        try:
            if self.context is None or message[8:12] == b"\x01\x00\x00\x00":  # a negotiate message starts anew
                self.context = spnego.server(protocol="ntlm")
            reply = self.context.step(message)
        except spnego.exceptions.SpnegoError:
            self.context = None
            self._answer(401, [("WWW-Authenticate", "NTLM")], b"bad credentials")
            return
        if self.context.complete:
            self.user = self.context.client_principal
            with self.owner._lock:
                self.owner.users.append(self.user)
            self._answer(200, [("Content-Type", "application/json")], json.dumps({"user": self.user}).encode())
        else:
            self._answer(401, [("WWW-Authenticate", "NTLM " + base64.b64encode(reply).decode())], b"")

    do_GET = do_POST = _serve


@pytest.fixture()
def ntlm_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The acceptor's account database: CORP\\ada with PASSWORD."""
    store = tmp_path / "ntlm-users"
    store.write_text(f"CORP:ada:{PASSWORD}\n", encoding="utf-8")
    monkeypatch.setenv("NTLM_USER_FILE", str(store))


@pytest.fixture()
def ntlm_server(ntlm_users: None) -> Iterator[NtlmServer]:
    with NtlmServer() as server:
        yield server


def _collection(path: Path, url: str, ntlm: dict[str, Any], *, headers: list[dict[str, str]] | None = None) -> Path:
    auth = {"type": "ntlm", "ntlm": [{"key": k, "value": v, "type": "string"} for k, v in ntlm.items()]}
    item = {"name": "Who am I", "request": {"method": "POST", "header": headers or [], "url": url,
                                           "body": {"mode": "raw", "raw": "{\"hello\": 1}"}}}
    doc = {"info": {"name": "NTLM", "schema": SCHEMA}, "auth": auth, "item": [item]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _run(run_cli: RunCli, tmp_path: Path, collection: Path) -> Any:
    return run_cli("run", collection, "--reporters", "cli,json", "--reporter-json-export", tmp_path / "r.json")


def test_handshake_authenticates_on_one_connection(run_cli, tmp_path, ntlm_server):
    collection = _collection(tmp_path / "c.json", ntlm_server.url + "/whoami",
                             {"username": "ada", "password": PASSWORD, "domain": "CORP", "workstation": "WS1"},
                             headers=[{"key": "Authorization", "value": "Bearer written-by-user"}])
    result = _run(run_cli, tmp_path, collection)
    assert result.code == 0, result
    assert result.json["executions"][0]["response"]["code"] == 200
    assert ntlm_server.users == ["CORP\\ada"]
    seen = ntlm_server.seen
    assert [s.status for s in seen] == [401, 401, 200]
    assert len({s.connection for s in seen}) == 1, "the three messages must share one connection"
    assert seen[0].authorization is None  # Newman removes the header the user wrote
    assert seen[1].authorization.startswith("NTLM ") and seen[2].authorization.startswith("NTLM ")


@pytest.mark.parametrize("username", ["CORP\\ada", "ada@CORP"])
def test_domain_is_taken_from_the_username(run_cli, tmp_path, ntlm_server, username):
    collection = _collection(tmp_path / "c.json", ntlm_server.url + "/", {"username": username, "password": PASSWORD})
    result = _run(run_cli, tmp_path, collection)
    assert result.json["executions"][0]["response"]["code"] == 200, result
    assert ntlm_server.users == ["CORP\\ada"]


def test_wrong_password_is_refused_by_the_server(run_cli, tmp_path, ntlm_server):
    collection = _collection(tmp_path / "c.json", ntlm_server.url + "/",
                             {"username": "ada", "password": "not-it", "domain": "CORP"})
    result = _run(run_cli, tmp_path, collection)
    assert result.json["executions"][0]["response"]["code"] == 401, result
    assert ntlm_server.users == []
    assert [s.status for s in ntlm_server.seen] == [401, 401, 401]  # tried once, then gave up


def test_disable_retry_request_sends_once(run_cli, tmp_path, ntlm_server):
    collection = _collection(tmp_path / "c.json", ntlm_server.url + "/",
                             {"username": "ada", "password": PASSWORD, "domain": "CORP", "disableRetryRequest": True})
    result = _run(run_cli, tmp_path, collection)
    assert result.json["executions"][0]["response"]["code"] == 401, result
    assert len(ntlm_server.seen) == 1


def test_a_server_that_does_not_ask_gets_one_plain_request(run_cli, tmp_path, recording_server):
    collection = _collection(tmp_path / "c.json", recording_server.url + "/open",
                             {"username": "ada", "password": PASSWORD, "domain": "CORP"})
    result = _run(run_cli, tmp_path, collection)
    assert result.code == 0, result
    (request,) = recording_server.requests
    assert request.header("Authorization") is None


def test_vault_password_authenticates_on_its_host(run_cli, tmp_path, ntlm_server):
    assert run_cli("vault", "set", "ntlm-pw", "-", "--allow-host", "127.0.0.1", input=PASSWORD).code == 0
    collection = _collection(tmp_path / "c.json", ntlm_server.url + "/",
                             {"username": "CORP\\ada", "password": "{{vault:ntlm-pw}}"})
    result = _run(run_cli, tmp_path, collection)
    assert result.json["executions"][0]["response"]["code"] == 200, result
    assert ntlm_server.users == ["CORP\\ada"]
    assert PASSWORD not in result.output and PASSWORD not in (tmp_path / "r.json").read_text(encoding="utf-8")


def test_vault_password_never_reaches_another_host(run_cli, tmp_path, ntlm_users):
    """The attack: a collection that aims the vault's NTLM password at a host it is not allowed on."""
    assert run_cli("vault", "set", "ntlm-pw", "-", "--allow-host", "127.0.0.1", input=PASSWORD).code == 0
    with NtlmServer(host="127.0.0.2") as other:
        collection = _collection(tmp_path / "c.json", other.url + "/steal",
                                 {"username": "CORP\\ada", "password": "{{vault:ntlm-pw}}"})
        result = _run(run_cli, tmp_path, collection)
    assert result.code == 5, result
    error = result.json["executions"][0]["error"]
    assert error["type"] == "vault" and "'ntlm-pw'" in error["message"], error
    assert other.seen == [] and other.users == []


def test_challenge_helpers_follow_newman() -> None:
    assert offers_ntlm(["Negotiate"]) and offers_ntlm(["NTLM"]) and offers_ntlm(["Negotiate, NTLM"])
    assert not offers_ntlm(["Basic realm=x", "Digest realm=y"]) and not offers_ntlm([])
    assert challenge_token(["Negotiate", "NTLM TlRMTVNTUAAC"]) == base64.b64decode("TlRMTVNTUAAC")
    assert challenge_token(["NTLM"]) is None
    assert NtlmCredentials("CORP\\ada", "p").account() == ("ada", "CORP")
    assert NtlmCredentials("ada@corp.example", "p").account() == ("ada", "corp.example")
    assert NtlmCredentials("A\\b@c", "p").account() == ("A\\b@c", "")  # both forms: Newman keeps it whole
    assert NtlmCredentials("CORP\\ada", "p", domain="OTHER").account() == ("CORP\\ada", "OTHER")


def test_handshake_states_follow_newman() -> None:
    """401 or 403 offering NTLM starts it; no type 2 message, or a third 401, ends it."""
    creds = NtlmCredentials("ada", PASSWORD, domain="CORP")
    assert NtlmHandshake(creds).next_header(200, ["NTLM"]) is None
    assert NtlmHandshake(creds).next_header(401, ["Basic realm=x"]) is None
    first = NtlmHandshake(creds)
    negotiate = first.next_header(403, ["NTLM"])
    assert negotiate is not None and base64.b64decode(negotiate[5:])[:12] == b"NTLMSSP\x00\x01\x00\x00\x00"
    assert first.next_header(401, ["NTLM"]) is None  # the server sent no challenge: keep its 401
