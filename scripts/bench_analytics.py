#!/usr/bin/env python3
"""Benchmark of the training analytics (trainlink_analytics): the time to open
its reports on a year of data for 2,000 employees, in a real Odoo 18.

What is measured. The reports are SQL views grouped by the database; what
the user waits for is the calls the web client makes when a report opens. For
each report the script makes those calls as they come from the browser, with
the user's rights (record rules applied), times them with
``time.perf_counter()`` and counts their SQL queries (``env.cr.sql_log_count``,
the counter Odoo's own query-count tests read):

1. course effectiveness (trainlink.course.effect), as an HR officer: the pivot
   (course x KPI, mean net lift and trainees with enough data) and the list
   (``web_search_read`` of the list view's fields, 80 rows);
2. the program overview (trainlink.program.indicator), as an HR officer: the
   pivot (indicator x year, value, goal, last year) and every row
   (``search_read`` of the list view's fields);
3. training effectiveness (trainlink.training.report), as an HR officer and as
   the manager of one department: the pivot (course x year, completion, pass,
   application rates and net lift);
4. department analysis (trainlink.department.report), as an HR officer and as
   that manager: the pivot (department x year, participation, application
   rate, net lift).

A pivot opens with one ``read_group(..., lazy=False)`` per combination of its
row and column groupings, the empty one included (course x KPI: none, course,
KPI, course and KPI; four calls), as Odoo 18's pivot model makes them. Each
call is made once first, untimed, so that Odoo's registry caches (record
rules, views) are warm as in a server that already runs; then it is timed
RUNS times, the record cache emptied before each (``env.invalidate_all()``) as
in a new request, and the median is reported.

Target (from the issue): each report opens in under 2 s on the 2-core machine,
printed beside the figure with PASS or FAIL, with its query count.

The records (``--employees``, ``--attendances``; defaults 2,000 and 20,000):
about 20 departments (each with a head, who manages its people) and ten
jobs; 40 courses aimed at one or both of two KPIs (revenue, complaint rate)
through their modules, three of them pilots with a single small session;
sessions of 16 in the year before and the year of the KPI values, with
attendances mostly completed (exam scores around the passing score, some
absent, cancelled or only attended); an application plan for 45 % of the
completed trainings, 60 % of them carried out; twelve monthly values of both
KPIs for every employee; a contribution for each completed training and KPI
of its course (3-month windows, 10 peers, a net lift around the course's
effect with its standard error; some on thin data: one post month or three
peers), rated by the company's rules (whose consequences raise a retraining
need for each insufficient effect); promotion candidates, 40 % promoted; 200
more training needs, most answered by a course. They are created with the ORM in
batches (create with a list), as superuser with mail tracking off, so that
every stored computed field the views read (pass, course, company,
department, net lift, thin data, benefit, session cost) is Odoo's own; the
seeding time is printed, not judged. Everything runs in one transaction of
``odoo-bin shell`` that is rolled back: the database is left as it was.

The database. Without ``--db`` a new one (``tl_bench_an_<time>``) is created
with trainlink_analytics installed (no demo data) and dropped at the end,
unless ``--keep-db``. With ``--db`` that database is used; the add-on must be
installed there and up to date with the code under addons/.

Odoo: ``$ODOO_BIN``, then ``odoo-bin`` / ``odoo`` on PATH; it reads its own
configuration (``$ODOO_RC``, ``~/.odoorc``) for the database connection. The
addons path is <repo>/addons plus Odoo's core addons: ``$ODOO_ADDONS_PATH``,
else the path Odoo reports (as scripts/test.sh does).

    scripts/bench_analytics.py [--employees 2000] [--attendances 20000]
                               [--db NAME] [--keep-db]

Exit status: 0 when every report opens within the limit, 1 when one does not,
2 when the benchmark cannot be set up or run.
"""

import argparse
import json
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_odoo import main as bench_main  # noqa: E402
from bench_odoo import progress, run_job  # noqa: E402

