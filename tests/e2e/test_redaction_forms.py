"""Redaction of the forms rqrun itself produces, through the real CLI with every output on.

Each case is one the issue found leaking: an AWS-style key in a query string (rqrun keeps ``/``
and sends ``+`` as ``%2B``), a secret in the URL path (httpx percent-encodes it), a PEM key
(printed line by line, echoed with other line ends), a value with both quote kinds (repr
escapes one), a 64 KB secret (the redactor used to recurse per character: exit 1, no
reports), and secrets cut before they reached the redactor (a body at its size limit, a test
name or assertion message shortened by the script sandbox). Each run must end with its normal
exit code and no output may hold the secret in any form.
"""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path
from urllib.parse import quote

import pytest

from rqrun.redact import MASK

from support.build import api, folder, rows, write_collection
from support.leaks import find_leaks, output_views
from support.servers import Reply

AWS_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
PEM = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(
    base64.b64encode(random.Random(i).randbytes(48)).decode() for i in range(26)
) + "\n-----END PRIVATE KEY-----"
BOTH_QUOTES = "it's a \"quoted\" s3cret"
BIG = "".join(random.Random(64).choices("abcdefXYZ0123456789/+= \n'\"é€", k=65_536))

OUTPUTS = ("r.json", "r.xml", "r.html", "env-out.json", "globals-out.json", "cookies.txt")


def echo(req):
    """The request summary as JSON, plus a cookie and a header built from what arrived."""
    seen = req.header("X-Secret") or req.arg("q") or ""
    headers = [("Content-Type", "application/json")]
    if seen and len(seen) < 2000:
        headers += [("Set-Cookie", f"seen={quote(seen, safe='')}; Path=/"), ("X-Seen", quote(seen, safe=""))]
    return Reply(200, headers, json.dumps(req.summary()).encode())


def run_everything(run_cli, tmp_path: Path, *records, env: Path | None = None):
    """``rqrun run`` with cli, json, junit and html on and every export written."""
    collection = write_collection(tmp_path / "c.json", *records)
    args = [
        "run", collection,
        "--reporters", "cli,json,junit,html",
        "--reporter-json-export", tmp_path / "r.json",
        "--reporter-junit-export", tmp_path / "r.xml",
        "--reporter-html-export", tmp_path / "r.html",
        "--export-environment", tmp_path / "env-out.json",
        "--export-globals", tmp_path / "globals-out.json",
        "--export-cookie-jar", tmp_path / "cookies.txt",
    ]
    if env is not None:
        args += ["-e", env]
    result = run_cli(*args)
    views = output_views([tmp_path / name for name in OUTPUTS], [result.stdout, result.stderr])
    return result, views


def set_secret(run_cli, key: str, value: str) -> None:
    assert run_cli("vault", "set", key, "-", input=value).code == 0


def test_an_aws_key_in_a_query_string_is_masked_as_rqrun_encodes_it(run_cli, tmp_path, recording_server):
    set_secret(run_cli, "aws", AWS_SECRET)
    recording_server.handle("/s3", echo)
    post = "rq.test('the server saw the key', lambda: rq.expect(rq.response.json()['query'][0][1]).to.equal(rq.vault.get('aws')))"
    result, views = run_everything(
        run_cli, tmp_path,
        folder("c", "AWS", variables={"base": recording_server.url}),
        api("r", "Signed", "c", "{{base}}/s3", query=rows(("q", "{{vault:aws}}")), post=post),
    )
    assert result.code == 0, result
    sent = recording_server.requests.last
    assert sent.arg("q") == AWS_SECRET
    assert "wJalrXUtnFEMI/K7MDENG%2BbPxRfiCYEXAMPLEKEY" in sent.raw_path  # the form that used to leak
    assert find_leaks(views, AWS_SECRET) == []
    assert f"/s3?q={MASK}" in result.stdout


def test_a_secret_in_the_url_path_is_masked_as_httpx_encodes_it(run_cli, tmp_path, recording_server):
    secret = "p@th secret/ü+[x]{y}"
    set_secret(run_cli, "seg", secret)
    recording_server.handle("/users/*", echo)
    result, views = run_everything(
        run_cli, tmp_path,
        folder("c", "API", variables={"base": recording_server.url}),
        api("r", "By path", "c", "{{base}}/users/{{vault:seg}}/profile"),
    )
    assert result.code == 0, result
    assert recording_server.requests.last.raw_path == "/users/p@th%20secret/%C3%BC+[x]%7By%7D/profile"
    assert find_leaks(views, secret) == []


