from odoo import fields, models


class TrainlinkPerformanceEntry(models.Model):
    """A dated entry of the employee's performance file: what promotion and
    pay reviews take into account beside the scores."""

    _name = "trainlink.performance.entry"
    _description = "Performance File Entry"
    _inherit = ["trainlink.guarded.mixin"]
    _order = "date desc, id desc"

    # Written by the plan's evaluation; HR may add others, never about
    # themselves.
    _trainlink_guarded_fields = frozenset({"plan_id"})
    _trainlink_personal_fields = frozenset({"name", "date", "employee_id", "note"})

    name = fields.Char(required=True)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="employee_id.company_id", store=True, index=True
    )
    plan_id = fields.Many2one(
        "trainlink.improvement.plan", readonly=True, ondelete="set null"
    )
    outcome = fields.Selection(related="plan_id.outcome")
    note = fields.Text()
