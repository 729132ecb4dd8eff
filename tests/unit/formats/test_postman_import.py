"""The Postman importer's own rules: JavaScript stays JavaScript under a marker, comments stay comments, and the report."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from RestrictedPython import compile_restricted

from rqrun.formats.postman_import import SCRIPT_HEADER, comment_out, import_collection
from rqrun.model import Auth, Collection, Folder, Request, Script, Scripts


@settings(max_examples=300, deadline=None)
@given(source=st.text())
def test_any_script_text_becomes_python_that_does_nothing(source: str) -> None:
    """Whatever the JavaScript holds (NUL, form feeds, U+2028, lone surrogates), the result compiles to nothing."""
    python = comment_out(source)
    assert python.startswith(SCRIPT_HEADER)
    python.encode("utf-8")
    code = compile(python, "script", "exec")
    assert code.co_names == () and code.co_consts in ((None,), ())
    assert compile_restricted(python, "script", "exec") is not None
    assert all(line.startswith("#") for line in python.splitlines())


def test_lines_are_kept_verbatim_after_the_marker() -> None:
    source = "pm.test('ok', function () {\r\n    pm.expect(1).to.eql(1);\r\n});\n\n"
    assert comment_out(source).splitlines()[2:] == [
        "# pm.test('ok', function () {", "#     pm.expect(1).to.eql(1);", "# });",
    ]


def _collection() -> Collection:
    js = Scripts(Script("postman.setNextRequest('x');\nconst m = require('moment');", "javascript"))
    only_comments = Scripts(None, Script("// nothing to see\n\n// here", "javascript"))
    python = Scripts(Script("rq.variables.set('a', 1)", "text/python"))
    return Collection("c", "C", [
        Request("1", "COPY it", "COPY", scripts=js),
        Folder("f", "F", [Request("2", "B", scripts=only_comments), Request("3", "P", scripts=python)],
               auth=Auth("unsupported", {"name": "ntlm"})),
    ], auth=Auth("none"), scripts=Scripts(None, Script("pm.test('t', () => {});", "javascript")))


def test_report_lists_ports_and_notes_in_file_order() -> None:
    result = import_collection(_collection())
    assert (result.requests, result.folders) == (3, 1)
    assert [(n.where, n.what.split(":")[0]) for n in result.not_converted] == [
        ("COPY it", "method COPY"), ("F", "auth 'ntlm'")]
    ports = [(n.where, n.what) for n in result.needs_port]
    assert ports[0] == ("", "post-response script")
    assert ports[1][0] == "COPY it" and "postman.setNextRequest" in ports[1][1] and "require('moment')" in ports[1][1]
    assert len(ports) == 2  # comment-only and Python scripts need no port


def test_javascript_stays_javascript_under_its_marker_and_comment_only_scripts_become_comments() -> None:
    """An import must not turn assertions into a green run: JavaScript is kept, marked, to fail until ported."""
    records = {r["name"]: r for r in import_collection(_collection()).document["records"]}
    assert records["P"]["data"]["scripts"]["preRequest"] == "rq.variables.set('a', 1)"
    assert records["C"]["data"]["scripts"]["postResponse"] == "// javascript\npm.test('t', () => {});"
    assert records["COPY it"]["data"]["scripts"]["preRequest"].startswith("// javascript\npostman.setNextRequest")
    comments = records["B"]["data"]["scripts"]["postResponse"]
    assert comments.startswith(SCRIPT_HEADER)
    compile(comments, "B", "exec")
