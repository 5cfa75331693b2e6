from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import TINY_PNG, ImprovementCase


@tagged("post_install", "-at_install")
class TestPlanSignatures(ImprovementCase):
    """The employee commits, the manager commits support; the plan runs only
    with both, and a change of goals or actions needs both again."""

    def setUp(self):
        super().setUp()
        self.plan = self._complete_to(self._new_plan(), "review")

    def _messages(self, text):
        return self.plan.message_ids.filtered(lambda m: text in (m.body or ""))

    def test_both_signatures_start_the_plan_and_keep_the_signed_version(self):
        self._sign(self.plan, "employee", self.user_emma, name="Emma Li")
        self.assertEqual(self.plan.stage, "review")
        self.assertEqual(self.plan.employee_signed_name, "Emma Li")
        self.assertEqual(self.plan.employee_signed_by_id, self.user_emma)
        self.assertTrue(self.plan.employee_signature)
        self._sign(self.plan, "manager", self.user_eric)
        self.assertEqual(self.plan.stage, "follow_up")
        self.assertEqual(self.plan.signed_version, 1)
        signed = self._messages("Signed version 1")
        self.assertEqual(len(signed), 1)
        self.assertIn("Customer visits per week", signed.body)
        self.assertIn("Weekly call list with the manager", signed.body)
        self.assertIn("Emma Li", signed.body)
        # The running plan gives the manager this week's check-in.
        self.assertEqual(self.plan.activity_ids.user_id, self.user_eric)

    def test_the_manager_cannot_sign_for_the_employee(self):
        with self.assertRaisesRegex(AccessError, "Only Emma signs as the employee"):
            self._sign(self.plan, "employee", self.user_eric)
        with self.assertRaisesRegex(AccessError, "Only Emma signs as the employee"):
            self._sign(self.plan, "employee", self.user_hanna)
        self.assertFalse(self.plan.employee_signed_on)

    def test_only_a_manager_up_the_chain_signs_as_manager(self):
        for user in (self.user_emma, self.user_hanna):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(AccessError, "signs as the manager"):
                    self._sign(self.plan, "manager", user)
        # A peer and a colleague do not even see the plan.
        for user in (self.user_pia, self.user_otto):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(AccessError, "read"):
                    self._sign(self.plan, "manager", user)
        self.assertFalse(self.plan.manager_signed_on)
        # Mia, Eric's manager, is up Emma's chain too.
        self._sign(self.plan, "manager", self.user_mia)
        self.assertEqual(self.plan.manager_signed_by_id, self.user_mia)

    def test_signing_needs_a_complete_plan_a_signature_and_a_name(self):
        draft = self._new_plan()
        with self.assertRaisesRegex(UserError, "review stage"):
            self._sign(draft, "employee", self.user_emma)
        self.plan.action_ids.sudo().unlink()
        with self.assertRaisesRegex(UserError, "at least one action"):
            self._sign(self.plan, "employee", self.user_emma)
        self.env["trainlink.improvement.action"].with_user(self.user_eric).create(
            {
                "plan_id": self.plan.id,
                "name": "Call list",
                "owner_type": "employee",
                "date_start": self.plan.date_start,
                "date_end": self.plan.date_end,
                "standard": "Every quote followed up",
            }
        )
        with self.assertRaisesRegex(UserError, "Draw your signature"):
            self.plan.with_user(self.user_emma)._sign("employee", False, "Emma")
        with self.assertRaisesRegex(UserError, "Type your name"):
            self.plan.with_user(self.user_emma)._sign("employee", TINY_PNG, "  ")
        self.assertFalse(self.plan.employee_signed_on)

    def test_changing_a_goal_after_signature_asks_both_to_sign_again(self):
        self._sign_both(self.plan)
        goal = self.plan.goal_ids
        goal.with_user(self.user_eric).target = 9.0
        self.assertEqual(self.plan.stage, "review")
        self.assertFalse(self.plan.employee_signed_on or self.plan.manager_signed_on)
        self.assertTrue(self._messages("changed after signature (version 1"))
        # The signed version stays in the chatter.
        self.assertTrue(self._messages("Signed version 1"))
        self._sign_both(self.plan)
        self.assertEqual(self.plan.signed_version, 2)
        self.assertEqual(self.plan.stage, "follow_up")

    def test_adding_an_action_after_signature_asks_both_to_sign_again(self):
        self._sign_both(self.plan)
        self.env["trainlink.improvement.action"].with_user(self.user_eric).create(
            {
                "plan_id": self.plan.id,
                "name": "Product training",
                "owner_type": "manager",
                "date_start": self.plan.date_start,
                "date_end": self.plan.date_end,
                "standard": "Passes the product test",
            }
        )
        self.assertEqual(self.plan.stage, "review")
        self.assertFalse(self.plan.manager_signed_on)

    def test_a_new_cause_does_not_touch_the_signatures(self):
        self._sign_both(self.plan)
        self.plan.cause_ids.with_user(self.user_eric).how = "Call list in the CRM"
        self.assertEqual(self.plan.stage, "follow_up")
        self.assertTrue(self.plan.employee_signed_on)

    def test_the_employee_writes_nothing_on_the_plan_but_signs_it(self):
        as_emma = self.plan.with_user(self.user_emma)
        with self.assertRaises(AccessError):
            as_emma.write({"review_date": self.today})
        with self.assertRaises(AccessError):
            self.plan.goal_ids.with_user(self.user_emma).write({"target": 20.0})
        with self.assertRaises(AccessError):
            self.env["trainlink.improvement.goal"].with_user(self.user_emma).create(
                self._goal_values(self.plan)
            )
        with self.assertRaises(AccessError):
            as_emma.unlink()
        self._sign(self.plan, "employee", self.user_emma)
        self.assertTrue(self.plan.employee_signed_on)