ADDON = "trainlink_analytics"
LIMIT_SECONDS = 2.0
EMPLOYEES = 2000
ATTENDANCES = 20000
# The KPI values' year; the sessions run in it and the year before.
YEAR = 2025
RUNS = 3
SEED = 2025
MARKER = "TRAINLINK_BENCH_ANALYTICS "


# ============================================== inside odoo-bin shell ==
# shell_main() and the functions below it run in the odoo-bin shell process.

TRACKING_OFF = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}
# The context the web client sends with every call.
WEB_CONTEXT = {"lang": "en_US", "tz": "UTC"}
DEPARTMENT_SIZE = 100
JOBS = 10
COURSES = 40
PILOT_COURSES = 3  # of the COURSES, with one session of PILOT_SIZE
PILOT_SIZE = 4
BOTH_KPIS_EVERY = 8  # one course in 8 aims at both KPIs
SESSION_SIZE = 16
BATCH = 2000
# State of an attendance and its weight.
STATES = {"completed": 88, "absent": 5, "cancelled": 4, "attended": 3}
PLANNED_SHARE = 0.45  # completed trainings with an application plan
PLAN_DONE_SHARE = 0.6
CANDIDATE_SHARE = 0.15  # employees on a promotion path
PROMOTED_SHARE = 0.4
NEEDS = 200
# Windows of a contribution, in months (the company's defaults).
WINDOW_MONTHS = 3
THIN_MONTHS_SHARE = 0.06  # one post month only: thin data
THIN_PEERS_SHARE = 0.04  # three peers only: thin data

# (report, model, user, call, groupings/fields)
# call "pivot": rows, columns and measures of the pivot as it opens;
# call "list": web_search_read of the list view's fields, LIST_LIMIT rows;
# call "all": search_read of the list view's fields, every row.
LIST_LIMIT = 80
COUNT_LIMIT = 10001  # the web client's count_limit (10,000 + 1)
CASES = [
    (
        "course effectiveness pivot",
        "trainlink.course.effect",
        "officer",
        "pivot",
        (["course_id"], ["kpi_id"], ["mean_net_lift", "rated_count"]),
    ),
    ("course effectiveness list", "trainlink.course.effect", "officer", "list", None),
    (
        "program overview pivot",
        "trainlink.program.indicator",
        "officer",
        "pivot",
        (["indicator"], ["date:year"], ["value", "goal", "previous_value"]),
    ),
    ("program overview rows", "trainlink.program.indicator", "officer", "all", None),
    *(
        (
            "training report pivot",
            "trainlink.training.report",
            user,
            "pivot",
            (
                ["course_id"],
                ["date:year"],
                ["completed_rate", "pass_rate", "application_rate", "net_lift"],
            ),
        )
        for user in ("officer", "manager")
    ),
    *(
        (
            "department report pivot",
            "trainlink.department.report",
            user,
            "pivot",
            (
                ["department_id"],
                ["date:year"],
                ["participation_rate", "application_rate", "net_lift"],
            ),
        )
        for user in ("officer", "manager")
    ),
]


def shell_main(env, job_path):
    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    try:
        _check_module(env)
        data_env = env(context={**env.context, **TRACKING_OFF})
        rng = random.Random(SEED)
        began = time.perf_counter()
        users = build_records(data_env, rng, job["employees"], job["attendances"])
        env.flush_all()
        seeding = time.perf_counter() - began
        # Planner statistics as a database in use has them (ANALYZE sees the
        # rows this transaction inserted and is rolled back with them).
        env.cr.execute("ANALYZE")
        progress(f"records built in {seeding:.0f} s")
        result = {
            "seeding": seeding,
            "data": _summary(env),
            "cases": [measure_case(env, users, *case) for case in CASES],
        }
    finally:
        env.cr.rollback()
    print(MARKER + json.dumps(result), flush=True)


