"""The attack corpus: every category of rqrun/../reference/sandbox.md, through a real worker.

Each attack states its exact outcome: the failure kind (None when the script must simply end
without having achieved anything) and a fragment of the message or of the console. After each
one the same engine must run an ordinary script correctly, runaway attacks must end with the
"timeout" kind (only the limit stops them; how soon is bench/'s figure, not a timed assert), no
file may appear in the watched directory, and the secret planted in the parent's environment must
appear nowhere in the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rqrun.sandbox import ScriptEngine, ScriptResult

WATCHED = Path("/tmp/rqrun-sandbox-attack-target")
LIMIT_S = 0.5


@dataclass(frozen=True)
class Attack:
    id: str
    source: str
    kind: str | None
    fragment: str


def A(id: str, source: str, kind: str | None, fragment: str) -> Any:  # noqa: N802 - table helper
    return pytest.param(Attack(id, source, kind, fragment), id=id)


NOT_AVAILABLE = "is not available in scripts"
NO_ATTR = "available to scripts"

ATTACKS = [
    # --- imports and module gadgets ---------------------------------------------------------------
    A("imp-os", "import os\nos.system('id')", "runtime", "module 'os' " + NOT_AVAILABLE),
    A("imp-sys", "import sys\nsys.modules['os']", "runtime", "module 'sys' " + NOT_AVAILABLE),
    A("imp-subprocess", "import subprocess", "runtime", "module 'subprocess' " + NOT_AVAILABLE),
    A("imp-importlib", "from importlib import import_module", "runtime", "module 'importlib' " + NOT_AVAILABLE),
    A("imp-string-formatter", "import string\nstring.Formatter().format('{0.__class__}', 1)", "runtime",
      "module 'string' " + NOT_AVAILABLE),
    A("imp-urllib-request", "import urllib.request", "runtime", "module 'urllib.request' " + NOT_AVAILABLE),
    A("imp-builtins", "import builtins", "compile", '"builtins" is a reserved name'),
    A("imp-json-codecs", "import json\njson.codecs.builtins.eval('1')", "runtime", "no attribute 'codecs'"),
    A("imp-json-decoder", "import json\njson.decoder", "runtime", "no attribute 'decoder'"),
    A("imp-from-json-codecs", "from json import codecs", "runtime", "cannot import name 'codecs'"),
    A("imp-datetime-sys", "import datetime\ndatetime.sys.modules['os']", "runtime", "no attribute 'sys'"),
    A("imp-re-enum", "import re\nre.enum.sys.modules['os'].environ", "runtime", "no attribute 'enum'"),
    A("imp-random-module", "import random\nrandom.Random.__init__", "compile", "invalid attribute name"),
    A("imp-random-class", "import random\nrandom.Random().seed", "runtime", "no attribute 'Random'"),
    A("imp-dunder-import", "__import__('os')", "compile", '"__import__" is an invalid variable name'),
    A("imp-facade-function", "import hashlib\ngetattr(hashlib.sha256, 'globals')", "runtime", NO_ATTR),
    A("imp-datetime-type", "import datetime\ntype(datetime.datetime.now())", "runtime", "type() of 'datetime'"),
    A("imp-datetime-class-attr", "import datetime\ndatetime.datetime.now.self", "runtime", NO_ATTR),
    A("imp-poison-facade", "import json\njson.dumps = print", "runtime", "cannot modify"),
    # --- builtins ----------------------------------------------------------------------------------
    A("bi-open", f"open('{WATCHED}', 'w').write('x')", "runtime", "name 'open' is not defined"),
    A("bi-eval", "eval('1 + 1')", "compile", "Eval calls are not allowed"),
    A("bi-exec-alias", "e = exec\ne('x = 1')", "runtime", "name 'exec' is not defined"),
    A("bi-compile", "compile('1', 'x', 'eval')", "runtime", "name 'compile' is not defined"),
    A("bi-globals", "globals()['rq']", "runtime", "name 'globals' is not defined"),
    A("bi-vars", "vars(rq)", "runtime", "name 'vars' is not defined"),
    A("bi-dir", "dir(rq)", "runtime", "name 'dir' is not defined"),
    A("bi-setattr", "setattr(rq, 'vault', None)", "runtime", "name 'setattr' is not defined"),
    A("bi-type3", "type('X', (), {})", "runtime", "positional argument"),
    A("bi-id", "id(rq)", "runtime", "name 'id' is not defined"),
    A("bi-breakpoint", "breakpoint()", "compile", '"breakpoint" is a reserved name'),
    A("bi-object", "object", "runtime", "name 'object' is not defined"),
    A("bi-memoryview", "memoryview(b'x')", "runtime", "name 'memoryview' is not defined"),
    A("bi-iter-sentinel", "sum(iter(int, 1))", "runtime", "iter(callable, sentinel) is not available"),
    # --- dunder walks and computed getattr --------------------------------------------------------
    A("du-subclasses", "().__class__.__bases__[0].__subclasses__()", "compile", "invalid attribute name"),
    A("du-getattr-class", "getattr((), '__class__')", "runtime", NO_ATTR),
    A("du-getattr-concat", "getattr(rq.vault, '_' + '_class__')", "runtime", NO_ATTR),
    A("du-mro", "str.mro()", "runtime", "'type' object has no attribute 'mro'"),
    A("du-exc-mro", "ValueError.mro()[2]", "runtime", "'type' object has no attribute 'mro'"),
    A("du-bound-self", "f = (1).bit_length\ngetattr(f, 'self')", "runtime", NO_ATTR),
    A("du-hasattr-private", "print(hasattr(rq.environment, '_data'))", None, "False"),
    # --- generator, coroutine and traceback frames (CVE-2023-37271) -------------------------------------
    A("fr-gi-frame", "g = (x for x in [1])\ng.gi_frame.f_back.f_globals", "compile", "is a restricted name"),
    A("fr-getattr-gi-frame", "def gen():\n    yield 1\ngetattr(gen(), 'gi_frame')", "runtime", NO_ATTR),
    A("fr-gi-code", "def gen():\n    yield 1\ngen().gi_code", "compile", '"gi_code" is a restricted name'),
    A("fr-traceback", "try:\n    1 / 0\nexcept Exception as e:\n    e.__traceback__.tb_frame", "compile",
      "is a restricted name"),
    A("fr-tb-frame-getattr", "try:\n    1 / 0\nexcept Exception as e:\n    getattr(e, 'with_traceback')",
      "runtime", NO_ATTR),
    A("fr-coroutine", "async def f():\n    pass", "compile", "AsyncFunctionDef statements are not allowed"),
    A("fr-frame-chain", "getattr(getattr((x for x in []), 'gi_frame'), 'f_globals')", "runtime", NO_ATTR),
    # --- format strings (CVE-2023-41039) ----------------------------------------------------------------
    A("fmt-format", "'{0.__class__}'.format(1)", "runtime", "no attribute 'format'"),
    A("fmt-format-map", "'{x.__class__}'.format_map({'x': 1})", "runtime", "no attribute 'format_map'"),
    A("fmt-unbound", "str.format('{0.__globals__}', rq.expect)", "runtime", "'type' object has no attribute 'format'"),
    A("fmt-getattr", "getattr('{0}', 'format')", "runtime", NO_ATTR),
    A("fmt-formatter", "from string import Formatter", "runtime", "module 'string' " + NOT_AVAILABLE),
    # --- try/except* (CVE-2025-22153) -------------------------------------------------------------------
    A("eg-trystar", "try:\n    pass\nexcept* ValueError:\n    pass", "compile", "try/except* is not allowed"),
    A("eg-exceptiongroup", "ExceptionGroup('x', [ValueError()])", "runtime", "name 'ExceptionGroup' is not defined"),
    # --- AttributeError.obj (CVE-2024-47532) ------------------------------------------------------------
    A("obj-vault", "try:\n    rq.vault.backend\nexcept AttributeError as e:\n    print(e.obj)", "runtime",
      "no attribute 'obj'"),
    A("obj-getattr", "try:\n    rq.nope\nexcept AttributeError as e:\n    getattr(e, 'obj')", "runtime", NO_ATTR),
    # --- guard shadowing (CVE-2026-55830 and friends) ---------------------------------------------------
    A("sh-posonly", "def f(_getattr_=getattr, /):\n    return 1", "compile", '"_getattr_" is an invalid'),
    A("sh-lambda", "f = lambda _write_, /: 1", "compile", '"_write_" is an invalid'),
    A("sh-assign", "_getattr_ = None", "compile", '"_getattr_" is an invalid'),
    A("sh-for", "for _getiter_ in []:\n    pass", "compile", '"_getiter_" is an invalid'),
    A("sh-import-as", "import json as _getattr_", "compile", '"_getattr_" is an invalid'),
    A("sh-tick", "_tick_ = lambda: True\nwhile True:\n    pass", "compile", '"_tick_" is an invalid'),
    A("sh-kwargs", "def f(**_apply_):\n    pass", "compile", '"_apply_" is an invalid'),
    A("sh-except-as", "try:\n    pass\nexcept Exception as _write_:\n    pass", "compile", '"_write_" is an invalid'),
    A("sh-class", "class P:\n    pass", "compile", "class statements are not allowed"),
    # --- host-object internals behind rq ----------------------------------------------------------------
    A("host-private", "rq.environment._data", "compile", '"_data" is an invalid attribute name'),
    A("host-getattr-private", "getattr(rq.environment, '_data')", "runtime", NO_ATTR),
    A("host-vault-backend", "rq.vault.backend.secrets", "runtime", "'Vault' object has no attribute 'backend'"),
    A("host-request-client", "rq.request.client.default_headers", "runtime", "no attribute 'client'"),
    A("host-test-record", "rq.test.record", "runtime", "no attribute 'record'"),
    A("host-assertion-inner", "rq.response.to.response", "runtime", "no attribute 'response'"),
    A("host-type-rq", "type(rq)", "runtime", "type() of 'Rq' objects is not available"),
    A("host-closure", "rq.environment.toObject.__closure__", "compile", "invalid attribute name"),
    A("host-replace-member", "rq.vault = rq.environment", "runtime", "cannot modify 'Rq'"),
    A("host-method-self", "getattr(rq.vault.get, 'self')", "runtime", NO_ATTR),
    A("host-no-host", "rq.vault.get('apiKey')", "runtime", "vault.get is not available here"),
    # --- SystemExit, KeyboardInterrupt and friends ------------------------------------------------------
    A("exit-systemexit", "raise SystemExit(0)", "runtime", "name 'SystemExit' is not defined"),
    A("exit-keyboard", "raise KeyboardInterrupt", "runtime", "name 'KeyboardInterrupt' is not defined"),
    A("exit-exit", "exit(0)", "runtime", "name 'exit' is not defined"),
    A("exit-generatorexit", "raise GeneratorExit", "runtime", "name 'GeneratorExit' is not defined"),
    A("exit-baseexception", "raise BaseException('x')", "runtime", "name 'BaseException' is not defined"),
    # --- infinite loops and timeouts the script tries to resist --------------------------------------
    A("loop-while", "while True:\n    pass", "timeout", "time limit of 500 ms"),
    A("loop-nested-for", "for i in range(10**7):\n    for j in range(10**7):\n        pass", "timeout", "time limit"),
    A("loop-function", "def f():\n    while True:\n        pass\nf()", "timeout", "time limit"),
    A("loop-growing-list", "x = [1]\nfor i in x:\n    x.append(i)", "timeout", "time limit"),
    A("loop-lambda-fanout", "f = lambda n: f(n - 1) + f(n - 1) if n else 1\nf(60)", "timeout", "time limit"),
    A("loop-generator", "def gen():\n    while True:\n        yield 1\nany(x == 2 for x in gen())", "timeout", "time limit"),
    A("resist-bare-except", "while True:\n    try:\n        while True:\n            pass\n    except:\n        pass",
      "timeout", "time limit"),
    A("resist-except-exception", "while True:\n    try:\n        while True:\n            pass\n    except Exception:\n        pass",
      "timeout", "time limit"),
    A("resist-finally", "try:\n    while True:\n        pass\nfinally:\n    while True:\n        pass", "timeout", "time limit"),
    A("resist-mro-except", "try:\n    while True:\n        pass\nexcept ValueError.mro()[2]:\n    pass", "timeout", "time limit"),
    A("resist-recursion-swallow", "def f(n):\n    try:\n        return f(n + 1)\n    except Exception:\n        return f(n + 1)\nf(0)",
      "timeout", "time limit"),
    A("resist-finalizer", "def g():\n    try:\n        yield 1\n    finally:\n        while True:\n            pass\nx = g()\nnext(x)\nprint('ended')",
      None, "ended"),
    A("resist-sleep", "import time\ntime.sleep(100)", "timeout", "time limit"),
    # --- long single C calls -----------------------------------------------------------------------------
    A("c-round", "round(7, -10**9)", "runtime", "round() ndigits must be between"),
    A("c-str-repeat", "'a' * 10**10", "memory", "would be too large"),
    A("c-tower", "10**10**8", "memory", "would be too large"),
    A("c-modpow", "pow(3, 10**100000, 10**5000 + 1)", "memory", "pow() with a modulus"),
    A("c-lshift", "1 << 10**10", "memory", "would be too large"),
    A("c-product", "x = 2**500000\ny = x * x", "memory", "the product would be too large"),
    A("c-inplace", "x = 'ab'\nx *= 10**9", "memory", "would be too large"),
    A("c-tuple-repeat", "(1,) * 10**9", "memory", "would be too large"),
    A("c-factorial", "import math\nmath.factorial(10**7)", "runtime", "math.factorial is limited"),
    A("c-range-sum", "sum(range(10**12))", "memory", "range of"),
    A("c-regex-backtracking", "import re\nre.match('(a+)+$', 'a' * 64 + 'b')", "timeout", "worker was stopped"),
    # --- memory bombs ---------------------------------------------------------------------------------
    A("mem-append", "x = []\nwhile True:\n    x.append(bytes(10**7))", "memory", "ran out of memory"),
    A("mem-doubling", "s = 'a' * 10**6\nwhile True:\n    s = s + s", "memory", "ran out of memory"),
    A("mem-ljust", "'x'.ljust(10**10)", "memory", "ran out of memory"),
    A("mem-percent-width", "'%0*d' % (10**10, 1)", "memory", "ran out of memory"),
    A("mem-swallowed", "x = []\ntry:\n    while True:\n        x.append(bytes(10**7))\nexcept Exception:\n    x = None\nprint('survived')",
      None, "survived"),
    # --- output floods -----------------------------------------------------------------------------------
    A("out-print-loop", "while True:\n    print('x' * 1000)", "output", "output exceeded the limit"),
    A("out-one-big", "print('a' * 10**7)", "output", "output exceeded the limit"),
    A("out-console", "for i in range(10**6):\n    console.log(i, 'x' * 100)", "output", "output exceeded the limit"),
    A("out-swallowed", "try:\n    while True:\n        print('x' * 10000)\nexcept:\n    pass\nprint('after')", "output",
      "output exceeded the limit"),
    A("out-tests", "for i in range(20000):\n    rq.test('t', lambda: None)", "output", "more than 10000 tests"),
    # --- deep recursion ----------------------------------------------------------------------------------
    A("rec-plain", "def f(n):\n    return f(n + 1)\nf(0)", "runtime", "maximum recursion depth exceeded"),
    A("rec-repr", "x = []\nfor i in range(100000):\n    x = [x]\nrepr(x)", "runtime", "maximum recursion depth"),
    A("rec-json", "import json\njson.loads('[' * 100000 + ']' * 100000)", "runtime", "maximum recursion depth"),
    # --- huge source ---------------------------------------------------------------------------------------
    A("src-huge", "x = 1\n" * 100_000, "compile", "script is too large"),
    A("src-deep-parens", "x = " + "(" * 300 + ")" * 300, "compile", "too many nested parentheses"),
    A("src-long-expression", "x = " + "+".join(["1"] * 60_000), "compile", ""),
    # --- files and environment --------------------------------------------------------------------------
    A("file-os-system", f"import os\nos.system('touch {WATCHED}')", "runtime", "module 'os' " + NOT_AVAILABLE),
    A("file-io", f"import io\nio.open('{WATCHED}', 'w')", "runtime", "module 'io' " + NOT_AVAILABLE),
    A("file-pathlib", f"from pathlib import Path\nPath('{WATCHED}').touch()", "runtime", "module 'pathlib' " + NOT_AVAILABLE),
    A("file-codecs", f"import codecs\ncodecs.open('{WATCHED}', 'w')", "runtime", "module 'codecs' " + NOT_AVAILABLE),
    A("env-os-environ", "import os\nprint(os.environ)", "runtime", "module 'os' " + NOT_AVAILABLE),
    A("env-scopes", "print(rq.variables.toObject(), rq.environment.toObject())", None, "example.test"),
    A("env-posix", "import posix\nprint(posix.environ)", "runtime", "module 'posix' " + NOT_AVAILABLE),
]


def _text_of(result: ScriptResult) -> str:
    parts = [repr(result.error), *result.console, *map(repr, result.tests), repr(result.scope_ops), repr(result.request)]
    return "\n".join(parts)


def test_the_corpus_is_large_enough() -> None:
    assert len(ATTACKS) >= 60


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_is_stopped_and_the_run_goes_on(engine: ScriptEngine, script_job: Any, planted_secret: str,
                                              attack: Attack) -> None:
    WATCHED.unlink(missing_ok=True)
    result = engine.run(script_job(attack.source), None)

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
