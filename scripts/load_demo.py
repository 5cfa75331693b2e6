#!/usr/bin/env python3
"""Load a larger demo dataset into an Odoo 18 with TrainLink, over XML-RPC.

The add-on's own demo data is a handful of people; this script fills any
database where the add-on is installed with a company-sized dataset, through
the same API a client or the sync worker uses, so the add-on's logic runs:

- departments Sales North, Sales South, Key Accounts, Assembly Line 1 and 2,
  Quality, R&D and HR, each with a manager; jobs (with their job family when
  ``hr.job`` has ``trainlink_job_family``); ``--employees`` employees with
  Chinese names, badge ids and their department manager as manager;
- the KPIs SALES_REV, NEW_CLIENTS, CONV_RATE, COMPLAINT_RATE, DEFECT_RATE,
  OUTPUT_PER_HOUR and RETENTION; nine courses for sales, operations,
  management and R&D whose modules name the KPIs they should move;
- training needs, approved and planned through their actions; sessions over
  the last ``--months`` months, confirmed, attendees enrolled with the enrol
  wizard, marked present or absent, exam scores and satisfaction recorded,
  attendances completed and sessions closed with their actions (a planned need
  becomes covered when everyone it names completed its course); two upcoming
  sessions with enrolled attendees;
- monthly KPI values for every employee of the sales departments and the
  assembly lines, sent through ``trainlink.kpi.value.api_upsert`` in batches
  by the technical user ``demo_sync`` (created in the sync group, its password
  reset to a random one on every run and shown nowhere) inside one sync run,
  which shows in *Sync Runs*. Each value is the employee's baseline x
  seasonality x trend x noise; after an employee completes a course whose
  modules name the KPI, the KPI improves by the module's expected lift, scaled
  by the exam score and the person (some never apply what they learned),
  reached gradually over three months;
- KPI targets: for each department with KPIs, a department target of each of
  its KPIs for every calendar period inside the timeline (of the shortest
  period type of the assessment cycle of its job family: months for sales,
  quarters for the assembly lines), 10 % better than its people's expected
  level (before training), agreed,
  then cascaded to its employees with the add-on's Cascade and agreed, as HR
  and the managers do;
- the measured effect: the sync worker's contributions step, run by
  ``demo_worker.py`` with the worker's Python (``--worker-python``, by default
  the repository's ``.venv``), as the sync user and as of the day after the
  timeline, reads the stored KPI values and writes the contributions of the
  completed trainings, which the add-on's rules rate; its report is printed.
  It is the worker's own code (its Runner, as ``python -m sync_worker
  run-once``). Most ratings of one person's effect are inconclusive: monthly
  figures are noisy, and the rules decline to judge without evidence;
- performance scores of the last assessment cycle, computed with the Compute
  Scores wizard: for each job family, every period of each period type of its
  cycle that lies inside the timeline and ends in its last twelve months
  (months for sales; quarters for operations and R&D; half-years for
  management and R&D; a year only when a whole calendar year is inside),
  then confirmed, as HR does once a period is over;
- promotion requirements for Key Account Manager, Team Leader and Production
  Supervisor (core courses passed with at least 80, one approved practice
  case, a performance score of at least 70); six candidates each among the
  holders of the job below who passed the most of its courses; for two in
  three of them an application plan of a passed core course (accepted, four
  weekly check-ins, closed) and its practice case (submitted, approved); the
  candidates who pass every gate are submitted to the promotion review with
  its button, which refuses anyone who misses one.

The load leaves no pending activity dated in the past: the application plans
lie in the past and are closed, and the reviews an insufficient effect asks
for are due a week after the load.

Records are found again by their natural key (department, job and need by
name, employee by badge id, KPI and course by code, module by course and name,
session by course and start date, KPI value by source ``demo`` and external
key, target by KPI, department and period (employee targets are Cascade's,
which skips whoever has one), score by employee and period, promotion path by
job, candidate by employee and path, application plan by training), so a
re-run with the same options creates nothing and changes nothing: agreed
targets and confirmed scores stay as they are, the worker finds every
contribution unchanged. It only adds two lines to the Sync Runs log (the KPI
values and the worker's run). A record it finds that it did not create (the
add-on's demo KPIs SALES_REV or CONV_RATE, a job of the same name) is reused
as it is, never rewritten: the records it creates are marked with an external
id of the pseudo-module ``__trainlink_load_demo__``, and only those are
brought back to the script's data on a re-run. The same ``--seed`` gives the
same data. The
timeline ends with the last full month before the first load and is kept in
the system parameter ``trainlink_demo.end_month``, so that re-runs in a later
month find the same sessions, values, contributions and periods
(``--end-month`` moves it).

Everything goes into the current company of the admin account given by
``--login``/``--password``, which must be in Settings, Employees Officer and
TrainLink Administrator groups (``admin`` is). Money figures are in the
company currency.

    scripts/load_demo.py --url http://localhost:8069 --db trainlink \\
        --login admin --password admin

``--skip-worker`` leaves the worker out (when its dependencies are not
installed): the scores are then computed without the measured effect and left
in draft; a later run without it measures the effect, computes the scores
again and confirms them.

Exit status: 0 when everything was loaded, 1 when the load failed on the way
(a call refused, a KPI value rejected, the worker's run ending with a non-zero
status), 2 when it cannot start (login, add-on not installed, missing rights,
the worker not importable with its Python).
"""

import argparse
import json
import math
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
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

SOURCE = "demo"
SYNC_LOGIN = "demo_sync"
SYNC_NAME = "TrainLink Demo Sync"
# trainlink.kpi.value's MAX_BATCH: the largest batch one api_upsert call takes.
MAX_BATCH = 5000
ANCHOR_PARAM = "trainlink_demo.end_month"
BADGE_PREFIX = "TLD"
EMAIL_DOMAIN = "demo.example.com"
REQUIRED_GROUPS = (
    "base.group_system",
    "hr.group_hr_user",
    "trainlink_performance.group_trainlink_admin",
)
CREATE_CHUNK = 500
# The pseudo-module of the external ids that mark the records the loader
# created: the only ones a re-run may write to.
CREATED_MODULE = "__trainlink_load_demo__"
# Runs the sync worker's contributions step (with the worker's Python).
WORKER_SCRIPT = HERE / "demo_worker.py"
DEFAULT_WORKER_PYTHON = HERE.parent / ".venv" / "bin" / "python"
# Targets agreed (and scores confirmed) a call.
ACTION_CHUNK = 1000

# ----------------------------------------------------------------- the data --

SALES_SEASON = (1.05, 0.78, 0.95, 1.0, 1.0, 1.08, 0.95, 0.93, 1.02, 0.92, 1.15, 1.12)
CONVERSION_SEASON = (1.02, 0.92, 0.98, 1, 1, 1.03, 0.98, 0.97, 1, 0.97, 1.05, 1.04)
COMPLAINT_SEASON = (1, 0.95, 1, 1, 1, 1.08, 1, 1, 1, 1.02, 1.18, 1.12)
OUTPUT_SEASON = (1.02, 0.88, 0.97, 1, 1, 1, 0.99, 0.98, 1, 0.96, 1.03, 1.03)
DEFECT_SEASON = (1, 1.18, 1.1, 1, 1, 1, 1.06, 1.06, 1, 1, 1.02, 1.04)
FLAT = (1,) * 12


@dataclass(frozen=True)
class KpiDef:
    code: str
    name: str
    unit: str | None  # None: the company currency
    direction: str
    aggregation: str
    source_kind: str
    unit_value: float
    description: str
    # How the monthly values of one employee move.
    season: tuple  # factor of each calendar month, January first
    noise: float  # standard deviation of the monthly log-normal noise
    digits: int
    trend: float = 0.0  # growth a month
    cap: float | None = None
    count: bool = False  # whole events: Poisson noise instead


# fmt: off
KPIS = (
    KpiDef(
        "SALES_REV", "Sales revenue", None, "higher", "sum", "sales", 0.25,
        "Invoiced revenue of the month. Unit value: gross margin on one unit.",
        SALES_SEASON, 0.10, 0, trend=0.006,
    ),
    KpiDef(
        "NEW_CLIENTS", "New clients", "clients", "higher", "sum", "sales", 5000,
        "Clients with a first order in the month.",
        SALES_SEASON, 0.0, 0, trend=0.004, count=True,
    ),
    KpiDef(
        "CONV_RATE", "Lead conversion rate", "%", "higher", "rate", "sales", 8000,
        "Qualified leads turned into orders, in percent.",
        CONVERSION_SEASON, 0.08, 1, cap=95,
    ),
    KpiDef(
        "COMPLAINT_RATE", "Complaint rate", "%", "lower", "rate", "service", 6000,
        "Orders with a client complaint, in percent.",
        COMPLAINT_SEASON, 0.18, 2,
    ),
    KpiDef(
        "DEFECT_RATE", "Defect rate", "%", "lower", "rate", "quality", 12000,
        "Assembled units failing inspection, in percent.",
        DEFECT_SEASON, 0.15, 2,
    ),
    KpiDef(
        "OUTPUT_PER_HOUR", "Output per hour", "pieces/h", "higher", "mean",
        "production", 900,
        "Good units assembled per hour worked.",
        OUTPUT_SEASON, 0.04, 1, trend=0.003,
    ),
    KpiDef(
        "RETENTION", "Client retention", "%", "higher", "rate", "sales", 10000,
        "Clients of last year still ordering, in percent.",
        FLAT, 0.015, 1, cap=99.5,
    ),
)
# fmt: on
KPI_BY_CODE = {kpi.code: kpi for kpi in KPIS}

JOB_FAMILIES = {
    "Sales Representative": "sales",
    "Key Account Manager": "sales",
    "Sales Manager": "management",
    "Key Account Director": "management",
    "Assembly Operator": "operations",
    "Team Leader": "operations",
    "Production Supervisor": "management",
    "Quality Inspector": "operations",
    "Quality Manager": "management",
    "R&D Engineer": "rnd",
    "R&D Manager": "management",
    "HR Specialist": "general",
    "HR Manager": "management",
}
TEAM_LEADER_JOB = "Team Leader"
# One team leader for every this many operators.
TEAM_LEADER_EVERY = 12


@dataclass(frozen=True)
class DepartmentDef:
    name: str
    share: int  # of the headcount, in parts of the sum of all shares
    member_job: str
    manager_job: str
    # KPI code: (median baseline of the members, spread between members)
    baselines: dict


SALES_KPI_CODES = ("SALES_REV", "NEW_CLIENTS", "CONV_RATE", "COMPLAINT_RATE")


def sales_baselines(revenue, new_clients, conversion, complaints, retention):
    """KPI code -> (median, spread) of the people of a sales team."""
    values = (revenue, new_clients, conversion, complaints, retention)
    return dict(zip((*SALES_KPI_CODES, "RETENTION"), values, strict=True))