def _check_module(env):
    module = env["ir.module.module"].search([("name", "=", ADDON)])
    if module.state != "installed":
        raise RuntimeError(f"{ADDON} is not installed in {env.cr.dbname}")


# ---------------------------------------------------------- the records --


def build_records(env, rng, employee_count, attendance_count):
    """The records of the module docstring; returns the users who open the
    reports, {"officer": user, "manager": user}."""
    company = env.company
    jobs = env["hr.job"].create(
        [{"name": f"Bench job {n:02d}", "company_id": company.id} for n in range(JOBS)]
    )
    employees, heads = _build_people(env, rng, employee_count, jobs)
    users = _build_users(env, heads[0])
    kpis = _build_kpis(env)
    courses = _build_courses(env, rng, kpis, jobs)
    progress("attendances")
    attendances = _build_trainings(env, rng, employees, courses, attendance_count)
    completed = attendances.filtered(lambda a: a.state == "completed")
    progress("application plans")
    _build_plans(env, rng, completed)
    progress("KPI values")
    _build_kpi_values(env, rng, employees, kpis)
    progress("contributions")
    _build_contributions(env, rng, completed)
    progress("promotion candidates and needs")
    _build_promotions(env, rng, employees, jobs, courses)
    _build_needs(env, rng, heads.department_id, kpis, courses)
    return users


def _build_people(env, rng, size, jobs):
    """Departments of about DEPARTMENT_SIZE, each with a head who manages its
    people; returns (all employees, the heads)."""
    company_id = env.company.id
    count = max(2, round(size / DEPARTMENT_SIZE))
    departments = env["hr.department"].create(
        [
            {"name": f"Bench department {n:02d}", "company_id": company_id}
            for n in range(1, count + 1)
        ]
    )
    heads = env["hr.employee"].create(
        [
            {
                "name": f"Bench head {n:02d}",
                "company_id": company_id,
                "department_id": department.id,
                "job_id": jobs[0].id,
            }
            for n, department in enumerate(departments, start=1)
        ]
    )
    for department, head in zip(departments, heads, strict=True):
        department.manager_id = head
    # Their manager (parent_id) follows from the department's head.
    staff = env["hr.employee"]
    for start in range(0, size - count, BATCH):
        staff |= staff.create(
            [
                {
                    "name": f"Bench employee {n:05d}",
                    "company_id": company_id,
                    "department_id": rng.choice(departments).id,
                    "job_id": rng.choice(jobs[1:]).id,
                }
                for n in range(start + 1, min(size - count, start + BATCH) + 1)
            ]
        )
    return heads | staff, heads


def _build_users(env, head):
    """An HR officer, and a manager: the user of the head of a department."""
    from odoo.fields import Command

    Users = env["res.users"].with_context(no_reset_password=True)  # noqa: N806

    def user(login, groups):
        return Users.create(
            {
                "name": login,
                "login": login,
                "email": f"{login}@example.com",
                "groups_id": [
                    Command.set([env.ref(g).id for g in ("base.group_user", groups)])
                ],
            }
        )

    officer = user("tl_bench_an_officer", "hr.group_hr_user")
    manager = user(
        "tl_bench_an_manager", "trainlink_performance.group_trainlink_manager"
    )
    head.user_id = manager
    return {"officer": officer, "manager": manager}


def _build_kpis(env):
    return env["trainlink.kpi"].create(
        [
            {
                "code": "BENCH_AN_REV",
                "name": "Bench revenue",
                "direction": "higher",
                "source_kind": "sales",
                "unit_value": 0.1,
            },
            {
                "code": "BENCH_AN_COMPLAINTS",
                "name": "Bench complaint rate",
                "direction": "lower",
                "aggregation": "rate",
                "unit": "%",
                "source_kind": "service",
                "unit_value": 2000.0,
            },
        ]
    )


