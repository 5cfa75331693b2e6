from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    trainlink_passing_score = fields.Float(
        related="company_id.trainlink_passing_score", readonly=False
    )
    trainlink_short_term_days = fields.Integer(
        related="company_id.trainlink_short_term_days", readonly=False
    )
    trainlink_kpi_window_months = fields.Integer(
        related="company_id.trainlink_kpi_window_months", readonly=False
    )
    trainlink_baseline_window_months = fields.Integer(
        related="company_id.trainlink_baseline_window_months", readonly=False
    )
    trainlink_mentorship_months = fields.Integer(
        related="company_id.trainlink_mentorship_months", readonly=False
    )
