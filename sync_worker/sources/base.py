"""The one interface every source adapter implements, and the row checks they
share.

A source reads a whole date range and returns a `SourceBatch`: the good rows as
a DataFrame with exactly `RECORD_COLUMNS`, and one `Rejection` per row that
could not be used (bad date, non-numeric value, missing key, ...). A bad row
never stops the good ones. What makes the whole source unreadable (a missing
file, a mapped column that does not exist, an unreachable server, an HTTP 404)
raises `SourceError` instead: the runner logs it and moves on to the next
source, and the cursor of this one does not move.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sync_worker.config import SourceConfig
    from sync_worker.odoo import ErpClient

RECORD_COLUMNS = ["source", "record_id", "employee_key", "date", "value", "kpi_code"]
# The RECORD_COLUMNS a source maps from its own columns (SourceConfig.columns);
# "source" is the source's name and kpi_code may be a constant.
MAPPED_FIELDS = ("record_id", "employee_key", "date", "value")


@dataclass(frozen=True)
class Rejection:
    source: str  # source name
    record_id: str | None
    reason: str  # says where the row is (file and line, page, ...) and why
    # The row as read (mapped columns), for the rejects file IT fixes and
    # feeds back; not part of what makes two rejections equal.
    raw: dict | None = field(default=None, compare=False)


@dataclass
class SourceBatch:
    records: pd.DataFrame  # columns exactly RECORD_COLUMNS
    rejected: list[Rejection] = field(default_factory=list)


class Source(Protocol):
    name: str
    employee_key_type: str  # "barcode" | "work_email" | "identification_id" | "login"

    def read(self, start: date, end: date) -> SourceBatch:
        """Records with start <= date <= end, and the rows rejected."""
        ...


class SourceError(Exception):
    """The source cannot be read at all (as opposed to one bad row)."""


def empty_records() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in RECORD_COLUMNS})


def build_source(config: SourceConfig, erp: ErpClient | None = None) -> Source:
    """The adapter for `config.kind`. The ERP's own records (odoo_sales,
    odoo_production) are read through `erp`, the worker's only ERP client."""
    # Imported here: each adapter pulls in its own driver (PyMySQL, psycopg2,
    # requests, openpyxl), and a worker reading CSV files needs none of them.
    if config.kind in ("csv", "excel"):
        from .files import FileSource

        return FileSource(config)
    if config.kind == "sql":
        from .sql import SqlSource

        return SqlSource(config)
    if config.kind == "rest":
        from .rest import RestSource

        return RestSource(config)
    if config.kind in ("odoo_sales", "odoo_production"):
        if erp is None:
            raise SourceError(
                f"source {config.name!r}: kind {config.kind} reads the ERP's own "
                "records and needs the ERP client"
            )
        from .odoo_records import OdooRecordsSource

        return OdooRecordsSource(config, erp)
    raise SourceError(f"source {config.name!r}: unknown kind {config.kind!r}")


# ------------------------------------------------------------ row checks --


def column_map(config: SourceConfig) -> dict[str, str]:
    """RECORD_COLUMNS name -> the source's column for every mapped field, and
    for kpi_code unless the source has one KPI (config.kpi_code). A field the
    config does not map is read from the column of the same name."""
    mapping = {name: config.columns.get(name, name) for name in MAPPED_FIELDS}
    if not config.kpi_code:
        kpi_column = config.kpi_column or config.columns.get("kpi_code")
        if not kpi_column:
            raise SourceError(
                f"source {config.name!r}: set kpi_code (one KPI for the whole "
                "source) or kpi_column (the column holding each row's KPI code)"
            )
        mapping["kpi_code"] = kpi_column
    return mapping


def check_columns(config: SourceConfig, available: Iterable[str], where: str) -> None:
    """Raise when a mapped column is absent: a mapping error fails the whole
    source (every row would be rejected for the same reason)."""
    available = list(available)
    missing = [
        f"{column!r} (for {name})"
        for name, column in column_map(config).items()
        if column not in available
    ]
    if missing:
        raise SourceError(
            f"source {config.name!r}: {where} has no column {', '.join(missing)}; "
            f"its columns: {', '.join(map(str, available)) or 'none'} "
            "(map them with `columns`)"
        )


