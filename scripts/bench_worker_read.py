#!/usr/bin/env python3
"""Benchmark of the sync worker on 1,000,000 raw CSV lines (1,000 employees,
12 months) aggregated into the 12,000 monthly KPI values a run upserts.

Without ``--url``, the reading side in this process, without Odoo: the lines
read in chunks, checked, matched (an id per distinct badge, as the ERP would
answer) and aggregated into the 12,000 values::

    scripts/bench_worker_read.py [--lines 1000000] [--employees 1000]

With ``--url`` and ``--db``, end to end against a real Odoo 18 with the
add-on installed::

    .venv/bin/python scripts/bench_worker_read.py --url http://localhost:8069 \\
        --db bench [--login admin] [--password admin] [--single-rows 1000]

1. Fixtures, prepared over XML-RPC as the admin account given by ``--login``
   and ``--password`` and reused on later runs: those of
   scripts/bench_kpi_upsert.py (the KPI ``BENCH_VALUE`` the CSV source maps
   to, employees "Bench Employee 001"... in the admin's company), the
   employees given the CSV's badges (barcodes B00000...) once, and the sync
   user ``bench_worker_sync`` in the sync group, whose password is reset to
   a random one on every run and shown nowhere. Values of this benchmark's
   two sources left by a previous run are deleted first, so that every value
   is created afresh (on a reused database the deleted rows' dead index
   entries slow the inserts until autovacuum has run: compare figures taken
   on fresh databases).
2. The worker's real run (``Runner.run``) of one CSV source over the generated
   file, as that sync user over XML-RPC: lock, read, check, match (asking the
   ERP), aggregate and upsert the 12,000 values in batches of ``--batch``.
   Timed from building the ERP client to the end of the run, with the peak
   memory (resident set size) of this process.
3. A naive integration: the same values written one row per call through
   ``trainlink.kpi.value.api_upsert`` under another source (so they are
   created, not found unchanged). Only the first ``--single-rows`` of them
   (default 1,000) are sent; the time for all of them is extrapolated from
   that sample, and the output says so.

Each figure is printed beside its limit with PASS or FAIL: under 30 s and
under 400 MB on a 2-core machine (issue 14), the values all created in Odoo
(end to end), and the end-to-end time beside the one-row-per-call time for
the same values, with their ratio (no limit). The values are left in the
database. Without Odoo, the upsert alone is measured by
scripts/bench_kpi_upsert.py.

Exit status: 0 when every comparison passes, 1 when one fails (or the API
answers wrongly), 2 when the end-to-end benchmark cannot be set up.
"""

from __future__ import annotations

import argparse
import resource
import secrets
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sync_worker.config import SourceConfig  # noqa: E402
from sync_worker.odoo import KpiInfo  # noqa: E402
from sync_worker.sources import files  # noqa: E402
from sync_worker.sources.files import FileSource  # noqa: E402
from sync_worker.transform import KpiAggregator  # noqa: E402

LIMIT_SECONDS = 30.0
LIMIT_MB = 400.0
# End to end (--url): the fixtures and the sources' names.
SYNC_LOGIN = "bench_worker_sync"
SOURCE = "bench_worker_csv"
# The naive integration's rows: another source, so they are created.
SINGLE_SOURCE = "bench_worker_single"


def time_and_memory_checks(label: str, seconds: float, peak_mb: float) -> list:
    """(measure, figure, limit, passed) of the time and the peak memory."""
    return [
        (
            label,
            f"{seconds:.1f} s",
            f"< {LIMIT_SECONDS:.0f} s",
            seconds < LIMIT_SECONDS,
        ),
        (
            "peak memory (RSS)",
            f"{peak_mb:.0f} MB",
            f"< {LIMIT_MB:.0f} MB",
            peak_mb < LIMIT_MB,
        ),
    ]


def write_csv(path: Path, lines: int, employees: int) -> None:
    """`lines` sales lines spread over 2024, one badge per employee."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write("id,badge,day,amount\n")
        for index in range(lines):
            month = index // employees % 12 + 1
            day = index // (employees * 12) % 28 + 1
            badge = f"B{index % employees:05d}"
            handle.write(
                f"{index},{badge},2024-{month:02d}-{day:02d},{index % 997}.5\n"
            )


def source_config(name: str, path: Path, kpi_code: str) -> SourceConfig:
    """The CSV source of the generated file, as a worker's config names it."""
    return SourceConfig(
        name=name,
        kind="csv",
        kpi_code=kpi_code,
        start=date(2024, 1, 1),
        options={"path": str(path)},
        columns={
            "record_id": "id",
            "employee_key": "badge",
            "date": "day",
            "value": "amount",
        },
    )


