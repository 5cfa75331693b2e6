"""CSV and Excel drops: one file, a folder of files or a glob.

Options (SourceConfig.options):
    path         a file, a folder (every *.csv, or *.xlsx/*.xlsm, inside it) or a
                 glob ("drops/sales_*.csv"); relative to the working directory
    sheet        Excel: sheet name or 0-based index (default: the first sheet)
    encoding     CSV: default "utf-8-sig" (also reads Excel's UTF-8 with BOM)
    delimiter    CSV: default ","
    date_format  strptime format of the date column (default ISO, YYYY-MM-DD)
    decimal      decimal separator of numbers written as text (default ".")
    thousands    thousands separator to ignore in numbers (default none)

The first row of a file (or sheet) holds the column names. Files are read in
name order, so that of two rows with the same record id the one in the later
file wins (a corrected re-export). A row that cannot be used becomes a
Rejection naming the file and line; an unreadable file, a missing file or
folder, or a mapped column absent from a file fails the whole source.
"""

from __future__ import annotations

import glob
import logging
import os
from bisect import bisect_right
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from zipfile import BadZipFile

import numpy as np
import pandas as pd

from .base import (
    RecordSink,
    SourceBatch,
    SourceError,
    StreamSummary,
    check_columns,
    check_rows,
    empty_records,
    finish_batch,
    stream_records,
)

if TYPE_CHECKING:
    from sync_worker.config import SourceConfig

_logger = logging.getLogger(__name__)

SUFFIXES = {"csv": (".csv",), "excel": (".xlsx", ".xlsm")}
# Rows checked at a time: memory stays flat as files grow.
CHUNK_ROWS = 100_000


