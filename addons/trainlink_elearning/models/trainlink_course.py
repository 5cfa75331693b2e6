from odoo import _, fields, models


class TrainlinkCourse(models.Model):
    _inherit = "trainlink.course"

    slide_channel_id = fields.Many2one(
        "slide.channel",
        string="eLearning Course",
        index="btree_not_null",
        ondelete="set null",
        tracking=True,
        help="Online content of the course. Attendees are enrolled in it with "
        "their user; finishing it completes their attendance. Finishing it "
        "without a session records the training in the course's online session.",
    )
    slide_channel_duration = fields.Float(
        string="Content Duration (hours)",
        related="slide_channel_id.total_time",
        help="Duration of the eLearning course's published content: the hours "
        "credited to whoever finishes it.",
    )

    def write(self, vals):
        result = super().write(vals)
        if vals.get("slide_channel_id"):
            # Whoever is already booked on an open session gets the content too.
            self.env["trainlink.attendance"].sudo().search(
                [
                    ("course_id", "in", self.ids),
                    ("state", "in", ("enrolled", "attended")),
                    ("session_id.state", "in", ("draft", "confirmed")),
                ]
            )._elearning_enrol()
        return result

    def _elearning_record_completion(self, employee, membership, day):
        """Record that the employee finished this course's eLearning content
        (membership) on day, as superuser: complete their open attendance of
        the course, or else a new one in the course's online session. Return
        the completed attendance, or an empty recordset when the training is
        already recorded there."""
        self.ensure_one()
        Attendance = self.env["trainlink.attendance"].sudo()
        attendance = Attendance.search(
            [
                ("course_id", "=", self.id),
                ("employee_id", "=", employee.id),
                ("state", "in", Attendance._ELEARNING_OPEN_STATES),
                ("session_id.state", "in", ("draft", "confirmed")),
            ],
            order="session_date, id",
            limit=1,
        )
        if not attendance:
            session = self._elearning_online_session(day)
            attendance = session.attendance_ids.filtered(
                lambda a: a.employee_id == employee
            )
            if attendance and attendance.state not in (
                Attendance._ELEARNING_OPEN_STATES
            ):
                return Attendance
            attendance = attendance or Attendance.with_context(
                trainlink_elearning_no_enrol=True
            ).create({"session_id": session.id, "employee_id": employee.id})
        attendance._elearning_complete(membership, day)
        return attendance

    def _elearning_online_session(self, day):
        """The course's open online session, stretched to include day; a new
        confirmed one when there is none (an officer may close it, e.g. each
        quarter: the next completion opens a new one)."""
        self.ensure_one()
        Session = self.env["trainlink.session"].sudo()
        session = Session.search(
            [
                ("course_id", "=", self.id),
                ("company_id", "=", self.company_id.id),
                ("elearning_online", "=", True),
                ("state", "=", "confirmed"),
            ],
            order="date_start desc, id desc",
            limit=1,
        )
        if session:
            dates = {}
            if day < session.date_start:
                dates["date_start"] = day
            if day > session.date_end:
                dates["date_end"] = day
            if dates:
                session.write(dates)
            return session
        session = Session.create(
            {
                "course_id": self.id,
                "company_id": self.company_id.id,
                "name": _("%(course)s (online)", course=self.name),
                "date_start": day,
                "date_end": day,
                "hours": self.slide_channel_duration or self.hours,
                "location": _("Online (eLearning)"),
                "elearning_online": True,
            }
        )
        session.action_confirm()
        return session