def peak_rss_mb() -> float:
    """The peak resident set size of this process so far (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def print_checks(checks, width=26, figure_width=14) -> None:
    """The figures beside their limits; `ok` None means no limit."""
    print(f"{'measure':<{width}}{'figure':<{figure_width}}{'limit':<12}result")
    for name, figure, limit, ok in checks:
        result = "-" if ok is None else "PASS" if ok else "FAIL"
        print(f"{name:<{width}}{figure:<{figure_width}}{limit:<12}{result}")


class BenchSink:
    """What the runner does with each chunk (runner._ValueSink), without the
    ERP: matching (the ERP answers one id per distinct badge, asked once per
    new badge) and aggregation into partial monthly values."""

    def __init__(self, kpis):
        self.aggregator = KpiAggregator(kpis, "month")
        self.ids: dict[str, int] = {}
        self.unknown = []

    def add(self, records) -> None:
        keys = records["employee_key"].astype(str)
        for key in keys.unique():
            self.ids.setdefault(key, len(self.ids) + 1)
        matched = records.assign(employee_id=keys.map(self.ids).astype("int64"))
        self.unknown.extend(self.aggregator.add(matched))


def run_read(args) -> int:
    """The reading side alone, in this process, without Odoo."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sales.csv"
        write_csv(path, args.lines, args.employees)
        config = source_config("bench", path, "SALES")
        kpis = {"SALES": KpiInfo(1, "SALES", "higher", "sum", 1, 1.0)}
        source = FileSource(config)
        started = time.perf_counter()
        sink, summary = source.read_stream(
            date(2024, 1, 1), date(2024, 12, 31), lambda: BenchSink(kpis)
        )
        rows = sink.aggregator.rows()
        seconds = time.perf_counter() - started
    peak_mb = peak_rss_mb()
    print(
        f"worker read benchmark: {args.lines:,} CSV lines, {args.employees:,} "
        f"employees -> {len(rows):,} monthly values, {len(summary.rejected)} rows "
        f"rejected, {len(sink.unknown)} unknown KPIs"
    )
    print(
        f"read in chunks of {files.CHUNK_ROWS:,} rows, each matched and "
        f"aggregated as it is read; passes over the file: {summary.passes}"
    )
    print()
    checks = time_and_memory_checks("lines to values", seconds, peak_mb)
    print_checks(checks)
    return 0 if all(ok for *_rest, ok in checks) else 1


# -------------------------------------------------------------- end to end --


def prepare_odoo(admin, employees):
    """The fixtures of scripts/bench_kpi_upsert.py (its KPI and employees, in
    the admin's company), the employees given the CSV's badges, the sync
    user, and no values left of this benchmark's sources; returns the sync
    user's password."""
    from bench_kpi_upsert import delete_values, ensure_employees, ensure_kpi
    from odoo_rpc import ALL_RECORDS, SetupError, ensure_sync_user, progress

    company_id = admin.company_id()
    ensure_kpi(admin, company_id)
    progress(f"{employees:,} employees with badges B00000...")
    ids = [e for e, _department in ensure_employees(admin, company_id, employees)]
    badges = {f"B{number:05d}": e for number, e in enumerate(ids)}
    holders = admin.call(
        "hr.employee",
        "search_read",
        [("barcode", "in", list(badges))],
        ["name", "barcode"],
        context=ALL_RECORDS,
    )
    for holder in holders:
        if holder["id"] != badges[holder["barcode"]]:
            raise SetupError(
                f"badge {holder['barcode']} belongs to employee {holder['name']!r} "
                f"(id {holder['id']}), not to the benchmark's"
            )
    done = {holder["barcode"] for holder in holders}
    for badge, employee in badges.items():
        if badge not in done:  # once: a rerun finds them set
            admin.call("hr.employee", "write", [employee], {"barcode": badge})
    password = secrets.token_urlsafe(24)
    ensure_sync_user(admin, SYNC_LOGIN, "Bench Worker Read Sync", company_id, password)
    for source in (SOURCE, SINGLE_SOURCE):
        delete_values(admin, source)
    return password