def rows_to_batch(
    config: SourceConfig,
    frame: pd.DataFrame,
    locations: Sequence[str],
    start: date,
    end: date,
) -> SourceBatch:
    """Check and convert the source's rows (already in a DataFrame, one
    location per row such as "sales.csv line 4") into RECORD_COLUMNS: see
    check_rows and finish_batch, which a source reading in chunks calls
    itself."""
    checked = check_rows(config, frame, locations, start, end)
    return finish_batch(config, [checked], locations)


@dataclass
class CheckedRows:
    """Rows of a chunk checked: the good ones as RECORD_COLUMNS plus `row`
    (their position among every row read), the bad ones by position."""

    records: pd.DataFrame
    rejected: dict[int, Rejection]


def check_rows(
    config: SourceConfig,
    frame: pd.DataFrame,
    locations: Sequence[str],
    start: date,
    end: date,
    offset: int = 0,
) -> CheckedRows:
    """Check one chunk of rows (`locations` its own, `offset` the position
    of its first row among every row read).

    Column by column: each cell is converted once, and only rejected rows
    get their location and reason, so a million rows cost no million dicts.
    Each row is checked in this order, its first problem being its reason:
    the date (a row of another period, outside [start, end], is left out
    without a word: it belongs to another run, however bad), the record id,
    the employee key, the KPI code, the value.
    """
    check_columns(config, frame.columns, "the data")
    frame = frame.reset_index(drop=True)
    mapping = column_map(config)
    options = config.options
    dates, date_errors = _convert(
        frame[mapping["date"]], lambda v: to_date(v, options.get("date_format"))
    )
    date_errors = date_errors.where(dates.notna() | date_errors.notna(), "missing date")
    in_window = dates.map(lambda day: day is not None and start <= day <= end)
    record_ids = frame[mapping["record_id"]].map(to_text)
    keys = frame[mapping["employee_key"]].map(to_text)
    if config.kpi_code:
        kpi_codes = pd.Series(config.kpi_code, index=frame.index, dtype=object)
    else:
        kpi_codes = frame[mapping["kpi_code"]].map(to_text)
    values, value_errors = _convert(
        frame[mapping["value"]],
        lambda v: to_number(
            v, decimal=options.get("decimal", "."), thousands=options.get("thousands")
        ),
    )
    missing_key = f"missing employee key ({config.employee_key_type})"
    reasons = (
        date_errors.where(date_errors.notna())
        .fillna(record_ids.isna().map({True: "missing record id", False: None}))
        .fillna(keys.isna().map({True: missing_key, False: None}))
        .fillna(kpi_codes.isna().map({True: "missing KPI code", False: None}))
        .fillna(value_errors)
    )
    # A bad date is this run's business only when the date could be read.
    considered = in_window | (date_errors.notna() & dates.isna())
    bad = considered & reasons.notna()
    good = considered & reasons.isna()
    rejected = {
        offset + index: Rejection(
            config.name,
            None if pd.isna(record_ids[index]) else record_ids[index],
            f"{locations[index]}: {reasons[index]}",
            raw={name: frame[column][index] for name, column in mapping.items()},
        )
        for index in frame.index[bad]
    }
    records = pd.DataFrame(
        {
            # Few distinct sources, people and KPIs: stored once each, not
            # once a row.
            "source": pd.Categorical.from_codes(
                np.zeros(int(good.sum()), dtype="int8"), [config.name]
            ),
            "record_id": record_ids[good],
            "employee_key": keys[good].astype("category"),
            "date": dates[good],
            "value": values[good].astype("float64"),
            "kpi_code": kpi_codes[good].astype("category"),
            "row": frame.index[good] + offset,
        },
        columns=[*RECORD_COLUMNS, "row"],
    )
    return CheckedRows(records, rejected)


