"""What the compatibility suite and the Newman expectation generator share.

Both sides must send the *same* derived collection to the *same* kind of recording server and
normalise what arrived in the *same* way, or a difference would be an artefact of the harness.
So the rewrite (point every URL at the local server, strip scripts), the server set-up (accept
any method, answer the digest challenge) and the normalisation live here, once.

A module with its own name (not ``conftest``) so that ``tests/compat/generate_expectations.py``
can import it as a plain script, without pytest.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from support.servers import RecordedRequest, RecordingServer, Reply

__all__ = [
    "REALWORLD",
    "FIXTURES",
    "EXPECTED_DIR",
    "CASES",
    "FIXTURE_CASES",
    "Case",
    "CLIENT_DEFAULT_HEADERS",
    "rewrite_postman",
    "rewrite_requestly",
    "rewrite",
    "freeze_dynamic",
    "uses_dynamic",
    "dynamic_pattern",
    "matches",
    "script_count",
    "prepare_server",
    "normalise",
    "normalise_all",
    "load_expected",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
#: The inputs, unchanged, with their sources and licences (test data only; the Requestly ones are AGPL-3.0).
REALWORLD = REPO_ROOT / "tests" / "fixtures" / "realworld"
EXPECTED_DIR = Path(__file__).resolve().parent / "expected"
#: Small collections written here, one per Newman rule found; ``COMPAT_HOST`` stands for the server.
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "postman" / "compat"

#: Headers each client adds by itself; they say nothing about the collection, so neither side's count.
CLIENT_DEFAULT_HEADERS = frozenset(
    {"user-agent", "accept", "accept-encoding", "connection", "cache-control", "postman-token", "host", "content-length"}
)

#: Digest credentials of ``k6-format-v2.1`` (its folder auth), to check the ``response`` hash.
DIGEST_REALM = "rqrun-compat"
DIGEST_NONCE = "dcd98b7102dd2f0e8b11d0f600bfb0c093"
DIGEST_OPAQUE = "5ccc069c403ebaf9f0171e9517f40e41"


@dataclass(frozen=True)
class Case:
    """One run: a collection (and maybe a data file), and where its expectation lives.

    ``reference`` is who produced the expectation: Newman for Postman files; for Requestly
    files (Newman cannot read them) a snapshot of rqrun that was checked by hand.
    ``digest`` names ``(METHOD, path)`` pairs the server protects with a digest challenge.
    """

    name: str
    collection: str
    data: str | None = None
    environment: str | None = None
    reference: str = "newman"
    digest: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    digest_credentials: tuple[str, str] | None = None
    folder: Path = REALWORLD
    aws_secret: str | None = None  # SigV4 signatures are checked with it, then masked
    #: OAuth 1.0 (consumer secret, token secret) pairs; a signature valid for one is ``<valid>``.
    oauth1_secrets: tuple[tuple[str, str], ...] = ()
    oauth1_rsa_key: str | None = None  # the private key PEM the fixture signs RSA-* with
    hawk_keys: tuple[tuple[str, str], ...] = ()  # (id, key)
    #: rqrun's exit code when a deliberate difference fails requests (see DEVIATIONS); 0 otherwise.
    exit_code: int = 0

    @property
    def expected_path(self) -> Path:
        return EXPECTED_DIR / f"{self.name}.json"

    @property
    def source(self) -> Path:
        return self.folder / self.collection

    @property
    def is_postman(self) -> bool:
        return self.reference == "newman"


CASES: tuple[Case, ...] = (
    Case("wise-payouts", "wise-payouts.postman_collection.json"),
    Case("wise-connected-apps-balance", "wise-connected-apps-balance.postman_collection.json"),
    Case(
        "wise-connected-apps-balance+data",
        "wise-connected-apps-balance.postman_collection.json",
        data="wise-connected-apps.data.csv",
    ),
    Case("brightspace-notification-settings", "brightspace-notification-settings.postman_collection.json"),
    Case("brightspace-test-data-setup", "brightspace-test-data-setup.postman_collection.json"),
    Case("adyen-capital-v1", "adyen-capital-v1.postman_collection.json"),
    Case("postman-codegen-newman-basic", "postman-codegen-newman-basic.postman_collection.json"),
    Case("postman-codegen-sample", "postman-codegen-sample.postman_collection.json"),
    Case("k6-github-graphql", "k6-github-graphql.postman_collection.json"),
    Case(
        "k6-format-v2.1",
        "k6-format-v2.1.postman_collection.json",
        digest=frozenset({("POST", "/")}),
        digest_credentials=("user456", "secret2"),
    ),
    Case(
        "requestly-sample-collections",
        "requestly-sample-collections.json",
        environment="requestly-sample-environments.json",
        reference="rqrun",
    ),
    Case("requestly-sample-collections-graphql", "requestly-sample-collections-graphql.json", reference="rqrun"),
    # postmanlabs/newman's integration suite and postman-code-generators' Newman fixtures (issue 14)
    *(
        Case(f"newman-{name}", f"newman-{name}.postman_collection.json")
        for name in (
            "whatwg-url", "protocol-profile-behavior", "request-body-with-get",
            "esc-formdata", "multiple-form-values", "multi-level-folders-v2", "head-requests",
            "dynamic-var-replacement", "v2-regression-tests", "semicolon-tests", "slashed-variable-names",
            "disabled-and-duplicates", "var-replacement", "distinct-random-int",
        )
    ),
    Case("newman-custom-http-method", "newman-custom-http-method.postman_collection.json", exit_code=3),
    Case("newman-echo-v2", "newman-echo-v2.postman_collection.json", digest_credentials=("postman", "password"),
         oauth1_secrets=(("D+EdQ-gs$-%@2Nu7", ""),)),
    Case("newman-helper", "newman-helper.postman_collection.json", digest_credentials=("postman", "password"),
         oauth1_secrets=(("D+EdQ-gs$-%@2Nu7", ""),)),
    Case("newman-inherited-entities", "newman-inherited-entities.postman_collection.json",
         digest_credentials=("postman", "password")),
    Case("newman-oauth1-var-in-url-params", "newman-oauth1-var-in-url-params.postman_collection.json",
         oauth1_secrets=(("D+EdQ-gs$-%@2Nu7", ""),)),
    Case("newman-hawk-auth-test", "newman-hawk-auth-test.postman_collection.json",
         hawk_keys=(("dh37fgj492je", "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn"),)),
    *(
        Case(f"postman-codegen-{name}", f"postman-codegen-{name}.postman_collection.json")
        for name in (
            "formdataCollection", "queryParamsCollection", "rawBody",
            "sameNameHeadersCollection", "unsupportedMethods",
        )
    ),
    Case("postman-codegen-formdataFileCollection", "postman-codegen-formdataFileCollection.postman_collection.json",
         exit_code=3),
)

#: The fixture collections: each request one rule of Newman's, confirmed by running Newman on it.
FIXTURE_CASES: tuple[Case, ...] = (
    Case("fixture-request-rules", "request-rules.postman_collection.json", folder=FIXTURES),
    Case("fixture-loader-leniency", "loader-leniency.postman_collection.json", folder=FIXTURES),
    Case(
        "fixture-auth-types",
        "auth-types.postman_collection.json",
        folder=FIXTURES,
        digest_credentials=("user456", "secret2"),
        aws_secret="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        oauth1_secrets=(("cs", "ts&x"), ("cs", "")),
        oauth1_rsa_key=next(
            (kv["value"] for item in json.loads((FIXTURES / "auth-types.postman_collection.json").read_text(encoding="utf-8"))["item"]
             for kv in (item["request"].get("auth") or {}).get("oauth1", []) if kv["key"] == "privateKey"),
            None,
        ),
        hawk_keys=(("id1", "key1"), ("id2", "key2")),
    ),
)


# --- rewriting a collection -----------------------------------------------------------------

_HOST_PART = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://)?([^/?#]*)")
_SINGLE_VAR = re.compile(r"^\{\{\s*([^{}]+?)\s*\}\}$")


def _variable_path(host: str, variables: dict[str, str]) -> list[str]:
    """Path segments a host made of one ``{{var}}`` brings with it (Adyen's ``…/capital/v1``)."""
    match = _SINGLE_VAR.match(host.strip())
    if not match:
        return []
    value = variables.get(match.group(1), "")
    if "://" not in value and not value.startswith("/"):
        value = "//" + value
    return [seg for seg in urlsplit(value).path.split("/") if seg]


def _rewrite_raw(raw: str, base_url: str, prefix: list[str]) -> str:
    """``scheme://host`` (or a bare host, or ``{{var}}``) becomes ``base_url`` + the variable's path."""
    rest = raw[_HOST_PART.match(raw).end() :]  # type: ignore[union-attr]
    lead = "".join("/" + seg for seg in prefix)
    return base_url + lead + rest


def _postman_url(url: Any, base_url: str, variables: dict[str, str]) -> Any:
    if isinstance(url, str):
        host = _HOST_PART.match(url).group(1)  # type: ignore[union-attr]
        return _rewrite_raw(url, base_url, _variable_path(host, variables))
    if not isinstance(url, dict):
        return url
    out = dict(url)
    host = url.get("host")
    host_text = ".".join(host) if isinstance(host, list) else str(host or "")
    if not host_text and isinstance(url.get("raw"), str):
        host_text = _HOST_PART.match(url["raw"]).group(1)  # type: ignore[union-attr]
    prefix = _variable_path(host_text, variables)
    split = urlsplit(base_url)
    out["protocol"] = split.scheme
    out["host"] = (split.hostname or "").split(".")
    out["port"] = str(split.port)
    path = url.get("path")
    if prefix:
        if isinstance(path, list):
            out["path"] = [*prefix, *path]
        elif isinstance(path, str):
            out["path"] = "/".join(prefix) + "/" + path.lstrip("/")
        else:
            out["path"] = list(prefix)
    if isinstance(url.get("raw"), str):
        out["raw"] = _rewrite_raw(url["raw"], base_url, prefix)
    return out


def rewrite_postman(doc: dict[str, Any], base_url: str, *, strip_scripts: bool = True) -> dict[str, Any]:
    """A copy of a Postman collection whose every request goes to ``base_url``.

    Path, query, path variables, auth, bodies and settings stay as written. Scripts (``event``
    lists at every level) go when ``strip_scripts``: Newman would run them and rqrun does not.
    """
    out = copy.deepcopy(doc)
    variables = {
        str(v.get("key")): str(v.get("value") or "") for v in out.get("variable") or [] if isinstance(v, dict)
    }

    def visit(node: dict[str, Any]) -> None:
        if strip_scripts:
            node.pop("event", None)
        for child in node.get("item") or []:
            if isinstance(child, dict):
                visit(child)
        request = node.get("request")
        if isinstance(request, str):
            node["request"] = _postman_url(request, base_url, variables)
        elif isinstance(request, dict) and "url" in request:
            request["url"] = _postman_url(request["url"], base_url, variables)

    visit(out)
    return out


def rewrite_requestly(doc: dict[str, Any], base_url: str, *, strip_scripts: bool = True) -> dict[str, Any]:
    """The same for a Requestly export: URLs re-hosted, ``preRequest``/``postResponse`` emptied."""
    out = copy.deepcopy(doc)
    variables: dict[str, str] = {}
    for record in out.get("records") or []:
        if record.get("type") == "collection":
            for key, var in ((record.get("data") or {}).get("variables") or {}).items():
                if isinstance(var, dict):
                    variables.setdefault(key, str(var.get("syncValue") or var.get("localValue") or ""))
    for record in out.get("records") or []:
        data = record.get("data") or {}
        request = data.get("request")
        if record.get("type") == "api" and isinstance(request, dict) and isinstance(request.get("url"), str):
            url = request["url"]
            host = _HOST_PART.match(url).group(1)  # type: ignore[union-attr]
            request["url"] = _rewrite_raw(url, base_url, _variable_path(host, variables))
        if strip_scripts and isinstance(data.get("scripts"), dict):
            data["scripts"] = {k: "" for k in data["scripts"]}
    return out


_DYNAMIC = re.compile(r"\{\{\s*\$(\w+)[^{}]*\}\}")
#: What a frozen ``{{$name}}`` may have been in a run that was not frozen.
_DYNAMIC_SHAPES = {
    "guid": "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    "timestamp": "[0-9]{10}",
    "randomInt": "[0-9]+",
    "randomEmail": "[^\\s@\"]+@[^\\s@\"]+",
}


def freeze_dynamic(value: Any) -> Any:
    """Every ``{{$guid}}``-style value becomes the fixed text ``dyn-guid``: two runs of a random
    value can never be compared, so both sides send the marker (see :func:`dynamic_pattern`)."""
    if isinstance(value, str):
        return _DYNAMIC.sub(lambda m: f"dyn-{m.group(1)}", value)
    if isinstance(value, list):
        return [freeze_dynamic(v) for v in value]
    if isinstance(value, dict):
        return {k: freeze_dynamic(v) for k, v in value.items()}
    return value


def uses_dynamic(case: Case) -> bool:
    return bool(_DYNAMIC.search(case.source.read_text(encoding="utf-8")))


#: Any generated value of a name with no known shape: one or more characters, none of which starts
#: a placeholder left unrendered, raw (``{{$name}}``) or percent-encoded (``%7B%7B%24name%7D%7D``,
#: as it reaches a URL or a urlencoded body), nor the frozen marker itself.
_ANY_GENERATED = r"(?:(?!\{\{|%7[Bb]%7[Bb]|dyn-)(?s:.))+?"


def dynamic_pattern(expected: str) -> re.Pattern[str]:
    """A regex for a frozen expected text, where each ``dyn-name`` matches a generated value."""
    parts = re.split(r"dyn-(\w+)", expected)
    out = []
    for i, part in enumerate(parts):
        out.append(re.escape(part) if i % 2 == 0 else f"(?:{_DYNAMIC_SHAPES.get(part, _ANY_GENERATED)})")
    return re.compile("".join(out), re.DOTALL)


def matches(want: Any, got: Any) -> bool:
    """Equality, except that a ``dyn-name`` marker in an expected text matches a generated value
    (never a ``{{$name}}`` sent as written, in any encoding)."""
    if isinstance(want, str) and "dyn-" in want:
        return isinstance(got, str) and dynamic_pattern(want).fullmatch(got) is not None
    if isinstance(want, list):
        return isinstance(got, list) and len(want) == len(got) and all(map(matches, want, got))
    if isinstance(want, dict):
        return isinstance(got, dict) and want.keys() == got.keys() and all(matches(want[k], got[k]) for k in want)
    return bool(want == got)


def rewrite(case: Case, base_url: str, *, strip_scripts: bool = True, freeze: bool = True) -> dict[str, Any]:
    """The case's collection, re-hosted, stripped and frozen, ready to write into a temp folder.

    A fixture names its server ``COMPAT_HOST`` (so a URL can carry ``user:pass@``) and keeps
    what it holds: it was written for the comparison."""
    if case.folder == FIXTURES:
        host = base_url.split("://", 1)[1]
        doc = json.loads(case.source.read_text(encoding="utf-8").replace("COMPAT_HOST", host))
        return freeze_dynamic(doc) if freeze else doc
    doc = json.loads(case.source.read_text(encoding="utf-8"))
    if freeze:
        doc = freeze_dynamic(doc)
    if case.is_postman:
        return rewrite_postman(doc, base_url, strip_scripts=strip_scripts)
    return rewrite_requestly(doc, base_url, strip_scripts=strip_scripts)


def _counts(source: str, stubs: bool) -> bool:
    """A script with text; unless ``stubs``, one that holds more than ``//`` comment lines."""
    if stubs:
        return bool(source.strip())
    return any(line.strip() and not line.strip().startswith("//") for line in source.splitlines())


def script_count(case: Case, *, stubs: bool = False) -> int:
    """How many scripts with code the original file holds (each one warning in rqrun's output);
    with ``stubs``, scripts of ``//`` comments only count too (they have nothing to run).

    Postman: one per ``prerequest``/``test`` event with text; Requestly: one per non-empty
    ``preRequest``/``postResponse``.
    """
    doc = json.loads(case.source.read_text(encoding="utf-8"))
    count = 0
    if case.is_postman:
        def visit(node: dict[str, Any]) -> None:
            nonlocal count
            kinds = set()
            events = node.get("event") or []
            for event in [events] if isinstance(events, dict) else events:  # one object: Newman reads a list of one
                exec_ = (event.get("script") or {}).get("exec")
                source = "\n".join(exec_) if isinstance(exec_, list) else str(exec_ or "")
                if _counts(source, stubs) and event.get("listen") in ("prerequest", "test"):
                    kinds.add(event["listen"])  # rqrun joins several events of one kind into one script
            count += len(kinds)
            for child in node.get("item") or []:
                visit(child)

        visit(doc)
        return count
    for record in doc.get("records") or []:
        for source in ((record.get("data") or {}).get("scripts") or {}).values():
            if isinstance(source, str) and _counts(source, stubs):
                count += 1
    return count


# --- the recording server -------------------------------------------------------------------


def _accept_any_method(server: RecordingServer) -> None:
    """Let the recorder take PROPFIND, PURGE, LINK, COPY...: the stdlib handler answers 501 to a
    method it has no ``do_X`` for, and the collections use eight such methods."""
    httpd = server._httpd  # noqa: SLF001 - the recorder has no hook for this; the swap is per server
    assert httpd is not None, "start the server first"
    base: type[BaseHTTPRequestHandler] = httpd.RequestHandlerClass  # type: ignore[assignment]

    class AnyMethodHandler(base):  # type: ignore[misc, valid-type]
        def __getattr__(self, name: str) -> Any:
            if name.startswith("do_"):
                return self._serve  # type: ignore[attr-defined]
            raise AttributeError(name)

    httpd.RequestHandlerClass = AnyMethodHandler


def _digest_handler(case: Case) -> Callable[[RecordedRequest], Reply]:
    """401 with a digest challenge to protected requests that carry no digest answer yet."""

    def handle(req: RecordedRequest) -> Reply:
        if (req.method, req.path) in case.digest and not (req.header("Authorization") or "").startswith("Digest "):
            challenge = (
                f'Digest realm="{DIGEST_REALM}", qop="auth", nonce="{DIGEST_NONCE}", '
                f'opaque="{DIGEST_OPAQUE}", algorithm=MD5'
            )
            return Reply(401, [("WWW-Authenticate", challenge), ("Content-Type", "text/plain")], b"unauthorised")
        return Reply()

    return handle


def prepare_server(server: RecordingServer, case: Case) -> None:
    """Set a started recorder up for ``case``: any method, and the digest challenge if it needs one."""
    _accept_any_method(server)
    for _, path in case.digest:
        server.handle(path, _digest_handler(case))


# --- normalising what arrived ---------------------------------------------------------------

_BOUNDARY = re.compile(r"(boundary=)(\"?)([^\";]+)\2")
_DIGEST_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^\s,]+))')


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()  # noqa: S324 - RFC 7616 MD5, not security here


