"""Inputs that used to crash or hang the parent: each ends with one line and its exit code.

- Variables that double at each level (a pre-request script builds a1 = "{{a0}}{{a0}}", thirty
  levels deep) fail that request at the rendering ceiling instead of building gigabytes.
- NaN, Infinity and lone surrogates in JSON inputs are exit 3 naming the file and the place;
  CSV cells such as ``inf`` stay text.
- Malformed CSV data files are exit 3 at ``file:line``.
"""

from __future__ import annotations

import pytest

from support.build import api, folder, write_collection

DOUBLING = """rq.variables.set("a0", "x" * 1000)
for i in range(1, 31):
    rq.variables.set("a%d" % i, "{{a%d}}{{a%d}}" % (i - 1, i - 1))
"""


def _one_line_error(result, code: int, *fragments: str) -> str:
    assert result.code == code, result
    assert "Traceback" not in result.output, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result
    for fragment in fragments:
        assert fragment in lines[0], result
    return lines[0]


@pytest.mark.parametrize("where", ["url", "body"])
def test_doubling_variables_fail_the_request_at_the_ceiling(run_cli, tmp_path, recording_server, where):
    url = recording_server.url + ("/{{a30}}" if where == "url" else "/body")
    body = "{{a30}}" if where == "body" else None
    path = write_collection(
        tmp_path / "c.json",
        folder("c", "API"),
        api("r", "Doubling", "c", url, method="POST", body=body, pre=DOUBLING),
        api("s", "After", "c", recording_server.url + "/after"),
    )
    result = run_cli("run", path, "-r", "cli,json", "--reporter-json-export", tmp_path / "r.json", timeout=100)
    assert result.code == 4, result
    assert "Traceback" not in result.output
    executions = result.json["executions"]
    assert executions[0]["error"]["type"] == "request"
    assert "variables expand to more than 16,777,216 characters (16 MiB) in this request" in executions[0]["error"]["message"]
    assert "{{a30}}" in executions[0]["error"]["message"]
    assert executions[0]["response"] is None
    assert executions[1]["error"] is None and executions[1]["response"]["code"] == 200
    assert recording_server.requests.paths == ["/after"]  # the doubling request never left
    assert "variables expand to more than" in result.stdout


def test_check_reports_a_collection_whose_variables_double(run_cli, tmp_path, recording_server):
    levels = {"a0": "y" * 2000} | {f"a{i}": "{{a%d}}{{a%d}}" % (i - 1, i - 1) for i in range(1, 31)}
    path = write_collection(
        tmp_path / "c.json", folder("c", "API", variables=levels), api("r", "R", "c", recording_server.url + "/{{a30}}")
    )
    result = run_cli("check", path, timeout=100)
    assert result.code == 4, result
    assert "Traceback" not in result.output
    assert result.stdout.splitlines()[0].startswith("API: 1 requests")
    assert "R: variables expand to more than 16,777,216 characters" in result.stdout
    assert len(recording_server.requests) == 0


@pytest.mark.parametrize(
    ("literal", "place"),
    [
        ("NaN", "records[0].data.variables.n.syncValue: NaN is not a finite number"),
        ("-Infinity", "records[0].data.variables.n.syncValue: -Infinity is not a finite number"),
        ("1e999", "records[0].data.variables.n.syncValue: 1e999 is not a finite number"),
        ('"\\ud800"', "records[0].data.variables.n.syncValue: text holds a lone surrogate \\ud800"),
    ],
)
def test_collection_with_non_json_values_is_exit_3(run_cli, tmp_path, recording_server, literal, place):
    path = write_collection(
        tmp_path / "c.json", folder("c", "API", variables={"n": "PLACEHOLDER"}),
        api("r", "R", "c", recording_server.url + "/{{n}}", pre="print(rq.collectionVariables.get('n'))"),
    )
    path.write_text(path.read_text().replace('"PLACEHOLDER"', literal))
    _one_line_error(run_cli("run", path, "-r", "cli,json,junit,html"), 3, f"c.json: {place}")
    assert len(recording_server.requests) == 0


