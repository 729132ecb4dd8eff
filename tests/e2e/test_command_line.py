"""The command line as a user types it: the group's options after the sub-command, usage errors
in one line plus a hint, and durations with units."""

from __future__ import annotations

import pytest

from rqrun.cli.durations import parse_duration
from rqrun.cli.main import hoist_global_options

from support.build import api, folder, write_collection


def _collection(tmp_path, url):
    post = 'rq.test("ok", lambda: rq.response.to.have.status(200))'
    return write_collection(tmp_path / "c.json", folder("c", "API"), api("r", "Ping", "c", url, post=post))


def test_no_color_and_vault_after_the_sub_command(run_cli, tmp_path, recording_server):
    path = _collection(tmp_path, f"{recording_server.url}/ping")
    vault = tmp_path / "v.json"
    result = run_cli("run", path, "--no-color", "--vault", vault, env={"FORCE_COLOR": "1", "NO_COLOR": None})
    assert result.code == 0, result
    assert "\x1b[" not in result.stdout


def test_debug_after_the_sub_command_shows_the_traceback(run_cli, tmp_path):
    missing = tmp_path / "nope.json"
    plain = run_cli("check", missing)
    debug = run_cli("check", missing, "--debug")
    assert plain.code == 3 and "Traceback" not in plain.stderr, plain
    assert "Traceback" in debug.stderr, debug


def test_usage_error_is_one_line_and_a_hint(run_cli, tmp_path):
    result = run_cli("run", tmp_path / "c.json", "--no-such-option")
    assert result.code == 2, result
    lines = result.stderr.strip().splitlines()
    assert lines == ["rqrun: error: No such option '--no-such-option'.",
                     "hint: 'rqrun run --help' lists the options"], result


@pytest.mark.parametrize("value", ["5x", "fast", "-1s"])
def test_bad_duration_names_the_units(run_cli, tmp_path, value):
    result = run_cli("run", tmp_path / "c.json", "--timeout-request", value)
    assert result.code == 2, result
    assert "500ms, 5s, 2m" in result.stderr and len(result.stderr.strip().splitlines()) == 2, result


def test_duration_units_reach_the_run(run_cli, tmp_path, recording_server):
    recording_server.respond("/slow", body={}, delay=1.0)
    path = _collection(tmp_path, f"{recording_server.url}/slow")
    short = run_cli("run", path, "--timeout-request", "0.2s")
    assert short.code != 0 and "timed out" in short.output.lower(), short
    long = run_cli("run", path, "--timeout-request", "1m")
    assert long.code == 0, long


@pytest.mark.parametrize("text, ms", [("250", 250), ("500ms", 500), ("5s", 5000), ("2m", 120000),
                                      ("1.5s", 1500), ("1h", 3600000), ("10 ms", 10)])
def test_parse_duration(text, ms):
    assert parse_duration(text) == ms


@pytest.mark.parametrize("argv, expected", [
    (["run", "x.json", "--no-color"], ["--no-color", "run", "x.json"]),
    (["run", "x.json", "--vault", "v.json", "-q"], ["--vault", "v.json", "run", "x.json", "-q"]),
    (["--debug", "run", "x.json", "--vault=v"], ["--debug", "--vault=v", "run", "x.json"]),
    (["run", "--", "--no-color"], ["run", "--", "--no-color"]),
    (["--vault", "v", "check", "c.json", "--debug"], ["--vault", "v", "--debug", "check", "c.json"]),
])
def test_hoist_global_options(argv, expected):
    assert hoist_global_options(argv) == expected
