"""The compile-time half of the sandbox: a deny-by-default RestrictedPython policy.

RestrictedPython already refuses names and attributes starting with ``_``, frame and code
attributes, ``try/except*``, ``nonlocal``, async code and every AST node it has not reviewed.
:class:`RqPolicy` narrows that further for rqrun scripts and adds the hooks the worker's budget
needs:

- ``class`` statements are refused (scripts do not need them; they are the door to metaclass and
  dunder-method tricks), so are relative imports and imported names starting with ``_``;
- ``a ** b``, ``a << b`` and ``a * b`` become ``_pow_(a, b)``, ``_lshift_(a, b)`` and
  ``_mul_(a, b)``, which refuse results too large to build *before* allocating them;
- every loop body, function body, lambda and comprehension starts with a ``_tick_()`` call.
  The name starts with ``_`` so a script can neither read, rebind nor shadow it, and the limit
  it raises derives from ``BaseException``, which scripts cannot name or catch selectively.

This module imports RestrictedPython, so only the worker (and tests) import it.
"""

from __future__ import annotations

import ast
from typing import Any, TypeVar

from RestrictedPython.transformer import RestrictingNodeTransformer

__all__ = ["RqPolicy", "TICK", "HOOKED_OPERATORS", "POLICY_VERSION"]

#: Bump when the rewriting changes, so cached code objects from an older policy are not reused.
POLICY_VERSION = 1
#: The name of the budget hook injected into loops, functions, lambdas and comprehensions.
TICK = "_tick_"
#: Binary operators rewritten into size-checking calls.
HOOKED_OPERATORS: dict[type[ast.operator], str] = {
    ast.Pow: "_pow_",
    ast.LShift: "_lshift_",
    ast.Mult: "_mul_",
}


def _tick_call(node: ast.AST) -> ast.Call:
    call = ast.Call(func=ast.Name(TICK, ast.Load()), args=[], keywords=[])
    return ast.copy_location(call, node)


def _tick_stmt(node: ast.AST) -> ast.Expr:
    stmt = ast.Expr(value=_tick_call(node))
    ast.copy_location(stmt, node)
    ast.fix_missing_locations(stmt)
    return stmt


_Node = TypeVar("_Node", bound=ast.AST)


def _same(kind: type[_Node], result: object) -> _Node:
    """RestrictedPython's visitors used here return the node they were given; check and say so."""
    if not isinstance(result, kind):
        raise TypeError(f"RestrictedPython returned {type(result).__name__} for {kind.__name__}")
    return result


class RqPolicy(RestrictingNodeTransformer):
    """RestrictedPython's transformer, minus classes, plus budget ticks and operator hooks."""

    def visit_ClassDef(self, node: ast.ClassDef) -> Any:
        """Denied: scripts have no use for classes, and classes carry dunder methods."""
        self.error(node, "class statements are not allowed in scripts")
        return node

    def visit_Import(self, node: ast.Import) -> Any:
        """Allowed: the worker's ``__import__`` hands out facades or raises ImportError."""
        return self.check_import_names(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Any:
        """Allowed for absolute imports; the imported names are checked like any name."""
        if node.level:
            self.error(node, "relative imports are not allowed in scripts")
        return self.check_import_names(node)

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        """Rewrites ``**``, ``<<`` and ``*`` into guarded calls; other operators stay."""
        node = self.node_contents_visit(node)
        hook = HOOKED_OPERATORS.get(type(node.op))
        if hook is None:
            return node
        call = ast.Call(func=ast.Name(hook, ast.Load()), args=[node.left, node.right], keywords=[])
        ast.copy_location(call, node)
        ast.fix_missing_locations(call)
        return call

    def visit_For(self, node: ast.For) -> Any:
        """Iteration goes through ``_getiter_``; the body starts with a tick."""
        node = _same(ast.For, super().visit_For(node))
        node.body.insert(0, _tick_stmt(node))
        return node

    def visit_While(self, node: ast.While) -> Any:
        """Allowed; the body starts with a tick so ``while True: pass`` is bounded."""
        node = _same(ast.While, super().visit_While(node))
        node.body.insert(0, _tick_stmt(node))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> Any:
        """Allowed with checked names; the body starts with a tick (bounds recursion fan-out)."""
        node = _same(ast.FunctionDef, super().visit_FunctionDef(node))
        node.body.insert(0, _tick_stmt(node))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> Any:
        """Allowed; ``lambda: x`` becomes ``lambda: _tick_() and x`` (the tick returns True)."""
        node = _same(ast.Lambda, super().visit_Lambda(node))
        body = ast.BoolOp(op=ast.And(), values=[_tick_call(node), node.body])
        ast.copy_location(body, node.body)
        node.body = body
        ast.fix_missing_locations(node)
        return node

    def visit_comprehension(self, node: ast.comprehension) -> Any:
        """Iteration goes through ``_getiter_``; a tick is the first condition of each clause."""
        node = _same(ast.comprehension, super().visit_comprehension(node))
        node.ifs.insert(0, _tick_call(node.iter))
        ast.fix_missing_locations(node)
        return node

    def visit_TryStar(self, node: ast.AST) -> Any:
        """Denied: ``except*`` with a forged ExceptionGroup corrupts memory (CVE-2025-22153)."""
        self.error(node, "try/except* is not allowed in scripts")
        return node
