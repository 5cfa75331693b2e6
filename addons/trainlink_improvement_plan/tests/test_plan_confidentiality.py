from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ImprovementCase


@tagged("post_install", "-at_install")
class TestPlanConfidentiality(ImprovementCase):
    """Emma's running plan is seen by Emma, Eric and Mia (up her chain) and
    HR officers; Pia (her peer, a manager of nobody here), Otto, her mentor,
    a training officer outside HR and the sync user see nothing of it, not
    even that it exists."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._complete_to(cls._new_plan(), "review")
        cls._sign_both(cls.plan)
        cls.env["trainlink.improvement.followup"].with_user(cls.user_emma).create(
            {"plan_id": cls.plan.id, "kind": "progress", "note": "Called 12 clients"}
        )
        cls.entry = cls.env["trainlink.performance.entry"].create(
            {"name": "Earlier plan met", "employee_id": cls.emma.id}
        )
        cls.outsiders = {
            "peer": cls.user_pia,
            "colleague": cls.user_otto,
            "mentor": cls.user_mentor,
            "training officer": cls.user_officer,
            "sync user": cls.user_sync,
        }

    def _records(self):
        plan = self.plan
        return {
            "trainlink.improvement.plan": plan,
            "trainlink.improvement.goal": plan.goal_ids,
            "trainlink.improvement.cause": plan.cause_ids,
            "trainlink.improvement.action": plan.action_ids,
            "trainlink.improvement.resource": plan.resource_ids,
            "trainlink.improvement.followup": plan.followup_ids,
            "trainlink.performance.entry": self.entry,
        }

    def test_outsiders_see_nothing_not_even_that_it_exists(self):
        for role, user in self.outsiders.items():
            for model, records in self._records().items():
                with self.subTest(role=role, model=model):
                    Model = self.env[model].with_user(user)
                    self.assertEqual(
                        Model.search_count([("employee_id", "=", self.emma.id)]), 0
                    )
                    with self.assertRaises(AccessError):
                        records.with_user(user).read(["display_name"])

    def test_outsiders_cannot_create_or_change_a_plan(self):
        for role, user in self.outsiders.items():
            with self.subTest(role=role):
                with self.assertRaises(AccessError):
                    self.Plan.with_user(user).create(
                        {"name": "Snoop", "employee_id": self.emma.id}
                    )
                with self.assertRaises(AccessError):
                    self.plan.with_user(user).write({"problem": "Rewritten"})
                with self.assertRaises(AccessError):
                    self.plan.with_user(user).unlink()
        self.assertNotEqual(self.plan.problem, "Rewritten")

    def test_the_employee_reads_the_whole_plan_and_writes_none_of_it(self):
        for model, records in self._records().items():
            with self.subTest(model=model):
                self.assertEqual(
                    self.env[model]
                    .with_user(self.user_emma)
                    .search([("id", "in", records.ids)]),
                    records,
                )
        changes = {
            "trainlink.improvement.goal": {"target": 5.0},
            "trainlink.improvement.cause": {"why": "Not my fault"},
            "trainlink.improvement.action": {"state": "done"},
            "trainlink.improvement.resource": {"state": "provided"},
        }
        for model, vals in changes.items():
            records = self._records()[model].with_user(self.user_emma)
            with self.subTest(model=model):
                with self.assertRaises(AccessError):
                    records.write(vals)
                with self.assertRaises(AccessError):
                    records.unlink()
        with self.assertRaises(AccessError):
            self.plan.with_user(self.user_emma).write({"name": "Nothing to improve"})
        with self.assertRaises(AccessError):
            self.entry.with_user(self.user_emma).write({"name": "Outstanding"})

    def test_managers_up_the_chain_read_and_manage_it(self):
        for user in (self.user_eric, self.user_mia):
            with self.subTest(user=user.login):
                as_user = self.plan.with_user(user)
                self.assertEqual(as_user.search([("id", "=", self.plan.id)]), self.plan)
                as_user.write({"review_date": self.today})
                self.assertEqual(
                    self.env["trainlink.performance.entry"]
                    .with_user(user)
                    .search([("employee_id", "=", self.emma.id)]),
                    self.entry,
                )

    def test_a_manager_does_not_see_the_plan_of_their_own_manager(self):
        mia_plan = self.Plan.create({"name": "Mia's plan", "employee_id": self.mia.id})
        self.assertFalse(
            self.Plan.with_user(self.user_eric).search([("id", "=", mia_plan.id)])
        )

    def test_hr_officers_see_and_manage_every_plan_but_their_own(self):
        as_hanna = self.plan.with_user(self.user_hanna)
        self.assertTrue(as_hanna.search([("id", "=", self.plan.id)]))
        as_hanna.write({"review_date": self.today})
        own = self.Plan.create({"name": "Hanna's plan", "employee_id": self.hanna.id})
        self.assertTrue(own.with_user(self.user_hanna).read(["name"]))
        with self.assertRaisesRegex(AccessError, "nobody manages their own"):
            own.with_user(self.user_hanna).write({"problem": "None"})

    def test_a_provider_sees_their_request_only(self):
        resource = self.plan.resource_ids
        Resource = self.env["trainlink.improvement.resource"].with_user(self.user_it)
        self.assertEqual(Resource.search([]), resource)
        self.assertEqual(resource.activity_ids.user_id, self.user_it)
        with self.assertRaises(AccessError):
            self.plan.with_user(self.user_it).read(["name"])
        with self.assertRaises(AccessError):
            resource.with_user(self.user_it).write({"name": "Something else"})
        resource.with_user(self.user_it).action_mark_provided()
        self.assertEqual(resource.state, "provided")

    def test_counts_on_profiles_follow_the_same_rules(self):
        Public = self.env["hr.employee.public"]
        self.assertEqual(
            Public.with_user(self.user_emma)
            .browse(self.emma.id)
            .trainlink_improvement_plan_count,
            1,
        )
        self.assertEqual(
            Public.with_user(self.user_pia)
            .browse(self.emma.id)
            .trainlink_improvement_plan_count,
            0,
        )
        self.assertEqual(
            self.emma.with_user(self.user_hanna).trainlink_improvement_plan_count, 1
        )

    def test_a_plan_or_its_parts_are_not_moved_to_someone_else(self):
        draft = self._new_plan()
        with self.assertRaisesRegex(
            AccessError, "Only HR officers and the managers of Otto"
        ):
            draft.with_user(self.user_eric).write({"employee_id": self.otto.id})
        self.assertEqual(draft.employee_id, self.emma)
        with self.assertRaisesRegex(UserError, "stays in its plan"):
            self.plan.goal_ids.with_user(self.user_eric).write({"plan_id": draft.id})

    def test_outsiders_cannot_add_or_delete_parts_of_a_plan(self):
        """Plain create and unlink of every part, role by role."""
        for role, user in self.outsiders.items():
            with self.subTest(role=role):
                with self.assertRaises(AccessError):
                    self.env["trainlink.improvement.goal"].with_user(user).create(
                        self._goal_values(self.plan)
                    )
                with self.assertRaises(AccessError):
                    self.env["trainlink.improvement.cause"].with_user(user).create(
                        {"plan_id": self.plan.id, "category": "skill", "why": "X"}
                    )
                for records in self._records().values():
                    with self.assertRaises(AccessError):
                        records.with_user(user).unlink()
        self.assertTrue(self.plan.goal_ids and self.plan.cause_ids)
