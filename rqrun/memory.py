"""Inputs a Python caller holds instead of files: dicts, lists of rows, loaded model objects.

An object goes through the same loaders as a file, after a JSON round trip: that copies it
(the caller may change it later), and refuses what no file could hold (sets, NaN, objects)
with the same one-line :class:`InputError` a bad file gets. A loaded :class:`Collection` or
:class:`Environment` is used as it is.

A collection without a file has no folder for its relative file paths (form-data files,
binary bodies): they resolve against ``working_dir``, or the current directory, and the run's
file-read confinement (:mod:`rqrun.files`) is that folder.
"""

from __future__ import annotations

import json
import os
from typing import Any, TypeGuard

from rqrun.errors import InputError
from rqrun.formats._warnings import InputWarning
from rqrun.model import Collection, Environment
from rqrun.options import IN_MEMORY_COLLECTION, RunOptions

__all__ = ["is_path", "files_anchor", "collection_input", "environments_input", "data_input"]

IN_MEMORY_ENVIRONMENT = "<in-memory environment>"
IN_MEMORY_GLOBALS = "<in-memory globals>"
IN_MEMORY_DATA = "<in-memory data>"


def is_path(value: object) -> TypeGuard[str | os.PathLike[str]]:
    return isinstance(value, (str, os.PathLike))


def _base_dir(options: RunOptions) -> str:
    return os.path.abspath(os.path.expanduser(options.working_dir or os.getcwd()))


def files_anchor(options: RunOptions) -> str:
    """A path whose folder is where the collection's files resolve and are confined to.

    A path given is that path; a loaded collection its own file, when it has one; an object
    a pseudo file inside ``working_dir`` or the current directory.
    """
    given = options.collection
    if is_path(given):
        return os.fspath(given)
    source = getattr(given, "source", "")
    if isinstance(given, Collection) and source and os.path.exists(source):
        return source
    return os.path.join(_base_dir(options), IN_MEMORY_COLLECTION)


def _plain_json(value: object, name: str) -> Any:
    """A deep copy holding only what JSON holds; anything else is an InputError naming ``name``."""

    def refuse(obj: object) -> Any:
        raise TypeError(f"{type(obj).__name__} is not JSON data")

    try:
        text = json.dumps(value, default=refuse, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise InputError(f"not JSON data: {reason}", where=name,
                         hint="pass dicts, lists, strings, finite numbers, booleans and None") from None
    return json.loads(text)


def collection_input(options: RunOptions, warnings: list[InputWarning]) -> Collection:
    """The collection the options give, whatever form it takes."""
    from rqrun.files import FileAccess
    from rqrun.formats import collection_from_object, load_collection

    given = options.collection
    if is_path(given):
        files = FileAccess(files_anchor(options), None, options.insecure_file_read, options.vault_path)
        return load_collection(given, warnings=warnings, strict=options.strict_input, files=files)
    if isinstance(given, Collection):
        return given
    doc = _plain_json(given, IN_MEMORY_COLLECTION)
    return collection_from_object(doc, IN_MEMORY_COLLECTION, _base_dir(options), warnings=warnings,
                                  strict=options.strict_input)


def environments_input(given: object, name: str, options: RunOptions, warnings: list[InputWarning]) -> list[Environment]:
    """Every environment an ``environment`` or ``globals`` option gives."""
    from rqrun.formats import environments_from_object, load_environments

    if is_path(given):
        return load_environments(given, warnings=warnings, strict=options.strict_input)
    if isinstance(given, Environment):
        return [given]
    return environments_from_object(_plain_json(given, name), name, warnings=warnings, strict=options.strict_input)


def data_input(given: object) -> list[dict[str, Any]]:
    """The iteration data rows, from a file or from the rows themselves."""
    from rqrun.formats import data_from_object, load_data

    if is_path(given):
        return load_data(given)
    return data_from_object(_plain_json(given, IN_MEMORY_DATA), IN_MEMORY_DATA)
