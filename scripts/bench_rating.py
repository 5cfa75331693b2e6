#!/usr/bin/env python3
"""Benchmark of the add-on's rating step: ``contributions._apply_rules()`` and
the release of the consequences it holds, for 200 and for 2,000
contributions, about 23 % of them insufficient, in a real Odoo 18.

What is measured. Rating a batch of contributions reads the rules, rates
every contribution and, for the insufficient ones, holds their consequences
for a training officer (the company releases them by hand, the default) or
arranges them at once. Releasing them arranges: a review activity for the
employee's manager (in the manager's language), an enrolment in the course's
next session with a free seat or, without one, a retraining need, and one
summary message per manager instead of Odoo's message per assigned activity.
For each population the script times ``_apply_rules()`` followed by
``action_release_consequences()`` on what it held, with
``time.perf_counter()`` (the rating alone is shown too), and counts their SQL
queries (``env.cr.sql_log_count``), the final flushes of their writes
included, with the record cache emptied first as in a new request.

Targets (from issue 14): 2,000 contributions rated and their consequences
arranged in under 5 s, and a query count that does not grow per
contribution: the extra queries of the largest population over the smallest
divided by the extra contributions must stay under 0.05 (Odoo's batches of
100 and 1,000 records cost about 0.02; code that issues a query per
contribution shows 1.00 or more). Each figure is printed beside its limit
with PASS or FAIL; when the count grows, the statements run more often for
the larger population are listed with their count per contribution.

The records. Each population gets a department of its own with 20 teams,
each under a manager who has a user (the same number of managers for every
population, so that the one summary per manager does not hide a growth per
contribution), six courses with a completed session each
(the trainings measured) and, for four of them, an upcoming session of 30
seats; one contribution (revenue) per trainee, insufficient for about 23 %.
The records are created as superuser with mail tracking off; the rating runs
as superuser, like the sync API after its checks. A small warm-up population
is rated first and not reported. Everything runs in one transaction of
``odoo-bin shell`` that is rolled back: the database is left as it was.

The database. Without ``--db`` a new one is created with trainlink_performance
installed (no demo data) and dropped at the end, unless ``--keep-db``. With
``--db`` that database is used (the add-on installed and up to date).

    scripts/bench_rating.py [--sizes 200,2000] [--db NAME] [--keep-db]

Exit status: 0 when every comparison passes, 1 when one fails, 2 when the
benchmark cannot be set up or run.
"""

import argparse
import json
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

ADDONS = ("trainlink_performance",)
LIMIT_SECONDS = 5.0
LIMIT_CONTRIBUTIONS = 2000
GROWTH_PER_CONTRIBUTION = 0.05
INSUFFICIENT_SHARE = 0.23
WARMUP_SIZE = 20
SEED = 14
MARKER = "TRAINLINK_BENCH_RATING "


# ============================================== inside odoo-bin shell ==

TRACKING_OFF = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
}
TEAM_COUNT = 20
COURSE_COUNT = 6
COURSES_WITH_SESSION = 4
SEATS = 30


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
        env.cr.execute("ANALYZE")
        progress(f"records built in {time.perf_counter() - began:.0f} s")
        rate_population(env, warmup)
        results = [rate_population(env, p) for p in populations]
    finally:
        env.cr.rollback()
    print(MARKER + json.dumps(results), flush=True)


def build_population(env, rng, tag, size):
    """`size` trainees in teams under managers, their completed trainings and
    one measured contribution each, not rated yet."""
    progress(f"{tag}: building {size:,} contributions")
    company = env.company
    department = env["hr.department"].create(
        {"name": f"Bench {tag}", "company_id": company.id}
    )
    team_count = min(TEAM_COUNT, size)
    users = env["res.users"].create(
        [
            {
                "name": f"Bench {tag} manager {number:03d}",
                "login": f"bench_rating_{tag}_{number}",
                "groups_id": [(6, 0, [env.ref("base.group_user").id])],
            }
            for number in range(team_count)
        ]
    )
    managers = env["hr.employee"].create(
        [
            {
                "name": user.name,
                "user_id": user.id,
                "department_id": department.id,
                "company_id": company.id,
            }
            for user in users
        ]
    )
    employees = env["hr.employee"].create(
        [
            {
                "name": f"Bench {tag} trainee {number:05d}",
                "company_id": company.id,
                "department_id": department.id,
                "parent_id": managers[number % team_count].id,
            }
            for number in range(size)
        ]
    )
    kpi = env["trainlink.kpi"].create(
        {
            "code": f"BENCH_{tag.upper().replace('-', '_')}",
            "name": f"Bench {tag} revenue",
            "direction": "higher",
            "source_kind": "sales",
            "unit_value": 1.0,
            "company_id": company.id,
        }
    )
    courses = env["trainlink.course"].create(
        [
            {"name": f"Bench {tag} course {n}", "hours": 8.0, "company_id": company.id}
            for n in range(COURSE_COUNT)
        ]
    )
    done_day = date(2026, 3, 2)
    upcoming = date.today() + timedelta(days=30)
    sessions = env["trainlink.session"].create(
        [
            {
                "course_id": course.id,
                "company_id": company.id,
                "date_start": done_day,
                "date_end": done_day,
                "state": "done",
            }
            for course in courses
        ]
        + [
            {
                "course_id": course.id,
                "company_id": company.id,
                "date_start": upcoming,
                "date_end": upcoming,
                "state": "confirmed",
                "capacity": SEATS,
            }
            for course in courses[:COURSES_WITH_SESSION]
        ]
    )
    attendances = env["trainlink.attendance"].create(
        [
            {
                "session_id": sessions[number % COURSE_COUNT].id,
                "employee_id": employee.id,
                "state": "completed",
                "completion_date": done_day,
                "exam_score": 80.0,
            }
            for number, employee in enumerate(employees)
        ]
    )
    vals_list = []
    for attendance in attendances:
        insufficient = rng.random() < INSUFFICIENT_SHARE
        vals_list.append(
            {
                "attendance_id": attendance.id,
                "kpi_id": kpi.id,
                "baseline_start": "2025-12-01",
                "baseline_end": "2026-02-28",
                "baseline_value": 100.0,
                "baseline_points": 3,
                "post_start": "2026-04-01",
                "post_end": "2026-06-30",
                "post_value": 90.0 if insufficient else rng.uniform(101.0, 125.0),
                "post_points": 3,
                "peer_lift": 0.0,
                "peer_count": 10,
                "comparison_basis": "department",
                "net_lift_se": 0.5,
                "interval_dof": 10.0,
            }
        )
    contributions = (
        env["trainlink.contribution"]
        .with_context(trainlink_defer_rules=True)
        .create(vals_list)
    )
    env.flush_all()
    return {"tag": tag, "size": size, "ids": contributions.ids}


