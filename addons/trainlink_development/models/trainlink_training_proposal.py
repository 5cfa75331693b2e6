from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_list, plaintext2html

from odoo.addons.trainlink_performance.models.trainlink_performance_score import BANDS

KINDS = [
    ("advanced", "Advanced Course"),
    ("diagnosis", "Diagnosis: Ability or Attitude"),
    ("remedial", "Remedial Course"),
    ("forward", "Forward-looking Course"),
]
LEVEL_RANK = {"junior": 0, "middle": 1, "senior": 2}
# Attendances that mean the employee has, or will have, taken the course.
TAKEN_STATES = ("enrolled", "attended", "completed")
# Bands that say nothing about the person against targets: no proposal.
NO_VERDICT_BANDS = ("training_only", "no_data")


class TrainlinkTrainingProposal(models.Model):
    _name = "trainlink.training.proposal"
    _description = "Training Proposal"
    _inherit = ["mail.thread", "mail.activity.mixin", "trainlink.guarded.mixin"]
    _order = "create_date desc, id desc"

    # Decided through the buttons only, by the employee's manager or an HR
    # officer, never by the employee.
    _trainlink_guarded_fields = frozenset(
        {
            "state",
            "decided_by_id",
            "decision_date",
            "dismiss_reason",
            "need_id",
            "diagnosis",
        }
    )
    # Nobody proposes training to themselves by hand.
    _trainlink_personal_fields = frozenset(
        {"employee_id", "kind", "course_id", "kpi_id", "score_id", "diagnosis_id"}
    )

    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade", tracking=True
    )
    company_id = fields.Many2one(
        related="employee_id.company_id", store=True, index=True
    )
    department_id = fields.Many2one(
        related="employee_id.department_id", store=True, index=True
    )
    job_id = fields.Many2one(related="employee_id.job_id")
    score_id = fields.Many2one(
        "trainlink.performance.score",
        string="Performance Score",
        index=True,
        ondelete="set null",
        help="The confirmed performance score the proposal follows from.",
    )
    # The band of the score when the proposal was made (confirmed scores do
    # not change); kept here so that rescoring touches no proposal.
    band = fields.Selection(BANDS, readonly=True)
    kind = fields.Selection(KINDS, required=True, tracking=True)
    course_id = fields.Many2one(
        "trainlink.course",
        string="Proposed Course",
        ondelete="cascade",
        tracking=True,
        domain="[('company_id', '=', company_id)]",
    )
    course_level = fields.Selection(related="course_id.level")
    kpi_id = fields.Many2one(
        "trainlink.kpi",
        string="KPI Below Target",
        ondelete="set null",
        help="Remedial proposals: the KPI below target the course works on.",
    )
    reason = fields.Text(help="Why the course is proposed.")
    state = fields.Selection(
        [
            ("proposed", "Proposed"),
            ("accepted", "Accepted"),
            ("dismissed", "Dismissed"),
        ],
        default="proposed",
        required=True,
        tracking=True,
        copy=False,
    )
    diagnosis = fields.Selection(
        [("ability", "Ability"), ("attitude", "Attitude")],
        readonly=True,
        copy=False,
        tracking=True,
        help="Diagnosis proposals: what the manager found behind the gap. "
        "Ability: the remedial courses stay proposed. Attitude: they are "
        "dismissed, training does not answer it.",
    )
    diagnosis_id = fields.Many2one(
        "trainlink.training.proposal",
        string="Diagnosis Proposal",
        ondelete="set null",
        index=True,
        help="Remedial proposals are accepted only once this diagnosis is decided.",
    )
    remedial_ids = fields.One2many(
        "trainlink.training.proposal", "diagnosis_id", string="Remedial Proposals"
    )
    waiting_diagnosis = fields.Boolean(compute="_compute_waiting_diagnosis")
    decided_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    decision_date = fields.Date(readonly=True, copy=False)
    dismiss_reason = fields.Text(readonly=True, copy=False)
    need_id = fields.Many2one(
        "trainlink.need",
        string="Training Need",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The training need created when the proposal was accepted.",
    )

    @api.depends("employee_id.name", "kind", "course_id.name")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for proposal in self:
            label = proposal.course_id.name or kinds.get(proposal.kind, "")
            proposal.display_name = f"{proposal.employee_id.name} - {label}"

    @api.depends("diagnosis_id.state")
    def _compute_waiting_diagnosis(self):
        for proposal in self:
            proposal.waiting_diagnosis = proposal.diagnosis_id.state == "proposed"

    @api.constrains("kind", "course_id")
    def _check_course(self):
        for proposal in self:
            if proposal.kind == "diagnosis" and proposal.course_id:
                raise ValidationError(
                    _(
                        "%(proposal)s: a diagnosis proposes no course, it asks "
                        "whether the gap is one of ability or of attitude.",
                        proposal=proposal.display_name,
                    )
                )
            if proposal.kind != "diagnosis" and not proposal.course_id:
                raise ValidationError(
                    _(
                        "%(proposal)s: choose the proposed course.",
                        proposal=proposal.display_name,
                    )
                )

    @api.constrains("course_id", "employee_id")
    def _check_course_company(self):
        for proposal in self:
            company = proposal.employee_id.company_id
            if (
                proposal.course_id
                and company
                and proposal.course_id.company_id != company
            ):
                raise ValidationError(
                    _(
                        "%(proposal)s: the course belongs to another company than "
                        "the employee.",
                        proposal=proposal.display_name,
                    )
                )

    # -- decisions --

    def _check_can_decide(self):
        """Readable by the caller, still open, and decided by the employee's
        manager or an HR officer, never by the employee."""
        self.check_access("read")
        for proposal in self:
            proposal.employee_id._trainlink_check_development_decider(
                proposal.display_name
            )
            if proposal.state != "proposed":
                raise UserError(
                    _(
                        "%(proposal)s is already decided.",
                        proposal=proposal.display_name,
                    )
                )

    def _proposed2accepted_values(self):
        return {
            "state": "accepted",
            "decided_by_id": self.env.user.id,
            "decision_date": fields.Date.context_today(self),
        }

    def _proposed2dismissed_values(self, reason):
        return {
            "state": "dismissed",
            "decided_by_id": self.env.user.id,
            "decision_date": fields.Date.context_today(self),
            "dismiss_reason": reason,
        }

    def action_accept(self):
        """Accept course proposals: each becomes a training need."""
        self._check_can_decide()
        for proposal in self:
            if proposal.kind == "diagnosis":
                raise UserError(
                    _(
                        "%(proposal)s: record whether the gap is one of ability "
                        "or of attitude.",
                        proposal=proposal.display_name,
                    )
                )
            if proposal.waiting_diagnosis:
                raise UserError(
                    _(
                        "%(proposal)s: decide the diagnosis (ability or attitude) "
                        "before the remedial courses.",
                        proposal=proposal.display_name,
                    )
                )
        for proposal in self.sudo():
            need = self.env["trainlink.need"].sudo().create(proposal._need_values())
            proposal.write({**proposal._proposed2accepted_values(), "need_id": need.id})
        return True

    def action_diagnose_ability(self):
        return self._diagnose("ability")

    def action_diagnose_attitude(self):
        return self._diagnose("attitude")

    def _diagnose(self, verdict):
        """Decide diagnosis proposals. Attitude dismisses their remedial
        courses; ability leaves them proposed, to be decided one by one."""
        self._check_can_decide()
        for proposal in self:
            if proposal.kind != "diagnosis":
                raise UserError(
                    _(
                        "%(proposal)s is no diagnosis: accept or dismiss it.",
                        proposal=proposal.display_name,
                    )
                )
        self.sudo().write({**self._proposed2accepted_values(), "diagnosis": verdict})
        if verdict == "attitude":
            remedial = self.sudo().remedial_ids.filtered(
                lambda p: p.state == "proposed"
            )
            remedial.write(
                remedial._proposed2dismissed_values(
                    _(
                        "The diagnosis found a matter of attitude, not of "
                        "ability: training does not answer it."
                    )
                )
            )
        return True

    def action_dismiss(self):
        """Ask for the reason, in a dialog."""
        self._check_can_decide()
        return {
            "type": "ir.actions.act_window",
            "name": _("Dismiss Proposal"),
            "res_model": "trainlink.proposal.dismiss",
            "view_mode": "form",
            "target": "new",
            "context": {"default_proposal_ids": [Command.set(self.ids)]},
        }

    def _dismiss(self, reason):
        self._check_can_decide()
        if not (reason or "").strip():
            raise UserError(
                _(
                    "Say why %(proposal)s is dismissed.",
                    proposal=format_list(self.env, self.mapped("display_name")),
                )
            )
        self.sudo().write(self._proposed2dismissed_values(reason.strip()))
        return True

    def _need_values(self):
        self.ensure_one()
        employee = self.employee_id
        return {
            "name": _(
                "%(course)s for %(employee)s",
                course=self.course_id.name,
                employee=employee.name,
            ),
            "company_id": self.company_id.id,
            "source": "competency",
            "department_id": employee.department_id.id,
            "job_id": employee.job_id.id,
            "employee_ids": [Command.set(employee.ids)],
            "course_id": self.course_id.id,
            "kpi_id": self.kpi_id.id,
            "description": plaintext2html(self.reason or ""),
        }

    # -- generation --

    @api.model
    def _cron_propose(self):
        """Proposals from the latest confirmed score of every active employee."""
        scores = (
            self.env["trainlink.performance.score"]
            .sudo()
            .search(
                [("state", "=", "confirmed"), ("employee_id.active", "=", True)],
                order="period_end desc, id desc",
            )
        )
        latest = {}
        for score in scores:
            latest.setdefault(score.employee_id, score)
        return self._propose_from_scores(scores.browse([s.id for s in latest.values()]))

    @api.model
    def _propose_from_scores(self, scores):
        """Create the proposals the band of each confirmed score calls for and
        return them; running it again creates nothing new."""
        proposals = self.browse()
        for score in scores.sudo().filtered(lambda s: s.state == "confirmed"):
            proposals |= self.sudo()._propose_for_score(score)
        return proposals

    def _propose_for_score(self, score):
        band = score.band
        if band in ("good", "meets"):
            return self._create_missing(
                score, "advanced", self._advanced_courses(score)
            )
        if band == "excellent":
            return self._create_missing(score, "forward", self._forward_courses(score))
        if band == "below":
            diagnosis, created = self._diagnosis_for(score)
            if diagnosis.diagnosis == "attitude":
                return created
            remedial = self._create_missing(
                score, "remedial", self._remedial_courses(score), diagnosis=diagnosis
            )
            return created | remedial
        # training_only, no_data: no verdict about the person without data.
        return self.browse()

    def _create_missing(self, score, kind, course_kpis, diagnosis=None):
        """Proposals of kind for the (course, kpi) pairs, except those the
        employee already has: open, or from this same score."""
        existing = self.search(
            [
                ("employee_id", "=", score.employee_id.id),
                ("kind", "=", kind),
                "|",
                ("state", "=", "proposed"),
                ("score_id", "=", score.id),
            ]
        )
        known = set(existing.course_id.ids)
        vals_list = []
        for course, kpi in course_kpis:
            if course.id in known:
                continue
            known.add(course.id)
            vals_list.append(
                {
                    "employee_id": score.employee_id.id,
                    "score_id": score.id,
                    "band": score.band,
                    "kind": kind,
                    "course_id": course.id,
                    "kpi_id": kpi.id,
                    "diagnosis_id": diagnosis.id if diagnosis else False,
                    "reason": self._reason(score, kind, course, kpi),
                }
            )
        return self.create(vals_list)

    def _diagnosis_for(self, score):
        """(diagnosis, created): the open diagnosis of the employee or the one
        of this score, else a new one."""
        diagnosis = self.search(
            [
                ("employee_id", "=", score.employee_id.id),
                ("kind", "=", "diagnosis"),
                "|",
                ("state", "=", "proposed"),
                ("score_id", "=", score.id),
            ],
            order="id desc",
            limit=1,
        )
        if diagnosis:
            return diagnosis, self.browse()
        created = self.create(
            {
                "employee_id": score.employee_id.id,
                "score_id": score.id,
                "band": score.band,
                "kind": "diagnosis",
                "reason": _(
                    "Below target: find out with the employee whether the gap is "
                    "one of ability (training helps) or of attitude (training "
                    "does not) before any remedial course."
                ),
            }
        )
        return created, created

    def _reason(self, score, kind, course, kpi):
        employee = score.employee_id
        family = dict(
            self.env["hr.job"]
            ._fields["trainlink_job_family"]
            ._description_selection(self.env)
        ).get(self._job_family(employee), "")
        level = dict(course._fields["level"]._description_selection(self.env)).get(
            course.level, ""
        )
        if kind == "advanced":
            return _(
                "Target met but not excellent: %(course)s (%(level)s) is the next "
                "step in the %(family)s job family.",
                course=course.name,
                level=level,
                family=family,
            )
        if kind == "forward":
            return _(
                "Excellent performance: %(course)s (%(level)s) prepares the next role.",
                course=course.name,
                level=level,
            )
        if kpi:
            return _(
                "Below target on %(kpi)s: %(course)s works on it.",
                kpi=kpi.name,
                course=course.name,
            )
        return _(
            "Below target: %(course)s revisits the basics of the %(family)s job "
            "family.",
            course=course.name,
            family=family,
        )

    @api.model
    def _job_family(self, employee):
        return employee.job_id.trainlink_job_family or "general"

    def _candidate_courses(self, score, domain):
        """Courses of the employee's company matching domain that the employee
        has neither completed nor is enrolled in."""
        employee = score.employee_id
        taken = (
            self.env["trainlink.attendance"]
            .sudo()
            .search([("employee_id", "=", employee.id), ("state", "in", TAKEN_STATES)])
            .course_id
        )
        courses = (
            self.env["trainlink.course"]
            .sudo()
            .search(
                [
                    ("company_id", "=", employee.company_id.id),
                    ("id", "not in", taken.ids),
                    *domain,
                ],
                order="level, name, id",
            )
        )
        return courses

    def _advanced_courses(self, score):
        """Courses of the job family above the highest level completed in it."""
        employee = score.employee_id
        family = self._job_family(employee)
        completed = (
            self.env["trainlink.attendance"]
            .sudo()
            .search(
                [
                    ("employee_id", "=", employee.id),
                    ("state", "=", "completed"),
                    ("course_id.job_family", "=", family),
                ]
            )
            .course_id
        )
        reached = max((LEVEL_RANK[c.level] for c in completed), default=0)
        levels = [level for level, rank in LEVEL_RANK.items() if rank > reached]
        courses = self._candidate_courses(
            score, [("job_family", "=", family), ("level", "in", levels)]
        )
        return [(course, self.env["trainlink.kpi"]) for course in courses]

    def _forward_courses(self, score):
        """Senior courses of the job family and management courses."""
        family = self._job_family(score.employee_id)
        courses = self._candidate_courses(
            score,
            [
                "|",
                ("job_family", "=", "management"),
                "&",
                ("job_family", "=", family),
                ("level", "=", "senior"),
            ],
        )
        return [(course, self.env["trainlink.kpi"]) for course in courses]

    def _remedial_courses(self, score):
        """Courses of the job family that move a KPI the employee is below
        target on in the score's period; without any, the family's junior
        courses."""
        family = self._job_family(score.employee_id)
        below = self.env["trainlink.kpi"]
        for target, achievement in (
            self.env["trainlink.kpi.target"]
            .sudo()
            ._achievement_for(score.employee_id, score.period_start, score.period_end)
        ):
            if target.has_actual and achievement < 100:
                below |= target.kpi_id
        if below:
            courses = self._candidate_courses(
                score, [("job_family", "=", family), ("kpi_ids", "in", below.ids)]
            )
            if courses:
                return [(course, (course.kpi_ids & below)[:1]) for course in courses]
        courses = self._candidate_courses(
            score, [("job_family", "=", family), ("level", "=", "junior")]
        )
        return [(course, self.env["trainlink.kpi"]) for course in courses]
