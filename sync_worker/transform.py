"""Pure pandas transformations of the sync worker: no I/O.

Source records become one KPI value per employee, KPI and period
(`kpi_value_rows`), and monthly KPI values become the contribution of each
completed training to the KPIs of its course (`contribution_rows`). Both
return rows in the shape the add-on's `api_upsert` methods accept. Numbers are
rounded to `DECIMALS` so that re-sending the same data compares equal to what
is stored and the upsert writes nothing.
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
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
    "peer_count",
    "comparison_basis",
    "peer_lift_se",
    "net_lift_se",
    "interval_dof",
    "pre_trend",
    "pre_trend_se",
    "baseline_matched",
]
# Figures of a contribution row rounded to DECIMALS.
MEASURE_FLOATS = (
    "peer_lift",
    "peer_lift_se",
    "net_lift_se",
    "interval_dof",
    "pre_trend",
    "pre_trend_se",
)


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

    The whole frame is one chunk of a `KpiAggregator`, which a source read
    in chunks feeds chunk by chunk instead.
    """
    aggregator = KpiAggregator(kpis, period)
    rejections = aggregator.add(records)
    return aggregator.rows(), rejections


class KpiAggregator:
    """KPI values aggregated chunk by chunk, as a source is read: each chunk
    of matched records (the columns of `kpi_value_rows`) becomes partial
    figures per (source, employee, KPI, period), its records are dropped,
    and `rows()` combines the partials into the rows `kpi_value_rows` gives
    for the whole frame. Memory holds one chunk plus one partial row per
    group, however many chunks come.

    Partials: the sum and the count of the values (sum, mean, rate), and for
    a `last` KPI the latest record (date, record id, then its position among
    every record added, as a stable sort of the whole frame would order them)
    with its value. A `row` column, when present, is that position (a source
    read in chunks numbers its rows); otherwise records are numbered in the
    order they are added.
    """

    # Partials are combined every so many chunks, so that they stay about
    # one partial row per group whatever the length of the source (combining
    # many at once costs a peak of its own).
    COMBINE_EVERY = 2

    def __init__(self, kpis: dict[str, KpiInfo], period: str):
        self.kpis = kpis
        self.period = period
        self.frequency = _frequency(period)
        self._how: dict[str, str] | None = None  # checked once a KPI is seen
        self._added = 0  # records numbered so far, without a `row` column
        self._totals: list[pd.DataFrame] = []
        self._lasts: list[pd.DataFrame] = []

    def add(self, records: pd.DataFrame) -> list[Rejection]:
        """Aggregate one chunk; returns its records of an unknown KPI."""
        if "row" in records:
            seq = records["row"].to_numpy(dtype="int64")
        else:
            seq = np.arange(self._added, self._added + len(records), dtype="int64")
            self._added += len(records)
        codes = records["kpi_code"].astype("string").str.strip().str.upper()
        known = codes.isin(list(self.kpis)).to_numpy(dtype=bool)
        rejections = _unknown_kpi_rejections(records[~known])
        if not known.any():
            return rejections
        if self._how is None:
            self._how = {code: _aggregation(kpi) for code, kpi in self.kpis.items()}
        dates = pd.DatetimeIndex(pd.to_datetime(records["date"].to_numpy()[known]))
        chunk = pd.DataFrame(
            {
                "source": records["source"].to_numpy()[known],
                "employee_id": records["employee_id"].to_numpy()[known],
                "kpi_code": codes.to_numpy()[known],
                "period": dates.to_period(self.frequency),
                "date": dates,
                "record_id": records["record_id"].to_numpy()[known],
                "seq": seq[known],
                "value": records["value"].to_numpy()[known].astype("float64"),
            }
        )
        grouped = chunk.groupby(VALUE_KEYS, sort=False)["value"]
        self._totals.append(
            pd.DataFrame({"total": grouped.sum(), "count": grouped.count()})
        )
        last = chunk[chunk["kpi_code"].map(self._how).eq("last").to_numpy()]
        if not last.empty:
            self._lasts.append(_latest(last.dropna(subset=["value"])))
        if len(self._totals) >= self.COMBINE_EVERY:
            self._combine()
        return rejections

    def _combine(self) -> None:
        """The partials so far as one partial."""
        totals = pd.concat(self._totals).groupby(level=VALUE_KEYS, sort=False).sum()
        self._totals = [totals]
        if self._lasts:
            self._lasts = [_latest(pd.concat(self._lasts))]

    def rows(self) -> list[dict]:
        """The rows of every record added, as `kpi_value_rows` makes them."""
        if not self._totals:
            return []
        self._combine()
        values = self._totals[0]
        means = values["total"] / values["count"]
        how = values.index.get_level_values("kpi_code").map(self._how)
        value = values["total"].where(how == "sum", means)
        if self._lasts:
            latest = self._lasts[0].set_index(VALUE_KEYS)["value"]
            value = value.where(how != "last", latest.reindex(values.index))
        else:
            value = value.where(how != "last")
        values = value.rename("value").reset_index()
        rows = values.assign(
            employee_id=values["employee_id"].astype("int64"),
            period_type=self.period,
            period_start=_first_days(values["period"]),
            period_end=_last_days(values["period"]),
            value=values["value"].astype("float64").round(DECIMALS),
        )
        rows["external_key"] = rows["kpi_code"].str.cat(
            [
                rows["employee_id"].astype(str),
                rows["period_start"],
                rows["period_type"],
            ],
            sep="/",
        )
        rows = rows.sort_values(["source", "kpi_code", "employee_id", "period_start"])
        return rows[VALUE_ROW_FIELDS].to_dict("records")


