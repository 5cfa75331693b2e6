#!/usr/bin/env python3
"""Benchmark of the KPI sync API: ``trainlink.kpi.value.api_upsert`` over XML-RPC.

The sync worker will push KPI values into Odoo through ``api_upsert`` in
batches. This script measures, against a real Odoo 18 with the add-on
installed, how fast that path is and whether it is idempotent:

1. Fresh load: N rows (default 100,000) that do not exist yet, sent by the
   sync worker's technical user in batches (default 2,000 rows a call).
   Figure: rows/s, client time included (building XML, the HTTP round trip,
   the server's validation and inserts), as the worker will see it.
2. One row per call: the first ``--single-rows`` rows (default 1,000) under
   another source, each sent in its own ``api_upsert`` call, as a naive
   integration that writes a row at a time would. Figure: rows/s.
3. Re-send: the very same rows again. Every row is identical to what is
   stored, so the API must count them all unchanged and write nothing.
   Figures: rows/s, and the writes seen in the database: benchmark rows whose
   ``write_date`` moved during the re-send (a row created then counts too),
   read as the admin before and after, besides the counts the API returns.
4. The limit: the in-process ORM rate, ``env["trainlink.kpi.value"].create()``
   of the same values in batches of the same size inside ``odoo-bin shell``
   (superuser, no RPC, no validation), rolled back. It is what Odoo itself can
   do, so the API is judged against it. It runs last because a rolled-back
   insert leaves dead index entries that would slow a fresh load after it;
   for the same reason a database reused from an earlier run (whose values
   were just deleted) gives lower figures until autovacuum has run: compare
   figures taken on fresh databases.

Targets (from the issues): fresh load >= 1/2 of the in-process rate and
>= 40 x the rate of one row per call; re-send >= 3 x the fresh load rate; 0
writes during the re-send. Each figure is
printed beside its limit with PASS or FAIL.

The in-process rate needs Odoo and its database on this machine: ``--odoo-bin``
(default ``$ODOO_BIN``, then ``odoo-bin`` / ``odoo`` on PATH) is run with the
same database and ``--addons-path``; Odoo reads its own configuration
(``$ODOO_RC``, ``~/.odoorc``) for the database connection. The add-on code
found there must be the code the server runs (a shell on code newer than the
installed module fails). When the rate cannot be measured the reason is
printed and the comparison with it says "limit not measured" (not counted as
a failure).

Fixtures, prepared as the admin account given by ``--login``/``--password``
and reused on later runs: the KPI ``BENCH_VALUE`` and employees "Bench Employee
001"... in the admin's company, and the user ``bench_sync`` in the sync group,
whose password is reset to a random one on every run and shown nowhere.
Benchmark values (source ``bench``) left by a previous run are deleted first
so that the fresh load is fresh; ``--cleanup`` deletes them at the end.

    scripts/bench_kpi_upsert.py --db trainlink --password admin

Exit status: 0 when every comparison passes, 1 when one fails (or the API
answers wrongly), 2 when the benchmark cannot be set up.
"""

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from odoo_rpc import (  # noqa: E402
    ALL_RECORDS,
    RPC_ERRORS,
    VALUE_MODEL,
    OdooClient,
    SetupError,
    describe_error,
    ensure_sync_user,
    progress,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE = "bench"
# The in-process measurement runs while the "bench" rows exist: it uses the
# same keys under another source so the unique (source, external_key) holds.
ORM_SOURCE = "bench-orm"
# Rows sent one per call, as a naive integration would.
SINGLE_SOURCE = "bench-single"
SINGLE_FACTOR = 40
KPI_CODE = "BENCH_VALUE"
EMPLOYEE_PREFIX = "Bench Employee "
SYNC_LOGIN = "bench_sync"
FIRST_PERIOD = date(1990, 1, 1)
MIN_ORM_SAMPLE = 20_000
ORM_MARKER = "TRAINLINK_BENCH_ORM"
ORM_TIMEOUT = 3600
DELETE_CHUNK = 10_000
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}

