"""The run-time half of the sandbox: curated builtins, guard hooks and the per-job budget.

Everything here runs inside the worker. The rules:

- attribute reads go through :func:`guarded_getattr`, an allow-list keyed by the object's exact
  type. Builtin value types get their public methods minus ``format``/``format_map`` (format
  strings walk attributes in C, CVE-2023-41039) and ``maketrans``/``mro``/``mapping``;
  exceptions get ``args``; rq and facade objects get exactly the names they declare with
  :func:`expose`; every other type (modules, functions, methods, frames, generators, code,
  types, properties, cells, ...) gets nothing;
- limits trip through :meth:`JobState.trip`, which raises :class:`LimitExceeded` (a
  ``BaseException`` that no script can name) and swaps the script's ``_tick_`` for one that
  raises again, so a script that catches everything with a bare ``except`` still stops;
- size-checking versions of ``**``, ``<<``, ``*``, ``pow``, ``round`` and ``range`` refuse work
  that would take seconds or gigabytes *before* starting it.
"""

from __future__ import annotations

import builtins
import operator
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from rqrun.sandbox.model import FailureKind

__all__ = [
    "LimitExceeded",
    "JobState",
    "STATE",
    "MAX_INT_BITS",
    "MAX_SEQUENCE_ITEMS",
    "expose",
    "guarded_getattr",
    "guarded_hasattr",
    "guarded_getitem",
    "guarded_write",
    "guarded_inplacevar",
    "checked_pow",
    "checked_lshift",
    "checked_mul",
    "PrintCollector",
    "ended_job_error",
    "make_builtins",
    "hook_globals",
]

#: Largest integer result (in bits) ``**``, ``<<``, ``*`` and ``pow`` will build: ~300,000 digits.
MAX_INT_BITS = 1_000_000
#: Largest sequence ``*``, ``range`` and ``bytes(n)`` will build.
MAX_SEQUENCE_ITEMS = 10_000_000
#: Modular ``pow`` refuses exponents and moduli larger than this (in bits): cost grows fast.
MAX_MODPOW_BITS = 16_384
_TICK_CHECK_MASK = 63  # look at the clock every 64 ticks