def run_worker(args, path, password, kpi_code):
    """The worker's run of the CSV source as the sync user: (report of the
    source, seconds, XML-RPC calls by method)."""
    from bench_contributions import CountingTransport

    from sync_worker.config import Settings
    from sync_worker.odoo import ErpClient, make_transport
    from sync_worker.runner import Runner
    from sync_worker.state import SyncState

    with tempfile.TemporaryDirectory(prefix="trainlink-bench-") as folder:
        settings = Settings(
            odoo_url=args.url,
            odoo_db=args.db,
            odoo_login=SYNC_LOGIN,
            odoo_password=password,
            timeout=args.timeout,
            batch_size=args.batch,
            state_path=Path(folder, "state.json"),
            sources=[source_config(SOURCE, path, kpi_code)],
            _env_file=None,
        )
        began = time.perf_counter()
        # connect(settings), its transport counting the calls.
        transport = CountingTransport(make_transport(settings))
        erp = ErpClient(transport, batch_size=settings.batch_size)
        runner = Runner(settings, erp, SyncState.load(settings.state_path))
        report = runner.run(only=[SOURCE], contributions=False)
        seconds = time.perf_counter() - began
    return report, seconds, transport.calls


def naive_rows(admin, limit, kpi_code):
    """The first `limit` values the run stored, as rows of SINGLE_SOURCE."""
    from odoo_rpc import VALUE_MODEL

    stored = admin.call(
        VALUE_MODEL,
        "search_read",
        [("source", "=", SOURCE)],
        [
            "external_key",
            "employee_id",
            "period_type",
            "period_start",
            "period_end",
            "value",
        ],
        limit=limit,
        order="id",
    )
    return [
        {
            "source": SINGLE_SOURCE,
            "external_key": value["external_key"],
            "kpi_code": kpi_code,
            "employee_id": value["employee_id"][0],
            "period_type": value["period_type"],
            "period_start": value["period_start"],
            "period_end": value["period_end"],
            "value": value["value"],
        }
        for value in stored
    ]