# Runs inside ``odoo-bin shell``, where ``env`` is a superuser environment.
# The job file holds the values and the batch size; only create() and the
# flush of its batch are timed, like one API call's transaction.
ORM_SNIPPET = f"""
import json, os, time
from datetime import date

with open(os.environ["TRAINLINK_BENCH_JOB"], encoding="utf-8") as handle:
    job = json.load(handle)
vals_list = job["vals"]
for vals in vals_list:
    vals["period_start"] = date.fromisoformat(vals["period_start"])
    vals["period_end"] = date.fromisoformat(vals["period_end"])
    vals["last_synced"] = odoo.fields.Datetime.now()
Value = env["trainlink.kpi.value"]
batch = job["batch"]
elapsed = 0.0
try:
    for start in range(0, len(vals_list), batch):
        began = time.perf_counter()
        Value.create(vals_list[start : start + batch])
        env.flush_all()
        elapsed += time.perf_counter() - began
        env.invalidate_all()
finally:
    env.cr.rollback()
print("{ORM_MARKER} rows=%d seconds=%.6f" % (len(vals_list), elapsed))
"""


class ApiError(Exception):
    """The API answered wrongly while being measured: exit status 1."""


@dataclass
class Fixtures:
    company_id: int
    kpi_id: int
    # (id, department id or False) in "Bench Employee 001", 002... order.
    employees: list[tuple[int, int]]
    sync_password: str = field(repr=False)


@dataclass
class Load:
    """One pass of all rows through api_upsert."""

    rows: int
    seconds: float
    calls: int
    totals: dict

    @property
    def rate(self):
        return self.rows / self.seconds


@dataclass
class Snapshot:
    """What the admin sees of the benchmark values at one moment."""

    count: int
    last_write: str | None


# ----------------------------------------------------------------- fixtures --


def prepare_fixtures(admin, employee_count):
    """Create or reuse the KPI, employees and sync user; drop old values."""
    company_id = admin.company_id()
    fixtures = Fixtures(
        company_id=company_id,
        kpi_id=ensure_kpi(admin, company_id),
        employees=ensure_employees(admin, company_id, employee_count),
        sync_password=secrets.token_urlsafe(24),
    )
    ensure_sync_user(
        admin, SYNC_LOGIN, "Benchmark Sync Worker", company_id, fixtures.sync_password
    )
    for source in (SOURCE, ORM_SOURCE, SINGLE_SOURCE):
        delete_values(admin, source)
    return fixtures


def ensure_kpi(admin, company_id):
    domain = [("code", "=", KPI_CODE), ("company_id", "=", company_id)]
    found = admin.call(
        "trainlink.kpi", "search_read", domain, ["active"], context=ALL_RECORDS
    )
    if not found:
        return admin.call(
            "trainlink.kpi",
            "create",
            {"code": KPI_CODE, "name": "Benchmark value", "company_id": company_id},
        )
    if not found[0]["active"]:
        admin.call("trainlink.kpi", "write", [found[0]["id"]], {"active": True})
    return found[0]["id"]


def ensure_employees(admin, company_id, count):
    names = [f"{EMPLOYEE_PREFIX}{number:03d}" for number in range(1, count + 1)]
    domain = [("name", "in", names), ("company_id", "=", company_id)]
    fields = ["name", "active", "department_id"]
    existing = {
        e["name"]: e
        for e in admin.call(
            "hr.employee", "search_read", domain, fields, context=ALL_RECORDS
        )
    }
    archived = [e["id"] for e in existing.values() if not e["active"]]
    if archived:
        admin.call("hr.employee", "write", archived, {"active": True})
    missing = [name for name in names if name not in existing]
    if missing:
        vals_list = [{"name": name, "company_id": company_id} for name in missing]
        ids = admin.call("hr.employee", "create", vals_list)
        for name, new_id in zip(missing, ids, strict=True):
            existing[name] = {"id": new_id, "department_id": False}
    return [
        (existing[name]["id"], (existing[name]["department_id"] or [False])[0])
        for name in names
    ]


def delete_values(admin, source):
    """Delete every KPI value of a source, in chunks; return how many."""
    deleted = 0
    while ids := admin.call(
        VALUE_MODEL, "search", [("source", "=", source)], limit=DELETE_CHUNK
    ):
        admin.call(VALUE_MODEL, "unlink", ids)
        deleted += len(ids)
    return deleted


