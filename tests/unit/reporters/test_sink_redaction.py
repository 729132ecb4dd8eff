"""Each reporter masks the text it writes, after its own shaping, not only the text it was given.

A secret holding control characters and a line break reaches a report in a slightly different
spelling (another control character, other line ends: an echoing server, a shell). The
redactor does not match that spelling, but the reporter's shaping (the terminal drops controls
and joins lines, JUnit drops what XML forbids, HTML shows controls as U+FFFD) turns it into
exactly the secret's registered shape: the reporter must mask what it is about to write.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from rqrun.events import ErrorInfo
from rqrun.events import TestResult as Result  # aliased: pytest would try to collect Test*
from rqrun.options import RunOptions
from rqrun.redact import MASK, Redactor, html_safe, one_line, xml_safe
from rqrun.reporters import ReporterContext
from rqrun.reporters.cli import CliReporter
from rqrun.reporters.html import HtmlReporter
from rqrun.reporters.junit import JunitReporter

from reporter_kit import Harness, execution

SECRET = "ab\x1bcd-secret-value\r\nline-two-of-it"
VARIANT = "ab\x07cd-secret-value\r\nline-two-of-it"  # another control character


def _context(redactor: Redactor, out: io.StringIO, options: dict[str, Any] | None = None) -> ReporterContext:
    return ReporterContext(
        out=out, err=out, color=False, quiet=False, redactor=redactor,
        options=options or {}, run_options=RunOptions(collection="c.json"),
    )


def _play(reporter_cls: Any, tmp_path: Path, suffix: str) -> str:
    out = io.StringIO()
    harness = Harness()
    path = tmp_path / f"report{suffix}"
    reporter = reporter_cls(harness.bus, _context(Redactor([SECRET]), out, {"export": str(path)}))
    harness.run([execution(
        tests=(Result("named " + VARIANT, "failed", "got " + VARIANT),),
        console=("printed " + VARIANT,),
        error=ErrorInfo("runtime", "post-response", "raised " + VARIANT),
        body="echo " + VARIANT,
    )])
    reporter.close()
    return out.getvalue() + (path.read_text("utf-8") if path.exists() else "")


@pytest.mark.parametrize(
    ("reporter_cls", "suffix", "shape"),
    [(CliReporter, "", one_line), (JunitReporter, ".xml", xml_safe), (HtmlReporter, ".html", html_safe)],
)
def test_the_shaped_text_is_what_gets_masked(reporter_cls: Any, suffix: str, shape: Any, tmp_path: Path) -> None:
    assert Redactor([SECRET]).redact(VARIANT) == VARIANT  # as given, the spelling matches no form
    shaped = shape(SECRET)
    assert shape(VARIANT) == shaped  # the reporter's shaping turns the variant into the secret's shape
    written = _play(reporter_cls, tmp_path, suffix)
    assert shaped not in written
    assert MASK in written