def run_end_to_end(args) -> int:
    # The Odoo side's modules are imported here, so that the run without Odoo
    # loads (and measures the memory of) only what it did before.
    from bench_kpi_upsert import KPI_CODE, ApiError, check_fresh_load, upsert_all
    from odoo_rpc import (
        RPC_ERRORS,
        VALUE_MODEL,
        OdooClient,
        SetupError,
        describe_error,
        progress,
    )

    from sync_worker.odoo import ErpError

    admin = OdooClient(args.url, args.db, args.login, args.password, args.timeout)
    with tempfile.TemporaryDirectory(prefix="trainlink-bench-") as folder:
        path = Path(folder) / "sales.csv"
        progress(f"writing {args.lines:,} CSV lines")
        write_csv(path, args.lines, args.employees)
        try:
            progress(f"preparing the fixtures as {args.login}")
            password = prepare_odoo(admin, args.employees)
            progress(f"the worker's run of source {SOURCE}")
            report, seconds, calls = run_worker(args, path, password, KPI_CODE)
            peak_mb = peak_rss_mb()
            stored = admin.call(VALUE_MODEL, "search_count", [("source", "=", SOURCE)])
        except (*RPC_ERRORS, ErpError) as error:
            raise SetupError(
                f"the benchmark failed: {describe_error(error)}"
            ) from error
    if report.error or not report.sources:
        raise SetupError(f"the worker's run failed: {report.error}")
    source = report.sources[0]
    if not source.ok:
        raise SetupError(f"the worker's run of {SOURCE} failed: {source.error}")
    try:
        rows = naive_rows(admin, args.single_rows, KPI_CODE)
        if not rows:
            raise SetupError("the run stored no values to send one per call")
        sync = OdooClient(args.url, args.db, SYNC_LOGIN, password, args.timeout)
        single = upsert_all(sync, rows, 1, "one row per call")
        check_fresh_load(single)
    except ApiError as error:
        print(f"API ERROR: {error}", file=sys.stderr)
        return 1
    except RPC_ERRORS as error:
        raise SetupError(f"the benchmark failed: {describe_error(error)}") from error
    values = source.rows
    naive_seconds = single.seconds / single.rows * values
    sampled = single.rows < values

    print()
    print(
        f"worker end-to-end benchmark: {args.lines:,} CSV lines, "
        f"{args.employees:,} employees -> {values:,} monthly values into "
        f"database {args.db} at {args.url}"
    )
    print(
        f"(the worker's Runner.run of one CSV source as the sync user over "
        f"XML-RPC: lock, read in chunks of {files.CHUNK_ROWS:,} rows, check, "
        f"match, aggregate, upsert in batches of {args.batch:,}; timed from "
        "building the ERP client to the end of the run)"
    )
    print(
        f"run: {source.records:,} records read, {source.rows:,} values sent: "
        f"{source.created:,} created, {source.updated:,} updated, "
        f"{source.unchanged:,} unchanged, {len(source.rejected):,} rejected; "
        f"{stored:,} stored in Odoo"
    )
    print(
        f"XML-RPC calls of the run: {sum(calls.values())} ("
        + ", ".join(f"{name} {count}" for name, count in sorted(calls.items()))
        + ")"
    )
    print(
        f"one row per call (naive integration, source {SINGLE_SOURCE}): "
        f"{single.rows:,} values in {single.rows:,} api_upsert calls, "
        f"{single.seconds:.1f} s, {single.rate:,.0f} rows/s"
        + (
            f"; the {values:,} values extrapolated from this sample: "
            f"{naive_seconds:,.0f} s"
            if sampled
            else ""
        )
    )
    print()
    # Line i is badge i % employees in month i // employees % 12: every
    # (badge, month) pair once in the first 12 x employees lines.
    expected = min(args.lines, 12 * args.employees)
    naive_label = f"{values:,} values, one row per call"
    checks = [
        *time_and_memory_checks("lines into Odoo (end to end)", seconds, peak_mb),
        (
            "values created in Odoo",
            f"{source.created:,}",
            f"= {expected:,}",
            source.created == stored == expected and not source.rejected,
        ),
        (
            naive_label,
            f"{'~' if sampled else ''}{naive_seconds:,.0f} s",
            "",
            None,
        ),
        (
            "end to end vs one row per call",
            f"{naive_seconds / seconds:,.1f} x faster",
            "",
            None,
        ),
    ]
    print_checks(checks, width=34, figure_width=18)
    if sampled:
        print(
            f"(~: extrapolated from {single.rows:,} values sent one per call; "
            f"--single-rows {values} sends them all)"
        )
    return 0 if all(ok is not False for *_rest, ok in checks) else 1


# -------------------------------------------------------------------- main --


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="See the module docstring for what is measured and why.",
    )
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--employees", type=int, default=1000)
    odoo = parser.add_argument_group(
        "end to end (with --url and --db: the worker's run into that Odoo)"
    )
    odoo.add_argument("--url", help="the Odoo server, e.g. http://localhost:8069")
    odoo.add_argument("--db", help="its database, the add-on installed")
    odoo.add_argument("--login", default="admin", help="admin account (fixtures)")
    odoo.add_argument("--password", default="admin")
    odoo.add_argument("--batch", type=int, default=2000, help="the worker's batch_size")
    odoo.add_argument(
        "--single-rows",
        type=int,
        default=1000,
        help="values sent one row per call, the rest extrapolated "
        "(default: %(default)s)",
    )
    odoo.add_argument("--timeout", type=float, default=600, help="seconds a call")
    args = parser.parse_args(argv)
    if min(args.lines, args.employees) < 1:
        parser.error("--lines and --employees must be positive")
    if args.employees > 100_000:
        parser.error("--employees must be at most 100,000 (five-digit badges)")
    if bool(args.url) != bool(args.db):
        parser.error("--url and --db go together (the end-to-end benchmark)")
    if not 0 < args.batch <= 5000:
        parser.error("--batch must be between 1 and 5,000")
    if args.single_rows < 1:
        parser.error("--single-rows must be positive")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if not args.url:
        return run_read(args)
    from bench_odoo import main as bench_main

    return bench_main(lambda _argv: args, run_end_to_end)


if __name__ == "__main__":
    sys.exit(main())
