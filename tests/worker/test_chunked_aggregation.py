"""Reading in chunks: KPI values aggregated chunk by chunk (partial sums,
counts and latest records, combined at the end) equal the values of the
whole file, for each aggregation; bad rows of several chunks are rejected
with their reason and line, and the runner gives the same rows, rejections
and cursor as when it reads the source whole."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from test_runner import FakeErp, csv_config, make_runner

from sync_worker.odoo import KpiInfo
from sync_worker.sources import RECORD_COLUMNS
from sync_worker.sources import files as file_sources
from sync_worker.sources.files import FileSource
from sync_worker.transform import (
    DECIMALS,
    VALUE_ROW_FIELDS,
    KpiAggregator,
    kpi_value_rows,
)

YEAR = (date(2024, 1, 1), date(2024, 12, 31))
KPIS = {
    "SALES": KpiInfo(1, "SALES", "higher", "sum", 1, 1.0),
    "HANDLE_TIME": KpiInfo(2, "HANDLE_TIME", "lower", "mean", 1, 1.0),
    "STOCK": KpiInfo(3, "STOCK", "higher", "last", 1, 1.0),
    "DEFECT_RATE": KpiInfo(4, "DEFECT_RATE", "lower", "rate", 1, 1.0),
}
KIND = {"SALES": "sum", "HANDLE_TIME": "mean", "STOCK": "last", "DEFECT_RATE": "rate"}


def _records(count, codes, seed=3, employees=4):
    """`count` matched records of a few employees over 2024, with repeated
    dates (ties for `last`), in no particular order."""
    rng = np.random.default_rng(seed)
    days = pd.to_datetime("2024-01-01") + pd.to_timedelta(
        rng.integers(0, 366, count), unit="D"
    )
    frame = pd.DataFrame(
        {
            "source": "crm",
            "record_id": [f"r{n:05d}" for n in rng.permutation(count)],
            "employee_key": "",
            "date": [day.date() for day in days],
            "value": rng.integers(-5000, 5000, count) / 100,
            "kpi_code": rng.choice(codes, count),
        }
    )
    frame["employee_id"] = rng.integers(1, employees + 1, count)
    frame["employee_key"] = "E" + frame["employee_id"].astype(str)
    # Same date and employee: `last` breaks the tie by record id.
    frame.loc[1, ["date", "employee_id", "kpi_code"]] = frame.loc[
        0, ["date", "employee_id", "kpi_code"]
    ]
    return frame[[*RECORD_COLUMNS, "employee_id"]]


def _reference(records, period="month"):
    """The whole file aggregated the plain way (the worker's former
    transform): group every record, combine each group as its KPI says."""
    how = {code: {"rate": "mean"}.get(kind, kind) for code, kind in KIND.items()}
    frame = records.assign(
        kpi_code=records["kpi_code"].str.strip().str.upper(),
        period=pd.to_datetime(records["date"]).dt.to_period(period[0].upper()),
    ).sort_values(["date", "record_id"], kind="stable")
    keys = ["source", "employee_id", "kpi_code", "period"]
    values = pd.concat(
        group.groupby(keys)["value"].agg(kind)
        for kind, group in frame.groupby(frame["kpi_code"].map(how))
    ).reset_index()
    result = {}
    for row in values.itertuples():
        start = row.period.start_time.strftime("%Y-%m-%d")
        result[f"{row.kpi_code}/{row.employee_id}/{start}/{period}"] = round(
            row.value, DECIMALS
        )
    return result


def _chunked(records, sizes, kpis=KPIS, period="month"):
    """The rows and rejections of the records fed in chunks of `sizes`."""
    aggregator = KpiAggregator(kpis, period)
    rejected, first = [], 0
    for size in sizes:
        rejected += aggregator.add(records.iloc[first : first + size])
        first += size
    rejected += aggregator.add(records.iloc[first:])
    return aggregator.rows(), rejected


@pytest.mark.parametrize("code", list(KIND))
@pytest.mark.parametrize("sizes", [[1] * 40, [7] * 60, [250, 1], [999]])
def test_each_aggregation_in_chunks_equals_the_whole_file(code, sizes):
    records = _records(1000, [code])
    whole, _ = kpi_value_rows(records, KPIS, "month")
    rows, rejected = _chunked(records, sizes)
    assert rows == whole
    assert {row["external_key"]: row["value"] for row in rows} == _reference(records)
    assert rejected == []
    assert len(rows) > 40, "several employees and months"


@pytest.mark.parametrize("period", ["month", "quarter"])
def test_all_aggregations_mixed_many_chunks_and_combining(period, monkeypatch):
    monkeypatch.setattr(KpiAggregator, "COMBINE_EVERY", 3)
    records = _records(3000, list(KIND), seed=8, employees=9)
    whole, _ = kpi_value_rows(records, KPIS, period)
    rows, _ = _chunked(records, [37] * 70, period=period)
    assert rows == whole
    assert {r["external_key"]: r["value"] for r in rows} == _reference(records, period)
    assert list(rows[0]) == VALUE_ROW_FIELDS


def _month_of_one_employee():
    """Employee 7's May, whose records a chunk boundary splits after r2."""
    rows = []
    for code, values in {
        "SALES": (100.0, 50.5, 20.0),
        "HANDLE_TIME": (3.0, 4.0, 8.0),
        "STOCK": (10.0, 9.0, 7.0),
        "DEFECT_RATE": (0.02, 0.04, 0.0300004),
    }.items():
        for record_id, day, value in zip(
            ("r1", "r3", "r2"), (3, 20, 20), values, strict=True
        ):
            rows.append((f"{code}-{record_id}", 7, date(2024, 5, day), value, code))
    frame = pd.DataFrame(
        rows, columns=["record_id", "employee_id", "date", "value", "kpi_code"]
    )
    frame = frame.sort_values("record_id", key=lambda ids: ids.str[-2:])
    frame = frame.assign(source="crm", employee_key="E7")
    return frame[[*RECORD_COLUMNS, "employee_id"]].reset_index(drop=True)


