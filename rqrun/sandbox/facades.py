"""What ``import json`` (and the ten other allowed modules) gives a script: a facade, never the module.

A real module leads back to ``sys`` and ``os`` through its own imports (``json.codecs``,
``datetime.sys``, ``re.enum``...), so each facade is a purpose-built object exposing explicit
functions. Values handed out are builtin values, facade objects (``Pattern``, ``Match``,
``Hash``, ``Hmac``) or C-implemented stdlib values (datetime, uuid) whose attributes are
allow-listed one by one through :func:`rqrun.sandbox.guards.expose`.

Anything else imported raises ImportError naming what is available.
"""

from __future__ import annotations

import base64 as _base64
import hashlib as _hashlib
import hmac as _hmac
import json as _json
import re as _re
from collections.abc import Callable
from typing import Any, Protocol

from rqrun.sandbox.guards import STATE, expose

__all__ = ["MODULES", "facade_import", "JSONDecodeError", "RegexError", "new_job"]

MAX_PATTERN_CHARS = 10_000


class JSONDecodeError(ValueError):
    """Raised by ``json.loads`` on text that is not JSON."""


class RegexError(ValueError):
    """Raised by the ``re`` facade for a pattern it cannot or will not compile."""


def _facade(cls: type) -> Any:
    """Expose the class's public attributes and return its single instance."""
    expose(cls, [name for name in vars(cls) if not name.startswith("_")])
    return cls()


def _as_bytes(data: Any, what: str) -> bytes:
    if type(data) is bytes:
        return data
    if type(data) is str:
        return data.encode("utf-8")
    raise TypeError(f"{what} expects bytes or str, not {type(data).__name__}")


# --- json -------------------------------------------------------------------------------------

def _loads(text: Any) -> Any:
    if type(text) not in (str, bytes):
        raise TypeError(f"json.loads expects str or bytes, not {type(text).__name__}")
    try:
        return _json.loads(text)
    except _json.JSONDecodeError as exc:
        raise JSONDecodeError(str(exc)) from None


def _dumps(obj: Any, indent: Any = None, sort_keys: bool = False, separators: Any = None,
           ensure_ascii: bool = True) -> str:
    if indent is not None and not ((type(indent) is int and 0 <= indent <= 16) or
                                   (type(indent) is str and len(indent) <= 16)):
        raise ValueError("json.dumps indent must be at most 16")
    try:
        return _json.dumps(obj, indent=indent, sort_keys=bool(sort_keys), separators=separators,
                           ensure_ascii=bool(ensure_ascii))
    except TypeError as exc:
        raise TypeError(str(exc)) from None


@_facade
class Json:
    """``import json``: loads/dumps, plus the JavaScript names parse/stringify."""

    __slots__ = ()
    loads = staticmethod(_loads)
    parse = staticmethod(_loads)
    dumps = staticmethod(_dumps)
    stringify = staticmethod(_dumps)
    JSONDecodeError = JSONDecodeError

    def __repr__(self) -> str:
        return "<rq module 'json'>"


# --- re -----------------------------------------------------------------------------------------

def _compile(pattern: Any, flags: Any = 0) -> _re.Pattern[Any]:
    if type(pattern) is Pattern:
        return pattern._pattern
    if type(pattern) not in (str, bytes):
        raise TypeError(f"a pattern must be str or bytes, not {type(pattern).__name__}")
    if type(flags) is not int:
        raise TypeError("regex flags must be an int")
    if len(pattern) > MAX_PATTERN_CHARS:
        raise RegexError(f"pattern too long ({len(pattern)} characters; the limit is {MAX_PATTERN_CHARS})")
    STATE.check()  # compiling runs stdlib Python code that does not tick: charge it up front
    try:
        return _re.compile(pattern, flags)
    except _re.error as exc:
        raise RegexError(str(exc)) from None
    except (RecursionError, OverflowError) as exc:
        raise RegexError(f"pattern too complex: {exc}") from None


def _wrap_match(found: _re.Match[Any] | None) -> Match | None:
    return None if found is None else Match(found)


def _replacement(repl: Any) -> Any:
    if type(repl) in (str, bytes):
        return repl
    if not callable(repl):
        raise TypeError("the replacement must be a string or a function")

    def call(found: Any) -> Any:
        out = repl(Match(found))
        if type(out) not in (str, bytes):
            raise TypeError("a replacement function must return a string")
        return out

    return call


