"""create_reporters: names to reporters, the entry-point group, and clear usage errors."""

from __future__ import annotations

import io
import subprocess
import sys
from typing import Any

import pytest

import rqrun.reporters as reporters_pkg
from rqrun.errors import UsageError
from rqrun.events import EventBus, RunFinished
from rqrun.reporters import Reporter, create_reporters


def test_unknown_name_is_a_usage_error_listing_the_known_ones(make_ctx: Any) -> None:
    with pytest.raises(UsageError) as info:
        create_reporters(["cli", "tap"], EventBus(), lambda name: make_ctx())
    assert "unknown reporter 'tap'" in str(info.value)
    assert info.value.hint is not None
    for name in ("cli", "json", "junit"):
        assert name in info.value.hint


def test_unknown_name_fails_before_any_reporter_is_built(make_ctx: Any, tmp_path: Any) -> None:
    export = tmp_path / "r.json"
    with pytest.raises(UsageError):
        create_reporters(["json", "nope"], EventBus(), lambda name: make_ctx(options={"export": str(export)}))
    assert list(tmp_path.iterdir()) == []


def test_html_is_built_in(make_ctx: Any, tmp_path: Any) -> None:
    (reporter,) = create_reporters(["html"], EventBus(), lambda name: make_ctx(options={"export": str(tmp_path / "r.html")}))
    assert reporter.name == "html"
    reporter.close()
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")


def test_builtins_are_built_in_order_deduplicated_and_case_insensitive(make_ctx: Any, tmp_path: Any) -> None:
    seen: list[str] = []

    def make(name: str) -> Any:
        seen.append(name)
        return make_ctx(options={"export": str(tmp_path / f"out.{name}")})

    built = create_reporters([" cli", "JSON", "junit", "cli", ""], EventBus(), make)
    assert [r.name for r in built] == ["cli", "json", "junit"]
    assert seen == ["cli", "json", "junit"]
    assert [r.owns_terminal for r in built] == [True, False, False]
    assert all(isinstance(r, Reporter) for r in built)
    for reporter in built:
        reporter.close()


class _Recorder:
    name = "recorder"
    owns_terminal = True
    instances: list[_Recorder] = []

    def __init__(self, bus: EventBus, ctx: Any) -> None:
        self.events: list[object] = []
        self.ctx = ctx
        bus.subscribe(self.events.append)
        _Recorder.instances.append(self)

    def close(self) -> list[str]:
        return []


class _EntryPoint:
    def __init__(self, name: str, target: Any, value: str = "pkg.mod:Cls") -> None:
        self.name = name
        self.value = value
        self._target = target

    def load(self) -> Any:
        if isinstance(self._target, Exception):
            raise self._target
        return self._target


def test_third_party_reporter_comes_from_the_entry_point_group(make_ctx: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(reporters_pkg, "_entry_points", lambda: [_EntryPoint("recorder", _Recorder)])
    bus = EventBus()
    (reporter,) = create_reporters(["recorder"], bus, lambda name: make_ctx())
    assert isinstance(reporter, _Recorder)
    event = RunFinished(None, 0, "t", 0.0)
    bus.emit(event)
    assert reporter.events == [event]
    assert "recorder" in reporters_pkg.known_reporter_names()


def test_entry_points_are_not_consulted_for_builtin_names(make_ctx: Any, monkeypatch: Any) -> None:
    def boom() -> list[Any]:
        raise AssertionError("entry points looked up for a built-in name")

    monkeypatch.setattr(reporters_pkg, "_entry_points", boom)
    (reporter,) = create_reporters(["cli"], EventBus(), lambda name: make_ctx())
    assert reporter.name == "cli"


def test_entry_point_that_fails_to_load_is_a_usage_error(make_ctx: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(reporters_pkg, "_entry_points", lambda: [_EntryPoint("bad", ImportError("no module x"))])
    with pytest.raises(UsageError, match="could not be loaded: ImportError: no module x"):
        create_reporters(["bad"], EventBus(), lambda name: make_ctx())


def test_two_terminal_reporters_get_a_warning(make_ctx: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(reporters_pkg, "_entry_points", lambda: [_EntryPoint("recorder", _Recorder)])
    err = io.StringIO()
    create_reporters(["cli", "recorder"], EventBus(), lambda name: make_ctx(err=err))
    assert "both write to the terminal" in err.getvalue()


def test_a_reporter_failing_to_start_is_a_usage_error_and_closes_the_others(
    make_ctx: Any, monkeypatch: Any, tmp_path: Any
) -> None:
    class Broken:
        name = "broken"
        owns_terminal = False

        def __init__(self, bus: EventBus, ctx: Any) -> None:
            raise RuntimeError("kaboom")

    monkeypatch.setattr(reporters_pkg, "_entry_points", lambda: [_EntryPoint("broken", Broken)])
    export = tmp_path / "r.json"
    with pytest.raises(UsageError, match="'broken' failed to start: RuntimeError: kaboom"):
        create_reporters(["json", "broken"], EventBus(), lambda name: make_ctx(options={"export": str(export)}))
    assert not (tmp_path / "r.json.partial").exists()  # the json reporter was closed


def test_json_report_path_that_is_a_directory_is_a_usage_error(make_ctx: Any, tmp_path: Any) -> None:
    with pytest.raises(UsageError, match="it is a directory"):
        create_reporters(["json"], EventBus(), lambda name: make_ctx(options={"export": str(tmp_path)}))


def test_importing_the_package_does_not_import_the_reporters() -> None:
    code = (
        "import sys, rqrun.reporters\n"
        "heavy = [m for m in ('rqrun.reporters.cli', 'rqrun.reporters.json_report', 'rqrun.reporters.junit',"
        " 'json', 'importlib.metadata', 'xml.etree.ElementTree') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
