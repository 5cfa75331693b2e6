#!/usr/bin/env python3
"""Benchmark of the sync worker's contributions step against a real Odoo 18:
200 and 2,000 completed trainings measured over XML-RPC, with the number of
calls the step makes and its seconds.

What is measured. The worker's own code (``Runner.sync_contributions``, as a
run calls it after the sources): it opens a sync run, reads the completed
trainings, asks for the digests of their inputs, then for the comparison
groups of those whose inputs changed since the state file's last measurement
(all of them on a first run), reads the stored monthly values of the trainees
and their peers in pages, measures the windows (pandas) and upserts the
contributions, which Odoo rates; then it closes the run. Its
XML-RPC calls are counted per method (the login is not a call of the step)
and the step is timed with ``time.perf_counter()``, the worker's client time
included, as a scheduled run sees it.

Targets (from issue 14): a call count that does not grow per training (calls
go in batches: the values read grow the pages of ``api_read_values``, one
call per ``--batch`` values, not per training); the extra calls of 2,000
trainings over 200 divided by the extra trainings must stay under 0.05 (a
call per training shows 1.00 or more). 2,000 trainings measured in under
60 s, a fifteenth of the run lock's default lease. Then the largest
population again, with the state file of its first run, as the next
scheduled run finds it: the trainings whose inputs did not change are left
alone (no value read, no row sent; the calls are the sync run's, the list of
completed trainings and the comparison groups' batches), in under 10 s for
2,000. Each figure is printed beside its limit with PASS or FAIL
(``*`` in the calls by method marks the second run).

The records, created over XML-RPC as the admin account given by ``--login``
and ``--password`` in a new company of their own (so that nothing else of the
database is measured, and a rerun starts afresh): teams of 20 employees in a
department each, 10 of them trained twice (two of four courses aimed at
revenue, conversion or both, completed five to ten months ago) and 10 never
trained, and everyone's monthly revenue and conversion rate for the 19 months
the windows cover, upserted by the sync user ``bench_contrib_sync`` (its
password reset to a random one on every run and shown nowhere). The
populations grow: the trainings of the first are part of the second, whose
run finds their contributions unchanged, as a scheduled run does.

Run it with the worker's Python against a server of a database made for it,
the add-on installed (the script adds records and leaves them):

    .venv/bin/python scripts/bench_contributions.py --url http://localhost:8069 \\
        --db bench --password admin [--sizes 200,2000] [--batch 2000]

Exit status: 0 when every comparison passes, 1 when one fails, 2 when the
benchmark cannot be set up.
"""

import argparse
import math
import random
import secrets
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench_odoo import main as bench_main  # noqa: E402
from odoo_rpc import (  # noqa: E402
    RPC_ERRORS,
    OdooClient,
    SetupError,
    describe_error,
    ensure_sync_user,
    progress,
)

from sync_worker.config import Settings  # noqa: E402
from sync_worker.odoo import ErpClient, ErpError, XmlRpcTransport  # noqa: E402
from sync_worker.runner import Runner, months_before  # noqa: E402
from sync_worker.state import SyncState  # noqa: E402

LIMIT_SECONDS = 60.0
# A run that finds every training's inputs unchanged: start and finish the
# sync run, read the completed trainings, then the comparison groups (with
# the inputs' digests) in batches; no value read, no row sent.
STEADY_CALLS = 3
LIMIT_STEADY_SECONDS = 10.0
LIMIT_TRAININGS = 2000
GROWTH_PER_TRAINING = 0.05
SYNC_LOGIN = "bench_contrib_sync"
TEAM_SIZE = 20  # employees of a department, half of them trained twice
TRAININGS_PER_TEAM = TEAM_SIZE  # TEAM_SIZE / 2 trainees x 2 trainings
CREATE_CHUNK = 500
SEED = 14
# Completions from ten to five months ago (their post windows have ended);
# the values cover the earliest one's baselines (three windows of three
# months back) up to last month.
FIRST_COMPLETION = 10
VALUE_MONTHS = FIRST_COMPLETION + 9
KPIS = (  # code, name, aggregation, monthly base, lift after a course
    ("BENCH_C_REV", "Bench revenue", "sum", 10_000.0, 0.06),
    ("BENCH_C_CONV", "Bench conversion rate", "rate", 12.0, 0.04),
)
COURSES = (  # name, KPI codes aimed at
    ("Bench Negotiation", ("BENCH_C_REV",)),
    ("Bench Upselling", ("BENCH_C_REV",)),
    ("Bench Service", ("BENCH_C_CONV",)),
    ("Bench Key Accounts", ("BENCH_C_REV", "BENCH_C_CONV")),
)
JOBS = (("Bench Sales Rep", "sales"), ("Bench Account Manager", "sales"))
# Records created as the admin: in the bench company, without mail noise.
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}


