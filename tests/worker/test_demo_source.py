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
from datetime import date
from pathlib import Path

import pytest
from conftest import free_port
from conftest_sources import serving, source_config

from sync_worker import demo_source
from sync_worker.sources import build_source

REPO = Path(__file__).resolve().parents[2]
DEMO_XML = REPO / "addons/trainlink_performance/demo/trainlink_demo.xml"
TODAY = date(2025, 6, 15)


def demo_records(model):
    root = ET.parse(DEMO_XML).getroot()
    return [record for record in root.iter("record") if record.get("model") == model]


def field(record, name):
    return record.find(f"field[@name='{name}']")


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
    assert len(batch.records) == 3 * working_days > 50 * 10  # many pages
    assert batch.rejected == []
    assert set(batch.records["employee_key"]) == {"TL1001", "TL1002", "TL1003"}
    assert min(batch.records["date"]) >= start and max(batch.records["date"]) <= end
    assert all(day.weekday() < 5 for day in batch.records["date"])
    assert batch.records["record_id"].is_unique


def test_range_filter_and_determinism(demo_url):
    march = (date(2025, 3, 1), date(2025, 3, 31))
    first = read_metric(demo_url, "production", "OUTPUT_PER_HOUR", *march)
    again = read_metric(demo_url, "production", "OUTPUT_PER_HOUR", *march)
    assert first.records.equals(again.records)
    assert len(first.records) == 3 * 21  # 21 working days in March 2025
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
        for badge in ("TL1001", "TL1002", "TL1003")
    }
    assert ratio["TL1002"] > 1.12  # +18 %
    assert 1.02 < ratio["TL1003"] < ratio["TL1002"]  # +7 %
    assert 0.96 < ratio["TL1001"] < 1.04  # the peer: noise only


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