def test_a_chunk_boundary_splitting_one_employees_month():
    records = _month_of_one_employee()  # r1 of every KPI, then r2, then r3
    expected = {"SALES": 170.5, "HANDLE_TIME": 5.0, "STOCK": 9.0, "DEFECT_RATE": 0.03}
    whole, _ = kpi_value_rows(records, KPIS, "month")
    assert {row["kpi_code"]: row["value"] for row in whole} == expected
    # r1 and r2 of each KPI in the first chunk, r3 (a later record id on the
    # same date as r2, so not the latest of the month) in the second; then
    # every record of the month in a chunk of its own.
    for sizes in ([8], [1] * 12, [5, 6], [2, 3, 1, 4]):
        rows, _ = _chunked(records, sizes)
        assert rows == whole, sizes


def test_last_tie_on_date_and_record_id_keeps_the_later_record_across_chunks():
    records = _records(2, ["STOCK"])
    records.loc[1, "record_id"] = records.loc[0, "record_id"]
    records.loc[:, "value"] = [1.0, 2.0]
    whole, _ = kpi_value_rows(records, KPIS, "month")
    assert [row["value"] for row in whole] == [2.0]
    assert _chunked(records, [1])[0] == whole
    # A source numbers its rows: their order decides, not the arrival.
    numbered = records.assign(row=[0, 1])
    aggregator = KpiAggregator(KPIS, "month")
    aggregator.add(numbered.iloc[1:])
    aggregator.add(numbered.iloc[:1])
    assert aggregator.rows() == whole


def test_unknown_kpis_in_several_chunks_are_rejected_as_in_the_whole_file():
    records = _records(300, ["SALES", "NOPE", " stock ", "Other"], seed=5)
    whole, whole_rejected = kpi_value_rows(records, KPIS, "month")
    rows, rejected = _chunked(records, [50] * 5)
    assert rows == whole
    assert rejected == whole_rejected
    assert [r.raw for r in rejected] == [r.raw for r in whole_rejected]
    assert len(rejected) > 100
    assert {r.reason for r in rejected} == {
        "unknown KPI code NOPE",
        "unknown KPI code Other",
    }


def test_no_record_or_only_unknown_kpis_give_no_rows():
    aggregator = KpiAggregator(KPIS, "month")
    assert aggregator.rows() == []
    records = _records(3, ["NOPE"])
    assert len(aggregator.add(records)) == 3
    assert aggregator.rows() == []


# ------------------------------------------------------- reading a file --

HEADER = "id,badge,day,amount\n"


COLUMNS = {"record_id": "id", "employee_key": "badge", "date": "day", "value": "amount"}


def _file_source(path):
    return FileSource(csv_config("sales", options={"path": str(path)}, columns=COLUMNS))


