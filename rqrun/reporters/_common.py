"""Small helpers the built-in reporters share: labels, headers, report paths, exit codes.

Kept apart so that each reporter module holds only its own format.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from rqrun.errors import ExitCode, RqrunError, UsageError
from rqrun.redact import Redactor, mask_header

__all__ = [
    "item_label",
    "headers_object",
    "prepare_report_path",
    "exit_code_for",
    "utc_now_iso",
]


def item_label(path: Iterable[str], iteration: int | None = None, iterations: int = 1) -> str:
    """``Folder / Request``, plus `` [iteration N]`` (1-based) when the run has several."""
    label = " / ".join(path)
    if iteration is not None and iterations > 1:
        label = f"{label} [iteration {iteration + 1}]"
    return label


def headers_object(headers: Iterable[tuple[str, str]], redactor: Redactor) -> dict[str, Any]:
    """Headers as a JSON object: masked, redacted, repeated names merged.

    Names are merged case-insensitively under their first spelling. Repeated values are joined
    with ``, `` as HTTP allows, except ``set-cookie``, whose values cannot be joined safely and
    is therefore always a list.
    """
    result: dict[str, Any] = {}
    keys: dict[str, str] = {}
    for name, value in headers:
        lowered = name.lower()
        value = redactor.redact(mask_header(name, value))
        key = keys.setdefault(lowered, redactor.redact(name))
        if lowered == "set-cookie":
            result.setdefault(key, []).append(value)
        elif key in result:  # joined text is new text: redacted again
            result[key] = redactor.redact(f"{result[key]}, {value}")
        else:
            result[key] = value
    return result


def prepare_report_path(options: Any, default: str, flag: str) -> str:
    """The report's absolute path, its parent directory created; a :class:`UsageError` if not."""
    raw = options.get("export") if options else None
    path = os.path.abspath(os.path.expanduser(str(raw or default)))
    if os.path.isdir(path):
        raise UsageError(f"cannot write the report to {path}: it is a directory", hint=f"give a file path to {flag}")
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the folder for {path}: {exc.strerror or exc}", hint=f"check {flag}") from exc
    return path


def exit_code_for(exc: BaseException | None, recorded: int) -> int:
    """The exit code of a run that ended with ``exc`` instead of ``RunFinished``.

    The highest code wins, as in the summary; an unfinished run is never reported as a success.
    """
    if exc is None:
        exc = sys.exc_info()[1]
    if isinstance(exc, KeyboardInterrupt):  # Ctrl-C, or SIGTERM/SIGHUP (rqrun.errors.Interrupted)
        code = getattr(exc, "exit_code", ExitCode.INTERRUPTED)
    elif isinstance(exc, RqrunError):
        code = exc.exit_code
    else:
        code = ExitCode.RUN
    return max(int(code), int(recorded))


def utc_now_iso() -> str:
    """Now, as the ISO-8601 UTC timestamp reports use."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
