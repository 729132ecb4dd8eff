"""Environment and globals files from Requestly, Postman, workspaces, or a flat object."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rqrun.formats import load_environments

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_environments__requestly_export_with_global() -> None:
    glob, staging = load_environments(FIXTURES / "requestly" / "environments.json")
    assert (glob.name, glob.is_global) == ("Global Variables", True)
    assert [(v.key, v.value) for v in glob.variables] == [("apiVersion", "v2")]
    assert (staging.name, staging.is_global) == ("Staging", False)
    values = {v.key: v for v in staging.variables}
    assert values["timeoutMs"].value == 5000 and values["timeoutMs"].type == "number"
    assert values["password"].value == "hunter2" and values["password"].type == "secret"


def test_environments__postman_environment() -> None:
    (env,) = load_environments(FIXTURES / "postman" / "staging.postman_environment.json")
    assert env.name == "Shop staging" and not env.is_global
    values = {v.key: v for v in env.variables}
    assert values["baseUrl"].type == "string" and values["apiKey"].type == "secret"
    assert values["retries"].value == 2
    assert values["old"].enabled is False


def test_environments__postman_globals() -> None:
    (env,) = load_environments(FIXTURES / "postman" / "workspace.postman_globals.json")
    assert env.is_global and env.name == "My Workspace Globals"
    assert [(v.key, v.value) for v in env.variables] == [("region", "eu-west-1")]


def test_environments__workspace_environment_file() -> None:
    (env,) = load_environments(FIXTURES / "workspace" / "environments" / "staging.json")
    assert env.name == "Staging"
    assert {v.key: v.type for v in env.variables} == {"baseUrl": "string", "password": "secret"}


def test_environments__flat_object(tmp_path: Path) -> None:
    path = tmp_path / "ci.json"
    path.write_text(json.dumps({"baseUrl": "http://127.0.0.1:8000", "retries": 3, "debug": False, "none": None}))
    (env,) = load_environments(path)
    assert env.name == "ci" and not env.is_global
    assert [(v.key, v.value) for v in env.variables] == [
        ("baseUrl", "http://127.0.0.1:8000"), ("retries", 3), ("debug", False), ("none", "")
    ]


def test_environments__empty_flat_object_is_an_empty_environment(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("{}")
    (env,) = load_environments(path)
    assert env.variables == []


@pytest.mark.parametrize("doc", [[1, 2], "text", 3, {"a": {"nested": 1}}, {"a": [1]}])
def test_environments__other_shapes_are_refused(tmp_path: Path, doc: object) -> None:
    from rqrun.errors import InputError

    path = tmp_path / "env.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError) as info:
        load_environments(path)
    assert str(path) in info.value.one_line()
