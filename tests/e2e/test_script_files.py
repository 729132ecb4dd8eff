"""Scripts in their own files, through the real CLI: they run, their errors say file.py:line,
and a path that leaves the collection's folder is refused in one line with exit 3."""

from __future__ import annotations

import json
import os

import pytest

from support.build import api, folder, write_collection


def _collection(tmp_path, url, *, pre=None, post=None, folder_scripts=None):
    record = api("r", "Login", "c", url)
    scripts: dict = {}
    if pre is not None:
        scripts["preRequest"] = pre
    if post is not None:
        scripts["postResponse"] = post
    record["data"]["scripts"] = scripts
    return write_collection(tmp_path / "c.json", folder("c", "API", scripts=folder_scripts), record)


def test_script_files_run_for_request_and_folder(run_cli, tmp_path, recording_server):
    recording_server.respond("/login", body={"token": "t-1"})
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "login.pre.py").write_text('rq.request.headers.add("X-Pre", "from-file")\n')
    (tmp_path / "login.post.py").write_text(
        'rq.test("token", lambda: rq.expect(rq.response.json()["token"]).to.equal("t-1"))\n')
    (tmp_path / "all.pre.py").write_text('rq.request.headers.add("X-Folder", "yes")\n')
    path = _collection(tmp_path, f"{recording_server.url}/login",
                       pre={"file": "scripts/login.pre.py"}, post={"file": "login.post.py"},
                       folder_scripts={"preRequest": {"file": "all.pre.py"}})
    result = run_cli("run", path)
    assert result.code == 0, result
    req = recording_server.requests.last
    assert req.header("X-Pre") == "from-file" and req.header("X-Folder") == "yes"
    assert "token" in result.stdout


def test_runtime_error_points_at_file_and_line(run_cli, tmp_path, recording_server):
    (tmp_path / "login.post.py").write_text("x = 1\n\nundefined_name\n")
    path = _collection(tmp_path, f"{recording_server.url}/x", post={"file": "login.post.py"})
    result = run_cli("run", path)
    assert result.code == 4, result
    assert "login.post.py:3: NameError" in result.output


def test_check_compile_error_points_at_file_and_line(run_cli, tmp_path):
    (tmp_path / "bad.pre.py").write_text("a = 1\nif True\n")
    path = _collection(tmp_path, "http://127.0.0.1:9/x", pre={"file": "bad.pre.py"})
    result = run_cli("check", path)
    assert result.code == 4, result
    assert "bad.pre.py:2" in result.output


@pytest.mark.parametrize("ref, why", [
    ("/etc/passwd.py", "absolute path"),
    ("~/x.py", "starts with ~"),
    ("../outside.py", "goes up a folder"),
    ("notes.txt", "neither .py nor .js"),
    ("missing.py", "no such file"),
    ("link.py", "is outside"),
])
def test_paths_outside_the_folder_are_refused_in_one_line(run_cli, tmp_path, ref, why):
    coll = tmp_path / "coll"
    coll.mkdir()
    secret = tmp_path / "outside.py"
    secret.write_text("rq.variables.set('x', 'leaked')\n")
    os.symlink(secret, coll / "link.py")
    path = _collection(coll, "http://127.0.0.1:9/x", pre={"file": ref})
    result = run_cli("run", path)
    assert result.code == 3, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and why in lines[0] and "Traceback" not in result.stderr, result


def test_workspace_sibling_script_files(run_cli, tmp_path, recording_server):
    recording_server.respond("/ping", body={"ok": True})
    ws = tmp_path / "ws"
    (ws / "API").mkdir(parents=True)
    (ws / "requestly.json").write_text(json.dumps({"version": "0.0.1"}))
    (ws / "API" / "ping.json").write_text(json.dumps(
        {"name": "Ping", "request": {"url": f"{recording_server.url}/ping", "method": "GET"}}))
    (ws / "API" / "ping.pre.py").write_text('rq.request.headers.add("X-Sibling", "1")\n')
    (ws / "API" / "ping.post.py").write_text('rq.test("ok", lambda: rq.response.to.have.status(200))\n\nboom\n')
    result = run_cli("run", ws)
    assert recording_server.requests.last.header("X-Sibling") == "1"
    assert result.code == 4, result
    assert "API/ping.post.py:3: NameError" in result.output


def test_workspace_script_given_twice_is_refused(run_cli, tmp_path):
    ws = tmp_path / "ws"
    (ws / "API").mkdir(parents=True)
    (ws / "requestly.json").write_text(json.dumps({"version": "0.0.1"}))
    (ws / "API" / "ping.json").write_text(json.dumps(
        {"name": "Ping", "request": {"url": "http://127.0.0.1:9/", "scripts": {"preRequest": "x = 1"}}}))
    (ws / "API" / "ping.pre.py").write_text("y = 2\n")
    result = run_cli("check", ws)
    assert result.code == 3 and "script given twice" in result.stderr, result
