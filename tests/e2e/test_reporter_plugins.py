"""Third-party reporters (entry-point group ``rqrun.reporters``) through the real CLI.

A throw-away distribution on PYTHONPATH registers the reporters, as ``pip install`` would: one
that records the options it was given, one that breaks mid-run, one that crashes on close.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from support.build import api, folder, write_collection

PLUGIN = '''
import json


class Options:
    name = "opts"
    owns_terminal = False

    def __init__(self, bus, ctx):
        self.ctx = ctx

    def close(self):
        path = self.ctx.options["out"]
        with open(path, "w") as handle:
            json.dump(dict(self.ctx.options), handle)
        return [path]


class Boom:
    name = "boom"
    owns_terminal = False

    def __init__(self, bus, ctx):
        bus.subscribe(self.on_event)

    def on_event(self, event):
        if type(event).__name__ == "ItemFinished":
            raise ValueError("boom at item")

    def close(self):
        return []


class Crash:
    name = "crash"
    owns_terminal = False

    def __init__(self, bus, ctx):
        pass

    def close(self):
        raise ValueError("cannot close")
'''

ENTRY_POINTS = """[rqrun.reporters]
opts = rqrun_test_plugins:Options
boom = rqrun_test_plugins:Boom
crash = rqrun_test_plugins:Crash
"""


@pytest.fixture()
def plugin_env(tmp_path: Path) -> dict[str, str]:
    site = tmp_path / "site"
    (site / "rqrun_test_plugins-0.1.dist-info").mkdir(parents=True)
    (site / "rqrun_test_plugins.py").write_text(PLUGIN, encoding="utf-8")
    info = site / "rqrun_test_plugins-0.1.dist-info"
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: rqrun-test-plugins\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(ENTRY_POINTS, encoding="utf-8")
    (tmp_path / "tmp").mkdir()
    return {"PYTHONPATH": str(site), "TMPDIR": str(tmp_path / "tmp")}


@pytest.fixture()
def collection(tmp_path: Path, recording_server) -> Path:
    return write_collection(
        tmp_path / "c.json",
        folder("c", "Plugins", variables={"base": recording_server.url}),
        api("a", "First", "c", "{{base}}/a"),
        api("b", "Second", "c", "{{base}}/b"),
    )


def test_a_third_party_reporter_gets_its_own_options(run_cli, tmp_path, collection, plugin_env):
    out = tmp_path / "opts.json"
    result = run_cli("run", collection, "-r", "cli,opts", "--reporter-opts-out", out,
                     "--reporter-opts-dark-theme", "--reporter-opts-level=3", env=plugin_env)
    assert result.code == 0, result
    assert json.loads(out.read_text()) == {"out": str(out), "dark-theme": True, "level": "3"}


def test_an_unknown_option_of_a_built_in_reporter_is_a_usage_error(run_cli, collection):
    result = run_cli("run", collection, "-r", "json", "--reporter-json-exprt", "x.json")
    assert result.code == 2
    assert result.stderr.strip() == (
        "rqrun: error: unknown option --reporter-json-exprt (the json reporter's options: --reporter-json-export)"
    )


def test_a_reporter_that_raises_is_a_warning_and_the_run_goes_on(run_cli, tmp_path, collection, plugin_env):
    message = "reporter 'boom' failed on ItemFinished (ValueError: boom at item) and gets no further events"
    result = run_cli("run", collection, "-r", "cli,boom,json", "--reporter-json-export", tmp_path / "r.json",
                     env=plugin_env)
    assert result.code == 0, result
    assert result.stderr.count(message) == 1  # said once, by the cli reporter
    assert "warnings: 1" in result.stdout
    assert len(result.json["executions"]) == 2  # the other reporters got every event
    assert [w["message"] for w in result.json["warnings"]] == [message]

    without_cli = run_cli("run", collection, "-r", "boom,json", "--reporter-json-export", tmp_path / "r2.json",
                          env=plugin_env)
    assert without_cli.code == 0
    assert without_cli.stderr.strip().splitlines() == [f"rqrun: warning: {message}"]


def test_an_unexpected_exception_is_one_line_with_a_saved_traceback(run_cli, tmp_path, collection, plugin_env):
    result = run_cli("run", collection, "-r", "json,crash", "--reporter-json-export", tmp_path / "r.json",
                     env=plugin_env)
    assert result.code == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result
    match = re.fullmatch(r"rqrun: bug in rqrun: ValueError: cannot close \(traceback saved to (.+)\)", lines[0])
    assert match, lines
    saved = Path(match.group(1))
    assert saved.parent == tmp_path / "tmp" and oct(saved.stat().st_mode & 0o777) == "0o600"
    assert "Traceback" in saved.read_text() and "ValueError: cannot close" in saved.read_text()

    debug = run_cli("--debug", "run", collection, "-r", "json,crash", "--reporter-json-export", tmp_path / "r.json",
                    env=plugin_env)
    assert debug.code != 0
    assert "Traceback (most recent call last)" in debug.stderr and "ValueError: cannot close" in debug.stderr
    assert "bug in rqrun" not in debug.stderr


def test_debug_is_read_from_the_options_not_from_argv(run_cli, tmp_path, collection):
    """``--debug`` as a value of another option is not the flag."""
    result = run_cli("run", collection, "--env-var", "x=--debug", "-e", tmp_path / "missing.json")
    assert result.code == 3
    assert "Traceback" not in result.stderr and result.stderr.startswith("rqrun: error:")
