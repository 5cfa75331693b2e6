#!/usr/bin/env python3
"""Benchmark of award scoring: ``campaign._compute_candidates()`` for 200 and
for 2,000 employees with a year of training records, in a real Odoo 18.

What is measured. Scoring a campaign creates a candidate for each eligible
employee and scores them from the period's records (trainings completed,
practice cases adopted, sessions given as internal trainer and their ratings,
confirmed performance scores, the criteria HR rates). For each population the
script times ``_compute_candidates()`` with ``time.perf_counter()`` and counts
its SQL queries (``env.cr.sql_log_count``, the counter Odoo's own query-count
tests read), the final flush of its writes included, with the record cache
emptied first as in a new request or cron run:

1. first run: no candidate yet, every one is created and scored;
2. recompute: the same campaign again, after managers rated one candidate in
   five on the campaign's criterion (the daily cron's and the Recompute
   button's case).

Targets (from the issue): 2,000 employees scored in under 30 s, and a query
count that does not grow with the number of employees. Odoo's ORM batches its
statements (rows are inserted and updated 100 at a time, records read 1,000 at
a time), so a fixed set of statements still runs a few more times for more
employees: "not growing" is judged per employee, the extra queries of the
largest population over the smallest divided by the extra employees, which
must stay under 0.05 (at most one query per 20 more employees; code that
issues a query per employee shows 1.00 or more). Each figure is printed
beside its limit with PASS or FAIL. When the count grows, the statements run
more often for the larger population are listed with their count per
employee (1.00: a query per employee, about 0.01: a batch of 100 rows), which
points at the code that issues them.

The records. Each population (``--sizes``, default 200 and 2,000 employees)
gets a department of its own with teams under it, three jobs and twelve
courses, all in the main company. Every employee completes 4 to 6 trainings in
the campaign's year (sessions of about 15 attendees, hours from the course,
most attendees rating the session 1 to 5), one in five also one the year
before; one in twenty gives 1 to 3 sessions as internal trainer; 45 % have one
or two practice cases adopted into the knowledge base (through an application
plan on one of their trainings, some reused by other teams), some a draft case
besides; everyone has four confirmed quarterly performance scores. The
campaign is restricted to the population's department, requires six months of
service, blocks performance scores below 65 and has a manager nomination
criterion (weight 20). The records are created in batches as superuser (who
may set the states the add-ons otherwise change through their buttons), with
mail tracking off; the campaign is scored as superuser, like the cron. A small
warm-up population is scored first and not reported, so that Odoo's caches
are filled before the first figure. Everything runs in one transaction of
``odoo-bin shell`` that is rolled back: the database is left as it was.

The database. Without ``--db`` a new one is created with trainlink_performance
and trainlink_award installed (no demo data) and dropped at the end, unless
``--keep-db``. With ``--db`` that database is used; both add-ons must be
installed there and up to date with the code under addons/ (a shell on newer
code than the installed module fails).

Odoo: ``$ODOO_BIN``, then ``odoo-bin`` / ``odoo`` on PATH; it reads its own
configuration (``$ODOO_RC``, ``~/.odoorc``) for the database connection. The
addons path is <repo>/addons plus Odoo's core addons: ``$ODOO_ADDONS_PATH``,
else the path Odoo reports (as scripts/test.sh does).

    scripts/bench_award.py [--sizes 200,2000] [--db NAME] [--keep-db]

Exit status: 0 when every comparison passes, 1 when one fails, 2 when the
benchmark cannot be set up or run.
"""

import argparse
import json
import math
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_odoo import (  # noqa: E402
    add_sizes_argument,
    check_installed,
    growing_statements,
    parse_sizes,
    print_growing,
    progress,
    run_job,
    statement_shapes,
)
from bench_odoo import main as bench_main  # noqa: E402

