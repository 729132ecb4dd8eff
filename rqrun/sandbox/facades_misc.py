"""Facades for ``datetime``, ``time``, ``math``, ``random``, ``uuid`` and ``urllib.parse``.

Split from :mod:`rqrun.sandbox.facades` to keep modules short; the same rules apply. Classes
such as ``datetime.datetime`` are facade objects (callable, with ``now()``, ``fromisoformat()``
...), because attribute access on real type objects is refused; the instances they return are
the C-implemented stdlib values, with their attributes allow-listed one by one.
"""

from __future__ import annotations

import datetime as _dt
import math as _math
import random as _random
import time as _time
import urllib.parse as _parse
import uuid as _uuid
from typing import Any

from rqrun.sandbox.guards import MAX_INT_BITS, MAX_SEQUENCE_ITEMS, STATE, checked_mul, expose

__all__ = ["Datetime", "Time", "Math", "Random", "Uuid", "Urllib", "UrlParse", "reset_random"]


def _facade(cls: type) -> Any:
    expose(cls, [name for name in vars(cls) if not name.startswith("_")])
    return cls()


# --- datetime -------------------------------------------------------------------------------------

expose(_dt.datetime, ["year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo",
                      "fold", "isoformat", "strftime", "timestamp", "date", "time", "timetz",
                      "replace", "astimezone", "weekday", "isoweekday", "utcoffset", "tzname", "dst",
                      "toordinal", "ctime", "isocalendar"])
expose(_dt.date, ["year", "month", "day", "isoformat", "strftime", "replace", "weekday",
                  "isoweekday", "toordinal", "ctime", "isocalendar"])
expose(_dt.time, ["hour", "minute", "second", "microsecond", "tzinfo", "fold", "isoformat",
                  "strftime", "replace", "utcoffset", "tzname", "dst"])
expose(_dt.timedelta, ["days", "seconds", "microseconds", "total_seconds"])
expose(_dt.timezone, ["utcoffset", "tzname", "dst"])
expose(type(_dt.date(2000, 1, 1).isocalendar()), ["year", "week", "weekday"], items=True)
expose(_time.struct_time, ["tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec",
                           "tm_wday", "tm_yday", "tm_isdst", "tm_zone", "tm_gmtoff"], items=True)


@_facade
class DatetimeClass:
    """``datetime.datetime``: call it to build one, or use ``now``, ``fromisoformat``, ..."""

    __slots__ = ()

    def __call__(self, *args: Any, **kwargs: Any) -> _dt.datetime:
        return _dt.datetime(*args, **kwargs)

    @staticmethod
    def now(tz: Any = None) -> _dt.datetime:
        return _dt.datetime.now(tz)

    @staticmethod
    def utcnow() -> _dt.datetime:
        return _dt.datetime.now(_dt.UTC).replace(tzinfo=None)

    @staticmethod
    def today() -> _dt.datetime:
        return _dt.datetime.today()

    @staticmethod
    def fromisoformat(text: Any) -> _dt.datetime:
        return _dt.datetime.fromisoformat(text)

    @staticmethod
    def fromtimestamp(stamp: Any, tz: Any = None) -> _dt.datetime:
        return _dt.datetime.fromtimestamp(stamp, tz)

    @staticmethod
    def strptime(text: Any, fmt: Any) -> _dt.datetime:
        return _dt.datetime.strptime(text, fmt)

    @staticmethod
    def combine(date: Any, time: Any, tzinfo: Any = None) -> _dt.datetime:
        return _dt.datetime.combine(date, time, tzinfo if tzinfo is not None else time.tzinfo)

    def __repr__(self) -> str:
        return "<rq class 'datetime.datetime'>"


@_facade
class DateClass:
    """``datetime.date``."""

    __slots__ = ()

    def __call__(self, year: Any, month: Any, day: Any) -> _dt.date:
        return _dt.date(year, month, day)

    @staticmethod
    def today() -> _dt.date:
        return _dt.date.today()

    @staticmethod
    def fromisoformat(text: Any) -> _dt.date:
        return _dt.date.fromisoformat(text)

    @staticmethod
    def fromtimestamp(stamp: Any) -> _dt.date:
        return _dt.date.fromtimestamp(stamp)

    def __repr__(self) -> str:
        return "<rq class 'datetime.date'>"


