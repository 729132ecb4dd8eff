"""Bad input: every problem is one InputError line naming the file and the place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rqrun.errors import ExitCode, InputError
from rqrun.formats import load_collection, load_data, load_environments

SHOP = Path(__file__).resolve().parents[2] / "fixtures" / "postman" / "shop.postman_collection.json"


def _error(load: object, path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load(path)  # type: ignore[operator]
    line = info.value.one_line()
    assert "\n" not in line and str(path) in line
    assert "bug in rqrun" not in line
    assert info.value.exit_code == ExitCode.INPUT
    return info.value


def _records(tmp_path: Path, records: list[object]) -> Path:
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"schema_version": "1.0.0", "records": records}))
    return path


def _col(rid: str, parent: str = "") -> dict[str, object]:
    return {"id": rid, "name": rid.upper(), "type": "collection", "collectionId": parent}


def test_errors__truncated_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(SHOP.read_text()[:700])
    error = _error(load_collection, path)
    assert error.where is not None and error.where.startswith(f"{path}:")
    line, col = error.where.rsplit(":", 2)[1:]
    assert int(line) > 1 and int(col) >= 1
    assert "invalid JSON" in error.message


def test_errors__wrong_type_names_the_json_path(tmp_path: Path) -> None:
    path = _records(tmp_path, [_col("c"), {"id": "r", "name": "R", "type": "api", "collectionId": "c",
                                          "data": {"request": {"url": "u", "headers": "x"}}}])
    error = _error(load_collection, path)
    assert error.where == f"{path}: records[1].data.request.headers"
    assert error.message == "expected a list, got a string"


def test_errors__wrong_type_inside_a_row(tmp_path: Path) -> None:
    path = _records(tmp_path, [{"id": "r", "name": "R", "type": "api", "collectionId": "",
                                "data": {"request": {"url": "u", "headers": [{"key": "a"}, 5]}}}])
    assert _error(load_collection, path).where == f"{path}: records[0].data.request.headers[1]"


def test_errors__postman_wrong_type(tmp_path: Path) -> None:
    doc = json.loads(SHOP.read_text())
    doc["item"][0]["item"][0]["request"]["header"][1] = ["not", "a", "header"]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(doc))
    assert _error(load_collection, path).where == f"{path}: item[0].item[0].request.header[1]"


def test_postman_unknown_body_mode_loads_as_newman_runs_it(tmp_path: Path) -> None:
    """Newman 6.2.2 runs an unknown body mode (tests/compat fixture-loader-leniency): no body,
    or the ``raw`` text beside it as text/plain. It used to be refused here."""
    items = [
        {"name": "r", "request": {"url": "u", "body": {"mode": "binary"}}},
        {"name": "s", "request": {"url": "u", "body": {"mode": "odd", "raw": "text"}}},
    ]
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"info": {"name": "x"}, "item": items}))
    first, second = [request for _, request in load_collection(path).walk()]
    assert first.body.mode == "none"
    assert (second.body.mode, second.body.raw, second.body.content_type) == ("raw", "text", "text/plain")


def test_errors__postman_v1_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"id": "x", "name": "old", "info": {"name": "old"}, "requests": [], "order": []}))
    error = _error(load_collection, path)
    assert "v1" in error.message and error.hint


@pytest.mark.parametrize("load", [load_collection, load_environments, load_data])
def test_errors__missing_file(tmp_path: Path, load: object) -> None:
    error = _error(load, tmp_path / "nope.json")
    assert "not found" in error.message


@pytest.mark.parametrize("load", [load_collection, load_environments, load_data])
def test_errors__empty_file(tmp_path: Path, load: object) -> None:
    path = tmp_path / "empty.json"
    path.write_text("  \n")
    assert "empty" in _error(load, path).message


@pytest.mark.parametrize("load", [load_collection, load_environments, load_data])
def test_errors__not_utf8(tmp_path: Path, load: object) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"name": "caf\u00e9"}\n'.encode("latin-1"))
    error = _error(load, path)
    assert "UTF-8" in error.message and error.where == f"{path}:1"


def test_errors__directory_without_requestly_json(tmp_path: Path) -> None:
    error = _error(load_collection, tmp_path)
    assert "requestly.json" in error.message and error.hint


@pytest.mark.parametrize("load", [load_environments, load_data])
def test_errors__directory_where_a_file_is_expected(tmp_path: Path, load: object) -> None:
    assert "directory" in _error(load, tmp_path).message


def test_errors__unknown_collection_format(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"hello": "world"}')
    error = _error(load_collection, path)
    assert "Requestly" in error.message and "Postman" in error.message


def test_errors__folder_cycle(tmp_path: Path) -> None:
    path = _records(tmp_path, [_col("a", "b"), _col("b", "a")])
    error = _error(load_collection, path)
    assert error.where == f"{path}: records[0].collectionId"
    assert "cycle" in error.message and "a -> b -> a" in error.message


def test_errors__self_parent_is_a_cycle(tmp_path: Path) -> None:
    assert "cycle" in _error(load_collection, _records(tmp_path, [_col("a", "a")])).message


def test_errors__child_before_parent(tmp_path: Path) -> None:
    path = _records(tmp_path, [_col("root"), _col("child", "late"), _col("late", "root")])
    error = _error(load_collection, path)
    assert error.where == f"{path}: records[1].collectionId"
    assert "listed after" in error.message and error.hint


def test_errors__missing_parent(tmp_path: Path) -> None:
    error = _error(load_collection, _records(tmp_path, [_col("a", "ghost")]))
    assert "'ghost' not found" in error.message


def test_errors__request_as_parent(tmp_path: Path) -> None:
    records = [{"id": "r", "name": "R", "type": "api", "collectionId": "", "data": {}}, _col("a", "r")]
    assert "is a request" in _error(load_collection, _records(tmp_path, records)).message


def test_errors__duplicate_ids(tmp_path: Path) -> None:
    assert "duplicate" in _error(load_collection, _records(tmp_path, [_col("a"), _col("a")])).message


def test_errors__unknown_record_type(tmp_path: Path) -> None:
    path = _records(tmp_path, [{"id": "w", "type": "websocket", "collectionId": ""}])
    assert _error(load_collection, path).where == f"{path}: records[0].type"


def test_errors__form_rows_under_a_text_content_type(tmp_path: Path) -> None:
    records = [{"id": "r", "name": "R", "type": "api", "collectionId": "",
                "data": {"request": {"url": "u", "body": [{"key": "a"}], "contentType": "application/json"}}}]
    error = _error(load_collection, _records(tmp_path, records))
    assert "records[0].data.request.body" in error.one_line() and error.hint


def test_errors__variable_keys_with_odd_characters_are_quoted(tmp_path: Path) -> None:
    records = [{"id": "c", "name": "C", "type": "collection", "collectionId": "",
                "data": {"variables": {"my var": {"syncValue": {"deep": 1}}}}}]
    path = _records(tmp_path, records)
    assert _error(load_collection, path).where == f'{path}: records[0].data.variables["my var"].syncValue'


def test_errors__workspace_request_file_names_itself(tmp_path: Path) -> None:
    (tmp_path / "requestly.json").write_text("{}")
    (tmp_path / "C").mkdir()
    bad = tmp_path / "C" / "r.json"
    bad.write_text('{"name": "R", "request": {"url": "u", "queryParams": {"a": 1}}}')
    error = _error(load_collection, tmp_path)
    assert error.where == f"{bad}: request.queryParams"


def test_errors__workspace_truncated_vars_json(tmp_path: Path) -> None:
    (tmp_path / "requestly.json").write_text("{}")
    (tmp_path / "C").mkdir()
    (tmp_path / "C" / "vars.json").write_text('{"a": {"value": 1}')
    error = _error(load_collection, tmp_path)
    assert error.where is not None and error.where.startswith(str(tmp_path / "C" / "vars.json") + ":1:")


def test_errors__deep_nesting_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"info": {}, "item": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert "deep" in _error(load_collection, path).message


def test_errors__deeply_nested_folders(tmp_path: Path) -> None:
    depth = 3000  # deeper than Python's recursion limit once each level costs a few frames
    text = '{"name": "f", "item": [' * depth + '{"name": "leaf", "request": "x"}' + "]}" * depth
    path = tmp_path / "c.json"
    path.write_text('{"info": {"name": "deep"}, "item": [' + text + "]}")
    try:
        collection = load_collection(path)
    except InputError as exc:
        assert str(path) in exc.one_line()
    else:
        assert sum(1 for _ in collection.walk()) == 1
