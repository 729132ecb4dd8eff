"""The import facades alone: what each allowed module offers, and that nothing real leaks."""

from __future__ import annotations

import types

import pytest

from rqrun.sandbox.facades import MODULES, JSONDecodeError, RegexError, facade_import
from rqrun.sandbox.guards import STATE, LimitExceeded, guarded_getattr


@pytest.fixture(autouse=True)
def fresh_state() -> None:
    STATE.reset(2000, 1 << 16)


def attr(obj: object, path: str) -> object:
    for name in path.split("."):
        obj = guarded_getattr(obj, name)
    return obj


def test_every_facade_is_a_purpose_built_object_not_a_module() -> None:
    for name, facade in MODULES.items():
        assert not isinstance(facade, types.ModuleType), name
        assert not hasattr(facade, "__dict__"), name


@pytest.mark.parametrize("module, gadget", [
    ("json", "codecs"), ("json", "decoder"), ("datetime", "sys"), ("re", "enum"), ("re", "sre_compile"),
    ("random", "Random"), ("random", "_os"), ("time", "sys"), ("base64", "binascii"), ("hashlib", "_hashlib"),
    ("uuid", "os"), ("uuid", "uuid1"), ("urllib.parse", "sys"), ("math", "sys"), ("hmac", "_hashlib"),
])
def test_module_gadgets_are_absent(module: str, gadget: str) -> None:
    with pytest.raises(AttributeError):
        guarded_getattr(MODULES[module], gadget)


def test_import_refuses_other_modules_with_the_list() -> None:
    for name in ("os", "sys", "subprocess", "string", "operator", "functools", "builtins", "importlib", "json.decoder"):
        with pytest.raises(ImportError, match="is not available in scripts .available: base64"):
            facade_import(name)
    with pytest.raises(ImportError):
        facade_import("json", level=1)


def test_import_urllib_parse_binds_the_package_unless_from_imported() -> None:
    assert facade_import("urllib.parse") is MODULES["urllib"]
    assert facade_import("urllib.parse", fromlist=("quote",)) is MODULES["urllib.parse"]


def test_json_round_trip_and_errors() -> None:
    j = MODULES["json"]
    assert j.loads('{"a": [1, 2]}') == {"a": [1, 2]}
    assert j.dumps({"b": 1, "a": 2}, sort_keys=True) == '{"a": 2, "b": 1}'
    assert j.parse("[1]") == [1] and j.stringify([1]) == "[1]"
    with pytest.raises(JSONDecodeError):
        j.loads("{")
    with pytest.raises(ValueError):
        j.dumps([1], indent=10**9)
    with pytest.raises(TypeError):
        j.dumps(object())


def test_re_facade_wraps_patterns_and_matches() -> None:
    r = MODULES["re"]
    m = r.search(r"(\d+)-(?P<word>\w+)", "id 42-abc")
    assert m.group(1) == "42" and m.groupdict() == {"word": "abc"} and m[2] == "abc" and m.span() == (3, 9)
    assert type(m).__name__ == "Match"
    with pytest.raises(AttributeError):
        guarded_getattr(m, "re")
    pattern = r.compile("a+", r.I)
    assert pattern.findall("aAb aa") == ["aA", "aa"]
    assert r.sub("a", lambda found: found.group(0).upper(), "banana") == "bAnAnA"
    assert [x.group(0) for x in r.finditer("b", "abcb")] == ["b", "b"]
    assert type(r.finditer("b", "abcb")).__name__ == "list_iterator"  # no host generator frame


def test_re_refuses_huge_or_broken_patterns() -> None:
    r = MODULES["re"]
    with pytest.raises(RegexError, match="pattern too long"):
        r.compile("a" * 20_000)
    with pytest.raises(RegexError):
        r.compile("(")
    with pytest.raises(TypeError):
        r.sub("a", lambda m: 1, "a")


