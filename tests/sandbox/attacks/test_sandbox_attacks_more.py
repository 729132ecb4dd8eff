"""More of the corpus: the gaps an audit of ``test_sandbox_attacks.py`` against sandbox.md §3.5-4 found.

Same rules as the first corpus (its checks are reused): an exact outcome per attack, no file,
no planted secret in the result, and the same engine runs a canary after.
What is new here: f-strings (the format-string family without ``str.format``), function and
builtin internals reached with ``getattr``, the rest of the dangerous standard library, private
attributes of the allowed facades, script objects handed to the host (functions, generators,
oversized or mistyped values: §3.5 item 4), host-call floods, builtins that give classes or
namespaces, exception internals, the C-level amplifiers other than ``*`` and ``**`` (padding,
``replace``, ``expandtabs``), and CPU-heavy calls of the allowed modules.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from rqrun.sandbox import ScriptEngine

from test_sandbox_attacks import LIMIT_S, NO_ATTR, NOT_AVAILABLE, WATCHED, A, Attack, _text_of

TOO_LARGE = "would be too large"
OUT_OF_MEMORY = "ran out of memory"
NOT_A_VALUE = "the value must be a str, int, float, bool or None"

MORE_ATTACKS = [
    # --- f-strings: the format family without str.format ------------------------------------------
    A("fs-dunder", "f'{().__class__}'", "compile", '"__class__" is an invalid attribute name'),
    A("fs-getattr", "x = f'{getattr((), \"__class__\")}'", "runtime", NO_ATTR),
    A("fs-nested-spec", "f'{rq:{\"x\"}}'", "runtime", "unsupported format string"),
    # --- function, builtin and method internals ------------------------------------------------------
    A("fn-closure", "getattr(lambda: 0, '__closure__')", "runtime", NO_ATTR),
    A("fn-globals", "getattr(lambda: 0, '__globals__')", "runtime", NO_ATTR),
    A("fn-code", "getattr(lambda: 0, '__code__')", "runtime", NO_ATTR),
    A("fn-defaults", "def f(a=1):\n    pass\nf.__defaults__", "compile", "invalid attribute name"),
    A("fn-builtin-self", "getattr(len, '__self__')", "runtime", NO_ATTR),
    A("fn-gen-yieldfrom", "g = (x for x in [1])\ngetattr(g, 'gi_yieldfrom')", "runtime", NO_ATTR),
    A("fn-maketrans", "str.maketrans('a', 'b')", "runtime", "no attribute 'maketrans'"),
    # --- the rest of the dangerous standard library ------------------------------------------------
    *[A(f"imp-{name}", f"import {name}", "runtime", f"module '{name}' " + NOT_AVAILABLE)
      for name in ("ctypes", "pickle", "marshal", "gc", "inspect", "types", "socket", "threading", "signal",
                   "functools", "operator", "shutil", "tempfile", "asyncio", "multiprocessing", "resource")],
    # --- private corners of the allowed facades --------------------------------------------------------
    A("fac-time-sys", "import time\ntime.sys", "runtime", NO_ATTR),
    A("fac-base64-binascii", "import base64\nbase64.binascii", "runtime", NO_ATTR),
    A("fac-urlopen", "import urllib.parse\nurllib.parse.urlopen", "runtime", NO_ATTR),
    A("fac-uuid-private", "import uuid\nuuid._uuid", "compile", '"_uuid" is an invalid attribute name'),
    A("fac-getattr-default", "print(getattr(rq, '__class__', 'refused'))", None, "refused"),
    # --- script objects handed to the host (never stored, never called later) ---------------------------
    A("store-function", "rq.environment.set('f', lambda: 1)", "runtime", NOT_A_VALUE),
    A("store-nested-function", "rq.environment.set('f', {'a': [lambda: 1]})", "runtime", NOT_A_VALUE),
    A("store-generator", "rq.variables.set('g', (x for x in [1]))", "runtime", NOT_A_VALUE),
    A("store-huge", "rq.environment.set('big', 'x' * (2 * 1024 * 1024))", "runtime", "longer than 1048576 characters"),
    A("store-key-type", "rq.environment.set(123, 'x')", "runtime", "the key must be a non-empty string"),
    A("store-vault-huge", "rq.vault.set('k', 'x' * (2 * 1024 * 1024))", "runtime", "rq.vault.set: the value must be"),
    A("store-test-callback", "rq.test('t', 42)", "runtime", "rq.test expects a function"),
    # --- builtins that hand out classes, namespaces or a console ----------------------------------------
    *[A(f"bi-{name}", f"{name}()", "runtime", f"name '{name}' is not defined")
      for name in ("super", "classmethod", "staticmethod", "property", "locals", "input", "help", "format",
                   "bytearray", "__build_class__")
      if not name.startswith("_")],
    A("bi-build-class", "__build_class__", "compile", '"__build_class__" is an invalid variable name'),
    A("bi-type-scope", "type(rq.environment)", "runtime", "type() of 'Scope' objects is not available"),
    # --- exception internals ---------------------------------------------------------------------------------
    A("exc-getattr-traceback", "try:\n    1 / 0\nexcept Exception as e:\n    getattr(e, '__traceback__')", "runtime", NO_ATTR),
    A("exc-context", "try:\n    1 / 0\nexcept Exception as e:\n    e.__context__", "compile", "invalid attribute name"),
    A("exc-cause-getattr", "try:\n    1 / 0\nexcept Exception as e:\n    getattr(e, '__cause__')", "runtime", NO_ATTR),
    # --- C-level amplifiers and heavy calls of the allowed modules -----------------------------------------
    A("amp-bytes", "bytes(10**10)", "memory", TOO_LARGE),
    A("amp-list", "[0] * 10**10", "memory", TOO_LARGE),
    A("amp-join", "''.join(['x'] * 10**9)", "memory", TOO_LARGE),
    A("amp-zfill", "'1'.zfill(10**10)", "memory", OUT_OF_MEMORY),
    A("amp-center", "'x'.center(10**10)", "memory", OUT_OF_MEMORY),
    A("amp-expandtabs", "'\\t'.expandtabs(10**9)", "memory", OUT_OF_MEMORY),
    A("amp-replace", "s = 'a' * 10**6\ns.replace('a', 'a' * 10**4)", "memory", OUT_OF_MEMORY),
    A("amp-print-sep", "print('a', 'b', sep='x' * 10**8)", "memory", TOO_LARGE),
    A("amp-dict-range", "d = {}\nfor i in range(10**8):\n    d[i] = i", "memory", "range of"),
    A("amp-sorted-range", "sorted(range(10**9))", "memory", "range of"),
    A("amp-hash-input", "import hashlib\nhashlib.sha256(b'x' * 10**10)", "memory", TOO_LARGE),
    A("cpu-int-to-str", "str(10**5000)", "runtime", "Exceeds the limit (4300 digits)"),
    A("cpu-str-to-int", "int('1' * 100000)", "runtime", "Exceeds the limit (4300 digits)"),
    A("cpu-math-comb", "import math\nmath.comb(10**6, 5 * 10**5)", "runtime", "math.comb is limited"),
    A("cpu-math-perm", "import math\nmath.perm(10**6)", "runtime", "math.perm is limited"),
    A("cpu-divmod-tower", "divmod(10**10**7, 3)", "memory", TOO_LARGE),
    A("cpu-float-pow", "10.0 ** 10**10", "runtime", "Numerical result out of range"),
    A("cpu-json-deep", "x = []\nfor i in range(10**5):\n    x = [x]\nimport json\njson.dumps(x)", "runtime",
      "maximum recursion depth"),
    A("cpu-regex-huge", "import re\nre.compile('(' * 10000 + ')' * 10000)", "runtime", "pattern too long"),
]


def test_the_second_corpus_adds_enough() -> None:
    assert len(MORE_ATTACKS) >= 60
    from test_sandbox_attacks import ATTACKS

    first = {p.values[0].id for p in ATTACKS}
    assert not first & {p.values[0].id for p in MORE_ATTACKS}, "an attack id is used twice"


@pytest.mark.parametrize("attack", MORE_ATTACKS)
def test_more_attacks_are_stopped_and_the_run_goes_on(engine: ScriptEngine, script_job: Any, planted_secret: str,
                                                      recording_host: Any, attack: Attack) -> None:
    WATCHED.unlink(missing_ok=True)
    host = recording_host({"vault.has": False, "vault.get": None, "vault.set": None})
    result = engine.run(script_job(attack.source), host)

    if attack.kind is None:
        assert result.error is None, result.error
        assert any(attack.fragment in line for line in result.console), result.console
    else:
        assert result.error is not None, f"{attack.id} was not stopped: {result}"
        assert result.error.kind == attack.kind, result.error
        assert attack.fragment in result.error.message, result.error
    assert not WATCHED.exists(), f"{attack.id} created a file"
    assert planted_secret not in _text_of(result)

    canary = engine.run(script_job("rq.environment.set('canary', 1)\nprint('alive')"), None)
    assert canary.error is None and canary.console == ["alive"]
    assert canary.scope_ops == [("environment", "set", "canary", 1)]


def test_request_mutations_are_capped(engine: ScriptEngine, script_job: Any) -> None:
    """The 1,001st header is refused where it is added; the 1,000 before it stay on the request."""
    source = "for i in range(100000):\n    rq.request.headers.add({'key': 'k%d' % i, 'value': 'v' * 100})"
    result = engine.run(script_job(source, phase="prerequest"), None)
    assert result.error is not None, result
    assert (result.error.kind, result.error.line) == ("runtime", 2), result.error
    assert "rq.request.headers.add: at most 1000 entries" in result.error.message, result.error
    headers = (result.request or {}).get("headers", [])
    assert len(headers) == 1000 and headers[-1]["key"] == "k999", headers[-1:]

    exactly = "for i in range(1000):\n    rq.request.headers.add({'key': 'k%d' % i, 'value': 'v'})\nprint('ok')"
    result = engine.run(script_job(exactly, phase="prerequest"), None)
    assert result.error is None and result.console == ["ok"], result
    assert len((result.request or {}).get("headers", [])) == 1000


class _SlowHost:
    """Answers every host call after ``delay`` seconds, whatever deadline it is given (a host that
    ignores it); gives up (a host failure) after ``give_up_s``."""

    def __init__(self, delay: float, give_up_s: float) -> None:
        self.delay, self.give_up_at, self.calls = delay, time.monotonic() + give_up_s, 0

    def call(self, name: str, args: list[Any], deadline: float) -> Any:
        if time.monotonic() > self.give_up_at:
            raise RuntimeError("the test's host gave up: the engine never stopped the script")
        self.calls += 1
        time.sleep(self.delay)
        return False


def test_a_loop_of_host_calls_is_stopped_at_the_script_limit(script_job: Any) -> None:
    """quality.md: runaway scripts stop at their limit; host calls count against it, so a loop of
    slow ones (each error swallowed) is no way around it: the host sees only the calls that fit."""
    delay = 0.1
    host = _SlowHost(delay=delay, give_up_s=10.0)
    with ScriptEngine(timeout_ms=int(LIMIT_S * 1000), memory_mb=256) as engine:
        result = engine.run(script_job("while True:\n    try:\n        rq.vault.has('x')\n"
                                       "    except Exception:\n        pass"), host)
        assert engine.run(script_job("print('next')")).console == ["next"]
    assert result.error is not None and result.error.kind == "timeout", result.error
    assert 1 <= host.calls <= LIMIT_S / delay + 1, f"{host.calls} host calls in a {LIMIT_S} s limit"
