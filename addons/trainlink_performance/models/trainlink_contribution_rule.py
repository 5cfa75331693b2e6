from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# Ratings a rule can grant, best first; below "fair" a contribution is
# "insufficient".
GRANTED_RATINGS = ("excellent", "good", "fair")


class TrainlinkContributionRule(models.Model):
    _name = "trainlink.contribution.rule"
    _description = "Training Contribution Rule"
    _order = "company_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    course_id = fields.Many2one(
        "trainlink.course",
        domain="[('company_id', '=', company_id)]",
        help="Leave empty for every course. The most specific rule wins: "
        "course and KPI, then course, then KPI, then company-wide.",
    )
    kpi_id = fields.Many2one(
        "trainlink.kpi",
        string="KPI",
        domain="[('company_id', '=', company_id)]",
        help="Leave empty for every KPI.",
    )
    threshold_excellent = fields.Float(
        string="Excellent from (net lift %)",
        default=15.0,
        help="Net lift, in percent, that the whole 95 % interval of a "
        "contribution's net lift must clear for it to be excellent, unless "
        "combination lines decide the excellent rating.",
    )
    threshold_good = fields.Float(
        string="Good from (net lift %)",
        default=5.0,
        help="The whole 95 % interval of the net lift must clear it.",
    )
    threshold_fair = fields.Float(
        string="Fair from (net lift %)",
        default=0.0,
        help="A contribution whose whole 95 % interval lies below this net lift "
        "is insufficient (an improvement plan needs the whole 99 % interval "
        "below it); one whose interval straddles a threshold is inconclusive.",
    )
    line_ids = fields.One2many(
        "trainlink.contribution.rule.line",
        "rule_id",
        string="KPI Combinations",
        copy=True,
        help="When a rating has lines, it is granted only if every line holds "
        "for the same training and window (e.g. sales growth >= 15 % AND "
        "retention >= 10 % -> excellent); its single threshold is then ignored.",
    )
    bonus_excellent = fields.Float(
        string="Score Bonus: Excellent",
        default=5.0,
        help="Percentage points added to the performance score of the period.",
    )
    bonus_good = fields.Float(string="Score Bonus: Good")
    bonus_fair = fields.Float(string="Score Bonus: Fair")
    bonus_insufficient = fields.Float(
        string="Score Bonus: Insufficient", help="May be negative: a malus."
    )
    review_activity = fields.Boolean(
        string="Ask the Manager to Review",
        default=True,
        help="Insufficient: schedule an activity for the employee's manager to "
        "review the training with the employee (wrong content? skill not "
        "mastered?).",
    )
    retrain = fields.Boolean(
        default=True,
        help="Insufficient: enrol the employee in the next draft or confirmed "
        "session of the course, or, without one, raise an individual "
        "competency need for the course.",
    )
    improvement_plan = fields.Boolean(
        string="Improvement Plan Due",
        default=True,
        help="Insufficient: flag the contribution as calling for a performance "
        "improvement plan.",
    )

    @api.constrains("threshold_excellent", "threshold_good", "threshold_fair")
    def _check_thresholds(self):
        for rule in self:
            if not (
                rule.threshold_excellent >= rule.threshold_good >= rule.threshold_fair
            ):
                raise ValidationError(
                    _(
                        "Rule %(rule)s: the thresholds must go down from excellent "
                        "to good to fair.",
                        rule=rule.name,
                    )
                )

    @api.constrains("active", "company_id", "course_id", "kpi_id")
    def _check_one_rule_per_scope(self):
        for rule in self.filtered("active"):
            same_scope = self.search_count(
                [
                    ("id", "!=", rule.id),
                    ("company_id", "=", rule.company_id.id),
                    ("course_id", "=", rule.course_id.id),
                    ("kpi_id", "=", rule.kpi_id.id),
                ]
            )
            if same_scope:
                raise ValidationError(
                    _(
                        "Rule %(rule)s: another active rule already covers the same "
                        "course and KPI in this company.",
                        rule=rule.name,
                    )
                )

    @api.constrains("company_id", "course_id", "kpi_id")
    def _check_company(self):
        for rule in self:
            companies = rule.course_id.company_id | rule.kpi_id.company_id
            if companies - rule.company_id:
                raise ValidationError(
                    _(
                        "Rule %(rule)s: the course and the KPI must belong to the "
                        "rule's company.",
                        rule=rule.name,
                    )
                )

    def action_reapply(self):
        """Rate again every contribution of the rules' companies."""
        contributions = self.env["trainlink.contribution"].search(
            [("company_id", "in", self.company_id.ids)]
        )
        contributions.action_reapply_rules()
        return True

    def _specificity(self):
        self.ensure_one()
        return 2 * bool(self.course_id) + bool(self.kpi_id)

    def _select_for(self, contribution):
        """The rule, among self, that rates the contribution: the most specific
        one of its company, then the lowest sequence."""
        candidates = self.filtered(
            lambda r: (
                r.company_id == contribution.company_id
                and r.course_id
                in (contribution.course_id, self.env["trainlink.course"])
                and r.kpi_id in (contribution.kpi_id, self.env["trainlink.kpi"])
            )
        )
        ordered = candidates.sorted(lambda r: (-r._specificity(), r.sequence, r.id))
        return ordered[:1]

    def _rate(self, contribution, window):
        """(rating, lead KPI) of a contribution that can be judged, on the
        evidence of its 95 % interval: a rating is granted when the whole
        interval clears its threshold (the lower end reaches it), insufficient
        when the whole interval lies below the fair threshold, inconclusive
        otherwise (the effect is within the noise). `window` maps the KPI ids
        of the same training and window to their contributions. The lead KPI
        is set when a combination granted the rating: its contribution alone
        carries the bonus, so that one combination is not rewarded once per
        KPI."""
        self.ensure_one()
        no_kpi = self.env["trainlink.kpi"]
        for rating in GRANTED_RATINGS:
            lines = self.line_ids.filtered(lambda line, r=rating: line.rating == r)
            if not lines:
                if contribution.net_lift_low >= self[f"threshold_{rating}"]:
                    return rating, no_kpi
            elif all(line._holds(window) for line in lines):
                return rating, lines[0].kpi_id
        if contribution.net_lift_high < self.threshold_fair:
            return "insufficient", no_kpi
        return "inconclusive", no_kpi

    def _bonus(self, rating):
        self.ensure_one()
        return self[f"bonus_{rating}"] if rating else 0.0
