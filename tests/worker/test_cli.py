"""The command line: exit codes, summaries, logs without secrets, the
scheduler loop and its signals; against the local fake Odoo (a real HTTP
server) and, marked `odoo`, a real Odoo 18."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from sync_worker import cli
from sync_worker.config import load_settings
from sync_worker.runner import CONTRIBUTIONS, RunReport, SourceReport

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "pw-Xy9-secret"


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No TRAINLINK_* of the machine; the root logger as it was."""
    for name in list(os.environ):
        if name.startswith("TRAINLINK_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def sync_api(fake_odoo, kpis=("SALES_REV",), employees=None):
    """Just enough of the add-on's sync API on the fake Odoo, with the
    password PASSWORD."""
    employees = employees or {"B1": 11, "B2": 12}
    stored: dict[str, float] = {}
    fake_odoo.authenticate = lambda db, login, password: (
        7 if password == PASSWORD else False
    )
    fake_odoo.methods.update(
        {
            ("trainlink.kpi", "api_read_kpis"): lambda args, kwargs: [
                {
                    "id": index,
                    "code": code,
                    "direction": "higher",
                    "aggregation": "sum",
                    "company_id": 1,
                    "unit_value": 1.0,
                }
                for index, code in enumerate(kpis, 1)
            ],
            ("trainlink.kpi.value", "api_match_employees"): lambda args, kwargs: [
                {
                    "row": index,
                    "employee_id": employees.get(key["barcode"], False),
                    "reason": False if key["barcode"] in employees else "no match",
                }
                for index, key in enumerate(args[0])
            ],
            ("trainlink.kpi.value", "api_upsert"): lambda args, kwargs: upsert(
                stored, args[0]
            ),
            ("trainlink.sync.run", "api_start"): lambda args, kwargs: 1,
            ("trainlink.sync.lock", "api_acquire"): lambda args, kwargs: {
                "ok": True,
                "token": "t",
            },
            ("trainlink.sync.lock", "api_renew"): lambda args, kwargs: {"ok": True},
            ("trainlink.sync.lock", "api_release"): lambda args, kwargs: {"ok": True},
            ("trainlink.sync.run", "api_finish"): lambda args, kwargs: {"ok": True},
            ("trainlink.attendance", "api_read_completed"): lambda args, kwargs: [],
        }
    )
    return stored


def upsert(stored, payload):
    columns = payload["columns"]
    result = {"read": 0, "created": 0, "updated": 0, "unchanged": 0, "rejected": []}
    for values in payload["rows"]:
        row = dict(zip(columns, values, strict=True))
        result["read"] += 1
        key = row["external_key"]
        if key not in stored:
            result["created"] += 1
        elif stored[key] != row["value"]:
            result["updated"] += 1
        else:
            result["unchanged"] += 1
        stored[key] = row["value"]
    return result


def write_config(tmp_path, url, extra="", source=None) -> Path:
    (tmp_path / "sales.csv").write_text(
        "id,badge,day,amount\n1,B1,2024-05-03,10\n2,B2,2024-05-04,20\n"
    )
    source = source or (
        'name = "sales"\nkind = "csv"\nkpi_code = "SALES_REV"\n'
        "start = 2024-01-01\n"
        f'options = {{ path = "{tmp_path / "sales.csv"}" }}\n'
        "columns = { record_id = 'id', employee_key = 'badge', date = 'day', "
        "value = 'amount' }\n"
    )
    path = tmp_path / "worker.toml"
    path.write_text(
        f'odoo_url = "{url}"\nodoo_db = "db"\nodoo_login = "sync"\n'
        f'state_path = "{tmp_path / "state.json"}"\nmax_attempts = 2\n'
        f"backoff = 0.01\n{extra}\n[[sources]]\n{source}"
    )
    return path


def run(*argv, password=PASSWORD) -> int:
    if password is not None:
        os.environ["TRAINLINK_ODOO_PASSWORD"] = password
    try:
        return cli.main([str(arg) for arg in argv])
    finally:
        os.environ.pop("TRAINLINK_ODOO_PASSWORD", None)


# ------------------------------------------------------------ run-once --


def test_run_once_syncs_prints_a_summary_and_exits_0(fake_odoo, tmp_path, capsys):
    stored = sync_api(fake_odoo)
    config = write_config(tmp_path, fake_odoo.url)

    assert run("run-once", "--config", config) == 0

    out = capsys.readouterr().out
    assert "exit status 0" in out
    assert "sales" in out and "contributions" in out
    assert stored == {
        "SALES_REV/11/2024-05-01/month": 10.0,
        "SALES_REV/12/2024-05-01/month": 20.0,
    }
    assert json.loads((tmp_path / "state.json").read_text())["sources"] == {
        "sales": {"cursor": "2024-05-04"}
    }

    assert run("run-once", "--config", config, "--no-contributions") == 0
    out = capsys.readouterr().out
    line = [x for x in out.splitlines() if x.strip().startswith("sales")][0]
    assert line.split()[1:7] == ["2", "2", "0", "0", "2", "0"]
    assert "contributions" not in out


def test_rejected_rows_exit_1_and_are_listed_with_their_reason(
    fake_odoo, tmp_path, capsys
):
    sync_api(fake_odoo, employees={"B1": 11})
    config = write_config(tmp_path, fake_odoo.url)

    assert run("run-once", "--config", config) == 1

    out = capsys.readouterr().out
    assert "rejected:" in out
    assert "sales 2: employee barcode 'B2': no match" in out


def test_a_failed_source_exits_1(fake_odoo, tmp_path, capsys):
    sync_api(fake_odoo)
    config = write_config(tmp_path, fake_odoo.url)
    (tmp_path / "sales.csv").unlink()
    assert run("run-once", "--config", config) == 1
    assert "FAILED: source 'sales': file or folder" in capsys.readouterr().out


def test_only_the_named_source_and_since(fake_odoo, tmp_path, capsys):
    sync_api(fake_odoo)
    config = write_config(tmp_path, fake_odoo.url)
    assert (
        run(
            "run-once", "--config", config, "--source", "sales", "--since", "2024-05-04"
        )
        == 0
    )
    assert run("run-once", "--config", config, "--source", "nope") == 2
    assert "no source named nope" in capsys.readouterr().err


def test_dry_run_reads_and_measures_but_writes_nothing(fake_odoo, tmp_path, capsys):
    stored = sync_api(fake_odoo)
    config = write_config(tmp_path, fake_odoo.url)

    assert run("run-once", "--config", config, "--dry-run") == 0

    out = capsys.readouterr().out
    assert "dry run: nothing was written" in out
    assert "would send 2 rows to trainlink.kpi.value" in out
    assert "SALES_REV/11/2024-05-01/month" in out, "a sample of the rows"
    written = {
        params[4]
        for _path, method, params in fake_odoo.requests
        if method == "execute_kw"
    }
    assert "api_match_employees" in written, "employees are matched for real"
    assert not written & {"api_upsert", "api_start", "api_finish", "api_acquire"}
    assert stored == {}
    assert not (tmp_path / "state.json").exists(), "cursors not moved"


def test_the_summary_tells_the_trainings_left_alone_and_how_to_remeasure(capsys):
    report = RunReport(
        "r1", datetime.now(), sources=[SourceReport(CONTRIBUTIONS, skipped=1980)]
    )
    cli.print_report(report)
    out = capsys.readouterr().out
    assert (
        "contributions: 1980 trainings left alone, their inputs unchanged since "
        "they were last measured (--remeasure measures them again)"
    ) in out
    args = cli.build_parser().parse_args(["run-once", "--remeasure"])
    assert args.remeasure is True


def test_rejected_rows_go_to_the_rejects_file_with_the_row_as_read(
    fake_odoo, tmp_path, capsys
):
    import csv

    sync_api(fake_odoo, employees={"B1": 11})  # B2 is nobody
    config = write_config(tmp_path, fake_odoo.url)
    rejects = tmp_path / "out" / "rejects.csv"

    assert run("run-once", "--config", config, "--rejects-file", rejects) == 1
    assert run("run-once", "--config", config, "--rejects-file", rejects) == 1

    rows = list(csv.DictReader(rejects.open(encoding="utf-8")))
    assert len(rows) == 2, "one per run, appended under one header"
    first = rows[0]
    assert (first["source"], first["record_id"]) == ("sales", "2")
    assert "no match" in first["reason"]
    assert json.loads(first["row"]) == {
        "record_id": "2",
        "employee_key": "B2",
        "date": "2024-05-04",
        "value": 20.0,
        "kpi_code": "SALES_REV",
    }
    assert rows[0]["run_id"] != rows[1]["run_id"]


def test_until_ends_a_backfill_before_today(fake_odoo, tmp_path):
    stored = sync_api(fake_odoo)
    config = write_config(tmp_path, fake_odoo.url)
    # sales.csv: 10 on 2024-05-03 (B1), 20 on 2024-05-04 (B2)
    assert (
        run(
            "run-once",
            "--config",
            config,
            "--since",
            "2024-05-01",
            "--until",
            "2024-05-03",
        )
        == 0
    )
    assert list(stored.values()) == [10.0]


def test_progress_bar_redraws_one_line_per_batch():
    import io

    stream = io.StringIO()
    bar = cli.ProgressBar(stream)
    bar("trainlink.kpi.value", 1, 2, 2000, 4000)
    bar("trainlink.kpi.value", 2, 2, 4000, 4000)
    lines = stream.getvalue().split("\r")
    assert lines[1] == (
        "trainlink.kpi.value ["
        + "#" * 15
        + "-" * 15
        + "] 1/2 batches, 2,000/4,000 rows"
    )
    assert lines[2].endswith("2/2 batches, 4,000/4,000 rows\n")


# ---------------------------------------------------------- exit codes --


def test_a_missing_setting_exits_2_naming_the_field(fake_odoo, tmp_path, capsys):
    config = write_config(tmp_path, fake_odoo.url)
    assert run("run-once", "--config", config, password=None) == 2
    err = capsys.readouterr().err
    assert "odoo_password: Field required" in err
    assert "TRAINLINK_ODOO_PASSWORD" in err


def test_a_bad_value_exits_2_naming_the_field(fake_odoo, tmp_path, capsys):
    config = write_config(tmp_path, fake_odoo.url, extra="batch_size = 9999")
    assert run("check", "--config", config) == 2
    assert "batch_size: Input should be less than or equal to 5000" in (
        capsys.readouterr().err
    )


def test_config_file_from_the_environment(fake_odoo, tmp_path, monkeypatch):
    sync_api(fake_odoo)
    monkeypatch.setenv("TRAINLINK_CONFIG", str(write_config(tmp_path, fake_odoo.url)))
    assert run("check") == 0


def test_a_corrupted_state_file_exits_2(fake_odoo, tmp_path, capsys):
    sync_api(fake_odoo)
    config = write_config(tmp_path, fake_odoo.url)
    (tmp_path / "state.json").write_text("{oops")
    assert run("run-once", "--config", config) == 2
    assert "is corrupted" in capsys.readouterr().err
    assert run("schedule", "--config", config) == 2


def test_an_unreachable_erp_exits_3(tmp_path, capsys):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    config = write_config(tmp_path, url)
    assert run("run-once", "--config", config) == 3
    assert "cannot reach" in capsys.readouterr().out
    assert run("check", "--config", config) == 3


def test_a_refused_login_exits_3(fake_odoo, tmp_path, capsys):
    sync_api(fake_odoo)
    config = write_config(tmp_path, fake_odoo.url)
    assert run("run-once", "--config", config, password="wrong-password") == 3
    assert run("check", "--config", config, password="wrong-password") == 3
    assert "wrong login or password" in capsys.readouterr().out
    assert run("schedule", "--config", config, password="wrong-password") == 3


def test_missing_sync_group_exits_3_with_a_hint(fake_odoo, tmp_path, capsys):
    sync_api(fake_odoo)
    fake_odoo.script = [None, ("fault", 4, "Only the TrainLink sync user can call")]
    config = write_config(tmp_path, fake_odoo.url)
    assert run("check", "--config", config) == 3
    assert "TrainLink: Sync Worker" in capsys.readouterr().out


# --------------------------------------------------------------- check --


def test_check_lists_kpis_and_sources(fake_odoo, tmp_path, capsys):
    sync_api(fake_odoo, kpis=("SALES_REV", "CONV_RATE"))
    config = write_config(tmp_path, fake_odoo.url)

    assert run("check", "--config", config) == 0

    out = capsys.readouterr().out
    assert "logged in to" in out and "uid 7" in out
    assert "SALES_REV" in out and "CONV_RATE" in out
    assert "sales: kind csv, KPI SALES_REV, employees by barcode" in out
    assert "cursor none (first run)" in out
    assert "all good" in out


def test_check_reports_unknown_kpis_and_unusable_sources(fake_odoo, tmp_path, capsys):
    sync_api(fake_odoo, kpis=("CONV_RATE",))
    config = write_config(
        tmp_path,
        fake_odoo.url,
        source='name = "api"\nkind = "rest"\nkpi_code = "SALES_REV"\n',
    )
    assert run("check", "--config", config) == 1
    out = capsys.readouterr().out
    assert "PROBLEM: KPI SALES_REV does not exist in the ERP" in out
    assert "PROBLEM: " in out.split("does not exist")[1]  # the missing url too
    assert "2 problem(s) found" in out


# ------------------------------------------------------------- logging --


def test_logs_hold_the_run_id_and_never_the_password(fake_odoo, tmp_path, capsys):
    sync_api(fake_odoo, employees={"B1": 11})
    config = write_config(tmp_path, fake_odoo.url)

    run("run-once", "--config", config, "--log-level", "DEBUG", "--log-format", "json")

    err = capsys.readouterr().err
    entries = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert entries, err
    summary = [e for e in entries if e["event"] == "source_summary"]
    assert summary[0]["source"] == "sales"
    assert summary[0]["rejected"] == 1
    run_ids = {e["run_id"] for e in entries if e["event"] == "source_summary"}
    assert len(run_ids) == 1 and "-" not in run_ids
    assert PASSWORD not in err


def test_a_secret_that_reaches_a_log_line_is_blanked():
    formatter = cli.RedactingFormatter()
    formatter.secrets.add(PASSWORD)
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "url http://u:%s@h", (PASSWORD,), None
    )
    record.run_id = "-"
    assert PASSWORD not in formatter.format(record)
    assert "http://u:***@h" in formatter.format(record)


