"""Unit tests for the request-preparation rules the real-world comparison with Newman 6.2.2 found.

Each rule was seen on the wire (``expected/*.json``); these pin it without a server or the
real-world files, each rule on its own.
"""

from __future__ import annotations

import json

from rqrun.model import Body, Collection, FormPart, GraphQL, KeyValue, Request
from rqrun.prepare import PreparedRequest, encode_form, prepare
from rqrun.variables import Renderer, Scopes


def _prepare(request: Request, **env: str) -> PreparedRequest:
    return prepare(request, (Collection(id="c", name="C"),), Renderer(Scopes(environment=dict(env))))


def test_path_variable__written_empty_keeps_name_but_rendered_empty_is_substituted() -> None:
    """Brightspace: ``:userid`` = ``{{userid}}`` (empty) gives ``users//``; ``:NotificationTypeId`` = '' stays."""
    req = Request(
        id="r",
        name="r",
        url="http://h/users/:userid/types/:NotificationTypeId/x",
        path_variables=[KeyValue("userid", "{{userid}}"), KeyValue("NotificationTypeId", "")],
    )
    assert _prepare(req, userid="").url == "http://h/users//types/:NotificationTypeId/x"
    assert _prepare(req, userid="7").url == "http://h/users/7/types/:NotificationTypeId/x"


def test_urlencoded_body__everything_but_unreserved_is_encoded() -> None:
    """codegen-sample: ``Special=%21%40%23%24%25%26%2A%28%29%5E_%3D%60~``; ``{{x}}`` unresolved is encoded too."""
    rows = [("Special", "!@#$%&*()^_=`~"), ("'3'", "c"), ("sp", "a b"), ("k", "{{client-id}}"), ("ko", "테")]
    assert encode_form(rows) == (
        "Special=%21%40%23%24%25%26%2A%28%29%5E_%3D%60~&%273%27=c&sp=a%20b&k=%7B%7Bclient-id%7D%7D&ko=%ED%85%8C"
    )
    req = Request(
        id="r", name="r", url="http://h", method="POST",
        body=Body(mode="urlencoded", urlencoded=[KeyValue("a", "%20"), KeyValue("b", "x", enabled=False)]),
    )
    assert _prepare(req).content == b"a=%2520"  # no "already encoded" guess: Newman encodes the %


def test_formdata__multipart_type_replaces_the_users_content_type() -> None:
    """wise-payouts posts form data under ``Content-Type: application/x-www-form-urlencoded``: the
    boundary must win or the body cannot be parsed (Newman does the same)."""
    req = Request(
        id="r", name="r", url="http://h", method="POST",
        headers=[KeyValue("content-type", "application/x-www-form-urlencoded"), KeyValue("X-Other", "1")],
        body=Body(mode="formdata", formdata=[FormPart("grant_type", "code")]),
    )
    p = _prepare(req)
    types = [v for k, v in p.headers if k.lower() == "content-type"]
    assert len(types) == 1 and types[0].startswith("multipart/form-data; boundary=")
    assert p.header("X-Other") == "1"


def test_graphql__empty_variables_are_left_out() -> None:
    """k6-github-graphql: the body is only ``{"query": ...}``."""
    req = Request(
        id="r", name="r", url="http://h", method="POST", kind="graphql",
        body=Body(mode="graphql", graphql=GraphQL("{ viewer { repositories(last: {{n}}) } }", "  ")),
    )
    p = _prepare(req, n="3")
    assert p.content is not None
    assert json.loads(p.content) == {"query": "{ viewer { repositories(last: 3) } }"}
