"""Chai-style assertions for scripts: ``rq.expect(x).to.equal(y)`` and ``rq.response.to.be.ok``.

Language chains (``to``, ``be``, ``have``, ...) return the same object; Python keywords get a
trailing underscore (``not_``, ``and_``, ``is_``, ``with_``). Argument-less terminals
(``true``, ``empty``, ``ok``, ``notFound``...) are properties that assert when read, as in Chai.
A failure raises :class:`RqAssertionError` with a message such as "expected 404 to equal 200".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from rqrun.sandbox.guards import expose

__all__ = ["RqAssertionError", "Expectation", "ResponseAssertion", "same", "describe", "json_path"]

_MISSING: Any = object()


class RqAssertionError(AssertionError):
    """An assertion made with ``rq.expect`` or ``rq.response.to`` failed."""


def describe(value: Any, limit: int = 120) -> str:
    """A short, quoted rendering of a value for assertion messages."""
    try:
        text = repr(value)
    except Exception:  # a broken repr must not hide the assertion
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def same(left: Any, right: Any) -> bool:
    """Deep equality that, unlike ``==``, keeps booleans apart from numbers (``True`` is not ``1``)."""
    lt, rt = type(left), type(right)
    if lt is bool or rt is bool:
        return lt is rt and left == right
    if lt in (int, float) and rt in (int, float):
        return bool(left == right)
    if lt is not rt:
        return False
    if lt is list or lt is tuple:
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right, strict=True))
    if lt is dict:
        return left.keys() == right.keys() and all(same(v, right[k]) for k, v in left.items())
    return bool(left == right)


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


_TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "str": lambda v: type(v) is str,
    "int": lambda v: type(v) is int,
    "float": lambda v: type(v) is float,
    "number": _is_number,
    "bool": lambda v: type(v) is bool,
    "list": lambda v: type(v) is list,
    "array": lambda v: type(v) in (list, tuple),
    "tuple": lambda v: type(v) is tuple,
    "dict": lambda v: type(v) is dict,
    "none": lambda v: v is None,
    "bytes": lambda v: type(v) is bytes,
    "set": lambda v: type(v) in (set, frozenset),
    "function": callable,
}
_TYPE_ALIASES = {"string": "str", "integer": "int", "boolean": "bool", "object": "dict",
                 "null": "none", "nonetype": "none", "undefined": "none", "callable": "function"}


def _type_check(kind: Any) -> tuple[str, Callable[[Any], bool]]:
    if isinstance(kind, type):
        name = "none" if kind is type(None) else kind.__name__
    elif type(kind) is str:
        name = kind.lower()
    else:
        raise TypeError("a() expects a type name such as 'str' or 'number'")
    name = _TYPE_ALIASES.get(name, name)
    check = _TYPE_CHECKS.get(name)
    if check is None:
        raise ValueError(f"unknown type name {kind!r} (use str, int, float, number, bool, list, dict, none...)")
    return name, check


_PATH_PART = re.compile(r"[^.\[\]]+|\[(\d+)\]")


def json_path(data: Any, path: str) -> tuple[bool, Any]:
    """Follow ``a.b[0].c`` (lodash style) through parsed JSON: ``(found, value)``."""
    current = data
    for match in _PATH_PART.finditer(path):
        index = match.group(1)
        key = match.group(0)
        if index is not None or (type(current) is list and key.isdigit()):
            position = int(index if index is not None else key)
            if type(current) is not list or not 0 <= position < len(current):
                return False, None
            current = current[position]
        elif type(current) is dict and key in current:
            current = current[key]
        else:
            return False, None
    return True, current


class Expectation:
    """``rq.expect(value)``: chains, ``not_``, methods and asserting properties."""

    __slots__ = ("_value", "_negate")

    def __init__(self, value: Any) -> None:
        self._value = value
        self._negate = False

    def _check(self, passed: bool, wanted: str) -> Expectation:
        if bool(passed) == self._negate:
            verb = f"to not {wanted}" if self._negate else f"to {wanted}"
            raise RqAssertionError(f"expected {describe(self._value)} {verb}")
        return self

    # language chains
    to = be = been = is_ = that = which = and_ = has = have = with_ = at = of = same = deep = does = \
        property(lambda self: self)

    @property
    def not_(self) -> Expectation:
        self._negate = not self._negate
        return self

    # terminals asserting on access
    true = property(lambda self: self._check(self._value is True, "be true"))
    false = property(lambda self: self._check(self._value is False, "be false"))
    none = property(lambda self: self._check(self._value is None, "be None"))
    null = property(lambda self: self._check(self._value is None, "be null"))
    undefined = property(lambda self: self._check(self._value is None, "be undefined"))
    exist = property(lambda self: self._check(self._value is not None, "exist"))
    ok = property(lambda self: self._check(bool(self._value), "be truthy"))

    @property
    def empty(self) -> Expectation:
        try:
            size = len(self._value)
        except TypeError:
            raise RqAssertionError(f"expected {describe(self._value)} to have a length") from None
        return self._check(size == 0, "be empty")

    # methods
    def equal(self, expected: Any) -> Expectation:
        return self._check(same(self._value, expected), f"equal {describe(expected)}")

    equals = eq = equal

    def eql(self, expected: Any) -> Expectation:
        return self._check(same(self._value, expected), f"deeply equal {describe(expected)}")

    eqls = eql

    def a(self, kind: Any) -> Expectation:
        name, check = _type_check(kind)
        return self._check(check(self._value), f"be a {name}")

    an = a

    def include(self, item: Any) -> Expectation:
        value = self._value
        if type(value) is str:
            if type(item) is not str:
                raise TypeError("include() on a string expects a string")
            found = item in value
        elif type(value) is dict:
            if type(item) is dict:
                found = all(k in value and same(value[k], v) for k, v in item.items())
            else:
                found = item in value
        elif type(value) in (list, tuple, set, frozenset):
            found = any(same(element, item) for element in value)
        else:
            raise RqAssertionError(f"expected {describe(value)} to be a string, list or dict")
        return self._check(found, f"include {describe(item)}")

    includes = contain = contains = include

    def match(self, pattern: Any) -> Expectation:
        value = self._value
        if type(value) is not str:
            raise RqAssertionError(f"expected {describe(value)} to be a string")
        from rqrun.sandbox.facades import Re

        found = Re.search(pattern, value) is not None
        shown = pattern if type(pattern) is str else getattr(pattern, "pattern", pattern)
        return self._check(found, f"match {describe(shown)}")

    matches = match

    def _compare(self, passed: Callable[[], bool], wanted: str) -> Expectation:
        try:
            result = passed()
        except TypeError:
            raise RqAssertionError(f"expected {describe(self._value)} to be comparable ({wanted})") from None
        return self._check(result, wanted)

    def above(self, limit: Any) -> Expectation:
        return self._compare(lambda: self._value > limit, f"be above {describe(limit)}")

    gt = greaterThan = above

    def below(self, limit: Any) -> Expectation:
        return self._compare(lambda: self._value < limit, f"be below {describe(limit)}")

    lt = lessThan = below

    def least(self, limit: Any) -> Expectation:
        return self._compare(lambda: self._value >= limit, f"be at least {describe(limit)}")

    gte = least

    def most(self, limit: Any) -> Expectation:
        return self._compare(lambda: self._value <= limit, f"be at most {describe(limit)}")

    lte = most

    def within(self, low: Any, high: Any) -> Expectation:
        return self._compare(lambda: low <= self._value <= high,
                             f"be within {describe(low)}..{describe(high)}")

    def closeTo(self, expected: Any, delta: Any) -> Expectation:  # noqa: N802 - Chai's name
        return self._compare(lambda: abs(self._value - expected) <= delta,
                             f"be close to {describe(expected)} +/- {describe(delta)}")

    def lengthOf(self, size: Any) -> Expectation:  # noqa: N802 - Chai's name
        try:
            actual = len(self._value)
        except TypeError:
            raise RqAssertionError(f"expected {describe(self._value)} to have a length") from None
        return self._check(actual == size, f"have a length of {size} (got {actual})")

    def property(self, name: Any, value: Any = _MISSING) -> Expectation:
        target = self._value
        if type(target) is not dict:
            raise RqAssertionError(f"expected {describe(target)} to be a dict with property {describe(name)}")
        present = name in target
        if value is _MISSING:
            self._check(present, f"have property {describe(name)}")
        else:
            self._check(present and same(target[name], value),
                        f"have property {describe(name)} of {describe(value)}")
        if self._negate or not present:
            return self
        return Expectation(target[name])

    def keys(self, *names: Any) -> Expectation:
        if len(names) == 1 and type(names[0]) in (list, tuple, set):
            names = tuple(names[0])
        if type(self._value) is not dict:
            raise RqAssertionError(f"expected {describe(self._value)} to be a dict")
        wanted = ", ".join(describe(n) for n in names)
        return self._check(set(self._value) == set(names), f"have keys {wanted}")

    def oneOf(self, options: Any) -> Expectation:  # noqa: N802 - Chai's name
        return self._check(any(same(self._value, o) for o in options), f"be one of {describe(options)}")

    def satisfy(self, predicate: Any) -> Expectation:
        return self._check(bool(predicate(self._value)), "satisfy the given function")

    def __repr__(self) -> str:
        return f"<expect {describe(self._value)}>"


_EXPECT_NAMES = [n for n in vars(Expectation) if not n.startswith("_")]
expose(Expectation, _EXPECT_NAMES)


def _status_class(code: int, first_digits: tuple[int, ...]) -> bool:
    return code // 100 in first_digits


_STATUS_TERMINALS: dict[str, tuple[Callable[[int], bool], str]] = {
    "ok": (lambda c: _status_class(c, (2,)), "2XX"),
    "success": (lambda c: c == 200, "200"),
    "accepted": (lambda c: c == 202, "202"),
    "badRequest": (lambda c: c == 400, "400"),
    "unauthorized": (lambda c: c == 401, "401"),
    "forbidden": (lambda c: c == 403, "403"),
    "notFound": (lambda c: c == 404, "404"),
    "rateLimited": (lambda c: c == 429, "429"),
    "clientError": (lambda c: _status_class(c, (4,)), "4XX"),
    "serverError": (lambda c: _status_class(c, (5,)), "5XX"),
    "error": (lambda c: _status_class(c, (4, 5)), "4XX or 5XX"),
    "info": (lambda c: _status_class(c, (1,)), "1XX"),
    "redirection": (lambda c: _status_class(c, (3,)), "3XX"),
}


class ResponseAssertion:
    """``rq.response.to...``: status, header, body and JSON checks on the response."""

    __slots__ = ("_response", "_negate")

    def __init__(self, response: Any) -> None:
        self._response = response
        self._negate = False

    def _check(self, passed: bool, wanted: str, got: str = "") -> ResponseAssertion:
        if bool(passed) == self._negate:
            verb = f"to not {wanted}" if self._negate else f"to {wanted}"
            tail = f" but got {got}" if got and not self._negate else ""
            raise RqAssertionError(f"expected response {verb}{tail}")
        return self

    to = be = been = is_ = that = which = and_ = has = have = with_ = property(lambda self: self)

    @property
    def not_(self) -> ResponseAssertion:
        self._negate = not self._negate
        return self

    def status(self, expected: Any) -> ResponseAssertion:
        response = self._response
        if type(expected) is str:
            return self._check(response.status == expected, f"have status {expected!r}", repr(response.status))
        return self._check(same(response.code, expected), f"have status code {expected}", str(response.code))

    def header(self, name: Any, value: Any = _MISSING) -> ResponseAssertion:
        headers = self._response.headers
        actual = headers.get(name)
        if value is _MISSING:
            return self._check(headers.has(name), f"have header {name!r}")
        return self._check(headers.has(name) and actual == value,
                           f"have header {name!r} with value {describe(value)}", describe(actual))

    def body(self, expected: Any) -> ResponseAssertion:
        actual = self._response.body
        return self._check(actual == expected, f"have body {describe(expected)}", describe(actual))

    def jsonBody(self, path: Any = None, value: Any = _MISSING) -> ResponseAssertion:  # noqa: N802
        try:
            data = json.loads(self._response.body)
        except ValueError:
            return self._check(False, "have a JSON body")
        if path is None:
            return self._check(True, "have a JSON body")
        if type(path) is not str:
            raise TypeError("jsonBody() path must be a string such as 'data.items[0].id'")
        found, actual = json_path(data, path)
        if value is _MISSING:
            return self._check(found, f"have JSON path {path!r}")
        return self._check(found and same(actual, value), f"have {describe(value)} at JSON path {path!r}",
                           describe(actual) if found else "nothing there")

    def _status_terminal(self, name: str) -> ResponseAssertion:
        check, wanted = _STATUS_TERMINALS[name]
        code = self._response.code
        return self._check(check(code), f"have a {wanted} status code", str(code))

    def __repr__(self) -> str:
        return "<response assertion>"


def _status_property(name: str) -> property:
    return property(lambda self: self._status_terminal(name))


for _name in _STATUS_TERMINALS:
    setattr(ResponseAssertion, _name, _status_property(_name))
expose(ResponseAssertion, [n for n in vars(ResponseAssertion) if not n.startswith("_")])
