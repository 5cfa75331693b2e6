from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import AwardCase


@tagged("post_install", "-at_install")
class TestAwardScoring(AwardCase):
    """Each criterion on the hand-computed records of AwardCase, with
    training 30 %, performance 50 %, manager nomination 20 % (0-10 points)."""

    def setUp(self):
        super().setUp()
        self.campaign.action_open()
        self.emma_candidate = self._candidate(self.emma)
        self.pia_candidate = self._candidate(self.pia)

    def test_the_eligible_population_is_the_campaign_department(self):
        self.assertIn(self.emma, self.campaign.candidate_ids.employee_id)
        self.assertNotIn(self.otto, self.campaign.candidate_ids.employee_id)

    def test_training_hours_earn_in_proportion_up_to_120_percent_of_the_standard(self):
        # 96 h against 120 h (120 % of the 100 h standard): 80 % of the points.
        self.assertAlmostEqual(self.emma_candidate.hours, 96.0)
        self.assertAlmostEqual(self.emma_candidate.hours_standard, 100.0)
        self.assertAlmostEqual(self.emma_candidate.hours_points, 80.0)
        # 130 h is more than 120 h: the full points, no more.
        self.assertAlmostEqual(self.pia_candidate.hours_points, 100.0)

    def test_the_job_standard_hours_come_first(self):
        job = self.env["hr.job"].create(
            {"name": "Junior Sales", "trainlink_standard_hours": 50.0}
        )
        self.emma.job_id = job
        self.campaign.action_recompute()
        # 96 h against 120 % of 50 h = 60 h: full points.
        self.assertAlmostEqual(self.emma_candidate.hours_standard, 50.0)
        self.assertAlmostEqual(self.emma_candidate.hours_points, 100.0)

    def test_adopted_cases_and_their_reuse_by_other_departments(self):
        # 1 case + 2 reuses by other departments x 0.5 (her own does not count).
        self.assertAlmostEqual(self.emma_candidate.case_units, 2.0)
        self.assertAlmostEqual(self.emma_candidate.cases_points, 100.0)
        self.assertAlmostEqual(self.pia_candidate.cases_points, 0.0)

    def test_the_internal_trainer_rule(self):
        # Two sessions rated 100 % and 90 %: 95 % >= 90 %, 2 >= 2: full points.
        self.assertEqual(self.emma_candidate.trainer_session_count, 2)
        self.assertAlmostEqual(self.emma_candidate.trainer_rating, 95.0)
        self.assertAlmostEqual(self.emma_candidate.trainer_points, 100.0)
        # One session of the two needed: half the points.
        self.assertAlmostEqual(self.pia_candidate.trainer_points, 50.0)

    def test_the_rating_of_the_trainer_comes_before_the_session_satisfaction(self):
        # The attendee who rated the second session 4 rates its trainer 5:
        # both sessions 100 %.
        attendance = self.emma_sessions[1].attendance_ids.filtered(
            lambda a: a.satisfaction == "4"
        )
        attendance.trainer_rating = "5"
        self.campaign.action_recompute()
        self.assertAlmostEqual(self.emma_candidate.trainer_rating, 100.0)

    def test_a_trainer_rated_below_the_minimum_earns_nothing(self):
        self.campaign.trainer_min_rating = 96.0
        self.campaign.action_recompute()
        self.assertAlmostEqual(self.emma_candidate.trainer_points, 0.0)

    def test_the_training_performance_and_award_scores(self):
        # Training: 50 % x 80 + 25 % x 100 + 25 % x 100 = 90.
        self.assertAlmostEqual(self.emma_candidate.training_score, 90.0)
        # Performance: the mean of 80 and 90.
        self.assertAlmostEqual(self.emma_candidate.performance_score, 85.0)
        # Award: 30 % x 90 + 50 % x 85 = 69.5, before the nomination.
        self.assertAlmostEqual(self.emma_candidate.score, 69.5)
        self._rate(self.emma_candidate, 8.0)
        self.campaign.action_recompute()
        # + 20 % x 80 % = 16: 85.5.
        self.assertAlmostEqual(self.emma_candidate.other_score, 16.0)
        self.assertAlmostEqual(self.emma_candidate.score, 85.5)
        # Pia: training 50 + 0 + 12.5 = 62.5; 30 % x 62.5 + 50 % x 95 = 66.25.
        self.assertAlmostEqual(self.pia_candidate.training_score, 62.5)
        self.assertAlmostEqual(self.pia_candidate.score, 66.25)
        self.assertEqual((self.emma_candidate.rank, self.pia_candidate.rank), (1, 2))

    def test_each_score_is_traceable_to_its_records(self):
        candidate = self.emma_candidate
        self.assertEqual(candidate.attendance_ids, self.emma_trainings)
        self.assertEqual(candidate.case_ids, self.case)
        self.assertEqual(candidate.trainer_session_ids, self.emma_sessions)
        self.assertEqual(candidate.score_ids, self.emma_scores)
        action = candidate.action_view_attendances()
        self.assertEqual(
            self.env[action["res_model"]].search(action["domain"]), self.emma_trainings
        )
        self.assertNotIn(self.old_training, candidate.attendance_ids)

    def test_a_low_performance_score_blocks(self):
        self.campaign.min_performance_score = 82.0
        self.campaign.action_recompute()
        self.assertTrue(self.emma_candidate.blocked)
        self.assertIn(
            "performance score 80.0 below 82.0", self.emma_candidate.block_reason
        )
        self.assertFalse(self.pia_candidate.blocked)
        self.assertEqual(self.emma_candidate.rank, 0, "blocked: out of the ranking")

    def test_other_add_ons_block_through_the_hook(self):
        Employee = self.registry["hr.employee"]
        original = Employee._trainlink_award_blocks

        def blocks(employees, campaign):
            result = original(employees, campaign)
            result.setdefault(self.pia.id, []).append("open improvement plan")
            return result

        self.patch(Employee, "_trainlink_award_blocks", blocks)
        self.campaign.action_recompute()
        self.assertEqual(self.pia_candidate.block_reason, "open improvement plan")

    def test_the_employee_sees_what_is_missing(self):
        self.assertEqual(
            self.pia_candidate.with_user(self.user_pia).progress,
            "Training hours 130 / 120; 2 adopted case(s) more; "
            "1 internal session(s) more",
        )

    def test_the_employee_reads_what_is_missing_in_her_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["trainlink_award"], ["zh_CN"])
        self.user_pia.lang = "zh_CN"
        # The web client sends the reader's language in the context.
        candidate = self.pia_candidate.with_user(self.user_pia)
        progress = candidate.with_context(lang=self.user_pia.lang).progress
        self.assertEqual(progress.count("；"), 2, progress)
        self.assertNotIn("; ", progress)
        self.assertNotIn("Training hours", progress)

    def test_freezing_keeps_the_scores(self):
        self.campaign.action_freeze()
        self._trainings(self.emma, [("2026-11-02", 24.0)])
        self.env["trainlink.award.campaign"]._cron_recompute()
        self.assertAlmostEqual(self.emma_candidate.hours, 96.0)
        with self.assertRaisesRegex(UserError, "not possible now"):
            self.campaign.action_recompute()
        with self.assertRaisesRegex(UserError, "closed for nomination"):
            self.campaign.with_user(self.user_hanna).weight_training = 40.0
        with self.assertRaisesRegex(UserError, "closed for nomination"):
            self.nomination.with_user(self.user_hanna).weight = 10.0

    def test_the_committee_confirms_the_ranking_or_says_why_not(self):
        self.campaign.action_freeze()
        with self.assertRaisesRegex(UserError, "Mark the winners"):
            self.campaign.action_confirm_winners()
        self.pia_candidate.with_user(self.user_hanna).selected = True
        with self.assertRaisesRegex(UserError, "not the top 1 of the ranking"):
            self.campaign.with_user(self.user_hanna).action_confirm_winners()
        self.campaign.with_user(
            self.user_hanna
        ).decision_reason = "Pia led the service pilot"
        self.campaign.with_user(self.user_hanna).action_confirm_winners()
        self.assertEqual(self.campaign.state, "done")
        self.assertTrue(self.pia_candidate.is_winner)
        record = self.env["trainlink.award.record"].search(
            [("employee_id", "=", self.pia.id)]
        )
        self.assertEqual(record.campaign_id, self.campaign)
        self.assertAlmostEqual(record.score, 66.25)
        announcement = self.pia.message_ids.filtered(
            lambda m: "wins 2026 Excellent Employee" in (m.body or "")
        )
        self.assertTrue(announcement)
        self.assertIn("130.0 training hours", announcement.body)

    def test_the_top_of_the_ranking_needs_no_reason(self):
        self.campaign.action_freeze()
        self.emma_candidate.with_user(self.user_hanna).selected = True
        self.campaign.with_user(self.user_hanna).action_confirm_winners()
        self.assertTrue(self.emma_candidate.is_winner)
        self.assertIn("Key account closing script", self.emma.message_ids[0].body)

    def test_a_blocked_candidate_or_too_many_winners_are_refused(self):
        self.campaign.min_performance_score = 82.0
        self.campaign.action_recompute()
        self.campaign.action_freeze()
        self.emma_candidate.with_user(self.user_hanna).selected = True
        with self.assertRaisesRegex(UserError, "Emma is blocked"):
            self.campaign.action_confirm_winners()
        self.pia_candidate.with_user(self.user_hanna).selected = True
        with self.assertRaisesRegex(UserError, "1 winners at most; 2 are marked"):
            self.campaign.action_confirm_winners()
        self.assertEqual(self.campaign.state, "frozen")

    def test_winners_are_marked_once_the_nomination_is_closed(self):
        with self.assertRaisesRegex(UserError, "once the nomination is closed"):
            self.emma_candidate.with_user(self.user_hanna).selected = True


