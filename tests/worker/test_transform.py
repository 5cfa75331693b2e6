"""sync_worker.transform: periods, KPI value rows and contribution rows, on
small hand-made frames whose expected results are worked out in the tests."""

import ast
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from sync_worker import transform
from sync_worker.odoo import KpiInfo
from sync_worker.sources.base import RECORD_COLUMNS, Rejection, empty_records
from sync_worker.transform import contribution_rows, kpi_value_rows, period_bounds

MODELS = Path(__file__).parents[2] / "addons" / "trainlink_performance" / "models"


def _kpi(code, aggregation="sum", direction="higher"):
    return KpiInfo(
        id=len(code),
        code=code,
        direction=direction,
        aggregation=aggregation,
        company_id=1,
        unit_value=1.0,
    )


KPIS = {
    kpi.code: kpi
    for kpi in (
        _kpi("SALES", "sum"),
        _kpi("HANDLE_TIME", "mean", "lower"),
        _kpi("STOCK", "last"),
        _kpi("DEFECT_RATE", "rate", "lower"),
    )
}


def _addon_row_fields(module, name="ROW_FIELDS"):
    """The add-on's ROW_FIELDS (or another such dict) of `module` as {name:
    accepted types}, read from its source: the worker's rows must match what
    the API validates."""
    tree = ast.parse((MODELS / module).read_text())
    node = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and node.targets[0].id == name
    )
    builtins = {"str": str, "int": int, "float": float, "bool": bool}
    return {
        key.value: tuple(
            builtins[name.id]
            for name in (value.elts if isinstance(value, ast.Tuple) else [value])
        )
        for key, value in zip(node.keys, node.values, strict=True)
    }


def _assert_api_shape(row, module, extra=()):
    fields = _addon_row_fields(module)
    if module == "trainlink_contribution.py":
        optional = _addon_row_fields(module, "OPTIONAL_ROW_FIELDS")
        for name, kinds in optional.items():
            assert isinstance(row[name], kinds), name
            assert isinstance(row[name], bool) == (kinds == (bool,)), name
        fields = {**fields, **{name: () for name in optional}}
    assert set(row) == set(fields) | set(extra)
    for name, kinds in fields.items():
        if kinds:
            assert isinstance(row[name], kinds), name
            assert not isinstance(row[name], bool), name


# ---------------------------------------------------------------- periods --


@pytest.mark.parametrize(
    ("day", "period", "bounds"),
    [
        (date(2026, 5, 17), "month", (date(2026, 5, 1), date(2026, 5, 31))),
        (date(2026, 4, 30), "month", (date(2026, 4, 1), date(2026, 4, 30))),
        (date(2026, 12, 31), "month", (date(2026, 12, 1), date(2026, 12, 31))),
        (date(2026, 1, 1), "month", (date(2026, 1, 1), date(2026, 1, 31))),
        (date(2024, 2, 10), "month", (date(2024, 2, 1), date(2024, 2, 29))),
        (date(2025, 2, 10), "month", (date(2025, 2, 1), date(2025, 2, 28))),
        (date(2000, 2, 1), "month", (date(2000, 2, 1), date(2000, 2, 29))),
        (date(2100, 2, 1), "month", (date(2100, 2, 1), date(2100, 2, 28))),
        (date(2026, 1, 1), "quarter", (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 5, 17), "quarter", (date(2026, 4, 1), date(2026, 6, 30))),
        (date(2026, 9, 30), "quarter", (date(2026, 7, 1), date(2026, 9, 30))),
        (date(2026, 12, 31), "quarter", (date(2026, 10, 1), date(2026, 12, 31))),
        (date(2024, 2, 29), "quarter", (date(2024, 1, 1), date(2024, 3, 31))),
    ],
)
def test_period_bounds(day, period, bounds):
    assert period_bounds(day, period) == bounds


def test_period_bounds_refuses_an_unknown_period():
    with pytest.raises(ValueError, match="month or quarter"):
        period_bounds(date(2026, 5, 17), "week")


# ------------------------------------------------------------- KPI values --


def _records(*rows, source="crm"):
    """Matched source records from (record_id, employee_id, date, value,
    kpi_code) tuples."""
    frame = pd.DataFrame(
        rows, columns=["record_id", "employee_id", "date", "value", "kpi_code"]
    )
    frame["date"] = frame["date"].map(date.fromisoformat)
    frame["source"] = source
    frame["employee_key"] = "E" + frame["employee_id"].astype(str)
    return frame[[*RECORD_COLUMNS, "employee_id"]]