def _digest(value: str, method: str, credentials: tuple[str, str] | None) -> str:
    """A digest answer with its random parts (``cnonce``, ``response``) replaced by a verdict."""
    params = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _DIGEST_PARAM.finditer(value)}
    if credentials and {"nonce", "uri", "response"} <= params.keys():
        ha1 = _md5(f"{credentials[0]}:{params.get('realm', '')}:{credentials[1]}")
        ha2 = _md5(f"{method}:{params['uri']}")
        if params.get("qop"):
            expected = _md5(f"{ha1}:{params['nonce']}:{params.get('nc', '')}:{params.get('cnonce', '')}:{params['qop']}:{ha2}")
        else:
            expected = _md5(f"{ha1}:{params['nonce']}:{ha2}")
        params["response"] = "<valid>" if params["response"] == expected else "<wrong>"
    if "cnonce" in params:
        params["cnonce"] = "<random>"
    return "Digest " + ", ".join(f"{k}={params[k]}" for k in sorted(params))


_SIGV4 = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]+)")
_AMZ_QUERY = re.compile(r"(X-Amz-(?:Date|Signature)=)[^&]*|(X-Amz-Credential=[^&]*?%2F)(\d{8})(%2F)")


def _sigv4_valid(req: RecordedRequest, secret: str, header: str | None) -> bool:
    """Whether a SigV4 signature (header or presigned query) is right, recomputed by botocore
    from what arrived, the way AWS checks it (query re-encoded RFC 3986 style first)."""
    from urllib.parse import parse_qsl, quote

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    split = urlsplit(req.raw_path)
    pairs = parse_qsl(split.query, keep_blank_values=True)
    if header:
        match = _SIGV4.match(header)
        if not match:
            return False
        access, _, region, service, names, signature = match.groups()
        stamp = req.header("X-Amz-Date") or ""
    else:
        found = dict(pairs)
        signature = found.get("X-Amz-Signature", "")
        access, _, region, service, _ = found.get("X-Amz-Credential", "////").split("/", 4)
        names, stamp = found.get("X-Amz-SignedHeaders", ""), found.get("X-Amz-Date", "")
        pairs = [(k, v) for k, v in pairs if k != "X-Amz-Signature"]
    query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in pairs)
    signed = {n: req.header(n) or "" for n in names.split(";")}
    body = req.body if header and req.header("X-Amz-Content-Sha256") else b""
    aws = AWSRequest(method=req.method, url=f"http://{signed.get('host', '')}{split.path}" + (f"?{query}" if query else ""),
                     headers=signed, data=body)
    aws.context["timestamp"] = stamp
    signer = SigV4Auth(Credentials(access, secret), service, region)
    expected = signer.signature(signer.string_to_sign(aws, signer.canonical_request(aws)), aws)
    return expected == signature