def rate_population(env, population):
    """Time and count the queries of rating the population's contributions."""
    contributions = env["trainlink.contribution"].browse(population["ids"])
    env.invalidate_all()
    Message = env["mail.message"]
    last_message = Message.search([], order="id desc", limit=1).id or 0
    queries = env.cr.sql_log_count
    began = time.perf_counter()
    with statement_shapes() as shapes:
        contributions._apply_rules()
        env.flush_all()
        rating_seconds = time.perf_counter() - began
        contributions.filtered(
            lambda c: c.consequence_state == "pending"
        ).action_release_consequences()
        env.flush_all()
        seconds = time.perf_counter() - began
        queries = env.cr.sql_log_count - queries
    insufficient = contributions.filtered(lambda c: c.rating == "insufficient")
    summaries = Message.search_count(
        [("id", ">", last_message), ("message_type", "=", "user_notification")]
    )
    return {
        "size": population["size"],
        "seconds": seconds,
        "rating_seconds": rating_seconds,
        "queries": queries,
        "statements": dict(shapes),
        "data": {
            "insufficient": len(insufficient),
            "enrolled": len(insufficient.filtered("retrain_attendance_id")),
            "with a need": len(insufficient.filtered("retrain_need_id")),
            "summaries": summaries,
            "managers": len(insufficient.employee_id.parent_id),
        },
    }


# ========================================================= reporting ==


def checks(results):
    """(line, passed) of every comparison with a limit."""
    small, large = results[0], results[-1]
    growth = (large["queries"] - small["queries"]) / (large["size"] - small["size"])
    told = all(r["data"]["summaries"] == r["data"]["managers"] for r in results)
    return [
        (
            "summaries: "
            + ", ".join(
                f"{r['data']['summaries']} for {r['data']['managers']} managers"
                for r in results
            )
            + " (limit: one per manager of an insufficient effect)",
            told,
        ),
        (
            f"{large['size']:,} contributions rated and released: "
            f"{large['seconds']:.2f} s "
            f"(limit {LIMIT_SECONDS:.0f} s for {LIMIT_CONTRIBUTIONS:,})",
            large["seconds"] < LIMIT_SECONDS,
        ),
        (
            f"query count {small['size']:,} vs {large['size']:,}: "
            f"{small['queries']:,} vs {large['queries']:,}, {growth:.3f} more per "
            f"extra contribution (limit: queries not growing per contribution, "
            f"< {GROWTH_PER_CONTRIBUTION} per extra contribution)",
            growth < GROWTH_PER_CONTRIBUTION,
        ),
    ]


def print_report(db, results, lines):
    print()
    print(
        "rating benchmark: contributions._apply_rules() and the release of the "
        f"consequences it holds, database {db}"
    )
    print(
        "(in-process in odoo-bin shell, superuser, record cache emptied before "
        "each run, final flush included; records rolled back)"
    )
    print()
    header = (
        f"{'population':<22}{'insufficient':>13}{'enrolled':>10}{'needs':>8}"
        f"{'summaries':>11}{'rating s':>10}{'total s':>9}{'queries':>10}"
        f"{'queries/contribution':>22}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        d = r["data"]
        print(
            f"{r['size']:>6,} contributions  {d['insufficient']:>13,}"
            f"{d['enrolled']:>10,}{d['with a need']:>8,}{d['summaries']:>11,}"
            f"{r['rating_seconds']:>10.2f}{r['seconds']:>9.2f}"
            f"{r['queries']:>10,}{r['queries'] / r['size']:>22.2f}"
        )
    print()
    for line, passed in lines:
        print(f"{line} {'PASS' if passed else 'FAIL'}")
    small, large = results[0], results[-1]
    grown = growing_statements(small["statements"], large["statements"])
    if grown:
        print_growing(grown, small["size"], large["size"], "contributions")


# ============================================================== main ==


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="See the module docstring for what is measured and why.",
    )
    parser.add_argument(
        "--db", help="use this database (add-on installed) instead of a new one"
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="do not drop the database created"
    )
    add_sizes_argument(parser, f"200,{LIMIT_CONTRIBUTIONS}", "contributions")
    args = parser.parse_args(argv)
    args.sizes = parse_sizes(parser, args.sizes)
    return args


def run(args):
    db, results = run_job(
        args,
        "trainlink_bench_rating",
        ADDONS,
        __file__,
        {"sizes": args.sizes},
        MARKER,
        "building the records and rating",
    )
    lines = checks(results)
    print_report(db, results, lines)
    return 0 if all(passed for _line, passed in lines) else 1


def main(argv=None):
    return bench_main(parse_args, run, argv)


if __name__ == "__main__":
    sys.exit(main())
