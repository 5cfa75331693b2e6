from odoo import api, fields, models


class TrainlinkPromotionCandidate(models.Model):
    _inherit = "trainlink.promotion.candidate"

    improvement_met_count = fields.Integer(
        string="Improvement Plans Met",
        compute="_compute_improvement_met_count",
        help="Entries of the candidate's performance file for improvement "
        "plans whose goals were met (counted with the reader's rights: the "
        "employee, their managers and HR).",
    )

    @api.depends_context("uid")
    def _compute_improvement_met_count(self):
        met = dict(
            self.env["trainlink.performance.entry"]._read_group(
                [("employee_id", "in", self.employee_id.ids), ("plan_id", "!=", False)],
                ["employee_id"],
                ["__count"],
            )
        )
        for candidate in self:
            candidate.improvement_met_count = met.get(candidate.employee_id, 0)
