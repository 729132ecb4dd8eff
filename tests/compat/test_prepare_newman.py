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


# --- Postman files follow Newman; Requestly files keep Requestly's rules -------------------------

from rqrun.model import Auth  # noqa: E402
from rqrun.newman_wire import strip_json_comments  # noqa: E402


def _both(request: Request, **env: str) -> tuple[PreparedRequest, PreparedRequest]:
    """(as a Postman file prepares it, as a Requestly file does)."""
    renderer = lambda: Renderer(Scopes(environment=dict(env)))  # noqa: E731
    postman = prepare(request, (Collection(id="c", name="C", format="postman"),), renderer())
    requestly = prepare(request, (Collection(id="c", name="C", format="requestly"),), renderer())
    return postman, requestly


def test_query__plus_bare_keys_and_empty_pieces_as_newman_writes_them() -> None:
    req = Request(
        id="r", name="r", url="http://h/p",
        query=[KeyValue("q", "a+b"), KeyValue("WSDL", bare=True), KeyValue("", "v"), KeyValue(""), KeyValue("x", "1 2'<")],
    )
    postman, requestly = _both(req)
    assert postman.url == "http://h/p?q=a+b&WSDL&=v&=&x=1%202%27%3C"
    assert requestly.url == "http://h/p?q=a%2Bb&WSDL=&x=1%202%27%3C"  # Requestly: empty keys dropped


def test_query__disable_url_encoding_sends_rows_as_written() -> None:
    req = Request(id="r", name="r", url="http://h/p", query=[KeyValue("q", "a+b"), KeyValue("s", "%41")],
                  settings={"disable_url_encoding": True})
    assert _both(req)[0].url == "http://h/p?q=a+b&s=%41"


def test_path__variable_ends_at_a_dot_and_braces_are_encoded() -> None:
    req = Request(id="r", name="r", url="http://h:8080/items/:id.json/{{x}}", path_variables=[KeyValue("id", "42")])
    postman, requestly = _both(req)
    assert postman.url == "http://h:8080/items/42.json/%7B%7Bx%7D%7D"
    assert requestly.url == "http://h:8080/items/:id.json/{{x}}"  # Requestly's name takes the dot


def test_path__dot_segments_go_out_as_written_for_postman_only() -> None:
    postman, requestly = _both(Request(id="r", name="r", url="http://h/a/./b/../c"))
    assert postman.verbatim_target and not requestly.verbatim_target


def test_raw_json__comments_stripped_outside_strings() -> None:
    text = '{\n  // line\n  "a": "http://x//y", /* block\n */ "b": "/* kept */"\n}'
    assert strip_json_comments(text) == '{\n  \n  "a": "http://x//y",  "b": "/* kept */"\n}'
    assert strip_json_comments('{"a": 1 // end\r\n}') == '{"a": 1 \n}'
    # The Postman loader marks a body declared json (or, with no language, sent as JSON);
    # Requestly bodies are never marked: their text is data.
    marked = Body(mode="raw", raw='{"a": 1} // c', content_type="application/json", strip_json_comments=True)
    plain = Body(mode="raw", raw='{"a": 1} // c', content_type="application/json")
    assert _both(Request(id="r", name="r", url="http://h", method="POST", body=marked))[0].content == b'{"a": 1} '
    assert _both(Request(id="r", name="r", url="http://h", method="POST", body=plain))[1].content == b'{"a": 1} // c'


def test_urlencoded__content_type_is_always_form_for_postman() -> None:
    req = Request(id="r", name="r", url="http://h", method="POST",
                  headers=[KeyValue("Content-Type", "application/json")],
                  body=Body(mode="urlencoded", urlencoded=[KeyValue("a", "1")]))
    postman, requestly = _both(req)
    assert postman.header("content-type") == "application/x-www-form-urlencoded"
    assert requestly.header("content-type") == "application/json"


def test_auth__replaces_the_users_authorization_header_for_postman() -> None:
    req = Request(id="r", name="r", url="http://h", headers=[KeyValue("authorization", "Token mine")],
                  auth=Auth("bearer", {"token": "tok"}))
    postman, requestly = _both(req)
    assert [v for k, v in postman.headers if k.lower() == "authorization"] == ["Bearer tok"]
    assert [v for k, v in requestly.headers if k.lower() == "authorization"] == ["Token mine"]


def test_formdata__file_row_without_a_file_is_an_empty_part_for_postman() -> None:
    req = Request(id="r", name="r", url="http://h", method="POST",
                  body=Body(mode="formdata", formdata=[FormPart("a", "1"), FormPart("up", kind="file")]))
    postman, requestly = _both(req)
    assert postman.content is not None and b'name="up"; filename=""\r\n\r\n\r\n' in postman.content
    assert requestly.content is not None and b'name="up"' not in requestly.content


def test_query__unresolved_placeholder_keeps_its_ampersand_and_equals() -> None:
    """newman-whatwg-url: ``q=#{{foo&bar}}#`` goes out ``q=%23{{foo&bar}}%23``; a ``#`` inside is still encoded."""
    req = Request(
        id="r", name="r", url="http://h/get",
        query=[KeyValue("q", "#{{foo&bar}}#"), KeyValue("x&y", "{{#foo#}}"), KeyValue("{{?}}", "{{&}}"), KeyValue("k=", "{{a=b}}")],
    )
    postman, _ = _both(req)
    assert postman.url == "http://h/get?q=%23{{foo&bar}}%23&x%26y={{%23foo%23}}&{{?}}={{&}}&k%3D={{a=b}}"


def test_url_credentials__characters_that_would_end_them_are_encoded() -> None:
    """newman-whatwg-url: ``{{@}}:{{###}}@host`` and ``us@r:p@ssword@host`` stay credentials (Basic auth)."""
    req = Request(id="r", name="r", url="http://{{@}}:{{###}}@h/{{f/o/o}}")
    assert _both(req)[0].url == "http://%7B%7B%40%7D%7D:%7B%7B%23%23%23%7D%7D@h/%7B%7Bf/o/o%7D%7D"
    req = Request(id="r", name="r", url="https://us@r:p@ssword@h/get")
    assert _both(req)[0].url == "https://us%40r:p%40ssword@h/get"
    req = Request(id="r", name="r", url="http://h/a@b?c=d@e")
    assert _both(req)[0].url == "http://h/a@b?c=d@e"  # an @ after the host is not a credential
