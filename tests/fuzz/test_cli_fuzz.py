"""Property tests at the CLI's edge: ``rqrun check`` with hostile collections, environments and data.

``tests/unit/formats/test_formats_properties.py`` already shows each loader alone returns a
model or raises ``InputError``. What it cannot show is what the user sees: here the three inputs
go in together through ``rqrun.cli.main.main`` (the function the ``rqrun`` script calls, with its
one place that turns errors into exit codes), and then the part of ``check`` that comes after
loading: variable scopes built from the fuzzed environment and data, every template rendered
(composite values, cycles, billion-laughs expansions), every script compiled. The contract:

- exit 3 with exactly one ``rqrun: error:`` line on stderr, naming the file at fault (or 2, the
  same way, when ``--env-name`` names an environment the damaged file no longer holds); or
- exit 0, 1, 4 or 5 with the summary line on stdout;
- never any other exception, never a traceback, and within a few seconds.

Most examples run in-process (a subprocess per example would make the suite slow); a few go
through ``python -m rqrun`` to show the same at the process boundary.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rqrun.cli.main import main as rqrun_main

from support.cli import TEST_VAULT_KEY

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
COLLECTION = json.loads((FIXTURES / "requestly" / "export.json").read_text(encoding="utf-8"))
ENVIRONMENTS = json.loads((FIXTURES / "requestly" / "environments.json").read_text(encoding="utf-8"))
OK_CODES = {0, 1, 4, 5}
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A directory for the inputs and an isolated RQRUN_HOME (the check asks the vault about keys)."""
    root = tmp_path_factory.mktemp("cli-fuzz")
    saved = {k: os.environ.get(k) for k in ("RQRUN_HOME", "RQRUN_VAULT_KEY", "RQRUN_VAULT", "NO_COLOR",
                                            "PYTHON_KEYRING_BACKEND")}
    os.environ.update({"RQRUN_HOME": str(root / "home"), "RQRUN_VAULT_KEY": TEST_VAULT_KEY, "NO_COLOR": "1",
                       "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    os.environ.pop("RQRUN_VAULT", None)
    yield root
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def check(*argv: str | Path) -> tuple[int, str, str]:
    """``rqrun check ARGV`` in this process: (exit code, stdout, stderr). Any other exception escapes."""
    out, err = io.StringIO(), io.StringIO()
    code: Any = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rqrun_main(["check", *map(str, argv)])
        except SystemExit as exc:
            code = exc.code
    return int(code or 0), out.getvalue(), err.getvalue()


def assert_contract(code: int, stdout: str, stderr: str, files: list[Path]) -> None:
    """Exit 3 and one line naming a file, or a finished check with its summary."""
    assert "Traceback" not in stdout + stderr
    with contextlib.suppress(Exception):  # outside a hypothesis test there is nowhere to record it
        event(f"exit {code}")
    if code in (2, 3):
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("rqrun: error: "), stderr
        assert any(f.name in lines[0] for f in files), lines[0]
        # 2 only for an --env-name the damaged environment file no longer holds.
        assert code == 3 or "--env-name" in lines[0], lines[0]
    else:
        assert code in OK_CODES, (code, stdout, stderr)
        assert " requests, " in stdout.splitlines()[0], stdout


# --- strategies ----------------------------------------------------------------------------------

names = st.sampled_from(["a", "b", "c", "host", "token", "id", "$guid", "vault:k", "x y", ""]) | st.text(max_size=6)
templates = st.lists(st.one_of(st.text(max_size=8), names.map(lambda n: "{{" + n + "}}")), max_size=6).map("".join)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**64), 2**64), st.floats(), templates,
                    st.text(max_size=30), st.just("\ud800"), st.just("x" * 100_000))
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["key", "value", "values", "name", "type", "enabled", "isEnabled", "variables",
                         "syncValue", "localValue", "records", "data", "request", "url", "scripts"]) | st.text(max_size=5),
        children, max_size=4),
    max_leaves=15,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.extend(_paths(value, (*prefix, i)))
    return out


def _replaced(doc: Any, data: st.DataObject) -> Any:
    """A deep copy of ``doc`` with one node, chosen anywhere, replaced by random JSON."""
    doc = copy.deepcopy(doc)
    path = data.draw(st.sampled_from(_paths(doc)), label="path")
    value = data.draw(json_values, label="value")
    if not path:
        return value
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return doc


def _dump(value: Any) -> str:
    return json.dumps(value, allow_nan=True)


# --- properties ------------------------------------------------------------------------------------

@SETTINGS
@given(data=st.data(), which=st.sampled_from(["collection", "environment", "data"]))
def test_one_input_damaged_the_others_valid(workdir: Path, data: st.DataObject, which: str) -> None:
    """Three inputs at once: the damaged one, if anything, is the one the error names."""
    collection, environment, rows = workdir / "c.json", workdir / "env.json", workdir / "rows.json"
    docs = {"collection": COLLECTION, "environment": ENVIRONMENTS, "data": [{"id": "1", "name": "n"}]}
    docs[which] = _replaced(docs[which], data)
    for path, key in ((collection, "collection"), (environment, "environment"), (rows, "data")):
        path.write_text(_dump(docs[key]), encoding="utf-8", errors="surrogatepass")
    env_args = ["--env-name", "Staging"]
    code, out, err = check(collection, "-e", environment, *env_args, "-d", rows)
    target = {"collection": collection, "environment": environment, "data": rows}[which]
    assert_contract(code, out, err, [target])


@SETTINGS
@given(env=st.dictionaries(names.filter(bool), templates | scalars, max_size=8), url=templates,
       headers=st.lists(st.tuples(templates, templates), max_size=3))
