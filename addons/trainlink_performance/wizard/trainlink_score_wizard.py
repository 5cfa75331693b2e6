from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.trainlink_assessment_cycle import PERIOD_TYPES

SCOPES = [
    ("company", "All Employees of the Company"),
    ("department", "Departments"),
    ("job", "Jobs"),
    ("employee", "Chosen Employees"),
]


class TrainlinkScoreWizard(models.TransientModel):
    _name = "trainlink.score.wizard"
    _description = "Compute Performance Scores"

    period_type = fields.Selection(PERIOD_TYPES, required=True, default="quarter")
    period_start = fields.Date(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    scope = fields.Selection(
        SCOPES,
        string="Employees to Score",
        required=True,
        default="company",
    )
    department_ids = fields.Many2many(
        "hr.department",
        string="Departments",
        domain="[('company_id', 'in', [company_id, False])]",
        help="Employees of these departments and of their sub-departments.",
    )
    job_ids = fields.Many2many(
        "hr.job",
        string="Jobs",
        domain="[('company_id', 'in', [company_id, False])]",
        help="Employees holding one of these jobs.",
    )
    employee_ids = fields.Many2many(
        "hr.employee",
        string="Employees",
        domain="[('company_id', '=', company_id)]",
    )
    employee_count = fields.Integer(
        string="Employees Selected", compute="_compute_employee_count"
    )
    # One department, as the wizard was first called: setting it chooses the
    # department scope.
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        inverse="_inverse_department_id",
    )

    @api.depends("scope", "company_id", "department_ids", "job_ids", "employee_ids")
    def _compute_employee_count(self):
        Employee = self.env["hr.employee"]
        for wizard in self:
            domain = wizard._employee_domain()
            wizard.employee_count = Employee.search_count(domain) if domain else 0

    @api.depends("scope", "department_ids")
    def _compute_department_id(self):
        for wizard in self:
            departments = wizard.department_ids
            wizard.department_id = (
                departments
                if wizard.scope == "department" and len(departments) == 1
                else False
            )

    def _inverse_department_id(self):
        for wizard in self.filtered("department_id"):
            wizard.write(
                {
                    "scope": "department",
                    "department_ids": [fields.Command.set(wizard.department_id.ids)],
                }
            )

    def action_compute(self):
        self.ensure_one()
        employees = self._employees()
        scores = self.env["trainlink.performance.score"]._generate(
            self.period_type, self.period_start, employees
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_performance.trainlink_performance_score_action"
        )
        action["domain"] = [("id", "in", scores.ids)]
        return action

    def _employee_domain(self):
        """Domain of the employees to score; None while the scope's choice is
        still empty."""
        self.ensure_one()
        domain = [("company_id", "=", self.company_id.id)]
        if self.scope == "department":
            chosen = self.department_ids._origin.ids
            return chosen and [*domain, ("department_id", "child_of", chosen)]
        if self.scope == "job":
            # Job positions are HR data: a training officer without HR rights
            # may score by job all the same.
            chosen = self.sudo().job_ids._origin.ids
            return chosen and [*domain, ("job_id", "in", chosen)]
        if self.scope == "employee":
            chosen = self.employee_ids._origin.ids
            return chosen and [*domain, ("id", "in", chosen)]
        return domain

    def _employees(self):
        """The employees to score; refused when there is none."""
        self.ensure_one()
        self._check_choice()
        employees = self.env["hr.employee"].search(self._employee_domain())
        if employees:
            return employees
        if self.scope == "department":
            raise UserError(
                _(
                    "No employee of %(company)s works in %(departments)s or "
                    "their sub-departments.",
                    company=self.company_id.name,
                    departments=", ".join(self.department_ids.mapped("display_name")),
                )
            )
        if self.scope == "job":
            raise UserError(
                _(
                    "No employee of %(company)s holds the job %(jobs)s.",
                    company=self.company_id.name,
                    jobs=", ".join(self.sudo().job_ids.mapped("name")),
                )
            )
        if self.scope == "employee":
            raise UserError(
                _(
                    "None of the chosen employees belongs to %(company)s.",
                    company=self.company_id.name,
                )
            )
        raise UserError(
            _("%(company)s has no employees to score.", company=self.company_id.name)
        )

    def _check_choice(self):
        if self.scope == "department" and not self.department_ids:
            raise UserError(_("Choose at least one department to score."))
        if self.scope == "job" and not self.sudo().job_ids:
            raise UserError(_("Choose at least one job to score."))
        if self.scope == "employee" and not self.employee_ids:
            raise UserError(_("Choose at least one employee to score."))
