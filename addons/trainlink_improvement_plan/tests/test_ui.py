from odoo.tests import HttpCase, tagged

from .common import ImprovementCase

# The texts the tours type (static/tests/tours/improvement_plan_tour.js).
CAUSE_WHY = "TL tour: follow-up calls are not planned"
PROGRESS_NOTE = "TL tour: called back every open quote this week"
CHECKIN_NOTE = "TL tour: check-in held, call list reviewed together"


@tagged("post_install", "-at_install")
class TestImprovementPlanTour(ImprovementCase, HttpCase):
    """In the browser, Eric (the manager) and Emma walk one improvement plan
    from its problem statement to its first week of follow-up: Eric adds a
    root cause through its 5W2H dialog, moves the plan stage by stage to the
    review, sets the meeting date and signs; Emma signs, the plan runs, she
    reports her progress; Eric records his check-in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Opened by HR with a problem statement; Eric gives it a goal, an
        # action and a resource (the tour fills the root cause and the review
        # date itself).
        cls.plan = cls._new_plan(
            name="TL Tour plan",
            problem="Revenue at 64 % of target in Q1",
        )
        env = cls.env(user=cls.user_eric)
        env["trainlink.improvement.goal"].create(cls._goal_values(cls.plan))
        env["trainlink.improvement.action"].create(
            {
                "plan_id": cls.plan.id,
                "name": "Weekly call list with the manager",
                "owner_type": "employee",
                "date_start": cls.plan.date_start,
                "date_end": cls.plan.date_end,
                "standard": "Every quote followed up within 3 days",
            }
        )
        env["trainlink.improvement.resource"].create(
            {
                "plan_id": cls.plan.id,
                "name": "CRM licence",
                "provider_type": "it",
                "provider_user_id": cls.user_it.id,
                "due_date": cls.plan.date_start,
            }
        )

    def _plan_url(self):
        return (
            "/odoo/action-trainlink_improvement_plan.improvement_plan_action/"
            f"{self.plan.id}"
        )

    def test_manager_and_employee_walk_the_plan(self):
        plan = self.plan
        self.assertEqual(plan.stage, "problem")
        self.assertFalse(plan.cause_ids)
        self.assertFalse(plan.review_date)

        # 1. Eric: root cause, stages up to the review, meeting date, signature.
        self.start_tour(
            self._plan_url(),
            "trainlink_improvement_plan_manager_prepares",
            login=self.user_eric.login,
        )
        self.env.invalidate_all()
        self.assertEqual(plan.stage, "review")
        self.assertRecordValues(
            plan.cause_ids,
            [
                {
                    "category": "method",
                    "kind": "personal",
                    "why": CAUSE_WHY,
                    "what": "Quotes go cold",
                    "where": "Key accounts",
                    "when": "After the first visit",
                    "who": "Emma",
                    "how": "No call list kept",
                    "how_much": "About 30 % of quotes",
                }
            ],
        )
        self.assertEqual(plan.review_date, self.today)
        self.assertEqual(plan.manager_signed_by_id, self.user_eric)
        self.assertTrue(plan.manager_signature)
        self.assertFalse(plan.employee_signed_on)

        # 2. Emma: her signature starts the plan; her progress report.
        self.start_tour(
            self._plan_url(),
            "trainlink_improvement_plan_employee_signs",
            login=self.user_emma.login,
        )
        self.env.invalidate_all()
        self.assertEqual(plan.stage, "follow_up")
        self.assertEqual(plan.signed_version, 1)

        # 3. Eric: the week's check-in.
        self.start_tour(
            self._plan_url(),
            "trainlink_improvement_plan_manager_checks_in",
            login=self.user_eric.login,
        )
        self.env.invalidate_all()
        self.assertEqual(plan.stage, "follow_up")
        self.assertFalse(plan.closed)
        self.assertTrue(plan.employee_signature)
        self.assertTrue(plan.manager_signature)
        self.assertEqual(plan.employee_signed_by_id, self.user_emma)
        self.assertEqual(plan.employee_signed_name, self.user_emma.name)
        self.assertEqual(plan.manager_signed_by_id, self.user_eric)
        self.assertEqual(plan.manager_signed_name, self.user_eric.name)
        self.assertEqual(plan.signed_version, 1)
        self.assertEqual(set(plan.followup_ids.mapped("kind")), {"progress", "checkin"})
        self.assertEqual(len(plan.followup_ids), 2)
        by_kind = {followup.kind: followup for followup in plan.followup_ids}
        self.assertEqual(by_kind["progress"].author_id, self.user_emma)
        self.assertEqual(by_kind["progress"].note, PROGRESS_NOTE)
        self.assertEqual(by_kind["checkin"].author_id, self.user_eric)
        self.assertEqual(by_kind["checkin"].note, CHECKIN_NOTE)
        # The signed version is kept in the chatter.
        self.assertTrue(
            plan.message_ids.filtered(lambda m: "Signed version 1" in (m.body or ""))
        )
