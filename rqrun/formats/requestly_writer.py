"""The model written back out as Requestly export files (collections and environments).

This is the inverse of ``rqrun.formats.requestly`` (and of the Requestly half of
``environments``): writing a model and loading the result gives the same model, ids aside,
for everything the Requestly format can say, plus rqrun's two auth extensions (``DIGEST_AUTH``
and ``OAUTH2``, which the loader reads and Requestly's app ignores). What it cannot say (other
auth types, binary file bodies, request settings, per-part content types, disabled variables)
is not silently dropped: each omission, and each use of an extension, is recorded as a
:class:`Loss` naming the item, so that the importer can tell the user what to fix by hand.

The writer never raises on a model a loader produced; it only builds plain JSON values.
"""

from __future__ import annotations

import dataclasses
import json
import os
import uuid
from dataclasses import dataclass
from typing import Any

from rqrun.formats._reading import parse_query, split_url
from rqrun.model import (
    Auth,
    Body,
    Collection,
    Environment,
    Folder,
    FormPart,
    KeyValue,
    Request,
    Scripts,
    Variable,
)

__all__ = [
    "Loss",
    "SCHEMA_VERSION",
    "collection_to_export",
    "environments_to_export",
    "dumps",
]

SCHEMA_VERSION = "1.0.0"

_URLENCODED = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"
_FORM_TYPES = (_URLENCODED, _MULTIPART)
_VARIABLE_TYPES = frozenset({"string", "number", "boolean", "secret"})
# Namespace for ids derived from names, so the same input always gives the same file.
_ID_NAMESPACE = uuid.UUID("5b0d7f52-4c8e-4b8a-9a59-3f1c2f6a0c11")


@dataclass(frozen=True)
class Loss:
    """Something the Requestly format cannot hold. ``where`` is the item path ("" is the collection)."""

    where: str
    what: str


