"""The import rules the README's "Layout" section promises, checked on the source.

Every import counts, including the lazy ones inside functions: a rule that only held at module
level would let a dependency back in through the side door.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "rqrun"


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it, as dotted names (relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _modules(*globs: str) -> list[Path]:
    paths: list[Path] = []
    for pattern in globs:
        paths.extend(sorted(PACKAGE.glob(pattern)))
    assert paths, globs
    return paths


def _offenders(paths: list[Path], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path in paths:
        bad = sorted(m for m in _imports(path) if any(m == f or m.startswith(f + ".") for f in forbidden))
        if bad:
            out[str(path.relative_to(PACKAGE))] = bad
    return out


@pytest.mark.parametrize("module", ["runner.py", "pipeline.py", "script_host.py", "gate.py", "run_vault.py", "state.py"])
def test_the_run_core_imports_no_reporter_and_no_cli(module: str) -> None:
    assert _offenders(_modules(module), ("rqrun.reporters", "rqrun.cli", "click")) == {}


def test_only_http_py_imports_httpx() -> None:
    others = [p for p in _modules("**/*.py") if p.name != "http.py" or p.parent != PACKAGE]
    assert _offenders(others, ("httpx", "httpcore")) == {}


def test_the_sandbox_imports_nothing_from_the_vault_or_the_network() -> None:
    assert _offenders(_modules("sandbox/*.py"), ("rqrun.vault", "rqrun.run_vault", "rqrun.http", "httpx", "boto3")) == {}


def test_only_the_aws_modules_import_boto() -> None:
    others = [p for p in _modules("**/*.py") if not p.name.startswith("aws")]
    assert _offenders(others, ("boto3", "botocore")) == {}


def test_the_rule_checker_sees_lazy_imports() -> None:
    """The checker itself: an import inside a function is found, so the rules above can fail."""
    probe = PACKAGE / "runner.py"
    assert "rqrun.pipeline" in _imports(probe)
    assert any(m.startswith("rqrun.sandbox") for m in _imports(PACKAGE / "script_host.py"))  # a lazy one


def test_only_rqrun_load_imports_locust_and_gevent() -> None:
    others = [p for p in _modules("**/*.py") if PACKAGE / "load" not in p.parents]
    assert _offenders(others, ("locust", "gevent")) == {}
