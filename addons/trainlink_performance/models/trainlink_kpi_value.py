import calendar
import math
from collections import defaultdict
from datetime import date

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL

SYNC_GROUP = "trainlink_performance.group_trainlink_sync"
# Employee fields the worker may match its people on; login is the user's.
MATCH_FIELDS = ("barcode", "work_email", "identification_id", "login")
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
PERIOD_MONTHS = {"month": 1, "quarter": 3}
# Bounds a row's fields must respect before they reach the database: keys
# short enough for the unique index, ids and counts within PostgreSQL's
# integer, figures a business system can produce.
MAX_TEXT_LENGTH = 255
MAX_INTEGER = 2**31 - 1
MAX_ABS_FIGURE = 1e15
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
    _inherit = ["trainlink.guarded.mixin"]
    _order = "period_start desc, id desc"

    # Officers may correct a value by hand, never one of their own; the sync
    # user writes through api_upsert only (it has no direct access).
    _trainlink_personal_fields = frozenset(
        {"employee_id", "kpi_id", "period_start", "period_end", "value"}
    )
    _trainlink_guarded_fields = frozenset({"run_id", "last_synced"})

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

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        """A group's "total" of values, as its KPI aggregates them: the sum
        of sum KPIs (revenue), the mean of the others (a conversion rate,
        output per hour); nothing for a group mixing KPIs that do not add up,
        whose sum would mean nothing."""
        if "value:sum" not in aggregates or having:
            return super()._read_group(
                domain, groupby, aggregates, having, offset, limit, order
            )
        rows = super()._read_group(
            domain,
            groupby,
            [*aggregates, "value:avg", "kpi_id:array_agg"],
            having,
            offset,
            limit,
            order,
        )
        position = len(groupby) + list(aggregates).index("value:sum")
        kpi_ids = {kpi for row in rows for kpi in row[-1] or ()}
        how = {
            kpi.id: kpi.aggregation
            for kpi in self.env["trainlink.kpi"].sudo().browse(kpi_ids)
        }
        result = []
        for row in rows:
            *values, mean, kpis = row
            kinds = {how.get(kpi) for kpi in kpis or ()}
            if kinds - {"sum"}:
                values[position] = mean if len(set(kpis)) == 1 else None
            result.append(tuple(values))
        return result

    def _combine(self, aggregation):
        """These values combined by a KPI's aggregation: sum adds them, mean
        and rate average them, last takes each employee's latest (averaged over
        employees, as a cascaded last-value target is the same for each)."""
        if aggregation == "sum":
            return sum(self.mapped("value"))
        if aggregation == "last":
            latest = {}
            for value in self.sorted(lambda v: (v.period_end, v.period_start, v.id)):
                latest[value.employee_id.id] = value.value
            figures = list(latest.values())
        else:
            figures = self.mapped("value")
        return sum(figures) / len(figures)

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

        `rows` is a list of mappings, or the compact form
        {"columns": [names], "rows": [[values], ...]} that halves the XML a
        call carries. Each row is validated on its own: bad rows come back in
        "rejected" with their reason, good rows are applied. Rows identical to
        what is stored are counted as unchanged and not written.
        """
        self._check_sync_access()
        run = self.env["trainlink.sync.run"]._sync_run(run_id)
        rows = self._rows_from_payload(rows)
        # The sync user has no direct access: validation limits it to its
        # companies, then the API writes as superuser.
        self = self.sudo()
        valid, rejected = self._validate_rows(rows)
        existing = self._existing_by_key(valid)
        to_create, changed, unchanged = [], {}, 0
        for vals in valid:
            stored = existing.get((vals["source"], vals["external_key"]))
            if not stored:
                to_create.append(vals)
                continue
            diff = {
                name: vals[name]
                for name in COMPARED_FIELDS
                if stored[name] != vals[name]
            }
            if diff:
                changed[stored["id"]] = diff
            else:
                unchanged += 1
        sync_values = {"last_synced": fields.Datetime.now(), "run_id": run.id}
        for record_id, diff in changed.items():
            self.browse(record_id).write(diff)
        self.browse(list(changed)).write(sync_values)
        self._create_plain_rows([dict(vals, **sync_values) for vals in to_create])
        result = {
            "read": len(rows),
            "created": len(to_create),
            "updated": len(changed),
            "unchanged": unchanged,
            "rejected": rejected,
        }
        run._add_result(result)
        return result

    def _create_plain_rows(self, vals_list):
        """Create validated rows that all give the same fields. Odoo's create
        asks for the default values of the fields a row leaves out, row by
        row (its own id, create and write dates and users at least): a fifth
        of a fresh load's time. Those defaults are the same for every row of
        a batch: they are asked for once."""
        if not vals_list:
            return self.browse()
        defaults = {
            name: value
            for name, value in self._add_missing_default_values(vals_list[0]).items()
            if name not in vals_list[0]
        }
        return self.with_context(trainlink_batch_defaults=defaults).create(vals_list)

    @api.model
    def _add_missing_default_values(self, values):
        defaults = self.env.context.get("trainlink_batch_defaults")
        if defaults is None:
            return super()._add_missing_default_values(values)
        return {**defaults, **values}

    def _rows_from_payload(self, payload):
        """The batch as a list of mappings, whichever form it came in."""
        if isinstance(payload, dict) and "columns" in payload:
            columns, data = payload["columns"], payload.get("rows")
            if not isinstance(columns, list) or not isinstance(data, list):
                raise UserError(
                    _("A compact batch needs a list of columns and a list of rows.")
                )
            self._check_batch(data)
            # A row of the wrong shape stays as it is and is rejected alone.
            return [
                dict(zip(columns, row, strict=True))
                if isinstance(row, list) and len(row) == len(columns)
                else row
                for row in data
            ]
        self._check_batch(payload)
        return payload

    def _check_batch(self, rows):
        """Refuse a whole call whose payload is not a list or is too big."""
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

    def _check_row_fields(self, row, expected):
        """The reason a row is malformed against {field: type}, or None.

        Checks everything that could fail in the database rather than in
        validation: blank or over-long text, integers outside PostgreSQL's
        range, numbers too large for a float or not finite."""
        if not isinstance(row, dict):
            return _("a row must be a mapping of field names to values")
        for name, kind in expected.items():
            value = row.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                return _("missing field %(field)s", field=name)
            if not isinstance(value, kind) or isinstance(value, bool):
                return _("field %(field)s has the wrong type", field=name)
            if not self._within_bounds(value):
                return self._check_value_bounds(name, value)
        return None

    @api.model
    def _within_bounds(self, value):
        """The usual case of _check_value_bounds, quickly: short text, a small
        integer or a finite float within the figures' bounds."""
        if isinstance(value, str):
            return len(value) <= MAX_TEXT_LENGTH
        if isinstance(value, float):
            return -MAX_ABS_FIGURE <= value <= MAX_ABS_FIGURE
        return -MAX_INTEGER <= value <= MAX_INTEGER

    @api.model
    def _check_value_bounds(self, name, value):
        if isinstance(value, str):
            if len(value.strip()) > MAX_TEXT_LENGTH:
                return _(
                    "field %(field)s is longer than %(max)s characters",
                    field=name,
                    max=MAX_TEXT_LENGTH,
                )
            return None
        if isinstance(value, int) and not -MAX_INTEGER <= value <= MAX_INTEGER:
            return _("field %(field)s is out of range", field=name)
        try:
            number = float(value)
        except OverflowError:
            return _("field %(field)s is out of range", field=name)
        if not math.isfinite(number):
            return _("field %(field)s must be a finite number", field=name)
        if abs(number) > MAX_ABS_FIGURE:
            return _("field %(field)s is out of range", field=name)
        return None

    @api.model
    def _check_period_shape(self, period_type, start, end):
        """The reason a period is not one whole month or quarter, or None."""
        months = PERIOD_MONTHS[period_type]
        if start.day == 1 and (start.month - 1) % months == 0:
            # Checked on every row of a batch: plain date arithmetic.
            last_month = start.month + months - 1
            last_day = calendar.monthrange(start.year, last_month)[1]
            if end == start.replace(month=last_month, day=last_day):
                return None
        if period_type == "quarter":
            return _(
                "a quarter runs from the first day of January, April, July or "
                "October to the last day of its third month"
            )
        return _("a month runs from the first to the last day of one month")

    def _existing_by_key(self, valid):
        """Stored key and compared columns as plain values, in one query.

        Plain SQL rather than search_read: on a re-send this lookup is most of
        the server's work. It keeps to the caller's companies, as the record
        rules would.
        """
        if not valid:
            return {}
        self.flush_model(["source", "external_key", "company_id", *COMPARED_FIELDS])
        # Two IN lists, not a row-value IN: PostgreSQL uses the unique index
        # on (source, external_key) for these and scans the table for that.
        self.env.cr.execute(
            SQL(
                """SELECT id, source, external_key, employee_id, kpi_id,
                          period_type, period_start, period_end, value
                     FROM trainlink_kpi_value
                    WHERE company_id IN %s AND source IN %s
                      AND external_key IN %s""",
                tuple(self.env.companies.ids),
                tuple({v["source"] for v in valid}),
                tuple({v["external_key"] for v in valid}),
            )
        )
        return {
            (row["source"], row["external_key"]): row
            for row in self.env.cr.dictfetchall()
        }

    def _validate_rows(self, rows):
        """Split rows into create/write values and rejections."""
        employees = self._employees_by_id(rows)
        kpis = self._kpis_by_company_code()
        allowed_companies = set(self.env.companies.ids)
        foreign_keys = self._keys_of_other_companies(rows)

        def validate(row):
            vals, reason = self._validate_row(row, employees, kpis, allowed_companies)
            if vals and (vals["source"], vals["external_key"]) in foreign_keys:
                return None, _("this key is already used in another company")
            return vals, reason

        return self._split_rows(
            rows,
            validate,
            lambda vals: (vals["source"], vals["external_key"]),
            lambda row: self._row_label(row, "external_key"),
        )

    @api.model
    def _row_label(self, row, name):
        """A row's field as text to name it in a rejection: False (XML-RPC
        marshals no None) unless it is a string, cut to a readable length."""
        value = row.get(name) if isinstance(row, dict) else None
        if not isinstance(value, str) or not value.strip():
            return False
        return value.strip()[:MAX_TEXT_LENGTH]

    @api.model
    def _ids_in_rows(self, rows, name):
        """The valid database ids a batch's rows give in one field."""
        return self._valid_ids(row.get(name) for row in rows if isinstance(row, dict))

    @api.model
    def _valid_ids(self, values):
        """The values that can be database ids (integers in PostgreSQL's
        range, not booleans); the others cannot match any record."""
        return {
            value
            for value in values
            if isinstance(value, int)
            and not isinstance(value, bool)
            and 0 < value <= MAX_INTEGER
        }

    def _keys_of_other_companies(self, rows):
        """(source, key) pairs of the batch stored in companies the caller
        does not work in: such rows are refused instead of failing the call
        on the unique constraint."""
        pairs = {
            (row["source"].strip(), row["external_key"].strip())
            for row in rows
            if isinstance(row, dict)
            and isinstance(row.get("source"), str)
            and isinstance(row.get("external_key"), str)
        }
        if not pairs:
            return set()
        self.flush_model(["source", "external_key", "company_id"])
        self.env.cr.execute(
            SQL(
                """SELECT source, external_key FROM trainlink_kpi_value
                    WHERE company_id NOT IN %s AND source IN %s
                      AND external_key IN %s""",
                tuple(self.env.companies.ids),
                tuple({source for source, _key in pairs}),
                tuple({key for _source, key in pairs}),
            )
        )
        return set(self.env.cr.fetchall()) & pairs

    def _split_rows(self, rows, validate, key_of, row_key):
        """Validate each row: (values of the good rows, rejections).

        `validate(row)` returns (values, None) or (None, reason); a row whose
        natural key `key_of(values)` repeats an earlier row's is rejected;
        `row_key(row)` names a rejected row to the caller (False, never None:
        XML-RPC has no None).
        """
        valid, rejected, seen = [], [], {}
        for index, row in enumerate(rows):
            vals, reason = validate(row)
            key = vals and key_of(vals)
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
                    {"row": index, "external_key": row_key(row), "reason": reason}
                )
        return valid, rejected

    def _validate_row(self, row, employees, kpis, allowed_companies):
        """Return (values, None) for a good row, (None, reason) for a bad one."""
        reason = self._check_row_fields(row, ROW_FIELDS)
        if reason:
            return None, reason
        try:
            start = date.fromisoformat(row["period_start"].strip())
            end = date.fromisoformat(row["period_end"].strip())
        except ValueError:
            return None, _("period dates must be written YYYY-MM-DD")
        if end < start:
            return None, _("the period ends before it starts")
        period_type = row.get("period_type") or "month"
        if period_type not in PERIOD_TYPES:
            return None, _("period_type must be month or quarter")
        reason = self._check_period_shape(period_type, start, end)
        if reason:
            return None, reason
        employee = employees.get(row["employee_id"])
        if not employee or not employee["active"]:
            return None, _("unknown or archived employee %(id)s", id=row["employee_id"])
        if employee["company_id"] not in allowed_companies:
            return None, _(
                "employee %(id)s belongs to another company", id=row["employee_id"]
            )
        kpi = kpis.get((employee["company_id"], row["kpi_code"].strip().upper()))
        if not kpi:
            return None, _("unknown KPI code %(code)s", code=row["kpi_code"])
        return {
            "source": row["source"].strip(),
            "external_key": row["external_key"].strip(),
            "employee_id": employee["id"],
            "kpi_id": kpi,
            "company_id": employee["company_id"],
            "department_id": employee["department_id"],
            "period_type": period_type,
            "period_start": start,
            "period_end": end,
            "value": float(row["value"]),
        }, None

    def _employees_by_id(self, rows):
        """What validation needs of each employee, read once per batch."""
        ids = self._ids_in_rows(rows, "employee_id")
        # The sync user reads no personal data: only what validation needs.
        employees = self.env["hr.employee"].sudo().with_context(active_test=False)
        facts = employees.search_read(
            [("id", "in", list(ids))],
            ["active", "company_id", "department_id"],
            load=None,
        )
        return {f["id"]: f for f in facts}

    def _kpis_by_company_code(self):
        kpis = (
            self.env["trainlink.kpi"]
            .sudo()
            .search_read(
                [("company_id", "in", self.env.companies.ids)], ["code", "company_id"]
            )
        )
        return {(k["company_id"][0], k["code"]): k["id"] for k in kpis}

    @api.model
    def api_read_values(
        self,
        employee_ids,
        kpi_ids,
        since,
        period_type="month",
        after_id=0,
        limit=MAX_BATCH,
    ):
        """Stored values of these employees and KPIs, in the caller's
        companies, for periods starting on or after `since` (YYYY-MM-DD):
        what the worker measures contributions on. One page of at most
        `limit` (and MAX_BATCH) values with an id above `after_id`, in id
        order, as {"id", "employee_id", "kpi_id", "period_start", "value"}:
        ids and figures only, never names."""
        self._check_sync_access()
        ids = {
            "employee_ids": employee_ids,
            "kpi_ids": kpi_ids,
        }
        for name, values in ids.items():
            if not isinstance(values, list) or len(values) > MAX_BATCH:
                raise UserError(
                    _(
                        "%(field)s must be a list of at most %(max)s ids.",
                        field=name,
                        max=MAX_BATCH,
                    )
                )
            ids[name] = self._valid_ids(values)
        if period_type not in PERIOD_TYPES:
            raise UserError(_("period_type must be month or quarter."))
        try:
            since = date.fromisoformat(since)
        except (TypeError, ValueError):
            raise UserError(_("since must be a date written YYYY-MM-DD.")) from None
        for name, number in (("after_id", after_id), ("limit", limit)):
            if not isinstance(number, int) or isinstance(number, bool):
                raise UserError(_("%(field)s must be an integer.", field=name))
        values = self.sudo().search_read(
            [
                ("company_id", "in", self.env.companies.ids),
                ("employee_id", "in", list(ids["employee_ids"])),
                ("kpi_id", "in", list(ids["kpi_ids"])),
                ("period_type", "=", period_type),
                ("period_start", ">=", since),
                ("id", ">", min(max(after_id, 0), MAX_INTEGER)),
            ],
            ["employee_id", "kpi_id", "period_start", "value"],
            order="id",
            limit=min(max(limit, 1), MAX_BATCH),
            load=None,
        )
        for value in values:
            value["period_start"] = fields.Date.to_string(value["period_start"])
        return values

    @api.model
    def api_match_employees(self, keys):
        """Match the worker's people to employees: each key is a mapping with
        exactly one of barcode, work_email, identification_id or login (the
        user's login). Returns, in the order of the keys, {"row", "employee_id",
        "reason"}: the id of the single active employee of the caller's
        companies that matches, or False and why not. Nothing but ids."""
        self._check_sync_access()
        self._check_batch(keys)
        parsed = [self._parse_match_key(key) for key in keys]
        found = {}
        for name in MATCH_FIELDS:
            values = {value for field, value in parsed if field == name}
            if values:
                found[name] = self._employee_ids_by(name, values)
        results = []
        for index, (name, value) in enumerate(parsed):
            employee_ids, reason = [], value
            if name:
                employee_ids = found[name].get(value.lower(), [])
                reason = self._match_reason(employee_ids)
            results.append(
                {
                    "row": index,
                    "employee_id": employee_ids[0] if not reason else False,
                    "reason": reason or False,
                }
            )
        return results

    @api.model
    def _parse_match_key(self, key):
        """(field, stripped value) of a key, or (None, why it is unusable)."""
        if not isinstance(key, dict):
            return None, _("a key must be a mapping of one field to its value")
        given = [name for name in MATCH_FIELDS if key.get(name) not in (None, "")]
        if len(given) != 1:
            return None, _(
                "give exactly one of %(fields)s", fields=", ".join(MATCH_FIELDS)
            )
        value = key[given[0]]
        if not isinstance(value, str) or not value.strip():
            return None, _("field %(field)s has the wrong type", field=given[0])
        return given[0], value.strip()

    @api.model
    def _match_reason(self, employee_ids):
        if not employee_ids:
            return _("no active employee of your companies matches")
        if len(employee_ids) > 1:
            return _(
                "%(count)s employees match: make the key unique at the source",
                count=len(employee_ids),
            )
        return None

    @api.model
    def _employee_ids_by(self, name, values):
        """{lower-cased value: [employee ids]} of the active employees of the
        caller's companies whose field (or user's login) matches a value, case
        insensitively."""
        # The sync user reads no employee: only ids come out of here.
        Employee = self.env["hr.employee"].sudo()
        domain = [("company_id", "in", self.env.companies.ids)]
        matches = expression.OR(
            [[(name, "=ilike", tools.escape_psql(value))] for value in values]
        )
        if name == "login":
            users = (
                self.env["res.users"]
                .sudo()
                .with_context(active_test=False)
                .search(matches)
            )
            employees = Employee.search([*domain, ("user_id", "in", users.ids)])
            keys = {employee: employee.user_id.login for employee in employees}
        else:
            employees = Employee.search([*domain, *matches])
            keys = {employee: employee[name] for employee in employees}
        ids_by_value = defaultdict(list)
        for employee, value in keys.items():
            ids_by_value[value.lower()].append(employee.id)
        return ids_by_value