# ----------------------------------------------------------- schedule --


class ScriptedRunner:
    """Stands for Runner in the scheduler: raises, then returns a report."""

    outcomes: list = []
    calls = 0

    def __init__(self, settings, erp, state, stop=None):
        self.stop = stop

    def run(self):
        type(self).calls += 1
        outcome = type(self).outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        if outcome == "stop":
            self.stop.set()
        from datetime import datetime

        return RunReport("r", datetime.now())


def test_sources_with_their_own_interval_get_their_own_job(
    fake_odoo, tmp_path, monkeypatch
):
    monkeypatch.setenv("TRAINLINK_ODOO_PASSWORD", PASSWORD)
    crm = (
        'name = "crm"\nkind = "csv"\nkpi_code = "SALES_REV"\n'
        'every_minutes = 15\noptions = { path = "sales.csv" }\n'
    )
    sheets = (
        '\n[[sources]]\nname = "sheets"\nkind = "csv"\nkpi_code = "SALES_REV"\n'
        'every_minutes = 1440\noptions = { path = "sales.csv" }\n'
    )
    settings = load_settings(
        write_config(tmp_path, fake_odoo.url, source=crm + sheets), env_file=None
    )
    scheduler = cli.Scheduler(settings, erp=object(), interval_seconds=3600)
    # The contributions keep the default hour, on a job of their own.
    assert scheduler.groups() == [(3600, []), (900, ["crm"]), (86400, ["sheets"])]

    calls = []

    class Recorder:
        def __init__(self, settings, erp, state, stop=None):
            pass

        def run(self, **options):
            calls.append(options)
            return RunReport("r", datetime.now())

    scheduler.runner_factory = Recorder
    scheduler.run_job(["crm"], False)
    scheduler.run_job([], True)
    assert calls == [{"only": ["crm"], "contributions": False}, {"only": []}]


