from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    trainlink_passing_score = fields.Float(
        string="Default Passing Score",
        default=80.0,
        help="Exam score a new course requires to pass, out of 100.",
    )
    trainlink_short_term_days = fields.Integer(
        string="Short-term Check (days)",
        default=30,
        help="Days after completion when the skill test and work-output check "
        "are due (Kirkpatrick level 2).",
    )
    trainlink_kpi_window_months = fields.Integer(
        string="KPI Window (months)",
        default=3,
        help="Months after completion over which the KPI effect is measured.",
    )
    trainlink_baseline_window_months = fields.Integer(
        string="Baseline Window (months)",
        default=3,
        help="Months before the course used as the KPI baseline.",
    )
    trainlink_mentorship_months = fields.Integer(
        string="Mentorship Length (months)",
        default=2,
        help="Default length of a mentor assignment after a course.",
    )

    @api.constrains(
        "trainlink_passing_score",
        "trainlink_short_term_days",
        "trainlink_kpi_window_months",
        "trainlink_baseline_window_months",
        "trainlink_mentorship_months",
    )
    def _check_trainlink_settings(self):
        for company in self:
            if not 0 <= company.trainlink_passing_score <= 100:
                raise ValidationError(
                    _("The default passing score must be between 0 and 100.")
                )
            if (
                company.trainlink_short_term_days < 0
                or company.trainlink_kpi_window_months < 1
                or company.trainlink_baseline_window_months < 1
                or company.trainlink_mentorship_months < 1
            ):
                raise ValidationError(
                    _(
                        "Evaluation windows must be positive: at least one month "
                        "for the KPI, baseline and mentorship windows."
                    )
                )
