"""Requestly collection exports (``{"schema_version": ..., "records": [...]}``) into the model.

An export is a flat list of records linked by ``collectionId``, parents first. This module
also holds the pieces the local-workspace format shares with it (auth, variables, a request's
fields), since both come from the same app and differ only in where things sit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from rqrun.errors import InputError
from rqrun.formats._reading import (
    Loc,
    as_dict,
    as_list,
    flag,
    get_dict,
    opt_text,
    parse_query,
    scalar,
    split_url,
    text,
)
from rqrun.formats._warnings import check_keys
from rqrun.formats.script_files import is_file_ref, load_script_file
from rqrun.model import (
    Auth,
    Body,
    Collection,
    Folder,
    FormPart,
    GraphQL,
    Item,
    KeyValue,
    Request,
    Script,
    Scripts,
    Variable,
)
from rqrun.script_language import Language, accepted_names, language_of_name

__all__ = [
    "SCHEMA_VERSIONS",
    "REQUEST_KEYS",
    "load_export",
    "check_schema_version",
    "parse_auth",
    "parse_variables",
    "parse_scripts",
    "parse_request",
    "root_auth",
]

# Content types whose body Requestly stores as one string.
_TEXT_TYPES = frozenset(
    {"text/plain", "application/json", "text/html", "application/xml", "application/javascript"}
)
_URLENCODED = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"

#: The export versions rqrun reads. Requestly has written only 1.0.0 so far; a new version may
#: move fields, so it is refused rather than half-read.
SCHEMA_VERSIONS = ("1.0.0",)

# The keys each object of the format uses (Requestly's RecordMetadata, ApiEntry, HttpRequest,
# GraphQLRequest, KeyValuePair and EnvironmentVariableData types, and the desktop app's
# local-workspace schema). Anything else gets an "unknown key" warning (see _warnings).
_RECORD_KEYS = frozenset({
    "id", "name", "description", "collectionId", "rank", "isExample", "deleted", "type", "data",
    "ownerId", "createdBy", "updatedBy", "createdTs", "updatedTs", "parentRequestId",
})
_COLLECTION_DATA_KEYS = frozenset({"variables", "variablesOrder", "auth", "scripts", "children"})
_API_DATA_KEYS = frozenset({"type", "request", "response", "auth", "scripts", "testResults", "examples"})
REQUEST_KEYS = frozenset({
    "url", "method", "headers", "queryParams", "pathVariables", "body", "bodyContainer", "contentType",
    "includeCredentials", "operation", "variables", "operationName",
})
_ROW_KEYS = frozenset({"id", "key", "value", "isEnabled", "type", "description", "dataType"})
_ROW_ALIASES = {"name": "key", "enabled": "isEnabled", "disabled": "isEnabled", "active": "isEnabled"}
_FILE_KEYS = frozenset({"id", "name", "path", "size", "source"})
_SCRIPT_KEYS = frozenset({"preRequest", "postResponse", "language"})
_SCRIPT_ALIASES = {
    "postRequest": "postResponse", "post_request": "postResponse", "post_response": "postResponse",
    "pre_request": "preRequest", "test": "postResponse", "tests": "postResponse",
}
_AUTH_KEYS = frozenset({"currentAuthType", "authConfigStore"})
_VARIABLE_KEYS = frozenset({
    "id", "key", "syncValue", "localValue", "value", "type", "isPersisted", "isSecret", "description",
})


def check_schema_version(doc: dict[str, Any], loc: Loc) -> None:
    """An export whose ``schema_version`` rqrun does not know is refused (absent is accepted)."""
    if "schema_version" not in doc:
        return
    version = text(doc.get("schema_version"), loc.key("schema_version"))
    if version not in SCHEMA_VERSIONS:
        raise InputError(
            f"{version!r} is not an export version rqrun reads (it reads {', '.join(SCHEMA_VERSIONS)})",
            where=str(loc.key("schema_version")),
            hint="export it again from a Requestly version that writes 1.0.0, or upgrade rqrun",
        )


def root_auth(auth: Auth) -> Auth:
    """A root that inherits inherits nothing: say ``none`` so the runner need not know the rule."""
    return Auth("none") if auth.type == "inherit" else auth


def parse_auth(value: object, loc: Loc, default: str) -> Auth:
    """``{currentAuthType, authConfigStore}``; absent means ``default`` (root ``none``, else ``inherit``)."""
    if value is None:
        return Auth(default)  # type: ignore[arg-type]
    obj = as_dict(value, loc)
    check_keys(obj, loc, _AUTH_KEYS)
    kind_value = obj.get("currentAuthType")
    if kind_value is None:
        return Auth(default)  # type: ignore[arg-type]
    kind = text(kind_value, loc.key("currentAuthType"))
    store = get_dict(obj, "authConfigStore", loc)
    cloc = loc.key("authConfigStore").key(kind)
    raw = store.get(kind)
    config = {} if raw is None else as_dict(raw, cloc)

    def field(name: str) -> str:
        return text(config.get(name), cloc.key(name))

    if kind == "INHERIT":
        return Auth("inherit")
    if kind == "NO_AUTH":
        return Auth("none")
    if kind == "API_KEY":
        add_to = field("addTo").upper() or "HEADER"
        if add_to not in ("HEADER", "QUERY"):
            raise cloc.key("addTo").error(f"expected HEADER or QUERY, got {add_to!r}")
        return Auth("apikey", {"key": field("key"), "value": field("value"), "in": add_to.lower()})
    if kind == "BEARER_TOKEN":
        return Auth("bearer", {"token": field("bearer")})
    if kind == "BASIC_AUTH":
        return Auth("basic", {"username": field("username"), "password": field("password")})
    # rqrun's extensions (Requestly has neither yet): digest, and OAuth 2.0 with the same
    # field names as Postman's oauth2 auth (grant_type, accessTokenUrl, clientId, ...).
    if kind == "DIGEST_AUTH":
        return Auth("digest", {"username": field("username"), "password": field("password")})
    if kind == "OAUTH2":
        return Auth("oauth2", {key: field(key) for key in config})
    return Auth("unsupported", {"name": kind})


def parse_variables(value: object, loc: Loc, order: object = None) -> list[Variable]:
    """Collection variables ``{key: {syncValue, localValue?, value?, type, isSecret?}}``.

    The current value (``localValue``) wins when it is non-empty, as in Requestly's renderer;
    the workspace format's single ``value`` stands in for the initial one. A list of
    ``{key, ...}`` entries is accepted too.
    """
    if value is None:
        return []
    entries: list[tuple[str, Any, Loc]] = []
    if isinstance(value, list):
        for i, entry in enumerate(value):
            eloc = loc.at(i)
            entry = as_dict(entry, eloc)
            entries.append((text(entry.get("key"), eloc.key("key")), entry, eloc))
    else:
        for key, entry in as_dict(value, loc).items():
            entries.append((key, entry, loc.key(key)))
    result: list[Variable] = []
    for key, entry, eloc in entries:
        entry = as_dict(entry, eloc)
        check_keys(entry, eloc, _VARIABLE_KEYS)
        local = scalar(entry.get("localValue"), eloc.key("localValue"))
        if local is not None and local != "":
            current: str | int | float | bool | None = local
        elif "syncValue" in entry:
            current = scalar(entry.get("syncValue"), eloc.key("syncValue"))
        else:
            current = scalar(entry.get("value"), eloc.key("value"))
        kind = text(entry.get("type"), eloc.key("type"), "string") or "string"
        if flag(entry.get("isSecret"), eloc.key("isSecret"), False):
            kind = "secret"
        result.append(Variable(key, "" if current is None else current, kind))
    if order is not None:
        wanted = [text(k, loc.at(i)) for i, k in enumerate(as_list(order, loc))]
        rank = {k: i for i, k in enumerate(wanted)}
        result.sort(key=lambda v: rank.get(v.key, len(rank)))
    return result


def parse_scripts(value: object, loc: Loc, where: str, *, base_dir: str = "", root: str = "") -> Scripts:
    """``{preRequest, postResponse, language}``; an empty script is no script.

    ``language`` (rqrun's own, optional) declares both scripts' language; without it the
    content decides (see :mod:`rqrun.script_language`). A script may instead be
    ``{"file": "login.post.py"}``, read from ``base_dir`` and confined to ``root`` (see
    :mod:`rqrun.formats.script_files`).
    """
    if value is None:
        return Scripts()
    obj = as_dict(value, loc)
    check_keys(obj, loc, _SCRIPT_KEYS, _SCRIPT_ALIASES)
    language = text(obj.get("language"), loc.key("language"))
    if language_of_name(language) is Language.UNKNOWN:
        raise loc.key("language").error(
            f"unknown script language {language!r} (use one of {', '.join(accepted_names())})")
    scripts = Scripts()
    for name, label, attr in (
        ("preRequest", "pre-request", "pre_request"),
        ("postResponse", "post-response", "post_response"),
    ):
        raw = obj.get(name)
        if is_file_ref(raw):
            setattr(scripts, attr, load_script_file(
                raw, loc.key(name), base_dir=base_dir or ".", root=root or base_dir or ".", where=where))
            continue
        source = text(raw, loc.key(name))
        if source.strip():
            setattr(scripts, attr, Script(source, language, f"{where} {label}".strip()))
    return scripts


def _rows(value: object, loc: Loc) -> list[KeyValue]:
    """Key/value rows ``{key, value, isEnabled, description}``; rows with a blank key are UI leftovers."""
    rows: list[KeyValue] = []
    for i, row in enumerate([] if value is None else as_list(value, loc)):
        rloc = loc.at(i)
        row = as_dict(row, rloc)
        check_keys(row, rloc, _ROW_KEYS, _ROW_ALIASES)
        key = text(row.get("key"), rloc.key("key"))
        if not key.strip():
            continue
        rows.append(
            KeyValue(
                key,
                text(row.get("value"), rloc.key("value")),
                flag(row.get("isEnabled"), rloc.key("isEnabled"), True),
                text(row.get("description"), rloc.key("description")),
            )
        )
    return rows


def _resolve(base_dir: str, path: str) -> str:
    """A file path from a collection, made absolute against the collection's folder."""
    return os.path.normpath(os.path.join(base_dir, os.path.expanduser(path)))


def _form_parts(value: object, loc: Loc, base_dir: str) -> list[FormPart]:
    """Multipart rows: ``value`` is text, or a list of ``{path, name, size, source}`` files."""
    parts: list[FormPart] = []
    for i, row in enumerate(as_list(value, loc)):
        rloc = loc.at(i)
        row = as_dict(row, rloc)
        check_keys(row, rloc, _ROW_KEYS, _ROW_ALIASES)
        key = text(row.get("key"), rloc.key("key"))
        if not key.strip():
            continue
        enabled = flag(row.get("isEnabled"), rloc.key("isEnabled"), True)
        raw = row.get("value")
        vloc = rloc.key("value")
        if isinstance(raw, list):
            files = []
            for j, entry in enumerate(raw):
                floc = vloc.at(j)
                entry = as_dict(entry, floc)
                check_keys(entry, floc, _FILE_KEYS)
                path = text(entry.get("path"), floc.key("path"))
                if not path:
                    raise floc.error("file entry has no path")
                files.append(_resolve(base_dir, path))
            parts.append(FormPart(key, "", "file", files, enabled=enabled))
        else:
            parts.append(FormPart(key, text(raw, vloc), enabled=enabled))
    return parts


def _body(req: dict[str, Any], loc: Loc, base_dir: str) -> Body:
    """The body, chosen by ``contentType`` as Requestly does."""
    content_type = opt_text(req.get("contentType"), loc.key("contentType"))
    bloc = loc.key("body")
    body = req.get("body")
    if body is None or body == "" or body == []:
        return Body()
    base = (content_type or "").split(";", 1)[0].strip().lower()
    if base in (_URLENCODED, _MULTIPART):
        if isinstance(body, str):
            raise bloc.error(f"expected a list of rows for {base}, got a string")
        if base == _URLENCODED:
            return Body("urlencoded", urlencoded=_rows(body, bloc), content_type=content_type)
        return Body("formdata", formdata=_form_parts(body, bloc, base_dir), content_type=content_type)
    if isinstance(body, list):
        raise bloc.error(
            f"expected text for content type {content_type or '(none)'}, got a list",
            hint="form rows need contentType application/x-www-form-urlencoded or multipart/form-data",
        )
    return Body("raw", raw=text(body, bloc), content_type=content_type)


def _url_and_query(req: dict[str, Any], loc: Loc) -> tuple[str, list[KeyValue]]:
    """The URL without its query, and the query rows (explicit rows win over the URL's query)."""
    url = text(req.get("url"), loc.key("url")).strip()
    rows = _rows(req.get("queryParams"), loc.key("queryParams"))
    base, query = split_url(url)
    if not rows and query:
        rows = [KeyValue(k, v) for k, v in parse_query(query)]
    return base, rows


def parse_request(
    *,
    rid: str,
    name: str,
    kind_value: object,
    req_value: object,
    loc: Loc,
    auth: Auth,
    scripts: Scripts,
    description: str,
    base_dir: str,
    known_keys: frozenset[str] = REQUEST_KEYS,
) -> Request:
    """A request from Requestly's ``request`` object (HTTP or GraphQL)."""
    req = as_dict(req_value if req_value is not None else {}, loc)
    check_keys(req, loc, known_keys)
    kind = text(kind_value, loc, "http") or "http"
    url, query = _url_and_query(req, loc)
    headers = _rows(req.get("headers"), loc.key("headers"))
    path_vars = _rows(req.get("pathVariables"), loc.key("pathVariables"))
    if kind == "graphql":
        variables = req.get("variables")
        vloc = loc.key("variables")
        if isinstance(variables, (dict, list)):
            variables_text = json.dumps(variables, indent=2)
        else:
            variables_text = text(variables, vloc)
        graphql = GraphQL(
            text(req.get("operation"), loc.key("operation")),
            variables_text,
            opt_text(req.get("operationName"), loc.key("operationName")) or None,
        )
        return Request(
            rid, name, "POST", url, headers, query, path_vars,
            Body("graphql", graphql=graphql, content_type="application/json"),
            auth, scripts, "graphql", description,
        )
    if kind != "http":
        raise loc.error(f"unknown request type {kind!r}", hint="expected http or graphql")
    method = text(req.get("method"), loc.key("method"), "GET").strip().upper() or "GET"
    return Request(
        rid, name, method, url, headers, query, path_vars,
        _body(req, loc, base_dir), auth, scripts, "http", description,
    )


def _prescan(records: list[Any]) -> tuple[dict[str, str], set[str], set[str], int]:
    """Collection ids to parent ids, deleted ids, request ids, and the live root count.

    Tolerant of malformed records: the main pass reports those with their place.
    """
    parents: dict[str, str] = {}
    deleted: set[str] = set()
    requests: set[str] = set()
    roots = 0
    for rec in records:
        if not isinstance(rec, dict) or not isinstance(rec.get("id"), str):
            continue
        rid, parent = rec["id"], rec.get("collectionId")
        parent = parent if isinstance(parent, str) else ""
        if rec.get("deleted") is True:
            deleted.add(rid)
        elif rec.get("type") == "collection":
            parents[rid] = parent
        elif rec.get("type") == "api" and not rec.get("isExample"):
            requests.add(rid)
        if rec.get("type") in ("collection", "api") and not parent and rid not in deleted and not rec.get("isExample"):
            roots += 1
    return parents, deleted, requests, roots


def _missing_parent(rid: str, parent: str, loc: Loc, scan: tuple[dict[str, str], set[str], set[str], int]) -> Exception:
    """Why ``parent`` is not known yet: a cycle, a parent listed later, or no such collection."""
    parents, _, requests, _ = scan
    if parent in parents:
        chain, seen = [rid], {rid}
        current = parent
        while current and current in parents and current not in seen:
            chain.append(current)
            seen.add(current)
            current = parents[current]
        if current in seen:
            cycle = " -> ".join([*chain[chain.index(current):], current])
            return loc.key("collectionId").error(f"folder cycle: {cycle}")
        return loc.key("collectionId").error(
            f"parent collection {parent!r} is listed after this record",
            hint="records must list each collection before its children",
        )
    if parent in requests:
        return loc.key("collectionId").error(f"parent {parent!r} is a request, not a collection")
    return loc.key("collectionId").error(f"parent collection {parent!r} not found")


def load_export(path: str, doc: dict[str, Any], base_dir: str | None = None) -> Collection:
    """Build the tree from the flat ``records`` list (see the module docstring).

    Relative file paths resolve against ``base_dir`` (default: the file's folder).
    """
    loc = Loc(path)
    check_schema_version(doc, loc)
    check_keys(doc, loc, ("schema_version", "records"))
    records_loc = loc.key("records")
    records = as_list(doc.get("records"), records_loc)
    base_dir = base_dir or os.path.dirname(os.path.abspath(path))
    scan = _prescan(records)
    gone = set(scan[1])  # deleted records, and then everything below them
    root_count = scan[3]
    folders: dict[str, tuple[Folder, list[str]]] = {}
    seen: set[str] = set()
    top: list[Item] = []
    single: Folder | None = None
    for i, rec in enumerate(records):
        rloc = records_loc.at(i)
        rec = as_dict(rec, rloc)
        if flag(rec.get("deleted"), rloc.key("deleted"), False):
            continue
        rtype = text(rec.get("type"), rloc.key("type"))
        if rtype == "example_api" or flag(rec.get("isExample"), rloc.key("isExample"), False):
            continue
        if rtype not in ("collection", "api"):
            raise rloc.key("type").error(f"unknown record type {rtype!r}", hint="expected collection or api")
        check_keys(rec, rloc, _RECORD_KEYS)
        rid = text(rec.get("id"), rloc.key("id")) or f"records[{i}]"
        if rid in seen:
            raise rloc.key("id").error(f"duplicate record id {rid!r}")
        seen.add(rid)
        parent_id = text(rec.get("collectionId"), rloc.key("collectionId"))
        name = text(rec.get("name"), rloc.key("name")) or "Untitled"
        description = text(rec.get("description"), rloc.key("description"))
        data = get_dict(rec, "data", rloc)
        dloc = rloc.key("data")
        check_keys(data, dloc, _COLLECTION_DATA_KEYS if rtype == "collection" else _API_DATA_KEYS)
        if parent_id:
            if parent_id in gone:
                gone.add(rid)  # the parent was deleted, so its children are gone too
                continue
            if parent_id not in folders:
                raise _missing_parent(rid, parent_id, rloc, scan)
            parent, parent_names = folders[parent_id]
        else:
            parent, parent_names = None, []
        is_single_root = parent is None and rtype == "collection" and root_count == 1
        names = [] if is_single_root else [*parent_names, name]
        where = "/".join(names) or name
        default_auth = "none" if parent is None else "inherit"
        auth = parse_auth(data.get("auth"), dloc.key("auth"), default_auth)
        scripts = parse_scripts(data.get("scripts"), dloc.key("scripts"), where, base_dir=base_dir, root=base_dir)
        item: Item
        if rtype == "collection":
            item = Folder(
                rid, name, [],
                parse_variables(data.get("variables"), dloc.key("variables"), data.get("variablesOrder")),
                auth, scripts, description,
            )
            folders[rid] = (item, names)
            if is_single_root:
                single = item
        else:
            item = parse_request(
                rid=rid, name=name, kind_value=data.get("type"), req_value=data.get("request"),
                loc=dloc.key("request"), auth=auth, scripts=scripts,
                description=description, base_dir=base_dir,
            )
        if parent is None:
            top.append(item)
        else:
            parent.items.append(item)
    if single is not None:
        return Collection(
            single.id, single.name, single.items, single.variables, root_auth(single.auth),
            single.scripts, single.description, source=path, format="requestly",
        )
    stem = Path(path).stem or "collection"
    return Collection(stem, stem, top, auth=Auth("none"), source=path, format="requestly")