# fmt: off
DEPARTMENTS = (
    DepartmentDef(
        "Sales North", 55, "Sales Representative", "Sales Manager",
        sales_baselines((160e3, 0.3), (6, 0.3), (22, 0.18), (3.0, 0.35), (85, 0.04)),
    ),
    DepartmentDef(
        "Sales South", 50, "Sales Representative", "Sales Manager",
        sales_baselines((140e3, 0.32), (5.5, 0.3), (20, 0.2), (3.4, 0.35), (83, 0.05)),
    ),
    DepartmentDef(
        "Key Accounts", 25, "Key Account Manager", "Key Account Director",
        sales_baselines((420e3, 0.35), (1.5, 0.4), (31, 0.15), (1.8, 0.35), (91, 0.03)),
    ),
    DepartmentDef(
        "Assembly Line 1", 65, "Assembly Operator", "Production Supervisor",
        {"DEFECT_RATE": (2.2, 0.30), "OUTPUT_PER_HOUR": (42, 0.10)},
    ),
    DepartmentDef(
        "Assembly Line 2", 60, "Assembly Operator", "Production Supervisor",
        {"DEFECT_RATE": (2.9, 0.30), "OUTPUT_PER_HOUR": (38, 0.12)},
    ),
    DepartmentDef("Quality", 20, "Quality Inspector", "Quality Manager", {}),
    DepartmentDef("R&D", 15, "R&D Engineer", "R&D Manager", {}),
    DepartmentDef("HR", 10, "HR Specialist", "HR Manager", {}),
)
# fmt: on
DEPARTMENT_BY_NAME = {department.name: department for department in DEPARTMENTS}


@dataclass(frozen=True)
class CourseDef:
    code: str
    name: str
    job_family: str
    level: str
    format: str
    hours: float
    cost_per_seat: float
    passing_score: float
    description: str
    jobs: tuple  # target jobs
    # Who attends: members of these departments, "@managers", "@team_leaders".
    audience: tuple
    first_month: int  # index in the timeline of the first session
    every_months: int
    # ("internal", department whose manager trains) or ("external", name)
    trainer: tuple
    location: str
    modules: tuple  # (name, hours, ((KPI code, expected lift %), ...))
    upcoming: bool = False  # one more session after the timeline


SALES_TEAMS = ("Sales North", "Sales South", "Key Accounts")
LINES = ("Assembly Line 1", "Assembly Line 2")
HQ_ROOM = "Shanghai HQ, Training Room A"
PLANT_ROOM = "Suzhou Plant, Training Workshop"
# fmt: off
COURSES = (
    CourseDef(
        "SAL-NEG", "Consultative Selling and Negotiation", "sales", "middle",
        "case_study", 16, 2400, 80,
        "Uncover the client's real need, defend the price, close the deal.",
        ("Sales Representative", "Key Account Manager"), SALES_TEAMS, 0, 3,
        ("external", "Zhou Hong (Bright Sales Academy)"), HQ_ROOM,
        (("Discovering client needs", 6, (("CONV_RATE", 6),)),
         ("Negotiation and closing", 10, (("SALES_REV", 10),))),
        upcoming=True,
    ),
    CourseDef(
        "SAL-PROS", "Prospecting New Clients", "sales", "junior", "simulation",
        8, 900, 80,
        "Find, qualify and approach new clients: lead lists, calls, WeChat.",
        ("Sales Representative",), ("Sales North", "Sales South"), 1, 3,
        ("internal", "Sales North"), HQ_ROOM,
        (("Lead qualification", 4, (("NEW_CLIENTS", 12),)),
         ("Cold-call and WeChat scripts", 4, (("CONV_RATE", 4),))),
    ),
    CourseDef(
        "SAL-KAM", "Key Account Management", "sales", "middle", "case_study",
        24, 3600, 80,
        "Account plans, value selling and relationships with executives.",
        ("Key Account Manager",), ("Key Accounts", "Sales North"), 2, 4,
        ("internal", "Key Accounts"), HQ_ROOM,
        (("Account planning", 8, (("RETENTION", 4),)),
         ("Value-based selling", 10, (("SALES_REV", 8),)),
         ("Executive relationships", 6, ())),
    ),
    CourseDef(
        "SAL-SVC", "Complaint Handling and Service Scripts", "sales", "junior",
        "simulation", 8, 800, 80,
        "A complaint flow that settles the case at first contact.",
        ("Sales Representative", "Key Account Manager"), SALES_TEAMS, 1, 3,
        ("internal", "Sales South"), HQ_ROOM,
        (("Complaint handling flow", 4, (("COMPLAINT_RATE", 20),)),
         ("Service scripts", 4, (("RETENTION", 2),))),
    ),
    CourseDef(
        "OPS-LEAN", "Lean Assembly and Standard Work", "operations", "junior",
        "hands_on", 12, 1200, 75,
        "Standard work, line balancing and 5S at the workstation.",
        ("Assembly Operator", "Team Leader"), LINES, 0, 2,
        ("internal", "Assembly Line 1"), PLANT_ROOM,
        (("Standard work and line balancing", 8, (("OUTPUT_PER_HOUR", 8),)),
         ("5S at the workstation", 4, (("DEFECT_RATE", 4),))),
    ),
    CourseDef(
        "OPS-QAS", "Quality at the Source: Poka-yoke and 8D", "operations",
        "junior", "hands_on", 8, 1000, 80,
        "Stop defects where they start and solve them for good.",
        ("Assembly Operator", "Team Leader", "Quality Inspector"),
        (*LINES, "Quality"), 1, 2,
        ("internal", "Quality"), PLANT_ROOM,
        (("Mistake-proofing (poka-yoke)", 4, (("DEFECT_RATE", 10),)),
         ("Root-cause analysis with 8D", 4, (("OUTPUT_PER_HOUR", 2),))),
        upcoming=True,
    ),
    CourseDef(
        "MGT-COACH", "Coaching for Team Leaders", "management", "middle",
        "case_study", 16, 3000, 80,
        "Coaching conversations and weekly check-ins that change habits.",
        (TEAM_LEADER_JOB, "Production Supervisor", "Sales Manager"),
        ("@managers", "@team_leaders"), 2, 5,
        ("external", "Lin Jing (Leadership Coach)"), HQ_ROOM,
        (("Coaching conversations", 8, ()),
         ("Running weekly check-ins", 8, (("OUTPUT_PER_HOUR", 2),))),
    ),
    CourseDef(
        "MGT-PIP", "Performance Conversations and Improvement Plans",
        "management", "senior", "lecture", 12, 2800, 80,
        "SMART goals, KPI cascades and improvement plans that work.",
        ("Sales Manager", "Production Supervisor", "HR Manager"),
        ("@managers", "HR"), 4, 6,
        ("internal", "HR"), HQ_ROOM,
        (("SMART goals and KPI cascades", 6, ()),
         ("Running an improvement plan", 6, ())),
    ),
    CourseDef(
        "RND-DFM", "Design for Manufacturing", "rnd", "middle", "lecture",
        12, 1500, 80,
        "Designs that are easy to assemble right the first time.",
        ("R&D Engineer",), ("R&D", "Quality"), 3, 6,
        ("external", "Prof. Gao Ming (Tongji University)"),
        "Online (Tencent Meeting)",
        (("Tolerance design", 6, (("DEFECT_RATE", 3),)),
         ("Design reviews with the line", 6, ())),
    ),
)
# fmt: on
COURSE_BY_CODE = {course.code: course for course in COURSES}


@dataclass(frozen=True)
class NeedDef:
    name: str
    source: str
    department: str | None
    job: str | None
    kpi: str | None
    current: float
    target: float
    impact: str
    urgency: str
    course: str | None
    state: str  # new, approved, planned or rejected
    # Who it names: "attendees" (of the course, from the department),
    # "untrained" (members of the department the course plan leaves out).
    employees: str | None
    description: str


# fmt: off
NEEDS = (
    NeedDef(
        "Sales North: lead conversion below target", "department_kpi",
        "Sales North", "Sales Representative", "CONV_RATE", 19.5, 25, "4", "4",
        "SAL-NEG", "planned", "attendees",
        "Leads are qualified but not closed: discovery and closing skills.",
    ),
    NeedDef(
        "Company strategy: revenue +20% needs stronger negotiation", "strategy",
        None, None, "SALES_REV", 150_000, 180_000, "5", "4", "SAL-NEG",
        "approved", None,
        "This year's plan: revenue +20 %; discounts given too early.",
    ),
    NeedDef(
        "Sales South: complaint rate above 2.5%", "department_kpi",
        "Sales South", "Sales Representative", "COMPLAINT_RATE", 3.6, 2.5, "4",
        "5", "SAL-SVC", "planned", "attendees",
        "Complaints bounce between sales and service before they are settled.",
    ),
    NeedDef(
        "Key Accounts: client retention below 93%", "department_kpi",
        "Key Accounts", "Key Account Manager", "RETENTION", 90.5, 93, "5", "3",
        "SAL-KAM", "planned", "attendees",
        "Two large accounts lost last year without an account plan.",
    ),
    NeedDef(
        "Sales South: too few new clients", "department_kpi", "Sales South",
        "Sales Representative", "NEW_CLIENTS", 5, 7, "3", "3", "SAL-PROS",
        "new", "untrained",
        "The pipeline depends on existing clients.",
    ),
    NeedDef(
        "Assembly Line 2: defect rate above 2%", "department_kpi",
        "Assembly Line 2", "Assembly Operator", "DEFECT_RATE", 2.9, 2.0, "5",
        "5", "OPS-QAS", "planned", "attendees",
        "Most defects are assembly mistakes that a fixture would prevent.",
    ),
    NeedDef(
        "Assembly Line 1: output per hour below 45", "department_kpi",
        "Assembly Line 1", "Assembly Operator", "OUTPUT_PER_HOUR", 41.5, 45,
        "4", "3", "OPS-LEAN", "planned", "attendees",
        "Unbalanced stations: operators wait for each other.",
    ),
    NeedDef(
        "New team leaders: coaching skills", "competency", None,
        TEAM_LEADER_JOB, None, 0, 0, "3", "4", "MGT-COACH", "planned",
        "attendees",
        "Team leaders promoted from the line have never coached anyone.",
    ),
    NeedDef(
        "Quality: Six Sigma Black Belt for every inspector", "competency",
        "Quality", "Quality Inspector", "DEFECT_RATE", 2.5, 1.5, "2", "1", None,
        "rejected", None,
        "Too long and too costly for inspectors; 8D covers the need.",
    ),
    NeedDef(
        "R&D: designs that are hard to assemble", "department_kpi", "R&D",
        "R&D Engineer", "DEFECT_RATE", 2.6, 2.0, "3", "2", "RND-DFM",
        "approved", "attendees",
        "A third of the line's defects trace back to tolerances in the design.",
    ),
)
# fmt: on
NEED_ACTIONS = {
    ("new", "approved"): ("action_approve",),
    ("new", "planned"): ("action_approve", "action_plan"),
    ("approved", "planned"): ("action_plan",),
    ("new", "rejected"): ("action_reject",),
}

