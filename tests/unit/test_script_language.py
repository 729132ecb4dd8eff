"""The one language rule (rqrun.script_language): markers, declared names, then the content."""

from __future__ import annotations

import pytest

from rqrun.script_language import (
    LANGUAGE_NAMES,
    Language,
    decide,
    parses_as_javascript,
    with_marker,
)


@pytest.mark.parametrize("source", [
    "const token = pm.response.json().token;",
    "let x = 1;\nx++;",
    "pm.test('ok', function () {\n  pm.response.to.have.status(200);\n});",
    "rq.test('ok', () => { rq.expect(1).to.equal(1) })",
    "if (a === b) { x = 1 }",
    "rq.sendRequest('http://x').then(r => r.json())",
    "const r = await pm.sendRequest('x');",  # top-level await: Postman runs scripts in an async function
    "if (!pm.environment.get('t')) return;",  # so is a top-level return
])
def test_javascript_is_recognised_by_a_parser(source: str) -> None:
    decision = decide(source)
    assert decision.language is Language.JAVASCRIPT and decision.reason == "content"


@pytest.mark.parametrize(("source", "line"), [
    ('rq.variables.set("arrow", "=>")\nif x == 1\n    y = 2\n', 2),
    ("def f(:\n    pass", 1),
    ("x = {'a': 1}\nprint(x", 2),
])
def test_neither_language_is_python_with_its_syntax_error(source: str, line: int) -> None:
    decision = decide(source)
    assert decision.language is Language.PYTHON and decision.line == line
    assert decision.error is not None and decision.error.startswith("SyntaxError")


def test_python_that_looks_like_javascript_is_python() -> None:
    assert decide("console.log('hi');").language is Language.PYTHON
    assert parses_as_javascript("console.log('hi');")  # both parse: Python wins


def test_nothing_of_the_source_runs_while_parsing() -> None:
    """An endless loop parses and returns at once: the check stops at its own ``throw`` first."""
    assert parses_as_javascript("for (;;) {}")
    assert parses_as_javascript("while (true) { globalThis.x = (globalThis.x || 0) + 1 }")
    assert not parses_as_javascript("x = = 1")


@pytest.mark.parametrize(("source", "declared", "expected"), [
    ("// javascript\nconsole.log('x')", "", Language.JAVASCRIPT),
    ("  // JS  \nx = 1", "python", Language.JAVASCRIPT),
    ("\n# python\nfoo(", "text/javascript", Language.PYTHON),
    ("x = 1", "text/python", Language.PYTHON),
    ("var a;", "py", Language.PYTHON),
    ("x = 1", "application/javascript", Language.JAVASCRIPT),
    ("x = 1", "Text/CoffeeScript", Language.UNKNOWN),
    ("// python is great\nvar a;", "", Language.JAVASCRIPT),  # not a marker: a comment that says more
    ("# js\nx = 1", "", Language.PYTHON),  # a Python comment is no JavaScript marker
])
def test_markers_then_declarations(source: str, declared: str, expected: Language) -> None:
    assert decide(source, declared).language is expected


def test_every_name_is_lower_case_and_maps_to_a_runnable_or_known_language() -> None:
    assert all(name == name.lower() for name in LANGUAGE_NAMES)
    assert {"python", "py", "text/python", "javascript", "js", "text/javascript"} <= set(LANGUAGE_NAMES)


def test_with_marker_adds_one_line_once() -> None:
    marked = with_marker("pm.test('a', () => {});", Language.JAVASCRIPT)
    assert marked == "// javascript\npm.test('a', () => {});"
    assert with_marker(marked, Language.JAVASCRIPT) == marked
    assert decide(with_marker("x = 1", Language.JAVASCRIPT)).language is Language.JAVASCRIPT
