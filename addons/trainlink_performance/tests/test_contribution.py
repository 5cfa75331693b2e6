from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_contribution import ContributionCase

REVIEW = "trainlink_performance.mail_activity_type_review_effect"


@tagged("post_install", "-at_install")
class TestContribution(ContributionCase):
    def _reviews(self, attendance=None):
        return (attendance or self.attendance).activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(REVIEW)
        )

    def _rule(self, **values):
        return self.env["trainlink.contribution.rule"].create(
            {"name": "Specific rule", **values}
        )

    # -- measures ------------------------------------------------------------

    def test_lift_is_signed_by_the_kpi_direction_and_net_of_peers(self):
        revenue = self._contribution(post_value=120.0, peer_lift=4.0)
        complaints = self._contribution(
            kpi=self.kpi_complaints, baseline_value=5.0, post_value=4.0
        )
        self.assertEqual((revenue.lift, revenue.net_lift), (20.0, 16.0))
        self.assertEqual(complaints.lift, 20.0, "fewer complaints is better")
        self.assertEqual(complaints.net_lift, 20.0)

    def test_thin_data_is_low_confidence(self):
        thin = self._contribution(post_points=1)
        enough = self._contribution(kpi=self.kpi_complaints, baseline_points=2)
        self.assertTrue(thin.low_confidence)
        self.assertFalse(enough.low_confidence)
        self.company.trainlink_contribution_min_points = 1
        self.assertFalse(thin.low_confidence, "the company's minimum decides")

    def test_zero_baseline_is_low_confidence_without_lift(self):
        contribution = self._contribution(baseline_value=0.0, post_value=50.0)
        self.assertTrue(contribution.low_confidence)
        self.assertEqual(contribution.lift, 0.0)

    def test_same_training_kpi_and_window_is_unique(self):
        self._contribution()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaisesRegex(IntegrityError, "attendance_kpi_window_uniq"),
        ):
            self._contribution(post_value=130.0)

    # -- ratings -------------------------------------------------------------

    def test_default_rule_rates_net_lift_by_thresholds(self):
        expected = {
            115.0: "excellent",
            114.9: "good",
            105.0: "good",
            104.9: "fair",
            100.0: "fair",
            99.9: "insufficient",
        }
        for month, (post_value, rating) in enumerate(expected.items(), start=1):
            start = fields.Date.to_date(f"2027-{month:02d}-01")
            contribution = self._contribution(
                post_value=post_value,
                post_start=start,
                post_end=start + relativedelta(day=31),
            )
            with self.subTest(post_value=post_value):
                self.assertEqual(contribution.rating, rating)
                self.assertEqual(contribution.rule_id, self.default_rule)

    def test_excellent_carries_the_rule_bonus(self):
        excellent = self._contribution(post_value=125.0)
        good = self._contribution(kpi=self.kpi_complaints, post_value=94.0)
        self.assertEqual(excellent.score_bonus, 5.0)
        self.assertEqual((good.rating, good.score_bonus), ("good", 0.0))

    def test_most_specific_rule_wins(self):
        kpi_rule = self._rule(kpi_id=self.kpi_revenue.id, threshold_fair=-10.0)
        course_rule = self._rule(course_id=self.course.id, threshold_fair=-20.0)
        both_rule = self._rule(
            course_id=self.course.id, kpi_id=self.kpi_revenue.id, threshold_fair=-30.0
        )
        contribution = self._contribution()
        self.assertEqual(contribution.rule_id, both_rule)
        for archived, next_rule in (
            (both_rule, course_rule),
            (course_rule, kpi_rule),
            (kpi_rule, self.default_rule),
        ):
            archived.active = False
            contribution.action_reapply_rules()
            with self.subTest(archived=archived.display_name):
                self.assertEqual(contribution.rule_id, next_rule)

    def test_rule_of_another_course_or_kpi_does_not_apply(self):
        other_course = self.course.copy({"name": "Other course"})
        self._rule(course_id=other_course.id)
        self._rule(kpi_id=self.kpi_complaints.id)
        contribution = self._contribution()
        self.assertEqual(contribution.rule_id, self.default_rule)

    def test_combination_grants_excellent_only_when_every_kpi_holds(self):
        self.default_rule.line_ids = [
            fields.Command.create(
                {"rating": "excellent", "kpi_id": kpi.id, "min_net_lift": minimum}
            )
            for kpi, minimum in ((self.kpi_revenue, 15.0), (self.kpi_complaints, 10.0))
        ]
        revenue = self._contribution(post_value=120.0)
        self.assertEqual(revenue.rating, "good", "complaints not measured yet")
        complaints = self._contribution(
            kpi=self.kpi_complaints, baseline_value=5.0, post_value=4.6
        )
        self.assertEqual((revenue.rating, complaints.rating), ("good", "good"))
        complaints.post_value = 4.5
        self.assertEqual(
            (revenue.rating, complaints.rating), ("excellent", "excellent")
        )

    def test_combination_bonus_is_granted_once_per_training(self):
        self.default_rule.line_ids = [
            fields.Command.create(
                {"rating": "excellent", "kpi_id": kpi.id, "min_net_lift": 10.0}
            )
            for kpi in (self.kpi_revenue, self.kpi_complaints)
        ]
        revenue = self._contribution()
        complaints = self._contribution(
            kpi=self.kpi_complaints, baseline_value=5.0, post_value=4.0
        )
        self.assertEqual((revenue.score_bonus, complaints.score_bonus), (5.0, 0.0))

    def test_combination_below_its_minimum_falls_back_to_insufficient(self):
        self.default_rule.write(
            {
                "threshold_good": 5.0,
                "threshold_fair": 5.0,
                "line_ids": [
                    fields.Command.create(
                        {
                            "rating": "excellent",
                            "kpi_id": self.kpi_revenue.id,
                            "min_net_lift": 15.0,
                        }
                    )
                ],
            }
        )
        contribution = self._contribution(post_value=104.0)
        self.assertEqual(contribution.rating, "insufficient", "growth < 5 %")

    def test_low_confidence_contribution_is_inconclusive_without_bonus(self):
        contribution = self._contribution(post_value=130.0, post_points=1)
        self.assertEqual(contribution.rating, "inconclusive")
        self.assertEqual(contribution.inconclusive_reason, "months")
        self.assertEqual(contribution.score_bonus, 0.0)

    def test_without_rule_a_contribution_stays_unrated(self):
        self.default_rule.active = False
        contribution = self._contribution()
        self.assertFalse(contribution.rating)
        self.assertFalse(contribution.rule_id)

    def test_thresholds_must_go_down(self):
        with self.assertRaisesRegex(ValidationError, "must go down"):
            self.default_rule.threshold_good = 20.0

    def test_one_active_rule_per_course_and_kpi(self):
        self._rule(course_id=self.course.id)
        with self.assertRaisesRegex(ValidationError, "already covers"):
            self._rule(course_id=self.course.id)

    def test_officer_reapplies_rules_after_a_threshold_change(self):
        contribution = self._contribution(post_value=110.0)
        self.assertEqual(contribution.rating, "good")
        self.default_rule.threshold_excellent = 8.0
        self.assertEqual(contribution.rating, "good", "rules apply when asked")
        contribution.with_user(self.user_officer).action_reapply_rules()
        self.assertEqual(contribution.rating, "excellent")

    def test_only_officers_reapply_rules(self):
        contribution = self._contribution()
        with self.assertRaises(AccessError):
            contribution.with_user(self.user_eric).action_reapply_rules()

    # -- consequences of an insufficient effect -----------------------------

    def test_insufficient_asks_the_manager_to_review_once(self):
        self._contribution(post_value=90.0)
        self._contribution(kpi=self.kpi_complaints, baseline_value=4.0, post_value=5.0)
        reviews = self._reviews()
        self.assertEqual(len(reviews), 1, "one review per training")
        self.assertEqual(reviews.user_id, self.user_eric)
        self.assertIn("Review the effect of Negotiation with Emma", reviews.summary)

    def test_insufficient_enrols_in_the_next_session_of_the_course(self):
        later = fields.Date.add(fields.Date.today(), days=60)
        self._session(date_start=later, date_end=later)
        next_session = self._future_session()
        contribution = self._contribution(post_value=90.0)
        enrolment = contribution.retrain_attendance_id
        self.assertEqual(enrolment.session_id, next_session)
        self.assertEqual(
            (enrolment.employee_id, enrolment.state), (self.emma, "enrolled")
        )
        self.assertFalse(contribution.retrain_need_id)

    def test_insufficient_without_planned_session_raises_a_competency_need(self):
        contribution = self._contribution(post_value=90.0)
        need = contribution.retrain_need_id
        self.assertEqual(need.source, "competency")
        self.assertEqual(need.employee_ids, self.emma)
        self.assertEqual((need.course_id, need.kpi_id), (self.course, self.kpi_revenue))
        self.assertEqual(need.state, "new")
        self.assertFalse(contribution.retrain_attendance_id)

    def test_second_insufficient_kpi_reuses_the_retraining_need(self):
        first = self._contribution(post_value=90.0)
        second = self._contribution(
            kpi=self.kpi_complaints, baseline_value=4.0, post_value=5.0
        )
        self.assertEqual(second.retrain_need_id, first.retrain_need_id)

    def test_insufficient_flags_the_improvement_plan_and_calls_the_hook_once(self):
        Contribution = self.registry["trainlink.contribution"]
        with patch.object(
            Contribution, "_trainlink_pip_due", autospec=True, return_value=True
        ) as hook:
            contribution = self._contribution(post_value=90.0)
            contribution.action_reapply_rules()
        self.assertTrue(contribution.pip_due)
        hook.assert_called_once()
        self.assertEqual(hook.call_args.args[0], contribution)

    def test_low_confidence_insufficient_has_no_consequence(self):
        contribution = self._contribution(post_value=90.0, baseline_points=1)
        self.assertEqual(contribution.rating, "inconclusive")
        self.assertFalse(contribution.pip_due)
        self.assertFalse(contribution.retrain_need_id)
        self.assertFalse(self._reviews())

    def test_rule_without_consequences_only_rates(self):
        self.default_rule.write(
            {"review_activity": False, "retrain": False, "improvement_plan": False}
        )
        contribution = self._contribution(post_value=90.0)
        self.assertEqual(contribution.rating, "insufficient")
        self.assertFalse(contribution.pip_due)
        self.assertFalse(contribution.retrain_need_id)
        self.assertFalse(self._reviews())

    def test_recovered_effect_clears_the_improvement_plan_flag(self):
        contribution = self._contribution(post_value=90.0)
        contribution.post_value = 110.0
        self.assertEqual(contribution.rating, "good")
        self.assertFalse(contribution.pip_due)
        self.assertFalse(contribution.consequence_state)

    def test_insufficient_malus_from_the_rule(self):
        self.default_rule.bonus_insufficient = -3.0
        contribution = self._contribution(post_value=90.0)
        self.assertEqual(contribution.score_bonus, -3.0)

    # -- assessment coefficient ---------------------------------------------

    def test_bonus_coefficient_follows_the_assessment(self):
        expected = {
            95.0: (1.2, "excellent"),
            85.0: (1.0, "good"),
            70.0: (0.8, "failed"),
        }
        for score, (coefficient, assessment) in expected.items():
            attendance = self._completed_attendance(self.otto, score=score)
            with self.subTest(score=score):
                self.assertEqual(attendance.assessment, assessment)
                self.assertEqual(attendance.bonus_coefficient, coefficient)

    def test_bonus_coefficient_follows_the_company_settings(self):
        self.company.write(
            {"trainlink_excellent_score": 96.0, "trainlink_coef_good": 1.1}
        )
        attendance = self._completed_attendance(self.otto, score=95.0)
        self.assertEqual(attendance.assessment, "good")
        self.assertEqual(attendance.bonus_coefficient, 1.1)

    def test_not_assessed_training_has_a_neutral_coefficient(self):
        attendance = self.env["trainlink.attendance"].create(
            {"session_id": self._session().id, "employee_id": self.otto.id}
        )
        self.assertFalse(attendance.assessment)
        self.assertEqual(attendance.bonus_coefficient, 1.0)

    # -- summaries -----------------------------------------------------------

    def test_course_roi_is_measured_benefit_over_session_cost(self):
        self._contribution(
            baseline_value=10000.0, post_value=12000.0, peer_lift=5.0
        )  # net 15 % of 10000 a month x 3 months x unit value 1.0
        self._contribution(
            post_value=300.0,
            post_points=1,
            post_start="2026-07-01",
            post_end="2026-09-30",
        )
        course = self.course.with_user(self.user_officer)
        self.assertEqual(course.measured_benefit, 4500.0, "low confidence left out")
        self.assertEqual(course.training_cost, 500.0, "one seat at 500")
        self.assertEqual(course.roi, 9.0)

    def test_courses_are_sorted_and_grouped_by_roi_and_cost(self):
        self._contribution(baseline_value=10000.0, post_value=12000.0, peer_lift=5.0)
        cheap = self.course.copy({"name": "No effect yet"})
        Course = self.env["trainlink.course"].with_user(self.user_officer)
        ranked = Course.search(
            [("id", "in", (self.course | cheap).ids)], order="roi desc"
        )
        self.assertEqual(ranked.ids, [self.course.id, cheap.id])
        groups = Course._read_group(
            [("id", "in", (self.course | cheap).ids)],
            ["job_family"],
            ["training_cost:sum", "measured_benefit:sum"],
        )
        self.assertEqual(groups, [("sales", 500.0, 4500.0)])

    def test_course_average_net_lift_of_rated_confident_contributions(self):
        self._contribution(post_value=110.0)
        self._contribution(kpi=self.kpi_complaints, baseline_value=10.0, post_value=7.0)
        self._contribution(
            post_value=200.0,
            post_points=1,
            post_start="2026-07-01",
            post_end="2026-09-30",
        )
        course = self.course.with_user(self.user_officer)
        self.assertEqual(course.contribution_count, 3)
        self.assertEqual(course.avg_net_lift, 20.0)
        self.assertIn("+10.0 %", course.effect_summary)
        self.assertIn("[TL_COMPLAINTS] Complaint rate", course.effect_summary)

    def test_employee_training_contribution_of_the_last_twelve_months(self):
        today = fields.Date.today()
        recent = today - relativedelta(months=2)
        old = today - relativedelta(months=14)
        self._contribution(post_value=110.0, post_start=recent, post_end=recent)
        self._contribution(
            kpi=self.kpi_complaints,
            baseline_value=10.0,
            post_value=8.0,
            post_start=recent,
            post_end=recent,
        )
        self._contribution(post_value=200.0, post_start=old, post_end=old)
        self._contribution(
            post_value=50.0, post_points=1, post_start=today, post_end=today
        )
        emma = self.emma.with_user(self.user_hr)
        self.assertEqual(emma.trainlink_contribution_pct, 15.0)
        self.assertEqual(emma.trainlink_latest_rating, "excellent")
        self.assertIn("Revenue", emma.trainlink_effect_summary)

    # -- access --------------------------------------------------------------

    def test_employees_see_own_contributions_managers_their_team(self):
        contributions = self._contribution()
        for employee in (self.eric, self.otto):
            contributions |= self._contribution(
                attendance=self._completed_attendance(employee)
            )

        def seen(user):
            return (
                self.Contribution.with_user(user)
                .search([("id", "in", contributions.ids)])
                .employee_id
            )

        self.assertEqual(seen(self.user_emma), self.emma)
        self.assertEqual(seen(self.user_otto), self.otto)
        self.assertEqual(seen(self.user_eric), self.emma | self.eric)
        self.assertEqual(seen(self.user_mia), self.emma | self.eric)
        self.assertEqual(seen(self.user_officer), self.emma | self.eric | self.otto)

    def test_managers_cannot_change_contributions(self):
        contribution = self._contribution()
        with self.assertRaises(AccessError):
            contribution.with_user(self.user_eric).post_value = 200.0

    def test_rules_are_read_by_officers_and_configured_by_admins(self):
        Rule = self.env["trainlink.contribution.rule"]
        self.assertEqual(
            Rule.with_user(self.user_officer).search([]), self.default_rule
        )
        with self.assertRaises(AccessError):
            self.default_rule.with_user(self.user_officer).threshold_good = 1.0
        with self.assertRaises(AccessError):
            Rule.with_user(self.user_eric).search([])
        self.default_rule.with_user(self.user_admin).threshold_good = 1.0
        self.assertEqual(self.default_rule.threshold_good, 1.0)


