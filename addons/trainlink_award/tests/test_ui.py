from odoo.tests import HttpCase, tagged

from .common import AwardCase


@tagged("post_install", "-at_install")
class TestAwardTour(AwardCase, HttpCase):
    """In the browser, Hanna (HR officer) runs the 2026 award of the sales
    department to its winner: she opens the nomination, checks the ranking
    and Emma's breakdown down to the trainings counted, closes the
    nomination, marks Emma and confirms the winners
    (static/tests/tours/award_tour.js). Emma then finds her own candidacy
    under Awards > Candidates. Every check is scoped to this campaign: the
    add-on's demo data may hold a campaign of the same name."""

    def _campaign_url(self):
        return f"/odoo/action-trainlink_award.award_campaign_action/{self.campaign.id}"

    def test_hr_runs_the_campaign_to_its_winner(self):
        campaign = self.campaign
        self.assertEqual(campaign.state, "draft")
        self.assertFalse(campaign.candidate_ids)

        # 1. Hanna: nomination, ranking, breakdown, freeze, winner, confirm.
        self.start_tour(
            self._campaign_url(),
            "trainlink_award_hr_runs_campaign",
            login=self.user_hanna.login,
        )
        self.env.invalidate_all()
        self.assertEqual(campaign.state, "done")
        self.assertEqual(campaign.frozen_date, campaign.decision_date)
        self.assertTrue(campaign.decision_date)
        self.assertEqual(
            set(campaign.candidate_ids.employee_id.ids),
            {self.mia.id, self.eric.id, self.emma.id, self.mentor.id, self.pia.id},
        )
        emma = self._candidate(self.emma)
        self.assertTrue(emma.selected)
        self.assertTrue(emma.is_winner)
        self.assertEqual(campaign.candidate_ids.filtered("is_winner"), emma)
        self.assertEqual(campaign.candidate_ids.filtered("selected"), emma)
        self.assertAlmostEqual(emma.hours, 96.0)
        self.assertAlmostEqual(emma.score, 69.5)
        self.assertEqual(emma.attendance_ids, self.emma_trainings)
        self.assertEqual(emma.rank, 1)

        records = self.env["trainlink.award.record"].search(
            [("campaign_id", "=", campaign.id)]
        )
        self.assertEqual(records.employee_id, self.emma)
        self.assertEqual(len(records), 1)
        self.assertEqual(records.date, campaign.decision_date)
        self.assertAlmostEqual(records.score, 69.5)
        self.assertIn("wins 2026 Excellent Employee", records.story)

        announcements = self.emma.message_ids.filtered(
            lambda m: "wins 2026 Excellent Employee" in (m.body or "")
        )
        self.assertEqual(len(announcements), 1)
        self.assertIn("96.0 training hours", announcements.body)
        self.assertIn("Key account closing script", announcements.body)
        self.assertFalse(
            self.pia.message_ids.filtered(
                lambda m: "wins 2026 Excellent Employee" in (m.body or "")
            )
        )

        # 2. Emma: her own candidacy, its progress and the ribbon.
        self.start_tour(
            "/odoo",
            "trainlink_award_employee_sees_candidacy",
            login=self.user_emma.login,
        )
