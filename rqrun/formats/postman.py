"""Postman collections (v2.0 and v2.1) into the model, reading them the way Newman does.

Both schema versions are accepted in one pass: where v2.0 and v2.1 differ (auth parameters as
an object or a list of ``{key, value}``, URLs as strings or objects, descriptions as strings
or objects) each helper takes either shape.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from typing import Any, Literal

from rqrun.formats._reading import (
    Loc,
    as_dict,
    as_list,
    flag,
    get_dict,
    opt_text,
    split_url,
    text,
)
from rqrun.formats._warnings import check_keys, suggestion
from rqrun.formats.requestly import root_auth
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

__all__ = ["load_postman", "looks_like_postman"]


def _lenient(loc: Loc, message: str) -> None:
    """Warn about something Newman runs but the schema does not allow (rqrun runs it too).

    The warning goes through the loaders' warning sink when the build has one
    (``rqrun.formats._warnings``); without it the file simply loads, as in Newman.
    """
    try:
        from rqrun.formats._warnings import warn
    except ImportError:
        return
    warn(loc, message, "lenient")

# What postman-runtime sends as Content-Type for a raw body with no such header.
_LANGUAGE_TYPES = {
    "json": "application/json",
    "xml": "application/xml",
    "html": "text/html",
    "text": "text/plain",
    "javascript": "application/javascript",
}
_KNOWN_AUTH = {"basic", "bearer", "apikey", "digest", "oauth2", "oauth1", "awsv4", "jwt", "hawk", "edgegrid", "ntlm"}
_SETTING_NAMES = {
    "followRedirects": "follow_redirects",
    "disableBodyPruning": "disable_body_pruning",
    "maxRedirects": "max_redirects",
    "strictSSL": "strict_ssl",
    "followOriginalHttpMethod": "follow_original_http_method",
    "followAuthorizationHeader": "follow_authorization_header",
    "removeRefererHeaderOnRedirect": "remove_referer_header_on_redirect",
    "disableCookies": "disable_cookies",
    "insecureHTTPParser": "insecure_http_parser",
    "disableUrlEncoding": "disable_url_encoding",
}


# The keys of each object in collection schema v2.0/v2.1, plus what Postman's own exports add
# (``uid``, ``equals`` on query rows, ``type``/``name`` on headers, ``packages`` and
# ``requests`` on scripts, the working-directory flags on form rows). Keys starting with
# ``_`` (``_postman_id``, ``_postman_isSubFolder``) are never reported.
_COLLECTION_KEYS = frozenset({"info", "item", "event", "variable", "variables", "auth", "protocolProfileBehavior"})
_FOLDER_KEYS = frozenset({"id", "uid", "name", "description", "variable", "item", "event", "auth",
                          "protocolProfileBehavior"})
_ITEM_KEYS = frozenset({"id", "uid", "name", "description", "variable", "event", "request", "response",
                        "protocolProfileBehavior"})
_REQUEST_KEYS = frozenset({"url", "auth", "proxy", "certificate", "method", "description", "header", "body"})
_URL_KEYS = frozenset({"raw", "protocol", "host", "path", "port", "query", "hash", "variable", "auth"})
_ROW_KEYS = frozenset({"key", "value", "disabled", "enabled", "description", "type", "equals", "id", "warning",
                       "system"})
_FORM_KEYS = _ROW_KEYS | {"src", "contentType", "fileNotInWorkingDirectoryWarning", "filesNotInWorkingDirectory"}
_BODY_KEYS = frozenset({"mode", "raw", "urlencoded", "formdata", "file", "graphql", "options", "disabled"})
_EVENT_KEYS = frozenset({"id", "listen", "script", "disabled"})
_SCRIPT_KEYS = frozenset({"id", "type", "exec", "src", "name", "packages", "requests"})
_VARIABLE_KEYS = frozenset({"id", "key", "value", "type", "name", "description", "system", "disabled"})
_ALIASES = {"headers": "header", "requests": "request", "items": "item", "events": "event",
            "variables": "variable", "params": "query", "name": "key"}


def _check_row(row: dict[str, Any], loc: Loc, known: frozenset[str]) -> None:
    """Postman writes ``name`` beside ``key`` on headers; ``name`` alone is a mistake."""
    check_keys(row, loc, known | {"name"} if "key" in row else known, _ALIASES)


def looks_like_postman(doc: object) -> bool:
    """A v2.x collection has ``info`` with a Postman schema, or ``info`` next to ``item``;
    Newman also runs a bare ``{"item": [...]}``."""
    if isinstance(doc, dict) and "info" not in doc and isinstance(doc.get("item"), list):
        return True
    if not isinstance(doc, dict) or not isinstance(doc.get("info"), dict):
        return False
    schema = doc["info"].get("schema")
    if isinstance(schema, str) and "postman.com" in schema:
        return True
    return "item" in doc


def _snake(name: str) -> str:
    """``protocolProfileBehavior`` keys in snake case, for settings with no fixed name."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _value_text(value: object, loc: Loc) -> str:
    """Like ``text`` but objects and lists become JSON: Postman's ``any`` type allows them."""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return text(value, loc)


