from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ImprovementCase

ESCALATION = "trainlink_improvement_plan.mail_activity_type_pip_escalation"


@tagged("post_install", "-at_install")
class TestPlanEvaluation(ImprovementCase):
    """A plan of Q1 2026 with three goals, evaluated on a small dataset whose
    figures are worked out by hand:

    - revenue (sum, higher is better): baseline 300, target 450;
      January 100 + February 150 + March 180 = 430: better than 300, short of
      450, partly met;
    - complaint rate (rate, lower is better): baseline 5.0 %, target 3.0 %;
      mean of 3.0, 2.5 and 2.9 = 2.8 %: met;
    - customer visits per week (free text): baseline 4, target 8, the manager
      saw 3: not met.
    Outcome: partly met."""

    def setUp(self):
        super().setUp()
        with freeze_time("2026-01-05"):
            self.plan = self.Plan.create(
                {
                    "name": "Q1 recovery",
                    "employee_id": self.emma.id,
                    "date_start": "2026-01-01",
                    "date_end": "2026-03-31",
                }
            )
            Goal = self.env["trainlink.improvement.goal"].with_user(self.user_eric)
            self.revenue = Goal.create(
                self._goal_values(
                    self.plan,
                    kpi_id=self.kpi_revenue.id,
                    criterion=False,
                    baseline=300.0,
                    target=450.0,
                )
            )
            self.complaints = Goal.create(
                self._goal_values(
                    self.plan,
                    kpi_id=self.kpi_complaints.id,
                    criterion=False,
                    baseline=5.0,
                    target=3.0,
                )
            )
            self.visits = Goal.create(self._goal_values(self.plan))
            self._complete_to(self.plan, "review")
            self._sign_both(self.plan)
        self.values = {
            month: self._kpi_month(
                self.emma, self.kpi_revenue, f"2026-{month}-01", value
            )
            for month, value in (("01", 100.0), ("02", 150.0), ("03", 180.0))
        }
        for month, value in (("01", 3.0), ("02", 2.5), ("03", 2.9)):
            self._kpi_month(self.emma, self.kpi_complaints, f"2026-{month}-01", value)
        self.as_eric = self.plan.with_user(self.user_eric)

    def _enter_visits(self, value):
        with freeze_time("2026-03-31"):
            self.visits.with_user(self.user_eric).manual_actual = value

    @freeze_time("2026-04-02")
    def test_evaluation_figures_from_the_data(self):
        self._enter_visits(3.0)
        self.as_eric.action_evaluate()
        self.assertEqual(self.plan.stage, "evaluation")
        self.assertAlmostEqual(self.revenue.actual_value, 430.0)
        self.assertEqual(self.revenue.result, "partly")
        self.assertAlmostEqual(self.complaints.actual_value, 2.8)
        self.assertEqual(self.complaints.result, "met")
        self.assertAlmostEqual(self.visits.actual_value, 3.0)
        self.assertEqual(self.visits.result, "not_met")
        self.assertEqual(self.plan.outcome, "partly")

    @freeze_time("2026-02-15")
    def test_progress_is_read_from_the_synced_values(self):
        # Mid-February only January is in: 100 over 31 of the window's 90
        # days projects 100 x 90 / 31 = 290.3, short of 450: at risk.
        self.values["02"].unlink()
        self.values["03"].unlink()
        self.assertAlmostEqual(self.revenue.current_value, 100.0)
        self.assertAlmostEqual(self.revenue.projected_value, 100.0 * 90 / 31, places=2)
        self.assertAlmostEqual(self.revenue.coverage, 31 / 90 * 100, places=2)
        self.assertEqual(self.revenue.progress_status, "at_risk")
        # The January complaint rate (3.0 %) meets its target already.
        self.assertEqual(self.complaints.progress_status, "on_track")
        self.assertEqual(self.plan.progress_status, "at_risk")
        # 160 in January projects 464.5: on track.
        self.values["01"].value = 160.0
        self.env.invalidate_all()
        self.assertEqual(self.revenue.progress_status, "on_track")

    @freeze_time("2026-04-02")
    def test_evaluating_without_data_is_refused_and_changes_nothing(self):
        self._enter_visits(9.0)
        self.values["03"].unlink()
        with self.assertRaisesRegex(UserError, r"Revenue has KPI values for 66 %"):
            self.as_eric.action_evaluate()
        self.assertEqual(self.plan.stage, "follow_up")
        self.assertFalse(self.revenue.result)
        self.assertFalse(self.plan.outcome)

    @freeze_time("2026-04-02")
    def test_a_rate_needs_its_whole_window_too(self):
        # Two good months of complaints are not a quarter's verdict.
        self._enter_visits(9.0)
        self.env["trainlink.kpi.value"].search(
            [
                ("kpi_id", "=", self.kpi_complaints.id),
                ("period_start", "=", "2026-03-01"),
            ]
        ).unlink()
        with self.assertRaisesRegex(
            UserError, r"Complaint rate has KPI values for 66 %"
        ):
            self.as_eric.action_evaluate()
        self.assertFalse(self.complaints.result)

    @freeze_time("2026-04-02")
    def test_a_free_text_goal_needs_its_actual_entered(self):
        with self.assertRaisesRegex(
            UserError, "Customer visits per week has no actual"
        ):
            self.as_eric.action_evaluate()
        self.assertEqual(self.plan.stage, "follow_up")

    @freeze_time("2026-03-15")
    def test_evaluating_before_the_end_needs_an_early_close_reason(self):
        self._enter_visits(9.0)
        with self.assertRaisesRegex(UserError, "runs until 2026-03-31"):
            self.as_eric.action_evaluate()
        self.as_eric.early_close_reason = "Emma moves to another team"
        self.as_eric.action_evaluate()
        self.assertEqual(self.plan.stage, "evaluation")
        self.assertTrue(
            self.plan.message_ids.filtered(lambda m: "Closed early" in (m.body or ""))
        )

    @freeze_time("2026-04-02")
    def test_met_goals_go_to_the_performance_file(self):
        self.values["03"].value = 250.0  # 500 >= 450
        self._enter_visits(9.0)
        self.as_eric.action_evaluate()
        self.assertEqual(self.plan.outcome, "met")
        for decision in ("action_extend", "action_adjust", "action_escalate"):
            with self.assertRaisesRegex(UserError, "All goals were met"):
                getattr(self.as_eric, decision)()
        self.as_eric.action_record_met()
        self.assertTrue(self.plan.closed)
        self.assertEqual(self.plan.decision, "recorded")
        entry = self.plan.entry_ids
        self.assertEqual(entry.employee_id, self.emma)
        self.assertEqual(str(entry.date), "2026-04-02")
        self.assertIn("Q1 recovery", entry.name)
        # In Emma's own performance history, not in her peer's.
        Entry = self.env["trainlink.performance.entry"]
        self.assertEqual(Entry.with_user(self.user_emma).search([]), entry)
        self.assertFalse(Entry.with_user(self.user_pia).search([]))
        self.assertIn(entry, self.emma.trainlink_performance_entry_ids)

    @freeze_time("2026-04-02")
    def test_goals_not_met_need_a_reason_then_extend_adjust_or_escalate(self):
        self._enter_visits(3.0)
        self.as_eric.action_evaluate()
        with self.assertRaisesRegex(UserError, "Only a plan whose goals were all met"):
            self.as_eric.action_record_met()
        with self.assertRaisesRegex(UserError, "Give the reason"):
            self.as_eric.action_extend()
        self.as_eric.outcome_note = "Two key accounts froze their budgets"
        with self.assertRaisesRegex(UserError, "new end date after 2026-03-31"):
            self.as_eric.action_extend()
        self.as_eric.new_end_date = "2026-05-31"
        self.as_eric.action_extend()
        self.assertEqual(
            (self.plan.stage, str(self.plan.date_end), self.plan.decision),
            ("follow_up", "2026-05-31", "extended"),
        )
        self.assertFalse(self.plan.outcome)

    @freeze_time("2026-04-02")
    def test_adjusting_sends_the_plan_back_to_its_actions_for_new_signatures(self):
        self._enter_visits(3.0)
        self.as_eric.action_evaluate()
        self.as_eric.outcome_note = "The call list did not reach the buyers"
        self.as_eric.action_adjust()
        self.assertEqual(self.plan.stage, "action")
        self.assertFalse(self.plan.employee_signed_on or self.plan.manager_signed_on)
        self.assertEqual(self.plan.decision, "adjusted")

    @freeze_time("2026-04-02")
    def test_escalating_closes_the_plan_and_tells_hr(self):
        self.company.trainlink_pip_escalation_user_id = self.user_hanna
        self._enter_visits(3.0)
        self.as_eric.action_evaluate()
        self.as_eric.outcome_note = "No progress despite support"
        self.as_eric.action_escalate()
        self.assertTrue(self.plan.closed and self.plan.escalated)
        escalation = self.plan.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(ESCALATION)
        )
        self.assertEqual(escalation.user_id, self.user_hanna)
        self.assertFalse(self.plan.entry_ids)

    @freeze_time("2026-04-02")
    def test_the_employee_does_not_evaluate_their_own_plan(self):
        self._enter_visits(3.0)
        with self.assertRaisesRegex(AccessError, "nobody manages their own"):
            self.plan.with_user(self.user_emma).action_evaluate()
        with self.assertRaises(AccessError):
            self.visits.with_user(self.user_emma).manual_actual = 99.0
        self.assertEqual(self.plan.stage, "follow_up")
