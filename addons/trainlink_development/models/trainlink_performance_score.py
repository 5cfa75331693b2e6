from odoo import _, api, fields, models
from odoo.exceptions import UserError


class TrainlinkPerformanceScore(models.Model):
    _inherit = "trainlink.performance.score"

    training_proposal_count = fields.Integer(compute="_compute_training_proposal_count")

    @api.depends_context("uid")
    def _compute_training_proposal_count(self):
        counts = dict(
            self.env["trainlink.training.proposal"]._read_group(
                [("score_id", "in", self.ids)], ["score_id"], ["__count"]
            )
        )
        for score in self:
            score.training_proposal_count = counts.get(score, 0)

    def action_propose_training(self):
        """Propose the training the band of confirmed scores calls for (those
        who may change the scores: HR officers)."""
        self.check_access("write")
        for score in self:
            if score.state != "confirmed":
                raise UserError(
                    _(
                        "%(employee)s: confirm the score before proposing "
                        "training from it.",
                        employee=score.employee_id.name,
                    )
                )
        self.env["trainlink.training.proposal"]._propose_from_scores(self)
        return self.action_view_training_proposals()

    def action_view_training_proposals(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_development.trainlink_training_proposal_action"
        )
        action["domain"] = [("score_id", "in", self.ids)]
        action["context"] = {}
        return action