@pytest.mark.parametrize(
    ("content", "place"),
    [
        ('{"baseUrl": Infinity}', "env.json: baseUrl: Infinity is not a finite number"),
        ('{"values": [{"key": "k", "value": NaN}]}', "env.json: values[0].value: NaN is not a finite number"),
        ('{"k": "ok", "\\udc80": "v"}', 'env.json: ["\\udc80"]: text holds a lone surrogate \\udc80'),
    ],
)
def test_environment_with_non_json_values_is_exit_3(run_cli, tmp_path, recording_server, content, place):
    path = write_collection(tmp_path / "c.json", folder("c", "API"), api("r", "R", "c", recording_server.url + "/"))
    env = tmp_path / "env.json"
    env.write_text(content)
    _one_line_error(run_cli("run", path, "-e", env), 3, place)
    assert len(recording_server.requests) == 0


def test_json_data_file_with_nan_is_exit_3(run_cli, tmp_path, recording_server):
    path = write_collection(
        tmp_path / "c.json", folder("c", "API"),
        api("r", "R", "c", recording_server.url + "/", pre="print(rq.iterationData.get('n'))"),
    )
    data = tmp_path / "rows.json"
    data.write_text('[{"n": 1}, {"n": NaN}]')
    _one_line_error(run_cli("run", path, "-d", data), 3, "rows.json: [1].n: NaN is not a finite number")
    assert len(recording_server.requests) == 0


def test_csv_non_finite_cells_are_sent_and_seen_as_text(run_cli, tmp_path, recording_server):
    script = 'rq.test("text", lambda: rq.expect(rq.iterationData.get("n")).to.be.a("string"))'
    path = write_collection(
        tmp_path / "c.json", folder("c", "API"),
        api("r", "R", "c", recording_server.url + "/{{n}}", pre=script),
    )
    data = tmp_path / "rows.csv"
    data.write_text("n\ninf\nnan\n-Infinity\n")
    result = run_cli("run", path, "-d", data, "-r", "cli,json", "--reporter-json-export", tmp_path / "r.json")
    assert result.code == 0, result
    assert "Traceback" not in result.output
    assert recording_server.requests.paths == ["/inf", "/nan", "/-Infinity"]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('n\n1\n"2\n3\n', "rows.csv:3: unterminated quote"),
        ("n,m\n1,a\n2\n3,c\n", "rows.csv:3: row has 1 cells but the header names 2 columns"),
        ("n,m\n1,a\n2,b,extra\n", "rows.csv:3: row has 3 cells but the header names 2 columns"),
    ],
)
def test_malformed_csv_is_exit_3_at_its_line(run_cli, tmp_path, recording_server, content, fragment):
    path = write_collection(tmp_path / "c.json", folder("c", "API"), api("r", "R", "c", recording_server.url + "/{{n}}"))
    data = tmp_path / "rows.csv"
    data.write_text(content)
    _one_line_error(run_cli("run", path, "-d", data), 3, fragment)
    assert len(recording_server.requests) == 0


@pytest.mark.parametrize("flag", ["--env-var", "--global-var"])
def test_non_utf8_variable_on_the_command_line_is_a_usage_error(run_cli, tmp_path, recording_server, flag):
    path = write_collection(
        tmp_path / "c.json", folder("c", "API"), api("r", "R", "c", recording_server.url + "/{{n}}")
    )
    # "\udcff" is how Python hands over the byte 0xff of a non-UTF-8 argument; subprocess sends the byte.
    result = run_cli("run", path, flag, "n=a\udcff", "--export-environment", tmp_path / "env.json")
    _one_line_error(result, 2, f"{flag} n=a\\udcff is not UTF-8 text")
    assert len(recording_server.requests) == 0
