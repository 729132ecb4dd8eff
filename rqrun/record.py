"""What a run keeps about one execution while it happens, and how it leaves: redacted.

Everything here turns raw request and response data into the frozen, redacted event values
the reporters see, or into an exported variables file.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from rqrun import events as ev
from rqrun.atomic import write_text_atomic
from rqrun.redact import Redactor

__all__ = ["ExecutionRecord", "sent_request", "received_response", "export_variables"]

#: What the sandbox puts where it shortened a text (see rqrun.sandbox: _clip, describe).
_CLIP_MARKER = "..."


@dataclass
class ExecutionRecord:
    """What is known about an execution while it happens."""

    request: ev.SentRequest | None = None
    response: ev.ReceivedResponse | None = None
    tests: list[ev.TestResult] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: ev.ErrorInfo | None = None
    scripts_run: int = 0
    scripts_failed: int = 0
    attempts: int = 0
    #: Flow control asked for by this execution's scripts (``rq.execution``): the last wins.
    next_request: list[str | None] | None = None
    skip: bool = False

    def count_attempt(self) -> None:
        self.attempts += 1

    def finish(self, cursor: ev.Cursor, name: str, redactor: Redactor) -> ev.Execution:
        r = redactor.redact

        def clipped(text: str) -> str:
            # Scripts shorten long test names, messages and values with "..." before the parent
            # sees them: a secret cut there must not leave its beginning visible.
            return redactor.redact_cut(text, _CLIP_MARKER)

        error = self.error
        if error is not None:
            error = dataclasses.replace(error, message=clipped(error.message))
        return ev.Execution(
            cursor=dataclasses.replace(cursor, path=tuple(r(p) for p in cursor.path)),
            name=r(name),
            request=self.request,
            response=self.response,
            tests=tuple(
                dataclasses.replace(t, name=clipped(t.name), error=clipped(t.error) if t.error else t.error)
                for t in self.tests
            ),
            console=tuple(r(line) for line in self.console),
            error=error,
            warnings=tuple(r(w) for w in self.warnings),
            scripts_run=self.scripts_run,
            scripts_failed=self.scripts_failed,
            attempts=max(self.attempts, 1) if self.request is not None else 0,
        )


def sent_request(prepared: Any, redactor: Redactor) -> ev.SentRequest:
    return ev.SentRequest(
        method=prepared.method,
        url=redactor.redact(prepared.url),
        headers=tuple(redactor.redact_headers(prepared.headers)),
        body=redactor.redact(prepared.body_preview) if prepared.body_preview is not None else None,
    )


def received_response(response: Any, redactor: Redactor, limit: int) -> ev.ReceivedResponse:
    """The response as reports show it: the body cut to ``limit`` characters, then redacted.

    A body cut here, or already cut by the HTTP layer, may end in the first part of a secret:
    :meth:`Redactor.redact_cut` masks that part too.
    """
    text = response.text()
    cut = bool(getattr(response, "truncated", False))
    if len(text) > limit:
        text, cut = text[:limit], True
    return ev.ReceivedResponse(
        code=response.code,
        status=response.reason,
        headers=tuple(redactor.redact_headers(response.headers)),
        time_ms=round(response.time_ms, 3),
        size=response.size,
        body=redactor.redact_cut(text) if cut else redactor.redact(text),
        http_version=response.http_version,
    )


def export_variables(path: str, name: str, values: dict[str, Any], scope: str, redactor: Redactor) -> str:
    """Write variables as a Postman-style environment file (mode 0600), every value redacted."""
    document = {
        "name": name,
        "values": [
            {"key": redactor.redact(k), "value": redactor.redact_obj(v), "type": "default", "enabled": True}
            for k, v in values.items()
        ],
        "_postman_variable_scope": scope,
        "_exported_using": "rqrun",
    }
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    write_text_atomic(path, text, mode=0o600)  # exported variables often hold tokens
    return path
