"""A loopback server that misbehaves on purpose, on plain sockets, one thread per connection.

``RecordingServer`` answers like a well-behaved HTTP/1.1 server; the faults the runner must
survive need byte-level control, so this one reads the request head itself and then, by path:

==================  ===========================================================================
``/ok``             200 with a small JSON body
``/reset``          headers promising 100,000 bytes, 1,000 of them, then a TCP reset (SO_LINGER 0)
``/stall``          reads the request and never answers (until the server stops)
``/drip``           headers at once, then the body one byte per second
``/drip-headers``   the status line, then one header line per second, never ending the headers
``/huge``           200 with a 50 MB body (``HUGE_BYTES``), streamed in 64 KiB chunks
==================  ===========================================================================

With ``tls=`` (an ``ssl.SSLContext``) every connection is wrapped first, so a certificate the
client does not trust gives a TLS failure, and the plain server behind an ``https://`` URL gives
the other kind (the client's ClientHello gets an HTTP answer).
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from typing import Self

__all__ = ["FaultServer", "HUGE_BYTES", "free_port"]

HUGE_BYTES = 50 * 1024 * 1024
_CHUNK = b"x" * 65536
_OK = b'{"ok": true}'


def free_port() -> int:
    """A port nothing listens on (bound, then released): connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FaultServer:
    """The misbehaving server; ``url`` is ``http://`` (or ``https://`` with ``tls``)."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        self._stop = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.2)
        self.port = int(self._sock.getsockname()[1])
        self.paths: list[str] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, name="fault-server", daemon=True)

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()

    # -- serving ------------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, raw: socket.socket) -> None:
        conn: socket.socket = raw
        try:
            raw.settimeout(5)
            if self.tls is not None:
                conn = self.tls.wrap_socket(raw, server_side=True)
            while not self._stop.is_set():
                path = self._read_head(conn)
                if path is None:
                    return
                with self._lock:
                    self.paths.append(path)
                if not self._answer(conn, path):
                    return
        except (OSError, ssl.SSLError):
            return  # the client gave up (timeouts) or refused our certificate: both expected
        finally:
            try:
                conn.close()
            except OSError:
                pass

    @staticmethod
    def _read_head(conn: socket.socket) -> str | None:
        """The request path, after reading up to the blank line (GET requests carry no body)."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return None
            data += chunk
            if data[:1] == b"\x16":  # a TLS ClientHello: answer as a plain HTTP server would
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return None
            if len(data) > 65536:
                return None
        request_line = data.split(b"\r\n", 1)[0].decode("latin-1").split()
        return request_line[1].split("?", 1)[0] if len(request_line) >= 2 else "/"

    def _answer(self, conn: socket.socket, path: str) -> bool:
        """Misbehave as ``path`` says; True when the connection may serve another request."""
        if path == "/reset":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nContent-Type: text/plain\r\n\r\n" + b"y" * 1000)
            time.sleep(0.05)
            # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        if path == "/stall":
            self._stop.wait(30)
            return False
        if path == "/drip":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\nContent-Type: text/plain\r\n\r\n")
            for _ in range(60):
                if self._stop.wait(1.0):
                    return False
                conn.sendall(b"z")
            return True
        if path == "/drip-headers":
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            for i in range(60):
                if self._stop.wait(1.0):
                    return False
                conn.sendall(b"X-Drip-%d: %d\r\n" % (i, i))
            return False
        if path == "/huge":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % HUGE_BYTES)
            for _ in range(HUGE_BYTES // len(_CHUNK)):
                conn.sendall(_CHUNK)
            return True
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(_OK), _OK))
        return True