_OAUTH_SIGNATURE = re.compile(r'(oauth_signature(?:="|=))([^"&]*)')


def _oauth1_valid(req: RecordedRequest, case: Case) -> bool:
    """Whether the OAuth 1.0 signature (header, query or form body) verifies, by oauthlib's
    server side, for one of the case's secrets."""
    from oauthlib.common import Request as OAuthRequest
    from oauthlib.oauth1.rfc5849 import signature

    auth = req.header("Authorization") or ""
    headers = {"Authorization": auth} if auth.startswith("OAuth ") else {}
    form = (req.header("Content-Type") or "").startswith("application/x-www-form-urlencoded")
    body = req.body.decode("utf-8") if form else None
    uri = f"http://{req.header('Host')}{req.raw_path}"
    query = urlsplit(req.raw_path).query
    found = dict(signature.collect_parameters(uri_query=query, body=body, headers=headers, exclude_oauth_signature=False))
    request = OAuthRequest(uri, req.method, body=body, headers=headers)
    params = signature.collect_parameters(uri_query=query, body=body, headers=headers)
    request.signature = found.get("oauth_signature", "")
    # With addEmptyParamsToSign Newman signs an empty oauth_token it then leaves out of the
    # header (a server cannot check that), so a missing token is also tried as empty.
    tries = [params] + ([[*params, ("oauth_token", "")]] if "oauth_token" not in found else [])
    return any(_oauth1_check(request, case, found.get("oauth_signature_method", ""), p) for p in tries)


