from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class TrainlinkCourse(models.Model):
    _inherit = "trainlink.course"

    certification_survey_id = fields.Many2one(
        "survey.survey",
        string="Certification",
        domain=[("certification", "=", True)],
        tracking=True,
        help="Survey certification that serves as the course's test: a finished "
        "attempt of an attendee sets their exam score (the best attempt's score "
        "in %) and pass/fail (the certification's own pass mark; once passed, "
        "always passed).",
    )
    satisfaction_survey_id = fields.Many2one(
        "survey.survey",
        domain=[("scoring_type", "!=", "no_scoring"), ("certification", "=", False)],
        tracking=True,
        help="Scored survey that serves as the satisfaction questionnaire "
        "(Kirkpatrick level 1): a finished answer of an attendee sets the "
        "satisfaction of their attendance from its score: under 30 % = 1, from "
        "30 % = 2, 50 % = 3, 70 % = 4, 90 % = 5 (score the answers 1 to 5 and "
        "the rating is the answer chosen).",
    )

    @api.constrains("certification_survey_id", "satisfaction_survey_id")
    def _check_trainlink_surveys(self):
        for course in self:
            certification = course.certification_survey_id
            satisfaction = course.satisfaction_survey_id
            if certification and not certification.certification:
                raise ValidationError(
                    _(
                        "Course %(course)s: the survey %(survey)s is not a "
                        "certification.",
                        course=course.name,
                        survey=certification.title,
                    )
                )
            if satisfaction and (
                satisfaction.certification or satisfaction.scoring_type == "no_scoring"
            ):
                raise ValidationError(
                    _(
                        "Course %(course)s: the satisfaction survey %(survey)s must "
                        "be scored and cannot be a certification.",
                        course=course.name,
                        survey=satisfaction.title,
                    )
                )
