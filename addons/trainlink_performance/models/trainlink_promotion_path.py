from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_list


class TrainlinkPromotionPath(models.Model):
    """The hard training gates of one target job (晋升硬门槛)."""

    _name = "trainlink.promotion.path"
    _description = "Promotion Requirements"
    _inherit = ["mail.thread"]
    _order = "name, id"
    _check_company_auto = True

    job_id = fields.Many2one(
        "hr.job",
        string="Target Job",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    # Job positions are for HR users; everyone reads the path's name.
    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    course_ids = fields.Many2many(
        "trainlink.course",
        "trainlink_promotion_path_course_rel",
        "path_id",
        "course_id",
        string="Required Core Courses",
        check_company=True,
        help="Each must be completed with at least the minimum course score.",
    )
    min_course_score = fields.Float(
        string="Minimum Course Score",
        default=80.0,
        tracking=True,
        help="Best exam score the candidate needs in every required course.",
    )
    practice_cases_required = fields.Integer(
        string="Approved Practice Cases",
        default=1,
        tracking=True,
        help="Practice cases approved by the manager that the candidate needs.",
    )
    min_performance_score = fields.Float(
        string="Minimum Performance Score",
        default=70.0,
        tracking=True,
        help="The candidate's latest confirmed performance score must reach it; "
        "0 means no performance condition.",
    )
    kpi_ids = fields.Many2many(
        "trainlink.kpi",
        "trainlink_promotion_path_kpi_rel",
        "path_id",
        "kpi_id",
        string="Job Competencies (KPIs)",
        help="What the target job is judged on. The review report shows which "
        "of them the candidate's passed courses cover.",
    )
    training_weight = fields.Float(
        string="Training Weight in Review (%)",
        default=30.0,
        help="Share of the review score given to training evidence; the rest "
        "is the latest performance score.",
    )
    days_per_course = fields.Integer(
        string="Days per Missing Course",
        default=14,
        help="Time a missing course is expected to take when no upcoming "
        "session of it is planned; used for the time left on the path.",
    )
    days_per_case = fields.Integer(
        string="Days per Missing Case",
        default=30,
        help="Time expected to apply a course and get a practice case approved.",
    )
    description = fields.Html(translate=True)
    candidate_ids = fields.One2many("trainlink.promotion.candidate", "path_id")
    candidate_count = fields.Integer(compute="_compute_candidate_count")

    _sql_constraints = [
        (
            "job_company_uniq",
            "unique(job_id, company_id)",
            "This job already has promotion requirements in this company.",
        ),
    ]

    @api.depends("job_id.name")
    def _compute_name(self):
        for path in self:
            path.name = path.job_id.name

    def _compute_candidate_count(self):
        counts = dict(
            self.env["trainlink.promotion.candidate"]._read_group(
                [("path_id", "in", self.ids)], ["path_id"], ["__count"]
            )
        )
        for path in self:
            path.candidate_count = counts.get(path, 0)

    @api.constrains(
        "min_course_score",
        "practice_cases_required",
        "min_performance_score",
        "training_weight",
        "days_per_course",
        "days_per_case",
    )
    def _check_values(self):
        for path in self:
            if not 0 <= path.min_course_score <= 100:
                raise ValidationError(
                    _(
                        "%(job)s: the minimum course score must be between 0 and 100.",
                        job=path.job_id.name,
                    )
                )
            if not 0 <= path.training_weight <= 100:
                raise ValidationError(
                    _(
                        "%(job)s: the training weight must be between 0 and 100 %%.",
                        job=path.job_id.name,
                    )
                )
            if (
                path.practice_cases_required < 0
                or path.min_performance_score < 0
                or path.days_per_course < 0
                or path.days_per_case < 0
            ):
                raise ValidationError(
                    _(
                        "%(job)s: case count, performance score and days cannot "
                        "be negative.",
                        job=path.job_id.name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_candidates(self):
        used = self.with_context(active_test=False).filtered("candidate_ids")
        if used:
            raise UserError(
                _(
                    "%(jobs)s: employees are on this promotion path; archive the "
                    "requirements instead of deleting them.",
                    jobs=format_list(self.env, used.sudo().job_id.mapped("name")),
                )
            )

    def action_open_candidates(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_performance.trainlink_promotion_candidate_action"
        )
        action["domain"] = [("path_id", "=", self.id)]
        action["context"] = {"default_path_id": self.id}
        return action
