"""Small builders for Requestly export records, so an end-to-end test states only what it tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["folder", "api", "write_collection", "auth", "rows"]


def auth(kind: str = "INHERIT", **config: Any) -> dict[str, Any]:
    """``auth("BEARER_TOKEN", bearer="t")``, ``auth("API_KEY", key=..., value=..., addTo="QUERY")``."""
    store = {kind: config} if config else {}
    return {"currentAuthType": kind, "authConfigStore": store}


def rows(*pairs: tuple[str, str] | tuple[str, str, bool]) -> list[dict[str, Any]]:
    out = []
    for i, pair in enumerate(pairs):
        key, value, *enabled = pair
        out.append({"id": i, "key": key, "value": value, "isEnabled": enabled[0] if enabled else True})
    return out


def folder(id: str, name: str, parent: str = "", *, variables: dict[str, Any] | None = None,
           auth_: dict[str, Any] | None = None, scripts: dict[str, str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "variables": {k: {"id": i, "syncValue": v, "type": "string"} for i, (k, v) in enumerate((variables or {}).items())},
        "auth": auth_ or auth("NO_AUTH" if not parent else "INHERIT"),
    }
    if scripts:
        data["scripts"] = scripts
    return {"id": id, "name": name, "type": "collection", "collectionId": parent, "deleted": False, "data": data}


def api(id: str, name: str, parent: str, url: str, *, method: str = "GET", headers: list | None = None,
        query: list | None = None, path_vars: list | None = None, body: Any = None,
        content_type: str = "text/plain", auth_: dict[str, Any] | None = None,
        pre: str = "", post: str = "") -> dict[str, Any]:
    return {
        "id": id,
        "name": name,
        "type": "api",
        "collectionId": parent,
        "deleted": False,
        "data": {
            "type": "http",
            "request": {
                "url": url,
                "method": method,
                "headers": headers or [],
                "queryParams": query or [],
                "pathVariables": path_vars or [],
                "body": body,
                "contentType": content_type,
            },
            "auth": auth_ or auth("INHERIT"),
            "scripts": {"preRequest": pre, "postResponse": post},
        },
    }


def write_collection(path: Path, *records: dict[str, Any]) -> Path:
    path.write_text(json.dumps({"schema_version": "1.0.0", "records": list(records)}, indent=1), encoding="utf-8")
    return path
