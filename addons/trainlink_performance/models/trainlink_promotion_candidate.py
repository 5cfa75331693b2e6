from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_list

from .trainlink_contribution import VERDICTS
from .trainlink_performance_score import mean_rating_points

OFFICER_GROUP = "trainlink_performance.group_trainlink_officer"


def time_left_text(env, days):
    """'about 2 weeks', 'about 1 month': how a person says time left."""
    if days <= 0:
        return ""
    if days < 7:
        return env._("less than a week")
    if days < 28:
        weeks = round(days / 7)
        if weeks == 1:
            return env._("about 1 week")
        return env._("about %(count)s weeks", count=weeks)
    months = max(1, round(days / 30.4))
    if months == 1:
        return env._("about 1 month")
    return env._("about %(count)s months", count=months)


class TrainlinkPromotionCandidate(models.Model):
    """An employee on the way to a target job: the gates passed and missing,
    then the promotion review, which only an eligible candidate may enter."""

    _name = "trainlink.promotion.candidate"
    _description = "Promotion Candidate"
    _inherit = ["mail.thread", "mail.activity.mixin", "trainlink.guarded.mixin"]
    _order = "state, employee_id"
    _rec_name = "employee_id"
    _check_company_auto = True

    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade", tracking=True
    )
    path_id = fields.Many2one(
        "trainlink.promotion.path",
        string="Promotion Requirements",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
    )
    job_id = fields.Many2one(
        related="path_id.job_id", string="Target Job", store=True, index=True
    )
    current_job_id = fields.Many2one(related="employee_id.job_id", string="Current Job")
    company_id = fields.Many2one(
        related="employee_id.company_id", store=True, index=True
    )
    department_id = fields.Many2one(
        related="employee_id.department_id", store=True, index=True
    )
    ready_notified = fields.Boolean(
        readonly=True,
        copy=False,
        help="The candidate and their manager were told, once, that every gate is met.",
    )
    state = fields.Selection(
        [
            ("path", "On the Path"),
            ("review", "In Review"),
            ("promoted", "Promoted"),
            ("declined", "Declined"),
        ],
        default="path",
        required=True,
        tracking=True,
        copy=False,
    )

    # -- the gates, always as of today --
    passed_course_ids = fields.Many2many(
        "trainlink.course",
        string="Courses Passed",
        compute="_compute_gates",
        compute_sudo=True,
    )
    missing_course_ids = fields.Many2many(
        "trainlink.course",
        string="Courses Missing",
        compute="_compute_gates",
        compute_sudo=True,
    )
    courses_ok = fields.Boolean(
        string="Core Courses Gate", compute="_compute_gates", compute_sudo=True
    )
    course_progress = fields.Char(
        string="Core Courses", compute="_compute_gates", compute_sudo=True
    )
    approved_case_count = fields.Integer(
        string="Approved Practice Cases", compute="_compute_gates", compute_sudo=True
    )
    cases_ok = fields.Boolean(
        string="Practice Case Gate", compute="_compute_gates", compute_sudo=True
    )
    performance_score = fields.Float(
        string="Latest Performance Score",
        compute="_compute_gates",
        compute_sudo=True,
        help="Final score of the candidate's latest confirmed performance score.",
    )
    performance_ok = fields.Boolean(
        string="Performance Gate", compute="_compute_gates", compute_sudo=True
    )
    eligible = fields.Boolean(
        compute="_compute_gates",
        compute_sudo=True,
        search="_search_eligible",
        help="Every gate is passed: the candidate may enter the promotion review.",
    )
    next_course_id = fields.Many2one(
        "trainlink.course",
        string="Next Suggested Course",
        compute="_compute_gates",
        compute_sudo=True,
    )
    next_session_id = fields.Many2one(
        "trainlink.session",
        compute="_compute_gates",
        compute_sudo=True,
    )
    days_left = fields.Integer(compute="_compute_gates", compute_sudo=True)
    ready_date = fields.Date(
        string="Expected Ready", compute="_compute_gates", compute_sudo=True
    )
    progress_summary = fields.Char(
        string="Progress", compute="_compute_gates", compute_sudo=True
    )

    # -- training evidence for the review --
    course_score_avg = fields.Float(
        string="Average Core Course Score",
        compute="_compute_evidence",
        compute_sudo=True,
    )
    competency_match = fields.Float(
        string="Competency Match (%)",
        compute="_compute_evidence",
        compute_sudo=True,
        help="Share of the target job's competencies (KPIs) covered by the "
        "courses the candidate passed.",
    )
    effect_score = fields.Float(
        string="Measured Effect",
        compute="_compute_evidence",
        compute_sudo=True,
        help="Mean rating of the candidate's measured training contributions "
        "(excellent 100, good 85, fair 70, insufficient 40).",
    )
    has_effect = fields.Boolean(compute="_compute_evidence", compute_sudo=True)
    training_score = fields.Float(
        string="Training Evidence Score",
        compute="_compute_evidence",
        compute_sudo=True,
        help="Mean of the average core course score, the competency match and "
        "the measured effect (the parts that have data).",
    )
    live_review_score = fields.Float(
        string="Review Score (today)",
        compute="_compute_evidence",
        compute_sudo=True,
    )

    # -- frozen when the review starts --
    review_date = fields.Date(readonly=True, copy=False)
    review_training_score = fields.Float(
        string="Training Evidence at Review", readonly=True, copy=False
    )
    review_performance_score = fields.Float(
        string="Performance Score at Review", readonly=True, copy=False
    )
    review_score = fields.Float(readonly=True, copy=False, tracking=True)
    decision_date = fields.Date(readonly=True, copy=False)
    decision_note = fields.Text(copy=False)

    _sql_constraints = [
        (
            "employee_path_uniq",
            "unique(employee_id, path_id)",
            "This employee is already a candidate for this job.",
        ),
    ]

    # -- gates --

    def _best_scores(self):
        """{(employee id, course id): best exam score of a completed training}."""
        groups = self.env["trainlink.attendance"]._read_group(
            [
                ("employee_id", "in", self.employee_id.ids),
                ("course_id", "in", self.path_id.course_ids.ids),
                ("state", "=", "completed"),
            ],
            ["employee_id", "course_id"],
            ["exam_score:max"],
        )
        return {(employee.id, course.id): score for employee, course, score in groups}

    def _latest_performance(self):
        """{employee id: final score of the latest confirmed score}."""
        scores = self.env["trainlink.performance.score"].search(
            [
                ("employee_id", "in", self.employee_id.ids),
                ("state", "=", "confirmed"),
            ],
            order="period_end desc, id desc",
        )
        latest = {}
        for score in scores:
            latest.setdefault(score.employee_id.id, score.final_score)
        return latest

    @api.depends(
        "employee_id",
        "path_id.course_ids",
        "path_id.min_course_score",
        "path_id.practice_cases_required",
        "path_id.min_performance_score",
    )
    def _compute_gates(self):
        best = self._best_scores()
        performance = self._latest_performance()
        case_counts = dict(
            self.env["trainlink.practice.case"]._read_group(
                [
                    ("employee_id", "in", self.employee_id.ids),
                    ("state", "=", "approved"),
                ],
                ["employee_id"],
                ["__count"],
            )
        )
        today = fields.Date.context_today(self)
        upcoming = self.env["trainlink.session"].search(
            [
                ("course_id", "in", self.path_id.course_ids.ids),
                ("state", "in", ("draft", "confirmed")),
                ("date_start", ">=", today),
            ],
            order="date_start, id",
        )
        for candidate in self:
            path = candidate.path_id
            employee = candidate.employee_id
            passed = path.course_ids.filtered(
                lambda c, e=employee, p=path: (
                    best.get((e.id, c.id), -1) >= p.min_course_score
                )
            )
            missing = path.course_ids - passed
            cases = case_counts.get(employee, 0)
            score = performance.get(employee.id)
            performance_ok = not path.min_performance_score or (
                score is not None and score >= path.min_performance_score
            )
            candidate.passed_course_ids = passed
            candidate.missing_course_ids = missing
            candidate.courses_ok = not missing
            candidate.course_progress = f"{len(passed)} / {len(path.course_ids)}"
            candidate.approved_case_count = cases
            candidate.cases_ok = cases >= path.practice_cases_required
            candidate.performance_score = score or 0.0
            candidate.performance_ok = performance_ok
            candidate.eligible = bool(
                path and not missing and candidate.cases_ok and performance_ok
            )
            candidate._compute_time_left(
                missing, upcoming.filtered(lambda s, m=missing: s.course_id in m), today
            )

    def _compute_time_left(self, missing, planned, today):
        """Next course, expected ready date and the sentence the employee
        reads: '2 courses left, about 1 month'. `planned`: the upcoming
        sessions of the missing courses, earliest first."""
        path = self.path_id
        # A session the candidate is already enrolled in comes first.
        enrolled = planned.filtered(
            lambda s: self.employee_id in s.attendance_ids.employee_id
        )
        first_session = {}
        for session in enrolled + (planned - enrolled):
            first_session.setdefault(session.course_id, session)
        ready = today
        unplanned = 0
        for course in missing:
            session = first_session.get(course)
            if session:
                ready = max(ready, session.date_end)
            else:
                unplanned += 1
        ready += timedelta(days=unplanned * path.days_per_course)
        cases_missing = max(0, path.practice_cases_required - self.approved_case_count)
        ready += timedelta(days=cases_missing * path.days_per_case)
        next_session = (enrolled + planned)[:1]
        self.next_session_id = next_session
        self.next_course_id = next_session.course_id or missing[:1]
        self.days_left = (ready - today).days
        self.ready_date = ready if self.days_left else False
        self.progress_summary = self._progress_sentence(len(missing), cases_missing)

    def _progress_sentence(self, courses_missing, cases_missing):
        if self.eligible:
            return _("All gates passed: ready for the promotion review")
        parts = []
        if courses_missing == 1:
            parts.append(_("1 course left"))
        elif courses_missing:
            parts.append(_("%(count)s courses left", count=courses_missing))
        if cases_missing == 1:
            parts.append(_("1 approved practice case left"))
        elif cases_missing:
            parts.append(
                _("%(count)s approved practice cases left", count=cases_missing)
            )
        if not self.performance_ok:
            parts.append(
                _(
                    "performance score %(score).1f below %(minimum).1f",
                    score=self.performance_score,
                    minimum=self.path_id.min_performance_score,
                )
            )
        time_left = time_left_text(self.env, self.days_left)
        if time_left and (courses_missing or cases_missing):
            parts.append(time_left)
        # The separator is translated too: a Chinese sentence uses "，". (A
        # bare ", " would not be exported: Odoo skips terms without letters.)
        sentence = parts[0] if parts else ""
        for part in parts[1:]:
            sentence = _("%(sentence)s, %(part)s", sentence=sentence, part=part)
        return sentence

    @api.model
    def _cron_notify_ready(self):
        """Tell each candidate who now meets every gate, and their manager,
        once: a message on the candidacy and an activity inviting them to
        apply for the review."""
        candidates = self.sudo().search(
            [("state", "=", "path"), ("ready_notified", "=", False)]
        )
        candidates.filtered("eligible")._notify_ready()

    def _notify_ready(self):
        for candidate in self.sudo():
            employee = candidate.employee_id
            users = employee.user_id | employee.parent_id.user_id
            candidate.ready_notified = True
            candidate.message_post(
                body=_(
                    "%(employee)s meets every gate of %(path)s: the promotion "
                    "review can start.",
                    employee=employee.name,
                    path=candidate.path_id.name,
                ),
                partner_ids=users.partner_id.ids,
            )
            for user in users:
                candidate.with_context(lang=user.lang).activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=_("Apply for the promotion review"),
                    user_id=user.id,
                )

    def _search_eligible(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Eligibility can only be searched as true or false."))
        candidates = self.search([])
        eligible = candidates.filtered("eligible")
        wanted = value if operator == "=" else not value
        return [("id", "in", (eligible if wanted else candidates - eligible).ids)]

    # -- evidence --

    @api.depends("employee_id", "path_id.course_ids", "path_id.kpi_ids")
    def _compute_evidence(self):
        best = self._best_scores()
        passed = self._passed_courses()
        rated = self.env["trainlink.contribution"].search(
            [
                ("employee_id", "in", self.employee_id.ids),
                ("rating", "in", VERDICTS),
            ]
        )
        effects = {
            employee.id: mean_rating_points(contributions)
            for employee, contributions in rated.grouped("employee_id").items()
        }
        for candidate in self:
            path = candidate.path_id
            employee = candidate.employee_id
            scores = [
                best[(employee.id, course.id)]
                for course in path.course_ids
                if (employee.id, course.id) in best
            ]
            parts = []
            candidate.course_score_avg = sum(scores) / len(scores) if scores else 0.0
            if path.course_ids:
                # A required course not yet taken counts as 0.
                parts.append(sum(scores) / len(path.course_ids))
            match = None
            if path.kpi_ids:
                covered = (
                    path.kpi_ids & passed.get(employee.id, path.course_ids[:0]).kpi_ids
                )
                match = 100.0 * len(covered) / len(path.kpi_ids)
                parts.append(match)
            candidate.competency_match = match or 0.0
            effect = effects.get(employee.id)
            candidate.effect_score = effect or 0.0
            candidate.has_effect = effect is not None
            if effect is not None:
                parts.append(effect)
            training = sum(parts) / len(parts) if parts else 0.0
            candidate.training_score = training
            candidate.live_review_score = candidate._review_score(
                training, candidate.performance_score
            )

    def _passed_courses(self):
        """{employee id: every course, required or not, the employee
        completed and passed}."""
        groups = self.env["trainlink.attendance"]._read_group(
            [
                ("employee_id", "in", self.employee_id.ids),
                ("state", "=", "completed"),
                ("passed", "=", True),
            ],
            ["employee_id"],
            ["course_id:recordset"],
        )
        return {employee.id: courses for employee, courses in groups}

    def _review_score(self, training, performance):
        weight = self.path_id.training_weight / 100.0
        return weight * training + (1 - weight) * performance

    def _evidence_lines(self):
        """One line per required course for the review report."""
        self.ensure_one()
        best = self._best_scores()
        contributions = (
            self.env["trainlink.contribution"]
            .sudo()
            .search(
                [
                    ("employee_id", "=", self.employee_id.id),
                    ("course_id", "in", self.path_id.course_ids.ids),
                ]
            )
        )
        lines = []
        for course in self.path_id.course_ids:
            score = best.get((self.employee_id.id, course.id))
            measured = contributions.filtered(lambda c, co=course: c.course_id == co)
            lifts = measured.mapped("net_lift")
            lines.append(
                {
                    "course": course,
                    "score": score,
                    "passed": score is not None
                    and score >= self.path_id.min_course_score,
                    "kpis": format_list(self.env, course.kpi_ids.mapped("name")),
                    "net_lift": sum(lifts) / len(lifts) if lifts else None,
                }
            )
        return lines

    # -- access --

    # What a manager may write on a team member's candidacy; the review
    # state and its figures change through the buttons only.
    _MANAGER_FIELDS = {"employee_id", "path_id", "decision_note"}
    # Nobody, HR included, writes these but the buttons.
    _trainlink_guarded_fields = frozenset(
        {
            "state",
            "ready_notified",
            "review_date",
            "review_training_score",
            "review_performance_score",
            "review_score",
            "decision_date",
        }
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_officer():
            for vals in vals_list:
                self._check_manager_fields(set(vals))
        candidates = super().create(vals_list)
        candidates._check_nominator()
        return candidates

    def write(self, vals):
        if not self._is_officer():
            self._check_manager_fields(set(vals))
            if {"employee_id", "path_id"} & set(vals):
                raise AccessError(
                    _(
                        "Only HR moves a candidacy to another employee or job; "
                        "start a new one instead."
                    )
                )
        return super().write(vals)

    def _is_officer(self):
        return self.env.su or self.env.user.has_group(OFFICER_GROUP)

    def _check_manager_fields(self, field_names):
        forbidden = field_names - self._MANAGER_FIELDS - {"message_follower_ids"}
        if forbidden:
            raise AccessError(
                _(
                    "The promotion review state and its scores change through "
                    "its buttons only (%(fields)s).",
                    fields=", ".join(sorted(forbidden)),
                )
            )

    def _check_nominator(self):
        if self._is_officer():
            return
        if self.employee_id.user_id & self.env.user:
            raise AccessError(
                _("Your manager or HR puts you on a promotion path, not yourself.")
            )

    def _check_officer(self):
        """HR decides, with write access, and never on their own candidacy."""
        if not self._is_officer():
            raise AccessError(_("Only HR decides on a promotion."))
        self._trainlink_check_not_concerned()
        self.check_access("write")

    # -- actions --

    def action_submit_review(self):
        """Enter the promotion review: refused for whoever misses a gate,
        however senior."""
        self.check_access("write")
        self._check_nominator()
        self._trainlink_check_not_concerned()
        for candidate in self:
            if candidate.state != "path":
                raise UserError(
                    _(
                        "%(employee)s: only a candidate on the path can enter the "
                        "review.",
                        employee=candidate.employee_id.name,
                    )
                )
            if not candidate.eligible:
                raise UserError(
                    _(
                        "%(employee)s cannot enter the promotion review for "
                        "%(job)s: %(missing)s.",
                        employee=candidate.employee_id.name,
                        job=candidate.sudo().job_id.name,
                        missing=candidate.progress_summary,
                    )
                )
        today = fields.Date.context_today(self)
        for candidate in self:
            # Checked above; the review figures are not the manager's to write.
            candidate.sudo().write(
                {
                    "state": "review",
                    "review_date": today,
                    "review_training_score": candidate.training_score,
                    "review_performance_score": candidate.performance_score,
                    "review_score": candidate.live_review_score,
                }
            )
        return True

    def action_promote(self):
        self._check_officer()
        self._check_state("review")
        today = fields.Date.context_today(self)
        for candidate in self:
            candidate.sudo().write({"state": "promoted", "decision_date": today})
            # Officers who are not HR users may not write employees.
            candidate.employee_id.sudo().job_id = candidate.job_id
            candidate.employee_id.sudo().message_post(
                body=_(
                    "Promoted to %(job)s after the promotion review.",
                    job=candidate.sudo().job_id.name,
                )
            )
        return True

    def action_decline(self):
        self._check_officer()
        self._check_state("review")
        self.sudo().write(
            {"state": "declined", "decision_date": fields.Date.context_today(self)}
        )
        return True

    def action_back_to_path(self):
        self._check_officer()
        self._check_state("declined", "review")
        self.sudo().write(
            {
                "state": "path",
                "review_date": False,
                "review_score": 0.0,
                "review_training_score": 0.0,
                "review_performance_score": 0.0,
                "decision_date": False,
            }
        )
        return True

    def _check_state(self, *states):
        for candidate in self:
            if candidate.state not in states:
                raise UserError(
                    _(
                        "%(employee)s: this step does not apply to a candidate "
                        "in the state %(state)s.",
                        employee=candidate.employee_id.name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[candidate.state],
                    )
                )

    def action_print_review(self):
        return self.env.ref(
            "trainlink_performance.trainlink_promotion_review_report"
        ).report_action(self)
