from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ImprovementCase

CHECKIN = "trainlink_improvement_plan.mail_activity_type_pip_checkin"


@tagged("post_install", "-at_install")
class TestPlanFollowup(ImprovementCase):
    """Each week the employee reports progress and the manager checks in;
    the manager gets one check-in activity per week while the plan runs."""

    def setUp(self):
        super().setUp()
        with freeze_time("2026-01-05"):  # a Monday
            self.plan = self.Plan.create(
                {
                    "name": "Revenue back on target",
                    "employee_id": self.emma.id,
                    "date_start": "2026-01-05",
                    "date_end": "2026-03-31",
                }
            )
            self._complete_to(self.plan, "review")
        self.Followup = self.env["trainlink.improvement.followup"]

    def _checkins(self):
        return self.plan.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(CHECKIN)
        )

    def _report(self, user, kind, **values):
        return self.Followup.with_user(user).create(
            {
                "plan_id": self.plan.id,
                "kind": kind,
                "note": "Called 12 clients",
                **values,
            }
        )

    def test_follow_up_starts_when_the_plan_runs(self):
        with self.assertRaisesRegex(UserError, "while the plan runs"):
            self._report(self.user_emma, "progress")

    @freeze_time("2026-01-07")
    def test_the_employee_reports_progress_and_the_manager_checks_in(self):
        self._sign_both(self.plan)
        progress = self._report(self.user_emma, "progress", blockers="No CRM access")
        self.assertEqual(progress.author_id, self.user_emma)
        self.assertEqual(str(progress.week_start), "2026-01-05")
        checkin = self._report(self.user_eric, "checkin")
        self.assertEqual(checkin.author_id, self.user_eric)
        self.assertEqual(self.plan.followup_ids, progress | checkin)
        # Each writes their own kind only, and edits their own entries only.
        with self.assertRaisesRegex(AccessError, "Check-ins are recorded by a manager"):
            self._report(self.user_emma, "checkin", week_start="2026-01-12")
        with self.assertRaisesRegex(AccessError, "Only Emma reports progress"):
            self._report(self.user_eric, "progress", week_start="2026-01-12")
        with self.assertRaisesRegex(AccessError, "Only the author"):
            progress.with_user(self.user_eric).note = "Rewritten"
        progress.with_user(self.user_emma).note = "Called 14 clients"
        self.assertEqual(progress.note, "Called 14 clients")
        # A peer sees nothing to report on.
        with self.assertRaises(AccessError):
            self._report(self.user_pia, "progress", week_start="2026-01-12")

    @freeze_time("2026-01-07")
    def test_one_progress_report_per_week(self):
        self._sign_both(self.plan)
        self._report(self.user_emma, "progress")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self._report(self.user_emma, "progress", week_start="2026-01-09")

    def test_the_manager_gets_one_checkin_activity_per_week(self):
        with freeze_time("2026-01-05"):
            self._sign_both(self.plan)
            self.assertEqual(len(self._checkins()), 1)
            self.assertEqual(self._checkins().user_id, self.user_eric)
            self.Plan._cron_weekly_checkins()
            self.assertEqual(len(self._checkins()), 1)
        with freeze_time("2026-01-09"):
            self.Plan._cron_weekly_checkins()
            self.assertEqual(len(self._checkins()), 1, "same week: no second one")
        with freeze_time("2026-01-12"):
            self.Plan._cron_weekly_checkins()
            self.Plan._cron_weekly_checkins()
            self.assertEqual(len(self._checkins()), 2, "one more for the new week")
            self.assertEqual(str(self.plan.last_checkin_week), "2026-01-12")

    def test_no_checkin_activity_before_signature(self):
        with freeze_time("2026-01-05"):
            self.Plan._cron_weekly_checkins()
        self.assertFalse(self._checkins())
