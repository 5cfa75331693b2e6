from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ImprovementCase


@tagged("post_install", "-at_install")
class TestPlanContent(ImprovementCase):
    """What a plan's stages draw from and give to the rest of TrainLink."""

    def setUp(self):
        super().setUp()
        self.plan = self._new_plan()

    def test_a_kpi_goal_takes_its_baseline_from_the_analysed_period(self):
        for month, value in (("01", 100.0), ("02", 120.0), ("03", 100.0)):
            self._kpi_month(self.emma, self.kpi_revenue, f"2026-{month}-01", value)
        self.plan.with_user(self.user_eric).write(
            {"gap_start": "2026-01-01", "gap_end": "2026-03-31"}
        )
        goal = (
            self.env["trainlink.improvement.goal"]
            .with_user(self.user_eric)
            .create(
                {
                    "plan_id": self.plan.id,
                    "kpi_id": self.kpi_revenue.id,
                    "target": 450.0,
                    "deadline": self.plan.date_end,
                }
            )
        )
        self.assertAlmostEqual(goal.baseline, 320.0)
        self.assertEqual(
            (goal.direction, goal.period_start), ("higher", self.plan.date_start)
        )

    def test_pull_in_data_lists_the_targets_of_the_period(self):
        target = self.env["trainlink.kpi.target"].create(
            {
                "kpi_id": self.kpi_revenue.id,
                "level": "employee",
                "employee_id": self.emma.id,
                "period_type": "quarter",
                "period_start": "2026-01-01",
                "target_value": 500.0,
            }
        )
        target.action_agree()
        for month, value in (("01", 100.0), ("02", 120.0), ("03", 100.0)):
            self._kpi_month(self.emma, self.kpi_revenue, f"2026-{month}-01", value)
        as_eric = self.plan.with_user(self.user_eric)
        as_eric.write({"gap_start": "2026-01-01", "gap_end": "2026-03-31"})
        as_eric.action_fill_gaps()
        self.assertEqual(len(self.plan.gap_ids), 1)
        self.assertEqual(
            self.plan.gap_ids.summary,
            "Q1 2026 Revenue: target 500.0, actual 320.0 = 64 %",
        )

    def test_an_action_enrols_the_employee_in_a_session(self):
        session = self._future_session()
        action = (
            self.env["trainlink.improvement.action"]
            .with_user(self.user_eric)
            .create(
                {
                    "plan_id": self.plan.id,
                    "name": "Negotiation refresher",
                    "owner_type": "employee",
                    "date_start": self.plan.date_start,
                    "date_end": self.plan.date_end,
                    "standard": "Passes the exam",
                    "session_id": session.id,
                }
            )
        )
        action.with_user(self.user_eric).action_enrol()
        attendance = action.attendance_id
        self.assertEqual(
            (attendance.employee_id, attendance.session_id), (self.emma, session)
        )
        self.assertEqual(attendance.state, "enrolled")
        self.assertEqual(action.state, "in_progress")
        action.with_user(self.user_eric).action_enrol()
        self.assertEqual(
            self.env["trainlink.attendance"].search_count(
                [("session_id", "=", session.id), ("employee_id", "=", self.emma.id)]
            ),
            1,
            "enrolled once",
        )
        with self.assertRaises(AccessError):
            action.with_user(self.user_emma).action_enrol()

    def test_an_action_raises_a_training_need(self):
        self.plan.sudo().kpi_id = self.kpi_revenue
        action = (
            self.env["trainlink.improvement.action"]
            .with_user(self.user_eric)
            .create(
                {
                    "plan_id": self.plan.id,
                    "name": "Closing techniques",
                    "owner_type": "employee",
                    "date_start": self.plan.date_start,
                    "date_end": self.plan.date_end,
                    "standard": "Closes two deals with the new script",
                }
            )
        )
        action.with_user(self.user_eric).action_raise_need()
        need = action.need_id
        self.assertEqual(need.employee_ids, self.emma)
        self.assertEqual((need.source, need.kpi_id), ("competency", self.kpi_revenue))
        self.assertEqual(need.deadline, self.plan.date_end)

    def test_the_printed_plan_holds_every_stage(self):
        self._complete_to(self.plan, "review")
        self._sign_both(self.plan)
        self.env["trainlink.improvement.followup"].with_user(self.user_emma).create(
            {"plan_id": self.plan.id, "kind": "progress", "note": "Called 12 clients"}
        )
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "trainlink_improvement_plan.action_report_improvement_plan", self.plan.ids
        )
        html = html.decode()
        for text in (
            "Customer visits per week",
            "Follow-up calls are not planned",
            "Weekly call list with the manager",
            "CRM licence",
            self.user_emma.name,
            self.user_eric.name,
            "Called 12 clients",
        ):
            with self.subTest(text=text):
                self.assertIn(text, html)

    def test_a_met_plan_counts_in_the_promotion_review(self):
        entry = self.env["trainlink.performance.entry"].create(
            {"name": "Plan met", "employee_id": self.emma.id, "plan_id": self.plan.id}
        )
        job = self.env["hr.job"].create({"name": "Key Account Manager"})
        path = self.env["trainlink.promotion.path"].create({"job_id": job.id})
        candidate = self.env["trainlink.promotion.candidate"].create(
            {"employee_id": self.emma.id, "path_id": path.id}
        )
        self.assertEqual(candidate.improvement_met_count, 1)
        self.assertEqual(
            candidate.with_user(self.user_officer).improvement_met_count,
            0,
            "a training officer outside HR learns nothing of plans",
        )
        self.assertTrue(entry)

    def test_every_view_of_the_plans_opens_for_each_role(self):
        action = self.env.ref("trainlink_improvement_plan.improvement_plan_action")
        view_types = [(False, mode) for mode in action.view_mode.split(",")]
        for user in (self.user_emma, self.user_eric, self.user_hanna):
            with self.subTest(user=user.login):
                views = self.Plan.with_user(user).get_views(
                    [*view_types, (False, "search")]
                )
                self.assertEqual(
                    set(views["views"]), {mode for _id, mode in view_types} | {"search"}
                )
        for xml_id in (
            "trainlink_improvement_plan.improvement_action_action",
            "trainlink_improvement_plan.improvement_resource_action",
            "trainlink_improvement_plan.performance_entry_action",
        ):
            action = self.env.ref(xml_id)
            self.env[action.res_model].with_user(self.user_emma).get_views(
                [(False, mode) for mode in action.view_mode.split(",")]
            )
