#!/usr/bin/env python3
"""Benchmark of the sync worker's reading side: 1,000,000 raw CSV lines
(1,000 employees, 12 months) read, checked, matched and aggregated into the
12,000 monthly KPI values a run would upsert, in this process, without Odoo.

    scripts/bench_worker_read.py [--lines 1000000] [--employees 1000]

Prints the seconds and the peak memory (resident set size) beside their
limits: under 30 s and under 400 MB on a 2-core machine. The upsert into
Odoo is measured by scripts/bench_kpi_upsert.py.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sync_worker.config import SourceConfig  # noqa: E402
from sync_worker.odoo import KpiInfo  # noqa: E402
from sync_worker.sources import files  # noqa: E402
from sync_worker.sources.files import FileSource  # noqa: E402
from sync_worker.transform import KpiAggregator  # noqa: E402

LIMIT_SECONDS = 30.0
LIMIT_MB = 400.0


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--employees", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sales.csv"
        write_csv(path, args.lines, args.employees)
        config = SourceConfig(
            name="bench",
            kind="csv",
            kpi_code="SALES",
            options={"path": str(path)},
            columns={
                "record_id": "id",
                "employee_key": "badge",
                "date": "day",
                "value": "amount",
            },
        )
        kpis = {"SALES": KpiInfo(1, "SALES", "higher", "sum", 1, 1.0)}
        source = FileSource(config)
        started = time.perf_counter()
        sink, summary = source.read_stream(
            date(2024, 1, 1), date(2024, 12, 31), lambda: BenchSink(kpis)
        )
        rows = sink.aggregator.rows()
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
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
    print(f"{'measure':<26}{'figure':<14}{'limit':<12}result")
    checks = [
        (
            "lines to values",
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
    for name, figure, limit, ok in checks:
        print(f"{name:<26}{figure:<14}{limit:<12}{'PASS' if ok else 'FAIL'}")
    return 0 if all(ok for *_rest, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
