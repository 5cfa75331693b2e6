from odoo import api, fields, models


class TrainlinkAttendance(models.Model):
    _inherit = "trainlink.attendance"

    # Attendances that finishing the eLearning content completes.
    _ELEARNING_OPEN_STATES = ("enrolled", "attended", "absent")

    slide_channel_partner_id = fields.Many2one(
        "slide.channel.partner",
        string="eLearning Membership",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The eLearning course membership whose completion completed this "
        "attendance: each completion is recorded once.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        attendances = super().create(vals_list)
        if not self.env.context.get("trainlink_elearning_no_enrol"):
            attendances._elearning_enrol()
        return attendances

    def _elearning_enrol(self):
        """Enrol the users of the attendees in their course's eLearning
        course. Employees without a user are left out: they have nothing to
        log in with."""
        attendances = self.sudo().filtered(
            lambda a: (
                a.state in ("enrolled", "attended")
                and a.course_id.slide_channel_id
                and a.employee_id.user_id
            )
        )
        for channel, group in attendances.grouped(
            lambda a: a.course_id.slide_channel_id
        ).items():
            channel._action_add_members(group.employee_id.user_id.partner_id)

    def _elearning_complete(self, membership, day):
        """Complete the attendance as the eLearning completion of membership
        on day, through the attendance's own completion (as superuser: the
        learner is not the one who may record results): dated day, credited
        with the duration of the content (the session's hours when the
        content has none). The exam score is left as it is."""
        self.ensure_one()
        attendance = self.sudo()
        attendance.write(
            {
                "completion_date": day,
                "hours_credited": membership.channel_id.total_time
                or attendance.hours_credited,
                "slide_channel_partner_id": membership.id,
            }
        )
        if attendance.state != "attended":
            attendance.action_mark_present()
        attendance.action_complete()