def _build_courses(env, rng, kpis, jobs):
    """COURSES courses, each aimed at one KPI through a module (one in
    BOTH_KPIS_EVERY at both, through two), some targeting jobs."""
    from odoo.fields import Command

    families = ["sales", "rnd", "operations", "management", "general"]
    vals_list = []
    for n in range(COURSES):
        aimed = kpis if n % BOTH_KPIS_EVERY == 0 else kpis[n % 2]
        vals_list.append(
            {
                "name": f"Bench course {n + 1:02d}",
                "company_id": env.company.id,
                "job_family": families[n % len(families)],
                "hours": rng.choice([4.0, 8.0, 12.0, 16.0]),
                "cost_per_seat": float(rng.randrange(200, 1600, 100)),
                "job_ids": [Command.set(rng.sample(jobs.ids, n % 3))],
                "module_ids": [
                    Command.create(
                        {
                            "name": f"Module on {kpi.name}",
                            "kpi_line_ids": [
                                Command.create(
                                    {"kpi_id": kpi.id, "expected_lift": 10.0}
                                )
                            ],
                        }
                    )
                    for kpi in aimed
                ],
            }
        )
    return env["trainlink.course"].create(vals_list)


def _build_trainings(env, rng, employees, courses, attendance_count):
    """Sessions of SESSION_SIZE in YEAR - 1 and YEAR (a single one of
    PILOT_SIZE for each pilot course), all done, and their attendances;
    returns the attendances."""
    regular, pilots = courses[:-PILOT_COURSES], courses[-PILOT_COURSES:]
    weights = [rng.uniform(0.5, 2.0) for _course in regular]
    plan = [
        (course, SESSION_SIZE)
        for course in rng.choices(
            regular, weights=weights, k=max(1, attendance_count // SESSION_SIZE)
        )
    ] + [(course, PILOT_SIZE) for course in pilots]
    first, last = date(YEAR - 1, 1, 6), date(YEAR, 10, 31)
    days = []
    session_vals = []
    for course, _size in plan:
        day = first + timedelta(days=rng.randint(0, (last - first).days))
        days.append(day + timedelta(days=rng.randint(0, 2)))
        session_vals.append(
            {
                "course_id": course.id,
                "company_id": env.company.id,
                "date_start": day,
                "date_end": days[-1],
                "state": "done",
                "trainer_type": "external",
                "trainer_name": "Bench Academy",
            }
        )
    sessions = env["trainlink.session"].create(session_vals)
    states, state_weights = list(STATES), list(STATES.values())
    vals_list = []
    for session, end, (course, size) in zip(sessions, days, plan, strict=True):
        for employee_id in rng.sample(employees.ids, size):
            state = rng.choices(states, weights=state_weights)[0]
            vals = {
                "session_id": session.id,
                "employee_id": employee_id,
                "state": state,
            }
            if state in ("completed", "attended"):
                vals["exam_score"] = float(min(100, max(30, round(rng.gauss(84, 9)))))
            if state == "completed":
                vals.update(
                    completion_date=end,
                    hours_credited=course.hours,
                    satisfaction=rng.choice("2344555"),
                )
            vals_list.append(vals)
    return _create_in_batches(env["trainlink.attendance"], vals_list)


def _create_in_batches(model, vals_list):
    records = model.browse()
    for start in range(0, len(vals_list), BATCH):
        records |= model.create(vals_list[start : start + BATCH])
        model.env.flush_all()
    return records


def _build_plans(env, rng, completed):
    chosen = completed.filtered(lambda _a: rng.random() < PLANNED_SHARE)
    _create_in_batches(
        env["trainlink.application.plan"],
        [
            {
                "attendance_id": attendance.id,
                "scenario": "Apply the course in the team's weekly work",
                "date_start": attendance.completion_date,
                "date_end": attendance.completion_date + timedelta(days=60),
                "state": "done" if rng.random() < PLAN_DONE_SHARE else "in_progress",
            }
            for attendance in chosen
        ],
    )


def _build_kpi_values(env, rng, employees, kpis):
    """Twelve monthly values of each KPI of YEAR for every employee."""
    revenue, complaints = kpis
    vals_list = []
    for employee in employees:
        usual = {revenue: rng.gauss(100000, 20000), complaints: rng.gauss(4.0, 1.0)}
        for kpi, level in usual.items():
            for month in range(1, 13):
                start = date(YEAR, month, 1)
                vals_list.append(
                    {
                        "employee_id": employee.id,
                        "kpi_id": kpi.id,
                        "company_id": employee.company_id.id,
                        "department_id": employee.department_id.id,
                        "period_type": "month",
                        "period_start": start,
                        "period_end": _month_end(start),
                        "value": round(max(0.0, rng.gauss(level, level * 0.08)), 2),
                        "source": "bench",
                        "external_key": f"{employee.id}-{kpi.code}-{month:02d}",
                    }
                )
    _create_in_batches(env["trainlink.kpi.value"], vals_list)


def _month_end(day):
    return _add_months(day.replace(day=1), 1) - timedelta(days=1)


def _add_months(day, months):
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1)


