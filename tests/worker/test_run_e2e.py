"""run-once against a real Odoo 18: a dry run reads, matches and measures
but writes nothing; rejected rows go to the rejects file while the good ones
land; the summary of a run that fails midway counts what Odoo holds; a run
longer than its lease keeps the lock. (Skipped without Odoo, like the other
end-to-end tests.)"""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import start_odoo
from test_cli import cli_process
from test_runner import e2e_settings, months_back, run_real, write_csv

from sync_worker.cli import print_report
from sync_worker.odoo import connect
from sync_worker.runner import CONTRIBUTIONS, Runner
from sync_worker.state import SyncState

# What a run writes in Odoo.
WRITTEN_MODELS = ("trainlink.kpi.value", "trainlink.contribution", "trainlink.sync.run")
BADGES = ("RUNTRAINEE", "RUNPEER1", "RUNPEER2")


@pytest.fixture(scope="module")
def shop(odoo_server, tmp_path_factory):
    """A KPI, a department of three, a training completed four months ago by
    one of them, and the three people's monthly revenue around it, stored by
    a real run."""
    admin = odoo_server.admin()
    kpi = admin.call(
        "trainlink.kpi",
        "create",
        {"code": "RUN_REV", "name": "Run revenue", "aggregation": "sum"},
    )
    department = admin.call("hr.department", "create", {"name": "Run Sales"})
    employees = dict(
        zip(
            BADGES,
            admin.call(
                "hr.employee",
                "create",
                [
                    {"name": badge, "barcode": badge, "department_id": department}
                    for badge in BADGES
                ],
            ),
            strict=True,
        )
    )
    course = admin.call(
        "trainlink.course",
        "create",
        {
            "name": "Run Selling",
            "baseline_window_months": 3,
            "kpi_window_months": 3,
            "module_ids": [
                (0, 0, {"name": "All", "kpi_line_ids": [(0, 0, {"kpi_id": kpi})]})
            ],
        },
    )
    completion = months_back(date.today(), 4, on_day=11)
    session = admin.call(
        "trainlink.session",
        "create",
        {
            "course_id": course,
            "date_start": completion.isoformat(),
            "date_end": completion.isoformat(),
        },
    )
    attendance = admin.call(
        "trainlink.attendance",
        "create",
        {"session_id": session, "employee_id": employees["RUNTRAINEE"]},
    )
    admin.call("trainlink.attendance", "action_mark_present", [attendance])
    admin.call("trainlink.attendance", "action_complete", [attendance])
    work = tmp_path_factory.mktemp("shop")
    history = work / "history.csv"
    write_csv(
        history,
        [
            (
                f"h{badge}{offset}",
                badge,
                months_back(completion, -offset, 15),
                100,
                "RUN_REV",
            )
            for badge in BADGES
            for offset in (-3, -2, -1, 1, 2, 3)
        ],
    )
    settings = e2e_settings(
        odoo_server, work, history, "run_history", start=months_back(completion, 3)
    )
    loaded = run_real(settings, contributions=False)
    assert loaded.exit_code() == 0, loaded
    return {"admin": admin, "employee": employees, "attendance": attendance}


def worker_config(odoo_server, tmp_path, csv_path, name) -> Path:
    """A TOML configuration file for the command line: one CSV source."""
    path = tmp_path / "worker.toml"
    path.write_text(
        f'odoo_url = "{odoo_server.url}"\nodoo_db = "{odoo_server.db}"\n'
        f'odoo_login = "{odoo_server.sync_login}"\n'
        f'state_path = "{tmp_path / "state.json"}"\nmax_attempts = 1\n\n'
        f'[[sources]]\nname = "{name}"\nkind = "csv"\nkpi_column = "kpi"\n'
        "start = 2020-01-01\n"
        f'options = {{ path = "{csv_path}" }}\n'
        "columns = { record_id = 'id', employee_key = 'badge', date = 'day', "
        "value = 'amount' }\n"
    )
    return path


def record_counts(admin) -> dict[str, int]:
    return {model: admin.call(model, "search_count", []) for model in WRITTEN_MODELS}


def summary_line(out: str, source: str) -> list[str]:
    """A source's line of the run summary: name, read, sent, created,
    updated, unchanged, rejected, then ok or FAILED: why."""
    (line,) = [x for x in out.splitlines() if x.split()[:1] == [source]]
    return line.split()