def _value_row(code, employee_id, start, end, value, period="month", source="crm"):
    return {
        "source": source,
        "external_key": f"{code}/{employee_id}/{start}/{period}",
        "kpi_code": code,
        "employee_id": employee_id,
        "period_type": period,
        "period_start": start,
        "period_end": end,
        "value": value,
    }


def test_sum_per_employee_kpi_and_month():
    records = _records(
        ("r1", 7, "2026-05-03", 100.0, "SALES"),
        ("r2", 7, "2026-05-31", 50.5, "SALES"),
        ("r3", 7, "2026-06-01", 20.0, "SALES"),
        ("r4", 8, "2026-05-10", 5.0, "SALES"),
    )
    rows, rejected = kpi_value_rows(records, KPIS, "month")
    assert rows == [
        _value_row("SALES", 7, "2026-05-01", "2026-05-31", 150.5),
        _value_row("SALES", 7, "2026-06-01", "2026-06-30", 20.0),
        _value_row("SALES", 8, "2026-05-01", "2026-05-31", 5.0),
    ]
    assert rejected == []


def test_sum_per_quarter():
    records = _records(
        ("r1", 7, "2026-01-02", 10.0, "SALES"),
        ("r2", 7, "2026-03-31", 5.0, "SALES"),
        ("r3", 7, "2026-04-01", 1.0, "SALES"),
    )
    rows, _ = kpi_value_rows(records, KPIS, "quarter")
    assert rows == [
        _value_row("SALES", 7, "2026-01-01", "2026-03-31", 15.0, "quarter"),
        _value_row("SALES", 7, "2026-04-01", "2026-06-30", 1.0, "quarter"),
    ]


def test_mean():
    records = _records(
        ("r1", 7, "2026-05-03", 3.0, "HANDLE_TIME"),
        ("r2", 7, "2026-05-04", 4.0, "HANDLE_TIME"),
        ("r3", 7, "2026-05-05", 8.0, "HANDLE_TIME"),
    )
    rows, _ = kpi_value_rows(records, KPIS, "month")
    assert [row["value"] for row in rows] == [5.0]


def test_last_is_the_value_of_the_latest_date_whatever_the_order():
    records = _records(
        ("r1", 7, "2026-05-03", 10.0, "STOCK"),
        ("r2", 7, "2026-05-20", 7.0, "STOCK"),
        ("r3", 7, "2026-05-11", 9.0, "STOCK"),
    )
    rows, _ = kpi_value_rows(records, KPIS, "month")
    assert [row["value"] for row in rows] == [7.0]


def test_last_breaks_a_tie_on_the_date_by_record_id():
    records = _records(
        ("b", 7, "2026-05-20", 5.0, "STOCK"),
        ("a", 7, "2026-05-20", 6.0, "STOCK"),
    )
    for frame in (records, records.iloc[::-1]):
        rows, _ = kpi_value_rows(frame, KPIS, "month")
        assert [row["value"] for row in rows] == [5.0]


def test_rate_is_the_mean_rounded_to_six_decimals():
    records = _records(
        ("r1", 7, "2026-05-03", 0.02, "DEFECT_RATE"),
        ("r2", 7, "2026-05-04", 0.04, "DEFECT_RATE"),
        ("r3", 7, "2026-05-05", 0.0300004, "DEFECT_RATE"),
    )
    rows, _ = kpi_value_rows(records, KPIS, "month")
    # (0.02 + 0.04 + 0.0300004) / 3 = 0.03000013..., no float noise kept
    assert [row["value"] for row in rows] == [0.03]


def test_each_kpi_aggregates_its_own_way_in_one_batch():
    records = _records(
        ("r1", 7, "2026-05-03", 2.0, "SALES"),
        ("r2", 7, "2026-05-04", 4.0, "SALES"),
        ("r3", 7, "2026-05-03", 2.0, "HANDLE_TIME"),
        ("r4", 7, "2026-05-04", 4.0, "HANDLE_TIME"),
        ("r5", 7, "2026-05-03", 2.0, "STOCK"),
        ("r6", 7, "2026-05-04", 4.0, "STOCK"),
    )
    rows, _ = kpi_value_rows(records, KPIS, "month")
    assert {row["kpi_code"]: row["value"] for row in rows} == {
        "SALES": 6.0,
        "HANDLE_TIME": 3.0,
        "STOCK": 4.0,
    }