def _oauth1_check(request: Any, case: Case, method: str, params: list[tuple[str, str]]) -> bool:
    from oauthlib.oauth1.rfc5849 import signature

    request.params = params
    if method.startswith("RSA-"):
        from cryptography.hazmat.primitives import serialization

        private = serialization.load_pem_private_key((case.oauth1_rsa_key or "").encode(), password=None)
        public = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        verify = {"RSA-SHA1": signature.verify_rsa_sha1, "RSA-SHA256": signature.verify_rsa_sha256}[method]
        return bool(verify(request, public.decode()))
    verify_secret = {
        "HMAC-SHA1": signature.verify_hmac_sha1,
        "HMAC-SHA256": signature.verify_hmac_sha256,
        "PLAINTEXT": signature.verify_plaintext,
    }[method]
    return any(verify_secret(request, consumer, token) for consumer, token in case.oauth1_secrets)


def _hawk_valid(req: RecordedRequest, case: Case, header: str) -> bool:
    """Whether a Hawk header verifies with mohawk's receiver (old timestamps allowed)."""
    import mohawk
    from mohawk.exc import HawkFail

    keys = dict(case.hawk_keys)
    credentials = {
        auth_id: {"id": auth_id, "key": key, "algorithm": "sha1" if auth_id == "id2" else "sha256"}
        for auth_id, key in keys.items()
    }
    try:
        mohawk.Receiver(
            lambda auth_id: credentials[auth_id],
            header,
            f"http://{req.header('Host')}{req.raw_path}",
            req.method,
            content=req.body,
            content_type=req.header("Content-Type") or "",
            accept_untrusted_content="hash=" not in header,
            timestamp_skew_in_seconds=10**10,
            seen_nonce=lambda *_: False,
        )
    except HawkFail:
        return False
    return True


