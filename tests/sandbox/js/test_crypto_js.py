"""``require('crypto-js')`` (libs/crypto-js.js): digests and HMACs equal Python's hashlib/hmac, encoders round-trip."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from pm_harness import PmContext

TEXT = "GET\n/v1/things\nnaïve ☃ 𝄞"
KEY = "s3cr3t-kéy"


@pytest.fixture(scope="module")
def pm() -> PmContext:
    context = PmContext()
    context.ctx.eval(f"var CJ = require('crypto-js'); var TEXT = {TEXT!r}; var KEY = {KEY!r};")
    return context


@pytest.mark.parametrize(("js", "algorithm"), [("MD5", "md5"), ("SHA1", "sha1"), ("SHA224", "sha224"),
                                               ("SHA256", "sha256"), ("SHA384", "sha384"), ("SHA512", "sha512")])
def test_digests_and_hmacs_equal_pythons(pm: PmContext, js: str, algorithm: str) -> None:
    data, key = TEXT.encode(), KEY.encode()
    assert pm.value(f"CJ.{js}(TEXT).toString()") == hashlib.new(algorithm, data).hexdigest()
    assert pm.value(f"CJ.Hmac{js}(TEXT, KEY).toString(CJ.enc.Hex)") == hmac.new(key, data, algorithm).hexdigest()
    assert pm.value(f"CJ.enc.Base64.stringify(CJ.Hmac{js}(TEXT, KEY))") == \
        base64.b64encode(hmac.new(key, data, algorithm).digest()).decode()


def test_the_usual_request_signing_chain(pm: PmContext) -> None:
    # AWS-style key derivation: HMAC keyed with a previous HMAC's bytes (a WordArray).
    script = """
        var k = CJ.HmacSHA256('20261201', 'AWS4' + KEY);
        k = CJ.HmacSHA256('eu-west-1', k);
        CJ.HmacSHA256('payload', k).toString();
    """
    step = hmac.new(("AWS4" + KEY).encode(), b"20261201", "sha256").digest()
    step = hmac.new(step, b"eu-west-1", "sha256").digest()
    assert pm.ctx.eval(script) == hmac.new(step, b"payload", "sha256").hexdigest()
    incremental = "CJ.algo.HMAC.create(CJ.algo.SHA256, KEY).update('a').update('b').finalize('c').toString()"
    assert pm.value(incremental) == hmac.new(KEY.encode(), b"abc", "sha256").hexdigest()
    assert pm.value("CJ.algo.SHA1.create().update('ab').finalize().toString()") == hashlib.sha1(b"ab").hexdigest()  # noqa: S324 - the digest crypto-js must reproduce


def test_encoders(pm: PmContext) -> None:
    assert pm.value("CJ.enc.Base64.stringify(CJ.enc.Utf8.parse(TEXT))") == base64.b64encode(TEXT.encode()).decode()
    assert pm.value("CJ.enc.Utf8.stringify(CJ.enc.Base64.parse(CJ.enc.Base64.stringify(CJ.enc.Utf8.parse(TEXT))))") == TEXT
    assert pm.value("CJ.enc.Hex.stringify(CJ.enc.Latin1.parse('\\u00ff\\u0001A'))") == "ff0141"
    assert pm.value("CJ.enc.Hex.parse('ff0141').sigBytes") == 3
    assert pm.value("CJ.enc.Base64.parse('AAEC').toString()") == "000102"
    assert pm.value("CJ.enc.Base64url.stringify(CJ.enc.Hex.parse('fbff'))") == "-_8"
    assert pm.value("CJ.enc.Utf8.parse('ab').concat(CJ.enc.Utf8.parse('c')).toString(CJ.enc.Utf8)") == "abc"
    assert pm.value("CJ.SHA256(CJ.enc.Hex.parse('00ff')).toString()") == hashlib.sha256(b"\x00\xff").hexdigest()
    assert pm.value("CJ.lib.WordArray.random(16).sigBytes") == 16


def test_cryptojs_is_a_legacy_global_and_ciphers_say_they_are_missing(pm: PmContext) -> None:
    assert pm.value("CryptoJS.MD5('x').toString()") == hashlib.md5(b"x").hexdigest()  # noqa: S324 - the digest crypto-js must reproduce
    with pytest.raises(Exception, match="AES.encrypt is not available"):
        pm.ctx.eval("CJ.AES.encrypt('x', 'k')")