def test_unknown_kpi_codes_are_rejected_the_others_kept():
    records = _records(
        ("r1", 7, "2026-05-03", 1.0, "SALES"),
        ("r2", 7, "2026-05-03", 1.0, "NOPE"),
        ("r3", 8, "2026-05-04", 1.0, "NOPE"),
    )
    rows, rejected = kpi_value_rows(records, KPIS, "month")
    assert [row["kpi_code"] for row in rows] == ["SALES"]
    assert rejected == [
        Rejection("crm", "r2", "unknown KPI code NOPE"),
        Rejection("crm", "r3", "unknown KPI code NOPE"),
    ]


def test_kpi_codes_are_compared_as_the_erp_stores_them():
    records = _records(
        ("r1", 7, "2026-05-03", 1.0, " sales "),
        ("r2", 7, "2026-05-04", 2.0, "SALES"),
    )
    rows, rejected = kpi_value_rows(records, KPIS, "month")
    assert rows == [_value_row("SALES", 7, "2026-05-01", "2026-05-31", 3.0)]
    assert rejected == []


def test_external_keys_are_stable_across_runs_and_record_order():
    records = _records(
        *[
            (f"r{i}", 7 + i % 3, f"2026-0{1 + i % 4}-1{i % 9}", i / 7, code)
            for i in range(40)
            for code in ("SALES", "STOCK", "HANDLE_TIME")
        ]
    )
    first, _ = kpi_value_rows(records, KPIS, "month")
    shuffled = records.sample(frac=1, random_state=4)
    assert kpi_value_rows(shuffled, KPIS, "month")[0] == first
    keys = [(row["source"], row["external_key"]) for row in first]
    assert len(keys) == len(set(keys)) == 3 * 3 * 4
    assert "SALES/7/2026-01-01/month" in {row["external_key"] for row in first}


def test_sources_are_kept_apart():
    records = pd.concat(
        [
            _records(("r1", 7, "2026-05-03", 1.0, "SALES"), source="crm"),
            _records(("r1", 7, "2026-05-03", 2.0, "SALES"), source="shop"),
        ]
    )
    rows, _ = kpi_value_rows(records, KPIS, "month")
    assert rows == [
        _value_row("SALES", 7, "2026-05-01", "2026-05-31", 1.0, source="crm"),
        _value_row("SALES", 7, "2026-05-01", "2026-05-31", 2.0, source="shop"),
    ]


def test_value_rows_match_the_api_fields_and_types():
    records = _records(("r1", 7, "2026-05-03", 1, "SALES"))
    rows, _ = kpi_value_rows(records, KPIS, "month")
    _assert_api_shape(rows[0], "trainlink_kpi_value.py", extra={"period_type"})
    assert type(rows[0]["employee_id"]) is int
    assert type(rows[0]["value"]) is float


def test_empty_records_give_no_rows():
    empty = empty_records().assign(employee_id=pd.Series(dtype="int64"))
    assert kpi_value_rows(empty, KPIS, "month") == ([], [])


def test_only_unknown_kpis_give_rejections_only():
    records = _records(("r1", 7, "2026-05-03", 1.0, "NOPE"))
    rows, rejected = kpi_value_rows(records, KPIS, "month")
    assert rows == []
    assert [r.record_id for r in rejected] == ["r1"]


def test_value_rows_refuse_an_unknown_period():
    records = _records(("r1", 7, "2026-05-03", 1.0, "SALES"))
    with pytest.raises(ValueError, match="month or quarter"):
        kpi_value_rows(records, KPIS, "year")


# ---------------------------------------------------------- contributions --
# Attendance 1: employee 7 completed on 2026-03-03 a course measured on SALES
# with 3 months each side: baseline December to February, post window April
# to June; March, the completion month, belongs to neither.

TRAINEE, PEER, OTHER_PEER = 7, 8, 9


def _attendance(**values):
    return {
        "attendance_id": 1,
        "employee_id": TRAINEE,
        "department_id": 3,
        "course_id": 4,
        "company_id": 1,
        "completion_date": "2026-03-03",
        "baseline_window_months": 3,
        "kpi_window_months": 3,
        "kpi_codes": ["SALES"],
        **values,
    }


