"""End to end: the real CLI in a subprocess against a recording server; assert on what arrived."""

from __future__ import annotations

import base64
import json

import pytest

from support.build import api, auth, folder, rows, write_collection


def run_collection(run_cli, tmp_path, *records, args=()):
    path = write_collection(tmp_path / "c.json", *records)
    return run_cli("run", path, "--reporters", "cli,json", "--reporter-json-export", tmp_path / "r.json", *args)


def test_method_url_headers_query_and_json_body_arrive(run_cli, tmp_path, recording_server):
    result = run_collection(
        run_cli,
        tmp_path,
        folder("c", "API", variables={"base": recording_server.url}),
        api(
            "r1", "Create", "c", "{{base}}/users/:org/items",
            method="POST",
            headers=rows(("X-Trace", "t-{{who}}"), ("X-Off", "no", False)),
            query=rows(("page", "2"), ("q", "a b&c")),
            path_vars=rows(("org", "acme")),
            body='{"name": "{{who}}"}',
            content_type="application/json",
        ),
        args=("--env-var", "who=ada"),
    )
    assert result.code == 0, result
    req = recording_server.requests.last
    assert req.method == "POST"
    assert req.path == "/users/acme/items"
    assert req.query == [("page", "2"), ("q", "a b&c")]
    assert req.header("X-Trace") == "t-ada"
    assert req.header("X-Off") is None
    assert req.header("Content-Type") == "application/json"
    assert req.json == {"name": "ada"}
    report = result.json
    assert report["run"]["exit_code"] == 0
    assert report["executions"][0]["request"]["url"].endswith("/users/acme/items?page=2&q=a%20b%26c")
    assert report["executions"][0]["response"]["code"] == 200


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("text/plain", "plain {{v}}"),
        ("application/xml", "<a>{{v}}</a>"),
        ("text/html", "<p>{{v}}</p>"),
        ("application/javascript", "var x = '{{v}}';"),
    ],
)
def test_raw_bodies_keep_their_content_type(run_cli, tmp_path, recording_server, content_type, body):
    result = run_collection(
        run_cli, tmp_path,
        folder("c", "API"),
        api("r", "Raw", "c", recording_server.url + "/raw", method="PUT", body=body, content_type=content_type),
        args=("--env-var", "v=1"),
    )
    assert result.code == 0, result
    req = recording_server.requests.last
    assert req.header("Content-Type") == content_type
    assert req.text == body.replace("{{v}}", "1")


def test_urlencoded_body(run_cli, tmp_path, recording_server):
    result = run_collection(
        run_cli, tmp_path,
        folder("c", "API"),
        api("r", "Form", "c", recording_server.url + "/form", method="POST",
            body=rows(("user", "{{v}}"), ("note", "a b&c=d"), ("off", "x", False)),
            content_type="application/x-www-form-urlencoded"),
        args=("--env-var", "v=ada"),
    )
    assert result.code == 0, result
    req = recording_server.requests.last
    assert req.header("Content-Type") == "application/x-www-form-urlencoded"
    assert req.form == [("user", "ada"), ("note", "a b&c=d")]


def test_multipart_with_files_relative_to_the_collection(run_cli, tmp_path, recording_server):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "avatar.png").write_bytes(b"\x89PNG fake")
    body = [
        {"id": 0, "key": "name", "value": "{{v}}", "isEnabled": True},
        {"id": 1, "key": "avatar", "value": [{"id": "f", "name": "avatar.png", "path": "files/avatar.png", "source": "desktop"}], "isEnabled": True},
        {"id": 2, "key": "skipped", "value": "x", "isEnabled": False},
    ]
    result = run_collection(
        run_cli, tmp_path,
        folder("c", "API"),
        api("r", "Upload", "c", recording_server.url + "/upload", method="POST", body=body, content_type="multipart/form-data"),
        args=("--env-var", "v=ada"),
    )
    assert result.code == 0, result
    parts = recording_server.requests.last.multipart
    assert [(p.name, p.filename) for p in parts] == [("name", None), ("avatar", "avatar.png")]
    assert parts[0].text == "ada"
    assert parts[1].data == b"\x89PNG fake"
    assert parts[1].content_type == "image/png"