@tagged("post_install", "-at_install")
class TestAwardBadInput(AwardCase):
    def test_weights_must_sum_to_100(self):
        with self.assertRaisesRegex(ValidationError, "sum to 110.0 %, not 100 %"):
            self.campaign.weight_training = 40.0
        with self.assertRaisesRegex(ValidationError, "parts of the training score"):
            self.campaign.hours_share = 60.0
        self.assertEqual(self.campaign.weight_training, 30.0)

    def test_a_period_ending_before_it_starts(self):
        with self.assertRaisesRegex(ValidationError, "ends before it starts"):
            self.campaign.date_end = "2025-12-31"

    def test_a_criterion_without_a_scale(self):
        with self.assertRaisesRegex(ValidationError, "needs a points scale"):
            self.nomination.scale_max = 0.0

    def test_ratings_outside_the_scale_or_without_evidence(self):
        self.campaign.action_open()
        candidate = self._candidate(self.emma)
        with self.assertRaisesRegex(ValidationError, "from 0 to 10.0 points, not 12.0"):
            self._rate(candidate, 12.0)
        with self.assertRaisesRegex(ValidationError, "needs a linked record"):
            self._rate(candidate, 5.0, evidence_ref=False)
        self.assertFalse(candidate.rating_ids)

    def test_an_employee_outside_the_population_is_no_candidate(self):
        self.campaign.action_open()
        self.assertFalse(self._candidate(self.otto))


