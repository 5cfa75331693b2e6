from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

HR_GROUP = "hr.group_hr_user"


class TrainlinkAwardCriterion(models.Model):
    """A criterion HR adds beside training and performance (a manager's
    nomination, peer recognition, customer praise): a weight, a points
    scale, the evidence each rating needs and who enters it."""

    _name = "trainlink.award.criterion"
    _description = "Award Criterion"
    _order = "campaign_id, sequence, id"

    campaign_id = fields.Many2one(
        "trainlink.award.campaign", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    weight = fields.Float(string="Weight (%)", required=True)
    scale_max = fields.Float(
        string="Scale (points)",
        help="Ratings are given from 0 to this many points.",
    )
    evidence = fields.Selection(
        [("attachment", "An attachment"), ("record", "A linked record")],
        string="Evidence Needed",
        required=True,
        default="attachment",
    )
    rated_by = fields.Selection(
        [
            ("manager", "The candidate's managers"),
            ("peer", "Colleagues"),
            ("hr", "HR officers"),
        ],
        required=True,
        default="manager",
    )

    @api.model_create_multi
    def create(self, vals_list):
        criteria = super().create(vals_list)
        criteria._check_campaign_open()
        return criteria

    def write(self, vals):
        self._check_campaign_open()
        result = super().write(vals)
        self._check_campaign_open()
        return result

    def unlink(self):
        self._check_campaign_open()
        return super().unlink()

    def _check_campaign_open(self):
        """The rules of a closed nomination no longer change."""
        if self.env.su:
            return
        for criterion in self:
            if criterion.campaign_id.state in ("frozen", "done"):
                raise UserError(
                    _(
                        "%(campaign)s is closed for nomination: its rules and "
                        "scores no longer change.",
                        campaign=criterion.campaign_id.name,
                    )
                )

    @api.constrains("scale_max")
    def _check_scale(self):
        for criterion in self:
            if criterion.scale_max <= 0:
                raise ValidationError(
                    _(
                        "The criterion %(criterion)s needs a points scale (the "
                        "maximum points of a rating).",
                        criterion=criterion.name,
                    )
                )


class TrainlinkAwardRating(models.Model):
    """Points a named person gives a candidate on a criterion, with its
    evidence; never by the candidate."""

    _name = "trainlink.award.rating"
    _description = "Award Criterion Rating"
    _inherit = ["trainlink.guarded.mixin"]
    _order = "candidate_id, criterion_id, id"

    _trainlink_guarded_fields = frozenset({"author_id"})
    _trainlink_personal_fields = frozenset({"points", "candidate_id", "note"})

    candidate_id = fields.Many2one(
        "trainlink.award.candidate", required=True, index=True, ondelete="cascade"
    )
    employee_id = fields.Many2one(related="candidate_id.employee_id", store=True)
    campaign_id = fields.Many2one(related="candidate_id.campaign_id", store=True)
    company_id = fields.Many2one(related="candidate_id.company_id", store=True)
    criterion_id = fields.Many2one(
        "trainlink.award.criterion",
        required=True,
        domain="[('campaign_id', '=', campaign_id)]",
    )
    points = fields.Float(required=True)
    note = fields.Text()
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence Files")
    evidence_ref = fields.Reference(
        selection=[
            ("trainlink.practice.case", "Practice Case"),
            ("trainlink.session", "Session"),
            ("trainlink.attendance", "Training Record"),
            ("hr.employee", "Employee"),
        ],
        string="Linked Record",
    )
    author_id = fields.Many2one(
        "res.users", readonly=True, default=lambda self: self.env.user
    )

    @api.depends("criterion_id", "employee_id")
    def _compute_display_name(self):
        for rating in self:
            rating.display_name = (
                f"{rating.criterion_id.name}: {rating.sudo().employee_id.name}"
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                vals.pop("author_id", None)
        ratings = super().create(vals_list)
        ratings._check_rating()
        return ratings

    def write(self, vals):
        result = super().write(vals)
        self._check_rating()
        return result

    def _check_rating(self):
        for rating in self:
            criterion = rating.criterion_id
            candidate = rating.candidate_id.sudo()
            if criterion.campaign_id != candidate.campaign_id:
                raise ValidationError(
                    _("The criterion belongs to another campaign than the candidate.")
                )
            if candidate.campaign_id.state != "open":
                raise UserError(_("Ratings are entered while the nomination is open."))
            if not 0 <= rating.points <= criterion.scale_max:
                raise ValidationError(
                    _(
                        "%(criterion)s is rated from 0 to %(max)s points, not "
                        "%(points)s.",
                        criterion=criterion.name,
                        max=criterion.scale_max,
                        points=rating.points,
                    )
                )
            if criterion.evidence == "attachment" and not rating.attachment_ids:
                raise ValidationError(
                    _(
                        "%(criterion)s needs an attachment as evidence.",
                        criterion=criterion.name,
                    )
                )
            if criterion.evidence == "record" and not rating.evidence_ref:
                raise ValidationError(
                    _(
                        "%(criterion)s needs a linked record as evidence.",
                        criterion=criterion.name,
                    )
                )
            if not self.env.su:
                rating._check_rater()

    def _check_rater(self):
        """The people the criterion names rate, never the candidate."""
        self.ensure_one()
        user = self.env.user
        employee = self.candidate_id.sudo().employee_id
        if user in employee.user_id:
            raise AccessError(_("Nobody rates themselves for an award."))
        rated_by = self.criterion_id.rated_by
        if rated_by == "hr":
            allowed = user.has_group(HR_GROUP)
        elif rated_by == "manager":
            allowed = (
                user.employee_ids
                and employee.parent_id
                and bool(
                    self.env["hr.employee"]
                    .sudo()
                    .search_count(
                        [
                            ("id", "=", employee.id),
                            ("parent_id", "child_of", user.employee_ids.ids),
                        ]
                    )
                )
            )
        else:
            allowed = bool(user.employee_ids)
        if not allowed:
            labels = dict(
                self.criterion_id._fields["rated_by"]._description_selection(self.env)
            )
            raise AccessError(
                _(
                    "%(criterion)s is rated by %(who)s.",
                    criterion=self.criterion_id.name,
                    who=labels[rated_by],
                )
            )


class TrainlinkAwardRecord(models.Model):
    """A dated award in the employee's history, counted by promotion."""

    _name = "trainlink.award.record"
    _description = "Award"
    _order = "date desc, id desc"
    _rec_name = "campaign_id"

    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="employee_id.company_id", store=True)
    campaign_id = fields.Many2one(
        "trainlink.award.campaign", required=True, ondelete="restrict"
    )
    date = fields.Date(required=True)
    score = fields.Float(string="Award Score")
    story = fields.Html(sanitize=True)
