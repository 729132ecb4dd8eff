"""`rqrun vault set/get/unset/list` through the real entry point, in subprocesses.

Every run gets its own RQRUN_HOME and no keyring (PYTHON_KEYRING_BACKEND=fail), like a fresh
headless CI machine. Error cases check: exit code, one line naming the file, no traceback, no
secret in the output, and the vault file unchanged byte for byte.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

_FAKERING_DIR = Path(__file__).resolve().parents[1] / "unit" / "vault"


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def rq(home: Path) -> Callable[..., Result]:
    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        full = {k: v for k, v in os.environ.items() if not k.startswith(("RQRUN_", "PYTHON_KEYRING"))}
        full.update(RQRUN_HOME=str(home), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
        full.update(env or {})
        proc = subprocess.run(
            [sys.executable, "-m", "rqrun", *args],
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            env=full,
            timeout=60,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


def _assert_one_line_error(result: Result, code: int, *needles: str) -> None:
    assert result.code == code, result
    assert "Traceback" not in result.err
    lines = [line for line in result.err.splitlines() if line.startswith("rqrun: error:")]
    assert len(lines) == 1, result.err
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_fresh_headless_machine_set_get_unset(rq: Callable[..., Result], home: Path) -> None:
    first = rq("vault", "set", "apiToken", "tok-123456", "--allow-host", "api.example.com")
    assert first.code == 0, first.err
    assert "notice: created" in first.err and "vault.key" in first.err
    assert "tok-123456" not in first.err + first.out
    second = rq("vault", "set", "other", "xyz-987")
    assert second.code == 0 and "notice" not in second.err  # the notice is one-time
    got = rq("vault", "get", "apiToken")
    assert (got.code, got.out) == (0, "tok-123456\n")
    assert oct((home / "vault.json").stat().st_mode & 0o777) == "0o600"
    assert rq("vault", "unset", "other").code == 0
    _assert_one_line_error(rq("vault", "get", "other"), 5, "no secret named 'other'", str(home / "vault.json"))
    _assert_one_line_error(rq("vault", "unset", "other"), 5, "no local secret")


def test_value_from_stdin(rq: Callable[..., Result]) -> None:
    assert rq("vault", "set", "piped", input="line-secret\n").code == 0
    assert rq("vault", "set", "dash", "-", input="multi\nline\n").code == 0
    assert rq("vault", "get", "piped").out == "line-secret\n"
    assert rq("vault", "get", "dash").out == "multi\nline\n"
    _assert_one_line_error(rq("vault", "set", "empty", input=""), 2, "empty value")


def test_list_shows_metadata_never_values(rq: Callable[..., Result], home: Path) -> None:
    empty = rq("vault", "list", "--json")
    assert empty.code == 0 and empty.json["secrets"] == [] and empty.json["exists"] is False
    assert not (home / "vault.json").exists()
    rq("vault", "set", "b.token", "value-b-999", "--allow-host", "*.corp.io", "--allow-host", "api.x.com")
    rq("vault", "set", "a", "value-a-999")
    table = rq("vault", "list")
    assert table.code == 0 and "value-" not in table.out + table.err
    lines = table.out.splitlines()
    assert lines[0].split() == ["KEY", "SOURCE", "ALLOWED", "HOSTS", "STATUS"]
    assert lines[1].split() == ["a", "local", "any", "ok"]
    assert lines[2].split() == ["b.token", "local", "*.corp.io,api.x.com", "ok"]
    data = rq("vault", "list", "--json")
    assert "value-" not in data.out
    assert [(s["key"], s["source"], s["allow_hosts"], s["status"]) for s in data.json["secrets"]] == [
        ("a", "local", None, "ok"),
        ("b.token", "local", ["*.corp.io", "api.x.com"], "ok"),
    ]


def test_usage_errors_exit_2(rq: Callable[..., Result]) -> None:
    _assert_one_line_error(rq("vault", "set", "bad key", "v"), 2, "invalid vault key")
    _assert_one_line_error(rq("vault", "get", "a/b"), 2, "invalid vault key")
    _assert_one_line_error(rq("vault", "set", "k", "v", "--allow-host", "https://x.com/"), 2, "invalid allowed host")
    _assert_one_line_error(rq("vault", "set", "k", "v", "--allow-host", "a.io", "--any-host"), 2, "cannot be combined")
    assert rq("vault", "set").code == 2
    assert rq("vault", "aws", "no-such-command").code == 2


def test_global_vault_option_and_env(rq: Callable[..., Result], tmp_path: Path) -> None:
    custom = tmp_path / "elsewhere" / "team.json"
    assert rq("--vault", str(custom), "vault", "set", "k", "v1").code == 0
    assert custom.exists()
    assert rq("vault", "get", "k", env={"RQRUN_VAULT": str(custom)}).out == "v1\n"


def _raw_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc, indent=1))


def _swap(doc: dict[str, Any]) -> None:
    a, b = doc["secrets"][0], doc["secrets"][1]
    a["value"], b["value"] = b["value"], a["value"]


def _relabel(doc: dict[str, Any]) -> None:
    doc["secrets"][0]["name"] = "zz"


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-40])


def _newer(doc: dict[str, Any]) -> None:
    doc["version"] = 2


@pytest.mark.parametrize(
    ("case", "needle"),
    [
        ("wrong-passphrase", "wrong passphrase"),
        ("wrong-key", "wrong key"),
        ("swapped", "does not authenticate"),
        ("relabelled", "does not authenticate"),
        ("truncated", "not valid JSON"),
        ("newer", "newer rqrun"),
        ("missing-key-file", "vault.key is missing"),
    ],
)
def test_bad_vaults_exit_5_and_stay_untouched(rq: Callable[..., Result], home: Path, case: str, needle: str) -> None:
    path = home / "vault.json"
    env: dict[str, str] = {}
    if case == "wrong-passphrase":
        env = {"RQRUN_VAULT_PASSPHRASE": "right one"}
    elif case == "wrong-key":
        env = {"RQRUN_VAULT_KEY": _raw_key()}
    assert rq("vault", "set", "a", "secret-aaa", env=env).code == 0
    assert rq("vault", "set", "b", "secret-bbb", env=env).code == 0
    if case == "wrong-passphrase":
        env = {"RQRUN_VAULT_PASSPHRASE": "wrong one"}
    elif case == "wrong-key":
        env = {"RQRUN_VAULT_KEY": _raw_key()}
    elif case == "swapped":
        _edit(path, _swap)
    elif case == "relabelled":
        _edit(path, _relabel)
    elif case == "truncated":
        _truncate(path)
    elif case == "newer":
        _edit(path, _newer)
    elif case == "missing-key-file":
        (home / "vault.key").unlink()
    before = path.read_bytes()
    key = "zz" if case == "relabelled" else "a"
    for args in (("get", key), ("set", "c", "secret-ccc"), ("unset", "b")):
        result = rq("vault", *args, env=env)
        _assert_one_line_error(result, 5, needle, str(path))
        assert "secret-" not in result.err + result.out
        assert path.read_bytes() == before
    if case in {"swapped", "relabelled", "truncated"}:
        assert str(path) + ".bak" in result.err


def test_permission_warning(rq: Callable[..., Result], home: Path) -> None:
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    rq("vault", "set", "a", "1")
    os.chmod(home / "vault.json", 0o640)
    result = rq("vault", "get", "a")
    assert result.code == 0 and "warning:" in result.err and "chmod 0600" in result.err


def test_keyring_backend_in_subprocesses(rq: Callable[..., Result], home: Path, tmp_path: Path) -> None:
    ring = {
        "PYTHON_KEYRING_BACKEND": "vault_fakering.FileKeyring",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(_FAKERING_DIR), os.environ.get("PYTHONPATH")])),
        "FAKE_KEYRING_FILE": str(tmp_path / "ring.json"),
    }
    first = rq("vault", "set", "a", "ring-secret", env=ring)
    assert first.code == 0, first.err
    assert "notice" not in first.err and not (home / "vault.key").exists()
    assert "rqrun" in (tmp_path / "ring.json").read_text()
    assert rq("vault", "get", "a", env=ring).out == "ring-secret\n"
    _assert_one_line_error(rq("vault", "get", "a"), 5, "no usable OS keyring", "unlock the OS keyring")


def test_concurrent_cli_writers(rq: Callable[..., Result], home: Path) -> None:
    """A smaller version of the 4 x 100 unit test, through the real CLI."""
    rq("vault", "set", "seed", "0")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RQRUN_", "PYTHON_KEYRING"))}
    env.update(RQRUN_HOME=str(home), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    script = "; ".join(f"{sys.executable} -m rqrun vault set p{{n}}_{i} v{i} 2>/dev/null" for i in range(5))
    procs = [subprocess.Popen(["sh", "-c", script.replace("{n}", str(n))], env=env) for n in range(4)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    keys = [s["key"] for s in rq("vault", "list", "--json").json["secrets"]]
    assert len(keys) == 21


def test_notices_reach_stderr_once(rq: Callable[..., Result], home: Path) -> None:
    """The library hands notices to the CLI, which prints each once, on stderr, never on stdout."""
    first = rq("vault", "set", "a", "value-aaa")
    assert first.code == 0 and first.out == ""
    assert first.err.count("notice: created") == 1 and first.err.count("rqrun: notice:") == 1
    assert "rqrun: notice:" not in rq("vault", "set", "b", "value-bbb").err
    if os.name == "posix":
        os.chmod(home / "vault.json", 0o644)
        got = rq("vault", "get", "a")
        assert (got.code, got.out) == (0, "value-aaa\n")
        assert got.err.count("chmod 0600") == 1 and got.err.startswith("rqrun: warning:")


# ---- rqrun vault key: a laptop vault that opens in CI -----------------------------------------


def _copy_vault(home: Path, tmp_path: Path) -> Path:
    """The vault file alone, in a fresh RQRUN_HOME (what a CI checkout has): no key file, no keyring."""
    ci_home = tmp_path / "ci-home"
    ci_home.mkdir(mode=0o700)
    (ci_home / "vault.json").write_bytes((home / "vault.json").read_bytes())
    return ci_home


def test_key_add_raw_opens_a_laptop_vault_in_ci(rq: Callable[..., Result], home: Path, tmp_path: Path) -> None:
    assert rq("vault", "set", "apiToken", "tok-laptop-1").code == 0  # a key-file vault, as on a laptop
    added = rq("vault", "key", "add", "--raw")
    assert added.code == 0, added.err
    key = added.out.strip()
    assert added.out == key + "\n" and len(base64.b64decode(key)) == 32  # stdout: the key alone
    assert key not in added.err and "shown once" in added.err and "RQRUN_VAULT_KEY" in added.err
    assert key not in (home / "vault.json").read_text()
    ci_home = _copy_vault(home, tmp_path)
    ci = rq("vault", "get", "apiToken", env={"RQRUN_HOME": str(ci_home), "RQRUN_VAULT_KEY": key})
    assert (ci.code, ci.out) == (0, "tok-laptop-1\n"), ci.err
    _assert_one_line_error(rq("vault", "get", "apiToken", env={"RQRUN_HOME": str(ci_home)}), 5, "vault.key is missing")
    wrong = rq("vault", "get", "apiToken", env={"RQRUN_HOME": str(ci_home), "RQRUN_VAULT_KEY": _raw_key()})
    _assert_one_line_error(wrong, 5, "wrong key")
    listed = rq("vault", "key", "list", "--json").json["slots"]
    assert [s["type"] for s in listed] == ["keyfile", "raw"] and key not in json.dumps(listed)
    table = rq("vault", "key", "list").out.splitlines()
    assert table[0].split()[:3] == ["SLOT", "TYPE", "KEY"] and table[2].split()[:3] == ["2", "raw", listed[1]["key_id"]]


def test_key_add_raw_from_stdin_never_from_argv(rq: Callable[..., Result], home: Path, tmp_path: Path) -> None:
    rq("vault", "set", "a", "value-aaa")
    key = _raw_key()
    before = (home / "vault.json").read_bytes()
    in_argv = rq("vault", "key", "add", "--raw", key)  # refused, and not echoed into a CI log
    _assert_one_line_error(in_argv, 2, "no key or passphrase on the command line")
    assert key not in in_argv.err + in_argv.out and (home / "vault.json").read_bytes() == before
    bad = rq("vault", "key", "add", "--raw", "--stdin", input="not-a-key\n")
    _assert_one_line_error(bad, 2, "not the base64 of 32 bytes")
    assert (home / "vault.json").read_bytes() == before
    piped = rq("vault", "key", "add", "--raw", "--stdin", input=key + "\n")
    assert piped.code == 0 and piped.out == "" and key not in piped.err
    again = rq("vault", "key", "add", "--raw", "--stdin", input=key)  # the same key replaces its slot
    assert again.code == 0 and [s["type"] for s in rq("vault", "key", "list", "--json").json["slots"]] == ["keyfile", "raw"]
    ci_home = _copy_vault(home, tmp_path)
    assert rq("vault", "get", "a", env={"RQRUN_HOME": str(ci_home), "RQRUN_VAULT_KEY": key}).out == "value-aaa\n"


def test_key_add_needs_an_existing_vault_and_one_kind(rq: Callable[..., Result], home: Path) -> None:
    _assert_one_line_error(rq("vault", "key", "add", "--raw"), 5, "does not exist yet")
    assert not (home / "vault.json").exists()
    rq("vault", "set", "a", "1")
    _assert_one_line_error(rq("vault", "key", "add"), 2, "choose one")
    _assert_one_line_error(rq("vault", "key", "add", "--passphrase", "--stdin"), 2, "--stdin goes with --raw")
    _assert_one_line_error(rq("vault", "key", "add", "--passphrase", input=""), 2, "empty passphrase")
    assert [s["type"] for s in rq("vault", "key", "list", "--json").json["slots"]] == ["keyfile"]


def test_key_add_passphrase_and_remove(rq: Callable[..., Result], home: Path, tmp_path: Path) -> None:
    rq("vault", "set", "a", "value-aaa")
    added = rq("vault", "key", "add", "--passphrase", input="correct horse\n")
    assert added.code == 0 and "correct horse" not in added.out + added.err
    removed = rq("vault", "key", "remove", "keyfile")
    assert removed.code == 0 and "removed key slot 1 (keyfile" in removed.err
    path = home / "vault.json"
    before = path.read_bytes()
    # Only the passphrase opens it now; removing a slot needs a key that opens the vault.
    _assert_one_line_error(rq("vault", "key", "remove", "1"), 5, "RQRUN_VAULT_PASSPHRASE")
    env = {"RQRUN_VAULT_PASSPHRASE": "correct horse"}
    _assert_one_line_error(rq("vault", "key", "remove", "passphrase", env=env), 2, "only key slot")
    _assert_one_line_error(rq("vault", "key", "remove", "7", env=env), 2, "no key slot '7'")
    assert path.read_bytes() == before
    ci_home = _copy_vault(home, tmp_path)
    assert rq("vault", "get", "a", env={"RQRUN_HOME": str(ci_home), **env}).out == "value-aaa\n"


def test_key_add_keyring_and_remove_it(rq: Callable[..., Result], home: Path, tmp_path: Path) -> None:
    ring = {
        "PYTHON_KEYRING_BACKEND": "vault_fakering.FileKeyring",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(_FAKERING_DIR), os.environ.get("PYTHONPATH")])),
        "FAKE_KEYRING_FILE": str(tmp_path / "ring.json"),
    }
    rq("vault", "set", "a", "value-aaa")  # no keyring yet: a key file
    _assert_one_line_error(rq("vault", "key", "add", "--keyring"), 5, "no usable OS keyring")
    assert rq("vault", "key", "add", "--keyring", env=ring).code == 0
    assert "vault:" in (tmp_path / "ring.json").read_text()
    (home / "vault.key").rename(tmp_path / "vault.key.away")
    assert rq("vault", "get", "a", env=ring).out == "value-aaa\n"  # the keyring alone opens it
    (tmp_path / "vault.key.away").rename(home / "vault.key")
    assert rq("vault", "key", "remove", "keyring", env=ring).code == 0
    assert "vault:" not in (tmp_path / "ring.json").read_text()  # its key left the keyring too
    assert [s["type"] for s in rq("vault", "key", "list", "--json").json["slots"]] == ["keyfile"]
