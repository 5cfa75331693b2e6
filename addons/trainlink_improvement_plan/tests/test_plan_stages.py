from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ImprovementCase


@tagged("post_install", "-at_install")
class TestPlanStages(ImprovementCase):
    """Each stage is left only when its content is complete; the message says
    what is missing and nothing changes."""

    def setUp(self):
        super().setUp()
        self.plan = self._new_plan()
        self.as_eric = self.plan.with_user(self.user_eric)

    def test_problem_stage_needs_a_statement_and_a_goal(self):
        with self.assertRaisesRegex(UserError, "problem statement.*at least one goal"):
            self.as_eric.action_next_stage()
        self.assertEqual(self.plan.stage, "problem")
        self.as_eric.problem = "Q1 revenue 64 % of target"
        with self.assertRaisesRegex(UserError, "at least one goal"):
            self.as_eric.action_next_stage()
        self.env["trainlink.improvement.goal"].with_user(self.user_eric).create(
            self._goal_values(self.plan)
        )
        self.as_eric.action_next_stage()
        self.assertEqual(self.plan.stage, "cause")

    def test_a_goal_without_target_or_deadline_is_refused(self):
        Goal = self.env["trainlink.improvement.goal"].with_user(self.user_eric)
        values = self._goal_values(self.plan)
        for missing, message in (
            ("target", "needs a target"),
            ("deadline", "needs a deadline"),
        ):
            with self.subTest(missing=missing):
                incomplete = dict(values)
                del incomplete[missing]
                with self.assertRaisesRegex(ValidationError, message):
                    Goal.create(incomplete)
        goal = Goal.create(values)
        with self.assertRaisesRegex(ValidationError, "needs a target"):
            goal.target = False
        self.assertEqual(goal.target, 8.0)

    def test_a_goal_must_improve_on_its_baseline_by_the_kpi_direction(self):
        Goal = self.env["trainlink.improvement.goal"].with_user(self.user_eric)
        with self.assertRaisesRegex(
            ValidationError, "does not improve on its baseline"
        ):
            Goal.create(self._goal_values(self.plan, baseline=8.0, target=8.0))
        # Complaints: lower is better, so 3 % improves on 5 % and 6 % does not.
        complaint = dict(
            self._goal_values(self.plan), kpi_id=self.kpi_complaints.id, criterion=False
        )
        del complaint["unit"]
        with self.assertRaisesRegex(ValidationError, "not lower"):
            Goal.create(dict(complaint, baseline=5.0, target=6.0))
        goal = Goal.create(dict(complaint, baseline=5.0, target=3.0))
        self.assertEqual(goal.direction, "lower")
        self.assertEqual(goal.unit, "%")

    def test_a_goal_is_measurable_and_inside_the_plan(self):
        Goal = self.env["trainlink.improvement.goal"].with_user(self.user_eric)
        with self.assertRaisesRegex(ValidationError, "KPI or a measurable criterion"):
            Goal.create(self._goal_values(self.plan, criterion=False))
        with self.assertRaisesRegex(ValidationError, "needs a unit"):
            Goal.create(self._goal_values(self.plan, unit=False))
        late = self.plan.date_end + relativedelta(days=1)
        with self.assertRaisesRegex(ValidationError, "must fall inside the plan"):
            Goal.create(self._goal_values(self.plan, deadline=late))
        self.assertFalse(self.plan.goal_ids)

    def test_cause_stage_needs_a_cause_with_every_5w2h_answer(self):
        self._complete_to(self.plan, "cause")
        with self.assertRaisesRegex(UserError, "at least one root cause"):
            self.as_eric.action_next_stage()
        self.env["trainlink.improvement.cause"].with_user(self.user_eric).create(
            {
                "plan_id": self.plan.id,
                "category": "market",
                "why": "A competitor cut prices",
                "what": "Lost two tenders",
            }
        )
        with self.assertRaisesRegex(UserError, "Where, When, Who, How, and How Much"):
            self.as_eric.action_next_stage()
        self.assertEqual(self.plan.stage, "cause")
        self.assertEqual(self.plan.cause_ids.kind, "external")

    def test_action_stage_needs_an_action_inside_the_plan(self):
        self._complete_to(self.plan, "action")
        with self.assertRaisesRegex(UserError, "at least one action"):
            self.as_eric.action_next_stage()
        Action = self.env["trainlink.improvement.action"].with_user(self.user_eric)
        values = {
            "plan_id": self.plan.id,
            "name": "Shadow the best closer",
            "owner_type": "department",
            "date_start": self.plan.date_start,
            "date_end": self.plan.date_end + relativedelta(days=1),
            "standard": "Five visits together",
        }
        with self.assertRaisesRegex(ValidationError, "must fall inside the plan"):
            Action.create(values)
        values["date_end"] = self.plan.date_end
        with self.assertRaisesRegex(ValidationError, "supporting department: name it"):
            Action.create(values)
        action = Action.create(
            dict(
                values,
                support_department_id=self.other_department.id,
                contact_id=self.otto.id,
            )
        )
        self.assertIn(f"({self.other_department.name} and Otto, ", action._summary())
        self.as_eric.action_next_stage()
        self.assertEqual(self.plan.stage, "resource")

    def test_resource_stage_needs_a_provider_who_gets_an_activity(self):
        self._complete_to(self.plan, "resource")
        with self.assertRaisesRegex(UserError, "at least one resource"):
            self.as_eric.action_next_stage()
        resource = (
            self.env["trainlink.improvement.resource"]
            .with_user(self.user_eric)
            .create(
                {
                    "plan_id": self.plan.id,
                    "name": "Laptop with the CRM",
                    "provider_type": "it",
                    "provider_user_id": self.user_it.id,
                    "due_date": self.plan.date_start,
                }
            )
        )
        self.assertEqual(resource.activity_ids.user_id, self.user_it)
        self.assertIn("Laptop with the CRM", resource.activity_ids.summary)
        self.as_eric.action_next_stage()
        self.assertEqual(self.plan.stage, "review")

    def test_review_stage_is_left_only_with_both_signatures(self):
        self._complete_to(self.plan, "review")
        with self.assertRaisesRegex(
            UserError, "employee's signature.*manager's signature"
        ):
            self.as_eric.action_next_stage()
        self._sign(self.plan, "employee", self.user_emma)
        with self.assertRaisesRegex(UserError, "manager's signature"):
            self.as_eric.action_next_stage()
        self._sign(self.plan, "manager", self.user_eric)
        self.assertEqual(self.plan.stage, "follow_up")

    def test_going_back_is_for_unsigned_plans(self):
        self._complete_to(self.plan, "action")
        self.as_eric.action_previous_stage()
        self.assertEqual(self.plan.stage, "cause")
        self._complete_to(self.plan, "review")
        self._sign_both(self.plan)
        with self.assertRaisesRegex(UserError, "not signed yet"):
            self.as_eric.action_previous_stage()
        with self.assertRaisesRegex(UserError, "use Evaluate"):
            self.as_eric.action_next_stage()

    def test_only_managers_and_hr_move_a_plan_never_their_own(self):
        self.plan.with_user(self.user_eric).problem = "Gap"
        with self.assertRaisesRegex(AccessError, "nobody manages their own"):
            self.plan.with_user(self.user_emma).action_next_stage()
        with self.assertRaisesRegex(AccessError, "about you"):
            self._new_plan(employee=self.hanna)
        hanna_plan = self.Plan.create(
            {"name": "Hanna's plan", "employee_id": self.hanna.id}
        )
        with self.assertRaisesRegex(AccessError, "nobody manages their own"):
            hanna_plan.with_user(self.user_hanna).write({"problem": "My own gap"})
        with self.assertRaisesRegex(AccessError, "nobody manages their own"):
            hanna_plan.with_user(self.user_hanna).action_next_stage()
        self.assertFalse(hanna_plan.problem)

    def test_a_closed_plan_no_longer_changes(self):
        self.plan.sudo().write({"closed": True})
        with self.assertRaisesRegex(UserError, "is closed"):
            self.as_eric.write({"problem": "Later"})
        with self.assertRaisesRegex(UserError, "is closed"):
            self.env["trainlink.improvement.goal"].with_user(self.user_eric).create(
                self._goal_values(self.plan)
            )

    def test_guarded_fields_change_through_the_buttons_only(self):
        for vals in ({"stage": "follow_up"}, {"outcome": "met"}, {"closed": True}):
            with self.subTest(vals=vals):
                with self.assertRaisesRegex(AccessError, "buttons only"):
                    self.plan.with_user(self.user_hanna).write(vals)
        self.assertEqual(self.plan.stage, "problem")

    def test_a_signed_plan_is_not_deleted(self):
        self._complete_to(self.plan, "review")
        self._sign_both(self.plan)
        with self.assertRaisesRegex(UserError, "Close it instead"):
            self.plan.with_user(self.user_hanna).unlink()
        draft = self._new_plan()
        draft.with_user(self.user_hanna).unlink()
        self.assertFalse(draft.exists())
