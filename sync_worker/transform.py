"""Pure pandas transformations of the sync worker: no I/O.

Source records become one KPI value per employee, KPI and period
(`kpi_value_rows`), and monthly KPI values become the contribution of each
completed training to the KPIs of its course (`contribution_rows`). Both
return rows in the shape the add-on's `api_upsert` methods accept. Numbers are
rounded to `DECIMALS` so that re-sending the same data compares equal to what
is stored and the upsert writes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from sync_worker.sources.base import Rejection

if TYPE_CHECKING:
    from sync_worker.odoo import KpiInfo

DECIMALS = 6
DATE_FORMAT = "%Y-%m-%d"
FREQUENCIES = {"month": "M", "quarter": "Q"}
# How the values of one period are combined, by KPI aggregation. A rate (e.g.
# a defect rate) is measured per record: the period's rate is their mean.
AGGREGATIONS = {"sum": "sum", "mean": "mean", "last": "last", "rate": "mean"}
VALUE_KEYS = ["source", "employee_id", "kpi_code", "period"]
VALUE_ROW_FIELDS = [
    "source",
    "external_key",
    "kpi_code",
    "employee_id",
    "period_type",
    "period_start",
    "period_end",
    "value",
]
ATTENDANCE_FIELDS = [
    "attendance_id",
    "employee_id",
    "completion_date",
    "baseline_window_months",
    "kpi_window_months",
    "kpi_codes",
]
WINDOW_KEYS = ["attendance_id", "kpi_code"]
CONTRIBUTION_ROW_FIELDS = [
    "attendance_id",
    "kpi_code",
    "post_start",
    "post_end",
    "baseline_start",
    "baseline_end",
    "baseline_value",
    "post_value",
    "peer_lift",
    "baseline_points",
    "post_points",
]


def period_bounds(day: date, period: str) -> tuple[date, date]:
    """First and last day of the month or quarter ("month", "quarter") that
    contains `day`."""
    span = pd.Period(day, freq=_frequency(period))
    return span.start_time.date(), span.end_time.date()


# ------------------------------------------------------------- KPI values --


def kpi_value_rows(
    records: pd.DataFrame, kpis: dict[str, KpiInfo], period: str
) -> tuple[list[dict], list[Rejection]]:
    """Rows for trainlink.kpi.value.api_upsert, and the records rejected.

    `records` has the source columns plus the matched `employee_id` (int).
    KPI codes are compared as the ERP stores them (stripped, upper case); a
    record whose KPI is not in `kpis` is rejected. The others are grouped by
    (source, employee, KPI, period) and combined by the KPI's aggregation:
    sum, mean, last (the value of the latest date, ties broken by record id
    so that a re-run picks the same one) or rate (the mean). The external key
    f"{kpi_code}/{employee_id}/{period_start}/{period}" is the same on every
    run for the same period, so re-sending updates instead of duplicating.
    """
    frequency = _frequency(period)
    codes = records["kpi_code"].astype("string").str.strip().str.upper()
    known = codes.isin(list(kpis))
    rejections = _unknown_kpi_rejections(records[~known])
    records = records[known].assign(kpi_code=codes[known])
    if records.empty:
        return [], rejections
    records = records.assign(
        period=pd.to_datetime(records["date"]).dt.to_period(frequency)
    )
    values = _aggregate(records, kpis)
    rows = values.assign(
        employee_id=values["employee_id"].astype("int64"),
        period_type=period,
        period_start=_first_days(values["period"]),
        period_end=_last_days(values["period"]),
        value=values["value"].astype("float64").round(DECIMALS),
    )
    rows["external_key"] = rows["kpi_code"].str.cat(
        [rows["employee_id"].astype(str), rows["period_start"], rows["period_type"]],
        sep="/",
    )
    rows = rows.sort_values(["source", "kpi_code", "employee_id", "period_start"])
    return rows[VALUE_ROW_FIELDS].to_dict("records"), rejections


def _unknown_kpi_rejections(records: pd.DataFrame) -> list[Rejection]:
    unknown = records[["source", "record_id", "kpi_code"]]
    return [
        Rejection(
            source=source,
            record_id=None if pd.isna(record_id) else str(record_id),
            reason=f"unknown KPI code {code}",
        )
        for source, record_id, code in unknown.itertuples(index=False)
    ]


def _aggregate(records: pd.DataFrame, kpis: dict[str, KpiInfo]) -> pd.DataFrame:
    """One value per VALUE_KEYS, each group combined as its KPI says."""
    how_by_code = {code: _aggregation(kpi) for code, kpi in kpis.items()}
    ordered = records.sort_values(["date", "record_id"], kind="stable")
    parts = [
        group.groupby(VALUE_KEYS)["value"].agg(how)
        for how, group in ordered.groupby(ordered["kpi_code"].map(how_by_code))
    ]
    return pd.concat(parts).reset_index()


def _aggregation(kpi: KpiInfo) -> str:
    try:
        return AGGREGATIONS[kpi.aggregation]
    except KeyError:
        raise ValueError(
            f"KPI {kpi.code}: unknown aggregation {kpi.aggregation!r}"
        ) from None


# ---------------------------------------------------------- contributions --


def contribution_rows(
    values: pd.DataFrame,
    attendances: list[dict],
    comparison: dict[int, list[int]],
    kpis: dict[str, KpiInfo],
    today: date,
) -> list[dict]:
    """Rows for trainlink.contribution.api_upsert: one per completed training
    (api_read_completed rows) and KPI of its course that can be measured.

    Windows, in whole months around the completion month C: the baseline is
    the `baseline_window_months` months before C, the post window the
    `kpi_window_months` months after C, cut at the last month that has ended
    by `today` (post_end is the end of that month). The completion month
    itself belongs to neither side.

    `values` holds monthly KPI values [employee_id, kpi_code, period_start,
    value]; a month with several values (several sources) counts once, with
    their mean. baseline_value and post_value are the means of the trainee's
    monthly values in each window; the points are the months with a value.

    peer_lift is the lift of the comparison group (`comparison`:
    attendance_id -> peer employee ids) over the same windows, measured on
    the peers' mean of each month:

        higher is better: (post - baseline) / |baseline| * 100
        lower is better:  (baseline - post) / |baseline| * 100

    and 0.0 when the peers have no value on a side or a zero baseline. The
    trainee's own lift is computed by the add-on from the values sent.

    Left out (no row): a course KPI not in `kpis`, a post window with no
    ended month or no trainee value yet, and a trainee baseline that is
    missing or zero, since no lift can be measured against it.
    """
    windows = _windows(attendances, kpis, today)
    if windows.empty:
        return []
    monthly = _monthly_means(values)
    trainees = windows[["attendance_id", "employee_id"]].drop_duplicates()
    trainee = _window_means(windows, monthly, trainees)
    peers = _window_means(windows, monthly, _peer_pairs(comparison))
    measured = (
        (trainee["post_points"] > 0)
        & (trainee["baseline_points"] > 0)
        & (trainee["baseline_value"] != 0)
    )
    peer_lift = _lift(
        peers["baseline_value"], peers["post_value"], windows["direction"]
    ).fillna(0.0)
    rows = pd.DataFrame(
        {
            "attendance_id": windows["attendance_id"].astype("int64"),
            "kpi_code": windows["kpi_code"],
            "post_start": _first_days(windows["post_first"]),
            "post_end": _last_days(windows["post_last"]),
            "baseline_start": _first_days(windows["baseline_first"]),
            "baseline_end": _last_days(windows["baseline_last"]),
            "baseline_value": trainee["baseline_value"].round(DECIMALS),
            "post_value": trainee["post_value"].round(DECIMALS),
            "peer_lift": peer_lift.round(DECIMALS),
            "baseline_points": trainee["baseline_points"].fillna(0).astype("int64"),
            "post_points": trainee["post_points"].fillna(0).astype("int64"),
        }
    )[measured]
    return rows[CONTRIBUTION_ROW_FIELDS].to_dict("records")


def _windows(
    attendances: list[dict], kpis: dict[str, KpiInfo], today: date
) -> pd.DataFrame:
    """One row per (attendance, known KPI of its course): the trainee, the
    KPI's direction and the first and last month (monthly periods) of both
    windows. A training is measured once its whole KPI window has ended, so
    each training and KPI gets one contribution record, never partial ones."""
    frame = (
        pd.DataFrame(attendances, columns=ATTENDANCE_FIELDS)
        .explode("kpi_codes")
        .rename(columns={"kpi_codes": "kpi_code"})
    )
    frame = frame[frame["kpi_code"].isin(list(kpis))].reset_index(drop=True)
    completion = pd.to_datetime(frame["completion_date"]).dt.to_period("M")
    post_last = completion + frame["kpi_window_months"].astype("int64")
    last_ended = pd.Period(today, freq="M") - 1
    frame = frame.assign(
        direction=frame["kpi_code"].map({c: k.direction for c, k in kpis.items()}),
        baseline_first=completion - frame["baseline_window_months"].astype("int64"),
        baseline_last=completion - 1,
        post_first=completion + 1,
        post_last=post_last,
    )
    return frame[frame["post_last"] <= last_ended].reset_index(drop=True)


def _monthly_means(values: pd.DataFrame) -> pd.DataFrame:
    """One value per (employee, KPI, month): the mean of that month's."""
    months = pd.to_datetime(values["period_start"]).dt.to_period("M")
    return (
        values.assign(month=months)
        .groupby(["employee_id", "kpi_code", "month"], as_index=False)["value"]
        .mean()
    )


