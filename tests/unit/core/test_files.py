"""The file-read policy on its own: the vault's side files, the working-dir move, the messages.

The attacks through the real CLI are in ``tests/e2e/test_file_reads.py``; this pins the corners
that are awkward to reach from there.
"""

from __future__ import annotations

import pytest

from rqrun.errors import ExitCode, InputError
from rqrun.files import FileAccess


@pytest.fixture()
def home(tmp_path, monkeypatch):
    home = tmp_path / "rqrun-home"
    home.mkdir()
    monkeypatch.setenv("RQRUN_HOME", str(home))
    monkeypatch.delenv("RQRUN_VAULT", raising=False)
    return home


@pytest.mark.parametrize("name", ["vault.json", "vault.json.bak", "vault.json.lock", "vault.json.v1.bak", ".vault.json.k2j3.tmp"])
def test_the_vault_and_its_side_files_are_never_readable(tmp_path, home, name):
    col = tmp_path / "col"
    col.mkdir()
    (col / name).write_bytes(b"x")
    access = FileAccess(str(col / "c.json"), insecure=True, vault_path=str(col / "vault.json"))
    with pytest.raises(InputError) as info:
        access.read(str(col / name), what="form file", where="c.json: request 'r'")
    assert "may never read" in info.value.one_line() and info.value.exit_code == ExitCode.INPUT


def test_other_files_next_to_the_vault_stay_readable(tmp_path, home):
    col = tmp_path / "col"
    col.mkdir()
    (col / "vault.json").write_bytes(b"v")
    (col / "avatar.png").write_bytes(b"png")
    access = FileAccess(str(col / "c.json"), vault_path=str(col / "vault.json"))
    assert access.read(str(col / "avatar.png"), what="form file", where="w") == b"png"


def test_working_dir_moves_paths_below_the_collection_folder_only(tmp_path, home):
    access = FileAccess(str(tmp_path / "col" / "c.json"), working_dir=str(tmp_path / "wd"))
    assert access.locate(str(tmp_path / "col" / "a" / "b.txt")) == str(tmp_path / "wd" / "a" / "b.txt")
    assert access.locate(str(tmp_path / "other" / "b.txt")) == str(tmp_path / "other" / "b.txt")


def test_refusal_names_the_place_the_path_and_the_fix(tmp_path, home):
    access = FileAccess(str(tmp_path / "col" / "c.json"))
    refused = access.refusal("/etc/hostname", what="body file", where="c.json: request 'Upload'")
    assert refused is not None
    assert refused.one_line() == (
        f"c.json: request 'Upload': body file /etc/hostname is outside {tmp_path / 'col'} "
        "(pass --working-dir DIR for a folder that holds it, or --insecure-file-read)"
    )
