"""Every httpx exception becomes a RequestSendError with a kind a report can show."""

from __future__ import annotations

import httpx
import pytest

from rqrun.errors import RequestSendError
from rqrun.http import map_httpx_error


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


HTTPX_ERRORS = sorted(
    {c for c in _all_subclasses(httpx.HTTPError) if c.__module__.startswith("httpx")} | {httpx.InvalidURL},
    key=lambda c: c.__name__,
)


def _make(cls):
    if cls is httpx.HTTPStatusError:
        request = httpx.Request("GET", "http://h")
        return cls("bad", request=request, response=httpx.Response(500, request=request))
    return cls("boom")


@pytest.mark.parametrize("cls", HTTPX_ERRORS, ids=lambda c: c.__name__)
def test_every_httpx_exception_is_mapped(cls):
    error = map_httpx_error(_make(cls), "http://h/x", 1000)
    assert isinstance(error, RequestSendError)
    assert error.kind in {"timeout", "network", "tls", "protocol", "redirects", "invalid-request"}
    assert "http://h/x" in error.one_line()


def test_tls_failure_is_named_with_a_hint():
    error = map_httpx_error(httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), "https://h", 1000)
    assert error.kind == "tls"
    assert "--insecure" in error.one_line()


def test_timeout_names_the_limit_and_the_flag():
    error = map_httpx_error(httpx.ReadTimeout("read"), "http://h", 250)
    assert error.kind == "timeout"
    assert "250 ms" in error.one_line() and "--timeout-request" in error.one_line()