def _values(employee_id, months, kpi_code="SALES"):
    """Monthly values from {"YYYY-MM": value}."""
    return pd.DataFrame(
        {
            "employee_id": employee_id,
            "kpi_code": kpi_code,
            "period_start": [date.fromisoformat(f"{m}-01") for m in months],
            "value": list(months.values()),
        }
    )


TRAINEE_SALES = {
    "2025-11": 999.0,  # before the baseline window
    "2025-12": 100.0,
    "2026-01": 110.0,
    "2026-02": 90.0,
    "2026-03": 500.0,  # the completion month
    "2026-04": 120.0,
    "2026-05": 130.0,
    "2026-06": 140.0,
    "2026-07": 999.0,  # after the post window
}
PEER_SALES = {"2025-12": 100.0, "2026-01": 100.0, "2026-04": 110.0}


def _groups(*groups, min_peers=1):
    """api_comparison_groups' answer: groups of employee ids, most specific
    basis first."""
    return {
        "min_peers": min_peers,
        "groups": [
            {"basis": basis, "employee_ids": list(ids)}
            for basis, ids in zip(
                ("department", "job", "job_family"), groups, strict=False
            )
        ],
    }


def _contributions(values, today, attendances=None, comparison=None):
    """Contributions with comparison {attendance_id: [peer ids]} (one
    department group) or {attendance_id: _groups(...)}."""
    comparison = {1: [PEER]} if comparison is None else comparison
    return contribution_rows(
        pd.concat(values, ignore_index=True),
        attendances or [_attendance()],
        {
            key: group if isinstance(group, dict) else _groups(group)
            for key, group in comparison.items()
        },
        KPIS,
        today,
    )


def _contribution(**values):
    return {
        "attendance_id": 1,
        "kpi_code": "SALES",
        "post_start": "2026-04-01",
        "post_end": "2026-06-30",
        "baseline_start": "2025-12-01",
        "baseline_end": "2026-02-28",
        "baseline_value": 100.0,  # (100 + 110 + 90) / 3
        "post_value": 130.0,  # (120 + 130 + 140) / 3
        "peer_lift": 10.0,  # the peer's own 100 -> 110
        "baseline_points": 3,
        "post_points": 3,
        "peer_count": 1,
        "comparison_basis": "department",
        "peer_lift_se": 0.0,  # one peer: no spread to tell
        # One post month with a peer value: no interval (0 degrees of freedom).
        "net_lift_se": 0.0,
        "interval_dof": 0.0,
        "pre_trend": 0.0,
        "pre_trend_se": 0.0,
        "baseline_matched": False,
        **values,
    }


def test_contribution_over_whole_windows():
    values = [_values(TRAINEE, TRAINEE_SALES), _values(PEER, PEER_SALES)]
    rows = _contributions(values, today=date(2026, 7, 1))
    assert rows == [_contribution()]
    _assert_api_shape(rows[0], "trainlink_contribution.py")


def test_post_window_never_goes_past_its_length():
    values = [_values(TRAINEE, TRAINEE_SALES), _values(PEER, PEER_SALES)]
    assert _contributions(values, today=date(2027, 3, 15)) == [_contribution()]


@pytest.mark.parametrize(
    "today", [date(2026, 5, 1), date(2026, 6, 1), date(2026, 6, 30)]
)
def test_no_contribution_until_the_whole_post_window_has_ended(today):
    """A training is measured once, over its whole KPI window: nothing while
    the window runs (June has not ended on June 30th)."""
    values = [_values(TRAINEE, TRAINEE_SALES), _values(PEER, PEER_SALES)]
    assert _contributions(values, today) == []


def test_contribution_once_the_post_window_has_ended():
    values = [_values(TRAINEE, TRAINEE_SALES), _values(PEER, PEER_SALES)]
    assert _contributions(values, today=date(2026, 7, 1)) == [_contribution()]


@pytest.mark.parametrize(
    "today", [date(2026, 3, 3), date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 30)]
)
def test_no_contribution_before_the_first_post_month_ends(today):
    values = [_values(TRAINEE, TRAINEE_SALES), _values(PEER, PEER_SALES)]
    assert _contributions(values, today) == []