class LimitExceeded(BaseException):
    """A limit tripped. BaseException, so ``except Exception`` in a script does not catch it."""

    def __init__(self, kind: FailureKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def ended_job_error() -> RuntimeError:
    """What an object of an ended job raises (see :meth:`JobState.require`)."""
    return RuntimeError("this belongs to a script that has ended")


class JobState:
    """The budget and console of the job running now (the worker runs one job at a time)."""

    __slots__ = ("deadline", "timeout_ms", "tripped", "console", "console_bytes", "output_limit",
                 "script_globals", "job")

    def __init__(self) -> None:
        self.job: object | None = None
        self.deadline = 0.0
        self.timeout_ms = 0
        self.tripped: LimitExceeded | None = None
        self.console: list[str] = []
        self.console_bytes = 0
        self.output_limit = 1 << 20
        self.script_globals: dict[str, Any] | None = None

    def reset(self, timeout_ms: int, output_limit: int) -> None:
        """Start a job: a new job token, fresh deadline, empty console, nothing tripped."""
        self.job = object()
        self.deadline = time.monotonic() + timeout_ms / 1000.0
        self.timeout_ms = timeout_ms
        self.tripped = None
        self.console = []
        self.console_bytes = 0
        self.output_limit = output_limit
        self.script_globals = None

    def end(self) -> None:
        """The job is over: whatever it left behind (a generator finalised later) is refused."""
        self.job = None

    def require(self, job: object | None) -> None:
        """Refuse work for ``job`` unless it is the job running now.

        Objects a script can hold (``rq`` members, ``console``, ``print``) carry the token of
        their job; a finaliser that outlives its script and runs during a later one must not
        write to that one's console, tests or variables, nor call its host.
        """
        if job is not self.job:
            raise ended_job_error()

    def trip(self, kind: FailureKind, message: str) -> LimitExceeded:
        """Record the first limit hit, make every later tick raise, and raise it."""
        if self.tripped is None:
            self.tripped = LimitExceeded(kind, message)
        g = self.script_globals
        if g is not None and "_tick_" in g:
            g["_tick_"] = self._expired_tick
        raise LimitExceeded(self.tripped.kind, self.tripped.message)

    def _expired_tick(self) -> bool:
        raise LimitExceeded(self.tripped.kind, self.tripped.message)  # type: ignore[union-attr]

    def check(self) -> None:
        """Raise if a limit has tripped or the deadline has passed (used by host-side code)."""
        if self.tripped is not None:
            self._expired_tick()
        if time.monotonic() > self.deadline:
            self.trip(FailureKind.TIMEOUT, f"script exceeded its time limit of {self.timeout_ms} ms")

    def make_tick(self) -> Callable[[], bool]:
        """The ``_tick_`` of one job: cheap counting, a clock read every 64 calls."""
        clock = time.monotonic
        count = 0

        def _tick_() -> bool:
            nonlocal count
            count += 1
            if count & _TICK_CHECK_MASK == 0 and clock() > self.deadline:
                self.trip(FailureKind.TIMEOUT, f"script exceeded its time limit of {self.timeout_ms} ms")
            return True

        return _tick_

    def write_console(self, text: str) -> None:
        """Append one console line, tripping the output limit instead of growing past it."""
        size = len(text) + 1
        if self.console_bytes + size > self.output_limit:
            self.trip(FailureKind.OUTPUT, f"script output exceeded the limit of {self.output_limit} bytes")
        self.console_bytes += size
        self.console.append(text)


STATE = JobState()

# --- attribute allow-list -------------------------------------------------------------------

_DENIED_METHODS = frozenset({"format", "format_map", "maketrans", "mro", "mapping"})
_VALUE_TYPES: tuple[type, ...] = (
    str, bytes, int, float, bool, list, dict, tuple, set, frozenset, range, slice, type(None),
    type({}.keys()), type({}.values()), type({}.items()),
)
_ATTRS: dict[type, frozenset[str]] = {
    t: frozenset(n for n in dir(t) if not n.startswith("_")) - _DENIED_METHODS for t in _VALUE_TYPES
}
_EXCEPTION_ATTRS = frozenset({"args"})
_ITEM_TYPES: set[type] = {str, bytes, list, dict, tuple, range}
_WRITABLE: dict[type, frozenset[str]] = {}
_ITEM_WRITABLE: set[type] = set()


def expose(
    cls: type,
    names: Iterable[str],
    *,
    items: bool = False,
    writable: Iterable[str] = (),
    item_writable: bool = False,
) -> None:
    """Declare what scripts may do with instances of ``cls`` (exact type, never subclasses)."""
    public = frozenset(names)
    bad = [n for n in public if n.startswith("_")]
    if bad:
        raise ValueError(f"cannot expose private names {bad}")
    _ATTRS[cls] = public
    if items:
        _ITEM_TYPES.add(cls)
    if writable:
        _WRITABLE[cls] = frozenset(writable)
    if item_writable:
        _ITEM_WRITABLE.add(cls)


def _no_attribute(obj: Any, name: str) -> AttributeError:
    return AttributeError(f"'{type(obj).__name__}' object has no attribute '{name}' available to scripts")


def guarded_getattr(obj: Any, name: Any, *default: Any) -> Any:
    """``_getattr_`` and the script's ``getattr``: allow-listed names on allow-listed types only."""
    if type(name) is not str:
        raise TypeError("attribute name must be a string")
    if len(default) > 1:
        raise TypeError("getattr expected at most 3 arguments")
    allowed = _ATTRS.get(type(obj))
    if allowed is None and isinstance(obj, BaseException):
        allowed = _EXCEPTION_ATTRS
    if allowed is None or name not in allowed or name.startswith("_"):
        if default:
            return default[0]
        raise _no_attribute(obj, name)
    return getattr(obj, name)


def guarded_hasattr(obj: Any, name: Any) -> bool:
    """The script's ``hasattr``, answering for the same allow-list as ``getattr``."""
    try:
        guarded_getattr(obj, name)
    except AttributeError:
        return False
    return True


def guarded_getitem(obj: Any, key: Any) -> Any:
    """``_getitem_``: subscripting builtin containers and declared rq objects only."""
    if type(obj) in _ITEM_TYPES:
        return obj[key]
    raise TypeError(f"'{type(obj).__name__}' object is not subscriptable in scripts")


class _WriteProxy:
    """What ``_write_`` returns for rq objects: only declared attributes may be set."""

    __slots__ = ("_target",)

    def __init__(self, target: Any) -> None:
        object.__setattr__(self, "_target", target)

    def __setattr__(self, name: str, value: Any) -> None:
        target = object.__getattribute__(self, "_target")
        if name.startswith("_") or name not in _WRITABLE.get(type(target), ()):
            raise AttributeError(f"cannot set '{name}' on '{type(target).__name__}' in scripts")
        setattr(target, name, value)

    def __delattr__(self, name: str) -> None:
        target = object.__getattribute__(self, "_target")
        raise AttributeError(f"cannot delete '{name}' from '{type(target).__name__}' in scripts")

    def __setitem__(self, key: Any, value: Any) -> None:
        target = object.__getattribute__(self, "_target")
        if type(target) not in _ITEM_WRITABLE:
            raise TypeError(f"'{type(target).__name__}' does not support item assignment in scripts")
        target[key] = value

    def __delitem__(self, key: Any) -> None:
        target = object.__getattribute__(self, "_target")
        if type(target) not in _ITEM_WRITABLE:
            raise TypeError(f"'{type(target).__name__}' does not support item deletion in scripts")
        del target[key]


def guarded_write(obj: Any) -> Any:
    """``_write_``: scripts may change their own dicts and lists, and declared rq fields."""
    kind = type(obj)
    if kind is dict or kind is list:
        return obj
    if kind in _WRITABLE or kind in _ITEM_WRITABLE:
        return _WriteProxy(obj)
    raise TypeError(f"cannot modify '{kind.__name__}' objects in scripts")


def unpack_sequence(it: Any, spec: dict[str, Any], getiter: Callable[[Any], Iterator[Any]]) -> list[Any]:
    """``_unpack_sequence_``: ``a, (b, c) = x`` with every level going through ``_getiter_``."""
    ret = list(getiter(it))
    if len(ret) < spec["min_len"]:
        return ret
    for index, child in spec["childs"]:
        ret[index] = unpack_sequence(ret[index], child, getiter)
    return ret


def iter_unpack_sequence(it: Any, spec: dict[str, Any], getiter: Callable[[Any], Iterator[Any]]) -> Any:
    """``_iter_unpack_sequence_``: ``for a, b in x`` (a ``map``, so no host generator frame)."""
    return map(lambda ob: unpack_sequence(ob, spec, getiter), getiter(it))


# --- size checks ----------------------------------------------------------------------------

def _too_big(what: str) -> None:
    STATE.trip(FailureKind.MEMORY, f"{what} would be too large (scripts may build integers up to "
               f"{MAX_INT_BITS} bits and sequences up to {MAX_SEQUENCE_ITEMS} items)")


def _is_int(value: Any) -> bool:
    kind = type(value)
    return kind is int or kind is bool


def checked_pow(base: Any, exp: Any, mod: Any = None) -> Any:
    """``a ** b`` and ``pow()``, refusing integer results or modular work that would not end soon."""
    if _is_int(base) and _is_int(exp):
        if mod is None:
            if exp > 0 and abs(base) > 1 and (exp > MAX_INT_BITS or exp * abs(base).bit_length() > MAX_INT_BITS):
                _too_big(f"{_short(base)} ** {_short(exp)}")
            return pow(base, exp)
        if _is_int(mod) and (exp.bit_length() > MAX_MODPOW_BITS or mod.bit_length() > MAX_MODPOW_BITS):
            _too_big("pow() with a modulus")
    return pow(base, exp) if mod is None else pow(base, exp, mod)


def checked_lshift(value: Any, shift: Any) -> Any:
    """``a << b``, refusing integer results over :data:`MAX_INT_BITS`."""
    if (_is_int(value) and _is_int(shift) and value and shift > 0
            and (shift > MAX_INT_BITS or value.bit_length() + shift > MAX_INT_BITS)):
        _too_big(f"{_short(value)} << {_short(shift)}")
    return value << shift


def _sequence_size(seq: Any, times: int) -> None:
    if times > 1 and len(seq) * times > MAX_SEQUENCE_ITEMS:
        _too_big(f"a {type(seq).__name__} of {len(seq)} items * {_short(times)}")


def checked_mul(left: Any, right: Any) -> Any:
    """``a * b``, refusing huge integers and sequence repetitions before allocating them."""
    lt, rt = type(left), type(right)
    if lt is float or rt is float:
        return left * right
    if (lt is int or lt is bool) and (rt is int or rt is bool):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            _too_big("the product")
        return left * right
    if lt in (str, bytes, list, tuple) and _is_int(right):
        _sequence_size(left, right)
    elif rt in (str, bytes, list, tuple) and _is_int(left):
        _sequence_size(right, left)
    return left * right


def _short(number: Any) -> str:
    text = repr(number) if not _is_int(number) or number.bit_length() < 64 else f"<{number.bit_length()}-bit int>"
    return text if len(text) < 40 else text[:37] + "..."


_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": checked_mul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": checked_pow, "<<=": checked_lshift,
    ">>=": operator.irshift, "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor,
}


