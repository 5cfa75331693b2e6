"""One run of the worker: every source into KPI values, then contributions.

For each source: open a sync run in the ERP, read every period that may have
changed (from the first day of the period holding the source's cursor), match
the employee keys, aggregate per period (transform), upsert, and move the
cursor only once all of that succeeded; then close the ERP's sync run, with
the error if there was one. A source that fails is logged and reported; the
others still run. Re-reading a period is harmless: the upsert reports what did
not change as unchanged and writes nothing.

Then the contributions: the completed trainings whose post window has ended,
their comparison groups, the stored monthly values of their trainees and peers,
the measured windows (transform) upserted. A training is measured again only
when what its measurement rests on changed since the ERP took its last one
(the state file keeps a key of those inputs per training, see
`_measurement_key`): a steady run reads and sends nothing for it.

The whole run holds the ERP's lock, a lease renewed by time (see
`Runner._keep_lease`), not at source boundaries: a long source keeps it, a
short run makes no extra call, and a run that lost it stops.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from sync_worker import __version__, current_run_id, log_event, transform
from sync_worker.config import Settings, SourceConfig
from sync_worker.odoo import (
    AuthenticationError,
    ErpAccessError,
    ErpClient,
    ErpError,
    ErpUnavailable,
    KpiInfo,
    UpsertSummary,
    fault_summary,
)
from sync_worker.sources import Rejection, Source, SourceError, build_source
from sync_worker.state import Measured, StateError, SyncState

log = logging.getLogger(__name__)

# Name of the ERP sync run (and of the report line) of the contributions step.
CONTRIBUTIONS = "contributions"
# How far back a source is read on its very first run when it sets no `start`.
DEFAULT_LOOKBACK_MONTHS = 12
# Trainings completed this long ago or less are measured again on every run.
CONTRIBUTION_LOOKBACK_MONTHS = 24
# Rejections logged one by one per source; the rest are counted.
MAX_LOGGED_REJECTIONS = 50

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_CONFIG = 2
EXIT_ERP = 3
EXIT_LOCKED = 4

# The lease is renewed once this fraction of it has passed since the last
# renewal: two thirds are left for the slowest batch before the next check.
RENEW_AFTER = 1 / 3
LEASE_LOST = "the run lost the ERP's lock (its lease ran out)"

SourceFactory = Callable[[SourceConfig, ErpClient], Source]


class LeaseLost(ErpError):
    """Another run took the ERP's lock over: this one must write no more."""


@dataclass
class SourceReport:
    """What one source (or the contributions step) did in a run."""

    name: str
    erp_run_id: int | None = None
    start: date | None = None
    end: date | None = None
    records: int = 0  # rows read from the source (good and rejected)
    rows: int = 0  # aggregated rows sent to the ERP
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    held_back: int = 0  # contributions with too few data points to send yet
    skipped: int = 0  # trainings whose inputs did not change: not measured again
    rejected: list[Rejection] = field(default_factory=list)
    # The part of `rejected` the ERP refused (already in its run log), and
    # the positions of those rows in what was sent.
    erp_rejected: list[Rejection] = field(default_factory=list)
    erp_refused_rows: list[int] = field(default_factory=list)
    cursor: date | None = None
    error: str | None = None
    erp_failed: bool = False  # the ERP was unreachable or refused the login

    @property
    def ok(self) -> bool:
        return self.error is None

    def add(self, summary: UpsertSummary) -> None:
        self.rows += summary.read
        self.created += summary.created
        self.updated += summary.updated
        self.unchanged += summary.unchanged
        for rejection in summary.rejected:
            refused = Rejection(
                self.name,
                rejection.get("external_key") or None,
                f"refused by the ERP (row {rejection.get('row')}): "
                f"{rejection.get('reason')}",
            )
            self.rejected.append(refused)
            self.erp_rejected.append(refused)
            if isinstance(rejection.get("row"), int):
                self.erp_refused_rows.append(rejection["row"])

    @property
    def worker_rejected(self) -> list[Rejection]:
        """Rows the worker refused itself, which the ERP has not seen."""
        refused_by_erp = {id(r) for r in self.erp_rejected}
        return [r for r in self.rejected if id(r) not in refused_by_erp]


