from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.trainlink_performance.tests.test_promotion import PromotionCase


@tagged("post_install", "-at_install")
class TestPromotionGates(PromotionCase):
    """The daily check records the gate each candidate on a path misses:
    Emma has passed Negotiation only (Key Accounts, a practice case and a
    performance score missing)."""

    def _check(self):
        self.env["trainlink.promotion.candidate"]._cron_check_gates()

    def test_gate_missing_follows_the_records(self):
        candidate = self._candidate()
        self._check()
        self.assertEqual(candidate.gate_missing, "several")
        self.assertTrue(candidate.gates_checked_on)
        self._completed_attendance(self.emma, 85.0, self._accounts_session())
        self._approved_case()
        self._check()
        self.assertEqual(candidate.gate_missing, "performance")
        self._confirmed_score(self.emma, 82.0)
        self._check()
        self.assertEqual(candidate.gate_missing, "none")
        groups = dict(
            self.env["trainlink.promotion.candidate"]._read_group(
                [("id", "=", candidate.id)], ["gate_missing"], ["__count"]
            )
        )
        self.assertEqual(groups, {"none": 1})

    def test_candidates_off_the_path_leave_the_analysis(self):
        candidate = self._candidate()
        self._check()
        candidate.sudo().write({"state": "declined"})
        self._check()
        self.assertFalse(candidate.gate_missing)

    def test_nobody_writes_the_gate_by_hand(self):
        candidate = self._candidate()
        for user in (
            self.user_emma,  # the candidate
            self.user_otto,  # a peer
            self.user_eric,  # her manager
            self.user_hr,  # HR officer
            self.user_officer,
            self.user_sync,
        ):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                candidate.with_user(user).write({"gate_missing": "none"})
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["trainlink.promotion.candidate"].with_user(user).create(
                    {
                        "employee_id": self.otto.id,
                        "path_id": self.path.id,
                        "gate_missing": "none",
                    }
                )

    def test_who_sees_the_gates(self):
        candidate = self._candidate()
        self._check()
        Candidate = self.env["trainlink.promotion.candidate"]
        domain = [("gate_missing", "!=", False)]
        for user, seen in (
            (self.user_officer, candidate),
            (self.user_eric, candidate),
            (self.user_emma, candidate),
            (self.user_otto, Candidate),
        ):
            with self.subTest(user=user.login):
                self.assertEqual(
                    Candidate.with_user(user)
                    .search(domain)
                    .filtered(lambda c: c.id == candidate.id),
                    seen.with_user(user),
                )