def _description(value: object, loc: Loc) -> str:
    """A description: a string, or ``{content, type}``."""
    if isinstance(value, dict):
        return text(value.get("content"), loc.key("content"))
    return text(value, loc)


def _enabled(row: dict[str, Any], loc: Loc) -> bool:
    """v2.1 writes ``disabled: true``; some v2.0 exporters wrote ``enabled: false``."""
    disabled = flag(row.get("disabled"), loc.key("disabled"), False)
    return not disabled and flag(row.get("enabled"), loc.key("enabled"), True)


class _Loader:
    """One pass over a collection, carrying the file's folder for relative file paths."""

    def __init__(self, path: str, base_dir: str | None = None) -> None:
        self.path = path
        self.base_dir = base_dir or os.path.dirname(os.path.abspath(path))

    # --- shared pieces -------------------------------------------------------------------

    def kv_list(self, value: object, loc: Loc) -> list[KeyValue]:
        """Headers, query params, path variables and urlencoded fields, with ``disabled``.

        A string is the v2.0 header block (``"Key: value"`` lines); exporters also write an
        empty string for an empty list.
        """
        rows: list[KeyValue] = []
        if isinstance(value, str):
            for line in value.splitlines():
                key, sep, val = line.partition(":")
                if sep and key.strip():
                    rows.append(KeyValue(key.strip(), val.strip()))
            return rows
        for i, row in enumerate([] if value is None else as_list(value, loc)):
            rloc = loc.at(i)
            if isinstance(row, str):
                key, _, val = row.partition(":")
                if key.strip():
                    rows.append(KeyValue(key.strip(), val.strip()))
                continue
            row = as_dict(row, rloc)
            _check_row(row, rloc, _ROW_KEYS)
            key = text(row.get("key", row.get("id")), rloc.key("key"))
            if not key and row.get("value") in (None, ""):
                continue
            rows.append(
                KeyValue(
                    key,
                    _value_text(row.get("value"), rloc.key("value")),
                    _enabled(row, rloc),
                    _description(row.get("description"), rloc.key("description")),
                )
            )
        return rows

    def variables(self, value: object, loc: Loc) -> list[Variable]:
        """Collection and folder ``variable`` lists."""
        result: list[Variable] = []
        for i, row in enumerate([] if value is None else as_list(value, loc)):
            rloc = loc.at(i)
            row = as_dict(row, rloc)
            check_keys(row, rloc, _VARIABLE_KEYS, _ALIASES)
            key = text(row.get("key", row.get("id")), rloc.key("key"))
            if not key:
                continue
            raw = row.get("value")
            value_out: Any = raw if isinstance(raw, (str, int, float, bool)) else _value_text(raw, rloc.key("value"))
            kind = text(row.get("type"), rloc.key("type"), "string") or "string"
            enabled = not flag(row.get("disabled"), rloc.key("disabled"), False)
            result.append(Variable(key, value_out, kind, enabled))
        return result

    def auth(self, value: object, loc: Loc) -> Auth:
        """``{type, <type>: [...] | {...}}``; absent or null means inherit."""
        if value is None:
            return Auth("inherit")
        obj = as_dict(value, loc)
        kind = text(obj.get("type"), loc.key("type")).strip().lower()
        if kind in ("", "inherit"):
            return Auth("inherit")
        if kind == "noauth":
            return Auth("none")
        if kind not in _KNOWN_AUTH:
            return Auth("unsupported", {"name": kind})
        params: dict[str, str] = {}
        raw = obj.get(kind)
        ploc = loc.key(kind)
        if isinstance(raw, list):
            for i, entry in enumerate(raw):
                eloc = ploc.at(i)
                entry = as_dict(entry, eloc)
                key = text(entry.get("key"), eloc.key("key"))
                if key:
                    params[key] = _value_text(entry.get("value"), eloc.key("value"))
        elif raw is not None:
            for key, val in as_dict(raw, ploc).items():
                params[key] = _value_text(val, ploc.key(key))
        for ui_only in ("saveHelperData", "showPassword"):  # editor state, not credentials
            params.pop(ui_only, None)
        if kind == "apikey":
            where = params.get("in", "header").lower() or "header"
            if where not in ("header", "query"):
                raise ploc.error(f"apikey 'in' must be header or query, got {where!r}")
            params = {"key": params.get("key", ""), "value": params.get("value", ""), "in": where}
        elif kind == "bearer":
            params = {"token": params.get("token", "")}
        elif kind in ("basic", "digest"):
            params.setdefault("username", "")
            params.setdefault("password", "")
        return Auth(kind, params)  # type: ignore[arg-type]

    def scripts(self, value: object, loc: Loc, where: str) -> Scripts:
        """``event`` entries: ``prerequest`` and ``test``, ``exec`` as lines or one string."""
        found: dict[str, list[str]] = {"prerequest": [], "test": []}
        language: dict[str, str] = {}
        if isinstance(value, dict):
            _lenient(loc, "'event' is one object, not a list of them (read as a list of one, as Newman does)")
            value = [value]
        for i, event in enumerate([] if value is None else as_list(value, loc)):
            eloc = loc.at(i)
            event = as_dict(event, eloc)
            check_keys(event, eloc, _EVENT_KEYS)
            listen = text(event.get("listen"), eloc.key("listen"))
            if listen not in found or flag(event.get("disabled"), eloc.key("disabled"), False):
                continue
            script = get_dict(event, "script", eloc)
            sloc = eloc.key("script")
            check_keys(script, sloc, _SCRIPT_KEYS)
            exec_value = script.get("exec")
            xloc = sloc.key("exec")
            if isinstance(exec_value, list):
                source = "\n".join(text(line, xloc.at(j)) for j, line in enumerate(exec_value))
            else:
                source = text(exec_value, xloc)
            if source.strip():
                found[listen].append(source)
                declared = text(script.get("type"), sloc.key("type"), "text/javascript")
                language[listen] = "javascript" if declared in ("", "text/javascript") else declared
        result = Scripts()
        if found["prerequest"]:
            result.pre_request = Script(
                "\n".join(found["prerequest"]), language["prerequest"], f"{where} pre-request".strip()
            )
        if found["test"]:
            result.post_response = Script(
                "\n".join(found["test"]), language["test"], f"{where} post-response".strip()
            )
        return result

    def settings(self, value: object, loc: Loc) -> dict[str, Any]:
        """``protocolProfileBehavior`` with snake-case names (``followRedirects`` → ``follow_redirects``)."""
        if value is None:
            return {}
        return {_SETTING_NAMES.get(k, _snake(k)): v for k, v in as_dict(value, loc).items()}

    def file_path(self, value: object, loc: Loc) -> str:
        return os.path.normpath(os.path.join(self.base_dir, os.path.expanduser(text(value, loc))))

    # --- requests ------------------------------------------------------------------------

    def url(self, value: object, loc: Loc) -> tuple[str, list[KeyValue], list[KeyValue]]:
        """URL (no query), query rows and path variables, from a string or a URL object."""
        if value is None:
            return "", [], []
        if isinstance(value, str):
            base, query_text = split_url(value.strip())
            return base, _query_rows_from_text(query_text), []
        obj = as_dict(value, loc)
        check_keys(obj, loc, _URL_KEYS, _ALIASES)
        path_vars = self.kv_list(obj.get("variable"), loc.key("variable"))
        if obj.get("host") is None and obj.get("path") is None:
            base, query_text = split_url(text(obj.get("raw"), loc.key("raw")).strip())
        else:
            base, query_text = self._url_from_parts(obj, loc), None
        if "query" in obj and obj["query"] is not None:
            query = self.query_rows(obj["query"], loc.key("query"))
        else:
            query = _query_rows_from_text(query_text)
        return base, query, path_vars

    def query_rows(self, value: object, loc: Loc) -> list[KeyValue]:
        """URL-object ``query`` rows as Newman sends them: a null value is a bare key
        (``?WSDL``), and a row with no key and no value is an empty piece (``&&``)."""
        rows: list[KeyValue] = []
        for i, row in enumerate(as_list(value, loc)):
            rloc = loc.at(i)
            if isinstance(row, str):
                rows.extend(_query_rows_from_text(row))
                continue
            row = as_dict(row, rloc)
            raw_value = row.get("value")
            rows.append(
                KeyValue(
                    text(row.get("key"), rloc.key("key")),
                    "" if raw_value is None else _value_text(raw_value, rloc.key("value")),
                    _enabled(row, rloc),
                    _description(row.get("description"), rloc.key("description")),
                    bare=raw_value is None,
                )
            )
        return rows

    def _url_from_parts(self, obj: dict[str, Any], loc: Loc) -> str:
        """``protocol://host:port/path``, as Newman rebuilds it; with no protocol, none is added."""
        def segments(key: str, sep: str) -> str:
            raw = obj.get(key)
            kloc = loc.key(key)
            if raw is None or isinstance(raw, str):
                return text(raw, kloc)
            out = []
            for i, seg in enumerate(as_list(raw, kloc)):
                if isinstance(seg, dict):  # v2.0 path segment {type, value}
                    seg = seg.get("value")
                out.append(text(seg, kloc.at(i)))
            return sep.join(out)

        protocol = text(obj.get("protocol"), loc.key("protocol")).rstrip(":/")
        host = segments("host", ".")
        port = text(obj.get("port"), loc.key("port"))
        path = segments("path", "/")
        url = f"{protocol}://" if protocol else ""
        auth = obj.get("auth")
        if isinstance(auth, dict) and (auth.get("user") or auth.get("password")):
            # ``user:password@`` kept in the URL: the HTTP layer sends it as Basic auth, as Newman does.
            url += text(auth.get("user"), loc.key("auth").key("user"))
            password = auth.get("password")
            url += f":{text(password, loc.key('auth').key('password'))}@" if password is not None else "@"
        url += host
        if port:
            url += f":{port}"
        if path:
            url += path if path.startswith("/") else f"/{path}"
        return url

    def body(self, value: object, loc: Loc) -> Body:
        """``body`` by ``mode``; a disabled or empty body is no body."""
        if value is None:
            return Body()
        obj = as_dict(value, loc)
        check_keys(obj, loc, _BODY_KEYS)
        if flag(obj.get("disabled"), loc.key("disabled"), False):
            return Body()
        mode = text(obj.get("mode"), loc.key("mode"))
        if mode == "":
            return Body()
        if mode == "raw":
            raw = text(obj.get("raw"), loc.key("raw"))
            if raw == "":
                return Body()
            options = get_dict(obj, "options", loc)
            raw_options = get_dict(options, "raw", loc.key("options"))
            language = text(raw_options.get("language"), loc.key("options").key("raw").key("language"))
            return Body(
                "raw",
                raw=raw,
                content_type=_LANGUAGE_TYPES.get(language.lower(), "text/plain"),
                strip_json_comments=language.lower() == "json",
            )
        if mode == "urlencoded":
            return Body("urlencoded", urlencoded=self.kv_list(obj.get("urlencoded"), loc.key("urlencoded")))
        if mode == "formdata":
            return Body("formdata", formdata=self.form_parts(obj.get("formdata"), loc.key("formdata")))
        if mode == "file":
            file_obj = get_dict(obj, "file", loc)
            src = file_obj.get("src")
            if src in (None, ""):
                content = text(file_obj.get("content"), loc.key("file").key("content"))
                return Body("raw", raw=content) if content else Body()
            return Body("file", file=self.file_path(src, loc.key("file").key("src")))
        if mode == "graphql":
            gql = get_dict(obj, "graphql", loc)
            gloc = loc.key("graphql")
            variables = gql.get("variables")
            variables_text = (
                json.dumps(variables) if isinstance(variables, (dict, list)) else text(variables, gloc.key("variables"))
            )
            graphql = GraphQL(
                text(gql.get("query"), gloc.key("query")),
                variables_text,
                opt_text(gql.get("operationName"), gloc.key("operationName")) or None,
            )
            return Body("graphql", graphql=graphql, content_type="application/json")
        # Newman runs an unknown mode: a ``raw`` text beside it goes out as text/plain, else nothing.
        _lenient(loc.key("mode"), f"unknown body mode {mode!r} (expected raw, urlencoded, formdata, file or graphql)")
        beside = obj.get("raw")
        return Body("raw", raw=beside, content_type="text/plain") if isinstance(beside, str) and beside else Body()

    def form_parts(self, value: object, loc: Loc) -> list[FormPart]:
        """``formdata`` entries: text, or file with ``src`` as one path or a list."""
        parts: list[FormPart] = []
        for i, row in enumerate([] if value in (None, "") else as_list(value, loc)):
            rloc = loc.at(i)
            row = as_dict(row, rloc)
            _check_row(row, rloc, _FORM_KEYS)
            key = text(row.get("key"), rloc.key("key"))
            enabled = _enabled(row, rloc)
            content_type = opt_text(row.get("contentType"), rloc.key("contentType")) or None
            kind = text(row.get("type"), rloc.key("type"), "text")
            src = row.get("src")
            if kind == "file" or (kind != "text" and src is not None):
                sloc = rloc.key("src")
                sources = src if isinstance(src, list) else ([] if src in (None, "") else [src])
                files = [self.file_path(s, sloc.at(j) if isinstance(src, list) else sloc) for j, s in enumerate(sources)]
                parts.append(FormPart(key, "", "file", files, content_type, enabled))
            else:
                if not key and row.get("value") in (None, ""):
                    continue
                value_text = _value_text(row.get("value"), rloc.key("value"))
                parts.append(FormPart(key, value_text, "text", [], content_type, enabled))
        return parts

    def request(self, item: dict[str, Any], loc: Loc, rid: str, name: str, where: str,
                inherited: dict[str, Any]) -> Request:
        """One request item; ``request`` may be a bare URL string."""
        raw = item.get("request")
        rloc = loc.key("request")
        if isinstance(raw, str):
            raw = {"url": raw}
        req = as_dict(raw, rloc)
        check_keys(req, rloc, _REQUEST_KEYS, _ALIASES)
        method = text(req.get("method"), rloc.key("method"), "GET").strip().upper() or "GET"
        url, query, path_vars = self.url(req.get("url"), rloc.key("url"))
        body = self.body(req.get("body"), rloc.key("body"))
        headers = self.kv_list(req.get("header"), rloc.key("header"))
        if body.mode == "raw" and not body.strip_json_comments and not _raw_language(req.get("body")):
            # No language declared: Newman goes by the Content-Type the user wrote.
            declared = next((h.value for h in headers if h.enabled and h.key.lower() == "content-type"), "")
            body.strip_json_comments = bool(_JSON_TYPE.match(declared))
        kind: Literal["http", "graphql"] = "graphql" if body.mode == "graphql" else "http"
        settings = {**inherited, **self.settings(item.get("protocolProfileBehavior"), loc.key("protocolProfileBehavior"))}
        description = _description(req.get("description"), rloc.key("description")) or _description(
            item.get("description"), loc.key("description")
        )
        return Request(
            rid, name, method, url,
            headers,
            query, path_vars, body,
            self.auth(req.get("auth"), rloc.key("auth")),
            self.scripts(item.get("event"), loc.key("event"), where),
            kind, description, settings,
        )

    # --- tree ----------------------------------------------------------------------------

    def items(self, value: object, loc: Loc, names: list[str], index_path: str,
              inherited: dict[str, Any]) -> list[Item]:
        """The ``item`` list of a collection or folder, in file order."""
        result: list[Item] = []
        for i, raw in enumerate([] if value is None else as_list(value, loc)):
            iloc = loc.at(i)
            item = as_dict(raw, iloc)
            name = text(item.get("name"), iloc.key("name")) or "Untitled"
            path = [*names, name]
            where = "/".join(path)
            ipath = f"{index_path}/{i}"
            rid = text(item.get("id", item.get("_postman_id")), iloc.key("id")) or _stable_id(self.path, ipath, where)
            if "item" in item and item["item"] is not None:
                check_keys(item, iloc, _FOLDER_KEYS, _ALIASES)
                behaviour = {**inherited, **self.settings(item.get("protocolProfileBehavior"), iloc.key("protocolProfileBehavior"))}
                result.append(
                    Folder(
                        rid, name,
                        self.items(item["item"], iloc.key("item"), path, ipath, behaviour),
                        self.variables(item.get("variable"), iloc.key("variable")),
                        self.auth(item.get("auth"), iloc.key("auth")),
                        self.scripts(item.get("event"), iloc.key("event"), where),
                        _description(item.get("description"), iloc.key("description")),
                    )
                )
            elif "request" in item and item["request"] is not None:
                check_keys(item, iloc, _ITEM_KEYS, _ALIASES)
                result.append(self.request(item, iloc, rid, name, where, inherited))
            else:
                guesses = [k for k in item if suggestion(k, ("request", "item"), _ALIASES) and k not in _ITEM_KEYS]
                hint = f"did you mean 'request' or 'item' instead of {guesses[0]!r}?" if guesses else None
                raise iloc.error("item has neither 'request' nor 'item'", hint=hint)
        return result


