"""``require('lodash')`` and the global ``_`` (libs/lodash.js): the functions collections call."""

from __future__ import annotations

import pytest
from pm_harness import PmContext

DATA = ("var L = require('lodash'); var users = [{id: 3, name: 'c', role: 'admin', tags: ['x']},"
        " {id: 1, name: 'a', role: 'user', tags: []}, {id: 2, name: 'b', role: 'user', tags: ['y', 'z']}];")


@pytest.fixture(scope="module")
def pm() -> PmContext:
    context = PmContext()
    context.ctx.eval(DATA)
    return context


@pytest.mark.parametrize(("expression", "expected"), [
    ("L.get({a: {b: [{c: 5}]}}, 'a.b[0].c')", 5),
    ("L.get({a: {}}, 'a.b.c', 'dflt')", "dflt"),
    ("L.get(null, 'a')", None),
    ("L.set({}, 'a.b[1].c', 1)", {"a": {"b": [None, {"c": 1}]}}),
    ("[L.has({a: {b: 1}}, 'a.b'), L.has({a: {}}, 'a.b')]", [True, False]),
    ("[L.isEmpty({}), L.isEmpty([]), L.isEmpty(''), L.isEmpty(null), L.isEmpty({a: 1}), L.isEmpty([0])]",
     [True, True, True, True, False, False]),
    ("[L.isEqual({a: [1, {b: 2}]}, {a: [1, {b: 2}]}), L.isEqual({a: 1}, {a: '1'})]", [True, False]),
    ("L.map(users, 'name')", ["c", "a", "b"]),
    ("L.map({x: 1, y: 2}, function (v, k) { return k + v; })", ["x1", "y2"]),
    ("L.filter(users, {role: 'user'}).length", 2),
    ("L.find(users, ['id', 2]).name", "b"),
    ("L.find(users, function (u) { return u.tags.length > 1; }).id", 2),
    ("L.findIndex(users, {name: 'a'})", 1),
    ("L.sortBy(users, 'id').map(function (u) { return u.id; })", [1, 2, 3]),
    ("L.orderBy(users, ['role', 'id'], ['asc', 'desc']).map(function (u) { return u.id; })", [3, 2, 1]),
    ("L.keys({a: 1, b: 2})", ["a", "b"]),
    ("L.values({a: 1, b: 2})", [1, 2]),
    ("L.pick({a: 1, b: 2, c: 3}, ['a', 'c'])", {"a": 1, "c": 3}),
    ("L.pick({a: 1, b: 2, c: 3}, 'b')", {"b": 2}),
    ("L.omit({a: 1, b: 2, c: 3}, 'b', 'c')", {"a": 1}),
    ("L.uniq([1, 2, 1, 3, 2])", [1, 2, 3]),
    ("L.uniqBy(users, 'role').length", 2),
    ("[L.includes([1, 2], 2), L.includes('abc', 'bc'), L.includes({a: 'v'}, 'v'), L.includes([1], 3)]",
     [True, True, True, False]),
    ("L.merge({a: {b: 1, c: [1]}}, {a: {d: 2, c: [undefined, 2]}})", {"a": {"b": 1, "c": [1, 2], "d": 2}}),
    ("L.times(3, function (i) { return i * 2; })", [0, 2, 4]),
    ("L.range(4)", [0, 1, 2, 3]),
    ("L.groupBy(users, 'role').user.length", 2),
    ("L.keyBy(users, 'id')['2'].name", "b"),
    ("L.chunk([1, 2, 3, 4, 5], 2)", [[1, 2], [3, 4], [5]]),
    ("L.flattenDeep([1, [2, [3, [4]]]])", [1, 2, 3, 4]),
    ("L.difference([1, 2, 3], [2], [3])", [1]),
    ("L.intersection([1, 2, 3], [2, 3, 4])", [2, 3]),
    ("[L.sum([1, 2, 3]), L.sumBy(users, 'id'), L.max([3, 9, 2]), L.minBy(users, 'id').name]", [6, 6, 9, "a"]),
    ("[L.camelCase('Foo bar-baz'), L.kebabCase('fooBar baz'), L.snakeCase('Foo Bar'), L.capitalize('hELLO')]",
     ["fooBarBaz", "foo-bar-baz", "foo_bar", "Hello"]),
    ("[L.padStart('7', 3, '0'), L.trim('--x--', '-'), L.startsWith('abc', 'ab')]", ["007", "x", True]),
    ("L(users).filter({role: 'user'}).map('name').value()", ["a", "b"]),
    ("L.chain([3, 1, 2]).sortBy().head().value()", 1),
    ("L.each([1, 2, 3], function (v) { return v < 2; }) && 'each returns the collection'", "each returns the collection"),
    ("_.get({a: 1}, 'a')", 1),
])
def test_lodash(pm: PmContext, expression: str, expected: object) -> None:
    assert pm.value(expression) == expected


def test_clone_deep_is_independent(pm: PmContext) -> None:
    assert pm.value("(function () { var c = L.cloneDeep(users); c[0].tags.push('n'); return users[0].tags; })()") == ["x"]


def test_random_stays_in_range(pm: PmContext) -> None:
    values = pm.value("L.times(200, function () { return L.random(1, 3); })")
    assert set(values) <= {1, 2, 3} and len(set(values)) == 3
    floats = pm.value("L.times(50, function () { return L.random(0.5, 1.5); })")
    assert all(0.5 <= v <= 1.5 for v in floats)


def test_set_refuses_prototype_pollution(pm: PmContext) -> None:
    assert pm.value("(L.set({}, '__proto__.polluted', 1), L.merge({}, JSON.parse('{\"__proto__\": {\"p\": 1}}')), "
                    "[({}).polluted, ({}).p])") == [None, None]
