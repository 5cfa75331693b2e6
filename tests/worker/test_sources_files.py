"""CSV and Excel drops, read from real files written to tmp_path, and the row
checks every source shares (sync_worker.sources.base)."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from conftest_sources import reasons, records_as_tuples, source_config

from sync_worker.sources import RECORD_COLUMNS, SourceError, build_source
from sync_worker.sources.base import to_date, to_number, to_text
from sync_worker.sources.files import FileSource

YEAR = (date(2024, 1, 1), date(2024, 12, 31))
COLUMNS = {"record_id": "id", "employee_key": "badge", "date": "day", "value": "amount"}


def csv_source(path, **fields):
    fields.setdefault("columns", COLUMNS)
    options = {"path": str(path), **fields.pop("options", {})}
    return build_source(source_config("csv", options=options, **fields))


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ CSV --


def test_csv_good_rows_are_read_and_each_bad_row_is_rejected_with_its_line(tmp_path):
    path = write(
        tmp_path / "sales.csv",
        "id,badge,day,amount\n"  # line 1
        "S1,TL1002,2024-03-04,1200.50\n"  # 2 good
        "S2, TL1003 ,2024-03-05, 800 \n"  # 3 good: spaces are stripped
        "S3,TL1002,2024-13-01,100\n"  # 4 bad date: rejected
        "S4,TL1002,2024-03-06,abc\n"  # 5 non-numeric value: rejected
        "S5,TL1002,2024-03-06,inf\n"  # 6 non-finite value: rejected
        "S6,,2024-03-06,100\n"  # 7 missing employee key: rejected
        ",TL1002,2024-03-06,100\n"  # 8 missing record id: rejected
        "\n"  # 9 blank line: ignored, and the numbers stay true
        "S7,TL1001,2024-03-07,\n"  # 10 missing value: rejected
        "S8,TL1001,2023-12-31,100\n"  # 11 before the range: left out silently
        "S9,TL1001,2025-01-01,oops\n"  # 12 after the range, even bad: silently
        "S10,TL1001,03/04/2024,100\n",  # 13 ambiguous date: rejected, not guessed
    )
    batch = csv_source(path).read(*YEAR)

    assert list(batch.records.columns) == RECORD_COLUMNS
    assert records_as_tuples(batch) == [
        ("S1", "TL1002", date(2024, 3, 4), 1200.5, "SALES_REV"),
        ("S2", "TL1003", date(2024, 3, 5), 800.0, "SALES_REV"),
    ]
    assert set(batch.records["source"]) == {"test"}
    assert batch.records["value"].dtype == float
    assert reasons(batch) == [
        "sales.csv line 4: bad date '2024-13-01': expected YYYY-MM-DD",
        "sales.csv line 5: non-numeric value 'abc'",
        "sales.csv line 6: non-finite value 'inf'",
        "sales.csv line 7: missing employee key (barcode)",
        "sales.csv line 8: missing record id",
        "sales.csv line 10: missing value",
        "sales.csv line 13: bad date '03/04/2024': expected YYYY-MM-DD",
    ]
    assert [r.record_id for r in batch.rejected] == [
        "S3",
        "S4",
        "S5",
        "S6",
        None,
        "S7",
        "S10",
    ]
    assert {r.source for r in batch.rejected} == {"test"}


def test_csv_kpi_code_per_row_and_a_row_without_one_is_rejected(tmp_path):
    path = write(
        tmp_path / "kpis.csv",
        "record_id,employee_key,date,value,kpi\n"
        "1,TL1002,2024-05-02,3,NEW_CLIENTS\n"
        "2,TL1002,2024-05-02,0.25,CONV_RATE\n"
        "3,TL1002,2024-05-02,7,\n",  # no KPI code: rejected
    )
    source = build_source(
        source_config("csv", kpi_column="kpi", options={"path": str(path)})
    )
    batch = source.read(*YEAR)
    assert list(batch.records["kpi_code"]) == ["NEW_CLIENTS", "CONV_RATE"]
    assert reasons(batch) == ["kpis.csv line 4: missing KPI code"]


def test_csv_folder_files_in_name_order_later_duplicate_wins(tmp_path):
    drops = tmp_path / "drops"
    drops.mkdir()
    write(drops / "2024-05.csv", "id,badge,day,amount\nA,TL1001,2024-05-02,100\n")
    # A corrected re-export of record A: the later file wins, the earlier row
    # is reported as replaced (so nobody wonders where it went).
    write(drops / "2024-05_fixed.csv", "id,badge,day,amount\nA,TL1001,2024-05-02,90\n")
    write(drops / "notes.txt", "not a drop")  # other files in the folder: ignored
    batch = csv_source(drops).read(*YEAR)
    assert records_as_tuples(batch) == [
        ("A", "TL1001", date(2024, 5, 2), 90.0, "SALES_REV")
    ]
    assert reasons(batch) == [
        "2024-05.csv line 2: duplicate record id, replaced by 2024-05_fixed.csv line 2"
    ]


def test_csv_read_in_chunks_keeps_line_numbers_and_duplicates_across_chunks(
    tmp_path, monkeypatch
):
    from sync_worker.sources import files

    monkeypatch.setattr(files, "CHUNK_ROWS", 2)
    path = write(
        tmp_path / "sales.csv",
        "id,badge,day,amount\n"  # line 1
        "A,TL1001,2024-05-02,100\n"  # 2: replaced by line 6 (a later chunk)
        "B,TL1001,2024-05-03,x\n"  # 3: bad value
        "\n"  # 4: blank
        "C,TL1002,2024-05-04,5\n"  # 5
        "A,TL1001,2024-05-02,90\n",  # 6
    )
    batch = csv_source(path).read(*YEAR)
    assert records_as_tuples(batch) == [
        ("C", "TL1002", date(2024, 5, 4), 5.0, "SALES_REV"),
        ("A", "TL1001", date(2024, 5, 2), 90.0, "SALES_REV"),
    ]
    assert reasons(batch) == [
        "sales.csv line 2: duplicate record id, replaced by sales.csv line 6",
        "sales.csv line 3: non-numeric value 'x'",
    ]


def test_csv_glob_keeps_leading_zeros_of_badges(tmp_path):
    write(tmp_path / "a_1.csv", "id,badge,day,amount\n1,001002,2024-01-31,5\n")
    write(tmp_path / "a_2.csv", "id,badge,day,amount\n2,001003,2024-02-01,6\n")
    write(tmp_path / "b_1.csv", "id,badge,day,amount\n3,001004,2024-02-01,7\n")
    batch = csv_source(tmp_path / "a_*.csv").read(*YEAR)
    assert list(batch.records["employee_key"]) == ["001002", "001003"]


def test_csv_european_export_with_options(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(
        "Beleg;Ausweis;Datum;Umsatz\n"
        "7;TL1002;31.05.2024;1.234,50\n"
        "8;TL1002;31.05.2024;12,5x\n".encode("cp1252")
    )
    batch = csv_source(
        path,
        columns={
            "record_id": "Beleg",
            "employee_key": "Ausweis",
            "date": "Datum",
            "value": "Umsatz",
        },
        options={
            "delimiter": ";",
            "encoding": "cp1252",
            "date_format": "%d.%m.%Y",
            "decimal": ",",
            "thousands": ".",
        },
    ).read(*YEAR)
    assert records_as_tuples(batch) == [
        ("7", "TL1002", date(2024, 5, 31), 1234.5, "SALES_REV")
    ]
    # "12,5x" is not a number even with the decimal comma: rejected.
    assert reasons(batch) == ["export.csv line 3: non-numeric value '12,5x'"]


def test_missing_file_or_folder_is_a_clear_error(tmp_path):
    with pytest.raises(SourceError, match=r"file or folder '.*missing\.csv' not found"):
        csv_source(tmp_path / "missing.csv").read(*YEAR)
    with pytest.raises(SourceError, match=r"folder '.*nowhere' of .* not found"):
        csv_source(tmp_path / "nowhere" / "*.csv").read(*YEAR)


def test_empty_folder_or_unmatched_glob_reads_nothing(tmp_path):
    # Nothing dropped yet is not an error: an empty batch, and a warning.
    assert csv_source(tmp_path).read(*YEAR).records.empty
    batch = csv_source(tmp_path / "*.csv").read(*YEAR)
    assert batch.records.empty and batch.rejected == []
    assert list(batch.records.columns) == RECORD_COLUMNS


def test_header_only_file_reads_nothing(tmp_path):
    path = write(tmp_path / "empty.csv", "id,badge,day,amount\n")
    batch = csv_source(path).read(*YEAR)
    assert batch.records.empty and batch.rejected == []


def test_mapped_column_absent_fails_the_source_naming_it(tmp_path):
    # A mapping error would reject every row for the same reason: the whole
    # source fails instead, naming the column and the ones the file has.
    path = write(tmp_path / "sales.csv", "id,badge,date,amount\nS1,TL1,2024-01-02,1\n")
    with pytest.raises(SourceError) as error:
        csv_source(path).read(*YEAR)
    message = str(error.value)
    assert "'day' (for date)" in message
    assert "its columns: id, badge, date, amount" in message


def test_source_without_kpi_is_a_config_error(tmp_path):
    path = write(tmp_path / "s.csv", "record_id,employee_key,date,value\n")
    config = source_config("csv", options={"path": str(path)}).model_copy(
        update={"kpi_code": None}
    )
    with pytest.raises(SourceError, match="set kpi_code .* or kpi_column"):
        FileSource(config).read(*YEAR)


def test_undecodable_csv_fails_the_source(tmp_path):
    path = tmp_path / "sales.csv"
    path.write_bytes(b"id,badge,day,amount\n1,\xff\xfe,2024-01-02,1\n")
    with pytest.raises(SourceError, match="cannot read .*sales.csv"):
        csv_source(path).read(*YEAR)


# ---------------------------------------------------------------- Excel --


def write_xlsx(path, rows, sheet="Sales", extra_sheet=True):
    workbook = openpyxl.Workbook()
    if extra_sheet:
        workbook.active.title = "Readme"
        workbook.active.append(["the data is on the next sheet"])
        worksheet = workbook.create_sheet(sheet)
    else:
        worksheet = workbook.active
        worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return path


def test_excel_typed_cells_good_and_bad_rows(tmp_path):
    path = write_xlsx(
        tmp_path / "sales.xlsx",
        [
            ["id", "badge", "day", "amount"],  # row 1
            [101, 1002, datetime(2024, 6, 3), 1500.25],  # 2 good: real date cell
            [102, "TL1003", "2024-06-04", "900"],  # 3 good: text date and number
            [103, "TL1003", "04.06.2024", 10],  # 4 bad date text: rejected
            [104, "TL1003", datetime(2024, 6, 5), "n/a"],  # 5 text value: rejected
            [None, None, None, None],  # 6 empty row: ignored
            [105, None, datetime(2024, 6, 6), 3],  # 7 no employee: rejected
            [106, "TL1003", datetime(2024, 6, 7), float("nan")],  # 8 rejected
        ],
    )
    source = build_source(
        source_config(
            "excel", columns=COLUMNS, options={"path": str(path), "sheet": "Sales"}
        )
    )
    batch = source.read(*YEAR)
    # An integer badge cell (1002) is the key "1002", not "1002.0".
    assert records_as_tuples(batch) == [
        ("101", "1002", date(2024, 6, 3), 1500.25, "SALES_REV"),
        ("102", "TL1003", date(2024, 6, 4), 900.0, "SALES_REV"),
    ]
    assert reasons(batch) == [
        "sales.xlsx row 4: bad date '04.06.2024': expected YYYY-MM-DD",
        "sales.xlsx row 5: non-numeric value 'n/a'",
        "sales.xlsx row 7: missing employee key (barcode)",
        # openpyxl writes NaN as an empty cell: a missing value.
        "sales.xlsx row 8: missing value",
    ]


def test_excel_folder_reads_only_workbooks_first_sheet_by_default(tmp_path):
    header = ["record_id", "employee_key", "date", "value"]
    write_xlsx(
        tmp_path / "a.xlsx",
        [header, ["x1", "TL1001", datetime(2024, 1, 2), 1]],
        extra_sheet=False,
    )
    write_xlsx(
        tmp_path / "b.xlsx",
        [header, ["x2", "TL1001", datetime(2024, 1, 3), 2]],
        extra_sheet=False,
    )
    write(
        tmp_path / "c.csv", "record_id,employee_key,date,value\nx3,TL1,2024-01-03,3\n"
    )
    write(tmp_path / "~$a.xlsx", "Excel's lock file while a.xlsx is open")
    source = build_source(source_config("excel", options={"path": str(tmp_path)}))
    assert list(source.read(*YEAR).records["record_id"]) == ["x1", "x2"]


def test_unreadable_workbook_fails_the_source(tmp_path):
    path = write(tmp_path / "broken.xlsx", "this is not a zip file")
    source = build_source(source_config("excel", options={"path": str(path)}))
    with pytest.raises(SourceError, match="cannot read .*broken.xlsx"):
        source.read(*YEAR)


def test_missing_sheet_fails_the_source(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [["record_id"]], sheet="Data")
    source = build_source(
        source_config("excel", options={"path": str(path), "sheet": "Sales"})
    )
    with pytest.raises(SourceError, match="Sales"):
        source.read(*YEAR)


# ------------------------------------------------- shared row checks --


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, 3.0),
        (2.5, 2.5),
        (Decimal("10.10"), 10.1),
        (" 7 ", 7.0),
        ("-1e3", -1000.0),
    ],
)
def test_to_number_accepts_numbers_and_numeric_text(value, expected):
    assert to_number(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "missing value"),
        ("", "missing value"),
        (math.nan, "missing value"),
        ("nan", "non-finite value 'nan'"),
        (math.inf, "non-finite value inf"),
        ("12 kg", "non-numeric value '12 kg'"),
        (True, "non-numeric value True"),  # a flag is not a quantity
        ([1], "non-numeric value [1]"),
    ],
)
def test_to_number_refuses_with_a_reason(value, reason):
    with pytest.raises(ValueError) as error:
        to_number(value)
    assert str(error.value) == reason


def test_to_date_and_to_text():
    assert to_date("2024-02-29") == date(2024, 2, 29)
    assert to_date("2024-02-29T23:30:00+08:00") == date(2024, 2, 29)  # as written
    assert to_date(pd.Timestamp("2024-02-29 10:00")) == date(2024, 2, 29)
    assert to_date(date(2024, 2, 29)) == date(2024, 2, 29)
    assert to_date("29/02/2024", "%d/%m/%Y") == date(2024, 2, 29)
    assert to_date(None) is None and to_date(pd.NaT) is None
    for bad in ("2023-02-29", "20240229", "yesterday"):
        with pytest.raises(ValueError, match="bad date"):
            to_date(bad)
    with pytest.raises(ValueError, match="not a date"):
        to_date(45000)  # an Excel serial number in a text column is not guessed
    assert to_text(1002.0) == "1002"
    assert to_text(" a@b.c ") == "a@b.c"
    assert to_text(" ") is None and to_text(None) is None and to_text(False) is None