def test_graphql_request(run_cli, tmp_path, recording_server):
    record = {
        "id": "g", "name": "Query", "type": "api", "collectionId": "c", "deleted": False,
        "data": {
            "type": "graphql",
            "request": {"url": recording_server.url + "/graphql", "headers": [], "operation": "query Q { user(id: {{id}}) { name } }",
                        "variables": '{"limit": {{n}}}', "operationName": "Q"},
            "auth": auth("INHERIT"),
        },
    }
    result = run_collection(run_cli, tmp_path, folder("c", "API"), record, args=("--env-var", "id=5", "--env-var", "n=3"))
    assert result.code == 0, result
    req = recording_server.requests.last
    assert req.method == "POST"
    assert req.header("Content-Type") == "application/json"
    assert req.json == {"query": "query Q { user(id: 5) { name } }", "variables": {"limit": 3}, "operationName": "Q"}


def test_auth_types_and_inheritance(run_cli, tmp_path, recording_server):
    url = recording_server.url
    result = run_collection(
        run_cli, tmp_path,
        folder("c", "API", auth_=auth("BEARER_TOKEN", bearer="{{token}}")),
        folder("f", "Inherits", "c"),
        folder("g", "Deeper", "f"),
        folder("b", "Basic", "c", auth_=auth("BASIC_AUTH", username="ada", password="{{pw}}")),
        api("r1", "inherited bearer", "g", url + "/1"),
        api("r2", "own api key header", "f", url + "/2", auth_=auth("API_KEY", key="X-Key", value="k-{{pw}}", addTo="HEADER")),
        api("r3", "api key in query", "f", url + "/3", auth_=auth("API_KEY", key="key", value="q", addTo="QUERY")),
        api("r4", "no auth", "f", url + "/4", auth_=auth("NO_AUTH")),
        api("r5", "basic from folder", "b", url + "/5"),
        api("r6", "header beats auth", "g", url + "/6", headers=rows(("Authorization", "Custom mine"))),
        args=("--env-var", "token=T0K", "--env-var", "pw=pässword"),
    )
    assert result.code == 0, result
    by_path = {r.path: r for r in recording_server.requests}
    assert by_path["/1"].header("Authorization") == "Bearer T0K"
    # Non-ASCII header values go out as UTF-8 bytes (http.server reads them as Latin-1).
    assert by_path["/2"].header("X-Key").encode("latin-1").decode("utf-8") == "k-pässword" and by_path["/2"].header("Authorization") is None
    assert by_path["/3"].query == [("key", "q")]
    assert by_path["/4"].header("Authorization") is None
    expected = "Basic " + base64.b64encode("ada:pässword".encode()).decode()
    assert by_path["/5"].header("Authorization") == expected
    assert by_path["/6"].header_values("Authorization") == ["Custom mine"]
    # Reports mask auth headers, keeping the scheme.
    sent = {e["item"]["name"]: e["request"]["headers"] for e in result.json["executions"]}
    assert sent["inherited bearer"]["Authorization"] == "Bearer ********"


