"""Scripts kept in their own files: ``{"file": "login.post.py"}`` instead of an escaped string.

A collection is shared data, so a script file is confined like every other file it names
(:class:`rqrun.files.FileAccess`): a relative path below the collection's folder, with no
``~``, no ``..`` and no symlink leading out. The file's extension declares the language
(``.py`` Python, ``.js`` JavaScript); it beats the ``language`` field, as a first-line marker
does. The script's location is the file's path relative to the collection's folder, so run
errors and ``rqrun check`` say ``login.post.py:3``.
"""

from __future__ import annotations

import os
from pathlib import Path

from rqrun.errors import InputError
from rqrun.formats._reading import Loc, as_dict, text
from rqrun.formats._warnings import check_keys
from rqrun.model import Script

__all__ = ["SCRIPT_EXTENSIONS", "load_script_file", "is_file_ref"]

#: File extension -> the language name it declares.
SCRIPT_EXTENSIONS: dict[str, str] = {".py": "python", ".js": "javascript"}
_REF_KEYS = frozenset({"file"})
_HINT = "name a .py or .js file by a relative path inside the collection's folder"


def is_file_ref(value: object) -> bool:
    """A script value that names a file rather than holding the source."""
    return isinstance(value, dict)


def _checked_path(ref: str, loc: Loc) -> str:
    """``ref`` if it is a plain relative path; an error naming the rule it breaks otherwise."""
    if not ref.strip():
        raise loc.error("script file path is empty", hint=_HINT)
    if ref.startswith("~"):
        raise loc.error(f"script file {ref!r} starts with ~", hint=_HINT)
    if os.path.isabs(ref) or ref.startswith(("/", "\\")):
        raise loc.error(f"script file {ref!r} is an absolute path", hint=_HINT)
    if ".." in Path(ref.replace("\\", "/")).parts:
        raise loc.error(f"script file {ref!r} goes up a folder (..)", hint=_HINT)
    ext = os.path.splitext(ref)[1].lower()
    if ext not in SCRIPT_EXTENSIONS:
        raise loc.error(f"script file {ref!r} is neither .py nor .js", hint=_HINT)
    return ref


def load_script_file(value: object, loc: Loc, *, base_dir: str, root: str, where: str) -> Script:
    """The script ``{"file": ...}`` names, read from ``base_dir`` and confined to ``root``.

    ``where`` is the request or folder the script belongs to; it is not part of the location
    (the file is), since several requests may share one file.
    """
    obj = as_dict(value, loc)
    check_keys(obj, loc, _REF_KEYS, {"path": "file", "src": "file"})
    floc = loc.key("file")
    ref = _checked_path(text(obj.get("file"), floc), floc)
    path = os.path.normpath(os.path.join(base_dir, ref))
    return read_script(path, floc, root=root)


def read_script(path: str, loc: Loc, *, root: str) -> Script:
    """The script at ``path`` (absolute), which must lie inside ``root`` after symlinks."""
    from rqrun.files import FileAccess

    access = FileAccess(root)
    where = str(loc)
    data = access.read(path, what="script file", where=where)
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"script file {path} is not UTF-8 text", where=where) from None
    rel = Path(os.path.relpath(path, access.base)).as_posix()
    language = SCRIPT_EXTENSIONS[os.path.splitext(path)[1].lower()]
    return Script(source, language, rel, file=path)
