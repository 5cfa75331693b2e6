from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


def monday_of(day):
    return day - relativedelta(days=day.weekday())


class TrainlinkImprovementFollowup(models.Model):
    """One week of a running plan: the employee's progress report or the
    manager's short check-in."""

    _name = "trainlink.improvement.followup"
    _description = "Improvement Plan Follow-up"
    _order = "week_start desc, kind, id"

    plan_id = fields.Many2one(
        "trainlink.improvement.plan",
        string="Improvement Plan",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    employee_id = fields.Many2one(related="plan_id.employee_id", store=True, index=True)
    week_start = fields.Date(
        string="Week",
        required=True,
        default=lambda self: monday_of(fields.Date.context_today(self)),
    )
    kind = fields.Selection(
        [("progress", "Progress Report"), ("checkin", "Manager Check-in")],
        required=True,
        default="progress",
    )
    author_id = fields.Many2one(
        "res.users",
        string="Written By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    note = fields.Text(string="Progress", required=True)
    blockers = fields.Text()

    _sql_constraints = [
        (
            "one_per_week",
            "unique(plan_id, week_start, kind)",
            "Each week of a plan has one progress report and one check-in: "
            "edit the existing one.",
        )
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("week_start"):
                vals["week_start"] = monday_of(fields.Date.to_date(vals["week_start"]))
            if not self.env.su:
                vals["author_id"] = self.env.user.id
        followups = super().create(vals_list)
        if not self.env.su:
            followups._check_author_role()
        return followups

    def write(self, vals):
        if not self.env.su:
            if {"plan_id", "kind", "author_id"} & vals.keys():
                raise UserError(_("A follow-up entry keeps its plan, kind and author."))
            self._check_own_entry()
        if vals.get("week_start"):
            vals = {
                **vals,
                "week_start": monday_of(fields.Date.to_date(vals["week_start"])),
            }
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            self._check_own_entry()
        return super().unlink()

    def _check_running(self):
        for followup in self:
            plan = followup.plan_id.sudo()
            if plan.stage != "follow_up" or plan.closed:
                raise UserError(
                    _(
                        "Progress reports and check-ins are written while the plan "
                        "runs, after both have signed it."
                    )
                )

    def _check_author_role(self):
        """The employee writes progress reports on their own plan; whoever
        manages the plan writes check-ins, never on their own."""
        self._check_running()
        user = self.env.user
        for followup in self:
            plan = followup.plan_id
            is_employee = user in plan.sudo().employee_id.user_id
            if followup.kind == "progress" and not is_employee:
                raise AccessError(
                    _(
                        "Only %(employee)s reports progress on this plan.",
                        employee=plan.sudo().employee_id.name,
                    )
                )
            if followup.kind == "checkin" and not plan._can_manage():
                raise AccessError(
                    _("Check-ins are recorded by a manager of the employee or HR.")
                )

    def _check_own_entry(self):
        self._check_running()
        for followup in self:
            if followup.author_id != self.env.user:
                raise AccessError(_("Only the author changes a follow-up entry."))
