"""End to end: the pytest plugin, through a real ``pytest`` in a subprocess against a local server.

Each test writes a small project (``pytest.ini``, collection files, a Python test using the
``rqrun`` fixture) into a temporary folder and runs ``python -m pytest`` there: outcomes,
failure text, JUnit XML, and ``-n 2`` (pytest-xdist) with each collection run exactly once.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

import pytest

from support.build import api, folder, write_collection
from support.cli import REPO_ROOT
from support.servers import RecordingServer

LOGIN_POST = (
    'rq.environment.set("token", rq.response.json()["token"])\n'
    'rq.test("logged in", lambda: rq.response.to.have.status(200))'
)
ITEMS_POST = 'rq.test("items ok", lambda: rq.response.to.have.status(200))'
BROKEN_POST = (
    'print("broken said", rq.response.code)\n'
    'rq.test("status is 200", lambda: rq.response.to.have.status(200))\n'
    'rq.test("has an id", lambda: "id" in rq.response.json())\n'
    'rq.test("is json", lambda: rq.response.json() is not None)'
)


def _write_project(root: Path, *, broken: bool, ini: str = "") -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n" + ini, encoding="utf-8")
    records = [
        folder("a", "Auth"),
        api("login", "login", "a", "{{base}}/login", method="POST", post=LOGIN_POST),
        folder("s", "Shop"),
        api("items", "items", "s", "{{base}}/items/{{n}}",
            headers=[{"id": 0, "key": "Authorization", "value": "Bearer {{token}}", "isEnabled": True}], post=ITEMS_POST),
    ]
    if broken:
        records.append(api("broken", "broken", "s", "{{base}}/broken", post=BROKEN_POST))
    write_collection(root / "shop.rq.json", *records)
    (root / "rows.json").write_text(json.dumps([{"n": 1}, {"n": 2}]), encoding="utf-8")


def _server(server: RecordingServer) -> RecordingServer:
    server.respond("/login", body={"token": "t-1"})
    server.respond("/broken", status=500, body={"error": "down"})
    return server


def _pytest(root: Path, env: Mapping[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=root, env=dict(env), capture_output=True,
                          text=True, timeout=120)


def _junit(path: Path) -> dict[str, str]:
    outcomes = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        kind = next((child.tag for child in case if child.tag in ("failure", "error", "skipped")), "passed")
        outcomes[case.get("name") or ""] = kind
    return outcomes


@pytest.fixture()
def project_env(cli_env: dict[str, str]) -> dict[str, str]:
    env = dict(cli_env)
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    return env


def test_passing_collection_is_one_passing_item_per_request_and_iteration(
    tmp_path: Path, project_env: dict[str, str], recording_server: RecordingServer
) -> None:
    root = tmp_path / "proj"
    _write_project(root, broken=False, ini="rqrun_data = rows.json\n")
    server = _server(recording_server)
    result = _pytest(root, project_env, "-v", "--rqrun-options", f"--env-var base={server.url}",
                     "--junitxml", str(root / "junit.xml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout
    for name in ("Auth/login [iteration 1]", "Shop/items [iteration 1]", "Auth/login [iteration 2]", "Shop/items [iteration 2]"):
        assert f"shop.rq.json::{name} PASSED" in result.stdout
    # The collection ran once, in order: the token login set reached the next request.
    assert server.requests.paths == ["/login", "/items/1", "/login", "/items/2"]
    assert {r.header("Authorization") for r in server.requests if r.path.startswith("/items")} == {"Bearer t-1"}
    assert _junit(root / "junit.xml") == {
        "Auth/login [iteration 1]": "passed", "Shop/items [iteration 1]": "passed",
        "Auth/login [iteration 2]": "passed", "Shop/items [iteration 2]": "passed",
    }


def test_failed_tests_fail_the_item_with_every_assertion_and_the_console(
    tmp_path: Path, project_env: dict[str, str], recording_server: RecordingServer
) -> None:
    root = tmp_path / "proj"
    _write_project(root, broken=True, ini=f"rqrun_options = --env-var base={recording_server.url}\n")
    _server(recording_server)
    result = _pytest(root, project_env, "--junitxml", str(root / "junit.xml"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed, 2 passed" in result.stdout
    out = result.stdout
    assert "FAILED test 'status is 200'" in out and "FAILED test 'has an id'" in out
    assert "FAILED test 'is json'" not in out  # it passed
    assert "2 of 3 test(s) failed, 1 passed" in out
    assert f"GET {recording_server.url}/broken -> 500" in out
    assert "--- script console ---" in out and "broken said 500" in out
    assert "FAILED shop.rq.json::Shop/broken" in out
    junit = ET.parse(root / "junit.xml").getroot()
    failure = next(c for c in junit.iter("testcase") if c.get("name") == "Shop/broken").find("failure")
    assert failure is not None and "has an id" in (failure.text or "") + (failure.get("message") or "")
    assert _junit(root / "junit.xml") == {"Auth/login": "passed", "Shop/items": "passed", "Shop/broken": "failure"}


def test_dash_n_2_runs_each_collection_once_on_one_worker(
    tmp_path: Path, project_env: dict[str, str], recording_server: RecordingServer
) -> None:
    root = tmp_path / "proj"
    _write_project(root, broken=True, ini="rqrun_data = rows.json\n")
    (root / "other.rq.json").write_text((root / "shop.rq.json").read_text("utf-8"), encoding="utf-8")
    (root / "test_plain.py").write_text("def test_one():\n    pass\n\ndef test_two():\n    pass\n", encoding="utf-8")
    server = _server(recording_server)
    result = _pytest(root, project_env, "-n", "2", "--rqrun-options", f"--env-var base={server.url}",
                     "--junitxml", str(root / "junit.xml"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "4 failed, 10 passed" in result.stdout  # 2 files x 2 iterations x 3 requests, 4 broken; + 2 plain
    # Each file ran once, whole, on one worker: one login per iteration per file, tokens chained.
    assert server.count("/login") == 4 and server.count("/items/1") == 2 and server.count("/items/2") == 2
    assert {r.header("Authorization") for r in server.requests if r.path.startswith("/items")} == {"Bearer t-1"}
    cases = [(c.get("classname"), c.get("name"), [child.tag for child in c]) for c in ET.parse(root / "junit.xml").getroot().iter("testcase")]
    assert len(cases) == 14 and len({(k, n) for k, n, _ in cases}) == 14
    assert sorted(k for k, n, tags in cases if "failure" in tags) == ["other.rq.json"] * 2 + ["shop.rq.json"] * 2
    assert all(n.startswith("Shop/broken [iteration ") for _, n, tags in cases if "failure" in tags)


def test_rqrun_fixture_runs_an_in_memory_collection(
    tmp_path: Path, project_env: dict[str, str], recording_server: RecordingServer
) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n", encoding="utf-8")
    (root / "test_api.py").write_text(
        "def test_api(rqrun):\n"
        "    collection = {'schema_version': '1.0.0', 'records': [\n"
        "        {'id': 'c', 'name': 'C', 'type': 'collection', 'collectionId': '', 'data': {}},\n"
        "        {'id': 'r', 'name': 'ping', 'type': 'api', 'collectionId': 'c', 'data': {'type': 'http',\n"
        "         'request': {'url': '{{base}}/ping/{{who}}', 'method': 'GET'},\n"
        "         'scripts': {'postResponse': 'rq.test(\"ok\", lambda: rq.response.code == 200)'}}}]}\n"
        f"    result = rqrun(collection, env_vars={{'base': {recording_server.url!r}}}, iteration_data=[{{'who': 'a'}}, {{'who': 'b'}}])\n"
        "    assert result.exit_code == 0\n"
        "    assert result.summary.tests_passed == 2\n",
        encoding="utf-8",
    )
    result = _pytest(root, project_env, "-q")
    assert result.returncode == 0, result.stdout + result.stderr
    assert recording_server.requests.paths == ["/ping/a", "/ping/b"]


def test_load_errors_and_bad_options_are_one_line(
    tmp_path: Path, project_env: dict[str, str], recording_server: RecordingServer
) -> None:
    root = tmp_path / "proj"
    _write_project(root, broken=False)
    (root / "bad.rq.json").write_text('{"schema_version": "1.0.0", "records": "no"}', encoding="utf-8")
    result = _pytest(root, project_env, "-q", "--rqrun-options", f"--env-var base={recording_server.url}")
    assert result.returncode == 2, result.stdout + result.stderr  # a collection error stops the session
    assert "ERROR collecting bad.rq.json" in result.stdout
    assert "bad.rq.json: records: expected a list" in result.stdout
    assert "Traceback" not in result.stdout and "pytest_items.py" not in result.stdout
    assert recording_server.requests.paths == []
    bad = _pytest(root, project_env, "-q", "--rqrun-options=--shard 9/2")
    assert bad.returncode == 2, bad.stdout + bad.stderr
    assert "rqrun options '--shard 9/2': --shard '9/2': K must be between 1 and N" in bad.stdout
    assert "pytest_plugin.py" not in bad.stdout
    unknown = _pytest(root, project_env, "-q", "--rqrun-options=--no-such-option")
    assert unknown.returncode == 2 and "rqrun options '--no-such-option': No such option" in unknown.stdout, unknown.stdout


def test_default_glob_matches_nothing_in_this_repository() -> None:
    """The project's own suite runs with the plugin installed: it must not collect files here."""
    found = [p for p in REPO_ROOT.rglob("*.rq.json") if ".venv" not in p.parts and ".git" not in p.parts]
    assert found == []


