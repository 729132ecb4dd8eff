"""Request preparation: URL, path variables, query encoding, bodies and auth, without a network."""

from __future__ import annotations

import base64
import json

import pytest

from rqrun.errors import InputError
from rqrun.files import FileAccess
from rqrun.model import Auth, Body, Collection, Folder, FormPart, GraphQL, KeyValue, Request
from rqrun.prepare import effective_auth, encode_query, prepare
from rqrun.variables import Renderer, Scopes


def render(request, *chain, env=None, files=None):
    chain = chain or (Collection(id="c", name="C"),)
    return prepare(request, chain, Renderer(Scopes(environment=env or {})), files=files)


def test_scheme_added_and_path_variables_substituted():
    req = Request(id="r", name="r", url="{{host}}/users/:id/posts/:post", path_variables=[KeyValue("id", "{{uid}}"), KeyValue("post", "")])
    p = render(req, env={"host": "127.0.0.1:9", "uid": "7"})
    assert p.url == "http://127.0.0.1:9/users/7/posts/:post"


def test_port_colon_is_not_a_path_variable():
    req = Request(id="r", name="r", url="http://localhost:8080/a/:port", path_variables=[KeyValue("port", "x"), KeyValue("8080", "no")])
    assert render(req).url == "http://localhost:8080/a/x"


def test_query_rows_encoded_disabled_dropped():
    req = Request(
        id="r",
        name="r",
        url="http://h/p",
        query=[KeyValue("a b", "c&d"), KeyValue("skip", "x", enabled=False), KeyValue("q", "{{v}}"), KeyValue("", "blank")],
    )
    assert render(req, env={"v": "é=1"}).url == "http://h/p?a%20b=c%26d&q=%C3%A9=1"


def test_already_encoded_text_is_kept():
    assert encode_query([("k", "a%20b"), ("flag", None)]) == "k=a%20b&flag"


def test_user_header_beats_auth_and_content_type():
    req = Request(
        id="r",
        name="r",
        url="http://h",
        method="POST",
        headers=[KeyValue("authorization", "Custom x"), KeyValue("content-type", "text/special")],
        body=Body(mode="raw", raw="{}", content_type="application/json"),
        auth=Auth("bearer", {"token": "t"}),
    )
    p = render(req)
    assert p.headers == [("authorization", "Custom x"), ("content-type", "text/special")]


@pytest.mark.parametrize(
    "auth, header",
    [
        (Auth("bearer", {"token": "{{tok}}"}), ("Authorization", "Bearer T0K")),
        (Auth("basic", {"username": "ü", "password": "p"}), ("Authorization", "Basic " + base64.b64encode("ü:p".encode()).decode())),
        (Auth("basic", {}), ("Authorization", "Basic " + base64.b64encode(b":").decode())),
        (Auth("apikey", {"key": "X-Key", "value": "", "in": "header"}), ("X-Key", "")),
    ],
)
def test_auth_headers(auth, header):
    req = Request(id="r", name="r", url="http://h", auth=auth)
    assert header in render(req, env={"tok": "T0K"}).headers


def test_empty_bearer_sends_no_header():
    req = Request(id="r", name="r", url="http://h", auth=Auth("bearer", {"token": "{{missing_but_empty}}"}))
    assert render(req, env={"missing_but_empty": ""}).header("Authorization") is None


def test_apikey_in_query():
    req = Request(id="r", name="r", url="http://h/x", query=[KeyValue("a", "1")], auth=Auth("apikey", {"key": "k", "value": "v v", "in": "query"}))
    assert render(req).url == "http://h/x?a=1&k=v%20v"


def test_auth_inherited_from_nearest_non_inherit_ancestor():
    root = Collection(id="c", name="C", auth=Auth("basic", {"username": "root"}))
    mid = Folder(id="f", name="F", auth=Auth("bearer", {"token": "mid"}))
    inner = Folder(id="g", name="G")
    req = Request(id="r", name="r")
    assert effective_auth((root, mid, inner), req).params == {"token": "mid"}
    assert effective_auth((Collection(id="c", name="C"),), req).type == "none"
    own = Request(id="r", name="r", auth=Auth("none"))
    assert effective_auth((root,), own).type == "none"


def test_digest_credentials_passed_to_http_layer():
    req = Request(id="r", name="r", url="http://h", auth=Auth("digest", {"username": "u", "password": "{{pw}}"}))
    assert render(req, env={"pw": "p"}).digest == ("u", "p")


def test_raw_json_body_and_content_type():
    req = Request(id="r", name="r", url="http://h", method="POST", body=Body(mode="raw", raw='{"a": "{{v}}"}', content_type="application/json"))
    p = render(req, env={"v": 1})
    assert p.content == b'{"a": "1"}'
    assert p.header("Content-Type") == "application/json"


def test_body_pruned_for_get_unless_disabled():
    body = Body(mode="raw", raw="x", content_type="text/plain")
    assert render(Request(id="r", name="r", url="http://h", body=body)).content is None
    kept = Request(id="r", name="r", url="http://h", body=body, settings={"disable_body_pruning": True})
    assert render(kept).content == b"x"


def test_urlencoded_body():
    req = Request(id="r", name="r", url="http://h", method="POST", body=Body(mode="urlencoded", urlencoded=[KeyValue("a", "1 2"), KeyValue("b", "&", enabled=False)]))
    p = render(req)
    assert p.content == b"a=1%202"
    assert p.header("content-type") == "application/x-www-form-urlencoded"


def test_multipart_keeps_part_order_and_reads_files(tmp_path):
    f = tmp_path / "hello.txt"
    f.write_text("file body")
    req = Request(
        id="r",
        name="r",
        url="http://h",
        method="POST",
        body=Body(mode="formdata", formdata=[FormPart("first", "1"), FormPart("upload", kind="file", files=[str(f)]), FormPart("last", "{{v}}")]),
    )
    p = render(req, env={"v": "z"}, files=FileAccess(str(tmp_path / "c.json")))
    ctype = p.header("content-type")
    assert ctype.startswith("multipart/form-data; boundary=")
    body = p.content.decode()
    assert body.index('name="first"') < body.index('name="upload"; filename="hello.txt"') < body.index('name="last"')
    assert "file body" in body and "\r\nz\r\n" in body


def test_missing_form_file_is_an_input_error(tmp_path):
    """Issue 17: a body file that cannot be read is the collection's problem (exit 3), not a send error."""
    req = Request(id="r", name="r", url="http://h", method="POST", body=Body(mode="formdata", formdata=[FormPart("f", kind="file", files=[str(tmp_path / "nope")])]))
    with pytest.raises(InputError) as info:
        render(req, files=FileAccess(str(tmp_path / "c.json")))
    assert "nope" in info.value.one_line() and "no such file" in info.value.one_line()


def test_without_a_file_policy_no_file_is_read(tmp_path):
    """prepare() called without ``files`` must not fall back to reading anything."""
    f = tmp_path / "hello.txt"
    f.write_text("file body")
    req = Request(id="r", name="r", url="http://h", method="POST", body=Body(mode="file", file=str(f)))
    with pytest.raises(InputError) as info:
        render(req)
    assert "no collection folder" in info.value.one_line()


def test_graphql_variables_inserted_as_written():
    req = Request(id="r", name="r", url="http://h", method="POST", kind="graphql", body=Body(mode="graphql", graphql=GraphQL("query { a(n: {{n}}) }", '{ "x": {{n}} }')))
    p = render(req, env={"n": 3})
    assert p.content.decode() == '{"query":"query { a(n: 3) }","variables":{ "x": 3 }}'
    assert json.loads(p.content)["variables"] == {"x": 3}