@_facade
class TimeClass:
    """``datetime.time``."""

    __slots__ = ()

    def __call__(self, *args: Any, **kwargs: Any) -> _dt.time:
        return _dt.time(*args, **kwargs)

    @staticmethod
    def fromisoformat(text: Any) -> _dt.time:
        return _dt.time.fromisoformat(text)

    def __repr__(self) -> str:
        return "<rq class 'datetime.time'>"


@_facade
class TimezoneClass:
    """``datetime.timezone``: ``timezone.utc`` or ``timezone(timedelta(hours=2))``."""

    __slots__ = ()
    utc = _dt.UTC

    def __call__(self, offset: Any, name: Any = None) -> _dt.timezone:
        return _dt.timezone(offset) if name is None else _dt.timezone(offset, name)

    def __repr__(self) -> str:
        return "<rq class 'datetime.timezone'>"


def _timedelta(*args: Any, **kwargs: Any) -> _dt.timedelta:
    return _dt.timedelta(*args, **kwargs)


@_facade
class Datetime:
    """``import datetime``."""

    __slots__ = ()
    datetime = DatetimeClass
    date = DateClass
    time = TimeClass
    timezone = TimezoneClass
    timedelta = staticmethod(_timedelta)
    UTC = _dt.UTC
    MINYEAR = _dt.MINYEAR
    MAXYEAR = _dt.MAXYEAR

    def __repr__(self) -> str:
        return "<rq module 'datetime'>"


# --- time -----------------------------------------------------------------------------------------

def _sleep(seconds: Any) -> None:
    """Sleep in short slices, checking the budget, so a long sleep ends at the time limit."""
    if type(seconds) not in (int, float) or seconds < 0:
        raise ValueError("sleep length must be a non-negative number")
    end = _time.monotonic() + seconds
    while True:
        STATE.check()
        left = end - _time.monotonic()
        if left <= 0:
            return
        _time.sleep(min(left, 0.02))


@_facade
class Time:
    """``import time``."""

    __slots__ = ()
    time = staticmethod(_time.time)
    time_ns = staticmethod(_time.time_ns)
    monotonic = staticmethod(_time.monotonic)
    perf_counter = staticmethod(_time.perf_counter)
    sleep = staticmethod(_sleep)

    @staticmethod
    def gmtime(secs: Any = None) -> _time.struct_time:
        return _time.gmtime(secs)

    @staticmethod
    def localtime(secs: Any = None) -> _time.struct_time:
        return _time.localtime(secs)

    @staticmethod
    def strftime(fmt: Any, t: Any = None) -> str:
        return _time.strftime(fmt) if t is None else _time.strftime(fmt, t)

    @staticmethod
    def mktime(t: Any) -> float:
        return _time.mktime(t)

    def __repr__(self) -> str:
        return "<rq module 'time'>"


# --- math -----------------------------------------------------------------------------------------

_MAX_FACTORIAL = 5_000


def _small(n: Any, what: str) -> None:
    if type(n) is int and n > _MAX_FACTORIAL:
        raise ValueError(f"math.{what} is limited to n <= {_MAX_FACTORIAL} in scripts")


def _factorial(n: Any) -> int:
    _small(n, "factorial")
    return _math.factorial(n)


def _comb(n: Any, k: Any) -> int:
    _small(n, "comb")
    return _math.comb(n, k)


def _perm(n: Any, k: Any = None) -> int:
    _small(n, "perm")
    return _math.perm(n, k)


def _prod(iterable: Any, start: Any = 1) -> Any:
    result = start
    for item in iterable:
        STATE.check()
        result = checked_mul(result, item)
    return result


_MATH_FUNCTIONS = ("acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "copysign",
                   "cos", "cosh", "degrees", "dist", "erf", "erfc", "exp", "expm1", "fabs", "floor",
                   "fmod", "frexp", "fsum", "gcd", "hypot", "isclose", "isfinite", "isinf", "isnan",
                   "isqrt", "lcm", "ldexp", "log", "log10", "log1p", "log2", "modf", "pow", "radians",
                   "remainder", "sin", "sinh", "sqrt", "tan", "tanh", "trunc")


