from odoo import fields, models


class TrainlinkProposalDismiss(models.TransientModel):
    _name = "trainlink.proposal.dismiss"
    _description = "Dismiss Training Proposals"

    proposal_ids = fields.Many2many(
        "trainlink.training.proposal", string="Proposals", required=True
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.proposal_ids._dismiss(self.reason)
        return {"type": "ir.actions.act_window_close"}