def finish_batch(
    config: SourceConfig, chunks: list[CheckedRows], locations: Sequence[str]
) -> SourceBatch:
    """The source's batch from its checked chunks (`locations`: of every row
    read): a row whose record id appears again later is replaced by the
    later one (a corrected re-export wins) and reported. Rejections come in
    the order of the rows."""
    rejected = {row: r for chunk in chunks for row, r in chunk.rejected.items()}
    records = [chunk.records for chunk in chunks if not chunk.records.empty]
    if not records:
        return SourceBatch(records=empty_records(), rejected=_in_order(rejected))
    records = pd.concat(records, ignore_index=True)
    by_row = records.set_index("row")["record_id"]
    later = _later_duplicates(by_row)
    for row, replaced_by in later.items():
        rejected[row] = Rejection(
            config.name,
            by_row[row],
            f"{locations[row]}: duplicate record id, replaced by "
            f"{locations[replaced_by]}",
        )
    kept = records[~records["row"].isin(list(later))]
    if kept.empty:
        return SourceBatch(records=empty_records(), rejected=_in_order(rejected))
    return SourceBatch(
        records=kept[RECORD_COLUMNS].reset_index(drop=True),
        rejected=_in_order(rejected),
    )


class RecordSink(Protocol):
    """What a source read in chunks hands each chunk's good records to."""

    def add(self, records: pd.DataFrame) -> None:
        """One chunk: RECORD_COLUMNS plus `row`, its position among every
        row read (the order a stable sort of the whole source keeps)."""
        ...


@dataclass
class StreamSummary:
    """What `stream_records` read besides the records its sink got."""

    rows: int = 0  # rows read, good and bad
    records: int = 0  # good records handed to the sink (duplicates left out)
    rejected: list[Rejection] = field(default_factory=list)  # in row order
    passes: int = 1  # 2 when some record id appeared twice


def stream_records(
    config: SourceConfig,
    read_chunks: Callable[[], Iterable[tuple[pd.DataFrame, Sequence[str]]]],
    start: date,
    end: date,
    new_sink: Callable[[], RecordSink],
) -> tuple[RecordSink, StreamSummary]:
    """Check the source's rows chunk after chunk (`read_chunks()`: each
    chunk with the locations of its rows) and hand each chunk's good records
    to a sink that aggregates them: memory holds one chunk, the rejections
    and an 8-byte hash of each good record's id, never the records.

    The result is the batch `finish_batch` makes, given to the sink chunk by
    chunk: a record whose id appears again later is left out, and reported
    as replaced by the later one. Duplicates can only be told once the
    whole source is read; when two good records share a hash, the source is
    read a second time into a new sink, with the records of those hashes
    held back, compared by their actual ids, and the last of each id handed
    to the sink at the end (it orders records by `row`, not by arrival).
    """
    sink, summary, hashes = _stream_pass(
        config, read_chunks, start, end, new_sink(), None
    )
    candidates = _repeated(hashes)
    del hashes
    if not len(candidates):
        return sink, summary
    sink, summary, _hashes = _stream_pass(
        config, read_chunks, start, end, new_sink(), candidates
    )
    summary.passes = 2
    return sink, summary


def _stream_pass(config, read_chunks, start, end, sink, hold):
    """One reading of the source into `sink`; the records whose id hash is
    in `hold` are kept aside, then deduplicated and handed over last."""
    summary = StreamSummary()
    rejected: dict[int, Rejection] = {}
    hashes: list[np.ndarray] = []
    held: list[pd.DataFrame] = []
    for frame, where in read_chunks():
        offset = summary.rows
        checked = check_rows(config, frame, where, start, end, offset)
        summary.rows += len(frame)
        rejected.update(checked.rejected)
        records = checked.records
        if records.empty:
            continue
        hashed = pd.util.hash_array(records["record_id"].to_numpy(dtype=object))
        if hold is None:
            hashes.append(hashed)
        else:
            aside = np.isin(hashed, hold)
            if aside.any():
                held.append(
                    records[aside].assign(
                        where=[where[row - offset] for row in records["row"][aside]]
                    )
                )
                records = records[~aside]
        summary.records += len(records)
        if not records.empty:
            sink.add(records)
    if held:
        aside = pd.concat(held, ignore_index=True)
        by_row = aside.set_index("row")
        later = _later_duplicates(by_row["record_id"])
        for row, replaced_by in later.items():
            rejected[row] = Rejection(
                config.name,
                by_row.at[row, "record_id"],
                f"{by_row.at[row, 'where']}: duplicate record id, replaced by "
                f"{by_row.at[replaced_by, 'where']}",
            )
        kept = aside[~aside["row"].isin(list(later))].drop(columns="where")
        summary.records += len(kept)
        if not kept.empty:
            sink.add(kept.reset_index(drop=True))
    summary.rejected = _in_order(rejected)
    return sink, summary, hashes


