"""Real-world collections through the real CLI: rqrun sends what Newman 6.2.2 sends.

Each case rewrites a file from ``tests/fixtures/realworld`` (URLs to the test's recording server,
scripts stripped: see ``compat_kit``), runs ``rqrun run`` in a subprocess, and compares what
the server received with ``expected/<case>.json``, which ``generate_expectations.py`` recorded
from Newman with the same rewrite. Deliberate differences are listed in ``DEVIATIONS`` with
their reason; anything else is a failure.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from compat_kit import (
    CASES,
    REALWORLD,
    Case,
    dynamic_pattern,
    load_expected,
    normalise_all,
    prepare_server,
    rewrite,
    script_count,
    uses_dynamic,
)
from support.cli import CliResult, RunCli
from support.servers import RecordingServer

Request = dict[str, Any]



def _csv_amount_kept_as_written(requests: list[Request]) -> None:
    for req in requests:
        text = req["body"].get("text")
        if text:
            req["body"]["text"] = text.replace('"targetAmount": "2",', '"targetAmount": "2.00",')


#: Deliberate differences from the reference, by case: (why, fix-up applied to the expected list).
DEVIATIONS: dict[str, list[tuple[str, Callable[[list[Request]], None]]]] = {
    "wise-connected-apps-balance+data": [
        (
            "Newman types an unquoted CSV cell with parseFloat, so the data file's amount 2.00 goes out "
            "as 2; rqrun types a cell only when that loses nothing (rqrun/formats/datafile.py), so an "
            "amount, a sort code or an id with leading zeros is sent exactly as the file wrote it.",
            _csv_amount_kept_as_written,
        )
    ],
}


def _run(run_cli: RunCli, case: Case, server: RecordingServer, tmp_path: Path, *extra: str, strip: bool = True) -> CliResult:
    prepare_server(server, case)
    collection = tmp_path / case.collection
    collection.write_text(json.dumps(rewrite(case, server.url, strip_scripts=strip)), encoding="utf-8")
    args: list[str] = ["run", str(collection), "--reporters", "cli,json", "--reporter-json-export", str(tmp_path / "report.json")]
    if case.data:
        args += ["-d", str(REALWORLD / case.data)]
    if case.environment:
        args += ["-e", str(REALWORLD / case.environment)]
    return run_cli(*args, *extra)


def _expected(case: Case) -> list[Request]:
    requests: list[Request] = load_expected(case)["requests"]
    for _, fix in DEVIATIONS.get(case.name, []):
        fix(requests)
    return requests


def _describe(index: int, want: Request, got: Request) -> str:
    fields = [k for k in want if want[k] != got.get(k)]
    lines = [f"request #{index} ({want['method']} {want['target']}) differs in {', '.join(fields)}:"]
    for key in fields:
        lines.append(f"  {key}: newman {json.dumps(want[key])}")
        lines.append(f"  {' ' * len(key)}  rqrun  {json.dumps(got.get(key))}")
    return "\n".join(lines)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_realworld__sends_what_the_reference_sends(case: Case, run_cli: RunCli, recording_server: RecordingServer, tmp_path: Path) -> None:
    """Request for request: method, target, decoded path and query, headers, body."""
    result = _run(run_cli, case, recording_server, tmp_path)
    assert result.code == 0, result
    got = normalise_all(recording_server.requests.snapshot(), case)
    want = _expected(case)
    problems = [_describe(i, w, g) for i, (w, g) in enumerate(zip(want, got, strict=False)) if w != g]
    if len(want) != len(got):
        problems.append(f"newman sent {len(want)} requests, rqrun {len(got)}")
    assert not problems, "\n".join(problems)


def _matches(want: Any, got: Any) -> bool:
    """Equality, except that a ``dyn-name`` marker in an expected text matches a generated value."""
    if isinstance(want, str) and "dyn-" in want:
        return isinstance(got, str) and dynamic_pattern(want).fullmatch(got) is not None
    if isinstance(want, list):
        return isinstance(got, list) and len(want) == len(got) and all(map(_matches, want, got))
    if isinstance(want, dict):
        return isinstance(got, dict) and want.keys() == got.keys() and all(_matches(want[k], got[k]) for k in want)
    return bool(want == got)


_AS_PUBLISHED = [c for c in CASES if script_count(c, stubs=True) or uses_dynamic(c)]
@pytest.mark.parametrize(
    "case",
    _AS_PUBLISHED,
    ids=lambda c: c.name,
)
def test_realworld__as_published_scripts_warn_once_and_requests_still_go_out(
    case: Case, run_cli: RunCli, recording_server: RecordingServer, tmp_path: Path
) -> None:
    """The file with its scripts and ``{{$dynamic}}`` values, over two iterations (or the data
    file's rows), with ``--allow-unsupported-scripts`` (JavaScript fails its request otherwise):
    one warning per script in the CLI output, not one per execution; every request still sent;
    dynamic values generated in the shape the frozen expectation marks."""
    prepare_server(recording_server, case)
    collection = tmp_path / case.collection
    collection.write_text(json.dumps(rewrite(case, recording_server.url, strip_scripts=False, freeze=False)), encoding="utf-8")
    args = ["run", str(collection), "--allow-unsupported-scripts"]
    args += ["-d", str(REALWORLD / case.data)] if case.data else ["-n", "2"]
    if case.environment:
        args += ["-e", str(REALWORLD / case.environment)]
    result = run_cli(*args)
    assert result.code == 0, result
    assert result.output.count("JavaScript script not run") == script_count(case), result
    want = _expected(case) * (1 if case.data else 2)
    got = normalise_all(recording_server.requests.snapshot(), case)
    assert len(got) == len(want)
    bad = [_describe(i, w, g) for i, (w, g) in enumerate(zip(want, got, strict=True)) if not _matches(w, g)]
    assert not bad, "\n".join(bad)


def test_requestly__snapshots_say_what_was_checked_by_hand() -> None:
    """The Requestly expectations come from rqrun, so the points a person checked are pinned here:
    sub-collections inherit the collection's bearer, a request's own bearer wins (an unresolved
    ``{{token}}`` goes out literally in a header), blank query rows are dropped, the URL's query is
    not doubled by ``queryParams``, collection variables fill host and path, and GraphQL records
    POST JSON with their variables inserted as written."""
    plain = load_expected(next(c for c in CASES if c.name == "requestly-sample-collections"))["requests"]
    assert [(r["method"], r["target"]) for r in plain] == [
        ("GET", "/v0/beststories.json?print=pretty"),
        ("GET", "/v0/newstories.json?print=pretty"),
        ("GET", "/v0/item/33678808.json?print=pretty"),
        ("GET", "/v0/topstories.json?print=pretty"),
        ("GET", "/echo"),
        ("GET", "/echo"),
        ("GET", "/echo?token=er"),
        ("GET", "/echo"),
    ]
    auth = [dict(r["headers"]).get("authorization") for r in plain]
    assert auth == [None] * 4 + ["Bearer your_token"] * 3 + ["Bearer {{token}}"]
    graphql = load_expected(next(c for c in CASES if c.name == "requestly-sample-collections-graphql"))["requests"]
    assert graphql[3:] == plain
    for req in graphql[:3]:
        assert req["method"] == "POST" and req["path"] == "/api"
        assert req["headers"] == [["content-type", "application/json"]]
        body = json.loads(req["body"]["text"])
        assert set(body) == {"query", "variables"} and isinstance(body["variables"], dict)
    assert '"variables":{\n  "userid" : "1"\n}}' in graphql[1]["body"]["text"]  # as written, spaces and all


def test_realworld__unsupported_scripts_fail_each_scripted_request_by_default(
    run_cli: RunCli, recording_server: RecordingServer, tmp_path: Path
) -> None:
    """wise-payouts as published: its 11 JavaScript test scripts fail their 11 requests (exit 4),
    and, being post-response scripts, every request still went out first."""
    case = next(c for c in CASES if c.name == "wise-payouts")
    result = _run(run_cli, case, recording_server, tmp_path, strip=False)
    assert result.code == 4, result
    assert len(recording_server.requests) == len(_expected(case))
    errors = [e["error"] for e in result.json["executions"] if e["error"]]
    assert len(errors) == script_count(case) == 11
    assert all(e["type"] == "script" and e["kind"] == "unsupported" and e["source"] == "post-response" for e in errors)
