"""Length-prefixed JSON frames between the parent and a worker, both ways.

JSON and nothing else: the parent must never unpickle (or otherwise execute) anything a worker
sends, so that a worker taken over by a script cannot run code in the parent. Each frame is a
4-byte big-endian length followed by that many bytes of UTF-8 JSON. Reads on the parent side
take a deadline and a size cap.

Strict JSON both ways, whatever the values: NaN and the infinities (which strict JSON has no
word for) are sent as the text ``"NaN"``, ``"Infinity"``, ``"-Infinity"``, and a lone surrogate
(which UTF-8 cannot carry) as U+FFFD. The parent refuses both from a worker.
"""

from __future__ import annotations

import json
import math
import os
import re
import select
import struct
import time
from typing import Any

__all__ = ["Deadline", "FrameReader", "FrameTooLarge", "PeerGone", "decode_untrusted", "encode", "read_blocking", "write_all"]

_HEADER = struct.Struct(">I")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: A ``\uD800``-``\uDFFF`` escape not itself escaped (an even run of backslashes before it).
_SURROGATE_ESCAPE = re.compile(rb"(?<!\\)((?:\\\\)*)\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class Deadline(Exception):
    """The peer did not answer in time."""


class PeerGone(Exception):
    """The pipe closed: the peer exited or was killed."""


class FrameTooLarge(Exception):
    """The peer announced a frame larger than the reader accepts."""


def encode(message: Any) -> bytes:
    """One frame of strict JSON (see the module's docstring for NaN and lone surrogates)."""
    try:
        body = json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError as exc:
        if "Out of range float" not in str(exc):
            raise
        body = json.dumps(_finite(message), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    try:
        data = body.encode("utf-8")
    except UnicodeEncodeError:
        data = _LONE_SURROGATE.sub("\ufffd", body).encode("utf-8")
    return _HEADER.pack(len(data)) + data


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinity (values and keys) replaced by its JSON-report text."""
    if type(value) is float and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {_finite(k) if type(k) is float else k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def decode_untrusted(body: bytes) -> Any:
    """A worker's frame: strict JSON only (no NaN), surrogate escapes read as U+FFFD (:func:`encode`
    never writes one, and a lone surrogate would break every report that holds it)."""
    if b"\\u" in body:
        body = _SURROGATE_ESCAPE.sub(rb"\1\\ufffd", body)
    return json.loads(body, parse_constant=_refuse_constant)


def _read_exact_blocking(fd: int, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_blocking(fd: int) -> Any:
    """The next frame on ``fd``, or None at end of file (the worker's side: it trusts its parent)."""
    header = _read_exact_blocking(fd, _HEADER.size)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    body = _read_exact_blocking(fd, size)
    if body is None:
        return None
    return json.loads(body)


def write_all(fd: int, data: bytes, deadline: float | None = None) -> None:
    """Write every byte, waiting at most until ``deadline`` (monotonic) when one is given."""
    view = memoryview(data)
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    while view:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Deadline()
            if not poller.poll(max(1, int(left * 1000))):
                continue
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            continue
        except (BrokenPipeError, ConnectionResetError, OSError) as exc:
            raise PeerGone(str(exc)) from None
        view = view[written:]


class FrameReader:
    """Reads frames from a non-blocking pipe with a deadline and a size cap (the parent's side)."""

    def __init__(self, fd: int, max_frame: int) -> None:
        self._fd = fd
        self._max = max_frame
        self._buffer = bytearray()
        self._poller = select.poll()
        self._poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)

    def _fill(self, need: int, deadline: float) -> None:
        while len(self._buffer) < need:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Deadline()
            if not self._poller.poll(max(1, int(left * 1000 + 0.999))):
                continue
            try:
                chunk = os.read(self._fd, max(65536, need - len(self._buffer)))
            except BlockingIOError:
                continue
            except OSError as exc:
                raise PeerGone(str(exc)) from None
            if not chunk:
                raise PeerGone("end of file")
            self._buffer += chunk

    def read(self, deadline: float) -> Any:
        """The next frame, decoded; raises Deadline, PeerGone, FrameTooLarge or ValueError."""
        self._fill(_HEADER.size, deadline)
        (size,) = _HEADER.unpack_from(self._buffer)
        if size > self._max:
            raise FrameTooLarge(f"{size} bytes")
        self._fill(_HEADER.size + size, deadline)
        body = bytes(self._buffer[_HEADER.size:_HEADER.size + size])
        del self._buffer[:_HEADER.size + size]
        return decode_untrusted(body)