# Department targets: the expected level of the department's people, this
# much better (a lower-is-better KPI this much lower).
TARGET_STRETCH = 0.1
TARGET_KEY = (
    "kpi_id",
    "level",
    "department_id",
    "period_type",
    "period_start",
    "company_id",
)
PERIOD_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}
# The last assessment cycle: the periods ending in the last this many months.
CYCLE_MONTHS = 12


@dataclass(frozen=True)
class PathDef:
    job: str  # the target job
    from_job: str  # its candidates hold this job
    courses: tuple  # required core courses
    kpis: tuple  # the competencies the target job is judged on
    description: str


# fmt: off
PATHS = (
    PathDef(
        "Key Account Manager", "Sales Representative", ("SAL-NEG", "SAL-KAM"),
        ("SALES_REV", "RETENTION", "CONV_RATE"),
        "Representatives who sell on value and plan their accounts take over "
        "key accounts.",
    ),
    PathDef(
        TEAM_LEADER_JOB, "Assembly Operator", ("OPS-LEAN", "OPS-QAS"),
        ("OUTPUT_PER_HOUR", "DEFECT_RATE"),
        "Operators who master standard work and quality at the source lead a "
        "team of twelve.",
    ),
    PathDef(
        "Production Supervisor", TEAM_LEADER_JOB, ("OPS-LEAN", "MGT-COACH"),
        ("OUTPUT_PER_HOUR", "DEFECT_RATE"),
        "Team leaders who coach their operators run a whole line.",
    ),
)
# fmt: on
# Candidates nominated per path: the holders of its from_job who passed the
# most of its courses; all but every third one wrote an approved practice case.
CANDIDATES_PER_PATH = 6
PATH_MIN_SCORE = 80.0  # a core course counts from this exam score on
CASE_EVERY = 3
# Course code: (practice case title, KPI, measured result, measured change %)
# fmt: off
PRACTICE_CASES = {
    "SAL-NEG": ("Closed a framework agreement without an early discount",
                "SALES_REV", "order value +12 % against the first offer", 12),
    "SAL-KAM": ("An account plan for a top-ten client", "RETENTION",
                "the client renewed for two years", 4),
    "OPS-LEAN": ("Rebalanced stations 4 to 7 of the line", "OUTPUT_PER_HOUR",
                 "output per hour +9 % in six weeks", 9),
    "OPS-QAS": ("A poka-yoke fixture for the connector housing", "DEFECT_RATE",
                "connector defects -40 %", -40),
    "MGT-COACH": ("Weekly check-ins with four new operators", "OUTPUT_PER_HOUR",
                  "the four reached standard output two weeks early", 5),
}
# fmt: on
PLAN_WEEKS = 8  # an application plan runs this long after the course
CHECKINS = 4  # weekly check-ins recorded on each plan

# Share of enrolled people who miss the session; of trainees who never apply
# what they learned; months for a course's effect to reach its full size.
ABSENT_SHARE = 0.08
NO_TRANSFER_SHARE = 0.15
RAMP_MONTHS = 3
MAX_GAIN = 0.5
SATISFACTION_WEIGHTS = {"1": 2, "2": 5, "3": 18, "4": 40, "5": 35}

# (hanzi, pinyin, relative frequency)
# fmt: off
SURNAMES = (
    ("王", "Wang", 10), ("李", "Li", 10), ("张", "Zhang", 9), ("刘", "Liu", 8),
    ("陈", "Chen", 7), ("杨", "Yang", 5), ("黄", "Huang", 4), ("赵", "Zhao", 4),
    ("吴", "Wu", 4), ("周", "Zhou", 4), ("徐", "Xu", 3), ("孙", "Sun", 3),
    ("马", "Ma", 3), ("朱", "Zhu", 3), ("胡", "Hu", 3), ("郭", "Guo", 3),
    ("何", "He", 2), ("高", "Gao", 2), ("林", "Lin", 2), ("罗", "Luo", 2),
    ("郑", "Zheng", 2), ("梁", "Liang", 2), ("谢", "Xie", 2), ("宋", "Song", 2),
    ("唐", "Tang", 2), ("韩", "Han", 1), ("冯", "Feng", 1), ("邓", "Deng", 1),
    ("曹", "Cao", 1), ("彭", "Peng", 1), ("曾", "Zeng", 1), ("萧", "Xiao", 1),
    ("田", "Tian", 1), ("董", "Dong", 1), ("潘", "Pan", 1), ("袁", "Yuan", 1),
    ("蔡", "Cai", 1), ("蒋", "Jiang", 1), ("余", "Yu", 1), ("杜", "Du", 1),
)
# fmt: on
# fmt: off
GIVEN_SYLLABLES = {
    "female": (
        ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("丽", "Li"),
        ("艳", "Yan"), ("娟", "Juan"), ("霞", "Xia"), ("秀", "Xiu"), ("英", "Ying"),
        ("玉", "Yu"), ("兰", "Lan"), ("婷", "Ting"), ("雪", "Xue"), ("琳", "Lin"),
        ("倩", "Qian"), ("佳", "Jia"), ("梅", "Mei"), ("欣", "Xin"), ("慧", "Hui"),
        ("颖", "Ying"), ("萍", "Ping"), ("红", "Hong"), ("燕", "Yan"), ("洁", "Jie"),
        ("璐", "Lu"), ("瑶", "Yao"), ("怡", "Yi"), ("悦", "Yue"), ("思", "Si"),
        ("雨", "Yu"), ("晓", "Xiao"), ("春", "Chun"), ("丹", "Dan"),
    ),
    "male": (
        ("伟", "Wei"), ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"),
        ("勇", "Yong"), ("杰", "Jie"), ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"),
        ("刚", "Gang"), ("平", "Ping"), ("辉", "Hui"), ("建", "Jian"), ("国", "Guo"),
        ("鹏", "Peng"), ("飞", "Fei"), ("宇", "Yu"), ("浩", "Hao"), ("俊", "Jun"),
        ("峰", "Feng"), ("波", "Bo"), ("斌", "Bin"), ("龙", "Long"), ("健", "Jian"),
        ("凯", "Kai"), ("鑫", "Xin"), ("博", "Bo"), ("志", "Zhi"), ("文", "Wen"),
        ("华", "Hua"), ("东", "Dong"), ("海", "Hai"), ("亮", "Liang"),
    ),
}
# fmt: on


class LoadError(Exception):
    """The load failed on the way: exit status 1."""


# ------------------------------------------------------------------- people --


@dataclass(frozen=True)
class Person:
    badge: str
    name: str
    gender: str
    email: str
    department: str
    job: str
    is_manager: bool


def department_sizes(count):
    """Split count people over the departments by share, at least 2 each."""
    total = sum(d.share for d in DEPARTMENTS)
    exact = [count * d.share / total for d in DEPARTMENTS]
    sizes = [max(2, int(x)) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: int(exact[i]) - exact[i])
    for i in order[: max(0, count - sum(sizes))]:
        sizes[i] += 1
    while sum(sizes) > count:  # the minimum of 2 took from the largest
        sizes[sizes.index(max(sizes))] -= 1
    return sizes


def name_maker(seed):
    """Yield (hanzi name, pinyin name, given pinyin, surname pinyin, gender),
    never the same name twice in either script."""
    rng = random.Random(f"{seed}:names")
    surnames = [s[:2] for s in SURNAMES]
    weights = [s[2] for s in SURNAMES]
    seen = set()
    while True:
        surname_hanzi, surname = rng.choices(surnames, weights)[0]
        gender = rng.choice(("female", "male"))
        syllables = rng.sample(GIVEN_SYLLABLES[gender], rng.choice((1, 2, 2)))
        given_hanzi = "".join(hanzi for hanzi, _ in syllables)
        given = "".join(pinyin for _, pinyin in syllables).capitalize()
        hanzi, pinyin = surname_hanzi + given_hanzi, f"{surname} {given}"
        if hanzi in seen or pinyin in seen:
            continue
        seen.update((hanzi, pinyin))
        yield hanzi, pinyin, given, surname, gender


def build_roster(count, seed, script):
    """The people, department after department, each department's manager
    first. The same arguments always give the same people."""
    names = name_maker(seed)
    people = []
    for department, size in zip(DEPARTMENTS, department_sizes(count), strict=True):
        for position in range(size):
            hanzi, pinyin, given, surname, gender = next(names)
            if position == 0:
                job = department.manager_job
            elif (
                department.member_job == "Assembly Operator"
                and position % TEAM_LEADER_EVERY == 1
            ):
                job = TEAM_LEADER_JOB
            else:
                job = department.member_job
            people.append(
                Person(
                    badge=f"{BADGE_PREFIX}{len(people) + 1:05d}",
                    name=hanzi if script == "hanzi" else pinyin,
                    gender=gender,
                    email=f"{given}.{surname}@{EMAIL_DOMAIN}".lower(),
                    department=department.name,
                    job=job,
                    is_manager=position == 0,
                )
            )
    return people


# ----------------------------------------------------------------- timeline --


def add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day):
    return add_months(day, 1) - timedelta(days=1)


@dataclass(frozen=True)
class Timeline:
    """The months of the demo, oldest first, each as its first day."""

    months: tuple

    @classmethod
    def ending(cls, end_month, count):
        return cls(tuple(add_months(end_month, n - count + 1) for n in range(count)))

    def index(self, day):
        """Months from the first month of the timeline to day's month."""
        first = self.months[0]
        return (day.year - first.year) * 12 + day.month - first.month

    def label(self):
        return f"{self.months[0]:%Y-%m} .. {self.months[-1]:%Y-%m}"

    def periods(self, period_type):
        """First days of the calendar periods of this type (month, quarter,
        half_year, year) that lie wholly inside the timeline, oldest first."""
        size = PERIOD_MONTHS[period_type]
        return [
            month
            for month in self.months
            if (month.month - 1) % size == 0
            and add_months(month, size - 1) <= self.months[-1]
        ]

    def cycle_periods(self, period_type):
        """The periods of the last assessment cycle: those of periods() that
        end in the last CYCLE_MONTHS months of the timeline."""
        since = self.months[max(0, len(self.months) - CYCLE_MONTHS)]
        size = PERIOD_MONTHS[period_type]
        return [
            start
            for start in self.periods(period_type)
            if add_months(start, size - 1) >= since
        ]


# ------------------------------------------------------------- the sessions --