class Match:
    """A regex match: ``group``, ``groups``, ``groupdict``, ``start``, ``end``, ``span``, ``m[1]``."""

    __slots__ = ("_m",)

    def __init__(self, found: _re.Match[Any]) -> None:
        self._m = found

    def group(self, *which: Any) -> Any:
        return self._m.group(*which)

    def groups(self, default: Any = None) -> tuple[Any, ...]:
        return self._m.groups(default)

    def groupdict(self, default: Any = None) -> dict[str, Any]:
        return self._m.groupdict(default)

    def start(self, group: Any = 0) -> int:
        return self._m.start(group)

    def end(self, group: Any = 0) -> int:
        return self._m.end(group)

    def span(self, group: Any = 0) -> tuple[int, int]:
        return self._m.span(group)

    @property
    def lastindex(self) -> int | None:
        return self._m.lastindex

    @property
    def lastgroup(self) -> str | None:
        return self._m.lastgroup

    def __getitem__(self, group: Any) -> Any:
        return self._m[group]

    def __repr__(self) -> str:
        return f"<Match span={self._m.span()} match={self._m.group(0)!r}>"


class Pattern:
    """A compiled regex with the usual methods; never the real ``re.Pattern``."""

    __slots__ = ("_pattern",)

    def __init__(self, compiled: _re.Pattern[Any]) -> None:
        self._pattern = compiled

    @property
    def pattern(self) -> Any:
        return self._pattern.pattern

    @property
    def flags(self) -> int:
        return int(self._pattern.flags)

    @property
    def groups(self) -> int:
        return self._pattern.groups

    def search(self, string: Any, *pos: Any) -> Match | None:
        return _wrap_match(self._pattern.search(string, *pos))

    def match(self, string: Any, *pos: Any) -> Match | None:
        return _wrap_match(self._pattern.match(string, *pos))

    def fullmatch(self, string: Any, *pos: Any) -> Match | None:
        return _wrap_match(self._pattern.fullmatch(string, *pos))

    def findall(self, string: Any, *pos: Any) -> list[Any]:
        return self._pattern.findall(string, *pos)

    def finditer(self, string: Any, *pos: Any) -> Any:
        return iter([Match(m) for m in self._pattern.finditer(string, *pos)])

    def sub(self, repl: Any, string: Any, count: int = 0) -> Any:
        return self._pattern.sub(_replacement(repl), string, count)

    def subn(self, repl: Any, string: Any, count: int = 0) -> tuple[Any, int]:
        return self._pattern.subn(_replacement(repl), string, count)

    def split(self, string: Any, maxsplit: int = 0) -> list[Any]:
        return self._pattern.split(string, maxsplit)

    def __repr__(self) -> str:
        return f"re.compile({self._pattern.pattern!r})"


_cls: type
for _cls in (Match, Pattern):
    expose(_cls, [n for n in vars(_cls) if not n.startswith("_")], items=_cls is Match)


@_facade
class Re:
    """``import re``: module-level functions, flags as ints, ``re.error``."""

    __slots__ = ()
    I = IGNORECASE = int(_re.I)  # noqa: E741
    M = MULTILINE = int(_re.M)
    S = DOTALL = int(_re.S)
    X = VERBOSE = int(_re.X)
    A = ASCII = int(_re.A)
    U = UNICODE = int(_re.U)
    error = RegexError

    @staticmethod
    def compile(pattern: Any, flags: Any = 0) -> Pattern:
        return Pattern(_compile(pattern, flags))

    @staticmethod
    def search(pattern: Any, string: Any, flags: Any = 0) -> Match | None:
        return _wrap_match(_compile(pattern, flags).search(string))

    @staticmethod
    def match(pattern: Any, string: Any, flags: Any = 0) -> Match | None:
        return _wrap_match(_compile(pattern, flags).match(string))

    @staticmethod
    def fullmatch(pattern: Any, string: Any, flags: Any = 0) -> Match | None:
        return _wrap_match(_compile(pattern, flags).fullmatch(string))

    @staticmethod
    def findall(pattern: Any, string: Any, flags: Any = 0) -> list[Any]:
        return _compile(pattern, flags).findall(string)

    @staticmethod
    def finditer(pattern: Any, string: Any, flags: Any = 0) -> Any:
        return Pattern(_compile(pattern, flags)).finditer(string)

    @staticmethod
    def sub(pattern: Any, repl: Any, string: Any, count: int = 0, flags: Any = 0) -> Any:
        return _compile(pattern, flags).sub(_replacement(repl), string, count)

    @staticmethod
    def subn(pattern: Any, repl: Any, string: Any, count: int = 0, flags: Any = 0) -> Any:
        return _compile(pattern, flags).subn(_replacement(repl), string, count)

    @staticmethod
    def split(pattern: Any, string: Any, maxsplit: int = 0, flags: Any = 0) -> list[Any]:
        return _compile(pattern, flags).split(string, maxsplit)

    @staticmethod
    def escape(text: Any) -> Any:
        return _re.escape(text)

    def __repr__(self) -> str:
        return "<rq module 're'>"


