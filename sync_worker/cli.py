"""Command line: ``python -m sync_worker`` or ``trainlink-sync``.

    trainlink-sync run-once --config worker.toml   # one run, then exit
    trainlink-sync schedule --config worker.toml   # a run every N minutes
    trainlink-sync check    --config worker.toml   # config, ERP login, KPIs

Exit status:
    0  everything synced (check: configuration and ERP fine)
    1  finished, but rows were rejected or a source failed (check: a source
       cannot be built or names a KPI the ERP does not have)
    2  configuration error (bad or missing setting, unreadable config or state
       file); the message names the field
    3  the ERP is unreachable (after retries) or refused the login / the sync
       user's rights
    4  another run holds the ERP's run lock (run-once); the message says who
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from datetime import date
from pathlib import Path

import schedule

from sync_worker import __version__, current_run_id, log_event
from sync_worker.config import ConfigError, Settings, load_settings
from sync_worker.dry_run import DryRunErp, DryRunState, print_would_send
from sync_worker.odoo import (
    AuthenticationError,
    ErpAccessError,
    ErpClient,
    ErpError,
    connect,
)
from sync_worker.rejects import append_rejects
from sync_worker.runner import (
    EXIT_CONFIG,
    EXIT_ERP,
    EXIT_OK,
    EXIT_PROBLEMS,
    Runner,
    RunReport,
)
from sync_worker.sources import build_source
from sync_worker.state import StateError, SyncState

log = logging.getLogger("sync_worker.cli")

PROG = "trainlink-sync"
# Longest sleep of the scheduler loop: how fast it notices a stop request
# and how often it refreshes the heartbeat file.
LOOP_TICK_SECONDS = 5.0
MAX_PRINTED_REJECTIONS = 200


# ----------------------------------------------------------------- logging --


class RunIdFilter(logging.Filter):
    """Put the id of the run in progress on every record ("-" outside runs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.run_id = current_run_id.get() or "-"
        return True


class RedactingFormatter(logging.Formatter):
    """Formats as text or JSON, and blanks out every known secret."""

    def __init__(self, json_lines: bool = False):
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s run=%(run_id)s %(message)s"
        )
        self.json_lines = json_lines
        self.secrets: set[str] = set()

    def format(self, record: logging.LogRecord) -> str:
        if self.json_lines:
            entry = {
                "time": self.formatTime(record),
                "level": record.levelname,
                "logger": record.name,
                "run_id": getattr(record, "run_id", "-"),
                "event": getattr(record, "event", None),
                "message": record.getMessage(),
                **{
                    key: value if _jsonable(value) else str(value)
                    for key, value in getattr(record, "fields", {}).items()
                },
            }
            if record.exc_info:
                entry["traceback"] = self.formatException(record.exc_info)
            text = json.dumps(entry, ensure_ascii=False)
        else:
            text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def _jsonable(value) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def setup_logging(level: str = "INFO", fmt: str = "text") -> RedactingFormatter:
    formatter = RedactingFormatter(json_lines=fmt == "json")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    handler.addFilter(RunIdFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_trainlink", False):
            root.removeHandler(old)
    handler._trainlink = True  # so that a second setup replaces, not doubles
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Third-party chatter (odoorpc logs its requests at DEBUG) stays quiet.
    for name in ("odoorpc", "urllib3"):
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
    return formatter


# ----------------------------------------------------------------- parsing --


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--rejects-file",
        type=Path,
        default=os.environ.get("TRAINLINK_REJECTS_FILE") or None,
        metavar="PATH",
        help="append every rejected row (run, source, record id, reason, the "
        "row as read) to this CSV file",
    )
    common.add_argument(
        "--config",
        type=Path,
        default=os.environ.get("TRAINLINK_CONFIG") or None,
        help="TOML (or YAML) settings file; TRAINLINK_* environment variables "
        "override it (default: $TRAINLINK_CONFIG, else the environment only)",
    )
    common.add_argument(
        "--log-level",
        default=os.environ.get("TRAINLINK_LOG_LEVEL", "INFO"),
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        type=str.upper,
    )
    common.add_argument(
        "--log-format",
        default=os.environ.get("TRAINLINK_LOG_FORMAT", "text"),
        choices=["text", "json"],
        help="text: 'time level logger run=ID event key=value ...'; json: one "
        "object per line",
    )
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="TrainLink sync worker: pulls KPI records from business "
        "systems into Odoo (trainlink_performance).",
        epilog="Exit status: 0 ok; 1 rows rejected or a source failed; "
        "2 configuration error; 3 ERP unreachable or login refused; "
        "4 another run holds the ERP's run lock.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run_once = commands.add_parser(
        "run-once", parents=[common], help="sync every source once, then exit"
    )
    run_once.add_argument(
        "--source",
        action="append",
        dest="sources",
        metavar="NAME",
        help="sync only this source (repeatable)",
    )
    run_once.add_argument(
        "--since",
        type=_date,
        metavar="YYYY-MM-DD",
        help="read from the period holding this date instead of the cursors "
        "(to re-read after fixing rejected rows)",
    )
    run_once.add_argument(
        "--until",
        type=_date,
        metavar="YYYY-MM-DD",
        help="read up to this date instead of today (a backfill over a range, "
        "with --since); a progress bar shows on a terminal",
    )
    run_once.add_argument(
        "--no-contributions",
        action="store_true",
        help="skip measuring the contributions of completed trainings",
    )
    run_once.add_argument(
        "--remeasure",
        action="store_true",
        help="measure every completed training again, even those whose inputs "
        "did not change since they were last measured",
    )
    run_once.add_argument(
        "--dry-run",
        action="store_true",
        help="read, match, aggregate and measure, print what would be written "
        "(counts and a sample), write nothing (nor move the cursors)",
    )

    run_schedule = commands.add_parser(
        "schedule",
        parents=[common],
        help="run now, then every schedule_every_minutes, until SIGTERM/SIGINT",
    )
    run_schedule.add_argument(
        "--heartbeat-file",
        type=Path,
        default=os.environ.get("TRAINLINK_HEARTBEAT_FILE") or None,
        help="file touched while the scheduler loop is alive (for health checks)",
    )

    commands.add_parser(
        "check",
        parents=[common],
        help="check the configuration and the ERP login; list KPIs and sources",
    )
    return parser


