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
    trainlink_training_weight = fields.Float(
        related="company_id.trainlink_training_weight", readonly=False
    )
    trainlink_mentorship_months = fields.Integer(
        related="company_id.trainlink_mentorship_months", readonly=False
    )
    trainlink_target_flex_percent = fields.Float(
        related="company_id.trainlink_target_flex_percent", readonly=False
    )
    trainlink_excellent_score = fields.Float(
        related="company_id.trainlink_excellent_score", readonly=False
    )
    trainlink_coef_excellent = fields.Float(
        related="company_id.trainlink_coef_excellent", readonly=False
    )
    trainlink_coef_good = fields.Float(
        related="company_id.trainlink_coef_good", readonly=False
    )
    trainlink_coef_failed = fields.Float(
        related="company_id.trainlink_coef_failed", readonly=False
    )
    trainlink_contribution_min_points = fields.Integer(
        related="company_id.trainlink_contribution_min_points", readonly=False
    )
    trainlink_min_peers = fields.Integer(
        related="company_id.trainlink_min_peers", readonly=False
    )
    trainlink_hold_consequences = fields.Boolean(
        related="company_id.trainlink_hold_consequences", readonly=False
    )
    trainlink_min_group_size = fields.Integer(
        related="company_id.trainlink_min_group_size", readonly=False
    )
