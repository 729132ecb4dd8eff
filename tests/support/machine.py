"""Programs from outside Python that some tests need; the tests never install them.

``.ci/run`` installs them with apt-get before ``make test``. Under ``CI=true`` a missing one is
a test failure (the CI machine is meant to have it); elsewhere the test is skipped with the
command that installs it.
"""

from __future__ import annotations

import os
import shutil

import pytest


def in_ci() -> bool:
    """CI sets ``CI=true``."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_program(name: str, package: str) -> str:
    """The path of ``name`` (a command or an absolute path); fails in CI, else skips, when missing."""
    found = name if os.path.isabs(name) and os.access(name, os.X_OK) else shutil.which(name)
    if found:
        return found
    how = f"install it with 'apt-get install -y {package}' as root (.ci/run does this)"
    if in_ci():
        pytest.fail(f"{name} is not installed and CI=true: {how}", pytrace=False)
    pytest.skip(f"{name} is not installed: {how}")