def _build_contributions(env, rng, completed):
    """One contribution per completed training and KPI of its course, as the
    sync worker measures them, rated by the company's rules on create."""
    effects = {}  # (course, KPI): the course's true effect, in points
    vals_list = []
    for attendance in completed:
        month = attendance.completion_date.replace(day=1)
        post_start = _add_months(month, 1)
        for kpi in attendance.course_id.kpi_ids:
            effect = effects.setdefault(
                (attendance.course_id.id, kpi.id), rng.gauss(5.0, 4.0)
            )
            net_lift = rng.gauss(effect, 6.0)
            peer_lift = rng.gauss(1.5, 2.0)
            lift = net_lift + peer_lift
            change = -lift if kpi.direction == "lower" else lift
            baseline = (
                rng.gauss(100000, 20000)
                if kpi.direction == "higher"
                else rng.gauss(4, 1)
            )
            thin = rng.random()
            vals_list.append(
                {
                    "attendance_id": attendance.id,
                    "kpi_id": kpi.id,
                    "baseline_start": _add_months(month, -WINDOW_MONTHS),
                    "baseline_end": month - timedelta(days=1),
                    "baseline_value": round(baseline, 2),
                    "baseline_points": WINDOW_MONTHS,
                    "post_start": post_start,
                    "post_end": _add_months(post_start, WINDOW_MONTHS)
                    - timedelta(days=1),
                    "post_value": round(baseline * (1 + change / 100.0), 4),
                    "post_points": 1 if thin < THIN_MONTHS_SHARE else WINDOW_MONTHS,
                    "peer_lift": round(peer_lift, 2),
                    "peer_count": 3
                    if THIN_MONTHS_SHARE <= thin < THIN_MONTHS_SHARE + THIN_PEERS_SHARE
                    else 10,
                    "comparison_basis": "department",
                    "peer_lift_se": 1.0,
                    "net_lift_se": round(abs(rng.gauss(3.0, 1.0)) + 0.5, 2),
                    "interval_dof": 8.0,
                }
            )
    _create_in_batches(env["trainlink.contribution"], vals_list)


def _build_promotions(env, rng, employees, jobs, courses):
    """Promotion paths to three jobs; CANDIDATE_SHARE of the employees on
    one, PROMOTED_SHARE of them promoted, the others still on the path."""
    from odoo.fields import Command

    paths = env["trainlink.promotion.path"].create(
        [
            {
                "job_id": job.id,
                "company_id": env.company.id,
                "course_ids": [Command.set(rng.sample(courses.ids, 3))],
            }
            for job in jobs[-3:]
        ]
    )
    chosen = rng.sample(employees.ids, round(len(employees) * CANDIDATE_SHARE))
    vals_list = []
    for employee_id in chosen:
        vals = {"employee_id": employee_id, "path_id": rng.choice(paths).id}
        if rng.random() < PROMOTED_SHARE:
            vals.update(state="promoted", decision_date=date(YEAR, 12, 15))
        vals_list.append(vals)
    _create_in_batches(env["trainlink.promotion.candidate"], vals_list)