def test_without_own_intervals_one_job_runs_everything(
    fake_odoo, tmp_path, monkeypatch
):
    monkeypatch.setenv("TRAINLINK_ODOO_PASSWORD", PASSWORD)
    settings = load_settings(write_config(tmp_path, fake_odoo.url), env_file=None)
    scheduler = cli.Scheduler(settings, erp=object(), interval_seconds=600)
    assert scheduler.groups() == [(600, None)]


def test_a_job_that_raises_is_logged_and_rescheduled(
    fake_odoo, tmp_path, caplog, monkeypatch
):
    monkeypatch.setenv("TRAINLINK_ODOO_PASSWORD", PASSWORD)
    settings = load_settings(write_config(tmp_path, fake_odoo.url), env_file=None)
    ScriptedRunner.outcomes = [RuntimeError("boom"), ValueError("again"), "ok", "stop"]
    ScriptedRunner.calls = 0
    heartbeat = tmp_path / "beat" / "heartbeat"
    scheduler = cli.Scheduler(
        settings,
        erp=object(),
        heartbeat=heartbeat,
        runner_factory=ScriptedRunner,
        interval_seconds=0.05,
    )
    caplog.set_level(logging.INFO)

    thread = threading.Thread(target=scheduler.loop)
    thread.start()
    thread.join(10)

    assert not thread.is_alive()
    assert ScriptedRunner.calls == 4
    failures = [
        r for r in caplog.records if getattr(r, "event", "") == "scheduled_run_failed"
    ]
    assert [r.fields["error"] for r in failures] == ["boom", "again"]
    assert failures[0].exc_info  # unexpected errors keep their traceback
    assert heartbeat.exists()
    assert scheduler.scheduler.jobs == []  # cleared on stop
    assert [r for r in caplog.records if getattr(r, "event", "") == "schedule_stop"]


