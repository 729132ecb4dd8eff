"""The redactor: every form of a secret masked, longest first, fast on large texts."""

from __future__ import annotations

import base64
import contextlib
import inspect
import json
import random
import string
import sys
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rqrun.redact import MASK, Redactor, encoded_forms, html_safe, mask_header, one_line, xml_safe


def test_longest_secret_wins():
    r = Redactor(["abcd", "abcdef"])
    assert r.redact("xx abcdefg abcd abc") == f"xx {MASK}g {MASK} abc"


def test_encoded_forms_are_masked():
    secret = 'p@ss wörd/"x"'
    r = Redactor([secret])
    for form in (secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]):
        assert secret not in r.redact(f"before {form} after")
        assert MASK in r.redact(f"before {form} after")


def test_short_secrets_only_as_whole_values():
    r = Redactor(["abc"])
    assert r.redact("abc") == MASK
    assert r.redact("abcdef") == "abcdef"


def test_sensitive_headers_keep_their_scheme():
    assert mask_header("Authorization", "Bearer xyz") == f"Bearer {MASK}"
    assert mask_header("authorization", "Basic eHl6") == f"Basic {MASK}"
    assert mask_header("X-API-Key", "k") == MASK
    assert mask_header("Accept", "text/plain") == "text/plain"


def test_basic_credentials_derived_from_a_secret_are_registered():
    r = Redactor(["s3cret-value"])
    encoded = base64.b64encode(b"user:s3cret-value").decode()
    r.add_header_credentials([("Authorization", "Basic " + encoded), ("Accept", "x")])
    assert encoded not in r.redact(f'echo {{"auth": "Basic {encoded}"}}')
    assert "user:s3cret-value" not in r.redact("user:s3cret-value")


def test_credentials_without_a_secret_are_left_alone():
    r = Redactor(["unrelated-secret"])
    r.add_header_credentials([("Authorization", "Bearer plain-login-token")])
    assert r.redact("plain-login-token") == "plain-login-token"


def test_redact_obj_walks_keys_and_values():
    r = Redactor(["topsecret"])
    assert r.redact_obj({"topsecret": ["a topsecret b", 1, None]}) == {MASK: [f"a {MASK} b", 1, None]}


@settings(max_examples=200, deadline=None)
@given(
    secrets=st.lists(st.text(alphabet="abcdef\"/% é", min_size=4, max_size=12), min_size=1, max_size=5),
    noise=st.text(alphabet="xyz\n", max_size=50),
)
def test_no_registered_secret_survives(secrets, noise):
    r = Redactor(secrets)
    out = r.redact(noise + " | ".join(secrets) + noise)
    for secret in secrets:
        assert secret not in out


def test_one_megabyte_with_a_hundred_secrets_is_redacted():
    rng = random.Random(7)
    secrets = ["".join(rng.choice(string.ascii_letters) for _ in range(24)) for _ in range(100)]
    r = Redactor(secrets)
    text = "".join(rng.choice(string.ascii_letters + " \n") for _ in range(1_000_000)) + secrets[3]
    r.redact("warm")
    out = r.redact(text)
    assert secrets[3] not in out


# -- encoded_forms: every form rqrun itself gives a secret -------------------------------------

AWS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def test_forms_include_rqruns_own_query_encoding_and_the_common_ones():
    from rqrun.prepare import encode_form, encode_query

    forms = encoded_forms(AWS_KEY)
    assert AWS_KEY in forms
    assert "wJalrXUtnFEMI/K7MDENG%2BbPxRfiCYEXAMPLEKEY" in forms  # "/" kept, "+" as %2B
    assert encode_query([("k", AWS_KEY)])[2:] in forms
    assert encode_query([(AWS_KEY, None)]) in forms
    assert encode_form([("k", AWS_KEY)])[2:] in forms
    assert quote(AWS_KEY, safe="") in forms and quote_plus(AWS_KEY) in forms


def test_forms_include_the_url_encodings_scripts_and_servers_use():
    secret = "Sk/ab+cd=ef gh!i*j'(k)~é&z"
    forms = encoded_forms(secret)
    assert "Sk/ab%2Bcd%3Def%20gh%21i%2Aj%27%28k%29~%C3%A9%26z" in forms  # quote(): "/" kept
    assert "Sk/ab%2Bcd%3Def+gh%21i%2Aj%27%28k%29~%C3%A9%26z" in forms  # quote_plus(safe="/")
    assert "Sk%2Fab%2Bcd%3Def%20gh!i*j'(k)~%C3%A9%26z" in forms  # encodeURIComponent
    assert "Sk/ab+cd=ef%20gh!i*j'(k)~%C3%A9&z" in forms  # encodeURI
    assert "Sk%2Fab%2Bcd%3Def+gh%21i*j%27%28k%29%7E%C3%A9%26z" in forms  # URLSearchParams
    assert "Sk%2Fab%2Bcd%3Def%20gh!i*j\\'(k)~%C3%A9%26z" in forms  # encodeURIComponent, repr-escaped


def test_forms_include_json_repr_and_bytes_repr_escaping():
    secret = "it's a \"both quotes\" \\ value é😀\n"
    forms = encoded_forms(secret)
    assert json.dumps(secret)[1:-1] in forms
    assert json.dumps(secret, ensure_ascii=False)[1:-1] in forms
    assert repr(secret)[1:-1] in forms
    assert "it\\'s a \"both quotes\"" in repr("say \"hi\" " + secret)
    assert any(f in repr("say \"hi\" " + secret) for f in forms if len(f) > 20)  # quoted by '
    assert any(f in repr({"k": [secret]}) for f in forms if len(f) > 20)
    assert repr(secret.encode("utf-8"))[2:-1] in forms  # h11: Illegal header value b'...'