def _build_needs(env, rng, departments, kpis, courses):
    """NEEDS department KPI gaps, three in four answered by a course."""
    states = ["new", "approved", "planned", "rejected"]
    vals_list = []
    for n in range(1, NEEDS + 1):
        course = rng.choice(courses) if rng.random() < 0.75 else None
        vals_list.append(
            {
                "name": f"Bench need {n:03d}",
                "company_id": env.company.id,
                "source": "department_kpi",
                "department_id": rng.choice(departments).id,
                "kpi_id": rng.choice(kpis).id,
                "course_id": course.id if course else False,
                "state": rng.choice(states if course else states[:2] + states[3:]),
            }
        )
    _create_in_batches(env["trainlink.need"], vals_list)


def _summary(env):
    """How many records the reports rest on, counted in the database."""
    counts = {}
    for label, table, where in [
        ("employees", "hr_employee", "active"),
        ("attendances", "trainlink_attendance", "TRUE"),
        ("completed", "trainlink_attendance", "state = 'completed'"),
        ("passed", "trainlink_attendance", "passed"),
        ("plans carried out", "trainlink_application_plan", "state = 'done'"),
        ("KPI values", "trainlink_kpi_value", "TRUE"),
        ("contributions", "trainlink_contribution", "TRUE"),
        ("thin data", "trainlink_contribution", "low_confidence"),
        ("promoted", "trainlink_promotion_candidate", "state = 'promoted'"),
        ("needs", "trainlink_need", "TRUE"),
        ("course x KPI rows", "trainlink_course_effect", "TRUE"),
        ("indicator rows", "trainlink_program_indicator", "TRUE"),
    ]:
        # Table names and conditions are the constants above.
        env.cr.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}")  # noqa: S608
        counts[label] = env.cr.fetchone()[0]
    return counts


# ---------------------------------------------------------- measurement --


def measure_case(env, users, label, model_name, who, call, groupings):
    """The calls that open a report, as `who`: once to warm Odoo's caches,
    then RUNS times timed; the median time and the last run's queries."""
    user_env = env(user=users[who].id, context=WEB_CONTEXT)
    model = user_env[model_name]
    if call == "pivot":
        rows, columns, measures = groupings
        specs = [f"{name}:{model._fields[name].aggregator}" for name in measures]

        def open_report():
            return _open_pivot(model, rows, columns, specs)
    else:
        fields = _list_fields(model)

        def open_report():
            return _open_list(model, fields, call)

    progress(f"{label} as {who}")
    open_report()
    runs = []
    for _run in range(RUNS):
        env.flush_all()
        env.invalidate_all()
        queries = env.cr.sql_log_count
        began = time.perf_counter()
        records, read = open_report()
        runs.append((time.perf_counter() - began, env.cr.sql_log_count - queries))
    return {
        "label": label,
        "user": who,
        "call": call,
        "records": records,
        "read": read,
        "seconds": statistics.median(seconds for seconds, _queries in runs),
        "queries": runs[-1][1],
    }


def _open_pivot(model, rows, columns, specs):
    """The read_group calls of Odoo 18's pivot model when it opens: one per
    pair of row and column grouping prefixes (none included), lazy=False;
    returns (records counted, cells: the fullest call's groups)."""
    calls = [row + column for row in _prefixes(rows) for column in _prefixes(columns)]
    groups = [model.read_group([], specs, groupby, lazy=False) for groupby in calls]
    total = groups[0][0]["__count"] if groups[0] else 0
    return total, len(groups[-1])


def _prefixes(groupbys):
    return [groupbys[:n] for n in range(len(groupbys) + 1)]


