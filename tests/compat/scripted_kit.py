"""The Postman differential with scripts kept: what Newman 6.2.2 and rqrun do when each runs the
published collection's JavaScript as written.

Shared by ``test_scripted_compat.py`` and ``generate_scripted_expectations.py``. The rewrite is
``compat_kit``'s (URLs to the local recorder, dynamic values frozen) without stripping scripts.
Three things are compared per case: the requests the server received (order included, so
``setNextRequest`` and request changes by scripts show), every execution's test names with
pass/fail, and the environment and globals exported at the end. Values that depend on the run,
not on the tool (the recorder's port, timestamps scripts take from the clock), are masked.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from compat_kit import CASES, EXPECTED_DIR, Case

SCRIPTED_DIR = EXPECTED_DIR / "scripts"

#: The Postman cases whose files carry scripts.
SCRIPTED_CASES: tuple[Case, ...] = tuple(
    c for c in CASES if c.name in {
        "wise-payouts", "wise-connected-apps-balance", "wise-connected-apps-balance+data",
        "brightspace-notification-settings", "brightspace-test-data-setup",
        "postman-codegen-newman-basic", "postman-codegen-sample", "k6-github-graphql",
    }
)

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")


def expected_path(case: Case) -> Path:
    return SCRIPTED_DIR / f"{case.name}.json"


def mask(value: Any, base_url: str) -> Any:
    """Text as compared: the recorder's address and clock timestamps replaced by markers."""
    if isinstance(value, str):
        return _ISO.sub("<timestamp>", value.replace(base_url, "<server>").replace(base_url.split("://", 1)[1], "<host>"))
    if isinstance(value, list):
        return [mask(v, base_url) for v in value]
    if isinstance(value, dict):
        return {k: mask(v, base_url) for k, v in value.items()}
    return value


def variables(path: Path, base_url: str) -> dict[str, Any]:
    """An exported environment or globals file (Newman's and rqrun's share the Postman shape)."""
    if not path.is_file():
        return {}
    doc = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for row in doc.get("values") or []:
        value = row.get("value")
        out[row["key"]] = mask(value if isinstance(value, str) else json.dumps(value), base_url)
    return out


def newman_tests(report: dict[str, Any]) -> list[list[Any]]:
    """[item name, test name, passed/failed/skipped] for each assertion in Newman's JSON report."""
    out = []
    for execution in report["run"]["executions"]:
        for assertion in execution.get("assertions") or []:
            status = "skipped" if assertion.get("skipped") else "failed" if assertion.get("error") else "passed"
            out.append([execution["item"]["name"], assertion["assertion"], status])
    return out


def rqrun_tests(report: dict[str, Any]) -> list[list[Any]]:
    return [[e["item"]["name"], t["name"], t["status"]] for e in report["executions"] for t in e["tests"]]
