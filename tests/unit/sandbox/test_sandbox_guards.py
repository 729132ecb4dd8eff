"""The run-time guards alone: called directly, with no policy or worker in front of them."""

from __future__ import annotations

import datetime
import json
import sys
import types

import pytest

from rqrun.sandbox import facades, guards
from rqrun.sandbox.guards import (
    MAX_INT_BITS,
    STATE,
    LimitExceeded,
    checked_lshift,
    checked_mul,
    checked_pow,
    guarded_getattr,
    guarded_getitem,
    guarded_hasattr,
    guarded_inplacevar,
    guarded_write,
    make_builtins,
)


@pytest.fixture(autouse=True)
def fresh_state() -> None:
    STATE.reset(2000, 1 << 16)


def gen() -> object:
    yield 1


# --- attributes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("obj, name", [
    ("abc", "upper"), ([1], "append"), ({}, "items"), (1, "bit_length"), (b"x", "decode"),
    (range(3), "start"), ((1,), "count"), (ValueError("x"), "args"),
])
def test_getattr_allows_public_methods_of_value_types(obj: object, name: str) -> None:
    assert guarded_getattr(obj, name) is not None


@pytest.mark.parametrize("obj, name", [
    ("abc", "format"), ("abc", "format_map"), ("abc", "maketrans"), ({}.keys(), "mapping"),
    (str, "mro"), (str, "join"), (ValueError, "mro"), (ValueError("x"), "with_traceback"),
    (json, "codecs"), (datetime, "sys"), (sys, "modules"), (types.SimpleNamespace(a=1), "a"),
    (gen(), "gi_frame"), (gen(), "send"), (len, "self"), ("".join, "self"),
    (lambda: 1, "func_globals"), (sys._getframe(), "f_back"), (gen.__code__, "co_code"),
    (property(lambda s: 1), "fget"), (KeyError("k"), "obj"),
])
def test_getattr_refuses_everything_else(obj: object, name: str) -> None:
    with pytest.raises(AttributeError, match="available to scripts"):
        guarded_getattr(obj, name)


def test_getattr_refuses_underscore_names_even_on_allowed_types() -> None:
    with pytest.raises(AttributeError):
        guarded_getattr("abc", "__class__")


def test_getattr_requires_an_exact_str_name() -> None:
    class Sly(str):
        def startswith(self, *a: object) -> bool:  # lies to a naive underscore check
            return False

    with pytest.raises(TypeError):
        guarded_getattr("abc", Sly("__class__"))


def test_getattr_default_only_applies_to_refusals_and_misses() -> None:
    assert guarded_getattr("abc", "nope", "fallback") == "fallback"
    assert guarded_hasattr("abc", "upper") and not guarded_hasattr("abc", "__class__")
    with pytest.raises(AttributeError):
        guarded_getattr("abc", "nope")  # no silent None (RestrictedPython's safer_getattr quirk)


def test_getattr_on_facades_serves_only_declared_names() -> None:
    assert guarded_getattr(facades.Json, "dumps") is not None
    with pytest.raises(AttributeError):
        guarded_getattr(facades.Json, "codecs")


# --- items, writes, in-place -----------------------------------------------------------------------

def test_getitem_on_containers_only() -> None:
    assert guarded_getitem({"a": 1}, "a") == 1
    assert guarded_getitem([1, 2, 3], slice(0, 2)) == [1, 2]
    for obj in (types.MappingProxyType({}), list, facades.Json):
        with pytest.raises(TypeError, match="not subscriptable"):
            guarded_getitem(obj, "os")


def test_write_allows_own_dicts_and_lists_only() -> None:
    d: dict[str, int] = {}
    guarded_write(d)["a"] = 1
    assert d == {"a": 1}
    for obj in (facades.Json, json, ValueError("x"), types.SimpleNamespace()):
        with pytest.raises(TypeError, match="cannot modify"):
            guarded_write(obj)


def test_write_proxy_limits_rq_objects_to_declared_fields() -> None:
    from rqrun.sandbox.objects import Request

    request = Request({"url": "http://a", "method": "GET"}, readonly=False)
    proxy = guarded_write(request)
    proxy.url = "http://b"
    assert request.url == "http://b"
    with pytest.raises(AttributeError):
        proxy._url = "http://evil"
    with pytest.raises(AttributeError):
        proxy.headers = []


