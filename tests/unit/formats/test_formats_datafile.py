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


def test_datafile__trailing_empty_columns_ignored(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("a,b,\n1,\n2,x,\n3,y,,\n")
    assert load_data(path) == [{"a": 1, "b": ""}, {"a": 2, "b": "x"}, {"a": 3, "b": "y"}]


def test_datafile__quoted_cells_may_span_lines_and_hold_quotes(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text('a,b\n1,"two\nlines"\n2,"say ""hi"""\n3,x "y" z\n')
    assert load_data(path) == [{"a": 1, "b": "two\nlines"}, {"a": 2, "b": 'say "hi"'}, {"a": 3, "b": 'x "y" z'}]


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        ('a,b\n1,2\n"3,4\n5,6\n7,8\n', ":3", "unterminated quote"),
        ('a,b\n"1\n', ":2", "unterminated quote"),
        ("a,b,c\n1,2,3\n4,5\n", ":3", "row has 2 cells but the header names 3 columns"),
        ("a,b,\n1\n", ":2", "row has 1 cells but the header names 2 columns"),
        ("a,b\n1,2,3\n", ":2", "row has 3 cells but the header names 2 columns"),
        ('a,b\n"x"y,2\n', ":2", "invalid CSV"),
        ('a,b\n1,"x\ny"z\n', ":3", "in the row that starts on line 2"),
    ],
)
def test_datafile__malformed_csv_names_the_line(tmp_path: Path, content: str, where: str, message: str) -> None:
    path = tmp_path / "d.csv"
    path.write_text(content)
    with pytest.raises(InputError) as info:
        load_data(path)
    line = info.value.one_line()
    assert line.startswith(f"{path}{where}: ") and message in line and "\n" not in line


@pytest.mark.parametrize("cell", ["inf", "-inf", "nan", "NaN", "Infinity", "-Infinity", "1e400", "1e5"])
def test_datafile__non_finite_cells_stay_text(tmp_path: Path, cell: str) -> None:
    path = tmp_path / "d.csv"
    path.write_text(f"n\n{cell}\n")
    assert load_data(path) == [{"n": cell}]


@pytest.mark.parametrize(
    ("content", "place"),
    [
        ('[{"n": NaN}]', "[0].n: NaN is not a finite number"),
        ('[{"a": 1}, {"n": -Infinity}]', "[1].n: -Infinity is not a finite number"),
        ('[{"n": 1e999}]', "[0].n: 1e999 is not a finite number"),
        ('[{"n": "a\\ud800"}]', "[0].n: text holds a lone surrogate \\ud800"),
        ('[{"\\udfff": 1}]', '[0]["\\udfff"]: text holds a lone surrogate \\udfff'),
    ],
)
def test_datafile__json_refuses_non_finite_numbers_and_lone_surrogates(tmp_path: Path, content: str, place: str) -> None:
    path = tmp_path / "d.json"
    path.write_text(content)
    with pytest.raises(InputError) as info:
        load_data(path)
    assert info.value.one_line().startswith(f"{path}: {place}")


def test_datafile__surrogate_pairs_are_one_character(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text('[{"n": "\\ud83d\\ude00", "m": "\\\\ud800"}]')
    assert load_data(path) == [{"n": "\U0001f600", "m": "\\ud800"}]


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
