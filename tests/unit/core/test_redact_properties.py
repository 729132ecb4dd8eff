"""Redaction of the final bytes, as a property: whatever the secret, no output holds any form of it.

A whole run through the library (``rqrun.run``) against a local echo server, with the cli, json,
junit and html reporters, the exported environment, globals and cookie jar. The secret (any
Unicode, quotes, line breaks, controls, 4 to 65,536 characters) is a vault value or a
secret-typed environment variable, and goes into the URL path and query, a header, three kinds
of body, and from a script into the console, test names, assertion and error messages and
variables. The server echoes all of it back, percent-encoded and JSON-escaped, and sets it in a
cookie. Every output, read raw and decoded, must hold neither the secret nor any of its
:func:`rqrun.redact.encoded_forms`.

Secrets start with a fixed marker so that a short one cannot occur by chance in an output (a
secret under four characters is masked only as a whole value, by design).
"""

from __future__ import annotations

import io
import json
import os
import random
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import rqrun

from support.build import api, folder, rows, write_collection
from support.cli import TEST_VAULT_KEY
from support.leaks import find_leaks, output_views
from support.servers import RecordingServer, Reply

MARKER = "Zq7"  # not hex, not an escape letter: no escape sequence can end in it

# Characters that every encoder and sink treats specially.
HOSTILE = list("'\"\\\n\r\t /+=%&?#;,:@<>{}`|^[]~*") + ["\x00", "\x1b", "\x7f", "\x85", "é", "€", "\U0001f600", "\u2028", "\ufeff"]


def _long_text(seed: int, length: int, alphabet: str) -> str:
    rng = random.Random(seed)
    return "".join(rng.choices(alphabet, k=length))


_ANY_CHAR = st.characters(blacklist_categories=("Cs",))  # lone surrogates cannot be sent or stored
_bodies = st.one_of(
    st.text(_ANY_CHAR, min_size=1, max_size=40),
    st.text(st.sampled_from(HOSTILE) | _ANY_CHAR, min_size=1, max_size=300),
    st.builds(
        _long_text,
        seed=st.integers(0, 2**32),
        length=st.integers(1_000, 65_536 - len(MARKER)),
        alphabet=st.text(st.sampled_from(HOSTILE) | _ANY_CHAR, min_size=1, max_size=30).map(lambda a: a + "A/+"),
    ),
)
SECRETS = _bodies.map(lambda body: MARKER + body)