@dataclass(frozen=True)
class Seat:
    badge: str
    present: bool
    score: float
    satisfaction: str


@dataclass(frozen=True)
class SessionPlan:
    course: CourseDef
    date_start: date
    date_end: date
    trainer_badge: str | None
    trainer_name: str | None
    upcoming: bool
    seats: tuple


def audience(course, people):
    """Who may attend the course, in badge order."""
    chosen = []
    for person in people:
        for group in course.audience:
            if (
                (group == "@managers" and person.is_manager)
                or (group == "@team_leaders" and person.job == TEAM_LEADER_JOB)
                or (group == person.department and not person.is_manager)
            ):
                chosen.append(person)
                break
    return chosen


def trainer_of(course, people):
    """(badge of the internal trainer, None) or (None, external name)."""
    kind, who = course.trainer
    if kind == "external":
        return None, who
    manager = next(p for p in people if p.department == who and p.is_manager)
    return manager.badge, None


def session_dates(rng, month, hours):
    """A Monday-to-Wednesday start in the second or third week of the month
    (the first in February, before the Spring Festival): a course of up to
    three days stays inside one working week."""
    offset = rng.randint(0, 3) if month.month == 2 else rng.randint(7, 16)
    day = month + timedelta(days=offset)
    while day.weekday() > 2:
        day += timedelta(days=1)
    return day, day + timedelta(days=max(1, math.ceil(hours / 8)) - 1)


def plan_sessions(people, timeline, seed):
    """Every session of every course with its attendees and their results.

    Past sessions take place every ``every_months`` months from the course's
    ``first_month``, never in the last month of the timeline (its effect could
    not be seen); an upcoming session, two months after the timeline, only
    has enrolled people. Nobody takes the same course twice.
    """
    plans = []
    last = len(timeline.months) - 1
    for course in COURSES:
        rng = random.Random(f"{seed}:sessions:{course.code}")
        trainer_badge, trainer_name = trainer_of(course, people)
        pool = [p.badge for p in audience(course, people) if p.badge != trainer_badge]
        months = [
            timeline.months[i]
            for i in range(course.first_month, last, course.every_months)
        ]
        if course.upcoming:
            months.append(add_months(timeline.months[-1], 2))
        for month in months:
            upcoming = month > timeline.months[-1]
            size = min(len(pool), rng.randint(10, 16))
            if size < 3:
                break
            badges = sorted(rng.sample(pool, size))
            pool = [badge for badge in pool if badge not in badges]
            date_start, date_end = session_dates(rng, month, course.hours)
            seats = tuple(seat(rng, badge, upcoming) for badge in badges)
            plans.append(
                SessionPlan(
                    course,
                    date_start,
                    date_end,
                    trainer_badge,
                    trainer_name,
                    upcoming,
                    seats,
                )
            )
    return plans


def seat(rng, badge, upcoming):
    if upcoming:
        return Seat(badge, False, 0.0, "")
    present = rng.random() >= ABSENT_SHARE
    score = float(round(min(100, max(40, rng.gauss(84, 8)))))
    satisfaction = rng.choices(
        list(SATISFACTION_WEIGHTS), list(SATISFACTION_WEIGHTS.values())
    )[0]
    if score < 70 and satisfaction > "1":  # a hard exam spoils the mood a bit
        satisfaction = str(int(satisfaction) - 1)
    return Seat(badge, present, score, satisfaction)


# --------------------------------------------------------------- KPI values --


def poisson(rng, mean):
    """Knuth's method: fine for the small monthly counts of this demo."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def response(seed, badge, course_key, score):
    """How much of a course's expected lift this person turns into results."""
    rng = random.Random(f"{seed}:response:{badge}:{course_key}")
    if rng.random() < NO_TRANSFER_SHARE:
        return 0.0
    score_factor = min(1.25, max(0.25, 0.5 + (score - 60) / 40))
    return max(0.0, rng.gauss(1, 0.35)) * score_factor


def kpi_series(person, kpi, baseline, timeline, seed, courses):
    """The person's monthly values of one KPI; courses is a list of
    (timeline index of the completion month, realised lift as a fraction)."""
    median, spread = baseline
    rng = random.Random(f"{seed}:kpi:{person.badge}:{kpi.code}")
    base = median * math.exp(rng.gauss(0, spread))
    values = []
    for index, month in enumerate(timeline.months):
        gain = sum(
            lift * min(1, (index - done) / RAMP_MONTHS)
            for done, lift in courses
            if index > done
        )
        gain = min(gain, MAX_GAIN)
        level = base * kpi.season[month.month - 1] * (1 + kpi.trend) ** index
        level *= 1 + gain if kpi.direction == "higher" else 1 - gain
        if kpi.count:
            value = float(poisson(rng, level))
        else:
            value = level * math.exp(rng.gauss(0, kpi.noise))
        if kpi.cap is not None:
            value = min(value, kpi.cap)
        values.append(round(value, kpi.digits))
    return values


def build_kpi_values(people, employee_ids, timeline, seed, completions, lifts):
    """{(badge, KPI code): (first completion index or None, monthly values)}.

    completions: {employee id: [(course key, completion date, exam score)]},
    what the database says; lifts: {course key: {KPI code: expected lift %}}.
    """
    series = {}
    for person in people:
        baselines = DEPARTMENT_BY_NAME[person.department].baselines
        done = completions.get(employee_ids[person.badge], [])
        for code, baseline in baselines.items():
            courses = [
                (
                    timeline.index(completed),
                    lifts[key][code] / 100 * response(seed, person.badge, key, score),
                )
                for key, completed, score in done
                if code in lifts.get(key, {})
            ]
            first = min((index for index, _ in courses), default=None)
            values = kpi_series(
                person, KPI_BY_CODE[code], baseline, timeline, seed, courses
            )
            series[person.badge, code] = (first, values)
    return series


def kpi_rows(series, employee_ids, timeline):
    rows = []
    for (badge, code), (_, values) in series.items():
        for month, value in zip(timeline.months, values, strict=True):
            rows.append(
                {
                    "source": SOURCE,
                    "external_key": f"{badge}/{code}/{month:%Y-%m}",
                    "kpi_code": code,
                    "employee_id": employee_ids[badge],
                    "period_start": month.isoformat(),
                    "period_end": month_end(month).isoformat(),
                    "period_type": "month",
                    "value": value,
                }
            )
    return rows


def effect_check(series):
    """Per KPI: trainees' change from before their course to after its ramp,
    next to the change of untrained peers between the same months."""
    lines = []
    for kpi in KPIS:
        pairs = [(first, v) for (_, c), (first, v) in series.items() if c == kpi.code]
        peers = [values for first, values in pairs if first is None]
        trained, net = [], []
        for first, values in pairs:
            if first is None or first < 1 or first + RAMP_MONTHS >= len(values) - 1:
                continue
            change = _change(values, first)
            peer = [_change(p, first) for p in peers]
            trained.append(change)
            net.append(change - sum(peer) / len(peer) if peer else change)
        if trained:
            mean = sum(trained) / len(trained)
            lines.append(
                f"{kpi.code:<16}{len(trained):>4} trainees: {mean:+6.1%} after vs "
                f"before, net of untrained peers {sum(net) / len(net):+6.1%}"
                + ("  (lower is better)" if kpi.direction == "lower" else "")
            )
    return lines


def _change(values, first):
    before = values[: first + 1]
    after = values[first + RAMP_MONTHS :]
    mean_before = sum(before) / len(before)
    return (sum(after) / len(after)) / mean_before - 1 if mean_before else 0.0


# ---------------------------------------------- targets, scores, promotion --


def department_target(kpi, baseline, timeline, start, period_type, headcount):
    """A department's target of one KPI for the period of this type from
    start: the expected level of its people as their values are generated
    (median baseline x season x trend, before any training), TARGET_STRETCH
    better. A sum adds up the months and the people (the add-on's Cascade
    splits it evenly between them); the other aggregations average the
    months (Cascade passes them on as they are)."""
    median, _ = baseline
    first = timeline.index(start)
    levels = [
        median
        * kpi.season[add_months(start, n).month - 1]
        * (1 + kpi.trend) ** (first + n)
        for n in range(PERIOD_MONTHS[period_type])
    ]
    if kpi.aggregation == "sum":
        value = sum(levels) * headcount
    else:
        value = sum(levels) / len(levels)
    value *= 1 + TARGET_STRETCH if kpi.direction == "higher" else 1 - TARGET_STRETCH
    if kpi.cap is not None:
        value = min(value, kpi.cap)
    return round_figure(value, kpi.digits)


def round_figure(value, digits):
    """Three significant digits from 1,000 on (4,320,000, not 4,321,737),
    else the given digits."""
    if abs(value) >= 1000:
        return float(round(value, 2 - int(math.floor(math.log10(abs(value))))))
    return float(round(value, digits))


def domain_ids(domain):
    """The ids of an action's domain [("id", "in", ids)]."""
    for term in domain:
        if list(term[:2]) == ["id", "in"]:
            return list(term[2])
    raise ValueError(f"no id list in the domain {domain!r}")


def pick_candidates(path, people, best_scores, minimum):
    """Badges of the path's candidates: holders of its from_job who passed at
    least one of its courses (best exam score >= minimum), those who passed
    the most first, then by badge; at most CANDIDATES_PER_PATH.
    best_scores: {(badge, course code): best score of a completed training}."""
    ranked = []
    for person in people:
        if person.job != path.from_job or person.is_manager:
            continue
        passed = sum(
            best_scores.get((person.badge, code), -1) >= minimum
            for code in path.courses
        )
        if passed:
            ranked.append((-passed, person.badge))
    return [badge for _, badge in sorted(ranked)[:CANDIDATES_PER_PATH]]


def plan_dates(completed, last_day):
    """(start, end, check-in days) of the application plan of a training
    completed on that day: from a week later for PLAN_WEEKS weeks, over by
    last_day (the end of the timeline), a check-in each week after the
    start, at most CHECKINS."""
    start = completed + timedelta(days=7)
    end = max(start, min(start + timedelta(weeks=PLAN_WEEKS), last_day))
    checkins = [start + timedelta(weeks=n) for n in range(1, CHECKINS + 1)]
    return start, end, [day for day in checkins if day <= end]


def worker_config(url, db, login, timeout, batch, state_path):
    """The sync worker's settings (TOML) for the demo: its sync user and no
    source (the KPI values are loaded), so that a run is the contributions
    step alone. The password is not written: it goes in the environment."""
    settings = {
        "odoo_url": url,
        "odoo_db": db,
        "odoo_login": login,
        "odoo_transport": "xmlrpc",
        "timeout": float(timeout),
        "batch_size": batch,
        "state_path": str(state_path),
    }
    # A JSON string or number is a TOML one too.
    lines = [f"{name} = {json.dumps(value)}" for name, value in settings.items()]
    return "\n".join([*lines, "sources = []", ""])


