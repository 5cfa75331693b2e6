import math
from datetime import date

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError

SYNC_GROUP = "trainlink_performance.group_trainlink_sync"
# Largest batch one upsert call takes: big enough for a fast load, small
# enough to keep one call (one transaction) short.
MAX_BATCH = 5000
ROW_FIELDS = {
    "source": str,
    "external_key": str,
    "kpi_code": str,
    "employee_id": int,
    "period_start": str,
    "period_end": str,
    "value": (int, float),
}
PERIOD_TYPES = ("month", "quarter")
# Compared to decide whether an existing value changed.
COMPARED_FIELDS = (
    "employee_id",
    "kpi_id",
    "period_type",
    "period_start",
    "period_end",
    "value",
)


class TrainlinkKpiValue(models.Model):
    _name = "trainlink.kpi.value"
    _description = "KPI Value"
    _order = "period_start desc, id desc"

    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade"
    )
    kpi_id = fields.Many2one(
        "trainlink.kpi", string="KPI", required=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    department_id = fields.Many2one(
        "hr.department",
        index=True,
        help="Department of the employee when the value was synced.",
    )
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter")], required=True, default="month"
    )
    period_start = fields.Date(required=True, index=True)
    period_end = fields.Date(required=True)
    value = fields.Float(required=True, aggregator="sum")
    source = fields.Char(required=True, help="Name of the system the value came from.")
    external_key = fields.Char(
        required=True, help="Key of the value in its source, unique per source."
    )
    last_synced = fields.Datetime()
    run_id = fields.Many2one("trainlink.sync.run", ondelete="set null", index=True)

    _sql_constraints = [
        (
            "source_key_uniq",
            "unique(source, external_key)",
            "A KPI value with this key already exists for this source.",
        ),
        (
            "period_check",
            "CHECK(period_end >= period_start)",
            "A period cannot end before it starts.",
        ),
    ]

    def init(self):
        # Lists, pivots and the worker's window reads filter on these together.
        tools.create_index(
            self._cr,
            "trainlink_kpi_value_employee_kpi_period_idx",
            self._table,
            ["employee_id", "kpi_id", "period_start"],
        )

    # ------------------------------------------------------------------ API --

    def _check_sync_access(self):
        if not (self.env.su or self.env.user.has_group(SYNC_GROUP)):
            raise AccessError(_("Only the TrainLink sync user can call the sync API."))

    @api.model
    def api_upsert(self, rows, run_id=None):
        """Create or update KPI values keyed by (source, external_key).

        Each row is validated on its own: bad rows come back in "rejected"
        with their reason, good rows are applied. Rows identical to what is
        stored are counted as unchanged and not written.
        """
        self._check_sync_access()
        if not isinstance(rows, list):
            raise UserError(_("The sync API expects a list of rows."))
        if len(rows) > MAX_BATCH:
            raise UserError(
                _(
                    "A batch holds at most %(max)s rows; this one has %(count)s. "
                    "Split it.",
                    max=MAX_BATCH,
                    count=len(rows),
                )
            )
        valid, rejected = self._validate_rows(rows)
        existing = self._existing_by_key(valid)
        to_create, updated, unchanged = [], 0, 0
        now = fields.Datetime.now()
        for vals in valid:
            record = existing.get((vals["source"], vals["external_key"]))
            vals.update(last_synced=now, run_id=run_id or False)
            if not record:
                to_create.append(vals)
            elif self._is_unchanged(record, vals):
                unchanged += 1
            else:
                record.write(vals)
                updated += 1
        self.create(to_create)
        result = {
            "read": len(rows),
            "created": len(to_create),
            "updated": updated,
            "unchanged": unchanged,
            "rejected": rejected,
        }
        if run_id:
            run = self.env["trainlink.sync.run"].browse(int(run_id)).exists()
            if run:
                run._add_result(result)
        return result

    def _is_unchanged(self, record, vals):
        current = {
            "employee_id": record.employee_id.id,
            "kpi_id": record.kpi_id.id,
            "period_type": record.period_type,
            "period_start": record.period_start,
            "period_end": record.period_end,
            "value": record.value,
        }
        return all(current[name] == vals[name] for name in COMPARED_FIELDS)

    def _existing_by_key(self, valid):
        if not valid:
            return {}
        records = self.search(
            [
                ("source", "in", list({v["source"] for v in valid})),
                ("external_key", "in", [v["external_key"] for v in valid]),
            ]
        )
        return {(r.source, r.external_key): r for r in records}

    def _validate_rows(self, rows):
        """Split rows into create/write values and rejections."""
        employees = self._employees_by_id(rows)
        kpis = self._kpis_by_company_code()
        allowed_companies = set(self.env.companies.ids)
        valid, rejected, seen = [], [], {}
        for index, row in enumerate(rows):
            vals, reason = self._validate_row(row, employees, kpis, allowed_companies)
            key = (vals or {}).get("source"), (vals or {}).get("external_key")
            if vals and key in seen:
                vals, reason = (
                    None,
                    _(
                        "duplicate key in this batch (first at row %(row)s)",
                        row=seen[key],
                    ),
                )
            if vals:
                seen[key] = index
                valid.append(vals)
            else:
                rejected.append(
                    {
                        "row": index,
                        "external_key": row.get("external_key")
                        if isinstance(row, dict)
                        else None,
                        "reason": reason,
                    }
                )
        return valid, rejected

    def _validate_row(self, row, employees, kpis, allowed_companies):
        """Return (values, None) for a good row, (None, reason) for a bad one."""
        if not isinstance(row, dict):
            return None, _("a row must be a mapping of field names to values")
        for name, kind in ROW_FIELDS.items():
            value = row.get(name)
            if value is None or value == "":
                return None, _("missing field %(field)s", field=name)
            if not isinstance(value, kind) or isinstance(value, bool):
                return None, _("field %(field)s has the wrong type", field=name)
        if not math.isfinite(row["value"]):
            return None, _("value must be a finite number")
        try:
            start = date.fromisoformat(row["period_start"])
            end = date.fromisoformat(row["period_end"])
        except ValueError:
            return None, _("period dates must be written YYYY-MM-DD")
        if end < start:
            return None, _("the period ends before it starts")
        period_type = row.get("period_type") or "month"
        if period_type not in PERIOD_TYPES:
            return None, _("period_type must be month or quarter")
        employee = employees.get(row["employee_id"])
        if not employee or not employee.active:
            return None, _("unknown or archived employee %(id)s", id=row["employee_id"])
        if employee.company_id.id not in allowed_companies:
            return None, _(
                "employee %(id)s belongs to another company", id=row["employee_id"]
            )
        kpi = kpis.get((employee.company_id.id, row["kpi_code"].strip().upper()))
        if not kpi:
            return None, _("unknown KPI code %(code)s", code=row["kpi_code"])
        return {
            "source": row["source"].strip(),
            "external_key": row["external_key"].strip(),
            "employee_id": employee.id,
            "kpi_id": kpi,
            "company_id": employee.company_id.id,
            "department_id": employee.department_id.id,
            "period_type": period_type,
            "period_start": start,
            "period_end": end,
            "value": float(row["value"]),
        }, None

    def _employees_by_id(self, rows):
        ids = {
            row["employee_id"]
            for row in rows
            if isinstance(row, dict)
            and isinstance(row.get("employee_id"), int)
            and not isinstance(row.get("employee_id"), bool)
        }
        # The sync user reads no personal data: only what validation needs.
        employees = self.env["hr.employee"].sudo().with_context(active_test=False)
        return {e.id: e for e in employees.browse(ids).exists()}

    def _kpis_by_company_code(self):
        kpis = (
            self.env["trainlink.kpi"]
            .sudo()
            .search_read(
                [("company_id", "in", self.env.companies.ids)], ["code", "company_id"]
            )
        )
        return {(k["company_id"][0], k["code"]): k["id"] for k in kpis}
