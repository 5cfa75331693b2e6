from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class TrainlinkSkillRequirementMixin(models.AbstractModel):
    """A skill of hr_skills at a level of its type: what a course brings or
    what a promotion path requires. Levels compare by their progress (%)."""

    _name = "trainlink.skill.requirement.mixin"
    _description = "TrainLink: a skill at a level"
    _rec_name = "skill_id"

    skill_type_id = fields.Many2one("hr.skill.type", required=True, ondelete="cascade")
    skill_id = fields.Many2one(
        "hr.skill",
        required=True,
        ondelete="cascade",
        index=True,
        compute="_compute_skill_id",
        store=True,
        precompute=True,
        readonly=False,
        domain="[('skill_type_id', '=', skill_type_id)]",
    )
    skill_level_id = fields.Many2one(
        "hr.skill.level",
        string="Level",
        required=True,
        ondelete="cascade",
        compute="_compute_skill_level_id",
        store=True,
        precompute=True,
        readonly=False,
        domain="[('skill_type_id', '=', skill_type_id)]",
    )
    level_progress = fields.Integer(related="skill_level_id.level_progress")

    @api.depends("skill_type_id")
    def _compute_skill_id(self):
        for line in self:
            if line.skill_id.skill_type_id != line.skill_type_id:
                line.skill_id = False

    @api.depends("skill_type_id")
    def _compute_skill_level_id(self):
        for line in self:
            levels = line.skill_type_id.skill_level_ids
            if line.skill_level_id not in levels:
                line.skill_level_id = levels.filtered("default_level")[:1] or levels[:1]

    @api.depends("skill_id.name", "skill_level_id.name")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.skill_id.name}: {line.skill_level_id.name}"

    @api.constrains("skill_type_id", "skill_id", "skill_level_id")
    def _check_skill_type(self):
        for line in self:
            if line.skill_id.skill_type_id != line.skill_type_id:
                raise ValidationError(
                    _(
                        "The skill %(skill)s is not of the skill type %(type)s.",
                        skill=line.skill_id.name,
                        type=line.skill_type_id.name,
                    )
                )
            if line.skill_level_id.skill_type_id != line.skill_type_id:
                raise ValidationError(
                    _(
                        "The level %(level)s is not a level of the skill type "
                        "%(type)s.",
                        level=line.skill_level_id.name,
                        type=line.skill_type_id.name,
                    )
                )
