"""The pure parts of scripts/load_demo.py that make the larger demo complete:
the periods of targets and scores, the department targets, the promotion
candidates, the application plans and the sync worker's settings."""

from __future__ import annotations

import math
import os
import sys
from datetime import date
from pathlib import Path

import pytest

from sync_worker.config import load_settings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import load_demo  # noqa: E402

TWELVE = load_demo.Timeline.ending(date(2026, 10, 1), 12)  # 2025-11 .. 2026-10
TWO_YEARS = load_demo.Timeline.ending(date(2026, 10, 1), 24)  # 2024-11 ..


def test_periods_are_calendar_periods_inside_the_timeline():
    assert len(TWELVE.periods("month")) == 12
    assert TWELVE.periods("quarter") == [
        date(2026, 1, 1),
        date(2026, 4, 1),
        date(2026, 7, 1),
    ]
    assert TWELVE.periods("half_year") == [date(2026, 1, 1)]
    assert TWELVE.periods("year") == []


def test_cycle_periods_end_in_the_last_twelve_months():
    assert TWO_YEARS.cycle_periods("year") == [date(2025, 1, 1)]
    # The fourth quarter of 2025 ends in the last twelve months.
    assert TWO_YEARS.cycle_periods("quarter") == [
        date(2025, 10, 1),
        date(2026, 1, 1),
        date(2026, 4, 1),
        date(2026, 7, 1),
    ]
    assert TWO_YEARS.cycle_periods("month")[0] == date(2025, 11, 1)
    assert TWELVE.cycle_periods("quarter") == TWELVE.periods("quarter")


def test_sum_target_adds_the_people_and_stretches():
    kpi = load_demo.KPI_BY_CODE["SALES_REV"]
    start = date(2026, 3, 1)
    value = load_demo.department_target(kpi, (160e3, 0.3), TWELVE, start, "month", 27)
    expected = 160e3 * kpi.season[2] * (1 + kpi.trend) ** TWELVE.index(start) * 27
    expected *= 1 + load_demo.TARGET_STRETCH
    assert value == pytest.approx(expected, rel=0.005)
    assert value == load_demo.round_figure(value, 0)


def test_rate_target_averages_the_months_lower_is_better_and_caps():
    complaints = load_demo.KPI_BY_CODE["COMPLAINT_RATE"]
    quarter = load_demo.department_target(
        complaints, (3.0, 0.35), TWELVE, date(2026, 4, 1), "quarter", 50
    )
    season = sum(complaints.season[3:6]) / 3
    assert quarter == round(3.0 * season * (1 - load_demo.TARGET_STRETCH), 2)
    retention = load_demo.KPI_BY_CODE["RETENTION"]
    capped = load_demo.department_target(
        retention, (95, 0.03), TWELVE, date(2026, 1, 1), "month", 10
    )
    assert capped == retention.cap


def test_round_figure():
    assert load_demo.round_figure(4_321_737, 0) == 4_320_000
    assert load_demo.round_figure(2.856, 2) == 2.86
    assert load_demo.round_figure(170.4, 0) == 170


def test_domain_ids():
    assert load_demo.domain_ids([["id", "in", [3, 4]]]) == [3, 4]
    with pytest.raises(ValueError):
        load_demo.domain_ids([["state", "=", "draft"]])


def person(badge, job, is_manager=False):
    return load_demo.Person(badge, badge, "female", "", "Sales North", job, is_manager)


def test_candidates_passed_the_most_courses_first():
    path = load_demo.PathDef(
        "Key Account Manager", "Sales Representative", ("A", "B"), (), ""
    )
    people = [
        person("T1", "Sales Representative"),
        person("T2", "Sales Representative"),
        person("T3", "Sales Representative"),
        person("T4", "Sales Manager"),  # another job
        person("T5", "Sales Representative", is_manager=True),
    ]
    best = {
        ("T1", "A"): 85,
        ("T2", "A"): 90,
        ("T2", "B"): 81,
        ("T3", "A"): 79,  # below the minimum: passed nothing
        ("T4", "A"): 99,
        ("T5", "A"): 99,
    }
    assert load_demo.pick_candidates(path, people, best, 80) == ["T2", "T1"]
    many = [person(f"T{n:02d}", "Sales Representative") for n in range(10)]
    scores = {(p.badge, "A"): 90 for p in many}
    chosen = load_demo.pick_candidates(path, many, scores, 80)
    assert len(chosen) == load_demo.CANDIDATES_PER_PATH


