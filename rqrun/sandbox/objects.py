"""The data objects behind ``rq``: variable scopes, header/parameter lists, request, response, info.

Each keeps its state in ``_``-named slots (unreadable from scripts: the compiler refuses the
names and ``_getattr_`` only serves the public names registered with :func:`expose`), works on
copies of the job's data, and records writes for the parent as operations.
"""

from __future__ import annotations

import json
import math
from typing import Any, TypedDict

from rqrun.sandbox.expect import ResponseAssertion
from rqrun.sandbox.guards import STATE, expose

__all__ = ["JobRecord", "Scope", "VariablesScope", "Pair", "KeyValueList", "Request", "Response", "Info",
           "MAX_KEY_CHARS", "MAX_VALUE_CHARS", "check_key", "check_value"]

MAX_KEY_CHARS = 1_000
MAX_VALUE_CHARS = 1 << 20


class JobRecord:
    """What a job produced, read by the worker after the script: tests and scope operations.

    ``job`` is the token of the job it belongs to (see :meth:`JobState.require`): every write
    checks it, so nothing is recorded once that job is over.
    """

    __slots__ = ("job", "scope_ops", "tests", "execution")

    def __init__(self) -> None:
        self.tests: list[list[Any]] = []
        self.scope_ops: list[list[Any]] = []
        self.execution: dict[str, Any] = {}  # flow control: {"next": [name_or_id_or_None], "skip": True}
        self.job = STATE.job


def check_key(where: str, key: Any) -> str:
    if type(key) is not str or not key:
        raise TypeError(f"{where}: the key must be a non-empty string")
    if len(key) > MAX_KEY_CHARS:
        raise ValueError(f"{where}: the key is longer than {MAX_KEY_CHARS} characters")
    return key


def check_value(where: str, value: Any) -> Any:
    kind = type(value)
    if value is None or kind is bool:
        return value
    if kind is str:
        if len(value) > MAX_VALUE_CHARS:
            raise ValueError(f"{where}: the value is longer than {MAX_VALUE_CHARS} characters")
        return value
    if kind is int:
        if value.bit_length() > 64 * 16:
            raise ValueError(f"{where}: the number is too large")
        return value
    if kind is float:
        if not math.isfinite(value):
            raise ValueError(f"{where}: the value must be a finite number")
        return value
    raise TypeError(f"{where}: the value must be a str, int, float, bool or None, not {kind.__name__} "
                    "(use json.dumps to store structures)")


class Scope:
    """``rq.environment`` and friends: get/set/unset/has/toObject/clear over one scope's copy."""

    __slots__ = ("_name", "_data", "_record", "_readonly")

    def __init__(self, name: str, data: dict[str, Any], record: JobRecord, readonly: bool = False) -> None:
        self._name = name
        self._data = data
        self._record = record
        self._readonly = readonly

    def _write(self, op: str) -> None:
        STATE.require(self._record.job)
        if self._readonly:
            raise TypeError(f"rq.{self._name} is read-only ({op} is not allowed)")

    def get(self, key: Any, default: Any = None) -> Any:
        return self._data.get(key, default) if type(key) is str else default

    def has(self, key: Any) -> bool:
        return type(key) is str and key in self._data

    def set(self, key: Any, value: Any) -> None:
        self._write("set")
        where = f"rq.{self._name}.set"
        key = check_key(where, key)
        value = check_value(where, value)
        self._data[key] = value
        self._record.scope_ops.append([self._name, "set", key, value])

    def unset(self, key: Any) -> None:
        self._write("unset")
        key = check_key(f"rq.{self._name}.unset", key)
        self._data.pop(key, None)
        self._record.scope_ops.append([self._name, "unset", key, None])

    def clear(self) -> None:
        self._write("clear")
        self._data.clear()
        self._record.scope_ops.append([self._name, "clear", "", None])

    def toObject(self) -> dict[str, Any]:  # noqa: N802 - Requestly's name
        return dict(self._data)

    def __repr__(self) -> str:
        return f"<rq.{self._name} ({len(self._data)} values)>"