@dataclass
class World:
    """The bench company and what the populations share."""

    company_id: int
    context: dict
    kpis: dict[str, int]  # code: id
    courses: list[int]
    jobs: list[int]
    sync_password: str = field(repr=False)
    sessions: dict[tuple[int, date], int] = field(default_factory=dict)
    teams: int = 0


@dataclass
class Measure:
    trainings: int
    employees: int
    seconds: float
    calls: Counter
    values_read: int
    report: object
    again: bool = False  # a second run with the state of the first

    @property
    def call_count(self):
        return sum(self.calls.values())


class CountingTransport:
    """The worker's transport, counting its calls per method and the values
    the pages of api_read_values bring."""

    def __init__(self, transport):
        self.transport = transport
        self.calls = Counter()
        self.values_read = 0

    def call(self, model, method, *args, **kwargs):
        self.calls[method] += 1
        result = self.transport.call(model, method, *args, **kwargs)
        if method == "api_read_values":
            self.values_read += len(result)
        return result

    def search_read(self, model, domain, fields, limit=None):
        self.calls["search_read"] += 1
        return self.transport.search_read(model, domain, fields, limit)


# ----------------------------------------------------------------- records --


def prepare_world(admin):
    """A new company with the KPIs, courses and jobs, the admin working in it,
    and the sync user in it alone."""
    stamp = time.strftime("%Y%m%d_%H%M%S")
    company_id = admin.call("res.company", "create", {"name": f"Bench Contrib {stamp}"})
    admin.call("res.users", "write", [admin.uid], {"company_ids": [(4, company_id)]})
    context = {**QUIET, "allowed_company_ids": [company_id]}
    kpis = {
        code: admin.call(
            "trainlink.kpi",
            "create",
            {"code": code, "name": name, "aggregation": how, "direction": "higher"},
            context=context,
        )
        for code, name, how, _base, _lift in KPIS
    }
    courses = admin.call(
        "trainlink.course",
        "create",
        [
            {
                "name": name,
                "baseline_window_months": 3,
                "kpi_window_months": 3,
                "module_ids": [
                    (
                        0,
                        0,
                        {
                            "name": name,
                            "kpi_line_ids": [
                                (0, 0, {"kpi_id": kpis[c]}) for c in codes
                            ],
                        },
                    )
                ],
            }
            for name, codes in COURSES
        ],
        context=context,
    )
    jobs = admin.call(
        "hr.job",
        "create",
        [{"name": name, "trainlink_job_family": family} for name, family in JOBS],
        context=context,
    )
    password = secrets.token_urlsafe(24)
    ensure_sync_user(
        admin, SYNC_LOGIN, "Bench Contributions Sync", company_id, password
    )
    return World(company_id, context, kpis, courses, jobs, password)