# --------------------------------------------------------------------- rows --


def generate_rows(employee_ids, count):
    """Rows for employee x month, month after month from FIRST_PERIOD.

    The same arguments always give the same rows, so a re-send is identical.
    """
    rows = []
    for index in range(count):
        month_index, employee_index = divmod(index, len(employee_ids))
        year, month = divmod(FIRST_PERIOD.month - 1 + month_index, 12)
        start = date(FIRST_PERIOD.year + year, month + 1, 1)
        end = start.replace(day=monthrange(start.year, start.month)[1])
        rows.append(
            {
                "source": SOURCE,
                "external_key": f"{start:%Y-%m}/{employee_index + 1:03d}",
                "kpi_code": KPI_CODE,
                "employee_id": employee_ids[employee_index],
                "period_start": start.isoformat(),
                "period_end": end.isoformat(),
                "period_type": "month",
                "value": (index * 7919 % 100_000) / 100,
            }
        )
    return rows


def orm_values(rows, fixtures):
    """What api_upsert would create for these rows, under ORM_SOURCE."""
    departments = dict(fixtures.employees)
    return [
        {
            "source": ORM_SOURCE,
            "external_key": row["external_key"],
            "employee_id": row["employee_id"],
            "kpi_id": fixtures.kpi_id,
            "company_id": fixtures.company_id,
            "department_id": departments[row["employee_id"]],
            "period_type": row["period_type"],
            "period_start": row["period_start"],
            "period_end": row["period_end"],
            "value": float(row["value"]),
            "run_id": False,
        }
        for row in rows
    ]


# ---------------------------------------------------------------- measuring --


