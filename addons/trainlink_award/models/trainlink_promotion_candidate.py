from odoo import api, fields, models


class TrainlinkPromotionCandidate(models.Model):
    _inherit = "trainlink.promotion.candidate"

    award_count = fields.Integer(
        string="Awards Won",
        compute="_compute_award_count",
        help="Awards in the candidate's history (counted with the reader's rights).",
    )

    @api.depends_context("uid")
    def _compute_award_count(self):
        counts = dict(
            self.env["trainlink.award.record"]._read_group(
                [("employee_id", "in", self.employee_id.ids)],
                ["employee_id"],
                ["__count"],
            )
        )
        for candidate in self:
            candidate.award_count = counts.get(candidate.employee_id, 0)