def test_variables_that_refer_to_each_other(workdir: Path, env: dict[str, Any], url: str,
                                            headers: list[tuple[str, str]]) -> None:
    """Composite values, cycles and self-references in a flat environment always finish rendering."""
    collection = workdir / "vars.json"
    record = {
        "id": "r", "name": "R", "type": "api", "collectionId": "c", "deleted": False,
        "data": {"type": "http", "request": {
            "url": "http://127.0.0.1:9/" + url, "method": "GET", "queryParams": [], "body": None,
            "headers": [{"id": i, "key": k, "value": v, "isEnabled": True} for i, (k, v) in enumerate(headers)],
        }},
    }
    folder = {"id": "c", "name": "C", "type": "collection", "collectionId": "", "deleted": False, "data": {}}
    collection.write_text(json.dumps({"schema_version": "1.0.0", "records": [folder, record]}), encoding="utf-8")
    environment = workdir / "flat-env.json"
    environment.write_text(_dump(env), encoding="utf-8", errors="surrogatepass")
    code, out, err = check(collection, "-e", environment)
    assert_contract(code, out, err, [environment, collection])


def test_billion_laughs_environment_stops(workdir: Path) -> None:
    """Each value doubles the one before: rendering must give up, not build a 2**40-long string."""
    env = {"v0": "lol"} | {f"v{i}": "{{v%d}}{{v%d}}" % (i - 1, i - 1) for i in range(1, 41)}
    collection = workdir / "laughs.json"
    collection.write_text(json.dumps({"schema_version": "1.0.0", "records": [
        {"id": "c", "name": "C", "type": "collection", "collectionId": "", "deleted": False, "data": {}},
        {"id": "r", "name": "R", "type": "api", "collectionId": "c", "deleted": False,
         "data": {"type": "http", "request": {"url": "http://127.0.0.1:9/{{v40}}", "method": "GET"}}},
    ]}), encoding="utf-8")
    environment = workdir / "laughs-env.json"
    environment.write_text(json.dumps(env), encoding="utf-8")
    code, out, err = check(collection, "-e", environment)
    assert_contract(code, out, err, [environment])


@SETTINGS
@given(source=st.text(max_size=200) | st.sampled_from([
    "def f(:\n", "x = (" * 200, "\x00", "import os", "rq.test(", "class A: pass", "\ud800", "  indented",
    "try:\n    pass\nexcept* E:\n    pass", "'" * 3, "async def f(): pass", "x = 1\n" * 5000,
]))
def test_scripts_that_do_not_compile(workdir: Path, source: str) -> None:
    """Any script text: check reports it (exit 4) or accepts it, and never dies compiling it."""
    collection = workdir / "scripts.json"
    folder = {"id": "c", "name": "C", "type": "collection", "collectionId": "", "deleted": False,
              "data": {"scripts": {"preRequest": source[::-1], "postResponse": ""}}}
    record = {"id": "r", "name": "R", "type": "api", "collectionId": "c", "deleted": False,
              "data": {"type": "http", "request": {"url": "http://127.0.0.1:9/", "method": "GET"},
                       "scripts": {"preRequest": source, "postResponse": source + "\n" + source}}}
    doc = {"schema_version": "1.0.0", "records": [folder, record]}
    collection.write_text(json.dumps(doc), encoding="utf-8", errors="surrogatepass")
    code, out, err = check(collection)
    assert_contract(code, out, err, [collection])
    assert code in (0, 3, 4), (code, out, err)  # nothing else to resolve: it is about the scripts
    if code == 4:
        assert "\nscript " in out, out


@pytest.mark.parametrize("which", ["collection", "environment", "data"])
@pytest.mark.parametrize("content", [
    b"", b"\xef\xbb\xbf", b"\xff\xfe\x00{", b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000,
    b'"' + b"x" * 5_000_000 + b'"', b"null", b"[]", b"{}", b"\x00" * 64, b'{"records": [' + b"{}," * 20_000 + b"{}]}",
], ids=["empty", "bom", "utf16", "deep-array", "deep-object", "huge-string", "null", "list", "object", "nul",
        "many-records"])
def test_hostile_bytes_in_each_input(workdir: Path, which: str, content: bytes) -> None:
    """Truncated, deeply nested, huge or wrongly encoded files: exit 3 naming the file, or a valid result."""
    collection, environment, rows = workdir / "hc.json", workdir / "he.json", workdir / "hd.json"
    collection.write_text(json.dumps(COLLECTION), encoding="utf-8")
    environment.write_text(json.dumps({"k": "v"}), encoding="utf-8")
    rows.write_text(json.dumps([{"a": "1"}]), encoding="utf-8")
    target = {"collection": collection, "environment": environment, "data": rows}[which]
    target.write_bytes(content)
    code, out, err = check(collection, "-e", environment, "-d", rows)
    assert_contract(code, out, err, [target])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_the_real_process_says_the_same(workdir: Path, data: st.DataObject, cli_env: dict[str, str]) -> None:
    """A few damaged collections through ``python -m rqrun check``: exit code and stderr as in-process."""
    collection = workdir / "proc.json"
    collection.write_text(_dump(_replaced(COLLECTION, data)), encoding="utf-8", errors="surrogatepass")
    proc = subprocess.run([sys.executable, "-m", "rqrun", "check", str(collection)], capture_output=True,
                          text=True, env=cli_env, timeout=60, stdin=subprocess.DEVNULL)
    assert_contract(proc.returncode, proc.stdout, proc.stderr, [collection])
    in_code, _, in_err = check(collection)
    assert proc.returncode == in_code
    if in_code == 3:
        assert proc.stderr == in_err
