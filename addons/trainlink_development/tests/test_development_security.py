from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import DevelopmentCase


@tagged("post_install", "-at_install")
class TestProposalAccess(DevelopmentCase):
    """Plain ORM calls on training proposals, role by role: the employee
    reads their own, a peer nothing, the manager and HR officers read and
    decide, the sync user nothing; nobody decides their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emma_proposals = cls.Proposal._propose_from_scores(
            cls._score(cls.emma, "good")
        )
        cls.emma_proposal = cls.emma_proposals[0]
        cls.otto_proposals = cls.Proposal._propose_from_scores(
            cls._score(cls.otto, "good")
        )
        cls.values = {
            "employee_id": cls.emma.id,
            "kind": "advanced",
            "course_id": cls.sales_basics.id,
        }

    def _visible(self, user):
        everyone = self.emma_proposals | self.otto_proposals
        return self.Proposal.with_user(user).search([("id", "in", everyone.ids)])

    def test_the_employee_reads_their_own_and_decides_nothing(self):
        user = self.user_emma
        self.assertEqual(self._visible(user), self.emma_proposals)
        self.assertTrue(self.emma_proposal.with_user(user).reason)
        with self.assertRaises(AccessError):
            self.otto_proposals[0].with_user(user).read(["reason"])
        with self.assertRaises(AccessError):
            self.Proposal.with_user(user).create(self.values)
        with self.assertRaises(AccessError):
            self.emma_proposal.with_user(user).write({"reason": "Mine"})
        with self.assertRaises(AccessError):
            self.emma_proposal.with_user(user).unlink()
        with self.assertRaisesRegex(UserError, "is about you"):
            self.emma_proposal.with_user(user).action_accept()
        with self.assertRaisesRegex(UserError, "is about you"):
            self.emma_proposal.with_user(user)._dismiss("Not for me")
        self.assertEqual(self.emma_proposal.state, "proposed")

    def test_a_peer_sees_and_decides_nothing_of_a_colleague(self):
        user = self.user_otto
        self.assertEqual(self._visible(user), self.otto_proposals)
        with self.assertRaises(AccessError):
            self.emma_proposal.with_user(user).read(["reason"])
        with self.assertRaises(AccessError):
            self.emma_proposal.with_user(user).action_accept()
        with self.assertRaises(AccessError):
            self.emma_proposal.with_user(user).write({"reason": "Peer"})

    def test_the_manager_reads_and_decides_for_the_team_only(self):
        for user in (self.user_eric, self.user_mia):
            with self.subTest(user=user.login):
                self.assertEqual(self._visible(user), self.emma_proposals)
                with self.assertRaises(AccessError):
                    self.Proposal.with_user(user).create(self.values)
                with self.assertRaises(AccessError):
                    self.emma_proposal.with_user(user).write({"reason": "Edited"})
                with self.assertRaises(AccessError):
                    self.emma_proposal.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.otto_proposals[0].with_user(user).action_accept()
        self.emma_proposal.with_user(self.user_eric).action_accept()
        self.assertEqual(self.emma_proposal.state, "accepted")

    def test_a_manager_does_not_decide_their_own(self):
        eric_proposals = self.Proposal._propose_from_scores(
            self._score(self.eric, "good")
        )
        with self.assertRaisesRegex(UserError, "is about you"):
            eric_proposals[0].with_user(self.user_eric).action_accept()
        eric_proposals[0].with_user(self.user_mia).action_accept()
        self.assertEqual(eric_proposals[0].state, "accepted")

    def test_the_officer_reads_all_and_decides_but_not_their_own(self):
        user = self.user_officer
        self.assertEqual(self._visible(user), self.emma_proposals | self.otto_proposals)
        created = self.Proposal.with_user(user).create(self.values)
        created.with_user(user).write({"reason": "Basics refresher"})
        with self.assertRaisesRegex(AccessError, "change through its buttons only"):
            created.with_user(user).write({"state": "accepted"})
        created.with_user(user).unlink()
        self.otto_proposals[0].with_user(user).action_accept()
        self.assertEqual(self.otto_proposals[0].state, "accepted")
        own = self.Proposal._propose_from_scores(self._score(self.officer, "good"))
        with self.assertRaisesRegex(UserError, "is about you"):
            own[0].with_user(user).action_accept()
        with self.assertRaisesRegex(AccessError, "is about you"):
            self.Proposal.with_user(user).create(
                {**self.values, "employee_id": self.officer.id}
            )

    def test_the_sync_user_sees_and_does_nothing(self):
        user = self.user_sync
        self.assertFalse(self._visible(user))
        with self.assertRaises(AccessError):
            self.emma_proposal.with_user(user).read(["reason"])
        with self.assertRaises(AccessError):
            self.Proposal.with_user(user).create(self.values)
        with self.assertRaises(AccessError):
            self.emma_proposal.with_user(user).write({"reason": "Sync"})
        with self.assertRaises(AccessError):
            self.emma_proposal.with_user(user).unlink()
        with self.assertRaises(AccessError):
            self.emma_proposal.with_user(user).action_accept()


@tagged("post_install", "-at_install")
class TestIdpAccess(DevelopmentCase):
    """Plain ORM calls on plans and goals, role by role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emma_idp = cls._idp(cls.emma)
        cls.emma_goal = cls.Goal.create(
            {"idp_id": cls.emma_idp.id, "goal_type": "skill", "skill": "Pitching"}
        )
        cls.otto_idp = cls._idp(cls.otto)
        cls.otto_goal = cls.Goal.create(
            {"idp_id": cls.otto_idp.id, "course_id": cls.course.id}
        )

    def _goal_values(self, idp):
        return {"idp_id": idp.id, "goal_type": "skill", "skill": "Listening"}

    def test_the_employee_keeps_their_own_plan(self):
        user = self.user_emma
        self.assertEqual(self.Idp.with_user(user).search([]), self.emma_idp)
        self.assertEqual(self.Goal.with_user(user).search([]), self.emma_goal)
        self.emma_idp.with_user(user).write({"notes": "Lead a key account"})
        self.emma_goal.with_user(user).write({"skill": "Pitching to boards"})
        extra = self.Goal.with_user(user).create(self._goal_values(self.emma_idp))
        extra.with_user(user).unlink()
        next_year = self.Idp.with_user(user).create({"year": 2027})
        next_year.with_user(user).unlink()
        with self.assertRaises(AccessError):
            self.Idp.with_user(user).create({"employee_id": self.otto.id, "year": 2027})

    def test_a_peer_reads_and_changes_nothing(self):
        user = self.user_otto
        self.assertEqual(self.Idp.with_user(user).search([]), self.otto_idp)
        with self.assertRaises(AccessError):
            self.emma_idp.with_user(user).read(["notes"])
        with self.assertRaises(AccessError):
            self.emma_idp.with_user(user).write({"notes": "Peer"})
        with self.assertRaises(AccessError):
            self.emma_idp.with_user(user).unlink()
        with self.assertRaises(AccessError):
            self.emma_goal.with_user(user).read(["skill"])
        with self.assertRaises(AccessError):
            self.emma_goal.with_user(user).write({"skill": "Peer"})
        with self.assertRaises(AccessError):
            self.Goal.with_user(user).create(self._goal_values(self.emma_idp))
        with self.assertRaises(AccessError):
            self.emma_goal.with_user(user).unlink()
        with self.assertRaises(AccessError):
            self.emma_idp.with_user(user).action_submit()

    def test_the_manager_works_on_the_team_plans(self):
        user = self.user_eric
        self.assertEqual(
            self.Idp.with_user(user).search(
                [("id", "in", (self.emma_idp | self.otto_idp).ids)]
            ),
            self.emma_idp,
        )
        self.emma_idp.with_user(user).write({"notes": "Agreed focus"})
        goal = self.Goal.with_user(user).create(self._goal_values(self.emma_idp))
        goal.with_user(user).unlink()
        with self.assertRaises(AccessError):
            self.emma_idp.with_user(user).unlink()
        with self.assertRaises(AccessError):
            self.otto_idp.with_user(user).read(["notes"])
        with self.assertRaises(AccessError):
            self.otto_goal.with_user(user).write({"name": "Not my team"})
        with self.assertRaises(AccessError):
            self.Idp.with_user(user).create({"employee_id": self.otto.id, "year": 2027})
        team_plan = self.Idp.with_user(user).create(
            {"employee_id": self.emma.id, "year": 2027}
        )
        self.assertEqual(team_plan.employee_id, self.emma)

    def test_the_officer_works_on_every_plan(self):
        user = self.user_officer
        self.assertEqual(
            self.Idp.with_user(user).search(
                [("id", "in", (self.emma_idp | self.otto_idp).ids)]
            ),
            self.emma_idp | self.otto_idp,
        )
        self.otto_idp.with_user(user).write({"notes": "HR note"})
        self.otto_goal.with_user(user).write({"name": "By spring"})
        plan = self.Idp.with_user(user).create(
            {"employee_id": self.otto.id, "year": 2027}
        )
        plan.with_user(user).unlink()
        self.otto_goal.with_user(user).unlink()
        self.assertFalse(self.otto_goal.exists())
        with self.assertRaisesRegex(AccessError, "change through its buttons only"):
            self.otto_idp.with_user(user).write({"state": "agreed"})

    def test_the_sync_user_sees_and_does_nothing(self):
        user = self.user_sync
        self.assertFalse(self.Idp.with_user(user).search([]))
        self.assertFalse(self.Goal.with_user(user).search([]))
        with self.assertRaises(AccessError):
            self.emma_idp.with_user(user).read(["notes"])
        with self.assertRaises(AccessError):
            self.Idp.with_user(user).create({"employee_id": self.emma.id, "year": 2027})
        with self.assertRaises(AccessError):
            self.emma_idp.with_user(user).write({"notes": "Sync"})
        with self.assertRaises(AccessError):
            self.emma_idp.with_user(user).unlink()
        with self.assertRaises(AccessError):
            self.Goal.with_user(user).create(self._goal_values(self.emma_idp))
        with self.assertRaises(AccessError):
            self.emma_goal.with_user(user).write({"skill": "Sync"})
        with self.assertRaises(AccessError):
            self.emma_goal.with_user(user).unlink()

    def test_nobody_agrees_or_ticks_their_own(self):
        self.emma_idp.with_user(self.user_emma).action_submit()
        with self.assertRaisesRegex(UserError, "is about you"):
            self.emma_idp.with_user(self.user_emma).action_agree()
        with self.assertRaises(AccessError):
            self.emma_idp.with_user(self.user_otto).action_agree()
        with self.assertRaises(AccessError):
            self.emma_idp.with_user(self.user_sync).action_agree()
        self.emma_idp.with_user(self.user_officer).action_agree()
        self.assertEqual(self.emma_idp.agreed_by_id, self.user_officer)
        with self.assertRaisesRegex(UserError, "your manager confirms"):
            self.emma_goal.with_user(self.user_emma).write({"skill_done": True})
