from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class TrainlinkKpi(models.Model):
    _name = "trainlink.kpi"
    _description = "Key Performance Indicator"
    _order = "sequence, code"

    sequence = fields.Integer(default=10)
    code = fields.Char(
        required=True,
        help="Short code used by the sync worker and in reports, "
        "unique per company (e.g. SALES_REV).",
    )
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    unit = fields.Char(translate=True, help="Unit of a value, e.g. %, pieces, CNY.")
    direction = fields.Selection(
        [("higher", "Higher is better"), ("lower", "Lower is better")],
        required=True,
        default="higher",
    )
    aggregation = fields.Selection(
        [("sum", "Sum"), ("mean", "Mean"), ("last", "Last value"), ("rate", "Rate")],
        string="Period Aggregation",
        required=True,
        default="sum",
        help="How values inside one period are combined.",
    )
    unit_value = fields.Monetary(
        help="Value of one unit of this KPI in company currency, "
        "used to compute the return on training.",
    )
    source_kind = fields.Selection(
        [
            ("sales", "Sales"),
            ("production", "Production"),
            ("quality", "Quality"),
            ("service", "Service"),
            ("manual", "Manual"),
        ],
        required=True,
        default="manual",
    )
    module_kpi_ids = fields.One2many("trainlink.course.module.kpi", "kpi_id")
    course_count = fields.Integer(compute="_compute_course_count")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A KPI with this code already exists in this company.",
        ),
    ]

    @api.depends("module_kpi_ids.module_id.course_id")
    def _compute_course_count(self):
        for kpi in self:
            kpi.course_count = len(kpi.module_kpi_ids.module_id.course_id)

    @api.constrains("code")
    def _check_code(self):
        for kpi in self:
            if not kpi.code.strip() or " " in kpi.code.strip():
                raise ValidationError(
                    _(
                        "The KPI code %(code)r must be one word without spaces.",
                        code=kpi.code,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("code"):
                vals["code"] = vals["code"].strip().upper()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("code"):
            vals["code"] = vals["code"].strip().upper()
        return super().write(vals)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for kpi in self:
            kpi.display_name = f"[{kpi.code}] {kpi.name}" if kpi.code else kpi.name

    # ------------------------------------------------------------------ API --

    @api.model
    def api_read_kpis(self):
        """The KPIs of the caller's companies, for the sync worker."""
        self.env["trainlink.kpi.value"]._check_sync_access()
        kpis = self.sudo().search_read(
            [("company_id", "in", self.env.companies.ids)],
            [
                "code",
                "direction",
                "aggregation",
                "source_kind",
                "company_id",
                "unit_value",
            ],
            order="company_id, code",
        )
        for kpi in kpis:
            kpi["company_id"] = kpi["company_id"][0]
        return kpis