def test_windows_across_the_year_end_and_a_leap_february():
    attendance = _attendance(
        completion_date="2024-01-15", baseline_window_months=2, kpi_window_months=1
    )
    values = [_values(TRAINEE, {"2023-11": 10.0, "2023-12": 20.0, "2024-02": 18.0})]
    rows = _contributions(values, date(2024, 3, 1), [attendance], {})
    assert rows == [
        _contribution(
            post_start="2024-02-01",
            post_end="2024-02-29",
            baseline_start="2023-11-01",
            baseline_end="2023-12-31",
            baseline_value=15.0,
            post_value=18.0,
            peer_lift=0.0,
            baseline_points=2,
            post_points=1,
            peer_count=0,
            comparison_basis="none",
        )
    ]


def test_points_count_the_months_with_a_value():
    trainee = {"2025-12": 100.0, "2026-02": 80.0, "2026-05": 130.0}
    rows = _contributions([_values(TRAINEE, trainee)], date(2026, 7, 1))
    assert rows == [
        _contribution(
            baseline_value=90.0,
            post_value=130.0,
            peer_lift=0.0,
            baseline_points=2,
            post_points=1,
            peer_count=0,
            comparison_basis="none",
        )
    ]


def test_several_values_of_one_month_count_once_with_their_mean():
    values = [
        _values(TRAINEE, {"2026-01": 100.0, "2026-04": 120.0}),
        _values(TRAINEE, {"2026-01": 200.0}),
    ]
    rows = _contributions(values, date(2026, 7, 1), comparison={})
    assert (rows[0]["baseline_value"], rows[0]["baseline_points"]) == (150.0, 1)


def test_lower_is_better_peer_lift():
    attendance = _attendance(kpi_codes=["DEFECT_RATE"])
    trainee = {"2026-01": 10.0, "2026-04": 8.0}
    values = [
        _values(TRAINEE, trainee, "DEFECT_RATE"),
        _values(PEER, {"2026-01": 10.0, "2026-04": 11.0}, "DEFECT_RATE"),
        _values(OTHER_PEER, {"2026-01": 10.0, "2026-04": 10.0}, "DEFECT_RATE"),
    ]
    rows = _contributions(
        values, date(2026, 7, 1), [attendance], {1: [PEER, OTHER_PEER]}
    )
    # each peer's own lift: 10 -> 11 is -10 %, 10 -> 10 is 0 %: mean -5 %
    assert rows == [
        _contribution(
            kpi_code="DEFECT_RATE",
            baseline_value=10.0,
            post_value=8.0,
            peer_lift=-5.0,
            baseline_points=1,
            post_points=1,
            peer_count=2,
            peer_lift_se=5.0,  # lifts -10 and 0: sqrt(50 / 2)
        )
    ]


def test_peer_lift_is_the_mean_of_each_peers_own_lift():
    """The same peers on both sides, each against their own baseline: a big
    seller or a newcomer cannot move the comparison by their size."""
    peer = {"2025-12": 100.0, "2026-01": 100.0, "2026-02": 100.0, "2026-04": 110.0}
    other = {"2025-12": 200.0, "2026-04": 130.0, "2026-05": 110.0, "2026-06": 110.0}
    newcomer = {"2026-04": 1000.0, "2026-05": 1000.0}  # no baseline: left out
    values = [
        _values(TRAINEE, TRAINEE_SALES),
        _values(PEER, peer),
        _values(OTHER_PEER, other),
        _values(10, newcomer),
    ]
    rows = _contributions(
        values, date(2026, 7, 1), comparison={1: [PEER, OTHER_PEER, 10]}
    )
    # PEER 100 -> 110: +10 %; OTHER_PEER 200 -> 350 / 3: -41.666667 %
    assert rows[0]["peer_lift"] == pytest.approx((10.0 - 41.666667) / 2)
    assert rows[0]["peer_count"] == 2


def test_interval_from_the_month_to_month_gap():
    trainee = {"2025-12": 100, "2026-01": 100, "2026-02": 100}
    trainee |= {"2026-04": 110, "2026-05": 120, "2026-06": 130}
    peer = {"2025-12": 100, "2026-01": 100, "2026-02": 100}
    peer |= {"2026-04": 100, "2026-05": 110, "2026-06": 90}
    rows = _contributions(
        [_values(TRAINEE, trainee), _values(PEER, peer)], date(2026, 7, 1)
    )
    # gaps: baseline 0, 0, 0; post 10, 10, 40 (variance 300): se sqrt(300 / 3),
    # Welch degrees of freedom (100)^2 / (100^2 / 2) = 2
    assert rows == [
        _contribution(
            baseline_value=100.0,
            post_value=120.0,
            peer_lift=0.0,
            net_lift_se=10.0,
            interval_dof=2.0,
        )
    ]