def test_inplacevar_checks_sizes() -> None:
    assert guarded_inplacevar("+=", 1, 2) == 3
    with pytest.raises(LimitExceeded):
        guarded_inplacevar("*=", "ab", 10**9)
    with pytest.raises(LimitExceeded):
        guarded_inplacevar("**=", 10, 10**8)
    with pytest.raises(TypeError):
        guarded_inplacevar("@=", 1, 2)


# --- size checks ---------------------------------------------------------------------------------

def test_size_checks_allow_normal_numbers() -> None:
    assert checked_pow(2, 64) == 2**64
    assert checked_pow(2.0, 0.5) == 2.0**0.5
    assert checked_pow(3, 4, 5) == pow(3, 4, 5)
    assert checked_lshift(1, 10) == 1024
    assert checked_mul("ab", 3) == "ababab"
    assert checked_mul(3, [0]) == [0, 0, 0]


@pytest.mark.parametrize("call", [
    lambda: checked_pow(10, 10**8),
    lambda: checked_pow(2, MAX_INT_BITS + 1),
    lambda: checked_pow(3, 10**5000, 7**5000),
    lambda: checked_lshift(1, 10**10),
    lambda: checked_mul("a", 10**10),
    lambda: checked_mul((1,), 10**9),
    lambda: checked_mul(2**600_000, 2**600_000),
])
def test_size_checks_refuse_before_allocating(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LimitExceeded) as info:
        call()
    assert info.value.kind == "memory" and "too large" in info.value.message


# --- budget --------------------------------------------------------------------------------------

def test_tick_trips_at_the_deadline_and_stays_tripped() -> None:
    STATE.reset(1, 1 << 16)
    scope = {"_tick_": STATE.make_tick()}
    STATE.script_globals = scope
    STATE.deadline = 0.0
    with pytest.raises(LimitExceeded) as info:
        for _ in range(1000):
            scope["_tick_"]()
    assert info.value.kind == "timeout"
    with pytest.raises(LimitExceeded):
        scope["_tick_"]()  # swapped for the always-raising tick
    assert STATE.tripped is not None


def test_limit_exceeded_is_not_an_exception() -> None:
    assert not issubclass(LimitExceeded, Exception)


def test_output_limit_trips() -> None:
    STATE.reset(1000, 10)
    STATE.write_console("12345")
    with pytest.raises(LimitExceeded) as info:
        STATE.write_console("123456")
    assert info.value.kind == "output"


# --- builtins ---------------------------------------------------------------------------------------

def test_builtins_leave_out_the_dangerous_ones() -> None:
    table = make_builtins(facades.facade_import)
    for name in ("BaseException", "SystemExit", "KeyboardInterrupt", "GeneratorExit", "ExceptionGroup",
                 "BaseExceptionGroup", "setattr", "delattr", "id", "vars", "dir", "globals", "locals",
                 "object", "super", "property", "classmethod", "staticmethod", "memoryview", "bytearray",
                 "compile", "eval", "exec", "open", "input", "breakpoint", "help", "exit", "quit",
                 "format", "__build_class__", "MemoryError", "aiter", "anext"):
        assert name not in table, name


def test_builtins_wrap_the_expensive_ones() -> None:
    table = make_builtins(facades.facade_import)
    with pytest.raises(ValueError):
        table["round"](7, -10**9)
    with pytest.raises(LimitExceeded):
        table["range"](10**12)
    with pytest.raises(TypeError):
        table["iter"](int, 1)
    with pytest.raises(TypeError):
        table["type"]("X", (), {})
    with pytest.raises(TypeError):
        table["type"](facades.Json)
    assert table["type"]("x") is str
    assert table["round"](2.5) == 2 and table["pow"](2, 10) == 1024


def test_print_collector_joins_and_refuses_files() -> None:
    collector = guards.PrintCollector()
    collector._call_print("a", 1, sep="-")
    assert STATE.console == ["a-1"] and collector() == "a-1\n"
    with pytest.raises(TypeError):
        collector._call_print("x", file=sys.stderr)
