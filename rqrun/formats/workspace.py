"""Requestly local-workspace folders (the desktop app's on-disk format) into the model.

Layout, per the desktop app's local sync: ``requestly.json`` at the top; each collection is a
folder holding ``vars.json`` (``{key: {id, value, type, isSecret}}``), ``auth.json``,
``README.md`` (its description), one JSON file per request (``{name, rank?, request: {...,
auth, scripts}}``) with its scripts inline, as ``{"file": ...}`` or as sibling files
(``login.pre.py`` and ``login.post.py`` beside ``login.json``) and sub-folders for sub-collections; ``environments/*.json`` beside them.
Disk order means nothing, so requests sort by ``rank`` then file name, folders by name.

A workspace is shared data like any collection: every file and folder it is made of is read
through :class:`~rqrun.files.FileAccess`, so a ``vars.json``, request file, environment or
sub-folder that is a symlink out of the workspace is refused (unless ``--insecure-file-read``),
and nothing under ``RQRUN_HOME`` is read whatever the flags.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
from pathlib import Path
from typing import Any

from rqrun.errors import InputError
from rqrun.files import FileAccess
from rqrun.formats._reading import Loc, as_dict, as_list, decode_text, parse_json, text
from rqrun.formats._warnings import check_keys
from rqrun.formats.environments import environment_from_object
from rqrun.formats.requestly import (
    REQUEST_KEYS,
    parse_auth,
    parse_request,
    parse_scripts,
    parse_variables,
    root_auth,
)
from rqrun.formats.script_files import SCRIPT_EXTENSIONS, read_script
from rqrun.model import Auth, Collection, Environment, Folder, Item, Request, Scripts, Variable

__all__ = ["load_workspace", "is_workspace"]

_CONFIG = "requestly.json"
_SPECIAL = {"vars.json", "auth.json"}
# In this format a request file holds its own auth and scripts (the desktop app's schemas.ts).
_FILE_KEYS = frozenset({"id", "name", "rank", "description", "request"})
_REQUEST_KEYS = REQUEST_KEYS | {"type", "auth", "scripts", "description"}
_CONFIG_KEYS = frozenset({"version", "exclude"})
_FIX = "pass --insecure-file-read to load files linked from outside the workspace"


class _Reader:
    """Reads the workspace's own files and folders through the run's file policy."""

    def __init__(self, root: str, files: FileAccess | None) -> None:
        # The workspace folder itself is the base: --working-dir moves a collection's upload
        # files, never the files the workspace is made of.
        policy = files if files is not None else FileAccess(root)
        self.files = dataclasses.replace(policy, collection=root, working_dir=None)
        self.root = root

    def check(self, path: str, what: str) -> None:
        """Refuse a file or folder that leads out of the workspace (or into rqrun's own files)."""
        refused = self.files.refusal(os.path.abspath(path), what=what, where=self.root, fix=_FIX)
        if refused is not None:
            raise refused

    def text(self, path: str, *, what: str, allow_empty: bool = False) -> str:
        if not os.path.lexists(path):
            raise InputError(f"{what} not found", where=path, hint="check the path")
        data = self.files.read(os.path.abspath(path), what=what, where=self.root, fix=_FIX)
        return decode_text(data, path, what=what, allow_empty=allow_empty)

    def json(self, path: str, *, what: str) -> Any:
        return parse_json(self.text(path, what=what), path)


def is_workspace(path: str | os.PathLike[str]) -> bool:
    """A directory with ``requestly.json`` at its top."""
    return os.path.isfile(os.path.join(path, _CONFIG))


class _Walker:
    """Walks the folder tree once, guarding against symlink loops and honouring ``exclude``."""

    def __init__(self, root: str, exclude: list[str], reader: _Reader) -> None:
        self.root = root
        self.reader = reader
        self.exclude = exclude
        self.visiting: set[str] = set()
        self.strip = ""  # the single root collection's folder, left out of script locations

    def excluded(self, rel: str) -> bool:
        name = rel.rsplit("/", 1)[-1]
        return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in self.exclude)

    def rel(self, path: str) -> str:
        return Path(os.path.relpath(path, self.root)).as_posix()

    def entries(self, folder: str) -> tuple[list[str], list[str]]:
        """Request files and sub-folders of ``folder``, excluded and hidden names left out."""
        try:
            names = sorted(os.listdir(folder))
        except OSError as exc:
            raise InputError(f"folder cannot be read ({exc.strerror or exc})", where=folder) from None
        files: list[str] = []
        dirs: list[str] = []
        top = os.path.abspath(folder) == os.path.abspath(self.root)
        for name in names:
            full = os.path.join(folder, name)
            if name.startswith(".") or self.excluded(self.rel(full)):
                continue
            if os.path.isdir(full):
                if not (top and name == "environments"):
                    self.reader.check(full, "folder")
                    dirs.append(full)
            elif name.lower().endswith(".json") and name not in _SPECIAL and not (top and name == _CONFIG):
                files.append(full)
        return files, dirs

    def request(self, file: str) -> tuple[tuple[int, str, str], Request]:
        """One request file, with its sort key."""
        doc = as_dict(self.reader.json(file, what="request file"), Loc(file))
        loc = Loc(file)
        check_keys(doc, loc, _FILE_KEYS, {"requests": "request"})
        rloc = loc.key("request")
        req = as_dict(doc.get("request"), rloc) if doc.get("request") is not None else {}
        rank = doc.get("rank")
        name = text(doc.get("name"), loc.key("name")) or Path(file).stem
        rel = self.rel(file)
        where = rel[: -len(".json")] if rel.lower().endswith(".json") else rel
        where = "/".join([*where.split("/")[:-1], name])
        if self.strip and where.startswith(self.strip):
            where = where[len(self.strip):]
        request = parse_request(
            rid=rel,
            name=name,
            kind_value=req.get("type"),
            req_value=req,
            loc=rloc,
            auth=parse_auth(req.get("auth"), rloc.key("auth"), "inherit"),
            scripts=self.sibling_scripts(
                file, parse_scripts(req.get("scripts"), rloc.key("scripts"), where,
                                    base_dir=os.path.dirname(os.path.abspath(file)), root=os.path.abspath(self.root))),
            description=text(req.get("description", doc.get("description")), rloc.key("description")),
            base_dir=os.path.dirname(os.path.abspath(file)),
            known_keys=_REQUEST_KEYS,
        )
        key = (0 if rank is not None else 1, text(rank, loc.key("rank")) if rank is not None else "", os.path.basename(file))
        return key, request

    def sibling_scripts(self, file: str, scripts: Scripts) -> Scripts:
        """``login.pre.py`` / ``login.post.py`` (or ``.js``) beside ``login.json`` are its scripts.

        A phase may come from the request file or from a sibling, not both: two sources for one
        script would leave the reader guessing which one runs.
        """
        stem = os.path.abspath(file)[: -len(".json")]
        for phase, attr in (("pre", "pre_request"), ("post", "post_response")):
            for ext in SCRIPT_EXTENSIONS:
                sibling = f"{stem}.{phase}{ext}"
                if not os.path.lexists(sibling):
                    continue
                loc = Loc(file, f"request.scripts.{'preRequest' if phase == 'pre' else 'postResponse'}")
                if getattr(scripts, attr) is not None:
                    raise loc.error(f"script given twice: here and in {os.path.basename(sibling)}",
                                    hint="keep one of the two")
                setattr(scripts, attr, read_script(sibling, loc, root=os.path.abspath(self.root)))
        return scripts

    def items(self, folder: str) -> list[Item]:
        """Requests (by rank, then name) and then sub-collections (by name)."""
        real = os.path.realpath(folder)
        if real in self.visiting:
            raise InputError("folder cycle: this folder links back to one of its parents", where=folder)
        self.visiting.add(real)
        try:
            files, dirs = self.entries(folder)
            requests = sorted((self.request(f) for f in files), key=lambda pair: pair[0])
            items: list[Item] = [r for _, r in requests]
            items.extend(self.folder(d) for d in dirs)
            return items
        finally:
            self.visiting.discard(real)

    def folder(self, folder: str) -> Folder:
        """A collection folder: its variables, auth, description and items."""
        vars_file = os.path.join(folder, "vars.json")
        auth_file = os.path.join(folder, "auth.json")
        readme = os.path.join(folder, "README.md")
        variables: list[Variable] = []
        if os.path.isfile(vars_file):
            variables = parse_variables(self.reader.json(vars_file, what="variables file"), Loc(vars_file))
        auth = Auth("inherit")
        if os.path.isfile(auth_file):
            auth = parse_auth(self.reader.json(auth_file, what="auth file"), Loc(auth_file), "inherit")
        description = ""
        if os.path.isfile(readme):
            description = self.reader.text(readme, what="README", allow_empty=True).strip()
        return Folder(self.rel(folder), os.path.basename(os.path.normpath(folder)), self.items(folder),
                      variables, auth, description=description)


