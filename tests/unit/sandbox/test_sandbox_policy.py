"""The compile-time layer alone: RqPolicy and compile_script, with no guards or worker involved."""

from __future__ import annotations

import ast
import dis

import pytest

from rqrun.sandbox.compile import MAX_SOURCE_CHARS, CompileCache, compile_script
from rqrun.sandbox.model import ScriptFailure


def names_of(code: object) -> set[str]:
    """Every global name referenced by a code object and the code objects nested in it."""
    found: set[str] = set()
    stack = [code]
    while stack:
        current = stack.pop()
        found.update(current.co_names)  # type: ignore[attr-defined]
        stack.extend(c for c in current.co_consts if hasattr(c, "co_names"))  # type: ignore[attr-defined]
    return found


def refused(source: str) -> ScriptFailure:
    result = compile_script(source)
    assert isinstance(result, ScriptFailure), f"compiled: {source!r}"
    return result


# --- refusals, each with its line ----------------------------------------------------------------

@pytest.mark.parametrize("source, fragment", [
    ("x = ().__class__", '"__class__" is an invalid attribute name'),
    ("_secret = 1", '"_secret" is an invalid variable name'),
    ("class A:\n    pass", "class statements are not allowed"),
    ("try:\n    pass\nexcept* ValueError:\n    pass", "try/except* is not allowed"),
    ("from . import x", "relative imports are not allowed"),
    ("import _thread", '"_thread" is an invalid variable name'),
    ("from json import _default_encoder", '"_default_encoder" is an invalid variable name'),
    ("def f(_getattr_=None, /):\n    return 1", '"_getattr_" is an invalid variable name'),
    ("f = lambda _write_: 1", '"_write_" is an invalid variable name'),
    ("def f():\n    x = 1\n    def g():\n        nonlocal x", "Nonlocal statements are not allowed"),
    ("async def f():\n    pass", "AsyncFunctionDef statements are not allowed"),
    ("match 1:\n    case 1:\n        pass", "Match statements are not allowed"),
    ("x: int = 1", "AnnAssign statements are not allowed"),
    ("g = (i for i in [1])\ng.gi_frame", '"gi_frame" is a restricted name'),
    ("exec('1')", "Exec calls are not allowed"),
    ("eval('1')", "Eval calls are not allowed"),
    ("from json import *", '"*" imports are not allowed'),
])
def test_policy_refuses_unreviewed_or_dangerous_syntax(source: str, fragment: str) -> None:
    """Every refusal is a compile error naming the rule."""
    failure = refused(source)
    assert failure.kind == "compile"
    assert fragment in failure.message
    assert failure.line is not None


def test_policy_reports_the_line_of_the_offending_statement() -> None:
    failure = refused("x = 1\ny = 2\nz = y.__dict__\n")
    assert failure.line == 3


def test_policy_counts_further_errors() -> None:
    failure = refused("a = x._y\nb = x._z\n")
    assert "(and 1 more error)" in failure.message


# --- rewriting ----------------------------------------------------------------------------------

def test_policy_hooks_pow_lshift_and_mul() -> None:
    code = compile_script("a = 2 ** 8\nb = 1 << 4\nc = 'x' * 3\nd = 7 + 1\n")
    names = names_of(code)
    assert {"_pow_", "_lshift_", "_mul_"} <= names


@pytest.mark.parametrize("source", [
    "for i in [1]:\n    pass",
    "while False:\n    pass",
    "def f():\n    return 1",
    "f = lambda: 1",
    "x = [i for i in [1]]",
    "x = {i: i for i in [1]}",
    "x = {i for i in [1]}",
    "x = list(i for i in [1])",
])
def test_policy_injects_a_tick_into_every_loop_function_and_comprehension(source: str) -> None:
    assert "_tick_" in names_of(compile_script(source))


def test_policy_tick_is_the_first_statement_of_a_loop_body() -> None:
    from RestrictedPython import compile_restricted_exec  # noqa: F401 - policy needs it installed

    from rqrun.sandbox.policy import RqPolicy

    tree = ast.parse("while True:\n    x = 1\n")
    tree = RqPolicy().visit(tree)
    first = tree.body[0].body[0]
    assert isinstance(first, ast.Expr) and first.value.func.id == "_tick_"


def test_policy_lambda_tick_runs_before_the_body() -> None:
    calls: list[str] = []
    code = compile_script("f = lambda: 5\nresult = f()\n")
    scope = {"_tick_": lambda: calls.append("tick") or True}
    exec(code, scope)  # noqa: S102 - compiled by the policy, trusted test input
    assert scope["result"] == 5 and calls == ["tick"]


def test_policy_rewrites_print_into_the_collector() -> None:
    assert "_print_" in names_of(compile_script("print('x')"))


def test_policy_leaves_plain_arithmetic_alone() -> None:
    code = compile_script("x = 1 + 2 - 3 / 4 // 5 % 6")
    assert not isinstance(code, ScriptFailure)
    assert not {"_pow_", "_mul_"} & names_of(code)


# --- compile failures that RestrictedPython would let escape -------------------------------------

def test_compile_huge_source_is_refused_before_parsing() -> None:
    failure = refused("x = 1\n" * (MAX_SOURCE_CHARS // 6 + 10))
    assert "script is too large" in failure.message


def test_compile_huge_expression_is_a_compile_error_not_a_crash() -> None:
    failure = refused("x = " + "+".join(["1"] * 60_000))
    assert failure.kind == "compile"


def test_compile_deep_nesting_is_a_compile_error_not_a_crash() -> None:
    failure = refused("x = " + "[" * 5000 + "]" * 5000)
    assert failure.kind == "compile"


def test_compile_nul_byte_is_a_compile_error() -> None:
    assert refused("x = 1\x00").kind == "compile"


def test_compile_non_text_is_refused() -> None:
    assert refused(b"x = 1").message == "a script must be text"  # type: ignore[arg-type]


def test_compile_syntax_error_carries_its_line() -> None:
    failure = refused("x = 1\ny = (\n")
    assert failure.kind == "compile" and failure.line == 2 and "SyntaxError" in failure.message


# --- JavaScript is decided before the sandbox (rqrun.script_language) ------------------------------

def test_javascript_is_a_plain_syntax_error_here() -> None:
    """The sandbox compiles Python only; which language a script is was decided by the caller."""
    failure = refused("pm.test('ok', function () {\n  pm.response.to.have.status(200);\n});")
    assert failure.kind == "compile" and failure.line == 1 and "SyntaxError" in failure.message


# --- cache ----------------------------------------------------------------------------------------

def test_compile_cache_reuses_code_and_caches_failures() -> None:
    cache = CompileCache(size=2)
    first = cache.get("x = 1")
    assert cache.get("x = 1") is first
    bad = cache.get("x = (")
    assert cache.get("x = (") is bad
    cache.get("y = 2")
    assert len(cache) == 2
    assert dis.code_info(first)  # a real code object
