from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_list

HR_GROUP = "hr.group_hr_user"
# Satisfaction is rated 1 to 5: its mean in percent of 5.
RATING_SCALE = 5.0
DAYS_PER_YEAR = 365.0
EVIDENCE_FIELDS = ("attendance_ids", "case_ids", "trainer_session_ids", "score_ids")


class TrainlinkAwardCandidate(models.Model):
    """One eligible employee of a campaign, with each criterion's score and
    the records it rests on."""

    _name = "trainlink.award.candidate"
    _description = "Award Candidate"
    _inherit = ["trainlink.guarded.mixin"]
    _order = "campaign_id, blocked, score desc, id"
    _rec_name = "employee_id"

    # Computed from the records by the campaign: nobody types a score.
    _trainlink_guarded_fields = frozenset(
        {
            "campaign_id",
            "employee_id",
            "score",
            "training_score",
            "performance_score",
            "other_score",
            "hours",
            "hours_standard",
            "hours_points",
            "case_units",
            "cases_points",
            "trainer_session_count",
            "trainer_rating",
            "trainer_points",
            "blocked",
            "block_reason",
            "attendance_ids",
            "case_ids",
            "trainer_session_ids",
            "score_ids",
            "is_winner",
        }
    )
    _trainlink_personal_fields = frozenset({"selected"})

    campaign_id = fields.Many2one(
        "trainlink.award.campaign", required=True, index=True, ondelete="cascade"
    )
    campaign_state = fields.Selection(related="campaign_id.state")
    company_id = fields.Many2one(
        related="campaign_id.company_id", store=True, index=True
    )
    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade"
    )
    department_id = fields.Many2one(related="employee_id.department_id", store=True)
    job_id = fields.Many2one(related="employee_id.job_id", store=True)
    score = fields.Float(
        string="Award Score", readonly=True, aggregator="avg", default=0.0
    )
    training_score = fields.Float(readonly=True, aggregator="avg", default=0.0)
    performance_score = fields.Float(readonly=True, aggregator="avg", default=0.0)
    other_score = fields.Float(
        string="Other Criteria Score", readonly=True, default=0.0
    )
    hours = fields.Float(string="Training Hours", readonly=True)
    hours_standard = fields.Float(string="Standard Hours", readonly=True)
    hours_points = fields.Float(string="Hours Points (%)", readonly=True)
    case_units = fields.Float(string="Adopted Cases (with reuse)", readonly=True)
    cases_points = fields.Float(string="Case Points (%)", readonly=True)
    trainer_session_count = fields.Integer(string="Sessions as Trainer", readonly=True)
    trainer_rating = fields.Float(string="Trainer Rating (%)", readonly=True)
    trainer_points = fields.Float(string="Trainer Points (%)", readonly=True)
    blocked = fields.Boolean(readonly=True)
    block_reason = fields.Char(readonly=True)
    # The records each score rests on.
    attendance_ids = fields.Many2many(
        "trainlink.attendance", string="Trainings Counted", readonly=True
    )
    case_ids = fields.Many2many(
        "trainlink.practice.case", string="Adopted Cases", readonly=True
    )
    trainer_session_ids = fields.Many2many(
        "trainlink.session", string="Sessions Given", readonly=True
    )
    score_ids = fields.Many2many(
        "trainlink.performance.score", string="Performance Scores", readonly=True
    )
    rating_ids = fields.One2many("trainlink.award.rating", "candidate_id")
    progress = fields.Char(compute="_compute_progress", compute_sudo=True)
    rank = fields.Integer(
        compute="_compute_rank",
        groups="hr.group_hr_user",
        help="Place in the campaign's ranking of the candidates who may win.",
    )
    selected = fields.Boolean(
        string="Winner",
        help="Marked by the committee; the winners are confirmed on the campaign.",
    )
    is_winner = fields.Boolean(readonly=True)

    _sql_constraints = [
        (
            "campaign_employee_uniq",
            "unique(campaign_id, employee_id)",
            "An employee is a candidate once per campaign.",
        )
    ]

    def _compute_rank(self):
        # Among all candidates of the campaign, not only those the reader sees.
        for campaign in self.campaign_id:
            ranking = campaign.sudo()._ranking()
            position = {c.id: index + 1 for index, c in enumerate(ranking)}
            for candidate in self.filtered(lambda c, k=campaign: c.campaign_id == k):
                candidate.rank = position.get(candidate.id, 0)

    def write(self, vals):
        if "selected" in vals and not self.env.su:
            if not self.env.user.has_group(HR_GROUP):
                raise AccessError(_("The award committee's HR officers mark winners."))
            for candidate in self:
                if candidate.campaign_id.state != "frozen":
                    raise UserError(
                        _("Winners are marked once the nomination is closed.")
                    )
        return super().write(vals)

    # ------------------------------------------------------------ scoring --

    def _compute_scores(self):
        """Score the candidates from the records of their campaign's period,
        with a fixed number of queries whatever their number."""
        for campaign in self.campaign_id:
            candidates = self.filtered(lambda c, k=campaign: c.campaign_id == k)
            candidates._score_campaign(campaign)

    def _score_campaign(self, campaign):
        employees = self.employee_id
        start, end = campaign.date_start, campaign.date_end
        attendances = self._read_attendances(employees, start, end)
        cases = self._read_cases(employees, start, end)
        sessions, ratings = self._read_trainer_sessions(employees, start, end)
        scores = self._read_performance(employees, start, end)
        others = self._read_other_criteria(campaign)
        blocks = employees._trainlink_award_blocks(campaign)
        period_days = (end - start).days + 1
        # The records each score rests on, written at the end relation by
        # relation: a write per candidate would cost queries per candidate.
        evidence = {name: [] for name in EVIDENCE_FIELDS}
        for candidate in self:
            employee = candidate.employee_id
            vals = candidate._training_values(
                campaign,
                attendances.get(employee.id, []),
                cases.get(employee.id, []),
                sessions.get(employee.id, []),
                ratings,
                period_days,
            )
            own_scores = scores.get(employee.id, [])
            performance = (
                sum(s.final_score for s in own_scores) / len(own_scores)
                if own_scores
                else 0.0
            )
            reasons = list(blocks.get(employee.id, []))
            if campaign.min_performance_score:
                low = [
                    s
                    for s in own_scores
                    if s.final_score < campaign.min_performance_score
                ]
                if low:
                    reasons.append(
                        _(
                            "performance score %(score)s below %(minimum)s",
                            score=round(min(s.final_score for s in low), 1),
                            minimum=campaign.min_performance_score,
                        )
                    )
            other = 0.0
            for criterion in campaign.criterion_ids:
                other += (
                    criterion.weight
                    * others.get((candidate.id, criterion.id), 0.0)
                    / 100.0
                )
            vals.update(
                {
                    "performance_score": performance,
                    "score_ids": [fields.Command.set([s.id for s in own_scores])],
                    "other_score": other,
                    "score": (
                        campaign.weight_training * vals["training_score"] / 100.0
                        + campaign.weight_performance * performance / 100.0
                        + other
                    ),
                    "blocked": bool(reasons),
                    "block_reason": "; ".join(reasons) or False,
                }
            )
            for name in EVIDENCE_FIELDS:
                evidence[name].append((candidate, vals.pop(name)))
            candidate.sudo().write(vals)
        candidates = self.sudo()
        candidates.fetch(list(EVIDENCE_FIELDS))
        for name, commands in evidence.items():
            # What write() does for one record, for all of them at once.
            candidates._fields[name].write_batch(
                [(candidate.sudo(), command) for candidate, command in commands]
            )

    def _training_values(self, campaign, attendances, cases, sessions, ratings, days):
        """The training part: hours against the job's standard (full points
        from hours_full_percent of it), adopted cases (reuses by other
        departments count half), sessions given as internal trainer rated at
        least trainer_min_rating."""
        self.ensure_one()
        yearly = (
            self.employee_id.job_id.trainlink_standard_hours or campaign.standard_hours
        )
        standard = yearly * days / DAYS_PER_YEAR
        hours = sum(a.hours_credited for a in attendances)
        full_hours = standard * campaign.hours_full_percent / 100.0
        hours_points = min(1.0, hours / full_hours) * 100.0 if full_hours else 100.0
        units = sum(
            1.0 + 0.5 * len(case.reused_by_department_ids - case.department_id)
            for case in cases
        )
        cases_points = (
            min(1.0, units / campaign.cases_for_full) * 100.0
            if campaign.cases_for_full
            else 0.0
        )
        rated = [s for s in sessions if s.id in ratings]
        rating = sum(ratings[s.id] for s in rated) / len(rated) if rated else 0.0
        if (
            rated
            and rating >= campaign.trainer_min_rating
            and campaign.trainer_min_sessions
        ):
            trainer_points = (
                min(1.0, len(rated) / campaign.trainer_min_sessions) * 100.0
            )
        else:
            trainer_points = 0.0
        training = (
            campaign.hours_share * hours_points
            + campaign.cases_share * cases_points
            + campaign.trainer_share * trainer_points
        ) / 100.0
        return {
            "hours": hours,
            "hours_standard": standard,
            "hours_points": hours_points,
            "case_units": units,
            "cases_points": cases_points,
            "trainer_session_count": len(rated),
            "trainer_rating": rating,
            "trainer_points": trainer_points,
            "training_score": training,
            "attendance_ids": [fields.Command.set([a.id for a in attendances])],
            "case_ids": [fields.Command.set([c.id for c in cases])],
            "trainer_session_ids": [fields.Command.set([s.id for s in rated])],
        }

    @api.model
    def _group_by_employee(self, records, field="employee_id"):
        grouped = defaultdict(list)
        for record in records:
            grouped[record[field].id].append(record)
        return grouped

    def _read_attendances(self, employees, start, end):
        attendances = (
            self.env["trainlink.attendance"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", employees.ids),
                    ("state", "=", "completed"),
                    ("completion_date", ">=", start),
                    ("completion_date", "<=", end),
                ]
            )
        )
        return self._group_by_employee(attendances)

    def _read_cases(self, employees, start, end):
        cases = (
            self.env["trainlink.practice.case"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", employees.ids),
                    ("adopted", "=", True),
                    ("adoption_date", ">=", start),
                    ("adoption_date", "<=", end),
                ]
            )
        )
        cases.mapped("reused_by_department_ids")  # read for all cases in one query
        return self._group_by_employee(cases)

    def _read_trainer_sessions(self, employees, start, end):
        """({employee id: sessions given}, {session id: rating in percent}) of
        the internal trainer's sessions of the period with at least one
        rating."""
        sessions = (
            self.env["trainlink.session"]
            .sudo()
            .search(
                [
                    ("trainer_id", "in", employees.ids),
                    ("date_end", ">=", start),
                    ("date_end", "<=", end),
                    ("state", "!=", "cancelled"),
                ]
            )
        )
        # Each attendee's rating of the trainer, else of the session.
        groups = (
            self.env["trainlink.attendance"]
            .sudo()
            ._read_group(
                [
                    ("session_id", "in", sessions.ids),
                    "|",
                    ("trainer_rating", "!=", False),
                    ("satisfaction", "!=", False),
                ],
                ["session_id", "trainer_rating", "satisfaction"],
                ["__count"],
            )
        )
        totals = defaultdict(lambda: [0.0, 0])
        for session, trainer_rating, satisfaction, count in groups:
            totals[session.id][0] += int(trainer_rating or satisfaction) * count
            totals[session.id][1] += count
        ratings = {
            session_id: total / count / RATING_SCALE * 100.0
            for session_id, (total, count) in totals.items()
        }
        return self._group_by_employee(sessions, "trainer_id"), ratings

    def _read_performance(self, employees, start, end):
        scores = (
            self.env["trainlink.performance.score"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", employees.ids),
                    ("state", "=", "confirmed"),
                    ("period_end", ">=", start),
                    ("period_end", "<=", end),
                ]
            )
        )
        return self._group_by_employee(scores)

    def _read_other_criteria(self, campaign):
        """{(candidate id, criterion id): score in percent of the scale}, the
        mean of the ratings entered."""
        groups = (
            self.env["trainlink.award.rating"]
            .sudo()
            ._read_group(
                [("candidate_id", "in", self.ids)],
                ["candidate_id", "criterion_id"],
                ["points:avg"],
            )
        )
        return {
            (candidate.id, criterion.id): points / criterion.scale_max * 100.0
            for candidate, criterion, points in groups
            if criterion.scale_max
        }

    # ------------------------------------------------------------ showing --

    @api.depends_context("lang")
    def _compute_progress(self):
        """What the employee still needs, e.g. 'Training hours 96 / 120;
        1 internal session more', in the reader's language."""
        for candidate in self:
            campaign = candidate.campaign_id
            parts = []
            full_hours = candidate.hours_standard * campaign.hours_full_percent / 100.0
            parts.append(
                _(
                    "Training hours %(hours)s / %(full)s",
                    hours=round(candidate.hours),
                    full=round(full_hours),
                )
            )
            missing_cases = campaign.cases_for_full - candidate.case_units
            if missing_cases > 0:
                # "2", not "2.0"; "1.5" stays.
                count = format(missing_cases, "g")
                parts.append(_("%(count)s adopted case(s) more", count=count))
            missing_sessions = (
                campaign.trainer_min_sessions - candidate.trainer_session_count
            )
            if missing_sessions > 0:
                parts.append(
                    _("%(count)s internal session(s) more", count=missing_sessions)
                )
            # The separator is translated too: a Chinese sentence uses "；".
            # (A bare "; " would not be exported: Odoo skips terms without
            # letters.)
            progress = parts[0]
            for part in parts[1:]:
                progress = _("%(progress)s; %(part)s", progress=progress, part=part)
            candidate.progress = progress

    def _story_html(self):
        """What earned the award: trainings, adopted cases, measured effect."""
        self.ensure_one()
        candidate = self.sudo()
        courses = format_list(
            self.env, candidate.attendance_ids.course_id.mapped("name")
        )
        cases = format_list(self.env, candidate.case_ids.mapped("name"))
        effects = (
            self.env["trainlink.contribution"]
            .sudo()
            .search(
                [
                    ("attendance_id", "in", candidate.attendance_ids.ids),
                    ("rating", "in", ("excellent", "good")),
                ]
            )
        )
        lines = [
            _(
                "Award score %(score)s: training %(training)s, performance "
                "%(performance)s.",
                score=round(candidate.score, 1),
                training=round(candidate.training_score, 1),
                performance=round(candidate.performance_score, 1),
            ),
            _(
                "%(hours)s training hours: %(courses)s.",
                hours=round(candidate.hours, 1),
                courses=courses or "-",
            ),
        ]
        if cases:
            lines.append(_("Practice cases adopted: %(cases)s.", cases=cases))
        if candidate.trainer_session_count:
            lines.append(
                _(
                    "Internal trainer of %(count)s session(s), rated %(rating)s %%.",
                    count=candidate.trainer_session_count,
                    rating=round(candidate.trainer_rating),
                )
            )
        for effect in effects:
            lines.append(
                _(
                    "%(course)s moved %(kpi)s by %(lift).1f %% net of peers.",
                    course=effect.course_id.name,
                    kpi=effect.kpi_id.name,
                    lift=effect.net_lift,
                )
            )
        return Markup("<ul>%s</ul>") % Markup("").join(
            Markup("<li>%s</li>") % line for line in lines
        )

    def _announce(self):
        """Winners: a dated entry in their award history and the story on
        their employee record (and in the campaign's channel)."""
        Record = self.env["trainlink.award.record"].sudo()
        for candidate in self.sudo():
            campaign = candidate.campaign_id
            candidate.is_winner = True
            body = campaign._announcement(candidate)
            Record.create(
                {
                    "employee_id": candidate.employee_id.id,
                    "campaign_id": campaign.id,
                    "date": campaign.decision_date,
                    "score": candidate.score,
                    "story": body,
                }
            )
            candidate.employee_id.message_post(body=body)
            if campaign.channel_id:
                campaign.channel_id.message_post(
                    body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
                )

    def action_view_attendances(self):
        return self._open_records("trainlink.attendance", self.attendance_ids)

    def action_view_cases(self):
        return self._open_records("trainlink.practice.case", self.case_ids)

    def action_view_sessions(self):
        return self._open_records("trainlink.session", self.trainer_session_ids)

    def action_view_scores(self):
        return self._open_records("trainlink.performance.score", self.score_ids)

    def _open_records(self, model, records):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env[model]._description,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("id", "in", records.ids)],
        }