def guarded_inplacevar(op: str, target: Any, value: Any) -> Any:
    """``_inplacevar_``: ``x op= y`` on names, with the same size checks as the binary operators."""
    func = _INPLACE.get(op)
    if func is None:
        raise TypeError(f"'{op}' is not supported in scripts")
    if op == "*=" and type(target) is list and _is_int(value):
        _sequence_size(target, value)
        target *= value  # list.__imul__, in place (operator.imul has no types)
        return target
    return func(target, value)


# --- curated builtins ---------------------------------------------------------------------------

def _safe_round(number: Any, ndigits: Any = None) -> Any:
    """``round``: ``round(7, -10**9)`` would compute 10**(10**9) in one C call."""
    if ndigits is None:
        return round(number)
    if _is_int(ndigits) and not -1000 <= ndigits <= 1000:
        raise ValueError("round() ndigits must be between -1000 and 1000 in scripts")
    return round(number, ndigits)


def _safe_range(*args: Any) -> range:
    """``range``, capped so C consumers such as ``sum(range(n))`` stay short."""
    result = range(*args)
    if len(result) > MAX_SEQUENCE_ITEMS:
        _too_big(f"range of {len(result)} items")
    return result


def _safe_iter(obj: Any, *sentinel: Any) -> Iterator[Any]:
    """``iter`` with one argument: ``iter(f, sentinel)`` can loop in C without ticking."""
    if sentinel:
        raise TypeError("iter(callable, sentinel) is not available in scripts")
    return iter(obj)