def _latest(records: pd.DataFrame) -> pd.DataFrame:
    """Per VALUE_KEYS, the latest record: date, then record id, then seq."""
    ordered = records.sort_values(["date", "record_id", "seq"], kind="stable")
    return ordered.drop_duplicates(VALUE_KEYS, keep="last")


def _unknown_kpi_rejections(records: pd.DataFrame) -> list[Rejection]:
    raws = records.drop(columns=["source", "row"], errors="ignore").to_dict("records")
    return [
        Rejection(
            source=source,
            record_id=None if pd.isna(record_id) else str(record_id),
            reason=f"unknown KPI code {code}",
            raw=raw,
        )
        for source, record_id, code, raw in zip(
            records["source"],
            records["record_id"],
            records["kpi_code"],
            raws,
            strict=True,
        )
    ]


def _aggregation(kpi: KpiInfo) -> str:
    try:
        return AGGREGATIONS[kpi.aggregation]
    except KeyError:
        raise ValueError(
            f"KPI {kpi.code}: unknown aggregation {kpi.aggregation!r}"
        ) from None


# ---------------------------------------------------------- contributions --

# Comparison bases, most specific first, as api_comparison_groups names them.
BASES = ("department", "job", "job_family")
# Part of the key of what a training was measured on (Runner): raise it with
# any change that makes contribution_rows answer differently on the same
# inputs, so that every training is measured again by the new code.
MEASUREMENT_VERSION = 1


def post_window_ended(attendance: dict, today: date) -> bool:
    """Whether the training's post window (kpi_window_months whole months
    after its completion month) ended before today's month: only then is
    it measured (see _windows)."""
    completion = date.fromisoformat(attendance["completion_date"])
    last = completion.year * 12 + completion.month - 1 + attendance["kpi_window_months"]
    return last < today.year * 12 + today.month - 1


