"""Issue 6 features through the CLI: retries, OAuth 2.0, digest, cookie jars."""

from __future__ import annotations

import json

from support.build import api, auth, folder, write_collection
from support.servers import Reply


def run(run_cli, tmp_path, *records, args=()):
    path = write_collection(tmp_path / "c.json", *records)
    return run_cli("run", path, "--reporters", "cli,json", "--reporter-json-export", tmp_path / "r.json", *args)


def test_retries_on_status_count_once_with_attempts(run_cli, tmp_path, recording_server):
    url = recording_server.url
    result = run(
        run_cli, tmp_path,
        folder("c", "API"),
        api("r", "Flaky", "c", url + "/fail-first/2", post='rq.test("ok", lambda: rq.response.to.have.status(200))'),
        args=("--retries", "3", "--retry-delay", "10", "--retry-on-status", "502,503,504"),
    )
    assert result.code == 0, result
    assert recording_server.count("/fail-first/2") == 3
    (execution,) = result.json["executions"]
    assert execution["attempts"] == 3 and execution["response"]["code"] == 200
    assert result.json["run"]["stats"]["requests"]["total"] == 1


def test_retries_exhausted_keep_the_last_response(run_cli, tmp_path, recording_server):
    result = run(
        run_cli, tmp_path, folder("c", "API"), api("r", "Flaky", "c", recording_server.url + "/fail-first/5"),
        args=("--retries", "2", "--retry-delay", "1", "--retry-on-status", "503"),
    )
    assert recording_server.count("/fail-first/5") == 3
    assert result.json["executions"][0]["response"]["code"] == 503 and result.json["executions"][0]["attempts"] == 3


def test_non_idempotent_methods_are_not_retried_unless_asked(run_cli, tmp_path, recording_server):
    records = (folder("c", "API"), api("r", "Create", "c", recording_server.url + "/fail-first/1", method="POST", body="x"))
    run(run_cli, tmp_path, *records, args=("--retries", "2", "--retry-delay", "1", "--retry-on-status", "503"))
    assert recording_server.count("/fail-first/1") == 1
    recording_server.reset()
    run(run_cli, tmp_path, *records, args=("--retries", "2", "--retry-delay", "1", "--retry-on-status", "503", "--retry-unsafe"))
    assert recording_server.count("/fail-first/1") == 2


def test_network_errors_are_retried(run_cli, tmp_path, recording_server):
    recording_server.respond("/drop", close=True, times=1)
    result = run(run_cli, tmp_path, folder("c", "API"), api("r", "Dropped", "c", recording_server.url + "/drop"),
                 args=("--retries", "1", "--retry-delay", "1"))
    assert result.code == 0, result
    assert recording_server.count("/drop") == 2


OAUTH_SECRET = "client-secret-from-vault-1234"


def _token_server(recording_server):
    issued = []

    def token(req):
        issued.append(req)
        value = f"access-token-{len(issued)}"
        return Reply(200, [("Content-Type", "application/json")], json.dumps({"access_token": value, "token_type": "Bearer", "expires_in": 3600}).encode())

    recording_server.handle("/oauth/token", token)
    return issued


def test_oauth2_client_credentials_token_reused_refreshed_on_401_and_redacted(run_cli, tmp_path, recording_server):
    import base64

    issued = _token_server(recording_server)
    recording_server.respond("/api/expired", status=401, times=1)
    assert run_cli("vault", "set", "oauth-secret", OAUTH_SECRET).code == 0
    oauth = auth("OAUTH2", grant_type="client_credentials", accessTokenUrl=recording_server.url + "/oauth/token",
                 clientId="my-client", clientSecret="{{vault:oauth-secret}}", scope="read write")
    result = run(
        run_cli, tmp_path,
        folder("c", "API", auth_=oauth),
        api("r1", "One", "c", recording_server.url + "/api/one"),
        api("r2", "Two", "c", recording_server.url + "/api/two"),
        api("r3", "Expired", "c", recording_server.url + "/api/expired"),
        api("r4", "Four", "c", recording_server.url + "/api/four"),
    )
    assert result.code == 0, result
    assert len(issued) == 2  # one token for the run, one more after the 401
    first = issued[0]
    assert first.form == [("grant_type", "client_credentials"), ("scope", "read write")]
    assert first.header("Authorization") == "Basic " + base64.b64encode(f"my-client:{OAUTH_SECRET}".encode()).decode()
    bearer = {r.path: r.header("Authorization") for r in recording_server.requests if r.path.startswith("/api/")}
    assert bearer["/api/one"] == bearer["/api/two"] == "Bearer access-token-1"
    assert bearer["/api/four"] == "Bearer access-token-2"
    assert recording_server.count("/api/expired") == 2
    everything = result.output + (tmp_path / "r.json").read_text()
    for secret in ("access-token-1", "access-token-2", OAUTH_SECRET):
        assert secret not in everything