def _list_fields(model):
    """The web client's specification of the list view's fields, as the
    user's view has them (fields of groups the user is not in are gone):
    the display name of a many2one, the value of any other field."""
    from lxml import etree

    arch = etree.fromstring(model.get_view(view_type="list")["arch"])
    return {
        node.get("name"): (
            {"fields": {"display_name": {}}}
            if model._fields[node.get("name")].type == "many2one"
            else {}
        )
        for node in arch.iterchildren("field")
    }


def _open_list(model, fields, call):
    """A list opening: its first LIST_LIMIT rows with their count ("list"), or
    every row ("all"); returns (records counted, rows read)."""
    if call == "list":
        result = model.web_search_read(
            [], fields, limit=LIST_LIMIT, count_limit=COUNT_LIMIT
        )
        return result["length"], len(result["records"])
    rows = model.search_read([], list(fields))
    return len(rows), len(rows)


# ================================================ outside Odoo: setup ==


# ========================================================= reporting ==

CALLS = {
    "pivot": "read_group x {n}",
    "list": f"web_search_read, {LIST_LIMIT} rows",
    "all": "search_read, every row",
}


def print_report(db, args, result):
    print()
    print(
        f"analytics benchmark: {args.employees:,} employees, "
        f"{args.attendances:,} attendances, KPI values of {YEAR}, database {db}"
    )
    print(
        f"(in-process in odoo-bin shell, record rules applied, record cache "
        f"emptied before each run, median of {RUNS} runs; records rolled back)"
    )
    print(
        "(records: rows of the report the user's rules let through; read: the "
        "pivot's cells, or the rows the list read)"
    )
    print()
    data = ", ".join(f"{key} {value:,}" for key, value in result["data"].items())
    print(f"records: {data}")
    print(f"seeding: {result['seeding']:.0f} s (not judged)")
    print()
    header = (
        f"{'report':<28}{'user':<9}{'calls':<28}{'records':>8}{'read':>6}"
        f"{'seconds':>9}{'queries':>9}   limit"
    )
    print(header)
    print("-" * (len(header) + 12))
    passed = True
    for case in result["cases"]:
        ok = case["seconds"] < LIMIT_SECONDS
        passed &= ok
        calls = CALLS[case["call"]].format(n=_pivot_calls(case["label"]))
        print(
            f"{case['label']:<28}{case['user']:<9}{calls:<28}"
            f"{case['records']:>8,}{case['read']:>6,}"
            f"{case['seconds']:>9.2f}{case['queries']:>9,}   "
            f"limit {LIMIT_SECONDS:.2f} s {'PASS' if ok else 'FAIL'}"
        )
    return passed


def _pivot_calls(label):
    """How many read_group calls the case's pivot makes."""
    for case_label, _model, _user, call, groupings in CASES:
        if case_label == label and call == "pivot":
            rows, columns, _measures = groupings
            return (len(rows) + 1) * (len(columns) + 1)
    return 0


# ============================================================== main ==


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="See the module docstring for what is measured and why.",
    )
    parser.add_argument(
        "--db", help=f"use this database ({ADDON} installed) instead of a new one"
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="do not drop the database created"
    )
    parser.add_argument(
        "--employees",
        type=int,
        default=EMPLOYEES,
        help="employees to create (default: %(default)s)",
    )
    parser.add_argument(
        "--attendances",
        type=int,
        default=ATTENDANCES,
        help="attendances to create, about (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    if args.employees < 2 * SESSION_SIZE or args.attendances < SESSION_SIZE:
        parser.error(
            f"--employees needs at least {2 * SESSION_SIZE}, --attendances "
            f"at least {SESSION_SIZE}"
        )
    return args


def run(args):
    db, result = run_job(
        args,
        "tl_bench_an",
        (ADDON,),
        __file__,
        {"employees": args.employees, "attendances": args.attendances},
        MARKER,
        "building the records and opening the reports",
    )
    return 0 if print_report(db, args, result) else 1


def main(argv=None):
    return bench_main(parse_args, run, argv)


if __name__ == "__main__":
    sys.exit(main())