def test_a_pem_key_is_masked_whole_collapsed_and_line_by_line(run_cli, tmp_path, recording_server):
    set_secret(run_cli, "pem", PEM)
    recording_server.handle("/sign", lambda req: Reply(
        200, [("Content-Type", "text/plain")], req.body.replace(b"\n", b"\r\n")  # other line ends
    ))
    post = "\n".join([
        "key = rq.vault.get('pem')",
        "for line in key.splitlines():",
        "    print(line)",
        "print(' '.join(key.split()))",
        "rq.test('key echoed', lambda: rq.expect(rq.response.text()).to.include('BEGIN PRIVATE KEY'))",
    ])
    result, views = run_everything(
        run_cli, tmp_path,
        folder("c", "Keys", variables={"base": recording_server.url}),
        api("r", "Sign", "c", "{{base}}/sign", method="POST", body="{{vault:pem}}", post=post),
    )
    assert result.code == 0, result
    assert recording_server.requests.last.text == PEM
    assert find_leaks(views, PEM) == []
    body_lines = PEM.splitlines()[1:-1]
    for view in views.values():
        assert not any(line in view for line in body_lines)


def test_a_value_with_both_quote_kinds_is_masked_in_repr_and_json(run_cli, tmp_path, recording_server):
    env = tmp_path / "env.json"
    env.write_text(json.dumps({"name": "env", "values": [
        {"key": "token", "value": BOTH_QUOTES, "type": "secret", "enabled": True},
    ]}))
    recording_server.handle("/q", echo)
    post = "\n".join([
        "t = rq.environment.get('token')",
        "print(repr(t), [t], {'token': t})",
        "print(repr('say \"hi\" ' + t))",
        "rq.environment.set('copied', t)",
        "rq.test('echoed', lambda: rq.expect(rq.response.json()['headers']).to.exist)",
    ])
    result, views = run_everything(
        run_cli, tmp_path,
        folder("c", "Quotes", variables={"base": recording_server.url}),
        api("r", "Quoted", "c", "{{base}}/q", headers=rows(("X-Secret", "{{token}}")), method="POST",
            body='{"t": "{{token}}"}', content_type="application/json", post=post),
        env=env,
    )
    assert result.code == 0, result
    assert recording_server.requests.last.header("X-Secret") == BOTH_QUOTES
    assert find_leaks(views, BOTH_QUOTES) == []
    exported = json.loads(views["env-out.json"])
    assert {v["key"]: v["value"] for v in exported["values"]}["copied"] == MASK


def test_a_64_kb_secret_completes_the_run_with_every_report_and_leaks_nothing(run_cli, tmp_path, recording_server):
    set_secret(run_cli, "big", BIG)
    recording_server.handle("/big", echo)
    post = "\n".join([
        "v = rq.vault.get('big')",
        "print(v)",
        "rq.test('server got all of it', lambda: rq.expect(len(rq.response.json()['body'])).to.equal(len(v)))",
    ])
    result, views = run_everything(
        run_cli, tmp_path,
        folder("c", "Big", variables={"base": recording_server.url}),
        api("r", "Upload", "c", "{{base}}/big", method="POST", body="{{vault:big}}", post=post),
    )
    assert result.code == 0, result
    assert "Traceback" not in result.stderr
    assert recording_server.requests.last.text == BIG
    assert json.loads(views["r.json"])["complete"] is True
    assert find_leaks(views, BIG) == []


def test_a_secret_cut_by_the_body_limit_leaves_no_prefix(run_cli, tmp_path, recording_server):
    secret = "cut-secret-" + "".join(random.Random(1).choices("abcdef0123456789", k=1000))
    set_secret(run_cli, "tok", secret)
    # The reports keep the first 1,000,000 characters of a body: the secret straddles that limit.
    filler = "." * (1_000_000 - 400)
    recording_server.respond("/dump", body=(filler + secret + "tail").encode(), headers={"Content-Type": "text/plain"})
    result, views = run_everything(
        run_cli, tmp_path,
        folder("c", "Dump", variables={"base": recording_server.url}),
        api("r", "Dump", "c", "{{base}}/dump", headers=rows(("X-Token", "{{vault:tok}}"))),
    )
    assert result.code == 0, result
    body = result.json["executions"][0]["response"]["body"]
    assert body == filler + MASK
    assert find_leaks(views, secret) == []
    for view in views.values():
        assert secret[:40] not in view


def test_a_secret_shortened_by_the_script_sandbox_leaves_no_prefix(run_cli, tmp_path, recording_server):
    secret = "clip-secret-" + "".join(random.Random(2).choices("ghijkl456789", k=1200))
    set_secret(run_cli, "clip", secret)
    recording_server.respond("/x", body={"ok": True})
    post = "\n".join([
        "s = rq.vault.get('clip')",
        "rq.test('n' * 900 + s, lambda: None)",  # the name is cut at 1,000 characters
        "rq.test('compare', lambda: rq.expect(s).to.equal('other'))",  # the value is cut at 120
    ])
    result, views = run_everything(
        run_cli, tmp_path,
        folder("c", "Clip", variables={"base": recording_server.url}),
        api("r", "Clip", "c", "{{base}}/x", post=post),
    )
    assert result.code == 1, result  # the failing comparison, nothing else
    tests = result.json["executions"][0]["tests"]
    assert tests[0]["name"] == "n" * 900 + MASK + "..."
    assert tests[1]["error"].startswith(f"expected '{MASK}...")
    assert find_leaks(views, secret) == []
    for view in views.values():
        assert secret[:20] not in view