class _Ids:
    """Record ids: the model's own when usable, so conversions diff cleanly; else derived ones."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def take(self, wanted: str, where: str) -> str:
        candidate = wanted or str(uuid.uuid5(_ID_NAMESPACE, where))
        base, n = candidate, 1
        while candidate in self.seen:
            n += 1
            candidate = f"{base}-{n}"
        self.seen.add(candidate)
        return candidate


class _Writer:
    """One pass over a collection; collects losses as it goes."""

    def __init__(self, files_base: str | None) -> None:
        self.files_base = files_base
        self.losses: list[Loss] = []
        self.records: list[dict[str, Any]] = []
        self.ids = _Ids()

    def lose(self, where: str, what: str) -> None:
        self.losses.append(Loss(where, what))

    # --- shared pieces -------------------------------------------------------------------

    def auth(self, auth: Auth, where: str) -> dict[str, Any]:
        """``{currentAuthType, authConfigStore}``; types Requestly lacks become no auth (and a loss)."""
        p = auth.params
        if auth.type == "inherit":
            return {"currentAuthType": "INHERIT", "authConfigStore": {}}
        if auth.type == "none":
            return {"currentAuthType": "NO_AUTH", "authConfigStore": {}}
        if auth.type == "bearer":
            return _auth("BEARER_TOKEN", {"bearer": p.get("token", "")})
        if auth.type == "basic":
            return _auth("BASIC_AUTH", {"username": p.get("username", ""), "password": p.get("password", "")})
        if auth.type == "apikey":
            add_to = "QUERY" if p.get("in", "header").lower() == "query" else "HEADER"
            return _auth("API_KEY", {"key": p.get("key", ""), "value": p.get("value", ""), "addTo": add_to})
        if auth.type == "digest":
            self.lose(where, "auth 'digest': Requestly's app has none; written as rqrun's DIGEST_AUTH "
                             "extension, which rqrun runs and Requestly ignores")
            return _auth("DIGEST_AUTH", {"username": p.get("username", ""), "password": p.get("password", "")})
        if auth.type == "oauth2":
            self.lose(where, "auth 'oauth2': Requestly's app has none; written as rqrun's OAUTH2 "
                             "extension, which rqrun runs and Requestly ignores")
            return _auth("OAUTH2", {k: v if isinstance(v, str) else json.dumps(v) for k, v in p.items()})
        name = p.get("name", auth.type) if auth.type == "unsupported" else auth.type
        if auth.type == "unsupported" and name.isupper():
            # It came from a Requestly file: keep its name, so the app that wrote it still can.
            self.lose(where, f"auth {name!r}: rqrun cannot send it; kept as written")
            return {"currentAuthType": name, "authConfigStore": {}}
        self.lose(where, f"auth {name!r}: Requestly has no such auth type; written as no auth, "
                         "so requests that inherit it are sent without credentials")
        return {"currentAuthType": "NO_AUTH", "authConfigStore": {}}

    def variables(self, variables: list[Variable], where: str) -> dict[str, Any]:
        """``{key: {id, syncValue, type}}``; disabled rows are dropped, a repeated key keeps its last value."""
        out: dict[str, Any] = {}
        for var in variables:
            if not var.enabled:
                self.lose(where, f"variable {var.key!r} is disabled: Requestly has no disabled variables; left out")
                continue
            if var.key in out:
                self.lose(where, f"variable {var.key!r} is defined more than once: the last value is kept")
            out[var.key] = {"id": len(out), "syncValue": var.value, "type": _variable_type(var)}
        for i, entry in enumerate(out.values()):
            entry["id"] = i
        return out

    @staticmethod
    def scripts(scripts: Scripts) -> dict[str, str]:
        return {
            "preRequest": scripts.pre_request.source if scripts.pre_request else "",
            "postResponse": scripts.post_response.source if scripts.post_response else "",
        }

    # --- records -------------------------------------------------------------------------

    def folder(self, folder: Folder, parent_id: str, path: list[str]) -> None:
        where = "/".join(path)
        rid = self.ids.take(folder.id, "folder:" + where)
        self.records.append(
            {
                "id": rid,
                "name": folder.name,
                "type": "collection",
                "collectionId": parent_id,
                "description": folder.description,
                "deleted": False,
                "data": {
                    "variables": self.variables(folder.variables, where),
                    "auth": self.auth(folder.auth, where),
                    "scripts": self.scripts(folder.scripts),
                },
            }
        )
        for item in folder.items:
            if isinstance(item, Folder):
                self.folder(item, rid, [*path, item.name])
            else:
                self.request(item, rid, [*path, item.name])

    def request(self, request: Request, parent_id: str, path: list[str]) -> None:
        where = "/".join(path)
        rid = self.ids.take(request.id, "request:" + where)
        url, query = _url_and_query(request)
        fields: dict[str, Any] = {"url": url}
        if request.kind == "graphql" or request.body.mode == "graphql":
            kind = "graphql"
            gql = request.body.graphql
            if request.method.upper() != "POST":
                self.lose(where, f"method {request.method}: Requestly sends GraphQL as POST")
            fields.update(
                headers=_rows(request.headers),
                queryParams=_rows(query),
                pathVariables=_rows(request.path_variables),
                operation=gql.query if gql else "",
                variables=gql.variables if gql else "",
            )
            if gql and gql.operation_name:
                fields["operationName"] = gql.operation_name
        else:
            kind = "http"
            headers = list(request.headers)
            body, content_type = self.body(request.body, headers, where)
            fields.update(
                method=request.method,
                headers=_rows(headers),
                queryParams=_rows(query),
                pathVariables=_rows(request.path_variables),
                body=body,
            )
            if content_type is not None:
                fields["contentType"] = content_type
        if request.settings:
            shown = ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(request.settings.items()))
            self.lose(where, f"request settings ({shown}): Requestly has none; left out")
        self.records.append(
            {
                "id": rid,
                "name": request.name,
                "type": "api",
                "collectionId": parent_id,
                "description": request.description,
                "deleted": False,
                "data": {
                    "type": kind,
                    "request": fields,
                    "auth": self.auth(request.auth, where),
                    "scripts": self.scripts(request.scripts),
                },
            }
        )

    def body(self, body: Body, headers: list[KeyValue], where: str) -> tuple[Any, str | None]:
        """(``body``, ``contentType``): Requestly picks the body's shape from its content type."""
        base = (body.content_type or "").split(";", 1)[0].strip().lower()
        if body.mode == "raw" and body.raw:
            if body.strip_json_comments and ("//" in body.raw or "/*" in body.raw):
                # Newman strips them; a Requestly body is data, so write what Newman would send.
                from rqrun.newman_wire import strip_json_comments

                body = dataclasses.replace(body, raw=strip_json_comments(body.raw))
            if base in _FORM_TYPES:
                # A text body under a form type would not load back: declare text and let an
                # explicit header (which wins over the declared type) send the same bytes.
                if not any(h.key.lower() == "content-type" and h.enabled for h in headers):
                    headers.append(KeyValue("Content-Type", body.content_type or ""))
                return body.raw, "text/plain"
            return body.raw, body.content_type
        if body.mode == "urlencoded" and body.urlencoded:
            return _rows(body.urlencoded), body.content_type if base == _URLENCODED else _URLENCODED
        if body.mode == "formdata" and body.formdata:
            parts = [self.form_part(part, where) for part in body.formdata]
            return parts, body.content_type if base == _MULTIPART else _MULTIPART
        if body.mode == "file" and body.file:
            self.lose(where, f"binary file body ({body.file}): Requestly has no file body; left out")
        return None, "text/plain"

    def form_part(self, part: FormPart, where: str) -> dict[str, Any]:
        row: dict[str, Any] = {"key": part.key, "isEnabled": part.enabled}
        if part.content_type:
            self.lose(where, f"form field {part.key!r}: its content type {part.content_type!r} is left out "
                             "(Requestly has no per-field content type)")
        if part.kind == "file":
            row["value"] = [
                {"id": str(uuid.uuid5(_ID_NAMESPACE, path)), "name": os.path.basename(path),
                 "path": self.file_path(path), "size": _size(path), "source": "desktop"}
                for path in part.files
            ]
        else:
            row["value"] = part.value
        return row

    def file_path(self, path: str) -> str:
        """Relative to the output's folder when the file lies below it (the loader resolves it there)."""
        if self.files_base is None:
            return path
        base = os.path.abspath(self.files_base)
        try:
            rel = os.path.relpath(path, base)
        except ValueError:  # another drive on Windows
            return path
        return path if rel == os.pardir or rel.startswith(os.pardir + os.sep) else rel