def contribution_rows(
    values: pd.DataFrame,
    attendances: list[dict],
    comparison: dict[int, dict],
    kpis: dict[str, KpiInfo],
    today: date,
) -> list[dict]:
    """Rows for trainlink.contribution.api_upsert: one per completed training
    (api_read_completed rows) and KPI of its course that can be measured.

    Windows, in whole months around the completion month C: the baseline is
    the `baseline_window_months` months before C, the post window the
    `kpi_window_months` months after C (measured once it has ended by
    `today`), and the prior window the 2 x `baseline_window_months` months
    before the baseline (the usual level). C belongs to no window.

    `values` holds monthly KPI values [employee_id, kpi_code, period_start,
    value]; a month with several values counts once, with their mean.
    baseline_value and post_value are the trainee's monthly means in each
    window; the points are the months with a value.

    `comparison` maps each attendance to api_comparison_groups' answer:
    {"min_peers": n, "groups": [{"basis", "employee_ids"}, ...]}, most
    specific basis first. The first basis with at least min_peers peers who
    have values on both sides is used (else the one with the most such
    peers): the same peers on both sides, each measured against their own
    baseline, so that people joining or leaving during the windows cannot
    move the comparison. See `_measure` for the net lift and its uncertainty.

    Left out (no row): a course KPI not in `kpis`, a post window with no
    ended month or no trainee value yet, and a trainee baseline that is
    missing or zero, since no lift can be measured against it.
    """
    windows = _windows(attendances, kpis, today)
    if windows.empty:
        return []
    monthly = _monthly_means(values)
    trainee = _sided(windows, monthly, windows[["attendance_id", "employee_id"]])
    trainee = trainee[trainee["side"] != "outside"]
    sides = _side_means(trainee, WINDOW_KEYS).reindex(
        pd.MultiIndex.from_frame(windows[WINDOW_KEYS])
    )
    measured = (
        (sides["post_points"] > 0)
        & (sides["baseline_points"] > 0)
        & (sides["baseline_value"].fillna(0) != 0)
    )
    windows, sides = windows[measured.to_numpy()], sides[measured]
    if windows.empty:
        return []
    peers, basis = _chosen_peers(windows, monthly, comparison)
    measures = _measure(windows, trainee, sides, peers)
    rows = pd.DataFrame(
        {
            "attendance_id": windows["attendance_id"].astype("int64"),
            "kpi_code": windows["kpi_code"],
            "post_start": _first_days(windows["post_first"]),
            "post_end": _last_days(windows["post_last"]),
            "baseline_start": _first_days(windows["baseline_first"]),
            "baseline_end": _last_days(windows["baseline_last"]),
            "baseline_value": sides["baseline_value"].to_numpy(),
            "post_value": sides["post_value"].to_numpy(),
            "baseline_points": sides["baseline_points"].to_numpy(),
            "post_points": sides["post_points"].to_numpy(),
        }
    ).reset_index(drop=True)
    rows = pd.concat(
        [rows, basis.reset_index(drop=True), measures.reset_index(drop=True)], axis=1
    )
    for name in ("baseline_value", "post_value", *MEASURE_FLOATS):
        rows[name] = rows[name].astype("float64").round(DECIMALS)
    for name in ("baseline_points", "post_points", "peer_count"):
        rows[name] = rows[name].astype("int64")
    rows["baseline_matched"] = rows["baseline_matched"].astype(bool)
    return rows[CONTRIBUTION_ROW_FIELDS].to_dict("records")


