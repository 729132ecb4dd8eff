"""The head-to-head workload, written in both formats from one description.

Ten GET requests; with scripts, each has a pre-request script that sets a variable (used in the
URL, so the script's effect is on the wire) and a post-response script with two tests (status and
a JSON field). Newman gets a Postman v2.1 collection with JavaScript, rqrun a Requestly export
with the same logic in Python. The no-script variant drops both scripts.

Usage: python bench/workload.py OUT_DIR BASE_URL   (writes the four files, for a look by hand)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

REQUESTS = 10

__all__ = ["REQUESTS", "postman", "requestly", "write"]


def _postman_scripts(i: int) -> list[dict[str, Any]]:
    pre = [f'pm.variables.set("stamp", "r{i}-" + pm.info.iteration);']
    post = [
        'pm.test("status is 200", function () { pm.response.to.have.status(200); });',
        'pm.test("body is ok", function () { pm.expect(pm.response.json().ok).to.eql(true); });',
    ]
    return [
        {"listen": "prerequest", "script": {"type": "text/javascript", "exec": pre}},
        {"listen": "test", "script": {"type": "text/javascript", "exec": post}},
    ]


def _python_scripts(i: int) -> dict[str, str]:
    return {
        "preRequest": f'rq.variables.set("stamp", "r{i}-" + str(rq.info.iteration))',
        "postResponse": (
            'rq.test("status is 200", lambda: rq.response.to.have.status(200))\n'
            'rq.test("body is ok", lambda: rq.expect(rq.response.json()["ok"]).to.eql(True))\n'
        ),
    }


def _path(i: int, scripted: bool) -> str:
    return f"/item/{i}?stamp={{{{stamp}}}}" if scripted else f"/item/{i}"


def postman(base_url: str, scripted: bool) -> dict[str, Any]:
    """A Postman v2.1 collection for Newman."""
    items = []
    for i in range(REQUESTS):
        item: dict[str, Any] = {
            "name": f"Request {i}",
            "request": {"method": "GET", "header": [], "url": base_url + _path(i, scripted)},
        }
        if scripted:
            item["event"] = _postman_scripts(i)
        items.append(item)
    return {
        "info": {"name": "bench", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": items,
    }


def requestly(base_url: str, scripted: bool) -> dict[str, Any]:
    """A Requestly collection export for rqrun."""
    records: list[dict[str, Any]] = [
        {"id": "c", "name": "bench", "type": "collection", "collectionId": "", "deleted": False, "data": {}}
    ]
    for i in range(REQUESTS):
        data: dict[str, Any] = {
            "type": "http",
            "request": {"url": base_url + _path(i, scripted), "method": "GET", "headers": [], "queryParams": [],
                        "body": None, "contentType": "text/plain"},
        }
        if scripted:
            data["scripts"] = _python_scripts(i)
        records.append({"id": f"r{i}", "name": f"Request {i}", "type": "api", "collectionId": "c",
                        "deleted": False, "data": data})
    return {"schema_version": "1.0.0", "records": records}


def write(directory: Path, base_url: str) -> dict[tuple[str, bool], Path]:
    """Write the four files; keys are (tool, scripted)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths: dict[tuple[str, bool], Path] = {}
    for scripted in (True, False):
        suffix = "scripted" if scripted else "plain"
        paths["newman", scripted] = directory / f"bench-{suffix}.postman_collection.json"
        paths["newman", scripted].write_text(json.dumps(postman(base_url, scripted), indent=1), encoding="utf-8")
        paths["rqrun", scripted] = directory / f"bench-{suffix}.requestly.json"
        paths["rqrun", scripted].write_text(json.dumps(requestly(base_url, scripted), indent=1), encoding="utf-8")
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__.strip().splitlines()[-1])
    for (tool, scripted), path in write(Path(sys.argv[1]), sys.argv[2]).items():
        print(f"{tool:7s} {'scripted' if scripted else 'plain':8s} {path}")
