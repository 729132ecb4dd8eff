"""The recording server the end-to-end tests rely on: it must record exactly what arrived."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from support.servers import RecordingServer


def raw_request(server: RecordingServer, data: bytes) -> bytes:
    """Send bytes as they are (httpx would normalise them) and read the whole answer."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def test_url_is_loopback(recording_server: RecordingServer) -> None:
    assert recording_server.url.startswith("http://127.0.0.1:")


def test_default_answer_is_a_json_summary(recording_server: RecordingServer) -> None:
    resp = httpx.post(recording_server.url + "/a/b?x=1", json={"k": "v"})
    assert resp.status_code == 200
    summary = resp.json()
    assert summary["method"] == "POST"
    assert summary["path"] == "/a/b"
    assert summary["query"] == [["x", "1"]]
    assert summary["json"] == {"k": "v"}


def test_records_path_query_in_order_with_blanks_and_repeats(recording_server: RecordingServer) -> None:
    httpx.get(recording_server.url + "/p%20ath/x?b=2&a=&b=1&flag&sp=a%20b&plus=a+b")
    [req] = recording_server.requests
    assert req.method == "GET"
    assert req.raw_path == "/p%20ath/x?b=2&a=&b=1&flag&sp=a%20b&plus=a+b"
    assert req.path == "/p ath/x"
    assert req.query == [("b", "2"), ("a", ""), ("b", "1"), ("flag", ""), ("sp", "a b"), ("plus", "a b")]
    assert req.arg("b") == "2"