# -- the URL encodings scripts and servers use (red-team finding 5) -----------------------------
#
# Written out here, not taken from rqrun.redact: Python's quote() (``/`` kept), quote_plus (also
# with ``/`` kept, as urlencode(safe="/") does), JavaScript's encodeURIComponent and encodeURI,
# and URLSearchParams / HTML form encoding (``*`` kept, ``~`` encoded, space as ``+``).

URL_SECRETS = {
    "punctuation": "Sk/ab+cd=ef gh!i*j'(k)~&z",
    "non-ascii": "pässwörd (2024) ~ *!/ñ",
    "path-like": "/v1/secret/a+b=c?d#e f",
}


def _percent(text: str, keep: str) -> str:
    out = []
    for ch in text:
        if ch.isascii() and (ch.isalnum() or ch in keep):
            out.append(ch)
        else:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
    return "".join(out)


def url_forms(secret: str) -> dict[str, str]:
    """Each encoding a script or a server commonly applies, by name."""
    return {
        "quote": _percent(secret, "-_.~/"),
        "quote_plus": _percent(secret, "-_.~ ").replace(" ", "+"),
        "quote_plus keeping /": _percent(secret, "-_.~/ ").replace(" ", "+"),
        "encodeURIComponent": _percent(secret, "-_.!~*'()"),
        "encodeURI": _percent(secret, "-_.!~*'();/?:@&=+$,#"),
        "URLSearchParams": _percent(secret, "-_.* ").replace(" ", "+"),
    }


def url_echo(req):
    """Answers with the secret that arrived as the body, in every form of :func:`url_forms`."""
    seen = req.text
    forms = url_forms(seen)
    headers = [("Content-Type", "application/json"), ("X-Encoded", forms["encodeURIComponent"]),
               ("Location", "/next?s=" + forms["quote"])]
    return Reply(200, headers, json.dumps({"forms": forms, "text": " ".join(forms.values())}).encode())


def _assert_no_url_form(views: dict[str, str], secret: str) -> None:
    for name, form in url_forms(secret).items():
        assert form != secret  # each secret really is changed by each encoding
        holding = [label for label, text in views.items() if form in text]
        assert holding == [], f"{name} form {form!r} in {holding}"


@pytest.mark.parametrize("secret", list(URL_SECRETS.values()), ids=list(URL_SECRETS))
def test_url_encoded_forms_echoed_by_a_server_are_masked_in_every_output(run_cli, tmp_path, recording_server, secret):
    set_secret(run_cli, "k", secret)
    recording_server.handle("/echo", url_echo)
    post = "\n".join([
        "body = rq.response.json()",
        "print(body['text'])",
        "for name, form in body['forms'].items():",
        "    rq.test('form ' + form, lambda: rq.expect(form).to.equal(name))",  # fails: message holds it
        "rq.environment.set('echoed', body['text'])",
        "rq.globals.set('header', rq.response.headers.get('X-Encoded'))",
    ])
    result, views = run_everything(
        run_cli, tmp_path,
        folder("c", "Echo", variables={"base": recording_server.url}),
        api("r", "Echo", "c", "{{base}}/echo", method="POST", body="{{vault:k}}", post=post),
    )
    assert result.code == 1, result  # the tests fail on purpose: their names and messages hold the forms
    assert recording_server.requests.last.text == secret
    _assert_no_url_form(views, secret)
    assert find_leaks(views, secret) == []


@pytest.mark.parametrize("secret", list(URL_SECRETS.values()), ids=list(URL_SECRETS))
def test_url_encoded_forms_printed_by_a_script_are_masked_in_every_output(run_cli, tmp_path, recording_server, secret):
    set_secret(run_cli, "k", secret)
    pre = "\n".join([
        "from urllib.parse import quote, quote_plus, urlencode",
        "s = rq.vault.get('k')",
        "print(quote(s))",
        "print(quote_plus(s), quote_plus(s, safe='/'))",
        "print(quote(s, safe=\"!*'()\"))",
        "print(urlencode({'a': s}, safe='/'))",
        "rq.environment.set('q', quote(s))",
        "rq.globals.set('c', quote(s, safe=\"!*'()\"))",
        "rq.test('quoted ' + quote(s), lambda: rq.expect(quote(s)).to.equal(1))",
    ])
    result, views = run_everything(
        run_cli, tmp_path,
        folder("c", "Print", variables={"base": recording_server.url}),
        api("r", "Print", "c", "{{base}}/p", pre=pre),
    )
    assert result.code == 1, result
    assert len(recording_server.requests) == 1
    for name in ("quote", "quote_plus", "quote_plus keeping /", "encodeURIComponent"):
        form = url_forms(secret)[name]
        holding = [label for label, text in views.items() if form in text]
        assert holding == [], f"{name} form {form!r} in {holding}"
    assert find_leaks(views, secret) == []
