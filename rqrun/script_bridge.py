"""The plain-data shapes that cross into the script sandbox and back.

Scripts never see model objects: a request goes in as a JSON-like dict and, in the pre-request
phase, comes back as one. This module converts both ways and nothing else.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import parse_qsl

from rqrun.http import HttpResponse
from rqrun.model import Body, FormPart, KeyValue, Request
from rqrun.prepare import PreparedRequest

__all__ = ["template_to_dict", "apply_request_dict", "sent_to_dict", "response_to_dict", "request_from_spec"]


def _pairs(rows: list[KeyValue]) -> list[dict[str, str]]:
    return [{"key": r.key, "value": r.value} for r in rows if r.enabled and r.key]


def template_to_dict(request: Request) -> dict[str, Any]:
    """The request template as a pre-request script sees it (placeholders not yet rendered)."""
    body: Any = None
    if request.body.mode == "raw":
        body = request.body.raw
    elif request.body.mode == "urlencoded":
        body = _pairs(request.body.urlencoded)
    elif request.body.mode == "graphql" and request.body.graphql:
        body = request.body.graphql.query
    return {
        "id": request.id,
        "name": request.name,
        "url": request.url,
        "method": request.method,
        "headers": _pairs(request.headers),
        "queryParams": _pairs(request.query),
        "bodyMode": request.body.mode,
        "body": body,
        "timeout": request.settings.get("timeout_ms"),
    }


def _rows_from(value: Any) -> list[KeyValue]:
    rows: list[KeyValue] = []
    for entry in value or []:
        if isinstance(entry, dict):
            rows.append(KeyValue(str(entry.get("key", "")), _text(entry.get("value", ""))))
    return rows


def _text(value: Any) -> str:
    from rqrun.variables import to_text

    return to_text(value)


def apply_request_dict(request: Request, data: dict[str, Any] | None) -> Request:
    """A copy of ``request`` with a pre-request script's changes applied.

    Only what the script changed is touched, so disabled rows and body details it never saw
    survive. A URL set with a query string moves that query into the query rows.
    """
    if not data or data == template_to_dict(request):
        return request
    original = template_to_dict(request)
    changes: dict[str, Any] = {}
    url = str(data.get("url", request.url))
    query_rows = _rows_from(data.get("queryParams")) if data.get("queryParams") != original["queryParams"] else None
    if url != request.url:
        base, sep, query = url.partition("?")
        if sep:
            url = base
            from_url = [KeyValue(k, v) for k, v in parse_qsl(query, keep_blank_values=True)]
            query_rows = (query_rows if query_rows is not None else list(request.query)) + from_url
        changes["url"] = url
    if query_rows is not None:
        changes["query"] = query_rows
    timeout = data.get("timeout")
    if timeout != original["timeout"]:
        valid = isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout > 0
        changes["settings"] = {**request.settings, "timeout_ms": timeout if valid else None}
    if data.get("method") and data["method"] != request.method:
        changes["method"] = str(data["method"]).upper()
    if data.get("headers") != original["headers"]:
        changes["headers"] = _rows_from(data.get("headers"))
    if data.get("body") != original["body"]:
        new_body = data.get("body")
        if isinstance(new_body, list):
            changes["body"] = Body(mode="urlencoded", urlencoded=_rows_from(new_body))
        elif new_body is None:
            changes["body"] = Body(mode="none")
        else:
            changes["body"] = dataclasses.replace(
                request.body if request.body.mode == "raw" else Body(),
                mode="raw",
                raw=_text(new_body),
            )
    return dataclasses.replace(request, **changes)


def sent_to_dict(request: Request, prepared: PreparedRequest) -> dict[str, Any]:
    """The request as sent, for post-response scripts."""
    base, _, query = prepared.url.partition("?")
    return {
        "id": request.id,
        "name": request.name,
        "url": prepared.url,
        "method": prepared.method,
        "headers": [{"key": k, "value": v} for k, v in prepared.headers],
        "queryParams": [{"key": k, "value": v} for k, v in parse_qsl(query, keep_blank_values=True)],
        "bodyMode": request.body.mode,
        "body": prepared.body_preview,
    }


def response_to_dict(response: HttpResponse) -> dict[str, Any]:
    return {
        "code": response.code,
        "status": response.reason,
        "headers": [{"key": k, "value": v} for k, v in response.headers],
        "body": response.text(),
        "responseTime": round(response.time_ms, 3),
    }


def request_from_spec(spec: Any) -> Request:
    """The request ``rq.sendRequest`` asks for, in the worker's normalised shape.

    ``{url, method, headers, queryParams, bodyMode, body}``: the worker turns every call
    form (a URL, Postman's ``{header, body: {mode, raw}}``) into this. It is untrusted data
    from the worker, so every field is checked here again.
    """
    from rqrun.errors import ScriptError

    if isinstance(spec, str):
        spec = {"url": spec}
    if not isinstance(spec, dict) or not isinstance(spec.get("url"), str) or not spec["url"]:
        raise ScriptError("rq.sendRequest needs a URL or a dict with a 'url'")
    mode = spec.get("bodyMode") or "none"
    raw_body = spec.get("body")
    body = Body()
    if mode == "raw" and isinstance(raw_body, str):
        content_type = None if any(kv.key.lower() == "content-type" for kv in _rows_from(spec.get("headers"))) else "text/plain"
        body = Body(mode="raw", raw=raw_body, content_type=content_type)
    elif mode == "urlencoded" and isinstance(raw_body, list):
        body = Body(mode="urlencoded", urlencoded=_rows_from(raw_body))
    elif mode == "formdata" and isinstance(raw_body, list):
        body = Body(mode="formdata", formdata=[FormPart(kv.key, kv.value) for kv in _rows_from(raw_body)])
    elif mode != "none":
        raise ScriptError(f"rq.sendRequest: body mode {mode!r} is not supported")
    url, _, query = spec["url"].partition("?")
    return Request(
        id="sendRequest",
        name="sendRequest",
        method=str(spec.get("method") or "GET").upper(),
        url=url,
        query=[KeyValue(k, v) for k, v in parse_qsl(query, keep_blank_values=True)] + _rows_from(spec.get("queryParams")),
        headers=_rows_from(spec.get("headers")),
        body=body,
        settings={"disable_body_pruning": True},
    )
