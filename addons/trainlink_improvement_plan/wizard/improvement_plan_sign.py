from odoo import fields, models


class TrainlinkImprovementPlanSign(models.TransientModel):
    """The employee or the manager signs a plan with Odoo's signature widget."""

    _name = "trainlink.improvement.plan.sign"
    _description = "Sign an Improvement Plan"

    plan_id = fields.Many2one("trainlink.improvement.plan", required=True)
    role = fields.Selection(
        [
            ("employee", "Employee: I commit to the plan"),
            ("manager", "Manager: I commit my support"),
        ],
        required=True,
        default="employee",
    )
    signer_name = fields.Char(
        string="Name", required=True, default=lambda self: self.env.user.name
    )
    signature = fields.Binary(required=True)

    def action_sign(self):
        self.ensure_one()
        self.plan_id._sign(self.role, self.signature, self.signer_name)
        return {"type": "ir.actions.act_window_close"}
