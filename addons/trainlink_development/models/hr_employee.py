from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

OFFICER_GROUP = "trainlink_performance.group_trainlink_officer"
MANAGER_GROUP = "trainlink_performance.group_trainlink_manager"


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    trainlink_idp_count = fields.Integer(
        string="Development Plans",
        compute="_compute_trainlink_development_counts",
        groups="hr.group_hr_user",
    )
    trainlink_proposal_count = fields.Integer(
        string="Training Proposals",
        compute="_compute_trainlink_development_counts",
        groups="hr.group_hr_user",
    )

    @api.depends_context("uid")
    def _compute_trainlink_development_counts(self):
        idps = dict(
            self.env["trainlink.idp"]._read_group(
                [("employee_id", "in", self.ids)], ["employee_id"], ["__count"]
            )
        )
        proposals = dict(
            self.env["trainlink.training.proposal"]._read_group(
                [("employee_id", "in", self.ids)], ["employee_id"], ["__count"]
            )
        )
        for employee in self:
            employee.trainlink_idp_count = idps.get(employee, 0)
            employee.trainlink_proposal_count = proposals.get(employee, 0)

    def _trainlink_check_development_decider(self, record_name):
        """The current user may decide about this employee's development: an
        HR officer, or a manager whose team the employee is in; never the
        employee themselves, whatever their groups."""
        self.ensure_one()
        if self.env.su:
            return
        user = self.env.user
        if user in self.sudo().user_id:
            raise UserError(
                _(
                    "%(record)s is about you: your manager or an HR officer "
                    "decides it, not you.",
                    record=record_name,
                )
            )
        if user.has_group(OFFICER_GROUP):
            return
        team = (
            self.env["hr.employee"]
            .sudo()
            .search([("id", "child_of", user.employee_ids.ids)])
            if user.has_group(MANAGER_GROUP)
            else self.browse()
        )
        if self not in team:
            raise AccessError(
                _(
                    "Only the manager of %(employee)s or an HR officer can decide "
                    "%(record)s.",
                    employee=self.sudo().name,
                    record=record_name,
                )
            )

    def _trainlink_development_action(self, xml_id):
        """The core's employee action, creating for the employee."""
        action = self._trainlink_action(xml_id)
        action["context"] = {"default_employee_id": self.id}
        return action

    def action_open_trainlink_idps(self):
        return self._trainlink_development_action(
            "trainlink_development.trainlink_idp_action"
        )

    def action_open_trainlink_proposals(self):
        return self._trainlink_development_action(
            "trainlink_development.trainlink_training_proposal_action"
        )