def _peer_pairs(comparison: dict[int, list[int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (attendance_id, employee_id)
            for attendance_id, employee_ids in comparison.items()
            for employee_id in employee_ids
        ],
        columns=["attendance_id", "employee_id"],
    )


def _window_means(
    windows: pd.DataFrame, monthly: pd.DataFrame, members: pd.DataFrame
) -> pd.DataFrame:
    """For each window (row of `windows`, same order), the mean over each
    side's months of the members' mean value of the month, and the number of
    months with a value: baseline_value, baseline_points, post_value,
    post_points (NaN when a side has no value)."""
    frame = (
        windows.drop(columns="employee_id")
        .merge(members, on="attendance_id")
        .merge(monthly, on=["employee_id", "kpi_code"])
    )
    means = {}
    for side in ("baseline", "post"):
        inside = frame["month"].between(frame[f"{side}_first"], frame[f"{side}_last"])
        per_month = frame[inside].groupby([*WINDOW_KEYS, "month"])["value"].mean()
        by_window = per_month.groupby(level=WINDOW_KEYS)
        means[f"{side}_value"] = by_window.mean()
        means[f"{side}_points"] = by_window.size()
    index = pd.MultiIndex.from_frame(windows[WINDOW_KEYS])
    return pd.DataFrame(means).reindex(index).reset_index(drop=True)


def _lift(baseline: pd.Series, post: pd.Series, direction: pd.Series) -> pd.Series:
    """Change from baseline to post in percent of |baseline|, positive when
    the KPI moved the good way; NaN for a missing or zero baseline."""
    change = (post - baseline) / baseline.abs().replace(0, float("nan")) * 100
    return change.where(direction != "lower", -change)


# ---------------------------------------------------------------- helpers --


def _frequency(period: str) -> str:
    try:
        return FREQUENCIES[period]
    except KeyError:
        raise ValueError(f"period must be month or quarter, not {period!r}") from None


def _first_days(periods: pd.Series) -> pd.Series:
    return periods.dt.start_time.dt.strftime(DATE_FORMAT)


def _last_days(periods: pd.Series) -> pd.Series:
    return periods.dt.end_time.dt.strftime(DATE_FORMAT)
