from odoo import fields
from odoo.tests import tagged

from odoo.addons.trainlink_performance.tests.common_contribution import (
    ContributionCase,
)


@tagged("post_install", "-at_install")
class TestProgramIndicator(ContributionCase):
    """A company of its own, so that its figures are known: five employees,
    two jobs of which one has a course, three needs (one answered by a
    course, one not, one rejected); in 2025 one training, passed; in 2026
    four (three passed, two applied), two of them measured at +10 and +20
    points; a seat costs 100."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.co = cls.env["res.company"].create(
            {"name": "TL Analytics Co", "trainlink_min_group_size": 2}
        )
        in_co = {"company_id": cls.co.id}
        cls.job_sales, cls.job_clerk = cls.env["hr.job"].create(
            [{"name": "TL Seller", **in_co}, {"name": "TL Clerk", **in_co}]
        )
        people = cls.env["hr.employee"].create(
            [
                {"name": f"C{index}", "job_id": cls.job_sales.id, **in_co}
                for index in range(5)
            ]
        )
        kpi = cls.env["trainlink.kpi"].create(
            {"code": "TL_CO_REV", "name": "Revenue", "unit_value": 1.0, **in_co}
        )
        cls.co_course = cls.env["trainlink.course"].create(
            {
                "name": "Selling",
                "cost_per_seat": 100.0,
                "passing_score": 80.0,
                "job_ids": [fields.Command.set(cls.job_sales.ids)],
                **in_co,
            }
        )
        cls.env["trainlink.need"].create(
            [
                {"name": "Closing", "course_id": cls.co_course.id, **in_co},
                {"name": "Filing", **in_co},
                {"name": "Dropped", "state": "rejected", **in_co},
            ]
        )
        old = cls._session(
            course_id=cls.co_course.id,
            date_start="2025-05-05",
            date_end="2025-05-06",
            **in_co,
        )
        cls._completed_attendance(people[0], 90, old)
        new = cls._session(course_id=cls.co_course.id, **in_co)
        trainings = cls.env["trainlink.attendance"]
        for person, score in zip(people[:4], [90, 90, 90, 50], strict=True):
            trainings |= cls._completed_attendance(person, score, new)
        for training in trainings[:2]:
            cls._plan(training).write({"state": "done"})
        for training, lift in zip(trainings[:2], [10, 20], strict=True):
            cls._contribution(training, kpi, post_value=100.0 + lift)
        cls.people = people
        cls.env.flush_all()

    def _figures(self, year):
        self.env.invalidate_all()
        rows = self.env["trainlink.program.indicator"].search(
            [("company_id", "=", self.co.id), ("date", "=", f"{year}-01-01")]
        )
        return {row.indicator: row for row in rows}

    def test_indicators_worked_out_by_hand(self):
        now = self._figures(2026)
        self.assertAlmostEqual(
            now["needs_matched"].value, 50.0, msg="rejected left out"
        )
        self.assertAlmostEqual(now["job_coverage"].value, 50.0)
        self.assertAlmostEqual(now["participation"].value, 80.0, msg="4 of 5")
        self.assertAlmostEqual(now["pass_rate"].value, 75.0)
        self.assertAlmostEqual(now["application_rate"].value, 50.0)
        self.assertAlmostEqual(now["kpi_lift"].value, 15.0)
        # (10 + 20) % x 100 a month x 3 months / (4 seats x 100).
        self.assertAlmostEqual(now["roi"].value, 90.0 / 400.0)
        self.assertEqual(now["pass_rate"].sample_size, 4)

    def test_goals_trend_and_status(self):
        now = self._figures(2026)
        self.assertAlmostEqual(now["participation"].goal, 85.0)
        self.assertEqual(now["participation"].status, "missed")
        self.assertEqual(now["kpi_lift"].status, "met", "15 points, goal 5")
        self.assertTrue(now["kpi_lift"].goal_met)
        self.assertAlmostEqual(now["pass_rate"].previous_value, 100.0)
        self.assertAlmostEqual(now["pass_rate"].trend, -25.0)
        before = self._figures(2025)
        self.assertEqual(
            before["pass_rate"].status,
            "too_few",
            "one training is under the minimum group of two: neither met nor missed",
        )
        self.assertFalse(before["pass_rate"].goal_met)
        self.co.trainlink_goal_participation = 80.0
        self.env.flush_all()
        self.assertEqual(self._figures(2026)["participation"].status, "met")

    def test_drill_down_to_the_records_behind_each_figure(self):
        now = self._figures(2026)
        self.assertEqual(len(now), 7)
        for indicator, row in now.items():
            action = row.action_view_records()
            records = self.env[action["res_model"]].search(action["domain"])
            with self.subTest(indicator=indicator):
                if indicator == "participation":
                    # The value is trained people / headcount: the trainings.
                    self.assertEqual(len(records.employee_id), 4)
                else:
                    self.assertEqual(len(records), row.sample_size)

    def test_goals_are_checked(self):
        with self.assertRaisesRegex(Exception, "between 0 and 100"):
            self.co.trainlink_goal_participation = 120.0
        with self.assertRaisesRegex(Exception, "cannot be negative"):
            self.co.trainlink_goal_roi = -1.0
        with self.assertRaisesRegex(Exception, "at least 2"):
            self.co.trainlink_analytics_min_trainees = 1

    def test_share_of_promoted_who_took_the_course(self):
        job_lead = self.env["hr.job"].create(
            {"name": "TL Lead", "company_id": self.co.id}
        )
        path = self.env["trainlink.promotion.path"].create(
            {"job_id": job_lead.id, "company_id": self.co.id}
        )
        candidates = self.env["trainlink.promotion.candidate"].create(
            [
                {"employee_id": person.id, "path_id": path.id}
                for person in self.people[:2] | self.people[4]
            ]
        )
        candidates[:2].write({"state": "promoted"})
        self.env.flush_all()
        row = self.env["trainlink.promotion.course.report"].search(
            [("course_id", "=", self.co_course.id)]
        )
        self.assertEqual(
            row.promoted_count, 2, "the third candidate is still on the path"
        )
        self.assertEqual(row.promoted_trained_count, 2)
        self.assertAlmostEqual(row.promoted_share, 100.0)
        self.assertAlmostEqual(row.employee_share, 80.0, msg="4 of 5 took it")
        self.assertAlmostEqual(row.ratio, 1.25)
        self.assertFalse(row.too_few)
        self.co.trainlink_min_group_size = 3
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertTrue(row.too_few, "two promoted people are under a group of three")