class VariablesScope(Scope):
    """``rq.variables``: writes go to the run scope; reads fall back through every scope."""

    __slots__ = ("_chain",)

    def __init__(self, data: dict[str, Any], chain: list[dict[str, Any]], record: JobRecord) -> None:
        super().__init__("variables", data, record)
        self._chain = chain  # highest precedence first, the run scope itself excluded

    def get(self, key: Any, default: Any = None) -> Any:
        if type(key) is not str:
            return default
        if key in self._data:
            return self._data[key]
        for layer in self._chain:
            if key in layer:
                return layer[key]
        return default

    def has(self, key: Any) -> bool:
        return type(key) is str and (key in self._data or any(key in layer for layer in self._chain))

    def toObject(self) -> dict[str, Any]:  # noqa: N802
        merged: dict[str, Any] = {}
        for layer in reversed(self._chain):
            merged.update(layer)
        merged.update(self._data)
        return merged


for _cls in (Scope, VariablesScope):
    expose(_cls, ["get", "has", "set", "unset", "clear", "toObject"])


class Pair:
    """One header or parameter row as a script sees it: ``.key``, ``.value``, ``row["key"]``."""

    __slots__ = ("key", "value")

    def __init__(self, key: str, value: Any) -> None:
        self.key = key
        self.value = value

    def __getitem__(self, name: Any) -> Any:
        if name == "key":
            return self.key
        if name == "value":
            return self.value
        raise KeyError(name)

    def __repr__(self) -> str:
        return f"{self.key}: {self.value}"


expose(Pair, ["key", "value"], items=True)


def _row_args(where: str, key: Any, value: Any) -> tuple[str, str]:
    """Accept ``("K", "V")``, ``(("K", "V"),)`` or ``({"key": K, "value": V},)``."""
    if value is None and type(key) is dict:
        key, value = key.get("key"), key.get("value")
    elif value is None and type(key) in (tuple, list) and len(key) == 2:
        key, value = key
    if type(key) is not str or not key:
        raise TypeError(f"{where}: expected a name and a value, or {{'key': ..., 'value': ...}}")
    if type(value) in (int, float) or type(value) is bool:
        value = json.dumps(value)
    if type(value) is not str:
        raise TypeError(f"{where}: the value must be a string")
    if len(key) > MAX_KEY_CHARS or len(value) > MAX_VALUE_CHARS:
        raise ValueError(f"{where}: the name or value is too long")
    return key, value


#: Rows one header, query or form list may hold: a script may not grow a request without bound.
MAX_ROWS = 1_000


class Row(TypedDict):
    """One header, parameter or form row as a job carries it."""

    key: str
    value: Any


