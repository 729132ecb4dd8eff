"""TLS on loopback: a throw-away CA, a server that demands a client certificate, and HTTP/2."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme

from support.build import api, folder, write_collection


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture(scope="module")
def pems(ca, tmp_path_factory):
    base = tmp_path_factory.mktemp("pki")
    ca.cert_pem.write_to_path(str(base / "ca.pem"))
    client = ca.issue_cert("client.rqrun.test")
    client.cert_chain_pems[0].write_to_path(str(base / "client.pem"))
    client.private_key_pem.write_to_path(str(base / "client.key"))
    return base


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - stdlib name
        cert = self.connection.getpeercert() or {}
        names = [value for kind, value in cert.get("subjectAltName", ()) if kind == "DNS"]
        body = f"hello {names[0] if names else 'anonymous'}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def mtls_server(ca):
    server_cert = ca.issue_cert("127.0.0.1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_cert.configure_cert(context)
    ca.configure_trust(context)
    context.verify_mode = ssl.CERT_REQUIRED
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _run(run_cli, tmp_path, url, *args):
    path = write_collection(tmp_path / "c.json", folder("c", "API"), api("r", "TLS", "c", url + "/hello",
                            post='rq.test("greets", lambda: rq.expect(rq.response.text()).to.include("hello"))'))
    return run_cli("run", path, "--reporters", "json", "--reporter-json-export", tmp_path / "r.json", *args)


def test_unknown_ca_is_a_tls_error(run_cli, tmp_path, mtls_server):
    result = _run(run_cli, tmp_path, mtls_server)
    assert result.code == 4, result
    error = result.json["executions"][0]["error"]
    assert error["kind"] == "tls" and "--insecure" in error["message"]


def test_missing_client_certificate_is_refused(run_cli, tmp_path, mtls_server, pems):
    result = _run(run_cli, tmp_path, mtls_server, "--ssl-extra-ca-certs", pems / "ca.pem")
    assert result.code == 4, result
    assert result.json["executions"][0]["response"] is None


def test_client_certificate_and_extra_ca(run_cli, tmp_path, mtls_server, pems):
    result = _run(run_cli, tmp_path, mtls_server, "--ssl-extra-ca-certs", pems / "ca.pem",
                  "--ssl-client-cert", pems / "client.pem", "--ssl-client-key", pems / "client.key")
    assert result.code == 0, result
    assert result.json["executions"][0]["response"]["body"] == "hello client.rqrun.test"


def test_insecure_skips_verification_but_still_presents_the_certificate(run_cli, tmp_path, mtls_server, pems):
    result = _run(run_cli, tmp_path, mtls_server, "--insecure", "--ssl-client-cert", pems / "client.pem", "--ssl-client-key", pems / "client.key")
    assert result.code == 0, result


def test_key_without_certificate_is_a_usage_error(run_cli, tmp_path, mtls_server, pems):
    result = _run(run_cli, tmp_path, mtls_server, "--ssl-client-key", pems / "client.key")
    assert result.code == 2 and "--ssl-client-cert" in result.stderr


@pytest.fixture(scope="module")
def h2_server(ca):
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        body = f"version {scope['http_version']}".encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": body})

    server_cert = ca.issue_cert("127.0.0.1")
    base = __import__("tempfile").mkdtemp()
    server_cert.private_key_and_cert_chain_pem.write_to_path(f"{base}/server.pem")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.certfile = config.keyfile = f"{base}/server.pem"
    config.alpn_protocols = ["h2", "http/1.1"]
    config.loglevel = "ERROR"
    stop = None
    loop = asyncio.new_event_loop()

    def serve_forever():
        nonlocal stop
        asyncio.set_event_loop(loop)
        stop = asyncio.Event()
        loop.run_until_complete(serve(app, config, shutdown_trigger=stop.wait))

    thread = threading.Thread(target=serve_forever, daemon=True)
    thread.start()
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            threading.Event().wait(0.05)
    yield f"https://127.0.0.1:{port}"
    loop.call_soon_threadsafe(stop.set)
    thread.join(timeout=5)


def test_http2(run_cli, tmp_path, h2_server, pems):
    result = _run(run_cli, tmp_path, h2_server, "--ssl-extra-ca-certs", pems / "ca.pem", "--http2")
    assert result.code == 1, result  # the body says "version 2", not "hello": the test fails on purpose
    response = result.json["executions"][0]["response"]
    assert response["http_version"] == "HTTP/2" and response["body"] == "version 2"
    plain = _run(run_cli, tmp_path, h2_server, "--ssl-extra-ca-certs", pems / "ca.pem")
    assert plain.json["executions"][0]["response"]["http_version"] == "HTTP/1.1"
