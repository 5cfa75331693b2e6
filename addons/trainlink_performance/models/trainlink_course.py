from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

JOB_FAMILIES = [
    ("sales", "Sales"),
    ("rnd", "R&D"),
    ("operations", "Operations"),
    ("management", "Management"),
    ("general", "General"),
]


class TrainlinkCourse(models.Model):
    _name = "trainlink.course"
    _description = "Training Course"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(copy=False)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    responsible_id = fields.Many2one(
        "res.users", string="Training Officer", default=lambda self: self.env.user
    )
    description = fields.Html(translate=True)
    job_family = fields.Selection(
        JOB_FAMILIES,
        required=True,
        default="general",
        tracking=True,
    )
    level = fields.Selection(
        [("junior", "Junior"), ("middle", "Middle"), ("senior", "Senior Management")],
        required=True,
        default="junior",
        tracking=True,
    )
    format = fields.Selection(
        [
            ("lecture", "Lecture"),
            ("case_study", "Case Study"),
            ("simulation", "Simulation"),
            ("hands_on", "Hands-on"),
            ("e_learning", "E-learning"),
        ],
        required=True,
        default="lecture",
    )
    job_ids = fields.Many2many(
        "hr.job", string="Target Jobs", help="Jobs this course is designed for."
    )
    hours = fields.Float(tracking=True)
    cost_per_seat = fields.Monetary(tracking=True)
    passing_score = fields.Float(
        default=lambda self: self.env.company.trainlink_passing_score,
        tracking=True,
        help="Exam score (out of 100) an attendee needs to pass.",
    )
    short_term_days = fields.Integer(
        string="Short-term Check (days)",
        default=lambda self: self.env.company.trainlink_short_term_days,
    )
    kpi_window_months = fields.Integer(
        string="KPI Window (months)",
        default=lambda self: self.env.company.trainlink_kpi_window_months,
    )
    baseline_window_months = fields.Integer(
        string="Baseline Window (months)",
        default=lambda self: self.env.company.trainlink_baseline_window_months,
    )
    module_ids = fields.One2many("trainlink.course.module", "course_id", copy=True)
    kpi_ids = fields.Many2many(
        "trainlink.kpi",
        string="KPIs Moved",
        compute="_compute_kpi_ids",
        store=True,
        help="KPIs the course's modules are meant to move.",
    )
    session_ids = fields.One2many("trainlink.session", "course_id")
    session_count = fields.Integer(compute="_compute_session_count")
    need_ids = fields.One2many("trainlink.need", "course_id")
    need_count = fields.Integer(compute="_compute_need_count")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A course with this code already exists in this company.",
        ),
    ]

    @api.depends("module_ids.kpi_line_ids.kpi_id")
    def _compute_kpi_ids(self):
        for course in self:
            course.kpi_ids = course.module_ids.kpi_line_ids.kpi_id

    @api.depends("session_ids")
    def _compute_session_count(self):
        for course in self:
            course.session_count = len(course.session_ids)

    @api.depends("need_ids")
    def _compute_need_count(self):
        for course in self:
            course.need_count = len(course.need_ids)

    @api.constrains("hours", "cost_per_seat")
    def _check_hours_cost(self):
        for course in self:
            if course.hours < 0:
                raise ValidationError(
                    _(
                        "Course %(course)s: hours cannot be negative.",
                        course=course.name,
                    )
                )
            if course.cost_per_seat < 0:
                raise ValidationError(
                    _(
                        "Course %(course)s: the cost per seat cannot be negative.",
                        course=course.name,
                    )
                )

    @api.constrains("passing_score")
    def _check_passing_score(self):
        for course in self:
            if not 0 <= course.passing_score <= 100:
                raise ValidationError(
                    _(
                        "Course %(course)s: the passing score must be between "
                        "0 and 100.",
                        course=course.name,
                    )
                )

    @api.constrains("short_term_days", "kpi_window_months", "baseline_window_months")
    def _check_windows(self):
        for course in self:
            if (
                course.short_term_days < 0
                or course.kpi_window_months < 1
                or course.baseline_window_months < 1
            ):
                raise ValidationError(
                    _(
                        "Course %(course)s: the KPI and baseline windows must be at "
                        "least one month and the short-term check cannot be negative.",
                        course=course.name,
                    )
                )

    def action_view_sessions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_performance.trainlink_session_action"
        )
        action["domain"] = [("course_id", "=", self.id)]
        action["context"] = {"default_course_id": self.id}
        return action

    def action_view_needs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_performance.trainlink_need_action"
        )
        action["domain"] = [("course_id", "=", self.id)]
        action["context"] = {"default_course_id": self.id}
        return action

    # -- measured training effect (officers only) --

    contribution_ids = fields.One2many(
        "trainlink.contribution",
        "course_id",
        groups="trainlink_performance.group_trainlink_officer",
    )
    contribution_count = fields.Integer(
        compute="_compute_effect",
        groups="trainlink_performance.group_trainlink_officer",
    )
    avg_net_lift = fields.Float(
        string="Average Net Lift (%)",
        compute="_compute_effect",
        digits=(16, 1),
        groups="trainlink_performance.group_trainlink_officer",
        help="Average net KPI lift of the course's rated contributions; "
        "low-confidence ones are left out.",
    )
    # Stored, so that courses are sorted, grouped and pivoted by them.
    measured_benefit = fields.Monetary(
        compute="_compute_money",
        store=True,
        groups="trainlink_performance.group_trainlink_officer",
        help="Money value of the net improvement the course caused: the sum, over "
        "its contributions with enough data, of net lift % / 100 x |baseline per "
        "month| x months of the post window x KPI unit value, i.e. the KPI "
        "units gained over the whole window, net of peers, valued at the KPI's "
        "unit value.",
    )
    training_cost = fields.Monetary(
        compute="_compute_money",
        store=True,
        groups="trainlink_performance.group_trainlink_officer",
        help="Sum of the cost of the course's sessions.",
    )
    roi = fields.Float(
        string="ROI",
        compute="_compute_money",
        store=True,
        digits=(16, 2),
        aggregator="avg",
        groups="trainlink_performance.group_trainlink_officer",
        help="Return on training = measured benefit / training cost. 2.0: each "
        "unit spent brought two back. Zero without cost.",
    )
    effect_summary = fields.Html(
        string="Effect by KPI",
        compute="_compute_effect",
        sanitize=False,
        groups="trainlink_performance.group_trainlink_officer",
    )

    @api.depends("contribution_ids.benefit", "session_ids.cost")
    def _compute_money(self):
        for course in self:
            benefit = sum(course.contribution_ids.mapped("benefit"))
            cost = sum(course.session_ids.mapped("cost"))
            course.measured_benefit = benefit
            course.training_cost = cost
            course.roi = benefit / cost if cost else 0.0

    def _compute_effect(self):
        Contribution = self.env["trainlink.contribution"]
        counts = dict(
            Contribution._read_group(
                [("course_id", "in", self.ids)], ["course_id"], ["__count"]
            )
        )
        averages = dict(
            Contribution._read_group(
                [
                    ("course_id", "in", self.ids),
                    ("low_confidence", "=", False),
                ],
                ["course_id"],
                ["net_lift:avg"],
            )
        )
        for course in self:
            course.contribution_count = counts.get(course, 0)
            course.avg_net_lift = averages.get(course, 0.0)
            course.effect_summary = Contribution._effect_summary_html(
                [("course_id", "=", course.id)]
            )

    def action_view_contributions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_performance.trainlink_contribution_action_analysis"
        )
        action["domain"] = [("course_id", "=", self.id)]
        action["context"] = {"search_default_group_kpi": 1}
        return action