# --- base64 -------------------------------------------------------------------------------------

def _b64(encoder: Callable[[bytes], bytes]) -> Callable[[Any], bytes]:
    def call(data: Any) -> bytes:
        return encoder(_as_bytes(data, "base64"))
    return call


@_facade
class Base64:
    """``import base64``: the standard, URL-safe, base32 and base16 codecs (str accepted as UTF-8)."""

    __slots__ = ()
    b64encode = staticmethod(_b64(_base64.b64encode))
    b64decode = staticmethod(_b64(_base64.b64decode))
    standard_b64encode = staticmethod(_b64(_base64.standard_b64encode))
    standard_b64decode = staticmethod(_b64(_base64.standard_b64decode))
    urlsafe_b64encode = staticmethod(_b64(_base64.urlsafe_b64encode))
    urlsafe_b64decode = staticmethod(_b64(_base64.urlsafe_b64decode))
    b32encode = staticmethod(_b64(_base64.b32encode))
    b32decode = staticmethod(_b64(_base64.b32decode))
    b16encode = staticmethod(_b64(_base64.b16encode))
    b16decode = staticmethod(_b64(_base64.b16decode))

    def __repr__(self) -> str:
        return "<rq module 'base64'>"


# --- hashlib and hmac -----------------------------------------------------------------------

_ALGORITHMS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512",
               "blake2b", "blake2s")


class _Digest(Protocol):
    """What :class:`Hash` wraps: a ``hashlib`` hash or an ``hmac.HMAC``."""

    @property
    def name(self) -> str: ...
    @property
    def digest_size(self) -> int: ...
    @property
    def block_size(self) -> int: ...
    def update(self, data: bytes, /) -> None: ...
    def digest(self) -> bytes: ...
    def hexdigest(self) -> str: ...
    def copy(self) -> _Digest: ...


class Hash:
    """A running digest: ``update``, ``digest``, ``hexdigest``, ``copy``."""

    __slots__ = ("_h",)

    def __init__(self, inner: _Digest) -> None:
        self._h = inner

    def update(self, data: Any) -> None:
        self._h.update(_as_bytes(data, "update"))

    def digest(self) -> bytes:
        return self._h.digest()

    def hexdigest(self) -> str:
        return self._h.hexdigest()

    def copy(self) -> Hash:
        return type(self)(self._h.copy())

    @property
    def name(self) -> str:
        return self._h.name

    @property
    def digest_size(self) -> int:
        return self._h.digest_size

    @property
    def block_size(self) -> int:
        return self._h.block_size

    def __repr__(self) -> str:
        return f"<{self._h.name} hash>"


