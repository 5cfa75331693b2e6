from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DevelopmentCase


@tagged("post_install", "-at_install")
class TestIdpGoals(DevelopmentCase):
    """Goal statuses come from the records, worked out by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.idp = cls._idp(cls.emma)

    def _goal(self, **values):
        goal = self.Goal.create({"idp_id": self.idp.id, **values})
        goal.invalidate_recordset()
        return goal

    def test_course_goal_done_before_the_target_date(self):
        self._attendance(self.emma, self.key_accounts, day="2026-03-02")
        goal = self._goal(course_id=self.key_accounts.id, target_date="2026-06-30")
        self.assertEqual(goal.status, "done")
        self.assertEqual(str(goal.completion_date), "2026-03-02")

    def test_course_goal_completed_after_the_target_date_is_late(self):
        self._attendance(self.emma, self.key_accounts, day="2026-08-03")
        goal = self._goal(course_id=self.key_accounts.id, target_date="2026-06-30")
        self.assertEqual(goal.status, "late")

    def test_course_goal_without_completion_is_in_progress(self):
        self._attendance(self.emma, self.key_accounts, state="enrolled")
        self._attendance(self.otto, self.key_accounts, day="2026-03-02")
        goal = self._goal(course_id=self.key_accounts.id, target_date="2026-06-30")
        self.assertEqual(goal.status, "todo")

    def test_kpi_goal_higher_is_better(self):
        self._kpi_value(self.emma, self.kpi_revenue, "2026-01-01", "2026-01-31", 90.0)
        self._kpi_value(self.emma, self.kpi_revenue, "2026-02-01", "2026-02-28", 120.0)
        met = self._goal(goal_type="kpi", kpi_id=self.kpi_revenue.id, target_value=110)
        missed = self._goal(
            goal_type="kpi", kpi_id=self.kpi_revenue.id, target_value=130
        )
        self.assertEqual(met.status, "done")
        self.assertEqual(met.current_value, 120.0)
        self.assertEqual(missed.status, "todo")

    def test_kpi_goal_lower_is_better_uses_the_latest_value(self):
        self._kpi_value(self.emma, self.kpi_complaints, "2026-01-01", "2026-01-31", 2.0)
        self._kpi_value(self.emma, self.kpi_complaints, "2026-02-01", "2026-02-28", 4.0)
        met = self._goal(goal_type="kpi", kpi_id=self.kpi_complaints.id, target_value=5)
        # January met 3 %, but February, the latest, does not.
        missed = self._goal(
            goal_type="kpi", kpi_id=self.kpi_complaints.id, target_value=3
        )
        self.assertEqual(met.status, "done")
        self.assertEqual(missed.status, "todo")

    def test_kpi_goal_without_value_is_in_progress(self):
        goal = self._goal(goal_type="kpi", kpi_id=self.kpi_revenue.id, target_value=1)
        self.assertEqual(goal.status, "todo")

    def test_skill_goal_is_ticked_by_the_manager(self):
        goal = self._goal(goal_type="skill", skill="Presenting to a board")
        course = self._goal(course_id=self.key_accounts.id)
        self.assertEqual(goal.status, "todo")
        self.assertEqual(self.idp.progress, 0.0)
        with self.assertRaisesRegex(UserError, "your manager confirms"):
            goal.with_user(self.user_emma).write({"skill_done": True})
        goal.with_user(self.user_eric).write({"skill_done": True})
        self.assertEqual(goal.status, "done")
        self.assertEqual(course.status, "todo")
        self.assertEqual(self.idp.progress, 50.0)


@tagged("post_install", "-at_install")
class TestIdpFlow(DevelopmentCase):
    def _draft_with_goal(self, employee, user):
        idp = self.Idp.with_user(user).create({"employee_id": employee.id})
        self.Goal.with_user(user).create(
            {"idp_id": idp.id, "goal_type": "skill", "skill": "Negotiating"}
        )
        return idp

    def test_the_employee_writes_submits_and_the_manager_agrees(self):
        idp = self.Idp.with_user(self.user_emma).create({"notes": "Grow in sales"})
        self.assertEqual(idp.employee_id, self.emma)
        self.assertEqual(idp.manager_id, self.eric)
        self.assertEqual(idp.year, idp.create_date.year)
        with self.assertRaisesRegex(UserError, "has no goal"):
            idp.with_user(self.user_emma).action_submit()
        goal = self.Goal.with_user(self.user_emma).create(
            {"idp_id": idp.id, "goal_type": "course", "course_id": self.course.id}
        )
        idp.with_user(self.user_emma).action_submit()
        self.assertEqual(idp.state, "submitted")
        with self.assertRaisesRegex(UserError, "no longer a draft"):
            idp.with_user(self.user_emma).write({"notes": "Changed my mind"})
        with self.assertRaisesRegex(UserError, "is about you"):
            idp.with_user(self.user_emma).action_agree()
        idp.with_user(self.user_eric).action_agree()
        self.assertEqual(idp.state, "agreed")
        self.assertEqual(idp.agreed_by_id, self.user_eric)
        self.assertTrue(idp.agreed_date)
        with self.assertRaisesRegex(UserError, "goals are read-only for you"):
            goal.with_user(self.user_emma).write({"name": "Other"})
        with self.assertRaisesRegex(UserError, "goals are read-only for you"):
            self.Goal.with_user(self.user_emma).create(
                {"idp_id": idp.id, "goal_type": "skill", "skill": "Chess"}
            )
        with self.assertRaisesRegex(UserError, "goals are read-only for you"):
            goal.with_user(self.user_emma).unlink()
        goal.with_user(self.user_eric).write({"name": "Negotiation this spring"})
        idp.with_user(self.user_eric).action_done()
        self.assertEqual(idp.state, "done")

    def test_the_employee_takes_back_a_submitted_plan_only(self):
        idp = self._draft_with_goal(self.emma, self.user_emma)
        idp.with_user(self.user_emma).action_submit()
        idp.with_user(self.user_emma).action_reset_draft()
        self.assertEqual(idp.state, "draft")
        idp.with_user(self.user_emma).action_submit()
        idp.with_user(self.user_eric).action_agree()
        with self.assertRaises(UserError):
            idp.with_user(self.user_emma).action_reset_draft()
        idp.with_user(self.user_eric).action_reset_draft()
        self.assertEqual(idp.state, "draft")
        self.assertFalse(idp.agreed_by_id)

    def test_steps_out_of_order_are_refused(self):
        idp = self._draft_with_goal(self.emma, self.user_emma)
        with self.assertRaisesRegex(UserError, "is Draft: this step is not possible"):
            idp.with_user(self.user_eric).action_agree()
        idp.with_user(self.user_eric).action_cancel()
        self.assertEqual(idp.state, "cancelled")
        with self.assertRaisesRegex(UserError, "is Cancelled"):
            idp.with_user(self.user_eric).action_done()

    def test_nobody_agrees_their_own_plan(self):
        for user, employee in (
            (self.user_eric, self.eric),
            (self.user_officer, self.officer),
        ):
            with self.subTest(user=user.login):
                idp = self._draft_with_goal(employee, user)
                idp.with_user(user).action_submit()
                with self.assertRaisesRegex(UserError, "is about you"):
                    idp.with_user(user).action_agree()
                self.assertEqual(idp.state, "submitted")
        # Eric's own manager, Mia, agrees it.
        eric_plan = self.Idp.search([("employee_id", "=", self.eric.id)])
        eric_plan.with_user(self.user_mia).action_agree()
        self.assertEqual(eric_plan.state, "agreed")


@tagged("post_install", "-at_install")
class TestIdpBadInput(DevelopmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.idp = cls._idp(cls.emma)

    def test_one_plan_per_employee_and_year(self):
        self._idp(self.emma, year=2027)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self._idp(self.emma)

    def test_a_year_out_of_range(self):
        with self.assertRaisesRegex(ValidationError, "26 is not a valid year"):
            self._idp(self.otto, year=26)

    def test_goal_without_its_target(self):
        cases = (
            ({"goal_type": "course"}, "a course goal needs the course"),
            ({"goal_type": "kpi", "target_value": 5}, "a KPI goal needs the KPI"),
            ({"goal_type": "skill", "skill": "  "}, "a skill goal needs the skill"),
        )
        for values, message in cases:
            with self.subTest(message=message):
                with self.assertRaisesRegex(ValidationError, message):
                    self.Goal.create({"idp_id": self.idp.id, **values})

    def test_target_date_outside_the_year(self):
        with self.assertRaisesRegex(
            ValidationError, "target date 2027-01-15 is outside the plan's year 2026"
        ):
            self.Goal.create(
                {
                    "idp_id": self.idp.id,
                    "course_id": self.course.id,
                    "target_date": "2027-01-15",
                }
            )

    def test_a_plan_or_goal_does_not_move(self):
        goal = self.Goal.create({"idp_id": self.idp.id, "course_id": self.course.id})
        other = self._idp(self.emma, year=2027)
        with self.assertRaisesRegex(UserError, "does not move"):
            goal.with_user(self.user_emma).write({"idp_id": other.id})
        with self.assertRaisesRegex(UserError, "does not move"):
            self.idp.with_user(self.user_emma).write({"employee_id": self.otto.id})


@tagged("post_install", "-at_install")
class TestEmployeeButtons(DevelopmentCase):
    def test_buttons_open_the_employees_records_and_create_for_them(self):
        for action in (
            self.emma.action_open_trainlink_idps(),
            self.emma.action_open_trainlink_proposals(),
        ):
            with self.subTest(model=action["res_model"]):
                self.assertEqual(action["domain"], [("employee_id", "=", self.emma.id)])
                self.assertEqual(
                    action["context"], {"default_employee_id": self.emma.id}
                )
        self.assertEqual(
            self.emma.action_open_trainlink_idps()["res_model"], "trainlink.idp"
        )
        self.assertEqual(
            self.emma.action_open_trainlink_proposals()["res_model"],
            "trainlink.training.proposal",
        )
