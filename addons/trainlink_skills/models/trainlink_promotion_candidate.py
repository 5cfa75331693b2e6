from odoo import _, api, fields, models


class TrainlinkPromotionCandidate(models.Model):
    _inherit = "trainlink.promotion.candidate"

    missing_skill_ids = fields.Many2many(
        "hr.skill",
        string="Skills Missing",
        compute="_compute_gates",
        compute_sudo=True,
        help="Required skills the candidate does not have at the minimum level.",
    )
    skills_ok = fields.Boolean(
        string="Skills Gate", compute="_compute_gates", compute_sudo=True
    )
    skill_progress = fields.Char(
        string="Required Skills", compute="_compute_gates", compute_sudo=True
    )

    @api.depends(
        "employee_id",
        "path_id.course_ids",
        "path_id.min_course_score",
        "path_id.practice_cases_required",
        "path_id.min_performance_score",
        "path_id.skill_ids.skill_id",
        "path_id.skill_ids.skill_level_id",
        "employee_id.employee_skill_ids.skill_level_id",
    )
    def _compute_gates(self):
        # The skills gate first: the core's progress sentence asks for it.
        progress = self._skill_levels()
        for candidate in self:
            required = candidate.path_id.skill_ids
            missing = required.filtered(
                lambda line, e=candidate.employee_id: (
                    progress.get((e.id, line.skill_id.id), -1) < line.level_progress
                )
            )
            candidate.missing_skill_ids = missing.skill_id
            candidate.skills_ok = not missing
            candidate.skill_progress = (
                f"{len(required) - len(missing)} / {len(required)}"
            )
        result = super()._compute_gates()
        for candidate in self.filtered(lambda c: not c.skills_ok):
            candidate.eligible = False
        return result

    def _skill_levels(self):
        """{(employee id, skill id): level progress of the employee's skill}."""
        employee_skills = self.env["hr.employee.skill"].search(
            [
                ("employee_id", "in", self.employee_id.ids),
                ("skill_id", "in", self.path_id.skill_ids.skill_id.ids),
            ]
        )
        return {
            (employee_skill.employee_id.id, employee_skill.skill_id.id): (
                employee_skill.level_progress
            )
            for employee_skill in employee_skills
        }

    def _progress_sentence(self, courses_missing, cases_missing):
        if self.skills_ok:
            return super()._progress_sentence(courses_missing, cases_missing)
        # Not eligible while a skill is missing, whatever the other gates say.
        self.eligible = False
        sentence = super()._progress_sentence(courses_missing, cases_missing)
        lines = self.path_id.skill_ids.filtered(
            lambda line: line.skill_id in self.missing_skill_ids
        )
        if len(lines) == 1:
            part = _(
                "%(skill)s below %(level)s",
                skill=lines.skill_id.name,
                level=lines.skill_level_id.name,
            )
        else:
            part = _("%(count)s skills below the required level", count=len(lines))
        if not sentence:
            return part
        return _("%(sentence)s, %(part)s", sentence=sentence, part=part)
