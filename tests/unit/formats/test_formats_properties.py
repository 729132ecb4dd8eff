"""Property tests: whatever the bytes, a loader returns the model or raises InputError, nothing else.

Random JSON rarely looks like a collection, so most examples start from a real fixture and
replace one node anywhere in it with random JSON: that reaches the code deep inside each loader.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rqrun.errors import InputError
from rqrun.formats import load_collection, load_data, load_environments
from rqrun.model import Collection, FormPart, KeyValue

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
COLLECTIONS = [
    FIXTURES / "requestly" / "export.json",
    FIXTURES / "requestly" / "multi-root.json",
    FIXTURES / "postman" / "shop.postman_collection.json",
    FIXTURES / "postman" / "legacy.v2.0.json",
]
ENVIRONMENTS = [
    FIXTURES / "requestly" / "environments.json",
    FIXTURES / "postman" / "staging.postman_environment.json",
    FIXTURES / "postman" / "workspace.postman_globals.json",
]
WORKSPACE_REQUEST = FIXTURES / "workspace" / "Users API" / "Admin" / "list-users.json"

SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12), st.sampled_from(["", "GET", "api", "collection", "INHERIT", "raw", "file", "c1",
                                           "multipart/form-data", "application/x-www-form-urlencoded",
                                           "graphql", "apikey", "bearer", "basic", "text/javascript", "\ud800 lone surrogate"]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["key", "value", "id", "name", "type", "item", "request", "url", "body", "mode",
                         "records", "data", "info", "auth", "src", "exec", "query", "host", "path", "x"]) | st.text(max_size=6),
        children, max_size=5),
    max_leaves=20,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document that could be replaced."""
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.extend(_paths(value, (*prefix, i)))
    return out


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return doc


def _check_model(collection: Collection) -> None:
    """What the runner relies on: text where text is promised."""
    assert isinstance(collection.name, str)
    for _, request in collection.walk():
        assert isinstance(request.url, str) and isinstance(request.method, str)
        assert request.method == request.method.upper()
        for row in [*request.headers, *request.query, *request.path_variables, *request.body.urlencoded]:
            assert isinstance(row, KeyValue) and isinstance(row.key, str) and isinstance(row.value, str)
        for part in request.body.formdata:
            assert isinstance(part, FormPart) and all(isinstance(f, str) for f in part.files)
        assert isinstance(request.body.raw, str)
        assert all(isinstance(v, str) for v in request.auth.params.values())


def _only_input_errors(load: Callable[[Path], object], path: Path) -> object | None:
    try:
        return load(path)
    except InputError as exc:
        line = exc.one_line()
        assert "bug in rqrun" not in line, line
        assert str(path) in line and "\n" not in line
        return None


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("props")


@SETTINGS
@given(value=json_values)
def test_properties__arbitrary_json_as_any_file(workdir: Path, value: Any) -> None:
    path = workdir / "any.json"
    path.write_text(json.dumps(value))
    result = _only_input_errors(load_collection, path)
    if result is not None:
        _check_model(result)  # type: ignore[arg-type]
    _only_input_errors(load_environments, path)
    _only_input_errors(load_data, path)


@SETTINGS
@given(records=json_values, item=json_values)
def test_properties__arbitrary_json_inside_collection_envelopes(workdir: Path, records: Any, item: Any) -> None:
    path = workdir / "envelope.json"
    for doc in ({"schema_version": "1.0.0", "records": records}, {"info": {"name": "x"}, "item": item},
                {"records": [records]}, {"info": {"name": "x"}, "item": [{"name": "r", "request": item}]}):
        path.write_text(json.dumps(doc))
        result = _only_input_errors(load_collection, path)
        if result is not None:
            _check_model(result)  # type: ignore[arg-type]


