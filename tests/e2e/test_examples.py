"""The collections in ``examples/`` run green against the demo API, as the README says they do.

The demo server is shared by the session: the examples create their own items and these tests
check only facts about those (never the server's item count).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.cli import REPO_ROOT

EXAMPLES = REPO_ROOT / "examples"
README = EXAMPLES / "README.md"
# Written by the Postman porting work and tested in test_import_postman.py.
NOT_HERE = {"ported-from-postman.json"}

# example -> (vault entries as (key, DemoServer attribute holding the value), passed tests)
EXPECTED: dict[str, tuple[tuple[tuple[str, str], ...], int]] = {
    "hmac-signing": ((("demo-signing-key", "signing_key"),), 4),
    "chained-requests": ((("demo-password", "password"),), 11),
    "pagination": ((("demo-password", "password"),), 9),
    "json-schema-check": ((("demo-password", "password"),), 8),
    "vault-and-redaction": ((), 3),  # its secret is the test's own
}

API_KEY = "vault-example-key-7c1e9a"


def run_example(run_cli: Any, tmp_path: Path, demo_server: Any, name: str) -> Any:
    secrets, _ = EXPECTED[name]
    for key, attribute in secrets:
        assert run_cli("vault", "set", key, getattr(demo_server, attribute)).code == 0
    return run_cli(
        "run", EXAMPLES / f"{name}.json",
        "--env-var", f"baseUrl={demo_server.url}",
        "--reporters", "cli,json", "--reporter-json-export", tmp_path / "r.json",
    )


def executions(result: Any) -> dict[str, Any]:
    return {e["item"]["name"]: e for e in result.json["executions"]}


def assert_all_passed(result: Any, name: str) -> None:
    passed = EXPECTED[name][1]
    assert result.code == 0, result
    assert result.json["run"]["stats"]["tests"] == {"total": passed, "passed": passed, "failed": 0, "skipped": 0}
    assert result.json["run"]["stats"]["scripts"]["failed"] == 0
    assert "script error" not in result.output


def item_exists(demo_server: Any, item_id: int) -> bool:
    token = httpx.post(demo_server.url + "/login",
                       json={"username": demo_server.username, "password": demo_server.password}).json()["token"]
    answer = httpx.get(f"{demo_server.url}/items/{item_id}", headers={"Authorization": f"Bearer {token}"})
    return answer.status_code == 200


def test_every_example_is_tested_and_documented() -> None:
    found = {p.stem for p in EXAMPLES.glob("*.json") if p.name not in NOT_HERE}
    assert found == set(EXPECTED)
    readme = README.read_text(encoding="utf-8")
    for name, (_, passed) in EXPECTED.items():
        assert f"rqrun run examples/{name}.json --env-var baseUrl=http://127.0.0.1:8000" in readme, name
        section = readme.split(f"rqrun run examples/{name}.json", 1)[1]
        assert re.search(rf"^{passed} tests pass", section, re.MULTILINE), f"{name}: the README's test count is stale"


def test_hmac_signing(run_cli: Any, tmp_path: Path, demo_server: Any) -> None:
    result = run_example(run_cli, tmp_path, demo_server, "hmac-signing")
    assert_all_passed(result, "hmac-signing")
    signed = executions(result)["Signed order"]
    assert re.fullmatch(r"[0-9a-f]{64}", signed["request"]["headers"]["X-Signature"])
    assert json.loads(signed["response"]["body"]) == {"valid": True, "length": len(signed["request"]["body"])}
    assert executions(result)["Body changed after signing"]["response"]["code"] == 401


def test_chained_requests(run_cli: Any, tmp_path: Path, demo_server: Any) -> None:
    result = run_example(run_cli, tmp_path, demo_server, "chained-requests")
    assert_all_passed(result, "chained-requests")
    runs = executions(result)
    item_id = json.loads(runs["Create an item"]["response"]["body"])["id"]
    # Every step after the create used that id in its :id path variable.
    for step in ("Read it back", "Replace it", "Delete it", "It is gone"):
        assert runs[step]["request"]["url"] == f"{demo_server.url}/items/{item_id}", step
    assert [runs[s]["response"]["code"] for s in ("Delete it", "It is gone")] == [204, 404]
    assert not item_exists(demo_server, item_id)


def test_pagination(run_cli: Any, tmp_path: Path, demo_server: Any) -> None:
    result = run_example(run_cli, tmp_path, demo_server, "pagination")
    assert_all_passed(result, "pagination")
    (line,) = executions(result)["Walk every page"]["console"]
    pages, limit, count = map(int, re.fullmatch(r"walked (\d+) pages of up to (\d+) items: (\d+) items in all", line).groups())
    assert limit == 3 and count >= 5 and pages == -(-count // limit)
    # The seeded items are gone again: the first was deleted by the request, the rest by sendRequest.
    first_seeded = json.loads(executions(result)["Seed five items"]["response"]["body"])["id"]
    assert not item_exists(demo_server, first_seeded)


def test_json_schema_check(run_cli: Any, tmp_path: Path, demo_server: Any) -> None:
    result = run_example(run_cli, tmp_path, demo_server, "json-schema-check")
    assert_all_passed(result, "json-schema-check")
    tests = {e["item"]["name"]: [t["name"] for t in e["tests"]] for e in result.json["executions"]}
    # The folder's checker ran first for the requests with a schema, and not for the 204.
    assert tests["Create an item"][0] == tests["List items"][0] == "the body matches the schema"
    assert "the body matches the schema" not in tests["Delete the item"]


def test_json_schema_check_names_every_mismatch_by_path(run_cli: Any, tmp_path: Path, demo_server: Any) -> None:
    """The failure message the README quotes: a schema the server does not meet."""
    example = json.loads((EXAMPLES / "json-schema-check.json").read_text(encoding="utf-8"))
    folder = next(r for r in example["records"] if r["name"] == "Schema-checked")
    script = folder["data"]["scripts"]["postResponse"]
    broken = script.replace('"required": ["id", "name"]', '"required": ["id", "name", "sku"]')
    broken = broken.replace('"price": {"type": "number"}', '"price": {"type": "string"}')
    assert broken.count("sku") == 1 and '"price": {"type": "string"}' in broken
    folder["data"]["scripts"]["postResponse"] = broken
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(example), encoding="utf-8")
    assert run_cli("vault", "set", "demo-password", demo_server.password).code == 0
    result = run_cli("run", path, "--env-var", f"baseUrl={demo_server.url}",
                     "--reporters", "json", "--reporter-json-export", tmp_path / "r.json")
    assert result.code == 1, result
    failed = {e["item"]["name"]: t["error"] for e in result.json["executions"] for t in e["tests"] if t["status"] == "failed"}
    assert set(failed) == {"Create an item", "List items"}
    assert failed["Create an item"] == (
        '2 schema error(s): $: missing required key "sku"; $.price: expected string, got 4.5'
    )
    # Other tests' items may be listed too: only the first message is certain.
    assert re.match(r'\d+ schema error\(s\): \$\.items\[0\]: missing required key "sku"', failed["List items"])


def test_vault_and_redaction(run_cli: Any, tmp_path: Path, demo_server: Any) -> None:
    assert run_cli("vault", "set", "demo-api-key", API_KEY).code == 0
    result = run_example(run_cli, tmp_path, demo_server, "vault-and-redaction")
    assert_all_passed(result, "vault-and-redaction")
    # The tests inside compared the real value with what the server echoed; no output shows it.
    report = (tmp_path / "r.json").read_text(encoding="utf-8")
    for text in (result.stdout, result.stderr, report):
        assert API_KEY not in text
    assert executions(result)["Send a vault secret"]["console"] == [
        "X-Demo-Key as sent: ********",
        "X-Demo-Key as the server saw it: ********",
        "rq.vault.get('demo-api-key'): ********",
    ]


@pytest.mark.parametrize("name", ["chained-requests", "pagination", "json-schema-check"])
def test_login_examples_fail_closed_without_the_password(run_cli: Any, tmp_path: Path, demo_server: Any, name: str) -> None:
    """Without `rqrun vault set demo-password` the README's hint is what the user sees, and no login is sent."""
    result = run_cli("run", EXAMPLES / f"{name}.json", "--env-var", f"baseUrl={demo_server.url}", "--bail")
    assert result.code == 5, result
    assert "rqrun vault set demo-password" in result.output