def test_plugin_start_up_imports_no_heavy_module(project_env: dict[str, str], tmp_path: Path) -> None:
    code = (
        "import sys, pytest\n"
        "pytest.main(['--co', '-q', '-p', 'no:cacheprovider', '-p', 'no:faker', sys.argv[1]])\n"
        "heavy = [m for m in ('httpx', 'RestrictedPython', 'boto3', 'faker', 'quickjs', 'click', 'rqrun.runner') if m in sys.modules]\n"
        "assert 'rqrun.pytest_plugin' in sys.modules\n"
        "print('HEAVY', heavy)\n"
    )
    (tmp_path / "test_x.py").write_text("def test_x():\n    pass\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=tmp_path, env=project_env,
                            capture_output=True, text=True, timeout=120)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr



def test_bail_skips_the_items_after_the_stop_and_path_globs_select_files(
    tmp_path: Path, project_env: dict[str, str], recording_server: RecordingServer
) -> None:
    root = tmp_path / "proj"
    _write_project(root, broken=True, ini="rqrun_files = api/*.json\nrqrun_data = rows.json\n")
    (root / "api").mkdir()
    (root / "shop.rq.json").rename(root / "api" / "shop.json")
    (root / "ignored.json").write_text("not a collection", encoding="utf-8")  # not below api/: not collected
    server = _server(recording_server)
    result = _pytest(root, project_env, "-v", "-rs", f"--rqrun-options=--bail --env-var base={server.url}")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed, 2 passed, 3 skipped" in result.stdout
    assert "api/shop.json::Shop/broken [iteration 1] FAILED" in result.stdout
    assert "api/shop.json::Auth/login [iteration 2] SKIPPED" in result.stdout
    assert "not run: the run stopped (bail)" in result.stdout
    assert server.requests.paths == ["/login", "/items/1", "/broken"]


def test_a_shard_option_collects_only_that_shares_iterations(
    tmp_path: Path, project_env: dict[str, str], recording_server: RecordingServer
) -> None:
    root = tmp_path / "proj"
    _write_project(root, broken=False, ini="rqrun_data = rows.json\n")
    server = _server(recording_server)
    result = _pytest(root, project_env, "-v", f"--rqrun-options=--shard 2/2 --env-var base={server.url}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout and "skipped" not in result.stdout
    assert "shop.rq.json::Shop/items [iteration 2] PASSED" in result.stdout
    assert server.requests.paths == ["/login", "/items/2"]
