from odoo import fields, models


class TrainlinkPromotionPathSkill(models.Model):
    """A skill the target job requires, at a minimum level."""

    _name = "trainlink.promotion.path.skill"
    _description = "Skill Required by a Promotion Path"
    _inherit = ["trainlink.skill.requirement.mixin"]
    _order = "path_id, skill_type_id, skill_id"

    path_id = fields.Many2one(
        "trainlink.promotion.path", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="path_id.company_id", store=True)
    skill_level_id = fields.Many2one(
        string="Minimum Level",
        help="The candidate's level of the skill (hr_skills) must reach at "
        "least this level's progress.",
    )

    _sql_constraints = [
        (
            "path_skill_uniq",
            "unique(path_id, skill_id)",
            "A promotion path requires a skill once: set the minimum level on "
            "its line.",
        ),
    ]
