from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import format_list


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    trainlink_improvement_plan_count = fields.Integer(
        string="Improvement Plans",
        compute="_compute_trainlink_improvement_counts",
    )
    trainlink_performance_entry_ids = fields.One2many(
        "trainlink.performance.entry",
        "employee_id",
        string="Performance File",
        groups="hr.group_hr_user",
    )

    @api.depends_context("uid")
    def _compute_trainlink_improvement_counts(self):
        # With the reader's rights: a colleague's plans count as none.
        counts = dict(
            self.env["trainlink.improvement.plan"]._read_group(
                [("employee_id", "in", self.ids)], ["employee_id"], ["__count"]
            )
        )
        for employee in self:
            employee.trainlink_improvement_plan_count = counts.get(employee, 0)

    def _trainlink_manager_employee(self):
        """The employee's manager, else their department's, never themselves."""
        self.ensure_one()
        for manager in (self.parent_id, self.department_id.manager_id):
            if manager and manager != self:
                return manager
        return self.browse()

    def action_open_trainlink_improvement_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_improvement_plan.improvement_plan_action"
        )
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"default_employee_id": self.id}
        return action

    def action_request_improvement_plan(self):
        """The employee asks for a plan for themselves (from their profile)."""
        self.ensure_one()
        plan = self.env["trainlink.improvement.plan"]._request_by_employee(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": "trainlink.improvement.plan",
            "res_id": plan.id,
            "view_mode": "form",
        }

    def write(self, vals):
        old_jobs = {}
        if "job_id" in vals:
            old_jobs = {employee.id: employee.job_id for employee in self}
        result = super().write(vals)
        moved = self.filtered(
            lambda e: e.id in old_jobs and e.job_id and e.job_id != old_jobs[e.id]
        )
        if moved:
            moved._trainlink_check_new_job()
        return result

    def _trainlink_check_new_job(self):
        """Promoted or transferred into a job whose promotion requirements
        the employee does not meet yet: a draft plan to close the gap."""
        Path = self.env["trainlink.promotion.path"].sudo()
        Candidate = self.env["trainlink.promotion.candidate"].sudo()
        Plan = self.env["trainlink.improvement.plan"].sudo()
        for employee in self.sudo().filtered("active"):
            path = Path.search(
                [
                    ("job_id", "=", employee.job_id.id),
                    ("company_id", "=", employee.company_id.id),
                ],
                limit=1,
            )
            if not path:
                continue
            gates = Candidate.new({"employee_id": employee.id, "path_id": path.id})
            if gates.eligible:
                continue
            missing = []
            if gates.missing_course_ids:
                missing.append(
                    _(
                        "courses %(courses)s",
                        courses=format_list(
                            self.env, gates.missing_course_ids.mapped("name")
                        ),
                    )
                )
            if not gates.cases_ok:
                missing.append(
                    _(
                        "approved practice cases %(count)s of %(required)s",
                        count=gates.approved_case_count,
                        required=path.practice_cases_required,
                    )
                )
            if not gates.performance_ok:
                missing.append(
                    _(
                        "performance score %(score)s of %(required)s",
                        score=round(gates.performance_score, 1),
                        required=path.min_performance_score,
                    )
                )
            text = _(
                "%(employee)s moved to %(job)s without meeting its requirements "
                "yet: %(missing)s.",
                employee=employee.name,
                job=employee.job_id.name,
                missing="; ".join(missing),
            )
            Plan._open_for_trigger(
                employee,
                "promotion_gap",
                f"job:{employee.job_id.id}",
                {
                    "name": _("Requirements of %(job)s", job=employee.job_id.name),
                    "problem": text,
                },
                Markup("<p>%s</p>") % text,
            )