# ------------------------------------------------------------------ loading --


class Stats:
    """Ids seen per model: created, reused, and reused then changed."""

    def __init__(self):
        self.created = defaultdict(set)
        self.reused = defaultdict(set)
        self.updated = defaultdict(set)
        self.models = {}

    def add(self, model, record_id, created=False, updated=False):
        self.models.setdefault(model, None)
        (self.created if created else self.reused)[model].add(record_id)
        if updated:
            self.updated[model].add(record_id)

    def rows(self):
        for model in self.models:
            created = self.created[model]
            yield (
                model,
                len(created),
                len(self.reused[model] - created),
                len(self.updated[model] - created),
            )


class Loader:
    def __init__(self, admin, args):
        self.admin = admin
        self.args = args
        self.stats = Stats()
        self.timings = {}
        self._types = {}
        self.company_id = None
        self.timeline = None
        self.people = build_roster(args.employees, args.seed, args.names)
        self.ids = {}  # kind of record -> {natural key: id}
        self.cycles = {}  # job family -> period types of its cycle, shortest first
        self.sync_password = None
        self.worker = None  # the sync worker's run: as_of, status, report

    # -- helpers --

    @contextmanager
    def phase(self, name):
        progress(f"{name} ...")
        began = time.perf_counter()
        try:
            yield
        except RPC_ERRORS as error:
            raise LoadError(f"{name}: {describe_error(error)}") from error
        self.timings[name] = time.perf_counter() - began

    def call(self, model, method, *args, **kwargs):
        return self.admin.call(model, method, *args, **kwargs)

    def field_types(self, model):
        if model not in self._types:
            fields = self.call(model, "fields_get", [], attributes=["type"])
            self._types[model] = {name: f["type"] for name, f in fields.items()}
        return self._types[model]

    def ensure(self, model, key, vals_list, update=True):
        """Find each record by its key fields, create the missing ones (in
        batches), write the fields that differ on the found ones the loader
        created, on this run or an earlier one (unless not update: then they
        stay as they are). A record found that the loader did not create (the
        add-on's demo KPI CONV_RATE, a job of the same name) is only reused,
        never rewritten. Returns {key values: id}; many2one values are ids,
        x2many values id lists."""
        types = self.field_types(model)
        keys = [tuple(vals[name] for name in key) for vals in vals_list]
        if len(set(keys)) != len(keys):
            raise ValueError(f"the demo data holds a {model} key twice")
        domain = [
            (name, "in", list({k[i] for k in keys})) for i, name in enumerate(key)
        ]
        fields = sorted({name for vals in vals_list for name in vals})
        found = self.call(
            model, "search_read", domain, fields, order="id", context=ALL_RECORDS
        )
        existing = {}
        for record in found:
            existing.setdefault(
                tuple(_plain(types[name], record[name]) for name in key), record
            )
        own = set()
        if update and existing:
            own = self.created_by_loader(model, [r["id"] for r in existing.values()])
        ids, to_create = {}, []
        for record_key, vals in zip(keys, vals_list, strict=True):
            record = existing.get(record_key)
            if record is None:
                to_create.append((record_key, vals))
                continue
            diff = {
                name: value
                for name, value in vals.items()
                if record["id"] in own and not _same(types[name], record[name], value)
            }
            if diff:
                self.call(model, "write", [record["id"]], _writable(types, diff))
            ids[record_key] = record["id"]
            self.stats.add(model, record["id"], updated=bool(diff))
        for start in range(0, len(to_create), CREATE_CHUNK):
            chunk = to_create[start : start + CREATE_CHUNK]
            new_ids = self.call(
                model, "create", [_writable(types, vals) for _, vals in chunk]
            )
            self.mark_created(model, new_ids)
            for (record_key, _), new_id in zip(chunk, new_ids, strict=True):
                ids[record_key] = new_id
                self.stats.add(model, new_id, created=True)
        return ids

    def mark_created(self, model, record_ids):
        """Remember that the loader created these records: an external id in
        the pseudo-module CREATED_MODULE each (as Odoo's imports do with
        __import__), which later runs read."""
        self.call(
            "ir.model.data",
            "create",
            [created_marker(model, record_id) for record_id in record_ids],
        )

    def created_by_loader(self, model, record_ids):
        """The ids among record_ids that the loader created."""
        markers = self.call(
            "ir.model.data",
            "search_read",
            [
                ("module", "=", CREATED_MODULE),
                ("model", "=", model),
                ("res_id", "in", record_ids),
            ],
            ["res_id"],
        )
        return {marker["res_id"] for marker in markers}

    # -- setup --

    def preflight(self):
        """Check what the load needs before writing anything."""
        admin = self.admin
        installed = self.call(
            "ir.module.module",
            "search_count",
            [("name", "=", "trainlink_performance"), ("state", "=", "installed")],
        )
        if not installed:
            raise SetupError(f"trainlink_performance is not installed in {admin.db}")
        missing = [
            group
            for group in REQUIRED_GROUPS
            if not self.call("res.users", "has_group", [admin.uid], group)
        ]
        if missing:
            raise SetupError(f"{admin.login} is not in the groups {', '.join(missing)}")
        self.company_id = admin.company_id()
        self.cycles = self.read_cycles()
        if not self.args.skip_worker:
            self.check_worker()
        self.timeline = Timeline.ending(self.anchor(), self.args.months)

    def read_cycles(self):
        """{job family: period types of its assessment cycle, shortest first}."""
        cycles = self.call(
            "trainlink.assessment.cycle",
            "search_read",
            [("company_id", "=", self.company_id)],
            ["job_family", "line_ids"],
        )
        family = {c["id"]: c["job_family"] for c in cycles}
        lines = self.call(
            "trainlink.assessment.cycle.line",
            "read",
            [line for c in cycles for line in c["line_ids"]],
            ["cycle_id", "period_type"],
        )
        types = defaultdict(list)
        for line in lines:
            types[family[line["cycle_id"][0]]].append(line["period_type"])
        return {f: sorted(t, key=PERIOD_MONTHS.get) for f, t in types.items()}

    def anchor(self):
        """The last month of the timeline: --end-month, else the one of the
        first load, else last month; remembered for the next runs."""
        stored = self.call("ir.config_parameter", "get_param", ANCHOR_PARAM)
        if self.args.end_month:
            end = self.args.end_month
        elif stored:
            end = date.fromisoformat(f"{stored}-01")
        else:
            end = add_months(date.today().replace(day=1), -1)
        if stored != f"{end:%Y-%m}":
            self.call("ir.config_parameter", "set_param", ANCHOR_PARAM, f"{end:%Y-%m}")
        return end

    # -- people --

    def load_people(self):
        company = self.company_id
        departments = self.ensure(
            "hr.department",
            ("name", "company_id"),
            [
                {"name": d.name, "company_id": company, "active": True}
                for d in DEPARTMENTS
            ],
        )
        self.ids["department"] = {name: i for (name, _), i in departments.items()}
        job_vals = []
        has_family = "trainlink_job_family" in self.field_types("hr.job")
        for name, family in JOB_FAMILIES.items():
            vals = {"name": name, "company_id": company, "active": True}
            if has_family:
                vals["trainlink_job_family"] = family
            job_vals.append(vals)
        jobs = self.ensure("hr.job", ("name", "company_id"), job_vals)
        self.ids["job"] = {name: i for (name, _), i in jobs.items()}
        if not has_family:
            progress("hr.job has no trainlink_job_family: jobs created without it")
        # Managers first: the others name them as their manager.
        managers = self._ensure_employees([p for p in self.people if p.is_manager], {})
        manager_of = {
            p.department: managers[p.badge] for p in self.people if p.is_manager
        }
        self.ensure(
            "hr.department",
            ("name", "company_id"),
            [
                {
                    "name": d.name,
                    "company_id": company,
                    "manager_id": manager_of[d.name],
                }
                for d in DEPARTMENTS
            ],
        )
        members = self._ensure_employees(
            [p for p in self.people if not p.is_manager], manager_of
        )
        self.ids["employee"] = {**managers, **members}

    def _ensure_employees(self, people, manager_of):
        vals_list = [
            {
                "barcode": p.badge,
                "name": p.name,
                "company_id": self.company_id,
                "department_id": self.ids["department"][p.department],
                "job_id": self.ids["job"][p.job],
                "parent_id": manager_of.get(p.department, False),
                "work_email": p.email,
                "gender": p.gender,
                "active": True,
            }
            for p in people
        ]
        found = self.ensure("hr.employee", ("barcode",), vals_list)
        return {badge: i for (badge,), i in found.items()}

    # -- catalogue --

    def load_catalogue(self):
        company = self.company_id
        currency = self.call("res.company", "read", [company], ["currency_id"])[0]
        kpis = self.ensure(
            "trainlink.kpi",
            ("code", "company_id"),
            [
                {
                    "code": kpi.code,
                    "company_id": company,
                    "name": kpi.name,
                    "description": kpi.description,
                    "unit": kpi.unit or currency["currency_id"][1],
                    "direction": kpi.direction,
                    "aggregation": kpi.aggregation,
                    "source_kind": kpi.source_kind,
                    "unit_value": kpi.unit_value,
                    "sequence": 10 * (position + 1),
                    "active": True,
                }
                for position, kpi in enumerate(KPIS)
            ],
        )
        self.ids["kpi"] = {code: i for (code, _), i in kpis.items()}
        courses = self.ensure(
            "trainlink.course",
            ("code", "company_id"),
            [
                {
                    "code": c.code,
                    "company_id": company,
                    "name": c.name,
                    "description": f"<p>{c.description}</p>",
                    "job_family": c.job_family,
                    "level": c.level,
                    "format": c.format,
                    "hours": c.hours,
                    "cost_per_seat": c.cost_per_seat,
                    "passing_score": c.passing_score,
                    "job_ids": sorted(self.ids["job"][job] for job in c.jobs),
                    "active": True,
                }
                for c in COURSES
            ],
        )
        self.ids["course"] = {code: i for (code, _), i in courses.items()}
        modules = self.ensure(
            "trainlink.course.module",
            ("course_id", "name"),
            [
                {
                    "course_id": self.ids["course"][c.code],
                    "name": name,
                    "sequence": 10 * (position + 1),
                    "hours": hours,
                }
                for c in COURSES
                for position, (name, hours, _) in enumerate(c.modules)
            ],
        )
        self.ensure(
            "trainlink.course.module.kpi",
            ("module_id", "kpi_id"),
            [
                {
                    "module_id": modules[self.ids["course"][c.code], name],
                    "kpi_id": self.ids["kpi"][code],
                    "expected_lift": lift,
                }
                for c in COURSES
                for name, _, kpi_lifts in c.modules
                for code, lift in kpi_lifts
            ],
        )

    # -- needs --

    def load_needs(self, plans):
        employee = self.ids["employee"]
        attendees = defaultdict(set)  # course code -> badges
        for plan in plans:
            attendees[plan.course.code].update(s.badge for s in plan.seats)
        by_badge = {p.badge: p for p in self.people}
        vals_list = []
        deadline = month_end(add_months(self.timeline.months[-1], 3))
        for need in NEEDS:
            named = []
            if need.employees == "attendees":
                named = [
                    b
                    for b in attendees[need.course]
                    if need.department in (None, by_badge[b].department)
                ]
            elif need.employees == "untrained":
                named = [
                    p.badge
                    for p in self.people
                    if p.department == need.department
                    and not p.is_manager
                    and p.badge not in attendees[need.course]
                ][:10]
            vals_list.append(
                {
                    "name": need.name,
                    "company_id": self.company_id,
                    "source": need.source,
                    "department_id": self.ids["department"].get(need.department, False),
                    "job_id": self.ids["job"].get(need.job, False),
                    "kpi_id": self.ids["kpi"].get(need.kpi, False),
                    "current_value": need.current,
                    "target_value": need.target,
                    "impact": need.impact,
                    "urgency": need.urgency,
                    "deadline": deadline.isoformat(),
                    "course_id": self.ids["course"].get(need.course, False),
                    "employee_ids": sorted(employee[b] for b in named),
                    "description": f"<p>{need.description}</p>",
                }
            )
        ids = self.ensure("trainlink.need", ("name", "company_id"), vals_list)
        states = {
            r["id"]: r["state"]
            for r in self.call("trainlink.need", "read", list(ids.values()), ["state"])
        }
        todo = defaultdict(list)  # the actions to run -> need ids
        for need in NEEDS:
            need_id = ids[need.name, self.company_id]
            actions = NEED_ACTIONS.get((states[need_id], need.state))
            if actions:
                todo[actions].append(need_id)
        for actions, need_ids in todo.items():
            for action in actions:
                self.call("trainlink.need", action, need_ids)

    # -- sessions --

    def load_sessions(self, plans):
        employee = self.ids["employee"]
        vals_list = []
        for plan in plans:
            internal = plan.trainer_badge is not None
            vals_list.append(
                {
                    "course_id": self.ids["course"][plan.course.code],
                    "date_start": plan.date_start.isoformat(),
                    "company_id": self.company_id,
                    "date_end": plan.date_end.isoformat(),
                    "trainer_type": "internal" if internal else "external",
                    "trainer_id": employee[plan.trainer_badge] if internal else False,
                    "trainer_name": plan.trainer_name or False,
                    "location": plan.course.location,
                    "capacity": 20,
                }
            )
        ids = self.ensure(
            "trainlink.session", ("course_id", "date_start", "company_id"), vals_list
        )
        session_ids = list(ids.values())
        before = self.attendances(session_ids)
        states = {
            r["id"]: r["state"]
            for r in self.call("trainlink.session", "read", session_ids, ["state"])
        }
        for number, (plan, vals) in enumerate(zip(plans, vals_list, strict=True), 1):
            session_id = ids[vals["course_id"], vals["date_start"], self.company_id]
            if states[session_id] in ("draft", "confirmed"):
                self._run_session(plan, session_id, states[session_id])
            if number % 10 == 0 or number == len(plans):
                progress(f"sessions: {number}/{len(plans)}")
        existed = {a["id"] for a in before}
        for attendance in self.attendances(session_ids):
            self.stats.add(
                "trainlink.attendance",
                attendance["id"],
                created=attendance["id"] not in existed,
            )
        self.ids["session"] = session_ids

    def attendances(self, session_ids):
        return self.call(
            "trainlink.attendance",
            "search_read",
            [("session_id", "in", session_ids)],
            ["session_id", "employee_id", "state"],
        )

    def _run_session(self, plan, session_id, state):
        """Take a draft or confirmed session as far as its plan goes, through
        the add-on's actions; resumes a session an interrupted run left."""
        employee = self.ids["employee"]
        if state == "draft":
            self.call("trainlink.session", "action_confirm", [session_id])
        current = {a["employee_id"][0]: a for a in self.attendances([session_id])}
        missing = [
            employee[s.badge] for s in plan.seats if employee[s.badge] not in current
        ]
        if missing:
            wizard = self.call(
                "trainlink.enrol.wizard",
                "create",
                {"session_id": session_id, "employee_ids": [(6, 0, missing)]},
            )
            self.call("trainlink.enrol.wizard", "action_enrol", [wizard])
            current = {a["employee_id"][0]: a for a in self.attendances([session_id])}
        if plan.upcoming:
            return
        seats = {employee[s.badge]: s for s in plan.seats}
        enrolled = [
            a for e, a in current.items() if a["state"] == "enrolled" and e in seats
        ]
        present = [a["id"] for a in enrolled if seats[a["employee_id"][0]].present]
        absent = [a["id"] for a in enrolled if not seats[a["employee_id"][0]].present]
        if present:
            self.call("trainlink.attendance", "action_mark_present", present)
        if absent:
            self.call("trainlink.attendance", "action_mark_absent", absent)
        attended = [
            a["id"]
            for e, a in current.items()
            if a["id"] in present or (a["state"] == "attended" and e in seats)
        ]
        results = defaultdict(list)  # (score, satisfaction) -> attendance ids
        for e, a in current.items():
            if a["id"] in attended:
                seat_ = seats[e]
                results[seat_.score, seat_.satisfaction].append(a["id"])
        for (score, satisfaction), attendance_ids in results.items():
            self.call(
                "trainlink.attendance",
                "write",
                attendance_ids,
                {"exam_score": score, "satisfaction": satisfaction},
            )
        if attended:
            self.call("trainlink.attendance", "action_complete", attended)
        self.call("trainlink.session", "action_done", [session_id])

    # -- KPI values --

    def load_kpi_values(self):
        """Generate the values from what the database says was completed,
        then send them as the sync user inside one sync run."""
        employee = self.ids["employee"]
        course_code = {i: code for code, i in self.ids["course"].items()}
        lines = self.call(
            "trainlink.course.module.kpi",
            "search_read",
            [("kpi_id", "in", list(self.ids["kpi"].values()))],
            ["course_id", "kpi_id", "expected_lift"],
        )
        kpi_code = {i: code for code, i in self.ids["kpi"].items()}
        lifts = defaultdict(lambda: defaultdict(float))
        for line in lines:
            key = course_code.get(line["course_id"][0], f"id{line['course_id'][0]}")
            lifts[key][kpi_code[line["kpi_id"][0]]] += line["expected_lift"]
        tracked = [p for p in self.people if DEPARTMENT_BY_NAME[p.department].baselines]
        done = self.call(
            "trainlink.attendance",
            "search_read",
            [
                ("employee_id", "in", [employee[p.badge] for p in tracked]),
                ("state", "=", "completed"),
                ("completion_date", "!=", False),
            ],
            ["employee_id", "course_id", "completion_date", "exam_score"],
            order="id",
        )
        completions = defaultdict(list)
        for a in done:
            key = course_code.get(a["course_id"][0], f"id{a['course_id'][0]}")
            completed = date.fromisoformat(a["completion_date"])
            completions[a["employee_id"][0]].append((key, completed, a["exam_score"]))
        series = build_kpi_values(
            tracked, employee, self.timeline, self.args.seed, completions, lifts
        )
        rows = kpi_rows(series, employee, self.timeline)
        totals = self._send(rows)
        return series, totals

    def _send(self, rows):
        password = secrets.token_urlsafe(24)
        user_id, created = ensure_sync_user(
            self.admin, SYNC_LOGIN, SYNC_NAME, self.company_id, password
        )
        self.stats.add("res.users", user_id, created=created)
        args = self.args
        self.sync_password = password  # for the worker's run
        sync = OdooClient(args.url, args.db, SYNC_LOGIN, password, args.timeout)
        run_id = sync.call("trainlink.sync.run", "api_start", SOURCE)
        totals = {"read": 0, "created": 0, "updated": 0, "unchanged": 0, "rejected": []}
        try:
            for start in range(0, len(rows), args.batch):
                result = sync.call(
                    VALUE_MODEL, "api_upsert", rows[start : start + args.batch], run_id
                )
                for name in ("read", "created", "updated", "unchanged"):
                    totals[name] += result[name]
                totals["rejected"] += result["rejected"]
                sent = min(start + args.batch, len(rows))
                progress(f"KPI values: {sent:,}/{len(rows):,} sent")
        except RPC_ERRORS as error:
            sync.call("trainlink.sync.run", "api_finish", run_id, describe_error(error))
            raise
        sync.call("trainlink.sync.run", "api_finish", run_id)
        # The sync user may not read sync runs: the administrator reads it.
        totals["run"] = self.call("trainlink.sync.run", "read", [run_id], ["name"])[0]
        return totals

    # -- targets --

    def target_period(self, department):
        """Targets follow the shortest period of the assessment cycle of the
        department's job family (a quarter without a cycle)."""
        return (self.cycles.get(JOB_FAMILIES[department.member_job]) or ["quarter"])[0]

    def load_targets(self):
        """Department targets of the departments' KPIs for every calendar
        period inside the timeline, agreed, then cascaded to their employees
        with the add-on's Cascade and agreed: as HR and the managers do."""
        model = "trainlink.kpi.target"
        vals_list = []
        for department in DEPARTMENTS:
            period_type = self.target_period(department)
            headcount = sum(p.department == department.name for p in self.people)
            for start in self.timeline.periods(period_type):
                for code, baseline in department.baselines.items():
                    value = department_target(
                        KPI_BY_CODE[code],
                        baseline,
                        self.timeline,
                        start,
                        period_type,
                        headcount,
                    )
                    vals_list.append(
                        {
                            "kpi_id": self.ids["kpi"][code],
                            "level": "department",
                            "department_id": self.ids["department"][department.name],
                            "period_type": period_type,
                            "period_start": start.isoformat(),
                            "company_id": self.company_id,
                            "target_value": value,
                        }
                    )
        # An agreed target changes only through an approved adjustment: one
        # found again is left as it is.
        found = self.ensure(model, TARGET_KEY, vals_list, update=False)
        department_ids = sorted(found.values())
        open_ids = self._agree(department_ids)
        before = set(self.call(model, "search", [("parent_id", "in", department_ids)]))
        by_department = defaultdict(list)
        for target_key, target_id in found.items():
            if target_id in open_ids:
                department_id = target_key[TARGET_KEY.index("department_id")]
                by_department[department_id].append(target_id)
        for number, target_ids in enumerate(by_department.values(), 1):
            self.call(model, "action_cascade", target_ids)
            progress(f"targets: cascaded {number}/{len(by_department)} departments")
        children = self.call(model, "search", [("parent_id", "in", department_ids)])
        self._agree(children)
        for target_id in children:
            self.stats.add(model, target_id, created=target_id not in before)
        self.ids["target"] = department_ids + children

    def _agree(self, target_ids):
        """Agree the draft targets; returns the ids of those not closed."""
        model = "trainlink.kpi.target"
        records = self.call(model, "read", target_ids, ["state"])
        drafts = [r["id"] for r in records if r["state"] == "draft"]
        for start in range(0, len(drafts), ACTION_CHUNK):
            self.call(model, "action_agree", drafts[start : start + ACTION_CHUNK])
            progress(f"targets: agreed {min(start + ACTION_CHUNK, len(drafts))}")
        return {r["id"] for r in records if r["state"] != "closed"}

    # -- contributions --

    def check_worker(self):
        """Refuse to start when the worker's Python cannot import it."""
        command = [str(self.args.worker_python), str(WORKER_SCRIPT), "--check"]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.SubprocessError) as error:
            done, reason = None, str(error)
        if done is not None and done.returncode == 0:
            return
        if done is not None:
            lines = (done.stderr or done.stdout).strip().splitlines()
            reason = lines[-1] if lines else f"exit status {done.returncode}"
        raise SetupError(
            f"the sync worker cannot run with {self.args.worker_python}: {reason} "
            f"(install its dependencies: pip install {HERE.parent}; or choose "
            "its Python with --worker-python; or --skip-worker)"
        )

    def run_worker(self):
        """Measure the contributions with the sync worker's contributions
        step, as the demo's sync user, as of the day after the timeline; keep
        its report (its stdout) and exit status for the summary."""
        args = self.args
        as_of = add_months(self.timeline.months[-1], 1)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRAINLINK_")}
        env["TRAINLINK_ODOO_PASSWORD"] = self.sync_password
        with tempfile.TemporaryDirectory(prefix="trainlink-demo-worker-") as folder:
            config = Path(folder, "worker.toml")
            config.write_text(
                worker_config(
                    args.url,
                    args.db,
                    SYNC_LOGIN,
                    args.timeout,
                    args.batch,
                    Path(folder, "state.json"),
                ),
                encoding="utf-8",
            )
            command = [
                str(args.worker_python),
                str(WORKER_SCRIPT),
                "--config",
                str(config),
                "--today",
                as_of.isoformat(),
            ]
            progress(f"sync worker: contributions step as of {as_of}")
            # Its log goes to stderr with the progress lines.
            try:
                done = subprocess.run(
                    command, cwd=folder, env=env, stdout=subprocess.PIPE, text=True
                )
            except OSError as error:
                raise LoadError(f"cannot run the sync worker: {error}") from error
        self.worker = {"as_of": as_of, "status": done.returncode, "report": done.stdout}
        if done.returncode:
            print(done.stdout, end="")
            raise LoadError(
                f"the sync worker's contributions step ended with exit status "
                f"{done.returncode} (its report above)"
            )

    # -- scores --

    def load_scores(self, confirm):
        """Scores of the last assessment cycle, computed with the Compute
        Scores wizard: each period of each job family's cycle, for the demo's
        employees of the families assessed on it; then confirmed. Chosen by
        employee, not by job: the holders of a job of the same name outside
        the demo (the add-on's demo Assembly Operators) are not scored."""
        employees = defaultdict(set)  # (period type, start) -> employee ids
        for person in self.people:
            for period_type in self.cycles.get(JOB_FAMILIES[person.job], ()):
                for start in self.timeline.cycle_periods(period_type):
                    employees[period_type, start].add(
                        self.ids["employee"][person.badge]
                    )
        model = "trainlink.performance.score"
        domain = [("employee_id", "in", list(self.ids["employee"].values()))]
        before = set(self.call(model, "search", domain))
        ordered = sorted(employees, key=lambda k: (PERIOD_MONTHS[k[0]], k[1]))
        refreshed = set()  # computed again (or confirmed) by this run
        for number, (period_type, start) in enumerate(ordered, 1):
            wizard = self.call(
                "trainlink.score.wizard",
                "create",
                {
                    "period_type": period_type,
                    "period_start": start.isoformat(),
                    "company_id": self.company_id,
                    "scope": "employee",
                    "employee_ids": [(6, 0, sorted(employees[period_type, start]))],
                },
            )
            action = self.call("trainlink.score.wizard", "action_compute", [wizard])
            computed = domain_ids(action["domain"])  # the draft ones
            for first in range(0, len(computed) if confirm else 0, ACTION_CHUNK):
                self.call(
                    model, "action_confirm", computed[first : first + ACTION_CHUNK]
                )
            refreshed.update(computed)
            progress(f"scores: {number}/{len(ordered)} periods")
        scores = self.call(model, "search", domain)
        for score_id in scores:
            self.stats.add(
                model,
                score_id,
                created=score_id not in before,
                updated=score_id in refreshed,
            )
        self.ids["score"] = scores

    # -- promotion --

    def load_promotion(self):
        """Promotion paths with their training gates; candidates nominated
        among the holders of the job below; application plans and approved
        practice cases for most of them; the eligible ones submitted to the
        promotion review (the button refuses anyone who misses a gate)."""
        paths = self.ensure(
            "trainlink.promotion.path",
            ("job_id", "company_id"),
            [
                {
                    "job_id": self.ids["job"][path.job],
                    "company_id": self.company_id,
                    "course_ids": sorted(self.ids["course"][c] for c in path.courses),
                    "kpi_ids": sorted(self.ids["kpi"][k] for k in path.kpis),
                    "min_course_score": PATH_MIN_SCORE,
                    "practice_cases_required": 1,
                    "min_performance_score": 70.0,
                    "description": f"<p>{path.description}</p>",
                    "active": True,
                }
                for path in PATHS
            ],
        )
        completed = self.completed_trainings()
        best = {}
        for (badge, code), trainings in completed.items():
            best[badge, code] = max(t["exam_score"] for t in trainings)
        employee = self.ids["employee"]
        vals_list, nominated = [], []
        for path in PATHS:
            path_id = paths[self.ids["job"][path.job], self.company_id]
            for position, badge in enumerate(
                pick_candidates(path, self.people, best, PATH_MIN_SCORE)
            ):
                vals_list.append({"employee_id": employee[badge], "path_id": path_id})
                nominated.append((path, badge, position))
        candidates = self.ensure(
            "trainlink.promotion.candidate", ("employee_id", "path_id"), vals_list
        )
        for path, badge, position in nominated:
            if position % CASE_EVERY != CASE_EVERY - 1:
                self._practice_case(path, badge, completed, best)
        self._submit_eligible(list(candidates.values()))
        self.ids["candidate"] = list(candidates.values())

    def completed_trainings(self):
        """{(badge, course code): completed trainings, oldest first}."""
        badge_of = {i: badge for badge, i in self.ids["employee"].items()}
        code_of = {i: code for code, i in self.ids["course"].items()}
        found = self.call(
            "trainlink.attendance",
            "search_read",
            [
                ("employee_id", "in", list(badge_of)),
                ("course_id", "in", list(code_of)),
                ("state", "=", "completed"),
            ],
            ["employee_id", "course_id", "completion_date", "exam_score"],
            order="completion_date, id",
        )
        trainings = defaultdict(list)
        for a in found:
            key = badge_of[a["employee_id"][0]], code_of[a["course_id"][0]]
            trainings[key].append(a)
        return trainings

    def _practice_case(self, path, badge, completed, best):
        """An application plan for the candidate's first passed core course,
        with weekly check-ins, done; and its practice case, approved."""
        code = next(
            (c for c in path.courses if best.get((badge, c), -1) >= PATH_MIN_SCORE),
            None,
        )
        if code is None:
            return
        training = next(
            t for t in completed[badge, code] if t["exam_score"] == best[badge, code]
        )
        title, kpi, result, change = PRACTICE_CASES[code]
        start, end, checkins = plan_dates(
            date.fromisoformat(training["completion_date"]),
            month_end(self.timeline.months[-1]),
        )
        plan_id = self.ensure(
            "trainlink.application.plan",
            ("attendance_id",),
            [
                {
                    "attendance_id": training["id"],
                    "scenario": f"Apply {COURSE_BY_CODE[code].name} at work: {title}.",
                    "date_start": start.isoformat(),
                    "date_end": end.isoformat(),
                    "kpi_id": self.ids["kpi"][kpi],
                    "expected_effect": abs(change),
                }
            ],
            update=False,
        )[(training["id"],)]
        self._run_plan(plan_id, checkins)
        case_id = self.ensure(
            "trainlink.practice.case",
            ("plan_id", "name"),
            [
                {
                    "plan_id": plan_id,
                    "name": title,
                    "kpi_id": self.ids["kpi"][kpi],
                    "outcome": "success",
                    "measured_result": result,
                    "measured_change": change,
                }
            ],
            update=False,
        )[plan_id, title]
        state = self.call("trainlink.practice.case", "read", [case_id], ["state"])
        if state[0]["state"] == "draft":
            self.call("trainlink.practice.case", "action_submit", [case_id])
            state[0]["state"] = "submitted"
        if state[0]["state"] == "submitted":
            self.call("trainlink.practice.case", "action_approve", [case_id])

    def _run_plan(self, plan_id, checkins):
        """Accept a new plan, record its weekly check-ins (by the manager,
        here the administrator) and close it: it lies in the past."""
        model = "trainlink.application.plan"
        state = self.call(model, "read", [plan_id], ["state"])[0]["state"]
        if state in ("draft", "submitted"):
            self.call(model, "action_approve", [plan_id])
            state = "in_progress"
        if state != "in_progress":
            for checkin_id in self.call(
                "trainlink.application.checkin", "search", [("plan_id", "=", plan_id)]
            ):
                self.stats.add("trainlink.application.checkin", checkin_id)
            return
        self.ensure(
            "trainlink.application.checkin",
            ("plan_id", "date"),
            [
                {
                    "plan_id": plan_id,
                    "date": day.isoformat(),
                    "applied": number != 1,
                    "notes": "Applied in the week's work."
                    if number != 1
                    else "No suitable case this week.",
                }
                for number, day in enumerate(checkins)
            ],
            update=False,
        )
        # Closing the plan also removes its pending check-in activity.
        self.call(model, "action_done", [plan_id])

    def _submit_eligible(self, candidate_ids):
        model = "trainlink.promotion.candidate"
        records = self.call(model, "read", candidate_ids, ["state", "eligible"])
        ready = [r["id"] for r in records if r["state"] == "path" and r["eligible"]]
        if ready:
            self.call(model, "action_submit_review", ready)

    # -- report --

    def states(self, model, ids):
        records = self.call(model, "read", ids, ["state"])
        return Counter(r["state"] for r in records)


