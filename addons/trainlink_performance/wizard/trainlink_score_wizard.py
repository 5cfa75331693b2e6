from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.trainlink_assessment_cycle import PERIOD_TYPES


class TrainlinkScoreWizard(models.TransientModel):
    _name = "trainlink.score.wizard"
    _description = "Compute Performance Scores"

    period_type = fields.Selection(PERIOD_TYPES, required=True, default="quarter")
    period_start = fields.Date(required=True)
    department_id = fields.Many2one(
        "hr.department", help="Leave empty for every employee of the company."
    )
    employee_ids = fields.Many2many(
        "hr.employee", compute="_compute_employee_ids", store=True, readonly=False
    )

    @api.depends("department_id")
    def _compute_employee_ids(self):
        for wizard in self:
            domain = [("company_id", "=", self.env.company.id)]
            if wizard.department_id:
                domain = [("department_id", "child_of", wizard.department_id.id)]
            wizard.employee_ids = self.env["hr.employee"].search(domain)

    def action_compute(self):
        self.ensure_one()
        if not self.employee_ids:
            raise UserError(_("Choose at least one employee."))
        scores = self.env["trainlink.performance.score"]._generate(
            self.period_type, self.period_start, self.employee_ids
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_performance.trainlink_performance_score_action"
        )
        action["domain"] = [("id", "in", scores.ids)]
        return action
