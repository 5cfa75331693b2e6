"""Verdicts about a person rest on evidence: the 95 % interval of the net
lift, enough peers and months, parallel trends before the course. Figures
computed by hand; t quantiles from printed tables."""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from ..models.trainlink_stats import combined_estimate, mean_interval, t_critical
from .common_contribution import ContributionCase

REVIEW = "trainlink_performance.mail_activity_type_review_effect"


@tagged("post_install", "-at_install")
class TestMeasurementEvidence(ContributionCase):
    def _noisy(self, net_lift, se=5.0, dof=10.0, **values):
        """A revenue contribution whose net lift is `net_lift` % (no peer
        lift) measured with a standard error of `se` points."""
        return self._contribution(
            post_value=100.0 + net_lift, net_lift_se=se, interval_dof=dof, **values
        )

    def _reviews(self):
        return self.attendance.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(REVIEW)
        )

    def test_t_critical_values_match_the_printed_tables(self):
        self.assertEqual(t_critical(10), 2.228)
        self.assertEqual(t_critical(3, 99), 5.841)
        self.assertAlmostEqual(t_critical(11), 2.201, places=3)
        self.assertAlmostEqual(t_critical(50), 2.009, delta=0.002)
        self.assertAlmostEqual(t_critical(10**6), 1.960, places=3)
        self.assertIsNone(t_critical(0.5))
        self.assertIsNone(t_critical(0))

    def test_interval_is_the_net_lift_plus_minus_t_times_the_error(self):
        contribution = self._noisy(20.0)
        # 20 +- 2.228 x 5
        self.assertAlmostEqual(contribution.net_lift_low, 8.86, places=2)
        self.assertAlmostEqual(contribution.net_lift_high, 31.14, places=2)
        self.assertTrue(contribution.has_interval)

    def test_a_rating_needs_the_whole_interval_above_its_threshold(self):
        contribution = self._noisy(20.0)  # [8.86, 31.14]
        self.assertEqual(contribution.rating, "good", "not excellent: 8.86 < 15")
        self.assertEqual(contribution.score_bonus, 0.0)
        precise = self._contribution(
            kpi=self.kpi_complaints,
            baseline_value=5.0,
            post_value=4.0,
            net_lift_se=1.0,
        )  # 20 % fewer complaints: [17.77, 22.23]
        self.assertEqual((precise.rating, precise.score_bonus), ("excellent", 5.0))

    def test_a_lift_within_the_noise_is_inconclusive_and_changes_nothing(self):
        for net_lift in (3.0, -3.0):
            start = fields.Date.to_date("2026-07-01") + relativedelta(
                months=int(net_lift)
            )
            contribution = self._noisy(
                net_lift, post_start=start, post_end=start + relativedelta(day=31)
            )
            with self.subTest(net_lift=net_lift):
                self.assertEqual(contribution.rating, "inconclusive")
                self.assertEqual(contribution.inconclusive_reason, "noise")
                self.assertEqual(contribution.score_bonus, 0.0)
                self.assertFalse(contribution.pip_due)
        self.assertFalse(self._reviews())
        self.assertFalse(self.Contribution.search([]).retrain_need_id)

    def test_insufficient_needs_the_whole_interval_below_the_fair_threshold(self):
        contribution = self._noisy(-12.0)  # 95 %: [-23.14, -0.86]
        self.assertEqual(contribution.rating, "insufficient")
        self.assertTrue(self._reviews(), "the manager reviews the training")
        # 99 %: -12 + 3.169 x 5 = +3.85 >= 0: no improvement plan on this alone.
        self.assertFalse(contribution.pip_due)

    def test_an_improvement_plan_needs_the_99_percent_interval_below_fair(self):
        contribution = self._noisy(-20.0)  # 99 %: -20 + 15.85 = -4.15 < 0
        self.assertEqual(contribution.rating, "insufficient")
        self.assertTrue(contribution.pip_due)

    def test_too_few_peers_is_inconclusive_whatever_the_lift(self):
        contribution = self._contribution(post_value=150.0, peer_count=2)
        self.assertTrue(contribution.low_confidence)
        self.assertEqual(
            (contribution.rating, contribution.inconclusive_reason),
            ("inconclusive", "peers"),
        )
        self.assertEqual(contribution.benefit, 0.0)
        self.company.trainlink_min_peers = 2
        contribution.action_reapply_rules()
        self.assertEqual(contribution.rating, "excellent", "the company decides")

    def test_no_comparison_group_never_counts_as_a_zero_peer_lift(self):
        contribution = self._contribution(
            post_value=110.0, peer_count=0, comparison_basis="none"
        )
        self.assertEqual(contribution.inconclusive_reason, "peers")
        self.assertFalse(contribution.pip_due)

    def test_trainee_and_peers_moving_apart_before_the_course_is_inconclusive(self):
        # 6 baseline months: the slope has 4 degrees of freedom, t = 2.776.
        apart = self._contribution(
            post_value=130.0, baseline_points=6, pre_trend=10.0, pre_trend_se=1.0
        )
        self.assertFalse(apart.pre_trend_ok)
        self.assertEqual(apart.inconclusive_reason, "pre_trend")
        alike = self._contribution(
            kpi=self.kpi_complaints,
            baseline_value=5.0,
            post_value=4.0,
            baseline_points=6,
            pre_trend=2.0,
            pre_trend_se=1.0,
        )
        self.assertTrue(alike.pre_trend_ok)
        self.assertEqual(alike.rating, "excellent")

    def test_without_an_interval_no_verdict(self):
        contribution = self._contribution(post_value=130.0, interval_dof=0.0)
        self.assertFalse(contribution.has_interval)
        self.assertEqual(contribution.rating, "inconclusive")

    def test_benefit_is_the_net_effect_over_the_whole_window_in_money(self):
        self.kpi_revenue.unit_value = 2.0
        contribution = self._contribution(
            baseline_value=1000.0, post_value=1150.0, peer_lift=5.0
        )
        # 10 % of 1,000 a month, over 3 months, at 2.0 per unit.
        self.assertAlmostEqual(contribution.benefit, 600.0)
        self.assertIn("3 months", contribution.benefit_basis)

    def test_inconclusive_contributions_count_in_no_performance_score(self):
        self._noisy(3.0)
        score = self.env["trainlink.performance.score"].create(
            {
                "employee_id": self.emma.id,
                "period_type": "quarter",
                "period_start": "2026-04-01",
            }
        )
        score.action_compute()
        self.assertFalse(score.has_training)