def created_marker(model, record_id):
    """The ir.model.data values that mark a record as created by the loader."""
    return {
        "module": CREATED_MODULE,
        "name": f"{model.replace('.', '_')}_{record_id}",
        "model": model,
        "res_id": record_id,
        "noupdate": True,
    }


def _plain(field_type, value):
    """A value read over RPC in the form the loader writes it."""
    if field_type == "many2one":
        return value[0] if value else False
    if field_type in ("one2many", "many2many"):
        return sorted(value)
    return value


def _same(field_type, stored, wanted):
    stored = _plain(field_type, stored)
    if field_type in ("float", "monetary"):
        return abs((stored or 0.0) - (wanted or 0.0)) < 1e-6
    return stored == wanted


def _writable(types, vals):
    return {
        name: [(6, 0, value)] if types[name] in ("one2many", "many2many") else value
        for name, value in vals.items()
    }


# --------------------------------------------------------------------- main --


def print_summary(loader, plans, series, totals, seconds):
    args = loader.args
    print()
    print(
        f"TrainLink demo data in {args.db} at {args.url}: seed {args.seed}, "
        f"{args.employees} employees, {args.months} months "
        f"({loader.timeline.label()}), {seconds:.1f} s"
    )
    print()
    print(f"{'model':<32}{'created':>9}{'reused':>9}{'updated':>9}")
    for model, created, reused, updated in loader.stats.rows():
        print(f"{model:<32}{created:>9,}{reused:>9,}{updated:>9,}")
    sessions = loader.states("trainlink.session", loader.ids["session"])
    attendances = Counter(a["state"] for a in loader.attendances(loader.ids["session"]))
    needs = loader.call(
        "trainlink.need",
        "search_read",
        [
            ("name", "in", [n.name for n in NEEDS]),
            ("company_id", "=", loader.company_id),
        ],
        ["state"],
    )
    print()
    print(f"sessions: {_tally(sessions)} (upcoming: {sum(p.upcoming for p in plans)})")
    print(f"attendances: {_tally(attendances)}")
    print(f"needs: {_tally(Counter(n['state'] for n in needs))}")
    print(
        f"KPI values (source {SOURCE!r}, sync run {totals['run']['name']!r}): "
        f"read {totals['read']:,}, created {totals['created']:,}, "
        f"updated {totals['updated']:,}, unchanged {totals['unchanged']:,}, "
        f"rejected {len(totals['rejected']):,}"
    )
    for rejection in totals["rejected"][:5]:
        print(
            f"  rejected row {rejection['row']} ({rejection['external_key']}): "
            f"{rejection['reason']}"
        )
    print()
    print("effect built into the KPI values (mean change after the course ramp):")
    for line in effect_check(series):
        print(f"  {line}")
    print()
    print_targets(loader)
    print()
    print_contributions(loader)
    print()
    print_scores(loader)
    print()
    print_promotion(loader)
    print()
    print(
        "time: "
        + ", ".join(f"{name} {value:.1f} s" for name, value in loader.timings.items())
    )