def stored(admin, source: str) -> dict[str, float]:
    return {
        row["external_key"]: row["value"]
        for row in admin.search_read(
            "trainlink.kpi.value", [("source", "=", source)], ["external_key", "value"]
        )
    }


def short_lease(erp):
    """The worker's lock taken (and renewed) for one second instead of its
    configured lease: the test can let it run out during the run."""
    take, renew = erp.acquire_lock, erp.renew_lock
    erp.acquire_lock = lambda holder, lease_seconds: take(holder, 1)
    erp.renew_lock = lambda token, lease_seconds: renew(token, 1)
    return erp


@pytest.mark.odoo
def test_e2e_dry_run_reads_matches_and_measures_but_writes_nothing(
    odoo_server, shop, tmp_path
):
    admin, employee = shop["admin"], shop["employee"]
    csv_path = tmp_path / "dry.csv"
    write_csv(
        csv_path,
        [
            ("d1", "RUNPEER1", "2024-06-03", 5, "RUN_REV"),
            ("d2", "RUNPEER2", "2024-06-04", 7, "RUN_REV"),
            ("d3", "RUNPEER2", "2024-06-20", 1, "RUN_REV"),
        ],
    )
    config = worker_config(odoo_server, tmp_path, csv_path, "run_dry")
    before = record_counts(admin)

    dry = cli_process(config, odoo_server.sync_password, "run-once", "--dry-run")

    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert record_counts(admin) == before, "nothing written in Odoo"
    assert not (tmp_path / "state.json").exists(), "cursors not moved"
    out = dry.stdout
    assert "dry run: nothing was written to Odoo" in out
    assert summary_line(out, "run_dry")[1:3] == ["3", "2"], "read 3, would send 2"
    assert "would send 2 rows to trainlink.kpi.value" in out
    assert "    run_dry: 2 rows" in out
    peer2 = employee["RUNPEER2"]
    assert f"'external_key': 'RUN_REV/{peer2}/2024-06-01/month'" in out
    assert "'value': 8.0" in out, "matched and aggregated: 7 + 1"
    # The completed training, measured on the values stored in Odoo.
    contributions = int(summary_line(out, CONTRIBUTIONS)[2])
    assert contributions >= 1
    assert f"would send {contributions} rows to trainlink.contribution" in out
    assert f"    {CONTRIBUTIONS}: {contributions} rows" in out

    real = cli_process(config, odoo_server.sync_password, "run-once")

    # The real run writes what the dry run said it would send.
    assert real.returncode == 0, real.stdout + real.stderr
    assert summary_line(real.stdout, "run_dry")[2:4] == ["2", "2"], "sent, created"
    sent = summary_line(real.stdout, CONTRIBUTIONS)[2]
    assert int(sent) == contributions
    assert stored(admin, "run_dry") == {
        f"RUN_REV/{employee['RUNPEER1']}/2024-06-01/month": 5.0,
        f"RUN_REV/{peer2}/2024-06-01/month": 8.0,
    }
    (measured,) = admin.search_read(
        "trainlink.contribution",
        [("attendance_id", "=", shop["attendance"])],
        ["baseline_value", "post_value", "peer_count"],
    )
    assert (measured["baseline_value"], measured["post_value"]) == (100.0, 100.0)
    assert measured["peer_count"] == 2


