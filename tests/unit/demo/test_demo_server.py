"""The demo API, driven with httpx the way a collection would drive it."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator

import httpx
import pytest

from rqrun.demo import DEFAULT_PASSWORD, DEFAULT_SIGNING_KEY, DemoServer, sign
from rqrun.demo.server import DemoApp, DemoRequest, parse_multipart


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer() as srv:
        yield srv


@pytest.fixture()
def client(server: DemoServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


def login(client: httpx.Client, password: str = DEFAULT_PASSWORD) -> httpx.Response:
    return client.post("/login", json={"username": "demo", "password": password})


@pytest.fixture()
def auth(client: httpx.Client) -> dict[str, str]:
    return {"Authorization": f"Bearer {login(client).json()['token']}"}


def test_binds_loopback_on_a_free_port(server: DemoServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert server.port > 0


def test_index_lists_endpoints(client: httpx.Client) -> None:
    body = client.get("/").json()
    assert "POST /login" in body["endpoints"]


def test_login_returns_a_token(client: httpx.Client) -> None:
    resp = login(client)
    assert resp.status_code == 200
    body = resp.json()
    assert isinstance(body["token"], str) and len(body["token"]) >= 20
    assert body["expires_in"] == 3600


def test_login_with_a_wrong_password_is_401(client: httpx.Client) -> None:
    resp = login(client, "nope")
    assert resp.status_code == 401
    assert "token" not in resp.json()


@pytest.mark.parametrize(
    "content", [b"{not json", b'"a string"', b'{"password": "s3cret-demo-password"}', b'{"username": "x"}']
)
def test_login_rejects_malformed_bodies(client: httpx.Client, content: bytes) -> None:
    resp = client.post("/login", content=content, headers={"Content-Type": "application/json"})
    assert resp.status_code in (400, 401)


def test_password_is_configurable() -> None:
    with DemoServer(password="other") as srv, httpx.Client(base_url=srv.url) as c:
        assert login(c).status_code == 401
        assert login(c, "other").status_code == 200


def test_me_needs_a_valid_bearer(client: httpx.Client, auth: dict[str, str]) -> None:
    assert client.get("/me").status_code == 401
    assert client.get("/me", headers={"Authorization": "Bearer forged"}).status_code == 401
    assert client.get("/me", headers={"Authorization": "Basic Zm9vOmJhcg=="}).status_code == 401
    resp = client.get("/me", headers=auth)
    assert resp.status_code == 200
    assert resp.json() == {"username": "demo"}


def test_401_names_the_scheme(client: httpx.Client) -> None:
    assert client.get("/items").headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_tokens_are_refused() -> None:
    with DemoServer(token_ttl=-1) as srv, httpx.Client(base_url=srv.url) as c:
        token = login(c).json()["token"]
        assert c.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_items_need_the_bearer(client: httpx.Client) -> None:
    for method, path in [("GET", "/items"), ("POST", "/items"), ("GET", "/items/1"), ("DELETE", "/items/1")]:
        assert client.request(method, path, json={"name": "x"}).status_code == 401


def test_crud_round_trip(client: httpx.Client, auth: dict[str, str]) -> None:
    created = client.post("/items", json={"name": "Widget", "price": 9.5, "in_stock": True}, headers=auth)
    assert created.status_code == 201
    item = created.json()
    assert item["name"] == "Widget" and isinstance(item["id"], int)
    assert created.headers["Location"] == f"/items/{item['id']}"
    path = f"/items/{item['id']}"

    assert client.get(path, headers=auth).json() == item

    patched = client.patch(path, json={"price": 12}, headers=auth)
    assert patched.status_code == 200
    assert patched.json() == {**item, "price": 12}

    put = client.put(path, json={"name": "Gadget"}, headers=auth)
    assert put.json() == {"id": item["id"], "name": "Gadget"}  # PUT replaces

    deleted = client.delete(path, headers=auth)
    assert deleted.status_code == 204 and deleted.content == b""
    assert client.get(path, headers=auth).status_code == 404
    assert client.delete(path, headers=auth).status_code == 404
    assert client.patch(path, json={"price": 1}, headers=auth).status_code == 404


def test_missing_and_malformed_ids_are_404(client: httpx.Client, auth: dict[str, str]) -> None:
    assert client.get("/items/999999", headers=auth).status_code == 404
    assert client.get("/items/abc", headers=auth).status_code == 404


@pytest.mark.parametrize(
    "content",
    [b"{oops", b"[1, 2]", b'{"price": 1}', b'{"name": ""}', b'{"name": "x", "price": "9"}', b'{"name": "x", "in_stock": "yes"}'],
)
def test_invalid_items_are_400(client: httpx.Client, auth: dict[str, str], content: bytes) -> None:
    headers = {**auth, "Content-Type": "application/json"}
    resp = client.post("/items", content=content, headers=headers)
    assert resp.status_code == 400
    assert "error" in resp.json()


def test_invalid_json_on_update_is_400(client: httpx.Client, auth: dict[str, str]) -> None:
    item = client.post("/items", json={"name": "x"}, headers=auth).json()
    resp = client.put(f"/items/{item['id']}", content=b"{", headers=auth)
    assert resp.status_code == 400


def test_pagination() -> None:
    with DemoServer() as srv, httpx.Client(base_url=srv.url) as c:
        headers = {"Authorization": f"Bearer {login(c).json()['token']}"}
        ids = [c.post("/items", json={"name": f"n{i}"}, headers=headers).json()["id"] for i in range(5)]
        first = c.get("/items", params={"limit": 2}, headers=headers).json()
        assert [i["id"] for i in first["items"]] == ids[:2]
        assert first["total"] == 5
        assert first["next"] == "/items?limit=2&offset=2"
        second = c.get(first["next"], headers=headers).json()
        assert [i["id"] for i in second["items"]] == ids[2:4]
        last = c.get(second["next"], headers=headers).json()
        assert [i["id"] for i in last["items"]] == ids[4:]
        assert last["next"] is None
        default = c.get("/items", headers=headers).json()
        assert len(default["items"]) == 5 and default["next"] is None
        for bad in ({"limit": 0}, {"limit": 101}, {"limit": "x"}, {"offset": -1}):
            assert c.get("/items", params=bad, headers=headers).status_code == 400


def test_concurrent_creates_get_distinct_ids() -> None:
    with DemoServer() as srv:
        with httpx.Client(base_url=srv.url) as c:
            headers = {"Authorization": f"Bearer {login(c).json()['token']}"}
        ids: list[int] = []
        lock = threading.Lock()

        def worker() -> None:
            with httpx.Client(base_url=srv.url) as c:
                for _ in range(10):
                    got = c.post("/items", json={"name": "t"}, headers=headers).json()["id"]
                    with lock:
                        ids.append(got)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(ids) == list(range(1, 41))


def test_echo_reports_method_path_query_headers_and_body(client: httpx.Client) -> None:
    resp = client.request(
        "PATCH", "/echo/sub?a=1&b=&a=2&sp=x%20y", content=b"hello", headers={"X-Mixed-Case": "v"}
    )
    body = resp.json()
    assert body["method"] == "PATCH"
    assert body["path"] == "/echo/sub"
    assert body["query"] == [["a", "1"], ["b", ""], ["a", "2"], ["sp", "x y"]]
    assert ["X-Mixed-Case", "v"] in body["headers"]
    assert body["body"] == "hello"


def test_echo_parses_json_and_urlencoded(client: httpx.Client) -> None:
    assert client.post("/echo", json={"a": [1]}).json()["json"] == {"a": [1]}
    form = client.post("/echo", data={"k": "v w", "e": ""}).json()
    assert form["form"] == [["k", "v w"], ["e", ""]]


def test_echo_parses_multipart_byte_exact(client: httpx.Client) -> None:
    payload = bytes(range(256)) + b"\r\n--not-a-boundary\r\n"
    resp = client.post(
        "/echo",
        data={"field": "text value"},
        files={"upload": ("data.bin", payload, "application/octet-stream")},
    )
    body = resp.json()
    assert body["form"] == [["field", "text value"]]
    [upload] = body["files"]
    assert upload["name"] == "upload"
    assert upload["filename"] == "data.bin"
    assert upload["content_type"] == "application/octet-stream"
    assert upload["size"] == len(payload)
    import hashlib

    assert upload["sha256"] == hashlib.sha256(payload).hexdigest()


def test_parse_multipart_handles_quoted_names_and_empty_parts() -> None:
    body = (
        b"--B\r\nContent-Disposition: form-data; name=\"a;b\"; filename=\"x \\\"q\\\".txt\"\r\n\r\n"
        b"\r\n--B\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\nv\r\n--B--\r\nepilogue"
    )
    parts = parse_multipart(body, "multipart/form-data; boundary=B")
    assert [(p["name"], p["filename"], p["data"]) for p in parts] == [
        ("a;b", 'x "q".txt', b""),
        ("c", None, b"v"),
    ]


def test_echo_accepts_every_method(client: httpx.Client) -> None:
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        assert client.request(method, "/echo").json()["method"] == method
    head = client.head("/echo")
    assert head.status_code == 200 and head.content == b""


def test_echo_reads_chunked_bodies(client: httpx.Client) -> None:
    def gen() -> Iterator[bytes]:
        yield b"part one, "
        yield b"part two"

    assert client.post("/echo", content=gen()).json()["body"] == "part one, part two"


@pytest.mark.parametrize("code", [200, 201, 204, 400, 404, 418, 500, 503])
def test_status(client: httpx.Client, code: int) -> None:
    assert client.get(f"/status/{code}").status_code == code


def test_status_out_of_range_is_400(client: httpx.Client) -> None:
    assert client.get("/status/100").status_code == 400


def test_redirect(client: httpx.Client) -> None:
    resp = client.get("/redirect", params={"to": "/echo?x=1"})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/echo?x=1"
    followed = client.get("/redirect", params={"to": "/echo?x=1"}, follow_redirects=True)
    assert followed.json()["query"] == [["x", "1"]]
    assert client.get("/redirect", params={"to": "/echo", "status": 307}).status_code == 307


@pytest.mark.parametrize("target", ["http://example.com/", "//example.com/", "echo"])
def test_redirect_only_to_local_paths(client: httpx.Client, target: str) -> None:
    assert client.get("/redirect", params={"to": target}).status_code == 400


def test_cookies(server: DemoServer) -> None:
    with httpx.Client(base_url=server.url) as c:
        resp = c.get("/cookies/set", params={"flavour": "oat", "size": "big"})
        assert resp.headers.get_list("Set-Cookie") == ["flavour=oat; Path=/", "size=big; Path=/"]
        assert c.get("/cookies").json() == {"cookies": {"flavour": "oat", "size": "big"}}
        c.get("/cookies/delete", params={"size": ""})
        assert c.get("/cookies").json() == {"cookies": {"flavour": "oat"}}


def test_slow(client: httpx.Client) -> None:
    resp = client.get("/slow", params={"ms": 50})
    assert resp.json() == {"slept_ms": 50}
    assert resp.elapsed.total_seconds() >= 0.04
    assert client.get("/slow", params={"ms": 10**9}).status_code == 400


def test_hmac(client: httpx.Client) -> None:
    body = b'{"amount": 10}'
    good = client.post("/hmac", content=body, headers={"X-Signature": sign(DEFAULT_SIGNING_KEY, body)})
    assert good.status_code == 200 and good.json()["valid"] is True
    bad = client.post("/hmac", content=body, headers={"X-Signature": sign("wrong", body)})
    assert bad.status_code == 401 and bad.json()["valid"] is False
    assert client.post("/hmac", content=body).status_code == 401


def test_unknown_route_and_method(client: httpx.Client) -> None:
    assert client.get("/nowhere").status_code == 404
    resp = client.get("/login")
    assert resp.status_code == 405
    assert resp.headers["Allow"] == "POST"


def test_app_turns_bugs_into_500() -> None:
    app = DemoApp()
    app._routes.insert(0, (__import__("re").compile("/boom"), {"GET": lambda req: 1 / 0}))
    resp = app.handle(DemoRequest("GET", "/boom", []))
    assert resp.status == 500


def test_stop_is_idempotent_and_frees_the_port() -> None:
    srv = DemoServer().start()
    url = srv.url
    srv.stop()
    srv.stop()
    with pytest.raises(httpx.TransportError):
        httpx.get(url + "/health", timeout=2)


def test_runs_as_a_module_and_prints_its_url() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "rqrun.demo.server", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(url + "/health", timeout=5).json() == {"ok": True}
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "Traceback" not in err
    assert "GET /health" not in err  # quiet: no request log