def _auth(kind: str, config: dict[str, str]) -> dict[str, Any]:
    return {"currentAuthType": kind, "authConfigStore": {kind: config}}


def _variable_type(var: Variable) -> str:
    """Requestly knows string, number, boolean and secret; anything else is named by its value."""
    if var.type in _VARIABLE_TYPES:
        return var.type
    if isinstance(var.value, bool):
        return "boolean"
    if isinstance(var.value, (int, float)):
        return "number"
    return "string"


def _rows(rows: list[KeyValue]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, kv in enumerate(rows):
        row: dict[str, Any] = {"id": i, "key": kv.key, "value": kv.value, "isEnabled": kv.enabled}
        if kv.description:
            row["description"] = kv.description
        out.append(row)
    return out


def _url_and_query(request: Request) -> tuple[str, list[KeyValue]]:
    """A query left in the URL moves into the rows: the loader drops it when rows exist."""
    base, query = split_url(request.url.strip())
    if not query:
        return base, list(request.query)
    return base, [*(KeyValue(k, v) for k, v in parse_query(query)), *request.query]


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def collection_to_export(
    collection: Collection, *, files_base: str | None = None
) -> tuple[dict[str, Any], list[Loss]]:
    """The collection as ``{"schema_version", "records"}`` (one root record), and what was lost.

    ``files_base``: the folder the export will be saved in; form-data files below it are
    written relative to it (as the loader resolves them), others keep their absolute path.
    """
    writer = _Writer(files_base)
    writer.folder(collection, "", [])
    return {"schema_version": SCHEMA_VERSION, "records": writer.records}, writer.losses


def environments_to_export(environments: list[Environment]) -> tuple[dict[str, Any], list[Loss]]:
    """Environments as ``{"schema_version", "environments"}``; the first global one gets id ``global``."""
    writer = _Writer(None)
    out: list[dict[str, Any]] = []
    ids = _Ids()
    for env in environments:
        wanted = "global" if env.is_global and "global" not in ids.seen else ""
        eid = ids.take(wanted, f"environment:{len(out)}:{env.name}")
        variables = writer.variables(env.variables, env.name)
        for entry in variables.values():
            entry["isPersisted"] = True
        out.append({"id": eid, "name": env.name, "variables": variables, "isGlobal": env.is_global})
    return {"schema_version": SCHEMA_VERSION, "environments": out}, writer.losses


def dumps(document: dict[str, Any]) -> str:
    """JSON text that encodes as UTF-8: readable non-ASCII, but escapes if a lone surrogate is present."""
    text = json.dumps(document, indent=2, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(document, indent=2, ensure_ascii=True)
    return text + "\n"
