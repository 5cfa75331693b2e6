from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    trainlink_pip_target_threshold = fields.Float(
        string="Improvement Plan: Target Achievement Below (%)",
        default=80.0,
        help="A KPI target of a closed period achieved below this share opens "
        "a draft improvement plan for the employee's manager.",
    )
    trainlink_pip_decline_min = fields.Float(
        string="Improvement Plan: Minimum Decline (%)",
        default=5.0,
        help="Two consecutive periods of decline of a KPI open a draft "
        "improvement plan when the KPI got worse by at least this share each "
        "time (smaller moves are noise).",
    )
    trainlink_pip_duration_days = fields.Integer(
        string="Improvement Plan: Default Length (days)",
        default=90,
    )
    trainlink_pip_escalation_user_id = fields.Many2one(
        "res.users",
        string="Improvement Plan: Escalations To",
        help="The HR officer who receives the plans escalated to HR.",
    )

    @api.constrains(
        "trainlink_pip_target_threshold",
        "trainlink_pip_decline_min",
        "trainlink_pip_duration_days",
    )
    def _check_trainlink_pip_settings(self):
        for company in self:
            if not 0 < company.trainlink_pip_target_threshold <= 100:
                raise ValidationError(
                    _(
                        "The target achievement that opens a plan is between 0 "
                        "and 100 %."
                    )
                )
            if not 0 <= company.trainlink_pip_decline_min < 100:
                raise ValidationError(
                    _("The minimum decline that opens a plan is between 0 and 100 %.")
                )
            if company.trainlink_pip_duration_days < 7:
                raise ValidationError(_("An improvement plan lasts at least a week."))