def print_targets(loader):
    targets = loader.call(
        "trainlink.kpi.target",
        "read",
        loader.ids["target"],
        ["level", "state", "period_type", "period_start"],
    )
    print("KPI targets:")
    for level in ("department", "employee"):
        mine = [t for t in targets if t["level"] == level]
        periods = Counter(t["period_type"] for t in mine)
        print(
            f"  {level}: {len(mine):,} ({_tally(Counter(t['state'] for t in mine))}); "
            f"periods: {_tally(periods)}"
        )


def print_contributions(loader):
    worker = loader.worker
    if worker:
        print(
            f"sync worker, contributions step as of {worker['as_of']} "
            f"(exit status {worker['status']}):"
        )
        for line in worker["report"].splitlines():
            print(f"  {line}")
    else:
        print("sync worker: not run (--skip-worker)")
    found = loader.call(
        "trainlink.contribution",
        "search_read",
        [("employee_id", "in", list(loader.ids["employee"].values()))],
        ["rating", "inconclusive_reason", "net_lift", "score_bonus", "pip_due"],
    )
    ratings = Counter(c["rating"] or "unrated" for c in found)
    reasons = Counter(
        c["inconclusive_reason"] for c in found if c["rating"] == "inconclusive"
    )
    print(f"contributions of the demo's trainees: {len(found):,} ({_tally(ratings)})")
    if reasons:
        print(f"  inconclusive because: {_tally(reasons)}")
    bonus = [c for c in found if c["score_bonus"]]
    print(
        f"  with a score bonus: {len(bonus):,}; improvement plan due: "
        f"{sum(c['pip_due'] for c in found):,}"
    )