class FileSource:
    def __init__(self, config: SourceConfig):
        if config.kind not in SUFFIXES:
            raise SourceError(f"source {config.name!r}: not a file kind: {config.kind}")
        if not config.options.get("path"):
            raise SourceError(f"source {config.name!r}: option `path` is required")
        self.config = config
        self.name = config.name
        self.employee_key_type = config.employee_key_type

    def files(self) -> list[Path]:
        """The files to read, in name order."""
        path = str(self.config.options["path"])
        suffixes = SUFFIXES[self.config.kind]
        if glob.has_magic(path):
            folder = _fixed_part(path)
            if not folder.is_dir():
                raise SourceError(
                    f"source {self.name!r}: folder {str(folder)!r} of {path!r} "
                    "not found"
                )
            found = [Path(p) for p in glob.glob(path, recursive=True)]
            files = sorted(p for p in found if p.is_file())
        elif os.path.isdir(path):
            files = sorted(
                p
                for p in Path(path).iterdir()
                if p.is_file()
                and p.suffix.lower() in suffixes
                and not p.name.startswith(("~$", "."))  # Excel lock, hidden files
            )
        elif os.path.isfile(path):
            files = [Path(path)]
        else:
            raise SourceError(
                f"source {self.name!r}: file or folder {path!r} not found"
            )
        if not files:
            _logger.warning("source=%s no file to read in %s", self.name, path)
        return files

    def read(self, start: date, end: date) -> SourceBatch:
        """Every file in chunks of CHUNK_ROWS rows, checked one chunk at a
        time: memory holds the good records, not the files. The runner reads
        through `read_stream` instead, which holds no records at all."""
        checked, locations, files, rows = [], Locations(), 0, 0
        for path in self.files():
            files += 1
            for frame, where in self._read_chunks(path):
                checked.append(
                    check_rows(self.config, frame, where, start, end, len(locations))
                )
                locations.extend(where)
                rows += len(frame)
        if not files:
            return SourceBatch(records=empty_records())
        batch = finish_batch(self.config, checked, locations)
        _logger.info(
            "source=%s files=%d rows=%d records=%d rejected=%d",
            self.name,
            files,
            rows,
            len(batch.records),
            len(batch.rejected),
        )
        return batch

    def read_stream(
        self, start: date, end: date, new_sink: Callable[[], RecordSink]
    ) -> tuple[RecordSink, StreamSummary]:
        """Every file in chunks of CHUNK_ROWS rows, each chunk's good records
        handed to a sink as soon as it is checked (see `stream_records`):
        memory holds one chunk, whatever the size of the files. The sink
        gets what `read` would return, chunk by chunk."""
        files = self.files()

        def chunks():
            for path in files:
                yield from self._read_chunks(path)

        sink, summary = stream_records(self.config, chunks, start, end, new_sink)
        if files:
            _logger.info(
                "source=%s files=%d rows=%d records=%d rejected=%d passes=%d",
                self.name,
                len(files),
                summary.rows,
                summary.records,
                len(summary.rejected),
                summary.passes,
            )
        return sink, summary

    def _read_chunks(self, path: Path):
        """The file's non-blank rows in chunks, each with where its rows are
        as the user sees them in their editor: "sales.csv line 4",
        "sales.xlsx row 4" (the header is 1)."""
        options = self.config.options
        try:
            if self.config.kind == "csv":
                # Everything as text: a badge "001002" keeps its zeros, and the
                # row checks say which cell is not a number. Blank lines are
                # kept (then dropped below) so that line numbers stay true.
                chunks = pd.read_csv(
                    path,
                    dtype=str,
                    keep_default_na=False,
                    sep=options.get("delimiter", ","),
                    encoding=options.get("encoding", "utf-8-sig"),
                    skip_blank_lines=False,
                    chunksize=CHUNK_ROWS,
                )
                unit = "line"
            else:
                # Typed cells (dates, numbers) keep their type; text such as
                # "n/a" stays text, so that a rejection quotes it. openpyxl
                # reads a workbook whole: one chunk.
                chunks = [
                    pd.read_excel(
                        path,
                        sheet_name=options.get("sheet", 0),
                        engine="openpyxl",
                        keep_default_na=False,
                    )
                ]
                unit = "row"
            for frame in chunks:
                frame.columns = [str(column).strip() for column in frame.columns]
                check_columns(self.config, frame.columns, str(path))
                if frame.empty:
                    continue
                blank = _blank_rows(frame)
                lines = (frame.index[~blank] + 2).to_numpy()
                yield (
                    frame[~blank].reset_index(drop=True),
                    Locations(path.name, unit, lines),
                )
        except (
            OSError,
            ValueError,
            KeyError,
            BadZipFile,
            pd.errors.ParserError,
        ) as exc:
            raise SourceError(
                f"source {self.name!r}: cannot read {path}: {exc}"
            ) from exc


def _blank_rows(frame: pd.DataFrame) -> pd.Series:
    """Rows whose every cell is missing or blank text, column by column."""
    empty = frame.isna() | frame.apply(
        lambda column: column.astype(str).str.strip().eq("")
    )
    return empty.all(axis=1)


class Locations(Sequence):
    """Where each row is, as the user sees it in their editor ("sales.csv
    line 4"), made only when asked for: a million rows need no million
    strings, only their line numbers."""

    def __init__(self, name: str = "", unit: str = "", lines=()):
        self._parts: list[tuple[int, str, str, np.ndarray]] = []
        self._length = 0
        if len(lines):
            self._add(name, unit, np.asarray(lines))

    def _add(self, name, unit, lines) -> None:
        self._parts.append((self._length, name, unit, lines))
        self._length += len(lines)

    def extend(self, other: Locations) -> None:
        for _first, name, unit, lines in other._parts:
            self._add(name, unit, lines)

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        firsts = [part[0] for part in self._parts]
        first, name, unit, lines = self._parts[bisect_right(firsts, index) - 1]
        return f"{name} {unit} {lines[index - first]}"


def _fixed_part(pattern: str) -> Path:
    """The folder of a glob before its first wildcard: "a/b/*/x.csv" -> a/b."""
    parts = []
    for part in Path(pattern).parts:
        if glob.has_magic(part):
            break
        parts.append(part)
    return Path(*parts) if parts else Path(".")