def _part_heads(body: bytes, content_type: str) -> list[list[list[str]]]:
    """Each multipart part's header lines as ``[name, value]`` (names lower-case, sorted): how a
    part is labelled counts, not only what it carries (``filename=""`` or none, the quoting and
    escaping of names, a per-part Content-Type or none)."""
    match = _BOUNDARY.search(content_type)
    if not match:
        return []
    heads: list[list[list[str]]] = []
    for chunk in (b"\r\n" + body).split(b"\r\n--" + match.group(3).encode("latin-1"))[1:]:
        if chunk.startswith(b"--"):
            break
        rest = chunk.partition(b"\r\n")[2]
        head = b"" if rest.startswith(b"\r\n") else rest.partition(b"\r\n\r\n")[0]
        lines = []
        for line in head.decode("utf-8", "backslashreplace").split("\r\n"):
            name, colon, value = line.partition(":")
            if colon:
                lines.append([name.strip().lower(), value.strip()])
        heads.append(sorted(lines))
    return heads


_STAMP_OR_NONCE = re.compile(r'\b(oauth_timestamp|oauth_nonce|ts|nonce)="([^"]*)"')


def _clock_and_nonce(value: str, case: Case) -> str:
    """A signature's timestamp and nonce, once the signature verified: a time within a day of
    now (the signer read the clock) is ``<now>``, a nonce the file does not hold is
    ``<random>``. Values the collection wrote stay, so they are still compared."""
    import time

    source = case.source.read_text(encoding="utf-8")

    def mask(m: re.Match[str]) -> str:
        name, found = m.group(1), m.group(2)
        if name.endswith("timestamp") or name == "ts":
            if found.isdigit() and abs(int(found) - time.time()) < 86400 and f'"{found}"' not in source:
                return f'{name}="<now>"'
        elif found and f'"{found}"' not in source:
            return f'{name}="<random>"'
        return m.group(0)

    return _STAMP_OR_NONCE.sub(mask, value)