@pytest.mark.odoo
def test_e2e_rejected_rows_go_to_the_rejects_file_and_good_rows_land(
    odoo_server, shop, tmp_path
):
    admin, employee = shop["admin"], shop["employee"]
    csv_path = tmp_path / "mixed.csv"
    write_csv(
        csv_path,
        [
            ("x1", "RUNPEER1", "2024-07-03", 4, "RUN_REV"),
            ("x2", "RUNPEER1", "2024-07-04", "lots", "RUN_REV"),
            ("x3", "NOBODY77", "2024-07-05", 4, "RUN_REV"),
            ("x4", "RUNPEER2", "2024-07-06", 4, "NO_SUCH_KPI"),
            ("x5", "RUNPEER2", "2024-07-07", 1e16, "RUN_REV"),
            ("x6", "RUNPEER2", "2024-08-08", 6, "RUN_REV"),
        ],
    )
    config = worker_config(odoo_server, tmp_path, csv_path, "run_rejects")
    rejects = tmp_path / "out" / "rejects.csv"

    result = cli_process(
        config,
        odoo_server.sync_password,
        "run-once",
        "--no-contributions",
        "--rejects-file",
        str(rejects),
    )

    assert result.returncode == 1, result.stdout + result.stderr
    peer1, peer2 = employee["RUNPEER1"], employee["RUNPEER2"]
    assert stored(admin, "run_rejects") == {
        f"RUN_REV/{peer1}/2024-07-01/month": 4.0,
        f"RUN_REV/{peer2}/2024-08-01/month": 6.0,
    }
    rows = list(csv.DictReader(rejects.open(encoding="utf-8")))
    assert {row["source"] for row in rows} == {"run_rejects"}
    assert len({row["run_id"] for row in rows}) == 1
    by_id = {row["record_id"]: row for row in rows}
    refused_key = f"RUN_REV/{peer2}/2024-07-01/month"
    assert set(by_id) == {"x2", "x3", "x4", refused_key}
    assert by_id["x2"]["reason"] == "mixed.csv line 3: non-numeric value 'lots'"
    assert by_id["x3"]["reason"] == (
        "employee barcode 'NOBODY77': no active employee of your companies matches"
    )
    assert by_id["x4"]["reason"] == "unknown KPI code NO_SUCH_KPI"
    assert "refused by the ERP" in by_id[refused_key]["reason"]
    assert "out of range" in by_id[refused_key]["reason"]
    # The row as read, for IT to fix at the source and feed back.
    assert json.loads(by_id["x2"]["row"])["value"] == "lots"
    assert json.loads(by_id["x3"]["row"])["employee_key"] == "NOBODY77"
    assert json.loads(by_id["x4"]["row"])["kpi_code"] == "NO_SUCH_KPI"
    assert by_id[refused_key]["row"] == "", "an aggregated row has no row as read"
    (erp_run,) = admin.search_read(
        "trainlink.sync.run",
        [("source", "=", "run_rejects")],
        ["state", "created_count", "rejected_count"],
    )
    assert (erp_run["state"], erp_run["created_count"]) == ("done", 2)
    assert erp_run["rejected_count"] == 4


def monthly_rows(badge: str, months: int) -> list[tuple]:
    """One record a month from January 2023: as many rows to send."""
    return [
        (
            f"{badge}-{month}",
            badge,
            date(2023, month + 1, 9),
            10 * (month + 1),
            "RUN_REV",
        )
        for month in range(months)
    ]


def failed_run(report, source: str) -> tuple[list[str], dict]:
    """The failed source's summary line, and its report."""
    out = io.StringIO()
    print_report(report, out)
    (source_report,) = [s for s in report.sources if s.name == source]
    return summary_line(out.getvalue(), source), source_report


@pytest.mark.odoo
def test_e2e_a_run_refused_midway_counts_what_odoo_holds(odoo_server, shop, tmp_path):
    """The worker's lease runs out after two batches (of four) and another
    worker takes the lock, closing the run: Odoo refuses the third batch."""
    admin = shop["admin"]
    csv_path = tmp_path / "refused.csv"
    write_csv(csv_path, monthly_rows("RUNPEER1", 8))
    settings = e2e_settings(
        odoo_server, tmp_path, csv_path, "run_refused", batch_size=2
    )
    erp, other = short_lease(connect(settings)), connect(settings)
    taken = {}

    def after_batch(model, batch, batches, sent, total):
        if batch == 2:
            time.sleep(1.2)  # the worker's lease runs out
            taken.update(other.acquire_lock("host-b pid 9", 600))

    erp.progress = after_batch
    state = SyncState.load(settings.state_path)
    try:
        report = Runner(settings, erp, state).run(contributions=False)
    finally:
        if taken.get("ok"):
            other.release_lock(taken["token"])

    assert taken["ok"], taken
    line, source = failed_run(report, "run_refused")
    assert report.exit_code() == 1
    assert "is already closed" in source.error
    assert line[1:7] == ["8", "4", "4", "0", "0", "0"], line
    assert line[7] == "FAILED:"
    peer = shop["employee"]["RUNPEER1"]
    assert stored(admin, "run_refused") == {
        f"RUN_REV/{peer}/2023-{month:02d}-01/month": 10.0 * month
        for month in (1, 2, 3, 4)
    }
    (erp_run,) = admin.search_read(
        "trainlink.sync.run",
        [("id", "=", source.erp_run_id)],
        ["state", "read_count", "created_count"],
    )
    assert erp_run == {
        "id": source.erp_run_id,
        "state": "abandoned",
        "read_count": 4,
        "created_count": 4,
    }
    assert SyncState.load(settings.state_path).cursor("run_refused") is None


