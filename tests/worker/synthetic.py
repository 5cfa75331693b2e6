"""Synthetic KPI panels with a known training effect, a market drift and
noise, measured by the worker's contribution step: what a sceptical analyst
would try before trusting the figures."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sync_worker.odoo import KpiInfo
from sync_worker.transform import contribution_rows

STATS = (
    Path(__file__).resolve().parents[2]
    / "addons/trainlink_performance/models/trainlink_stats.py"
)
# Completion in month 12 of 16: prior months 3-8, baseline 9-11, post 13-15.
COMPLETION_MONTH = pd.Period("2026-03", freq="M")
KPIS = {"SALES": KpiInfo(1, "SALES", "higher", "sum", 1, 1.0)}


def _load_stats():
    """The add-on's t table (pure Python): the same quantiles as the ERP."""
    spec = importlib.util.spec_from_file_location("trainlink_stats", STATS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stats = _load_stats()


@dataclass
class Panel:
    """Monthly sales of `people` employees: a level each, a market drift of
    `drift` a month for everyone, multiplicative noise of sd `noise`, and
    `effect` (0.10 = +10 %) on the trainees' post-course months."""

    seed: int
    completion: pd.Period = COMPLETION_MONTH
    people: int = 200
    trainees: int = 100
    effect: float = 0.0
    noise: float = 0.12
    drift: float = 0.01
    values: np.ndarray = field(init=False)
    trainee_ids: list[int] = field(init=False)

    def __post_init__(self):
        self.months = pd.period_range(
            self.completion - 12, self.completion + 3, freq="M"
        )
        self.post = list(range(13, 16))
        self.today = (self.completion + 4).start_time.date()
        rng = np.random.default_rng(self.seed)
        level = 1000 * rng.uniform(0.5, 1.5, self.people)
        trend = (1 + self.drift) ** np.arange(len(self.months))
        shocks = rng.normal(0, self.noise, (self.people, len(self.months)))
        self.clean = level[:, None] * trend[None, :]
        self.values = self.clean * (1 + shocks)
        self.trainee_ids = list(range(1, self.trainees + 1))

    def select_dips(self, count):
        """Train the `count` people whose baseline fell most below their
        prior level (whom a remedial programme picks)."""
        prior = self.values[:, 3:9].mean(axis=1)
        base = self.values[:, 9:12].mean(axis=1)
        self.trainee_ids = [int(i) + 1 for i in np.argsort(base / prior)[:count]]
        return self

    def measure(self, peers=None, hires=0, min_peers=5, prior=True):
        """Contribution rows of every trainee; `peers`: the comparison group
        (default: everyone else); `hires` new people joining in the post
        window with twice the usual level; `prior=False` hides the months
        before the baseline (no usual level to match on)."""
        frame = self.frame()
        if not prior:
            frame = frame[frame["period_start"] >= self.months[9].start_time.date()]
        if hires:
            frame = pd.concat([frame, self._hires(hires)], ignore_index=True)
        others = [
            e for e in range(1, self.people + hires + 1) if e not in self.trainee_ids
        ]
        group = {
            "min_peers": min_peers,
            "groups": [
                {
                    "basis": "department",
                    "employee_ids": others if peers is None else peers,
                }
            ],
        }
        attendances = [
            {
                "attendance_id": employee,
                "employee_id": employee,
                "completion_date": self.completion_date().isoformat(),
                "baseline_window_months": 3,
                "kpi_window_months": 3,
                "kpi_codes": ["SALES"],
            }
            for employee in self.trainee_ids
        ]
        rows = contribution_rows(
            frame,
            attendances,
            {employee: group for employee in self.trainee_ids},
            KPIS,
            self.today,
        )
        return pd.DataFrame(rows)

    def completion_date(self):
        return self.completion.start_time.date().replace(day=10)

    def frame(self):
        """Monthly values [employee_id, kpi_code, period_start, value], the
        effect applied to the trainees' post months."""
        values = self.values.copy()
        for employee in self.trainee_ids:
            values[employee - 1, self.post] *= 1 + self.effect
        return self._frame(values)

    def injected_money(self):
        """The extra sales the effect put into the trainees' post months."""
        rows = [e - 1 for e in self.trainee_ids]
        return float((self.values[np.ix_(rows, self.post)] * self.effect).sum())

    def true_net_lift(self):
        """The effect in the measure's terms: post over baseline of the
        drifting level, times the effect, in percent."""
        post = np.mean([(1 + self.drift) ** i for i in self.post])
        base = np.mean([(1 + self.drift) ** i for i in range(9, 12)])
        return 100 * self.effect * post / base

    def _frame(self, values):
        employees, months = np.meshgrid(
            np.arange(1, self.people + 1), np.arange(len(self.months)), indexing="ij"
        )
        return pd.DataFrame(
            {
                "employee_id": employees.ravel(),
                "kpi_code": "SALES",
                "period_start": [
                    self.months[m].start_time.date() for m in months.ravel()
                ],
                "value": values.ravel(),
            }
        )

    def _hires(self, count):
        rows = [
            (self.people + index + 1, "SALES", month.start_time.date(), 2000.0)
            for index in range(count)
            for month in self.months[13:16]
        ]
        return pd.DataFrame(
            rows, columns=["employee_id", "kpi_code", "period_start", "value"]
        )


def verdicts(rows, excellent=15.0, fair=0.0, min_peers=5, min_points=2):
    """The ERP's default rule on these rows: (rating per row, improvement
    plan per row), as trainlink.contribution rates them."""
    net = 100 * (rows["post_value"] - rows["baseline_value"]) / rows["baseline_value"]
    net = net - rows["peer_lift"]
    ratings, plans = [], []
    for value, se, dof, peers in zip(
        net, rows["net_lift_se"], rows["interval_dof"], rows["peer_count"], strict=True
    ):
        t95, t99 = stats.t_critical(dof), stats.t_critical(dof, 99)
        if peers < min_peers or t95 is None:
            ratings.append("inconclusive")
            plans.append(False)
            continue
        low, high = value - t95 * se, value + t95 * se
        if low >= excellent:
            ratings.append("excellent")
        elif low >= fair:
            ratings.append("good or fair")
        elif high < fair:
            ratings.append("insufficient")
        else:
            ratings.append("inconclusive")
        plans.append(ratings[-1] == "insufficient" and value + t99 * se < fair)
    return ratings, plans


def net_lifts(rows):
    lift = 100 * (rows["post_value"] - rows["baseline_value"]) / rows["baseline_value"]
    return (lift - rows["peer_lift"]).tolist()


def course_interval(rows):
    """The ERP's pooled course effect: (mean, low, high)."""
    return stats.mean_interval(net_lifts(rows), (rows["peer_lift_se"] ** 2).tolist())
