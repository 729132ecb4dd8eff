"""Record what Newman 6.2.2 does when it runs each real-world Postman file's scripts, as
``tests/compat/expected/scripts/*.json`` (see ``scripted_kit``). Run by hand when a case or its
input changes; ``make test`` never needs Node.js::

    .venv/bin/python tests/compat/generate_scripted_expectations.py [CASE...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from scripted_kit import SCRIPTED_CASES, SCRIPTED_DIR, expected_path, mask, newman_tests, variables  # noqa: E402

from compat_kit import REALWORLD, Case, normalise_all, prepare_server, rewrite  # noqa: E402
from generate_expectations import NEWMAN_VERSION, ensure_newman  # noqa: E402
from support.servers import RecordingServer  # noqa: E402


def generate(case: Case) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="rqrun-compat-js-") as tmp, RecordingServer() as server:
        work = Path(tmp)
        prepare_server(server, case)
        collection = work / case.collection
        collection.write_text(json.dumps(rewrite(case, server.url, strip_scripts=False), indent=1), encoding="utf-8")
        argv = ["node", str(ensure_newman()), "run", str(collection), "--timeout-request", "10000",
                "--reporters", "json", "--reporter-json-export", str(work / "report.json"),
                "--export-environment", str(work / "env.json"), "--export-globals", str(work / "globals.json")]
        if case.data:
            argv += ["-d", str(REALWORLD / case.data)]
        if case.environment:
            argv += ["-e", str(REALWORLD / case.environment)]
        proc = subprocess.run(argv, cwd=work, capture_output=True, text=True, timeout=300)
        if proc.returncode not in (0, 1):  # 1: some tests failed, which is part of the expectation
            sys.stderr.write(proc.stdout + proc.stderr)
            raise SystemExit(f"{case.name}: newman exited {proc.returncode}")
        report = json.loads((work / "report.json").read_text(encoding="utf-8"))
        return {
            "collection": case.collection,
            "data": case.data,
            "reference": f"newman {NEWMAN_VERSION}, scripts run",
            "requests": mask(normalise_all(server.requests.snapshot(), case), server.url),
            "tests": mask(newman_tests(report), server.url),
            "environment": variables(work / "env.json", server.url),
            "globals": variables(work / "globals.json", server.url),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("cases", nargs="*")
    args = parser.parse_args(argv)
    chosen = [c for c in SCRIPTED_CASES if not args.cases or c.name in args.cases]
    SCRIPTED_DIR.mkdir(parents=True, exist_ok=True)
    for case in chosen:
        doc = generate(case)
        expected_path(case).write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{case.name}: {len(doc['requests'])} requests, {len(doc['tests'])} tests")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