def test_precedence_of_every_scope(run_cli, tmp_path, recording_server):
    env = tmp_path / "env.json"
    env.write_text(json.dumps({"env_only": "E", "d": "env", "r": "env", "e": "env"}))
    globals_file = tmp_path / "globals.json"
    globals_file.write_text(json.dumps({"g": "glob", "c": "glob", "f": "glob", "e": "glob"}))
    data = tmp_path / "data.csv"
    data.write_text("d\ndata\n")
    url = recording_server.url
    result = run_collection(
        run_cli, tmp_path,
        folder("c", "API", variables={"c": "coll", "f": "coll", "e": "coll"}),
        folder("f", "Outer", "c", variables={"f": "outer", "near": "outer"}),
        folder("g", "Inner", "f", variables={"near": "inner"}),
        api("r", "Probe", "g", url + "/p", query=rows(*[(k, "{{" + k + "}}") for k in ("d", "r", "e", "near", "f", "c", "g", "env_only")])),
        args=("-e", env, "-g", globals_file, "-d", data, "--env-var", "r=cli"),
    )
    assert result.code == 0, result
    assert dict(recording_server.requests.last.query) == {
        "d": "data",       # data row beats everything
        "r": "cli",        # --env-var overrides the environment file
        "e": "env",        # environment beats collection and globals
        "near": "inner",   # nearest folder wins
        "f": "outer",      # folder beats collection
        "c": "coll",       # collection beats globals
        "g": "glob",
        "env_only": "E",
    }


def test_composite_and_cyclic_variables(run_cli, tmp_path, recording_server):
    result = run_collection(
        run_cli, tmp_path,
        folder("c", "API", variables={"host": recording_server.url, "base": "{{host}}/v1", "a": "{{b}}", "b": "{{a}}"}),
        api("r", "Probe", "c", "{{base}}/x", headers=rows(("X-Cycle", "{{a}}"))),
    )
    assert result.code == 0, result
    req = recording_server.requests.last
    assert req.path == "/v1/x"
    assert req.header("X-Cycle") == "{{a}}"
    assert any("cycle" in w for w in result.json["executions"][0]["warnings"])


def test_unresolved_variable_warns_then_strict_fails(run_cli, tmp_path, recording_server):
    records = (folder("c", "API"), api("r", "Probe", "c", recording_server.url + "/u", headers=rows(("X-Missing", "{{nope}}"))))
    lenient = run_collection(run_cli, tmp_path, *records)
    assert lenient.code == 0, lenient
    assert recording_server.requests.last.header("X-Missing") == "{{nope}}"
    assert "{{nope}}" in lenient.stdout
    recording_server.reset()
    strict = run_collection(run_cli, tmp_path, *records, args=("--strict-variables",))
    assert strict.code == 4, strict
    assert len(recording_server.requests) == 0
    error = strict.json["executions"][0]["error"]
    assert error["type"] == "validation" and "{{nope}}" in error["message"]


def test_data_file_drives_iterations(run_cli, tmp_path, recording_server):
    data = tmp_path / "rows.json"
    data.write_text(json.dumps([{"user": "ada", "n": 1}, {"user": "alan", "n": 2.5}, {"user": "grace", "n": True}]))
    result = run_collection(
        run_cli, tmp_path,
        folder("c", "API"),
        api("r", "Probe", "c", recording_server.url + "/d", query=rows(("u", "{{user}}"), ("n", "{{n}}"))),
        args=("-d", data),
    )
    assert result.code == 0, result
    assert [r.query for r in recording_server.requests] == [[("u", "ada"), ("n", "1")], [("u", "alan"), ("n", "2.5")], [("u", "grace"), ("n", "true")]]
    assert result.json["run"]["iterations"] == 3
    assert [e["iteration"] for e in result.json["executions"]] == [0, 1, 2]


def test_iteration_count_beyond_data_rows(run_cli, tmp_path, recording_server):
    data = tmp_path / "rows.csv"
    data.write_text("user\nada\n")
    result = run_collection(
        run_cli, tmp_path,
        folder("c", "API", variables={"user": "default"}),
        api("r", "Probe", "c", recording_server.url + "/d", query=rows(("u", "{{user}}"))),
        args=("-d", data, "-n", "2"),
    )
    assert result.code == 0, result
    assert [r.arg("u") for r in recording_server.requests] == ["ada", "default"]