def test_forms_include_each_sinks_shape_and_the_lines_of_a_multi_line_secret():
    pem = "-----BEGIN KEY-----\r\n" + "\n".join(["A" * 64, "b+/=" * 16, "short"]) + "\n-----END KEY-----"
    forms = encoded_forms(pem)
    assert " ".join(pem.split()) in forms  # whitespace collapsed (script messages)
    assert one_line(pem) in forms and "\n" not in one_line(pem)
    assert "A" * 64 in forms and "b+/=" * 16 in forms  # each long line on its own
    assert "short" not in forms  # a short line would mask ordinary words everywhere
    control = "ab\x1bcd\x00ef\x85gh\tij"
    forms = encoded_forms(control)
    assert {one_line(control), xml_safe(control), html_safe(control)} <= forms
    assert "abcdefgh ij" in forms and "ab\ufffdcd\ufffdef\x85gh\tij" in forms


path_secrets = st.text(
    alphabet=st.sampled_from(list("aZ09-._~!$&'()*+,;=:@/%2Fé€😀 \"<>`{}|\\^[]")), min_size=1, max_size=30
).filter(lambda s: not {".", ".."} & set(s.split("/")))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(secret=path_secrets)
def test_forms_include_what_httpx_puts_in_a_path_and_a_query(secret):
    import httpx

    from rqrun.prepare import encode_query

    forms = encoded_forms(secret)
    assert httpx.URL("http://h/p/" + secret).raw_path.decode("ascii")[len("/p/"):] in forms
    assert httpx.URL("http://h/p?q=" + secret).raw_path.decode("ascii")[len("/p?q="):] in forms
    sent = httpx.URL("http://h/p?" + encode_query([("q", secret)])).raw_path.decode("ascii")
    assert sent[len("/p?q="):] in forms


def test_forms_of_hostile_characters_never_raise():
    for secret in ("\ud800lone", "\udfffx\x00y", "😀" * 10, "\x00" * 8, "'\"" * 4, "\\" * 9, "%zz%41"):
        forms = encoded_forms(secret)
        assert secret in forms
        assert json.dumps(secret)[1:-1] in forms


def test_forms_of_a_64_kb_secret_stay_proportionate_to_it():
    secret = "".join(random.Random(5).choices("ab/+ \n'\"é😀", k=65_536))
    forms = encoded_forms(secret)
    assert secret in forms and quote(secret, safe="") in forms
    assert max(len(f) for f in forms) < 12 * len(secret)


# -- any length, any character, no recursion ---------------------------------------------------


@contextlib.contextmanager
def _shallow_stack(extra: int = 80):
    """Allow only ``extra`` frames beyond the current depth: a recursion per character fails."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + extra)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


@pytest.mark.parametrize("length", [300, 1024, 65_536])
def test_a_long_secret_of_hostile_characters_is_masked_in_every_form_without_recursion(length):
    alphabet = "aZ9/+=% \n\r\t'\"\\\x00\x1b\x85é€😀\u2028"
    secret = "".join(random.Random(length).choices(alphabet, k=length))
    with _shallow_stack():
        r = Redactor([secret])
        for form in encoded_forms(secret):
            if len(form) >= 4:
                out = r.redact(f"<{form}>")
                assert form not in out and MASK in out


def test_a_pem_key_is_masked_whole_collapsed_and_line_by_line():
    body = [base64.b64encode(random.Random(i).randbytes(48)).decode() for i in range(30)]
    pem = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(body) + "\n-----END PRIVATE KEY-----"
    r = Redactor([pem])
    echoed = json.dumps({"key": pem}) + pem.replace("\n", "\r\n") + " ".join(pem.split()) + "\n".join(body)
    out = r.redact(echoed)
    assert not any(line in out for line in body)


def test_many_secrets_that_are_prefixes_of_each_other_do_not_nest():
    secrets = ["k" * n for n in range(4, 400)]
    with _shallow_stack():
        r = Redactor(secrets)
        assert r.redact("x" + "k" * 399 + "x") == f"x{MASK}x"
        assert r.redact("k" * 401) == MASK + "kk"  # the longest (399) first, then too little is left


def test_lone_surrogates_nul_and_astral_characters():
    secret = "a\ud800b\x00c😀d"
    r = Redactor([secret])
    assert r.redact(f"[{secret}]") == f"[{MASK}]"
    assert r.redact(json.dumps(secret)) == f'"{MASK}"'
    assert r.redact(repr(secret)) == f"'{MASK}'"


# -- text cut before it reached the redactor ---------------------------------------------------


def test_a_secret_cut_at_the_end_leaves_no_piece():
    secret = "s3cr3t-" + "x" * 1000
    r = Redactor([secret])
    for keep in (3, 10, 500, len(secret) - 1):
        text = "body: " + secret[:keep]
        assert r.redact_cut(text) == "body: " + MASK
    assert r.redact_cut("body: s3") == "body: s3"  # two characters are left, as for any secret


def test_a_secret_cut_before_a_marker_leaves_no_piece_and_other_text_stays():
    secret = "it's-secret-" + "y" * 300
    r = Redactor([secret])
    clipped = "expected " + repr(secret)[:117] + "... to equal 'other...'"
    out = r.redact_cut(clipped, "...")
    assert out == 'expected "' + MASK + "... to equal 'other...'"
    collapsed = Redactor(["line one of a\n  multi-line secret value"])
    assert collapsed.redact_cut("error: line one of a multi-li...", "...") == f"error: {MASK}..."
    assert r.redact_cut("no cut here", "...") == "no cut here"
