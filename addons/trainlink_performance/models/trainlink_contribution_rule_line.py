from odoo import fields, models


class TrainlinkContributionRuleLine(models.Model):
    _name = "trainlink.contribution.rule.line"
    _description = "Training Contribution Rule: KPI Combination Line"
    _order = "rule_id, rating, sequence, id"

    sequence = fields.Integer(default=10)
    rule_id = fields.Many2one(
        "trainlink.contribution.rule", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="rule_id.company_id", store=True)
    rating = fields.Selection(
        [("excellent", "Excellent"), ("good", "Good"), ("fair", "Fair")],
        required=True,
        default="excellent",
        help="Rating granted when every line of this rating holds.",
    )
    kpi_id = fields.Many2one(
        "trainlink.kpi",
        string="KPI",
        required=True,
        domain="[('company_id', '=', company_id)]",
    )
    min_net_lift = fields.Float(
        string="Minimum Net Lift (%)",
        help="The lower end of the 95 % interval of the KPI's net lift, in "
        "percent, must reach at least this value.",
    )

    def _holds(self, window):
        """Whether the training's contribution on this KPI, in the same window,
        reaches the minimum on evidence (the lower end of its interval); a
        KPI not measured, or that cannot be judged, fails the line."""
        self.ensure_one()
        contribution = window.get(self.kpi_id.id)
        return bool(
            contribution
            and contribution._can_judge()
            and contribution.net_lift_low >= self.min_net_lift
        )