@tagged("post_install", "-at_install")
class TestCourseEffect(ContributionCase):
    def test_course_effect_is_pooled_over_trainees_with_its_interval(self):
        attendances = [
            self.attendance,
            self._completed_attendance(self.eric),
            self._completed_attendance(self.otto),
        ]
        for attendance, net_lift in zip(attendances, (10.0, 12.0, 14.0), strict=True):
            self._contribution(attendance, post_value=100.0 + net_lift, net_lift_se=8.0)
        # mean 12, sd 2, standard error 2 / sqrt(3), t(2) = 4.303
        mean, low, high = mean_interval([10.0, 12.0, 14.0])
        self.assertAlmostEqual(low, 12.0 - 4.303 * 2 / 3**0.5, places=3)
        self.assertAlmostEqual(high, 16.969, places=3)
        course = self.course.with_user(self.user_officer)
        self.assertAlmostEqual(course.avg_net_lift, 12.0)
        self.assertIn("+12.0 %", course.effect_summary)
        self.assertIn("[+7.0, +17.0]", course.effect_summary)
        ratings = self.Contribution.search([]).mapped("rating")
        self.assertEqual(set(ratings), {"inconclusive"}, "each alone is noise")

    def test_one_trainee_gives_no_course_interval(self):
        self._contribution()
        summary = self.course.with_user(self.user_officer).effect_summary
        self.assertIn("too few", summary)


@tagged("post_install", "-at_install")
class TestPersonEffect(ContributionCase):
    """An employee's page combines their own measurements with their own
    errors: two trainings are no sample of a person."""

    def test_combined_estimate_of_independent_measurements(self):
        # mean 15, error sqrt(2^2 + 2^2) / 2 = 1.414, t(10) = 2.228
        mean, low, high = combined_estimate([10.0, 20.0], [2.0, 2.0], [10.0, 12.0])
        self.assertEqual(mean, 15.0)
        self.assertAlmostEqual(low, 15.0 - 2.228 * 2**0.5, places=3)
        self.assertAlmostEqual(high, 18.151, places=3)
        self.assertEqual(combined_estimate([10.0], [0.0], [10.0]), (10.0, None, None))
        self.assertEqual(combined_estimate([], [], []), (None, None, None))

    def test_one_measurement_keeps_the_interval_its_rating_rests_on(self):
        contribution = self._contribution(
            post_value=130.0, net_lift_se=2.0, interval_dof=10.0
        )
        self.assertEqual(contribution.rating, "excellent")
        low, high = contribution.net_lift_low, contribution.net_lift_high
        summary = self.emma.with_user(self.user_hr).trainlink_effect_summary
        self.assertIn(f"[{low:+.1f}, {high:+.1f}]", summary)  # [+25.5, +34.5]
        self.assertIn("Measurements", summary)

    def test_two_trainings_are_combined_by_their_errors_not_their_spread(self):
        self._contribution(post_value=110.0, net_lift_se=2.0, interval_dof=10.0)
        self._contribution(
            attendance=self._completed_attendance(self.emma),
            post_value=150.0,
            net_lift_se=2.0,
            interval_dof=10.0,
            post_start="2026-07-01",
            post_end="2026-09-30",
        )
        # Mean 30; their spread would give 30 +- 12.706 x 20 = [-224, +284];
        # their errors give 30 +- 2.228 x 1.414 = [+26.8, +33.2].
        summary = self.emma.with_user(self.user_hr).trainlink_effect_summary
        self.assertIn("+30.0 %", summary)
        self.assertIn("[+26.8, +33.2]", summary)
