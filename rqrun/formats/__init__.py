"""Loaders: collection, environment and data files into the model in ``rqrun.model``.

The format is detected from the content, never the file name, because exports get renamed.
Every problem is an :class:`~rqrun.errors.InputError` naming the file and the place; nothing
else escapes, whatever the input (see ``_guard``).

What loads but would be dropped (an unknown key such as ``postRequest``) or runs nothing (a
collection without requests) is an :class:`InputWarning`, appended to the ``warnings`` list a
caller passes; with ``strict=True`` the first unknown key is an InputError instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from rqrun.errors import InputError
from rqrun.formats._reading import read_json
from rqrun.formats._warnings import InputWarning, collecting, grouped
from rqrun.formats.datafile import load_data as _load_data
from rqrun.formats.datafile import rows_from_doc
from rqrun.formats.environments import environments_from_doc
from rqrun.formats.environments import load_environments as _load_environments
from rqrun.formats.postman import load_postman, looks_like_postman
from rqrun.formats.requestly import load_export
from rqrun.formats.workspace import load_workspace
from rqrun.model import Collection, Environment

if TYPE_CHECKING:
    from rqrun.files import FileAccess

__all__ = [
    "load_collection", "load_environments", "load_data",
    "collection_from_object", "environments_from_object", "data_from_object",
]

_T = TypeVar("_T")

_INTERNAL_MESSAGE = "rqrun could not understand this file (a bug in rqrun's loader, please report it)"


def _guard(name: str, load: Callable[[], _T]) -> _T:
    """Run a loader so that only InputError leaves it.

    Deep nesting becomes a clear error. Anything else is a loader bug: the user still gets one
    line instead of a traceback, and the property tests check this line never appears.
    """
    try:
        return load()
    except InputError:
        raise
    except RecursionError:
        raise InputError("nested too deeply", where=name) from None
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
        raise InputError(f"{_INTERNAL_MESSAGE}: {type(exc).__name__}: {exc}", where=name) from exc


def _collection(name: str, files: FileAccess | None = None) -> Collection:
    if os.path.isdir(name):
        return load_workspace(name, files)
    doc = read_json(name, what="collection file")
    if os.path.basename(name) == "requestly.json" and isinstance(doc, dict) and "records" not in doc \
            and not looks_like_postman(doc):
        return load_workspace(os.path.dirname(name) or ".", files)  # the workspace's own config file
    return _collection_doc(name, doc, None)


def _collection_doc(name: str, doc: object, base_dir: str | None) -> Collection:
    """A parsed Requestly export or Postman collection; ``name`` is what errors cite."""
    if isinstance(doc, dict) and "records" in doc and ("schema_version" in doc or isinstance(doc["records"], list)):
        return load_export(name, doc, base_dir)
    if isinstance(doc, dict) and looks_like_postman(doc):
        return load_postman(name, doc, base_dir)
    if isinstance(doc, dict) and isinstance(doc.get("info"), dict) and "requests" in doc:
        raise InputError("Postman collection v1 is not supported", where=name,
                         hint="export it again from Postman as v2.1")
    folder = "" if base_dir is not None else ", a Requestly workspace folder,"
    raise InputError(
        "not a collection: expected a Requestly export ({\"schema_version\", \"records\"})"
        f"{folder} or a Postman v2.x collection ({{\"info\", \"item\"}})",
        where=name,
    )


def _checked(name: str, load: Callable[[], _T], warnings: list[InputWarning] | None, strict: bool,
             empty: Callable[[_T], bool] = lambda _: False, empty_message: str = "") -> _T:
    """Load with warnings collected: grouped into ``warnings``, or the first unknown key raised."""
    with collecting() as found:
        result = _guard(name, load)
    if empty(result):
        found.append(InputWarning(name, "", empty_message, "empty"))
    found = grouped(found)
    unknown = [w for w in found if w.code == "unknown-key"]
    if strict and unknown:
        first = unknown[0]
        others = len(unknown) - 1
        more = f"; {others} more unknown key{'s' if others > 1 else ''}" if others else ""
        raise InputError(first.message, where=f"{first.file}: {first.place}",
                         hint=f"--strict-input makes unknown keys errors{more}")
    if warnings is not None:
        warnings.extend(found)
    return result


def load_collection(path: str | os.PathLike[str], *, warnings: list[InputWarning] | None = None,
                    strict: bool = False, files: FileAccess | None = None) -> Collection:
    """A Requestly export, a Requestly workspace folder, or a Postman v2.0/v2.1 collection.

    ``files`` is the run's file policy for a workspace's own files (default: nothing outside
    the workspace, never rqrun's own files).
    """
    name = os.fspath(path)
    return _checked(name, lambda: _collection(name, files), warnings, strict,
                    lambda c: next(iter(c.walk()), None) is None,
                    "the collection holds no requests: nothing will run")


def load_environments(path: str | os.PathLike[str], *, warnings: list[InputWarning] | None = None,
                      strict: bool = False) -> list[Environment]:
    """Every environment in an environment or globals file (Requestly, Postman, or flat JSON)."""
    name = os.fspath(path)
    return _checked(name, lambda: _load_environments(name), warnings, strict)


def load_data(path: str | os.PathLike[str]) -> list[dict[str, object]]:
    """Iteration data rows from a CSV or JSON file."""
    name = os.fspath(path)
    return _guard(name, lambda: _load_data(name))


def collection_from_object(doc: object, name: str, base_dir: str, *, warnings: list[InputWarning] | None = None,
                           strict: bool = False) -> Collection:
    """A collection a caller holds as parsed JSON (Requestly export or Postman v2.x dict).

    ``name`` stands for the file in errors and reports; relative file paths resolve against
    ``base_dir``, since there is no file whose folder they could be relative to.
    """
    return _checked(name, lambda: _collection_doc(name, doc, base_dir), warnings, strict,
                    lambda c: next(iter(c.walk()), None) is None,
                    "the collection holds no requests: nothing will run")


def environments_from_object(doc: object, name: str, *, warnings: list[InputWarning] | None = None,
                             strict: bool = False) -> list[Environment]:
    """The environments in a parsed document: any form an environment file may take."""
    return _checked(name, lambda: environments_from_doc(doc, name, "environment"), warnings, strict)


def data_from_object(rows: object, name: str) -> list[dict[str, object]]:
    """Iteration data rows a caller holds: a list of flat dicts."""
    return _guard(name, lambda: rows_from_doc(rows, name))
