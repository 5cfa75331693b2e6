from odoo import _, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    def _trainlink_award_blocks(self, campaign):
        """An open improvement plan blocks, when the campaign says so."""
        blocks = super()._trainlink_award_blocks(campaign)
        if not campaign.block_open_improvement_plan:
            return blocks
        plans = (
            self.env["trainlink.improvement.plan"]
            .sudo()
            .search([("employee_id", "in", self.ids), ("closed", "=", False)])
        )
        for employee in plans.employee_id:
            blocks.setdefault(employee.id, []).append(_("open improvement plan"))
        return blocks
