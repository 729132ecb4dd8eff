"""Iteration data: CSV (typed cells, BOM, blank lines) and JSON (flat objects)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rqrun.errors import InputError
from rqrun.formats import load_data
from rqrun.formats.datafile import typed_cell

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "data"


def test_datafile__csv_with_bom_crlf_blank_lines_and_quotes() -> None:
    rows = load_data(FIXTURES / "users.csv")
    assert rows == [
        {"user": "ann", "age": 42, "score": 1.5, "active": True, "zip": "01234", "amount": "2.00", "note": ""},
        {"user": "bob", "age": -7, "score": 0.25, "active": False, "zip": 90210, "amount": 3,
         "note": 'said "hi", left'},
    ]


@pytest.mark.parametrize(
    ("cell", "value"),
    [("42", 42), ("1.5", 1.5), ("-3", -3), ("0", 0), ("true", True), ("false", False),
     ("", ""), ("007", "007"), ("2.00", "2.00"), ("1e5", "1e5"), ("-0", "-0"), ("True", "True"),
     (" 42", " 42"), ("null", "null"), ("1234567890123456", "1234567890123456"), ("NaN", "NaN")],
)
def test_datafile__cells_typed_only_when_lossless(cell: str, value: object) -> None:
    result = typed_cell(cell)
    assert result == value and type(result) is type(value)


def test_datafile__json_rows() -> None:
    assert load_data(FIXTURES / "users.json") == [
        {"user": "ann", "age": 42, "active": True, "note": None},
        {"user": "bob", "age": 7.5, "active": False, "note": "second"},
    ]


def test_datafile__header_only_csv_has_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("a,b\n")
    assert load_data(path) == []


def test_datafile__short_rows_are_padded_and_trailing_empty_columns_ignored(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("a,b,\n1\n2,x,\n")
    assert load_data(path) == [{"a": 1, "b": ""}, {"a": 2, "b": "x"}]


def test_datafile__format_sniffed_without_extension(tmp_path: Path) -> None:
    (tmp_path / "rows").write_text('[{"a": 1}]')
    (tmp_path / "table").write_text("a\n1\n")
    assert load_data(tmp_path / "rows") == [{"a": 1}]
    assert load_data(tmp_path / "table") == [{"a": 1}]


@pytest.mark.parametrize(
    ("name", "content", "place"),
    [
        ("d.json", '[{"a": 1}, {"b": {"c": 1}}]', "[1].b"),
        ("d.json", '[{"a": [1]}]', "[0].a"),
        ("d.json", '[1]', "[0]"),
        ("d.json", '{"a": 1}', "d.json"),
        ("d.json", '[{"a": 1', "d.json:1:"),
        ("d.csv", "a,b\n1,2,3\n", "d.csv:2"),
        ("d.csv", "a,a\n1,2\n", "d.csv:1"),
        ("d.csv", "a,\n1,2\n", "d.csv:2"),
        ("d.csv", "\n\n", "d.csv"),
    ],
)
def test_datafile__bad_files_name_the_place(tmp_path: Path, name: str, content: str, place: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError) as info:
        load_data(path)
    assert place in info.value.one_line()
    assert str(tmp_path) in info.value.one_line()


def test_datafile__nested_value_names_row_and_key(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text('[{"a": 1}, {"b": {"c": 1}}]')
    with pytest.raises(InputError) as info:
        load_data(path)
    assert "row 1, key 'b'" in info.value.message
