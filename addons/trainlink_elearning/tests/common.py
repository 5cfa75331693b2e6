from odoo import fields

from odoo.addons.trainlink_performance.tests.common import TrainlinkCase


class ElearningCase(TrainlinkCase):
    """The Negotiation course points to an invitation-only eLearning course of
    two published documents (1.5 h and 2 h): 3.5 hours of content."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel = cls.env["slide.channel"].create(
            {
                "name": "Negotiation online",
                "enroll": "invite",
                "visibility": "public",
                "is_published": True,
            }
        )
        cls.slides = cls.env["slide.slide"].create(
            [
                {
                    "name": "Preparing a negotiation",
                    "channel_id": cls.channel.id,
                    "slide_category": "document",
                    "is_published": True,
                    "completion_time": 1.5,
                },
                {
                    "name": "Closing",
                    "channel_id": cls.channel.id,
                    "slide_category": "document",
                    "is_published": True,
                    "completion_time": 2.0,
                },
            ]
        )
        cls.course.slide_channel_id = cls.channel
        cls.session = cls._session()
        cls.session.action_confirm()
        cls.today = fields.Date.context_today(cls.channel)

    @classmethod
    def _enrol(cls, employee, session=None):
        return cls.env["trainlink.attendance"].create(
            {"session_id": (session or cls.session).id, "employee_id": employee.id}
        )

    def _membership(self, user, channel=None):
        return (
            self.env["slide.channel.partner"]
            .sudo()
            .search(
                [
                    ("channel_id", "=", (channel or self.channel).id),
                    ("partner_id", "=", user.partner_id.id),
                ]
            )
        )

    def _finish(self, user, channel=None):
        """The learner finishes every content of the eLearning course, as
        the website does it."""
        channel = channel or self.channel
        slides = channel.slide_ids.filtered(lambda s: not s.is_category)
        slides.with_user(user).action_mark_completed()

    def _online_sessions(self, course=None):
        return self.env["trainlink.session"].search(
            [
                ("course_id", "=", (course or self.course).id),
                ("elearning_online", "=", True),
            ]
        )
