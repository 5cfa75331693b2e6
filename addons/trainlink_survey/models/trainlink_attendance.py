import math

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

SURVEY_USER_GROUP = "survey.group_survey_user"
# States in which an attendance takes the results of the course's surveys.
OPEN_STATES = ("enrolled", "attended", "completed")
# Written from finished survey attempts only, as superuser.
SURVEY_GUARDED_FIELDS = frozenset(
    {
        "certification_input_ids",
        "certification_attempted",
        "certification_passed",
        "satisfaction_input_id",
    }
)


def satisfaction_from_percentage(percentage):
    """Rating '1'..'5' of a satisfaction survey score in %: 20 % a step,
    half up, at least 1."""
    return str(min(5, max(1, math.floor(percentage / 20.0 + 0.5))))


class TrainlinkAttendance(models.Model):
    _inherit = "trainlink.attendance"

    certification_input_ids = fields.Many2many(
        "survey.user_input",
        "trainlink_attendance_certification_input_rel",
        "attendance_id",
        "user_input_id",
        string="Certification Attempts",
        readonly=True,
        copy=False,
        groups=SURVEY_USER_GROUP,
        help="Finished attempts of the attendee at the course's certification.",
    )
    certification_passed = fields.Boolean(
        readonly=True,
        copy=False,
        help="The attendee passed the course's certification at least once. "
        "When the attendee took the certification, it decides pass/fail instead "
        "of the course's passing score; a later failed attempt does not undo it.",
    )
    satisfaction_input_id = fields.Many2one(
        "survey.user_input",
        string="Satisfaction Answer",
        readonly=True,
        copy=False,
        ondelete="set null",
        groups=SURVEY_USER_GROUP,
        help="Answer of the attendee to the course's satisfaction survey that "
        "set the satisfaction.",
    )
    certification_attempted = fields.Boolean(
        readonly=True,
        copy=False,
        help="The attendee finished at least one attempt at the course's "
        "certification.",
    )

    @api.depends("certification_attempted", "certification_passed")
    def _compute_passed(self):
        res = super()._compute_passed()
        for attendance in self.filtered("certification_attempted"):
            attendance.passed = (
                attendance.state in ("attended", "completed")
                and attendance.certification_passed
            )
        return res

    def _trainlink_check_guarded(self, field_names):
        res = super()._trainlink_check_guarded(field_names)
        guarded = SURVEY_GUARDED_FIELDS & set(field_names)
        if guarded:
            raise AccessError(
                _(
                    "%(fields)s of a %(model)s are set by the attendee's survey "
                    "answers only.",
                    fields=self._trainlink_field_labels(guarded),
                    model=self._description,
                )
            )
        return res

    # ------------------------------------------------------------ surveys --

    @api.model
    def _trainlink_survey_attendance(self, user_input, course_field):
        """The attendance a finished survey answer is about, as superuser: the
        most recent open attendance, on a course that uses the answer's survey
        as `course_field`, of an employee of the answer's own contact (the
        employee's user or work contact). Empty when the answer is anyone
        else's."""
        partner = user_input.partner_id
        if not partner:
            return self.sudo().browse()
        employees = (
            self.env["hr.employee"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    "|",
                    ("user_id.partner_id", "=", partner.id),
                    ("work_contact_id", "=", partner.id),
                ]
            )
        )
        if not employees:
            return self.sudo().browse()
        return self.sudo().search(
            [
                ("employee_id", "in", employees.ids),
                (f"course_id.{course_field}", "=", user_input.survey_id.id),
                ("state", "in", OPEN_STATES),
            ],
            order="session_date desc, id desc",
            limit=1,
        )

    @api.model
    def _trainlink_record_certification(self, user_input):
        """Record a finished certification attempt on its attendee's
        attendance: exam score = best attempt's score, passed once any attempt
        succeeded. An attempt already recorded changes nothing."""
        attendance = self._trainlink_survey_attendance(
            user_input, "certification_survey_id"
        )
        if not attendance or user_input in attendance.certification_input_ids:
            return attendance.browse()
        attempts = attendance.certification_input_ids | user_input
        attendance.write(
            {
                "certification_input_ids": [fields.Command.link(user_input.id)],
                "certification_attempted": True,
                "certification_passed": attendance.certification_passed
                or any(attempts.mapped("scoring_success")),
                "exam_score": max(attempts.mapped("scoring_percentage")),
            }
        )
        return attendance

    @api.model
    def _trainlink_record_satisfaction(self, user_input):
        """Set the attendee's satisfaction from a finished satisfaction survey
        answer; the latest answer counts, an answer recorded again or older
        than the recorded one changes nothing."""
        attendance = self._trainlink_survey_attendance(
            user_input, "satisfaction_survey_id"
        )
        if not attendance or attendance.satisfaction_input_id.id >= user_input.id:
            return attendance.browse()
        attendance.write(
            {
                "satisfaction_input_id": user_input.id,
                "satisfaction": satisfaction_from_percentage(
                    user_input.scoring_percentage
                ),
            }
        )
        return attendance
