"""Source adapters: one per kind of system the worker reads KPI records from
(CSV/Excel drops, SQL databases, JSON APIs, the ERP's own records), all behind
one interface (`Source.read(start, end) -> SourceBatch`)."""

from .base import (
    RECORD_COLUMNS,
    Rejection,
    Source,
    SourceBatch,
    SourceError,
    build_source,
)

__all__ = [
    "RECORD_COLUMNS",
    "Rejection",
    "Source",
    "SourceBatch",
    "SourceError",
    "build_source",
]
