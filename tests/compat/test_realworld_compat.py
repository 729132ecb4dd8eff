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
    load_expected,
    matches,
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


def _drop(*indexes: int) -> Callable[[list[Request]], None]:
    def fix(requests: list[Request]) -> None:
        for index in sorted(indexes, reverse=True):
            del requests[index]

    return fix


_UNREADABLE_UPLOAD = (
    "A form-data file that cannot be read (missing, or outside the collection's folder) fails its "
    "request as an input error (exit 3) and the request is not sent; Newman warns and sends the "
    "request without the file. A request that silently loses its upload is a wrong request, and "
    "the file-read confinement depends on the refusal being an error (README, deliberate differences)."
)

#: Deliberate differences from the reference, by case: (why, fix-up applied to the expected list).
DEVIATIONS: dict[str, list[tuple[str, Callable[[list[Request]], None]]]] = {
    "newman-custom-http-method": [(_UNREADABLE_UPLOAD, _drop(0))],  # upload-file.csv is not in the file's folder
    "postman-codegen-formdataFileCollection": [(_UNREADABLE_UPLOAD, _drop(0, 1))],  # /Users/... absolute paths
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
    assert result.code == case.exit_code, result
    got = normalise_all(recording_server.requests.snapshot(), case)
    want = _expected(case)
    problems = [_describe(i, w, g) for i, (w, g) in enumerate(zip(want, got, strict=False)) if w != g]
    if len(want) != len(got):
        problems.append(f"newman sent {len(want)} requests, rqrun {len(got)}")
    assert not problems, "\n".join(problems)


#: A case whose requests fail on purpose (exit_code) never runs their scripts: the frozen run covers it.
_AS_PUBLISHED = [c for c in CASES if (script_count(c, stubs=True) or uses_dynamic(c)) and not c.exit_code]
@pytest.mark.parametrize(
    "case",
    _AS_PUBLISHED,
    ids=lambda c: c.name,
)
def test_realworld__as_published_scripts_run_and_requests_go_out(
    case: Case, run_cli: RunCli, recording_server: RecordingServer, tmp_path: Path
) -> None:
    """The file with its scripts and ``{{$dynamic}}`` values, over two iterations (or the data
    file's rows). Scripts are JavaScript and run now: no run crashes or hangs, and Requestly files
    (whose scripts use rq) send exactly the frozen requests, dynamic values in the marked shape.
    What Postman files send once their pm scripts run is the Newman differential's business."""
    prepare_server(recording_server, case)
    collection = tmp_path / case.collection
    collection.write_text(json.dumps(rewrite(case, recording_server.url, strip_scripts=False, freeze=False)), encoding="utf-8")
    args = ["run", str(collection)]
    args += ["-d", str(REALWORLD / case.data)] if case.data else ["-n", "2"]
    if case.environment:
        args += ["-e", str(REALWORLD / case.environment)]
    result = run_cli(*args)
    assert result.code in (0, 1, 4), result
    assert "Traceback" not in result.output and "unsupported" not in result.output, result
    if case.is_postman:
        return
    assert result.code in (0, 1), result  # tests may fail against the canned server; no script errors
    want = _expected(case) * (1 if case.data else 2)
    got = normalise_all(recording_server.requests.snapshot(), case)
    assert len(got) == len(want)
    bad = [_describe(i, w, g) for i, (w, g) in enumerate(zip(want, got, strict=True)) if not matches(w, g)]
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


def test_realworld__published_javascript_runs_after_each_request(
    run_cli: RunCli, recording_server: RecordingServer, tmp_path: Path
) -> None:
    """wise-payouts as published: its 11 JavaScript test scripts run (none is 'unsupported'), and,
    being post-response scripts, every request went out first."""
    case = next(c for c in CASES if c.name == "wise-payouts")
    result = _run(run_cli, case, recording_server, tmp_path, strip=False)
    assert result.code in (0, 1, 4), result
    assert len(recording_server.requests) == len(_expected(case))
    assert script_count(case) == 11
    errors = [e["error"] for e in result.json["executions"] if e["error"]]
    assert all(e["kind"] != "unsupported" and e["source"] == "post-response" for e in errors), errors
