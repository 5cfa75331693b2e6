"""The ERP's own records: confirmed sale orders (kind odoo_sales) and finished
manufacturing orders (kind odoo_production), read with search_read through the
worker's ERP transport (no second connection, no second password).

Options (SourceConfig.options), defaults per kind:
                     odoo_sales              odoo_production
    model            sale.order              mrp.production
    domain           [["state","=","sale"]]  [["state","=","done"]]
    date_field       date_order              date_finished
    value_field      amount_total            qty_produced
    employee_field   user_id (salesperson)   user_id (responsible)
    employee_model   res.users: the model employee_field points to, when it is
                     a many2one; a char field is used as the key itself
    employee_model_field  login: the field of employee_model that is the key
                     (match employee_key_type: login for users; barcode,
                     work_email or identification_id on hr.employee)
    tz               UTC: the time zone whose calendar day a datetime belongs
                     to (Odoo stores datetimes in UTC), e.g. "Asia/Shanghai"

The record id is Odoo's reference, "sale.order,42". A record without an
employee (no salesperson) or whose user cannot be read is rejected. The sync
user needs read access to the model and to employee_model: a portal-type
technical user does not have it, give this source's worker an internal user
with the Sales (or Manufacturing) read rights. Amounts are in each order's
currency; use value_field amount_untaxed or a custom field to change that.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from sync_worker.odoo import ErpAccessError, ErpFault

from .base import Rejection, SourceBatch, SourceError, empty_records, rows_to_batch

if TYPE_CHECKING:
    from sync_worker.config import SourceConfig
    from sync_worker.odoo import ErpClient

_logger = logging.getLogger(__name__)

DEFAULTS: dict[str, dict[str, Any]] = {
    "odoo_sales": {
        "model": "sale.order",
        "domain": [["state", "=", "sale"]],
        "date_field": "date_order",
        "value_field": "amount_total",
        "employee_field": "user_id",
    },
    "odoo_production": {
        "model": "mrp.production",
        "domain": [["state", "=", "done"]],
        "date_field": "date_finished",
        "value_field": "qty_produced",
        "employee_field": "user_id",
    },
}
COMMON_DEFAULTS = {"employee_model": "res.users", "employee_model_field": "login"}
# Models whose archived records still name their people (a salesperson who
# left keeps their past orders).
MODELS_WITH_ACTIVE = ("res.users", "hr.employee")
DATETIME_LENGTH = len("2024-05-31 10:00:00")


class OdooRecordsSource:
    def __init__(self, config: SourceConfig, erp: ErpClient):
        if config.kind not in DEFAULTS:
            raise SourceError(f"source {config.name!r}: not an ERP kind: {config.kind}")
        self.config = config
        self.name = config.name
        self.employee_key_type = config.employee_key_type
        self.erp = erp
        self.options = {**COMMON_DEFAULTS, **DEFAULTS[config.kind], **config.options}
        try:
            self.tz = ZoneInfo(self.options["tz"]) if self.options.get("tz") else UTC
        except (ZoneInfoNotFoundError, ValueError):
            raise SourceError(
                f"source {self.name!r}: unknown time zone {self.options['tz']!r}"
            ) from None
        # The record fields come from options, not from `columns`.
        self._config = config.model_copy(update={"columns": {}})

    def search_read(self, model: str, domain: list, fields: list[str]) -> list[dict]:
        """The transport's search_read; Odoo's refusals (no access, a field
        that does not exist) become a SourceError naming this source. The
        ERP being down or refusing the login stays the transport's error: it
        is no fault of this source."""
        try:
            return self.erp.transport.search_read(model, domain, fields)
        except ErpFault as exc:
            hint = ""
            if isinstance(exc, ErpAccessError):
                hint = f"; the worker's ERP user needs read access to {model}"
            raise SourceError(
                f"source {self.name!r}: cannot read {model}: {exc}{hint}"
            ) from exc

    def read(self, start: date, end: date) -> SourceBatch:
        options = self.options
        model, date_field = options["model"], options["date_field"]
        value_field, employee_field = options["value_field"], options["employee_field"]
        kpi_field = self.config.kpi_column
        fields = [date_field, value_field, employee_field]
        if kpi_field:
            fields.append(kpi_field)
        # One day of margin each side: a datetime is UTC in the database and
        # its day in self.tz may be the day before or after.
        domain = list(options["domain"]) + [
            [date_field, ">=", (start - timedelta(days=1)).isoformat()],
            [date_field, "<", (end + timedelta(days=2)).isoformat()],
        ]
        rows = self.search_read(model, domain, fields)
        _logger.info(
            "source=%s model=%s start=%s end=%s rows=%d",
            self.name,
            model,
            start,
            end,
            len(rows),
        )
        keys = self._employee_keys(rows, employee_field)
        kept, rejected = [], []
        for row in rows:
            day = self._day(row[date_field])
            if isinstance(day, date) and not start <= day <= end:
                continue  # read only for the time zone margin
            record_id = f"{model},{row['id']}"
            where = f"{model} id {row['id']}"
            employee = row[employee_field]
            user_id = _many2one_id(employee)
            key = keys.get(user_id) if user_id else employee
            if user_id and not key:
                reason = (
                    f"{where}: {employee_field} {employee[1]!r} (id {user_id}) has "
                    f"no {self.options['employee_model_field']} or cannot be read"
                )
                rejected.append(Rejection(self.name, record_id, reason))
                continue
            if not key:
                reason = f"{where}: no {employee_field} (missing employee key)"
                rejected.append(Rejection(self.name, record_id, reason))
                continue
            kept.append((where, record_id, key, day, row))
        if not kept:
            return SourceBatch(records=empty_records(), rejected=rejected)
        frame = pd.DataFrame(
            {
                "record_id": [record_id for _, record_id, _, _, _ in kept],
                "employee_key": [key for _, _, key, _, _ in kept],
                "date": [day for _, _, _, day, _ in kept],
                "value": [row[value_field] for *_, row in kept],
            }
        )
        if kpi_field:
            frame[kpi_field] = [row[kpi_field] or None for *_, row in kept]
        locations = [where for where, *_ in kept]
        batch = rows_to_batch(self._config, frame, locations, start, end)
        batch.rejected[:0] = rejected
        return batch

    def _employee_keys(self, rows: list[dict], employee_field: str) -> dict[int, Any]:
        """many2one id -> key (the user's login by default) for every record
        whose employee_field is a many2one; None for a user that cannot be
        read, so that its records are rejected as missing a key."""
        ids = sorted({_many2one_id(row[employee_field]) for row in rows} - {None})
        if not ids:
            return {}
        model = self.options["employee_model"]
        key_field = self.options["employee_model_field"]
        domain: list = [["id", "in", ids]]
        if model in MODELS_WITH_ACTIVE:
            domain.append(["active", "in", [True, False]])
        found = {
            row["id"]: row[key_field] or None
            for row in self.search_read(model, domain, [key_field])
        }
        return {id_: found.get(id_) for id_ in ids}

    def _day(self, value: Any) -> Any:
        """The calendar day (in self.tz) of an Odoo date or datetime string;
        anything else is returned for the row checks to reject."""
        if isinstance(value, str) and len(value) == DATETIME_LENGTH:
            try:
                moment = datetime.fromisoformat(value).replace(tzinfo=UTC)
            except ValueError:
                return value
            return moment.astimezone(self.tz).date()
        return value or None  # a date string, or False when empty


def _many2one_id(value: Any) -> int | None:
    """Odoo returns a many2one as [id, display name], or False when empty."""
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], int):
        return value[0]
    return None