def test_schedule_stops_cleanly_on_sigterm(fake_odoo, tmp_path):
    sync_api(fake_odoo)
    config = write_config(tmp_path, fake_odoo.url)
    heartbeat = tmp_path / "heartbeat"
    env = {**os.environ, "TRAINLINK_ODOO_PASSWORD": PASSWORD, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sync_worker",
            "schedule",
            "--config",
            str(config),
            "--heartbeat-file",
            str(heartbeat),
        ],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        seen = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            seen.append(line)
            if "next_run" in line:
                break
        assert any("run_end" in line for line in seen), "".join(seen)
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, rest
    assert "stop_requested signal=SIGTERM" in rest
    assert "schedule_stop runs=1" in rest
    assert heartbeat.exists()
    assert PASSWORD not in "".join(seen) + rest


def _start_schedule(fake_odoo, tmp_path):
    sync_api(fake_odoo)
    config = write_config(tmp_path, fake_odoo.url)
    env = {**os.environ, "TRAINLINK_ODOO_PASSWORD": PASSWORD, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "sync_worker", "schedule", "--config", str(config)],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.DEVNULL,
    )


def test_schedule_stops_on_sigterm_at_any_instant(fake_odoo, tmp_path):
    """Signals at random instants (starting up, mid-run, waiting): the
    process always ends, and never needs a kill."""
    import random

    chance = random.Random(42)
    for attempt in range(12):
        folder = tmp_path / f"a{attempt}"
        folder.mkdir()
        process = _start_schedule(fake_odoo, folder)
        try:
            time.sleep(chance.uniform(0.0, 1.5))
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=15) in (0, -signal.SIGTERM), attempt
        finally:
            if process.poll() is None:
                process.kill()
                pytest.fail(f"attempt {attempt}: schedule hung after SIGTERM")


