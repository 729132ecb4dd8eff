"""``rqrun demo``: what it hands the runner, what it leaves behind, and a green run end to end."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

import rqrun.api
from rqrun.cli import demo_cmd
from rqrun.cli.main import main
from rqrun.demo import DEFAULT_PASSWORD


def invoke(*args: str) -> int:
    with pytest.raises(SystemExit) as exc:
        main(["demo", *args])
    return int(exc.value.code or 0)


def test_collections_dir_is_the_repository_folder() -> None:
    assert (demo_cmd.collections_dir() / demo_cmd.DEMO_COLLECTION).is_file()


def test_missing_collection_is_an_input_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(demo_cmd, "collections_dir", lambda: tmp_path)
    assert invoke() == 3
    err = capsys.readouterr().err
    assert "demo collection is missing" in err and "Traceback" not in err


def test_hands_the_runner_a_throwaway_vault_and_the_demo_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RQRUN_HOME", "/nonexistent/user-home")
    monkeypatch.setenv("RQRUN_VAULT", "/nonexistent/user-vault.json")
    monkeypatch.delenv("RQRUN_VAULT_KEY", raising=False)
    seen: dict[str, Any] = {}

    def fake_run(options: Any) -> Any:
        from rqrun.vault import open_vault

        seen["options"] = options
        seen["home"] = os.environ["RQRUN_HOME"]
        seen["key"] = os.environ.get("RQRUN_VAULT_KEY")
        seen["vault_env"] = os.environ.get("RQRUN_VAULT")
        seen["password"] = open_vault(options.vault_path).get("demo-password")
        seen["health"] = httpx.get(options.env_vars["baseUrl"] + "/health").json()
        return SimpleNamespace(exit_code=1)

    monkeypatch.setattr(rqrun.api, "run", fake_run)
    assert invoke("--reporters", "cli,json", "--reporter-json-export", "out.json") == 1
    options = seen["options"]
    assert Path(options.collection).name == "demo.json"
    assert options.iteration_data is not None and Path(options.iteration_data).name == "demo-data.csv"
    assert options.env_vars["baseUrl"].startswith("http://127.0.0.1:")
    assert options.reporters == ("cli", "json")
    assert options.reporter_options == {"json": {"export": "out.json"}}
    assert Path(options.vault_path).parent == Path(seen["home"])
    assert seen["key"] and seen["vault_env"] is None
    assert seen["password"] == DEFAULT_PASSWORD
    assert seen["health"] == {"ok": True}
    # Afterwards: the user's settings are back, the temporary home is gone.
    assert os.environ["RQRUN_HOME"] == "/nonexistent/user-home"
    assert os.environ["RQRUN_VAULT"] == "/nonexistent/user-vault.json"
    assert "RQRUN_VAULT_KEY" not in os.environ
    assert not Path(seen["home"]).exists()


@pytest.mark.slow
def test_demo_passes_end_to_end(run_cli: Any, tmp_path: Path) -> None:
    result = run_cli("demo", "--reporters", "cli,json", "--reporter-json-export", "report.json", timeout=120)
    assert result.code == 0, result
    report = result.json
    assert report is not None
    stats = report["run"]["stats"]
    assert stats["tests"]["failed"] == 0 and stats["tests"]["passed"] >= 40
    assert report["run"]["iterations"] == 3
    raw = (tmp_path / "report.json").read_text(encoding="utf-8")
    for text in (result.stdout, result.stderr, raw):
        assert DEFAULT_PASSWORD not in text
