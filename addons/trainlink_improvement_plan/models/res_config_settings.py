from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    trainlink_pip_target_threshold = fields.Float(
        related="company_id.trainlink_pip_target_threshold", readonly=False
    )
    trainlink_pip_decline_min = fields.Float(
        related="company_id.trainlink_pip_decline_min", readonly=False
    )
    trainlink_pip_duration_days = fields.Integer(
        related="company_id.trainlink_pip_duration_days", readonly=False
    )
    trainlink_pip_escalation_user_id = fields.Many2one(
        related="company_id.trainlink_pip_escalation_user_id", readonly=False
    )