def test_a_second_signal_ends_schedule_at_once(fake_odoo, tmp_path):
    process = _start_schedule(fake_odoo, tmp_path)
    try:
        time.sleep(1.0)
        process.send_signal(signal.SIGTERM)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=5) in (0, 128 + signal.SIGTERM, 128 + signal.SIGINT)
    finally:
        if process.poll() is None:
            process.kill()


# ---------------------------------------------- against a real Odoo 18 --


def odoo_config(odoo_server, tmp_path) -> Path:
    path = tmp_path / "worker.toml"
    path.write_text(
        f'odoo_url = "{odoo_server.url}"\nodoo_db = "{odoo_server.db}"\n'
        f'odoo_login = "{odoo_server.sync_login}"\n'
        f'state_path = "{tmp_path / "state.json"}"\nmax_attempts = 1\n'
        "sources = []\n"
    )
    return path


def cli_process(config, password, *command):
    return subprocess.run(
        [sys.executable, "-m", "sync_worker", *command, "--config", str(config)],
        cwd=REPO,
        env={**os.environ, "TRAINLINK_ODOO_PASSWORD": password},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.odoo
def test_e2e_check_logs_in_as_the_portal_sync_user(odoo_server, tmp_path):
    config = odoo_config(odoo_server, tmp_path)

    good = cli_process(config, odoo_server.sync_password, "check")
    assert good.returncode == 0, good.stdout + good.stderr
    assert f"as '{odoo_server.sync_login}'" in good.stdout

    bad = cli_process(config, "not-the-password", "check")
    assert bad.returncode == 3
    assert "wrong login or password" in bad.stdout

    empty = cli_process(config, odoo_server.sync_password, "run-once")
    assert empty.returncode == 0, empty.stdout + empty.stderr


@pytest.mark.odoo
def test_e2e_docker_script_creates_the_sync_user_idempotently(odoo_server, tmp_path):
    """docker/create_sync_user.py, as odoo-init.sh runs it in the stack."""
    script = (REPO / "docker" / "create_sync_user.py").read_text()
    env = {
        **os.environ,
        "TRAINLINK_SYNC_LOGIN": "docker_sync",
        "TRAINLINK_SYNC_PASSWORD": "docker-demo-pw",
    }
    for expected in ("created", "updated"):
        result = subprocess.run(
            [odoo_server.odoo_bin, "shell", *odoo_server.options, "--no-http"],
            input=script,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert f"sync user 'docker_sync' {expected}" in result.stdout

    config = odoo_config(odoo_server, tmp_path)
    config.write_text(config.read_text().replace(odoo_server.sync_login, "docker_sync"))
    check = cli_process(config, "docker-demo-pw", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    (user,) = odoo_server.admin().search_read(
        "res.users",
        [("login", "=", "docker_sync")],
        ["share", "groups_id"],
    )
    assert user["share"] is True  # portal-type
    assert (
        odoo_server.xmlid("trainlink_performance", "group_trainlink_sync")
        in (user["groups_id"])
    )
    assert odoo_server.xmlid("base", "group_user") not in user["groups_id"]
