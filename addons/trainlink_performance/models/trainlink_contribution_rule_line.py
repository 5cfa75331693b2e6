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
        help="The KPI's net lift, in percent, must reach at least this value.",
    )

    def _holds(self, window_lifts):
        """Whether the training's contribution on this KPI, in the same window,
        reaches the minimum; a KPI not measured fails the line."""
        self.ensure_one()
        lift = window_lifts.get(self.kpi_id.id)
        return lift is not None and lift >= self.min_net_lift