def _environments(root: str, reader: _Reader) -> list[Environment]:
    """``environments/*.json``, ``global.json`` marked global; sorted by file name."""
    env_dir = os.path.join(root, "environments")
    if not os.path.isdir(env_dir):
        return []
    reader.check(env_dir, "folder")
    result: list[Environment] = []
    for name in sorted(os.listdir(env_dir)):
        if name.startswith(".") or not name.lower().endswith(".json"):
            continue
        file = os.path.join(env_dir, name)
        doc = reader.json(file, what="environment file")
        env = environment_from_object(doc, Loc(file), default_name=Path(name).stem)
        if name.lower() == "global.json":
            env.is_global = True
        result.append(env)
    return result


def _config(root: str, reader: _Reader) -> list[str]:
    """The ``exclude`` patterns from ``requestly.json`` (``{version, exclude?}``)."""
    file = os.path.join(root, _CONFIG)
    loc = Loc(file)
    try:
        doc: Any = reader.json(file, what="workspace config")
    except InputError as exc:
        if exc.message == "workspace config is empty":
            return []
        raise
    config = as_dict(doc, loc)
    check_keys(config, loc, _CONFIG_KEYS)
    raw = config.get("exclude")
    if raw is None:
        return []
    return [text(p, loc.key("exclude").at(i)) for i, p in enumerate(as_list(raw, loc.key("exclude")))]


def load_workspace(path: str, files: FileAccess | None = None) -> Collection:
    """The workspace as one Collection; a single collection folder with no loose requests *is* the root.

    ``files`` is the run's file policy (``--insecure-file-read``, the vault it uses); without
    one, nothing outside the workspace is read.
    """
    if not is_workspace(path):
        raise InputError(
            "folder is not a Requestly workspace (no requestly.json)",
            where=path,
            hint="pass a collection export (.json) or a workspace folder",
        )
    reader = _Reader(os.path.abspath(path), files)
    walker = _Walker(path, _config(path, reader), reader)
    loose, dirs = walker.entries(path)
    if not loose and len(dirs) == 1:
        walker.strip = walker.rel(dirs[0]) + "/"
    items = walker.items(path)
    environments = _environments(path, reader)
    if len(items) == 1 and isinstance(items[0], Folder):
        only = items[0]
        return Collection(only.id, only.name, only.items, only.variables, root_auth(only.auth),
                          only.scripts, only.description, source=path, format="requestly-workspace",
                          environments=environments)
    name = os.path.basename(os.path.normpath(os.path.abspath(path))) or "workspace"
    return Collection(name, name, items, auth=Auth("none"), source=path,
                      format="requestly-workspace", environments=environments)
