"""What the report files and the terminal summary say, through the real CLI."""

from __future__ import annotations

import json
import stat
import xml.etree.ElementTree as ET

from support.build import api, folder, write_collection

FAILING = 'rq.test("is 201", lambda: rq.response.to.have.status(201))'


def _collection(tmp_path, base, post=FAILING):
    return write_collection(
        tmp_path / "c.json",
        folder("c", "Orders", variables={"base": base}),
        api("a", "Create order", "c", "{{base}}/orders", post=post),
    )


def test_junit_test_names_are_unique_per_iteration(run_cli, tmp_path, recording_server):
    collection = _collection(tmp_path, recording_server.url)
    result = run_cli("run", collection, "-n", "3", "-r", "junit", "--reporter-junit-export", tmp_path / "j.xml")
    assert result.code == 1
    root = ET.parse(tmp_path / "j.xml").getroot()
    names = [(case.get("classname"), case.get("name")) for case in root.iter("testcase")]
    assert names == [("Create order", f"is 201 [iteration {n}]") for n in (1, 2, 3)]

    single = run_cli("run", collection, "-r", "junit", "--reporter-junit-export", tmp_path / "one.xml")
    assert single.code == 1
    assert [c.get("name") for c in ET.parse(tmp_path / "one.xml").getroot().iter("testcase")] == ["is 201"]


def test_identical_failures_are_listed_once_with_a_count(run_cli, tmp_path, recording_server):
    collection = _collection(tmp_path, recording_server.url)
    result = run_cli("run", collection, "-n", "300", "-q", timeout=120)
    assert result.code == 1
    listed = result.stdout.split("Failures\n", 1)[1].strip().splitlines()
    assert len(listed) == 1, result
    assert listed[0].startswith('1. Create order — test "is 201": ')
    assert listed[0].endswith(" (300 times, iterations 1-300)")


def test_exported_environment_is_private_and_written_whole(run_cli, tmp_path, recording_server):
    collection = _collection(tmp_path, recording_server.url, post='rq.environment.set("token", "t-123")')
    out = tmp_path / "out" / "env.json"
    result = run_cli("run", collection, "--env-var", "a=1", "--export-environment", out,
                     "--export-globals", tmp_path / "out" / "globals.json")
    assert result.code == 0, result
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it holds tokens
    values = {v["key"]: v["value"] for v in json.loads(out.read_text())["values"]}
    assert values == {"a": "1", "token": "t-123"}
    assert sorted(p.name for p in out.parent.iterdir()) == ["env.json", "globals.json"]  # no temporary left


def test_cookie_jar_export_is_private(run_cli, tmp_path, recording_server):
    recording_server.set_cookie("/orders", "sid", "abc")
    collection = _collection(tmp_path, recording_server.url, post="")
    for name in ("jar.txt", "jar.json"):
        result = run_cli("run", collection, "--export-cookie-jar", tmp_path / name)
        assert result.code == 0, result
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
        assert "abc" in (tmp_path / name).read_text()