@pytest.mark.odoo
def test_e2e_a_run_longer_than_its_lease_keeps_the_lock_and_completes(
    odoo_server, shop, tmp_path
):
    """Four batches of 1.5 s under a 4 s lease: the worker renews it between
    batches, so a second worker started during the third is refused with
    status 4, and the run completes."""
    admin = shop["admin"]
    csv_path = tmp_path / "long.csv"
    write_csv(csv_path, monthly_rows("RUNTRAINEE", 8))
    settings = e2e_settings(odoo_server, tmp_path, csv_path, "run_long", batch_size=2)
    # The configuration takes 60 s at least; a short lease keeps the test short.
    settings = settings.model_copy(update={"lock_lease_seconds": 4})
    erp = connect(settings)
    second = []

    def after_batch(model, batch, batches, sent, total):
        time.sleep(1.5)
        if batch == 3:  # 4.5 s after the lock was taken
            second.append(run_real(settings, contributions=False))

    erp.progress = after_batch
    report = Runner(settings, erp, SyncState.load(settings.state_path)).run(
        contributions=False
    )

    (refused,) = second
    assert refused.exit_code() == 4, refused.error
    assert refused.error.startswith("another run is in progress: ")
    assert f"run {report.run_id}" in refused.locked_by
    assert not refused.sources
    assert report.exit_code() == 0, report
    (source,) = report.sources
    assert (source.rows, source.created) == (8, 8)
    assert len(stored(admin, "run_long")) == 8
    (erp_run,) = admin.search_read(
        "trainlink.sync.run", [("id", "=", source.erp_run_id)], ["state"]
    )
    assert erp_run["state"] == "done"
    free = connect(settings).acquire_lock("host-b pid 10", 60)
    assert free["ok"], "released at the end"
    connect(settings).release_lock(free["token"])


@pytest.mark.odoo
def test_e2e_the_erp_stopping_midway_counts_what_odoo_holds(
    odoo_server, shop, tmp_path
):
    """A second Odoo server on the same database, stopped after two batches
    (of four): the run ends as an ERP outage, its summary counts the rows
    Odoo holds, and the next run sends the rest."""
    admin = shop["admin"]
    csv_path = tmp_path / "stopped.csv"
    write_csv(csv_path, monthly_rows("RUNPEER2", 8))
    settings = e2e_settings(
        odoo_server,
        tmp_path,
        csv_path,
        "run_stopped",
        batch_size=2,
        max_attempts=2,
        backoff=0.01,
    )
    url, process, _log = start_odoo(
        [odoo_server.odoo_bin, *odoo_server.options], tmp_path
    )
    try:
        erp = short_lease(connect(settings.model_copy(update={"odoo_url": url})))

        def after_batch(model, batch, batches, sent, total):
            if batch == 2:
                process.terminate()
                process.wait(30)

        erp.progress = after_batch
        report = Runner(settings, erp, SyncState.load(settings.state_path)).run(
            contributions=False
        )
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)

    line, source = failed_run(report, "run_stopped")
    assert report.exit_code() == 3
    assert source.erp_failed and "cannot reach" in source.error
    assert line[1:7] == ["8", "4", "4", "0", "0", "0"], line
    peer = shop["employee"]["RUNPEER2"]
    assert set(stored(admin, "run_stopped")) == {
        f"RUN_REV/{peer}/2023-{month:02d}-01/month" for month in (1, 2, 3, 4)
    }
    (erp_run,) = admin.search_read(
        "trainlink.sync.run",
        [("id", "=", source.erp_run_id)],
        ["state", "created_count"],
    )
    assert (erp_run["state"], erp_run["created_count"]) == ("running", 4)

    time.sleep(1.2)  # the stopped worker's lease runs out
    again = run_real(settings, contributions=False)

    assert again.exit_code() == 0, again
    (source,) = again.sources
    assert (source.rows, source.created, source.unchanged) == (8, 4, 4)
    assert len(stored(admin, "run_stopped")) == 8
    (erp_run,) = admin.search_read(
        "trainlink.sync.run", [("id", "=", erp_run["id"])], ["state"]
    )
    assert erp_run["state"] == "abandoned"
