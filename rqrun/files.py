"""Which files a collection may read, and reading them.

A collection is shared data: it must not be able to upload the user's own files. Every file it
names (form-data file parts, binary bodies) is read through :class:`FileAccess`, which allows
only regular files inside the collection's folder or ``--working-dir``, after following every
symlink. ``--insecure-file-read`` lifts that confinement, but never the second rule: nothing
under ``RQRUN_HOME`` and never the vault, its key file or its backups, wherever they live.

Loaders have already made each path absolute against the collection's folder (``~`` expanded),
so a relative path arrives here as a path below that folder; with ``--working-dir`` it is moved
below the working directory instead, as Newman resolves files against its working directory.
Nothing is looked up until the first file is read, so a run without files pays nothing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field

from rqrun.errors import FileNotAllowed, InputError

__all__ = ["FileAccess", "collection_folder"]

_FIX = "pass --working-dir DIR for a folder that holds it, or --insecure-file-read"
_OWN = "is rqrun's own (under RQRUN_HOME, or the vault and its key), which a collection may never read"
_READ_CHUNK = 1 << 20


def collection_folder(collection: str) -> str:
    """The folder a collection's files resolve against: the workspace folder, or the file's folder."""
    path = os.path.abspath(os.path.expanduser(collection))
    return path if os.path.isdir(path) else os.path.dirname(path)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


@dataclass(frozen=True)
class _Protected:
    """What no collection may read: folders (with all below), exact files, and file identities."""

    folders: tuple[str, ...]
    files: frozenset[str]
    prefixes: tuple[tuple[str, str], ...]  # (folder, name prefix): the vault's .bak, .lock, temp files
    identities: frozenset[tuple[int, int]]  # (st_dev, st_ino): hard links to the vault or its key

    def covers(self, real: str, identity: tuple[int, int]) -> bool:
        if real in self.files or identity in self.identities:
            return True
        if any(_inside(real, folder) for folder in self.folders):
            return True
        folder, name = os.path.split(real)
        return any(folder == f and name.startswith(p) for f, p in self.prefixes)


def _load_protected(vault_paths: Iterable[str | None]) -> _Protected:
    from rqrun.vault.fileio import rqrun_home
    from rqrun.vault.keys import key_file_path

    home = os.path.realpath(rqrun_home())
    files: set[str] = set()
    prefixes: list[tuple[str, str]] = []
    for given in vault_paths:
        if given:
            real = os.path.realpath(os.path.expanduser(given))
            files.add(real)
            folder, name = os.path.split(real)
            prefixes += [(folder, name + "."), (folder, f".{name}.")]  # vault.json.bak, .vault.json.x.tmp
    files.add(os.path.realpath(key_file_path()))
    identities: set[tuple[int, int]] = set()
    for path in list(files) + [f"{p}.bak" for p in files]:
        try:
            info = os.stat(path)
        except OSError:
            continue
        identities.add((info.st_dev, info.st_ino))
    return _Protected((home,), frozenset(files), tuple(prefixes), frozenset(identities))


@dataclass
class FileAccess:
    """The file-read policy of one run: where a collection's files may come from.

    ``collection`` is the collection as the user named it (file or workspace folder);
    ``vault_path`` the vault the run uses (None: the default under ``RQRUN_HOME``).
    """

    collection: str
    working_dir: str | None = None
    insecure: bool = False
    vault_path: str | None = None
    _protected: _Protected | None = field(default=None, init=False, repr=False)

    @classmethod
    def deny_all(cls) -> FileAccess:
        """A policy with no folder at all: for callers that have no collection (every read fails)."""
        return cls("")

    @property
    def base(self) -> str:
        """The folder every file must lie in (absolute, symlinks not yet followed)."""
        if self.working_dir:
            return os.path.abspath(os.path.expanduser(self.working_dir))
        return collection_folder(self.collection) if self.collection else ""

    def protected(self) -> _Protected:
        if self._protected is None:
            vaults = [self.vault_path, os.environ.get("RQRUN_VAULT")]
            if not self.vault_path:
                from rqrun.vault.fileio import default_vault_path

                vaults.append(str(default_vault_path()))
            self._protected = _load_protected(vaults)
        return self._protected

    def locate(self, path: str) -> str:
        """Where ``path`` (as the loader resolved it) is read from: moved below ``--working-dir``
        when it lies below the collection's folder."""
        if not self.working_dir or not self.collection:
            return path
        folder = collection_folder(self.collection)
        if not _inside(os.path.normpath(path), folder):
            return path
        return os.path.join(self.base, os.path.relpath(path, folder))

    def problem(self, path: str) -> str | None:
        """Why ``path`` may not be read, or None. Only the path is checked, not the file."""
        target = self.locate(path)
        real = os.path.realpath(target)
        try:
            info = os.stat(real)
            identity = (info.st_dev, info.st_ino)
        except OSError:
            identity = (-1, -1)
        if self.protected().covers(real, identity):
            return _OWN
        if self.insecure:
            return None
        base = self.base
        if not base:
            return "cannot be read: this request has no collection folder to read files from"
        if not _inside(real, os.path.realpath(base)):
            shown = "" if real == os.path.normpath(target) else f" (it leads to {real})"
            return f"is outside {base}{shown}"
        return None

    def refusal(self, path: str, *, what: str, where: str, fix: str = _FIX) -> FileNotAllowed | None:
        """The one-line error that refuses ``path``, or None when it may be read.

        ``what`` says which kind of file (``form file``), ``where`` the collection and request,
        ``fix`` the hint for a file outside (none is given for rqrun's own files).
        """
        refused = self.problem(path)
        if refused is None:
            return None
        hint = None if refused == _OWN else fix
        return FileNotAllowed(f"{what} {self.locate(path)} {refused}", where=where, hint=hint)

    def read(self, path: str, *, what: str, where: str, fix: str = _FIX) -> bytes:
        """The file's bytes; :class:`FileNotAllowed` when refused, :class:`InputError` when
        unreadable (both exit 3)."""
        refused = self.refusal(path, what=what, where=where, fix=fix)
        if refused is not None:
            raise refused
        target = self.locate(path)
        real = os.path.realpath(target)
        try:
            # O_NONBLOCK: a FIFO must not hang the run before fstat says it is no regular file.
            fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            raise InputError(f"cannot read {what} {target}: {_reason(exc)}", where=where, hint=_hint(exc)) from None
        try:
            info = os.fstat(fd)
            if self.protected().covers(real, (info.st_dev, info.st_ino)):  # swapped since the check
                raise FileNotAllowed(f"{what} {target} {_OWN}", where=where)
            if stat.S_ISDIR(info.st_mode):
                raise InputError(f"cannot read {what} {target}: it is a directory", where=where)
            if not stat.S_ISREG(info.st_mode):
                raise InputError(f"cannot read {what} {target}: not a regular file", where=where)
            with os.fdopen(fd, "rb") as handle:
                fd = -1  # the handle owns it now
                return handle.read()
        except OSError as exc:
            raise InputError(f"cannot read {what} {target}: {_reason(exc)}", where=where) from None
        finally:
            if fd >= 0:
                os.close(fd)


def _reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "it is a directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or str(exc)


def _hint(exc: OSError) -> str | None:
    if isinstance(exc, FileNotFoundError):
        return "relative paths resolve against the collection's folder, or --working-dir"
    if isinstance(exc, PermissionError):
        return "check the file's owner and mode"
    return None
