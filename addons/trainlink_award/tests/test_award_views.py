from odoo.tests import tagged

from .common import AwardCase


@tagged("post_install", "-at_install")
class TestAwardViewsAndReports(AwardCase):
    def test_every_view_opens_for_employee_manager_and_hr(self):
        actions = {
            "trainlink_award.award_candidate_action": (
                self.user_emma,
                self.user_eric,
                self.user_hanna,
            ),
            "trainlink_award.award_record_action": (self.user_emma, self.user_hanna),
            "trainlink_award.award_rating_action": (self.user_eric, self.user_hanna),
            "trainlink_award.award_campaign_action": (self.user_hanna,),
            "trainlink_award.award_course_stat_action": (self.user_hanna,),
        }
        for xml_id, users in actions.items():
            action = self.env.ref(xml_id)
            views = [(False, mode) for mode in action.view_mode.split(",")]
            for user in users:
                with self.subTest(action=xml_id, user=user.login):
                    result = (
                        self.env[action.res_model]
                        .with_user(user)
                        .get_views([*views, (False, "search")])
                    )
                    self.assertIn("search", result["views"])

    def test_the_committee_report_shows_the_breakdown_and_evidence(self):
        self.campaign.action_open()
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "trainlink_award.action_report_award_committee", self.campaign.ids
        )
        html = html.decode()
        for text in (
            "2026 Excellent Employee",
            "Emma",
            "Pia",
            "Key account closing script",
        ):
            with self.subTest(text=text):
                self.assertIn(text, html)

    def test_the_training_history_of_winners(self):
        """Emma wins; she took the Negotiation course. The shares are checked
        against the records (demo winners may exist besides her)."""
        self.campaign.action_open()
        self.campaign.action_freeze()
        self.campaign.candidate_ids.filtered(
            lambda c: c.employee_id == self.emma
        ).selected = True
        self.campaign.action_confirm_winners()
        self.env.flush_all()
        stat = self.env["trainlink.award.course.stat"].search(
            [("course_id", "=", self.course.id), ("company_id", "=", self.company.id)]
        )
        company = [("employee_id.company_id", "=", self.company.id)]
        winners = set(
            self.env["trainlink.award.record"].search(company).employee_id.ids
        )
        trained = set(
            self.env["trainlink.attendance"]
            .search(
                [
                    *company,
                    ("course_id", "=", self.course.id),
                    ("state", "=", "completed"),
                ]
            )
            .employee_id.ids
        )
        employees = self.env["hr.employee"].search_count(
            [("company_id", "=", self.company.id)]
        )
        self.assertIn(self.emma.id, winners & trained)
        self.assertEqual(stat.winner_count, len(winners & trained))
        self.assertAlmostEqual(
            stat.winner_share, 100.0 * len(winners & trained) / len(winners)
        )
        self.assertAlmostEqual(stat.employee_share, 100.0 * len(trained) / employees)
        self.assertAlmostEqual(
            stat.lift, stat.winner_share / stat.employee_share, places=6
        )

    def test_awards_count_in_the_promotion_review(self):
        self.campaign.action_open()
        self.campaign.action_freeze()
        self.campaign.candidate_ids.filtered(
            lambda c: c.employee_id == self.emma
        ).selected = True
        self.campaign.action_confirm_winners()
        job = self.env["hr.job"].create({"name": "Key Account Manager"})
        path = self.env["trainlink.promotion.path"].create({"job_id": job.id})
        candidate = self.env["trainlink.promotion.candidate"].create(
            {"employee_id": self.emma.id, "path_id": path.id}
        )
        self.assertEqual(candidate.award_count, 1)
        self.assertEqual(self.emma.trainlink_award_count, 1)