class KeyValueList:
    """A list of ``{key, value}`` rows: headers (case-insensitive names) or parameters."""

    __slots__ = ("_rows", "_what", "_fold", "_readonly")

    def __init__(self, rows: list[Row], what: str, fold: bool, readonly: bool) -> None:
        self._rows = rows
        self._what = what
        self._fold = fold
        self._readonly = readonly

    def _same(self, row: Row, name: str) -> bool:
        key = row.get("key")
        if type(key) is not str:
            return False
        return key.lower() == name.lower() if self._fold else key == name

    def _mutable(self, op: str) -> None:
        if self._readonly:
            raise TypeError(f"{self._what} cannot be changed here ({op})")

    def get(self, name: Any, default: Any = None) -> Any:
        if type(name) is str:
            for row in self._rows:
                if self._same(row, name):
                    return row.get("value")
        return default

    def has(self, name: Any) -> bool:
        return type(name) is str and any(self._same(row, name) for row in self._rows)

    def _room(self, op: str) -> None:
        if len(self._rows) >= MAX_ROWS:
            raise ValueError(f"{self._what}.{op}: at most {MAX_ROWS} entries")

    def add(self, key: Any, value: Any = None) -> None:
        self._mutable("add")
        key, value = _row_args(f"{self._what}.add", key, value)
        self._room("add")
        self._rows.append({"key": key, "value": value})

    def upsert(self, key: Any, value: Any = None) -> None:
        self._mutable("upsert")
        key, value = _row_args(f"{self._what}.upsert", key, value)
        for row in self._rows:
            if self._same(row, key):
                row["value"] = value
                return
        self._room("upsert")
        self._rows.append({"key": key, "value": value})

    def remove(self, name: Any) -> None:
        self._mutable("remove")
        if type(name) is dict:
            name = name.get("key")
        if type(name) is not str:
            raise TypeError(f"{self._what}.remove: expected a name")
        self._rows[:] = [row for row in self._rows if not self._same(row, name)]

    def all(self) -> list[dict[str, Any]]:
        return [{"key": row.get("key"), "value": row.get("value")} for row in self._rows]

    def toObject(self) -> dict[str, Any]:  # noqa: N802
        result: dict[str, Any] = {}
        for row in self._rows:
            result.setdefault(row.get("key"), row.get("value"))
        return result

    def count(self) -> int:
        return len(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Any:
        return iter([Pair(row.get("key"), row.get("value")) for row in self._rows])

    def __contains__(self, name: Any) -> bool:
        return self.has(name)

    def __getitem__(self, index: Any) -> Any:
        if type(index) is int:
            row = self._rows[index]
            return Pair(row.get("key"), row.get("value"))
        if type(index) is str and self.has(index):
            return self.get(index)
        raise KeyError(index)

    def __setitem__(self, name: Any, value: Any) -> None:
        self.upsert(name, value)

    def __delitem__(self, name: Any) -> None:
        self.remove(name)

    def __repr__(self) -> str:
        return f"<{self._what}: {len(self._rows)} rows>"


expose(KeyValueList, ["get", "has", "add", "upsert", "remove", "all", "toObject", "count"],
       items=True, item_writable=True)


_BODY_MODES = ("none", "raw", "urlencoded", "formdata", "graphql", "file")
_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _rows(value: Any) -> list[Row]:
    """Copy rows from a job, keeping only well-formed ``{key, value}`` dicts."""
    rows: list[Row] = []
    for row in value or ():
        if type(row) is dict and type(row.get("key")) is str:
            rows.append({"key": row["key"], "value": row.get("value")})
    return rows


class Request:
    """``rq.request``: url, method, headers, queryParams and body; writable before sending only."""

    __slots__ = ("_id", "_name", "_url", "_method", "_headers", "_params", "_mode", "_body", "_readonly", "_timeout")

    def __init__(self, data: dict[str, Any], readonly: bool) -> None:
        self._id = str(data.get("id") or "")
        self._name = str(data.get("name") or "")
        self._url = str(data.get("url") or "")
        self._method = str(data.get("method") or "GET")
        self._readonly = readonly
        timeout = data.get("timeout")
        self._timeout = timeout if (type(timeout) is int or type(timeout) is float) and timeout > 0 else None
        self._headers = KeyValueList(_rows(data.get("headers")), "rq.request.headers", True, readonly)
        self._params = KeyValueList(_rows(data.get("queryParams")), "rq.request.queryParams", False, readonly)
        mode: str = data["bodyMode"] if data.get("bodyMode") in _BODY_MODES else "none"
        body = data.get("body")
        self._mode = mode
        if type(body) is list:
            self._body: Any = KeyValueList(_rows(body), "rq.request.body", False, readonly)
        else:
            self._body = body if type(body) is str else None

    def _mutable(self, what: str) -> None:
        if self._readonly:
            raise TypeError(f"rq.request.{what} can only be changed in a pre-request script")

    @property
    def id(self) -> str:
        return self._id

    @property
    def name(self) -> str:
        return self._name

    @property
    def url(self) -> str:
        return self._url

    @url.setter
    def url(self, value: Any) -> None:
        self._mutable("url")
        if type(value) is not str or len(value) > MAX_VALUE_CHARS:
            raise TypeError("rq.request.url must be a string")
        self._url = value

    @property
    def method(self) -> str:
        return self._method

    @method.setter
    def method(self, value: Any) -> None:
        self._mutable("method")
        if type(value) is not str or not value or len(value) > 32 or not set(value) <= _TOKEN_CHARS:
            raise ValueError("rq.request.method must be an HTTP method such as 'POST'")
        self._method = value.upper()

    @property
    def timeout(self) -> Any:
        """This request's timeout in milliseconds (None: the run's --timeout-request)."""
        return self._timeout

    @timeout.setter
    def timeout(self, value: Any) -> None:
        self._mutable("timeout")
        if value is not None and (type(value) not in (int, float) or not 0 < value <= 3_600_000):
            raise ValueError("rq.request.timeout must be milliseconds between 1 and 3600000, or None")
        self._timeout = value

    @property
    def headers(self) -> KeyValueList:
        return self._headers

    @property
    def queryParams(self) -> KeyValueList:  # noqa: N802
        return self._params

    @property
    def bodyMode(self) -> str:  # noqa: N802
        return self._mode

    @property
    def body(self) -> Any:
        return self._body

    @body.setter
    def body(self, value: Any) -> None:
        self._mutable("body")
        if value is None:
            self._mode, self._body = "none", None
        elif type(value) is str:
            if len(value) > MAX_VALUE_CHARS * 8:
                raise ValueError("rq.request.body is too large")
            if self._mode not in ("raw", "graphql"):
                self._mode = "raw"
            self._body = value
        elif type(value) in (list, tuple):
            pairs = [_row_args("rq.request.body", row, None) for row in value]
            rows: list[Row] = [{"key": key, "value": text} for key, text in pairs]
            if self._mode != "formdata":
                self._mode = "urlencoded"
            self._body = KeyValueList(rows, "rq.request.body", False, False)
        elif type(value) is dict:
            self._mode, self._body = "raw", json.dumps(value)
        else:
            raise TypeError("rq.request.body must be a string, a list of (key, value) pairs, a dict or None")

    def toObject(self) -> dict[str, Any]:  # noqa: N802
        body = self._body
        return {
            "id": self._id, "name": self._name, "url": self._url, "method": self._method,
            "headers": self._headers.all(), "queryParams": self._params.all(),
            "bodyMode": self._mode, "body": body.all() if type(body) is KeyValueList else body,
            "timeout": self._timeout,
        }

    def __repr__(self) -> str:
        return f"<rq.request {self._method} {self._url}>"


expose(Request, ["id", "name", "url", "method", "headers", "queryParams", "bodyMode", "body", "timeout", "toObject"],
       writable=["url", "method", "body", "timeout"])


class Response:
    """``rq.response`` and what ``rq.sendRequest`` returns: fields, ``json()``, ``text()``, ``to``."""

    __slots__ = ("_code", "_status", "_headers", "_body", "_time")

    def __init__(self, data: dict[str, Any]) -> None:
        code = data.get("code")
        self._code = code if type(code) is int else 0
        self._status = str(data.get("status") or "")
        self._headers = KeyValueList(_rows(data.get("headers")), "rq.response.headers", True, True)
        body = data.get("body")
        self._body = body if type(body) is str else ""
        elapsed = data.get("responseTime")
        self._time = float(elapsed) if type(elapsed) is int or type(elapsed) is float else 0.0

    code = property(lambda self: self._code)
    status = property(lambda self: self._status)
    headers = property(lambda self: self._headers)
    body = property(lambda self: self._body)
    responseTime = property(lambda self: self._time)  # noqa: N815

    def text(self) -> str:
        return self._body

    def json(self) -> Any:
        from rqrun.sandbox.facades import JSONDecodeError

        try:
            return json.loads(self._body)
        except ValueError as exc:
            raise JSONDecodeError(f"response body is not valid JSON: {exc}") from None

    @property
    def to(self) -> ResponseAssertion:
        return ResponseAssertion(self)

    @property
    def not_(self) -> ResponseAssertion:
        return ResponseAssertion(self).not_

    def __repr__(self) -> str:
        return f"<rq.response {self._code} {self._status}>"


expose(Response, ["code", "status", "headers", "body", "responseTime", "text", "json", "to", "not_"])


class Info:
    """``rq.info``: which request, which phase, which iteration."""

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    requestId = property(lambda self: self._data.get("requestId"))  # noqa: N815
    requestName = property(lambda self: self._data.get("requestName"))  # noqa: N815
    eventName = property(lambda self: self._data.get("eventName"))  # noqa: N815
    iteration = property(lambda self: self._data.get("iteration", 0))
    iterationCount = property(lambda self: self._data.get("iterationCount", 1))  # noqa: N815

    def __repr__(self) -> str:
        return f"<rq.info {self._data.get('eventName')} {self._data.get('requestName')!r}>"


expose(Info, ["requestId", "requestName", "eventName", "iteration", "iterationCount"])
