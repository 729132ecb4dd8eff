"""Requestly local-workspace folders: layout, ordering, exclusions, environments."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rqrun.formats import load_collection
from rqrun.model import Collection, Folder, Request

WORKSPACE = Path(__file__).resolve().parents[2] / "fixtures" / "workspace"


@pytest.fixture(scope="module")
def ws() -> Collection:
    return load_collection(WORKSPACE)


def _requests(c: Folder) -> dict[str, Request]:
    return {r.name: r for _, r in c.walk()}


def test_workspace__root_holds_the_collections(ws: Collection) -> None:
    assert ws.format == "requestly-workspace" and ws.name == "workspace" and ws.auth.type == "none"
    assert [i.name for i in ws.items] == ["Health", "Users API"]


def test_workspace__collection_vars_auth_readme(ws: Collection) -> None:
    users = ws.items[1]
    assert isinstance(users, Folder) and users.id == "Users API"
    assert users.auth.type == "bearer" and users.auth.params == {"token": "{{token}}"}
    assert users.description.startswith("# Users API")
    variables = {v.key: v for v in users.variables}
    assert variables["baseUrl"].value == "https://api.example.com" and variables["baseUrl"].type == "string"
    assert variables["clientSecret"].type == "secret"


def test_workspace__requests_by_rank_then_folders(ws: Collection) -> None:
    users = ws.items[1]
    assert isinstance(users, Folder)
    assert [i.name for i in users.items] == ["Login", "Who am I", "Admin"]


def test_workspace__excluded_and_hidden_files_are_skipped(ws: Collection) -> None:
    names = set(_requests(ws))
    assert "excluded by requestly.json" not in names and "draft, excluded" not in names


def test_workspace__request_fields(ws: Collection) -> None:
    requests = _requests(ws)
    login = requests["Login"]
    assert login.id == "Users API/login.json" and login.method == "POST"
    assert login.body.mode == "raw" and login.body.content_type == "application/json"
    assert login.auth.type == "none"
    assert login.scripts.post_response is not None and login.scripts.post_response.language == ""
    assert login.scripts.post_response.location == "Users API/Login post-response"
    me = requests["Who am I"]
    assert me.url == "{{baseUrl}}/me" and [(q.key, q.value) for q in me.query] == [("fields", "id,name")]
    listing = requests["List users"]
    assert [(p.key, p.value) for p in listing.path_variables] == [("org", "acme")]
    assert listing.scripts.pre_request is not None
    ping = requests["Ping"]
    assert ping.kind == "graphql" and ping.method == "POST" and ping.body.graphql is not None


def test_workspace__environments(ws: Collection) -> None:
    envs = {e.name: e for e in ws.environments}
    assert envs["Global"].is_global and not envs["Staging"].is_global
    assert {v.key: v.type for v in envs["Staging"].variables} == {"baseUrl": "string", "password": "secret"}


def test_workspace__single_collection_is_the_root(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "requestly.json").write_text('{"version": "0.0.1"}')
    shutil.copytree(WORKSPACE / "Users API", root / "Users API")
    c = load_collection(root)
    assert c.name == "Users API" and c.auth.type == "bearer"
    assert [v.key for v in c.variables] == ["baseUrl", "clientSecret"]
    login = _requests(c)["Login"]
    assert login.scripts.post_response is not None
    assert login.scripts.post_response.location == "Login post-response"
    assert "Who am I" in _requests(c) and c.environments == []


def test_workspace__empty_requestly_json_is_fine(tmp_path: Path) -> None:
    (tmp_path / "requestly.json").write_text("")
    (tmp_path / "a.json").write_text('{"name": "A", "request": {"url": "https://a"}}')
    c = load_collection(tmp_path)
    assert [r.name for _, r in c.walk()] == ["A"]


def test_workspace__symlink_loop_is_an_error(tmp_path: Path) -> None:
    from rqrun.errors import InputError

    (tmp_path / "requestly.json").write_text("{}")
    (tmp_path / "C").mkdir()
    try:
        (tmp_path / "C" / "loop").symlink_to(tmp_path / "C", target_is_directory=True)
    except OSError:
        pytest.skip("no symlinks here")
    with pytest.raises(InputError) as info:
        load_collection(tmp_path)
    assert "cycle" in info.value.one_line() and "loop" in info.value.one_line()


def test_workspace__pointing_at_requestly_json_loads_the_folder() -> None:
    c = load_collection(WORKSPACE / "requestly.json")
    assert c.format == "requestly-workspace" and [i.name for i in c.items] == ["Health", "Users API"]


def _linked_out(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / "C").mkdir(parents=True)
    (ws / "requestly.json").write_text("{}")
    (ws / "C" / "r.json").write_text('{"name": "R", "request": {"type": "http", "url": "{{v}}", "method": "GET"}}')
    (tmp_path / "outside.json").write_text('{"v": {"value": "from-outside"}}')
    try:
        (ws / "C" / "vars.json").symlink_to(tmp_path / "outside.json")
    except OSError:
        pytest.skip("no symlinks here")
    return ws


def test_workspace__file_linked_out_is_refused_without_a_policy(tmp_path: Path) -> None:
    from rqrun.errors import FileNotAllowed

    ws = _linked_out(tmp_path)
    with pytest.raises(FileNotAllowed) as info:
        load_collection(ws)
    line = info.value.one_line()
    assert f"variables file {ws / 'C' / 'vars.json'} is outside {ws}" in line and "--insecure-file-read" in line


def test_workspace__file_linked_out_loads_with_an_insecure_policy(tmp_path: Path) -> None:
    from rqrun.files import FileAccess

    ws = _linked_out(tmp_path)
    c = load_collection(ws, files=FileAccess(str(ws), insecure=True))
    assert [v.value for v in c.variables] == ["from-outside"]
