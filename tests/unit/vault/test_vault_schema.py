"""The file format: names, hosts, versions, migrations, and what a corrupt file gives."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rqrun.errors import UsageError, VaultError
from rqrun.vault import schema
from rqrun.vault.schema import (
    VaultEntry,
    host_allowed,
    normalize_hosts,
    parse_document,
    validate_key,
)


@pytest.mark.parametrize("key", ["a", "apiKey", "db.user-name_2", "A" * 256, "1.2.3"])
def test_valid_keys(key: str) -> None:
    assert validate_key(key) == key


@pytest.mark.parametrize("key", ["", "has space", "a/b", "é", "a{b}", "A" * 257, "x\n", 3, None])
def test_invalid_keys_are_usage_errors(key: Any) -> None:
    with pytest.raises(UsageError) as info:
        validate_key(key)
    assert info.value.exit_code == 2
    assert "letters, digits" in info.value.one_line()


def test_normalize_hosts() -> None:
    assert normalize_hosts(None) is None
    assert normalize_hosts(["API.Example.com.", "api.example.com", "*.corp.io", "h:8443", "[::1]:80"]) == [
        "*.corp.io",
        "[::1]:80",
        "api.example.com",
        "h:8443",
    ]
    for bad in ["https://x.com", "x.com/path", "a b", "h:0", "h:99999", "*", ""]:
        with pytest.raises(UsageError):
            normalize_hosts([bad])


def test_host_allowed() -> None:
    assert host_allowed(None, "anything")
    pats = ["api.example.com", "*.corp.io", "local:8080"]
    assert host_allowed(pats, "API.example.com")
    assert not host_allowed(pats, "evil-api.example.com")
    assert not host_allowed(pats, "api.example.com.evil.net")
    assert host_allowed(pats, "a.b.corp.io")
    assert not host_allowed(pats, "corp.io")
    assert host_allowed(pats, "local", 8080)
    assert not host_allowed(pats, "local", 80)
    assert not host_allowed(pats, "local")
    assert host_allowed(["[::1]"], "::1", 443)
    assert not host_allowed([], "api.example.com")


def _doc(**changes: Any) -> bytes:
    doc = schema.new_document("vid")
    doc.update(changes)
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"", "empty"),
        (b"  \n", "empty"),
        (b'{"format": "rqrun-vault", "vers', "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[1, 2]", "not an rqrun vault"),
        (b'{"format": "other"}', "not an rqrun vault"),
        (_doc(version="1"), "invalid format version"),
        (_doc(version=0), "invalid format version"),
        (_doc(aad_v=9), "associated-data version"),
        (_doc(vault_id=""), "no vault_id"),
        (_doc(secrets={}), "no secrets list"),
        (_doc(secrets=[{"name": "a b", "source": "local"}]), "valid name"),
        (_doc(secrets=[{"name": "a", "source": "gcp"}]), "unknown source"),
        (_doc(secrets=[{"name": "a", "source": "local"}]), "without a value"),
        (_doc(key_slots=[{"type": "keyfile"}]), "malformed key_slots"),
    ],
)
def test_unreadable_files_are_refused_and_say_so(raw: bytes, says: str) -> None:
    with pytest.raises(VaultError) as info:
        parse_document(raw, "/x/vault.json")
    text = info.value.one_line()
    assert says in text and "/x/vault.json" in text and "left untouched" in text
    assert "vault.json.bak" in text
    assert info.value.exit_code == 5


def test_duplicate_entries_are_refused() -> None:
    blob = {"nonce": "AAAA", "ct": "AAAA"}
    entry = {"name": "a", "source": "local", "value": blob}
    with pytest.raises(VaultError, match="two entries"):
        parse_document(_doc(secrets=[entry, dict(entry)]), "v.json")
    ok, _ = parse_document(_doc(secrets=[entry, {"name": "a", "source": "aws:prod"}]), "v.json")
    assert len(ok["secrets"]) == 2


def test_newer_version_is_refused_with_upgrade_hint() -> None:
    with pytest.raises(VaultError) as info:
        parse_document(_doc(version=schema.FORMAT_VERSION + 1), "v.json")
    assert "newer rqrun" in info.value.one_line() and "upgrade" in info.value.one_line()


def test_older_version_is_migrated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "FORMAT_VERSION", 2)

    def one_to_two(doc: dict[str, Any]) -> dict[str, Any]:
        return {**doc, "version": 2, "migrated": True}

    monkeypatch.setitem(schema.MIGRATIONS, 1, one_to_two)
    doc, came_from = parse_document(_doc(version=1), "v.json")
    assert doc["version"] == 2 and doc["migrated"] and came_from == 1
    monkeypatch.delitem(schema.MIGRATIONS, 1)
    with pytest.raises(VaultError, match="cannot migrate"):
        parse_document(_doc(version=1), "v.json")


def test_unknown_fields_survive() -> None:
    doc, _ = parse_document(_doc(future_field={"x": 1}), "v.json")
    assert doc["future_field"] == {"x": 1}


def test_entry_repr_hides_values() -> None:
    entry = VaultEntry(key="k", source="local", allow_hosts=None, updated_at=None)
    assert "hidden" in repr(entry) and not entry.read_only
    assert VaultEntry(key="k", source="aws:prod", allow_hosts=None, updated_at=None).read_only


def test_aad_meta_binds_provider_fields() -> None:
    local = schema.secret_aad_meta({"name": "a", "source": "local", "allow_hosts": ["h"]})
    assert local == {"source": "local", "allow_hosts": ["h"]}
    aws = schema.secret_aad_meta({"name": "a", "source": "aws:prod", "secret_id": "arn:1", "mode": "json"})
    assert aws["config"] == "prod" and aws["secret_id"] == "arn:1" and aws["mode"] == "json"
