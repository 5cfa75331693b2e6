from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .trainlink_assessment_cycle import PERIOD_TYPES, period_end
from .trainlink_contribution import VERDICTS
from .trainlink_kpi_target import AGREED_STATES, compute_achievement

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
        confirmed = self.filtered(lambda s: s.state == "confirmed")
        if confirmed:
            raise UserError(
                _(
                    "%(employee)s: a confirmed score is not recomputed.",
                    employee=confirmed[0].employee_id.name,
                )
            )
        values = self._score_values()
        for score in self:
            score.sudo().write(values[score.id])
        yearly = self.filtered(lambda s: s.period_type == "year")
        annual = yearly._annual_from_cycle()
        for score in yearly:
            score.sudo().annual_score = annual[score.id]
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

    # The parts below work on a whole batch of scores: each reads its records
    # with one search for the batch and sorts them out per score, in the order
    # the search gives (the order sums and "last" values are taken in).

    def _score_values(self):
        """{score id: values to write} of the scores, from the records."""
        kpi_parts = self._kpi_part()
        training_parts = self._training_part()
        values = {}
        for score in self:
            kpi_score, has_kpi = kpi_parts[score.id]
            training_score, bonus, has_training = training_parts[score.id]
            weight = score.training_weight / 100.0
            if has_kpi and has_training:
                base = (1 - weight) * kpi_score + weight * training_score
            elif has_kpi:
                base = kpi_score
            elif has_training:
                base = training_score
            else:
                base = 0.0
            final = base + bonus if (has_kpi or has_training) else 0.0
            values[score.id] = {
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
        """{score id: (mean capped achievement of the agreed targets that have
        actual data, whether there is any)}.

        The targets are those of trainlink.kpi.target._achievement_for(); their
        actuals are computed here for the whole batch at once, as the target's
        _actual() computes one (its employee's KPI values inside its period)."""
        targets = self._agreed_targets()
        actuals = self._kpi_actuals(targets)
        targets_by_employee = defaultdict(list)
        for target in targets:
            if target.id in actuals:
                targets_by_employee[target.employee_id.id].append(target)
        parts = {}
        for score in self:
            achievements = [
                min(
                    compute_achievement(
                        target.kpi_id.direction,
                        target.target_value,
                        actuals[target.id],
                    ),
                    ACHIEVEMENT_CAP,
                )
                for target in targets_by_employee[score.employee_id.id]
                if target.period_start <= score.period_end
                and target.period_end >= score.period_start
            ]
            parts[score.id] = (
                (sum(achievements) / len(achievements), True)
                if achievements
                else (0.0, False)
            )
        return parts

    def _agreed_targets(self):
        """The agreed employee targets overlapping the periods of the scores,
        oldest period first."""
        if not self:
            return self.env["trainlink.kpi.target"]
        return (
            self.env["trainlink.kpi.target"]
            .sudo()
            .search(
                [
                    ("level", "=", "employee"),
                    ("employee_id", "in", self.employee_id.ids),
                    ("state", "in", AGREED_STATES),
                    ("period_start", "<=", max(self.mapped("period_end"))),
                    ("period_end", ">=", min(self.mapped("period_start"))),
                ],
                order="period_start, kpi_id, id",
            )
        )

    @api.model
    def _kpi_actuals(self, targets):
        """{target id: actual value} of the employee targets that have KPI
        values in their period, combined by the KPI's aggregation: sum adds
        them, mean and rate average them, last takes the latest."""
        if not targets:
            return {}
        values = (
            self.env["trainlink.kpi.value"]
            .sudo()
            .search(
                [
                    ("kpi_id", "in", targets.kpi_id.ids),
                    ("employee_id", "in", targets.employee_id.ids),
                    ("period_start", ">=", min(targets.mapped("period_start"))),
                    ("period_end", "<=", max(targets.mapped("period_end"))),
                ]
            )
        )
        by_holder = defaultdict(list)
        for value in values:
            by_holder[value.employee_id.id, value.kpi_id.id].append(value)
        actuals = {}
        for target in targets:
            inside = values.browse(
                [
                    value.id
                    for value in by_holder[target.employee_id.id, target.kpi_id.id]
                    if value.period_start >= target.period_start
                    and value.period_end <= target.period_end
                ]
            )
            if not inside:
                continue
            actuals[target.id] = inside._combine(target.kpi_id.aggregation)
        return actuals

    def _training_part(self):
        """{score id: (mean rating points, bonus, whether any)} of the rated
        training contributions measured in each score's period."""
        contributions = self.env["trainlink.contribution"].sudo()
        if self:
            contributions = contributions.search(
                [
                    ("employee_id", "in", self.employee_id.ids),
                    ("post_end", ">=", min(self.mapped("period_start"))),
                    ("post_end", "<=", max(self.mapped("period_end"))),
                    ("rating", "in", VERDICTS),
                ]
            )
        by_employee = defaultdict(list)
        for contribution in contributions:
            by_employee[contribution.employee_id.id].append(contribution)
        parts = {}
        for score in self:
            mine = contributions.browse(
                [
                    contribution.id
                    for contribution in by_employee[score.employee_id.id]
                    if score.period_start <= contribution.post_end <= score.period_end
                ]
            )
            if not mine:
                parts[score.id] = (0.0, 0.0, False)
                continue
            bonus = sum(mine.mapped("score_bonus"))
            parts[score.id] = (mean_rating_points(mine), bonus, True)
        return parts

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
        """{score id: the year's period scores weighted by the cycle of the
        employee's job family} of yearly scores."""
        if not self:
            return {}
        cycles = {
            (cycle.job_family, cycle.company_id.id): cycle
            for cycle in self.env["trainlink.assessment.cycle"].search(
                [("company_id", "in", self.company_id.ids)]
            )
        }
        period_scores = defaultdict(list)
        for period_score in self.search(
            [
                ("employee_id", "in", self.employee_id.ids),
                ("period_start", ">=", min(self.mapped("period_start"))),
                ("period_end", "<=", max(self.mapped("period_end"))),
            ]
        ):
            period_scores[period_score.employee_id.id].append(period_score)
        annual = {}
        for score in self:
            family = score.employee_id.job_id.trainlink_job_family or "general"
            cycle = cycles.get((family, score.company_id.id))
            if not cycle:
                annual[score.id] = score.final_score
                continue
            year_scores = self.browse(
                [
                    period_score.id
                    for period_score in period_scores[score.employee_id.id]
                    if period_score.period_start >= score.period_start
                    and period_score.period_end <= score.period_end
                ]
            )
            annual[score.id] = cycle._annual_score(year_scores)
        return annual

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
