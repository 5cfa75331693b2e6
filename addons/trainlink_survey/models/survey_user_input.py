from odoo import models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    def _mark_done(self):
        """Record a finished certification attempt or satisfaction answer of
        an attendee on their TrainLink attendance."""
        res = super()._mark_done()
        self._trainlink_record_results()
        return res

    def _trainlink_record_results(self):
        Attendance = self.env["trainlink.attendance"]
        for user_input in self.sudo():
            survey = user_input.survey_id
            if (
                user_input.state != "done"
                or user_input.test_entry
                or not user_input.partner_id
            ):
                continue
            if survey.certification:
                Attendance._trainlink_record_certification(user_input)
            elif survey.scoring_type != "no_scoring":
                Attendance._trainlink_record_satisfaction(user_input)