@dataclass
class RunReport:
    """The outcome of one run, for the command line and the scheduler."""

    run_id: str
    started: datetime
    finished: datetime | None = None
    sources: list[SourceReport] = field(default_factory=list)
    error: str | None = None  # the run could not start (ERP login, KPIs)
    erp_failed: bool = False
    locked_by: str | None = None  # another worker's run holds the ERP's lock
    stopped: bool = False  # asked to stop before every source ran

    @property
    def rejected(self) -> int:
        return sum(len(report.rejected) for report in self.sources)

    @property
    def failed_sources(self) -> list[str]:
        return [report.name for report in self.sources if not report.ok]

    def exit_code(self) -> int:
        """3 when the ERP was unreachable or refused the login, 4 when another
        run held the lock, 1 when a source failed or rows were rejected, 0
        otherwise."""
        if self.erp_failed or any(report.erp_failed for report in self.sources):
            return EXIT_ERP
        if self.locked_by:
            return EXIT_LOCKED
        if self.error or self.failed_sources or self.rejected:
            return EXIT_PROBLEMS
        return EXIT_OK


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


def erp_failure(error: BaseException) -> bool:
    """Whether an error (or what caused it) is the ERP being unreachable or
    refusing the sync user, as opposed to a problem of one source or row."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, ErpUnavailable | AuthenticationError | ErpAccessError):
            return True
        error = error.__cause__ or error.__context__
    return False


def describe_error(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    if isinstance(error, SourceError | ErpError | StateError):
        return text
    return f"{type(error).__name__}: {fault_summary(text)}"


def default_start(today: date, period: str) -> date:
    """First day read by a source that has neither a cursor nor a `start`."""
    first = months_before(today, DEFAULT_LOOKBACK_MONTHS)
    return transform.period_bounds(first, period)[0]


def months_before(day: date, months: int) -> date:
    """The first day of the month `months` months before day's month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