ADDONS = ("trainlink_performance", "trainlink_award")
LIMIT_SECONDS = 30.0
LIMIT_EMPLOYEES = 2000
# The query count "does not grow": extra queries per extra employee below
# this (Odoo's batches of 100 and 1,000 records cost about 0.02-0.03).
GROWTH_PER_EMPLOYEE = 0.05
YEAR = 2025
WARMUP_SIZE = 20
SEED = 2025
MARKER = "TRAINLINK_BENCH_AWARD "
# Statements listed when the query count grows, and their printed length.
# A statement's shape: its text, any run of placeholders shortened.


# ============================================== inside odoo-bin shell ==
# shell_main() and the functions below it run in the odoo-bin shell process.

TRACKING_OFF = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}
# (job, standard training hours a year; 0: the campaign's 100 h)
JOBS = [("Consultant", 40.0), ("Engineer", 60.0), ("Assistant", 0.0)]
COURSE_COUNT = 12
COURSE_HOURS = [4.0, 8.0, 8.0, 12.0, 16.0, 24.0]
SESSION_SIZE = 15
TEAM_SIZE = 40
TRAINER_EVERY = 20  # one employee in TRAINER_EVERY is an internal trainer
RATED_EVERY = 5  # one candidate in RATED_EVERY gets a manager's rating


def shell_main(env, job_path):
    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    try:
        check_installed(env, ADDONS)
        data_env = env(context={**env.context, **TRACKING_OFF})
        rng = random.Random(SEED)
        began = time.perf_counter()
        warmup = build_population(data_env, rng, "warm-up", WARMUP_SIZE)
        populations = [
            build_population(data_env, rng, f"P{number}", size)
            for number, size in enumerate(job["sizes"], start=1)
        ]
        env.flush_all()
        # Planner statistics as a database in use has them (ANALYZE sees the
        # rows this transaction inserted and is rolled back with them).
        env.cr.execute("ANALYZE")
        progress(f"records built in {time.perf_counter() - began:.0f} s")
        score_population(env, rng, warmup)
        results = [score_population(env, rng, p) for p in populations]
    finally:
        env.cr.rollback()
    print(MARKER + json.dumps(results), flush=True)


