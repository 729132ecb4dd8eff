"""Environment and globals files into :class:`Environment` objects, whatever tool wrote them.

Accepted: a Requestly environment export (several environments, one may be global), one
Requestly or workspace environment object, a Postman environment or globals file, or a flat
JSON object of scalar values (the quickest thing to write by hand or in CI).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from rqrun.formats._reading import Loc, as_dict, as_list, flag, read_json, scalar, text
from rqrun.formats._warnings import check_keys
from rqrun.formats.requestly import check_schema_version, parse_variables
from rqrun.model import Environment, Variable

__all__ = ["load_environments", "environments_from_doc", "environment_from_object"]

# Keys of a Postman variable row, and of a Requestly (export or workspace) environment object.
_POSTMAN_ROW_KEYS = frozenset({"key", "value", "enabled", "disabled", "type", "description"})
_ENVIRONMENT_KEYS = frozenset({
    "id", "name", "variables", "isGlobal", "ownerId", "createdBy", "updatedBy", "createdTs", "updatedTs",
})

_EXPECTED = (
    "expected a Requestly environment export, a Postman environment or globals file, "
    "or a flat JSON object of values"
)


def _postman(doc: dict[str, Any], loc: Loc, default_name: str) -> Environment:
    """``{name, values: [{key, value, enabled, type}], _postman_variable_scope}``."""
    scope = text(doc.get("_postman_variable_scope"), loc.key("_postman_variable_scope"))
    is_global = scope == "globals"
    name = text(doc.get("name"), loc.key("name")) or ("Globals" if is_global else default_name)
    variables: list[Variable] = []
    vloc = loc.key("values")
    for i, row in enumerate(as_list(doc.get("values"), vloc)):
        rloc = vloc.at(i)
        row = as_dict(row, rloc)
        check_keys(row, rloc, _POSTMAN_ROW_KEYS, {"name": "key"})
        key = text(row.get("key"), rloc.key("key"))
        if not key:
            continue
        raw = row.get("value")
        value = raw if isinstance(raw, (str, int, float, bool)) else scalar(raw, rloc.key("value"))
        kind = text(row.get("type"), rloc.key("type"), "string")
        if kind in ("", "default", "text", "any"):
            kind = "string"
        enabled = flag(row.get("enabled"), rloc.key("enabled"), True)
        variables.append(Variable(key, "" if value is None else value, kind, enabled))
    return Environment(name, variables, is_global)


def environment_from_object(doc: object, loc: Loc, default_name: str) -> Environment:
    """One environment object: Requestly/workspace ``{name, variables, isGlobal}`` or Postman's."""
    obj = as_dict(doc, loc)
    if isinstance(obj.get("values"), list):
        return _postman(obj, loc, default_name)
    check_keys(obj, loc, _ENVIRONMENT_KEYS)
    name = text(obj.get("name"), loc.key("name")) or default_name
    variables = parse_variables(obj.get("variables"), loc.key("variables"))
    is_global = flag(obj.get("isGlobal"), loc.key("isGlobal"), False) or obj.get("id") == "global"
    return Environment(name, variables, is_global)


def _flat(doc: dict[str, Any], loc: Loc, name: str) -> Environment:
    """``{"key": value, ...}`` with scalar values only."""
    variables = []
    for key, value in doc.items():
        if isinstance(value, (dict, list)):
            raise loc.key(key).error(f"{_EXPECTED}; a flat object's values must be strings, numbers or booleans")
        variables.append(Variable(key, "" if value is None else value))
    return Environment(name, variables)


def load_environments(path: str | os.PathLike[str]) -> list[Environment]:
    """Every environment in the file, in file order (see the module docstring for the formats)."""
    name = os.fspath(path)
    doc = read_json(name, what="environment file")
    return environments_from_doc(doc, name, Path(name).stem or "environment")


def environments_from_doc(doc: object, name: str, stem: str) -> list[Environment]:
    """Every environment in a parsed document; ``name`` is what errors cite, ``stem`` the default name."""
    loc = Loc(name)
    if not isinstance(doc, dict):
        raise loc.error(_EXPECTED)
    if "environments" in doc:
        check_schema_version(doc, loc)
        check_keys(doc, loc, ("schema_version", "environments"))
        eloc = loc.key("environments")
        return [
            environment_from_object(env, eloc.at(i), f"environment {i + 1}")
            for i, env in enumerate(as_list(doc.get("environments"), eloc))
        ]
    if "values" in doc and ("_postman_variable_scope" in doc or isinstance(doc.get("values"), list)):
        return [_postman(doc, loc, stem)]
    if isinstance(doc.get("variables"), (dict, list)) and ("name" in doc or "isGlobal" in doc or "id" in doc):
        return [environment_from_object(doc, loc, stem)]
    return [_flat(doc, loc, stem)]
