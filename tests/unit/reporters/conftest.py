"""Fixtures for the reporter tests; the builders live in :mod:`reporter_kit`."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from rqrun.options import RunOptions
from rqrun.redact import Redactor
from rqrun.reporters import ReporterContext

from reporter_kit import SECRET, Harness


@pytest.fixture
def harness() -> Harness:
    return Harness()


@pytest.fixture
def redactor() -> Redactor:
    return Redactor([SECRET])


@pytest.fixture
def make_ctx(redactor: Redactor) -> Callable[..., ReporterContext]:
    def make(
        *,
        out: Any = None,
        err: Any = None,
        color: bool = False,
        quiet: bool = False,
        options: dict[str, Any] | None = None,
    ) -> ReporterContext:
        return ReporterContext(
            out=out if out is not None else io.StringIO(),
            err=err if err is not None else io.StringIO(),
            color=color,
            quiet=quiet,
            redactor=redactor,
            options=options or {},
            run_options=RunOptions(collection="collections/demo.json"),
        )

    return make
