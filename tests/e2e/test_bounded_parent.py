"""The parent stays up and small on the inputs that once crashed or bloated it (issue 11, point 6).

Each case runs the real CLI under GNU time with every reporter on and checks the documented exit
code, that every report is complete, and that the parent's peak RSS stays under 200 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from support.build import api, folder, write_collection
from support.machine import require_program

PEM = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(
    ("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + f"{i:06d}" + "bKcwggSjAgEAAoIBAQC7") for i in range(1100)
) + "\n-----END PRIVATE KEY-----"
BOMB = "\n".join(['rq.variables.set("v0", "x" * 1000)']
                 + [f'rq.variables.set("v{i}", "{{{{v{i - 1}}}}}{{{{v{i - 1}}}}}")' for i in range(1, 31)])


def _run_measured(cli_env: dict[str, str], tmp_path: Path, collection: Path, *args: str) -> tuple[int, float, str]:
    gnu_time = require_program("/usr/bin/time", "time")
    rss = tmp_path / "peak-rss"
    proc = subprocess.run(
        [gnu_time, "-f", "%M", "-o", str(rss), sys.executable, "-m", "rqrun", "run", str(collection),
         "--reporters", "cli,json,junit,html", "--reporter-json-export", str(tmp_path / "r.json"),
         "--reporter-junit-export", str(tmp_path / "r.xml"), "--reporter-html-export", str(tmp_path / "r.html"),
         *args],
        env=cli_env, cwd=tmp_path, capture_output=True, stdin=subprocess.DEVNULL, timeout=120,
    )
    peak_mb = int(rss.read_text().split()[-1]) / 1024
    return proc.returncode, peak_mb, proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")


def _reports_complete(tmp_path: Path) -> dict:
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert report["complete"] is True
    ElementTree.parse(tmp_path / "r.xml")
    assert (tmp_path / "r.html").read_text("utf-8").rstrip().endswith("</html>")
    return report


def test_a_64_kb_pem_secret_is_masked_without_crashing_the_parent(run_cli, cli_env, tmp_path, recording_server):
    assert len(PEM) > 64_000
    assert run_cli("vault", "set", "pem", "-", input=PEM).code == 0
    collection = write_collection(tmp_path / "c.json", folder("c", "PEM"), api(
        "a", "Sign", "c", recording_server.url + "/sign", method="POST", body="{{vault:pem}}",
        post='print(rq.vault.get("pem"))\nrq.test("echoed", lambda: rq.response.code == 200)'))
    code, peak_mb, output = _run_measured(cli_env, tmp_path, collection)
    assert code == 0, output
    report = _reports_complete(tmp_path)
    assert report["executions"][0]["console"] == ["********"]
    everything = output + "".join((tmp_path / n).read_text("utf-8") for n in ("r.json", "r.xml", "r.html"))
    assert "bKcwggSjAgEAAoIBAQC7" not in everything and "Traceback" not in everything
    assert peak_mb < 200, f"peak RSS {peak_mb:.0f} MB"


def test_variables_that_double_fail_their_request_and_the_parent_stays_small(cli_env, tmp_path, recording_server):
    collection = write_collection(
        tmp_path / "c.json", folder("c", "Bomb"),
        api("a", "Bomb", "c", recording_server.url + "/a", method="POST", body="{{v30}}", pre=BOMB),
        api("b", "After", "c", recording_server.url + "/b"),
    )
    code, peak_mb, output = _run_measured(cli_env, tmp_path, collection)
    assert code == 4, output
    report = _reports_complete(tmp_path)
    assert "MiB" in report["executions"][0]["error"]["message"]
    assert report["executions"][1]["response"]["code"] == 200  # the run went on
    assert peak_mb < 200, f"peak RSS {peak_mb:.0f} MB"


def test_a_send_request_loop_is_stopped_by_the_script_limit(cli_env, tmp_path, recording_server):
    recording_server.respond("/slow", delay=0.2)
    loop = f'while True:\n    rq.sendRequest("{recording_server.url}/slow")'
    collection = write_collection(tmp_path / "c.json", folder("c", "Loop"),
                                  api("a", "Loop", "c", recording_server.url + "/a", pre=loop))
    code, peak_mb, output = _run_measured(cli_env, tmp_path, collection, "--timeout-script", "500")
    assert code == 4, output
    report = _reports_complete(tmp_path)
    assert report["executions"][0]["error"]["kind"] == "timeout"
    assert recording_server.count("/slow") <= 3  # 500 ms of script time holds at most a few 200 ms calls
    assert peak_mb < 200, f"peak RSS {peak_mb:.0f} MB"


@pytest.mark.parametrize("content", ['[{"user": "\\ud800"}]', '[{"n": NaN}]'], ids=["lone-surrogate", "nan"])
def test_hostile_data_is_one_line_and_exit_3(run_cli, tmp_path, recording_server, content):
    (tmp_path / "rows.json").write_text(content, encoding="utf-8")
    collection = write_collection(tmp_path / "c.json", folder("c", "Data"), api("a", "A", "c", recording_server.url + "/a"))
    result = run_cli("run", collection, "-d", tmp_path / "rows.json")
    assert result.code == 3, result
    assert result.stderr.count("\n") == 1 and "rows.json" in result.stderr and "Traceback" not in result.stderr
