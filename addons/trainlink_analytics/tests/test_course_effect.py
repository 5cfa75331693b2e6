from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import AnalyticsCase


@tagged("post_install", "-at_install")
class TestCourseEffect(AnalyticsCase):
    def _row(self, course):
        self.env.invalidate_all()
        return self.env["trainlink.course.effect"].search(
            [("course_id", "=", course.id), ("kpi_id", "=", self.kpi.id)]
        )

    def test_figures_worked_out_by_hand(self):
        row = self._row(self.key_accounts)
        self.assertEqual(len(row), 1)
        self.assertEqual(row.enrolled_count, 7, "the cancelled training is left out")
        self.assertAlmostEqual(row.completion_rate, 600 / 7)
        self.assertAlmostEqual(row.pass_rate, 500 / 6)
        self.assertAlmostEqual(row.application_rate, 50.0)
        self.assertEqual(row.trainee_count, 6)
        self.assertEqual(row.rated_count, 5, "the measurement on 2 peers is thin")
        self.assertAlmostEqual(row.low_confidence_share, 100 / 6)
        self.assertAlmostEqual(row.mean_net_lift, 15.0)
        # Lifts 10, 20, 30, 0, 15: variance 500 / 4 = 125.
        self.assertAlmostEqual(row.net_lift_stddev, 125**0.5, places=4)
        # t(4) = 2.776; standard error sqrt(125 / 5 + 3 ** 2) = sqrt(34).
        half = 2.776 * 34**0.5
        self.assertAlmostEqual(row.ci_low, 15.0 - half, places=3)
        self.assertAlmostEqual(row.ci_high, 15.0 + half, places=3)
        self.assertFalse(row.thin_data)
        self.assertEqual(row.excellent_count + row.good_count + row.fair_count, 5)
        self.assertEqual(row.insufficient_count, 0)
        self.assertEqual(row.inconclusive_count, 1)
        # Benefit: net lift % x 100 a month x 3 months x 1 a unit, thin data 0.
        self.assertAlmostEqual(row.benefit, 75 * 3)
        self.assertAlmostEqual(row.cost, 7 * 200.0, msg="seven seats, not cancelled")
        self.assertAlmostEqual(row.roi, 225 / 1400)

        filing = self._row(self.filing)
        self.assertAlmostEqual(filing.completion_rate, 100.0)
        self.assertAlmostEqual(filing.mean_net_lift, 0.5)
        # Lifts 0.5, 0, 1, 0.25, 0.75: variance 0.625 / 4.
        half = 2.776 * (0.15625 / 5) ** 0.5
        self.assertAlmostEqual(filing.ci_low, 0.5 - half, places=4)
        self.assertAlmostEqual(filing.ci_high, 0.5 + half, places=4)
        self.assertLess(row.rank, filing.rank, "the larger lift ranks first")
        self.assertEqual(filing.rank - row.rank, 1)

    def test_thin_data_is_shown_but_not_ranked(self):
        self.company.trainlink_analytics_min_trainees = 6
        self.env.flush_all()
        for course in (self.key_accounts, self.filing):
            row = self._row(course)
            self.assertTrue(row.thin_data, "five measured trainees are under six")
            self.assertEqual(row.rank, 0)
            self.assertAlmostEqual(
                row.mean_net_lift, 15.0 if course == self.key_accounts else 0.5
            )

    def test_one_trainee_has_no_interval(self):
        self.trainings_a[1:5].contribution_ids.unlink()
        self.env.flush_all()
        row = self._row(self.key_accounts)
        self.assertEqual(row.rated_count, 1)
        self.assertFalse(row.has_interval)
        self.assertFalse(row.ci_low)
        self.assertFalse(row.ci_high)
        self.assertTrue(row.thin_data)

    def test_alert_on_completed_course_without_lift_once(self):
        alert = self.env.ref("trainlink_analytics.mail_activity_type_course_alert")
        Effect = self.env["trainlink.course.effect"]
        Effect._cron_alert_ineffective()
        Effect._cron_alert_ineffective()
        activities = self.env["mail.activity"].search(
            [
                ("activity_type_id", "=", alert.id),
                ("res_model", "=", "trainlink.course"),
            ]
        )
        self.assertEqual(
            activities.mapped("res_id"),
            [self.filing.id],
            "Filing: 100 % completed, interval top under 2 points; Key Accounts "
            "lifts; one alert however often the job runs",
        )
        self.assertIn("Account revenue", str(activities.note))
        self.assertEqual(activities.user_id, self.filing.responsible_id)

    def test_no_alert_on_thin_data(self):
        self.company.trainlink_analytics_min_trainees = 6
        self.env.flush_all()
        self.env["trainlink.course.effect"]._cron_alert_ineffective()
        self.assertFalse(self.filing.activity_ids)

    def test_drill_down_to_the_records(self):
        row = self._row(self.key_accounts)
        contributions = self.env["trainlink.contribution"].search(
            row.action_view_contributions()["domain"]
        )
        self.assertEqual(contributions.attendance_id, self.trainings_a)
        trainings = self.env["trainlink.training.report"].search(
            row.action_view_trainings()["domain"]
        )
        self.assertEqual(trainings.attendance_id, self.trainings_a | self.enrolled)

    def test_training_report_rates_by_course(self):
        groups = self.env["trainlink.training.report"]._read_group(
            [("course_id", "in", (self.key_accounts | self.filing).ids)],
            ["course_id"],
            [
                "completed_rate:avg",
                "pass_rate:avg",
                "application_rate:avg",
                "net_lift:avg",
            ],
        )
        figures = {course: rest for course, *rest in groups}
        completion, passed, applied, lift = figures[self.key_accounts]
        self.assertAlmostEqual(completion, 600 / 7)
        self.assertAlmostEqual(passed, 500 / 6)
        self.assertAlmostEqual(applied, 50.0)
        self.assertAlmostEqual(lift, 15.0, msg="the thin measurement is left out")
        self.assertAlmostEqual(figures[self.filing][3], 0.5)

    def test_department_report_by_hand(self):
        Report = self.env["trainlink.department.report"]
        row = Report.search([("department_id", "=", self.dept_a.id)])
        self.assertEqual(len(row), 1)
        self.assertEqual(str(row.date), "2026-01-01")
        self.assertEqual(row.headcount, 8)
        self.assertEqual(row.participant_count, 6)
        self.assertAlmostEqual(row.participation_rate, 75.0)
        self.assertAlmostEqual(row.application_rate, 50.0)
        self.assertAlmostEqual(row.net_lift, 15.0)
        self.assertEqual(row.rated_count, 5)
        trainings = self.env["trainlink.training.report"].search(
            row.action_view_trainings()["domain"]
        )
        self.assertEqual(
            trainings.attendance_id,
            self.trainings_a | self.enrolled,
            "the department's trainings of the year, the cancelled one left out",
        )
        other = Report.search([("department_id", "=", self.dept_b.id)])
        self.assertAlmostEqual(other.participation_rate, 100.0)
        self.assertAlmostEqual(other.application_rate, 0.0)
        self.assertAlmostEqual(other.net_lift, 0.5)