@tagged("post_install", "-at_install")
class TestLanguageOfWhatRunsCreate(ContributionCase):
    """A run of the (English-speaking) sync user creates text for managers:
    in their language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["trainlink_performance"], ["zh_CN"]
        )
        cls.user_eric.lang = "zh_CN"  # Emma's manager reviews her trainings
        cls.company.partner_id.lang = "zh_CN"

    def test_review_activity_and_retraining_need_are_in_the_managers_language(self):
        self.Contribution.with_user(self.user_sync).with_context(
            lang="en_US"
        ).api_upsert([self._api_row(post_value=80.0, net_lift_se=1.0)])
        review = self.attendance.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(REVIEW)
        )
        self.assertIn("复盘", review.summary)
        contribution = self.Contribution.search(
            [("attendance_id", "=", self.attendance.id)]
        )
        self.assertIn("复训", contribution.retrain_need_id.name)

    def test_the_managers_summary_is_in_their_language(self):
        self.Contribution.with_user(self.user_sync).with_context(
            lang="en_US"
        ).api_upsert([self._api_row(post_value=80.0, net_lift_se=1.0)])
        summary = self.env["mail.message"].search(
            [
                ("partner_ids", "in", self.user_eric.partner_id.ids),
                ("message_type", "=", "user_notification"),
                ("model", "=", False),  # not about one record: a summary
            ]
        )
        self.assertEqual(len(summary), 1)
        self.assertIn("复盘", summary.subject)
        self.assertIn("培训需求", str(summary.body))
