from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .trainlink_assessment_cycle import PERIOD_TYPES, period_end
from .trainlink_contribution import VERDICTS

# Points a contribution rating gives to the training part of the score.
RATING_POINTS = {"excellent": 100.0, "good": 85.0, "fair": 70.0, "insufficient": 40.0}


def mean_rating_points(contributions):
    """Mean of the rating points of rated contributions; None without any."""
    if not contributions:
        return None
    return sum(RATING_POINTS[c.rating] for c in contributions) / len(contributions)


# A single KPI can't carry the whole score: achievements count up to this.
ACHIEVEMENT_CAP = 150.0
BANDS = [
    ("excellent", "Excellent"),
    ("good", "Good"),
    ("meets", "Meets Target"),
    ("below", "Below Target"),
    # No agreed target with data in the period: the score rests on training
    # alone and says so, rather than judging the person against targets.
    ("training_only", "Training Only (No Target)"),
    ("no_data", "No Data"),
]


class TrainlinkPerformanceScore(models.Model):
    _name = "trainlink.performance.score"
    _description = "Performance Score"
    _inherit = ["mail.thread", "trainlink.guarded.mixin"]
    _order = "period_start desc, employee_id"
    _rec_name = "employee_id"

    # Computed from the records by Compute, confirmed by a training officer
    # who is not the employee: never typed in.
    _trainlink_guarded_fields = frozenset(
        {
            "state",
            "kpi_score",
            "has_kpi_data",
            "training_score",
            "has_training",
            "bonus",
            "final_score",
            "band",
            "annual_score",
        }
    )
    _trainlink_personal_fields = frozenset({"training_weight"})

    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="employee_id.company_id", store=True, index=True
    )
    department_id = fields.Many2one(
        related="employee_id.department_id", store=True, index=True
    )
    period_type = fields.Selection(PERIOD_TYPES, required=True, default="quarter")
    period_start = fields.Date(required=True, index=True)
    period_end = fields.Date(
        compute="_compute_period_end",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed")],
        default="draft",
        required=True,
        tracking=True,
    )
    kpi_score = fields.Float(
        string="KPI Achievement (%)",
        readonly=True,
        aggregator="avg",
        help="Mean achievement of the employee's agreed KPI targets in the "
        "period, each counted up to 150 %.",
    )
    has_kpi_data = fields.Boolean(readonly=True)
    training_score = fields.Float(
        readonly=True,
        aggregator="avg",
        help="Mean of the ratings of the training contributions measured in the "
        "period (excellent 100, good 85, fair 70, insufficient 40); "
        "contributions flagged as low confidence are left out.",
    )
    has_training = fields.Boolean(readonly=True)
    training_weight = fields.Float(
        string="Training Weight (%)",
        default=lambda self: self.env.company.trainlink_training_weight,
        help="Share of the score given to training, between 0 and 50 %.",
    )
    bonus = fields.Float(
        string="Training Bonus (points)",
        readonly=True,
        help="Bonus points granted by the contribution rules in the period.",
    )
    final_score = fields.Float(readonly=True, aggregator="avg", tracking=True)
    band = fields.Selection(BANDS, readonly=True, default="no_data")
    annual_score = fields.Float(
        readonly=True,
        help="Yearly scores only: the period scores of the year weighted by the "
        "assessment cycle of the employee's job family.",
    )

    _sql_constraints = [
        (
            "employee_period_uniq",
            "unique(employee_id, period_type, period_start)",
            "This employee already has a score for this period.",
        ),
    ]

    @api.depends("period_type", "period_start")
    def _compute_period_end(self):
        for score in self:
            if score.period_start:
                score.period_end = period_end(
                    score.period_type or "quarter", score.period_start
                )

    @api.constrains("training_weight")
    def _check_training_weight(self):
        for score in self:
            if not 0 <= score.training_weight <= 50:
                raise ValidationError(
                    _(
                        "The training weight must be between 0 and 50 %%, not "
                        "%(weight)s.",
                        weight=score.training_weight,
                    )
                )

    @api.constrains("period_start", "period_end")
    def _check_period(self):
        for score in self:
            if score.period_end < score.period_start:
                raise ValidationError(
                    _(
                        "%(employee)s: the period ends before it starts.",
                        employee=score.employee_id.name,
                    )
                )

    def action_compute(self):
        """Compute the scores from the records (anyone who may edit them: the
        result depends on the data only)."""
        self.check_access("write")
        for score in self:
            if score.state == "confirmed":
                raise UserError(
                    _(
                        "%(employee)s: a confirmed score is not recomputed.",
                        employee=score.employee_id.name,
                    )
                )
            score.sudo().write(score._score_values())
        for score in self.filtered(lambda s: s.period_type == "year"):
            score.sudo().annual_score = score._annual_from_cycle()
        return True

    def action_confirm(self):
        self._trainlink_check_not_concerned()
        self.action_compute()
        self.sudo().write({"state": "confirmed"})
        return True

    def action_reset_draft(self):
        self._trainlink_check_not_concerned()
        self.check_access("write")
        self.sudo().write({"state": "draft"})
        return True

    def _score_values(self):
        self.ensure_one()
        kpi_score, has_kpi = self._kpi_part()
        training_score, bonus, has_training = self._training_part()
        weight = self.training_weight / 100.0
        if has_kpi and has_training:
            base = (1 - weight) * kpi_score + weight * training_score
        elif has_kpi:
            base = kpi_score
        elif has_training:
            base = training_score
        else:
            base = 0.0
        final = base + bonus if (has_kpi or has_training) else 0.0
        values = {
            "kpi_score": kpi_score,
            "has_kpi_data": has_kpi,
            "training_score": training_score,
            "has_training": has_training,
            "bonus": bonus,
            "final_score": final,
            "band": self._band(final)
            if has_kpi
            else ("training_only" if has_training else "no_data"),
        }
        return values

    def _kpi_part(self):
        """Mean capped achievement of agreed targets that have actual data."""
        pairs = (
            self.env["trainlink.kpi.target"]
            .sudo()
            ._achievement_for(self.employee_id, self.period_start, self.period_end)
        )
        achievements = [
            min(achievement, ACHIEVEMENT_CAP)
            for target, achievement in pairs
            if target.has_actual
        ]
        if not achievements:
            return 0.0, False
        return sum(achievements) / len(achievements), True

    def _training_part(self):
        contributions = (
            self.env["trainlink.contribution"]
            .sudo()
            .search(
                [
                    ("employee_id", "=", self.employee_id.id),
                    ("post_end", ">=", self.period_start),
                    ("post_end", "<=", self.period_end),
                    ("rating", "in", VERDICTS),
                ]
            )
        )
        if not contributions:
            return 0.0, 0.0, False
        bonus = sum(contributions.mapped("score_bonus"))
        return mean_rating_points(contributions), bonus, True

    @staticmethod
    def _band(final):
        if final >= 100:
            return "excellent"
        if final >= 85:
            return "good"
        if final >= 70:
            return "meets"
        return "below"

    def _annual_from_cycle(self):
        """The year's period scores weighted by the job family's cycle."""
        self.ensure_one()
        family = self.employee_id.job_id.trainlink_job_family or "general"
        cycle = self.env["trainlink.assessment.cycle"].search(
            [("job_family", "=", family), ("company_id", "=", self.company_id.id)],
            limit=1,
        )
        if not cycle:
            return self.final_score
        year_scores = self.search(
            [
                ("employee_id", "=", self.employee_id.id),
                ("period_start", ">=", self.period_start),
                ("period_end", "<=", self.period_end),
            ]
        )
        return cycle._annual_score(year_scores)

    @api.model
    def _generate(self, period_type, period_start, employees):
        """Create or refresh the draft scores of employees for one period."""
        existing = self.search(
            [
                ("employee_id", "in", employees.ids),
                ("period_type", "=", period_type),
                ("period_start", "=", period_start),
            ]
        )
        missing = employees - existing.employee_id
        created = self.create(
            [
                {
                    "employee_id": e.id,
                    "period_type": period_type,
                    "period_start": period_start,
                }
                for e in missing
            ]
        )
        scores = existing.filtered(lambda s: s.state == "draft") | created
        scores.action_compute()
        return scores
