"""Postman v2.0/v2.1 collections: URLs, headers, bodies, auth, variables, events and settings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rqrun.formats import load_collection
from rqrun.model import Collection, Folder, Request

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "postman"
SHOP = FIXTURES / "shop.postman_collection.json"


@pytest.fixture(scope="module")
def shop() -> Collection:
    return load_collection(SHOP)


@pytest.fixture(scope="module")
def requests(shop: Collection) -> dict[str, Request]:
    return {r.name: r for _, r in shop.walk()}


def _one(tmp_path: Path, request: object, **item: object) -> Request:
    """Load a collection holding one item and return its request."""
    doc = {"info": {"name": "T", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
           "item": [{"name": "R", "request": request, **item}]}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(doc))
    return next(r for _, r in load_collection(path).walk())


def test_postman__collection_info_auth_variables(shop: Collection) -> None:
    assert shop.name == "Shop API" and shop.format == "postman"
    assert shop.id == "5b0c6e7a-1f55-4c1b-9a8e-3f1d2c9b7e10"
    assert shop.description == "Orders and **carts**."
    assert shop.auth.type == "apikey"
    assert shop.auth.params == {"key": "X-API-Key", "value": "{{apiKey}}", "in": "header"}
    variables = {v.key: v for v in shop.variables}
    assert variables["retries"].value == 3 and variables["token"].type == "secret"
    assert variables["legacy"].enabled is False
    assert json.loads(variables["filters"].value) == {"color": "red"}


def test_postman__collection_and_folder_events(shop: Collection) -> None:
    assert shop.scripts.pre_request is None  # exec [""]
    test = shop.scripts.post_response
    assert test is not None and test.language == "javascript" and test.location == "Shop API post-response"
    orders = shop.items[0]
    assert isinstance(orders, Folder) and orders.description == "Order endpoints"
    assert orders.auth.type == "bearer" and orders.auth.params == {"token": "{{token}}"}
    assert [(v.key, v.value) for v in orders.variables] == [("status", "open")]
    assert orders.scripts.pre_request is not None
    assert orders.scripts.pre_request.location == "Orders pre-request"


def test_postman__request_with_url_object_and_query(requests: dict[str, Request]) -> None:
    create = requests["Create order"]
    assert create.id == "item-create-order" and create.method == "POST"
    assert create.url == "{{baseUrl}}/orders"
    assert [(q.key, q.value, q.enabled) for q in create.query] == [("expand", "items", True), ("draft", "", False)]
    assert [(h.key, h.enabled, h.description) for h in create.headers] == [
        ("Accept", True, ""), ("X-Debug", False, "debug only")
    ]
    assert create.description == "Creates an order"
    assert create.body.mode == "raw" and create.body.content_type == "application/json"
    assert create.auth.type == "inherit"


def test_postman__exec_list_is_joined(requests: dict[str, Request]) -> None:
    scripts = requests["Create order"].scripts
    assert scripts.pre_request is not None
    assert scripts.pre_request.source == "// build body\npm.variables.set('n', 1);"
    assert scripts.post_response is not None
    assert scripts.post_response.location == "Orders/Create order post-response"


def test_postman__settings_are_inherited_and_overridden(requests: dict[str, Request]) -> None:
    assert requests["Create order"].settings == {"follow_redirects": False, "disable_body_pruning": True}
    assert requests["Refund order"].settings == {"follow_redirects": True, "strict_ssl": False}
    assert requests["Ping"].settings == {"follow_redirects": False}


def test_postman__url_from_parts_with_port_and_path_variables(requests: dict[str, Request]) -> None:
    get = requests["Get order"]
    assert get.method == "GET"
    assert get.url == "https://shop.example.com:8443/v1/orders/:orderId"
    assert [(p.key, p.value, p.description) for p in get.path_variables] == [("orderId", "{{orderId}}", "order id")]
    assert [(h.key, h.value) for h in get.headers] == [("Accept", "application/json"), ("X-Trace", "on")]


def test_postman__string_url_and_basic_auth_and_urlencoded(requests: dict[str, Request]) -> None:
    refund = requests["Refund order"]
    assert refund.url == "{{baseUrl}}/refunds" and [(q.key, q.value) for q in refund.query] == [("notify", "true")]
    assert refund.auth.type == "basic" and refund.auth.params == {"username": "{{user}}", "password": "{{pass}}"}
    assert [(r.key, r.value, r.enabled) for r in refund.body.urlencoded] == [
        ("amount", "10.50", True), ("reason", "damaged", False)
    ]


def test_postman__formdata_text_and_files(requests: dict[str, Request]) -> None:
    upload = requests["Upload invoice"]
    assert upload.auth.type == "none" and upload.body.mode == "formdata"
    note, invoice, extra, skip = upload.body.formdata
    assert (note.kind, note.value) == ("text", "March")
    assert invoice.kind == "file" and invoice.files == [str(FIXTURES / "files" / "invoice.pdf")]
    assert extra.files == [str(FIXTURES / "files" / "a.txt"), os.path.normpath("/srv/b.txt")]
    assert extra.content_type == "text/plain"
    assert skip.enabled is False


def test_postman__file_body_and_digest(requests: dict[str, Request]) -> None:
    put = requests["Put binary"]
    assert put.body.mode == "file" and put.body.file == str(FIXTURES / "files" / "blob.bin")
    assert put.auth.type == "digest"
    assert put.auth.params == {"username": "d", "password": "p", "algorithm": "MD5"}
    assert put.url == "{{baseUrl}}/blobs/1"  # raw-only URL object


def test_postman__graphql_and_oauth2(requests: dict[str, Request]) -> None:
    search = requests["Search products"]
    assert search.kind == "graphql" and search.body.mode == "graphql"
    assert search.body.graphql is not None and search.body.graphql.variables == "{\n\t\"n\": 5\n}"
    assert search.auth.type == "oauth2"
    assert search.auth.params["grant_type"] == "client_credentials"
    assert search.auth.params["useBrowser"] == "false"


def test_postman__unusual_method_signing_auth_string_host(requests: dict[str, Request]) -> None:
    """Hawk is a signing auth rqrun sends now (it was "unsupported"): its fields are kept as written."""
    purge = requests["Purge cache"]
    assert purge.method == "PURGE" and purge.url == "cdn.example.com/cache/all"
    assert purge.auth.type == "hawk" and purge.auth.params == {"authId": "x"}


def test_postman__auth_rqrun_cannot_send_is_unsupported_by_name(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"info": {"name": "c"}, "item": [
        {"name": "r", "request": {"url": "h", "auth": {"type": "asap", "asap": [{"key": "issuer", "value": "u"}]}}}
    ]}))
    (_, request), = load_collection(path).walk()
    assert request.auth.type == "unsupported" and request.auth.params == {"name": "asap"}


def test_postman__request_as_a_string_keeps_a_schemeless_url(requests: dict[str, Request]) -> None:
    ping = requests["Ping"]
    assert ping.method == "GET" and ping.url == "shop.example.com/ping"
    assert [(q.key, q.value) for q in ping.query] == [("verbose", "1")]


def test_postman__raw_language_and_apikey_in_query(requests: dict[str, Request]) -> None:
    echo = requests["Echo xml"]
    assert echo.body.content_type == "application/xml"
    assert echo.auth.params == {"key": "token", "value": "abc", "in": "query"}
    assert echo.url == "https://echo.example.com/xml" and echo.query == []
    assert requests["Plain text"].body.content_type == "text/plain"


def test_postman__ids_are_stable_across_loads(shop: Collection) -> None:
    again = load_collection(SHOP)
    assert [r.id for _, r in shop.walk()] == [r.id for _, r in again.walk()]
    ids = [r.id for _, r in shop.walk()]
    assert len(set(ids)) == len(ids)


def test_postman__v2_0_forms() -> None:
    c = load_collection(FIXTURES / "legacy.v2.0.json")
    assert c.auth.type == "basic" and c.auth.params == {"username": "admin", "password": "{{adminPass}}"}
    assert [(v.key, v.value) for v in c.variables] == [("host", "legacy.example.com")]
    status, token, keys = (r for _, r in c.walk())
    assert status.url == "http://{{host}}/status" and status.description == "Service status"
    assert token.url == "http://{{host}}/token" and [(q.key, q.value) for q in token.query] == [("scope", "read")]
    assert token.auth.params == {"token": "{{refresh}}"}
    assert [(h.key, h.value) for h in token.headers] == [("Content-Type", "application/x-www-form-urlencoded")]
    assert keys.auth.params == {"key": "X-Key", "value": "{{k}}", "in": "header"}


@pytest.mark.parametrize(
    ("language", "content_type"),
    [("json", "application/json"), ("xml", "application/xml"), ("html", "text/html"),
     ("text", "text/plain"), ("javascript", "application/javascript"), ("unknown", "text/plain")],
)
def test_postman__raw_languages(tmp_path: Path, language: str, content_type: str) -> None:
    request = _one(tmp_path, {"method": "POST", "url": "x", "body": {
        "mode": "raw", "raw": "b", "options": {"raw": {"language": language}}}})
    assert request.body.content_type == content_type


def test_postman__empty_bodies_are_none(tmp_path: Path) -> None:
    for body in ({}, {"mode": "raw", "raw": ""}, {"mode": "formdata", "formdata": ""},
                 {"mode": "raw", "raw": "x", "disabled": True}, {"mode": "file", "file": {}}):
        assert _one(tmp_path, {"url": "x", "body": body}).body.mode in ("none", "formdata")


def test_postman__disabled_entries_are_kept(tmp_path: Path) -> None:
    request = _one(tmp_path, {"url": {"raw": "x?a=1", "host": ["x"], "query": [
        {"key": "a", "value": "1", "disabled": True}]},
        "header": [{"key": "H", "value": "v", "disabled": True}]})
    assert request.query[0].enabled is False and request.headers[0].enabled is False


def test_postman__script_type_other_than_javascript_is_kept(tmp_path: Path) -> None:
    request = _one(tmp_path, "x", event=[{"listen": "test", "script": {"type": "text/python", "exec": "x = 1"}}])
    assert request.scripts.post_response is not None
    assert request.scripts.post_response.language == "text/python"


def test_postman__info_and_item_without_schema(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"info": {"name": "N"}, "item": []}))
    c = load_collection(path)
    assert c.name == "N" and c.items == [] and c.auth.type == "none"
