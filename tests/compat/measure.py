"""How many requests rqrun sends exactly as Newman 6.2.2 did, over the whole real-world corpus.

    .venv/bin/python tests/compat/measure.py [--fixtures]

Runs each Postman case the way ``test_realworld_compat.py`` does (rewritten to a local recorder,
scripts stripped, dynamic values frozen) and compares every request with ``expected/<case>.json``
under the strict comparison, with no deviation fix-ups: a deliberate difference counts as a
difference here. A request Newman sent that rqrun did not send (or the reverse) is not identical.
Requestly cases have no Newman reference and are left out; ``--fixtures`` adds the collections
written here.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from compat_kit import (  # noqa: E402
    CASES,
    FIXTURE_CASES,
    REALWORLD,
    Case,
    load_expected,
    normalise_all,
    prepare_server,
    rewrite,
)
from support.servers import RecordingServer  # noqa: E402


def measure(case: Case) -> tuple[int, int]:
    """(identical, compared) for one case; compared is the larger of the two request counts."""
    with tempfile.TemporaryDirectory(prefix="rqrun-measure-") as tmp, RecordingServer() as server:
        prepare_server(server, case)
        collection = Path(tmp) / case.collection
        collection.write_text(json.dumps(rewrite(case, server.url)), encoding="utf-8")
        argv = [sys.executable, "-m", "rqrun", "run", str(collection)]
        if case.data:
            argv += ["-d", str(REALWORLD / case.data)]
        if case.environment:
            argv += ["-e", str(REALWORLD / case.environment)]
        env = {**os.environ, "RQRUN_HOME": str(Path(tmp) / "home"), "NO_COLOR": "1"}
        subprocess.run(argv, cwd=tmp, capture_output=True, env=env, timeout=300, check=False)
        got = normalise_all(server.requests.snapshot(), case)
    want = load_expected(case)["requests"]
    # Paired in order, so that one request left out does not shift every later one.
    matcher = difflib.SequenceMatcher(a=[json.dumps(w, sort_keys=True) for w in want],
                                      b=[json.dumps(g, sort_keys=True) for g in got], autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return same, max(len(want), len(got))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--fixtures", action="store_true", help="add the collections written here")
    args = parser.parse_args()
    cases = [c for c in CASES if c.is_postman] + (list(FIXTURE_CASES) if args.fixtures else [])
    total_same = total = 0
    for case in cases:
        same, count = measure(case)
        total_same += same
        total += count
        print(f"{case.name:45} {same:4} / {count:4}")
    print(f"{'all':45} {total_same:4} / {total:4} = {100 * total_same / max(total, 1):.1f}% identical")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