def test_re_compile_is_charged_to_the_budget() -> None:
    STATE.reset(1, 1 << 16)
    STATE.deadline = 0
    with pytest.raises(LimitExceeded):
        MODULES["re"].compile("never-compiled-before-" + "x" * 10)


def test_hashlib_and_hmac_as_scripts_use_them() -> None:
    h = MODULES["hashlib"]
    assert h.sha256(b"abc").hexdigest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert h.md5("abc").hexdigest() == "900150983cd24fb0d6963f7d28e17f72"
    running = h.new("sha1")
    running.update(b"a")
    assert running.copy().hexdigest() == h.sha1(b"a").hexdigest()
    hm = MODULES["hmac"]
    expected = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    assert hm.new(b"key", b"The quick brown fox jumps over the lazy dog", "sha256").hexdigest() == expected
    assert hm.new("key", "The quick brown fox jumps over the lazy dog", h.sha256).hexdigest() == expected
    assert hm.compare_digest("a", "a")
    with pytest.raises(TypeError):
        hm.new(b"k", b"m")
    with pytest.raises(ValueError):
        h.new("whirlpool-9000")


def test_base64_accepts_text_and_bytes() -> None:
    b = MODULES["base64"]
    assert b.b64encode("hi") == b"aGk=" and b.b64decode("aGk=") == b"hi"
    assert b.urlsafe_b64encode(b"\xff\xfe") == b"__4="


def test_datetime_classes_are_facades_and_values_are_allow_listed() -> None:
    d = MODULES["datetime"]
    moment = d.datetime(2024, 1, 2, 3, 4, 5, tzinfo=d.timezone.utc)
    assert attr(moment, "year") == 2024
    assert moment.isoformat() == "2024-01-02T03:04:05+00:00"
    later = moment + d.timedelta(days=1)
    assert later.day == 3
    assert d.datetime.fromisoformat("2024-01-02").month == 1
    assert attr(d.datetime.now(d.UTC), "tzinfo") is not None
    for forbidden in ("now", "timetuple", "min", "resolution"):
        with pytest.raises(AttributeError):
            guarded_getattr(moment, forbidden)
    with pytest.raises(AttributeError):
        guarded_getattr(d.datetime, "sys")


def test_time_sleep_respects_the_budget() -> None:
    STATE.reset(50, 1 << 16)
    with pytest.raises(LimitExceeded):
        MODULES["time"].sleep(5)


def test_math_bounds_the_slow_functions() -> None:
    m = MODULES["math"]
    assert m.sqrt(16) == 4 and m.factorial(5) == 120 and m.prod([2, 3]) == 6
    for call in (lambda: m.factorial(10**6), lambda: m.comb(10**6, 5), lambda: m.perm(10**7, 3)):
        with pytest.raises(ValueError):
            call()


def test_random_is_private_per_job() -> None:
    from rqrun.sandbox.facades import new_job

    r = MODULES["random"]
    r.seed(42)
    first = r.random()
    new_job()
    r.seed(42)
    assert r.random() == first
    new_job()
    assert 1 <= r.randint(1, 6) <= 6
    with pytest.raises(ValueError):
        r.getrandbits(10**9)


def test_uuid_and_urllib() -> None:
    u = MODULES["uuid"]
    value = u.uuid4()
    assert len(str(value)) == 36 and len(attr(value, "hex")) == 32
    assert str(u.uuid5(u.NAMESPACE_DNS, "example.com")) == "cfbff0d1-9375-5685-968c-48ce8b15ae17"
    p = MODULES["urllib.parse"]
    assert p.quote("a b/c") == "a%20b/c" and p.urlencode({"a": 1, "b": "x y"}) == "a=1&b=x+y"
    parts = p.urlparse("https://user@example.com:8443/p?q=1#f")
    assert attr(parts, "hostname") == "example.com" and attr(parts, "port") == 8443
    assert p.parse_qs("a=1&a=2") == {"a": ["1", "2"]}
    with pytest.raises(AttributeError):
        guarded_getattr(parts, "_replace")
