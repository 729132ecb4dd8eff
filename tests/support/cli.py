"""Running the real ``rqrun`` CLI in tests: the result type and the report lookup.

The fixtures in ``tests/conftest.py`` use these; tests import them from here (several
``conftest`` modules exist, so ``from conftest import ...`` is ambiguous).
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "CliResult",
    "RunCli",
    "TEST_VAULT_KEY",
    "REPO_ROOT",
    "COLLECTIONS_DIR",
    "SCRUBBED",
    "SCRUBBED_PREFIXES",
    "report_path",
    "load_report",
]

# A fixed key so that a test can prepare a vault with one command and read it with the next.
TEST_VAULT_KEY = base64.b64encode(bytes(range(32))).decode("ascii")
REPO_ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS_DIR = REPO_ROOT / "collections"

# Inherited variables that would let a test see the developer's own setup.
SCRUBBED_PREFIXES = ("RQRUN_", "AWS_")
SCRUBBED = {"NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "PYTHON_KEYRING_BACKEND"}


@dataclass(frozen=True)
class CliResult:
    """What one ``rqrun`` process did. ``json`` is the parsed JSON report, when one was written."""

    code: int
    stdout: str
    stderr: str
    json: Any
    args: tuple[str, ...] = ()
    report_path: Path | None = None

    @property
    def output(self) -> str:
        """stdout and stderr together, for "does this text appear anywhere" checks."""
        return self.stdout + self.stderr

    def __repr__(self) -> str:  # what pytest shows when an assertion on the result fails
        return (
            f"CliResult(code={self.code}, args={list(self.args)!r},\n"
            f"--- stdout ---\n{self.stdout[-4000:]}\n--- stderr ---\n{self.stderr[-4000:]})"
        )


class RunCli(Protocol):
    def __call__(
        self,
        *args: str | os.PathLike[str],
        env: Mapping[str, str | None] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        input: str | bytes | None = None,  # noqa: A002 - mirrors subprocess.run
        timeout: float = 60,
    ) -> CliResult: ...


def report_path(args: Sequence[str], cwd: Path) -> Path | None:
    """Where the JSON report goes: ``--reporter-json-export``, or the default when ``json`` is on."""
    path: str | None = None
    reporters: list[str] = []
    for i, arg in enumerate(args):
        if arg == "--reporter-json-export" and i + 1 < len(args):
            path = args[i + 1]
        elif arg.startswith("--reporter-json-export="):
            path = arg.split("=", 1)[1]
        elif arg == "--reporters" and i + 1 < len(args):
            reporters = args[i + 1].split(",")
        elif arg.startswith("--reporters="):
            reporters = arg.split("=", 1)[1].split(",")
    if path is None and "json" in [r.strip() for r in reporters]:
        path = "rqrun-report.json"
    if path is None:
        return None
    candidate = Path(path)
    return candidate if candidate.is_absolute() else cwd / candidate


def load_report(path: Path | None) -> Any:
    if path is None or not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None  # a test asserting on .json will fail visibly; the raw file is still there
