from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ImprovementCase

PREPARE = "trainlink_improvement_plan.mail_activity_type_pip_prepare"


@tagged("post_install", "-at_install")
class TestPlanTriggers(ImprovementCase):
    """Each trigger opens a draft plan with its evidence for the manager,
    once per employee and cause."""

    def _plans(self, employee=None):
        return self.Plan.search([("employee_id", "=", (employee or self.emma).id)])

    def _prepare_activity(self, plan):
        return plan.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(PREPARE)
        )

    def _q3_revenue(self, employee, values=(100.0, 110.0, 110.0)):
        for month, value in zip(("07", "08", "09"), values, strict=True):
            self._kpi_month(employee, self.kpi_revenue, f"2026-{month}-01", value)

    def _q3_target(self, value=500.0):
        target = self.env["trainlink.kpi.target"].create(
            {
                "kpi_id": self.kpi_revenue.id,
                "level": "employee",
                "employee_id": self.emma.id,
                "period_type": "quarter",
                "period_start": "2026-07-01",
                "target_value": value,
            }
        )
        target.action_agree()
        return target

    # -- training effect --

    def test_an_insufficient_effect_on_evidence_opens_one_plan(self):
        contribution = self._contribution(post_value=90.0)
        self.assertTrue(contribution.pip_due)
        plan = self._plans()
        self.assertEqual(len(plan), 1)
        self.assertEqual(
            (plan.trigger, plan.kpi_id), ("training_effect", self.kpi_revenue)
        )
        self.assertEqual(plan.stage, "problem")
        self.assertIn("Negotiation", plan.evidence)
        self.assertIn("-10.0 %", plan.evidence)
        self.assertEqual(self._prepare_activity(plan).user_id, self.user_eric)
        contribution.post_value = 110.0  # recovers: the flag goes off ...
        contribution.post_value = 85.0  # ... and on again: no second plan
        self.assertEqual(self._plans(), plan)

    def test_an_inconclusive_measurement_never_opens_a_plan(self):
        contribution = self._contribution(post_value=60.0, baseline_points=1)
        self.assertEqual(contribution.rating, "inconclusive")
        contribution = self._contribution(
            post_value=60.0, peer_count=2, kpi=self.kpi_complaints
        )
        self.assertEqual(contribution.rating, "inconclusive")
        self.assertFalse(self._plans())

    # -- missed target --

    @freeze_time("2026-10-15")
    def test_a_target_missed_in_a_closed_period_opens_one_plan(self):
        target = self._q3_target()
        self._q3_revenue(self.emma)  # 320 of 500 = 64 %
        self.Plan._cron_detect_triggers()
        plan = self._plans()
        self.assertEqual(len(plan), 1)
        self.assertEqual(plan.trigger, "target_missed")
        self.assertEqual(plan.trigger_key, f"target:{target.id}")
        self.assertIn(
            "Q3 2026 Revenue: target 500.0, actual 320.0 = 64 %", plan.problem
        )
        self.assertEqual(plan.gap_ids.target_id, target)
        self.assertAlmostEqual(plan.gap_ids.actual_value, 320.0)
        self.assertIn("64 %", plan.evidence)
        self.assertEqual(self._prepare_activity(plan).user_id, self.user_eric)
        self.Plan._cron_detect_triggers()
        self.assertEqual(self._plans(), plan, "fires once")

    @freeze_time("2026-10-15")
    def test_the_threshold_is_a_company_setting(self):
        self._q3_target(value=375.0)
        self._q3_revenue(self.emma)  # 320 of 375 = 85 %
        self.Plan._cron_detect_triggers()
        self.assertFalse(self._plans())
        self.company.trainlink_pip_target_threshold = 90.0
        self.Plan._cron_detect_triggers()
        self.assertEqual(self._plans().trigger, "target_missed")

    @freeze_time("2026-09-15")
    def test_an_open_period_is_not_judged(self):
        self._q3_target()
        self._q3_revenue(self.emma)
        self.Plan._cron_detect_triggers()
        self.assertFalse(self._plans())

    @freeze_time("2026-10-15")
    def test_the_department_mean_stands_beside_the_gap_when_enough_people(self):
        self._q3_target()
        self._q3_revenue(self.emma)
        self._q3_revenue(self.pia, (200.0, 200.0, 200.0))
        self.Plan._cron_detect_triggers()
        gap = self._plans().gap_ids
        self.assertEqual(gap.department_count, 2)
        self.assertFalse(gap.department_shown, "2 people: below the group size of 5")
        self.assertIn("department mean withheld", gap.summary)
        self.company.trainlink_min_group_size = 2
        self._plans().with_user(self.user_eric).action_fill_gaps()
        gap = self._plans().gap_ids
        self.assertAlmostEqual(gap.department_value, 460.0)  # (320 + 600) / 2
        self.assertIn("vs department 460.0", gap.summary)

    # -- decline --

    @freeze_time("2026-10-15")
    def test_two_periods_of_decline_open_one_plan(self):
        self._q3_revenue(self.emma, (100.0, 90.0, 80.0))
        self.Plan._cron_detect_triggers()
        plan = self._plans()
        self.assertEqual((plan.trigger, plan.kpi_id), ("decline", self.kpi_revenue))
        self.assertIn("2026-07: 100.0 → 2026-08: 90.0 → 2026-09: 80.0", plan.evidence)
        self.Plan._cron_detect_triggers()
        self.assertEqual(self._plans(), plan)

    @freeze_time("2026-10-15")
    def test_small_or_interrupted_moves_are_no_decline(self):
        self._q3_revenue(self.emma, (100.0, 90.0, 95.0))
        self._q3_revenue(self.pia, (100.0, 97.0, 94.0))  # 3 % each: noise
        self.Plan._cron_detect_triggers()
        self.assertFalse(self._plans() | self._plans(self.pia))

    @freeze_time("2026-10-15")
    def test_a_lower_is_better_kpi_declines_upwards(self):
        for month, value in (("07", 2.0), ("08", 2.5), ("09", 3.0)):
            self._kpi_month(self.emma, self.kpi_complaints, f"2026-{month}-01", value)
        self.Plan._cron_detect_triggers()
        self.assertEqual(self._plans().kpi_id, self.kpi_complaints)

    @freeze_time("2026-10-15")
    def test_synced_data_triggers_at_once(self):
        rows = [
            self._kpi_value_row(
                key=f"EMMA-{month}",
                period_start=f"2026-{month}-01",
                period_end=end,
                value=value,
            )
            for month, end, value in (
                ("07", "2026-07-31", 100.0),
                ("08", "2026-08-31", 90.0),
                ("09", "2026-09-30", 80.0),
            )
        ]
        result = (
            self.env["trainlink.kpi.value"].with_user(self.user_sync).api_upsert(rows)
        )
        self.assertEqual(result["created"], 3)
        self.assertEqual(self._plans().trigger, "decline")

    @freeze_time("2026-10-15")
    def test_an_open_plan_on_the_same_kpi_gets_the_new_evidence(self):
        self._q3_target()
        self._q3_revenue(self.emma, (120.0, 100.0, 100.0))  # 64 %, not a decline
        self.Plan._cron_detect_triggers()
        plan = self._plans()
        self.env["trainlink.kpi.value"].search(
            [("employee_id", "=", self.emma.id), ("period_start", "=", "2026-09-01")]
        ).value = 80.0
        self.Plan._cron_detect_triggers()
        self.assertEqual(self._plans(), plan)
        self.assertTrue(
            plan.message_ids.filtered(lambda m: "worse two periods" in (m.body or ""))
        )

    # -- new job --

    def _path(self, cases=1):
        job = self.env["hr.job"].create({"name": "Senior Sales"})
        self.env["trainlink.promotion.path"].create(
            {
                "job_id": job.id,
                "course_ids": [(6, 0, self.course.ids)],
                "practice_cases_required": cases,
                "min_performance_score": 0.0,
            }
        )
        return job

    def test_a_new_job_whose_requirements_are_not_met_opens_a_plan(self):
        job = self._path()
        self.emma.job_id = job
        plan = self._plans()
        self.assertEqual(plan.trigger, "promotion_gap")
        self.assertIn("approved practice cases 0 of 1", plan.problem)
        self.assertNotIn("Negotiation", plan.problem, "the course is passed")
        self.emma.job_id = False
        self.emma.job_id = job
        self.assertEqual(self._plans(), plan)

    def test_a_new_job_whose_requirements_are_met_opens_nothing(self):
        self.emma.job_id = self._path(cases=0)
        self.assertFalse(self._plans())

    # -- the employee's own request --

    def test_the_employee_asks_for_a_plan_from_their_profile(self):
        profile = (
            self.env["hr.employee.public"]
            .with_user(self.user_emma)
            .browse(self.emma.id)
        )
        action = profile.action_request_improvement_plan()
        plan = self.Plan.browse(action["res_id"])
        self.assertEqual((plan.employee_id, plan.trigger), (self.emma, "own_request"))
        self.assertEqual(
            plan.with_user(self.user_emma).read(["name"])[0]["id"], plan.id
        )
        self.assertEqual(self._prepare_activity(plan).user_id, self.user_eric)
        again = profile.action_request_improvement_plan()
        self.assertEqual(again["res_id"], plan.id, "no second open request")

    def test_nobody_asks_for_a_plan_for_someone_else(self):
        profile = (
            self.env["hr.employee.public"].with_user(self.user_pia).browse(self.emma.id)
        )
        with self.assertRaisesRegex(AccessError, "for yourself only"):
            profile.action_request_improvement_plan()
        self.assertFalse(self._plans())

    # -- bad input --

    def test_no_plan_for_an_archived_employee(self):
        self.pia.active = False
        with self.assertRaisesRegex(UserError, "Pia is archived"):
            self.Plan._open_for_trigger(self.pia, "manual", False, {"name": "X"}, "")
        with self.assertRaisesRegex(ValidationError, "Pia is archived"):
            self.Plan.create({"name": "X", "employee_id": self.pia.id})
        with freeze_time("2026-10-15"):
            self._q3_revenue(self.pia, (100.0, 80.0, 60.0))
            self.Plan._cron_detect_triggers()
        self.assertFalse(self._plans(self.pia.with_context(active_test=False)))