def build_population(env, rng, tag, size):
    """A department of `size` employees with a year of records, and its
    campaign; returns what score_population() needs."""
    from odoo.fields import Command

    progress(f"{tag}: building {size:,} employees and their records")
    company = env.company
    department = env["hr.department"].create(
        {"name": f"Bench {tag} ({size} employees)", "company_id": company.id}
    )
    teams = env["hr.department"].create(
        [
            {
                "name": f"Bench {tag} team {number:02d}",
                "parent_id": department.id,
                "company_id": company.id,
            }
            for number in range(1, max(2, size // TEAM_SIZE) + 1)
        ]
    )
    jobs = env["hr.job"].create(
        [
            {
                "name": f"Bench {tag} {name}",
                "company_id": company.id,
                "trainlink_standard_hours": hours,
            }
            for name, hours in JOBS
        ]
    )
    year_start = date(YEAR, 1, 1)
    employees = env["hr.employee"].create(
        [
            {
                "name": f"Bench {tag} employee {number:05d}",
                "company_id": company.id,
                "department_id": rng.choice(teams).id,
                "job_id": rng.choice(jobs).id,
                "trainlink_service_start": year_start
                - timedelta(days=rng.randint(365, 15 * 365)),
            }
            for number in range(1, size + 1)
        ]
    )
    courses = env["trainlink.course"].create(
        [
            {
                "name": f"Bench {tag} course {number:02d}",
                "company_id": company.id,
                "hours": rng.choice(COURSE_HOURS),
            }
            for number in range(1, COURSE_COUNT + 1)
        ]
    )
    attendances = _build_trainings(env, rng, employees, courses)
    _build_cases(env, rng, attendances, teams)
    _build_scores(env, rng, employees)
    campaign = env["trainlink.award.campaign"].create(
        {
            "name": f"Bench award {YEAR} ({tag})",
            "company_id": company.id,
            "date_start": year_start,
            "date_end": date(YEAR, 12, 31),
            "state": "open",
            "department_ids": [Command.set(department.ids)],
            "min_service_months": 6,
            "min_performance_score": 65.0,
            "winner_count": 3,
            "criterion_ids": [
                Command.create(
                    {
                        "name": "Manager nomination",
                        "weight": 20.0,
                        "scale_max": 10.0,
                        "evidence": "record",
                        "rated_by": "manager",
                    }
                )
            ],
        }
    )
    env.flush_all()
    return {"tag": tag, "size": size, "campaign_id": campaign.id}


def _build_trainings(env, rng, employees, courses):
    """Sessions of about SESSION_SIZE attendees in the year (some given by
    internal trainers) and 4 to 6 completed trainings per employee, plus one
    the year before for one in five; returns the attendances of the year."""
    company_id = employees.company_id.id
    hours = {course.id: course.hours for course in courses}
    wanted = {employee.id: rng.randint(4, 6) for employee in employees}
    count = max(8, math.ceil(sum(wanted.values()) / SESSION_SIZE))
    trainers = rng.sample(employees.ids, max(2, len(employees) // TRAINER_EVERY))
    given = [t for t in trainers for _ in range(rng.randint(1, 3))][:count]
    given += [False] * (count - len(given))
    rng.shuffle(given)
    session_vals = []
    for trainer_id in given:
        day = date(YEAR, 1, 1) + timedelta(days=rng.randint(0, 360))
        vals = {
            "course_id": rng.choice(courses).id,
            "company_id": company_id,
            "date_start": day,
            "date_end": day + timedelta(days=rng.randint(0, 1)),
            "state": "done",
            "trainer_type": "internal" if trainer_id else "external",
        }
        if trainer_id:
            vals["trainer_id"] = trainer_id
        else:
            vals["trainer_name"] = "Bench Academy"
        session_vals.append(vals)
    before = max(1, len(employees) // 5 // SESSION_SIZE)
    for _index in range(before):
        day = date(YEAR - 1, 11, 1) + timedelta(days=rng.randint(0, 55))
        session_vals.append(
            {
                "course_id": rng.choice(courses).id,
                "company_id": company_id,
                "date_start": day,
                "date_end": day,
                "state": "done",
                "trainer_type": "external",
                "trainer_name": "Bench Academy",
            }
        )
    sessions = env["trainlink.session"].create(session_vals)
    # Most trainers are rated well (5s and 4s), the others anything from 3.
    good = {session.id: rng.random() < 0.7 for session in sessions}
    vals_list = []
    for employee_id, number in wanted.items():
        picks = [
            s
            for s in rng.sample(range(count), min(count, number + 3))
            if given[s] != employee_id
        ][:number]
        if rng.random() < 0.2:
            picks.append(count + rng.randrange(before))
        for index in picks:
            session = sessions[index]
            satisfaction = False
            if rng.random() < 0.85:
                choices = "45555" if good[session.id] else "12334455"
                satisfaction = rng.choice(choices)
            vals_list.append(
                {
                    "session_id": session.id,
                    "employee_id": employee_id,
                    "state": "completed",
                    "completion_date": session_vals[index]["date_end"],
                    "hours_credited": hours[session_vals[index]["course_id"]],
                    "exam_score": float(rng.randint(55, 100)),
                    "satisfaction": satisfaction,
                }
            )
    attendances = env["trainlink.attendance"].create(vals_list)
    return attendances.filtered(lambda a: a.completion_date.year == YEAR)


def _build_cases(env, rng, attendances, teams):
    """Adopted practice cases for 45 % of the employees (one or two, each on
    an application plan of one of their trainings, some reused by other
    teams), a draft case for one in ten more."""
    from odoo.fields import Command

    by_employee = {}
    for attendance in attendances:
        by_employee.setdefault(attendance.employee_id.id, []).append(attendance)
    chosen = []  # (attendance, adopted)
    for own in by_employee.values():
        adopted = rng.choices([0, 1, 2], weights=[55, 35, 10])[0]
        drafts = 1 if rng.random() < 0.1 else 0
        picks = rng.sample(own, min(len(own), adopted + drafts))
        chosen += [(a, index < adopted) for index, a in enumerate(picks)]
    plans = env["trainlink.application.plan"].create(
        [
            {
                "attendance_id": attendance.id,
                "scenario": "Apply the course in the team's weekly work",
                "date_start": attendance.completion_date,
                "date_end": attendance.completion_date + timedelta(days=60),
                "state": "in_progress",
            }
            for attendance, _adopted in chosen
        ]
    )
    vals_list = []
    for plan, (attendance, adopted) in zip(plans, chosen, strict=True):
        vals = {"name": f"Bench case {plan.id}", "plan_id": plan.id}
        if adopted:
            reused = rng.sample(teams.ids, rng.choice([0, 0, 1, 2]))
            vals.update(
                state="approved",
                adopted=True,
                adoption_date=attendance.completion_date
                + timedelta(days=rng.randint(20, 90)),
                reused_by_department_ids=[Command.set(reused)],
            )
        vals_list.append(vals)
    env["trainlink.practice.case"].create(vals_list)


def _build_scores(env, rng, employees):
    """Four confirmed quarterly performance scores per employee."""
    Score = env["trainlink.performance.score"]  # noqa: N806
    vals_list = []
    for employee in employees:
        for month in (1, 4, 7, 10):
            final = round(min(130.0, max(20.0, rng.gauss(90.0, 10.0))), 1)
            vals_list.append(
                {
                    "employee_id": employee.id,
                    "period_type": "quarter",
                    "period_start": date(YEAR, month, 1),
                    "state": "confirmed",
                    "kpi_score": final,
                    "has_kpi_data": True,
                    "final_score": final,
                    "band": Score._band(final),
                }
            )
    Score.create(vals_list)


def score_population(env, rng, population):
    """The campaign scored twice (first run, then recompute after ratings),
    each run timed and its queries counted."""
    campaign = env["trainlink.award.campaign"].browse(population["campaign_id"])
    tag, size = population["tag"], population["size"]
    progress(f"{tag}: scoring {size:,} employees (first run)")
    first = _measure(env, campaign)
    _rate_candidates(env, rng, campaign)
    progress(f"{tag}: scoring {size:,} employees again (recompute)")
    again = _measure(env, campaign)
    return {**population, "runs": [first, again], "data": _summary(campaign)}


def _measure(env, campaign):
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    began = time.perf_counter()
    with statement_shapes() as shapes:
        campaign._compute_candidates()
        env.flush_all()
        seconds = time.perf_counter() - began
        queries = env.cr.sql_log_count - queries
    return {
        "candidates": len(campaign.candidate_ids),
        "seconds": seconds,
        "queries": queries,
        "statements": dict(shapes),
    }


def _rate_candidates(env, rng, campaign):
    """A manager's nomination points for one candidate in RATED_EVERY."""
    criterion = campaign.criterion_ids[:1]
    candidates = campaign.candidate_ids
    rated = rng.sample(candidates.ids, max(1, len(candidates) // RATED_EVERY))
    employee_of = {c.id: c.employee_id.id for c in candidates}
    env["trainlink.award.rating"].create(
        [
            {
                "candidate_id": candidate_id,
                "criterion_id": criterion.id,
                "points": float(rng.randint(4, 10)),
                "evidence_ref": f"hr.employee,{employee_of[candidate_id]}",
            }
            for candidate_id in rated
        ]
    )
    env.flush_all()


def _summary(campaign):
    """How many candidates each part of the score found records for."""
    candidates = campaign.candidate_ids
    scores = candidates.mapped("score")
    return {
        "with hours": len(candidates.filtered("hours")),
        "with adopted cases": len(candidates.filtered("case_units")),
        "with trainer points": len(candidates.filtered("trainer_points")),
        "with performance": len(candidates.filtered("performance_score")),
        "with criterion points": len(candidates.filtered("other_score")),
        "blocked": len(candidates.filtered("blocked")),
        "mean score": round(sum(scores) / len(scores), 1) if scores else 0.0,
    }


# ================================================ outside Odoo: setup ==


# ========================================================= reporting ==

RUN_LABELS = ("first run", "recompute")


def checks(results):
    """(line, passed) of every comparison with a limit."""
    small, large = results[0], results[-1]
    lines = []
    for index, label in enumerate(RUN_LABELS):
        run = large["runs"][index]
        passed = run["seconds"] < LIMIT_SECONDS
        lines.append(
            (
                f"{large['size']:,} employees, {label}: {run['seconds']:.1f} s "
                f"(limit {LIMIT_SECONDS:.0f} s for {LIMIT_EMPLOYEES:,})",
                passed,
            )
        )
    for index, label in enumerate(RUN_LABELS):
        a = small["runs"][index]["queries"]
        b = large["runs"][index]["queries"]
        growth = (b - a) / (large["size"] - small["size"])
        lines.append(
            (
                f"query count {small['size']:,} vs {large['size']:,}, {label}: "
                f"{a:,} vs {b:,}, {growth:.3f} more per extra employee (limit: "
                f"not growing, < {GROWTH_PER_EMPLOYEE} per extra employee)",
                growth < GROWTH_PER_EMPLOYEE,
            )
        )
    return lines


def print_report(db, results, lines):
    print()
    print(
        f"award scoring benchmark: campaign._compute_candidates(), period {YEAR}, "
        f"database {db}"
    )
    print(
        "(in-process in odoo-bin shell, superuser, record cache emptied before "
        "each run, final flush included; records rolled back)"
    )
    print()
    header = (
        f"{'population':<18}{'run':<12}{'candidates':>11}{'seconds':>10}"
        f"{'queries':>10}{'queries/employee':>18}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        for label, run in zip(RUN_LABELS, result["runs"], strict=True):
            print(
                f"{result['size']:>6,} employees  {label:<12}"
                f"{run['candidates']:>11,}{run['seconds']:>10.2f}"
                f"{run['queries']:>10,}{run['queries'] / result['size']:>18.2f}"
            )
    print()
    for result in results:
        data = ", ".join(f"{key} {value:,}" for key, value in result["data"].items())
        print(f"{result['size']:>6,} employees, records found: {data}")
    print()
    for line, passed in lines:
        print(f"{line} {'PASS' if passed else 'FAIL'}")
    small, large = results[0], results[-1]
    for index, label in enumerate(RUN_LABELS):
        grown = growing_statements(
            small["runs"][index]["statements"], large["runs"][index]["statements"]
        )
        if grown:
            print_growing(
                grown, small["size"], large["size"], "employees", f" ({label})"
            )


# ============================================================== main ==


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="See the module docstring for what is measured and why.",
    )
    parser.add_argument(
        "--db", help="use this database (add-ons installed) instead of a new one"
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="do not drop the database created"
    )
    add_sizes_argument(parser, f"200,{LIMIT_EMPLOYEES}", "employees")
    args = parser.parse_args(argv)
    args.sizes = parse_sizes(parser, args.sizes)
    return args


def run(args):
    db, results = run_job(
        args,
        "trainlink_bench_award",
        ADDONS,
        __file__,
        {"sizes": args.sizes},
        MARKER,
        "building the records and scoring",
    )
    lines = checks(results)
    print_report(db, results, lines)
    return 0 if all(passed for _line, passed in lines) else 1


def main(argv=None):
    return bench_main(parse_args, run, argv)


if __name__ == "__main__":
    sys.exit(main())