class Runner:
    """Runs the configured sources once; see the module docstring."""

    def __init__(
        self,
        settings: Settings,
        erp: ErpClient,
        state: SyncState,
        *,
        source_factory: SourceFactory = build_source,
        today: date | None = None,
        stop: threading.Event | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.settings = settings
        self.erp = erp
        self.state = state
        self.source_factory = source_factory
        self.today = today
        self.stop = stop or threading.Event()
        self.clock = clock
        self._lock_token: str | None = None
        self._lease_renewed = 0.0  # clock() when the lease was last renewed
        self._lease_lost = False

    def run(
        self,
        only: Iterable[str] | None = None,
        since: date | None = None,
        contributions: bool = True,
        until: date | None = None,
        remeasure: bool = False,
    ) -> RunReport:
        """Sync the sources (all, or those named in `only`), reading from
        `since` instead of the cursors when given, then the contributions
        (of every training, changed or not, with `remeasure`)."""
        report = RunReport(run_id=new_run_id(), started=datetime.now())
        token = current_run_id.set(report.run_id)
        try:
            lock = self._acquire_lock(report)
            if lock:
                self.erp.before_batch = self._keep_lease
                try:
                    self._run(report, only, since, contributions, until, remeasure)
                finally:
                    self.erp.before_batch = None
                    self._release_lock(lock)
        finally:
            report.finished = datetime.now()
            self._log_summary(report)
            current_run_id.reset(token)
        return report

    def _acquire_lock(self, report: RunReport) -> str | None:
        """The ERP's lock for this run, or None (the report says why): one
        run at a time, whatever the host."""
        holder = f"{socket.gethostname()} pid {os.getpid()} run {report.run_id}"
        asked = self.clock()
        try:
            answer = self.erp.acquire_lock(holder, self.settings.lock_lease_seconds)
        except ErpError as error:
            report.error = f"cannot take the ERP's run lock: {error}"
            report.erp_failed = erp_failure(error)
            log_event(log, logging.ERROR, "run_aborted", error=report.error)
            return None
        if not answer.get("ok"):
            report.locked_by = (
                f"{answer.get('holder')} since {answer.get('since')} UTC "
                f"(lease until {answer.get('until')} UTC)"
            )
            report.error = f"another run is in progress: {report.locked_by}"
            log_event(log, logging.WARNING, "run_locked", holder=report.locked_by)
            return None
        self._lock_token = answer["token"]
        self._lease_renewed, self._lease_lost = asked, False
        return answer["token"]

    def _keep_lease(self) -> None:
        """Renew the lock's lease once RENEW_AFTER of it has passed since the
        last renewal. Called between steps, for each chunk a source streams
        and before each batch the ERP client sends or reads (its
        `before_batch`): by time, so a long source keeps the lock and a short
        run makes no extra call. Raises LeaseLost once another run took the
        lock over (only possible after the lease ran out)."""
        lease = self.settings.lock_lease_seconds
        now = self.clock()
        if not self._lock_token or now - self._lease_renewed < lease * RENEW_AFTER:
            return
        if not self.erp.renew_lock(self._lock_token, lease):
            self._lease_lost = True
            raise LeaseLost(LEASE_LOST)
        self._lease_renewed = now
        log_event(log, logging.DEBUG, "lock_renewed", lease_seconds=lease)

    def _heartbeat(self, report: RunReport) -> bool:
        """Keep the lease between steps: False (the report says why) when
        the lock is lost or the ERP is gone, which ends the run."""
        try:
            self._keep_lease()
        except LeaseLost as error:
            report.error = str(error)
            return False
        except ErpError as error:
            report.error = f"cannot renew the ERP's run lock: {error}"
            report.erp_failed = erp_failure(error)
            return False
        return True

    def _lost_lease(self, report: RunReport) -> bool:
        """Whether the step just run found the lock lost (its source says
        so and counts what was written); if so the run ends here."""
        if self._lease_lost:
            report.error = LEASE_LOST
            log_event(log, logging.ERROR, "run_aborted", error=report.error)
        return self._lease_lost

    def _release_lock(self, token: str) -> None:
        try:
            self.erp.release_lock(token)
        except ErpError as error:
            # The lease runs out by itself: the next run is not blocked.
            log_event(log, logging.WARNING, "lock_release_failed", error=str(error))
        self._lock_token = None

    def _run(
        self, report, only, since, contributions, until=None, remeasure=False
    ) -> None:
        today = self.today or date.today()
        configs = self.settings.sources
        if only is not None:
            wanted = set(only)
            configs = [config for config in configs if config.name in wanted]
        log_event(
            log,
            logging.INFO,
            "run_start",
            sources=",".join(config.name for config in configs) or "-",
            today=today.isoformat(),
        )
        try:
            kpis = self.erp.read_kpis()
        except ErpError as error:
            report.error = f"cannot read the KPIs from the ERP: {error}"
            report.erp_failed = erp_failure(error)
            log_event(log, logging.ERROR, "run_aborted", error=report.error)
            return
        for config in configs:
            if self.stop.is_set():
                report.stopped = True
                log_event(log, logging.WARNING, "run_stopped", before=config.name)
                return
            if not self._heartbeat(report):
                return
            report.sources.append(self.sync_source(config, kpis, today, since, until))
            if self._lost_lease(report):
                return
            if report.sources[-1].erp_failed:
                # The ERP is gone: every further call would retry in full.
                report.error = "the ERP stopped answering: the run ends here"
                log_event(log, logging.ERROR, "run_aborted", error=report.error)
                return
        if contributions and not self.stop.is_set() and self._heartbeat(report):
            report.sources.append(self.sync_contributions(kpis, today, remeasure))
            self._lost_lease(report)

    # ---------------------------------------------------------- sources --

    def window_start(self, config: SourceConfig, today: date, since=None) -> date:
        """First day to read: the start of the period holding the cursor (so a
        whole period is aggregated again), else the configured start."""
        first = since or self.state.cursor(config.name) or config.start
        if first is None:
            return default_start(today, config.period)
        return transform.period_bounds(min(first, today), config.period)[0]

    def sync_source(
        self,
        config: SourceConfig,
        kpis: dict[str, KpiInfo],
        today: date,
        since: date | None = None,
        until: date | None = None,
    ) -> SourceReport:
        """Sync one source from its cursor (or `since`) to today (or `until`,
        a backfill's end)."""
        report = SourceReport(
            config.name, start=self.window_start(config, today, since)
        )
        report.end = min(until, today) if until else today
        report.cursor = self.state.cursor(config.name)
        log_event(
            log,
            logging.INFO,
            "source_start",
            source=config.name,
            kind=config.kind,
            start=report.start.isoformat(),
            end=report.end.isoformat(),
        )
        try:
            report.erp_run_id = self.erp.start_run(config.name)
        except ErpError as error:
            return self._failed(report, error)
        error = None
        try:
            self._sync_source(config, kpis, report)
        except Exception as exc:  # one source never stops the others
            error = exc
            self._failed(report, exc)
        if not report.erp_failed:
            # With the ERP gone the run stays open there; the next run, taking
            # the lock, closes it as abandoned.
            self._finish_erp_run(report, error)
        return report

    def _sync_source(self, config, kpis, report: SourceReport) -> None:
        source = self.source_factory(config, self.erp)
        if hasattr(source, "read_stream"):
            self._sync_source_stream(source, config, kpis, report)
            return
        batch = source.read(report.start, report.end)
        report.rejected.extend(batch.rejected)
        records = self._in_window(batch.records, report.start, report.end)
        report.records = len(records) + len(batch.rejected)
        if records.empty:
            log_event(log, logging.INFO, "source_empty", source=config.name)
            return
        matched = self._match_employees(source, records, report)
        rows, rejected = (
            transform.kpi_value_rows(matched, kpis, config.period)
            if not matched.empty
            else ([], [])
        )
        report.rejected.extend(rejected)
        if rows:
            self._upsert(self.erp.upsert_kpi_values, rows, report)
        last_read = max(records["date"])
        cursor = max(filter(None, [report.cursor, last_read]))
        self.state.set_cursor(config.name, cursor)
        self.state.save()
        report.cursor = cursor

    def _sync_source_stream(self, source, config, kpis, report) -> None:
        """`_sync_source` for a source read in chunks (`read_stream`): each
        chunk is matched and aggregated as soon as it is read, so memory
        holds one chunk and the partial values, not the records. Same rows,
        rejections (in the same order) and cursor as reading it whole."""
        matches: dict[str, int | str] = {}  # shared by a second reading

        def new_sink():
            return _ValueSink(self, source, kpis, config.period, report, matches)

        sink, summary = source.read_stream(report.start, report.end, new_sink)
        report.rejected.extend(summary.rejected)
        report.records = sink.records + len(summary.rejected)
        if not sink.records:
            log_event(log, logging.INFO, "source_empty", source=config.name)
            return
        report.rejected.extend(_by_row(sink.unmatched))
        report.rejected.extend(_by_row(sink.unknown))
        rows = sink.aggregator.rows()
        if rows:
            self._upsert(self.erp.upsert_kpi_values, rows, report)
        cursor = max(filter(None, [report.cursor, sink.last_read]))
        self.state.set_cursor(config.name, cursor)
        self.state.save()
        report.cursor = cursor

    @staticmethod
    def _in_window(records: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
        """The records dated inside [start, end]: one dated earlier would be
        aggregated into a period read only in part."""
        if records.empty:
            return records
        inside = records["date"].map(lambda day: start <= day <= end)
        return records[inside.astype(bool)]

    def _match_employees(self, source: Source, records, report) -> pd.DataFrame:
        """The records with the matched employee_id; the others rejected."""
        result, rejected = self._match(source, records, report.name, {})
        report.rejected.extend(rejected)
        return result

    def _match(
        self, source: Source, records, name: str, matches: dict
    ) -> tuple[pd.DataFrame, list[Rejection]]:
        """The records with the matched employee_id, and a rejection for
        each of the others. The ERP is asked only for keys not in `matches`
        yet (what earlier chunks of the source already matched), which this
        fills in."""
        keys = records["employee_key"].astype(str)
        key_type = getattr(source, "employee_key_type", "barcode")
        new = [key for key in dict.fromkeys(keys) if key not in matches]
        if new:
            matches.update(self.erp.match_employees(key_type, new))
        found = keys.map(lambda key: matches.get(key))
        matched = found.map(lambda value: isinstance(value, int)).astype(bool)
        unmatched = records[~matched]
        raws = unmatched.drop(columns=["source", "row"], errors="ignore")
        rejected = [
            Rejection(
                name,
                None if pd.isna(record_id) else str(record_id),
                f"employee {key_type} {key!r}: "
                f"{matches.get(key) or 'no employee matches'}",
                raw=raw,
            )
            for record_id, key, raw in zip(
                unmatched["record_id"],
                keys[~matched],
                raws.to_dict("records"),
                strict=True,
            )
        ]
        result = records[matched].copy()
        result["employee_id"] = found[matched].astype("int64")
        return result, rejected

    # ---------------------------------------------------- contributions --

    def sync_contributions(
        self, kpis: dict[str, KpiInfo], today: date, remeasure: bool = False
    ) -> SourceReport:
        """Measure the completed trainings whose inputs changed since they
        were last measured (all of them with `remeasure`) and upsert their
        contributions."""
        report = SourceReport(CONTRIBUTIONS, end=today)
        log_event(log, logging.INFO, "source_start", source=CONTRIBUTIONS)
        try:
            report.erp_run_id = self.erp.start_run(CONTRIBUTIONS)
        except ErpError as error:
            return self._failed(report, error)
        error = None
        try:
            self._sync_contributions(kpis, today, report, remeasure)
        except Exception as exc:
            error = exc
            self._failed(report, exc)
        self._finish_erp_run(report, error)
        return report

    def _sync_contributions(self, kpis, today, report, remeasure=False) -> None:
        report.start = months_before(today, CONTRIBUTION_LOOKBACK_MONTHS)
        completed = self.erp.read_completed(report.start)
        # A training is measured once its post window has ended.
        attendances = [
            attendance
            for attendance in completed
            if set(attendance.get("kpi_codes") or []) & set(kpis)
            and transform.post_window_ended(attendance, today)
        ]
        report.records = len(attendances)
        # Digests first: the groups' members only for the trainings measured.
        groups = self.erp.comparison_groups(
            [a["attendance_id"] for a in attendances], compact=True
        )
        comparison = {}
        keys = {}
        measured = []
        for attendance in attendances:
            attendance_id = attendance["attendance_id"]
            answer = groups.get(attendance_id) or {"reason": "no comparison group"}
            if "reason" in answer:
                _reject_training(report, attendance_id, answer["reason"])
                continue
            key = self._measurement_key(attendance, answer, kpis)
            last = self.state.measured.get(attendance_id)
            if (
                not remeasure
                and key is not None
                and last is not None
                and (last.key, last.kpis) == (key, tuple(answer["measured_kpis"]))
            ):
                report.skipped += 1
                report.held_back += last.held  # still waiting for data
                continue
            comparison[attendance_id] = answer
            keys[attendance_id] = key
            measured.append(attendance)
        self._forget_measurements(completed)
        self._add_members(comparison, measured, report)
        if measured:
            sent, held = self._measure(measured, comparison, kpis, today, report)
            self._remember_measurements(keys, comparison, sent, held, report)
        self.state.save()

    def _add_members(self, comparison, measured: list[dict], report) -> None:
        """Put the members of their groups into the answers of the trainings
        to measure that only told their digest; a training the ERP no longer
        answers for is rejected and left out of `measured`."""
        missing = [
            attendance_id
            for attendance_id, answer in comparison.items()
            if "groups" not in answer
        ]
        if not missing:
            return
        full = self.erp.comparison_groups(missing)
        for attendance_id in missing:
            answer = full.get(attendance_id) or {"reason": "no comparison group"}
            if "reason" in answer:
                _reject_training(report, attendance_id, answer["reason"])
                del comparison[attendance_id]
            else:
                comparison[attendance_id]["groups"] = answer["groups"]
        measured[:] = [a for a in measured if a["attendance_id"] in comparison]

    def _measure(self, attendances, comparison, kpis, today, report):
        """Measure these trainings and upsert the contributions that have
        enough data points: the rows sent, and per training the number of
        rows held back."""
        values = self._kpi_values(attendances, comparison, kpis)
        rows = transform.contribution_rows(values, attendances, comparison, kpis, today)
        minimum = self.settings.min_points
        ready = [
            row
            for row in rows
            if row["baseline_points"] >= minimum and row["post_points"] >= minimum
        ]
        held = Counter(row["attendance_id"] for row in rows) - Counter(
            row["attendance_id"] for row in ready
        )
        report.held_back += held.total()
        if ready:
            self._upsert(self.erp.upsert_contributions, ready, report)
        return ready, held

    def _measurement_key(self, attendance, answer, kpis) -> str | None:
        """A digest of everything a training's contributions are measured
        on: the training as the ERP told it, the digest of its comparison
        groups, the ERP's digest of the stored values of its trainee and
        peers over the measured months, its KPIs' definitions, the minimum
        of data points and the version of the measurement. None when the ERP
        does not tell the values' digest (an older add-on): then it is
        always measured."""
        if "inputs" not in answer:
            return None
        codes = sorted(code for code in attendance["kpi_codes"] if code in kpis)
        inputs = {
            "measurement": [__version__, transform.MEASUREMENT_VERSION],
            "attendance": attendance,
            "min_peers": answer["min_peers"],
            "groups": answer["groups_digest"],
            "values": answer["inputs"],
            "kpis": [dataclasses.astuple(kpis[code]) for code in codes],
            "min_points": self.settings.min_points,
        }
        text = json.dumps(inputs, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def _forget_measurements(self, completed: list[dict]) -> None:
        """Keep the measurements of the trainings still read only."""
        listed = {attendance["attendance_id"] for attendance in completed}
        for attendance_id in set(self.state.measured) - listed:
            del self.state.measured[attendance_id]

    def _remember_measurements(self, keys, comparison, sent, held, report) -> None:
        """Remember what each training just measured rested on, once the ERP
        took its rows (or there were none to send): its next run leaves it
        alone until that changes. A training with a row the ERP refused is
        measured again next time."""
        refused = {
            sent[number]["attendance_id"]
            for number in report.erp_refused_rows
            if 0 <= number < len(sent)
        }
        kpis_sent = {}
        for row in sent:
            kpis_sent.setdefault(row["attendance_id"], set()).add(row["kpi_code"])
        for attendance_id, key in keys.items():
            answer = comparison.get(attendance_id)
            if key is None or answer is None or attendance_id in refused:
                self.state.measured.pop(attendance_id, None)
                continue
            measured = set(answer["measured_kpis"])
            kpis = tuple(sorted(measured | kpis_sent.get(attendance_id, set())))
            self.state.measured[attendance_id] = Measured(
                key, kpis, held[attendance_id]
            )

    def _kpi_values(self, attendances, comparison, kpis) -> pd.DataFrame:
        """Stored monthly values of the trainees and their peers, for the
        course KPIs, from the earliest baseline window on."""
        employees = {attendance["employee_id"] for attendance in attendances}
        for answer in comparison.values():
            for group in answer["groups"]:
                employees.update(group["employee_ids"])
        codes = {code for a in attendances for code in a["kpi_codes"] if code in kpis}
        # Three baseline windows back: the baseline and the prior months
        # that tell the usual level (regression to the mean).
        earliest = min(
            months_before(
                date.fromisoformat(a["completion_date"]),
                3 * a["baseline_window_months"],
            )
            for a in attendances
        )
        code_by_id = {kpis[code].id: code for code in codes}
        stored = self.erp.read_kpi_values(employees, code_by_id, earliest)
        return pd.DataFrame(
            [
                {
                    "employee_id": value["employee_id"],
                    "kpi_code": code_by_id[value["kpi_id"]],
                    "period_start": value["period_start"],
                    "value": value["value"],
                }
                for value in stored
            ],
            columns=["employee_id", "kpi_code", "period_start", "value"],
        )

    # ---------------------------------------------------------- helpers --

    @staticmethod
    def _upsert(send, rows: list[dict], report: SourceReport) -> None:
        """Send rows; what the ERP wrote is counted even when a later batch
        fails, so the summary of a failed run never under-reports."""
        summary = UpsertSummary()
        try:
            send(rows, report.erp_run_id, summary)
        finally:
            report.add(summary)

    def _failed(self, report: SourceReport, error: BaseException) -> SourceReport:
        report.error = describe_error(error)
        report.erp_failed = erp_failure(error)
        expected = isinstance(error, SourceError | ErpError | StateError)
        log_event(
            log,
            logging.ERROR,
            "source_failed",
            exc_info=None if expected else error,
            source=report.name,
            erp_run_id=report.erp_run_id,
            error=report.error,
        )
        return report

    def _finish_erp_run(self, report: SourceReport, error: BaseException | None):
        try:
            self.erp.finish_run(
                report.erp_run_id,
                report.error if error else None,
                report.worker_rejected,
                report.skipped,
            )
        except ErpError as exc:
            log_event(
                log,
                logging.ERROR,
                "finish_run_failed",
                source=report.name,
                erp_run_id=report.erp_run_id,
                error=str(exc),
            )
            if report.ok:
                report.error = f"cannot close the ERP sync run: {exc}"
            report.erp_failed = report.erp_failed or erp_failure(exc)

    def _log_summary(self, report: RunReport) -> None:
        for source in report.sources:
            level = (
                logging.INFO if source.ok and not source.rejected else logging.WARNING
            )
            log_event(
                log,
                level,
                "source_summary",
                source=source.name,
                erp_run_id=source.erp_run_id,
                read=source.records,
                sent=source.rows,
                created=source.created,
                updated=source.updated,
                unchanged=source.unchanged,
                rejected=len(source.rejected),
                held_back=source.held_back,
                skipped=source.skipped,
                cursor=source.cursor.isoformat() if source.cursor else None,
                error=source.error,
            )
            for rejection in source.rejected[:MAX_LOGGED_REJECTIONS]:
                log_event(
                    log,
                    logging.WARNING,
                    "rejected",
                    source=rejection.source,
                    record_id=rejection.record_id,
                    reason=rejection.reason,
                )
            hidden = len(source.rejected) - MAX_LOGGED_REJECTIONS
            if hidden > 0:
                log_event(
                    log,
                    logging.WARNING,
                    "rejected_not_logged",
                    source=source.name,
                    count=hidden,
                )
        log_event(
            log,
            logging.INFO,
            "run_end",
            exit_code=report.exit_code(),
            sources=len(report.sources),
            failed=",".join(report.failed_sources) or None,
            rejected=report.rejected,
            error=report.error,
            seconds=round((report.finished - report.started).total_seconds(), 2),
        )


class _ValueSink:
    """One source's records, chunk by chunk (a RecordSink): kept inside the
    run's window, matched (the ERP asked only for new keys) and aggregated
    into partial KPI values. Rejections are kept with their row, to be
    reported in the order of the rows."""

    def __init__(self, runner, source, kpis, period, report, matches):
        self.runner = runner
        self.source = source
        self.report = report
        self.matches = matches
        self.aggregator = transform.KpiAggregator(kpis, period)
        self.records = 0  # good records inside the window
        self.last_read: date | None = None
        self.unmatched: list[tuple[int, Rejection]] = []
        self.unknown: list[tuple[int, Rejection]] = []

    def add(self, records: pd.DataFrame) -> None:
        # A long reading keeps the lock even when it asks the ERP nothing.
        self.runner._keep_lease()
        records = Runner._in_window(records, self.report.start, self.report.end)
        if records.empty:
            return
        self.records += len(records)
        last = max(records["date"])
        self.last_read = max(filter(None, [self.last_read, last]))
        unmatched_rows = records["row"]
        matched, rejected = self.runner._match(
            self.source, records, self.report.name, self.matches
        )
        unmatched_rows = unmatched_rows[~unmatched_rows.isin(matched["row"])]
        self.unmatched.extend(zip(unmatched_rows.tolist(), rejected, strict=True))
        if matched.empty:
            return
        unknown = self.aggregator.add(matched)
        codes = matched["kpi_code"].astype("string").str.strip().str.upper()
        unknown_rows = matched["row"][~codes.isin(list(self.aggregator.kpis))]
        self.unknown.extend(zip(unknown_rows.tolist(), unknown, strict=True))


def _reject_training(report: SourceReport, attendance_id: int, reason: str) -> None:
    report.rejected.append(
        Rejection(CONTRIBUTIONS, f"attendance {attendance_id}", reason)
    )


def _by_row(rejections: list[tuple[int, Rejection]]) -> list[Rejection]:
    return [rejection for _row, rejection in sorted(rejections, key=lambda p: p[0])]


def run_once(
    settings: Settings,
    erp: ErpClient,
    state: SyncState | None = None,
    **options,
) -> RunReport:
    """Convenience: one run of every source with the state of the settings."""
    state = state if state is not None else SyncState.load(settings.state_path)
    runner_options = {
        key: options.pop(key)
        for key in ("source_factory", "today", "stop", "clock")
        if key in options
    }
    return Runner(settings, erp, state, **runner_options).run(**options)


__all__ = [
    "CONTRIBUTIONS",
    "EXIT_CONFIG",
    "EXIT_ERP",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "LeaseLost",
    "RunReport",
    "Runner",
    "SourceReport",
    "run_once",
]