@tagged("post_install", "-at_install")
class TestAwardVisibility(AwardCase):
    """Employees see their own candidacy and never others' scores; managers
    their team's; HR officers all; the sync user nothing. Nobody rates
    themselves; a criterion is rated by the people it names."""

    def setUp(self):
        super().setUp()
        self.campaign.action_open()
        self.emma_candidate = self._candidate(self.emma)
        self.pia_candidate = self._candidate(self.pia)
        self.Candidate = self.env["trainlink.award.candidate"]

    def test_an_employee_sees_their_own_candidacy_only(self):
        self.assertEqual(
            self.Candidate.with_user(self.user_emma).search([]), self.emma_candidate
        )
        with self.assertRaises(AccessError):
            self.pia_candidate.with_user(self.user_emma).read(["score"])

    def test_a_peer_sees_nothing_of_a_colleague(self):
        self.assertEqual(
            self.Candidate.with_user(self.user_pia).search([]), self.pia_candidate
        )
        self.assertFalse(
            self.Candidate.with_user(self.user_otto).search(
                [("employee_id", "=", self.emma.id)]
            )
        )

    def test_a_manager_sees_the_team(self):
        found = self.Candidate.with_user(self.user_eric).search([])
        self.assertIn(self.emma_candidate, found)
        self.assertIn(self.pia_candidate, found)

    def test_hr_sees_all_and_the_sync_user_nothing(self):
        self.assertEqual(
            self.Candidate.with_user(self.user_hanna).search(
                [("campaign_id", "=", self.campaign.id)]
            ),
            self.campaign.candidate_ids,
        )
        self.assertFalse(self.Candidate.with_user(self.user_sync).search([]))
        self.assertFalse(
            self.env["trainlink.award.record"].with_user(self.user_sync).search([])
        )

    def test_nobody_types_a_score_or_marks_a_winner_without_hr(self):
        with self.assertRaises(AccessError):
            self.emma_candidate.with_user(self.user_hanna).write({"score": 100.0})
        with self.assertRaises(AccessError):
            self.emma_candidate.with_user(self.user_emma).write({"selected": True})
        with self.assertRaises(AccessError):
            self.emma_candidate.with_user(self.user_eric).write({"selected": True})

    def test_nobody_rates_themselves_and_only_named_raters_rate(self):
        with self.assertRaisesRegex(
            AccessError, "Manager nomination: Emma is about you"
        ):
            self._rate(self.emma_candidate, 10.0, user=self.user_emma)
        with self.assertRaisesRegex(AccessError, "rated by The candidate's managers"):
            self._rate(self.emma_candidate, 10.0, user=self.user_pia)
        rating = self._rate(self.emma_candidate, 7.0, user=self.user_mia)
        self.assertEqual(rating.author_id, self.user_mia)
        # The candidate does not read what was entered about them.
        self.assertFalse(
            self.env["trainlink.award.rating"].with_user(self.user_emma).search([])
        )

    def test_only_hr_runs_campaigns_and_writes_awards(self):
        """Plain ORM calls on campaigns and awards, role by role."""
        self.campaign.action_freeze()
        self._candidate(self.emma).selected = True
        self.campaign.action_confirm_winners()
        award = self.env["trainlink.award.record"].search(
            [("campaign_id", "=", self.campaign.id)]
        )
        Campaign = self.env["trainlink.award.campaign"]
        values = {
            "name": "Q4 Star",
            "date_start": "2026-10-01",
            "date_end": "2026-12-31",
            "weight_performance": 70.0,
        }
        draft = Campaign.with_user(self.user_hanna).create(values)
        others = {
            "employee": self.user_emma,
            "peer": self.user_pia,
            "manager": self.user_eric,
            "sync user": self.user_sync,
        }
        for role, user in others.items():
            with self.subTest(role=role):
                with self.assertRaises(AccessError):
                    Campaign.with_user(user).create(values)
                with self.assertRaises(AccessError):
                    draft.with_user(user).write({"name": "Renamed"})
                with self.assertRaises(AccessError):
                    draft.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    award.with_user(user).write({"score": 100.0})
                with self.assertRaises(AccessError):
                    award.with_user(user).unlink()
        self.assertEqual(draft.name, "Q4 Star")
        self.assertAlmostEqual(award.score, 69.5)
        draft.with_user(self.user_hanna).unlink()
        self.assertFalse(draft.exists())
