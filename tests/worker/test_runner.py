"""The runner: unit tests with a fake ERP and fake sources (the real
transform), then end-to-end runs against a real Odoo 18 (marked `odoo`)."""

from __future__ import annotations

import logging
import threading
from datetime import date

import pandas as pd
import pytest

from sync_worker import transform
from sync_worker.config import Settings, SourceConfig
from sync_worker.odoo import (
    AuthenticationError,
    ErpFault,
    ErpUnavailable,
    KpiInfo,
    UpsertSummary,
)
from sync_worker.runner import CONTRIBUTIONS, Runner, RunReport, SourceReport
from sync_worker.sources import RECORD_COLUMNS, Rejection, SourceBatch, SourceError
from sync_worker.state import SyncState

TODAY = date(2024, 6, 15)
KPIS = {
    "SALES_REV": KpiInfo(1, "SALES_REV", "higher", "sum", 1, 1.0),
    "CONV_RATE": KpiInfo(2, "CONV_RATE", "higher", "rate", 1, 1.0),
}


# ---------------------------------------------------------------- fakes --


class FakeErp:
    """The ErpClient interface over dicts, with failures on demand."""

    def __init__(self, employees=None):
        self.kpis = dict(KPIS)
        self.employees = employees or {"B1": 11, "B2": 12, "B3": 13}
        self.values: dict[str, dict] = {}  # by external key
        self.contributions: dict[tuple, dict] = {}
        self.runs: dict[int, dict] = {}
        self.attendances: list[dict] = []
        self.groups: dict[int, list[int] | Exception] = {}
        self.stored_values: list[dict] = []
        self.tells_inputs = True  # False: an add-on older than the inputs
        self.refused: set[int] = set()  # attendances whose rows are refused
        self.fail: dict[str, Exception] = {}  # method name -> error to raise
        self.calls: list[tuple] = []
        self.lock: dict | None = None  # the ERP's run lock: holder and token
        self.lock_lost = False  # renewals fail, as after an expired lease
        # The ErpClient's batching of upserts (None: one call) and hooks.
        self.batch_size: int | None = None
        self.before_batch = None
        self.progress = None

    def _enter(self, name, *args):
        self.calls.append((name, *args))
        if name in self.fail:
            raise self.fail[name]

    def read_kpis(self):
        self._enter("read_kpis")
        return self.kpis

    def match_employees(self, key_type, values):
        self._enter("match_employees", key_type, list(values))
        return {
            value: self.employees.get(value, "no active employee matches")
            for value in values
        }

    def upsert_kpi_values(self, rows, run_id, summary=None):
        return self._upsert(
            "upsert_kpi_values",
            self.values,
            lambda row: row["external_key"],
            rows,
            run_id,
            summary,
        )

    def upsert_contributions(self, rows, run_id, summary=None):
        return self._upsert(
            "upsert_contributions",
            self.contributions,
            lambda row: (row["attendance_id"], row["kpi_code"], row["post_start"]),
            rows,
            run_id,
            summary,
        )

    def _upsert(self, name, store, key_of, rows, run_id, summary):
        """The ErpClient's way: batch_size rows a call, `before_batch` before
        each and `progress` after, the answers added into the caller's
        summary as they come."""
        summary = UpsertSummary() if summary is None else summary
        size = self.batch_size or max(len(rows), 1)
        for start in range(0, len(rows), size):
            if self.before_batch:
                self.before_batch()
            batch = rows[start : start + size]
            self._enter(name, batch, run_id)
            summary.add(vars(self._store(store, batch, key_of)), offset=start)
            if self.progress:
                self.progress(name, start // size + 1)
        return summary

    def _store(self, store, rows, key_of):
        summary = UpsertSummary(read=len(rows))
        for index, row in enumerate(rows):
            # How a test makes the ERP refuse a row.
            if row.get("value") == -1 or row.get("attendance_id") in self.refused:
                summary.rejected.append(
                    {"row": index, "external_key": key_of(row), "reason": "no way"}
                )
                continue
            key = key_of(row)
            if key not in store:
                summary.created += 1
            elif store[key] != row:
                summary.updated += 1
            else:
                summary.unchanged += 1
            store[key] = dict(row)
        return summary

    def read_completed(self, since=None):
        self._enter("read_completed", since)
        return self.attendances

    def comparison_groups(self, attendance_ids, compact=False):
        """As the add-on answers, with the inputs of each measurement: a
        digest of the stored values of the trainee and peers (all months:
        the real one keeps to the measured months) and the KPIs measured;
        `compact`: the groups' digest without their members."""
        self._enter("comparison_groups", list(attendance_ids), compact)
        trainees = {a["attendance_id"]: a["employee_id"] for a in self.attendances}
        answers = {}
        for attendance_id in attendance_ids:
            group = self.groups.get(attendance_id, [])
            if isinstance(group, Exception):
                answers[attendance_id] = {"reason": str(group)}
                continue
            members = {trainees[attendance_id], *group}
            answers[attendance_id] = {
                "min_peers": 1,
                "groups": [{"basis": "department", "employee_ids": group}],
            }
            if self.tells_inputs:
                answer = answers[attendance_id]
                answer["groups_digest"] = repr(answer["groups"])
                if compact:
                    del answer["groups"]
                answers[attendance_id]["inputs"] = repr(
                    sorted(
                        (v["employee_id"], v["kpi_id"], v["period_start"], v["value"])
                        for v in self.stored_values
                        if v["employee_id"] in members
                    )
                )
                answers[attendance_id]["measured_kpis"] = sorted(
                    {key[1] for key in self.contributions if key[0] == attendance_id}
                )
        return answers

    def read_kpi_values(self, employee_ids, kpi_ids, since, period_type="month"):
        self._enter("read_kpi_values", set(employee_ids), set(kpi_ids), since)
        return [
            value
            for value in self.stored_values
            if value["employee_id"] in set(employee_ids)
            and value["kpi_id"] in set(kpi_ids)
            and value["period_start"] >= since
        ]

    def acquire_lock(self, holder, lease_seconds):
        self._enter("acquire_lock", holder, lease_seconds)
        if self.lock:
            return {
                "ok": False,
                "holder": self.lock["holder"],
                "since": "s",
                "until": "u",
            }
        self.lock = {"holder": holder, "token": f"token-{len(self.calls)}"}
        return {"ok": True, "token": self.lock["token"]}

    def renew_lock(self, token, lease_seconds):
        self._enter("renew_lock", token, lease_seconds)
        return not self.lock_lost and bool(self.lock) and self.lock["token"] == token

    def release_lock(self, token):
        self._enter("release_lock", token)
        if self.lock and self.lock["token"] == token:
            self.lock = None

    def start_run(self, source):
        self._enter("start_run", source)
        run_id = len(self.runs) + 1
        self.runs[run_id] = {"source": source, "finished": False, "error": None}
        return run_id

    def finish_run(self, run_id, error=None, rejections=None, left_alone=0):
        self._enter("finish_run", run_id, error)
        self.runs[run_id].update(
            finished=True,
            error=error,
            rejections=list(rejections or []),
            left_alone=left_alone,
        )

    def run_of(self, source):
        return [run for run in self.runs.values() if run["source"] == source]


class FakeSource:
    """Records given as (record_id, employee_key, date, value[, kpi_code])."""

    def __init__(self, name, records=(), rejected=(), error=None, kpi="SALES_REV"):
        self.name = name
        self.employee_key_type = "barcode"
        self.records = [
            (r[0], r[1], r[2], r[3], r[4] if len(r) > 4 else kpi) for r in records
        ]
        self.rejected = list(rejected)
        self.error = error
        self.reads: list[tuple[date, date]] = []

    def read(self, start, end):
        self.reads.append((start, end))
        if self.error:
            raise self.error
        rows = [
            {
                "source": self.name,
                "record_id": record_id,
                "employee_key": key,
                "date": day,
                "value": value,
                "kpi_code": kpi,
            }
            for record_id, key, day, value, kpi in self.records
        ]
        return SourceBatch(
            records=pd.DataFrame(rows, columns=RECORD_COLUMNS),
            rejected=list(self.rejected),
        )


def settings_for(tmp_path, *sources: SourceConfig, **values) -> Settings:
    return Settings(
        odoo_url="http://erp.invalid",
        odoo_db="db",
        odoo_login="sync",
        odoo_password="pw-never-logged",
        state_path=tmp_path / "state.json",
        sources=list(sources),
        _env_file=None,
        **values,
    )


def csv_config(name, **values) -> SourceConfig:
    values.setdefault("kpi_code", "SALES_REV")
    return SourceConfig(name=name, kind="csv", **values)


def make_runner(tmp_path, erp, sources, configs=None, **values):
    configs = configs or [csv_config(name) for name in sources]
    settings = settings_for(tmp_path, *configs, **values)
    return Runner(
        settings,
        erp,
        SyncState.load(settings.state_path),
        source_factory=lambda config, client: sources[config.name],
        today=TODAY,
    )


def by_name(report: RunReport) -> dict[str, SourceReport]:
    return {source.name: source for source in report.sources}


# ----------------------------------------------------------- KPI values --


def test_a_run_upserts_aggregated_values_and_moves_the_cursor(tmp_path):
    erp = FakeErp()
    source = FakeSource(
        "sales",
        [
            ("r1", "B1", date(2024, 5, 3), 10.0),
            ("r2", "B1", date(2024, 5, 20), 5.0),
            ("r3", "B2", date(2024, 6, 2), 7.0),
        ],
    )
    runner = make_runner(tmp_path, erp, {"sales": source})

    report = runner.run(contributions=False)

    sales = by_name(report)["sales"]
    assert (sales.records, sales.rows, sales.created) == (3, 2, 2)
    assert report.exit_code() == 0
    assert erp.values["SALES_REV/11/2024-05-01/month"]["value"] == 15.0
    assert erp.values["SALES_REV/12/2024-06-01/month"]["employee_id"] == 12
    assert SyncState.load(tmp_path / "state.json").cursor("sales") == date(2024, 6, 2)
    assert erp.run_of("sales") == [
        {
            "source": "sales",
            "finished": True,
            "error": None,
            "rejections": [],
            "left_alone": 0,
        }
    ]
    upsert = [call for call in erp.calls if call[0] == "upsert_kpi_values"][0]
    assert upsert[2] == sales.erp_run_id


def test_the_first_run_reads_from_the_configured_start(tmp_path):
    source = FakeSource("sales")
    config = csv_config("sales", start=date(2024, 2, 10))
    make_runner(tmp_path, FakeErp(), {"sales": source}, [config]).run()
    assert source.reads == [(date(2024, 2, 1), TODAY)]


def test_without_start_nor_cursor_a_year_is_read(tmp_path):
    source = FakeSource("sales")
    config = csv_config("sales", period="quarter")
    make_runner(tmp_path, FakeErp(), {"sales": source}, [config]).run()
    assert source.reads == [(date(2023, 4, 1), TODAY)]


def test_the_next_run_rereads_the_period_of_the_cursor_and_reports_unchanged(
    tmp_path,
):
    erp = FakeErp()
    records = [
        ("r1", "B1", date(2024, 4, 30), 1.0),
        ("r2", "B1", date(2024, 5, 3), 10.0),
        ("r3", "B1", date(2024, 5, 20), 5.0),
    ]
    first = FakeSource("sales", records)
    config = csv_config("sales", start=date(2024, 4, 1))
    make_runner(tmp_path, erp, {"sales": first}, [config]).run()

    second = FakeSource("sales", records)
    report = make_runner(tmp_path, erp, {"sales": second}, [config]).run()

    assert second.reads == [(date(2024, 5, 1), TODAY)]  # the cursor's month
    sales = by_name(report)["sales"]
    assert (sales.created, sales.updated, sales.unchanged) == (0, 0, 1)
    assert sales.records == 2  # the April record is left to its own period


def test_quarterly_sources_reread_the_whole_quarter(tmp_path):
    erp = FakeErp()
    state = SyncState(tmp_path / "state.json", {"q": date(2024, 5, 20)})
    state.save()
    source = FakeSource("q")
    config = csv_config("q", period="quarter")
    make_runner(tmp_path, erp, {"q": source}, [config]).run()
    assert source.reads == [(date(2024, 4, 1), TODAY)]


def test_since_overrides_the_cursor_without_moving_it_back(tmp_path):
    SyncState(tmp_path / "state.json", {"sales": date(2024, 6, 1)}).save()
    source = FakeSource("sales", [("r1", "B1", date(2024, 1, 5), 3.0)])
    runner = make_runner(tmp_path, FakeErp(), {"sales": source})

    runner.run(since=date(2024, 1, 15))

    assert source.reads == [(date(2024, 1, 1), TODAY)]
    assert SyncState.load(tmp_path / "state.json").cursor("sales") == date(2024, 6, 1)


def test_unknown_employees_and_kpis_are_rejected_while_the_rest_goes_through(
    tmp_path,
):
    erp = FakeErp()
    source = FakeSource(
        "sales",
        [
            ("r1", "B1", date(2024, 5, 3), 10.0),
            ("r2", "NOBODY", date(2024, 5, 3), 10.0),
            ("r3", "B2", date(2024, 5, 3), 1.0, "NO_SUCH_KPI"),
        ],
        rejected=[Rejection("sales", "r4", "sales.csv line 5: non-numeric value")],
    )
    report = make_runner(tmp_path, erp, {"sales": source}).run()

    sales = by_name(report)["sales"]
    reasons = {r.record_id: r.reason for r in sales.rejected}
    assert reasons == {
        "r4": "sales.csv line 5: non-numeric value",
        "r2": "employee barcode 'NOBODY': no active employee matches",
        "r3": "unknown KPI code NO_SUCH_KPI",
    }
    assert list(erp.values) == ["SALES_REV/11/2024-05-01/month"]
    assert sales.records == 4
    assert report.exit_code() == 1
    matched = [call for call in erp.calls if call[0] == "match_employees"]
    assert matched == [("match_employees", "barcode", ["B1", "NOBODY", "B2"])]
    # The ERP never saw these rows: they go to its run log with the run's end.
    (run,) = erp.run_of("sales")
    assert {r.record_id for r in run["rejections"]} == {"r2", "r3", "r4"}


def test_rows_the_erp_refuses_are_reported_with_its_reason(tmp_path):
    erp = FakeErp()
    source = FakeSource("sales", [("r1", "B1", date(2024, 5, 3), -1)])
    report = make_runner(tmp_path, erp, {"sales": source}).run()
    (rejection,) = by_name(report)["sales"].rejected
    assert rejection.record_id == "SALES_REV/11/2024-05-01/month"
    assert rejection.reason == "refused by the ERP (row 0): no way"
    (run,) = erp.run_of("sales")
    assert run["rejections"] == [], "already in the ERP's run log"


def test_records_outside_the_window_are_left_out(tmp_path):
    erp = FakeErp()
    source = FakeSource(
        "sales",
        [
            ("old", "B1", date(2023, 12, 31), 100.0),
            ("ok", "B1", date(2024, 1, 2), 1.0),
            ("future", "B1", date(2024, 7, 1), 100.0),
        ],
    )
    config = csv_config("sales", start=date(2024, 1, 1))
    make_runner(tmp_path, erp, {"sales": source}, [config]).run()
    assert {k: v["value"] for k, v in erp.values.items()} == {
        "SALES_REV/11/2024-01-01/month": 1.0
    }
    assert SyncState.load(tmp_path / "state.json").cursor("sales") == date(2024, 1, 2)


class FakeClock:
    """The runner's clock (seconds), moved on by the test."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def timed_runner(tmp_path, erp, sources, batch_seconds, **values):
    """A runner whose lease is 120 s (renewed after 40 s) and whose ERP
    takes `batch_seconds` per upsert batch of one row."""
    clock = FakeClock()
    erp.batch_size = 1
    erp.progress = lambda *args: clock.advance(batch_seconds)
    runner = make_runner(tmp_path, erp, sources, lock_lease_seconds=120, **values)
    runner.clock = clock
    return runner


def three_months(badge="B1"):
    return [(f"{badge}-{m}", badge, date(2024, m, 3), 10.0) for m in (1, 2, 3)]


def test_a_run_holds_the_erps_lock_and_releases_it(tmp_path):
    erp = FakeErp()
    sources = {
        "broken": FakeSource("broken", error=ZeroDivisionError("boom")),
        "good": FakeSource("good", [("r1", "B1", date(2024, 5, 3), 10.0)]),
    }
    report = make_runner(tmp_path, erp, sources, lock_lease_seconds=120).run()
    names = [call[0] for call in erp.calls]
    assert names[0] == "acquire_lock"
    assert erp.calls[0][2] == 120, "the configured lease"
    assert names[-1] == "release_lock" and erp.lock is None
    assert by_name(report)["good"].created == 1


def test_a_long_source_renews_the_lease_between_its_batches(tmp_path):
    erp = FakeErp()
    sources = {"long": FakeSource("long", three_months())}
    runner = timed_runner(tmp_path, erp, sources, batch_seconds=50)

    report = runner.run(contributions=False)

    writes = [c[0] for c in erp.calls if c[0] in ("upsert_kpi_values", "renew_lock")]
    assert writes == [
        "upsert_kpi_values",  # at 0 s
        "renew_lock",  # 50 s after the lock was taken: more than 40 s
        "upsert_kpi_values",
        "renew_lock",
        "upsert_kpi_values",
    ]
    assert report.exit_code() == 0 and by_name(report)["long"].created == 3
    assert erp.lock is None, "released at the end"


def test_the_contributions_step_renews_the_lease_between_its_batches(tmp_path):
    erp = contribution_erp()
    erp.attendances.append(dict(erp.attendances[0], attendance_id=7))
    erp.groups[7] = [12]
    runner = timed_runner(tmp_path, erp, {}, batch_seconds=50)

    report = runner.run()

    writes = [c[0] for c in erp.calls if c[0] in ("upsert_contributions", "renew_lock")]
    assert writes == ["upsert_contributions", "renew_lock", "upsert_contributions"]
    assert by_name(report)[CONTRIBUTIONS].created == 2


def test_a_long_streamed_reading_renews_the_lease_between_its_chunks(tmp_path):
    from sync_worker.sources.base import StreamSummary

    class SlowStream(FakeSource):
        """One record a chunk, each 50 s to read; the keys are matched on the
        first chunk, so the ERP is asked nothing while the others come."""

        def read_stream(self, start, end, new_sink):
            sink = new_sink()
            records = self.read(start, end).records
            for row in range(len(records)):
                self.clock.advance(50)
                sink.add(records.iloc[[row]].assign(row=row))
            return sink, StreamSummary(rows=len(records), records=len(records))

    erp = FakeErp()
    source = SlowStream("slow", three_months())
    runner = timed_runner(tmp_path, erp, {"slow": source}, batch_seconds=0)
    source.clock = runner.clock

    report = runner.run(contributions=False)

    assert report.exit_code() == 0 and by_name(report)["slow"].created == 3
    names = [call[0] for call in erp.calls]
    assert names.count("renew_lock") == 3, "each chunk 50 s after the last renewal"
    assert names.count("match_employees") == 1


def test_a_short_run_makes_no_renewal_call_whatever_its_batches(tmp_path):
    erp = FakeErp()
    sources = {
        "a": FakeSource("a", three_months("B1")),
        "b": FakeSource("b", three_months("B2")),
    }
    runner = timed_runner(tmp_path, erp, sources, batch_seconds=5)

    report = runner.run()

    assert report.exit_code() == 0
    assert len([c for c in erp.calls if c[0] == "upsert_kpi_values"]) == 6
    assert "renew_lock" not in [call[0] for call in erp.calls]


def test_a_second_run_is_refused_while_another_holds_the_lock(tmp_path):
    erp = FakeErp()
    erp.lock = {"holder": "host-b pid 9 run 1a2b", "token": "theirs"}
    sources = {"good": FakeSource("good", [("r1", "B1", date(2024, 5, 3), 10.0)])}
    report = make_runner(tmp_path, erp, sources).run()
    assert report.exit_code() == 4
    assert "host-b pid 9 run 1a2b" in report.error
    assert [call[0] for call in erp.calls] == ["acquire_lock"], "nothing else"
    assert erp.lock["token"] == "theirs", "their lock is left alone"


def test_a_run_that_lost_its_lock_between_sources_stops(tmp_path):
    erp = FakeErp()
    clock = FakeClock()

    class SlowEmptySource(FakeSource):
        def read(self, start, end):
            clock.advance(130)  # the lease ran out...
            erp.lock_lost = True  # ...and another worker took over
            return super().read(start, end)

    sources = {
        "slow": SlowEmptySource("slow"),
        "good": FakeSource("good", [("r1", "B1", date(2024, 5, 3), 10.0)]),
    }
    runner = make_runner(tmp_path, erp, sources, lock_lease_seconds=120)
    runner.clock = clock

    report = runner.run()

    assert "lost the ERP's lock" in report.error
    assert [source.name for source in report.sources] == ["slow"]
    assert sources["good"].reads == []
    assert report.exit_code() == 1


def test_a_run_that_lost_its_lock_midway_stops_and_counts_what_was_written(
    tmp_path,
):
    erp = FakeErp()
    sources = {
        "long": FakeSource("long", three_months()),
        "next": FakeSource("next", [("r1", "B2", date(2024, 5, 3), 10.0)]),
    }
    runner = timed_runner(tmp_path, erp, sources, batch_seconds=130)
    advance = erp.progress

    def batch_written(*args):
        advance(*args)  # 130 s: the lease ran out...
        erp.lock_lost = True  # ...and another worker took over

    erp.progress = batch_written
    report = runner.run()

    assert report.error == "the run lost the ERP's lock (its lease ran out)"
    assert report.exit_code() == 1
    (long,) = report.sources
    assert long.error == report.error
    assert (long.rows, long.created) == (1, 1), "the batch written before"
    assert len([c for c in erp.calls if c[0] == "upsert_kpi_values"]) == 1
    assert erp.run_of("long")[0]["error"] == report.error
    assert sources["next"].reads == [] and not erp.run_of(CONTRIBUTIONS)
    assert SyncState.load(tmp_path / "state.json").cursor("long") is None


def test_once_the_erp_is_gone_the_run_ends_and_counts_what_was_written(tmp_path):
    from sync_worker.odoo import ErpUnavailable

    erp = FakeErp()
    erp.fail["upsert_kpi_values"] = ErpUnavailable("connection refused")
    sources = {
        "first": FakeSource("first", [("r1", "B1", date(2024, 5, 3), 10.0)]),
        "second": FakeSource("second", [("r2", "B2", date(2024, 5, 3), 10.0)]),
    }
    report = make_runner(tmp_path, erp, sources).run()
    names = [call[0] for call in erp.calls]
    assert names.count("start_run") == 1, "the second source never starts"
    assert "finish_run" not in names, "no retries against a dead ERP"
    assert "the ERP stopped answering" in report.error
    assert report.exit_code() == 3


def test_a_failing_source_never_stops_the_others(tmp_path):
    erp = FakeErp()
    sources = {
        "broken": FakeSource("broken", error=SourceError("file sales.csv not found")),
        "crashing": FakeSource("crashing", error=ZeroDivisionError("boom")),
        "good": FakeSource("good", [("r1", "B1", date(2024, 5, 3), 10.0)]),
    }
    report = make_runner(tmp_path, erp, sources).run()

    reports = by_name(report)
    assert reports["broken"].error == "file sales.csv not found"
    assert reports["crashing"].error == "ZeroDivisionError: boom"
    assert reports["good"].ok and reports["good"].created == 1
    assert report.failed_sources == ["broken", "crashing"]
    assert report.exit_code() == 1
    assert erp.run_of("broken")[0]["error"] == "file sales.csv not found"
    assert erp.run_of("good")[0]["error"] is None
    state = SyncState.load(tmp_path / "state.json")
    assert state.cursor("broken") is None
    assert state.cursor("good") == date(2024, 5, 3)


def test_the_cursor_moves_only_after_the_upsert_succeeded(tmp_path):
    erp = FakeErp()
    erp.fail["upsert_kpi_values"] = ErpFault("constraint violated")
    source = FakeSource("sales", [("r1", "B1", date(2024, 5, 3), 10.0)])

    report = make_runner(tmp_path, erp, {"sales": source}).run(contributions=False)

    assert by_name(report)["sales"].error == "constraint violated"
    assert erp.run_of("sales")[0] == {
        "source": "sales",
        "finished": True,
        "error": "constraint violated",
        "rejections": [],
        "left_alone": 0,
    }
    assert not (tmp_path / "state.json").exists()


def test_an_unreachable_erp_during_a_source_exits_3(tmp_path):
    erp = FakeErp()
    erp.fail["match_employees"] = ErpUnavailable("cannot reach erp: timed out")
    source = FakeSource("sales", [("r1", "B1", date(2024, 5, 3), 10.0)])
    report = make_runner(tmp_path, erp, {"sales": source}).run(contributions=False)
    assert by_name(report)["sales"].erp_failed
    assert report.exit_code() == 3


def test_a_source_error_caused_by_the_erp_counts_as_the_erp(tmp_path):
    try:
        raise ErpUnavailable("down")
    except ErpUnavailable as cause:
        try:
            raise SourceError("cannot read sale.order") from cause
        except SourceError as error:
            wrapped = error
    source = FakeSource("erp_sales", error=wrapped)
    report = make_runner(tmp_path, FakeErp(), {"erp_sales": source}).run()
    assert report.exit_code() == 3


def test_when_the_erp_refuses_the_login_nothing_runs(tmp_path):
    erp = FakeErp()
    erp.fail["read_kpis"] = AuthenticationError("wrong login or password")
    source = FakeSource("sales", [("r1", "B1", date(2024, 5, 3), 10.0)])

    report = make_runner(tmp_path, erp, {"sales": source}).run()

    assert report.error == "cannot read the KPIs from the ERP: wrong login or password"
    assert report.sources == []
    assert source.reads == []
    assert report.exit_code() == 3


def test_an_odoo_error_reading_the_kpis_is_a_failed_run_not_an_erp_outage(
    tmp_path,
):
    erp = FakeErp()
    erp.fail["read_kpis"] = ErpFault("Object trainlink.kpi doesn't exist")
    report = make_runner(tmp_path, erp, {"a": FakeSource("a")}).run()
    assert report.error.endswith("doesn't exist")
    assert report.exit_code() == 1


def test_start_run_failing_is_reported_for_that_source(tmp_path):
    erp = FakeErp()
    erp.fail["start_run"] = ErpUnavailable("down")
    source = FakeSource("sales", [("r1", "B1", date(2024, 5, 3), 10.0)])
    report = make_runner(tmp_path, erp, {"sales": source}).run(contributions=False)
    assert by_name(report)["sales"].error == "down"
    assert source.reads == []


def test_only_the_named_sources_run(tmp_path):
    sources = {"a": FakeSource("a"), "b": FakeSource("b")}
    report = make_runner(tmp_path, FakeErp(), sources).run(
        only=["b"], contributions=False
    )
    assert [s.name for s in report.sources] == ["b"]
    assert sources["a"].reads == []


def test_a_stop_request_ends_the_run_between_sources(tmp_path):
    stop = threading.Event()

    class StoppingSource(FakeSource):
        def read(self, start, end):
            stop.set()
            return super().read(start, end)

    sources = {"a": StoppingSource("a"), "b": FakeSource("b")}
    runner = make_runner(tmp_path, FakeErp(), sources)
    runner.stop = stop

    report = runner.run()

    assert report.stopped
    assert [s.name for s in report.sources] == ["a"]
    assert sources["b"].reads == []


def test_logs_are_structured_with_the_run_id_and_never_hold_the_password(
    tmp_path, caplog
):
    caplog.set_level(logging.INFO)
    source = FakeSource(
        "sales",
        [("r1", "B1", date(2024, 5, 3), 10.0), ("r2", "NOBODY", date(2024, 5, 3), 1)],
    )
    report = make_runner(tmp_path, FakeErp(), {"sales": source}).run()

    summaries = [
        r for r in caplog.records if getattr(r, "event", "") == "source_summary"
    ]
    sales = [r for r in summaries if r.fields["source"] == "sales"][0]
    assert sales.fields["created"] == 1
    assert sales.fields["rejected"] == 1
    assert "source_summary source=sales" in sales.getMessage()
    rejected = [r for r in caplog.records if getattr(r, "event", "") == "rejected"]
    assert rejected[0].fields["reason"].startswith("employee barcode 'NOBODY'")
    assert "pw-never-logged" not in caplog.text
    assert [r for r in caplog.records if getattr(r, "event", "") == "run_end"]
    assert report.run_id


def test_run_id_is_on_every_record_of_the_run(tmp_path):
    from sync_worker.cli import RunIdFilter

    seen = []

    class Capture(logging.Handler):
        def emit(self, record):
            seen.append(record.run_id)

    handler = Capture()
    handler.addFilter(RunIdFilter())
    logger = logging.getLogger("sync_worker")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        report = make_runner(tmp_path, FakeErp(), {"a": FakeSource("a")}).run()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    assert seen and set(seen) == {report.run_id}


# -------------------------------------------------------- contributions --


def monthly(employee_id, kpi_id, values: dict[str, float]) -> list[dict]:
    return [
        {
            "employee_id": employee_id,
            "kpi_id": kpi_id,
            "period_start": date.fromisoformat(f"{month}-01"),
            "value": value,
        }
        for month, value in values.items()
    ]


def contribution_erp() -> FakeErp:
    """Employee 11 completed a SALES_REV course on 2024-02-10: baseline
    November-January, post March-May (today is 2024-06-15); employee 12 is
    the peer."""
    erp = FakeErp()
    erp.attendances = [
        {
            "attendance_id": 5,
            "employee_id": 11,
            "department_id": 1,
            "course_id": 1,
            "company_id": 1,
            "completion_date": "2024-02-10",
            "baseline_window_months": 3,
            "kpi_window_months": 3,
            "kpi_codes": ["SALES_REV"],
        },
        {
            "attendance_id": 6,
            "employee_id": 13,
            "completion_date": "2024-02-10",
            "baseline_window_months": 3,
            "kpi_window_months": 3,
            "kpi_codes": ["NOT_A_KPI_HERE"],
        },
    ]
    erp.groups = {5: [12]}
    erp.stored_values = [
        *monthly(
            11,
            1,
            {"2023-11": 100, "2023-12": 100, "2024-01": 100}
            | {"2024-03": 130, "2024-04": 130, "2024-05": 130},
        ),
        *monthly(
            12,
            1,
            {"2023-11": 100, "2023-12": 100, "2024-01": 100}
            | {"2024-03": 110, "2024-04": 110, "2024-05": 110},
        ),
    ]
    return erp


def test_contributions_are_measured_from_the_stored_values(tmp_path):
    erp = contribution_erp()
    report = make_runner(tmp_path, erp, {}).run()

    contributions = by_name(report)[CONTRIBUTIONS]
    assert contributions.ok and contributions.created == 1
    assert contributions.records == 1  # the attendance with a known KPI
    (row,) = erp.contributions.values()
    assert row["attendance_id"] == 5
    assert row["baseline_value"] == 100 and row["post_value"] == 130
    assert row["baseline_points"] == 3 and row["post_points"] == 3
    assert row["peer_lift"] == pytest.approx(10.0)
    assert (row["post_start"], row["post_end"]) == ("2024-03-01", "2024-05-31")
    read = [call for call in erp.calls if call[0] == "read_kpi_values"][0]
    # three baseline windows back: the prior months tell the usual level
    assert read[1:] == ("read_kpi_values", {11, 12}, {1}, date(2023, 5, 1))[1:]
    assert [c for c in erp.calls if c[0] == "read_completed"][0][1] == date(2022, 6, 1)
    assert erp.run_of(CONTRIBUTIONS)[0]["finished"]


def test_thin_contributions_are_held_back_until_min_points(tmp_path):
    erp = contribution_erp()
    erp.stored_values = [
        v
        for v in erp.stored_values
        if v["employee_id"] != 11 or v["period_start"] <= date(2024, 3, 1)
    ]  # one post month only
    report = make_runner(tmp_path, erp, {}, min_points=2).run()
    contributions = by_name(report)[CONTRIBUTIONS]
    assert contributions.held_back == 1
    assert erp.contributions == {}
    assert report.exit_code() == 0

    report = make_runner(tmp_path, erp, {}, min_points=1).run()
    assert by_name(report)[CONTRIBUTIONS].created == 1


def test_an_attendance_without_comparison_group_is_rejected_alone(tmp_path):
    erp = contribution_erp()
    erp.attendances.append(dict(erp.attendances[0], attendance_id=7))
    erp.groups[7] = ErpFault("attendance 7 is not completed")
    report = make_runner(tmp_path, erp, {}).run()
    contributions = by_name(report)[CONTRIBUTIONS]
    assert [r.reason for r in contributions.rejected] == [
        "attendance 7 is not completed"
    ]
    assert contributions.created == 1


def test_a_failing_contribution_step_is_reported(tmp_path):
    erp = contribution_erp()
    erp.fail["upsert_contributions"] = ErpFault("boom")
    report = make_runner(tmp_path, erp, {}).run()
    assert by_name(report)[CONTRIBUTIONS].error == "boom"
    assert erp.run_of(CONTRIBUTIONS)[0]["error"] == "boom"
    assert report.exit_code() == 1


# ------------------------------------------- trainings left alone --


def contribution_run(tmp_path, erp, **values):
    """A run of the contributions step alone, with the state file of
    tmp_path kept from run to run."""
    return by_name(make_runner(tmp_path, erp, {}, **values).run())[CONTRIBUTIONS]


def calls_named(erp, name):
    return [call for call in erp.calls if call[0] == name]


def test_a_second_run_leaves_a_training_whose_inputs_did_not_change_alone(tmp_path):
    erp = contribution_erp()
    assert contribution_run(tmp_path, erp).created == 1
    erp.calls.clear()

    again = contribution_run(tmp_path, erp)

    assert again.ok and again.skipped == 1
    assert (again.rows, again.created, again.unchanged) == (0, 0, 0)
    # One call for the groups' and the inputs' digests, without members; no
    # values read, nothing sent.
    assert [call[2] for call in calls_named(erp, "comparison_groups")] == [True]
    assert calls_named(erp, "read_kpi_values") == []
    assert calls_named(erp, "upsert_contributions") == []
    assert SyncState.load(tmp_path / "state.json").measured[5].kpis == ("SALES_REV",)
    assert erp.run_of(CONTRIBUTIONS)[-1]["left_alone"] == 1, "told to Odoo's run"


def _new_peer_month(erp):
    erp.stored_values.append(monthly(12, 1, {"2023-10": 100})[0])


def _new_peer(erp):
    erp.groups[5] = [12, 13]


def _moved_department(erp):
    erp.attendances[0]["department_id"] = 2


def _kpi_now_lower_is_better(erp):
    erp.kpis["SALES_REV"] = KpiInfo(1, "SALES_REV", "lower", "sum", 1, 1.0)


def _contribution_deleted_in_odoo(erp):
    erp.contributions.clear()


@pytest.mark.parametrize(
    "change",
    [
        _new_peer_month,
        _new_peer,
        _moved_department,
        _kpi_now_lower_is_better,
        _contribution_deleted_in_odoo,
    ],
)
def test_a_training_is_measured_again_when_its_inputs_change(tmp_path, change):
    erp = contribution_erp()
    contribution_run(tmp_path, erp)
    change(erp)

    again = contribution_run(tmp_path, erp)

    assert again.skipped == 0 and again.rows == 1
    assert len(calls_named(erp, "upsert_contributions")) == 2
    # Measured with the change, it is left alone on the next run.
    assert contribution_run(tmp_path, erp).skipped == 1


def test_a_new_minimum_of_points_or_a_new_measurement_measures_again(
    tmp_path, monkeypatch
):
    erp = contribution_erp()
    contribution_run(tmp_path, erp, min_points=1)
    assert contribution_run(tmp_path, erp, min_points=2).rows == 1
    assert contribution_run(tmp_path, erp, min_points=2).skipped == 1
    monkeypatch.setattr(transform, "MEASUREMENT_VERSION", 1000)
    assert contribution_run(tmp_path, erp, min_points=2).rows == 1


def test_remeasure_measures_every_training(tmp_path):
    erp = contribution_erp()
    contribution_run(tmp_path, erp)
    settings = settings_for(tmp_path)
    runner = Runner(settings, erp, SyncState.load(settings.state_path), today=TODAY)

    report = by_name(runner.run(remeasure=True))[CONTRIBUTIONS]

    assert (report.skipped, report.rows, report.unchanged) == (0, 1, 1)


def test_a_training_whose_row_the_erp_refused_is_measured_again(tmp_path):
    erp = contribution_erp()
    erp.refused = {5}
    first = contribution_run(tmp_path, erp)
    assert len(first.erp_rejected) == 1
    again = contribution_run(tmp_path, erp)
    assert again.skipped == 0 and len(again.erp_rejected) == 1

    erp.refused = set()
    assert contribution_run(tmp_path, erp).created == 1
    assert contribution_run(tmp_path, erp).skipped == 1


def test_a_held_back_training_waits_for_new_data(tmp_path):
    erp = contribution_erp()
    assert contribution_run(tmp_path, erp, min_points=4).held_back == 1
    left_alone = contribution_run(tmp_path, erp, min_points=4)
    # Left alone, and still told as held back: the summary stays honest.
    assert (left_alone.skipped, left_alone.held_back, left_alone.rows) == (1, 1, 0)
    erp.stored_values += monthly(11, 1, {"2023-10": 100, "2024-06": 130})
    erp.stored_values += monthly(12, 1, {"2023-10": 100, "2024-06": 110})
    # Still three months inside each window: measured again, still held back.
    again = contribution_run(tmp_path, erp, min_points=4)
    assert (again.skipped, again.held_back) == (0, 1)


def test_a_failed_upsert_remembers_nothing(tmp_path):
    erp = contribution_erp()
    erp.fail["upsert_contributions"] = ErpFault("boom")
    assert not contribution_run(tmp_path, erp).ok
    del erp.fail["upsert_contributions"]
    assert contribution_run(tmp_path, erp).created == 1


def test_with_an_add_on_that_tells_no_inputs_every_run_measures(tmp_path):
    erp = contribution_erp()
    erp.tells_inputs = False
    contribution_run(tmp_path, erp)
    again = contribution_run(tmp_path, erp)
    assert (again.skipped, again.unchanged) == (0, 1)
    assert SyncState.load(tmp_path / "state.json").measured == {}


def test_trainings_whose_post_window_has_not_ended_are_not_asked_about(tmp_path):
    erp = contribution_erp()
    erp.attendances.append(
        dict(erp.attendances[0], attendance_id=8, completion_date="2024-03-20")
    )  # post window April to June 2024: today is 2024-06-15
    report = contribution_run(tmp_path, erp)
    assert report.records == 1
    assert calls_named(erp, "comparison_groups")[0][1] == [5]


def test_the_members_are_asked_for_only_for_the_trainings_measured(tmp_path):
    erp = contribution_erp()
    erp.attendances.append(dict(erp.attendances[0], attendance_id=7, employee_id=13))
    erp.groups[7] = [12]
    erp.stored_values += [
        dict(value, employee_id=13)
        for value in erp.stored_values
        if value["employee_id"] == 11
    ]
    assert contribution_run(tmp_path, erp).created == 2
    assert [call[1:] for call in calls_named(erp, "comparison_groups")] == [
        ([5, 7], True),
        ([5, 7], False),
    ]
    erp.calls.clear()
    erp.stored_values.append(monthly(11, 1, {"2023-10": 100})[0])  # 5's trainee

    report = contribution_run(tmp_path, erp)

    assert (report.skipped, report.unchanged) == (1, 1)
    assert [call[1:] for call in calls_named(erp, "comparison_groups")] == [
        ([5, 7], True),
        ([5], False),
    ]


def test_a_training_the_erp_stops_answering_for_between_the_calls_is_rejected(
    tmp_path,
):
    erp = contribution_erp()
    compact_answers = erp.comparison_groups

    def groups(attendance_ids, compact=False):
        if not compact:
            erp.groups[5] = ErpFault("attendance 5 is not completed")
        return compact_answers(attendance_ids, compact)

    erp.comparison_groups = groups
    report = contribution_run(tmp_path, erp)
    assert [r.reason for r in report.rejected] == ["attendance 5 is not completed"]
    assert report.rows == 0
    assert SyncState.load(tmp_path / "state.json").measured == {}


def test_trainings_no_longer_read_are_forgotten(tmp_path):
    erp = contribution_erp()
    contribution_run(tmp_path, erp)
    erp.attendances = erp.attendances[1:]
    contribution_run(tmp_path, erp)
    assert SyncState.load(tmp_path / "state.json").measured == {}


def test_exit_codes():
    from datetime import datetime

    def report(*sources, **values):
        return RunReport("r", datetime.now(), sources=list(sources), **values)

    assert report(SourceReport("a")).exit_code() == 0
    assert report(SourceReport("a", held_back=3)).exit_code() == 0
    rejected = SourceReport("a", rejected=[Rejection("a", "1", "bad")])
    assert report(rejected).exit_code() == 1
    assert report(SourceReport("a", error="x")).exit_code() == 1
    failed = SourceReport("a", error="x", erp_failed=True)
    assert report(rejected, failed).exit_code() == 3
    assert report(error="no login", erp_failed=True).exit_code() == 3


# ------------------------------------------- end to end, against real Odoo --


def months_back(day: date, months: int, on_day: int = 1) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, on_day)


@pytest.fixture(scope="module")
def world(odoo_server):
    """KPIs, a department with a trainee, a peer and a third employee, and a
    completed course four months ago, created by the administrator."""
    from sync_worker.odoo import JsonRpcTransport

    admin = odoo_server.admin()
    kpi = {
        code: admin.call(
            "trainlink.kpi",
            "create",
            {"code": code, "name": code, "aggregation": how, "direction": "higher"},
        )
        for code, how in [("E2E_REV", "sum"), ("E2E_UNITS", "sum")]
    }
    department = admin.call("hr.department", "create", {"name": "E2E Sales"})
    employee = {
        badge: admin.call(
            "hr.employee",
            "create",
            {
                "name": f"Employee {badge}",
                "barcode": badge,
                "department_id": department,
            },
        )
        for badge in ("E2ETRAINEE", "E2EPEER", "E2EOTHER")
    }
    admin.call("hr.employee", "write", [employee["E2EOTHER"]], {"department_id": False})
    course = admin.call(
        "trainlink.course",
        "create",
        {
            "name": "E2E Selling",
            "job_family": "sales",
            "baseline_window_months": 3,
            "kpi_window_months": 3,
            "module_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Closing",
                        "kpi_line_ids": [(0, 0, {"kpi_id": kpi["E2E_REV"]})],
                    },
                )
            ],
        },
    )
    completion = months_back(date.today(), 4, on_day=11)
    session = admin.call(
        "trainlink.session",
        "create",
        {
            "course_id": course,
            "date_start": completion.replace(day=10).isoformat(),
            "date_end": completion.isoformat(),
        },
    )
    attendance = admin.call(
        "trainlink.attendance",
        "create",
        {
            "session_id": session,
            "employee_id": employee["E2ETRAINEE"],
            "exam_score": 90.0,
        },
    )
    # These actions return None, which only JSON-RPC carries.
    actions = JsonRpcTransport(odoo_server.url, odoo_server.db, "admin", "admin")
    actions.call("trainlink.attendance", "action_mark_present", [attendance])
    actions.call("trainlink.attendance", "action_complete", [attendance])
    return {
        "admin": admin,
        "kpi": kpi,
        "employee": employee,
        "attendance": attendance,
        "completion": completion,
    }


def e2e_settings(odoo_server, tmp_path, csv_path, name, **values) -> Settings:
    source = SourceConfig(
        name=name,
        kind="csv",
        kpi_column="kpi",
        start=values.pop("start", date(2020, 1, 1)),
        options={"path": str(csv_path)},
        columns={
            "record_id": "id",
            "employee_key": "badge",
            "date": "day",
            "value": "amount",
        },
    )
    return Settings(
        odoo_url=odoo_server.url,
        odoo_db=odoo_server.db,
        odoo_login=odoo_server.sync_login,
        odoo_password=odoo_server.sync_password,
        state_path=tmp_path / "state.json",
        sources=[source],
        _env_file=None,
        **values,
    )


def write_csv(path, rows) -> None:
    lines = ["id,badge,day,amount,kpi"]
    lines += [",".join(str(cell) for cell in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")


def run_real(settings: Settings, **options) -> RunReport:
    from sync_worker.odoo import connect

    state = SyncState.load(settings.state_path)
    return Runner(settings, connect(settings), state).run(**options)


def stored_values(world, source):
    return {
        row["external_key"]: row["value"]
        for row in world["admin"].search_read(
            "trainlink.kpi.value", [("source", "=", source)], ["external_key", "value"]
        )
    }


@pytest.mark.odoo
def test_e2e_values_land_in_odoo_and_a_rerun_reports_unchanged(
    odoo_server, world, tmp_path
):
    other = world["employee"]["E2EOTHER"]
    csv_path = tmp_path / "units.csv"
    write_csv(
        csv_path,
        [
            ("u1", "E2EOTHER", "2024-01-05", 10, "E2E_UNITS"),
            ("u2", "e2eother", "2024-01-25", 5.5, "e2e_units"),
            ("u3", "E2EOTHER", "2024-02-03", 7, "E2E_UNITS"),
        ],
    )
    settings = e2e_settings(odoo_server, tmp_path, csv_path, "e2e_units", batch_size=1)

    first = run_real(settings, contributions=False)

    assert first.exit_code() == 0, first
    (source,) = first.sources
    assert (source.records, source.created, source.unchanged) == (3, 2, 0)
    assert stored_values(world, "e2e_units") == {
        f"E2E_UNITS/{other}/2024-01-01/month": 15.5,
        f"E2E_UNITS/{other}/2024-02-01/month": 7.0,
    }
    (erp_run,) = world["admin"].search_read(
        "trainlink.sync.run",
        [("id", "=", source.erp_run_id)],
        ["source", "state", "created_count", "read_count"],
    )
    assert erp_run["source"] == "e2e_units"
    assert erp_run["state"] == "done"
    assert erp_run["created_count"] == 2

    # Re-run everything from the start: nothing changes, nothing is written.
    again = run_real(settings, contributions=False, since=date(2024, 1, 1))
    (source,) = again.sources
    assert (source.created, source.updated, source.unchanged) == (0, 0, 2)
    assert again.exit_code() == 0

    # A corrected figure is an update of the same record.
    write_csv(csv_path, [("u3", "E2EOTHER", "2024-02-03", 8, "E2E_UNITS")])
    (source,) = run_real(settings, contributions=False).sources
    assert (source.created, source.updated) == (0, 1)
    assert (
        stored_values(world, "e2e_units")[f"E2E_UNITS/{other}/2024-02-01/month"] == 8.0
    )


@pytest.mark.odoo
def test_e2e_bad_rows_are_rejected_with_their_reason_and_good_rows_go_through(
    odoo_server, world, tmp_path
):
    csv_path = tmp_path / "mixed.csv"
    write_csv(
        csv_path,
        [
            ("m1", "E2EOTHER", "2024-03-05", 4, "E2E_UNITS"),
            ("m2", "E2EOTHER", "2024-03-06", "four", "E2E_UNITS"),
            ("m3", "NOBODY42", "2024-03-07", 4, "E2E_UNITS"),
            ("m4", "E2EOTHER", "2024-03-08", 4, "NO_SUCH_KPI"),
        ],
    )
    settings = e2e_settings(odoo_server, tmp_path, csv_path, "e2e_mixed")

    report = run_real(settings, contributions=False)

    (source,) = report.sources
    assert source.ok
    reasons = {r.record_id: r.reason for r in source.rejected}
    assert reasons["m2"] == "mixed.csv line 3: non-numeric value 'four'"
    assert reasons["m3"] == (
        "employee barcode 'NOBODY42': no active employee of your companies matches"
    )
    assert reasons["m4"] == "unknown KPI code NO_SUCH_KPI"
    assert len(reasons) == 3
    other = world["employee"]["E2EOTHER"]
    assert stored_values(world, "e2e_mixed") == {
        f"E2E_UNITS/{other}/2024-03-01/month": 4.0
    }
    assert report.exit_code() == 1
    (run,) = world["admin"].search_read(
        "trainlink.sync.run",
        [("id", "=", source.erp_run_id)],
        ["rejected_count", "rejection_log", "state"],
    )
    assert run["state"] == "done"
    assert run["rejected_count"] == 3
    assert "NOBODY42" in run["rejection_log"]


@pytest.mark.odoo
def test_e2e_contribution_of_a_completed_training_is_measured(
    odoo_server, world, tmp_path
):
    completion = world["completion"]
    rows = []
    for offset, trainee, peer in [
        (-3, 100, 100),
        (-2, 100, 100),
        (-1, 100, 100),
        (1, 130, 110),
        (2, 130, 110),
        (3, 130, 110),
    ]:
        day = months_back(completion, -offset, on_day=15)
        rows.append((f"t{offset}", "E2ETRAINEE", day, trainee, "E2E_REV"))
        rows.append((f"p{offset}", "E2EPEER", day, peer, "E2E_REV"))
    csv_path = tmp_path / "revenue.csv"
    write_csv(csv_path, rows)
    settings = e2e_settings(
        odoo_server,
        tmp_path,
        csv_path,
        "e2e_revenue",
        start=months_back(completion, 3),
    )

    report = run_real(settings)

    assert report.exit_code() == 0, report
    revenue, contributions = report.sources
    assert revenue.created == 12
    assert contributions.name == CONTRIBUTIONS and contributions.created == 1
    (measured,) = world["admin"].search_read(
        "trainlink.contribution",
        [("attendance_id", "=", world["attendance"])],
        [
            "baseline_value",
            "post_value",
            "peer_lift",
            "baseline_points",
            "post_points",
            "post_start",
            "post_end",
            "peer_count",
            "comparison_basis",
            "rating",
            "inconclusive_reason",
        ],
    )
    # One peer is too few to judge anyone: measured, shown, not rated.
    assert (measured["peer_count"], measured["comparison_basis"]) == (1, "department")
    assert (measured["rating"], measured["inconclusive_reason"]) == (
        "inconclusive",
        "peers",
    )
    assert measured["baseline_value"] == 100.0
    assert measured["post_value"] == 130.0
    assert measured["peer_lift"] == pytest.approx(10.0)
    assert (measured["baseline_points"], measured["post_points"]) == (3, 3)
    assert measured["post_start"] == months_back(completion, -1).isoformat()

    again = run_real(settings)
    # Nothing changed: the training is left alone (its inputs, as Odoo
    # tells them, are those it was measured on) and nothing is written.
    assert again.sources[1].skipped >= 1
    assert again.sources[1].created == again.sources[1].updated == 0
    (erp_run,) = world["admin"].search_read(
        "trainlink.sync.run",
        [("id", "=", again.sources[1].erp_run_id)],
        ["left_alone_count", "state"],
    )
    assert erp_run == {
        "id": again.sources[1].erp_run_id,
        "left_alone_count": again.sources[1].skipped,
        "state": "done",
    }

    # The peer's last post month corrected in the source: measured again.
    rows[-1] = rows[-1][:3] + (120, "E2E_REV")
    write_csv(csv_path, rows)
    third = run_real(settings)
    assert third.exit_code() == 0, third
    assert (third.sources[0].updated, third.sources[1].updated) == (1, 1)
    (remeasured,) = world["admin"].search_read(
        "trainlink.contribution",
        [("attendance_id", "=", world["attendance"])],
        ["peer_lift"],
    )
    assert remeasured["peer_lift"] == pytest.approx(40 / 3)
    assert run_real(settings).sources[1].skipped >= 1


@pytest.mark.odoo
def test_e2e_a_corrected_value_measures_again_only_the_trainings_it_is_in(
    odoo_server, world, tmp_path
):
    """Two trainings of the same course in two departments, each with one
    peer: a correction of the north peer's figure measures the north
    training again, and the south one is left alone."""
    from sync_worker.odoo import JsonRpcTransport

    admin = world["admin"]
    people = {}
    for side in ("NORTH", "SOUTH"):
        department = admin.call("hr.department", "create", {"name": f"E2E {side}"})
        for role in ("T", "P"):
            people[side, role] = admin.call(
                "hr.employee",
                "create",
                {
                    "name": f"E2E {side} {role}",
                    "barcode": f"E2E{side}{role}",
                    "department_id": department,
                },
            )
    (session,) = admin.search_read(
        "trainlink.attendance", [("id", "=", world["attendance"])], ["session_id"]
    )
    trainings = {
        side: admin.call(
            "trainlink.attendance",
            "create",
            {"session_id": session["session_id"][0], "employee_id": people[side, "T"]},
        )
        for side in ("NORTH", "SOUTH")
    }
    actions = JsonRpcTransport(odoo_server.url, odoo_server.db, "admin", "admin")
    attendances = list(trainings.values())
    actions.call("trainlink.attendance", "action_mark_present", attendances)
    actions.call("trainlink.attendance", "action_complete", attendances)
    rows = [
        (
            f"{side}{role}{offset}",
            f"E2E{side}{role}",
            months_back(world["completion"], -offset, on_day=15),
            (130 if role == "T" else 110) if offset > 0 else 100,
            "E2E_REV",
        )
        for side in ("NORTH", "SOUTH")
        for role in ("T", "P")
        for offset in (-3, -2, -1, 1, 2, 3)
    ]
    csv_path = tmp_path / "sides.csv"
    write_csv(csv_path, rows)
    settings = e2e_settings(
        odoo_server,
        tmp_path,
        csv_path,
        "e2e_sides",
        start=months_back(world["completion"], 3),
    )

    def contributions():
        return {
            row["attendance_id"][0]: row
            for row in admin.search_read(
                "trainlink.contribution",
                [("attendance_id", "in", attendances)],
                ["attendance_id", "peer_lift", "write_date"],
            )
        }

    first = run_real(settings)
    assert first.exit_code() == 0, first
    before = contributions()
    assert len(before) == 2
    assert run_real(settings).sources[1].rows == 0, "nothing changed"

    rows = [row[:3] + (120, "E2E_REV") if row[0] == "NORTHP3" else row for row in rows]
    write_csv(csv_path, rows)
    third = run_real(settings)

    assert third.exit_code() == 0, third
    assert (third.sources[1].rows, third.sources[1].updated) == (1, 1)
    after = contributions()
    assert after[trainings["NORTH"]]["peer_lift"] == pytest.approx(40 / 3)
    assert after[trainings["SOUTH"]] == before[trainings["SOUTH"]]


@pytest.mark.odoo
def test_e2e_jsonrpc_transport(odoo_server, world, tmp_path):
    csv_path = tmp_path / "json.csv"
    write_csv(csv_path, [("j1", "E2EOTHER", "2024-04-05", 3, "E2E_UNITS")])
    settings = e2e_settings(
        odoo_server, tmp_path, csv_path, "e2e_json", odoo_transport="jsonrpc"
    )
    report = run_real(settings, contributions=False)
    assert report.exit_code() == 0, report
    assert report.sources[0].created == 1
    other = world["employee"]["E2EOTHER"]
    assert stored_values(world, "e2e_json") == {
        f"E2E_UNITS/{other}/2024-04-01/month": 3.0
    }


@pytest.mark.odoo
def test_e2e_one_run_at_a_time_and_a_stale_lock_expires(odoo_server, world, tmp_path):
    import threading
    import time

    from sync_worker.odoo import connect

    csv_path = tmp_path / "locked.csv"
    write_csv(csv_path, [("l1", "E2EOTHER", "2024-04-05", 3, "E2E_UNITS")])
    settings = e2e_settings(odoo_server, tmp_path, csv_path, "e2e_locked")
    other = connect(settings)

    # Another worker (another host) is running: this one says so and stops.
    held = other.acquire_lock("host-b pid 77", 600)
    assert held["ok"]
    refused = run_real(settings, contributions=False)
    assert refused.exit_code() == 4
    assert "host-b pid 77" in refused.error
    assert not refused.sources
    other.release_lock(held["token"])

    # Workers racing for a free lock: exactly one gets it.
    answers, start = [], threading.Barrier(4)

    def race(name):
        client = connect(settings)
        start.wait()
        answers.append(client.acquire_lock(name, 600))

    threads = [threading.Thread(target=race, args=(f"racer {n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [answer for answer in answers if answer["ok"]]
    assert len(winners) == 1, answers
    other.release_lock(winners[0]["token"])

    # A worker killed mid-run: its lock expires and its run is closed as
    # abandoned by the next run, which goes ahead.
    dead = other.acquire_lock("host-c pid 5", 1)
    dead_run = other.start_run("e2e_locked")
    time.sleep(1.5)
    report = run_real(settings, contributions=False)
    assert report.exit_code() == 0, report
    (run,) = world["admin"].search_read(
        "trainlink.sync.run", [("id", "=", dead_run)], ["state", "error", "finished"]
    )
    assert run["state"] == "abandoned"
    assert "host-c pid 5" in run["error"] and run["finished"]
    assert dead["ok"] and not other.renew_lock(dead["token"], 600)
