"""TrainLink sync worker: pulls KPI records from business systems into Odoo.

Layout: ``config`` (settings), ``sources/`` (one adapter per kind of system),
``transform`` (pandas: periods, aggregation, contributions), ``odoo`` (the only
module that talks to the ERP), ``state`` (cursors), ``runner`` (one run),
``cli`` (``python -m sync_worker`` / ``trainlink-sync``).

Logging is structured: every message is ``event key=value ...``, and the same
fields ride on the log record (``record.event`` and ``record.fields``) for the
JSON format; the id of the current run is added to every record of the run.
"""

import json
import logging
from contextvars import ContextVar

__version__ = "0.1.0"

# Id of the run in progress, put on every log record (see RunIdFilter).
current_run_id: ContextVar[str | None] = ContextVar("current_run_id", default=None)


def format_value(value) -> str:
    """A log field value: bare when it is one word, JSON-quoted otherwise."""
    if isinstance(value, bool | int | float) or value is None:
        return json.dumps(value)
    text = str(value)
    if text and not any(char.isspace() or char in "\"'=" for char in text):
        return text
    return json.dumps(text, ensure_ascii=False)


def log_event(
    logger: logging.Logger, level: int, event: str, /, exc_info=None, **fields
) -> None:
    """Log `event` with its fields as ``event k=v ...`` (None fields left out),
    every field also on the record."""
    if not logger.isEnabledFor(level):
        return
    text = " ".join(
        [
            event,
            *(
                f"{key}={format_value(value)}"
                for key, value in fields.items()
                if value is not None
            ),
        ]
    )
    logger.log(
        level,
        "%s",
        text,
        exc_info=exc_info,
        extra={"event": event, "fields": fields},
    )