# ---------------------------------------------------------------- commands --


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    formatter = setup_logging(args.log_level, args.log_format)
    try:
        settings = load_settings(args.config)
    except ConfigError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return EXIT_CONFIG
    formatter.secrets.add(settings.odoo_password.get_secret_value())
    formatter.secrets.discard("")
    command = {"run-once": cmd_run_once, "schedule": cmd_schedule, "check": cmd_check}
    try:
        return command[args.command](settings, args)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def _load_state(settings: Settings) -> SyncState | None:
    try:
        return SyncState.load(settings.state_path)
    except StateError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return None


def cmd_run_once(settings: Settings, args) -> int:
    unknown = sorted(set(args.sources or []) - {s.name for s in settings.sources})
    if unknown:
        print(
            f"{PROG}: --source: no source named {', '.join(unknown)} "
            f"(configured: {', '.join(s.name for s in settings.sources)})",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    state = _load_state(settings)
    if state is None:
        return EXIT_CONFIG
    erp = connect(settings)
    if sys.stderr.isatty():
        erp.progress = ProgressBar(sys.stderr)
    if args.dry_run:
        erp = DryRunErp(erp)
        state = DryRunState(state.path, state.cursors, state.measured)
    runner = Runner(settings, erp, state)
    report = runner.run(
        only=args.sources,
        since=args.since,
        contributions=not args.no_contributions,
        until=args.until,
        remeasure=args.remeasure,
    )
    print_report(report)
    if args.dry_run:
        print_would_send(erp, sys.stdout)
    _write_rejects(args.rejects_file, report)
    return report.exit_code()


def _write_rejects(path: Path | None, report) -> None:
    """Append the run's rejected rows to the rejects file, if one is set; a
    file that cannot be written is logged, never fails the run."""
    if not path:
        return
    try:
        count = append_rejects(path, report)
    except OSError as error:
        log_event(log, logging.ERROR, "rejects_file_failed", error=str(error))
        return
    if count:
        log_event(log, logging.INFO, "rejects_written", file=str(path), rows=count)


class ProgressBar:
    """A one-line bar of the batches sent, redrawn in place on a terminal
    (without one, the log lines "upsert_progress" tell the same)."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream

    def __call__(self, model, batch, batches, sent, total):
        done = int(self.WIDTH * sent / total) if total else self.WIDTH
        bar = "#" * done + "-" * (self.WIDTH - done)
        end = "\n" if batch == batches else ""
        self.stream.write(
            f"\r{model} [{bar}] {batch}/{batches} batches, {sent:,}/{total:,} rows{end}"
        )
        self.stream.flush()


def print_report(report: RunReport, out=None) -> None:
    """The run's summary for people (cron mails it): one line per source,
    then the rejected rows with their reasons."""
    out = out or sys.stdout
    code = report.exit_code()
    print(f"run {report.run_id}: exit status {code}", file=out)
    if report.error:
        print(f"  error: {report.error}", file=out)
    header = ("source", "read", "sent", "created", "updated", "unchanged", "rejected")
    rows = [
        (
            s.name,
            s.records,
            s.rows,
            s.created,
            s.updated,
            s.unchanged,
            len(s.rejected),
            "ok" if s.ok else f"FAILED: {s.error}",
        )
        for s in report.sources
    ]
    if rows:
        width = max(len(header[0]), *(len(row[0]) for row in rows))
        print(
            f"  {header[0]:<{width}} " + " ".join(f"{h:>9}" for h in header[1:]),
            file=out,
        )
        for row in rows:
            numbers = " ".join(f"{n:>9}" for n in row[1:7])
            print(f"  {row[0]:<{width}} {numbers}  {row[7]}", file=out)
    for source in report.sources:
        if source.skipped:
            print(
                f"  {source.name}: {source.skipped} trainings left alone, their "
                "inputs unchanged since they were last measured (--remeasure "
                "measures them again)",
                file=out,
            )
    rejections = [r for s in report.sources for r in s.rejected]
    if rejections:
        print("rejected:", file=out)
        for rejection in rejections[:MAX_PRINTED_REJECTIONS]:
            print(
                f"  {rejection.source} {rejection.record_id or '-'}: "
                f"{rejection.reason}",
                file=out,
            )
        if len(rejections) > MAX_PRINTED_REJECTIONS:
            print(
                f"  ... and {len(rejections) - MAX_PRINTED_REJECTIONS} more "
                "(see the log)",
                file=out,
            )
    if report.stopped:
        print("stopped before every source ran", file=out)


def cmd_check(settings: Settings, args, out=None) -> int:
    out = out or sys.stdout
    state = _load_state(settings)
    if state is None:
        return EXIT_CONFIG
    erp = connect(settings)
    print(
        f"configuration: ok ({len(settings.sources)} source(s), "
        f"transport {settings.odoo_transport})",
        file=out,
    )
    try:
        uid = erp.login()
        kpis = erp.read_kpis()
    except ErpError as error:
        print(f"ERP {settings.odoo_url} database {settings.odoo_db}: {error}", file=out)
        if isinstance(error, ErpAccessError):
            print(
                f"  is {settings.odoo_login!r} in the group 'TrainLink: Sync Worker'?",
                file=out,
            )
        return EXIT_ERP
    print(
        f"ERP: logged in to {settings.odoo_url} database {settings.odoo_db} "
        f"as {settings.odoo_login!r} (uid {uid})",
        file=out,
    )
    print(f"KPIs ({len(kpis)}):", file=out)
    for code, kpi in sorted(kpis.items()):
        print(
            f"  {code:<20} aggregation {kpi.aggregation:<5} "
            f"direction {kpi.direction:<6} company {kpi.company_id}",
            file=out,
        )
    problems = 0
    print(f"sources ({len(settings.sources)}):", file=out)
    for config in settings.sources:
        kpi = config.kpi_code or f"column {config.kpi_column or '(mapped)'}"
        cursor = state.cursor(config.name)
        print(
            f"  {config.name}: kind {config.kind}, KPI {kpi}, employees by "
            f"{config.employee_key_type}, per {config.period}, cursor "
            f"{cursor.isoformat() if cursor else 'none (first run)'}",
            file=out,
        )
        issues = []
        if config.kpi_code and config.kpi_code.strip().upper() not in kpis:
            issues.append(f"KPI {config.kpi_code} does not exist in the ERP")
        try:
            build_source(config, erp)
        except Exception as error:  # report every source's problem
            issues.append(str(error))
        for issue in issues:
            print(f"    PROBLEM: {issue}", file=out)
        problems += len(issues)
    if problems:
        print(f"{problems} problem(s) found", file=out)
        return EXIT_PROBLEMS
    print("all good", file=out)
    return EXIT_OK


class StopFlag:
    """A stop request that a signal handler may set at any instant.

    threading.Event.set() takes the event's lock, which the main thread may
    hold inside Event.wait() when the signal arrives: the handler then waits
    for itself forever. Setting this flag is one assignment, and wait()
    sleeps in short slices, so a signal is honoured within a slice.
    """

    SLICE_SECONDS = 0.2

    def __init__(self):
        self.signum: int | None = None
        self._set = False

    def set(self, signum: int | None = None) -> None:
        self.signum = signum
        self._set = True

    def is_set(self) -> bool:
        return self._set

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self._set:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(left, self.SLICE_SECONDS))
        return self._set


class Scheduler:
    """Runs the worker every N minutes until asked to stop.

    A run that raises is logged and the next one still comes: nothing that
    happens inside a run ends the loop. SIGTERM and SIGINT end it after the
    source in progress (a second signal ends it at once).
    """

    def __init__(
        self,
        settings: Settings,
        erp: ErpClient | None = None,
        heartbeat: Path | None = None,
        stop: threading.Event | StopFlag | None = None,
        runner_factory=Runner,
        interval_seconds: float | None = None,
        rejects_file: Path | None = None,
    ):
        self.settings = settings
        self.erp = erp or connect(settings)
        self.heartbeat = heartbeat
        self.stop = stop or StopFlag()
        self.runner_factory = runner_factory
        self.rejects_file = rejects_file
        self.interval_seconds = interval_seconds or settings.schedule_every_minutes * 60
        self.scheduler = schedule.Scheduler()
        self.runs = 0
        self.last_report: RunReport | None = None

    def groups(self) -> list[tuple[float, list[str] | None]]:
        """(interval in seconds, source names) of the scheduled jobs: sources
        with their own `every_minutes` run on their own job; the others (and
        the contributions) on the default interval. None: every source."""
        default = self.interval_seconds
        by_interval: dict[float, list[str]] = {}
        for config in self.settings.sources:
            interval = config.every_minutes * 60 if config.every_minutes else default
            by_interval.setdefault(interval, []).append(config.name)
        if len(by_interval) <= 1:
            return [(next(iter(by_interval), default), None)]
        groups = [(interval, names) for interval, names in by_interval.items()]
        if default not in by_interval:
            groups.append((default, []))  # the contributions' own job
        return sorted(groups, key=lambda group: group[0] != default)

    def run_job(
        self, only: list[str] | None = None, contributions: bool = True
    ) -> None:
        """One scheduled run; never raises (schedule would retry it at once)."""
        self.runs += 1
        try:
            state = SyncState.load(self.settings.state_path)
            runner = self.runner_factory(self.settings, self.erp, state, stop=self.stop)
            options = {} if only is None else {"only": only}
            if not contributions:
                options["contributions"] = False
            self.last_report = runner.run(**options)
            _write_rejects(self.rejects_file, self.last_report)
        except Exception as error:
            log_event(
                log,
                logging.ERROR,
                "scheduled_run_failed",
                exc_info=None if isinstance(error, StateError | ErpError) else error,
                error=str(error),
            )
        finally:
            self.beat()
        next_run = self.scheduler.next_run
        log_event(
            log,
            logging.INFO,
            "next_run",
            at=next_run.isoformat(timespec="seconds") if next_run else None,
        )

    def beat(self) -> None:
        if self.heartbeat:
            try:
                self.heartbeat.parent.mkdir(parents=True, exist_ok=True)
                self.heartbeat.touch()
            except OSError as error:
                log_event(
                    log,
                    logging.WARNING,
                    "heartbeat_failed",
                    file=str(self.heartbeat),
                    error=str(error),
                )

    def loop(self) -> None:
        for interval, names in self.groups():
            # The contributions are measured with the default interval's job.
            default = interval == self.interval_seconds
            self.scheduler.every(interval).seconds.do(self.run_job, names, default)
            log_event(
                log,
                logging.INFO,
                "schedule_start",
                every_minutes=round(interval / 60, 2),
                sources=",".join(names) if names is not None else "all",
            )
        self.beat()
        self.run_job()  # the first run now, every source, not in N minutes
        while not self.stop.is_set():
            self.scheduler.run_pending()
            self.beat()
            idle = self.scheduler.idle_seconds
            tick = LOOP_TICK_SECONDS if idle is None else min(idle, LOOP_TICK_SECONDS)
            self.stop.wait(max(0.0, tick))
        self.log_stop_request()
        self.scheduler.clear()
        log_event(log, logging.INFO, "schedule_stop", runs=self.runs)

    def log_stop_request(self) -> None:
        signum = getattr(self.stop, "signum", None)
        if signum:
            log_event(
                log, logging.INFO, "stop_requested", signal=signal.Signals(signum).name
            )


def cmd_schedule(settings: Settings, args) -> int:
    if _load_state(settings) is None:
        return EXIT_CONFIG
    erp = connect(settings)
    try:
        erp.login()
    except AuthenticationError as error:
        # A wrong password does not fix itself: fail fast.
        print(f"{PROG}: {error}", file=sys.stderr)
        return EXIT_ERP
    except ErpError as error:
        # Unreachable now (still starting?): the scheduled runs will retry.
        log_event(log, logging.WARNING, "erp_unreachable_at_start", error=str(error))
    scheduler = Scheduler(
        settings, erp, heartbeat=args.heartbeat_file, rejects_file=args.rejects_file
    )
    previous = {}

    def request_stop(signum, frame):
        # Only flag assignments here: no lock, no logging (the main thread
        # may be holding either when the signal arrives).
        if scheduler.stop.is_set():
            os._exit(128 + signum)  # second signal: stop now, whatever runs
        scheduler.stop.set(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, request_stop)
    try:
        scheduler.loop()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return EXIT_OK
