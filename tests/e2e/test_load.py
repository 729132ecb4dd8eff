"""rqrun load: the collection as Locust users, in one process and as master + two workers.

Each user is bounded by ``--iterations`` so that every count below is exact whatever the
machine's speed; ``-t`` only bounds the run. Locust's CSV export is the statistics a user sees.
"""

from __future__ import annotations

import csv
import importlib.util
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from support.build import api, folder, write_collection

# Importing locust here would monkey-patch this pytest process with gevent (locust does it on
# import) and hang pytest-xdist's worker threads: only look for it.
if importlib.util.find_spec("locust") is None:
    pytest.skip("locust is not installed: pip install -e '.[test]'", allow_module_level=True)

USERS, ITERATIONS = 4, 3


def _collection(tmp_path: Path, url: str) -> Path:
    return write_collection(
        tmp_path / "load.json",
        folder("c", "Shop"),
        api("r1", "Login", "c", url + "/login", method="POST",
            post='rq.environment.set("token", rq.response.json()["token"])'),
        api("r2", "Me", "c", url + "/me", headers=[{"key": "X-Token", "value": "{{token}}", "isEnabled": True},
                                                 {"key": "X-Worker", "value": "{{worker}}", "isEnabled": True}],
            post='rq.test("authorised", lambda: rq.response.to.have.status(200))'),
        api("r3", "Broken", "c", url + "/broken", post='rq.test("is ok", lambda: rq.response.to.have.status(200))'),
    )


def _serve(server) -> None:
    server.respond("/login", body={"token": "t-123"})
    server.respond("/broken", status=500, body={"error": "boom"})


def _stats(prefix: Path) -> dict[str, dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def _check_stats(stats: dict[str, dict[str, str]], per_request: int) -> None:
    assert set(stats) == {"Login", "Me", "Broken", "Aggregated"}
    assert {name: (int(row["Request Count"]), int(row["Failure Count"])) for name, row in stats.items()} == {
        "Login": (per_request, 0),
        "Me": (per_request, 0),
        "Broken": (per_request, per_request),  # the failing rqrun test fails the request
        "Aggregated": (3 * per_request, per_request),
    }


def test_a_headless_run_reports_every_request_with_rqrun_tests_as_failures(run_cli, tmp_path, recording_server):
    _serve(recording_server)
    path = _collection(tmp_path, recording_server.url)
    result = run_cli("load", path, "-u", str(USERS), "-r", "50", "-t", "60s", "--iterations", str(ITERATIONS),
                     "--csv", tmp_path / "stats", "--env-var", "worker=solo", timeout=120)
    assert result.code == 1, result  # Locust's exit code when a request failed
    _check_stats(_stats(tmp_path / "stats"), USERS * ITERATIONS)
    me = recording_server.requests.to("/me")
    assert len(me) == USERS * ITERATIONS
    assert {r.header("X-Token") for r in me} == {"t-123"}  # the post-response script ran for each user


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_master_and_two_workers_share_the_users_and_the_stats_add_up(cli_env, tmp_path, recording_server):
    _serve(recording_server)
    path = _collection(tmp_path, recording_server.url)
    port = str(_free_port())
    rqrun = [sys.executable, "-m", "rqrun", "load", str(path)]
    common = ["--master-port", port, "--iterations", str(ITERATIONS)]
    master = subprocess.Popen(
        [*rqrun, *common, "--master", "--master-bind-host", "127.0.0.1", "--expect-workers", "2",
         "-u", str(USERS), "-r", "50", "-t", "60s", "--csv", str(tmp_path / "stats")],
        env=cli_env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    workers = [
        subprocess.Popen([*rqrun, *common, "--worker", "--master-host", "127.0.0.1", "--env-var", f"worker=w{i}"],
                         env=cli_env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for i in (1, 2)
    ]
    try:
        out, _ = master.communicate(timeout=150)
        codes = [w.wait(timeout=30) for w in workers]
    finally:
        for proc in (master, *workers):
            if proc.poll() is None:
                proc.kill()
    assert master.returncode == 1, out
    assert codes == [0, 0]
    _check_stats(_stats(tmp_path / "stats"), USERS * ITERATIONS)
    by_worker: dict[str | None, int] = {}
    for r in recording_server.requests.to("/me"):
        by_worker[r.header("X-Worker")] = by_worker.get(r.header("X-Worker"), 0) + 1
    # Locust gave each worker half the users; each user ran its iterations; the master's totals
    # are the two workers' requests together.
    assert by_worker == {"w1": USERS // 2 * ITERATIONS, "w2": USERS // 2 * ITERATIONS}


def test_without_locust_the_error_says_how_to_install_it(cli_env, tmp_path):
    code = "import sys; sys.modules['locust'] = None; from rqrun.cli.main import main; main(sys.argv[1:])"
    result = subprocess.run([sys.executable, "-c", code, "load", str(tmp_path / "any.json")],
                            env=cli_env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "rqrun: error: rqrun load needs Locust, which is not installed (pip install 'rqrun[load]')"
    ]


def test_rqrun_user_in_a_users_own_locustfile(cli_env, tmp_path, recording_server):
    _serve(recording_server)
    _collection(tmp_path, recording_server.url)
    (tmp_path / "locustfile.py").write_text(
        "from rqrun.load import RqrunUser\n\n\n"
        "class ApiUser(RqrunUser):\n"
        '    collection = "load.json"\n'
        f"    iterations = {ITERATIONS}\n"
        '    run_options = {"env_vars": {"worker": "own"}}\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "locust", "-f", "locustfile.py", "--headless", "-u", "2", "-r", "50", "-t", "60s",
         "--csv", "own", "--html", "own.html"],
        env=cli_env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1, result.stderr[-3000:]
    _check_stats(_stats(tmp_path / "own"), 2 * ITERATIONS)
    assert {r.header("X-Worker") for r in recording_server.requests.to("/me")} == {"own"}
    assert "Broken" in (tmp_path / "own.html").read_text(encoding="utf-8")


def test_a_missing_collection_or_both_roles_is_refused_before_locust_starts(run_cli, tmp_path):
    missing = run_cli("load", tmp_path / "nope.json", "-u", "1", "-t", "1s")
    assert missing.code == 3, missing
    assert missing.stderr.strip().splitlines() == [f"rqrun: error: {tmp_path / 'nope.json'}: collection file not found (check the path)"]
    both = run_cli("load", tmp_path / "nope.json", "--master", "--worker")
    assert both.code == 2, both
    assert "--master and --worker exclude each other" in both.stderr and "Locust" not in both.output
