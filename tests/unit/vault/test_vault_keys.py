"""Key slots: raw key, passphrase (env and prompt), OS keyring (present, absent, locked), key file."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import null

from rqrun.errors import VaultError, VaultLocked
from rqrun.vault import keys

from vault_fakering import LockedKeyring, MemoryKeyring


def _slot_types(path: Path) -> list[str]:
    return [s["type"] for s in json.loads(path.read_text())["key_slots"]]


def _raw_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def test_headless_first_use_creates_a_key_file_with_one_notice(
    vault_env: Path, vault_path: Path, make_vault: Any, notices: list[str]
) -> None:
    make_vault().set("a", "1")
    key_file = vault_env / "vault.key"
    assert _slot_types(vault_path) == ["keyfile"]
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert len(notices) == 1
    assert "protects your secrets when the vault file alone is copied" in notices[0]
    assert "does not protect them from anyone who can read your files" in notices[0]
    make_vault().set("b", "2")
    make_vault(vault_env / "second.json").set("c", "3")  # a second vault reuses the key file
    assert len(notices) == 1
    assert make_vault().get("b") == "2"


def test_missing_or_foreign_key_file_is_a_clear_error(vault_env: Path, vault_path: Path, make_vault: Any) -> None:
    make_vault().set("a", "1")
    before = vault_path.read_bytes()
    key_file = vault_env / "vault.key"
    key_file.write_text(_raw_key())
    with pytest.raises(VaultLocked, match="not the one this vault was created with"):
        make_vault().get("a")
    key_file.unlink()
    with pytest.raises(VaultLocked) as info:
        make_vault().set("b", "2")
    assert "vault.key is missing" in info.value.one_line() and f"restore {key_file}" in info.value.one_line()
    assert info.value.exit_code == 5
    assert vault_path.read_bytes() == before


def test_raw_key_from_environment(vault_env: Path, vault_path: Path, make_vault: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    key = _raw_key()
    monkeypatch.setenv("RQRUN_VAULT_KEY", key)
    make_vault().set("a", "1")
    assert _slot_types(vault_path) == ["env_key"]
    assert not (vault_env / "vault.key").exists()
    assert make_vault().get("a") == "1"
    before = vault_path.read_bytes()

    monkeypatch.setenv("RQRUN_VAULT_KEY", _raw_key())
    with pytest.raises(VaultLocked, match="wrong key"):
        make_vault().get("a")
    monkeypatch.setenv("RQRUN_VAULT_KEY", "short")
    with pytest.raises(VaultLocked, match="base64 of 32 bytes"):
        make_vault().set("b", "2")
    monkeypatch.delenv("RQRUN_VAULT_KEY")
    with pytest.raises(VaultLocked) as info:
        make_vault().get("a")
    assert "set RQRUN_VAULT_KEY" in info.value.one_line()
    assert vault_path.read_bytes() == before


def test_passphrase_from_environment(vault_path: Path, make_vault: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RQRUN_VAULT_PASSPHRASE", "correct horse battery staple")
    make_vault().set("a", "1")
    (slot,) = json.loads(vault_path.read_text())["key_slots"]
    assert slot["type"] == "passphrase" and slot["kdf"]["alg"] in {"argon2id", "scrypt"}
    assert make_vault().get("a") == "1"
    before = vault_path.read_bytes()
    monkeypatch.setenv("RQRUN_VAULT_PASSPHRASE", "wrong horse")
    with pytest.raises(VaultLocked) as info:
        make_vault().set("b", "2")
    assert "wrong passphrase" in info.value.one_line() and "wrong horse" not in info.value.one_line()
    monkeypatch.delenv("RQRUN_VAULT_PASSPHRASE")
    with pytest.raises(VaultLocked, match="no terminal to ask"):
        make_vault().get("a")
    assert vault_path.read_bytes() == before


def test_passphrase_prompt(vault_path: Path, make_vault: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RQRUN_VAULT_PASSPHRASE", "pw-1")
    make_vault().set("a", "1")
    monkeypatch.delenv("RQRUN_VAULT_PASSPHRASE")
    answers = iter(["nope", "pw-1"])
    prompts: list[str] = []
    monkeypatch.setattr(keys, "prompt_passphrase", lambda p: prompts.append(p) or next(answers))
    assert make_vault(interactive=True).get("a") == "1"
    assert len(prompts) == 2 and str(vault_path) in prompts[0]
    monkeypatch.setattr(keys, "prompt_passphrase", lambda p: "nope")
    with pytest.raises(VaultLocked, match="3 attempts"):
        make_vault(interactive=True).get("a")


def test_keyring_present(vault_env: Path, vault_path: Path, make_vault: Any) -> None:
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    make_vault().set("a", "1")
    assert _slot_types(vault_path) == ["keyring"]
    assert not (vault_env / "vault.key").exists()
    vault_id = json.loads(vault_path.read_text())["vault_id"]
    assert ("rqrun", f"vault:{vault_id}") in ring.store
    assert make_vault().get("a") == "1"


def test_keyring_absent_or_locked_later(vault_path: Path, make_vault: Any) -> None:
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    make_vault().set("a", "1")
    before = vault_path.read_bytes()
    keyring.set_keyring(null.Keyring())
    with pytest.raises(VaultLocked, match="no usable OS keyring"):
        make_vault().get("a")
    locked = LockedKeyring()
    locked.store = ring.store
    keyring.set_keyring(locked)
    with pytest.raises(VaultLocked, match="keyring is locked") as info:
        make_vault().set("b", "2")
    assert "unlock the OS keyring" in info.value.one_line()
    keyring.set_keyring(MemoryKeyring())
    with pytest.raises(VaultLocked, match="holds no key for this vault"):
        make_vault().get("a")
    assert vault_path.read_bytes() == before


def test_locked_or_null_keyring_at_creation_falls_back_to_key_file(
    vault_env: Path, vault_path: Path, make_vault: Any, notices: list[str]
) -> None:
    keyring.set_keyring(LockedKeyring())
    make_vault().set("a", "1")
    assert _slot_types(vault_path) == ["keyfile"]
    assert any("keyring refused" in n for n in notices)
    keyring.set_keyring(null.Keyring())
    make_vault(vault_env / "two.json").set("a", "1")
    assert _slot_types(vault_env / "two.json") == ["keyfile"]


def test_added_passphrase_slot_unlocks_without_the_key_file(
    vault_env: Path, vault_path: Path, make_vault: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault()
    vault.set("a", "1")
    vault.add_key_slot("passphrase", secret="recovery phrase")
    with pytest.raises(VaultError):
        vault.add_key_slot("env_key", secret="bad")
    assert sorted(_slot_types(vault_path)) == ["keyfile", "passphrase"]
    (vault_env / "vault.key").unlink()
    monkeypatch.setenv("RQRUN_VAULT_PASSPHRASE", "recovery phrase")
    assert make_vault().get("a") == "1"


def test_env_source_without_a_matching_slot_falls_through(
    vault_path: Path, make_vault: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_vault().set("a", "1")  # key file slot
    monkeypatch.setenv("RQRUN_VAULT_PASSPHRASE", "unrelated")
    assert make_vault().get("a") == "1"
