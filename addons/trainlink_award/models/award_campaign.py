from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

HR_GROUP = "hr.group_hr_user"
STATES = [
    ("draft", "Draft"),
    ("open", "Nomination Open"),
    ("frozen", "Nomination Closed"),
    ("done", "Winners Announced"),
]


class TrainlinkAwardCampaign(models.Model):
    """An excellent-employee award (评优) scored from the records: training
    30 % by default, performance 50 %, the rest from criteria HR adds."""

    _name = "trainlink.award.campaign"
    _description = "Award Campaign"
    _inherit = ["mail.thread", "trainlink.guarded.mixin"]
    _order = "date_end desc, id desc"

    _trainlink_guarded_fields = frozenset({"state", "frozen_date", "decision_date"})

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_start = fields.Date(string="Period Start", required=True, tracking=True)
    date_end = fields.Date(string="Period End", required=True, tracking=True)
    state = fields.Selection(STATES, default="draft", required=True, tracking=True)
    # Who is eligible
    department_ids = fields.Many2many(
        "hr.department",
        string="Departments",
        help="Empty: every department of the company.",
    )
    job_ids = fields.Many2many(
        "hr.job", string="Jobs", help="Empty: every job of the company."
    )
    min_service_months = fields.Integer(
        string="Minimum Service (months)",
        help="Months of service at the end of the period an employee needs.",
    )
    winner_count = fields.Integer(string="Number of Winners", default=1, required=True)
    # Weights of the award score (they sum to 100 with the other criteria)
    weight_training = fields.Float(string="Training (%)", default=30.0)
    weight_performance = fields.Float(string="Performance (%)", default=50.0)
    criterion_ids = fields.One2many(
        "trainlink.award.criterion", "campaign_id", string="Other Criteria", copy=True
    )
    weight_total = fields.Float(string="Total (%)", compute="_compute_weight_total")
    # How the training part is made up (shares of the training score)
    hours_share = fields.Float(string="Training Hours (%)", default=50.0)
    cases_share = fields.Float(string="Adopted Cases (%)", default=25.0)
    trainer_share = fields.Float(string="Internal Trainer (%)", default=25.0)
    standard_hours = fields.Float(
        default=100.0,
        help="Training hours a year expected of a job that sets none; the "
        "period's standard is this share of the year.",
    )
    hours_full_percent = fields.Float(
        string="Full Points At (% of standard)",
        default=120.0,
        help="Training hours earning the full hours points, in percent of the "
        "standard; fewer earn in proportion.",
    )
    cases_for_full = fields.Float(
        string="Cases for Full Points",
        default=2.0,
        help="Practice cases adopted into the knowledge base in the period "
        "that earn the full case points; each reuse by another department "
        "counts as half a case.",
    )
    trainer_min_sessions = fields.Integer(
        string="Trainer: Minimum Sessions",
        default=2,
        help="Sessions given as internal trainer in the period for the full "
        "trainer points; fewer earn in proportion.",
    )
    trainer_min_rating = fields.Float(
        string="Trainer: Minimum Rating (%)",
        default=90.0,
        help="Average rating of the trainer's sessions by their attendees "
        "(satisfaction out of 5, in percent) below which no trainer points "
        "are earned.",
    )
    # Blocking conditions
    min_performance_score = fields.Float(
        string="Blocking: Performance Score Below",
        help="A confirmed performance score of the period below this blocks "
        "the candidate; 0: no such condition.",
    )
    block_open_improvement_plan = fields.Boolean(
        string="Blocking: Open Improvement Plan",
        default=True,
        help="Applies when improvement plans are installed.",
    )
    channel_id = fields.Many2one(
        "discuss.channel",
        string="Announce In",
        help="The Discuss channel the winners are announced in; the winners' "
        "employee records get the announcement in any case.",
    )
    candidate_ids = fields.One2many("trainlink.award.candidate", "campaign_id")
    candidate_count = fields.Integer(compute="_compute_candidate_count")
    frozen_date = fields.Date(readonly=True, copy=False)
    decision_date = fields.Date(readonly=True, copy=False)
    decision_reason = fields.Text(
        help="Needed when the committee's winners differ from the ranking order.",
    )

    @api.depends("weight_training", "weight_performance", "criterion_ids.weight")
    def _compute_weight_total(self):
        for campaign in self:
            campaign.weight_total = (
                campaign.weight_training
                + campaign.weight_performance
                + sum(campaign.criterion_ids.mapped("weight"))
            )

    def _compute_candidate_count(self):
        counts = dict(
            self.env["trainlink.award.candidate"]._read_group(
                [("campaign_id", "in", self.ids)], ["campaign_id"], ["__count"]
            )
        )
        for campaign in self:
            campaign.candidate_count = counts.get(campaign, 0)

    # ------------------------------------------------------------ checks --

    @api.constrains("date_start", "date_end")
    def _check_period(self):
        for campaign in self:
            if campaign.date_end < campaign.date_start:
                raise ValidationError(
                    _(
                        "The period of %(campaign)s ends before it starts.",
                        campaign=campaign.name,
                    )
                )

    @api.constrains(
        "weight_training",
        "weight_performance",
        "criterion_ids",
        "hours_share",
        "cases_share",
        "trainer_share",
        "winner_count",
    )
    def _check_weights(self):
        for campaign in self:
            weights = [
                campaign.weight_training,
                campaign.weight_performance,
                *campaign.criterion_ids.mapped("weight"),
            ]
            if min(weights) < 0:
                raise ValidationError(_("Weights cannot be negative."))
            if float_compare(sum(weights), 100.0, precision_digits=2):
                raise ValidationError(
                    _(
                        "The weights of %(campaign)s sum to %(total)s %%, not 100 %%: "
                        "training %(training)s, performance %(performance)s and the "
                        "other criteria %(others)s.",
                        campaign=campaign.name,
                        total=round(sum(weights), 2),
                        training=campaign.weight_training,
                        performance=campaign.weight_performance,
                        others=round(sum(weights[2:]), 2),
                    )
                )
            shares = (
                campaign.hours_share,
                campaign.cases_share,
                campaign.trainer_share,
            )
            if min(shares) < 0 or float_compare(sum(shares), 100.0, precision_digits=2):
                raise ValidationError(
                    _(
                        "The parts of the training score (hours, adopted cases, "
                        "internal trainer) sum to %(total)s %%, not 100 %%.",
                        total=round(sum(shares), 2),
                    )
                )
            if campaign.winner_count < 1:
                raise ValidationError(_("A campaign has at least one winner."))

    def write(self, vals):
        if not self.env.su and set(vals) - {"decision_reason", "channel_id"}:
            settled = self.filtered(lambda c: c.state in ("frozen", "done"))
            if settled:
                raise UserError(
                    _(
                        "%(campaign)s is closed for nomination: its rules and "
                        "scores no longer change.",
                        campaign=settled[0].name,
                    )
                )
        return super().write(vals)

    # ----------------------------------------------------------- actions --

    def action_open(self):
        for campaign in self:
            campaign._check_state("draft")
            campaign.sudo().state = "open"
        self._compute_candidates()
        return True

    def action_recompute(self):
        for campaign in self:
            campaign._check_state("open")
        self._compute_candidates()
        return True

    def action_freeze(self):
        """Close the nomination: a last computation, then the scores stay."""
        for campaign in self:
            campaign._check_state("open")
        self._compute_candidates()
        self.sudo().write(
            {"state": "frozen", "frozen_date": fields.Date.context_today(self)}
        )
        return True

    def action_back_to_draft(self):
        for campaign in self:
            campaign._check_state("open")
        self.candidate_ids.sudo().unlink()
        self.sudo().state = "draft"
        return True

    def action_confirm_winners(self):
        """The committee's choice: the candidates marked as winners. Another
        choice than the ranking's top needs a reason."""
        for campaign in self:
            campaign._check_state("frozen")
            winners = campaign.candidate_ids.filtered("selected")
            if not winners:
                raise UserError(_("Mark the winners among the candidates first."))
            if len(winners) > campaign.winner_count:
                raise UserError(
                    _(
                        "%(campaign)s has %(count)s winners at most; %(selected)s "
                        "are marked.",
                        campaign=campaign.name,
                        count=campaign.winner_count,
                        selected=len(winners),
                    )
                )
            blocked = winners.filtered("blocked")
            if blocked:
                raise UserError(
                    _(
                        "%(employee)s is blocked (%(reason)s) and cannot win.",
                        employee=blocked[0].employee_id.name,
                        reason=blocked[0].block_reason,
                    )
                )
            top = campaign._ranking()[: len(winners)]
            if (
                set(top.ids) != set(winners.ids)
                and not (campaign.decision_reason or "").strip()
            ):
                raise UserError(
                    _(
                        "The winners are not the top %(count)s of the ranking: give "
                        "the committee's reason for the decision.",
                        count=len(winners),
                    )
                )
            campaign.sudo().write(
                {"state": "done", "decision_date": fields.Date.context_today(self)}
            )
            winners._announce()
        return True

    def _check_state(self, *states):
        self.ensure_one()
        if not self.env.user.has_group(HR_GROUP) and not self.env.su:
            raise UserError(_("Award campaigns are run by HR officers."))
        if self.state not in states:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                _(
                    "%(campaign)s is %(state)s: this step is not possible now.",
                    campaign=self.name,
                    state=labels[self.state],
                )
            )

    @api.model
    def _cron_recompute(self):
        self.search([("state", "=", "open")])._compute_candidates()

    def _ranking(self):
        """Candidates that may win, best first."""
        self.ensure_one()
        return self.candidate_ids.filtered(lambda c: not c.blocked).sorted(
            lambda c: (-c.score, c.employee_id.name or "", c.id)
        )

    # ------------------------------------------------------- eligibility --

    def _eligible_employees(self):
        self.ensure_one()
        domain = [("company_id", "=", self.company_id.id)]
        if self.department_ids:
            domain.append(("department_id", "child_of", self.department_ids.ids))
        if self.job_ids:
            domain.append(("job_id", "in", self.job_ids.ids))
        employees = self.env["hr.employee"].sudo().search(domain)
        if self.min_service_months:
            latest_start = self.date_end - relativedelta(months=self.min_service_months)
            employees = employees.filtered(
                lambda e: (
                    (e._trainlink_service_start() or self.date_end) <= latest_start
                )
            )
        return employees

    def _compute_candidates(self):
        for campaign in self.sudo():
            employees = campaign._eligible_employees()
            Candidate = self.env["trainlink.award.candidate"].sudo()
            existing = {c.employee_id.id: c for c in campaign.candidate_ids}
            missing = employees.filtered(lambda e, x=existing: e.id not in x)
            Candidate.create(
                [{"campaign_id": campaign.id, "employee_id": e.id} for e in missing]
            )
            campaign.candidate_ids.filtered(
                lambda c, e=employees: c.employee_id not in e
            ).unlink()
            campaign.candidate_ids._compute_scores()

    def action_view_candidates(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_award.award_candidate_action"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id}
        return action

    def action_print(self):
        return self.env.ref(
            "trainlink_award.action_report_award_committee"
        ).report_action(self)

    def _announcement(self, candidate):
        """The winner's story, for the chatter and the channel."""
        return Markup("<p><b>%s</b></p>%s") % (
            _(
                "%(employee)s wins %(campaign)s.",
                employee=candidate.employee_id.name,
                campaign=self.name,
            ),
            candidate._story_html(),
        )
