from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import TrainlinkCase


@tagged("post_install", "-at_install")
class TestKpiCourse(TrainlinkCase):
    def test_kpi_code_is_stored_upper_case_without_spaces(self):
        kpi = self.env["trainlink.kpi"].create({"code": " tl_defects ", "name": "D"})
        self.assertEqual(kpi.code, "TL_DEFECTS")
        self.assertEqual(kpi.display_name, "[TL_DEFECTS] D")

    def test_kpi_code_with_inner_space_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "one word"):
            self.env["trainlink.kpi"].create({"code": "DEFECT RATE", "name": "D"})

    @mute_logger("odoo.sql_db")
    def test_duplicate_kpi_code_in_company_is_refused(self):
        with self.assertRaises(IntegrityError):
            self.env["trainlink.kpi"].create({"code": "tl_rev", "name": "Again"})

    def test_same_kpi_code_allowed_in_another_company(self):
        other = self.env["res.company"].create({"name": "TL Other Co"})
        kpi = self.env["trainlink.kpi"].create(
            {"code": "TL_REV", "name": "Revenue", "company_id": other.id}
        )
        self.assertEqual(kpi.company_id, other)

    def test_course_kpis_come_from_its_modules(self):
        self.assertEqual(self.course.kpi_ids, self.kpi_revenue | self.kpi_complaints)
        self.course.module_ids[1].unlink()
        self.assertEqual(self.course.kpi_ids, self.kpi_revenue)
        self.assertEqual(self.kpi_revenue.course_count, 1)

    def test_course_defaults_come_from_company_settings(self):
        self.company.write(
            {
                "trainlink_passing_score": 70.0,
                "trainlink_kpi_window_months": 6,
                "trainlink_baseline_window_months": 4,
                "trainlink_short_term_days": 45,
            }
        )
        course = self.env["trainlink.course"].create({"name": "Lean basics"})
        self.assertEqual(course.passing_score, 70.0)
        self.assertEqual(course.kpi_window_months, 6)
        self.assertEqual(course.baseline_window_months, 4)
        self.assertEqual(course.short_term_days, 45)

    def test_default_passing_score_is_80(self):
        self.assertEqual(self.course.passing_score, 80.0)

    def test_negative_course_hours_or_cost_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "hours cannot be negative"):
            self.env["trainlink.course"].create({"name": "Bad", "hours": -1})
        with self.assertRaisesRegex(
            ValidationError, "cost per seat cannot be negative"
        ):
            self.env["trainlink.course"].create({"name": "Bad", "cost_per_seat": -5})
        self.assertFalse(self.env["trainlink.course"].search([("name", "=", "Bad")]))

    def test_passing_score_outside_0_100_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            self.course.passing_score = 101

    def test_empty_evaluation_window_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "at least one month"):
            self.course.kpi_window_months = 0

    @mute_logger("odoo.sql_db")
    def test_module_lists_a_kpi_once(self):
        module = self.course.module_ids[0]
        with self.assertRaises(IntegrityError):
            self.env["trainlink.course.module.kpi"].create(
                {"module_id": module.id, "kpi_id": self.kpi_revenue.id}
            )

    def test_company_settings_reject_invalid_windows(self):
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            self.company.trainlink_passing_score = -1
        with self.assertRaisesRegex(ValidationError, "positive"):
            self.company.trainlink_mentorship_months = 0
