"""The one way rqrun writes a file: into a temporary file beside it, then ``os.replace``.

A reader (CI, a browser, the next run) therefore sees either the old file or the whole new one,
never half of one. The temporary file sits in the target's directory so the rename stays on one
file system. Files that hold credentials (cookie jars, exported environments) are given their
mode before the rename, so they never exist on disk with looser permissions. ``fsync`` is
optional: it guards against power loss, not against a killed process, and costs milliseconds.

The vault keeps its own writer (``rqrun/vault/fileio.py``): it also keeps a ``.bak`` and locks.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import IO, Self

__all__ = ["AtomicFile", "atomic_write", "write_text_atomic"]


class AtomicFile:
    """A text file written under a temporary name and moved to ``path`` by :meth:`commit`.

    ``temp_path`` names the temporary file (a report streams into ``PATH.partial`` so that a
    killed run leaves it behind to recover from); by default it is a unique hidden name in the
    same directory. ``mode`` (e.g. ``0o600``) is applied before the rename.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        temp_path: str | None = None,
        mode: int | None = None,
        fsync: bool = False,
        errors: str = "strict",
    ) -> None:
        self.path = os.path.abspath(os.fspath(path))
        directory = os.path.dirname(self.path)
        os.makedirs(directory, exist_ok=True)
        self.mode = mode
        self.fsync = fsync
        if temp_path is None:
            fd, temp_path = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(self.path)}.", suffix=".tmp")
            if mode is not None and hasattr(os, "fchmod"):  # not on Windows; chmod before the rename covers it
                os.fchmod(fd, mode)
            self.file: IO[str] = os.fdopen(fd, "w", encoding="utf-8", errors=errors, newline="\n")
        else:
            # A stale file of that name (a killed run's) is unlinked, not truncated: whoever
            # still reads it (merge-reports recovering it) keeps its content.
            try:
                os.unlink(temp_path)
            except FileNotFoundError:
                pass
            fd = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fd, mode)  # the umask may have taken bits the caller wants
            self.file = os.fdopen(fd, "w", encoding="utf-8", errors=errors, newline="\n")
        self.temp_path = temp_path
        self.done = False

    def write(self, text: str) -> None:
        self.file.write(text)

    def flush(self) -> None:
        """Hand what was written to the OS: it then survives a killed process (not a power cut)."""
        self.file.flush()

    def commit(self) -> str:
        """Flush (and fsync if asked), close and rename into place; returns the path."""
        if self.done:
            return self.path
        try:
            self.file.flush()
            if self.fsync:
                os.fsync(self.file.fileno())
            self.file.close()
            if self.mode is not None:
                os.chmod(self.temp_path, self.mode)
            os.replace(self.temp_path, self.path)
        except BaseException:
            self.discard()
            raise
        self.done = True
        return self.path

    def discard(self) -> None:
        """Close and remove the temporary file; the target is left as it was."""
        self.done = True
        try:
            self.file.close()
        except OSError:
            pass
        try:
            os.unlink(self.temp_path)
        except OSError:
            pass

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


@contextmanager
def atomic_write(
    path: str | os.PathLike[str], *, mode: int | None = None, fsync: bool = False, errors: str = "strict"
) -> Iterator[IO[str]]:
    """``with atomic_write(path) as out: out.write(...)``: the file appears whole or not at all."""
    target = AtomicFile(path, mode=mode, fsync=fsync, errors=errors)
    try:
        yield target.file
    except BaseException:
        target.discard()
        raise
    target.commit()


def write_text_atomic(path: str | os.PathLike[str], text: str, *, mode: int | None = None, fsync: bool = False) -> str:
    """Write ``text`` to ``path`` atomically; returns the absolute path."""
    target = AtomicFile(path, mode=mode, fsync=fsync)
    with target:
        target.write(text)
    return target.path