_JSON_TYPE = re.compile(r"^application/(\S+\+)?json")


def _raw_language(body: object) -> str:
    """``body.options.raw.language`` of a body :meth:`_Loader.body` has already checked."""
    options = body.get("options") if isinstance(body, dict) else None
    raw = options.get("raw") if isinstance(options, dict) else None
    language = raw.get("language") if isinstance(raw, dict) else None
    return language if isinstance(language, str) else ""


def _query_rows_from_text(query: str | None) -> list[KeyValue]:
    """A written query string as Newman splits it: every ``&`` piece kept, a piece without
    ``=`` a bare key, and ``?`` with nothing after it one empty piece (sent as ``?``)."""
    if query is None:
        return []
    rows = []
    for piece in query.split("&"):
        key, sep, value = piece.partition("=")
        rows.append(KeyValue(key, value, bare=not sep))
    return rows


def _stable_id(path: str, index_path: str, names: str) -> str:
    """An id for items that carry none: the same file gives the same ids on every load."""
    digest = hashlib.sha1(f"{os.path.basename(path)}\0{index_path}\0{names}".encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()
    return f"pm-{digest[:16]}"


def load_postman(path: str, doc: dict[str, Any], base_dir: str | None = None) -> Collection:
    """A Postman v2.0/v2.1 collection; collection-level auth, variables and events become the root's.

    Relative file paths resolve against ``base_dir`` (default: the file's folder).
    """
    loc = Loc(path)
    if doc.get("info") is None:
        _lenient(loc, "no 'info' block (named after the file, as Newman runs it)")
    info = as_dict(doc.get("info") or {}, loc.key("info"))
    iloc = loc.key("info")
    schema = text(info.get("schema"), iloc.key("schema"))
    if "/v1" in schema:
        raise iloc.key("schema").error(
            "Postman collection v1 is not supported", hint="export it again from Postman as v2.1"
        )
    name = text(info.get("name"), iloc.key("name")) or os.path.splitext(os.path.basename(path))[0]
    rid = text(info.get("_postman_id", info.get("id")), iloc.key("_postman_id")) or _stable_id(path, "", name)
    check_keys(doc, loc, _COLLECTION_KEYS, _ALIASES)
    loader = _Loader(path, base_dir)
    behaviour = loader.settings(doc.get("protocolProfileBehavior"), loc.key("protocolProfileBehavior"))
    if doc.get("item") is None:
        raise loc.key("item").error("expected a list of items, got nothing")
    items = loader.items(doc.get("item"), loc.key("item"), [], "", behaviour)
    description = _description(info.get("description"), iloc.key("description")) or _description(
        doc.get("description"), loc.key("description")
    )
    return Collection(
        rid, name, items,
        loader.variables(doc.get("variable"), loc.key("variable")),
        root_auth(loader.auth(doc.get("auth"), loc.key("auth"))),
        loader.scripts(doc.get("event"), loc.key("event"), name),
        description, source=path, format="postman",
    )

