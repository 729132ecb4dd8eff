"""A vault made on a laptop (key file) runs a collection in CI with only RQRUN_VAULT_KEY."""

from __future__ import annotations

from pathlib import Path

from support.build import api, folder, rows, write_collection

TOKEN = "laptop-token-5c8e1f0a9d"
CI_ONLY = "ci-only-secret-77aa31"


def test_laptop_vault_runs_in_a_fresh_ci_home(run_cli, tmp_path: Path, rqrun_home: Path, recording_server) -> None:
    laptop = {"RQRUN_VAULT_KEY": None}  # no key in the environment: the vault gets a key file
    assert run_cli("vault", "set", "apiToken", TOKEN, "--allow-host", "127.0.0.1", env=laptop).code == 0
    assert (rqrun_home / "vault.key").exists()
    added = run_cli("vault", "key", "add", "--raw", env=laptop)
    assert added.code == 0, added
    key = added.stdout.strip()

    ci_home = tmp_path / "ci-home"
    ci_home.mkdir(mode=0o700)
    (ci_home / "vault.json").write_bytes((rqrun_home / "vault.json").read_bytes())
    recording_server.respond("/api", body="ok")
    collection = write_collection(
        tmp_path / "c.json",
        folder("c", "API"),
        api("r", "Call", "c", recording_server.url + "/api",
            headers=rows(("Authorization", "Bearer {{vault:apiToken}}"), ("X-Ci", "{{ciOnly}}"))),
    )
    ci = {"RQRUN_HOME": str(ci_home), "RQRUN_VAULT_KEY": key, "RQRUN_SECRET_ciOnly": CI_ONLY}
    result = run_cli("run", collection, "--reporters", "cli,json", "--reporter-json-export", tmp_path / "r.json", env=ci)
    assert result.code == 0, result
    req = recording_server.requests.last
    assert (req.header("Authorization"), req.header("X-Ci")) == (f"Bearer {TOKEN}", CI_ONLY)
    report = (tmp_path / "r.json").read_text(encoding="utf-8")
    for secret in (TOKEN, CI_ONLY, key):
        assert secret not in result.output and secret not in report
    locked = run_cli("run", collection, env={**ci, "RQRUN_VAULT_KEY": None})
    assert locked.code == 5 and "vault.key is missing" in locked.output and "Traceback" not in locked.output
    assert recording_server.count("/api") == 1  # the locked run sent nothing
