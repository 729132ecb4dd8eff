"""The signing auth types against the libraries the services use to check them.

AWS SigV4 is signed by hand in rqrun and must equal botocore's signer; JWTs must decode with
PyJWT; OAuth 1.0 and Hawk refuse fields they cannot use. (What Newman sends for each is compared
on the wire by tests/compat/test_fixture_compat.py.)
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import jwt as pyjwt
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from rqrun.authsign import awsv4, hawk, oauth1
from rqrun.authsign.jwt_bearer import make_token

NOW = datetime(2026, 12, 1, 10, 30, 0, tzinfo=UTC)
KEYS = {"accessKey": "AKIDEXAMPLE", "secretKey": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "region": "eu-west-1", "service": "execute-api"}


def _botocore(method: str, url: str, headers: dict[str, str], body: bytes, params: dict[str, str]) -> str:
    request = AWSRequest(method=method, url=url, headers=headers, data=body)
    request.context["timestamp"] = NOW.strftime("%Y%m%dT%H%M%SZ")
    creds = Credentials(params["accessKey"], params["secretKey"], params.get("sessionToken") or None)
    signer = SigV4Auth(creds, params["service"], params["region"])
    return signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)


@pytest.mark.parametrize(
    ("method", "url", "body", "extra"),
    [
        ("GET", "http://127.0.0.1:8080/a%20b/./c?z=2&a=1&a=0&sp=x%20y", b"", {"sessionToken": "tok/en="}),
        ("POST", "http://api.example/items", b'{"k": "v"}', {}),
        ("PUT", "http://api.example/x//y/../z", b"plain", {"region": "us-east-1"}),
    ],
)
def test_awsv4__signature_equals_botocores(method: str, url: str, body: bytes, extra: dict[str, str]) -> None:
    params = {**KEYS, **extra}
    signed = awsv4.sign(params, method, url, [("X-Custom", "  two   spaces ")], body or None, now=NOW)
    sent = dict(signed.headers)
    auth = sent.pop("Authorization")
    names = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
    host = url.split("/")[2]
    every = {"host": host, "x-custom": "  two   spaces ", **{k.lower(): v for k, v in sent.items()}}
    assert set(names) == set(every)
    theirs = _botocore(method, url.replace("%20", "%20"), {n: every[n] for n in names}, body, params)
    assert auth.endswith(f"Signature={theirs}")
    assert ("X-Amz-Content-Sha256" in sent) == bool(body)
    assert sent.get("X-Amz-Security-Token") == params.get("sessionToken")


def test_awsv4__without_keys_nothing_is_signed() -> None:
    assert awsv4.sign({"accessKey": "", "secretKey": "s"}, "GET", "http://h/", [], None).headers == []


def _pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


@pytest.mark.parametrize("algorithm", ["RS256", "PS384", "ES256"])
def test_jwt__key_signed_tokens_verify_with_pyjwt(algorithm: str) -> None:
    private = ec.generate_private_key(ec.SECP256R1()) if algorithm.startswith("ES") else rsa.generate_private_key(65537, 2048)
    token = make_token({"algorithm": algorithm, "privateKey": _pem(private), "payload": '{"sub": "a", "n": 2.0}', "header": '{"kid": "k"}'})
    assert pyjwt.get_unverified_header(token) == {"kid": "k", "alg": algorithm}
    assert pyjwt.decode(token, private.public_key(), algorithms=[algorithm]) == {"sub": "a", "n": 2}


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_jwt__hmac_with_a_base64_secret() -> None:
    token = make_token({"algorithm": "HS512", "secret": "c2VjcmV0", "isSecretBase64Encoded": "true", "payload": ""})
    assert pyjwt.decode(token, b"secret", algorithms=["HS512"]) == {}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"algorithm": "HS256", "secret": "s", "payload": "{nope"}, "payload is not JSON"),
        ({"algorithm": "HS256", "secret": "", "payload": "{}"}, "secret is empty"),
        ({"algorithm": "RS256", "privateKey": "not a key", "payload": "{}"}, "private key"),
        ({"algorithm": "XX1", "secret": "s"}, "unknown JWT algorithm"),
    ],
)
def test_jwt__fields_it_cannot_use_are_named(fields: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_token(fields)


def test_oauth1__needs_a_consumer_key_and_a_secret_or_key() -> None:
    base = {"consumerKey": "ck", "consumerSecret": "cs", "signatureMethod": "HMAC-SHA1"}
    assert oauth1.sign({**base, "consumerKey": ""}, "GET", "http://h/", None, None) is None
    assert oauth1.sign({**base, "signatureMethod": "RSA-SHA1"}, "GET", "http://h/", None, None) is None
    with pytest.raises(ValueError, match="RSA-SHA256"):
        oauth1.sign({**base, "signatureMethod": "RSA-SHA256", "privateKey": "junk"}, "GET", "http://h/", None, None)


def test_oauth1__query_is_reencoded_the_oauth_way() -> None:
    assert oauth1.reencode_query("http://h/p?y=a+b&z=%41!*&w") == "http://h/p?y=a%20b&z=A%21%2A&w"


def test_hawk__needs_id_and_key_and_a_known_algorithm() -> None:
    assert hawk.header({"authId": "", "authKey": "k"}, "GET", "http://h/") is None
    with pytest.raises(ValueError, match="sha512"):
        hawk.header({"authId": "i", "authKey": "k", "algorithm": "sha512"}, "GET", "http://h/")
    value = hawk.header({"authId": "i", "authKey": "k", "timestamp": "1", "nonce": "n"}, "GET", "http://h/")
    assert value is not None and value.startswith('Hawk id="i", ts="1", nonce="n", mac="')
    assert json.dumps(value)  # one header line


def test_signing_libraries_load_only_for_their_auth() -> None:
    """Start-up and plain requests stay cheap: oauthlib, PyJWT, Faker and pyspnego load only when used."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from rqrun.model import Auth, Collection, Request\n"
        "from rqrun.prepare import prepare\n"
        "from rqrun.variables import Renderer, Scopes\n"
        "chain = (Collection(id='c', name='C', format='postman'),)\n"
        "def send(auth):\n"
        "    prepare(Request(id='r', name='r', url='http://h/x', auth=auth), chain, Renderer(Scopes()))\n"
        "    return sorted(m for m in ('oauthlib', 'jwt', 'faker', 'spnego') if m in sys.modules)\n"
        "print(send(Auth('bearer', {'token': 't'})))\n"
        "print(send(Auth('hawk', {'authId': 'i', 'authKey': 'k'})))\n"
        "print(send(Auth('oauth1', {'consumerKey': 'k', 'consumerSecret': 's'})))\n"
        "print(send(Auth('ntlm', {'username': 'u', 'password': 'p'})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[]", "[]", "['oauthlib']", "['oauthlib']"]
