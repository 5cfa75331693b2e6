from odoo import fields, models


class SlideChannelPartner(models.Model):
    _inherit = "slide.channel.partner"

    def _post_completion_update_hook(self, completed=True):
        result = super()._post_completion_update_hook(completed=completed)
        if completed:
            self._trainlink_record_completion()
        return result

    def _trainlink_record_completion(self):
        """Record each finished membership once in TrainLink, as superuser,
        for the employees of the member's own user(s) only, each in the
        TrainLink courses of their own company that point to the eLearning
        course. Finishing it again (after leaving and re-joining) changes
        nothing."""
        memberships = self.sudo()
        courses = (
            self.env["trainlink.course"]
            .sudo()
            .search([("slide_channel_id", "in", memberships.channel_id.ids)])
        )
        if not courses:
            return
        recorded = {
            (a.slide_channel_partner_id, a.course_id, a.employee_id)
            for a in self.env["trainlink.attendance"]
            .sudo()
            .search([("slide_channel_partner_id", "in", memberships.ids)])
        }
        employees_of_users = (
            self.env["hr.employee"]
            .sudo()
            .search([("user_id", "in", memberships.partner_id.user_ids.ids)])
            .grouped("user_id")
        )
        day = fields.Date.context_today(self)
        for membership in memberships:
            channel_courses = courses.filtered(
                lambda c, m=membership: c.slide_channel_id == m.channel_id
            )
            for user in membership.partner_id.user_ids:
                for employee in employees_of_users.get(user, []):
                    for course in channel_courses.filtered(
                        lambda c, e=employee: c.company_id == e.company_id
                    ):
                        if (membership, course, employee) in recorded:
                            continue
                        course._elearning_record_completion(employee, membership, day)
