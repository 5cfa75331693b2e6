"""The rejects file: every row a run rejected, with its reason and the row as
read, appended as CSV for IT to fix at the source and feed back."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path

COLUMNS = ["run_id", "source", "record_id", "reason", "row"]


def append_rejects(path: Path, report) -> int:
    """Append the report's rejected rows to the CSV file at `path` (its
    header written when the file is new); returns how many were written."""
    rejections = [r for source in report.sources for r in source.rejected]
    if not rejections:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists() or path.stat().st_size == 0
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(COLUMNS)
        for rejection in rejections:
            writer.writerow(
                [
                    report.run_id,
                    rejection.source,
                    rejection.record_id or "",
                    rejection.reason,
                    json.dumps(rejection.raw, default=_plain, ensure_ascii=False)
                    if rejection.raw is not None
                    else "",
                ]
            )
    return len(rejections)


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