def test_records_headers_with_original_case_and_order(recording_server: RecordingServer) -> None:
    request = (
        b"GET /h HTTP/1.1\r\nHost: x\r\nX-lower-Case: 1\r\nx-dup: a\r\nX-DUP: b\r\n"
        b"Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
    raw_request(recording_server, request)
    req = recording_server.requests.last
    assert req.headers == [
        ("Host", "x"),
        ("X-lower-Case", "1"),
        ("x-dup", "a"),
        ("X-DUP", "b"),
        ("Content-Length", "0"),
        ("Connection", "close"),
    ]
    assert req.header("x-DUP") == "a"
    assert req.header_values("X-Dup") == ["a", "b"]
    assert req.header("missing") is None


def test_records_body_bytes_and_json(recording_server: RecordingServer) -> None:
    httpx.put(recording_server.url + "/b", content=b"\x00\xffraw")
    httpx.post(recording_server.url + "/j", json=[1, {"a": None}])
    raw, js = recording_server.requests
    assert raw.body == b"\x00\xffraw" and raw.json is None
    assert js.json == [1, {"a": None}]


def test_records_urlencoded_form(recording_server: RecordingServer) -> None:
    httpx.post(recording_server.url + "/f", content=b"a=1&b=&a=x%20y&c=%E2%9C%93",
               headers={"Content-Type": "application/x-www-form-urlencoded"})
    req = recording_server.requests.last
    assert req.form == [("a", "1"), ("b", ""), ("a", "x y"), ("c", "\u2713")]
    assert req.json is None


def test_records_multipart_parts(recording_server: RecordingServer, tmp_path: Path) -> None:
    blob = bytes(range(256)) * 4
    httpx.post(
        recording_server.url + "/m",
        data={"field": "value", "empty": ""},
        files={"file": ("blob.bin", blob, "application/x-test")},
    )
    req = recording_server.requests.last
    by_name = {p.name: p for p in req.multipart}
    assert by_name["field"].text == "value" and by_name["field"].filename is None
    assert by_name["empty"].data == b""
    assert by_name["file"].filename == "blob.bin"
    assert by_name["file"].content_type == "application/x-test"
    assert by_name["file"].data == blob


def test_records_chunked_bodies(recording_server: RecordingServer) -> None:
    httpx.post(recording_server.url + "/c", content=iter([b"one ", b"two"]))
    req = recording_server.requests.last
    assert req.body == b"one two"
    assert req.header("Transfer-Encoding") == "chunked"


def test_respond_scripts_status_headers_body(recording_server: RecordingServer) -> None:
    recording_server.respond("/x", status=201, headers={"X-A": "1"}, body={"ok": True})
    recording_server.respond("/t", body="plain text", headers=[("Content-Type", "text/plain")])
    recording_server.respond("/b", body=b"\x01\x02")
    x = httpx.get(recording_server.url + "/x")
    assert x.status_code == 201 and x.headers["X-A"] == "1" and x.json() == {"ok": True}
    assert x.headers["Content-Type"] == "application/json"
    assert httpx.get(recording_server.url + "/t").text == "plain text"
    assert httpx.get(recording_server.url + "/b").content == b"\x01\x02"
    assert httpx.get(recording_server.url + "/other").json()["path"] == "/other"


def test_respond_replaces_and_times_falls_through(recording_server: RecordingServer) -> None:
    url = recording_server.url + "/r"
    recording_server.respond("/r", status=500)
    recording_server.respond("/r", status=202)
    recording_server.respond("/r", status=429, times=2)
    assert [httpx.get(url).status_code for _ in range(4)] == [429, 429, 202, 202]


def test_prefix_rules(recording_server: RecordingServer) -> None:
    recording_server.respond("/api/*", status=418)
    recording_server.respond("/api/v2/*", status=402)
    assert httpx.get(recording_server.url + "/api/x").status_code == 418
    assert httpx.get(recording_server.url + "/api/v2/x").status_code == 402
    assert httpx.get(recording_server.url + "/apix").status_code == 200


def test_handler_rules(recording_server: RecordingServer) -> None:
    from support.servers import Reply

    recording_server.handle("/h", lambda req: Reply(200, [], req.body[::-1]))
    assert httpx.post(recording_server.url + "/h", content=b"abc").content == b"cba"


def test_no_body_statuses(recording_server: RecordingServer) -> None:
    recording_server.respond("/n", status=204)
    resp = httpx.get(recording_server.url + "/n")
    assert resp.status_code == 204 and resp.content == b""


def test_delay(recording_server: RecordingServer) -> None:
    recording_server.respond("/slow", delay=0.2)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(recording_server.url + "/slow", timeout=0.05)
    started = time.monotonic()
    assert httpx.get(recording_server.url + "/slow").status_code == 200
    assert time.monotonic() - started >= 0.18


def test_close_drops_the_connection(recording_server: RecordingServer) -> None:
    recording_server.respond("/drop", close=True)
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(recording_server.url + "/drop")
    assert recording_server.count("/drop") == 1


def test_redirect_helper(recording_server: RecordingServer) -> None:
    recording_server.redirect("/old", "/new?via=old", status=307)
    resp = httpx.get(recording_server.url + "/old")
    assert resp.status_code == 307 and resp.headers["Location"] == "/new?via=old"
    followed = httpx.get(recording_server.url + "/old", follow_redirects=True)
    assert followed.json()["path"] == "/new"
    assert recording_server.requests.paths == ["/old", "/old", "/new"]


def test_cookie_helpers(recording_server: RecordingServer) -> None:
    recording_server.set_cookie("/login", "session", "abc", attributes="Path=/; HttpOnly")
    recording_server.set_cookies("/more", {"a": "1", "b": "2"})
    with httpx.Client(base_url=recording_server.url) as client:
        resp = client.get("/login")
        assert resp.headers["Set-Cookie"] == "session=abc; Path=/; HttpOnly"
        assert client.get("/more").headers.get_list("Set-Cookie") == ["a=1; Path=/", "b=2; Path=/"]
        client.get("/after")
    assert recording_server.requests.last.cookies() == {"session": "abc", "a": "1", "b": "2"}


def test_fail_first(recording_server: RecordingServer) -> None:
    url = recording_server.url + "/fail-first/2"
    codes = [httpx.get(url).status_code for _ in range(4)]
    assert codes == [503, 503, 200, 200]
    # Each path counts on its own, so one server serves several retry tests.
    assert httpx.get(recording_server.url + "/fail-first/1/other").status_code == 503
    assert httpx.get(recording_server.url + "/fail-first/1/other").status_code == 200
    assert httpx.get(recording_server.url + "/fail-first/0").status_code == 200


def test_reset(recording_server: RecordingServer) -> None:
    recording_server.respond("/x", status=500)
    httpx.get(recording_server.url + "/fail-first/1")
    recording_server.reset()
    assert len(recording_server.requests) == 0
    assert httpx.get(recording_server.url + "/x").status_code == 200
    assert httpx.get(recording_server.url + "/fail-first/1").status_code == 503


def test_requests_is_thread_safe_and_waitable(recording_server: RecordingServer) -> None:
    def worker(n: int) -> None:
        with httpx.Client(base_url=recording_server.url) as client:
            for i in range(10):
                client.get(f"/w/{n}/{i}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    got = recording_server.requests.wait_for(40, timeout=10)
    for t in threads:
        t.join()
    assert len(got) == 40
    assert len({r.path for r in recording_server.requests}) == 40
    with pytest.raises(AssertionError):
        recording_server.requests.wait_for(41, timeout=0.05)


def test_stop_frees_the_port() -> None:
    server = RecordingServer().start()
    url = server.url
    server.stop()
    server.stop()
    with pytest.raises(httpx.TransportError):
        httpx.get(url, timeout=2)


def test_demo_server_fixture(demo_server) -> None:  # type: ignore[no-untyped-def]
    assert httpx.get(demo_server.url + "/health").json() == {"ok": True}