def _safe_bytes(source: Any = b"", *args: Any) -> bytes:
    """``bytes``, refusing ``bytes(n)`` beyond the sequence limit."""
    if _is_int(source) and source > MAX_SEQUENCE_ITEMS:
        _too_big(f"bytes({source})")
    return bytes(source, *args)


def _safe_type(obj: Any) -> type:
    """One-argument ``type`` for values only: three arguments would create a class."""
    kind = type(obj)
    if kind in _VALUE_TYPES or isinstance(obj, BaseException):
        return kind
    raise TypeError(f"type() of '{kind.__name__}' objects is not available in scripts")


# Left out, and why:
# - BaseException, SystemExit, KeyboardInterrupt, GeneratorExit: escape ``except Exception`` in
#   hosts and let a script catch the budget's own exception; ExceptionGroup (CVE-2025-22153).
# - MemoryError, RecursionError: scripts have no business catching the limits by name.
# - setattr, delattr: writes go through ``_write_`` only. getattr/hasattr are the guarded ones.
# - id (addresses help memory-corruption exploits), vars, dir, globals, locals (namespace
#   introspection), object, super, property, classmethod, staticmethod (class machinery),
#   type with three arguments (class creation), memoryview, bytearray (mutable buffers).
# - compile, eval, exec, open, input, breakpoint, help, exit, quit, license, credits, copyright:
#   code execution, files, the terminal, SystemExit.
# - format (a format spec reaches ``__format__`` of arbitrary objects), __build_class__
#   (classes are refused), __import__ (replaced by the facade import), aiter, anext (async).
_PLAIN_BUILTINS = (
    "abs", "all", "any", "ascii", "bin", "bool", "callable", "chr", "dict", "divmod", "enumerate",
    "filter", "float", "frozenset", "hash", "hex", "int", "isinstance", "issubclass", "len",
    "list", "map", "max", "min", "next", "oct", "ord", "repr", "reversed", "set", "slice",
    "sorted", "str", "sum", "tuple", "zip",
    "ArithmeticError", "AssertionError", "AttributeError", "Exception", "IndexError", "KeyError",
    "LookupError", "NameError", "NotImplementedError", "OverflowError", "RuntimeError",
    "StopIteration", "TypeError", "UnicodeDecodeError", "UnicodeEncodeError", "UnicodeError",
    "ValueError", "ZeroDivisionError",
)