class MathModule:
    """``import math``: the float and integer functions, with factorial/comb/perm/prod bounded."""

    __slots__ = ()
    pi = _math.pi
    e = _math.e
    tau = _math.tau
    inf = _math.inf
    nan = _math.nan
    factorial = staticmethod(_factorial)
    comb = staticmethod(_comb)
    perm = staticmethod(_perm)
    prod = staticmethod(_prod)

    def __repr__(self) -> str:
        return "<rq module 'math'>"


for _name in _MATH_FUNCTIONS:
    setattr(MathModule, _name, staticmethod(getattr(_math, _name)))
Math = _facade(MathModule)


# --- random ---------------------------------------------------------------------------------------

class _RngHolder:
    """One generator per job, created on first use, so one script cannot seed another's values."""

    rng: _random.Random | None = None


def reset_random() -> None:
    """Forget the job's generator (called by the worker before each job)."""
    _RngHolder.rng = None


def _rng() -> _random.Random:
    if _RngHolder.rng is None:
        _RngHolder.rng = _random.Random()  # noqa: S311 - the script's `random` module, not for secrets
    return _RngHolder.rng


def _count(k: Any, what: str) -> None:
    if type(k) is int and k > MAX_SEQUENCE_ITEMS:
        raise ValueError(f"random.{what} is limited to {MAX_SEQUENCE_ITEMS} items in scripts")


@_facade
class Random:
    """``import random``: a private generator per script run."""

    __slots__ = ()

    @staticmethod
    def random() -> float:
        return _rng().random()

    @staticmethod
    def randint(a: Any, b: Any) -> int:
        return _rng().randint(a, b)

    @staticmethod
    def randrange(start: Any, stop: Any = None, step: Any = 1) -> int:
        return _rng().randrange(start, stop, step)

    @staticmethod
    def uniform(a: Any, b: Any) -> float:
        return _rng().uniform(a, b)

    @staticmethod
    def gauss(mu: Any = 0.0, sigma: Any = 1.0) -> float:
        return _rng().gauss(mu, sigma)

    @staticmethod
    def choice(seq: Any) -> Any:
        return _rng().choice(seq)

    @staticmethod
    def choices(population: Any, weights: Any = None, k: Any = 1) -> list[Any]:
        _count(k, "choices")
        return _rng().choices(population, weights, k=k)

    @staticmethod
    def sample(population: Any, k: Any) -> list[Any]:
        _count(k, "sample")
        return _rng().sample(population, k)

    @staticmethod
    def shuffle(items: Any) -> None:
        if type(items) is not list:
            raise TypeError("random.shuffle expects a list")
        _rng().shuffle(items)

    @staticmethod
    def getrandbits(k: Any) -> int:
        if type(k) is int and k > MAX_INT_BITS:
            raise ValueError(f"random.getrandbits is limited to {MAX_INT_BITS} bits in scripts")
        return _rng().getrandbits(k)

    @staticmethod
    def seed(a: Any = None) -> None:
        if a is not None and type(a) not in (int, float, str, bytes):
            raise TypeError("random.seed expects an int, float, str or bytes")
        _rng().seed(a)

    def __repr__(self) -> str:
        return "<rq module 'random'>"


# --- uuid -----------------------------------------------------------------------------------------

expose(_uuid.UUID, ["hex", "int", "urn", "version", "bytes"])


def _make_uuid(hex: Any = None, bytes: Any = None, int: Any = None) -> _uuid.UUID:  # noqa: A002
    return _uuid.UUID(hex=hex, bytes=bytes, int=int)