@SETTINGS
@given(source=st.sampled_from(COLLECTIONS), data=st.data())
def test_properties__one_node_of_a_real_collection_replaced(workdir: Path, source: Path, data: st.DataObject) -> None:
    doc = json.loads(source.read_text())
    path = data.draw(st.sampled_from(_paths(doc)), label="path")
    doc = _replace(doc, path, data.draw(json_values, label="value"))
    target = workdir / source.name
    target.write_text(json.dumps(doc))
    result = _only_input_errors(load_collection, target)
    if result is not None:
        _check_model(result)  # type: ignore[arg-type]


@SETTINGS
@given(source=st.sampled_from(ENVIRONMENTS), data=st.data())
def test_properties__one_node_of_a_real_environment_replaced(workdir: Path, source: Path, data: st.DataObject) -> None:
    doc = json.loads(source.read_text())
    path = data.draw(st.sampled_from(_paths(doc)), label="path")
    target = workdir / source.name
    target.write_text(json.dumps(_replace(doc, path, data.draw(json_values, label="value"))))
    _only_input_errors(load_environments, target)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_properties__workspace_request_file_replaced(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    root = tmp_path_factory.mktemp("ws")
    (root / "requestly.json").write_text("{}")
    (root / "C").mkdir()
    doc = json.loads(WORKSPACE_REQUEST.read_text())
    path = data.draw(st.sampled_from(_paths(doc)), label="path")
    (root / "C" / "r.json").write_text(json.dumps(_replace(doc, path, data.draw(json_values, label="value"))))
    (root / "C" / "vars.json").write_text(json.dumps(data.draw(json_values, label="vars")))
    result = _only_input_errors(load_collection, root)
    if result is not None:
        _check_model(result)  # type: ignore[arg-type]


@SETTINGS
@given(content=st.text(alphabet=st.sampled_from(list('ab,"\n\r \t1.-e\ufeff\x00é')) | st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_properties__arbitrary_csv_text(workdir: Path, content: str) -> None:
    path = workdir / "data.csv"
    path.write_text(content, encoding="utf-8", newline="")
    rows = _only_input_errors(load_data, path)
    if rows is not None:
        assert isinstance(rows, list) and all(isinstance(r, dict) for r in rows)
        assert all(isinstance(v, (str, int, float, bool)) for r in rows for v in r.values())


@SETTINGS
@given(content=st.binary(max_size=60))
def test_properties__arbitrary_bytes(workdir: Path, content: bytes) -> None:
    for name in ("bytes.json", "bytes.csv"):
        path = workdir / name
        path.write_bytes(content)
        _only_input_errors(load_collection, path)
        _only_input_errors(load_environments, path)
        _only_input_errors(load_data, path)


# --- the rules added for non-JSON numbers, lone surrogates, CSV shape and unknown keys ----------

non_json = st.sampled_from([float("nan"), float("inf"), float("-inf"), "\ud800", "a\udfffb", "\udc80x"])


def _dump_non_json(doc: Any) -> str:
    """What Python's json writes for NaN/Infinity and lone surrogates: what a careless tool writes."""
    return json.dumps(doc, allow_nan=True)


@SETTINGS
@given(source=st.sampled_from(COLLECTIONS + ENVIRONMENTS), data=st.data())
def test_properties__nan_infinity_or_lone_surrogate_anywhere_is_named(workdir: Path, source: Path, data: st.DataObject) -> None:
    """Wherever such a value sits, every loader refuses the file with one line naming it."""
    doc = json.loads(source.read_text())
    place = data.draw(st.sampled_from(_paths(doc)), label="path")
    bad = data.draw(non_json, label="value")
    target = workdir / f"bad-{source.name}"
    target.write_text(_dump_non_json(_replace(doc, place, bad)))
    expected = "not a finite number" if isinstance(bad, float) else "lone surrogate"
    for load in (load_collection, load_environments, load_data):
        with pytest.raises(InputError) as info:
            load(target)
        line = info.value.one_line()
        assert str(target) in line and "\n" not in line
        assert expected in line  # found while parsing, before any loader looks at types
        line.encode("utf-8")  # printable: the message never carries the surrogate itself


@SETTINGS
@given(key=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=5), data=st.data())
def test_properties__lone_surrogate_in_a_key_is_named(workdir: Path, key: str, data: st.DataObject) -> None:
    doc = json.loads(COLLECTIONS[0].read_text())
    dicts = [p for p in _paths(doc) if isinstance(_get(doc, p), dict)]
    place = data.draw(st.sampled_from(dicts), label="path")
    _get(doc, place)[key + "\udbff"] = 1
    target = workdir / "surrogate-key.json"
    target.write_text(json.dumps(doc))
    with pytest.raises(InputError, match="lone surrogate") as info:
        load_collection(target)
    info.value.one_line().encode("utf-8")


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


cells = st.text(alphabet=st.sampled_from(list('ab,"\n\r 1.-eé')) | st.characters(blacklist_categories=("Cs",)), max_size=8)


@SETTINGS
@given(width=st.integers(1, 4), data=st.data())
def test_properties__csv_written_by_a_csv_writer_reads_back(workdir: Path, width: int, data: st.DataObject) -> None:
    """Any table a CSV writer produces loads to exactly its rows (cells typed only when lossless)."""
    import csv
    import io

    from rqrun.formats.datafile import typed_cell

    header = [f"c{i}" for i in range(width)]
    rows = data.draw(st.lists(st.lists(cells, min_size=width, max_size=width), max_size=5), label="rows")
    out = io.StringIO(newline="")
    writer = csv.writer(out)  # "\r\n" lines: a cell holding \r or \n is quoted
    writer.writerow(header)
    writer.writerows(rows)
    path = workdir / "table.csv"
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    loaded = load_data(path)
    assert loaded == [{h: typed_cell(c) for h, c in zip(header, r, strict=True)} for r in rows]


@SETTINGS
@given(width=st.integers(2, 4), data=st.data())
def test_properties__csv_row_missing_a_cell_is_refused(workdir: Path, width: int, data: st.DataObject) -> None:
    """Nothing is padded: a row with fewer cells than the header is an error at a line of the file."""
    header = ",".join(f"c{i}" for i in range(width))
    good = ",".join(str(i) for i in range(width))
    count = data.draw(st.integers(1, 5), label="rows")
    short = data.draw(st.integers(0, count - 1), label="short row")
    lines = [header] + [",".join(str(i) for i in range(width - 1)) if n == short else good for n in range(count)]
    path = workdir / "short.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as info:
        load_data(path)
    assert info.value.one_line().startswith(f"{path}:{short + 2}: row has {width - 1} cells")


@SETTINGS
@given(source=st.sampled_from(COLLECTIONS), key=st.text(min_size=1, max_size=10).filter(lambda k: not k.startswith("_")),
       data=st.data())
def test_properties__an_added_key_warns_or_is_known_and_strict_agrees(workdir: Path, source: Path, key: str,
                                                                      data: st.DataObject) -> None:
    """A key added to any object: the load still succeeds; warnings are one-liners naming the file;
    ``strict`` fails exactly when the lenient load warned about an unknown key."""
    from rqrun.formats._warnings import InputWarning

    doc = json.loads(source.read_text())
    dicts = [p for p in _paths(doc) if isinstance(_get(doc, p), dict)]
    place = data.draw(st.sampled_from(dicts), label="path")
    _get(doc, place).setdefault(key, None)
    target = workdir / f"key-{source.name}"
    target.write_text(json.dumps(doc))
    found: list[InputWarning] = []
    result = _only_input_errors(lambda p: load_collection(p, warnings=found), target)
    for warning in found:
        text = str(warning)
        assert text.startswith(str(target)) and "\n" not in text
    unknown = [w for w in found if w.code == "unknown-key"]
    try:
        load_collection(target, strict=True)
        strict_failed = False
    except InputError:
        strict_failed = True
    assert strict_failed == (bool(unknown) or result is None)
