"""The demo collection: loads, uses every feature it is meant to show, and its scripts are Python."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from rqrun.formats import load_collection, load_data, load_environments
from rqrun.model import Collection, Folder, Request

COLLECTIONS = Path(__file__).resolve().parents[3] / "collections"


@pytest.fixture(scope="module")
def collection() -> Collection:
    return load_collection(str(COLLECTIONS / "demo.json"))


def requests(collection: Collection) -> dict[str, tuple[tuple[Folder, ...], Request]]:
    return {r.name: (chain, r) for chain, r in collection.walk(requests_first=True)}


def test_export_shape() -> None:
    doc = json.loads((COLLECTIONS / "demo.json").read_text(encoding="utf-8"))
    assert doc["schema_version"] == "1.0.0"
    seen: set[str] = set()
    for record in doc["records"]:
        assert record["type"] in ("collection", "api")
        assert record["collectionId"] == "" or record["collectionId"] in seen, "parents come first"
        if record["type"] == "collection":
            seen.add(record["id"])


def test_order_is_the_same_either_way(collection: Collection) -> None:
    """Requests before sub-folders in every folder, so Newman and Requestly orders agree."""
    assert [r.id for _, r in collection.walk()] == [r.id for _, r in collection.walk(requests_first=True)]


def test_login_comes_first_without_auth_and_uses_the_vault(collection: Collection) -> None:
    first_chain, first = next(iter(collection.walk(requests_first=True)))
    assert first.name == "Login" and first.auth.type == "none"
    assert "{{vault:demo-password}}" in first.body.raw
    assert first.scripts.post_response is not None
    assert 'rq.environment.set("token", rq.response.json()["token"])' in first.scripts.post_response.source


def test_auth_inheritance(collection: Collection) -> None:
    assert collection.auth.type == "bearer" and collection.auth.params["token"] == "{{token}}"
    by_name = requests(collection)
    assert by_name["List items"][1].auth.type == "inherit"
    assert by_name["List items"][0][-1].auth.type == "inherit"  # the Items folder inherits too
    assert by_name["API key instead of the token"][1].auth.type == "apikey"
    assert by_name["Basic auth"][1].auth.type == "basic"


def test_nested_folders_and_variables(collection: Collection) -> None:
    chains = {tuple(f.name for f in chain[1:]) for chain, _ in collection.walk()}
    assert ("Items", "Data-driven") in chains and ("Echo", "Redirects and cookies") in chains
    assert {v.key for v in collection.variables} >= {"username", "pageSize", "apiKey"}
    items = next(f for f in collection.items if isinstance(f, Folder) and f.name == "Items")
    assert [v.key for v in items.variables] == ["itemName"]


def test_bodies_query_and_path_variables(collection: Collection) -> None:
    by_name = requests(collection)
    assert by_name["Urlencoded form"][1].body.mode == "urlencoded"
    assert by_name["JSON body"][1].body.content_type == "application/json"
    assert [q.key for q in by_name["List items"][1].query] == ["limit", "offset"]
    get_item = by_name["Get item"][1]
    assert get_item.url.endswith("/items/:id")
    assert [(p.key, p.value) for p in get_item.path_variables] == [("id", "{{itemId}}")]


def test_data_folder_uses_the_csv_columns(collection: Collection) -> None:
    with open(COLLECTIONS / "demo-data.csv", newline="", encoding="utf-8") as handle:
        columns = next(csv.reader(handle))
    rows = load_data(str(COLLECTIONS / "demo-data.csv"))
    assert len(rows) >= 3
    body = requests(collection)["Create item from the data row"][1].body.raw
    assert {m for m in re.findall(r"\{\{(\w+)\}\}", body)} == set(columns)


def test_pre_request_variable_is_used_by_the_same_request(collection: Collection) -> None:
    request = requests(collection)["Query params and a pre-request variable"][1]
    assert request.scripts.pre_request is not None
    assert 'rq.variables.set("requestTag"' in request.scripts.pre_request.source
    assert any(h.value == "{{requestTag}}" for h in request.headers)


def test_every_request_has_tests_and_every_script_is_python(collection: Collection) -> None:
    scripts = [collection.scripts.post_response]
    for _chain, request in collection.walk():
        assert request.scripts.post_response is not None, request.name
        assert "rq.test(" in request.scripts.post_response.source, request.name
        scripts += [request.scripts.pre_request, request.scripts.post_response]
    for script in filter(None, scripts):
        compile(script.source, script.location, "exec")
        assert not re.search(r"\b_\w", script.source.replace("rq.", "")), "underscore names are refused"


def test_environment_file() -> None:
    [env] = load_environments(str(COLLECTIONS / "demo-environment.json"))
    assert {v.key: v.value for v in env.variables}["baseUrl"].startswith("http://127.0.0.1:")