def test_run_order_and_folder_selection(run_cli, tmp_path, recording_server):
    url = recording_server.url
    records = (
        folder("c", "API"),
        folder("a", "Auth", "c"),
        folder("a2", "Nested", "a"),
        folder("u", "Users", "c"),
        api("n1", "nested", "a2", url + "/nested"),
        api("l", "login", "a", url + "/login"),
        api("u1", "list", "u", url + "/users"),
        api("top", "top", "c", url + "/top"),
    )
    everything = run_collection(run_cli, tmp_path, *records)
    assert everything.code == 0, everything
    # Requestly's runner: a folder's own requests first, then its sub-folders, depth first.
    assert recording_server.requests.paths == ["/top", "/login", "/nested", "/users"]
    recording_server.reset()
    selected = run_collection(run_cli, tmp_path, *records, args=("--folder", "Auth/Nested", "--folder", "Users"))
    assert selected.code == 0, selected
    assert recording_server.requests.paths == ["/nested", "/users"]
    unknown = run_collection(run_cli, tmp_path, *records, args=("--folder", "Nope"))
    assert unknown.code == 2 and "Nope" in unknown.stderr


def test_bail_stops_at_the_first_error(run_cli, tmp_path, recording_server):
    result = run_collection(
        run_cli, tmp_path,
        folder("c", "API"),
        api("r1", "refused", "c", "http://127.0.0.1:9/unreachable"),
        api("r2", "never", "c", recording_server.url + "/never"),
        args=("--bail",),
    )
    assert result.code == 4, result
    assert len(recording_server.requests) == 0
    assert result.json["run"]["aborted"] == "bail"
    assert result.json["executions"][0]["error"]["type"] == "request"


def test_connection_error_is_recorded_and_the_run_goes_on(run_cli, tmp_path, recording_server):
    result = run_collection(
        run_cli, tmp_path,
        folder("c", "API"),
        api("r1", "refused", "c", "http://127.0.0.1:9/unreachable"),
        api("r2", "after", "c", recording_server.url + "/after"),
    )
    assert result.code == 4, result
    assert recording_server.requests.paths == ["/after"]
    first = result.json["executions"][0]
    assert first["response"] is None
    assert first["error"]["kind"] == "network" and "127.0.0.1:9" in first["error"]["message"]
    assert "Traceback" not in result.output


def test_delay_between_requests(run_cli, tmp_path, recording_server):
    url = recording_server.url
    result = run_collection(
        run_cli, tmp_path,
        folder("c", "API"),
        api("r1", "one", "c", url + "/1"),
        api("r2", "two", "c", url + "/2"),
        args=("--delay-request", "300"),
    )
    assert result.code == 0, result
    first, second = recording_server.requests
    assert second.received_at - first.received_at >= 0.28


def test_request_timeout(run_cli, tmp_path, recording_server):
    recording_server.respond("/slow", delay=2.0)
    result = run_collection(
        run_cli, tmp_path,
        folder("c", "API"),
        api("r", "slow", "c", recording_server.url + "/slow"),
        args=("--timeout-request", "200"),
    )
    assert result.code == 4, result
    assert result.json["executions"][0]["error"]["kind"] == "timeout"


def test_redirects_followed_or_not_and_cookies_kept(run_cli, tmp_path, recording_server):
    url = recording_server.url
    recording_server.redirect("/old", "/new")
    recording_server.set_cookie("/login", "session", "abc123")
    records = (
        folder("c", "API"),
        api("r1", "login", "c", url + "/login"),
        api("r2", "redirected", "c", url + "/old"),
        api("r3", "after", "c", url + "/after"),
    )
    result = run_collection(run_cli, tmp_path, *records)
    assert result.code == 0, result
    assert recording_server.requests.paths == ["/login", "/old", "/new", "/after"]
    assert recording_server.requests.to("/after")[0].cookies() == {"session": "abc123"}
    assert recording_server.requests.to("/new")[0].cookies() == {"session": "abc123"}
    recording_server.reset()
    recording_server.redirect("/old", "/new")
    manual = run_collection(run_cli, tmp_path, *records, args=("--ignore-redirects",))
    assert recording_server.requests.paths == ["/login", "/old", "/after"]
    assert manual.json["executions"][1]["response"]["code"] == 302