def normalise(req: RecordedRequest, case: Case | None = None) -> dict[str, Any]:
    """One request as the suite compares it: method, raw target, decoded path and query pairs,
    headers other than client defaults (lower-case names, sorted, multipart boundary and digest
    randomness masked), and the body as text or as multipart parts."""
    headers: list[list[str]] = []
    for name, value in req.headers:
        lowered = name.lower()
        if lowered in CLIENT_DEFAULT_HEADERS:
            continue
        # Whitespace around a field value is not part of it (RFC 9110 5.5): Newman sends the
        # space of ``Bearer {{empty}}``, h11 may not, and every server drops it.
        value = value.strip(" \t")
        if lowered == "content-type":
            value = _BOUNDARY.sub(r"\1<boundary>", value)
        elif lowered == "authorization" and value.startswith("Digest "):
            value = _digest(value, req.method, case.digest_credentials if case else None)
        elif lowered == "authorization" and value.startswith("AWS4-HMAC-SHA256 ") and case and case.aws_secret:
            verdict = "<valid>" if _sigv4_valid(req, case.aws_secret, value) else "<wrong>"
            value = re.sub(r"/\d{8}/", "/<date>/", _SIGV4.sub(lambda m: m.group(0)[: m.start(6) - m.start(0)] + verdict, value))  # noqa: B023 - called at once
        elif lowered == "x-amz-date":
            value = "<date>"
        elif lowered == "authorization" and value.startswith("OAuth ") and case and case.oauth1_secrets:
            verdict = "<valid>" if _oauth1_valid(req, case) else "<wrong>"
            value = _clock_and_nonce(_OAUTH_SIGNATURE.sub(lambda m, v=verdict: m.group(1) + v, value), case)
        elif lowered == "authorization" and value.startswith("Hawk ") and case and case.hawk_keys:
            verdict = "<valid>" if _hawk_valid(req, case, value) else "<wrong>"
            value = _clock_and_nonce(re.sub(r'mac="[^"]*"', f'mac="{verdict}"', value), case)
        headers.append([lowered, value])
    headers.sort(key=lambda pair: pair[0])  # stable: repeated names keep their order
    body: dict[str, Any]
    if req.multipart:
        heads = _part_heads(req.body, req.header("Content-Type") or "")
        body = {
            "multipart": [
                {"name": p.name, "filename": p.filename, "content_type": p.content_type, "text": p.text,
                 "head": heads[i] if i < len(heads) else None}
                for i, p in enumerate(req.multipart)
            ]
        }
    else:
        body = {"text": req.body.decode("utf-8", "backslashreplace")}
    target = req.raw_path
    if "X-Amz-Signature=" in target and case and case.aws_secret:
        verdict = "<valid>" if _sigv4_valid(req, case.aws_secret, None) else "<wrong>"
        target = _AMZ_QUERY.sub(
            lambda m: (m.group(1) + ("<date>" if "Date" in m.group(1) else verdict)) if m.group(1) else m.group(2) + "<date>" + m.group(4),
            target,
        )
    oauth_elsewhere = case is not None and case.oauth1_secrets and not (req.header("Authorization") or "").startswith("OAuth ")
    if oauth_elsewhere and ("oauth_signature=" in target or b"oauth_signature=" in req.body):
        verdict = "<valid>" if _oauth1_valid(req, case) else "<wrong>"  # type: ignore[arg-type]
        target = _OAUTH_SIGNATURE.sub(lambda m: m.group(1) + verdict, target)
        if "text" in body:
            body["text"] = _OAUTH_SIGNATURE.sub(lambda m: m.group(1) + verdict, body["text"])
    split = urlsplit(target)
    return {
        "method": req.method,
        "target": target,
        "path": unquote(split.path),
        "query": [list(pair) for pair in parse_qsl(split.query, keep_blank_values=True)],
        "headers": headers,
        "body": body,
    }


def normalise_all(requests: list[RecordedRequest], case: Case | None = None) -> list[dict[str, Any]]:
    return [normalise(r, case) for r in requests]


def load_expected(case: Case) -> dict[str, Any]:
    return json.loads(case.expected_path.read_text(encoding="utf-8"))
