"""AES-GCM with bound associated data, and the passphrase KDFs."""

from __future__ import annotations

import pytest

from rqrun.vault import crypto
from rqrun.vault.crypto import AuthenticationFailed


def test_seal_open_roundtrip_and_fresh_nonces() -> None:
    key = crypto.random_key()
    aad = crypto.aad("vid", "secret", "apiKey", {"source": "local"})
    a, b = crypto.seal(key, b"value", aad), crypto.seal(key, b"value", aad)
    assert a["nonce"] != b["nonce"] and a["ct"] != b["ct"]
    assert crypto.open_blob(key, a, aad) == b"value"


@pytest.mark.parametrize(
    "other",
    [
        crypto.aad("other-vault", "secret", "apiKey", {"source": "local"}),
        crypto.aad("vid", "dek", "apiKey", {"source": "local"}),
        crypto.aad("vid", "secret", "apiKey2", {"source": "local"}),
        crypto.aad("vid", "secret", "apiKey", {"source": "aws:prod"}),
        crypto.aad("vid", "secret", "apiKey", {"source": "local", "allow_hosts": ["x"]}),
    ],
    ids=["vault", "kind", "name", "source", "hosts"],
)
def test_any_change_of_context_fails_to_authenticate(other: bytes) -> None:
    key = crypto.random_key()
    blob = crypto.seal(key, b"value", crypto.aad("vid", "secret", "apiKey", {"source": "local"}))
    with pytest.raises(AuthenticationFailed):
        crypto.open_blob(key, blob, other)


def test_wrong_key_tampered_ciphertext_and_bad_nonce_fail() -> None:
    key = crypto.random_key()
    aad = crypto.aad("vid", "secret", "k")
    blob = crypto.seal(key, b"value", aad)
    with pytest.raises(AuthenticationFailed):
        crypto.open_blob(crypto.random_key(), blob, aad)
    raw = bytearray(crypto.b64d(blob["ct"]))
    raw[0] ^= 1
    with pytest.raises(AuthenticationFailed):
        crypto.open_blob(key, {"nonce": blob["nonce"], "ct": crypto.b64e(bytes(raw))}, aad)
    with pytest.raises(AuthenticationFailed):
        crypto.open_blob(key, {"nonce": crypto.b64e(b"short"), "ct": blob["ct"]}, aad)
    with pytest.raises(AuthenticationFailed):
        crypto.open_blob(key, {"nonce": "not base64!", "ct": blob["ct"]}, aad)


def test_canonical_json_ignores_dict_order() -> None:
    assert crypto.canonical_json({"b": 1, "a": [1, "é"]}) == crypto.canonical_json({"a": [1, "é"], "b": 1})


def test_default_kdf_is_argon2id_and_interactive_friendly() -> None:
    params = crypto.default_kdf()
    # The cost is pinned by its parameters (64 MiB either way; the time is bench/bench_vault.py's).
    if params["alg"] == "argon2id":
        assert (params["m_kib"], params["t"], params["p"]) == (65536, 3, 4)
    else:
        assert (params["alg"], params["n"], params["r"], params["p"]) == ("scrypt", 65536, 8, 1)
    first = crypto.derive_key("correct horse", params)
    assert first == crypto.derive_key("correct horse", params)
    assert first != crypto.derive_key("correct horse.", params)


def test_scrypt_fallback_derives() -> None:
    params = dict(crypto.SCRYPT, n=1024, salt=crypto.b64e(b"s" * 16))
    assert len(crypto.derive_key("pw", params)) == 32
    with pytest.raises(ValueError):
        crypto.derive_key("pw", {"alg": "rot13", "salt": params["salt"]})


def test_parse_raw_key() -> None:
    key = crypto.random_key()
    assert crypto.parse_raw_key(crypto.b64e(key) + "\n") == key
    assert crypto.parse_raw_key(crypto.b64e(key[:16])) is None
    assert crypto.parse_raw_key("not base64!") is None
    assert crypto.key_fingerprint(key) != crypto.key_fingerprint(crypto.random_key())


def test_kdf_parameters_from_a_file_are_bounded() -> None:
    salt = crypto.b64e(b"s" * 16)
    for params in (
        {"alg": "argon2id", "m_kib": 1 << 30, "t": 3, "p": 4, "salt": salt},
        {"alg": "argon2id", "m_kib": 65536, "t": 0, "p": 4, "salt": salt},
        {"alg": "scrypt", "n": 1 << 24, "r": 8, "p": 1, "salt": salt},
        {"alg": "scrypt", "n": "16384", "r": 8, "p": 1, "salt": salt},
    ):
        with pytest.raises(ValueError, match="out of range"):
            crypto.derive_key("pw", params)
