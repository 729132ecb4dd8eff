"""Crash-safe, private files: where the vault lives, how it is locked, written and backed up.

Writes follow the POSIX recipe: a temp file in the same directory (0600), fsync, a hard link
of the current file to ``.bak`` (so a reader never finds the file missing), ``os.replace``,
fsync of the directory. Writers serialise on a sidecar lock file, never on the data file
itself, because ``os.replace`` swaps the inode a lock on the data file would sit on.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from rqrun.errors import VaultError

__all__ = [
    "rqrun_home",
    "default_vault_path",
    "backup_path",
    "read_bytes",
    "atomic_write",
    "vault_lock",
    "ensure_private_dir",
    "permission_problems",
    "create_exclusive",
    "LOCK_TIMEOUT",
]

LOCK_TIMEOUT = 10.0
_STALE_TMP_SECONDS = 3600
_POSIX = os.name == "posix"


def rqrun_home() -> Path:
    """``$RQRUN_HOME``, else the platform's user config dir for rqrun (``~/.config/rqrun`` on Linux)."""
    env = os.environ.get("RQRUN_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("rqrun", appauthor=False))


def default_vault_path() -> Path:
    return rqrun_home() / "vault.json"


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist (a vault is created on first write)."""
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise VaultError("is a directory, not a vault file", where=str(path), hint="pass a file path to --vault") from None
    except PermissionError:
        raise VaultError("cannot be read (permission denied)", where=str(path), hint="check the file's owner and mode") from None


def ensure_private_dir(directory: Path) -> None:
    """Create the directory 0700 if missing (chmod after makedirs, because the umask applies)."""
    if directory.is_dir():
        return
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if _POSIX:
            os.chmod(directory, 0o700)
    except OSError as exc:
        raise VaultError(f"cannot create the vault directory: {exc.strerror}", where=str(directory)) from None


def permission_problems(path: Path, *, is_dir: bool = False) -> list[str]:
    """Warnings for a file readable by others or owned by someone else (as ssh checks its keys)."""
    if not _POSIX:
        return []
    try:
        st = os.stat(path)
    except OSError:
        return []
    problems: list[str] = []
    kind = "directory" if is_dir else "file"
    if st.st_mode & 0o077:
        want = "0700" if is_dir else "0600"
        problems.append(
            f"{path}: {kind} mode is {stat.S_IMODE(st.st_mode):04o}, other users may read it (fix: chmod {want} {path})"
        )
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        problems.append(f"{path}: {kind} is owned by uid {st.st_uid}, not by you (uid {os.getuid()}); check who put it there")
    return problems


@contextlib.contextmanager
def vault_lock(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold ``<vault>.lock`` across a read-modify-write, so concurrent writers never lose an update."""
    import filelock

    ensure_private_dir(path.parent)
    lock_path = path.with_name(path.name + ".lock")
    lock = filelock.FileLock(str(lock_path), timeout=timeout, mode=0o600)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise VaultError(
            f"another rqrun process has held the vault lock for {timeout:.0f} s",
            where=str(path),
            hint=f"wait and retry; if no rqrun is running, delete {lock_path}",
        ) from None
    try:
        yield
    finally:
        lock.release()


def _fsync_dir(directory: Path) -> None:
    if not _POSIX:
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace(src: str, dst: Path) -> None:
    """os.replace, retried briefly on Windows where a reader or antivirus may hold ``dst`` open."""
    for attempt in range(10):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if _POSIX or attempt == 9:
                raise
            time.sleep(0.05)


def _clean_stale_tmp(directory: Path, prefix: str) -> None:
    """Remove temp files a killed writer left behind more than an hour ago."""
    cutoff = time.time() - _STALE_TMP_SECONDS
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            if entry.name.startswith(prefix) and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    if entry.stat().st_mtime < cutoff:
                        os.unlink(entry.path)


def _write_tmp(directory: Path, prefix: str, data: bytes) -> str:
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)  # 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def atomic_write(path: Path, data: bytes, *, extra_backup: Path | None = None) -> None:
    """Replace ``path`` with ``data`` atomically, keeping the previous version as ``<path>.bak``.

    Call with the vault lock held. ``extra_backup`` also keeps the old file under that name (used
    once when a migration rewrites a file in an older format).
    """
    directory = path.parent
    ensure_private_dir(directory)
    prefix = f".{path.name}."
    _clean_stale_tmp(directory, prefix)
    tmp = _write_tmp(directory, prefix, data)
    try:
        if path.exists():
            for target in filter(None, (backup_path(path), extra_backup)):
                _keep_copy(path, target, prefix)
        _replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(directory)


def _keep_copy(path: Path, target: Path, prefix: str) -> None:
    """Make ``target`` the current content of ``path`` without ever moving ``path`` away."""
    link_tmp = str(path.parent / f"{prefix}bak.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(link_tmp)
    try:
        os.link(path, link_tmp)
    except OSError:  # no hard links here (some network and FAT file systems): copy instead
        with open(path, "rb") as fh:
            link_tmp = _write_tmp(path.parent, prefix, fh.read())
    _replace(link_tmp, target)


def create_exclusive(path: Path, data: bytes) -> bool:
    """Create ``path`` (0600) with ``data`` only if it does not exist yet, atomically.

    Written to a temp file then hard-linked into place, so a concurrent reader never sees a
    half-written file. Returns False when another process created it first.
    """
    directory = path.parent
    ensure_private_dir(directory)
    tmp = _write_tmp(directory, f".{path.name}.", data)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:
            # No hard links: fall back to O_EXCL, accepting a tiny window of a partial read.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return False
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        _fsync_dir(directory)
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)

