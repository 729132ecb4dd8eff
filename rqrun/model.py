"""The in-memory shape of a collection, independent of the file format it came from.

Loaders in ``rqrun.formats`` build these objects; the runner only reads them. Values are
kept as templates (``{{var}}`` unrendered) so that scripts and variables can act on them
at run time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "KeyValue",
    "FormPart",
    "GraphQL",
    "Body",
    "Auth",
    "Script",
    "Scripts",
    "Variable",
    "Request",
    "Folder",
    "Collection",
    "Environment",
    "Item",
]

BodyMode = Literal["none", "raw", "urlencoded", "formdata", "graphql", "file"]
AuthType = Literal[
    "inherit", "none", "apikey", "bearer", "basic", "digest", "oauth2", "oauth1", "awsv4", "jwt", "hawk", "edgegrid",
    "ntlm", "unsupported",
]


@dataclass
class KeyValue:
    """A header, query parameter, path variable or urlencoded row.

    ``bare`` marks a query key written with no ``=`` (``?WSDL``): Postman sends it so.
    """

    key: str
    value: str = ""
    enabled: bool = True
    description: str = ""
    bare: bool = False


@dataclass
class FormPart:
    """One multipart/form-data part: text, or one or more files read at send time.

    File paths are absolute: loaders resolve them against the collection file's folder.
    """

    key: str
    value: str = ""
    kind: Literal["text", "file"] = "text"
    files: list[str] = field(default_factory=list)
    content_type: str | None = None
    enabled: bool = True


@dataclass
class GraphQL:
    query: str = ""
    variables: str = ""  # JSON text exactly as written, rendered before it is parsed
    operation_name: str | None = None


@dataclass
class Body:
    """A request body. ``content_type`` is the type the body declares, sent unless a header overrides it."""

    mode: BodyMode = "none"
    raw: str = ""
    content_type: str | None = None
    urlencoded: list[KeyValue] = field(default_factory=list)
    formdata: list[FormPart] = field(default_factory=list)
    graphql: GraphQL | None = None
    file: str | None = None  # absolute path of a binary body
    strip_json_comments: bool = False  # Postman JSON: Newman sends it without // and /* */ comments


@dataclass
class Auth:
    """Authorization as written on a collection, folder or request.

    ``params`` by type: bearer ``token``; basic and digest ``username``, ``password``;
    apikey ``key``, ``value``, ``in`` (``header`` or ``query``); oauth2, oauth1, awsv4, jwt and
    hawk Postman's own field names; unsupported ``name`` (the format's own name for it).
    """

    type: AuthType = "inherit"
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Script:
    source: str
    language: str = ""  # as the file declares it ("" when it does not); rqrun.script_language decides
    location: str = ""  # where it came from, for errors: "Folder/Request pre-request"
    file: str = ""  # the script file it was read from ({"file": ...}), absolute; "" when inline


@dataclass
class Scripts:
    pre_request: Script | None = None
    post_response: Script | None = None


@dataclass
class Variable:
    """A collection, folder or environment variable. ``type`` ``secret`` means: always redact."""

    key: str
    value: Any = ""
    type: str = "string"
    enabled: bool = True


@dataclass
class Request:
    """A request template. ``url`` carries no query string: the query lives in ``query``."""

    id: str
    name: str
    method: str = "GET"
    url: str = ""
    headers: list[KeyValue] = field(default_factory=list)
    query: list[KeyValue] = field(default_factory=list)
    path_variables: list[KeyValue] = field(default_factory=list)
    body: Body = field(default_factory=Body)
    auth: Auth = field(default_factory=Auth)
    scripts: Scripts = field(default_factory=Scripts)
    kind: Literal["http", "graphql"] = "http"
    description: str = ""
    settings: dict[str, Any] = field(default_factory=dict)  # e.g. follow_redirects: False


@dataclass
class Folder:
    id: str
    name: str
    items: list[Item] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    auth: Auth = field(default_factory=Auth)
    scripts: Scripts = field(default_factory=Scripts)
    description: str = ""

    def walk(
        self, path: tuple[Folder, ...] = (), *, requests_first: bool = False
    ) -> Iterator[tuple[tuple[Folder, ...], Request]]:
        """Every request below this folder, depth-first, with its chain of folders (``self`` first).

        Newman keeps file order. Requestly's runner lists a folder's own requests before it
        descends into its sub-folders (``requests_first``).
        """
        chain = (*path, self)
        if requests_first:
            for item in self.items:
                if isinstance(item, Request):
                    yield chain, item
            for item in self.items:
                if isinstance(item, Folder):
                    yield from item.walk(chain, requests_first=True)
            return
        for item in self.items:
            if isinstance(item, Folder):
                yield from item.walk(chain)
            else:
                yield chain, item


Item = Request | Folder


@dataclass
class Collection(Folder):
    """The root folder, plus where it came from."""

    source: str = ""
    format: str = ""  # "requestly", "requestly-workspace", "postman"
    environments: list[Environment] = field(default_factory=list)  # a workspace folder may carry some


@dataclass
class Environment:
    name: str
    variables: list[Variable] = field(default_factory=list)
    is_global: bool = False
