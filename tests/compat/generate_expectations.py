"""Record what Newman 6.2.2 sends for each real-world collection, as ``tests/compat/expected/*.json``.

Run it by hand when a case is added or the inputs change (``make test`` never needs Node.js: the
JSON is committed)::

    .venv/bin/python tests/compat/generate_expectations.py            # every case
    .venv/bin/python tests/compat/generate_expectations.py adyen-capital-v1

For each Postman case it installs Newman from the npm registry into ``bench/.cache/newman/``
(ignored by git) if needed, rewrites the collection with the suite's own rewrite (every URL to a
local recording server, scripts stripped), runs Newman, and writes the normalised requests.

Newman cannot read Requestly exports: for those cases the reference is rqrun itself, run the
same way, and the written file must be read and checked by a person before it is committed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # compat_kit, and support.servers next to it

from compat_kit import (  # noqa: E402
    CASES,
    EXPECTED_DIR,
    FIXTURE_CASES,
    REALWORLD,
    REPO_ROOT,
    Case,
    normalise_all,
    prepare_server,
    rewrite,
)
from support.servers import RecordingServer  # noqa: E402

NEWMAN_VERSION = "6.2.2"
#: ``RQRUN_NEWMAN_DIR`` points at a Newman installed elsewhere (a temp folder outside the checkout).
NEWMAN_DIR = Path(os.environ.get("RQRUN_NEWMAN_DIR") or REPO_ROOT / "bench" / ".cache" / "newman")
NEWMAN_JS = NEWMAN_DIR / "node_modules" / "newman" / "bin" / "newman.js"


def ensure_newman() -> Path:
    """Newman, pinned, installed once into the ignored cache folder with the ordinary npm client."""
    if NEWMAN_JS.is_file():
        installed = json.loads((NEWMAN_JS.parents[1] / "package.json").read_text(encoding="utf-8"))["version"]
        if installed == NEWMAN_VERSION:
            return NEWMAN_JS
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise SystemExit("generating expectations needs node and npm on PATH")
    NEWMAN_DIR.mkdir(parents=True, exist_ok=True)
    manifest = NEWMAN_DIR / "package.json"
    if not manifest.exists():
        manifest.write_text('{"name": "rqrun-newman-cache", "private": true}\n', encoding="utf-8")
    subprocess.run(
        ["npm", "install", f"newman@{NEWMAN_VERSION}", "--no-save", "--no-fund", "--no-audit"],
        cwd=NEWMAN_DIR,
        check=True,
    )
    return NEWMAN_JS


def _run_newman(case: Case, collection: Path, workdir: Path) -> None:
    argv = ["node", str(ensure_newman()), "run", str(collection), "--timeout-request", "10000", "--reporters", "cli"]
    if case.data:
        argv += ["-d", str(REALWORLD / case.data)]
    if case.environment:
        argv += ["-e", str(REALWORLD / case.environment)]
    proc = subprocess.run(argv, cwd=workdir, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"{case.name}: newman exited {proc.returncode}")


def _run_rqrun(case: Case, collection: Path, workdir: Path) -> None:
    argv = [sys.executable, "-m", "rqrun", "run", str(collection)]
    if case.data:
        argv += ["-d", str(REALWORLD / case.data)]
    if case.environment:
        argv += ["-e", str(REALWORLD / case.environment)]
    env = {**os.environ, "RQRUN_HOME": str(workdir / "home"), "NO_COLOR": "1"}
    proc = subprocess.run(argv, cwd=workdir, capture_output=True, text=True, timeout=300, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"{case.name}: rqrun exited {proc.returncode}")


def generate(case: Case) -> dict[str, Any]:
    """Run the case's reference tool against a fresh recorder; return the expectation document."""
    with tempfile.TemporaryDirectory(prefix="rqrun-compat-") as tmp, RecordingServer() as server:
        workdir = Path(tmp)
        prepare_server(server, case)
        collection = workdir / case.collection
        collection.write_text(json.dumps(rewrite(case, server.url), indent=1), encoding="utf-8")
        if case.is_postman:
            _run_newman(case, collection, workdir)
            reference = f"newman {NEWMAN_VERSION}"
        else:
            _run_rqrun(case, collection, workdir)
            reference = "rqrun snapshot (Newman cannot read Requestly exports), checked by hand"
        requests = normalise_all(server.requests.snapshot(), case)
    return {
        "collection": case.collection,
        "data": case.data,
        "environment": case.environment,
        "reference": reference,
        "requests": requests,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    parser.add_argument("--postman-only", action="store_true", help="skip the Requestly snapshots")
    args = parser.parse_args(argv)
    every = (*CASES, *FIXTURE_CASES) if REALWORLD.is_dir() else FIXTURE_CASES
    chosen = [c for c in every if (not args.cases or c.name in args.cases) and (c.is_postman or not args.postman_only)]
    unknown = set(args.cases) - {c.name for c in every}
    if unknown:
        raise SystemExit(f"unknown case(s): {', '.join(sorted(unknown))}")
    EXPECTED_DIR.mkdir(parents=True, exist_ok=True)
    for case in chosen:
        doc = generate(case)
        case.expected_path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{case.name}: {len(doc['requests'])} requests ({doc['reference']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