def _repeated(hashes: list[np.ndarray]) -> np.ndarray:
    """The hash values that occur more than once (`hashes` is emptied: one
    copy of them at a time, sorted in place)."""
    if not hashes:
        return np.array([], dtype="uint64")
    values = np.concatenate(hashes)
    hashes.clear()
    values.sort()
    return np.unique(values[1:][values[1:] == values[:-1]])


def _convert(column: pd.Series, convert) -> tuple[pd.Series, pd.Series]:
    """(converted values, error messages) of a column, cell by cell: a cell
    that raises ValueError gets None and its message."""
    values, errors = [], []
    for cell in column.tolist():
        try:
            values.append(convert(cell))
            errors.append(None)
        except ValueError as exc:
            values.append(None)
            errors.append(str(exc))
    return (
        pd.Series(values, index=column.index, dtype=object),
        pd.Series(errors, index=column.index, dtype=object),
    )


def _later_duplicates(record_ids: pd.Series) -> dict[int, int]:
    """{row: the next row with the same record id} for every row replaced by
    a later one."""
    frame = pd.DataFrame({"record_id": record_ids, "row": record_ids.index})
    following = frame.groupby("record_id")["row"].shift(-1)
    return {
        int(row): int(next_row)
        for row, next_row in zip(frame["row"], following, strict=True)
        if not pd.isna(next_row)
    }


def _in_order(rejected: dict[int, Rejection]) -> list[Rejection]:
    """Rejections in the order the rows were read; a duplicate at the row of
    the record that replaced it, where a reader finds it."""
    return [rejected[index] for index in sorted(rejected)]


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def to_text(value: Any) -> str | None:
    """A key as text: stripped; a number read from a spreadsheet or JSON
    (1002.0) without its ".0"; None when missing."""
    if is_missing(value) or value is False:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def to_date(value: Any, date_format: str | None = None) -> date | None:
    """A calendar date from a date, a datetime (its date as written, no time
    zone conversion) or a string: ISO 8601 (2024-05-31, 2024-05-31T10:00:00)
    unless the source sets `date_format` (strptime, e.g. "%d/%m/%Y").
    Ambiguous forms such as 03/04/2024 are refused rather than guessed."""
    if is_missing(value):
        return None
    if isinstance(value, datetime):  # pd.Timestamp is a datetime
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"bad date {value!r}: not a date")
    text = value.strip()
    try:
        if date_format:
            return datetime.strptime(text, date_format).date()
        if not _ISO_DATE.match(text):
            raise ValueError
        return datetime.fromisoformat(text).date()
    except ValueError:
        expected = date_format or "YYYY-MM-DD"
        raise ValueError(f"bad date {text!r}: expected {expected}") from None


def to_number(value: Any, decimal: str = ".", thousands: str | None = None) -> float:
    """A finite float from a number or a numeric string; ValueError says why
    not. Booleans are refused: True is not a quantity."""
    if is_missing(value):
        raise ValueError("missing value")
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise ValueError(f"non-numeric value {value!r}")
    if isinstance(value, str):
        text = value.strip()
        if thousands:
            text = text.replace(thousands, "")
        if decimal != ".":
            text = text.replace(decimal, ".")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"non-numeric value {value.strip()!r}") from None
    else:
        number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"non-finite value {value!r}")
    return number
