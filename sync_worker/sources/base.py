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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

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
    location per row such as "sales.csv line 4") into RECORD_COLUMNS.

    Rows whose date is outside [start, end] are left out without a word: they
    belong to another run. A row whose record id appears again later is
    replaced by the later one (a corrected re-export wins) and reported.
    """
    check_columns(config, frame.columns, "the data")
    mapping = column_map(config)
    columns = {name: frame[column].tolist() for name, column in mapping.items()}
    good: dict[str, dict[str, Any]] = {}
    where_of: dict[str, str] = {}
    rejected: list[Rejection] = []
    for index, where in enumerate(locations):
        row = {name: values[index] for name, values in columns.items()}
        record_id = to_text(row["record_id"])
        try:
            record = _record(config, row, record_id, start, end)
        except ValueError as exc:
            rejected.append(
                Rejection(config.name, record_id, f"{where}: {exc}", raw=row)
            )
            continue
        if record is None:
            continue
        if record_id in good:
            reason = f"{where_of[record_id]}: duplicate record id, replaced by {where}"
            rejected.append(Rejection(config.name, record_id, reason))
            del good[record_id]  # so that the dict keeps the reading order
        where_of[record_id] = where
        good[record_id] = record
    if not good:
        return SourceBatch(records=empty_records(), rejected=rejected)
    records = pd.DataFrame(list(good.values()), columns=RECORD_COLUMNS)
    records["value"] = records["value"].astype(float)
    return SourceBatch(records=records, rejected=rejected)


def _record(
    config: SourceConfig,
    row: dict[str, Any],
    record_id: str | None,
    start: date,
    end: date,
) -> dict[str, Any] | None:
    """One row in RECORD_COLUMNS, None when its date is out of range;
    ValueError with the reason when it is unusable. The date is checked first:
    a row of another period is not this run's business, however bad."""
    day = to_date(row["date"], config.options.get("date_format"))
    if day is None:
        raise ValueError("missing date")
    if not start <= day <= end:
        return None
    if record_id is None:
        raise ValueError("missing record id")
    employee_key = to_text(row["employee_key"])
    if employee_key is None:
        raise ValueError(f"missing employee key ({config.employee_key_type})")
    kpi_code = config.kpi_code or to_text(row["kpi_code"])
    if kpi_code is None:
        raise ValueError("missing KPI code")
    value = to_number(
        row["value"],
        decimal=config.options.get("decimal", "."),
        thousands=config.options.get("thousands"),
    )
    return {
        "source": config.name,
        "record_id": record_id,
        "employee_key": employee_key,
        "date": day,
        "value": value,
        "kpi_code": kpi_code,
    }


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
