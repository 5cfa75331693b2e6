from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    trainlink_goal_needs_matched = fields.Float(
        related="company_id.trainlink_goal_needs_matched", readonly=False
    )
    trainlink_goal_job_coverage = fields.Float(
        related="company_id.trainlink_goal_job_coverage", readonly=False
    )
    trainlink_goal_participation = fields.Float(
        related="company_id.trainlink_goal_participation", readonly=False
    )
    trainlink_goal_pass_rate = fields.Float(
        related="company_id.trainlink_goal_pass_rate", readonly=False
    )
    trainlink_goal_application_rate = fields.Float(
        related="company_id.trainlink_goal_application_rate", readonly=False
    )
    trainlink_goal_kpi_lift = fields.Float(
        related="company_id.trainlink_goal_kpi_lift", readonly=False
    )
    trainlink_goal_roi = fields.Float(
        related="company_id.trainlink_goal_roi", readonly=False
    )
    trainlink_analytics_min_trainees = fields.Integer(
        related="company_id.trainlink_analytics_min_trainees", readonly=False
    )
    trainlink_alert_completion = fields.Float(
        related="company_id.trainlink_alert_completion", readonly=False
    )
    trainlink_alert_lift = fields.Float(
        related="company_id.trainlink_alert_lift", readonly=False
    )