def test_oauth2_password_grant_with_body_client_auth(run_cli, tmp_path, recording_server):
    issued = _token_server(recording_server)
    oauth = auth("OAUTH2", grant_type="password", accessTokenUrl=recording_server.url + "/oauth/token",
                 clientId="c", clientSecret="s", username="ada", password="pw", client_authentication="body")
    result = run(run_cli, tmp_path, folder("c", "API"), api("r", "R", "c", recording_server.url + "/api/x", auth_=oauth))
    assert result.code == 0, result
    assert dict(issued[0].form) == {"grant_type": "password", "username": "ada", "password": "pw", "client_id": "c", "client_secret": "s"}
    assert issued[0].header("Authorization") is None


def test_oauth2_token_endpoint_failure_is_a_request_error(run_cli, tmp_path, recording_server):
    recording_server.respond("/oauth/token", status=400, body={"error": "invalid_client"})
    oauth = auth("OAUTH2", accessTokenUrl=recording_server.url + "/oauth/token", clientId="c", clientSecret="s")
    result = run(run_cli, tmp_path, folder("c", "API"), api("r", "R", "c", recording_server.url + "/api/x", auth_=oauth))
    assert result.code == 4, result
    assert result.json["executions"][0]["error"]["kind"] == "oauth2"
    assert recording_server.count("/api/x") == 0


def test_digest_auth(run_cli, tmp_path, recording_server):
    challenge = 'Digest realm="rq", nonce="abc123", qop="auth", algorithm=MD5'

    def digest(req):
        if (req.header("Authorization") or "").startswith("Digest "):
            return Reply(200, [("Content-Type", "text/plain")], b"ok")
        return Reply(401, [("WWW-Authenticate", challenge)], b"")

    recording_server.handle("/digest", digest)
    result = run(run_cli, tmp_path, folder("c", "API", auth_=auth("DIGEST_AUTH", username="ada", password="pw")),
                 api("r", "R", "c", recording_server.url + "/digest"))
    assert result.code == 0, result
    answered = recording_server.requests.to("/digest")[-1].header("Authorization")
    assert answered.startswith("Digest ") and 'username="ada"' in answered and 'realm="rq"' in answered


def test_cookie_jar_in_and_out(run_cli, tmp_path, recording_server):
    jar_in = tmp_path / "in.json"
    jar_in.write_text(json.dumps([{"name": "preset", "value": "p1", "domain": "127.0.0.1", "path": "/"}]))
    recording_server.set_cookie("/login", "session", "s-2")
    result = run(
        run_cli, tmp_path,
        folder("c", "API"),
        api("r1", "Login", "c", recording_server.url + "/login"),
        api("r2", "After", "c", recording_server.url + "/after"),
        args=("--cookie-jar", jar_in, "--export-cookie-jar", tmp_path / "out.txt", "--export-cookie-jar", tmp_path / "out.json"),
    )
    assert result.code == 0, result
    assert recording_server.requests.to("/login")[0].cookies() == {"preset": "p1"}
    assert recording_server.requests.to("/after")[0].cookies() == {"preset": "p1", "session": "s-2"}
    exported = {c["name"]: c["value"] for c in json.loads((tmp_path / "out.json").read_text())}
    assert exported == {"preset": "p1", "session": "s-2"}
    # the Netscape form round-trips too
    recording_server.reset()
    second = run(run_cli, tmp_path, folder("c", "API"), api("r", "R", "c", recording_server.url + "/x"),
                 args=("--cookie-jar", tmp_path / "out.json"))
    assert second.code == 0 and recording_server.requests.last.cookies() == {"preset": "p1", "session": "s-2"}
