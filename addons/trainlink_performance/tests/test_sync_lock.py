from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import TrainlinkCase

GROUP_SYNC = "trainlink_performance.group_trainlink_sync"


@tagged("post_install", "-at_install")
class TestSyncLock(TrainlinkCase):
    """One worker run at a time per company, with a lease."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_sync = cls._user("tl_sync", GROUP_SYNC)
        cls.Lock = cls.env["trainlink.sync.lock"].with_user(cls.user_sync)
        cls.Run = cls.env["trainlink.sync.run"].with_user(cls.user_sync)

    def _lock(self):
        return self.env["trainlink.sync.lock"].search(
            [("company_id", "=", self.company.id), ("name", "=", "worker")]
        )

    def test_a_held_lock_is_refused_to_another_worker_with_who_holds_it(self):
        first = self.Lock.api_acquire("host-a pid 1", 600)
        self.assertTrue(first["ok"])
        second = self.Lock.api_acquire("host-b pid 2", 600)
        self.assertFalse(second["ok"])
        self.assertEqual(second["holder"], "host-a pid 1")
        lock = self._lock()
        self.assertEqual(second["since"], fields.Datetime.to_string(lock.acquired))
        self.assertEqual(second["until"], fields.Datetime.to_string(lock.lease_until))

    def test_a_released_lock_is_free_again(self):
        first = self.Lock.api_acquire("host-a pid 1", 600)
        self.assertEqual(self.Lock.api_release(first["token"]), {"ok": True})
        self.assertTrue(self.Lock.api_acquire("host-b pid 2", 600)["ok"])
        self.assertFalse(self.Lock.api_release(first["token"])["ok"], "not theirs")

    def test_an_expired_lease_frees_the_lock_and_abandons_its_runs(self):
        first = self.Lock.api_acquire("host-a pid 1", 600)
        run_id = self.Run.api_start("crm")
        self._lock().lease_until = fields.Datetime.now() - timedelta(seconds=1)
        second = self.Lock.api_acquire("host-b pid 2", 600)
        self.assertTrue(second["ok"])
        run = self.env["trainlink.sync.run"].browse(run_id)
        self.assertEqual(run.state, "abandoned")
        self.assertIn("host-a pid 1", run.error)
        self.assertTrue(run.finished)
        self.assertFalse(self.Lock.api_renew(first["token"], 600)["ok"])

    def test_renewing_extends_the_lease_of_the_holder_only(self):
        first = self.Lock.api_acquire("host-a pid 1", 60)
        before = self._lock().lease_until
        self.assertTrue(self.Lock.api_renew(first["token"], 600)["ok"])
        self.assertGreater(self._lock().lease_until, before)
        self.assertFalse(self.Lock.api_renew("forged", 600)["ok"])

    def test_bad_arguments_are_a_message(self):
        for holder, lease in (("", 60), ("host", 0), ("host", 10**9), (7, 60)):
            with self.subTest(holder=holder, lease=lease):
                with self.assertRaisesRegex(UserError, "lease|takes the lock"):
                    self.Lock.api_acquire(holder, lease)

    def test_only_the_sync_user_calls_it_and_nobody_reads_the_token(self):
        with self.assertRaises(AccessError):
            self.env["trainlink.sync.lock"].with_user(self.user_officer).api_acquire(
                "host", 60
            )
        self.Lock.api_acquire("host-a pid 1", 600)
        officer_view = self._lock().with_user(self.user_officer)
        self.assertEqual(officer_view.holder, "host-a pid 1")
        with self.assertRaises(AccessError):
            officer_view.read(["token"])
        with self.assertRaises(AccessError):
            self._lock().with_user(self.user_sync).read(["holder"])