def make_builtins(import_func: Callable[..., Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``__builtins__`` dict scripts see. Shared across jobs: scripts cannot write to it."""
    table: dict[str, Any] = {name: getattr(builtins, name) for name in _PLAIN_BUILTINS}
    table.update({
        "None": None, "True": True, "False": False, "Ellipsis": Ellipsis,
        "bytes": _safe_bytes, "getattr": guarded_getattr, "hasattr": guarded_hasattr,
        "iter": _safe_iter, "pow": checked_pow, "range": _safe_range, "round": _safe_round,
        "type": _safe_type, "__import__": import_func,
    })
    table.update(extra or {})
    return table


def hook_globals() -> dict[str, Any]:
    """The guard hooks RestrictedPython's rewritten code calls (``_tick_`` and ``_print_`` are per job)."""
    return {
        "_getattr_": guarded_getattr,
        "_getitem_": guarded_getitem,
        "_getiter_": iter,
        "_write_": guarded_write,
        "_inplacevar_": guarded_inplacevar,
        "_unpack_sequence_": unpack_sequence,
        "_iter_unpack_sequence_": iter_unpack_sequence,
        "_apply_": _apply,
        "_pow_": checked_pow,
        "_lshift_": checked_lshift,
        "_mul_": checked_mul,
        "_print_": PrintCollector,
    }


class PrintCollector:
    """``_print_``: RestrictedPython turns ``print(...)`` into ``_print._call_print(...)``.

    Each call becomes one console line, counted against the job's output limit; ``printed``
    (RestrictedPython's read-back) returns what this scope printed.
    """

    __slots__ = ("_job", "_parts")

    def __init__(self, _getattr_: Any = None) -> None:
        self._parts: list[str] = []
        self._job = STATE.job

    def __call__(self) -> str:
        return "".join(self._parts)

    def _call_print(self, *objects: Any, sep: Any = " ", end: Any = "\n", file: Any = None,
                    flush: bool = False) -> None:
        if file is not None:
            raise TypeError("print(file=...) is not available in scripts")
        if sep is None:
            sep = " "
        if end is None:
            end = "\n"
        if type(sep) is not str or type(end) is not str:
            raise TypeError("print() sep and end must be strings")
        if self._job is not STATE.job:  # inline STATE.require: print is hot
            raise ended_job_error()
        text = sep.join([str(obj) for obj in objects])
        STATE.write_console(text if end == "\n" else text + end)
        self._parts.append(text + end)


def _apply(func: Any, *args: Any, **kwargs: Any) -> Any:
    """``_apply_``: ``f(*a, **k)`` needs no extra check here; attribute access is guarded elsewhere."""
    return func(*args, **kwargs)
