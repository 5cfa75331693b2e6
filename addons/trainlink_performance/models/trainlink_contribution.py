from collections import defaultdict
from datetime import date

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, ValidationError

from .trainlink_kpi_value import MAX_TEXT_LENGTH
from .trainlink_stats import combined_estimate, mean_interval, t_critical

GROUP_OFFICER = "trainlink_performance.group_trainlink_officer"
RATINGS = [
    ("excellent", "Excellent"),
    ("good", "Good"),
    ("fair", "Fair"),
    ("insufficient", "Insufficient"),
    ("inconclusive", "Inconclusive"),
]
# Ratings that judge the person: they count in scores, bonuses and
# consequences. "inconclusive" changes nothing.
VERDICTS = ("excellent", "good", "fair", "insufficient")
INCONCLUSIVE_REASONS = [
    ("baseline", "No baseline to compare with"),
    ("months", "Too few months of data"),
    ("peers", "Too few comparable peers"),
    ("pre_trend", "Trainee and peers moved apart before the course"),
    ("noise", "Effect within the noise"),
]
BASES = [
    ("department", "Same department (and job)"),
    ("job", "Same job in the company"),
    ("job_family", "Same job family in the company"),
    ("none", "No comparison group"),
]
# Fields of an upserted row, natural key first, with the types they accept.
KEY_FIELDS = ("attendance_id", "kpi_code", "post_start", "post_end")
ROW_FIELDS = {
    "attendance_id": int,
    "kpi_code": str,
    "post_start": str,
    "post_end": str,
    "baseline_start": str,
    "baseline_end": str,
    "baseline_value": (int, float),
    "post_value": (int, float),
    "peer_lift": (int, float),
    "baseline_points": int,
    "post_points": int,
}
# Measurement fields a row may give (a worker older than 18.0.1.1 sends none:
# its contributions are inconclusive), with their types.
OPTIONAL_ROW_FIELDS = {
    "peer_count": int,
    "comparison_basis": str,
    "peer_lift_se": (int, float),
    "net_lift_se": (int, float),
    "interval_dof": (int, float),
    "pre_trend": (int, float),
    "pre_trend_se": (int, float),
    "baseline_matched": bool,
}
# Compared to decide whether an existing contribution changed.
COMPARED_FIELDS = (
    "baseline_start",
    "baseline_end",
    "baseline_value",
    "post_value",
    "peer_lift",
    "baseline_points",
    "post_points",
    *OPTIONAL_ROW_FIELDS,
)
# Writing any of these can change a rating: the rules are applied again.
MEASURE_FIELDS = {*COMPARED_FIELDS, "attendance_id", "kpi_id", "post_start", "post_end"}
REVIEW_ACTIVITY = "trainlink_performance.mail_activity_type_review_effect"
CONSEQUENCE_STATES = [
    ("pending", "Awaiting Release"),
    ("released", "Released"),
    ("dismissed", "Dismissed"),
]