def _windows(
    attendances: list[dict], kpis: dict[str, KpiInfo], today: date
) -> pd.DataFrame:
    """One row per (attendance, known KPI of its course): the trainee, the
    KPI's direction (+1 higher is better, -1 lower) and the first and last
    month of each window. A training is measured once its whole KPI window
    has ended, so each training and KPI gets one contribution record."""
    frame = (
        pd.DataFrame(attendances, columns=ATTENDANCE_FIELDS)
        .explode("kpi_codes")
        .rename(columns={"kpi_codes": "kpi_code"})
    )
    frame = frame[frame["kpi_code"].isin(list(kpis))].reset_index(drop=True)
    completion = pd.to_datetime(frame["completion_date"]).dt.to_period("M")
    baseline = frame["baseline_window_months"].astype("int64")
    post_last = completion + frame["kpi_window_months"].astype("int64")
    last_ended = pd.Period(today, freq="M") - 1
    directions = {c: -1 if k.direction == "lower" else 1 for c, k in kpis.items()}
    frame = frame.assign(
        sign=frame["kpi_code"].map(directions),
        prior_first=completion - 3 * baseline,
        baseline_first=completion - baseline,
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


def _sided(
    windows: pd.DataFrame, monthly: pd.DataFrame, members: pd.DataFrame
) -> pd.DataFrame:
    """The members' monthly values of each window, with the side of the
    window each month falls in: prior, baseline, post or outside."""
    frame = (
        windows.drop(columns="employee_id")
        .merge(members, on="attendance_id")
        .merge(monthly, on=["employee_id", "kpi_code"])
    )
    month = frame["month"]
    side = pd.Series("outside", index=frame.index)
    for name in ("prior", "baseline", "post"):
        last = frame["baseline_first"] - 1 if name == "prior" else frame[f"{name}_last"]
        side = side.mask(month.between(frame[f"{name}_first"], last), name)
    return frame.assign(side=side)


def _side_means(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per `keys`, the mean and the count of the values of each side:
    prior_value, baseline_value, post_value and their _points."""
    grouped = frame.groupby([*keys, "side"])["value"].agg(["mean", "size"])
    table = grouped.unstack("side")
    result = pd.DataFrame(index=table.index)
    for side in ("prior", "baseline", "post"):
        result[f"{side}_value"] = (
            table[("mean", side)] if ("mean", side) in table else float("nan")
        )
        points = table[("size", side)] if ("size", side) in table else 0
        result[f"{side}_points"] = pd.Series(points, index=table.index).fillna(0)
    return result


def _chosen_peers(
    windows: pd.DataFrame, monthly: pd.DataFrame, comparison: dict[int, dict]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The peers each window is compared with, with their own side means,
    and per window the basis used, the number of peers and whether peers
    were matched on their baseline (filled in by _measure).

    The bases are looked at one rank at a time, and a rank only for the
    windows that no more specific basis gave enough peers: the broad ones
    (a job family across the company: thousands of people) are read only
    for the windows that need them, so the work grows with the trainings,
    not with the trainings times the company."""
    keys = [*WINDOW_KEYS, "rank", "employee_id"]
    frames, owns, options = [], [], []
    pending = windows
    ranks = max((len(a.get("groups") or []) for a in comparison.values()), default=0)
    for rank in range(ranks):
        pairs = _rank_pairs(comparison, rank, pending["attendance_id"].unique())
        if pairs.empty:
            continue
        frame = _sided(pending, monthly, pairs)
        frame = frame[frame["side"] != "outside"]
        own = _side_means(frame, keys).reset_index()
        own = own[
            (own["baseline_points"] > 0)
            & (own["post_points"] > 0)
            & (own["baseline_value"] != 0)
        ]
        counts = own.groupby([*WINDOW_KEYS, "rank"]).size().rename("peer_count")
        found = counts.reset_index().merge(
            pairs[["attendance_id", "rank", "basis", "min_peers"]].drop_duplicates(),
            on=["attendance_id", "rank"],
        )
        frames.append(frame)
        owns.append(own)
        options.append(found)
        decided = found[found["peer_count"] >= found["min_peers"]]
        settled = pd.MultiIndex.from_frame(decided[WINDOW_KEYS])
        pending = pending[~pd.MultiIndex.from_frame(pending[WINDOW_KEYS]).isin(settled)]
        if pending.empty:
            break
    option_columns = [*WINDOW_KEYS, "rank", "peer_count", "basis", "min_peers"]
    options = pd.concat(options) if options else pd.DataFrame(columns=option_columns)
    # The most specific basis with enough peers; else the one with the most.
    enough = options[options["peer_count"] >= options["min_peers"]]
    best = enough.sort_values([*WINDOW_KEYS, "rank"]).drop_duplicates(WINDOW_KEYS)
    most = options.sort_values(
        [*WINDOW_KEYS, "peer_count", "rank"], ascending=[True, True, False, True]
    ).drop_duplicates(WINDOW_KEYS)
    chosen = pd.concat([best, most]).drop_duplicates(WINDOW_KEYS)
    index = pd.MultiIndex.from_frame(windows[WINDOW_KEYS])
    basis = (
        chosen.set_index(WINDOW_KEYS)[["basis", "peer_count"]]
        .reindex(index)
        .rename(columns={"basis": "comparison_basis"})
    )
    basis["comparison_basis"] = basis["comparison_basis"].fillna("none")
    basis["peer_count"] = basis["peer_count"].fillna(0)
    if not frames:  # no peer at all: the frames of an empty comparison
        pairs = _rank_pairs({}, 0, [])
        frames = [_sided(windows.iloc[:0], monthly, pairs)]
        owns = [_side_means(frames[0], keys).reset_index()]
    frame, own = pd.concat(frames), pd.concat(owns)
    peers = own.merge(chosen[[*WINDOW_KEYS, "rank"]], on=[*WINDOW_KEYS, "rank"])
    peer_months = frame.merge(
        peers[[*WINDOW_KEYS, "rank", "employee_id", "baseline_value"]].rename(
            columns={"baseline_value": "own_baseline"}
        ),
        on=[*WINDOW_KEYS, "rank", "employee_id"],
    )
    return (peers, peer_months), basis.reset_index(drop=True)


def _rank_pairs(comparison: dict[int, dict], rank: int, attendance_ids) -> pd.DataFrame:
    """(attendance_id, rank, basis, employee_id, min_peers) of the members of
    each attendance's group of this rank (0: the most specific)."""
    groups = [
        (attendance_id, answer["groups"][rank], answer["min_peers"])
        for attendance_id in attendance_ids
        if len((answer := comparison.get(attendance_id) or {}).get("groups") or [])
        > rank
    ]
    sizes = [len(group["employee_ids"]) for _a, group, _m in groups]
    return pd.DataFrame(
        {
            "attendance_id": np.repeat([a for a, _g, _m in groups], sizes).astype(
                "int64"
            ),
            "rank": rank,
            "basis": np.repeat([g["basis"] for _a, g, _m in groups], sizes).astype(
                object
            ),
            "employee_id": np.array(
                [e for _a, g, _m in groups for e in g["employee_ids"]], dtype="int64"
            ),
            "min_peers": np.repeat([m for _a, _g, m in groups], sizes).astype("int64"),
        },
        columns=["attendance_id", "rank", "basis", "employee_id", "min_peers"],
    )


def _measure(windows, trainee, sides, peers) -> pd.DataFrame:
    """Net lift and its uncertainty, per window (difference in differences).

    The net lift is the trainee's lift minus the peers' lift, where the
    peers' lift is the mean of each peer's own lift (their post-window mean
    against their own baseline mean, signed by the KPI's direction): the
    same people on both sides, whatever their size.

    Its standard error comes from the month-to-month variation of the gap
    g = 100 x (trainee's value / trainee's baseline - mean over the peers of
    value / own baseline), signed, in the months where both have a value:
    Welch's sqrt(s_b^2/n_b + s_p^2/n_p) over the baseline and post months,
    with Welch-Satterthwaite degrees of freedom. The gap holds the noise of
    the trainee and of the peers and none of what moved them all alike;
    months are taken as independent. With fewer than two months on a side
    there is no interval (0 degrees of freedom). The pre-trend is the slope
    of g over the baseline months (points per month) with its standard
    error: near zero when trainee and peers moved alike before the course.

    Regression to the mean: a trainee whose baseline fell below their prior
    level (the months before the baseline) recovers without any course, and
    so do peers who fell as much. When the prior months are known, the
    peers' lift is the one expected at the trainee's own change from prior
    to baseline, from a least-squares line of each peer's lift on their own
    change; the error of that prediction is added to the standard error.
    """
    peer_table, peer_months = peers
    index = pd.MultiIndex.from_frame(windows[WINDOW_KEYS])
    sign = windows.set_index(WINDOW_KEYS)["sign"]
    gaps = _gaps(trainee, sides, peer_months, sign)
    stats = gaps.groupby([*WINDOW_KEYS, "side"])["gap"].agg(["var", "size"])
    stats = stats.unstack("side").reindex(index)
    size_b, size_p = stats[("size", "baseline")], stats[("size", "post")]
    var_b = stats[("var", "baseline")] / size_b
    var_p = stats[("var", "post")] / size_p
    dof = (var_b + var_p) ** 2 / (var_b**2 / (size_b - 1) + var_p**2 / (size_p - 1))
    # Two equal months give no variance: the interval is then a point, with
    # the degrees of freedom of the months.
    dof = dof.fillna((size_b + size_p - 2).where((var_b + var_p) == 0))
    lift = _change(sides["baseline_value"], sides["post_value"], sign.reindex(index))
    peer_lifts = _change(
        peer_table["baseline_value"],
        peer_table["post_value"],
        peer_table.set_index(WINDOW_KEYS).index.map(sign).to_numpy(),
    )
    by_window = peer_lifts.groupby([peer_table[key] for key in WINDOW_KEYS])
    peer_lift = by_window.mean()
    peer_lift_variance = by_window.var() / by_window.size()
    result = pd.DataFrame(
        {
            "lift": lift.to_numpy(),
            "peer_lift": peer_lift.reindex(index).fillna(0.0).to_numpy(),
            "peer_variance": peer_lift_variance.reindex(index).to_numpy(),
            "variance": (var_b + var_p).to_numpy(),
            "interval_dof": dof.where((size_b >= 2) & (size_p >= 2)).to_numpy(),
        },
        index=index,
    )
    result = result.join(_pre_trend(gaps))
    result = result.join(_expected_at_dip(windows, sides, peer_table, sign))
    matched = result["expected_peer_lift"].notna()
    result["peer_lift"] = result["peer_lift"].where(
        ~matched, result["expected_peer_lift"]
    )
    result["peer_variance"] = result["peer_variance"].where(
        ~matched, result["prediction_variance"]
    )
    result["variance"] = result["variance"] + result["prediction_variance"].fillna(0.0)
    has_interval = result["interval_dof"].notna()
    return pd.DataFrame(
        {
            "peer_lift": result["peer_lift"].to_numpy(),
            "peer_lift_se": result["peer_variance"].pow(0.5).fillna(0.0).to_numpy(),
            "net_lift_se": result["variance"]
            .pow(0.5)
            .where(has_interval, 0.0)
            .to_numpy(),
            "interval_dof": result["interval_dof"].fillna(0.0).to_numpy(),
            "pre_trend": result["pre_trend"].fillna(0.0).to_numpy(),
            "pre_trend_se": result["pre_trend_se"].fillna(0.0).to_numpy(),
            "baseline_matched": matched.to_numpy(),
        }
    )


def _gaps(trainee, sides, peer_months, sign) -> pd.DataFrame:
    """The signed gap between trainee and peers, in points of their own
    baselines, for each month of each window; without peers, the trainee's
    own change (no market correction: such windows are inconclusive)."""
    trainee = trainee[trainee["side"].isin(("baseline", "post"))]
    trainee = trainee.merge(
        sides["baseline_value"].rename("own_baseline").reset_index(), on=WINDOW_KEYS
    )
    trainee_rel = _relative(trainee).rename("trainee")
    peer_rel = (
        _relative(peer_months[peer_months["side"].isin(("baseline", "post"))])
        .groupby(level=[*WINDOW_KEYS, "month", "side"])
        .mean()
        .rename("peers")
    )
    gaps = trainee_rel.to_frame().join(peer_rel, how="left").reset_index()
    with_peers = gaps.groupby(WINDOW_KEYS)["peers"].transform("count") > 0
    gaps = gaps[~with_peers | gaps["peers"].notna()].copy()
    gaps["peers"] = gaps["peers"].fillna(1.0)
    gaps["gap"] = (
        100.0
        * (gaps["trainee"] - gaps["peers"])
        * gaps.set_index(WINDOW_KEYS).index.map(sign).to_numpy()
    )
    return gaps


def _relative(frame: pd.DataFrame) -> pd.Series:
    """Each member's monthly value over their own baseline mean, averaged
    per member and month: indexed by window keys, month and side."""
    relative = frame["value"] / frame["own_baseline"].abs()
    return relative.groupby(
        [frame[key] for key in (*WINDOW_KEYS, "month", "side")]
    ).mean()


def _pre_trend(gaps: pd.DataFrame) -> pd.DataFrame:
    """Least-squares slope of the gap over the baseline months and its
    standard error (windows with at least 3 baseline months)."""
    base = gaps[gaps["side"] == "baseline"].copy()
    base["x"] = base["month"].map(lambda month: month.ordinal).astype("float64")
    grouped = base.groupby(WINDOW_KEYS)
    x_mean = grouped["x"].transform("mean")
    y_mean = grouped["gap"].transform("mean")
    base["sxx"] = (base["x"] - x_mean) ** 2
    base["sxy"] = (base["x"] - x_mean) * (base["gap"] - y_mean)
    base["syy"] = (base["gap"] - y_mean) ** 2
    sums = base.groupby(WINDOW_KEYS)[["sxx", "sxy", "syy"]].sum()
    count = grouped.size()
    slope = sums["sxy"] / sums["sxx"].replace(0, float("nan"))
    residual = (sums["syy"] - slope * sums["sxy"]).clip(lower=0)
    se = (residual / (count - 2) / sums["sxx"]).pow(0.5)
    enough = count >= 3
    return pd.DataFrame(
        {"pre_trend": slope.where(enough), "pre_trend_se": se.where(enough)}
    )


def _expected_at_dip(windows, sides, peer_table, sign) -> pd.DataFrame:
    """For windows where the trainee and at least 3 peers have a prior level:
    the peers' lift expected at the trainee's change from prior to baseline
    (their "dip"), and the variance of that prediction; NaN elsewhere.

    Fitted on logarithms (log of post / baseline against log of baseline /
    prior, least squares over the peers) and turned back into a percentage
    with the residual variance (a log-normal mean): a lift measured against
    a low baseline grows faster than a straight line in percent would say.
    Applied whatever the sign of the dip: adjusting only the trainees below
    their usual level would bias the others the other way."""
    peers = peer_table.assign(
        x=_log_ratio(peer_table["prior_value"], peer_table["baseline_value"]),
        y=_log_ratio(peer_table["baseline_value"], peer_table["post_value"]),
    ).dropna(subset=["x", "y"])
    trainee_x = _log_ratio(sides["prior_value"], sides["baseline_value"]).rename(
        "trainee_x"
    )
    grouped = peers.groupby(WINDOW_KEYS)
    x_mean = grouped["x"].transform("mean")
    y_mean = grouped["y"].transform("mean")
    peers = peers.assign(
        sxx=(peers["x"] - x_mean) ** 2,
        sxy=(peers["x"] - x_mean) * (peers["y"] - y_mean),
        syy=(peers["y"] - y_mean) ** 2,
    )
    sums = peers.groupby(WINDOW_KEYS).agg(
        x=("x", "mean"),
        y=("y", "mean"),
        sxx=("sxx", "sum"),
        sxy=("sxy", "sum"),
        syy=("syy", "sum"),
        count=("x", "size"),
    )
    sums = sums.join(trainee_x, how="inner")
    slope = sums["sxy"] / sums["sxx"].replace(0, float("nan"))
    predicted = sums["y"] + slope * (sums["trainee_x"] - sums["x"])
    residual = (sums["syy"] - slope * sums["sxy"]).clip(lower=0) / (sums["count"] - 2)
    ratio = (predicted + residual / 2).map(math.exp)
    direction = sign.reindex(sums.index)
    expected = 100.0 * (ratio - 1) * direction
    prediction = (
        (100.0 * ratio) ** 2
        * residual
        * (1 / sums["count"] + (sums["trainee_x"] - sums["x"]) ** 2 / sums["sxx"])
    )
    applies = (sums["count"] >= 3) & slope.notna()
    return pd.DataFrame(
        {
            "expected_peer_lift": expected.where(applies),
            "prediction_variance": prediction.where(applies),
        }
    )


def _log_ratio(before: pd.Series, after: pd.Series) -> pd.Series:
    """log(after / before); NaN unless both are positive."""
    ratio = after / before.where(before > 0)
    return ratio.where(ratio > 0).map(math.log, na_action="ignore")


def _change(before: pd.Series, after: pd.Series, sign) -> pd.Series:
    """Change from before to after in percent of |before|, positive when the
    KPI moved the good way; NaN for a missing or zero `before`."""
    return (after - before) / before.abs().replace(0, float("nan")) * 100 * sign


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