PEM = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(
    _long_text(3, 64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(25)
) + "\n-----END PRIVATE KEY-----\n"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    """An echo server and an environment where the library finds the test vault key."""
    home = tmp_path_factory.mktemp("rqrun-home")
    with pytest.MonkeyPatch.context() as mp, RecordingServer() as server:
        mp.setenv("RQRUN_HOME", str(home))
        mp.setenv("RQRUN_VAULT_KEY", TEST_VAULT_KEY)
        mp.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
        mp.delenv("RQRUN_VAULT_PASSPHRASE", raising=False)
        yield server, tmp_path_factory


def _echo_with_cookie(secret: str):
    encoded = quote(secret, safe="")

    def handler(req):
        headers = [("Content-Type", "application/json")]
        if len(encoded) < 4000:  # a response header line has a size limit
            headers += [("Set-Cookie", f"sec={encoded}; Path=/"), ("X-Echo", encoded)]
        return Reply(200, headers, json.dumps(req.summary()).encode())

    return handler


def _script(getter: str) -> str:
    return "\n".join([
        f"s = {getter}",
        "console.log(s)",
        "print(repr(s))",
        "print([s, {'k': s}])",
        "print('line by line:')",
        "for line in s.splitlines():",
        "    print(line)",
        "rq.environment.set('copy', s)",
        "rq.globals.set('gcopy', s)",
        "rq.test('named ' + s, lambda: None)",
        "rq.test('compares', lambda: rq.expect(s).to.equal('something else'))",
        "def boom():",
        "    raise ValueError('bad value ' + s)",
        "rq.test('raises', boom)",
        "raise RuntimeError('script failed with ' + s)",
    ])


def _collection(path: Path, base: str, ref: str, getter: str) -> Path:
    t = "{{" + ref + "}}"
    return write_collection(
        path,
        folder("c", "Leaks", variables={"base": base}),
        api("p", "in the path", "c", "{{base}}/path/" + t),
        api("q", "in the query", "c", "{{base}}/query?raw=" + t, query=rows(("q", t), (t, "as key"))),
        api("h", "in a header", "c", "{{base}}/header", headers=rows(("X-Secret", t), ("X-Wrapped", "a " + t + " b"))),
        api("b", "in a text body", "c", "{{base}}/text", method="POST", body="before " + t + " after"),
        api("j", "in a JSON body", "c", "{{base}}/json", method="POST", body='{"s": "' + t + '"}',
            content_type="application/json"),
        api("f", "in a form body", "c", "{{base}}/form", method="POST", body=rows(("s", t)),
            content_type="application/x-www-form-urlencoded"),
        api("s", "in scripts", "c", "{{base}}/script", post=_script(getter)),
    )


def _run_and_collect(server: RecordingServer, tmp: Path, secret: str, mode: str) -> tuple[dict[str, str], object]:
    env_file = tmp / "env.json"
    vault_path = tmp / "vault.json"
    values = [{"key": "plain", "value": "visible", "type": "default", "enabled": True}]
    if mode == "vault":
        from rqrun.vault import close_all, open_vault

        open_vault(str(vault_path)).set("k", secret)
        close_all()
        ref, getter = "vault:k", "rq.vault.get('k')"
    else:
        ref, getter = "sec", "rq.environment.get('sec')"
        values.append({"key": "sec", "value": secret, "type": "secret", "enabled": True})
    env_file.write_text(json.dumps({"name": "env", "values": values}), encoding="utf-8")
    server.reset()
    server.handle("/*", _echo_with_cookie(secret))
    collection = _collection(tmp / "c.json", server.url, ref, getter)
    files = {
        "json": tmp / "r.json", "junit": tmp / "r.xml", "html": tmp / "r.html",
        "env": tmp / "env-out.json", "globals": tmp / "globals-out.json", "cookies": tmp / "cookies.txt",
    }
    out, err = io.StringIO(), io.StringIO()
    options = rqrun.RunOptions(
        str(collection),
        environment=str(env_file),
        vault_path=str(vault_path),
        reporters=("cli", "json", "junit", "html"),
        reporter_options={
            "json": {"export": str(files["json"])},
            "junit": {"export": str(files["junit"])},
            "html": {"export": str(files["html"])},
        },
        export_environment=str(files["env"]),
        export_globals=str(files["globals"]),
        export_cookie_jar=str(files["cookies"]),
        timeout_request_ms=10_000,
    )
    try:
        result = rqrun.run(options, out=out, err=err)
    finally:
        from rqrun.vault import close_all

        close_all()
    return output_views(files.values(), [out.getvalue(), err.getvalue()]), result


@settings(
    max_examples=int(os.environ.get("RQRUN_REDACTION_EXAMPLES", "8")),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(secret=SECRETS, mode=st.sampled_from(["vault", "env"]))
@example(secret=MARKER + "AKIAxx/wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", mode="vault")
@example(secret=MARKER + PEM, mode="vault")
@example(secret=MARKER + "it's a \"quoted\" value\\ with both", mode="env")
@example(secret=MARKER + "x" * 400 + "\x00\x1b[2J\U0001f600\r\n", mode="env")
@example(secret=MARKER + _long_text(7, 65_536 - len(MARKER), "abc/+= \n'\"é"), mode="vault")
def test_no_output_holds_any_form_of_a_secret(world, secret: str, mode: str) -> None:
    server, factory = world
    views, result = _run_and_collect(server, factory.mktemp("run"), secret, mode)
    assert find_leaks(views, secret) == []
    report = json.loads(views["r.json"])
    assert report["complete"] is True
    errors = [e["error"] for e in report["executions"] if e["error"]]
    assert result.exit_code in (1, 4), errors  # failing tests, or a request errors
    assert "visible" in views["env-out.json"]  # ordinary values stay readable
