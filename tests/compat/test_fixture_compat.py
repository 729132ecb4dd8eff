"""Newman's request rules, one small collection each, through the real CLI.

``tests/fixtures/postman/compat/`` holds collections written to pin one rule per request
(trailing whitespace in headers, comments in JSON bodies, bare query keys, ``user:pass@``...).
Their expectations in ``expected/fixture-*.json`` were recorded from Newman 6.2.2 by
``generate_expectations.py``; unlike the real-world suite they need nothing outside the repo.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from compat_kit import FIXTURE_CASES, Case, load_expected, normalise_all, prepare_server, rewrite
from support.cli import CliResult, RunCli
from support.servers import RecordingServer

Request = dict[str, Any]


def _run(run_cli: RunCli, case: Case, server: RecordingServer, tmp_path: Path, *extra: str) -> CliResult:
    prepare_server(server, case)
    collection = tmp_path / case.collection
    collection.write_text(json.dumps(rewrite(case, server.url)), encoding="utf-8")
    return run_cli("run", str(collection), *extra)


def _describe(index: int, want: Request, got: Request) -> str:
    fields = [k for k in want if want[k] != got.get(k)]
    lines = [f"request #{index} ({want['method']} {want['target']}) differs in {', '.join(fields)}:"]
    for key in fields:
        lines.append(f"  {key}: newman {json.dumps(want[key])}")
        lines.append(f"  {' ' * len(key)}  rqrun  {json.dumps(got.get(key))}")
    return "\n".join(lines)


@pytest.mark.parametrize("case", FIXTURE_CASES, ids=lambda c: c.name)
def test_fixture__sends_what_newman_sends(case: Case, run_cli: RunCli, recording_server: RecordingServer, tmp_path: Path) -> None:
    """Request for request: method, raw target, decoded path and query, headers, body."""
    result = _run(run_cli, case, recording_server, tmp_path)
    assert result.code == 0, result
    got = normalise_all(recording_server.requests.snapshot(), case)
    want: list[Request] = load_expected(case)["requests"]
    problems = [_describe(i, w, g) for i, (w, g) in enumerate(zip(want, got, strict=False)) if w != g]
    if len(want) != len(got):
        problems.append(f"newman sent {len(want)} requests, rqrun {len(got)}")
    assert not problems, "\n".join(problems)