def upsert_all(sync, rows, batch, label):
    """Send rows through api_upsert in batches; time the whole pass."""
    totals = {"read": 0, "created": 0, "updated": 0, "unchanged": 0, "rejected": []}
    calls = len(range(0, len(rows), batch))
    began = time.perf_counter()
    for call, start in enumerate(range(0, len(rows), batch), start=1):
        try:
            chunk = rows[start : start + batch]
            # The compact form the worker uses: column names once per call.
            payload = {
                "columns": list(chunk[0]),
                "rows": [list(r.values()) for r in chunk],
            }
            result = sync.call(VALUE_MODEL, "api_upsert", payload)
        except RPC_ERRORS as error:
            raise ApiError(
                f"{label}: call {call}/{calls} failed: {describe_error(error)}"
            ) from error
        for name in ("read", "created", "updated", "unchanged"):
            totals[name] += result[name]
        totals["rejected"] += result["rejected"]
        if call % max(1, calls // 10) == 0 or call == calls:
            progress(f"{label}: {min(start + batch, len(rows)):,} rows sent")
    return Load(len(rows), time.perf_counter() - began, calls, totals)


def check_fresh_load(load):
    totals = load.totals
    if totals["created"] != load.rows or totals["rejected"]:
        raise ApiError(
            f"fresh load: expected {load.rows:,} created and none rejected, got "
            f"{_counts(totals)}; first rejections: {totals['rejected'][:3]}"
        )


def resend_problems(load):
    totals = load.totals
    if totals["unchanged"] == load.rows and totals["created"] + totals["updated"] == 0:
        return None
    return (
        f"re-send: expected {load.rows:,} unchanged and nothing created or "
        f"updated, got {_counts(totals)}"
    )


def snapshot(admin):
    domain = [("source", "=", SOURCE)]
    last = admin.call(
        VALUE_MODEL,
        "search_read",
        domain,
        ["write_date"],
        order="write_date desc",
        limit=1,
    )
    return Snapshot(
        count=admin.call(VALUE_MODEL, "search_count", domain),
        last_write=last[0]["write_date"] if last else None,
    )


def written_since(admin, before):
    """Benchmark rows written after the ``before`` snapshot.

    ``write_date`` comes back to the second while the database keeps
    microseconds, so rows count as written from the next whole second on;
    the caller waits a second after ``before`` so no later write is missed.
    """
    if before.last_write is None:
        return admin.call(VALUE_MODEL, "search_count", [("source", "=", SOURCE)])
    threshold = datetime.fromisoformat(before.last_write) + timedelta(seconds=1)
    domain = [("source", "=", SOURCE), ("write_date", ">=", f"{threshold}")]
    return admin.call(VALUE_MODEL, "search_count", domain)


def measure_orm_create(args, vals_list):
    """Rows/s of the in-process ORM create, or (None, why it was not measured)."""
    if args.odoo_bin == "":
        return None, "--odoo-bin is empty"
    odoo_bin = _find_odoo_bin(args.odoo_bin)
    if not odoo_bin:
        return None, "no Odoo found (--odoo-bin, $ODOO_BIN, odoo-bin/odoo on PATH)"
    host = urlsplit(args.url).hostname or ""
    if host not in LOCAL_HOSTS | {socket.gethostname(), socket.getfqdn()}:
        return None, f"the server {host} is not this machine: its database is not local"
    with tempfile.TemporaryDirectory(prefix="trainlink-bench-") as tmp:
        job = Path(tmp, "job.json")
        job.write_text(json.dumps({"batch": args.batch, "vals": vals_list}))
        command = [
            odoo_bin,
            "shell",
            "-d",
            args.db,
            f"--addons-path={args.addons_path}",
            "--log-level=warn",
            "--no-http",
        ]
        progress(f"in-process ORM create of {len(vals_list):,} rows: {odoo_bin} shell")
        try:
            done = subprocess.run(
                command,
                input=ORM_SNIPPET,
                capture_output=True,
                text=True,
                timeout=ORM_TIMEOUT,
                env={**os.environ, "TRAINLINK_BENCH_JOB": str(job)},
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return None, f"odoo-bin shell did not run: {error}"
    for line in done.stdout.splitlines():
        if line.startswith(ORM_MARKER):
            figures = dict(item.split("=") for item in line.split()[1:])
            return int(figures["rows"]) / float(figures["seconds"]), None
    tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
    return None, f"odoo-bin shell exited {done.returncode} without a figure: {tail}"


def _find_odoo_bin(option):
    if option:
        return shutil.which(option)
    return (
        os.environ.get("ODOO_BIN") or shutil.which("odoo-bin") or shutil.which("odoo")
    )


# ---------------------------------------------------------------- reporting --


def comparisons(fresh, single, resend, writes, orm_rate):
    """(measure, figure, limit, passed or None when the limit is unknown)."""
    if orm_rate is None:
        fresh_limit, fresh_ok = "limit not measured", None
    else:
        fresh_limit = f">= {orm_rate / 2:,.0f} rows/s (1/2 x in-process)"
        fresh_ok = fresh.rate >= orm_rate / 2
    return [
        ("fresh load (API)", f"{fresh.rate:,.0f} rows/s", fresh_limit, fresh_ok),
        (
            "fresh load (API)",
            f"{fresh.rate / single.rate:,.1f} x",
            f">= {SINGLE_FACTOR} x one row per call",
            fresh.rate >= SINGLE_FACTOR * single.rate,
        ),
        (
            "re-send (API)",
            f"{resend.rate:,.0f} rows/s",
            f">= {3 * fresh.rate:,.0f} rows/s (3 x fresh load)",
            resend.rate >= 3 * fresh.rate,
        ),
        ("writes during re-send", f"{writes:,}", "= 0", writes == 0),
    ]


def print_report(args, fresh, single, resend, seen, orm, lines):
    orm_rate, orm_reason = orm
    print()
    print(
        f"KPI upsert benchmark: {args.rows:,} rows, batches of {args.batch:,}, "
        f"{args.employees} employees, database {args.db} at {args.url}"
    )
    if orm_rate is None:
        print(f"in-process ORM create: not measured ({orm_reason})")
    else:
        print(
            f"in-process ORM create: {orm_rate:,.0f} rows/s "
            f"({args.orm_rows:,} rows, odoo-bin shell, rolled back)"
        )
    loads = (("fresh load", fresh), ("one row per call", single), ("re-send", resend))
    for label, load in loads:
        print(
            f"{label}: {load.rows:,} rows in {load.seconds:.2f} s, "
            f"{load.calls} calls: {_counts(load.totals)}"
        )
    before, after, writes = seen
    print(
        f"writes during re-send: {writes:,} (benchmark values {before.count:,} -> "
        f"{after.count:,}, last write_date {before.last_write} -> {after.last_write})"
    )
    print()
    print(f"{'measure':<24}{'figure':<18}{'limit':<40}result")
    for measure, figure, limit, passed in lines:
        result = {True: "PASS", False: "FAIL", None: "NOT CHECKED"}[passed]
        print(f"{measure:<24}{figure:<18}{limit:<40}{result}")


def _counts(totals):
    return (
        f"created {totals['created']:,}, updated {totals['updated']:,}, "
        f"unchanged {totals['unchanged']:,}, rejected {len(totals['rejected']):,}"
    )


# --------------------------------------------------------------------- main --


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="See the module docstring for what is measured and why.",
    )
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", default="admin", help="admin account (fixtures)")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2000, help="rows per call")
    parser.add_argument("--employees", type=int, default=200)
    parser.add_argument(
        "--single-rows",
        type=int,
        default=1000,
        help="rows sent one per call (default: %(default)s)",
    )
    parser.add_argument(
        "--orm-rows",
        type=int,
        help="rows created in-process (default: --rows; at least "
        f"{MIN_ORM_SAMPLE:,} or all rows)",
    )
    parser.add_argument(
        "--odoo-bin",
        help="Odoo 18 launcher for the in-process rate; empty to skip "
        "(default: $ODOO_BIN, then odoo-bin/odoo on PATH)",
    )
    parser.add_argument(
        "--addons-path",
        default=",".join(
            filter(
                None, [str(REPO_ROOT / "addons"), os.environ.get("ODOO_ADDONS_PATH")]
            )
        ),
        help="for odoo-bin shell (default: <repo>/addons,$ODOO_ADDONS_PATH)",
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds a call")
    parser.add_argument(
        "--cleanup", action="store_true", help="delete the benchmark values at the end"
    )
    args = parser.parse_args(argv)
    if min(args.rows, args.batch, args.employees, args.single_rows) < 1:
        parser.error("--rows, --batch, --employees and --single-rows must be positive")
    args.orm_rows = min(args.rows, max(args.orm_rows or args.rows, MIN_ORM_SAMPLE))
    return args


def run(args):
    admin = OdooClient(args.url, args.db, args.login, args.password, args.timeout)
    try:
        progress(f"preparing fixtures as {args.login}")
        fixtures = prepare_fixtures(admin, args.employees)
    except RPC_ERRORS as error:
        raise SetupError(
            f"preparing the fixtures failed: {describe_error(error)}"
        ) from error
    sync = OdooClient(
        args.url, args.db, SYNC_LOGIN, fixtures.sync_password, args.timeout
    )
    rows = generate_rows([e for e, _ in fixtures.employees], args.rows)

    fresh = upsert_all(sync, rows, args.batch, "fresh load")
    check_fresh_load(fresh)
    before = snapshot(admin)
    time.sleep(1.1)  # see written_since(): a later write lands in a later second
    resend = upsert_all(sync, rows, args.batch, "re-send")
    after = snapshot(admin)
    writes = written_since(admin, before)  # rows created count as written
    single_rows = [dict(row, source=SINGLE_SOURCE) for row in rows[: args.single_rows]]
    single = upsert_all(sync, single_rows, 1, "one row per call")
    check_fresh_load(single)
    delete_values(admin, SINGLE_SOURCE)

    orm = measure_orm_create(args, orm_values(rows[: args.orm_rows], fixtures))
    lines = comparisons(fresh, single, resend, writes, orm[0])
    print_report(args, fresh, single, resend, (before, after, writes), orm, lines)
    problem = resend_problems(resend)
    if problem:
        print(f"\nFAILED: {problem}")
    if args.cleanup:
        print(f"\ncleanup: deleted {delete_values(admin, SOURCE):,} benchmark values")
    return 1 if problem or any(passed is False for *_, passed in lines) else 0


def main(argv=None):
    args = parse_args(argv)
    try:
        return run(args)
    except SetupError as error:
        print(f"SETUP ERROR: {error}", file=sys.stderr)
        return 2
    except ApiError as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
