"""Postman collections and environments into Requestly export documents, with a list of what did not convert.

The loaders read Postman; ``requestly_writer`` writes Requestly. Between them this module
does the one thing neither should: Postman's JavaScript scripts cannot run under rqrun yet (and
translating ``pm.*`` JavaScript to Python is not something a tool can do faithfully), so each
is kept as it is, under a ``// javascript`` marker line. A run of the import then fails on each
such script until it is ported by hand (``examples/postman-to-rq.md`` shows how each ``pm.*``
call reads with ``rq.*``) or run with ``--allow-unsupported-scripts``: an import never turns a
collection's assertions into a green run with no assertion. The report lists every such script.
A script of comments only, or in a language rqrun does not know, becomes a Python comment block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from rqrun.formats.requestly_writer import Loss, collection_to_export, environments_to_export
from rqrun.model import Collection, Environment, Folder, Request, Script, Scripts
from rqrun.script_language import Language, decide, only_comments, with_marker

__all__ = [
    "ImportResult",
    "SCRIPT_HEADER",
    "comment_out",
    "import_collection",
    "import_environments",
    "count_items",
]

SCRIPT_HEADER = (
    "# Postman script (JavaScript), not converted — port it to Python with rq.*:\n"
    "# see examples/postman-to-rq.md for how each pm.* call reads in Python.\n"
)
# Methods Requestly's app can send; rqrun sends any method as written.
_REQUESTLY_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
# Calls worth naming in the report: each needs more than a syntax change.
_NOTABLE = (
    (re.compile(r"\bsetNextRequest\s*\("), "postman.setNextRequest, which rqrun does not support"),
    (re.compile(r"\bpm\.sendRequest\s*\("), "pm.sendRequest"),
    (re.compile(r"\brequire\s*\(\s*['\"]([\w./-]+)['\"]"), "require({0!r})"),
    (re.compile(r"\bpm\.visualizer\b"), "pm.visualizer, which rqrun does not support"),
    (re.compile(r"\bpm\.cookies\b"), "pm.cookies, which rqrun does not support"),
)
# Characters Python's tokenizer treats as line ends or refuses in source; JavaScript allows them.
_F = TypeVar("_F", bound=Folder)
_UNSAFE = re.compile(r"[\x00\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029]")


@dataclass
class ImportResult:
    """A Requestly document, what could not be converted, and the scripts that need a port."""

    document: dict[str, Any]
    not_converted: list[Loss] = field(default_factory=list)
    needs_port: list[Loss] = field(default_factory=list)
    requests: int = 0
    folders: int = 0


def comment_out(source: str) -> str:
    """``source`` as Python comments under :data:`SCRIPT_HEADER`: it compiles and does nothing.

    Every line becomes ``# line``. Characters that would end a comment early in Python (form
    feeds, Unicode line separators) or that Python refuses (NUL) are shown as escapes.
    """
    lines = source.replace("\r\n", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    body = []
    for line in lines:
        line = _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)
        line = line.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates
        body.append(f"# {line}".rstrip() if line.strip() else "#")
    return SCRIPT_HEADER + "".join(f"{line}\n" for line in body)


def _notable(source: str) -> list[str]:
    found: list[str] = []
    for pattern, label in _NOTABLE:
        for match in pattern.finditer(source):
            text = label.format(*match.groups())
            if text not in found:
                found.append(text)
    return found


class _Converter:
    """Rewrites scripts in a copy of the tree and notes what else Requestly cannot do."""

    def __init__(self) -> None:
        self.needs_port: list[Loss] = []
        self.notes: list[Loss] = []

    def script(self, script: Script | None, where: str, label: str) -> Script | None:
        if script is None:
            return None
        language = decide(script.source, script.language).language
        if language is Language.PYTHON:
            return script
        if only_comments(script.source):
            return Script(comment_out(script.source), "python", script.location)
        what = f"{label} script"
        if language is Language.UNKNOWN:
            what += f" in unknown language {script.language!r}, kept as comments"
        uses = _notable(script.source)
        if uses:
            what += " (uses " + ", ".join(uses) + ")"
        self.needs_port.append(Loss(where, what))
        if language is Language.UNKNOWN:
            return Script(comment_out(script.source), "python", script.location)
        return Script(with_marker(script.source, Language.JAVASCRIPT), "javascript", script.location)

    def scripts(self, scripts: Scripts, where: str) -> Scripts:
        return Scripts(
            self.script(scripts.pre_request, where, "pre-request"),
            self.script(scripts.post_response, where, "post-response"),
        )

    def folder(self, folder: _F, path: list[str]) -> _F:
        where = "/".join(path)
        items: list[Folder | Request] = []
        for item in folder.items:
            if isinstance(item, Folder):
                items.append(self.folder(item, [*path, item.name]))
            else:
                items.append(self.request(item, "/".join([*path, item.name])))
        return replace(folder, items=items, scripts=self.scripts(folder.scripts, where))

    def request(self, request: Request, where: str) -> Request:
        method = request.method.upper()
        if method not in _REQUESTLY_METHODS and request.kind != "graphql":
            self.notes.append(Loss(where, f"method {method}: Requestly's app cannot send it "
                                          "(rqrun sends it as written)"))
        return replace(request, scripts=self.scripts(request.scripts, where))


def count_items(folder: Folder) -> tuple[int, int]:
    """(requests, folders) below ``folder``."""
    requests = folders = 0
    for item in folder.items:
        if isinstance(item, Folder):
            r, f = count_items(item)
            requests, folders = requests + r, folders + f + 1
        else:
            requests += 1
    return requests, folders


def _tree_order(folder: Folder) -> dict[str, int]:
    """Item paths in file order, so the report reads top to bottom."""
    order: dict[str, int] = {"": 0}

    def walk(node: Folder, path: list[str]) -> None:
        for item in node.items:
            where = "/".join([*path, item.name])
            order.setdefault(where, len(order))
            if isinstance(item, Folder):
                walk(item, [*path, item.name])

    walk(folder, [])
    return order


def import_collection(collection: Collection, *, files_base: str | None = None) -> ImportResult:
    """A loaded Postman collection as a Requestly export; ``files_base`` as in the writer."""
    converter = _Converter()
    converted = converter.folder(collection, [])
    document, losses = collection_to_export(converted, files_base=files_base)
    order = _tree_order(collection)
    rank = lambda loss: order.get(loss.where, len(order))  # noqa: E731 - a sort key
    requests, folders = count_items(collection)
    return ImportResult(
        document,
        sorted([*losses, *converter.notes], key=rank),
        sorted(converter.needs_port, key=rank),
        requests,
        folders,
    )


def import_environments(environments: list[Environment]) -> ImportResult:
    """Postman environments and globals as one Requestly environment export."""
    document, losses = environments_to_export(environments)
    return ImportResult(document, losses)
