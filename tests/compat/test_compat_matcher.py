"""The comparison itself: what the compatibility suite counts as "the same request".

A matcher that is too lenient would report parity that is not there, so each rule is tried on
requests that differ in exactly one detail, sent as raw bytes to the suite's own recorder.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator

import pytest

from compat_kit import matches, normalise
from support.servers import RecordedRequest, RecordingServer


@pytest.fixture()
def recorder() -> Iterator[RecordingServer]:
    with RecordingServer() as server:
        yield server


def _arrived(server: RecordingServer, target: str, *, body: bytes = b"", headers: dict[str, str] | None = None) -> RecordedRequest:
    """Send ``target`` exactly as written (no client re-encoding) and return what the recorder got."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.putrequest("POST" if body else "GET", target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body or None)
        connection.getresponse().read()
    finally:
        connection.close()
    return server.requests.last


# --- dynamic values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sent",
    [
        "/get?city={{$randomCity}}",
        "/get?city=%7B%7B%24randomCity%7D%7D",
        "/get?city=%7b%7b%24randomCity%7d%7d",
        "/get?city=dyn-randomCity",
        "/get?city=",
    ],
    ids=["raw", "encoded", "encoded-lower", "marker", "empty"],
)
def test_matcher__an_unrendered_dynamic_value_is_not_a_generated_one(sent: str) -> None:
    assert not matches({"target": "/get?city=dyn-randomCity"}, {"target": sent})


def test_matcher__a_generated_value_matches_the_marker() -> None:
    assert matches({"target": "/get?city=dyn-randomCity"}, {"target": "/get?city=Port%20Ada"})
    assert matches({"text": '{"id": "dyn-guid"}'}, {"text": '{"id": "0f8fad5b-d9cb-469f-a165-70867728950e"}'})
    assert not matches({"text": '{"id": "dyn-guid"}'}, {"text": '{"id": "{{$guid}}"}'})  # a known shape, too
    assert not matches({"text": "a=dyn-randomCity&b=1"}, {"text": "a={{$randomCity}}&b=1"})  # urlencoded body
    assert not matches({"text": "a=dyn-randomCity&b=1"}, {"text": "a=%7B%7B%24randomCity%7D%7D&b=1"})


def test_matcher__everything_else_is_equality() -> None:
    assert matches({"a": [1, "x"]}, {"a": [1, "x"]})
    assert not matches({"a": [1, "x"]}, {"a": [1, "x", "y"]})
    assert not matches({"a": "x"}, {"a": "x", "b": "y"})


# --- strict comparison of what arrived --------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("/get?a=1+2", "/get?a=1%2B2"),  # + kept or encoded
        ("/get?WSDL", "/get?WSDL="),  # a bare key
        ("/get?q=%7B", "/get?q=%7b"),  # the case of an escape
        ("/get?q={x}", "/get?q=%7Bx%7D"),  # encoded or not
        ("/a%2Fb", "/a/b"),  # the same decoded path
        ("/get?a=1&&b=2", "/get?a=1&b=2"),  # an empty piece
        ("/get?", "/get"),  # a trailing ?
    ],
)
def test_strict__percent_encoding_and_bare_keys_count(recorder: RecordingServer, one: str, other: str) -> None:
    assert normalise(_arrived(recorder, one)) != normalise(_arrived(recorder, other))


def _multipart(*parts: str) -> bytes:
    body = "".join(f"--XyZ\r\n{head}\r\n\r\nv\r\n" for head in parts) + "--XyZ--\r\n"
    return body.encode()


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ('Content-Disposition: form-data; name="f"; filename=""', 'Content-Disposition: form-data; name="f"'),
        ('Content-Disposition: form-data; name="f"\r\nContent-Type: text/plain', 'Content-Disposition: form-data; name="f"'),
        ('Content-Disposition: form-data; name="a\\"b"', 'Content-Disposition: form-data; name="a%22b"'),
        ('Content-Disposition: form-data; name="f"; filename="a.txt"', "Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''a.txt"),
    ],
    ids=["empty-filename", "part-content-type", "quote-escaping", "filename-star"],
)
def test_strict__multipart_details_count(recorder: RecordingServer, one: str, other: str) -> None:
    headers = {"Content-Type": "multipart/form-data; boundary=XyZ"}
    first = normalise(_arrived(recorder, "/post", body=_multipart(one), headers=headers))
    second = normalise(_arrived(recorder, "/post", body=_multipart(other), headers=headers))
    assert first != second


def test_strict__the_boundary_alone_does_not_count(recorder: RecordingServer) -> None:
    part = 'Content-Disposition: form-data; name="f"'
    first = _arrived(recorder, "/post", body=_multipart(part), headers={"Content-Type": "multipart/form-data; boundary=XyZ"})
    body = _multipart(part).replace(b"XyZ", b"AbC")
    second = _arrived(recorder, "/post", body=body, headers={"Content-Type": "multipart/form-data; boundary=AbC"})
    assert normalise(first) == normalise(second)
    assert normalise(first)["body"]["multipart"][0]["head"] == [["content-disposition", 'form-data; name="f"']]
