"""The one file writer: whole or nothing, private when asked, nothing left behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from rqrun.atomic import AtomicFile, atomic_write, write_text_atomic


def test_the_file_appears_whole_with_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "env.json"
    old = os.umask(0o022)
    try:
        write_text_atomic(target, "one", mode=0o600)
        target.chmod(0o644)
        write_text_atomic(target, "two", mode=0o600)
    finally:
        os.umask(old)
    assert target.read_text() == "two"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # the old file's looser mode is not kept
    assert [p.name for p in target.parent.iterdir()] == ["env.json"]


def test_a_failure_half_way_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.xml"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(target) as out:
        out.write("half")
        raise RuntimeError("disk on fire")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xml"]


def test_the_temporary_is_written_before_the_rename_is_visible(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    stream = AtomicFile(target, temp_path=str(target) + ".partial")
    stream.write("{")
    stream.flush()
    assert Path(str(target) + ".partial").read_text() == "{"  # a killed process leaves this
    assert not target.exists()
    stream.write("}")
    stream.commit()
    assert target.read_text() == "{}" and not Path(str(target) + ".partial").exists()


def test_a_stale_partial_is_replaced_not_truncated_under_its_reader(tmp_path: Path) -> None:
    partial = tmp_path / "r.json.partial"
    partial.write_text("recover me")
    with open(partial, encoding="utf-8") as reader:
        stream = AtomicFile(tmp_path / "r.json", temp_path=str(partial))
        stream.write("new")
        assert reader.read() == "recover me"
        stream.commit()
    assert (tmp_path / "r.json").read_text() == "new"