@tagged("post_install", "-at_install")
class TestAnalyticsVisibility(AnalyticsCase):
    """Who sees which figures, with plain ORM reads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ours = [
            ("course_id", "in", (cls.course | cls.key_accounts | cls.filing).ids)
        ]

    def _visible(self, user, model, domain=()):
        return self.env[model].with_user(user).search(list(domain))

    def test_course_figures_for_officers_only(self):
        self.assertTrue(self._visible(self.user_officer, "trainlink.course.effect"))
        for model in (
            "trainlink.course.effect",
            "trainlink.promotion.course.report",
            "trainlink.program.indicator",
        ):
            self._visible(self.user_officer, model)  # no AccessError
            for user in (
                self.user_eric,
                self.user_emma,
                self.user_otto,
                self.user_sync,
            ):
                with self.subTest(model=model, user=user.login):
                    with self.assertRaises(AccessError):
                        self._visible(user, model)

    def test_trainings_per_role(self):
        model = "trainlink.training.report"
        everyone = self.attendance | self.trainings_a | self.enrolled | self.trainings_b
        self.assertEqual(
            self._visible(self.user_officer, model, self.ours).attendance_id, everyone
        )
        self.assertEqual(
            self._visible(self.user_eric, model, self.ours).attendance_id,
            self.attendance | self.trainings_a | self.enrolled,
            "Eric's team: Emma and the key-account people, not the back office",
        )
        self.assertEqual(
            self._visible(self.user_emma, model).attendance_id, self.attendance
        )
        for user in (self.user_otto, self.user_sync):
            self.assertFalse(self._visible(user, model), "no training of their own")

    def test_departments_per_role(self):
        model = "trainlink.department.report"
        departments = self.dept_a | self.dept_b | self.department
        domain = [("department_id", "in", departments.ids)]
        self.assertEqual(
            self._visible(self.user_officer, model, domain).department_id, departments
        )
        self.assertEqual(
            self._visible(self.user_eric, model, domain).department_id, self.dept_a
        )
        self.assertEqual(
            self._visible(self.user_mia, model, domain).department_id,
            self.dept_b,
            "Mia also manages Sales, but its four people are under the minimum group",
        )
        self.company.trainlink_min_group_size = 10
        self.env.flush_all()
        self.assertFalse(self._visible(self.user_eric, model, domain))
        for user in (self.user_emma, self.user_sync):
            with self.assertRaises(AccessError):
                self._visible(user, model)

    def test_reports_are_read_only_for_every_role(self):
        """No role creates, writes or deletes a figure with plain ORM calls:
        they are computed by the database."""
        reports = {
            "trainlink.course.effect": {"mean_net_lift": 99.0},
            "trainlink.training.report": {"net_lift": 99.0},
            "trainlink.department.report": {"participation_rate": 100.0},
            "trainlink.promotion.course.report": {"promoted_share": 100.0},
            "trainlink.program.indicator": {"value": 100.0},
        }
        users = (
            self.user_emma,  # employee
            self.user_otto,  # peer
            self.user_eric,  # manager
            self.user_hr,  # HR officer
            self.user_officer,
            self.user_admin,
            self.user_sync,
        )
        for model, values in reports.items():
            row = self.env[model].search([], limit=1)
            for user in users:
                with self.subTest(model=model, user=user.login):
                    with self.assertRaises(AccessError):
                        self.env[model].with_user(user).create(values)
                    if row:
                        with self.assertRaises(AccessError):
                            row.with_user(user).write(values)
                        with self.assertRaises(AccessError):
                            row.with_user(user).unlink()
