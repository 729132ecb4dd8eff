"""Unknown keys, unknown export versions and empty collections: what a loader tells the user.

Real files must stay silent (every fixture, every shared/realworld file, every ``rqrun import
postman`` output), and each mistake a user makes is one warning naming the file, the JSON path
and the key it probably meant.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from rqrun.errors import InputError
from rqrun.formats import load_collection, load_environments
from rqrun.formats._warnings import InputWarning, suggestion
from rqrun.formats.postman_import import import_collection

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
REALWORLD = Path(__file__).resolve().parents[3] / ".." / "shared" / "realworld"
COLLECTIONS = [
    FIXTURES / "requestly" / "export.json",
    FIXTURES / "requestly" / "multi-root.json",
    FIXTURES / "postman" / "shop.postman_collection.json",
    FIXTURES / "postman" / "legacy.v2.0.json",
    FIXTURES / "workspace",
    Path(__file__).resolve().parents[3] / "collections" / "demo.json",
    *sorted((Path(__file__).resolve().parents[3] / "examples").glob("*.json")),
]
ENVIRONMENTS = [
    FIXTURES / "requestly" / "environments.json",
    FIXTURES / "postman" / "staging.postman_environment.json",
    FIXTURES / "postman" / "workspace.postman_globals.json",
    Path(__file__).resolve().parents[3] / "collections" / "demo-environment.json",
]


def _realworld(pattern: str) -> list[Path]:
    return sorted(REALWORLD.glob(pattern)) if REALWORLD.is_dir() else []


def _warnings_of(path: Path, **kwargs: Any) -> list[str]:
    found: list[InputWarning] = []
    load_collection(path, warnings=found, **kwargs)
    return [str(w) for w in found]


@pytest.mark.parametrize("path", COLLECTIONS + [p for p in _realworld("*.json") if "environment" not in p.name],
                         ids=lambda p: p.name)
def test_warnings__real_collections_are_silent(path: Path) -> None:
    assert _warnings_of(path) == []
    load_collection(path, strict=True)


@pytest.mark.parametrize("path", ENVIRONMENTS + _realworld("*environment*.json"), ids=lambda p: p.name)
def test_warnings__real_environments_are_silent(path: Path) -> None:
    found: list[InputWarning] = []
    load_environments(path, warnings=found, strict=True)
    assert found == []


@pytest.mark.parametrize("path", [FIXTURES / "postman" / "shop.postman_collection.json",
                                  *_realworld("*.postman_collection.json")], ids=lambda p: p.name)
def test_warnings__imported_postman_collections_are_silent(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "imported.json"
    out.write_text(json.dumps(import_collection(load_collection(path)).document), encoding="utf-8")
    assert _warnings_of(out) == []


def _export(tmp_path: Path, change: Any) -> Path:
    doc = json.loads((FIXTURES / "requestly" / "export.json").read_text(encoding="utf-8"))
    change(doc)
    path = tmp_path / "c.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _first_api(doc: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in doc["records"] if r["type"] == "api" and not r.get("deleted") and not r.get("isExample"))


def _rename(obj: dict[str, Any], old: str, new: str) -> None:
    obj[new] = obj.pop(old)


@pytest.mark.parametrize(
    ("change", "place", "message"),
    [
        (lambda d: _rename(_first_api(d)["data"]["scripts"], "postResponse", "postRequest"),
         ".data.scripts.postRequest", "unknown key 'postRequest' (did you mean 'postResponse'?)"),
        (lambda d: _rename(_first_api(d)["data"], "request", "requests"),
         ".data.requests", "unknown key 'requests' (did you mean 'request'?)"),
        (lambda d: _first_api(d)["data"]["request"].update(headers=[{"id": 0, "name": "X-A", "value": "1", "isEnabled": True}]),
         ".data.request.headers[0].name", "unknown key 'name' (did you mean 'key'?)"),
        (lambda d: _rename(_first_api(d)["data"]["request"], "method", "Method"),
         ".data.request.Method", "unknown key 'Method' (did you mean 'method'?)"),
        (lambda d: _first_api(d).update(colour="red"), ".colour", "unknown key 'colour'"),
    ],
)
def test_warnings__requestly_mistakes_name_file_path_and_guess(tmp_path: Path, change: Any, place: str, message: str) -> None:
    path = _export(tmp_path, change)
    found = _warnings_of(path)
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}: records[") and f"{place}: {message}; rqrun ignores it" in found[0]
    with pytest.raises(InputError) as info:
        load_collection(path, strict=True)
    assert message in info.value.message and "--strict-input" in (info.value.hint or "")


def test_warnings__one_per_key_and_file_however_often_it_repeats(tmp_path: Path) -> None:
    def typo_everywhere(doc: dict[str, Any]) -> None:
        for rec in doc["records"]:
            scripts = rec.get("data", {}).get("scripts")
            if rec["type"] == "api" and scripts:
                _rename(scripts, "postResponse", "postRequest")

    path = _export(tmp_path, typo_everywhere)
    found = _warnings_of(path)
    assert len(found) == 1 and "more place" in found[0], found


@pytest.mark.parametrize("version", ["2.0.0", "1.1", "", 1])
def test_warnings__unknown_schema_version_is_an_error(tmp_path: Path, version: Any) -> None:
    path = _export(tmp_path, lambda d: d.update(schema_version=version))
    with pytest.raises(InputError) as info:
        load_collection(path)
    assert info.value.one_line().startswith(f"{path}: schema_version: ")
    assert "rqrun reads (it reads 1.0.0)" in info.value.message


def test_warnings__environment_export_version_is_checked_too(tmp_path: Path) -> None:
    doc = json.loads((FIXTURES / "requestly" / "environments.json").read_text(encoding="utf-8"))
    doc["schema_version"] = "9"
    path = tmp_path / "envs.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError, match="schema_version"):
        load_environments(path)


def test_warnings__empty_collection_is_one_warning_not_an_error(tmp_path: Path) -> None:
    path = _export(tmp_path, lambda d: d.update(records=[r for r in d["records"] if r["type"] == "collection"]))
    found: list[InputWarning] = []
    load_collection(path, warnings=found, strict=True)
    assert [str(w) for w in found] == [f"{path}: the collection holds no requests: nothing will run"]


def _postman(tmp_path: Path, change: Any) -> Path:
    doc = json.loads((FIXTURES / "postman" / "shop.postman_collection.json").read_text(encoding="utf-8"))
    change(doc)
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _first_item(items: list[dict[str, Any]]) -> dict[str, Any]:
    for item in items:
        if "request" in item:
            return item
        found = _first_item(item.get("item", []))
        if found:
            return found
    return {}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _rename(_first_item(d["item"])["request"], "header", "headers"),
         "unknown key 'headers' (did you mean 'header'?)"),
        (lambda d: _first_item(d["item"])["request"].update(header=[{"name": "X-A", "value": "1"}]),
         "unknown key 'name' (did you mean 'key'?)"),
        (lambda d: _first_item(d["item"]).update(events=[]), "unknown key 'events' (did you mean 'event'?)"),
        (lambda d: d.update(variabel=[]), "unknown key 'variabel' (did you mean 'variable'?)"),
    ],
)
def test_warnings__postman_mistakes(tmp_path: Path, change: Any, message: str) -> None:
    path = _postman(tmp_path, change)
    found = _warnings_of(path)
    assert len(found) == 1 and message in found[0], found


def test_warnings__postman_header_name_beside_key_is_fine(tmp_path: Path) -> None:
    rows = [{"key": "X-A", "name": "X-A", "value": "1", "type": "text"}]
    path = _postman(tmp_path, lambda d: _first_item(d["item"])["request"].update(header=rows))
    assert _warnings_of(path) == []


def test_warnings__postman_item_without_request_suggests_it(tmp_path: Path) -> None:
    path = _postman(tmp_path, lambda d: _rename(_first_item(d["item"]), "request", "requests"))
    with pytest.raises(InputError) as info:
        load_collection(path)
    assert "neither 'request' nor 'item'" in info.value.message and "'requests'" in (info.value.hint or "")


def test_warnings__workspace_request_file(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(FIXTURES / "workspace", root)
    login = root / "Users API" / "login.json"
    doc = json.loads(login.read_text())
    doc["request"]["scripts"]["postRequest"] = doc["request"]["scripts"].pop("postResponse")
    login.write_text(json.dumps(doc))
    found = _warnings_of(root)
    assert len(found) == 1 and found[0].startswith(f"{login}: request.scripts.postRequest: unknown key"), found


def test_warnings__environment_variable_typo(tmp_path: Path) -> None:
    doc = json.loads((FIXTURES / "postman" / "staging.postman_environment.json").read_text())
    doc["values"][0]["enbaled"] = False
    path = tmp_path / "env.json"
    path.write_text(json.dumps(doc))
    found: list[InputWarning] = []
    load_environments(path, warnings=found)
    assert [str(w) for w in found] == [
        f"{path}: values[0].enbaled: unknown key 'enbaled' (did you mean 'enabled'?); rqrun ignores it"
    ]
    with pytest.raises(InputError):
        load_environments(path, strict=True)


@pytest.mark.parametrize(
    ("key", "known", "expected"),
    [("postRequest", ["preRequest", "postResponse"], "postResponse"),
     ("PREREQUEST", ["preRequest", "postResponse"], "preRequest"),
     ("zzz", ["preRequest", "postResponse"], None)],
)
def test_warnings__suggestion(key: str, known: list[str], expected: str | None) -> None:
    aliases = {"postRequest": "postResponse"}
    assert suggestion(key, known, aliases) == expected
