"""End to end: which files a collection may upload (form-data file parts, binary bodies).

Each attack is a collection a stranger could share: it names a file outside its own folder, or
one of rqrun's own secrets. The run must refuse it with one line (collection, request, path,
fix), exit 3, and send nothing at all.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from support.build import api, folder, write_collection
from support.cli import CliResult, RunCli
from support.servers import RecordingServer

FIX = "--insecure-file-read"
OWN = "which a collection may never read"
SECRET_BYTES = b"the user's own private bytes\n"


def requestly(col_dir: Path, url: str, path: str, name: str = "Upload") -> Path:
    """A Requestly export with one multipart request whose file row names ``path``."""
    col_dir.mkdir(parents=True, exist_ok=True)
    body = [
        {"id": 0, "key": "note", "value": "hello", "isEnabled": True},
        {"id": 1, "key": "doc", "value": [{"id": "f", "name": "doc", "path": path, "source": "desktop"}], "isEnabled": True},
    ]
    record = api("r", name, "c", url + "/upload", method="POST", body=body, content_type="multipart/form-data")
    return write_collection(col_dir / "c.json", folder("c", "Shared"), record)


def postman(col_dir: Path, url: str, *, form: str | None = None, binary: str | None = None, name: str = "Upload") -> Path:
    """A Postman v2.1 collection with one request: a form-data file part or a binary body."""
    col_dir.mkdir(parents=True, exist_ok=True)
    if form is not None:
        body: dict[str, Any] = {"mode": "formdata", "formdata": [{"key": "doc", "type": "file", "src": form}]}
    else:
        body = {"mode": "file", "file": {"src": binary}}
    doc = {
        "info": {"name": "Shared", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": name, "request": {"method": "POST", "url": url + "/upload", "body": body}}],
    }
    path = col_dir / "shared.postman_collection.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def workspace(ws_dir: Path, url: str, path: str) -> Path:
    """A Requestly local-workspace folder with one request file in a sub-folder."""
    (ws_dir / "API").mkdir(parents=True, exist_ok=True)
    (ws_dir / "requestly.json").write_text('{"version": "0.0.1"}', encoding="utf-8")
    request = {
        "name": "Upload",
        "request": {
            "type": "http", "url": url + "/upload", "method": "POST", "headers": [], "queryParams": [],
            "body": [{"id": 1, "key": "doc", "value": [{"id": "f", "name": "doc", "path": path}], "isEnabled": True}],
            "contentType": "multipart/form-data",
            "auth": {"currentAuthType": "NO_AUTH", "authConfigStore": {}},
        },
    }
    (ws_dir / "API" / "upload.json").write_text(json.dumps(request), encoding="utf-8")
    return ws_dir


def run(run_cli: RunCli, collection: Path, *args: str, env: dict[str, str | None] | None = None) -> CliResult:
    report = collection.parent / "report.json" if collection.is_file() else collection.parent / "ws-report.json"
    return run_cli("run", collection, "--reporters", "cli,json", "--reporter-json-export", report, *args, env=env)


def outside_file(tmp_path: Path) -> Path:
    private = tmp_path / "private"
    private.mkdir(exist_ok=True)
    target = private / "id_rsa"
    target.write_bytes(SECRET_BYTES)
    return target


def assert_refused(
    result: CliResult, server: RecordingServer, collection: Path, shown_path: str | Path, *, fix: bool = True
) -> None:
    """Exit 3, one line naming the collection, the request and the path, and nothing sent."""
    assert result.code == 3, result
    assert len(server.requests) == 0, server.requests.snapshot()
    error = result.json["executions"][0]["error"]
    assert error["type"] == "input" and error["kind"] == "file-not-allowed", error
    message = error["message"]
    assert "\n" not in message
    assert str(shown_path) in message
    assert message.startswith(f"{collection}: request ") and "Upload'" in message
    if fix:
        assert "--working-dir" in message and FIX in message
    else:
        assert OWN in message and FIX not in message
    assert message in result.stdout
    assert "Traceback" not in result.output
    assert SECRET_BYTES.decode().strip() not in result.output


# -- files outside the collection's folder ---------------------------------------------------


def test_absolute_path_outside_is_refused_requestly_form(run_cli, tmp_path, recording_server):
    target = outside_file(tmp_path)
    col = requestly(tmp_path / "col", recording_server.url, str(target))
    assert_refused(run(run_cli, col), recording_server, col, target)


def test_absolute_path_outside_is_refused_postman_binary(run_cli, tmp_path, recording_server):
    target = outside_file(tmp_path)
    col = postman(tmp_path / "col", recording_server.url, binary=str(target))
    assert_refused(run(run_cli, col), recording_server, col, target)


def test_home_path_is_refused_postman_form(run_cli, tmp_path, recording_server):
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_bytes(SECRET_BYTES)
    col = postman(tmp_path / "col", recording_server.url, form="~/.ssh/id_rsa")
    assert_refused(run(run_cli, col, env={"HOME": str(home)}), recording_server, col, home / ".ssh" / "id_rsa")


def test_home_path_is_refused_requestly_form(run_cli, tmp_path, recording_server):
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_bytes(SECRET_BYTES)
    col = requestly(tmp_path / "col", recording_server.url, "~/notes.txt")
    assert_refused(run(run_cli, col, env={"HOME": str(home)}), recording_server, col, home / "notes.txt")


def test_dot_dot_escape_is_refused_requestly_form(run_cli, tmp_path, recording_server):
    outside_file(tmp_path)
    col = requestly(tmp_path / "col", recording_server.url, "files/../../private/id_rsa")
    assert_refused(run(run_cli, col), recording_server, col, tmp_path / "private" / "id_rsa")


def test_dot_dot_escape_is_refused_postman_binary(run_cli, tmp_path, recording_server):
    outside_file(tmp_path)
    col = postman(tmp_path / "col", recording_server.url, binary="../private/id_rsa")
    assert_refused(run(run_cli, col), recording_server, col, tmp_path / "private" / "id_rsa")


def test_symlink_inside_leading_out_is_refused_requestly_form(run_cli, tmp_path, recording_server):
    target = outside_file(tmp_path)
    col = requestly(tmp_path / "col", recording_server.url, "avatar.png")
    (col.parent / "avatar.png").symlink_to(target)
    result = run(run_cli, col)
    assert_refused(result, recording_server, col, col.parent / "avatar.png")
    assert f"leads to {target}" in result.json["executions"][0]["error"]["message"]


def test_symlinked_folder_leading_out_is_refused_postman_binary(run_cli, tmp_path, recording_server):
    target = outside_file(tmp_path)
    col = postman(tmp_path / "col", recording_server.url, binary="assets/id_rsa")
    (col.parent / "assets").symlink_to(target.parent, target_is_directory=True)
    assert_refused(run(run_cli, col), recording_server, col, col.parent / "assets" / "id_rsa")


def test_workspace_request_file_escaping_the_workspace_is_refused(run_cli, tmp_path, recording_server):
    outside_file(tmp_path)
    ws = workspace(tmp_path / "ws", recording_server.url, "../../private/id_rsa")
    assert_refused(run(run_cli, ws), recording_server, ws, tmp_path / "private" / "id_rsa")


def test_check_flags_a_refused_file_without_sending(run_cli, tmp_path, recording_server):
    target = outside_file(tmp_path)
    col = postman(tmp_path / "col", recording_server.url, binary=str(target))
    result = run_cli("check", col)
    assert result.code == 3, result
    assert f"request 'Upload': file {target} is outside" in result.stdout and FIX in result.stdout
    assert run_cli("check", col, "--insecure-file-read").code == 0
    assert len(recording_server.requests) == 0


# -- rqrun's own files: never, whatever the flags ----------------------------------------------


def _make_vault(run_cli: RunCli, *global_args: str) -> None:
    """A vault with a secret, written twice so that its .bak exists too."""
    assert run_cli(*global_args, "vault", "set", "api-key", "s3cr3t-value").code == 0
    assert run_cli(*global_args, "vault", "set", "api-key", "s3cr3t-value-2").code == 0


@pytest.mark.parametrize("name", ["vault.json", "vault.key", "vault.json.bak"])
def test_rqrun_home_files_are_refused_even_with_insecure_file_read(run_cli, tmp_path, rqrun_home, recording_server, name):
    _make_vault(run_cli)
    (rqrun_home / "vault.key").write_bytes(b"k" * 32)  # the key file where keyfile slots keep it
    target = rqrun_home / name
    assert target.is_file()
    col = postman(tmp_path / "col", recording_server.url, form=str(target))
    assert_refused(run(run_cli, col, "--insecure-file-read"), recording_server, col, target, fix=False)


def test_rqrun_home_inside_the_working_dir_is_still_refused(run_cli, tmp_path, rqrun_home, recording_server):
    _make_vault(run_cli)
    col = requestly(tmp_path / "col", recording_server.url, "../rqrun-home/vault.json")
    assert rqrun_home.parent == tmp_path
    result = run(run_cli, col, "--working-dir", str(tmp_path))
    assert_refused(result, recording_server, col, rqrun_home / "vault.json", fix=False)


@pytest.mark.parametrize("name", ["vault.json", "vault.json.bak"])
def test_vault_inside_the_collection_folder_via_vault_flag_is_refused(run_cli, tmp_path, recording_server, name):
    col = requestly(tmp_path / "col", recording_server.url, name)
    vault = col.parent / "vault.json"
    _make_vault(run_cli, "--vault", str(vault))
    assert (col.parent / name).is_file()
    result = run_cli("--vault", vault, "run", col, "--reporters", "cli,json", "--reporter-json-export",
                     tmp_path / "report.json", "--insecure-file-read")
    assert_refused(result, recording_server, col, col.parent / name, fix=False)


def test_vault_inside_the_collection_folder_via_env_and_hard_link_is_refused(run_cli, tmp_path, recording_server):
    col = postman(tmp_path / "col", recording_server.url, binary="copy-of-data.bin")
    vault = col.parent / "vault.json"
    _make_vault(run_cli, "--vault", str(vault))
    os.link(vault, col.parent / "copy-of-data.bin")  # the same file under an innocent name
    result = run(run_cli, col, env={"RQRUN_VAULT": str(vault)})
    assert_refused(result, recording_server, col, col.parent / "copy-of-data.bin", fix=False)


# -- what still works --------------------------------------------------------------------------


def test_file_next_to_the_collection_uploads_postman_form_and_binary(run_cli, tmp_path, recording_server):
    col_dir = tmp_path / "col"
    (col_dir / "files").mkdir(parents=True)
    (col_dir / "files" / "report.csv").write_bytes(b"a,b\n1,2\n")
    form = postman(col_dir, recording_server.url, form="files/report.csv")
    result = run(run_cli, form)
    assert result.code == 0, result
    part = recording_server.requests.last.multipart[0]
    assert (part.name, part.filename, part.data) == ("doc", "report.csv", b"a,b\n1,2\n")
    recording_server.reset()
    binary = postman(col_dir, recording_server.url, binary=str(col_dir / "files" / "report.csv"))  # absolute, inside
    result = run(run_cli, binary)
    assert result.code == 0, result
    assert recording_server.requests.last.body == b"a,b\n1,2\n"


def test_file_inside_a_workspace_uploads(run_cli, tmp_path, recording_server):
    ws = workspace(tmp_path / "ws", recording_server.url, "avatar.png")
    (ws / "API" / "avatar.png").write_bytes(b"\x89PNG fake")
    result = run(run_cli, ws)
    assert result.code == 0, result
    assert recording_server.requests.last.multipart[0].data == b"\x89PNG fake"


def test_working_dir_moves_the_base(run_cli, tmp_path, recording_server):
    col = requestly(tmp_path / "col", recording_server.url, "data/upload.txt")
    (tmp_path / "wd" / "data").mkdir(parents=True)
    (tmp_path / "wd" / "data" / "upload.txt").write_bytes(b"from the working dir")
    (col.parent / "data").mkdir()
    (col.parent / "data" / "upload.txt").write_bytes(b"from the collection folder")
    result = run(run_cli, col, "--working-dir", str(tmp_path / "wd"))
    assert result.code == 0, result
    assert recording_server.requests.last.multipart[1].data == b"from the working dir"
    recording_server.reset()
    # a path that leaves the collection's folder is fine when it stays inside the working dir ...
    escape = postman(tmp_path / "col", recording_server.url, binary="../wd/data/upload.txt")
    assert run(run_cli, escape).code == 3
    assert len(recording_server.requests) == 0
    result = run(run_cli, escape, "--working-dir", str(tmp_path))
    assert result.code == 0, result
    assert recording_server.requests.last.body == b"from the working dir"
    # ... and the working dir confines like the collection's folder does.
    outside_file(tmp_path)
    recording_server.reset()
    refused = postman(tmp_path / "col", recording_server.url, binary="../private/id_rsa")
    assert_refused(run(run_cli, refused, "--working-dir", str(tmp_path / "wd")), recording_server, refused, tmp_path / "private" / "id_rsa")


def test_insecure_file_read_allows_an_outside_file(run_cli, tmp_path, recording_server):
    target = outside_file(tmp_path)
    col = requestly(tmp_path / "col", recording_server.url, str(target))
    result = run(run_cli, col, "--insecure-file-read")
    assert result.code == 0, result
    assert recording_server.requests.last.multipart[1].data == SECRET_BYTES


def test_missing_working_dir_is_a_usage_error(run_cli, tmp_path, recording_server):
    col = requestly(tmp_path / "col", recording_server.url, "a.txt")
    result = run(run_cli, col, "--working-dir", str(tmp_path / "nope"))
    assert result.code == 2, result
    assert "--working-dir" in result.stderr and "Traceback" not in result.output
    assert len(recording_server.requests) == 0


# -- files that cannot be read: input errors, exit 3, the run goes on ---------------------------


def _unreadable(run_cli: RunCli, tmp_path: Path, server: RecordingServer, src: str, reason: str) -> None:
    col_dir = tmp_path / "col"
    col = postman(col_dir, server.url, binary=src)
    result = run(run_cli, col)
    assert result.code == 3, result
    assert len(server.requests) == 0
    error = result.json["executions"][0]["error"]
    assert error["type"] == "input" and error["kind"] == "invalid-input", error
    assert reason in error["message"] and "\n" not in error["message"]
    assert "request 'Upload'" in error["message"] and "Traceback" not in result.output


def test_missing_file_is_an_input_error(run_cli, tmp_path, recording_server):
    _unreadable(run_cli, tmp_path, recording_server, "nope.bin", "nope.bin: no such file")


def test_directory_is_an_input_error(run_cli, tmp_path, recording_server):
    (tmp_path / "col" / "assets").mkdir(parents=True)
    _unreadable(run_cli, tmp_path, recording_server, "assets", "assets: it is a directory")


def test_fifo_is_refused_without_hanging(run_cli, tmp_path, recording_server):
    (tmp_path / "col").mkdir()
    os.mkfifo(tmp_path / "col" / "pipe")
    _unreadable(run_cli, tmp_path, recording_server, "pipe", "pipe: not a regular file")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file whatever its mode")
def test_permission_denied_is_an_input_error(run_cli, tmp_path, recording_server):
    (tmp_path / "col").mkdir()
    locked = tmp_path / "col" / "locked.bin"
    locked.write_bytes(b"x")
    locked.chmod(0)
    _unreadable(run_cli, tmp_path, recording_server, "locked.bin", "locked.bin: permission denied")


def test_the_run_goes_on_after_a_refused_file(run_cli, tmp_path, recording_server):
    target = outside_file(tmp_path)
    col_dir = tmp_path / "col"
    col_dir.mkdir()
    records = [
        folder("c", "Shared"),
        api("r1", "Upload", "c", recording_server.url + "/upload", method="POST", content_type="multipart/form-data",
            body=[{"id": 0, "key": "doc", "value": [{"id": "f", "name": "x", "path": str(target)}], "isEnabled": True}]),
        api("r2", "Ping", "c", recording_server.url + "/ping"),
    ]
    col = write_collection(col_dir / "c.json", *records)
    result = run(run_cli, col)
    assert result.code == 3, result
    assert [r.path for r in recording_server.requests] == ["/ping"]


# -- the workspace loader itself (issue 11, red-team finding 1) ---------------------------------
#
# A shared workspace folder whose own files (vars.json, request files, environments, sub-folders)
# are symlinks out of it would have the loader read those files: their values then leave in the
# requests it sends. The attacks send whatever the linked file holds to 127.0.0.2.

PRIVATE = "private-value-from-outside-0451"


@pytest.fixture()
def other():
    """A recorder on 127.0.0.2: the host that must never see what the linked file holds."""
    with RecordingServer(host="127.0.0.2") as server:
        yield server


def _var(value: str) -> dict[str, Any]:
    return {"id": 0, "value": value, "type": "string", "isSecret": False}


def _request_file(url: str, header: str = "{{leak}}") -> dict[str, Any]:
    return {
        "name": "Steal",
        "request": {
            "type": "http", "url": url, "method": "GET", "queryParams": [], "body": None,
            "headers": [{"id": 0, "key": "X-Leak", "value": header, "isEnabled": True}],
            "contentType": "text/plain", "auth": {"currentAuthType": "NO_AUTH", "authConfigStore": {}},
        },
    }


def hostile_workspace(ws_dir: Path, url: str) -> Path:
    """A workspace with one collection folder ``API`` whose request sends ``{{leak}}`` to ``url``."""
    (ws_dir / "API").mkdir(parents=True, exist_ok=True)
    (ws_dir / "requestly.json").write_text('{"version": "0.0.1"}', encoding="utf-8")
    (ws_dir / "API" / "steal.json").write_text(json.dumps(_request_file(url + "/steal")), encoding="utf-8")
    return ws_dir


def private_json(tmp_path: Path, name: str, doc: Any) -> Path:
    private = tmp_path / "private"
    private.mkdir(exist_ok=True)
    target = private / name
    target.write_text(json.dumps(doc), encoding="utf-8")
    return target


def assert_load_refused(result: CliResult, other: RecordingServer, link: Path, *, fix: bool = True) -> None:
    """Exit 3 before anything is sent, one line naming the link, nothing of the linked file shown."""
    assert result.code == 3, result
    assert len(other.requests) == 0, other.requests.snapshot()
    lines = [line for line in result.output.splitlines() if str(link) in line]
    assert lines, result
    if fix:
        assert FIX in lines[0] and "leads to" in lines[0], lines
    else:
        assert OWN in lines[0] and FIX not in lines[0], lines
    assert "Traceback" not in result.output
    assert PRIVATE not in result.output


def test_workspace_vars_json_symlinked_out_is_refused(run_cli, tmp_path, other):
    ws = hostile_workspace(tmp_path / "ws", other.url)
    link = ws / "API" / "vars.json"
    link.symlink_to(private_json(tmp_path, "vars.json", {"leak": _var(PRIVATE)}))
    assert_load_refused(run(run_cli, ws), other, link)


def test_workspace_request_file_symlinked_out_is_refused(run_cli, tmp_path, other):
    ws = hostile_workspace(tmp_path / "ws", other.url)
    (ws / "API" / "vars.json").write_text(json.dumps({"leak": _var("nothing")}), encoding="utf-8")
    link = ws / "API" / "private.json"
    link.symlink_to(private_json(tmp_path, "req.json", _request_file(other.url + "/got", PRIVATE)))
    assert_load_refused(run(run_cli, ws), other, link)


def test_workspace_global_environment_symlinked_out_is_refused(run_cli, tmp_path, other):
    ws = hostile_workspace(tmp_path / "ws", other.url)
    (ws / "environments").mkdir()
    link = ws / "environments" / "global.json"
    link.symlink_to(private_json(tmp_path, "env.json", {"name": "Global", "variables": {"leak": _var(PRIVATE)}}))
    assert_load_refused(run(run_cli, ws), other, link)


def test_workspace_sub_folder_symlinked_out_is_refused(run_cli, tmp_path, other):
    ws = hostile_workspace(tmp_path / "ws", other.url)
    (ws / "API" / "vars.json").write_text(json.dumps({"leak": _var("nothing")}), encoding="utf-8")
    private_json(tmp_path, "req.json", _request_file(other.url + "/got", PRIVATE))
    link = ws / "API" / "Linked"
    link.symlink_to(tmp_path / "private", target_is_directory=True)
    assert_load_refused(run(run_cli, ws), other, link)


def test_workspace_readme_symlinked_out_is_refused(run_cli, tmp_path, other):
    """A description is shown in reports: a README linked out would print the file."""
    ws = hostile_workspace(tmp_path / "ws", other.url)
    (ws / "API" / "vars.json").write_text(json.dumps({"leak": _var("nothing")}), encoding="utf-8")
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "notes.md").write_text(PRIVATE, encoding="utf-8")
    link = ws / "API" / "README.md"
    link.symlink_to(tmp_path / "private" / "notes.md")
    assert_load_refused(run(run_cli, ws), other, link)


@pytest.mark.parametrize("name", ["vault.json", "vault.key"])
def test_workspace_file_linked_to_rqrun_home_is_refused_even_with_insecure_file_read(
    run_cli, tmp_path, rqrun_home, other, name
):
    _make_vault(run_cli)
    (rqrun_home / "vault.key").write_bytes(b"k" * 32)
    ws = hostile_workspace(tmp_path / "ws", other.url)
    link = ws / "API" / "vars.json"
    link.symlink_to(rqrun_home / name)
    assert_load_refused(run(run_cli, ws, "--insecure-file-read"), other, link, fix=False)


def test_workspace_symlink_out_loads_with_insecure_file_read(run_cli, tmp_path, recording_server):
    ws = hostile_workspace(tmp_path / "ws", recording_server.url)
    (ws / "API" / "vars.json").symlink_to(private_json(tmp_path, "vars.json", {"leak": _var(PRIVATE)}))
    result = run(run_cli, ws, "--insecure-file-read")
    assert result.code == 0, result
    assert recording_server.requests.last.header("X-Leak") == PRIVATE


def test_workspace_symlink_inside_the_workspace_still_loads(run_cli, tmp_path, recording_server):
    ws = hostile_workspace(tmp_path / "ws", recording_server.url)
    (ws / "shared").mkdir()
    (ws / "shared" / "vars.json").write_text(json.dumps({"leak": _var("shared-value")}), encoding="utf-8")
    (ws / "API" / "vars.json").symlink_to(ws / "shared" / "vars.json")
    (ws / "requestly.json").write_text('{"version": "0.0.1", "exclude": ["shared"]}', encoding="utf-8")
    result = run(run_cli, ws)
    assert result.code == 0, result
    assert recording_server.requests.last.header("X-Leak") == "shared-value"
