"""Requestly collection exports: the tree, requests, bodies, auth, variables and scripts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rqrun.formats import load_collection
from rqrun.model import Collection, Folder, Request

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "requestly"
EXPORT = FIXTURES / "export.json"


@pytest.fixture(scope="module")
def collection() -> Collection:
    return load_collection(EXPORT)


def _requests(c: Folder) -> dict[str, Request]:
    return {r.name: r for _, r in c.walk()}


def _folder(c: Folder, *names: str) -> Folder:
    node = c
    for name in names:
        node = next(i for i in node.items if isinstance(i, Folder) and i.name == name)
    return node


def test_requestly__single_root_collection_is_the_root(collection: Collection) -> None:
    assert collection.name == "Users API" and collection.id == "col-users"
    assert collection.format == "requestly" and collection.source == str(EXPORT)
    assert collection.description == "Demo collection for the users service"
    assert collection.auth.type == "bearer" and collection.auth.params == {"token": "{{token}}"}


def test_requestly__items_keep_file_order_and_nesting(collection: Collection) -> None:
    assert [i.name for i in collection.items] == ["Login", "Admin", "GraphQL"]
    admin = _folder(collection, "Admin")
    assert [i.name for i in admin.items] == ["List users", "Search", "Reports"]
    assert [i.name for i in _folder(collection, "Admin", "Reports").items] == ["Upload report", "Feedback form"]


def test_requestly__deleted_and_example_records_are_skipped(collection: Collection) -> None:
    names = set(_requests(collection))
    assert "Old endpoint" not in names and "Login 200" not in names and "Login 401" not in names


def test_requestly__collection_variables_current_value_wins(collection: Collection) -> None:
    variables = {v.key: v for v in collection.variables}
    assert variables["baseUrl"].value == "https://api.example.com"
    assert variables["apiKey"].value == "k-local-123" and variables["apiKey"].type == "secret"
    assert variables["pageSize"].value == 20 and variables["pageSize"].type == "number"
    assert [v.key for v in _folder(collection, "Admin").variables] == ["role"]


def test_requestly__json_body_method_headers(collection: Collection) -> None:
    login = _requests(collection)["Login"]
    assert login.id == "req-login" and login.method == "POST" and login.description == "Gets a token"
    assert login.url == "{{baseUrl}}/login"
    assert [(h.key, h.value, h.enabled) for h in login.headers] == [("X-Client", "rqrun", True), ("X-Debug", "1", False)]
    assert login.body.mode == "raw" and login.body.content_type == "application/json"
    assert json.loads(login.body.raw.replace("{{username}}", "u").replace("{{vault:api-password}}", "p"))
    assert login.auth.type == "none"


def test_requestly__query_rows_win_over_the_url_query(collection: Collection) -> None:
    listing = _requests(collection)["List users"]
    assert listing.url == "{{baseUrl}}/orgs/:org/users"
    assert [(q.key, q.value, q.enabled) for q in listing.query] == [("role", "{{role}}", True), ("limit", "50", False)]
    assert [(p.key, p.value, p.description) for p in listing.path_variables] == [("org", "acme", "organisation slug")]
    assert listing.body.mode == "none" and listing.auth.type == "inherit"


def test_requestly__url_query_used_when_rows_are_blank(collection: Collection) -> None:
    search = _requests(collection)["Search"]
    assert search.url == "{{baseUrl}}/search"
    assert [(q.key, q.value) for q in search.query] == [("q", "{{term}}"), ("page", "2"), ("flag", "")]
    assert search.method == "GET" and search.kind == "http"
    assert search.body.mode == "none"  # empty string body


def test_requestly__auth_types(collection: Collection) -> None:
    requests = _requests(collection)
    assert requests["Search"].auth.type == "apikey"
    assert requests["Search"].auth.params == {"key": "api_key", "value": "{{apiKey}}", "in": "query"}
    reports = _folder(collection, "Admin", "Reports")
    assert reports.auth.type == "basic"
    assert reports.auth.params == {"username": "{{user}}", "password": "{{vault:report-pass}}"}
    assert requests["Feedback form"].auth.type == "unsupported"
    assert requests["Feedback form"].auth.params == {"name": "AWS_SIGNATURE"}
    assert _folder(collection, "Admin").auth.type == "inherit"


def test_requestly__multipart_files_are_absolute(collection: Collection) -> None:
    upload = _requests(collection)["Upload report"]
    assert upload.body.mode == "formdata" and upload.body.content_type == "multipart/form-data"
    title, file_part, draft = upload.body.formdata
    assert (title.key, title.value, title.kind) == ("title", "Q3 {{year}}", "text")
    assert file_part.kind == "file"
    assert file_part.files == [str(FIXTURES / "files" / "report.pdf"), os.path.normpath("/tmp/abs.csv")]
    assert all(os.path.isabs(f) for f in file_part.files)
    assert draft.enabled is False


def test_requestly__urlencoded_rows(collection: Collection) -> None:
    feedback = _requests(collection)["Feedback form"]
    assert feedback.body.mode == "urlencoded"
    assert [(r.key, r.value, r.enabled) for r in feedback.body.urlencoded] == [
        ("rating", "5", True), ("comment", "great & fast", True), ("spam", "1", False)
    ]


def test_requestly__graphql_record(collection: Collection) -> None:
    gql = _requests(collection)["Get user"]
    assert gql.kind == "graphql" and gql.method == "POST" and gql.body.mode == "graphql"
    assert gql.body.graphql is not None
    assert gql.body.graphql.query.startswith("query GetUser")
    assert json.loads(gql.body.graphql.variables) == {"id": "{{userId}}"}
    assert gql.body.graphql.operation_name == "GetUser"
    assert [h.key for h in gql.headers] == ["X-Trace"]
    assert gql.scripts.pre_request is None  # whitespace only


def test_requestly__scripts_are_python_with_locations(collection: Collection) -> None:
    login = _requests(collection)["Login"]
    assert login.scripts.pre_request is None
    post = login.scripts.post_response
    assert post is not None and post.language == "" and post.location == "Login post-response"
    listing = _requests(collection)["List users"].scripts.post_response
    assert listing is not None and listing.location == "Admin/List users post-response"
    root = collection.scripts.pre_request
    assert root is not None and root.location == "Users API pre-request"
    assert collection.scripts.post_response is None


def test_requestly__several_roots_get_a_synthetic_root() -> None:
    c = load_collection(FIXTURES / "multi-root.json")
    assert c.name == "multi-root" and c.auth.type == "none"
    assert [i.name for i in c.items] == ["Billing", "Shipping", "Ping"]
    billing = c.items[0]
    assert isinstance(billing, Folder) and billing.auth.type == "none"  # a root record with no auth
    assert [v.key for v in billing.variables] == ["currency"]
    invoices = billing.items[0]
    assert isinstance(invoices, Request) and invoices.auth.type == "inherit"
    assert invoices.scripts.post_response is not None
    assert invoices.scripts.post_response.location == "Billing/Invoices post-response"
    ping = c.items[2]
    assert isinstance(ping, Request) and ping.method == "GET" and ping.auth.type == "none"


def _write(tmp_path: Path, records: list[object]) -> Path:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"schema_version": "1.0.0", "records": records}))
    return path


def _api(rid: str, parent: str, request: dict[str, object], **data: object) -> dict[str, object]:
    return {"id": rid, "name": rid, "type": "api", "collectionId": parent, "data": {"request": request, **data}}


def test_requestly__root_inherit_becomes_none(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        {"id": "c", "name": "C", "type": "collection", "collectionId": "",
         "data": {"auth": {"currentAuthType": "INHERIT", "authConfigStore": {}}}},
    ])
    assert load_collection(path).auth.type == "none"


def test_requestly__children_of_deleted_collections_are_gone(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        {"id": "c", "name": "C", "type": "collection", "collectionId": ""},
        {"id": "d", "name": "D", "type": "collection", "collectionId": "c", "deleted": True},
        {"id": "e", "name": "E", "type": "collection", "collectionId": "d"},
        _api("r", "e", {"url": "https://x"}),
        _api("s", "c", {"url": "https://y"}),
    ])
    assert [r.id for _, r in load_collection(path).walk()] == ["s"]


def test_requestly__scripts_language_field_declares_both_scripts(tmp_path: Path) -> None:
    scripts = {"language": "text/python", "preRequest": "x = 1", "postResponse": "y = 2"}
    path = _write(tmp_path, [_api("r", "", {"url": "u"}, scripts=scripts)])
    request = next(r for _, r in load_collection(path).walk())
    assert request.scripts.pre_request is not None and request.scripts.pre_request.language == "text/python"
    assert request.scripts.post_response is not None and request.scripts.post_response.language == "text/python"


def test_requestly__unknown_script_language_is_an_input_error(tmp_path: Path) -> None:
    from rqrun.errors import InputError

    path = _write(tmp_path, [_api("r", "", {"url": "u"}, scripts={"language": "coffee", "preRequest": "x"})])
    with pytest.raises(InputError) as caught:
        load_collection(path)
    assert "unknown script language 'coffee'" in caught.value.one_line() and "text/python" in caught.value.one_line()
    assert "scripts.language" in caught.value.one_line()


@pytest.mark.parametrize(
    ("content_type", "body", "mode", "raw"),
    [
        ("text/plain", "hello", "raw", "hello"),
        ("text/html", "<p>x</p>", "raw", "<p>x</p>"),
        ("application/xml", "<a/>", "raw", "<a/>"),
        ("application/javascript", "var a;", "raw", "var a;"),
        ("application/json", None, "none", ""),
        ("multipart/form-data", [], "none", ""),
        (None, "loose", "raw", "loose"),
    ],
)
def test_requestly__body_by_content_type(
    tmp_path: Path, content_type: str | None, body: object, mode: str, raw: str
) -> None:
    path = _write(tmp_path, [_api("r", "", {"url": "u", "method": "POST", "body": body, "contentType": content_type})])
    request = next(r for _, r in load_collection(path).walk())
    assert request.body.mode == mode and request.body.raw == raw
    if mode == "raw":
        assert request.body.content_type == content_type


def test_requestly__method_defaults_to_get_and_is_upper_case(tmp_path: Path) -> None:
    path = _write(tmp_path, [_api("a", "", {"url": "u"}), _api("b", "", {"url": "u", "method": "propfind"})])
    assert [r.method for _, r in load_collection(path).walk()] == ["GET", "PROPFIND"]


def test_requestly__apikey_defaults_to_header(tmp_path: Path) -> None:
    auth = {"currentAuthType": "API_KEY", "authConfigStore": {"API_KEY": {"key": "k", "value": "v"}}}
    path = _write(tmp_path, [_api("a", "", {"url": "u"}, auth=auth)])
    request = next(r for _, r in load_collection(path).walk())
    assert request.auth.params == {"key": "k", "value": "v", "in": "header"}


def test_requestly__variables_order_is_honoured(tmp_path: Path) -> None:
    path = _write(tmp_path, [{
        "id": "c", "name": "C", "type": "collection", "collectionId": "",
        "data": {"variables": {"a": {"syncValue": 1}, "b": {"syncValue": 2}}, "variablesOrder": ["b", "a"]},
    }])
    assert [v.key for v in load_collection(path).variables] == ["b", "a"]


def test_requestly__collection_level_scripts(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        {"id": "c", "name": "C", "type": "collection", "collectionId": "",
         "data": {"scripts": {"preRequest": "a = 1", "postResponse": "b = 2"}}},
        {"id": "f", "name": "F", "type": "collection", "collectionId": "c",
         "data": {"scripts": {"preRequest": "", "postResponse": "c = 3"}}},
    ])
    c = load_collection(path)
    folder = c.items[0]
    assert c.scripts.pre_request and c.scripts.pre_request.source == "a = 1"
    assert isinstance(folder, Folder) and folder.scripts.post_response
    assert folder.scripts.post_response.location == "F post-response"


def test_requestly__rqrun_auth_extensions(tmp_path) -> None:
    """DIGEST_AUTH and OAUTH2 are rqrun's extensions to the Requestly format."""
    import json

    from rqrun.formats import load_collection

    def record(rid, auth):
        return {"id": rid, "name": rid, "type": "api", "collectionId": "c",
                "data": {"request": {"url": "http://h", "method": "GET"}, "auth": auth}}

    path = tmp_path / "c.json"
    path.write_text(json.dumps({"schema_version": "1.0.0", "records": [
        {"id": "c", "name": "C", "type": "collection", "collectionId": "", "data": {}},
        record("d", {"currentAuthType": "DIGEST_AUTH", "authConfigStore": {"DIGEST_AUTH": {"username": "u", "password": "p"}}}),
        record("o", {"currentAuthType": "OAUTH2", "authConfigStore": {"OAUTH2": {"grant_type": "client_credentials", "accessTokenUrl": "http://t", "clientId": "id"}}}),
    ]}))
    requests = {r.name: r for r in load_collection(path).items}
    assert (requests["d"].auth.type, requests["d"].auth.params) == ("digest", {"username": "u", "password": "p"})
    assert requests["o"].auth.type == "oauth2"
    assert requests["o"].auth.params == {"grant_type": "client_credentials", "accessTokenUrl": "http://t", "clientId": "id"}