def test_pre_trend_is_the_slope_of_the_gap_before_the_course():
    attendance = _attendance(baseline_window_months=4)
    trainee = {"2025-11": 100, "2025-12": 102, "2026-01": 104, "2026-02": 106}
    trainee |= {"2026-04": 110, "2026-05": 112}
    peer = {month: 100 for month in ("2025-11", "2025-12", "2026-01", "2026-02")}
    peer |= {"2026-04": 100, "2026-05": 100}
    rows = _contributions(
        [_values(TRAINEE, trainee), _values(PEER, peer)], date(2026, 7, 1), [attendance]
    )
    # trainee baseline 103: gaps 100 x (100, 102, 104, 106) / 103 - 100, a
    # straight line rising 200 / 103 points a month, no residual.
    assert rows[0]["pre_trend"] == pytest.approx(200 / 103, abs=1e-6)
    assert rows[0]["pre_trend_se"] == pytest.approx(0.0, abs=1e-6)


def test_a_dip_before_the_course_is_compared_with_peers_of_similar_dips():
    """Regression to the mean: the trainee fell from 130 to 100 before the
    course and came back to 130; peers who dipped came back to their usual
    100 too, so the peers' lift expected at the trainee's dip is +30 % (back
    from 100 to 130), not their mean +11.1 %: no effect of the course."""
    prior = ("2025-09", "2025-10", "2025-11")
    baseline = ("2025-12", "2026-01", "2026-02")
    post = ("2026-04", "2026-05", "2026-06")

    def series(before, during, after):
        return (
            {m: before for m in prior}
            | {m: during for m in baseline}
            | {m: after for m in post}
        )

    peers = {20: series(100, 100, 100), 21: series(100, 90, 100)}
    peers[22] = series(100, 80, 100)
    values = [_values(TRAINEE, series(130, 100, 130))]
    values += [_values(peer, months) for peer, months in peers.items()]
    (row,) = _contributions(values, date(2026, 7, 1), comparison={1: list(peers)})
    assert row["baseline_matched"] is True
    # log(post / baseline) = -log(baseline / prior) for every peer, exactly
    assert row["peer_lift"] == pytest.approx(30.0, abs=1e-5)
    assert row["peer_count"] == 3


def test_the_first_basis_with_enough_peers_is_used():
    values = [_values(TRAINEE, TRAINEE_SALES), _values(PEER, PEER_SALES)]
    values += [_values(employee, PEER_SALES) for employee in (11, 12)]
    groups = _groups([PEER], [PEER, 11], [PEER, 11, 12, OTHER_PEER], min_peers=2)
    (row,) = _contributions(values, date(2026, 7, 1), comparison={1: groups})
    assert (row["comparison_basis"], row["peer_count"]) == ("job", 2)
    # No basis is large enough: the one with the most peers, sent as it is
    # (the ERP rates it inconclusive).
    groups = _groups([PEER], [PEER, 11, 12], min_peers=5)
    (row,) = _contributions(values, date(2026, 7, 1), comparison={1: groups})
    assert (row["comparison_basis"], row["peer_count"]) == ("job", 3)


def test_broader_bases_are_read_only_for_the_windows_that_need_them(monkeypatch):
    """A job family of a whole company is not expanded for a training whose
    department has enough peers: the work grows with the trainings, not with
    the trainings times the company."""
    values = [_values(TRAINEE, TRAINEE_SALES)]
    values += [_values(employee, PEER_SALES) for employee in (PEER, 11)]
    company = range(1000, 101_000)
    groups = _groups([PEER, 11], [PEER, 11, 12], company, min_peers=2)
    expanded = []
    sided = transform._sided

    def spy(windows, monthly, members):
        expanded.append(len(members))
        return sided(windows, monthly, members)

    monkeypatch.setattr(transform, "_sided", spy)
    (row,) = _contributions(values, date(2026, 7, 1), comparison={1: groups})

    assert (row["comparison_basis"], row["peer_count"]) == ("department", 2)
    assert expanded == [1, 2], "the trainee, then the department's two peers"