def grow_population(admin, sync, world, trainings, today, rng):
    """Add teams until the company has `trainings` completed trainings, with
    the monthly values of their people."""
    teams = math.ceil(trainings / TRAININGS_PER_TEAM) - world.teams
    added = teams * TRAININGS_PER_TEAM
    progress(f"adding {teams} teams of {TEAM_SIZE} ({added:,} trainings)")
    departments = admin.call(
        "hr.department",
        "create",
        [{"name": f"Bench Team {world.teams + n + 1:04d}"} for n in range(teams)],
        context=world.context,
    )
    vals_list = [
        {
            "name": f"Bench Team {world.teams + t + 1:04d} {number:02d}",
            "department_id": department,
            "job_id": world.jobs[number % len(world.jobs)],
        }
        for t, department in enumerate(departments)
        for number in range(TEAM_SIZE)
    ]
    employees = create_in_chunks(admin, "hr.employee", vals_list, world.context)
    trainees = [e for n, e in enumerate(employees) if n % TEAM_SIZE < TEAM_SIZE // 2]
    completions = complete_trainings(admin, world, trainees, today)
    upsert_values(sync, employees, completions, today, rng)
    world.teams += teams
    return len(employees)


def create_in_chunks(admin, model, vals_list, context):
    ids = []
    for start in range(0, len(vals_list), CREATE_CHUNK):
        ids += admin.call(
            model, "create", vals_list[start : start + CREATE_CHUNK], context=context
        )
    return ids


def complete_trainings(admin, world, trainees, today):
    """Two trainings per trainee, of two different courses, completed; returns
    {employee: [(completion month, KPI codes)]}."""
    completions = {}
    vals_list = []
    for number, employee in enumerate(trainees):
        for second in (0, 1):
            course = (number + second) % len(COURSES)
            months_ago = FIRST_COMPLETION - number % 3 - 3 * second
            day = months_before(today, months_ago).replace(day=12)
            vals_list.append(
                {
                    "session_id": session(admin, world, course, day),
                    "employee_id": employee,
                }
            )
            completions.setdefault(employee, []).append((day, COURSES[course][1]))
    attendances = create_in_chunks(
        admin, "trainlink.attendance", vals_list, world.context
    )
    progress(f"completing {len(attendances):,} trainings")
    for start in range(0, len(attendances), CREATE_CHUNK):
        chunk = attendances[start : start + CREATE_CHUNK]
        for action in ("action_mark_present", "action_complete"):
            admin.call("trainlink.attendance", action, chunk, context=world.context)
    return completions


def session(admin, world, course, day):
    """The session of a course given (and ended) on a day, created once."""
    key = (course, day)
    if key not in world.sessions:
        world.sessions[key] = admin.call(
            "trainlink.session",
            "create",
            {
                "course_id": world.courses[course],
                "date_start": day.isoformat(),
                "date_end": day.isoformat(),
            },
            context=world.context,
        )
    return world.sessions[key]


def upsert_values(sync, employees, completions, today, rng):
    """Everyone's monthly values of both KPIs over VALUE_MONTHS, up to last
    month; a trainee's lift after each course aimed at the KPI."""
    rows = []
    for employee in employees:
        for code, _name, _how, base, lift in KPIS:
            level = base * rng.uniform(0.8, 1.2)
            for months_ago in range(VALUE_MONTHS, 0, -1):
                start = months_before(today, months_ago)
                gained = sum(
                    1
                    for day, codes in completions.get(employee, ())
                    if code in codes and day.replace(day=1) < start
                )
                value = level * (1 + lift * gained) * rng.gauss(1.0, 0.05)
                rows.append(
                    {
                        "source": "bench_contrib",
                        "external_key": f"{code}/{employee}/{start}",
                        "kpi_code": code,
                        "employee_id": employee,
                        "period_start": start,
                        "period_end": months_before(start, -1) - timedelta(days=1),
                        "value": round(value, 2),
                    }
                )
    progress(f"upserting {len(rows):,} monthly values as {SYNC_LOGIN}")
    summary = sync.upsert_kpi_values(rows, None)
    if summary.rejected:
        raise SetupError(f"values refused: {summary.rejected[:3]}")


# --------------------------------------------------------------- measuring --


def measure_step(args, world, trainings, employees, today, state_path, again=False):
    """The worker's contributions step over a counting transport, with the
    state file at `state_path` (what the trainings were last measured on)."""
    transport = CountingTransport(
        XmlRpcTransport(
            args.url, args.db, SYNC_LOGIN, world.sync_password, timeout=args.timeout
        )
    )
    erp = ErpClient(transport, batch_size=args.batch)
    kpis = erp.read_kpis()  # read once per run, before the sources
    transport.calls.clear()
    settings = Settings(
        odoo_url=args.url,
        odoo_db=args.db,
        odoo_login=SYNC_LOGIN,
        odoo_password=world.sync_password,
        batch_size=args.batch,
        state_path=state_path,
        sources=[],
        _env_file=None,
    )
    runner = Runner(settings, erp, SyncState.load(settings.state_path))
    progress(f"contributions step: {trainings:,} trainings{', again' if again else ''}")
    began = time.perf_counter()
    report = runner.sync_contributions(kpis, today)
    seconds = time.perf_counter() - began
    if not report.ok:
        raise SetupError(f"the contributions step failed: {report.error}")
    return Measure(
        trainings,
        employees,
        seconds,
        transport.calls,
        transport.values_read,
        report,
        again,
    )


def comparisons(args, measures):
    small, large, steady = measures[0], measures[-2], measures[-1]
    growth = (large.call_count - small.call_count) / (large.trainings - small.trainings)
    lines = [
        (
            f"XML-RPC calls {small.trainings:,} vs {large.trainings:,} trainings: "
            f"{small.call_count} vs {large.call_count}, {growth:.3f} more per extra "
            f"training (limit: not growing per training, < {GROWTH_PER_TRAINING} "
            "per extra training)",
            growth < GROWTH_PER_TRAINING,
        )
    ]
    batches = math.ceil(steady.trainings / args.batch)
    steady_calls = STEADY_CALLS + batches
    lines.append(
        (
            f"{steady.trainings:,} trainings again, their inputs unchanged: "
            f"{steady.report.skipped:,} left alone, {steady.values_read:,} values "
            f"read, {steady.report.rows:,} rows sent, {steady.call_count} calls "
            f"(limit: all left alone, nothing read or sent, at most {steady_calls} "
            f"calls: {STEADY_CALLS} + {batches} batch{'es' if batches > 1 else ''} "
            "of comparison groups)",
            steady.report.skipped == steady.trainings
            and steady.values_read == steady.report.rows == 0
            and steady.call_count <= steady_calls,
        )
    )
    lines.append(
        (
            f"{steady.trainings:,} trainings again: {steady.seconds:.1f} s "
            f"(limit {LIMIT_STEADY_SECONDS:.0f} s for {LIMIT_TRAININGS:,})",
            steady.seconds * LIMIT_TRAININGS / steady.trainings < LIMIT_STEADY_SECONDS,
        )
    )
    for measure in measures[:-1]:
        if measure.trainings >= LIMIT_TRAININGS:
            lines.append(
                (
                    f"{measure.trainings:,} trainings measured: "
                    f"{measure.seconds:.1f} s (limit {LIMIT_SECONDS:.0f} s for "
                    f"{LIMIT_TRAININGS:,})",
                    measure.seconds * LIMIT_TRAININGS / measure.trainings
                    < LIMIT_SECONDS,
                )
            )
    return lines


def print_report(args, measures, lines):
    print()
    print(
        f"contributions step benchmark: database {args.db} at {args.url}, "
        f"batches of {args.batch:,}, teams of {TEAM_SIZE} (half trained twice)"
    )
    print(
        "(the worker's Runner.sync_contributions over XML-RPC, client time "
        "included; calls counted per method, the login excluded)"
    )
    print()
    header = (
        f"{'population':<18}{'employees':>10}{'values read':>13}{'rows':>7}"
        f"{'created':>9}{'unchanged':>11}{'held back':>11}{'rejected':>10}"
        f"{'left alone':>12}{'calls':>7}{'seconds':>9}"
    )
    print(header)
    print("-" * len(header))
    for m in measures:
        r = m.report
        population = f"{m.trainings:,} trainings{', again' if m.again else ''}"
        print(
            f"{population:<18}{m.employees:>10,}{m.values_read:>13,}"
            f"{r.rows:>7,}{r.created:>9,}{r.unchanged:>11,}{r.held_back:>11,}"
            f"{len(r.rejected):>10,}{r.skipped:>12,}{m.call_count:>7,}"
            f"{m.seconds:>9.2f}"
        )
    print()
    methods = sorted({name for m in measures for name in m.calls})
    print(
        f"{'calls by method':<26}"
        + "".join(f"{m.trainings:>7,}{'*' if m.again else ' '}" for m in measures)
    )
    for name in methods:
        print(f"  {name:<24}" + "".join(f"{m.calls[name]:>8,}" for m in measures))
    print()
    for line, passed in lines:
        print(f"{line} {'PASS' if passed else 'FAIL'}")


# -------------------------------------------------------------------- main --


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="See the module docstring for what is measured and why.",
    )
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", default="admin", help="admin account (records)")
    parser.add_argument("--password", default="admin")
    parser.add_argument(
        "--sizes",
        default=f"200,{LIMIT_TRAININGS}",
        help="trainings of each population, comma-separated, multiples of "
        f"{TRAININGS_PER_TEAM} (default: %(default)s)",
    )
    parser.add_argument(
        "--batch", type=int, default=2000, help="the worker's batch_size"
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds a call")
    args = parser.parse_args(argv)
    try:
        sizes = sorted({int(size) for size in args.sizes.split(",")})
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas")
    if len(sizes) < 2 or sizes[0] < 1 or any(s % TRAININGS_PER_TEAM for s in sizes):
        parser.error(
            f"--sizes needs two different sizes, multiples of {TRAININGS_PER_TEAM}"
        )
    if not 0 < args.batch <= 5000:
        parser.error("--batch must be between 1 and 5,000")
    args.sizes = sizes
    return args


def run(args):
    admin = OdooClient(args.url, args.db, args.login, args.password, args.timeout)
    today = date.today()
    rng = random.Random(SEED)
    try:
        progress(f"preparing a bench company as {args.login}")
        world = prepare_world(admin)
        sync = ErpClient(
            XmlRpcTransport(
                args.url, args.db, SYNC_LOGIN, world.sync_password, args.timeout
            ),
            batch_size=args.batch,
        )
        measures = []
        employees = 0
        with tempfile.TemporaryDirectory(prefix="trainlink-bench-") as folder:
            for size in args.sizes:
                employees += grow_population(admin, sync, world, size, today, rng)
                state = Path(folder, f"state-{size}.json")  # nothing measured yet
                measures.append(
                    measure_step(args, world, size, employees, today, state)
                )
            # The largest population again, its trainings' inputs unchanged.
            measures.append(
                measure_step(args, world, size, employees, today, state, again=True)
            )
    except (*RPC_ERRORS, ErpError) as error:
        raise SetupError(f"the benchmark failed: {describe_error(error)}") from error
    lines = comparisons(args, measures)
    print_report(args, measures, lines)
    return 0 if all(passed for _line, passed in lines) else 1


if __name__ == "__main__":
    sys.exit(bench_main(parse_args, run))
