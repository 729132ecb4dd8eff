"""Coverage-guided fuzzing of the loaders with atheris (optional; ``make test`` never runs it).

The hypothesis suites sample shapes a person thought of; atheris mutates bytes guided by
coverage, and so finds the branches nobody thought of. The contract is the same: whatever the
bytes, ``rqrun.formats`` returns a model or raises ``InputError``; anything else is a crash.
The first input byte picks the loader (collection, environment, data file as JSON, data file
as CSV) and the rest is the file's content. The real fixtures seed the corpus.

Run it by hand, in the project's virtualenv (atheris needs a clang-built CPython wheel)::

    .venv/bin/pip install atheris
    mkdir -p /tmp/rqrun-corpus && .venv/bin/python tests/fuzz/atheris_loaders.py --seed-corpus /tmp/rqrun-corpus
    .venv/bin/python tests/fuzz/atheris_loaders.py /tmp/rqrun-corpus -max_total_time=600 -rss_limit_mb=2048

A crash leaves ``crash-<sha1>`` in the working directory; replay it with
``.venv/bin/python tests/fuzz/atheris_loaders.py crash-<sha1>``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KINDS = (("collection", ".json"), ("environment", ".json"), ("data", ".json"), ("data", ".csv"))
_DIR = tempfile.mkdtemp(prefix="rqrun-atheris-")


def one_input(data: bytes) -> None:
    """One fuzz case: write the bytes to a file and load it with the loader the first byte picks."""
    from rqrun.errors import InputError
    from rqrun.formats import load_collection, load_data, load_environments

    if not data:
        return
    kind, suffix = KINDS[data[0] % len(KINDS)]
    path = os.path.join(_DIR, "input" + suffix)
    with open(path, "wb") as handle:
        handle.write(data[1:])
    loader = {"collection": load_collection, "environment": load_environments, "data": load_data}[kind]
    try:
        loader(path)
    except InputError:
        pass  # the one allowed failure: a clean, located error


def seed_corpus(directory: Path) -> int:
    """Write every fixture, prefixed with the byte of each loader that could read it."""
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file() or path.stat().st_size > 200_000:
            continue
        content = path.read_bytes()
        for index, (_, suffix) in enumerate(KINDS):
            if path.suffix == suffix:
                (directory / f"{path.stem}-{index}").write_bytes(bytes([index]) + content)
                count += 1
    return count


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--seed-corpus":
        print(f"wrote {seed_corpus(Path(sys.argv[2]))} seeds to {sys.argv[2]}")
        return
    try:
        import atheris
    except ImportError:
        raise SystemExit("atheris is not installed: .venv/bin/pip install atheris") from None
    with atheris.instrument_imports():
        import rqrun.formats  # noqa: F401 - instrumented for coverage
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