@pytest.mark.parametrize(
    ("comparison", "peer"),
    [
        ({}, PEER_SALES),  # no comparison group at all
        ({1: []}, PEER_SALES),  # an empty one
        ({1: [OTHER_PEER]}, PEER_SALES),  # peers without values
        ({1: [PEER]}, {"2026-01": 100.0}),  # no post value
        ({1: [PEER]}, {"2026-05": 100.0}),  # no baseline value
        ({1: [PEER]}, {"2026-01": 0.0, "2026-05": 100.0}),  # a zero baseline
    ],
)
def test_no_comparable_peer_is_sent_as_such_never_as_a_silent_zero(comparison, peer):
    values = [_values(TRAINEE, TRAINEE_SALES), _values(PEER, peer)]
    rows = _contributions(values, date(2026, 7, 1), comparison=comparison)
    # No peer lift to subtract, and the ERP is told there is no peer: it rates
    # the contribution inconclusive. The gap is the trainee's own change:
    # months 100, 110, 90 | 120, 130, 140, variances 100 and 100 over 3 months.
    assert rows == [
        _contribution(
            peer_lift=0.0,
            peer_count=0,
            comparison_basis="none",
            net_lift_se=pytest.approx((200 / 3) ** 0.5),
            interval_dof=pytest.approx(4.0),
            # baseline gaps 0, +10, -10: a slope of -5 a month, error 8.66
            pre_trend=-5.0,
            pre_trend_se=pytest.approx(75**0.5),
        )
    ]


def test_peers_of_another_attendance_do_not_count():
    values = [_values(TRAINEE, TRAINEE_SALES), _values(PEER, PEER_SALES)]
    rows = _contributions(values, date(2026, 7, 1), comparison={2: [PEER]})
    assert rows[0]["peer_lift"] == 0.0


@pytest.mark.parametrize(
    "trainee",
    [
        {"2026-04": 120.0},  # no baseline value
        {"2026-01": 0.0, "2026-04": 120.0},  # a zero baseline
        {"2026-01": 100.0, "2026-07": 120.0},  # no value in the post window yet
    ],
)
def test_no_contribution_without_a_measurable_lift(trainee):
    values = [_values(TRAINEE, trainee), _values(PEER, PEER_SALES)]
    assert _contributions(values, date(2026, 7, 1)) == []


def test_one_contribution_per_known_course_kpi():
    attendance = _attendance(kpi_codes=["SALES", "STOCK", "NOT_SYNCED"])
    values = [
        _values(TRAINEE, TRAINEE_SALES),
        _values(TRAINEE, {"2026-02": 4.0, "2026-06": 5.0}, "STOCK"),
    ]
    rows = _contributions(values, date(2026, 7, 1), [attendance], {})
    assert [(row["kpi_code"], row["post_value"]) for row in rows] == [
        ("SALES", 130.0),
        ("STOCK", 5.0),
    ]


def test_each_attendance_is_measured_on_its_own_employee_and_windows():
    attendances = [
        _attendance(),
        _attendance(attendance_id=2, employee_id=PEER, completion_date="2026-01-20"),
    ]
    # attendance 2: baseline October to December, post February to April
    peer = {"2025-10": 50.0, "2026-02": 60.0, "2026-04": 70.0, "2026-05": 1.0}
    values = [_values(TRAINEE, TRAINEE_SALES), _values(PEER, peer)]
    rows = _contributions(values, date(2026, 7, 1), attendances, {})
    assert [
        (row["attendance_id"], row["baseline_value"], row["post_value"]) for row in rows
    ] == [(1, 100.0, 130.0), (2, 50.0, 65.0)]


def test_no_attendances_or_no_values_give_no_contributions():
    no_values = pd.DataFrame(
        columns=["employee_id", "kpi_code", "period_start", "value"]
    )
    assert contribution_rows(no_values, [], {}, KPIS, date(2026, 7, 1)) == []
    assert (
        contribution_rows(no_values, [_attendance()], {}, KPIS, date(2026, 7, 1)) == []
    )
    assert (
        _contributions(
            [_values(TRAINEE, TRAINEE_SALES)],
            date(2026, 7, 1),
            [_attendance(kpi_codes=[])],
        )
        == []
    )
