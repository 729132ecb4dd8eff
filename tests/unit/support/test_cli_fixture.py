"""The ``run_cli`` fixture: isolation from the user's setup, and reading the JSON report."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli import TEST_VAULT_KEY, report_path


def test_runs_the_cli(run_cli, rqrun_home: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("--version")
    assert result.code == 0, result
    assert result.stdout.startswith("rqrun ")
    assert result.json is None
    assert rqrun_home.is_dir()


def test_usage_errors_exit_2(run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("--no-such-flag").code == 2


def test_environment_is_isolated(cli_env: dict[str, str], rqrun_home: Path) -> None:
    assert cli_env["RQRUN_HOME"] == str(rqrun_home)
    assert cli_env["RQRUN_VAULT_KEY"] == TEST_VAULT_KEY
    assert cli_env["NO_COLOR"] == "1"
    assert cli_env["PYTHON_KEYRING_BACKEND"] == "keyring.backends.fail.Keyring"
    assert "RQRUN_VAULT" not in cli_env and "AWS_PROFILE" not in cli_env


def test_env_overrides_and_removals(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # NO_COLOR removed and a variable added: the process still runs.
    result = run_cli("--help", env={"NO_COLOR": None, "EXTRA": "1"})
    assert result.code == 0
    assert "run" in result.stdout


def test_test_vault_key_is_32_bytes() -> None:
    import base64

    assert len(base64.b64decode(TEST_VAULT_KEY)) == 32


def test_report_path_forms(tmp_path: Path) -> None:
    assert report_path(["run", "c.json"], tmp_path) is None
    assert report_path(["run", "--reporter-json-export", "r.json"], tmp_path) == tmp_path / "r.json"
    assert report_path(["--reporter-json-export=/abs/r.json"], tmp_path) == Path("/abs/r.json")
    assert report_path(["--reporters", "cli,json"], tmp_path) == tmp_path / "rqrun-report.json"


def test_report_is_parsed_when_written(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # --version ignores the flag; a stale file at the path shows that parsing reads that path.
    (tmp_path / "r.json").write_text(json.dumps({"run": {"exit_code": 0}}))
    result = run_cli("--version", "--reporter-json-export", "r.json")
    assert result.report_path == tmp_path / "r.json"
    assert result.json == {"run": {"exit_code": 0}}
