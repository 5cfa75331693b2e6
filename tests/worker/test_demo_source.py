"""The demo metrics source: a real server on 127.0.0.1, read by the worker's
own REST source, and consistent with the add-on's demo data."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from conftest import free_port
from conftest_sources import serving, source_config
from synthetic import stats

from sync_worker import demo_source
from sync_worker.odoo import KpiInfo
from sync_worker.sources import build_source
from sync_worker.transform import contribution_rows

REPO = Path(__file__).resolve().parents[2]
DEMO_XML = REPO / "addons/trainlink_performance/demo/trainlink_demo.xml"
TODAY = date(2025, 6, 15)


def demo_records(model):
    root = ET.parse(DEMO_XML).getroot()
    return [record for record in root.iter("record") if record.get("model") == model]


def field(record, name):
    return record.find(f"field[@name='{name}']")


def ref(record, name):
    found = field(record, name)
    return found.get("ref") if found is not None else None


def demo_employees():
    """{xml id: (badge, job xml id, department xml id)} of the demo employees
    with a badge."""
    return {
        record.get("id"): (
            field(record, "barcode").text,
            ref(record, "job_id"),
            ref(record, "department_id"),
        )
        for record in demo_records("hr.employee")
        if field(record, "barcode") is not None
    }


def completed_courses():
    """{employee xml id: course xml ids of their completed demo trainings}."""
    session_course = {
        record.get("id"): ref(record, "course_id")
        for record in demo_records("trainlink.session")
    }
    courses = {}
    for record in demo_records("trainlink.attendance"):
        if field(record, "state").text == "completed":
            courses.setdefault(ref(record, "employee_id"), set()).add(
                session_course[ref(record, "session_id")]
            )
    return courses


@pytest.fixture
def demo_url():
    server = demo_source.make_server("127.0.0.1", 0, today=TODAY, page_size=50)
    with serving(server) as url:
        yield url


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def read_metric(url, name, kpi_code, start, end):
    config = source_config(
        "rest",
        kpi_code=kpi_code,
        columns={"record_id": "id", "employee_key": "badge"},
        options={"url": f"{url}/api/{name}"},
    )
    return build_source(config).read(start, end)


def test_badges_and_kpis_are_those_of_the_addon_demo_data():
    barcodes = {
        field(record, "barcode").text
        for record in demo_records("hr.employee")
        if field(record, "barcode") is not None
    }
    kpi_codes = {field(record, "code").text for record in demo_records("trainlink.kpi")}
    for metric in demo_source.METRICS.values():
        assert metric.kpi in kpi_codes
        assert {person.badge for person in metric.people} <= barcodes


def test_course_completions_match_the_demo_attendances():
    """A lift the source serves starts when the demo data says that person
    completed a course: (today + relativedelta(months=-N, days=1)). People
    may have completed other courses (the promotion-path demo) without a
    lift of their own."""
    employees = {
        record.get("id"): field(record, "barcode").text
        for record in demo_records("hr.employee")
        if field(record, "barcode") is not None
    }
    completed = {}
    for record in demo_records("trainlink.attendance"):
        if field(record, "state").text != "completed":
            continue
        badge = employees[field(record, "employee_id").get("ref")]
        when = field(record, "completion_date").get("eval")
        months, days = re.search(r"months=(-?\d+), days=(-?\d+)\)", when).groups()
        completed.setdefault(badge, set()).add((-int(months), int(days)))
    served = {
        person.badge: person.completed_months_ago
        for metric in demo_source.METRICS.values()
        for person in metric.people
        if person.completed_months_ago is not None
    }
    assert served
    for badge, months_ago in served.items():
        assert (months_ago, 1) in completed.get(badge, set()), badge


def test_worker_rest_source_reads_every_page_without_rejection(demo_url):
    start, end = demo_source.history_range(TODAY)
    assert start == date(2024, 6, 1)
    batch = read_metric(demo_url, "sales", "SALES_REV", start, end)
    working_days = sum(
        1
        for ordinal in range(start.toordinal(), end.toordinal() + 1)
        if date.fromordinal(ordinal).weekday() < 5
    )
    people = len(demo_source.METRICS["sales"].people)
    assert len(batch.records) == people * working_days > 50 * 10  # many pages
    assert batch.rejected == []
    assert set(batch.records["employee_key"]) == {f"TL100{n}" for n in range(1, 10)}
    assert min(batch.records["date"]) >= start and max(batch.records["date"]) <= end
    assert all(day.weekday() < 5 for day in batch.records["date"])
    assert batch.records["record_id"].is_unique


def test_range_filter_and_determinism(demo_url):
    march = (date(2025, 3, 1), date(2025, 3, 31))
    first = read_metric(demo_url, "production", "OUTPUT_PER_HOUR", *march)
    again = read_metric(demo_url, "production", "OUTPUT_PER_HOUR", *march)
    assert first.records.equals(again.records)
    people = len(demo_source.METRICS["production"].people)
    assert len(first.records) == people * 21  # 21 working days in March 2025
    other = demo_source.make_server("127.0.0.1", 0, today=TODAY, page_size=7)
    with serving(other) as url:
        third = read_metric(url, "production", "OUTPUT_PER_HOUR", *march)
    assert first.records.equals(third.records)


def test_trained_people_improve_after_their_course_and_peers_do_not(demo_url):
    start, end = demo_source.history_range(TODAY)
    records = read_metric(demo_url, "sales", "SALES_REV", start, end).records
    completed = date(2025, 2, 16)  # TODAY four months back, plus one day
    after = records["date"] > completed
    by_badge = records.groupby([records["employee_key"], after])["value"].mean()
    ratio = {
        badge: by_badge[badge, True] / by_badge[badge, False]
        for badge in set(records["employee_key"])
    }
    # Everyone drifts up with the market (about +0.8 % a month, the means
    # some five months apart); the trainees by their lift on top.
    market = ratio.pop("TL1001")
    assert 1.0 < market < 1.08
    assert ratio.pop("TL1002") / market > 1.25  # +30 %
    assert 1.08 < ratio.pop("TL1003") / market < 1.2  # +14 %
    assert all(0.97 < peer / market < 1.03 for peer in ratio.values()), ratio


def peers_of(trainee):
    """The demo colleagues a trainee is compared with first: the same job and
    department, without the trainee's courses (the add-on also leaves out
    other courses aimed at the same KPIs: none of these took one)."""
    employees, courses = demo_employees(), completed_courses()
    _badge, job, department = employees[trainee]
    return [
        badge
        for xml_id, (badge, other_job, other_department) in employees.items()
        if xml_id != trainee
        and (other_job, other_department) == (job, department)
        and not courses.get(xml_id, set()) & courses[trainee]
    ]


def measured(name, trainees, today):
    """The worker's contribution rows of the trainees (employee xml ids) on
    the source's figures as of `today` (aggregated per month by the KPI's
    demo aggregation), compared with their demo peers, with the add-on's
    default windows (3 months) and minimum of peers (5): {badge: row}."""
    metric = demo_source.METRICS[name]
    aggregation = {"SALES_REV": "sum", "OUTPUT_PER_HOUR": "mean"}[metric.kpi]
    records = pd.DataFrame(
        demo_source.metric_records(metric, today, *demo_source.history_range(today))
    )
    month = pd.to_datetime(records["date"]).dt.to_period("M").dt.start_time.dt.date
    values = (
        records.groupby([records["badge"], month.rename("period_start")])["value"]
        .agg(aggregation)
        .reset_index()
    )
    number = {person.badge: n for n, person in enumerate(metric.people, 1)}
    people = {person.badge: person for person in metric.people}
    values["employee_id"] = values.pop("badge").map(number)
    values["kpi_code"] = metric.kpi
    badges = [demo_employees()[trainee][0] for trainee in trainees]
    attendances = [
        {
            "attendance_id": number[badge],
            "employee_id": number[badge],
            "completion_date": demo_source.completion_date(people[badge], today),
            "baseline_window_months": 3,
            "kpi_window_months": 3,
            "kpi_codes": [metric.kpi],
        }
        for badge in badges
    ]
    comparison = {
        number[badge]: {
            "min_peers": 5,
            "groups": [
                {
                    "basis": "department",
                    "employee_ids": [number[peer] for peer in peers_of(trainee)],
                }
            ],
        }
        for badge, trainee in zip(badges, trainees, strict=True)
    }
    kpis = {metric.kpi: KpiInfo(1, metric.kpi, "higher", aggregation, 1, 1.0)}
    rows = contribution_rows(values, attendances, comparison, kpis, today)
    badge_of = {n: badge for badge, n in number.items()}
    return {badge_of[row["attendance_id"]]: row for row in rows}


def net_interval(row):
    """(net lift, low end of its 95 % interval), as the add-on computes them;
    the low end is None when there is no interval or the pre-trend test
    fails (both make the rating inconclusive)."""
    lift = 100 * (row["post_value"] - row["baseline_value"]) / row["baseline_value"]
    net = lift - row["peer_lift"]
    critical = stats.t_critical(row["interval_dof"])
    trend_critical = stats.t_critical(row["baseline_points"] - 2)
    trend_ok = not trend_critical or abs(row["pre_trend"]) <= (
        trend_critical * row["pre_trend_se"]
    )
    if critical is None or not trend_ok:
        return net, None
    return net, net - critical * row["net_lift_se"]


# Install days over two years: the demo's dates are relative to that day.
INSTALL_DAYS = [TODAY + timedelta(days=37 * n) for n in range(20)]


@pytest.mark.parametrize("today", INSTALL_DAYS, ids=str)
def test_consultative_selling_gets_a_verdict_whatever_the_install_day(today):
    """The default rule (good from a net lift of 5 %, fair from 0, the whole
    95 % interval beyond the threshold) grants Li Na at least "good" and
    Zhang Min a verdict, against their six untrained colleagues."""
    rows = measured("sales", ["employee_li_na_demo", "employee_zhang_min_demo"], today)
    assert set(rows) == {"TL1002", "TL1003"}
    for row in rows.values():
        assert row["peer_count"] == 6
        assert row["baseline_points"] == row["post_points"] == 3
    li_na, li_na_low = net_interval(rows["TL1002"])
    zhang_min, zhang_min_low = net_interval(rows["TL1003"])
    assert li_na_low is not None and li_na_low >= 5.0, li_na
    assert zhang_min_low is not None and zhang_min_low >= 0.0, zhang_min
    assert zhang_min < li_na


def test_lean_assembly_waits_for_its_window_and_has_six_peers():
    """Three months after the course its post window has not ended: it is
    measured from the next month, against six operators (not Zhao Lei, who
    took Leading Teams with Liu Yang)."""
    assert measured("production", ["employee_liu_yang_demo"], TODAY) == {}
    assert sorted(peers_of("employee_liu_yang_demo")) == [
        f"TL200{n}" for n in range(4, 10)
    ]


def test_health_and_errors(demo_url):
    assert get(f"{demo_url}/health") == (200, {"status": "ok"})
    status, body = get(f"{demo_url}/api/nothing")
    assert status == 404 and "/api/sales" in body["error"]
    status, body = get(f"{demo_url}/api/sales?start=2025-13-01")
    assert status == 400 and "start must be a date" in body["error"]
    status, body = get(f"{demo_url}/api/sales?limit=5000")
    assert status == 400 and "limit must be from 1 to 1000" in body["error"]
    status, body = get(f"{demo_url}/api/sales?page=999")
    assert status == 200 and body["data"] == [] and body["next"] is None


def test_add_months_clamps_to_the_month_end():
    assert demo_source.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert demo_source.add_months(date(2024, 3, 31), -13) == date(2023, 2, 28)
    assert demo_source.add_months(date(2024, 12, 15), 1) == date(2025, 1, 15)


def test_command_line_serves_and_stops_on_sigterm():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sync_worker.demo_source", "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                assert get(f"http://127.0.0.1:{port}/health")[0] == 200
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"demo source did not start: {process.stdout.read()}")
                time.sleep(0.1)
        status, body = get(f"http://127.0.0.1:{port}/api/sales?limit=1")
        # Today is the real today: the history ends there.
        assert status == 200 and body["data"][0]["kpi"] == "SALES_REV"
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=10)
    assert process.returncode == 0, output
    assert f"serving demo metrics on http://127.0.0.1:{port}" in output
