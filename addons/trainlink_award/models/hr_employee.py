from odoo import api, fields, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    trainlink_service_start = fields.Date(
        string="In Service Since",
        groups="hr.group_hr_user",
        help="First day of service, for the minimum service of award "
        "campaigns; empty: the day the employee was created.",
    )
    trainlink_award_ids = fields.One2many(
        "trainlink.award.record",
        "employee_id",
        string="Awards",
        groups="hr.group_hr_user",
    )
    trainlink_award_count = fields.Integer(
        string="Awards Won", compute="_compute_trainlink_award_count"
    )

    @api.depends_context("uid")
    def _compute_trainlink_award_count(self):
        counts = dict(
            self.env["trainlink.award.record"]._read_group(
                [("employee_id", "in", self.ids)], ["employee_id"], ["__count"]
            )
        )
        for employee in self:
            employee.trainlink_award_count = counts.get(employee, 0)

    def _trainlink_service_start(self):
        self.ensure_one()
        employee = self.sudo()
        return employee.trainlink_service_start or employee.create_date.date()

    def _trainlink_award_blocks(self, campaign):
        """{employee id: [reasons]} of what keeps these employees from
        winning the campaign. Other add-ons extend it (an open improvement
        plan, for instance) without the award add-on knowing them."""
        return {}

    def action_open_trainlink_awards(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_award.award_record_action"
        )
        action["domain"] = [("employee_id", "=", self.id)]
        return action


class HrJob(models.Model):
    _inherit = "hr.job"

    trainlink_standard_hours = fields.Float(
        string="Standard Training Hours (year)",
        help="Training hours a year expected in this job; award campaigns "
        "compare each candidate's hours with it. Empty: the campaign's default.",
    )