@_facade
class Uuid:
    """``import uuid``: uuid4, uuid3, uuid5, UUID(...) and the namespaces (no uuid1: it reads the MAC)."""

    __slots__ = ()
    uuid4 = staticmethod(_uuid.uuid4)
    UUID = staticmethod(_make_uuid)
    NAMESPACE_DNS = _uuid.NAMESPACE_DNS
    NAMESPACE_URL = _uuid.NAMESPACE_URL
    NAMESPACE_OID = _uuid.NAMESPACE_OID
    NAMESPACE_X500 = _uuid.NAMESPACE_X500

    @staticmethod
    def uuid3(namespace: Any, name: Any) -> _uuid.UUID:
        if type(namespace) is not _uuid.UUID or type(name) not in (str, bytes):
            raise TypeError("uuid3 expects a UUID namespace and a str name")
        return _uuid.uuid3(namespace, name)

    @staticmethod
    def uuid5(namespace: Any, name: Any) -> _uuid.UUID:
        if type(namespace) is not _uuid.UUID or type(name) not in (str, bytes):
            raise TypeError("uuid5 expects a UUID namespace and a str name")
        return _uuid.uuid5(namespace, name)

    def __repr__(self) -> str:
        return "<rq module 'uuid'>"


# --- urllib.parse ---------------------------------------------------------------------------------

_RESULT_NAMES = ["scheme", "netloc", "path", "query", "fragment", "hostname", "port", "username",
                 "password", "geturl"]
expose(_parse.ParseResult, _RESULT_NAMES + ["params"], items=True)
expose(_parse.SplitResult, _RESULT_NAMES, items=True)


def _text(value: Any, what: str) -> str | bytes:
    if type(value) is str or type(value) is bytes:
        return value
    raise TypeError(f"urllib.parse.{what} expects str or bytes, not {type(value).__name__}")


@_facade
class UrlParse:
    """``import urllib.parse``: quoting, query strings, URL splitting and joining."""

    __slots__ = ()

    @staticmethod
    def quote(text: Any, safe: Any = "/") -> str:
        _text(text, "quote")
        return _parse.quote(text, safe=safe)

    @staticmethod
    def quote_plus(text: Any, safe: Any = "") -> str:
        _text(text, "quote_plus")
        return _parse.quote_plus(text, safe=safe)

    @staticmethod
    def unquote(text: Any) -> str:
        _text(text, "unquote")
        return _parse.unquote(text)

    @staticmethod
    def unquote_plus(text: Any) -> str:
        _text(text, "unquote_plus")
        return _parse.unquote_plus(text)

    @staticmethod
    def urlencode(query: Any, doseq: bool = False, safe: Any = "") -> str:
        return _parse.urlencode(query, doseq=bool(doseq), safe=safe)

    @staticmethod
    def parse_qs(qs: Any, keep_blank_values: bool = False) -> dict[str, list[str]]:
        _text(qs, "parse_qs")
        return dict(_parse.parse_qs(qs, keep_blank_values=bool(keep_blank_values)))

    @staticmethod
    def parse_qsl(qs: Any, keep_blank_values: bool = False) -> list[tuple[str, str]]:
        _text(qs, "parse_qsl")
        return _parse.parse_qsl(qs, keep_blank_values=bool(keep_blank_values))

    @staticmethod
    def urlparse(url: Any) -> _parse.ParseResult | _parse.ParseResultBytes:
        return _parse.urlparse(_text(url, "urlparse"))

    @staticmethod
    def urlsplit(url: Any) -> _parse.SplitResult | _parse.SplitResultBytes:
        return _parse.urlsplit(_text(url, "urlsplit"))

    @staticmethod
    def urlunparse(parts: Any) -> Any:  # str or bytes, as the parts are
        return _parse.urlunparse(tuple(parts))

    @staticmethod
    def urlunsplit(parts: Any) -> Any:  # str or bytes, as the parts are
        return _parse.urlunsplit(tuple(parts))

    @staticmethod
    def urljoin(base: Any, url: Any) -> Any:  # str or bytes, as the arguments are
        _text(base, "urljoin")
        _text(url, "urljoin")
        return _parse.urljoin(base, url)

    def __repr__(self) -> str:
        return "<rq module 'urllib.parse'>"


@_facade
class Urllib:
    """``import urllib``: only ``urllib.parse``."""

    __slots__ = ()
    parse = UrlParse

    def __repr__(self) -> str:
        return "<rq module 'urllib'>"