def test_export_environment_and_globals(run_cli, tmp_path, recording_server):
    env = tmp_path / "env.json"
    env.write_text(json.dumps({"a": "1"}))
    result = run_collection(
        run_cli, tmp_path,
        folder("c", "API"),
        api("r", "probe", "c", recording_server.url + "/x"),
        args=("-e", env, "--env-var", "b=2", "--global-var", "g=3",
              "--export-environment", tmp_path / "out" / "env.json", "--export-globals", tmp_path / "out" / "globals.json"),
    )
    assert result.code == 0, result
    exported = json.loads((tmp_path / "out" / "env.json").read_text())
    assert {v["key"]: v["value"] for v in exported["values"]} == {"a": "1", "b": "2"}
    exported_globals = json.loads((tmp_path / "out" / "globals.json").read_text())
    assert {v["key"]: v["value"] for v in exported_globals["values"]} == {"g": "3"}


def test_postman_collection_runs(run_cli, tmp_path, recording_server):
    collection = {
        "info": {"name": "PM", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": [{"key": "base", "value": recording_server.url}],
        "auth": {"type": "basic", "basic": [{"key": "username", "value": "u"}, {"key": "password", "value": "p"}]},
        "item": [
            {"name": "Folder", "item": [
                {"name": "Get", "request": {"method": "GET", "url": {"raw": "{{base}}/pm?x=1", "host": ["{{base}}"], "path": ["pm"], "query": [{"key": "x", "value": "1"}, {"key": "y", "value": "2", "disabled": True}]},
                 "header": [{"key": "X-A", "value": "a"}]}},
            ]},
            {"name": "Post", "request": {"method": "POST", "url": "{{base}}/post", "body": {"mode": "raw", "raw": "{\"k\": 1}", "options": {"raw": {"language": "json"}}}}},
        ],
    }
    path = tmp_path / "pm.json"
    path.write_text(json.dumps(collection))
    result = run_cli("run", path, "--reporters", "json", "--reporter-json-export", tmp_path / "r.json")
    assert result.code == 0, result
    get, post = recording_server.requests
    assert (get.path, get.query, get.header("X-A")) == ("/pm", [("x", "1")], "a")
    assert get.header("Authorization") == "Basic " + base64.b64encode(b"u:p").decode()
    assert post.json == {"k": 1} and post.header("Content-Type") == "application/json"


def test_junit_report(run_cli, tmp_path, recording_server):
    import xml.etree.ElementTree as ET

    path = write_collection(tmp_path / "c.json", folder("c", "API"), api("r", "probe", "c", recording_server.url + "/x"),
                            api("bad", "refused", "c", "http://127.0.0.1:9/"))
    result = run_cli("run", path, "--reporters", "junit", "--reporter-junit-export", tmp_path / "out.xml")
    assert result.code == 4, result
    root = ET.parse(tmp_path / "out.xml").getroot()
    assert root.tag == "testsuites"
    assert root.get("errors") == "1"
    assert len(root.findall("testsuite")) == 2


def test_library_api_runs_with_events(tmp_path, recording_server):
    import rqrun

    path = write_collection(tmp_path / "c.json", folder("c", "API"), api("r", "probe", "c", recording_server.url + "/lib"))
    seen = []
    result = rqrun.run(rqrun.RunOptions(str(path), reporters=()), listeners=[seen.append])
    assert result.exit_code == 0
    assert recording_server.requests.paths == ["/lib"]
    finished = [e for e in seen if isinstance(e, rqrun.ItemFinished)]
    assert finished[0].execution.response.code == 200
    assert isinstance(seen[0], rqrun.RunStarted) and isinstance(seen[-1], rqrun.RunFinished)
