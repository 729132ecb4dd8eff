"""An unset ``{{baseUrl}}`` never becomes a host name (issue 12, point 6)."""

from __future__ import annotations

from support.build import api, folder, write_collection


def test_unset_base_url_fails_before_any_lookup_with_the_fix(run_cli, tmp_path):
    collection = write_collection(
        tmp_path / "c.json",
        folder("c", "API"),
        api("a", "One", "c", "{{baseUrl}}/users"),
        api("b", "Two", "c", "https://{{host}}:8443/items"),
        api("d", "Three", "c", "{{baseUrl}}/orders", pre='rq.environment.set("seen", 1)'),
    )
    result = run_cli("run", collection, "--reporters", "cli,json", "--reporter-json-export", tmp_path / "r.json")
    assert result.code == 4, result
    errors = [e["error"] for e in result.json["executions"]]
    assert [e["type"] for e in errors] == ["validation"] * 3
    assert errors[0]["message"] == "{{baseUrl}} is not set (pass -e FILE or --env-var baseUrl=...)"
    assert errors[1]["message"] == "{{host}} is not set (pass -e FILE or --env-var host=...)"
    assert all(e["kind"] == "unset-base-url" for e in errors)
    assert all(x["response"] is None for x in result.json["executions"])
    assert "Traceback" not in result.output


def test_base_url_given_on_the_command_line_is_used(run_cli, tmp_path, recording_server):
    collection = write_collection(tmp_path / "c.json", folder("c", "API"), api("a", "One", "c", "{{baseUrl}}/users"))
    result = run_cli("run", collection, "--env-var", f"baseUrl={recording_server.url}")
    assert result.code == 0, result
    assert recording_server.requests.paths == ["/users"]
