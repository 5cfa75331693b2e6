from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# What the data files give the main company; every other company gets a copy.
DEFAULT_RULE = "trainlink_performance.trainlink_contribution_rule_default"
DEFAULT_CYCLES = tuple(
    f"trainlink_performance.assessment_cycle_{family}"
    for family in ("sales", "rnd", "management", "operations", "general")
)


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
    trainlink_training_weight = fields.Float(
        string="Training Weight (%)",
        default=30.0,
        help="Share of the individual performance score given to training "
        "application and its measured KPI lift, between 0 and 50 %.",
    )
    trainlink_mentorship_months = fields.Integer(
        string="Mentorship Length (months)",
        default=2,
        help="Default length of a mentor assignment after a course.",
    )
    trainlink_target_flex_percent = fields.Float(
        string="Target Flexibility (%)",
        default=15.0,
        help="How far an agreed KPI target may be adjusted during its period, "
        "in percent of the agreed value, all adjustments together.",
    )

    trainlink_excellent_score = fields.Float(
        string="Excellent Assessment Score",
        default=90.0,
        help="Exam score, out of 100, from which a passed training assessment "
        "is excellent.",
    )
    trainlink_coef_excellent = fields.Float(
        string="Bonus Coefficient: Excellent",
        default=1.2,
        digits=(16, 2),
        help="Bonus coefficient of an excellent training assessment.",
    )
    trainlink_coef_good = fields.Float(
        string="Bonus Coefficient: Good",
        default=1.0,
        digits=(16, 2),
        help="Bonus coefficient of a passed training assessment.",
    )
    trainlink_coef_failed = fields.Float(
        string="Bonus Coefficient: Failed",
        default=0.8,
        digits=(16, 2),
        help="Bonus coefficient of a failed training assessment.",
    )
    trainlink_contribution_min_points = fields.Integer(
        string="Minimum Data Points",
        default=2,
        help="Data points a training contribution needs on each side of the "
        "course (baseline and post window) not to be of low confidence.",
    )
    trainlink_min_peers = fields.Integer(
        string="Minimum Peers",
        default=5,
        help="Peers with data before and after the course that a training's "
        "measured effect needs to be compared with; with fewer (in the "
        "department, then the same job, then the job family) it is "
        "inconclusive.",
    )
    trainlink_hold_consequences = fields.Boolean(
        string="Release Consequences by Hand",
        default=True,
        help="The consequences of an insufficient training effect (the "
        "manager's review, the retraining, the improvement plan) wait until "
        "a training officer releases or dismisses them; otherwise they are "
        "arranged as soon as the effect is rated.",
    )
    trainlink_min_group_size = fields.Integer(
        string="Minimum Group Size",
        default=5,
        help="Figures about a group of people (a session's pass rate, a "
        "department's participation) are shown to employees and managers only "
        "when at least this many people are behind them, so that nobody "
        "infers one person's result. Training officers see them all.",
    )

    @api.constrains(
        "trainlink_passing_score",
        "trainlink_training_weight",
        "trainlink_short_term_days",
        "trainlink_kpi_window_months",
        "trainlink_baseline_window_months",
        "trainlink_mentorship_months",
    )
    def _check_trainlink_settings(self):
        for company in self:
            if not 0 <= company.trainlink_training_weight <= 50:
                raise ValidationError(
                    _("The training weight must be between 0 and 50 %%.")
                )
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

    @api.constrains("trainlink_target_flex_percent")
    def _check_trainlink_target_flex_percent(self):
        for company in self:
            if not 0 <= company.trainlink_target_flex_percent <= 100:
                raise ValidationError(
                    _("The target flexibility must be between 0 and 100 %%.")
                )

    @api.constrains(
        "trainlink_excellent_score",
        "trainlink_coef_excellent",
        "trainlink_coef_good",
        "trainlink_coef_failed",
        "trainlink_contribution_min_points",
        "trainlink_min_group_size",
        "trainlink_min_peers",
    )
    def _check_trainlink_contribution_settings(self):
        for company in self:
            if not 0 <= company.trainlink_excellent_score <= 100:
                raise ValidationError(
                    _("The excellent assessment score must be between 0 and 100.")
                )
            coefficients = (
                company.trainlink_coef_excellent,
                company.trainlink_coef_good,
                company.trainlink_coef_failed,
            )
            if min(coefficients) < 0:
                raise ValidationError(_("Bonus coefficients cannot be negative."))
            if company.trainlink_contribution_min_points < 1:
                raise ValidationError(
                    _("A contribution needs at least one data point per side.")
                )
            if company.trainlink_min_peers < 1:
                raise ValidationError(
                    _("A measured effect needs at least one peer to compare with.")
                )
            if company.trainlink_min_group_size < 2:
                raise ValidationError(
                    _("The minimum group size for shared figures is at least 2.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._trainlink_copy_defaults()
        return companies

    @api.model
    def _trainlink_copy_defaults_all(self):
        """On install: companies that existed before the add-on."""
        self.search([])._trainlink_copy_defaults()

    def _trainlink_copy_defaults(self):
        """Give each company that lacks them a copy of the default
        contribution rule and assessment cycles, which it then tunes."""
        Rule = self.env["trainlink.contribution.rule"].sudo()
        Cycle = self.env["trainlink.assessment.cycle"].sudo()
        rule = self.env.ref(DEFAULT_RULE, raise_if_not_found=False)
        cycles = Cycle.browse(
            self.env.ref(xml_id).id
            for xml_id in DEFAULT_CYCLES
            if self.env.ref(xml_id, raise_if_not_found=False)
        )
        for company in self:
            company_wide = Rule.with_context(active_test=False).search_count(
                [
                    ("company_id", "=", company.id),
                    ("course_id", "=", False),
                    ("kpi_id", "=", False),
                ]
            )
            if rule and not company_wide:
                rule.sudo().copy({"company_id": company.id})
            families = set(
                Cycle.search([("company_id", "=", company.id)]).mapped("job_family")
            )
            for cycle in cycles.filtered(lambda c, f=families: c.job_family not in f):
                cycle.copy({"company_id": company.id})
