from odoo import fields, models


class TrainlinkPromotionPath(models.Model):
    _inherit = "trainlink.promotion.path"

    skill_ids = fields.One2many(
        "trainlink.promotion.path.skill",
        "path_id",
        string="Required Skills",
        copy=True,
        help="Skills (Employees > Skills) the candidate needs, each at least at "
        "its minimum level: a gate like the core courses.",
    )