def test_plan_dates_end_with_the_timeline():
    start, end, checkins = load_demo.plan_dates(date(2026, 9, 20), date(2026, 10, 31))
    assert (start, end) == (date(2026, 9, 27), date(2026, 10, 31))
    assert checkins == [date(2026, 10, d) for d in (4, 11, 18, 25)]
    start, end, checkins = load_demo.plan_dates(date(2026, 3, 10), date(2026, 10, 31))
    assert (end - start).days == 7 * load_demo.PLAN_WEEKS
    assert len(checkins) == load_demo.CHECKINS
    start, end, checkins = load_demo.plan_dates(date(2026, 10, 30), date(2026, 10, 31))
    assert start == end and checkins == []


def test_worker_config_is_a_valid_worker_setting_without_source(tmp_path, monkeypatch):
    for name in list(os.environ):
        if name.startswith("TRAINLINK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRAINLINK_ODOO_PASSWORD", "secret")
    config = tmp_path / "worker.toml"
    config.write_text(
        load_demo.worker_config(
            'http://localhost:8171/"x"',
            "demo_big",
            "demo_sync",
            600,
            2000,
            tmp_path / "state.json",
        ),
        encoding="utf-8",
    )
    settings = load_settings(config, env_file=None)
    assert settings.odoo_url == 'http://localhost:8171/"x"'
    assert settings.odoo_login == "demo_sync"
    assert settings.odoo_password.get_secret_value() == "secret"
    assert math.isclose(settings.timeout, 600)
    assert settings.sources == []
    assert "secret" not in config.read_text(encoding="utf-8")


class FakeErp:
    """The few ORM calls Loader.ensure makes, on in-memory tables."""

    TYPES = {"code": "char", "name": "char", "unit": "char", "company_id": "many2one"}

    def __init__(self):
        self.tables = {}
        self.writes = []

    def add(self, model, vals):
        table = self.tables.setdefault(model, {})
        record_id = len(table) + 1
        table[record_id] = {**vals, "id": record_id}
        return record_id

    def call(self, model, method, *args, **kwargs):
        return getattr(self, method)(model, *args, **kwargs)

    def fields_get(self, model, _fields, attributes):
        return {name: {"type": kind} for name, kind in self.TYPES.items()}

    def search_read(self, model, domain, fields, order=None, context=None):
        def matches(record):
            return all(
                record.get(name) in value if op == "in" else record.get(name) == value
                for name, op, value in domain
            )

        found = [r for r in self.tables.get(model, {}).values() if matches(r)]
        return [
            {
                "id": r["id"],
                **{
                    name: [r[name], "Company"]
                    if self.TYPES.get(name) == "many2one"
                    else r.get(name)
                    for name in fields
                },
            }
            for r in found
        ]

    def create(self, model, vals_list):
        return [self.add(model, vals) for vals in vals_list]

    def write(self, model, ids, vals):
        self.writes.append((model, ids, vals))
        for record_id in ids:
            self.tables[model][record_id].update(vals)
        return True


def kpi(code, name, unit):
    return {"code": code, "company_id": 1, "name": name, "unit": unit}


def test_ensure_rewrites_only_the_records_the_loader_created():
    """A KPI of the add-on's demo data (CONV_RATE, "Conversion rate") found by
    its code keeps its name and unit on every run; a KPI the loader created
    follows the loader's data."""
    erp = FakeErp()
    theirs = erp.add("trainlink.kpi", kpi("CONV_RATE", "Conversion rate", "%"))
    loader = load_demo.Loader(erp, load_demo.parse_args(["--db", "x"]))
    key = ("code", "company_id")
    wanted = [
        kpi("CONV_RATE", "Lead conversion rate", "USD"),
        kpi("RETENTION", "Retention", "%"),
    ]
    first = loader.ensure("trainlink.kpi", key, wanted)
    ours = first["RETENTION", 1]
    assert first["CONV_RATE", 1] == theirs
    assert erp.writes == []
    wanted[1]["name"] = "Retention rate"
    again = loader.ensure("trainlink.kpi", key, wanted)
    assert again == first
    assert erp.writes == [("trainlink.kpi", [ours], {"name": "Retention rate"})]
    kpis = erp.tables["trainlink.kpi"]
    assert (kpis[theirs]["name"], kpis[theirs]["unit"]) == ("Conversion rate", "%")
    markers = erp.tables["ir.model.data"].values()
    assert [(m["model"], m["res_id"]) for m in markers] == [("trainlink.kpi", ours)]
    assert loader.stats.updated["trainlink.kpi"] == {ours}
