"""The store: reads, writes, caching, tampering, backups, provider entries and permissions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rqrun.vault
from rqrun.errors import UsageError, VaultError, VaultLocked
from rqrun.vault import Vault, open_vault
from rqrun.vault.store import Sealer


def test_facade_exports() -> None:
    for name in ("Vault", "VaultEntry", "open_vault", "default_vault_path"):
        assert name in rqrun.vault.__all__
        assert hasattr(rqrun.vault, name)


def test_import_is_cheap() -> None:
    code = (
        "import sys, rqrun.vault; "
        "assert not any(m.split('.')[0] in ('cryptography', 'keyring', 'boto3', 'filelock') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith(('cryptography', 'keyring', 'boto3')))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_default_path_follows_rqrun_home(vault_env: Path) -> None:
    assert rqrun.vault.default_vault_path() == vault_env / "vault.json"


def test_opening_creates_nothing(vault_path: Path, make_vault: Any) -> None:
    vault = make_vault()
    assert vault.get("a") is None and not vault.has("a") and vault.keys() == [] and vault.entries() == []
    assert not vault.unset("a")
    assert not vault_path.parent.exists()


def test_set_get_unset_roundtrip(vault_path: Path, make_vault: Any) -> None:
    vault = make_vault()
    vault.set("apiKey", "s3cr3t-value")
    vault.set("db.password", "pässwörd ✓")
    assert vault.get("apiKey") == "s3cr3t-value"
    assert vault.keys() == ["apiKey", "db.password"]
    assert oct(vault_path.stat().st_mode & 0o777) == "0o600"
    assert oct(vault_path.parent.stat().st_mode & 0o777) == "0o700"
    raw = vault_path.read_text()
    assert "s3cr3t-value" not in raw and "apiKey" in raw  # names in clear, values never
    fresh = make_vault()
    assert fresh.get("db.password") == "pässwörd ✓"
    assert fresh.unset("apiKey") and not fresh.unset("apiKey")
    assert make_vault().keys() == ["db.password"]


def test_invalid_input_is_a_usage_error(make_vault: Any) -> None:
    vault = make_vault()
    for call in (lambda: vault.get("a b"), lambda: vault.has("a/b"), lambda: vault.set("x y", "v"), lambda: vault.unset("")):
        with pytest.raises(UsageError):
            call()
    with pytest.raises(UsageError):
        vault.set("k", 42)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        vault.set("k", "lone \udc80 surrogate")
    with pytest.raises(UsageError):
        vault.set("k", "v", allow_hosts=["https://x.com/"])


def test_allow_hosts_kept_replaced_and_cleared(make_vault: Any) -> None:
    vault = make_vault()
    vault.set("tok", "v1", allow_hosts=["API.example.com"])
    assert vault.allowed_hosts("tok") == ["api.example.com"]
    vault.set("tok", "v2")  # a script refreshing the token keeps the restriction
    assert make_vault().allowed_hosts("tok") == ["api.example.com"]
    vault.set("tok", "v3", allow_hosts=["a.io", "b.io"])
    assert vault.allowed_hosts("tok") == ["a.io", "b.io"]
    vault.set("tok", "v4", allow_hosts=[])
    assert vault.allowed_hosts("tok") is None and vault.get("tok") == "v4"
    assert vault.allowed_hosts("missing") is None


def test_entries_hold_metadata_only(make_vault: Any) -> None:
    vault = make_vault()
    vault.set("tok", "value-123", allow_hosts=["h.io"])
    (entry,) = vault.entries()
    assert (entry.key, entry.source, entry.allow_hosts, entry.error) == ("tok", "local", ("h.io",), None)
    assert entry.updated_at and "value-123" not in repr(entry) and "value-123" not in repr(vault)


def test_open_vault_shares_one_unlock_per_process(vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rqrun.vault import keys

    first = open_vault(vault_path, notify=lambda m: None)
    first.set("a", "1")
    calls = []
    real = keys.unlock
    monkeypatch.setattr(keys, "unlock", lambda *a, **k: calls.append(1) or real(*a, **k))
    first.close()
    v1 = open_vault(vault_path)
    assert v1.get("a") == "1"
    v2 = open_vault(str(vault_path))
    assert v2 is v1 and v2.get("a") == "1"
    v2.set("b", "2")
    assert len(calls) == 1


def test_ten_thousand_gets_after_unlock_decrypt_nothing_again(make_vault: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """One unlock decrypts every value; gets are answered from memory (bench/bench_vault.py times them)."""
    from rqrun.vault import crypto

    vault = make_vault()
    for i in range(20):
        vault.set(f"k{i}", f"value-{i}")
    fresh = make_vault()
    fresh.unlock()
    opened: list[int] = []
    real = crypto.open_blob
    monkeypatch.setattr(crypto, "open_blob", lambda *a, **k: opened.append(1) or real(*a, **k))
    assert all(fresh.get(f"k{i % 20}") == f"value-{i % 20}" for i in range(10_000))
    assert opened == []


def test_writers_merge_instead_of_overwriting(make_vault: Any) -> None:
    one, two = make_vault(), make_vault()
    one.set("a", "1")
    two.set("b", "2")  # two never saw "a": the write re-reads under the lock
    one.set("c", "3")
    assert make_vault().keys() == ["a", "b", "c"]
    assert one.get("b") == "2"


def test_backup_holds_the_previous_version(vault_path: Path, make_vault: Any) -> None:
    vault = make_vault()
    vault.set("a", "1")
    first = vault_path.read_bytes()
    vault.set("b", "2")
    assert (vault_path.parent / "vault.json.bak").read_bytes() == first
    assert make_vault(vault_path.parent / "vault.json.bak").get("a") == "1"


def _tamper(path: Path, edit: Any) -> bytes:
    doc = json.loads(path.read_text())
    edit(doc)
    path.write_text(json.dumps(doc))
    return path.read_bytes()


def _by_name(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(e for e in doc["secrets"] if e["name"] == name)


def _swap(doc: dict[str, Any]) -> None:
    a, b = _by_name(doc, "a"), _by_name(doc, "b")
    a["value"], b["value"] = b["value"], a["value"]


def _rename(doc: dict[str, Any]) -> None:
    _by_name(doc, "a")["name"] = "renamed"


def _relabel_source(doc: dict[str, Any]) -> None:
    entry = _by_name(doc, "a")
    entry["source"] = "aws:prod"
    entry["cache"] = {"value": entry.pop("value")}
    _by_name(doc, "b")  # keep b local
    doc["aws"]["active"] = "prod"


def _widen_hosts(doc: dict[str, Any]) -> None:
    _by_name(doc, "b")["allow_hosts"] = None


def _flip_bit(doc: dict[str, Any]) -> None:
    blob = _by_name(doc, "a")["value"]
    blob["ct"] = ("B" if blob["ct"][0] == "A" else "A") + blob["ct"][1:]


@pytest.mark.parametrize("edit", [_swap, _rename, _relabel_source, _widen_hosts, _flip_bit])
def test_tampered_entries_fail_closed_and_file_is_untouched(vault_path: Path, make_vault: Any, edit: Any) -> None:
    vault = make_vault()
    vault.set("a", "value-a")
    vault.set("b", "value-b", allow_hosts=["only.example.com"])
    vault.set("c", "value-c")
    tampered = _tamper(vault_path, edit)
    victim = make_vault()
    bad = [k for k in victim.keys() if k != "c"]  # noqa: SIM118 - Vault is not a dict
    with pytest.raises(VaultError) as info:
        for key in bad:
            victim.get(key)
            victim.allowed_hosts(key)
    text = info.value.one_line()
    assert "does not authenticate" in text and "vault.json.bak" in text
    assert "value-" not in text
    assert victim.get("c") == "value-c"  # untouched entries still resolve
    with pytest.raises(VaultError):
        victim.set("d", "x")
    with pytest.raises(VaultError):
        victim.unset("c")
    assert vault_path.read_bytes() == tampered


def test_replaced_vault_id_cannot_unlock(vault_path: Path, make_vault: Any) -> None:
    make_vault().set("a", "1")
    tampered = _tamper(vault_path, lambda d: d.update(vault_id="AAAAAAAAAAAAAAAAAAAAAA=="))
    with pytest.raises(VaultLocked):
        make_vault().get("a")
    with pytest.raises(VaultLocked):
        make_vault().set("b", "2")
    assert vault_path.read_bytes() == tampered


@pytest.mark.parametrize("cut", [0, 10, -5])
def test_truncated_file_is_refused_and_untouched(vault_path: Path, make_vault: Any, cut: int) -> None:
    make_vault().set("a", "1")
    make_vault().set("b", "2")
    truncated = vault_path.read_bytes()[:cut]
    vault_path.write_bytes(truncated)
    with pytest.raises(VaultError) as info:
        make_vault().set("c", "3")
    assert "left untouched" in info.value.one_line() and "cp " in info.value.one_line()
    assert vault_path.read_bytes() == truncated


def test_newer_version_is_never_overwritten(vault_path: Path, make_vault: Any) -> None:
    make_vault().set("a", "1")
    newer = _tamper(vault_path, lambda d: d.update(version=99))
    with pytest.raises(VaultError, match="newer rqrun"):
        make_vault()
    assert vault_path.read_bytes() == newer


def test_migration_keeps_a_copy_of_the_old_file(vault_path: Path, make_vault: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from rqrun.vault import schema

    make_vault().set("a", "1")
    old = vault_path.read_bytes()
    monkeypatch.setattr(schema, "FORMAT_VERSION", 2)
    monkeypatch.setitem(schema.MIGRATIONS, 1, lambda d: {**d, "version": 2})
    vault = make_vault()
    assert vault.get("a") == "1"
    vault.set("b", "2")
    assert (vault_path.parent / "vault.json.v1.bak").read_bytes() == old
    assert json.loads(vault_path.read_text())["version"] == 2


def _add_aws_entry(vault: Vault, name: str, value: str | None, config: str = "prod", activate: bool = True) -> None:
    """What the AWS provider will do: a linked entry whose cache is sealed with its own context."""

    def change(doc: dict[str, Any], sealer: Sealer) -> bool:
        entry: dict[str, Any] = {"name": name, "source": f"aws:{config}", "secret_id": f"arn:{name}", "mode": "plaintext"}
        if value is not None:
            entry["cache"] = {"value": sealer.seal_secret(entry, value), "fetched_at": "2026-01-01T00:00:00Z"}
        entry["error"] = None
        doc["secrets"].append(entry)
        if activate:
            doc["aws"]["active"] = config
        return True

    vault.modify(change)


def test_provider_entries_are_read_only_and_win(make_vault: Any) -> None:
    vault = make_vault()
    vault.set("db", "local-value")
    vault.set("other", "x")
    _add_aws_entry(vault, "db", "aws-value")
    _add_aws_entry(vault, "pending", None)
    _add_aws_entry(vault, "stg", "staging", config="staging", activate=False)
    fresh = make_vault()
    assert fresh.get("db") == "aws-value" and fresh.is_read_only("db") and not fresh.is_read_only("other")
    assert fresh.has("pending") and fresh.get("pending") is None
    assert "stg" not in fresh.keys()  # noqa: SIM118 - Vault is not a dict
    for call in (lambda: fresh.set("db", "new"), lambda: fresh.unset("db"), lambda: fresh.set("pending", "v")):
        with pytest.raises(VaultError) as info:
            call()
        assert "read-only" in info.value.one_line() and "move-to-local" in info.value.one_line()
    local = next(e for e in fresh.entries() if e.key == "db" and e.source == "local")
    assert local.shadowed_by == "aws:prod"
    fresh.use_aws_config("staging")
    assert fresh.get("stg") == "staging" and fresh.get("db") == "local-value" and not fresh.is_read_only("db")


def test_permission_warnings(vault_path: Path, make_vault: Any, notices: list[str]) -> None:
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    make_vault().set("a", "1")
    notices.clear()
    make_vault()
    assert notices == []
    os.chmod(vault_path, 0o644)
    os.chmod(vault_path.parent, 0o755)  # noqa: S103 - an ordinary directory mode again
    make_vault()
    assert any("mode is 0644" in n and "chmod 0600" in n for n in notices)
    assert any("directory mode is 0755" in n for n in notices)
    make_vault().set("b", "2")  # a rewrite makes the file private again
    assert oct(vault_path.stat().st_mode & 0o777) == "0o600"


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to chown")
def test_foreign_owner_warning(vault_path: Path, make_vault: Any, notices: list[str]) -> None:
    make_vault().set("a", "1")
    os.chown(vault_path, 12345, -1)
    make_vault()
    assert any("owned by uid 12345" in n for n in notices)


def test_stale_temp_files_are_cleaned(vault_path: Path, make_vault: Any) -> None:
    make_vault().set("a", "1")
    stale = vault_path.parent / ".vault.json.abc.tmp"
    fresh = vault_path.parent / ".vault.json.def.tmp"
    stale.write_text("x")
    fresh.write_text("x")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    make_vault().set("b", "2")
    assert not stale.exists() and fresh.exists()


def test_close_forgets_values(make_vault: Any) -> None:
    vault = make_vault()
    vault.set("a", "1")
    vault.close()
    assert vault._plain == {} and vault._dek is None
    assert vault.get("a") == "1"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(value=st.text(min_size=0, max_size=200), key=st.from_regex(r"[A-Za-z0-9_.\-]{1,20}", fullmatch=True))
def test_any_text_roundtrips(make_vault: Any, key: str, value: str) -> None:
    vault = make_vault()
    vault.set(key, value)
    assert make_vault().get(key) == value
