"""The false-green corpus: collections a careless runner would pass (issue 12).

Each file in ``tests/false_greens/cases/`` is one ordinary mistake: the collection and data files
it needs, the arguments, the exit code and the words a user needs to see. Every case runs through
the real CLI against a local server that answers 200 to everything; none may end green.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CASES = sorted((Path(__file__).resolve().parents[1] / "false_greens" / "cases").glob("*.json"))


def _write(path: Path, content: Any) -> None:
    text = content if isinstance(content, str) else json.dumps(content, indent=1)
    path.write_text(text, encoding="utf-8")


def test_the_corpus_holds_at_least_25_cases() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case_file", CASES, ids=[p.stem for p in CASES])
def test_a_careless_run_is_never_green(case_file: Path, run_cli, tmp_path, recording_server) -> None:
    case = json.loads(case_file.read_text(encoding="utf-8"))
    for name, content in case["files"].items():
        _write(tmp_path / name, content)
    args = [*case["args"]]
    if case.get("base_url", True):
        args += ["--env-var", f"baseUrl={recording_server.url}"]
    result = run_cli("run", tmp_path / "collection.json", *args, "--reporters", "cli", cwd=tmp_path)
    assert result.code == case["exit"], result
    assert result.code != 0
    assert case["message"] in result.output, result
    assert "Traceback" not in result.output