class TrainlinkContribution(models.Model):
    _name = "trainlink.contribution"
    _description = "Training Contribution to a KPI"
    _inherit = ["trainlink.guarded.mixin"]
    _order = "post_end desc, id desc"

    # Measured by the sync worker (through api_upsert) and rated by the
    # rules: nobody types a measurement, a rating or its consequences.
    _trainlink_guarded_fields = frozenset(
        {
            *MEASURE_FIELDS,
            "rating",
            "inconclusive_reason",
            "rule_id",
            "score_bonus",
            "pip_due",
            "consequence_state",
            "consequence_reviewer_id",
            "retrain_attendance_id",
            "retrain_need_id",
            "run_id",
            "last_synced",
        }
    )

    attendance_id = fields.Many2one(
        "trainlink.attendance",
        string="Training",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('state', '=', 'completed')]",
    )
    employee_id = fields.Many2one(
        related="attendance_id.employee_id", store=True, index=True
    )
    course_id = fields.Many2one(
        related="attendance_id.course_id", store=True, index=True
    )
    company_id = fields.Many2one(
        related="attendance_id.company_id", store=True, index=True
    )
    department_id = fields.Many2one(related="attendance_id.department_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    kpi_id = fields.Many2one(
        "trainlink.kpi", string="KPI", required=True, index=True, ondelete="restrict"
    )
    kpi_direction = fields.Selection(related="kpi_id.direction")
    baseline_start = fields.Date(required=True)
    baseline_end = fields.Date(required=True)
    baseline_value = fields.Float(
        string="Baseline (per month)",
        help="The trainee's mean monthly KPI value over the baseline window "
        "(the months before the course that have a value).",
    )
    baseline_points = fields.Integer(
        help="Data points (periods with a value) in the baseline window."
    )
    post_start = fields.Date(string="Post Window Start", required=True, index=True)
    post_end = fields.Date(string="Post Window End", required=True, index=True)
    post_value = fields.Float(
        string="Post Window (per month)",
        help="The trainee's mean monthly KPI value over the post-course window.",
    )
    post_points = fields.Integer(
        help="Data points (periods with a value) in the post-course window."
    )
    lift = fields.Float(
        string="Lift (%)",
        compute="_compute_lift",
        store=True,
        digits=(16, 2),
        aggregator="avg",
        help="Change from the baseline to the post window, in percent of the "
        "baseline, signed by the KPI's direction: positive means better. Zero "
        "when the baseline is zero.",
    )
    peer_lift = fields.Float(
        string="Peer Lift (%)",
        aggregator="avg",
        help="The lift of the comparison group over the same months, each peer "
        "measured against their own baseline; when the months before the "
        "baseline are known, the lift expected of peers whose figures changed "
        "as the trainee's did before the course (regression to the mean).",
    )
    peer_count = fields.Integer(
        help="Peers with values on both sides of the course: the same people "
        "before and after."
    )
    comparison_basis = fields.Selection(
        BASES,
        help="Who the peers are: the department first, then the same job across "
        "the company, then the job family, whichever first has enough peers.",
    )
    baseline_matched = fields.Boolean(
        string="Matched on Baseline",
        help="The peers' lift is the one expected of peers whose figures moved "
        "from their usual level to their baseline as the trainee's did "
        "(regression to the mean).",
    )
    peer_lift_se = fields.Float(
        string="Peer Lift Std. Error",
        help="Standard error of the peers' lift: an error every trainee "
        "compared with the same peers shares, added to a course's interval.",
    )
    net_lift_se = fields.Float(
        string="Net Lift Std. Error",
        help="Standard error of the net lift, from the month-to-month variation "
        "of the trainee and the peers.",
    )
    interval_dof = fields.Float(
        string="Degrees of Freedom",
        help="Of the interval (Welch-Satterthwaite).",
    )
    net_lift_low = fields.Float(
        string="Net Lift Low (%)",
        compute="_compute_interval",
        store=True,
        digits=(16, 2),
        help="Lower end of the 95 % interval of the net lift.",
    )
    net_lift_high = fields.Float(
        string="Net Lift High (%)",
        compute="_compute_interval",
        store=True,
        digits=(16, 2),
        help="Upper end of the 95 % interval of the net lift.",
    )
    has_interval = fields.Boolean(compute="_compute_interval", store=True)
    pre_trend = fields.Float(
        string="Pre-trend (points/month)",
        help="How the gap between trainee and peers moved per month before the "
        "course; near zero when they moved alike.",
    )
    pre_trend_se = fields.Float(string="Pre-trend Std. Error")
    pre_trend_ok = fields.Boolean(
        string="Parallel Before the Course",
        compute="_compute_interval",
        store=True,
        help="The pre-trend's 95 % interval holds zero (or the baseline is too "
        "short to tell): trainee and peers moved alike before the course.",
    )
    inconclusive_reason = fields.Selection(
        INCONCLUSIVE_REASONS, readonly=True, copy=False
    )
    net_lift = fields.Float(
        string="Net Lift (%)",
        compute="_compute_lift",
        store=True,
        digits=(16, 2),
        aggregator="avg",
        help="Lift minus peer lift: the improvement the course can claim.",
    )
    low_confidence = fields.Boolean(
        compute="_compute_low_confidence",
        store=True,
        index=True,
        help="Thin data: fewer months on a side or fewer peers than the "
        "company's minimums, or no baseline to compare with. Inconclusive: no "
        "bonus, no consequence, left out of averages and ROI.",
    )
    benefit = fields.Monetary(
        string="Measured Benefit",
        compute="_compute_benefit",
        store=True,
        help="Money value of the net effect over the whole post window: net "
        "lift % / 100 x |baseline per month| x months in the post window x the "
        "KPI's unit value. Zero for thin data.",
    )
    benefit_basis = fields.Char(
        compute="_compute_benefit_basis",
        help="How the benefit was computed, with its figures.",
    )
    rating = fields.Selection(RATINGS, readonly=True, index=True, copy=False)
    rule_id = fields.Many2one(
        "trainlink.contribution.rule",
        readonly=True,
        ondelete="set null",
        copy=False,
        help="Rule that set the rating.",
    )
    score_bonus = fields.Float(
        readonly=True,
        copy=False,
        aggregator="sum",
        help="Percentage points the rule adds to the performance score of the "
        "period in which the post window ends.",
    )
    pip_due = fields.Boolean(
        string="Improvement Plan Due",
        readonly=True,
        copy=False,
        index=True,
        help="The effect is insufficient and the rule asks for a performance "
        "improvement plan.",
    )
    consequence_state = fields.Selection(
        CONSEQUENCE_STATES,
        string="Consequences",
        readonly=True,
        copy=False,
        index=True,
        help="What became of the consequences of an insufficient effect (the "
        "manager's review, the retraining, the improvement plan): awaiting "
        "release by a training officer when the company releases them by "
        "hand, released (arranged), or dismissed. Reset when the rating "
        "changes, so that a relapse is handled again.",
    )
    consequence_reviewer_id = fields.Many2one(
        "res.users",
        string="Reviewer",
        readonly=True,
        copy=False,
        index=True,
        ondelete="set null",
        help="Who reviews the training with the employee: their manager, else "
        "the department's manager, else the course's training officer.",
    )
    consequence_summary = fields.Char(
        string="What Follows",
        compute="_compute_consequence_summary",
        help="What releasing the consequences arranges, as the rule says.",
    )
    retrain_attendance_id = fields.Many2one(
        "trainlink.attendance",
        string="Retraining Enrolment",
        readonly=True,
        ondelete="set null",
        copy=False,
    )
    retrain_need_id = fields.Many2one(
        "trainlink.need",
        string="Retraining Need",
        readonly=True,
        ondelete="set null",
        copy=False,
    )
    run_id = fields.Many2one("trainlink.sync.run", ondelete="set null", index=True)
    last_synced = fields.Datetime()

    _sql_constraints = [
        (
            "attendance_kpi_window_uniq",
            "unique(attendance_id, kpi_id, post_start, post_end)",
            "This training already has a contribution for this KPI and window.",
        ),
        (
            "windows_check",
            "CHECK(post_end >= post_start AND baseline_end >= baseline_start)",
            "A window cannot end before it starts.",
        ),
        (
            "points_check",
            "CHECK(baseline_points >= 0 AND post_points >= 0)",
            "Data point counts cannot be negative.",
        ),
    ]

    def init(self):
        # The performance score and the employee summary read an employee's
        # contributions by the end of their window.
        tools.create_index(
            self._cr,
            "trainlink_contribution_employee_post_end_idx",
            self._table,
            ["employee_id", "post_end"],
        )

    @api.depends("baseline_value", "post_value", "peer_lift", "kpi_id.direction")
    def _compute_lift(self):
        for contribution in self:
            baseline = contribution.baseline_value
            change = (
                100.0 * (contribution.post_value - baseline) / abs(baseline)
                if baseline
                else 0.0
            )
            contribution.lift = (
                -change if contribution.kpi_id.direction == "lower" else change
            )
            contribution.net_lift = contribution.lift - contribution.peer_lift

    @api.depends(
        "baseline_points",
        "post_points",
        "baseline_value",
        "peer_count",
        "company_id.trainlink_contribution_min_points",
        "company_id.trainlink_min_peers",
    )
    def _compute_low_confidence(self):
        for contribution in self:
            contribution.low_confidence = bool(contribution._thin_data_reason())

    def _thin_data_reason(self):
        """Why the data cannot bear a verdict, or False."""
        self.ensure_one()
        company = self.company_id
        minimum = company.trainlink_contribution_min_points
        if not self.baseline_value:
            return "baseline"
        if self.baseline_points < minimum or self.post_points < minimum:
            return "months"
        if self.peer_count < company.trainlink_min_peers:
            return "peers"
        return False

    @api.depends("net_lift", "net_lift_se", "interval_dof", "pre_trend", "pre_trend_se")
    def _compute_interval(self):
        for contribution in self:
            critical = t_critical(contribution.interval_dof)
            half = critical * contribution.net_lift_se if critical else None
            contribution.has_interval = critical is not None
            contribution.net_lift_low = (
                contribution.net_lift - half if half is not None else 0.0
            )
            contribution.net_lift_high = (
                contribution.net_lift + half if half is not None else 0.0
            )
            # The slope of n baseline months has n - 2 degrees of freedom.
            trend_critical = t_critical(contribution.baseline_points - 2)
            contribution.pre_trend_ok = (
                not trend_critical
                or not contribution.pre_trend_se
                or abs(contribution.pre_trend)
                <= trend_critical * contribution.pre_trend_se
            )

    @api.depends(
        "net_lift",
        "baseline_value",
        "post_points",
        "low_confidence",
        "kpi_id.unit_value",
    )
    def _compute_benefit(self):
        for contribution in self:
            contribution.benefit = (
                0.0
                if contribution.low_confidence
                else contribution.net_lift
                / 100.0
                * abs(contribution.baseline_value)
                * contribution.post_points
                * contribution.kpi_id.unit_value
            )

    @api.depends("benefit")
    def _compute_benefit_basis(self):
        for contribution in self:
            contribution.benefit_basis = (
                False
                if contribution.low_confidence
                else _(
                    "%(lift).1f %% x %(monthly).2f per month x %(months)s months x "
                    "%(unit).2f per unit",
                    lift=contribution.net_lift,
                    monthly=abs(contribution.baseline_value),
                    months=contribution.post_points,
                    unit=contribution.kpi_id.unit_value,
                )
            )

    @api.depends("employee_id", "course_id", "kpi_id", "post_end")
    @api.depends("rule_id", "pip_due", "consequence_state")
    def _compute_consequence_summary(self):
        for contribution in self:
            rule = contribution.rule_id
            parts = []
            if contribution.consequence_state:
                if rule.review_activity:
                    parts.append(_("review with the manager"))
                if rule.retrain:
                    parts.append(_("retraining"))
                if contribution.pip_due:
                    parts.append(_("improvement plan"))
            contribution.consequence_summary = tools.format_list(self.env, parts)

    def _compute_display_name(self):
        for contribution in self:
            contribution.display_name = (
                f"{contribution.employee_id.name} - {contribution.course_id.name} - "
                f"{contribution.kpi_id.code} ({contribution.post_end})"
            )

    @api.constrains("attendance_id", "kpi_id")
    def _check_kpi_company(self):
        for contribution in self:
            if contribution.kpi_id.company_id != contribution.company_id:
                raise ValidationError(
                    _(
                        "%(contribution)s: the KPI belongs to another company than "
                        "the training.",
                        contribution=contribution.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        contributions = super().create(vals_list)
        if not self.env.context.get("trainlink_defer_rules"):
            contributions._apply_rules()
        return contributions

    def write(self, vals):
        result = super().write(vals)
        if MEASURE_FIELDS & vals.keys() and not self.env.context.get(
            "trainlink_defer_rules"
        ):
            self._apply_rules()
        return result

    # -------------------------------------------------------------- actions --

    def action_reapply_rules(self):
        """Rate the contributions again, e.g. after a rule changed."""
        if not self.env.user.has_group(GROUP_OFFICER):
            raise AccessError(_("Only training officers can re-apply the rules."))
        self.check_access("write")
        self._apply_rules()
        return True

    # ---------------------------------------------------------------- rules --

    def _apply_rules(self):
        """Rate the contributions, with the others of the same trainings and
        windows (a rule may combine their KPIs), by the most specific rule of
        their company, and arrange the consequences of the ratings.

        Runs as superuser: the sync user reads no rules and creates no
        enrolments itself. Writes only what changed.
        """
        if not self:
            return
        contributions = self._with_siblings()
        rules = (
            self.env["trainlink.contribution.rule"]
            .sudo()
            .search([("company_id", "in", contributions.company_id.ids)])
        )
        by_window = contributions._by_window()
        pip_turned_on = self.browse().sudo()
        # One write per set of changed values, not one per contribution.
        to_write = defaultdict(list)
        for contribution in contributions:
            rule = rules._select_for(contribution)
            vals = contribution._rated_values(rule, by_window[contribution._window()])
            current = contribution._current_rated_values()
            changed = {name: v for name, v in vals.items() if current[name] != v}
            if changed:
                if changed.get("pip_due"):
                    pip_turned_on |= contribution
                to_write[tuple(sorted(changed.items()))].append(contribution.id)
        for changed, ids in to_write.items():
            contributions.browse(ids).write(dict(changed))
        arising = contributions.filtered(
            lambda c: (
                c.rating == "insufficient"
                and not c.consequence_state
                and c._has_consequences()
            )
        )
        held = arising.filtered(lambda c: c.company_id.trainlink_hold_consequences)
        held._hold_consequences()
        (arising - held)._release_consequences()
        # A plan is a consequence too: it waits for the release.
        pip_turned_on = pip_turned_on.filtered(
            lambda c: c.consequence_state == "released"
        )
        if pip_turned_on:
            pip_turned_on._trainlink_pip_due()

    def _with_siblings(self):
        """The contributions and the other ones of the same trainings and
        windows, as superuser."""
        contributions = self.sudo()
        windows = {c._window() for c in contributions}
        others = contributions.search(
            [("attendance_id", "in", contributions.attendance_id.ids)]
        )
        return contributions | others.filtered(lambda c: c._window() in windows)

    def _window(self):
        return self.attendance_id.id, self.post_start, self.post_end

    def _by_window(self):
        """{window: {KPI id: contribution}} of the same trainings and windows."""
        windows = defaultdict(dict)
        for contribution in self:
            windows[contribution._window()][contribution.kpi_id.id] = contribution
        return windows

    def _inconclusive_reason(self):
        """Why no verdict can be drawn whatever the lift, or False: thin data,
        no interval, or trainee and peers moving apart before the course."""
        self.ensure_one()
        reason = self._thin_data_reason()
        if reason:
            return reason
        if not self.has_interval:
            return "months"
        if not self.pre_trend_ok:
            return "pre_trend"
        return False

    def _can_judge(self):
        self.ensure_one()
        return not self._inconclusive_reason()

    def _rated_values(self, rule, window):
        """What the rule makes of the contribution; window: the contributions
        of the same training and window by KPI id. A verdict needs evidence:
        see the rule's _rate."""
        self.ensure_one()
        lead_kpi, reason = self.kpi_id.browse(), False
        if not rule:
            rating = False
        else:
            reason = self._inconclusive_reason()
            if reason:
                rating = "inconclusive"
            else:
                rating, lead_kpi = rule._rate(self, window)
                reason = rating == "inconclusive" and "noise"
        insufficient = rating == "insufficient"
        carries_bonus = rating in VERDICTS and (not lead_kpi or lead_kpi == self.kpi_id)
        return {
            "rating": rating,
            "inconclusive_reason": reason or False,
            "rule_id": rule.id,
            "score_bonus": rule._bonus(rating) if carries_bonus else 0.0,
            "pip_due": bool(
                insufficient and rule.improvement_plan and self._plan_evidence(rule)
            ),
            "consequence_state": insufficient and self.consequence_state,
            "consequence_reviewer_id": (
                insufficient and self.consequence_reviewer_id.id
            ),
        }

    def _plan_evidence(self, rule):
        """An improvement plan weighs more than a rating: it needs even the
        99 % interval of the net lift below the rule's fair threshold."""
        self.ensure_one()
        critical = t_critical(self.interval_dof, 99)
        return bool(critical) and (
            self.net_lift + critical * self.net_lift_se < rule.threshold_fair
        )

    def _current_rated_values(self):
        self.ensure_one()
        return {
            "rating": self.rating,
            "inconclusive_reason": self.inconclusive_reason,
            "rule_id": self.rule_id.id,
            "score_bonus": self.score_bonus,
            "pip_due": self.pip_due,
            "consequence_state": self.consequence_state,
            "consequence_reviewer_id": self.consequence_reviewer_id.id,
        }

    # ---------------------------------------------------------- consequences --

    def action_release_consequences(self):
        """Arrange the consequences awaiting release: the reviews, the
        retraining and the improvement plans; each reviewer is told once."""
        pending = self._check_consequence_decision()
        pending._release_consequences()
        planned = pending.filtered("pip_due")
        if planned:
            planned._trainlink_pip_due()
        return True

    def action_dismiss_consequences(self):
        """Drop the consequences awaiting release (e.g. the data behind the
        rating is known to be wrong): nothing is arranged, nobody is told."""
        pending = self._check_consequence_decision()
        pending.write({"consequence_state": "dismissed"})
        return True

    def _check_consequence_decision(self):
        """The contributions awaiting release, as superuser, once the user may
        decide on them: a training officer with write access, not about
        themselves."""
        if not self.env.user.has_group(GROUP_OFFICER):
            raise AccessError(
                _("Only training officers can release or dismiss consequences.")
            )
        self.check_access("write")
        if self.employee_id.user_id & self.env.user:
            raise AccessError(
                _(
                    "You cannot release or dismiss the consequences of your "
                    "own training."
                )
            )
        return self.sudo().filtered(lambda c: c.consequence_state == "pending")

    def _has_consequences(self):
        """Whether the rule of an insufficient effect arranges anything."""
        self.ensure_one()
        rule = self.rule_id
        return bool(rule.review_activity or rule.retrain or self.pip_due)

    def _hold_consequences(self):
        """Keep the consequences until a training officer releases them,
        noting who would review each training."""
        by_reviewer = defaultdict(list)
        for contribution in self:
            by_reviewer[contribution._reviewer().id].append(contribution.id)
        for reviewer_id, ids in by_reviewer.items():
            self.browse(ids).write(
                {
                    "consequence_state": "pending",
                    "consequence_reviewer_id": reviewer_id or False,
                }
            )

    def _release_consequences(self):
        """An insufficient effect: the manager reviews the training with the
        employee and the employee is trained again, as the rule says; each
        reviewer gets one summary of what was arranged instead of a message
        per activity. The whole batch at once: the queries do not grow with
        its size."""
        if not self:
            return
        self.filtered(lambda c: c.rule_id.review_activity)._schedule_review()
        self.filtered(lambda c: c.rule_id.retrain)._plan_retraining()
        self.write({"consequence_state": "released"})
        self._notify_reviewers()

    def _reviewer(self):
        """The employee's manager, else the department's, else the course's
        training officer; never the employee."""
        self.ensure_one()
        employee = self.employee_id
        candidates = (
            employee.parent_id.user_id,
            employee.department_id.manager_id.user_id,
            self.course_id.responsible_id,
        )
        for user in candidates:
            if user and user != employee.user_id:
                return user
        return self.env["res.users"]

    def _schedule_review(self):
        """One open review activity per training and reviewer, however many
        of its KPIs fall short; the activities of the batch in one create."""
        if not self or self.env.context.get("mail_activity_automation_skip"):
            return
        activity_type = self.env.ref(REVIEW_ACTIVITY)
        attendances = self.attendance_id
        Activity = self.env["mail.activity"]
        open_reviews = Activity.search(
            [
                ("res_model", "=", attendances._name),
                ("res_id", "in", attendances.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        reviewed = {(a.res_id, a.user_id.id) for a in open_reviews}
        model_id = self.env["ir.model"]._get(attendances._name).id
        deadline = fields.Date.add(
            fields.Date.context_today(self), days=activity_type.delay_count or 7
        )
        vals_list = []
        for contribution in self:
            reviewer = contribution._reviewer()
            key = (contribution.attendance_id.id, reviewer.id)
            if not reviewer or key in reviewed:
                continue
            reviewed.add(key)
            # In the reviewer's language, not the sync user's.
            summary, note = contribution.with_context(
                lang=reviewer.lang
            )._review_texts()
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "summary": summary,
                    "automated": True,
                    "note": note,
                    "date_deadline": deadline,
                    "res_model_id": model_id,
                    "res_id": contribution.attendance_id.id,
                    "user_id": reviewer.id,
                }
            )
        if vals_list:
            # Each activity computes the name of its record: read them at once.
            attendances.mapped("display_name")
            # No message per activity: each reviewer gets one summary.
            Activity.with_context(mail_activity_quick_update=True).create(vals_list)

    def _notify_reviewers(self):
        """One message per reviewer, in their language, listing the trainings
        of the batch they review and how each employee is retrained."""
        by_reviewer = defaultdict(list)
        for contribution in self:
            rule = contribution.rule_id
            reviewer = contribution._reviewer()
            if reviewer and (rule.review_activity or rule.retrain):
                by_reviewer[reviewer].append(contribution.id)
        Thread = self.env["mail.thread"]
        for reviewer, ids in by_reviewer.items():
            contributions = self.browse(ids).with_context(lang=reviewer.lang)
            subject, body = contributions._reviewer_summary()
            Thread.message_notify(
                partner_ids=reviewer.partner_id.ids, subject=subject, body=body
            )

    def _reviewer_summary(self):
        """(subject, body) of a reviewer's summary, in the context's language."""
        row = Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
        lines = [
            row
            % (
                c.employee_id.name,
                c.course_id.name,
                c.kpi_id.display_name,
                f"{c.net_lift:+.1f} %",
                c._retraining_label(),
            )
            for c in self.sorted(lambda c: (c.employee_id.name or "", c.id))
        ]
        header = Markup(
            "<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
            "</tr></thead>"
        ) % (_("Employee"), _("Course"), _("KPI"), _("Net Lift"), _("Retraining"))
        intro = _(
            "These trainings did not move their KPI enough, net of peers. "
            "Please review each with the employee: the activities are in your "
            "to-do list."
        )
        body = Markup(
            "<p>%s</p><table class='table table-sm'>%s<tbody>%s</tbody></table>"
        ) % (
            intro,
            header,
            Markup().join(lines),
        )
        subject = _(
            "Training effects to review: %(count)s",
            count=len(self.attendance_id),
        )
        return subject, body

    def _retraining_label(self):
        """How the employee is retrained, in the context's language."""
        self.ensure_one()
        session = self.retrain_attendance_id.session_id
        if session:
            return _(
                "Enrolled in the session of %(date)s",
                date=tools.format_date(self.env, session.date_start),
            )
        if self.retrain_need_id:
            return _("Training need raised")
        return ""

    def _review_texts(self):
        """(summary, note) of the review activity, in the context's language."""
        self.ensure_one()
        return (
            _(
                "Review the effect of %(course)s with %(employee)s",
                course=self.course_id.name,
                employee=self.employee_id.name,
            ),
            _(
                "%(kpi)s moved %(net_lift).1f %% net of peers after the course: "
                "below expectations. Wrong content? Skill not mastered?",
                kpi=self.kpi_id.with_context(lang=self.env.lang).display_name,
                net_lift=self.net_lift,
            ),
        )

    def _readers_lang(self):
        """The language of the people who read what a run creates (the
        employee's manager, else the company): never the sync user's."""
        self.ensure_one()
        reviewer = self._reviewer()
        return reviewer.lang or self.company_id.partner_id.lang or self.env.lang

    def _retrain_key(self):
        return self.course_id.id, self.employee_id.id

    def _plan_retraining(self):
        """Enrol each employee in the next draft or confirmed session of the
        course with a free seat; without one, raise an individual competency
        need for the course. An enrolment or open need that exists is reused.
        The contributions are served in order as seats fill up, with one
        search of the upcoming sessions and one of the open needs."""
        if not self:
            return
        enrolments = self._retraining_enrolments()
        needs = self.filtered(
            lambda c: c._retrain_key() not in enrolments
        )._retraining_needs()
        to_write = defaultdict(list)
        for contribution in self:
            key = contribution._retrain_key()
            if key in enrolments:
                target = ("retrain_attendance_id", enrolments[key].id)
            else:
                target = ("retrain_need_id", needs[key].id)
            to_write[target].append(contribution.id)
        for (name, value), ids in to_write.items():
            self.browse(ids).write({name: value})

    def _retraining_enrolments(self):
        """{(course id, employee id): enrolment} for the employees with an
        enrolment in an upcoming session of the course, or a free seat in
        one (then enrolled, one call per session)."""
        sessions = (
            self.env["trainlink.session"]
            .sudo()
            .search(
                [
                    ("course_id", "in", self.course_id.ids),
                    ("state", "in", ("draft", "confirmed")),
                    ("date_start", ">=", fields.Date.context_today(self)),
                ],
                order="date_start, id",
            )
        )
        by_course = defaultdict(list)
        enrolled = {}
        seats = {}
        for session in sessions:
            by_course[session.course_id.id].append(session)
            attendances = session.attendance_ids
            seats[session.id] = [
                session.attendee_count,
                set(attendances.employee_id.ids),
            ]
            for attendance in attendances:
                if attendance.state == "enrolled":
                    enrolled.setdefault(
                        (session.course_id.id, attendance.employee_id.id), attendance
                    )
        chosen = {}
        for contribution in self:
            key = contribution._retrain_key()
            if key in enrolled or key in chosen:
                continue
            for session in by_course[key[0]]:
                taken, employee_ids = seats[session.id]
                full = session.capacity and taken >= session.capacity
                if not full and key[1] not in employee_ids:
                    seats[session.id][0] += 1
                    employee_ids.add(key[1])
                    chosen[key] = session
                    break
        new_by_session = defaultdict(list)
        for (_course_id, employee_id), session in chosen.items():
            new_by_session[session].append(employee_id)
        for session, employee_ids in new_by_session.items():
            employees = self.env["hr.employee"].browse(employee_ids)
            for attendance in session._enrol_employees(employees):
                enrolled[(session.course_id.id, attendance.employee_id.id)] = attendance
        return enrolled

    def _retraining_needs(self):
        """{(course id, employee id): need}: the open competency need of the
        employee for the course, else a new one in the readers' language
        (one create per language)."""
        Need = self.env["trainlink.need"].sudo()
        needs = {}
        if not self:
            return needs
        found = Need.search(
            [
                ("source", "=", "competency"),
                ("course_id", "in", self.course_id.ids),
                ("employee_ids", "in", self.employee_id.ids),
                ("state", "in", ("new", "approved", "planned")),
            ]
        )
        for need in found:
            for employee in need.employee_ids:
                needs.setdefault((need.course_id.id, employee.id), need)
        to_create = defaultdict(dict)
        for contribution in self:
            key = contribution._retrain_key()
            if key in needs or any(key in group for group in to_create.values()):
                continue
            lang = contribution._readers_lang() or self.env.context.get("lang")
            reader = contribution.with_context(lang=lang)
            to_create[lang][key] = reader._retraining_need_values()
        for lang, vals_by_key in to_create.items():
            created = Need.with_context(lang=lang).create(list(vals_by_key.values()))
            needs.update(zip(vals_by_key, created, strict=True))
        return needs

    def _retraining_need_values(self):
        """Values of a new retraining need, in the context's language."""
        self.ensure_one()
        return {
            "name": _(
                "Retrain %(employee)s: %(course)s",
                employee=self.employee_id.name,
                course=self.course_id.name,
            ),
            "source": "competency",
            "company_id": self.company_id.id,
            "department_id": self.employee_id.department_id.id,
            "employee_ids": [fields.Command.set(self.employee_id.ids)],
            "kpi_id": self.kpi_id.id,
            "course_id": self.course_id.id,
            "description": _(
                "The course did not move %(kpi)s enough (%(net_lift).1f %% net "
                "of peers): no session of the course is planned to retrain "
                "the employee.",
                kpi=self.kpi_id.display_name,
                net_lift=self.net_lift,
            ),
        }

    def _trainlink_pip_due(self):
        """Hook for the performance improvement plan (DOMAIN section 9,
        trigger "training effect below threshold").

        Called once each time the `pip_due` flag of contributions turns on
        (insufficient effect on confident data, and the rule asks for a plan),
        after the ratings are written, on the contributions as superuser. It
        does nothing here: the improvement-plan feature overrides it (calling
        super()) to open or update a plan for each `employee_id`.
        """
        return True

    # ------------------------------------------------------------- summaries --

    @api.model
    def _effect_summary_html(self, domain, one_person=False):
        """A small table of the contributions matching the domain that have
        enough data (peers and months), per KPI: how many, their mean net lift
        with its 95 % interval, and the latest rating. Read with the current
        user's rights.

        The interval of several people is pooled: the spread of their net
        lifts around the mean, so that each person's noise counts. For
        `one_person` (an employee's page), the interval combines the
        person's own measurements with their own errors: a person's spread
        over two trainings is no measure of anything, and one measurement
        keeps the interval its rating rests on."""
        contributions = self.search(
            [*domain, ("low_confidence", "=", False)], order="post_end desc, id desc"
        )
        if not contributions:
            return False
        by_kpi = defaultdict(list)
        for contribution in contributions:
            by_kpi[contribution.kpi_id].append(contribution)
        labels = dict(self._fields["rating"]._description_selection(self.env))
        header = Markup(
            "<thead><tr><th>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th>%s</th></tr></thead>"
        ) % (
            _("KPI"),
            _("Measurements") if one_person else _("People"),
            _("Average Net Lift"),
            _("95 % Interval"),
            _("Latest Rating"),
        )
        row = Markup(
            "<tr><td>%s</td><td class='text-end'>%s</td>"
            "<td class='text-end'>%s</td><td class='text-end'>%s</td><td>%s</td></tr>"
        )
        lines = []
        for kpi in sorted(by_kpi, key=lambda k: k.display_name):
            group = by_kpi[kpi]
            if one_person:
                mean, low, high = combined_estimate(
                    [c.net_lift for c in group],
                    [c.net_lift_se for c in group],
                    [c.interval_dof for c in group],
                )
            else:
                mean, low, high = mean_interval(
                    [c.net_lift for c in group], [c.peer_lift_se**2 for c in group]
                )
            interval = f"[{low:+.1f}, {high:+.1f}]" if low is not None else _("too few")
            rating = group[0].rating
            lines.append(
                row
                % (
                    kpi.display_name,
                    len(group) if one_person else len({c.employee_id for c in group}),
                    f"{mean:+.1f} %",
                    interval,
                    labels[rating] if rating else "",
                )
            )
        return Markup("<table class='table table-sm'>%s<tbody>%s</tbody></table>") % (
            header,
            Markup().join(lines),
        )

    @api.model
    def _last_twelve_months_domain(self):
        start = fields.Date.context_today(self) - relativedelta(months=12)
        return [("post_end", ">=", start)]

    # ------------------------------------------------------------------ API --

    @api.model
    def api_upsert(self, rows, run_id=None):
        """Create or update contributions keyed by (attendance_id, kpi_code,
        post_start, post_end), as the sync worker measured them.

        A row also gives baseline_start, baseline_end, baseline_value,
        post_value, peer_lift, baseline_points and post_points (dates written
        YYYY-MM-DD). Each row is validated on its own: bad rows come back in
        "rejected" with their reason ("external_key" is then the row's natural
        key as text), good rows are applied and rated. Rows identical to what
        is stored are counted as unchanged and not written.
        """
        KpiValue = self.env["trainlink.kpi.value"]
        KpiValue._check_sync_access()
        run = self.env["trainlink.sync.run"]._sync_run(run_id)
        rows = KpiValue._rows_from_payload(rows)
        # The sync user has no direct access: validation limits it to its
        # companies, then the API writes as superuser.
        self = self.sudo()
        valid, rejected = self._validate_rows(rows)
        existing = self._existing_by_key(valid)
        deferred = self.with_context(trainlink_defer_rules=True)
        to_create, updated, unchanged = [], self.browse(), 0
        now = fields.Datetime.now()
        for vals in valid:
            record = existing.get(self._vals_key(vals))
            if record and self._is_unchanged(record, vals):
                unchanged += 1
                continue
            vals.update(last_synced=now, run_id=run.id)
            if record:
                record.with_context(trainlink_defer_rules=True).write(vals)
                updated |= record
            else:
                to_create.append(vals)
        created = deferred.create(to_create)
        (created | updated)._apply_rules()
        result = {
            "read": len(rows),
            "created": len(created),
            "updated": len(updated),
            "unchanged": unchanged,
            "rejected": rejected,
        }
        run._add_result(result)
        return result

    @api.model
    def _vals_key(self, vals):
        return tuple(
            vals[name] for name in ("attendance_id", "kpi_id", "post_start", "post_end")
        )

    def _is_unchanged(self, record, vals):
        return all(record[name] == vals[name] for name in COMPARED_FIELDS)

    def _existing_by_key(self, valid):
        if not valid:
            return {}
        records = self.search(
            [
                ("attendance_id", "in", list({v["attendance_id"] for v in valid})),
                ("kpi_id", "in", list({v["kpi_id"] for v in valid})),
                ("post_start", "in", list({v["post_start"] for v in valid})),
            ]
        )
        return {
            (r.attendance_id.id, r.kpi_id.id, r.post_start, r.post_end): r
            for r in records
        }

    def _validate_rows(self, rows):
        """Split rows into create/write values and rejections."""
        attendances = self._attendances_by_id(rows)
        KpiValue = self.env["trainlink.kpi.value"]
        kpis = KpiValue._kpis_by_company_code()
        allowed_companies = set(self.env.companies.ids)
        return KpiValue._split_rows(
            rows,
            lambda row: self._validate_row(row, attendances, kpis, allowed_companies),
            self._vals_key,
            self._row_key,
        )

    @api.model
    def _row_key(self, row):
        """The natural key of a row as text, for the rejection log; False
        (XML-RPC marshals no None) for a row that is not a mapping."""
        if not isinstance(row, dict):
            return False
        key = "/".join(str(row.get(name) or "") for name in KEY_FIELDS)
        return key[:MAX_TEXT_LENGTH]

    def _validate_row(self, row, attendances, kpis, allowed_companies):
        """Return (values, None) for a good row, (None, reason) for a bad one."""
        reason = self.env["trainlink.kpi.value"]._check_row_fields(row, ROW_FIELDS)
        if reason:
            return None, reason
        try:
            dates = {
                name: date.fromisoformat(row[name].strip())
                for name in ("baseline_start", "baseline_end", "post_start", "post_end")
            }
        except ValueError:
            return None, _("window dates must be written YYYY-MM-DD")
        if dates["post_end"] < dates["post_start"]:
            return None, _("the post window ends before it starts")
        if dates["baseline_end"] < dates["baseline_start"]:
            return None, _("the baseline window ends before it starts")
        if row["baseline_points"] < 0 or row["post_points"] < 0:
            return None, _("data point counts cannot be negative")
        measurement, reason = self._validate_measurement(row)
        if reason:
            return None, reason
        attendance = attendances.get(row["attendance_id"])
        if not attendance:
            return None, _("unknown attendance %(id)s", id=row["attendance_id"])
        if attendance.company_id.id not in allowed_companies:
            return None, _(
                "attendance %(id)s belongs to another company", id=row["attendance_id"]
            )
        if attendance.state != "completed":
            return None, _(
                "attendance %(id)s is not completed", id=row["attendance_id"]
            )
        kpi = kpis.get((attendance.company_id.id, row["kpi_code"].strip().upper()))
        if not kpi:
            return None, _("unknown KPI code %(code)s", code=row["kpi_code"])
        return {
            "attendance_id": attendance.id,
            "kpi_id": kpi,
            **dates,
            "baseline_value": float(row["baseline_value"]),
            "post_value": float(row["post_value"]),
            "peer_lift": float(row["peer_lift"]),
            "baseline_points": row["baseline_points"],
            "post_points": row["post_points"],
            **measurement,
        }, None

    def _validate_measurement(self, row):
        """(values, None) of the optional measurement fields of a row, with
        their defaults when absent (no peers, no interval: inconclusive), or
        (None, reason)."""
        given = {
            name: row[name]
            for name in OPTIONAL_ROW_FIELDS
            if row.get(name) is not None and row.get(name) != ""
        }
        for name, value in given.items():
            kind = OPTIONAL_ROW_FIELDS[name]
            if not isinstance(value, kind) or (
                kind is not bool and isinstance(value, bool)
            ):
                return None, _("field %(field)s has the wrong type", field=name)
            if kind is not bool:
                reason = self.env["trainlink.kpi.value"]._check_value_bounds(
                    name, value
                )
                if reason:
                    return None, reason
        for name in (
            "peer_count",
            "peer_lift_se",
            "net_lift_se",
            "interval_dof",
            "pre_trend_se",
        ):
            if given.get(name, 0) < 0:
                return None, _("field %(field)s cannot be negative", field=name)
        basis = given.get("comparison_basis", "none").strip()
        if basis not in dict(BASES):
            return None, _(
                "comparison_basis must be one of %(bases)s",
                bases=", ".join(dict(BASES)),
            )
        return {
            "peer_count": given.get("peer_count", 0),
            "comparison_basis": basis,
            "peer_lift_se": float(given.get("peer_lift_se", 0.0)),
            "net_lift_se": float(given.get("net_lift_se", 0.0)),
            "interval_dof": float(given.get("interval_dof", 0.0)),
            "pre_trend": float(given.get("pre_trend", 0.0)),
            "pre_trend_se": float(given.get("pre_trend_se", 0.0)),
            "baseline_matched": given.get("baseline_matched", False),
        }, None

    def _attendances_by_id(self, rows):
        ids = self.env["trainlink.kpi.value"]._ids_in_rows(rows, "attendance_id")
        # The sync user reads no attendance: only what validation needs.
        attendances = self.env["trainlink.attendance"].sudo()
        return {a.id: a for a in attendances.browse(ids).exists()}