class Hmac(Hash):
    """An HMAC: the same methods as :class:`Hash`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{self._h.name}>"


for _cls in (Hash, Hmac):
    expose(_cls, ["update", "digest", "hexdigest", "copy", "name", "digest_size", "block_size"])


def _hash_new(name: Any, data: Any = b"") -> Hash:
    if name not in _ALGORITHMS:
        raise ValueError(f"unsupported hash type {name!r} (available: {', '.join(_ALGORITHMS)})")
    return Hash(_hashlib.new(name, _as_bytes(data, "hashlib")))


def _constructor(name: str) -> Callable[..., Hash]:
    def make(data: Any = b"") -> Hash:
        return _hash_new(name, data)
    make.__name__ = name
    return make


_CONSTRUCTORS = {name: _constructor(name) for name in _ALGORITHMS}
_CONSTRUCTOR_NAMES = {id(func): name for name, func in _CONSTRUCTORS.items()}


@_facade
class Hashlib:
    """``import hashlib``: ``hashlib.sha256(data).hexdigest()`` and friends, and ``new(name)``."""

    __slots__ = ()
    md5 = staticmethod(_CONSTRUCTORS["md5"])
    sha1 = staticmethod(_CONSTRUCTORS["sha1"])
    sha224 = staticmethod(_CONSTRUCTORS["sha224"])
    sha256 = staticmethod(_CONSTRUCTORS["sha256"])
    sha384 = staticmethod(_CONSTRUCTORS["sha384"])
    sha512 = staticmethod(_CONSTRUCTORS["sha512"])
    sha3_256 = staticmethod(_CONSTRUCTORS["sha3_256"])
    sha3_512 = staticmethod(_CONSTRUCTORS["sha3_512"])
    blake2b = staticmethod(_CONSTRUCTORS["blake2b"])
    blake2s = staticmethod(_CONSTRUCTORS["blake2s"])
    new = staticmethod(_hash_new)
    algorithms_available = _ALGORITHMS
    algorithms_guaranteed = _ALGORITHMS

    def __repr__(self) -> str:
        return "<rq module 'hashlib'>"


def _digest_name(digestmod: Any) -> str:
    if type(digestmod) is str and digestmod.lower() in _ALGORITHMS:
        return digestmod.lower()
    name = _CONSTRUCTOR_NAMES.get(id(digestmod))
    if name is not None and _CONSTRUCTORS[name] is digestmod:
        return name
    raise ValueError("hmac digestmod must be an algorithm name such as 'sha256' or hashlib.sha256")


def _hmac_new(key: Any, msg: Any = None, digestmod: Any = None) -> Hmac:
    if digestmod is None:
        raise TypeError("hmac.new() needs a digestmod, for example 'sha256'")
    inner = _hmac.new(_as_bytes(key, "hmac key"), None, _digest_name(digestmod))
    if msg is not None:
        inner.update(_as_bytes(msg, "hmac message"))
    return Hmac(inner)


@_facade
class HmacModule:
    """``import hmac``: ``hmac.new(key, msg, "sha256").hexdigest()``, ``digest``, ``compare_digest``."""

    __slots__ = ()
    new = staticmethod(_hmac_new)

    @staticmethod
    def digest(key: Any, msg: Any, digest: Any) -> bytes:
        return _hmac_new(key, msg, digest).digest()

    @staticmethod
    def compare_digest(left: Any, right: Any) -> bool:
        if type(left) is not type(right) or type(left) not in (str, bytes):
            raise TypeError("compare_digest expects two str or two bytes")
        return _hmac.compare_digest(left, right)

    def __repr__(self) -> str:
        return "<rq module 'hmac'>"


# --- the import statement -------------------------------------------------------------------------

def _modules() -> dict[str, Any]:
    from rqrun.sandbox import facades_misc as misc

    return {
        "base64": Base64, "datetime": misc.Datetime, "hashlib": Hashlib, "hmac": HmacModule,
        "json": Json, "math": misc.Math, "random": misc.Random, "re": Re, "time": misc.Time,
        "urllib": misc.Urllib, "urllib.parse": misc.UrlParse, "uuid": misc.Uuid,
    }


#: Import name -> facade. ``urllib`` is listed so that ``import urllib.parse`` binds it.
MODULES: dict[str, Any] = _modules()
_AVAILABLE = ", ".join(sorted(name for name in MODULES if name != "urllib"))


def facade_import(name: Any, globals: Any = None, locals: Any = None, fromlist: Any = (),
                  level: Any = 0) -> Any:
    """The scripts' ``__import__``: a facade for an allowed name, ImportError for anything else."""
    if level:
        raise ImportError("relative imports are not allowed in scripts")
    facade = MODULES.get(name) if type(name) is str else None
    if facade is None:
        raise ImportError(f"module {name!r} is not available in scripts (available: {_AVAILABLE})")
    if "." in name and not fromlist:
        return MODULES[name.partition(".")[0]]
    return facade


def new_job() -> None:
    """Reset per-job facade state (the random generator) before a script runs."""
    from rqrun.sandbox.facades_misc import reset_random

    reset_random()
