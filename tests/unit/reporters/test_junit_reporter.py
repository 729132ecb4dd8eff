"""The JUnit report: structure and counts a CI parser reads, escaping, interrupted runs, redaction."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from rqrun.events import ErrorInfo
from rqrun.events import TestResult as Result  # aliased: pytest would try to collect Test*
from rqrun.reporters.junit import JunitReporter, xml_attr, xml_text

from reporter_kit import SECRET, Harness, execution

FAILING = execution(
    position=1,
    path=("Auth", "Login"),
    code=401,
    status="Unauthorized",
    time_ms=12.5,
    tests=(
        Result("status is 200", "failed", "expected 401 to equal 200"),
        Result("has body", "passed"),
        Result("later", "skipped"),
    ),
    console=("logging in", "done"),
)
SCRIPT_ERROR = execution(
    position=2,
    path=("Broken",),
    tests=(),
    error=ErrorInfo("script", "pre-request", "NameError: x", line=4),
)


def _report(harness: Harness, make_ctx: Any, tmp_path: Path, executions: list[Any], iterations: int = 1) -> ET.Element:
    path = tmp_path / "out" / "junit.xml"
    reporter = JunitReporter(harness.bus, make_ctx(options={"export": str(path)}))
    harness.run(executions, iterations)
    assert reporter.close() == [str(path)]
    assert harness.bus.listener_errors == []
    return ET.parse(path).getroot()


def test_root_and_suite_counts(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    root = _report(harness, make_ctx, tmp_path, [execution(), FAILING, SCRIPT_ERROR])
    assert root.tag == "testsuites"
    assert root.attrib == {
        "name": "Demo API", "tests": "5", "failures": "1", "errors": "1", "skipped": "1", "time": "1.500",
    }
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["Users / Get user", "Auth / Login", "Broken"]
    login = suites[1]
    assert {k: login.get(k) for k in ("tests", "failures", "errors", "skipped", "time")} == {
        "tests": "3", "failures": "1", "errors": "0", "skipped": "1", "time": "0.013",
    }
    assert login.get("timestamp")
    cases = login.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("Auth / Login", "status is 200"), ("Auth / Login", "has body"), ("Auth / Login", "later"),
    ]
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("message") == "expected 401 to equal 200"
    assert cases[1].find("failure") is None and cases[1].find("skipped") is None
    assert cases[2].find("skipped") is not None
    assert login.findtext("system-out") == "logging in\ndone"


def test_an_execution_error_becomes_an_error_testcase(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    root = _report(harness, make_ctx, tmp_path, [SCRIPT_ERROR])
    (suite,) = root.findall("testsuite")
    assert suite.get("errors") == "1" and suite.get("tests") == "1"
    (case,) = suite.findall("testcase")
    assert case.get("classname") == "Broken"
    error = case.find("error")
    assert error is not None
    assert error.get("type") == "script"
    assert error.get("message") == "NameError: x"
    assert "line 4" in (error.text or "")


def test_iteration_is_in_the_suite_name_only_with_several(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    root = _report(harness, make_ctx, tmp_path, [execution(iteration=0), execution(iteration=1)], iterations=2)
    assert [s.get("name") for s in root.findall("testsuite")] == [
        "Users / Get user [iteration 1]", "Users / Get user [iteration 2]",
    ]
    assert {c.get("classname") for c in root.iter("testcase")} == {"Users / Get user"}


def test_awkward_text_is_escaped_and_still_parses(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    nasty = 'a <b> & "c" \'d\' ]]> e\x00\x1b\x7f\ud800 f\tg'
    ex = execution(
        path=("F <1>", "R & \"2\""),
        tests=(Result(nasty, "failed", f"line1\n{nasty}\r\nline3"),),
        console=(nasty, "<![CDATA[ x ]]>"),
    )
    root = _report(harness, make_ctx, tmp_path, [ex])
    case = root.find("testsuite/testcase")
    assert case is not None
    assert case.get("classname") == 'F <1> / R & "2"'
    assert case.get("name") == 'a <b> & "c" \'d\' ]]> e\x7f f\tg'
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message", "").startswith("line1\n")
    assert root.findtext("testsuite/system-out") == 'a <b> & "c" \'d\' ]]> e\x7f f\tg\n<![CDATA[ x ]]>'


def test_escaping_helpers() -> None:
    assert xml_text("a]]>b<&") == "a]]&gt;b&lt;&amp;"
    assert xml_text("x\x00\x08\x0b\x0c\x1fy\ufffe") == "xy"
    assert xml_attr('q"\n\r\t') == "q&quot;&#10;&#13;&#9;"


def test_interrupted_run_still_leaves_valid_xml(harness: Harness, make_ctx: Any, tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    reporter = JunitReporter(harness.bus, make_ctx(options={"export": str(path)}))
    harness.start(iterations=1, items=5)
    harness.iteration(0)
    harness.item(execution())
    harness.item(FAILING)
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt:
        assert reporter.close() == [str(path)]
    text = path.read_text("utf-8")
    assert "incomplete" in text
    root = ET.fromstring(text)
    assert len(root.findall("testsuite")) == 2
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("4", "1", "1")
    assert not Path(str(path) + ".partial").exists()
    assert reporter.close() == [str(path)]  # twice is fine


def test_no_secret_in_the_report_even_if_an_event_carries_one(
    harness: Harness, make_ctx: Any, tmp_path: Path
) -> None:
    leaky = execution(
        path=("Auth", f"Login {SECRET}"),
        url=f"https://api.example.test/?token={SECRET}",
        tests=(Result(f"token is {SECRET}", "failed", f"expected {SECRET}"),),
        console=(f"the token is {SECRET}",),
        error=ErrorInfo("vault", "request", f"bad {SECRET}"),
        warnings=(f"warn {SECRET}",),
    )
    path = tmp_path / "junit.xml"
    reporter = JunitReporter(harness.bus, make_ctx(options={"export": str(path)}))
    harness.start(name=f"Coll {SECRET}")
    harness.item(leaky)
    harness.finish()
    reporter.close()
    text = path.read_text("utf-8")
    ET.fromstring(text)
    assert SECRET not in text
    assert "********" in text


def test_default_path_is_rqrun_report_xml(harness: Harness, make_ctx: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    reporter = JunitReporter(harness.bus, make_ctx())
    harness.run([execution()])
    assert reporter.close() == [str(tmp_path / "rqrun-report.xml")]
    ET.parse(tmp_path / "rqrun-report.xml")
    assert [p.name for p in tmp_path.iterdir()] == ["rqrun-report.xml"]  # no temp file left behind
