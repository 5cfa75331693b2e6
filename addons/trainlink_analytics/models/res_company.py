from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# The program's targets (DOMAIN section 10) and their default goals.
GOAL_FIELDS = {
    "needs_matched": "trainlink_goal_needs_matched",
    "job_coverage": "trainlink_goal_job_coverage",
    "participation": "trainlink_goal_participation",
    "pass_rate": "trainlink_goal_pass_rate",
    "application_rate": "trainlink_goal_application_rate",
    "kpi_lift": "trainlink_goal_kpi_lift",
    "roi": "trainlink_goal_roi",
}
PERCENT_GOALS = (
    "trainlink_goal_needs_matched",
    "trainlink_goal_job_coverage",
    "trainlink_goal_participation",
    "trainlink_goal_pass_rate",
    "trainlink_goal_application_rate",
)


class ResCompany(models.Model):
    _inherit = "res.company"

    trainlink_goal_needs_matched = fields.Float(
        string="Goal: Needs Matched by Courses (%)",
        default=90.0,
        help="Share of the year's training needs (rejected ones left out) that a "
        "course answers.",
    )
    trainlink_goal_job_coverage = fields.Float(
        string="Goal: Job-Specific Course Coverage (%)",
        default=100.0,
        help="Share of the company's jobs that at least one active course targets.",
    )
    trainlink_goal_participation = fields.Float(
        string="Goal: Participation (%)",
        default=85.0,
        help="Share of the employees who completed at least one training in the year.",
    )
    trainlink_goal_pass_rate = fields.Float(
        string="Goal: Skill Pass Rate (%)",
        default=80.0,
        help="Share of the year's completed trainings whose exam was passed.",
    )
    trainlink_goal_application_rate = fields.Float(
        string="Goal: Application Rate (%)",
        default=70.0,
        help="Share of the year's completed trainings whose application plan was "
        "carried out.",
    )
    trainlink_goal_kpi_lift = fields.Float(
        string="Goal: Post-Training KPI Lift (%)",
        default=5.0,
        help="Mean net KPI lift, in points of percent, of the contributions "
        "measured with enough data whose post window ended in the year.",
    )
    trainlink_goal_roi = fields.Float(
        string="Goal: ROI (x)",
        default=1.0,
        help="Measured benefit of the year's sessions divided by their cost.",
    )
    trainlink_analytics_min_trainees = fields.Integer(
        string="Minimum Trainees for a Course Figure",
        default=5,
        help="A course's effect on a KPI is ranked, and can raise an alert, only "
        "when at least this many of its trainees were measured with enough "
        "data; below, it is shown as too few.",
    )
    trainlink_alert_completion = fields.Float(
        string="Alert: Completion Rate (%)",
        default=80.0,
        help="A course whose completion rate reaches this, but whose measured "
        "lift stays near zero, raises an alert to HR.",
    )
    trainlink_alert_lift = fields.Float(
        string="Alert: Lift Near Zero Below (%)",
        default=2.0,
        help="The lift is near zero when even the top of its 95 % interval stays "
        "below this many points: the data rule out a meaningful effect.",
    )

    @api.constrains(*GOAL_FIELDS.values(), "trainlink_analytics_min_trainees")
    def _check_trainlink_goals(self):
        for company in self:
            for name in PERCENT_GOALS:
                if not 0.0 <= company[name] <= 100.0:
                    raise ValidationError(
                        _(
                            "%(goal)s must be between 0 and 100 %%.",
                            goal=self._fields[name].get_description(self.env)["string"],
                        )
                    )
            if company.trainlink_goal_roi < 0:
                raise ValidationError(_("The ROI goal cannot be negative."))
            if company.trainlink_analytics_min_trainees < 2:
                raise ValidationError(
                    _(
                        "A course figure needs at least 2 measured trainees: "
                        "with one, it has no interval."
                    )
                )
            if not 0.0 <= company.trainlink_alert_completion <= 100.0:
                raise ValidationError(
                    _("The alert's completion rate must be between 0 and 100 %.")
                )