class _Sink:
    def __init__(self):
        self.chunks = []

    def add(self, records):
        self.chunks.append(records)


def _streamed(source, start=YEAR[0], end=YEAR[1]):
    sinks = []

    def new_sink():
        sinks.append(_Sink())
        return sinks[-1]

    sink, summary = source.read_stream(start, end, new_sink)
    assert sink is sinks[-1]
    records = pd.concat(sink.chunks) if sink.chunks else None
    return records, summary, sinks


def _as_read(records):
    """Records handed to a sink in the order `read` returns them."""
    ordered = records.sort_values("row")[RECORD_COLUMNS].reset_index(drop=True)
    return ordered.astype(object)


def test_bad_rows_in_several_chunks_rejected_with_reason_and_line(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(file_sources, "CHUNK_ROWS", 3)
    path = tmp_path / "sales.csv"
    path.write_text(
        HEADER
        + "S1,B1,2024-03-04,10\n"  # 2
        + "S2,B1,2024-03-05,abc\n"  # 3 bad value (chunk 1)
        + "S3,B2,2024-03-05,1\n"  # 4
        + "S4,,2024-03-06,5\n"  # 5 missing key (chunk 2)
        + "\n"  # 6 blank
        + "S5,B2,2024-03-31,2\n"  # 7
        + "S6,B1,2024-02-30,3\n"  # 8 bad date (chunk 3)
        + "S7,B1,2024-04-01,4\n"  # 9
        + "S8,B2,2023-12-31,x\n"  # 10 before the window: left out silently
        + "S9,B2,2024-04-02,inf\n",  # 11 non-finite (chunk 4)
        encoding="utf-8",
    )
    records, summary, sinks = _streamed(_file_source(path))
    expected = [
        "sales.csv line 3: non-numeric value 'abc'",
        "sales.csv line 5: missing employee key (barcode)",
        "sales.csv line 8: bad date '2024-02-30': expected YYYY-MM-DD",
        "sales.csv line 11: non-finite value 'inf'",
    ]
    assert [r.reason for r in summary.rejected] == expected
    assert [r.record_id for r in summary.rejected] == ["S2", "S4", "S6", "S9"]
    # One pass; the 4th chunk (line 11) has no good record to hand over.
    assert len(sinks) == 1 and len(sinks[0].chunks) == 3
    assert list(records["record_id"]) == ["S1", "S3", "S5", "S7"]
    # 9 rows read: the blank line is not one.
    assert (summary.rows, summary.records, summary.passes) == (9, 4, 1)
    batch = _file_source(path).read(*YEAR)
    pd.testing.assert_frame_equal(_as_read(records), batch.records.astype(object))
    assert summary.rejected == batch.rejected


def _drops_with_duplicates(tmp_path):
    """Two drops in which records A and C are re-exported (later wins),
    with bad rows in several chunks."""
    drops = tmp_path / "drops"
    drops.mkdir()
    (drops / "2024-05.csv").write_text(
        HEADER
        + "A,B1,2024-05-02,100\n"
        + "B,B1,2024-05-03,x\n"
        + "C,B2,2024-05-04,5\n"
        + "A,B1,2024-05-09,1\n"
        + "D,B2,2024-05-31,7\n"
        + "E,B2,2024-06-01,\n",
        encoding="utf-8",
    )
    (drops / "2024-05_fixed.csv").write_text(
        HEADER + "C,B2,2024-05-04,6\nF,B1,2024-06-02,2\nA,B1,2024-05-02,90\n",
        encoding="utf-8",
    )
    return drops


@pytest.mark.parametrize("chunk_rows", [1, 2, 4, 100])
def test_duplicates_across_chunks_and_files_as_in_the_whole_read(
    tmp_path, monkeypatch, chunk_rows
):
    monkeypatch.setattr(file_sources, "CHUNK_ROWS", chunk_rows)
    source = _file_source(_drops_with_duplicates(tmp_path))
    records, summary, sinks = _streamed(source)
    batch = source.read(*YEAR)
    assert summary.passes == 2 and len(sinks) == 2, "duplicates: read again"
    assert summary.rejected == batch.rejected
    assert [r.reason for r in summary.rejected] == [
        "2024-05.csv line 2: duplicate record id, replaced by 2024-05.csv line 5",
        "2024-05.csv line 3: non-numeric value 'x'",
        "2024-05.csv line 4: duplicate record id, replaced by 2024-05_fixed.csv line 2",
        "2024-05.csv line 5: duplicate record id, replaced by 2024-05_fixed.csv line 4",
        "2024-05.csv line 7: missing value",
    ]
    pd.testing.assert_frame_equal(_as_read(records), batch.records.astype(object))
    assert summary.records == len(batch.records) == 4


def test_hash_collisions_are_told_from_duplicates_by_the_ids(tmp_path, monkeypatch):
    """Every id hashed alike: all held back in a second pass, then compared
    by their ids, so that only true duplicates are replaced."""
    monkeypatch.setattr(file_sources, "CHUNK_ROWS", 2)
    monkeypatch.setattr(
        pd.util, "hash_array", lambda values: np.zeros(len(values), dtype="uint64")
    )
    source = _file_source(_drops_with_duplicates(tmp_path))
    records, summary, _sinks = _streamed(source)
    batch = source.read(*YEAR)
    assert summary.passes == 2
    assert summary.rejected == batch.rejected
    pd.testing.assert_frame_equal(_as_read(records), batch.records.astype(object))


# ------------------------------------------------------------- the runner --


class _WholeReader:
    """The same file source seen through `read` only (no `read_stream`)."""

    def __init__(self, source):
        self.source = source
        self.name = source.name
        self.employee_key_type = source.employee_key_type

    def read(self, start, end):
        return self.source.read(start, end)


def _run(tmp_path, source, config, folder):
    erp = FakeErp(employees={"B1": 11, "B2": 12})
    erp.kpis = dict(erp.kpis, STOCK=KpiInfo(3, "STOCK", "higher", "last", 1, 1.0))
    work = tmp_path / folder
    work.mkdir()
    runner = make_runner(work, erp, {"sales": source}, configs=[config])
    report = runner.run(since=date(2024, 1, 1), contributions=False)
    return erp, report.sources[0]


@pytest.mark.parametrize("kpi", ["SALES_REV", "CONV_RATE", "STOCK", None])
def test_runner_streams_a_file_source_with_the_same_outcome(tmp_path, monkeypatch, kpi):
    monkeypatch.setattr(file_sources, "CHUNK_ROWS", 3)
    path = tmp_path / "sales.csv"
    lines = ["id,badge,day,amount,kpi"]
    codes = ["SALES_REV", "conv_rate ", "STOCK", "NOPE"]
    for n in range(40):
        badge = ["B1", "B2", "NOBODY"][n % 3]
        amount = "bad" if n % 11 == 5 else f"{n % 7}.25"
        lines.append(f"r{n % 33},{badge},2024-0{1 + n % 5}-1{n % 4},{amount},")
        lines[-1] += codes[n % 4] if kpi is None else kpi
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = csv_config(
        "sales",
        kpi_code=kpi,
        kpi_column=None if kpi else "kpi",
        options={"path": str(path)},
        columns=COLUMNS,
    )
    source = FileSource(config)
    erp, streamed = _run(tmp_path, source, config, "stream")
    whole_erp, whole = _run(tmp_path, _WholeReader(source), config, "whole")
    assert streamed.error is None
    assert erp.values == whole_erp.values and erp.values
    assert streamed.rejected == whole.rejected
    assert [r.raw for r in streamed.rejected] == [r.raw for r in whole.rejected]
    assert (streamed.records, streamed.rows, streamed.cursor) == (
        whole.records,
        whole.rows,
        whole.cursor,
    )
    reasons = {r.reason.split(":")[-1].strip() for r in streamed.rejected}
    assert "no active employee matches" in reasons
    assert any("duplicate record id" in r.reason for r in streamed.rejected)
    if kpi is None:
        assert "unknown KPI code NOPE" in reasons
    # The ERP is asked once per new badge, not once per chunk.
    asked = [call[2] for call in erp.calls if call[0] == "match_employees"]
    assert sorted(key for keys in asked for key in keys) == ["B1", "B2", "NOBODY"]


def test_runner_stream_of_an_empty_window_moves_no_cursor(tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text(HEADER + "S1,B1,2020-03-04,10\n", encoding="utf-8")
    source = _file_source(path)
    erp, report = _run(tmp_path, source, source.config, "stream")
    assert (report.records, report.rows, report.cursor) == (0, 0, None)
    assert not [call for call in erp.calls if call[0] == "match_employees"]
    assert report.rejected == []
