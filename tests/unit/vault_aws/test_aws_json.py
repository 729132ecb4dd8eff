"""JSON mode: the full expansion table of reference/aws_vault.md §1.8, rule by rule."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rqrun.vault.dotted import (
    MAX_DEPTH,
    SecretFormatError,
    compact,
    flatten_text,
    parse_secret_json,
)

SAMPLE = (
    '{"dbCredentials": {"username": "admin", "port": 5432, "ratio": 1.50, '
    '"big": 123456789012345678901234567890, "exp": 1E+3, "neg": -0.0, "ssl": true, "tls": false, '
    '"replica": null, "hosts": ["a", "b"], "empty": {}, "none": [], "unicode": "pässwörd ✓"}}'
)


def test_objects_recurse_into_dotted_keys() -> None:
    flat = flatten_text('{"dbCredentials": {"username": "admin"}}')
    assert flat["dbCredentials.username"] == "admin"


def test_nested_containers_are_compact_json() -> None:
    flat = flatten_text(SAMPLE)
    assert json.loads(flat["dbCredentials"])["username"] == "admin"
    assert flat["dbCredentials"].startswith('{"username":"admin","port":5432,"ratio":1.50,')
    assert flat["dbCredentials.hosts"] == '["a","b"]'
    assert flat["dbCredentials.empty"] == "{}" and flat["dbCredentials.none"] == "[]"


def test_numbers_keep_their_literal_text() -> None:
    flat = flatten_text(SAMPLE)
    assert flat["dbCredentials.port"] == "5432"
    assert flat["dbCredentials.ratio"] == "1.50"
    assert flat["dbCredentials.big"] == "123456789012345678901234567890"
    assert flat["dbCredentials.exp"] == "1E+3"
    assert flat["dbCredentials.neg"] == "-0.0"


def test_literals_follow_jq_raw_output() -> None:
    flat = flatten_text(SAMPLE)
    assert (flat["dbCredentials.ssl"], flat["dbCredentials.tls"], flat["dbCredentials.replica"]) == ("true", "false", "null")
    assert flat["dbCredentials.unicode"] == "pässwörd ✓"  # strings raw, not quoted or escaped
    assert flatten_text('{"q": "say \\"hi\\"\\n"}')["q"] == 'say "hi"\n'


def test_arrays_get_index_keys() -> None:
    flat = flatten_text('{"hosts": ["a", {"name": "b"}, [1, 2]]}')
    assert flat["hosts.0"] == "a"
    assert flat["hosts.1"] == '{"name":"b"}' and flat["hosts.1.name"] == "b"
    assert flat["hosts.2"] == "[1,2]" and flat["hosts.2.1"] == "2"


def test_collision_keeps_the_path_with_fewer_segments_either_order() -> None:
    for text in ('{"a.b": "literal", "a": {"b": "nested"}}', '{"a": {"b": "nested"}, "a.b": "literal"}'):
        flat = flatten_text(text)
        assert flat["a.b"] == "literal"
        assert flat["a"] == '{"b":"nested"}'
        assert any("'a.b' is produced twice" in w for w in flat.warnings)


def test_empty_and_padded_keys_are_skipped_with_a_warning() -> None:
    flat = flatten_text('{"": "x", " pad": "y", "ok": {"": 1}}')
    assert set(flat) == {"ok"} and flat["ok"] == '{"":1}'
    assert len(flat.warnings) == 3


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('"just a string"', "got string"),
        ("42", "got number"),
        ("true", "got boolean"),
        ("null", "got null"),
        ("[1, 2]", "got array"),
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ('{"x": {"y": 1, "y": 1}}', "duplicate key 'y'"),
        ('{"x": NaN}', "NaN"),
        ('{"x": Infinity}', "Infinity"),
        ('{"x": -Infinity}', "-Infinity"),
        ('{"a": 1,}', "invalid JSON"),
        ("{'a': 1}", "line 1, column 2"),
        ("", "invalid JSON"),
    ],
)
def test_format_errors(text: str, needle: str) -> None:
    with pytest.raises(SecretFormatError) as info:
        flatten_text(text)
    assert needle in str(info.value)


def test_error_messages_never_quote_the_secret() -> None:
    with pytest.raises(SecretFormatError) as info:
        flatten_text('{"password": "hunter2-value", "x": oops}')
    assert "hunter2" not in str(info.value)


def test_depth_limit() -> None:
    ok = '{"a":' * MAX_DEPTH + "1" + "}" * MAX_DEPTH
    assert flatten_text(ok)
    with pytest.raises(SecretFormatError, match="deeper than"):
        flatten_text('{"a":' * (MAX_DEPTH + 2) + "1" + "}" * (MAX_DEPTH + 2))
    with pytest.raises(SecretFormatError, match="deeper than"):
        flatten_text('{"a":' + "[" * 100_000 + "]" * 100_000 + "}")


def test_compact_keeps_number_literals() -> None:
    assert compact(parse_secret_json('{"r": 1.50, "l": [true, null, "x"]}')) == '{"r":1.50,"l":[true,null,"x"]}'


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.from_regex(r"[a-z]{1,4}", fullmatch=True), inner, max_size=3),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    out = []
    for key, value in items:
        out.append(((*prefix, str(key)), value))
        out.extend(_paths(value, (*prefix, str(key))))
    return out


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z]{1,4}", fullmatch=True), _json, max_size=4))
def test_every_path_resolves_like_jq_raw(obj: dict[str, Any]) -> None:
    flat = flatten_text(json.dumps(obj))
    for path, value in _paths(obj):
        got = flat[".".join(path)]
        if isinstance(value, str):
            assert got == value
        else:
            assert json.loads(got) == value