def print_scores(loader):
    scores = loader.call(
        "trainlink.performance.score",
        "read",
        loader.ids["score"],
        [
            "period_type",
            "period_start",
            "state",
            "band",
            "has_kpi_data",
            "kpi_score",
            "has_training",
            "training_score",
            "final_score",
        ],
    )
    print("performance scores (Compute Scores wizard, last assessment cycle):")
    for period_type in PERIOD_MONTHS:
        mine = [s for s in scores if s["period_type"] == period_type]
        if not mine:
            continue
        starts = sorted({s["period_start"] for s in mine})
        kpi = [s["kpi_score"] for s in mine if s["has_kpi_data"]]
        training = [s["training_score"] for s in mine if s["has_training"]]
        final = [s["final_score"] for s in mine if s["band"] != "no_data"]
        print(
            f"  {period_type}: {len(mine):,} scores over {len(starts)} period(s) "
            f"{starts[0][:7]} .. {starts[-1][:7]}, "
            f"{_tally(Counter(s['state'] for s in mine))}"
        )
        print(
            f"    KPI part: {len(kpi):,} (mean achievement {_mean(kpi):.1f} %); "
            f"training part: {len(training):,} (mean {_mean(training):.1f}); "
            f"mean final {_mean(final):.1f}"
        )
        print(f"    bands: {_tally(Counter(s['band'] for s in mine))}")
    missing = sorted(
        {
            period_type
            for family in {JOB_FAMILIES[p.job] for p in loader.people}
            for period_type in loader.cycles.get(family, ())
            if not loader.timeline.cycle_periods(period_type)
        }
    )
    if missing:
        print(
            f"  no {', '.join(missing)} lies wholly inside the timeline: not "
            "scored (a longer --months or another --end-month has one)"
        )


def print_promotion(loader):
    candidates = loader.call(
        "trainlink.promotion.candidate",
        "read",
        loader.ids["candidate"],
        ["path_id", "state", "eligible", "progress_summary"],
    )
    print("promotion candidates:")
    for path_id, name in sorted({tuple(c["path_id"]) for c in candidates}):
        mine = [c for c in candidates if c["path_id"][0] == path_id]
        print(
            f"  {name}: {len(mine)} ({_tally(Counter(c['state'] for c in mine))}; "
            f"eligible {sum(c['eligible'] for c in mine)})"
        )
        for reason, count in Counter(
            c["progress_summary"] for c in mine if c["state"] == "path"
        ).most_common(3):
            print(f"    {count} x {reason}")


def _mean(values):
    return sum(values) / len(values) if values else 0.0


def _tally(counter):
    return ", ".join(f"{count:,} {state}" for state, count in sorted(counter.items()))


def month_arg(text):
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError as error:
        raise argparse.ArgumentTypeError("expected a month as YYYY-MM") from error


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="See the module docstring for what is loaded and how.",
    )
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", default="admin", help="an administrator")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--employees", type=int, default=300)
    parser.add_argument("--months", type=int, default=12, help="of history")
    parser.add_argument("--seed", type=int, default=42, help="same seed, same data")
    parser.add_argument(
        "--names",
        choices=("pinyin", "hanzi"),
        default="pinyin",
        help="write names in pinyin (Wang Wei) or characters (王伟)",
    )
    parser.add_argument(
        "--end-month",
        type=month_arg,
        help="last month of the history, YYYY-MM (default: the one of the first "
        "load into this database, else last month)",
    )
    parser.add_argument(
        "--batch", type=int, default=2000, help=f"KPI values a call, <= {MAX_BATCH}"
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds a call")
    parser.add_argument(
        "--worker-python",
        type=Path,
        default=DEFAULT_WORKER_PYTHON
        if DEFAULT_WORKER_PYTHON.exists()
        else Path(sys.executable),
        help="the Python with the sync worker's dependencies (default: the "
        "repository's .venv, else this one)",
    )
    parser.add_argument(
        "--skip-worker",
        action="store_true",
        help="do not run the sync worker's contributions step: the scores are "
        "computed but left in draft",
    )
    args = parser.parse_args(argv)
    if args.employees < 2 * len(DEPARTMENTS):
        parser.error(f"--employees must be at least {2 * len(DEPARTMENTS)}")
    if not 4 <= args.months <= 60:
        parser.error("--months must be between 4 and 60")
    if not 1 <= args.batch <= MAX_BATCH:
        parser.error(f"--batch must be between 1 and {MAX_BATCH}")
    if args.end_month and args.end_month >= date.today().replace(day=1):
        parser.error("--end-month must be a month that is over")
    return args


def run(args):
    began = time.perf_counter()
    admin = OdooClient(args.url, args.db, args.login, args.password, args.timeout)
    loader = Loader(admin, args)
    try:
        loader.preflight()
    except RPC_ERRORS as error:
        raise SetupError(f"checking {args.db}: {describe_error(error)}") from error
    plans = plan_sessions(loader.people, loader.timeline, args.seed)
    progress(
        f"loading into {args.db} as {args.login}: {len(loader.people)} employees, "
        f"{len(plans)} sessions, months {loader.timeline.label()}"
    )
    with loader.phase("people"):
        loader.load_people()
    with loader.phase("catalogue"):
        loader.load_catalogue()
    with loader.phase("needs"):
        loader.load_needs(plans)
    with loader.phase("sessions"):
        loader.load_sessions(plans)
    with loader.phase("KPI values"):
        series, totals = loader.load_kpi_values()
    with loader.phase("targets"):
        loader.load_targets()
    if not args.skip_worker:
        with loader.phase("contributions"):
            loader.run_worker()
    with loader.phase("scores"):
        loader.load_scores(confirm=not args.skip_worker)
    with loader.phase("promotion"):
        loader.load_promotion()
    with loader.phase("summary"):
        print_summary(loader, plans, series, totals, time.perf_counter() - began)
    if totals["rejected"]:
        print(f"\nFAILED: {len(totals['rejected']):,} KPI values rejected")
        return 1
    return 0


def main(argv=None):
    args = parse_args(argv)
    try:
        return run(args)
    except SetupError as error:
        print(f"SETUP ERROR: {error}", file=sys.stderr)
        return 2
    except LoadError as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
